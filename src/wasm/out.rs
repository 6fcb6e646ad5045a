//! Writing the JSON answers (strings and integers only: no float formatting
//! in the binary).

use crate::json::write_str;

/// A JSON object or array being written.
pub struct Out {
    s: String,
}

impl Out {
    /// `{ ... }`.
    pub fn obj() -> Out {
        Out {
            s: String::from("{"),
        }
    }
    /// `[ ... ]`.
    pub fn arr() -> Out {
        Out {
            s: String::from("["),
        }
    }
    fn sep(&mut self) {
        // Not first in its object or array.
        // (`[` | 0x20 is `{`; the String is never empty.)
        if self.s.as_bytes().last().is_some_and(|c| c | 0x20 != b'{') {
            self.s.push(',');
        }
    }
    // This and `os` inlined: 41 B gzipped less than as functions.
    #[inline(always)]
    fn key(&mut self, k: &str) {
        self.sep();
        write_str(k, &mut self.s);
        self.s.push(':');
    }
    /// A string member.
    pub fn s(&mut self, k: &str, v: &str) {
        self.key(k);
        write_str(v, &mut self.s);
    }
    /// A string member, left out when `None`.
    #[inline(always)]
    pub fn os(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.s(k, v);
        }
    }
    /// An integer member.
    pub fn n(&mut self, k: &str, v: i64) {
        self.key(k);
        int(&mut self.s, v);
    }
    /// A member whose value is already JSON.
    pub fn raw(&mut self, k: &str, json: &str) {
        self.key(k);
        self.s.push_str(json);
    }
    /// An object member written in place: its members follow, then
    /// [`Out::close`].
    pub fn open(&mut self, k: &str) {
        self.key(k);
        self.s.push('{');
    }
    /// Closes an [`Out::open`] object.
    // (A one-byte push: inlined, no function of its own.)
    #[inline(always)]
    pub fn close(&mut self) {
        self.s.push('}');
    }
    /// An array element: a string.
    pub fn push_s(&mut self, v: &str) {
        self.sep();
        write_str(v, &mut self.s);
    }
    /// The text.
    pub fn end(mut self) -> String {
        // `[` + 2 is `]`, `{` + 2 is `}`.
        let close = self.s.as_bytes().first().map_or(b'}', |c| c + 2);
        self.s.push(char::from(close));
        self.s
    }
}

/// Writes the integer `v` onto `s` (the session's answers write theirs
/// with it too).
pub fn int(s: &mut String, v: i64) {
    crate::encoding::decimal_onto(v, s);
}

/// A JSON string literal.
pub fn string(v: &str) -> String {
    let mut s = String::new();
    write_str(v, &mut s);
    s
}

/// A JSON array of strings.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut a = Out::arr();
    for i in items {
        a.push_s(i);
    }
    a.end()
}

/// A time in ms as a JSON integer (ms since the epoch are whole numbers).
pub fn ms(v: f64) -> i64 {
    v as i64
}
