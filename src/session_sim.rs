//! Deterministic simulation of the session: a seeded PRNG plays many callers,
//! refreshes, `set_tokens`, store results (ok / fail / hang / late) and
//! transport results (every [`RefreshOutcome`], hangs, answers after the
//! deadline) in random orders against a fake clock and a fake server that
//! rotates refresh tokens and revokes the whole grant when one is presented
//! twice (like Pleo). Every invariant of the module docs is checked after
//! every step; at the end the clock passes every deadline and every call must
//! have had exactly one answer.
//!
//! `SESSION_SIM_SCHEDULES=N` sets the number of schedules (default 10 000),
//! `SESSION_SIM_SEED=S` the first seed (a failing schedule prints its seed).

use super::*;
use std::collections::{HashMap, HashSet};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// splitmix64: tiny, seedable, good enough to pick schedules.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `pct`%.
    fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

/// The fake authorization server: one grant per family; refresh tokens are
/// single use; presenting one twice revokes its family.
#[derive(Default)]
struct Server {
    next: u64,
    /// Valid refresh token → family.
    valid: HashMap<String, u64>,
    /// Every refresh token ever presented.
    seen: HashSet<String>,
    /// The same, in the order they were presented.
    presented: Vec<String>,
    revoked: HashSet<u64>,
    /// Refresh token → family, for every one issued.
    family_of: HashMap<String, u64>,
}

struct Issued {
    access: String,
    refresh: String,
    lifetime: Option<u64>,
}

impl Server {
    fn issue(&mut self, rng: &mut Rng, family: u64) -> Issued {
        self.next += 1;
        let n = self.next;
        let refresh = format!("R{n}");
        self.valid.insert(refresh.clone(), family);
        self.family_of.insert(refresh.clone(), family);
        let lifetime = match rng.below(4) {
            0 => None,
            1 => Some(rng.below(90_000)),
            _ => Some(60_000 + rng.below(20 * 60_000)),
        };
        Issued {
            access: format!("A{n}"),
            refresh,
            lifetime,
        }
    }

    fn new_family(&mut self, rng: &mut Rng) -> Issued {
        self.next += 1;
        let family = self.next;
        self.issue(rng, family)
    }

    /// A refresh request reaching the server.
    fn refresh(&mut self, rng: &mut Rng, rt: &str) -> Option<Issued> {
        assert!(
            self.seen.insert(rt.to_owned()),
            "the server saw refresh token {rt} twice"
        );
        self.presented.push(rt.to_owned());
        let family = self.valid.remove(rt);
        match family {
            Some(f) if !self.revoked.contains(&f) => Some(self.issue(rng, f)),
            _ => {
                // Reuse of a rotated token: revoke the whole grant (Pleo).
                if let Some(f) = self.family_of.get(rt) {
                    self.revoked.insert(*f);
                }
                None
            }
        }
    }
}

type Outcome = RefreshOutcome<u64>;

struct PendingRequest {
    id: RequestId,
    /// When the answer arrives; `None`: never.
    at: Option<u64>,
    outcome: Outcome,
    /// What the answer would make the session's refresh token, if applied.
    new_rt: Option<String>,
}

struct PendingStore {
    id: StoreId,
    at: Option<u64>,
    ok: bool,
    /// The set it stores.
    set: (String, Option<String>, Option<u64>),
}

struct RequestInfo {
    carried: Option<String>,
    deadline: u64,
    closed: bool,
    /// A `set_tokens` with another refresh token happened meanwhile.
    replaced: bool,
}

struct CallInfo {
    avoid: Option<String>,
    answered: bool,
}

struct World {
    rng: Rng,
    now: u64,
    cfg: SessionConfig,
    s: Session<u64>,
    server: Server,
    requests: HashMap<RequestId, RequestInfo>,
    latest_request: Option<RequestId>,
    pending_requests: Vec<PendingRequest>,
    pending_stores: Vec<PendingStore>,
    calls: HashMap<CallId, CallInfo>,
    next_call: u64,
    /// Access tokens the store acknowledged or the app gave.
    stored_access: HashSet<String>,
    /// Access tokens that got a 401 (until the app gives them again).
    refused_access: HashSet<String>,
    /// Tokens handed out (to pick 401s from).
    handed_out: Vec<String>,
    /// Access token → its expiry as given to the session.
    expiry: HashMap<String, Option<u64>>,

    /// The set the app's store holds.
    app_store: Option<(String, Option<String>, Option<u64>)>,
    /// A refusal was applied: nothing may be sent until `set_tokens`.
    sticky: bool,
    steps: u64,
    counts: Counts,
    /// `SESSION_SIM_TRACE=1`: print every input and action.
    trace: bool,
}

#[derive(Default, Clone, Debug)]
struct Counts {
    resolves: u64,
    rejects: std::collections::BTreeMap<&'static str, u64>,
    refreshes: u64,
    renews: u64,
    stores: u64,
    /// Answers that arrived after the session's deadline and were used.
    late_answers_used: u64,
    /// Answers to requests started before a `set_tokens` (ignored).
    stale_answers: u64,
    /// Rotated refresh tokens kept from answers that failed validation.
    invalid_answers_kept: u64,
}

fn tokens_of(i: &Issued, now: u64, payload: u64) -> Tokens<u64> {
    Tokens::new(
        Secret::new(i.access.clone()),
        Some(Secret::new(i.refresh.clone())),
        i.lifetime.map(|l| now + l),
        payload,
    )
}

fn current_rt(s: &Session<u64>) -> Option<String> {
    s.tokens()
        .and_then(|t| t.refresh_token.as_ref())
        .map(|r| r.expose().to_owned())
}

fn snapshot(s: &Session<u64>) -> Option<(String, Option<String>, Option<u64>)> {
    s.tokens().map(|t| {
        (
            t.access_token.expose().to_owned(),
            t.refresh_token.as_ref().map(|r| r.expose().to_owned()),
            t.expires_at,
        )
    })
}

impl World {
    fn new(seed: u64) -> World {
        let mut rng = Rng(seed);
        let now = 1_700_000_000_000 + rng.below(1 << 30);
        let cfg = SessionConfig {
            skew_ms: [0, 1_000, 60_000, 120_000][rng.below(4) as usize],
            store_timeout_ms: 1 + rng.below(20_000),
            request_timeout_ms: 1 + rng.below(60_000),
            can_refresh: rng.pct(90),
            can_renew: rng.pct(30),
        };
        let mut server = Server::default();
        let mut stored_access = HashSet::new();
        let mut expiry = HashMap::new();
        let initial = if rng.pct(85) {
            let i = server.new_family(&mut rng);
            stored_access.insert(i.access.clone());
            let t = tokens_of(&i, now, 0);
            expiry.insert(i.access.clone(), t.expires_at);
            Some(t)
        } else {
            None
        };
        let app_store = initial.as_ref().map(|t| {
            (
                t.access_token.expose().to_owned(),
                t.refresh_token.as_ref().map(|r| r.expose().to_owned()),
                t.expires_at,
            )
        });
        World {
            s: Session::new(cfg, now, initial),
            rng,
            now,
            cfg,
            server,
            requests: HashMap::new(),
            latest_request: None,
            pending_requests: Vec::new(),
            pending_stores: Vec::new(),
            calls: HashMap::new(),
            next_call: 0,
            stored_access,
            expiry,
            refused_access: HashSet::new(),
            handed_out: Vec::new(),
            app_store,
            sticky: false,
            steps: 0,
            counts: Counts::default(),
            trace: std::env::var("SESSION_SIM_TRACE").is_ok(),
        }
    }

    /// When an answer arrives: soon, after the deadline, or never.
    fn arrival(&mut self, timeout: u64) -> Option<u64> {
        match self.rng.below(10) {
            0 => None,
            1 => Some(self.now + timeout + self.rng.below(timeout + 1)),
            _ => Some(self.now + self.rng.below(timeout / 2 + 1)),
        }
    }

    fn err(code: ErrorCode) -> Error {
        Error::new(code, "simulated")
    }

    fn on_request(&mut self, id: RequestId, carried: Option<String>) {
        assert!(!self.sticky, "a request was sent after a refusal");
        for (rid, r) in &self.requests {
            assert!(
                r.closed,
                "two requests in flight: {rid:?} still open when {id:?} started"
            );
        }
        assert!(
            self.s
                .poll_timeout()
                .is_some_and(|d| d <= self.now + self.cfg.request_timeout_ms),
            "a request without a deadline"
        );
        self.requests.insert(
            id,
            RequestInfo {
                carried: carried.clone(),
                deadline: self.now.saturating_add(self.cfg.request_timeout_ms),
                closed: false,
                replaced: false,
            },
        );
        self.latest_request = Some(id);
        let at = self.arrival(self.cfg.request_timeout_ms);
        let payload = self.rng.next();
        let (outcome, new_rt) = match carried {
            Some(rt) => {
                self.counts.refreshes += 1;
                match self.rng.below(20) {
                    0 => (
                        Outcome::NotSent(Self::err(ErrorCode::InvalidArgument)),
                        None,
                    ),
                    // Lost before the server, or a 5xx from a proxy.
                    1 => (Outcome::Failed(Self::err(ErrorCode::NetworkError)), None),
                    2 => (Outcome::Failed(Self::err(ErrorCode::ServerError)), None),
                    _ => match self.server.refresh(&mut self.rng, &rt) {
                        None if self.rng.pct(80) => (
                            Outcome::Refused(Self::err(ErrorCode::ReconnectRequired)),
                            None,
                        ),
                        None => (Outcome::Failed(Self::err(ErrorCode::NetworkError)), None),
                        Some(i) => match self.rng.below(20) {
                            0 => (Outcome::Failed(Self::err(ErrorCode::NetworkError)), None),
                            1 => (Outcome::Failed(Self::err(ErrorCode::ServerError)), None),
                            2 => (Outcome::Failed(Self::err(ErrorCode::Timeout)), None),
                            3 | 4 => (
                                Outcome::IssuedInvalid {
                                    error: Self::err(ErrorCode::InvalidResponse),
                                    refresh_token: Some(Secret::new(i.refresh.clone())),
                                    payload,
                                },
                                Some(i.refresh),
                            ),
                            5 => (
                                Outcome::IssuedInvalid {
                                    error: Self::err(ErrorCode::InvalidResponse),
                                    refresh_token: None,
                                    payload,
                                },
                                None,
                            ),
                            _ => {
                                let t = tokens_of(&i, self.now, payload);
                                self.expiry.insert(i.access.clone(), t.expires_at);
                                (Outcome::Issued(t), Some(i.refresh))
                            }
                        },
                    },
                }
            }
            None => {
                self.counts.renews += 1;
                match self.rng.below(10) {
                    0 => (
                        Outcome::NotSent(Self::err(ErrorCode::InvalidArgument)),
                        None,
                    ),
                    1 => (Outcome::Failed(Self::err(ErrorCode::NetworkError)), None),
                    2 => (
                        Outcome::Refused(Self::err(ErrorCode::ReconnectRequired)),
                        None,
                    ),
                    _ => {
                        let i = self.server.new_family(&mut self.rng);
                        let mut t = tokens_of(&i, self.now, payload);
                        self.expiry.insert(i.access.clone(), t.expires_at);
                        let rt = if self.rng.pct(50) {
                            t.refresh_token = None;
                            None
                        } else {
                            Some(i.refresh)
                        };
                        (Outcome::Issued(t), rt)
                    }
                }
            }
        };
        self.pending_requests.push(PendingRequest {
            id,
            at,
            outcome,
            new_rt,
        });
    }

    /// Executes and checks the session's actions.
    fn log(&self, what: core::fmt::Arguments<'_>) {
        if self.trace {
            eprintln!("[{}] {what}", self.now);
        }
    }

    fn pump(&mut self) {
        while let Some(a) = self.s.poll_action() {
            if self.trace {
                // The simulation's tokens are not secrets: show them.
                let text = match &a {
                    Action::Refresh { id, refresh_token } => {
                        format!("Refresh {id:?} {}", refresh_token.expose())
                    }
                    Action::Resolve { call, access_token } => {
                        format!("Resolve {call:?} {}", access_token.expose())
                    }
                    other => format!("{other:?}"),
                };
                self.log(format_args!("  -> {text}"));
            }
            match a {
                Action::Refresh { id, refresh_token } => {
                    assert!(self.cfg.can_refresh, "refresh without a refresher");
                    self.on_request(id, Some(refresh_token.expose().to_owned()));
                }
                Action::Renew { id } => {
                    assert!(self.cfg.can_renew, "renew without a renew function");
                    self.on_request(id, None);
                }
                Action::Store { id, next, previous } => {
                    self.counts.stores += 1;
                    assert!(
                        self.s
                            .poll_timeout()
                            .is_some_and(|d| d <= self.now + self.cfg.store_timeout_ms),
                        "a store without a deadline"
                    );
                    // `previous` is a set the store holds or held.
                    if let Some(p) = &previous {
                        assert!(self.stored_access.contains(p.access_token.expose()));
                    }
                    let at = self.arrival(self.cfg.store_timeout_ms);
                    let ok = self.rng.pct(75);
                    self.pending_stores.push(PendingStore {
                        id,
                        at,
                        ok,
                        set: (
                            next.access_token.expose().to_owned(),
                            next.refresh_token.as_ref().map(|r| r.expose().to_owned()),
                            next.expires_at,
                        ),
                    });
                }
                Action::Resolve { call, access_token } => {
                    self.counts.resolves += 1;
                    let t = access_token.expose().to_owned();
                    let info = self
                        .calls
                        .get_mut(&call)
                        .expect("an unknown call was answered");
                    assert!(!info.answered, "call {call:?} answered twice");
                    info.answered = true;
                    assert!(!self.sticky, "a token was handed out after a refusal");
                    assert!(!t.is_empty(), "an empty access token was handed out");
                    assert!(
                        self.stored_access.contains(&t),
                        "access token {t} handed out before its set was stored"
                    );
                    assert!(
                        info.avoid.as_deref() != Some(t.as_str()),
                        "a 401 retry got the token that got the 401"
                    );
                    assert!(
                        !self.refused_access.contains(&t),
                        "a token that got a 401 was handed out again"
                    );
                    let exp = self.expiry.get(&t).copied().flatten();
                    assert!(
                        exp.is_none_or(|e| self.now < e),
                        "an expired access token {t} was handed out"
                    );
                    self.handed_out.push(t);
                }
                Action::Reject { call, error } => {
                    let info = self
                        .calls
                        .get_mut(&call)
                        .expect("an unknown call was answered");
                    assert!(!info.answered, "call {call:?} answered twice");
                    info.answered = true;
                    let code = error.code();
                    *self.counts.rejects.entry(code.as_str()).or_default() += 1;
                    assert!(
                        matches!(
                            code,
                            ErrorCode::StoreFailed
                                | ErrorCode::ReconnectRequired
                                | ErrorCode::NoRefreshToken
                                | ErrorCode::Timeout
                                | ErrorCode::NetworkError
                                | ErrorCode::ServerError
                                | ErrorCode::InvalidResponse
                                | ErrorCode::InvalidArgument
                                | ErrorCode::Unauthorized
                        ),
                        "unexpected error {code}"
                    );
                    if self.sticky {
                        assert_eq!(code, ErrorCode::ReconnectRequired);
                    }
                }
            }
        }
    }

    fn call(&mut self) {
        self.next_call += 1;
        let id = CallId(self.next_call);
        let current = self.s.tokens().map(|t| t.access_token.expose().to_owned());
        let (kind, avoid) = match self.rng.below(10) {
            0 | 1 => (CallKind::ForceRefresh, None),
            2 | 3 => {
                let pick = if self.handed_out.is_empty() || self.rng.pct(50) {
                    current.clone()
                } else {
                    let i = self.rng.below(self.handed_out.len() as u64) as usize;
                    self.handed_out.get(i).cloned()
                };
                match pick {
                    Some(used) => {
                        if current.as_deref() == Some(used.as_str()) {
                            self.refused_access.insert(used.clone());
                        }
                        (
                            CallKind::Unauthorized {
                                used: Secret::new(used.clone()),
                            },
                            Some(used),
                        )
                    }
                    None => (CallKind::GetAccessToken, None),
                }
            }
            _ => (CallKind::GetAccessToken, None),
        };
        self.calls.insert(
            id,
            CallInfo {
                avoid,
                answered: false,
            },
        );
        self.log(format_args!(
            "call {id:?} {kind:?} avoid={:?}",
            self.calls.get(&id).and_then(|c| c.avoid.clone())
        ));
        self.s.call(self.now, id, kind);
        self.pump();
        if self.sticky {
            assert!(self.calls.get(&id).is_some_and(|c| c.answered));
        }
    }

    fn set_tokens(&mut self) {
        let n = self.server.presented.len() as u64;
        let backup = if n > 0 && self.rng.pct(10) {
            // Often the oldest: the one a small memory forgets first.
            let i = if self.rng.pct(50) {
                0
            } else {
                self.rng.below(n)
            };
            self.server.presented.get(i as usize).cloned()
        } else {
            None
        };
        let t = match (backup, &self.app_store, self.rng.pct(50)) {
            // The app restores an old backup: a refresh token the server saw,
            // perhaps many rotations ago (with a new access token).
            (Some(rt), ..) => {
                let i = self.server.new_family(&mut self.rng);
                let mut t = tokens_of(&i, self.now, self.rng.next());
                t.refresh_token = Some(Secret::new(rt));
                t
            }
            // The app reloads what its store holds (possibly spent).
            (None, Some((a, r, e)), true) => Tokens::new(
                Secret::new(a.clone()),
                r.clone().map(Secret::new),
                *e,
                self.rng.next(),
            ),
            // The user connected again.
            _ => {
                let i = self.server.new_family(&mut self.rng);
                let mut t = tokens_of(&i, self.now, self.rng.next());
                if self.rng.pct(10) {
                    t.refresh_token = None;
                }
                t
            }
        };
        self.expiry
            .insert(t.access_token.expose().to_owned(), t.expires_at);
        let rt = t.refresh_token.as_ref().map(|r| r.expose().to_owned());
        for r in self.requests.values_mut() {
            if r.carried.is_none() || r.carried != rt {
                r.replaced = true;
            }
        }
        self.stored_access
            .insert(t.access_token.expose().to_owned());
        self.refused_access.remove(t.access_token.expose());
        self.app_store = Some((t.access_token.expose().to_owned(), rt, t.expires_at));
        self.sticky = false;
        self.log(format_args!(
            "set_tokens {:?} exp={:?}",
            self.app_store, t.expires_at
        ));
        self.s.set_tokens(self.now, t);
        self.pump();
    }

    fn deliver_request(&mut self, i: usize) {
        if i >= self.pending_requests.len() {
            return;
        }
        let p = self.pending_requests.swap_remove(i);
        let before = snapshot(&self.s);
        let info = self.requests.get(&p.id);
        let replaced = info.is_some_and(|r| r.replaced);
        let timed_out = info.is_some_and(|r| r.closed);
        let invalid_rotated = matches!(
            p.outcome,
            Outcome::IssuedInvalid {
                refresh_token: Some(_),
                ..
            }
        );
        let carried = info.and_then(|r| r.carried.clone());
        let latest = self.latest_request == Some(p.id);
        // The session still knows this request and nothing replaced its tokens.
        let live = latest
            && !replaced
            && (carried.is_none() || current_rt(&self.s) == carried || self.s.tokens().is_none());
        let refused = matches!(p.outcome, Outcome::Refused(_));
        let rotated = matches!(
            p.outcome,
            Outcome::Issued(_) | Outcome::IssuedInvalid { .. }
        ) && p.new_rt.is_some();
        if let Some(r) = self.requests.get_mut(&p.id) {
            r.closed = true;
        }

        if self.trace {
            let o = match &p.outcome {
                Outcome::Issued(t) => format!(
                    "Issued {} {:?} exp={:?}",
                    t.access_token.expose(),
                    t.refresh_token.as_ref().map(|r| r.expose()),
                    t.expires_at
                ),
                other => format!("{other:?}"),
            };
            self.log(format_args!("refresh_done {:?} {o}", p.id));
        }
        self.s.refresh_done(self.now, p.id, p.outcome);
        if live && timed_out && snapshot(&self.s) != before {
            self.counts.late_answers_used += 1;
        }
        if live && invalid_rotated {
            self.counts.invalid_answers_kept += 1;
        }
        if replaced {
            self.counts.stale_answers += 1;
            assert_eq!(
                snapshot(&self.s),
                before,
                "a result of a refresh started before set_tokens replaced the tokens"
            );
        }
        if live && rotated {
            assert_eq!(
                current_rt(&self.s),
                p.new_rt,
                "a refresh token the server issued was dropped"
            );
        }
        if live && refused {
            assert!(self.s.reconnect_required());
            self.sticky = true;
        }
        self.pump();
    }

    fn deliver_store(&mut self, i: usize) {
        if i >= self.pending_stores.len() {
            return;
        }
        let p = self.pending_stores.swap_remove(i);
        let result = if p.ok {
            self.stored_access.insert(p.set.0.clone());
            self.app_store = Some(p.set);
            Ok(())
        } else {
            Err(Self::err(ErrorCode::StoreFailed))
        };
        self.log(format_args!(
            "store_done {:?} {:?}",
            p.id,
            result.as_ref().map_err(|e| e.code())
        ));
        self.s.store_done(self.now, p.id, result);
        self.pump();
    }

    fn timeout(&mut self) {
        let now = self.now;
        if self.s.poll_timeout().is_some_and(|d| d <= now) {
            for r in self.requests.values_mut() {
                if r.deadline <= now {
                    r.closed = true;
                }
            }
        }
        self.log(format_args!("handle_timeout"));
        self.s.handle_timeout(now);
        self.pump();
    }

    fn due_index<P>(items: &[P], at: impl Fn(&P) -> Option<u64>, now: u64) -> Option<usize> {
        items.iter().position(|p| at(p).is_some_and(|t| t <= now))
    }

    fn step(&mut self) {
        self.steps += 1;
        match self.rng.below(100) {
            0..=29 => self.call(),
            30..=44 => {
                let dt = match self.rng.below(4) {
                    0 => self.rng.below(100),
                    1 | 2 => self.rng.below(10_000),
                    _ => self.rng.below(20 * 60_000),
                };
                self.now += dt;
            }
            45..=59 => {
                if let Some(i) = Self::due_index(&self.pending_requests, |p| p.at, self.now) {
                    self.deliver_request(i);
                }
            }
            60..=64 => {
                // Out of order: any answer that will ever arrive, now.
                let n = self.pending_requests.len() as u64;
                if n > 0 {
                    let i = self.rng.below(n) as usize;
                    if self.pending_requests.get(i).is_some_and(|p| p.at.is_some()) {
                        self.deliver_request(i);
                    }
                }
            }
            65..=79 => {
                if let Some(i) = Self::due_index(&self.pending_stores, |p| p.at, self.now) {
                    self.deliver_store(i);
                }
            }
            80..=94 => {
                // The timer fires (or a stray handle_timeout).
                if self.rng.pct(90) {
                    if let Some(d) = self.s.poll_timeout() {
                        self.now = self.now.max(d);
                    }
                }
                self.timeout();
            }
            _ => self.set_tokens(),
        }
    }

    /// The clock passes every deadline; answers that hang never come.
    fn finish(&mut self) {
        for _ in 0..50 {
            match self.s.poll_timeout() {
                Some(d) => {
                    self.now = self.now.max(d);
                    self.timeout();
                }
                None => break,
            }
        }
        assert_eq!(self.s.poll_timeout(), None, "a deadline that never passes");
        for (id, c) in &self.calls {
            assert!(c.answered, "call {id:?} never answered");
        }
    }
}

fn run_schedule(seed: u64) -> (u64, Counts) {
    let mut w = World::new(seed);
    // Mostly short schedules, some long ones (deeper states: many rotations),
    // a few very long (more spent refresh tokens than a small memory holds).
    let steps = if w.rng.pct(2) {
        200 + w.rng.below(400)
    } else if w.rng.below(1000) < 3 {
        2_000 + w.rng.below(2_000)
    } else {
        10 + w.rng.below(60)
    };
    for _ in 0..steps {
        w.step();
    }
    w.finish();
    (w.steps, w.counts.clone())
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[test]
fn simulation() {
    // Fewer in the browser run of the unit tests (no env there; slower).
    let default = if cfg!(target_arch = "wasm32") {
        1_000
    } else {
        10_000
    };
    let schedules = env_u64("SESSION_SIM_SCHEDULES").unwrap_or(default);
    let first = env_u64("SESSION_SIM_SEED").unwrap_or(0);
    let mut steps = 0;
    let mut total = Counts::default();
    for seed in first..first + schedules {
        let r = std::panic::catch_unwind(|| run_schedule(seed));
        match r {
            Ok((n, c)) => {
                steps += n;
                total.resolves += c.resolves;
                for (k, v) in c.rejects {
                    *total.rejects.entry(k).or_default() += v;
                }
                total.refreshes += c.refreshes;
                total.renews += c.renews;
                total.stores += c.stores;
                total.late_answers_used += c.late_answers_used;
                total.stale_answers += c.stale_answers;
                total.invalid_answers_kept += c.invalid_answers_kept;
            }
            Err(e) => {
                eprintln!("session simulation: schedule SESSION_SIM_SEED={seed} failed");
                std::panic::resume_unwind(Box::new(format!(
                    "schedule with SESSION_SIM_SEED={seed} failed: {:?}",
                    e.downcast_ref::<String>()
                        .map(String::as_str)
                        .or(e.downcast_ref::<&str>().copied())
                )));
            }
        }
    }
    println!("session simulation: {schedules} schedules, {steps} steps, {total:?}");
    // The schedules reach every kind of action.
    assert!(total.resolves > 0 && total.refreshes > 0 && total.stores > 0);
    if schedules >= 1_000 {
        assert!(total.renews > 0);
        assert!(total.late_answers_used > 0 && total.stale_answers > 0);
        assert!(total.invalid_answers_kept > 0);
    }
}
