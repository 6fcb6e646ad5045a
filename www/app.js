// The demo page. Confidential flows go through the Worker backend (same
// origin: /connect, /callback, /connections); the public-client flow (generic
// OAuth 2.0 with PKCE and no secret) runs here, with the package itself.
import * as ea from "/pkg/index.js";

const $ = (sel, root = document) => root.querySelector(sel);
const config = await (await fetch("/config")).json();
const apiPathOf = Object.fromEntries(config.providers.map((p) => [p.name, p.demoApi]));
const TITLES = { oauth: "Generic OAuth 2.0 (Worker)", pleo: "Pleo", spendesk: "Spendesk", "spendesk-api-key": "Spendesk (API key)", findity: "Findity", prospend: "ProSpend", public: "Generic OAuth 2.0 (this page, public client)" };

// ------------------------------------------------------------ timeline
// The page's own steps live in sessionStorage (the page navigates away during
// consent); the Worker's come with each connection's status.
const pageSteps = JSON.parse(sessionStorage.getItem("ea-steps") ?? "[]");
let workerSteps = [];
function addStep(step) {
  pageSteps.push({ at: Date.now(), by: "page", ...step });
  while (pageSteps.length > 60) pageSteps.shift();
  sessionStorage.setItem("ea-steps", JSON.stringify(pageSteps));
  renderTimeline();
}
function renderTimeline() {
  const rows = [...pageSteps, ...workerSteps].sort((a, b) => a.at - b.at);
  const tbody = $("#timeline tbody");
  tbody.replaceChildren(
    ...rows.map((s) => {
      const tr = document.createElement("tr");
      if (s.error || s.status >= 400) tr.className = "err";
      const cells = [
        new Date(s.at).toLocaleTimeString(),
        s.by,
        `${s.method ?? ""} ${s.url ?? ""}${s.note ? ` — ${s.note}` : ""}`,
        s.error ?? (s.status ? String(s.status) : ""),
        s.ms === undefined ? "" : String(s.ms),
      ];
      for (const c of cells) {
        const td = document.createElement("td");
        td.textContent = c;
        tr.append(td);
      }
      return tr;
    }),
  );
}

/** `fetch` that records each request of the page (no query, no headers, no body). */
async function recFetch(input, init = {}) {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, location.href);
  const method = init.method ?? "GET";
  const t0 = performance.now();
  try {
    const r = await fetch(input, init);
    addStep({ method, url: url.origin === location.origin ? url.pathname : url.origin + url.pathname, status: r.status, ms: Math.round(performance.now() - t0) });
    return r;
  } catch (e) {
    addStep({ method, url: url.origin + url.pathname, error: e?.name ?? "Error", ms: Math.round(performance.now() - t0) });
    throw e;
  }
}

// ------------------------------------------------------------ messages
function banner(kind, text) {
  const b = $("#banner");
  b.hidden = false;
  b.className = `banner ${kind}`;
  b.textContent = text;
}
const showError = (e) => banner("error", `${e?.code ?? "ERROR"}: ${e?.message ?? String(e)}`);

/** Calls the Worker; a coded error answer becomes a thrown { code, message }. */
async function worker(path, { method = "GET", body } = {}) {
  const r = await recFetch(path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let data;
  try { data = JSON.parse(text); } catch { data = text; }
  if (!r.ok && data?.error?.code) throw Object.assign(new Error(data.error.message), { code: data.error.code, status: r.status });
  return { status: r.status, data };
}

// ------------------------------------------------------------ connections
const masked = (m) => (m ? `…${m.last4} (${m.length} chars)` : "none");
const cards = new Map(); // id → { el, status }

function renderClaims(table, claims, provider) {
  table.replaceChildren();
  if (!claims) {
    table.innerHTML = "<tr><td>opaque access token (not a JWT): nothing to decode</td></tr>";
    return;
  }
  // Spendesk's wallet ID lives in its access token (spendeskWalletClaims() lists where).
  const walletKeys = new Set(provider.startsWith("spendesk") ? ea.spendeskWalletClaims() : []);
  for (const [k, v] of Object.entries(claims)) {
    const tr = document.createElement("tr");
    if (walletKeys.has(k)) tr.className = "highlight wallet";
    const a = document.createElement("td");
    a.textContent = walletKeys.has(k) ? `${k} (wallet ID)` : k;
    const b = document.createElement("td");
    b.textContent = typeof v === "string" ? v : JSON.stringify(v);
    if ((k === "exp" || k === "iat") && typeof v === "number") b.textContent += `  (${new Date(v * 1000).toISOString()})`;
    tr.append(a, b);
    table.append(tr);
  }
}

function card(id, status, actions) {
  let entry = cards.get(id);
  if (!entry) {
    const el = $("#connection-template").content.firstElementChild.cloneNode(true);
    el.dataset.id = id;
    el.dataset.provider = status.provider;
    $("#connections").append(el);
    entry = { el };
    cards.set(id, entry);
    const run = (fn) => async () => {
      const out = $(".c-result", el);
      out.className = "c-result";
      try {
        out.textContent = await fn();
      } catch (e) {
        out.className = "c-result error";
        out.textContent = `${e.code ?? "ERROR"}: ${e.message}`;
      }
      await actions.reload();
    };
    $(".c-api", el).onclick = run(actions.api);
    $(".c-refresh-btn", el).onclick = run(actions.refresh);
    $(".c-stale", el).onclick = run(actions.stale);
    $(".c-disconnect", el).onclick = run(async () => {
      await actions.disconnect();
      el.remove();
      cards.delete(id);
      return "disconnected";
    });
  }
  entry.status = status;
  const el = entry.el;
  $(".c-title", el).textContent = `${TITLES[status.provider] ?? status.provider}${status.customer ? ` · ${status.customer}` : ""}${status.walletId ? ` · wallet ${status.walletId}` : ""}`;
  const badge = $(".c-status", el);
  badge.textContent = status.status.replace("_", " ");
  badge.className = `badge c-status ${status.status}`;
  el.dataset.status = status.status;
  $(".c-access", el).textContent = masked(status.accessToken);
  $(".c-refresh", el).textContent = masked(status.refreshToken);
  $(".c-refreshes", el).textContent = String(status.refreshes ?? 0);
  renderClaims($(".c-claims", el), status.claims, status.provider);
  $(".c-stale", el).hidden = !status.refreshToken;
  $(".c-refresh-btn", el).hidden = status.provider === "prospend";
  $("#no-connections").hidden = cards.size > 0;
  tick();
}

function tick() {
  for (const { el, status } of cards.values()) {
    const left = status.expiresAt ? Math.round((status.expiresAt - Date.now()) / 1000) : undefined;
    $(".c-expiry", el).textContent =
      left === undefined ? "no expiry" : left <= 0 ? "expired (refreshed on next use)"
        : left >= 86400 ? `${Math.floor(left / 86400)} days` : `${Math.floor(left / 60)} min ${left % 60} s`;
  }
}
setInterval(tick, 1000);

async function loadWorkerConnections() {
  const { data } = await worker("/connections");
  workerSteps = [];
  for (const c of data.connections) {
    workerSteps.push(...(c.timeline ?? []).map((s) => ({ ...s, url: s.url })));
    card(c.id, c, {
      reload: loadWorkerConnections,
      api: async () => {
        const r = await worker(`/connections/${c.id}/api/${apiPathOf[c.provider]}`);
        return `GET ${apiPathOf[c.provider]} → ${r.status}\n${JSON.stringify(r.data, null, 1).slice(0, 400)}`;
      },
      refresh: async () => `refreshed; expires ${new Date((await worker(`/connections/${c.id}/refresh`, { method: "POST" })).data.expiresAt).toLocaleTimeString()}`,
      stale: async () => {
        await worker(`/connections/${c.id}/stale`, { method: "POST" });
        return "the stored refresh token was spent elsewhere: the next refresh is refused";
      },
      disconnect: () => worker(`/connections/${c.id}`, { method: "DELETE" }),
    });
  }
  for (const [id, { el }] of cards) {
    if (id !== "public" && !data.connections.some((c) => c.id === id)) {
      el.remove();
      cards.delete(id);
    }
  }
  $("#no-connections").hidden = cards.size > 0;
  renderTimeline();
}

// ------------------------------------------------------------ public client (in this page)
const publicClient = new ea.OAuth2Client({
  authorizationEndpoint: config.publicClient.authorizationEndpoint,
  tokenEndpoint: config.publicClient.tokenEndpoint,
  clientId: config.publicClient.clientId,
  redirectUri: `${location.origin}/`,
  scopes: ["read"],
  fetch: recFetch,
});
let publicSession;

function showPublic() {
  const t = publicSession.tokens;
  const status = {
    provider: "public",
    status: publicSession.reconnectRequired ? "reconnect_required" : "connected",
    expiresAt: t?.expiresAt,
    accessToken: t?.accessToken && { last4: t.accessToken.slice(-4), length: t.accessToken.length },
    refreshToken: t?.refreshToken && { last4: t.refreshToken.slice(-4), length: t.refreshToken.length },
    claims: (() => { try { return ea.decodeJwtUnverified(t.accessToken); } catch { return undefined; } })(),
  };
  card("public", status, {
    reload: async () => showPublic(),
    api: async () => {
      const r = await publicSession.fetch(`${config.publicClient.apiBaseUrl}/api/me`);
      return `GET /api/me → ${r.status}\n${(await r.text()).slice(0, 400)}`;
    },
    refresh: async () => {
      await publicSession.refresh();
      return "refreshed in the page";
    },
    stale: async () => {
      await publicClient.refresh(publicSession.tokens.refreshToken); // spent behind the session's back
      return "the refresh token was spent elsewhere: the next refresh is refused";
    },
    disconnect: async () => { publicSession = undefined; },
  });
}

$("#connect-public").onclick = () => {
  const { url, state, codeVerifier } = publicClient.authorizationUrl();
  // A public client keeps its state and verifier in the tab until the callback.
  sessionStorage.setItem("ea-public", JSON.stringify({ state, codeVerifier }));
  addStep({ method: "GET", url: new URL(url).origin + new URL(url).pathname, note: "to the consent page (public client, PKCE S256)" });
  location.href = url;
};

async function publicCallback(pending) {
  sessionStorage.removeItem("ea-public");
  const { state, codeVerifier } = JSON.parse(pending);
  try {
    const { code } = ea.parseCallback(location.href, state);
    addStep({ method: "GET", url: "/", note: "callback: state checked (constant time)" });
    const tokens = await publicClient.exchangeCode(code, codeVerifier);
    publicSession = new ea.TokenSession({ client: publicClient, tokens, fetch: recFetch });
    banner("info", "Connected in this page: callback checked, code exchanged with PKCE, no client secret involved.");
    showPublic();
  } catch (e) {
    showError(e);
  }
}

// ------------------------------------------------------------ connect buttons and forms
for (const b of document.querySelectorAll("[data-connect]")) {
  b.onclick = () => {
    addStep({ method: "GET", url: `/connect/${b.dataset.connect}`, note: "to the provider's consent page, through the Worker" });
    location.href = `/connect/${b.dataset.connect}?customer=demo`;
  };
}

function form(id, provider, read) {
  $(id).onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      const r = await worker("/connections", { method: "POST", body: { provider, customer: "demo", ...read(new FormData(ev.target)) } });
      banner("info", `Connected ${TITLES[provider]} (no consent step).`);
      await loadWorkerConnections();
      return r;
    } catch (e) {
      showError(e);
    }
  };
}
form("#form-findity", "findity", (f) => (f.get("userId") ? { userId: f.get("userId") } : {}));
form("#form-spendesk-key", "spendesk-api-key", (f) => ({ apiKeyId: f.get("apiKeyId"), apiKeySecret: f.get("apiKeySecret") }));
form("#form-prospend", "prospend", (f) => ({ token: f.get("token").trim() }));
$("#prospend-mint").onclick = async () => {
  try {
    const r = await recFetch(`${config.sandboxUrl}/_sandbox/prospend/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"site":"acme"}' });
    $("#form-prospend textarea").value = (await r.json()).token;
  } catch (e) {
    showError(e);
  }
};

// ------------------------------------------------------------ inspector
$("#jwt-input").oninput = () => {
  const t = $("#jwt-input").value.trim();
  const out = $("#jwt-output");
  if (!t) return (out.textContent = "");
  try {
    const [h] = t.split(".");
    const header = JSON.parse(atob(h.replace(/-/g, "+").replace(/_/g, "/")));
    const claims = ea.decodeJwtUnverified(t);
    let text = `header: ${JSON.stringify(header, null, 1)}\nclaims (NOT verified): ${JSON.stringify(claims, null, 1)}`;
    try { text += `\nSpendesk wallet ID: ${ea.spendeskWalletId(t)}`; } catch {}
    out.className = "";
    out.textContent = text;
  } catch (e) {
    out.className = "error";
    out.textContent = `${e.code ?? "INVALID_JWT"}: ${e.message}`;
  }
};
$("#pkce-generate").onclick = () => {
  const p = ea.createPkce();
  $("#pkce-output").textContent = `code_verifier:  ${p.codeVerifier}\ncode_challenge: ${p.codeChallenge}\nmethod:         ${p.codeChallengeMethod}\ncheck: pkceChallenge(verifier) === challenge → ${ea.pkceChallenge(p.codeVerifier) === p.codeChallenge}`;
};

// ------------------------------------------------------------ start
const params = new URLSearchParams(location.search);
const pendingPublic = sessionStorage.getItem("ea-public");
if (pendingPublic && params.has("state") && (params.has("code") || params.has("error"))) {
  await publicCallback(pendingPublic);
} else if (params.has("connected")) {
  addStep({ method: "GET", url: "/callback", note: "state checked, code exchanged by the Worker → connected" });
  banner("info", "Connected: the callback's state was checked and the code exchanged in the Worker; the tokens are in the connection's Durable Object.");
} else if (params.has("error")) {
  addStep({ method: "GET", url: "/callback", error: params.get("error") });
  banner("error", `${params.get("error")}: ${params.get("message") ?? ""}`);
}
if (params.size) history.replaceState(null, "", "/");
try {
  await loadWorkerConnections();
} catch (e) {
  showError(e);
}
renderTimeline();
