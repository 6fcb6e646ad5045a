//! PKCE, RFC 7636 (<https://www.rfc-editor.org/rfc/rfc7636>), S256 only.
//!
//! `plain` is not offered: RFC 7636 §4.2 allows it only when a client cannot
//! do SHA-256, which never applies here, and Pleo requires S256
//! (pleo-quickstart.txt: "code_challenge_method: must be S256").

use crate::encoding::b64url;
use crate::error::{Error, ErrorCode, Result};
use crate::random;
use crate::secret::Secret;
use core::sync::atomic::{AtomicU32, Ordering};

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
        check_len(len)?;
        random::fill(&mut entropy[..entropy_needed(len)])?;
        Pkce::from_entropy(&entropy, len)
    }

    /// A pair from caller-supplied random bytes (sans-IO; tests and other
    /// RNGs). Uses the first `ceil((3·len − 2) / 4)` bytes of `entropy`.
    pub fn from_entropy(entropy: &[u8], len: usize) -> Result<Pkce> {
        check_len(len)?;
        let need = entropy_needed(len);
        let bytes = entropy
            .get(..need)
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, "too few random bytes"))?;
        let mut verifier = b64url(bytes);
        verifier.truncate(len);
        // `len` base64url characters: a valid verifier, no need to check it.
        Ok(Pkce {
            challenge: b64url(&sha256(verifier.as_bytes())),
            verifier: Secret::new(verifier),
        })
    }
}

/// The fewest random bytes whose base64url form has at least `len`
/// characters: `ceil(4n/3) >= len` ⇔ `n >= (3·len − 2) / 4` (32 bytes for 43).
fn entropy_needed(len: usize) -> usize {
    // ceil(x / 4) = (x + 3) / 4, without div_ceil's remainder test.
    (len * 3 + 1) / 4
}

const LEN_MSG: &str = "code verifier must be 43-128 characters";

#[inline(always)]
fn check_len(len: usize) -> Result<()> {
    if (MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&len) {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::InvalidArgument, LEN_MSG))
    }
}

/// Checks a verifier against RFC 7636 §4.1: 43–128 characters of
/// `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`. The message never
/// repeats the verifier.
#[inline(always)]
pub fn validate_verifier(verifier: &str) -> Result<()> {
    let msg = if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&verifier.len()) {
        LEN_MSG
    } else if !crate::url::all_in(verifier, crate::url::UNRESERVED) {
        "code verifier allows only A-Za-z0-9-._~"
    } else {
        return Ok(());
    };
    Err(Error::new(ErrorCode::InvalidCodeVerifier, msg))
}

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`, RFC 7636 §4.2, after
/// validating the verifier.
pub fn challenge_s256(verifier: &str) -> Result<String> {
    validate_verifier(verifier)?;
    Ok(b64url(&sha256(verifier.as_bytes())))
}

/// SHA-256 (FIPS 180-4 §6.2) of `data`: the plain loop, for the short
/// inputs here (verifiers, refresh tokens). By hand: the `sha2` crate's
/// `Digest` wrapper and block buffer alone are ~1 KB of wasm.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let c = constants();
    let mut h = [0u32; 8];
    for j in 0..8 {
        h[j] = c[j].load(Ordering::Relaxed);
    }
    // The message, 0x80, zeros, and the bit length (big-endian): whole
    // 64-byte blocks, read byte by byte without building a padded copy.
    let n = data.len();
    // n + 9 bytes at least (0x80 and the length), rounded up to 64.
    let end = (n + 72) & !63;
    let bits = (n as u64).wrapping_mul(8);
    let byte = |j: usize| -> u32 {
        u32::from(data.get(j).copied().unwrap_or(if j == n {
            0x80
        } else if j + 8 >= end {
            (bits >> ((end - 1 - j) * 8)) as u8
        } else {
            0
        }))
    };
    let mut w = [0u32; 64];
    let mut base = 0;
    while base < end {
        let mut v = h;
        for t in 0..64 {
            if t < 16 {
                for j in base + t * 4..base + t * 4 + 4 {
                    w[t] = w[t] << 8 | byte(j);
                }
            } else {
                let (x, y) = (w[t - 15], w[t - 2]);
                let s0 = x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3);
                let s1 = y.rotate_right(17) ^ y.rotate_right(19) ^ (y >> 10);
                w[t] = w[t - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[t - 7])
                    .wrapping_add(s1);
            }
            let (a, e) = (v[0], v[4]);
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & v[5]) ^ (!e & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(c[8 + t].load(Ordering::Relaxed))
                .wrapping_add(w[t]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]);
            let mut j = 7;
            while j > 0 {
                v[j] = v[j - 1];
                j -= 1;
            }
            v[0] = t1.wrapping_add(s0).wrapping_add(maj);
            v[4] = v[4].wrapping_add(t1);
        }
        for j in 0..8 {
            h[j] = h[j].wrapping_add(v[j]);
        }
        base += 64;
    }
    let mut out = [0u8; 32];
    for j in 0..32 {
        out[j] = (h[j / 4] >> (24 - 8 * (j % 4))) as u8;
    }
    out
}

/// [`constants`], once computed (zeros before). Atomics (plain loads and
/// stores in the wasm, which has no threads), not a `thread_local!`,
/// which the wasm reaches through an indirect call to its accessor.
static CONSTANTS: [AtomicU32; 72] = [const { AtomicU32::new(0) }; 72];

/// SHA-256's constants (FIPS 180-4 §5.3.3, §4.2.2): the first 32 bits of
/// the fractional parts of the square roots of the first 8 primes (the
/// initial hash value), then of the cube roots of the first 64 (the round
/// constants). Computed on the first hash (~60 µs in Node, then read from
/// [`CONSTANTS`]), not stored: the 288 bytes of the tables were data gzip
/// cannot shrink (uncached, every hash took ~60 µs more).
fn constants() -> &'static [AtomicU32; 72] {
    // The last one is stored last (Release) and read first (Acquire): once
    // it is set, so are the others. (Natively, two threads may both
    // compute them: the same values.)
    if CONSTANTS[71].load(Ordering::Acquire) == 0 {
        // The fraction's first 32 bits (the integer part is shifted out).
        let frac = |r: f64| (r * 4_294_967_296.0) as u64 as u32;
        let mut p = 1u32;
        for t in 0..64 {
            // The next prime.
            loop {
                p += 1;
                let mut d = 2;
                while p % d != 0 {
                    d += 1;
                }
                if d == p {
                    break;
                }
            }
            let x = f64::from(p);
            if t < 8 {
                CONSTANTS[t].store(frac(x.sqrt()), Ordering::Relaxed);
            }
            // Newton's method for the cube root, from above (cbrt(311) < 7).
            let mut r = 7f64;
            for _ in 0..24 {
                r = (2.0 * r + x / (r * r)) / 3.0;
            }
            CONSTANTS[8 + t].store(frac(r), Ordering::Release);
        }
    }
    &CONSTANTS
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
    fn sha256_is_sha2s() {
        use sha2::{Digest, Sha256};
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..data.len() {
            let want: [u8; 32] = Sha256::digest(&data[..n]).into();
            assert_eq!(sha256(&data[..n]), want, "{n}");
        }
        // FIPS 180-2 appendix B.1.
        assert_eq!(
            sha256(b"abc"),
            [
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
                0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
                0xf2, 0x00, 0x15, 0xad
            ]
        );
    }

    #[test]
    fn computed_constants_are_fips_180_4s() {
        let c: Vec<u32> = constants()
            .iter()
            .map(|a| a.load(Ordering::Relaxed))
            .collect();
        // H(0) (§5.3.3), then K's first and last words (§4.2.2).
        assert_eq!(c[..2], [0x6a09e667, 0xbb67ae85]);
        assert_eq!(c[7], 0x5be0cd19);
        assert_eq!(c[8..10], [0x428a2f98, 0x71374491]);
        assert_eq!(c[71], 0xc67178f2);
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
