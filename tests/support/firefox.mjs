// Headless Firefox (Debian's firefox-esr) through puppeteer-core over
// WebDriver BiDi: a stock Firefox, no patched build. puppeteer-core makes a
// fresh temporary profile for each launch and removes it on close; the
// preferences below keep that profile off the network (this machine allows
// loopback only): no updates, telemetry, captive-portal or connectivity
// probes, Safe Browsing lists, remote settings, add-on or Pocket fetches.
import puppeteer from "puppeteer-core";
import { runSuiteOnPage } from "./suite-page.mjs";

export const FIREFOX = process.env.FIREFOX_BIN ?? "/usr/bin/firefox-esr";

export const OFFLINE_PREFS = {
  "app.update.enabled": false,
  "app.update.auto": false,
  "app.update.disabledForTesting": true,
  "app.normandy.enabled": false,
  "app.shield.optoutstudies.enabled": false,
  "browser.aboutHomeSnippets.updateUrl": "",
  "browser.discovery.enabled": false,
  "browser.newtabpage.enabled": false,
  "browser.newtabpage.activity-stream.feeds.section.topstories": false,
  "browser.newtabpage.activity-stream.feeds.snippets": false,
  "browser.newtabpage.activity-stream.feeds.telemetry": false,
  "browser.newtabpage.activity-stream.telemetry": false,
  "browser.ping-centre.telemetry": false,
  "browser.region.network.url": "",
  "browser.region.update.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.blockedURIs.enabled": false,
  "browser.safebrowsing.downloads.enabled": false,
  "browser.safebrowsing.downloads.remote.enabled": false,
  "browser.safebrowsing.provider.google.updateURL": "",
  "browser.safebrowsing.provider.google4.updateURL": "",
  "browser.safebrowsing.provider.mozilla.updateURL": "",
  "browser.search.geoip.url": "",
  "browser.search.update": false,
  "browser.shell.checkDefaultBrowser": false,
  "browser.startup.homepage_override.mstone": "ignore",
  "browser.startup.page": 0,
  "browser.tabs.warnOnClose": false,
  "captivedetect.canonicalURL": "",
  "datareporting.healthreport.uploadEnabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "experiments.enabled": false,
  "extensions.blocklist.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "extensions.update.enabled": false,
  "extensions.systemAddon.update.enabled": false,
  "geo.provider.network.url": "",
  "identity.fxaccounts.enabled": false,
  "media.gmp-manager.updateEnabled": false,
  "media.gmp-gmpopenh264.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.http.speculative-parallel-limit": 0,
  "network.prefetch-next": false,
  "network.proxy.type": 0,
  "network.trr.mode": 5,
  "services.settings.server": "http://127.0.0.1:9/remote-settings-disabled",
  "services.sync.enabled": false,
  "toolkit.telemetry.enabled": false,
  "toolkit.telemetry.unified": false,
  "toolkit.telemetry.archive.enabled": false,
  "toolkit.telemetry.server": "",
};

// A release build honours services.settings.server only with this set.
export const FIREFOX_ENV = { MOZ_REMOTE_SETTINGS_DEVTOOLS: "1" };

export function launchFirefox() {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: OFFLINE_PREFS,
    env: { ...process.env, ...FIREFOX_ENV },
  });
}

/** Like chromium.mjs's runSuitePage, in Firefox; prints the browser version first. */
export async function runSuitePageFirefox(pageUrl, label, { timeoutMs = 120_000 } = {}) {
  const browser = await launchFirefox();
  try {
    console.log(`${label} ${(await browser.version()).replace(/^firefox\//i, "")}`);
    const page = await browser.newPage();
    return await runSuiteOnPage(page, pageUrl, label, () => page.waitForFunction(() => window.__results, { timeout: timeoutMs }));
  } finally {
    await browser.close();
  }
}
