// A tiny test harness that runs the same suite in every runtime (Node,
// Chromium, workerd), with assertions that need nothing from the platform.

export function eq(actual, expected, what = "value") {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
export function ok(cond, what = "condition") {
  if (!cond) throw new Error(`${what} does not hold`);
}
export function near(actual, expected, tolerance, what = "value") {
  if (typeof actual !== "number" || Math.abs(actual - expected) > tolerance)
    throw new Error(`${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}
function checkError(e, code) {
  if (!(e instanceof Error)) throw new Error(`expected an Error with code ${code}, got ${String(e)}`);
  if (e.code !== code) throw new Error(`expected code ${code}, got ${e.code}: ${e.message}`);
  if (e.name !== "ExpenseAuthError") throw new Error(`expected name ExpenseAuthError, got ${e.name}`);
  return e;
}
/** Asserts that `fn()` throws (synchronously) an ExpenseAuthError with `code`. */
export function throwsCode(fn, code) {
  try {
    fn();
  } catch (e) {
    return checkError(e, code);
  }
  throw new Error(`expected ${code}, but it succeeded`);
}
/** Asserts that the promise (or async fn) rejects with an ExpenseAuthError with `code`. */
export async function rejectsCode(p, code) {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return checkError(e, code);
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

/** Runs tests one after another; returns { passed, failed, results }. */
export async function runTests(tests, { filter, log = () => {} } = {}) {
  const results = [];
  for (const t of tests) {
    if (filter && !t.name.includes(filter)) continue;
    const start = Date.now();
    try {
      await t.fn();
      results.push({ name: t.name, ok: true, ms: Date.now() - start });
      log(`ok   ${t.name}`);
    } catch (e) {
      results.push({ name: t.name, ok: false, ms: Date.now() - start, error: String(e?.stack ?? e) });
      log(`FAIL ${t.name}\n     ${String(e?.message ?? e)}`);
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}

/**
 * Runs the browser suite on a test page (`?sandbox=` gives the sandbox URL):
 * the log goes into `#out`, the outcome into `window.__results`, which the
 * Chromium driver reads.
 */
export async function runOnPage(defineSuite, lib) {
  const out = document.getElementById("out");
  const sandboxUrl = new URLSearchParams(location.search).get("sandbox");
  try {
    const r = await runTests(defineSuite({ lib, sandboxUrl, runtime: "browser" }), { log: (l) => (out.textContent += "\n" + l) });
    out.textContent += `\n${r.passed} passed, ${r.failed} failed`;
    window.__results = r;
  } catch (e) {
    window.__results = { fatal: String(e?.stack ?? e) };
  }
}
