// Writes the capabilities file wasm-bindgen-test-runner hands to geckodriver
// (WASM_BINDGEN_TEST_WEBDRIVER_JSON): Debian's firefox-esr with the same
// network-off preferences as the puppeteer runner. geckodriver makes a fresh
// temporary profile for each session; the runner adds -headless. (An "env"
// entry here did not reach Firefox: wasm-bindgen-test.sh exports FIREFOX_ENV.)
// Usage: node tests/firefox/webdriver-json.mjs OUT.json
import { writeFileSync } from "node:fs";
import { FIREFOX, OFFLINE_PREFS } from "../support/firefox.mjs";

const out = process.argv[2];
if (!out) throw new Error("usage: webdriver-json.mjs OUT.json");
writeFileSync(
  out,
  JSON.stringify({ "moz:firefoxOptions": { binary: FIREFOX, prefs: OFFLINE_PREFS } }, null, 2),
);
