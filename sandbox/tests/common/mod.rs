//! Helpers shared by the integration tests (they drive `Sandbox::handle` directly).
#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use expense_auth_sandbox::{Request, Response, Sandbox};
use serde_json::Value;

pub const T0: u64 = 1_700_000_000;
/// RFC 7636 Appendix B (the real vector; the pair quoted in the brief does not verify).
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub const REDIRECT: &str = "http://127.0.0.1:5173/callback";

pub fn json(r: &Response) -> Value {
    serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): status {} {}", r.status, r.body_str()))
}

pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn dec(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap();
            out.push(h);
            i += 3;
        } else if b[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Value of a query parameter in a URL (decoded).
pub fn qp(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == name).then(|| dec(v))
    })
}

/// `Basic base64(id:secret)` with NO url-encoding (Spendesk style).
pub fn basic_plain(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// RFC 6749 §2.3.1 `Basic base64(urlencode(id):urlencode(secret))`.
pub fn basic_form(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", enc(id), enc(secret)))
    )
}

pub fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

pub fn get_auth(target: &str, auth: &str) -> Request {
    Request::get(target).with_header("Authorization", auth)
}

/// Runs authorize → consent(approve) and returns the redirect Location.
pub fn authorize_approve_location(
    sb: &mut Sandbox,
    authorize_path: &str,
    query: &str,
    consent_extra: &str,
) -> String {
    let r = sb.handle(&Request::get(&format!("{authorize_path}?{query}")));
    assert_eq!(r.status, 302, "authorize: {}", r.body_str());
    let consent = r.header("location").unwrap().to_string();
    assert!(consent.contains("/consent?request="), "{consent}");
    let page = sb.handle(&Request::get(&consent));
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let r = sb.handle(&Request::get(&format!(
        "{consent}&decision=approve{consent_extra}"
    )));
    assert_eq!(r.status, 302, "consent: {}", r.body_str());
    r.header("location").unwrap().to_string()
}

/// Standard PKCE authorize query for `client_id`.
pub fn pkce_query(client_id: &str, state: &str) -> String {
    format!(
        "client_id={client_id}&redirect_uri={}&response_type=code&state={}&scope={}&code_challenge={CHALLENGE}&code_challenge_method=S256",
        enc(REDIRECT),
        enc(state),
        enc("export:read export:write")
    )
}

/// Returns an authorization code for the given provider authorize path.
pub fn code_for(
    sb: &mut Sandbox,
    authorize_path: &str,
    client_id: &str,
    consent_extra: &str,
) -> String {
    let loc = authorize_approve_location(
        sb,
        authorize_path,
        &pkce_query(client_id, "st"),
        consent_extra,
    );
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(qp(&loc, "state").as_deref(), Some("st"));
    qp(&loc, "code").unwrap()
}

pub fn claims(jwt: &str) -> serde_json::Map<String, Value> {
    expense_auth_sandbox::jwt::verify(jwt).expect("valid sandbox JWT")
}

pub fn rt_state(sb: &mut Sandbox, t: &str) -> String {
    let r = sb.handle(&Request::get(&format!(
        "/_sandbox/refresh-token-state?token={}",
        enc(t)
    )));
    assert_eq!(r.status, 200);
    json(&r)["state"].as_str().unwrap().to_string()
}

pub fn stats(sb: &mut Sandbox) -> Value {
    json(&sb.handle(&Request::get("/_sandbox/stats")))
}
