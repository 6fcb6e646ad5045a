// A `fetch` for the expense-auth clients that records each request the Worker
// makes upstream (method, URL without its query, status, time) for the demo
// page's timeline. Queries are left out: an authorization request's could carry
// state; nothing else of a request (headers, bodies) is ever recorded.
export function recorder(entries = [], max = 40) {
  const record = (e) => {
    entries.push(e);
    if (entries.length > max) entries.splice(0, entries.length - max);
  };
  const fetchFn = async (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const method = init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET");
    const at = Date.now();
    const t0 = performance.now();
    try {
      const r = await globalThis.fetch(input, init);
      record({ at, by: "worker", method, url: url.origin + url.pathname, status: r.status, ms: Math.round(performance.now() - t0) });
      return r;
    } catch (e) {
      record({ at, by: "worker", method, url: url.origin + url.pathname, error: e?.name ?? "Error", ms: Math.round(performance.now() - t0) });
      throw e;
    }
  };
  return { fetch: fetchFn, entries };
}

/** A token for display: its last 4 characters and its length, never the token. */
export const mask = (t) => (typeof t === "string" ? { last4: t.slice(-4), length: t.length } : undefined);
