//! HTTP requests and responses as plain data: the core builds the former and
//! reads the latter; the skin (or a native caller) moves them over the wire.

use crate::error::{Error, ErrorCode, Result};
use core::fmt;

/// Largest response body read (bytes). Token answers are a few hundred bytes;
/// a body larger than this is refused with `RESPONSE_TOO_LARGE`.
pub const MAX_BODY_LEN: usize = 256 * 1024;

/// `application/x-www-form-urlencoded` (RFC 6749 §4.1.3 and others).
pub const FORM: &str = "application/x-www-form-urlencoded;charset=UTF-8";
/// `application/json`.
pub const JSON: &str = "application/json";

/// A request to send. `Debug` hides header values and the body, which carry
/// secrets (Basic credentials, codes, refresh tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(&'static str, String)>,
    /// The body, if any.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| *k).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body", &self.body.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// A response received.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status. `0` stands for a browser's opaque redirect.
    pub status: u16,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// The body as text.
    pub body: String,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// `Basic base64(user ":" password)` (RFC 7617 §2).
pub fn basic_auth(user: &str, password: &str) -> String {
    let mut s = String::from(user);
    s.push(':');
    s.push_str(password);
    basic(&s)
}

/// RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded before
/// they go into HTTP Basic.
pub fn basic_auth_rfc6749(client_id: &str, client_secret: &str) -> String {
    let mut s = String::new();
    crate::encoding::encode_form_component(client_id, &mut s);
    s.push(':');
    crate::encoding::encode_form_component(client_secret, &mut s);
    basic(&s)
}

/// `Basic base64(credentials)`.
fn basic(credentials: &str) -> String {
    let mut out = String::from("Basic ");
    out.push_str(&crate::encoding::b64_standard(credentials.as_bytes()));
    out
}

/// A JSON object of string members, for the providers that take JSON bodies.
pub fn json_body(pairs: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(k, &mut out);
        out.push(':');
        json_string(v, &mut out);
    }
    out.push('}');
    out
}

/// Appends `s` as a JSON string literal (RFC 8259 §7): `"` and `\` escaped
/// by a backslash, control characters as `\u00XX` (no short forms: one path).
/// Escapes are all ASCII, so the text between them is copied as whole `str`
/// runs (no `char` decoding).
pub fn json_string(s: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(s.get(start..i).unwrap_or(""));
        if b < 0x20 {
            // `b < 0x20`: the high digit is 0 or 1; the low one 0-9 or a-f.
            let lo = b & 15;
            out.push_str(if b < 16 { "\\u000" } else { "\\u001" });
            out.push(char::from(lo + if lo < 10 { b'0' } else { b'a' - 10 }));
        } else {
            out.push('\\');
            out.push(b as char);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
    out.push('"');
}

/// Where the authority that starts `s` ends: at the first `/`, `?` or `#`,
/// else the end. Inlined into its two callers (one class search each).
#[inline(always)]
pub(crate) fn authority_end(s: &str) -> usize {
    crate::url::find_in(s, crate::url::END).unwrap_or(s.len())
}

/// `uri` if it is an absolute `https:` URL made of RFC 6749 §5.2 `error_uri`
/// characters (%x21 / %x23-5B / %x5D-7E) with a host: the only `error_uri`
/// passed on to callers, who may show it as a link (`javascript:`, `data:`,
/// `http:` and relative references are dropped).
pub fn https_uri(uri: &str) -> Option<&str> {
    use crate::url::find_byte;
    let rest = uri.get(8..)?;
    let authority = rest.get(..authority_end(rest))?;
    // %x21-7E (an access token's bytes) less `"` and `\`.
    (uri.get(..8)?.eq_ignore_ascii_case("https://")
        && crate::url::all_in(uri, crate::url::NQCHAR)
        && uri.len() <= crate::url::MAX_URL_LEN
        && !authority.is_empty()
        && find_byte(authority, b'@').is_none())
    .then_some(uri)
}

/// Checks a body's size against [`MAX_BODY_LEN`].
pub fn check_body_len(len: usize) -> Result<()> {
    if len > MAX_BODY_LEN {
        Err(Error::new(
            ErrorCode::ResponseTooLarge,
            "response body over 256 KiB",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn spendesk_documented_basic_value() {
        // spendesk-authentication.txt: "my_id:my_secret" -> "bXlfaWQ6bXlfc2VjcmV0"
        assert_eq!(
            basic_auth("my_id", "my_secret"),
            "Basic bXlfaWQ6bXlfc2VjcmV0"
        );
    }

    #[test]
    fn rfc6749_basic_form_encodes_first() {
        // "a+b" / "c:d é" -> "a%2Bb:c%3Ad+%C3%A9"
        assert_eq!(
            basic_auth_rfc6749("a+b", "c:d é"),
            basic_auth("a%2Bb", "c%3Ad+%C3%A9")
        );
        assert_eq!(
            basic_auth_rfc6749("plain", "secret"),
            basic_auth("plain", "secret")
        );
    }

    #[test]
    fn json_bodies_escape() {
        assert_eq!(
            json_body(&[("a", "x\"y\\z\n\u{1}"), ("b", "é")]),
            "{\"a\":\"x\\\"y\\\\z\\u000a\\u0001\",\"b\":\"é\"}"
        );
    }

    #[test]
    fn error_uri_must_be_absolute_https() {
        for ok in [
            "https://d",
            "https://idp.example/errors#invalid_grant",
            "HTTPS://a.b/x?y=1",
        ] {
            assert_eq!(https_uri(ok), Some(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "http://idp.example/e",
            "data:text/html,x",
            "/relative",
            "https://",
            "https:///path",
            "https://user@evil.example/",
            "https://a.b/has space",
            "https://a.b/\\x",
            "https://a.b/\"q",
            "https://a.b/\u{e9}",
            "https://a.b/\n",
        ] {
            assert_eq!(https_uri(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn debug_redacts() {
        let r = HttpRequest {
            method: "POST",
            url: "https://a.b/token".into(),
            headers: vec![("authorization", basic_auth("id", "SECRET"))],
            body: Some("refresh_token=RT".into()),
        };
        let d = format!("{r:?}");
        assert!(
            !d.contains("SECRET") && !d.contains("RT") && !d.contains(&basic_auth("id", "SECRET"))
        );
    }
}
