// expense-auth's JS driver. It converts and moves bytes; every decision is
// made by the Rust core in the wasm (one call, `call(op, a, b, restJson)`):
// reading options and checking their types here, with try/catch so a
// throwing getter gives a coded error; promises, timers and `fetch` here;
// building requests, reading answers, URL and origin checks, time-limit
// validation and the token session's state machine in Rust. Docs: index.d.ts.
//
// The wasm's loader is here too (one module instead of two: 232 B gzipped
// less than a separate loader file, and one request fewer before the wasm
// loads; bench/size-breakdown.md s. 9.0). The entries (index.js, node.js,
// workerd.js) call the default export `load` once; it is not part of the API
// (`export *` does not re-export a default).
//
// The module exports `buf(len) -> ptr`, `call(op, la, lb, lr, lx) -> len`
// (bitwise negated for an error) and `out() -> ptr`; the strings cross as
// UTF-8 in its memory. Hand-written instead of wasm-bindgen's generated glue
// (1.5 KB gzipped less, see src/wasm/mod.rs).
let w;
const enc = new TextEncoder();
const dec = new TextDecoder();
// The module imports nothing (scripts/build drops what wasm-bindgen leaves).
const ready = (i) => (w = (i.instance ?? i).exports);

// Instantiates the wasm once and returns its exports. `sync`: `s` is a
// WebAssembly.Module or the wasm's bytes, instantiated at once; otherwise
// `s` is the wasm's URL, fetched (compiled while it streams in when it is
// served as application/wasm), and a promise is returned.
export default function load(s, sync) {
  if (w) return w;
  if (sync) return ready(new WebAssembly.Instance(s instanceof WebAssembly.Module ? s : new WebAssembly.Module(s)));
  return (async () => {
    s = await fetch(s);
    if (!s.ok) throw new Error(`failed to fetch the wasm: HTTP ${s.status}`);
    return ready(
      await (WebAssembly.instantiateStreaming && s.headers.get("content-type") === "application/wasm"
        ? WebAssembly.instantiateStreaming(s)
        : WebAssembly.instantiate(await s.arrayBuffer())),
    );
  })();
}

// Whether the last call failed (its answer is then the error).
let callFailed;
// Runs operation `op` on strings `a`, `b` and `rest` (and the random bytes
// `x`, written after them); returns the answer.
function call(op, a, b, rest, x) {
  const k = x ? x.length : 0;
  const n = (a.length + b.length + rest.length) * 3 + k;
  // buf() first: it may grow the memory, which replaces memory.buffer.
  const p = w.buf(n);
  const m = new Uint8Array(w.memory.buffer, p, n);
  const la = enc.encodeInto(a, m).written;
  const lb = enc.encodeInto(b, m.subarray(la)).written;
  const lr = enc.encodeInto(rest, m.subarray(la + lb)).written;
  if (k) m.set(x, la + lb + lr);
  const len = w.call(op, la, lb, lr, k);
  callFailed = len < 0;
  const q = w.out();
  return dec.decode(new Uint8Array(w.memory.buffer, q, callFailed ? ~len : len));
}

export class ExpenseAuthError extends Error {
  // `f`: the core's error object, { code, message, status?, error?,
  // errorDescription?, errorUri? }.
  constructor(f, cause) {
    // (No options object: no own `cause`.)
    super(f.message, cause !== undefined && { cause });
    this.name = "ExpenseAuthError";
    // A refresh token issued with an error (src/wasm/ops.rs) is kept out of
    // sight, for the session only.
    for (const k in f) if (f[k] != null) k === "issuedRefreshToken" ? ISSUED.set(this, f[k]) : (this[k] = f[k]);
  }
}
export const isExpenseAuthError = (e) => e instanceof ExpenseAuthError;

const fail = (code, message, cause, status) => new ExpenseAuthError({ code, message, status }, cause);
const bad = (message, cause) => fail("INVALID_ARGUMENT", message, cause);
const NOT_SENT = Symbol();
const ISSUED = new WeakMap();

// Numbers cross as JSON; the non-finite ones by name.
const num = (v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);

// One call into the core: `a` and `b` cross as plain strings (the hot
// paths' token, URL or body), `rest` as a JSON array (where undefined and
// holes cross as null).
const core = (op, rest, a = "", b = "", x) => {
  const v = JSON.parse(call(op, a, b, rest ? attempt(() => JSON.stringify(rest), "an argument") : "", x));
  if (callFailed) throw new ExpenseAuthError(v);
  return v;
};
// `f()`; what it throws (a throwing getter, a revoked Proxy) becomes a coded
// error naming `what`.
const attempt = (f, what) => {
  try {
    return f();
  } catch (e) {
    throw bad(what + " could not be read", e);
  }
};
// `v` if it is of type `t`, else INVALID_ARGUMENT naming it.
const is = (v, t, name) => {
  if (typeof v !== t) throw bad(`${name} must be a ${t}`);
  return v;
};
// A string argument; `optS`: or null / undefined.
const S = (v, name) => is(v, "string", name);
const optS = (v, name) => (v == null ? v : S(v, name));

// ------------------------------------------------------------ option reading
const isObj = (o) => o && typeof o === "object" && !attempt(() => Array.isArray(o), "options");
const opts = (o, optional) => {
  if (o == null && optional) return {};
  if (!isObj(o)) throw bad("options must be an object");
  return o;
};
// Option `k` of `o` (absent: undefined or null, both cross to the core as
// null and are read as "not given" here), of type `t` when one is given
// (numbers cross as num() has them).
const read = (o, k, t, what = "options") => {
  const name = `${what}.${k}`;
  const v = attempt(() => o[k], name);
  return v == null || !t ? v : num(is(v, t, name));
};
const str = (o, k, what) => read(o, k, "string", what);
const numOpt = (o, k, what) => read(o, k, "number", what);
const fnOpt = (o, k) => read(o, k, "function");
// A string (split at spaces), or an array of strings (copied), as
// [length, ...strings] ([-1]: not given): lists cross as arguments of their
// own, after the others.
const list = (o, k, v = read(o, k)) => {
  if (v == null) return [-1];
  if (typeof v === "string") v = v.split(" ").filter((x) => x);
  const a = attempt(() => Array.isArray(v) && Array.from(v), `options.${k}`);
  if (a && a.every((x) => typeof x === "string")) return [a.length, ...a];
  throw bad(`options.${k} must be a string or an array of strings`);
};
// An object of strings, flattened to [key, value, ...].
const pairs = (o, k) => {
  const v = read(o, k);
  if (v == null) return [];
  const e = isObj(v) && attempt(() => Object.entries(v), `options.${k}`);
  if (e && e.every(([, x]) => typeof x === "string")) return e.flat();
  throw bad(`options.${k} must be an object of strings`);
};
// One of `names` (space-separated; or absent): its index.
const oneOf = (o, k, names) => {
  const v = str(o, k);
  if (v == null) return v;
  const i = names.split(" ").indexOf(v);
  if (i < 0) throw bad(`options.${k} must be one of: ${names}`);
  return i;
};
// Where a client secret would be shipped to a browser: a page (`window` and
// `document`), or a dedicated, shared or service worker (`self` a
// WorkerGlobalScope with `importScripts`, which every browser worker has).
// Not Node, Bun (no WorkerGlobalScope), Deno's workers (no importScripts) or
// workerd (WorkerGlobalScope is defined, `self` is not one): servers. (Where
// WorkerGlobalScope or `self` is not defined, or not a class, the instanceof
// throws: not a browser.)
const inBrowser = () => {
  try {
    return (typeof window !== "undefined" && typeof document !== "undefined") ||
      (self instanceof WorkerGlobalScope && typeof importScripts === "function");
  } catch {
    return false;
  }
};

// ------------------------------------------------------------ the transport
const failed = (why, e) =>
  why === "TIMEOUT"
    ? fail(why, "the request timed out", e)
    : why || e?.name === "AbortError"
      ? fail("ABORTED", "the request was aborted", e)
      : fail("NETWORK_ERROR", "the request failed", e);
const same = (p) => p;

// One path for every request. `f`: the `fetch` option (null: the global
// fetch); `t`: time limit in ms (null: none); `cap`: read the body as text up
// to that many bytes and answer [status, type, body] (undefined: hand back
// the Response, checked to look like one, for session.fetch).
// What can end a request early costs per request (bench/results.md s. 6: an
// AbortController several µs in Node, a timer and a Promise.race about 1 µs
// each), so it is made only when needed: nothing without a time limit and a
// signal (nothing can end such a request early); otherwise an
// AbortController for the fetch's signal, and a race only for a `fetch`
// option, which may ignore its signal (a hung one must still end), not for
// the global fetch, which honours it (its body stream too).
const send = async (f, t, signal, url, init, cap) => {
  if (signal?.aborted) throw failed("ABORTED");
  // `until` wraps each wait (the race, or nothing); `abort(why)` ends the
  // request: "TIMEOUT", "" (no reason: the body is over its cap) or, as the
  // signal's listener, "ABORTED" (any other truthy `why`, such as the abort
  // Event it is called with, means the same).
  let why, until = same, abort, timer, res, status, type, length, body = "";
  if (t != null || signal) {
    const ac = new AbortController();
    let stop;
    if (f) {
      const stopped = new Promise((_, reject) => (stop = reject));
      stopped.catch(same);
      until = (p) => Promise.race([p, stopped]);
    }
    abort = (w = "ABORTED") => {
      why ||= w;
      ac.abort();
      stop?.();
    };
    signal?.addEventListener("abort", abort);
    if (t != null) timer = setTimeout(abort, t, "TIMEOUT");
    init = { ...init, signal: ac.signal };
  }
  try {
    try {
      res = await until((f || fetch)(url, init));
    } catch (e) {
      throw failed(why, e);
    }
    try {
      if (typeof res.status !== "number" || typeof res.headers.get !== "function") throw undefined;
      if (cap == null) return res;
      status = res.type === "opaqueredirect" ? 0 : res.status;
      type = res.headers.get("content-type");
      length = Number(res.headers.get("content-length"));
    } catch (e) {
      throw fail("INVALID_RESPONSE", "fetch did not resolve to a Response", e);
    }
    // The body as text, counted while it streams; not read when its
    // Content-Length is already over `cap`.
    if (status !== 0 && !(length > cap))
      try {
        const r = res.body?.getReader?.();
        if (!r) body = await until(res.text());
        else {
          const d = new TextDecoder();
          length = 0;
          for (let c; !(c = await until(r.read())).done && (length += c.value.byteLength) <= cap; )
            body += d.decode(c.value, { stream: true });
          if (length > cap) r.cancel().catch(same);
          body += d.decode();
        }
      } catch (e) {
        throw failed(why, e);
      }
    if (length > cap || body.length > cap) {
      // The transfer is stopped: the request aborted or, without an
      // AbortController, the body cancelled.
      if (abort) abort("");
      else
        try {
          res.body?.cancel().catch(same);
        } catch {
          // Not a stream: nothing to stop.
        }
      throw fail("RESPONSE_TOO_LARGE", "response body over 256 KiB", undefined, status);
    }
    return [status, type, body];
  } finally {
    clearTimeout(timer);
    // session.fetch's Response keeps the caller's signal: it aborts the body.
    if (cap != null) signal?.removeEventListener("abort", abort);
  }
};

// `fetch(url, init)` with the bearer token, through the one transport.
// `init` is copied (the caller's object is not changed). Its headers become
// a Headers object only when the caller gave some (the bearer is set over
// them); otherwise they are a plain object with the one header, as a raw
// fetch call would pass (a Headers object costs 0.5–1 µs per request in Node
// and Chromium: bench/results.md s. 6).
const bearerInit = (init) => {
  if (init == null) return {};
  if (typeof init !== "object") throw bad("init must be an object");
  return attempt(() => {
    const i = { ...init };
    if (i.headers !== undefined) i.headers = new Headers(i.headers);
    return i;
  }, "init");
};
// `init` is bearerInit's own copy: its Headers are set in place, or its
// plain headers replaced. A plain header is checked as a Headers object would
// check it (that check scans the whole value: a 1 KB JWT costs about 6 µs in
// Node's Headers): for a session (`by`), once per token, remembered in a
// WeakMap so no token outlives its session here, since the same token is
// sent again and again; otherwise (ProSpend, whose token the core checked)
// unless it is printable ASCII, which always makes a valid header value.
const fits = new WeakMap();
const PRINTABLE = /^[\x21-\x7e]*$/;
const sendBearer = (f, t, url, init, token, by) => {
  const v = "Bearer " + token;
  try {
    if (init.headers instanceof Headers) init.headers.set("authorization", v);
    else {
      if (by ? fits.get(by) !== token : !PRINTABLE.test(token)) {
        new Headers().set("authorization", v);
        if (by) fits.set(by, token);
      }
      init.headers = { authorization: v };
    }
  } catch (e) {
    throw bad("the token cannot be sent in a header", e);
  }
  return send(f, t, init.signal, url, init);
};

// ------------------------------------------------------------ functions
// `n` random bytes for the core (which imports no RNG).
const rnd = (n) => {
  try {
    return crypto.getRandomValues(new Uint8Array(n));
  } catch (e) {
    throw fail("RANDOM_UNAVAILABLE", "crypto.getRandomValues is not available", e);
  }
};
export const createPkce = (length) => core(0, [num(length)], "", "", rnd(96));
export const pkceChallenge = (verifier) => core(1, 0, S(verifier, "verifier"));
export const randomState = () => core(2, 0, "", "", rnd(32));
export const statesEqual = (a, b) => core(3, 0, S(a, "a"), S(b, "b"));

const authUrl = (preset, options) => {
  const o = opts(options);
  return core(4, [preset, str(o, "authorizationEndpoint"), str(o, "environment"), str(o, "baseUrl"), str(o, "clientId"),
    str(o, "redirectUri"), str(o, "state"), str(o, "codeChallenge"), ...list(o, "scopes"), ...pairs(o, "extraParams")]);
};
export const buildAuthorizationUrl = (options) => authUrl(0, options);
export const pleoAuthorizationUrl = (options) => authUrl(1, options);
export const spendeskAuthorizationUrl = (options) => authUrl(2, options);

export const parseCallback = (url, expectedState) => {
  if (expectedState === undefined)
    throw bad("expectedState is required (null if no state was sent)");
  return core(5, [optS(expectedState, "expectedState")], S(url, "url"));
};
export const decodeJwtUnverified = (token) => core(6, 0, S(token, "token"));
export const spendeskWalletId = (accessToken, claimName) =>
  core(7, [optS(claimName, "claimName")], S(accessToken, "accessToken"));
export const spendeskWalletClaims = () => core(8);

export const parseTokenResponse = (options) => {
  const o = opts(options);
  const body = S(str(o, "body"), "options.body");
  const ts = core(9, [numOpt(o, "status"), str(o, "contentType"),
    oneOf(o, "provider", "oauth2 pleo spendesk findity prospend"), oneOf(o, "grant", "authorization_code refresh_token client_credentials"),
    numOpt(o, "now") ?? Date.now()], body);
  ts.raw = JSON.parse(body);
  return ts;
};

// ------------------------------------------------------------ clients
// Each client's (and ProSpend's) state: the core's answer when it was built
// ({ h: handle, timeout, apiBaseUrl, expiresAt? }), with `f` the fetch option
// (and ProSpend's token).
const P = new WeakMap();
// Frees a client's or session's slot in the wasm when its object is collected.
const freed = typeof FinalizationRegistry === "function" ? new FinalizationRegistry((h) => core(20, [h])) : null;

class Client {
  constructor(kind, options) {
    const o = opts(options);
    const fetch = fnOpt(o, "fetch");
    const pkce = read(o, "pkce", "boolean");
    // The core checks and builds the client once and keeps it under handle `c`.
    const r = core(10, [kind, str(o, "clientId"), str(o, "clientSecret"), oneOf(o, "clientAuth", "basic post none"), str(o, "tokenEndpoint"),
      str(o, "authorizationEndpoint"), str(o, "redirectUri"), str(o, "environment"), str(o, "baseUrl"),
      str(o, "apiBaseUrl"), str(o, "apiKeyId"), str(o, "apiKeySecret"), numOpt(o, "timeoutMs"), inBrowser(),
      read(o, "allowSecretInBrowser") === true, pkce,
      // The overrides of the provider's guesses (docs/providers.md).
      oneOf(o, "expiresInUnit", "auto seconds milliseconds"), oneOf(o, "bodyEncoding", "form json"),
      oneOf(o, "codeExchangeAuth", "basic post none"), oneOf(o, "refreshAuth", "basic post none"), oneOf(o, "apiKeyMethod", "POST GET"),
      ...list(o, "scopes")]);
    freed?.register(this, r.h);
    r.f = fetch;
    P.set(this, r);
  }
  get apiBaseUrl() {
    return P.get(this).apiBaseUrl;
  }
  authorizationUrl(options) {
    const o = opts(options, true);
    return core(11, [P.get(this).h, str(o, "state"), str(o, "codeVerifier"), ...list(o, "scopes"), ...pairs(o, "extraParams")],
      "", "", rnd(64));
  }
  exchangeCode(code, codeVerifier, options) {
    return grant(this, 0, () => [S(code, "code"), optS(codeVerifier, "codeVerifier")], options);
  }
  refresh(refreshToken, options) {
    return grant(this, 1, () => [typeof refreshToken === "string" ? refreshToken : ""], options);
  }
  clientCredentials(options) {
    return grant(this, 2, () => ["", "", ...list(opts(options, true), "scopes")], options);
  }
}

// Sends one token-endpoint request and reads the answer. Grants: 0 code,
// 1 refresh, 2 client credentials, 3 API key, 4 Findity's authorization grant;
// `xy()` gives the grant's strings [x, y, ...scopes].
const grant = async (self, kind, xy, options) => {
  const { h: c, f, timeout: t } = P.get(self);
  let req, signal;
  try {
    signal = read(opts(options, true), "signal");
    if (signal != null && !attempt(() => typeof signal === "object" && typeof signal.addEventListener === "function", "options.signal"))
      throw bad("options.signal must be an AbortSignal");
    const [x, y, ...sc] = xy();
    req = core(12, [c, kind, ...sc], x, y ?? "");
  } catch (e) {
    e[NOT_SENT] = true;
    throw e;
  }
  const started = Date.now();
  const [status, type, body] = await send(f, t, signal, req.url, req.init, req.cap);
  const ts = core(13, [status, type, c, kind, started], body);
  if (kind !== 4) ts.raw = JSON.parse(body);
  return ts;
};

export class OAuth2Client extends Client {
  constructor(options) {
    super(0, options);
  }
}
export class Pleo extends Client {
  constructor(options) {
    super(1, options);
  }
}
export class Spendesk extends Client {
  constructor(options) {
    super(2, options);
  }
  apiKeyToken(options) {
    return grant(this, 3, () => [], options);
  }
  walletId(accessToken, claimName) {
    return spendeskWalletId(accessToken, claimName);
  }
}
export class Findity extends Client {
  constructor(options) {
    super(3, options);
  }
  authorizationGrant(orgAccessToken, userId, options) {
    return grant(this, 4, () => [S(orgAccessToken, "orgAccessToken"), S(userId, "userId")], options);
  }
  async userToken(orgAccessToken, userId, options) {
    return this.exchangeCode(await this.authorizationGrant(orgAccessToken, userId, options), undefined, options);
  }
}

export class ProSpend {
  constructor(options) {
    const o = opts(options);
    const token = str(o, "token");
    const fetch = fnOpt(o, "fetch");
    const r = core(15, [str(o, "environment"), str(o, "apiBaseUrl"), numOpt(o, "timeoutMs"), Date.now()], token ?? "");
    r.f = fetch;
    r.token = token;
    P.set(this, r);
  }
  get apiBaseUrl() {
    return P.get(this).apiBaseUrl;
  }
  get expiresAt() {
    return P.get(this).expiresAt;
  }
  tokenSet() {
    const { token, apiBaseUrl: api } = P.get(this);
    const r = core(15, [, api, , Date.now()], token);
    return { accessToken: token, tokenType: "Bearer", expiresAt: r.expiresAt, raw: {} };
  }
  async fetch(path, init) {
    const { token, f, timeout: t, apiBaseUrl: api } = P.get(this);
    const i = bearerInit(init);
    const url = core(16, [api, Date.now()], S(path, "path"), token);
    return sendBearer(f, t, url, i, token);
  }
}

// ------------------------------------------------------------ TokenSession
// Drives the core's session state machine (src/session.rs through
// src/wasm/session.rs): every input goes in with the time, the actions that
// come out are executed here (after the input returned, so nothing re-enters
// it): refresh / renew / store are started in a microtask, callers settled,
// one timer armed at the machine's next deadline.

const tokenArgs = (ts, what) => {
  if (!isObj(ts)) throw bad(`${what} must be a token set`);
  return [str(ts, "accessToken", what), str(ts, "refreshToken", what), numOpt(ts, "expiresAt", what),
    attempt(() => JSON.stringify(ts), what)];
};
// A token set object from the machine's [payload, accessToken, refreshToken?, expiresAt?].
const tokenObject = (t) => {
  if (!t) return;
  const o = { ...JSON.parse(t[0]), accessToken: t[1], refreshToken: t[2], expiresAt: t[3] };
  t[2] ?? delete o.refreshToken;
  t[3] ?? delete o.expiresAt;
  return o;
};
const nonNegative = (v, k) => {
  if (v != null && !(v >= 0)) throw bad(`options.${k} must be a non-negative number`);
};

export class TokenSession {
  #h;
  #init;
  // [token, last ms at which the machine would still hand it out at once]:
  // the machine's own answer (see "usable"), dropped on every input.
  #usable;
  #checked = new Set();
  #lastError;
  #client;
  #onTokens;
  #renew;
  #now;
  #f;
  #t;
  #allowed;
  #calls = {};
  #next = 1;
  #timer;
  #inNow;
  // The last input's "reconnect required" flag (1: yes).
  #reconnect;

  constructor(options) {
    const o = opts(options);
    const client = read(o, "client");
    const renew = fnOpt(o, "renew");
    this.#onTokens = fnOpt(o, "onTokens");
    this.#now = fnOpt(o, "now");
    this.#f = fnOpt(o, "fetch");
    if (!isObj(client) && !renew) throw bad("options.client (or options.renew) is required");
    this.#client = client;
    this.#renew = renew;
    // The origins given, or else the client's API origin, or none (any).
    let allowed = read(o, "allowedOrigins");
    if (allowed === undefined) {
      const api = P.get(client)?.apiBaseUrl;
      allowed = api && [api];
    } else if (!attempt(() => Array.isArray(allowed), "options.allowedOrigins"))
      throw bad("options.allowedOrigins must be an array of strings");
    this.#allowed = allowed ? [1, ...core(18, list(o, "allowedOrigins", allowed))] : [0];
    this.#t = core(14, [numOpt(o, "timeoutMs")]);
    const skew = numOpt(o, "skewMs");
    const storeTimeout = numOpt(o, "storeTimeoutMs");
    const tokens = read(o, "tokens");
    const canRefresh = attempt(() => typeof client?.refresh === "function", "options.client");
    // (An infinite skewMs crosses as the string "Infinity", which is >= 0: the core judges it.)
    nonNegative(skew, "skewMs");
    nonNegative(storeTimeout, "storeTimeoutMs");
    let t;
    if (tokens != null) core(19, [, 1, 0, (t = tokenArgs(tokens, "options.tokens"))]);
    // The machine is made at the first use, with the clock read then: the
    // constructor does not call the app's now().
    // The machine's deadline for a refresh is a backstop behind the transport's time limit.
    this.#init = [skew, storeTimeout, this.#t == null ? "Infinity" : this.#t + 1000, canRefresh, !!renew, t];
  }

  #handle() {
    if (this.#h == null) {
      const t = this.#clock();
      if (this.#h == null) {
        this.#h = core(19, [, 0, t, ...this.#init]);
        freed?.register(this, this.#h);
      }
    }
    return this.#h;
  }

  #clock() {
    let t;
    if (this.#now && !this.#inNow) {
      this.#inNow = true;
      try {
        t = this.#now();
      } catch {
        // A throwing clock falls back to Date.now().
      }
      this.#inNow = false;
    }
    return Number.isFinite(t) ? t : Date.now();
  }

  // One input to the machine, then its actions.
  #input(kind, ...args) {
    const h = this.#handle();
    this.#usable = null;
    let t, acts;
    [this.#reconnect, t, ...acts] = core(19, [h, kind, this.#clock(), ...args]);
    this.#usable = null;
    clearTimeout(this.#timer);
    if (t != null) this.#timer = setTimeout(() => this.#input(8), Math.min(Math.max(0, t - this.#clock()), 2 ** 31 - 1));
    // Actions: 0 resolve, 1 reject, 2 refresh, 3 renew, 4 store.
    for (const [kind, id, x, y] of acts)
      if (kind < 2) {
        // The call's [resolve, reject].
        const l = this.#lastError;
        // The refresh's own error (with its cause) when that is what the machine reports.
        this.#calls[id]?.[kind](kind ? (l?.code === x.code && l.message === x.message ? l : new ExpenseAuthError(x)) : x);
        delete this.#calls[id];
      }
      // refresh / renew / store run after this input returned.
      else
        queueMicrotask(async () => {
          if (kind > 3) {
            let ok = true;
            try {
              await this.#onTokens?.(tokenObject(x), tokenObject(y));
            } catch {
              ok = false;
            }
            return this.#input(7, id, ok);
          }
          let out;
          try {
            out = [true, tokenArgs(await (kind < 3 ? this.#client.refresh(x) : this.#renew()), "the new token set")];
          } catch (e) {
            this.#lastError = e;
            // The payload of an issued refresh token defaults to "{}" in the core.
            out = [false, isExpenseAuthError(e)
                ? [e.code, e.message, e.status, e.error, e.errorDescription, e.errorUri]
                : ["NETWORK_ERROR", "the refresh failed"], !e?.[NOT_SENT], ISSUED.get(e)];
          }
          this.#input(6, id, ...out);
        });
  }

  #call(kind, used) {
    return new Promise((...c) => {
      const id = this.#next++;
      this.#calls[id] = c;
      try {
        this.#input(4, id, kind, used);
      } catch (e) {
        delete this.#calls[id];
        c[1](e);
      }
    });
  }

  getAccessToken() {
    try {
      const now = this.#clock();
      let u = this.#usable;
      // The core's [token, usable until], plus when it was asked: kept until the next input.
      if (!(u && now <= u[1] && now >= u[2]) && (u = core(19, [this.#handle(), 2, now]))) (this.#usable = u).push(now);
      if (u) return Promise.resolve(u[0]);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#call(0);
  }
  refresh() {
    return this.#call(1);
  }
  setTokens(tokens) {
    this.#input(5, tokenArgs(tokens, "tokens"));
  }
  get tokens() {
    return tokenObject(core(19, [this.#handle(), 3, 0]));
  }
  get reconnectRequired() {
    return this.#reconnect === 1;
  }

  async fetch(input, init) {
    // The URL as given (the core checks it as written, not as a WHATWG parser
    // would repair it).
    let url = input;
    if (typeof url !== "string" && !(url = attempt(() => input instanceof URL && input.href, "input")))
      throw bad("input must be a string or URL");
    // The core's check is a pure function of the URL: remembered per URL.
    if (!this.#checked.has(url)) {
      core(17, this.#allowed, url);
      if (this.#checked.size > 63) this.#checked.clear();
      this.#checked.add(url);
    }
    const i = bearerInit(init);
    // A 401 refreshes the token once and sends again.
    for (let used = await this.getAccessToken(), n = 0; ; used = await this.#call(2, used)) {
      const r = await sendBearer(this.#f, this.#t, url, i, used, this);
      if (r.status !== 401) return r;
      if (n++) throw fail("UNAUTHORIZED", "the API answered 401 to a refreshed token", undefined, 401);
    }
  }
}
