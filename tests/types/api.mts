// Type test of the package's public API (pkg-template/index.d.ts as packed):
// every export, method, getter and option used the way a TypeScript user
// would, with the result types pinned, and `@ts-expect-error` on calls that
// must NOT compile (tsc reports an unused `@ts-expect-error` as an error, so
// each of them fails the test if the call starts compiling).
//
// Only type-checked (tests/types/run.mjs, `tsc --noEmit` in the nodenext and
// bundler configurations), never run: the values below are placeholders.
// The README's own examples are checked as well, extracted from README.md.
import {
  createPkce, pkceChallenge, randomState, statesEqual,
  buildAuthorizationUrl, pleoAuthorizationUrl, spendeskAuthorizationUrl, parseCallback,
  decodeJwtUnverified, spendeskWalletId, spendeskWalletClaims, parseTokenResponse,
  OAuth2Client, Pleo, Spendesk, Findity, ProSpend, TokenSession,
  ExpenseAuthError, isExpenseAuthError,
} from "expense-auth";
import type {
  ErrorCode, Pkce, TokenSet, JwtPayload, CallbackResult, AuthorizationUrlResult,
  Refresher, TokenSessionOptions, OAuth2ClientOptions, ProviderOverrideOptions,
} from "expense-auth";

declare const S: string;
declare const callbackUrl: string;
declare const env: Record<string, string | undefined>;
declare function store(next: TokenSet, previous: TokenSet | undefined): Promise<void>;

// ------------------------------------------------------------ PKCE, state, URLs
const pkce: Pkce = createPkce();
const verifier: string = createPkce().codeVerifier;
const challenge: string = createPkce(128).codeChallenge;
const method: "S256" = pkce.codeChallengeMethod;
const computed: string = pkceChallenge(verifier);
// @ts-expect-error the length is a number
createPkce("43");
// @ts-expect-error the verifier is a string
pkceChallenge(42);
const state: string = randomState();
const same: boolean = statesEqual(state, randomState());

const generic: string = buildAuthorizationUrl({
  authorizationEndpoint: "https://idp.example.com/authorize",
  clientId: "my-app", redirectUri: "https://app.example.com/callback",
  scopes: ["read", "write"], state, codeChallenge: challenge, extraParams: { prompt: "consent" },
});
buildAuthorizationUrl({ authorizationEndpoint: "https://idp.example.com/authorize", clientId: "my-app", codeChallenge: challenge });
// @ts-expect-error authorizationEndpoint is required
buildAuthorizationUrl({ clientId: "my-app", codeChallenge: challenge });
// @ts-expect-error extraParams values are strings
buildAuthorizationUrl({ authorizationEndpoint: "https://idp.example.com/authorize", clientId: "a", codeChallenge: challenge, extraParams: { max_age: 3 } });
const pleoUrl: string = pleoAuthorizationUrl({
  clientId: "c", redirectUri: "https://app.example.com/cb", scopes: "export:read export:write", state,
  codeChallenge: challenge, environment: "staging",
});
pleoAuthorizationUrl({ clientId: "c", codeChallenge: challenge, baseUrl: `${S}/pleo` });
// @ts-expect-error Pleo's environments are "production" and "staging"
pleoAuthorizationUrl({ clientId: "c", codeChallenge: challenge, environment: "sandbox" });
const spendeskUrl: string = spendeskAuthorizationUrl({
  clientId: "c", redirectUri: "https://app.example.com/cb", state, codeChallenge: challenge, environment: "sandbox",
});
// @ts-expect-error Spendesk's environments are "production" and "sandbox"
spendeskAuthorizationUrl({ clientId: "c", codeChallenge: challenge, environment: "staging" });

const cb: CallbackResult = parseCallback(callbackUrl, state);
const code: string = cb.code;
const returnedState: string | undefined = cb.state;
parseCallback("?code=abc", null); // no state was sent
// @ts-expect-error the expected state must be passed (null when none was sent)
parseCallback(callbackUrl);

// ------------------------------------------------------------ JWT payloads
const payload: JwtPayload = decodeJwtUnverified("a.b.c");
const exp: number | undefined = payload.exp;
const custom: unknown = payload["company_id"];
const wallet: string = spendeskWalletId("a.b.c");
const walletByClaim: string = spendeskWalletId("a.b.c", "company_id");
const claims: string[] = spendeskWalletClaims();

// ------------------------------------------------------------ parseTokenResponse
const parsed: TokenSet = parseTokenResponse({ status: 200, body: "{}" });
parseTokenResponse({ status: 201, body: "{}", contentType: "application/json", provider: "spendesk", grant: "refresh_token", now: Date.now() });
// @ts-expect-error unknown provider
parseTokenResponse({ status: 200, body: "{}", provider: "okta" });
// @ts-expect-error the body is the response text, not parsed JSON
parseTokenResponse({ status: 200, body: {} });

// ------------------------------------------------------------ OAuth2Client
const client = new OAuth2Client({
  authorizationEndpoint: "https://idp.example.com/authorize",
  tokenEndpoint: "https://idp.example.com/token",
  clientId: "my-app", clientSecret: env.SECRET,
  clientAuth: "basic",
  redirectUri: "https://app.example.com/callback",
  scopes: ["read"], fetch, timeoutMs: 10_000, allowSecretInBrowser: false,
});
new OAuth2Client({ tokenEndpoint: "https://idp.example.com/token", clientId: "public-app", clientAuth: "none" });
new OAuth2Client({ tokenEndpoint: "https://idp.example.com/token", clientId: "legacy", pkce: false, timeoutMs: Infinity });
// @ts-expect-error clientAuth is "basic" | "post" | "none"
new OAuth2Client({ tokenEndpoint: "https://idp.example.com/token", clientId: "my-app", clientAuth: "private_key_jwt" });
// @ts-expect-error tokenEndpoint is required
new OAuth2Client({ clientId: "my-app" });
const options: OAuth2ClientOptions = { tokenEndpoint: "https://idp.example.com/token", clientId: "x", fetch: async () => new Response("{}") };

const auth: AuthorizationUrlResult = client.authorizationUrl({ scopes: ["read"] });
const { url, codeVerifier } = client.authorizationUrl();
client.authorizationUrl({ state, codeVerifier: verifier, extraParams: { prompt: "login" }, scopes: "read write" });
const authUrl: string = url;

const signal = new AbortController().signal;
const tokens: TokenSet = await client.exchangeCode(code, codeVerifier);
await client.exchangeCode(code); // only for a client built with pkce: false (INVALID_ARGUMENT otherwise)
await client.exchangeCode(code, codeVerifier, { signal });
// @ts-expect-error the code is a string
await client.exchangeCode(42, codeVerifier);
const accessToken: string = tokens.accessToken;
const tokenType: "Bearer" = tokens.tokenType;
const expiresAt: number | undefined = tokens.expiresAt;
const refreshToken: string | undefined = tokens.refreshToken;
const scope: string | undefined = tokens.scope;
const raw: Record<string, unknown> = tokens.raw;
const next: TokenSet = await client.refresh(tokens.refreshToken); // string | undefined is accepted
await client.refresh("rt", { signal });
const app: TokenSet = await client.clientCredentials({ scopes: ["read"], signal });
await client.clientCredentials();
const genericApi: string | undefined = client.apiBaseUrl;
// @ts-expect-error no free(): memory is released without the user's help
client.free();
// @ts-expect-error getters are read-only
client.apiBaseUrl = "https://elsewhere.example";

// ------------------------------------------------------------ Pleo
const pleo = new Pleo({
  clientId: "pleo-client", clientSecret: "pleo-secret", redirectUri: `${S}/callback`,
  scopes: ["export:read"], baseUrl: `${S}/pleo`, apiBaseUrl: `${S}/pleo`,
});
new Pleo({ clientId: "c", clientSecret: "s", redirectUri: "https://app.example.com/cb", environment: "staging" });
// @ts-expect-error Pleo needs the client secret (HTTP Basic on its token endpoint)
new Pleo({ clientId: "c", redirectUri: "https://app.example.com/cb" });
const pleoAuth: AuthorizationUrlResult = pleo.authorizationUrl();
const pleoTokens: TokenSet = await pleo.exchangeCode(parseCallback(callbackUrl, pleoAuth.state).code, pleoAuth.codeVerifier);
await pleo.refresh(pleoTokens.refreshToken);
await pleo.clientCredentials();
const pleoApi: string = pleo.apiBaseUrl;

// ------------------------------------------------------------ Spendesk
const spendesk = new Spendesk({
  clientId: "spendesk-client", clientSecret: "spendesk-secret",
  redirectUri: `${S}/callback`, baseUrl: `${S}/spendesk`,
});
const spendeskTokens: TokenSet = await spendesk.exchangeCode(code, codeVerifier);
const walletId: string | undefined = spendeskTokens.walletId;
spendesk.authorizationUrl({ scopes: ["payables:read"] });
await spendesk.refresh(spendeskTokens.refreshToken);
await spendesk.clientCredentials({ signal });
const spendeskApi: string = spendesk.apiBaseUrl;
const key = new Spendesk({ apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret", environment: "sandbox" });
const keyTokens: TokenSet = await key.apiKeyToken();
await key.apiKeyToken({ signal });
const ownWallet: string = key.walletId(keyTokens.accessToken);
key.walletId(keyTokens.accessToken, "company_id");
// @ts-expect-error Spendesk's environments are "production" and "sandbox"
new Spendesk({ apiKeyId: "id", apiKeySecret: "secret", environment: "stage" });

// ------------------------------------------------------------ Findity
const findity = new Findity({ clientId: "findity-client", clientSecret: "findity-secret", baseUrl: `${S}/findity` });
new Findity({ clientId: "findity-client", environment: "stage" }); // refresh() needs no secret
const org: TokenSet = await findity.clientCredentials();
const user: TokenSet = await findity.userToken(org.accessToken, "employee-42");
await findity.userToken(org.accessToken, "employee-42", { signal });
const grantCode: string = await findity.authorizationGrant(org.accessToken, "employee-42");
await findity.authorizationGrant(org.accessToken, "employee-42", { signal });
await findity.exchangeCode(grantCode);
await findity.refresh(user.refreshToken);
const findityApi: string = findity.apiBaseUrl;
// @ts-expect-error userId is a string
await findity.userToken(org.accessToken, 42);

// ------------------------------------------------------------ overrides of the providers' guesses
new Pleo({ clientId: "c", clientSecret: "s", redirectUri: `${S}/callback`, expiresInUnit: "seconds", codeExchangeAuth: "post" });
new Pleo({ clientId: "c", clientSecret: "s", redirectUri: `${S}/callback`, expiresInUnit: "milliseconds", refreshAuth: "basic", bodyEncoding: "form" });
new Spendesk({ clientId: "c", clientSecret: "s", bodyEncoding: "form", codeExchangeAuth: "none", refreshAuth: "none" });
new Spendesk({ apiKeyId: "id", apiKeySecret: "secret", apiKeyMethod: "GET", expiresInUnit: "auto" });
new Findity({ clientId: "c", bodyEncoding: "json", refreshAuth: "post", codeExchangeAuth: "basic", expiresInUnit: "seconds" });
new OAuth2Client({ tokenEndpoint: "https://idp.example.com/token", clientId: "x", expiresInUnit: "milliseconds", bodyEncoding: "json" });
const overrides: ProviderOverrideOptions = { expiresInUnit: "auto", bodyEncoding: "form", codeExchangeAuth: "post", refreshAuth: "none" };
new Findity({ clientId: "c", ...overrides });
// @ts-expect-error the unit is "auto", "seconds" or "milliseconds"
new Pleo({ clientId: "c", clientSecret: "s", redirectUri: `${S}/callback`, expiresInUnit: "ms" });
// @ts-expect-error the method is upper-case, as HTTP spells it
new Spendesk({ apiKeyId: "id", apiKeySecret: "secret", apiKeyMethod: "get" });
// @ts-expect-error only Spendesk has API keys
new Pleo({ clientId: "c", clientSecret: "s", redirectUri: `${S}/callback`, apiKeyMethod: "GET" });
// @ts-expect-error a generic client sets its client authentication with clientAuth
new OAuth2Client({ tokenEndpoint: "https://idp.example.com/token", clientId: "x", clientSecret: "s", refreshAuth: "post" });

// ------------------------------------------------------------ ProSpend
const prospend = new ProSpend({ token: "a.b.c", apiBaseUrl: `${S}/prospend`, fetch, timeoutMs: 5_000 });
new ProSpend({ token: "a.b.c", environment: "sandbox" });
// @ts-expect-error the token is required
new ProSpend({ environment: "sandbox" });
const res: Response = await prospend.fetch("/api/v1/expenses");
await prospend.fetch("/api/v1/expenses", { method: "POST", body: "{}", signal });
const prospendExpiry: number | undefined = prospend.expiresAt;
const prospendApi: string = prospend.apiBaseUrl;
const prospendSet: TokenSet = prospend.tokenSet();
// @ts-expect-error ProSpend tokens are not refreshed
prospend.refresh();

// ------------------------------------------------------------ TokenSession
const asRefresher: Refresher = pleo; // every client class can back a session
const refreshers: Refresher[] = [client, pleo, spendesk, findity];
// @ts-expect-error ProSpend has no refresh()
const notRefresher: Refresher = prospend;
new TokenSession({ client: pleo });
const session = new TokenSession({
  client: pleo,
  tokens: pleoTokens,
  onTokens: (nextSet, previous) => store(nextSet, previous),
  skewMs: 60_000,
  storeTimeoutMs: 10_000,
  timeoutMs: 30_000,
  allowedOrigins: ["https://external.pleo.io"],
  now: () => Date.now(),
  fetch: async () => new Response("{}"),
});
new TokenSession({ client: key, renew: () => key.apiKeyToken() });
new TokenSession({ renew: () => findity.clientCredentials(), tokens: { accessToken: "at" } });
new TokenSession({
  client: findity,
  onTokens(nextSet, previous) {
    const a: string = nextSet.accessToken;
    const p: TokenSet | undefined = previous;
    // @ts-expect-error previous is undefined the first time
    previous.accessToken;
  },
});
const sessionOptions: TokenSessionOptions = { client: spendesk, onTokens: async () => {} };
// @ts-expect-error onTokens returns nothing (or a Promise of nothing) — not the tokens
new TokenSession({ client: pleo, onTokens: (t: TokenSet) => t.accessToken });
// @ts-expect-error allowedOrigins is a list
new TokenSession({ client: pleo, allowedOrigins: "https://external.pleo.io" });
const at: string = await session.getAccessToken();
const refreshed: string = await session.refresh();
session.setTokens(pleoTokens);
session.setTokens({ accessToken: "at", refreshToken: "rt", expiresAt: Date.now() + 600_000 });
session.setTokens({ accessToken: "at", refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt }); // from a store
const current: TokenSet | undefined = session.tokens;
const mustReconnect: boolean = session.reconnectRequired;
const apiRes: Response = await session.fetch(`${pleo.apiBaseUrl}/v1/expenses`);
await session.fetch(new URL("/v1/expenses", pleo.apiBaseUrl), { headers: { accept: "application/json" } });
// @ts-expect-error pass a URL (the retry after a 401 must be able to resend it), not a Request
await session.fetch(new Request("https://external.pleo.io/v1/expenses"));
// @ts-expect-error read-only
session.reconnectRequired = false;

// ------------------------------------------------------------ errors
try {
  await session.getAccessToken();
} catch (e) {
  // @ts-expect-error a caught value is unknown until narrowed
  e.code;
  if (e instanceof ExpenseAuthError) {
    const c: ErrorCode = e.code;
    const name: "ExpenseAuthError" = e.name;
    const message: string = e.message;
    const status: number | undefined = e.status;
    const error: string | undefined = e.error;
    const description: string | undefined = e.errorDescription;
    const uri: string | undefined = e.errorUri;
    const cause: unknown = e.cause;
    const isError: Error = e;
    if (e.code === "RECONNECT_REQUIRED") session.setTokens(pleoTokens);
    // @ts-expect-error not one of the codes
    if (e.code === "EXPIRED") {}
  }
  if (isExpenseAuthError(e)) {
    const c: ErrorCode = e.code;
  }
}
const guard: (e: unknown) => boolean = isExpenseAuthError;
// @ts-expect-error not one of the codes
const notACode: ErrorCode = "NOT_A_CODE";
// The package throws ExpenseAuthError; users do not construct it.
// @ts-expect-error the constructor is not public
new ExpenseAuthError("INVALID_ARGUMENT", "message");
