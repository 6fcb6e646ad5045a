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
            "/_sandbox/behaviour" => self.behaviour_endpoint(req),
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

// ---------------------------------------------------------------------------------------------
// Behaviour switches: where the providers' docs are silent
// ---------------------------------------------------------------------------------------------

/// Claims the sandbox mints itself; a wallet claim may not take one of these names.
const RESERVED_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "iat",
    "exp",
    "nbf",
    "jti",
    "scope",
    "client_id",
    "auth_method",
];

/// Which way the sandbox behaves where the providers' docs say nothing
/// (issue 10 item 3; `docs/providers.md` lists each guess). The defaults are the
/// library's guesses; `POST /_sandbox/behaviour` switches one provider's knobs,
/// `/_sandbox/reset` puts them back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Behaviour {
    /// The JWT claim carrying the Spendesk wallet ID (`wallet_id`).
    pub(crate) spendesk_wallet_claim: String,
    /// The status of a Spendesk `token/create` / `token/refresh` success (201).
    pub(crate) spendesk_success_status: u16,
    /// Spendesk errors as RFC 6749 `{"error","error_description"}` instead of `errors[]`.
    pub(crate) spendesk_rfc6749_errors: bool,
    /// Spendesk `token/create` / `token/refresh` take form bodies instead of JSON.
    pub(crate) spendesk_form_bodies: bool,
    /// Spendesk's refresh needs `client_secret` (true).
    pub(crate) spendesk_refresh_secret_required: bool,
    /// The method Spendesk's `/auth/token` answers (`POST`).
    pub(crate) spendesk_api_key_method: &'static str,
    /// Spendesk's OAuth2 answers carry `"token_type": "Bearer"` (true).
    pub(crate) spendesk_token_type: bool,
    /// Pleo's code exchange takes `client_id`/`client_secret` in the body and refuses Basic.
    pub(crate) pleo_code_auth_post: bool,
    /// Reusing a Pleo refresh token revokes the whole authorisation (true).
    pub(crate) pleo_reuse_revokes: bool,
    /// Pleo access-token lifetime (600 s, "10 mins.").
    pub(crate) pleo_access_lifetime_secs: u64,
    /// Where Pleo's API (`/v1/expenses`) is mounted (`/pleo`).
    pub(crate) pleo_api_prefix: String,
    /// Findity errors as `{"message": …}` instead of RFC 6749's.
    pub(crate) findity_message_errors: bool,
    /// Findity serves every grant at both `…/token/` and `…/token`.
    pub(crate) findity_either_path: bool,
    /// Where ProSpend's API (`/api/v1/expenses`) is mounted (`/prospend`).
    pub(crate) prospend_api_prefix: String,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            spendesk_wallet_claim: "wallet_id".into(),
            spendesk_success_status: 201,
            spendesk_rfc6749_errors: false,
            spendesk_form_bodies: false,
            spendesk_refresh_secret_required: true,
            spendesk_api_key_method: "POST",
            spendesk_token_type: true,
            pleo_code_auth_post: false,
            pleo_reuse_revokes: true,
            pleo_access_lifetime_secs: crate::PLEO_ACCESS_LIFETIME_SECS,
            pleo_api_prefix: "/pleo".into(),
            findity_message_errors: false,
            findity_either_path: false,
            prospend_api_prefix: "/prospend".into(),
        }
    }
}

/// What an API path maps to once the API prefixes are applied.
pub(crate) enum ApiRoute {
    PleoExpenses,
    ProSpendExpenses,
    /// A default API path while the API is mounted elsewhere.
    Moved,
}

impl Behaviour {
    /// The API route `path` names under the configured prefixes, if it is one
    /// whose prefix was switched (default prefixes go through the normal routes).
    pub(crate) fn api_route(&self, path: &str) -> Option<ApiRoute> {
        let moved = |prefix: &str, default: &str, rest: &str, to: ApiRoute| {
            if prefix == default {
                return None;
            }
            if path.strip_prefix(prefix) == Some(rest) {
                Some(to)
            } else if path.strip_prefix(default) == Some(rest) {
                Some(ApiRoute::Moved)
            } else {
                None
            }
        };
        moved(
            &self.pleo_api_prefix,
            "/pleo",
            "/v1/expenses",
            ApiRoute::PleoExpenses,
        )
        .or_else(|| {
            moved(
                &self.prospend_api_prefix,
                "/prospend",
                "/api/v1/expenses",
                ApiRoute::ProSpendExpenses,
            )
        })
    }

    fn json(&self, provider: &str, pleo_unit: PleoUnit) -> Value {
        match provider {
            "spendesk" => json!({
                "wallet_claim": self.spendesk_wallet_claim,
                "success_status": self.spendesk_success_status,
                "error_shape": if self.spendesk_rfc6749_errors { "rfc6749" } else { "errors" },
                "body": if self.spendesk_form_bodies { "form" } else { "json" },
                "refresh_secret": if self.spendesk_refresh_secret_required { "required" } else { "optional" },
                "api_key_method": self.spendesk_api_key_method,
                "token_type": if self.spendesk_token_type { "bearer" } else { "absent" },
            }),
            "pleo" => json!({
                "code_auth": if self.pleo_code_auth_post { "post" } else { "basic" },
                "reuse": if self.pleo_reuse_revokes { "revoke_authorisation" } else { "reject_token" },
                "expires_unit": match pleo_unit {
                    PleoUnit::Default => "default",
                    PleoUnit::Seconds => "seconds",
                    PleoUnit::Millis => "millis",
                },
                "access_lifetime_secs": self.pleo_access_lifetime_secs,
                "api_prefix": self.pleo_api_prefix,
            }),
            "findity" => json!({
                "error_shape": if self.findity_message_errors { "message" } else { "rfc6749" },
                "paths": if self.findity_either_path { "either" } else { "documented" },
            }),
            _ => json!({ "api_prefix": self.prospend_api_prefix }),
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]{0,63}`, not a claim the sandbox mints itself.
fn valid_claim_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !s.as_bytes()[0].is_ascii_digit()
        && !RESERVED_CLAIMS.contains(&s)
}

/// An API prefix: `default` itself or `default` followed by `/[a-z0-9-]+` segments.
fn valid_prefix(s: &str, default: &str) -> bool {
    let Some(rest) = s.strip_prefix(default) else {
        return false;
    };
    rest.is_empty()
        || (rest.len() <= 64
            && rest.starts_with('/')
            && rest.split('/').skip(1).all(|seg| {
                !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            && !rest.starts_with("/v1")
            && !rest.starts_with("/api")
            && !rest.starts_with("/oauth")
            && !rest.starts_with("/consent"))
}

impl Sandbox {
    /// `GET /_sandbox/behaviour` → every provider's switches;
    /// `POST /_sandbox/behaviour {"provider", <switch>: <value>, …}` → sets them (all or none).
    pub(crate) fn behaviour_endpoint(&mut self, req: &Request) -> Response {
        match req.method.as_str() {
            "GET" => Response::json(
                200,
                &json!({
                    "spendesk": self.behaviour.json("spendesk", self.pleo_unit),
                    "pleo": self.behaviour.json("pleo", self.pleo_unit),
                    "findity": self.behaviour.json("findity", self.pleo_unit),
                    "prospend": self.behaviour.json("prospend", self.pleo_unit),
                }),
            ),
            "POST" => {
                let body = match json_body(req) {
                    Ok(b) => b,
                    Err(r) => return r,
                };
                let provider = match body.get("provider").and_then(Value::as_str) {
                    Some(p @ ("spendesk" | "pleo" | "findity" | "prospend")) => p.to_owned(),
                    _ => return bad("provider must be spendesk, pleo, findity or prospend"),
                };
                // Work on a copy: a bad switch leaves every switch as it was.
                let mut b = self.behaviour.clone();
                let mut unit = self.pleo_unit;
                for (k, v) in &body {
                    if k == "provider" {
                        continue;
                    }
                    if let Err(msg) = set_switch(&mut b, &mut unit, &provider, k, v) {
                        return bad(&msg);
                    }
                }
                self.behaviour = b;
                self.pleo_unit = unit;
                Response::json(200, &self.behaviour.json(&provider, self.pleo_unit))
            }
            _ => method_not_allowed("GET, POST"),
        }
    }
}

fn set_switch(
    b: &mut Behaviour,
    unit: &mut PleoUnit,
    provider: &str,
    key: &str,
    v: &Value,
) -> Result<(), String> {
    let s = v.as_str();
    let wrong = |allowed: &str| Err(format!("{provider} {key} must be {allowed}"));
    match (provider, key) {
        ("spendesk", "wallet_claim") => match s {
            Some(c) if valid_claim_name(c) => b.spendesk_wallet_claim = c.to_owned(),
            _ => {
                return wrong(
                    "a claim name [A-Za-z_][A-Za-z0-9_]{0,63} the sandbox does not mint itself",
                )
            }
        },
        ("spendesk", "success_status") => match v.as_u64() {
            Some(n @ (200 | 201)) => b.spendesk_success_status = n as u16,
            _ => return wrong("200 or 201"),
        },
        ("spendesk", "error_shape") => match s {
            Some("errors") => b.spendesk_rfc6749_errors = false,
            Some("rfc6749") => b.spendesk_rfc6749_errors = true,
            _ => return wrong("\"errors\" or \"rfc6749\""),
        },
        ("spendesk", "body") => match s {
            Some("json") => b.spendesk_form_bodies = false,
            Some("form") => b.spendesk_form_bodies = true,
            _ => return wrong("\"json\" or \"form\""),
        },
        ("spendesk", "refresh_secret") => match s {
            Some("required") => b.spendesk_refresh_secret_required = true,
            Some("optional") => b.spendesk_refresh_secret_required = false,
            _ => return wrong("\"required\" or \"optional\""),
        },
        ("spendesk", "api_key_method") => match s {
            Some("POST") => b.spendesk_api_key_method = "POST",
            Some("GET") => b.spendesk_api_key_method = "GET",
            _ => return wrong("\"POST\" or \"GET\""),
        },
        ("spendesk", "token_type") => match s {
            Some("bearer") => b.spendesk_token_type = true,
            Some("absent") => b.spendesk_token_type = false,
            _ => return wrong("\"bearer\" or \"absent\""),
        },
        ("pleo", "code_auth") => match s {
            Some("basic") => b.pleo_code_auth_post = false,
            Some("post") => b.pleo_code_auth_post = true,
            _ => return wrong("\"basic\" or \"post\""),
        },
        ("pleo", "reuse") => match s {
            Some("revoke_authorisation") => b.pleo_reuse_revokes = true,
            Some("reject_token") => b.pleo_reuse_revokes = false,
            _ => return wrong("\"revoke_authorisation\" or \"reject_token\""),
        },
        ("pleo", "expires_unit") => match s {
            Some("default") => *unit = PleoUnit::Default,
            Some("seconds") => *unit = PleoUnit::Seconds,
            Some("millis") => *unit = PleoUnit::Millis,
            _ => return wrong("\"default\", \"seconds\" or \"millis\""),
        },
        ("pleo", "access_lifetime_secs") => match v.as_u64() {
            Some(n) if (1..=MAX_ACCESS_LIFETIME_SECS).contains(&n) => {
                b.pleo_access_lifetime_secs = n
            }
            _ => return wrong("an integer from 1 to 315360000"),
        },
        ("pleo", "api_prefix") => match s {
            Some(p) if valid_prefix(p, "/pleo") => b.pleo_api_prefix = p.to_owned(),
            _ => return wrong("\"/pleo\" or \"/pleo/<segment>\""),
        },
        ("findity", "error_shape") => match s {
            Some("rfc6749") => b.findity_message_errors = false,
            Some("message") => b.findity_message_errors = true,
            _ => return wrong("\"rfc6749\" or \"message\""),
        },
        ("findity", "paths") => match s {
            Some("documented") => b.findity_either_path = false,
            Some("either") => b.findity_either_path = true,
            _ => return wrong("\"documented\" or \"either\""),
        },
        ("prospend", "api_prefix") => match s {
            Some(p) if valid_prefix(p, "/prospend") => b.prospend_api_prefix = p.to_owned(),
            _ => return wrong("\"/prospend\" or \"/prospend/<segment>\""),
        },
        _ => {
            return Err(format!(
                "{provider} has no switch {}",
                crate::util::printable(key)
            ))
        }
    }
    Ok(())
}

/// Ten years, the longest access lifetime a switch may set.
const MAX_ACCESS_LIFETIME_SECS: u64 = 10 * 365 * 86_400;
