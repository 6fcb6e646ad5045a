//! Token requests and token responses, sans-IO: [`ClientConfig::token_request`]
//! builds the HTTP request for a grant, [`ClientConfig::process_token_response`]
//! turns the answer into a [`TokenSet`] or a coded [`Error`] (after
//! oauth4webapi's `xxxRequest` / `processXxxResponse` pairs).
//!
//! Every provider difference (endpoints, client authentication, body
//! encoding, success statuses, expiry source, error shape, what each grant
//! needs) is data in [`crate::providers`]; this module only reads it. Build a
//! configuration with [`ClientConfig::new`] from [`ClientOptions`].

use crate::encoding::form_encode;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{self, HttpRequest, HttpResponse};
use crate::json::{self, JsonObject, Kind, Object};
use crate::providers::{
    ApiKeyMethod, BodyEncoding, ClientAuthRule, Endpoints, ErrorShape, ExpiresInUnit, Expiry,
    GrantRules, PkceRule, Profile, ProfileOverrides, RedirectRule,
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
            GrantKind::AuthorizationCode => "authorization-code",
            GrantKind::RefreshToken => "refresh-token",
            GrantKind::ClientCredentials => "client-credentials",
            GrantKind::ApiKey => "API-key",
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

fn require<'a>(v: &'a str, what: &str) -> Result<&'a str> {
    if v.is_empty() {
        Err(arg(&[what, " must not be empty"].concat()))
    } else {
        Ok(v)
    }
}

impl ClientConfig {
    /// Checks `o` against the provider's profile and resolves its endpoints.
    /// `INVALID_ARGUMENT` for a missing `clientId`/`tokenEndpoint`, an option
    /// the provider does not take, or a `clientAuth` without a secret;
    /// `INVALID_URL`/`INSECURE_URL` for bad URLs.
    pub fn new(o: &ClientOptions) -> Result<ClientConfig> {
        let profile = o.provider.profile();
        if profile.client_id_required {
            require(o.client_id, "clientId")?;
        }
        let client_secret = o.client_secret.filter(|s| !s.is_empty()).map(Secret::new);
        let generic = profile.auth_hosts.is_none() && profile.authorization_code.is_some();
        let auth = match (generic, o.client_auth) {
            (false, Some(_)) => {
                return Err(arg(&[
                    profile.name,
                    " takes no clientAuth: its profile fixes it",
                ]
                .concat()))
            }
            (_, Some(a)) => a,
            (_, None) if client_secret.is_some() => ClientAuth::Basic,
            (_, None) => ClientAuth::None,
        };
        if generic && auth != ClientAuth::None && client_secret.is_none() {
            return Err(arg("clientAuth \"basic\" and \"post\" need clientSecret"));
        }
        let endpoints = if generic {
            if o.environment.is_some() || o.base_url.is_some() {
                return Err(arg(
                    "a generic OAuth 2.0 client takes tokenEndpoint and authorizationEndpoint, not environment or baseUrl",
                ));
            }
            let token = parse_endpoint(
                o.token_endpoint
                    .ok_or_else(|| arg("tokenEndpoint is required"))?,
                "tokenEndpoint",
            )?;
            Endpoints {
                authorization: o
                    .authorization_endpoint
                    .map(|u| parse_endpoint(u, "authorizationEndpoint"))
                    .transpose()?,
                refresh: Some(token.clone()),
                client_credentials: Some(token.clone()),
                token: Some(token),
                api_key: None,
                authorization_grant: None,
                api_base: o
                    .api_base_url
                    .map(|u| parse_endpoint(u, "apiBaseUrl"))
                    .transpose()?
                    .map(|e| crate::url::trim_end_byte(e.as_str(), b'/').to_owned()),
            }
        } else {
            if o.token_endpoint.is_some() || o.authorization_endpoint.is_some() {
                return Err(arg(&[
                    profile.name,
                    "'s endpoints come from its profile: use environment or baseUrl",
                ]
                .concat()));
            }
            Endpoints::resolve(o.provider, o.environment, o.base_url, o.api_base_url)?
        };
        if let Some(r) = o.redirect_uri {
            parse_endpoint(r, "redirectUri")?;
        }
        let ov = o.overrides;
        if ov.body_encoding == Some(BodyEncoding::Empty) {
            return Err(arg("the body encoding override must be form or JSON"));
        }
        if generic && (ov.code_exchange_auth.is_some() || ov.refresh_auth.is_some()) {
            return Err(arg(
                "a generic OAuth 2.0 client sets its client authentication with clientAuth",
            ));
        }
        if ov.api_key_method.is_some() && profile.api_key.is_none() {
            return Err(arg(&[profile.name, " has no API-key grant"].concat()));
        }
        Ok(ClientConfig {
            profile,
            endpoints,
            client_id: o.client_id.to_owned(),
            client_secret,
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
    pub fn authorization_url(
        &self,
        scopes: &[&str],
        state: Option<&str>,
        code_challenge: &str,
        extra_params: &[(&str, &str)],
    ) -> Result<String> {
        let endpoint = self
            .authorization_endpoint()
            .ok_or_else(|| arg("this client has no authorizationEndpoint"))?;
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

    fn secret(&self) -> Result<&str> {
        match &self.client_secret {
            Some(s) => Ok(s.expose()),
            None => Err(arg("this flow needs clientSecret")),
        }
    }

    fn id(&self) -> Result<&str> {
        require(&self.client_id, "clientId")
    }

    /// The HTTP request for `grant`, following the profile's rules for it.
    /// `INVALID_ARGUMENT` when the provider has no such grant or a required
    /// piece (secret, verifier, redirect URI) is missing, before anything is sent.
    pub fn token_request(&self, grant: &Grant) -> Result<HttpRequest> {
        let kind = grant.kind();
        let p = self.profile;
        let no_grant = || arg(&[p.name, " has no ", kind.describe(), " grant"].concat());
        let rules = p.rules(kind).ok_or_else(no_grant)?;
        let url = self.endpoints.for_grant(kind).ok_or_else(no_grant)?;
        if let Grant::ApiKey { key_id, key_secret } = *grant {
            let mut req = spendesk_api_key_request(url, key_id, key_secret)?;
            if self.overrides.api_key_method == Some(ApiKeyMethod::Get) {
                req.method = "GET";
            }
            return Ok(req);
        }
        let auth_override = match kind {
            GrantKind::AuthorizationCode => self.overrides.code_exchange_auth,
            GrantKind::RefreshToken => self.overrides.refresh_auth,
            _ => None,
        };
        let rule = match auth_override {
            Some(ClientAuth::Basic) => ClientAuthRule::Basic,
            Some(ClientAuth::Post) => ClientAuthRule::Body,
            Some(ClientAuth::None) => ClientAuthRule::ClientIdOnly,
            None => rules.client_auth,
        };
        let auth = match (rule, self.auth) {
            (ClientAuthRule::Configured, ClientAuth::Basic) => ClientAuthRule::Basic,
            (ClientAuthRule::Configured, ClientAuth::Post) => ClientAuthRule::Body,
            (ClientAuthRule::Configured, ClientAuth::None) => ClientAuthRule::ClientIdOnly,
            (r, _) => r,
        };
        let scope: String;
        let mut pairs: Vec<(&str, &str)> = vec![("grant_type", kind.grant_type())];
        let mut authorization = None;
        match auth {
            ClientAuthRule::Basic => {
                authorization = Some(http::basic_auth_rfc6749(self.id()?, self.secret()?))
            }
            ClientAuthRule::Body => {
                pairs.push(("client_id", self.id()?));
                pairs.push(("client_secret", self.secret()?));
            }
            ClientAuthRule::BodySecretIfAny => {
                pairs.push(("client_id", self.id()?));
                if let Some(s) = &self.client_secret {
                    pairs.push(("client_secret", s.expose()));
                }
            }
            ClientAuthRule::ClientIdOnly => pairs.push(("client_id", self.id()?)),
            ClientAuthRule::Nothing | ClientAuthRule::ApiKeyBasic | ClientAuthRule::Configured => {}
        }
        match *grant {
            Grant::AuthorizationCode {
                code,
                code_verifier,
            } => {
                pairs.push(("code", require(code, "code")?));
                match (rules.redirect_uri, &self.redirect_uri) {
                    (RedirectRule::Never, _) => {}
                    (_, Some(r)) => pairs.push(("redirect_uri", r)),
                    (RedirectRule::Required, None) => {
                        return Err(arg(&[p.name, "'s code exchange needs redirectUri"].concat()))
                    }
                    (RedirectRule::IfConfigured, None) => {}
                }
                // An empty verifier is no verifier (a JS caller's "").
                match (rules.pkce, code_verifier.filter(|v| !v.is_empty())) {
                    (PkceRule::NotUsed, _) => {}
                    (_, Some(v)) => {
                        crate::pkce::validate_verifier(v)?;
                        pairs.push(("code_verifier", v));
                    }
                    (PkceRule::RequiredUnlessOptedOut, None) if !self.pkce => {}
                    (PkceRule::RequiredUnlessOptedOut, None) => return Err(arg(
                        "the code exchange needs the PKCE codeVerifier (RFC 9700 §2.1.1); build the client with pkce: false to exchange without one",
                    )),
                    (PkceRule::Required, None) => {
                        return Err(arg(
                            &[p.name, "'s code exchange needs the PKCE codeVerifier"].concat(),
                        ))
                    }
                }
            }
            Grant::RefreshToken { refresh_token } => {
                pairs.push(("refresh_token", require(refresh_token, "refreshToken")?))
            }
            Grant::ClientCredentials { scopes } => {
                if matches!(auth, ClientAuthRule::ClientIdOnly | ClientAuthRule::Nothing) {
                    return Err(arg(
                        "client credentials need a confidential client (clientAuth \"basic\" or \"post\")",
                    ));
                }
                for s in scopes {
                    crate::authorize::check_scope_token(s)?;
                }
                scope = scopes.join(" ");
                if !scope.is_empty() {
                    pairs.push(("scope", &scope));
                }
            }
            Grant::ApiKey { .. } => {}
        }
        let encoding = match (rules.encoding, self.overrides.body_encoding) {
            (BodyEncoding::Empty, _) => BodyEncoding::Empty,
            (_, Some(e)) => e,
            (e, None) => e,
        };
        let (content_type, body) = match encoding {
            BodyEncoding::Form => (Some(http::FORM), Some(form_encode(pairs))),
            BodyEncoding::Json => (Some(http::JSON), Some(http::json_body(&pairs))),
            BodyEncoding::Empty => (None, None),
        };
        let mut headers = Vec::with_capacity(3);
        if let Some(ct) = content_type {
            headers.push(("content-type", ct.to_owned()));
        }
        headers.push(("accept", http::JSON.to_owned()));
        if let Some(a) = authorization {
            headers.push(("authorization", a));
        }
        Ok(HttpRequest {
            method: "POST",
            url: url.as_str().to_owned(),
            headers,
            body,
        })
    }

    /// Reads a token endpoint's answer to a `kind` grant. `now_ms` is the
    /// clock (ms since the epoch) read once, before the request was sent.
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
        if !rules_for(self.profile, kind).success.contains(&resp.status) {
            return None;
        }
        let o = json::parse_object(&resp.body)?;
        o.str("refresh_token")
            .filter(|t| is_refresh_token(t))
            .map(Secret::new)
    }

    /// Findity's user authorization-grant request (see
    /// [`findity_authorization_grant_request`]) to this client's endpoint.
    pub fn authorization_grant_request(
        &self,
        org_access_token: &str,
        user_id: &str,
    ) -> Result<HttpRequest> {
        let url = self.endpoints.authorization_grant.as_ref().ok_or_else(|| {
            arg(&[self.profile.name, " has no authorization-grant endpoint"].concat())
        })?;
        findity_authorization_grant_request(url, org_access_token, user_id)
    }
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
            ("accept", http::JSON.to_owned()),
            ("authorization", http::basic_auth(key_id, key_secret)),
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
    if !is_access_token(org_access_token) {
        return Err(arg(
            "accessToken has characters an Authorization header cannot carry",
        ));
    }
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
        &crate::providers::FINDITY,
        GrantKind::ClientCredentials,
        &[200, 201],
        resp,
    )?;
    match o.str("code") {
        Some(c) if crate::encoding::is_vschars(&c) => Ok(Secret::new(c)),
        _ => Err(Error::new(
            ErrorCode::InvalidResponse,
            "the authorization-grant answer has no usable code",
        )
        .with_status(resp.status)),
    }
}

/// The server's error fields: RFC 6749 §5.2 `error`/`error_description`/`error_uri`,
/// and for [`ErrorShape::SpendeskErrors`] also `errors[0].code`/`errors[0].detail`.
/// `error_uri` is kept only if it is an absolute https URL ([`http::https_uri`]).
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
/// its code exchange's, or a standard server's.
fn rules_for(p: &'static Profile, kind: GrantKind) -> &'static GrantRules {
    p.rules(kind)
        .or(p.authorization_code.as_ref())
        .or(p.refresh_token.as_ref())
        .unwrap_or(&crate::providers::RFC_GRANT)
}

/// Everything but the body's success checks: redirect, size, status, errors.
/// Returns the parsed object of a successful answer.
fn success_object(p: &Profile, kind: GrantKind, ok: &[u16], resp: &HttpResponse) -> Result<Object> {
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
        let fields = parsed
            .as_ref()
            .and_then(|o| server_error_fields(o, p.errors));
        let status_text = crate::encoding::decimal(i64::from(status));
        let reconnect = kind == GrantKind::RefreshToken
            && (fields
                .as_ref()
                .is_some_and(|(e, _, _)| e == "invalid_grant")
                || p.reconnect_statuses.contains(&status));
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
            Some(ct)
                if ct
                    .as_bytes()
                    .windows(4)
                    .any(|w| w.eq_ignore_ascii_case(b"html")) =>
            {
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

/// An access token goes after `Bearer ` in an `Authorization` header: RFC
/// 6749 A.12 allows VSCHAR (%x20-7E); a space would split the header value
/// (RFC 6750 §2.1's b64token has none), and anything outside printable ASCII
/// (CR, LF, NUL, non-ASCII) cannot be carried by a header value at all.
pub fn is_access_token(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// RFC 6749 A.17: `refresh-token = 1*VSCHAR` (%x20-7E).
pub fn is_refresh_token(t: &str) -> bool {
    crate::encoding::is_vschars(t)
}

/// The access token's JWT `exp` in ms, if it is a JWT with one.
fn jwt_exp_ms(access_token: &str) -> Option<f64> {
    crate::jwt::decode_unverified(access_token)
        .ok()
        .and_then(|c| c.exp().ok().flatten())
        .map(|exp| exp * 1000.0)
}

/// The expiry under `rule`: a whole number of ms in `[0, now + MAX_LIFETIME_MS]`.
fn expires_at(
    rule: Expiry,
    expires_in: Option<f64>,
    access_token: &str,
    now_ms: f64,
) -> Option<f64> {
    if !now_ms.is_finite() {
        return None;
    }
    let now = now_ms.floor();
    let cap = now + MAX_LIFETIME_MS;
    let from_secs = |secs: f64| (now + (secs * 1000.0).min(MAX_LIFETIME_MS).round()).min(cap);
    let from_jwt = || {
        jwt_exp_ms(access_token)
            .filter(|e| !e.is_nan())
            // Not `clamp(0.0, cap)`: it panics when `cap < 0` (a clock before
            // 1960); then the cap wins, as for `expires_in`.
            .map(|e| e.max(0.0).min(cap).floor())
    };
    match rule {
        Expiry::ExpiresInSeconds => expires_in.map(from_secs).or_else(from_jwt),
        Expiry::PleoSecondsOrMillis => expires_in
            .map(|n| {
                if n > PLEO_MILLIS_THRESHOLD {
                    n / 1000.0
                } else {
                    n
                }
            })
            .map(from_secs)
            .or_else(from_jwt),
        Expiry::JwtExp => from_jwt().or_else(|| expires_in.map(from_secs)),
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
    let o = success_object(p, kind, rules.success, resp)?;
    let status = resp.status;

    let access_token = match o.str("access_token") {
        Some(t) if is_access_token(&t) => t,
        Some(t) if !t.is_empty() => {
            return Err(invalid_response(
                "the access_token has characters an Authorization header cannot carry",
                status,
            ))
        }
        _ => return Err(invalid_response("the answer has no access_token", status)),
    };
    // RFC 6749 §5.1: token_type is required and (§7.1) case-insensitive.
    // Spendesk's answers may omit it; its tokens are Bearer tokens.
    let token_type = match o.str("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_owned(),
        Some(_) => return Err(invalid_response("the token_type is not Bearer", status)),
        None if o.kind("token_type") == Kind::Missing && p.token_type_may_be_absent => {
            "Bearer".to_owned()
        }
        None => return Err(invalid_response("the answer has no token_type", status)),
    };
    let expires_in = match o.kind("expires_in") {
        Kind::Missing | Kind::Null => None,
        Kind::Number => o.num("expires_in"),
        // Some servers send the number as a string.
        Kind::String => Some(
            o.str("expires_in")
                .and_then(|s| parse_seconds(s.trim()))
                .ok_or_else(|| invalid_response("expires_in is not a number", status))?,
        ),
        _ => return Err(invalid_response("expires_in is not a number", status)),
    };
    if expires_in.is_some_and(|n| n.is_nan() || n < 0.0) {
        return Err(invalid_response(
            "expires_in is not a non-negative number",
            status,
        ));
    }
    let refresh_token = match o.kind("refresh_token") {
        Kind::Missing | Kind::Null => None,
        Kind::String => match o.str("refresh_token") {
            Some(t) if t.is_empty() => None,
            Some(t) if is_refresh_token(&t) => Some(Secret::new(t)),
            _ => {
                return Err(invalid_response(
                    "the refresh_token has characters outside RFC 6749 VSCHAR",
                    status,
                ))
            }
        },
        _ => return Err(invalid_response("refresh_token is not a string", status)),
    };
    let scope = o.str("scope").map(|s| {
        if rules.scope_plus_is_space {
            s.replace('+', " ")
        } else {
            s
        }
    });
    // A caller-given unit turns expires_in into seconds first; the profile
    // still says whether the JWT `exp` comes before it.
    let (rule, expires_in) = match unit {
        None => (rules.expiry, expires_in),
        Some(u) => {
            let rule = match rules.expiry {
                Expiry::JwtExp => Expiry::JwtExp,
                _ => Expiry::ExpiresInSeconds,
            };
            let secs = expires_in.map(|n| match u {
                ExpiresInUnit::Seconds => n,
                ExpiresInUnit::Milliseconds => n / 1000.0,
                ExpiresInUnit::Auto if n > PLEO_MILLIS_THRESHOLD => n / 1000.0,
                ExpiresInUnit::Auto => n,
            });
            (rule, secs)
        }
    };
    Ok(TokenSet {
        expires_at: expires_at(rule, expires_in, &access_token, now_ms),
        access_token: Secret::new(access_token),
        token_type,
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
    let claims = crate::jwt::decode_unverified(token)?;
    if !is_access_token(token) {
        return Err(Error::new(
            ErrorCode::InvalidJwt,
            "the token has characters an Authorization header cannot carry",
        ));
    }
    let exp_ms = claims.exp()?.map(|e| e * 1000.0);
    if let Some(exp) = exp_ms {
        if exp <= now_ms {
            return Err(Error::new(
                ErrorCode::TokenExpired,
                "the token has expired; issue a new one",
            ));
        }
    }
    let cap = if now_ms.is_finite() {
        now_ms.floor()
    } else {
        0.0
    } + MAX_LIFETIME_MS;
    Ok(exp_ms.map(|e| e.min(cap).floor()))
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
