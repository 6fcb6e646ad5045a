//! [`JsonObject`] backed by the JS engine's `JSON.parse`: the wasm build's
//! JSON backend (see `crate::json`).

use crate::json::{JsonObject, Kind, MAX_JSON_LEN};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// A plain JS object produced by `JSON.parse`. `Debug` shows nothing of
/// its contents, which may be tokens.
#[derive(Clone)]
pub struct JsObject(JsValue);

impl core::fmt::Debug for JsObject {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("JsObject")
    }
}

impl JsObject {
    /// The JS object itself.
    pub fn into_js(self) -> JsValue {
        self.0
    }
    fn get(&self, key: &str) -> JsValue {
        // Reading a data property of a JSON.parse result cannot throw.
        Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }
}

fn plain_object(v: JsValue) -> Option<JsObject> {
    (v.is_object() && !Array::is_array(&v)).then_some(JsObject(v))
}

impl JsonObject for JsObject {
    fn parse(text: &str) -> Option<Self> {
        if text.len() > MAX_JSON_LEN {
            return None;
        }
        plain_object(js_sys::JSON::parse(text).ok()?)
    }
    fn kind(&self, key: &str) -> Kind {
        // Own properties only: JSON.parse results have Object.prototype, whose
        // members ("constructor", "toString", ...) are not JSON members.
        let has_own =
            js_sys::Object::has_own::<JsValue>(self.0.unchecked_ref(), &JsValue::from_str(key));
        if !has_own {
            return Kind::Missing;
        }
        let v = self.get(key);
        if v.is_null() {
            Kind::Null
        } else if v.as_bool().is_some() {
            Kind::Bool
        } else if v.as_f64().is_some() {
            Kind::Number
        } else if v.is_string() {
            Kind::String
        } else if Array::is_array(&v) {
            Kind::Array
        } else {
            Kind::Object
        }
    }
    fn str(&self, key: &str) -> Option<String> {
        if self.kind(key) != Kind::String {
            return None;
        }
        self.get(key).as_string()
    }
    fn num(&self, key: &str) -> Option<f64> {
        if self.kind(key) != Kind::Number {
            return None;
        }
        self.get(key).as_f64()
    }
    fn object(&self, key: &str) -> Option<Self> {
        if self.kind(key) != Kind::Object {
            return None;
        }
        plain_object(self.get(key))
    }
    fn first_object_in(&self, key: &str) -> Option<Self> {
        if self.kind(key) != Kind::Array {
            return None;
        }
        let arr: Array = self.get(key).unchecked_into();
        plain_object(arr.get(0))
    }
}
