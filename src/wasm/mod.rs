//! The wasm boundary: ONE export, `call(op, args) -> string`, strings in and
//! out. The package's hand-written JS driver (`pkg-template/expense_auth.js`)
//! reads and type-checks the options, does the promises, timers and `fetch`,
//! and calls in here for every decision: building requests, reading answers,
//! URL and origin checks, time-limit validation, the session's next step.
//!
//! `args` is a JSON array (read by the core's `crate::json`); the answer is
//! `"0"` + the result as JSON, or `"1"` + an error object
//! (`{code, message, status?, error?, errorDescription?, errorUri?}`). Nothing
//! here calls JavaScript (randomness aside), so no borrow is ever held while
//! JS runs and nothing here can be re-entered.
//!
//! Coarse calls, no wasm-bindgen classes, closures or futures: measured in
//! `bench/results.md`, they were most of the shipped size.

mod ops;
mod out;
mod session;

use crate::error::Error;
use out::Out;
use wasm_bindgen::prelude::*;

// A free-list allocator instead of std's dlmalloc: 1.8 KB gzipped smaller
// (bench/results.md section 7). `LockedAllocator::new` is safe (a spin lock
// that never contends on single-threaded wasm), so no `unsafe` here. The 1e6
// calls of bench/node/memory.mjs leave the memory where the warm-up left it.
#[global_allocator]
static ALLOC: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// `call(op, argsJson)`: see the module docs. The op numbers are shared with
/// the JS driver (`OP` in `pkg-template/expense_auth.js`).
#[wasm_bindgen]
pub fn call(op: u32, args: &str) -> String {
    let a = ops::Args(crate::json::parse_array_within(args, usize::MAX).unwrap_or_default());
    match ops::dispatch(op, &a) {
        Ok(r) => ["0", &r].concat(),
        Err(ops::Failure(e, issued)) => {
            let mut j = error_json(&e);
            if let Some(rt) = issued {
                // For the session driver only (it keeps the rotated token).
                j.pop();
                j.push_str(",\"issuedRefreshToken\":");
                j.push_str(&out::string(rt.expose()));
                j.push('}');
            }
            ["1", &j].concat()
        }
    }
}

/// The core error as the object the driver turns into an `ExpenseAuthError`.
pub(crate) fn error_json(e: &Error) -> String {
    let mut o = Out::obj();
    o.s("code", e.code().as_str());
    o.s("message", e.message());
    if let Some(s) = e.status() {
        o.n("status", i64::from(s));
    }
    o.os("error", e.error());
    o.os("errorDescription", e.error_description());
    o.os("errorUri", e.error_uri());
    o.end()
}
