// Throughput in Node: run in a fresh process by bench/run.mjs; prints one
// JSON object on stdout, progress on stderr.
// Env: BENCH_PKG (the pkg/ snapshot), BENCH_RUNS, BENCH_RUN_MS.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as fx from "../lib/fixtures.mjs";
import * as peers from "../lib/peers.mjs";
import { makeGroups } from "../lib/cases.mjs";
import { runGroups } from "../lib/runner.mjs";

const ea = await import(pathToFileURL(join(process.env.BENCH_PKG, "node.js")).href);
const nop = (await WebAssembly.instantiate(fx.NOP_WASM)).instance.exports;
const groups = makeGroups({ ea, peers, fx, nop });
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : null;
const res = await runGroups(only ? groups.filter((g) => only.has(g.id)) : groups, {
  runs: Math.max(5, Number(process.env.BENCH_RUNS || 7)),
  runMs: Number(process.env.BENCH_RUN_MS || 200),
  warmMs: Number(process.env.BENCH_WARM_MS || 100),
  log: (m) => process.stderr.write(`  node ${m}\n`),
});
process.stdout.write(JSON.stringify(res));
