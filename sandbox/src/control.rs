//! Control endpoints under `/_sandbox` (never subject to faults, not counted in `requests`).

use crate::util::Params;
use crate::{method_not_allowed, Fault, FaultKind, PleoUnit, Request, Response, Sandbox};
use serde_json::{json, Map, Value};

const DEFAULT_SLOW_MS: u64 = 2000;
const MAX_DELAY_MS: u64 = 600_000;
const MAX_TIMES: u64 = 1_000_000;

fn bad(msg: &str) -> Response {
    Response::json(
        400,
        &json!({"error": "invalid_request", "error_description": msg}),
    )
}

/// JSON object body; an empty body counts as `{}`.
fn json_body(req: &Request) -> Result<Map<String, Value>, Response> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(bad("body must be a JSON object")),
        Err(_) => Err(bad("body is not valid JSON")),
    }
}

impl Sandbox {
    pub(crate) fn control(&mut self, req: &Request, path: &str, query: &str) -> Response {
        let m = req.method.as_str();
        match path {
            "/_sandbox/reset" => {
                if m != "POST" {
                    return method_not_allowed("POST");
                }
                self.reset();
                Response::json(200, &json!({"reset": true, "now": self.now()}))
            }
            "/_sandbox/clock" => match m {
                "GET" => Response::json(200, &json!({"now": self.now()})),
                "POST" => {
                    let body = match json_body(req) {
                        Ok(b) => b,
                        Err(r) => return r,
                    };
                    let Some(n) = body.get("advance_secs").and_then(Value::as_u64) else {
                        return bad("advance_secs must be a non-negative integer");
                    };
                    self.advance(n);
                    Response::json(200, &json!({"now": self.now()}))
                }
                _ => method_not_allowed("GET, POST"),
            },
            "/_sandbox/faults" => match m {
                "POST" => {
                    let body = match json_body(req) {
                        Ok(b) => b,
                        Err(r) => return r,
                    };
                    self.add_fault(&body)
                }
                "DELETE" => {
                    self.faults.clear();
                    Response::new(204)
                }
                "GET" => Response::json(
                    200,
                    &json!({"faults": self.faults.iter().map(|f| json!({
                        "path": f.path, "kind": f.kind.name(),
                        "times": f.remaining, "delay_ms": f.delay_ms
                    })).collect::<Vec<_>>()}),
                ),
                _ => method_not_allowed("GET, POST, DELETE"),
            },
            "/_sandbox/pleo/expires-unit" => {
                if m != "POST" {
                    return method_not_allowed("POST");
                }
                let body = match json_body(req) {
                    Ok(b) => b,
                    Err(r) => return r,
                };
                let unit = match body.get("unit").and_then(Value::as_str) {
                    Some("default") => PleoUnit::Default,
                    Some("seconds") => PleoUnit::Seconds,
                    Some("millis") => PleoUnit::Millis,
                    _ => return bad("unit must be default, seconds or millis"),
                };
                self.pleo_unit = unit;
                Response::json(200, &json!({"unit": body.get("unit")}))
            }
            "/_sandbox/stats" => {
                if m != "GET" {
                    return method_not_allowed("GET");
                }
                Response::json(
                    200,
                    &json!({"token_requests": self.token_requests, "requests": self.requests,
                            "faults_served": self.faults_served}),
                )
            }
            "/_sandbox/refresh-token-state" => {
                if m != "GET" {
                    return method_not_allowed("GET");
                }
                let params = match Params::parse(query) {
                    Ok(p) => p,
                    Err(e) => return bad(&e),
                };
                let Some(t) = params.get("token") else {
                    return bad("token query parameter is required");
                };
                Response::json(200, &json!({"state": self.refresh_state(t)}))
            }
            "/_sandbox/prospend/tokens" | "/_sandbox/prospend/revoke" => {
                if m != "POST" {
                    return method_not_allowed("POST");
                }
                let body = match json_body(req) {
                    Ok(b) => b,
                    Err(r) => return r,
                };
                if path.ends_with("tokens") {
                    self.prospend_mint(&body)
                } else {
                    self.prospend_revoke(&body)
                }
            }
            _ => Response::json(
                404,
                &json!({"error": "not_found", "error_description": "unknown control endpoint"}),
            ),
        }
    }

    fn add_fault(&mut self, body: &Map<String, Value>) -> Response {
        let Some(path) = body.get("path").and_then(Value::as_str) else {
            return bad("path is required");
        };
        if !path.starts_with('/') || path.starts_with("/_sandbox") {
            return bad("path must start with / and must not target /_sandbox");
        }
        let Some(kind) = body
            .get("kind")
            .and_then(Value::as_str)
            .and_then(FaultKind::parse)
        else {
            return bad(
                "kind must be one of status_500, status_503, slow, html, not_json, drop, huge",
            );
        };
        let times = match body.get("times") {
            None | Some(Value::Null) => 1,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=MAX_TIMES).contains(&n) => n,
                _ => return bad("times must be an integer from 1 to 1000000"),
            },
        };
        let delay_ms = match body.get("delay_ms") {
            None | Some(Value::Null) => DEFAULT_SLOW_MS,
            Some(v) => match v.as_u64() {
                Some(n) if n <= MAX_DELAY_MS => n,
                _ => return bad("delay_ms must be an integer from 0 to 600000"),
            },
        };
        self.faults.push(Fault {
            path: path.to_string(),
            kind,
            remaining: times,
            delay_ms,
        });
        Response::json(
            201,
            &json!({"path": path, "kind": kind.name(), "times": times, "delay_ms": delay_ms}),
        )
    }
}
