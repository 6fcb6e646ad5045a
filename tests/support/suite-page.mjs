// What every browser runner shares: the no-bundler suite page
// (tests/browser/index.html, which calls runOnPage and sets
// window.__results) served cross-origin by the sandbox, and reading a suite
// page's outcome from an open page. `page` is a playwright-core (Chromium)
// or puppeteer-core (Firefox, WebDriver BiDi) page: both have on("console"),
// on("pageerror"), goto() and waitForFunction(); only the latter's
// arguments differ, hence `waitForResults`.
import { startSandbox } from "./sandbox.mjs";
import { reportSuite } from "./suite-report.mjs";

/**
 * Starts the sandbox serving pkg/ and tests/, calls `runPage(url, label)` on
 * the no-bundler suite page and stops the sandbox. The page is on
 * http://localhost, the API on http://127.0.0.1: every request is a real
 * CORS request. Returns runPage's failure count.
 */
export async function runNoBundlerPage(runPage, label) {
  const sandbox = await startSandbox({ statics: ["/pkg=pkg", "/tests=tests"] });
  try {
    const port = new URL(sandbox.url).port;
    return await runPage(`http://localhost:${port}/tests/browser/index.html?sandbox=${encodeURIComponent(sandbox.url)}`, label);
  } finally {
    await sandbox.stop();
  }
}

/**
 * Opens `pageUrl` in `page`, waits for `window.__results` with
 * `waitForResults()` (which resolves to a handle), prints one line per test
 * and the closing `N passed, N failed` line, and returns the failure count.
 */
export async function runSuiteOnPage(page, pageUrl, label, waitForResults) {
  const logs = [];
  page.on("console", (m) => logs.push(`[console.${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`));
  await page.goto(pageUrl);
  const results = await waitForResults()
    .then((h) => h.jsonValue())
    .catch((e) => {
      console.error(logs.join("\n"));
      throw e;
    });
  return reportSuite(label, results, logs);
}
