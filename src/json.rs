//! JSON access for the few documents the protocols read (JWT payloads, token
//! responses, error bodies).
//!
//! The core reads JSON only through [`JsonObject`]. Natively it is backed by
//! `miniserde` (a small JSON library that parses without recursion, so deep
//! nesting cannot overflow the stack). In the wasm build the skin backs it
//! with the engine's own `JSON.parse` (`src/wasm/json.rs`): the token set
//! handed to JavaScript needs the parsed object anyway, and it keeps a JSON
//! parser out of the shipped binary (measured: miniserde + BTreeMap were
//! ~10 KB of the optimised wasm).

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
pub use native::MiniObject as Object;

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
    use super::{JsonObject, Kind, MAX_JSON_LEN};
    use miniserde::json::{Number, Object, Value};

    /// [`JsonObject`] over miniserde. `Debug` shows nothing of its
    /// contents, which may be tokens.
    #[derive(Clone)]
    pub struct MiniObject(Object);

    impl core::fmt::Debug for MiniObject {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("MiniObject")
        }
    }

    impl JsonObject for MiniObject {
        fn parse(text: &str) -> Option<Self> {
            if text.len() > MAX_JSON_LEN {
                return None;
            }
            match miniserde::json::from_str::<Value>(text).ok()? {
                Value::Object(o) => Some(MiniObject(o)),
                _ => None,
            }
        }
        fn kind(&self, key: &str) -> Kind {
            match self.0.get(key) {
                None => Kind::Missing,
                Some(Value::Null) => Kind::Null,
                Some(Value::Bool(_)) => Kind::Bool,
                Some(Value::Number(_)) => Kind::Number,
                Some(Value::String(_)) => Kind::String,
                Some(Value::Array(_)) => Kind::Array,
                Some(Value::Object(_)) => Kind::Object,
            }
        }
        fn str(&self, key: &str) -> Option<String> {
            match self.0.get(key) {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            }
        }
        fn num(&self, key: &str) -> Option<f64> {
            match self.0.get(key) {
                Some(Value::Number(Number::U64(n))) => Some(*n as f64),
                Some(Value::Number(Number::I64(n))) => Some(*n as f64),
                Some(Value::Number(Number::F64(n))) => Some(*n),
                _ => None,
            }
        }
        fn object(&self, key: &str) -> Option<Self> {
            match self.0.get(key) {
                Some(Value::Object(o)) => Some(MiniObject(o.clone())),
                _ => None,
            }
        }
        fn first_object_in(&self, key: &str) -> Option<Self> {
            match self.0.get(key) {
                Some(Value::Array(a)) => match a.first() {
                    Some(Value::Object(o)) => Some(MiniObject(o.clone())),
                    _ => None,
                },
                _ => None,
            }
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

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let doc = format!(r#"{{"a":{deep}}}"#);
        // Either parses or refuses: must not crash.
        let _ = parse_object(&doc);
    }
}
