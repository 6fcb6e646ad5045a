//! Small encoders and decoders the protocols need: base64url (RFC 4648 §5),
//! `application/x-www-form-urlencoded` (WHATWG URL Standard §5, which is what
//! `URLSearchParams` does), and RFC 3986 query-component encoding.

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = match UNRESERVED.as_bytes().first_chunk() {
    Some(a) => a,
    None => panic!(),
};

// Hand-written rather than the base64 crate: measured, its engines were
// ~6 KB of the wasm; these loops are a few hundred bytes.
fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    // Bits not yet written, the newest `bits` of `acc` (older ones shift out).
    let (mut acc, mut bits) = (0u32, 0);
    let mut i = 0;
    while i < bytes.len() || bits > 0 {
        if bits < 6 {
            // The next byte, or zeros to fill the last character.
            match bytes.get(i) {
                Some(&b) => (acc, bits) = (acc << 8 | u32::from(b), bits + 8),
                None => (acc, bits) = (acc << (6 - bits), 6),
            }
            i += 1;
        }
        bits -= 6;
        out.push(char::from(alphabet[(acc >> bits) as usize & 63]));
    }
    while pad && out.len() % 4 != 0 {
        out.push('=');
    }
    out
}

/// base64url without padding, as PKCE (RFC 7636 §3) and JWS (RFC 7515 §2) use.
pub fn b64url(bytes: &[u8]) -> String {
    encode(bytes, URL, false)
}

/// Standard base64 with padding, as HTTP Basic uses (RFC 7617 §2).
pub fn b64_standard(bytes: &[u8]) -> String {
    encode(bytes, STD, true)
}

/// Decodes base64url, padded or not. `None` on any invalid character or
/// length, wrong padding, or non-zero unused bits (only canonical encodings).
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    b64url_decode_into(s, &mut out).then_some(out)
}

/// [`b64url_decode`] onto `out`; whether `s` was valid (a `bool` comes back
/// in a register, an `Option<Vec<u8>>` through memory).
pub(crate) fn b64url_decode_into(s: &str, out: &mut Vec<u8>) -> bool {
    let trimmed = crate::url::trim_end_byte(s, b'=');
    let padding = s.len() - trimmed.len();
    if padding > 0 && (padding > 2 || s.len() % 4 != 0) {
        return false;
    }
    let b = trimmed.as_bytes();
    if b.len() % 4 == 1 {
        return false;
    }
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in b {
        // By range, not by searching the alphabet (that made a 1 KB JWT
        // 4× slower to decode: bench/size-breakdown.md s. 9.1).
        let v = u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return false,
        });
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Unused low bits of the last character must be zero.
    acc == 0
}

/// RFC 6749 Appendix A's `1*VSCHAR` (`VSCHAR = %x20-7E`): a non-empty run
/// of printable ASCII, space included — no NUL, CR, LF or other control
/// character, nothing non-ASCII. The rule for authorization codes (A.11),
/// refresh tokens (A.17) and Findity's authorization-grant code.
pub fn is_vschars(s: &str) -> bool {
    !s.is_empty() && crate::url::all_in(s, crate::url::VSCHAR)
}

/// Whether `b` is an RFC 3986 unreserved character (`ALPHA / DIGIT / "-" / "." / "_" / "~"`).
pub fn is_unreserved(b: u8) -> bool {
    crate::url::in_class(b, crate::url::UNRESERVED)
}

/// RFC 3986's unreserved characters: the base64url alphabet, `.` and `~`.
const UNRESERVED: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

/// An integer in decimal, without `core::fmt` (which costs kilobytes of wasm).
pub fn decimal(n: i64) -> String {
    let mut out = String::new();
    decimal_onto(n, &mut out);
    out
}

/// [`decimal`] written onto `out` (no String of its own to copy and drop).
pub(crate) fn decimal_onto(n: i64, out: &mut String) {
    let m = n.unsigned_abs();
    if n < 0 {
        out.push('-');
    }
    // The largest power of ten not above `m`, then one digit per power.
    let mut p = 1;
    while m / p >= 10 {
        p *= 10;
    }
    while p > 0 {
        out.push(char::from(b'0' + (m / p % 10) as u8));
        p /= 10;
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes `s` onto `out`, keeping the bytes of class `keep`, and
/// (`form`) writing a space as `+`. One loop for both encoders.
fn percent_encode(s: &str, out: &mut String, keep: u16, form: bool) {
    for &b in s.as_bytes() {
        if form && b == b' ' {
            out.push('+');
        } else if crate::url::in_class(b, keep) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters; spaces become
/// `%20`. Safe for any query component, and what authorize URLs use.
// This and `encode_form_component` #[inline(always)]: a call with two more
// constant arguments is smaller than a wrapper function of its own.
#[inline(always)]
pub fn encode_component(s: &str, out: &mut String) {
    percent_encode(s, out, crate::url::UNRESERVED, false)
}

/// `application/x-www-form-urlencoded` byte serializer (WHATWG URL §5.2):
/// keeps `*-._` and alphanumerics, turns space into `+`, encodes the rest.
/// RFC 6749 §2.3.1 asks for this encoding of client_id and client_secret
/// before they go into HTTP Basic, and token request bodies use it (§4.1.3).
#[inline(always)]
pub fn encode_form_component(s: &str, out: &mut String) {
    percent_encode(s, out, crate::url::FORM, true)
}

/// `application/x-www-form-urlencoded` string of the pairs.
pub fn form_encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        push_form_pair(&mut out, k, v);
    }
    out
}

/// Appends `k=v` (after `&` unless first): the body of [`form_encode`], once
/// for every kind of iterator it is instantiated with.
#[inline(never)]
fn push_form_pair(out: &mut String, k: &str, v: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    encode_form_component(k, out);
    out.push('=');
    encode_form_component(v, out);
}

/// The value of the `n` (at most 4) hex digits at `b[at..]`;
/// [`NOT_HEX`] when there are not `n` of them there (a plain `u32`
/// comes back in a register, an `Option<u32>` through memory).
pub(crate) fn hex(b: &[u8], at: usize, n: usize) -> u32 {
    let Some(digits) = b.get(at..at + n) else {
        return NOT_HEX;
    };
    let mut v = 0;
    for &c in digits {
        match char::from(c).to_digit(16) {
            Some(d) => v = v << 4 | d,
            None => return NOT_HEX,
        }
    }
    v
}

/// What [`hex`] gives for text that is not hex digits (above any 4-digit value).
pub(crate) const NOT_HEX: u32 = u32::MAX;

/// Decodes one form-urlencoded component the way `URLSearchParams` does:
/// `+` is a space, a `%` not followed by two hex digits stays as it is, and
/// bytes that are not UTF-8 become U+FFFD.
pub fn decode_form_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        i += 1;
        out.push(match c {
            b'+' => b' ',
            b'%' => match hex(b, i, 2) {
                NOT_HEX => c,
                v => {
                    i += 2;
                    v as u8
                }
            },
            _ => c,
        });
    }
    utf8(&out, false).unwrap_or_default()
}

/// Decodes UTF-8 as `String::from_utf8_lossy` and the WHATWG decoder do:
/// each maximal invalid subpart (Unicode §3.9, table 3-8) becomes one
/// U+FFFD; with `strict`, `None` instead (`String::from_utf8`).
///
/// On std's validator (`str::from_utf8`, which checks ASCII a word at a
/// time), not by hand: a hand-written decoder pushing one char at a time
/// was 241 B gzipped smaller but 10–20× slower on long strings (every string
/// the driver passes in goes through here: 20 µs → 1 µs for 1 KB in Node,
/// bench/size-breakdown.md s. 9.1). The lossy path (form decoding only)
/// restarts after each invalid subpart, which `Utf8Error` locates.
pub(crate) fn utf8(mut b: &[u8], strict: bool) -> Option<String> {
    let mut out = String::new();
    loop {
        match std::str::from_utf8(b) {
            Ok(s) => {
                out.push_str(s);
                return Some(out);
            }
            Err(_) if strict => return None,
            Err(e) => {
                let (ok, rest) = b.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(ok).unwrap_or_default());
                out.push('\u{FFFD}');
                // `None`: the input ends inside a sequence (one U+FFFD for it).
                b = rest
                    .get(e.error_len().unwrap_or(rest.len())..)
                    .unwrap_or_default();
            }
        }
    }
}

/// Splits a query string (without `?`) into decoded pairs, as `URLSearchParams` does.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    crate::url::split_byte(q, b'&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = crate::url::split_once_byte(p, b'=').unwrap_or((p, ""));
            (decode_form_component(k), decode_form_component(v))
        })
        .collect()
}

#[cfg(test)]
mod b64_tests {
    use super::*;

    #[test]
    fn vschars_are_printable_ascii_with_space() {
        assert!(is_vschars(" !~aZ09"));
        assert!(is_vschars("r t"));
        for bad in ["", "a\x1fb", "a\x7fb", "a\rb", "a\nb", "a\0b", "\t", "é"] {
            assert!(!is_vschars(bad), "{bad:?}");
        }
    }
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn rfc4648_vectors() {
        let v = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in v {
            assert_eq!(b64_standard(plain.as_bytes()), enc);
            assert_eq!(b64url(plain.as_bytes()), enc.trim_end_matches('='));
            assert_eq!(b64url_decode(enc).as_deref(), Some(plain.as_bytes()));
            assert_eq!(
                b64url_decode(enc.trim_end_matches('=')).as_deref(),
                Some(plain.as_bytes())
            );
        }
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64_standard(&[0xfb, 0xff]), "+/8=");
        assert_eq!(b64url_decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
    }

    #[test]
    fn refuses_non_canonical() {
        for bad in [
            "Z", "Zg=", "Zg===", "Zh", "Zm9=", "+/8", "Zm9v\n", "Zm 9v", "=", "Zg==Zg==",
        ] {
            assert_eq!(b64url_decode(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_from_utf8_lossy_or_from_utf8() {
        let lossy = |c: &[u8]| utf8(c, false).unwrap_or_default();
        let strict = |c: &[u8]| {
            let s = utf8(c, true);
            assert_eq!(s.as_deref(), std::str::from_utf8(c).ok(), "{c:?}");
            s
        };
        let cases: [&[u8]; 12] = [
            b"",
            b"plain",
            "é ü 😀".as_bytes(),
            b"\xff",
            b"a\xffb",
            b"\xe2\x82",
            b"\xe2\x82a",
            b"\xf0\x9f\x98",
            b"\xf0\x9f\x98\x80\xc3",
            b"\xed\xa0\x80",
            b"\xc0\xaf\x80\x80",
            b"\xf4\x90\x80\x80z",
        ];
        for c in cases {
            assert_eq!(lossy(c), String::from_utf8_lossy(c), "{c:?}");
            strict(c);
        }
        // Every 1- and 2-byte string, and 3-byte ones around the multi-byte leads.
        for a in 0..=255u8 {
            let one = [a];
            assert_eq!(lossy(&one), String::from_utf8_lossy(&one));
            strict(&one);
            for b in 0..=255u8 {
                let two = [a, b];
                assert_eq!(lossy(&two), String::from_utf8_lossy(&two));
                strict(&two);
                if a >= 0xc0 {
                    for c in [0x00, 0x41, 0x80, 0xbf, 0xc0, 0xff] {
                        let three = [a, b, c, 0x80];
                        assert_eq!(lossy(&three), String::from_utf8_lossy(&three));
                        strict(&three);
                    }
                }
            }
        }
    }
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn form_encoding_matches_urlsearchparams() {
        // Expected values are what `new URLSearchParams({k: v}).toString()` prints.
        let table: &[(&str, &str)] = &[
            ("a b", "a+b"),
            ("a+b", "a%2Bb"),
            ("x:y", "x%3Ay"),
            ("*-._~", "*-._%7E"),
            ("é", "%C3%A9"),
            ("=&?/", "%3D%26%3F%2F"),
            ("", ""),
        ];
        for (input, want) in table {
            let mut s = String::new();
            encode_form_component(input, &mut s);
            assert_eq!(&s, want, "input {input:?}");
            assert_eq!(decode_form_component(want), *input);
        }
    }

    #[test]
    fn component_encoding_is_rfc3986() {
        let mut s = String::new();
        encode_component("export:read export:write~", &mut s);
        assert_eq!(s, "export%3Aread%20export%3Awrite~");
    }

    #[test]
    fn lenient_percent_decoding() {
        assert_eq!(decode_form_component("100%"), "100%");
        assert_eq!(decode_form_component("%zz%4"), "%zz%4");
        assert_eq!(decode_form_component("%41%42"), "AB");
        assert_eq!(decode_form_component("%FF"), "\u{FFFD}");
    }

    #[test]
    fn query_parsing() {
        let q = parse_query("code=abc&state=x%20y&&empty=&flag");
        assert_eq!(
            q,
            vec![
                ("code".into(), "abc".into()),
                ("state".into(), "x y".into()),
                ("empty".into(), "".into()),
                ("flag".into(), "".into()),
            ]
        );
    }

    #[test]
    fn decimals() {
        for n in [0i64, 7, -7, 42, 1_700_000_000, i64::MIN, i64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn base64url_padding_is_optional() {
        assert_eq!(b64url_decode("YQ").as_deref(), Some(&b"a"[..]));
        assert_eq!(b64url_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(b64url_decode("Y"), None);
        assert_eq!(b64url_decode("Y+Q"), None);
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
    }
}
