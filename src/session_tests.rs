//! Unit tests of the session state machine with a fake clock and a scripted
//! transport and store: each test plays one schedule by hand.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const T0: u64 = 1_700_000_000_000;
const MIN: u64 = 60_000;

fn sec(v: &str) -> Secret {
    Secret::new(v)
}

fn toks(access: &str, refresh: Option<&str>, expires_at: Option<u64>) -> Tokens<u32> {
    Tokens::new(sec(access), refresh.map(sec), expires_at, 0)
}

fn issued(access: &str, refresh: Option<&str>, expires_at: Option<u64>) -> RefreshOutcome<u32> {
    RefreshOutcome::Issued(toks(access, refresh, expires_at))
}

fn session(initial: Option<Tokens<u32>>) -> Session<u32> {
    Session::new(SessionConfig::default(), T0, initial)
}

fn drain(s: &mut Session<u32>) -> Vec<Action<u32>> {
    core::iter::from_fn(|| s.poll_action()).collect()
}

/// One action, which must be a Refresh; returns its id and token.
fn expect_refresh(a: &[Action<u32>]) -> (RequestId, String) {
    match a {
        [Action::Refresh { id, refresh_token }] => (*id, refresh_token.expose().to_owned()),
        other => panic!("expected one Refresh, got {other:?}"),
    }
}

fn expect_store(a: &[Action<u32>]) -> (StoreId, Tokens<u32>, Option<Tokens<u32>>) {
    match a {
        [Action::Store { id, next, previous }] => {
            (*id, (**next).clone(), previous.as_deref().cloned())
        }
        other => panic!("expected one Store, got {other:?}"),
    }
}

fn resolved(a: &[Action<u32>]) -> Vec<(u64, String)> {
    a.iter()
        .filter_map(|a| match a {
            Action::Resolve { call, access_token } => {
                Some((call.0, access_token.expose().to_owned()))
            }
            _ => None,
        })
        .collect()
}

fn rejected(a: &[Action<u32>]) -> Vec<(u64, ErrorCode)> {
    a.iter()
        .filter_map(|a| match a {
            Action::Reject { call, error } => Some((call.0, error.code())),
            _ => None,
        })
        .collect()
}

fn get(s: &mut Session<u32>, now: u64, id: u64) -> Vec<Action<u32>> {
    s.call(now, CallId(id), CallKind::GetAccessToken);
    drain(s)
}

fn net_error() -> Error {
    Error::new(ErrorCode::NetworkError, "the request failed")
}

#[test]
fn valid_token_is_handed_out_without_requests() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0 + 10 * MIN))));
    let a = get(&mut s, T0 + MIN, 1);
    assert_eq!(resolved(&a), vec![(1, "a1".to_owned())]);
    assert_eq!(a.len(), 1);
    assert_eq!(s.poll_timeout(), None);
    assert_eq!(
        s.usable_access_token(T0 + MIN).map(|t| t.expose()),
        Some("a1")
    );
}

#[test]
fn single_flight_store_before_use_and_previous() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0 + 10 * MIN))));
    let now = T0 + 9 * MIN + 1; // within the 60 s skew
    let (rid, rt) = expect_refresh(&get(&mut s, now, 1));
    assert_eq!(rt, "r1");
    // Two more callers share the request.
    assert!(get(&mut s, now, 2).is_empty());
    s.call(now, CallId(3), CallKind::ForceRefresh);
    assert!(drain(&mut s).is_empty());
    assert_eq!(s.poll_timeout(), Some(now + DEFAULT_REQUEST_TIMEOUT_MS));

    s.refresh_done(now + 5, rid, issued("a2", Some("r2"), Some(now + 10 * MIN)));
    let (sid, next, prev) = expect_store(&drain(&mut s));
    assert_eq!(next.access_token.expose(), "a2");
    assert_eq!(next.refresh_token.as_ref().map(|r| r.expose()), Some("r2"));
    assert_eq!(
        prev.map(|p| p.access_token.expose().to_owned()),
        Some("a1".into())
    );
    // Not handed out before the store acknowledged it.
    assert!(get(&mut s, now + 6, 4).is_empty());
    assert_eq!(s.usable_access_token(now + 6), None);
    assert_eq!(s.poll_timeout(), Some(now + 5 + DEFAULT_STORE_TIMEOUT_MS));

    s.store_done(now + 7, sid, Ok(()));
    let mut got = resolved(&drain(&mut s));
    got.sort();
    let want: Vec<(u64, String)> = (1..=4).map(|i| (i, "a2".to_owned())).collect();
    assert_eq!(got, want);
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn store_failure_keeps_tokens_pending_and_offers_them_again() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(T0, rid, issued("a2", Some("r2"), Some(T0 + 10 * MIN)));
    let (sid, ..) = expect_store(&drain(&mut s));
    s.store_done(
        T0 + 1,
        sid,
        Err(Error::new(ErrorCode::InvalidArgument, "db down")),
    );
    assert_eq!(rejected(&drain(&mut s)), vec![(1, ErrorCode::StoreFailed)]);
    assert!(s.store_pending());
    // The next call offers the same set again, with no request.
    let (sid2, next, prev) = expect_store(&get(&mut s, T0 + 2, 2));
    assert_eq!(next.refresh_token.as_ref().map(|r| r.expose()), Some("r2"));
    assert_eq!(
        prev.map(|p| p.access_token.expose().to_owned()),
        Some("a1".into())
    );
    s.store_done(T0 + 3, sid2, Ok(()));
    assert_eq!(resolved(&drain(&mut s)), vec![(2, "a2".to_owned())]);
}

#[test]
fn store_timeout_fails_callers_and_late_ack_counts() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(T0, rid, issued("a2", Some("r2"), Some(T0 + 10 * MIN)));
    let (sid, ..) = expect_store(&drain(&mut s));
    let deadline = s.poll_timeout().unwrap_or(0);
    assert_eq!(deadline, T0 + DEFAULT_STORE_TIMEOUT_MS);
    s.handle_timeout(deadline - 1);
    assert!(drain(&mut s).is_empty());
    s.handle_timeout(deadline);
    assert_eq!(rejected(&drain(&mut s)), vec![(1, ErrorCode::StoreFailed)]);
    assert_eq!(s.poll_timeout(), None);
    // The abandoned store finally succeeds: the set counts as stored.
    s.store_done(deadline + 10, sid, Ok(()));
    assert!(!s.store_pending());
    assert_eq!(
        resolved(&get(&mut s, deadline + 11, 2)),
        vec![(2, "a2".to_owned())]
    );
    // A late failure of an unknown or finished store is ignored.
    s.store_done(deadline + 12, sid, Err(net_error()));
    s.store_done(deadline + 12, StoreId(999), Err(net_error()));
    assert!(drain(&mut s).is_empty());
}

#[test]
fn ambiguous_failure_spends_the_refresh_token() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0 + 10 * MIN))));
    let now = T0 + 9 * MIN + 30_000;
    let (rid, _) = expect_refresh(&get(&mut s, now, 1));
    s.call(now, CallId(9), CallKind::ForceRefresh);
    s.refresh_done(now + 1, rid, RefreshOutcome::Failed(net_error()));
    let a = drain(&mut s);
    // The caller inside the skew still gets the unexpired token; the forced
    // refresh gets the error.
    assert_eq!(resolved(&a), vec![(1, "a1".to_owned())]);
    assert_eq!(rejected(&a), vec![(9, ErrorCode::NetworkError)]);
    assert!(s.reconnect_required());
    // The access token is still good for a while: handed out, no request.
    assert_eq!(
        resolved(&get(&mut s, now + 2, 2)),
        vec![(2, "a1".to_owned())]
    );
    // Once it is not, no request: RECONNECT_REQUIRED.
    let a = get(&mut s, T0 + 10 * MIN, 3);
    assert_eq!(rejected(&a), vec![(3, ErrorCode::ReconnectRequired)]);
    // New tokens from the app clear it.
    s.set_tokens(T0 + 11 * MIN, toks("b1", Some("q1"), Some(T0 + 30 * MIN)));
    assert!(!s.reconnect_required());
    assert_eq!(
        resolved(&get(&mut s, T0 + 11 * MIN, 4)),
        vec![(4, "b1".to_owned())]
    );
}

#[test]
fn no_reconnect_required_while_the_refresh_is_under_way() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0 + 10 * MIN))));
    let now = T0 + 10 * MIN;
    let (rid, _) = expect_refresh(&get(&mut s, now, 1));
    // The refresh token is on its way to the server: its answer decides.
    assert!(!s.reconnect_required());
    s.refresh_done(now + 1, rid, issued("a2", Some("r2"), Some(T0 + 30 * MIN)));
    let (sid, _, _) = expect_store(&drain(&mut s));
    assert!(!s.reconnect_required());
    s.store_done(now + 2, sid, Ok(()));
    assert_eq!(resolved(&drain(&mut s)), vec![(1, "a2".to_owned())]);
    assert!(!s.reconnect_required());
}

#[test]
fn ambiguous_failure_with_renew_renews() {
    let cfg = SessionConfig {
        can_renew: true,
        ..SessionConfig::default()
    };
    let mut s = Session::new(cfg, T0, Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(T0, rid, RefreshOutcome::Failed(net_error()));
    assert_eq!(rejected(&drain(&mut s)), vec![(1, ErrorCode::NetworkError)]);
    assert!(!s.reconnect_required());
    let a = get(&mut s, T0, 2);
    let Some(Action::Renew { id }) = a.first() else {
        panic!("expected Renew, got {a:?}")
    };
    s.refresh_done(T0, *id, issued("k1", None, Some(T0 + 60 * MIN)));
    let (sid, next, _) = expect_store(&drain(&mut s));
    // The spent refresh token is not carried over into the renewed set.
    assert!(next.refresh_token.is_none());
    s.store_done(T0, sid, Ok(()));
    assert_eq!(resolved(&drain(&mut s)), vec![(2, "k1".to_owned())]);
}

#[test]
fn not_sent_keeps_the_refresh_token_usable() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(
        T0,
        rid,
        RefreshOutcome::NotSent(Error::new(ErrorCode::InvalidArgument, "no refresh()")),
    );
    assert_eq!(
        rejected(&drain(&mut s)),
        vec![(1, ErrorCode::InvalidArgument)]
    );
    assert!(!s.reconnect_required());
    let (_, rt) = expect_refresh(&get(&mut s, T0, 2));
    assert_eq!(rt, "r1");
}

#[test]
fn refused_is_sticky_until_set_tokens() {
    // With renew available and an access token that has not expired, a
    // refusal still stops everything: no token, no renew.
    let cfg = SessionConfig {
        can_renew: true,
        ..SessionConfig::default()
    };
    let mut s = Session::new(cfg, T0, Some(toks("a1", Some("r1"), Some(T0 + 10 * MIN))));
    s.call(T0, CallId(1), CallKind::ForceRefresh);
    let (rid, _) = expect_refresh(&drain(&mut s));
    s.call(T0, CallId(2), CallKind::ForceRefresh);
    assert!(drain(&mut s).is_empty());
    s.refresh_done(
        T0,
        rid,
        RefreshOutcome::Refused(Error::new(ErrorCode::ReconnectRequired, "invalid_grant")),
    );
    let mut r = rejected(&drain(&mut s));
    r.sort_by_key(|(c, _)| *c);
    assert_eq!(
        r,
        vec![
            (1, ErrorCode::ReconnectRequired),
            (2, ErrorCode::ReconnectRequired)
        ]
    );
    assert!(s.reconnect_required());
    for (i, kind) in [
        CallKind::GetAccessToken,
        CallKind::ForceRefresh,
        CallKind::Unauthorized { used: sec("a1") },
    ]
    .into_iter()
    .enumerate()
    {
        s.call(T0 + 1, CallId(10 + i as u64), kind);
        let a = drain(&mut s);
        assert_eq!(
            rejected(&a),
            vec![(10 + i as u64, ErrorCode::ReconnectRequired)]
        );
        assert_eq!(a.len(), 1, "no request after a refusal: {a:?}");
    }
    // A refusal reported with another code is still RECONNECT_REQUIRED.
    s.set_tokens(T0 + 2, toks("b1", Some("q1"), Some(T0)));
    let (rid, rt) = expect_refresh(&get(&mut s, T0 + 2, 20));
    assert_eq!(rt, "q1");
    s.refresh_done(T0 + 2, rid, RefreshOutcome::Refused(net_error()));
    assert_eq!(
        rejected(&drain(&mut s)),
        vec![(20, ErrorCode::ReconnectRequired)]
    );
}

#[test]
fn set_tokens_wins_over_an_earlier_refresh() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.set_tokens(T0 + 1, toks("b1", Some("q1"), Some(T0 + 30 * MIN)));
    // The waiting caller gets the app's fresh token.
    assert_eq!(resolved(&drain(&mut s)), vec![(1, "b1".to_owned())]);
    s.refresh_done(T0 + 2, rid, issued("a2", Some("r2"), Some(T0 + 10 * MIN)));
    assert!(drain(&mut s).is_empty(), "a stale result is not stored");
    assert_eq!(s.tokens().map(|t| t.access_token.expose()), Some("b1"));
    assert_eq!(
        resolved(&get(&mut s, T0 + 3, 2)),
        vec![(2, "b1".to_owned())]
    );
}

#[test]
fn set_tokens_with_the_inflight_refresh_token_adopts_its_successor() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    // The app reloads the same set from its store meanwhile.
    s.set_tokens(T0 + 1, toks("a1", Some("r1"), Some(T0)));
    assert!(drain(&mut s).is_empty());
    s.refresh_done(T0 + 2, rid, issued("a2", Some("r2"), Some(T0 + 10 * MIN)));
    let (sid, next, _) = expect_store(&drain(&mut s));
    assert_eq!(next.refresh_token.as_ref().map(|r| r.expose()), Some("r2"));
    s.store_done(T0 + 3, sid, Ok(()));
    assert_eq!(resolved(&drain(&mut s)), vec![(1, "a2".to_owned())]);
}

#[test]
fn set_tokens_with_a_spent_refresh_token_does_not_resend_it() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(T0, rid, RefreshOutcome::Failed(net_error()));
    drain(&mut s);
    s.set_tokens(T0 + 1, toks("a1", Some("r1"), Some(T0)));
    let a = get(&mut s, T0 + 1, 2);
    assert_eq!(rejected(&a), vec![(2, ErrorCode::ReconnectRequired)]);
    assert_eq!(a.len(), 1);
}

/// Rotates `n` times from `r0`: each refresh presents `r{i}` and gets
/// `r{i+1}`, stored at once. Returns the time after the last rotation.
fn rotate(s: &mut Session<u32>, n: u64) -> u64 {
    let mut now = T0;
    for i in 0..n {
        now += 10 * MIN;
        let (rid, rt) = expect_refresh(&get(s, now, 2 * i));
        assert_eq!(rt, format!("r{i}"));
        let next = format!("r{}", i + 1);
        s.refresh_done(
            now,
            rid,
            issued(&format!("a{}", i + 1), Some(&next), Some(now + MIN)),
        );
        let a = drain(s);
        let store: Vec<_> = a
            .iter()
            .filter(|a| matches!(a, Action::Store { .. }))
            .cloned()
            .collect();
        let (sid, ..) = expect_store(&store);
        s.store_done(now, sid, Ok(()));
        drain(s);
    }
    now
}

#[test]
fn many_rotations_later_a_spent_refresh_token_is_still_not_resent() {
    // More rotations than any small memory of spent tokens holds.
    let mut s = session(Some(toks("a0", Some("r0"), Some(T0))));
    let now = rotate(&mut s, 40);
    // The app restores an old backup: every spent token stays spent.
    for i in 0..40 {
        s.set_tokens(now, toks("a0", Some(&format!("r{i}")), Some(T0)));
        assert!(s.reconnect_required(), "r{i} counts as unspent again");
        let a = get(&mut s, now, 1000 + i);
        assert_eq!(rejected(&a), vec![(1000 + i, ErrorCode::ReconnectRequired)]);
        assert_eq!(a.len(), 1, "{a:?}");
    }
    // The current one was never presented.
    s.set_tokens(now, toks("a40", Some("r40"), Some(T0)));
    assert!(!s.reconnect_required());
    let (_, rt) = expect_refresh(&get(&mut s, now, 2000));
    assert_eq!(rt, "r40");
}

#[test]
fn spent_tokens_beyond_the_exact_list_are_not_forgotten() {
    let n = SPENT_EXACT + 1_000;
    let mut spent = Spent::default();
    for i in 0..n {
        spent.insert(&sec(&format!("r{i}")));
    }
    assert_eq!(spent.recent.len(), SPENT_EXACT);
    assert!((0..n).all(|i| spent.contains(&sec(&format!("r{i}")))));
    // Unspent tokens are not taken for spent ones (no false positive here).
    assert!((0..1_000).all(|i| !spent.contains(&sec(&format!("q{i}")))));
    // The last one can be un-spent; the others stay.
    spent.remove(&sec(&format!("r{}", n - 1)));
    assert!(!spent.contains(&sec(&format!("r{}", n - 1))));
    assert!(spent.contains(&sec(&format!("r{}", n - 2))));
}

#[test]
fn request_deadline_then_late_answer_is_kept() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    let deadline = s.poll_timeout().unwrap_or(0);
    assert_eq!(deadline, T0 + DEFAULT_REQUEST_TIMEOUT_MS);
    s.handle_timeout(deadline);
    assert_eq!(rejected(&drain(&mut s)), vec![(1, ErrorCode::Timeout)]);
    assert_eq!(s.poll_timeout(), None);
    // No second request with r1.
    let a = get(&mut s, deadline + 1, 2);
    assert_eq!(rejected(&a), vec![(2, ErrorCode::ReconnectRequired)]);
    // The answer arrives after all: the rotated set is stored and used.
    s.refresh_done(
        deadline + 2,
        rid,
        issued("a2", Some("r2"), Some(deadline + 10 * MIN)),
    );
    let (sid, next, _) = expect_store(&drain(&mut s));
    assert_eq!(next.refresh_token.as_ref().map(|r| r.expose()), Some("r2"));
    s.store_done(deadline + 3, sid, Ok(()));
    assert!(!s.reconnect_required());
    assert_eq!(
        resolved(&get(&mut s, deadline + 4, 3)),
        vec![(3, "a2".to_owned())]
    );
    // A second answer for the same id is ignored.
    s.refresh_done(deadline + 5, rid, issued("zz", Some("zz"), None));
    assert!(drain(&mut s).is_empty());
}

#[test]
fn invalid_answer_with_rotated_refresh_token_keeps_it() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(
        T0,
        rid,
        RefreshOutcome::IssuedInvalid {
            error: Error::new(ErrorCode::InvalidResponse, "the token_type is not Bearer"),
            refresh_token: Some(sec("r2")),
            payload: 7,
        },
    );
    let a = drain(&mut s);
    assert_eq!(rejected(&a), vec![(1, ErrorCode::InvalidResponse)]);
    let store: Vec<_> = a
        .iter()
        .filter(|a| matches!(a, Action::Store { .. }))
        .cloned()
        .collect();
    let (sid, next, _) = expect_store(&store);
    assert_eq!(next.refresh_token.as_ref().map(|r| r.expose()), Some("r2"));
    assert_eq!(next.expires_at, Some(0));
    assert_eq!(next.payload, 7);
    assert!(!s.reconnect_required());
    s.store_done(T0 + 1, sid, Ok(()));
    // The next call refreshes with the new refresh token, never r1.
    let (_, rt) = expect_refresh(&get(&mut s, T0 + 2, 2));
    assert_eq!(rt, "r2");
}

#[test]
fn invalid_answer_without_refresh_token_is_a_failure() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(
        T0,
        rid,
        RefreshOutcome::IssuedInvalid {
            error: Error::new(ErrorCode::InvalidResponse, "bad"),
            refresh_token: None,
            payload: 0,
        },
    );
    assert_eq!(
        rejected(&drain(&mut s)),
        vec![(1, ErrorCode::InvalidResponse)]
    );
    assert_eq!(
        rejected(&get(&mut s, T0, 2)),
        vec![(2, ErrorCode::ReconnectRequired)]
    );
}

#[test]
fn refresh_without_new_refresh_token_keeps_the_old_one() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(T0, rid, issued("a2", None, Some(T0 + 10 * MIN)));
    let (sid, next, _) = expect_store(&drain(&mut s));
    assert_eq!(next.refresh_token.as_ref().map(|r| r.expose()), Some("r1"));
    s.store_done(T0, sid, Ok(()));
    drain(&mut s);
    let (_, rt) = expect_refresh(&get(&mut s, T0 + 10 * MIN, 2));
    assert_eq!(rt, "r1");
}

#[test]
fn unauthorized_retry_never_resends_the_refused_token() {
    let mut s = session(Some(toks("a1", Some("r1"), None)));
    assert_eq!(resolved(&get(&mut s, T0, 1)), vec![(1, "a1".to_owned())]);
    // Two fetches got 401 with a1: one shared refresh.
    s.call(
        T0 + 1,
        CallId(2),
        CallKind::Unauthorized { used: sec("a1") },
    );
    let (rid, _) = expect_refresh(&drain(&mut s));
    s.call(
        T0 + 1,
        CallId(3),
        CallKind::Unauthorized { used: sec("a1") },
    );
    // A plain caller meanwhile does not get the refused token either.
    assert!(get(&mut s, T0 + 1, 4).is_empty());
    s.refresh_done(T0 + 2, rid, issued("a2", Some("r2"), None));
    let (sid, ..) = expect_store(&drain(&mut s));
    s.store_done(T0 + 3, sid, Ok(()));
    let mut got = resolved(&drain(&mut s));
    got.sort();
    assert_eq!(
        got,
        vec![(2, "a2".into()), (3, "a2".into()), (4, "a2".into())]
    );
    // A late 401 for the old token: the current one differs, no request.
    s.call(
        T0 + 4,
        CallId(5),
        CallKind::Unauthorized { used: sec("a1") },
    );
    assert_eq!(resolved(&drain(&mut s)), vec![(5, "a2".to_owned())]);
}

#[test]
fn unauthorized_when_refresh_returns_the_same_token() {
    let mut s = session(Some(toks("a1", Some("r1"), None)));
    s.call(T0, CallId(1), CallKind::Unauthorized { used: sec("a1") });
    let (rid, _) = expect_refresh(&drain(&mut s));
    s.refresh_done(T0, rid, issued("a1", Some("r2"), None));
    let (sid, ..) = expect_store(&drain(&mut s));
    s.store_done(T0, sid, Ok(()));
    let a = drain(&mut s);
    assert_eq!(rejected(&a), vec![(1, ErrorCode::Unauthorized)]);
}

#[test]
fn skew_is_clamped_to_half_the_lifetime() {
    // A 30 s token with the default 60 s skew: usable for its first 15 s.
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0 + 30_000))));
    assert_eq!(resolved(&get(&mut s, T0, 1)), vec![(1, "a1".to_owned())]);
    assert_eq!(
        resolved(&get(&mut s, T0 + 14_999, 2)),
        vec![(2, "a1".to_owned())]
    );
    let (rid, _) = expect_refresh(&get(&mut s, T0 + 15_000, 3));
    let now = T0 + 15_000;
    s.refresh_done(now, rid, issued("a2", Some("r2"), Some(now + 30_000)));
    let (sid, ..) = expect_store(&drain(&mut s));
    s.store_done(now, sid, Ok(()));
    assert_eq!(resolved(&drain(&mut s)), vec![(3, "a2".to_owned())]);
    // Not refreshed again on the next call.
    assert_eq!(
        resolved(&get(&mut s, now + 1, 4)),
        vec![(4, "a2".to_owned())]
    );
    // A long-lived token uses the full skew.
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0 + 60 * MIN))));
    assert_eq!(resolved(&get(&mut s, T0 + 58 * MIN, 5)).len(), 1);
    assert!(matches!(
        get(&mut s, T0 + 59 * MIN, 6).as_slice(),
        [Action::Refresh { .. }]
    ));
}

#[test]
fn just_issued_token_is_handed_out_inside_the_skew_but_not_once_expired() {
    // A 10 s token: fresh (clamped skew 5 s) until +5 s, valid until +10 s.
    let run = |ack_at: u64, answer_exp: u64| {
        let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
        let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
        s.refresh_done(T0, rid, issued("a2", Some("r2"), Some(answer_exp)));
        let (sid, ..) = expect_store(&drain(&mut s));
        s.store_done(ack_at, sid, Ok(()));
        drain(&mut s)
    };
    // The slow store acknowledges inside the skew: the waiter gets it.
    assert_eq!(
        resolved(&run(T0 + 6_000, T0 + 10_000)),
        vec![(1, "a2".to_owned())]
    );
    // ... but not once it has expired.
    assert_eq!(
        rejected(&run(T0 + 10_000, T0 + 10_000)),
        vec![(1, ErrorCode::Timeout)]
    );
    // A token that was expired when issued.
    assert_eq!(
        rejected(&run(T0, T0)),
        vec![(1, ErrorCode::InvalidResponse)]
    );
}

#[test]
fn no_expiry_is_used_until_a_401() {
    let mut s = session(Some(toks("a1", None, None)));
    assert_eq!(
        resolved(&get(&mut s, u64::MAX, 1)),
        vec![(1, "a1".to_owned())]
    );
    s.call(T0, CallId(2), CallKind::Unauthorized { used: sec("a1") });
    assert_eq!(
        rejected(&drain(&mut s)),
        vec![(2, ErrorCode::NoRefreshToken)]
    );
}

#[test]
fn expired_without_refresh_token_or_renew() {
    let mut s = session(Some(toks("a1", None, Some(T0))));
    assert_eq!(
        rejected(&get(&mut s, T0, 1)),
        vec![(1, ErrorCode::NoRefreshToken)]
    );
    let mut s = session(None);
    assert_eq!(
        rejected(&get(&mut s, T0, 1)),
        vec![(1, ErrorCode::NoRefreshToken)]
    );
    let cfg = SessionConfig {
        can_refresh: false,
        ..SessionConfig::default()
    };
    let mut s = Session::new(cfg, T0, Some(toks("a1", Some("r1"), Some(T0))));
    assert_eq!(
        rejected(&get(&mut s, T0, 1)),
        vec![(1, ErrorCode::NoRefreshToken)]
    );
}

#[test]
fn no_refresh_token_message_says_what_is_missing() {
    let message = |a: &[Action<u32>]| match a {
        [Action::Reject { error, .. }] => {
            assert_eq!(error.code(), ErrorCode::NoRefreshToken);
            error.message().to_owned()
        }
        other => panic!("expected one Reject, got {other:?}"),
    };
    // No refresh token at all.
    let mut s = session(Some(toks("a1", None, Some(T0))));
    let none = message(&get(&mut s, T0, 1));
    assert!(none.contains("no refresh token"), "{none}");
    // A refresh token, but nothing to refresh with.
    let cfg = SessionConfig {
        can_refresh: false,
        ..SessionConfig::default()
    };
    let mut s = Session::new(cfg, T0, Some(toks("a1", Some("rt-1"), Some(T0))));
    let cannot = message(&get(&mut s, T0, 1));
    assert!(!cannot.contains("no refresh token"), "{cannot}");
    assert!(cannot.contains("refresh()"), "{cannot}");
    assert!(!cannot.contains("rt-1"));
    // A 401 on a token without expiry: it has not expired.
    let mut s = session(Some(toks("a1", None, None)));
    s.call(T0, CallId(2), CallKind::Unauthorized { used: sec("a1") });
    let after_401 = message(&drain(&mut s));
    assert!(!after_401.contains("expired"), "{after_401}");
}

#[test]
fn expiry_conversion_clamps() {
    assert_eq!(
        expires_at_from_f64(f64::INFINITY).ok(),
        Some(MAX_SAFE_INTEGER)
    );
    assert_eq!(expires_at_from_f64(1e306).ok(), Some(MAX_SAFE_INTEGER));
    assert_eq!(expires_at_from_f64(-5.0).ok(), Some(0));
    assert_eq!(expires_at_from_f64(f64::NEG_INFINITY).ok(), Some(0));
    assert_eq!(expires_at_from_f64(1234.9).ok(), Some(1234));
    assert_eq!(
        expires_at_from_f64(f64::NAN).map_err(|e| e.code()),
        Err(ErrorCode::InvalidArgument)
    );
}

#[test]
fn debug_shows_no_secrets() {
    let mut s = session(Some(toks("ACCESS-xyz", Some("REFRESH-xyz"), Some(T0))));
    let a = get(&mut s, T0, 1);
    let text = format!("{a:?} {s:?} {:?}", s.tokens());
    assert!(!text.contains("xyz"), "{text}");
    let o: RefreshOutcome<u32> = RefreshOutcome::IssuedInvalid {
        error: Error::new(ErrorCode::InvalidResponse, "x"),
        refresh_token: Some(sec("REFRESH-xyz")),
        payload: 0,
    };
    assert!(!format!("{o:?}").contains("xyz"));
}

#[test]
fn unknown_ids_and_odd_inputs_are_harmless() {
    let mut s = session(None);
    s.refresh_done(T0, RequestId(42), issued("x", Some("y"), None));
    s.store_done(T0, StoreId(42), Ok(()));
    s.handle_timeout(0);
    s.handle_timeout(u64::MAX);
    assert!(drain(&mut s).is_empty());
    assert!(s.tokens().is_none());
    // An empty access token is never handed out; a clock going backwards
    // or at the extremes does not panic.
    s.set_tokens(u64::MAX, toks("", Some(""), Some(u64::MAX)));
    assert_eq!(
        rejected(&get(&mut s, 0, 1)),
        vec![(1, ErrorCode::NoRefreshToken)]
    );
    let cfg = SessionConfig {
        skew_ms: u64::MAX,
        store_timeout_ms: u64::MAX,
        request_timeout_ms: u64::MAX,
        ..SessionConfig::default()
    };
    let mut s = Session::new(cfg, u64::MAX, Some(toks("a", Some("r"), Some(u64::MAX))));
    let (rid, _) = expect_refresh(&get(&mut s, u64::MAX, 2));
    assert_eq!(s.poll_timeout(), Some(u64::MAX));
    s.refresh_done(0, rid, issued("b", Some("r2"), Some(1)));
    let (sid, ..) = expect_store(&drain(&mut s));
    s.store_done(0, sid, Ok(()));
    assert_eq!(resolved(&drain(&mut s)), vec![(2, "b".to_owned())]);
    // The clock jumps past everything.
    s.handle_timeout(u64::MAX);
    assert_eq!(rejected(&get(&mut s, u64::MAX, 3)).len(), 0);
    assert!(s.poll_timeout().is_some());
}

#[test]
fn from_error_classifies() {
    let o: RefreshOutcome<()> =
        RefreshOutcome::from_error(Error::new(ErrorCode::ReconnectRequired, "x"), true);
    assert!(matches!(o, RefreshOutcome::Refused(_)));
    let o: RefreshOutcome<()> = RefreshOutcome::from_error(net_error(), false);
    assert!(matches!(o, RefreshOutcome::NotSent(_)));
    let o: RefreshOutcome<()> = RefreshOutcome::from_error(net_error(), true);
    assert!(matches!(o, RefreshOutcome::Failed(_)));
}

#[test]
fn refresh_outcome_classifies_answers() {
    use crate::http::HttpResponse;
    let resp = |status: u16, body: &str| HttpResponse {
        status,
        content_type: Some("application/json".into()),
        body: body.into(),
    };
    let invalid = || Error::new(ErrorCode::InvalidResponse, "the token_type is not Bearer");
    let mut o = crate::token::ClientOptions::new(crate::providers::Provider::Rfc6749);
    o.client_id = "cid";
    o.token_endpoint = Some("https://idp.example/token");
    let client = crate::token::ClientConfig::new(&o).expect("a client");
    let raw = crate::json::parse_object("{}").expect("an object");
    let ts = crate::token::TokenSet {
        access_token: sec("a2"),
        token_type: "Bearer".into(),
        expires_at: Some(f64::INFINITY),
        refresh_token: Some(sec("r2")),
        scope: None,
        raw,
    };
    match refresh_outcome(&client, &resp(200, "{}"), Ok(ts), 5u32) {
        RefreshOutcome::Issued(t) => {
            assert_eq!(t.expires_at, Some(MAX_SAFE_INTEGER));
            assert_eq!(t.refresh_token.as_ref().map(|r| r.expose()), Some("r2"));
            assert_eq!(t.payload, 5);
        }
        other => panic!("{other:?}"),
    }
    let rotated = resp(
        200,
        r#"{"access_token":"x","token_type":"mac","refresh_token":"r3"}"#,
    );
    match refresh_outcome(&client, &rotated, Err(invalid()), 6u32) {
        RefreshOutcome::IssuedInvalid {
            error,
            refresh_token,
            payload,
        } => {
            assert_eq!(error.code(), ErrorCode::InvalidResponse);
            assert_eq!(refresh_token.as_ref().map(|r| r.expose()), Some("r3"));
            assert_eq!(payload, 6);
        }
        other => panic!("{other:?}"),
    }
    for (r, code) in [
        (
            resp(200, r#"{"access_token":"x"}"#),
            ErrorCode::InvalidResponse,
        ),
        (resp(200, "<html>"), ErrorCode::InvalidResponse),
        // A rotated refresh token that could not be sent (CR/LF, NUL,
        // non-ASCII: outside RFC 6749 A.17 VSCHAR) is not kept.
        (
            resp(
                200,
                r#"{"access_token":"x","token_type":"mac","refresh_token":"r\r\nx"}"#,
            ),
            ErrorCode::InvalidResponse,
        ),
        (
            resp(200, r#"{"token_type":"Bearer","refresh_token":"r\u0000"}"#),
            ErrorCode::InvalidResponse,
        ),
        (
            resp(200, r#"{"token_type":"Bearer","refresh_token":"\u00e9"}"#),
            ErrorCode::InvalidResponse,
        ),
        // Not a success status of the provider (RFC 6749 §5.1: 200).
        (
            resp(201, r#"{"token_type":"Bearer","refresh_token":"r4"}"#),
            ErrorCode::HttpError,
        ),
        (
            resp(500, r#"{"refresh_token":"r4"}"#),
            ErrorCode::ServerError,
        ),
        (
            resp(400, r#"{"error":"invalid_client"}"#),
            ErrorCode::OAuthError,
        ),
    ] {
        let o = refresh_outcome(&client, &r, Err(Error::new(code, "x")), 0u32);
        assert!(
            matches!(&o, RefreshOutcome::Failed(e) if e.code() == code),
            "{o:?}"
        );
    }
    let o = refresh_outcome(
        &client,
        &resp(400, r#"{"error":"invalid_grant"}"#),
        Err(Error::new(ErrorCode::ReconnectRequired, "x")),
        0u32,
    );
    assert!(matches!(o, RefreshOutcome::Refused(_)));
}

#[test]
fn invalid_answer_returning_the_same_refresh_token_keeps_it_usable() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(
        T0,
        rid,
        RefreshOutcome::IssuedInvalid {
            error: Error::new(ErrorCode::InvalidResponse, "bad expires_in"),
            refresh_token: Some(sec("r1")),
            payload: 0,
        },
    );
    let a = drain(&mut s);
    assert_eq!(rejected(&a), vec![(1, ErrorCode::InvalidResponse)]);
    let store: Vec<_> = a
        .into_iter()
        .filter(|a| matches!(a, Action::Store { .. }))
        .collect();
    let (sid, ..) = expect_store(&store);
    s.store_done(T0, sid, Ok(()));
    // The server said r1 is still good (RFC 6749 §6): it may be sent again.
    let (_, rt) = expect_refresh(&get(&mut s, T0 + 1, 2));
    assert_eq!(rt, "r1");
}

#[test]
fn set_tokens_while_a_store_is_pending() {
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0))));
    let (rid, _) = expect_refresh(&get(&mut s, T0, 1));
    s.refresh_done(T0, rid, issued("a2", Some("r2"), Some(T0 + 10 * MIN)));
    let (sid, ..) = expect_store(&drain(&mut s));
    assert!(get(&mut s, T0, 2).is_empty());
    // The user connects again while onTokens runs: the waiters get the new set.
    s.set_tokens(T0 + 1, toks("b1", Some("q1"), Some(T0 + 30 * MIN)));
    let mut got = resolved(&drain(&mut s));
    got.sort();
    assert_eq!(got, vec![(1, "b1".to_owned()), (2, "b1".to_owned())]);
    assert!(!s.store_pending());
    // The old store's result changes nothing.
    s.store_done(T0 + 2, sid, Err(net_error()));
    s.store_done(T0 + 2, sid, Ok(()));
    assert!(drain(&mut s).is_empty());
    assert_eq!(s.tokens().map(|t| t.access_token.expose()), Some("b1"));
    assert_eq!(s.poll_timeout(), None);
    // The next store's `previous` is the app's set.
    let (rid, rt) = expect_refresh(&get(&mut s, T0 + 30 * MIN, 3));
    assert_eq!(rt, "q1");
    s.refresh_done(T0 + 30 * MIN, rid, issued("b2", Some("q2"), None));
    let (_, _, prev) = expect_store(&drain(&mut s));
    assert_eq!(
        prev.map(|p| p.access_token.expose().to_owned()),
        Some("b1".into())
    );
}

#[test]
fn usable_until_is_the_last_fresh_millisecond() {
    // 30 s token, skew clamped to 15 s: fresh until T0 + 14 999.
    let mut s = session(Some(toks("a1", Some("r1"), Some(T0 + 30_000))));
    let until = s.usable_until(T0).map(|(t, u)| (t.expose().to_owned(), u));
    assert_eq!(until, Some(("a1".to_owned(), T0 + 14_999)));
    assert!(s.usable_access_token(T0 + 14_999).is_some());
    assert!(s.usable_access_token(T0 + 15_000).is_none());
    assert_eq!(s.usable_until(T0 + 15_000), None);
    // No expiry: for ever.
    s.set_tokens(T0, toks("a2", None, None));
    assert_eq!(s.usable_until(T0).map(|(_, u)| u), Some(u64::MAX));
}

#[test]
fn take_actions_gives_what_poll_action_would() {
    // A valid token for one caller, a refresh for another: two actions, in order.
    let mut a = session(Some(toks("a1", Some("r1"), Some(T0 + 10 * MIN))));
    let mut b = session(Some(toks("a1", Some("r1"), Some(T0 + 10 * MIN))));
    for s in [&mut a, &mut b] {
        s.call(T0, CallId(1), CallKind::GetAccessToken);
        s.call(T0, CallId(2), CallKind::ForceRefresh);
    }
    let polled = format!("{:?}", drain(&mut a));
    let taken = format!("{:?}", b.take_actions());
    assert_eq!(polled, taken);
    assert!(
        polled.contains("Resolve") && polled.contains("Refresh"),
        "{polled}"
    );
    assert!(b.take_actions().is_empty() && b.poll_action().is_none());
}
