// Inputs shared by every benchmark, in Node, Chromium and workerd alike
// (no Node APIs here). Deterministic: the same bytes on every run.

const enc = (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64url = (bytes) => enc(String.fromCharCode(...bytes));

const header = { alg: "ES256", typ: "JWT", kid: "pleo-2025-02-es256-01" };
export const JWT_PAYLOAD = {
  iss: "https://auth.pleo.io",
  sub: "5f0c6a3e-8c1b-4f57-9a86-2f3b1c9d7e41",
  aud: ["https://external.pleo.io", "https://api.pleo.io"],
  exp: 4102444800,
  iat: 1767225600,
  jti: "b7d1c4e2-0a9f-4c36-8e51-6f2a9d3b8c70",
  client_id: "expense-sync-prod",
  scope: "users:read expenses:read expenses:write receipts:read accounting:read offline_access",
  wallet_id: "wal_01HZX4K9Q2M7C8R5T3V6N1B0YA",
  company_id: "c6f1b2a4-93d8-4e27-b5c0-7a8e2d1f4c63",
  roles: ["bookkeeper", "approver"],
  auth_time: 1767225590,
};
// A fake ES256 signature: 64 bytes, as a real P-256 signature has.
const sig = new Uint8Array(64);
for (let i = 0; i < sig.length; i++) sig[i] = (i * 73 + 41) & 0xff;

/** A realistic access token (~800 bytes; the signature is not valid). */
export const TOKEN = `${enc(JSON.stringify(header))}.${enc(JSON.stringify(JWT_PAYLOAD))}.${b64url(sig)}`;
/** The smallest useful token: one claim. Shows the fixed cost per call. */
export const SMALL_TOKEN = `${enc('{"alg":"none"}')}.${enc('{"sub":"1"}')}.x`;
/** The payload segment's JSON text, for the JSON.parse-only baseline. */
export const PAYLOAD_JSON = JSON.stringify(JWT_PAYLOAD);

export const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"; // RFC 7636 appendix B
export const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
export const STATE = "af0ifjsldkjYQ3pXn7bT2cVw9rLmE4hKsGq8uZoD1aB";

export const AUTHORIZE = {
  authorizationEndpoint: "https://auth.pleo.io/oauth/authorize",
  clientId: "expense-sync-prod",
  redirectUri: "https://app.example.com/integrations/pleo/callback",
  scopes: ["users:read", "expenses:read", "expenses:write", "receipts:read", "offline_access"],
  state: STATE,
  codeChallenge: CHALLENGE,
};

/** A token endpoint's answer to an authorization_code grant (RFC 6749 §5.1). */
export const TOKEN_RESPONSE_BODY = JSON.stringify({
  access_token: TOKEN,
  token_type: "Bearer",
  expires_in: 3600,
  refresh_token: "rt_8cKq2VnX5bL0pW7sD3fJ9hG1mZ4tY6uR2eA8oI5kN0cQ",
  scope: JWT_PAYLOAD.scope,
});
export const NOW = 1767225600000;

// oauth4webapi's configuration objects for the same server and client.
export const AS = {
  issuer: "https://auth.pleo.io",
  authorization_endpoint: AUTHORIZE.authorizationEndpoint,
  token_endpoint: "https://auth.pleo.io/oauth/token",
};
export const CLIENT = { client_id: AUTHORIZE.clientId };

/**
 * A hand-assembled 49-byte wasm module: `nop()` (no arguments, no result)
 * and `id(externref) -> externref`. Timing them shows the bare JS↔wasm call
 * cost, with no wasm-bindgen glue and no work on either side.
 */
export const NOP_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x6f, 0x01, 0x6f, // types
  0x03, 0x03, 0x02, 0x00, 0x01, // functions
  0x07, 0x0c, 0x02, 0x03, 0x6e, 0x6f, 0x70, 0x00, 0x00, 0x02, 0x69, 0x64, 0x00, 0x01, // exports
  0x0a, 0x09, 0x02, 0x02, 0x00, 0x0b, 0x04, 0x00, 0x20, 0x00, 0x0b, // code
]);
