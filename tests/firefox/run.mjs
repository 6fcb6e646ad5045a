// Runs the shared suite in headless Firefox (firefox-esr over WebDriver
// BiDi): the same no-bundler page as the Chromium runner, the npm package as
// plain ES modules, fetch and CORS for real against the sandbox.
import { runNoBundlerPage } from "../support/suite-page.mjs";
import { runSuitePageFirefox } from "../support/firefox.mjs";

const failed = await runNoBundlerPage(runSuitePageFirefox, "firefox");
process.exit(failed ? 1 : 0);
