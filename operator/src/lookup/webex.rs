//! Webex: `GET /v1/people?email=` for a person, `GET /v1/rooms` for a room by title.
//!
//! Errors come as HTTP statuses with `{"message", "trackingId"}`; lists page
//! through a `Link: <…>; rel="next"` header.

use reqwest::{StatusCode, Url, header::LINK};
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{
    LookupError,
    http::{Api, Client, Reply, ReplyJson, Token},
};

const PLATFORM: &str = "Webex";
/// Rooms per page (the API's maximum).
const PAGE_SIZE: &str = "1000";
/// Pages read at most, so that a `Link` that never ends cannot loop forever.
const MAX_PAGES: usize = 20;

/// A Webex bot, through its token.
#[derive(Debug)]
pub(crate) struct Webex {
    api: Api,
    /// The group rooms the bot is in, read once per run.
    rooms: OnceCell<Result<Vec<Room>, LookupError>>,
}

#[derive(Debug, Deserialize)]
struct Items<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct Person {
    id: String,
}

#[derive(Clone, Debug, Deserialize)]
struct Room {
    id: String,
    #[serde(default)]
    title: String,
}

/// The error body Webex sends with a 4xx.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    tracking_id: Option<String>,
}

impl Webex {
    /// A client of the REST API at `base` (`https://webexapis.com`).
    pub(crate) fn new(http: Client, base: Url, token: Token) -> Self {
        Self {
            api: Api::new(PLATFORM, http, base, token),
            rooms: OnceCell::new(),
        }
    }

    /// The person ID of the account with `email`.
    pub(crate) async fn user_id(&self, email: &str) -> Result<String, LookupError> {
        let request = self.api.get_path(&["v1", "people"]).query(&[("email", email)]);
        let reply = self.get(request).await?;
        let people: Items<Person> = reply.json(PLATFORM)?;
        match people.items.into_iter().next() {
            Some(person) => Ok(person.id),
            None => Err(LookupError::NotFound(format!(
                "no Webex person has the email {email}"
            ))),
        }
    }

    /// The room ID of the group room titled `title` that the bot is in. An
    /// exact title wins; otherwise the title may differ in case.
    pub(crate) async fn channel_id(&self, title: &str) -> Result<String, LookupError> {
        let rooms = self.rooms.get_or_init(|| self.list_rooms()).await.clone()?;
        let exact: Vec<&Room> = rooms.iter().filter(|r| r.title == title).collect();
        let matches = if exact.is_empty() {
            rooms
                .iter()
                .filter(|r| r.title.to_lowercase() == title.to_lowercase())
                .collect()
        } else {
            exact
        };
        match matches[..] {
            [room] => Ok(room.id.clone()),
            [] => Err(LookupError::NotFound(format!(
                "the Webex bot is in no group room titled {title:?}; add it to the room"
            ))),
            _ => Err(LookupError::Ambiguous(format!(
                "{} Webex rooms are titled {title:?}; set spec.value to the room ID",
                matches.len()
            ))),
        }
    }

    async fn list_rooms(&self) -> Result<Vec<Room>, LookupError> {
        let mut rooms = Vec::new();
        let first = self
            .api
            .get_path(&["v1", "rooms"])
            .query(&[("type", "group"), ("max", PAGE_SIZE)]);
        let mut next = Some(first);
        for _ in 0..MAX_PAGES {
            let Some(request) = next.take() else { break };
            let reply = self.get(request).await?;
            next = next_page(&reply, self.api.base()).map(|url| self.api.get(url));
            rooms.extend(reply.json::<Items<Room>>(PLATFORM)?.items);
        }
        Ok(rooms)
    }

    /// Sends an authorized GET; a status other than 200 becomes an error.
    async fn get(&self, request: reqwest::RequestBuilder) -> Result<Reply, LookupError> {
        let reply = self.api.send(request).await?;
        if reply.status == StatusCode::OK {
            return Ok(reply);
        }
        let body: ErrorBody = serde_json::from_slice(&reply.body).unwrap_or_default();
        let mut detail = format!("HTTP {}", reply.status.as_u16());
        if let Some(message) = body.message {
            detail.push_str(&format!(": {message}"));
        }
        if matches!(reply.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            detail.push_str(" (check the ChatPlatform's bot token)");
        }
        if let Some(tracking_id) = body.tracking_id {
            detail.push_str(&format!(" [trackingId {tracking_id}]"));
        }
        Err(LookupError::Refused {
            platform: PLATFORM,
            detail,
        })
    }
}

/// The `rel="next"` URL of a `Link` header, when it stays on the API's own
/// origin: the token goes with every page, so it must not follow a link elsewhere.
fn next_page(reply: &Reply, base: &Url) -> Option<Url> {
    let header = reply.headers.get(LINK)?.to_str().ok()?;
    header.split(',').find_map(|link| {
        let (target, params) = link.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        let url = Url::parse(target.trim().strip_prefix('<')?.strip_suffix('>')?).ok()?;
        (is_next && url.origin() == base.origin()).then_some(url)
    })
}

#[cfg(test)]
mod tests;
