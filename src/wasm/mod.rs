//! The wasm boundary: ONE call, `call(op, a, b, rest) -> string`. The
//! package's hand-written JS driver (`pkg-template/api.js`) reads and
//! type-checks the options, does the promises, timers and `fetch`, and calls
//! in here for every decision: building requests, reading answers, URL and
//! origin checks, time-limit validation, the session's next step.
//!
//! `a` and `b` are the call's one or two main strings, passed as they are (a
//! JWT, a callback URL, a response body: no JSON escaping on the hot paths);
//! `rest` is a JSON array of the other arguments (read by the core's
//! `crate::json`; `""` for none; a list of strings as its length and then
//! its strings, after the others). The answer is the result as JSON, or (its
//! length bitwise negated) an error object (`{code, message, status?, error?,
//! errorDescription?, errorUri?}`). Nothing here calls JavaScript (randomness
//! aside), so no borrow is ever held while JS runs and nothing here can be
//! re-entered.
//!
//! Clients and token sessions live in one slab ([`Obj`]), addressed by the
//! handle their JS object keeps and freed by a `FinalizationRegistry`: a
//! client is checked and built once, not on every call.
//!
//! Coarse calls, no wasm-bindgen classes, closures or futures: measured in
//! `bench/results.md`, they were most of the shipped size. For the same
//! reason the one call is three plain exports instead of a wasm-bindgen
//! function (whose generated glue and string shims were 1.5 KB of JS and
//! ~1.8 KB of wasm, gzipped 2.1 KB together): the driver writes the three
//! strings as UTF-8 into [`buf`], [`call`] replaces them with the answer and
//! returns its length (negated for an error), and the driver reads it at
//! [`out`]. The loader (at the top of `pkg-template/api.js`, 30 lines)
//! instantiates the module, which imports nothing (`scripts/build` drops
//! what wasm-bindgen leaves). This needs `#[no_mangle]` (an export's name is
//! its ABI), the one `unsafe`-lint exception in the crate besides the
//! allocator; no memory is touched through a raw pointer here.

mod ops;
mod out;
mod session;

use crate::error::{Error, ErrorCode, Result};
use crate::json::Value;
use out::Out;
use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard, PoisonError};

// A free-list allocator instead of std's dlmalloc: 1.8 KB gzipped smaller
// (bench/results.md section 7). The 1e6 calls of bench/node/memory.mjs leave
// the memory where the warm-up left it. Without a lock
// (`AssumeSingleThreaded` instead of `LockedAllocator`'s spin lock: 69 B
// gzipped less). SAFETY: this module is built without the `atomics` feature,
// so its memory is never shared: one instance runs on one thread (a Worker
// instantiates its own), and nothing allocates while an allocation runs (no
// JS is called from here, so nothing re-enters).
#[global_allocator]
#[allow(unsafe_code)]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// The call's arguments, then its answer. A `Mutex` (never contended, no
/// threads), not a `thread_local!`: a thread-local is reached through an
/// indirect call to its accessor, with a failure path, at every use.
static IO: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// `m` locked (a panic aborts the module, so nothing is ever poisoned).
fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A zeroed buffer of `len` bytes for the driver to write a call's arguments
/// into (`a`, `b`, `rest`, UTF-8, one after the other).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn buf(len: usize) -> *mut u8 {
    let mut b = lock(&IO);
    b.clear();
    b.resize(len, 0);
    b.as_mut_ptr()
}

/// Where the last answer is (its length is what [`call`] returned).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn out() -> *const u8 {
    lock(&IO).as_ptr()
}

/// Runs operation `op` on the buffer's `a` (`la` bytes), `b` (`lb`), `rest`
/// (`lr`) and `lx` random bytes after them; the answer replaces the
/// buffer's contents and its length is returned, bitwise negated (negative
/// in JS) for an error.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn call(op: u32, la: usize, lb: usize, lr: usize, lx: usize) -> usize {
    let io = std::mem::take(&mut *lock(&IO));
    // The driver's TextEncoder writes valid UTF-8; anything else reads as "".
    let mut at = 0usize;
    let (a, b, rest) = (
        text(&io, &mut at, la),
        text(&io, &mut at, lb),
        text(&io, &mut at, lr),
    );
    let x = io.get(at..at.saturating_add(lx)).unwrap_or_default();
    run(op, a, b, &rest, x)
}

/// The `len` bytes of `io` at `at` as a String (moving `at` past them): one
/// copy of the read, not one inlined per argument.
#[inline(never)]
fn text(io: &[u8], at: &mut usize, len: usize) -> String {
    let s = io
        .get(*at..at.saturating_add(len))
        .and_then(|s| crate::encoding::utf8(s, true))
        .unwrap_or_default();
    *at = at.saturating_add(len);
    s
}

/// `call` on strings: the answer (or the error) put in the buffer, and its
/// length as `call` returns it.
fn run(op: u32, a: String, b: String, rest: &str, x: &[u8]) -> usize {
    let mut v = vec![Value::String(a), Value::String(b)];
    // Not an array (the driver sends "" for no more arguments): none.
    crate::json::parse_array_onto(rest, usize::MAX, &mut v);
    let a = ops::Args(v, x);
    let (r, n) = match ops::dispatch(op, &a) {
        Ok(r) => (r, 0),
        Err(ops::Failure(e, issued)) => {
            let mut o = error_obj(&e);
            // For the session driver only (it keeps the rotated token).
            o.os(
                "issuedRefreshToken",
                issued.as_ref().map(crate::Secret::expose),
            );
            (o.end(), usize::MAX)
        }
    };
    let len = r.len() ^ n;
    *lock(&IO) = r.into_bytes();
    len
}

/// The core error as the object the driver turns into an `ExpenseAuthError`.
pub(crate) fn error_json(e: &Error) -> String {
    error_obj(e).end()
}

fn error_obj(e: &Error) -> Out {
    let mut o = Out::obj();
    o.s("code", e.code().as_str());
    o.s("message", e.message());
    if let Some(s) = e.status() {
        o.n("status", i64::from(s));
    }
    o.os("error", e.error());
    o.os("errorDescription", e.error_description());
    o.os("errorUri", e.error_uri());
    o
}

/// What a handle points at.
pub(crate) enum Obj {
    Client(Box<ops::Client>),
    Session(Box<crate::session::Session<String>>),
}

thread_local! {
    static SLAB: RefCell<Vec<Option<Obj>>> = const { RefCell::new(Vec::new()) };
}

/// Stores `o` and returns its handle.
pub(crate) fn put(o: Obj) -> String {
    let h = SLAB.with(|s| {
        let mut s = s.borrow_mut();
        // The first free slot, or the end.
        let mut h = 0;
        while s.get(h).is_some_and(Option::is_some) {
            h += 1;
        }
        if h == s.len() {
            s.push(None);
        }
        h
    });
    restore(Some(h as f64), Some(o));
    crate::encoding::decimal(h as i64)
}

/// The slab index of handle `h` (`usize::MAX`, no slot, for none or a
/// negative number; `ops::idx` reads the driver's indexes the same way).
pub(crate) fn slot(h: Option<f64>) -> usize {
    h.filter(|h| *h >= 0.0).map_or(usize::MAX, |h| h as usize)
}

/// Takes the object behind handle `h` out of the slab (`restore` puts it
/// back): no borrow of the slab outlives this call.
pub(crate) fn take(h: Option<f64>) -> Result<Obj> {
    swap(h, None).ok_or_else(|| Error::new(ErrorCode::InvalidArgument, "this object is gone"))
}

/// Puts an object taken with [`take`] back under its handle (or frees the
/// handle with `None`).
pub(crate) fn restore(h: Option<f64>, o: Option<Obj>) {
    swap(h, o);
}

/// Puts `o` under handle `h` (nothing for a handle with no slot) and
/// returns what was there.
fn swap(h: Option<f64>, o: Option<Obj>) -> Option<Obj> {
    SLAB.with(|s| {
        s.borrow_mut()
            .get_mut(slot(h))
            .and_then(|e| std::mem::replace(e, o))
    })
}
