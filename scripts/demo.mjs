// The main job: a complete connection for each provider, with the packed npm
// package from Node, against the local provider sandbox — printing each step.
// Run it with scripts/demo (which sets up, builds and starts the sandbox).
import * as ea from "expense-auth";
import { startSandbox } from "../tests/support/sandbox.mjs";
import { sandboxControl } from "../tests/suite/sandbox-client.mjs";
import { startWorker, walkConsent } from "../tests/support/worker-stack.mjs";

const serve = process.argv.includes("--serve");

// Tokens are secrets: the demo shows only their length and last characters.
const redact = (t) => (t ? `…${t.slice(-4)} (${t.length} chars)` : "none");
const inSecs = (ms) => `${Math.round((ms - Date.now()) / 1000)} s`;
let n = 0;
const step = (msg) => console.log(`  ${++n}. ${msg}`);
const title = (t) => { n = 0; console.log(`\n== ${t} ==`); };

const sandbox = await startSandbox({ port: serve ? Number(process.env.SANDBOX_PORT ?? 8787) : 0 });
const S = sandbox.url;
const sb = sandboxControl(S);
const redirectUri = `${S}/callback`;
console.log(`provider sandbox on ${S}`);

async function codeFlow(name, client, { wallet, api, reuseOld = true } = {}) {
  title(name);
  const auth = client.authorizationUrl();
  step(`authorize URL (state + PKCE S256): ${auth.url.slice(0, 110)}…`);
  const callback = await sb.consent(auth.url, { wallet });
  step(`consent: the user approves${wallet ? ` wallet ${wallet}` : ""} on the provider's page; redirect to ${callback.split("?")[0]}?code=…&state=…`);
  const { code } = ea.parseCallback(callback, auth.state);
  step(`callback: state matches, code ${redact(code)}`);
  const t = await client.exchangeCode(code, auth.codeVerifier);
  step(`code exchange: access token ${redact(t.accessToken)}, expires in ${inSecs(t.expiresAt)}, refresh token ${redact(t.refreshToken)}`);
  if (t.walletId) step(`wallet ID from the access token (JWT, unverified): ${t.walletId}`);
  const stored = [];
  const session = new ea.TokenSession({ client, tokens: t, onTokens: async (ts) => stored.push(ts.refreshToken) });
  const r = await session.fetch(`${S}${api}`);
  step(`API call GET ${api} with the access token → ${r.status}`);
  const t2 = await client.refresh(t.refreshToken);
  step(`refresh: new access token ${redact(t2.accessToken)}, new refresh token ${redact(t2.refreshToken)}; the old one is now "${await sb.refreshState(t.refreshToken)}" at the provider`);
  if (reuseOld) {
    try {
      await client.refresh(t.refreshToken);
      step("UNEXPECTED: the old refresh token was accepted");
      process.exitCode = 1;
    } catch (e) {
      step(`reconnect case: the old refresh token → ${e.code} (${e.status} ${e.error ?? ""}): mark the customer disconnected, ask them to connect again`);
    }
  }
  return t2;
}

try {
  await sb.reset();
  await codeFlow(
    "Generic OAuth 2.0 server (RFC 6749 + PKCE)",
    new ea.OAuth2Client({ authorizationEndpoint: `${S}/oauth/authorize`, tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-client", clientSecret: "sandbox-secret", redirectUri }),
    { api: "/oauth/api/me" },
  );

  await codeFlow(
    "Spendesk (OAuth2 partner flow)",
    new ea.Spendesk({ clientId: "spendesk-client", clientSecret: "spendesk-secret", redirectUri, baseUrl: `${S}/spendesk` }),
    { wallet: "wallet-2", api: "/spendesk/v1/wallet-summary" },
  );
  const key = new ea.Spendesk({ apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret", baseUrl: `${S}/spendesk` });
  const kt = await key.apiKeyToken();
  step(`API key flow (Basic base64(id:secret) to /auth/token): access token ${redact(kt.accessToken)}, expires in ${inSecs(kt.expiresAt)}`);

  const pleo = new ea.Pleo({ clientId: "pleo-client", clientSecret: "pleo-secret", redirectUri, baseUrl: `${S}/pleo`, apiBaseUrl: `${S}/pleo`, scopes: ["export:read", "export:write"] });
  const pt = await codeFlow("Pleo", pleo, { api: "/pleo/v1/expenses" });
  step(`Pleo: reusing an old refresh token revoked the whole authorisation; the newest one now → ${await pleo.refresh(pt.refreshToken).catch((e) => e.code)}`);

  title("Findity (client credentials, then a user token)");
  const findity = new ea.Findity({ clientId: "findity-client", clientSecret: "findity-secret", baseUrl: `${S}/findity` });
  const org = await findity.clientCredentials();
  step(`organisation token (client credentials): ${redact(org.accessToken)}, expires in ${inSecs(org.expiresAt)}`);
  const userCode = await findity.authorizationGrant(org.accessToken, "employee-42");
  step(`authorization grant for user employee-42: code ${redact(userCode)}`);
  const user = await findity.exchangeCode(userCode);
  step(`user token: ${redact(user.accessToken)} (sub = ${ea.decodeJwtUnverified(user.accessToken).sub})`);
  const me = await new ea.TokenSession({ client: findity, tokens: user }).fetch(`${S}/findity/api/v1/me`);
  step(`API call GET /findity/api/v1/me → ${me.status}`);
  const org2 = await findity.refresh(org.refreshToken);
  step(`refresh (single use): new token ${redact(org2.accessToken)}`);
  step(`reconnect case: the used refresh token again → ${await findity.refresh(org.refreshToken).catch((e) => e.code)}`);

  title("ProSpend (static bearer JWT)");
  const token = await sb.prospendToken({ site: "acme" });
  step(`an admin issues a token on https://acme.prospend.com (sandbox: /_sandbox/prospend/tokens): ${redact(token)}`);
  const ps = new ea.ProSpend({ token, apiBaseUrl: `${S}/prospend` });
  step(`checked: a JWT, expires ${new Date(ps.expiresAt).toISOString().slice(0, 10)}, sent only over https (or loopback)`);
  step(`API call GET /api/v1/expenses → ${(await ps.fetch("/api/v1/expenses")).status}`);
  await sb.prospendRevoke(token);
  step(`after the admin revokes it → ${(await ps.fetch("/api/v1/expenses")).status}: issue a new token`);

  title("TokenSession: one refresh for many callers");
  const c = new ea.OAuth2Client({ authorizationEndpoint: `${S}/oauth/authorize`, tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-client", clientSecret: "sandbox-secret", redirectUri });
  const a = c.authorizationUrl();
  const t = await c.exchangeCode(ea.parseCallback(await sb.consent(a.url), a.state).code, a.codeVerifier);
  let now = Date.now();
  const saved = [];
  const session = new ea.TokenSession({ client: c, tokens: t, now: () => now, onTokens: async (ts) => saved.push(ts.refreshToken) });
  now = t.expiresAt; // the access token has expired
  const before = (await sb.stats()).token_requests["oauth:refresh_token"] ?? 0;
  const tokens = await Promise.all(Array.from({ length: 50 }, () => session.getAccessToken()));
  const after = (await sb.stats()).token_requests["oauth:refresh_token"] ?? 0;
  step(`50 concurrent getAccessToken() calls on an expired session → ${after - before} refresh request, ${new Set(tokens).size} distinct token`);
  step(`the rotated refresh token reached the store before the token was handed out: ${saved.length === 1 && saved[0] === session.tokens.refreshToken}`);

  await workerDemo();
  console.log("\ndone: every provider connected, refreshed, called its API and showed its reconnect case,\nfrom Node and through the Worker backend.");
} catch (e) {
  console.error(`\ndemo failed: ${e.code ?? ""} ${e.message}`);
  process.exitCode = 1;
} finally {
  if (!serve || process.exitCode) await sandbox.stop();
}
if (serve && !process.exitCode) {
  // Leave the sandbox and the Worker (with the demo page) running.
  await sb.reset();
  const stack = await startWorker({ sandboxUrl: S, port: Number(process.env.PORT ?? 8788) });
  console.log(`\nthe demo page: ${stack.url}/   (the Worker backend in workerd; sandbox ${S}; Ctrl-C to stop)`);
  const stop = async () => { await stack.dispose(); await sandbox.stop(); process.exit(0); };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Every provider's connection through the Worker backend (examples/worker). */
async function workerDemo() {
  title("Worker backend (examples/worker in workerd): one Durable Object per connection");
  await sb.reset();
  const stack = await startWorker({ sandboxUrl: S, second: true, assets: false });
  const W = stack.url;
  const call = async (path, { method = "GET", cookie, key, body, via } = {}) => {
    const headers = { ...(cookie ? { cookie } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { "content-type": "application/json" } : {}) };
    const init = { method, headers, body: body ? JSON.stringify(body) : undefined, redirect: "manual" };
    const r = via ? await via.fetch(`${W}${path}`, init) : await fetch(`${W}${path}`, init);
    const text = await r.text();
    let json;
    try { json = JSON.parse(text); } catch {}
    return { status: r.status, headers: r.headers, json };
  };
  const refreshes = async (key) => (await sb.stats()).token_requests[key] ?? 0;
  try {
    step(`Worker on ${W} (secrets from bindings; provider base URLs point at the sandbox)`);
    let cookie;
    for (const [p, wallet, api, key] of [
      ["pleo", undefined, "v1/expenses", "pleo:refresh_token"],
      ["spendesk", "wallet-2", "wallet-summary", "spendesk:token/refresh"],
      ["oauth", undefined, "api/me", "oauth:refresh_token"],
    ]) {
      const c = await call(`/connect/${p}?customer=acme`, { cookie });
      cookie ??= c.headers.get("set-cookie").split(";")[0];
      const cb = await walkConsent(c.headers.get("location"), { wallet });
      const back = await call(cb.pathname + cb.search, { cookie });
      const id = new URL(back.headers.get("location"), W).searchParams.get("connected");
      const st = (await call(`/connections/${id}`, { cookie })).json;
      step(`${p}: /connect → consent${wallet ? ` (${wallet})` : ""} → /callback (state checked, code exchanged in the Worker) → connection ${id}, expires in ${inSecs(st.expiresAt)}${st.walletId ? `, wallet ${st.walletId}` : ""}`);
      const a = await call(`/connections/${id}/api/${api}`, { cookie });
      await sb.advance(3601);
      const before = await refreshes(key);
      const b = await call(`/connections/${id}/api/${api}`, { cookie });
      step(`${p}: API ${a.status}; after the token expired at the provider: API ${b.status} with ${(await refreshes(key)) - before} refresh, rotated tokens stored in the Durable Object first`);
    }
    const conns = (await call("/connections", { cookie })).json.connections;
    const pleo = conns.find((c) => c.provider === "pleo");
    await sb.advance(3601);
    const before = await refreshes("pleo:refresh_token");
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => call(`/connections/${pleo.id}/api/v1/expenses`, { cookie, via: i % 2 ? stack.b : undefined })));
    step(`50 concurrent API calls on the expired Pleo connection, through two Worker services (isolates): ${all.filter((r) => r.status === 200).length} × 200, ${(await refreshes("pleo:refresh_token")) - before} refresh at the provider`);
    await call(`/connections/${pleo.id}/stale`, { method: "POST", cookie });
    const r = await call(`/connections/${pleo.id}/refresh`, { method: "POST", cookie });
    step(`someone else spends the stored refresh token → the next refresh: ${r.status} ${r.json.error.code}; status ${(await call(`/connections/${pleo.id}`, { cookie })).json.status}`);
    const k = stack.apiKey;
    const sk = (await call("/connections", { method: "POST", key: k, body: { provider: "spendesk-api-key", apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret" } })).json;
    const fu = (await call("/connections", { method: "POST", key: k, body: { provider: "findity", userId: "employee-42" } })).json;
    const ps = (await call("/connections", { method: "POST", key: k, body: { provider: "prospend", token: await sb.prospendToken({ site: "acme" }) } })).json;
    step(`without consent (server-to-server, API key): Spendesk API key → ${(await call(`/connections/${sk.id}/api/wallet-summary`, { key: k })).status}, Findity user employee-42 → ${(await call(`/connections/${fu.id}/api/api/v1/me`, { key: k })).status}, ProSpend → ${(await call(`/connections/${ps.id}/api/api/v1/expenses`, { key: k })).status}`);
    const other = (await call("/connect/oauth")).headers.get("set-cookie").split(";")[0];
    step(`another browser asking for the Pleo connection → ${(await call(`/connections/${pleo.id}`, { cookie: other })).status}; answers never carry a token (GET /connections/:id: status ${pleo.status}, expiresAt, wallet, access token masked as …${pleo.accessToken.last4})`);
  } finally {
    await stack.dispose();
  }
}
