// Small HTTP helpers: JSON answers, coded errors, cookies.

/** An error of the Worker's own routes (not from expense-auth), with a status. */
export class RouteError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "RouteError";
    this.status = status;
    this.code = code;
    this.extra = {};
  }
}

// expense-auth error codes → the Worker's answer status.
const STATUS = {
  INVALID_ARGUMENT: 400, INVALID_URL: 400, INSECURE_URL: 400, DUPLICATE_PARAMETER: 400,
  INVALID_CODE_VERIFIER: 400, STATE_MISMATCH: 400, MISSING_STATE: 400, MISSING_CODE: 400,
  AUTHORIZATION_ERROR: 400, INVALID_JWT: 400, MISSING_CLAIM: 400, TOKEN_EXPIRED: 409,
  RECONNECT_REQUIRED: 409, NO_REFRESH_TOKEN: 409,
  OAUTH_ERROR: 502, SERVER_ERROR: 502, HTTP_ERROR: 502, INVALID_RESPONSE: 502,
  RESPONSE_TOO_LARGE: 502, UNEXPECTED_REDIRECT: 502, NETWORK_ERROR: 502, UNAUTHORIZED: 502,
  TIMEOUT: 504, ABORTED: 499, STORE_FAILED: 503, SECRET_IN_BROWSER: 500, RANDOM_UNAVAILABLE: 500,
};

export const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });

/** What an error becomes in an answer: status and `{ code, message, … }`. Only
 * messages written to be shown (expense-auth's, which never contain secrets,
 * and the Worker's own) are passed on; anything else becomes "internal error"
 * and is logged by name only. */
export function describe(e) {
  if (e instanceof RouteError) return { status: e.status, body: { code: e.code, message: e.message, ...e.extra } };
  if (e?.name === "ExpenseAuthError" && typeof e.code === "string") {
    const body = { code: e.code, message: e.message };
    if (typeof e.status === "number") body.upstreamStatus = e.status;
    if (typeof e.error === "string") body.upstreamError = e.error;
    return { status: STATUS[e.code] ?? 500, body };
  }
  console.error(`internal error: ${e?.name ?? typeof e}`);
  return { status: 500, body: { code: "INTERNAL", message: "internal error" } };
}

export const errorResponse = (e) => {
  const d = describe(e);
  return json({ error: d.body }, d.status);
};

/** Durable Object RPC keeps an error's message but not its fields, so the
 * objects answer `{ ok }` or `{ err }` and the Worker rethrows with `unwrap`. */
export async function rpc(fn) {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { err: describe(e) };
  }
}

export function unwrap(r) {
  if (r && "err" in r) {
    const { code, message, ...extra } = r.err.body;
    const e = new RouteError(r.err.status, code, message);
    e.extra = extra;
    throw e;
  }
  return r.ok;
}

export function readCookie(request, name) {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The browser-session cookie: HttpOnly (no script reads it), Secure, SameSite=Lax
 * (sent on the top-level redirect back from the provider's consent page). */
export const sessionCookie = (name, value, maxAgeSecs = 30 * 24 * 3600) =>
  `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeSecs}`;

export async function readJson(request) {
  if (!(request.headers.get("content-type") ?? "").includes("application/json"))
    throw new RouteError(415, "INVALID_ARGUMENT", "send a JSON body (content-type: application/json)");
  const text = await request.text();
  if (text.length > 16 * 1024) throw new RouteError(413, "INVALID_ARGUMENT", "the body is too large");
  try {
    const v = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v;
  } catch {}
  throw new RouteError(400, "INVALID_ARGUMENT", "the body is not a JSON object");
}
