//! The token session as a sans-IO state machine: keeps one connection's
//! tokens fresh without doing any I/O itself.
//!
//! A driver (the JS skin, or a test) feeds it *inputs* — the time, a caller
//! asking for a token, the outcome of a refresh it was told to send, the
//! outcome of a store it was told to make — and executes the *actions* it
//! returns, in the style of quinn-proto's `Connection`
//! (`handle_*` / `poll_*` / `poll_timeout` / `handle_timeout`). There is no
//! clock, no randomness, no JS and no I/O in here: time is an input in
//! integer milliseconds since the epoch (like `Date.now()`).
//!
//! ```text
//! inputs                                   outputs (poll_action)
//!   call(now, id, kind)             ──►      Refresh { id, refresh_token }
//!   set_tokens(now, tokens)                  Renew   { id }
//!   refresh_done(now, id, outcome)  ──►      Store   { id, next, previous }
//!   store_done(now, id, result)              Resolve { call, access_token }
//!   handle_timeout(now)                      Reject  { call, error }
//!                                          poll_timeout() -> next deadline
//! ```
//!
//! # Guarantees
//!
//! - **Single flight.** At most one refresh or renew request is in flight;
//!   every caller that needs new tokens meanwhile waits for the same one.
//!   Pleo asks for exactly one refresh in flight per connection, and with
//!   rotating single-use refresh tokens a second concurrent refresh would
//!   present a token the first one just invalidated.
//! - **Stored before used.** A token set the server issued is handed to the
//!   app's store ([`Action::Store`], `onTokens(next, previous)`) and no access
//!   token of it is handed out before [`Session::store_done`] acknowledged it.
//!   `previous` is the set being replaced (the last one the store
//!   acknowledged, or the one given to [`Session::new`] / [`Session::set_tokens`]),
//!   so a store shared by several processes can compare-and-swap. If the
//!   store fails, or does not answer within `store_timeout_ms`, the waiting
//!   callers get `STORE_FAILED`; the new set stays pending and is offered to
//!   the store again on the next call. A late success of an abandoned store
//!   of the set still pending counts as an acknowledgement; a late failure is
//!   ignored. One store is in flight at a time, but a store abandoned at its
//!   deadline may still be running when the set is offered again, so the
//!   app's store should be idempotent (a compare-and-swap on `previous` is).
//! - **A refresh token is never presented twice once a request carrying it
//!   may have reached the server.** It is marked spent when the request is
//!   handed to the driver, and only an answer that proves otherwise un-spends
//!   it: [`RefreshOutcome::NotSent`] (the request never left), or a success
//!   without a new refresh token (RFC 6749 §6: the server keeps the old one
//!   valid). After any other failure ([`RefreshOutcome::Failed`]: a network
//!   error, a timeout, a 5xx, an unreadable answer, or any error answer but
//!   a refusal) the session cannot know whether the server rotated the
//!   token. The providers rotate on every refresh — Findity: "a refresh
//!   token can only be used once" (findity-authentication.txt); Spendesk:
//!   "When a new refresh token is issued it invalidates the previous one"
//!   (spendesk-authentication.txt); Pleo's answer carries "a new
//!   refresh_token, which you will need to store in replacement of the
//!   previously used refresh token" (pleo-quickstart.txt) — and a server
//!   that detects reuse of a rotated token revokes the whole grant (RFC 9700
//!   §4.14.2; Pleo does, issue 9). So the token is not sent again: once new
//!   tokens are needed the session uses `renew` if it has one, and otherwise
//!   fails with `RECONNECT_REQUIRED` ([`Session::reconnect_required`] is then
//!   `true`) until the app gives it new tokens ([`Session::set_tokens`]) —
//!   what a user of a rotating-refresh-token library has to do after a
//!   refused token anyway, and better than risking a revocation of every
//!   session of that user. The callers waiting on the failed request get its
//!   error (e.g. `TIMEOUT`), except as the next point says.
//!   [`Session::set_tokens`] with a refresh token that is already spent
//!   does not make it usable again, however many rotations ago it was spent:
//!   the session remembers every spent refresh token for its whole life as
//!   a SHA-256 digest, the last 4,096 exactly and older ones in a 64 KiB
//!   Bloom filter (at most 192 KiB in all; see [`SPENT_EXACT`]), which
//!   never forgets one and may, after more than 4,096 rotations, rarely
//!   take a never-presented token for a spent one (`RECONNECT_REQUIRED`).
//! - **A failed refresh does not fail a caller who can do without it.** When
//!   a refresh started inside the skew fails (or cannot be made), callers who
//!   only want a valid token get the current one as long as it has not
//!   actually expired; `ForceRefresh` and 401 callers get the error.
//! - **Newer tokens win.** After [`Session::set_tokens`], no result of a
//!   request started earlier replaces the tokens (the request is marked stale). The
//!   one exception is a set whose refresh token is the very one that request
//!   carried: that request's result is its successor and is adopted.
//! - **Refusals are sticky.** After [`RefreshOutcome::Refused`]
//!   (`invalid_grant`, Spendesk's 401/403 on refresh) every call fails with
//!   `RECONNECT_REQUIRED` and no request is sent until [`Session::set_tokens`].
//! - **Nothing waits forever.** Every request and every store has a deadline
//!   (`request_timeout_ms`, `store_timeout_ms`) in [`Session::poll_timeout`];
//!   at the deadline [`Session::handle_timeout`] fails the waiting callers
//!   (`TIMEOUT`, `STORE_FAILED`). A request that timed out counts as
//!   ambiguous (its refresh token is spent); if its answer still arrives and
//!   nothing replaced the tokens meanwhile, the answer is used (so a token
//!   set the server issued late is not lost).
//! - **No issued set is dropped.** If a refresh answer fails validation but
//!   carries a new refresh token ([`RefreshOutcome::IssuedInvalid`]), the
//!   session keeps that refresh token — it never falls back to the spent one —
//!   in a set whose access token counts as expired, stores it, and refreshes
//!   with it on the next call. (Only [`Session::set_tokens`] replaces a set
//!   the server issued, because the app said so.)
//! - **A 401 is never retried with the same token.** [`CallKind::Unauthorized`]
//!   resolves to an access token different from the one that got the 401:
//!   the current one if it already differs, else the result of one refresh
//!   (shared with other callers); if even that refresh returns the same token
//!   the call fails with `UNAUTHORIZED`. The refused token is not handed out
//!   again to anyone.
//! - **No expired token is handed out.** A caller waiting for a refresh gets
//!   its token even if it is already inside the skew (say, the store took
//!   longer than half its lifetime), so no caller causes two refreshes; but
//!   a token that has expired by then fails the caller with `TIMEOUT` (or
//!   `INVALID_RESPONSE` if the server issued it already expired).
//! - **Clamped skew.** A token is refreshed `skew_ms` (default 60 s) before
//!   `expires_at`, but the skew is at most half the token's lifetime
//!   (`expires_at` − the time the session received the set), so short-lived
//!   tokens are not refreshed on every call. Tokens without expiry are used
//!   until a 401.
//! - Without a refresh token and without `renew`, a call that needs new
//!   tokens fails with `NO_REFRESH_TOKEN`; so it does with a refresh token
//!   but nothing to refresh with (`can_refresh: false`), and the message
//!   says which.
//! - Every method can be called at any time in any state; unknown or stale
//!   ids are ignored. Nothing here panics on input-derived data. Error
//!   messages never contain a token.
//!
//! # Driving it
//!
//! ```text
//! on each input (call / set_tokens / refresh_done / store_done / timer):
//!     now = clock()
//!     session.<input>(now, …)
//!     while let Some(action) = session.poll_action():
//!         Refresh { id, refresh_token } => spawn: outcome = client.refresh(token)
//!                                           then session.refresh_done(clock(), id, outcome)
//!         Renew { id }                  => spawn: outcome = renew() …same
//!         Store { id, next, previous }  => spawn: r = onTokens(next, previous)
//!                                           then session.store_done(clock(), id, r)
//!         Resolve { call, access_token } => settle caller `call` with the token
//!         Reject { call, error }        => reject caller `call` with the error
//!     (re)arm one timer at session.poll_timeout(); when it fires:
//!         session.handle_timeout(clock()) and drain actions again
//! ```
//!
//! Actions must be executed *after* the session method returned (never call
//! back into the session from inside one of its methods — there is no way
//! to, since it takes `&mut self`). Completions may arrive in any order, late,
//! or never.
//!
//! # Tests
//!
//! `session_tests.rs` plays each guarantee by hand with a fake clock and a
//! scripted transport and store. `session_sim.rs` is a deterministic
//! simulation: a seeded splitmix64 PRNG drives callers (`GetAccessToken`,
//! `ForceRefresh`, 401s on current and older tokens), `set_tokens` (the user
//! connecting again, or the app reloading its store or an old backup, spent
//! refresh tokens included, even the first of a long chain), store results (ok, fail, hang, late) and every
//! [`RefreshOutcome`] (with hangs and answers after the deadline, in any
//! order) against a fake clock and a fake server that rotates refresh tokens
//! and revokes the grant when one is presented twice (like Pleo). After every
//! step it checks: the server never sees a refresh token twice; at most one
//! request is open; every handed-out access token belongs to a set the store
//! acknowledged or the app gave, has not expired, and is not one that got a
//! 401; no call is answered twice; a result of a request started before
//! `set_tokens` changes nothing; a rotated refresh token from a live answer
//! (valid or not) becomes the session's; after a refusal nothing is sent and
//! every call fails with `RECONNECT_REQUIRED` until `set_tokens`; every
//! request and store has a deadline; and at the end, with the clock past
//! every deadline, every call has been answered. Breaking any one guarantee
//! in the machine (tried one by one) makes the simulation fail.
//!
//! `cargo test` runs 10,000 schedules (10 to 70 steps each, 2% of them 200
//! to 600 and 0.3% 2,000 to 4,000; about 545,000 steps in all, under a
//! second in a debug build).
//! Longer runs: `SESSION_SIM_SCHEDULES=100000 cargo test -p expense-auth
//! --lib session::sim -- --nocapture` passed 100,000 schedules (5.45
//! million steps: 586 k tokens handed out, 169 k refreshes, 79 k renews,
//! 132 k stores, 46 k late answers used, 44 k stale answers ignored, 8.3 k
//! rotated tokens kept from invalid answers) in 12 s on the shared build
//! machine (debug build). `SESSION_SIM_SEED=N` starts at another seed
//! (a failure prints its seed) and `SESSION_SIM_TRACE=1` prints every input
//! and action of the schedules it runs.

use crate::error::{Error, ErrorCode};
use crate::secret::Secret;
use core::fmt;
use std::rc::Rc;

/// The largest integer a JS number holds exactly (2^53 − 1); expiry times
/// are clamped to it so that `expiresAt` is always a finite integer in JS.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Default `skew_ms`: refresh a minute before expiry.
pub const DEFAULT_SKEW_MS: u64 = 60_000;
/// Default `store_timeout_ms`.
pub const DEFAULT_STORE_TIMEOUT_MS: u64 = 10_000;
/// Default `request_timeout_ms`: longer than the transport's default 30 s
/// timeout, so the transport's own `TIMEOUT` normally comes first.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 60_000;

/// How many spent refresh tokens are remembered exactly (as SHA-256
/// digests, 32 bytes each: at most 128 KiB).
pub const SPENT_EXACT: usize = 4096;
/// Bits of the Bloom filter that holds the digests of spent refresh tokens
/// older than the last [`SPENT_EXACT`] (64 KiB, allocated at the first
/// overflow), probed [`SPENT_PROBES`] times per digest.
const SPENT_FILTER_BITS: usize = 1 << 19;
const SPENT_PROBES: usize = 8;

/// The refresh tokens that may have reached the server, as SHA-256 digests
/// (a spent token is not kept in clear). It never forgets one within a
/// session's life, at bounded memory (at most 192 KiB): the last
/// [`SPENT_EXACT`] are kept exactly; older ones go into a Bloom filter,
/// which has no false negatives. Its false positives (a never-presented
/// refresh token taken for a spent one: `RECONNECT_REQUIRED`, the safe
/// side) cannot happen before more than [`SPENT_EXACT`] refresh tokens were
/// spent, and stay below 1 in 10^9 with 4,096 tokens in the filter and 1 in
/// 40,000 with 20,000.
#[derive(Default)]
struct Spent {
    /// The last [`SPENT_EXACT`], oldest first.
    recent: Vec<[u8; 32]>,
    /// The Bloom filter, one bit per position (empty until the first overflow).
    older: Vec<u8>,
}

impl Spent {
    fn digest(rt: &Secret) -> [u8; 32] {
        crate::pkce::sha256(rt.expose().as_bytes())
    }

    /// Probe `i` of `d` in the filter: its bit number (from 4 bytes of
    /// `d`; byte `b / 8`, bit `b % 8`: a plain number, no pair returned
    /// through memory).
    fn probe(d: &[u8; 32], i: usize) -> usize {
        let i = 4 * (i % SPENT_PROBES);
        u32::from_le_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]]) as usize & (SPENT_FILTER_BITS - 1)
    }

    /// Spends `rt`, which is not spent yet (the caller checked).
    fn insert(&mut self, rt: &Secret) {
        self.recent.push(Self::digest(rt));
        if self.recent.len() > SPENT_EXACT {
            // Allocated at the first overflow (a no-op afterwards).
            self.older.resize(SPENT_FILTER_BITS / 8, 0);
            // The oldest, read in place (not copied out), into the filter,
            // then the rest moved down over it.
            let old = &self.recent[0];
            for i in 0..SPENT_PROBES {
                let b = Self::probe(old, i);
                if let Some(w) = self.older.get_mut(b / 8) {
                    *w |= 1 << (b % 8);
                }
            }
            self.recent.copy_within(1.., 0);
            self.recent.truncate(SPENT_EXACT);
        }
    }

    /// Un-spends `rt` if it is the last one spent. Only the token of the
    /// last request is ever un-spent, and nothing is spent after it (a new
    /// request forgets the last one); anything else stays spent, the safe
    /// side.
    fn remove(&mut self, rt: &Secret) {
        if self.recent.last().is_some_and(|l| *l == Self::digest(rt)) {
            self.recent.pop();
        }
    }

    fn contains(&self, rt: &Secret) -> bool {
        let d = Self::digest(rt);
        // (An empty filter has no bits: `get` finds none.)
        self.recent.contains(&d)
            || (0..SPENT_PROBES).all(|i| {
                let b = Self::probe(&d, i);
                self.older.get(b / 8).is_some_and(|w| w >> (b % 8) & 1 != 0)
            })
    }
}

/// Converts an expiry time given as a JS number (ms since the epoch) to the
/// session's integer form: fractions are dropped, values are clamped to
/// `0..=MAX_SAFE_INTEGER` (so `Infinity`, e.g. from `expires_in: 1e306`,
/// becomes the far future instead of an error after the server already
/// rotated the refresh token), and NaN is refused with `INVALID_ARGUMENT`.
pub fn expires_at_from_f64(ms: f64) -> Result<u64, Error> {
    if ms.is_nan() {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "expiresAt must be a finite number",
        ));
    }
    // Not NaN: `as` truncates and saturates (negative to 0).
    Ok((ms as u64).min(MAX_SAFE_INTEGER))
}

/// A token set as the session sees it. `payload` is the driver's own data
/// for this set (e.g. the JS token-set object), handed back in
/// [`Action::Store`] so `onTokens(next, previous)` gets the same objects.
/// The fields here are authoritative: the session may set `refresh_token`
/// (kept from the previous set when a refresh answer carries none) or
/// `expires_at` (see [`RefreshOutcome::IssuedInvalid`]) to values the payload
/// does not have, and the driver must write them into the payload it stores.
#[derive(Clone)]
pub struct Tokens<T> {
    /// The access token; an empty one is never handed out.
    pub access_token: Secret,
    /// The refresh token, if any (an empty one counts as none).
    pub refresh_token: Option<Secret>,
    /// When the access token expires, in ms since the epoch; `None`: unknown,
    /// used until a 401.
    pub expires_at: Option<u64>,
    /// The driver's data for this set.
    pub payload: T,
}

impl<T> Tokens<T> {
    /// A token set.
    pub fn new(
        access_token: Secret,
        refresh_token: Option<Secret>,
        expires_at: Option<u64>,
        payload: T,
    ) -> Self {
        Tokens {
            access_token,
            refresh_token,
            expires_at,
            payload,
        }
    }

    /// The session's view of a token endpoint's answer (expiry clamped with
    /// [`expires_at_from_f64`]; a NaN expiry, which the core never produces,
    /// counts as already expired).
    pub fn from_token_set(ts: &crate::token::TokenSet, payload: T) -> Self {
        Tokens {
            access_token: ts.access_token.clone(),
            refresh_token: ts.refresh_token.clone(),
            expires_at: ts.expires_at.map(|e| expires_at_from_f64(e).unwrap_or(0)),
            payload,
        }
    }

    /// An empty refresh token counts as none.
    fn normalize(&mut self) {
        if self
            .refresh_token
            .as_ref()
            .is_some_and(|r| r.expose().is_empty())
        {
            self.refresh_token = None;
        }
    }
}

impl<T> fmt::Debug for Tokens<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The session's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    /// Refresh this long before `expires_at` (clamped to half the token's
    /// lifetime). Default 60 000.
    pub skew_ms: u64,
    /// A store that does not settle within this fails its callers with
    /// `STORE_FAILED`. Default 10 000.
    pub store_timeout_ms: u64,
    /// The session's own deadline for a refresh or renew it asked for, even
    /// if the transport hangs; then `TIMEOUT`. Default 60 000.
    pub request_timeout_ms: u64,
    /// Whether the driver can refresh (has a client with `refresh`). Default true.
    pub can_refresh: bool,
    /// Whether the driver has a `renew` function, used when there is no
    /// usable refresh token. Default false.
    pub can_renew: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            skew_ms: DEFAULT_SKEW_MS,
            store_timeout_ms: DEFAULT_STORE_TIMEOUT_MS,
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            can_refresh: true,
            can_renew: false,
        }
    }
}

/// A caller, named by the driver; every [`Session::call`] gets exactly one
/// [`Action::Resolve`] or [`Action::Reject`] with its id. The driver keeps
/// ids unique among unanswered calls (a counter does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

/// A refresh or renew request the session asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// A store the session asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(pub u64);

/// What a caller wants.
#[derive(Clone, Debug)]
pub enum CallKind {
    /// A valid access token (`getAccessToken()`), refreshing if needed.
    GetAccessToken,
    /// A token from a refresh that completes after this call (`refresh()`);
    /// shares a refresh already in flight.
    ForceRefresh,
    /// `used` got a 401 (`session.fetch`'s retry): a token other than `used`.
    Unauthorized {
        /// The access token the API refused.
        used: Secret,
    },
}

/// How a refresh or renew request ended; the driver classifies its result
/// (see [`RefreshOutcome::from_error`]).
#[derive(Clone)]
pub enum RefreshOutcome<T> {
    /// The server issued a token set that passed validation. Without a
    /// refresh token in it, the one that was sent stays (RFC 6749 §6).
    Issued(Tokens<T>),
    /// The server refused the refresh token (`invalid_grant`, Spendesk's
    /// 401/403): `RECONNECT_REQUIRED`, sticky until `set_tokens`.
    Refused(Error),
    /// The request never left (bad arguments, no `refresh` method, a
    /// `fetch` that threw before sending): the refresh token stays usable.
    NotSent(Error),
    /// It may have reached the server and there is no usable answer: network
    /// error, timeout, 5xx, other error answers, an invalid answer without a
    /// refresh token. The refresh token is spent.
    Failed(Error),
    /// The server answered with a token set that failed validation (no
    /// access token, wrong `token_type`, bad `expires_in`) but carried a new
    /// refresh token. The session keeps and stores `refresh_token` in a set
    /// whose access token counts as expired (the previous access token, or an
    /// empty one, with `expires_at: Some(0)`), with `payload` as its payload;
    /// the waiting callers get `error`. With `refresh_token: None` this is
    /// [`RefreshOutcome::Failed`].
    IssuedInvalid {
        /// Why the set was refused.
        error: Error,
        /// The rotated refresh token the answer carried.
        refresh_token: Option<Secret>,
        /// The driver's data for the set that will be stored.
        payload: T,
    },
}

impl<T> RefreshOutcome<T> {
    /// Classifies a failed request by its error: `RECONNECT_REQUIRED` is
    /// [`Refused`](Self::Refused); otherwise [`NotSent`](Self::NotSent) if
    /// the driver knows the request was not sent (`sent == false`), else
    /// [`Failed`](Self::Failed).
    pub fn from_error(error: Error, sent: bool) -> Self {
        if error.code() == ErrorCode::ReconnectRequired {
            RefreshOutcome::Refused(error)
        } else if !sent {
            RefreshOutcome::NotSent(error)
        } else {
            RefreshOutcome::Failed(error)
        }
    }
}

/// Classifies the answer `resp` to a refresh request sent by `client`, given
/// what it made of the answer (`result`, from
/// [`ClientConfig::process_token_response`](crate::token::ClientConfig::process_token_response)):
/// a valid set is [`Issued`](RefreshOutcome::Issued) (its expiry clamped, see
/// [`expires_at_from_f64`]); `RECONNECT_REQUIRED` is
/// [`Refused`](RefreshOutcome::Refused); an answer that failed validation
/// but from which
/// [`ClientConfig::issued_refresh_token`](crate::token::ClientConfig::issued_refresh_token)
/// recovers a rotated refresh token (a success status of the provider, a
/// token of RFC 6749 VSCHAR characters) is
/// [`IssuedInvalid`](RefreshOutcome::IssuedInvalid), so the rotated token is
/// kept; anything else is [`Failed`](RefreshOutcome::Failed) (the request
/// reached a server). For a request that got no answer at all, use
/// [`RefreshOutcome::from_error`].
pub fn refresh_outcome<T>(
    client: &crate::token::ClientConfig,
    resp: &crate::http::HttpResponse,
    result: Result<crate::token::TokenSet, Error>,
    payload: T,
) -> RefreshOutcome<T> {
    match result {
        Ok(ts) => RefreshOutcome::Issued(Tokens::from_token_set(&ts, payload)),
        Err(e) if e.code() == ErrorCode::ReconnectRequired => RefreshOutcome::Refused(e),
        Err(e) => match client.issued_refresh_token(crate::token::GrantKind::RefreshToken, resp) {
            Some(r) => RefreshOutcome::IssuedInvalid {
                error: e,
                refresh_token: Some(r),
                payload,
            },
            None => RefreshOutcome::Failed(e),
        },
    }
}

impl<T> fmt::Debug for RefreshOutcome<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefreshOutcome::Issued(t) => f.debug_tuple("Issued").field(t).finish(),
            RefreshOutcome::Refused(e) => f.debug_tuple("Refused").field(e).finish(),
            RefreshOutcome::NotSent(e) => f.debug_tuple("NotSent").field(e).finish(),
            RefreshOutcome::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            RefreshOutcome::IssuedInvalid {
                error,
                refresh_token,
                ..
            } => f
                .debug_struct("IssuedInvalid")
                .field("error", error)
                .field("refresh_token", refresh_token)
                .finish_non_exhaustive(),
        }
    }
}

/// What the driver must do next.
#[derive(Clone)]
pub enum Action<T> {
    /// Send a refresh-token grant with `refresh_token`; report with
    /// [`Session::refresh_done`].
    Refresh {
        /// For `refresh_done`.
        id: RequestId,
        /// The refresh token to present.
        refresh_token: Secret,
    },
    /// Call `renew()`; report with [`Session::refresh_done`].
    Renew {
        /// For `refresh_done`.
        id: RequestId,
    },
    /// Call `onTokens(next, previous)`; report with [`Session::store_done`].
    Store {
        /// For `store_done`.
        id: StoreId,
        /// The set to store (write its fields into its payload first).
        next: Rc<Tokens<T>>,
        /// The set it replaces (`None` the first time).
        previous: Option<Rc<Tokens<T>>>,
    },
    /// Settle caller `call` with this access token.
    Resolve {
        /// The caller.
        call: CallId,
        /// Its token.
        access_token: Secret,
    },
    /// Reject caller `call` with `error`.
    Reject {
        /// The caller.
        call: CallId,
        /// Why.
        error: Error,
    },
}

impl<T> fmt::Debug for Action<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Refresh { id, refresh_token } => f
                .debug_struct("Refresh")
                .field("id", id)
                .field("refresh_token", refresh_token)
                .finish(),
            Action::Renew { id } => f.debug_struct("Renew").field("id", id).finish(),
            Action::Store { id, next, previous } => f
                .debug_struct("Store")
                .field("id", id)
                .field("next", next)
                .field("previous", previous)
                .finish(),
            Action::Resolve { call, access_token } => f
                .debug_struct("Resolve")
                .field("call", call)
                .field("access_token", access_token)
                .finish(),
            Action::Reject { call, error } => f
                .debug_struct("Reject")
                .field("call", call)
                .field("error", error)
                .finish(),
        }
    }
}

/// The session's current set and what it knows about it.
#[derive(Clone)]
#[repr(C)]
struct Current<T> {
    tokens: Rc<Tokens<T>>,
    /// The store acknowledged it (or the app gave it).
    stored: bool,
    /// The API refused its access token (401), or it is known to be unusable.
    access_bad: bool,
    /// Issued by the server in answer to a request (not given by the app).
    from_server: bool,
    /// When the session got it (for the lifetime used to clamp the skew).
    received_at: u64,
    /// The store ids issued before it: those above are stores of this set.
    stores_before: u64,
}

#[derive(Clone, Copy, Debug)]
struct Waiter {
    call: CallId,
    /// The token epoch when it joined.
    joined: u64,
    /// Needs a set newer than `joined` (ForceRefresh, or a 401 on the current token).
    must_be_newer: bool,
    /// Must not be handed this token (a 401 answer's), as its [`tag`].
    avoid: Option<u64>,
}

/// The last request: in flight, or timed out (its late answer may still be
/// used). Starting a request forgets the one that timed out.
#[derive(Clone, Debug)]
struct Request {
    id: RequestId,
    /// No `set_tokens` replaced the tokens since it started (except with
    /// the successor of the refresh token it carries): its result is used.
    live: bool,
    /// The refresh token it presents (`None` for renew).
    carried: Option<Secret>,
    deadline: u64,
    /// Still in flight (not timed out).
    open: bool,
}

/// A store in flight (`id` 0: none; `StoreId(0)` is never issued).
#[derive(Clone, Copy, Debug)]
struct StoreOp {
    id: StoreId,
    deadline: u64,
}

const NO_STORE: StoreOp = StoreOp {
    id: StoreId(0),
    deadline: 0,
};

impl StoreOp {
    fn some(self) -> bool {
        self.id.0 != 0
    }

    /// None in flight any more: the id alone says so (a deadline is read
    /// only with an id), so only it is cleared.
    fn clear(&mut self) {
        self.id = StoreId(0);
    }
}

/// The token session state machine; see the module docs.
///
/// `repr(C)`, the fields the code reads most first: in wasm a field at an
/// offset below 128 is one byte shorter to load or store.
#[repr(C)]
pub struct Session<T = ()> {
    current: Option<Current<T>>,
    /// Sticky `RECONNECT_REQUIRED` after a refusal.
    refused: Option<Error>,
    waiters: Vec<Waiter>,
    /// Actions not yet handed out, oldest first.
    actions: Vec<Action<T>>,
    /// Bumped whenever a new access token becomes current.
    epoch: u64,
    /// The last store id issued (`StoreId(0)` is never issued).
    stores: u64,
    /// The store in flight (always of the current set), or none (id 0, as
    /// [`NO_STORE`] and `StoreOp::clear` leave it; its deadline is then
    /// never read).
    store: StoreOp,
    /// The set the store last acknowledged (or the app gave): `previous`.
    acked: Option<Rc<Tokens<T>>>,
    request: Option<Request>,
    /// The last request id issued.
    next_id: u64,
    config: SessionConfig,
    /// Refresh tokens that may have reached the server.
    spent: Spent,
}

impl<T> fmt::Debug for Session<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .field("tokens", &self.current.as_ref().map(|c| &*c.tokens))
            .field("stored", &self.current.as_ref().map(|c| c.stored))
            .field("refused", &self.refused.is_some())
            .field("request", &self.request.as_ref().map(|r| (r.id, r.open)))
            .field("store", &self.store.id)
            .field("waiters", &self.waiters.len())
            .finish_non_exhaustive()
    }
}

/// An access token as 64 bits of its SHA-256 digest, to recognise a
/// token that got a 401 without keeping it. Another token with the same tag
/// (a chance of 2^-64) would only be refused too, the safe side.
fn tag(t: &Secret) -> u64 {
    let d = Spent::digest(t);
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// Whether `rt` is the refresh token a request `carried` (both present).
fn carries(carried: &Option<Secret>, rt: Option<&Secret>) -> bool {
    carried.is_some() && carried.as_ref() == rt
}

fn err(code: ErrorCode, msg: &str) -> Error {
    Error::new(code, msg)
}

fn with_code(e: Error, code: ErrorCode, msg: &str) -> Error {
    if e.code() == code {
        e
    } else {
        err(code, msg)
    }
}

pub(crate) const MSG_STORE_FAILED: &str = "onTokens failed (tokens offered again next call)";
const MSG_STORE_TIMEOUT: &str = "onTokens timed out (tokens offered again next call)";
const MSG_SPENT: &str = "refresh token possibly spent: the user must connect again";
const MSG_REFUSED: &str = "refresh token refused: the user must connect again";
const MSG_NO_REFRESH: &str = "no refresh token and no renew";
const MSG_NO_REFRESH_METHOD: &str = "no client with refresh() and no renew";
const MSG_NO_TOKENS: &str = "no tokens: call setTokens first";
const MSG_REQUEST_TIMEOUT: &str = "token refresh timed out";
const MSG_ISSUED_EXPIRED: &str = "the server issued an expired access token";
const MSG_EXPIRED_BEFORE_STORED: &str = "new access token expired before onTokens settled";
// The same text as the token endpoint's own check (one copy in the binary).
const MSG_NO_ACCESS_TOKEN: &str = "no usable access_token";
const MSG_SAME_TOKEN: &str = "401, and the refresh gave the same token";

impl<T: Clone> Session<T> {
    /// A session with `config`, at time `now`, starting from `initial`
    /// tokens (which came from the app's store: they are not stored again).
    /// An empty access token in `initial` counts as an expired one.
    pub fn new(config: SessionConfig, now: u64, initial: Option<Tokens<T>>) -> Self {
        let mut s = Session {
            config,
            current: None,
            acked: None,
            epoch: 0,
            next_id: 0,
            stores: 0,
            refused: None,
            spent: Spent::default(),
            request: None,
            store: NO_STORE,
            waiters: Vec::new(),
            actions: Vec::new(),
        };
        if let Some(t) = initial {
            s.install(now, t, false, false);
        }
        s
    }

    /// The settings.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The current token set, including one still waiting for the store.
    pub fn tokens(&self) -> Option<&Tokens<T>> {
        self.current.as_ref().map(|c| &*c.tokens)
    }

    /// The current set's expiry.
    pub fn expires_at(&self) -> Option<u64> {
        self.current.as_ref().and_then(|c| c.tokens.expires_at)
    }

    /// Whether a set is waiting for the store's acknowledgement.
    pub fn store_pending(&self) -> bool {
        self.current.as_ref().is_some_and(|c| !c.stored)
    }

    /// The request in flight, if any.
    fn inflight(&self) -> Option<&Request> {
        self.request.as_ref().filter(|r| r.open)
    }

    /// Whether the session cannot get new tokens without the user connecting
    /// again: the refresh token was refused, or it is spent (see the module
    /// docs) and there is no `renew`. Not while the request that carries it
    /// is still under way. Cleared by [`Session::set_tokens`].
    pub fn reconnect_required(&self) -> bool {
        if self.refused.is_some() {
            return true;
        }
        if self.config.can_renew {
            return false;
        }
        match self
            .current
            .as_ref()
            .and_then(|c| c.tokens.refresh_token.as_ref())
        {
            // A refresh carrying it is still under way: its outcome decides.
            Some(rt) => {
                self.inflight()
                    .is_none_or(|r| !carries(&r.carried, Some(rt)))
                    && self.spent.contains(rt)
            }
            None => false,
        }
    }

    /// The access token a [`CallKind::GetAccessToken`] call at `now` would
    /// get at once, without any request or store (the hot path; a driver may
    /// use it instead of a call when it is `Some`).
    pub fn usable_access_token(&self, now: u64) -> Option<&Secret> {
        let c = self.current.as_ref()?;
        (self.refused.is_none() && c.stored && self.fresh(c, now)).then_some(&c.tokens.access_token)
    }

    /// [`Session::usable_access_token`] at `now`, with the last time (ms)
    /// it still holds with no other input (`u64::MAX`: no expiry): freshness
    /// only ends as time goes on, so the token may be handed out until then
    /// without asking again.
    pub fn usable_until(&self, now: u64) -> Option<(&Secret, u64)> {
        let t = self.usable_access_token(now)?;
        Some((t, self.holds_until()))
    }

    /// The `until` of [`Session::usable_until`] (in a register: the
    /// adapter asks for the token and this apart).
    pub(crate) fn holds_until(&self) -> u64 {
        self.current.as_ref().map_or(u64::MAX, |c| {
            c.tokens
                .expires_at
                .map_or(u64::MAX, |exp| exp.saturating_sub(self.skew(c) + 1))
        })
    }

    /// The next action, if any.
    pub fn poll_action(&mut self) -> Option<Action<T>> {
        (!self.actions.is_empty()).then(|| self.actions.remove(0))
    }

    /// Every action not yet handed out, oldest first (what repeated
    /// [`Session::poll_action`] would give).
    pub fn take_actions(&mut self) -> Vec<Action<T>> {
        core::mem::take(self.actions_mut())
    }

    /// The actions not yet handed out, in place (the adapter reads them
    /// and clears the list: its capacity is kept, no new `Vec` each time).
    pub(crate) fn actions_mut(&mut self) -> &mut Vec<Action<T>> {
        &mut self.actions
    }

    /// The earliest deadline (ms since the epoch) at which
    /// [`Session::handle_timeout`] must be called, if any.
    pub fn poll_timeout(&self) -> Option<u64> {
        let r = self.inflight().map(|r| r.deadline);
        if !self.store.some() {
            return r;
        }
        let s = self.store.deadline;
        Some(r.map_or(s, |a| a.min(s)))
    }

    /// Fails what has passed its deadline at `now`.
    pub fn handle_timeout(&mut self, now: u64) {
        if self.store.some() && now >= self.store.deadline {
            self.store.clear();
            if self.store_pending() {
                self.fail_waiters(now, err(ErrorCode::StoreFailed, MSG_STORE_TIMEOUT));
            }
        }
        if let Some(r) = self
            .request
            .as_mut()
            .filter(|r| r.open && now >= r.deadline)
        {
            // Ambiguous: the refresh token stays spent (marked at send).
            // A stale request's callers are not its own: they wait for
            // the next one, which `drive` starts.
            if r.live {
                r.open = false;
                self.fail_waiters(now, err(ErrorCode::Timeout, MSG_REQUEST_TIMEOUT));
            } else {
                self.request = None;
            }
        }
        self.drive(now);
    }

    /// A caller `call` wants a token (see [`CallKind`]). It gets exactly one
    /// [`Action::Resolve`] or [`Action::Reject`].
    pub fn call(&mut self, now: u64, call: CallId, kind: CallKind) {
        let (must_be_newer, avoid) = match kind {
            CallKind::GetAccessToken => (false, None),
            CallKind::ForceRefresh => (true, None),
            CallKind::Unauthorized { used } => {
                let same = match self.current.as_mut() {
                    // Nobody gets the refused token again.
                    Some(c) if c.tokens.access_token == used => {
                        c.access_bad = true;
                        true
                    }
                    _ => false,
                };
                (same, Some(tag(&used)))
            }
        };
        self.waiters.push(Waiter {
            call,
            joined: self.epoch,
            must_be_newer,
            avoid,
        });
        self.drive(now);
    }

    /// The app's own tokens (e.g. after the user connected again): replaces
    /// the current set, clears a reconnect state, and makes any earlier
    /// request's result irrelevant (unless that request carried this set's
    /// refresh token: then its result is this set's successor). The set came
    /// from the app, so it is not stored again. A refresh token already spent
    /// stays spent.
    pub fn set_tokens(&mut self, now: u64, tokens: Tokens<T>) {
        // (An empty refresh token never equals the one a request carries.)
        if let Some(r) = self.request.as_mut() {
            r.live &= carries(&r.carried, tokens.refresh_token.as_ref());
        }
        self.refused = None;
        self.install(now, tokens, false, false);
        self.drive(now);
    }

    /// The result of request `id` (from [`Action::Refresh`] or
    /// [`Action::Renew`]). Unknown ids are ignored; see the module docs for
    /// late answers.
    pub fn refresh_done(&mut self, now: u64, id: RequestId, outcome: RefreshOutcome<T>) {
        // An unknown id runs the match below as a stale request carrying
        // nothing (no effect; the outcome is dropped by its own arm, not by
        // a drop of the whole enum here) and does not drive.
        let (carried, live, known) = match self.request.take_if(|r| r.id == id) {
            Some(req) => (req.carried, req.live, true),
            None => (None, false, false),
        };
        // Facts about the refresh token hold whether or not the result is
        // used: an answer that proves it unspent un-spends it. The error of
        // the waiting callers (after a set kept for its rotated refresh
        // token, whose access token is unusable, too).
        let fail = match outcome {
            // No access token: an invalid answer (a rotated refresh token kept).
            RefreshOutcome::Issued(t) if t.access_token.expose().is_empty() => {
                self.keep(now, live, &carried, t.refresh_token, t.payload, true);
                Some(err(ErrorCode::InvalidResponse, MSG_NO_ACCESS_TOKEN))
            }
            RefreshOutcome::Issued(mut t) => {
                t.normalize();
                // No new refresh token, or the same: the server keeps the
                // old one valid (RFC 6749 §6).
                if t.refresh_token.is_none() || carries(&carried, t.refresh_token.as_ref()) {
                    self.unspend(&carried);
                }
                if live {
                    // Without a new refresh token, the old one stays.
                    if t.refresh_token.is_none() {
                        t.refresh_token = carried;
                    }
                    self.install(now, t, true, false);
                }
                None
            }
            RefreshOutcome::IssuedInvalid {
                error,
                refresh_token,
                payload,
            } => {
                self.keep(now, live, &carried, refresh_token, payload, false);
                Some(error)
            }
            RefreshOutcome::Refused(e) => {
                if live {
                    // `drive` fails every caller with it.
                    self.refused = Some(with_code(e, ErrorCode::ReconnectRequired, MSG_REFUSED));
                }
                None
            }
            RefreshOutcome::NotSent(e) => {
                self.unspend(&carried);
                Some(e)
            }
            RefreshOutcome::Failed(e) => Some(e),
        };
        // After an invalid answer the kept set is not stored yet: no fallback.
        if let Some(e) = fail.filter(|_| live) {
            self.fail_waiters(now, e);
        }
        if known {
            self.drive(now);
        }
    }

    /// The result of store `id` (from [`Action::Store`]). Unknown ids are
    /// ignored; a late success for the set still pending acknowledges it.
    pub fn store_done(&mut self, now: u64, id: StoreId, result: Result<(), Error>) {
        // (Id 0 is never issued: clearing no store changes nothing.)
        let was_inflight = self.store.id == id;
        if was_inflight {
            self.store.clear();
        }
        // A store of the current set, still waiting for the store.
        let Some(c) = self
            .current
            .as_mut()
            .filter(|c| !c.stored && c.stores_before < id.0 && id.0 <= self.stores)
        else {
            return;
        };
        match result {
            Ok(()) => {
                c.stored = true;
                self.acked = Some(c.tokens.clone());
                // Any other store of this set is now moot.
                self.store.clear();
            }
            Err(e) => {
                if was_inflight {
                    let e = with_code(e, ErrorCode::StoreFailed, MSG_STORE_FAILED);
                    self.fail_waiters(now, e);
                }
            }
        }
        self.drive(now);
    }

    // ---- internals ----

    /// Makes `t` the current set: given by the app (stored already), or
    /// issued by the server (to be stored; `access_bad` for a set kept only
    /// for its rotated refresh token).
    fn install(&mut self, now: u64, mut tokens: Tokens<T>, from_server: bool, access_bad: bool) {
        tokens.normalize();
        let tokens = Rc::new(tokens);
        if !from_server {
            self.acked = Some(tokens.clone());
        }
        if !access_bad {
            self.epoch = self.epoch.wrapping_add(1);
        }
        self.store.clear();
        self.current = Some(Current {
            tokens,
            stores_before: self.stores,
            received_at: now,
            stored: !from_server,
            access_bad,
            from_server,
        });
    }

    /// Un-spends the refresh token a request carried (its answer proved
    /// it was not used up).
    fn unspend(&mut self, carried: &Option<Secret>) {
        if let Some(rt) = carried {
            self.spent.remove(rt);
        }
    }

    /// Installs (if the request is `live`) the set that keeps `rt`, a rotated
    /// refresh token from an answer that failed validation (an empty one
    /// counts as none): its access token counts as expired. The request's
    /// own refresh token handed back (a 2xx answer) is un-spent, and kept;
    /// but not at all with `no_access` (an answer without an access token:
    /// its own token handed back is no rotation).
    fn keep(
        &mut self,
        now: u64,
        live: bool,
        carried: &Option<Secret>,
        rt: Option<Secret>,
        payload: T,
        no_access: bool,
    ) {
        let Some(rt) = rt else {
            return;
        };
        if rt.expose().is_empty() {
            return;
        }
        if carries(carried, Some(&rt)) {
            if no_access {
                return;
            }
            self.unspend(carried);
        }
        if live {
            let access = self.access();
            let t = Tokens {
                access_token: access,
                refresh_token: Some(rt),
                expires_at: Some(0),
                payload,
            };
            self.install(now, t, true, true);
        }
    }

    /// The current access token (empty without a set).
    fn access(&self) -> Secret {
        self.current
            .as_ref()
            .map_or_else(|| Secret::new(""), |c| c.tokens.access_token.clone())
    }

    /// Whether `c`'s access token may be handed out at time `at` (the
    /// store aside): not refused, not empty, not expired by then.
    fn usable(c: &Current<T>, at: u64) -> bool {
        !c.access_bad
            && !c.tokens.access_token.expose().is_empty()
            && c.tokens.expires_at.is_none_or(|exp| at < exp)
    }

    /// Whether `c`'s access token may be handed out at `now` without a
    /// refresh: usable for the (clamped) skew beyond `now`.
    fn fresh(&self, c: &Current<T>, now: u64) -> bool {
        Self::usable(c, now.saturating_add(self.skew(c)))
    }

    /// `c`'s skew: the configured one, at most half its lifetime.
    fn skew(&self, c: &Current<T>) -> u64 {
        c.tokens.expires_at.map_or(0, |exp| {
            self.config
                .skew_ms
                .min(exp.saturating_sub(c.received_at) / 2)
        })
    }

    /// Answers caller `call`: `Ok`, the current access token.
    fn answer(&mut self, call: CallId, r: Result<(), Error>) {
        let a = match r {
            Ok(()) => Action::Resolve {
                call,
                access_token: self.access(),
            },
            Err(error) => Action::Reject { call, error },
        };
        self.actions.push(a);
    }

    /// Fails the waiting callers with `e` — except that, unless the refresh
    /// token was refused, a caller who only wants a valid token gets the
    /// current one if it is stored and has not actually expired yet (it was
    /// merely inside the skew, where a refresh is an optimisation).
    fn fail_waiters(&mut self, now: u64, e: Error) {
        self.answer_waiters(now, Some(e));
    }

    /// Answers the waiting callers: with `fail`, every one (see
    /// [`Self::fail_waiters`]); without, those [`Self::settle`] can answer.
    fn answer_waiters(&mut self, now: u64, fail: Option<Error>) {
        for w in &core::mem::take(&mut self.waiters) {
            // The current access token (the fallback's too) is the one this
            // 401 caller must not get: hashed only for a waiter with one to
            // avoid (the 401 retry), not on every answer.
            let avoided = w.avoid.is_some_and(|a| {
                self.current
                    .as_ref()
                    .is_some_and(|c| tag(&c.tokens.access_token) == a)
            });
            match &fail {
                None => {
                    if !self.settle(w, avoided, now) {
                        self.waiters.push(*w);
                    }
                }
                Some(e) => {
                    let r = if !w.must_be_newer
                        && !avoided
                        && self.refused.is_none()
                        && self
                            .current
                            .as_ref()
                            .is_some_and(|c| c.stored && Self::usable(c, now))
                    {
                        Ok(())
                    } else {
                        Err(e.clone())
                    };
                    self.answer(w.call, r);
                }
            }
        }
    }

    /// Decides what the waiting callers get, and which store or request to
    /// start. Called after every input.
    fn drive(&mut self, now: u64) {
        if let Some(e) = self.refused.clone() {
            self.fail_waiters(now, e);
        }
        let have_waiters = !self.waiters.is_empty();
        if !have_waiters || self.store_pending() {
            // An issued set is offered to the store at once, waiters or not.
            self.maybe_store(now, have_waiters);
            return;
        }
        // Hand out what can be handed out.
        self.answer_waiters(now, None);
        if self.waiters.is_empty() || self.inflight().is_some() {
            return;
        }
        // The rest need new tokens: one request for all of them.
        let rt = self
            .current
            .as_ref()
            .and_then(|c| c.tokens.refresh_token.as_ref());
        let spent = rt.is_some_and(|r| self.spent.contains(r));
        let carried = rt.filter(|_| self.config.can_refresh && !spent);
        if carried.is_none() && !self.config.can_renew {
            let e = match rt {
                Some(_) if spent => err(ErrorCode::ReconnectRequired, MSG_SPENT),
                _ if self.current.is_none() => err(ErrorCode::NoRefreshToken, MSG_NO_TOKENS),
                // Usable, but `can_refresh` is off.
                Some(_) => err(ErrorCode::NoRefreshToken, MSG_NO_REFRESH_METHOD),
                None => err(ErrorCode::NoRefreshToken, MSG_NO_REFRESH),
            };
            self.fail_waiters(now, e);
            return;
        }
        self.next_id = self.next_id.wrapping_add(1);
        let id = RequestId(self.next_id);
        let action = match carried {
            Some(rt) => {
                self.spent.insert(rt);
                Action::Refresh {
                    id,
                    refresh_token: rt.clone(),
                }
            }
            None => Action::Renew { id },
        };
        self.request = Some(Request {
            id,
            live: true,
            carried: carried.cloned(),
            deadline: now.saturating_add(self.config.request_timeout_ms),
            open: true,
        });
        self.actions.push(action);
    }

    /// Offers the pending set to the store unless a store of it is in
    /// flight; without waiters only if it was never offered.
    fn maybe_store(&mut self, now: u64, have_waiters: bool) {
        if self.store.some() {
            return;
        }
        let Some(c) = self.current.as_mut() else {
            return;
        };
        // A store id above the set's first: it was offered before.
        if c.stored || (!have_waiters && self.stores > c.stores_before) {
            return;
        }
        let next = c.tokens.clone();
        self.stores += 1;
        let id = StoreId(self.stores);
        self.store = StoreOp {
            id,
            deadline: now.saturating_add(self.config.store_timeout_ms),
        };
        let previous = self.acked.clone();
        self.actions.push(Action::Store { id, next, previous });
    }

    /// Answers waiter `w` if it can be answered without a new set (`Ok`:
    /// the current access token); whether it was. `avoided`: the current
    /// access token is the one `w` must not get.
    fn settle(&mut self, w: &Waiter, avoided: bool, now: u64) -> bool {
        let Some(c) = self.current.as_ref() else {
            return false;
        };
        let newer = self.epoch != w.joined;
        if w.must_be_newer && !newer {
            return false;
        }
        let access = &c.tokens.access_token;
        let r = if avoided {
            // The refused token came back: never resend it.
            if !newer {
                return false;
            }
            Err(err(ErrorCode::Unauthorized, MSG_SAME_TOKEN).with_status(401))
        } else {
            // A set the server issued after this caller joined is handed out
            // even inside the skew — no second refresh for this caller, or a
            // store slower than half the token's lifetime would refresh
            // forever — but never once it has expired.
            let late = newer && c.from_server && !c.access_bad && !access.expose().is_empty();
            if self.fresh(c, now) || (late && Self::usable(c, now)) {
                Ok(())
            } else if !late {
                return false;
            } else {
                let exp = c.tokens.expires_at.unwrap_or(u64::MAX);
                let (code, msg) = if c.received_at >= exp {
                    (ErrorCode::InvalidResponse, MSG_ISSUED_EXPIRED)
                } else {
                    (ErrorCode::Timeout, MSG_EXPIRED_BEFORE_STORED)
                };
                Err(err(code, msg))
            }
        };
        self.answer(w.call, r);
        true
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "session_sim.rs"]
mod sim;
