//! The rules every request follows, whoever moves its bytes (the wasm
//! skin's JS driver, a native caller): time limits, the body cap, and where a
//! bearer token may be sent. Sans-IO: these functions only decide.
//!
//! - **Time limits**: `timeoutMs` is any positive finite number of
//!   milliseconds up to 2^31−1 (the largest delay `setTimeout` honours; above
//!   it timers fire at once); `0` or `Infinity` means no limit; anything else
//!   is refused. Default [`DEFAULT_TIMEOUT_MS`].
//! - **Body cap**: token endpoints' answers are read up to
//!   [`crate::http::MAX_BODY_LEN`] bytes, counted while reading.
//! - **Where a bearer token goes** (RFC 6750 §5.3: bearer tokens only over
//!   TLS, and only to the resource servers they are meant for): https (http
//!   only to a loopback host) and, when the caller names allowed origins (or
//!   a provider preset has an API base URL), only to those origins.

use crate::error::{Error, ErrorCode, Result};

/// Default time limit for one request (ms).
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
/// Longest time limit a JS timer honours (ms): 2^31−1.
pub const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// The time limit for `timeout_ms` as given (`None`: not given): `Some(ms)`,
/// or `None` for no limit (`0` or `Infinity`). Inlined (its
/// `Result<Option<f64>>` comes back through memory).
#[inline(always)]
pub fn timeout(timeout_ms: Option<f64>) -> Result<Option<f64>> {
    match timeout_ms {
        None => Ok(Some(DEFAULT_TIMEOUT_MS)),
        Some(t) if t == 0.0 || t == f64::INFINITY => Ok(None),
        Some(t) if t > 0.0 && t <= MAX_TIMEOUT_MS => Ok(Some(t)),
        Some(_) => Err(Error::new(
            ErrorCode::InvalidArgument,
            "timeoutMs must be 0, Infinity or in (0, 2147483647]",
        )),
    }
}

/// The origin (`scheme://host[:port]`, lower case, default port left out) of
/// an https URL, or an http URL on a loopback host. `what` names it in errors.
pub fn origin(url: &str, what: &str) -> Result<String> {
    let url = crate::url::split_once_byte(url, b'#').map_or(url, |(u, _)| u);
    // Only checked: the origin is a slice of `url` (no Endpoint copy).
    crate::url::check_endpoint(url, what)?;
    let s = url;
    let (scheme, after) = crate::url::split_once_str(s, "://").unwrap_or((s, ""));
    // `check_endpoint` refused any `#`; searching for it too shares
    // https_uri's search.
    let end = crate::http::authority_end(after);
    let mut o = s.get(..scheme.len() + 3 + end).unwrap_or(s).to_owned();
    o.make_ascii_lowercase();
    let default_port = if o.starts_with("https:") {
        ":443"
    } else {
        ":80"
    };
    if o.ends_with(default_port) {
        o.truncate(o.len() - default_port.len());
    }
    Ok(o)
}

/// Checks that a bearer token may be sent to `url`: https (http only to a
/// loopback host, else `INSECURE_URL`), and, when `allowed` is given, one of
/// those origins (else `INVALID_URL`). Checked before
/// any request is made.
pub fn check_bearer_url(url: &str, allowed: Option<&[String]>) -> Result<()> {
    let o = origin(url, "the URL")?;
    match allowed {
        Some(list) if !list.contains(&o) => Err(Error::new(
            ErrorCode::InvalidUrl,
            "origin not in allowedOrigins",
        )),
        _ => Ok(()),
    }
}

/// The allowed origins for bearer requests: each entry's origin (an entry may
/// be a whole URL). Refuses entries that are not https (or loopback http).
pub fn allowed_origins(entries: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        out.push(origin(e, "allowedOrigins")?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn timeouts() {
        assert_eq!(timeout(None), Ok(Some(30_000.0)));
        assert_eq!(timeout(Some(1.0)), Ok(Some(1.0)));
        assert_eq!(timeout(Some(0.5)), Ok(Some(0.5)));
        assert_eq!(timeout(Some(MAX_TIMEOUT_MS)), Ok(Some(MAX_TIMEOUT_MS)));
        assert_eq!(timeout(Some(0.0)), Ok(None));
        assert_eq!(timeout(Some(f64::INFINITY)), Ok(None));
        for bad in [
            -1.0,
            MAX_TIMEOUT_MS + 1.0,
            1e300,
            f64::NAN,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(
                timeout(Some(bad)).unwrap_err().code(),
                ErrorCode::InvalidArgument,
                "{bad}"
            );
        }
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://API.Example.com:443/v1?x#y", "u").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            origin("https://api.example.com:8443/v1", "u").unwrap(),
            "https://api.example.com:8443"
        );
        assert_eq!(
            origin("http://127.0.0.1:8787/pleo", "u").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(origin("http://[::1]:80/", "u").unwrap(), "http://[::1]");
        assert_eq!(
            origin("http://api.example.com/", "u").unwrap_err().code(),
            ErrorCode::InsecureUrl
        );
        assert_eq!(
            origin("not a url", "u").unwrap_err().code(),
            ErrorCode::InvalidUrl
        );
    }

    #[test]
    fn bearer_urls() {
        let allowed = allowed_origins(&["https://external.pleo.io/".into()]).unwrap();
        assert!(check_bearer_url("https://external.pleo.io/v1/expenses", Some(&allowed)).is_ok());
        assert_eq!(
            check_bearer_url("https://evil.example/v1", Some(&allowed))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidUrl
        );
        assert_eq!(
            check_bearer_url("https://external.pleo.io.evil.example/", Some(&allowed))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidUrl
        );
        assert_eq!(
            check_bearer_url("http://external.pleo.io/v1", Some(&allowed))
                .unwrap_err()
                .code(),
            ErrorCode::InsecureUrl
        );
        assert!(check_bearer_url("https://anything.example/", None).is_ok());
        assert!(check_bearer_url("http://localhost:3000/", None).is_ok());
        assert_eq!(
            check_bearer_url("http://anything.example/", None)
                .unwrap_err()
                .code(),
            ErrorCode::InsecureUrl
        );
        assert_eq!(
            allowed_origins(&["http://x.example".into()])
                .unwrap_err()
                .code(),
            ErrorCode::InsecureUrl
        );
    }
}
