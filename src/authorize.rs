//! Authorization request URLs (RFC 6749 §4.1.1 with RFC 7636 §4.3).

use crate::encoding::{decode_form_component, encode_component};
use crate::error::{Error, ErrorCode, Result};
use crate::pkce::Pkce;
use crate::url::{check_endpoint, find_byte, query_of, split_byte, split_once_byte, MAX_URL_LEN};

/// Parameters the builder sets itself; `extra_params` may not repeat them.
const RESERVED: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

/// Whether `k` is one of [`RESERVED`] (a plain loop: `<[&str]>::contains`
/// is a function of its own in the wasm).
#[allow(clippy::manual_contains)]
fn reserved(k: &str) -> bool {
    RESERVED.iter().any(|r| *r == k)
}

/// Parameters that carry secrets and never belong in a front-channel URL: the
/// PKCE verifier ("You MUST NOT expose code_verifier during authorization
/// request", pleo-quickstart.txt; RFC 7636 §4.3 sends only the challenge),
/// client credentials (RFC 6749 §2.3.1: "MUST NOT be included in the request
/// URI"), and tokens or codes. Compared ignoring ASCII case.
const SECRET_PARAMS: &[&str] = &[
    "code_verifier",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "refresh_token",
    "access_token",
    "id_token",
    "code",
    "password",
];

/// Checks one scope token: RFC 6749 §3.3 `scope-token = 1*NQCHAR` with
/// `NQCHAR = %x21 / %x23-5B / %x5D-7E` — printable ASCII without space, `"`
/// and `\`; control characters and non-ASCII are refused (`INVALID_ARGUMENT`).
pub fn check_scope_token(s: &str) -> Result<()> {
    if s.is_empty() || !crate::url::all_in(s, crate::url::NQCHAR) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "scope must be printable ASCII without space, \" or \\",
        ));
    }
    Ok(())
}

/// Everything an authorization request URL carries.
#[derive(Clone, Debug, Default)]
pub struct AuthorizationRequest<'a> {
    /// The authorization endpoint (https, or http on loopback). May carry a
    /// query, but none of the parameters the URL adds (`DUPLICATE_PARAMETER`)
    /// and no secret parameter (`INVALID_ARGUMENT`, as in `extra_params`).
    pub authorization_endpoint: &'a str,
    /// `client_id`.
    pub client_id: &'a str,
    /// `redirect_uri` (https, or http on loopback), if the server needs it.
    pub redirect_uri: Option<&'a str>,
    /// Scopes, joined by single spaces into `scope` (RFC 6749 §3.3).
    pub scopes: &'a [&'a str],
    /// `state`.
    pub state: Option<&'a str>,
    /// The S256 `code_challenge` (the method is always S256).
    pub code_challenge: &'a str,
    /// More parameters, in order (e.g. `prompt`, `audience`).
    pub extra_params: &'a [(&'a str, &'a str)],
}

/// Appends `&k=v`, both percent-encoded.
fn push_param(url: &mut String, k: &str, v: &str) {
    url.push('&');
    encode_component(k, url);
    url.push('=');
    encode_component(v, url);
}

/// Refuses a parameter named like one of [`SECRET_PARAMS`] (RFC 7636 §4.3,
/// RFC 9700 §4: the browser, logs and the Referer header see the URL). Only
/// the name goes into the message, never the value.
fn not_secret(k: &str) -> Result<()> {
    match SECRET_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(k)) {
        true => Err(Error::about(
            ErrorCode::InvalidArgument,
            k,
            " is a secret: not allowed in the URL",
        )),
        false => Ok(()),
    }
}

fn non_empty(value: &str, name: &str) -> Result<()> {
    if value.is_empty() {
        Err(Error::about(
            ErrorCode::InvalidArgument,
            name,
            " must not be empty",
        ))
    } else {
        Ok(())
    }
}

impl AuthorizationRequest<'_> {
    /// The URL to send the user to. Parameters are percent-encoded per
    /// RFC 3986 (space as `%20`), in a fixed order.
    pub fn build(&self) -> Result<String> {
        let mut url = String::new();
        self.write(&mut url)?;
        Ok(url)
    }

    /// [`AuthorizationRequest::build`] onto `url` (`?` here passes on only
    /// the error, not a whole `Result<String>`).
    fn write(&self, url: &mut String) -> Result<()> {
        let endpoint = self.authorization_endpoint;
        check_endpoint(endpoint, "authorizationEndpoint")?;
        non_empty(self.client_id, "clientId")?;
        if let Some(r) = self.redirect_uri {
            check_endpoint(r, "redirectUri")?;
        }
        if self.code_challenge.len() != 43
            || !crate::url::all_in(self.code_challenge, crate::url::UNRESERVED)
        {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "codeChallenge must be 43 base64url characters",
            ));
        }
        for s in self.scopes {
            check_scope_token(s)?;
        }
        if let Some(st) = self.state {
            non_empty(st, "state")?;
        }
        let dup = |k: &str, problem| Err(Error::about(ErrorCode::DuplicateParameter, k, problem));
        for (i, (k, _)) in self.extra_params.iter().enumerate() {
            non_empty(k, "an extraParams name")?;
            not_secret(k)?;
            if reserved(k) {
                return dup(k, " is set by the library");
            }
            if self.extra_params[..i].iter().any(|(k2, _)| k2 == k) {
                return dup(k, " is repeated in extraParams");
            }
        }

        // RFC 6749 §3.1: the endpoint's own query stays, and no parameter
        // may appear twice. Nor may it carry a secret, any more than
        // `extra_params` may (that check comes first).
        // The first repeated name, still encoded (no String held).
        let mut twice = None;
        for p in split_byte(query_of(endpoint), b'&') {
            let raw = split_once_byte(p, b'=').map_or(p, |(k, _)| k);
            let k = decode_form_component(raw);
            not_secret(&k)?;
            if twice.is_none() && (reserved(&k) || self.extra_params.iter().any(|(e, _)| *e == k)) {
                twice = Some(raw);
            }
        }
        if let Some(raw) = twice {
            return dup(
                &decode_form_component(raw),
                " is already in the endpoint's query",
            );
        }

        url.push_str(endpoint);
        url.push(if find_byte(endpoint, b'?').is_some() {
            '&'
        } else {
            '?'
        });
        url.push_str("response_type=code");
        push_param(url, "client_id", self.client_id);
        if let Some(r) = self.redirect_uri {
            push_param(url, "redirect_uri", r);
        }
        let mut sep = "&scope=";
        for s in self.scopes {
            url.push_str(sep);
            encode_component(s, url);
            sep = "%20";
        }
        if let Some(st) = self.state {
            push_param(url, "state", st);
        }
        push_param(url, "code_challenge", self.code_challenge);
        push_param(url, "code_challenge_method", Pkce::METHOD);
        for (k, v) in self.extra_params {
            push_param(url, k, v);
        }
        if url.len() > MAX_URL_LEN {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "authorization URL over 8 KiB",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const CH: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn req<'a>() -> AuthorizationRequest<'a> {
        AuthorizationRequest {
            authorization_endpoint: "https://auth.pleo.io/oauth/authorize",
            client_id: "my client",
            redirect_uri: Some("https://app.example.com/cb?x=1&y=2"),
            scopes: &["export:read", "export:write"],
            state: Some("s t/ä"),
            code_challenge: CH,
            extra_params: &[("prompt", "consent")],
        }
    }

    #[test]
    fn full_url_is_encoded_in_order() {
        assert_eq!(
            req().build().unwrap(),
            "https://auth.pleo.io/oauth/authorize?response_type=code&client_id=my%20client\
             &redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1%26y%3D2\
             &scope=export%3Aread%20export%3Awrite&state=s%20t%2F%C3%A4\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256&prompt=consent"
        );
    }

    #[test]
    fn endpoint_with_query_gets_ampersand() {
        let mut r = req();
        r.authorization_endpoint = "https://idp.example.com/authorize?tenant=a";
        r.redirect_uri = None;
        r.scopes = &[];
        r.state = None;
        r.extra_params = &[];
        assert_eq!(
            r.build().unwrap(),
            format!("https://idp.example.com/authorize?tenant=a&response_type=code&client_id=my%20client&code_challenge={CH}&code_challenge_method=S256")
        );
    }

    #[test]
    fn refusals() {
        type Mutation = Box<dyn Fn(&mut AuthorizationRequest)>;
        let cases: Vec<(Mutation, ErrorCode)> = vec![
            (
                Box::new(|r| r.authorization_endpoint = "http://auth.pleo.io/x"),
                ErrorCode::InsecureUrl,
            ),
            (
                Box::new(|r| r.redirect_uri = Some("http://evil.example/cb")),
                ErrorCode::InsecureUrl,
            ),
            (
                Box::new(|r| r.redirect_uri = Some("https://a.b/cb#f")),
                ErrorCode::InvalidUrl,
            ),
            (Box::new(|r| r.client_id = ""), ErrorCode::InvalidArgument),
            (
                Box::new(|r| r.code_challenge = "short"),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.scopes = &["a b"]),
                ErrorCode::InvalidArgument,
            ),
            (Box::new(|r| r.scopes = &[""]), ErrorCode::InvalidArgument),
            // RFC 6749 §3.3 NQCHAR: no non-ASCII, no control characters.
            (
                Box::new(|r| r.scopes = &["caf\u{e9}"]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.scopes = &["a\u{7f}"]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.scopes = &["a\nb"]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.scopes = &["a\"b"]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.scopes = &["a\\b"]),
                ErrorCode::InvalidArgument,
            ),
            // Secrets never go into the front-channel URL.
            (
                Box::new(|r| r.extra_params = &[("code_verifier", "v")]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.extra_params = &[("client_secret", "s")]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.extra_params = &[("Client_Secret", "s")]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.extra_params = &[("client_assertion", "jwt")]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.extra_params = &[("refresh_token", "rt")]),
                ErrorCode::InvalidArgument,
            ),
            (
                Box::new(|r| r.extra_params = &[("code", "c")]),
                ErrorCode::InvalidArgument,
            ),
            (Box::new(|r| r.state = Some("")), ErrorCode::InvalidArgument),
            (
                Box::new(|r| r.extra_params = &[("state", "x")]),
                ErrorCode::DuplicateParameter,
            ),
            (
                Box::new(|r| r.extra_params = &[("a", "1"), ("a", "2")]),
                ErrorCode::DuplicateParameter,
            ),
        ];
        for (i, (mutate, code)) in cases.iter().enumerate() {
            let mut r = req();
            mutate(&mut r);
            assert_eq!(r.build().unwrap_err().code(), *code, "case {i}");
        }
    }

    #[test]
    fn endpoint_query_is_not_repeated() {
        // RFC 6749 §3.1: the endpoint's query is kept, and "Request and
        // response parameters MUST NOT be included more than once": a
        // parameter the endpoint already carries is not added again (the
        // server would pick either `client_id`).
        for (endpoint, extra) in [
            ("https://idp.example.com/authorize?client_id=other", None),
            (
                "https://idp.example.com/authorize?x=1&response_type=token",
                None,
            ),
            (
                "https://idp.example.com/authorize?tenant=a",
                Some(("tenant", "b")),
            ),
        ] {
            let mut r = req();
            r.authorization_endpoint = endpoint;
            let extras = extra.map(|e| vec![e]).unwrap_or_default();
            r.extra_params = &extras;
            assert_eq!(
                r.build().unwrap_err().code(),
                ErrorCode::DuplicateParameter,
                "{endpoint}"
            );
        }
        let mut r = req();
        r.authorization_endpoint = "https://idp.example.com/authorize?tenant=a";
        assert!(r.build().is_ok());
    }

    #[test]
    fn endpoint_query_may_not_carry_secrets() {
        // A secret in the endpoint's own query would reach the browser, logs
        // and the Referer header just as one in extraParams would.
        for endpoint in [
            "https://idp.example.com/authorize?client_secret=s3cr3t",
            "https://idp.example.com/authorize?tenant=a&Client_Secret=s3cr3t",
            "https://idp.example.com/authorize?client%5Fsecret=s3cr3t",
            "https://idp.example.com/authorize?code_verifier=s3cr3t",
            "https://idp.example.com/authorize?refresh_token=s3cr3t",
        ] {
            let mut r = req();
            r.authorization_endpoint = endpoint;
            let e = r.build().unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{endpoint}");
            assert!(!e.message().contains("s3cr3t"), "{}", e.message());
        }
    }

    #[test]
    fn printable_scopes_and_harmless_extras_pass() {
        let mut r = req();
        r.scopes = &["a:b", "x/y!", "~#[]"];
        r.extra_params = &[
            ("prompt", "consent"),
            ("audience", "api"),
            ("code_challenge_x", "1"),
        ];
        assert!(r.build().is_ok());
        assert!(check_scope_token("openid").is_ok());
    }

    #[test]
    fn loopback_redirect_is_allowed() {
        let mut r = req();
        r.redirect_uri = Some("http://127.0.0.1:8787/callback");
        assert!(r.build().is_ok());
    }
}
