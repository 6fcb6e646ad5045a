//! PKCE, RFC 7636 (<https://www.rfc-editor.org/rfc/rfc7636>), S256 only.
//!
//! `plain` is not offered: RFC 7636 §4.2 allows it only when a client cannot
//! do SHA-256, which never applies here, and Pleo requires S256
//! (pleo-quickstart.txt: "code_challenge_method: must be S256").

use crate::encoding::{b64url, is_unreserved};
use crate::error::{Error, ErrorCode, Result};
use crate::random;
use crate::secret::Secret;
use sha2::{Digest, Sha256};

/// Shortest verifier, RFC 7636 §4.1.
pub const MIN_VERIFIER_LEN: usize = 43;
/// Longest verifier, RFC 7636 §4.1.
pub const MAX_VERIFIER_LEN: usize = 128;
/// Default verifier length: 32 random bytes, base64url-encoded (RFC 7636 §4.1's recommendation).
pub const DEFAULT_VERIFIER_LEN: usize = 43;
/// Random bytes needed for the longest verifier.
pub const MAX_ENTROPY: usize = 96;

/// A code verifier and its S256 challenge.
#[derive(Clone, Debug)]
pub struct Pkce {
    /// The secret verifier, sent only in the token request.
    pub verifier: Secret,
    /// `BASE64URL(SHA256(ASCII(verifier)))`, sent in the authorization request.
    pub challenge: String,
}

impl Pkce {
    /// The method name sent as `code_challenge_method`.
    pub const METHOD: &'static str = "S256";

    /// A new pair with a verifier of `len` characters drawn from the CSPRNG.
    pub fn generate(len: usize) -> Result<Pkce> {
        let mut entropy = [0u8; MAX_ENTROPY];
        random::fill(&mut entropy[..entropy_needed(check_len(len)?)])?;
        Pkce::from_entropy(&entropy, len)
    }

    /// A pair from caller-supplied random bytes (sans-IO; tests and other
    /// RNGs). Uses the first `ceil((3·len − 2) / 4)` bytes of `entropy`.
    pub fn from_entropy(entropy: &[u8], len: usize) -> Result<Pkce> {
        let need = entropy_needed(check_len(len)?);
        let bytes = entropy.get(..need).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                "too few random bytes for that verifier length",
            )
        })?;
        let mut verifier = b64url(bytes);
        verifier.truncate(len);
        let challenge = challenge_s256(&verifier)?;
        Ok(Pkce {
            verifier: Secret::new(verifier),
            challenge,
        })
    }
}

/// The fewest random bytes whose base64url form has at least `len`
/// characters: `ceil(4n/3) >= len` ⇔ `n >= (3·len − 2) / 4` (32 bytes for 43).
fn entropy_needed(len: usize) -> usize {
    (len * 3 - 2).div_ceil(4)
}

const LEN_MSG: &str = "a code verifier has 43 to 128 characters";

fn check_len(len: usize) -> Result<usize> {
    if (MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&len) {
        Ok(len)
    } else {
        Err(Error::new(ErrorCode::InvalidArgument, LEN_MSG))
    }
}

/// Checks a verifier against RFC 7636 §4.1: 43–128 characters of
/// `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`. The message never
/// repeats the verifier.
pub fn validate_verifier(verifier: &str) -> Result<()> {
    let msg = if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&verifier.len()) {
        LEN_MSG
    } else if !crate::url::all_by(verifier, is_unreserved) {
        "a code verifier may use only A-Z a-z 0-9 - . _ ~"
    } else {
        return Ok(());
    };
    Err(Error::new(ErrorCode::InvalidCodeVerifier, msg))
}

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`, RFC 7636 §4.2, after
/// validating the verifier.
pub fn challenge_s256(verifier: &str) -> Result<String> {
    validate_verifier(verifier)?;
    Ok(b64url(&Sha256::digest(verifier.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// RFC 7636 Appendix B.
    const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const RFC_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(challenge_s256(RFC_VERIFIER).unwrap(), RFC_CHALLENGE);
        let p = Pkce::from_entropy(&RFC_OCTETS, 43).unwrap();
        assert_eq!(p.verifier.expose(), RFC_VERIFIER);
        assert_eq!(p.challenge, RFC_CHALLENGE);
    }

    #[test]
    fn verifier_validation_table() {
        let ok_128 = "a".repeat(128);
        let long = "a".repeat(129);
        let short = "a".repeat(42);
        let table: &[(&str, bool)] = &[
            (RFC_VERIFIER, true),
            (&ok_128, true),
            ("abcdefghijklmnopqrstuvwxyz-._~ABCDEFGHIJKLMNOPQ", true),
            (&long, false),
            (&short, false),
            ("", false),
            ("dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk", false),
            ("dBjftJeZ4CVP mB92K27uhbUJU1p1r_wW1gFWFOEjXk", false),
            ("dBjftJeZ4CVP=mB92K27uhbUJU1p1r_wW1gFWFOEjXk", false),
            ("dBjftJeZ4CVPémJ92K9zr1lWtuw6UH4lu9sAJbSLku", false),
        ];
        for (v, ok) in table {
            let r = challenge_s256(v);
            assert_eq!(r.is_ok(), *ok, "{v:?}");
            if let Err(e) = r {
                assert_eq!(e.code(), ErrorCode::InvalidCodeVerifier);
                assert!(v.is_empty() || !e.message().contains(*v));
            }
        }
    }

    #[test]
    fn generated_pairs_are_valid_and_distinct() {
        for len in [43, 64, 100, 128] {
            let a = Pkce::generate(len).unwrap();
            let b = Pkce::generate(len).unwrap();
            assert_eq!(a.verifier.expose().len(), len);
            validate_verifier(a.verifier.expose()).unwrap();
            assert_eq!(a.challenge, challenge_s256(a.verifier.expose()).unwrap());
            assert_ne!(a.verifier, b.verifier);
        }
        assert_eq!(
            Pkce::generate(42).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            Pkce::generate(129).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert!(Pkce::from_entropy(&[0; 10], 43).is_err());
    }

    #[test]
    fn debug_hides_the_verifier() {
        let p = Pkce::from_entropy(&RFC_OCTETS, 43).unwrap();
        assert!(!format!("{p:?}").contains(RFC_VERIFIER));
    }
}
