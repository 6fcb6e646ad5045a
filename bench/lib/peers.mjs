// The peer libraries' entry points the benchmarks call. Node imports this
// file as is (bare specifiers resolve in the repo's node_modules); for
// Chromium, bench/lib/build.mjs bundles it with esbuild (browser conditions).
export * as oauth from "oauth4webapi";
export { decodeJwt } from "jose";
export { jwtDecode } from "jwt-decode";
export { default as pkceChallenge } from "pkce-challenge";
export { OAuth2Client, CodeChallengeMethod, generateCodeVerifier } from "arctic";
// What arctic's createAuthorizationURLWithPKCE runs to hash the verifier
// (@oslojs/crypto's synchronous SHA-256 in JS); not re-exported by arctic.
export { createS256CodeChallenge } from "arctic/dist/oauth2.js";
