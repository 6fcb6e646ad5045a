// Builds the Worker backend (examples/worker) the way wrangler would (esbuild
// with the "workerd" condition, .wasm kept as a module) and runs it in workerd
// through miniflare, on loopback, pointed at a provider sandbox. Used by the
// Worker tests, the demo-page browser test and scripts/demo.
import { Miniflare } from "miniflare";
import { cpSync, rmSync } from "node:fs";
import { bundleForWorkerd } from "./workerd-bundle.mjs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = `${root}target/worker-example`;

/** The sandbox's published test credentials stand in for the Worker secrets. */
export function workerBindings(S, publicUrl, apiKey) {
  return {
    PUBLIC_URL: publicUrl, DEMO_MODE: "1", API_KEY: apiKey, SANDBOX_URL: S,
    OAUTH_AUTHORIZE_URL: `${S}/oauth/authorize`, OAUTH_TOKEN_URL: `${S}/oauth/token`, OAUTH_API_BASE_URL: `${S}/oauth`,
    OAUTH_CLIENT_ID: "sandbox-client", OAUTH_CLIENT_SECRET: "sandbox-secret", OAUTH_PUBLIC_CLIENT_ID: "sandbox-public",
    PLEO_BASE_URL: `${S}/pleo`, PLEO_API_BASE_URL: `${S}/pleo`, PLEO_CLIENT_ID: "pleo-client", PLEO_CLIENT_SECRET: "pleo-secret",
    SPENDESK_BASE_URL: `${S}/spendesk`, SPENDESK_CLIENT_ID: "spendesk-client", SPENDESK_CLIENT_SECRET: "spendesk-secret",
    FINDITY_BASE_URL: `${S}/findity`, FINDITY_CLIENT_ID: "findity-client", FINDITY_CLIENT_SECRET: "findity-secret",
    PROSPEND_API_BASE_URL: `${S}/prospend`,
  };
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Bundles the Worker and assembles its static assets (the demo page + the package). */
export async function buildWorker() {
  await bundleForWorkerd({ entryPoints: [`${root}examples/worker/src/index.js`], outfile: `${out}/index.js` });
  const site = `${out}/public`;
  rmSync(site, { recursive: true, force: true });
  cpSync(`${root}www`, site, { recursive: true });
  cpSync(`${root}node_modules/expense-auth`, `${site}/pkg`, { recursive: true });
  return { script: `${out}/index.js`, site };
}

/**
 * Starts the Worker in workerd. `second: true` adds a second Worker service
 * ("b") bound to the same Durable Object namespaces (another isolate).
 * `outbound` sees every fetch the Worker makes. Returns { mf, url, b?, dispose }.
 */
export async function startWorker({ sandboxUrl, port, apiKey = "demo-api-key-0123456789", outbound, second = false, onLog, assets = true }) {
  const { script, site } = await buildWorker();
  port ??= await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const worker = (name, own) => ({
    name,
    modules: true,
    scriptPath: script,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-01-01",
    bindings: workerBindings(sandboxUrl, publicUrl, apiKey),
    ...(outbound ? { outboundService: outbound } : {}),
    ...(own && assets ? { assets: { directory: site, routerConfig: { has_user_worker: true } } } : {}),
    durableObjects: own
      ? { CONNECTIONS: "Connection", BROWSERS: "BrowserSession" }
      : { CONNECTIONS: { className: "Connection", scriptName: "a" }, BROWSERS: { className: "BrowserSession", scriptName: "a" } },
  });
  const mf = new Miniflare({
    host: "127.0.0.1",
    port,
    workers: second ? [worker("a", true), worker("b", false)] : [worker("a", true)],
    ...(onLog
      ? { handleRuntimeStdio(stdout, stderr) { stdout.on("data", (d) => onLog(String(d))); stderr.on("data", (d) => onLog(String(d))); } }
      : {}),
  });
  await mf.ready;
  return { mf, url: publicUrl, apiKey, b: second ? await mf.getWorker("b") : undefined, dispose: () => mf.dispose() };
}

/**
 * The user's side of a provider's consent step, as a browser walks it:
 * authorize → the sandbox's consent page → approve (or deny) → the provider's
 * redirect to the app. The last redirect is not followed: its URL is returned.
 */
export async function walkConsent(authorizeUrl, { decision = "approve", wallet } = {}) {
  const r1 = await fetch(authorizeUrl, { redirect: "manual" });
  const consentUrl = new URL(r1.headers.get("location") ?? "", authorizeUrl);
  if (!consentUrl.pathname.endsWith("/consent")) throw new Error(`authorize did not lead to a consent page (${r1.status})`);
  consentUrl.searchParams.set("decision", decision);
  if (wallet) consentUrl.searchParams.set("wallet", wallet);
  const r2 = await fetch(consentUrl, { redirect: "manual" });
  return new URL(r2.headers.get("location") ?? "");
}
