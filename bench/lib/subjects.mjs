// Cold-start subjects: what is imported and which "first result" call
// follows. Shared by Node, Chromium and workerd (no Node APIs).
import { AUTHORIZE, STATE, TOKEN, VERIFIER } from "./fixtures.mjs";

export const SUBJECTS = {
  empty: { label: "(empty: no import, no call — the baseline)", call: () => null },
  "expense-auth": { label: "expense-auth: compile + instantiate the wasm, `createPkce()`", call: (m) => m.createPkce() },
  oauth4webapi: {
    label: "oauth4webapi: `generateRandomCodeVerifier()` + `await calculatePKCECodeChallenge(v)`",
    call: async (m) => {
      const v = m.generateRandomCodeVerifier();
      return m.calculatePKCECodeChallenge(v);
    },
  },
  "pkce-challenge": { label: "pkce-challenge: `await pkceChallenge()`", call: (m) => m.default() },
  jose: { label: "jose: `decodeJwt(token)`", call: (m) => m.decodeJwt(TOKEN) },
  "jwt-decode": { label: "jwt-decode: `jwtDecode(token)`", call: (m) => m.jwtDecode(TOKEN) },
  arctic: {
    label: "arctic: `new OAuth2Client(...).createAuthorizationURLWithPKCE(...)`",
    call: (m) =>
      new m.OAuth2Client(AUTHORIZE.clientId, null, AUTHORIZE.redirectUri).createAuthorizationURLWithPKCE(
        AUTHORIZE.authorizationEndpoint, STATE, m.CodeChallengeMethod.S256, VERIFIER, AUTHORIZE.scopes,
      ).href,
  },
};

/** The JS peers the cold-start target compares against. */
export const TARGET_PEERS = ["oauth4webapi", "pkce-challenge", "jose", "jwt-decode"];
