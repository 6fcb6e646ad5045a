//! `/_sandbox/behaviour`: the switches for what the providers' docs do not state
//! (issue 10 item 3). Each test drives the raw HTTP handler, so these check the
//! sandbox on its own; `tests/provider_docs.rs` in the root crate runs the
//! library against both ways of each switch.

mod common;

use common::*;
use expense_auth_sandbox::{Request, Response, Sandbox};
use serde_json::{json as j, Value};

fn behave(sb: &mut Sandbox, body: &str) -> Response {
    sb.handle(&Request::post_json("/_sandbox/behaviour", body))
}

fn current(sb: &mut Sandbox) -> Value {
    json(&sb.handle(&Request::get("/_sandbox/behaviour")))
}

fn defaults() -> Value {
    j!({
        "spendesk": {"wallet_claim": "wallet_id", "success_status": 201, "error_shape": "errors",
                     "body": "json", "refresh_secret": "required", "api_key_method": "POST",
                     "token_type": "bearer"},
        "pleo": {"code_auth": "basic", "reuse": "revoke_authorisation", "expires_unit": "default",
                 "access_lifetime_secs": 600, "api_prefix": "/pleo"},
        "findity": {"error_shape": "rfc6749", "paths": "documented"},
        "prospend": {"api_prefix": "/prospend"},
    })
}

fn spendesk_code(sb: &mut Sandbox) -> String {
    code_for(
        sb,
        "/spendesk/v1/oauth2/authorize",
        "spendesk-client",
        "&wallet=wallet-2",
    )
}

fn spendesk_create_json(sb: &mut Sandbox, code: &str) -> Response {
    sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        &j!({"client_id": "spendesk-client", "client_secret": "spendesk-secret",
             "code": code, "code_verifier": VERIFIER, "redirect_uri": REDIRECT})
        .to_string(),
    ))
}

#[test]
fn defaults_listed_switches_validated_and_reset() {
    let mut sb = Sandbox::with_clock(T0);
    assert_eq!(current(&mut sb), defaults());
    for bad in [
        r#"{}"#,
        r#"{"provider":"nope"}"#,
        r#"{"provider":"spendesk","nope":1}"#,
        r#"{"provider":"pleo","wallet_claim":"x"}"#,
        r#"{"provider":"spendesk","wallet_claim":"exp"}"#,
        r#"{"provider":"spendesk","wallet_claim":"1abc"}"#,
        r#"{"provider":"spendesk","wallet_claim":"a-b"}"#,
        r#"{"provider":"spendesk","wallet_claim":""}"#,
        r#"{"provider":"spendesk","success_status":204}"#,
        r#"{"provider":"spendesk","body":"xml"}"#,
        r#"{"provider":"spendesk","api_key_method":"get"}"#,
        r#"{"provider":"pleo","access_lifetime_secs":0}"#,
        r#"{"provider":"pleo","access_lifetime_secs":1e20}"#,
        r#"{"provider":"pleo","api_prefix":"/oauth"}"#,
        r#"{"provider":"pleo","api_prefix":"/pleo/oauth"}"#,
        r#"{"provider":"pleo","api_prefix":"/pleo/../x"}"#,
        r#"{"provider":"prospend","api_prefix":"/prospend/"}"#,
        r#"{"provider":"findity","paths":"none"}"#,
        "[1]",
        "nope",
    ] {
        let r = behave(&mut sb, bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.body_str());
        assert_eq!(json(&r)["error"], "invalid_request");
    }
    // All or nothing: a bad switch after a good one changes nothing.
    let r = behave(
        &mut sb,
        r#"{"provider":"spendesk","body":"form","success_status":999}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(current(&mut sb), defaults());
    let r = behave(
        &mut sb,
        r#"{"provider":"spendesk","wallet_claim":"entity","success_status":200}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(json(&r)["wallet_claim"], "entity");
    behave(
        &mut sb,
        r#"{"provider":"pleo","expires_unit":"millis","reuse":"reject_token"}"#,
    );
    behave(&mut sb, r#"{"provider":"findity","paths":"either"}"#);
    behave(
        &mut sb,
        r#"{"provider":"prospend","api_prefix":"/prospend/eu"}"#,
    );
    assert_ne!(current(&mut sb), defaults());
    assert_eq!(
        sb.handle(&Request::post_json("/_sandbox/reset", "")).status,
        200
    );
    assert_eq!(current(&mut sb), defaults());
    let put = Request {
        method: "PUT".into(),
        ..Request::get("/_sandbox/behaviour")
    };
    assert_eq!(sb.handle(&put).status, 405);
    // The older endpoint and the switch set the same unit.
    sb.handle(&Request::post_json(
        "/_sandbox/pleo/expires-unit",
        r#"{"unit":"seconds"}"#,
    ));
    assert_eq!(current(&mut sb)["pleo"]["expires_unit"], "seconds");
}

#[test]
fn spendesk_wallet_claim_status_and_error_shape() {
    let mut sb = Sandbox::with_clock(T0);
    behave(
        &mut sb,
        r#"{"provider":"spendesk","wallet_claim":"company","success_status":200,"error_shape":"rfc6749","token_type":"absent"}"#,
    );
    let code = spendesk_code(&mut sb);
    let r = spendesk_create_json(&mut sb, &code);
    assert_eq!(r.status, 200, "{}", r.body_str());
    let at = json(&r)["access_token"].as_str().unwrap().to_string();
    assert!(json(&r).get("token_type").is_none(), "{}", r.body_str());
    let c = claims(&at);
    assert_eq!(c["company"], "wallet-2");
    assert!(!c.contains_key("wallet_id"));
    let summary = sb.handle(&get_auth("/spendesk/v1/wallet-summary", &bearer(&at)));
    assert_eq!(json(&summary)["wallet_id"], "wallet-2");
    // The replayed code: RFC 6749 shape, same status.
    let r = spendesk_create_json(&mut sb, &code);
    assert_eq!(r.status, 400);
    let e = json(&r);
    assert_eq!(e["error"], "invalid_grant");
    assert!(e.get("errors").is_none());
    // The API key: the claim too, and the 401 in RFC 6749 shape.
    let r = sb.handle(
        &Request::post_form("/spendesk/v1/auth/token", "").with_header(
            "Authorization",
            &basic_plain("spendesk-key-id", "spendesk-key-secret"),
        ),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        claims(json(&r)["access_token"].as_str().unwrap())["company"],
        "wallet-1"
    );
    let r = sb.handle(&Request::post_form("/spendesk/v1/auth/token", ""));
    assert_eq!(
        (r.status, json(&r)["error"].clone()),
        (401, j!("unauthorized"))
    );
    let r = sb.handle(&get_auth("/spendesk/v1/wallet-summary", "Bearer x"));
    assert_eq!(r.status, 401);
    assert_eq!(json(&r)["error"], "unauthorized");
    assert!(r.header("www-authenticate").is_some());
}

#[test]
fn spendesk_form_bodies_optional_refresh_secret_and_get_api_key() {
    let mut sb = Sandbox::with_clock(T0);
    behave(
        &mut sb,
        r#"{"provider":"spendesk","body":"form","refresh_secret":"optional","api_key_method":"GET"}"#,
    );
    let code = spendesk_code(&mut sb);
    // JSON is refused now.
    let r = spendesk_create_json(&mut sb, &code);
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["errors"][0]["code"], "invalid_content_type");
    let code = spendesk_code(&mut sb);
    let r = sb.handle(&Request::post_form(
        "/spendesk/v1/oauth2/token/create",
        &format!(
            "client_id=spendesk-client&client_secret=spendesk-secret&code={code}&code_verifier={VERIFIER}&redirect_uri={}",
            enc(REDIRECT)
        ),
    ));
    assert_eq!(r.status, 201, "{}", r.body_str());
    let rt = json(&r)["refresh_token"].as_str().unwrap().to_string();
    // Repeated fields are refused; a refresh without a secret is taken; a wrong one is not.
    let r = sb.handle(&Request::post_form(
        "/spendesk/v1/oauth2/token/refresh",
        &format!(
            "client_id=spendesk-client&client_id=x&refresh_token={}",
            enc(&rt)
        ),
    ));
    assert_eq!(r.status, 400);
    let r = sb.handle(&Request::post_form(
        "/spendesk/v1/oauth2/token/refresh",
        &format!(
            "client_id=spendesk-client&client_secret=wrong&refresh_token={}",
            enc(&rt)
        ),
    ));
    assert_eq!(r.status, 403);
    let r = sb.handle(&Request::post_form(
        "/spendesk/v1/oauth2/token/refresh",
        &format!("client_id=spendesk-client&refresh_token={}", enc(&rt)),
    ));
    assert_eq!(r.status, 201, "{}", r.body_str());
    // The API key answers GET only.
    let auth = basic_plain("spendesk-key-id", "spendesk-key-secret");
    let r = sb.handle(
        &Request::post_form("/spendesk/v1/auth/token", "").with_header("Authorization", &auth),
    );
    assert_eq!((r.status, r.header("allow")), (405, Some("GET")));
    let r = sb.handle(&get_auth("/spendesk/v1/auth/token", &auth));
    assert_eq!(r.status, 200, "{}", r.body_str());
}

fn pleo_code(sb: &mut Sandbox) -> String {
    code_for(sb, "/pleo/oauth/authorize", "pleo-client", "")
}

fn pleo_exchange_body(code: &str) -> String {
    format!(
        "grant_type=authorization_code&redirect_uri={}&code={code}&code_verifier={VERIFIER}",
        enc(REDIRECT)
    )
}

#[test]
fn pleo_code_auth_post_reuse_lifetime_and_api_prefix() {
    let mut sb = Sandbox::with_clock(T0);
    behave(
        &mut sb,
        r#"{"provider":"pleo","code_auth":"post","reuse":"reject_token","access_lifetime_secs":90,"expires_unit":"millis","api_prefix":"/pleo/external"}"#,
    );
    // Basic on the exchange is refused now (the code is spent, as any attempt spends it).
    let code = pleo_code(&mut sb);
    let r = sb.handle(
        &Request::post_form("/pleo/oauth/token", &pleo_exchange_body(&code))
            .with_header("Authorization", &basic_form("pleo-client", "pleo-secret")),
    );
    assert_eq!(
        (r.status, json(&r)["error"].clone()),
        (401, j!("invalid_client"))
    );
    let code = pleo_code(&mut sb);
    let r = sb.handle(&Request::post_form(
        "/pleo/oauth/token",
        &format!(
            "{}&client_id=pleo-client&client_secret=wrong",
            pleo_exchange_body(&code)
        ),
    ));
    assert_eq!(r.status, 401);
    let code = pleo_code(&mut sb);
    let r = sb.handle(&Request::post_form(
        "/pleo/oauth/token",
        &format!(
            "{}&client_id=pleo-client&client_secret=pleo-secret",
            pleo_exchange_body(&code)
        ),
    ));
    assert_eq!(r.status, 200, "{}", r.body_str());
    let body = json(&r);
    assert_eq!(body["expires_in"], 90_000);
    let at = body["access_token"].as_str().unwrap().to_string();
    let c = claims(&at);
    assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 90);
    let rt1 = body["refresh_token"].as_str().unwrap().to_string();
    // Refresh stays Basic.
    let refresh = |sb: &mut Sandbox, rt: &str| {
        sb.handle(
            &Request::post_form(
                "/pleo/oauth/token",
                &format!("grant_type=refresh_token&refresh_token={}", enc(rt)),
            )
            .with_header("Authorization", &basic_form("pleo-client", "pleo-secret")),
        )
    };
    let r = refresh(&mut sb, &rt1);
    assert_eq!(r.status, 200, "{}", r.body_str());
    let rt2 = json(&r)["refresh_token"].as_str().unwrap().to_string();
    // Reuse: refused, but the authorisation survives.
    let r = refresh(&mut sb, &rt1);
    assert_eq!(
        (r.status, json(&r)["error"].clone()),
        (400, j!("invalid_grant"))
    );
    assert_eq!(rt_state(&mut sb, &rt2), "valid");
    assert_eq!(refresh(&mut sb, &rt2).status, 200);
    // The API moved.
    assert_eq!(
        sb.handle(&get_auth("/pleo/v1/expenses", &bearer(&at)))
            .status,
        404
    );
    assert_eq!(
        sb.handle(&get_auth("/pleo/external/v1/expenses", &bearer(&at)))
            .status,
        200
    );
}

#[test]
fn findity_message_errors_and_either_path() {
    let mut sb = Sandbox::with_clock(T0);
    behave(
        &mut sb,
        r#"{"provider":"findity","error_shape":"message","paths":"either"}"#,
    );
    for path in ["/findity/api/oauth/token", "/findity/api/oauth/token/"] {
        let r = sb.handle(&Request::post_form(
            path,
            "grant_type=client_credentials&client_id=findity-client&client_secret=findity-secret",
        ));
        assert_eq!(r.status, 200, "{path}: {}", r.body_str());
    }
    let r = sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        "grant_type=client_credentials&client_id=findity-client&client_secret=wrong",
    ));
    assert_eq!(r.status, 400);
    let e = json(&r);
    assert!(e.get("error").is_none(), "{e}");
    assert_eq!(e["message"], "invalid_client: client authentication failed");
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let r = sb.handle(
        &Request::post_form("/findity/api/oauth/authorization-grant", "user_id=u")
            .with_header("Authorization", "Bearer x"),
    );
    assert_eq!(r.status, 401);
    assert!(json(&r)["message"]
        .as_str()
        .unwrap()
        .starts_with("invalid_token"));
    assert!(r.header("www-authenticate").is_some());
}

#[test]
fn prospend_api_prefix() {
    let mut sb = Sandbox::with_clock(T0);
    let r = sb.handle(&Request::post_json("/_sandbox/prospend/tokens", "{}"));
    let tok = json(&r)["token"].as_str().unwrap().to_string();
    behave(
        &mut sb,
        r#"{"provider":"prospend","api_prefix":"/prospend/eu"}"#,
    );
    assert_eq!(
        sb.handle(&get_auth("/prospend/api/v1/expenses", &bearer(&tok)))
            .status,
        404
    );
    assert_eq!(
        sb.handle(&get_auth("/prospend/eu/api/v1/expenses", &bearer(&tok)))
            .status,
        200
    );
    behave(
        &mut sb,
        r#"{"provider":"prospend","api_prefix":"/prospend"}"#,
    );
    assert_eq!(
        sb.handle(&get_auth("/prospend/api/v1/expenses", &bearer(&tok)))
            .status,
        200
    );
}
