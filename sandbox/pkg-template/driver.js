// The JavaScript side of expense-auth-sandbox, shared by every entry
// (index.js, node.js, workerd.js): it turns a fetch `Request` into the wasm
// core's (method, target, headers, body), and the core's answer back into a
// `Response`. The core is the same request → response handler the native
// binary serves, so the providers' rules are written once, in Rust.
//
// Two faults describe transport behaviour a handler cannot perform; they are
// emulated here the way a client sees them over a socket:
//  - "drop": the promise rejects with a TypeError("fetch failed"), as fetch
//    does when a connection closes without an answer;
//  - "slow": the promise resolves after `delayMs`; the request's AbortSignal
//    rejects it early with the signal's reason, as fetch does.

const LOOPBACK_BASE = "http://127.0.0.1";
const NO_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const INIT_KEYS = ["method", "headers", "body", "signal", "redirect"];

/** Builds `createSandbox` around the wasm-bindgen class `SandboxCore`. */
export function sandboxFactory(SandboxCore) {
  return function createSandbox(options) {
    if (options !== undefined && (options === null || typeof options !== "object"))
      throw new TypeError("createSandbox(options?): options must be an object");
    const startTime = options?.startTime;
    if (startTime !== undefined && !(typeof startTime === "number" && Number.isFinite(startTime) && startTime >= 0))
      throw new TypeError("createSandbox: startTime must be a non-negative number of unix seconds");
    const core = new SandboxCore(startTime === undefined ? undefined : Math.floor(startTime));

    /** Runs one request through the core: synchronous, no I/O. */
    const run = (method, target, headers, body) => core.handle(method, target, headers, body);

    /**
     * A standard fetch handler: `fetch(request)` → Promise<Response>. Also
     * accepts fetch's own `(input, init)` arguments, so it can be a client's
     * `fetch` option. Redirects are returned, never followed (it is a server).
     */
    async function fetch(input, init) {
      const request = toRequest(input, init);
      const signal = (isRequestInit(init) && init.signal) || request.signal;
      if (signal?.aborted) throw abortReason(signal);
      const url = new URL(request.url);
      const headers = [];
      for (const [k, v] of request.headers) headers.push(k, v);
      const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
      const body = hasBody ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array(0);
      if (signal?.aborted) throw abortReason(signal);
      const answer = run(request.method, url.pathname + url.search, headers, body);
      if (answer.dropped) {
        throw new TypeError("fetch failed", {
          cause: new Error("expense-auth-sandbox: injected fault \"drop\": the connection closed without an answer"),
        });
      }
      if (answer.delayMs > 0) await delay(answer.delayMs, signal);
      return toResponse(answer, request.method);
    }

    /** Calls a control endpoint synchronously; throws on a 4xx/5xx answer. */
    function control(method, path, payload) {
      const headers = payload === undefined ? [] : ["content-type", "application/json"];
      const body = payload === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(payload));
      const a = run(method, path, headers, body);
      const text = new TextDecoder().decode(a.body);
      const json = text ? JSON.parse(text) : null;
      if (a.status >= 400) {
        const why = json?.error_description ?? json?.error ?? text;
        throw new Error(`expense-auth-sandbox: ${method} ${path.split("?")[0]}: ${a.status} ${why}`);
      }
      return json;
    }

    return {
      fetch,
      reset() {
        control("POST", "/_sandbox/reset");
      },
      now: () => control("GET", "/_sandbox/clock").now,
      advanceClock(seconds) {
        if (!Number.isSafeInteger(seconds) || seconds < 0)
          throw new TypeError("advanceClock(seconds): seconds must be a non-negative integer");
        return control("POST", "/_sandbox/clock", { advance_secs: seconds }).now;
      },
      injectFault(path, kind, { times = 1, delayMs } = {}) {
        const f = control("POST", "/_sandbox/faults", { path, kind, times, delay_ms: delayMs ?? null });
        return { path: f.path, kind: f.kind, times: f.times, delayMs: f.delay_ms };
      },
      faults: () =>
        control("GET", "/_sandbox/faults").faults.map((f) => ({ path: f.path, kind: f.kind, times: f.times, delayMs: f.delay_ms })),
      clearFaults() {
        control("DELETE", "/_sandbox/faults");
      },
      stats() {
        const s = control("GET", "/_sandbox/stats");
        return { tokenRequests: s.token_requests, requests: s.requests, faultsServed: s.faults_served };
      },
      refreshTokenState(token) {
        if (typeof token !== "string") throw new TypeError("refreshTokenState(token): token must be a string");
        return control("GET", `/_sandbox/refresh-token-state?token=${encodeURIComponent(token)}`).state;
      },
      setPleoExpiresUnit(unit) {
        control("POST", "/_sandbox/pleo/expires-unit", { unit });
      },
      mintProSpendToken({ site, lifetimeSecs } = {}) {
        const body = {};
        if (site !== undefined) body.site = site;
        if (lifetimeSecs !== undefined) body.lifetime_secs = lifetimeSecs;
        return control("POST", "/_sandbox/prospend/tokens", body).token;
      },
      revokeProSpendToken(token) {
        control("POST", "/_sandbox/prospend/revoke", { token });
      },
      /**
       * Walks the provider's consent step as a user's browser would: the
       * authorize URL redirects to the consent page, approving (or denying)
       * redirects to the app's redirect_uri. Returns that callback URL (with
       * `code` and `state`, or `error`).
       */
      async consent(authorizeUrl, { decision = "approve", wallet } = {}) {
        const first = await fetch(String(authorizeUrl));
        const consentUrl = redirectTarget(first, authorizeUrl);
        if (!consentUrl) throw new Error(`expense-auth-sandbox: the authorize URL answered ${first.status}: ${await first.text()}`);
        // An authorize error the provider redirects back with (RFC 6749 §4.1.2.1).
        if (!consentUrl.pathname.endsWith("/consent")) return consentUrl.href;
        consentUrl.searchParams.set("decision", decision);
        if (wallet !== undefined) consentUrl.searchParams.set("wallet", wallet);
        const second = await fetch(consentUrl.href);
        const callback = redirectTarget(second, consentUrl);
        if (!callback) throw new Error(`expense-auth-sandbox: the consent page answered ${second.status}: ${await second.text()}`);
        return callback.href;
      },
    };
  };
}

function isRequestInit(init) {
  return init !== null && typeof init === "object" && INIT_KEYS.some((k) => k in init);
}

// A Request as is (a Worker's second argument is its env, not a RequestInit);
// a string or URL as fetch takes it. A path alone ("/pleo/oauth/token") is
// resolved against http://127.0.0.1, since the handler ignores the host.
function toRequest(input, init) {
  if (input instanceof Request) return isRequestInit(init) ? new Request(input, init) : input;
  const url = typeof input === "string" && input.startsWith("/") && !input.startsWith("//") ? new URL(input, LOOPBACK_BASE) : input;
  return new Request(url, isRequestInit(init) ? init : undefined);
}

function toResponse(answer, method) {
  const headers = new Headers();
  for (let i = 0; i + 1 < answer.headers.length; i += 2) {
    try {
      headers.append(answer.headers[i], answer.headers[i + 1]);
    } catch {
      // A header value no HTTP stack would send (the native server drops it too).
    }
  }
  const body = NO_BODY_STATUS.has(answer.status) || method === "HEAD" ? null : answer.body;
  return new Response(body, { status: answer.status, headers });
}

function redirectTarget(response, base) {
  const location = response.headers.get("location");
  return response.status >= 300 && response.status < 400 && location ? new URL(location, base) : null;
}

function abortReason(signal) {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
