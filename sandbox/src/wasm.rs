//! The sandbox as a JavaScript value: the core of the `expense-auth-sandbox` npm package
//! (built by `scripts/build-sandbox`; the JS driver is `sandbox/pkg-template/driver.js`).
//!
//! Only this file names wasm-bindgen / js-sys. It converts, nothing more: the driver turns a
//! `Request` into `(method, target, headers, body)`, [`SandboxCore::handle`] runs the same
//! [`Sandbox::handle`] the native server runs, and the driver turns the answer back into a
//! `Response` (emulating the `slow` and `drop` faults, which a sans-IO handler only describes).
//! No JS code runs while the sandbox is borrowed: `handle` calls nothing but `Date.now()` and
//! `crypto.getRandomValues()`.

use crate::{Request, Sandbox};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

/// Unix seconds from `Date.now()` (wasm32-unknown-unknown has no `SystemTime`).
pub(crate) fn unix_now_secs() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        // Saturating float → int conversion; `ms` is positive and finite here.
        (ms / 1000.0) as u64
    } else {
        0
    }
}

/// One sandbox (all five providers, their state, clock, faults and statistics).
#[wasm_bindgen]
pub struct SandboxCore {
    inner: Sandbox,
}

#[wasm_bindgen]
impl SandboxCore {
    /// `new SandboxCore(startUnixSecs?)`: with a start time the clock is fixed and only moves
    /// with `/_sandbox/clock`; without one it follows `Date.now()`.
    #[wasm_bindgen(constructor)]
    pub fn new(start_unix_secs: Option<f64>) -> SandboxCore {
        let inner = match start_unix_secs {
            Some(t) if t.is_finite() && t >= 0.0 => Sandbox::with_clock(t as u64),
            _ => Sandbox::new(),
        };
        SandboxCore { inner }
    }

    /// Handles one request. `headers` is a flat `[name, value, name, value, …]` list.
    /// Returns `{ status, headers: [name, value, …], body: Uint8Array, delayMs, dropped }`.
    pub fn handle(
        &mut self,
        method: String,
        target: String,
        headers: Vec<String>,
        body: &[u8],
    ) -> JsValue {
        let mut it = headers.into_iter();
        let mut pairs = Vec::new();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            pairs.push((k, v));
        }
        let resp = self.inner.handle(&Request {
            method,
            target,
            headers: pairs,
            body: body.to_vec(),
        });
        let out = Object::new();
        let set = |k: &str, v: &JsValue| {
            // Setting a property on a fresh plain object cannot fail.
            let _ = Reflect::set(&out, &JsValue::from_str(k), v);
        };
        set("status", &JsValue::from(resp.status));
        let list = Array::new();
        for (k, v) in &resp.headers {
            list.push(&JsValue::from_str(k));
            list.push(&JsValue::from_str(v));
        }
        set("headers", &list);
        set("body", &Uint8Array::from(resp.body.as_slice()));
        // u64 → f64: delays are capped at 600 000 ms by the control endpoint.
        set("delayMs", &JsValue::from_f64(resp.delay_ms as f64));
        set("dropped", &JsValue::from_bool(resp.drop_connection));
        out.into()
    }
}
