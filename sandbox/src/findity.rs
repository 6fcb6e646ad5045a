//! Findity (real hosts `expense.findity.com` / `stage-expense.findity.com`), under `/findity`.
//!
//! Findity docs (findity-authentication.txt):
//! - "The OAuth client credentials flow is used to exchange a pair of client credentials
//!   (client_id and client_secret) for an access token, using the grant_type
//!   client_credentials" (form body, `POST .../api/oauth/token/`); the answer carries
//!   `access_token`, `token_type`, `expires_in` (3600) and `refresh_token`.
//! - "include the refresh token and the client ID. Note that a refresh token can only be used
//!   once."
//! - User access token: `POST /api/oauth/authorization-grant` with the org Bearer token and
//!   `user_id=...` → `{"code": "38f99b5944cf4e298405ca4efe655cc1"}`, then
//!   `grant_type=authorization_code&code=...` at `/api/oauth/token` (the curl shows no client
//!   authentication).
//! - Paths, as the doc's curls show them: client credentials and refresh at
//!   `/api/oauth/token/` (trailing slash), the user-code exchange at `/api/oauth/token` (none).
//!   Each grant is served only at its documented path; the other answers 404, so a client that
//!   sends a grant to the wrong one fails a test.

use crate::oauth::{read_form, RedeemError};
use crate::util::{ct_eq, printable, random_hex};
use crate::{
    bearer_error, find_client, method_not_allowed, oauth_error, CodeRec, Grant, Provider, Request,
    Response, Sandbox, ACCESS_LIFETIME_SECS, CODE_LIFETIME_SECS, REFRESH_LIFETIME_SECS,
};
use serde_json::{json, Map, Value};

/// The organisation behind `findity-client`.
pub(crate) const FINDITY_ORG: &str = "sandbox-org-1";

impl Sandbox {
    fn findity_answer(&mut self, grant: &Grant, family: u64) -> Response {
        let access = self.mint_access(grant, ACCESS_LIFETIME_SECS, Some(family));
        let rt = self.mint_refresh(grant, family, REFRESH_LIFETIME_SECS);
        Response::json(
            200,
            &json!({"access_token": access, "token_type": "Bearer",
                    "expires_in": ACCESS_LIFETIME_SECS, "refresh_token": rt}),
        )
        .no_store()
    }

    /// Errors in the shape the `error_shape` switch chose: RFC 6749 (default) or
    /// `{"message": "<error>: <description>"}` (the doc shows no error answer).
    fn findity_shape(&self, r: Response) -> Response {
        if !self.behaviour.findity_message_errors || r.status < 400 {
            return r;
        }
        let Ok(v) = serde_json::from_slice::<Value>(&r.body) else {
            return r;
        };
        let Some(e) = v.get("error").and_then(Value::as_str) else {
            return r;
        };
        let d = v
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut out = Response::json(r.status, &json!({"message": format!("{e}: {d}")}));
        out.headers.extend(
            r.headers
                .into_iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type")),
        );
        out
    }

    /// `POST /findity/api/oauth/token/` (client credentials, refresh) and
    /// `POST /findity/api/oauth/token` (user-code exchange).
    pub(crate) fn findity_token(&mut self, req: &Request) -> Response {
        let r = self.findity_token_inner(req);
        self.findity_shape(r)
    }

    fn findity_token_inner(&mut self, req: &Request) -> Response {
        if req.method != "POST" {
            return method_not_allowed("POST");
        }
        let (path, _) = crate::util::split_target(&req.target);
        let slash = path.ends_with('/');
        let form = match read_form(req) {
            Ok(f) => f,
            Err(e) => {
                self.count_token_request("findity:invalid".into());
                return oauth_error(400, "invalid_request", &e);
            }
        };
        let grant_type = form.get("grant_type");
        let key = match grant_type {
            Some(g @ ("authorization_code" | "refresh_token" | "client_credentials")) => g,
            Some(_) => "unsupported",
            None => "invalid",
        };
        self.count_token_request(format!("findity:{key}"));
        if let Some(k) = form.repeated() {
            return oauth_error(
                400,
                "invalid_request",
                &format!("parameter {} is repeated", printable(k)),
            );
        }
        let documented_path = match grant_type {
            Some("client_credentials" | "refresh_token") => Some("/api/oauth/token/"),
            Some("authorization_code") => Some("/api/oauth/token"),
            _ => None,
        };
        if let Some(want) = documented_path.filter(|_| !self.behaviour.findity_either_path) {
            if want.ends_with('/') != slash {
                return Response::json(
                    404,
                    &json!({"error": "not_found",
                            "error_description": format!(
                                "grant_type={} is served at /findity{want} (findity-authentication.txt)",
                                grant_type.unwrap_or_default())}),
                );
            }
        }
        match grant_type {
            None => oauth_error(400, "invalid_request", "grant_type is missing"),
            Some("client_credentials") => {
                let (Some(id), Some(secret)) = (form.get("client_id"), form.get("client_secret"))
                else {
                    return oauth_error(
                        400,
                        "invalid_request",
                        "client_id and client_secret are required",
                    );
                };
                let ok = find_client(Provider::Findity, id)
                    .and_then(|c| c.secret)
                    .is_some_and(|s| ct_eq(s.as_bytes(), secret.as_bytes()));
                if !ok {
                    return oauth_error(400, "invalid_client", "client authentication failed");
                }
                let mut extra = Map::new();
                extra.insert("organization".into(), json!(FINDITY_ORG));
                extra.insert("token_use".into(), json!("organization"));
                let grant = Grant {
                    provider: Provider::Findity,
                    client_id: id.into(),
                    sub: FINDITY_ORG.into(),
                    scope: None,
                    extra,
                };
                let fam = self.new_family();
                self.findity_answer(&grant, fam)
            }
            Some("refresh_token") => {
                let (Some(id), Some(rt)) = (form.get("client_id"), form.get("refresh_token"))
                else {
                    return oauth_error(
                        400,
                        "invalid_request",
                        "client_id and refresh_token are required",
                    );
                };
                let Some(client) = find_client(Provider::Findity, id) else {
                    return oauth_error(400, "invalid_client", "unknown client");
                };
                if let (Some(s), Some(expected)) = (form.get("client_secret"), client.secret) {
                    if !ct_eq(s.as_bytes(), expected.as_bytes()) {
                        return oauth_error(400, "invalid_client", "client authentication failed");
                    }
                }
                match self.use_refresh(Provider::Findity, id, rt, false) {
                    Ok((grant, fam)) => self.findity_answer(&grant, fam),
                    Err(e) => oauth_error(400, "invalid_grant", e.describe()),
                }
            }
            Some("authorization_code") => {
                let Some(code) = form.get("code") else {
                    return oauth_error(400, "invalid_request", "code is missing");
                };
                match self.redeem_code(Provider::Findity, code, None, None, false, None) {
                    Ok((grant, fam)) => self.findity_answer(&grant, fam),
                    Err(RedeemError::Request(d)) => oauth_error(400, "invalid_request", &d),
                    Err(RedeemError::Grant(d)) => oauth_error(400, "invalid_grant", &d),
                }
            }
            Some(_) => oauth_error(
                400,
                "unsupported_grant_type",
                "grant_type must be client_credentials, refresh_token or authorization_code",
            ),
        }
    }

    /// `POST /findity/api/oauth/authorization-grant` (Bearer org token, form `user_id`).
    pub(crate) fn findity_authorization_grant(&mut self, req: &Request) -> Response {
        let r = self.findity_authorization_grant_inner(req);
        self.findity_shape(r)
    }

    fn findity_authorization_grant_inner(&mut self, req: &Request) -> Response {
        if req.method != "POST" {
            return method_not_allowed("POST");
        }
        self.count_token_request("findity:authorization-grant".into());
        let claims = match self.check_bearer(req, Provider::Findity) {
            Ok(c) => c,
            Err(e) => return bearer_error(&e),
        };
        if claims.get("token_use").and_then(Value::as_str) != Some("organization") {
            return Response::json(
                403,
                &json!({"error": "insufficient_scope",
                        "error_description": "an organization token (client_credentials) is required"}),
            )
            .with_header(
                "WWW-Authenticate",
                "Bearer error=\"insufficient_scope\"",
            );
        }
        let form = match read_form(req) {
            Ok(f) => f,
            Err(e) => return oauth_error(400, "invalid_request", &e),
        };
        let Some(user_id) = form.get("user_id") else {
            return oauth_error(400, "invalid_request", "user_id is missing");
        };
        if user_id.len() > 256 || user_id.chars().any(char::is_control) {
            return oauth_error(400, "invalid_request", "user_id is malformed");
        }
        let client_id = claims
            .get("aud")
            .and_then(Value::as_str)
            .unwrap_or("findity-client")
            .to_string();
        let mut extra = Map::new();
        extra.insert("user_id".into(), json!(user_id));
        extra.insert("organization".into(), json!(FINDITY_ORG));
        extra.insert("token_use".into(), json!("user"));
        let now = self.now();
        self.codes.retain(|_, v| v.expires_at > now);
        let code = random_hex(16);
        self.codes.insert(
            code.clone(),
            CodeRec {
                grant: Grant {
                    provider: Provider::Findity,
                    client_id,
                    sub: user_id.into(),
                    scope: None,
                    extra,
                },
                redirect_uri: None,
                challenge: None,
                expires_at: now.saturating_add(CODE_LIFETIME_SECS),
                used: false,
                family: None,
            },
        );
        Response::json(200, &json!({"code": code})).no_store()
    }

    /// `GET /findity/api/v1/me`.
    pub(crate) fn findity_me(&mut self, req: &Request) -> Response {
        if req.method != "GET" {
            return method_not_allowed("GET");
        }
        match self.check_bearer(req, Provider::Findity) {
            Ok(c) => {
                if let Some(u) = c.get("user_id") {
                    Response::json(
                        200,
                        &json!({"user_id": u, "organization": c.get("organization")}),
                    )
                } else {
                    Response::json(200, &json!({"organization": c.get("organization")}))
                }
            }
            Err(e) => bearer_error(&e),
        }
    }
}
