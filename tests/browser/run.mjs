// Runs the shared suite in headless Chromium: the npm package loaded as plain
// ES modules (no bundler), fetch and CORS for real against the sandbox.
import { runNoBundlerPage } from "../support/suite-page.mjs";
import { runSuitePage } from "../support/chromium.mjs";

const failed = await runNoBundlerPage(runSuitePage, "chromium (no bundler)");
process.exit(failed ? 1 : 0);
