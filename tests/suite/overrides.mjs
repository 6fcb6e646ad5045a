// The options that override the library's guesses (issue 10 item 3): every
// behaviour the providers' docs do not state is a guess, overridable by an
// option (docs/providers.md lists them). Each sandbox test tells the sandbox
// to behave the other way (`POST /_sandbox/behaviour`, sandbox/README.md
// "Behaviour switches"), shows that the default then fails (a coded error, or
// a misread expiry) and that the option copes, and resets the sandbox after.
// `defineOverrides({ lib, sandboxUrl, runtime })` returns `{ name, fn }` tests;
// the refusals need no sandbox and run without one too.
import { eq, ok, near, throwsCode, rejectsCode } from "./harness.mjs";
import { sandboxControl } from "./sandbox-client.mjs";

export function defineOverrides({ lib, sandboxUrl, runtime }) {
  const tests = [];
  const test = (name, fn) => tests.push({ name, fn });
  const S = sandboxUrl;
  // Client secrets in a browser page need the explicit opt-in.
  const secretOpt = runtime === "browser" ? { allowSecretInBrowser: true } : {};
  const generic = { tokenEndpoint: "https://idp.example/token", clientId: "c" };
  const pleoOpts = { clientId: "c", clientSecret: "s", redirectUri: "https://app.example/cb", ...secretOpt };

  test("overrides: values outside the listed ones are INVALID_ARGUMENT, and the module keeps working", () => {
    const bad = [
      ["expiresInUnit", "ms"], ["expiresInUnit", "Seconds"], ["expiresInUnit", 1000],
      ["bodyEncoding", "empty"], ["bodyEncoding", "xml"], ["bodyEncoding", true],
      ["codeExchangeAuth", "client_secret_basic"], ["refreshAuth", "Basic"], ["refreshAuth", {}],
    ];
    for (const [k, v] of bad) {
      const e = throwsCode(() => new lib.Pleo({ ...pleoOpts, [k]: v }), "INVALID_ARGUMENT");
      ok(e.message.includes(k), `the message names ${k}`);
    }
    for (const v of ["get", "PUT", ""]) throwsCode(() => new lib.Spendesk({ apiKeyId: "i", apiKeySecret: "s", apiKeyMethod: v, ...secretOpt }), "INVALID_ARGUMENT");
    // A throwing getter is a coded error too.
    const trap = { ...pleoOpts };
    Object.defineProperty(trap, "expiresInUnit", { get() { throw new Error("getter"); } });
    throwsCode(() => new lib.Pleo(trap), "INVALID_ARGUMENT");
    // Every listed value is taken; undefined and null mean the default.
    for (const v of ["auto", "seconds", "milliseconds", undefined, null]) ok(new lib.Pleo({ ...pleoOpts, expiresInUnit: v }), `expiresInUnit ${v}`);
    for (const v of ["form", "json"]) ok(new lib.Spendesk({ clientId: "c", bodyEncoding: v }), `bodyEncoding ${v}`);
    for (const v of ["basic", "post", "none"]) ok(new lib.Findity({ clientId: "c", codeExchangeAuth: v, refreshAuth: v }), `auth ${v}`);
    for (const v of ["POST", "GET"]) ok(new lib.Spendesk({ apiKeyId: "i", apiKeySecret: "s", apiKeyMethod: v, ...secretOpt }), `apiKeyMethod ${v}`);
    eq(lib.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "still working");
  });

  test("overrides that cannot apply are refused as the core refuses them", () => {
    // A generic client sets its client authentication with clientAuth.
    throwsCode(() => new lib.OAuth2Client({ ...generic, refreshAuth: "post" }), "INVALID_ARGUMENT");
    throwsCode(() => new lib.OAuth2Client({ ...generic, codeExchangeAuth: "none" }), "INVALID_ARGUMENT");
    ok(new lib.OAuth2Client({ ...generic, expiresInUnit: "milliseconds", bodyEncoding: "json" }), "the generic client takes the others");
    // Only Spendesk has API keys.
    throwsCode(() => new lib.Pleo({ ...pleoOpts, apiKeyMethod: "GET" }), "INVALID_ARGUMENT");
    throwsCode(() => new lib.Findity({ clientId: "c", apiKeyMethod: "POST" }), "INVALID_ARGUMENT");
    throwsCode(() => new lib.OAuth2Client({ ...generic, apiKeyMethod: "GET" }), "INVALID_ARGUMENT");
  });

  test("overrides change the requests the clients send", async () => {
    const seen = [];
    const f = async (url, init) => {
      seen.push({ url, method: init.method, headers: new Headers(init.headers), body: init.body ?? null });
      return new Response(JSON.stringify({ access_token: "at", token_type: "Bearer", expires_in: 600 }), { headers: { "content-type": "application/json" } });
    };
    const sp = new lib.Spendesk({ clientId: "sc", clientSecret: "ss", apiKeyId: "ki", apiKeySecret: "ks", fetch: f, bodyEncoding: "form", refreshAuth: "none", apiKeyMethod: "GET", ...secretOpt });
    await sp.refresh("rt");
    await sp.apiKeyToken();
    ok(seen[0].headers.get("content-type").startsWith("application/x-www-form-urlencoded"), "form body");
    const body = new URLSearchParams(seen[0].body);
    eq(body.get("refresh_token"), "rt");
    eq(body.get("client_id"), "sc");
    eq(body.get("client_secret"), null, "no secret on refresh");
    eq(seen[1].method, "GET");
    eq(seen[1].body, null, "no body on the API-key request");
    const pl = new lib.Pleo({ ...pleoOpts, fetch: f, codeExchangeAuth: "post" });
    await pl.exchangeCode("the-code", "v".repeat(43));
    await pl.refresh("rt");
    eq(seen[2].headers.get("authorization"), null, "no Basic on the exchange");
    eq(new URLSearchParams(seen[2].body).get("client_secret"), "s");
    ok(seen[3].headers.get("authorization")?.startsWith("Basic "), "refresh stays Basic");
  });

  if (!S) return tests;

  const sb = sandboxControl(S);
  const redirectUri = `${S}/callback`;
  const behave = async (switches) => {
    const r = await fetch(`${S}/_sandbox/behaviour`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(switches) });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`sandbox behaviour ${JSON.stringify(switches)}: ${r.status} ${text}`);
  };
  // Sets the switches, runs `fn`, and puts every switch back (reset).
  const withBehaviour = async (switches, fn) => {
    await sb.reset();
    await behave(switches);
    try {
      await fn();
    } finally {
      await sb.reset();
    }
  };
  const pleo = (extra = {}) =>
    new lib.Pleo({ clientId: "pleo-client", clientSecret: "pleo-secret", redirectUri, baseUrl: `${S}/pleo`, apiBaseUrl: `${S}/pleo`, scopes: ["export:read"], ...secretOpt, ...extra });
  const spendesk = (extra = {}) =>
    new lib.Spendesk({ clientId: "spendesk-client", clientSecret: "spendesk-secret", redirectUri, baseUrl: `${S}/spendesk`, ...secretOpt, ...extra });
  async function connect(client) {
    const auth = client.authorizationUrl();
    const { code } = lib.parseCallback(await sb.consent(auth.url), auth.state);
    return client.exchangeCode(code, auth.codeVerifier);
  }

  test("override: Pleo expiresInUnit against a server that sends milliseconds (60 s tokens)", () =>
    withBehaviour({ provider: "pleo", expires_unit: "millis", access_lifetime_secs: 60 }, async () => {
      // By default 60 000 is read as seconds (Pleo's "auto": ms only above 86 400): 16.7 h, not 60 s.
      let t0 = Date.now();
      const d = await connect(pleo());
      near(d.expiresAt, t0 + 60_000_000, 10_000, "the default misreads 60 000 ms as seconds");
      const c = pleo({ expiresInUnit: "milliseconds" });
      t0 = Date.now();
      const t = await connect(c);
      near(t.expiresAt, t0 + 60_000, 10_000, "exchange: 60 s");
      t0 = Date.now();
      const t2 = await c.refresh(t.refreshToken);
      near(t2.expiresAt, t0 + 60_000, 10_000, "refresh: 60 s");
    }));

  test("override: Pleo expiresInUnit against a server that sends seconds (25 h tokens)", () =>
    withBehaviour({ provider: "pleo", expires_unit: "seconds", access_lifetime_secs: 90_000 }, async () => {
      let t0 = Date.now();
      const d = await connect(pleo());
      near(d.expiresAt, t0 + 90_000, 10_000, "the default misreads 90 000 s as milliseconds");
      const c = pleo({ expiresInUnit: "seconds" });
      t0 = Date.now();
      const t = await connect(c);
      near(t.expiresAt, t0 + 90_000_000, 10_000, "exchange: 25 h");
      t0 = Date.now();
      near((await c.refresh(t.refreshToken)).expiresAt, t0 + 90_000_000, 10_000, "refresh: 25 h");
    }));

  test("override: Pleo codeExchangeAuth \"post\" against a server that refuses Basic on the code exchange", () =>
    withBehaviour({ provider: "pleo", code_auth: "post" }, async () => {
      const e = await rejectsCode(connect(pleo()), "OAUTH_ERROR");
      eq(e.status, 401);
      eq(e.error, "invalid_client");
      const c = pleo({ codeExchangeAuth: "post" });
      const t = await connect(c);
      ok(t.accessToken && t.refreshToken, "the exchange works with the secret in the body");
      const t2 = await c.refresh(t.refreshToken);
      ok(t2.accessToken !== t.accessToken, "refresh stays Basic and works");
    }));

  test("override: Spendesk bodyEncoding \"form\" against a server that takes form bodies only", () =>
    withBehaviour({ provider: "spendesk", body: "form" }, async () => {
      const e = await rejectsCode(connect(spendesk()), "OAUTH_ERROR");
      eq(e.status, 400);
      eq(e.error, "invalid_content_type");
      const c = spendesk({ bodyEncoding: "form" });
      const t = await connect(c);
      eq(t.walletId, "wallet-1");
      const t2 = await c.refresh(t.refreshToken);
      ok(t2.refreshToken && t2.refreshToken !== t.refreshToken, "refresh with a form body works");
      // And the reverse: the JSON server refuses the override's form bodies.
      await sb.reset();
      await rejectsCode(connect(spendesk({ bodyEncoding: "form" })), "OAUTH_ERROR");
    }));

  test("override: Spendesk refreshAuth \"none\" against a server that takes a refresh without the secret", () =>
    withBehaviour({ provider: "spendesk", refresh_secret: "optional" }, async () => {
      const c = spendesk({ refreshAuth: "none" });
      const t = await connect(c);
      const t2 = await c.refresh(t.refreshToken);
      ok(t2.accessToken && t2.refreshToken !== t.refreshToken, "refresh without the secret works");
      // The strict (default) server refuses it, without a disconnect: the refresh token survives.
      await sb.reset();
      const t3 = await connect(c);
      const e = await rejectsCode(c.refresh(t3.refreshToken), "OAUTH_ERROR");
      eq(e.status, 400);
      eq(await sb.refreshState(t3.refreshToken), "valid");
    }));

  test("override: Spendesk apiKeyMethod \"GET\" against a server whose /auth/token answers GET only", () =>
    withBehaviour({ provider: "spendesk", api_key_method: "GET" }, async () => {
      const key = (extra = {}) => new lib.Spendesk({ apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret", baseUrl: `${S}/spendesk`, ...secretOpt, ...extra });
      const e = await rejectsCode(key().apiKeyToken(), "OAUTH_ERROR");
      eq(e.status, 405);
      const t = await key({ apiKeyMethod: "GET" }).apiKeyToken();
      ok(t.accessToken && !t.refreshToken, "the GET override gets an access token");
    }));

  return tests;
}
