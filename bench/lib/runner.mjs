// Throughput runner shared by Node and Chromium (no Node APIs).
//
// Each case gets its own compiled loop (`new Function`), so the call site
// inside the loop only ever sees that case's function: no case is slowed by
// a call site made megamorphic by the others. Cases of a group run
// interleaved, round by round (case A run 1, case B run 1, ..., case A run 2,
// ...), so a slow spell on this shared machine hits every case of the group
// alike instead of one case's every run.

import { summary } from "./stats.mjs";

const now = () => performance.now();
let sink = 0; // results are counted here so the engine cannot drop the calls

function compile(c) {
  const src = c.async
    ? "return async function batch(n) { let s = 0; for (let i = 0; i < n; i++) { const r = await f(); if (r !== undefined) s++; } return s; }"
    : "return function batch(n) { let s = 0; for (let i = 0; i < n; i++) { const r = f(); if (r !== undefined) s++; } return s; }";
  return new Function("f", src)(c.fn);
}

async function timeBatch(batch, n) {
  const t0 = now();
  const r = batch(n);
  sink += typeof r === "number" ? r : await r;
  return now() - t0;
}

/** Ops/s of `batch(n)` repeated for at least `ms` milliseconds. */
async function timed(batch, n, ms) {
  let ops = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < ms) {
    const r = batch(n);
    sink += typeof r === "number" ? r : await r;
    ops += n;
    t = now();
  }
  return ops / ((t - t0) / 1000);
}

/**
 * Runs every case of every group; returns { [caseId]: summary of ops/s }.
 * opts: runs (>= 5), runMs (length of one run), warmMs, batchMs (target
 * length of one batch), log (progress callback).
 */
export async function runGroups(groups, opts = {}) {
  const { runs = 5, runMs = 250, warmMs = 150, batchMs = 4, log = () => {} } = opts;
  const out = {};
  for (const g of groups) {
    const live = [];
    for (const c of g.cases) {
      if (c.unavailable) {
        out[c.id] = { unavailable: c.unavailable };
        continue;
      }
      try {
        const batch = compile(c);
        // Calibrate: double n until a batch takes >= 1 ms, then scale to batchMs.
        let n = 1;
        let t = await timeBatch(batch, n);
        while (t < 1 && n < 1 << 24) {
          n *= 2;
          t = await timeBatch(batch, n);
        }
        n = Math.max(1, Math.round((n * batchMs) / Math.max(t, 0.05)));
        await timed(batch, n, warmMs); // warm-up: let the JIT tier up
        live.push({ c, batch, n, runs: [] });
      } catch (e) {
        out[c.id] = { error: String(e && e.stack ? e.stack : e) };
      }
    }
    for (let r = 0; r < runs; r++) {
      for (const x of live) x.runs.push(await timed(x.batch, x.n, runMs));
    }
    for (const x of live) {
      out[x.c.id] = { ...summary(x.runs), batch: x.n };
      log(`${g.id}/${x.c.id}: ${Math.round(out[x.c.id].median)} ops/s`);
    }
  }
  out.__sink = sink;
  return out;
}
