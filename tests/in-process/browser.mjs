// The suite's sandbox-backed cases in headless Chromium against the
// in-process sandbox (node_modules/expense-auth-sandbox, the packed package),
// twice: with the page's global fetch routed to sandbox.fetch (index.html),
// and with the page's own fetch answered by a service worker that runs the
// sandbox (sw.html, sw.mjs). The sandbox binary only serves the pages and the
// packages here (--static); no API request reaches it.
// Prints "sandbox in-process chromium: N passed, M failed" and
// "sandbox service worker chromium: N passed, M failed".
import { startSandbox } from "../support/sandbox.mjs";
import { runSuitePage } from "../support/chromium.mjs";

const files = await startSandbox({ statics: ["/pkg=pkg", "/tests=tests", "/sandbox-pkg=node_modules/expense-auth-sandbox"] });
let failed = 0;
try {
  failed += await runSuitePage(`${files.url}/tests/in-process/index.html`, "sandbox in-process chromium");
  failed += await runSuitePage(`${files.url}/tests/in-process/sw.html`, "sandbox service worker chromium");
} catch (e) {
  console.error(e);
  failed += 1;
} finally {
  await files.stop();
}
process.exit(failed ? 1 : 0);
