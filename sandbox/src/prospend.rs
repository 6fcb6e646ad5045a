//! ProSpend (tokens issued at `https://<site>.prospend.com`, API e.g.
//! `https://api.apac.prospend.io`), under `/prospend`.
//!
//! ProSpend docs (prospend-authentication.txt): "clients will be able to issue and revoke
//! their own tokens directly from the ProSpend platform by Admin users"; "Use the Bearer
//! scheme in the Authorization header to present the JWT"; "Tokens are valid for 2 years by
//! default"; "You can also revoke tokens and generate new ones at any point." There is no token
//! endpoint, so the sandbox mints tokens through `POST /_sandbox/prospend/tokens`.

use crate::{
    bearer_error, jwt, method_not_allowed, Grant, Provider, Request, Response, Sandbox,
    PROSPEND_DEFAULT_LIFETIME_SECS,
};
use serde_json::{json, Map, Value};

fn valid_site(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn control_error(msg: &str) -> Response {
    Response::json(
        400,
        &json!({"error": "invalid_request", "error_description": msg}),
    )
}

impl Sandbox {
    /// `POST /_sandbox/prospend/tokens` JSON `{"site"?, "lifetime_secs"?}` → 201 `{"token"}`.
    pub(crate) fn prospend_mint(&mut self, body: &Map<String, Value>) -> Response {
        let site = match body.get("site") {
            None | Some(Value::Null) => "sandbox",
            Some(Value::String(s)) if valid_site(s) => s.as_str(),
            Some(_) => return control_error("site must match [a-z0-9-]{1,63}"),
        };
        let lifetime = match body.get("lifetime_secs") {
            None | Some(Value::Null) => PROSPEND_DEFAULT_LIFETIME_SECS,
            Some(v) => match v.as_u64() {
                Some(n) if n > 0 => n,
                _ => return control_error("lifetime_secs must be a positive integer"),
            },
        };
        let mut extra = Map::new();
        extra.insert("site".into(), json!(site));
        let grant = Grant {
            provider: Provider::ProSpend,
            client_id: format!("{site}.prospend.com"),
            sub: format!("api-token@{site}"),
            scope: None,
            extra,
        };
        let token = self.mint_access(&grant, lifetime, None);
        Response::json(201, &json!({"token": token})).no_store()
    }

    /// `POST /_sandbox/prospend/revoke` JSON `{"token"}` → 204 (also for unknown tokens,
    /// like RFC 7009).
    pub(crate) fn prospend_revoke(&mut self, body: &Map<String, Value>) -> Response {
        let Some(token) = body.get("token").and_then(Value::as_str) else {
            return control_error("token is required");
        };
        if let Some(jti) = jwt::verify(token)
            .and_then(|c| c.get("jti").and_then(Value::as_str).map(str::to_string))
        {
            if let Some(rec) = self.access.get_mut(&jti) {
                if rec.provider == Provider::ProSpend {
                    rec.revoked = true;
                }
            }
        }
        Response::new(204)
    }

    /// `GET /prospend/api/v1/expenses`.
    pub(crate) fn prospend_expenses(&mut self, req: &Request) -> Response {
        if req.method != "GET" {
            return method_not_allowed("GET");
        }
        match self.check_bearer(req, Provider::ProSpend) {
            Ok(c) => Response::json(
                200,
                &json!({"site": c.get("site"), "page": 1, "data": [
                    {"id": "ps-exp-1", "amount": 42.5, "currency": "AUD", "merchant": "Sandbox Cabs"}
                ]}),
            ),
            Err(e) => bearer_error(&e),
        }
    }
}
