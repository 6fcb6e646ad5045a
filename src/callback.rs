//! The redirect back from the authorization server (RFC 6749 §4.1.2).

use crate::encoding::parse_query;
use crate::error::{Error, ErrorCode, Result};
use crate::state::constant_time_eq;
use crate::url::{query_of, MAX_URL_LEN};

/// A successful authorization response.
#[derive(Clone, PartialEq, Eq)]
pub struct Callback {
    /// The authorization `code` (single use; a secret until exchanged).
    pub code: crate::secret::Secret,
    /// The `state` the server sent back, if any.
    pub state: Option<String>,
}

impl core::fmt::Debug for Callback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Callback")
            .field("code", &self.code)
            .field("state", &self.state)
            .finish()
    }
}

/// Parameters that must appear at most once (RFC 6749 §3.1: "Request and
/// response parameters MUST NOT be included more than once").
const SINGLE: &[&str] = &[
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "iss",
];

/// Parses a callback URL (or its query, with or without `?`), checks `state`
/// against `expected_state`, and returns the code.
///
/// Order of checks: duplicated parameters; then `state` (a mismatch is
/// reported even on an error response, since such a response was not meant for
/// this request); then `error=` (RFC 6749 §4.1.2.1); then a missing `code`.
///
/// `expected_state: None` means the request carried no `state`; then any
/// `state` in the callback is returned unchecked.
pub fn parse_callback(input: &str, expected_state: Option<&str>) -> Result<Callback> {
    if input.len() > MAX_URL_LEN {
        return Err(Error::new(
            ErrorCode::InvalidUrl,
            "the callback URL is longer than 8 KiB",
        ));
    }
    let params = parse_query(query_of(input));
    for name in SINGLE {
        if params.iter().filter(|(k, _)| k == name).count() > 1 {
            return Err(Error::new(
                ErrorCode::DuplicateParameter,
                [
                    "the callback carries \"",
                    name,
                    "\" more than once (RFC 6749 §3.1)",
                ]
                .concat(),
            ));
        }
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };

    let state = get("state");
    if let Some(expected) = expected_state {
        match state {
            None => {
                return Err(Error::new(
                    ErrorCode::MissingState,
                    "the callback carries no state, but one was sent with the request",
                ))
            }
            Some(s) if !constant_time_eq(s, expected) => {
                return Err(Error::new(
                    ErrorCode::StateMismatch,
                    "the callback's state does not match the one sent with the request",
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(err) = get("error") {
        let desc = get("error_description");
        let msg = match desc {
            Some(d) if !d.is_empty() => ["authorization failed: ", err, ": ", d].concat(),
            _ => ["authorization failed: ", err].concat(),
        };
        // Cap what a server-sent string can put in our message.
        let msg: String = msg.chars().take(600).collect();
        return Err(
            Error::new(ErrorCode::AuthorizationError, msg).with_server_error(
                Some(err),
                desc,
                get("error_uri"),
            ),
        );
    }
    match get("code") {
        Some(code) if !code.is_empty() => Ok(Callback {
            code: code.into(),
            state: state.map(str::to_owned),
        }),
        _ => Err(Error::new(
            ErrorCode::MissingCode,
            "the callback carries neither a code nor an error",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn callback_table() {
        let s = Some("xyz");
        type Want<'a> = core::result::Result<(&'a str, Option<&'a str>), ErrorCode>;
        let table: &[(&str, Option<&str>, Want)] = &[
            (
                "https://app/cb?code=abc&state=xyz",
                s,
                Ok(("abc", Some("xyz"))),
            ),
            ("?code=a%20b&state=xyz", s, Ok(("a b", Some("xyz")))),
            ("code=abc&state=xyz#frag", s, Ok(("abc", Some("xyz")))),
            ("https://app/cb?code=abc", None, Ok(("abc", None))),
            (
                "https://app/cb?code=abc&state=zzz",
                None,
                Ok(("abc", Some("zzz"))),
            ),
            (
                "https://app/cb?code=abc&state=xyz&iss=x",
                s,
                Ok(("abc", Some("xyz"))),
            ),
            (
                "https://app/cb?code=abc&state=xya",
                s,
                Err(ErrorCode::StateMismatch),
            ),
            (
                "https://app/cb?code=abc&state=",
                s,
                Err(ErrorCode::StateMismatch),
            ),
            ("https://app/cb?code=abc", s, Err(ErrorCode::MissingState)),
            ("https://app/cb?state=xyz", s, Err(ErrorCode::MissingCode)),
            (
                "https://app/cb?state=xyz&code=",
                s,
                Err(ErrorCode::MissingCode),
            ),
            ("https://app/cb", None, Err(ErrorCode::MissingCode)),
            (
                "https://app/cb?code=a&code=b&state=xyz",
                s,
                Err(ErrorCode::DuplicateParameter),
            ),
            (
                "https://app/cb?code=a&state=xyz&state=xyz",
                s,
                Err(ErrorCode::DuplicateParameter),
            ),
            (
                "https://app/cb?error=access_denied&state=xyz",
                s,
                Err(ErrorCode::AuthorizationError),
            ),
            (
                "https://app/cb?error=access_denied&state=bad",
                s,
                Err(ErrorCode::StateMismatch),
            ),
            (
                "https://app/cb?error=x&error=y&state=xyz",
                s,
                Err(ErrorCode::DuplicateParameter),
            ),
        ];
        for (input, expected, want) in table {
            let got = parse_callback(input, *expected)
                .map(|c| (c.code.expose().to_owned(), c.state))
                .map_err(|e| e.code());
            let want = want.map(|(c, s)| (c.to_owned(), s.map(str::to_owned)));
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn error_fields_are_carried() {
        let e = parse_callback(
            "https://app/cb?error=access_denied&error_description=User+said+no&error_uri=https%3A%2F%2Fdocs&state=s",
            Some("s"),
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::AuthorizationError);
        assert_eq!(e.error(), Some("access_denied"));
        assert_eq!(e.error_description(), Some("User said no"));
        assert_eq!(e.error_uri(), Some("https://docs"));
        assert!(e.message().contains("User said no"));
    }

    #[test]
    fn messages_do_not_echo_code_or_state() {
        let e =
            parse_callback("?code=SECRETCODE&state=attacker", Some("expectedSTATE")).unwrap_err();
        assert!(!e.message().contains("SECRETCODE"));
        assert!(!e.message().contains("expectedSTATE"));
        assert!(!format!("{e:?}").contains("SECRETCODE"));
    }
}
