//! Spendesk (real API `https://public-api.spendesk.com/v1`), under `/spendesk/v1` (the consent
//! page, Spendesk's frontend, at `/spendesk/consent`).
//!
//! Paths: spendesk-authentication.txt names them without a base (`/oauth2/authorize`,
//! `/oauth2/token/create`, `/oauth2/token/refresh`, `/auth/token`); Spendesk's public API lives
//! under `/v1`, and integrations that run against it call `…/v1/oauth2/authorize`,
//! `…/v1/oauth2/token/create` (Nango's `packages/providers/providers.yaml`) and `…/v1/auth/token`.
//! So every route is mounted under `/spendesk/v1`, and a client that forgets `/v1` gets a 404.
//!
//! Spendesk docs (spendesk-authentication.txt):
//! - API key flow: "you must provide your client id and secret in the format "id:secret" then
//!   base64 encode it ... plain text: my_id:my_secret ... encoded: bXlfaWQ6bXlfc2VjcmV0 ...
//!   make a call to authenticate at /auth/token using that encoded value in the Authorization
//!   header" (`Authorization: Basic bXlfaWQ6bXlfc2VjcmV0`). No form-url-encoding is involved,
//!   unlike RFC 6749 §2.3.1.
//! - "Access tokens are valid for 60 minutes, i.e. 3600 seconds, at which point any requests
//!   using them will return a 401 error".
//! - OAuth2: "Your system makes a final call to our /oauth2/token/create endpoint using the
//!   connection code and code_verifier"; "Use the refresh token to request new access tokens
//!   using the /oauth2/token/refresh endpoint".
//! - "Refresh tokens expire in about 30 days"; "When a new refresh token is issued it
//!   invalidates the previous one"; "If you are unable to get a new refresh token (with a 401
//!   or 403 error codes), remove the token from your database and "disconnect" the customer."
//! - "you can decode the access_token (it's a JWT) to get the ID of the wallet (company)".

use crate::oauth::{RedeemError, RefreshError};
use crate::util::{b64_std_decode, ct_eq, media_type, printable};
use crate::{
    basic_credentials, find_client, method_not_allowed, Grant, Provider, Request, Response,
    Sandbox, ACCESS_LIFETIME_SECS, SPENDESK_API_KEY_ID, SPENDESK_API_KEY_SECRET,
    SPENDESK_REFRESH_LIFETIME_SECS, SPENDESK_WALLETS,
};
use serde_json::{json, Map, Value};

/// Spendesk error body: `{"errors":[{"code","detail","source":{"pointer"}}]}`.
pub(crate) fn spendesk_error(
    status: u16,
    code: &str,
    detail: &str,
    pointer: Option<&str>,
) -> Response {
    let mut e = json!({"code": code, "detail": detail});
    if let (Some(p), Some(obj)) = (pointer, e.as_object_mut()) {
        obj.insert("source".into(), json!({"pointer": p}));
    }
    Response::json(status, &json!({"errors": [e]})).no_store()
}

/// The fields a Spendesk token request may carry, read from a form body (the
/// `body: "form"` switch): each as a JSON string, a repeated one refused.
fn read_form_object(req: &Request) -> Result<Map<String, Value>, Response> {
    let form = crate::oauth::read_form(req)
        .map_err(|e| spendesk_error(400, "invalid_content_type", &e, None))?;
    if let Some(k) = form.repeated() {
        return Err(spendesk_error(
            400,
            "invalid_parameter",
            &format!("parameter {} is repeated", printable(k)),
            None,
        ));
    }
    let mut m = Map::new();
    for k in [
        "client_id",
        "client_secret",
        "code",
        "code_verifier",
        "redirect_uri",
        "grant_type",
        "refresh_token",
    ] {
        if let Some(v) = form.get(k) {
            m.insert(k.into(), json!(v));
        }
    }
    Ok(m)
}

/// A Spendesk `errors[]` answer rewritten as RFC 6749 §5.2 `{"error","error_description"}`
/// (the `error_shape: "rfc6749"` switch); other answers unchanged.
fn as_rfc6749_error(r: Response) -> Response {
    if r.status < 400 {
        return r;
    }
    let Ok(v) = serde_json::from_slice::<Value>(&r.body) else {
        return r;
    };
    let Some(first) = v.get("errors").and_then(|e| e.get(0)) else {
        return r;
    };
    let mut out = crate::oauth_error(
        r.status,
        first.get("code").and_then(Value::as_str).unwrap_or("error"),
        first.get("detail").and_then(Value::as_str).unwrap_or(""),
    );
    for (k, v) in &r.headers {
        if k.eq_ignore_ascii_case("www-authenticate") {
            out = out.with_header(k, v);
        }
    }
    out
}

fn read_json_object(req: &Request) -> Result<Map<String, Value>, Response> {
    let ct = req
        .header("content-type")
        .map(media_type)
        .unwrap_or_default();
    if ct != "application/json" {
        return Err(spendesk_error(
            400,
            "invalid_content_type",
            "Content-Type must be application/json",
            None,
        ));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(spendesk_error(
            400,
            "invalid_body",
            "request body must be a JSON object",
            None,
        )),
        Err(_) => Err(spendesk_error(
            400,
            "invalid_json",
            "request body is not valid JSON",
            None,
        )),
    }
}

/// A string field; `Ok(None)` if absent/null, `Err` (400) if present with another type.
fn opt_str<'a>(m: &'a Map<String, Value>, k: &str) -> Result<Option<&'a str>, Response> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(spendesk_error(
            400,
            "invalid_parameter",
            &format!("{k} must be a string"),
            Some(&format!("/{k}")),
        )),
    }
}

fn req_str<'a>(m: &'a Map<String, Value>, k: &str) -> Result<&'a str, Response> {
    opt_str(m, k)?.ok_or_else(|| {
        spendesk_error(
            400,
            "missing_parameter",
            &format!("{k} is required"),
            Some(&format!("/{k}")),
        )
    })
}

/// Spendesk's Basic credentials: plain base64 of `id:secret`, split at the first ':', with
/// NO form-url-decoding (unlike RFC 6749 §2.3.1).
pub(crate) fn decode_basic_plain(b64: &str) -> Option<(String, String)> {
    let s = String::from_utf8(b64_std_decode(b64)?).ok()?;
    let (id, secret) = s.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

fn unauthorized(detail: &str) -> Response {
    spendesk_error(401, "unauthorized", detail, None)
}

impl Sandbox {
    /// `POST /spendesk/v1/auth/token` (API-key flow).
    pub(crate) fn spendesk_api_key_token(&mut self, req: &Request) -> Response {
        let r = self.spendesk_api_key_token_inner(req);
        self.spendesk_shape(r)
    }

    /// Errors in the shape the `error_shape` switch chose.
    fn spendesk_shape(&self, r: Response) -> Response {
        if self.behaviour.spendesk_rfc6749_errors {
            as_rfc6749_error(r)
        } else {
            r
        }
    }

    /// The request body under the `body` switch: JSON (default) or form.
    fn spendesk_body(&self, req: &Request) -> Result<Map<String, Value>, Response> {
        if self.behaviour.spendesk_form_bodies {
            read_form_object(req)
        } else {
            read_json_object(req)
        }
    }

    fn spendesk_api_key_token_inner(&mut self, req: &Request) -> Response {
        let method = self.behaviour.spendesk_api_key_method;
        if req.method != method {
            return method_not_allowed(method);
        }
        self.count_token_request("spendesk:auth/token".into());
        let Some(b64) = req.header("authorization").and_then(basic_credentials) else {
            return unauthorized("missing Authorization: Basic base64(id:secret) header");
        };
        let Some((id, secret)) = decode_basic_plain(b64) else {
            return unauthorized("malformed Basic credentials (expected base64 of id:secret)");
        };
        if id != SPENDESK_API_KEY_ID
            || !ct_eq(secret.as_bytes(), SPENDESK_API_KEY_SECRET.as_bytes())
        {
            return unauthorized("invalid API key id or secret");
        }
        let mut extra = Map::new();
        extra.insert(
            self.behaviour.spendesk_wallet_claim.clone(),
            json!(SPENDESK_WALLETS[0]),
        );
        extra.insert("auth_method".into(), json!("api_key"));
        let grant = Grant {
            provider: Provider::Spendesk,
            client_id: id.clone(),
            sub: id,
            scope: None,
            extra,
        };
        let access = self.mint_access(&grant, ACCESS_LIFETIME_SECS, None);
        Response::json(
            200,
            &json!({"access_token": access, "token_type": "Bearer",
                    "expires_in": ACCESS_LIFETIME_SECS}),
        )
        .no_store()
    }

    fn spendesk_token_pair(&mut self, grant: &Grant, family: u64) -> Response {
        let access = self.mint_access(grant, ACCESS_LIFETIME_SECS, Some(family));
        let rt = self.mint_refresh(grant, family, SPENDESK_REFRESH_LIFETIME_SECS);
        // 201 (or 200: the `success_status` switch) and no expires_in: the client must
        // decode the JWT's exp (60 minutes). `token_type` unless the switch leaves it out.
        let mut body = json!({"access_token": access, "refresh_token": rt, "token_type": "Bearer"});
        if let (false, Some(o)) = (self.behaviour.spendesk_token_type, body.as_object_mut()) {
            o.remove("token_type");
        }
        Response::json(self.behaviour.spendesk_success_status, &body).no_store()
    }

    /// `POST /spendesk/v1/oauth2/token/create` (JSON body).
    pub(crate) fn spendesk_token_create(&mut self, req: &Request) -> Response {
        if req.method != "POST" {
            return method_not_allowed("POST");
        }
        self.count_token_request("spendesk:token/create".into());
        let result = (|| {
            let m = self.spendesk_body(req)?;
            let client_id = req_str(&m, "client_id")?;
            let code = req_str(&m, "code")?;
            let verifier = req_str(&m, "code_verifier")?;
            let secret = opt_str(&m, "client_secret")?;
            let redirect_uri = opt_str(&m, "redirect_uri")?;
            if let Some(g) = opt_str(&m, "grant_type")? {
                if g != "authorization_code" {
                    return Err(spendesk_error(
                        400,
                        "invalid_parameter",
                        "grant_type must be authorization_code",
                        Some("/grant_type"),
                    ));
                }
            }
            let Some(client) = find_client(Provider::Spendesk, client_id) else {
                return Err(spendesk_error(
                    401,
                    "invalid_client",
                    "unknown client_id",
                    Some("/client_id"),
                ));
            };
            if let (Some(s), Some(expected)) = (secret, client.secret) {
                if !ct_eq(s.as_bytes(), expected.as_bytes()) {
                    return Err(spendesk_error(
                        401,
                        "invalid_client",
                        "client_secret does not match",
                        Some("/client_secret"),
                    ));
                }
            }
            let (grant, fam) = self
                .redeem_code(
                    Provider::Spendesk,
                    code,
                    Some(client.id),
                    redirect_uri,
                    false,
                    Some(verifier),
                )
                .map_err(|e| match e {
                    RedeemError::Request(d) => spendesk_error(400, "invalid_request", &d, None),
                    RedeemError::Grant(d) => {
                        let pointer = if d.contains("verifier") {
                            "/code_verifier"
                        } else if d.contains("redirect_uri") {
                            "/redirect_uri"
                        } else {
                            "/code"
                        };
                        spendesk_error(400, "invalid_grant", &d, Some(pointer))
                    }
                })?;
            Ok(self.spendesk_token_pair(&grant, fam))
        })();
        let r = result.unwrap_or_else(|e| e);
        self.spendesk_shape(r)
    }

    /// `POST /spendesk/v1/oauth2/token/refresh` (JSON body).
    pub(crate) fn spendesk_token_refresh(&mut self, req: &Request) -> Response {
        if req.method != "POST" {
            return method_not_allowed("POST");
        }
        self.count_token_request("spendesk:token/refresh".into());
        let result = (|| {
            let m = self.spendesk_body(req)?;
            let client_id = req_str(&m, "client_id")?;
            // `refresh_secret: "optional"`: a refresh without client_secret is taken (one
            // that is sent must still match).
            let secret = if self.behaviour.spendesk_refresh_secret_required {
                Some(req_str(&m, "client_secret")?)
            } else {
                opt_str(&m, "client_secret")?
            };
            let rt = req_str(&m, "refresh_token")?;
            let client_ok = find_client(Provider::Spendesk, client_id)
                .and_then(|c| c.secret)
                .is_some_and(|s| secret.is_none_or(|x| ct_eq(s.as_bytes(), x.as_bytes())));
            if !client_ok {
                return Err(spendesk_error(
                    403,
                    "forbidden",
                    "client_id/client_secret do not identify a Spendesk partner client",
                    None,
                ));
            }
            let (grant, fam) = self
                .use_refresh(Provider::Spendesk, client_id, rt, false)
                .map_err(|e| match e {
                    RefreshError::WrongClient => {
                        spendesk_error(403, "forbidden", e.describe(), Some("/refresh_token"))
                    }
                    _ => spendesk_error(401, "unauthorized", e.describe(), Some("/refresh_token")),
                })?;
            Ok(self.spendesk_token_pair(&grant, fam))
        })();
        let r = result.unwrap_or_else(|e| e);
        self.spendesk_shape(r)
    }

    /// `GET /spendesk/v1/wallet-summary`.
    pub(crate) fn spendesk_wallet_summary(&mut self, req: &Request) -> Response {
        if req.method != "GET" {
            return method_not_allowed("GET");
        }
        match self.check_bearer(req, Provider::Spendesk) {
            Ok(c) => {
                let wallet = c
                    .get(&self.behaviour.spendesk_wallet_claim)
                    .and_then(Value::as_str)
                    .unwrap_or(SPENDESK_WALLETS[0]);
                let name = match wallet {
                    "wallet-2" => "Sandbox Company Two",
                    _ => "Sandbox Company One",
                };
                Response::json(200, &json!({"wallet_id": wallet, "name": name}))
            }
            Err(e) => self.spendesk_shape(
                unauthorized(&e).with_header("WWW-Authenticate", "Bearer error=\"invalid_token\""),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode_basic_plain;
    use crate::oauth::decode_basic_rfc6749;

    #[test]
    fn spendesk_doc_example() {
        // spendesk-authentication.txt: "plain text: my_id:my_secret", "encoded: bXlfaWQ6bXlfc2VjcmV0"
        assert_eq!(
            decode_basic_plain("bXlfaWQ6bXlfc2VjcmV0"),
            Some(("my_id".into(), "my_secret".into()))
        );
    }

    #[test]
    fn plain_versus_form_encoded_basic() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        // RFC 6749 §2.3.1: secret `a+b:c` is sent as `a%2Bb%3Ac`.
        let wire = b64("id:a%2Bb%3Ac");
        assert_eq!(
            decode_basic_rfc6749(&format!("Basic {wire}")),
            Some(("id".into(), "a+b:c".into()))
        );
        // Spendesk takes the bytes literally.
        assert_eq!(
            decode_basic_plain(&wire),
            Some(("id".into(), "a%2Bb%3Ac".into()))
        );
        // Literal secret with '+' and ':' (Spendesk style): split at the FIRST ':'.
        let literal = b64("id:a+b:c");
        assert_eq!(
            decode_basic_plain(&literal),
            Some(("id".into(), "a+b:c".into()))
        );
        // ...which the RFC decoder reads as "a b:c" ('+' is a space in form encoding).
        assert_eq!(
            decode_basic_rfc6749(&format!("Basic {literal}")),
            Some(("id".into(), "a b:c".into()))
        );
        // Garbage.
        assert_eq!(decode_basic_plain("!!!"), None);
        assert_eq!(decode_basic_plain(&b64("nocolon")), None);
        assert_eq!(decode_basic_plain("//8="), None); // not UTF-8
        assert_eq!(
            decode_basic_rfc6749(&format!("Basic {}", b64("id:%zz"))),
            None
        );
        assert_eq!(decode_basic_rfc6749("Bearer x"), None);
    }
}
