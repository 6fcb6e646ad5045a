// The JS contract of issue 9 (/work/api-contract.md), as behaviour tests that
// run in every runtime of the suite (Node, Chromium, Vite, workerd, ...).
// `defineContract({ lib, sandboxUrl, runtime })` returns `{ name, fn }` tests.
//
// Almost everything here runs against stub `fetch` functions that answer with
// `new Response(...)` (no server needed, hosts like https://idp.example are
// never contacted); the sandbox is used only where a provider's behaviour is
// the point. Clocks are faked through the `now` option; timeouts are tens of
// milliseconds. Every await on the library goes through `within()`, so a hang
// (a deadlock, a wedged session, a timer that never fires) fails the test
// instead of stalling the runner.
//
// Expected values come from the contract, the RFCs and the provider docs
// (/work/shared/provider-docs/), not from what a build happens to do.
import { eq, ok } from "./harness.mjs";

// ------------------------------------------------------------------ helpers

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b64url = (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const jwt = (payload) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2ln`;
export const jsonResponse = (status, body, headers = {}) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const describe = (e) =>
  e instanceof Error ? `${e.name}${e.code ? ` [${e.code}]` : ""}: ${e.message}` : `${typeof e} ${String(e)}`;

/** Settles `p` or gives up after `ms`: { status: "fulfilled" | "rejected" | "hung", value | reason }. */
export function settle(p, ms = 2000) {
  let timer;
  const hung = new Promise((r) => (timer = setTimeout(() => r({ status: "hung" }), ms)));
  const done = Promise.resolve(p).then(
    (value) => ({ status: "fulfilled", value }),
    (reason) => ({ status: "rejected", reason }),
  );
  return Promise.race([done, hung]).finally(() => clearTimeout(timer));
}

/** Awaits `p`, failing the test if it does not settle within `ms`. */
export async function within(p, ms = 2000, what = "the call") {
  const r = await settle(p, ms);
  if (r.status === "hung") throw new Error(`${what} did not settle within ${ms} ms`);
  if (r.status === "rejected") throw r.reason;
  return r.value;
}

/** Calls `fn` and records what it did: { sync: "threw" | "returned", promise?, error?, value? }. */
function call(fn) {
  try {
    const v = fn();
    if (v && typeof v.then === "function") {
      v.then(null, () => {}); // handled here; the test inspects it later
      return { sync: "returned", promise: v };
    }
    return { sync: "returned", value: v };
  } catch (error) {
    return { sync: "threw", error };
  }
}

/** Assertions on the package's errors, bound to `lib` (for the error class). */
export function errorChecks(lib) {
  const codesOf = (c) => (Array.isArray(c) ? c : [c]);
  /** `e` is an ExpenseAuthError with one of `codes` (any code when `codes` is "ANY"). */
  function expectCoded(e, codes, what = "error") {
    const want = codes === "ANY" ? "a coded error" : codesOf(codes).join(" or ");
    if (!(e instanceof Error)) throw new Error(`${what}: expected ${want}, got ${describe(e)}`);
    if (e.name !== "ExpenseAuthError") throw new Error(`${what}: expected ${want} named ExpenseAuthError, got ${describe(e)}`);
    if (typeof e.code !== "string" || !/^[A-Z_]+$/.test(e.code)) throw new Error(`${what}: expected ${want}, got no code: ${describe(e)}`);
    if (codes !== "ANY" && !codesOf(codes).includes(e.code)) throw new Error(`${what}: expected ${want}, got ${describe(e)}`);
    // The class and the guard are checked wherever the package exports them;
    // the test "errors: ExpenseAuthError class and isExpenseAuthError" fails if it does not.
    if (typeof lib.ExpenseAuthError === "function" && !(e instanceof lib.ExpenseAuthError))
      throw new Error(`${what}: ${describe(e)} is not an instanceof ExpenseAuthError`);
    if (typeof lib.isExpenseAuthError === "function" && lib.isExpenseAuthError(e) !== true)
      throw new Error(`${what}: isExpenseAuthError(${describe(e)}) is not true`);
    return e;
  }
  /** A synchronous function throws a coded error. */
  function throws(fn, codes, what = "call") {
    const r = call(fn);
    if (r.sync === "returned") throw new Error(`${what}: expected ${codes === "ANY" ? "a coded error" : codesOf(codes).join(" or ")}, but it returned ${r.promise ? "a promise" : String(r.value)}`);
    return expectCoded(r.error, codes, what);
  }
  /** An async method returns a promise (no synchronous throw) that rejects with a coded error. */
  async function rejects(fn, codes, what = "call", ms = 2000) {
    const r = call(fn);
    if (r.sync === "threw") throw new Error(`${what}: an async method threw synchronously instead of rejecting: ${describe(r.error)}`);
    if (!r.promise) throw new Error(`${what}: expected a promise, got ${String(r.value)}`);
    const s = await settle(r.promise, ms);
    if (s.status === "hung") throw new Error(`${what}: did not settle within ${ms} ms`);
    if (s.status === "fulfilled") throw new Error(`${what}: expected ${codes === "ANY" ? "a coded error" : codesOf(codes).join(" or ")}, but it succeeded`);
    return expectCoded(s.reason, codes, what);
  }
  /** Whatever `fn` did — returned, threw, resolved, rejected — was fine or a coded error, within `ms`. */
  async function completesOrCoded(fn, what = "call", ms = 2000) {
    const r = typeof fn === "function" ? call(fn) : fn;
    if (r.sync === "threw") return expectCoded(r.error, "ANY", `${what} (synchronous throw)`);
    if (!r.promise) return r.value;
    const s = await settle(r.promise, ms);
    if (s.status === "hung") throw new Error(`${what}: did not settle within ${ms} ms`);
    if (s.status === "rejected") return expectCoded(s.reason, "ANY", what);
    return s.value;
  }
  return { expectCoded, throws, rejects, completesOrCoded, call };
}

/**
 * A stub `fetch`: records each call as { url, method, headers (a Headers), body (string | null), signal }
 * and answers with `answer(request, n)` (a Response, a promise of one, or a throw).
 */
export function stubFetch(answer) {
  const calls = [];
  const f = (input, init = {}) => {
    const isRequest = typeof Request === "function" && input instanceof Request;
    const url = typeof input === "string" ? input : isRequest ? input.url : input instanceof URL ? input.href : String(input);
    const headers = new Headers(isRequest ? input.headers : undefined);
    if (init && init.headers) new Headers(init.headers).forEach((v, k) => headers.set(k, v));
    const b = init ? init.body : undefined;
    const body = typeof b === "string" ? b : b instanceof URLSearchParams ? b.toString() : b == null ? null : "[non-string body]";
    const req = { url, method: (init && init.method) || (isRequest ? input.method : "GET"), headers, body, signal: init && init.signal };
    calls.push(req);
    return Promise.resolve().then(() => answer(req, calls.length));
  };
  f.calls = calls;
  return f;
}

/**
 * Runs independent checks of one test and reports every failing one (not only
 * the first): `await steps(async (step) => { await step("what", async () => ...); })`.
 */
export async function steps(body) {
  const failed = [];
  let count = 0;
  await body(async (what, fn) => {
    count++;
    try {
      await fn();
    } catch (e) {
      failed.push(`${what}: ${e?.message ?? e}`);
    }
  });
  if (failed.length) throw new Error(`${failed.length} of ${count} checks failed:\n  ${failed.join("\n  ")}`);
}

/** A promise with its resolve function, for gating a stub's answer. */
export function gate() {
  let open;
  const p = new Promise((r) => (open = r));
  return { wait: p, open: (v) => open(v) };
}

/**
 * A scripted token endpoint: each grant gets `at-N` / `rt-N` (N counting up),
 * `expires_in` = `lifetime`; a refresh token presented twice gets
 * `invalid_grant` (rotation, as every provider here does). `hook(req)` may
 * answer instead (return a Response) or wait (return a promise).
 */
export function tokenServer({ lifetime = 3600, hook } = {}) {
  const server = { issued: 0, used: new Set(), hook, lifetime };
  server.fetch = stubFetch(async (req) => {
    if (server.hook) {
      const r = await server.hook(req);
      if (r) return r;
    }
    const form = new URLSearchParams(req.body ?? "");
    if (form.get("grant_type") === "refresh_token") {
      const rt = form.get("refresh_token");
      if (server.used.has(rt)) return jsonResponse(400, { error: "invalid_grant" });
      server.used.add(rt);
    }
    const n = ++server.issued;
    return jsonResponse(200, { access_token: `at-${n}`, token_type: "Bearer", expires_in: server.lifetime, refresh_token: `rt-${n}` });
  });
  server.refreshes = () => server.fetch.calls.filter((c) => new URLSearchParams(c.body ?? "").get("grant_type") === "refresh_token");
  return server;
}

/** A token set as a store would hand it back. */
export const tokenSet = (name, ttlMs = 3_600_000) => ({
  accessToken: `at-${name}`,
  refreshToken: `rt-${name}`,
  tokenType: "Bearer",
  expiresAt: Date.now() + ttlMs,
});

const bearerOf = (req) => (req.headers.get("authorization") ?? "").replace(/^Bearer /, "");

// ------------------------------------------------------------------ the tests

export function defineContract({ lib, sandboxUrl, runtime }) {
  const tests = [];
  const test = (name, fn) => tests.push({ name: `contract: ${name}`, fn });
  const { expectCoded, throws, rejects, completesOrCoded } = errorChecks(lib);
  const inBrowser = runtime === "browser";
  const secretOpt = inBrowser ? { allowSecretInBrowser: true } : {};
  const API = "https://api.example/me";
  const ok200 = () => new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  // A confidential generic client on a scripted token endpoint (client credentials
  // need a confidential client, RFC 6749 §4.4), and a public one.
  const stubClient = (server, extra = {}) =>
    new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", clientSecret: "app-secret", fetch: server.fetch, timeoutMs: 1000, ...secretOpt, ...extra });
  const publicClient = (server, extra = {}) =>
    new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", fetch: server.fetch, timeoutMs: 1000, ...extra });
  const stillWorks = () => {
    eq(lib.createPkce().codeVerifier.length, 43, "createPkce() still works");
    eq(lib.parseTokenResponse({ status: 200, body: '{"access_token":"ok","token_type":"Bearer"}' }).accessToken, "ok", "parseTokenResponse still works");
  };

  // ---------------------------------------------------------------- errors
  test("errors: ExpenseAuthError class and isExpenseAuthError are exported and used", async () => {
    ok(typeof lib.ExpenseAuthError === "function", "lib.ExpenseAuthError is exported (a class)");
    ok(typeof lib.isExpenseAuthError === "function", "lib.isExpenseAuthError is exported");
    ok(lib.ExpenseAuthError.prototype instanceof Error, "ExpenseAuthError extends Error");
    for (const v of [undefined, null, 0, "ExpenseAuthError", new Error("plain"), new TypeError("x")])
      eq(lib.isExpenseAuthError(v), false, `isExpenseAuthError(${describe(v)})`);
    const server = tokenServer({ hook: () => jsonResponse(400, { error: "invalid_scope", error_description: "no" }) });
    const errors = [
      throws(() => lib.decodeJwtUnverified("bad"), "INVALID_JWT"),
      throws(() => lib.parseCallback("?error=access_denied&state=s", "s"), "AUTHORIZATION_ERROR"),
      throws(() => lib.createPkce(7), "INVALID_ARGUMENT"),
      throws(() => new lib.TokenSession({ tokens: { accessToken: 5 } }), "INVALID_ARGUMENT"),
      await rejects(() => stubClient(server).clientCredentials(), "OAUTH_ERROR"),
      await rejects(() => stubClient(tokenServer({ hook: () => Promise.reject(new TypeError("offline")) })).clientCredentials(), "NETWORK_ERROR"),
    ];
    for (const e of errors) {
      ok(e instanceof lib.ExpenseAuthError, `${describe(e)} instanceof ExpenseAuthError`);
      ok(e instanceof Error, "instanceof Error");
      eq(lib.isExpenseAuthError(e), true, `isExpenseAuthError(${describe(e)})`);
    }
    eq(errors[4].status, 400);
    eq(errors[4].error, "invalid_scope");
  });

  // ---------------------------------------------------------------- setTokens race
  test("setTokens race: a refresh in flight never replaces tokens set meanwhile (request in flight)", async () => {
    const answer = gate();
    const requested = gate();
    const server = tokenServer({ hook: async () => { requested.open(); await answer.wait; } });
    const stored = [];
    const s = new lib.TokenSession({
      client: stubClient(server),
      tokens: tokenSet("0", -1000), // expired: the next call refreshes
      onTokens: (next) => { stored.push(next.accessToken); },
      storeTimeoutMs: 200,
    });
    const first = settle(s.getAccessToken(), 2000);
    await within(requested.wait, 1000, "the refresh request");
    s.setTokens(tokenSet("new"));
    answer.open(); // the server answers the old refresh: at-1 / rt-1
    const r = await first;
    ok(r.status !== "hung", "the first caller is answered");
    if (r.status === "rejected") expectCoded(r.reason, "ANY", "the first caller");
    eq(s.tokens.accessToken, "at-new", "tokens after the race");
    eq(s.tokens.refreshToken, "rt-new", "refresh token after the race");
    eq(await within(s.getAccessToken()), "at-new", "getAccessToken after the race");
    // The store is the app's copy: the refresh's result must not overwrite the set given to setTokens there either.
    ok(!stored.includes("at-1"), `onTokens was not handed the stale refresh result (got ${JSON.stringify(stored)})`);
    eq(server.refreshes().length, 1, "refresh requests");
  });

  test("setTokens race: a forced refresh() whose store is pending never replaces tokens set meanwhile", async () => {
    const storeGate = gate();
    const storing = gate();
    const server = tokenServer();
    const s = new lib.TokenSession({
      client: stubClient(server),
      tokens: tokenSet("0"),
      onTokens: async (next) => { if (next.accessToken === "at-1") { storing.open(); await storeGate.wait; } },
      storeTimeoutMs: 1000,
    });
    const first = settle(s.refresh(), 2000);
    await within(storing.wait, 1000, "the store call");
    s.setTokens(tokenSet("new"));
    storeGate.open();
    const r = await first;
    ok(r.status !== "hung", "refresh() is answered");
    if (r.status === "rejected") expectCoded(r.reason, "ANY", "refresh()");
    eq(s.tokens.accessToken, "at-new", "tokens after the race");
    eq(await within(s.getAccessToken()), "at-new", "getAccessToken after the race");
  });

  // ---------------------------------------------------------------- hung store
  test("hung store: onTokens that never settles → STORE_FAILED after storeTimeoutMs, tokens offered again, previous is the replaced set", async () => {
    const server = tokenServer();
    const calls = [];
    let hang = true;
    const s = new lib.TokenSession({
      client: stubClient(server),
      tokens: tokenSet("0", -1000),
      storeTimeoutMs: 50,
      onTokens: (next, previous) => {
        calls.push({ next: next?.accessToken, nextRt: next?.refreshToken, previous: previous?.refreshToken, previousAt: previous?.accessToken });
        return hang ? new Promise(() => {}) : undefined;
      },
    });
    const t0 = Date.now();
    const all = await Promise.all([1, 2, 3].map(() => rejects(() => s.getAccessToken(), "STORE_FAILED", "caller during a hung store", 1500)));
    const took = Date.now() - t0;
    ok(took >= 30, `STORE_FAILED waited for storeTimeoutMs (took ${took} ms)`);
    ok(took < 1500, `STORE_FAILED came soon after storeTimeoutMs (took ${took} ms)`);
    eq(all.length, 3);
    eq(calls.length, 1, "one store call for the three callers");
    eq(calls[0].next, "at-1");
    eq(calls[0].previous, "rt-0", "previous = the set being replaced (the one the session was built with)");
    hang = false;
    eq(await within(s.getAccessToken()), "at-1", "the pending tokens are handed out once stored");
    eq(calls.length, 2, "the pending tokens were offered to the store again");
    eq(calls[1].next, "at-1");
    eq(calls[1].nextRt, "rt-1");
    // The store never acknowledged at-1, so what it holds (and what it compares against) is still the first set.
    eq(calls[1].previous, "rt-0", "previous on the retry is still the set the store holds");
    eq(server.refreshes().length, 1, "no second refresh request");
    // The next rotation names the stored set as previous.
    eq(await within(s.refresh()), "at-2");
    eq(calls[2].previous, "rt-1", "previous after a successful store");
    eq(calls[2].previousAt, "at-1");
  });

  test("onTokens(next, previous): undefined the first time, the set from setTokens afterwards", async () => {
    const server = tokenServer();
    const client = stubClient(server);
    const calls = [];
    const s = new lib.TokenSession({
      client,
      renew: () => client.clientCredentials(),
      onTokens: (next, previous) => { calls.push([next.accessToken, previous]); },
    });
    eq(await within(s.getAccessToken()), "at-1");
    eq(calls.length, 1);
    eq(calls[0][1], undefined, "previous the first time");
    s.setTokens(tokenSet("mine"));
    eq(calls.length, 1, "setTokens does not call the store (the app handed the tokens over)");
    eq(await within(s.refresh()), "at-2");
    eq(calls[1][0], "at-2");
    eq(calls[1][1]?.accessToken, "at-mine", "previous.accessToken");
    eq(calls[1][1]?.refreshToken, "rt-mine", "previous.refreshToken");
  });

  // ---------------------------------------------------------------- hung fetch
  const hung = () => new Promise(() => {}); // ignores the signal too
  test("hung fetch: token endpoint → TIMEOUT within the deadline, later calls work", async () => {
    let stall = true;
    const server = tokenServer({ hook: () => (stall ? hung() : undefined) });
    const c = stubClient(server, { timeoutMs: 50 });
    const t0 = Date.now();
    await rejects(() => c.clientCredentials(), "TIMEOUT", "clientCredentials on a hung fetch", 1500);
    ok(Date.now() - t0 >= 30, "not before the timeout");
    stall = false;
    eq((await within(c.clientCredentials())).accessToken, "at-1", "the client works afterwards");
  });

  test("hung fetch: session.fetch → TIMEOUT within the deadline, later calls work", async () => {
    let stall = true;
    const api = stubFetch(() => (stall ? hung() : ok200()));
    const s = new lib.TokenSession({ client: stubClient(tokenServer()), tokens: tokenSet("0"), fetch: api, timeoutMs: 50 });
    await rejects(() => s.fetch(API), "TIMEOUT", "session.fetch on a hung fetch", 1500);
    await rejects(() => s.fetch(API), "TIMEOUT", "a second session.fetch on a hung fetch", 1500);
    stall = false;
    eq((await within(s.fetch(API))).status, 200, "session.fetch works afterwards");
    eq(await within(s.getAccessToken()), "at-0");
  });

  test("hung fetch: ProSpend.fetch → TIMEOUT within the deadline, later calls work", async () => {
    let stall = true;
    const api = stubFetch(() => (stall ? hung() : ok200()));
    const token = jwt({ sub: "u", site: "acme", exp: Math.floor(Date.now() / 1000) + 86_400 });
    const p = new lib.ProSpend({ token, fetch: api, timeoutMs: 50 });
    await rejects(() => p.fetch("/api/v1/expenses"), "TIMEOUT", "ProSpend.fetch on a hung fetch", 1500);
    stall = false;
    eq((await within(p.fetch("/api/v1/expenses"))).status, 200, "ProSpend.fetch works afterwards");
    eq(api.calls[1].headers.get("authorization"), `Bearer ${token}`);
  });

  test("hung fetch: a hung refresh request does not wedge the session, and its refresh token is not sent again", async () => {
    let stall = true;
    const server = tokenServer({ hook: () => (stall ? hung() : undefined) });
    const s = new lib.TokenSession({ client: stubClient(server, { timeoutMs: 50 }), tokens: tokenSet("0", -1000), timeoutMs: 50 });
    await rejects(() => s.getAccessToken(), "TIMEOUT", "getAccessToken on a hung refresh", 1500);
    stall = false;
    // The timed-out request may have reached the server (which may have rotated rt-0):
    // rt-0 must not be presented again; the call still settles.
    await completesOrCoded(() => s.getAccessToken(), "the next getAccessToken", 1500);
    eq(server.refreshes().filter((c) => new URLSearchParams(c.body).get("refresh_token") === "rt-0").length, 1, "requests carrying rt-0");
    s.setTokens(tokenSet("fresh"));
    eq(await within(s.getAccessToken()), "at-fresh", "the session works after setTokens");
  });

  // ---------------------------------------------------------------- 401 retry
  test("401 retry: refreshes once, retries with the new token, never resends the refused one", async () => {
    const server = tokenServer();
    const refused = new Set(["at-0"]);
    const api = stubFetch((req) => (refused.has(bearerOf(req)) ? new Response("no", { status: 401 }) : ok200()));
    const s = new lib.TokenSession({ client: stubClient(server), tokens: tokenSet("0"), fetch: api });
    eq((await within(s.fetch(API))).status, 200);
    eq(api.calls.map(bearerOf).join(","), "at-0,at-1", "tokens sent");
    eq(server.refreshes().length, 1, "refreshes");
    // Two callers refused at once: one refresh between them, and no retry carries a refused token.
    refused.add("at-1");
    api.calls.length = 0;
    const rs = await within(Promise.all([s.fetch(API), s.fetch(API)]));
    ok(rs.every((r) => r.status === 200), "both answered 200");
    eq(server.refreshes().length, 2, "one more refresh for both callers");
    eq(api.calls.filter((c) => bearerOf(c) === "at-1").length, 2, "at-1 sent once per caller, never on a retry");
    ok(api.calls.slice(2).every((c) => bearerOf(c) === "at-2"), "retries use at-2");
  });

  test("401 retry: a second 401 → UNAUTHORIZED; a refresh that returns the refused token is not retried", async () => {
    const server = tokenServer();
    const api = stubFetch(() => new Response("no", { status: 401 }));
    const s = new lib.TokenSession({ client: stubClient(server), tokens: tokenSet("0"), fetch: api });
    const e = await rejects(() => s.fetch(API), "UNAUTHORIZED");
    eq(e.status, 401);
    eq(api.calls.length, 2, "one request and one retry");
    ok(bearerOf(api.calls[1]) !== bearerOf(api.calls[0]), "the retry carries another token");
    // The server re-issues the very token the API refused: resending it would be pointless.
    const same = tokenServer({ hook: () => jsonResponse(200, { access_token: "at-0", token_type: "Bearer", expires_in: 3600, refresh_token: "rt-9" }) });
    const api2 = stubFetch(() => new Response("no", { status: 401 }));
    const s2 = new lib.TokenSession({ client: stubClient(same), tokens: tokenSet("0"), fetch: api2 });
    await rejects(() => s2.fetch(API), "UNAUTHORIZED", "refresh gave back the refused token");
    eq(api2.calls.filter((c) => bearerOf(c) === "at-0").length, 1, "the refused token was sent once");
  });

  // ---------------------------------------------------------------- skew
  test("skew: skewMs is clamped for short-lived tokens (30 s token, skewMs 60 000)", async () => {
    const server = tokenServer({ lifetime: 30 });
    let offset = 0;
    const s = new lib.TokenSession({ client: stubClient(server), tokens: tokenSet("0", -1000), skewMs: 60_000, now: () => Date.now() + offset });
    eq(await within(s.getAccessToken()), "at-1", "the expired token is refreshed");
    for (let i = 0; i < 5; i++) eq(await within(s.getAccessToken()), "at-1", `call ${i + 2}`);
    offset = 10_000;
    eq(await within(s.getAccessToken()), "at-1", "10 s into a 30 s token");
    eq(server.refreshes().length, 1, "refreshes while the 30 s token is young");
    offset = 29_000;
    eq(await within(s.getAccessToken()), "at-2", "1 s before expiry it is refreshed");
  });

  // ---------------------------------------------------------------- expiresAt
  const isIntegerTime = (v) => typeof v === "number" && Number.isFinite(v) && Number.isInteger(v);
  test("expiresAt: expires_in 1e306 gives a finite integer, and the rotated refresh token is kept", async () => {
    const server = tokenServer();
    server.lifetime = 1e306;
    const t = await within(stubClient(server).refresh("rt-0"));
    ok(isIntegerTime(t.expiresAt), `client: expiresAt ${t.expiresAt} is a finite integer`);
    ok(t.expiresAt > Date.now() + 3_600_000, "and in the future");
    eq(t.refreshToken, "rt-1");
    const stored = [];
    const s = new lib.TokenSession({ client: stubClient(server), tokens: tokenSet("1x", -1000), onTokens: (n) => { stored.push(n); } });
    eq(await within(s.getAccessToken()), "at-2");
    eq(stored.length, 1, "stored");
    eq(stored[0].refreshToken, "rt-2", "the rotated refresh token is stored");
    ok(isIntegerTime(stored[0].expiresAt), "stored expiresAt is a finite integer");
    eq(s.tokens.refreshToken, "rt-2");
    ok(isIntegerTime(s.tokens.expiresAt), "session expiresAt is a finite integer");
    server.lifetime = 1.0005;
    const frac = await within(stubClient(server).clientCredentials());
    ok(isIntegerTime(frac.expiresAt), `expires_in 1.0005 gives an integer expiresAt (${frac.expiresAt})`);
    eq(lib.parseTokenResponse({ status: 200, body: '{"access_token":"a","token_type":"Bearer","expires_in":1e306}', now: 1_700_000_000_000 }).expiresAt > 1_700_000_000_000, true);
    ok(isIntegerTime(lib.parseTokenResponse({ status: 200, body: '{"access_token":"a","token_type":"Bearer","expires_in":1e306}' }).expiresAt), "parseTokenResponse: finite integer");
  });

  test("rotation: a refresh answer that fails validation never makes the session present the spent refresh token", async () => {
    // The server rotated rt-0 into rt-1 but its answer is unusable (no access_token).
    const server = tokenServer({
      hook: (req) => {
        const rt = new URLSearchParams(req.body).get("refresh_token");
        if (rt === "rt-0") { server.used.add("rt-0"); return jsonResponse(200, { token_type: "Bearer", expires_in: 3600, refresh_token: "rt-1" }); }
      },
    });
    const s = new lib.TokenSession({ client: stubClient(server), tokens: tokenSet("0", -1000) });
    await rejects(() => s.getAccessToken(), "ANY", "the unusable answer");
    // Next: either rt-1 is used (kept) or RECONNECT_REQUIRED without a request; never rt-0 again.
    await completesOrCoded(() => s.getAccessToken(), "the next call");
    const sent = server.refreshes().map((c) => new URLSearchParams(c.body).get("refresh_token"));
    eq(sent.filter((x) => x === "rt-0").length, 1, `rt-0 sent once (sent: ${sent.join(",")})`);
  });

  // ---------------------------------------------------------------- secret-free NETWORK_ERROR
  test("NETWORK_ERROR: the message never quotes the request (headers, body, tokens, secrets); cause holds the runtime's error", async () => {
    const SECRET = "CS-3cr3t-value-42";
    const KEY_SECRET = "AK-3cr3t-value-43";
    const RT = "RT-live-refresh-token-44";
    const CODE = "CODE-live-authz-code-45";
    const AT = "AT-live-access-token-46";
    const secrets = [SECRET, KEY_SECRET, RT, CODE, AT, RFC_VERIFIER];
    // A fetch that rejects with a message quoting the whole request, as a runtime or a wrapping fetch may.
    const leaky = (sync = false) => {
      const f = (input, init = {}) => {
        const h = [];
        new Headers(init.headers).forEach((v, k) => h.push(`${k}: ${v}`));
        const err = new TypeError(`fetch failed: ${init.method ?? "GET"} ${String(input)} ${h.join("; ")} body=${String(init.body)}`);
        f.errors.push(err);
        if (sync) throw err;
        return Promise.reject(err);
      };
      f.errors = [];
      return f;
    };
    const check = async (what, make, fetchFn, extraSecrets = []) => {
      const n = fetchFn.errors.length;
      const e = await rejects(make, "NETWORK_ERROR", what);
      ok(fetchFn.errors.length === n + 1, "the fetch was called once");
      const original = fetchFn.errors[n];
      const text = `${e.message}\n${String(e)}\n${e.stack ?? ""}`;
      for (const s of [...secrets, ...extraSecrets]) ok(!text.includes(s), `the error does not contain ${s.slice(0, 6)}…`);
      const basic = /authorization: Basic ([^;\s]+)/i.exec(original.message);
      if (basic) ok(!text.includes(basic[1]), "the error does not contain the Basic credential");
      ok(!text.includes("body="), "the error does not repeat the runtime's message");
      ok(e.cause === original, "cause is the runtime's error");
    };
    await steps(async (step) => {
      for (const sync of [false, true]) {
        const tag = sync ? " (fetch throws synchronously)" : "";
        const f = leaky(sync);
        const basicClient = new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", clientSecret: SECRET, redirectUri: "https://app.example/cb", fetch: f, timeoutMs: 1000, ...secretOpt });
        await step(`OAuth2Client.exchangeCode${tag}`, () => check("", () => basicClient.exchangeCode(CODE, RFC_VERIFIER), f));
        await step(`OAuth2Client.refresh${tag}`, () => check("", () => basicClient.refresh(RT), f));
        await step(`OAuth2Client.clientCredentials${tag}`, () => check("", () => basicClient.clientCredentials(), f));
        const postClient = new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", clientSecret: SECRET, clientAuth: "post", fetch: f, ...secretOpt });
        await step(`OAuth2Client (client_secret_post).clientCredentials${tag}`, () => check("", () => postClient.clientCredentials(), f));
        const pleo = new lib.Pleo({ clientId: "pleo-client", clientSecret: SECRET, redirectUri: "https://app.example/cb", fetch: f, ...secretOpt });
        await step(`Pleo.exchangeCode${tag}`, () => check("", () => pleo.exchangeCode(CODE, RFC_VERIFIER), f));
        await step(`Pleo.refresh${tag}`, () => check("", () => pleo.refresh(RT), f));
        const spendesk = new lib.Spendesk({ clientId: "spendesk-client", clientSecret: SECRET, redirectUri: "https://app.example/cb", apiKeyId: "key-id", apiKeySecret: KEY_SECRET, fetch: f, ...secretOpt });
        await step(`Spendesk.exchangeCode${tag}`, () => check("", () => spendesk.exchangeCode(CODE, RFC_VERIFIER), f));
        await step(`Spendesk.refresh${tag}`, () => check("", () => spendesk.refresh(RT), f));
        await step(`Spendesk.apiKeyToken${tag}`, () => check("", () => spendesk.apiKeyToken(), f));
        const findity = new lib.Findity({ clientId: "findity-client", clientSecret: SECRET, fetch: f, ...secretOpt });
        await step(`Findity.clientCredentials${tag}`, () => check("", () => findity.clientCredentials(), f));
        await step(`Findity.refresh${tag}`, () => check("", () => findity.refresh(RT), f));
        await step(`Findity.exchangeCode${tag}`, () => check("", () => findity.exchangeCode(CODE), f));
        await step(`Findity.authorizationGrant${tag}`, () => check("", () => findity.authorizationGrant(AT, "user-1"), f));
        await step(`Findity.userToken${tag}`, () => check("", () => findity.userToken(AT, "user-1"), f));
        const session = new lib.TokenSession({ client: basicClient, tokens: { accessToken: AT, refreshToken: RT, expiresAt: Date.now() + 3_600_000 }, fetch: f });
        await step(`TokenSession.fetch${tag}`, () => check("", () => session.fetch(API), f));
        const refreshing = new lib.TokenSession({ client: basicClient, tokens: { accessToken: AT, refreshToken: RT, expiresAt: Date.now() - 1000 } });
        await step(`TokenSession.getAccessToken (a refresh)${tag}`, () => check("", () => refreshing.getAccessToken(), f));
        const psToken = jwt({ sub: "u", site: "acme", exp: Math.floor(Date.now() / 1000) + 86_400, secret: AT });
        const prospend = new lib.ProSpend({ token: psToken, fetch: f });
        await step(`ProSpend.fetch${tag}`, () => check("", () => prospend.fetch("/api/v1/expenses"), f, [psToken]));
      }
      await step("the module afterwards", stillWorks);
    });
  });

  // ---------------------------------------------------------------- session.fetch origins
  test("session.fetch: https only (http only to loopback), only allowed origins, refused before any request", async () => {
    const server = tokenServer();
    const pleo = new lib.Pleo({ clientId: "pleo-client", clientSecret: "pleo-secret", redirectUri: "https://app.example/cb", fetch: server.fetch, ...secretOpt });
    const session = (client, extra = {}) => {
      const api = stubFetch(() => ok200());
      return { api, s: new lib.TokenSession({ client, tokens: tokenSet("0"), fetch: api, ...extra }) };
    };
    const allowed = async (client, url, extra) => {
      const { api, s } = session(client, extra);
      eq((await within(s.fetch(url))).status, 200, "status");
      eq(api.calls.length, 1, "requests");
      eq(new URL(api.calls[0].url).origin, new URL(url).origin, "origin fetched");
      eq(api.calls[0].headers.get("authorization"), "Bearer at-0", "the bearer token");
    };
    const refused = async (client, url, codes, extra) => {
      const { api, s } = session(client, extra);
      await rejects(() => s.fetch(url), codes, "session.fetch");
      eq(api.calls.length, 0, "no request for a refused URL");
    };
    await steps(async (step) => {
      // Generic client without allowedOrigins: any https origin, http only to loopback (RFC 6750 §5.3, RFC 8252 §8.3).
      const generic = stubClient(server);
      await step("generic: http to a non-loopback host", () => refused(generic, "http://api.example/me", "INSECURE_URL"));
      await step("generic: http as a URL object", () => refused(generic, new URL("http://api.example/me"), "INSECURE_URL"));
      for (const u of ["https://any.example/x", "https://other.example:8443/y", "http://127.0.0.1:9/z", "http://[::1]:9/z"])
        await step(`generic: ${u}`, () => allowed(generic, u));
      await step("no client (renew only): any https origin", () => allowed(undefined, "https://any.example/x", { renew: () => Promise.reject(new Error("unused")) }));
      // A preset: its API base URL's origin only.
      await step("Pleo: its API origin", () => allowed(pleo, "https://external.pleo.io/v1/expenses"));
      await step("Pleo: its API origin as a URL object", () => allowed(pleo, new URL("https://external.pleo.io/v1/expenses")));
      for (const u of ["https://evil.example/v1/expenses", "https://external.pleo.io.evil.example/v1", "https://external.pleo.io:8443/v1", "https://auth.pleo.io/oauth/token"])
        await step(`Pleo: foreign origin ${u}`, () => refused(pleo, u, "INVALID_URL"));
      await step("Pleo: plain http to its API host", () => refused(pleo, "http://external.pleo.io/v1/expenses", ["INSECURE_URL", "INVALID_URL"]));
      await step("Pleo staging: its API origin", () => allowed(new lib.Pleo({ clientId: "c", clientSecret: "s", environment: "staging", fetch: server.fetch, ...secretOpt }), "https://external.staging.pleo.io/v1/expenses"));
      await step("an expired session does not even refresh for a refused URL", async () => {
        const before = server.fetch.calls.length;
        const api = stubFetch(() => ok200());
        const s = new lib.TokenSession({ client: pleo, tokens: tokenSet("0", -1000), fetch: api });
        await rejects(() => s.fetch("https://evil.example/x"), "INVALID_URL", "session.fetch");
        eq(server.fetch.calls.length, before, "refresh requests");
        eq(api.calls.length, 0, "API requests");
      });
      const spendesk = new lib.Spendesk({ clientId: "c", clientSecret: "s", fetch: server.fetch, ...secretOpt });
      await step("Spendesk: its API origin", () => allowed(spendesk, "https://public-api.spendesk.com/v1/settlements"));
      await step("Spendesk: foreign origin", () => refused(spendesk, "https://evil.example/v1/settlements", "INVALID_URL"));
      const findity = new lib.Findity({ clientId: "c", clientSecret: "s", fetch: server.fetch, ...secretOpt });
      await step("Findity: its API origin", () => allowed(findity, "https://expense.findity.com/api/v1/me"));
      await step("Findity: foreign origin", () => refused(findity, "https://evil.example/api/v1/me", "INVALID_URL"));
      // allowedOrigins replaces the default.
      await step("allowedOrigins on a preset: an entry", () => allowed(pleo, "https://files.example/a/b?c=d", { allowedOrigins: ["https://files.example"] }));
      await step("allowedOrigins on a preset: not an entry", () => refused(pleo, "https://evil.example/a", "INVALID_URL", { allowedOrigins: ["https://files.example"] }));
      await step("allowedOrigins on a generic client: an entry", () => allowed(generic, "https://a.example/x", { allowedOrigins: ["https://a.example"] }));
      await step("allowedOrigins on a generic client: not an entry", () => refused(generic, "https://b.example/x", "INVALID_URL", { allowedOrigins: ["https://a.example"] }));
      await step("allowedOrigins with a loopback http origin", () => allowed(generic, "http://127.0.0.1:9/x", { allowedOrigins: ["http://127.0.0.1:9"] }));
      await step("allowedOrigins: another port is another origin", () => refused(generic, "http://127.0.0.1:10/x", "INVALID_URL", { allowedOrigins: ["http://127.0.0.1:9"] }));
    });
  });

  // ---------------------------------------------------------------- timeouts
  test("timeouts: Infinity and 0 mean none; 2**31, negative, NaN are INVALID_ARGUMENT; a huge value does not fire at once", async () => {
    await steps(async (step) => {
      for (const bad of [2 ** 31, -1, -Infinity, NaN, 1e300, "100", 10n]) {
        const what = `timeoutMs ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}${typeof bad === "bigint" ? "n" : ""}`;
        await step(`OAuth2Client ${what}`, () => throws(() => new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", timeoutMs: bad }), "INVALID_ARGUMENT"));
        await step(`TokenSession ${what}`, () => throws(() => new lib.TokenSession({ client: stubClient(tokenServer()), timeoutMs: bad }), "INVALID_ARGUMENT"));
        await step(`ProSpend ${what}`, () => throws(() => new lib.ProSpend({ token: jwt({ exp: Math.floor(Date.now() / 1000) + 86_400 }), timeoutMs: bad }), "INVALID_ARGUMENT"));
      }
      // A slow (80 ms) answer arrives with the largest value, and with "none".
      for (const t of [2 ** 31 - 1, Infinity, 0]) {
        const slow = tokenServer({ hook: () => sleep(80) });
        await step(`client timeoutMs ${t}: a slow answer arrives`, async () => ok((await within(stubClient(slow, { timeoutMs: t }).clientCredentials())).accessToken, "token"));
        await step(`session timeoutMs ${t}: a slow answer arrives`, async () => {
          const s = new lib.TokenSession({ client: stubClient(slow), tokens: tokenSet("0"), timeoutMs: t, fetch: stubFetch(() => sleep(80).then(ok200)) });
          eq((await within(s.fetch(API))).status, 200, "status");
        });
        await step(`ProSpend timeoutMs ${t}: a slow answer arrives`, async () => {
          const p = new lib.ProSpend({ token: jwt({ exp: Math.floor(Date.now() / 1000) + 86_400 }), timeoutMs: t, fetch: stubFetch(() => sleep(80).then(ok200)) });
          eq((await within(p.fetch("/api/v1/expenses"))).status, 200, "status");
        });
      }
      // No timeout at all: a hung request is still pending after 150 ms, and ends on the caller's signal.
      for (const t of [Infinity, 0]) {
        await step(`timeoutMs ${t}: no timeout`, async () => {
          // A request that never answers but does honour its signal.
          const pending = (req) => new Promise((_, reject) => req.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
          const c = stubClient(tokenServer({ hook: pending }), { timeoutMs: t });
          const ac = new AbortController();
          let early;
          const p = settle(c.clientCredentials({ signal: ac.signal }).finally(() => { early ??= "settled"; }), 3000);
          await sleep(150);
          const before = early;
          early = "aborted";
          ac.abort();
          const r = await p;
          ok(before === undefined, `still pending after 150 ms (${r.status}${r.reason ? `: ${describe(r.reason)}` : ""})`);
          expectCoded(r.reason, "ABORTED", "after abort()");
        });
      }
    });
  });

  // ---------------------------------------------------------------- throwing getters, missing arguments
  test("throwing getters on options and init: coded errors, rejected promises for async methods", async () => {
    const boom = () => { throw new Error("getter boom"); };
    const trap = new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
    const server = tokenServer();
    const c = stubClient(server, { authorizationEndpoint: "https://idp.example/authorize", redirectUri: "https://app.example/cb" });
    const codeChallenge = lib.pkceChallenge(RFC_VERIFIER);
    const AUTH = { authorizationEndpoint: "https://idp.example/a", clientId: "c", codeChallenge };
    const s = new lib.TokenSession({ client: c, tokens: tokenSet("0"), fetch: stubFetch(() => ok200()) });
    const p = new lib.ProSpend({ token: jwt({ exp: Math.floor(Date.now() / 1000) + 86_400 }), fetch: stubFetch(() => ok200()) });
    // `init` is the app's RequestInit: the library may read it (INVALID_ARGUMENT) or hand it on to
    // fetch, whose own TypeError then becomes NETWORK_ERROR. The contract asks for a coded rejection.
    const INIT = ["INVALID_ARGUMENT", "NETWORK_ERROR"];
    await steps(async (step) => {
      // Constructors and synchronous functions: a coded throw.
      const sync = [
        ["OAuth2Client tokenEndpoint getter", () => new lib.OAuth2Client({ get tokenEndpoint() { return boom(); }, clientId: "app" })],
        ["OAuth2Client options proxy", () => new lib.OAuth2Client(trap)],
        ["Pleo environment getter", () => new lib.Pleo({ clientId: "c", get environment() { return boom(); } })],
        ["TokenSession client getter", () => new lib.TokenSession({ get client() { return boom(); } })],
        ["TokenSession tokens getter", () => new lib.TokenSession({ client: c, tokens: { get accessToken() { return boom(); } } })],
        ["TokenSession storeTimeoutMs getter", () => new lib.TokenSession({ client: c, get storeTimeoutMs() { return boom(); } })],
        ["TokenSession allowedOrigins getter", () => new lib.TokenSession({ client: c, get allowedOrigins() { return boom(); } })],
        ["TokenSession allowedOrigins proxy", () => new lib.TokenSession({ client: c, allowedOrigins: new Proxy(["https://a.example"], { get: boom }) })],
        ["buildAuthorizationUrl extraParams getter", () => lib.buildAuthorizationUrl({ ...AUTH, extraParams: { get prompt() { return boom(); } } })],
        ["buildAuthorizationUrl extraParams proxy", () => lib.buildAuthorizationUrl({ ...AUTH, extraParams: trap })],
        ["buildAuthorizationUrl scopes proxy", () => lib.buildAuthorizationUrl({ ...AUTH, scopes: new Proxy(["a"], { get: boom }) })],
        ["client.authorizationUrl extraParams getter", () => c.authorizationUrl({ extraParams: { get prompt() { return boom(); } } })],
        ["client.authorizationUrl options proxy", () => c.authorizationUrl(trap)],
        ["parseTokenResponse body getter", () => lib.parseTokenResponse({ status: 200, get body() { return boom(); } })],
        ["setTokens getter", () => s.setTokens({ get accessToken() { return boom(); } })],
      ];
      for (const [what, fn] of sync) await step(what, () => throws(fn, "INVALID_ARGUMENT"));
      await step("a refused setTokens leaves the tokens as they were", () => eq(s.tokens?.accessToken, "at-0", "accessToken"));
      // Async methods: a rejected promise, never a synchronous throw.
      const async = [
        ["clientCredentials options getter", () => c.clientCredentials({ get signal() { return boom(); } }), "INVALID_ARGUMENT"],
        ["clientCredentials scopes getter", () => c.clientCredentials({ get scopes() { return boom(); } }), "INVALID_ARGUMENT"],
        ["clientCredentials options proxy", () => c.clientCredentials(trap), "INVALID_ARGUMENT"],
        ["exchangeCode options getter", () => c.exchangeCode("code", RFC_VERIFIER, { get signal() { return boom(); } }), "INVALID_ARGUMENT"],
        ["refresh options proxy", () => c.refresh("rt", trap), "INVALID_ARGUMENT"],
        ["session.fetch init.headers getter", () => s.fetch(API, { get headers() { return boom(); } }), INIT],
        ["session.fetch init.body getter", () => s.fetch(API, { method: "POST", get body() { return boom(); } }), INIT],
        ["session.fetch init.signal getter", () => s.fetch(API, { get signal() { return boom(); } }), INIT],
        ["session.fetch header value getter", () => s.fetch(API, { headers: { get accept() { return boom(); } } }), INIT],
        ["session.fetch init proxy", () => s.fetch(API, trap), INIT],
        ["session.fetch input with a throwing href", () => s.fetch({ get href() { return boom(); }, toString: boom }), "INVALID_ARGUMENT"],
        ["ProSpend.fetch init getter", () => p.fetch("/api/v1/expenses", { get headers() { return boom(); } }), INIT],
        ["ProSpend.fetch init proxy", () => p.fetch("/api/v1/expenses", trap), INIT],
        ["renew's token set with a throwing getter", () => new lib.TokenSession({ renew: () => Promise.resolve({ get accessToken() { return boom(); } }) }).getAccessToken(), "ANY"],
        // Missing arguments of async methods: INVALID_ARGUMENT, rejected.
        ["refresh(undefined)", () => c.refresh(undefined), "INVALID_ARGUMENT"],
        ["refresh()", () => c.refresh(), "INVALID_ARGUMENT"],
        ["exchangeCode(undefined)", () => c.exchangeCode(undefined, RFC_VERIFIER), "INVALID_ARGUMENT"],
        ["ProSpend.fetch()", () => p.fetch(), "INVALID_ARGUMENT"],
        ["session.fetch()", () => s.fetch(), "INVALID_ARGUMENT"],
      ];
      for (const [what, fn, codes] of async) await step(what, () => rejects(fn, codes));
      await step("no token request for refused calls", () => eq(server.fetch.calls.length, 0, "token requests"));
      // All of it leaves the instances and the module working.
      await step("session.fetch still works", async () => eq((await within(s.fetch(API))).status, 200, "status"));
      await step("the client still works", async () => eq((await within(c.clientCredentials())).tokenType, "Bearer", "tokenType"));
      await step("the module still works", stillWorks);
    });
  });

  // ---------------------------------------------------------------- PKCE required on the generic client
  test("exchangeCode(code) without a verifier: INVALID_ARGUMENT on a generic client unless pkce: false", async () => {
    const server = tokenServer();
    const c = publicClient(server);
    for (const v of [undefined, null]) await rejects(() => c.exchangeCode("the-code", v), "INVALID_ARGUMENT", `verifier ${JSON.stringify(v)}`);
    // An empty verifier: missing (INVALID_ARGUMENT) or malformed (INVALID_CODE_VERIFIER, RFC 7636 §4.1) — a choice.
    await rejects(() => c.exchangeCode("the-code", ""), ["INVALID_ARGUMENT", "INVALID_CODE_VERIFIER"], "verifier \"\"");
    await rejects(() => c.exchangeCode("the-code"), "INVALID_ARGUMENT", "no verifier argument");
    const confidential = new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", clientSecret: "s", fetch: server.fetch, ...secretOpt });
    await rejects(() => confidential.exchangeCode("the-code"), "INVALID_ARGUMENT", "confidential client, no verifier");
    eq(server.fetch.calls.length, 0, "no request without a verifier");
    const optOut = publicClient(server, { pkce: false });
    eq((await within(optOut.exchangeCode("the-code"))).accessToken, "at-1", "pkce: false allows it");
    const form = new URLSearchParams(server.fetch.calls[0].body);
    eq(form.get("grant_type"), "authorization_code");
    eq(form.get("code"), "the-code");
    eq(form.get("code_verifier"), null, "no code_verifier sent");
    eq((await within(c.exchangeCode("the-code", RFC_VERIFIER))).accessToken, "at-2", "with a verifier it works");
    eq(new URLSearchParams(server.fetch.calls[1].body).get("code_verifier"), RFC_VERIFIER);
  });

  // ---------------------------------------------------------------- providers
  test("Spendesk: every request goes under /v1 (production, sandbox, baseUrl override)", async () => {
    const token = jwt({ sub: "u", wallet_id: "w-1", exp: Math.floor(Date.now() / 1000) + 3600 });
    const api = stubFetch((req) => jsonResponse(req.url.endsWith("/oauth2/token/create") ? 201 : 200, { access_token: token, token_type: "Bearer", expires_in: 3600, refresh_token: "rt-x" }));
    const common = { clientId: "spendesk-client", redirectUri: "https://app.example/cb", state: "s", codeChallenge: lib.pkceChallenge(RFC_VERIFIER) };
    const cases = [
      [{}, "https://public-api.spendesk.com/v1"],
      [{ environment: "sandbox" }, "https://sandbox-public-api.spendesk.com/v1"],
      [{ baseUrl: "http://127.0.0.1:9/spendesk" }, "http://127.0.0.1:9/spendesk/v1"],
    ];
    await steps(async (step) => {
      for (const [opt, base] of cases) {
        const what = JSON.stringify(opt);
        await step(`spendeskAuthorizationUrl ${what}`, () => {
          const u = lib.spendeskAuthorizationUrl({ ...common, ...opt });
          ok(u.startsWith(`${base}/oauth2/authorize?`), `${u} starts with ${base}/oauth2/authorize?`);
        });
        const c = new lib.Spendesk({ clientId: "spendesk-client", clientSecret: "spendesk-secret", redirectUri: "https://app.example/cb", apiKeyId: "id", apiKeySecret: "key", fetch: api, ...secretOpt, ...opt });
        await step(`Spendesk.authorizationUrl ${what}`, () => {
          const u = c.authorizationUrl().url;
          ok(u.startsWith(`${base}/oauth2/authorize?`), `${u} starts with ${base}/oauth2/authorize?`);
        });
        for (const [name, run, path] of [
          ["exchangeCode", () => c.exchangeCode("code", RFC_VERIFIER), "/oauth2/token/create"],
          ["refresh", () => c.refresh("rt"), "/oauth2/token/refresh"],
          ["apiKeyToken", () => c.apiKeyToken(), "/auth/token"],
        ]) {
          await step(`Spendesk.${name} ${what}`, async () => {
            api.calls.length = 0;
            await completesOrCoded(run);
            eq(api.calls.map((x) => `${x.method} ${x.url}`).join(" | "), `POST ${base}${path}`, "request");
          });
        }
      }
    });
  });

  test("Findity without a client secret can refresh (the refresh request carries no secret)", async () => {
    await steps(async (step) => {
    await step("stub token endpoint", async () => {
      const server = tokenServer();
      const c = new lib.Findity({ clientId: "findity-client", fetch: server.fetch });
      const t = await within(c.refresh("rt-0"));
      eq(t.accessToken, "at-1");
      eq(t.refreshToken, "rt-1");
      const req = server.fetch.calls[0];
      eq(req.method, "POST");
      ok(/^https:\/\/expense\.findity\.com\/api\/oauth\/token\/?$/.test(req.url), `token endpoint ${req.url}`);
      const form = new URLSearchParams(req.body);
      // findity-authentication.txt: grant_type=refresh_token&client_id=CLIENT_ID&refresh_token=REFRESH_TOKEN
      eq(form.get("grant_type"), "refresh_token");
      eq(form.get("client_id"), "findity-client");
      eq(form.get("refresh_token"), "rt-0");
      eq(form.get("client_secret"), null);
      const s = new lib.TokenSession({ client: c, tokens: tokenSet("1", -1000) });
      eq(await within(s.getAccessToken()), "at-2", "a session on a secretless Findity client refreshes");
    });
    if (sandboxUrl) await step("sandbox", async () => {
      // Against the sandbox: an org token from a client with the secret, refreshed by one without.
      const withSecret = new lib.Findity({ clientId: "findity-client", clientSecret: "findity-secret", baseUrl: `${sandboxUrl}/findity`, ...secretOpt });
      const org = await within(withSecret.clientCredentials());
      const secretless = new lib.Findity({ clientId: "findity-client", baseUrl: `${sandboxUrl}/findity` });
      const r = await within(secretless.refresh(org.refreshToken));
      ok(r.accessToken && r.refreshToken && r.refreshToken !== org.refreshToken, "sandbox: refreshed and rotated");
    });
    });
  });

  // ---------------------------------------------------------------- re-entrancy (last: on a build that
  // panics here the wasm instance may be dead for every later test)
  const ACTIONS = [
    ["getAccessToken()", (w) => w.session.getAccessToken()],
    ["refresh()", (w) => w.session.refresh()],
    ["setTokens()", (w) => w.session.setTokens(tokenSet("inner"))],
    ["session.fetch()", (w) => w.session.fetch(API)],
    ["tokens / reconnectRequired", (w) => [w.session.tokens, w.session.reconnectRequired]],
    ["client.refresh()", (w) => w.client.refresh("rt-other")],
    ["client.clientCredentials()", (w) => w.client.clientCredentials()],
    ["client.authorizationUrl()", (w) => w.client.authorizationUrl()],
  ];
  // Builds a session whose callback `kind` calls `action` once, synchronously
  // (or awaits it, with `awaitInner`), then checks every call settled fine or
  // with a coded error and that the instance works afterwards.
  async function reentrancy(kind, [actionName, action], { awaitInner = false } = {}) {
    const what = `${kind} calling ${actionName}${awaitInner ? " (awaited)" : ""}`;
    const w = { armed: true, inside: false, inner: [] };
    const reenter = () => {
      if (!w.armed || w.inside) return undefined;
      w.armed = false;
      w.inside = true;
      try {
        const r = call(() => action(w));
        w.inner.push(r);
        return r.promise;
      } finally {
        w.inside = false;
      }
    };
    // Re-enters synchronously from inside the callback; with `awaitInner`, the callback waits for the inner call.
    const enterThen = (next) => {
      const p = reenter();
      return awaitInner && p ? p.then(next, next) : next();
    };
    w.server = tokenServer();
    const clientFetch = kind === "client fetch" ? (input, init) => enterThen(() => w.server.fetch(input, init)) : w.server.fetch;
    w.client = stubClient(w.server, { fetch: clientFetch, authorizationEndpoint: "https://idp.example/authorize", redirectUri: "https://app.example/cb", timeoutMs: 300 });
    const apiStub = stubFetch(() => ok200());
    const api = kind === "session fetch" ? (input, init) => enterThen(() => apiStub(input, init)) : apiStub;
    const opts = { client: w.client, fetch: api, storeTimeoutMs: 150, timeoutMs: 300, tokens: tokenSet("0", -1000) };
    if (kind === "now") opts.now = () => { reenter(); return Date.now(); };
    if (kind === "onTokens") opts.onTokens = () => enterThen(() => undefined);
    if (kind === "renew") {
      delete opts.tokens.refreshToken;
      opts.renew = () => enterThen(() => w.client.clientCredentials());
    }
    if (kind === "session fetch") opts.tokens = tokenSet("0");
    w.session = new lib.TokenSession(opts);
    const outer = kind === "session fetch" ? call(() => w.session.fetch(API)) : call(() => w.session.getAccessToken());
    await completesOrCoded(outer, `${what}: the outer call`, 3000);
    ok(!w.armed, `${what}: the callback ran`);
    for (const r of w.inner) await completesOrCoded(r, `${what}: the inner call`, 3000);
    // The instance keeps working.
    w.armed = false;
    w.session.setTokens(tokenSet("after"));
    eq(await within(w.session.getAccessToken(), 2000, `${what}: getAccessToken afterwards`), "at-after", `${what}: getAccessToken afterwards`);
    eq((await within(w.session.fetch(API), 2000, `${what}: fetch afterwards`)).status, 200, `${what}: session.fetch afterwards`);
    ok(await within(w.session.refresh(), 2000, `${what}: refresh afterwards`), `${what}: refresh afterwards`);
    ok((await within(w.client.clientCredentials(), 2000)).accessToken, `${what}: the client afterwards`);
  }
  for (const kind of ["now", "onTokens", "renew", "client fetch", "session fetch"]) {
    test(`re-entrancy: ${kind} calling session and client methods`, async () => {
      await steps(async (step) => {
        for (const a of ACTIONS) await step(a[0], () => reentrancy(kind, a));
        await step("the module afterwards", stillWorks);
      });
    });
  }
  test("re-entrancy: onTokens, renew and fetch awaiting a session call do not deadlock", async () => {
    await steps(async (step) => {
      for (const kind of ["onTokens", "renew", "client fetch", "session fetch"])
        for (const a of ACTIONS.filter(([n]) => n === "getAccessToken()" || n === "refresh()" || n === "session.fetch()"))
          await step(`${kind} awaiting ${a[0]}`, () => reentrancy(kind, a, { awaitInner: true }));
      await step("the module afterwards", stillWorks);
    });
  });

  return tests;
}
