// Session hot path (issue 9 §7) in Node: bench/lib/hotpath.mjs on the
// package's Node entry. Run by bench/sections/hotpath.mjs (part of
// scripts/bench), which passes the pkg/ snapshot (BENCH_PKG) and its
// loopback server (BENCH_LOOPBACK_URL) and reads the JSON on stdout.
// Alone: `node bench/node/hotpath.mjs [rounds] [calls] [loopRounds] [loopCalls]`
// (uses pkg/, starts its own loopback server in this process — then server
// and client share one thread — and prints a summary).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../lib/env.mjs";
import { LOOPBACK_ANSWER, LOOPBACK_PATH, runHotpath } from "../lib/hotpath.mjs";
import { serve } from "../lib/server.mjs";


const harness = !!process.env.BENCH_LOOPBACK_URL;
const pkg = process.env.BENCH_PKG || join(ROOT, "pkg");
const lib = await import(pathToFileURL(join(pkg, "node.js")).href);
const num = (i, k, d) => Number(process.argv[i] || process.env[k] || d);
const rounds = num(2, "BENCH_HOT_ROUNDS", 9);
const calls = num(3, "BENCH_HOT_CALLS", 20_000);
const loopRounds = num(4, "BENCH_HOT_LOOP_ROUNDS", 41);
const loopCalls = num(5, "BENCH_HOT_LOOP_CALLS", 30);

let server = null;
let url = process.env.BENCH_LOOPBACK_URL;
if (!url) {
  server = await serve({}, { [LOOPBACK_PATH]: LOOPBACK_ANSWER });
  url = server.origin + LOOPBACK_PATH;
}
const loopback = { url, origin: new URL(url).origin, what: harness ? "Node http server in the harness process" : "Node http server in this process" };
const log = (m) => process.stderr.write(`  node ${m}\n`);
const r = await runHotpath({ lib, loopback, rounds, calls, loopRounds, loopCalls, log });
await server?.close();

if (harness) process.stdout.write(JSON.stringify(r));
else {
  for (const g of Object.values(r.groups)) {
    console.log(`\n${g.title} (${g.rounds} rounds)`);
    for (const c of Object.values(g.cases)) console.log(`  ${c.us.median.toFixed(3).padStart(9)} µs/call  (${c.us.min.toFixed(3)}–${c.us.max.toFixed(3)}; ${c.calls} calls a round)  ${c.label}`);
    for (const c of g.compare) {
      const u = c.kind === "ratio" ? "×" : c.kind === "diff" ? " µs" : " %";
      console.log(`  ${c.label}: ${c.value.median.toFixed(2)}${u} (${c.value.min.toFixed(2)}–${c.value.max.toFixed(2)})`);
    }
  }
}
