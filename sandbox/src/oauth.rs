//! Token endpoints in RFC 6749 style: the generic server (`/oauth/token`) and Pleo
//! (`/pleo/oauth/token`), plus the code-redemption and refresh-rotation logic the other
//! providers reuse.

use crate::util::{
    b64_std_decode, ct_eq, is_pkce_string, media_type, percent_decode, pkce_s256, printable, Params,
};
use crate::{
    basic_credentials, bearer_error, find_client, method_not_allowed, oauth_error, Client, Grant,
    PleoUnit, Provider, Request, Response, RtState, Sandbox, ACCESS_LIFETIME_SECS,
    PLEO_REFRESH_LIFETIME_SECS, REFRESH_LIFETIME_SECS,
};
use serde_json::{json, Map, Value};

/// Default scope of the generic server when the client asks for none.
pub(crate) const OAUTH_DEFAULT_SCOPE: &str = "read";

pub(crate) enum RedeemError {
    /// → `invalid_request`
    Request(String),
    /// → `invalid_grant`
    Grant(String),
}

pub(crate) enum RefreshError {
    Unknown,
    WrongClient,
    Used,
    Revoked,
    Expired,
}

impl RefreshError {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            RefreshError::Unknown => "refresh token is unknown",
            RefreshError::WrongClient => "refresh token was issued to another client",
            RefreshError::Used => "refresh token has already been used (rotation)",
            RefreshError::Revoked => "refresh token has been revoked",
            RefreshError::Expired => "refresh token has expired",
        }
    }
}

/// Reads an `application/x-www-form-urlencoded` body.
pub(crate) fn read_form(req: &Request) -> Result<Params, String> {
    let ct = req.header("content-type").map(media_type);
    if ct.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err("Content-Type must be application/x-www-form-urlencoded".into());
    }
    let body = std::str::from_utf8(&req.body).map_err(|_| "body is not UTF-8".to_string())?;
    Params::parse(body)
}

/// RFC 6749 §2.3.1 Basic credentials: base64 of `urlencode(id) ":" urlencode(secret)`,
/// decoded with form-url-decoding. (Spendesk's API-key flow differs: see `spendesk.rs`.)
pub(crate) fn decode_basic_rfc6749(h: &str) -> Option<(String, String)> {
    let raw = b64_std_decode(basic_credentials(h)?)?;
    let s = String::from_utf8(raw).ok()?;
    let (id, secret) = s.split_once(':')?;
    Some((percent_decode(id, true)?, percent_decode(secret, true)?))
}

/// Space-separated scope words (also splits on '+', Pleo's refresh-answer separator).
fn scope_words(s: &str) -> Vec<&str> {
    s.split([' ', '+']).filter(|w| !w.is_empty()).collect()
}

impl Sandbox {
    /// Redeems an authorization code: single use, 10-minute lifetime, bound to the client,
    /// the redirect URI and the PKCE challenge. On success, creates the grant family.
    pub(crate) fn redeem_code(
        &mut self,
        p: Provider,
        code: &str,
        client_id: Option<&str>,
        redirect_uri: Option<&str>,
        require_redirect: bool,
        verifier: Option<&str>,
    ) -> Result<(Grant, u64), RedeemError> {
        let now = self.now();
        let Some(rec) = self.codes.get_mut(code).filter(|r| r.grant.provider == p) else {
            return Err(RedeemError::Grant("authorization code is unknown".into()));
        };
        if rec.used {
            // RFC 6749 §4.1.2: deny, and revoke what the code produced.
            let fam = rec.family;
            if let Some(f) = fam {
                self.revoke_family(f);
            }
            return Err(RedeemError::Grant(
                "authorization code has already been used; tokens issued from it are revoked"
                    .into(),
            ));
        }
        // Any redemption attempt consumes the code (no retries against a leaked code).
        rec.used = true;
        if now >= rec.expires_at {
            return Err(RedeemError::Grant("authorization code has expired".into()));
        }
        if let Some(c) = client_id {
            if rec.grant.client_id != c {
                return Err(RedeemError::Grant(
                    "authorization code was issued to another client".into(),
                ));
            }
        }
        // RFC 6749 §4.1.3: redirect_uri "REQUIRED, if the "redirect_uri" parameter was
        // included in the authorization request ... and their values MUST be identical."
        if let Some(expected) = &rec.redirect_uri {
            match redirect_uri {
                None if require_redirect => {
                    return Err(RedeemError::Request(
                        "redirect_uri is required (it was sent to the authorization endpoint)"
                            .into(),
                    ))
                }
                Some(r) if r != expected => {
                    return Err(RedeemError::Grant(
                        "redirect_uri does not match the authorization request".into(),
                    ))
                }
                _ => {}
            }
        }
        // RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge.
        match (&rec.challenge, verifier) {
            (Some(_), None) => {
                return Err(RedeemError::Grant(
                    "code_verifier is required (PKCE was used at authorization)".into(),
                ))
            }
            (Some(c), Some(v)) => {
                if !is_pkce_string(v) {
                    return Err(RedeemError::Grant(
                        "code_verifier must be 43-128 characters of [A-Za-z0-9-._~]".into(),
                    ));
                }
                if !ct_eq(pkce_s256(v).as_bytes(), c.as_bytes()) {
                    return Err(RedeemError::Grant(
                        "PKCE verification failed: code_verifier does not match code_challenge"
                            .into(),
                    ));
                }
            }
            (None, Some(_)) => {
                return Err(RedeemError::Grant(
                    "code_verifier sent but no code_challenge was used at authorization".into(),
                ))
            }
            (None, None) => {}
        }
        let grant = rec.grant.clone();
        let fam = self.new_family();
        if let Some(rec) = self.codes.get_mut(code) {
            rec.family = Some(fam);
        }
        Ok((grant, fam))
    }

    /// Consumes a refresh token (rotation). With `reuse_revokes_family`, presenting an
    /// already-used token revokes the whole grant family (Pleo).
    pub(crate) fn use_refresh(
        &mut self,
        p: Provider,
        client_id: &str,
        token: &str,
        reuse_revokes_family: bool,
    ) -> Result<(Grant, u64), RefreshError> {
        let now = self.now();
        let Some(rec) = self
            .refresh
            .get_mut(token)
            .filter(|r| r.grant.provider == p)
        else {
            return Err(RefreshError::Unknown);
        };
        if rec.grant.client_id != client_id {
            return Err(RefreshError::WrongClient);
        }
        match rec.state {
            RtState::Used => {
                let fam = rec.family;
                if reuse_revokes_family {
                    self.revoke_family(fam);
                }
                return Err(RefreshError::Used);
            }
            RtState::Revoked => return Err(RefreshError::Revoked),
            RtState::Valid if now >= rec.expires_at => return Err(RefreshError::Expired),
            RtState::Valid => {}
        }
        rec.state = RtState::Used;
        Ok((rec.grant.clone(), rec.family))
    }

    fn invalid_client(p: Provider, via_basic: bool, desc: &str) -> Response {
        if via_basic || p == Provider::Pleo {
            oauth_error(401, "invalid_client", desc)
                .with_header("WWW-Authenticate", "Basic realm=\"sandbox\"")
        } else {
            oauth_error(400, "invalid_client", desc)
        }
    }

    /// Client authentication for `/oauth/token` and `/pleo/oauth/token`.
    ///
    /// Pleo docs (pleo-quickstart.txt): "You must present your client_id and client_secret
    /// using Basic HTTP authentication." The generic server also accepts
    /// `client_secret_post` and, for the public client, no authentication.
    ///
    /// `pleo_post` (the Pleo `code_auth: "post"` switch, on the code exchange only): Pleo
    /// takes `client_id` and `client_secret` in the body and refuses Basic instead.
    fn authenticate_client(
        p: Provider,
        req: &Request,
        form: &Params,
        pleo_post: bool,
    ) -> Result<&'static Client, Response> {
        let basic = req
            .header("authorization")
            .filter(|h| basic_credentials(h).is_some());
        if pleo_post {
            if basic.is_some() {
                return Err(Self::invalid_client(
                    p,
                    true,
                    "this server takes client_id and client_secret in the body on the code exchange, not Basic",
                ));
            }
            let (Some(id), Some(secret)) = (form.get("client_id"), form.get("client_secret"))
            else {
                return Err(Self::invalid_client(
                    p,
                    false,
                    "client_id and client_secret are required in the body",
                ));
            };
            return match find_client(p, id) {
                Some(c)
                    if c.secret
                        .is_some_and(|s| ct_eq(s.as_bytes(), secret.as_bytes())) =>
                {
                    Ok(c)
                }
                _ => Err(Self::invalid_client(
                    p,
                    false,
                    "client authentication failed",
                )),
            };
        }
        if let Some(h) = basic {
            let Some((id, secret)) = decode_basic_rfc6749(h) else {
                return Err(Self::invalid_client(
                    p,
                    true,
                    "malformed Basic credentials (expected base64(urlencode(id):urlencode(secret)))",
                ));
            };
            if form.get("client_secret").is_some() {
                return Err(oauth_error(
                    400,
                    "invalid_request",
                    "more than one client authentication method (Basic and client_secret)",
                ));
            }
            if form.get("client_id").is_some_and(|c| c != id) {
                return Err(oauth_error(
                    400,
                    "invalid_request",
                    "client_id in the body differs from the Basic credentials",
                ));
            }
            let Some(client) = find_client(p, &id) else {
                return Err(Self::invalid_client(p, true, "unknown client"));
            };
            let ok = match client.secret {
                Some(s) => ct_eq(secret.as_bytes(), s.as_bytes()),
                None => secret.is_empty(),
            };
            if !ok {
                return Err(Self::invalid_client(
                    p,
                    true,
                    "client authentication failed",
                ));
            }
            return Ok(client);
        }
        if p == Provider::Pleo {
            return Err(Self::invalid_client(
                p,
                false,
                "client authentication with HTTP Basic is required",
            ));
        }
        let Some(id) = form.get("client_id") else {
            return Err(Self::invalid_client(
                p,
                false,
                "client authentication required (Basic, client_secret_post, or client_id for a public client)",
            ));
        };
        let Some(client) = find_client(p, id) else {
            return Err(Self::invalid_client(p, false, "unknown client"));
        };
        match (client.secret, form.get("client_secret")) {
            (Some(s), Some(x)) if ct_eq(s.as_bytes(), x.as_bytes()) => Ok(client),
            (Some(_), Some(_)) => Err(Self::invalid_client(
                p,
                false,
                "client authentication failed",
            )),
            (Some(_), None) => Err(Self::invalid_client(
                p,
                false,
                "confidential client must authenticate (client_secret_basic or client_secret_post)",
            )),
            (None, Some(_)) => Err(Self::invalid_client(
                p,
                false,
                "public client has no secret",
            )),
            (None, None) => Ok(client),
        }
    }

    fn pleo_expires_in(&self, refresh: bool) -> u64 {
        let secs = self.behaviour.pleo_access_lifetime_secs;
        match (self.pleo_unit, refresh) {
            (PleoUnit::Default, false) | (PleoUnit::Seconds, _) => secs,
            (PleoUnit::Default, true) | (PleoUnit::Millis, _) => secs.saturating_mul(1000),
        }
    }

    /// Issues access + refresh tokens in `family` and builds the RFC 6749 §5.1 answer.
    fn oauth_token_answer(&mut self, grant: &Grant, family: u64, refresh: bool) -> Response {
        let (access_life, refresh_life) = match grant.provider {
            Provider::Pleo => (
                self.behaviour.pleo_access_lifetime_secs,
                PLEO_REFRESH_LIFETIME_SECS,
            ),
            _ => (ACCESS_LIFETIME_SECS, REFRESH_LIFETIME_SECS),
        };
        let access = self.mint_access(grant, access_life, Some(family));
        let rt = self.mint_refresh(grant, family, refresh_life);
        let mut body = Map::new();
        body.insert("access_token".into(), json!(access));
        body.insert("token_type".into(), json!("Bearer"));
        if grant.provider == Provider::Pleo {
            // Pleo docs (pleo-quickstart.txt): exchange answer `"expires_in":
            // ACCESS_TOKEN_LIFETIME, // 10 mins.`; refresh answer `"expires_in":
            // ACCESS_TOKEN_MILLI_LIFETIME, // 10 mins.` and `"scope": "scope1+scope2..."`.
            body.insert("expires_in".into(), json!(self.pleo_expires_in(refresh)));
        } else {
            body.insert("expires_in".into(), json!(access_life));
        }
        body.insert("refresh_token".into(), json!(rt));
        if let Some(s) = &grant.scope {
            let s = if grant.provider == Provider::Pleo && refresh {
                scope_words(s).join("+")
            } else {
                scope_words(s).join(" ")
            };
            body.insert("scope".into(), json!(s));
        }
        Response::json(200, &Value::Object(body)).no_store()
    }

    /// `POST /oauth/token` and `POST /pleo/oauth/token`.
    pub(crate) fn oauth_token(&mut self, p: Provider, req: &Request) -> Response {
        if req.method != "POST" {
            return method_not_allowed("POST");
        }
        let form = match read_form(req) {
            Ok(f) => f,
            Err(e) => {
                self.count_token_request(format!("{}:invalid", p.name()));
                return oauth_error(400, "invalid_request", &e);
            }
        };
        let grant_type = form.get("grant_type");
        let key = match grant_type {
            Some(g @ ("authorization_code" | "refresh_token" | "client_credentials")) => g,
            Some(_) => "unsupported",
            None => "invalid",
        };
        self.count_token_request(format!("{}:{}", p.name(), key));
        if let Some(k) = form.repeated() {
            return oauth_error(
                400,
                "invalid_request",
                &format!("parameter {} is repeated", printable(k)),
            );
        }
        let pleo_post = p == Provider::Pleo
            && self.behaviour.pleo_code_auth_post
            && grant_type == Some("authorization_code");
        let client = match Self::authenticate_client(p, req, &form, pleo_post) {
            Ok(c) => c,
            Err(r) => return r,
        };
        match grant_type {
            None => oauth_error(400, "invalid_request", "grant_type is missing"),
            Some("authorization_code") => {
                let Some(code) = form.get("code") else {
                    return oauth_error(400, "invalid_request", "code is missing");
                };
                if p == Provider::Pleo {
                    // Pleo docs: the exchange carries redirect_uri, code and code_verifier.
                    for f in ["redirect_uri", "code_verifier"] {
                        if form.get(f).is_none() {
                            return oauth_error(400, "invalid_request", &format!("{f} is missing"));
                        }
                    }
                }
                match self.redeem_code(
                    p,
                    code,
                    Some(client.id),
                    form.get("redirect_uri"),
                    true,
                    form.get("code_verifier"),
                ) {
                    Ok((grant, fam)) => self.oauth_token_answer(&grant, fam, false),
                    Err(RedeemError::Request(d)) => oauth_error(400, "invalid_request", &d),
                    Err(RedeemError::Grant(d)) => oauth_error(400, "invalid_grant", &d),
                }
            }
            Some("refresh_token") => {
                let Some(rt) = form.get("refresh_token") else {
                    return oauth_error(400, "invalid_request", "refresh_token is missing");
                };
                // Pleo: reuse revokes the whole authorisation unless the `reuse:
                // "reject_token"` switch says it only refuses the spent token.
                let reuse_revokes = p == Provider::Pleo && self.behaviour.pleo_reuse_revokes;
                let (mut grant, fam) = match self.use_refresh(p, client.id, rt, reuse_revokes) {
                    Ok(g) => g,
                    Err(RefreshError::Used) if reuse_revokes => return oauth_error(
                        400,
                        "invalid_grant",
                        "refresh token reuse detected: the whole authorisation has been revoked",
                    ),
                    Err(e) => return oauth_error(400, "invalid_grant", e.describe()),
                };
                if let Some(req_scope) = form.get("scope") {
                    let granted = grant.scope.clone().unwrap_or_default();
                    let granted = scope_words(&granted);
                    let asked = scope_words(req_scope);
                    if asked.iter().any(|w| !granted.contains(w)) {
                        // The token was consumed by use_refresh; give it back (a scope error
                        // is not a reason to burn the user's grant).
                        if let Some(r) = self.refresh.get_mut(rt) {
                            r.state = RtState::Valid;
                        }
                        return oauth_error(
                            400,
                            "invalid_scope",
                            "requested scope exceeds the scope originally granted",
                        );
                    }
                    grant.scope = Some(asked.join(" "));
                }
                self.oauth_token_answer(&grant, fam, true)
            }
            Some("client_credentials") if p == Provider::OAuth => {
                if client.secret.is_none() {
                    return oauth_error(
                        400,
                        "unauthorized_client",
                        "public clients cannot use client_credentials",
                    );
                }
                let scope = form.get("scope").unwrap_or(OAUTH_DEFAULT_SCOPE);
                let mut extra = Map::new();
                extra.insert("client_id".into(), json!(client.id));
                let grant = Grant {
                    provider: p,
                    client_id: client.id.into(),
                    sub: client.id.into(),
                    scope: Some(scope_words(scope).join(" ")),
                    extra,
                };
                let access = self.mint_access(&grant, ACCESS_LIFETIME_SECS, None);
                // RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included."
                Response::json(
                    200,
                    &json!({"access_token": access, "token_type": "Bearer",
                            "expires_in": ACCESS_LIFETIME_SECS, "scope": grant.scope}),
                )
                .no_store()
            }
            Some(_) => oauth_error(
                400,
                "unsupported_grant_type",
                "grant_type is not supported by this server",
            ),
        }
    }

    /// `GET /oauth/api/me`.
    pub(crate) fn oauth_me(&mut self, req: &Request) -> Response {
        if req.method != "GET" {
            return method_not_allowed("GET");
        }
        match self.check_bearer(req, Provider::OAuth) {
            Ok(c) => Response::json(
                200,
                &json!({"sub": c.get("sub"), "client_id": c.get("aud"), "scope": c.get("scope")}),
            ),
            Err(e) => bearer_error(&e),
        }
    }

    /// `GET /pleo/v1/expenses`.
    pub(crate) fn pleo_expenses(&mut self, req: &Request) -> Response {
        if req.method != "GET" {
            return method_not_allowed("GET");
        }
        match self.check_bearer(req, Provider::Pleo) {
            Ok(c) => Response::json(
                200,
                &json!([
                    {"id": "pleo-exp-1", "company_id": c.get("company_id"), "amount": 1250,
                     "currency": "DKK", "merchant": "Sandbox Coffee"},
                    {"id": "pleo-exp-2", "company_id": c.get("company_id"), "amount": 9900,
                     "currency": "DKK", "merchant": "Sandbox Rail"}
                ]),
            ),
            Err(e) => bearer_error(&e),
        }
    }
}
