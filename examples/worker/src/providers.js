// Which providers the Worker connects, and how each client is built from the
// Worker's environment: base URLs and client IDs from `vars`, client secrets
// from Worker secrets (never from code).
import { OAuth2Client, Pleo, Spendesk, Findity, ProSpend } from "expense-auth";
import { RouteError } from "./http.js";

const opt = (v) => (typeof v === "string" && v !== "" ? v : undefined);

function secret(env, name) {
  const v = opt(env[name]);
  if (!v) throw new RouteError(500, "NOT_CONFIGURED", `the Worker secret ${name} is not set`);
  return v;
}

export const redirectUri = (env) => `${env.PUBLIC_URL.replace(/\/$/, "")}/callback`;

/**
 * Each provider: `consent` (connected through the user's consent: /connect),
 * `client(env, stored)` (the expense-auth client), `api(env, client)` (the API
 * base URL that /connections/:id/api/* forwards to), and how tokens are renewed
 * when there is no refresh token.
 */
export const PROVIDERS = {
  oauth: {
    consent: true,
    client: (env, stored, fetch) =>
      new OAuth2Client({
        fetch,
        authorizationEndpoint: env.OAUTH_AUTHORIZE_URL,
        tokenEndpoint: env.OAUTH_TOKEN_URL,
        clientId: env.OAUTH_CLIENT_ID,
        clientSecret: secret(env, "OAUTH_CLIENT_SECRET"),
        redirectUri: redirectUri(env),
        scopes: ["read"],
      }),
    api: (env) => env.OAUTH_API_BASE_URL,
    demoApi: "api/me",
  },
  pleo: {
    consent: true,
    client: (env, stored, fetch) =>
      new Pleo({
        fetch,
        clientId: env.PLEO_CLIENT_ID,
        clientSecret: secret(env, "PLEO_CLIENT_SECRET"),
        redirectUri: redirectUri(env),
        scopes: ["export:read"],
        environment: opt(env.PLEO_ENVIRONMENT),
        baseUrl: opt(env.PLEO_BASE_URL),
        apiBaseUrl: opt(env.PLEO_API_BASE_URL),
      }),
    api: (env, client) => client.apiBaseUrl,
    demoApi: "v1/expenses",
  },
  spendesk: {
    consent: true,
    client: (env, stored, fetch) =>
      new Spendesk({
        fetch,
        clientId: env.SPENDESK_CLIENT_ID,
        clientSecret: secret(env, "SPENDESK_CLIENT_SECRET"),
        redirectUri: redirectUri(env),
        environment: opt(env.SPENDESK_ENVIRONMENT),
        baseUrl: opt(env.SPENDESK_BASE_URL),
      }),
    api: (env, client) => client.apiBaseUrl,
    demoApi: "wallet-summary",
  },
  // Spendesk API keys belong to one customer: they are stored in the
  // connection's Durable Object, and each expiry is renewed with them.
  "spendesk-api-key": {
    consent: false,
    client: (env, stored, fetch) =>
      new Spendesk({
        fetch,
        apiKeyId: stored.apiKeyId,
        apiKeySecret: stored.apiKeySecret,
        environment: opt(env.SPENDESK_ENVIRONMENT),
        baseUrl: opt(env.SPENDESK_BASE_URL),
      }),
    renew: (client) => client.apiKeyToken(),
    api: (env, client) => client.apiBaseUrl,
    demoApi: "wallet-summary",
  },
  // Findity: the organisation token (client credentials), or a user's token
  // (authorization grant + code exchange) when `userId` is given.
  findity: {
    consent: false,
    client: (env, stored, fetch) =>
      new Findity({
        fetch,
        clientId: env.FINDITY_CLIENT_ID,
        clientSecret: secret(env, "FINDITY_CLIENT_SECRET"),
        environment: opt(env.FINDITY_ENVIRONMENT),
        baseUrl: opt(env.FINDITY_BASE_URL),
      }),
    api: (env, client) => client.apiBaseUrl,
    demoApi: "api/v1/me",
  },
  // ProSpend: a static token an admin issued, stored in the Durable Object.
  prospend: {
    consent: false,
    client: (env, stored, fetch) =>
      new ProSpend({
        fetch,
        token: stored.token,
        environment: opt(env.PROSPEND_ENVIRONMENT),
        apiBaseUrl: opt(env.PROSPEND_API_BASE_URL),
      }),
    api: (env, client) => client.apiBaseUrl,
    demoApi: "api/v1/expenses",
  },
};

export function provider(name) {
  const p = Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined;
  if (!p) throw new RouteError(404, "UNKNOWN_PROVIDER", `unknown provider; one of: ${Object.keys(PROVIDERS).join(", ")}`);
  return p;
}

/** A connection's ID: the provider and a hash of customer + provider + wallet, so
 * IDs are URL-safe, fixed-length and reveal nothing of the wallet or customer. */
export async function connectionId(providerName, customer, wallet = "") {
  const data = new TextEncoder().encode(`${providerName}\u0000${customer}\u0000${wallet}`);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  const hex = [...hash.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${providerName}-${hex}`;
}

export const CUSTOMER_RE = /^[A-Za-z0-9._-]{1,64}$/;
export const CONNECTION_ID_RE = /^[a-z-]{4,20}-[0-9a-f]{24}$/;
