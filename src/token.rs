//! Token requests and token responses, sans-IO: [`ClientConfig::token_request`]
//! builds the HTTP request for a grant, [`ClientConfig::process_token_response`]
//! turns the answer into a [`TokenSet`] or a coded [`Error`] (after
//! oauth4webapi's `xxxRequest` / `processXxxResponse` pairs).
//!
//! Every provider difference (endpoints, client authentication, body
//! encoding, success statuses, expiry source, error shape, what each grant
//! needs) is data in [`crate::providers`]; this module only reads it. Build a
//! configuration with [`ClientConfig::new`] from [`ClientOptions`].

use crate::encoding::encode_form_component;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{self, HttpRequest, HttpResponse};
use crate::json::{self, JsonObject, Kind, Object};
use crate::providers::{
    api_base, takes_no, ApiKeyMethod, BodyEncoding, ClientAuthRule, Endpoints, ErrorShape,
    ExpiresInUnit, Expiry, GrantRules, PkceRule, Profile, ProfileOverrides, RedirectRule,
};
use crate::secret::Secret;
use crate::url::{parse_endpoint, Endpoint};
use core::fmt;

pub use crate::providers::Provider;

/// The older name of [`Provider`] (whose rules a client follows).
pub type Dialect = Provider;

/// Pleo `expires_in` rule: a value above this is milliseconds, otherwise
/// seconds. A 10-minute Pleo token is `600` in seconds or `600000` in
/// milliseconds; no Pleo access token lives a day (86 400 s), and a
/// millisecond lifetime at or under 86 400 would be under 87 seconds, which
/// Pleo never issues. So values > 86 400 are read as milliseconds.
pub const PLEO_MILLIS_THRESHOLD: f64 = 86_400.0;

/// The longest access-token lifetime taken from an answer: ten years, in
/// milliseconds. A larger `expires_in` (`1e306`) or JWT `exp` is clamped to it,
/// so [`TokenSet::expires_at`] stays a finite integer well inside the range
/// where `f64` holds integers exactly (2^53); the answer is not refused for it
/// (refusing a refresh answer would drop the refresh token it rotated).
pub const MAX_LIFETIME_MS: f64 = 10.0 * 365.0 * 86_400_000.0;

/// How the client authenticates at a generic server's token endpoint (RFC 6749 §2.3.1).
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
        /// The verifier whose challenge went into the authorize URL
        /// (`Some("")` counts as none).
        code_verifier: Option<&'a str>,
    },
    /// Refresh (RFC 6749 §6).
    RefreshToken {
        /// The current refresh token.
        refresh_token: &'a str,
    },
    /// Client credentials (RFC 6749 §4.4).
    ClientCredentials {
        /// Scopes to ask for (each an RFC 6749 §3.3 scope-token).
        scopes: &'a [&'a str],
    },
    /// Spendesk API key (`/auth/token`, `Authorization: Basic base64(id:secret)`).
    ApiKey {
        /// The API key's id.
        key_id: &'a str,
        /// The API key's secret.
        key_secret: &'a str,
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

impl GrantKind {
    /// The `grant_type` value (`""` for the API key, which sends none).
    pub fn grant_type(self) -> &'static str {
        match self {
            GrantKind::AuthorizationCode => "authorization_code",
            GrantKind::RefreshToken => "refresh_token",
            GrantKind::ClientCredentials => "client_credentials",
            GrantKind::ApiKey => "",
        }
    }
    fn describe(self) -> &'static str {
        match self {
            GrantKind::AuthorizationCode => "code exchange",
            GrantKind::RefreshToken => "refresh",
            GrantKind::ClientCredentials => "client credentials",
            GrantKind::ApiKey => "API key",
        }
    }
}

impl Grant<'_> {
    /// Its kind.
    pub fn kind(&self) -> GrantKind {
        match self {
            Grant::AuthorizationCode { .. } => GrantKind::AuthorizationCode,
            Grant::RefreshToken { .. } => GrantKind::RefreshToken,
            Grant::ClientCredentials { .. } => GrantKind::ClientCredentials,
            Grant::ApiKey { .. } => GrantKind::ApiKey,
        }
    }
}

/// The tokens a token endpoint issued.
#[derive(Clone)]
pub struct TokenSet {
    /// `access_token`: visible ASCII without spaces (it goes into an
    /// `Authorization` header value).
    pub access_token: Secret,
    /// `token_type` (always `Bearer` here).
    pub token_type: String,
    /// When the access token expires, in milliseconds since the epoch (like
    /// `Date.now()`): always a finite whole number, at most
    /// [`MAX_LIFETIME_MS`] after the clock read before the request, or absent.
    /// From the profile's [`Expiry`] rule: `expires_in`, or the access token's
    /// JWT `exp`.
    pub expires_at: Option<f64>,
    /// `refresh_token`, if issued (RFC 6749 A.17: visible ASCII and spaces).
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

/// What [`ClientConfig::new`] builds a client from. Start from
/// [`ClientOptions::new`] and set the fields the provider needs. `Debug`
/// redacts `client_secret`.
#[derive(Clone)]
pub struct ClientOptions<'a> {
    /// Whose rules ([`crate::providers::Profile`]).
    pub provider: Provider,
    /// `None` / `"production"`, or the provider's test environment name
    /// (Pleo `"staging"`, Spendesk `"sandbox"`, Findity `"stage"`, ProSpend `"sandbox"`).
    pub environment: Option<&'a str>,
    /// The authorization server's host root instead of the environment's
    /// (the profile's base path, Spendesk's `/v1`, is appended).
    pub base_url: Option<&'a str>,
    /// The API's host root (Pleo and ProSpend have a separate API host; for
    /// the others it defaults to the base).
    pub api_base_url: Option<&'a str>,
    /// Generic servers only: the authorization endpoint.
    pub authorization_endpoint: Option<&'a str>,
    /// Generic servers only (required there): the token endpoint, used for every grant.
    pub token_endpoint: Option<&'a str>,
    /// `client_id` (required except for Spendesk API-key clients and ProSpend).
    pub client_id: &'a str,
    /// `client_secret` (`Some("")` counts as none).
    pub client_secret: Option<&'a str>,
    /// Generic servers only: client authentication; defaults to Basic with a
    /// secret and `None` (public client) without.
    pub client_auth: Option<ClientAuth>,
    /// `redirect_uri` (https, or http on loopback).
    pub redirect_uri: Option<&'a str>,
    /// `false` lets a generic server's code exchange go without a PKCE
    /// verifier (RFC 9700 §2.1.1 makes PKCE the default). Providers whose
    /// profile requires PKCE ignore it.
    pub pkce: bool,
    /// Overrides of the profile's guesses (see [`ProfileOverrides`]).
    pub overrides: ProfileOverrides,
}

impl fmt::Debug for ClientOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("provider", &self.provider)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("api_base_url", &self.api_base_url)
            .field("authorization_endpoint", &self.authorization_endpoint)
            .field("token_endpoint", &self.token_endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.map(|_| "[redacted]"))
            .field("client_auth", &self.client_auth)
            .field("redirect_uri", &self.redirect_uri)
            .field("pkce", &self.pkce)
            .field("overrides", &self.overrides)
            .finish()
    }
}

impl<'a> ClientOptions<'a> {
    /// Options for `provider` with everything else unset and PKCE on.
    pub fn new(provider: Provider) -> Self {
        ClientOptions {
            provider,
            environment: None,
            base_url: None,
            api_base_url: None,
            authorization_endpoint: None,
            token_endpoint: None,
            client_id: "",
            client_secret: None,
            client_auth: None,
            redirect_uri: None,
            pkce: true,
            overrides: ProfileOverrides::default(),
        }
    }
}

/// A client of one provider (or generic server): its profile, resolved
/// endpoints and credentials. Built only by [`ClientConfig::new`], so every
/// endpoint in it passed the URL checks.
#[derive(Clone)]
pub struct ClientConfig {
    profile: &'static Profile,
    endpoints: Endpoints,
    client_id: String,
    client_secret: Option<Secret>,
    auth: ClientAuth,
    redirect_uri: Option<String>,
    pkce: bool,
    overrides: ProfileOverrides,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("provider", &self.profile.provider)
            .field("endpoints", &self.endpoints)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("auth", &self.auth)
            .field("pkce", &self.pkce)
            .field("overrides", &self.overrides)
            .finish_non_exhaustive()
    }
}

fn arg(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

/// `v`, refused when empty. Inlined: a `Result<&str>` comes back through
/// memory, where the inlined test is a compare and the shared `Error::about`.
#[inline(always)]
fn require<'a>(v: &'a str, what: &str) -> Result<&'a str> {
    if v.is_empty() {
        Err(Error::about(
            ErrorCode::InvalidArgument,
            what,
            " must not be empty",
        ))
    } else {
        Ok(v)
    }
}

/// An optional URL option, checked into `slot` (no `Result<Option<_>>` moved).
fn opt_endpoint(slot: &mut Option<Endpoint>, url: Option<&str>, what: &str) -> Result<()> {
    if let Some(u) = url {
        *slot = Some(parse_endpoint(u, what)?);
    }
    Ok(())
}

impl ClientConfig {
    /// Checks `o` against the provider's profile and resolves its endpoints.
    /// `INVALID_ARGUMENT` for a missing `clientId`/`tokenEndpoint`, an option
    /// the provider does not take, or a `clientAuth` without a secret;
    /// `INVALID_URL`/`INSECURE_URL` for bad URLs.
    ///
    /// Always inlined: the wasm has one caller (the boundary's client
    /// construction), where the options the driver never sets for a class
    /// fold away.
    #[inline(always)]
    pub fn new(o: &ClientOptions) -> Result<ClientConfig> {
        let profile = o.provider.profile();
        // Only the generic profile takes its endpoints and client
        // authentication from the caller.
        let generic = o.provider == Provider::Rfc6749;
        if profile.client_id_required {
            require(o.client_id, "clientId")?;
        }
        // The options this provider does not take (checked before any URL).
        let ov = o.overrides;
        let refused = if generic {
            if o.environment.is_some() || o.base_url.is_some() {
                "environment or baseUrl"
            } else if ov.code_exchange_auth.is_some() || ov.refresh_auth.is_some() {
                "codeExchangeAuth/refreshAuth (use clientAuth)"
            } else {
                ""
            }
        } else if o.client_auth.is_some() {
            "clientAuth"
        } else if o.token_endpoint.is_some() || o.authorization_endpoint.is_some() {
            "tokenEndpoint/authorizationEndpoint"
        } else {
            ""
        };
        let refused = if refused.is_empty()
            && ov.api_key_method.is_some()
            && profile.rules(GrantKind::ApiKey).is_none()
        {
            "apiKeyMethod"
        } else {
            refused
        };
        if !refused.is_empty() {
            return Err(takes_no(profile, refused));
        }
        if ov.body_encoding == Some(BodyEncoding::Empty) {
            return Err(arg("bodyEncoding must be form or json"));
        }
        // The secret is copied last (no error path drops it).
        let secret = o.client_secret.filter(|s| !s.is_empty());
        let auth = match o.client_auth {
            Some(a) => a,
            None if secret.is_some() => ClientAuth::Basic,
            None => ClientAuth::None,
        };
        if auth != ClientAuth::None && secret.is_none() {
            return Err(arg("clientAuth basic/post needs clientSecret"));
        }
        let endpoints = if generic {
            let token = parse_endpoint(
                o.token_endpoint
                    .ok_or_else(|| arg("tokenEndpoint is required"))?,
                "tokenEndpoint",
            )?;
            let (mut authorization, mut api) = (None, None);
            opt_endpoint(
                &mut authorization,
                o.authorization_endpoint,
                "authorizationEndpoint",
            )?;
            opt_endpoint(&mut api, o.api_base_url, "apiBaseUrl")?;
            Endpoints {
                authorization,
                refresh: Some(token.clone()),
                client_credentials: Some(token.clone()),
                token: Some(token),
                api_key: None,
                authorization_grant: None,
                api_base: api_base(api.as_ref()),
            }
        } else {
            Endpoints::resolve(o.provider, o.environment, o.base_url, o.api_base_url)?
        };
        if let Some(r) = o.redirect_uri {
            crate::url::check_endpoint(r, "redirectUri")?;
        }
        Ok(ClientConfig {
            profile,
            endpoints,
            client_id: o.client_id.to_owned(),
            client_secret: secret.map(Secret::new),
            auth,
            redirect_uri: o.redirect_uri.map(str::to_owned),
            pkce: o.pkce,
            overrides: ov,
        })
    }

    /// Whose rules.
    pub fn provider(&self) -> Provider {
        self.profile.provider
    }
    /// The profile (the data the requests and answers follow).
    pub fn profile(&self) -> &'static Profile {
        self.profile
    }
    /// The resolved endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }
    /// The authorization endpoint, if the provider (or caller) has one.
    pub fn authorization_endpoint(&self) -> Option<&Endpoint> {
        self.endpoints.authorization.as_ref()
    }
    /// The API base URL without a trailing `/`, if known.
    pub fn api_base_url(&self) -> Option<&str> {
        self.endpoints.api_base.as_deref()
    }
    /// `client_id`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    /// `redirect_uri`.
    pub fn redirect_uri(&self) -> Option<&str> {
        self.redirect_uri.as_deref()
    }
    /// Whether a client secret was given.
    pub fn has_client_secret(&self) -> bool {
        self.client_secret.is_some()
    }
    /// The `pkce` option (see [`ClientOptions::pkce`]).
    pub fn pkce(&self) -> bool {
        self.pkce
    }
    /// The overrides of the profile's guesses.
    pub fn overrides(&self) -> &ProfileOverrides {
        &self.overrides
    }

    /// The authorization URL for this client (RFC 6749 §4.1.1, PKCE S256),
    /// with its endpoint, `client_id` and `redirect_uri`. See
    /// [`crate::authorize::AuthorizationRequest::build`] for the checks.
    /// Inlined into the boundary's op, its one wasm caller.
    #[inline(always)]
    pub fn authorization_url(
        &self,
        scopes: &[&str],
        state: Option<&str>,
        code_challenge: &str,
        extra_params: &[(&str, &str)],
    ) -> Result<String> {
        let endpoint = self
            .authorization_endpoint()
            .ok_or_else(|| arg("no authorizationEndpoint"))?;
        crate::authorize::AuthorizationRequest {
            authorization_endpoint: endpoint.as_str(),
            client_id: &self.client_id,
            redirect_uri: self.redirect_uri.as_deref(),
            scopes,
            state,
            code_challenge,
            extra_params,
        }
        .build()
    }

    fn id(&self) -> Result<&str> {
        require(&self.client_id, "clientId")
    }

    /// The HTTP request for `grant`, following the profile's rules for it.
    /// `INVALID_ARGUMENT` when the provider has no such grant or a required
    /// piece (secret, verifier, redirect URI) is missing, before anything is sent.
    pub fn token_request(&self, grant: &Grant) -> Result<HttpRequest> {
        use ClientAuthRule as A;
        let kind = grant.kind();
        let p = self.profile;
        let (Some(rules), Some(url)) = (p.rules(kind), self.endpoints.for_grant(kind)) else {
            return Err(takes_no(p, kind.describe()));
        };
        if let Grant::ApiKey { key_id, key_secret } = *grant {
            let get = self.overrides.api_key_method == Some(ApiKeyMethod::Get);
            return api_key_request(if get { "GET" } else { "POST" }, url, key_id, key_secret);
        }
        // The client's override, else the grant's rule (`Configured`: the
        // client's own `clientAuth`).
        let chosen = match kind {
            GrantKind::AuthorizationCode => self.overrides.code_exchange_auth,
            GrantKind::RefreshToken => self.overrides.refresh_auth,
            _ => None,
        }
        .or((rules.client_auth == A::Configured).then_some(self.auth));
        // `ClientAuth` in declaration order: Basic, Post, None.
        let auth = chosen.map_or(rules.client_auth, |c| {
            [A::Basic, A::Body, A::ClientIdOnly][c as usize]
        });
        // Only the API-key request (returned above) is bodiless, and `new`
        // refuses an `Empty` override.
        let encoding = self.overrides.body_encoding.unwrap_or(rules.encoding);
        let mut body = Body::new(encoding == BodyEncoding::Json);
        body.add("grant_type", kind.grant_type());
        // HTTP Basic credentials, encoded last (no error path drops them).
        let mut basic = None;
        // (`Configured` was mapped above; `ApiKeyBasic` is the API key's, which returned.)
        if auth != A::Nothing {
            let id = self.id()?;
            let secret = match auth {
                A::ClientIdOnly => None,
                _ => self.client_secret.as_ref().map(Secret::expose),
            };
            if secret.is_none() && matches!(auth, A::Basic | A::Body) {
                return Err(arg("clientSecret is required"));
            }
            match secret {
                Some(s) if auth == A::Basic => basic = Some((id, s)),
                _ => {
                    body.add("client_id", id);
                    if let Some(s) = secret {
                        body.add("client_secret", s);
                    }
                }
            }
        }
        match *grant {
            Grant::AuthorizationCode {
                code,
                code_verifier,
            } => {
                body.add("code", require(code, "code")?);
                match (rules.redirect_uri, self.redirect_uri.as_deref()) {
                    (RedirectRule::Never, _) | (RedirectRule::IfConfigured, None) => {}
                    (_, Some(r)) => body.add("redirect_uri", r),
                    (RedirectRule::Required, None) => return Err(arg("redirectUri is required")),
                }
                // An empty verifier is no verifier (a JS caller's "").
                let v = code_verifier.unwrap_or("");
                if rules.pkce != PkceRule::NotUsed {
                    if !v.is_empty() {
                        crate::pkce::validate_verifier(v)?;
                        body.add("code_verifier", v);
                    } else if rules.pkce == PkceRule::Required {
                        return Err(arg("codeVerifier is required"));
                    } else if self.pkce {
                        return Err(arg("codeVerifier is required (or pkce: false)"));
                    }
                }
            }
            Grant::RefreshToken { refresh_token } => {
                body.add("refresh_token", require(refresh_token, "refreshToken")?)
            }
            Grant::ClientCredentials { scopes } => {
                if matches!(auth, A::ClientIdOnly | A::Nothing) {
                    return Err(arg("client credentials need clientAuth basic or post"));
                }
                let mut scope = String::new();
                for s in scopes {
                    crate::authorize::check_scope_token(s)?;
                    if !scope.is_empty() {
                        scope.push(' ');
                    }
                    scope.push_str(s);
                }
                if !scope.is_empty() {
                    body.add("scope", &scope);
                }
            }
            Grant::ApiKey { .. } => {}
        }
        Ok(post(
            "POST",
            url,
            Some(body),
            basic.map(|(id, s)| http::basic_auth_rfc6749(id, s)),
        ))
    }

    /// Reads a token endpoint's answer to a `kind` grant. `now_ms` is the
    /// clock (ms since the epoch) read once, before the request was sent.
    #[inline(always)]
    pub fn process_token_response(
        &self,
        kind: GrantKind,
        resp: &HttpResponse,
        now_ms: f64,
    ) -> Result<TokenSet> {
        process_with(
            self.profile,
            kind,
            resp,
            now_ms,
            self.overrides.expires_in_unit,
        )
    }

    /// The refresh token a success answer carries, even when the rest of the
    /// answer fails [`ClientConfig::process_token_response`]'s checks: a
    /// server that answered a refresh with 2xx may have rotated the refresh
    /// token already, and the spent one must not be used again (issue 9:
    /// "a token set the server has issued is never dropped"). `None` for a
    /// non-success status, a body that is not a JSON object, or no usable
    /// `refresh_token` (outside RFC 6749 A.17 VSCHAR, the same rule as
    /// [`ClientConfig::process_token_response`]'s). The session's
    /// [`refresh_outcome`](crate::session::refresh_outcome) uses it.
    pub fn issued_refresh_token(&self, kind: GrantKind, resp: &HttpResponse) -> Option<Secret> {
        if !is_success(rules_for(self.profile, kind).created_ok, resp.status) {
            return None;
        }
        let o = json::parse_object(&resp.body)?;
        o.str("refresh_token")
            .filter(|t| is_refresh_token(t))
            .map(Secret::new)
    }

    /// Findity's user authorization-grant request (see
    /// [`findity_authorization_grant_request`]) to this client's endpoint.
    /// Inlined (with that function) into the boundary's token-request op.
    #[inline(always)]
    pub fn authorization_grant_request(
        &self,
        org_access_token: &str,
        user_id: &str,
    ) -> Result<HttpRequest> {
        let url = self
            .endpoints
            .authorization_grant
            .as_ref()
            .ok_or_else(|| takes_no(self.profile, "authorization grant"))?;
        findity_authorization_grant_request(url, org_access_token, user_id)
    }
}

/// A request body being built: form-encoded (RFC 6749 §4.1.3) or a JSON
/// object of strings (Spendesk).
struct Body {
    json: bool,
    text: String,
}

impl Body {
    fn new(json: bool) -> Body {
        Body {
            json,
            text: String::new(),
        }
    }

    fn add(&mut self, k: &str, v: &str) {
        let first = self.text.is_empty();
        let t = &mut self.text;
        if self.json {
            t.push(if first { '{' } else { ',' });
            http::json_string(k, t);
            t.push(':');
            http::json_string(v, t);
        } else {
            if !first {
                t.push('&');
            }
            encode_form_component(k, t);
            t.push('=');
            encode_form_component(v, t);
        }
    }
}

/// A `method` (`POST`, or `GET` for a bodiless request) to `url` accepting
/// JSON, with `body` (and its content type) and an `Authorization` header if
/// given.
fn post(
    method: &'static str,
    url: &Endpoint,
    body: Option<Body>,
    authorization: Option<String>,
) -> HttpRequest {
    let mut headers = Vec::new();
    let body = body.map(|mut b| {
        let ct = if b.json {
            b.text.push('}');
            http::JSON
        } else {
            http::FORM
        };
        headers.push(("content-type", ct.to_owned()));
        b.text
    });
    headers.push(("accept", http::JSON.to_owned()));
    if let Some(a) = authorization {
        headers.push(("authorization", a));
    }
    HttpRequest {
        method,
        url: url.as_str().to_owned(),
        headers,
        body,
    }
}

/// Spendesk's API-key token request (spendesk-authentication.txt): `POST /auth/token`
/// with `Authorization: Basic base64("id:secret")` — plain base64 of `id:secret`
/// as Spendesk documents it (`my_id:my_secret` → `bXlfaWQ6bXlfc2VjcmV0`), not
/// RFC 6749's form-encoded variant. The id must not contain `:` (Basic
/// credentials are split at the first one).
pub fn spendesk_api_key_request(
    url: &Endpoint,
    key_id: &str,
    key_secret: &str,
) -> Result<HttpRequest> {
    api_key_request("POST", url, key_id, key_secret)
}

/// [`spendesk_api_key_request`] with `method` (the `apiKeyMethod` override).
/// Inlined into `token_request`, its one wasm caller.
#[inline(always)]
fn api_key_request(
    method: &'static str,
    url: &Endpoint,
    key_id: &str,
    key_secret: &str,
) -> Result<HttpRequest> {
    if key_id.is_empty() || crate::url::find_byte(key_id, b':').is_some() {
        return Err(arg("apiKeyId must be non-empty, without ':'"));
    }
    require(key_secret, "apiKeySecret")?;
    Ok(post(
        method,
        url,
        None,
        Some(http::basic_auth(key_id, key_secret)),
    ))
}

/// Findity's user authorization grant (findity-authentication.txt): `POST
/// /api/oauth/authorization-grant` with the organisation token as Bearer and
/// `user_id` in a form body; answers `{"code": ...}`.
#[inline(always)]
pub fn findity_authorization_grant_request(
    url: &Endpoint,
    org_access_token: &str,
    user_id: &str,
) -> Result<HttpRequest> {
    if !is_access_token(org_access_token) {
        return Err(arg("accessToken must be visible ASCII"));
    }
    let user_id = require(user_id, "userId")?;
    let mut body = Body::new(false);
    body.add("user_id", user_id);
    let mut bearer = String::from("Bearer ");
    bearer.push_str(org_access_token);
    Ok(post("POST", url, Some(body), Some(bearer)))
}

/// Reads the authorization-grant answer: the single-use code. Inlined into
/// the boundary's answer op, its one wasm caller.
#[inline(always)]
pub fn process_findity_authorization_grant(resp: &HttpResponse) -> Result<Secret> {
    let o = success_object(
        &crate::providers::FINDITY,
        GrantKind::ClientCredentials,
        true,
        resp,
    )?;
    match o.str("code") {
        Some(c) if crate::encoding::is_vschars(&c) => Ok(Secret::new(c)),
        _ => Err(invalid_response("no usable code", resp.status)),
    }
}

/// The server's error fields: RFC 6749 §5.2 `error`/`error_description`/`error_uri`,
/// and for [`ErrorShape::SpendeskErrors`] also `errors[0].code`/`errors[0].detail`.
/// `error_uri` is kept only if it is an absolute https URL ([`http::https_uri`]).
#[inline(never)]
fn server_error_fields(
    o: &Object,
    shape: ErrorShape,
) -> Option<(String, Option<String>, Option<String>)> {
    if let Some(e) = o.str("error") {
        let uri = o.str("error_uri").filter(|u| http::https_uri(u).is_some());
        return Some((e, o.str("error_description"), uri));
    }
    if shape != ErrorShape::SpendeskErrors {
        return None;
    }
    let first = o.first_object_in("errors")?;
    let code = first.str("code").or_else(|| first.str("title"))?;
    Some((code, first.str("detail"), None))
}

/// The rules to read an answer to `kind` with: the grant's own, or (for a
/// grant the provider lacks, e.g. `parseTokenResponse` with any grant name)
/// its code exchange's (every profile with grants has one), or a standard
/// server's.
fn rules_for(p: &'static Profile, kind: GrantKind) -> &'static GrantRules {
    p.rules(kind)
        .or(p.rules(GrantKind::AuthorizationCode))
        .unwrap_or(&crate::providers::RFC_GRANT)
}

/// Everything but the body's success checks: redirect, size, status, errors.
/// Returns the parsed object of a successful answer.
fn success_object(
    p: &Profile,
    kind: GrantKind,
    created_ok: bool,
    resp: &HttpResponse,
) -> Result<Object> {
    // Every error carries the status: attached once, here.
    answer_object(p, kind, created_ok, resp).map_err(|e| e.with_status(resp.status))
}

fn answer_object(
    p: &Profile,
    kind: GrantKind,
    created_ok: bool,
    resp: &HttpResponse,
) -> Result<Object> {
    let status = resp.status;
    if status == 0 || (300..400).contains(&status) {
        return Err(Error::new(
            ErrorCode::UnexpectedRedirect,
            "unexpected redirect",
        ));
    }
    http::check_body_len(resp.body.len())?;
    let parsed = json::parse_object(&resp.body);
    if is_success(created_ok, status) {
        return parsed
            .ok_or_else(|| Error::new(ErrorCode::InvalidResponse, "answer is not a JSON object"));
    }
    let fields = parsed.and_then(|o| server_error_fields(&o, p.errors));
    let (e, d, u) = match &fields {
        Some((e, d, u)) => (Some(e.as_str()), d.as_deref(), u.as_deref()),
        None => (None, None, None),
    };
    let code = if kind == GrantKind::RefreshToken
        && (e == Some("invalid_grant")
            || (p.reconnect_on_401_403 && (status == 401 || status == 403)))
    {
        ErrorCode::ReconnectRequired
    } else if status >= 500 {
        ErrorCode::ServerError
    } else if e.is_some() {
        ErrorCode::OAuthError
    } else {
        ErrorCode::HttpError
    };
    let mut msg = String::from(if code == ErrorCode::ReconnectRequired {
        "refresh token refused: HTTP "
    } else {
        "HTTP "
    });
    msg.push_str(&crate::encoding::decimal(i64::from(status)));
    if let Some(e) = e {
        msg.push_str(": ");
        msg.push_str(e);
        if let Some(d) = d.filter(|d| !d.is_empty()) {
            msg.push_str(": ");
            msg.push_str(d);
        }
    }
    // Server text is bounded in the message too (cut on a char boundary).
    Err(Error::new(code, crate::error::truncate(&msg)).with_server_error(e, d, u))
}

/// Whether `status` means success: 200, or 201 when `created_ok`.
fn is_success(created_ok: bool, status: u16) -> bool {
    status == 200 || (created_ok && status == 201)
}

#[inline(never)]
fn invalid_response(msg: &str, status: u16) -> Error {
    Error::new(ErrorCode::InvalidResponse, msg).with_status(status)
}

/// A whole number of seconds sent as a string (`"3600"`). Fractions and
/// exponents are refused: no server sends them, and a float parser would
/// add kilobytes to the wasm.
fn parse_seconds(s: &str) -> Option<f64> {
    if s.is_empty() || s.len() > 15 || !crate::url::all_in(s, crate::url::DIGIT) {
        return None;
    }
    // At most 15 digits: exact in an `f64` (under 2^53).
    let mut n = 0.0;
    for &b in s.as_bytes() {
        n = n * 10.0 + f64::from(b - b'0');
    }
    Some(n)
}

/// An access token goes after `Bearer ` in an `Authorization` header: RFC
/// 6749 A.12 allows VSCHAR (%x20-7E); a space would split the header value
/// (RFC 6750 §2.1's b64token has none), and anything outside printable ASCII
/// (CR, LF, NUL, non-ASCII) cannot be carried by a header value at all.
pub fn is_access_token(t: &str) -> bool {
    !t.is_empty() && crate::url::all_in(t, crate::url::VISIBLE)
}

/// RFC 6749 A.17: `refresh-token = 1*VSCHAR` (%x20-7E).
pub fn is_refresh_token(t: &str) -> bool {
    crate::encoding::is_vschars(t)
}

/// The JWT `exp` of `token` in ms (`Ok(None)` when it has none).
fn jwt_exp_ms(token: &str) -> Result<Option<f64>> {
    Ok(crate::jwt::decode_unverified(token)?
        .exp()?
        .map(|exp| exp * 1000.0))
}

/// The expiry, a whole number of ms in `[0, now + MAX_LIFETIME_MS]`: from
/// `expires_in` (seconds) or the access token's JWT `exp`, the latter first
/// when `jwt_first`.
fn expires_at(
    jwt_first: bool,
    expires_in: Option<f64>,
    access_token: &str,
    now_ms: f64,
) -> Option<f64> {
    if !now_ms.is_finite() {
        return None;
    }
    let now = now_ms.floor();
    let cap = now + MAX_LIFETIME_MS;
    // `round` of at most `MAX_LIFETIME_MS` (a whole number) is at most it,
    // so the sum is at most `cap` (float addition is monotonic).
    let from_secs = expires_in.map(|secs| now + round(min(secs * 1000.0, MAX_LIFETIME_MS)));
    // The JWT is decoded only when its `exp` may be used.
    let from_jwt = if jwt_first || from_secs.is_none() {
        jwt_exp_ms(access_token)
            .ok()
            .flatten()
            // Never NaN: `exp()` keeps only |exp| <= jwt's MAX_NUMERIC_DATE.
            // Not `clamp(0.0, cap)`: it panics when `cap < 0` (a clock before
            // 1960); then the cap wins, as for `expires_in`.
            .map(|e| min(if e > 0.0 { e } else { 0.0 }, cap).floor())
    } else {
        None
    };
    if jwt_first {
        from_jwt.or(from_secs)
    } else {
        from_secs.or(from_jwt)
    }
}

/// `a.min(b)` for a non-NaN `b`, by one compare (`f64::min`'s NaN rules are
/// a chain of selects in the wasm); a NaN `a` gives `b`, as `min` does.
fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// `x.round()` for `x >= 0` (half away from zero) by `floor`, a wasm
/// instruction (`round` is a libm routine there); `x - floor(x)` is exact.
fn round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
    }
}

/// Reads a token answer under `provider`'s profile (see [`crate::providers`]).
pub fn process_token_response(
    provider: Provider,
    kind: GrantKind,
    resp: &HttpResponse,
    now_ms: f64,
) -> Result<TokenSet> {
    process_with(provider.profile(), kind, resp, now_ms, None)
}

fn process_with(
    p: &'static Profile,
    kind: GrantKind,
    resp: &HttpResponse,
    now_ms: f64,
    unit: Option<ExpiresInUnit>,
) -> Result<TokenSet> {
    let rules = rules_for(p, kind);
    let o = success_object(p, kind, rules.created_ok, resp)?;

    // Read with `kind`/`str`/`num` (no `Value` built per member).
    let Some(access_token) = o.str("access_token").filter(|t| is_access_token(t)) else {
        return Err(invalid_response("no usable access_token", resp.status));
    };
    // RFC 6749 §5.1: token_type is required and (§7.1) case-insensitive.
    // Spendesk's answers may omit it; its tokens are Bearer tokens.
    match o.str("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => {}
        None if p.token_type_may_be_absent && o.kind("token_type") == Kind::Missing => {}
        _ => return Err(invalid_response("token_type must be Bearer", resp.status)),
    }
    let expires_in = match o.kind("expires_in") {
        Kind::Missing | Kind::Null => None,
        Kind::Number => o.num("expires_in"),
        // Some servers send the number as a string.
        Kind::String => Some(
            o.str("expires_in")
                .and_then(|s| parse_seconds(s.trim_ascii()))
                .unwrap_or(f64::NAN),
        ),
        _ => Some(f64::NAN),
    };
    if expires_in.is_some_and(|n| n.is_nan() || n < 0.0) {
        return Err(invalid_response("invalid expires_in", resp.status));
    }
    let refresh_token = match o.str("refresh_token") {
        Some(t) if t.is_empty() => None,
        Some(t) if is_refresh_token(&t) => Some(Secret::new(t)),
        None if matches!(o.kind("refresh_token"), Kind::Missing | Kind::Null) => None,
        _ => return Err(invalid_response("invalid refresh_token", resp.status)),
    };
    let scope = o.str("scope").and_then(|s| {
        let mut b = s.into_bytes();
        if rules.scope_plus_is_space {
            for c in &mut b {
                if *c == b'+' {
                    *c = b' ';
                }
            }
        }
        // ASCII for ASCII: still UTF-8 (the crate's decoder, not std's
        // `from_utf8`, which only this would link in).
        crate::encoding::utf8(&b, true)
    });
    // `expires_in` in seconds: a caller-given unit, else the profile's; the
    // profile still says whether the JWT `exp` comes first.
    let unit = unit.unwrap_or(match rules.expiry {
        Expiry::PleoSecondsOrMillis => ExpiresInUnit::Auto,
        _ => ExpiresInUnit::Seconds,
    });
    let expires_in = expires_in.map(|n| match unit {
        ExpiresInUnit::Milliseconds => n / 1000.0,
        ExpiresInUnit::Auto if n > PLEO_MILLIS_THRESHOLD => n / 1000.0,
        _ => n,
    });
    Ok(TokenSet {
        expires_at: expires_at(
            rules.expiry == Expiry::JwtExp,
            expires_in,
            &access_token,
            now_ms,
        ),
        access_token: Secret::new(access_token),
        token_type: "Bearer".to_owned(),
        refresh_token,
        scope,
        raw: o,
    })
}

/// The checks a static bearer token (ProSpend) passes before it is used:
/// it decodes as a JWT, and its `exp` (if any) is after `now_ms`. Returns
/// `exp` in whole milliseconds, capped at [`MAX_LIFETIME_MS`] after `now_ms`.
/// prospend-authentication.txt: tokens are JWTs, "valid for 2 years by
/// default", revocable, sent only over HTTPS.
pub fn check_static_jwt(token: &str, now_ms: f64) -> Result<Option<f64>> {
    let exp_ms = jwt_exp_ms(token)?;
    if !is_access_token(token) {
        return Err(Error::new(
            ErrorCode::InvalidJwt,
            "token must be visible ASCII",
        ));
    }
    if exp_ms.is_some_and(|exp| exp <= now_ms) {
        return Err(Error::new(ErrorCode::TokenExpired, "token expired"));
    }
    let cap = if now_ms.is_finite() {
        now_ms.floor()
    } else {
        0.0
    } + MAX_LIFETIME_MS;
    Ok(exp_ms.map(|e| min(e, cap).floor()))
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
