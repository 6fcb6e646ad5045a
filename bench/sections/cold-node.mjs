// Cold start in Node: a fresh `node` process per sample, subjects
// interleaved (round r runs every subject once). Inside the process:
// performance.now() around the dynamic import + first call; outside: the
// whole process's wall time, spawn to exit.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { summary } from "../lib/stats.mjs";
import { BENCH, log } from "../lib/env.mjs";

const SUBJECTS = ["empty", "expense-auth", "oauth4webapi", "pkce-challenge", "jose", "jwt-decode", "arctic", "expense-auth:phases"];

function sample(subject, pkgDir) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const env = { ...process.env, BENCH_PKG: pkgDir };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_OPTIONS;
    const p = spawn(process.execPath, [join(BENCH, "node", "cold.mjs"), subject], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${subject}: exit ${code}: ${err.trim().split("\n").slice(-3).join(" | ")}`));
      resolve({ ...JSON.parse(out), wallMs });
    });
  });
}

export async function run({ pkgDir, samples = 11 }) {
  const raw = Object.fromEntries(SUBJECTS.map((s) => [s, []]));
  await sample("empty", pkgDir); // warm the OS file cache; discarded
  for (let r = 0; r < samples; r++) {
    for (const s of SUBJECTS) raw[s].push(await sample(s, pkgDir));
  }
  const res = {};
  for (const [s, xs] of Object.entries(raw)) {
    const keys = Object.keys(xs[0]);
    res[s] = Object.fromEntries(keys.map((k) => [k, summary(xs.map((x) => x[k]))]));
    const t = res[s].totalMs?.median;
    log(`  node cold ${s}: import+call ${t?.toFixed(2)} ms, process wall ${res[s].wallMs.median.toFixed(1)} ms`);
  }
  return { samples, subjects: res };
}
