// Headless Chromium (playwright-core driving /usr/bin/chromium), pages
// served by bench/lib/server.mjs on 127.0.0.1:
//  - cold start: a fresh browser context (empty cache) and page per sample,
//    subjects interleaved; in the page, performance.now() around the dynamic
//    import + the first call (bench/browser/cold.html);
//  - throughput: bench/browser/throughput.html runs the same cases and
//    runner as Node.
import { chromium } from "playwright-core";
import { join } from "node:path";
import { BENCH, log } from "../lib/env.mjs";
import { serve } from "../lib/server.mjs";
import { summary } from "../lib/stats.mjs";

export const CHROMIUM = process.env.BENCH_CHROMIUM || "/usr/bin/chromium";
export const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// id → [subject, module URL]
const COLD = {
  empty: ["empty", null],
  "expense-auth": ["expense-auth", "/pkg/index.js"],
  "expense-auth (bundled)": ["expense-auth", "/peers/expense-auth.min.js"],
  oauth4webapi: ["oauth4webapi", "/peers/oauth4webapi.min.js"],
  "pkce-challenge": ["pkce-challenge", "/peers/pkce-challenge.min.js"],
  jose: ["jose", "/peers/jose.min.js"],
  "jwt-decode": ["jwt-decode", "/peers/jwt-decode.min.js"],
  arctic: ["arctic", "/peers/arctic.min.js"],
};

export async function run({ pkgDir, peersDir, coldSamples = 9, throughput = {} }) {
  const server = await serve({
    "/lib/": join(BENCH, "lib"),
    "/pkg/": pkgDir,
    "/peers/": peersDir,
    "/": join(BENCH, "browser"),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const version = browser.version();
    const newPage = async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      return { context, page };
    };

    // Cold start.
    const raw = Object.fromEntries(Object.keys(COLD).map((k) => [k, []]));
    const one = async ([subject, src]) => {
      const { context, page } = await newPage();
      try {
        const q = new URLSearchParams({ subject, ...(src ? { src } : {}) });
        await page.goto(`${server.origin}/cold.html?${q}`);
        await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30_000 });
        const r = await page.evaluate(() => window.__result);
        if (r.error) throw new Error(`${subject} ${src}: ${r.error}`);
        return r;
      } finally {
        await context.close();
      }
    };
    await one(COLD.empty); // warm-up, discarded
    for (let s = 0; s < coldSamples; s++) {
      for (const [id, def] of Object.entries(COLD)) raw[id].push(await one(def));
    }
    const cold = {};
    for (const [id, xs] of Object.entries(raw)) {
      cold[id] = {
        src: COLD[id][1],
        importMs: summary(xs.map((x) => x.importMs)),
        callMs: summary(xs.map((x) => x.callMs)),
        totalMs: summary(xs.map((x) => x.totalMs)),
        sinceNavigationMs: summary(xs.map((x) => x.sinceNavigationMs)),
        resources: xs[0].resources.filter((r) => !r.name.startsWith("/lib/")),
      };
      log(`  chromium cold ${id}: import+call ${cold[id].totalMs.median.toFixed(2)} ms`);
    }

    // Throughput (skipped when `throughput` is null: section "chromium-cold").
    if (!throughput) return { version, userAgent: null, cold: { samples: coldSamples, subjects: cold }, throughput: { error: "not run (section chromium-cold)" } };
    const { context, page } = await newPage();
    await page.exposeFunction("__log", (m) => log(`  chromium ${m}`));
    await page.goto(`${server.origin}/throughput.html`);
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
    const tp = await page.evaluate((opts) => window.__run(opts), throughput);
    await context.close();
    return { version, userAgent: null, cold: { samples: coldSamples, subjects: cold }, throughput: tp };
  } finally {
    await browser.close();
    await server.close();
  }
}
