//! The JS client classes: `OAuth2Client` (any RFC 6749 server) and the
//! provider presets `Spendesk`, `Pleo`, `Findity`, `ProSpend`. All share one
//! shape: `authorizationUrl(...)`, `exchangeCode(code, codeVerifier)`,
//! `refresh(refreshToken)`, `clientCredentials(...)`, each returning a
//! Promise of a token set; presets add their own flows.

use super::convert::{
    get, get_str, get_string_list, get_string_pairs, js_error, obj, set, string_arg,
};
use super::fetch::{self, FetchOptions};
use crate::error::{Error, ErrorCode, Result};
use crate::providers::{Endpoints, Provider};
use crate::token::{self, ClientAuth, ClientConfig, ClientOptions, Grant, GrantKind, TokenSet};
use crate::url::parse_endpoint;
use crate::{pkce, state, Secret};
use js_sys::{Function, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Milliseconds since the epoch, read once per request.
pub fn now_ms() -> f64 {
    date_now()
}

/// Whether this runs in a browser page (`window` and `document` exist).
pub fn in_browser_page() -> bool {
    let g = js_sys::global();
    let has = |k: &str| Reflect::has(&g, &JsValue::from_str(k)).unwrap_or(false);
    has("window") && has("document")
}

/// What every client class holds.
pub struct Common {
    pub config: ClientConfig,
    pub scopes: Vec<String>,
    pub fetch: FetchOptions,
}

fn arg_err(msg: &str) -> JsValue {
    js_error(Error::new(ErrorCode::InvalidArgument, msg))
}

/// Refuses a client secret in a browser page unless `allowSecretInBrowser: true`.
pub fn check_secret_placement(
    options: &JsValue,
    has_secret: bool,
) -> std::result::Result<(), JsValue> {
    if has_secret
        && in_browser_page()
        && get(options, "allowSecretInBrowser")?.and_then(|v| v.as_bool()) != Some(true)
    {
        return Err(js_error(Error::new(
            ErrorCode::SecretInBrowser,
            "a client secret must not be shipped to a browser page; run this flow on a server, or pass allowSecretInBrowser: true if you really mean it",
        )));
    }
    Ok(())
}

/// Reads `fetch`, `timeoutMs` from constructor options.
pub fn fetch_options(options: &JsValue) -> std::result::Result<FetchOptions, JsValue> {
    let fetch = match get(options, "fetch")? {
        None => None,
        Some(f) => Some(
            f.dyn_into::<Function>()
                .map_err(|_| arg_err("options.fetch must be a function"))?,
        ),
    };
    let timeout_ms = match get(options, "timeoutMs")? {
        None => None,
        Some(v) => Some(
            v.as_f64()
                .filter(|t| *t > 0.0)
                .ok_or_else(|| arg_err("options.timeoutMs must be a positive number"))?,
        ),
    };
    Ok(FetchOptions {
        fetch,
        timeout_ms,
        signal: None,
    })
}

/// Per-call options (`{ signal }`).
fn call_options(
    base: &FetchOptions,
    options: &JsValue,
) -> std::result::Result<FetchOptions, JsValue> {
    let mut f = base.clone();
    if options.is_object() {
        if let Some(s) = get(options, "signal")? {
            f.signal = Some(
                s.dyn_into()
                    .map_err(|_| arg_err("options.signal must be an AbortSignal"))?,
            );
        }
    }
    Ok(f)
}

/// A token set as the JS object users get.
pub fn token_set_to_js(t: TokenSet, provider: Provider) -> JsValue {
    let o = obj();
    set(&o, "accessToken", t.access_token.expose());
    set(&o, "tokenType", t.token_type.as_str());
    if let Some(e) = t.expires_at {
        set(&o, "expiresAt", e);
    }
    if let Some(r) = &t.refresh_token {
        set(&o, "refreshToken", r.expose());
    }
    if let Some(s) = &t.scope {
        set(&o, "scope", s.as_str());
    }
    if provider == Provider::Spendesk {
        if let Ok(w) = crate::jwt::spendesk_wallet_id(t.access_token.expose(), None) {
            set(&o, "walletId", w);
        }
    }
    set(&o, "raw", t.raw.into_js());
    o.into()
}

impl Common {
    /// Sends a token request and processes the answer.
    pub async fn token(&self, grant: Grant<'_>, fetch: &FetchOptions) -> Result<JsValue> {
        let req = self.config.token_request(&grant)?;
        let now = now_ms();
        let resp = fetch::send(&req, fetch).await?;
        let t = self
            .config
            .process_token_response(grant.kind(), &resp, now)?;
        Ok(token_set_to_js(t, self.config.provider()))
    }

    /// `{ url, state, codeVerifier }` with fresh state and PKCE unless given.
    pub fn authorization_url(&self, options: &JsValue) -> std::result::Result<JsValue, JsValue> {
        let opts = if options.is_undefined() || options.is_null() {
            JsValue::from(obj())
        } else {
            options.clone()
        };
        super::convert::options_object(&opts)?;
        let mut scopes = get_string_list(&opts, "scopes")?;
        if get(&opts, "scopes")?.is_none() {
            scopes = self.scopes.clone();
        }
        let state = match get_str(&opts, "state")? {
            Some(s) => s,
            None => state::random_state().map_err(js_error)?,
        };
        let verifier = match get_str(&opts, "codeVerifier")? {
            Some(v) => Secret::new(v),
            None => {
                pkce::Pkce::generate(pkce::DEFAULT_VERIFIER_LEN)
                    .map_err(js_error)?
                    .verifier
            }
        };
        let challenge = pkce::challenge_s256(verifier.expose()).map_err(js_error)?;
        let extra = get_string_pairs(&opts, "extraParams")?;
        let scope_refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
        let extra_refs: Vec<(&str, &str)> = extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let url = self
            .config
            .authorization_url(&scope_refs, Some(&state), &challenge, &extra_refs)
            .map_err(js_error)?;
        let o = obj();
        set(&o, "url", url);
        set(&o, "state", state);
        set(&o, "codeVerifier", verifier.expose());
        Ok(o.into())
    }
}

/// Boxed so that one `future_to_promise` instantiation serves every method
/// (each distinct future type otherwise gets its own copy in the wasm).
fn run(fut: impl std::future::Future<Output = Result<JsValue>> + 'static) -> Promise {
    run_boxed(Box::pin(fut))
}

fn run_boxed(
    fut: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue>>>>,
) -> Promise {
    spawn_js(Box::pin(async move { fut.await.map_err(js_error) }))
}

/// The one `future_to_promise` instantiation in the module.
pub fn spawn_js(
    fut: std::pin::Pin<
        Box<dyn std::future::Future<Output = std::result::Result<JsValue, JsValue>>>,
    >,
) -> Promise {
    future_to_promise(fut)
}

/// `exchangeCode`, `refresh`, `clientCredentials`, `authorizationUrl` for a class with `inner: Rc<Common>`.
macro_rules! common_methods {
    ($ty:ident, $js:literal) => {
        #[wasm_bindgen(js_class = $js)]
        impl $ty {
            /// `authorizationUrl({ scopes?, state?, codeVerifier?, extraParams? })` → `{ url, state, codeVerifier }`.
            #[wasm_bindgen(js_name = authorizationUrl, unchecked_return_type = "AuthorizationUrlResult")]
            pub fn authorization_url(
                &self,
                #[wasm_bindgen(unchecked_param_type = "AuthorizationUrlParams | undefined")] options: JsValue,
            ) -> std::result::Result<JsValue, JsValue> {
                self.inner.authorization_url(&options)
            }

            /// `exchangeCode(code, codeVerifier, { signal }?)` → Promise of a token set.
            #[wasm_bindgen(js_name = exchangeCode, unchecked_return_type = "Promise<TokenSet>")]
            pub fn exchange_code(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string | undefined")] code_verifier: JsValue,
                #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
            ) -> std::result::Result<Promise, JsValue> {
                let code = string_arg(&code, "code")?;
                let verifier = if code_verifier.is_undefined() || code_verifier.is_null() {
                    None
                } else {
                    Some(string_arg(&code_verifier, "codeVerifier")?)
                };
                let f = call_options(&self.inner.fetch, &options)?;
                let inner = self.inner.clone();
                Ok(run(async move {
                    inner
                        .token(Grant::AuthorizationCode { code: &code, code_verifier: verifier.as_deref() }, &f)
                        .await
                }))
            }

            /// `refresh(refreshToken, { signal }?)` → Promise of a token set. Never retried: see `fetch.rs`.
            #[wasm_bindgen(unchecked_return_type = "Promise<TokenSet>")]
            pub fn refresh(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] refresh_token: JsValue,
                #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
            ) -> std::result::Result<Promise, JsValue> {
                let rt = string_arg(&refresh_token, "refreshToken")?;
                let f = call_options(&self.inner.fetch, &options)?;
                let inner = self.inner.clone();
                Ok(run(async move { inner.token(Grant::RefreshToken { refresh_token: &rt }, &f).await }))
            }

            /// `clientCredentials({ scopes?, signal? }?)` → Promise of a token set.
            #[wasm_bindgen(js_name = clientCredentials, unchecked_return_type = "Promise<TokenSet>")]
            pub fn client_credentials(
                &self,
                #[wasm_bindgen(unchecked_param_type = "ClientCredentialsOptions | undefined")] options: JsValue,
            ) -> std::result::Result<Promise, JsValue> {
                let scopes = if options.is_object() { get_string_list(&options, "scopes")? } else { Vec::new() };
                let f = call_options(&self.inner.fetch, &options)?;
                let inner = self.inner.clone();
                Ok(run(async move {
                    let refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
                    inner.token(Grant::ClientCredentials { scopes: &refs }, &f).await
                }))
            }

            /// The API base URL (for calls made with the tokens), if the client knows one.
            #[wasm_bindgen(getter, js_name = apiBaseUrl)]
            pub fn api_base_url(&self) -> Option<String> {
                self.inner.config.api_base_url().map(str::to_owned)
            }
        }
    };
}

fn secret_opt(options: &JsValue, key: &str) -> std::result::Result<Option<Secret>, JsValue> {
    Ok(get_str(options, key)?
        .filter(|s| !s.is_empty())
        .map(Secret::new))
}

fn scopes_opt(options: &JsValue) -> std::result::Result<Vec<String>, JsValue> {
    get_string_list(options, "scopes")
}

/// `environment`, `baseUrl`, `apiBaseUrl` as the profile constructor takes them.
struct Place {
    environment: Option<String>,
    base_url: Option<String>,
    api_base_url: Option<String>,
}

fn place(options: &JsValue, base_key: bool, api_key: bool) -> std::result::Result<Place, JsValue> {
    Ok(Place {
        environment: get_str(options, "environment")?,
        base_url: if base_key {
            get_str(options, "baseUrl")?
        } else {
            None
        },
        api_base_url: if api_key {
            get_str(options, "apiBaseUrl")?
        } else {
            None
        },
    })
}

/// A preset's configuration from its profile.
fn preset_config(
    provider: Provider,
    redirect: Option<&str>,
    place: &Place,
    client_id: &str,
    secret: Option<&Secret>,
) -> std::result::Result<ClientConfig, JsValue> {
    let mut o = ClientOptions::new(provider);
    o.environment = place.environment.as_deref();
    o.base_url = place.base_url.as_deref();
    o.api_base_url = place.api_base_url.as_deref();
    o.client_id = client_id;
    o.client_secret = secret.map(Secret::expose);
    o.redirect_uri = redirect;
    ClientConfig::new(&o).map_err(js_error)
}

fn required(options: &JsValue, key: &str) -> std::result::Result<String, JsValue> {
    get_str(options, key)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| arg_err(&["options.", key, " is required"].concat()))
}

// ---------------------------------------------------------------- OAuth2Client

/// A client of any standard OAuth 2.0 server (RFC 6749 + RFC 7636).
#[wasm_bindgen]
pub struct OAuth2Client {
    inner: Rc<Common>,
}

#[wasm_bindgen]
impl OAuth2Client {
    /// `new OAuth2Client({ authorizationEndpoint?, tokenEndpoint, clientId, clientSecret?,
    /// clientAuth?: "basic" | "post" | "none", redirectUri?, scopes?, fetch?, timeoutMs?,
    /// allowSecretInBrowser? })`. `clientAuth` defaults to "basic" with a secret, "none" without.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "OAuth2ClientOptions")] options: JsValue,
    ) -> std::result::Result<OAuth2Client, JsValue> {
        super::convert::options_object(&options)?;
        let secret = secret_opt(&options, "clientSecret")?;
        check_secret_placement(&options, secret.is_some())?;
        let auth = match get_str(&options, "clientAuth")?.as_deref() {
            Some("basic") => Some(ClientAuth::Basic),
            Some("post") => Some(ClientAuth::Post),
            Some("none") => Some(ClientAuth::None),
            None => None,
            Some(_) => {
                return Err(arg_err(
                    "options.clientAuth must be \"basic\", \"post\" or \"none\"",
                ))
            }
        };
        let pkce = match get(&options, "pkce")? {
            None => true,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| arg_err("options.pkce must be a boolean"))?,
        };
        let client_id = required(&options, "clientId")?;
        let token_endpoint = get_str(&options, "tokenEndpoint")?
            .ok_or_else(|| arg_err("options.tokenEndpoint is required"))?;
        let authorization_endpoint = get_str(&options, "authorizationEndpoint")?;
        let redirect = get_str(&options, "redirectUri")?;
        let mut o = ClientOptions::new(Provider::Rfc6749);
        o.token_endpoint = Some(&token_endpoint);
        o.authorization_endpoint = authorization_endpoint.as_deref();
        o.client_id = &client_id;
        o.client_secret = secret.as_ref().map(Secret::expose);
        o.client_auth = auth;
        o.redirect_uri = redirect.as_deref();
        o.pkce = pkce;
        Ok(OAuth2Client {
            inner: Rc::new(Common {
                config: ClientConfig::new(&o).map_err(js_error)?,
                scopes: scopes_opt(&options)?,
                fetch: fetch_options(&options)?,
            }),
        })
    }
}
common_methods!(OAuth2Client, "OAuth2Client");

// ---------------------------------------------------------------- Pleo

/// Pleo (pleo-quickstart.txt): authorize at `/oauth/authorize`, tokens at
/// `/oauth/token` on `https://auth.pleo.io` (staging `https://auth.staging.pleo.io`),
/// client credentials in HTTP Basic, PKCE S256, rotating refresh tokens.
#[wasm_bindgen]
pub struct Pleo {
    inner: Rc<Common>,
}

#[wasm_bindgen]
impl Pleo {
    /// `new Pleo({ clientId, clientSecret, redirectUri, scopes?, environment?: "production" | "staging",
    /// baseUrl?, apiBaseUrl?, fetch?, timeoutMs?, allowSecretInBrowser? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PleoOptions")] options: JsValue,
    ) -> std::result::Result<Pleo, JsValue> {
        super::convert::options_object(&options)?;
        let secret = secret_opt(&options, "clientSecret")?;
        check_secret_placement(&options, secret.is_some())?;
        let client_id = required(&options, "clientId")?;
        let config = preset_config(
            Provider::Pleo,
            get_str(&options, "redirectUri")?.as_deref(),
            &place(&options, true, true)?,
            &client_id,
            secret.as_ref(),
        )?;
        Ok(Pleo {
            inner: Rc::new(Common {
                config,
                scopes: scopes_opt(&options)?,
                fetch: fetch_options(&options)?,
            }),
        })
    }
}
common_methods!(Pleo, "Pleo");

// ---------------------------------------------------------------- Spendesk

/// Spendesk (spendesk-authentication.txt): OAuth2 partner flow with PKCE at
/// `/oauth2/authorize`, `/oauth2/token/create`, `/oauth2/token/refresh`, and
/// the API-key flow at `/auth/token`, on `https://public-api.spendesk.com`
/// (sandbox `https://sandbox-public-api.spendesk.com`).
#[wasm_bindgen]
pub struct Spendesk {
    inner: Rc<Common>,
    api_key: Option<(String, Secret)>,
}

#[wasm_bindgen]
impl Spendesk {
    /// `new Spendesk({ clientId?, clientSecret?, redirectUri?, apiKeyId?, apiKeySecret?,
    /// environment?: "production" | "sandbox", baseUrl?, fetch?, timeoutMs?, allowSecretInBrowser? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SpendeskOptions")] options: JsValue,
    ) -> std::result::Result<Spendesk, JsValue> {
        super::convert::options_object(&options)?;
        let secret = secret_opt(&options, "clientSecret")?;
        let key_secret = secret_opt(&options, "apiKeySecret")?;
        check_secret_placement(&options, secret.is_some() || key_secret.is_some())?;
        let api_key = match (get_str(&options, "apiKeyId")?, key_secret) {
            (Some(id), Some(s)) => Some((id, s)),
            (None, None) => None,
            _ => return Err(arg_err("apiKeyId and apiKeySecret go together")),
        };
        let client_id = get_str(&options, "clientId")?.unwrap_or_default();
        let config = preset_config(
            Provider::Spendesk,
            get_str(&options, "redirectUri")?.as_deref(),
            &place(&options, true, false)?,
            &client_id,
            secret.as_ref(),
        )?;
        Ok(Spendesk {
            inner: Rc::new(Common {
                config,
                scopes: scopes_opt(&options)?,
                fetch: fetch_options(&options)?,
            }),
            api_key,
        })
    }

    /// `apiKeyToken({ signal }?)`: an access token for the API key
    /// (`POST /auth/token`, `Authorization: Basic base64(id:secret)`).
    #[wasm_bindgen(js_name = apiKeyToken, unchecked_return_type = "Promise<TokenSet>")]
    pub fn api_key_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
    ) -> std::result::Result<Promise, JsValue> {
        let (id, secret) = self
            .api_key
            .clone()
            .ok_or_else(|| arg_err("this client has no apiKeyId / apiKeySecret"))?;
        let f = call_options(&self.inner.fetch, &options)?;
        let inner = self.inner.clone();
        Ok(run(async move {
            let grant = Grant::ApiKey {
                key_id: &id,
                key_secret: secret.expose(),
            };
            let req = inner.config.token_request(&grant)?;
            let now = now_ms();
            let resp = fetch::send(&req, &f).await?;
            let t = inner
                .config
                .process_token_response(GrantKind::ApiKey, &resp, now)?;
            Ok(token_set_to_js(t, Provider::Spendesk))
        }))
    }

    /// `walletId(accessToken, claimName?)`: the wallet (company) ID in an access
    /// token (JWT payload, **not verified**).
    #[wasm_bindgen(js_name = walletId)]
    pub fn wallet_id(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] access_token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] claim_name: JsValue,
    ) -> std::result::Result<String, JsValue> {
        super::spendesk_wallet_id(access_token, claim_name)
    }
}
common_methods!(Spendesk, "Spendesk");

// ---------------------------------------------------------------- Findity

/// Findity (findity-authentication.txt): client credentials and single-use
/// refresh at `/api/oauth/token/` on `https://expense.findity.com` (stage
/// `https://stage-expense.findity.com`); user tokens through
/// `/api/oauth/authorization-grant` then a code exchange.
#[wasm_bindgen]
pub struct Findity {
    inner: Rc<Common>,
}

#[wasm_bindgen]
impl Findity {
    /// `new Findity({ clientId, clientSecret, environment?: "production" | "stage", baseUrl?,
    /// fetch?, timeoutMs?, allowSecretInBrowser? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FindityOptions")] options: JsValue,
    ) -> std::result::Result<Findity, JsValue> {
        super::convert::options_object(&options)?;
        let secret = secret_opt(&options, "clientSecret")?;
        check_secret_placement(&options, secret.is_some())?;
        let client_id = required(&options, "clientId")?;
        let config = preset_config(
            Provider::Findity,
            None,
            &place(&options, true, false)?,
            &client_id,
            secret.as_ref(),
        )?;
        Ok(Findity {
            inner: Rc::new(Common {
                config,
                scopes: scopes_opt(&options)?,
                fetch: fetch_options(&options)?,
            }),
        })
    }

    /// `authorizationGrant(orgAccessToken, userId, { signal }?)` → Promise of the
    /// single-use code for acting as that user.
    #[wasm_bindgen(js_name = authorizationGrant, unchecked_return_type = "Promise<string>")]
    pub fn authorization_grant(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] org_access_token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] user_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
    ) -> std::result::Result<Promise, JsValue> {
        let org = string_arg(&org_access_token, "orgAccessToken")?;
        let user = string_arg(&user_id, "userId")?;
        let f = call_options(&self.inner.fetch, &options)?;
        let inner = self.inner.clone();
        Ok(run(async move {
            grant_code(&inner.config, &org, &user, &f)
                .await
                .map(|c| JsValue::from_str(c.expose()))
        }))
    }

    /// `userToken(orgAccessToken, userId, { signal }?)`: authorization grant, then
    /// the code exchange → Promise of the user's token set.
    #[wasm_bindgen(js_name = userToken, unchecked_return_type = "Promise<TokenSet>")]
    pub fn user_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] org_access_token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] user_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
    ) -> std::result::Result<Promise, JsValue> {
        let org = string_arg(&org_access_token, "orgAccessToken")?;
        let user = string_arg(&user_id, "userId")?;
        let f = call_options(&self.inner.fetch, &options)?;
        let inner = self.inner.clone();
        Ok(run(async move {
            let code = grant_code(&inner.config, &org, &user, &f).await?;
            inner
                .token(
                    Grant::AuthorizationCode {
                        code: code.expose(),
                        code_verifier: None,
                    },
                    &f,
                )
                .await
        }))
    }
}
common_methods!(Findity, "Findity");

async fn grant_code(
    config: &ClientConfig,
    org: &str,
    user: &str,
    f: &FetchOptions,
) -> Result<Secret> {
    let req = config.authorization_grant_request(org, user)?;
    let resp = fetch::send(&req, f).await?;
    token::process_findity_authorization_grant(&resp)
}

// ---------------------------------------------------------------- ProSpend

/// ProSpend (prospend-authentication.txt): a static Bearer JWT issued by an
/// admin on `https://<site>.prospend.com`, valid about two years, revocable,
/// with no refresh. The token is checked to be an unexpired JWT and is only
/// ever sent over https (or to a loopback host, for the local sandbox).
#[wasm_bindgen]
pub struct ProSpend {
    token: Secret,
    expires_at: Option<f64>,
    api_base: String,
    fetch: FetchOptions,
}

#[wasm_bindgen]
impl ProSpend {
    /// `new ProSpend({ token, environment?: "production" | "sandbox", apiBaseUrl?, fetch?, timeoutMs? })`.
    /// Throws `INVALID_JWT` for a token that is not a JWT and `TOKEN_EXPIRED` for an expired one.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ProSpendOptions")] options: JsValue,
    ) -> std::result::Result<ProSpend, JsValue> {
        super::convert::options_object(&options)?;
        let token = required(&options, "token")?;
        let expires_at = token::check_static_jwt(&token, now_ms()).map_err(js_error)?;
        let p = place(&options, false, true)?;
        let api = Endpoints::resolve(
            Provider::ProSpend,
            p.environment.as_deref(),
            None,
            p.api_base_url.as_deref(),
        )
        .map_err(js_error)?
        .api_base
        .unwrap_or_default();
        Ok(ProSpend {
            token: Secret::new(token),
            expires_at,
            api_base: api,
            fetch: fetch_options(&options)?,
        })
    }

    /// When the token expires (ms since the epoch), from its `exp`.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> Option<f64> {
        self.expires_at
    }

    /// The API base URL.
    #[wasm_bindgen(getter, js_name = apiBaseUrl)]
    pub fn api_base_url(&self) -> String {
        self.api_base.clone()
    }

    /// The token as a token set (no refresh token: ProSpend tokens are not
    /// refreshed; an admin issues a new one). Throws `TOKEN_EXPIRED` once expired.
    #[wasm_bindgen(js_name = tokenSet, unchecked_return_type = "TokenSet")]
    pub fn token_set(&self) -> std::result::Result<JsValue, JsValue> {
        token::check_static_jwt(self.token.expose(), now_ms()).map_err(js_error)?;
        let o = obj();
        set(&o, "accessToken", self.token.expose());
        set(&o, "tokenType", "Bearer");
        if let Some(e) = self.expires_at {
            set(&o, "expiresAt", e);
        }
        set(&o, "raw", obj());
        Ok(o.into())
    }

    /// `fetch(path, init?)`: calls `apiBaseUrl + path` with the bearer token.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RequestInit | undefined")] init: JsValue,
    ) -> std::result::Result<Promise, JsValue> {
        let path = string_arg(&path, "path")?;
        if !path.starts_with('/') {
            return Err(arg_err("path must start with '/'"));
        }
        token::check_static_jwt(self.token.expose(), now_ms()).map_err(js_error)?;
        let url = [self.api_base.as_str(), path.as_str()].concat();
        // The base was checked at construction; the joined URL is checked again so the token never goes over http.
        parse_endpoint(&url, "url").map_err(js_error)?;
        let token = self.token.clone();
        let f = self.fetch.fetch.clone();
        Ok(spawn_js(Box::pin(async move {
            super::session::authorized_fetch(
                f.as_ref(),
                &JsValue::from_str(&url),
                &init,
                token.expose(),
            )
            .await
        })))
    }
}
