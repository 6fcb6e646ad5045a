//! Randomness from the platform CSPRNG (`getrandom`: the OS natively,
//! `crypto.getRandomValues` in browsers, Node and workerd). The protocol code
//! takes random bytes as input; this is the one place that draws them.

use crate::error::{Error, ErrorCode, Result};

/// Fills `buf` from the platform CSPRNG.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| {
        Error::new(
            ErrorCode::RandomUnavailable,
            "no secure random number generator is available",
        )
    })
}

/// `N` random bytes.
pub fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    fill(&mut b)?;
    Ok(b)
}
