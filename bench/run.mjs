// The benchmark harness: `node bench/run.mjs` (scripts/bench builds pkg/
// first if needed). Runs every section one after another (never in
// parallel: the machine is shared), then writes bench/results.json (raw
// numbers) and bench/results.md (tables, ratios, targets, analysis).
//
// Env knobs (defaults in brackets): BENCH_SECTIONS (all) — comma list of
// size,cold-node,chromium,workerd,throughput-node,memory,profile;
// BENCH_RUNS [7], BENCH_RUN_MS [200], BENCH_WARM_MS [100] for throughput;
// BENCH_COLD_SAMPLES [11 Node, 9 Chromium], BENCH_WORKERD_SAMPLES [7];
// BENCH_MEMORY_OPS [1e6]; BENCH_HOT_ROUNDS [15], BENCH_HOT_CALLS [20000],
// BENCH_HOT_BATCH_MS [60], BENCH_HOT_LOOP_ROUNDS [41], BENCH_HOT_LOOP_CALLS
// [30] for the session hot path; BENCH_PKG_SRC (pkg/) — the package copy to
// measure; BENCH_OUT (bench/) — where results go. Section "chromium-cold"
// is the Chromium section without its throughput part.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildAll, bundlerCheck } from "./lib/build.mjs";
import { BENCH, BUILD, PEERS_DIR, ROOT, log, machine, snapshotPkg, versions } from "./lib/env.mjs";
import { makeGroups } from "./lib/cases.mjs";
import { render } from "./report.mjs";

const started = performance.now();
const ALL = ["size", "cold-node", "chromium", "workerd", "hotpath", "throughput-node", "memory", "profile"];
const want = new Set((process.env.BENCH_SECTIONS || ALL.join(",")).split(","));
const num = (k, d) => (process.env[k] ? Number(process.env[k]) : d);
const settings = {
  runs: Math.max(5, num("BENCH_RUNS", 7)),
  runMs: num("BENCH_RUN_MS", 200),
  warmMs: num("BENCH_WARM_MS", 100),
  coldNodeSamples: num("BENCH_COLD_SAMPLES", 11),
  coldChromiumSamples: num("BENCH_COLD_SAMPLES", 9),
  workerdSamples: num("BENCH_WORKERD_SAMPLES", 7),
  memoryOps: num("BENCH_MEMORY_OPS", 1e6),
  hot: {
    rounds: num("BENCH_HOT_ROUNDS", 15),
    calls: num("BENCH_HOT_CALLS", 20_000),
    batchMs: num("BENCH_HOT_BATCH_MS", 60),
    loopRounds: num("BENCH_HOT_LOOP_ROUNDS", 41),
    loopCalls: num("BENCH_HOT_LOOP_CALLS", 30),
  },
};

/** Runs a bench/node/*.mjs script in a fresh Node process; its stdout is JSON. */
function child(script, args = [], { nodeArgs = [], env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, join(BENCH, "node", script), ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited with ${code}`))));
  });
}

async function section(name, fn) {
  if (!want.has(name) && !(name === "chromium" && want.has("chromium-cold"))) return undefined;
  const t0 = performance.now();
  log(`==> ${name}`);
  try {
    const r = await fn();
    log(`    ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  } catch (e) {
    log(`    ${name} FAILED: ${e.stack || e}`);
    return { error: String(e.message || e) };
  }
}

log("==> snapshot pkg/");
const pkg = await snapshotPkg();
const pkgDir = pkg.dir;
const env = { BENCH_PKG: pkgDir };
log("==> esbuild bundles");
const bundles = await buildAll({ root: ROOT, pkgDir, outDir: PEERS_DIR });
const bundler = await bundlerCheck({ pkgDir, packageJson: join(BUILD, "pkg.package.json"), outDir: BUILD });
const tpOpts = { runs: settings.runs, runMs: settings.runMs, warmMs: settings.warmMs };
const tpEnv = { ...env, BENCH_RUNS: String(settings.runs), BENCH_RUN_MS: String(settings.runMs), BENCH_WARM_MS: String(settings.warmMs) };

const results = { meta: { machine: machine(), versions: versions(), pkg: { source: process.env.BENCH_PKG_SRC || "pkg/", wasmSha256: pkg.wasmSha256, builtAt: pkg.builtAt, note: process.env.BENCH_NOTE || null }, settings, sections: [...want], command: process.env.BENCH_COMMAND || null, bundlerCheck: bundler } };

results.size = await section("size", async () => (await import("./sections/size.mjs")).run({ pkgDir, bundles }));
const coldNode = await section("cold-node", async () => (await import("./sections/cold-node.mjs")).run({ pkgDir, samples: settings.coldNodeSamples }));
const chromium = await section("chromium", async () =>
  (await import("./sections/chromium.mjs")).run({ pkgDir, peersDir: PEERS_DIR, coldSamples: settings.coldChromiumSamples, throughput: want.has("chromium") ? tpOpts : null }),
);
const workerd = await section("workerd", async () => (await import("./sections/workerd.mjs")).run({ pkgDir, peersDir: PEERS_DIR, samples: settings.workerdSamples }));
results.hotpath = await section("hotpath", async () => (await import("./sections/hotpath.mjs")).run({ pkgDir, ...settings.hot }));
const tpNode = await section("throughput-node", () => child("throughput.mjs", [], { env: tpEnv }));
results.memory = await section("memory", () => child("memory.mjs", [], { nodeArgs: ["--expose-gc"], env: { ...env, BENCH_MEMORY_OPS: String(settings.memoryOps) } }));
results.profile = await section("profile", () =>
  child("profile.mjs", ["ea.createPkce", "arctic.pkce", "ea.decodeJwtUnverified", "jose.decodeJwt", "ea.buildAuthorizationUrl", "ea.parseTokenResponse"], { env }),
);

results.meta.chromium = chromium?.version ?? null;
results.cold = { node: coldNode, chromium: chromium?.error ? chromium : chromium?.cold, workerd };
results.throughput = { node: tpNode, chromium: chromium?.error ? chromium : chromium?.throughput };
// Case labels and comparisons, for the report (no engine needed to list them).
const ea = await import(join(pkgDir, "node.js"));
results.throughput.groups = makeGroups({ ea, peers: { OAuth2Client: class {} }, fx: await import("./lib/fixtures.mjs"), nop: {} }).map((g) => ({
  id: g.id,
  title: g.title,
  compare: g.compare,
  cases: g.cases.map((c) => ({ id: c.id, label: c.label, async: !!c.async })),
}));
results.meta.durationSec = (performance.now() - started) / 1000;

const out = process.env.BENCH_OUT || BENCH;
writeFileSync(join(out, "results.json"), JSON.stringify(results, null, 1) + "\n");
writeFileSync(join(out, "results.md"), render(results));
log(`==> wrote ${join(out, "results.md")} and results.json in ${results.meta.durationSec.toFixed(0)} s`);
