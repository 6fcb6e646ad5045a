//! The operations behind `call`: each reads its arguments (already
//! type-checked by the JS driver; checked again here), calls the core, and
//! writes the answer as JSON.

use super::out::{self, Out};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::{self, Value};
use crate::providers::{
    ApiKeyMethod, BodyEncoding, Endpoints, ExpiresInUnit, ProfileOverrides, Provider,
};
use crate::token::{self, ClientAuth, ClientConfig, ClientOptions, Grant, GrantKind, TokenSet};
use crate::{authorize, callback, jwt, pkce, state, transport, Secret};

/// A failed operation, with the refresh token a refused-but-rotating answer
/// carried (see `token_response`).
pub struct Failure(pub Error, pub Option<Secret>);

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure(e, None)
    }
}

/// The arguments of one call.
pub struct Args(pub Vec<Value>);

fn bad(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

impl Args {
    pub(super) fn get(&self, i: usize) -> Option<&Value> {
        self.0.get(i).filter(|v| **v != Value::Null)
    }
    /// Argument `i` if it is a string.
    pub(super) fn s(&self, i: usize) -> Option<String> {
        match self.get(i) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    }
    /// A non-empty string argument.
    pub(super) fn ne(&self, i: usize) -> Option<String> {
        self.s(i).filter(|s| !s.is_empty())
    }
    /// A required string argument.
    fn req(&self, i: usize, name: &str) -> Result<String> {
        self.s(i)
            .ok_or_else(|| bad(&[name, " must be a string"].concat()))
    }
    /// A number; the driver sends non-finite numbers as their names.
    pub(super) fn n(&self, i: usize) -> Option<f64> {
        match self.get(i) {
            Some(Value::Number(n)) => Some(*n),
            Some(Value::String(s)) if s == "Infinity" => Some(f64::INFINITY),
            Some(Value::String(s)) if s == "-Infinity" => Some(f64::NEG_INFINITY),
            Some(Value::String(s)) if s == "NaN" => Some(f64::NAN),
            _ => None,
        }
    }
    pub(super) fn b(&self, i: usize) -> bool {
        self.get(i) == Some(&Value::Bool(true))
    }
    pub(super) fn given(&self, i: usize) -> bool {
        self.get(i).is_some()
    }
    /// A list of strings: an array of strings, or one space-separated string.
    pub(super) fn list(&self, i: usize) -> Vec<String> {
        match self.get(i) {
            Some(Value::String(s)) => s
                .split(' ')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            Some(Value::Array(t)) => strings_of(t),
            _ => Vec::new(),
        }
    }
    /// `[[key, value], ...]`.
    fn pairs(&self, i: usize) -> Vec<(String, String)> {
        let Some(Value::Array(t)) = self.get(i) else {
            return Vec::new();
        };
        json::parse_array_within(t, usize::MAX)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| match p {
                Value::Array(kv) => match strings_of(kv).as_slice() {
                    [k, v] => Some((k.clone(), v.clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }
}

fn strings_of(array: &str) -> Vec<String> {
    json::parse_array_within(array, usize::MAX)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// Operation numbers (the JS driver's `OP` table).
mod op {
    pub const PKCE: u32 = 0;
    pub const CHALLENGE: u32 = 1;
    pub const STATE: u32 = 2;
    pub const STATES_EQUAL: u32 = 3;
    pub const AUTHORIZATION_URL: u32 = 4;
    pub const CALLBACK: u32 = 5;
    pub const JWT: u32 = 6;
    pub const WALLET_ID: u32 = 7;
    pub const WALLET_CLAIMS: u32 = 8;
    pub const PARSE_TOKEN_RESPONSE: u32 = 9;
    pub const CLIENT: u32 = 10;
    pub const CLIENT_AUTHORIZATION_URL: u32 = 11;
    pub const TOKEN_REQUEST: u32 = 12;
    pub const TOKEN_RESPONSE: u32 = 13;
    pub const TIMEOUT: u32 = 14;
    pub const PROSPEND: u32 = 15;
    pub const PROSPEND_URL: u32 = 16;
    pub const BEARER_URL: u32 = 17;
    pub const ALLOWED_ORIGINS: u32 = 18;
    pub const SESSION: u32 = 19;
}

/// Runs operation `op`.
pub fn dispatch(op: u32, a: &Args) -> std::result::Result<String, Failure> {
    if op == op::TOKEN_RESPONSE {
        return token_response(a);
    }
    Ok(run(op, a)?)
}

fn run(op: u32, a: &Args) -> Result<String> {
    match op {
        op::PKCE => {
            let len = match a.get(0) {
                None => pkce::DEFAULT_VERIFIER_LEN,
                Some(Value::Number(n)) if n.fract() == 0.0 && (0.0..=1024.0).contains(n) => {
                    *n as usize
                }
                _ => return Err(bad("length must be a whole number from 43 to 128")),
            };
            let p = pkce::Pkce::generate(len)?;
            let mut o = Out::obj();
            o.s("codeVerifier", p.verifier.expose());
            o.s("codeChallenge", &p.challenge);
            o.s("codeChallengeMethod", pkce::Pkce::METHOD);
            Ok(o.end())
        }
        op::CHALLENGE => Ok(out::string(&pkce::challenge_s256(&a.req(0, "verifier")?)?)),
        op::STATE => Ok(out::string(&state::random_state()?)),
        op::STATES_EQUAL => {
            let eq = state::constant_time_eq(&a.req(0, "a")?, &a.req(1, "b")?);
            Ok(if eq { "true" } else { "false" }.into())
        }
        op::AUTHORIZATION_URL => authorization_url(a),
        op::CALLBACK => {
            let url = a.req(0, "url")?;
            let expected = match a.0.get(1) {
                Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.as_str()),
                None => return Err(bad(
                    "expectedState is required: pass the state sent with the request, or null if none was sent",
                )),
                Some(_) => return Err(bad("expectedState must be a string")),
            };
            let cb = callback::parse_callback(&url, expected)?;
            let mut o = Out::obj();
            o.s("code", cb.code.expose());
            o.os("state", cb.state.as_deref());
            Ok(o.end())
        }
        op::JWT => Ok(jwt::decode_unverified(&a.req(0, "token")?)?
            .object()
            .text()
            .to_owned()),
        op::WALLET_ID => Ok(out::string(&jwt::spendesk_wallet_id(
            &a.req(0, "accessToken")?,
            a.s(1).as_deref(),
        )?)),
        op::WALLET_CLAIMS => Ok(out::strings(jwt::SPENDESK_WALLET_CLAIMS.iter().copied())),
        op::PARSE_TOKEN_RESPONSE => parse_token_response(a),
        op::CLIENT => client(a),
        op::CLIENT_AUTHORIZATION_URL => client_authorization_url(a),
        op::TOKEN_REQUEST => token_request(a),
        op::TIMEOUT => Ok(timeout_json(a.n(0), a.given(0))?),
        op::PROSPEND => prospend(a),
        op::PROSPEND_URL => {
            let base = a.req(0, "apiBaseUrl")?;
            let path = a.req(1, "path")?;
            if !path.starts_with('/') {
                return Err(bad("path must start with '/'"));
            }
            token::check_static_jwt(&a.req(2, "token")?, a.n(3).unwrap_or(0.0))?;
            let url = [base.as_str(), path.as_str()].concat();
            // The base was checked at construction; the joined URL is checked
            // again so the token never goes over http.
            transport::check_bearer_url(&url, None)?;
            Ok(out::string(&url))
        }
        op::BEARER_URL => {
            let allowed = a.given(1).then(|| a.list(1));
            transport::check_bearer_url(&a.req(0, "url")?, allowed.as_deref())?;
            Ok("0".into())
        }
        op::ALLOWED_ORIGINS => Ok(out::strings(
            transport::allowed_origins(&a.list(0))?
                .iter()
                .map(String::as_str),
        )),
        op::SESSION => super::session::op(a),
        _ => Err(bad("unknown operation")),
    }
}

/// `null` for no limit, else the limit in ms (whole ms, at least 1).
fn timeout_json(t: Option<f64>, given: bool) -> Result<String> {
    if given && t.is_none() {
        return Err(bad("options.timeoutMs must be a number"));
    }
    Ok(match transport::timeout(t)? {
        None => "null".into(),
        Some(ms) => crate::encoding::decimal(ms.ceil() as i64),
    })
}

fn authorization_request(
    endpoint: &str,
    client_id: &str,
    redirect_uri: Option<&str>,
    scopes: &[String],
    state: Option<&str>,
    challenge: &str,
    extra: &[(String, String)],
) -> Result<String> {
    let scope_refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let extra_refs: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    authorize::AuthorizationRequest {
        authorization_endpoint: endpoint,
        client_id,
        redirect_uri,
        scopes: &scope_refs,
        state,
        code_challenge: challenge,
        extra_params: &extra_refs,
    }
    .build()
}

/// `[preset, authorizationEndpoint, environment, baseUrl, clientId,
/// redirectUri, scopes, state, codeChallenge, extraParams]`; preset 0 is
/// generic, 1 Pleo, 2 Spendesk (endpoint from the profile).
fn authorization_url(a: &Args) -> Result<String> {
    let endpoint = match a.n(0) {
        Some(n) if n == 1.0 || n == 2.0 => {
            let p = if n == 1.0 {
                Provider::Pleo
            } else {
                Provider::Spendesk
            };
            Endpoints::resolve(p, a.s(2).as_deref(), a.s(3).as_deref(), None)?
                .authorization
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default()
        }
        _ => a.s(1).unwrap_or_default(),
    };
    Ok(out::string(&authorization_request(
        &endpoint,
        &a.s(4).unwrap_or_default(),
        a.s(5).as_deref(),
        &a.list(6),
        a.s(7).as_deref(),
        &a.s(8).unwrap_or_default(),
        &a.pairs(9),
    )?))
}

fn grant_kind(s: &str) -> Result<GrantKind> {
    Ok(match s {
        "authorization_code" => GrantKind::AuthorizationCode,
        "refresh_token" => GrantKind::RefreshToken,
        "client_credentials" => GrantKind::ClientCredentials,
        "api_key" => GrantKind::ApiKey,
        _ => return Err(bad("unknown grant")),
    })
}

/// A token set as the JSON object the driver hands out (it adds `raw`).
fn token_set_json(t: &TokenSet, provider: Provider) -> String {
    let mut o = Out::obj();
    o.s("accessToken", t.access_token.expose());
    o.s("tokenType", &t.token_type);
    if let Some(e) = t.expires_at.filter(|e| e.is_finite()) {
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

/// `[status, body, provider, grant, now, contentType]`.
fn parse_token_response(a: &Args) -> Result<String> {
    let status =
        a.n(0)
            .filter(|s| s.fract() == 0.0 && (0.0..=999.0).contains(s))
            .ok_or_else(|| bad("options.status must be an HTTP status number"))? as u16;
    let body = a.s(1).ok_or_else(|| bad("options.body must be a string"))?;
    let provider = match a.s(2) {
        None => Provider::Rfc6749,
        Some(name) => Provider::from_name(&name).ok_or_else(|| {
            bad("options.provider must be \"oauth2\", \"spendesk\", \"pleo\", \"findity\" or \"prospend\"")
        })?,
    };
    let kind = match a.s(3).as_deref() {
        None | Some("authorization_code") => GrantKind::AuthorizationCode,
        Some("refresh_token") => GrantKind::RefreshToken,
        Some("client_credentials") => GrantKind::ClientCredentials,
        Some(_) => return Err(bad("options.grant must be \"authorization_code\", \"refresh_token\" or \"client_credentials\"")),
    };
    let now = a
        .n(4)
        .filter(|n| n.is_finite())
        .ok_or_else(|| bad("options.now must be a number"))?;
    let resp = HttpResponse {
        status,
        content_type: a.s(5),
        body,
    };
    let t = token::process_token_response(provider, kind, &resp, now)?;
    Ok(token_set_json(&t, provider))
}

// ------------------------------------------------------------------ clients

/// Client construction arguments, by position. The driver keeps the array
/// and sends it with every call: the client is rebuilt (and re-checked) from
/// it each time, so nothing lives in wasm memory between calls.
mod c {
    pub const KIND: usize = 0;
    pub const CLIENT_ID: usize = 1;
    pub const CLIENT_SECRET: usize = 2;
    pub const CLIENT_AUTH: usize = 3;
    pub const TOKEN_ENDPOINT: usize = 4;
    pub const AUTHORIZATION_ENDPOINT: usize = 5;
    pub const REDIRECT_URI: usize = 6;
    pub const SCOPES: usize = 7;
    pub const ENVIRONMENT: usize = 8;
    pub const BASE_URL: usize = 9;
    pub const API_BASE_URL: usize = 10;
    pub const API_KEY_ID: usize = 11;
    pub const API_KEY_SECRET: usize = 12;
    pub const TIMEOUT_MS: usize = 13;
    pub const IN_BROWSER: usize = 14;
    pub const ALLOW_SECRET_IN_BROWSER: usize = 15;
    pub const PKCE: usize = 16;
    // `ProfileOverrides` (docs/providers.md, "guesses").
    pub const EXPIRES_IN_UNIT: usize = 17;
    pub const BODY_ENCODING: usize = 18;
    pub const CODE_EXCHANGE_AUTH: usize = 19;
    pub const REFRESH_AUTH: usize = 20;
    pub const API_KEY_METHOD: usize = 21;
}

/// Option `i`, named `name`, as the index of its value in `values`
/// (`None` when not given); any other value → `INVALID_ARGUMENT`.
fn choice(a: &Args, i: usize, name: &str, values: &[&str]) -> Result<Option<usize>> {
    let Some(v) = a.get(i) else { return Ok(None) };
    if let Value::String(s) = v {
        if let Some(k) = values.iter().position(|x| x == s) {
            return Ok(Some(k));
        }
    }
    let mut m = ["options.", name, " must be "].concat();
    for (k, x) in values.iter().enumerate() {
        let sep = match k {
            0 => "\"",
            _ if k + 1 == values.len() => " or \"",
            _ => ", \"",
        };
        m.push_str(sep);
        m.push_str(x);
        m.push('"');
    }
    Err(bad(&m))
}

/// `"basic" | "post" | "none"`.
fn auth_choice(a: &Args, i: usize, name: &str) -> Result<Option<ClientAuth>> {
    Ok(
        choice(a, i, name, &["basic", "post", "none"])?.map(|k| match k {
            0 => ClientAuth::Basic,
            1 => ClientAuth::Post,
            _ => ClientAuth::None,
        }),
    )
}

fn provider_of(n: Option<f64>) -> Provider {
    match n {
        Some(1.0) => Provider::Pleo,
        Some(2.0) => Provider::Spendesk,
        Some(3.0) => Provider::Findity,
        _ => Provider::Rfc6749,
    }
}

/// A client and its API key (Spendesk), from its construction arguments.
struct Client {
    config: ClientConfig,
    scopes: Vec<String>,
    api_key: Option<(String, String)>,
}

fn build_client(a: &Args) -> Result<Client> {
    let secret = a.ne(c::CLIENT_SECRET);
    let key_secret = a.ne(c::API_KEY_SECRET);
    if (secret.is_some() || key_secret.is_some())
        && a.b(c::IN_BROWSER)
        && !a.b(c::ALLOW_SECRET_IN_BROWSER)
    {
        return Err(Error::new(
            ErrorCode::SecretInBrowser,
            "a client secret must not be shipped to a browser (a page or a web worker); run this flow on a server, or pass allowSecretInBrowser: true if you really mean it",
        ));
    }
    let api_key = match (a.ne(c::API_KEY_ID), key_secret) {
        (Some(id), Some(s)) => Some((id, s)),
        (None, None) => None,
        _ => return Err(bad("apiKeyId and apiKeySecret go together")),
    };
    let client_auth = auth_choice(a, c::CLIENT_AUTH, "clientAuth")?;
    let overrides = ProfileOverrides {
        expires_in_unit: choice(
            a,
            c::EXPIRES_IN_UNIT,
            "expiresInUnit",
            &["auto", "seconds", "milliseconds"],
        )?
        .map(|k| match k {
            0 => ExpiresInUnit::Auto,
            1 => ExpiresInUnit::Seconds,
            _ => ExpiresInUnit::Milliseconds,
        }),
        body_encoding: choice(a, c::BODY_ENCODING, "bodyEncoding", &["form", "json"])?.map(|k| {
            if k == 0 {
                BodyEncoding::Form
            } else {
                BodyEncoding::Json
            }
        }),
        code_exchange_auth: auth_choice(a, c::CODE_EXCHANGE_AUTH, "codeExchangeAuth")?,
        refresh_auth: auth_choice(a, c::REFRESH_AUTH, "refreshAuth")?,
        api_key_method: choice(a, c::API_KEY_METHOD, "apiKeyMethod", &["POST", "GET"])?.map(|k| {
            if k == 0 {
                ApiKeyMethod::Post
            } else {
                ApiKeyMethod::Get
            }
        }),
    };
    let (env, base, api) = (a.s(c::ENVIRONMENT), a.s(c::BASE_URL), a.s(c::API_BASE_URL));
    let (te, ae, ru) = (
        a.s(c::TOKEN_ENDPOINT),
        a.s(c::AUTHORIZATION_ENDPOINT),
        a.s(c::REDIRECT_URI),
    );
    let id = a.s(c::CLIENT_ID).unwrap_or_default();
    let provider = provider_of(a.n(c::KIND));
    let mut o = ClientOptions::new(provider);
    // Which placement options each class takes: the generic client its
    // endpoints only, Pleo also `apiBaseUrl` (a separate API host).
    if provider != Provider::Rfc6749 {
        o.environment = env.as_deref();
        o.base_url = base.as_deref();
    }
    if provider == Provider::Pleo {
        o.api_base_url = api.as_deref();
    }
    o.token_endpoint = te.as_deref();
    o.authorization_endpoint = ae.as_deref();
    o.redirect_uri = ru.as_deref();
    o.client_id = &id;
    o.client_secret = secret.as_deref();
    o.client_auth = client_auth;
    o.pkce = a.get(c::PKCE) != Some(&Value::Bool(false));
    o.overrides = overrides;
    Ok(Client {
        config: ClientConfig::new(&o)?,
        scopes: a.list(c::SCOPES),
        api_key,
    })
}

fn client_args(a: &Args) -> Result<Client> {
    match a.get(0) {
        Some(Value::Array(t)) => build_client(&Args(
            json::parse_array_within(t, usize::MAX).unwrap_or_default(),
        )),
        _ => Err(bad("not a client of this module")),
    }
}

/// The construction arguments → `{apiBaseUrl?, timeout}` (or the error).
fn client(a: &Args) -> Result<String> {
    let timeout = timeout_json(a.n(c::TIMEOUT_MS), a.given(c::TIMEOUT_MS))?;
    let cl = build_client(a)?;
    let mut o = Out::obj();
    o.os("apiBaseUrl", cl.config.api_base_url());
    o.raw("timeout", &timeout);
    Ok(o.end())
}

/// `[client, scopes (null: the client's), state, codeVerifier, extraParams]`
/// → `{url, state, codeVerifier}` with fresh state and PKCE unless given.
fn client_authorization_url(a: &Args) -> Result<String> {
    let cl = client_args(a)?;
    let scopes = if a.given(1) { a.list(1) } else { cl.scopes };
    let state = match a.s(2) {
        Some(s) => s,
        None => state::random_state()?,
    };
    let verifier = match a.s(3) {
        Some(v) => Secret::new(v),
        None => pkce::Pkce::generate(pkce::DEFAULT_VERIFIER_LEN)?.verifier,
    };
    let challenge = pkce::challenge_s256(verifier.expose())?;
    let scope_refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let extra = a.pairs(4);
    let extra_refs: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let url = cl
        .config
        .authorization_url(&scope_refs, Some(&state), &challenge, &extra_refs)?;
    let mut o = Out::obj();
    o.s("url", &url);
    o.s("state", &state);
    o.s("codeVerifier", verifier.expose());
    Ok(o.end())
}

/// `[client, grant, a, b]` → `{method, url, headers: [[k, v]], body?, cap}`.
/// Grants: `authorization_code` (code, verifier), `refresh_token` (token),
/// `client_credentials` (scopes), `api_key`, `findity_grant` (org token, user).
fn token_request(a: &Args) -> Result<String> {
    let cl = client_args(a)?;
    let grant = a.req(1, "grant")?;
    let cfg = &cl.config;
    let req = match grant.as_str() {
        "authorization_code" => cfg.token_request(&Grant::AuthorizationCode {
            code: &a.req(2, "code")?,
            code_verifier: a.s(3).as_deref(),
        })?,
        "refresh_token" => cfg.token_request(&Grant::RefreshToken {
            refresh_token: &a
                .ne(2)
                .ok_or_else(|| bad("refreshToken must be a non-empty string"))?,
        })?,
        "client_credentials" => {
            let scopes = a.list(2);
            let refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
            cfg.token_request(&Grant::ClientCredentials { scopes: &refs })?
        }
        "api_key" => {
            let (id, secret) = cl
                .api_key
                .as_ref()
                .ok_or_else(|| bad("this client has no apiKeyId / apiKeySecret"))?;
            cfg.token_request(&Grant::ApiKey {
                key_id: id,
                key_secret: secret,
            })?
        }
        "findity_grant" => {
            cfg.authorization_grant_request(&a.req(2, "orgAccessToken")?, &a.req(3, "userId")?)?
        }
        _ => return Err(bad("unknown grant")),
    };
    Ok(request_json(&req))
}

fn request_json(req: &HttpRequest) -> String {
    let mut o = Out::obj();
    o.s("method", req.method);
    o.s("url", &req.url);
    let mut h = Out::arr();
    for (k, v) in &req.headers {
        h.push_raw(&out::strings([*k, v.as_str()]));
    }
    o.raw("headers", &h.end());
    o.os("body", req.body.as_deref());
    o.n("cap", crate::http::MAX_BODY_LEN as i64);
    o.end()
}

/// `[client, grant, status, contentType, body, now]` → a token set, or for
/// `findity_grant` the code. A refresh answer that fails the checks but
/// carries a new refresh token reports it (`issuedRefreshToken`), so the
/// session keeps it instead of the spent one.
fn token_response(a: &Args) -> std::result::Result<String, Failure> {
    let cl = client_args(a)?;
    let grant = a.req(1, "grant")?;
    let resp = HttpResponse {
        status: a.n(2).unwrap_or(0.0) as u16,
        content_type: a.s(3),
        body: a.s(4).unwrap_or_default(),
    };
    if grant == "findity_grant" {
        let code = token::process_findity_authorization_grant(&resp)?;
        return Ok(out::string(code.expose()));
    }
    let kind = grant_kind(&grant)?;
    match cl
        .config
        .process_token_response(kind, &resp, a.n(5).unwrap_or(0.0))
    {
        Ok(t) => Ok(token_set_json(&t, cl.config.provider())),
        Err(e) => Err(Failure(e, cl.config.issued_refresh_token(kind, &resp))),
    }
}

/// `[token, environment, apiBaseUrl, timeoutMs, now]` →
/// `{apiBaseUrl, expiresAt?, timeout}`.
fn prospend(a: &Args) -> Result<String> {
    let token = a.ne(0).ok_or_else(|| bad("options.token is required"))?;
    if !token::is_access_token(&token) {
        return Err(bad(
            "options.token must be printable ASCII without spaces (it goes into a header)",
        ));
    }
    let expires_at = token::check_static_jwt(&token, a.n(4).unwrap_or(0.0))?;
    let e = Endpoints::resolve(
        Provider::ProSpend,
        a.s(1).as_deref(),
        None,
        a.s(2).as_deref(),
    )?;
    let timeout = timeout_json(a.n(3), a.given(3))?;
    let mut o = Out::obj();
    o.os("apiBaseUrl", e.api_base.as_deref());
    if let Some(e) = expires_at.filter(|e| e.is_finite()) {
        o.n("expiresAt", out::ms(e));
    }
    o.raw("timeout", &timeout);
    Ok(o.end())
}
