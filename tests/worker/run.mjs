// The Worker backend (examples/worker) in workerd, against the provider
// sandbox: connect → callback → API call → expiry → refresh → stale refresh
// token → RECONNECT_REQUIRED for every provider, the no-consent connections,
// access control, and 50 concurrent API calls on one expired connection,
// arriving through two Worker services (two isolates), causing exactly one
// refresh at the sandbox. Every token the sandbox issues is recorded (the
// Worker's outbound fetches pass through this process) and must never appear
// in an answer of the Worker, a header, a URL or a log line.
import { startSandbox } from "../support/sandbox.mjs";
import { startWorker, walkConsent } from "../support/worker-stack.mjs";
import { sandboxControl } from "../suite/sandbox-client.mjs";
import { eq, ok, runTests } from "../suite/harness.mjs";

const sandbox = await startSandbox();
const S = sandbox.url;
const sb = sandboxControl(S);
const API_KEY = "test-api-key-0123456789abcdef";

// Every token the sandbox hands out, seen on the Worker's outbound fetches.
const issued = new Set();
const collect = (v) => {
  if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) {
    if (["access_token", "refresh_token", "code", "token"].includes(k) && typeof x === "string" && x.length >= 16) issued.add(x);
    else collect(x);
  }
};
async function outbound(request) {
  const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
  const headers = new Headers();
  for (const [k, v] of request.headers)
    if (!["host", "content-length", "connection", "transfer-encoding"].includes(k) && !k.startsWith("cf-") && !k.startsWith("mf-")) headers.set(k, v);
  const r = await fetch(request.url, { method: request.method, headers, body, redirect: "manual" });
  const buf = await r.arrayBuffer();
  try { collect(JSON.parse(new TextDecoder().decode(buf))); } catch {}
  return new Response(buf, { status: r.status, headers: r.headers });
}

let logs = "";
const stack = await startWorker({ sandboxUrl: S, apiKey: API_KEY, outbound, second: true, assets: false, onLog: (l) => (logs += l) });
const { mf, b: workerB } = stack;
const PUBLIC_URL = stack.url;

// Every answer of the Worker, as text, for the leak check.
const seen = [];
async function call(path, { method = "GET", cookie, key, body, via = "a" } = {}) {
  const headers = {};
  if (cookie) headers.cookie = cookie;
  if (key) headers.authorization = `Bearer ${key}`;
  if (body) headers["content-type"] = "application/json";
  const init = { method, headers, body: body ? JSON.stringify(body) : undefined, redirect: "manual" };
  const r = via === "a" ? await mf.dispatchFetch(`${PUBLIC_URL}${path}`, init) : await workerB.fetch(`${PUBLIC_URL}${path}`, init);
  const text = await r.text();
  seen.push(`${path} ${r.status} ${JSON.stringify([...r.headers])} ${text}`);
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, headers: r.headers, text, json };
}

async function consent(authorizeUrl, opts) {
  const cb = await walkConsent(authorizeUrl, opts);
  eq(cb.origin + cb.pathname, `${PUBLIC_URL}/callback`, "the provider redirects to the Worker's callback");
  return cb;
}

/** A browser's connect: /connect → consent → /callback; returns { cookie, id }. */
async function connectBrowser(provider, { wallet, cookie, customer = "acme" } = {}) {
  const c = await call(`/connect/${provider}?customer=${customer}`, { cookie });
  eq(c.status, 302, "connect redirects");
  const setCookie = c.headers.get("set-cookie");
  if (!cookie) {
    ok(/HttpOnly/.test(setCookie) && /Secure/.test(setCookie) && /SameSite=Lax/.test(setCookie), "session cookie is HttpOnly, Secure, SameSite");
    cookie = setCookie.split(";")[0];
  }
  const authorize = new URL(c.headers.get("location"));
  ok(!authorize.searchParams.has("code_verifier") && authorize.searchParams.get("code_challenge_method") === "S256", "PKCE: only the challenge in the URL");
  const cb = await consent(authorize.href, { wallet });
  const r = await call(cb.pathname + cb.search, { cookie });
  eq(r.status, 302, "callback redirects to the page");
  const back = new URL(r.headers.get("location"), PUBLIC_URL);
  ok(back.searchParams.has("connected"), `callback connected (${back.search})`);
  return { cookie, id: back.searchParams.get("connected") };
}

const requestsOf = async (key) => (await sb.stats()).token_requests[key] ?? 0;

const PROVIDERS = [
  { name: "oauth", api: "api/me", refreshKey: "oauth:refresh_token" },
  { name: "pleo", api: "v1/expenses", refreshKey: "pleo:refresh_token" },
  { name: "spendesk", api: "wallet-summary", refreshKey: "spendesk:token/refresh", wallet: "wallet-2" },
];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

for (const p of PROVIDERS) {
  test(`${p.name}: connect → callback → API → expiry → refresh → stale refresh token → RECONNECT_REQUIRED`, async () => {
    await sb.reset();
    const { cookie, id } = await connectBrowser(p.name, { wallet: p.wallet });
    const st = await call(`/connections/${id}`, { cookie });
    eq(st.status, 200, "status");
    eq(st.json.provider, p.name, "provider");
    eq(st.json.status, "connected", "connected");
    ok(Number.isInteger(st.json.expiresAt) && st.json.expiresAt > Date.now(), "expiresAt");
    if (p.wallet) eq(st.json.walletId, p.wallet, "wallet ID from the access token");
    eq((await call(`/connections/${id}/api/${p.api}`, { cookie })).status, 200, "API call");
    // The access token expires at the provider: the API answers 401, the
    // connection refreshes once and retries.
    await sb.advance(3601);
    const before = await requestsOf(p.refreshKey);
    eq((await call(`/connections/${id}/api/${p.api}`, { cookie })).status, 200, "API call after expiry");
    eq((await requestsOf(p.refreshKey)) - before, 1, "one refresh");
    eq((await call(`/connections/${id}`, { cookie })).json.refreshes, 1, "the rotated tokens were stored");
    // Someone else spends the stored refresh token: the next refresh is refused.
    eq((await call(`/connections/${id}/stale`, { method: "POST", cookie })).status, 200, "stale");
    const r = await call(`/connections/${id}/refresh`, { method: "POST", cookie });
    eq(r.status, 409, "refresh after the stale token");
    eq(r.json.error.code, "RECONNECT_REQUIRED", "code");
    eq((await call(`/connections/${id}`, { cookie })).json.status, "reconnect_required", "status says reconnect");
    const again = await call(`/connections/${id}/api/${p.api}`, { cookie });
    eq(again.status, 409, "API after reconnect-required: no request with the refused token");
    // Connect again: the same connection works.
    const re = await connectBrowser(p.name, { wallet: p.wallet, cookie });
    eq(re.id, id, "the same customer + provider + wallet is the same connection");
    eq((await call(`/connections/${id}`, { cookie })).json.status, "connected", "connected again");
  });
}

test("denied consent and a state mismatch come back to the page as codes", async () => {
  await sb.reset();
  const c = await call("/connect/pleo");
  const cookie = c.headers.get("set-cookie").split(";")[0];
  const cb = await consent(c.headers.get("location"), { decision: "deny" });
  const r = await call(cb.pathname + cb.search, { cookie });
  eq(new URL(r.headers.get("location"), PUBLIC_URL).searchParams.get("error"), "AUTHORIZATION_ERROR", "denied");
  // A callback whose state this browser never sent.
  const c2 = await call("/connect/pleo", { cookie });
  const cb2 = await consent(c2.headers.get("location"));
  cb2.searchParams.set("state", "x".repeat(43));
  const r2 = await call(cb2.pathname + cb2.search, { cookie });
  eq(new URL(r2.headers.get("location"), PUBLIC_URL).searchParams.get("error"), "STATE_MISMATCH", "mismatch");
  // The right state from another browser (another cookie) is a mismatch too.
  const c3 = await call("/connect/pleo", { cookie });
  const cb3 = await consent(c3.headers.get("location"));
  const other = (await call("/connect/oauth")).headers.get("set-cookie").split(";")[0];
  const r3 = await call(cb3.pathname + cb3.search, { cookie: other });
  eq(new URL(r3.headers.get("location"), PUBLIC_URL).searchParams.get("error"), "STATE_MISMATCH", "other browser");
  // And a state is single use.
  const r4 = await call(cb3.pathname + cb3.search, { cookie });
  ok(new URL(r4.headers.get("location"), PUBLIC_URL).searchParams.has("connected"), "the owner's callback works");
  const r5 = await call(cb3.pathname + cb3.search, { cookie });
  eq(new URL(r5.headers.get("location"), PUBLIC_URL).searchParams.get("error"), "STATE_MISMATCH", "replayed callback");
});

test("access control: another browser gets 403, no credentials 401, the API key reaches all", async () => {
  await sb.reset();
  const { cookie, id } = await connectBrowser("oauth");
  const other = (await call("/connect/oauth")).headers.get("set-cookie").split(";")[0];
  for (const path of [`/connections/${id}`, `/connections/${id}/api/api/me`]) {
    const r = await call(path, { cookie: other });
    eq(r.status, 403, `other browser ${path}`);
    eq(r.json.error.code, "FORBIDDEN", "code");
    ok(!r.text.includes("oauth") || r.text.includes("FORBIDDEN"), "reveals nothing");
  }
  const ghost = `oauth-${"0".repeat(24)}`;
  eq((await call(`/connections/${ghost}`, { cookie: other })).text, (await call(`/connections/${id}`, { cookie: other })).text,
    "a connection that does not exist looks the same as one that is not yours");
  eq((await call(`/connections/${id}`)).status, 401, "no credentials");
  eq((await call(`/connections/${id}`, { key: "wrong-key-wrong-key-wrong" })).status, 401, "wrong API key");
  eq((await call(`/connections/${id}`, { key: API_KEY })).status, 200, "API key");
  eq((await call(`/connections/${id}/api/../../_sandbox/stats`, { cookie })).status, 403, "no path escape (normalised to another connection ID)");
  eq((await call(`/connections/${id}/api/%2e%2e/%2e%2e/_sandbox/stats`, { cookie })).status, 403, "encoded dots are normalised too");
  eq((await call(`/connections/${id}/api/v1//x`, { cookie })).status, 400, "empty path segments are refused by the connection");
  const list = await call("/connections", { cookie });
  eq(list.json.connections.map((c) => c.id).join(), id, "a browser lists its own connections");
  eq((await call(`/connections/${id}`, { method: "DELETE", cookie })).status, 200, "delete");
  eq((await call(`/connections/${id}`, { cookie })).status, 403, "gone for the browser");
  eq((await call(`/connections/${id}`, { key: API_KEY })).status, 404, "gone");
});

test("connections without consent: Spendesk API key, Findity organisation and user, ProSpend", async () => {
  await sb.reset();
  const key = await call("/connections", { method: "POST", key: API_KEY, body: { provider: "spendesk-api-key", customer: "acme", apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret" } });
  eq(key.status, 201, `spendesk api key ${key.text}`);
  eq((await call(`/connections/${key.json.id}/api/wallet-summary`, { key: API_KEY })).status, 200, "Spendesk API");
  // An expired API-key token is renewed with the stored key.
  await sb.advance(3601);
  const before = await requestsOf("spendesk:auth/token");
  eq((await call(`/connections/${key.json.id}/api/wallet-summary`, { key: API_KEY })).status, 200, "after expiry");
  eq((await requestsOf("spendesk:auth/token")) - before, 1, "renewed once");
  const bad = await call("/connections", { method: "POST", key: API_KEY, body: { provider: "spendesk-api-key", apiKeyId: "spendesk-key-id", apiKeySecret: "nope" } });
  eq(bad.json.error.code, "OAUTH_ERROR", `bad API key → ${bad.text}`);

  const org = await call("/connections", { method: "POST", key: API_KEY, body: { provider: "findity", customer: "acme" } });
  eq(org.status, 201, `findity org ${org.text}`);
  const user = await call("/connections", { method: "POST", key: API_KEY, body: { provider: "findity", customer: "acme", userId: "employee-42" } });
  eq(user.status, 201, `findity user ${user.text}`);
  const me = await call(`/connections/${user.json.id}/api/api/v1/me`, { key: API_KEY });
  eq(me.json.user_id, "employee-42", "a user token");

  const token = await sb.prospendToken({ site: "acme" });
  const ps = await call("/connections", { method: "POST", key: API_KEY, body: { provider: "prospend", customer: "acme", token } });
  eq(ps.status, 201, `prospend ${ps.text}`);
  eq((await call(`/connections/${ps.json.id}/api/api/v1/expenses`, { key: API_KEY })).status, 200, "ProSpend API");
  const exp = await call("/connections", { method: "POST", key: API_KEY, body: { provider: "prospend", token: "not-a-jwt" } });
  eq(exp.json.error.code, "INVALID_JWT", "a bad static token");

  // A browser may create them too; they are bound to its cookie.
  const b = await call("/connections", { method: "POST", body: { provider: "findity" } });
  eq(b.status, 201, "browser-created");
  const cookie = b.headers.get("set-cookie").split(";")[0];
  eq((await call(`/connections/${b.json.id}`, { cookie })).status, 200, "its own");
  eq((await call(`/connections/${org.json.id}`, { cookie })).status, 403, "not another's");
});

test("50 concurrent API calls for one expired connection, through two isolates, cause exactly one refresh", async () => {
  await sb.reset();
  const { cookie, id } = await connectBrowser("pleo");
  await sb.advance(3601);
  const before = await requestsOf("pleo:refresh_token");
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => call(`/connections/${id}/api/v1/expenses`, { cookie, via: i % 2 ? "b" : "a" })),
  );
  eq(results.filter((r) => r.status === 200).length, 50, `all 50 succeed (${[...new Set(results.map((r) => r.status))]})`);
  eq((await requestsOf("pleo:refresh_token")) - before, 1, "exactly one refresh at the sandbox");
  eq((await call(`/connections/${id}`, { cookie })).json.refreshes, 1, "stored once");
});

test("no token, code or secret in any answer, header, URL or log line", async () => {
  ok(issued.size > 10, `tokens were recorded (${issued.size})`);
  const everything = seen.join("\n") + "\n" + logs;
  for (const t of issued) ok(!everything.includes(t), "a token the sandbox issued appears in the Worker's output");
  for (const s of ["sandbox-secret", "pleo-secret", "spendesk-secret", "findity-secret", "spendesk-key-secret", API_KEY])
    ok(!everything.includes(s), "a secret appears in the Worker's output");
});

let failed = 1;
try {
  const r = await runTests(tests, { log: (l) => console.log(`${l.replace(/^(ok|FAIL)\s+/, (m) => m)}`) });
  console.log(`worker: ${r.passed} passed, ${r.failed} failed`);
  failed = r.failed;
} finally {
  await mf.dispose();
  await sandbox.stop();
}
process.exit(failed ? 1 : 0);
