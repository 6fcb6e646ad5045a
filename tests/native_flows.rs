//! Native end-to-end tests: the sans-IO core talks to the provider sandbox's
//! handler directly (no sockets). Requests the core builds go in, the
//! sandbox's answers come back to the core's response processors — for every
//! provider's flows and the failure modes the sandbox can inject.
#![cfg(not(target_arch = "wasm32"))]

use expense_auth::callback::parse_callback;
use expense_auth::pkce::Pkce;
use expense_auth::providers::Provider;
use expense_auth::token::{self, ClientAuth, ClientConfig, ClientOptions, Grant, TokenSet};
use expense_auth::{jwt, ErrorCode, Secret};
use expense_auth_sandbox::{Request, Sandbox};

mod common;
use common::*;

/// A generic client of the sandbox's `/oauth` server.
fn generic(secret: &str, auth: ClientAuth) -> ClientConfig {
    let mut o = ClientOptions::new(Provider::Rfc6749);
    o.authorization_endpoint = Some("http://127.0.0.1:8787/oauth/authorize");
    o.token_endpoint = Some("http://127.0.0.1:8787/oauth/token");
    o.client_id = "sandbox-client";
    o.client_secret = Some(secret);
    o.client_auth = Some(auth);
    o.redirect_uri = Some(REDIRECT);
    ClientConfig::new(&o).unwrap()
}

/// A provider client built from its profile, with the sandbox's mount point
/// as the host root (`baseUrl`), exactly as the wasm layer builds it.
fn preset(provider: Provider, mount: &str, id: &str, secret: Option<&str>) -> ClientConfig {
    let base = format!("{BASE}{mount}");
    let mut o = ClientOptions::new(provider);
    o.base_url = Some(&base);
    o.api_base_url = Some(&base);
    o.client_id = id;
    o.client_secret = secret;
    if provider != Provider::Findity {
        o.redirect_uri = Some(REDIRECT);
    }
    ClientConfig::new(&o).unwrap()
}

fn code_flow(sb: &mut Sandbox, c: &ClientConfig, wallet: Option<&str>) -> TokenSet {
    let pkce = Pkce::generate(64).unwrap();
    let state = expense_auth::state::random_state().unwrap();
    let url = c
        .authorization_url(&[], Some(&state), &pkce.challenge, &[])
        .unwrap();
    let cb = consent(sb, &url, wallet);
    let code = parse_callback(&cb, Some(&state)).unwrap().code;
    grant(
        sb,
        c,
        Grant::AuthorizationCode {
            code: code.expose(),
            code_verifier: Some(pkce.verifier.expose()),
        },
    )
    .unwrap()
}

fn refresh_state(sb: &mut Sandbox, t: &Secret) -> String {
    let r = sb.handle(&Request::get(&format!(
        "/_sandbox/refresh-token-state?token={}",
        t.expose()
    )));
    r.body_str().to_owned()
}

#[test]
fn generic_oauth_code_refresh_rotation_and_client_credentials() {
    let mut sb = Sandbox::with_clock(START);
    let c = generic("sandbox-secret", ClientAuth::Basic);
    let t = code_flow(&mut sb, &c, None);
    assert_eq!(t.expires_at, Some(now_ms(&sb) + 3_600_000.0));
    let rt = t.refresh_token.clone().unwrap();
    let t2 = refresh(&mut sb, &c, &rt).unwrap();
    assert_ne!(t2.refresh_token, t.refresh_token);
    assert!(refresh_state(&mut sb, &rt).contains("used"));
    let e = refresh(&mut sb, &c, &rt).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectRequired);
    let post = generic("sandbox-secret", ClientAuth::Post);
    assert!(grant(
        &mut sb,
        &post,
        Grant::ClientCredentials { scopes: &["read"] }
    )
    .is_ok());
    let bad = generic("wrong", ClientAuth::Basic);
    let e = grant(&mut sb, &bad, Grant::ClientCredentials { scopes: &[] }).unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.error()),
        (ErrorCode::OAuthError, Some(401), Some("invalid_client"))
    );
}

#[test]
fn spendesk_oauth_and_api_key() {
    let mut sb = Sandbox::with_clock(START);
    let c = preset(
        Provider::Spendesk,
        "/spendesk",
        "spendesk-client",
        Some("spendesk-secret"),
    );
    // Every Spendesk endpoint under /v1 (the sandbox serves nothing else).
    let e = c.endpoints();
    for (got, want) in [
        (&e.authorization, "/spendesk/v1/oauth2/authorize"),
        (&e.token, "/spendesk/v1/oauth2/token/create"),
        (&e.refresh, "/spendesk/v1/oauth2/token/refresh"),
        (&e.api_key, "/spendesk/v1/auth/token"),
    ] {
        assert_eq!(
            got.as_ref().map(|u| u.as_str()),
            Some(format!("{BASE}{want}").as_str())
        );
    }
    let t = code_flow(&mut sb, &c, Some("wallet-2"));
    assert_eq!(
        t.expires_at,
        Some(now_ms(&sb) + 3_600_000.0),
        "from the JWT exp"
    );
    assert_eq!(
        jwt::spendesk_wallet_id(t.access_token.expose(), None).unwrap(),
        "wallet-2"
    );
    let rt = t.refresh_token.clone().unwrap();
    let t2 = refresh(&mut sb, &c, &rt).unwrap();
    assert_eq!(
        jwt::spendesk_wallet_id(t2.access_token.expose(), None).unwrap(),
        "wallet-2"
    );
    let e = refresh(&mut sb, &c, &rt).unwrap_err();
    assert_eq!(
        (e.code(), e.status()),
        (ErrorCode::ReconnectRequired, Some(401))
    );

    // The API-key flow, from a client with no OAuth2 credentials at all.
    let key = preset(Provider::Spendesk, "/spendesk", "", None);
    let now = now_ms(&sb);
    let k = grant(
        &mut sb,
        &key,
        Grant::ApiKey {
            key_id: "spendesk-key-id",
            key_secret: "spendesk-key-secret",
        },
    )
    .unwrap();
    assert_eq!(k.expires_at, Some(now + 3_600_000.0));
    let e = grant(
        &mut sb,
        &key,
        Grant::ApiKey {
            key_id: "spendesk-key-id",
            key_secret: "nope",
        },
    )
    .unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuthError, Some(401)));
    // The wallet summary lives under the API base (`…/v1`).
    let api = c.api_base_url().unwrap().strip_prefix(BASE).unwrap();
    let r = sb.handle(&Request::get(&format!("{api}/wallet-summary")).with_header(
        "Authorization",
        &format!("Bearer {}", t2.access_token.expose()),
    ));
    assert_eq!(r.status, 200, "{}", r.body_str());
}

#[test]
fn pleo_units_rotation_and_family_revocation() {
    let mut sb = Sandbox::with_clock(START);
    let c = preset(Provider::Pleo, "/pleo", "pleo-client", Some("pleo-secret"));
    let t = code_flow(&mut sb, &c, None);
    assert_eq!(t.expires_at, Some(now_ms(&sb) + 600_000.0), "600 s");
    let rt1 = t.refresh_token.clone().unwrap();
    let t2 = refresh(&mut sb, &c, &rt1).unwrap();
    assert_eq!(t2.expires_at, Some(now_ms(&sb) + 600_000.0), "600000 ms");
    let rt2 = t2.refresh_token.clone().unwrap();
    let e = refresh(&mut sb, &c, &rt1).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectRequired);
    let e = refresh(&mut sb, &c, &rt2).unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::ReconnectRequired,
        "the whole authorisation is revoked"
    );
}

#[test]
fn findity_client_credentials_refresh_and_user_token() {
    let mut sb = Sandbox::with_clock(START);
    let c = preset(
        Provider::Findity,
        "/findity",
        "findity-client",
        Some("findity-secret"),
    );
    let org = grant(&mut sb, &c, Grant::ClientCredentials { scopes: &[] }).unwrap();
    let rt = org.refresh_token.clone().unwrap();
    let org2 = refresh(&mut sb, &c, &rt).unwrap();
    let e = refresh(&mut sb, &c, &rt).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectRequired, "single use");
    // findity-authentication.txt: the refresh sends client_id and the refresh
    // token, no secret — so a client without a secret can refresh.
    let no_secret = preset(Provider::Findity, "/findity", "findity-client", None);
    let rt2 = org2.refresh_token.clone().unwrap();
    let org3 = refresh(&mut sb, &no_secret, &rt2).unwrap();
    assert_ne!(org3.refresh_token, org2.refresh_token);
    assert_eq!(
        grant(
            &mut sb,
            &no_secret,
            Grant::ClientCredentials { scopes: &[] }
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidArgument,
        "client credentials do need the secret"
    );
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
    )
    .unwrap();
    assert_eq!(
        jwt::decode_unverified(user.access_token.expose())
            .unwrap()
            .sub()
            .as_deref(),
        Some("user-7")
    );
}

#[test]
fn prospend_static_token_expiry() {
    let mut sb = Sandbox::with_clock(START);
    let r = sb.handle(&Request::post_json(
        "/_sandbox/prospend/tokens",
        r#"{"lifetime_secs":100}"#,
    ));
    let body = r.body_str().to_owned();
    let token = body.split('"').nth(3).unwrap().to_owned();
    let exp = token::check_static_jwt(&token, now_ms(&sb)).unwrap();
    assert_eq!(exp, Some(now_ms(&sb) + 100_000.0));
    sb.advance(101);
    assert_eq!(
        token::check_static_jwt(&token, now_ms(&sb))
            .unwrap_err()
            .code(),
        ErrorCode::TokenExpired
    );
}

#[test]
fn injected_faults_map_to_codes() {
    let mut sb = Sandbox::with_clock(START);
    let c = generic("sandbox-secret", ClientAuth::Basic);
    for (kind, want) in [
        ("status_500", ErrorCode::ServerError),
        ("status_503", ErrorCode::ServerError),
        ("html", ErrorCode::InvalidResponse),
        ("not_json", ErrorCode::InvalidResponse),
        ("huge", ErrorCode::ResponseTooLarge),
    ] {
        let f = format!(r#"{{"path":"/oauth/token","kind":"{kind}","times":1}}"#);
        assert_eq!(
            sb.handle(&Request::post_json("/_sandbox/faults", &f))
                .status,
            201
        );
        let e = grant(&mut sb, &c, Grant::ClientCredentials { scopes: &[] }).unwrap_err();
        assert_eq!(e.code(), want, "{kind}");
    }
    assert!(grant(&mut sb, &c, Grant::ClientCredentials { scopes: &[] }).is_ok());
}
