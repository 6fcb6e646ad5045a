// In workerd (miniflare carries the real binary):
//  1. the suite's sandbox-backed cases against the in-process sandbox;
//  2. the sandbox mounted as a Worker (`export default { fetch: sandbox.fetch }`),
//     driven through dispatchFetch.
// Bundled as wrangler would: esbuild with the "workerd" condition, .wasm files
// left as separate modules. Prints "sandbox in-process workerd: N passed, M failed".
import { Miniflare } from "miniflare";
import { bundleForWorkerd } from "../support/workerd-bundle.mjs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = `${root}target/workerd-in-process`;
await bundleForWorkerd({
  entryPoints: { suite: `${root}tests/in-process/worker.mjs`, mounted: `${root}tests/in-process/mounted-worker.mjs` },
  outdir: out,
  wasm: ["expense-auth/expense_auth_bg.wasm", "expense-auth-sandbox/expense_auth_sandbox_bg.wasm"],
});

const label = "sandbox in-process workerd";
const options = (script) => ({
  modules: true,
  scriptPath: `${out}/${script}.js`,
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2025-01-01",
});
const results = [];
const check = async (name, fn) => {
  try {
    await fn();
    results.push({ name, ok: true });
  } catch (e) {
    results.push({ name, ok: false, error: String(e?.stack ?? e) });
  }
};

const suite = new Miniflare(options("suite"));
try {
  const r = await (await suite.dispatchFetch("http://worker.local/")).json();
  if (r.fatal) results.push({ name: "suite", ok: false, error: r.fatal });
  else results.push(...r.results);
} finally {
  await suite.dispose();
}

const mounted = new Miniflare(options("mounted"));
try {
  const form = "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret";
  await check("mounted Worker: a token request answers 200 with no-store", async () => {
    const res = await mounted.dispatchFetch("http://127.0.0.1:8787/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    const body = await res.json();
    if (res.status !== 200 || typeof body.access_token !== "string") throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
    if (res.headers.get("cache-control") !== "no-store") throw new Error("no Cache-Control: no-store");
  });
  await check("mounted Worker: state persists across requests, control endpoints answer", async () => {
    const stats = await (await mounted.dispatchFetch("http://127.0.0.1:8787/_sandbox/stats")).json();
    if (stats.token_requests["oauth:client_credentials"] !== 1) throw new Error(JSON.stringify(stats));
  });
  await check("mounted Worker: the authorize URL redirects to the consent page", async () => {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: "pleo-client",
      redirect_uri: "http://127.0.0.1:8787/callback",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    });
    const res = await mounted.dispatchFetch(`http://127.0.0.1:8787/pleo/oauth/authorize?${q}`, { redirect: "manual" });
    if (res.status !== 302 || !res.headers.get("location").startsWith("/pleo/consent?request=")) throw new Error(`status ${res.status}`);
  });
} finally {
  await mounted.dispose();
}

for (const t of results) console.log(`${t.ok ? "ok  " : "FAIL"} ${label}: ${t.name}${t.ok ? "" : `\n     ${t.error}`}`);
const failed = results.filter((t) => !t.ok).length;
console.log(`${label}: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed || results.length === 0 ? 1 : 0);
