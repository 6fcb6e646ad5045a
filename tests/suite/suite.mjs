// The behaviour suite, one source for every runtime: Node (node:test), headless
// Chromium (a page that imports the npm package), and workerd (a Worker that
// imports it). `lib` is the imported package; `sandboxUrl` the local provider
// sandbox; `runtime` is "node" | "browser" | "workerd".
import { eq, ok, near, throwsCode, rejectsCode } from "./harness.mjs";
import { sandboxControl } from "./sandbox-client.mjs";
import { defineCatalogue } from "./catalogue.mjs";
import { defineContract } from "./contract.mjs";
import { defineOverrides } from "./overrides.mjs";
import { defineWorkerGuard } from "./worker-guard.mjs";
import { settle, stubFetch, tokenSet } from "./contract.mjs";

// RFC 7636 Appendix B.
const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const b64url = (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const jwt = (payload) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2ln`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const jsonResponse = (status, body, headers = {}) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

// The bad-input catalogue (issue 10) and the contract tests (issue 9) come
// last: the contract's re-entrancy tests are the ones that can leave a broken
// build's wasm instance unusable.
export function defineSuite(ctx) {
  return [...defineBaseSuite(ctx), ...defineOverrides(ctx), ...defineWorkerGuard(ctx), ...defineCatalogue(ctx), ...defineContract(ctx)];
}

function defineBaseSuite({ lib, sandboxUrl, runtime }) {
  const tests = [];
  const test = (name, fn) => tests.push({ name, fn });
  const S = sandboxUrl;
  const sb = sandboxControl(S);
  const redirectUri = `${S}/callback`;
  const inBrowser = runtime === "browser";
  // Client secrets in a browser page need the explicit opt-in.
  const secretOpt = inBrowser ? { allowSecretInBrowser: true } : {};

  // ------------------------------------------------------------ foundation
  test("createPkce: S256 pair from the CSPRNG, 43–128 characters", () => {
    const p = lib.createPkce();
    eq(p.codeChallengeMethod, "S256");
    eq(p.codeVerifier.length, 43, "default verifier length");
    ok(/^[A-Za-z0-9\-._~]+$/.test(p.codeVerifier), "verifier alphabet");
    eq(p.codeChallenge, lib.pkceChallenge(p.codeVerifier), "challenge");
    ok(lib.createPkce().codeVerifier !== p.codeVerifier, "fresh verifier each time");
    eq(lib.createPkce(128).codeVerifier.length, 128);
    throwsCode(() => lib.createPkce(42), "INVALID_ARGUMENT");
    throwsCode(() => lib.createPkce(129), "INVALID_ARGUMENT");
    throwsCode(() => lib.createPkce(43.5), "INVALID_ARGUMENT");
  });

  test("pkceChallenge: RFC 7636 Appendix B vector, bad verifiers refused", () => {
    eq(lib.pkceChallenge(RFC_VERIFIER), RFC_CHALLENGE);
    for (const bad of ["", "a".repeat(42), "a".repeat(129), RFC_VERIFIER.replace("-", "+"), RFC_VERIFIER.slice(0, 42) + " "])
      throwsCode(() => lib.pkceChallenge(bad), "INVALID_CODE_VERIFIER");
    const e = throwsCode(() => lib.pkceChallenge("secret-verifier-that-is-too-short"), "INVALID_CODE_VERIFIER");
    ok(!e.message.includes("secret-verifier"), "the message does not repeat the verifier");
    throwsCode(() => lib.pkceChallenge(42), "INVALID_ARGUMENT");
  });

  test("randomState and statesEqual", () => {
    const a = lib.randomState();
    eq(a.length, 43);
    ok(/^[A-Za-z0-9_-]+$/.test(a), "URL-safe");
    ok(a !== lib.randomState(), "random");
    eq(lib.statesEqual(a, a), true);
    eq(lib.statesEqual(a, a.slice(1)), false);
  });

  test("buildAuthorizationUrl: encoding, order, refusals", () => {
    const url = lib.buildAuthorizationUrl({
      authorizationEndpoint: "https://idp.example/authorize?tenant=t1",
      clientId: "my client",
      redirectUri: "https://app.example/cb?x=1",
      scopes: ["export:read", "export:write"],
      state: "s/1",
      codeChallenge: RFC_CHALLENGE,
      extraParams: { prompt: "consent" },
    });
    eq(
      url,
      "https://idp.example/authorize?tenant=t1&response_type=code&client_id=my%20client&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1" +
        `&scope=export%3Aread%20export%3Awrite&state=s%2F1&code_challenge=${RFC_CHALLENGE}&code_challenge_method=S256&prompt=consent`,
    );
    const u = new URL(url);
    eq(u.searchParams.get("scope"), "export:read export:write");
    eq(u.searchParams.get("redirect_uri"), "https://app.example/cb?x=1");
    const base = { authorizationEndpoint: "https://idp.example/a", clientId: "c", codeChallenge: RFC_CHALLENGE };
    ok(lib.buildAuthorizationUrl({ ...base, redirectUri: "http://127.0.0.1:8080/cb" }).includes("127.0.0.1"), "loopback http allowed");
    throwsCode(() => lib.buildAuthorizationUrl({ ...base, authorizationEndpoint: "http://idp.example/a" }), "INSECURE_URL");
    throwsCode(() => lib.buildAuthorizationUrl({ ...base, redirectUri: "http://app.example/cb" }), "INSECURE_URL");
    throwsCode(() => lib.buildAuthorizationUrl({ ...base, redirectUri: "https://app.example/cb#x" }), "INVALID_URL");
    throwsCode(() => lib.buildAuthorizationUrl({ ...base, extraParams: { state: "x" } }), "DUPLICATE_PARAMETER");
    throwsCode(() => lib.buildAuthorizationUrl({ ...base, codeChallenge: "plain" }), "INVALID_ARGUMENT");
    throwsCode(() => lib.buildAuthorizationUrl({ ...base, clientId: 7 }), "INVALID_ARGUMENT");
    throwsCode(() => lib.buildAuthorizationUrl(null), "INVALID_ARGUMENT");
    throwsCode(() => lib.buildAuthorizationUrl("https://idp.example"), "INVALID_ARGUMENT");
  });

  test("provider authorize URLs: Pleo and Spendesk presets", () => {
    const common = { clientId: "c", redirectUri: "https://app.example/cb", state: "s", codeChallenge: RFC_CHALLENGE };
    ok(lib.pleoAuthorizationUrl({ ...common, scopes: "export:read export:write" }).startsWith("https://auth.pleo.io/oauth/authorize?response_type=code&client_id=c"), "pleo prod");
    ok(lib.pleoAuthorizationUrl({ ...common, environment: "staging" }).startsWith("https://auth.staging.pleo.io/oauth/authorize?"), "pleo staging");
    ok(lib.spendeskAuthorizationUrl(common).startsWith("https://public-api.spendesk.com/v1/oauth2/authorize?"), "spendesk prod");
    ok(lib.spendeskAuthorizationUrl({ ...common, environment: "sandbox" }).startsWith("https://sandbox-public-api.spendesk.com/v1/oauth2/authorize?"), "spendesk sandbox");
    ok(lib.spendeskAuthorizationUrl({ ...common, baseUrl: "http://127.0.0.1:9/spendesk" }).startsWith("http://127.0.0.1:9/spendesk/v1/oauth2/authorize?"), "override: /v1 is appended to the host root");
    throwsCode(() => lib.pleoAuthorizationUrl({ ...common, environment: "sandbox" }), "INVALID_ARGUMENT");
    throwsCode(() => lib.spendeskAuthorizationUrl({ ...common, redirectUri: "http://app.example/cb" }), "INSECURE_URL");
  });

  test("parseCallback: code, state check, error=, duplicates", () => {
    eq(lib.parseCallback("https://app.example/cb?code=abc&state=xyz", "xyz").code, "abc");
    eq(lib.parseCallback("?code=a%20b&state=xyz", "xyz").code, "a b");
    eq(lib.parseCallback("code=abc", null).state, undefined);
    throwsCode(() => lib.parseCallback("https://app.example/cb?code=abc&state=evil", "xyz"), "STATE_MISMATCH");
    throwsCode(() => lib.parseCallback("https://app.example/cb?code=abc", "xyz"), "MISSING_STATE");
    throwsCode(() => lib.parseCallback("https://app.example/cb?state=xyz", "xyz"), "MISSING_CODE");
    throwsCode(() => lib.parseCallback("https://app.example/cb?code=a&code=b&state=xyz", "xyz"), "DUPLICATE_PARAMETER");
    throwsCode(() => lib.parseCallback("https://app.example/cb?code=a", undefined), "INVALID_ARGUMENT");
    const e = throwsCode(
      () => lib.parseCallback("https://app.example/cb?error=access_denied&error_description=User+declined&error_uri=https%3A%2F%2Fd&state=xyz", "xyz"),
      "AUTHORIZATION_ERROR",
    );
    eq(e.error, "access_denied");
    eq(e.errorDescription, "User declined");
    eq(e.errorUri, "https://d");
  });

  test("decodeJwtUnverified and spendeskWalletId", () => {
    const token = jwt({ sub: "u1", exp: 1893456000, iat: 1893452400, wallet_id: "w-1", company_id: 77 });
    const p = lib.decodeJwtUnverified(token);
    eq(p.sub, "u1");
    eq(p.exp, 1893456000);
    eq(p.wallet_id, "w-1");
    const [h, pl, sig] = token.split(".");
    eq(lib.decodeJwtUnverified(`${h}.${pl}${"=".repeat((4 - (pl.length % 4)) % 4)}.${sig}`).sub, "u1", "padded base64url");
    eq(lib.spendeskWalletId(token), "w-1");
    eq(lib.spendeskWalletId(token, "company_id"), "77");
    throwsCode(() => lib.spendeskWalletId(token, "nope"), "MISSING_CLAIM");
    throwsCode(() => lib.spendeskWalletId(jwt({ sub: "x" })), "MISSING_CLAIM");
    ok(lib.spendeskWalletClaims()[0] === "wallet_id", "documented claim order");
    const malformed = ["", "abc", "a.b", "a.b.c.d.e", "e30.***.x", `e30.${b64url("not json")}.x`, `e30.${b64url("[1]")}.x`, "x".repeat(70000), `${b64url("[]")}.e30.x`];
    for (const m of malformed) throwsCode(() => lib.decodeJwtUnverified(m), "INVALID_JWT");
    throwsCode(() => lib.decodeJwtUnverified(undefined), "INVALID_ARGUMENT");
  });

  test("parseTokenResponse: Pleo expires_in in seconds or milliseconds", () => {
    const now = 1_700_000_000_000;
    const body = (n) => JSON.stringify({ access_token: "a", token_type: "Bearer", expires_in: n, refresh_token: "r", scope: "scope1+scope2" });
    eq(lib.parseTokenResponse({ status: 200, body: body(600), provider: "pleo", now }).expiresAt, now + 600_000, "600 s");
    eq(lib.parseTokenResponse({ status: 200, body: body(600000), provider: "pleo", grant: "refresh_token", now }).expiresAt, now + 600_000, "600000 ms");
    // pleo-quickstart.txt shows "scope1+scope2..." on the refresh answer only.
    eq(lib.parseTokenResponse({ status: 200, body: body(600000), provider: "pleo", grant: "refresh_token", now }).scope, "scope1 scope2");
    eq(lib.parseTokenResponse({ status: 200, body: body(600), provider: "pleo", now }).scope, "scope1+scope2", "exchange answers keep +");
    eq(lib.parseTokenResponse({ status: 200, body: body(600000), now }).expiresAt, now + 600_000_000, "RFC servers: seconds");
    const e = throwsCode(() => lib.parseTokenResponse({ status: 400, body: '{"error":"invalid_grant"}', grant: "refresh_token" }), "RECONNECT_REQUIRED");
    eq(e.status, 400);
    eq(e.error, "invalid_grant");
  });

  test("errors are Error objects with stable codes, and the module keeps working", () => {
    for (let i = 0; i < 200; i++) {
      throwsCode(() => lib.decodeJwtUnverified("bad"), "INVALID_JWT");
      throwsCode(() => lib.pkceChallenge("x"), "INVALID_CODE_VERIFIER");
      throwsCode(() => lib.parseCallback("?", "s"), "MISSING_STATE");
    }
    eq(lib.pkceChallenge(RFC_VERIFIER), RFC_CHALLENGE);
  });

  // ------------------------------------------------------------ transport paths
  // The transport makes an AbortController, a timer and a race only when
  // something can end a request early: the time limit, the caller's signal;
  // the race only for a `fetch` option (it may ignore its signal).
  const API = "https://api.example/v1/me";
  const session = (extra) => new lib.TokenSession({ renew: async () => tokenSet("r"), tokens: tokenSet("0"), ...extra });
  const hung = () => new Promise(() => {}); // ignores its signal too
  /** Rejects with `code` within `ms` (a hang fails the test). */
  const rejectsWithin = async (p, code, ms, what) => {
    const t0 = Date.now();
    const r = await settle(p, ms);
    ok(r.status === "rejected", `${what}: ${r.status === "hung" ? `not settled within ${ms} ms` : "succeeded"}`);
    await rejectsCode(Promise.reject(r.reason), code);
    return Date.now() - t0;
  };

  test("session.fetch with timeoutMs 0 and no signal: the bearer is sent, fetch's Response comes back as it is", async () => {
    for (const timeoutMs of [0, Infinity, undefined]) {
      const answer = new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
      const api = stubFetch(() => answer);
      const s = session({ fetch: api, timeoutMs });
      const what = `timeoutMs ${timeoutMs}`;
      ok((await s.fetch(API)) === answer, `${what}: the Response itself`);
      eq(api.calls[0].headers.get("authorization"), "Bearer at-0", `${what}: bearer`);
      // The caller's headers are kept and their authorization replaced; the caller's object is not changed.
      const init = { method: "POST", body: "x", headers: { accept: "application/json", Authorization: "Bearer other" } };
      ok((await s.fetch(new URL(API), init)) === answer, `${what}: the Response itself, with headers`);
      eq(api.calls[1].headers.get("authorization"), "Bearer at-0", `${what}: bearer over the caller's`);
      eq(api.calls[1].headers.get("accept"), "application/json", `${what}: the caller's header`);
      eq(api.calls[1].method, "POST", `${what}: method`);
      eq(api.calls[1].body, "x", `${what}: body`);
      eq(init.headers.Authorization, "Bearer other", `${what}: the caller's init is unchanged`);
      eq(Object.keys(init.headers).length, 2, `${what}: the caller's headers are unchanged`);
      // Failures are still coded: the runtime's error only as the cause, a non-Response refused.
      const boom = new TypeError("fetch failed: GET https://api.example/v1/me authorization: Bearer at-0");
      const e = await rejectsCode(session({ fetch: async () => { throw boom; }, timeoutMs }).fetch(API), "NETWORK_ERROR");
      ok(e.cause === boom && !e.message.includes("at-0"), `${what}: cause, and no token in the message`);
      await rejectsCode(session({ fetch: async () => ({}), timeoutMs }).fetch(API), "INVALID_RESPONSE");
      await rejectsCode(session({ fetch: async () => undefined, timeoutMs }).fetch(API), "INVALID_RESPONSE");
      // ProSpend.fetch takes the same path.
      const psToken = jwt({ sub: "u", site: "acme", exp: Math.floor(Date.now() / 1000) + 86_400 });
      const ps = new lib.ProSpend({ token: psToken, fetch: api, timeoutMs });
      ok((await ps.fetch("/api/v1/expenses")) === answer, `${what}: ProSpend.fetch hands back the Response`);
      eq(api.calls[2].headers.get("authorization"), `Bearer ${psToken}`, `${what}: ProSpend bearer`);
    }
  });

  test("session.fetch: a token that cannot go into a header is refused before any request", async () => {
    for (const timeoutMs of [0, undefined]) {
      const api = stubFetch(() => new Response("{}"));
      const s = session({ fetch: api, timeoutMs, tokens: { ...tokenSet("0"), accessToken: "a\r\nX-Injected: 1" } });
      await rejectsCode(s.fetch(API), "INVALID_ARGUMENT");
      await rejectsCode(s.fetch(API, { headers: { accept: "*/*" } }), "INVALID_ARGUMENT");
      await rejectsCode(s.fetch(API), "INVALID_ARGUMENT"); // again: the check is not skipped the second time
      eq(api.calls.length, 0, `timeoutMs ${timeoutMs}: no request`);
      s.setTokens(tokenSet("1"));
      eq((await s.fetch(API)).status, 200, "a valid token afterwards");
      eq(api.calls[0].headers.get("authorization"), "Bearer at-1");
    }
  });

  test("a fetch option that never settles: TIMEOUT with a time limit, ABORTED on the caller's signal without one", async () => {
    const s = session({ fetch: hung, timeoutMs: 50 });
    ok((await rejectsWithin(s.fetch(API), "TIMEOUT", 1500, "session.fetch, timeoutMs 50")) >= 30, "not before the time limit");
    for (const timeoutMs of [0, 60_000]) {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await rejectsWithin(session({ fetch: hung, timeoutMs }).fetch(API, { signal: ac.signal }), "ABORTED", 1500, `session.fetch, timeoutMs ${timeoutMs}, aborted`);
      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(), 50);
      const c = new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", clientSecret: "s", fetch: hung, timeoutMs, ...secretOpt });
      await rejectsWithin(c.clientCredentials({ signal: ac2.signal }), "ABORTED", 1500, `clientCredentials, timeoutMs ${timeoutMs}, aborted`);
    }
  });

  test("token endpoint with no time limit and no signal: the body is still capped while it streams", async () => {
    const token = JSON.stringify({ access_token: "at-x", token_type: "Bearer", expires_in: 3600 });
    const big = 300 * 1024;
    // A body that never ends unless it is cancelled: the cap must stop reading it.
    const endless = () => {
      let sent = 0;
      const chunk = new Uint8Array(16 * 1024).fill(32);
      return new ReadableStream({ pull(c) { sent += chunk.length; c.enqueue(chunk); if (sent > 64 * big) c.close(); } });
    };
    const answers = [
      ["streamed", () => new Response(endless(), { status: 200, headers: { "content-type": "application/json" } }), "RESPONSE_TOO_LARGE"],
      ["content-length", () => new Response(" ".repeat(big), { status: 200, headers: { "content-type": "application/json", "content-length": String(big) } }), "RESPONSE_TOO_LARGE"],
      ["small", () => new Response(token, { status: 200, headers: { "content-type": "application/json" } }), null],
    ];
    for (const [what, make, code] of answers) {
      const c = new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", clientSecret: "s", fetch: async () => make(), timeoutMs: 0, ...secretOpt });
      const r = await settle(c.clientCredentials(), 5000);
      ok(r.status !== "hung", `${what}: settled`);
      if (code) await rejectsCode(Promise.reject(r.reason), code);
      else eq(r.value?.accessToken, "at-x", `${what}: token`);
    }
  });

  if (!S) return tests;

  // ------------------------------------------------------------ flows
  const oauth = (extra = {}) =>
    new lib.OAuth2Client({
      authorizationEndpoint: `${S}/oauth/authorize`,
      tokenEndpoint: `${S}/oauth/token`,
      clientId: "sandbox-client",
      clientSecret: "sandbox-secret",
      redirectUri,
      ...secretOpt,
      ...extra,
    });
  const pleo = (extra = {}) =>
    new lib.Pleo({ clientId: "pleo-client", clientSecret: "pleo-secret", redirectUri, baseUrl: `${S}/pleo`, apiBaseUrl: `${S}/pleo`, scopes: ["export:read"], ...secretOpt, ...extra });
  const spendesk = (extra = {}) =>
    new lib.Spendesk({ clientId: "spendesk-client", clientSecret: "spendesk-secret", redirectUri, baseUrl: `${S}/spendesk`, ...secretOpt, ...extra });
  const findity = (extra = {}) => new lib.Findity({ clientId: "findity-client", clientSecret: "findity-secret", baseUrl: `${S}/findity`, ...secretOpt, ...extra });

  async function connect(client, consentOpts) {
    const auth = client.authorizationUrl();
    ok(auth.url.includes("code_challenge_method=S256"), "PKCE in the authorize URL");
    ok(!auth.url.includes(auth.codeVerifier), "the verifier is not in the URL");
    const callback = await sb.consent(auth.url, consentOpts);
    const { code } = lib.parseCallback(callback, auth.state);
    return client.exchangeCode(code, auth.codeVerifier);
  }

  test("generic OAuth 2.0: code + PKCE, Basic auth, API call, rotating refresh", async () => {
    await sb.reset();
    const c = oauth();
    const t0 = Date.now();
    const t = await connect(c);
    eq(t.tokenType, "Bearer");
    near(t.expiresAt, t0 + 3_600_000, 10_000, "expiresAt");
    ok(typeof t.refreshToken === "string" && t.raw.access_token === t.accessToken, "token set shape");
    const api = await fetch(`${S}/oauth/api/me`, { headers: { authorization: `Bearer ${t.accessToken}` } });
    eq(api.status, 200);
    const t2 = await c.refresh(t.refreshToken);
    ok(t2.refreshToken !== t.refreshToken && t2.accessToken !== t.accessToken, "rotated");
    eq(await sb.refreshState(t.refreshToken), "used");
    await rejectsCode(c.refresh(t.refreshToken), "RECONNECT_REQUIRED");
  });

  test("generic OAuth 2.0: client_secret_post, public client, client credentials, bad verifier", async () => {
    await sb.reset();
    const post = oauth({ clientAuth: "post" });
    const t = await connect(post);
    ok(t.accessToken, "post auth works");
    const pub = new lib.OAuth2Client({ authorizationEndpoint: `${S}/oauth/authorize`, tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-public", redirectUri });
    ok((await connect(pub)).accessToken, "public client with PKCE works");
    const cc = await oauth().clientCredentials({ scopes: ["read"] });
    eq(cc.refreshToken, undefined);
    const auth = post.authorizationUrl();
    const { code } = lib.parseCallback(await sb.consent(auth.url), auth.state);
    const e = await rejectsCode(post.exchangeCode(code, lib.createPkce().codeVerifier), "OAUTH_ERROR");
    eq(e.error, "invalid_grant");
    eq(e.status, 400);
    const denied = post.authorizationUrl();
    const cb = await sb.consent(denied.url, { decision: "deny" });
    eq(throwsCode(() => lib.parseCallback(cb, denied.state), "AUTHORIZATION_ERROR").error, "access_denied");
  });

  test("Spendesk OAuth2: wallet choice, 201 without expires_in, JWT wallet ID, rotation, 401 → reconnect", async () => {
    await sb.reset();
    const c = spendesk();
    const t0 = Date.now();
    const t = await connect(c, { wallet: "wallet-2" });
    near(t.expiresAt, t0 + 3_600_000, 10_000, "expiresAt from the JWT exp");
    eq(t.walletId, "wallet-2");
    eq(lib.spendeskWalletId(t.accessToken), "wallet-2");
    eq(c.walletId(t.accessToken), "wallet-2");
    const session = new lib.TokenSession({ client: c, tokens: t });
    const r = await session.fetch(`${S}/spendesk/v1/wallet-summary`);
    eq(r.status, 200);
    eq((await r.json()).wallet_id, "wallet-2");
    const t2 = await c.refresh(t.refreshToken);
    eq(t2.walletId, "wallet-2");
    eq(await sb.refreshState(t.refreshToken), "used");
    const e = await rejectsCode(c.refresh(t.refreshToken), "RECONNECT_REQUIRED");
    eq(e.status, 401);
    ok(typeof e.error === "string", "Spendesk errors[0].code is exposed as error");
  });

  test("Spendesk API key: Basic base64(id:secret), renew through a session", async () => {
    await sb.reset();
    const c = new lib.Spendesk({ apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret", baseUrl: `${S}/spendesk`, ...secretOpt });
    const t = await c.apiKeyToken();
    ok(t.accessToken && !t.refreshToken, "access token only");
    let now = Date.now();
    const session = new lib.TokenSession({ client: c, renew: () => c.apiKeyToken(), tokens: t, now: () => now });
    // Expired by the session's clock. The renewed token's expiry comes from
    // the real clock and must lie after this fake "now" (a token that arrives
    // already expired is refused), so let the real clock move on first.
    await sleep(20);
    now = t.expiresAt + 1;
    const a2 = await session.getAccessToken();
    ok(a2 !== t.accessToken, "renewed with the API key");
    const bad = new lib.Spendesk({ apiKeyId: "spendesk-key-id", apiKeySecret: "wrong", baseUrl: `${S}/spendesk`, ...secretOpt });
    const e = await rejectsCode(bad.apiKeyToken(), "OAUTH_ERROR");
    eq(e.status, 401);
  });

  test("Pleo: Basic client auth, expires_in seconds then milliseconds, rotation, reuse revokes the authorisation", async () => {
    await sb.reset();
    const c = pleo();
    const t0 = Date.now();
    const t = await connect(c);
    near(t.expiresAt, t0 + 600_000, 10_000, "exchange: 600 s");
    const t2 = await c.refresh(t.refreshToken);
    near(t2.expiresAt, Date.now() + 600_000, 10_000, "refresh: 600000 ms is still 10 minutes");
    ok(t2.refreshToken !== t.refreshToken, "rotated");
    const api = await new lib.TokenSession({ client: c, tokens: t2 }).fetch(`${c.apiBaseUrl}/v1/expenses`);
    eq(api.status, 200);
    eq(pleo({ apiBaseUrl: `${S}/pleo/` }).apiBaseUrl, `${S}/pleo`, "apiBaseUrl without a trailing /, as for the other providers");
    await rejectsCode(c.refresh(t.refreshToken), "RECONNECT_REQUIRED");
    // Pleo: reusing an old refresh token revokes the whole authorisation.
    await rejectsCode(c.refresh(t2.refreshToken), "RECONNECT_REQUIRED");
  });

  test("Findity: client credentials, single-use refresh, user token via authorization grant", async () => {
    await sb.reset();
    const c = findity();
    const org = await c.clientCredentials();
    eq(org.tokenType, "Bearer");
    ok(org.refreshToken, "Findity's client-credentials answer carries a refresh token");
    const r2 = await c.refresh(org.refreshToken);
    ok(r2.accessToken && r2.refreshToken !== org.refreshToken, "refreshed");
    await rejectsCode(c.refresh(org.refreshToken), "RECONNECT_REQUIRED");
    const code = await c.authorizationGrant(org.accessToken, "user-42");
    ok(typeof code === "string" && code.length > 0, "code");
    const user = await c.exchangeCode(code);
    eq(lib.decodeJwtUnverified(user.accessToken).sub, "user-42");
    const viaHelper = await c.userToken(org.accessToken, "user-43");
    eq(lib.decodeJwtUnverified(viaHelper.accessToken).sub, "user-43");
    const me = await fetch(`${S}/findity/api/v1/me`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    eq(me.status, 200);
    eq((await rejectsCode(c.authorizationGrant("not-a-token", "user-1"), "OAUTH_ERROR")).status, 401);
  });

  test("ProSpend: static JWT, expiry, https only, revocation", async () => {
    await sb.reset();
    const token = await sb.prospendToken({ site: "acme" });
    const p = new lib.ProSpend({ token, apiBaseUrl: `${S}/prospend` });
    near(p.expiresAt, Date.now() + 2 * 365 * 86_400_000, 3 * 86_400_000, "about two years");
    eq(p.tokenSet().accessToken, token);
    eq((await p.fetch("/api/v1/expenses")).status, 200);
    const expired = await sb.prospendToken({ lifetime_secs: 60 });
    await sb.advance(120);
    eq((await new lib.ProSpend({ token, apiBaseUrl: `${S}/prospend` }).fetch("/api/v1/expenses")).status, 200);
    // The sandbox clock moved, the client's did not: the API refuses the expired token.
    eq((await new lib.ProSpend({ token: expired, apiBaseUrl: `${S}/prospend` }).fetch("/api/v1/expenses")).status, 401);
    throwsCode(() => new lib.ProSpend({ token: jwt({ exp: 1_000_000 }) }), "TOKEN_EXPIRED");
    throwsCode(() => new lib.ProSpend({ token: "opaque-token" }), "INVALID_JWT");
    throwsCode(() => new lib.ProSpend({ token, apiBaseUrl: "http://api.prospend.example" }), "INSECURE_URL");
    await sb.prospendRevoke(token);
    eq((await p.fetch("/api/v1/expenses")).status, 401);
  });

  test("TokenSession: 50 concurrent callers on an expired session make exactly one refresh", async () => {
    await sb.reset();
    const c = pleo();
    const t = await connect(c);
    let now = Date.now();
    const stored = [];
    const session = new lib.TokenSession({
      client: c,
      tokens: t,
      now: () => now,
      onTokens: async (ts) => {
        await sleep(20);
        stored.push(ts.refreshToken);
      },
    });
    eq(await session.getAccessToken(), t.accessToken, "valid token returned as is");
    now = t.expiresAt - 30_000; // inside the default 60 s skew: refresh ahead of expiry
    const before = (await sb.stats()).token_requests["pleo:refresh_token"] ?? 0;
    const tokens = await Promise.all(Array.from({ length: 50 }, () => session.getAccessToken()));
    const after = (await sb.stats()).token_requests["pleo:refresh_token"] ?? 0;
    eq(after - before, 1, "refresh requests");
    ok(tokens.every((x) => x === tokens[0]), "every caller gets the same token");
    ok(tokens[0] !== t.accessToken, "a new token");
    eq(stored.length, 1, "onTokens calls");
    eq(stored[0], session.tokens.refreshToken, "the store holds the new refresh token");
    // Rotation safety: the old refresh token is rejected by the sandbox.
    eq(await sb.refreshState(t.refreshToken), "used");
    eq(await sb.refreshState(stored[0]), "valid");
  });

  test("TokenSession: reconnect required is sticky and costs no request", async () => {
    await sb.reset();
    const c = oauth();
    const t = await connect(c);
    await c.refresh(t.refreshToken); // rotates: t.refreshToken is now dead
    let now = Date.now();
    const session = new lib.TokenSession({ client: c, tokens: t, now: () => now });
    now = t.expiresAt + 1;
    const e = await rejectsCode(session.getAccessToken(), "RECONNECT_REQUIRED");
    eq(e.error, "invalid_grant");
    eq(session.reconnectRequired, true);
    const before = (await sb.stats()).token_requests["oauth:refresh_token"];
    await rejectsCode(session.getAccessToken(), "RECONNECT_REQUIRED");
    eq((await sb.stats()).token_requests["oauth:refresh_token"], before, "no request after the first refusal");
    now = Date.now(); // back to the real clock, which the new tokens' expiry is based on
    session.setTokens(await connect(c));
    eq(session.reconnectRequired, false);
    ok(await session.getAccessToken(), "works after reconnecting");
  });

  test("TokenSession.fetch: a 401 refreshes once and retries once", async () => {
    await sb.reset();
    const c = oauth();
    const t = await connect(c);
    const session = new lib.TokenSession({ client: c, tokens: t });
    eq((await session.fetch(`${S}/oauth/api/me`)).status, 200);
    await sb.advance(3601); // the server now sees the access token as expired; the client does not
    const before = (await sb.stats()).token_requests["oauth:refresh_token"] ?? 0;
    const r = await session.fetch(new URL(`${S}/oauth/api/me`), { headers: { accept: "application/json" } });
    eq(r.status, 200);
    eq((await sb.stats()).token_requests["oauth:refresh_token"] - before, 1, "one refresh");
    const alwaysUnauthorized = new lib.TokenSession({
      client: c,
      tokens: session.tokens,
      fetch: async () => new Response("no", { status: 401 }),
    });
    await rejectsCode(alwaysUnauthorized.fetch(`${S}/oauth/api/me`), "UNAUTHORIZED");
  });

  test("TokenSession: a failing store gives STORE_FAILED, and the tokens are offered again", async () => {
    await sb.reset();
    const c = oauth();
    const t = await connect(c);
    let now = Date.now();
    let fail = true;
    const stored = [];
    const session = new lib.TokenSession({
      client: c,
      tokens: t,
      now: () => now,
      onTokens: async (ts) => {
        if (fail) throw new Error("database down");
        stored.push(ts.refreshToken);
      },
    });
    now = t.expiresAt;
    await rejectsCode(session.getAccessToken(), "STORE_FAILED");
    fail = false;
    now = Date.now(); // back to the present: the new token is valid
    const before = (await sb.stats()).token_requests["oauth:refresh_token"];
    const a = await session.getAccessToken();
    eq((await sb.stats()).token_requests["oauth:refresh_token"], before, "no second refresh");
    eq(stored.length, 1);
    eq(stored[0], session.tokens.refreshToken);
    eq(a, session.tokens.accessToken);
  });

  test("failures: 5xx, HTML, non-JSON, huge body, dropped connection", async () => {
    await sb.reset();
    const c = oauth();
    const cases = [
      ["status_500", "SERVER_ERROR"],
      ["status_503", "SERVER_ERROR"],
      ["html", "INVALID_RESPONSE"],
      ["not_json", "INVALID_RESPONSE"],
      ["huge", "RESPONSE_TOO_LARGE"],
      ["drop", "NETWORK_ERROR"],
    ];
    for (const [kind, code] of cases) {
      // Chromium's network stack re-sends a request once when a reused
      // keep-alive connection closes without an answer; drop that one too.
      await sb.fault("/oauth/token", kind, { times: kind === "drop" ? 3 : 1 });
      await rejectsCode(c.clientCredentials(), code);
    }
    await sb.clearFaults();
    ok((await c.clientCredentials()).accessToken, "works again afterwards");
  });

  test("session.fetch over the global fetch: TIMEOUT, ABORTED mid-flight, and no time limit", async () => {
    await sb.reset();
    const c = oauth();
    const t = await connect(c);
    const me = `${S}/oauth/api/me`;
    // No time limit and no signal: nothing but fetch itself.
    eq((await new lib.TokenSession({ client: c, tokens: t, timeoutMs: 0 }).fetch(me)).status, 200, "timeoutMs 0");
    // The time limit ends the global fetch through its signal alone (no race).
    await sb.fault("/oauth/api/me", "slow", { delay_ms: 2000 });
    const took = await rejectsWithin(new lib.TokenSession({ client: c, tokens: t, timeoutMs: 200 }).fetch(me), "TIMEOUT", 1500, "timeoutMs 200");
    ok(took >= 150, `not before the time limit (${took} ms)`);
    // The caller's signal aborted while the request is in flight, with the default limit and with none.
    for (const timeoutMs of [undefined, 0]) {
      await sb.fault("/oauth/api/me", "slow", { delay_ms: 2000 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const s = new lib.TokenSession({ client: c, tokens: t, timeoutMs });
      await rejectsWithin(s.fetch(me, { signal: ac.signal }), "ABORTED", 1500, `timeoutMs ${timeoutMs}, aborted`);
    }
    await sb.clearFaults();
    eq((await new lib.TokenSession({ client: c, tokens: t }).fetch(me)).status, 200, "works afterwards");
  });

  test("failures: timeout, AbortSignal, refused connection, redirects", async () => {
    await sb.reset();
    await sb.fault("/oauth/token", "slow", { delay_ms: 2000 });
    await rejectsCode(oauth({ timeoutMs: 200 }).clientCredentials(), "TIMEOUT");
    await sb.fault("/oauth/token", "slow", { delay_ms: 2000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await rejectsCode(oauth().clientCredentials({ signal: ac.signal }), "ABORTED");
    const pre = new AbortController();
    pre.abort();
    await rejectsCode(oauth().clientCredentials({ signal: pre.signal }), "ABORTED");
    await sb.clearFaults();
    const closed = new lib.OAuth2Client({ tokenEndpoint: "http://127.0.0.1:9/token", clientId: "c", clientSecret: "s", ...secretOpt });
    await rejectsCode(closed.clientCredentials(), "NETWORK_ERROR");
    const redirecting = oauth({ fetch: async () => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } }) });
    await rejectsCode(redirecting.clientCredentials(), "UNEXPECTED_REDIRECT");
  });

  test("failures: missing access_token, wrong token_type, OAuth error bodies, secrets never in messages", async () => {
    const answer = (status, body) => oauth({ fetch: async () => jsonResponse(status, body) });
    await rejectsCode(answer(200, { token_type: "Bearer" }).clientCredentials(), "INVALID_RESPONSE");
    await rejectsCode(answer(200, { access_token: "a", token_type: "DPoP" }).clientCredentials(), "INVALID_RESPONSE");
    await rejectsCode(answer(200, { access_token: "a" }).clientCredentials(), "INVALID_RESPONSE");
    const e = await rejectsCode(answer(400, { error: "invalid_scope", error_description: "no such scope" }).clientCredentials(), "OAUTH_ERROR");
    eq(e.status, 400);
    eq(e.error, "invalid_scope");
    eq(e.errorDescription, "no such scope");
    const r = await rejectsCode(answer(400, { error: "invalid_grant" }).refresh("REFRESH-SECRET-123"), "RECONNECT_REQUIRED");
    ok(!r.message.includes("REFRESH-SECRET-123") && !r.message.includes("sandbox-secret"), "no secret in the message");
    await rejectsCode(answer(404, "<html>nope</html>").clientCredentials(), "HTTP_ERROR");
  });

  test("client secrets in a browser page need an explicit opt-in", () => {
    const opts = { tokenEndpoint: `${S}/oauth/token`, clientId: "c", clientSecret: "s" };
    if (inBrowser) {
      throwsCode(() => new lib.OAuth2Client(opts), "SECRET_IN_BROWSER");
      throwsCode(() => new lib.Pleo({ clientId: "c", clientSecret: "s", redirectUri }), "SECRET_IN_BROWSER");
      ok(new lib.OAuth2Client({ ...opts, allowSecretInBrowser: true }), "opt-in");
    } else {
      ok(new lib.OAuth2Client(opts), "servers may hold secrets");
    }
    ok(new lib.OAuth2Client({ tokenEndpoint: `${S}/oauth/token`, clientId: "public" }), "public clients are fine anywhere");
  });

  test("bad constructor input gives coded errors", () => {
    throwsCode(() => new lib.OAuth2Client({ clientId: "c" }), "INVALID_ARGUMENT");
    throwsCode(() => new lib.OAuth2Client({ tokenEndpoint: "http://idp.example/token", clientId: "c" }), "INSECURE_URL");
    throwsCode(() => new lib.OAuth2Client({ tokenEndpoint: `${S}/t`, clientId: "c", clientAuth: "basic" }), "INVALID_ARGUMENT");
    throwsCode(() => new lib.Pleo({ clientId: "c", environment: "prod" }), "INVALID_ARGUMENT");
    throwsCode(() => new lib.TokenSession({}), "INVALID_ARGUMENT");
    throwsCode(() => new lib.TokenSession({ client: {}, tokens: { accessToken: 5 } }), "INVALID_ARGUMENT");
    eq(lib.pkceChallenge(RFC_VERIFIER), RFC_CHALLENGE, "still working");
  });

  return tests;
}
