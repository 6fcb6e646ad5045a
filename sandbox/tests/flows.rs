//! Every provider flow and its documented errors, through `Sandbox::handle`.

mod common;

use common::*;
use expense_auth_sandbox::{Request, Sandbox};
use serde_json::Value;

// =============================================================================================
// Generic OAuth 2.0 (RFC 6749 + RFC 7636)
// =============================================================================================

fn public_code(sb: &mut Sandbox) -> String {
    code_for(sb, "/oauth/authorize", "sandbox-public", "")
}

fn exchange_public(sb: &mut Sandbox, code: &str, verifier: &str) -> expense_auth_sandbox::Response {
    sb.handle(&Request::post_form(
        "/oauth/token",
        &format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}&client_id=sandbox-public&code_verifier={verifier}",
            enc(REDIRECT)
        ),
    ))
}

#[test]
fn oauth_public_client_pkce_flow_with_rfc7636_vector() {
    let mut sb = Sandbox::with_clock(T0);
    let code = public_code(&mut sb);
    assert!(code.len() >= 32);
    let r = exchange_public(&mut sb, &code, VERIFIER);
    assert_eq!(r.status, 200, "{}", r.body_str());
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let j = json(&r);
    assert_eq!(j["token_type"], "Bearer");
    assert_eq!(j["expires_in"], 3600);
    assert_eq!(j["scope"], "export:read export:write");
    let rt = j["refresh_token"].as_str().unwrap();
    assert!(
        rt.len() >= 32
            && rt
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let at = j["access_token"].as_str().unwrap();
    assert!(at.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
    let c = claims(at);
    assert_eq!(c["aud"], "sandbox-public");
    assert_eq!(c["iat"], T0);
    assert_eq!(c["exp"], T0 + 3600);
    for k in ["iss", "sub", "jti"] {
        assert!(c[k].is_string(), "{k}");
    }
    let me = sb.handle(&get_auth("/oauth/api/me", &bearer(at)));
    assert_eq!(me.status, 200);
    assert_eq!(json(&me)["sub"], c["sub"]);
}

#[test]
fn oauth_wrong_verifier_is_invalid_grant_and_consumes_code() {
    let mut sb = Sandbox::with_clock(T0);
    let code = public_code(&mut sb);
    let r = exchange_public(&mut sb, &code, &"x".repeat(43));
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "invalid_grant");
    assert!(json(&r)["error_description"].is_string());
    let r = exchange_public(&mut sb, &code, VERIFIER);
    assert_eq!(json(&r)["error"], "invalid_grant");
    // missing verifier when PKCE was used
    let code = public_code(&mut sb);
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}&client_id=sandbox-public",
            enc(REDIRECT)
        ),
    ));
    assert_eq!(json(&r)["error"], "invalid_grant");
    // malformed verifier
    let code = public_code(&mut sb);
    let r = exchange_public(&mut sb, &code, "short");
    assert_eq!(json(&r)["error"], "invalid_grant");
}

#[test]
fn oauth_code_replay_revokes_tokens_issued_from_it() {
    let mut sb = Sandbox::with_clock(T0);
    let code = public_code(&mut sb);
    let j = json(&exchange_public(&mut sb, &code, VERIFIER));
    let at = j["access_token"].as_str().unwrap().to_string();
    let rt = j["refresh_token"].as_str().unwrap().to_string();
    let r = exchange_public(&mut sb, &code, VERIFIER);
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "invalid_grant");
    assert_eq!(
        sb.handle(&get_auth("/oauth/api/me", &bearer(&at))).status,
        401
    );
    assert_eq!(rt_state(&mut sb, &rt), "revoked");
}

#[test]
fn oauth_code_expires_after_ten_minutes() {
    let mut sb = Sandbox::with_clock(T0);
    let code = public_code(&mut sb);
    sb.advance(600);
    let r = exchange_public(&mut sb, &code, VERIFIER);
    assert_eq!(json(&r)["error"], "invalid_grant");
    assert!(json(&r)["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

#[test]
fn oauth_redirect_uri_must_match_authorize() {
    let mut sb = Sandbox::with_clock(T0);
    let code = public_code(&mut sb);
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("grant_type=authorization_code&code={code}&client_id=sandbox-public&code_verifier={VERIFIER}"),
    ));
    assert_eq!(json(&r)["error"], "invalid_request");
    let code = public_code(&mut sb);
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!(
            "grant_type=authorization_code&code={code}&client_id=sandbox-public&code_verifier={VERIFIER}&redirect_uri={}",
            enc("http://127.0.0.1:5173/other")
        ),
    ));
    assert_eq!(json(&r)["error"], "invalid_grant");
}

#[test]
fn oauth_code_bound_to_client() {
    let mut sb = Sandbox::with_clock(T0);
    let code = public_code(&mut sb);
    let r = sb.handle(
        &Request::post_form(
            "/oauth/token",
            &format!(
                "grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={VERIFIER}",
                enc(REDIRECT)
            ),
        )
        .with_header("Authorization", &basic_form("sandbox-client", "sandbox-secret")),
    );
    assert_eq!(json(&r)["error"], "invalid_grant");
}

#[test]
fn oauth_confidential_client_auth_methods() {
    let mut sb = Sandbox::with_clock(T0);
    let cc = "grant_type=client_credentials&scope=read+write";
    // client_secret_basic
    let r = sb.handle(&Request::post_form("/oauth/token", cc).with_header(
        "Authorization",
        &basic_form("sandbox-client", "sandbox-secret"),
    ));
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j = json(&r);
    assert_eq!(j["scope"], "read write");
    assert!(j.get("refresh_token").is_none(), "RFC 6749 §4.4.3");
    assert_eq!(
        claims(j["access_token"].as_str().unwrap())["sub"],
        "sandbox-client"
    );
    // scheme is case-insensitive, percent-encoded id decodes (RFC 6749 §2.3.1)
    let r = sb.handle(&Request::post_form("/oauth/token", cc).with_header(
        "authorization",
        &basic_form("sandbox-client", "sandbox-secret").replacen("Basic", "basic", 1),
    ));
    assert_eq!(r.status, 200);
    // client_secret_post
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("{cc}&client_id=sandbox-client&client_secret=sandbox-secret"),
    ));
    assert_eq!(r.status, 200);
    // both at once
    let r = sb.handle(
        &Request::post_form(
            "/oauth/token",
            &format!("{cc}&client_id=sandbox-client&client_secret=sandbox-secret"),
        )
        .with_header(
            "Authorization",
            &basic_form("sandbox-client", "sandbox-secret"),
        ),
    );
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "invalid_request");
    // wrong secret via Basic → 401 + WWW-Authenticate
    let r = sb.handle(
        &Request::post_form("/oauth/token", cc)
            .with_header("Authorization", &basic_form("sandbox-client", "nope")),
    );
    assert_eq!(r.status, 401);
    assert_eq!(json(&r)["error"], "invalid_client");
    assert_eq!(
        r.header("www-authenticate"),
        Some("Basic realm=\"sandbox\"")
    );
    // bad base64 via Basic → 401
    let r = sb.handle(
        &Request::post_form("/oauth/token", cc).with_header("Authorization", "Basic %%%not-base64"),
    );
    assert_eq!(r.status, 401);
    // wrong secret via post → 400, no WWW-Authenticate
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("{cc}&client_id=sandbox-client&client_secret=nope"),
    ));
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "invalid_client");
    assert!(r.header("www-authenticate").is_none());
    // no client authentication at all
    let r = sb.handle(&Request::post_form("/oauth/token", cc));
    assert_eq!(json(&r)["error"], "invalid_client");
    // confidential client without a secret
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("{cc}&client_id=sandbox-client"),
    ));
    assert_eq!(json(&r)["error"], "invalid_client");
    // public client may not use client_credentials
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("{cc}&client_id=sandbox-public"),
    ));
    assert_eq!(json(&r)["error"], "unauthorized_client");
    // public client with a secret
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("{cc}&client_id=sandbox-public&client_secret=x"),
    ));
    assert_eq!(json(&r)["error"], "invalid_client");
}

#[test]
fn oauth_basic_credentials_are_form_url_decoded() {
    let mut sb = Sandbox::with_clock(T0);
    use base64::Engine as _;
    let b64 = |s: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    };
    // "sandbox%2Dclient" decodes to "sandbox-client" under RFC 6749 §2.3.1.
    let r = sb.handle(
        &Request::post_form("/oauth/token", "grant_type=client_credentials")
            .with_header("Authorization", &b64("sandbox%2Dclient:sandbox%2Dsecret")),
    );
    assert_eq!(r.status, 200, "{}", r.body_str());
    // A '+' in the encoded secret is a space, so this is a different secret.
    let r = sb.handle(
        &Request::post_form("/oauth/token", "grant_type=client_credentials")
            .with_header("Authorization", &b64("sandbox-client:sandbox+secret")),
    );
    assert_eq!(r.status, 401);
    // Unpadded base64 is tolerated.
    let padded = basic_form("sandbox-client", "sandbox-secret");
    let r = sb.handle(
        &Request::post_form("/oauth/token", "grant_type=client_credentials")
            .with_header("Authorization", padded.trim_end_matches('=')),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn oauth_refresh_rotation() {
    let mut sb = Sandbox::with_clock(T0);
    let code = code_for(&mut sb, "/oauth/authorize", "sandbox-client", "");
    let r = sb.handle(
        &Request::post_form(
            "/oauth/token",
            &format!(
                "grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={VERIFIER}",
                enc(REDIRECT)
            ),
        )
        .with_header("Authorization", &basic_form("sandbox-client", "sandbox-secret")),
    );
    assert_eq!(r.status, 200, "{}", r.body_str());
    let rt1 = json(&r)["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(rt_state(&mut sb, &rt1), "valid");
    let refresh = |sb: &mut Sandbox, rt: &str, extra: &str| {
        sb.handle(&Request::post_form(
            "/oauth/token",
            &format!("grant_type=refresh_token&refresh_token={}&client_id=sandbox-client&client_secret=sandbox-secret{extra}", enc(rt)),
        ))
    };
    // asking for more scope than granted → invalid_scope, token still usable
    let r = refresh(&mut sb, &rt1, "&scope=admin");
    assert_eq!(json(&r)["error"], "invalid_scope");
    assert_eq!(rt_state(&mut sb, &rt1), "valid");
    let r = refresh(&mut sb, &rt1, "&scope=export%3Aread");
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j = json(&r);
    assert_eq!(j["scope"], "export:read");
    let rt2 = j["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2);
    assert_eq!(rt_state(&mut sb, &rt1), "used");
    assert_eq!(rt_state(&mut sb, &rt2), "valid");
    let r = refresh(&mut sb, &rt1, "");
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "invalid_grant");
    // generic server: reuse does not revoke the family
    assert_eq!(rt_state(&mut sb, &rt2), "valid");
    let r = refresh(&mut sb, &rt2, "");
    assert_eq!(r.status, 200);
    assert_eq!(rt_state(&mut sb, "nonexistent"), "unknown");
    // refresh token of another client
    let rt3 = json(&r)["refresh_token"].as_str().unwrap().to_string();
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("grant_type=refresh_token&refresh_token={rt3}&client_id=sandbox-public"),
    ));
    assert_eq!(json(&r)["error"], "invalid_grant");
    // expiry
    sb.advance(30 * 86_400);
    assert_eq!(rt_state(&mut sb, &rt3), "expired");
    assert_eq!(json(&refresh(&mut sb, &rt3, ""))["error"], "invalid_grant");
}

#[test]
fn oauth_token_endpoint_request_errors() {
    let mut sb = Sandbox::with_clock(T0);
    let creds = "client_id=sandbox-client&client_secret=sandbox-secret";
    let r = sb.handle(&Request::post_json(
        "/oauth/token",
        r#"{"grant_type":"client_credentials"}"#,
    ));
    assert_eq!(
        (r.status, json(&r)["error"].clone()),
        (400, Value::from("invalid_request"))
    );
    let mut no_ct = Request::post_form("/oauth/token", creds);
    no_ct.headers.clear();
    assert_eq!(json(&sb.handle(&no_ct))["error"], "invalid_request");
    // charset parameter is fine
    let r = sb.handle(&Request {
        headers: vec![(
            "content-type".into(),
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8".into(),
        )],
        ..Request::post_form(
            "/oauth/token",
            &format!("grant_type=client_credentials&{creds}"),
        )
    });
    assert_eq!(r.status, 200);
    let r = sb.handle(&Request::post_form("/oauth/token", creds));
    assert_eq!(json(&r)["error"], "invalid_request");
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("grant_type=password&{creds}"),
    ));
    assert_eq!(json(&r)["error"], "unsupported_grant_type");
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("grant_type=client_credentials&grant_type=client_credentials&{creds}"),
    ));
    assert_eq!(json(&r)["error"], "invalid_request");
    let r = sb.handle(&Request::post_form("/oauth/token", "grant_type=%zz"));
    assert_eq!(json(&r)["error"], "invalid_request");
    let r = sb.handle(&Request::get("/oauth/token"));
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("grant_type=authorization_code&{creds}"),
    ));
    assert_eq!(json(&r)["error"], "invalid_request");
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("grant_type=authorization_code&code=bogus&{creds}"),
    ));
    assert_eq!(json(&r)["error"], "invalid_grant");
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        &format!("grant_type=refresh_token&{creds}"),
    ));
    assert_eq!(json(&r)["error"], "invalid_request");
}

#[test]
fn authorize_errors_without_redirect() {
    let mut sb = Sandbox::with_clock(T0);
    let base = |client: &str, redirect: &str| {
        format!(
            "/oauth/authorize?client_id={client}&redirect_uri={}&response_type=code&state=s&code_challenge={CHALLENGE}&code_challenge_method=S256",
            enc(redirect)
        )
    };
    for target in [
        base("nobody", REDIRECT),
        base("sandbox-public", "http://evil.example.com/cb"),
        base("sandbox-public", "https://app.example.com/cb#frag"),
        base("sandbox-public", "http://localhost.evil.com/cb"),
        "/oauth/authorize?response_type=code".to_string(),
        format!("/oauth/authorize?client_id=sandbox-public&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256"),
        "/oauth/authorize?client_id=%zz".to_string(),
        format!("{}&client_id=sandbox-client", base("sandbox-public", REDIRECT)),
        // a pleo client at the generic server
        base("pleo-client", REDIRECT),
    ] {
        let r = sb.handle(&Request::get(&target));
        assert_eq!(r.status, 400, "{target}");
        assert!(r.header("location").is_none(), "{target}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
    }
}

fn redirect_error(sb: &mut Sandbox, target: &str) -> (String, Option<String>, Option<String>) {
    let r = sb.handle(&Request::get(target));
    assert_eq!(r.status, 302, "{target}: {}", r.body_str());
    let loc = r.header("location").unwrap().to_string();
    assert!(
        loc.starts_with("https://app.example.com/cb?keep=1&"),
        "{loc}"
    );
    assert!(qp(&loc, "error_description").is_some());
    (
        qp(&loc, "error").unwrap(),
        qp(&loc, "state"),
        qp(&loc, "code"),
    )
}

#[test]
fn authorize_errors_redirect_back() {
    let mut sb = Sandbox::with_clock(T0);
    let redirect = enc("https://app.example.com/cb?keep=1");
    let q = |client: &str, rest: &str| {
        format!("/oauth/authorize?client_id={client}&redirect_uri={redirect}&state=xyz{rest}")
    };
    let cases = [
        (q("sandbox-public", &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256")), "invalid_request"),
        (q("sandbox-public", &format!("&response_type=token&code_challenge={CHALLENGE}&code_challenge_method=S256")), "unsupported_response_type"),
        (q("sandbox-public", &format!("&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=plain")), "invalid_request"),
        (q("sandbox-public", &format!("&response_type=code&code_challenge={CHALLENGE}")), "invalid_request"),
        (q("sandbox-public", "&response_type=code"), "invalid_request"),
        (q("sandbox-public", "&response_type=code&code_challenge_method=S256"), "invalid_request"),
        (q("sandbox-public", "&response_type=code&code_challenge=tooshort&code_challenge_method=S256"), "invalid_request"),
        (q("sandbox-public", &format!("&response_type=code&code_challenge={}&code_challenge_method=S256", "a".repeat(129))), "invalid_request"),
        (q("sandbox-public", &format!("&response_type=code&code_challenge={CHALLENGE}%2B&code_challenge_method=S256")), "invalid_request"),
        (q("sandbox-public", &format!("&response_type=code&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256")), "invalid_request"),
    ];
    for (target, err) in cases {
        let (e, state, code) = redirect_error(&mut sb, &target);
        assert_eq!(e, err, "{target}");
        assert_eq!(state.as_deref(), Some("xyz"));
        assert!(code.is_none());
    }
    // Deny at the consent step.
    let r = sb.handle(&Request::get(&q(
        "sandbox-public",
        &format!("&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256"),
    )));
    let consent = r.header("location").unwrap().to_string();
    assert!(consent.starts_with("/oauth/consent?request="));
    let page = sb.handle(&Request::get(&consent));
    assert!(page.body_str().contains("decision=approve"));
    assert!(page.body_str().contains("decision=deny"));
    let r = sb.handle(&Request::get(&format!("{consent}&decision=deny")));
    let loc = r.header("location").unwrap();
    assert_eq!(qp(loc, "error").as_deref(), Some("access_denied"));
    assert_eq!(qp(loc, "state").as_deref(), Some("xyz"));
    assert_eq!(qp(loc, "keep").as_deref(), Some("1"));
    // The request is gone after a decision.
    assert_eq!(sb.handle(&Request::get(&consent)).status, 400);
}

#[test]
fn authorize_state_and_query_handling() {
    let mut sb = Sandbox::with_clock(T0);
    // No state sent → none returned; existing query kept.
    let q = format!(
        "client_id=sandbox-public&redirect_uri={}&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256",
        enc("https://app.example.com/cb?tenant=a%26b")
    );
    let loc = authorize_approve_location(&mut sb, "/oauth/authorize", &q, "");
    assert!(
        loc.starts_with("https://app.example.com/cb?tenant=a%26b&code="),
        "{loc}"
    );
    assert!(qp(&loc, "state").is_none());
    // State with odd characters round-trips.
    let q = pkce_query("sandbox-public", "a b&c=d/é");
    let loc = authorize_approve_location(&mut sb, "/oauth/authorize", &q, "");
    assert_eq!(qp(&loc, "state").as_deref(), Some("a b&c=d/é"));
    // Consent errors.
    assert_eq!(sb.handle(&Request::get("/oauth/consent")).status, 400);
    assert_eq!(
        sb.handle(&Request::get("/oauth/consent?request=nope"))
            .status,
        400
    );
    // A consent request is bound to its provider prefix and expires.
    let r = sb.handle(&Request::get(&format!(
        "/oauth/authorize?{}",
        pkce_query("sandbox-public", "s")
    )));
    let consent = r.header("location").unwrap().to_string();
    let id = qp(&consent, "request").unwrap();
    assert_eq!(
        sb.handle(&Request::get(&format!("/pleo/consent?request={id}")))
            .status,
        400
    );
    assert_eq!(
        sb.handle(&Request::get(&format!("{consent}&decision=maybe")))
            .status,
        400
    );
    sb.advance(601);
    assert_eq!(
        sb.handle(&Request::get(&format!("{consent}&decision=approve")))
            .status,
        400
    );
}

#[test]
fn oauth_confidential_client_pkce_optional() {
    let mut sb = Sandbox::with_clock(T0);
    let q = format!(
        "client_id=sandbox-client&redirect_uri={}&response_type=code",
        enc(REDIRECT)
    );
    let loc = authorize_approve_location(&mut sb, "/oauth/authorize", &q, "");
    let code = qp(&loc, "code").unwrap();
    let body = format!(
        "grant_type=authorization_code&code={code}&redirect_uri={}",
        enc(REDIRECT)
    );
    let auth = basic_form("sandbox-client", "sandbox-secret");
    let r =
        sb.handle(&Request::post_form("/oauth/token", &body).with_header("Authorization", &auth));
    assert_eq!(r.status, 200, "{}", r.body_str());
    assert_eq!(json(&r)["scope"], "read");
    // A verifier without a challenge is a downgrade attempt → invalid_grant.
    let loc = authorize_approve_location(&mut sb, "/oauth/authorize", &q, "");
    let code = qp(&loc, "code").unwrap();
    let r = sb.handle(
        &Request::post_form(
            "/oauth/token",
            &format!("grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={VERIFIER}", enc(REDIRECT)),
        )
        .with_header("Authorization", &auth),
    );
    assert_eq!(json(&r)["error"], "invalid_grant");
}

#[test]
fn oauth_protected_api_expiry_and_errors() {
    let mut sb = Sandbox::with_clock(T0);
    let r = sb.handle(&Request::post_form(
        "/oauth/token",
        "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret",
    ));
    let at = json(&r)["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        sb.handle(&get_auth("/oauth/api/me", &bearer(&at))).status,
        200
    );
    sb.advance(3599);
    assert_eq!(
        sb.handle(&get_auth("/oauth/api/me", &bearer(&at))).status,
        200
    );
    sb.advance(1);
    for r in [
        sb.handle(&get_auth("/oauth/api/me", &bearer(&at))),
        sb.handle(&Request::get("/oauth/api/me")),
        sb.handle(&get_auth("/oauth/api/me", "Bearer not.a.jwt")),
        sb.handle(&get_auth("/oauth/api/me", "Basic Zm9vOmJhcg==")),
    ] {
        assert_eq!(r.status, 401);
        assert_eq!(json(&r)["error"], "invalid_token");
        assert!(r
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\""));
    }
    // A JWT signed with the (public) sandbox key but never issued is rejected.
    let forged = expense_auth_sandbox::jwt::sign(&serde_json::json!({
        "sub": "x", "exp": T0 + 99_999, "jti": "forged"
    }));
    assert_eq!(
        sb.handle(&get_auth("/oauth/api/me", &bearer(&forged)))
            .status,
        401
    );
}

// =============================================================================================
// Spendesk
// =============================================================================================

#[test]
fn spendesk_api_key_plain_basic() {
    let mut sb = Sandbox::with_clock(T0);
    // The doc's own example encodes exactly like basic_plain.
    assert_eq!(
        basic_plain("my_id", "my_secret"),
        "Basic bXlfaWQ6bXlfc2VjcmV0"
    );
    let r = sb.handle(
        &Request::post_form("/spendesk/v1/auth/token", "").with_header(
            "Authorization",
            &basic_plain("spendesk-key-id", "spendesk-key-secret"),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j = json(&r);
    assert_eq!(j["token_type"], "Bearer");
    assert_eq!(j["expires_in"], 3600);
    let c = claims(j["access_token"].as_str().unwrap());
    assert_eq!(c["exp"], T0 + 3600);
    assert_eq!(c["wallet_id"], "wallet-1");
    let ws = sb.handle(&get_auth(
        "/spendesk/v1/wallet-summary",
        &bearer(j["access_token"].as_str().unwrap()),
    ));
    assert_eq!(ws.status, 200);
    assert_eq!(json(&ws)["wallet_id"], "wallet-1");
    // Form-encoding the credentials (RFC 6749 style) is NOT what Spendesk does.
    let r = sb.handle(
        &Request::post_form("/spendesk/v1/auth/token", "").with_header(
            "Authorization",
            &basic_plain("spendesk%2Dkey%2Did", "spendesk%2Dkey%2Dsecret"),
        ),
    );
    assert_eq!(r.status, 401);
    for auth in [
        None,
        Some(basic_plain("spendesk-key-id", "wrong")),
        Some("Basic !!!".to_string()),
        Some("Bearer abc".to_string()),
        Some("Basic bm9jb2xvbg==".to_string()), // "nocolon"
    ] {
        let mut req = Request::post_form("/spendesk/v1/auth/token", "");
        if let Some(a) = &auth {
            req = req.with_header("Authorization", a);
        }
        let r = sb.handle(&req);
        assert_eq!(r.status, 401, "{auth:?}");
        let e = &json(&r)["errors"][0];
        assert_eq!(e["code"], "unauthorized");
        assert!(e["detail"].is_string());
    }
}

fn spendesk_code(sb: &mut Sandbox, wallet: &str) -> String {
    let q = format!(
        "client_id=spendesk-client&redirect_uri={}&response_type=code&state=st&code_challenge={CHALLENGE}&code_challenge_method=S256",
        enc("https://partner.example.com/spendesk/cb")
    );
    let r = sb.handle(&Request::get(&format!("/spendesk/v1/oauth2/authorize?{q}")));
    assert_eq!(r.status, 302);
    let consent = r.header("location").unwrap().to_string();
    assert!(consent.starts_with("/spendesk/consent?request="));
    let page = sb.handle(&Request::get(&consent));
    assert!(page.body_str().contains("wallet=wallet-1"));
    assert!(page.body_str().contains("wallet=wallet-2"));
    let r = sb.handle(&Request::get(&format!(
        "{consent}&decision=approve&wallet={wallet}"
    )));
    assert_eq!(r.status, 302, "{}", r.body_str());
    let loc = r.header("location").unwrap();
    assert!(loc.starts_with("https://partner.example.com/spendesk/cb?code="));
    qp(loc, "code").unwrap()
}

fn spendesk_create(sb: &mut Sandbox, code: &str) -> expense_auth_sandbox::Response {
    sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        &serde_json::json!({"client_id": "spendesk-client", "code": code, "code_verifier": VERIFIER})
            .to_string(),
    ))
}

fn spendesk_refresh(sb: &mut Sandbox, rt: &str, secret: &str) -> expense_auth_sandbox::Response {
    sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/refresh",
        &serde_json::json!({"client_id": "spendesk-client", "client_secret": secret, "refresh_token": rt})
            .to_string(),
    ))
}

fn assert_spendesk_error(r: &expense_auth_sandbox::Response, status: u16, pointer: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.body_str());
    let j = json(r);
    let errors = j["errors"].as_array().expect("errors[]");
    assert_eq!(errors.len(), 1);
    let code = errors[0]["code"].as_str().unwrap();
    assert!(
        code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "{code}"
    );
    assert!(errors[0]["detail"].is_string());
    if let Some(p) = pointer {
        assert_eq!(errors[0]["source"]["pointer"], p);
    }
}

#[test]
fn spendesk_oauth_flow_201_no_expires_in_wallet_claim() {
    let mut sb = Sandbox::with_clock(T0);
    let code = spendesk_code(&mut sb, "wallet-2");
    let r = spendesk_create(&mut sb, &code);
    assert_eq!(r.status, 201, "{}", r.body_str());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let j = json(&r);
    assert!(j.get("expires_in").is_none());
    assert_eq!(j["token_type"], "Bearer");
    let at = j["access_token"].as_str().unwrap().to_string();
    let c = claims(&at);
    assert_eq!(c["wallet_id"], "wallet-2");
    assert_eq!(
        c["exp"].as_u64().unwrap(),
        c["iat"].as_u64().unwrap() + 3600
    );
    let ws = sb.handle(&get_auth("/spendesk/v1/wallet-summary", &bearer(&at)));
    assert_eq!(ws.status, 200);
    assert_eq!(json(&ws)["wallet_id"], "wallet-2");
    assert!(json(&ws)["name"].is_string());
    // Expired after 60 minutes.
    sb.advance(3600);
    let ws = sb.handle(&get_auth("/spendesk/v1/wallet-summary", &bearer(&at)));
    assert_spendesk_error(&ws, 401, None);
    // Default wallet, optional fields that match.
    let code = spendesk_code(&mut sb, "wallet-1");
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        &serde_json::json!({"client_id": "spendesk-client", "client_secret": "spendesk-secret",
            "code": code, "code_verifier": VERIFIER, "grant_type": "authorization_code",
            "redirect_uri": "https://partner.example.com/spendesk/cb"})
        .to_string(),
    ));
    assert_eq!(r.status, 201, "{}", r.body_str());
    assert_eq!(
        claims(json(&r)["access_token"].as_str().unwrap())["wallet_id"],
        "wallet-1"
    );
}

#[test]
fn spendesk_token_create_errors() {
    let mut sb = Sandbox::with_clock(T0);
    let code = spendesk_code(&mut sb, "wallet-1");
    let body = |m: serde_json::Value| m.to_string();
    // form body instead of JSON
    let r = sb.handle(&Request::post_form(
        "/spendesk/v1/oauth2/token/create",
        &format!("client_id=spendesk-client&code={code}&code_verifier={VERIFIER}"),
    ));
    assert_spendesk_error(&r, 400, None);
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        "{not json",
    ));
    assert_spendesk_error(&r, 400, None);
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        "[1,2]",
    ));
    assert_spendesk_error(&r, 400, None);
    for (missing, pointer) in [
        ("code_verifier", "/code_verifier"),
        ("code", "/code"),
        ("client_id", "/client_id"),
    ] {
        let mut m = serde_json::json!({"client_id": "spendesk-client", "code": code, "code_verifier": VERIFIER});
        m.as_object_mut().unwrap().remove(missing);
        let r = sb.handle(&Request::post_json(
            "/spendesk/v1/oauth2/token/create",
            &body(m),
        ));
        assert_spendesk_error(&r, 400, Some(pointer));
    }
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        &body(serde_json::json!({"client_id": 5, "code": code, "code_verifier": VERIFIER})),
    ));
    assert_spendesk_error(&r, 400, Some("/client_id"));
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        &body(serde_json::json!({"client_id": "spendesk-client", "client_secret": "bad", "code": code, "code_verifier": VERIFIER})),
    ));
    assert_spendesk_error(&r, 401, Some("/client_secret"));
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        &body(serde_json::json!({"client_id": "spendesk-client", "grant_type": "refresh_token", "code": code, "code_verifier": VERIFIER})),
    ));
    assert_spendesk_error(&r, 400, Some("/grant_type"));
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        &body(serde_json::json!({"client_id": "spendesk-client", "code": code, "code_verifier": "x".repeat(43)})),
    ));
    assert_spendesk_error(&r, 400, Some("/code_verifier"));
    // the code was consumed by the failed attempt
    assert_spendesk_error(&spendesk_create(&mut sb, &code), 400, Some("/code"));
    // Spendesk authorize requires PKCE
    let r = sb.handle(&Request::get(&format!(
        "/spendesk/v1/oauth2/authorize?client_id=spendesk-client&redirect_uri={}&response_type=code",
        enc("https://partner.example.com/cb")
    )));
    assert_eq!(
        qp(r.header("location").unwrap(), "error").as_deref(),
        Some("invalid_request")
    );
    // unknown wallet on the consent page
    let r = sb.handle(&Request::get(&format!(
        "/spendesk/v1/oauth2/authorize?{}",
        pkce_query("spendesk-client", "s")
    )));
    let consent = r.header("location").unwrap().to_string();
    assert_eq!(
        sb.handle(&Request::get(&format!(
            "{consent}&decision=approve&wallet=wallet-9"
        )))
        .status,
        400
    );
}

#[test]
fn spendesk_refresh_rotation_401_403() {
    let mut sb = Sandbox::with_clock(T0);
    let code = spendesk_code(&mut sb, "wallet-2");
    let rt1 = json(&spendesk_create(&mut sb, &code))["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = spendesk_refresh(&mut sb, &rt1, "spendesk-secret");
    assert_eq!(r.status, 201, "{}", r.body_str());
    let j = json(&r);
    assert!(j.get("expires_in").is_none());
    assert_eq!(
        claims(j["access_token"].as_str().unwrap())["wallet_id"],
        "wallet-2"
    );
    let rt2 = j["refresh_token"].as_str().unwrap().to_string();
    // "When a new refresh token is issued it invalidates the previous one"
    assert_eq!(rt_state(&mut sb, &rt1), "used");
    assert_spendesk_error(
        &spendesk_refresh(&mut sb, &rt1, "spendesk-secret"),
        401,
        None,
    );
    assert_spendesk_error(
        &spendesk_refresh(&mut sb, "unknown-token", "spendesk-secret"),
        401,
        None,
    );
    // client mismatch → 403
    assert_spendesk_error(&spendesk_refresh(&mut sb, &rt2, "wrong-secret"), 403, None);
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/refresh",
        &serde_json::json!({"client_id": "someone-else", "client_secret": "x", "refresh_token": rt2}).to_string(),
    ));
    assert_spendesk_error(&r, 403, None);
    // both client fields are required
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/refresh",
        &serde_json::json!({"client_id": "spendesk-client", "refresh_token": rt2}).to_string(),
    ));
    assert_spendesk_error(&r, 400, Some("/client_secret"));
    assert_eq!(rt_state(&mut sb, &rt2), "valid");
    // refresh tokens expire after 30 days
    sb.advance(30 * 86_400 - 1);
    assert_eq!(rt_state(&mut sb, &rt2), "valid");
    sb.advance(1);
    assert_eq!(rt_state(&mut sb, &rt2), "expired");
    assert_spendesk_error(
        &spendesk_refresh(&mut sb, &rt2, "spendesk-secret"),
        401,
        None,
    );
}

// =============================================================================================
// Pleo
// =============================================================================================

fn pleo_exchange(sb: &mut Sandbox, code: &str) -> expense_auth_sandbox::Response {
    sb.handle(
        &Request::post_form(
            "/pleo/oauth/token",
            &format!(
                "grant_type=authorization_code&redirect_uri={}&code={code}&code_verifier={VERIFIER}",
                enc(REDIRECT)
            ),
        )
        .with_header("Authorization", &basic_form("pleo-client", "pleo-secret")),
    )
}

fn pleo_refresh(sb: &mut Sandbox, rt: &str) -> expense_auth_sandbox::Response {
    sb.handle(
        &Request::post_form(
            "/pleo/oauth/token",
            &format!("grant_type=refresh_token&refresh_token={}", enc(rt)),
        )
        .with_header("Authorization", &basic_form("pleo-client", "pleo-secret")),
    )
}

fn pleo_tokens(sb: &mut Sandbox) -> (String, String) {
    let code = code_for(sb, "/pleo/oauth/authorize", "pleo-client", "");
    let r = pleo_exchange(sb, &code);
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j = json(&r);
    (
        j["access_token"].as_str().unwrap().to_string(),
        j["refresh_token"].as_str().unwrap().to_string(),
    )
}

#[test]
fn pleo_flow_units_and_scope_format() {
    let mut sb = Sandbox::with_clock(T0);
    let code = code_for(&mut sb, "/pleo/oauth/authorize", "pleo-client", "");
    let r = pleo_exchange(&mut sb, &code);
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j = json(&r);
    assert_eq!(j["expires_in"], 600);
    assert_eq!(j["scope"], "export:read export:write");
    let at = j["access_token"].as_str().unwrap().to_string();
    let c = claims(&at);
    assert_eq!(c["exp"], T0 + 600);
    assert_eq!(c["aud"], "pleo-client");
    let ex = sb.handle(&get_auth("/pleo/v1/expenses", &bearer(&at)));
    assert_eq!(ex.status, 200);
    assert!(json(&ex).is_array());
    let r = pleo_refresh(&mut sb, j["refresh_token"].as_str().unwrap());
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j2 = json(&r);
    assert_eq!(j2["expires_in"], 600_000);
    assert_eq!(j2["scope"], "export:read+export:write");
    let at2 = j2["access_token"].as_str().unwrap();
    assert_eq!(claims(at2)["exp"], T0 + 600);
    // 10-minute access tokens
    sb.advance(600);
    let ex = sb.handle(&get_auth("/pleo/v1/expenses", &bearer(at2)));
    assert_eq!(ex.status, 401);
    assert!(ex
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
}

#[test]
fn pleo_expires_unit_switch() {
    let mut sb = Sandbox::with_clock(T0);
    for (unit, exchange, refresh) in [
        ("seconds", 600, 600),
        ("millis", 600_000, 600_000),
        ("default", 600, 600_000),
    ] {
        let r = sb.handle(&Request::post_json(
            "/_sandbox/pleo/expires-unit",
            &format!(r#"{{"unit":"{unit}"}}"#),
        ));
        assert_eq!(r.status, 200);
        let code = code_for(&mut sb, "/pleo/oauth/authorize", "pleo-client", "");
        let j = json(&pleo_exchange(&mut sb, &code));
        assert_eq!(j["expires_in"], exchange, "{unit}");
        let j = json(&pleo_refresh(&mut sb, j["refresh_token"].as_str().unwrap()));
        assert_eq!(j["expires_in"], refresh, "{unit}");
    }
    let r = sb.handle(&Request::post_json(
        "/_sandbox/pleo/expires-unit",
        r#"{"unit":"hours"}"#,
    ));
    assert_eq!(r.status, 400);
}

#[test]
fn pleo_reuse_revokes_the_whole_authorisation() {
    let mut sb = Sandbox::with_clock(T0);
    let (at1, rt1) = pleo_tokens(&mut sb);
    let j = json(&pleo_refresh(&mut sb, &rt1));
    let at2 = j["access_token"].as_str().unwrap().to_string();
    let rt2 = j["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(
        sb.handle(&get_auth("/pleo/v1/expenses", &bearer(&at2)))
            .status,
        200
    );
    // Reuse rt1.
    let r = pleo_refresh(&mut sb, &rt1);
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "invalid_grant");
    assert_eq!(rt_state(&mut sb, &rt1), "used");
    assert_eq!(rt_state(&mut sb, &rt2), "revoked");
    let r = pleo_refresh(&mut sb, &rt2);
    assert_eq!(json(&r)["error"], "invalid_grant");
    for at in [&at1, &at2] {
        assert_eq!(
            sb.handle(&get_auth("/pleo/v1/expenses", &bearer(at)))
                .status,
            401
        );
    }
    // Another authorisation is unaffected.
    let (at3, rt3) = pleo_tokens(&mut sb);
    assert_eq!(
        sb.handle(&get_auth("/pleo/v1/expenses", &bearer(&at3)))
            .status,
        200
    );
    assert_eq!(rt_state(&mut sb, &rt3), "valid");
}

#[test]
fn pleo_refresh_lifetime_60_days() {
    let mut sb = Sandbox::with_clock(T0);
    let (_, rt) = pleo_tokens(&mut sb);
    sb.advance(60 * 86_400 - 1);
    let r = pleo_refresh(&mut sb, &rt);
    assert_eq!(r.status, 200);
    let rt = json(&r)["refresh_token"].as_str().unwrap().to_string();
    sb.advance(60 * 86_400);
    assert_eq!(rt_state(&mut sb, &rt), "expired");
    assert_eq!(json(&pleo_refresh(&mut sb, &rt))["error"], "invalid_grant");
}

#[test]
fn pleo_client_auth_is_basic_only_and_params_required() {
    let mut sb = Sandbox::with_clock(T0);
    let code = code_for(&mut sb, "/pleo/oauth/authorize", "pleo-client", "");
    // client_secret_post is not accepted
    let r = sb.handle(&Request::post_form(
        "/pleo/oauth/token",
        &format!(
            "grant_type=authorization_code&redirect_uri={}&code={code}&code_verifier={VERIFIER}&client_id=pleo-client&client_secret=pleo-secret",
            enc(REDIRECT)
        ),
    ));
    assert_eq!(r.status, 401);
    assert_eq!(json(&r)["error"], "invalid_client");
    assert!(r.header("www-authenticate").unwrap().starts_with("Basic"));
    let auth = basic_form("pleo-client", "pleo-secret");
    for body in [
        format!("grant_type=authorization_code&code={code}&code_verifier={VERIFIER}"),
        format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}",
            enc(REDIRECT)
        ),
    ] {
        let r = sb.handle(
            &Request::post_form("/pleo/oauth/token", &body).with_header("Authorization", &auth),
        );
        assert_eq!(json(&r)["error"], "invalid_request", "{body}");
    }
    // The code was not consumed by those parameter errors.
    let r = pleo_exchange(&mut sb, &code);
    assert_eq!(r.status, 200, "{}", r.body_str());
    // Wrong secret
    let r = sb.handle(
        &Request::post_form(
            "/pleo/oauth/token",
            "grant_type=refresh_token&refresh_token=x",
        )
        .with_header("Authorization", &basic_form("pleo-client", "nope")),
    );
    assert_eq!(r.status, 401);
    // client_credentials is not a Pleo grant
    let r = sb.handle(
        &Request::post_form("/pleo/oauth/token", "grant_type=client_credentials")
            .with_header("Authorization", &auth),
    );
    assert_eq!(json(&r)["error"], "unsupported_grant_type");
    // Pleo requires PKCE; plain is refused
    let r = sb.handle(&Request::get(&format!(
        "/pleo/oauth/authorize?client_id=pleo-client&redirect_uri={}&response_type=code&code_challenge={VERIFIER}&code_challenge_method=plain",
        enc(REDIRECT)
    )));
    assert_eq!(
        qp(r.header("location").unwrap(), "error").as_deref(),
        Some("invalid_request")
    );
    // tokens are provider-bound
    let (at, _) = pleo_tokens(&mut sb);
    assert_eq!(
        sb.handle(&get_auth("/oauth/api/me", &bearer(&at))).status,
        401
    );
    assert_eq!(
        sb.handle(&get_auth("/pleo/v1/expenses", &bearer(&at)))
            .status,
        200
    );
}

// =============================================================================================
// Findity
// =============================================================================================

fn findity_cc(sb: &mut Sandbox, path: &str) -> Value {
    let r = sb.handle(&Request::post_form(
        path,
        "grant_type=client_credentials&client_id=findity-client&client_secret=findity-secret",
    ));
    assert_eq!(r.status, 200, "{}", r.body_str());
    json(&r)
}

#[test]
fn findity_client_credentials_and_single_use_refresh() {
    let mut sb = Sandbox::with_clock(T0);
    let j = findity_cc(&mut sb, "/findity/api/oauth/token/");
    assert_eq!(j["token_type"], "Bearer");
    assert_eq!(j["expires_in"], 3600);
    let at = j["access_token"].as_str().unwrap();
    assert_eq!(claims(at)["exp"], T0 + 3600);
    let me = sb.handle(&get_auth("/findity/api/v1/me", &bearer(at)));
    assert_eq!(me.status, 200);
    assert!(json(&me)["organization"].is_string());
    assert!(json(&me).get("user_id").is_none());
    // findity-authentication.txt shows client credentials and refresh at
    // .../api/oauth/token/ only: without the slash the grant is not served.
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token",
        "grant_type=client_credentials&client_id=findity-client&client_secret=findity-secret",
    ));
    assert_eq!(r.status, 404, "{}", r.body_str());
    let j = findity_cc(&mut sb, "/findity/api/oauth/token/");
    let rt = j["refresh_token"].as_str().unwrap().to_string();
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token",
        &format!(
            "grant_type=refresh_token&client_id=findity-client&refresh_token={}",
            enc(&rt)
        ),
    ));
    assert_eq!(r.status, 404, "refresh without the slash: {}", r.body_str());
    assert_eq!(
        rt_state(&mut sb, &rt),
        "valid",
        "a refused path spends nothing"
    );
    let refresh = |sb: &mut Sandbox, rt: &str| {
        sb.handle(&Request::post_form(
            "/findity/api/oauth/token/",
            &format!(
                "grant_type=refresh_token&client_id=findity-client&refresh_token={}",
                enc(rt)
            ),
        ))
    };
    let r = refresh(&mut sb, &rt);
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j2 = json(&r);
    assert!(j2["refresh_token"].is_string());
    assert_eq!(j2["expires_in"], 3600);
    // "a refresh token can only be used once"
    let r = refresh(&mut sb, &rt);
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"], "invalid_grant");
    assert_eq!(rt_state(&mut sb, &rt), "used");
    // errors
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        "grant_type=client_credentials&client_id=findity-client&client_secret=bad",
    ));
    assert_eq!(json(&r)["error"], "invalid_client");
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        "grant_type=client_credentials&client_id=findity-client",
    ));
    assert_eq!(json(&r)["error"], "invalid_request");
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        &format!(
            "grant_type=refresh_token&refresh_token={}",
            j2["refresh_token"].as_str().unwrap()
        ),
    ));
    assert_eq!(json(&r)["error"], "invalid_request");
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        "grant_type=password",
    ));
    assert_eq!(json(&r)["error"], "unsupported_grant_type");
    let r = sb.handle(&Request::post_json("/findity/api/oauth/token/", "{}"));
    assert_eq!(json(&r)["error"], "invalid_request");
}

#[test]
fn findity_user_access_token_via_authorization_grant() {
    let mut sb = Sandbox::with_clock(T0);
    let org = findity_cc(&mut sb, "/findity/api/oauth/token/");
    let org_at = org["access_token"].as_str().unwrap().to_string();
    let grant = |sb: &mut Sandbox, auth: &str, body: &str| {
        sb.handle(
            &Request::post_form("/findity/api/oauth/authorization-grant", body)
                .with_header("Authorization", auth)
                .with_header("Accept", "application/json"),
        )
    };
    let r = grant(
        &mut sb,
        &bearer(&org_at),
        "user_id=8ab28c3e6f8023c3016f8046be110002",
    );
    assert_eq!(r.status, 200, "{}", r.body_str());
    let code = json(&r)["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 32);
    assert!(code.bytes().all(|b| b.is_ascii_hexdigit()));
    // Exchange with no client authentication, as in the doc's curl.
    let ex = |sb: &mut Sandbox, code: &str| {
        sb.handle(&Request::post_form(
            "/findity/api/oauth/token",
            &format!("grant_type=authorization_code&code={code}"),
        ))
    };
    // ... at .../api/oauth/token, as the doc's curl shows; not at .../token/.
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        &format!("grant_type=authorization_code&code={code}"),
    ));
    assert_eq!(r.status, 404, "{}", r.body_str());
    let r = ex(&mut sb, &code);
    assert_eq!(r.status, 200, "{}", r.body_str());
    let j = json(&r);
    let user_at = j["access_token"].as_str().unwrap().to_string();
    let c = claims(&user_at);
    assert_eq!(c["sub"], "8ab28c3e6f8023c3016f8046be110002");
    assert_eq!(c["user_id"], "8ab28c3e6f8023c3016f8046be110002");
    let me = sb.handle(&get_auth("/findity/api/v1/me", &bearer(&user_at)));
    assert_eq!(json(&me)["user_id"], "8ab28c3e6f8023c3016f8046be110002");
    // The user refresh token yields user tokens again.
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        &format!(
            "grant_type=refresh_token&client_id=findity-client&refresh_token={}",
            enc(j["refresh_token"].as_str().unwrap())
        ),
    ));
    assert_eq!(
        claims(json(&r)["access_token"].as_str().unwrap())["user_id"],
        "8ab28c3e6f8023c3016f8046be110002"
    );
    // Code is single use; replaying it revokes what it produced (RFC 6749 §4.1.2).
    assert_eq!(json(&ex(&mut sb, &code))["error"], "invalid_grant");
    assert_eq!(
        sb.handle(&get_auth("/findity/api/v1/me", &bearer(&user_at)))
            .status,
        401
    );
    let code3 = json(&grant(&mut sb, &bearer(&org_at), "user_id=u3"))["code"]
        .as_str()
        .unwrap()
        .to_string();
    let user_at = json(&ex(&mut sb, &code3))["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // Code lives 10 minutes.
    let code2 = json(&grant(&mut sb, &bearer(&org_at), "user_id=u2"))["code"]
        .as_str()
        .unwrap()
        .to_string();
    sb.advance(600);
    assert_eq!(json(&ex(&mut sb, &code2))["error"], "invalid_grant");
    // Errors at the grant endpoint.
    assert_eq!(grant(&mut sb, "Bearer garbage", "user_id=u").status, 401);
    assert_eq!(
        sb.handle(&Request::post_form(
            "/findity/api/oauth/authorization-grant",
            "user_id=u"
        ))
        .status,
        401
    );
    assert_eq!(grant(&mut sb, &bearer(&user_at), "user_id=u").status, 403);
    let r = grant(&mut sb, &bearer(&org_at), "name=u");
    assert_eq!(
        (r.status, json(&r)["error"].clone()),
        (400, Value::from("invalid_request"))
    );
    sb.advance(3000);
    assert_eq!(grant(&mut sb, &bearer(&org_at), "user_id=u").status, 401);
}

// =============================================================================================
// ProSpend
// =============================================================================================

#[test]
fn prospend_minted_tokens_revocation_and_expiry() {
    let mut sb = Sandbox::with_clock(T0);
    let mint = |sb: &mut Sandbox, body: &str| {
        sb.handle(&Request::post_json("/_sandbox/prospend/tokens", body))
    };
    let r = mint(&mut sb, r#"{"site":"acme"}"#);
    assert_eq!(r.status, 201, "{}", r.body_str());
    let t = json(&r)["token"].as_str().unwrap().to_string();
    let c = claims(&t);
    assert_eq!(c["exp"], T0 + 2 * 365 * 86_400);
    assert_eq!(c["site"], "acme");
    let ex = sb.handle(&get_auth("/prospend/api/v1/expenses", &bearer(&t)));
    assert_eq!(ex.status, 200);
    assert_eq!(json(&ex)["site"], "acme");
    // revoke
    let r = sb.handle(&Request::post_json(
        "/_sandbox/prospend/revoke",
        &serde_json::json!({"token": t}).to_string(),
    ));
    assert_eq!(r.status, 204);
    assert_eq!(
        sb.handle(&get_auth("/prospend/api/v1/expenses", &bearer(&t)))
            .status,
        401
    );
    // short lifetime + clock
    let t = json(&mint(&mut sb, r#"{"lifetime_secs": 10}"#))["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        sb.handle(&get_auth("/prospend/api/v1/expenses", &bearer(&t)))
            .status,
        200
    );
    sb.advance(10);
    assert_eq!(
        sb.handle(&get_auth("/prospend/api/v1/expenses", &bearer(&t)))
            .status,
        401
    );
    // default body
    assert_eq!(mint(&mut sb, "").status, 201);
    // not a JWT / missing
    for auth in ["Bearer opaque-token", "Bearer a.b.c", "Token x"] {
        let r = sb.handle(&get_auth("/prospend/api/v1/expenses", auth));
        assert_eq!(r.status, 401);
        assert!(r.header("www-authenticate").is_some());
    }
    assert_eq!(
        sb.handle(&Request::get("/prospend/api/v1/expenses")).status,
        401
    );
    // validation
    for bad in [
        r#"{"site":"Bad Site"}"#,
        r#"{"lifetime_secs":0}"#,
        r#"{"lifetime_secs":"x"}"#,
        "[]",
        "{",
    ] {
        assert_eq!(mint(&mut sb, bad).status, 400, "{bad}");
    }
    assert_eq!(
        sb.handle(&Request::post_json("/_sandbox/prospend/revoke", "{}"))
            .status,
        400
    );
    assert_eq!(
        sb.handle(&Request::post_json(
            "/_sandbox/prospend/revoke",
            r#"{"token":"junk"}"#
        ))
        .status,
        204
    );
    // huge lifetime does not overflow
    assert_eq!(
        mint(&mut sb, &format!(r#"{{"lifetime_secs":{}}}"#, u64::MAX)).status,
        201
    );
}

#[test]
fn spendesk_is_mounted_under_v1_only() {
    // Spendesk's public API lives under /v1 (see src/spendesk.rs for the sources): a
    // client that drops /v1 must fail here as it would in production.
    let mut sb = Sandbox::with_clock(T0);
    for (path, json_body) in [
        ("/spendesk/auth/token", false),
        ("/spendesk/oauth2/token/create", true),
        ("/spendesk/oauth2/token/refresh", true),
    ] {
        let r = if json_body {
            sb.handle(&Request::post_json(path, "{}"))
        } else {
            sb.handle(&Request::post_form(path, ""))
        };
        assert_eq!(r.status, 404, "{path}");
    }
    assert_eq!(
        sb.handle(&Request::get(
            "/spendesk/oauth2/authorize?client_id=spendesk-client"
        ))
        .status,
        404
    );
    let r = sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        "{}",
    ));
    assert_eq!(r.status, 400, "mounted: {}", r.body_str());
}
