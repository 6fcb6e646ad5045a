//! Where each provider lives. Every base URL can be overridden (sandbox,
//! staging, the local provider sandbox in tests).
//!
//! Sources, in `provider-docs/`:
//! - Pleo (pleo-quickstart.txt): authorize at `https://auth.staging.pleo.io/oauth/authorize`
//!   (production `https://auth.pleo.io/oauth/authorize`), tokens at `/oauth/token`.
//! - Spendesk (spendesk-authentication.txt): `/oauth2/authorize`,
//!   `/oauth2/token/create`, `/oauth2/token/refresh`, `/auth/token` on the
//!   public API host.
//! - Findity (findity-authentication.txt): `https://expense.findity.com/api/oauth/token/`,
//!   `https://stage-expense.findity.com/api/oauth/authorization-grant`.
//! - ProSpend (prospend-authentication.txt): static bearer tokens, HTTPS only.

use crate::error::{Error, ErrorCode, Result};
use crate::url::{parse_endpoint, Endpoint};

/// A provider host: production and its test environment.
#[derive(Clone, Copy, Debug)]
pub struct Hosts {
    /// The production base URL.
    pub production: &'static str,
    /// The test environment's base URL.
    pub test: &'static str,
    /// What the provider calls its test environment (`"staging"`, `"sandbox"`, `"stage"`).
    pub test_name: &'static str,
}

/// Pleo's authorization server.
pub const PLEO_AUTH: Hosts = Hosts {
    production: "https://auth.pleo.io",
    test: "https://auth.staging.pleo.io",
    test_name: "staging",
};
/// Pleo's API.
pub const PLEO_API: Hosts = Hosts {
    production: "https://external.pleo.io",
    test: "https://external.staging.pleo.io",
    test_name: "staging",
};
/// Spendesk's public API (auth endpoints live on it too).
pub const SPENDESK_API: Hosts = Hosts {
    production: "https://public-api.spendesk.com",
    test: "https://sandbox-public-api.spendesk.com",
    test_name: "sandbox",
};
/// Findity's expense platform.
pub const FINDITY: Hosts = Hosts {
    production: "https://expense.findity.com",
    test: "https://stage-expense.findity.com",
    test_name: "stage",
};
/// ProSpend's OpenAPI host (the APAC region by default; override for others).
pub const PROSPEND_API: Hosts = Hosts {
    production: "https://api.apac.prospend.io",
    test: "https://sandbox.prospend.io",
    test_name: "sandbox",
};

/// Pleo: authorization endpoint path.
pub const PLEO_AUTHORIZE_PATH: &str = "/oauth/authorize";
/// Pleo: token endpoint path.
pub const PLEO_TOKEN_PATH: &str = "/oauth/token";
/// Spendesk: authorization endpoint path.
pub const SPENDESK_AUTHORIZE_PATH: &str = "/oauth2/authorize";
/// Spendesk: code exchange path (JSON body, answers 201).
pub const SPENDESK_TOKEN_CREATE_PATH: &str = "/oauth2/token/create";
/// Spendesk: refresh path (JSON body, needs client_id and client_secret).
pub const SPENDESK_TOKEN_REFRESH_PATH: &str = "/oauth2/token/refresh";
/// Spendesk: API-key token path (`Authorization: Basic base64(id:secret)`).
pub const SPENDESK_API_KEY_PATH: &str = "/auth/token";
/// Findity: token endpoint path (with the trailing slash the docs show).
pub const FINDITY_TOKEN_PATH: &str = "/api/oauth/token/";
/// Findity: user authorization-grant path.
pub const FINDITY_AUTHORIZATION_GRANT_PATH: &str = "/api/oauth/authorization-grant";

impl Hosts {
    /// The base URL: `override_url` if given, else the named environment
    /// (`None` or `"production"`, or the provider's test name).
    pub fn base(&self, environment: Option<&str>, override_url: Option<&str>) -> Result<Endpoint> {
        if let Some(u) = override_url {
            return parse_endpoint(u, "baseUrl");
        }
        let url = match environment {
            None | Some("production") => self.production,
            Some(e) if e == self.test_name => self.test,
            Some(_) => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    [
                        "environment must be \"production\" or \"",
                        self.test_name,
                        "\"",
                    ]
                    .concat(),
                ))
            }
        };
        parse_endpoint(url, "baseUrl")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn environments() {
        assert_eq!(
            PLEO_AUTH
                .base(Some("staging"), None)
                .unwrap()
                .join(PLEO_AUTHORIZE_PATH)
                .unwrap()
                .as_str(),
            "https://auth.staging.pleo.io/oauth/authorize"
        );
        assert_eq!(
            SPENDESK_API
                .base(None, None)
                .unwrap()
                .join(SPENDESK_AUTHORIZE_PATH)
                .unwrap()
                .as_str(),
            "https://public-api.spendesk.com/oauth2/authorize"
        );
        assert_eq!(
            SPENDESK_API.base(Some("sandbox"), None).unwrap().as_str(),
            "https://sandbox-public-api.spendesk.com"
        );
        assert_eq!(
            PLEO_AUTH.base(Some("sandbox"), None).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            FINDITY
                .base(None, Some("http://127.0.0.1:9/findity"))
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/findity"
        );
        assert_eq!(
            FINDITY
                .base(None, Some("http://findity.example"))
                .unwrap_err()
                .code(),
            ErrorCode::InsecureUrl
        );
    }
}
