//! Authorization endpoint and the "login and approve" consent step, shared by the generic
//! OAuth server, Spendesk and Pleo.
//!
//! Spendesk docs (spendesk-authentication.txt): "Your system first makes a call to our
//! /oauth2/authorize endpoint using your client id ... We respond with HTTP code 302 Redirect
//! with a URL to the Spendesk frontend which your system should redirect to ... On Spendesk,
//! the customer can login and approve the OAuth2 connection ... Once successful, Spendesk
//! redirects back to your frontend with a connection code in the URL", and for multi-entity
//! customers "they have to pick the company they are connecting in the dropdown".
//!
//! Pleo docs (pleo-quickstart.txt): the authorize URL carries `client_id`, `redirect_uri`,
//! `scope`, `response_type=code`, `state` ("This is optional"), `code_challenge_method`
//! ("must be S256") and `code_challenge` ("must be a base64uri encoded sha256 hash of a
//! code_verifier").

use crate::oauth::OAUTH_DEFAULT_SCOPE;
use crate::util::{
    append_query, html_escape, is_pkce_string, percent_encode, random_token, Params,
};
use crate::{
    find_client, method_not_allowed, page, CodeRec, Grant, Pending, Provider, Request, Response,
    Sandbox, CODE_LIFETIME_SECS, SPENDESK_WALLETS,
};
use serde_json::{json, Map};

/// Error redirect (RFC 6749 §4.1.2.1): `error`, `error_description`, `state`.
fn redirect_error(
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let mut params = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        params.push(("state", s));
    }
    Response::redirect(&append_query(redirect_uri, &params))
}

fn bad_request_page(msg: &str) -> Response {
    page(
        400,
        "Invalid authorization request",
        &format!(
            "<p id=\"error\">{}</p><p>The sandbox does not redirect back because the client or \
             redirect URI could not be trusted (RFC 6749 §4.1.2.1).</p>",
            html_escape(msg)
        ),
    )
}

impl Sandbox {
    /// `GET <prefix>/authorize` (path per provider).
    pub(crate) fn authorize(&mut self, p: Provider, req: &Request, query: &str) -> Response {
        if req.method != "GET" {
            return method_not_allowed("GET");
        }
        let params = match Params::parse(query) {
            Ok(p) => p,
            Err(e) => return bad_request_page(&e),
        };
        // Client and redirect URI first: errors here must NOT redirect (RFC 6749 §4.1.2.1).
        if params.count("client_id") > 1 {
            return bad_request_page("client_id is repeated");
        }
        let Some(client_id) = params.get("client_id") else {
            return bad_request_page("client_id is missing");
        };
        let Some(client) = find_client(p, client_id) else {
            return bad_request_page(&format!("unknown client_id for the {} sandbox", p.name()));
        };
        if params.count("redirect_uri") > 1 {
            return bad_request_page("redirect_uri is repeated");
        }
        let Some(redirect_uri) = params.get("redirect_uri") else {
            return bad_request_page("redirect_uri is missing (the sandbox registers none)");
        };
        if let Err(e) = crate::util::validate_redirect_uri(redirect_uri) {
            return bad_request_page(e);
        }
        let state = params.get("state");
        let err = |e: &str, d: &str| redirect_error(redirect_uri, e, d, state);

        if let Some(k) = params.repeated() {
            return err(
                "invalid_request",
                &format!("parameter {} is repeated", crate::util::printable(k)),
            );
        }
        match params.get("response_type") {
            Some("code") => {}
            None => return err("invalid_request", "response_type is missing"),
            Some(_) => {
                return err(
                    "unsupported_response_type",
                    "only response_type=code is supported",
                )
            }
        }
        // PKCE (RFC 7636 §4.3). `plain` and a missing method are rejected: the sandbox
        // (like Pleo: "code_challenge_method: must be S256") only supports S256.
        let challenge = match (
            params.get("code_challenge"),
            params.get("code_challenge_method"),
        ) {
            (None, None) if client.pkce_required => {
                return err(
                    "invalid_request",
                    "code_challenge is required (PKCE with S256)",
                )
            }
            (None, None) => None,
            (Some(_), None) => {
                return err(
                    "invalid_request",
                    "code_challenge_method is required and must be S256",
                )
            }
            (_, Some(m)) if m != "S256" => {
                return err(
                    "invalid_request",
                    "code_challenge_method must be S256 (plain is not supported)",
                )
            }
            (None, Some(_)) => return err("invalid_request", "code_challenge is missing"),
            (Some(c), Some(_)) => {
                if !is_pkce_string(c) {
                    return err(
                        "invalid_request",
                        "code_challenge must be 43-128 characters of [A-Za-z0-9-._~]",
                    );
                }
                Some(c.to_string())
            }
        };

        let now = self.now();
        self.pending.retain(|_, v| v.expires_at > now);
        self.codes.retain(|_, v| v.expires_at > now);
        let id = random_token();
        self.pending.insert(
            id.clone(),
            Pending {
                provider: p,
                client_id: client.id.to_string(),
                redirect_uri: redirect_uri.to_string(),
                state: state.map(str::to_string),
                scope: params.get("scope").map(str::to_string),
                challenge,
                expires_at: now.saturating_add(CODE_LIFETIME_SECS),
            },
        );
        Response::redirect(&format!("{}/consent?request={}", p.prefix(), id))
    }

    /// `GET <prefix>/consent?request=<id>[&decision=approve|deny][&wallet=<w>]`.
    pub(crate) fn consent(&mut self, p: Provider, req: &Request, query: &str) -> Response {
        if req.method != "GET" {
            return method_not_allowed("GET");
        }
        let params = match Params::parse(query) {
            Ok(p) => p,
            Err(e) => return bad_request_page(&e),
        };
        let Some(id) = params.get("request") else {
            return bad_request_page("request is missing");
        };
        let now = self.now();
        let Some(pending) = self
            .pending
            .get(id)
            .filter(|r| r.provider == p && r.expires_at > now)
            .cloned()
        else {
            return bad_request_page("unknown or expired consent request");
        };
        match params.get("decision") {
            None => consent_page(p, id, &pending),
            Some("deny") => {
                self.pending.remove(id);
                redirect_error(
                    &pending.redirect_uri,
                    "access_denied",
                    "the user denied the request",
                    pending.state.as_deref(),
                )
            }
            Some("approve") => {
                let mut extra = Map::new();
                let sub = match p {
                    Provider::Spendesk => {
                        let wallet = params.get("wallet").unwrap_or(SPENDESK_WALLETS[0]);
                        if !SPENDESK_WALLETS.contains(&wallet) {
                            return bad_request_page("unknown wallet");
                        }
                        // The claim name is a guess (`wallet_claim` switch).
                        extra.insert(self.behaviour.spendesk_wallet_claim.clone(), json!(wallet));
                        extra.insert("client_id".into(), json!(pending.client_id));
                        "spendesk-user-1"
                    }
                    Provider::Pleo => {
                        extra.insert("company_id".into(), json!("pleo-company-1"));
                        "pleo-user-1"
                    }
                    _ => {
                        extra.insert("client_id".into(), json!(pending.client_id));
                        "sandbox-user-1"
                    }
                };
                self.pending.remove(id);
                let code = random_token();
                self.codes.insert(
                    code.clone(),
                    CodeRec {
                        grant: Grant {
                            provider: p,
                            client_id: pending.client_id.clone(),
                            sub: sub.into(),
                            scope: match p {
                                Provider::OAuth => Some(
                                    pending
                                        .scope
                                        .clone()
                                        .unwrap_or_else(|| OAUTH_DEFAULT_SCOPE.into()),
                                ),
                                _ => pending.scope.clone(),
                            },
                            extra,
                        },
                        redirect_uri: Some(pending.redirect_uri.clone()),
                        challenge: pending.challenge.clone(),
                        expires_at: now.saturating_add(CODE_LIFETIME_SECS),
                        used: false,
                        family: None,
                    },
                );
                let mut q = vec![("code", code.as_str())];
                if let Some(s) = pending.state.as_deref() {
                    q.push(("state", s));
                }
                Response::redirect(&append_query(&pending.redirect_uri, &q))
            }
            Some(_) => bad_request_page("decision must be approve or deny"),
        }
    }
}

fn consent_page(p: Provider, id: &str, pending: &Pending) -> Response {
    let base = format!("{}/consent?request={}", p.prefix(), percent_encode(id));
    let mut links = String::new();
    if p == Provider::Spendesk {
        for w in SPENDESK_WALLETS {
            links.push_str(&format!(
                "<li><a id=\"approve-{w}\" href=\"{}&amp;decision=approve&amp;wallet={w}\">Approve for {w}</a></li>\n",
                html_escape(&base)
            ));
        }
    } else {
        links.push_str(&format!(
            "<li><a id=\"approve\" href=\"{}&amp;decision=approve\">Approve</a></li>\n",
            html_escape(&base)
        ));
    }
    links.push_str(&format!(
        "<li><a id=\"deny\" href=\"{}&amp;decision=deny\">Deny</a></li>\n",
        html_escape(&base)
    ));
    page(
        200,
        &format!("{} sandbox: sign in and approve", p.name()),
        &format!(
            "<p>Client <code>{}</code> asks for access{}.</p>\n<p>Redirect URI: <code>{}</code></p>\n<ul>\n{}</ul>",
            html_escape(&pending.client_id),
            pending
                .scope
                .as_deref()
                .map(|s| format!(" with scope <code>{}</code>", html_escape(s)))
                .unwrap_or_default(),
            html_escape(&pending.redirect_uri),
            links
        ),
    )
}
