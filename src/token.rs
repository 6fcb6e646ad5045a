//! Token requests and token responses, sans-IO: [`ClientConfig::token_request`]
//! builds the HTTP request for a grant, [`ClientConfig::process_token_response`]
//! turns the answer into a [`TokenSet`] or a coded [`Error`] (after
//! oauth4webapi's `xxxRequest` / `processXxxResponse` pairs).
//!
//! One configuration covers a standard RFC 6749 server and each provider's
//! documented differences ([`Dialect`]):
//! - **Spendesk** (spendesk-authentication.txt; public SDKs): code exchange at
//!   `/oauth2/token/create` and refresh at `/oauth2/token/refresh` take JSON
//!   bodies, answer `201` with no `expires_in` (access tokens are JWTs that
//!   live 60 minutes, so expiry comes from `exp`), refresh needs client_id and
//!   client_secret, and errors come as `{"errors":[{"code","detail","source"}]}`.
//!   "If you are unable to get a new refresh token (with a 401 or 403 error
//!   codes), remove the token from your database and 'disconnect' the
//!   customer": both become `RECONNECT_REQUIRED`.
//! - **Pleo** (pleo-quickstart.txt): form bodies, client credentials in HTTP
//!   Basic ("You must present your client_id and client_secret using Basic HTTP
//!   authentication"), `redirect_uri` + `code_verifier` on code exchange. The
//!   docs label `expires_in` `ACCESS_TOKEN_LIFETIME // 10 mins.` on exchange and
//!   `ACCESS_TOKEN_MILLI_LIFETIME // 10 mins.` on refresh; see
//!   [`PLEO_MILLIS_THRESHOLD`] for the rule. The refresh answer's scope is
//!   `+`-joined ("scope1+scope2"); it is normalised to spaces.
//! - **Findity** (findity-authentication.txt): `grant_type=client_credentials&client_id&client_secret`
//!   in the body; refresh with `grant_type=refresh_token&client_id&refresh_token`
//!   ("a refresh token can only be used once"); user tokens by
//!   `grant_type=authorization_code&code=...` with no client authentication.

use crate::encoding::form_encode;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{self, HttpRequest, HttpResponse};
use crate::json::{self, JsonObject, Kind, Object};
use crate::secret::Secret;
use crate::url::Endpoint;
use core::fmt;

/// Pleo `expires_in` rule: a value above this is milliseconds, otherwise
/// seconds. A 10-minute Pleo token is `600` in seconds or `600000` in
/// milliseconds; no Pleo access token lives a day (86 400 s), and a
/// millisecond lifetime at or under 86 400 would be under 87 seconds, which
/// Pleo never issues. So values > 86 400 are read as milliseconds.
pub const PLEO_MILLIS_THRESHOLD: f64 = 86_400.0;

/// Whose rules a client follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// A standard OAuth 2.0 server (RFC 6749, RFC 7636).
    Rfc6749,
    /// Spendesk's OAuth2 partner flow and API-key flow.
    Spendesk,
    /// Pleo.
    Pleo,
    /// Findity.
    Findity,
}

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with form-encoded id and secret.
    Basic,
    /// `client_secret_post`: client_id and client_secret in the body.
    Post,
    /// A public client: client_id in the body, no secret.
    None,
}

/// A grant to request.
#[derive(Clone, Copy)]
pub enum Grant<'a> {
    /// Authorization code (RFC 6749 §4.1.3) with its PKCE verifier (RFC 7636 §4.5).
    AuthorizationCode {
        /// The code from the callback.
        code: &'a str,
        /// The verifier whose challenge went into the authorize URL.
        code_verifier: Option<&'a str>,
    },
    /// Refresh (RFC 6749 §6).
    RefreshToken {
        /// The current refresh token.
        refresh_token: &'a str,
    },
    /// Client credentials (RFC 6749 §4.4).
    ClientCredentials {
        /// Scopes to ask for.
        scopes: &'a [&'a str],
    },
}

/// Which grant an answer belongs to (errors mean different things on refresh).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantKind {
    /// Code exchange.
    AuthorizationCode,
    /// Refresh.
    RefreshToken,
    /// Client credentials.
    ClientCredentials,
    /// Spendesk API key (`/auth/token`).
    ApiKey,
}

impl Grant<'_> {
    /// Its kind.
    pub fn kind(&self) -> GrantKind {
        match self {
            Grant::AuthorizationCode { .. } => GrantKind::AuthorizationCode,
            Grant::RefreshToken { .. } => GrantKind::RefreshToken,
            Grant::ClientCredentials { .. } => GrantKind::ClientCredentials,
        }
    }
}

/// The tokens a token endpoint issued.
#[derive(Clone)]
pub struct TokenSet {
    /// `access_token`.
    pub access_token: Secret,
    /// `token_type` (always `Bearer` here).
    pub token_type: String,
    /// When the access token expires, in milliseconds since the epoch (like
    /// `Date.now()`), from `expires_in` and the clock read once before the
    /// request, or from the access token's JWT `exp` when `expires_in` is absent.
    pub expires_at: Option<f64>,
    /// `refresh_token`, if issued.
    pub refresh_token: Option<Secret>,
    /// `scope`, if sent (space-separated).
    pub scope: Option<String>,
    /// The whole parsed answer.
    pub raw: Object,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &self.refresh_token)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A client of one token endpoint.
#[derive(Clone)]
pub struct ClientConfig {
    /// Whose rules.
    pub dialect: Dialect,
    /// Where code exchange and other grants go.
    pub token_endpoint: Endpoint,
    /// Where refresh goes (Spendesk has its own path); defaults to `token_endpoint`.
    pub refresh_endpoint: Option<Endpoint>,
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: Option<Secret>,
    /// Client authentication (Pleo: always Basic; Findity: always in the body).
    pub auth: ClientAuth,
    /// `redirect_uri`, sent on code exchange when the authorize request had it.
    pub redirect_uri: Option<String>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("dialect", &self.dialect)
            .field("token_endpoint", &self.token_endpoint.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

fn arg(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

fn require<'a>(v: &'a str, what: &str) -> Result<&'a str> {
    if v.is_empty() {
        Err(arg(&[what, " must not be empty"].concat()))
    } else {
        Ok(v)
    }
}

impl ClientConfig {
    fn secret(&self) -> Result<&str> {
        match &self.client_secret {
            Some(s) if !s.expose().is_empty() => Ok(s.expose()),
            _ => Err(arg("this flow needs clientSecret")),
        }
    }

    fn form_request<'a>(
        &'a self,
        url: &Endpoint,
        mut pairs: Vec<(&'a str, &'a str)>,
        auth: ClientAuth,
    ) -> Result<HttpRequest> {
        let mut headers = vec![
            ("content-type", http::FORM.to_owned()),
            ("accept", http::JSON.to_owned()),
        ];
        match auth {
            ClientAuth::Basic => headers.push((
                "authorization",
                http::basic_auth_rfc6749(&self.client_id, self.secret()?),
            )),
            ClientAuth::Post => {
                pairs.push(("client_id", &self.client_id));
                pairs.push(("client_secret", self.secret()?));
            }
            ClientAuth::None => pairs.push(("client_id", &self.client_id)),
        }
        Ok(HttpRequest {
            method: "POST",
            url: url.as_str().to_owned(),
            headers,
            body: Some(form_encode(pairs)),
        })
    }

    /// The HTTP request for `grant`.
    pub fn token_request(&self, grant: &Grant) -> Result<HttpRequest> {
        require(&self.client_id, "clientId")?;
        let refresh_url = self
            .refresh_endpoint
            .as_ref()
            .unwrap_or(&self.token_endpoint);
        match self.dialect {
            Dialect::Rfc6749 | Dialect::Pleo => {
                let auth = if self.dialect == Dialect::Pleo {
                    ClientAuth::Basic
                } else {
                    self.auth
                };
                match *grant {
                    Grant::AuthorizationCode {
                        code,
                        code_verifier,
                    } => {
                        let mut p = vec![
                            ("grant_type", "authorization_code"),
                            ("code", require(code, "code")?),
                        ];
                        if let Some(r) = &self.redirect_uri {
                            p.push(("redirect_uri", r));
                        } else if self.dialect == Dialect::Pleo {
                            return Err(arg("Pleo's code exchange needs redirectUri"));
                        }
                        match code_verifier {
                            Some(v) => {
                                crate::pkce::validate_verifier(v)?;
                                p.push(("code_verifier", v));
                            }
                            None if self.dialect == Dialect::Pleo => {
                                return Err(arg("Pleo's code exchange needs the PKCE codeVerifier"))
                            }
                            None => {}
                        }
                        self.form_request(&self.token_endpoint, p, auth)
                    }
                    Grant::RefreshToken { refresh_token } => self.form_request(
                        refresh_url,
                        vec![
                            ("grant_type", "refresh_token"),
                            ("refresh_token", require(refresh_token, "refreshToken")?),
                        ],
                        auth,
                    ),
                    Grant::ClientCredentials { scopes } => {
                        if self.dialect == Dialect::Pleo {
                            return Err(arg("Pleo documents no client-credentials grant; use the authorization-code flow"));
                        }
                        if auth == ClientAuth::None {
                            return Err(arg("client credentials need a confidential client (clientAuth \"basic\" or \"post\")"));
                        }
                        let scope = scopes.join(" ");
                        let mut p = vec![("grant_type", "client_credentials")];
                        if !scope.is_empty() {
                            p.push(("scope", &scope));
                        }
                        self.form_request(&self.token_endpoint, p, auth)
                    }
                }
            }
            Dialect::Findity => match *grant {
                Grant::ClientCredentials { scopes } => {
                    let scope = scopes.join(" ");
                    let mut p = vec![
                        ("grant_type", "client_credentials"),
                        ("client_id", self.client_id.as_str()),
                        ("client_secret", self.secret()?),
                    ];
                    if !scope.is_empty() {
                        p.push(("scope", &scope));
                    }
                    self.form_request(&self.token_endpoint, p, ClientAuth::Basic)
                        .map(strip_auth)
                }
                Grant::RefreshToken { refresh_token } => self
                    .form_request(
                        refresh_url,
                        vec![
                            ("grant_type", "refresh_token"),
                            ("client_id", self.client_id.as_str()),
                            ("refresh_token", require(refresh_token, "refreshToken")?),
                        ],
                        ClientAuth::Basic,
                    )
                    .map(strip_auth),
                Grant::AuthorizationCode { code, .. } => Ok(HttpRequest {
                    method: "POST",
                    url: self.token_endpoint.as_str().to_owned(),
                    headers: vec![
                        ("content-type", http::FORM.to_owned()),
                        ("accept", http::JSON.to_owned()),
                    ],
                    body: Some(form_encode([
                        ("grant_type", "authorization_code"),
                        ("code", require(code, "code")?),
                    ])),
                }),
            },
            Dialect::Spendesk => {
                let (url, body) = match *grant {
                    Grant::AuthorizationCode {
                        code,
                        code_verifier,
                    } => {
                        let v = code_verifier.ok_or_else(|| {
                            arg("Spendesk's code exchange needs the PKCE codeVerifier")
                        })?;
                        crate::pkce::validate_verifier(v)?;
                        let mut p = vec![
                            ("grant_type", "authorization_code"),
                            ("client_id", self.client_id.as_str()),
                            ("code", require(code, "code")?),
                            ("code_verifier", v),
                        ];
                        if let Ok(s) = self.secret() {
                            p.push(("client_secret", s));
                        }
                        if let Some(r) = &self.redirect_uri {
                            p.push(("redirect_uri", r));
                        }
                        (&self.token_endpoint, http::json_body(&p))
                    }
                    Grant::RefreshToken { refresh_token } => (
                        refresh_url,
                        http::json_body(&[
                            ("grant_type", "refresh_token"),
                            ("client_id", &self.client_id),
                            ("client_secret", self.secret()?),
                            ("refresh_token", require(refresh_token, "refreshToken")?),
                        ]),
                    ),
                    Grant::ClientCredentials { .. } => return Err(arg(
                        "Spendesk has no client-credentials grant; use apiKeyToken() for API keys",
                    )),
                };
                Ok(HttpRequest {
                    method: "POST",
                    url: url.as_str().to_owned(),
                    headers: vec![
                        ("content-type", http::JSON.to_owned()),
                        ("accept", http::JSON.to_owned()),
                    ],
                    body: Some(body),
                })
            }
        }
    }

    /// Reads a token endpoint's answer to a `kind` grant. `now_ms` is the
    /// clock (ms since the epoch) read once, before the request was sent.
    pub fn process_token_response(
        &self,
        kind: GrantKind,
        resp: &HttpResponse,
        now_ms: f64,
    ) -> Result<TokenSet> {
        process_token_response(self.dialect, kind, resp, now_ms)
    }
}

/// Findity puts client credentials in the body, never in Basic.
fn strip_auth(mut r: HttpRequest) -> HttpRequest {
    r.headers.retain(|(k, _)| *k != "authorization");
    r
}

/// Spendesk's API-key token request (spendesk-authentication.txt): `POST /auth/token`
/// with `Authorization: Basic base64("id:secret")` — plain base64 of `id:secret`
/// as Spendesk documents it (`my_id:my_secret` → `bXlfaWQ6bXlfc2VjcmV0`), not
/// RFC 6749's form-encoded variant.
pub fn spendesk_api_key_request(
    url: &Endpoint,
    key_id: &str,
    key_secret: &str,
) -> Result<HttpRequest> {
    require(key_id, "apiKeyId")?;
    require(key_secret, "apiKeySecret")?;
    if key_id.contains(':') {
        return Err(arg(
            "apiKeyId must not contain ':' (Basic credentials are split at the first ':')",
        ));
    }
    Ok(HttpRequest {
        method: "POST",
        url: url.as_str().to_owned(),
        headers: vec![
            ("authorization", http::basic_auth(key_id, key_secret)),
            ("accept", http::JSON.to_owned()),
        ],
        body: None,
    })
}

/// Findity's user authorization grant (findity-authentication.txt): `POST
/// /api/oauth/authorization-grant` with the organisation token as Bearer and
/// `user_id` in a form body; answers `{"code": ...}`.
pub fn findity_authorization_grant_request(
    url: &Endpoint,
    org_access_token: &str,
    user_id: &str,
) -> Result<HttpRequest> {
    require(org_access_token, "accessToken")?;
    require(user_id, "userId")?;
    Ok(HttpRequest {
        method: "POST",
        url: url.as_str().to_owned(),
        headers: vec![
            ("authorization", ["Bearer ", org_access_token].concat()),
            ("content-type", http::FORM.to_owned()),
            ("accept", http::JSON.to_owned()),
        ],
        body: Some(form_encode([("user_id", user_id)])),
    })
}

/// Reads the authorization-grant answer: the single-use code.
pub fn process_findity_authorization_grant(resp: &HttpResponse) -> Result<Secret> {
    let o = success_object(
        Dialect::Findity,
        GrantKind::ClientCredentials,
        resp,
        &[200, 201],
    )?;
    match o.str("code") {
        Some(c) if !c.is_empty() => Ok(Secret::new(c)),
        _ => Err(Error::new(
            ErrorCode::InvalidResponse,
            "the authorization-grant answer has no code",
        )
        .with_status(resp.status)),
    }
}

/// The server's error fields: RFC 6749 §5.2 `error`/`error_description`/`error_uri`,
/// or Spendesk's `errors[0].code`/`errors[0].detail`.
fn server_error_fields(o: &Object) -> Option<(String, Option<String>, Option<String>)> {
    if let Some(e) = o.str("error") {
        return Some((e, o.str("error_description"), o.str("error_uri")));
    }
    let first = o.first_object_in("errors")?;
    let code = first.str("code").or_else(|| first.str("title"))?;
    Some((code, first.str("detail"), None))
}

/// Everything but the body's success checks: redirect, size, status, errors.
/// Returns the parsed object of a successful answer.
fn success_object(
    dialect: Dialect,
    kind: GrantKind,
    resp: &HttpResponse,
    ok: &[u16],
) -> Result<Object> {
    let status = resp.status;
    if status == 0 || (300..400).contains(&status) {
        return Err(Error::new(
            ErrorCode::UnexpectedRedirect,
            "the server answered with a redirect",
        )
        .with_status(status));
    }
    http::check_body_len(resp.body.len()).map_err(|e| e.with_status(status))?;
    let parsed = json::parse_object(&resp.body);
    if !ok.contains(&status) {
        let fields = parsed.as_ref().and_then(server_error_fields);
        let status_text = crate::encoding::decimal(i64::from(status));
        let reconnect = kind == GrantKind::RefreshToken
            && (fields
                .as_ref()
                .is_some_and(|(e, _, _)| e == "invalid_grant")
                || (dialect == Dialect::Spendesk && (status == 401 || status == 403)));
        let code = if reconnect {
            ErrorCode::ReconnectRequired
        } else if status >= 500 {
            ErrorCode::ServerError
        } else if fields.is_some() {
            ErrorCode::OAuthError
        } else {
            ErrorCode::HttpError
        };
        let mut msg = match code {
            ErrorCode::ReconnectRequired => [
                "the refresh token was refused (",
                &status_text,
                "): the user must connect again",
            ]
            .concat(),
            _ => ["the server answered ", &status_text].concat(),
        };
        let mut err = Error::new(code, "");
        if let Some((e, d, u)) = &fields {
            msg.push_str(": ");
            msg.push_str(e);
            if let Some(d) = d.as_deref().filter(|d| !d.is_empty()) {
                msg.push_str(": ");
                msg.push_str(d);
            }
            err = err.with_server_error(Some(e), d.as_deref(), u.as_deref());
        }
        let msg: String = msg.chars().take(600).collect();
        return Err(Error::new(code, msg).with_status(status).with_server_error(
            err.error(),
            err.error_description(),
            err.error_uri(),
        ));
    }
    parsed.ok_or_else(|| {
        let what = match resp.content_type.as_deref() {
            Some(ct) if ct.to_ascii_lowercase().contains("html") => {
                "the answer is HTML, not a JSON object"
            }
            _ => "the answer is not a JSON object",
        };
        Error::new(ErrorCode::InvalidResponse, what).with_status(status)
    })
}

fn invalid_response(msg: &str, status: u16) -> Error {
    Error::new(ErrorCode::InvalidResponse, msg).with_status(status)
}

/// A whole number of seconds sent as a string (`"3600"`). Fractions and
/// exponents are refused: no server sends them, and a float parser would
/// add kilobytes to the wasm.
fn parse_seconds(s: &str) -> Option<f64> {
    if s.is_empty() || s.len() > 15 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().map(|n| n as f64)
}

/// Reads a token answer under `dialect`'s rules (see the module docs).
pub fn process_token_response(
    dialect: Dialect,
    kind: GrantKind,
    resp: &HttpResponse,
    now_ms: f64,
) -> Result<TokenSet> {
    let ok: &[u16] = if dialect == Dialect::Spendesk {
        &[200, 201]
    } else {
        &[200]
    };
    let o = success_object(dialect, kind, resp, ok)?;
    let status = resp.status;

    let access_token = match o.str("access_token") {
        Some(t) if !t.is_empty() => t,
        _ => return Err(invalid_response("the answer has no access_token", status)),
    };
    // RFC 6749 §5.1: token_type is required and (§7.1) case-insensitive.
    // Spendesk's answers may omit it; its tokens are Bearer tokens.
    let token_type = match o.str("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_owned(),
        Some(_) => return Err(invalid_response("the token_type is not Bearer", status)),
        None if o.kind("token_type") == Kind::Missing && dialect == Dialect::Spendesk => {
            "Bearer".to_owned()
        }
        None => return Err(invalid_response("the answer has no token_type", status)),
    };
    let expires_in = match o.kind("expires_in") {
        Kind::Missing | Kind::Null => None,
        Kind::Number => o.num("expires_in"),
        // Some servers send the number as a string.
        Kind::String => o.str("expires_in").and_then(|s| parse_seconds(s.trim())),
        _ => return Err(invalid_response("expires_in is not a number", status)),
    };
    let expires_at = match expires_in {
        // In milliseconds it must stay finite (`1e308` would be +Infinity).
        Some(n) if !n.is_finite() || n < 0.0 || !(n * 1000.0).is_finite() => {
            return Err(invalid_response(
                "expires_in is not a non-negative number",
                status,
            ))
        }
        Some(n) => {
            let secs = if dialect == Dialect::Pleo && n > PLEO_MILLIS_THRESHOLD {
                n / 1000.0
            } else {
                n
            };
            Some(now_ms + secs * 1000.0)
        }
        None if o.kind("expires_in") == Kind::String => {
            return Err(invalid_response("expires_in is not a number", status))
        }
        None => crate::jwt::decode_unverified(&access_token)
            .ok()
            .and_then(|c| c.exp().ok().flatten())
            .map(|exp| exp * 1000.0),
    };
    let refresh_token = match o.kind("refresh_token") {
        Kind::Missing | Kind::Null => None,
        Kind::String => o
            .str("refresh_token")
            .filter(|t| !t.is_empty())
            .map(Secret::new),
        _ => return Err(invalid_response("refresh_token is not a string", status)),
    };
    let scope = o.str("scope").map(|s| {
        if dialect == Dialect::Pleo {
            s.replace('+', " ")
        } else {
            s
        }
    });
    Ok(TokenSet {
        access_token: Secret::new(access_token),
        token_type,
        expires_at,
        refresh_token,
        scope,
        raw: o,
    })
}

/// The checks a static bearer token (ProSpend) passes before it is used:
/// it decodes as a JWT, and its `exp` (if any) is after `now_ms`. Returns
/// `exp` in milliseconds. prospend-authentication.txt: tokens are JWTs,
/// "valid for 2 years by default", revocable, sent only over HTTPS.
pub fn check_static_jwt(token: &str, now_ms: f64) -> Result<Option<f64>> {
    let claims = crate::jwt::decode_unverified(token)?;
    let exp_ms = claims.exp()?.map(|e| e * 1000.0);
    if let Some(exp) = exp_ms {
        if exp <= now_ms {
            return Err(Error::new(
                ErrorCode::TokenExpired,
                "the token has expired; issue a new one",
            ));
        }
    }
    Ok(exp_ms)
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
