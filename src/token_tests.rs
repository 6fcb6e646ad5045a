use super::*;
#[allow(unused_imports)]
use crate::providers::Provider;
use crate::url::parse_endpoint;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const V: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const NOW: f64 = 1_700_000_000_000.0;

/// A client of `provider`: a generic one at `https://idp.example/token`, a
/// named provider at `https://idp.example` (its profile's paths appended).
fn cfg_with(provider: Provider, auth: ClientAuth, secret: Option<&str>) -> ClientConfig {
    let mut o = ClientOptions::new(provider);
    o.client_id = "cid";
    o.client_secret = secret;
    o.redirect_uri = Some("https://app.example/cb");
    if provider == Provider::Rfc6749 {
        o.token_endpoint = Some("https://idp.example/token");
        o.client_auth = Some(auth);
    } else {
        o.base_url = Some("https://idp.example");
    }
    ClientConfig::new(&o).unwrap()
}

fn cfg(provider: Provider, auth: ClientAuth) -> ClientConfig {
    cfg_with(provider, auth, Some("s3cr:et"))
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
        Some("grant_type=refresh_token&client_id=cid&client_secret=s3cr%3Aet&refresh_token=rt")
    );
    let public = cfg_with(Dialect::Rfc6749, ClientAuth::None, None);
    let r = public
        .token_request(&Grant::RefreshToken {
            refresh_token: "rt",
        })
        .unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=refresh_token&client_id=cid&refresh_token=rt")
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
    // Basic without a secret cannot even be built.
    let mut o = ClientOptions::new(Provider::Rfc6749);
    o.client_id = "cid";
    o.token_endpoint = Some("https://idp.example/token");
    o.client_auth = Some(ClientAuth::Basic);
    assert_eq!(
        ClientConfig::new(&o).unwrap_err().code(),
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
    let c = cfg(Dialect::Pleo, ClientAuth::Post); // Pleo's profile: Basic
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
    let c = cfg(Dialect::Spendesk, ClientAuth::Post);
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
            r#"{{"grant_type":"authorization_code","client_id":"cid","client_secret":"s3cr:et","code":"c","redirect_uri":"https://app.example/cb","code_verifier":"{V}"}}"#
        ))
    );
    let r = c
        .token_request(&Grant::RefreshToken {
            refresh_token: "rt",
        })
        .unwrap();
    assert_eq!(r.url, "https://idp.example/v1/oauth2/token/refresh");
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
    let g = c.authorization_grant_request("org", "u 1").unwrap();
    assert_eq!(g.url, "https://idp.example/api/oauth/authorization-grant");
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

#[test]
fn spendesk_requests_go_under_v1() {
    // Issue 9 §3 and the SPENDESK profile's sources: /v1 + the doc's paths.
    let mut o = ClientOptions::new(Provider::Spendesk);
    o.client_id = "cid";
    o.client_secret = Some("sec");
    let c = ClientConfig::new(&o).unwrap();
    let code = Grant::AuthorizationCode {
        code: "c",
        code_verifier: Some(V),
    };
    assert_eq!(
        c.token_request(&code).unwrap().url,
        "https://public-api.spendesk.com/v1/oauth2/token/create"
    );
    let k = c
        .token_request(&Grant::ApiKey {
            key_id: "my_id",
            key_secret: "my_secret",
        })
        .unwrap();
    assert_eq!(k.url, "https://public-api.spendesk.com/v1/auth/token");
    assert_eq!(
        k.header("authorization"),
        Some("Basic bXlfaWQ6bXlfc2VjcmV0")
    );
    assert_eq!(k.body, None);
    // Without the verifier Spendesk's exchange is refused before sending.
    assert_eq!(
        c.token_request(&Grant::AuthorizationCode {
            code: "c",
            code_verifier: None
        })
        .unwrap_err()
        .code(),
        ErrorCode::InvalidArgument
    );
    // Without a secret the exchange goes without one; the refresh needs it.
    o.client_secret = None;
    let public = ClientConfig::new(&o).unwrap();
    assert!(!public
        .token_request(&code)
        .unwrap()
        .body
        .unwrap()
        .contains("client_secret"));
    assert_eq!(
        public
            .token_request(&Grant::RefreshToken {
                refresh_token: "rt"
            })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    // No client-credentials grant; no API key on other providers.
    assert_eq!(
        c.token_request(&Grant::ClientCredentials { scopes: &[] })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        cfg(Provider::Pleo, ClientAuth::Basic)
            .token_request(&Grant::ApiKey {
                key_id: "a",
                key_secret: "b"
            })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn findity_paths_and_refresh_without_secret() {
    // findity-authentication.txt: client credentials and refresh POST to
    // .../api/oauth/token/ ; the user-code exchange to .../api/oauth/token.
    let c = cfg_with(Provider::Findity, ClientAuth::Basic, None);
    let r = c
        .token_request(&Grant::RefreshToken {
            refresh_token: "rt",
        })
        .unwrap();
    assert_eq!(r.url, "https://idp.example/api/oauth/token/");
    assert_eq!(
        r.body.as_deref(),
        Some("grant_type=refresh_token&client_id=cid&refresh_token=rt")
    );
    assert_eq!(r.header("authorization"), None);
    let x = c
        .token_request(&Grant::AuthorizationCode {
            code: "abc",
            code_verifier: Some(V),
        })
        .unwrap();
    assert_eq!(x.url, "https://idp.example/api/oauth/token");
    assert_eq!(
        x.body.as_deref(),
        Some("grant_type=authorization_code&code=abc"),
        "no client authentication and no PKCE on Findity's user-code exchange"
    );
    // Client credentials still need the secret.
    assert_eq!(
        c.token_request(&Grant::ClientCredentials { scopes: &[] })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    let cc = cfg(Provider::Findity, ClientAuth::Basic)
        .token_request(&Grant::ClientCredentials { scopes: &[] })
        .unwrap();
    assert_eq!(cc.url, "https://idp.example/api/oauth/token/");
}

#[test]
fn generic_code_exchange_requires_pkce_unless_opted_out() {
    let c = cfg(Provider::Rfc6749, ClientAuth::Basic);
    let no_verifier = Grant::AuthorizationCode {
        code: "c",
        code_verifier: None,
    };
    let e = c.token_request(&no_verifier).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(e.message().contains("pkce: false"));
    let empty = Grant::AuthorizationCode {
        code: "c",
        code_verifier: Some(""),
    };
    assert_eq!(
        c.token_request(&empty).unwrap_err().code(),
        ErrorCode::InvalidArgument,
        "an empty verifier is no verifier"
    );
    let mut o = ClientOptions::new(Provider::Rfc6749);
    o.client_id = "cid";
    o.token_endpoint = Some("https://idp.example/token");
    o.pkce = false;
    let opted_out = ClientConfig::new(&o).unwrap();
    assert!(!opted_out.pkce());
    assert_eq!(
        opted_out
            .token_request(&no_verifier)
            .unwrap()
            .body
            .as_deref(),
        Some("grant_type=authorization_code&client_id=cid&code=c")
    );
    assert_eq!(
        opted_out.token_request(&empty).unwrap().body.as_deref(),
        Some("grant_type=authorization_code&client_id=cid&code=c")
    );
    // A verifier given is still sent and checked.
    assert_eq!(
        opted_out
            .token_request(&Grant::AuthorizationCode {
                code: "c",
                code_verifier: Some("short")
            })
            .unwrap_err()
            .code(),
        ErrorCode::InvalidCodeVerifier
    );
}

#[test]
fn client_credentials_scopes_are_nqchar() {
    let c = cfg(Provider::Rfc6749, ClientAuth::Basic);
    for bad in ["caf\u{e9}", "a b", "a\nb", "", "a\"b"] {
        assert_eq!(
            c.token_request(&Grant::ClientCredentials { scopes: &[bad] })
                .unwrap_err()
                .code(),
            ErrorCode::InvalidArgument,
            "{bad:?}"
        );
    }
}

#[test]
fn constructor_refusals() {
    let build = |f: &dyn Fn(&mut ClientOptions)| {
        let mut o = ClientOptions::new(Provider::Pleo);
        o.client_id = "cid";
        o.client_secret = Some("s");
        f(&mut o);
        ClientConfig::new(&o).map(|_| ()).map_err(|e| e.code())
    };
    assert_eq!(build(&|_| {}), Ok(()));
    assert_eq!(
        build(&|o| o.client_id = ""),
        Err(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        build(&|o| o.token_endpoint = Some("https://x.example/t")),
        Err(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        build(&|o| o.client_auth = Some(ClientAuth::Post)),
        Err(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        build(&|o| o.redirect_uri = Some("http://app.example/cb")),
        Err(ErrorCode::InsecureUrl)
    );
    assert_eq!(
        build(&|o| o.environment = Some("prod")),
        Err(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        build(&|o| {
            o.provider = Provider::Rfc6749;
        }),
        Err(ErrorCode::InvalidArgument),
        "a generic client needs tokenEndpoint"
    );
    assert_eq!(
        build(&|o| {
            o.provider = Provider::Rfc6749;
            o.token_endpoint = Some("https://x.example/t");
            o.base_url = Some("https://x.example");
        }),
        Err(ErrorCode::InvalidArgument)
    );
    // Spendesk API-key clients need no client_id; the OAuth grants do.
    let mut o = ClientOptions::new(Provider::Spendesk);
    o.base_url = Some("http://127.0.0.1:9/spendesk");
    let c = ClientConfig::new(&o).unwrap();
    assert_eq!(c.api_base_url(), Some("http://127.0.0.1:9/spendesk/v1"));
    assert_eq!(
        c.authorization_endpoint().map(|e| e.as_str()),
        Some("http://127.0.0.1:9/spendesk/v1/oauth2/authorize")
    );
    assert_eq!(
        c.token_request(&Grant::RefreshToken {
            refresh_token: "rt"
        })
        .unwrap_err()
        .code(),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn huge_expires_in_is_clamped_to_a_finite_integer_and_keeps_the_refresh_token() {
    // Issue 9: `expires_in: 1e306` gave expiresAt Infinity, and the rotated
    // refresh token was dropped.
    for (provider, kind, expires_in) in [
        (Provider::Rfc6749, GrantKind::RefreshToken, "1e306"),
        (Provider::Rfc6749, GrantKind::RefreshToken, "1e308"),
        (Provider::Rfc6749, GrantKind::AuthorizationCode, "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        (Provider::Pleo, GrantKind::RefreshToken, "1e306"),
        (Provider::Findity, GrantKind::RefreshToken, "\"999999999999999\""),
        (Provider::Spendesk, GrantKind::ApiKey, "1e306"),
    ] {
        let body = format!(
            r#"{{"access_token":"at","token_type":"Bearer","expires_in":{expires_in},"refresh_token":"rotated"}}"#
        );
        let t = process_token_response(provider, kind, &resp(200, &body), NOW)
            .unwrap_or_else(|e| panic!("{provider:?} {expires_in}: {e}"));
        let at = t.expires_at.unwrap();
        assert!(at.is_finite() && at.fract() == 0.0, "{at}");
        assert_eq!(at, NOW + MAX_LIFETIME_MS, "{provider:?} {expires_in}");
        assert_eq!(t.refresh_token.as_ref().map(Secret::expose), Some("rotated"));
    }
    // A JWT exp far in the future is clamped the same way (the largest exp
    // the JWT reader accepts, crate::jwt::MAX_NUMERIC_DATE: year 275760) ...
    let jwt = crate::jwt::make_unsigned(r#"{"exp":8.64e12}"#);
    let body = format!(r#"{{"access_token":"{jwt}","refresh_token":"rt"}}"#);
    let t = process_token_response(
        Provider::Spendesk,
        GrantKind::RefreshToken,
        &resp(201, &body),
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(NOW + MAX_LIFETIME_MS));
    // ... and a larger one is no NumericDate: no expiry, tokens kept.
    let jwt = crate::jwt::make_unsigned(r#"{"exp":1e306}"#);
    let body = format!(r#"{{"access_token":"{jwt}","refresh_token":"rt"}}"#);
    let t = process_token_response(
        Provider::Spendesk,
        GrantKind::RefreshToken,
        &resp(201, &body),
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, None);
    assert!(t.refresh_token.is_some());
    // Fractional inputs give whole milliseconds.
    let t = process_token_response(
        Provider::Rfc6749,
        GrantKind::RefreshToken,
        &resp(
            200,
            r#"{"access_token":"a","token_type":"Bearer","expires_in":1.0005}"#,
        ),
        NOW + 0.75,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(NOW + 1001.0));
}

#[test]
fn pleo_plus_in_scope_is_a_separator_only_on_refresh() {
    // pleo-quickstart.txt: exchange answer "scope": "scope1 scope2", refresh
    // answer "scope": "scope1+scope2...".
    let body = r#"{"access_token":"at","token_type":"Bearer","expires_in":600,"refresh_token":"r","scope":"a+b"}"#;
    let scope = |kind| {
        process_token_response(Provider::Pleo, kind, &resp(200, body), NOW)
            .unwrap()
            .scope
    };
    assert_eq!(scope(GrantKind::RefreshToken).as_deref(), Some("a b"));
    assert_eq!(scope(GrantKind::AuthorizationCode).as_deref(), Some("a+b"));
    let t = process_token_response(
        Provider::Rfc6749,
        GrantKind::RefreshToken,
        &resp(200, body),
        NOW,
    )
    .unwrap();
    assert_eq!(t.scope.as_deref(), Some("a+b"));
}

#[test]
fn tokens_that_cannot_go_into_a_header_are_refused() {
    for at in [
        "a\\r\\nx-injected: 1",
        "a\\nb",
        "a\\u0000b",
        "a b",
        "caf\\u00e9",
        "\\t",
    ] {
        let body =
            format!(r#"{{"access_token":"{at}","token_type":"Bearer","refresh_token":"rt"}}"#);
        let e = process_token_response(
            Provider::Rfc6749,
            GrantKind::RefreshToken,
            &resp(200, &body),
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidResponse, "{at}");
        assert!(!e.message().contains("injected"));
        // The rotated refresh token can still be recovered by the session.
        let c = cfg(Provider::Rfc6749, ClientAuth::Basic);
        assert_eq!(
            c.issued_refresh_token(GrantKind::RefreshToken, &resp(200, &body))
                .as_ref()
                .map(Secret::expose),
            Some("rt")
        );
    }
    for rt in ["r\\r\\nt", "r\\u0000", "\\u00e9"] {
        let body =
            format!(r#"{{"access_token":"at","token_type":"Bearer","refresh_token":"{rt}"}}"#);
        let e = process_token_response(
            Provider::Rfc6749,
            GrantKind::RefreshToken,
            &resp(200, &body),
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidResponse, "{rt}");
    }
    // A space is VSCHAR: fine in a refresh token (it goes in the body).
    let ok = r#"{"access_token":"at","token_type":"Bearer","refresh_token":"r t"}"#;
    assert!(process_token_response(
        Provider::Rfc6749,
        GrantKind::RefreshToken,
        &resp(200, ok),
        NOW
    )
    .is_ok());
    // No salvage from error answers.
    let c = cfg(Provider::Rfc6749, ClientAuth::Basic);
    assert!(c
        .issued_refresh_token(
            GrantKind::RefreshToken,
            &resp(400, r#"{"refresh_token":"x"}"#)
        )
        .is_none());
}

#[test]
fn error_uri_is_kept_only_when_https() {
    for (uri, want) in [
        ("javascript:alert(1)", None),
        ("http://idp.example/e", None),
        ("/errors/x", None),
        ("https://idp.example/e#x", Some("https://idp.example/e#x")),
    ] {
        let body = format!(r#"{{"error":"invalid_request","error_uri":"{uri}"}}"#);
        let e = process_token_response(
            Provider::Rfc6749,
            GrantKind::AuthorizationCode,
            &resp(400, &body),
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::OAuthError);
        assert_eq!(e.error_uri(), want, "{uri}");
    }
}

#[test]
fn jwt_exp_expiry_with_a_clock_before_1960_does_not_panic() {
    // `parseTokenResponse({ now })` takes any finite clock. With a clock more
    // than MAX_LIFETIME_MS before the epoch, the cap on a JWT `exp` was below
    // 0 and `f64::clamp(0.0, cap)` panicked (an abort in the wasm build).
    let jwt = crate::jwt::make_unsigned(r#"{"exp":1700003600}"#);
    let body = format!(r#"{{"access_token":"{jwt}","refresh_token":"rt"}}"#);
    for now in [-1e12, -MAX_LIFETIME_MS - 1.0, -8.64e15] {
        let t = process_token_response(
            Provider::Spendesk,
            GrantKind::AuthorizationCode,
            &resp(201, &body),
            now,
        )
        .unwrap();
        let at = t.expires_at.unwrap();
        assert_eq!(at, now + MAX_LIFETIME_MS);
        assert!(t.refresh_token.is_some());
    }
}

#[test]
fn client_options_debug_hides_the_client_secret() {
    let mut o = ClientOptions::new(Provider::Rfc6749);
    o.client_id = "cid";
    o.client_secret = Some("hunter2-client-secret");
    o.token_endpoint = Some("https://idp.example/token");
    let d = format!("{o:?}");
    assert!(!d.contains("hunter2-client-secret"), "{d}");
    assert!(d.contains("cid"), "{d}");
    let c = ClientConfig::new(&o).unwrap();
    assert!(!format!("{c:?}").contains("hunter2-client-secret"));
}

#[test]
fn expires_in_beyond_f64_keeps_the_rotated_refresh_token() {
    // `JSON.parse` reads 1e400 as Infinity, which is clamped like 1e306
    // (MAX_LIFETIME_MS); the native reader refused the whole answer, so a
    // native client lost the refresh token the server had just rotated.
    let body = r#"{"access_token":"a","token_type":"Bearer","expires_in":1e400,"refresh_token":"rotated"}"#;
    let t = process_token_response(
        Provider::Rfc6749,
        GrantKind::RefreshToken,
        &resp(200, body),
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(NOW + MAX_LIFETIME_MS));
    assert_eq!(
        t.refresh_token.as_ref().map(Secret::expose),
        Some("rotated")
    );
    let neg = r#"{"access_token":"a","token_type":"Bearer","expires_in":-1e400,"refresh_token":"rotated"}"#;
    let c = cfg(Provider::Rfc6749, ClientAuth::Basic);
    assert_eq!(
        c.issued_refresh_token(GrantKind::RefreshToken, &resp(200, neg))
            .as_ref()
            .map(Secret::expose),
        Some("rotated")
    );
}

#[test]
fn a_provider_without_grants_reads_answers_by_the_standard_rules() {
    // ProSpend has no token endpoint: parseTokenResponse falls back to
    // RFC 6749's rules (200 only, expires_in in seconds, VSCHAR refresh token).
    let body =
        r#"{"access_token":"at","token_type":"Bearer","expires_in":60,"refresh_token":"r t"}"#;
    let t = process_token_response(
        Provider::ProSpend,
        GrantKind::RefreshToken,
        &resp(200, body),
        NOW,
    )
    .unwrap();
    assert_eq!(t.expires_at, Some(NOW + 60_000.0));
    assert_eq!(t.refresh_token.as_ref().map(Secret::expose), Some("r t"));
    let e = process_token_response(
        Provider::ProSpend,
        GrantKind::RefreshToken,
        &resp(201, body),
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::HttpError);
    let bad = r#"{"access_token":"at","token_type":"Bearer","refresh_token":"r\r\n"}"#;
    let e = process_token_response(
        Provider::ProSpend,
        GrantKind::RefreshToken,
        &resp(200, bad),
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn codes_and_refresh_tokens_share_one_character_rule() {
    // The callback's code, a refresh token and Findity's grant code are all
    // RFC 6749 `1*VSCHAR`: each accepts exactly what is_vschars accepts.
    for v in [
        "abc", "a b", "~!", "", "a\u{1f}", "a\u{7f}", "a\r\nb", "a\0", "é",
    ] {
        let want = crate::encoding::is_vschars(v);
        assert_eq!(is_refresh_token(v), want, "{v:?}");
        let body = http::json_body(&[("code", v)]);
        let findity = process_findity_authorization_grant(&resp(200, &body)).is_ok();
        assert_eq!(findity, want, "{v:?}");
        let mut q = String::from("code=");
        crate::encoding::encode_component(v, &mut q);
        let cb = crate::callback::parse_callback_checked(&q, &Default::default()).is_ok();
        assert_eq!(cb, want, "{v:?}");
    }
}

#[test]
fn round_is_std_round_for_non_negative() {
    for x in [
        0.0,
        0.49999999999999994,
        0.5,
        1.5,
        2.5,
        2.4999,
        1e3,
        123456.5,
        4503599627370495.5,
        MAX_LIFETIME_MS,
        f64::INFINITY,
    ] {
        assert_eq!(round(x), x.round(), "{x}");
    }
}
