//! Provider tests that can fail on a wrong guess (issue 10 item 3).
//!
//! Each `doc_*` test checks one row of `docs/providers.md`: its expected value
//! is written here from the provider's own words in `shared/provider-docs/`
//! (a path, a status, a header, a JSON example), never read from
//! `src/providers.rs`, so a wrong constant in a profile fails it.
//!
//! Each `guess_*` test takes one behaviour the docs do not state, switches the
//! sandbox to the other way (`/_sandbox/behaviour`) and shows that the library
//! copes with both, or that its override makes it cope while the default
//! fails with a coded error.
//!
//! The `security_*` tests are the RFC 9700 checks a client can make (issue 10
//! item 4): no secret in a URL the library builds, RFC 9207 `iss`.
#![cfg(not(target_arch = "wasm32"))]

use expense_auth::callback::{parse_callback, parse_callback_checked, CallbackChecks};
use expense_auth::encoding::{b64url, parse_query};
use expense_auth::http::{HttpRequest, HttpResponse};
use expense_auth::json::{self, JsonObject};
use expense_auth::pkce::Pkce;
use expense_auth::providers::{
    ApiKeyMethod, BodyEncoding, Endpoints, ExpiresInUnit, ProfileOverrides, Provider,
};
use expense_auth::token::{
    self, ClientAuth, ClientConfig, ClientOptions, Grant, GrantKind, TokenSet,
};
use expense_auth::{jwt, ErrorCode, Secret};
use expense_auth_sandbox::{Request, Sandbox};

mod common;
use common::*;

const NOW_MS: f64 = 1_900_000_000_000.0;

// ------------------------------------------------------------------ helpers

/// Switches the sandbox (`POST /_sandbox/behaviour`).
fn behave(sb: &mut Sandbox, body: &str) {
    let r = sb.handle(&Request::post_json("/_sandbox/behaviour", body));
    assert_eq!(r.status, 200, "{body}: {}", r.body_str());
}

fn options<'a>(provider: Provider, base: &'a str, id: &'a str) -> ClientOptions<'a> {
    let mut o = ClientOptions::new(provider);
    o.base_url = Some(base);
    o.api_base_url = Some(base);
    o.client_id = id;
    if provider != Provider::Findity {
        o.redirect_uri = Some(REDIRECT);
    }
    o
}

fn spendesk_with(secret: Option<&str>, ov: ProfileOverrides) -> ClientConfig {
    let base = format!("{BASE}/spendesk");
    let mut o = options(Provider::Spendesk, &base, "spendesk-client");
    o.client_secret = secret;
    o.overrides = ov;
    ClientConfig::new(&o).unwrap()
}

fn spendesk() -> ClientConfig {
    spendesk_with(Some("spendesk-secret"), ProfileOverrides::default())
}

fn pleo_with(ov: ProfileOverrides) -> ClientConfig {
    let base = format!("{BASE}/pleo");
    let mut o = options(Provider::Pleo, &base, "pleo-client");
    o.client_secret = Some("pleo-secret");
    o.overrides = ov;
    ClientConfig::new(&o).unwrap()
}

fn findity(secret: Option<&str>) -> ClientConfig {
    let base = format!("{BASE}/findity");
    let mut o = options(Provider::Findity, &base, "findity-client");
    o.client_secret = secret;
    ClientConfig::new(&o).unwrap()
}

/// The code the sandbox hands back after consent, and its verifier.
fn code_for(sb: &mut Sandbox, c: &ClientConfig, wallet: Option<&str>) -> (String, Pkce) {
    let pkce = Pkce::generate(64).unwrap();
    let state = expense_auth::state::random_state().unwrap();
    let url = c
        .authorization_url(&["read"], Some(&state), &pkce.challenge, &[])
        .unwrap();
    let cb = consent(sb, &url, wallet);
    let code = parse_callback(&cb, Some(&state)).unwrap().code;
    (code.expose().to_owned(), pkce)
}

fn exchange(
    sb: &mut Sandbox,
    c: &ClientConfig,
    wallet: Option<&str>,
) -> expense_auth::Result<TokenSet> {
    let (code, pkce) = code_for(sb, c, wallet);
    grant(
        sb,
        c,
        Grant::AuthorizationCode {
            code: &code,
            code_verifier: Some(pkce.verifier.expose()),
        },
    )
}

/// The form body of a request as (name, value) pairs.
fn form(r: &HttpRequest) -> Vec<(String, String)> {
    parse_query(r.body.as_deref().unwrap_or(""))
}

fn form_get(r: &HttpRequest, k: &str) -> Option<String> {
    form(r).into_iter().find(|(n, _)| n == k).map(|(_, v)| v)
}

fn query_get(url: &str, k: &str) -> Option<String> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    parse_query(q)
        .into_iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v)
}

fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    path.split('?').next().unwrap_or(path)
}

/// The media type of a request's `content-type`, without parameters (the
/// library adds `;charset=UTF-8`, which the docs' `Content-Type` leaves out).
fn media_type(r: &HttpRequest) -> String {
    let ct = r.header("content-type").unwrap_or("");
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn ok(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        content_type: Some("application/json".into()),
        body: body.into(),
    }
}

/// An unsigned JWT with the given payload (the library never checks signatures).
fn jwt_with(payload: &str) -> String {
    format!(
        "{}.{}.sig",
        b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(payload.as_bytes())
    )
}

// ============================================================== Spendesk docs

#[test]
fn doc_spendesk_api_key_basic_header_is_the_docs_example() {
    // "plain text: my_id:my_secret" / "encoded: bXlfaWQ6bXlfc2VjcmV0" /
    // "Authorization: Basic bXlfaWQ6bXlfc2VjcmV0"
    let c = ClientConfig::new(&ClientOptions::new(Provider::Spendesk)).unwrap();
    let r = c
        .token_request(&Grant::ApiKey {
            key_id: "my_id",
            key_secret: "my_secret",
        })
        .unwrap();
    assert_eq!(
        r.header("authorization"),
        Some("Basic bXlfaWQ6bXlfc2VjcmV0")
    );
}

#[test]
fn doc_spendesk_api_key_goes_to_auth_token() {
    // "requires a single request for the access token to /auth/token"
    let c = ClientConfig::new(&ClientOptions::new(Provider::Spendesk)).unwrap();
    let r = c
        .token_request(&Grant::ApiKey {
            key_id: "my_id",
            key_secret: "my_secret",
        })
        .unwrap();
    assert!(path_of(&r.url).ends_with("/auth/token"), "{}", r.url);
    // ... and a single request gets a token from the sandbox.
    let mut sb = Sandbox::with_clock(START);
    let key = spendesk_with(None, ProfileOverrides::default());
    let t = grant(
        &mut sb,
        &key,
        Grant::ApiKey {
            key_id: "spendesk-key-id",
            key_secret: "spendesk-key-secret",
        },
    )
    .unwrap();
    assert!(!t.access_token.expose().is_empty());
}

#[test]
fn doc_spendesk_authorize_is_oauth2_authorize_with_client_id() {
    // "Your system first makes a call to our /oauth2/authorize endpoint using your client id"
    let mut o = ClientOptions::new(Provider::Spendesk);
    o.client_id = "partner-1";
    o.redirect_uri = Some("https://partner.example/cb");
    let c = ClientConfig::new(&o).unwrap();
    let url = c
        .authorization_url(&[], Some("s"), &Pkce::generate(43).unwrap().challenge, &[])
        .unwrap();
    assert!(path_of(&url).ends_with("/oauth2/authorize"), "{url}");
    assert_eq!(query_get(&url, "client_id").as_deref(), Some("partner-1"));
    assert!(url.starts_with("https://"), "{url}");
}

#[test]
fn doc_spendesk_code_exchange_is_token_create_with_code_and_verifier() {
    // "Your system makes a final call to our /oauth2/token/create endpoint using
    // the connection code and code_verifier generated in the first step above"
    let c = spendesk();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let r = c
        .token_request(&Grant::AuthorizationCode {
            code: "connection-code-1",
            code_verifier: Some(verifier),
        })
        .unwrap();
    assert!(
        path_of(&r.url).ends_with("/oauth2/token/create"),
        "{}",
        r.url
    );
    let body = r.body.clone().unwrap_or_default();
    assert!(body.contains("connection-code-1"), "{body}");
    assert!(body.contains(verifier), "{body}");
}

#[test]
fn doc_spendesk_refresh_is_token_refresh() {
    // "Use the refresh token to request new access tokens using the /oauth2/token/refresh endpoint"
    let r = spendesk()
        .token_request(&Grant::RefreshToken {
            refresh_token: "rt-1",
        })
        .unwrap();
    assert!(
        path_of(&r.url).ends_with("/oauth2/token/refresh"),
        "{}",
        r.url
    );
    assert!(r.body.unwrap_or_default().contains("rt-1"));
}

#[test]
fn doc_spendesk_access_token_lives_3600_seconds() {
    // "Access tokens are valid for 60 minutes, i.e. 3600 seconds"; the OAuth2
    // answer carries no expires_in, so the expiry is the JWT's.
    let mut sb = Sandbox::with_clock(START);
    let t = exchange(&mut sb, &spendesk(), None).unwrap();
    assert_eq!(t.expires_at, Some(now_ms(&sb) + 3600.0 * 1000.0));
}

#[test]
fn doc_spendesk_refresh_401_or_403_disconnects() {
    // "If you are unable to get a new refresh token (with a 401 or 403 error
    // codes), remove the token from your database and "disconnect" the customer."
    let c = spendesk();
    for status in [401, 403] {
        for body in [
            "{}",
            r#"{"errors":[{"code":"forbidden","detail":"x"}]}"#,
            "not json",
        ] {
            let e = c
                .process_token_response(GrantKind::RefreshToken, &ok(status, body), NOW_MS)
                .unwrap_err();
            assert_eq!(
                (e.code(), e.status()),
                (ErrorCode::ReconnectRequired, Some(status)),
                "{status} {body}"
            );
        }
    }
    // Through the sandbox: a spent refresh token is refused with 401.
    let mut sb = Sandbox::with_clock(START);
    let t = exchange(&mut sb, &c, None).unwrap();
    let rt = t.refresh_token.unwrap();
    refresh(&mut sb, &c, &rt).unwrap();
    let e = refresh(&mut sb, &c, &rt).unwrap_err();
    assert_eq!(
        (e.code(), e.status()),
        (ErrorCode::ReconnectRequired, Some(401))
    );
}

#[test]
fn doc_spendesk_new_refresh_token_replaces_the_old_one() {
    // "When a new refresh token is issued it invalidates the previous one -
    // hence the importance of updating the database every time your call /refresh."
    let mut sb = Sandbox::with_clock(START);
    let c = spendesk();
    let t = exchange(&mut sb, &c, None).unwrap();
    let rt1 = t.refresh_token.unwrap();
    let t2 = refresh(&mut sb, &c, &rt1).unwrap();
    let rt2 = t2.refresh_token.unwrap();
    assert_ne!(rt1.expose(), rt2.expose());
    assert!(refresh(&mut sb, &c, &rt2).is_ok());
}

#[test]
fn doc_spendesk_wallet_id_is_in_the_access_token_jwt() {
    // "you can decode the access_token (it's a JWT) to get the ID of the wallet (company)";
    // each connection is for the company picked "in the dropdown".
    let mut sb = Sandbox::with_clock(START);
    let t = exchange(&mut sb, &spendesk(), Some("wallet-2")).unwrap();
    assert_eq!(
        jwt::spendesk_wallet_id(t.access_token.expose(), None).unwrap(),
        "wallet-2"
    );
}

#[test]
fn doc_spendesk_redirect_uri_starts_with_https() {
    // "redirect_uri should start with https (with an 's' at the end!)
    // ... (often on localhost for development purposes)"
    let build = |r: &'static str| {
        let mut o = ClientOptions::new(Provider::Spendesk);
        o.client_id = "partner-1";
        o.redirect_uri = Some(r);
        ClientConfig::new(&o).map(|_| ())
    };
    assert!(build("https://partner.example/cb").is_ok());
    assert!(build("http://localhost:3000/cb").is_ok());
    assert_eq!(
        build("http://partner.example/cb").unwrap_err().code(),
        ErrorCode::InsecureUrl
    );
}

// ================================================================== Pleo docs

fn pleo_prod() -> ClientConfig {
    let mut o = ClientOptions::new(Provider::Pleo);
    o.client_id = "pleo-client";
    o.client_secret = Some("pleo-secret");
    o.redirect_uri = Some("https://partner.example/cb");
    ClientConfig::new(&o).unwrap()
}

#[test]
fn doc_pleo_authorize_url_has_the_docs_parameters() {
    // [https://auth.staging.pleo.io/oauth/authorize](https://auth.pleo.io/oauth/authorize)?client_id=<client_id>
    // &redirect_uri=<redirect_uri>&scope=<scopes>&response_type=code&state=<state>
    // &code_challenge_method=S256&code_challenge=<code_challenge>
    let pkce = Pkce::generate(64).unwrap();
    let url = pleo_prod()
        .authorization_url(&["export:read"], Some("st-1"), &pkce.challenge, &[])
        .unwrap();
    assert!(
        url.starts_with("https://auth.pleo.io/oauth/authorize?"),
        "{url}"
    );
    for (k, v) in [
        ("client_id", "pleo-client"),
        ("redirect_uri", "https://partner.example/cb"),
        ("scope", "export:read"),
        ("response_type", "code"),
        ("state", "st-1"),
        ("code_challenge_method", "S256"),
        ("code_challenge", pkce.challenge.as_str()),
    ] {
        assert_eq!(query_get(&url, k).as_deref(), Some(v), "{k} in {url}");
    }
}

#[test]
fn doc_pleo_staging_host() {
    // "https://auth.staging.pleo.io/oauth/authorize" and "POST https://auth.staging.pleo.io/oauth/token"
    let e = Endpoints::resolve(Provider::Pleo, Some("staging"), None, None).unwrap();
    assert_eq!(
        e.authorization.as_ref().map(|u| u.as_str()),
        Some("https://auth.staging.pleo.io/oauth/authorize")
    );
    assert_eq!(
        e.token.as_ref().map(|u| u.as_str()),
        Some("https://auth.staging.pleo.io/oauth/token")
    );
    assert_eq!(
        e.refresh.as_ref().map(|u| u.as_str()),
        Some("https://auth.staging.pleo.io/oauth/token")
    );
}

#[test]
fn doc_pleo_scopes_are_space_separated() {
    // "Multiple scopes can be passed as a space-separated list, for example:scope=export:read export:write"
    let url = pleo_prod()
        .authorization_url(
            &["export:read", "export:write"],
            None,
            &Pkce::generate(43).unwrap().challenge,
            &[],
        )
        .unwrap();
    assert_eq!(
        query_get(&url, "scope").as_deref(),
        Some("export:read export:write")
    );
}

#[test]
fn doc_pleo_authorize_url_never_exposes_the_verifier() {
    // "You MUST NOT expose code_verifier during authorization request."
    let pkce = Pkce::generate(64).unwrap();
    let c = pleo_prod();
    let url = c
        .authorization_url(&[], None, &pkce.challenge, &[])
        .unwrap();
    assert!(!url.contains(pkce.verifier.expose()));
    assert!(!url.contains("code_verifier"));
    let e = c
        .authorization_url(
            &[],
            None,
            &pkce.challenge,
            &[("code_verifier", pkce.verifier.expose())],
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
}

#[test]
fn doc_pleo_code_exchange_posts_the_docs_fields() {
    // POST https://auth.staging.pleo.io/oauth/token
    // grant_type=authorization_code& redirect_uri=${REDIRECT_URI}& code=${THE_CODE_FROM_ABOVE}& code_verifier=${SOME_STRING}
    let mut o = ClientOptions::new(Provider::Pleo);
    o.environment = Some("staging");
    o.client_id = "pleo-client";
    o.client_secret = Some("pleo-secret");
    o.redirect_uri = Some("https://partner.example/cb");
    let c = ClientConfig::new(&o).unwrap();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let r = c
        .token_request(&Grant::AuthorizationCode {
            code: "THE_CODE",
            code_verifier: Some(verifier),
        })
        .unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "https://auth.staging.pleo.io/oauth/token");
    assert_eq!(media_type(&r), "application/x-www-form-urlencoded");
    for (k, v) in [
        ("grant_type", "authorization_code"),
        ("redirect_uri", "https://partner.example/cb"),
        ("code", "THE_CODE"),
        ("code_verifier", verifier),
    ] {
        assert_eq!(form_get(&r, k).as_deref(), Some(v), "{k}");
    }
}

#[test]
fn doc_pleo_refresh_uses_basic_client_auth() {
    // POST https://auth.staging.pleo.io/oauth/token  grant_type=refresh_token& refresh_token=xxxxxxxxxxx
    // "You must present your client_id and client_secret using Basic HTTP authentication."
    let r = pleo_prod()
        .token_request(&Grant::RefreshToken {
            refresh_token: "xxxxxxxxxxx",
        })
        .unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(form_get(&r, "grant_type").as_deref(), Some("refresh_token"));
    assert_eq!(
        form_get(&r, "refresh_token").as_deref(),
        Some("xxxxxxxxxxx")
    );
    // base64("pleo-client:pleo-secret")
    assert_eq!(
        r.header("authorization"),
        Some("Basic cGxlby1jbGllbnQ6cGxlby1zZWNyZXQ=")
    );
    assert_eq!(form_get(&r, "client_secret"), None);
}

#[test]
fn doc_pleo_exchange_expires_in_is_ten_minutes() {
    // "expires_in": ACCESS_TOKEN_LIFETIME, // 10 mins.
    let t = pleo_prod()
        .process_token_response(
            GrantKind::AuthorizationCode,
            &ok(
                200,
                r#"{"access_token":"a","token_type":"Bearer","expires_in":600,"refresh_token":"r","scope":"scope1 scope2"}"#,
            ),
            NOW_MS,
        )
        .unwrap();
    assert_eq!(t.expires_at, Some(NOW_MS + 10.0 * 60_000.0));
    assert_eq!(t.scope.as_deref(), Some("scope1 scope2"));
}

#[test]
fn doc_pleo_refresh_milli_lifetime_is_ten_minutes() {
    // "expires_in": ACCESS_TOKEN_MILLI_LIFETIME, // 10 mins.
    let t = pleo_prod()
        .process_token_response(
            GrantKind::RefreshToken,
            &ok(
                200,
                r#"{"access_token":"a","token_type":"Bearer","expires_in":600000,"refresh_token":"r2","scope":"scope1+scope2"}"#,
            ),
            NOW_MS,
        )
        .unwrap();
    assert_eq!(t.expires_at, Some(NOW_MS + 10.0 * 60_000.0));
}

#[test]
fn doc_pleo_refresh_scope_is_plus_joined() {
    // refresh answer: "scope": "scope1+scope2..."; exchange answer: "scope": "scope1 scope2"
    let c = pleo_prod();
    let body = |scope: &str| {
        format!(
            r#"{{"access_token":"a","token_type":"Bearer","expires_in":600,"refresh_token":"r","scope":"{scope}"}}"#
        )
    };
    let refreshed = c
        .process_token_response(
            GrantKind::RefreshToken,
            &ok(200, &body("scope1+scope2")),
            NOW_MS,
        )
        .unwrap();
    assert_eq!(refreshed.scope.as_deref(), Some("scope1 scope2"));
    let exchanged = c
        .process_token_response(
            GrantKind::AuthorizationCode,
            &ok(200, &body("scope1 scope2")),
            NOW_MS,
        )
        .unwrap();
    assert_eq!(exchanged.scope.as_deref(), Some("scope1 scope2"));
}

#[test]
fn doc_pleo_new_refresh_token_replaces_the_old_one() {
    // "a new access_token and a new refresh_token, which you will need to stored in
    // replacement of the previously used refresh token"
    let mut sb = Sandbox::with_clock(START);
    let c = pleo_with(ProfileOverrides::default());
    let t = exchange(&mut sb, &c, None).unwrap();
    let rt1 = t.refresh_token.unwrap();
    let t2 = refresh(&mut sb, &c, &rt1).unwrap();
    let rt2 = t2.refresh_token.unwrap();
    assert_ne!(rt1.expose(), rt2.expose());
    assert!(refresh(&mut sb, &c, &rt2).is_ok());
}

// =============================================================== Findity docs

#[test]
fn doc_findity_client_credentials_as_the_curl() {
    // curl -X POST -H "Content-Type: application/x-www-form-urlencoded"
    // -d "grant_type=client_credentials&client_id=CLIENT_ID&client_secret=CLIENT_SECRET"
    // https://expense.findity.com/api/oauth/token/
    let mut o = ClientOptions::new(Provider::Findity);
    o.client_id = "CLIENT_ID";
    o.client_secret = Some("CLIENT_SECRET");
    let c = ClientConfig::new(&o).unwrap();
    let r = c
        .token_request(&Grant::ClientCredentials { scopes: &[] })
        .unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "https://expense.findity.com/api/oauth/token/");
    assert_eq!(media_type(&r), "application/x-www-form-urlencoded");
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=client_credentials&client_id=CLIENT_ID&client_secret=CLIENT_SECRET")
    );
    assert_eq!(r.header("authorization"), None);
}

#[test]
fn doc_findity_answer_as_the_docs_example() {
    // { "access_token":"RsT5OjbzRn4k9zqMLgV3Ia...", "token_type": "Bearer",
    //   "expires_in":3600, "refresh_token": "9MXOgvKAvB+tUSdCtML9u..." }
    let t = findity(Some("s"))
        .process_token_response(
            GrantKind::ClientCredentials,
            &ok(
                200,
                r#"{"access_token":"RsT5OjbzRn4k9zqMLgV3Ia...","token_type": "Bearer","expires_in":3600,"refresh_token": "9MXOgvKAvB+tUSdCtML9u..."}"#,
            ),
            NOW_MS,
        )
        .unwrap();
    assert_eq!(t.access_token.expose(), "RsT5OjbzRn4k9zqMLgV3Ia...");
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.expires_at, Some(NOW_MS + 3600.0 * 1000.0));
    assert_eq!(
        t.refresh_token.as_ref().map(Secret::expose),
        Some("9MXOgvKAvB+tUSdCtML9u...")
    );
}

#[test]
fn doc_findity_refresh_as_the_curl() {
    // "include the refresh token and the client ID"
    // -d "grant_type=refresh_token&client_id=CLIENT_ID&refresh_token=REFRESH_TOKEN"
    // https://expense.findity.com/api/oauth/token/
    for secret in [None, Some("CLIENT_SECRET")] {
        let mut o = ClientOptions::new(Provider::Findity);
        o.client_id = "CLIENT_ID";
        o.client_secret = secret;
        let r = ClientConfig::new(&o)
            .unwrap()
            .token_request(&Grant::RefreshToken {
                refresh_token: "REFRESH_TOKEN",
            })
            .unwrap();
        assert_eq!(r.url, "https://expense.findity.com/api/oauth/token/");
        assert_eq!(
            r.body.as_deref(),
            Some("grant_type=refresh_token&client_id=CLIENT_ID&refresh_token=REFRESH_TOKEN")
        );
    }
}

#[test]
fn doc_findity_refresh_token_is_single_use() {
    // "Note that a refresh token can only be used once."
    let mut sb = Sandbox::with_clock(START);
    let c = findity(Some("findity-secret"));
    let t = grant(&mut sb, &c, Grant::ClientCredentials { scopes: &[] }).unwrap();
    let rt = t.refresh_token.unwrap();
    let t2 = refresh(&mut sb, &c, &rt).unwrap();
    assert_ne!(t2.refresh_token.unwrap().expose(), rt.expose());
    assert_eq!(
        refresh(&mut sb, &c, &rt).unwrap_err().code(),
        ErrorCode::ReconnectRequired
    );
}

#[test]
fn doc_findity_authorization_grant_as_the_curl() {
    // curl --request POST --url https://stage-expense.findity.com/api/oauth/authorization-grant
    //   --header 'accept: application/json' --header 'authorization: Bearer a0949e…'
    //   --header 'content-type: application/x-www-form-urlencoded' --data user_id=8ab28c3e6f8023c3016f8046be110002
    let mut o = ClientOptions::new(Provider::Findity);
    o.environment = Some("stage");
    o.client_id = "CLIENT_ID";
    let c = ClientConfig::new(&o).unwrap();
    let r = c
        .authorization_grant_request("a0949e44f748c4f8", "8ab28c3e6f8023c3016f8046be110002")
        .unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.url,
        "https://stage-expense.findity.com/api/oauth/authorization-grant"
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("authorization"), Some("Bearer a0949e44f748c4f8"));
    assert_eq!(media_type(&r), "application/x-www-form-urlencoded");
    assert_eq!(
        r.body.as_deref(),
        Some("user_id=8ab28c3e6f8023c3016f8046be110002")
    );
}

#[test]
fn doc_findity_authorization_grant_answers_a_code() {
    // "The response is an authorization code." { "code": "38f99b5944cf4e298405ca4efe655cc1" }
    let code = token::process_findity_authorization_grant(&ok(
        200,
        r#"{ "code": "38f99b5944cf4e298405ca4efe655cc1" }"#,
    ))
    .unwrap();
    assert_eq!(code.expose(), "38f99b5944cf4e298405ca4efe655cc1");
}

#[test]
fn doc_findity_user_code_exchange_as_the_curl() {
    // curl --request POST --url https://stage-expense.findity.com/api/oauth/token
    //   --header 'accept: application/json' --header 'content-type: application/x-www-form-urlencoded'
    //   --data grant_type=authorization_code --data code=38f99b5944cf4e298405ca4efe655cc1
    let mut o = ClientOptions::new(Provider::Findity);
    o.environment = Some("stage");
    o.client_id = "CLIENT_ID";
    o.client_secret = Some("CLIENT_SECRET");
    let r = ClientConfig::new(&o)
        .unwrap()
        .token_request(&Grant::AuthorizationCode {
            code: "38f99b5944cf4e298405ca4efe655cc1",
            code_verifier: None,
        })
        .unwrap();
    assert_eq!(r.url, "https://stage-expense.findity.com/api/oauth/token");
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=authorization_code&code=38f99b5944cf4e298405ca4efe655cc1")
    );
    assert_eq!(r.header("authorization"), None);
}

// ============================================================== ProSpend docs

#[test]
fn doc_prospend_token_is_a_jwt_like_the_docs_example() {
    // "Example - Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzd…":
    // the header segment is {"alg":"HS256","typ":"JWT"}.
    let token = format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.c2ln",
        b64url(br#"{"sub":"api-token@acme"}"#)
    );
    assert_eq!(token::check_static_jwt(&token, NOW_MS).unwrap(), None);
    assert_eq!(
        token::check_static_jwt("not-a-jwt", NOW_MS)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidJwt
    );
}

#[test]
fn doc_prospend_never_over_http() {
    // "All requests must be made securely over HTTPS" / "NOTE: Never transmit the JWT over HTTP."
    assert_eq!(
        Endpoints::resolve(
            Provider::ProSpend,
            None,
            None,
            Some("http://acme.prospend.example")
        )
        .unwrap_err()
        .code(),
        ErrorCode::InsecureUrl
    );
    let e = Endpoints::resolve(Provider::ProSpend, None, None, None).unwrap();
    assert!(e.api_base.as_deref().unwrap_or("").starts_with("https://"));
}

#[test]
fn doc_prospend_tokens_valid_two_years() {
    // "Tokens are valid for 2 years by default."
    let two_years_s = 2.0 * 365.0 * 86_400.0;
    let exp = NOW_MS / 1000.0 + two_years_s;
    let token = jwt_with(&format!(r#"{{"exp":{exp}}}"#));
    assert_eq!(
        token::check_static_jwt(&token, NOW_MS).unwrap(),
        Some(exp * 1000.0)
    );
    assert_eq!(
        token::check_static_jwt(&token, exp * 1000.0 + 1.0)
            .unwrap_err()
            .code(),
        ErrorCode::TokenExpired
    );
}

#[test]
fn doc_prospend_has_no_token_endpoint() {
    // "clients will be able to issue and revoke their own tokens directly from
    // the ProSpend platform by Admin users": no token endpoint to call.
    let c = ClientConfig::new(&ClientOptions::new(Provider::ProSpend)).unwrap();
    for g in [
        Grant::ClientCredentials { scopes: &[] },
        Grant::RefreshToken { refresh_token: "r" },
        Grant::AuthorizationCode {
            code: "c",
            code_verifier: Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        },
    ] {
        assert_eq!(
            c.token_request(&g).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
    }
    assert!(c.authorization_endpoint().is_none());
}

// ============================================ guesses: Spendesk, both ways

#[test]
fn guess_spendesk_wallet_claim() {
    let mut sb = Sandbox::with_clock(START);
    // Default: the sandbox puts the wallet in `wallet_id`, the library's first candidate.
    let t = exchange(&mut sb, &spendesk(), Some("wallet-2")).unwrap();
    assert_eq!(
        jwt::spendesk_wallet_id(t.access_token.expose(), None).unwrap(),
        "wallet-2"
    );
    // Another candidate name: the default search still finds it.
    behave(
        &mut sb,
        r#"{"provider":"spendesk","wallet_claim":"company_id"}"#,
    );
    let t = exchange(&mut sb, &spendesk(), Some("wallet-2")).unwrap();
    assert_eq!(
        jwt::spendesk_wallet_id(t.access_token.expose(), None).unwrap(),
        "wallet-2"
    );
    // A name the library does not know: the default is a coded MISSING_CLAIM,
    // the explicit claim (`spendeskWalletId(token, claim)`) finds it.
    behave(
        &mut sb,
        r#"{"provider":"spendesk","wallet_claim":"entity"}"#,
    );
    let t = exchange(&mut sb, &spendesk(), Some("wallet-2")).unwrap();
    let at = t.access_token.expose();
    assert_eq!(
        jwt::spendesk_wallet_id(at, None).unwrap_err().code(),
        ErrorCode::MissingClaim
    );
    assert_eq!(
        jwt::spendesk_wallet_id(at, Some("entity")).unwrap(),
        "wallet-2"
    );
    // The sandbox's own wallet summary follows the claim too.
    let r = sb.handle(
        &Request::get("/spendesk/v1/wallet-summary")
            .with_header("Authorization", &format!("Bearer {at}")),
    );
    assert!(r.body_str().contains("wallet-2"), "{}", r.body_str());
}

#[test]
fn guess_spendesk_success_status_201_or_200() {
    for status in [201, 200] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"spendesk","success_status":{status}}}"#),
        );
        let c = spendesk();
        let (code, pkce) = code_for(&mut sb, &c, None);
        let req = c
            .token_request(&Grant::AuthorizationCode {
                code: &code,
                code_verifier: Some(pkce.verifier.expose()),
            })
            .unwrap();
        let resp = send(&mut sb, &req);
        assert_eq!(resp.status, status);
        let t = c
            .process_token_response(GrantKind::AuthorizationCode, &resp, now_ms(&sb))
            .unwrap();
        assert!(refresh(&mut sb, &c, &t.refresh_token.unwrap()).is_ok());
    }
}

#[test]
fn guess_spendesk_error_shape_errors_or_rfc6749() {
    for shape in ["errors", "rfc6749"] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"spendesk","error_shape":"{shape}"}}"#),
        );
        let c = spendesk();
        // A wrong code: the server's error code comes through in either shape.
        let e = grant(
            &mut sb,
            &c,
            Grant::AuthorizationCode {
                code: "no-such-code",
                code_verifier: Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            },
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.status(), e.error()),
            (ErrorCode::OAuthError, Some(400), Some("invalid_grant")),
            "{shape}"
        );
        // A spent refresh token: RECONNECT_REQUIRED in either shape.
        let t = exchange(&mut sb, &c, None).unwrap();
        let rt = t.refresh_token.unwrap();
        refresh(&mut sb, &c, &rt).unwrap();
        let e = refresh(&mut sb, &c, &rt).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ReconnectRequired, "{shape}");
        // The API key flow's 401.
        let key = spendesk_with(None, ProfileOverrides::default());
        let e = grant(
            &mut sb,
            &key,
            Grant::ApiKey {
                key_id: "spendesk-key-id",
                key_secret: "wrong",
            },
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.status(), e.error()),
            (ErrorCode::OAuthError, Some(401), Some("unauthorized")),
            "{shape}"
        );
    }
}

#[test]
fn guess_spendesk_json_or_form_bodies() {
    let mut sb = Sandbox::with_clock(START);
    behave(&mut sb, r#"{"provider":"spendesk","body":"form"}"#);
    // Default (JSON) against a form-only server: a coded OAUTH_ERROR naming the content type.
    let e = exchange(&mut sb, &spendesk(), None).unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.error()),
        (
            ErrorCode::OAuthError,
            Some(400),
            Some("invalid_content_type")
        )
    );
    // The override sends form bodies: exchange and refresh work.
    let form = spendesk_with(
        Some("spendesk-secret"),
        ProfileOverrides {
            body_encoding: Some(BodyEncoding::Form),
            ..ProfileOverrides::default()
        },
    );
    let t = exchange(&mut sb, &form, None).unwrap();
    assert!(refresh(&mut sb, &form, &t.refresh_token.unwrap()).is_ok());
    // And back to JSON: the default works, the form override is refused.
    behave(&mut sb, r#"{"provider":"spendesk","body":"json"}"#);
    assert!(exchange(&mut sb, &spendesk(), None).is_ok());
    assert_eq!(
        exchange(&mut sb, &form, None).unwrap_err().code(),
        ErrorCode::OAuthError
    );
}

#[test]
fn guess_spendesk_secret_on_refresh() {
    let no_secret_override = ProfileOverrides {
        refresh_auth: Some(ClientAuth::None),
        ..ProfileOverrides::default()
    };
    // Default server: the secret is required on refresh; the library sends it.
    let mut sb = Sandbox::with_clock(START);
    let c = spendesk();
    let t = exchange(&mut sb, &c, None).unwrap();
    let rt = t.refresh_token.unwrap();
    let r = c
        .token_request(&Grant::RefreshToken {
            refresh_token: rt.expose(),
        })
        .unwrap();
    assert!(r.body.unwrap_or_default().contains("spendesk-secret"));
    // A client without a secret is stopped before sending (coded, nothing sent) ...
    let bare = spendesk_with(None, ProfileOverrides::default());
    assert_eq!(
        refresh(&mut sb, &bare, &rt).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    // ... and with the override it sends none, which this server refuses (400, not a disconnect).
    let public = spendesk_with(None, no_secret_override);
    let e = refresh(&mut sb, &public, &rt).unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuthError, Some(400)));
    assert!(
        refresh(&mut sb, &c, &rt).is_ok(),
        "the 400 did not spend it"
    );

    // Other server: the secret is optional. Both the default and the override cope.
    let mut sb = Sandbox::with_clock(START);
    behave(
        &mut sb,
        r#"{"provider":"spendesk","refresh_secret":"optional"}"#,
    );
    let t = exchange(&mut sb, &c, None).unwrap();
    let t2 = refresh(&mut sb, &c, &t.refresh_token.unwrap()).unwrap();
    assert!(refresh(&mut sb, &public, &t2.refresh_token.unwrap()).is_ok());
}

#[test]
fn guess_spendesk_api_key_method() {
    let key = spendesk_with(None, ProfileOverrides::default());
    let get = spendesk_with(
        None,
        ProfileOverrides {
            api_key_method: Some(ApiKeyMethod::Get),
            ..ProfileOverrides::default()
        },
    );
    let api_key = Grant::ApiKey {
        key_id: "spendesk-key-id",
        key_secret: "spendesk-key-secret",
    };
    let mut sb = Sandbox::with_clock(START);
    assert!(grant(&mut sb, &key, api_key).is_ok());
    assert_eq!(
        grant(&mut sb, &get, api_key).unwrap_err().status(),
        Some(405)
    );
    behave(&mut sb, r#"{"provider":"spendesk","api_key_method":"GET"}"#);
    let e = grant(&mut sb, &key, api_key).unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.error()),
        (ErrorCode::OAuthError, Some(405), Some("method_not_allowed"))
    );
    let t = grant(&mut sb, &get, api_key).unwrap();
    assert_eq!(t.expires_at, Some(now_ms(&sb) + 3_600_000.0));
}

// ================================================ guesses: Pleo, both ways

#[test]
fn guess_pleo_expires_in_unit() {
    let ten_min = 600_000.0;
    // The documented lifetime (10 min) in every unit the sandbox can send:
    // the default reading copes with all of them.
    for unit in ["default", "seconds", "millis"] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"pleo","expires_unit":"{unit}"}}"#),
        );
        let c = pleo_with(ProfileOverrides::default());
        let t = exchange(&mut sb, &c, None).unwrap();
        assert_eq!(t.expires_at, Some(now_ms(&sb) + ten_min), "{unit}");
        let t2 = refresh(&mut sb, &c, &t.refresh_token.unwrap()).unwrap();
        assert_eq!(t2.expires_at, Some(now_ms(&sb) + ten_min), "{unit}");
    }
    // Lifetimes where the automatic reading cannot tell the unit: a 60 s token in
    // milliseconds (60000) reads as 60000 s, a 25 h token in seconds (90000) as 90 s.
    // The override reads them right.
    for (unit, secs, auto_ms, ov) in [
        ("millis", 60u64, 60_000_000.0, ExpiresInUnit::Milliseconds),
        ("seconds", 90_000, 90_000.0, ExpiresInUnit::Seconds),
    ] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(
                r#"{{"provider":"pleo","expires_unit":"{unit}","access_lifetime_secs":{secs}}}"#
            ),
        );
        let auto = pleo_with(ProfileOverrides::default());
        let t = exchange(&mut sb, &auto, None).unwrap();
        assert_eq!(t.expires_at, Some(now_ms(&sb) + auto_ms), "auto, {unit}");
        let set = pleo_with(ProfileOverrides {
            expires_in_unit: Some(ov),
            ..ProfileOverrides::default()
        });
        let t = exchange(&mut sb, &set, None).unwrap();
        let want = now_ms(&sb) + secs as f64 * 1000.0;
        assert_eq!(t.expires_at, Some(want), "override, {unit}");
        let t2 = refresh(&mut sb, &set, &t.refresh_token.unwrap()).unwrap();
        assert_eq!(t2.expires_at, Some(want), "override on refresh, {unit}");
    }
}

#[test]
fn guess_pleo_basic_on_code_exchange() {
    let post = ProfileOverrides {
        code_exchange_auth: Some(ClientAuth::Post),
        ..ProfileOverrides::default()
    };
    // Default server (Basic everywhere): the default works, the override is refused.
    let mut sb = Sandbox::with_clock(START);
    assert!(exchange(&mut sb, &pleo_with(ProfileOverrides::default()), None).is_ok());
    let e = exchange(&mut sb, &pleo_with(post), None).unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.error()),
        (ErrorCode::OAuthError, Some(401), Some("invalid_client"))
    );
    // Other server (credentials in the body on the exchange): the default fails
    // with a coded invalid_client, the override works, and refresh stays Basic.
    behave(&mut sb, r#"{"provider":"pleo","code_auth":"post"}"#);
    let e = exchange(&mut sb, &pleo_with(ProfileOverrides::default()), None).unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.error()),
        (ErrorCode::OAuthError, Some(401), Some("invalid_client"))
    );
    let c = pleo_with(post);
    let t = exchange(&mut sb, &c, None).unwrap();
    let r = c
        .token_request(&Grant::RefreshToken { refresh_token: "x" })
        .unwrap();
    assert!(r
        .header("authorization")
        .unwrap_or("")
        .starts_with("Basic "));
    assert!(refresh(&mut sb, &c, &t.refresh_token.unwrap()).is_ok());
}

#[test]
fn guess_pleo_reuse_revokes_the_authorisation() {
    for (reuse, current_survives) in [("revoke_authorisation", false), ("reject_token", true)] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"pleo","reuse":"{reuse}"}}"#),
        );
        let c = pleo_with(ProfileOverrides::default());
        let t = exchange(&mut sb, &c, None).unwrap();
        let rt1 = t.refresh_token.unwrap();
        let rt2 = refresh(&mut sb, &c, &rt1).unwrap().refresh_token.unwrap();
        assert_eq!(
            refresh(&mut sb, &c, &rt1).unwrap_err().code(),
            ErrorCode::ReconnectRequired,
            "{reuse}: reuse"
        );
        let current = refresh(&mut sb, &c, &rt2);
        match current_survives {
            true => assert!(current.is_ok(), "{reuse}"),
            false => assert_eq!(
                current.unwrap_err().code(),
                ErrorCode::ReconnectRequired,
                "{reuse}"
            ),
        }
    }
}

#[test]
fn guess_pleo_api_host() {
    // The API host is not in the doc; `apiBaseUrl` overrides the guess.
    let e = Endpoints::resolve(Provider::Pleo, None, None, None).unwrap();
    assert_eq!(e.api_base.as_deref(), Some("https://external.pleo.io"));
    let mut sb = Sandbox::with_clock(START);
    behave(
        &mut sb,
        r#"{"provider":"pleo","api_prefix":"/pleo/external"}"#,
    );
    let base = format!("{BASE}/pleo");
    let api = format!("{BASE}/pleo/external");
    let mut o = options(Provider::Pleo, &base, "pleo-client");
    o.client_secret = Some("pleo-secret");
    o.api_base_url = Some(&api);
    let c = ClientConfig::new(&o).unwrap();
    let t = exchange(&mut sb, &c, None).unwrap();
    let bearer = format!("Bearer {}", t.access_token.expose());
    let at = |path: String| {
        Request::get(path.strip_prefix(BASE).unwrap()).with_header("Authorization", &bearer)
    };
    let moved = sb.handle(&at(format!("{base}/v1/expenses")));
    assert_eq!(moved.status, 404);
    let r = sb.handle(&at(format!("{}/v1/expenses", c.api_base_url().unwrap())));
    assert_eq!(r.status, 200, "{}", r.body_str());
}

// ============================================= guesses: Findity, both ways

#[test]
fn guess_findity_error_shape() {
    for shape in ["rfc6749", "message"] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"findity","error_shape":"{shape}"}}"#),
        );
        let c = findity(Some("findity-secret"));
        let t = grant(&mut sb, &c, Grant::ClientCredentials { scopes: &[] }).unwrap();
        let rt = t.refresh_token.unwrap();
        refresh(&mut sb, &c, &rt).unwrap();
        let reuse = refresh(&mut sb, &c, &rt).unwrap_err();
        let bad = grant(
            &mut sb,
            &findity(Some("wrong")),
            Grant::ClientCredentials { scopes: &[] },
        )
        .unwrap_err();
        match shape {
            // RFC 6749 bodies: the spent token is RECONNECT_REQUIRED, the bad secret invalid_client.
            "rfc6749" => {
                assert_eq!(reuse.code(), ErrorCode::ReconnectRequired);
                assert_eq!(
                    (bad.code(), bad.error()),
                    (ErrorCode::OAuthError, Some("invalid_client"))
                );
            }
            // Any other body: a coded HTTP_ERROR with the status, never a token set.
            _ => {
                assert_eq!(
                    (reuse.code(), reuse.status()),
                    (ErrorCode::HttpError, Some(400))
                );
                assert_eq!(
                    (bad.code(), bad.status()),
                    (ErrorCode::HttpError, Some(400))
                );
            }
        }
    }
}

#[test]
fn guess_findity_trailing_slash() {
    for paths in ["documented", "either"] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"findity","paths":"{paths}"}}"#),
        );
        let c = findity(Some("findity-secret"));
        let org = grant(&mut sb, &c, Grant::ClientCredentials { scopes: &[] }).unwrap();
        refresh(&mut sb, &c, org.refresh_token.as_ref().unwrap()).unwrap();
        let req = c
            .authorization_grant_request(org.access_token.expose(), "user-7")
            .unwrap();
        let code = token::process_findity_authorization_grant(&send(&mut sb, &req)).unwrap();
        let user = grant(
            &mut sb,
            &c,
            Grant::AuthorizationCode {
                code: code.expose(),
                code_verifier: None,
            },
        );
        assert!(user.is_ok(), "{paths}");
        // The other path than the doc's: refused by the documented server, taken by the lenient one.
        let other = Request::post_form(
            "/findity/api/oauth/token",
            "grant_type=client_credentials&client_id=findity-client&client_secret=findity-secret",
        );
        let want = if paths == "documented" { 404 } else { 200 };
        assert_eq!(sb.handle(&other).status, want, "{paths}");
    }
}

// ============================================ guesses: ProSpend, both ways

#[test]
fn guess_prospend_api_host() {
    // The host is not in the doc; `apiBaseUrl` overrides the guess.
    let e = Endpoints::resolve(Provider::ProSpend, None, None, None).unwrap();
    assert_eq!(e.api_base.as_deref(), Some("https://api.apac.prospend.io"));
    for prefix in ["/prospend", "/prospend/eu"] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"prospend","api_prefix":"{prefix}"}}"#),
        );
        let r = sb.handle(&Request::post_json("/_sandbox/prospend/tokens", "{}"));
        let tok = json::parse_object(r.body_str())
            .and_then(|o| o.str("token"))
            .unwrap();
        token::check_static_jwt(&tok, now_ms(&sb)).unwrap();
        let api = format!("{BASE}{prefix}");
        let mut o = ClientOptions::new(Provider::ProSpend);
        o.api_base_url = Some(&api);
        let c = ClientConfig::new(&o).unwrap();
        let url = format!("{}/api/v1/expenses", c.api_base_url().unwrap());
        let r = sb.handle(
            &Request::get(url.strip_prefix(BASE).unwrap())
                .with_header("Authorization", &format!("Bearer {tok}")),
        );
        assert_eq!(r.status, 200, "{prefix}: {}", r.body_str());
    }
}

// ===================================================== RFC 9700 checks

/// Every value a URL must never carry.
const SECRETS: &[&str] = &[
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "client-secret-XYZ",
    "code-ABC",
    "refresh-DEF",
    "key-secret-GHI",
    "access-JKL",
];

#[test]
fn security_no_url_the_library_builds_carries_a_secret() {
    let [verifier, secret, code, rt, key_secret, access] = [0, 1, 2, 3, 4, 5].map(|i| SECRETS[i]);
    let hostile: &[(&str, &str)] = &[
        ("code_verifier", verifier),
        ("CODE_VERIFIER", verifier),
        ("client_secret", secret),
        ("Client_Secret", secret),
        ("client_assertion", secret),
        ("client_assertion_type", secret),
        ("refresh_token", rt),
        ("access_token", access),
        ("id_token", access),
        ("code", code),
        ("password", secret),
    ];
    let mut configs = Vec::new();
    for p in [
        Provider::Spendesk,
        Provider::Pleo,
        Provider::Findity,
        Provider::ProSpend,
    ] {
        let mut o = ClientOptions::new(p);
        o.client_id = "client-1";
        o.client_secret = Some(secret);
        if p != Provider::Findity && p != Provider::ProSpend {
            o.redirect_uri = Some("https://partner.example/cb");
        }
        configs.push(ClientConfig::new(&o).unwrap());
    }
    let mut o = ClientOptions::new(Provider::Rfc6749);
    o.client_id = "client-1";
    o.client_secret = Some(secret);
    o.authorization_endpoint = Some("https://as.example/authorize");
    o.token_endpoint = Some("https://as.example/token");
    o.redirect_uri = Some("https://partner.example/cb");
    configs.push(ClientConfig::new(&o).unwrap());

    let challenge = expense_auth::pkce::challenge_s256(verifier).unwrap();
    let mut authorize_urls = 0;
    for c in &configs {
        if c.authorization_endpoint().is_some() {
            for kv in hostile {
                let e = c
                    .authorization_url(&["read"], Some("st"), &challenge, &[*kv])
                    .unwrap_err();
                assert_eq!(
                    e.code(),
                    ErrorCode::InvalidArgument,
                    "{:?} {}",
                    c.provider(),
                    kv.0
                );
                for s in SECRETS {
                    assert!(!e.message().contains(s), "{}", e.message());
                }
            }
            let url = c
                .authorization_url(&["read"], Some("st"), &challenge, &[("prompt", "login")])
                .unwrap();
            for s in SECRETS {
                assert!(!url.contains(s), "{url}");
            }
            authorize_urls += 1;
        }
        // Token requests: secrets go in bodies and headers, never in the URL.
        for g in [
            Grant::AuthorizationCode {
                code,
                code_verifier: Some(verifier),
            },
            Grant::RefreshToken { refresh_token: rt },
            Grant::ClientCredentials { scopes: &[] },
            Grant::ApiKey {
                key_id: "key-1",
                key_secret,
            },
        ] {
            if let Ok(r) = c.token_request(&g) {
                for s in SECRETS {
                    assert!(!r.url.contains(s), "{:?}: {}", c.provider(), r.url);
                }
            }
        }
        if let Ok(r) = c.authorization_grant_request(access, "user-1") {
            assert!(!r.url.contains(access));
        }
        let debug = format!("{c:?}");
        assert!(!debug.contains(secret), "{debug}");
    }
    assert_eq!(
        authorize_urls, 3,
        "generic, Spendesk and Pleo build authorize URLs"
    );
}

#[test]
fn security_callback_iss_is_checked_when_the_issuer_is_known() {
    let issuer = "https://auth.pleo.io";
    let checks = |required| CallbackChecks {
        expected_state: Some("st"),
        expected_issuer: Some(issuer),
        issuer_required: required,
    };
    let right = "https://partner.example/cb?code=c1&state=st&iss=https%3A%2F%2Fauth.pleo.io";
    let wrong = "https://partner.example/cb?code=c1&state=st&iss=https%3A%2F%2Fevil.example";
    let missing = "https://partner.example/cb?code=c1&state=st";
    let wrong_error =
        "https://partner.example/cb?error=access_denied&state=st&iss=https%3A%2F%2Fevil.example";
    for required in [false, true] {
        assert_eq!(
            parse_callback_checked(right, &checks(required))
                .unwrap()
                .code
                .expose(),
            "c1"
        );
        for bad in [wrong, wrong_error] {
            assert_eq!(
                parse_callback_checked(bad, &checks(required))
                    .unwrap_err()
                    .code(),
                ErrorCode::InvalidResponse,
                "{bad}"
            );
        }
    }
    assert!(parse_callback_checked(missing, &checks(false)).is_ok());
    assert_eq!(
        parse_callback_checked(missing, &checks(true))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidResponse
    );
    // A wrong state is still caught first, and the code never shows in a message.
    let e = parse_callback_checked(
        "https://partner.example/cb?code=c1&state=other&iss=https%3A%2F%2Fauth.pleo.io",
        &checks(true),
    )
    .unwrap_err();
    assert!(!e.message().contains("c1"));
}

#[test]
fn overrides_that_do_not_apply_are_refused() {
    let build = |p: Provider, ov: ProfileOverrides| {
        let mut o = ClientOptions::new(p);
        o.client_id = "c";
        o.client_secret = Some("s");
        o.token_endpoint = (p == Provider::Rfc6749).then_some("https://as.example/token");
        o.overrides = ov;
        ClientConfig::new(&o).map(|_| ())
    };
    let d = ProfileOverrides::default;
    for (p, ov) in [
        (
            Provider::Spendesk,
            ProfileOverrides {
                body_encoding: Some(BodyEncoding::Empty),
                ..d()
            },
        ),
        (
            Provider::Rfc6749,
            ProfileOverrides {
                code_exchange_auth: Some(ClientAuth::Post),
                ..d()
            },
        ),
        (
            Provider::Rfc6749,
            ProfileOverrides {
                refresh_auth: Some(ClientAuth::None),
                ..d()
            },
        ),
        (
            Provider::Pleo,
            ProfileOverrides {
                api_key_method: Some(ApiKeyMethod::Get),
                ..d()
            },
        ),
    ] {
        assert_eq!(
            build(p, ov).unwrap_err().code(),
            ErrorCode::InvalidArgument,
            "{p:?} {ov:?}"
        );
    }
    // The unit override applies to any provider, and form/JSON to any body.
    let t = ClientConfig::new(&{
        let mut o = ClientOptions::new(Provider::Findity);
        o.client_id = "c";
        o.overrides.expires_in_unit = Some(ExpiresInUnit::Milliseconds);
        o
    })
    .unwrap()
    .process_token_response(
        GrantKind::ClientCredentials,
        &ok(
            200,
            r#"{"access_token":"a","token_type":"Bearer","expires_in":3600000}"#,
        ),
        NOW_MS,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(NOW_MS + 3_600_000.0));
    // The API-key request stays bodiless whatever the body override.
    let c = spendesk_with(
        None,
        ProfileOverrides {
            body_encoding: Some(BodyEncoding::Form),
            ..d()
        },
    );
    let r = c
        .token_request(&Grant::ApiKey {
            key_id: "i",
            key_secret: "s",
        })
        .unwrap();
    assert_eq!((r.method, r.body), ("POST", None));
}

#[test]
fn guess_spendesk_token_type_present_or_absent() {
    for token_type in ["bearer", "absent"] {
        let mut sb = Sandbox::with_clock(START);
        behave(
            &mut sb,
            &format!(r#"{{"provider":"spendesk","token_type":"{token_type}"}}"#),
        );
        let c = spendesk();
        let t = exchange(&mut sb, &c, None).unwrap();
        assert_eq!(t.token_type, "Bearer", "{token_type}");
        let t2 = refresh(&mut sb, &c, &t.refresh_token.unwrap()).unwrap();
        assert_eq!(t2.token_type, "Bearer", "{token_type}");
    }
}
