//! Microsoft Teams: a user's AAD object id through Microsoft Graph
//! (`GET /v1.0/users/{email}`), with an app-only token from the bot's own
//! tenant.
//!
//! The Bot Framework has no look-up by email. Graph has one, but only for a
//! single-tenant bot (the tenant to ask is its own) whose app registration
//! was granted the `User.Read.All` application permission. Anything else is
//! [`LookupError::Unsupported`], and the AccountLink must carry `chatUserId`.
//! Channels cannot be looked up by name at all: a Teams conversation ID
//! belongs in `value`.

use reqwest::{StatusCode, Url};
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{
    LookupError,
    http::{Client, ReplyJson, Token, endpoint, send},
};

const PLATFORM: &str = "Microsoft Teams";
/// What the Graph token is for.
const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

/// A Teams bot's app registration, asking Microsoft Graph.
#[derive(Debug)]
pub(crate) struct Teams {
    http: Client,
    login: Url,
    graph: Url,
    app: App,
    /// The app-only Graph token, fetched once per run.
    token: OnceCell<Result<Token, LookupError>>,
}

/// The bot's app registration.
#[derive(Debug)]
pub(crate) struct App {
    /// The Microsoft App ID.
    pub(crate) id: String,
    /// The app password (client secret).
    pub(crate) password: Token,
    /// The tenant of a single-tenant bot.
    pub(crate) tenant_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenReply {
    access_token: String,
}

/// The error body of the Microsoft identity platform.
#[derive(Debug, Default, Deserialize)]
struct TokenError {
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GraphUser {
    id: String,
}

/// The error body of Microsoft Graph.
#[derive(Debug, Default, Deserialize)]
struct GraphError {
    #[serde(default)]
    error: GraphErrorDetail,
}

#[derive(Debug, Default, Deserialize)]
struct GraphErrorDetail {
    #[serde(default)]
    code: Option<String>,
}

impl Teams {
    /// A client that gets tokens from `login` (`https://login.microsoftonline.com`)
    /// and asks `graph` (`https://graph.microsoft.com`).
    pub(crate) fn new(http: Client, login: Url, graph: Url, app: App) -> Self {
        Self {
            http,
            login,
            graph,
            app,
            token: OnceCell::new(),
        }
    }

    /// The AAD object id of the user whose sign-in name or email is `email`.
    pub(crate) async fn user_id(&self, email: &str) -> Result<String, LookupError> {
        let token = self.token.get_or_init(|| self.graph_token()).await.clone()?;
        let url = endpoint(&self.graph, &["v1.0", "users", email]);
        let request = token.authorize(self.http.get(url).query(&[("$select", "id")]));
        let reply = send(PLATFORM, request).await?;
        match reply.status {
            StatusCode::OK => Ok(reply.json::<GraphUser>(PLATFORM)?.id),
            StatusCode::NOT_FOUND => Err(LookupError::NotFound(format!(
                "Microsoft Graph knows no user {email} in the bot's tenant"
            ))),
            status => {
                let code = serde_json::from_slice::<GraphError>(&reply.body)
                    .unwrap_or_default()
                    .error
                    .code
                    .unwrap_or_default();
                let hint = if status == StatusCode::FORBIDDEN {
                    ": grant the bot's app registration the Microsoft Graph application permission User.Read.All, or set chatUserId"
                } else {
                    ""
                };
                Err(LookupError::Refused {
                    platform: PLATFORM,
                    detail: format!("Microsoft Graph answered HTTP {} {code}{hint}", status.as_u16()),
                })
            }
        }
    }

    /// Teams channels have no look-up by name.
    pub(crate) async fn channel_id(&self, _name: &str) -> Result<String, LookupError> {
        Err(LookupError::Unsupported(
            "Microsoft Teams channels cannot be looked up by name; set spec.value to the conversation ID"
                .to_owned(),
        ))
    }

    /// An app-only token for Graph, by the client-credentials grant in the bot's tenant.
    async fn graph_token(&self) -> Result<Token, LookupError> {
        let Some(tenant) = &self.app.tenant_id else {
            return Err(LookupError::Unsupported(
                "Microsoft Teams emails can only be looked up for a single-tenant bot (spec.msteams.tenantId) \
                 allowed Microsoft Graph's User.Read.All; set chatUserId to the user's AAD object id"
                    .to_owned(),
            ));
        };
        let url = endpoint(&self.login, &[tenant, "oauth2", "v2.0", "token"]);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.app.id.as_str()),
            ("client_secret", self.app.password.expose()),
            ("scope", GRAPH_SCOPE),
        ];
        let reply = send(PLATFORM, self.http.post(url).form(&form)).await?;
        if reply.status == StatusCode::OK {
            return Ok(Token::new(reply.json::<TokenReply>(PLATFORM)?.access_token));
        }
        // Only the error code: the description is long and its trace ids help no one here.
        let code = serde_json::from_slice::<TokenError>(&reply.body)
            .unwrap_or_default()
            .error
            .unwrap_or_default();
        Err(LookupError::Refused {
            platform: PLATFORM,
            detail: format!(
                "the Microsoft identity platform refused a Graph token (HTTP {} {code}): check appId, the app password and tenantId",
                reply.status.as_u16()
            ),
        })
    }
}

#[cfg(test)]
mod tests;
