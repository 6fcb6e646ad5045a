// Wasm memory over many calls, in a fresh Node process (run by bench/run.mjs
// with --expose-gc). The driver's load() returns the wasm exports: `memory`
// (linear memory) and, in packages built before the module imported nothing,
// `__wbindgen_externrefs` (the table of JS values held by wasm; a leaked
// handle would grow it; 0 when there is none). For each kind of call: a
// warm-up, then BENCH_MEMORY_OPS calls (default 1e6) of the four kinds the
// issue names, and a fifth of that of the extra kinds (parseTokenResponse
// and more error paths; they are slower, and the run must stay short); a
// leak shows as growth between the two readings. Prints JSON on stdout.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as fx from "../lib/fixtures.mjs";

const pkg = process.env.BENCH_PKG;
const OPS = Number(process.env.BENCH_MEMORY_OPS || 1e6);
const WARM = Math.min(20_000, OPS);
// The API is the JS driver's (api.js); its default export loads the wasm.
const api = await import(pathToFileURL(join(pkg, "api.js")).href);
const w = api.default(readFileSync(join(pkg, "expense_auth_bg.wasm")), true);

const caught = (f) => () => {
  try {
    f();
    throw new Error("expected an error");
  } catch (e) {
    if (!e.code) throw e;
  }
};
const EXTRA = Math.round(OPS / 5);
const KINDS = {
  createPkce: () => api.createPkce(),
  decodeJwtUnverified: () => api.decodeJwtUnverified(fx.TOKEN),
  buildAuthorizationUrl: () => api.buildAuthorizationUrl(fx.AUTHORIZE),
  'decodeJwtUnverified("bad") (throws)': caught(() => api.decodeJwtUnverified("bad")),
  parseTokenResponse:
    typeof api.parseTokenResponse === "function"
      ? () => api.parseTokenResponse({ status: 200, body: fx.TOKEN_RESPONSE_BODY, now: fx.NOW })
      : null,
  "buildAuthorizationUrl(http endpoint) (throws)": caught(() => api.buildAuthorizationUrl({ ...fx.AUTHORIZE, authorizationEndpoint: "http://auth.example.com/authorize" })),
  'parseTokenResponse(status 400, invalid_grant) (throws)':
    typeof api.parseTokenResponse === "function"
      ? caught(() => api.parseTokenResponse({ status: 400, body: '{"error":"invalid_grant","error_description":"code expired"}', now: fx.NOW }))
      : null,
};

const read = () => {
  globalThis.gc?.();
  return { memoryBytes: w.memory.buffer.byteLength, externrefs: w.__wbindgen_externrefs?.length ?? 0, jsHeapBytes: process.memoryUsage().heapUsed };
};
const out = { ops: OPS, warmup: WARM, initial: read(), kinds: {} };
const FULL = new Set(["createPkce", "decodeJwtUnverified", "buildAuthorizationUrl", 'decodeJwtUnverified("bad") (throws)']);
for (const [name, f] of Object.entries(KINDS)) {
  const n = FULL.has(name) ? OPS : EXTRA;
  if (!f) {
    out.kinds[name] = { unavailable: "not available in this build" };
    continue;
  }
  for (let i = 0; i < WARM; i++) f();
  const afterWarmup = read();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  const seconds = (performance.now() - t0) / 1000;
  const after = read();
  out.kinds[name] = {
    ops: n,
    afterWarmup,
    after,
    growthBytes: after.memoryBytes - afterWarmup.memoryBytes,
    externrefGrowth: after.externrefs - afterWarmup.externrefs,
    seconds,
  };
  process.stderr.write(`  memory ${name} × ${n}: ${afterWarmup.memoryBytes} → ${after.memoryBytes} B, externrefs ${afterWarmup.externrefs} → ${after.externrefs} (${seconds.toFixed(1)} s)\n`);
}
out.final = read();
process.stdout.write(JSON.stringify(out));
