// The demo page (www/, served by the Worker backend) in headless Chromium:
// clicks through every provider against the sandbox — consent, callback,
// tokens masked, JWT claims with the Spendesk wallet ID highlighted, the API
// call, the stale refresh token → RECONNECT_REQUIRED, disconnect — plus a
// denied consent, a state mismatch, the no-consent forms, the public-client
// flow in the page, and the inspector. Screenshots of the main screens go to
// target/demo-screenshots/ (SCREENSHOTS=docs copies them to docs/screenshots/).
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startSandbox } from "../support/sandbox.mjs";
import { startWorker } from "../support/worker-stack.mjs";
import { launchChromium } from "../support/chromium.mjs";
import { eq, ok, runTests } from "../suite/harness.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const shots = `${root}target/demo-screenshots`;
mkdirSync(shots, { recursive: true });

const sandbox = await startSandbox();
const stack = await startWorker({ sandboxUrl: sandbox.url });
const W = stack.url;
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));

const text = (sel) => page.locator(sel).first().innerText();
const card = (provider) => page.locator(`article.connection[data-provider="${provider}"]`);
/** A screenshot of one part of the page (small enough to keep in the repository). */
async function shot(name, selector) {
  const path = `${shots}/${name}.png`;
  if (selector) await page.locator(selector).first().screenshot({ path });
  else await page.screenshot({ path, clip: { x: 0, y: 0, width: 1280, height: 260 } });
}

/** Clicks a connect button, approves (or denies) on the sandbox's consent page, comes back. */
async function consent(button, choice = "#approve") {
  await page.click(button);
  await page.waitForURL((u) => u.pathname.endsWith("/consent"));
  await page.click(choice);
  await page.waitForURL((u) => u.origin === W);
  await page.waitForSelector("#banner:not([hidden])");
}

async function actOn(c, button, expect) {
  await c.locator(button).click();
  await page.waitForFunction(
    ([sel, p]) => document.querySelector(sel)?.textContent.includes(p),
    [`article.connection[data-provider="${await c.getAttribute("data-provider")}"] .c-result`, expect],
    { timeout: 15_000 },
  );
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const FLOWS = [
  { provider: "pleo", button: "#connect-pleo", choice: "#approve" },
  { provider: "spendesk", button: "#connect-spendesk", choice: "#approve-wallet-2", wallet: "wallet-2" },
  { provider: "oauth", button: "#connect-oauth", choice: "#approve" },
];
for (const f of FLOWS) {
  test(`${f.provider}: consent through the Worker, tokens masked, API, stale refresh token, disconnect`, async () => {
    await page.goto(W);
    await consent(f.button, f.choice);
    ok((await text("#banner")).includes("state was checked"), "the banner says the callback was checked");
    const c = card(f.provider);
    await c.waitFor();
    eq(await c.getAttribute("data-status"), "connected", "status");
    ok(/^….{4} \(\d+ chars\)$/.test(await c.locator(".c-access").innerText()), "the access token is masked");
    ok(/min/.test(await c.locator(".c-expiry").innerText()), "expiry counts down");
    if (f.wallet) {
      const w = c.locator("tr.wallet");
      ok((await w.innerText()).includes(f.wallet), "the wallet ID is highlighted among the claims");
      ok((await c.locator(".c-title").innerText()).includes(f.wallet), "and named in the title");
    }
    if (f.provider === "spendesk") await shot("connected-spendesk", `article.connection[data-provider="spendesk"]`);
    await actOn(c, ".c-api", "→ 200");
    await actOn(c, ".c-stale", "spent elsewhere");
    await actOn(c, ".c-refresh-btn", "RECONNECT_REQUIRED");
    await page.waitForFunction((p) => document.querySelector(`article.connection[data-provider="${p}"]`)?.dataset.status === "reconnect_required", f.provider);
    if (f.provider === "pleo") {
      await shot("reconnect-required", `article.connection[data-provider="pleo"]`);
      await shot("timeline", "#timeline");
    }
    const rows = await page.locator("#timeline tbody tr").count();
    ok(rows > 4, `the timeline lists the steps (${rows})`);
    await c.locator(".c-disconnect").click();
    await c.waitFor({ state: "detached" });
  });
}

test("a denied consent and a state mismatch show their codes", async () => {
  await page.goto(W);
  await consent("#connect-pleo", "#deny");
  ok((await text("#banner")).startsWith("AUTHORIZATION_ERROR"), `denied: ${await text("#banner")}`);
  await page.goto(`${W}/callback?code=forged&state=${"x".repeat(43)}`);
  await page.waitForSelector("#banner:not([hidden])");
  ok((await text("#banner")).startsWith("STATE_MISMATCH"), `mismatch: ${await text("#banner")}`);
  await shot("state-mismatch");
});

test("connections without consent: Findity user, Spendesk API key, ProSpend", async () => {
  await page.goto(W);
  await page.fill("#form-findity input[name=userId]", "employee-42");
  await page.click("#connect-findity");
  await card("findity").waitFor();
  ok((await card("findity").locator(".c-claims").innerText()).includes("employee-42"), "a user token's claims");
  await page.click("#connect-spendesk-key");
  await card("spendesk-api-key").waitFor();
  await actOn(card("spendesk-api-key"), ".c-api", "→ 200");
  await page.click("#prospend-mint");
  await page.waitForFunction(() => document.querySelector("#form-prospend textarea").value.startsWith("ey"));
  await page.click("#connect-prospend");
  await card("prospend").waitFor();
  await actOn(card("prospend"), ".c-api", "→ 200");
  await shot("connections", "#connections");
  for (const p of ["findity", "spendesk-api-key", "prospend"]) {
    await card(p).locator(".c-disconnect").click();
    await card(p).waitFor({ state: "detached" });
  }
});

test("the public-client flow runs in the page (PKCE, no secret)", async () => {
  await page.goto(W);
  await consent("#connect-public");
  ok((await text("#banner")).includes("no client secret"), `banner: ${await text("#banner")}`);
  const c = card("public");
  await c.waitFor();
  await actOn(c, ".c-api", "→ 200");
  await actOn(c, ".c-refresh-btn", "refreshed in the page");
});

test("inspector: JWT claims and a PKCE pair", async () => {
  await page.goto(W);
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  await page.fill("#jwt-input", `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "u1", wallet_id: "wallet-9", exp: 2000000000 })}.c2ln`);
  const out = await text("#jwt-output");
  ok(out.includes("NOT verified") && out.includes("wallet-9"), "claims shown");
  ok(out.includes("Spendesk wallet ID: wallet-9"), "wallet ID found");
  await page.fill("#jwt-input", "not.a.jwt!");
  ok((await text("#jwt-output")).startsWith("INVALID_JWT"), "a bad JWT shows its code");
  await page.click("#pkce-generate");
  ok((await text("#pkce-output")).includes("→ true"), "verifier and challenge agree");
  await shot("inspector", ".inspector");
});

test("no uncaught error on the page", async () => {
  eq(pageErrors.join("\n"), "", "page errors");
});

let failed = 1;
try {
  console.log(`demo page: Chromium ${browser.version()}, Worker ${W}, sandbox ${sandbox.url}`);
  const r = await runTests(tests, { log: console.log });
  console.log(`demo page: ${r.passed} passed, ${r.failed} failed`);
  failed = r.failed;
  if (process.env.SCREENSHOTS === "docs") {
    mkdirSync(`${root}docs/screenshots`, { recursive: true });
    for (const n of ["connected-spendesk", "reconnect-required", "connections", "timeline", "inspector", "state-mismatch"])
      copyFileSync(`${shots}/${n}.png`, `${root}docs/screenshots/${n}.png`);
  }
} finally {
  await browser.close();
  await stack.dispose();
  await sandbox.stop();
}
process.exit(failed ? 1 : 0);
