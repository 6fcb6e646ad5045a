// The throughput cases, shared by Node and Chromium (no Node APIs).
// makeGroups({ ea, peers, fx, nop }) → groups of { id, title, cases, compare }.
//  ea:    the expense-auth module (pkg/node.js in Node, pkg/index.js in Chromium)
//  peers: bench/lib/peers.mjs (bundled for Chromium)
//  fx:    bench/lib/fixtures.mjs
//  nop:   exports of fixtures' NOP_WASM instance
// compare: [ours, peer, label] pairs whose ops/s ratio the report shows.

export function makeGroups({ ea, peers, fx, nop }) {
  const { oauth, decodeJwt, jwtDecode, pkceChallenge, OAuth2Client, CodeChallengeMethod, generateCodeVerifier, createS256CodeChallenge } = peers;
  const A = fx.AUTHORIZE;
  const jsonHeaders = { "content-type": "application/json" };
  const arcticClient = new OAuth2Client(A.clientId, null, A.redirectUri);
  const hasParse = typeof ea.parseTokenResponse === "function";
  const notExported = hasParse ? undefined : "not available in this build (parseTokenResponse is not exported)";

  const pkce = {
    id: "pkce",
    title: "PKCE pair (verifier + S256 challenge)",
    cases: [
      { id: "ea.createPkce", label: "expense-auth `createPkce()`", fn: () => ea.createPkce() },
      {
        id: "oauth4webapi.pkce",
        label: "oauth4webapi `generateRandomCodeVerifier()` + `await calculatePKCECodeChallenge(v)`",
        async: true,
        fn: async () => {
          const codeVerifier = oauth.generateRandomCodeVerifier();
          return { codeVerifier, codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier) };
        },
      },
      { id: "pkce-challenge", label: "pkce-challenge `await pkceChallenge()`", async: true, fn: () => pkceChallenge() },
      {
        id: "arctic.pkce",
        label: "arctic internals: `generateCodeVerifier()` + `createS256CodeChallenge(v)` (sync JS SHA-256, @oslojs/crypto)",
        fn: () => {
          const codeVerifier = generateCodeVerifier();
          return { codeVerifier, codeChallenge: createS256CodeChallenge(codeVerifier) };
        },
      },
    ],
    compare: [
      ["ea.createPkce", "oauth4webapi.pkce"],
      ["ea.createPkce", "pkce-challenge"],
      ["ea.createPkce", "arctic.pkce"],
    ],
  };

  const jwt = {
    id: "jwt",
    title: `JWT payload decoding (unverified), ${fx.TOKEN.length}-byte access token`,
    cases: [
      { id: "ea.decodeJwtUnverified", label: "expense-auth `decodeJwtUnverified(token)`", fn: () => ea.decodeJwtUnverified(fx.TOKEN) },
      { id: "jose.decodeJwt", label: "jose `decodeJwt(token)`", fn: () => decodeJwt(fx.TOKEN) },
      { id: "jwt-decode", label: "jwt-decode `jwtDecode(token)`", fn: () => jwtDecode(fx.TOKEN) },
      {
        id: "js.jwt-baseline",
        label: "baseline: plain JS (split + atob + TextDecoder + JSON.parse)",
        fn: () => {
          const p = fx.TOKEN.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
          const bin = atob(p);
          const bytes = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
          return JSON.parse(utf8.decode(bytes));
        },
      },
    ],
    compare: [
      ["ea.decodeJwtUnverified", "jose.decodeJwt"],
      ["ea.decodeJwtUnverified", "jwt-decode"],
      ["ea.decodeJwtUnverified", "js.jwt-baseline"],
    ],
  };

  const url = {
    id: "url",
    title: "Authorize-URL building (PKCE S256, 5 scopes)",
    cases: [
      { id: "ea.buildAuthorizationUrl", label: "expense-auth `buildAuthorizationUrl(opts)` (challenge given)", fn: () => ea.buildAuthorizationUrl(A) },
      {
        id: "oauth4webapi.url",
        label: "oauth4webapi style: `new URL(as.authorization_endpoint)` + 7 × `searchParams.set` + `.href` (challenge given)",
        fn: () => {
          const u = new URL(fx.AS.authorization_endpoint);
          const p = u.searchParams;
          p.set("client_id", fx.CLIENT.client_id);
          p.set("redirect_uri", A.redirectUri);
          p.set("response_type", "code");
          p.set("scope", A.scopes.join(" "));
          p.set("code_challenge", A.codeChallenge);
          p.set("code_challenge_method", "S256");
          p.set("state", A.state);
          return u.href;
        },
      },
      {
        id: "ea.url+challenge",
        label: "expense-auth `pkceChallenge(verifier)` + `buildAuthorizationUrl(opts)` (hashes the verifier, like arctic)",
        fn: () =>
          ea.buildAuthorizationUrl({
            authorizationEndpoint: A.authorizationEndpoint,
            clientId: A.clientId,
            redirectUri: A.redirectUri,
            scopes: A.scopes,
            state: A.state,
            codeChallenge: ea.pkceChallenge(fx.VERIFIER),
          }),
      },
      {
        id: "arctic.url",
        label: "arctic `new OAuth2Client(...).createAuthorizationURLWithPKCE(endpoint, state, S256, verifier, scopes).href`",
        fn: () => arcticClient.createAuthorizationURLWithPKCE(A.authorizationEndpoint, A.state, CodeChallengeMethod.S256, fx.VERIFIER, A.scopes).href,
      },
    ],
    compare: [
      ["ea.buildAuthorizationUrl", "oauth4webapi.url"],
      ["ea.url+challenge", "arctic.url"],
    ],
  };

  const token = {
    id: "token",
    title: `Token-response parsing (authorization_code grant, ${fx.TOKEN_RESPONSE_BODY.length}-byte JSON body)`,
    cases: [
      {
        id: "ea.parseTokenResponse",
        label: "expense-auth `parseTokenResponse({ status, body, provider: \"oauth2\", grant, now })`",
        unavailable: notExported,
        fn: () => ea.parseTokenResponse({ status: 200, body: fx.TOKEN_RESPONSE_BODY, provider: "oauth2", grant: "authorization_code", now: fx.NOW }),
      },
      {
        id: "oauth4webapi.token",
        label: "oauth4webapi `await processAuthorizationCodeResponse(as, client, new Response(body))`",
        async: true,
        fn: () => oauth.processAuthorizationCodeResponse(fx.AS, fx.CLIENT, new Response(fx.TOKEN_RESPONSE_BODY, { status: 200, headers: jsonHeaders })),
      },
      {
        id: "js.token-baseline",
        label: "baseline: `JSON.parse` + field checks + token-set object in plain JS",
        fn: () => {
          const j = JSON.parse(fx.TOKEN_RESPONSE_BODY);
          if (j === null || typeof j !== "object" || Array.isArray(j)) throw new Error("not an object");
          if (typeof j.access_token !== "string" || j.access_token === "") throw new Error("access_token");
          if (typeof j.token_type !== "string" || j.token_type.toLowerCase() !== "bearer") throw new Error("token_type");
          if (j.expires_in !== undefined && (typeof j.expires_in !== "number" || !(j.expires_in >= 0))) throw new Error("expires_in");
          if (j.refresh_token !== undefined && typeof j.refresh_token !== "string") throw new Error("refresh_token");
          if (j.scope !== undefined && typeof j.scope !== "string") throw new Error("scope");
          return {
            accessToken: j.access_token,
            tokenType: "Bearer",
            expiresAt: j.expires_in === undefined ? undefined : fx.NOW + j.expires_in * 1000,
            refreshToken: j.refresh_token,
            scope: j.scope,
            raw: j,
          };
        },
      },
    ],
    compare: [
      ["ea.parseTokenResponse", "oauth4webapi.token"],
      ["ea.parseTokenResponse", "js.token-baseline"],
    ],
  };

  // Diagnostics: where the time of the exported calls goes.
  const diag = {
    id: "diag",
    title: "Diagnostics (profiling the JS↔wasm boundary)",
    cases: [
      { id: "wasm.nop", label: "bare wasm call `nop()` (hand-made 49-byte module, no glue)", fn: () => nop.nop() },
      { id: "wasm.id", label: "bare wasm call `id(externref)` (string in and out by reference)", fn: () => nop.id(fx.STATE) },
      { id: "ea.statesEqual", label: "expense-auth `statesEqual(s, s)`: 2 strings copied in (43 B each), bool out", fn: () => ea.statesEqual(fx.STATE, fx.STATE) },
      { id: "ea.statesEqual.long", label: `expense-auth \`statesEqual(t, t)\`: 2 strings copied in (${fx.TOKEN.length} B each), bool out`, fn: () => ea.statesEqual(fx.TOKEN, fx.TOKEN) },
      { id: "ea.randomState", label: "expense-auth `randomState()`: 32 random bytes, base64url, string out", fn: () => ea.randomState() },
      {
        id: "ea.pkce.composed",
        label: "expense-auth `randomState()` + `pkceChallenge(v)`, object built in JS (= createPkce without building the object from wasm)",
        fn: () => {
          const codeVerifier = ea.randomState();
          return { codeVerifier, codeChallenge: ea.pkceChallenge(codeVerifier), codeChallengeMethod: "S256" };
        },
      },
      { id: "ea.pkceChallenge", label: "expense-auth `pkceChallenge(v)`: string in, SHA-256, string out", fn: () => ea.pkceChallenge(fx.VERIFIER) },
      { id: "js.getRandomValues", label: "JS `crypto.getRandomValues(new Uint8Array(32))` alone", fn: () => crypto.getRandomValues(new Uint8Array(32)) },
      { id: "js.getRandomValues.4k", label: "JS `crypto.getRandomValues(new Uint8Array(4096))` alone (what a 128-verifier random pool would cost per refill)", fn: () => crypto.getRandomValues(new Uint8Array(4096)) },
      { id: "arctic.challenge", label: "arctic internals `createS256CodeChallenge(v)` alone (JS SHA-256)", fn: () => createS256CodeChallenge(fx.VERIFIER) },
      { id: "ea.decodeJwt.small", label: "expense-auth `decodeJwtUnverified` on a 1-claim token (fixed cost per call)", fn: () => ea.decodeJwtUnverified(fx.SMALL_TOKEN) },
      { id: "jwt-decode.small", label: "jwt-decode `jwtDecode` on the same 1-claim token", fn: () => jwtDecode(fx.SMALL_TOKEN) },
      { id: "js.JSON.parse", label: `JS \`JSON.parse\` of the token's ${fx.PAYLOAD_JSON.length}-byte payload JSON alone`, fn: () => JSON.parse(fx.PAYLOAD_JSON) },
      {
        id: "ea.decodeJwt.error",
        label: "expense-auth `decodeJwtUnverified(\"bad\")`, error caught",
        fn: () => {
          try {
            return ea.decodeJwtUnverified("bad");
          } catch (e) {
            return e.code;
          }
        },
      },
      {
        id: "jwt-decode.error",
        label: "jwt-decode `jwtDecode(\"bad\")`, error caught",
        fn: () => {
          try {
            return jwtDecode("bad");
          } catch (e) {
            return e.name;
          }
        },
      },
      {
        id: "js.response",
        label: "`await new Response(body).json()` alone (the input oauth4webapi requires)",
        async: true,
        fn: async () => (await new Response(fx.TOKEN_RESPONSE_BODY, { status: 200, headers: jsonHeaders }).json()),
      },
    ],
    compare: [],
  };

  return [pkce, jwt, url, token, diag];
}

const utf8 = new TextDecoder();
