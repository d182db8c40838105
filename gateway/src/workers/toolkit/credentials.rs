//! Who a call acts as in the backend: the chat user's own credential from
//! their AccountLink, else the Integration's own as the platform's fallback
//! user. Secrets are looked up once per configuration, so a request never
//! touches secret material it does not use, and `Debug` never shows them.

use std::collections::HashMap;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::Call;

/// How a backend takes a user's secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// An API token (Nautobot, Grafana, Slurpit): an AccountLink's secret
    /// is the user's token.
    Token,
    /// A login (NSO, ACI, Panorama): an AccountLink's secret is the
    /// password of the AccountLink's `user`.
    Password,
    /// An API token sent in a header of the backend's own (IP Fabric's
    /// `X-API-Token`) instead of `Authorization: Bearer`.
    Header(&'static str),
    /// A token or a login, as the Integration is given (CloudVision: a
    /// service-account token, or an on-premises user and password): an
    /// AccountLink's secret is of the same kind, a token when the
    /// Integration has one, else the password of the AccountLink's `user`.
    Either,
}

/// A secret a backend accepts. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// An API token.
    Token(String),
    /// An API token the backend takes in the header `name`.
    Header {
        /// The header (`X-API-Token`).
        name: &'static str,
        /// The token.
        token: String,
    },
    /// A username and password.
    Login {
        /// The username.
        username: String,
        /// The password.
        password: String,
    },
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Token(_) => f.write_str("Token(<redacted>)"),
            Secret::Header { name, .. } => write!(f, "Header({name}, <redacted>)"),
            Secret::Login { username, .. } => write!(f, "Login({username}, <redacted>)"),
        }
    }
}

/// Who a call acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// The backend user, for messages ("linked as alice").
    pub user: String,
    /// Whether it is the chat user's own (from their AccountLink), not the
    /// Integration's, used for the platform's fallback user.
    pub linked: bool,
    /// What the backend is given.
    pub secret: Secret,
}

impl Credential {
    /// `request` carrying this credential: a token as a bearer token (or in
    /// the backend's own header), a login as HTTP Basic.
    pub fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.secret {
            Secret::Token(token) => request.bearer_auth(token),
            Secret::Header { name, token } => {
                // Marked sensitive, as reqwest marks a bearer token, so
                // that no debug output of the request shows it.
                match reqwest::header::HeaderValue::from_str(token) {
                    Ok(mut value) => {
                        value.set_sensitive(true);
                        request.header(*name, value)
                    }
                    // A token that is no header value is sent as none: the
                    // backend's 401 then says it was not accepted.
                    Err(_) => request,
                }
            }
            Secret::Login { username, password } => request.basic_auth(username, Some(password)),
        }
    }

    /// The token, for a backend that takes one.
    pub fn token(&self) -> Option<&str> {
        match &self.secret {
            Secret::Token(token) | Secret::Header { token, .. } => Some(token),
            Secret::Login { .. } => None,
        }
    }
}

/// The credentials of one Integration: its own, and its linked users'.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    /// The Integration's own secret: what the platform's fallback user acts with.
    service: Option<Secret>,
    /// The linked users', by (ChatPlatform, chat user ID).
    users: HashMap<(String, String), Credential>,
}

impl Credentials {
    /// The credentials of `integration`, answering to `command`, and of the
    /// `account_links` with a secret for `command`, taken as `auth` says.
    pub fn new(
        command: &str,
        auth: Auth,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Self {
        let reveal = |key: &Option<_>| key.as_ref().and_then(|key| secrets.get(key)).map(str::to_owned);
        let login = match (reveal(&integration.username), reveal(&integration.password)) {
            (Some(username), Some(password)) => Some(Secret::Login { username, password }),
            _ => None,
        };
        let service = match auth {
            Auth::Token => reveal(&integration.token).map(Secret::Token),
            Auth::Header(name) => reveal(&integration.token).map(|token| Secret::Header { name, token }),
            Auth::Password => login.or_else(|| reveal(&integration.token).map(Secret::Token)),
            Auth::Either => reveal(&integration.token).map(Secret::Token).or(login),
        };
        let logs_in = matches!(service, Some(Secret::Login { .. }));
        let users = account_links
            .iter()
            .filter_map(|link| {
                let secret = secrets.get(link.tokens.get(command)?)?.to_owned();
                let secret = match auth {
                    Auth::Token => Secret::Token(secret),
                    Auth::Header(name) => Secret::Header { name, token: secret },
                    Auth::Either if !logs_in => Secret::Token(secret),
                    Auth::Password | Auth::Either => Secret::Login {
                        username: link.user.clone(),
                        password: secret,
                    },
                };
                let chat_user = (link.platform.clone(), link.chat_user_id.clone());
                let credential = Credential {
                    user: link.user.clone(),
                    linked: true,
                    secret,
                };
                Some((chat_user, credential))
            })
            .collect();
        Credentials { service, users }
    }

    /// Who `call` acts as: see [`Credentials::for_chat_user`].
    pub fn acting_as(&self, call: &Call<'_>) -> Option<Credential> {
        let invocation = call.invocation;
        self.for_chat_user(
            &invocation.platform,
            invocation.user.as_deref(),
            &call.ctx.platform.fallback_user,
        )
    }

    /// Who the chat user `user` of `platform` acts as: their own credential,
    /// else the Integration's as the platform's `fallback_user` (a login acts
    /// as its own username); none when neither has one.
    pub fn for_chat_user(
        &self,
        platform: &str,
        user: Option<&str>,
        fallback_user: &str,
    ) -> Option<Credential> {
        let own = user.and_then(|user| self.users.get(&(platform.to_owned(), user.to_owned())));
        if let Some(own) = own {
            return Some(own.clone());
        }
        let service = self.service.clone()?;
        let user = match &service {
            Secret::Token(_) | Secret::Header { .. } => fallback_user.to_owned(),
            Secret::Login { username, .. } => username.clone(),
        };
        Some(Credential {
            user,
            linked: false,
            secret: service,
        })
    }
}

#[cfg(test)]
mod tests;
