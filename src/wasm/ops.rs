//! The operations behind `call`: each reads its arguments (already
//! type-checked by the JS driver; checked again here), calls the core, and
//! writes the answer as JSON.

use super::out::{self, Out};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::{self, JsonObject, Value};
use crate::providers::{self as p, Hosts};
use crate::token::{self, ClientAuth, ClientConfig, Dialect, Grant, GrantKind, TokenSet};
use crate::url::{parse_endpoint, Endpoint};
use crate::{authorize, callback, jwt, pkce, state, transport, Secret};

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
pub fn dispatch(op: u32, a: &Args) -> Result<String> {
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
        op::TOKEN_RESPONSE => token_response(a),
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
/// generic, 1 Pleo, 2 Spendesk.
fn authorization_url(a: &Args) -> Result<String> {
    let endpoint = match a.n(0) {
        Some(1.0) => PLEO_AUTH
            .base(a.s(2).as_deref(), a.s(3).as_deref())?
            .join(p::PLEO_AUTHORIZE_PATH)?
            .as_str()
            .to_owned(),
        Some(2.0) => p::SPENDESK_API
            .base(a.s(2).as_deref(), a.s(3).as_deref())?
            .join(p::SPENDESK_AUTHORIZE_PATH)?
            .as_str()
            .to_owned(),
        _ => a.s(1).unwrap_or_default(),
    };
    out_url(authorization_request(
        &endpoint,
        &a.s(4).unwrap_or_default(),
        a.s(5).as_deref(),
        &a.list(6),
        a.s(7).as_deref(),
        &a.s(8).unwrap_or_default(),
        &a.pairs(9),
    )?)
}

const PLEO_AUTH: Hosts = p::PLEO_AUTH;

fn out_url(u: String) -> Result<String> {
    Ok(out::string(&u))
}

fn dialect_of(n: Option<f64>) -> Dialect {
    match n {
        Some(1.0) => Dialect::Pleo,
        Some(2.0) => Dialect::Spendesk,
        Some(3.0) => Dialect::Findity,
        _ => Dialect::Rfc6749,
    }
}

fn dialect_num(d: Dialect) -> i64 {
    match d {
        Dialect::Rfc6749 => 0,
        Dialect::Pleo => 1,
        Dialect::Spendesk => 2,
        Dialect::Findity => 3,
    }
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
fn token_set_json(t: &TokenSet, dialect: Dialect) -> String {
    let mut o = Out::obj();
    o.s("accessToken", t.access_token.expose());
    o.s("tokenType", &t.token_type);
    if let Some(e) = t.expires_at.filter(|e| e.is_finite()) {
        o.n("expiresAt", out::ms(e));
    }
    o.os("refreshToken", t.refresh_token.as_ref().map(Secret::expose));
    o.os("scope", t.scope.as_deref());
    if dialect == Dialect::Spendesk {
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
    let dialect = match a.s(2).as_deref() {
        None | Some("oauth2") => Dialect::Rfc6749,
        Some("spendesk") => Dialect::Spendesk,
        Some("pleo") => Dialect::Pleo,
        Some("findity") => Dialect::Findity,
        Some(_) => {
            return Err(bad(
                "options.provider must be \"oauth2\", \"spendesk\", \"pleo\" or \"findity\"",
            ))
        }
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
    let t = token::process_token_response(dialect, kind, &resp, now)?;
    Ok(token_set_json(&t, dialect))
}

// ------------------------------------------------------------------ clients

/// Everything a client needs between calls, kept by the driver as JSON text.
struct Client {
    config: ClientConfig,
    authorization_endpoint: Option<String>,
    scopes: Vec<String>,
    api_base: Option<String>,
    api_key: Option<(String, Secret)>,
    /// Spendesk's API-key URL or Findity's authorization-grant URL.
    extra_url: Option<Endpoint>,
}

fn endpoint_opt(v: Option<String>, what: &str) -> Result<Option<Endpoint>> {
    v.map(|u| parse_endpoint(&u, what)).transpose()
}

/// An API base URL as the `apiBaseUrl` getters give it and paths are
/// appended to: without a trailing `/`.
fn api_base_str(base: &Endpoint) -> String {
    base.as_str().trim_end_matches('/').to_owned()
}

/// Client construction arguments, by position.
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
    pub const IN_BROWSER_PAGE: usize = 14;
    pub const ALLOW_SECRET_IN_BROWSER: usize = 15;
}

/// `[kind, clientId, clientSecret, clientAuth, tokenEndpoint,
/// authorizationEndpoint, redirectUri, scopes, environment, baseUrl,
/// apiBaseUrl, apiKeyId, apiKeySecret, timeoutMs, inBrowserPage,
/// allowSecretInBrowser]` → `{c, apiBaseUrl?, timeout}`.
fn client(a: &Args) -> Result<String> {
    let dialect = dialect_of(a.n(c::KIND));
    let secret = a.ne(c::CLIENT_SECRET).map(Secret::new);
    let key_secret = a.ne(c::API_KEY_SECRET).map(Secret::new);
    if (secret.is_some() || key_secret.is_some())
        && a.b(c::IN_BROWSER_PAGE)
        && !a.b(c::ALLOW_SECRET_IN_BROWSER)
    {
        return Err(Error::new(
            ErrorCode::SecretInBrowser,
            "a client secret must not be shipped to a browser page; run this flow on a server, or pass allowSecretInBrowser: true if you really mean it",
        ));
    }
    let env = a.s(c::ENVIRONMENT);
    let base = |hosts: &Hosts, i: usize| hosts.base(env.as_deref(), a.s(i).as_deref());
    let redirect_uri = match a.s(c::REDIRECT_URI) {
        Some(u) => {
            parse_endpoint(&u, "redirectUri")?;
            Some(u)
        }
        None => None,
    };
    let required = |i: usize, name: &str| {
        a.ne(i)
            .ok_or_else(|| bad(&["options.", name, " is required"].concat()))
    };
    let timeout = timeout_json(a.n(c::TIMEOUT_MS), a.given(c::TIMEOUT_MS))?;
    let scopes = a.list(c::SCOPES);
    let cl = match dialect {
        Dialect::Rfc6749 => {
            let auth = match a.s(c::CLIENT_AUTH).as_deref() {
                Some("basic") => ClientAuth::Basic,
                Some("post") => ClientAuth::Post,
                Some("none") => ClientAuth::None,
                None if secret.is_some() => ClientAuth::Basic,
                None => ClientAuth::None,
                Some(_) => {
                    return Err(bad(
                        "options.clientAuth must be \"basic\", \"post\" or \"none\"",
                    ))
                }
            };
            if auth != ClientAuth::None && secret.is_none() {
                return Err(bad("clientAuth \"basic\" and \"post\" need clientSecret"));
            }
            let token_endpoint = endpoint_opt(a.s(c::TOKEN_ENDPOINT), "tokenEndpoint")?
                .ok_or_else(|| bad("options.tokenEndpoint is required"))?;
            let authorization_endpoint =
                endpoint_opt(a.s(c::AUTHORIZATION_ENDPOINT), "authorizationEndpoint")?
                    .map(|e| e.as_str().to_owned());
            Client {
                config: ClientConfig {
                    dialect,
                    token_endpoint,
                    refresh_endpoint: None,
                    client_id: required(c::CLIENT_ID, "clientId")?,
                    client_secret: secret,
                    auth,
                    redirect_uri,
                },
                authorization_endpoint,
                scopes,
                api_base: None,
                api_key: None,
                extra_url: None,
            }
        }
        Dialect::Pleo => {
            let auth_base = base(&p::PLEO_AUTH, c::BASE_URL)?;
            let api_base = base(&p::PLEO_API, c::API_BASE_URL)?;
            Client {
                config: ClientConfig {
                    dialect,
                    token_endpoint: auth_base.join(p::PLEO_TOKEN_PATH)?,
                    refresh_endpoint: None,
                    client_id: required(c::CLIENT_ID, "clientId")?,
                    client_secret: secret,
                    auth: ClientAuth::Basic,
                    redirect_uri,
                },
                authorization_endpoint: Some(
                    auth_base.join(p::PLEO_AUTHORIZE_PATH)?.as_str().to_owned(),
                ),
                scopes,
                api_base: Some(api_base_str(&api_base)),
                api_key: None,
                extra_url: None,
            }
        }
        Dialect::Spendesk => {
            let api = base(&p::SPENDESK_API, c::BASE_URL)?;
            let api_key = match (a.ne(c::API_KEY_ID), key_secret) {
                (Some(id), Some(s)) => Some((id, s)),
                (None, None) => None,
                _ => return Err(bad("apiKeyId and apiKeySecret go together")),
            };
            Client {
                config: ClientConfig {
                    dialect,
                    token_endpoint: api.join(p::SPENDESK_TOKEN_CREATE_PATH)?,
                    refresh_endpoint: Some(api.join(p::SPENDESK_TOKEN_REFRESH_PATH)?),
                    client_id: a.s(c::CLIENT_ID).unwrap_or_default(),
                    client_secret: secret,
                    auth: ClientAuth::Post,
                    redirect_uri,
                },
                authorization_endpoint: Some(
                    api.join(p::SPENDESK_AUTHORIZE_PATH)?.as_str().to_owned(),
                ),
                scopes,
                api_base: Some(api_base_str(&api)),
                api_key,
                extra_url: Some(api.join(p::SPENDESK_API_KEY_PATH)?),
            }
        }
        Dialect::Findity => {
            let b = base(&p::FINDITY, c::BASE_URL)?;
            Client {
                config: ClientConfig {
                    dialect,
                    token_endpoint: b.join(p::FINDITY_TOKEN_PATH)?,
                    refresh_endpoint: None,
                    client_id: required(c::CLIENT_ID, "clientId")?,
                    client_secret: secret,
                    auth: ClientAuth::Post,
                    redirect_uri: None,
                },
                authorization_endpoint: None,
                scopes,
                api_base: Some(api_base_str(&b)),
                api_key: None,
                extra_url: Some(b.join(p::FINDITY_AUTHORIZATION_GRANT_PATH)?),
            }
        }
    };
    let mut o = Out::obj();
    o.raw("c", &out::string(&write_client(&cl)));
    o.os("apiBaseUrl", cl.api_base.as_deref());
    o.raw("timeout", &timeout);
    Ok(o.end())
}

fn write_client(cl: &Client) -> String {
    let cfg = &cl.config;
    let mut o = Out::obj();
    o.n("d", dialect_num(cfg.dialect));
    o.s("t", cfg.token_endpoint.as_str());
    o.os("r", cfg.refresh_endpoint.as_ref().map(Endpoint::as_str));
    o.s("i", &cfg.client_id);
    o.os("s", cfg.client_secret.as_ref().map(Secret::expose));
    o.n(
        "a",
        match cfg.auth {
            ClientAuth::Basic => 0,
            ClientAuth::Post => 1,
            ClientAuth::None => 2,
        },
    );
    o.os("u", cfg.redirect_uri.as_deref());
    o.os("z", cl.authorization_endpoint.as_deref());
    o.raw("sc", &out::strings(cl.scopes.iter().map(String::as_str)));
    o.os("b", cl.api_base.as_deref());
    if let Some((id, s)) = &cl.api_key {
        o.s("ki", id);
        o.s("ks", s.expose());
    }
    o.os("x", cl.extra_url.as_ref().map(Endpoint::as_str));
    o.end()
}

fn read_client(text: &str) -> Result<Client> {
    let o = json::parse_object(text).ok_or_else(|| bad("not a client of this module"))?;
    let ep = |k: &str| endpoint_opt(o.str(k), "endpoint");
    let config = ClientConfig {
        dialect: dialect_of(o.num("d")),
        token_endpoint: ep("t")?.ok_or_else(|| bad("not a client of this module"))?,
        refresh_endpoint: ep("r")?,
        client_id: o.str("i").unwrap_or_default(),
        client_secret: o.str("s").map(Secret::new),
        auth: match o.num("a") {
            Some(0.0) => ClientAuth::Basic,
            Some(1.0) => ClientAuth::Post,
            _ => ClientAuth::None,
        },
        redirect_uri: o.str("u"),
    };
    let scopes = match o.get("sc") {
        Some(Value::Array(t)) => strings_of(&t),
        _ => Vec::new(),
    };
    Ok(Client {
        config,
        authorization_endpoint: o.str("z"),
        scopes,
        api_base: o.str("b"),
        api_key: o.str("ki").zip(o.str("ks").map(Secret::new)),
        extra_url: ep("x")?,
    })
}

/// `[client, scopes (null: the client's), state, codeVerifier, extraParams]`
/// → `{url, state, codeVerifier}` with fresh state and PKCE unless given.
fn client_authorization_url(a: &Args) -> Result<String> {
    let cl = read_client(&a.req(0, "client")?)?;
    let endpoint = cl
        .authorization_endpoint
        .as_deref()
        .ok_or_else(|| bad("this client has no authorizationEndpoint"))?;
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
    let url = authorization_request(
        endpoint,
        &cl.config.client_id,
        cl.config.redirect_uri.as_deref(),
        &scopes,
        Some(&state),
        &challenge,
        &a.pairs(4),
    )?;
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
    let cl = read_client(&a.req(0, "client")?)?;
    let grant = a.req(1, "grant")?;
    let arg2 = a.s(2);
    let arg3 = a.s(3);
    let req = match grant.as_str() {
        "authorization_code" => cl.config.token_request(&Grant::AuthorizationCode {
            code: &a.req(2, "code")?,
            code_verifier: arg3.as_deref(),
        })?,
        "refresh_token" => cl.config.token_request(&Grant::RefreshToken {
            refresh_token: &a
                .ne(2)
                .ok_or_else(|| bad("refreshToken must be a non-empty string"))?,
        })?,
        "client_credentials" => {
            let scopes = a.list(2);
            let refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
            cl.config
                .token_request(&Grant::ClientCredentials { scopes: &refs })?
        }
        "api_key" => {
            let (id, secret) = cl
                .api_key
                .as_ref()
                .ok_or_else(|| bad("this client has no apiKeyId / apiKeySecret"))?;
            let url = cl.extra_url.as_ref().ok_or_else(|| bad("no API-key URL"))?;
            token::spendesk_api_key_request(url, id, secret.expose())?
        }
        "findity_grant" => {
            let url = cl
                .extra_url
                .as_ref()
                .ok_or_else(|| bad("no authorization-grant URL"))?;
            token::findity_authorization_grant_request(
                url,
                &arg2.ok_or_else(|| bad("orgAccessToken must be a string"))?,
                &a.req(3, "userId")?,
            )?
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
/// `findity_grant` the code.
fn token_response(a: &Args) -> Result<String> {
    let cl = read_client(&a.req(0, "client")?)?;
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
    let dialect = if kind == GrantKind::ApiKey {
        Dialect::Spendesk
    } else {
        cl.config.dialect
    };
    let t = token::process_token_response(dialect, kind, &resp, a.n(5).unwrap_or(0.0))?;
    Ok(token_set_json(&t, dialect))
}

/// `[token, environment, apiBaseUrl, timeoutMs, now]` →
/// `{apiBaseUrl, expiresAt?, timeout}`.
fn prospend(a: &Args) -> Result<String> {
    let token = a.ne(0).ok_or_else(|| bad("options.token is required"))?;
    let expires_at = token::check_static_jwt(&token, a.n(4).unwrap_or(0.0))?;
    let api = p::PROSPEND_API.base(a.s(1).as_deref(), a.s(2).as_deref())?;
    let timeout = timeout_json(a.n(3), a.given(3))?;
    let mut o = Out::obj();
    o.s("apiBaseUrl", &api_base_str(&api));
    if let Some(e) = expires_at.filter(|e| e.is_finite()) {
        o.n("expiresAt", out::ms(e));
    }
    o.raw("timeout", &timeout);
    Ok(o.end())
}
