//! Slack: `users.lookupByEmail` for a user, `conversations.list` for a channel.
//!
//! Slack answers most errors with HTTP 200 and `{"ok": false, "error": …}`;
//! only rate limits come as 429 with `Retry-After`.

use reqwest::Url;
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{
    LookupError,
    http::{Api, Client, ReplyJson, Token},
};

const PLATFORM: &str = "Slack";
/// Channels per `conversations.list` page (Slack recommends at most 200).
const PAGE_SIZE: &str = "200";
/// Pages read at most: 10 000 channels. A bound, so a cursor that never ends cannot loop forever.
const MAX_PAGES: usize = 50;

/// A Slack workspace, through its bot token.
#[derive(Debug)]
pub(crate) struct Slack {
    api: Api,
    /// The channel list, read once per run however many names are looked up.
    channels: OnceCell<Result<Vec<Channel>, LookupError>>,
}

/// One channel of `conversations.list`.
#[derive(Clone, Debug, Deserialize)]
struct Channel {
    id: String,
    name: String,
}

/// The envelope of every Slack Web API answer.
#[derive(Debug, Deserialize)]
struct Envelope {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    /// The scope a `missing_scope` error asks for.
    #[serde(default)]
    needed: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UserReply {
    user: User,
}

#[derive(Debug, Deserialize)]
struct User {
    id: String,
}

#[derive(Debug, Deserialize)]
struct ChannelPage {
    #[serde(default)]
    channels: Vec<Channel>,
    #[serde(default)]
    response_metadata: Option<ResponseMetadata>,
}

#[derive(Debug, Deserialize)]
struct ResponseMetadata {
    #[serde(default)]
    next_cursor: String,
}

impl Slack {
    /// A client of the Web API at `base` (`https://slack.com/api`).
    pub(crate) fn new(http: Client, base: Url, token: Token) -> Self {
        Self {
            api: Api::new(PLATFORM, http, base, token),
            channels: OnceCell::new(),
        }
    }

    /// The user ID (`U…`) of the account with `email`.
    pub(crate) async fn user_id(&self, email: &str) -> Result<String, LookupError> {
        let request = self
            .api
            .get_path(&["users.lookupByEmail"])
            .query(&[("email", email)]);
        let reply: UserReply = self.call(request).await.map_err(|error| match error {
            SlackError::Code(code) if code == "users_not_found" => {
                LookupError::NotFound(format!("no Slack user has the email {email} (users_not_found)"))
            }
            other => other.into_lookup_error(),
        })?;
        Ok(reply.user.id)
    }

    /// The channel ID (`C…`) of the channel `name` (without `#`): public
    /// channels, and private ones the bot is a member of.
    pub(crate) async fn channel_id(&self, name: &str) -> Result<String, LookupError> {
        let channels = self.channels.get_or_init(|| self.list_channels()).await.clone()?;
        let wanted = name.to_lowercase();
        // Slack channel names are lower case; a name written `#NetOps` still means `netops`.
        match channels.iter().find(|c| c.name.to_lowercase() == wanted) {
            Some(channel) => Ok(channel.id.clone()),
            None => Err(LookupError::NotFound(format!(
                "no Slack channel is named {name} (public, or private with the bot in it; archived ones are not looked at)"
            ))),
        }
    }

    async fn list_channels(&self) -> Result<Vec<Channel>, LookupError> {
        let mut channels = Vec::new();
        let mut cursor = String::new();
        for _ in 0..MAX_PAGES {
            let mut query = vec![
                ("types", "public_channel,private_channel"),
                ("exclude_archived", "true"),
                ("limit", PAGE_SIZE),
            ];
            if !cursor.is_empty() {
                query.push(("cursor", cursor.as_str()));
            }
            let request = self.api.get_path(&["conversations.list"]).query(&query);
            let page: ChannelPage = self.call(request).await.map_err(SlackError::into_lookup_error)?;
            channels.extend(page.channels);
            cursor = page.response_metadata.map(|m| m.next_cursor).unwrap_or_default();
            if cursor.is_empty() {
                break;
            }
        }
        Ok(channels)
    }

    /// Calls a Web API method and parses its answer as `T` when `ok`; an
    /// `ok: false` answer comes back as its error code, for the caller to
    /// interpret.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, SlackError> {
        let reply = self.api.send(request).await.map_err(SlackError::Lookup)?;
        let envelope: Envelope = reply.json(PLATFORM).map_err(SlackError::Lookup)?;
        if !envelope.ok {
            let code = envelope.error.unwrap_or_else(|| "unknown_error".to_owned());
            return Err(match (code.as_str(), envelope.needed) {
                // Slack's own rate-limit signal is a 429; this is the same news in a 200.
                ("ratelimited", _) => SlackError::Lookup(LookupError::RateLimited {
                    platform: PLATFORM,
                    retry_after: None,
                }),
                ("missing_scope", Some(needed)) => {
                    SlackError::Code(format!("missing_scope: the bot token needs the scope {needed}"))
                }
                _ => SlackError::Code(code),
            });
        }
        reply.json(PLATFORM).map_err(SlackError::Lookup)
    }
}

/// A failed call: Slack's error code, or a failure below it.
#[derive(Debug)]
enum SlackError {
    Code(String),
    Lookup(LookupError),
}

impl SlackError {
    /// The error as a look-up error; a bad token is named as such.
    fn into_lookup_error(self) -> LookupError {
        match self {
            SlackError::Code(code) => {
                let bad_token = matches!(
                    code.as_str(),
                    "invalid_auth" | "not_authed" | "account_inactive" | "token_revoked" | "token_expired"
                );
                let detail = if bad_token {
                    format!("{code}: check the ChatPlatform's bot token")
                } else {
                    code
                };
                LookupError::Refused {
                    platform: PLATFORM,
                    detail,
                }
            }
            SlackError::Lookup(error) => error,
        }
    }
}

#[cfg(test)]
mod tests;
