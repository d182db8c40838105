//! The Webex REST API (`https://webexapis.com/v1`) as the gateway's bot:
//! `Authorization: Bearer` with the bot token, a timeout per request, and
//! Webex's 429s waited out (`Retry-After`, 15 s when absent). A thin shell:
//! what to send is decided by the dispatcher and rendered by [`super::cards`].
//!
//! The bot token is never logged and never part of an error. Webex's
//! `trackingId` (which its support asks for) is logged with every error.

use std::time::Duration;

use chatops_outbound::Client;
use reqwest::{Method, multipart};
use serde::Deserialize;
use serde_json::Value;

use super::inbound::{self, AttachmentAction, BotIdentity, ChatMessage};
use crate::platforms::DispatchError;
use crate::platforms::files::Upload;
use crate::platforms::http::{self, BearerApi};
use crate::platforms::json::{self, Lenient, List, Text};

pub use crate::platforms::http::{DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT, MAX_RETRIES};
/// The wait when a 429 comes without a usable `Retry-After` (Webex's advice).
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(15);
/// The default API base URL.
pub const DEFAULT_API_URL: &str = "https://webexapis.com/v1";

/// A client of the Webex API, as one bot.
#[derive(Clone, Debug)]
pub struct WebexClient {
    api: BearerApi,
}

/// Why a fetched resource could not be used: the API failed, or answered
/// something [`inbound`] cannot read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request failed.
    #[error(transparent)]
    Api(#[from] DispatchError),
    /// The answer could not be read.
    #[error("{api}: unreadable answer: {error}")]
    Unreadable {
        /// The API.
        api: &'static str,
        /// Why.
        error: inbound::ParseError,
    },
}

impl WebexClient {
    /// A client of the API at `base_url` (`https://webexapis.com/v1`, or a
    /// fake in tests) with the bot `token`, sending through `http` (shared).
    pub fn new(http: impl Into<Client>, base_url: String, token: String) -> Self {
        // `Retry-After: 0` waits 1 s, as Webex's own SDK does.
        let api = BearerApi::new(http.into(), &base_url, token, DEFAULT_RETRY_AFTER)
            .with_min_retry_after(Duration::from_secs(1));
        WebexClient { api }
    }

    /// Caps each wait for `Retry-After` (tests use a short one).
    pub fn with_max_retry_wait(self, wait: Duration) -> Self {
        WebexClient {
            api: self.api.with_max_retry_wait(wait),
        }
    }

    /// Sets how long one request may take.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        WebexClient {
            api: self.api.with_timeout(timeout),
        }
    }

    /// `GET /v1/people/me`: the bot's person ID and the names a mention of it shows.
    pub async fn me(&self) -> Result<BotIdentity, FetchError> {
        self.fetch("people/me", "/people/me", inbound::parse_person).await
    }

    /// `GET /v1/messages/{id}`.
    pub async fn message(&self, id: &str) -> Result<ChatMessage, FetchError> {
        let path = format!("/messages/{}", path_segment(id));
        self.fetch("messages/get", &path, inbound::parse_message).await
    }

    /// `GET /v1/attachment/actions/{id}`.
    pub async fn attachment_action(&self, id: &str) -> Result<AttachmentAction, FetchError> {
        let path = format!("/attachment/actions/{}", path_segment(id));
        self.fetch("attachment/actions/get", &path, inbound::parse_attachment_action)
            .await
    }

    /// `GET {path}`, its answer read with `parse`.
    async fn fetch<T>(
        &self,
        api: &'static str,
        path: &str,
        parse: fn(&[u8]) -> Result<T, inbound::ParseError>,
    ) -> Result<T, FetchError> {
        let text = self.call(api, Method::GET, path, None).await?;
        parse(text.as_bytes()).map_err(|error| FetchError::Unreadable { api, error })
    }

    /// `POST /v1/messages` with a JSON body (from [`super::cards::addressed`]); returns the message's ID.
    pub async fn create_message(&self, body: &Value) -> Result<String, DispatchError> {
        let text = self
            .call("messages/create", Method::POST, "/messages", Some(body))
            .await?;
        Ok(id_of(&text))
    }

    /// `POST /v1/messages` as `multipart/form-data` with one file (Webex takes
    /// one per message). `address` holds `roomId`/`parentId` or `toPersonId`
    /// (and optionally `markdown`), each sent as a text part.
    pub async fn create_message_with_file(
        &self,
        address: &Value,
        file: &Upload,
    ) -> Result<String, DispatchError> {
        let url = format!("{}/messages", self.api.base_url());
        let fields: Vec<(String, String)> = address
            .as_object()
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let build = || {
            let mut form = multipart::Form::new();
            for (key, value) in &fields {
                form = form.text(key.clone(), value.clone());
            }
            form = form.part("files", file.part());
            Some(self.api.authorized(self.api.http().post(&url)).multipart(form))
        };
        let api = "messages/create(file)";
        let text = checked(api, self.api.send(api, build).await?)?;
        Ok(id_of(&text))
    }

    /// `DELETE /v1/messages/{id}`.
    pub async fn delete_message(&self, id: &str) -> Result<(), DispatchError> {
        let path = format!("/messages/{}", path_segment(id));
        self.call("messages/delete", Method::DELETE, &path, None)
            .await
            .map(drop)
    }

    /// `GET /v1/webhooks`: the bot's webhooks.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, DispatchError> {
        let text = self
            .call("webhooks/list", Method::GET, "/webhooks?max=100", None)
            .await?;
        Ok(json::parse::<Webhooks>(text.as_bytes())
            .map(|page| page.items.0)
            .unwrap_or_default())
    }

    /// `POST /v1/webhooks` with `body`; returns the webhook's ID.
    pub async fn create_webhook(&self, body: &Value) -> Result<String, DispatchError> {
        let text = self
            .call("webhooks/create", Method::POST, "/webhooks", Some(body))
            .await?;
        Ok(id_of(&text))
    }

    /// `PUT /v1/webhooks/{id}` with `body`.
    pub async fn update_webhook(&self, id: &str, body: &Value) -> Result<(), DispatchError> {
        let path = format!("/webhooks/{}", path_segment(id));
        self.call("webhooks/update", Method::PUT, &path, Some(body))
            .await
            .map(drop)
    }

    async fn call(
        &self,
        api: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<String, DispatchError> {
        let url = format!("{}{path}", self.api.base_url());
        checked(
            api,
            self.api.json(api, method, &url, "application/json", body).await?,
        )
    }
}

/// The body of a successful answer; a failure is logged with Webex's
/// `trackingId` (which its support asks for) and refused.
fn checked(api: &'static str, answer: chatops_outbound::Answer) -> Result<String, DispatchError> {
    if !answer.status.is_success() {
        let tracking_id = http::header_text(&answer.headers, "trackingid").or_else(|| {
            json::parse::<Refused>(&answer.body)
                .ok()?
                .tracking_id
                .into_option()
        });
        tracing::warn!(
            api,
            status = answer.status.as_u16(),
            tracking_id,
            "Webex API error"
        );
    }
    Ok(http::accepted::<Refused>(api, answer)?.text())
}

/// The `id` of what an answer describes (a created message or webhook); empty when it names none.
fn id_of(text: &str) -> String {
    json::parse::<Created>(text.as_bytes())
        .ok()
        .and_then(|created| created.id.into_option())
        .unwrap_or_default()
}

/// An ID as one path segment: Webex IDs are base64url (letters, digits, `-`,
/// `_`, `=`); anything else is dropped.
fn path_segment(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='))
        .collect()
}

/// An answer naming what was created (`POST /v1/messages`, `POST /v1/webhooks`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Created {
    id: Text,
}

/// An error answer: its `message`, and `trackingId` when the header is missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Refused {
    message: Lenient<String>,
    tracking_id: Text,
}

impl http::Refusal for Refused {
    fn code(self) -> Option<String> {
        self.message.0
    }
}

/// `GET /v1/webhooks`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Webhooks {
    items: List<Webhook>,
}

/// One of the bot's webhooks, as `GET /v1/webhooks` lists it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Webhook {
    /// The webhook's ID.
    pub id: Text,
    /// Its name.
    pub name: Text,
}

#[cfg(test)]
mod tests {
    use reqwest::header;

    use super::*;

    /// The wait of the first 429 with `headers`, as the client's policy has it.
    fn retry_after(headers: &header::HeaderMap) -> Duration {
        let client = WebexClient::new(Client::default(), DEFAULT_API_URL.to_owned(), String::new());
        client.api.policy().rate_limit_wait(headers, 0)
    }

    #[test]
    fn debug_hides_the_token() {
        let client = WebexClient::new(
            Client::default(),
            "https://webexapis.com/v1/".to_owned(),
            "webex-bot-secret".to_owned(),
        );
        let debug = format!("{client:?}");
        assert!(!debug.contains("webex-bot-secret"), "{debug}");
        assert!(debug.contains("https://webexapis.com/v1\""), "{debug}");
    }

    #[test]
    fn retry_after_defaults_to_15_s_and_never_0() {
        let mut headers = header::HeaderMap::new();
        assert_eq!(retry_after(&headers), Duration::from_secs(15));
        headers.insert(header::RETRY_AFTER, "0".parse().unwrap());
        assert_eq!(retry_after(&headers), Duration::from_secs(1));
        headers.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Duration::from_secs(7));
    }

    #[test]
    fn ids_stay_one_segment() {
        assert_eq!(path_segment("Y2lz/../x?y=1"), "Y2lzxy=1");
        assert_eq!(id_of(r#"{"id":"abc"}"#), "abc");
        assert_eq!(id_of("nope"), "");
    }
}
