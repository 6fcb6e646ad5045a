// The expense-auth-sandbox package's own API (the packed package from
// node_modules), beyond what the behaviour suite exercises: every control
// call, the fixed clock, argument errors, how fetch takes its arguments,
// and the emulated drop and slow faults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSandbox } from "expense-auth-sandbox";

const S = "http://127.0.0.1:8787";
const form = (body) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
const clientCredentials = form("grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret");

test("createSandbox: options are checked; startTime fixes the clock; instances are independent", () => {
  for (const bad of [null, 5, "x"]) assert.throws(() => createSandbox(bad), TypeError);
  for (const startTime of [-1, Number.NaN, Infinity, "1"]) assert.throws(() => createSandbox({ startTime }), TypeError);
  const a = createSandbox({ startTime: 1_700_000_000.9 });
  assert.equal(a.now(), 1_700_000_000);
  assert.equal(a.advanceClock(60), 1_700_000_060);
  assert.throws(() => a.advanceClock(-1), TypeError);
  assert.throws(() => a.advanceClock(1.5), TypeError);
  a.reset();
  assert.equal(a.now(), 1_700_000_000, "reset keeps the fixed start, drops the offset");
  const real = createSandbox();
  assert.ok(Math.abs(real.now() - Date.now() / 1000) < 5, "default clock is Date.now()");
  a.injectFault("/oauth", "status_500");
  assert.equal(real.faults().length, 0, "state is per instance");
});

test("fetch: a Request, (url, init), a path alone; a Worker's env argument is ignored", async () => {
  const sb = createSandbox();
  const r1 = await sb.fetch(new Request(`${S}/oauth/token`, clientCredentials));
  assert.equal(r1.status, 200);
  assert.equal(r1.headers.get("cache-control"), "no-store");
  const { access_token: at } = await r1.json();
  const me = await sb.fetch(`${S}/oauth/api/me`, { headers: { authorization: `Bearer ${at}` } });
  assert.equal(me.status, 200);
  assert.equal((await sb.fetch("/oauth/api/me", { headers: { authorization: `Bearer ${at}` } })).status, 200, "path only");
  const env = { SANDBOX_URL: "x" };
  const viaWorker = await sb.fetch(new Request(`${S}/oauth/api/me`, { headers: { authorization: `Bearer ${at}` } }), env, {});
  assert.equal(viaWorker.status, 200);
  const { fetch } = sb; // bound
  assert.equal((await fetch(new URL(`${S}/_sandbox/clock`))).status, 200);
  assert.equal(sb.stats().tokenRequests["oauth:client_credentials"], 1);
  assert.equal(sb.stats().requests, 4, "control requests are not counted");
});

test("fetch: redirects are returned, not followed; preflight and HEAD have no body; bad URLs reject", async () => {
  const sb = createSandbox();
  const q = new URLSearchParams({ response_type: "code", client_id: "sandbox-public", redirect_uri: `${S}/cb`, code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" });
  const r = await sb.fetch(`${S}/oauth/authorize?${q}`);
  assert.equal(r.status, 302);
  assert.match(r.headers.get("location"), /^\/oauth\/consent\?request=/);
  const pre = await sb.fetch(`${S}/pleo/oauth/token`, { method: "OPTIONS" });
  assert.equal(pre.status, 204);
  assert.equal(pre.body, null);
  assert.equal(pre.headers.get("access-control-max-age"), "600");
  const head = await sb.fetch(`${S}/`, { method: "HEAD" });
  assert.equal(head.body, null);
  await assert.rejects(sb.fetch("not a url"), TypeError);
  assert.equal((await sb.fetch(`${S}/nowhere`)).status, 404, "still works");
});

test("faults: injectFault/faults/clearFaults; drop rejects with TypeError; slow delays and honours AbortSignal", async () => {
  const sb = createSandbox();
  assert.deepEqual(sb.injectFault("/oauth/token", "slow", { delayMs: 300, times: 2 }), { path: "/oauth/token", kind: "slow", times: 2, delayMs: 300 });
  assert.deepEqual(sb.faults(), [{ path: "/oauth/token", kind: "slow", times: 2, delayMs: 300 }]);
  let t = Date.now();
  assert.equal((await sb.fetch(`${S}/oauth/token`, clientCredentials)).status, 200);
  assert.ok(Date.now() - t >= 290, "slow answers late");
  const ac = new AbortController();
  t = Date.now();
  setTimeout(() => ac.abort(new Error("stop")), 50);
  await assert.rejects(sb.fetch(`${S}/oauth/token`, { ...clientCredentials, signal: ac.signal }), { message: "stop" });
  assert.ok(Date.now() - t < 250, "the abort ends the wait");
  await assert.rejects(sb.fetch(`${S}/oauth/token`, { ...clientCredentials, signal: AbortSignal.abort() }), { name: "AbortError" });
  sb.injectFault("/oauth", "drop");
  await assert.rejects(sb.fetch(`${S}/oauth/token`, clientCredentials), (e) => e instanceof TypeError && e.message === "fetch failed" && /drop/.test(e.cause.message));
  sb.injectFault("/", "huge");
  assert.equal((await (await sb.fetch(`${S}/pleo/v1/expenses`)).arrayBuffer()).byteLength, 5 * 1024 * 1024);
  sb.injectFault("/", "status_503", { times: 5 });
  sb.clearFaults();
  assert.deepEqual(sb.faults(), []);
  assert.equal(sb.stats().faultsServed, 4);
  assert.throws(() => sb.injectFault("/oauth", "explode"), /400 kind must be one of/);
  assert.throws(() => sb.injectFault("/_sandbox/reset", "drop"), /must not target \/_sandbox/);
  assert.throws(() => sb.injectFault("/oauth", "slow", { delayMs: 600_001 }), /delay_ms/);
  assert.throws(() => sb.injectFault("/oauth", "drop", { times: 0 }), /times/);
});

test("consent: approve with a wallet, deny, and an authorize URL refused without a redirect", async () => {
  const sb = createSandbox();
  const q = (extra = {}) =>
    new URLSearchParams({ response_type: "code", client_id: "spendesk-client", redirect_uri: `${S}/cb?x=1`, state: "st", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", ...extra });
  const authorize = (extra) => `${S}/spendesk/v1/oauth2/authorize?${q(extra)}`;
  const ok = new URL(await sb.consent(authorize(), { wallet: "wallet-2" }));
  assert.equal(ok.origin + ok.pathname, `${S}/cb`);
  assert.equal(ok.searchParams.get("x"), "1");
  assert.equal(ok.searchParams.get("state"), "st");
  const code = ok.searchParams.get("code");
  const created = await sb.fetch(`${S}/spendesk/v1/oauth2/token/create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: "spendesk-client", client_secret: "spendesk-secret", code, code_verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" }),
  });
  assert.equal(created.status, 201);
  const { access_token } = await created.json();
  assert.equal(JSON.parse(atob(access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).wallet_id, "wallet-2");
  const denied = new URL(await sb.consent(authorize(), { decision: "deny" }));
  assert.equal(denied.searchParams.get("error"), "access_denied");
  const noPkce = new URL(await sb.consent(authorize({ code_challenge_method: "plain" })));
  assert.equal(noPkce.searchParams.get("error"), "invalid_request", "authorize errors come back on the redirect URI");
  await assert.rejects(sb.consent(authorize({ client_id: "nobody" })), /the authorize URL answered 400/);
});

test("refresh tokens, Pleo's expires_in unit, ProSpend tokens", async () => {
  const sb = createSandbox();
  const body = await (await sb.fetch(`${S}/oauth/token`, clientCredentials)).json();
  assert.equal(body.refresh_token, undefined);
  assert.equal(sb.refreshTokenState("never-issued"), "unknown");
  assert.throws(() => sb.refreshTokenState(5), TypeError);
  sb.setPleoExpiresUnit("seconds");
  assert.throws(() => sb.setPleoExpiresUnit("minutes"), /unit must be/);
  const token = sb.mintProSpendToken({ site: "acme", lifetimeSecs: 120 });
  const call = () => sb.fetch(`${S}/prospend/api/v1/expenses`, { headers: { authorization: `Bearer ${token}` } });
  const list = await (await call()).json();
  assert.equal(list.site, "acme");
  sb.advanceClock(121);
  assert.equal((await call()).status, 401, "expired on the sandbox clock");
  const other = sb.mintProSpendToken();
  sb.revokeProSpendToken(other);
  assert.equal((await sb.fetch(`${S}/prospend/api/v1/expenses`, { headers: { authorization: `Bearer ${other}` } })).status, 401);
  assert.throws(() => sb.mintProSpendToken({ site: "Not A Site" }), /site/);
});

test("garbage in: thousands of random requests never break the handler", async () => {
  const sb = createSandbox();
  let seed = 12345;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const bytes = (n) => Uint8Array.from({ length: n }, () => rand(256));
  const pick = (xs) => xs[rand(xs.length)];
  const paths = ["/oauth/token", "/pleo/oauth/token", "/spendesk/v1/oauth2/token/create", "/findity/api/oauth/token/", "/_sandbox/faults", "/_sandbox/clock", "/oauth/authorize", "/pleo/consent", "/prospend/api/v1/expenses", "/"];
  const statuses = new Set();
  for (let i = 0; i < 3000; i++) {
    const path = pick(paths) + (rand(2) ? `?${encodeURIComponent(new TextDecoder().decode(bytes(rand(40))))}=%${rand(256).toString(16)}` : "");
    const headers = { "content-type": pick(["application/json", "application/x-www-form-urlencoded", "text/plain", "é"]) };
    if (rand(2)) headers.authorization = pick(["Basic ", "Bearer ", "Basic %%%", "Bearer a.b.c", ""]) + btoa(String.fromCharCode(...bytes(rand(30))));
    const method = pick(["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "X-WEIRD"]);
    const body = method === "GET" || method === "HEAD" ? undefined : pick([bytes(rand(300)), '{"path":"/pleo","kind":"drop"}', '{"path":"/","kind":"html"', "grant_type=refresh_token&refresh_token=%ZZ", "{}"]);
    try {
      const r = await sb.fetch(`${S}${path}`, { method, headers, body });
      statuses.add(r.status);
      await r.arrayBuffer();
    } catch (e) {
      assert.ok(e instanceof TypeError && e.message === "fetch failed", String(e)); // an armed drop fault
      statuses.add("dropped");
    }
  }
  for (const s of [200, 400, 401, 405, "dropped"]) assert.ok(statuses.has(s), `${s} in ${[...statuses]}`);
  sb.clearFaults();
  assert.equal((await sb.fetch(`${S}/oauth/token`, clientCredentials)).status, 200, "still works");
});
