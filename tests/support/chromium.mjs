// Headless Chromium (Debian's /usr/bin/chromium) through playwright-core.
// The flags keep Chromium off the network: this machine allows loopback only.
import { chromium } from "playwright-core";
import { runSuiteOnPage } from "./suite-page.mjs";

export const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Opens `pageUrl` (a page that runs the shared suite and sets
 * `window.__results`) in Chromium, prints one line per test and the closing
 * `N passed, N failed` line (suite-page.mjs), and returns the failure count.
 */
export async function runSuitePage(pageUrl, label, { timeoutMs = 120_000 } = {}) {
  const browser = await launchChromium();
  try {
    console.log(`${label} ${browser.version()}`);
    const page = await browser.newPage();
    return await runSuiteOnPage(page, pageUrl, label, () => page.waitForFunction(() => window.__results, null, { timeout: timeoutMs }));
  } finally {
    await browser.close();
  }
}
