//! JWT payload decoding **without signature verification**.
//!
//! Nothing here checks a signature, an issuer or an audience: the decoded
//! claims are only as trustworthy as the channel the token came from. Use them
//! for what a client legitimately reads from its own tokens (its expiry,
//! Spendesk's wallet ID), never to make an authorization decision about a
//! token someone else handed you. Format: RFC 7519 §7.2 / RFC 7515 §7.1
//! (JWS compact serialization, base64url segments).

use crate::encoding::b64url_decode_into;
use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, JsonObject, Kind, Object};
use crate::url::{find_byte, split_once_byte};

/// Longest token accepted (bytes). Real access tokens are well under 8 KiB.
pub const MAX_JWT_LEN: usize = 64 * 1024;

/// Claim names where Spendesk access tokens may carry the wallet (company) ID,
/// tried in this order. Spendesk's docs say only that "you can decode the
/// access_token (it's a JWT) to get the ID of the wallet (company)"
/// (spendesk-authentication.txt) without naming the claim, so callers who know
/// it should pass it explicitly.
pub const SPENDESK_WALLET_CLAIMS: &[&str] = &[
    "wallet_id",
    "walletId",
    "company_id",
    "companyId",
    "wallet",
    "company",
];

/// Largest NumericDate read (seconds): a JavaScript `Date` holds at most
/// ±8.64e15 ms (ECMA-262 §21.4.1.1). Beyond it (`"exp": 1e308`) a date is
/// refused: in milliseconds it would overflow to infinity, and an infinite
/// expiry would never be refreshed (found by the `jwt` fuzz target).
pub const MAX_NUMERIC_DATE: f64 = 8.64e12;

// Inlined: `Error::new` with the code at each call.
#[inline(always)]
fn invalid(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidJwt, msg)
}

/// Splits a compact JWS into its three segments after basic checks;
/// `buf` is scratch space for the decoded header.
fn segments<'a>(token: &'a str, buf: &mut Vec<u8>) -> Result<(&'a str, &'a str)> {
    if token.len() > MAX_JWT_LEN {
        return Err(invalid("JWT over 64 KiB"));
    }
    let segments = split_once_byte(token, b'.')
        .and_then(|(h, rest)| Some((h, split_once_byte(rest, b'.')?)))
        .filter(|(_, (_, sig))| find_byte(sig, b'.').is_none());
    // Also an encrypted JWE (five segments): it cannot be decoded here.
    let Some((header, (payload, _))) = segments else {
        return Err(invalid("a JWT has 3 segments"));
    };
    match b64url_decode_into(header, buf) && matches!(buf.trim_ascii(), [b'{', .., b'}']) {
        true => Ok((header, payload)),
        false => Err(invalid("JWT header is not base64url JSON")),
    }
}

#[inline(always)]
fn bad_payload() -> Error {
    invalid("JWT payload is not base64url JSON")
}

/// The payload segment of `token`, base64url-decoded to UTF-8 text, not yet
/// parsed as JSON. **No signature verification.**
pub fn decode_payload_text(token: &str) -> Result<String> {
    let mut b = Vec::new();
    payload_bytes(token, &mut b)?;
    crate::encoding::utf8(&b, true).ok_or_else(bad_payload)
}

/// The payload segment of `token`, base64url-decoded onto `b` (empty).
fn payload_bytes(token: &str, b: &mut Vec<u8>) -> Result<()> {
    let (_, payload) = segments(token, b)?;
    b.clear();
    match b64url_decode_into(payload, b) {
        true => Ok(()),
        false => Err(bad_payload()),
    }
}

/// A decoded, **unverified** claims set.
#[derive(Clone, Debug)]
pub struct UnverifiedClaims {
    claims: Object,
}

/// Decodes the payload of `token` as a JSON object. **No signature verification.**
pub fn decode_unverified(token: &str) -> Result<UnverifiedClaims> {
    // Read where it was decoded (no String copy of the payload).
    let mut b = Vec::new();
    payload_bytes(token, &mut b)?;
    // (Not UTF-8 reads as "", which is not an object either.)
    match json::parse_object(core::str::from_utf8(&b).unwrap_or_default()) {
        Some(claims) => Ok(UnverifiedClaims { claims }),
        None => Err(bad_payload()),
    }
}

impl UnverifiedClaims {
    /// The claims object.
    pub fn object(&self) -> &Object {
        &self.claims
    }

    /// The claims object, by value.
    pub fn into_object(self) -> Object {
        self.claims
    }

    fn numeric_date(&self, name: &str) -> Result<Option<f64>> {
        match self.claims.kind(name) {
            Kind::Missing | Kind::Null => Ok(None),
            // (NaN, which no JSON number reads as, fails the test too.)
            _ => match self.claims.number(name) {
                n if n.abs() <= MAX_NUMERIC_DATE => Ok(Some(n)),
                _ => Err(Error::about(
                    ErrorCode::InvalidJwt,
                    name,
                    " is not a valid date",
                )),
            },
        }
    }

    /// `exp`, seconds since the epoch (RFC 7519 §4.1.4).
    pub fn exp(&self) -> Result<Option<f64>> {
        self.numeric_date("exp")
    }
    /// `iat`, seconds since the epoch (RFC 7519 §4.1.6).
    pub fn iat(&self) -> Result<Option<f64>> {
        self.numeric_date("iat")
    }
    /// `nbf`, seconds since the epoch (RFC 7519 §4.1.5).
    pub fn nbf(&self) -> Result<Option<f64>> {
        self.numeric_date("nbf")
    }
    /// `sub` (RFC 7519 §4.1.2), when it is a string.
    pub fn sub(&self) -> Option<String> {
        self.claims.str("sub")
    }
    /// A claim as a string identifier: strings as they are, integers in
    /// decimal. `None` for anything else.
    pub fn id_claim(&self, name: &str) -> Option<String> {
        json::id_member(&self.claims, name)
    }
}

/// The Spendesk wallet (company) ID carried by an access token: from `claim`
/// when given, otherwise the first of [`SPENDESK_WALLET_CLAIMS`] present.
/// **No signature verification.**
pub fn spendesk_wallet_id(access_token: &str, claim: Option<&str>) -> Result<String> {
    let claims = decode_unverified(access_token)?;
    let names: &[&str] = match claim {
        Some(ref c) => core::slice::from_ref(c),
        None => SPENDESK_WALLET_CLAIMS,
    };
    names
        .iter()
        .find_map(|n| claims.id_claim(n))
        .ok_or_else(|| match claim {
            Some(c) => Error::about(ErrorCode::MissingClaim, c, " claim not found"),
            None => Error::new(ErrorCode::MissingClaim, "no wallet ID claim: pass its name"),
        })
}

#[cfg(test)]
pub(crate) fn make_unsigned(payload_json: &str) -> String {
    use crate::encoding::b64url;
    format!(
        "{}.{}.sig",
        b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(payload_json.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn decodes_claims() {
        let t =
            make_unsigned(r#"{"sub":"u1","exp":1700000000,"iat":1699996400.5,"wallet_id":"w-9"}"#);
        let c = decode_unverified(&t).unwrap();
        assert_eq!(c.sub().as_deref(), Some("u1"));
        assert_eq!(c.exp().unwrap(), Some(1_700_000_000.0));
        assert_eq!(c.iat().unwrap(), Some(1_699_996_400.5));
        assert_eq!(c.nbf().unwrap(), None);
        assert_eq!(spendesk_wallet_id(&t, None).unwrap(), "w-9");
    }

    #[test]
    fn padded_payload_is_accepted() {
        // "{}" base64url is "e30" (padded "e30=").
        let t = "eyJhbGciOiJub25lIn0.e30=.";
        assert!(decode_unverified(t).is_ok());
    }

    #[test]
    fn wallet_claim_order_and_explicit_name() {
        let t = make_unsigned(r#"{"company_id":42,"walletId":"w-camel","custom":"c"}"#);
        assert_eq!(spendesk_wallet_id(&t, None).unwrap(), "w-camel");
        assert_eq!(spendesk_wallet_id(&t, Some("company_id")).unwrap(), "42");
        assert_eq!(spendesk_wallet_id(&t, Some("custom")).unwrap(), "c");
        assert_eq!(
            spendesk_wallet_id(&t, Some("nope")).unwrap_err().code(),
            ErrorCode::MissingClaim
        );
        let none = make_unsigned(r#"{"sub":"x","wallet_id":{"nested":1}}"#);
        assert_eq!(
            spendesk_wallet_id(&none, None).unwrap_err().code(),
            ErrorCode::MissingClaim
        );
    }

    #[test]
    fn malformed_tokens_table() {
        let huge = "a".repeat(MAX_JWT_LEN + 1);
        let not_json = format!("e30.{}.x", crate::encoding::b64url(b"not json"));
        let array = format!("e30.{}.x", crate::encoding::b64url(b"[1,2]"));
        let latin1 = format!("e30.{}.x", crate::encoding::b64url(&[0xff, 0xfe]));
        let bad_header = format!("{}.e30.x", crate::encoding::b64url(b"[]"));
        let table: &[&str] = &[
            "",
            "abc",
            "a.b",
            "a.b.c.d.e",
            "e30.***.x",
            "e30.e30",
            &huge,
            &not_json,
            &array,
            &latin1,
            &bad_header,
            "!!!.e30.x",
        ];
        for t in table {
            let e = decode_unverified(t).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidJwt, "{t:.40}");
        }
        for out_of_range in [r#"{"exp":1e308}"#, r#"{"exp":-8.7e12}"#, r#"{"exp":1e13}"#] {
            let c = decode_unverified(&make_unsigned(out_of_range)).unwrap();
            assert_eq!(c.exp().unwrap_err().code(), ErrorCode::InvalidJwt);
        }
        let edge = make_unsigned(r#"{"exp":8.64e12}"#);
        assert_eq!(
            decode_unverified(&edge).unwrap().exp().unwrap(),
            Some(8.64e12)
        );
        let bad_exp = make_unsigned(r#"{"exp":"tomorrow"}"#);
        assert_eq!(
            decode_unverified(&bad_exp)
                .unwrap()
                .exp()
                .unwrap_err()
                .code(),
            ErrorCode::InvalidJwt
        );
    }
}
