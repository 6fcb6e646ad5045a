//! JSON access for the few documents the protocols read (JWT payloads, token
//! responses, error bodies).
//!
//! The core reads JSON only through [`JsonObject`]. Natively it is backed by
//! a small reader here (`native`: no recursion, so deep nesting cannot
//! overflow the stack; numbers correctly rounded). In the wasm build the skin backs it
//! with the engine's own `JSON.parse` (`src/wasm/json.rs`): the token set
//! handed to JavaScript needs the parsed object anyway, and it keeps a JSON
//! parser out of the shipped binary (measured: a Rust JSON library + BTreeMap
//! were ~10 KB of the optimised wasm).

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

#[cfg(target_arch = "wasm32")]
pub use crate::wasm::json::JsObject as Object;
#[cfg(not(target_arch = "wasm32"))]
pub use native::NativeObject as Object;

/// A JSON object (`None` when the text is not one).
pub fn parse_object(text: &str) -> Option<Object> {
    Object::parse(text)
}

/// An identifier member: a non-empty string as it is, an integer in decimal.
pub fn id_member(o: &Object, key: &str) -> Option<String> {
    match o.kind(key) {
        Kind::String => o.str(key).filter(|s| !s.is_empty()),
        Kind::Number => o
            .num(key)
            .filter(|n| n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0)
            .map(|n| crate::encoding::decimal(n as i64)),
        _ => None,
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    //! A JSON reader (RFC 8259) for the native build. It decodes the
    //! top-level object's members; a nested array or object is only
    //! validated (without recursion, so 100,000 nested arrays cannot overflow
    //! the stack) and kept as its text, decoded when asked for. Numbers are
    //! read by `str::parse::<f64>`, correctly rounded like the engine's
    //! `JSON.parse` in the wasm build (miniserde, used before, read a number
    //! of more than 19 digits as a different `f64`: found by the `json` fuzz
    //! target's differential against serde_json). Duplicate keys: the last
    //! wins, as in `JSON.parse`, and numbers beyond `f64` (`1e400`) are
    //! ±Infinity, as in `JSON.parse` (the core clamps or refuses them where
    //! it reads them; refusing the whole answer would drop a rotated refresh
    //! token). Refused, unlike `JSON.parse`: lone surrogates (`"\ud800"`,
    //! which a Rust string cannot hold).
    use super::{JsonObject, Kind, MAX_JSON_LEN};
    use std::collections::BTreeMap;

    #[derive(Clone)]
    enum Member {
        Null,
        Bool,
        Number(f64),
        String(String),
        /// The array's text, `[` to `]`, already validated.
        Array(String),
        /// The object's text, `{` to `}`, already validated.
        Object(String),
    }

    /// [`JsonObject`] over this reader. `Debug` shows nothing of its
    /// contents, which may be tokens.
    #[derive(Clone)]
    pub struct NativeObject(BTreeMap<String, Member>);

    impl core::fmt::Debug for NativeObject {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("NativeObject")
        }
    }

    fn ws(b: &[u8], mut i: usize) -> usize {
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    }

    fn hex4(b: &[u8], i: usize) -> Option<u32> {
        let mut n = 0u32;
        for &c in b.get(i..i + 4)? {
            n = n * 16 + char::from(c).to_digit(16)?;
        }
        Some(n)
    }

    /// The string starting at `b[i] == '"'`: its end (after the closing
    /// quote), and its decoded value pushed to `out` when given. Refuses
    /// control characters, bad escapes and lone surrogates.
    fn string(s: &str, i: usize, mut out: Option<&mut String>) -> Option<usize> {
        let b = s.as_bytes();
        let mut i = i + 1;
        let mut run = i;
        loop {
            match *b.get(i)? {
                b'"' => {
                    if let Some(o) = out.as_deref_mut() {
                        o.push_str(s.get(run..i)?);
                    }
                    return Some(i + 1);
                }
                b'\\' => {
                    if let Some(o) = out.as_deref_mut() {
                        o.push_str(s.get(run..i)?);
                    }
                    let c = match *b.get(i + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = hex4(b, i + 2)?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if b.get(i + 6..i + 8)? != b"\\u" {
                                    return None;
                                }
                                let lo = hex4(b, i + 8)?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                i += 6;
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            i += 4;
                            // None for a lone low surrogate.
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    if let Some(o) = out.as_deref_mut() {
                        o.push(c);
                    }
                    i += 2;
                    run = i;
                }
                c if c < 0x20 => return None,
                _ => i += 1,
            }
        }
    }

    /// One or more digits from `b[i]`: their end.
    fn digits(b: &[u8], mut i: usize) -> Option<usize> {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > start).then_some(i)
    }

    /// The number starting at `b[i]` (RFC 8259 §6 grammar): its end.
    fn number(b: &[u8], mut i: usize) -> Option<usize> {
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        i = match b.get(i)? {
            b'0' => i + 1,
            b'1'..=b'9' => digits(b, i)?,
            _ => return None,
        };
        if b.get(i) == Some(&b'.') {
            i = digits(b, i + 1)?;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            i = digits(b, i)?;
        }
        Some(i)
    }

    fn literal(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
        (b.get(i..i + word.len())? == word).then_some(i + word.len())
    }

    /// `"key" :` at `b[i]`: where the value starts (after whitespace).
    fn key(s: &str, i: usize) -> Option<usize> {
        let b = s.as_bytes();
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let i = ws(b, string(s, i, None)?);
        (b.get(i) == Some(&b':')).then(|| ws(b, i + 1))
    }

    /// Validates the array or object starting at `b[i]`, with a stack of
    /// open containers instead of recursion: its end.
    fn container(s: &str, mut i: usize) -> Option<usize> {
        let b = s.as_bytes();
        // Open containers, `true` for an object.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            // A value starts at b[i].
            match *b.get(i)? {
                open @ (b'[' | b'{') => {
                    let object = open == b'{';
                    i = ws(b, i + 1);
                    if b.get(i) == Some(if object { &b'}' } else { &b']' }) {
                        i += 1;
                    } else {
                        stack.push(object);
                        if object {
                            i = key(s, i)?;
                        }
                        continue;
                    }
                }
                b'"' => i = string(s, i, None)?,
                b't' => i = literal(b, i, b"true")?,
                b'f' => i = literal(b, i, b"false")?,
                b'n' => i = literal(b, i, b"null")?,
                _ => i = number(b, i)?,
            }
            // After a value: `,` and the next value, or closing brackets.
            loop {
                let &object = match stack.last() {
                    Some(o) => o,
                    None => return Some(i),
                };
                i = ws(b, i);
                match *b.get(i)? {
                    b',' => {
                        i = ws(b, i + 1);
                        if object {
                            i = key(s, i)?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                stack.pop();
                i += 1;
            }
        }
    }

    /// The object that is the whole of `s` (whitespace around it allowed).
    fn object(s: &str) -> Option<NativeObject> {
        let b = s.as_bytes();
        let mut i = ws(b, 0);
        if b.get(i) != Some(&b'{') {
            return None;
        }
        let mut members = BTreeMap::new();
        i = ws(b, i + 1);
        if b.get(i) == Some(&b'}') {
            i += 1;
        } else {
            loop {
                if b.get(i) != Some(&b'"') {
                    return None;
                }
                let mut name = String::new();
                i = ws(b, string(s, i, Some(&mut name))?);
                if b.get(i) != Some(&b':') {
                    return None;
                }
                i = ws(b, i + 1);
                let (value, end) = match *b.get(i)? {
                    b'"' => {
                        let mut v = String::new();
                        let end = string(s, i, Some(&mut v))?;
                        (Member::String(v), end)
                    }
                    b't' => (Member::Bool, literal(b, i, b"true")?),
                    b'f' => (Member::Bool, literal(b, i, b"false")?),
                    b'n' => (Member::Null, literal(b, i, b"null")?),
                    b'[' => {
                        let end = container(s, i)?;
                        (Member::Array(s.get(i..end)?.to_owned()), end)
                    }
                    b'{' => {
                        let end = container(s, i)?;
                        (Member::Object(s.get(i..end)?.to_owned()), end)
                    }
                    _ => {
                        let end = number(b, i)?;
                        let n: f64 = s.get(i..end)?.parse().ok()?;
                        // `1e400` is Infinity, as `JSON.parse` gives.
                        (Member::Number(n), end)
                    }
                };
                members.insert(name, value);
                i = ws(b, end);
                match *b.get(i)? {
                    b',' => i = ws(b, i + 1),
                    b'}' => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        (ws(b, i) == b.len()).then_some(NativeObject(members))
    }

    impl JsonObject for NativeObject {
        fn parse(text: &str) -> Option<Self> {
            if text.len() > MAX_JSON_LEN {
                return None;
            }
            object(text)
        }
        fn kind(&self, key: &str) -> Kind {
            match self.0.get(key) {
                None => Kind::Missing,
                Some(Member::Null) => Kind::Null,
                Some(Member::Bool) => Kind::Bool,
                Some(Member::Number(_)) => Kind::Number,
                Some(Member::String(_)) => Kind::String,
                Some(Member::Array(_)) => Kind::Array,
                Some(Member::Object(_)) => Kind::Object,
            }
        }
        fn str(&self, key: &str) -> Option<String> {
            match self.0.get(key) {
                Some(Member::String(s)) => Some(s.clone()),
                _ => None,
            }
        }
        fn num(&self, key: &str) -> Option<f64> {
            match self.0.get(key) {
                Some(Member::Number(n)) => Some(*n),
                _ => None,
            }
        }
        fn object(&self, key: &str) -> Option<Self> {
            match self.0.get(key) {
                Some(Member::Object(text)) => object(text),
                _ => None,
            }
        }
        fn first_object_in(&self, key: &str) -> Option<Self> {
            let Some(Member::Array(text)) = self.0.get(key) else {
                return None;
            };
            let b = text.as_bytes();
            let start = ws(b, 1);
            if b.get(start) != Some(&b'{') {
                return None;
            }
            object(text.get(start..container(text, start)?)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn objects_only() {
        assert!(parse_object(r#"{"a":1}"#).is_some());
        assert!(parse_object("[1]").is_none());
        assert!(parse_object("1").is_none());
        assert!(parse_object("{").is_none());
        assert!(parse_object("").is_none());
        assert!(parse_object(&format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_JSON_LEN))).is_none());
    }

    #[test]
    fn member_access() {
        let o = parse_object(
            r#"{"s":"x","n":3.5,"i":42,"z":null,"b":true,"a":[{"c":"d"}],"o":{"k":1}}"#,
        )
        .unwrap();
        assert_eq!(o.kind("s"), Kind::String);
        assert_eq!(o.kind("missing"), Kind::Missing);
        assert_eq!(o.kind("z"), Kind::Null);
        assert_eq!(o.kind("b"), Kind::Bool);
        assert_eq!(o.kind("a"), Kind::Array);
        assert_eq!(o.kind("o"), Kind::Object);
        assert_eq!(o.str("s").as_deref(), Some("x"));
        assert_eq!(o.str("n"), None);
        assert_eq!(o.num("n"), Some(3.5));
        assert_eq!(id_member(&o, "i").as_deref(), Some("42"));
        assert_eq!(id_member(&o, "n"), None);
        assert_eq!(
            o.first_object_in("a").and_then(|e| e.str("c")).as_deref(),
            Some("d")
        );
        assert_eq!(o.object("o").and_then(|e| e.num("k")), Some(1.0));
    }

    /// Found by the `json` fuzz target (differential against serde_json):
    /// numbers of more than 19 digits were read as a different `f64` than
    /// `JSON.parse` gives (1.2345678901234567e34 for the first one below).
    #[test]
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
        // Out of f64's range: ±Infinity, as JSON.parse gives.
        let o = parse_object(r#"{"n":1e400,"m":-1e400}"#).unwrap();
        assert_eq!(o.num("n"), Some(f64::INFINITY));
        assert_eq!(o.num("m"), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn grammar_table() {
        let accepted: &[&str] = &[
            r#" { "a" : [ 1 , { "b" : null } ] , "c" : "\u00e9\ud83d\ude00\n" } "#,
            r#"{"a":1,"a":"last"}"#,
            r#"{"":{},"x":[],"y":[[]],"z":-0.5E+3}"#,
        ];
        for t in accepted {
            assert!(parse_object(t).is_some(), "{t}");
        }
        let o = parse_object(accepted[0]).unwrap();
        assert_eq!(o.str("c").as_deref(), Some("é😀\n"));
        assert_eq!(
            parse_object(accepted[1]).unwrap().str("a").as_deref(),
            Some("last")
        );
        let refused: &[&str] = &[
            "\u{feff}{}",
            "{,}",
            r#"{"a":1,}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":+1}"#,
            r#"{"a":1e}"#,
            r#"{"a":NaN}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":tru}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a":{"b":1]}"#,
            r#"{"a":1} x"#,
            r#"{"a":1}{"#,
            r#"{'a':1}"#,
            r#"{"a" 1}"#,
        ];
        for t in refused {
            assert!(parse_object(t).is_none(), "{t}");
        }
        // Lone surrogates: refused by the native reader only (a Rust string
        // cannot hold them; the wasm build's `JSON.parse` reads them).
        #[cfg(not(target_arch = "wasm32"))]
        for t in [
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00\ud800"}"#,
            r#"{"a":[{"b":"\ud800"}]}"#,
        ] {
            assert!(parse_object(t).is_none(), "{t}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let doc = format!(r#"{{"a":{deep}}}"#);
        // Either parses or refuses: must not crash.
        let _ = parse_object(&doc);
    }
}
