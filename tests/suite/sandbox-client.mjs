// Talks to the sandbox's control endpoints and walks its consent step, from
// any runtime (Node, browser, workerd): plain fetch, loopback only.
export function sandboxControl(base, fetchFn = globalThis.fetch) {
  const json = async (method, path, body) => {
    const r = await fetchFn(base + path, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`sandbox ${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    base,
    reset: () => json("POST", "/_sandbox/reset"),
    advance: (secs) => json("POST", "/_sandbox/clock", { advance_secs: secs }),
    fault: (path, kind, extra = {}) => json("POST", "/_sandbox/faults", { path, kind, times: 1, ...extra }),
    clearFaults: () => json("DELETE", "/_sandbox/faults"),
    stats: () => json("GET", "/_sandbox/stats"),
    refreshState: async (token) => (await json("GET", `/_sandbox/refresh-token-state?token=${encodeURIComponent(token)}`)).state,
    pleoUnit: (unit) => json("POST", "/_sandbox/pleo/expires-unit", { unit }),
    prospendToken: async (opts = {}) => (await json("POST", "/_sandbox/prospend/tokens", opts)).token,
    prospendRevoke: (token) => json("POST", "/_sandbox/prospend/revoke", { token }),
    /**
     * The provider's consent step, as a browser would walk it: the authorize
     * URL redirects to the consent page; approving (or denying) redirects to
     * the app's redirect_uri with the code (or error). Redirects are followed
     * (a browser page cannot read a manual redirect's Location), so the
     * redirect_uri must answer something CORS-readable: use `${base}/callback`.
     * Returns the callback URL.
     */
    async consent(authorizeUrl, { decision = "approve", wallet } = {}) {
      const r1 = await fetchFn(authorizeUrl);
      await r1.text();
      const consentUrl = new URL(r1.url);
      if (!consentUrl.pathname.endsWith("/consent")) throw new Error(`authorize did not lead to a consent page (${r1.status})`);
      consentUrl.searchParams.set("decision", decision);
      if (wallet) consentUrl.searchParams.set("wallet", wallet);
      const r2 = await fetchFn(consentUrl.href);
      await r2.text();
      return r2.url;
    },
  };
}
