// Where the time of an exported call goes, in Node: V8's sampling CPU
// profiler (node:inspector, 50 µs interval) over BENCH_PROFILE_MS of calls,
// after a warm-up, for each case id given on the command line (ids from
// bench/lib/cases.mjs). Self time is bucketed by what runs: the Rust code
// (wasm functions; the build has no name section, so they are
// wasm-function[N]), the JS driver and loader (api.js; expense_auth.js in
// packages before they were merged), string copies across the boundary
// (TextEncoder/TextDecoder), the JS engine's JSON.parse, the
// CSPRNG (crypto.getRandomValues), the garbage collector, the rest.
// Prints JSON on stdout.
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as fx from "../lib/fixtures.mjs";
import * as peers from "../lib/peers.mjs";
import { makeGroups } from "../lib/cases.mjs";

const ea = await import(pathToFileURL(join(process.env.BENCH_PKG, "node.js")).href);
const nop = (await WebAssembly.instantiate(fx.NOP_WASM)).instance.exports;
const cases = Object.fromEntries(makeGroups({ ea, peers, fx, nop }).flatMap((g) => g.cases).map((c) => [c.id, c]));
const MS = Number(process.env.BENCH_PROFILE_MS || 1000);

// Bucket names; the report explains them (see LEGEND in bench/report.mjs).
function bucket(chain) {
  const { functionName: f, url } = chain[0];
  if (f === "(idle)" || f === "(program)") return null;
  // Node's getRandomValues runs a native job ("run" under RandomBytesJob):
  // everything below it is the CSPRNG.
  if (chain.some((c) => /^(getRandomValues|randomFillSync)$/.test(c.functionName) || c.url.includes("internal/crypto/random"))) return "CSPRNG";
  if (f.startsWith("wasm-function[") || url.startsWith("wasm://")) return "Rust (wasm)";
  const ours = (u) => u.endsWith("expense_auth.js") || u.endsWith("api.js");
  const inGlue = chain.some((c) => ours(c.url));
  if (inGlue && /^(passStringToWasm0|__wbg___wbindgen_string_get_.*|encode|encodeInto|encodeUtf8String)$/.test(f)) return "string copy in";
  if (inGlue && /^(getStringFromWasm0|getArrayU8FromWasm0|decode|decodeUTF8)$/.test(f)) return "string copy out";
  if (f === "(garbage collector)") return "GC";
  if (ours(url)) return "glue & imports";
  if (url.includes("/bench/")) return "loop";
  return "other";
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 50 });
const out = {};
for (const id of process.argv.slice(2)) {
  const c = cases[id];
  if (!c || c.unavailable) {
    out[id] = { unavailable: c ? c.unavailable : "no such case" };
    continue;
  }
  const f = c.fn;
  const loop = async (ms) => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 100; i++) c.async ? await f() : f();
      n += 100;
    }
    return n;
  };
  await loop(300);
  await session.post("Profiler.start");
  const calls = await loop(MS);
  const { profile } = await session.post("Profiler.stop");
  const counts = new Map();
  for (const s of profile.samples) counts.set(s, (counts.get(s) || 0) + 1);
  const byBucket = {};
  const byFn = new Map();
  let total = 0;
  const parent = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes) for (const ch of node.children ?? []) parent.set(ch, node.id);
  for (const node of profile.nodes) {
    const n = counts.get(node.id);
    if (!n) continue;
    const chain = [];
    for (let id = node.id; id !== undefined; id = parent.get(id)) chain.push(byId.get(id).callFrame);
    const b = bucket(chain);
    if (!b) continue;
    total += n;
    byBucket[b] = (byBucket[b] || 0) + n;
    const key = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url ? `(${node.callFrame.url.split("/").pop()})` : ""}`.trim();
    byFn.set(key, (byFn.get(key) || 0) + n);
  }
  const pct = (n) => Math.round((1000 * n) / total) / 10;
  out[id] = {
    calls,
    usPerCall: (MS * 1000) / calls,
    samples: total,
    buckets: Object.fromEntries(Object.entries(byBucket).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, pct(n)])),
    top: [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => [k, pct(n)]),
  };
  process.stderr.write(`  profile ${id}: ${JSON.stringify(out[id].buckets)}\n`);
}
await session.post("Profiler.disable");
session.disconnect();
process.stdout.write(JSON.stringify(out));
