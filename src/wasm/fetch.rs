//! Sending a core [`HttpRequest`] through the runtime's *global* `fetch`
//! (bound by name, like gloo-net, so one build runs in browsers, Node and
//! workerd), or through a `fetch` function the app passes in.
//!
//! - `redirect: "manual"`: a token endpoint never redirects, and workerd
//!   rejects `redirect: "error"`. A redirect (or a browser's opaque redirect,
//!   status 0) becomes `UNEXPECTED_REDIRECT`.
//! - A timeout and the caller's `AbortSignal` both abort the request through
//!   one `AbortController`; they are told apart (`TIMEOUT` / `ABORTED`).
//! - Bodies over [`MAX_BODY_LEN`] are refused from `Content-Length` before
//!   reading, and by length after.
//! - Nothing here retries. A refresh request that may have reached the server
//!   must not be sent again: the server may already have rotated the refresh
//!   token, and a second request would present the old one (for Pleo, that
//!   revokes the whole authorisation).

use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse, MAX_BODY_LEN};
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &str, init: &JsValue) -> std::result::Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// Default time limit for one request, headers and body (ms).
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;

/// How to send.
#[derive(Clone, Default)]
pub struct FetchOptions {
    /// A `fetch`-compatible function to use instead of the global one.
    pub fetch: Option<Function>,
    /// Time limit in ms (0 or absent: [`DEFAULT_TIMEOUT_MS`]).
    pub timeout_ms: Option<f64>,
    /// The caller's signal.
    pub signal: Option<AbortSignal>,
}

fn js_message(e: &JsValue) -> String {
    let name = Reflect::get(e, &JsValue::from_str("name"))
        .ok()
        .and_then(|v| v.as_string());
    let msg = Reflect::get(e, &JsValue::from_str("message"))
        .ok()
        .and_then(|v| v.as_string());
    let s = match (name, msg) {
        (Some(n), Some(m)) => [n.as_str(), ": ", m.as_str()].concat(),
        (None, Some(m)) => m,
        (Some(n), None) => n,
        (None, None) => "unknown error".to_owned(),
    };
    s.chars().take(200).collect()
}

/// Calls `fetch(url, init)` (the app's or the global one).
pub fn call_fetch(
    f: Option<&Function>,
    url: &JsValue,
    init: &JsValue,
) -> std::result::Result<Promise, JsValue> {
    match f {
        Some(f) => f
            .call2(&JsValue::UNDEFINED, url, init)
            .map(|p| Promise::resolve(&p)),
        None => {
            let url = url.as_string().unwrap_or_default();
            global_fetch(&url, init)
        }
    }
}

/// Aborts a request on timeout or on the caller's signal, and tells which.
pub struct Abort {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    timer: JsValue,
    _on_timeout: Closure<dyn FnMut()>,
    user: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Abort {
    /// Arms the timer and links the caller's signal.
    pub fn new(opts: &FetchOptions) -> Result<Abort> {
        let controller = AbortController::new()
            .map_err(|_| Error::new(ErrorCode::NetworkError, "AbortController is not available"))?;
        if let Some(sig) = &opts.signal {
            if sig.aborted() {
                return Err(Error::new(
                    ErrorCode::Aborted,
                    "the request was aborted before it was sent",
                ));
            }
        }
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let c = controller.clone();
            let t = timed_out.clone();
            Closure::<dyn FnMut()>::new(move || {
                t.set(true);
                c.abort();
            })
        };
        let ms = opts
            .timeout_ms
            .filter(|t| *t > 0.0)
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), ms);
        let user = opts.signal.as_ref().map(|sig| {
            let c = controller.clone();
            let cb = Closure::<dyn FnMut()>::new(move || c.abort());
            let _ = sig.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
            (sig.clone(), cb)
        });
        Ok(Abort {
            controller,
            timed_out,
            timer,
            _on_timeout: on_timeout,
            user,
        })
    }

    /// The signal to pass to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Maps a rejection of `fetch` or of reading the body.
    pub fn error(&self, e: &JsValue) -> Error {
        if self.timed_out.get() {
            Error::new(ErrorCode::Timeout, "the request timed out")
        } else if self.user.as_ref().is_some_and(|(s, _)| s.aborted()) {
            Error::new(ErrorCode::Aborted, "the request was aborted")
        } else {
            Error::new(
                ErrorCode::NetworkError,
                ["the request failed: ", &js_message(e)].concat(),
            )
        }
    }

    /// Cancels an unfinished body download.
    pub fn cancel(&self) {
        self.controller.abort();
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some((sig, cb)) = &self.user {
            let _ = sig.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
    }
}

/// Sends `req` and reads the answer (status, content type, body text).
pub async fn send(req: &HttpRequest, opts: &FetchOptions) -> Result<HttpResponse> {
    let abort = Abort::new(opts)?;
    let init = Object::new();
    let set = |o: &Object, k: &str, v: &JsValue| {
        let _ = Reflect::set(o, &JsValue::from_str(k), v);
    };
    set(&init, "method", &JsValue::from_str(req.method));
    let headers = Object::new();
    for (k, v) in &req.headers {
        set(&headers, k, &JsValue::from_str(v));
    }
    set(&init, "headers", &headers);
    if let Some(b) = &req.body {
        set(&init, "body", &JsValue::from_str(b));
    }
    set(&init, "redirect", &JsValue::from_str("manual"));
    set(&init, "signal", &abort.signal());

    let promise = call_fetch(opts.fetch.as_ref(), &JsValue::from_str(&req.url), &init)
        .map_err(|e| abort.error(&e))?;
    let resp: Response = JsFuture::from(promise)
        .await
        .map_err(|e| abort.error(&e))?
        .dyn_into()
        .map_err(|_| {
            Error::new(
                ErrorCode::InvalidResponse,
                "fetch did not resolve to a Response",
            )
        })?;
    read_response(&resp, &abort).await
}

/// Reads status, content type and body (size-limited) of a Response.
pub async fn read_response(resp: &Response, abort: &Abort) -> Result<HttpResponse> {
    let status = resp.status();
    let headers = resp.headers();
    let content_type = headers.get("content-type").ok().flatten();
    let declared = headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_LEN as u64) {
        abort.cancel();
        return Err(Error::new(
            ErrorCode::ResponseTooLarge,
            "the response body is larger than 256 KiB",
        )
        .with_status(status));
    }
    // An opaque redirect has no readable body.
    let body = if status == 0 {
        String::new()
    } else {
        let text = resp.text().map_err(|e| abort.error(&e))?;
        JsFuture::from(text)
            .await
            .map_err(|e| abort.error(&e))?
            .as_string()
            .unwrap_or_default()
    };
    Ok(HttpResponse {
        status,
        content_type,
        body,
    })
}
