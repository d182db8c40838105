//! Mattermost: `GET /api/v4/users/email/{email}` for a user, and
//! `GET /api/v4/teams/…/channels/name/{name}` for a channel, on the server the
//! ChatPlatform names.
//!
//! A channel name is unique only within a team: `team/channel` names the team;
//! a bare name is looked for in every team the bot belongs to and must be
//! found in exactly one.

use reqwest::{StatusCode, Url};
use serde::Deserialize;

use super::{
    LookupError,
    http::{Api, Client, Reply, ReplyJson, Token},
};

const PLATFORM: &str = "Mattermost";
/// Teams searched at most for a bare channel name.
const MAX_TEAMS: usize = 50;

/// A Mattermost server, through the bot's token.
#[derive(Debug)]
pub(crate) struct Mattermost {
    api: Api,
}

/// Users, channels and teams all answer with at least an `id`.
#[derive(Debug, Deserialize)]
struct Entity {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Team {
    id: String,
    #[serde(default)]
    name: String,
}

/// The error body Mattermost sends with a 4xx.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl Mattermost {
    /// A client of the server at `server` (the ChatPlatform's `url`).
    pub(crate) fn new(http: Client, server: Url, token: Token) -> Self {
        Self {
            api: Api::new(PLATFORM, http, server, token),
        }
    }

    /// The user ID of the account with `email`.
    pub(crate) async fn user_id(&self, email: &str) -> Result<String, LookupError> {
        match self.get(&["api", "v4", "users", "email", email], false).await? {
            Some(reply) => Ok(reply.json::<Entity>(PLATFORM)?.id),
            None => Err(LookupError::NotFound(format!(
                "no Mattermost user has the email {email}"
            ))),
        }
    }

    /// The channel ID of `team/channel`, or of `channel` in the one team of
    /// the bot's that has it. Names are the handles in channel URLs.
    pub(crate) async fn channel_id(&self, name: &str) -> Result<String, LookupError> {
        let name = name.to_lowercase();
        if let Some((team, channel)) = name.split_once('/') {
            let path = ["api", "v4", "teams", "name", team, "channels", "name", channel];
            return match self.get(&path, true).await? {
                Some(reply) => Ok(reply.json::<Entity>(PLATFORM)?.id),
                None => Err(LookupError::NotFound(format!(
                    "the Mattermost team {team} has no channel {channel} the bot can see"
                ))),
            };
        }
        let teams = match self.get(&["api", "v4", "users", "me", "teams"], false).await? {
            Some(reply) => reply.json::<Vec<Team>>(PLATFORM)?,
            None => Vec::new(),
        };
        let mut found = Vec::new();
        for team in teams.iter().take(MAX_TEAMS) {
            let path = ["api", "v4", "teams", &team.id, "channels", "name", &name];
            if let Some(reply) = self.get(&path, true).await? {
                found.push((team.name.as_str(), reply.json::<Entity>(PLATFORM)?.id));
            }
        }
        match &found[..] {
            [(_, id)] => Ok(id.clone()),
            [] => Err(LookupError::NotFound(format!(
                "no team the Mattermost bot belongs to has a channel {name} it can see"
            ))),
            several => {
                let teams: Vec<&str> = several.iter().map(|(team, _)| *team).collect();
                Err(LookupError::Ambiguous(format!(
                    "the Mattermost teams {} each have a channel {name}; write team/{name}",
                    teams.join(", ")
                )))
            }
        }
    }

    /// Sends an authorized GET of the path `segments`: `Some` reply on 200,
    /// `None` on 404 (and on 403 for a channel: Mattermost answers that for a
    /// private channel the bot is not in), an error otherwise.
    async fn get(&self, segments: &[&str], channel: bool) -> Result<Option<Reply>, LookupError> {
        let reply = self.api.send(self.api.get_path(segments)).await?;
        match reply.status {
            StatusCode::OK => Ok(Some(reply)),
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::FORBIDDEN if channel => Ok(None),
            status => {
                let body: ErrorBody = serde_json::from_slice(&reply.body).unwrap_or_default();
                let mut detail = format!("HTTP {}", status.as_u16());
                for part in [body.id, body.message].into_iter().flatten() {
                    detail.push_str(&format!(": {part}"));
                }
                if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                    detail.push_str(" (check the ChatPlatform's bot token and the bot's permissions)");
                }
                Err(LookupError::Refused {
                    platform: PLATFORM,
                    detail,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests;
