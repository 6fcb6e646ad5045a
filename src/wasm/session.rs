//! Runs the core's sans-IO [`Session`] for the JS `TokenSession`: turns the
//! driver's inputs (JSON arguments) into the machine's inputs and hands back
//! the actions it queued, as JSON. No session decision is made here or in the
//! JS driver.
//!
//! The machines live in the boundary's slab (`super::take` / `super::restore`)
//! under the handle the JS object keeps. A machine is taken out for one
//! input; nothing in here calls JavaScript, so the driver can never re-enter
//! a machine while it runs.
//!
//! The payload of a token set is its JS object as JSON text; the fields the
//! machine owns (access token, refresh token, expiry) are written next to it
//! and the driver puts them into the object it hands out.

use super::ops::{bad, Args};
use super::{put, restore, take, Obj};
use crate::error::{Error, ErrorCode, Result};
use crate::json::write_str;
use crate::session::{
    Action, CallId, CallKind, RefreshOutcome, RequestId, Session, SessionConfig, StoreId, Tokens,
};
use crate::Secret;

/// A time in ms from the driver: fractions dropped, clamped to
/// `0..=MAX_SAFE_INTEGER` (`as` saturates; NaN and none are 0).
// (Not inlined: its clamp constant, 8 bytes of code, once.)
#[inline(never)]
fn ms(v: Option<f64>) -> u64 {
    v.map_or(0, |n| (n as u64).min(crate::session::MAX_SAFE_INTEGER))
}

/// A token set from `[accessToken, refreshToken?, expiresAt?, payloadJson]`
/// at `a[i]` (the driver checked the types). `strict`: the app's own sets
/// (`tokens`, `setTokens`) must have a finite `expiresAt`; a refresh's
/// result is clamped instead (never thrown away after a rotation).
fn tokens(a: &Args, i: usize, strict: bool) -> Result<Tokens<String>> {
    let f = a.arr(i);
    let access = f
        .ne(0)
        .ok_or_else(|| bad("accessToken must be a non-empty string"))?;
    // NaN never; an infinite one clamped (see `expires_at_from_f64`).
    let expires_at = match f.n(2) {
        Some(n) if n.is_nan() || strict && n.is_infinite() => {
            return Err(bad("expiresAt must be a finite number"))
        }
        None => None,
        n => Some(ms(n)),
    };
    Ok(Tokens::new(
        Secret::new(access),
        f.ne(1).map(Secret::new),
        expires_at,
        payload(&f, 3),
    ))
}

/// A set's payload, its JS object as JSON text at `a[i]` (`{}` for none).
fn payload(a: &Args, i: usize) -> String {
    a.s(i).unwrap_or("{}").to_owned()
}

/// An error from `[code, message, status?, error?, errorDescription?, errorUri?]`.
fn error_from(a: &Args, i: usize) -> Error {
    let f = a.arr(i);
    let code = ErrorCode::from_code(f.st(0)).unwrap_or(ErrorCode::NetworkError);
    let mut e = Error::new(code, f.st(1));
    if let Some(s) = f.n(2).filter(|s| (0.0..1000.0).contains(s)) {
        // (Below 1000: through u32, one saturating conversion, no clamp
        // to u16's range.)
        e = e.with_status(s as u32 as u16);
    }
    e.with_server_error(f.s(3), f.s(4), f.s(5))
}

/// Writes `,` and `n` (`null` for none).
fn put_int(r: &mut String, n: Option<u64>) {
    r.push(',');
    match n {
        Some(n) => super::out::int(r, n.min(i64::MAX as u64) as i64),
        None => r.push_str("null"),
    }
}

/// Writes `,` and the string `v` (`null` for none).
fn put_str(r: &mut String, v: Option<&Secret>) {
    r.push(',');
    match v {
        Some(v) => write_str(v.expose(), r),
        None => r.push_str("null"),
    }
}

/// Writes a token set for the driver, `[payload, accessToken, refreshToken?,
/// expiresAt?]` (`null` for none).
fn put_tokens(r: &mut String, t: Option<&Tokens<String>>) {
    let Some(t) = t else {
        r.push_str("null");
        return;
    };
    r.push('[');
    write_str(&t.payload, r);
    put_str(r, Some(&t.access_token));
    put_str(r, t.refresh_token.as_ref());
    put_int(r, t.expires_at);
    r.push(']');
}

/// Opens action `[kind, id`.
fn head(r: &mut String, kind: u8, id: u64) {
    r.push_str(",[");
    r.push(char::from(b'0' + kind));
    put_int(r, Some(id));
}

/// `[reconnect, deadline, ...actions]`: the reconnect flag (1/0), the next
/// deadline and the queued actions (`[kind, id, x?, y?]`, kinds 0 resolve,
/// 1 reject, 2 refresh, 3 renew, 4 store).
fn drain(s: &mut Session<String>) -> String {
    let mut r = String::from("[");
    r.push(char::from(b'0' + u8::from(s.reconnect_required())));
    put_int(&mut r, s.poll_timeout());
    let actions = s.actions_mut();
    for a in actions.iter() {
        // (Kind and id first: one `head` call.)
        let (kind, id) = match a {
            Action::Resolve { call, .. } => (0, call.0),
            Action::Reject { call, .. } => (1, call.0),
            Action::Refresh { id, .. } => (2, id.0),
            Action::Renew { id } => (3, id.0),
            Action::Store { id, .. } => (4, id.0),
        };
        head(&mut r, kind, id);
        match a {
            Action::Resolve {
                access_token: t, ..
            }
            | Action::Refresh {
                refresh_token: t, ..
            } => {
                put_str(&mut r, Some(t));
            }
            Action::Reject { error, .. } => {
                r.push(',');
                r.push_str(&super::error_json(error));
            }
            Action::Renew { .. } => {}
            Action::Store { next, previous, .. } => {
                r.push(',');
                put_tokens(&mut r, Some(next));
                r.push(',');
                put_tokens(&mut r, previous.as_deref());
            }
        }
        r.push(']');
    }
    actions.clear();
    r.push(']');
    r
}

/// `[_, _, handle, input, now, ...]`; inputs: 0 new, 1 check, 2 usable,
/// 3 tokens, 4 call, 5 set, 6 done, 7 stored, 8 tick (see the JS driver's
/// `TokenSession`).
pub fn op(a: &Args) -> Result<String> {
    // (The driver sends integers; none reads as an unknown input.)
    // (As u32: one saturating truncation, no clamp to a byte's range; any
    // number past the inputs is unknown either way.)
    let input = a.n(3).map_or(u32::MAX, |n| n as u32);
    let now = ms(a.n(4));
    // The inputs with a token set (new: the initial one, if any; check;
    // set) read it before anything else.
    // (Where the set is, chosen first: one `tokens` call site.)
    let at = match input {
        0 if a.given(10) => 10,
        1 | 5 => 5,
        _ => 0,
    };
    let set = if at != 0 {
        Some(tokens(a, at, true)?)
    } else {
        None
    };
    if input == 0 {
        // [.., now, skewMs, storeTimeoutMs, requestTimeoutMs, canRefresh, canRenew, tokens?]
        let d = SessionConfig::default();
        let dur = |i: usize, default: u64| match a.n(i) {
            None => default,
            Some(n) if n == f64::INFINITY => u64::MAX,
            Some(n) => ms(Some(n)),
        };
        let config = SessionConfig {
            skew_ms: dur(5, d.skew_ms),
            store_timeout_ms: dur(6, d.store_timeout_ms),
            request_timeout_ms: dur(7, d.request_timeout_ms),
            can_refresh: a.b(8),
            can_renew: a.b(9),
        };
        return Ok(put(Obj::Session(Box::new(Session::new(config, now, set)))));
    }
    if input == 1 {
        return Ok("0".into());
    }
    let h = a.n(2);
    let mut o = take(h)?;
    let r = match &mut o {
        // Only the set input has a set here (check and new returned).
        Obj::Session(s) => match set {
            Some(t) => {
                s.set_tokens(now, t);
                Ok(drain(s))
            }
            None => step(s, a, input, now),
        },
        // Another kind of object (only a driver mismatch): put back
        // untouched; no session behind the handle, as `take` says.
        _ => Err(bad("this object is gone")),
    };
    // (One site puts the object back, whatever it is.)
    restore(h, Some(o));
    r
}

fn step(s: &mut Session<String>, a: &Args, input: u32, now: u64) -> Result<String> {
    // (Read like a time: the driver's ids are counters far below 2^53.)
    let id = ms(a.n(5));
    match input {
        2 => {
            let Some(t) = s.usable_access_token(now) else {
                return Ok("null".into());
            };
            let until = s.holds_until();
            // Until when (with no other input) the same answer holds: the
            // driver may hand the token out before then without asking again.
            let mut r = String::from("[");
            write_str(t.expose(), &mut r);
            // (Clamped by `ms`: exact below 2^53, clamped above.)
            put_int(&mut r, Some(ms(Some(until as f64))));
            r.push(']');
            return Ok(r);
        }
        3 => {
            let mut r = String::new();
            put_tokens(&mut r, s.tokens());
            return Ok(r);
        }
        4 => {
            let kind = match a.n(6).map_or(0, |n| n as u32) {
                1 => CallKind::ForceRefresh,
                2 => CallKind::Unauthorized {
                    used: Secret::new(a.st(7)),
                },
                _ => CallKind::GetAccessToken,
            };
            s.call(now, CallId(id), kind);
        }
        6 => {
            // [.., id, true, tokens] | [.., id, false, error, sent, issuedRefreshToken?, payload?]
            let outcome = if a.b(6) {
                match tokens(a, 7, false) {
                    Ok(t) => RefreshOutcome::Issued(t),
                    Err(e) => RefreshOutcome::Failed(e),
                }
            } else {
                let e = error_from(a, 7);
                match a.ne(9) {
                    Some(rt) if e.code() != ErrorCode::ReconnectRequired => {
                        RefreshOutcome::IssuedInvalid {
                            error: e,
                            refresh_token: Some(Secret::new(rt)),
                            payload: payload(a, 10),
                        }
                    }
                    _ => RefreshOutcome::from_error(e, a.b(8)),
                }
            };
            s.refresh_done(now, RequestId(id), outcome);
        }
        7 => {
            let r = if a.b(6) {
                Ok(())
            } else {
                Err(Error::new(
                    ErrorCode::StoreFailed,
                    crate::session::MSG_STORE_FAILED,
                ))
            };
            s.store_done(now, StoreId(id), r);
        }
        8 => s.handle_timeout(now),
        // (The driver sends only the inputs above: the same text as ops.)
        _ => return Err(bad("unknown operation")),
    }
    Ok(drain(s))
}
