// Session hot path (issue 9 §7) in Node and headless Chromium: the cases of
// bench/lib/hotpath.mjs, run in a fresh Node process (bench/node/hotpath.mjs,
// the package's Node entry) and in a Chromium page (bench/browser/
// hotpath.html, the package as published). Both use the same loopback HTTP
// server, started here on 127.0.0.1 (a Node http server answering a fixed
// 60-byte JSON body), for the "against a real server" rows.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { BENCH, log } from "../lib/env.mjs";
import { serve } from "../lib/server.mjs";
import { LOOPBACK_ANSWER, LOOPBACK_PATH } from "../lib/hotpath.mjs";
import { ARGS, CHROMIUM } from "./chromium.mjs";

function nodeRun(env) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(BENCH, "node", "hotpath.mjs")], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`hotpath.mjs exited with ${code}`))));
  });
}

export async function run({ pkgDir, rounds = 9, calls = 20_000, loopRounds = 41, loopCalls = 30, chromiumToo = true }) {
  let browser = null;
  const server = await serve({ "/lib/": join(BENCH, "lib"), "/pkg/": pkgDir, "/": join(BENCH, "browser") }, { [LOOPBACK_PATH]: LOOPBACK_ANSWER });
  try {
    const opts = { BENCH_HOT_ROUNDS: String(rounds), BENCH_HOT_CALLS: String(calls), BENCH_HOT_LOOP_ROUNDS: String(loopRounds), BENCH_HOT_LOOP_CALLS: String(loopCalls) };
    let node;
    try {
      node = await nodeRun({ ...opts, BENCH_PKG: pkgDir, BENCH_LOOPBACK_URL: server.origin + LOOPBACK_PATH });
    } catch (e) {
      node = { error: String(e.message || e) };
    }
    let chrome;
    if (chromiumToo) {
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.exposeFunction("__log", (m) => log(`  chromium ${m}`));
        await page.goto(`${server.origin}/hotpath.html`);
        await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
        chrome = await page.evaluate((o) => window.__run(o), { rounds, calls, loopRounds, loopCalls, loopbackPath: LOOPBACK_PATH });
        chrome.version = browser.version();
        await context.close();
      } catch (e) {
        chrome = { error: String(e.message || e) };
      }
    }
    return { node, chromium: chrome ?? { error: "not run" }, loopbackBody: LOOPBACK_ANSWER.body.length };
  } finally {
    await browser?.close();
    await server.close();
  }
}
