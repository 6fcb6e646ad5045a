// Cold start in workerd, through miniflare. Inside a Worker, timers do not
// advance while code runs (Spectre mitigation), so the timing is taken from
// outside, in this Node process:
//  - readyMs: `new Miniflare(...)` → `await mf.ready`: miniflare assembles the
//    config, spawns workerd, which compiles and evaluates the Worker's
//    modules — for expense-auth, workerd.js's top-level `load(module, true)` (wasm
//    instantiation; the .wasm is a CompiledWasm module, compiled by workerd
//    when it loads the Worker);
//  - firstFetchMs: the first `mf.dispatchFetch()`, whose handler makes the
//    subject's first call (same calls as in Node and Chromium).
// Both include workerd's own start-up, so compare each subject with the
// empty Worker (the "− empty" column): that difference is the library's cost.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { BENCH, BUILD, log } from "../lib/env.mjs";
import { summary } from "../lib/stats.mjs";

const SUBJECTS = {
  empty: null,
  "expense-auth": "./pkg/workerd.js",
  oauth4webapi: "./peers/oauth4webapi.min.js",
  "pkce-challenge": "./peers/pkce-challenge.min.js",
  jose: "./peers/jose.min.js",
  "jwt-decode": "./peers/jwt-decode.min.js",
};

function prepare(pkgDir, peersDir) {
  const root = join(BUILD, "workerd");
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, "peers"), { recursive: true });
  cpSync(pkgDir, join(root, "pkg"), { recursive: true });
  for (const f of ["subjects.mjs", "fixtures.mjs"]) cpSync(join(BENCH, "lib", f), join(root, f));
  const workers = {};
  for (const [id, src] of Object.entries(SUBJECTS)) {
    if (src?.startsWith("./peers/")) cpSync(join(peersDir, src.slice(8)), join(root, src));
    const main = join(root, `main-${id}.mjs`);
    writeFileSync(main, `import { SUBJECTS } from "./subjects.mjs";
${src ? `import * as m from ${JSON.stringify(src)};` : "const m = null;"}
export default {
  async fetch() {
    const r = await SUBJECTS[${JSON.stringify(id)}].call(m);
    return new Response(JSON.stringify({ ok: ${src ? "!!r" : "true"} }));
  },
};
`);
    const modules = [
      { type: "ESModule", path: main },
      { type: "ESModule", path: join(root, "subjects.mjs") },
      { type: "ESModule", path: join(root, "fixtures.mjs") },
    ];
    if (id === "expense-auth") {
      for (const f of ["workerd.js", "api.js"]) modules.push({ type: "ESModule", path: join(root, "pkg", f) });
      modules.push({ type: "CompiledWasm", path: join(root, "pkg", "expense_auth_bg.wasm") });
    } else if (src) {
      modules.push({ type: "ESModule", path: join(root, src) });
    }
    workers[id] = { modulesRoot: root, modules };
  }
  return workers;
}

async function sample(worker) {
  const t0 = performance.now();
  const mf = new Miniflare({ ...worker, compatibilityDate: "2025-01-01" });
  try {
    await mf.ready;
    const t1 = performance.now();
    const r = await mf.dispatchFetch("http://localhost/");
    const body = await r.json();
    const t2 = performance.now();
    if (!body.ok) throw new Error("no result");
    return { readyMs: t1 - t0, firstFetchMs: t2 - t1, totalMs: t2 - t0 };
  } finally {
    await mf.dispose();
  }
}

export async function run({ pkgDir, peersDir, samples = 5 }) {
  const workers = prepare(pkgDir, peersDir);
  const raw = Object.fromEntries(Object.keys(workers).map((k) => [k, []]));
  await sample(workers.empty); // warm-up, discarded
  for (let s = 0; s < samples; s++) {
    for (const [id, w] of Object.entries(workers)) raw[id].push(await sample(w));
  }
  const res = {};
  for (const [id, xs] of Object.entries(raw)) {
    res[id] = Object.fromEntries(["readyMs", "firstFetchMs", "totalMs"].map((k) => [k, summary(xs.map((x) => x[k]))]));
    log(`  workerd ${id}: ready ${res[id].readyMs.median.toFixed(1)} ms, first fetch ${res[id].firstFetchMs.median.toFixed(1)} ms`);
  }
  return { samples, subjects: res };
}
