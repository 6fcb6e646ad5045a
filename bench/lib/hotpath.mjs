// Session hot path (issue 9 §7), shared by Node (bench/node/hotpath.mjs) and
// Chromium (bench/browser/hotpath.html); no Node APIs.
//
// Groups of cases, each case an awaited call timed `calls` times in a row;
// the cases of a group run interleaved, round by round, the order reversed
// every other round, so a slow spell on the shared machine hits all of them.
// Every comparison (ratio, µs difference, % overhead) is computed inside
// each round (paired), then summarised over the rounds: median, min, max.
//
//  - token: `session.getAccessToken()` with a valid stored token vs a
//    plain-JS async getter (same Date.now() check against an expiry);
//  - stub: `session.fetch(url)` vs a raw `fetch(url, { headers: {
//    authorization } })`, both with a stub fetch resolving at once to one
//    Response: given as the session's `fetch` option, and installed as the
//    global fetch for a session without one (the transport skips its race
//    for the global fetch); with the default 30 s time limit and with
//    `timeoutMs: 0` (no AbortController, timer or race at all); plus
//    plain-JS rows that add, step by step, what a transport may do per
//    request (Headers, AbortController, a time-limit timer, Promise.race),
//    to show where the overhead goes;
//  - loopback: the same against a real HTTP server on 127.0.0.1 (the
//    runtime's own fetch; the body read to the end by both).
import { summary } from "./stats.mjs";

/** The loopback server's API endpoint: a fixed small JSON answer. */
export const LOOPBACK_PATH = "/hotpath/api";
export const LOOPBACK_ANSWER = { type: "application/json", body: JSON.stringify({ data: [{ id: "exp_1", amount: 1250, currency: "EUR" }] }) };

let sink = 0;

function compile(fn) {
  // One loop per case, so each call site sees one function only.
  return new Function("f", "return async function batch(n) { let s = 0; for (let i = 0; i < n; i++) { const r = await f(); if (r !== undefined) s++; } return s; }")(fn);
}

async function timeUs(batch, n) {
  const t0 = performance.now();
  sink += await batch(n);
  return ((performance.now() - t0) * 1000) / n;
}

async function runGroup(g, rounds, log) {
  g.before?.();
  try {
    return await runCases(g, rounds, log);
  } finally {
    g.after?.();
  }
}

async function runCases(g, rounds, log) {
  const batches = g.cases.map((c) => compile(c.fn));
  for (const b of batches) await b(g.warm); // warm-up (JIT tiers, connections)
  // Calls per batch: at least g.calls, and enough for a batch to last about
  // g.batchMs (Chromium's performance.now() is coarsened to 0.1 ms).
  const n = [];
  for (const b of batches) {
    const t = (await timeUs(b, g.calls)) * g.calls / 1000;
    n.push(g.batchMs && t < g.batchMs ? Math.min(g.calls * 100, Math.ceil((g.calls * g.batchMs) / Math.max(t, 0.1))) : g.calls);
  }
  const per = g.cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = g.cases.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) per[i].push(await timeUs(batches[i], n[i]));
  }
  const cases = {};
  g.cases.forEach((c, i) => (cases[c.id] = { label: c.label, calls: n[i], us: summary(per[i]) }));
  const compare = g.compare.map(({ id, a, b, kind, label }) => {
    const ia = g.cases.findIndex((c) => c.id === a);
    const ib = g.cases.findIndex((c) => c.id === b);
    const v = per[ia].map((x, r) => {
      const y = per[ib][r];
      return kind === "ratio" ? x / y : kind === "diff" ? x - y : ((x - y) / y) * 100;
    });
    return { id, a, b, kind, label, value: summary(v) };
  });
  log?.(`hotpath ${g.id}: ${compare.map((c) => `${c.id} ${c.value.median.toFixed(2)}${c.kind === "ratio" ? "×" : c.kind === "diff" ? " µs" : " %"}`).join(", ")}`);
  return { id: g.id, title: g.title, batchMs: g.batchMs ?? null, rounds, cases, compare };
}

/**
 * `lib`: the package's module (as published for the runtime); `loopback`:
 * { url, origin } of a loopback HTTP server answering the URL, or null.
 */
export async function runHotpath({ lib, loopback, rounds = 9, calls = 20_000, batchMs = 60, loopRounds = 41, loopCalls = 30, log }) {
  const expiresAt = Date.now() + 3_600_000;
  const tokens = { accessToken: "at-valid-0123456789abcdef", refreshToken: "rt", expiresAt, tokenType: "Bearer" };
  const client = { refresh: async () => tokens };
  const plain = {
    token: tokens.accessToken,
    expiresAt,
    skew: 60_000,
    async get() {
      if (Date.now() < this.expiresAt - this.skew) return this.token;
      throw new Error("expired");
    },
  };

  const API = "https://api.example.com/v1/expenses";
  const response = new Response(null, { status: 200 });
  const stub = async () => response;
  const session = new lib.TokenSession({ client, tokens, fetch: stub, allowedOrigins: ["https://api.example.com"] });
  const noTimer = new lib.TokenSession({ client, tokens, fetch: stub, allowedOrigins: ["https://api.example.com"], timeoutMs: 0 });
  // No fetch option: the global fetch, which is the stub while the stub group runs.
  const onGlobal = new lib.TokenSession({ client, tokens, allowedOrigins: ["https://api.example.com"] });
  const onGlobalNoTimer = new lib.TokenSession({ client, tokens, allowedOrigins: ["https://api.example.com"], timeoutMs: 0 });
  const realFetch = globalThis.fetch;
  const bearer = () => `Bearer ${plain.token}`;
  // What the package's transport does around fetch, in plain JS, step by step.
  // A design the transport could use instead of a timer per request: one
  // timer per session over a FIFO of deadlines (one time limit per session,
  // so deadlines only grow). A request pushes its entry and, when it settles,
  // marks it done and drops the settled entries at the head; the timer is
  // armed only when none is, is never cleared (unref'd in Node, so it keeps
  // no process alive) and, when it fires, aborts what is overdue and re-arms
  // for the oldest entry left.
  const queue = [];
  let head = 0;
  let armed = null;
  const LIMIT = 30_000;
  const arm = (ms) => {
    armed = setTimeout(sweep, ms);
    armed?.unref?.();
  };
  const sweep = () => {
    armed = null;
    const t = Date.now();
    while (head < queue.length && (queue[head].done || queue[head].deadline <= t)) {
      const q = queue[head++];
      if (!q.done) q.abort();
    }
    if (head < queue.length) arm(queue[head].deadline - t);
  };
  const track = (abort) => {
    const q = { deadline: Date.now() + LIMIT, done: false, abort };
    queue.push(q);
    if (!armed) arm(LIMIT);
    return q;
  };
  const settle = (q) => {
    q.done = true;
    while (head < queue.length && queue[head].done) head++;
    if (head === queue.length) queue.length = head = 0;
    else if (head > 1024 && head * 2 > queue.length) queue.splice(0, head), (head = 0);
  };
  const steps = {
    headers: async () => {
      const i = {};
      i.headers = new Headers(i.headers);
      i.headers.set("authorization", bearer());
      return stub(API, i);
    },
    abort: async () => {
      const i = { headers: new Headers() };
      i.headers.set("authorization", bearer());
      const ac = new AbortController();
      const r = await stub(API, { ...i, signal: ac.signal });
      return r;
    },
    // The same time limit from one engine call (no clearTimeout: the
    // signal's timer lives on until it fires).
    signalTimeout: async () => {
      const i = { headers: new Headers() };
      i.headers.set("authorization", bearer());
      return stub(API, { ...i, signal: AbortSignal.timeout(30_000) });
    },
    // The least a time limit through the fetch's signal costs: a controller
    // and a timer (what the package does for the global fetch).
    floor: async () => {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 30_000);
      try {
        return await stub(API, { headers: { authorization: bearer() }, signal: ac.signal });
      } finally {
        clearTimeout(timer);
      }
    },
    // The package's transport for a fetch option, by hand: the header in a
    // plain object (no caller headers), controller, timer, race, shape check.
    full: async () => {
      const token = await plain.get();
      const i = { headers: { authorization: "Bearer " + token } };
      const ac = new AbortController();
      let stop;
      const stopped = new Promise((_, reject) => (stop = reject));
      stopped.catch(() => {});
      const timer = setTimeout(() => { ac.abort(); stop(); }, 30_000);
      try {
        const res = await Promise.race([stub(API, { ...i, signal: ac.signal }), stopped]);
        if (typeof res.status !== "number" || typeof res.headers.get !== "function") throw new TypeError("not a Response");
        return res;
      } finally {
        clearTimeout(timer);
      }
    },
    sharedTimer: async () => {
      const token = await plain.get();
      const i = { headers: { authorization: "Bearer " + token } };
      const ac = new AbortController();
      let stop;
      const stopped = new Promise((_, reject) => (stop = reject));
      stopped.catch(() => {});
      const q = track(() => { ac.abort(); stop(); });
      try {
        const res = await Promise.race([stub(API, { ...i, signal: ac.signal }), stopped]);
        if (typeof res.status !== "number" || typeof res.headers.get !== "function") throw new TypeError("not a Response");
        return res;
      } finally {
        settle(q);
      }
    },
    // … and without the Promise.race (enough when fetch honours its signal,
    // as the runtimes' own fetch does; a custom fetch may not).
    lean: async () => {
      const token = await plain.get();
      const i = { headers: { authorization: "Bearer " + token } };
      const ac = new AbortController();
      const q = track(() => ac.abort());
      try {
        const res = await stub(API, { ...i, signal: ac.signal });
        if (typeof res.status !== "number" || typeof res.headers.get !== "function") throw new TypeError("not a Response");
        return res;
      } finally {
        settle(q);
      }
    },
  };

  const groups = [
    {
      id: "token",
      title: "`getAccessToken()` with a valid stored token",
      calls,
      batchMs,
      warm: 2_000,
      cases: [
        { id: "ea.getAccessToken", label: "expense-auth `session.getAccessToken()`", fn: () => session.getAccessToken() },
        { id: "js.getter", label: "plain-JS async getter (`Date.now()` against the expiry, return the string)", fn: () => plain.get() },
      ],
      compare: [{ id: "ratio", a: "ea.getAccessToken", b: "js.getter", kind: "ratio", label: "getAccessToken ÷ plain getter" }],
    },
    {
      id: "stub",
      title: "`session.fetch()` vs a raw `fetch` with the header set by hand, stub `fetch` (no network)",
      calls,
      batchMs,
      warm: 2_000,
      // The stub is the global fetch while this group runs (the loopback group uses the real one).
      before: () => (globalThis.fetch = stub),
      after: () => (globalThis.fetch = realFetch),
      cases: [
        { id: "ea.fetch", label: "expense-auth `session.fetch(url)`, `fetch` option (default 30 s time limit)", fn: () => session.fetch(API) },
        { id: "raw", label: "raw `fetch(url, { headers: { authorization: \"Bearer …\" } })`", fn: () => stub(API, { headers: { authorization: bearer() } }) },
        { id: "ea.fetch.noTimer", label: "expense-auth `session.fetch(url)`, `fetch` option, `timeoutMs: 0` (no time limit)", fn: () => noTimer.fetch(API) },
        { id: "ea.fetch.global", label: "expense-auth `session.fetch(url)`, the global fetch (default 30 s time limit)", fn: () => onGlobal.fetch(API) },
        { id: "ea.fetch.global.noTimer", label: "expense-auth `session.fetch(url)`, the global fetch, `timeoutMs: 0` (no time limit)", fn: () => onGlobalNoTimer.fetch(API) },
        { id: "js.headers", label: "plain JS: init copy + `new Headers()` + `set(authorization)`", fn: steps.headers },
        { id: "js.abort", label: "plain JS: … + `AbortController` + `{ ...init, signal }`", fn: steps.abort },
        { id: "js.floor", label: "plain JS: header as a plain object + `AbortController` + 30 s `setTimeout`/`clearTimeout` (the least a time limit through the signal costs)", fn: steps.floor },
        { id: "js.signalTimeout", label: "plain JS: Headers + `AbortSignal.timeout(30 000)` as the signal (one engine call for the time limit)", fn: steps.signalTimeout },
        { id: "js.transport", label: "plain JS: the package's transport for a `fetch` option by hand (getter + plain header object + AbortController + 30 s `setTimeout` + `Promise.race` + shape check)", fn: steps.full },
        { id: "js.sharedTimer", label: "plain JS: the same transport with one timer per session over a FIFO of deadlines instead of a timer per request", fn: steps.sharedTimer },
        { id: "js.lean", label: "plain JS: … and no `Promise.race` (relies on fetch honouring its signal)", fn: steps.lean },
      ],
      compare: [
        { id: "overhead", a: "ea.fetch", b: "raw", kind: "diff", label: "session.fetch (fetch option) − raw fetch" },
        { id: "overheadNoTimer", a: "ea.fetch.noTimer", b: "raw", kind: "diff", label: "session.fetch (fetch option, timeoutMs 0) − raw fetch" },
        { id: "overheadGlobal", a: "ea.fetch.global", b: "raw", kind: "diff", label: "session.fetch (global fetch) − raw fetch" },
        { id: "overheadGlobalNoTimer", a: "ea.fetch.global.noTimer", b: "raw", kind: "diff", label: "session.fetch (global fetch, timeoutMs 0) − raw fetch" },
        { id: "headers", a: "js.headers", b: "raw", kind: "diff", label: "Headers object − raw fetch" },
        { id: "abort", a: "js.abort", b: "raw", kind: "diff", label: "Headers + AbortController − raw fetch" },
        { id: "floor", a: "js.floor", b: "raw", kind: "diff", label: "AbortController + timer − raw fetch" },
        { id: "beyondFloor", a: "ea.fetch.global", b: "js.floor", kind: "diff", label: "session.fetch (global fetch) − AbortController + timer" },
        { id: "signalTimeout", a: "js.signalTimeout", b: "raw", kind: "diff", label: "Headers + AbortSignal.timeout − raw fetch" },
        { id: "transport", a: "js.transport", b: "raw", kind: "diff", label: "the transport in plain JS − raw fetch" },
        { id: "beyondTransport", a: "ea.fetch", b: "js.transport", kind: "diff", label: "session.fetch − the transport in plain JS" },
        { id: "sharedTimer", a: "js.sharedTimer", b: "raw", kind: "diff", label: "transport with a shared timer − raw fetch" },
        { id: "lean", a: "js.lean", b: "raw", kind: "diff", label: "shared timer, no race − raw fetch" },
      ],
    },
  ];
  if (loopback) {
    const loop = new lib.TokenSession({ client, tokens, allowedOrigins: [loopback.origin] });
    const gf = globalThis.fetch;
    groups.push({
      id: "loopback",
      title: `\`session.fetch()\` vs a raw \`fetch\` against a loopback HTTP server (${loopback.what}), body read to the end`,
      calls: loopCalls,
      rounds: loopRounds,
      warm: 100,
      cases: [
        { id: "ea.fetch", label: "expense-auth `session.fetch(url)` + `await res.arrayBuffer()`", fn: async () => (await loop.fetch(loopback.url)).arrayBuffer() },
        { id: "raw", label: "raw `fetch(url, { headers: { authorization } })` + `await res.arrayBuffer()`", fn: async () => (await gf(loopback.url, { headers: { authorization: bearer() } })).arrayBuffer() },
        { id: "raw.signal", label: "raw `fetch` as above + `signal` of a new `AbortController` (what the transport passes)", fn: async () => (await gf(loopback.url, { headers: { authorization: bearer() }, signal: new AbortController().signal })).arrayBuffer() },
      ],
      compare: [
        { id: "overheadPct", a: "ea.fetch", b: "raw", kind: "pct", label: "session.fetch ÷ raw fetch − 1" },
        { id: "overhead", a: "ea.fetch", b: "raw", kind: "diff", label: "session.fetch − raw fetch" },
        { id: "signalPct", a: "raw.signal", b: "raw", kind: "pct", label: "raw fetch with a signal ÷ without − 1" },
        { id: "beyondSignalPct", a: "ea.fetch", b: "raw.signal", kind: "pct", label: "session.fetch ÷ raw fetch with a signal − 1" },
      ],
    });
  }
  const out = { rounds, calls, loopRounds, loopCalls, groups: {} };
  for (const g of groups) out.groups[g.id] = await runGroup(g, g.rounds ?? rounds, log);
  out.sink = sink;
  return out;
}
