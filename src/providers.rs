//! Provider profiles as data: one [`Profile`] per provider says where its
//! endpoints live in each environment and how each grant is sent and read.
//! The request builders and response readers in [`crate::token`] only read
//! these tables; nothing else in the core branches on the provider.
//!
//! Build a client configuration with [`crate::token::ClientConfig::new`] from
//! [`crate::token::ClientOptions`] (provider, environment, base URL override,
//! client credentials, redirect URI); the wasm layer and the native tests use
//! the same constructor. [`Endpoints::resolve`] gives a provider's endpoints
//! alone (e.g. for the stand-alone authorize-URL helpers).
//!
//! Sources (in `shared/provider-docs/`), quoted at each profile below:
//! - `pleo-quickstart.txt`
//! - `spendesk-authentication.txt`
//! - `findity-authentication.txt`
//! - `prospend-authentication.txt`

use crate::error::{Error, ErrorCode, Result};
use crate::url::{parse_endpoint, split_once_byte, Endpoint};

/// The servers the library knows. `Rfc6749` is any standard OAuth 2.0 server
/// whose endpoints the caller gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// A standard OAuth 2.0 server (RFC 6749, RFC 7636), endpoints given by the caller.
    Rfc6749,
    /// Spendesk: OAuth2 partner flow and API-key flow.
    Spendesk,
    /// Pleo.
    Pleo,
    /// Findity.
    Findity,
    /// ProSpend: static bearer JWTs, no token endpoint.
    ProSpend,
}

impl Provider {
    /// Its profile.
    pub fn profile(self) -> &'static Profile {
        match self {
            Provider::Rfc6749 => &RFC6749,
            Provider::Spendesk => &SPENDESK,
            Provider::Pleo => &PLEO,
            Provider::Findity => &FINDITY,
            Provider::ProSpend => &PROSPEND,
        }
    }

    /// Its name in option values and [`Provider::from_name`] (here, not in
    /// the profile: the wasm reads providers by number, so these names are
    /// left out of it).
    pub fn id(self) -> &'static str {
        match self {
            Provider::Rfc6749 => "oauth2",
            Provider::Spendesk => "spendesk",
            Provider::Pleo => "pleo",
            Provider::Findity => "findity",
            Provider::ProSpend => "prospend",
        }
    }

    /// The provider named `name` (`"oauth2"`, `"spendesk"`, `"pleo"`, `"findity"`, `"prospend"`).
    pub fn from_name(name: &str) -> Option<Provider> {
        [
            Provider::Rfc6749,
            Provider::Spendesk,
            Provider::Pleo,
            Provider::Findity,
            Provider::ProSpend,
        ]
        .into_iter()
        .find(|p| p.id() == name)
    }
}

/// A provider's host roots: `"production|test|test name"`, the production
/// host root, its test environment's, and what the provider calls that
/// environment (`"staging"`, `"sandbox"`, `"stage"`); `""` for none. One
/// string, not three `&str` slots of data per host pair.
pub type Hosts = &'static str;

/// The host root in `hosts` of the named environment (`None` or
/// `"production"`, or the provider's test name). Inlined into `root`, its
/// one caller (the environment check then shares its code).
#[inline(always)]
pub fn host_url(hosts: Hosts, environment: Option<&str>) -> Result<&'static str> {
    let (production, rest) = split_once_byte(hosts, b'|').unwrap_or((hosts, ""));
    let (test, test_name) = split_once_byte(rest, b'|').unwrap_or((rest, ""));
    match environment {
        None | Some("production") => Ok(production),
        Some(e) if e == test_name => Ok(test),
        Some(_) => Err(Error::about(
            ErrorCode::InvalidArgument,
            "environment must be production or ",
            test_name,
        )),
    }
}

/// How a token request's body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded` (RFC 6749 §4.1.3 and others).
    Form,
    /// `application/json` (Spendesk).
    Json,
    /// No body (Spendesk's API-key request).
    Empty,
}

/// How the client authenticates on one grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuthRule {
    /// The client's configured [`crate::token::ClientAuth`] (generic servers):
    /// Basic, client_secret in the body, or `client_id` alone for a public client.
    Configured,
    /// HTTP Basic with the RFC 6749 §2.3.1 form-encoded id and secret; a secret is required.
    Basic,
    /// `client_id` and `client_secret` in the body; a secret is required.
    Body,
    /// `client_id` in the body, and `client_secret` too when the client has one.
    BodySecretIfAny,
    /// `client_id` in the body and never a secret.
    ClientIdOnly,
    /// No client identification at all.
    Nothing,
    /// `Authorization: Basic base64(key_id:key_secret)`, plain base64 as
    /// Spendesk documents it (no form-encoding).
    ApiKeyBasic,
}

/// Whether a code exchange carries a PKCE `code_verifier` (RFC 7636 §4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PkceRule {
    /// Always: an exchange without a verifier is refused before sending.
    Required,
    /// Required unless the client was built with `pkce: false` (RFC 9700
    /// §2.1.1: PKCE is the default; skipping it is an explicit opt-out).
    RequiredUnlessOptedOut,
    /// The grant has no PKCE; a verifier given is not sent.
    NotUsed,
}

/// Whether a code exchange carries `redirect_uri` (RFC 6749 §4.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectRule {
    /// Always; a client without `redirect_uri` is refused.
    Required,
    /// When the client has one.
    IfConfigured,
    /// Never.
    Never,
}

/// Where an access token's expiry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// `expires_in` in seconds (RFC 6749 §5.1); without it, the access
    /// token's JWT `exp` if it is a JWT.
    ExpiresInSeconds,
    /// Pleo: `expires_in` is seconds, or milliseconds above
    /// [`crate::token::PLEO_MILLIS_THRESHOLD`]; without it, the JWT `exp`.
    PleoSecondsOrMillis,
    /// The access token's JWT `exp` first, `expires_in` seconds as a fallback.
    JwtExp,
}

/// The unit of `expires_in`, set by a caller who knows it (overrides the
/// profile's [`Expiry`] reading of the number; Pleo's unit is a guess, see
/// `docs/providers.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiresInUnit {
    /// Seconds, or milliseconds above [`crate::token::PLEO_MILLIS_THRESHOLD`].
    Auto,
    /// Seconds (RFC 6749 §5.1).
    Seconds,
    /// Milliseconds.
    Milliseconds,
}

/// The HTTP method of Spendesk's API-key token request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyMethod {
    /// `POST` (the default).
    Post,
    /// `GET`.
    Get,
}

/// A client's overrides of its profile's guesses: what the providers' docs
/// do not state (`docs/providers.md` lists each guess with its override).
/// `None` keeps the profile's rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProfileOverrides {
    /// How `expires_in` is read (Pleo's unit).
    pub expires_in_unit: Option<ExpiresInUnit>,
    /// Token request bodies as form or JSON (Spendesk's JSON bodies);
    /// [`BodyEncoding::Empty`] is refused. Bodiless requests stay bodiless.
    pub body_encoding: Option<BodyEncoding>,
    /// Client authentication on the code exchange (Pleo's Basic there):
    /// `Basic`, `Post` (id and secret in the body) or `None` (`client_id` only).
    pub code_exchange_auth: Option<crate::token::ClientAuth>,
    /// Client authentication on refresh (Spendesk's secret there).
    pub refresh_auth: Option<crate::token::ClientAuth>,
    /// The method of Spendesk's `/auth/token` request.
    pub api_key_method: Option<ApiKeyMethod>,
}

/// The shape of an error answer's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorShape {
    /// RFC 6749 §5.2: `{"error","error_description","error_uri"}`.
    Rfc6749,
    /// Spendesk: `{"errors":[{"code","detail","source"}]}` (RFC 6749's fields also read).
    SpendeskErrors,
}

/// How one grant is sent and its answer read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrantRules {
    /// Body encoding.
    pub encoding: BodyEncoding,
    /// Client authentication.
    pub client_auth: ClientAuthRule,
    /// PKCE (code exchange only).
    pub pkce: PkceRule,
    /// `redirect_uri` (code exchange only).
    pub redirect_uri: RedirectRule,
    /// Whether 201 means success too (200 always does).
    pub created_ok: bool,
    /// Where the expiry comes from.
    pub expiry: Expiry,
    /// Whether `+` in the answer's `scope` separates scopes (Pleo's refresh answer).
    pub scope_plus_is_space: bool,
}

/// Everything the core knows about one provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Which provider.
    pub provider: Provider,
    /// Its name in messages.
    pub name: &'static str,
    /// Host roots of the authorization server (`""`: the caller gives the endpoints).
    pub auth_hosts: Hosts,
    /// Host roots of the API, when they differ from `auth_hosts` (else `""`).
    pub api_hosts: Hosts,
    /// A path every endpoint and the API base live under, appended to the
    /// host root or to a base URL override (Spendesk: `/v1`).
    pub base_path: &'static str,
    /// The endpoints' paths under the base (after [`Profile::base_path`]), in
    /// [`Endpoints`] order: authorization, code exchange, refresh, client
    /// credentials, API key, Findity's authorization grant; each ended by
    /// `|`, empty for an endpoint the provider lacks (one string, not six
    /// `Option<&str>` slots of data per profile). A generic server has none
    /// (the caller gives its endpoints).
    pub paths: &'static str,
    /// Each grant's rules, in [`crate::token::GrantKind`] order: code
    /// exchange (RFC 6749 §4.1.3), refresh (RFC 6749 §6), client credentials
    /// (RFC 6749 §4.4), API-key token request (Spendesk `/auth/token`).
    pub grants: [Option<GrantRules>; 4],
    /// Error body shape.
    pub errors: ErrorShape,
    /// Whether 401 and 403 on a refresh mean the refresh token is gone
    /// (`RECONNECT_REQUIRED`) whatever the body; `invalid_grant` always does.
    pub reconnect_on_401_403: bool,
    /// Whether an answer may omit `token_type` (then `Bearer`).
    pub token_type_may_be_absent: bool,
    /// Whether a client needs a `client_id` to be built.
    pub client_id_required: bool,
}

impl Profile {
    /// The rules for `kind`, if the provider has that grant.
    pub fn rules(&self, kind: crate::token::GrantKind) -> Option<&GrantRules> {
        self.grants[kind as usize].as_ref()
    }
}

/// Rules of a standard server's grants: the configured token endpoint, form
/// bodies, the configured client authentication, 200, `expires_in` seconds.
pub(crate) const RFC_GRANT: GrantRules = GrantRules {
    encoding: BodyEncoding::Form,
    client_auth: ClientAuthRule::Configured,
    pkce: PkceRule::RequiredUnlessOptedOut,
    redirect_uri: RedirectRule::IfConfigured,
    created_ok: false,
    expiry: Expiry::ExpiresInSeconds,
    scope_plus_is_space: false,
};

/// Any RFC 6749 server: endpoints from the caller, client authentication as
/// configured (RFC 6749 §2.3.1), PKCE S256 required on code exchange unless
/// the client opts out (RFC 9700 §2.1.1).
pub const RFC6749: Profile = Profile {
    provider: Provider::Rfc6749,
    name: "a generic client",
    auth_hosts: "",
    api_hosts: "",
    base_path: "",
    paths: "",
    grants: [Some(RFC_GRANT), Some(RFC_GRANT), Some(RFC_GRANT), None],
    errors: ErrorShape::Rfc6749,
    reconnect_on_401_403: false,
    token_type_may_be_absent: false,
    client_id_required: true,
};

/// Spendesk (spendesk-authentication.txt, and public integrations).
///
/// - Paths: the doc names paths only — "a call to our /oauth2/authorize
///   endpoint", "a final call to our /oauth2/token/create endpoint using the
///   connection code and code_verifier", "request new access tokens using the
///   /oauth2/token/refresh endpoint", "make a call to authenticate at
///   /auth/token". Spendesk's public API lives under
///   `https://public-api.spendesk.com/v1` (sandbox
///   `https://sandbox-public-api.spendesk.com/v1`), and integrations that run
///   against it use `…/v1/oauth2/authorize`, `…/v1/oauth2/token/create` (Nango's
///   provider catalogue, `packages/providers/providers.yaml`, which also sends
///   JSON bodies) and `…/v1/auth/token`. So [`Profile::base_path`] is `/v1`,
///   appended to the host root or to a `baseUrl` override (which is the host
///   root, e.g. `http://127.0.0.1:8787/spendesk` → `…/spendesk/v1/oauth2/token/create`).
/// - API key: "provide your client id and secret in the format "id:secret" then
///   base64 encode it … Authorization: Basic bXlfaWQ6bXlfc2VjcmV0".
/// - "Access tokens are valid for 60 minutes" and "you can decode the
///   access_token (it's a JWT)": the OAuth2 answers carry no `expires_in`
///   (201, per public SDKs), so expiry comes from the JWT `exp`.
/// - "If you are unable to get a new refresh token (with a 401 or 403 error
///   codes), remove the token from your database and "disconnect" the
///   customer": 401 and 403 on refresh are `RECONNECT_REQUIRED`.
/// - JSON bodies, secret on refresh, 201 and the `errors[]` shape are what
///   public SDKs show; the doc is silent on them.
pub const SPENDESK: Profile = Profile {
    provider: Provider::Spendesk,
    name: "Spendesk",
    auth_hosts: concat!(
        "https://public-api.spendesk.com|",         // production
        "https://sandbox-public-api.spendesk.com|", // test
        "sandbox",                                  // the test environment's name
    ),
    api_hosts: "",
    base_path: "/v1",
    paths: concat!(
        "/oauth2/authorize|",     // authorize
        "/oauth2/token/create|",  // code exchange
        "/oauth2/token/refresh|", // refresh
        "|",                      // client credentials
        "/auth/token|",           // API key
        "|",                      // authorization grant
    ),
    grants: [
        // code exchange
        Some(GrantRules {
            encoding: BodyEncoding::Json,
            client_auth: ClientAuthRule::BodySecretIfAny,
            pkce: PkceRule::Required,
            redirect_uri: RedirectRule::IfConfigured,
            created_ok: true,
            expiry: Expiry::JwtExp,
            scope_plus_is_space: false,
        }),
        // refresh
        Some(GrantRules {
            encoding: BodyEncoding::Json,
            client_auth: ClientAuthRule::Body,
            pkce: PkceRule::NotUsed,
            redirect_uri: RedirectRule::Never,
            created_ok: true,
            expiry: Expiry::JwtExp,
            scope_plus_is_space: false,
        }),
        // client credentials
        None,
        // API key
        Some(GrantRules {
            encoding: BodyEncoding::Empty,
            client_auth: ClientAuthRule::ApiKeyBasic,
            pkce: PkceRule::NotUsed,
            redirect_uri: RedirectRule::Never,
            created_ok: true,
            expiry: Expiry::ExpiresInSeconds,
            scope_plus_is_space: false,
        }),
    ],
    errors: ErrorShape::SpendeskErrors,
    reconnect_on_401_403: true,
    token_type_may_be_absent: true,
    client_id_required: false,
};

const PLEO_CODE: GrantRules = GrantRules {
    encoding: BodyEncoding::Form,
    client_auth: ClientAuthRule::Basic,
    pkce: PkceRule::Required,
    redirect_uri: RedirectRule::Required,
    created_ok: false,
    expiry: Expiry::PleoSecondsOrMillis,
    scope_plus_is_space: false,
};

/// Pleo (pleo-quickstart.txt).
///
/// - Authorize at `https://auth.pleo.io/oauth/authorize` (staging
///   `https://auth.staging.pleo.io/oauth/authorize`) with
///   "code_challenge_method : must beS256"; tokens at
///   "POST `https://auth.staging.pleo.io/oauth/token`".
/// - Code exchange: "grant_type=authorization_code& redirect_uri=${REDIRECT_URI}&
///   code=${THE_CODE_FROM_ABOVE}& code_verifier=${SOME_STRING}".
/// - Refresh: "grant_type=refresh_token& refresh_token=xxxxxxxxxxx … You must
///   present your client_id and client_secret using Basic HTTP authentication"
///   (Basic on the code exchange too is a guess: the doc shows no client
///   authentication there).
/// - `expires_in`: "ACCESS_TOKEN_LIFETIME, // 10 mins." on exchange,
///   "ACCESS_TOKEN_MILLI_LIFETIME, // 10 mins." on refresh.
/// - Scope: the exchange answer shows `"scope": "scope1 scope2"`, the refresh
///   answer `"scope": "scope1+scope2..."`: `+` is read as a separator on the
///   refresh answer only.
/// - The API host (`external.pleo.io`) is not in the doc.
pub const PLEO: Profile = Profile {
    provider: Provider::Pleo,
    name: "Pleo",
    auth_hosts: concat!(
        "https://auth.pleo.io|",         // production
        "https://auth.staging.pleo.io|", // test
        "staging",                       // the test environment's name
    ),
    api_hosts: concat!(
        "https://external.pleo.io|",         // production
        "https://external.staging.pleo.io|", // test
        "staging",                           // the test environment's name
    ),
    base_path: "",
    paths: concat!(
        "/oauth/authorize|", // authorize
        "/oauth/token|",     // code exchange
        "/oauth/token|",     // refresh
        "|",                 // client credentials
        "|",                 // API key
        "|",                 // authorization grant
    ),
    grants: [
        // code exchange
        Some(PLEO_CODE),
        // refresh
        Some(GrantRules {
            pkce: PkceRule::NotUsed,
            redirect_uri: RedirectRule::Never,
            scope_plus_is_space: true,
            ..PLEO_CODE
        }),
        // client credentials
        None,
        // API key
        None,
    ],
    errors: ErrorShape::Rfc6749,
    reconnect_on_401_403: false,
    token_type_may_be_absent: false,
    client_id_required: true,
};

const FINDITY_CC: GrantRules = GrantRules {
    encoding: BodyEncoding::Form,
    client_auth: ClientAuthRule::Body,
    pkce: PkceRule::NotUsed,
    redirect_uri: RedirectRule::Never,
    created_ok: false,
    expiry: Expiry::ExpiresInSeconds,
    scope_plus_is_space: false,
};

/// Findity (findity-authentication.txt).
///
/// - Client credentials: `-d "grant_type=client_credentials&client_id=CLIENT_ID&client_secret=CLIENT_SECRET"
///   https://expense.findity.com/api/oauth/token/` (with the trailing slash).
/// - Refresh: "include the refresh token and the client ID. Note that a refresh
///   token can only be used once": `-d "grant_type=refresh_token&client_id=CLIENT_ID&refresh_token=REFRESH_TOKEN"
///   https://expense.findity.com/api/oauth/token/` — no client secret.
/// - User token: `POST https://stage-expense.findity.com/api/oauth/authorization-grant`
///   with the organisation Bearer token and `user_id`, answering `{"code": …}`;
///   then `--url https://stage-expense.findity.com/api/oauth/token` (no
///   trailing slash) `--data grant_type=authorization_code --data code=…`, with
///   no client authentication.
/// - Hosts: `expense.findity.com`, stage `stage-expense.findity.com`.
pub const FINDITY: Profile = Profile {
    provider: Provider::Findity,
    name: "Findity",
    auth_hosts: concat!(
        "https://expense.findity.com|",       // production
        "https://stage-expense.findity.com|", // test
        "stage",                              // the test environment's name
    ),
    api_hosts: "",
    base_path: "",
    paths: concat!(
        "|",                               // authorize
        "/api/oauth/token|",               // code exchange
        "/api/oauth/token/|",              // refresh
        "/api/oauth/token/|",              // client credentials
        "|",                               // API key
        "/api/oauth/authorization-grant|", // authorization grant
    ),
    grants: [
        // code exchange
        Some(GrantRules {
            client_auth: ClientAuthRule::Nothing,
            ..FINDITY_CC
        }),
        // refresh
        Some(GrantRules {
            client_auth: ClientAuthRule::ClientIdOnly,
            ..FINDITY_CC
        }),
        // client credentials
        Some(FINDITY_CC),
        // API key
        None,
    ],
    errors: ErrorShape::Rfc6749,
    reconnect_on_401_403: false,
    token_type_may_be_absent: false,
    client_id_required: true,
};

/// ProSpend (prospend-authentication.txt): "ProSpend OpenAPI secures API
/// endpoints using JSON Web Tokens (JWT) and Bearer Authorization. All requests
/// must be made securely over HTTPS"; admins issue tokens ("Tokens are valid
/// for 2 years by default"), so there is no token endpoint. The API host
/// (`api.apac.prospend.io`, APAC region) is not in the doc; override it with
/// `apiBaseUrl` for other regions.
pub const PROSPEND: Profile = Profile {
    provider: Provider::ProSpend,
    name: "ProSpend",
    auth_hosts: "",
    api_hosts: concat!(
        "https://api.apac.prospend.io|", // production
        "https://sandbox.prospend.io|",  // test
        "sandbox",                       // the test environment's name
    ),
    base_path: "",
    paths: "",
    grants: [None; 4],
    errors: ErrorShape::Rfc6749,
    reconnect_on_401_403: false,
    token_type_may_be_absent: false,
    client_id_required: false,
};

/// A provider's endpoints, resolved for one environment (or override).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// The authorization endpoint.
    pub authorization: Option<Endpoint>,
    /// Where the code exchange goes.
    pub token: Option<Endpoint>,
    /// Where refresh goes.
    pub refresh: Option<Endpoint>,
    /// Where client credentials go.
    pub client_credentials: Option<Endpoint>,
    /// Spendesk's API-key token endpoint.
    pub api_key: Option<Endpoint>,
    /// Findity's user authorization-grant endpoint.
    pub authorization_grant: Option<Endpoint>,
    /// The API base, without a trailing `/` (paths are appended to it).
    pub api_base: Option<String>,
}

/// `INVALID_ARGUMENT`: `p` takes no option `what`.
pub(crate) fn takes_no(p: &Profile, what: &str) -> Error {
    let mut m = String::from(p.name);
    m.push_str(" takes no ");
    m.push_str(what);
    Error::new(ErrorCode::InvalidArgument, m)
}

/// An API base URL without its trailing `/` (one function for both callers,
/// not an `Option::map` instance).
pub(crate) fn api_base(e: Option<&Endpoint>) -> Option<String> {
    Some(crate::url::trim_end_byte(e?.as_str(), b'/').to_owned())
}

/// A host root into `slot`: `over` if given, else `hosts`' root for
/// `environment` (left `None` without either), with `path` appended.
fn root(
    slot: &mut Option<Endpoint>,
    hosts: Hosts,
    environment: Option<&str>,
    over: Option<&str>,
    what: &str,
    path: &str,
) -> Result<()> {
    let url = match over {
        Some(u) => u,
        None if !hosts.is_empty() => host_url(hosts, environment)?,
        None => return Ok(()),
    };
    *slot = Some(parse_endpoint(url, what)?.join(path)?);
    Ok(())
}

impl Endpoints {
    /// A named provider's endpoints. `environment`: `None`/`"production"` or
    /// the provider's test name; `base_url`: the authorization server's host
    /// root instead of the environment's (the profile's
    /// [`Profile::base_path`] is appended); `api_base_url`: the API host root
    /// (Pleo, ProSpend; defaults to the base). For [`Provider::Rfc6749`], use
    /// [`crate::token::ClientConfig::new`] with explicit endpoints instead.
    pub fn resolve(
        provider: Provider,
        environment: Option<&str>,
        base_url: Option<&str>,
        api_base_url: Option<&str>,
    ) -> Result<Endpoints> {
        let p = provider.profile();
        if p.auth_hosts.is_empty() && base_url.is_some() {
            return Err(takes_no(p, "baseUrl"));
        }
        let (mut base, mut api) = (None, None);
        root(
            &mut base,
            p.auth_hosts,
            environment,
            base_url,
            "baseUrl",
            p.base_path,
        )?;
        root(
            &mut api,
            p.api_hosts,
            environment,
            api_base_url,
            "apiBaseUrl",
            p.base_path,
        )?;
        // One join per path, in a loop (not one call site per endpoint).
        let mut e = Endpoints::default();
        if let Some(base) = &base {
            let mut slots = [
                &mut e.authorization,
                &mut e.token,
                &mut e.refresh,
                &mut e.client_credentials,
                &mut e.api_key,
                &mut e.authorization_grant,
            ];
            let mut rest = p.paths;
            for slot in slots.iter_mut() {
                let Some((path, tail)) = crate::url::split_once_byte(rest, b'|') else {
                    break;
                };
                if !path.is_empty() {
                    **slot = Some(base.join(path)?);
                }
                rest = tail;
            }
        }
        e.api_base = api_base(api.as_ref().or(base.as_ref()));
        Ok(e)
    }

    /// The endpoint for a grant of `kind`.
    pub fn for_grant(&self, kind: crate::token::GrantKind) -> Option<&Endpoint> {
        use crate::token::GrantKind as K;
        match kind {
            K::AuthorizationCode => self.token.as_ref(),
            K::RefreshToken => self.refresh.as_ref(),
            K::ClientCredentials => self.client_credentials.as_ref(),
            K::ApiKey => self.api_key.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn s(e: &Option<Endpoint>) -> &str {
        e.as_ref().map(Endpoint::as_str).unwrap_or("")
    }

    #[test]
    fn spendesk_endpoints_live_under_v1() {
        // Expected URLs from the sources cited on SPENDESK: the /v1 public API
        // and the paths spendesk-authentication.txt names.
        let e = Endpoints::resolve(Provider::Spendesk, None, None, None).unwrap();
        assert_eq!(
            s(&e.authorization),
            "https://public-api.spendesk.com/v1/oauth2/authorize"
        );
        assert_eq!(
            s(&e.token),
            "https://public-api.spendesk.com/v1/oauth2/token/create"
        );
        assert_eq!(
            s(&e.refresh),
            "https://public-api.spendesk.com/v1/oauth2/token/refresh"
        );
        assert_eq!(
            s(&e.api_key),
            "https://public-api.spendesk.com/v1/auth/token"
        );
        assert_eq!(
            e.api_base.as_deref(),
            Some("https://public-api.spendesk.com/v1")
        );
        let e = Endpoints::resolve(Provider::Spendesk, Some("sandbox"), None, None).unwrap();
        assert_eq!(
            s(&e.token),
            "https://sandbox-public-api.spendesk.com/v1/oauth2/token/create"
        );
        // An override is the host root; /v1 is appended.
        let e = Endpoints::resolve(
            Provider::Spendesk,
            None,
            Some("http://127.0.0.1:8787/spendesk/"),
            None,
        )
        .unwrap();
        assert_eq!(
            s(&e.refresh),
            "http://127.0.0.1:8787/spendesk/v1/oauth2/token/refresh"
        );
        assert_eq!(e.client_credentials, None);
    }

    #[test]
    fn findity_paths_per_grant_as_the_doc_shows() {
        let e = Endpoints::resolve(Provider::Findity, None, None, None).unwrap();
        // findity-authentication.txt: client credentials and refresh at .../api/oauth/token/
        assert_eq!(
            s(&e.client_credentials),
            "https://expense.findity.com/api/oauth/token/"
        );
        assert_eq!(
            s(&e.refresh),
            "https://expense.findity.com/api/oauth/token/"
        );
        // ... the user-code exchange at .../api/oauth/token (no slash).
        assert_eq!(s(&e.token), "https://expense.findity.com/api/oauth/token");
        let e = Endpoints::resolve(Provider::Findity, Some("stage"), None, None).unwrap();
        assert_eq!(
            s(&e.authorization_grant),
            "https://stage-expense.findity.com/api/oauth/authorization-grant"
        );
        assert_eq!(e.authorization, None);
    }

    #[test]
    fn environments_and_overrides() {
        let e = Endpoints::resolve(Provider::Pleo, Some("staging"), None, None).unwrap();
        assert_eq!(
            s(&e.authorization),
            "https://auth.staging.pleo.io/oauth/authorize"
        );
        assert_eq!(s(&e.token), "https://auth.staging.pleo.io/oauth/token");
        assert_eq!(
            e.api_base.as_deref(),
            Some("https://external.staging.pleo.io")
        );
        let e = Endpoints::resolve(
            Provider::Pleo,
            None,
            Some("http://127.0.0.1:9/pleo"),
            Some("http://127.0.0.1:9/pleo-api/"),
        )
        .unwrap();
        assert_eq!(s(&e.refresh), "http://127.0.0.1:9/pleo/oauth/token");
        assert_eq!(e.api_base.as_deref(), Some("http://127.0.0.1:9/pleo-api"));
        let e = Endpoints::resolve(Provider::ProSpend, Some("sandbox"), None, None).unwrap();
        assert_eq!(e.api_base.as_deref(), Some("https://sandbox.prospend.io"));
        assert_eq!(e.token, None);
        let code = |r: Result<Endpoints>| r.unwrap_err().code();
        assert_eq!(
            code(Endpoints::resolve(
                Provider::Pleo,
                Some("sandbox"),
                None,
                None
            )),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            code(Endpoints::resolve(
                Provider::Findity,
                None,
                Some("http://findity.example"),
                None
            )),
            ErrorCode::InsecureUrl
        );
        assert_eq!(
            code(Endpoints::resolve(
                Provider::ProSpend,
                None,
                Some("https://x.example"),
                None
            )),
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn names_round_trip() {
        for p in [
            Provider::Rfc6749,
            Provider::Spendesk,
            Provider::Pleo,
            Provider::Findity,
            Provider::ProSpend,
        ] {
            assert_eq!(Provider::from_name(p.id()), Some(p));
            assert_eq!(p.profile().provider, p);
            // token::rules_for falls back to the code exchange's rules.
            let g = &p.profile().grants;
            assert!(g[0].is_some() || g.iter().all(Option::is_none), "{p:?}");
            // token_request sends a body on every grant but the API key's.
            for r in g[..3].iter().flatten() {
                assert_ne!(r.encoding, BodyEncoding::Empty, "{p:?}");
            }
            // The `|`-separated rows are read by position: a missing or
            // extra `|` would shift every later endpoint or host.
            let pr = p.profile();
            let bars = |s: &str| s.bytes().filter(|&b| b == b'|').count();
            assert!(pr.paths.is_empty() || bars(pr.paths) == 6, "{p:?} paths");
            for h in [pr.auth_hosts, pr.api_hosts] {
                assert!(h.is_empty() || bars(h) == 2, "{p:?} hosts {h}");
            }
        }
        assert_eq!(Provider::from_name("nope"), None);
    }
}
