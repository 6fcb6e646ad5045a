//! Properties of expense-auth's input parsers, one function per fuzz target.
//!
//! Each function takes the fuzzer's bytes and panics when a property fails.
//! The libFuzzer binaries in `fuzz_targets/` call them, and so does the
//! native replay of the kept corpora (`tests` below, `cargo test`), so a
//! corpus file means the same thing in both.
//!
//! Secrets: the two-byte placeholders `$S` (and `$T` for a state) in an
//! input are replaced by a marker string before parsing, so the fuzzer can put
//! "a secret" anywhere (an access token, a refresh token, a code, a whole
//! JWT); no error message or `Debug` output may then contain the marker,
//! unless the server's own `error` / `error_description` / `error_uri` text
//! carried it (servers send those to be shown).

use expense_auth::callback::parse_callback;
use expense_auth::encoding::{
    b64url, b64url_decode, decimal, decode_form_component, encode_component, encode_form_component,
    form_encode, parse_query,
};
use expense_auth::http::HttpResponse;
use expense_auth::json::{self as ejson, JsonObject, Kind};
use expense_auth::jwt;
use expense_auth::pkce::{challenge_s256, validate_verifier, Pkce};
use expense_auth::providers::Provider;
use expense_auth::token::{self, GrantKind};
use expense_auth::url::{is_loopback_host, parse_endpoint, query_of, MAX_URL_LEN};
use expense_auth::{Error, ErrorCode};
use serde_json::Value;

/// What `$S` becomes: a secret value (token, code, verifier).
pub const SECRET: &str = "Sx7qSECRETm4rkZ";
/// What `$T` becomes: the state a client sent.
pub const STATE: &str = "Tq3wSTATEm4rkZ";

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data)
        .replace("$S", SECRET)
        .replace("$T", STATE)
}

/// A refused input: an allowed code, a non-empty message, and neither the
/// message nor `Debug` shows [`SECRET`] or [`STATE`] unless `echo_ok` (the
/// server's own error text carried it).
fn check_refusal(e: &Error, allowed: &[ErrorCode], echo_ok: bool) {
    assert!(
        allowed.contains(&e.code()),
        "unexpected code {:?}: {}",
        e.code(),
        e.message()
    );
    assert!(!e.message().is_empty(), "empty message for {:?}", e.code());
    if !echo_ok {
        for marker in [SECRET, STATE] {
            assert!(
                !e.message().contains(marker),
                "message leaks input: {}",
                e.message()
            );
            assert!(!format!("{e:?}").contains(marker), "Debug leaks input");
        }
    }
}

/// serde_json with no depth limit (the fuzzer's inputs are a few KiB, so
/// its recursion stays shallow enough).
fn serde_parse(text: &str) -> Option<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let v = serde::Deserialize::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(v)
}

/// serde_json's error for `text` (read as [`serde_parse`] does), or `""`.
fn serde_error(text: &str) -> String {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let r: Result<Value, _> = serde::Deserialize::deserialize(&mut de);
    match r.and_then(|_| de.end()) {
        Ok(()) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// Whether serde_json refuses `text` only for a number beyond `f64`.
fn out_of_range(text: &str) -> bool {
    serde_error(text).starts_with("number out of range")
}

fn contains_marker(v: Option<&Value>) -> bool {
    v.is_some_and(|v| {
        let s = v.to_string();
        s.contains(SECRET) || s.contains(STATE)
    })
}

// ---------------------------------------------------------------- URLs

/// `parse_endpoint`, `Endpoint::join`, `query_of`, `is_loopback_host`.
///
/// - accepted: the URL re-serialises (`as_str`) to itself, which parses again
///   to an equal `Endpoint`; it is `https`, or `http` on a loopback host;
///   it has no fragment, whitespace or control character; a WHATWG parser
///   (the `url` crate) accepts it too (unless an `xn--` label is bad Punycode), with the same scheme and, for a plain
///   ASCII host, the same host; an accepted `http` URL's WHATWG host is
///   loopback;
/// - refused: `INVALID_URL` or `INSECURE_URL` with a non-empty message that
///   does not show a secret (`$S`) in it;
/// - `join` of an accepted base without query either refuses or gives an
///   endpoint that starts with the base;
/// - `query_of` returns a substring of its input without `#`.
pub fn url(data: &[u8]) {
    let (split, rest) = match data.split_first() {
        Some((&b, rest)) => (b as usize, rest),
        None => (0, data),
    };
    let s = text(rest);
    // The first byte may split the input into base and path for `join`.
    let cut = if split < s.len() && s.is_char_boundary(split) {
        split
    } else {
        s.len()
    };
    let (whole, path) = (&s[..], &s[cut..]);
    let q = query_of(whole);
    assert!(whole.contains(q) && !q.contains('#'));

    match parse_endpoint(whole, "url") {
        Ok(e) => {
            assert_eq!(e.as_str(), whole);
            let again = parse_endpoint(e.as_str(), "url").expect("re-parse");
            assert_eq!(again, e);
            assert_eq!(e.has_query(), whole.contains('?'));
            assert!(whole.len() <= MAX_URL_LEN);
            assert!(!whole.contains('#'));
            assert!(!whole.bytes().any(|b| b <= b' ' || b == 0x7f));
            check_whatwg(whole);
            if !e.has_query() {
                if let Ok(j) = e.join(path) {
                    assert!(j.as_str().starts_with(whole.trim_end_matches('/')));
                }
            }
        }
        Err(err) => {
            check_refusal(
                &err,
                &[ErrorCode::InvalidUrl, ErrorCode::InsecureUrl],
                false,
            );
        }
    }
    let _ = is_loopback_host(path);
}

fn check_whatwg(accepted: &str) {
    let parsed = match url::Url::parse(accepted) {
        Ok(u) => u,
        // Known gap: an `xn--` label is taken as it is (checking its
        // Punycode needs the IDNA tables the wasm does not ship); a bad one
        // fails later in fetch, as NETWORK_ERROR.
        Err(_) if accepted.to_ascii_lowercase().contains("xn--") => return,
        Err(e) => panic!("WHATWG parser refuses an accepted URL: {e}"),
    };
    let (scheme, after) = accepted.split_once("://").expect("scheme");
    assert_eq!(parsed.scheme(), scheme.to_ascii_lowercase());
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = if authority.starts_with('[') {
        &authority[..=authority.find(']').expect("]")]
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    let whatwg_host = parsed.host().expect("a host");
    if scheme.eq_ignore_ascii_case("http") {
        let loopback = match &whatwg_host {
            url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
            url::Host::Ipv4(a) => a.is_loopback(),
            url::Host::Ipv6(a) => a.is_loopback(),
        };
        assert!(
            loopback,
            "http allowed for a host WHATWG reads as {whatwg_host}"
        );
    }
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && host.bytes().any(|b| b.is_ascii_alphabetic());
    if plain {
        if let url::Host::Domain(d) = whatwg_host {
            assert_eq!(d, host.to_ascii_lowercase(), "host differs from WHATWG's");
        }
    }
}

// ------------------------------------------------------------ callbacks

/// `parse_callback` with no expected state, or [`STATE`] expected.
///
/// - accepted: a non-empty code, equal to the single `code` parameter as
///   `URLSearchParams` decodes it; with an expected state, the returned
///   state equals it; `Debug` does not show the code (it shows the state);
/// - refused: a callback error code, a non-empty message that shows neither
///   the code nor the expected state (unless the server's `error` text did).
pub fn callback(data: &[u8]) {
    let (mode, rest) = match data.split_first() {
        Some((&b, rest)) => (b, rest),
        None => (0, data),
    };
    let input = text(rest);
    let expected = (mode & 1 == 1).then_some(STATE);
    let params = parse_query(query_of(&input));
    match parse_callback(&input, expected) {
        Ok(cb) => {
            assert!(!cb.code.expose().is_empty());
            let codes: Vec<_> = params.iter().filter(|(k, _)| k == "code").collect();
            assert_eq!(codes.len(), 1);
            assert_eq!(codes[0].1, cb.code.expose());
            if let Some(exp) = expected {
                assert_eq!(cb.state.as_deref(), Some(exp));
            }
            // The state is not a secret and Debug shows it; the code must not show.
            if !cb.state.as_deref().unwrap_or("").contains(SECRET) {
                assert!(!format!("{cb:?}").contains(SECRET));
            }
        }
        Err(e) => {
            let echo = params.iter().any(|(k, v)| {
                matches!(k.as_str(), "error" | "error_description" | "error_uri")
                    && (v.contains(SECRET) || v.contains(STATE))
            });
            check_refusal(
                &e,
                &[
                    ErrorCode::InvalidUrl,
                    ErrorCode::DuplicateParameter,
                    ErrorCode::MissingState,
                    ErrorCode::StateMismatch,
                    ErrorCode::AuthorizationError,
                    ErrorCode::MissingCode,
                ],
                echo,
            );
        }
    }
}

// ----------------------------------------------------------------- JWTs

/// `jwt::decode_unverified`, the NumericDate claims, `spendesk_wallet_id`,
/// `token::check_static_jwt`; with the first byte odd, the rest is a payload
/// encoded into a JWT (padded or not) that must decode back to it.
///
/// - accepted: the payload is a JSON object for serde_json too; `exp`,
///   `iat`, `nbf` are finite, and in milliseconds still finite; the wallet
///   ID is non-empty and is what serde_json reads from the first present
///   claim; a static token's `exp` is after now;
/// - refused: `INVALID_JWT` / `MISSING_CLAIM` / `TOKEN_EXPIRED` with a
///   non-empty message that does not show the token.
pub fn jwt(data: &[u8]) {
    let (mode, rest) = match data.split_first() {
        Some((&b, rest)) => (b, rest),
        None => (0, data),
    };
    let token = if mode & 1 == 1 {
        // Round trip: encode `rest` as the payload.
        let hdr = b64url(br#"{"alg":"none"}"#);
        let mut payload = b64url(rest);
        if mode & 2 == 2 {
            while !payload.len().is_multiple_of(4) {
                payload.push('=');
            }
        }
        let t = [hdr.as_str(), ".", &payload, ".", SECRET].concat();
        match jwt::decode_payload_text(&t) {
            Ok(p) => assert_eq!(p.as_bytes(), rest),
            Err(e) => {
                assert!(
                    core::str::from_utf8(rest).is_err() || t.len() > jwt::MAX_JWT_LEN,
                    "a UTF-8 payload did not decode back: {}",
                    e.message()
                );
                check_refusal(&e, &[ErrorCode::InvalidJwt], false);
            }
        }
        t
    } else {
        text(rest)
    };
    let allowed = [ErrorCode::InvalidJwt, ErrorCode::MissingClaim];
    match jwt::decode_unverified(&token) {
        Ok(claims) => {
            let payload = jwt::decode_payload_text(&token).expect("payload text");
            let Some(v) = serde_parse(&payload) else {
                // The one accepted difference (see `json`): ±Infinity.
                assert!(out_of_range(&payload), "serde_json refuses the payload");
                return;
            };
            let obj = v.as_object().expect("payload is an object");
            for (name, r) in [
                ("exp", claims.exp()),
                ("iat", claims.iat()),
                ("nbf", claims.nbf()),
            ] {
                match r {
                    Ok(Some(n)) => {
                        assert!(n.is_finite() && (n * 1000.0).is_finite(), "{name} = {n}");
                        assert_eq!(obj.get(name).and_then(Value::as_f64), Some(n));
                    }
                    Ok(None) => assert!(matches!(obj.get(name), None | Some(Value::Null))),
                    Err(e) => check_refusal(&e, &[ErrorCode::InvalidJwt], false),
                }
            }
            match jwt::spendesk_wallet_id(&token, None) {
                Ok(id) => {
                    assert!(!id.is_empty());
                    let want = jwt::SPENDESK_WALLET_CLAIMS
                        .iter()
                        .find_map(|n| serde_id(obj.get(*n)));
                    assert_eq!(Some(id), want);
                }
                Err(e) => {
                    check_refusal(&e, &allowed, false);
                    assert!(jwt::SPENDESK_WALLET_CLAIMS
                        .iter()
                        .all(|n| serde_id(obj.get(*n)).is_none()));
                }
            }
        }
        Err(e) => {
            check_refusal(&e, &[ErrorCode::InvalidJwt], false);
            assert_eq!(
                jwt::spendesk_wallet_id(&token, Some("sub"))
                    .unwrap_err()
                    .code(),
                ErrorCode::InvalidJwt
            );
        }
    }
    let now = 1_700_000_000_000.0;
    match token::check_static_jwt(&token, now) {
        Ok(Some(exp)) => assert!(exp.is_finite() && exp > now, "exp {exp}"),
        Ok(None) => {}
        Err(e) => check_refusal(&e, &[ErrorCode::InvalidJwt, ErrorCode::TokenExpired], false),
    }
}

/// What an identifier claim should read as: a non-empty string, or an
/// integer below 2^53 in decimal.
fn serde_id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0).then(|| decimal(f as i64))
        }
        _ => None,
    }
}

// ------------------------------------------------------ token responses

const PROVIDERS: [Provider; 5] = [
    Provider::Rfc6749,
    Provider::Spendesk,
    Provider::Pleo,
    Provider::Findity,
    Provider::ProSpend,
];
const KINDS: [GrantKind; 4] = [
    GrantKind::AuthorizationCode,
    GrantKind::RefreshToken,
    GrantKind::ClientCredentials,
    GrantKind::ApiKey,
];
const CONTENT_TYPES: [Option<&str>; 4] = [
    None,
    Some("application/json"),
    Some("text/html; charset=utf-8"),
    Some("TEXT/HTML"),
];

/// Token answers with a success status (200/201), every provider and grant.
pub fn token_response(data: &[u8]) {
    token_answer(data, &[200, 201, 200, 200, 201, 204, 0, 302])
}

/// Error answers (4xx, 5xx, redirects), every provider and grant.
pub fn error_body(data: &[u8]) {
    token_answer(data, &[400, 401, 403, 404, 429, 500, 502, 503])
}

/// `token::process_token_response` (and Findity's authorization-grant
/// answer). Byte 0: provider and grant kind; byte 1: status (from
/// `statuses`) and content type; the rest is the body.
///
/// - accepted: an access token of printable ASCII without spaces (it goes
///   into an `Authorization` header) equal to serde_json's reading of
///   `access_token`, `token_type` `Bearer`, a finite expiry if any, a
///   non-empty refresh token if any; `Debug` shows no token;
/// - refused: a response error code carrying the status; status 200
///   gives only `INVALID_RESPONSE` / `RESPONSE_TOO_LARGE`, an error status
///   never `INVALID_RESPONSE`; a refresh answered `invalid_grant` is
///   `RECONNECT_REQUIRED`; the server's `error` is carried; the message
///   shows no token unless the server's error text did.
fn token_answer(data: &[u8], statuses: &[u16; 8]) {
    let (a, b, rest) = match data {
        [a, b, rest @ ..] => (*a, *b, rest),
        _ => return,
    };
    let provider = PROVIDERS[usize::from(a & 7) % PROVIDERS.len()];
    let kind = KINDS[usize::from((a >> 3) & 3)];
    let status = statuses[(b & 7) as usize];
    let resp = HttpResponse {
        status,
        content_type: CONTENT_TYPES[((b >> 3) & 3) as usize].map(str::to_owned),
        body: text(rest),
    };
    let now = 1_700_000_000_000.0;
    let oracle = serde_parse(&resp.body);
    let obj = oracle.as_ref().and_then(Value::as_object);
    // 200 is a success for every provider and grant; 201 for some.
    let success = status == 200;
    match token::process_token_response(provider, kind, &resp, now) {
        Ok(set) => {
            assert!(matches!(status, 200 | 201), "accepted status {status}");
            // It goes into an Authorization header: printable ASCII, no space.
            assert!(token::is_access_token(set.access_token.expose()));
            let Some(obj) = obj else {
                // The one accepted difference (see `json`): ±Infinity.
                assert!(
                    out_of_range(&resp.body),
                    "serde_json refuses an accepted answer"
                );
                return;
            };
            assert_eq!(
                obj.get("access_token").and_then(Value::as_str),
                Some(set.access_token.expose())
            );
            assert_eq!(set.token_type, "Bearer");
            if let Some(t) = set.expires_at {
                assert!(t.is_finite(), "expires_at {t}");
            }
            if let Some(r) = &set.refresh_token {
                assert!(!r.expose().is_empty());
                assert_eq!(
                    obj.get("refresh_token").and_then(Value::as_str),
                    Some(r.expose())
                );
            }
            // The scope is not a secret, and Debug shows it.
            if !set.scope.as_deref().unwrap_or("").contains(SECRET) {
                assert!(!format!("{set:?}").contains(SECRET));
            }
        }
        Err(e) => {
            let errors0 = obj
                .and_then(|o| o.get("errors"))
                .and_then(Value::as_array)
                .and_then(|a| a.first());
            let echo = obj.is_some_and(|o| {
                ["error", "error_description", "error_uri"]
                    .iter()
                    .any(|k| contains_marker(o.get(*k)))
            }) || contains_marker(errors0);
            let allowed: &[ErrorCode] = if status == 0 || (300..400).contains(&status) {
                &[ErrorCode::UnexpectedRedirect]
            } else if success {
                &[ErrorCode::InvalidResponse, ErrorCode::ResponseTooLarge]
            } else if status == 201 {
                &[
                    ErrorCode::InvalidResponse,
                    ErrorCode::ResponseTooLarge,
                    ErrorCode::OAuthError,
                    ErrorCode::ReconnectRequired,
                    ErrorCode::HttpError,
                ]
            } else {
                &[
                    ErrorCode::ResponseTooLarge,
                    ErrorCode::OAuthError,
                    ErrorCode::ReconnectRequired,
                    ErrorCode::HttpError,
                    ErrorCode::ServerError,
                ]
            };
            check_refusal(&e, allowed, echo);
            assert_eq!(e.status(), Some(status));
            if !success && e.code() != ErrorCode::ResponseTooLarge && status >= 400 {
                let error = obj.and_then(|o| o.get("error")).and_then(Value::as_str);
                if let Some(err) = error {
                    if kind == GrantKind::RefreshToken && err == "invalid_grant" {
                        assert_eq!(e.code(), ErrorCode::ReconnectRequired);
                    }
                    if err.len() <= 512 {
                        assert_eq!(e.error(), Some(err));
                    }
                }
            }
        }
    }
    if provider == Provider::Findity {
        match token::process_findity_authorization_grant(&resp) {
            Ok(code) => {
                assert!(!code.expose().is_empty());
                assert_eq!(
                    obj.and_then(|o| o.get("code")).and_then(Value::as_str),
                    Some(code.expose())
                );
            }
            Err(e) => assert_eq!(e.status(), Some(status)),
        }
    }
}

// ----------------------------------------------------------------- JSON

/// The native JSON reader (`json::parse_object`, miniserde) against
/// serde_json: where the reader accepts, serde_json accepts the same text as
/// an object, and every member reads the same (kind, string, number, nested
/// object, first object of an array); where serde_json reads an object
/// within the size limit, the reader accepts it too. One difference: a
/// number beyond `f64` (`1e400`) is ±Infinity for the reader, as for
/// `JSON.parse`, where serde_json refuses the text.
pub fn json(data: &[u8]) {
    let Ok(s) = core::str::from_utf8(data) else {
        return;
    };
    let ours = ejson::parse_object(s);
    let theirs = serde_parse(s);
    match (&ours, theirs.as_ref().and_then(Value::as_object)) {
        (Some(o), Some(m)) => same_object(o, m, 0),
        (Some(_), None) => assert!(
            out_of_range(s),
            "the reader accepts what serde_json refuses: {theirs:?}"
        ),
        (None, Some(_)) => {
            assert!(
                s.len() > ejson::MAX_JSON_LEN,
                "the reader refuses an object"
            )
        }
        (None, None) => {}
    }
}

fn kind_of(v: Option<&Value>) -> Kind {
    match v {
        None => Kind::Missing,
        Some(Value::Null) => Kind::Null,
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Number(_)) => Kind::Number,
        Some(Value::String(_)) => Kind::String,
        Some(Value::Array(_)) => Kind::Array,
        Some(Value::Object(_)) => Kind::Object,
    }
}

fn same_object(o: &ejson::Object, m: &serde_json::Map<String, Value>, depth: usize) {
    for (k, v) in m {
        assert_eq!(o.kind(k), kind_of(Some(v)), "kind of {k:?}");
        assert_eq!(o.str(k).as_deref(), v.as_str(), "string {k:?}");
        match (o.num(k), v.as_f64()) {
            (Some(a), Some(b)) => assert!(
                a == b || (a.is_nan() && b.is_nan()),
                "number {k:?}: {a} vs {b}"
            ),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "number {k:?}"),
        }
        if depth < 4 {
            match (o.object(k), v.as_object()) {
                (Some(a), Some(b)) => same_object(&a, b, depth + 1),
                (a, b) => assert_eq!(a.is_some(), b.is_some(), "object {k:?}"),
            }
            let first = v
                .as_array()
                .and_then(|a| a.first())
                .and_then(Value::as_object);
            match (o.first_object_in(k), first) {
                (Some(a), Some(b)) => same_object(&a, b, depth + 1),
                (a, b) => assert_eq!(a.is_some(), b.is_some(), "first_object_in {k:?}"),
            }
        }
    }
    // A key serde_json does not have is missing for the reader too.
    assert_eq!(o.kind("\u{0}absent"), kind_of(m.get("\u{0}absent")));
}

// ------------------------------------------------------------ encodings

/// Round trips: base64url (`decode(encode(x)) == x`, and a decodable text
/// re-encodes to itself without padding), form components and whole forms
/// (`parse_query(form_encode(pairs)) == pairs`), RFC 3986 components
/// (decoded by the form decoder), `decimal` against `to_string`; the
/// lenient decoders never panic and give valid UTF-8.
pub fn encoding(data: &[u8]) {
    assert_eq!(b64url_decode(&b64url(data)).as_deref(), Some(data));
    let s = String::from_utf8_lossy(data);
    if let Some(bytes) = b64url_decode(&s) {
        assert_eq!(b64url(&bytes), s.trim_end_matches('='));
    }
    let mut f = String::new();
    encode_form_component(&s, &mut f);
    assert!(f.bytes().all(|b| b.is_ascii_graphic()));
    assert_eq!(decode_form_component(&f), s);
    let mut c = String::new();
    encode_component(&s, &mut c);
    assert_eq!(decode_form_component(&c), s);
    let _ = decode_form_component(&s);

    // Pairs: split on 0xff bytes, alternate keys and values.
    let parts: Vec<String> = data
        .split(|&b| b == 0xff)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let pairs: Vec<(&str, &str)> = parts
        .chunks(2)
        .map(|c| (c[0].as_str(), c.get(1).map_or("", String::as_str)))
        .collect();
    let form = form_encode(pairs.iter().copied());
    let back = parse_query(&form);
    let want: Vec<(String, String)> = if form.is_empty() {
        Vec::new()
    } else {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(back, want);
    let _ = parse_query(&s);

    if let Some(n) = data.get(..8) {
        let n = i64::from_le_bytes(n.try_into().expect("8 bytes"));
        assert_eq!(decimal(n), n.to_string());
    }
}

// ----------------------------------------------------------------- PKCE

/// `validate_verifier`, `challenge_s256`, `Pkce::from_entropy`.
///
/// - a verifier is accepted exactly when it has 43–128 unreserved ASCII
///   characters, and its challenge is `BASE64URL(SHA256(verifier))`;
/// - refused: `INVALID_CODE_VERIFIER` whose message does not show it (a
///   `$S` marker in it);
/// - `from_entropy(bytes, len)` gives a valid verifier of `len` characters
///   and its challenge, or `INVALID_ARGUMENT`.
pub fn pkce(data: &[u8]) {
    let v = text(data);
    let valid = (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    match challenge_s256(&v) {
        Ok(ch) => {
            assert!(valid);
            use sha2::Digest;
            assert_eq!(ch, b64url(&sha2::Sha256::digest(v.as_bytes())));
        }
        Err(e) => {
            assert!(!valid);
            check_refusal(&e, &[ErrorCode::InvalidCodeVerifier], false);
        }
    }
    assert_eq!(validate_verifier(&v).is_ok(), valid);

    if let Some((&len, entropy)) = data.split_first() {
        match Pkce::from_entropy(entropy, usize::from(len)) {
            Ok(p) => {
                assert_eq!(p.verifier.expose().len(), usize::from(len));
                validate_verifier(p.verifier.expose()).expect("generated verifier");
                assert_eq!(
                    challenge_s256(p.verifier.expose()).expect("challenge"),
                    p.challenge
                );
            }
            Err(e) => check_refusal(&e, &[ErrorCode::InvalidArgument], false),
        }
    }
}

// -------------------------------------------------------------- session

/// The session state machine (`session::Session`) fed random events:
/// calls of every kind, app tokens, refresh outcomes (for live, stale and
/// unknown ids), store results, timers and clock jumps. After every input
/// the actions are drained and checked:
///
/// - nothing panics;
/// - at most one refresh/renew is in flight (emitted, not answered, not past
///   its deadline);
/// - once `reconnect_required()` is true with no request in flight, no
///   refresh or renew is sent until `set_tokens` (or a late answer to an
///   earlier request brings new tokens, which the session documents); after a
///   refusal of a request sent since the last `set_tokens`, `reconnect_required()`
///   stays true and no token is handed out and no request sent until
///   `set_tokens`;
/// - every call is settled at most once, and a `Resolve` never hands out the
///   token an `Unauthorized` call reported;
/// - a refusal has a non-empty message with no token in it.
pub fn session(data: &[u8]) {
    use expense_auth::secret::Secret;
    use expense_auth::session::{
        Action, CallId, CallKind, RefreshOutcome, RequestId, Session, SessionConfig, StoreId,
        Tokens,
    };
    use std::collections::{BTreeMap, BTreeSet};

    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next();
    let Some(c) = next() else { return };
    let config = SessionConfig {
        skew_ms: u64::from(next().unwrap_or(60)) * 1000,
        store_timeout_ms: u64::from(next().unwrap_or(10)) * 1000 + 1,
        request_timeout_ms: u64::from(next().unwrap_or(60)) * 1000 + 1,
        can_refresh: c & 1 == 0,
        can_renew: c & 2 == 2,
    };
    let mut now: u64 = 1_700_000_000_000;
    let mut serial = 0u32;
    let mut tokens = |now: u64, b: u8| -> Tokens<()> {
        serial += 1;
        let access = format!("at{serial}-{SECRET}");
        let refresh = (b & 1 == 1).then(|| Secret::new(format!("rt{serial}-{SECRET}")));
        let expires = match b >> 1 {
            0 => None,
            // 0 included: an already-expired set.
            n => Some(now + u64::from(n - 1) * 20_000),
        };
        Tokens::new(Secret::new(access), refresh, expires, ())
    };
    let initial = c & 4 == 4;
    let first = next().unwrap_or(0);
    let mut s: Session<()> = Session::new(config, now, initial.then(|| tokens(now, first)));

    // Test-side bookkeeping.
    let mut in_flight: BTreeMap<u64, u64> = BTreeMap::new(); // request id -> deadline
    let mut requests: Vec<u64> = Vec::new();
    let mut stores: Vec<u64> = Vec::new();
    let mut calls = 0u64;
    let mut settled: BTreeSet<u64> = BTreeSet::new();
    let mut reported: BTreeMap<u64, String> = BTreeMap::new(); // call -> token that got a 401
                                                               // reconnect_required() with nothing in flight at the end of a step: no
                                                               // request may follow until set_tokens or a (late) refresh answer.
    let mut blocked = false;
    // A refusal of a request sent since the last set_tokens: sticky.
    let mut refused = false;
    let mut epoch = 0u32;
    let mut sent_in: BTreeMap<u64, u32> = BTreeMap::new(); // request id -> epoch

    while let Some(op) = next() {
        let arg = next().unwrap_or(0);
        match op % 9 {
            0..=2 => {
                calls += 1;
                let kind = match op % 9 {
                    0 => CallKind::GetAccessToken,
                    1 => CallKind::ForceRefresh,
                    _ => {
                        let used = match (arg & 1, s.usable_access_token(now)) {
                            (0, Some(t)) => t.expose().to_owned(),
                            _ => format!("at{arg}-{SECRET}"),
                        };
                        reported.insert(calls, used.clone());
                        CallKind::Unauthorized {
                            used: Secret::new(used),
                        }
                    }
                };
                s.call(now, CallId(calls), kind);
            }
            3 => {
                s.set_tokens(now, tokens(now, arg));
                blocked = false;
                refused = false;
                epoch += 1;
            }
            4 => {
                let id = pick(&requests, arg, next());
                let err = |code| expense_auth::Error::new(code, "refresh failed");
                let outcome = match arg % 6 {
                    0 | 1 => RefreshOutcome::Issued(tokens(now, next().unwrap_or(3))),
                    2 => RefreshOutcome::Refused(err(ErrorCode::ReconnectRequired)),
                    3 => RefreshOutcome::NotSent(err(ErrorCode::InvalidArgument)),
                    4 => RefreshOutcome::Failed(err(ErrorCode::NetworkError)),
                    _ => RefreshOutcome::IssuedInvalid {
                        error: err(ErrorCode::InvalidResponse),
                        refresh_token: (next().unwrap_or(0) & 1 == 1)
                            .then(|| Secret::new(format!("rtx{arg}-{SECRET}"))),
                        payload: (),
                    },
                };
                let live = in_flight.remove(&id).is_some();
                if live
                    && sent_in.get(&id) == Some(&epoch)
                    && matches!(outcome, RefreshOutcome::Refused(_))
                {
                    refused = true;
                }
                // A (late) answer may bring new tokens: requests may follow.
                blocked = false;
                s.refresh_done(now, RequestId(id), outcome);
            }
            5 => {
                let id = pick(&stores, arg, next());
                let r = if arg & 1 == 0 {
                    Ok(())
                } else {
                    Err(expense_auth::Error::new(
                        ErrorCode::StoreFailed,
                        "disk full",
                    ))
                };
                s.store_done(now, StoreId(id), r);
            }
            6 => {
                if let Some(t) = s.poll_timeout() {
                    now = now.max(t);
                }
                s.handle_timeout(now);
                in_flight.retain(|_, deadline| *deadline > now);
            }
            7 => now += u64::from(arg) * 1000,
            _ => {
                now += u64::from(arg);
                s.handle_timeout(now);
                in_flight.retain(|_, deadline| *deadline > now);
            }
        }
        if refused {
            assert!(s.reconnect_required(), "a refusal is not sticky");
        }
        while let Some(a) = s.poll_action() {
            match a {
                Action::Refresh { id, .. } | Action::Renew { id } => {
                    assert!(!blocked && !refused, "a request after RECONNECT_REQUIRED");
                    assert!(
                        in_flight.is_empty(),
                        "a second request while {in_flight:?} is in flight"
                    );
                    in_flight.insert(id.0, now.saturating_add(config.request_timeout_ms));
                    sent_in.insert(id.0, epoch);
                    requests.push(id.0);
                }
                Action::Store { id, .. } => stores.push(id.0),
                Action::Resolve { call, access_token } => {
                    assert!(settled.insert(call.0), "call {call:?} settled twice");
                    assert!(!refused, "a token handed out after a refusal");
                    assert!(!access_token.expose().is_empty());
                    if let Some(used) = reported.get(&call.0) {
                        assert_ne!(access_token.expose(), used, "401 token handed out again");
                    }
                }
                Action::Reject { call, error } => {
                    assert!(settled.insert(call.0), "call {call:?} settled twice");
                    check_refusal(
                        &error,
                        &[
                            ErrorCode::ReconnectRequired,
                            ErrorCode::NoRefreshToken,
                            ErrorCode::StoreFailed,
                            ErrorCode::Timeout,
                            ErrorCode::Unauthorized,
                            ErrorCode::NetworkError,
                            ErrorCode::InvalidArgument,
                            ErrorCode::InvalidResponse,
                        ],
                        false,
                    );
                }
            }
        }
        blocked = blocked || (s.reconnect_required() && in_flight.is_empty());
        assert!(!format!("{s:?}").contains(SECRET), "Debug shows a token");
    }
}

/// A known id (most of the time) or an arbitrary one.
fn pick(known: &[u64], sel: u8, extra: Option<u8>) -> u64 {
    match known.len() {
        0 => u64::from(sel),
        n if sel & 0x80 == 0 => known[n - 1 - (usize::from(sel) % n.min(4))],
        _ => u64::from(extra.unwrap_or(0)),
    }
}

/// A target's property function.
pub type Target = fn(&[u8]);

/// Every target by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("url", url),
    ("callback", callback),
    ("jwt", jwt),
    ("token_response", token_response),
    ("error_body", error_body),
    ("json", json),
    ("encoding", encoding),
    ("pkce", pkce),
    ("session", session),
];

#[cfg(test)]
mod tests {
    //! Replays every kept corpus file (and every crash found) through its
    //! target's properties, natively and without libFuzzer.
    use std::path::Path;

    fn replay(target: &str, f: fn(&[u8])) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(target);
        let mut n = 0;
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("dir entry").path();
            let data = std::fs::read(&path).expect("corpus file");
            let r = std::panic::catch_unwind(|| f(&data));
            assert!(r.is_ok(), "{target}: property fails on {}", path.display());
            n += 1;
        }
        assert!(n > 0, "no corpus for {target}");
        eprintln!("{target}: replayed {n} inputs");
    }

    /// `FUZZ_TARGET=jwt FUZZ_INPUT=path cargo test --lib one -- --nocapture`
    /// runs one input (a crash artifact) natively, with a normal backtrace.
    #[test]
    fn one() {
        let (Ok(t), Ok(p)) = (std::env::var("FUZZ_TARGET"), std::env::var("FUZZ_INPUT")) else {
            return;
        };
        let f = super::TARGETS
            .iter()
            .find(|(n, _)| *n == t)
            .expect("no such target")
            .1;
        f(&std::fs::read(p).expect("input"));
    }

    #[test]
    fn url() {
        replay("url", super::url)
    }
    #[test]
    fn callback() {
        replay("callback", super::callback)
    }
    #[test]
    fn jwt() {
        replay("jwt", super::jwt)
    }
    #[test]
    fn token_response() {
        replay("token_response", super::token_response)
    }
    #[test]
    fn error_body() {
        replay("error_body", super::error_body)
    }
    #[test]
    fn json() {
        replay("json", super::json)
    }
    #[test]
    fn encoding() {
        replay("encoding", super::encoding)
    }
    #[test]
    fn pkce() {
        replay("pkce", super::pkce)
    }
    #[test]
    fn session() {
        replay("session", super::session)
    }
}
