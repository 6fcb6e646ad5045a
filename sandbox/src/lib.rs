//! # expense-auth-sandbox
//!
//! A local, offline stand-in for the authentication endpoints of Spendesk, Pleo, Findity and
//! ProSpend, plus a generic RFC 6749 / RFC 7636 authorization server, as documented in the
//! providers' own pages (`/work/shared/provider-docs/*.txt`). It exists so the `expense-auth`
//! tests and demo run without network access. It is an independent implementation of the
//! server side and shares no code with the client crate, so the two do not share bugs.
//!
//! The library is a **sans-IO handler**: build a [`Request`], call [`Sandbox::handle`], get a
//! [`Response`]. The `expense-auth-sandbox` binary serves the same handler over HTTP/1.1 on a
//! loopback address (see [`server`]).
//!
//! ```
//! use expense_auth_sandbox::{Request, Sandbox};
//! let mut sb = Sandbox::with_clock(1_700_000_000);
//! let r = sb.handle(&Request::post_form(
//!     "/oauth/token",
//!     "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret",
//! ));
//! assert_eq!(r.status, 200);
//! assert_eq!(r.header("cache-control"), Some("no-store"));
//! ```
//!
//! The handler never panics on any input; request bodies over 1 MiB get 413.

#![forbid(unsafe_code)]

mod consent;
mod control;
mod findity;
pub mod jwt;
mod oauth;
mod prospend;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;
mod spendesk;
mod util;
#[cfg(target_arch = "wasm32")]
mod wasm;

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Largest accepted request body (1 MiB); larger bodies are answered with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Authorization codes and pending consent requests live 10 minutes.
pub const CODE_LIFETIME_SECS: u64 = 600;
/// Generic OAuth, Spendesk and Findity access tokens: 3600 s.
pub const ACCESS_LIFETIME_SECS: u64 = 3600;
/// Pleo docs (pleo-quickstart.txt): `"expires_in": ACCESS_TOKEN_LIFETIME, // 10 mins.`
pub const PLEO_ACCESS_LIFETIME_SECS: u64 = 600;
/// Pleo docs (pleo-quickstart.txt): "the refresh token has a lifetime of 60 days".
pub const PLEO_REFRESH_LIFETIME_SECS: u64 = 60 * 86_400;
/// Spendesk docs (spendesk-authentication.txt): "Refresh tokens expire in about 30 days".
pub const SPENDESK_REFRESH_LIFETIME_SECS: u64 = 30 * 86_400;
/// Generic OAuth and Findity refresh tokens (undocumented by Findity; sandbox choice): 30 days.
pub const REFRESH_LIFETIME_SECS: u64 = 30 * 86_400;
/// ProSpend docs (prospend-authentication.txt): "Tokens are valid for 2 years by default."
pub const PROSPEND_DEFAULT_LIFETIME_SECS: u64 = 2 * 365 * 86_400;

/// Spendesk wallets offered on the consent page.
pub const SPENDESK_WALLETS: [&str; 2] = ["wallet-1", "wallet-2"];

// ---------------------------------------------------------------------------------------------
// Request / Response
// ---------------------------------------------------------------------------------------------

/// An HTTP request as seen by the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Path plus optional `?query` (origin-form).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// `GET target` with no headers.
    pub fn get(target: &str) -> Request {
        Request {
            method: "GET".into(),
            target: target.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `POST target` with `Content-Type: application/x-www-form-urlencoded`.
    pub fn post_form(target: &str, body: &str) -> Request {
        Request {
            method: "POST".into(),
            target: target.into(),
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: body.as_bytes().to_vec(),
        }
    }

    /// `POST target` with `Content-Type: application/json`.
    pub fn post_json(target: &str, body: &str) -> Request {
        Request {
            method: "POST".into(),
            target: target.into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, k: &str, v: &str) -> Request {
        self.headers.push((k.into(), v.into()));
        self
    }

    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP response produced by the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Injected latency (`slow` fault): the server sleeps this long (outside the state lock)
    /// before writing the response.
    pub delay_ms: u64,
    /// Injected failure (`drop` fault): the server closes the socket without writing.
    /// `status` is 0 in that case.
    pub drop_connection: bool,
}

impl Response {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as UTF-8 ("" if it is not UTF-8).
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("")
    }

    pub(crate) fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay_ms: 0,
            drop_connection: false,
        }
    }

    pub(crate) fn json(status: u16, v: &Value) -> Response {
        Response::new(status)
            .with_header("Content-Type", "application/json")
            .with_body(v.to_string().into_bytes())
    }

    pub(crate) fn html(status: u16, html: String) -> Response {
        Response::new(status)
            .with_header("Content-Type", "text/html; charset=utf-8")
            .with_header("Cache-Control", "no-store")
            .with_body(html.into_bytes())
    }

    pub(crate) fn redirect(location: &str) -> Response {
        Response::new(302)
            .with_header("Location", location)
            .with_header("Cache-Control", "no-store")
    }

    pub(crate) fn with_header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.into(), v.into()));
        self
    }

    pub(crate) fn with_body(mut self, body: Vec<u8>) -> Response {
        self.body = body;
        self
    }

    /// Token endpoint success headers (RFC 6749 §5.1: "Cache-Control: no-store").
    pub(crate) fn no_store(self) -> Response {
        self.with_header("Cache-Control", "no-store")
            .with_header("Pragma", "no-cache")
    }
}

/// RFC 6749 §5.2 error: `{"error","error_description"}`, `Cache-Control: no-store`.
pub(crate) fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
    .no_store()
}

/// RFC 6750 §3 error for protected resources.
pub(crate) fn bearer_error(description: &str) -> Response {
    Response::json(
        401,
        &json!({"error": "invalid_token", "error_description": description}),
    )
    .with_header(
        "WWW-Authenticate",
        &format!(
            "Bearer error=\"invalid_token\", error_description=\"{}\"",
            description.replace(['"', '\\'], "'")
        ),
    )
}

/// Minimal HTML page (consent screens and authorize errors that must not redirect).
pub(crate) fn page(status: u16, title: &str, body_html: &str) -> Response {
    Response::html(
        status,
        format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title></head>\n\
             <body><h1>{t}</h1>\n{body_html}\n</body></html>\n",
            t = util::html_escape(title)
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    OAuth,
    Spendesk,
    Pleo,
    Findity,
    ProSpend,
}

impl Provider {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Provider::OAuth => "oauth",
            Provider::Spendesk => "spendesk",
            Provider::Pleo => "pleo",
            Provider::Findity => "findity",
            Provider::ProSpend => "prospend",
        }
    }

    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Provider::OAuth => "/oauth",
            Provider::Spendesk => "/spendesk",
            Provider::Pleo => "/pleo",
            Provider::Findity => "/findity",
            Provider::ProSpend => "/prospend",
        }
    }
}

/// A registered client (fixed table, see README).
#[derive(Debug)]
pub(crate) struct Client {
    pub(crate) id: &'static str,
    pub(crate) secret: Option<&'static str>,
    pub(crate) pkce_required: bool,
}

const OAUTH_CLIENTS: &[Client] = &[
    Client {
        id: "sandbox-client",
        secret: Some("sandbox-secret"),
        pkce_required: false,
    },
    Client {
        id: "sandbox-public",
        secret: None,
        pkce_required: true,
    },
];
const SPENDESK_CLIENTS: &[Client] = &[Client {
    id: "spendesk-client",
    secret: Some("spendesk-secret"),
    pkce_required: true,
}];
const PLEO_CLIENTS: &[Client] = &[Client {
    id: "pleo-client",
    secret: Some("pleo-secret"),
    pkce_required: true,
}];
const FINDITY_CLIENTS: &[Client] = &[Client {
    id: "findity-client",
    secret: Some("findity-secret"),
    pkce_required: false,
}];

/// Spendesk API key (API-key flow at `/auth/token`).
pub const SPENDESK_API_KEY_ID: &str = "spendesk-key-id";
/// Spendesk API key secret.
pub const SPENDESK_API_KEY_SECRET: &str = "spendesk-key-secret";

pub(crate) fn find_client(p: Provider, id: &str) -> Option<&'static Client> {
    let table = match p {
        Provider::OAuth => OAUTH_CLIENTS,
        Provider::Spendesk => SPENDESK_CLIENTS,
        Provider::Pleo => PLEO_CLIENTS,
        Provider::Findity => FINDITY_CLIENTS,
        Provider::ProSpend => &[],
    };
    table.iter().find(|c| c.id == id)
}

/// Who/what a token was issued for; copied from code to refresh token to new tokens.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) provider: Provider,
    pub(crate) client_id: String,
    pub(crate) sub: String,
    pub(crate) scope: Option<String>,
    /// Extra JWT claims (wallet_id, user_id, organization, ...).
    pub(crate) extra: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) provider: Provider,
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) challenge: Option<String>,
    pub(crate) expires_at: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct CodeRec {
    pub(crate) grant: Grant,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) challenge: Option<String>,
    pub(crate) expires_at: u64,
    pub(crate) used: bool,
    /// Family created when the code was redeemed (revoked if the code is replayed,
    /// RFC 6749 §4.1.2: "If an authorization code is used more than once, the authorization
    /// server MUST deny the request and SHOULD revoke (when possible) all tokens previously
    /// issued based on that authorization code").
    pub(crate) family: Option<u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct AccessRec {
    pub(crate) provider: Provider,
    pub(crate) family: Option<u64>,
    pub(crate) revoked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RtState {
    Valid,
    Used,
    Revoked,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshRec {
    pub(crate) grant: Grant,
    pub(crate) family: u64,
    pub(crate) expires_at: u64,
    pub(crate) state: RtState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaultKind {
    Status500,
    Status503,
    Slow,
    Html,
    NotJson,
    Drop,
    Huge,
}

impl FaultKind {
    pub(crate) fn parse(s: &str) -> Option<FaultKind> {
        Some(match s {
            "status_500" => FaultKind::Status500,
            "status_503" => FaultKind::Status503,
            "slow" => FaultKind::Slow,
            "html" => FaultKind::Html,
            "not_json" => FaultKind::NotJson,
            "drop" => FaultKind::Drop,
            "huge" => FaultKind::Huge,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            FaultKind::Status500 => "status_500",
            FaultKind::Status503 => "status_503",
            FaultKind::Slow => "slow",
            FaultKind::Html => "html",
            FaultKind::NotJson => "not_json",
            FaultKind::Drop => "drop",
            FaultKind::Huge => "huge",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub(crate) path: String,
    pub(crate) kind: FaultKind,
    pub(crate) remaining: u64,
    pub(crate) delay_ms: u64,
}

/// How Pleo's `expires_in` is expressed (see [`Sandbox`] docs and `/_sandbox/pleo/expires-unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PleoUnit {
    /// As the Pleo docs label it: seconds on code exchange, milliseconds on refresh.
    Default,
    Seconds,
    Millis,
}

/// The sandbox authorization servers and their state.
///
/// Not thread-safe by itself; the server wraps it in a `Mutex`.
#[derive(Debug)]
pub struct Sandbox {
    /// `None` = real unix time; `Some(t)` = fixed start.
    start: Option<u64>,
    offset: u64,
    pub(crate) pending: HashMap<String, Pending>,
    pub(crate) codes: HashMap<String, CodeRec>,
    /// Keyed by the JWT `jti`.
    pub(crate) access: HashMap<String, AccessRec>,
    pub(crate) refresh: HashMap<String, RefreshRec>,
    /// family id → revoked?
    pub(crate) families: HashMap<u64, bool>,
    next_family: u64,
    pub(crate) faults: Vec<Fault>,
    pub(crate) pleo_unit: PleoUnit,
    /// Where the providers' docs are silent, which way the sandbox behaves
    /// (`/_sandbox/behaviour`; [`control::Behaviour`]).
    pub(crate) behaviour: control::Behaviour,
    pub(crate) token_requests: BTreeMap<String, u64>,
    pub(crate) requests: u64,
    pub(crate) faults_served: u64,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Sandbox {
    /// A sandbox whose clock is the real unix time (plus any [`advance`](Self::advance)).
    pub fn new() -> Sandbox {
        Sandbox::build(None)
    }

    /// A sandbox whose clock starts at `start_unix_secs` and only moves with
    /// [`advance`](Self::advance) (deterministic tests).
    pub fn with_clock(start_unix_secs: u64) -> Sandbox {
        Sandbox::build(Some(start_unix_secs))
    }

    fn build(start: Option<u64>) -> Sandbox {
        Sandbox {
            start,
            offset: 0,
            pending: HashMap::new(),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            families: HashMap::new(),
            next_family: 1,
            faults: Vec::new(),
            pleo_unit: PleoUnit::Default,
            behaviour: control::Behaviour::default(),
            token_requests: BTreeMap::new(),
            requests: 0,
            faults_served: 0,
        }
    }

    /// The sandbox clock in unix seconds (real time or fixed start, plus the offset).
    pub fn now(&self) -> u64 {
        let base = match self.start {
            Some(t) => t,
            None => unix_now_secs(),
        };
        base.saturating_add(self.offset)
    }

    /// Moves the clock forward (tokens, codes and refresh tokens expire accordingly).
    pub fn advance(&mut self, secs: u64) {
        self.offset = self.offset.saturating_add(secs);
    }

    /// Forgets all state, faults and statistics; clock offset back to 0 (the fixed start,
    /// if any, is kept).
    pub fn reset(&mut self) {
        *self = Sandbox::build(self.start);
    }

    /// Handles one request. Never panics. Every response carries the CORS headers
    /// `Access-Control-Allow-Origin: *` and `Access-Control-Expose-Headers: WWW-Authenticate`.
    pub fn handle(&mut self, req: &Request) -> Response {
        let mut resp = self.dispatch(req);
        if resp.header("Access-Control-Allow-Origin").is_none() {
            resp.headers
                .push(("Access-Control-Allow-Origin".into(), "*".into()));
        }
        if resp.header("Access-Control-Expose-Headers").is_none() {
            resp.headers.push((
                "Access-Control-Expose-Headers".into(),
                "WWW-Authenticate".into(),
            ));
        }
        resp
    }

    fn dispatch(&mut self, req: &Request) -> Response {
        let (path, query) = util::split_target(&req.target);
        let is_control = path == "/_sandbox" || path.starts_with("/_sandbox/");
        if !is_control {
            self.requests = self.requests.saturating_add(1);
        }
        if req.method == "OPTIONS" {
            return preflight();
        }
        if req.body.len() > MAX_BODY_BYTES {
            return Response::json(
                413,
                &json!({"error": "payload_too_large",
                        "error_description": "request bodies are limited to 1 MiB"}),
            );
        }
        if is_control {
            return self.control(req, path, query);
        }
        if let Some(fault) = self.take_fault(path) {
            self.faults_served = self.faults_served.saturating_add(1);
            if fault.kind == FaultKind::Slow {
                let mut r = self.route(req, path, query);
                r.delay_ms = fault.delay_ms;
                return r;
            }
            return fault_response(fault.kind);
        }
        self.route(req, path, query)
    }

    fn route(&mut self, req: &Request, path: &str, query: &str) -> Response {
        use Provider::*;
        match self.behaviour.api_route(path) {
            Some(control::ApiRoute::PleoExpenses) => return self.pleo_expenses(req),
            Some(control::ApiRoute::ProSpendExpenses) => return self.prospend_expenses(req),
            Some(control::ApiRoute::Moved) => {
                return Response::json(
                    404,
                    &json!({"error": "not_found",
                            "error_description": "this API is mounted elsewhere (/_sandbox/behaviour api_prefix)"}),
                )
            }
            None => {}
        }
        match path {
            "/" => index_page(&req.method),
            "/oauth/authorize" => self.authorize(OAuth, req, query),
            "/oauth/consent" => self.consent(OAuth, req, query),
            "/oauth/token" => self.oauth_token(OAuth, req),
            "/oauth/api/me" => self.oauth_me(req),
            "/spendesk/v1/auth/token" => self.spendesk_api_key_token(req),
            "/spendesk/v1/oauth2/authorize" => self.authorize(Spendesk, req, query),
            "/spendesk/consent" => self.consent(Spendesk, req, query),
            "/spendesk/v1/oauth2/token/create" => self.spendesk_token_create(req),
            "/spendesk/v1/oauth2/token/refresh" => self.spendesk_token_refresh(req),
            "/spendesk/v1/wallet-summary" => self.spendesk_wallet_summary(req),
            "/pleo/oauth/authorize" => self.authorize(Pleo, req, query),
            "/pleo/consent" => self.consent(Pleo, req, query),
            "/pleo/oauth/token" => self.oauth_token(Pleo, req),
            "/pleo/v1/expenses" => self.pleo_expenses(req),
            "/findity/api/oauth/token" | "/findity/api/oauth/token/" => self.findity_token(req),
            "/findity/api/oauth/authorization-grant" => self.findity_authorization_grant(req),
            "/findity/api/v1/me" => self.findity_me(req),
            "/prospend/api/v1/expenses" => self.prospend_expenses(req),
            _ => Response::json(
                404,
                &json!({"error": "not_found",
                        "error_description": format!("no sandbox route for {}", util::printable(path))}),
            ),
        }
    }

    fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let idx = self
            .faults
            .iter()
            .position(|f| f.remaining > 0 && path.starts_with(&f.path))?;
        let f = self.faults.get_mut(idx)?;
        f.remaining -= 1;
        let out = f.clone();
        if f.remaining == 0 {
            self.faults.remove(idx);
        }
        Some(out)
    }

    pub(crate) fn count_token_request(&mut self, key: String) {
        let n = self.token_requests.entry(key).or_insert(0);
        *n = n.saturating_add(1);
    }

    // ---- token minting / checking ---------------------------------------------------------

    pub(crate) fn new_family(&mut self) -> u64 {
        let f = self.next_family;
        self.next_family = self.next_family.saturating_add(1);
        self.families.insert(f, false);
        f
    }

    /// Mints an HS256 access token for `grant`, valid `lifetime` seconds.
    pub(crate) fn mint_access(
        &mut self,
        grant: &Grant,
        lifetime: u64,
        family: Option<u64>,
    ) -> String {
        let now = self.now();
        let jti = util::random_token();
        let mut claims = Map::new();
        claims.insert(
            "iss".into(),
            json!(format!("expense-auth-sandbox/{}", grant.provider.name())),
        );
        claims.insert("sub".into(), json!(grant.sub));
        claims.insert("aud".into(), json!(grant.client_id));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now.saturating_add(lifetime)));
        claims.insert("jti".into(), json!(jti));
        if let Some(s) = &grant.scope {
            claims.insert("scope".into(), json!(s));
        }
        for (k, v) in &grant.extra {
            claims.insert(k.clone(), v.clone());
        }
        self.access.insert(
            jti,
            AccessRec {
                provider: grant.provider,
                family,
                revoked: false,
            },
        );
        jwt::sign(&Value::Object(claims))
    }

    /// Mints an opaque refresh token in `family`, valid `lifetime` seconds.
    pub(crate) fn mint_refresh(&mut self, grant: &Grant, family: u64, lifetime: u64) -> String {
        let t = util::random_token();
        let expires_at = self.now().saturating_add(lifetime);
        self.refresh.insert(
            t.clone(),
            RefreshRec {
                grant: grant.clone(),
                family,
                expires_at,
                state: RtState::Valid,
            },
        );
        t
    }

    /// Revokes every access and refresh token of a grant family.
    pub(crate) fn revoke_family(&mut self, family: u64) {
        self.families.insert(family, true);
        for r in self.refresh.values_mut() {
            if r.family == family && r.state == RtState::Valid {
                r.state = RtState::Revoked;
            }
        }
        for a in self.access.values_mut() {
            if a.family == Some(family) {
                a.revoked = true;
            }
        }
    }

    /// Validates `Authorization: Bearer <jwt>` for `provider`; returns the claims or a
    /// human-readable reason.
    pub(crate) fn check_bearer(
        &self,
        req: &Request,
        provider: Provider,
    ) -> Result<Map<String, Value>, String> {
        let h = req
            .header("authorization")
            .ok_or("missing Authorization: Bearer header")?;
        let token = bearer_token(h).ok_or("Authorization header is not a Bearer token")?;
        self.check_access_token(token, provider)
    }

    pub(crate) fn check_access_token(
        &self,
        token: &str,
        provider: Provider,
    ) -> Result<Map<String, Value>, String> {
        let claims = jwt::verify(token).ok_or("access token is not a valid sandbox JWT")?;
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .ok_or("access token has no jti")?;
        let rec = self
            .access
            .get(jti)
            .ok_or("access token is unknown to this sandbox (reset?)")?;
        if rec.provider != provider {
            return Err(format!(
                "access token was issued by the {} sandbox, not {}",
                rec.provider.name(),
                provider.name()
            ));
        }
        let family_revoked = rec
            .family
            .and_then(|f| self.families.get(&f).copied())
            .unwrap_or(false);
        if rec.revoked || family_revoked {
            return Err("access token has been revoked".into());
        }
        let exp = claims
            .get("exp")
            .and_then(Value::as_u64)
            .ok_or("access token has no exp")?;
        if self.now() >= exp {
            return Err("access token has expired".into());
        }
        Ok(claims)
    }

    /// State of a refresh token, as reported by `/_sandbox/refresh-token-state`.
    pub(crate) fn refresh_state(&self, token: &str) -> &'static str {
        match self.refresh.get(token) {
            None => "unknown",
            Some(r) => match r.state {
                RtState::Revoked => "revoked",
                RtState::Used => "used",
                RtState::Valid if self.now() >= r.expires_at => "expired",
                RtState::Valid => "valid",
            },
        }
    }
}

/// The real unix time in seconds.
#[cfg(not(target_arch = "wasm32"))]
fn unix_now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The real unix time in seconds: wasm32-unknown-unknown has no `SystemTime` (it panics),
/// so the JS binding reads `Date.now()`.
#[cfg(target_arch = "wasm32")]
fn unix_now_secs() -> u64 {
    wasm::unix_now_secs()
}

/// `Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1).
pub(crate) fn bearer_token(h: &str) -> Option<&str> {
    let h = h.trim();
    let (scheme, rest) = h.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case("bearer") || !rest.starts_with(' ') {
        return None;
    }
    let t = rest.trim();
    (!t.is_empty()).then_some(t)
}

/// `Basic <base64>` → the base64 part (scheme case-insensitive).
pub(crate) fn basic_credentials(h: &str) -> Option<&str> {
    let h = h.trim();
    let (scheme, rest) = h.split_at_checked(5)?;
    if !scheme.eq_ignore_ascii_case("basic") || !rest.starts_with(' ') {
        return None;
    }
    Some(rest.trim())
}

/// CORS preflight: 204 with the allowed methods/headers.
fn preflight() -> Response {
    Response::new(204)
        .with_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        .with_header(
            "Access-Control-Allow-Headers",
            "authorization, content-type, accept",
        )
        .with_header("Access-Control-Max-Age", "600")
}

fn fault_response(kind: FaultKind) -> Response {
    match kind {
        FaultKind::Status500 => Response::json(
            500,
            &json!({"error": "server_error", "error_description": "injected fault: status_500"}),
        ),
        FaultKind::Status503 => Response::json(
            503,
            &json!({"error": "temporarily_unavailable",
                    "error_description": "injected fault: status_503"}),
        )
        .with_header("Retry-After", "1"),
        FaultKind::Html => Response::html(
            200,
            "<!doctype html><html><head><title>Sign in</title></head>\
             <body><h1>Please sign in</h1><p>injected fault: html</p></body></html>"
                .into(),
        ),
        FaultKind::NotJson => Response::new(200)
            .with_header("Content-Type", "application/json")
            .with_body(b"<<injected fault: not_json>> {\"access_token\": ".to_vec()),
        FaultKind::Drop => {
            let mut r = Response::new(0);
            r.drop_connection = true;
            r
        }
        FaultKind::Huge => {
            const SIZE: usize = 5 * 1024 * 1024;
            let prefix = b"{\"padding\":\"";
            let suffix = b"\"}";
            let mut body = Vec::with_capacity(SIZE);
            body.extend_from_slice(prefix);
            body.resize(SIZE - suffix.len(), b'x');
            body.extend_from_slice(suffix);
            Response::new(200)
                .with_header("Content-Type", "application/json")
                .with_body(body)
        }
        FaultKind::Slow => Response::new(500), // handled by the caller; never reached
    }
}

fn index_page(method: &str) -> Response {
    if method != "GET" {
        return method_not_allowed("GET");
    }
    page(
        200,
        "expense-auth sandbox",
        "<p>Offline stand-in for the Spendesk, Pleo, Findity, ProSpend and generic OAuth 2.0 \
         auth endpoints. See sandbox/README.md for routes and credentials.</p>\
         <ul><li>/oauth</li><li>/spendesk</li><li>/pleo</li><li>/findity</li><li>/prospend</li>\
         <li>/_sandbox (control)</li></ul>",
    )
}

pub(crate) fn method_not_allowed(allow: &str) -> Response {
    Response::json(
        405,
        &json!({"error": "method_not_allowed", "error_description": format!("use {allow}")}),
    )
    .with_header("Allow", allow)
}

/// True if `path` is served by the handler (provider prefixes and `/_sandbox`), as opposed
/// to static files the server may also serve.
pub fn is_api_path(path: &str) -> bool {
    [
        "/oauth",
        "/spendesk",
        "/pleo",
        "/findity",
        "/prospend",
        "/_sandbox",
    ]
    .iter()
    .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_scheme_parsing() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer   abc "), Some("abc"));
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("é"), None);
        assert_eq!(bearer_token("Beaéer x"), None);
        assert_eq!(basic_credentials("Basic eA=="), Some("eA=="));
        assert_eq!(basic_credentials("BASIC eA=="), Some("eA=="));
        assert_eq!(basic_credentials("Bas"), None);
        assert_eq!(basic_credentials("Bearer x"), None);
    }

    #[test]
    fn api_paths() {
        assert!(is_api_path("/oauth/token"));
        assert!(is_api_path("/_sandbox/reset"));
        assert!(is_api_path("/pleo"));
        assert!(!is_api_path("/"));
        assert!(!is_api_path("/pleo-demo.html"));
        assert!(!is_api_path("/pkg/expense_auth.js"));
    }

    #[test]
    fn clock() {
        let mut s = Sandbox::with_clock(100);
        assert_eq!(s.now(), 100);
        s.advance(5);
        assert_eq!(s.now(), 105);
        s.advance(u64::MAX);
        assert_eq!(s.now(), u64::MAX);
        s.reset();
        assert_eq!(s.now(), 100);
        let real = Sandbox::new();
        assert!(real.now() > 1_600_000_000);
    }
}
