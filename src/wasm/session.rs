//! Runs the core's sans-IO [`Session`] for the JS `TokenSession`: turns the
//! driver's inputs (JSON arguments) into the machine's inputs and hands back
//! the actions it queued, as JSON. No session decision is made here or in the
//! JS driver.
//!
//! The machines live in a slab indexed by a handle the JS object keeps (freed
//! by a `FinalizationRegistry` when the object is collected). The borrow of
//! the slab lasts one input; nothing in here calls JavaScript, so the driver
//! can never re-enter a machine while it runs.
//!
//! The payload of a token set is its JS object as JSON text; the fields the
//! machine owns (access token, refresh token, expiry) are written next to it
//! and the driver puts them into the object it hands out.

use super::ops::Args;
use super::out::{self, Out};
use crate::error::{Error, ErrorCode, Result};
use crate::json::Value;
use crate::session::{
    expires_at_from_f64, Action, CallId, CallKind, RefreshOutcome, RequestId, Session,
    SessionConfig, StoreId, Tokens,
};
use crate::Secret;
use std::cell::RefCell;

thread_local! {
    static SLAB: RefCell<Vec<Option<Session<String>>>> = const { RefCell::new(Vec::new()) };
}

/// 2^53 − 1: the largest time the driver can hold exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

fn bad(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

fn ms(v: Option<f64>) -> u64 {
    v.map(|n| expires_at_from_f64(n).unwrap_or(0)).unwrap_or(0)
}

/// A token set from `[accessToken, refreshToken?, expiresAt?, payloadJson]`
/// at `a[i]` (the driver checked the types). `strict`: the app's own sets
/// (`tokens`, `setTokens`) must have a finite `expiresAt`; a refresh's
/// result is clamped instead (never thrown away after a rotation).
fn tokens(a: &Args, i: usize, strict: bool) -> Result<Tokens<String>> {
    let Some(Value::Array(t)) = a.0.get(i) else {
        return Err(bad("a token set needs accessToken (a non-empty string)"));
    };
    let f = Args(crate::json::parse_array_within(t, usize::MAX).unwrap_or_default());
    let access = f
        .ne(0)
        .ok_or_else(|| bad("a token set needs accessToken (a non-empty string)"))?;
    let expires_at = match f.n(2) {
        None if f.given(2) => {
            return Err(bad(
                "a token set's expiresAt must be a number (ms since the epoch)",
            ))
        }
        None => None,
        Some(n) if strict && !n.is_finite() => {
            return Err(bad(
                "a token set's expiresAt must be a finite number (ms since the epoch)",
            ))
        }
        Some(n) => Some(expires_at_from_f64(n)?),
    };
    Ok(Tokens::new(
        Secret::new(access),
        f.ne(1).map(Secret::new),
        expires_at,
        f.s(3).unwrap_or_else(|| "{}".into()),
    ))
}

/// An error from `[code, message, status?, error?, errorDescription?, errorUri?]`.
fn error_from(a: &Args, i: usize) -> Error {
    let Some(Value::Array(t)) = a.0.get(i) else {
        return Error::new(ErrorCode::NetworkError, "the request failed");
    };
    let f = Args(crate::json::parse_array_within(t, usize::MAX).unwrap_or_default());
    let code = f.s(0).unwrap_or_default();
    let code = ErrorCode::from_code(&code).unwrap_or(ErrorCode::NetworkError);
    let mut e = Error::new(code, f.s(1).unwrap_or_default());
    if let Some(s) = f.n(2).filter(|s| (0.0..1000.0).contains(s)) {
        e = e.with_status(s as u16);
    }
    let (er, d, u) = (f.s(3), f.s(4), f.s(5));
    if er.is_some() || d.is_some() || u.is_some() {
        e = e.with_server_error(er.as_deref(), d.as_deref(), u.as_deref());
    }
    e
}

/// A token set as JSON for the driver: `[payload, accessToken, refreshToken?, expiresAt?]`.
fn tokens_json(t: &Tokens<String>) -> String {
    let mut o = Out::arr();
    o.push_raw(&out::string(&t.payload));
    o.push_s(t.access_token.expose());
    match &t.refresh_token {
        Some(r) => o.push_s(r.expose()),
        None => o.push_raw("null"),
    }
    match t.expires_at {
        Some(e) => o.push_raw(&crate::encoding::decimal(e.min(i64::MAX as u64) as i64)),
        None => o.push_raw("null"),
    }
    o.end()
}

fn error_json(e: &Error) -> String {
    super::error_json(e)
}

/// The queued actions, the next deadline and the reconnect flag.
fn drain(s: &mut Session<String>) -> String {
    let mut acts = Out::arr();
    while let Some(a) = s.poll_action() {
        let mut o = Out::arr();
        match a {
            Action::Refresh { id, refresh_token } => {
                o.push_s("refresh");
                o.push_raw(&id_json(id.0));
                o.push_s(refresh_token.expose());
            }
            Action::Renew { id } => {
                o.push_s("renew");
                o.push_raw(&id_json(id.0));
            }
            Action::Store { id, next, previous } => {
                o.push_s("store");
                o.push_raw(&id_json(id.0));
                o.push_raw(&tokens_json(&next));
                o.push_raw(&previous.as_ref().map_or("null".into(), tokens_json));
            }
            Action::Resolve { call, access_token } => {
                o.push_s("resolve");
                o.push_raw(&id_json(call.0));
                o.push_s(access_token.expose());
            }
            Action::Reject { call, error } => {
                o.push_s("reject");
                o.push_raw(&id_json(call.0));
                o.push_raw(&error_json(&error));
            }
        }
        acts.push_raw(&o.end());
    }
    let mut r = Out::obj();
    r.raw("a", &acts.end());
    r.raw("t", &s.poll_timeout().map_or("null".into(), id_json));
    r.raw(
        "r",
        if s.reconnect_required() {
            "true"
        } else {
            "false"
        },
    );
    r.end()
}

fn id_json(n: u64) -> String {
    crate::encoding::decimal(n.min(i64::MAX as u64) as i64)
}

/// `[handle, input, now, ...]`; see the JS driver's `TokenSession`.
pub fn op(a: &Args) -> Result<String> {
    let input = a.s(1).unwrap_or_default();
    let now = ms(a.n(2));
    if input == "new" {
        // [_, "new", now, skewMs, storeTimeoutMs, requestTimeoutMs, canRefresh, canRenew, tokens?]
        let d = SessionConfig::default();
        let dur = |i: usize, default: u64| match a.n(i) {
            None => default,
            Some(n) if n == f64::INFINITY => u64::MAX,
            Some(n) => ms(Some(n)),
        };
        let config = SessionConfig {
            skew_ms: dur(3, d.skew_ms),
            store_timeout_ms: dur(4, d.store_timeout_ms),
            request_timeout_ms: dur(5, d.request_timeout_ms),
            can_refresh: a.b(6),
            can_renew: a.b(7),
        };
        let initial = if a.given(8) {
            Some(tokens(a, 8, true)?)
        } else {
            None
        };
        let s = Session::new(config, now, initial);
        return SLAB.with(|slab| {
            let mut slab = slab.borrow_mut();
            let h = match slab.iter().position(Option::is_none) {
                Some(h) => {
                    slab[h] = Some(s);
                    h
                }
                None => {
                    slab.push(Some(s));
                    slab.len() - 1
                }
            };
            Ok(crate::encoding::decimal(h as i64))
        });
    }
    if input == "check" {
        tokens(a, 3, true)?;
        return Ok("0".into());
    }
    let h = a.n(0).unwrap_or(-1.0);
    // Inputs that need a token set or an error are read before the borrow.
    let set = if input == "set" {
        Some(tokens(a, 3, true)?)
    } else {
        None
    };
    SLAB.with(|slab| {
        let mut slab = slab.borrow_mut();
        let idx = if h >= 0.0 { h as usize } else { usize::MAX };
        if input == "free" {
            if let Some(e) = slab.get_mut(idx) {
                *e = None;
            }
            return Ok("0".into());
        }
        let s = slab
            .get_mut(idx)
            .and_then(Option::as_mut)
            .ok_or_else(|| bad("this TokenSession is gone"))?;
        let id = a.n(3).unwrap_or(0.0) as u64;
        match input.as_str() {
            "usable" => {
                let Some(t) = s.usable_access_token(now) else {
                    return Ok("null".into());
                };
                // Until when (with no other input) the same answer holds: the
                // first time the machine would say no, found by bisection
                // (freshness only ends as time goes on). The driver may hand
                // the token out before then without asking again.
                let mut o = Out::arr();
                o.push_s(t.expose());
                let mut lo = now;
                let mut hi = s.expires_at().unwrap_or(MAX_SAFE).min(MAX_SAFE);
                if s.usable_access_token(hi).is_some() {
                    lo = hi;
                }
                while hi > lo + 1 {
                    let mid = lo + (hi - lo) / 2;
                    if s.usable_access_token(mid).is_some() {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                o.push_raw(&id_json(lo));
                return Ok(o.end());
            }
            "tokens" => return Ok(s.tokens().map_or("null".into(), tokens_json)),
            "call" => {
                let kind = match a.n(4) {
                    Some(1.0) => CallKind::ForceRefresh,
                    Some(2.0) => CallKind::Unauthorized {
                        used: Secret::new(a.s(5).unwrap_or_default()),
                    },
                    _ => CallKind::GetAccessToken,
                };
                s.call(now, CallId(id), kind);
            }
            "set" => {
                if let Some(t) = set {
                    s.set_tokens(now, t);
                }
            }
            "done" => {
                // [h, "done", now, id, "issued", tokens] | [.., "error", error, sent, issuedRefreshToken?, payload?]
                let outcome = if a.s(4).as_deref() == Some("issued") {
                    match tokens(a, 5, false) {
                        Ok(t) => RefreshOutcome::Issued(t),
                        Err(e) => RefreshOutcome::Failed(e),
                    }
                } else {
                    let e = error_from(a, 5);
                    match a.ne(7) {
                        Some(rt) if e.code() != ErrorCode::ReconnectRequired => {
                            RefreshOutcome::IssuedInvalid {
                                error: e,
                                refresh_token: Some(Secret::new(rt)),
                                payload: a.s(8).unwrap_or_else(|| "{}".into()),
                            }
                        }
                        _ => RefreshOutcome::from_error(e, a.b(6)),
                    }
                };
                s.refresh_done(now, RequestId(id), outcome);
            }
            "stored" => {
                let r = if a.b(4) {
                    Ok(())
                } else {
                    Err(Error::new(
                        ErrorCode::StoreFailed,
                        "onTokens failed: the new tokens are not saved (they are kept in memory and offered again on the next call)",
                    ))
                };
                s.store_done(now, StoreId(id), r);
            }
            "tick" => s.handle_timeout(now),
            _ => return Err(bad("unknown session input")),
        }
        Ok(drain(s))
    })
}
