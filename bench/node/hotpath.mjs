// Session hot path (issue 9 §7), in Node, through the packed package:
// - `session.getAccessToken()` with a valid, stored token vs a plain-JS
//   async getter;
// - `session.fetch(url)` vs a raw `fetch(url, { headers: { authorization } })`
//   with the header set by hand, both against the same stub fetch (no network).
// Prints µs per call (median of runs) and the ratios. Usage:
//   node bench/node/hotpath.mjs [runs] [callsPerRun]
import * as lib from "expense-auth";

const RUNS = Number(process.argv[2] || 9);
const N = Number(process.argv[3] || 20_000);
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

async function time(fn) {
  for (let i = 0; i < 2_000; i++) await fn(); // warm-up
  const out = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await fn();
    out.push(((performance.now() - t0) * 1000) / N);
  }
  return median(out);
}

const tokens = { accessToken: "at-valid", refreshToken: "rt", expiresAt: Date.now() + 3_600_000, tokenType: "Bearer" };
const response = new Response(null, { status: 200 });
const stub = async () => response;
const client = { refresh: async () => tokens };
const session = new lib.TokenSession({ client, tokens, fetch: stub, allowedOrigins: ["https://api.example.com"] });
const plain = { token: "at-valid", expiresAt: tokens.expiresAt, async get() {
  if (Date.now() < this.expiresAt - 60_000) return this.token;
  throw new Error("expired");
} };
const URL_ = "https://api.example.com/v1/expenses";

const rows = {
  "session.getAccessToken()": await time(() => session.getAccessToken()),
  "plain-JS async getter": await time(() => plain.get()),
  "session.fetch(url) (stub fetch)": await time(() => session.fetch(URL_)),
  "raw fetch(url, bearer header by hand) (stub fetch)": await time(() => stub(URL_, { headers: { authorization: `Bearer ${plain.token}` } })),
};
for (const [k, v] of Object.entries(rows)) console.log(`${k.padEnd(52)} ${v.toFixed(3)} µs/call`);
const r1 = rows["session.getAccessToken()"] / rows["plain-JS async getter"];
const d2 = rows["session.fetch(url) (stub fetch)"] - rows["raw fetch(url, bearer header by hand) (stub fetch)"];
console.log(`getAccessToken ÷ plain getter: ${r1.toFixed(2)}×; session.fetch overhead: +${d2.toFixed(2)} µs/call`);
