//! The bridge the native integration tests share: requests the core builds go
//! to the provider sandbox's sans-IO handler, its answers come back to the core.
#![allow(dead_code)]

use expense_auth::http::{HttpRequest, HttpResponse};
use expense_auth::token::{ClientConfig, Grant, TokenSet};
use expense_auth::Secret;
use expense_auth_sandbox::{Request, Response, Sandbox};

pub const BASE: &str = "http://127.0.0.1:8787";
pub const REDIRECT: &str = "http://127.0.0.1:8787/callback";
pub const START: u64 = 1_900_000_000;

pub fn now_ms(sb: &Sandbox) -> f64 {
    sb.now() as f64 * 1000.0
}

pub fn to_sandbox(r: &HttpRequest) -> Request {
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

pub fn from_sandbox(r: &Response) -> HttpResponse {
    HttpResponse {
        status: r.status,
        content_type: r.header("content-type").map(str::to_owned),
        body: String::from_utf8_lossy(&r.body).into_owned(),
    }
}

pub fn send(sb: &mut Sandbox, r: &HttpRequest) -> HttpResponse {
    from_sandbox(&sb.handle(&to_sandbox(r)))
}

pub fn location(r: &Response) -> String {
    assert_eq!(r.status, 302, "{}", r.body_str());
    r.header("location").expect("Location").to_owned()
}

/// Authorize → consent → callback, as the browser would walk it.
pub fn consent(sb: &mut Sandbox, authorize_url: &str, wallet: Option<&str>) -> String {
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

pub fn grant(sb: &mut Sandbox, c: &ClientConfig, g: Grant) -> expense_auth::Result<TokenSet> {
    let now = now_ms(sb);
    let resp = send(sb, &c.token_request(&g)?);
    c.process_token_response(g.kind(), &resp, now)
}

pub fn refresh(sb: &mut Sandbox, c: &ClientConfig, rt: &Secret) -> expense_auth::Result<TokenSet> {
    grant(
        sb,
        c,
        Grant::RefreshToken {
            refresh_token: rt.expose(),
        },
    )
}
