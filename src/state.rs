//! The `state` parameter (RFC 6749 §10.12): random, URL-safe, compared in
//! constant time.

use crate::encoding::b64url;
use crate::error::Result;
use crate::random;

/// A new `state`: 32 random bytes, base64url (43 characters).
pub fn random_state() -> Result<String> {
    let mut entropy = [0u8; 32];
    random::fill(&mut entropy)?;
    Ok(state_from_entropy(&entropy))
}

/// `state` from caller-supplied random bytes (sans-IO).
pub fn state_from_entropy(entropy: &[u8; 32]) -> String {
    b64url(entropy)
}

/// Compares two strings in time that depends only on their lengths, so that a
/// mismatching `state` reveals nothing of the expected one through timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for i in 0..a.len() {
        diff |= a[i] ^ b[i];
    }
    // black_box keeps the optimiser from turning the fold into an early exit.
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn state_is_urlsafe_and_random() {
        let a = random_state().unwrap();
        let b = random_state().unwrap();
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(crate::encoding::is_unreserved));
        assert_ne!(a, b);
    }

    #[test]
    fn comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(constant_time_eq("", ""));
    }
}
