// One cold-start sample in a fresh Node process: `node cold.mjs <subject>`.
// Prints { importMs, callMs, totalMs, sinceProcessStartMs } as JSON.
// importMs: the dynamic import (for expense-auth: reading, compiling and
// instantiating the wasm, which pkg/node.js does at import); callMs: the
// first call; sinceProcessStartMs: performance.now() at the first result
// (its origin is the process start, so this includes Node's own boot).
// Subject "expense-auth:phases" splits expense-auth's import into phases.
const subject = process.argv[2];
const pkg = process.env.BENCH_PKG;
const SPEC = {
  "expense-auth": `${pkg}/node.js`,
  oauth4webapi: "oauth4webapi",
  "pkce-challenge": "pkce-challenge",
  jose: "jose",
  "jwt-decode": "jwt-decode",
  arctic: "arctic",
};

// Loaded before t0 in every subject, including the empty one: the calls'
// definitions and the token fixture are harness, not library, cost.
const { SUBJECTS } = await import("../lib/subjects.mjs");

let out;
if (subject === "expense-auth:phases") {
  const { readFileSync } = await import("node:fs");
  const t0 = performance.now();
  const api = await import(`${pkg}/api.js`);
  const t1 = performance.now();
  const bytes = readFileSync(`${pkg}/expense_auth_bg.wasm`);
  const t2 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t3 = performance.now();
  api.default(module, true);
  const t4 = performance.now();
  // Node loads its webcrypto lazily, at the first getRandomValues: done here
  // on its own so that the first createPkce() below shows the wasm's share.
  crypto.getRandomValues(new Uint8Array(32));
  const t5 = performance.now();
  api.createPkce();
  const t6 = performance.now();
  api.createPkce();
  const t7 = performance.now();
  out = { glueImportMs: t1 - t0, readMs: t2 - t1, compileMs: t3 - t2, instantiateMs: t4 - t3, webcryptoFirstUseMs: t5 - t4, firstCallMs: t6 - t5, secondCallMs: t7 - t6, totalMs: t6 - t0 };
} else {
  const s = SUBJECTS[subject];
  if (!s) throw new Error(`unknown subject ${subject}`);
  const t0 = performance.now();
  const m = SPEC[subject] ? await import(SPEC[subject]) : null;
  const t1 = performance.now();
  const r = await s.call(m);
  const t2 = performance.now();
  if (subject !== "empty" && !r) throw new Error("no result");
  out = { importMs: t1 - t0, callMs: t2 - t1, totalMs: t2 - t0, sinceProcessStartMs: t2 };
}
process.stdout.write(JSON.stringify(out));
