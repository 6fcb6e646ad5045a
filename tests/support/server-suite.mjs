// Runs the behaviour suite in a server runtime other than Node's test runner
// (Deno, Bun): the sandbox binary on loopback, the suite through the
// package the runtime's own script imported, the results in the shared
// format. Only node:* built-ins, which Deno and Bun both provide.
import process from "node:process";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import { startSandbox } from "./sandbox.mjs";
import { defineSuite } from "../suite/suite.mjs";
import { runTests } from "../suite/harness.mjs";
import { reportSuite } from "./suite-report.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

// An error that escapes to the event loop (a throw in a callback, a
// rejection nobody handles) would end a Deno process mid-suite; node:test
// catches such errors and reports them instead. Here they are collected and
// fail the test that was running when they surfaced (its message says they
// may come from an earlier test's leftover work).
let uncaught = [];
const collect = (e) => uncaught.push(String(e?.stack ?? e));
process.on("uncaughtException", collect);
process.on("unhandledRejection", collect);

async function failOnUncaught(fn) {
  uncaught = [];
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  // Let errors from the test's last callbacks surface before judging it.
  await new Promise((r) => setTimeout(r, 0));
  if (uncaught.length) {
    const what = `${uncaught.length} uncaught error(s) surfaced while this test ran (possibly from an earlier test's leftover work):\n${uncaught.join("\n")}`;
    throw error ? new Error(`${error?.message ?? error}\n${what}`, { cause: error }) : new Error(what);
  }
  if (error) throw error;
}

/**
 * `lib`: the imported package; `entry`: the file its bare specifier resolved
 * to (import.meta.resolve in the caller); `version`: the runtime's version.
 * Prints both first, so a log shows which entry ran where. Exits the process.
 */
export async function runServerSuite({ lib, label, version, entry, timeoutMs = 300_000 }) {
  const entryPath = entry.startsWith("file:") ? fileURLToPath(entry) : entry;
  console.log(`${label} ${version}, expense-auth entry ${relative(root, entryPath)}`);
  // A hung test must not hang CI: give up after timeoutMs.
  const watchdog = setTimeout(() => {
    console.error(`${label}: the suite did not finish within ${timeoutMs / 1000} s`);
    process.exit(1);
  }, timeoutMs);
  let failed = 1;
  let sandbox;
  try {
    sandbox = await startSandbox();
    const tests = defineSuite({ lib, sandboxUrl: sandbox.url, runtime: label });
    const r = await runTests(tests.map((t) => ({ name: t.name, fn: () => failOnUncaught(t.fn) })));
    failed = reportSuite(label, r);
  } catch (e) {
    failed = reportSuite(label, { fatal: String(e?.stack ?? e) });
  } finally {
    await sandbox?.stop();
    clearTimeout(watchdog);
  }
  process.exit(failed ? 1 : 0);
}
