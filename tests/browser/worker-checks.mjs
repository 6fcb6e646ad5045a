// The secret-in-browser guard inside a browser's web workers (issue 10 item
// 4): run in a dedicated, a shared and a service worker by workers.html.
// A client secret in any of them is SECRET_IN_BROWSER; allowSecretInBrowser:
// true is the opt-in, and then the client works against the sandbox; clients
// without a secret need no opt-in. Returns runTests' { passed, failed,
// results }.
import { eq, ok, throwsCode, runTests } from "../suite/harness.mjs";

export async function workerChecks(lib, S, kind) {
  const tests = [];
  const test = (name, fn) => tests.push({ name, fn });
  const SECRET = "worker-secret-1234";

  // What the driver's detection reads (pkg-template/api.js, inBrowser).
  test(`${kind}: self is a WorkerGlobalScope with importScripts, and there is no window`, () => {
    eq(typeof window, "undefined", "window");
    eq(typeof document, "undefined", "document");
    ok(typeof WorkerGlobalScope === "function" && self instanceof WorkerGlobalScope, "self instanceof WorkerGlobalScope");
    eq(typeof importScripts, "function", "importScripts");
  });

  test(`${kind}: a client secret or API-key secret is refused with SECRET_IN_BROWSER`, () => {
    const cases = [
      () => new lib.OAuth2Client({ tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-client", clientSecret: SECRET }),
      () => new lib.Pleo({ clientId: "c", clientSecret: SECRET, redirectUri: `${S}/callback` }),
      () => new lib.Spendesk({ apiKeyId: "id", apiKeySecret: SECRET }),
      () => new lib.Findity({ clientId: "c", clientSecret: SECRET }),
      () => new lib.OAuth2Client({ tokenEndpoint: `${S}/oauth/token`, clientId: "c", clientSecret: SECRET, allowSecretInBrowser: "yes" }),
    ];
    for (const make of cases) {
      const e = throwsCode(make, "SECRET_IN_BROWSER");
      ok(!e.message.includes(SECRET), "the message does not carry the secret");
    }
  });

  test(`${kind}: allowSecretInBrowser: true is the opt-in, and the client then works`, async () => {
    const c = new lib.OAuth2Client({ tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-client", clientSecret: "sandbox-secret", allowSecretInBrowser: true });
    const t = await c.clientCredentials({ scopes: ["read"] });
    eq(t.tokenType, "Bearer");
    ok(t.accessToken.length > 0, "an access token");
    const key = new lib.Spendesk({ apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret", baseUrl: `${S}/spendesk`, allowSecretInBrowser: true });
    ok((await key.apiKeyToken()).accessToken, "the API key works with the opt-in");
  });

  test(`${kind}: clients without a secret need no opt-in`, () => {
    ok(new lib.OAuth2Client({ tokenEndpoint: `${S}/oauth/token`, clientId: "sandbox-public" }), "public OAuth2Client");
    ok(new lib.Findity({ clientId: "findity-client" }), "Findity without a secret");
    ok(new lib.Spendesk({ clientId: "spendesk-client" }), "Spendesk without a secret");
  });

  return runTests(tests);
}
