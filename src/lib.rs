//! # expense-auth
//!
//! OAuth 2.0 and PKCE for expense-management APIs (Spendesk, Pleo, Findity,
//! ProSpend) and any standard OAuth 2.0 server, as a pure-Rust, sans-IO core
//! with a thin WebAssembly skin (`src/wasm/`) for browsers, Node and
//! Cloudflare Workers.
//!
//! The core never does I/O: it builds requests and parses responses, and
//! takes time and randomness as inputs, so everything here is tested natively.

// `deny`, not `forbid`: the wasm skin allows `no_mangle` on its three exports
// and the lock-free allocator's `unsafe` constructor (src/wasm/mod.rs, with
// its SAFETY reasoning), which the unsafe_code lint counts; nothing else may.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod authorize;
pub mod callback;
pub mod encoding;
pub mod error;
pub mod http;
pub mod json;
pub mod jwt;
pub mod pkce;
pub mod providers;
pub mod random;
pub mod secret;
pub mod session;
pub mod state;
pub mod token;
pub mod transport;
pub mod url;

// The JS skin exists only for wasm32-unknown-unknown (not for wasi).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod wasm;

pub use error::{Error, ErrorCode, Result};

// The unit tests also run in headless Chromium through wasm-bindgen-test
// (`scripts/test`), where JSON goes through the engine's JSON.parse.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
pub use secret::Secret;
