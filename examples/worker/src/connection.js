// One Durable Object per connection (customer + provider + wallet). It alone
// holds the connection's tokens, in its storage, and runs its TokenSession:
// every request for the connection, from any isolate, reaches this one object,
// so concurrent requests share one refresh upstream, and a rotated refresh
// token is written to storage (onTokens, awaited) before any token of its set
// is used. A refresh token is single use (Pleo revokes the whole authorisation
// when one is presented twice), so two owners would be one too many.
import { DurableObject } from "cloudflare:workers";
import { TokenSession, decodeJwtUnverified } from "expense-auth";
import { provider } from "./providers.js";
import { errorResponse, RouteError, rpc } from "./http.js";
import { mask, recorder } from "./timeline.js";

/** The claims of a JWT access token (decoded, NOT verified: for display), or
 * undefined for an opaque token such as Pleo's. */
function claimsOf(token) {
  if (typeof token !== "string") return undefined;
  try {
    return decodeJwtUnverified(token);
  } catch {
    return undefined;
  }
}

export class Connection extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.session = undefined; // built on first use from storage
    this.client = undefined;
  }

  // The RPC surface (each answers { ok } or { err }; see http.js rpc/unwrap).
  init(args) { return rpc(() => this.doInit(args)); }
  getStatus() { return rpc(() => this.status()); }
  refresh() { return rpc(() => this.logged(() => this.doRefresh())); }
  makeStale() { return rpc(() => this.logged(() => this.doMakeStale())); }
  forget() { return rpc(() => this.doForget()); }

  /** Runs `fn`, then keeps the upstream requests it made for the timeline. */
  async logged(fn) {
    try {
      return await fn();
    } finally {
      if (this.rec) await this.ctx.storage.put("timeline", this.rec.entries);
    }
  }

  /** Stores a new connection (replacing any earlier one under this ID). */
  async doInit({ id, provider: name, customer, walletId, tokens, credentials, userId, timeline }) {
    this.session = undefined;
    this.client = undefined;
    this.rec = undefined;
    await this.ctx.storage.deleteAll();
    const meta = { id, provider: name, customer, walletId, userId, connectedAt: Date.now(), refreshes: 0 };
    await this.ctx.storage.put({ meta, tokens, credentials: credentials ?? {}, timeline: timeline ?? [] });
    return this.status();
  }

  async meta() {
    const meta = await this.ctx.storage.get("meta");
    if (!meta) throw new RouteError(404, "NOT_FOUND", "no such connection");
    return meta;
  }

  /** The connection's client and session, built once per object instance. */
  async ensure() {
    if (this.session) return;
    const meta = await this.meta();
    // Sticky across restarts of this object: never present a refused refresh token again.
    if (meta.reconnectRequired)
      throw new RouteError(409, "RECONNECT_REQUIRED", "the refresh token was refused: the user must connect again");
    const p = provider(meta.provider);
    const credentials = (await this.ctx.storage.get("credentials")) ?? {};
    this.rec = recorder((await this.ctx.storage.get("timeline")) ?? []);
    const client = p.client(this.env, credentials, this.rec.fetch);
    this.client = client;
    this.apiBase = p.api(this.env, client);
    if (meta.provider === "prospend") return; // a static token: no session
    const tokens = await this.ctx.storage.get("tokens");
    this.session = new TokenSession({
      client,
      tokens,
      fetch: this.rec.fetch,
      renew: p.renew ? () => p.renew(client) : undefined,
      allowedOrigins: this.apiBase ? [new URL(this.apiBase).origin] : undefined,
      // The store: Durable Object storage, awaited before the new tokens are used
      // (and given up after storeTimeoutMs: the call fails with STORE_FAILED and
      // the set is offered again). This object is the connection's only writer;
      // the compare-and-swap on `previous` still guards against a second one.
      storeTimeoutMs: 5_000,
      onTokens: async (next, previous) => {
        const stored = await this.ctx.storage.get("tokens");
        if (previous && stored && stored.refreshToken !== previous.refreshToken)
          throw new Error("the stored tokens changed under this session");
        const m = await this.meta();
        m.refreshes += 1;
        m.lastRefreshAt = Date.now();
        await this.ctx.storage.put({ tokens: next, meta: m });
      },
    });
  }

  async status() {
    const meta = await this.meta();
    const tokens = await this.ctx.storage.get("tokens");
    let expiresAt = tokens?.expiresAt;
    let state = "connected";
    if (meta.provider === "prospend") {
      try {
        await this.ensure();
        expiresAt = this.client.expiresAt;
      } catch (e) {
        if (e?.code === "TOKEN_EXPIRED") state = "expired";
        else throw e;
      }
    }
    if (this.session?.reconnectRequired || meta.reconnectRequired) state = "reconnect_required";
    return {
      id: meta.id,
      provider: meta.provider,
      customer: meta.customer,
      status: state,
      expiresAt,
      walletId: meta.walletId,
      userId: meta.userId,
      connectedAt: meta.connectedAt,
      refreshes: meta.refreshes,
      lastRefreshAt: meta.lastRefreshAt,
      hasRefreshToken: typeof tokens?.refreshToken === "string",
      // For the demo page: what the tokens look like, never the tokens.
      accessToken: mask(tokens?.accessToken),
      refreshToken: mask(tokens?.refreshToken),
      claims: claimsOf(tokens?.accessToken),
      demoApi: provider(meta.provider).demoApi,
      timeline: (await this.ctx.storage.get("timeline")) ?? [],
    };
  }

  async markReconnect(e) {
    if (e?.code === "RECONNECT_REQUIRED") {
      const m = await this.meta();
      m.reconnectRequired = true;
      await this.ctx.storage.put("meta", m);
    }
  }

  /** Refreshes now (one refresh shared with any in flight); answers the status. */
  async doRefresh() {
    await this.ensure();
    if (!this.session) throw new RouteError(400, "INVALID_ARGUMENT", "this connection has nothing to refresh");
    try {
      await this.session.refresh();
    } catch (e) {
      await this.markReconnect(e);
      throw e;
    }
    return this.status();
  }

  /** Demo only (DEMO_MODE=1): spends the stored refresh token behind the
   * session's back, as a second owner would, so the next refresh shows
   * RECONNECT_REQUIRED. The new tokens it gets are thrown away unseen. */
  async doMakeStale() {
    if (this.env.DEMO_MODE !== "1") throw new RouteError(404, "NOT_FOUND", "not found");
    await this.ensure();
    const tokens = await this.ctx.storage.get("tokens");
    if (!tokens?.refreshToken) throw new RouteError(400, "INVALID_ARGUMENT", "this connection has no refresh token");
    await this.client.refresh(tokens.refreshToken);
    return this.status();
  }

  async doForget() {
    this.session = undefined;
    this.client = undefined;
    await this.ctx.storage.deleteAll();
    return { deleted: true };
  }

  /** `ANY /api/<path>` (rewritten by the Worker): forwards to the provider's
   * API with the bearer token; a 401 refreshes once and retries once. */
  async fetch(request) {
    try {
      await this.ensure();
      const url = new URL(request.url);
      const rest = url.pathname.replace(/^\/api\//, "");
      // The path stays below the API base: no dot segments (plain or encoded), no empty ones.
      const badSegment = (s) => s === "" || /^(\.|%2e){1,2}$/i.test(s);
      if (!/^[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$/.test(rest) || rest.split("/").some(badSegment))
        throw new RouteError(400, "INVALID_ARGUMENT", "bad API path");
      const base = this.apiBase.replace(/\/$/, "");
      const target = `${base}/${rest}${url.search}`;
      if (!new URL(target).href.startsWith(`${base}/`)) throw new RouteError(400, "INVALID_ARGUMENT", "bad API path");
      const headers = new Headers();
      for (const name of ["accept", "content-type", "accept-language"]) {
        const v = request.headers.get(name);
        if (v) headers.set(name, v);
      }
      const init = { method: request.method, headers };
      if (!["GET", "HEAD"].includes(request.method)) init.body = await request.arrayBuffer();
      let upstream;
      if (this.session) {
        try {
          upstream = await this.session.fetch(target, init);
        } catch (e) {
          await this.markReconnect(e);
          throw e;
        }
      } else {
        upstream = await this.client.fetch(`/${rest}${url.search}`, init);
      }
      const out = new Headers();
      for (const name of ["content-type", "cache-control", "retry-after"]) {
        const v = upstream.headers.get(name);
        if (v) out.set(name, v);
      }
      const body = await upstream.arrayBuffer();
      await this.ctx.storage.put("timeline", this.rec.entries);
      return new Response(body, { status: upstream.status, headers: out });
    } catch (e) {
      if (this.rec) await this.ctx.storage.put("timeline", this.rec.entries);
      return errorResponse(e);
    }
  }
}

/** One Durable Object per browser session cookie: the authorization requests
 * it started (state → PKCE verifier, kept server-side, never in a URL) and
 * the connections it may reach. */
export class BrowserSession extends DurableObject {
  async startFlow({ state, provider, verifier, customer }) {
    const flows = (await this.ctx.storage.get("flows")) ?? {};
    const now = Date.now();
    for (const [k, f] of Object.entries(flows)) if (now - f.at > 10 * 60_000) delete flows[k];
    const keys = Object.keys(flows);
    if (keys.length >= 10) delete flows[keys[0]];
    flows[state] = { provider, verifier, customer, at: now };
    await this.ctx.storage.put("flows", flows);
  }

  /** The flow for `state`, used up (a state is single use), or undefined. */
  async takeFlow(state) {
    const flows = (await this.ctx.storage.get("flows")) ?? {};
    const f = Object.hasOwn(flows, state) ? flows[state] : undefined;
    if (f) {
      delete flows[state];
      await this.ctx.storage.put("flows", flows);
      if (Date.now() - f.at > 10 * 60_000) return undefined;
    }
    return f;
  }

  async bind(id) {
    const ids = new Set((await this.ctx.storage.get("connections")) ?? []);
    ids.add(id);
    await this.ctx.storage.put("connections", [...ids]);
  }

  async unbind(id) {
    const ids = ((await this.ctx.storage.get("connections")) ?? []).filter((x) => x !== id);
    await this.ctx.storage.put("connections", ids);
  }

  async has(id) {
    return ((await this.ctx.storage.get("connections")) ?? []).includes(id);
  }

  async list() {
    return (await this.ctx.storage.get("connections")) ?? [];
  }
}

