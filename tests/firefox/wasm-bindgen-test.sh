#!/usr/bin/env bash
# The crate's wasm-bindgen-test unit tests in headless Firefox: geckodriver
# (installed by scripts/setup) drives Debian's firefox-esr, with the
# network-off preferences of tests/support/firefox.mjs. Reuses the wasm32
# test build of the Chromium step. Extra arguments go to cargo test.
source "$(dirname "$0")/../../scripts/env.sh"
cd "$ROOT"
mkdir -p target/firefox
node tests/firefox/webdriver-json.mjs target/firefox/webdriver.json
# FIREFOX_ENV of tests/support/firefox.mjs: without it a release build
# ignores the remote-settings server pref and looks the real one up.
export MOZ_REMOTE_SETTINGS_DEVTOOLS=1
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/target/firefox/webdriver.json"
# wasm-bindgen-test-runner prefers GECKODRIVER over CHROMEDRIVER.
GECKODRIVER="${GECKODRIVER:-$(command -v geckodriver || true)}"
[ -x "$GECKODRIVER" ] || { echo "geckodriver not found (scripts/setup installs it)" >&2; exit 1; }
export GECKODRIVER
wasm_test -p expense-auth --lib "$@"
