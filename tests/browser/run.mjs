// Runs the shared suite in headless Chromium: the npm package loaded as plain
// ES modules (no bundler), fetch and CORS for real against the sandbox.
import { startSandbox } from "../support/sandbox.mjs";
import { runSuitePage } from "../support/chromium.mjs";

const sandbox = await startSandbox({ statics: ["/pkg=pkg", "/tests=tests"] });
let failed = 1;
try {
  const port = new URL(sandbox.url).port;
  // Page on http://localhost, API on http://127.0.0.1: different origins.
  failed = await runSuitePage(`http://localhost:${port}/tests/browser/index.html?sandbox=${encodeURIComponent(sandbox.url)}`, "chromium (no bundler)");
} finally {
  await sandbox.stop();
}
process.exit(failed ? 1 : 0);
