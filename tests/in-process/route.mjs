// Runs the behaviour suite's sandbox-backed cases against the in-process
// sandbox (the expense-auth-sandbox npm package) instead of the binary: a
// global fetch that answers requests for `origin` with `sandbox.fetch`, as
// the network would (redirects followed unless the request says "manual",
// `response.url` set), and passes everything else to the real fetch. The
// suite and the clients are unchanged: they build URLs from `sandboxUrl` and
// call the global fetch. Runtime-neutral (Node, Chromium, workerd).

/** The suite's `sandboxUrl`: loopback, and nothing listens there (port 7). */
export const IN_PROCESS_ORIGIN = "http://127.0.0.1:7";

/** A fetch that routes `origin` to `sandbox.fetch`, the rest to `fallback`. */
export function routeFetch(sandbox, origin = IN_PROCESS_ORIGIN, fallback = globalThis.fetch.bind(globalThis)) {
  return async function fetch(input, init) {
    const href = input instanceof Request ? input.url : String(input instanceof URL ? input.href : input);
    let url = new URL(href);
    if (url.origin !== origin) return fallback(input, init);
    const mode = init?.redirect ?? (input instanceof Request ? input.redirect : "follow");
    let response = await sandbox.fetch(input, init);
    let hops = 0;
    while (mode !== "manual" && response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      if (mode === "error") throw new TypeError("fetch failed: redirect with redirect: \"error\"");
      if (++hops > 20) throw new TypeError("fetch failed: too many redirects");
      await response.arrayBuffer();
      url = new URL(response.headers.get("location"), url);
      // 301/302/303 after a POST continue as GET without a body (Fetch §4.4).
      const next = { method: "GET", signal: init?.signal, redirect: "manual" };
      response = url.origin === origin ? await sandbox.fetch(url.href, next) : await fallback(url.href, next);
    }
    Object.defineProperty(response, "url", { value: url.href });
    Object.defineProperty(response, "redirected", { value: hops > 0 });
    return response;
  };
}

/**
 * The suite's sandbox-backed cases only: `defineSuite` without a sandbox URL
 * returns the cases that need none, so the rest are the ones to run here.
 */
export function sandboxBackedTests(defineSuite, { lib, runtime }) {
  const offline = new Set(defineSuite({ lib, sandboxUrl: undefined, runtime }).map((t) => t.name));
  return defineSuite({ lib, sandboxUrl: IN_PROCESS_ORIGIN, runtime }).filter((t) => !offline.has(t.name));
}
