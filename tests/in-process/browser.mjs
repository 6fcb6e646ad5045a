// The suite's sandbox-backed cases in headless Chromium against the
// in-process sandbox (node_modules/expense-auth-sandbox, the packed package).
// The sandbox binary only serves the page and the packages here (--static);
// every API request is answered inside the page by sandbox.fetch.
// Prints "sandbox in-process chromium: N passed, M failed".
import { startSandbox } from "../support/sandbox.mjs";
import { runSuitePage } from "../support/chromium.mjs";

const files = await startSandbox({ statics: ["/pkg=pkg", "/tests=tests", "/sandbox-pkg=node_modules/expense-auth-sandbox"] });
let failed = 1;
try {
  failed = await runSuitePage(`${files.url}/tests/in-process/index.html`, "sandbox in-process chromium");
} finally {
  await files.stop();
}
process.exit(failed ? 1 : 0);
