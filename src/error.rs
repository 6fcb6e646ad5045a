//! One error type for the whole crate, with stable string codes.
//!
//! Every failure the library reports is an [`Error`] whose [`ErrorCode`] has a
//! stable string form (`Error::code().as_str()`), so that callers in Rust and in
//! JavaScript (where it becomes `err.code`) can branch on it. Messages are for
//! humans and may change; codes do not.
//!
//! Messages never contain tokens, codes, verifiers or client secrets: the
//! constructors here take only descriptions of *what* was wrong, and server
//! answers contribute only their `error` / `error_description` / `error_uri`
//! fields (which servers send to be shown), truncated.

use core::fmt;

/// Stable error codes. The string forms (see [`ErrorCode::as_str`]) are part of
/// the public API and never change meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An argument is missing, of the wrong type, or out of range.
    InvalidArgument,
    /// A PKCE code verifier is not 43–128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
    InvalidCodeVerifier,
    /// A URL could not be parsed, or has a fragment where none is allowed.
    InvalidUrl,
    /// A URL uses `http:` (or another scheme) for a non-loopback host.
    InsecureUrl,
    /// A parameter appears more than once (RFC 6749 §3.1), or an extra
    /// parameter tries to override one the library sets.
    DuplicateParameter,
    /// The callback's `state` does not match the expected one.
    StateMismatch,
    /// The callback carries no `state` but one was expected.
    MissingState,
    /// The callback carries neither `code` nor `error`.
    MissingCode,
    /// The authorization server redirected back with `error=` (RFC 6749 §4.1.2.1).
    AuthorizationError,
    /// A token is not a well-formed JWT (segments, base64url, JSON object).
    InvalidJwt,
    /// A JWT lacks the claim that was asked for.
    MissingClaim,
    /// The platform's CSPRNG failed.
    RandomUnavailable,
    /// The token endpoint (or another server) answered with an OAuth error
    /// body (`error`, `error_description`) or Spendesk's `errors[]` body.
    OAuthError,
    /// The refresh token is gone (invalid_grant, or Spendesk's 401/403 on
    /// refresh): the user must connect again.
    ReconnectRequired,
    /// The server answered with an unexpected HTTP status and no usable error body.
    HttpError,
    /// A 5xx answer.
    ServerError,
    /// The answer was not what the protocol says (not JSON, not an object,
    /// missing `access_token`, wrong `token_type`, bad `expires_in`).
    InvalidResponse,
    /// The answer's body is larger than the library accepts.
    ResponseTooLarge,
    /// The server answered with a redirect where none is expected.
    UnexpectedRedirect,
    /// `fetch` failed: DNS, connection refused or reset, CORS.
    NetworkError,
    /// The request took longer than the configured timeout.
    Timeout,
    /// The caller's `AbortSignal` aborted the request.
    Aborted,
    /// An API answered 401 to a request made with the access token.
    Unauthorized,
    /// A static token (ProSpend) has expired.
    TokenExpired,
    /// A flow that needs a client secret was called in a browser page
    /// without the explicit opt-in.
    SecretInBrowser,
    /// The app's token store callback failed; the new tokens were not saved.
    StoreFailed,
    /// The session has no refresh token and its access token is expired.
    NoRefreshToken,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidCodeVerifier,
        ErrorCode::InvalidUrl,
        ErrorCode::InsecureUrl,
        ErrorCode::DuplicateParameter,
        ErrorCode::StateMismatch,
        ErrorCode::MissingState,
        ErrorCode::MissingCode,
        ErrorCode::AuthorizationError,
        ErrorCode::InvalidJwt,
        ErrorCode::MissingClaim,
        ErrorCode::RandomUnavailable,
        ErrorCode::OAuthError,
        ErrorCode::ReconnectRequired,
        ErrorCode::HttpError,
        ErrorCode::ServerError,
        ErrorCode::InvalidResponse,
        ErrorCode::ResponseTooLarge,
        ErrorCode::UnexpectedRedirect,
        ErrorCode::NetworkError,
        ErrorCode::Timeout,
        ErrorCode::Aborted,
        ErrorCode::Unauthorized,
        ErrorCode::TokenExpired,
        ErrorCode::SecretInBrowser,
        ErrorCode::StoreFailed,
        ErrorCode::NoRefreshToken,
    ];

    /// The code whose string form is `s` (the inverse of [`ErrorCode::as_str`]).
    // A plain loop: `iter().find` is its own generic instance in the wasm.
    #[allow(clippy::manual_find)]
    pub fn from_code(s: &str) -> Option<ErrorCode> {
        for &c in Self::ALL {
            if c.as_str() == s {
                return Some(c);
            }
        }
        None
    }

    /// The stable string form, e.g. `"STATE_MISMATCH"`.
    pub const fn as_str(self) -> &'static str {
        // Cut from one string, found by counting its spaces: a `match` was
        // a (pointer, length) pair per code in the wasm's data, a table of
        // where each ends 54 bytes more.
        let b = CODES.as_bytes();
        let (mut i, mut start, mut n) = (0, 0, self as usize);
        while i < b.len() {
            if b[i] == b' ' {
                if n == 0 {
                    break;
                }
                n -= 1;
                start = i + 1;
            }
            i += 1;
        }
        let (_, rest) = b.split_at(start);
        let (s, _) = rest.split_at(i - start);
        match core::str::from_utf8(s) {
            Ok(s) => s,
            Err(_) => "",
        }
    }
}

/// Every code's string form, in declaration order, one space after each.
const CODES: &str = "INVALID_ARGUMENT \
     INVALID_CODE_VERIFIER \
     INVALID_URL \
     INSECURE_URL \
     DUPLICATE_PARAMETER \
     STATE_MISMATCH \
     MISSING_STATE \
     MISSING_CODE \
     AUTHORIZATION_ERROR \
     INVALID_JWT \
     MISSING_CLAIM \
     RANDOM_UNAVAILABLE \
     OAUTH_ERROR \
     RECONNECT_REQUIRED \
     HTTP_ERROR \
     SERVER_ERROR \
     INVALID_RESPONSE \
     RESPONSE_TOO_LARGE \
     UNEXPECTED_REDIRECT \
     NETWORK_ERROR \
     TIMEOUT \
     ABORTED \
     UNAUTHORIZED \
     TOKEN_EXPIRED \
     SECRET_IN_BROWSER \
     STORE_FAILED \
     NO_REFRESH_TOKEN ";

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest server-supplied text kept in an error (bytes, cut on a char boundary).
const MAX_SERVER_TEXT: usize = 512;

/// A failure, with a stable [`ErrorCode`], a human message, and — for answers
/// from a server — the HTTP status and the OAuth `error` fields.
///
/// Boxed: a `Result<T, Error>` is then no bigger than `T` plus a pointer, so
/// the many `Result`s the crate moves around stay small (in wasm, every move
/// of the unboxed 56 bytes was code).
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    code: ErrorCode,
    message: String,
    status: Option<u16>,
    error: Option<String>,
    error_description: Option<String>,
    error_uri: Option<String>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        f.debug_struct("Error")
            .field("code", &e.code)
            .field("message", &e.message)
            .field("status", &e.status)
            .field("error", &e.error)
            .field("error_description", &e.error_description)
            .field("error_uri", &e.error_uri)
            .finish()
    }
}

impl Error {
    /// A new error. `message` must not contain secrets.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::of(code, message.into())
    }

    /// [`Error::new`] without the generic: one copy of the boxing.
    #[inline(never)]
    fn of(code: ErrorCode, message: String) -> Self {
        Error(Box::new(Inner {
            code,
            message,
            status: None,
            error: None,
            error_description: None,
            error_uri: None,
        }))
    }

    /// An error whose message is `subject` then `problem`, e.g.
    /// `("redirectUri", " must be https")`: one shared constructor for the
    /// many messages that name what they are about.
    #[inline(never)]
    pub(crate) fn about(code: ErrorCode, subject: &str, problem: &str) -> Self {
        let mut m = subject.to_owned();
        m.push_str(problem);
        Error::of(code, m)
    }

    /// Attaches the HTTP status of the answer that caused it.
    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Attaches the server's `error`, `error_description` and `error_uri`
    /// (each truncated to a sane length).
    pub fn with_server_error(
        mut self,
        error: Option<&str>,
        description: Option<&str>,
        uri: Option<&str>,
    ) -> Self {
        // Written in place (no Option<String> returned through memory).
        keep(&mut self.0.error, error);
        keep(&mut self.0.error_description, description);
        keep(&mut self.0.error_uri, uri);
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The HTTP status, for errors caused by a server's answer.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// The server's OAuth `error` code (or Spendesk's `errors[0].code`).
    #[inline]
    pub fn error(&self) -> Option<&str> {
        text(&self.0.error)
    }
    /// The server's `error_description` (or Spendesk's `errors[0].detail`).
    #[inline]
    pub fn error_description(&self) -> Option<&str> {
        text(&self.0.error_description)
    }
    /// The server's `error_uri`.
    #[inline]
    pub fn error_uri(&self) -> Option<&str> {
        text(&self.0.error_uri)
    }
}

/// `s.as_deref()`, once for the three server fields.
fn text(s: &Option<String>) -> Option<&str> {
    s.as_deref()
}

/// `slot` = `s` [`truncate`]d, or `None`.
#[inline(never)]
fn keep(slot: &mut Option<String>, s: Option<&str>) {
    *slot = s.map(truncate);
}

/// `s`, cut to [`MAX_SERVER_TEXT`] bytes (on a char boundary) and marked `…`.
pub(crate) fn truncate(s: &str) -> String {
    let mut end = s.len().min(MAX_SERVER_TEXT);
    // Back to a char boundary (one check: `get` makes it).
    let head = loop {
        match s.get(..end) {
            Some(h) => break h,
            None => end -= 1,
        }
    };
    let mut out = head.to_owned();
    if end < s.len() {
        out.push('…');
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn codes_are_stable_strings() {
        assert_eq!(ErrorCode::StateMismatch.as_str(), "STATE_MISMATCH");
        assert_eq!(ErrorCode::ReconnectRequired.as_str(), "RECONNECT_REQUIRED");
        let e = Error::new(ErrorCode::InvalidJwt, "bad").with_status(400);
        assert_eq!(e.to_string(), "INVALID_JWT: bad");
        assert_eq!(e.status(), Some(400));
    }

    #[test]
    fn every_code_round_trips_through_its_string() {
        assert_eq!(ErrorCode::ALL.len(), 27);
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(c.as_str()), Some(*c));
        }
        assert_eq!(ErrorCode::from_code("NOPE"), None);
    }

    #[test]
    fn server_text_is_truncated_on_char_boundary() {
        let long = "é".repeat(600);
        let e = Error::new(ErrorCode::OAuthError, "x").with_server_error(Some(&long), None, None);
        let got = e.error().unwrap_or_default();
        assert!(got.len() <= MAX_SERVER_TEXT + '…'.len_utf8());
        assert!(got.ends_with('…'));
    }
}
