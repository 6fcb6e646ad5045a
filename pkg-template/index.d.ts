/**
 * expense-auth: OAuth 2.0 + PKCE, token flows and token sessions for Spendesk, Pleo, Findity,
 * ProSpend and any standard OAuth 2.0 server, in one small WebAssembly module that runs in
 * browsers, bundlers (Vite), Node 20+, Deno, Bun and Cloudflare Workers.
 *
 * These are the package's only declarations, written by hand and checked against the packed
 * package by its test suite (`tests/types/`): `strict`, `lib: ["es2022", "dom"]`, without
 * `skipLibCheck`, with `moduleResolution` `"nodenext"` or `"bundler"`.
 *
 * Every function and method either returns its result or throws (async ones: rejects with) an
 * {@link ExpenseAuthError}, whose {@link ExpenseAuthError.code | code} is one of the stable
 * {@link ErrorCode} strings. Messages never contain tokens, codes, verifiers or secrets.
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------- errors

/**
 * The stable error codes. Every error the package throws or rejects with is an
 * {@link ExpenseAuthError} carrying one of these as `code`; branch on the code, not on the
 * message (messages are for people and may change).
 *
 * - Bad input (the module keeps working afterwards): `INVALID_ARGUMENT` (missing, mistyped or
 *   out-of-range argument or option), `INVALID_CODE_VERIFIER` (not 43–128 characters of
 *   `[A-Za-z0-9-._~]`, RFC 7636 §4.1), `INVALID_URL` (unparsable, a fragment where none is
 *   allowed, or an origin a {@link TokenSession} is not allowed to send its token to),
 *   `INSECURE_URL` (`http:` for a host that is not loopback), `DUPLICATE_PARAMETER` (a parameter
 *   repeated, RFC 6749 §3.1, or an `extraParams` entry overriding one the library sets).
 * - The authorization callback: `STATE_MISMATCH`, `MISSING_STATE`, `MISSING_CODE`,
 *   `AUTHORIZATION_ERROR` (the server redirected back with `error=`, RFC 6749 §4.1.2.1).
 * - Tokens: `INVALID_JWT` (not three base64url segments with a JSON object payload),
 *   `MISSING_CLAIM`, `TOKEN_EXPIRED` (a ProSpend token past its `exp`).
 * - Server answers: `OAUTH_ERROR` (an RFC 6749 §5.2 error body, or Spendesk's `errors[]`; with
 *   `status`, `error`, `errorDescription`, `errorUri`), `RECONNECT_REQUIRED` (the refresh token
 *   is gone: `invalid_grant`, or Spendesk's 401/403 on refresh — the user must connect again),
 *   `SERVER_ERROR` (5xx), `HTTP_ERROR` (another unexpected status without a usable error body),
 *   `INVALID_RESPONSE` (HTML, not JSON, not an object, no `access_token`, a `token_type` other
 *   than Bearer, a bad `expires_in`), `RESPONSE_TOO_LARGE`, `UNEXPECTED_REDIRECT`, `UNAUTHORIZED`
 *   (an API answered 401 even to a freshly refreshed access token).
 * - Transport: `NETWORK_ERROR` (DNS, refused or reset connection, CORS), `TIMEOUT`, `ABORTED`
 *   (your `AbortSignal`).
 * - Session and platform: `SECRET_IN_BROWSER`, `STORE_FAILED` (your `onTokens` threw, rejected or
 *   did not settle in time), `NO_REFRESH_TOKEN`, `RANDOM_UNAVAILABLE` (no CSPRNG).
 *
 * @group Errors
 */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_CODE_VERIFIER"
  | "INVALID_URL"
  | "INSECURE_URL"
  | "DUPLICATE_PARAMETER"
  | "STATE_MISMATCH"
  | "MISSING_STATE"
  | "MISSING_CODE"
  | "AUTHORIZATION_ERROR"
  | "INVALID_JWT"
  | "MISSING_CLAIM"
  | "RANDOM_UNAVAILABLE"
  | "OAUTH_ERROR"
  | "RECONNECT_REQUIRED"
  | "HTTP_ERROR"
  | "SERVER_ERROR"
  | "INVALID_RESPONSE"
  | "RESPONSE_TOO_LARGE"
  | "UNEXPECTED_REDIRECT"
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "ABORTED"
  | "UNAUTHORIZED"
  | "TOKEN_EXPIRED"
  | "SECRET_IN_BROWSER"
  | "STORE_FAILED"
  | "NO_REFRESH_TOKEN";

/**
 * What every function and method of this package throws, and every Promise it returns rejects
 * with: an `Error` named `"ExpenseAuthError"` with a stable {@link ErrorCode}. For answers from a
 * server it also carries the HTTP `status` and the server's OAuth error fields (RFC 6749 §5.2).
 *
 * Narrow a caught value with `e instanceof ExpenseAuthError` or {@link isExpenseAuthError}.
 *
 * ```ts
 * try {
 *   await session.getAccessToken();
 * } catch (e) {
 *   if (e instanceof ExpenseAuthError && e.code === "RECONNECT_REQUIRED") showConnectButton();
 *   else throw e;
 * }
 * ```
 *
 * The package creates these; it has no public constructor.
 *
 * @group Errors
 *
 * @see [RFC 6749 §5.2 - Error Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-5.2)
 * @see [RFC 6749 §4.1.2.1 - Authorization Error Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2.1)
 */
export declare class ExpenseAuthError extends Error {
  private constructor();
  /** Always `"ExpenseAuthError"`. */
  readonly name: "ExpenseAuthError";
  /** The stable code: what went wrong. */
  readonly code: ErrorCode;
  /** The HTTP status, for errors caused by a server's answer. */
  readonly status?: number;
  /**
   * The server's OAuth `error` code (e.g. `"invalid_grant"`), or Spendesk's `errors[0].code`;
   * for `AUTHORIZATION_ERROR`, the callback's `error` parameter.
   */
  readonly error?: string;
  /** The server's `error_description` (or Spendesk's `errors[0].detail`), truncated. */
  readonly errorDescription?: string;
  /** The server's `error_uri`. */
  readonly errorUri?: string;
  /**
   * The runtime's own error behind this one (e.g. the `TypeError` of a failed `fetch`), kept here
   * rather than in the message so that nothing it says about headers or URLs leaks into logs.
   */
  readonly cause?: unknown;
}

/**
 * Whether `e` is an {@link ExpenseAuthError}: a type guard for `catch` blocks, equivalent to
 * `e instanceof ExpenseAuthError`.
 *
 * @param e Any value, typically what a `catch` caught.
 *
 * @group Errors
 */
export declare function isExpenseAuthError(e: unknown): e is ExpenseAuthError;

// ------------------------------------------------------------------------------- PKCE and state

/**
 * A PKCE pair (RFC 7636). Send `codeChallenge` with the authorization request, keep
 * `codeVerifier` secret (server side, or in session storage) until the token request.
 *
 * @group PKCE, state, authorization URLs
 */
export interface Pkce {
  /** 43–128 characters of `[A-Za-z0-9-._~]` from the platform's CSPRNG. Secret until the token request. */
  codeVerifier: string;
  /** `BASE64URL(SHA256(codeVerifier))`. */
  codeChallenge: string;
  /** Always `"S256"`: the `plain` method is not offered (RFC 9700 §2.1.1). */
  codeChallengeMethod: "S256";
}

/**
 * Creates a new PKCE code verifier from the platform's CSPRNG and its S256 code challenge.
 *
 * @param length Length of the verifier, a whole number from 43 to 128 (default 43).
 *
 * @throws {ExpenseAuthError} `INVALID_ARGUMENT` when `length` is not a whole number from 43 to
 *   128; `RANDOM_UNAVAILABLE` when the platform has no CSPRNG.
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [RFC 7636 §4.1 - Client Creates a Code Verifier](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.1)
 * @see [RFC 7636 §4.2 - Client Creates the Code Challenge](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.2)
 * @see [RFC 9700 §2.1.1 - Authorization Code Grant](https://www.rfc-editor.org/rfc/rfc9700.html#section-2.1.1)
 */
export declare function createPkce(length?: number): Pkce;

/**
 * The S256 code challenge of a code verifier: `BASE64URL(SHA256(verifier))`, after checking the
 * verifier's length and alphabet.
 *
 * @param verifier A code verifier, e.g. from {@link createPkce}.
 *
 * @throws {ExpenseAuthError} `INVALID_CODE_VERIFIER` when it is not 43–128 characters of
 *   `[A-Za-z0-9-._~]` (the message does not repeat it); `INVALID_ARGUMENT` when it is not a string.
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [RFC 7636 §4.2 - Client Creates the Code Challenge](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.2)
 * @see [RFC 7636 Appendix B - Example for the S256 code_challenge_method](https://www.rfc-editor.org/rfc/rfc7636.html#appendix-B)
 */
export declare function pkceChallenge(verifier: string): string;

/**
 * A new `state` value: 43 URL-safe characters (256 bits) from the platform's CSPRNG. Send it with
 * the authorization request and compare it on the callback ({@link parseCallback} does).
 *
 * @throws {ExpenseAuthError} `RANDOM_UNAVAILABLE` when the platform has no CSPRNG.
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [RFC 6749 §10.12 - Cross-Site Request Forgery](https://www.rfc-editor.org/rfc/rfc6749.html#section-10.12)
 * @see [RFC 9700 §4.7 - Cross-Site Request Forgery](https://www.rfc-editor.org/rfc/rfc9700.html#section-4.7)
 */
export declare function randomState(): string;

/**
 * Compares two strings in constant time (for `state` values and similar secrets).
 *
 * @throws {ExpenseAuthError} `INVALID_ARGUMENT` when either is not a string.
 *
 * @group PKCE, state, authorization URLs
 */
export declare function statesEqual(a: string, b: string): boolean;

// ------------------------------------------------------------------------- authorization URLs

/**
 * Options of {@link buildAuthorizationUrl}: an authorization request with PKCE S256.
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [RFC 6749 §4.1.1 - Authorization Request](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.1)
 * @see [RFC 7636 §4.3 - Client Sends the Code Challenge](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3)
 */
export interface AuthorizationUrlOptions {
  /** The authorization endpoint: `https:` (`http:` only for a loopback host), no fragment; may carry a query. */
  authorizationEndpoint: string;
  /** The `client_id`. */
  clientId: string;
  /** The `redirect_uri`: `https:` (`http:` only for a loopback host), no fragment. */
  redirectUri?: string | undefined;
  /** The `scope`: a list, joined with spaces, or one space-separated string. */
  scopes?: string[] | string | undefined;
  /** The `state`, e.g. from {@link randomState}. */
  state?: string | undefined;
  /** The S256 `code_challenge`, e.g. from {@link createPkce}. */
  codeChallenge: string;
  /**
   * More query parameters (e.g. `prompt`). They may not repeat one the builder sets
   * (`DUPLICATE_PARAMETER`) nor carry a secret such as `code_verifier` or `client_secret`.
   */
  extraParams?: Record<string, string> | undefined;
}

/**
 * Options of {@link pleoAuthorizationUrl}.
 *
 * @group PKCE, state, authorization URLs
 */
export interface PleoAuthorizationUrlOptions extends Omit<AuthorizationUrlOptions, "authorizationEndpoint"> {
  /** `"production"` (`https://auth.pleo.io`, the default) or `"staging"` (`https://auth.staging.pleo.io`). */
  environment?: "production" | "staging" | undefined;
  /** The auth host instead, e.g. the local sandbox's `http://127.0.0.1:8787/pleo`. */
  baseUrl?: string | undefined;
}

/**
 * Options of {@link spendeskAuthorizationUrl}.
 *
 * @group PKCE, state, authorization URLs
 */
export interface SpendeskAuthorizationUrlOptions extends Omit<AuthorizationUrlOptions, "authorizationEndpoint"> {
  /**
   * `"production"` (`https://public-api.spendesk.com`, the default) or `"sandbox"`
   * (`https://sandbox-public-api.spendesk.com`).
   */
  environment?: "production" | "sandbox" | undefined;
  /** The API host root instead (`/v1` is appended), e.g. the local sandbox's `http://127.0.0.1:8787/spendesk`. */
  baseUrl?: string | undefined;
}

/**
 * Builds an authorization URL (`response_type=code`, PKCE S256) for any OAuth 2.0 server. Every
 * value is percent-encoded per RFC 3986; scopes are joined with spaces.
 *
 * @throws {ExpenseAuthError} `INVALID_ARGUMENT` (missing `clientId` or `codeChallenge`, a secret
 *   in `extraParams`), `INVALID_URL`, `INSECURE_URL` (plain `http:` for a non-loopback host),
 *   `DUPLICATE_PARAMETER` (an `extraParams` entry the builder sets itself).
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [RFC 6749 §4.1.1 - Authorization Request](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.1)
 * @see [RFC 7636 §4.3 - Client Sends the Code Challenge](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3)
 * @see [RFC 9700 §2.1 - Protecting Redirect-Based Flows](https://www.rfc-editor.org/rfc/rfc9700.html#section-2.1)
 */
export declare function buildAuthorizationUrl(options: AuthorizationUrlOptions): string;

/**
 * Builds Pleo's authorization URL (`/oauth/authorize` on `https://auth.pleo.io`, staging
 * `https://auth.staging.pleo.io`) with PKCE S256. Pleo takes several scopes space-separated, e.g.
 * `"export:read export:write"`.
 *
 * @throws {ExpenseAuthError} As {@link buildAuthorizationUrl}; `INVALID_ARGUMENT` for an unknown
 *   `environment`.
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [Pleo - Quick Start](https://developers.pleo.io/docs/quick-start)
 * @see [RFC 7636 §4.3 - Client Sends the Code Challenge](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3)
 */
export declare function pleoAuthorizationUrl(options: PleoAuthorizationUrlOptions): string;

/**
 * Builds Spendesk's OAuth2 partner-flow authorization URL (`/v1/oauth2/authorize` on
 * `https://public-api.spendesk.com`, sandbox `https://sandbox-public-api.spendesk.com`) with PKCE
 * S256.
 *
 * @throws {ExpenseAuthError} As {@link buildAuthorizationUrl}; `INVALID_ARGUMENT` for an unknown
 *   `environment`.
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [Spendesk - How to authenticate](https://developer.spendesk.com/public/reference/how-to-authenticate)
 * @see [RFC 7636 §4.3 - Client Sends the Code Challenge](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3)
 */
export declare function spendeskAuthorizationUrl(options: SpendeskAuthorizationUrlOptions): string;

/**
 * A checked authorization response (the callback).
 *
 * @group PKCE, state, authorization URLs
 */
export interface CallbackResult {
  /** The authorization `code`, for `exchangeCode`. */
  code: string;
  /** The `state` the server sent back (equal to the expected one). */
  state?: string;
}

/**
 * Reads the authorization response from a callback URL (or just its query, with or without `?`):
 * checks `state` against the one sent (in constant time), turns an `error=` answer into
 * `AUTHORIZATION_ERROR` and returns the `code`.
 *
 * Where several authorization servers share one redirect URI, also check the `iss` parameter
 * (RFC 9207) against the server you sent the user to.
 *
 * @param url The callback URL, e.g. `location.href` or the request URL on your server.
 * @param expectedState The `state` sent with the authorization request; `null` only when none was sent.
 *
 * @throws {ExpenseAuthError} `STATE_MISMATCH`, `MISSING_STATE`, `AUTHORIZATION_ERROR` (with
 *   `error`, `errorDescription`, `errorUri` from the server), `MISSING_CODE`,
 *   `DUPLICATE_PARAMETER`, `INVALID_RESPONSE` (a `code` with characters outside RFC 6749 `VSCHAR`),
 *   `INVALID_ARGUMENT` (no `expectedState` given, or an empty one).
 *
 * @group PKCE, state, authorization URLs
 *
 * @see [RFC 6749 §4.1.2 - Authorization Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2)
 * @see [RFC 6749 §4.1.2.1 - Error Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2.1)
 * @see [RFC 9207 - OAuth 2.0 Authorization Server Issuer Identification](https://www.rfc-editor.org/rfc/rfc9207.html)
 * @see [RFC 9700 §4.7 - Cross-Site Request Forgery](https://www.rfc-editor.org/rfc/rfc9700.html#section-4.7)
 */
export declare function parseCallback(url: string, expectedState: string | null): CallbackResult;

// ------------------------------------------------------------------------------------------ JWT

/**
 * A JWT payload, decoded **without** verifying the signature.
 *
 * @group JWT payloads
 *
 * @see [RFC 7519 §4.1 - Registered Claim Names](https://www.rfc-editor.org/rfc/rfc7519.html#section-4.1)
 */
export interface JwtPayload {
  /** Issuer. */
  iss?: string;
  /** Subject. */
  sub?: string;
  /** Audience: one or several. */
  aud?: string | string[];
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  /** Not before, in seconds since the epoch. */
  nbf?: number;
  /** Issued at, in seconds since the epoch. */
  iat?: number;
  /** JWT ID. */
  jti?: string;
  [claim: string]: unknown;
}

/**
 * Decodes a JWT's payload **without verifying its signature**: only for your own tokens (their
 * `exp`, an ID in them), never to trust a token someone else handed you.
 *
 * @param token A JWT (`header.payload.signature`, base64url).
 *
 * @throws {ExpenseAuthError} `INVALID_JWT` when it is not three base64url segments whose payload
 *   is a JSON object; `INVALID_ARGUMENT` when it is not a string.
 *
 * @group JWT payloads
 *
 * @see [RFC 7519 - JSON Web Token](https://www.rfc-editor.org/rfc/rfc7519.html)
 */
export declare function decodeJwtUnverified(token: string): JwtPayload;

/**
 * The Spendesk wallet (company) ID in a Spendesk access token (a JWT, **not verified**): the
 * claim `claimName`, or else the first of {@link spendeskWalletClaims} present. Spendesk has one
 * connection per wallet.
 *
 * @param accessToken A Spendesk access token.
 * @param claimName The claim to read instead of trying {@link spendeskWalletClaims} in order.
 *
 * @throws {ExpenseAuthError} `INVALID_JWT`; `MISSING_CLAIM` when no such claim is a string.
 *
 * @group JWT payloads
 *
 * @see [Spendesk - How to authenticate](https://developer.spendesk.com/public/reference/how-to-authenticate)
 */
export declare function spendeskWalletId(accessToken: string, claimName?: string): string;

/**
 * The claim names {@link spendeskWalletId} tries, in order.
 *
 * @group JWT payloads
 */
export declare function spendeskWalletClaims(): string[];

// ------------------------------------------------------------------------------------ token sets

/**
 * Tokens from a token endpoint (RFC 6749 §5.1), as every client method returns them.
 *
 * @group Clients and token sets
 *
 * @see [RFC 6749 §5.1 - Successful Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-5.1)
 * @see [RFC 6750 - Bearer Token Usage](https://www.rfc-editor.org/rfc/rfc6750.html)
 */
export interface TokenSet {
  /** The access token. Sent as `Authorization: Bearer …` (RFC 6750 §2.1). */
  accessToken: string;
  /** Always `"Bearer"`: other token types are refused with `INVALID_RESPONSE`. */
  tokenType: "Bearer";
  /**
   * When the access token expires, in milliseconds since the epoch (like `Date.now()`): a finite
   * whole number, or absent when the server said nothing (no `expires_in`, no JWT `exp`).
   */
  expiresAt?: number;
  /** The refresh token, when the server issued one. Store it: it may be the only one (rotation). */
  refreshToken?: string;
  /** The granted `scope`, when the server sent one. */
  scope?: string;
  /** Spendesk only: the wallet (company) ID from the access token, when found. */
  walletId?: string;
  /** The whole parsed token response. */
  raw: Record<string, unknown>;
}

/**
 * A token set as your store gives it back: the access token at least. Every {@link TokenSet} is one.
 *
 * @group Clients and token sets
 */
export interface TokenSetInput {
  /** The access token. */
  accessToken: string;
  /** `"Bearer"`, the only type there is. */
  tokenType?: "Bearer" | undefined;
  /** When the access token expires, in ms since the epoch; absent: unknown (it is used until an API answers 401). */
  expiresAt?: number | undefined;
  /** The refresh token; absent: `renew` (if given) gets new tokens instead. */
  refreshToken?: string | undefined;
  /** The granted scope. */
  scope?: string | undefined;
  /** Spendesk's wallet ID. */
  walletId?: string | undefined;
  /** The token response it came from. */
  raw?: Record<string, unknown> | undefined;
}

/**
 * Input of {@link parseTokenResponse}: a token endpoint's answer you fetched yourself.
 *
 * @group Clients and token sets
 */
export interface ParseTokenResponseOptions {
  /** The HTTP status. */
  status: number;
  /** The response body, as text. */
  body: string;
  /** The `Content-Type` header, if you have it. */
  contentType?: string | undefined;
  /** Whose dialect to read: `"oauth2"` (RFC 6749, the default), `"spendesk"`, `"pleo"` or `"findity"`. */
  provider?: "oauth2" | "spendesk" | "pleo" | "findity" | undefined;
  /** The grant the request was: `"authorization_code"` (the default), `"refresh_token"` or `"client_credentials"`. */
  grant?: "authorization_code" | "refresh_token" | "client_credentials" | undefined;
  /** The clock in ms since the epoch, read before the request was sent (default `Date.now()`). */
  now?: number | undefined;
}

/**
 * Reads a token endpoint's answer you fetched yourself, with the same rules and error codes as the
 * clients: for using the protocol logic with your own HTTP stack.
 *
 * @throws {ExpenseAuthError} `OAUTH_ERROR` (with `status`, `error`, `errorDescription`,
 *   `errorUri`), `RECONNECT_REQUIRED` (`invalid_grant` on a refresh, Spendesk's 401/403 on
 *   refresh), `SERVER_ERROR`, `HTTP_ERROR`, `UNEXPECTED_REDIRECT`, `INVALID_RESPONSE`,
 *   `INVALID_ARGUMENT`.
 *
 * @group Clients and token sets
 *
 * @see [RFC 6749 §5.1 - Successful Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-5.1)
 * @see [RFC 6749 §5.2 - Error Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-5.2)
 */
export declare function parseTokenResponse(options: ParseTokenResponseOptions): TokenSet;

// --------------------------------------------------------------------------------------- clients

/**
 * Per-call options of the client methods that send a request.
 *
 * @group Clients and token sets
 */
export interface CallOptions {
  /** Aborts the request: the Promise rejects with `ABORTED`. */
  signal?: AbortSignal | undefined;
}

/**
 * Options of `clientCredentials()`.
 *
 * @group Clients and token sets
 */
export interface ClientCredentialsOptions extends CallOptions {
  /** The `scope` to ask for: a list, or one space-separated string. */
  scopes?: string[] | string | undefined;
}

/**
 * Parameters of `authorizationUrl()`. State and PKCE are generated unless given.
 *
 * @group Clients and token sets
 */
export interface AuthorizationUrlParams {
  /** The `scope`; default: the client's `scopes` option. */
  scopes?: string[] | string | undefined;
  /** The `state`; default: a new {@link randomState}. */
  state?: string | undefined;
  /** The PKCE code verifier; default: a new one (43 characters). */
  codeVerifier?: string | undefined;
  /** More query parameters; see {@link AuthorizationUrlOptions.extraParams}. */
  extraParams?: Record<string, string> | undefined;
}

/**
 * An authorization URL to send the user to, with the values to keep for the callback.
 *
 * @group Clients and token sets
 */
export interface AuthorizationUrlResult {
  /** Where to send the user. */
  url: string;
  /** Keep it (server side, or in session storage) for {@link parseCallback}. */
  state: string;
  /** Keep it secret (server side, or in session storage) for `exchangeCode()`. */
  codeVerifier: string;
}

/**
 * Options every client takes.
 *
 * @group Clients and token sets
 */
export interface ClientCommonOptions {
  /**
   * A fetch-compatible function to use instead of the global `fetch`. It is given a `signal` when
   * the request has a time limit or the call a signal (and none when neither): one that ignores
   * its signal still rejects on time (`TIMEOUT`) or on abort (`ABORTED`), but its request goes on.
   */
  fetch?: typeof fetch | undefined;
  /**
   * Time limit per request in ms (default 30 000): a positive number up to 2 147 483 647, or `0`
   * or `Infinity` for none. A request over time is aborted (through the signal given to `fetch`)
   * and rejects with `TIMEOUT`.
   */
  timeoutMs?: number | undefined;
  /**
   * Client secrets belong on servers: in a browser page (`window` and `document` present) or a
   * browser's dedicated, shared or service worker, a client with a secret (or an API-key secret) is
   * refused with `SECRET_IN_BROWSER` unless this is `true`. Node, Deno (and its workers), Bun and
   * Cloudflare Workers (workerd) are servers: secrets are allowed there without it.
   */
  allowSecretInBrowser?: boolean | undefined;
  /** Default scopes for `authorizationUrl()`: a list, or one space-separated string. */
  scopes?: string[] | string | undefined;
}

/**
 * Overrides of the library's guesses: each option is for a behaviour the provider's docs do not
 * state, where the library had to pick one (the repository's `docs/providers.md` lists every guess,
 * its override, and the tests that run the library both ways against the sandbox). Leave them out
 * unless the provider is seen to behave the other way. A value outside the listed ones is
 * `INVALID_ARGUMENT`, and so is an override that cannot apply to the client (see each option).
 *
 * @group Providers
 */
export interface ProviderOverrideOptions {
  /**
   * How `expires_in` in token answers is read. Pleo's docs show it as `ACCESS_TOKEN_LIFETIME` in
   * the code-exchange answer and `ACCESS_TOKEN_MILLI_LIFETIME` in the refresh answer, both
   * "10 mins.", and state no unit. `"auto"` (Pleo's default) reads a number above 86 400 as
   * milliseconds and any other as seconds, which misreads a lifetime under 86.4 s sent in
   * milliseconds or one of a day or more sent in seconds; `"seconds"` (RFC 6749 §5.1, every other
   * client's default) or `"milliseconds"` fix the unit.
   */
  expiresInUnit?: "auto" | "seconds" | "milliseconds" | undefined;
  /**
   * The body of token requests: `"form"` (`application/x-www-form-urlencoded`) or `"json"`.
   * Spendesk's docs name `/oauth2/token/create` and `/oauth2/token/refresh` but not their body: the
   * library sends JSON there (form everywhere else). Bodiless requests (Spendesk's API-key
   * request) stay bodiless.
   */
  bodyEncoding?: "form" | "json" | undefined;
  /**
   * Client authentication on the code exchange: `"basic"` (HTTP Basic), `"post"` (`client_id` and
   * `client_secret` in the body) or `"none"` (`client_id` only). Pleo's docs ask for Basic after the
   * refresh example and show none on the code exchange: the library sends Basic on both. Spendesk's
   * docs name only the code and verifier: the library sends `client_id` and `client_secret` in the
   * body. Not on {@link OAuth2Client}, whose `clientAuth` sets it (`INVALID_ARGUMENT`).
   */
  codeExchangeAuth?: "basic" | "post" | "none" | undefined;
  /**
   * Client authentication on refresh, as `codeExchangeAuth`. Spendesk's docs say only "use the
   * refresh token": the library sends `client_id` and `client_secret` in the body (`"none"` sends
   * `client_id` only). Not on {@link OAuth2Client} (`INVALID_ARGUMENT`).
   */
  refreshAuth?: "basic" | "post" | "none" | undefined;
}

/**
 * What every OAuth client class ({@link OAuth2Client}, {@link Pleo}, {@link Spendesk},
 * {@link Findity}) can do. Each method that sends a request returns a Promise of a
 * {@link TokenSet} and rejects (never throws) with an {@link ExpenseAuthError}.
 *
 * Requests go over the runtime's global `fetch` (or the `fetch` option) with
 * `redirect: "manual"` and the client's `timeoutMs`; token responses are capped at 256 KiB.
 *
 * @group Clients and token sets
 */
export interface TokenClient {
  /**
   * An authorization URL with a fresh `state` and PKCE S256 challenge (unless given), for the
   * client's authorization endpoint, `clientId` and `redirectUri`.
   *
   * @throws {ExpenseAuthError} `INVALID_ARGUMENT` (the client has no authorization endpoint, a
   *   secret in `extraParams`), `INVALID_CODE_VERIFIER`, `DUPLICATE_PARAMETER`,
   *   `RANDOM_UNAVAILABLE`.
   *
   * @see [RFC 6749 §4.1.1 - Authorization Request](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.1)
   * @see [RFC 7636 §4.3 - Client Sends the Code Challenge](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3)
   */
  authorizationUrl(params?: AuthorizationUrlParams): AuthorizationUrlResult;
  /**
   * Exchanges an authorization code (and its PKCE verifier) for tokens.
   *
   * @param code The `code` from {@link parseCallback}.
   * @param codeVerifier The verifier from `authorizationUrl()` / {@link createPkce}. Without it
   *   the generic {@link OAuth2Client} refuses the call (`INVALID_ARGUMENT`) unless it was built
   *   with `pkce: false`.
   *
   * Rejects with `OAUTH_ERROR` (e.g. `invalid_grant` for a used or expired code), `SERVER_ERROR`,
   * `HTTP_ERROR`, `INVALID_RESPONSE`, `RESPONSE_TOO_LARGE`, `UNEXPECTED_REDIRECT`,
   * `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`, `INVALID_ARGUMENT`, `SECRET_IN_BROWSER`.
   *
   * @see [RFC 6749 §4.1.3 - Access Token Request](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.3)
   * @see [RFC 7636 §4.5 - Client Sends the Authorization Code and the Code Verifier](https://www.rfc-editor.org/rfc/rfc7636.html#section-4.5)
   */
  exchangeCode(code: string, codeVerifier?: string, options?: CallOptions): Promise<TokenSet>;
  /**
   * Uses a refresh token. **Never retried automatically**: once the request may have reached the
   * server, the server may have rotated the refresh token, and re-sending the old one would fail
   * (for Pleo it revokes the whole authorisation). Store the new `refreshToken` before using the
   * new access token ({@link TokenSession} does).
   *
   * @param refreshToken The refresh token. `undefined` is accepted by the types (so
   *   `client.refresh(tokens.refreshToken)` compiles) and rejected at run time with
   *   `INVALID_ARGUMENT`.
   *
   * Rejects with `RECONNECT_REQUIRED` (the refresh token is gone: the user must connect again),
   * `OAUTH_ERROR`, `SERVER_ERROR`, `HTTP_ERROR`, `INVALID_RESPONSE`, `RESPONSE_TOO_LARGE`,
   * `UNEXPECTED_REDIRECT`, `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`, `INVALID_ARGUMENT`.
   *
   * @see [RFC 6749 §6 - Refreshing an Access Token](https://www.rfc-editor.org/rfc/rfc6749.html#section-6)
   * @see [RFC 9700 §4.14.2 - Refresh Token Protection](https://www.rfc-editor.org/rfc/rfc9700.html#section-4.14.2)
   */
  refresh(refreshToken?: string, options?: CallOptions): Promise<TokenSet>;
  /**
   * Gets tokens for the client itself (no user): the client credentials grant.
   *
   * Rejects with `OAUTH_ERROR` (e.g. `invalid_client`), `SERVER_ERROR`, `HTTP_ERROR`,
   * `INVALID_RESPONSE`, `RESPONSE_TOO_LARGE`, `UNEXPECTED_REDIRECT`, `NETWORK_ERROR`, `TIMEOUT`,
   * `ABORTED`, `INVALID_ARGUMENT`.
   *
   * @see [RFC 6749 §4.4 - Client Credentials Grant](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.4)
   */
  clientCredentials(options?: ClientCredentialsOptions): Promise<TokenSet>;
}

/**
 * Options of {@link OAuth2Client}.
 *
 * @group Clients and token sets
 */
export interface OAuth2ClientOptions
  extends ClientCommonOptions,
    Pick<ProviderOverrideOptions, "expiresInUnit" | "bodyEncoding"> {
  /** The authorization endpoint (needed for `authorizationUrl()`): `https:`, or `http:` on a loopback host. */
  authorizationEndpoint?: string | undefined;
  /** The token endpoint: `https:`, or `http:` on a loopback host. */
  tokenEndpoint: string;
  /** The `client_id`. */
  clientId: string;
  /** The client secret, for confidential clients (servers). */
  clientSecret?: string | undefined;
  /**
   * How the client authenticates at the token endpoint: `"basic"` (HTTP Basic, RFC 6749 §2.3.1;
   * the default with a secret), `"post"` (`client_id` + `client_secret` in the form body) or
   * `"none"` (public client: `client_id` only; the default without a secret).
   */
  clientAuth?: "basic" | "post" | "none" | undefined;
  /** The `redirect_uri`: `https:`, or `http:` on a loopback host; no fragment. */
  redirectUri?: string | undefined;
  /**
   * `false` lets `exchangeCode(code)` run without a PKCE verifier, for a server that does not
   * support PKCE. Default `true`: a code exchange without a verifier is refused (RFC 9700 §2.1.1).
   */
  pkce?: boolean | undefined;
}

/**
 * A client of any standard OAuth 2.0 server: authorization code with PKCE S256, refresh, client
 * credentials.
 *
 * @throws {ExpenseAuthError} From the constructor: `INVALID_ARGUMENT` (missing `tokenEndpoint` or
 *   `clientId`, `clientAuth` `"basic"`/`"post"` without `clientSecret`, an unknown `clientAuth`,
 *   `expiresInUnit` or `bodyEncoding`, a bad `timeoutMs` or `fetch`), `INVALID_URL`, `INSECURE_URL`, `SECRET_IN_BROWSER`.
 *
 * @group Clients and token sets
 *
 * @see [RFC 6749 - The OAuth 2.0 Authorization Framework](https://www.rfc-editor.org/rfc/rfc6749.html)
 * @see [RFC 7636 - Proof Key for Code Exchange](https://www.rfc-editor.org/rfc/rfc7636.html)
 * @see [RFC 9700 - Best Current Practice for OAuth 2.0 Security](https://www.rfc-editor.org/rfc/rfc9700.html)
 */
export declare class OAuth2Client implements TokenClient {
  constructor(options: OAuth2ClientOptions);
  authorizationUrl(params?: AuthorizationUrlParams): AuthorizationUrlResult;
  exchangeCode(code: string, codeVerifier?: string, options?: CallOptions): Promise<TokenSet>;
  refresh(refreshToken?: string, options?: CallOptions): Promise<TokenSet>;
  clientCredentials(options?: ClientCredentialsOptions): Promise<TokenSet>;
  /** The API base URL: a generic client knows none (`undefined`). */
  readonly apiBaseUrl: string | undefined;
}

/**
 * Options of {@link Pleo}.
 *
 * @group Providers
 */
export interface PleoOptions extends ClientCommonOptions, ProviderOverrideOptions {
  /** The client ID Pleo registered for your app. */
  clientId: string;
  /** The client secret (sent with HTTP Basic to Pleo's token endpoint). */
  clientSecret: string;
  /** The redirect URI registered with Pleo. */
  redirectUri: string;
  /** `"production"` (`https://auth.pleo.io`, `https://external.pleo.io`; the default) or `"staging"`. */
  environment?: "production" | "staging" | undefined;
  /** The auth host instead, e.g. the local sandbox's `http://127.0.0.1:8787/pleo`. */
  baseUrl?: string | undefined;
  /** The API host instead. */
  apiBaseUrl?: string | undefined;
}

/**
 * Pleo: authorization code with PKCE S256 at `https://auth.pleo.io` (staging
 * `https://auth.staging.pleo.io`), client credentials in HTTP Basic, access tokens of about ten
 * minutes (opaque: don't decode them), refresh tokens of 60 days that rotate; reusing a used
 * refresh token revokes the whole authorisation (`RECONNECT_REQUIRED`). `expires_in` values above
 * 86 400 are read as milliseconds (the `expiresInUnit` option fixes the unit).
 *
 * @throws {ExpenseAuthError} From the constructor: `INVALID_ARGUMENT`, `INVALID_URL`,
 *   `INSECURE_URL`, `SECRET_IN_BROWSER`.
 *
 * @group Providers
 *
 * @see [Pleo - Quick Start](https://developers.pleo.io/docs/quick-start)
 */
export declare class Pleo implements TokenClient {
  constructor(options: PleoOptions);
  authorizationUrl(params?: AuthorizationUrlParams): AuthorizationUrlResult;
  exchangeCode(code: string, codeVerifier?: string, options?: CallOptions): Promise<TokenSet>;
  refresh(refreshToken?: string, options?: CallOptions): Promise<TokenSet>;
  clientCredentials(options?: ClientCredentialsOptions): Promise<TokenSet>;
  /** Pleo's API base URL (`https://external.pleo.io`, or the override), without a trailing `/`. */
  readonly apiBaseUrl: string;
}

/**
 * Options of {@link Spendesk}: OAuth2 partner credentials, API-key credentials, or both.
 *
 * @group Providers
 */
export interface SpendeskOptions extends ClientCommonOptions, ProviderOverrideOptions {
  /** The OAuth2 partner client ID. */
  clientId?: string | undefined;
  /** The OAuth2 partner client secret (sent in the body of the token requests). */
  clientSecret?: string | undefined;
  /** The redirect URI registered with Spendesk (https). */
  redirectUri?: string | undefined;
  /** The API key's ID, for {@link Spendesk.apiKeyToken}; goes with `apiKeySecret`. */
  apiKeyId?: string | undefined;
  /** The API key's secret; goes with `apiKeyId`. */
  apiKeySecret?: string | undefined;
  /**
   * `"production"` (`https://public-api.spendesk.com`, the default) or `"sandbox"`
   * (`https://sandbox-public-api.spendesk.com`).
   */
  environment?: "production" | "sandbox" | undefined;
  /** The API host root instead (`/v1` is appended), e.g. the local sandbox's `http://127.0.0.1:8787/spendesk`. */
  baseUrl?: string | undefined;
  /**
   * The method of the API-key request to `/auth/token`: `"POST"` (the default) or `"GET"`.
   * Spendesk's docs say "make a call to authenticate at /auth/token" and name no method, so this is
   * a guess (see {@link ProviderOverrideOptions}). Only Spendesk has API keys.
   */
  apiKeyMethod?: "POST" | "GET" | undefined;
}

/**
 * Spendesk: the OAuth2 partner flow with PKCE (`/v1/oauth2/authorize`, `/v1/oauth2/token/create`
 * answering 201 without `expires_in` — the expiry comes from the JWT's `exp` —, and
 * `/v1/oauth2/token/refresh`), and the API-key flow (`/v1/auth/token` with HTTP Basic). A 401/403
 * on refresh is `RECONNECT_REQUIRED`. Token sets carry the `walletId` from the access token (one
 * connection per wallet). Spendesk asks not to store access tokens in persistent storage.
 *
 * @throws {ExpenseAuthError} From the constructor: `INVALID_ARGUMENT` (`apiKeyId` without
 *   `apiKeySecret` or the reverse), `INVALID_URL`, `INSECURE_URL`, `SECRET_IN_BROWSER`.
 *
 * @group Providers
 *
 * @see [Spendesk - How to authenticate](https://developer.spendesk.com/public/reference/how-to-authenticate)
 */
export declare class Spendesk implements TokenClient {
  constructor(options: SpendeskOptions);
  authorizationUrl(params?: AuthorizationUrlParams): AuthorizationUrlResult;
  exchangeCode(code: string, codeVerifier?: string, options?: CallOptions): Promise<TokenSet>;
  refresh(refreshToken?: string, options?: CallOptions): Promise<TokenSet>;
  clientCredentials(options?: ClientCredentialsOptions): Promise<TokenSet>;
  /** Spendesk's API base URL (`https://public-api.spendesk.com/v1`, or the override's), without a trailing `/`. */
  readonly apiBaseUrl: string;
  /**
   * An access token for the API key: `POST /v1/auth/token` with
   * `Authorization: Basic base64(id:secret)`. No refresh token: call it again (e.g. as a
   * {@link TokenSession}'s `renew`) when the token expires.
   *
   * Rejects with `INVALID_ARGUMENT` (the client has no API key), `OAUTH_ERROR` (e.g. 401 for a
   * wrong key), `SERVER_ERROR`, `HTTP_ERROR`, `INVALID_RESPONSE`, `RESPONSE_TOO_LARGE`,
   * `UNEXPECTED_REDIRECT`, `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`.
   *
   * @see [Spendesk - How to authenticate](https://developer.spendesk.com/public/reference/how-to-authenticate)
   */
  apiKeyToken(options?: CallOptions): Promise<TokenSet>;
  /**
   * The wallet (company) ID in an access token (JWT payload, **not verified**), as
   * {@link spendeskWalletId}.
   *
   * @throws {ExpenseAuthError} `INVALID_JWT`, `MISSING_CLAIM`.
   */
  walletId(accessToken: string, claimName?: string): string;
}

/**
 * Options of {@link Findity}.
 *
 * @group Providers
 */
export interface FindityOptions extends ClientCommonOptions, ProviderOverrideOptions {
  /** The API key's client ID. */
  clientId: string;
  /** The API key's client secret (sent in the form body); not needed to `refresh()`. */
  clientSecret?: string | undefined;
  /** `"production"` (`https://expense.findity.com`, the default) or `"stage"` (`https://stage-expense.findity.com`). */
  environment?: "production" | "stage" | undefined;
  /** The host instead, e.g. the local sandbox's `http://127.0.0.1:8787/findity`. */
  baseUrl?: string | undefined;
}

/**
 * Findity: client credentials in the form body at `/api/oauth/token/`, single-use refresh tokens
 * (Findity's refresh sends no secret), and user tokens through `/api/oauth/authorization-grant`
 * followed by a code exchange.
 *
 * @throws {ExpenseAuthError} From the constructor: `INVALID_ARGUMENT`, `INVALID_URL`,
 *   `INSECURE_URL`, `SECRET_IN_BROWSER`.
 *
 * @group Providers
 *
 * @see [Findity - Authentication](https://developer.findity.com/docs/accessing)
 */
export declare class Findity implements TokenClient {
  constructor(options: FindityOptions);
  authorizationUrl(params?: AuthorizationUrlParams): AuthorizationUrlResult;
  exchangeCode(code: string, codeVerifier?: string, options?: CallOptions): Promise<TokenSet>;
  refresh(refreshToken?: string, options?: CallOptions): Promise<TokenSet>;
  clientCredentials(options?: ClientCredentialsOptions): Promise<TokenSet>;
  /** Findity's base URL (`https://expense.findity.com`, or the override), without a trailing `/`. */
  readonly apiBaseUrl: string;
  /**
   * Asks for a single-use authorization code to act as one of the organisation's users
   * (`POST /api/oauth/authorization-grant` with the organisation's access token).
   *
   * @param orgAccessToken An access token of the organisation, from `clientCredentials()`.
   * @param userId The user's person ID or `ExternalSourceID`.
   *
   * Rejects with `OAUTH_ERROR`, `SERVER_ERROR`, `HTTP_ERROR`, `INVALID_RESPONSE`,
   * `RESPONSE_TOO_LARGE`, `UNEXPECTED_REDIRECT`, `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`,
   * `INVALID_ARGUMENT`.
   *
   * @see [Findity - Authentication](https://developer.findity.com/docs/accessing)
   */
  authorizationGrant(orgAccessToken: string, userId: string, options?: CallOptions): Promise<string>;
  /**
   * The user's token set: {@link Findity.authorizationGrant}, then the code exchange.
   *
   * Rejects as {@link Findity.authorizationGrant} and `exchangeCode()`.
   *
   * @see [Findity - Authentication](https://developer.findity.com/docs/accessing)
   */
  userToken(orgAccessToken: string, userId: string, options?: CallOptions): Promise<TokenSet>;
}

/**
 * Options of {@link ProSpend}.
 *
 * @group Providers
 */
export interface ProSpendOptions {
  /** The JWT an admin issued on `https://<site>.prospend.com` (Setup → API Tokens). */
  token: string;
  /** `"production"` (`https://api.apac.prospend.io`, the default) or `"sandbox"` (`https://sandbox.prospend.io`). */
  environment?: "production" | "sandbox" | undefined;
  /** The API host instead, e.g. the local sandbox's `http://127.0.0.1:8787/prospend`. */
  apiBaseUrl?: string | undefined;
  /** A fetch-compatible function to use instead of the global `fetch`; see {@link ClientCommonOptions.fetch}. */
  fetch?: typeof fetch | undefined;
  /** Time limit per request in ms; see {@link ClientCommonOptions.timeoutMs}. */
  timeoutMs?: number | undefined;
}

/**
 * ProSpend: a static Bearer JWT an admin issues (valid about two years, revocable, never
 * refreshed). The client checks it is a JWT, exposes its expiry, refuses it once expired and sends
 * it only over https (or to a loopback host).
 *
 * @throws {ExpenseAuthError} From the constructor: `INVALID_JWT` (not a JWT), `TOKEN_EXPIRED`,
 *   `INVALID_ARGUMENT`, `INVALID_URL`, `INSECURE_URL`.
 *
 * @group Providers
 *
 * @see [ProSpend - Authentication](https://developer.prospend.com/open-api/authentication)
 * @see [RFC 6750 §2.1 - Authorization Request Header Field](https://www.rfc-editor.org/rfc/rfc6750.html#section-2.1)
 */
export declare class ProSpend {
  constructor(options: ProSpendOptions);
  /** When the token expires (ms since the epoch, from its `exp`), if it says. */
  readonly expiresAt: number | undefined;
  /** The API base URL, without a trailing `/`. */
  readonly apiBaseUrl: string;
  /**
   * The token as a {@link TokenSet} (no refresh token: an admin issues a new one).
   *
   * @throws {ExpenseAuthError} `TOKEN_EXPIRED` once the token has expired.
   */
  tokenSet(): TokenSet;
  /**
   * Calls `apiBaseUrl + path` with `Authorization: Bearer <token>`.
   *
   * @param path The API path, starting with `/`.
   * @param init As for `fetch`.
   *
   * Rejects with `TOKEN_EXPIRED`, `INVALID_ARGUMENT` (a path not starting with `/`),
   * `INVALID_URL`, `INSECURE_URL`, `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`.
   *
   * @see [RFC 6750 §2.1 - Authorization Request Header Field](https://www.rfc-editor.org/rfc/rfc6750.html#section-2.1)
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

// ---------------------------------------------------------------------------------- TokenSession

/**
 * Anything a {@link TokenSession} can refresh with: every client class here.
 *
 * @group TokenSession
 */
export interface Refresher {
  /** Uses the refresh token; see {@link TokenClient.refresh}. */
  refresh(refreshToken: string): Promise<TokenSet>;
}

/**
 * Options of {@link TokenSession}. It needs a `client` or a `renew` function.
 *
 * @group TokenSession
 */
export interface TokenSessionOptions {
  /** Refreshes the tokens: any client class here (anything with `refresh(refreshToken)`). */
  client?: Refresher | undefined;
  /** The tokens from your store. */
  tokens?: TokenSetInput | undefined;
  /**
   * Your store: called with every new token set (`next`) and the one it replaces (`previous`,
   * `undefined` the first time), so a shared store can compare-and-swap. Awaited before any access
   * token of `next` is handed out. If it throws, rejects or does not settle within
   * `storeTimeoutMs`, the call fails with `STORE_FAILED`; the new tokens stay pending in memory and
   * are offered again on the next call.
   */
  onTokens?: ((next: TokenSet, previous: TokenSet | undefined) => void | Promise<void>) | undefined;
  /**
   * Gets a whole new token set when there is no refresh token (API keys, client credentials),
   * e.g. `() => spendesk.apiKeyToken()`.
   */
  renew?: (() => Promise<TokenSet>) | undefined;
  /**
   * Refresh this long before the access token expires, in ms (default 60 000); clamped to half
   * the token's lifetime, so short-lived tokens are not refreshed on every call.
   */
  skewMs?: number | undefined;
  /** How long `onTokens` may take, in ms (default 10 000), before the call fails with `STORE_FAILED`. */
  storeTimeoutMs?: number | undefined;
  /** The clock in ms since the epoch (default `Date.now`). */
  now?: (() => number) | undefined;
  /**
   * A fetch-compatible function for {@link TokenSession.fetch} instead of the global `fetch`; see
   * {@link ClientCommonOptions.fetch}.
   */
  fetch?: typeof fetch | undefined;
  /**
   * The origins (`https://host[:port]`) {@link TokenSession.fetch} may send the access token to.
   * Default: the origin of the client's API base URL for Pleo, Spendesk, Findity and ProSpend; any
   * https origin for a generic {@link OAuth2Client} or no client. Plain `http:` is only ever
   * allowed for loopback hosts.
   */
  allowedOrigins?: string[] | undefined;
  /** Time limit per request of {@link TokenSession.fetch}, in ms; see {@link ClientCommonOptions.timeoutMs}. */
  timeoutMs?: number | undefined;
}

/**
 * Keeps a user's (or an app's) tokens valid: refreshes ahead of expiry with one refresh for all
 * concurrent callers, hands every rotated token set to your store (`onTokens`) before using it,
 * and says clearly when the user must connect again (`reconnectRequired`). Memory only: nothing
 * is persisted except through `onTokens`.
 *
 * Every method completes or rejects with an {@link ExpenseAuthError}, also when called from
 * inside `onTokens`, `renew`, `now` or a custom `fetch`; a hung store or request runs into its
 * deadline instead of wedging the session.
 *
 * @throws {ExpenseAuthError} From the constructor: `INVALID_ARGUMENT` (neither `client` nor
 *   `renew`, a bad `skewMs`, `storeTimeoutMs`, `timeoutMs` or `allowedOrigins`, tokens without an
 *   access token).
 *
 * @group TokenSession
 *
 * @see [RFC 6749 §6 - Refreshing an Access Token](https://www.rfc-editor.org/rfc/rfc6749.html#section-6)
 * @see [RFC 6750 - Bearer Token Usage](https://www.rfc-editor.org/rfc/rfc6750.html)
 * @see [RFC 9700 §4.14.2 - Refresh Token Protection](https://www.rfc-editor.org/rfc/rfc9700.html#section-4.14.2)
 */
export declare class TokenSession {
  constructor(options: TokenSessionOptions);
  /**
   * A valid access token: the current one, or a refreshed one when it expires within `skewMs`
   * (one refresh for all concurrent callers; the new tokens are stored through `onTokens` first).
   *
   * Rejects with `RECONNECT_REQUIRED` (then {@link TokenSession.reconnectRequired} is `true`),
   * `NO_REFRESH_TOKEN` (expired, with neither refresh token nor `renew`), `STORE_FAILED`, and the
   * client's errors (`OAUTH_ERROR`, `SERVER_ERROR`, `NETWORK_ERROR`, `TIMEOUT`, …).
   */
  getAccessToken(): Promise<string>;
  /**
   * Refreshes now (sharing a refresh already in flight) and resolves to the new access token.
   *
   * Rejects as {@link TokenSession.getAccessToken}.
   */
  refresh(): Promise<string>;
  /**
   * Replaces the tokens (e.g. after the user connected again) and clears a reconnect state. Not
   * passed to `onTokens`: they come from you.
   *
   * @throws {ExpenseAuthError} `INVALID_ARGUMENT` for a token set without an access token.
   */
  setTokens(tokens: TokenSetInput): void;
  /** The current token set, if any. */
  readonly tokens: TokenSet | undefined;
  /** Whether the refresh token was refused and the user must connect again. */
  readonly reconnectRequired: boolean;
  /**
   * `fetch` with `Authorization: Bearer <access token>`, only to an allowed origin over https
   * (`http:` only to loopback hosts). A 401 refreshes once (unless another call already did) and
   * retries once with the new token — never with the token that got the 401; a second 401 rejects
   * with `UNAUTHORIZED`. Pass a URL rather than a `Request`, so the retry can resend it.
   *
   * Rejects with `INSECURE_URL`, `INVALID_URL` (origin not allowed; before any request),
   * `UNAUTHORIZED`, `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`, `INVALID_ARGUMENT`, and the errors of
   * {@link TokenSession.getAccessToken}.
   *
   * @see [RFC 6750 §2.1 - Authorization Request Header Field](https://www.rfc-editor.org/rfc/rfc6750.html#section-2.1)
   * @see [RFC 6750 §3.1 - Error Codes](https://www.rfc-editor.org/rfc/rfc6750.html#section-3.1)
   */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
}
