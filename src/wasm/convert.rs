//! JS value plumbing: reading option objects, building result objects, and
//! turning the core's errors into JS `Error`s with a `code`.

use crate::error::{Error, ErrorCode};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What most exports return.
pub type JsResult = Result<JsValue, JsValue>;

/// A new plain object.
pub fn obj() -> Object {
    Object::new()
}

/// `o[key] = value`. Setting a property on a fresh plain object cannot fail,
/// so the result is ignored.
pub fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &JsValue::from_str(key), &value.into());
}

/// The core error as a JS `Error`: `name` "ExpenseAuthError", `message`, a
/// stable `code`, and for server answers `status`, `error`,
/// `errorDescription`, `errorUri` (after workers-rs and oauth4webapi).
pub fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name("ExpenseAuthError");
    let o: &Object = err.unchecked_ref();
    set(o, "code", e.code().as_str());
    if let Some(s) = e.status() {
        set(o, "status", f64::from(s));
    }
    if let Some(v) = e.error() {
        set(o, "error", v);
    }
    if let Some(v) = e.error_description() {
        set(o, "errorDescription", v);
    }
    if let Some(v) = e.error_uri() {
        set(o, "errorUri", v);
    }
    err.into()
}

fn bad_arg(msg: String) -> JsValue {
    js_error(Error::new(ErrorCode::InvalidArgument, msg))
}

/// A required string argument.
pub fn string_arg(v: &JsValue, name: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| bad_arg([name, " must be a string"].concat()))
}

/// Checks that `options` is an object.
pub fn options_object(options: &JsValue) -> Result<(), JsValue> {
    if options.is_object() && !js_sys::Array::is_array(options) {
        Ok(())
    } else {
        Err(bad_arg("options must be an object".into()))
    }
}

/// `options[key]`, with `undefined` and `null` as `None`.
pub fn get(options: &JsValue, key: &str) -> Result<Option<JsValue>, JsValue> {
    if !options.is_object() {
        return Err(bad_arg("options must be an object".into()));
    }
    let v = Reflect::get(options, &JsValue::from_str(key))
        .map_err(|_| bad_arg(["options.", key, " could not be read"].concat()))?;
    Ok(if v.is_undefined() || v.is_null() {
        None
    } else {
        Some(v)
    })
}

/// An optional string option.
pub fn get_str(options: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    match get(options, key)? {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| bad_arg(["options.", key, " must be a string"].concat())),
    }
}

/// A list of strings given as an array, or as one space-separated string.
pub fn get_string_list(options: &JsValue, key: &str) -> Result<Vec<String>, JsValue> {
    match get(options, key)? {
        None => Ok(Vec::new()),
        Some(v) => {
            if let Some(s) = v.as_string() {
                return Ok(s
                    .split(' ')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect());
            }
            if !js_sys::Array::is_array(&v) {
                return Err(bad_arg(
                    ["options.", key, " must be an array of strings or a string"].concat(),
                ));
            }
            let arr: &js_sys::Array = v.unchecked_ref();
            arr.iter()
                .map(|x| {
                    x.as_string().ok_or_else(|| {
                        bad_arg(["options.", key, " must contain only strings"].concat())
                    })
                })
                .collect()
        }
    }
}

/// An object of string values, as ordered pairs.
pub fn get_string_pairs(options: &JsValue, key: &str) -> Result<Vec<(String, String)>, JsValue> {
    match get(options, key)? {
        None => Ok(Vec::new()),
        Some(v) => {
            if !v.is_object() || js_sys::Array::is_array(&v) {
                return Err(bad_arg(
                    ["options.", key, " must be an object of strings"].concat(),
                ));
            }
            let entries = Object::entries(v.unchecked_ref());
            entries
                .iter()
                .map(|pair| {
                    let pair: js_sys::Array = pair.unchecked_into();
                    match (pair.get(0).as_string(), pair.get(1).as_string()) {
                        (Some(k), Some(v)) => Ok((k, v)),
                        _ => Err(bad_arg(
                            ["options.", key, " values must be strings"].concat(),
                        )),
                    }
                })
                .collect()
        }
    }
}

/// Decodes a JWT's payload (no signature check) into a plain JS object,
/// parsed by the engine's `JSON.parse` (the wasm JSON backend).
pub fn jwt_payload(token: &str) -> Result<JsValue, JsValue> {
    crate::jwt::decode_unverified(token)
        .map(|c| c.into_object().into_js())
        .map_err(js_error)
}
