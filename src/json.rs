//! JSON access for the few documents the protocols read (JWT payloads, token
//! responses, error bodies), and for the arguments the wasm skin hands in.
//!
//! One small reader for every target, with no recursion: one pass checks a
//! document against the RFC 8259 grammar with an explicit stack (so deep
//! nesting cannot overflow the native or the wasm stack) and notes where the
//! outer container's members are; only the members the protocols ask for
//! are then decoded, on demand, by the same string and number loops that
//! checked them. It replaced miniserde (natively) and the engine's
//! `JSON.parse` reached through wasm-bindgen (in the wasm build, which made
//! the core depend on JS); it is about 4 KB of the optimised wasm.
//!
//! It accepts what `JSON.parse` accepts, except lone surrogates (`"\ud800"`,
//! which a Rust string cannot hold); the wasm skin's JS driver parses the
//! same text into the `raw` objects it hands out. Numbers are correctly
//! rounded natively; the wasm build reads them on Clinger's fast path (see
//! `number_at`), exact for every number the protocols read.

/// Longest JSON document parsed (bytes). Token responses and JWT payloads are
/// a few KiB; anything near this is not one.
pub const MAX_JSON_LEN: usize = 256 * 1024;

/// What a member of an object holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No such member.
    Missing,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// A parsed JSON object, read-only.
pub trait JsonObject: Sized {
    /// Parses `text`; `None` if it is not JSON, not an object, or longer than [`MAX_JSON_LEN`].
    fn parse(text: &str) -> Option<Self>;
    /// What member `key` holds.
    fn kind(&self, key: &str) -> Kind;
    /// Member `key` if it is a string.
    fn str(&self, key: &str) -> Option<String>;
    /// Member `key` if it is a number.
    fn num(&self, key: &str) -> Option<f64>;
    /// Member `key` if it is an object.
    fn object(&self, key: &str) -> Option<Self>;
    /// The first element of array member `key`, if that is an object.
    fn first_object_in(&self, key: &str) -> Option<Self>;
}

/// A checked JSON object: its text and where each member's key and value are.
/// `Debug` shows nothing of its contents, which may be tokens.
#[derive(Clone)]
pub struct Object {
    text: String,
    /// (where the key's literal starts, value span), in document order.
    members: Vec<(usize, Span)>,
}

type Span = (usize, usize);

impl core::fmt::Debug for Object {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Object")
    }
}

/// A JSON value, decoded one level deep (arrays and objects keep their text).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string, unescaped.
    String(String),
    /// An array's text (read it with [`parse_array`]).
    Array(String),
    /// An object's text (read it with [`parse_object`]).
    Object(String),
}

impl Object {
    /// The object's JSON text, exactly as it was given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The raw text of member `key` (the last one, as `JSON.parse` does).
    fn raw(&self, key: &str) -> Option<&str> {
        let t = self.text.as_str();
        // One buffer for every key, decoded in turn (no String per member).
        let mut name = String::new();
        let mut i = self.members.len();
        while i > 0 {
            i -= 1;
            let (k, v) = self.members[i];
            name.clear();
            string(t, k, Some(&mut name));
            if name == key {
                return t.get(v.0..v.1);
            }
        }
        None
    }

    /// Member `key` as a number, NaN when it is missing or not a number (no
    /// JSON number reads as NaN).
    pub(crate) fn number(&self, key: &str) -> f64 {
        match self.raw(key) {
            Some(raw) if matches!(first(raw), b'-' | b'0'..=b'9') => number(raw),
            _ => f64::NAN,
        }
    }

    /// Member `key`, decoded one level deep.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.raw(key).map(value_of)
    }
}

/// The first byte of a value's text (0 for none).
fn first(raw: &str) -> u8 {
    at(raw.as_bytes(), 0)
}

impl JsonObject for Object {
    fn parse(text: &str) -> Option<Self> {
        parse_object(text)
    }
    fn kind(&self, key: &str) -> Kind {
        // A table by the value's first byte, not a `match` (a jump table).
        const KINDS: [Kind; 6] = [
            Kind::Null,
            Kind::Bool,
            Kind::Bool,
            Kind::String,
            Kind::Array,
            Kind::Object,
        ];
        match self.raw(key) {
            None => Kind::Missing,
            // (Not found: past the table, a number.)
            Some(raw) => KINDS
                .get(crate::url::find_byte("ntf\"[{", first(raw)).unwrap_or(6))
                .copied()
                .unwrap_or(Kind::Number),
        }
    }
    fn str(&self, key: &str) -> Option<String> {
        let raw = self.raw(key)?;
        (first(raw) == b'"').then(|| unescape(raw, 0))
    }
    // (The test at the caller: an `Option<f64>` comes back through memory.)
    #[inline(always)]
    fn num(&self, key: &str) -> Option<f64> {
        let n = self.number(key);
        (!n.is_nan()).then_some(n)
    }
    fn object(&self, key: &str) -> Option<Self> {
        parse_object(self.raw(key)?)
    }
    fn first_object_in(&self, key: &str) -> Option<Self> {
        let mut elements = Vec::new();
        let t = scan(self.raw(key)?, MAX_JSON_LEN, b'[', &mut elements)?;
        let v = elements.first()?.1;
        parse_object(t.get(v.0..v.1)?)
    }
}

/// A JSON object (`None` when the text is not one, or is longer than [`MAX_JSON_LEN`]).
pub fn parse_object(text: &str) -> Option<Object> {
    let mut members = Vec::new();
    let t = scan(text, MAX_JSON_LEN, b'{', &mut members)?;
    Some(Object {
        text: t.to_owned(),
        members,
    })
}

/// The elements of a JSON array, decoded one level deep (`None` when the
/// text is not one, or is longer than [`MAX_JSON_LEN`]).
pub fn parse_array(text: &str) -> Option<Vec<Value>> {
    parse_array_within(text, MAX_JSON_LEN)
}

/// [`parse_array`] with another length limit (the wasm skin's arguments,
/// which carry whole response bodies and tokens for the core to refuse).
pub fn parse_array_within(text: &str, max_len: usize) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    parse_array_onto(text, max_len, &mut out).then_some(out)
}

/// [`parse_array_within`] onto the end of `out`; whether `text` was an
/// array (a `bool` comes back in a register, an `Option<Vec>` through
/// memory; the wasm boundary's arguments go after its two strings).
pub(crate) fn parse_array_onto(text: &str, max_len: usize, out: &mut Vec<Value>) -> bool {
    let mut elements = Vec::new();
    let Some(t) = scan(text, max_len, b'[', &mut elements) else {
        return false;
    };
    for &(_, v) in &elements {
        // (Spans from `scan` sit on ASCII bytes: `get` cannot fail.)
        out.push(value_of(t.get(v.0..v.1).unwrap_or_default()));
    }
    true
}

/// An identifier member: a non-empty string as it is, an integer in decimal.
pub fn id_member(o: &Object, key: &str) -> Option<String> {
    if let Some(s) = o.str(key) {
        return Some(s).filter(|s| !s.is_empty());
    }
    // (NaN, for none, fails the test.)
    let n = o.number(key);
    (n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0)
        .then(|| crate::encoding::decimal(n as i64))
}

/// Appends `s` as a JSON string literal (RFC 8259 §7).
pub fn write_str(s: &str, out: &mut String) {
    crate::http::json_string(s, out)
}

// ------------------------------------------------------------------ reading

/// The byte at `i`, 0 past the end (a NUL byte is not JSON, outside a
/// string or raw inside one, so it reads as the end everywhere).
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(at(b, i), b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

fn value_of(raw: &str) -> Value {
    match first(raw) {
        b'n' => Value::Null,
        b't' => Value::Bool(true),
        b'f' => Value::Bool(false),
        b'"' => Value::String(unescape(raw, 0)),
        b'[' => Value::Array(raw.to_owned()),
        b'{' => Value::Object(raw.to_owned()),
        _ => Value::Number(number(raw)),
    }
}

/// The text of the checked string literal starting at `t[i]` (its quote).
fn unescape(t: &str, i: usize) -> String {
    let mut out = String::new();
    string(t, i, Some(&mut out));
    out
}

/// The string literal at `t[i]` (its opening quote), checked — escapes
/// valid, no raw control characters, surrogates only as a high + low pair
/// (a lone one cannot be held by a Rust string) — and, with `out`, decoded
/// onto it: one loop that checks and reads. Where the literal ends, 0
/// when it is not valid (a plain `usize` comes back in a register).
fn string(t: &str, mut i: usize, mut out: Option<&mut String>) -> usize {
    let b = t.as_bytes();
    // Where the run of plain characters to copy starts.
    let mut run = i + 1;
    loop {
        i += 1;
        let c = at(b, i);
        if c == b'"' || c == b'\\' {
            if let Some(o) = out.as_deref_mut() {
                let Some(r) = t.get(run..i) else {
                    return 0;
                };
                o.push_str(r);
            }
        }
        let u = match c {
            b'"' => return i + 1,
            b'\\' => {
                i += 1;
                let e = at(b, i);
                // A table, not a `match`: that is a jump table over the
                // bytes from `"` to `u`.
                match crate::url::find_byte("\"\\/bfnrt", e) {
                    Some(j) => u32::from(b"\"\\/\x08\x0c\n\r\t"[j]),
                    None if e == b'u' => {
                        let mut u = crate::encoding::hex(b, i + 1, 4);
                        i += 4;
                        // Not hex, or a lone low surrogate.
                        if u > 0xffff || u & 0xfc00 == 0xdc00 {
                            return 0;
                        }
                        if u & 0xfc00 == 0xd800 {
                            // (Not hex fails the low-surrogate test.)
                            let lo = crate::encoding::hex(b, i + 3, 4);
                            if at(b, i + 1) != b'\\'
                                || at(b, i + 2) != b'u'
                                || lo & 0xfc00 != 0xdc00
                            {
                                return 0;
                            }
                            u = 0x10000 + ((u & 0x3ff) << 10) + (lo & 0x3ff);
                            i += 6;
                        }
                        u
                    }
                    _ => return 0,
                }
            }
            0..0x20 => return 0,
            _ => continue,
        };
        if let Some(o) = out.as_deref_mut() {
            o.push(char::from_u32(u).unwrap_or('\u{fffd}'));
        }
        run = i + 1;
    }
}

/// The value of a checked number literal, correctly rounded like the
/// engine's `JSON.parse` (a hand-rolled reader drifted on numbers of more
/// than 19 digits: found by the `json` fuzz target's differential).
fn number(raw: &str) -> f64 {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        raw.parse::<f64>().unwrap_or(f64::NAN)
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        small_number(raw)
    }
}

/// The wasm build's number reader (see [`number_at`]).
#[cfg_attr(
    not(all(target_arch = "wasm32", target_os = "unknown")),
    allow(dead_code)
)]
fn small_number(raw: &str) -> f64 {
    let mut v = f64::NAN;
    number_at(raw.as_bytes(), 0, &mut v);
    v
}

/// A run of at least one digit at `i`, added to `m` (as decimal digits);
/// its end, 0 when there is no digit at `i` (a plain `usize` comes back in
/// a register).
fn digits(b: &[u8], mut i: usize, m: &mut f64) -> usize {
    let start = i;
    while let c @ b'0'..=b'9' = at(b, i) {
        *m = *m * 10.0 + f64::from(c - b'0');
        i += 1;
    }
    if i > start {
        i
    } else {
        0
    }
}

/// `Some(i)` unless `i` is 0 (what [`number_at`] gives for no number).
fn nonzero(i: usize) -> Option<usize> {
    (i != 0).then_some(i)
}

/// The number literal at `i`, checked against the grammar: where it ends
/// (0 when it is not one), and its value (written to `value`) as the wasm
/// build reads it — exact (correctly rounded) on
/// Clinger's fast path — at most 15 significant digits and a power of ten
/// up to 22, which covers every number a token endpoint or a JWT sends
/// (`expires_in`, `exp`) and every number the JS driver passes — and
/// otherwise within a few units in the last place. `str::parse::<f64>` is
/// correctly rounded everywhere but brings ~10 KB of tables (measured:
/// +15 KB gzipped wasm). One loop that checks and reads.
///
/// Numbers beyond f64 (`1e400`) are accepted, as `JSON.parse` does (the
/// member reads as an infinite number, which the protocols refuse where
/// they read one): an answer is not thrown away for a member nobody reads.
fn number_at(b: &[u8], mut i: usize, value: &mut f64) -> usize {
    let neg = at(b, i) == b'-';
    i += usize::from(neg);
    // The digits as one number `m`, the fraction digits `frac`, the
    // exponent `e`.
    let (mut m, mut e, mut frac) = (0f64, 0f64, 0);
    i = if at(b, i) == b'0' {
        i + 1
    } else {
        digits(b, i, &mut m)
    };
    if i == 0 {
        return 0;
    }
    if at(b, i) == b'.' {
        let d = digits(b, i + 1, &mut m);
        if d == 0 {
            return 0;
        }
        frac = d - i - 1;
        i = d;
    }
    // `e` or `E`.
    if at(b, i) | 0x20 == b'e' {
        i += 1;
        let sign = at(b, i);
        if sign == b'+' || sign == b'-' {
            i += 1;
        }
        i = digits(b, i, &mut e);
        if i == 0 {
            return 0;
        }
        if sign == b'-' {
            e = -e;
        }
    }
    // The power of ten to scale `m` by (capped: beyond ±100 000 every
    // number is 0 or infinite), applied by one multiplication or division
    // by an exact power of ten (10^22 at most) when it is at most 22: then
    // with at most 15 significant digits the result is exact (Clinger's
    // fast path); beyond, in steps.
    // (No overflow: a fraction of 2^31 digits is not a document anyone reads.)
    // Scaling always goes one way, so once `m` is 0 or infinite it stays
    // so: the loop stops there (else `1e99999` took ~4 500 steps, and a
    // server's 250 KB of them 200 ms to check).
    let mut scale = e.clamp(-1e5, 1e5) as i32 - frac as i32;
    while scale != 0 && m != 0.0 && m.is_finite() {
        let k = scale.clamp(-22, 22);
        let mut p = 1f64;
        for _ in 0..k.unsigned_abs() {
            p *= 10.0;
        }
        if k > 0 {
            m *= p;
        } else {
            m /= p;
        }
        scale -= k;
    }
    *value = if neg { -m } else { m };
    i
}

/// Checks `text` against the JSON grammar (one value, whitespace around it)
/// without recursion, in one pass that also notes where the members (or
/// elements) of the outer container are. When that value is a container
/// opened by `open`: its text without the whitespace; its members' (key
/// literal start, or any number in an array; value span) in that text go
/// onto the caller's `spans` (not returned with the text: a Vec moved out
/// in an `Option` was copied through memory at every caller).
fn scan<'a>(
    text: &'a str,
    max_len: usize,
    open: u8,
    spans: &mut Vec<(usize, Span)>,
) -> Option<&'a str> {
    let mut stack = Vec::new();
    let (start, end) = walk(text, max_len, open, &mut stack, spans)?;
    text.get(start..end)
}

/// The pass of [`scan`], with its stack of open containers (b'{' or b'[')
/// and its spans passed in (a `None` here drops nothing); where the value
/// starts and ends.
fn walk(
    text: &str,
    max_len: usize,
    open: u8,
    stack: &mut Vec<u8>,
    spans: &mut Vec<(usize, Span)>,
) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let start = skip_ws(b, 0);
    if text.len() > max_len || at(b, start) != open {
        return None;
    }
    // Where the last key started (relative to `start`).
    let mut k = 0;
    let mut i = start;
    loop {
        // A value at `i`: in an object, after its key.
        if stack.last() == Some(&b'{') {
            k = i - start;
            i = key(text, i)?;
        }
        if stack.len() == 1 {
            spans.push((k, (i - start, 0)));
        }
        let c = at(b, i);
        i = match c {
            b'{' | b'[' => {
                i = skip_ws(b, i + 1);
                // `{` + 2 is `}`, `[` + 2 is `]`.
                if at(b, i) == c + 2 {
                    i + 1
                } else {
                    stack.push(c);
                    continue;
                }
            }
            b'"' => nonzero(string(text, i, None))?,
            _ => {
                let lit: &[u8] = match c {
                    b't' => b"true",
                    b'f' => b"false",
                    b'n' => b"null",
                    _ => &[],
                };
                match lit {
                    [] => nonzero(number_at(b, i, &mut 0.0))?,
                    _ => (b.get(i..i + lit.len())? == lit).then_some(i + lit.len())?,
                }
            }
        };
        // After a value: ',' and the next one, or the closing bracket of
        // its container.
        loop {
            // A member of the outer container ends here.
            if stack.len() == 1 {
                if let Some(s) = spans.last_mut() {
                    s.1 .1 = i - start;
                }
            }
            let end = i;
            i = skip_ws(b, i);
            let Some(&top) = stack.last() else {
                return (i == b.len()).then_some((start, end));
            };
            match at(b, i) {
                b',' => {
                    i = skip_ws(b, i + 1);
                    break;
                }
                c if c == top + 2 => {
                    stack.pop();
                    i += 1;
                }
                _ => return None,
            }
        }
    }
}

/// A key at `t[i]`, then `:`; where its value starts.
fn key(t: &str, i: usize) -> Option<usize> {
    let b = t.as_bytes();
    if at(b, i) != b'"' {
        return None;
    }
    let i = skip_ws(b, nonzero(string(t, i, None))?);
    (at(b, i) == b':').then(|| skip_ws(b, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn objects_only() {
        assert!(parse_object(r#"{"a":1}"#).is_some());
        assert!(parse_object(" {} ").is_some());
        assert!(parse_object("[1]").is_none());
        assert!(parse_object("1").is_none());
        assert!(parse_object("{").is_none());
        assert!(parse_object("").is_none());
        assert!(parse_object(&format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_JSON_LEN))).is_none());
    }

    #[test]
    fn grammar_is_checked_like_json_parse() {
        for bad in [
            r#"{"a":1,}"#,
            r#"{"a":[1,,2]}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a" 1}"#,
            r#"{a:1}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":+1}"#,
            r#"{"a":"x\q"}"#,
            r#"{"a":"\u12"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":tru}"#,
            r#"{"a":{"b":[}]}"#,
            r#"{"a":1}}"#,
            r#"{"a":1} x"#,
            r#"{"a":[1]]"#,
            r#"{,"a":1}"#,
            r#"{"a":NaN}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00\ud800"}"#,
            r#"{"a":[{"b":"\ud800"}]}"#,
            r#"{"a":"\ud800\u0041"}"#,
            "\u{feff}{}",
        ] {
            assert!(parse_object(bad).is_none(), "{bad}");
        }
        for good in [
            r#"{"a":-0.5e+3,"b":[true,false,null,{"c":[]},""],"d":{}}"#,
            "\n{ \"a\" : [ 1 , 2 ] }\t",
            r#"{"a":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#,
        ] {
            assert!(parse_object(good).is_some(), "{good}");
        }
    }

    #[test]
    fn member_access() {
        let o = parse_object(
            r#"{"s":"x","n":3.5,"i":42,"z":null,"b":true,"a":[{"c":"d"}],"o":{"k":1},"e":"\u00e9\n\ud83d\ude00"}"#,
        )
        .unwrap();
        assert_eq!(o.kind("s"), Kind::String);
        assert_eq!(o.kind("missing"), Kind::Missing);
        assert_eq!(o.kind("z"), Kind::Null);
        assert_eq!(o.kind("b"), Kind::Bool);
        assert_eq!(o.kind("a"), Kind::Array);
        assert_eq!(o.kind("o"), Kind::Object);
        assert_eq!(o.kind("n"), Kind::Number);
        assert_eq!(o.str("s").as_deref(), Some("x"));
        assert_eq!(o.str("n"), None);
        assert_eq!(o.num("n"), Some(3.5));
        assert_eq!(o.str("e").as_deref(), Some("é\n😀"));
        assert_eq!(id_member(&o, "i").as_deref(), Some("42"));
        assert_eq!(id_member(&o, "n"), None);
        assert_eq!(
            o.first_object_in("a").and_then(|e| e.str("c")).as_deref(),
            Some("d")
        );
        assert_eq!(o.object("o").and_then(|e| e.num("k")), Some(1.0));
        let e =
            parse_object(r#"{"s":"a\"\\\/\b\f\n\r\tz\u00e9\ud83d\ude00\u0041\u20AC"}"#).unwrap();
        assert_eq!(
            e.str("s").as_deref(),
            Some("a\"\\/\u{8}\u{c}\n\r\tz\u{e9}\u{1f600}A\u{20ac}")
        );
        // Prototype names are not members.
        assert_eq!(o.kind("constructor"), Kind::Missing);
    }

    #[test]
    fn keys_with_escapes_and_duplicates() {
        let o = parse_object(r#"{"a\u0062":1,"x":1,"x":2}"#).unwrap();
        assert_eq!(o.num("ab"), Some(1.0));
        // The last duplicate wins, as in JSON.parse.
        assert_eq!(o.num("x"), Some(2.0));
    }

    #[test]
    fn numbers() {
        let n = |s: &str| parse_object(&format!(r#"{{"n":{s}}}"#)).unwrap().num("n");
        assert_eq!(n("0"), Some(0.0));
        assert_eq!(n("-12"), Some(-12.0));
        assert_eq!(n("3600"), Some(3600.0));
        assert_eq!(n("1893456000"), Some(1_893_456_000.0));
        assert_eq!(n("9007199254740991"), Some(9_007_199_254_740_991.0));
        assert_eq!(n("1.5"), Some(1.5));
        assert_eq!(n("2.5e3"), Some(2500.0));
        assert_eq!(n("25E-1"), Some(2.5));
        // Off the fast path the wasm build is within a few ulps (see `small_number`).
        assert!((n("1e306").unwrap() / 1e306 - 1.0).abs() < 1e-12);
        assert_eq!(n("1e-400"), Some(0.0));
        assert_eq!(n("0e999999999"), Some(0.0));
    }

    /// Found by the `json` fuzz target (differential against serde_json):
    /// numbers of more than 19 digits must be read as the same `f64` as
    /// `JSON.parse` gives (1.2345678901234567e34 for the first one below).
    /// Native only: the wasm build trades this for 14 KB (`small_number`).
    #[test]
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    fn numbers_are_correctly_rounded() {
        let table: &[(&str, f64)] = &[
            (
                "12345678901234567890123444444567890",
                1.234_567_890_123_457e34,
            ),
            ("955555555555505.05000000", 955_555_555_555_505.0),
            ("0.1", 0.1),
            ("-0", -0.0),
            ("1e308", 1e308),
            ("18446744073709551615", 18_446_744_073_709_551_615.0),
            ("2.2250738585072011e-308", 2.225_073_858_507_201e-308),
        ];
        for (text, want) in table {
            let o = parse_object(&format!(r#"{{"n":{text}}}"#)).unwrap();
            assert_eq!(o.num("n"), Some(*want), "{text}");
        }
    }

    /// The wasm build's reader (see `small_number`): exact on the fast path,
    /// close elsewhere.
    #[test]
    fn small_numbers() {
        for t in [
            "0",
            "-0",
            "1",
            "3600",
            "600000",
            "1893456000",
            "1700000000000",
            "9007199254740991",
            "0.1",
            "1.5",
            "-2.25",
            "123456.789",
            "1e22",
            "25E-1",
            "3.6e3",
            "1e-5",
        ] {
            assert_eq!(small_number(t), t.parse::<f64>().unwrap(), "{t}");
        }
        assert_eq!(small_number("1e-99999999999"), 0.0);
        assert_eq!(small_number("1e99999999999"), f64::INFINITY);
        for t in [
            "1e306",
            "12345678901234567890123444444567890",
            "2.2250738585072011e-308",
            "1e-300",
        ] {
            let (a, b) = (small_number(t), t.parse::<f64>().unwrap());
            assert!(((a - b) / b).abs() < 1e-12, "{t}: {a} vs {b}");
        }
    }

    #[test]
    fn numbers_beyond_f64_are_infinite_like_json_parse() {
        let o = parse_object(r#"{"n":1e400,"m":-1e400,"a":[-1e400]}"#).unwrap();
        assert_eq!(o.num("n"), Some(f64::INFINITY));
        assert_eq!(o.num("m"), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn arrays() {
        let a = parse_array(r#"[ "a", 1, null, true, [2], {"k":"v"} ]"#).unwrap();
        assert_eq!(
            a,
            vec![
                Value::String("a".into()),
                Value::Number(1.0),
                Value::Null,
                Value::Bool(true),
                Value::Array("[2]".into()),
                Value::Object(r#"{"k":"v"}"#.into()),
            ]
        );
        assert_eq!(parse_array("[]").unwrap(), vec![]);
        assert!(parse_array("{}").is_none());
        assert!(parse_array("[1,]").is_none());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let doc = format!(r#"{{"a":{deep}}}"#);
        let o = parse_object(&doc).unwrap();
        assert_eq!(o.kind("a"), Kind::Array);
        assert!(parse_object(&format!(r#"{{"a":{}}}"#, "[".repeat(100_000))).is_none());
    }
}
