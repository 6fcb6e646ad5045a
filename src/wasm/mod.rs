//! The thin JavaScript skin: the only code that knows wasm-bindgen, JS
//! values and `fetch`. Each export reads its JS arguments, calls the pure core,
//! and turns the result into plain JS objects — or the core's [`Error`] into a
//! JS `Error` with a stable `code` (see [`js_error`]).

mod client;
mod convert;
mod fetch;
pub(crate) mod json;
mod session;

use crate::error::{Error, ErrorCode};
use crate::{authorize, callback, jwt, pkce, providers, state};
use convert::{get_str, get_string_list, get_string_pairs, js_error, obj, set, JsResult};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// `createPkce(length?)`: a new code verifier (43 characters by default,
/// 43–128) from the platform CSPRNG, its S256 challenge, and the method name.
#[wasm_bindgen(js_name = createPkce, unchecked_return_type = "Pkce")]
pub fn create_pkce(
    #[wasm_bindgen(unchecked_param_type = "number | undefined")] length: JsValue,
) -> JsResult {
    let len = if length.is_undefined() || length.is_null() {
        pkce::DEFAULT_VERIFIER_LEN
    } else {
        match length.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=1024.0).contains(&n) => n as usize,
            _ => {
                return Err(js_error(Error::new(
                    ErrorCode::InvalidArgument,
                    "length must be a whole number from 43 to 128",
                )))
            }
        }
    };
    let p = pkce::Pkce::generate(len).map_err(js_error)?;
    let o = obj();
    set(&o, "codeVerifier", p.verifier.expose());
    set(&o, "codeChallenge", &p.challenge);
    set(&o, "codeChallengeMethod", pkce::Pkce::METHOD);
    Ok(o.into())
}

/// `pkceChallenge(verifier)`: the S256 challenge of a verifier, after checking
/// it against RFC 7636 §4.1.
#[wasm_bindgen(js_name = pkceChallenge)]
pub fn pkce_challenge(
    #[wasm_bindgen(unchecked_param_type = "string")] verifier: JsValue,
) -> Result<String, JsValue> {
    let v = convert::string_arg(&verifier, "verifier")?;
    pkce::challenge_s256(&v).map_err(js_error)
}

/// `randomState()`: 43 URL-safe characters from the platform CSPRNG.
#[wasm_bindgen(js_name = randomState)]
pub fn random_state() -> Result<String, JsValue> {
    state::random_state().map_err(js_error)
}

/// `statesEqual(a, b)`: constant-time string comparison.
#[wasm_bindgen(js_name = statesEqual)]
pub fn states_equal(
    #[wasm_bindgen(unchecked_param_type = "string")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] b: JsValue,
) -> Result<bool, JsValue> {
    let a = convert::string_arg(&a, "a")?;
    let b = convert::string_arg(&b, "b")?;
    Ok(state::constant_time_eq(&a, &b))
}

/// Reads the fields shared by every authorize-URL builder and builds it.
fn authorization_url(options: &JsValue, endpoint: &str) -> Result<String, JsValue> {
    let client_id = get_str(options, "clientId")?.unwrap_or_default();
    let redirect_uri = get_str(options, "redirectUri")?;
    let scopes = get_string_list(options, "scopes")?;
    let state = get_str(options, "state")?;
    let code_challenge = get_str(options, "codeChallenge")?.unwrap_or_default();
    let extra = get_string_pairs(options, "extraParams")?;
    let scope_refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let extra_refs: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    authorize::AuthorizationRequest {
        authorization_endpoint: endpoint,
        client_id: &client_id,
        redirect_uri: redirect_uri.as_deref(),
        scopes: &scope_refs,
        state: state.as_deref(),
        code_challenge: &code_challenge,
        extra_params: &extra_refs,
    }
    .build()
    .map_err(js_error)
}

/// `buildAuthorizationUrl(options)`: a generic RFC 6749 §4.1.1 authorize URL
/// with PKCE S256.
#[wasm_bindgen(js_name = buildAuthorizationUrl)]
pub fn build_authorization_url(
    #[wasm_bindgen(unchecked_param_type = "AuthorizationUrlOptions")] options: JsValue,
) -> Result<String, JsValue> {
    convert::options_object(&options)?;
    let endpoint = get_str(&options, "authorizationEndpoint")?.unwrap_or_default();
    authorization_url(&options, &endpoint)
}

fn preset_endpoint(options: &JsValue, provider: providers::Provider) -> Result<String, JsValue> {
    convert::options_object(options)?;
    let env = get_str(options, "environment")?;
    let base = get_str(options, "baseUrl")?;
    providers::Endpoints::resolve(provider, env.as_deref(), base.as_deref(), None)
        .map_err(js_error)?
        .authorization
        .map(|e| e.as_str().to_owned())
        .ok_or_else(|| {
            js_error(Error::new(
                ErrorCode::InvalidArgument,
                "no authorization endpoint",
            ))
        })
}

/// `pleoAuthorizationUrl(options)`: Pleo's authorize URL
/// (`https://auth.pleo.io/oauth/authorize`, staging `https://auth.staging.pleo.io`).
#[wasm_bindgen(js_name = pleoAuthorizationUrl)]
pub fn pleo_authorization_url(
    #[wasm_bindgen(unchecked_param_type = "PleoAuthorizationUrlOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let endpoint = preset_endpoint(&options, providers::Provider::Pleo)?;
    authorization_url(&options, &endpoint)
}

/// `spendeskAuthorizationUrl(options)`: Spendesk's authorize URL
/// (`https://public-api.spendesk.com/v1/oauth2/authorize`, sandbox
/// `https://sandbox-public-api.spendesk.com/v1/...`; a `baseUrl` is the host
/// root and `/v1` is appended).
#[wasm_bindgen(js_name = spendeskAuthorizationUrl)]
pub fn spendesk_authorization_url(
    #[wasm_bindgen(unchecked_param_type = "SpendeskAuthorizationUrlOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let endpoint = preset_endpoint(&options, providers::Provider::Spendesk)?;
    authorization_url(&options, &endpoint)
}

/// `parseCallback(url, expectedState)`: the code from a callback URL (or its
/// query), after the state check; `error=` answers become `AUTHORIZATION_ERROR`.
/// Pass `null` as `expectedState` only when the request carried no state.
#[wasm_bindgen(js_name = parseCallback, unchecked_return_type = "CallbackResult")]
pub fn parse_callback(
    #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null")] expected_state: JsValue,
) -> JsResult {
    let url = convert::string_arg(&url, "url")?;
    let expected = if expected_state.is_null() {
        None
    } else if expected_state.is_undefined() {
        return Err(js_error(Error::new(
            ErrorCode::InvalidArgument,
            "expectedState is required: pass the state sent with the request, or null if none was sent",
        )));
    } else {
        Some(convert::string_arg(&expected_state, "expectedState")?)
    };
    let cb = callback::parse_callback(&url, expected.as_deref()).map_err(js_error)?;
    let o = obj();
    set(&o, "code", cb.code.expose());
    if let Some(s) = &cb.state {
        set(&o, "state", s.as_str());
    }
    Ok(o.into())
}

/// `decodeJwtUnverified(token)`: the payload of a JWT as an object. **The
/// signature is not verified**: use it for your own tokens' `exp` and IDs,
/// never to trust a token someone handed you.
#[wasm_bindgen(js_name = decodeJwtUnverified, unchecked_return_type = "JwtPayload")]
pub fn decode_jwt_unverified(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
) -> JsResult {
    let token = convert::string_arg(&token, "token")?;
    convert::jwt_payload(&token)
}

/// `spendeskWalletId(accessToken, claimName?)`: the wallet (company) ID in a
/// Spendesk access token (JWT, **not verified**).
#[wasm_bindgen(js_name = spendeskWalletId)]
pub fn spendesk_wallet_id(
    #[wasm_bindgen(unchecked_param_type = "string")] access_token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | undefined")] claim_name: JsValue,
) -> Result<String, JsValue> {
    let token = convert::string_arg(&access_token, "accessToken")?;
    let claim = if claim_name.is_undefined() || claim_name.is_null() {
        None
    } else {
        Some(convert::string_arg(&claim_name, "claimName")?)
    };
    jwt::spendesk_wallet_id(&token, claim.as_deref()).map_err(js_error)
}

/// `spendeskWalletClaims()`: the claim names `spendeskWalletId` tries, in order.
#[wasm_bindgen(js_name = spendeskWalletClaims, unchecked_return_type = "string[]")]
pub fn spendesk_wallet_claims() -> JsValue {
    jwt::SPENDESK_WALLET_CLAIMS
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<js_sys::Array>()
        .into()
}

/// `parseTokenResponse({ status, body, provider?, grant?, now?, contentType? })`:
/// reads a token endpoint's answer you fetched yourself (sans-IO use), with
/// the same rules and error codes as the clients. `provider`: "oauth2"
/// (default), "spendesk", "pleo" or "findity"; `grant`: "authorization_code"
/// (default), "refresh_token", "client_credentials"; `now`: the clock in ms
/// read before the request (default `Date.now()`).
#[wasm_bindgen(js_name = parseTokenResponse, unchecked_return_type = "TokenSet")]
pub fn parse_token_response(
    #[wasm_bindgen(unchecked_param_type = "ParseTokenResponseOptions")] options: JsValue,
) -> JsResult {
    use crate::providers::Provider;
    use crate::token::GrantKind;
    convert::options_object(&options)?;
    let bad = |m: &str| js_error(Error::new(ErrorCode::InvalidArgument, m));
    let status = convert::get(&options, "status")?
        .and_then(|v| v.as_f64())
        .filter(|s| s.fract() == 0.0 && (0.0..=999.0).contains(s))
        .ok_or_else(|| bad("options.status must be an HTTP status number"))?
        as u16;
    let body = get_str(&options, "body")?.ok_or_else(|| bad("options.body must be a string"))?;
    let provider = match get_str(&options, "provider")?.as_deref() {
        None => Provider::Rfc6749,
        Some(name) => Provider::from_name(name)
            .filter(|p| *p != Provider::ProSpend)
            .ok_or_else(|| {
                bad("options.provider must be \"oauth2\", \"spendesk\", \"pleo\" or \"findity\"")
            })?,
    };
    let kind = match get_str(&options, "grant")?.as_deref() {
        None | Some("authorization_code") => GrantKind::AuthorizationCode,
        Some("refresh_token") => GrantKind::RefreshToken,
        Some("client_credentials") => GrantKind::ClientCredentials,
        Some(_) => return Err(bad("options.grant must be \"authorization_code\", \"refresh_token\" or \"client_credentials\"")),
    };
    let now = match convert::get(&options, "now")? {
        Some(v) => v
            .as_f64()
            .filter(|n| n.is_finite())
            .ok_or_else(|| bad("options.now must be a number"))?,
        None => client::now_ms(),
    };
    let resp = crate::http::HttpResponse {
        status,
        content_type: get_str(&options, "contentType")?,
        body,
    };
    let t = crate::token::process_token_response(provider, kind, &resp, now).map_err(js_error)?;
    Ok(client::token_set_to_js(t, provider))
}
