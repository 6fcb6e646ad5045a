// The secret-in-browser guard in web workers (issue 10 item 4), in headless
// Chromium and Firefox: workers.html runs worker-checks.mjs in a dedicated,
// a shared and a service worker that use the npm package (pkg/, served by
// the sandbox on http://localhost; the API on http://127.0.0.1, so every
// request is a real CORS request). Prints one line per check, then
// "chromium workers: N passed, M failed" and
// "firefox workers: N passed, M failed".
import { startSandbox } from "../support/sandbox.mjs";
import { runSuitePage } from "../support/chromium.mjs";
import { runSuitePageFirefox } from "../support/firefox.mjs";

const sandbox = await startSandbox({ statics: ["/pkg=pkg", "/tests=tests"] });
let failed = 0;
try {
  const port = new URL(sandbox.url).port;
  const page = `http://localhost:${port}/tests/browser/workers.html?sandbox=${encodeURIComponent(sandbox.url)}`;
  for (const [run, label] of [[runSuitePage, "chromium workers"], [runSuitePageFirefox, "firefox workers"]]) {
    try {
      failed += await run(page, label);
    } catch (e) {
      console.error(`${label}: ${e?.stack ?? e}`);
      failed += 1;
    }
  }
} finally {
  await sandbox.stop();
}
process.exit(failed ? 1 : 0);
