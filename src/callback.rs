//! The redirect back from the authorization server (RFC 6749 §4.1.2).

use crate::encoding::decode_form_component;
use crate::error::{truncate, Error, ErrorCode, Result};
use crate::state::constant_time_eq;
use crate::url::{query_of, split_byte, split_once_byte, MAX_URL_LEN};

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

/// What a callback is checked against.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallbackChecks<'a> {
    /// The `state` sent with the request; `None` when the request carried
    /// none (then any `state` in the callback is returned unchecked). An
    /// empty expected state is refused (`INVALID_ARGUMENT`): it would match a
    /// callback whose `state=` is empty, which anyone can forge.
    pub expected_state: Option<&'a str>,
    /// The authorization server's issuer identifier, when known (RFC 9207 §2.4):
    /// an `iss` parameter that differs is refused (`INVALID_RESPONSE`), which
    /// stops mix-up attacks between several servers sharing a redirect URI.
    pub expected_issuer: Option<&'a str>,
    /// Whether the server is known to send `iss` (its metadata says
    /// `authorization_response_iss_parameter_supported`): then a callback
    /// without `iss` is refused too. Needs `expected_issuer`.
    pub issuer_required: bool,
}

/// Parses a callback URL (or its query, with or without `?`), checks `state`
/// against `expected_state`, and returns the code. Same as
/// [`parse_callback_checked`] without issuer checks.
pub fn parse_callback(input: &str, expected_state: Option<&str>) -> Result<Callback> {
    parse_callback_checked(
        input,
        &CallbackChecks {
            expected_state,
            ..CallbackChecks::default()
        },
    )
}

/// Parses a callback URL (or its query, with or without `?`) and checks it.
///
/// Order of checks: an empty expected state (`INVALID_ARGUMENT`); duplicated
/// parameters; then `state` (a mismatch is reported even on an error
/// response, since such a response was not meant for this request); then
/// `iss` (RFC 9207 §2.4: on success and error responses alike); then
/// `error=` (RFC 6749 §4.1.2.1); then a missing `code`, and a `code` with
/// characters outside RFC 6749 A.11 `VSCHAR` (%x20-7E: NUL, CR, LF and other
/// control or non-ASCII characters) → `INVALID_URL`.
pub fn parse_callback_checked(input: &str, checks: &CallbackChecks) -> Result<Callback> {
    let fail = |code, msg: &str| Err(Error::new(code, msg));
    if checks.expected_state.is_some_and(str::is_empty) {
        return fail(
            ErrorCode::InvalidArgument,
            "expectedState must not be empty",
        );
    }
    if checks.issuer_required && checks.expected_issuer.is_none() {
        return fail(
            ErrorCode::InvalidArgument,
            "issuerRequired needs expectedIssuer",
        );
    }
    if input.len() > MAX_URL_LEN {
        return fail(ErrorCode::InvalidUrl, "callback URL over 8 KiB");
    }
    // The (still encoded) values of the SINGLE parameters, in that order;
    // others are ignored.
    let mut got: [Option<&str>; 6] = [None; 6];
    for p in split_byte(query_of(input), b'&') {
        let (k, v) = split_once_byte(p, b'=').unwrap_or((p, ""));
        let k = decode_form_component(k);
        // A plain loop (no `Iterator::position` instance).
        let mut i = 0;
        while i < SINGLE.len() {
            if SINGLE[i] == k {
                if got[i].is_some() {
                    return Err(Error::about(
                        ErrorCode::DuplicateParameter,
                        SINGLE[i],
                        " is repeated in the callback",
                    ));
                }
                got[i] = Some(v);
            }
            i += 1;
        }
    }
    let get = |i: usize| got[i].map(decode_form_component);
    if let Some(expected) = checks.expected_state {
        match get(1) {
            None => return fail(ErrorCode::MissingState, "no state in the callback"),
            Some(s) if !constant_time_eq(&s, expected) => {
                return fail(ErrorCode::StateMismatch, "state does not match")
            }
            Some(_) => {}
        }
    }
    if let Some(issuer) = checks.expected_issuer {
        match get(5) {
            // RFC 9207 §2.4: compared by simple string comparison.
            Some(iss) if iss != issuer => {
                return fail(ErrorCode::InvalidResponse, "iss is not the expected issuer")
            }
            None if checks.issuer_required => {
                return fail(ErrorCode::InvalidResponse, "no iss in the callback")
            }
            _ => {}
        }
    }
    if let Some(err) = get(2) {
        let description = get(3);
        let mut msg = String::from("authorization failed: ");
        msg.push_str(&err);
        if let Some(d) = description.as_deref() {
            if !d.is_empty() {
                msg.push_str(": ");
                msg.push_str(d);
            }
        }
        // Cap what a server-sent string can put in our message.
        return Err(
            Error::new(ErrorCode::AuthorizationError, truncate(&msg)).with_server_error(
                Some(&err),
                description.as_deref(),
                get(4).as_deref().and_then(crate::http::https_uri),
            ),
        );
    }
    match get(0) {
        Some(code) if crate::encoding::is_vschars(&code) => Ok(Callback {
            code: code.into(),
            state: get(1),
        }),
        Some(code) if !code.is_empty() => {
            fail(ErrorCode::InvalidUrl, "code has invalid characters")
        }
        _ => fail(ErrorCode::MissingCode, "no code in the callback"),
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
    fn empty_expected_state_and_bad_codes_are_refused() {
        let code = |input: &str, st: Option<&str>| parse_callback(input, st).unwrap_err().code();
        assert_eq!(
            code("?code=abc&state=", Some("")),
            ErrorCode::InvalidArgument
        );
        assert_eq!(code("?code=abc", Some("")), ErrorCode::InvalidArgument);
        for bad in ["a%00b", "a%0Db", "a%0A", "%7F", "caf%C3%A9", "x%09y"] {
            assert_eq!(
                code(&format!("?code={bad}&state=s"), Some("s")),
                ErrorCode::InvalidUrl,
                "{bad}"
            );
        }
        assert!(parse_callback("?code=a~b.c-d_e%2Ff&state=s", Some("s")).is_ok());
    }

    #[test]
    fn error_uri_other_than_https_is_dropped() {
        for (uri, want) in [
            ("javascript%3Aalert(1)", None),
            ("http%3A%2F%2Fidp.example%2Fe", None),
            (
                "https%3A%2F%2Fidp.example%2Fe",
                Some("https://idp.example/e"),
            ),
        ] {
            let e = parse_callback(&format!("?error=x&error_uri={uri}&state=s"), Some("s"))
                .unwrap_err();
            assert_eq!(e.code(), ErrorCode::AuthorizationError);
            assert_eq!(e.error_uri(), want, "{uri}");
        }
    }

    #[test]
    fn issuer_is_checked_when_known() {
        let iss = "https://auth.example";
        let check = |input: &str, required: bool| {
            parse_callback_checked(
                input,
                &CallbackChecks {
                    expected_state: Some("s"),
                    expected_issuer: Some(iss),
                    issuer_required: required,
                },
            )
            .map(|c| c.code.expose().to_owned())
            .map_err(|e| e.code())
        };
        let good = "?code=c&state=s&iss=https%3A%2F%2Fauth.example";
        assert_eq!(check(good, true), Ok("c".to_owned()));
        assert_eq!(check(good, false), Ok("c".to_owned()));
        let other = "?code=c&state=s&iss=https%3A%2F%2Fevil.example";
        assert_eq!(check(other, false), Err(ErrorCode::InvalidResponse));
        // Also on error responses (RFC 9207 §2.4).
        let other_err = "?error=access_denied&state=s&iss=https%3A%2F%2Fevil.example";
        assert_eq!(check(other_err, false), Err(ErrorCode::InvalidResponse));
        // Trailing slash is another issuer (simple string comparison).
        let slash = "?code=c&state=s&iss=https%3A%2F%2Fauth.example%2F";
        assert_eq!(check(slash, false), Err(ErrorCode::InvalidResponse));
        // Absent: fine unless the server is known to send it.
        assert_eq!(check("?code=c&state=s", false), Ok("c".to_owned()));
        assert_eq!(
            check("?code=c&state=s", true),
            Err(ErrorCode::InvalidResponse)
        );
        assert_eq!(
            check("?code=c&state=s&iss=a&iss=b", false),
            Err(ErrorCode::DuplicateParameter)
        );
        let e = parse_callback_checked(
            good,
            &CallbackChecks {
                expected_state: Some("s"),
                expected_issuer: None,
                issuer_required: true,
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn bare_query_with_a_url_in_a_value_is_read() {
        // RFC 3986 §3.4 lets `:` and `/` stand unencoded in a query, so a
        // bare query (no `?`) may carry `://` in a value (a return URL in
        // `state`, an RFC 9207 `iss`). It was taken for a URL without a
        // query: MISSING_STATE / MISSING_CODE.
        let c = parse_callback(
            "code=abc&state=https://app.example/back",
            Some("https://app.example/back"),
        )
        .unwrap();
        assert_eq!(c.code.expose(), "abc");
        let c = parse_callback_checked(
            "state=s&code=abc&iss=https://auth.example",
            &CallbackChecks {
                expected_state: Some("s"),
                expected_issuer: Some("https://auth.example"),
                issuer_required: true,
            },
        )
        .unwrap();
        assert_eq!(c.code.expose(), "abc");
        // A whole URL without a query still has none.
        assert_eq!(
            parse_callback("https://app.example/cb", None)
                .unwrap_err()
                .code(),
            ErrorCode::MissingCode
        );
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
