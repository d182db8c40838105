//! One resolver per ChatPlatform: the platform's client, built from the
//! compiled configuration and its secrets, behind one enum so the runner
//! treats all four alike.

use chatops_crds::config::{GatewaySecrets, PlatformConfig, PlatformCredentials, SecretKey};

use super::{
    LookupError, Query,
    http::{Client, Token, base_url},
    mattermost::Mattermost,
    slack::Slack,
    teams::{self, Teams},
    webex::Webex,
};

/// Where the platforms' APIs are. The defaults are the real services; tests
/// and the operator's flags point them elsewhere. Mattermost has none: its
/// server is the ChatPlatform's own `url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiBases {
    /// Slack's Web API, `https://slack.com/api`.
    pub slack: String,
    /// Webex's REST API, `https://webexapis.com` (paths start with `/v1`).
    pub webex: String,
    /// The Microsoft identity platform, `https://login.microsoftonline.com`.
    pub microsoft_login: String,
    /// Microsoft Graph, `https://graph.microsoft.com` (paths start with `/v1.0`).
    pub microsoft_graph: String,
}

impl Default for ApiBases {
    fn default() -> Self {
        Self {
            slack: "https://slack.com/api".to_owned(),
            webex: "https://webexapis.com".to_owned(),
            microsoft_login: "https://login.microsoftonline.com".to_owned(),
            microsoft_graph: "https://graph.microsoft.com".to_owned(),
        }
    }
}

/// A client of one ChatPlatform's API.
#[derive(Debug)]
pub(crate) enum Resolver {
    Slack(Slack),
    Webex(Webex),
    Mattermost(Mattermost),
    Teams(Teams),
}

impl Resolver {
    /// The resolver of `platform`, with its token from `secrets`.
    pub(crate) fn new(
        name: &str,
        platform: &PlatformConfig,
        secrets: &GatewaySecrets,
        bases: &ApiBases,
        http: &Client,
    ) -> Result<Self, LookupError> {
        let secret = |key: &SecretKey| {
            secrets.get(key).map(Token::new).ok_or_else(|| {
                // The key names the field, never its value.
                LookupError::NotConfigured(format!(
                    "the ChatPlatform {name} has no value for {key} in the compiled secrets"
                ))
            })
        };
        let http = http.clone();
        Ok(match &platform.credentials {
            PlatformCredentials::Slack { bot_token, .. } => Resolver::Slack(Slack::new(
                http,
                base_url("Slack", &bases.slack)?,
                secret(bot_token)?,
            )),
            PlatformCredentials::Webex { bot_token, .. } => Resolver::Webex(Webex::new(
                http,
                base_url("Webex", &bases.webex)?,
                secret(bot_token)?,
            )),
            PlatformCredentials::Mattermost { url, bot_token, .. } => Resolver::Mattermost(Mattermost::new(
                http,
                base_url("Mattermost", url)?,
                secret(bot_token)?,
            )),
            PlatformCredentials::Msteams {
                app_id,
                app_password,
                tenant_id,
                ..
            } => Resolver::Teams(Teams::new(
                http,
                base_url("Microsoft login", &bases.microsoft_login)?,
                base_url("Microsoft Graph", &bases.microsoft_graph)?,
                teams::App {
                    id: app_id.clone(),
                    password: secret(app_password)?,
                    tenant_id: tenant_id.clone(),
                },
            )),
        })
    }

    /// The ID `query` names on this platform.
    pub(crate) async fn resolve(&self, query: &Query) -> Result<String, LookupError> {
        // Each platform has the same two calls; this asks whichever it is.
        macro_rules! ask {
            ($platform:ident => $call:expr) => {
                match self {
                    Resolver::Slack($platform) => $call.await,
                    Resolver::Webex($platform) => $call.await,
                    Resolver::Mattermost($platform) => $call.await,
                    Resolver::Teams($platform) => $call.await,
                }
            };
        }
        match query {
            Query::Email(email) => ask!(p => p.user_id(email)),
            Query::ChannelName(name) => {
                // `#netops` and `netops` are one channel; the APIs know the bare name.
                let bare = name.strip_prefix('#').unwrap_or(name);
                ask!(p => p.channel_id(bare))
            }
        }
    }
}

#[cfg(test)]
mod tests;
