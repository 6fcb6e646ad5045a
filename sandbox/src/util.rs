//! Small helpers: URL/form coding, base64, randomness, PKCE, redirect-URI rules.
//!
//! Everything here takes untrusted input and returns `Option`/`Result`; nothing panics.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

/// Standard alphabet, accepts input with or without `=` padding (clients differ).
const B64_STD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe alphabet, no padding on output, padding optional on input.
const B64_URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

pub(crate) fn b64url_encode(bytes: &[u8]) -> String {
    B64_URL_LENIENT.encode(bytes)
}

pub(crate) fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    B64_URL_LENIENT.decode(s).ok()
}

pub(crate) fn b64_std_decode(s: &str) -> Option<Vec<u8>> {
    B64_STD_LENIENT.decode(s).ok()
}

/// Splits a request target into (path, query). The query excludes the `?`.
/// A fragment (which clients should never send) is dropped.
pub(crate) fn split_target(target: &str) -> (&str, &str) {
    let target = match target.find('#') {
        Some(i) => &target[..i],
        None => target,
    };
    match target.find('?') {
        Some(i) => (&target[..i], &target[i + 1..]),
        None => (target, ""),
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `s`. With `plus_as_space`, `+` becomes a space
/// (application/x-www-form-urlencoded). Invalid escapes or non-UTF-8 → `None`.
pub(crate) fn percent_decode(s: &str, plus_as_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = hex_val(*bytes.get(i + 1)?)?;
                let lo = hex_val(*bytes.get(i + 2)?)?;
                out.push(hi * 16 + lo);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decoded `application/x-www-form-urlencoded` parameters (also used for query strings).
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a form body / query string. Bad percent escapes → `Err`.
    pub(crate) fn parse(s: &str) -> Result<Params, String> {
        let mut out = Vec::new();
        for pair in s.split('&') {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = match pair.find('=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, ""),
            };
            let k = percent_decode(k, true)
                .ok_or_else(|| "malformed percent-encoding in parameter name".to_string())?;
            let v = percent_decode(v, true).ok_or_else(|| {
                format!("malformed percent-encoding in parameter {}", printable(&k))
            })?;
            out.push((k, v));
        }
        Ok(Params(out))
    }

    /// First non-empty value. RFC 6749 §3.1: "Parameters sent without a value
    /// MUST be treated as if they were omitted from the request."
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn count(&self, key: &str) -> usize {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.is_empty())
            .count()
    }

    /// RFC 6749 §3.1/§3.2: "Request and response parameters MUST NOT be included
    /// more than once." Returns the first repeated name.
    pub(crate) fn repeated(&self) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| !v.is_empty() && self.count(k) > 1)
            .map(|(k, _)| k.as_str())
    }
}

/// A short, printable, log/HTML-safe rendering of an untrusted string.
pub(crate) fn printable(s: &str) -> String {
    let mut out: String = s.chars().take(64).filter(|c| !c.is_control()).collect();
    if s.chars().count() > 64 {
        out.push('…');
    }
    out
}

pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills `buf` from the OS RNG. If the OS RNG is unavailable (it should never be), falls
/// back to hashing a counter and the time so the handler still never panics.
pub(crate) fn fill_random(buf: &mut [u8]) {
    if getrandom::fill(buf).is_ok() {
        return;
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    #[cfg(not(target_arch = "wasm32"))]
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    // wasm32-unknown-unknown has no SystemTime (it would panic).
    #[cfg(target_arch = "wasm32")]
    let nanos = u128::from(crate::unix_now_secs());
    for (i, chunk) in buf.chunks_mut(32).enumerate() {
        let mut h = Sha256::new();
        h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
        h.update(nanos.to_le_bytes());
        h.update((i as u64).to_le_bytes());
        let d = h.finalize();
        chunk.copy_from_slice(&d[..chunk.len()]);
    }
}

/// Opaque URL-safe random string: 32 random bytes → 43 base64url characters.
pub(crate) fn random_token() -> String {
    let mut b = [0u8; 32];
    fill_random(&mut b);
    b64url_encode(&b)
}

/// `n` random bytes as lowercase hex (Findity codes: 16 bytes → 32 hex chars).
pub(crate) fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    fill_random(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// RFC 7636 §4.2: `code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`.
pub(crate) fn pkce_s256(verifier: &str) -> String {
    b64url_encode(&Sha256::digest(verifier.as_bytes()))
}

/// RFC 7636 §4.1/§4.2: 43–128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
pub(crate) fn is_pkce_string(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Constant-time-ish equality for secrets (length leak is acceptable here).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Sandbox redirect-URI rule: any `https://` URI with a host, or `http://` only on a
/// loopback host (`127.0.0.1`, `[::1]`, `localhost`). No fragment (RFC 6749 §3.1.2:
/// "The endpoint URI MUST NOT include a fragment component"), no userinfo, no whitespace.
///
/// Spendesk docs (spendesk-authentication.txt): "redirect_uri should start with https
/// ... (often on localhost for development purposes)".
pub(crate) fn validate_redirect_uri(uri: &str) -> Result<(), &'static str> {
    if uri.len() > 2048 {
        return Err("redirect_uri is too long");
    }
    if uri
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '#')
    {
        return Err("redirect_uri must not contain whitespace, control characters or a fragment");
    }
    let lower = uri.to_ascii_lowercase();
    let (https, rest) = if let Some(r) = lower.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(
            "redirect_uri must be an absolute https:// URI (or http:// on a loopback host)",
        );
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.contains('@') {
        return Err("redirect_uri must not contain userinfo");
    }
    let host = if authority.starts_with('[') {
        match authority.find(']') {
            Some(i) => {
                let port = &authority[i + 1..];
                if !(port.is_empty() || valid_port(port)) {
                    return Err("redirect_uri has an invalid port");
                }
                &authority[..=i]
            }
            None => return Err("redirect_uri has a malformed IPv6 host"),
        }
    } else {
        match authority.rfind(':') {
            Some(i) => {
                if !valid_port(&authority[i..]) {
                    return Err("redirect_uri has an invalid port");
                }
                &authority[..i]
            }
            None => authority,
        }
    };
    if host.is_empty() {
        return Err("redirect_uri has no host");
    }
    if https {
        return Ok(());
    }
    match host {
        "127.0.0.1" | "[::1]" | "localhost" => Ok(()),
        _ => Err(
            "http:// redirect_uri is only allowed on a loopback host (127.0.0.1, [::1], localhost)",
        ),
    }
}

/// `port` includes the leading ':'.
fn valid_port(port: &str) -> bool {
    let Some(digits) = port.strip_prefix(':') else {
        return false;
    };
    !digits.is_empty()
        && digits.len() <= 5
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u32>().map(|p| p <= 65535).unwrap_or(false)
}

/// Appends query parameters to a redirect URI, keeping its existing query
/// (RFC 6749 §3.1.2: the endpoint URI "MAY include an application/x-www-form-urlencoded
/// formatted query component, which MUST be retained when adding additional query
/// parameters").
pub(crate) fn append_query(uri: &str, params: &[(&str, &str)]) -> String {
    let mut out = uri.to_string();
    for (k, v) in params {
        if out.contains('?') {
            if !(out.ends_with('?') || out.ends_with('&')) {
                out.push('&');
            }
        } else {
            out.push('?');
        }
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// Content-Type without parameters, lowercased.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B: verifier `dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk` (base64url
    /// of the octets 116, 24, 223, 180, ...) → challenge
    /// `E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM` (base64url of 19, 211, 30, 150, ...).
    #[test]
    fn rfc7636_appendix_b() {
        let octets = [
            116u8, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = b64url_encode(&octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            pkce_s256(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(is_pkce_string(&verifier));
        // The pair quoted in the project brief ("...-mJ92K9zr1l..." / "...hVgxaqbrq...") is
        // NOT the RFC vector and does not verify; guard against it creeping back in.
        assert_ne!(
            pkce_s256("dBjftJeZ4CVP-mJ92K9zr1lWtuw6UH4lu9sAJbSLkuI"),
            "E9Melhoa2OwvhVgxaqbrq-1d-r9x2KgA2KWMpWkHqPgM"
        );
        assert!(!is_pkce_string("short"));
        assert!(!is_pkce_string(&"a".repeat(129)));
        assert!(!is_pkce_string(&format!("{}+", "a".repeat(43))));
    }

    #[test]
    fn form_decoding() {
        let p = Params::parse("a=1&b=x+y%2Bz&c=&d&a=2").unwrap();
        assert_eq!(p.get("b"), Some("x y+z"));
        assert_eq!(p.get("c"), None);
        assert_eq!(p.get("d"), None);
        assert_eq!(p.repeated(), Some("a"));
        assert!(Params::parse("a=%zz").is_err());
        assert!(Params::parse("a=%ff").is_err()); // not UTF-8
        assert!(Params::parse("a=%4").is_err());
    }

    #[test]
    fn redirect_rules() {
        for ok in [
            "https://app.example.com/cb",
            "https://app.example.com:8443/cb?x=1",
            "http://127.0.0.1:5173/cb",
            "http://localhost/cb",
            "http://[::1]:8080/cb",
            "HTTP://LOCALHOST:3000",
        ] {
            assert!(validate_redirect_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/cb",
            "http://localhost.evil.com/cb",
            "http://127.0.0.1@evil.com/cb",
            "https://app.example.com/cb#frag",
            "ftp://x/y",
            "/relative",
            "https:///nohost",
            "http://127.0.0.1:99999/",
            "http://127.0.0.2/",
            "javascript:alert(1)",
            "https://a b/",
        ] {
            assert!(validate_redirect_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn append_keeps_query() {
        assert_eq!(
            append_query("https://a/cb?x=1", &[("code", "c d"), ("state", "s&t")]),
            "https://a/cb?x=1&code=c%20d&state=s%26t"
        );
        assert_eq!(
            append_query("https://a/cb", &[("code", "c")]),
            "https://a/cb?code=c"
        );
    }

    #[test]
    fn randoms() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, random_token());
        let h = random_hex(16);
        assert_eq!(h.len(), 32);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
