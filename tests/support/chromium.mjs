// Headless Chromium (Debian's /usr/bin/chromium) through playwright-core.
// The flags keep Chromium off the network: this machine allows loopback only.
import { chromium } from "playwright-core";

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
 * `window.__results`), waits for it, prints one line per test and the
 * closing `N passed, N failed` line, and returns the failure count.
 */
export async function runSuitePage(pageUrl, label, { timeoutMs = 120_000 } = {}) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const logs = [];
    page.on("console", (m) => logs.push(`[console.${m.type()}] ${m.text()}`));
    page.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`));
    await page.goto(pageUrl);
    const results = await page
      .waitForFunction(() => window.__results, null, { timeout: timeoutMs })
      .then((h) => h.jsonValue())
      .catch((e) => {
        console.error(logs.join("\n"));
        throw e;
      });
    if (results.fatal) {
      console.error(logs.join("\n"));
      console.error(`${label}: ${results.fatal}`);
      return 1;
    }
    for (const r of results.results) {
      console.log(`${r.ok ? "ok  " : "FAIL"} ${label}: ${r.name}${r.ok ? "" : `\n     ${r.error}`}`);
    }
    console.log(`${label}: ${results.passed} passed, ${results.failed} failed`);
    return results.failed;
  } finally {
    await browser.close();
  }
}
