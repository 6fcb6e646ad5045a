// A module Worker of a server runtime (Deno, Bun) that imports the package
// and builds a client with a secret without the opt-in: on a server that is
// allowed, also in a worker (Deno's workers define WorkerGlobalScope). Posts
// { ok } or { code, message }. Used by worker-guard.mjs.
import * as lib from "expense-auth";

self.onmessage = (e) => {
  try {
    new lib.OAuth2Client({ tokenEndpoint: `${e.data}/oauth/token`, clientId: "sandbox-client", clientSecret: "sandbox-secret" });
    new lib.Spendesk({ apiKeyId: "spendesk-key-id", apiKeySecret: "spendesk-key-secret" });
    self.postMessage({ ok: true, workerGlobalScope: typeof WorkerGlobalScope });
  } catch (err) {
    self.postMessage({ code: err?.code ?? null, message: String(err?.message ?? err) });
  }
};
