//! Native end-to-end tests: the sans-IO core talks to the provider sandbox's
//! handler directly (no sockets). Requests the core builds go in, the
//! sandbox's answers come back to the core's response processors — for every
//! provider's flows and the failure modes the sandbox can inject.
#![cfg(not(target_arch = "wasm32"))]

use expense_auth::callback::parse_callback;
use expense_auth::http::{HttpRequest, HttpResponse};
use expense_auth::pkce::Pkce;
use expense_auth::token::{self, ClientAuth, ClientConfig, Dialect, Grant, GrantKind, TokenSet};
use expense_auth::url::parse_endpoint;
use expense_auth::{authorize::AuthorizationRequest, jwt, ErrorCode, Secret};
use expense_auth_sandbox::{Request, Response, Sandbox};

const BASE: &str = "http://127.0.0.1:8787";
const REDIRECT: &str = "http://127.0.0.1:8787/callback";
const START: u64 = 1_900_000_000;

fn now_ms(sb: &Sandbox) -> f64 {
    sb.now() as f64 * 1000.0
}

fn to_sandbox(r: &HttpRequest) -> Request {
    let target = r
        .url
        .strip_prefix(BASE)
        .expect("request to the sandbox")
        .to_owned();
    Request {
        method: r.method.to_owned(),
        target,
        headers: r
            .headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        body: r.body.clone().unwrap_or_default().into_bytes(),
    }
}

fn from_sandbox(r: &Response) -> HttpResponse {
    HttpResponse {
        status: r.status,
        content_type: r.header("content-type").map(str::to_owned),
        body: String::from_utf8_lossy(&r.body).into_owned(),
    }
}

fn send(sb: &mut Sandbox, r: &HttpRequest) -> HttpResponse {
    from_sandbox(&sb.handle(&to_sandbox(r)))
}

fn location(r: &Response) -> String {
    assert_eq!(r.status, 302, "{}", r.body_str());
    r.header("location").expect("Location").to_owned()
}

/// Authorize → consent → callback, as the browser would walk it.
fn consent(sb: &mut Sandbox, authorize_url: &str, wallet: Option<&str>) -> String {
    let r = sb.handle(&Request::get(authorize_url.strip_prefix(BASE).unwrap()));
    let mut consent = location(&r);
    consent.push_str("&decision=approve");
    if let Some(w) = wallet {
        consent.push_str("&wallet=");
        consent.push_str(w);
    }
    let consent = consent
        .strip_prefix(BASE)
        .map(str::to_owned)
        .unwrap_or(consent);
    location(&sb.handle(&Request::get(&consent)))
}

fn config(
    dialect: Dialect,
    token: &str,
    refresh: Option<&str>,
    id: &str,
    secret: &str,
    auth: ClientAuth,
) -> ClientConfig {
    ClientConfig {
        dialect,
        token_endpoint: parse_endpoint(&format!("{BASE}{token}"), "t").unwrap(),
        refresh_endpoint: refresh.map(|r| parse_endpoint(&format!("{BASE}{r}"), "r").unwrap()),
        client_id: id.into(),
        client_secret: (!secret.is_empty()).then(|| Secret::new(secret)),
        auth,
        redirect_uri: Some(REDIRECT.into()),
    }
}

fn grant(sb: &mut Sandbox, c: &ClientConfig, g: Grant) -> expense_auth::Result<TokenSet> {
    let now = now_ms(sb);
    let resp = send(sb, &c.token_request(&g)?);
    c.process_token_response(g.kind(), &resp, now)
}

fn code_flow(
    sb: &mut Sandbox,
    c: &ClientConfig,
    authorize_path: &str,
    wallet: Option<&str>,
) -> TokenSet {
    let pkce = Pkce::generate(64).unwrap();
    let state = expense_auth::state::random_state().unwrap();
    let endpoint = format!("{BASE}{authorize_path}");
    let url = AuthorizationRequest {
        authorization_endpoint: &endpoint,
        client_id: &c.client_id,
        redirect_uri: Some(REDIRECT),
        scopes: &[],
        state: Some(&state),
        code_challenge: &pkce.challenge,
        extra_params: &[],
    }
    .build()
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

fn refresh(sb: &mut Sandbox, c: &ClientConfig, rt: &Secret) -> expense_auth::Result<TokenSet> {
    grant(
        sb,
        c,
        Grant::RefreshToken {
            refresh_token: rt.expose(),
        },
    )
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
    let c = config(
        Dialect::Rfc6749,
        "/oauth/token",
        None,
        "sandbox-client",
        "sandbox-secret",
        ClientAuth::Basic,
    );
    let t = code_flow(&mut sb, &c, "/oauth/authorize", None);
    assert_eq!(t.expires_at, Some(now_ms(&sb) + 3_600_000.0));
    let rt = t.refresh_token.clone().unwrap();
    let t2 = refresh(&mut sb, &c, &rt).unwrap();
    assert_ne!(t2.refresh_token, t.refresh_token);
    assert!(refresh_state(&mut sb, &rt).contains("used"));
    let e = refresh(&mut sb, &c, &rt).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectRequired);
    let post = config(
        Dialect::Rfc6749,
        "/oauth/token",
        None,
        "sandbox-client",
        "sandbox-secret",
        ClientAuth::Post,
    );
    assert!(grant(
        &mut sb,
        &post,
        Grant::ClientCredentials { scopes: &["read"] }
    )
    .is_ok());
    let bad = config(
        Dialect::Rfc6749,
        "/oauth/token",
        None,
        "sandbox-client",
        "wrong",
        ClientAuth::Basic,
    );
    let e = grant(&mut sb, &bad, Grant::ClientCredentials { scopes: &[] }).unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.error()),
        (ErrorCode::OAuthError, Some(401), Some("invalid_client"))
    );
}

#[test]
fn spendesk_oauth_and_api_key() {
    let mut sb = Sandbox::with_clock(START);
    let c = config(
        Dialect::Spendesk,
        "/spendesk/oauth2/token/create",
        Some("/spendesk/oauth2/token/refresh"),
        "spendesk-client",
        "spendesk-secret",
        ClientAuth::Post,
    );
    let t = code_flow(&mut sb, &c, "/spendesk/oauth2/authorize", Some("wallet-2"));
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

    let url = parse_endpoint(&format!("{BASE}/spendesk/auth/token"), "k").unwrap();
    let now = now_ms(&sb);
    let req =
        token::spendesk_api_key_request(&url, "spendesk-key-id", "spendesk-key-secret").unwrap();
    let resp = send(&mut sb, &req);
    let k =
        token::process_token_response(Dialect::Spendesk, GrantKind::ApiKey, &resp, now).unwrap();
    assert_eq!(k.expires_at, Some(now + 3_600_000.0));
    let req = token::spendesk_api_key_request(&url, "spendesk-key-id", "nope").unwrap();
    let resp = send(&mut sb, &req);
    let e = token::process_token_response(Dialect::Spendesk, GrantKind::ApiKey, &resp, now)
        .unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::OAuthError, Some(401)));
}

#[test]
fn pleo_units_rotation_and_family_revocation() {
    let mut sb = Sandbox::with_clock(START);
    let c = config(
        Dialect::Pleo,
        "/pleo/oauth/token",
        None,
        "pleo-client",
        "pleo-secret",
        ClientAuth::Basic,
    );
    let t = code_flow(&mut sb, &c, "/pleo/oauth/authorize", None);
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
    let c = config(
        Dialect::Findity,
        "/findity/api/oauth/token/",
        None,
        "findity-client",
        "findity-secret",
        ClientAuth::Post,
    );
    let org = grant(&mut sb, &c, Grant::ClientCredentials { scopes: &[] }).unwrap();
    let rt = org.refresh_token.clone().unwrap();
    assert!(refresh(&mut sb, &c, &rt).is_ok());
    let e = refresh(&mut sb, &c, &rt).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectRequired, "single use");
    let url = parse_endpoint(
        &format!("{BASE}/findity/api/oauth/authorization-grant"),
        "g",
    )
    .unwrap();
    let req = token::findity_authorization_grant_request(&url, org.access_token.expose(), "user-7")
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
    let c = config(
        Dialect::Rfc6749,
        "/oauth/token",
        None,
        "sandbox-client",
        "sandbox-secret",
        ClientAuth::Basic,
    );
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
