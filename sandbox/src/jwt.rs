//! HS256 JWTs (RFC 7519 / RFC 7515) with a hand-written HMAC-SHA256 (RFC 2104) over `sha2`.
//!
//! Spendesk docs (spendesk-authentication.txt): "you can decode the access_token (it's a JWT)
//! to get the ID of the wallet (company)". ProSpend docs (prospend-authentication.txt):
//! "ProSpend OpenAPI secures API endpoints using JSON Web Tokens (JWT) and Bearer
//! Authorization" with an example token starting `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9`
//! (`{"alg":"HS256","typ":"JWT"}`). The sandbox issues every access token in that format so
//! clients can read `exp`.

use crate::util::{b64url_decode, b64url_encode, ct_eq};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The sandbox signing key. Not a secret: it is published so tests can verify signatures.
/// Verification by the sandbox also requires the token's `jti` to be in its state, so a
/// token forged with this key is still rejected.
pub const JWT_KEY: &[u8] = b"expense-auth-sandbox-hs256-key (public, test only)";

/// The fixed JOSE header, `{"alg":"HS256","typ":"JWT"}`.
pub const JWT_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// HMAC-SHA256 (RFC 2104, block size 64).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for i in 0..64 {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    let outer = Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize();
    outer.into()
}

/// Signs `claims` (should be a JSON object) as a compact HS256 JWT with [`JWT_KEY`].
pub fn sign(claims: &Value) -> String {
    let header = b64url_encode(JWT_HEADER.as_bytes());
    let payload = b64url_encode(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let sig = hmac_sha256(JWT_KEY, signing_input.as_bytes());
    format!("{signing_input}.{}", b64url_encode(&sig))
}

/// Checks structure, `alg` = HS256 and the signature; returns the claims object.
/// Does NOT check `exp` or revocation (the sandbox state does that).
pub fn verify(token: &str) -> Option<Map<String, Value>> {
    if token.len() > 16 * 1024 {
        return None;
    }
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&b64url_decode(h)?).ok()?;
    if header.get("alg")?.as_str()? != "HS256" {
        return None;
    }
    let sig = b64url_decode(s)?;
    let expected = hmac_sha256(JWT_KEY, format!("{h}.{p}").as_bytes());
    if !ct_eq(&sig, &expected) {
        return None;
    }
    match serde_json::from_slice(&b64url_decode(p)?).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Decodes the claims WITHOUT verifying anything (what a client does to read `exp`).
pub fn decode_unverified(token: &str) -> Option<Map<String, Value>> {
    let p = token.split('.').nth(1)?;
    match serde_json::from_slice(&b64url_decode(p)?).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_rfc4231_case_6_long_key() {
        let key = [0xaau8; 131];
        let mac = hmac_sha256(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn sign_verify_roundtrip_and_tamper() {
        let t = sign(&serde_json::json!({"sub": "x", "exp": 5}));
        assert!(t.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
        let c = verify(&t).unwrap();
        assert_eq!(c["sub"], "x");
        let mut parts: Vec<&str> = t.split('.').collect();
        let forged = b64url_encode(br#"{"sub":"y","exp":5}"#);
        parts[1] = &forged;
        assert!(verify(&parts.join(".")).is_none());
        assert!(verify("a.b").is_none());
        assert!(verify("a.b.c.d").is_none());
        assert!(verify("!!!.???.***").is_none());
        assert_eq!(decode_unverified(&t).unwrap()["exp"], 5);
    }
}
