
/** Stable error codes: every error this module throws has one as `err.code`. */
export type ErrorCode =
  | "INVALID_ARGUMENT" | "INVALID_CODE_VERIFIER" | "INVALID_URL" | "INSECURE_URL"
  | "DUPLICATE_PARAMETER" | "STATE_MISMATCH" | "MISSING_STATE" | "MISSING_CODE"
  | "AUTHORIZATION_ERROR" | "INVALID_JWT" | "MISSING_CLAIM" | "RANDOM_UNAVAILABLE"
  | "OAUTH_ERROR" | "RECONNECT_REQUIRED" | "HTTP_ERROR" | "SERVER_ERROR"
  | "INVALID_RESPONSE" | "RESPONSE_TOO_LARGE" | "UNEXPECTED_REDIRECT" | "NETWORK_ERROR"
  | "TIMEOUT" | "ABORTED" | "UNAUTHORIZED" | "TOKEN_EXPIRED" | "SECRET_IN_BROWSER"
  | "STORE_FAILED" | "NO_REFRESH_TOKEN";

/** What every function throws: a JS `Error` with a stable `code`. */
export interface ExpenseAuthError extends Error {
  name: "ExpenseAuthError";
  code: ErrorCode;
  /** HTTP status, for errors caused by a server's answer. */
  status?: number;
  /** The server's OAuth `error` (or Spendesk's `errors[0].code`). */
  error?: string;
  /** The server's `error_description` (or Spendesk's `errors[0].detail`). */
  errorDescription?: string;
  /** The server's `error_uri`. */
  errorUri?: string;
}

/** A PKCE pair (RFC 7636). Keep `codeVerifier` secret until the token request. */
export interface Pkce {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: "S256";
}

/** Options of `buildAuthorizationUrl` (RFC 6749 §4.1.1 + RFC 7636 §4.3). */
export interface AuthorizationUrlOptions {
  /** https, or http on a loopback host. May carry a query. */
  authorizationEndpoint: string;
  clientId: string;
  /** https, or http on a loopback host. */
  redirectUri?: string;
  /** Joined with spaces into `scope`. A string is split on spaces. */
  scopes?: string[] | string;
  state?: string;
  /** The S256 challenge from `createPkce()`. */
  codeChallenge: string;
  /** More parameters; may not repeat the ones the builder sets. */
  extraParams?: Record<string, string>;
}

/** Options of `pleoAuthorizationUrl`. */
export interface PleoAuthorizationUrlOptions extends Omit<AuthorizationUrlOptions, "authorizationEndpoint"> {
  /** `"production"` (https://auth.pleo.io, default) or `"staging"` (https://auth.staging.pleo.io). */
  environment?: "production" | "staging";
  /** Overrides the auth host, e.g. the local sandbox `http://127.0.0.1:8787/pleo`. */
  baseUrl?: string;
}

/** Options of `spendeskAuthorizationUrl`. */
export interface SpendeskAuthorizationUrlOptions extends Omit<AuthorizationUrlOptions, "authorizationEndpoint"> {
  /** `"production"` (https://public-api.spendesk.com, default) or `"sandbox"` (https://sandbox-public-api.spendesk.com). */
  environment?: "production" | "sandbox";
  /** Overrides the API host, e.g. the local sandbox `http://127.0.0.1:8787/spendesk`. */
  baseUrl?: string;
}

/** A checked authorization response. */
export interface CallbackResult {
  code: string;
  state?: string;
}

/** A JWT payload, decoded WITHOUT signature verification. */
export interface JwtPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Seconds since the epoch. */
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** Tokens from a token endpoint. `expiresAt` is in ms since the epoch, like `Date.now()`. */
export interface TokenSet {
  accessToken: string;
  tokenType: "Bearer";
  expiresAt?: number;
  refreshToken?: string;
  scope?: string;
  /** Spendesk only: the wallet (company) ID from the access token, when found. */
  walletId?: string;
  /** The whole parsed answer. */
  raw: Record<string, unknown>;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface ClientCredentialsOptions extends CallOptions {
  scopes?: string[] | string;
}

/** `authorizationUrl()` parameters: state and PKCE are generated unless given. */
export interface AuthorizationUrlParams {
  scopes?: string[] | string;
  state?: string;
  codeVerifier?: string;
  extraParams?: Record<string, string>;
}

/** Keep `state` and `codeVerifier` (server side, or in session storage) for the callback. */
export interface AuthorizationUrlResult {
  url: string;
  state: string;
  codeVerifier: string;
}

/** Options every client takes. */
export interface ClientCommonOptions {
  /** A fetch-compatible function to use instead of the global `fetch`. */
  fetch?: typeof fetch;
  /** Time limit per request in ms (default 30000). */
  timeoutMs?: number;
  /** Client secrets belong on servers: set this to use one in a browser page anyway. */
  allowSecretInBrowser?: boolean;
  /** Default scopes for `authorizationUrl()`. */
  scopes?: string[] | string;
}

export interface OAuth2ClientOptions extends ClientCommonOptions {
  authorizationEndpoint?: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  /** Default: "basic" with a secret, "none" without. */
  clientAuth?: "basic" | "post" | "none";
  redirectUri?: string;
}

export interface PleoOptions extends ClientCommonOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment?: "production" | "staging";
  /** Auth host override, e.g. `http://127.0.0.1:8787/pleo`. */
  baseUrl?: string;
  /** API host override. */
  apiBaseUrl?: string;
}

export interface SpendeskOptions extends ClientCommonOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  apiKeyId?: string;
  apiKeySecret?: string;
  environment?: "production" | "sandbox";
  /** API host override, e.g. `http://127.0.0.1:8787/spendesk`. */
  baseUrl?: string;
}

export interface FindityOptions extends ClientCommonOptions {
  clientId: string;
  clientSecret: string;
  environment?: "production" | "stage";
  /** Host override, e.g. `http://127.0.0.1:8787/findity`. */
  baseUrl?: string;
}

export interface ProSpendOptions {
  /** The admin-issued JWT. */
  token: string;
  environment?: "production" | "sandbox";
  apiBaseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Anything that can refresh: every client class here. */
export interface Refresher {
  refresh(refreshToken: string): Promise<TokenSet>;
}

export interface TokenSessionOptions {
  client?: Refresher;
  /** Tokens from your store. */
  tokens?: Pick<TokenSet, "accessToken"> & Partial<TokenSet>;
  /** Called with every new token set, and awaited before the new access token is used. */
  onTokens?: (tokens: TokenSet) => void | Promise<void>;
  /** Gets a new token set when there is no refresh token (API keys, client credentials). */
  renew?: () => Promise<TokenSet>;
  /** Refresh this long before expiry (ms, default 60000). */
  skewMs?: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  fetch?: typeof fetch;
}

/** `parseTokenResponse()` input: an answer you fetched yourself. */
export interface ParseTokenResponseOptions {
  status: number;
  body: string;
  contentType?: string;
  provider?: "oauth2" | "spendesk" | "pleo" | "findity";
  grant?: "authorization_code" | "refresh_token" | "client_credentials";
  /** Clock in ms read before the request (default `Date.now()`). */
  now?: number;
}
