// The bad-input catalogue of issue 10 §2, run through the packed package in
// every runtime of the suite. `defineCatalogue({ lib, sandboxUrl, runtime })`
// returns `{ name, fn }` tests: one test per group, each a table of rows
// `[input, expected]` where `expected` is
//   - an error code, or a list of codes (any of them is right), or
//   - `accept(check, ...codes)`: success whose result passes `check`, or one of `codes`.
// A row whose expected result is a choice (the contract, the RFCs or the
// provider docs allow more than one answer) says so in a comment and lists
// every allowed answer; anything else — another code, an uncoded error, a
// crash, a hang — fails. After every row the test checks that the module
// still works (`createPkce()` and a good `parseTokenResponse` succeed).
import { eq, ok } from "./harness.mjs";
import { errorChecks, jsonResponse, jwt, settle, stubFetch, tokenSet } from "./contract.mjs";

const accept = (check, ...codes) => ({ check, codes });
const describe = (e) => (e instanceof Error ? `${e.name}${e.code ? ` [${e.code}]` : ""}: ${e.message}` : String(e));
const show = (v) => {
  if (typeof v === "string") return v.length > 80 ? `${JSON.stringify(v.slice(0, 40))}… (${v.length} chars)` : JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return v?.label ?? String(v);
};
const b64url = (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64urlBytes = (input) => {
  const bytes = Uint8Array.from(input);
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const b64urlUtf8 = (s) => b64urlBytes(new TextEncoder().encode(s));
const deep = (n, open = "[", close = "]") => open.repeat(n) + close.repeat(n);
const MB10 = 10 * 1024 * 1024;

export function defineCatalogue({ lib, runtime }) {
  const tests = [];
  // Every table of a test runs even when an earlier one has failing rows; the test then lists them all.
  let collected = null;
  const test = (name, fn) =>
    tests.push({
      name: `catalogue: ${name}`,
      fn: async () => {
        collected = [];
        let thrown;
        try {
          await fn();
        } catch (e) {
          thrown = e;
        }
        const failures = collected;
        collected = null;
        if (thrown) failures.push(String(thrown?.message ?? thrown));
        if (failures.length) throw new Error(failures.join("\n"));
      },
    });
  const { expectCoded } = errorChecks(lib);
  const secretOpt = runtime === "browser" ? { allowSecretInBrowser: true } : {};
  const GOOD = '{"access_token":"ok","token_type":"Bearer","expires_in":3600}';
  const NOW = 1_700_000_000_000;
  const stillWorks = (label) => {
    eq(lib.createPkce().codeVerifier.length, 43, `${label}: createPkce() afterwards`);
    eq(lib.parseTokenResponse({ status: 200, body: GOOD, now: NOW }).expiresAt, NOW + 3_600_000, `${label}: parseTokenResponse afterwards`);
  };

  /**
   * Runs `fn(input)` for each row; `async: true` means `fn` calls an async
   * method, which must return a promise (a rejected one, never a synchronous throw).
   */
  async function table(group, rows, fn, { async = false, ms = 5000 } = {}) {
    const failures = [];
    for (const [input, expected, ...moreCodes] of rows) {
      const label = `${group} ${show(input)}`;
      try {
        let outcome;
        let threw = false;
        let r;
        try {
          r = fn(input);
        } catch (e) {
          threw = true;
          outcome = { error: e };
        }
        if (!threw) {
          if (r && typeof r.then === "function") {
            const s = await settle(r, ms);
            if (s.status === "hung") throw new Error(`did not settle within ${ms} ms`);
            outcome = s.status === "fulfilled" ? { value: s.value } : { error: s.reason };
          } else {
            if (async) throw new Error("expected a promise");
            outcome = { value: r };
          }
        }
        const codes = [...(typeof expected === "string" ? [expected] : Array.isArray(expected) ? expected : expected.codes), ...moreCodes];
        if ("error" in outcome) {
          if (async && threw) throw new Error(`an async method threw synchronously: ${describe(outcome.error)}`);
          if (!codes.length) throw new Error(`expected success, got ${describe(outcome.error)}`);
          expectCoded(outcome.error, codes, "error");
        } else {
          if (!expected?.check) throw new Error(`expected ${codes.join(" or ")}, but it succeeded (${show(typeof outcome.value === "object" ? JSON.stringify(outcome.value) : outcome.value)})`);
          expected.check(outcome.value);
        }
        stillWorks(label);
      } catch (e) {
        failures.push(`${label}: ${e?.message ?? e}`);
      }
    }
    if (failures.length) {
      const report = `${group}: ${failures.length} of ${rows.length} rows failed:\n  ${failures.join("\n  ")}`;
      if (collected) collected.push(report);
      else throw new Error(report);
    }
  }

  // ---------------------------------------------------------------- URLs
  // What a request or a built URL went to, compared through the WHATWG parser
  // that fetch itself uses: no parser differential between the check and the request.
  const whatwg = (u) => {
    try {
      return new URL(u);
    } catch {
      throw new Error(`the WHATWG URL parser (fetch's) rejects ${show(String(u))}: it must not be used`);
    }
  };
  const sameTarget = (input) => (sent) => {
    const a = whatwg(sent);
    const b = whatwg(input);
    eq(a.origin, b.origin, "origin of what was sent");
    eq(a.pathname, b.pathname, "path of what was sent");
  };
  const sameOrigin = (input) => (sent) => eq(whatwg(sent).origin, whatwg(input).origin, "origin of what was sent");
  const REFUSED = ["INVALID_URL", "INSECURE_URL"];
  // [input, expected for an endpoint the library sends credentials to]
  const URL_ROWS = (check) => [
    ["https://idp.example/token", accept(check(`https://idp.example/token`))],
    // RFC 3986 §3.1 and §3.2.2: scheme and host are case-insensitive.
    ["HTTPS://IDP.EXAMPLE/token", accept(check("HTTPS://IDP.EXAMPLE/token"))],
    ["HtTp://127.0.0.1:9/token", accept(check("http://127.0.0.1:9/token"))],
    // The case of the scheme does not get plain http past the https rule.
    ["HtTp://idp.example/token", "INSECURE_URL"],
    ["http://idp.example/token", "INSECURE_URL"],
    // Choice: userinfo is refused (RFC 3986 §3.2.1 deprecates user:password; fetch refuses credentials in URLs).
    ["https://user:pass@idp.example/token", "INVALID_URL"],
    ["https://idp.example@evil.example/token", "INVALID_URL"],
    // IPv6 zone ids: a WHATWG parser rejects them (issue 10 §5).
    ["https://[fe80::1%25eth0]/token", "INVALID_URL"],
    ["https://[fe80::1%eth0]/token", "INVALID_URL"],
    ["https://[::1/token", "INVALID_URL"],
    // Not http(s). Which of the two codes is a choice (error.rs: "http: (or another scheme)" → INSECURE_URL).
    ["javascript:alert(1)", REFUSED],
    ["javascript://idp.example/%0Aalert(1)", REFUSED],
    ["data:text/html,x", REFUSED],
    ["file:///etc/passwd", REFUSED],
    // Choice: backslashes are refused (WHATWG reads "\" as "/" in http(s) URLs, RFC 3986 does not: two parsers, two hosts).
    ["https:\\\\idp.example\\token", "INVALID_URL"],
    ["https://idp.example\\@evil.example/token", "INVALID_URL"],
    // Choice: tabs, newlines and spaces are refused, not stripped (WHATWG strips tab/LF/CR; the checked URL must be the sent one).
    ["https://idp.exa\tmple/token", "INVALID_URL"],
    ["https://idp.example/to\nken", "INVALID_URL"],
    ["https://idp.example/token\r\nX-Injected: 1", "INVALID_URL"],
    [" https://idp.example/token", "INVALID_URL"],
    ["https://idp.example/token\u0000", "INVALID_URL"],
    // Choice: a non-ASCII host is refused, or used as the WHATWG parser reads it (punycode).
    ["https://exämple.com/token", accept(check("https://exämple.com/token"), "INVALID_URL")],
    ["https://\u0430pple.com/token", accept(check("https://\u0430pple.com/token"), "INVALID_URL")], // Cyrillic а
    ["https://idp\uFF0Eexample/token", accept(check("https://idp\uFF0Eexample/token"), "INVALID_URL")], // fullwidth dot
    ["https://idp.example:99999/token", "INVALID_URL"],
    ["https://idp.example:-1/token", "INVALID_URL"],
    ["https:///token", "INVALID_URL"],
    ["https://", "INVALID_URL"],
    ["//idp.example/token", REFUSED],
    ["/token", REFUSED],
    ["", ["INVALID_URL", "INVALID_ARGUMENT"]],
    // RFC 6749 §3.1, §3.1.2: endpoints and redirect URIs have no fragment.
    ["https://idp.example/token#frag", "INVALID_URL"],
    ["http://localhost.evil.example/token", "INSECURE_URL"],
    ["http://127.0.0.1.evil.example/token", "INSECURE_URL"],
    ["http://127.0.0.1@evil.example/token", REFUSED],
    // Choice: other spellings of a loopback address are refused, or used as the WHATWG parser reads them.
    ["http://0x7f000001/token", accept(check("http://0x7f000001/token"), ...REFUSED)],
    ["http://127.1/token", accept(check("http://127.1/token"), ...REFUSED)],
    ["http://[::ffff:127.0.0.1]/token", accept(check("http://[::ffff:127.0.0.1]/token"), ...REFUSED)],
    // Choice: very long URLs may be refused.
    [`https://idp.example/${"a".repeat(100_000)}`, accept(check(`https://idp.example/${"a".repeat(100_000)}`), "INVALID_URL")],
    [42, "INVALID_ARGUMENT"],
    [{ label: "a URL object", toString: () => "https://idp.example/token" }, "INVALID_ARGUMENT"],
  ];
  const goodToken = () => jsonResponse(200, { access_token: "at", token_type: "Bearer", expires_in: 3600 });

  test("URLs into tokenEndpoint (a request is made only to the URL that was checked)", async () => {
    await table("tokenEndpoint", URL_ROWS(sameTarget), (u) => {
      const api = stubFetch(goodToken);
      const c = new lib.OAuth2Client({ tokenEndpoint: u, clientId: "app", clientSecret: "s", fetch: api, ...secretOpt });
      return c.clientCredentials().then(() => api.calls[0].url);
    });
  });

  test("URLs into authorizationEndpoint and redirectUri (buildAuthorizationUrl, client.authorizationUrl)", async () => {
    const codeChallenge = lib.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    await table("authorizationEndpoint", URL_ROWS(sameTarget), (u) => lib.buildAuthorizationUrl({ authorizationEndpoint: u, clientId: "c", codeChallenge }));
    await table("redirectUri", URL_ROWS((input) => (url) => sameTarget(input)(new URL(url).searchParams.get("redirect_uri"))), (u) =>
      lib.buildAuthorizationUrl({ authorizationEndpoint: "https://idp.example/authorize", clientId: "c", codeChallenge, redirectUri: u }));
    await table("OAuth2Client redirectUri", URL_ROWS((input) => (url) => sameTarget(input)(new URL(url).searchParams.get("redirect_uri"))), (u) =>
      new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", authorizationEndpoint: "https://idp.example/authorize", clientId: "c", redirectUri: u }).authorizationUrl().url);
  });

  test("URLs into the presets' baseUrl / apiBaseUrl", async () => {
    const common = { clientId: "c", redirectUri: "https://app.example/cb", state: "s", codeChallenge: lib.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") };
    await table("spendeskAuthorizationUrl baseUrl", URL_ROWS(sameOrigin), (u) => lib.spendeskAuthorizationUrl({ ...common, baseUrl: u }));
    await table("pleoAuthorizationUrl baseUrl", URL_ROWS(sameOrigin), (u) => lib.pleoAuthorizationUrl({ ...common, baseUrl: u }));
    await table("Findity baseUrl", URL_ROWS(sameOrigin), (u) => {
      const api = stubFetch(goodToken);
      const c = new lib.Findity({ clientId: "c", clientSecret: "s", baseUrl: u, fetch: api, ...secretOpt });
      return c.clientCredentials().then(() => api.calls[0].url);
    });
    const token = jwt({ sub: "u", exp: Math.floor(Date.now() / 1000) + 86_400 });
    await table("ProSpend apiBaseUrl", URL_ROWS(sameOrigin), (u) => {
      const api = stubFetch(() => new Response("[]"));
      const p = new lib.ProSpend({ token, apiBaseUrl: u, fetch: api });
      return p.fetch("/api/v1/expenses").then(() => api.calls[0].url);
    });
  });

  test("URLs into session.fetch and allowedOrigins", async () => {
    const client = new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", fetch: stubFetch(goodToken) });
    // Generic client: any https origin (http on loopback); the request goes where the WHATWG parser says.
    // Choice for session.fetch: userinfo, backslashes, whitespace are refused as for endpoints.
    // For session.fetch (the app's own URL, no fragment rule), rows an endpoint refuses as INVALID_URL may
    // instead be sent exactly where the WHATWG parser puts them. Choice. Plain http and other schemes stay refused.
    const relaxed = URL_ROWS(sameTarget).map(([i, e]) => [i, e === "INVALID_URL" ? accept(sameTarget(i), ...REFUSED) : e]);
    await table("session.fetch", relaxed, (u) => {
      const api = stubFetch(() => new Response("{}"));
      const s = new lib.TokenSession({ client, tokens: tokenSet("0"), fetch: api });
      return s.fetch(u).then(() => api.calls[0].url);
    }, { async: true });
    // A preset: lookalikes of its API origin never get the token.
    const pleo = new lib.Pleo({ clientId: "c", clientSecret: "s", fetch: stubFetch(goodToken), ...secretOpt });
    const pleoOnly = (sent) => eq(new URL(sent).origin, "https://external.pleo.io", "origin of what was sent");
    const LOOKALIKES = [
      ["https://external.pleo.io/v1/x", accept(pleoOnly)],
      ["HTTPS://EXTERNAL.PLEO.IO/v1/x", accept(pleoOnly)],
      ["https://external.pleo.io@evil.example/v1/x", REFUSED],
      ["https://evil.example@external.pleo.io/v1/x", accept(pleoOnly, ...REFUSED)], // choice: userinfo refused, or ignored (same origin)
      ["https://external.pleo.io\\@evil.example/v1/x", REFUSED],
      ["https://external.pleo.io.evil.example/v1/x", REFUSED],
      ["https://external.pleo.io:443.evil.example/v1/x", REFUSED],
      ["https://external.pleo.io%2eevil.example/v1/x", REFUSED],
      ["https://external.pleo.io\t.evil.example/v1/x", REFUSED],
      ["https://external.pleo.io:444/v1/x", REFUSED],
      ["http://external.pleo.io/v1/x", REFUSED],
      ["https://extern\u0430l.pleo.io/v1/x", REFUSED],
      ["javascript:fetch('https://external.pleo.io/')", REFUSED],
    ];
    await table("Pleo session.fetch", LOOKALIKES, (u) => {
      const api = stubFetch(() => new Response("{}"));
      const s = new lib.TokenSession({ client: pleo, tokens: tokenSet("0"), fetch: api });
      return s.fetch(u).then(() => api.calls[0].url);
    }, { async: true });
    // allowedOrigins entries: an origin is accepted; anything else is refused at construction (or never matches).
    const ORIGINS = [
      ["https://files.example", accept((s) => ok(s, "constructed"))],
      ["HTTPS://FILES.EXAMPLE", accept((s) => ok(s, "constructed"))],
      ["http://127.0.0.1:9", accept((s) => ok(s, "constructed"))],
      // Refused at construction; whether the code is INVALID_ARGUMENT or a URL code is a choice.
      ["http://files.example", [...REFUSED, "INVALID_ARGUMENT"]], // plain http to a non-loopback origin can never be allowed
      ["javascript:alert(1)", [...REFUSED, "INVALID_ARGUMENT"]],
      ["https://user:pass@files.example", [...REFUSED, "INVALID_ARGUMENT"]],
      ["https://[fe80::1%25eth0]", [...REFUSED, "INVALID_ARGUMENT"]],
      ["not a url", [...REFUSED, "INVALID_ARGUMENT"]],
      ["", ["INVALID_URL", "INVALID_ARGUMENT"]],
      [42, "INVALID_ARGUMENT"],
    ];
    await table("allowedOrigins", ORIGINS, (o) => new lib.TokenSession({ client, tokens: tokenSet("0"), allowedOrigins: [o] }));
    for (const bad of ["https://files.example", null, { label: "an object" }]) {
      try {
        new lib.TokenSession({ client, allowedOrigins: bad });
        throw new Error(`allowedOrigins ${show(bad)} (not an array) was accepted`);
      } catch (e) {
        expectCoded(e, "INVALID_ARGUMENT", `allowedOrigins ${show(bad)}`);
      }
    }
  });

  test("parseCallback: hostile callback URLs", async () => {
    const code = (want) => accept((r) => eq(r.code, want, "code"));
    const BAD_CODE = ["INVALID_ARGUMENT", "INVALID_RESPONSE", "MISSING_CODE", "INVALID_URL"];
    const ROWS = [
      ["https://app.example/cb?code=abc&state=xyz", code("abc")],
      ["HTTPS://APP.EXAMPLE/cb?code=abc&state=xyz", code("abc")],
      // Choice: the callback's userinfo/scheme are not the client's business (the query is), or refused.
      ["https://user:pass@app.example/cb?code=abc&state=xyz", accept((r) => eq(r.code, "abc"), "INVALID_URL")],
      ["javascript:alert(1)//?code=abc&state=xyz", accept((r) => eq(r.code, "abc"), "INVALID_URL")],
      ["https://[fe80::1%25eth0]/cb?code=abc&state=xyz", accept((r) => eq(r.code, "abc"), "INVALID_URL")],
      ["https://app.example\\cb?code=abc&state=xyz", accept((r) => eq(r.code, "abc"), "INVALID_URL")],
      // The fragment is not the query (RFC 3986 §3.5): parameters there do not override it. Choice: ignored, or refused.
      ["https://app.example/cb?code=abc&state=xyz#code=evil&state=xyz", accept((r) => eq(r.code, "abc"), "INVALID_URL", "DUPLICATE_PARAMETER")],
      // RFC 6749 Appendix A.11: code = 1*VSCHAR (%x20-7E). NUL, CR/LF, tab, non-ASCII are refused (issue 10 §5);
      // which code is a choice (INVALID_RESPONSE: the callback is the authorization response, RFC 6749 §4.1.2).
      ["https://app.example/cb?code=a%00b&state=xyz", BAD_CODE],
      ["https://app.example/cb?code=a%0D%0Ab&state=xyz", BAD_CODE],
      ["https://app.example/cb?code=a\tb&state=xyz", BAD_CODE],
      ["https://app.example/cb?code=a\nb&state=xyz", BAD_CODE],
      ["https://app.example/cb?code=%E2%82%AC&state=xyz", BAD_CODE],
      ["https://app.example/cb?code=%FF&state=xyz", BAD_CODE],
      ["https://app.example/cb?code=%ZZ&state=xyz", accept((r) => eq(r.code, "%ZZ"), "INVALID_ARGUMENT", "INVALID_URL")], // choice: kept as is (URLSearchParams does), or refused
      ["https://app.example/cb?code=&state=xyz", ["MISSING_CODE", "INVALID_ARGUMENT"]],
      ["https://app.example/cb?code=abc&state=xyz&state=xyz", "DUPLICATE_PARAMETER"],
      ["https://app.example/cb?code=abc&code=abc&state=xyz", "DUPLICATE_PARAMETER"],
      ["https://app.example/cb?code=abc&state=XYZ", "STATE_MISMATCH"],
      ["https://app.example/cb?code=abc&state=xyz%00", ["STATE_MISMATCH", "INVALID_ARGUMENT"]],
      ["https://app.example/cb?code=abc&STATE=xyz", "MISSING_STATE"], // parameter names are case-sensitive
      ["https://app.example/cb?code=abc&state=x%79z", code("abc")], // percent-decoded before the comparison
      // RFC 6749 §4.1.2: the query is application/x-www-form-urlencoded, so "+" is a space (VSCHAR allows it). Choice: refused.
      ["https://app.example/cb?code=a+b&state=xyz", accept((r) => eq(r.code, "a b"), "INVALID_ARGUMENT")],
      [`https://app.example/cb?code=${"a".repeat(100_000)}&state=xyz`, accept((r) => eq(r.code.length, 100_000), "INVALID_ARGUMENT", "INVALID_URL")], // choice: a size limit
      [`https://app.example/cb?${"x=1&".repeat(50_000)}code=abc&state=xyz`, accept((r) => eq(r.code, "abc"), "INVALID_ARGUMENT", "INVALID_URL")],
      ["?error=access_denied&error_uri=javascript%3Aalert(1)&state=xyz", "AUTHORIZATION_ERROR"],
      [42, "INVALID_ARGUMENT"],
    ];
    await table("parseCallback", ROWS, (u) => lib.parseCallback(u, "xyz"));
    // error_uri must not pass javascript: through (issue 10 §5).
    try {
      lib.parseCallback("?error=access_denied&error_uri=javascript%3Aalert(1)&state=xyz", "xyz");
    } catch (e) {
      expectCoded(e, "AUTHORIZATION_ERROR");
      ok(e.errorUri === undefined || /^https:/i.test(e.errorUri), `errorUri ${e.errorUri} is not passed on`);
    }
    // An empty expected state is refused (issue 10 §5); only null means "no state was sent".
    await table("parseCallback expectedState", [
      ["", "INVALID_ARGUMENT"],
      [42, "INVALID_ARGUMENT"],
      [{ label: "an object" }, "INVALID_ARGUMENT"],
    ], (st) => lib.parseCallback("https://app.example/cb?code=abc&state=", st));
  });

  // ---------------------------------------------------------------- JSON bodies
  const at = (want) => accept((t) => eq(t.accessToken, want, "accessToken"));
  const finiteOrAbsent = (pred = () => true, what = "expiresAt") => (t) =>
    ok(t.expiresAt === undefined || (Number.isInteger(t.expiresAt) && Number.isFinite(t.expiresAt) && pred(t.expiresAt)), `${what} ${t.expiresAt} is a finite integer or absent`);
  const finiteFuture = (t) => ok(Number.isInteger(t.expiresAt) && Number.isFinite(t.expiresAt) && t.expiresAt > NOW + 3_600_000, `expiresAt ${t.expiresAt} is a finite integer in the future`);
  const withMember = (json) => `{"access_token":"ok","token_type":"Bearer","extra":${json}}`;
  const withExpires = (json) => `{"access_token":"ok","token_type":"Bearer","expires_in":${json}}`;
  const BIG = "1" + "0".repeat(999);
  const JSON_ROWS = [
    [GOOD, accept((t) => eq(t.expiresAt, NOW + 3_600_000))],
    [deep(100_000), "INVALID_RESPONSE"],
    [deep(100_000, '{"a":', "}").replace(/\{"a":\}/, '{"a":1}'), ["INVALID_RESPONSE", "RESPONSE_TOO_LARGE"]], // 600 kB: a size cap may come first
    // Choice: a 100 000-deep member is parsed (and ignored), or refused by a depth limit.
    [withMember(deep(100_000)), accept((t) => eq(t.accessToken, "ok"), "INVALID_RESPONSE")],
    [withMember(BIG), at("ok")], // a 1 000-digit number in a member the library does not read
    [withMember(`-${BIG}.${BIG}e-${BIG}`), accept((t) => eq(t.accessToken, "ok"), "INVALID_RESPONSE")], // choice: exponent overflow in an unread member
    // expires_in: a 1 000-digit number. Choice: refused, or a finite (clamped) expiresAt ("finite integer or absent").
    [withExpires(BIG), accept(finiteOrAbsent((e) => e > NOW)), "INVALID_RESPONSE"],
    [withExpires(`-${BIG}`), accept(finiteOrAbsent((e) => e <= NOW)), "INVALID_RESPONSE"],
    [withExpires(`0.${"0".repeat(998)}1`), accept(finiteOrAbsent()), "INVALID_RESPONSE"],
    [withExpires("1e308"), accept(finiteFuture)], // as 1e306 in the contract: finite, and the answer is not thrown away
    [withExpires("1e306"), accept(finiteFuture)],
    [withExpires("1.0005"), accept(finiteOrAbsent((e) => e >= NOW + 1000))],
    [withExpires("0"), accept(finiteOrAbsent((e) => e <= NOW))],
    // Choice: a negative lifetime is refused, or read as already expired.
    [withExpires("-1"), accept(finiteOrAbsent((e) => e <= NOW)), "INVALID_RESPONSE"],
    // RFC 6749 §5.1: a number. Choice: a numeric string is accepted as servers send it, or refused.
    [withExpires('"3600"'), accept((t) => eq(t.expiresAt, NOW + 3_600_000)), "INVALID_RESPONSE"],
    [withExpires('"abc"'), accept(finiteOrAbsent((e) => false, "expiresAt of a non-number")), "INVALID_RESPONSE"],
    [withExpires('"NaN"'), accept(finiteOrAbsent((e) => false, "expiresAt of NaN")), "INVALID_RESPONSE"],
    [withExpires('"Infinity"'), accept(finiteOrAbsent(), "INVALID_RESPONSE")],
    [withExpires("NaN"), "INVALID_RESPONSE"], // not JSON
    [withExpires("Infinity"), "INVALID_RESPONSE"], // not JSON
    [withExpires("true"), accept(finiteOrAbsent((e) => false, "expiresAt of true")), "INVALID_RESPONSE"],
    [withExpires("{}"), accept(finiteOrAbsent((e) => false, "expiresAt of {}")), "INVALID_RESPONSE"],
    [withExpires("null"), accept(finiteOrAbsent((e) => false, "expiresAt of null"), "INVALID_RESPONSE")], // choice: null = absent (it is optional)
    // Duplicate keys. Choice: the last one wins (as JSON.parse), or the body is refused (RFC 8259 §4, RFC 7493 §2.3) — never the first.
    ['{"access_token":"first","access_token":"last","token_type":"Bearer"}', accept((t) => eq(t.accessToken, "last")), "INVALID_RESPONSE"],
    ['{"access_token":"ok","token_type":"Bearer","token_type":"DPoP"}', "INVALID_RESPONSE"],
    ['{"access_token":"ok","token_type":"DPoP","token_type":"Bearer"}', accept((t) => eq(t.tokenType, "Bearer")), "INVALID_RESPONSE"],
    // A BOM (RFC 8259 §8.1: a parser MAY ignore it). Choice: ignored, or refused.
    [`\uFEFF${GOOD}`, accept((t) => eq(t.accessToken, "ok")), "INVALID_RESPONSE"],
    // RFC 6749 Appendix A.12: access-token = 1*VSCHAR. CR/LF (header injection), NUL, lone surrogates, non-ASCII are refused.
    ['{"access_token":"a\\r\\nX-Injected: 1","token_type":"Bearer"}', "INVALID_RESPONSE"],
    ['{"access_token":"a\\u0000b","token_type":"Bearer"}', "INVALID_RESPONSE"],
    ['{"access_token":"a\\ud800b","token_type":"Bearer"}', "INVALID_RESPONSE"],
    ['{"access_token":"a\\ufffdb","token_type":"Bearer"}', "INVALID_RESPONSE"],
    ['{"access_token":"","token_type":"Bearer"}', "INVALID_RESPONSE"],
    ['{"access_token":123,"token_type":"Bearer"}', "INVALID_RESPONSE"],
    ['{"access_token":"ok","token_type":"bearer"}', accept((t) => eq(t.tokenType, "Bearer"))], // RFC 6749 §5.1: case-insensitive
    ['{"access_token":"ok","token_type":"Bearer","refresh_token":"r\\r\\n"}', "INVALID_RESPONSE"], // refresh-token = 1*VSCHAR
    ['{"access_token":"ok","token_type":"Bearer","refresh_token":42}', "INVALID_RESPONSE"],
    // Choice: a 10 MB string is refused (by size or by the VSCHAR/length rules), or — in a member the library does not read — accepted.
    [`{"access_token":"${"a".repeat(MB10)}","token_type":"Bearer"}`, ["RESPONSE_TOO_LARGE", "INVALID_RESPONSE"]],
    [withMember(`"${"a".repeat(MB10)}"`), accept((t) => eq(t.accessToken, "ok"), "RESPONSE_TOO_LARGE", "INVALID_RESPONSE")],
    [withMember(`{${Array.from({ length: 10_000 }, (_, i) => `"k${i}":${i}`).join(",")}}`), at("ok")],
    ["", "INVALID_RESPONSE"],
    ["null", "INVALID_RESPONSE"],
    ["[]", "INVALID_RESPONSE"],
    ['"ok"', "INVALID_RESPONSE"],
    ["123", "INVALID_RESPONSE"],
    [`${GOOD} x`, "INVALID_RESPONSE"],
    [`${GOOD}${GOOD}`, "INVALID_RESPONSE"],
    ['{"access_token":"ok","token_type":"Bearer"', "INVALID_RESPONSE"],
    ["{'access_token':'ok'}", "INVALID_RESPONSE"],
  ];

  test("JSON bodies through parseTokenResponse", async () => {
    await table("parseTokenResponse", JSON_ROWS, (body) => lib.parseTokenResponse({ status: 200, body, now: NOW }));
    // Error bodies: hostile error fields never make a success, and error_uri is not passed on unless https.
    await table("parseTokenResponse 400", [
      ['{"error":"invalid_request","error_uri":"javascript:alert(1)"}', "OAUTH_ERROR"],
      [`{"error":"${"e".repeat(MB10)}"}`, ["OAUTH_ERROR", "RESPONSE_TOO_LARGE", "HTTP_ERROR", "INVALID_RESPONSE"]],
      [deep(100_000), ["HTTP_ERROR", "INVALID_RESPONSE", "OAUTH_ERROR"]],
      ['{"error":42}', ["HTTP_ERROR", "INVALID_RESPONSE", "OAUTH_ERROR"]],
      ['{"error":"invalid_grant","error":"x"}', ["OAUTH_ERROR", "INVALID_RESPONSE", "HTTP_ERROR"]],
      [GOOD, ["HTTP_ERROR", "OAUTH_ERROR", "INVALID_RESPONSE"]], // a token in a 400 answer is not a success
    ], (body) => lib.parseTokenResponse({ status: 400, body, now: NOW }));
    try {
      lib.parseTokenResponse({ status: 400, body: '{"error":"invalid_request","error_uri":"javascript:alert(1)"}' });
    } catch (e) {
      ok(e.errorUri === undefined || /^https:/i.test(e.errorUri), `errorUri ${e.errorUri} is not passed on`);
    }
    // Every provider profile reads the same hostile bodies without breaking.
    for (const provider of ["spendesk", "pleo", "findity"]) {
      for (const grant of ["authorization_code", "refresh_token", "client_credentials"]) {
        for (const [body] of JSON_ROWS.filter(([b]) => b.length < 300_000)) {
          try {
            const t = lib.parseTokenResponse({ status: 200, body, provider, grant, now: NOW });
            ok(typeof t.accessToken === "string" && t.accessToken.length > 0, `${provider}/${grant} ${show(body)}: an accepted set has an access token`);
            ok(t.expiresAt === undefined || (Number.isInteger(t.expiresAt) && Number.isFinite(t.expiresAt)), `${provider}/${grant} ${show(body)}: expiresAt ${t.expiresAt} is a finite integer or absent`);
          } catch (e) {
            expectCoded(e, "ANY", `${provider}/${grant} ${show(body)}`);
          }
        }
      }
    }
    stillWorks("providers");
  });

  test("JSON bodies through a stub fetch: bytes, sizes with and without Content-Length, streams", async () => {
    const enc = new TextEncoder();
    const bytes = (...parts) => {
      const chunks = parts.map((p) => (typeof p === "string" ? enc.encode(p) : Uint8Array.from(p)));
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let i = 0;
      for (const c of chunks) { out.set(c, i); i += c.length; }
      return out;
    };
    // A body stream of `total` bytes in 64 KiB chunks that counts what was pulled.
    const counted = (total, fill = 0x61) => {
      const meter = { pulled: 0 };
      const chunk = new Uint8Array(64 * 1024).fill(fill);
      meter.stream = new ReadableStream({
        pull(c) {
          if (meter.pulled >= total) return c.close();
          meter.pulled += chunk.length;
          c.enqueue(chunk.slice());
        },
      });
      return meter;
    };
    const ROWS = [
      [{ label: "good", body: () => GOOD }, at("ok")],
      // The Encoding Standard's UTF-8 decode (what Response.text() does) drops a leading BOM. Choice: that, or refused.
      [{ label: "UTF-8 BOM + good", body: () => bytes([0xef, 0xbb, 0xbf], GOOD) }, accept((t) => eq(t.accessToken, "ok")), "INVALID_RESPONSE"],
      // Invalid UTF-8 in the access token: refused (as U+FFFD it is not VSCHAR, RFC 6749 A.12).
      [{ label: "invalid UTF-8 in access_token", body: () => bytes('{"access_token":"a', [0xff, 0xfe], '","token_type":"Bearer"}') }, "INVALID_RESPONSE"],
      [{ label: "overlong UTF-8 in access_token", body: () => bytes('{"access_token":"a', [0xc0, 0xaf], '","token_type":"Bearer"}') }, "INVALID_RESPONSE"],
      // Choice: invalid UTF-8 in a member the library does not read is replaced (U+FFFD) or refused.
      [{ label: "invalid UTF-8 in another member", body: () => bytes('{"access_token":"ok","token_type":"Bearer","x":"', [0xff], '"}') }, accept((t) => eq(t.accessToken, "ok")), "INVALID_RESPONSE"],
      [{ label: "UTF-16 body", body: () => bytes([0xff, 0xfe], Array.from(GOOD).flatMap((c) => [c.charCodeAt(0), 0])) }, "INVALID_RESPONSE"],
      [{ label: "100 000 nested arrays", body: () => deep(100_000) }, "INVALID_RESPONSE"],
      [{ label: "1 000-digit expires_in", body: () => withExpires(BIG) }, accept(finiteOrAbsent((e) => e > Date.now())), "INVALID_RESPONSE"],
      // 256 KiB cap for token endpoints (api-contract: enforced while reading).
      [{ label: "10 MB string with Content-Length", body: () => `{"access_token":"${"a".repeat(MB10)}"}`, headers: { "content-length": String(MB10 + 18) } }, "RESPONSE_TOO_LARGE"],
      [{ label: "10 MB string without Content-Length", body: () => `{"access_token":"${"a".repeat(MB10)}"}` }, "RESPONSE_TOO_LARGE"],
      [{ label: "10 MB stream without Content-Length", stream: MB10 }, "RESPONSE_TOO_LARGE"],
      [{ label: "10 MB stream with Content-Length", stream: MB10, headers: { "content-length": String(MB10) } }, "RESPONSE_TOO_LARGE"],
      [{ label: "Content-Length says 10, the stream is 1 MB", stream: 1024 * 1024, headers: { "content-length": "10" } }, ["RESPONSE_TOO_LARGE", "INVALID_RESPONSE", "NETWORK_ERROR"]],
      [{ label: "Content-Length: -1 / garbage", body: () => GOOD, headers: { "content-length": "-1" } }, accept((t) => eq(t.accessToken, "ok")), "INVALID_RESPONSE", "NETWORK_ERROR"],
      [{ label: "a stream that errors half-way", errorStream: true }, "NETWORK_ERROR"],
      [{ label: "empty 200", body: () => "" }, "INVALID_RESPONSE"],
    ];
    await table("fetched body", ROWS, (row) => {
      let meter;
      let body;
      if (row.stream) {
        meter = counted(row.stream);
        body = meter.stream;
      } else if (row.errorStream) {
        let n = 0;
        body = new ReadableStream({ pull(c) { if (n++ === 0) c.enqueue(new TextEncoder().encode('{"access_token":')); else c.error(new TypeError("connection reset")); } });
      } else body = row.body();
      const api = stubFetch(() => new Response(body, { status: 200, headers: { "content-type": "application/json", ...(row.headers ?? {}) } }));
      const c = new lib.OAuth2Client({ tokenEndpoint: "https://idp.example/token", clientId: "app", clientSecret: "s", fetch: api, timeoutMs: 4000, ...secretOpt });
      const p = c.clientCredentials();
      // The cap is enforced while reading: far less than the 10 MB is pulled from the stream.
      return meter ? p.finally(() => ok(meter.pulled < 2 * 1024 * 1024, `${row.label}: read ${meter.pulled} bytes of ${row.stream} before refusing`)) : p;
    }, { async: true, ms: 10_000 });
  });

  // ---------------------------------------------------------------- JWTs
  test("JWTs: wrong part counts, bad base64url, non-object payloads", async () => {
    const H = b64url('{"alg":"HS256","typ":"JWT"}');
    const P = (json) => `${H}.${b64urlUtf8(json)}.c2ln`;
    const claims = (check) => accept(check);
    const ROWS = [
      [P('{"sub":"u"}'), claims((p) => eq(p.sub, "u"))],
      ["e30.e30", "INVALID_JWT"], // 2 parts
      [`${H}.e30.c2ln.c2ln`, "INVALID_JWT"], // 4 parts
      [`${H}.e30.c2ln.c2ln.c2ln`, "INVALID_JWT"], // 5 parts (a JWE is not decoded)
      // RFC 7519 §6.1: an unsecured JWT has an empty signature. Choice: decoded, or refused.
      [`${H}.e30.`, accept((p) => eq(JSON.stringify(p), "{}"), "INVALID_JWT")],
      [".e30.c2ln", "INVALID_JWT"],
      [`${H}..c2ln`, "INVALID_JWT"],
      [`${H}.e30+/.c2ln`, "INVALID_JWT"], // base64, not base64url (RFC 7515 §2)
      [`${H}.e3=0.c2ln`, "INVALID_JWT"], // padding inside
      [`${H}.A.c2ln`, "INVALID_JWT"], // impossible length
      [`${H}.e3.c2ln`, "INVALID_JWT"], // decodes to "{"
      [`${H}.${b64url(" ")}.c2ln`, "INVALID_JWT"],
      [`${H}.e30%.c2ln`, "INVALID_JWT"],
      [` ${H}.e30.c2ln`, "INVALID_JWT"],
      [`${H}.e30.c2ln\n`, accept((p) => eq(JSON.stringify(p), "{}"), "INVALID_JWT")], // choice: the unverified signature segment is not read, or it is checked
      [`${H}.é30.c2ln`, "INVALID_JWT"],
      [P("null"), "INVALID_JWT"],
      [P("42"), "INVALID_JWT"],
      [P('"str"'), "INVALID_JWT"],
      [P("true"), "INVALID_JWT"],
      [P("[]"), "INVALID_JWT"],
      [P("[{}]"), "INVALID_JWT"],
      [`${H}.${b64urlBytes([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])}.c2ln`, "INVALID_JWT"], // invalid UTF-8
      [P('\uFEFF{"sub":"u"}'), accept((p) => eq(p.sub, "u"), "INVALID_JWT")], // choice: a BOM ignored, or refused
      [P('{"sub":"a","sub":"b"}'), accept((p) => eq(p.sub, "b"), "INVALID_JWT")], // choice: last wins (JSON.parse), or refused
      [P(`{"x":${deep(10_000)}}`), accept((p) => ok(Array.isArray(p.x)), "INVALID_JWT")], // choice: depth limit
      [P(`{"x":${"1" + "0".repeat(999)}}`), accept((p) => ok(typeof p.x === "number"), "INVALID_JWT")],
      [P(`{"x":"${"a".repeat(1024 * 1024)}"}`), accept((p) => eq(p.x.length, 1024 * 1024), "INVALID_JWT")], // choice: a size limit
      [`${"x".repeat(MB10)}`, "INVALID_JWT"],
      [42, "INVALID_ARGUMENT"],
      [null, "INVALID_ARGUMENT"],
      [{ label: "an object" }, "INVALID_ARGUMENT"],
    ];
    await table("decodeJwtUnverified", ROWS, (t) => lib.decodeJwtUnverified(t));
    const wallet = (json) => P(json);
    await table("spendeskWalletId", [
      [wallet('{"wallet_id":"w-1"}'), accept((w) => eq(w, "w-1"))],
      ["e30.e30", "INVALID_JWT"],
      [`${H}.e30+/.c2ln`, "INVALID_JWT"],
      [P("[]"), "INVALID_JWT"],
      [wallet('{"wallet_id":{"id":"w"}}'), ["MISSING_CLAIM", "INVALID_JWT"]],
      [wallet('{"wallet_id":["w"]}'), ["MISSING_CLAIM", "INVALID_JWT"]],
      [wallet('{"wallet_id":null}'), ["MISSING_CLAIM", "INVALID_JWT"]],
      [wallet('{"wallet_id":""}'), ["MISSING_CLAIM", "INVALID_JWT"]],
      [wallet('{"wallet_id":"w\\r\\nx"}'), accept((w) => eq(w, "w\r\nx"), "MISSING_CLAIM", "INVALID_JWT")], // choice
      [wallet('{"__proto__":{"wallet_id":"evil"}}'), ["MISSING_CLAIM"]],
      [42, "INVALID_ARGUMENT"],
    ], (t) => lib.spendeskWalletId(t));
    const future = Math.floor(Date.now() / 1000) + 86_400;
    await table("ProSpend token", [
      [P(`{"exp":${future}}`), accept((p) => eq(p.expiresAt, future * 1000))],
      // The token becomes an Authorization header value: nothing outside b64token (RFC 6750 §2.1) may pass.
      [`${P(`{"exp":${future}}`)}\n`, ["INVALID_JWT", "INVALID_ARGUMENT"]],
      [`${P(`{"exp":${future}}`)}\r\nX-Injected: 1`, ["INVALID_JWT", "INVALID_ARGUMENT"]],
      ["e30.e30", "INVALID_JWT"],
      [`${H}.e30.c2ln.c2ln`, "INVALID_JWT"],
      [`${H}.e30+/.c2ln`, "INVALID_JWT"],
      [P("[]"), "INVALID_JWT"],
      [P('{"exp":-1}'), "TOKEN_EXPIRED"],
      [P('{"exp":0}'), "TOKEN_EXPIRED"],
      // Choice: an exp that is not a finite number is refused, or the token has no known expiry; never an infinite expiresAt.
      [P('{"exp":"9999999999"}'), accept(finiteOrAbsent(), "INVALID_JWT", "TOKEN_EXPIRED")],
      [P('{"exp":1e308}'), accept(finiteOrAbsent(), "INVALID_JWT")],
      [P(`{"exp":${"9".repeat(1000)}}`), accept(finiteOrAbsent(), "INVALID_JWT")],
      [P(`{"exp":${future}.5}`), accept(finiteOrAbsent(), "INVALID_JWT")],
      [P('{"exp":null}'), accept(finiteOrAbsent(), "INVALID_JWT")],
    ], (t) => new lib.ProSpend({ token: t, fetch: stubFetch(() => new Response("[]")) }));
  });

  // ---------------------------------------------------------------- options objects
  test("options objects: throwing getters, proxies, null prototypes, wrong types", async () => {
    const boom = () => { throw new Error("getter boom"); };
    const trap = new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const nullProto = (o) => Object.assign(Object.create(null), o);
    const transparent = (o) => new Proxy(o, {});
    const codeChallenge = lib.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    const AUTH = { authorizationEndpoint: "https://idp.example/a", clientId: "c", codeChallenge };
    const built = accept((u) => ok(typeof u === "string" && u.startsWith("https://idp.example/a?"), "a URL"));
    const lbl = (label, v) => Object.assign(() => v, { label });
    await table("buildAuthorizationUrl options", [
      [lbl("plain", AUTH), built],
      [lbl("null prototype", nullProto(AUTH)), built], // a null-prototype object is an object
      [lbl("transparent proxy", transparent(AUTH)), built],
      [lbl("null-prototype extraParams", { ...AUTH, extraParams: nullProto({ prompt: "consent" }) }), accept((u) => ok(u.endsWith("&prompt=consent"), "extra param"))],
      [lbl("throwing getter", { ...AUTH, get clientId() { return boom(); } }), "INVALID_ARGUMENT"],
      [lbl("throwing proxy", trap), "INVALID_ARGUMENT"],
      [lbl("revoked proxy", revoked), "INVALID_ARGUMENT"],
      [lbl("extraParams proxy that throws", { ...AUTH, extraParams: trap }), "INVALID_ARGUMENT"],
      [lbl("extraParams revoked proxy", { ...AUTH, extraParams: revoked }), "INVALID_ARGUMENT"],
      [lbl("scopes proxy that throws", { ...AUTH, scopes: new Proxy(["a"], { get: boom }) }), "INVALID_ARGUMENT"],
      [lbl("scopes with a number", { ...AUTH, scopes: ["a", 1] }), "INVALID_ARGUMENT"],
      [lbl("clientId object with toString", { ...AUTH, clientId: { toString: () => "c" } }), "INVALID_ARGUMENT"],
      [lbl("clientId symbol", { ...AUTH, clientId: Symbol("c") }), "INVALID_ARGUMENT"],
      [lbl("clientId bigint", { ...AUTH, clientId: 1n }), "INVALID_ARGUMENT"],
      [lbl("extraParams number value", { ...AUTH, extraParams: { x: 1 } }), "INVALID_ARGUMENT"],
      // Extra parameters may not smuggle in what belongs to the token request (issue 10 §5). Which code is a choice.
      [lbl("extraParams code_verifier", { ...AUTH, extraParams: { code_verifier: "v" } }), ["DUPLICATE_PARAMETER", "INVALID_ARGUMENT"]],
      [lbl("extraParams client_secret", { ...AUTH, extraParams: { client_secret: "s" } }), ["DUPLICATE_PARAMETER", "INVALID_ARGUMENT"]],
      [lbl("extraParams __proto__", { ...AUTH, extraParams: JSON.parse('{"__proto__":{"x":"y"}}') }), accept((u) => ok(typeof u === "string"), "INVALID_ARGUMENT")],
      [lbl("array", [AUTH]), "INVALID_ARGUMENT"],
      [lbl("string", "https://idp.example/a"), "INVALID_ARGUMENT"],
      [lbl("number", 42), "INVALID_ARGUMENT"],
      [lbl("null", null), "INVALID_ARGUMENT"],
      [lbl("undefined", undefined), "INVALID_ARGUMENT"],
    ], (make) => lib.buildAuthorizationUrl(make()));

    const CLIENT = { tokenEndpoint: "https://idp.example/token", clientId: "app" };
    const made = accept((c) => ok(c && typeof c.clientCredentials === "function", "a client"));
    // Time of check, time of use: a getter that answers differently on each read.
    let reads = 0;
    const api = stubFetch(() => jsonResponse(200, { access_token: "at", token_type: "Bearer" }));
    const flip = { clientId: "app", clientSecret: "s", ...secretOpt, fetch: api, get tokenEndpoint() { return reads++ === 0 ? "https://idp.example/token" : "http://evil.example/token"; } };
    await table("OAuth2Client options", [
      [lbl("null prototype", nullProto(CLIENT)), made],
      [lbl("transparent proxy", transparent(CLIENT)), made],
      [lbl("throwing getter", { ...CLIENT, get clientSecret() { return boom(); } }), "INVALID_ARGUMENT"],
      [lbl("throwing fetch getter", { ...CLIENT, get fetch() { return boom(); } }), "INVALID_ARGUMENT"],
      [lbl("throwing proxy", trap), "INVALID_ARGUMENT"],
      [lbl("revoked proxy", revoked), "INVALID_ARGUMENT"],
      [lbl("fetch not a function", { ...CLIENT, fetch: "fetch" }), "INVALID_ARGUMENT"],
      [lbl("clientAuth BASIC", { ...CLIENT, clientSecret: "s", clientAuth: "BASIC", ...secretOpt }), "INVALID_ARGUMENT"],
      [lbl("timeoutMs bigint", { ...CLIENT, timeoutMs: 10n }), "INVALID_ARGUMENT"],
      [lbl("scopes object", { ...CLIENT, scopes: { 0: "a", length: 1 } }), "INVALID_ARGUMENT"],
    ], (make) => new lib.OAuth2Client(make()));
    let c;
    try {
      c = new lib.OAuth2Client(flip);
    } catch (e) {
      expectCoded(e, ["INVALID_URL", "INSECURE_URL", "INVALID_ARGUMENT"], "a tokenEndpoint getter that changes its answer");
    }
    if (c) {
      try { await c.clientCredentials(); } catch (e) { expectCoded(e, "ANY", "changing getter"); }
      ok(api.calls.every((x) => x.url.startsWith("https://idp.example/")), `the request went to the checked URL (${api.calls.map((x) => x.url)})`);
    }

    const client = new lib.OAuth2Client({ ...CLIENT, clientSecret: "s", ...secretOpt, fetch: stubFetch(() => jsonResponse(200, { access_token: "at", token_type: "Bearer" })) });
    const sessionMade = accept((s) => ok(s && typeof s.getAccessToken === "function", "a session"));
    await table("TokenSession options", [
      [lbl("null prototype", nullProto({ client, tokens: nullProto(tokenSet("0")) })), sessionMade],
      [lbl("transparent proxy", transparent({ client, tokens: transparent(tokenSet("0")) })), sessionMade],
      [lbl("throwing getter", { client, get onTokens() { return boom(); } }), "INVALID_ARGUMENT"],
      [lbl("throwing now getter", { client, get now() { return boom(); } }), "INVALID_ARGUMENT"],
      [lbl("throwing proxy", trap), "INVALID_ARGUMENT"],
      [lbl("tokens proxy that throws", { client, tokens: trap }), "INVALID_ARGUMENT"],
      [lbl("revoked tokens", { client, tokens: revoked }), "INVALID_ARGUMENT"],
      [lbl("revoked allowedOrigins", { client, allowedOrigins: revoked }), "INVALID_ARGUMENT"],
      [lbl("expiresAt Infinity", { client, tokens: { ...tokenSet("0"), expiresAt: Infinity } }), "INVALID_ARGUMENT"],
      [lbl("expiresAt NaN", { client, tokens: { ...tokenSet("0"), expiresAt: NaN } }), "INVALID_ARGUMENT"],
      [lbl("expiresAt string", { client, tokens: { ...tokenSet("0"), expiresAt: "soon" } }), "INVALID_ARGUMENT"],
      // Choice: refused when handed over, or accepted (it can never go into a header: sending it fails later).
      [lbl("accessToken with CR/LF", { client, tokens: { ...tokenSet("0"), accessToken: "a\r\nX: y" } }), sessionMade, "INVALID_ARGUMENT"],
      [lbl("skewMs negative", { client, skewMs: -1 }), "INVALID_ARGUMENT"],
      [lbl("skewMs NaN", { client, skewMs: NaN }), "INVALID_ARGUMENT"],
      [lbl("storeTimeoutMs negative", { client, storeTimeoutMs: -1 }), "INVALID_ARGUMENT"],
      [lbl("storeTimeoutMs string", { client, storeTimeoutMs: "10" }), "INVALID_ARGUMENT"],
      [lbl("onTokens not a function", { client, onTokens: {} }), "INVALID_ARGUMENT"],
    ], (make) => new lib.TokenSession(make()));

    await table("parseTokenResponse options", [
      [lbl("null prototype", nullProto({ status: 200, body: GOOD, now: NOW })), accept((t) => eq(t.accessToken, "ok"))],
      [lbl("transparent proxy", transparent({ status: 200, body: GOOD, now: NOW })), accept((t) => eq(t.accessToken, "ok"))],
      [lbl("throwing getter", { status: 200, get body() { return boom(); } }), "INVALID_ARGUMENT"],
      [lbl("throwing proxy", trap), "INVALID_ARGUMENT"],
      [lbl("status 200.5", { status: 200.5, body: GOOD }), "INVALID_ARGUMENT"],
      [lbl("status string", { status: "200", body: GOOD }), "INVALID_ARGUMENT"],
      [lbl("body Uint8Array", { status: 200, body: new TextEncoder().encode(GOOD) }), "INVALID_ARGUMENT"],
      [lbl("now Infinity", { status: 200, body: GOOD, now: Infinity }), "INVALID_ARGUMENT"],
      [lbl("now 1e300", { status: 200, body: GOOD, now: 1e300 }), accept(finiteOrAbsent()), "INVALID_ARGUMENT"],
      [lbl("provider PLEO", { status: 200, body: GOOD, provider: "PLEO" }), "INVALID_ARGUMENT"],
      [lbl("provider __proto__", { status: 200, body: GOOD, provider: "__proto__" }), "INVALID_ARGUMENT"],
    ], (make) => lib.parseTokenResponse(make()));

    // Per-call options of async methods: a rejected promise, never a synchronous throw.
    await table("clientCredentials options", [
      [lbl("null prototype", nullProto({ scopes: ["a"] })), accept((t) => eq(t.accessToken, "at"))],
      [lbl("throwing getter", { get signal() { return boom(); } }), "INVALID_ARGUMENT"],
      [lbl("throwing proxy", trap), "INVALID_ARGUMENT"],
      [lbl("revoked proxy", revoked), "INVALID_ARGUMENT"],
      [lbl("signal not a signal", { signal: {} }), "INVALID_ARGUMENT"],
      [lbl("signal with a throwing getter", { signal: { get addEventListener() { return boom(); } } }), "INVALID_ARGUMENT"],
      [lbl("signal a revoked proxy", { signal: revoked }), "INVALID_ARGUMENT"],
    ], (make) => client.clientCredentials(make()), { async: true });
  });

  return tests;
}
