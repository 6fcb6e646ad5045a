//! Just enough URL handling for endpoints and redirect URIs, without the `url`
//! crate (which brings IDNA tables into every user's wasm). We do not
//! normalise URLs: we check that they are absolute `https:` URLs (or `http:` on
//! a loopback host), have no fragment, and split off the query.
//!
//! Splits and searches here are byte searches for ASCII bytes (see
//! [`find_byte`]): `str`'s char and substring searchers cost kilobytes of
//! wasm for these few short ASCII patterns. Byte classes (scheme, host,
//! digits, …) are bits in one table (`find_in`, `all_in`).

use crate::error::{Error, ErrorCode, Result};

/// Longest URL accepted anywhere (bytes).
pub const MAX_URL_LEN: usize = 8 * 1024;

/// An absolute URL that passed [`parse_endpoint`]: `https:`, or `http:` on a
/// loopback host; no fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
}

impl Endpoint {
    /// The whole URL as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }
    /// Whether the URL already carries a query (new parameters are added with `&`).
    pub fn has_query(&self) -> bool {
        find_byte(&self.url, b'?').is_some()
    }
    /// The URL with `path` appended to its path (for base URL + endpoint path).
    pub fn join(&self, path: &str) -> Result<Endpoint> {
        if self.has_query() {
            return Err(Error::new(
                ErrorCode::InvalidUrl,
                "a base URL must not have a query",
            ));
        }
        let mut url = trim_end_byte(&self.url, b'/').to_owned();
        url.push_str(path);
        parse_endpoint(&url, "endpoint")
    }
}

/// Whether `host` (without port; IPv6 in brackets) is a loopback address:
/// `localhost`, `127.0.0.0/8`, or `[::1]`.
#[inline(always)]
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || (host.starts_with("127.") && is_dotted_quad(host, false))
}

/// The value of 1 to 5 ASCII digits, [`NOT_DECIMAL`] for anything else
/// (above every value 5 digits hold: a plain `u32` comes back in a
/// register). By hand rather than `str::parse`, whose general integer
/// parser (sign handling, overflow checks) is ~0.5 KB of wasm for these
/// port and IPv4 checks.
fn small_decimal(p: &str) -> u32 {
    if p.is_empty() || p.len() > 5 {
        return NOT_DECIMAL;
    }
    let mut n = 0;
    for &b in p.as_bytes() {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return NOT_DECIMAL;
        }
        n = n * 10 + u32::from(d);
    }
    n
}

/// What [`small_decimal`] gives for text that is not 1 to 5 digits.
const NOT_DECIMAL: u32 = 100_000;

/// Splits `scheme://authority/rest` and returns (scheme, host, rest-after-authority).
fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = split_once_str(url, "://")?;
    if !is_scheme(scheme) {
        return None;
    }
    let end = find_in(after, END).unwrap_or(after.len());
    let (authority, rest) = after.split_at_checked(end)?;
    // userinfo is not accepted: it has no place in an OAuth endpoint.
    if authority.is_empty() || find_byte(authority, b'@').is_some() {
        return None;
    }
    let host = match authority.strip_prefix("[") {
        Some(v6) => {
            let (addr, port) = split_once_byte(v6, b']')?;
            if !(port.is_empty() || valid_port(port.strip_prefix(":")?)) || !is_ipv6(addr) {
                return None;
            }
            authority.get(..addr.len() + 2)?
        }
        None => {
            let (h, port) = rsplit_once_byte(authority, b':').unwrap_or((authority, ""));
            if !valid_port(port) || !is_reg_host(h) {
                return None;
            }
            h
        }
    };
    Some((scheme, host, rest))
}

/// Whether `s` (the text between `[` and `]`) is an IPv6 address in the
/// RFC 4291 §2.2 text form: eight groups of 1–4 hex digits, one `::` standing
/// for at least one zero group, and optionally a dotted IPv4 address in place
/// of the last two groups. No zone ID: RFC 6874's `%25eth0` is refused by
/// WHATWG URL parsers (and so by `fetch`), so an endpoint with one is refused
/// here rather than turned into a URL the runtime cannot use (found by the
/// `url` fuzz target's WHATWG differential).
fn is_ipv6(s: &str) -> bool {
    // A trailing IPv4 part counts as two groups: check it, then count it so
    // (its `:` stays when it ends a `::`).
    let (s, v4) = match rsplit_once_byte(s, b':') {
        Some((head, tail)) if find_byte(tail, b'.').is_some() => {
            if !is_dotted_quad(tail, true) {
                return false;
            }
            let keep = if head.ends_with(":") { 1 } else { 0 };
            (s.get(..head.len() + keep).unwrap_or(""), 2)
        }
        _ => (s, 0),
    };
    // The number of groups; for a malformed part, 100: more than any
    // address has, so every count test below fails (a plain number comes
    // back in a register, an `Option` through memory).
    let groups = |part: &str| -> usize {
        if part.is_empty() {
            return 0;
        }
        let mut n = 0;
        for g in split_byte(part, b':') {
            if g.is_empty() || g.len() > 4 || !all_in(g, HEX) {
                return 100;
            }
            n += 1;
        }
        n
    };
    match split_once_str(s, "::") {
        Some((a, b)) => split_once_str(b, "::").is_none() && groups(a) + groups(b) + v4 <= 7,
        None => groups(s) + v4 == 8,
    }
}

/// A host that a WHATWG URL parser (what `fetch` uses) reads as the same
/// host: ASCII letters, digits and `-._~!$&'()*+,;=` (RFC 3986 §3.2.2
/// reg-name, without percent-encoding); a name whose last label is a number
/// (WHATWG's "ends in a number", which it then parses as IPv4) must be a
/// dotted-decimal IPv4 address. Refused, as the `url` fuzz target's WHATWG
/// differential found: non-ASCII hosts (pass the `xn--` form: IDNA tables are
/// too big to ship), `%`, `\` (WHATWG reads it as `/`, so the host checked
/// here would not be the one fetched), `<>^|` and `1.2.3.4.5`-like names.
fn is_reg_host(host: &str) -> bool {
    if host.is_empty() || !all_in(host, HOST) {
        return false;
    }
    let name = host.strip_suffix(".").unwrap_or(host);
    let last = rsplit_once_byte(name, b'.').map_or(name, |(_, l)| l);
    let hex = match last.split_at_checked(2) {
        Some((p, rest)) => p.eq_ignore_ascii_case("0x") && all_in(rest, HEX),
        None => false,
    };
    let numeric = hex || (!last.is_empty() && all_in(last, DIGIT));
    !numeric || is_dotted_quad(name, true)
}

/// `a.b.c.d`, each 1–3 decimal digits of value 0–255; `strict` refuses
/// leading zeros (WHATWG's IPv6 parser refuses them in an embedded IPv4
/// address; `127.0.0.010` is still a loopback host).
fn is_dotted_quad(s: &str, strict: bool) -> bool {
    let mut n = 0;
    for p in split_byte(s, b'.') {
        if p.len() > 3 || (strict && p.len() > 1 && p.starts_with("0")) || small_decimal(p) > 255 {
            return false;
        }
        n += 1;
    }
    n == 4
}

fn valid_port(p: &str) -> bool {
    p.is_empty() || small_decimal(p) <= 65535
}

/// Checks an endpoint or redirect URI. `what` names it in the error message.
///
/// - absolute, with `scheme://host`; no whitespace or control characters;
/// - `https:`, or `http:` when the host is loopback (RFC 8252 §7.3 allows
///   loopback redirects; Spendesk's docs: redirect_uri "should start with
///   https", localhost being the usual development exception);
/// - no fragment (RFC 6749 §3.1, §3.1.2).
pub fn parse_endpoint(url: &str, what: &str) -> Result<Endpoint> {
    check_endpoint(url, what)?;
    Ok(Endpoint {
        url: url.to_owned(),
    })
}

/// The checks of [`parse_endpoint`], for a URL that is only checked (no
/// copy kept).
pub fn check_endpoint(url: &str, what: &str) -> Result<()> {
    let bad = |problem: &str| Err(Error::about(ErrorCode::InvalidUrl, what, problem));
    if url.len() > MAX_URL_LEN {
        return bad(" is longer than 8 KiB");
    }
    if find_in(url, CTL).is_some() {
        return bad(" has whitespace or control characters");
    }
    let Some((scheme, host, rest)) = split(url) else {
        return bad(" is not an absolute URL");
    };
    if find_byte(rest, b'#').is_some() {
        return bad(" must not have a fragment");
    }
    let secure = scheme.eq_ignore_ascii_case("https")
        || (scheme.eq_ignore_ascii_case("http") && is_loopback_host(host));
    if !secure {
        return Err(Error::about(
            ErrorCode::InsecureUrl,
            what,
            " must be https (http only for loopback hosts)",
        ));
    }
    Ok(())
}

/// RFC 3986 §3.1: `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && all_in(s, SCHEME)
}

/// Byte classes for [`find_in`] and [`all_in`], one bit each in one
/// 128-entry table: a class test is a load, where a closure per rule was a
/// function of its own (~20–90 B of wasm each). Bytes from 0x80 are in no
/// class.
///
/// RFC 3986 §3.1 scheme characters: `ALPHA / DIGIT / "+" / "-" / "."`.
pub(crate) const SCHEME: u16 = 1;
/// Host characters a WHATWG URL parser reads as written (see
/// [`is_reg_host`]): unreserved and sub-delims.
pub(crate) const HOST: u16 = 2;
/// Hex digits.
pub(crate) const HEX: u16 = 4;
/// Decimal digits.
pub(crate) const DIGIT: u16 = 8;
/// The bytes that end an authority: `/`, `?`, `#`.
pub(crate) const END: u16 = 16;
/// Controls, space and DEL.
pub(crate) const CTL: u16 = 32;
/// RFC 6749 §3.3 `NQCHAR` (`%x21 / %x23-5B / %x5D-7E`).
pub(crate) const NQCHAR: u16 = 64;
/// RFC 6749 Appendix A `VSCHAR` (`%x20-7E`).
pub(crate) const VSCHAR: u16 = 128;
/// RFC 3986 unreserved characters: `ALPHA / DIGIT / "-" / "." / "_" / "~"`.
pub(crate) const UNRESERVED: u16 = 256;
/// What `application/x-www-form-urlencoded` keeps: alphanumerics and `*-._`.
pub(crate) const FORM: u16 = 512;
/// Printable ASCII without space (`%x21-7E`): an access token's bytes.
pub(crate) const VISIBLE: u16 = 1024;

const CLASSES: [u16; 128] = {
    let mut t = [0u16; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        let alnum = b.is_ascii_alphanumeric();
        let mut m = 0;
        if alnum || matches!(b, b'+' | b'-' | b'.') {
            m |= SCHEME;
        }
        if alnum
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            )
        {
            m |= HOST;
        }
        if b.is_ascii_hexdigit() {
            m |= HEX;
        }
        if b.is_ascii_digit() {
            m |= DIGIT;
        }
        if matches!(b, b'/' | b'?' | b'#') {
            m |= END;
        }
        if b <= b' ' || b == 0x7f {
            m |= CTL;
        }
        if b > b' ' && b < 0x7f && b != b'"' && b != b'\\' {
            m |= NQCHAR;
        }
        if b >= b' ' && b < 0x7f {
            m |= VSCHAR;
        }
        if alnum || matches!(b, b'-' | b'.' | b'_' | b'~') {
            m |= UNRESERVED;
        }
        if alnum || matches!(b, b'*' | b'-' | b'.' | b'_') {
            m |= FORM;
        }
        if b > b' ' && b < 0x7f {
            m |= VISIBLE;
        }
        t[i] = m;
        i += 1;
    }
    t
};

/// Whether `b` is in `class`.
pub(crate) fn in_class(b: u8, class: u16) -> bool {
    CLASSES.get(usize::from(b)).is_some_and(|m| m & class != 0)
}

/// Where the first byte of `s` in `class` (one of [`SCHEME`] … [`VISIBLE`]) is.
#[inline(always)]
pub(crate) fn find_in(s: &str, class: u16) -> Option<usize> {
    some_below(index_in(s, class), s)
}

/// `Some(i)` when `i` is inside `s`: the searches here return the index
/// itself, `s.len()` for none (a `usize` comes back in a register; an
/// `Option<usize>` through memory at every call). `#[inline(always)]`
/// here and on the two searches: with a plain `#[inline]` LLVM kept
/// them as functions, each `Option` returned through a stack slot
/// (−84 B gzipped).
#[inline(always)]
fn some_below(i: usize, s: &str) -> Option<usize> {
    (i < s.len()).then_some(i)
}

/// The loop of [`find_in`]: the index, or `s.len()`.
#[inline(never)]
fn index_in(s: &str, class: u16) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && !in_class(b[i], class) {
        i += 1;
    }
    i
}

/// Whether every byte of `s` is in `class` (one of [`SCHEME`] … [`VISIBLE`]).
#[inline(never)]
pub(crate) fn all_in(s: &str, class: u16) -> bool {
    for &b in s.as_bytes() {
        if !in_class(b, class) {
            return false;
        }
    }
    true
}

/// Where the ASCII byte `b` first occurs in `s`. One shared loop instead of
/// `str::find(char)` (its char searcher and `memchr` are ~0.6 KB of wasm).
#[inline(always)]
pub(crate) fn find_byte(s: &str, b: u8) -> Option<usize> {
    some_below(index_of(s, b), s)
}

/// The loop of [`find_byte`]: the index, or `s.len()`.
#[inline(never)]
fn index_of(s: &str, b: u8) -> usize {
    let s = s.as_bytes();
    let mut i = 0;
    while i < s.len() && s[i] != b {
        i += 1;
    }
    i
}

/// `s.split_once(b)` for an ASCII byte (see [`find_byte`]).
pub(crate) fn split_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    cut(s, find_byte(s, b)?, 1)
}

/// `s` without its bytes `i..i + n`, as the text before and after them:
/// the one slicing (and char-boundary check) every split here shares.
#[inline(never)]
fn cut(s: &str, i: usize, n: usize) -> Option<(&str, &str)> {
    Some((s.get(..i)?, s.get(i + n..)?))
}

/// `s.split(b)` for an ASCII byte (see [`find_byte`]).
pub(crate) fn split_byte(s: &str, b: u8) -> SplitByte<'_> {
    SplitByte(Some(s), b)
}

/// The iterator of [`split_byte`].
pub(crate) struct SplitByte<'a>(Option<&'a str>, u8);

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;
    #[inline(always)]
    fn next(&mut self) -> Option<&'a str> {
        let s = self.0?;
        match split_once_byte(s, self.1) {
            Some((head, tail)) => {
                self.0 = Some(tail);
                Some(head)
            }
            None => self.0.take(),
        }
    }
}

/// `s.split_once(pat)` by a plain byte search. `str`'s own substring search
/// (two-way) is ~1.5 KB of wasm for these few short ASCII patterns
/// (`://`, `::`); a match of a whole UTF-8 pattern starts and ends on char
/// boundaries, and `get` makes sure of it.
pub(crate) fn split_once_str<'a>(s: &'a str, pat: &str) -> Option<(&'a str, &'a str)> {
    let (b, p) = (s.as_bytes(), pat.as_bytes());
    let mut i = 0;
    while i + p.len() <= b.len() {
        if b.get(i..i + p.len()).is_some_and(|w| w == p) {
            return cut(s, i, p.len());
        }
        i += 1;
    }
    None
}

/// `s.rsplit_once(b)` for an ASCII byte, searched as a byte: `str`'s reverse
/// char searcher and `memrchr` are ~0.7 KB of wasm for these few splits.
pub(crate) fn rsplit_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let mut i = s.len();
    while i > 0 {
        i -= 1;
        if s.as_bytes()[i] == b {
            return cut(s, i, 1);
        }
    }
    None
}

/// `s.trim_end_matches(b)` for an ASCII byte (see [`rsplit_once_byte`]).
pub(crate) fn trim_end_byte(s: &str, b: u8) -> &str {
    let mut end = s.len();
    while end > 0 && s.as_bytes()[end - 1] == b {
        end -= 1;
    }
    s.get(..end).unwrap_or(s)
}

/// The query part of a URL or of a bare query string: everything after the
/// first `?` and before `#`. Input without `?` is a bare query unless it
/// starts with `scheme://` (a `://` in a value, which RFC 3986 §3.4 lets a
/// query carry unencoded, does not make it a URL).
pub fn query_of(input: &str) -> &str {
    let no_frag = split_once_byte(input, b'#').map_or(input, |(head, _)| head);
    match split_once_byte(no_frag, b'?') {
        Some((_, q)) => q,
        None if split_once_str(no_frag, "://").is_some_and(|(s, _)| is_scheme(s)) => "",
        None => no_frag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_decimal_is_parse_for_short_digit_runs() {
        for p in [
            "", "0", "00", "7", "255", "256", "007", "65535", "65536", "99999", "123456", "+1",
            "-1", "1a", " 1", "١",
        ] {
            let by_parse = if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
            {
                p.parse::<u32>().unwrap_or(NOT_DECIMAL)
            } else {
                NOT_DECIMAL
            };
            assert_eq!(small_decimal(p), by_parse, "{p:?}");
        }
        assert!(valid_port("") && valid_port("443") && valid_port("65535"));
        assert!(!valid_port("65536") && !valid_port("+443") && !valid_port("4 3"));
        assert!(is_loopback_host("127.0.0.1") && is_loopback_host("127.255.0.010"));
        assert!(
            !is_loopback_host("127.256.0.1")
                && !is_loopback_host("127.0.0.+1")
                && !is_loopback_host("127.0..1")
        );
        assert!(
            is_dotted_quad("1.2.3.4", true)
                && !is_dotted_quad("1.2.3.04", true)
                && !is_dotted_quad("1.2.3.256", true)
        );
    }

    #[test]
    fn byte_classes_are_the_rules_they_replace() {
        for b in 0..=255u8 {
            let alnum = b.is_ascii_alphanumeric();
            let rules = [
                (SCHEME, alnum || b"+-.".contains(&b)),
                (HOST, alnum || b"-._~!$&'()*+,;=".contains(&b)),
                (HEX, b.is_ascii_hexdigit()),
                (DIGIT, b.is_ascii_digit()),
                (END, b"/?#".contains(&b)),
                (CTL, b <= b' ' || b == 0x7f),
                (NQCHAR, b > b' ' && b < 0x7f && b != b'"' && b != b'\\'),
                (VSCHAR, (0x20..=0x7e).contains(&b)),
                (UNRESERVED, alnum || b"-._~".contains(&b)),
                (FORM, alnum || b"*-._".contains(&b)),
                (VISIBLE, b > b' ' && b < 0x7f),
            ];
            for (class, want) in rules {
                assert_eq!(in_class(b, class), want, "byte {b:#x}, class {class}");
            }
        }
    }

    #[test]
    fn byte_splits_are_str_splits() {
        for s in [
            "",
            "a",
            "a:b",
            "a:b:c",
            ":",
            "::",
            "é:ü",
            "[::1]:8080",
            "x//",
            "///",
            "a/b/",
            "é/",
        ] {
            assert_eq!(rsplit_once_byte(s, b':'), s.rsplit_once(':'), "{s:?}");
            assert_eq!(split_once_byte(s, b':'), s.split_once(':'), "{s:?}");
            assert_eq!(
                split_byte(s, b'/').collect::<Vec<_>>(),
                s.split('/').collect::<Vec<_>>(),
                "{s:?}"
            );
            assert_eq!(rsplit_once_byte(s, b'/'), s.rsplit_once('/'), "{s:?}");
            assert_eq!(trim_end_byte(s, b'/'), s.trim_end_matches('/'), "{s:?}");
            assert_eq!(trim_end_byte(s, b':'), s.trim_end_matches(':'), "{s:?}");
        }
    }

    #[test]
    fn split_once_str_is_str_split_once() {
        for s in [
            "https://a/b://c",
            "://",
            "no",
            "",
            "a::b::c",
            "é://ü",
            "ab:",
            "x:/:/y",
        ] {
            for pat in ["://", "::", ":", "é", "ü"] {
                assert_eq!(split_once_str(s, pat), s.split_once(pat), "{s:?} {pat:?}");
            }
        }
        assert_eq!(split_once_str("ab", ""), Some(("", "ab")));
    }
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn endpoint_table() {
        // (url, Ok or error code)
        let table: &[(&str, Option<ErrorCode>)] = &[
            ("https://auth.pleo.io/oauth/authorize", None),
            ("https://auth.pleo.io:8443/oauth/authorize?x=1", None),
            ("HTTPS://AUTH.PLEO.IO/", None),
            ("http://127.0.0.1:8787/cb", None),
            ("http://127.10.0.1/cb", None),
            ("http://localhost:3000/cb", None),
            ("http://[::1]:3000/cb", None),
            ("http://example.com/cb", Some(ErrorCode::InsecureUrl)),
            ("http://127.0.0.1.evil.com/cb", Some(ErrorCode::InsecureUrl)),
            ("http://localhost.evil.com/", Some(ErrorCode::InsecureUrl)),
            ("http://128.0.0.1/", Some(ErrorCode::InsecureUrl)),
            ("ftp://example.com/", Some(ErrorCode::InsecureUrl)),
            ("https://a.b/c#frag", Some(ErrorCode::InvalidUrl)),
            ("https://user:pw@a.b/", Some(ErrorCode::InvalidUrl)),
            ("https:///path", Some(ErrorCode::InvalidUrl)),
            ("https://a.b:99999/", Some(ErrorCode::InvalidUrl)),
            ("https://a.b:x/", Some(ErrorCode::InvalidUrl)),
            ("/relative", Some(ErrorCode::InvalidUrl)),
            ("https://a b/", Some(ErrorCode::InvalidUrl)),
            ("", Some(ErrorCode::InvalidUrl)),
            ("://x", Some(ErrorCode::InvalidUrl)),
            // IPv6 literals: well-formed ones pass; zone IDs (RFC 6874) and
            // malformed ones do not, as in a WHATWG parser.
            ("https://[2001:db8::1]:8443/x", None),
            ("https://[::ffff:192.0.2.1]/", None),
            ("https://[1:2:3:4:5:6:7:8]/", None),
            ("http://[::1%25eth0]/cb", Some(ErrorCode::InvalidUrl)),
            ("https://[fe80::1%eth0]/", Some(ErrorCode::InvalidUrl)),
            ("https://[]/", Some(ErrorCode::InvalidUrl)),
            ("https://[:::]/", Some(ErrorCode::InvalidUrl)),
            ("https://[1::2::3]/", Some(ErrorCode::InvalidUrl)),
            ("https://[1:2:3:4:5:6:7:8:9]/", Some(ErrorCode::InvalidUrl)),
            ("https://[1:2:3:4::5:6:7:8]/", Some(ErrorCode::InvalidUrl)),
            ("https://[::ffff:192.0.2.01]/", Some(ErrorCode::InvalidUrl)),
            ("https://[::12345]/", Some(ErrorCode::InvalidUrl)),
            ("https://[example.com]/", Some(ErrorCode::InvalidUrl)),
            // Hosts a WHATWG parser would read differently, or refuse.
            ("https://xn--exmple-cua.com/", None),
            ("https://a.b_c-d.example/", None),
            ("https://192.0.2.1/", None),
            ("https://ex\u{e4}mple.com/", Some(ErrorCode::InvalidUrl)),
            ("https://ex\u{fffd}mple.com/", Some(ErrorCode::InvalidUrl)),
            (
                "https://good.example\\@evil.example/",
                Some(ErrorCode::InvalidUrl),
            ),
            ("https://good.example\\evil/", Some(ErrorCode::InvalidUrl)),
            ("https://a%2eb/", Some(ErrorCode::InvalidUrl)),
            ("https://a<b/", Some(ErrorCode::InvalidUrl)),
            ("https://1.2.3.4.5/", Some(ErrorCode::InvalidUrl)),
            ("https://a.0x1f/", Some(ErrorCode::InvalidUrl)),
            ("https://256.0.0.1/", Some(ErrorCode::InvalidUrl)),
            ("http://127.0.0.1./cb", Some(ErrorCode::InsecureUrl)),
        ];
        for (url, want) in table {
            let got = parse_endpoint(url, "url").err().map(|e| e.code());
            assert_eq!(got, *want, "{url}");
        }
    }

    #[test]
    fn join_and_query() {
        let e = parse_endpoint("https://public-api.spendesk.com/", "base").unwrap();
        assert_eq!(
            e.join("/oauth2/authorize").unwrap().as_str(),
            "https://public-api.spendesk.com/oauth2/authorize"
        );
        assert!(parse_endpoint("https://a.b/?x=1", "b")
            .unwrap()
            .join("/p")
            .is_err());
        assert_eq!(
            query_of("https://a.b/cb?code=1&state=2#x"),
            "code=1&state=2"
        );
        assert_eq!(query_of("?code=1"), "code=1");
        assert_eq!(query_of("code=1"), "code=1");
        assert_eq!(query_of("https://a.b/cb"), "");
    }
}
