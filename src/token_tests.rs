use super::*;
use crate::url::parse_endpoint;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const V: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const NOW: f64 = 1_700_000_000_000.0;

fn cfg(dialect: Dialect, auth: ClientAuth) -> ClientConfig {
    ClientConfig {
        dialect,
        token_endpoint: parse_endpoint("https://idp.example/token", "t").unwrap(),
        refresh_endpoint: None,
        client_id: "cid".into(),
        client_secret: Some(Secret::new("s3cr:et")),
        auth,
        redirect_uri: Some("https://app.example/cb".into()),
    }
}

fn resp(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        content_type: Some("application/json".into()),
        body: body.into(),
    }
}

#[test]
fn rfc6749_code_exchange_basic() {
    let r = cfg(Dialect::Rfc6749, ClientAuth::Basic)
        .token_request(&Grant::AuthorizationCode {
            code: "c 1",
            code_verifier: Some(V),
        })
        .unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "https://idp.example/token");
    assert_eq!(
        r.header("authorization"),
        Some(http::basic_auth("cid", "s3cr%3Aet").as_str())
    );
    assert_eq!(
        r.body.as_deref(),
        Some(&*format!("grant_type=authorization_code&code=c+1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier={V}"))
    );
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
}

#[test]
fn rfc6749_client_auth_variants() {
    let post = cfg(Dialect::Rfc6749, ClientAuth::Post)
        .token_request(&Grant::RefreshToken {
            refresh_token: "rt",
        })
        .unwrap();
    assert_eq!(post.header("authorization"), None);
    assert_eq!(
        post.body.as_deref(),
        Some("grant_type=refresh_token&refresh_token=rt&client_id=cid&client_secret=s3cr%3Aet")
    );
    let mut public = cfg(Dialect::Rfc6749, ClientAuth::None);
    public.client_secret = None;
    let r = public
        .token_request(&Grant::RefreshToken {
            refresh_token: "rt",
        })
        .unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=refresh_token&refresh_token=rt&client_id=cid")
    );
    assert_eq!(
        public
            .token_request(&Grant::ClientCredentials { scopes: &[] })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    let cc = cfg(Dialect::Rfc6749, ClientAuth::Basic)
        .token_request(&Grant::ClientCredentials {
            scopes: &["a", "b"],
        })
        .unwrap();
    assert_eq!(
        cc.body.as_deref(),
        Some("grant_type=client_credentials&scope=a+b")
    );
    let mut nosecret = cfg(Dialect::Rfc6749, ClientAuth::Basic);
    nosecret.client_secret = None;
    assert_eq!(
        nosecret
            .token_request(&Grant::RefreshToken {
                refresh_token: "rt"
            })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn bad_verifier_is_refused_before_sending() {
    let e = cfg(Dialect::Rfc6749, ClientAuth::Basic)
        .token_request(&Grant::AuthorizationCode {
            code: "c",
            code_verifier: Some("short"),
        })
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidCodeVerifier);
}

#[test]
fn pleo_requests() {
    let c = cfg(Dialect::Pleo, ClientAuth::Post); // Pleo forces Basic
    let r = c
        .token_request(&Grant::AuthorizationCode {
            code: "c",
            code_verifier: Some(V),
        })
        .unwrap();
    assert!(r.header("authorization").unwrap().starts_with("Basic "));
    assert!(r.body.as_deref().unwrap().contains("redirect_uri="));
    assert!(!r.body.as_deref().unwrap().contains("client_secret"));
    assert_eq!(
        c.token_request(&Grant::AuthorizationCode {
            code: "c",
            code_verifier: None
        })
        .unwrap_err()
        .code(),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        c.token_request(&Grant::ClientCredentials { scopes: &[] })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn spendesk_requests_are_json() {
    let mut c = cfg(Dialect::Spendesk, ClientAuth::Post);
    c.refresh_endpoint = Some(parse_endpoint("https://idp.example/refresh", "r").unwrap());
    let r = c
        .token_request(&Grant::AuthorizationCode {
            code: "c",
            code_verifier: Some(V),
        })
        .unwrap();
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body.as_deref(),
        Some(&*format!(
            r#"{{"grant_type":"authorization_code","client_id":"cid","code":"c","code_verifier":"{V}","client_secret":"s3cr:et","redirect_uri":"https://app.example/cb"}}"#
        ))
    );
    let r = c
        .token_request(&Grant::RefreshToken {
            refresh_token: "rt",
        })
        .unwrap();
    assert_eq!(r.url, "https://idp.example/refresh");
    assert_eq!(
        r.body.as_deref(),
        Some(
            r#"{"grant_type":"refresh_token","client_id":"cid","client_secret":"s3cr:et","refresh_token":"rt"}"#
        )
    );
    let base = parse_endpoint("https://idp.example/auth/token", "k").unwrap();
    let k = spendesk_api_key_request(&base, "my_id", "my_secret").unwrap();
    assert_eq!(
        k.header("authorization"),
        Some("Basic bXlfaWQ6bXlfc2VjcmV0")
    );
}

#[test]
fn findity_requests() {
    let c = cfg(Dialect::Findity, ClientAuth::Basic);
    let r = c
        .token_request(&Grant::ClientCredentials { scopes: &[] })
        .unwrap();
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=client_credentials&client_id=cid&client_secret=s3cr%3Aet")
    );
    let r = c
        .token_request(&Grant::RefreshToken {
            refresh_token: "r/t",
        })
        .unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=refresh_token&client_id=cid&refresh_token=r%2Ft")
    );
    let r = c
        .token_request(&Grant::AuthorizationCode {
            code: "abc",
            code_verifier: None,
        })
        .unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=authorization_code&code=abc")
    );
    let g = findity_authorization_grant_request(&c.token_endpoint, "org", "u 1").unwrap();
    assert_eq!(g.header("authorization"), Some("Bearer org"));
    assert_eq!(g.body.as_deref(), Some("user_id=u+1"));
    assert_eq!(
        process_findity_authorization_grant(&resp(200, r#"{"code":"xyz"}"#))
            .unwrap()
            .expose(),
        "xyz"
    );
    assert_eq!(
        process_findity_authorization_grant(&resp(200, r#"{}"#))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidResponse
    );
}

#[test]
fn successful_answers() {
    let t = process_token_response(
        Dialect::Rfc6749,
        GrantKind::AuthorizationCode,
        &resp(200, r#"{"access_token":"at","token_type":"bearer","expires_in":3600,"refresh_token":"rt","scope":"a b"}"#),
        NOW,
    )
    .unwrap();
    assert_eq!(t.access_token.expose(), "at");
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.expires_at, Some(NOW + 3_600_000.0));
    assert_eq!(t.refresh_token.as_ref().map(Secret::expose), Some("rt"));
    assert_eq!(t.scope.as_deref(), Some("a b"));
    assert!(!format!("{t:?}").contains("\"at\"") && !format!("{t:?}").contains("rt\""));
    // expires_in as a string
    let t = process_token_response(
        Dialect::Rfc6749,
        GrantKind::RefreshToken,
        &resp(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":"60"}"#,
        ),
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(NOW + 60_000.0));
    assert!(t.refresh_token.is_none());
}

#[test]
fn pleo_expires_in_units() {
    // pleo-quickstart.txt labels the exchange answer ACCESS_TOKEN_LIFETIME and the
    // refresh answer ACCESS_TOKEN_MILLI_LIFETIME, both "10 mins.".
    for (expires_in, want_ms) in [
        (600.0, 600_000.0),
        (600_000.0, 600_000.0),
        (900.0, 900_000.0),
        (900_000.0, 900_000.0),
        (86_400.0, 86_400_000.0),
        (86_401.0, 86_401.0),
    ] {
        let body = format!(
            r#"{{"access_token":"at","token_type":"Bearer","expires_in":{expires_in},"refresh_token":"r","scope":"scope1+scope2"}}"#
        );
        let t = process_token_response(
            Dialect::Pleo,
            GrantKind::RefreshToken,
            &resp(200, &body),
            NOW,
        )
        .unwrap();
        assert_eq!(t.expires_at, Some(NOW + want_ms), "expires_in {expires_in}");
        assert_eq!(t.scope.as_deref(), Some("scope1 scope2"));
    }
    // Not Pleo: seconds, always.
    let t = process_token_response(
        Dialect::Rfc6749,
        GrantKind::RefreshToken,
        &resp(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":600000}"#,
        ),
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(NOW + 600_000_000.0));
}

#[test]
fn spendesk_201_without_expires_in_uses_jwt_exp() {
    let jwt = crate::jwt::make_unsigned(r#"{"exp":1700003600,"wallet_id":"w"}"#);
    let body = format!(r#"{{"access_token":"{jwt}","refresh_token":"rt"}}"#);
    let t = process_token_response(
        Dialect::Spendesk,
        GrantKind::AuthorizationCode,
        &resp(201, &body),
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(1_700_003_600_000.0));
    assert_eq!(t.token_type, "Bearer");
    // 201 is not success for an RFC 6749 server.
    assert_eq!(
        process_token_response(
            Dialect::Rfc6749,
            GrantKind::AuthorizationCode,
            &resp(201, &body),
            NOW
        )
        .unwrap_err()
        .code(),
        ErrorCode::HttpError
    );
}

#[test]
fn failure_table() {
    use ErrorCode::*;
    let html = HttpResponse {
        status: 200,
        content_type: Some("text/html".into()),
        body: "<html>".into(),
    };
    let big = resp(200, &" ".repeat(http::MAX_BODY_LEN + 1));
    let spendesk_err = r#"{"errors":[{"code":"invalid_refresh_token","detail":"Refresh token expired","source":{"pointer":"/refresh_token"}}]}"#;
    let cases: Vec<(Dialect, GrantKind, HttpResponse, ErrorCode)> = vec![
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(
                400,
                r#"{"error":"invalid_grant","error_description":"used"}"#,
            ),
            ReconnectRequired,
        ),
        (
            Dialect::Pleo,
            GrantKind::RefreshToken,
            resp(400, r#"{"error":"invalid_grant"}"#),
            ReconnectRequired,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::AuthorizationCode,
            resp(400, r#"{"error":"invalid_grant"}"#),
            OAuthError,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(401, r#"{"error":"invalid_client"}"#),
            OAuthError,
        ),
        (
            Dialect::Spendesk,
            GrantKind::RefreshToken,
            resp(401, spendesk_err),
            ReconnectRequired,
        ),
        (
            Dialect::Spendesk,
            GrantKind::RefreshToken,
            resp(403, "{}"),
            ReconnectRequired,
        ),
        (
            Dialect::Spendesk,
            GrantKind::AuthorizationCode,
            resp(400, spendesk_err),
            OAuthError,
        ),
        (
            Dialect::Spendesk,
            GrantKind::ApiKey,
            resp(
                401,
                r#"{"errors":[{"code":"unauthorized","detail":"bad key"}]}"#,
            ),
            OAuthError,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(500, "oops"),
            ServerError,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(503, r#"{"error":"temporarily_unavailable"}"#),
            ServerError,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(404, "not found"),
            HttpError,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(302, ""),
            UnexpectedRedirect,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(0, ""),
            UnexpectedRedirect,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            html,
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(200, "not json"),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(200, "[1]"),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(200, r#"{"token_type":"Bearer"}"#),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(200, r#"{"access_token":"","token_type":"Bearer"}"#),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(200, r#"{"access_token":"a"}"#),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(200, r#"{"access_token":"a","token_type":"mac"}"#),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(
                200,
                r#"{"access_token":"a","token_type":"Bearer","expires_in":-1}"#,
            ),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(
                200,
                r#"{"access_token":"a","token_type":"Bearer","expires_in":"soon"}"#,
            ),
            InvalidResponse,
        ),
        (
            // Found by the token_response fuzz target: an infinite expiry.
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(
                200,
                r#"{"access_token":"a","token_type":"Bearer","expires_in":1e306}"#,
            ),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(
                200,
                r#"{"access_token":"a","token_type":"Bearer","expires_in":[1]}"#,
            ),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            resp(
                200,
                r#"{"access_token":"a","token_type":"Bearer","refresh_token":5}"#,
            ),
            InvalidResponse,
        ),
        (
            Dialect::Rfc6749,
            GrantKind::RefreshToken,
            big,
            ResponseTooLarge,
        ),
    ];
    for (i, (d, k, r, want)) in cases.iter().enumerate() {
        let e = process_token_response(*d, *k, r, NOW).unwrap_err();
        assert_eq!(e.code(), *want, "case {i}: {e}");
        assert_eq!(e.status(), Some(r.status), "case {i}");
    }
}

#[test]
fn error_fields_are_exposed() {
    let e = process_token_response(
        Dialect::Spendesk,
        GrantKind::RefreshToken,
        &resp(
            401,
            r#"{"errors":[{"code":"invalid_refresh_token","detail":"Refresh token expired"}]}"#,
        ),
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.error(), Some("invalid_refresh_token"));
    assert_eq!(e.error_description(), Some("Refresh token expired"));
    let e = process_token_response(
        Dialect::Rfc6749,
        GrantKind::AuthorizationCode,
        &resp(
            400,
            r#"{"error":"invalid_request","error_description":"bad","error_uri":"https://d"}"#,
        ),
        NOW,
    )
    .unwrap_err();
    assert_eq!(
        (e.error(), e.error_description(), e.error_uri()),
        (Some("invalid_request"), Some("bad"), Some("https://d"))
    );
    assert!(e.message().contains("invalid_request: bad"));
}

#[test]
fn static_jwt_checks() {
    let live = crate::jwt::make_unsigned(r#"{"exp":1800000000}"#);
    assert_eq!(
        check_static_jwt(&live, NOW).unwrap(),
        Some(1_800_000_000_000.0)
    );
    let dead = crate::jwt::make_unsigned(r#"{"exp":1600000000}"#);
    assert_eq!(
        check_static_jwt(&dead, NOW).unwrap_err().code(),
        ErrorCode::TokenExpired
    );
    assert_eq!(
        check_static_jwt("opaque", NOW).unwrap_err().code(),
        ErrorCode::InvalidJwt
    );
}
