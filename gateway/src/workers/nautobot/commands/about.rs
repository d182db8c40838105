//! `about`: which Nautobot this is, and who you are to it.

use serde::Deserialize;

use crate::model::{Block, Reply};
use crate::workers::nautobot::{NautobotError, Session, UserToken};
use crate::workers::toolkit::args::Args;
use crate::workers::toolkit::render::titled;

/// The part of `/api/status/` shown.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Status {
    #[serde(rename = "nautobot-version")]
    pub version: Option<String>,
}

/// `about`.
pub async fn about(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let status: Status = session.get("status/", &[]).await?;
    Ok(render_about(
        &session.call.typed(),
        &status,
        session.web_url(),
        &session.who,
    ))
}

/// What this command is, the Nautobot version and URL, and who the user acts as.
pub fn render_about(typed: &str, status: &Status, url: &str, who: &UserToken) -> Reply {
    let command = typed.trim_end_matches(" about");
    let version = status.version.as_deref().unwrap_or("of an unknown version");
    let acting = if who.linked {
        format!("You act as **{}**, linked by your AccountLink.", who.user)
    } else {
        format!(
            "You are not linked, so you act as the fallback user **{}** with the integration's token.",
            who.user
        )
    };
    titled(
        format!("About {command}"),
        vec![
            Block::Text(format!(
                "`{command}` asks Nautobot {version} at [{url}]({url}) as you, so Nautobot's permissions decide what you see and change."
            )),
            Block::Text(acting),
        ],
    )
}
