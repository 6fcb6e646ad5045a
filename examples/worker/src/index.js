// The expense-auth Worker backend. Routes (JSON answers; errors as
// `{ "error": { "code", "message" } }`):
//
//   GET    /connect/:provider?customer=…   302 to the provider's consent page (oauth, pleo, spendesk)
//   GET    /callback                        checks state, exchanges the code, stores the tokens,
//                                           302 to the demo page (/?connected=<id> or /?error=<code>)
//   POST   /connections                     connections without consent: spendesk-api-key, findity, prospend
//   GET    /connections                     the connections this caller may reach
//   GET    /connections/:id                 provider, status, expiresAt, wallet ID — never a token
//   POST   /connections/:id/refresh         refresh now
//   ANY    /connections/:id/api/*           forwards to the provider's API with the bearer token
//   DELETE /connections/:id                 forgets the tokens
//
// Who may call: a browser reaches only the connections its HttpOnly session
// cookie was bound to (at the callback, or when it created them); servers
// send `Authorization: Bearer <API_KEY>` (a Worker secret) and reach all.
// Anything else gets 403 and learns nothing about the connection.
import { parseCallback, randomState, statesEqual } from "expense-auth";
import { Connection, BrowserSession } from "./connection.js";
import { CONNECTION_ID_RE, CUSTOMER_RE, connectionId, provider } from "./providers.js";
import { errorResponse, json, readCookie, readJson, RouteError, sessionCookie, unwrap } from "./http.js";
import { recorder } from "./timeline.js";
import { PROVIDERS } from "./providers.js";

export { Connection, BrowserSession };

const COOKIE = "ea_session";
const COOKIE_RE = /^[A-Za-z0-9_-]{43}$/;

const connectionStub = (env, id) => env.CONNECTIONS.get(env.CONNECTIONS.idFromName(id));
const browserStub = (env, sid) => env.BROWSERS.get(env.BROWSERS.idFromName(sid));

/** Who is calling: `{ server: true }` with the API key, `{ sid }` with a session cookie. */
function caller(request, env) {
  const auth = request.headers.get("authorization") ?? "";
  if (auth.startsWith("Bearer ")) {
    const key = typeof env.API_KEY === "string" ? env.API_KEY : "";
    if (key.length >= 16 && statesEqual(auth.slice(7), key)) return { server: true };
    throw new RouteError(401, "NOT_AUTHENTICATED", "the API key is not valid");
  }
  const sid = readCookie(request, COOKIE);
  if (sid && COOKIE_RE.test(sid)) return { sid };
  return {};
}

/** The browser session, created (with its Set-Cookie) when there is none. */
function ensureBrowser(who) {
  if (who.sid) return { sid: who.sid, setCookie: undefined };
  const sid = randomState();
  return { sid, setCookie: sessionCookie(COOKIE, sid) };
}

async function authorize(env, who, id) {
  if (!CONNECTION_ID_RE.test(id)) throw new RouteError(403, "FORBIDDEN", "no access to this connection");
  if (who.server) return;
  if (who.sid && (await browserStub(env, who.sid).has(id))) return;
  if (!who.sid) throw new RouteError(401, "NOT_AUTHENTICATED", "sign in: no session cookie or API key");
  throw new RouteError(403, "FORBIDDEN", "no access to this connection");
}

const redirect = (location, setCookie) =>
  new Response(null, { status: 302, headers: { location, "cache-control": "no-store", ...(setCookie ? { "set-cookie": setCookie } : {}) } });

async function connect(request, env, name) {
  const p = provider(name);
  if (!p.consent) throw new RouteError(400, "INVALID_ARGUMENT", `${name} connects without consent: POST /connections`);
  const customer = new URL(request.url).searchParams.get("customer") ?? "demo";
  if (!CUSTOMER_RE.test(customer)) throw new RouteError(400, "INVALID_ARGUMENT", "customer must be 1–64 of [A-Za-z0-9._-]");
  const who = caller(request, env);
  const { sid, setCookie } = ensureBrowser(who);
  const { url, state, codeVerifier } = p.client(env).authorizationUrl();
  await browserStub(env, sid).startFlow({ state, provider: name, verifier: codeVerifier, customer });
  return redirect(url, setCookie);
}

async function callback(request, env) {
  const page = (q) => redirect(`/?${new URLSearchParams(q)}`);
  const started = Date.now();
  try {
    const who = caller(request, env);
    const state = new URL(request.url).searchParams.get("state");
    const flow = who.sid && state ? await browserStub(env, who.sid).takeFlow(state) : undefined;
    if (!flow) throw new RouteError(400, "STATE_MISMATCH", "this callback does not belong to an authorization this browser started");
    // parseCallback checks state (constant time) and turns error= into AUTHORIZATION_ERROR.
    const { code } = parseCallback(request.url, state);
    const p = provider(flow.provider);
    const rec = recorder();
    const tokens = await p.client(env, {}, rec.fetch).exchangeCode(code, flow.verifier);
    const id = await connectionId(flow.provider, flow.customer, tokens.walletId ?? "");
    const timeline = [{ at: started, by: "worker", method: "GET", url: new URL(request.url).origin + "/callback", status: 0, note: "state checked" }, ...rec.entries];
    unwrap(await connectionStub(env, id).init({ id, provider: flow.provider, customer: flow.customer, walletId: tokens.walletId, tokens, timeline }));
    await browserStub(env, who.sid).bind(id);
    return page({ connected: id });
  } catch (e) {
    const code = e?.code ?? "INTERNAL";
    const message = e instanceof RouteError || e?.name === "ExpenseAuthError" ? e.message : "internal error";
    if (!(e instanceof RouteError) && e?.name !== "ExpenseAuthError") console.error(`callback failed: ${e?.name}`);
    return page({ error: code, message: message.slice(0, 300) });
  }
}

async function createConnection(request, env) {
  const who = caller(request, env);
  const body = await readJson(request);
  const name = body.provider;
  const p = provider(name);
  if (p.consent) throw new RouteError(400, "INVALID_ARGUMENT", `${name} needs the user's consent: GET /connect/${name}`);
  const customer = body.customer ?? "demo";
  if (typeof customer !== "string" || !CUSTOMER_RE.test(customer))
    throw new RouteError(400, "INVALID_ARGUMENT", "customer must be 1–64 of [A-Za-z0-9._-]");
  const str = (k) => {
    if (typeof body[k] !== "string" || body[k] === "") throw new RouteError(400, "INVALID_ARGUMENT", `${k} is required`);
    return body[k];
  };
  let tokens, credentials, userId, wallet = "";
  const rec = recorder();
  if (name === "spendesk-api-key") {
    credentials = { apiKeyId: str("apiKeyId"), apiKeySecret: str("apiKeySecret") };
    tokens = await p.client(env, credentials, rec.fetch).apiKeyToken();
    wallet = credentials.apiKeyId;
  } else if (name === "findity") {
    const client = p.client(env, {}, rec.fetch);
    const org = await client.clientCredentials();
    if (body.userId !== undefined) {
      userId = str("userId");
      tokens = await client.userToken(org.accessToken, userId);
      wallet = `user:${userId}`;
    } else {
      tokens = org;
    }
  } else if (name === "prospend") {
    credentials = { token: str("token") };
    const client = p.client(env, credentials, rec.fetch); // checks it is an unexpired JWT
    tokens = client.tokenSet();
  }
  const id = await connectionId(name, customer, wallet);
  const status = unwrap(await connectionStub(env, id).init({ id, provider: name, customer, tokens, credentials, userId, walletId: undefined, timeline: rec.entries }));
  let setCookie;
  if (!who.server) {
    const b = ensureBrowser(who);
    setCookie = b.setCookie;
    await browserStub(env, b.sid).bind(id);
  }
  return json(status, 201, setCookie ? { "set-cookie": setCookie } : {});
}

/** For the demo page (DEMO_MODE=1 only): which providers connect how, and the
 * public-client settings for the flow the page runs itself. No secrets. */
function config(env) {
  if (env.DEMO_MODE !== "1") throw new RouteError(404, "NOT_FOUND", "no such route");
  const providers = Object.entries(PROVIDERS).map(([name, p]) => ({ name, consent: p.consent, demoApi: p.demoApi }));
  return json({
    providers,
    publicClient: {
      authorizationEndpoint: env.OAUTH_AUTHORIZE_URL,
      tokenEndpoint: env.OAUTH_TOKEN_URL,
      apiBaseUrl: env.OAUTH_API_BASE_URL,
      clientId: env.OAUTH_PUBLIC_CLIENT_ID ?? "sandbox-public",
    },
    sandboxUrl: env.SANDBOX_URL ?? new URL(env.OAUTH_TOKEN_URL).origin,
  });
}

async function route(request, env) {
  const url = new URL(request.url);
  const parts = url.pathname.split("/").filter(Boolean);
  const method = request.method;
  if (parts[0] === "connect" && parts.length === 2 && method === "GET") return connect(request, env, parts[1]);
  if (parts[0] === "callback" && parts.length === 1 && method === "GET") return callback(request, env);
  if (parts[0] === "config" && parts.length === 1 && method === "GET") return config(env);
  if (parts[0] !== "connections") throw new RouteError(404, "NOT_FOUND", "no such route");

  if (parts.length === 1) {
    if (method === "POST") return createConnection(request, env);
    if (method === "GET") {
      const who = caller(request, env);
      if (who.server) throw new RouteError(400, "INVALID_ARGUMENT", "servers know their connection IDs");
      const ids = who.sid ? await browserStub(env, who.sid).list() : [];
      const out = [];
      for (const id of ids) {
        try {
          out.push(unwrap(await connectionStub(env, id).getStatus()));
        } catch {} // forgotten
      }
      return json({ connections: out });
    }
    throw new RouteError(405, "METHOD_NOT_ALLOWED", "GET or POST");
  }

  const id = parts[1];
  const who = caller(request, env);
  await authorize(env, who, id);
  const stub = connectionStub(env, id);
  if (parts.length === 2) {
    if (method === "GET") return json(unwrap(await stub.getStatus()));
    if (method === "DELETE") {
      const r = unwrap(await stub.forget());
      if (who.sid) await browserStub(env, who.sid).unbind(id);
      return json(r);
    }
    throw new RouteError(405, "METHOD_NOT_ALLOWED", "GET or DELETE");
  }
  if (parts.length === 3 && parts[2] === "refresh" && method === "POST") return json(unwrap(await stub.refresh()));
  if (parts.length === 3 && parts[2] === "stale" && method === "POST") return json(unwrap(await stub.makeStale()));
  if (parts[2] === "api" && parts.length >= 4) {
    const rest = url.pathname.split("/").slice(4).join("/");
    const inner = new Request(`https://connection/api/${rest}${url.search}`, request);
    return stub.fetch(inner);
  }
  throw new RouteError(404, "NOT_FOUND", "no such route");
}

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (e) {
      return errorResponse(e);
    }
  },
};
