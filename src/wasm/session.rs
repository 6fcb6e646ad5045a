//! `TokenSession`: keeps one connection's tokens fresh.
//!
//! - `getAccessToken()` returns a valid access token, refreshing `skewMs`
//!   (default 60 s) ahead of expiry.
//! - Concurrent callers share **one** refresh: the first caller starts it, the
//!   others get the same promise (single flight). Pleo asks for exactly one
//!   refresh in flight per connection, and with rotating single-use refresh
//!   tokens a second concurrent refresh would present a token the first one
//!   just invalidated.
//! - Every new token set is handed to `onTokens` and awaited **before** the
//!   new access token is returned, so a rotated refresh token is in the app's
//!   store before anyone uses it. If `onTokens` fails the call fails with
//!   `STORE_FAILED`; the tokens stay in memory and the next call stores them again.
//! - A refused refresh token (`RECONNECT_REQUIRED`) is remembered: later calls
//!   fail at once with the same error, without a request, until the app
//!   connects again (`setTokens`).
//! - Memory only: nothing is persisted except through `onTokens` (Spendesk:
//!   "Don't store access tokens in persistent storage").
//! - Refreshes are never retried automatically (see `fetch.rs`).

use super::client::now_ms as date_now;
use super::client::spawn_js;
use super::convert::{get, js_error, string_arg};
use super::fetch::call_fetch;
use crate::error::{Error, ErrorCode};
use crate::Secret;
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Default)]
struct State {
    tokens: Option<JsValue>,
    access: Option<Secret>,
    refresh: Option<Secret>,
    expires_at: Option<f64>,
    inflight: Option<Promise>,
    reconnect: Option<JsValue>,
    unsaved: bool,
}

struct Inner {
    client: JsValue,
    on_tokens: Option<Function>,
    renew: Option<Function>,
    now: Option<Function>,
    fetch: Option<Function>,
    skew_ms: f64,
    state: RefCell<State>,
}

/// Keeps one connection's tokens fresh; see the module docs.
#[wasm_bindgen]
pub struct TokenSession {
    inner: Rc<Inner>,
}

fn code_of(e: &JsValue) -> Option<String> {
    Reflect::get(e, &JsValue::from_str("code"))
        .ok()
        .and_then(|v| v.as_string())
}

fn err(code: ErrorCode, msg: &str) -> JsValue {
    js_error(Error::new(code, msg))
}

fn opt_fn(options: &JsValue, key: &str) -> Result<Option<Function>, JsValue> {
    match get(options, key)? {
        None => Ok(None),
        Some(f) => f.dyn_into::<Function>().map(Some).map_err(|_| {
            err(
                ErrorCode::InvalidArgument,
                &["options.", key, " must be a function"].concat(),
            )
        }),
    }
}

/// Reads `accessToken`, `refreshToken`, `expiresAt` of a token set.
fn read_tokens(ts: &JsValue) -> Result<(Secret, Option<Secret>, Option<f64>), JsValue> {
    let field = |k: &str| Reflect::get(ts, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let access = field("accessToken")
        .as_string()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            err(
                ErrorCode::InvalidArgument,
                "a token set needs accessToken (a non-empty string)",
            )
        })?;
    let refresh = field("refreshToken")
        .as_string()
        .filter(|s| !s.is_empty())
        .map(Secret::new);
    let exp = field("expiresAt");
    let expires_at = if exp.is_undefined() || exp.is_null() {
        None
    } else {
        Some(exp.as_f64().filter(|n| n.is_finite()).ok_or_else(|| {
            err(
                ErrorCode::InvalidArgument,
                "a token set's expiresAt must be a number (ms since the epoch)",
            )
        })?)
    };
    Ok((Secret::new(access), refresh, expires_at))
}

async fn await_promise(v: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&v)).await
}

impl Inner {
    fn now(&self) -> f64 {
        self.now
            .as_ref()
            .and_then(|f| f.call0(&JsValue::UNDEFINED).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or_else(date_now)
    }

    /// The access token if it is still good for `skew_ms`.
    fn valid_access(&self) -> Option<String> {
        let s = self.state.borrow();
        let a = s.access.as_ref()?;
        match s.expires_at {
            Some(e) if self.now() >= e - self.skew_ms => None,
            _ => Some(a.expose().to_owned()),
        }
    }

    fn adopt(&self, ts: JsValue) -> Result<String, JsValue> {
        let (access, refresh, expires_at) = read_tokens(&ts)?;
        let mut s = self.state.borrow_mut();
        // RFC 6749 §6: without a new refresh token, the old one stays valid.
        let refresh = match refresh {
            Some(r) => Some(r),
            None => {
                if let Some(old) = &s.refresh {
                    let _ = Reflect::set(
                        &ts,
                        &JsValue::from_str("refreshToken"),
                        &JsValue::from_str(old.expose()),
                    );
                }
                s.refresh.take()
            }
        };
        let out = access.expose().to_owned();
        s.access = Some(access);
        s.refresh = refresh;
        s.expires_at = expires_at;
        s.tokens = Some(ts);
        s.unsaved = true;
        Ok(out)
    }

    async fn persist(&self) -> Result<(), JsValue> {
        let ts = {
            let s = self.state.borrow();
            if !s.unsaved {
                return Ok(());
            }
            s.tokens.clone().unwrap_or(JsValue::UNDEFINED)
        };
        if let Some(store) = &self.on_tokens {
            let called = store.call1(&JsValue::UNDEFINED, &ts);
            match called {
                Ok(p) => await_promise(p).await.map_err(|_| {
                    err(ErrorCode::StoreFailed, "onTokens failed: the new tokens are not saved (they are kept in memory and offered again on the next call)")
                })?,
                Err(_) => {
                    return Err(err(ErrorCode::StoreFailed, "onTokens failed: the new tokens are not saved (they are kept in memory and offered again on the next call)"))
                }
            };
        }
        self.state.borrow_mut().unsaved = false;
        Ok(())
    }

    /// Refreshes (or renews) and stores; resolves to the new access token.
    async fn refresh_task(self: Rc<Self>, force: bool) -> Result<JsValue, JsValue> {
        // Yield once so the promise is registered as in flight before any of this runs.
        let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
        let result = self.clone().refresh_inner(force).await;
        self.state.borrow_mut().inflight = None;
        result
    }

    async fn refresh_inner(self: Rc<Self>, force: bool) -> Result<JsValue, JsValue> {
        if let Some(e) = self.state.borrow().reconnect.clone() {
            return Err(e);
        }
        // Tokens that are valid but not yet stored: store them, no request.
        if !force && self.state.borrow().unsaved {
            if let Some(a) = self.valid_access() {
                self.persist().await?;
                return Ok(JsValue::from_str(&a));
            }
        }
        if !force {
            if let Some(a) = self.valid_access() {
                return Ok(JsValue::from_str(&a));
            }
        }
        let rt = self.state.borrow().refresh.clone();
        let pending = match (&rt, &self.renew) {
            (Some(rt), _) => {
                let f: Function = Reflect::get(&self.client, &JsValue::from_str("refresh"))
                    .ok()
                    .and_then(|f| f.dyn_into().ok())
                    .ok_or_else(|| err(ErrorCode::InvalidArgument, "the session's client has no refresh() method"))?;
                f.call1(&self.client, &JsValue::from_str(rt.expose()))?
            }
            (None, Some(renew)) => renew.call0(&JsValue::UNDEFINED)?,
            (None, None) => {
                return Err(err(
                    ErrorCode::NoRefreshToken,
                    "the access token has expired and there is no refresh token (or renew function) to get another",
                ))
            }
        };
        let ts = match await_promise(pending).await {
            Ok(ts) => ts,
            Err(e) => {
                if code_of(&e).as_deref() == Some("RECONNECT_REQUIRED") {
                    let mut s = self.state.borrow_mut();
                    s.reconnect = Some(e.clone());
                    s.refresh = None;
                    s.access = None;
                }
                return Err(e);
            }
        };
        let access = self.adopt(ts)?;
        self.persist().await?;
        Ok(JsValue::from_str(&access))
    }

    fn start(self: &Rc<Self>, force: bool) -> Promise {
        if let Some(p) = self.state.borrow().inflight.clone() {
            return p;
        }
        let me = self.clone();
        let p = spawn_js(Box::pin(me.refresh_task(force)));
        self.state.borrow_mut().inflight = Some(p.clone());
        p
    }

    fn get_access_token(self: &Rc<Self>) -> Promise {
        if let Some(e) = self.state.borrow().reconnect.clone() {
            return Promise::reject(&e);
        }
        if !self.state.borrow().unsaved {
            if let Some(a) = self.valid_access() {
                return Promise::resolve(&JsValue::from_str(&a));
            }
        }
        self.start(false)
    }
}

/// `fetch(input, init)` with `Authorization: Bearer <token>` added.
pub async fn authorized_fetch(
    f: Option<&Function>,
    input: &JsValue,
    init: &JsValue,
    token: &str,
) -> Result<JsValue, JsValue> {
    let given = if init.is_object() {
        Reflect::get(init, &JsValue::from_str("headers")).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let headers = if given.is_undefined() || given.is_null() {
        web_sys::Headers::new()
    } else {
        web_sys::Headers::new_with_str_sequence_sequence(&given)
    }
    .map_err(|_| {
        err(
            ErrorCode::InvalidArgument,
            "init.headers is not a valid HeadersInit",
        )
    })?;
    headers
        .set("authorization", &["Bearer ", token].concat())
        .map_err(|_| {
            err(
                ErrorCode::InvalidArgument,
                "the token cannot be sent in a header",
            )
        })?;
    let init2 = Object::new();
    if init.is_object() {
        Object::assign(&init2, init.unchecked_ref());
    }
    let _ = Reflect::set(&init2, &JsValue::from_str("headers"), &headers);
    let p = call_fetch(f, input, &init2).map_err(|e| network(&e))?;
    JsFuture::from(p).await.map_err(|e| network(&e))
}

fn network(e: &JsValue) -> JsValue {
    let name = Reflect::get(e, &JsValue::from_str("name"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    if name == "AbortError" {
        err(ErrorCode::Aborted, "the request was aborted")
    } else {
        err(
            ErrorCode::NetworkError,
            ["the request failed: ", &name]
                .concat()
                .trim_end_matches(": "),
        )
    }
}

fn status_of(resp: &JsValue) -> f64 {
    Reflect::get(resp, &JsValue::from_str("status"))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

#[wasm_bindgen]
impl TokenSession {
    /// `new TokenSession({ client, tokens?, onTokens?, renew?, skewMs?, now?, fetch? })`.
    /// `client` is any object with `refresh(refreshToken)` returning a Promise of a
    /// token set (every client class here). `renew` gets a new token set when there
    /// is no refresh token (e.g. `() => spendesk.apiKeyToken()`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TokenSessionOptions")] options: JsValue,
    ) -> Result<TokenSession, JsValue> {
        super::convert::options_object(&options)?;
        let client = get(&options, "client")?.unwrap_or(JsValue::UNDEFINED);
        let renew = opt_fn(&options, "renew")?;
        if !client.is_object() && renew.is_none() {
            return Err(err(
                ErrorCode::InvalidArgument,
                "options.client (or options.renew) is required",
            ));
        }
        let skew_ms = match get(&options, "skewMs")? {
            None => 60_000.0,
            Some(v) => v
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| {
                    err(
                        ErrorCode::InvalidArgument,
                        "options.skewMs must be a non-negative number",
                    )
                })?,
        };
        let inner = Rc::new(Inner {
            client,
            on_tokens: opt_fn(&options, "onTokens")?,
            renew,
            now: opt_fn(&options, "now")?,
            fetch: opt_fn(&options, "fetch")?,
            skew_ms,
            state: RefCell::new(State::default()),
        });
        if let Some(ts) = get(&options, "tokens")? {
            inner.adopt(ts)?;
            // Tokens passed in came from the app's store: nothing to save.
            inner.state.borrow_mut().unsaved = false;
        }
        Ok(TokenSession { inner })
    }

    /// A valid access token, refreshing ahead of expiry (one refresh for all concurrent callers).
    #[wasm_bindgen(js_name = getAccessToken, unchecked_return_type = "Promise<string>")]
    pub fn get_access_token(&self) -> Promise {
        self.inner.get_access_token()
    }

    /// Refreshes now (sharing a refresh already in flight); resolves to the new access token.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn refresh(&self) -> Promise {
        if let Some(e) = self.inner.state.borrow().reconnect.clone() {
            return Promise::reject(&e);
        }
        self.inner.start(true)
    }

    /// Replaces the tokens (e.g. after the user connected again); clears a reconnect state.
    #[wasm_bindgen(js_name = setTokens)]
    pub fn set_tokens(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TokenSet")] tokens: JsValue,
    ) -> Result<(), JsValue> {
        {
            let mut s = self.inner.state.borrow_mut();
            s.reconnect = None;
            s.refresh = None;
        }
        self.inner.adopt(tokens)?;
        self.inner.state.borrow_mut().unsaved = false;
        Ok(())
    }

    /// The current token set, if any.
    #[wasm_bindgen(getter, unchecked_return_type = "TokenSet | undefined")]
    pub fn tokens(&self) -> JsValue {
        self.inner
            .state
            .borrow()
            .tokens
            .clone()
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Whether the refresh token was refused and the user must connect again.
    #[wasm_bindgen(getter, js_name = reconnectRequired)]
    pub fn reconnect_required(&self) -> bool {
        self.inner.state.borrow().reconnect.is_some()
    }

    /// `fetch(input, init?)` with the bearer token; on a 401 it refreshes once
    /// (unless another call already did) and retries once; a second 401 is an
    /// `UNAUTHORIZED` error. Pass a URL, not a `Request` with a body, so the
    /// retry can resend it.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | URL")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RequestInit | undefined")] init: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn_js(Box::pin(async move {
            if !input.is_string() && !input.is_instance_of::<Object>() {
                return Err(err(
                    ErrorCode::InvalidArgument,
                    "input must be a URL string or URL",
                ));
            }
            // A URL object becomes its string form.
            let input = if input.is_string() {
                input
            } else {
                Reflect::get(&input, &JsValue::from_str("href"))
                    .ok()
                    .filter(|h| h.is_string())
                    .ok_or_else(|| {
                        err(
                            ErrorCode::InvalidArgument,
                            "input must be a URL string or URL",
                        )
                    })?
            };
            let used = string_arg(
                &JsFuture::from(inner.get_access_token()).await?,
                "accessToken",
            )?;
            let resp = authorized_fetch(inner.fetch.as_ref(), &input, &init, &used).await?;
            if status_of(&resp) != 401.0 {
                return Ok(resp);
            }
            let current = inner
                .state
                .borrow()
                .access
                .as_ref()
                .map(|a| a.expose().to_owned());
            let token = match current {
                Some(c) if c != used => c,
                _ => string_arg(&JsFuture::from(inner.start(true)).await?, "accessToken")?,
            };
            let resp = authorized_fetch(inner.fetch.as_ref(), &input, &init, &token).await?;
            if status_of(&resp) == 401.0 {
                return Err(js_error(
                    Error::new(
                        ErrorCode::Unauthorized,
                        "the API answered 401 even with a freshly refreshed access token",
                    )
                    .with_status(401),
                ));
            }
            Ok(resp)
        }))
    }
}
