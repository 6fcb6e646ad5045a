//! The operations behind `call`: each reads its arguments (type-checked by
//! the JS driver: a value of another type reads as absent here), calls the
//! core, and writes the answer as JSON. Argument 0 and 1 are the call's `a`
//! and `b` strings, 2… the elements of `rest`.

use super::out::{self, Out};
use super::{put, restore, take, Obj};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::{self, Value};
use crate::providers::{
    ApiKeyMethod, BodyEncoding, Endpoints, ExpiresInUnit, ProfileOverrides, Provider,
};
use crate::token::{self, ClientAuth, ClientConfig, ClientOptions, Grant, GrantKind, TokenSet};
use crate::{authorize, callback, jwt, pkce, state, transport, Secret};

/// A failed operation, with the refresh token a refused-but-rotating answer
/// carried (see `respond`).
pub struct Failure(pub Error, pub Option<Secret>);

/// An operation's answer (JSON), or its failure.
pub type Answer = std::result::Result<String, Failure>;

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure(e, None)
    }
}

/// The arguments of one call, and the random bytes the driver handed in
/// with it (`crypto.getRandomValues`; the core takes randomness as input, so
/// the wasm imports no RNG).
pub struct Args<'x>(pub Vec<Value>, pub &'x [u8]);

pub(super) fn bad(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

impl Args<'_> {
    /// Argument `i`, `None` for absent or `null`.
    #[inline(never)]
    pub(super) fn get(&self, i: usize) -> Option<&Value> {
        self.0.get(i).filter(|v| !matches!(v, Value::Null))
    }
    /// Argument `i` if it is a string.
    pub(super) fn s(&self, i: usize) -> Option<&str> {
        match self.get(i) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }
    /// Argument `i` as a string, `""` if it is none.
    pub(super) fn st(&self, i: usize) -> &str {
        self.s(i).unwrap_or_default()
    }
    /// A non-empty string argument.
    pub(super) fn ne(&self, i: usize) -> Option<&str> {
        self.s(i).filter(|s| !s.is_empty())
    }
    /// A number; the driver sends non-finite numbers as their names
    /// ("Infinity", "-Infinity", "NaN", told apart by the first byte: the
    /// driver sends no other string where a number goes).
    pub(super) fn n(&self, i: usize) -> Option<f64> {
        match self.get(i) {
            Some(Value::Number(n)) => Some(*n),
            Some(Value::String(s)) => match s.as_bytes().first() {
                Some(b'I') => Some(f64::INFINITY),
                Some(b'-') => Some(f64::NEG_INFINITY),
                Some(b'N') => Some(f64::NAN),
                _ => None,
            },
            _ => None,
        }
    }
    /// A number, `or` if none (a plain `f64` comes back in a register).
    #[inline(never)]
    fn f(&self, i: usize, or: f64) -> f64 {
        self.n(i).unwrap_or(or)
    }
    pub(super) fn b(&self, i: usize) -> bool {
        matches!(self.get(i), Some(Value::Bool(true)))
    }
    #[inline(always)]
    pub(super) fn given(&self, i: usize) -> bool {
        self.get(i).is_some()
    }
    /// Argument `i`, an array, as arguments.
    pub(super) fn arr(&self, i: usize) -> Args<'static> {
        Args(
            match self.get(i) {
                Some(Value::Array(t)) => {
                    json::parse_array_within(t, usize::MAX).unwrap_or_default()
                }
                _ => Vec::new(),
            },
            &[],
        )
    }
    /// Arguments `i..end` (`usize::MAX`: to the last).
    fn from(&self, i: usize, end: usize) -> &[Value] {
        self.0.get(i..end.min(self.0.len())).unwrap_or_default()
    }
    /// A list whose length is at `i` (-1: not given), and where the
    /// argument after it is.
    fn counted(&self, i: usize) -> (Option<&[Value]>, usize) {
        match idx(self, i) {
            usize::MAX => (None, i + 1),
            n => {
                let end = n.saturating_add(i + 1);
                (Some(self.from(i + 1, end)), end)
            }
        }
    }
}

/// The strings of a list of arguments (the driver sends a list of strings
/// as its length and the strings, after the other arguments; a scopes
/// string is split at spaces by the driver).
fn strs(v: &[Value]) -> Vec<&str> {
    let mut r = Vec::new();
    for v in v {
        r.push(text(v));
    }
    r
}

/// A string argument's text (`""` for another value).
fn text(v: &Value) -> &str {
    match v {
        Value::String(s) => s,
        _ => "",
    }
}

/// [`strs`], owned.
fn owned(v: &[Value]) -> Vec<String> {
    let mut r = Vec::new();
    for v in v {
        r.push(text(v).to_owned());
    }
    r
}

/// `key, value, ...` arguments as pairs.
fn pairs(v: &[Value]) -> Vec<(&str, &str)> {
    let mut r = Vec::new();
    for p in v.chunks_exact(2) {
        r.push((text(&p[0]), text(&p[1])));
    }
    r
}

/// A `state` from the first 32 random bytes.
fn state_from(e: &[u8]) -> Result<String> {
    e.get(..32)
        .and_then(|b| b.try_into().ok())
        .map(state::state_from_entropy)
        .ok_or_else(|| bad("not enough random bytes"))
}

/// Runs operation `op` (numbers shared with the JS driver's calls).
pub fn dispatch(op: u32, a: &Args) -> Answer {
    Ok(match op {
        // [_, _, length?] + 96 random bytes
        0 => {
            let len = match a.given(2) {
                false => pkce::DEFAULT_VERIFIER_LEN,
                true => match whole(a, 2, 1024) {
                    usize::MAX => {
                        return Err(bad("length must be a whole number from 43 to 128").into())
                    }
                    n => n,
                },
            };
            let p = pkce::Pkce::from_entropy(a.1, len)?;
            let mut o = Out::obj();
            o.s("codeVerifier", p.verifier.expose());
            o.s("codeChallenge", &p.challenge);
            o.s("codeChallengeMethod", pkce::Pkce::METHOD);
            o.end()
        }
        // [verifier]
        1 => out::string(&pkce::challenge_s256(a.st(0))?),
        // 32 random bytes
        2 => out::string(&state_from(a.1)?),
        // [a, b]
        3 => (if state::constant_time_eq(a.st(0), a.st(1)) {
            "true"
        } else {
            "false"
        })
        .into(),
        4 => authorization_url(a)?,
        // [url, _, expectedState|null]
        5 => {
            let cb = callback::parse_callback(a.st(0), a.s(2))?;
            let mut o = Out::obj();
            o.s("code", cb.code.expose());
            o.os("state", cb.state.as_deref());
            o.end()
        }
        // [token]
        6 => jwt::decode_unverified(a.st(0))?.object().text().to_owned(),
        // [accessToken, _, claimName?]
        7 => out::string(&jwt::spendesk_wallet_id(a.st(0), a.s(2))?),
        8 => out::strings(jwt::SPENDESK_WALLET_CLAIMS.iter().copied()),
        9 => parse_token_response(a)?,
        10 => client(a)?,
        11 => with_client(a, 2, client_authorization_url)?,
        12 => with_client(a, 2, token_request)?,
        13 => with_client(a, 4, respond)?,
        // [_, _, timeoutMs]
        14 => timeout_json(a, 2)?,
        15 => prospend(a)?,
        // [path, token, apiBaseUrl, now]
        16 => {
            let path = a.st(0);
            if !path.starts_with("/") {
                return Err(bad("path must start with '/'").into());
            }
            token::check_static_jwt(a.st(1), a.f(3, 0.0))?;
            let mut url = a.st(2).to_owned();
            url.push_str(path);
            // The base was checked at construction; the joined URL is checked
            // again so the token never goes over http.
            transport::check_bearer_url(&url, None)?;
            out::string(&url)
        }
        // [url, _, 0] (any origin) | [url, _, 1, ...allowedOrigins]
        17 => {
            let allowed = (idx(a, 2) == 1).then(|| owned(a.from(3, usize::MAX)));
            transport::check_bearer_url(a.st(0), allowed.as_deref())?;
            "0".into()
        }
        // [_, _, origins.length, ...origins]
        18 => out::strings(
            transport::allowed_origins(&owned(a.counted(2).0.unwrap_or_default()))?
                .iter()
                .map(String::as_str),
        ),
        19 => super::session::op(a)?,
        // [_, _, handle]: frees a client or session.
        20 => {
            restore(a.n(2), None);
            "0".into()
        }
        _ => return Err(bad("unknown operation").into()),
    })
}

/// Argument `i` as a time limit: `null` for no limit, else the limit in ms
/// (whole ms, at least 1).
fn timeout_json(a: &Args, i: usize) -> Result<String> {
    Ok(match transport::timeout(a.n(i))? {
        None => "null".into(),
        Some(ms) => crate::encoding::decimal(ms.ceil() as i64),
    })
}

/// Providers by the driver's number (0 the generic client). Inlined into
/// its three callers.
#[inline(always)]
fn provider_at(a: &Args, i: usize) -> Provider {
    [
        Provider::Rfc6749,
        Provider::Pleo,
        Provider::Spendesk,
        Provider::Findity,
        Provider::ProSpend,
    ]
    .get(idx(a, i))
    .copied()
    .unwrap_or(Provider::Rfc6749)
}

/// `[_, _, preset, authorizationEndpoint, environment, baseUrl, clientId,
/// redirectUri, state, codeChallenge, scopes.length, ...scopes,
/// ...extraParams]`; preset 0 is generic, 1 Pleo, 2 Spendesk (endpoint from
/// the profile).
fn authorization_url(a: &Args) -> Result<String> {
    let p = provider_at(a, 2);
    let resolved;
    let endpoint = if p == Provider::Rfc6749 {
        a.st(3)
    } else {
        resolved = Endpoints::resolve(p, a.s(4), a.s(5), None)?;
        resolved.authorization.as_ref().map_or("", |e| e.as_str())
    };
    let (scopes, i) = a.counted(10);
    Ok(out::string(
        &authorize::AuthorizationRequest {
            authorization_endpoint: endpoint,
            client_id: a.st(6),
            redirect_uri: a.s(7),
            scopes: &strs(scopes.unwrap_or_default()),
            state: a.s(8),
            code_challenge: a.st(9),
            extra_params: &pairs(a.from(i, usize::MAX)),
        }
        .build()?,
    ))
}

/// Grants, by the driver's number at argument `i`.
fn grant_at(a: &Args, i: usize) -> GrantKind {
    grant(idx(a, i))
}

/// Grant number `g` (the driver's order; the code exchange for another).
fn grant(g: usize) -> GrantKind {
    GRANTS
        .get(g)
        .copied()
        .unwrap_or(GrantKind::AuthorizationCode)
}

/// The grants in the driver's order.
const GRANTS: &[GrantKind] = &[
    GrantKind::AuthorizationCode,
    GrantKind::RefreshToken,
    GrantKind::ClientCredentials,
    GrantKind::ApiKey,
];

/// A token set as the JSON object the driver hands out (it adds `raw`).
fn token_set_json(t: &TokenSet, provider: Provider) -> String {
    let mut o = Out::obj();
    o.s("accessToken", t.access_token.expose());
    // `process_with` always answers `Bearer` (any case is accepted, one is sent).
    o.s("tokenType", "Bearer");
    // Finite by construction (`TokenSet::expires_at`).
    if let Some(e) = t.expires_at {
        o.n("expiresAt", out::ms(e));
    }
    o.os("refreshToken", t.refresh_token.as_ref().map(Secret::expose));
    o.os("scope", t.scope.as_deref());
    if provider == Provider::Spendesk {
        if let Ok(w) = jwt::spendesk_wallet_id(t.access_token.expose(), None) {
            o.s("walletId", &w);
        }
    }
    o.end()
}

/// Argument `i` if it is a whole number from 0 to `max`, else `usize::MAX`.
/// Inlined: its callers fix `max` (the range check folds).
#[inline(always)]
fn whole(a: &Args, i: usize, max: usize) -> usize {
    let n = a.f(i, f64::NAN);
    // The saturating cast gives back `n` only for a whole number in range.
    let k = n as usize;
    if k as f64 == n && k <= max {
        k
    } else {
        usize::MAX
    }
}

/// `[body, _, status, contentType]`.
fn response(a: &Args) -> HttpResponse {
    HttpResponse {
        status: u16::try_from(whole(a, 2, 999)).unwrap_or(0),
        content_type: a.s(3).map(str::to_owned),
        body: a.st(0).to_owned(),
    }
}

/// `[body, _, status, contentType, provider, grant, now]` (provider and
/// grant as numbers; the driver checked the names).
fn parse_token_response(a: &Args) -> Result<String> {
    if whole(a, 2, 999) == usize::MAX {
        return Err(bad("options.status must be an HTTP status number"));
    }
    let now = a
        .n(6)
        .filter(|n| n.is_finite())
        .ok_or_else(|| bad("options.now must be a finite number"))?;
    let provider = provider_at(a, 4);
    let t = token::process_token_response(provider, grant_at(a, 5), &response(a), now)?;
    Ok(token_set_json(&t, provider))
}

// ------------------------------------------------------------------ clients

/// A client and its API key (Spendesk), built once per JS client object.
pub struct Client {
    config: ClientConfig,
    scopes: Vec<String>,
    api_key: Option<(String, String)>,
}

/// Client construction arguments, by position after `[_, _]`.
mod c {
    pub const KIND: usize = 2;
    pub const CLIENT_ID: usize = 3;
    pub const CLIENT_SECRET: usize = 4;
    pub const CLIENT_AUTH: usize = 5;
    pub const TOKEN_ENDPOINT: usize = 6;
    pub const AUTHORIZATION_ENDPOINT: usize = 7;
    pub const REDIRECT_URI: usize = 8;
    pub const ENVIRONMENT: usize = 9;
    pub const BASE_URL: usize = 10;
    pub const API_BASE_URL: usize = 11;
    pub const API_KEY_ID: usize = 12;
    pub const API_KEY_SECRET: usize = 13;
    pub const TIMEOUT_MS: usize = 14;
    pub const IN_BROWSER: usize = 15;
    pub const ALLOW_SECRET_IN_BROWSER: usize = 16;
    pub const PKCE: usize = 17;
    // `ProfileOverrides` (docs/providers.md, "guesses"), as the index of
    // the value in the driver's list of names.
    pub const EXPIRES_IN_UNIT: usize = 18;
    pub const BODY_ENCODING: usize = 19;
    pub const CODE_EXCHANGE_AUTH: usize = 20;
    pub const REFRESH_AUTH: usize = 21;
    pub const API_KEY_METHOD: usize = 22;
    /// The scopes' count, then the scopes.
    pub const SCOPES: usize = 23;
}

/// Option `i` given as the index of its value in the driver's list of
/// names, or a count (`usize::MAX` for none or negative): look it up with `get`.
fn idx(a: &Args, i: usize) -> usize {
    super::slot(Some(a.f(i, -1.0)))
}

/// `"basic" | "post" | "none"`.
const AUTH: &[ClientAuth] = &[ClientAuth::Basic, ClientAuth::Post, ClientAuth::None];

/// The construction arguments → `{h, apiBaseUrl?, timeout}` (or the error).
fn client(a: &Args) -> Result<String> {
    let timeout = timeout_json(a, c::TIMEOUT_MS)?;
    let secret = a.ne(c::CLIENT_SECRET);
    let key_secret = a.ne(c::API_KEY_SECRET);
    if (secret.is_some() || key_secret.is_some())
        && a.b(c::IN_BROWSER)
        && !a.b(c::ALLOW_SECRET_IN_BROWSER)
    {
        return Err(Error::new(
            ErrorCode::SecretInBrowser,
            "a client secret in a browser: run this on a server (or pass allowSecretInBrowser: true)",
        ));
    }
    let api_key = match (a.ne(c::API_KEY_ID), key_secret) {
        (Some(id), Some(s)) => Some((id.to_owned(), s.to_owned())),
        (None, None) => None,
        _ => return Err(bad("apiKeyId and apiKeySecret go together")),
    };
    let overrides = ProfileOverrides {
        expires_in_unit: [
            ExpiresInUnit::Auto,
            ExpiresInUnit::Seconds,
            ExpiresInUnit::Milliseconds,
        ]
        .get(idx(a, c::EXPIRES_IN_UNIT))
        .copied(),
        body_encoding: [BodyEncoding::Form, BodyEncoding::Json]
            .get(idx(a, c::BODY_ENCODING))
            .copied(),
        code_exchange_auth: AUTH.get(idx(a, c::CODE_EXCHANGE_AUTH)).copied(),
        refresh_auth: AUTH.get(idx(a, c::REFRESH_AUTH)).copied(),
        api_key_method: [ApiKeyMethod::Post, ApiKeyMethod::Get]
            .get(idx(a, c::API_KEY_METHOD))
            .copied(),
    };
    let provider = provider_at(a, c::KIND);
    let mut o = ClientOptions::new(provider);
    // Which placement options each class takes: the generic client its
    // endpoints only, Pleo also `apiBaseUrl` (a separate API host).
    if provider != Provider::Rfc6749 {
        o.environment = a.s(c::ENVIRONMENT);
        o.base_url = a.s(c::BASE_URL);
    }
    if provider == Provider::Pleo {
        o.api_base_url = a.s(c::API_BASE_URL);
    }
    o.token_endpoint = a.s(c::TOKEN_ENDPOINT);
    o.authorization_endpoint = a.s(c::AUTHORIZATION_ENDPOINT);
    o.redirect_uri = a.s(c::REDIRECT_URI);
    o.client_id = a.st(c::CLIENT_ID);
    o.client_secret = secret;
    o.client_auth = AUTH.get(idx(a, c::CLIENT_AUTH)).copied();
    o.pkce = !matches!(a.get(c::PKCE), Some(Value::Bool(false)));
    o.overrides = overrides;
    let cl = Client {
        config: ClientConfig::new(&o)?,
        scopes: owned(a.counted(c::SCOPES).0.unwrap_or_default()),
        api_key,
    };
    let mut r = Out::obj();
    r.os("apiBaseUrl", cl.config.api_base_url());
    r.raw("timeout", &timeout);
    r.raw("h", &put(Obj::Client(Box::new(cl))));
    Ok(r.end())
}

/// `f` on the client behind the handle at argument `i` (taken out of the
/// slab for the call and put back). `f` is a plain `fn` pointer: a `&dyn Fn`
/// went through a vtable shim per operation.
fn with_client(a: &Args, i: usize, f: fn(&Args, &Client) -> Answer) -> Answer {
    let h = a.n(i);
    let o = take(h)?;
    let r = match &o {
        Obj::Client(c) => f(a, c),
        _ => Err(bad("not a client of this module").into()),
    };
    restore(h, Some(o));
    r
}

/// `[_, _, client, state, codeVerifier, scopes.length (-1: the client's),
/// ...scopes, ...extraParams]` + 64 random bytes (32 for the state, 32 for the verifier) →
/// `{url, state, codeVerifier}` with fresh state and PKCE unless given.
fn client_authorization_url(a: &Args, cl: &Client) -> Answer {
    let e = a.1;
    let (scopes, i) = a.counted(5);
    let state = match a.s(3) {
        Some(s) => s.to_owned(),
        None => state_from(e)?,
    };
    let verifier = match a.s(4) {
        Some(v) => Secret::new(v),
        None => {
            pkce::Pkce::from_entropy(e.get(32..).unwrap_or_default(), pkce::DEFAULT_VERIFIER_LEN)?
                .verifier
        }
    };
    let challenge = pkce::challenge_s256(verifier.expose())?;
    let url = cl.config.authorization_url(
        &match scopes {
            Some(v) => strs(v),
            None => {
                let mut r = Vec::new();
                for s in &cl.scopes {
                    r.push(s.as_str());
                }
                r
            }
        },
        Some(&state),
        &challenge,
        &pairs(a.from(i, usize::MAX)),
    )?;
    let mut o = Out::obj();
    o.s("url", &url);
    o.s("state", &state);
    o.s("codeVerifier", verifier.expose());
    Ok(o.end())
}

/// `[x, y, client, grant, scopes.length?, ...scopes]` → [`request_json`].
/// Grants: 0 authorization code (x code, y verifier), 1 refresh (x token),
/// 2 client credentials (the scopes), 3 API key, 4 Findity's authorization
/// grant (x org token, y user).
fn token_request(a: &Args, cl: &Client) -> Answer {
    let cfg = &cl.config;
    let req = match idx(a, 3) {
        1 => cfg.token_request(&Grant::RefreshToken {
            refresh_token: a
                .ne(0)
                .ok_or_else(|| bad("refreshToken must be a non-empty string"))?,
        })?,
        2 => cfg.token_request(&Grant::ClientCredentials {
            scopes: &strs(a.counted(4).0.unwrap_or_default()),
        })?,
        3 => {
            let (id, secret) = cl
                .api_key
                .as_ref()
                .ok_or_else(|| bad("this client has no apiKeyId / apiKeySecret"))?;
            cfg.token_request(&Grant::ApiKey {
                key_id: id,
                key_secret: secret,
            })?
        }
        4 => cfg.authorization_grant_request(a.st(0), a.st(1))?,
        _ => cfg.token_request(&Grant::AuthorizationCode {
            code: a.st(0),
            code_verifier: a.s(1),
        })?,
    };
    Ok(request_json(&req))
}

/// `{url, cap, init}`, `init` the `fetch` init object as it is sent.
fn request_json(req: &HttpRequest) -> String {
    let mut o = Out::obj();
    o.s("url", &req.url);
    o.n("cap", crate::http::MAX_BODY_LEN as i64);
    o.open("init");
    o.s("method", req.method);
    o.open("headers");
    for (k, v) in &req.headers {
        o.s(k, v);
    }
    o.close();
    o.os("body", req.body.as_deref());
    o.s("redirect", "manual");
    o.close();
    o.end()
}

/// Op 13, `[body, _, status, contentType, client, grant, now]` → a token
/// set, or for Findity's authorization grant (4) the code. A refresh answer
/// that fails the checks but carries a new refresh token reports it
/// (`issuedRefreshToken`), so the session keeps it instead of the spent one.
fn respond(a: &Args, cl: &Client) -> Answer {
    let resp = response(a);
    let g = idx(a, 5);
    if g == 4 {
        let code = token::process_findity_authorization_grant(&resp)?;
        return Ok(out::string(code.expose()));
    }
    let kind = grant(g);
    match cl.config.process_token_response(kind, &resp, a.f(6, 0.0)) {
        Ok(t) => Ok(token_set_json(&t, cl.config.provider())),
        Err(e) => Err(Failure(e, cl.config.issued_refresh_token(kind, &resp))),
    }
}

/// `[token, _, environment, apiBaseUrl, timeoutMs, now]` →
/// `{apiBaseUrl, expiresAt?, timeout}`.
fn prospend(a: &Args) -> Result<String> {
    let token = a.ne(0).ok_or_else(|| bad("options.token is required"))?;
    if !token::is_access_token(token) {
        return Err(bad("options.token must be printable ASCII without spaces"));
    }
    let expires_at = token::check_static_jwt(token, a.f(5, 0.0))?;
    let e = Endpoints::resolve(Provider::ProSpend, a.s(2), None, a.s(3))?;
    let timeout = timeout_json(a, 4)?;
    let mut o = Out::obj();
    o.os("apiBaseUrl", e.api_base.as_deref());
    if let Some(e) = expires_at.filter(|e| e.is_finite()) {
        o.n("expiresAt", out::ms(e));
    }
    o.raw("timeout", &timeout);
    Ok(o.end())
}
