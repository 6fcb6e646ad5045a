//! Control endpoints, faults, statistics, CORS and robustness against garbage input.

mod common;

use common::*;
use expense_auth_sandbox::{Request, Response, Sandbox};

fn cc_oauth() -> Request {
    Request::post_form(
        "/oauth/token",
        "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret",
    )
}

fn add_fault(sb: &mut Sandbox, body: &str) -> Response {
    sb.handle(&Request::post_json("/_sandbox/faults", body))
}

#[test]
fn clock_endpoints_and_advance() {
    let mut sb = Sandbox::with_clock(T0);
    assert_eq!(
        json(&sb.handle(&Request::get("/_sandbox/clock")))["now"],
        T0
    );
    let r = sb.handle(&Request::post_json(
        "/_sandbox/clock",
        r#"{"advance_secs": 3600}"#,
    ));
    assert_eq!(json(&r)["now"], T0 + 3600);
    assert_eq!(sb.now(), T0 + 3600);
    for bad in [
        r#"{"advance_secs": -1}"#,
        r#"{"advance_secs": "1"}"#,
        "{}",
        "nope",
    ] {
        assert_eq!(
            sb.handle(&Request::post_json("/_sandbox/clock", bad))
                .status,
            400,
            "{bad}"
        );
    }
    assert_eq!(
        sb.handle(&Request {
            method: "PUT".into(),
            ..Request::get("/_sandbox/clock")
        })
        .status,
        405
    );
    // Real clock: advances from the current time.
    let mut real = Sandbox::new();
    let before = real.now();
    real.advance(100);
    assert!(real.now() >= before + 100);
}

#[test]
fn reset_forgets_everything() {
    let mut sb = Sandbox::with_clock(T0);
    let at = json(&sb.handle(&cc_oauth()))["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    sb.handle(&Request::post_json(
        "/_sandbox/clock",
        r#"{"advance_secs": 10}"#,
    ));
    add_fault(&mut sb, r#"{"path":"/pleo","kind":"status_500"}"#);
    sb.handle(&Request::post_json(
        "/_sandbox/pleo/expires-unit",
        r#"{"unit":"millis"}"#,
    ));
    let r = sb.handle(&Request::post_json("/_sandbox/reset", ""));
    assert_eq!(r.status, 200);
    assert_eq!(sb.now(), T0);
    assert_eq!(
        sb.handle(&get_auth("/oauth/api/me", &bearer(&at))).status,
        401
    );
    let s = stats(&mut sb);
    assert_eq!(s["requests"], 1); // the /oauth/api/me call above
    assert_eq!(s["token_requests"], serde_json::json!({}));
    assert_eq!(sb.handle(&Request::get("/pleo/v1/expenses")).status, 401); // no fault left
    assert_eq!(sb.handle(&Request::get("/_sandbox/reset")).status, 405);
}

#[test]
fn stats_count_token_requests_per_provider_and_grant() {
    let mut sb = Sandbox::with_clock(T0);
    sb.handle(&cc_oauth());
    sb.handle(&cc_oauth());
    sb.handle(&Request::post_form(
        "/oauth/token",
        "grant_type=refresh_token&refresh_token=x&client_id=sandbox-public",
    ));
    for _ in 0..2 {
        sb.handle(&Request::post_json(
            "/spendesk/v1/oauth2/token/refresh",
            r#"{"client_id":"spendesk-client","client_secret":"spendesk-secret","refresh_token":"x"}"#,
        ));
    }
    sb.handle(&Request::post_form(
        "/pleo/oauth/token",
        "grant_type=refresh_token&refresh_token=x",
    ));
    sb.handle(&Request::post_form("/spendesk/v1/auth/token", ""));
    sb.handle(&Request::post_json(
        "/spendesk/v1/oauth2/token/create",
        "{}",
    ));
    sb.handle(&Request::post_form(
        "/findity/api/oauth/token/",
        "grant_type=client_credentials",
    ));
    sb.handle(&Request::post_form(
        "/findity/api/oauth/authorization-grant",
        "user_id=u",
    ));
    sb.handle(&Request::get("/oauth/api/me"));
    let s = stats(&mut sb);
    let t = &s["token_requests"];
    assert_eq!(t["oauth:client_credentials"], 2);
    assert_eq!(t["oauth:refresh_token"], 1);
    assert_eq!(t["spendesk:token/refresh"], 2);
    assert_eq!(t["spendesk:token/create"], 1);
    assert_eq!(t["spendesk:auth/token"], 1);
    assert_eq!(t["pleo:refresh_token"], 1);
    assert_eq!(t["findity:client_credentials"], 1);
    assert_eq!(t["findity:authorization-grant"], 1);
    assert_eq!(s["requests"], 11);
}

#[test]
fn refresh_token_state_endpoint_validation() {
    let mut sb = Sandbox::with_clock(T0);
    assert_eq!(
        sb.handle(&Request::get("/_sandbox/refresh-token-state"))
            .status,
        400
    );
    assert_eq!(
        sb.handle(&Request::get("/_sandbox/refresh-token-state?token=%zz"))
            .status,
        400
    );
    assert_eq!(rt_state(&mut sb, "whatever"), "unknown");
    assert_eq!(sb.handle(&Request::get("/_sandbox/nope")).status, 404);
}

#[test]
fn faults_each_kind() {
    let mut sb = Sandbox::with_clock(T0);
    let r = add_fault(&mut sb, r#"{"path":"/oauth/token","kind":"status_500"}"#);
    assert_eq!(r.status, 201, "{}", r.body_str());
    assert_eq!(sb.handle(&cc_oauth()).status, 500);
    assert_eq!(sb.handle(&cc_oauth()).status, 200, "times defaults to 1");

    add_fault(
        &mut sb,
        r#"{"path":"/oauth/token","kind":"status_503","times":2}"#,
    );
    let r = sb.handle(&cc_oauth());
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(sb.handle(&cc_oauth()).status, 503);
    assert_eq!(sb.handle(&cc_oauth()).status, 200);

    add_fault(&mut sb, r#"{"path":"/oauth","kind":"html"}"#);
    let r = sb.handle(&cc_oauth());
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());

    add_fault(&mut sb, r#"{"path":"/oauth/token","kind":"not_json"}"#);
    let r = sb.handle(&cc_oauth());
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());

    add_fault(&mut sb, r#"{"path":"/oauth/token","kind":"drop"}"#);
    let r = sb.handle(&cc_oauth());
    assert!(r.drop_connection);

    add_fault(&mut sb, r#"{"path":"/oauth/token","kind":"huge"}"#);
    let r = sb.handle(&cc_oauth());
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), 5 * 1024 * 1024);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_ok());

    add_fault(
        &mut sb,
        r#"{"path":"/oauth/token","kind":"slow","delay_ms":1500}"#,
    );
    let r = sb.handle(&cc_oauth());
    assert_eq!((r.status, r.delay_ms), (200, 1500));
    assert!(
        json(&r)["access_token"].is_string(),
        "slow answers normally"
    );
    add_fault(&mut sb, r#"{"path":"/oauth/token","kind":"slow"}"#);
    assert_eq!(sb.handle(&cc_oauth()).delay_ms, 2000);
    assert_eq!(sb.handle(&cc_oauth()).delay_ms, 0);

    assert_eq!(stats(&mut sb)["faults_served"], 9);
}

#[test]
fn faults_match_by_prefix_spare_control_and_preflight_and_clear() {
    let mut sb = Sandbox::with_clock(T0);
    add_fault(
        &mut sb,
        r#"{"path":"/pleo/oauth/token","kind":"status_500","times":100}"#,
    );
    // other paths unaffected
    assert_eq!(sb.handle(&cc_oauth()).status, 200);
    // preflight unaffected
    assert_eq!(
        sb.handle(&Request {
            method: "OPTIONS".into(),
            ..Request::get("/pleo/oauth/token")
        })
        .status,
        204
    );
    assert_eq!(
        sb.handle(&Request::post_form(
            "/pleo/oauth/token",
            "grant_type=refresh_token"
        ))
        .status,
        500
    );
    let listed = json(&sb.handle(&Request::get("/_sandbox/faults")));
    assert_eq!(listed["faults"][0]["times"], 99);
    let r = sb.handle(&Request {
        method: "DELETE".into(),
        ..Request::get("/_sandbox/faults")
    });
    assert_eq!(r.status, 204);
    assert_eq!(
        sb.handle(&Request::post_form(
            "/pleo/oauth/token",
            "grant_type=refresh_token"
        ))
        .status,
        401
    );
    for bad in [
        r#"{"kind":"drop"}"#,
        r#"{"path":"pleo","kind":"drop"}"#,
        r#"{"path":"/_sandbox/clock","kind":"drop"}"#,
        r#"{"path":"/pleo","kind":"explode"}"#,
        r#"{"path":"/pleo","kind":"drop","times":0}"#,
        r#"{"path":"/pleo","kind":"slow","delay_ms":-5}"#,
        r#"{"path":"/pleo","kind":"slow","delay_ms":99999999}"#,
        "not json",
        "[]",
    ] {
        assert_eq!(add_fault(&mut sb, bad).status, 400, "{bad}");
    }
}

#[test]
fn cors_preflight_and_headers_on_every_response() {
    let mut sb = Sandbox::with_clock(T0);
    for path in ["/oauth/token", "/anything/at/all", "/_sandbox/stats"] {
        let r = sb.handle(
            &Request {
                method: "OPTIONS".into(),
                ..Request::get(path)
            }
            .with_header("Origin", "http://localhost:5173")
            .with_header("Access-Control-Request-Method", "POST"),
        );
        assert_eq!(r.status, 204);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("GET, POST, DELETE, OPTIONS")
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("authorization, content-type, accept")
        );
        assert_eq!(r.header("access-control-max-age"), Some("600"));
    }
    let mut responses = vec![
        sb.handle(&cc_oauth()),
        sb.handle(&Request::get("/oauth/api/me")),
        sb.handle(&Request::get("/nope")),
        sb.handle(&Request::get("/_sandbox/stats")),
        sb.handle(&Request::get("/oauth/authorize?client_id=x")),
        sb.handle(&Request::post_json("/spendesk/v1/oauth2/token/create", "{")),
    ];
    add_fault(&mut sb, r#"{"path":"/","kind":"status_503"}"#);
    responses.push(sb.handle(&cc_oauth()));
    for r in responses {
        assert_eq!(
            r.header("Access-Control-Allow-Origin"),
            Some("*"),
            "{}",
            r.status
        );
        assert_eq!(
            r.header("Access-Control-Expose-Headers"),
            Some("WWW-Authenticate")
        );
    }
}

#[test]
fn oversized_body_is_413() {
    let mut sb = Sandbox::with_clock(T0);
    let mut req = cc_oauth();
    req.body = vec![b'a'; 1024 * 1024 + 1];
    let r = sb.handle(&req);
    assert_eq!(r.status, 413);
    req.body = vec![b'a'; 1024 * 1024];
    assert_ne!(sb.handle(&req).status, 413);
}

#[test]
fn index_and_unknown_routes() {
    let mut sb = Sandbox::with_clock(T0);
    assert_eq!(sb.handle(&Request::get("/")).status, 200);
    let r = sb.handle(&Request::get("/nope?x=1"));
    assert_eq!(r.status, 404);
    assert_eq!(json(&r)["error"], "not_found");
    assert_eq!(sb.handle(&Request::post_form("/", "")).status, 405);
}

/// Tiny deterministic PRNG (xorshift) for the garbage tests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const PATHS: &[&str] = &[
    "/oauth/authorize",
    "/oauth/consent",
    "/oauth/token",
    "/oauth/api/me",
    "/spendesk/v1/auth/token",
    "/spendesk/v1/oauth2/authorize",
    "/spendesk/consent",
    "/spendesk/v1/oauth2/token/create",
    "/spendesk/v1/oauth2/token/refresh",
    "/spendesk/v1/wallet-summary",
    "/pleo/oauth/authorize",
    "/pleo/consent",
    "/pleo/oauth/token",
    "/pleo/v1/expenses",
    "/findity/api/oauth/token/",
    "/findity/api/oauth/token",
    "/findity/api/oauth/authorization-grant",
    "/findity/api/v1/me",
    "/prospend/api/v1/expenses",
    "/_sandbox/reset",
    "/_sandbox/clock",
    "/_sandbox/faults",
    "/_sandbox/pleo/expires-unit",
    "/_sandbox/behaviour",
    "/pleo/external/v1/expenses",
    "/prospend/eu/api/v1/expenses",
    "/_sandbox/stats",
    "/_sandbox/refresh-token-state",
    "/_sandbox/prospend/tokens",
    "/_sandbox/prospend/revoke",
    "/",
    "",
    "?",
    "//",
    "/%",
    "/oauth/token?%",
    "é",
    "/\u{0}",
];

const QUERIES: &[&str] = &[
    "", "?", "?client_id=sandbox-public", "?%zz=1", "?request=%FF", "?a=%", "?&&&==&",
    "?client_id=spendesk-client&redirect_uri=https%3A%2F%2Fa&response_type=code&code_challenge=E9Melhoa2OwvhVgxaqbrq-1d-r9x2KgA2KWMpWkHqPgM&code_challenge_method=S256",
    "?client_id=pleo-client&redirect_uri=http%3A%2F%2F%5B%3A%3A1%5D%3A99999&response_type=code",
    "?token=%00", "?decision=approve&request=", "#frag", "?redirect_uri=https%3A%2F%2F%C3%A9",
];

const CONTENT_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain",
    "",
    ";;;",
    "application/json; charset=utf-8",
    "multipart/form-data; boundary=x",
];

const AUTHS: &[&str] = &[
    "",
    "Basic",
    "Basic ",
    "Basic !!!!",
    "Basic ====",
    "Basic Og==",
    "Basic //8=",
    "Bearer",
    "Bearer ",
    "Bearer a.b.c",
    "Bearer eyJhbGciOiJub25lIn0.e30.",
    "Bearer ...",
    "Basic é",
    "Bearer é.é.é",
    "bearer eyJ",
    "Basic c3BlbmRlc2sta2V5LWlkOg==",
    "Négociate x",
];

const BODIES: &[&str] = &[
    "",
    "{",
    "}",
    "[]",
    "null",
    "{\"client_id\":null}",
    "{\"client_id\":[1]}",
    "{\"code\":{},\"client_id\":\"spendesk-client\",\"code_verifier\":1}",
    "grant_type=authorization_code",
    "grant_type=refresh_token&refresh_token=%",
    "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret",
    "grant_type=%FF%FE",
    "=&=&=",
    "a=b=c",
    "{\"advance_secs\":18446744073709551615}",
    "{\"path\":\"/\",\"kind\":\"slow\",\"times\":1e300}",
    "{\"unit\":\"\\ud800\"}",
    "{\"token\":\"eyJhbGciOiJIUzI1NiJ9.e30.x\"}",
    "{\"lifetime_secs\":1.5}",
    "{\"site\":\"\\u0000\"}",
    "user_id=",
    "user_id=%00%01",
    "{\"provider\":\"spendesk\",\"body\":\"form\",\"error_shape\":\"rfc6749\",\"api_key_method\":\"GET\"}",
    "{\"provider\":\"spendesk\",\"wallet_claim\":\"\\u0000\"}",
    "{\"provider\":\"pleo\",\"api_prefix\":\"/pleo/external\",\"code_auth\":\"post\",\"access_lifetime_secs\":1}",
    "{\"provider\":\"findity\",\"error_shape\":\"message\",\"paths\":\"either\"}",
    "{\"provider\":\"prospend\",\"api_prefix\":\"/prospend/eu\"}",
    "client_id=spendesk-client&refresh_token=x&client_id=y",
];

#[test]
fn garbage_never_panics() {
    let mut sb = Sandbox::with_clock(T0);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let methods = [
        "GET", "POST", "DELETE", "PUT", "OPTIONS", "get", "", "PATCH",
    ];
    for i in 0..6000 {
        let mut body = rng.pick(BODIES).as_bytes().to_vec();
        if i % 7 == 0 {
            let n = (rng.next() % 300) as usize;
            body = rng.bytes(n);
        }
        let target = format!("{}{}", rng.pick(PATHS), rng.pick(QUERIES));
        let mut req = Request {
            method: rng.pick(&methods).to_string(),
            target,
            headers: Vec::new(),
            body,
        };
        let ct = rng.pick(CONTENT_TYPES);
        if !ct.is_empty() {
            req = req.with_header("Content-Type", ct);
        }
        let auth = rng.pick(AUTHS);
        if !auth.is_empty() {
            req = req.with_header(
                if i % 2 == 0 {
                    "Authorization"
                } else {
                    "aUtHoRiZaTiOn"
                },
                auth,
            );
        }
        if i % 500 == 0 {
            // don't let random control calls install faults that swallow everything
            sb.reset();
        }
        let r = sb.handle(&req);
        assert!(r.status == 0 || (100..600).contains(&r.status), "{req:?}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    }
}

#[test]
fn huge_headers_bad_base64_and_binary_bodies() {
    let mut sb = Sandbox::with_clock(T0);
    let huge = "x".repeat(2 * 1024 * 1024);
    let paths = [
        "/oauth/token",
        "/spendesk/v1/auth/token",
        "/pleo/oauth/token",
        "/oauth/api/me",
        "/spendesk/v1/oauth2/token/refresh",
        "/findity/api/oauth/authorization-grant",
    ];
    for p in paths {
        for auth in [
            format!("Basic {huge}"),
            format!("Bearer {huge}"),
            huge.clone(),
        ] {
            let r = sb.handle(
                &Request::post_form(p, "grant_type=client_credentials")
                    .with_header("Authorization", &auth),
            );
            assert!((400..500).contains(&r.status), "{p}: {}", r.status);
        }
        let r = sb.handle(&Request::post_json(p, &huge).with_header(&huge, &huge));
        assert!(r.status >= 400, "{p}");
        let mut req = Request::post_form(p, "");
        req.body = (0..=255u8).cycle().take(10_000).collect();
        assert!(sb.handle(&req).status >= 400);
    }
    let long_query = format!("/oauth/authorize?client_id={huge}&redirect_uri={huge}");
    assert_eq!(sb.handle(&Request::get(&long_query)).status, 400);
    let long_redirect = format!(
        "/oauth/authorize?client_id=sandbox-public&redirect_uri=https%3A%2F%2F{}",
        "a".repeat(5000)
    );
    assert_eq!(sb.handle(&Request::get(&long_redirect)).status, 400);
}
