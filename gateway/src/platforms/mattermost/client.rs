//! Mattermost's API v4 and slash command response URLs, with the bot token as
//! `Authorization: Bearer` and Mattermost's 429s waited out. A thin shell:
//! what to send is decided by the dispatcher and rendered by [`super::render`].

use std::time::Duration;

use chatops_outbound::Client;
use reqwest::{Method, multipart};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::platforms::DispatchError;
use crate::platforms::files::Upload;
use crate::platforms::http::{self, BearerApi};
use crate::platforms::json::{Lenient, List, Text};
use crate::platforms::response_url::ResponseUrls;

pub use crate::platforms::http::{DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT, MAX_RETRIES};
/// The wait when a 429 comes without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// The content type of API v4 bodies and response URL answers.
const JSON: &str = "application/json";

/// A client of one Mattermost server, as the gateway's bot account.
///
/// The bot token is never logged and never part of an error; nor are response
/// URLs, which are credentials in themselves.
#[derive(Clone, Debug)]
pub struct MattermostClient {
    api: BearerApi,
    response_urls: ResponseUrls,
}

impl MattermostClient {
    /// A client of the server at `base_url` (`https://chat.example.com`, or a
    /// fake in tests) with the bot `token`, sending through `http` (shared).
    pub fn new(http: impl Into<Client>, base_url: String, token: String) -> Self {
        MattermostClient {
            response_urls: ResponseUrls::mattermost(&base_url, &[], false),
            api: BearerApi::new(http.into(), &base_url, token, DEFAULT_RETRY_AFTER),
        }
    }

    /// Sets where response URLs may point (by default the server's own host).
    pub fn with_response_urls(mut self, response_urls: ResponseUrls) -> Self {
        self.response_urls = response_urls;
        self
    }

    /// `POST /api/v4/posts` with a body from [`super::render::create_post`]; returns the post's ID.
    pub async fn create_post(&self, post: &Value) -> Result<String, DispatchError> {
        let answer: Id = self.call("posts", Method::POST, "/posts", Some(post)).await?;
        Ok(answer.id.into_option().unwrap_or_default())
    }

    /// `POST /api/v4/posts/ephemeral` with a body from
    /// [`super::render::create_ephemeral_post`] (needs `create_post_ephemeral`).
    pub async fn create_ephemeral_post(&self, body: &Value) -> Result<(), DispatchError> {
        self.call::<Id>("posts/ephemeral", Method::POST, "/posts/ephemeral", Some(body))
            .await
            .map(drop)
    }

    /// `POST /api/v4/actions/dialogs/open` with a body from [`super::render::open_dialog`].
    pub async fn open_dialog(&self, body: &Value) -> Result<(), DispatchError> {
        self.call::<Id>(
            "actions/dialogs/open",
            Method::POST,
            "/actions/dialogs/open",
            Some(body),
        )
        .await
        .map(drop)
    }

    /// `DELETE /api/v4/posts/{post_id}`.
    pub async fn delete_post(&self, post_id: &str) -> Result<(), DispatchError> {
        let path = format!("/posts/{}", path_segment(post_id));
        self.call::<Id>("posts/delete", Method::DELETE, &path, None)
            .await
            .map(drop)
    }

    /// `GET /api/v4/users/me`: the bot's own user ID.
    pub async fn me(&self) -> Result<String, DispatchError> {
        let answer: Id = self.call("users/me", Method::GET, "/users/me", None).await?;
        answer.required("users/me")
    }

    /// `POST /api/v4/channels/direct`: the direct-message channel of two users.
    pub async fn direct_channel(&self, a: &str, b: &str) -> Result<String, DispatchError> {
        let body = json!([a, b]);
        let answer: Id = self
            .call("channels/direct", Method::POST, "/channels/direct", Some(&body))
            .await?;
        answer.required("channels/direct")
    }

    /// `POST /api/v4/files`: uploads `file` into `channel_id`; returns the file's ID.
    pub async fn upload_file(&self, channel_id: &str, file: &Upload) -> Result<String, DispatchError> {
        let url = format!("{}/api/v4/files", self.api.base_url());
        let build = || {
            let form = multipart::Form::new()
                .text("channel_id", channel_id.to_owned())
                .part("files", file.part());
            Some(self.api.authorized(self.api.http().post(&url)).multipart(form))
        };
        let answer: Uploaded = http::success_as::<_, Refused>("files", self.api.send("files", build).await?)?;
        answer
            .file_infos
            .0
            .into_iter()
            .next()
            .and_then(|file| file.id.into_option())
            .ok_or_else(|| http::incomplete("files", "no file_infos[0].id in the answer"))
    }

    /// Posts `body` (`response_type`, `text`, `attachments`) to a slash command's
    /// response URL. The URL is a credential in itself: no token goes with it,
    /// and only its host is ever logged.
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), DispatchError> {
        self.api
            .respond::<Refused>(&self.response_urls, response_url, JSON, body)
            .await
    }

    /// Calls `path` of API v4; the answer read as `T`, a refusal's error code at its `id`.
    async fn call<T: DeserializeOwned + Default>(
        &self,
        api: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T, DispatchError> {
        let url = format!("{}/api/v4{path}", self.api.base_url());
        let answer = self.api.json(api, method, &url, JSON, body).await?;
        http::success_as::<_, Refused>(api, answer)
    }
}

/// An answer with an `id` (a post, a user, a channel, a file).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Id {
    id: Text,
}

impl Id {
    /// The ID, or the refusal of an answer without one.
    fn required(self, api: &'static str) -> Result<String, DispatchError> {
        self.id
            .into_option()
            .ok_or_else(|| http::incomplete(api, "no id in the answer"))
    }
}

/// The answer of `POST /api/v4/files`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Uploaded {
    file_infos: List<Id>,
}

/// An ID as one path segment: Mattermost IDs are 26 letters and digits; anything else is dropped.
fn path_segment(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// An error answer: its `id` names the error (`api.context.permissions.app_error`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Refused {
    id: Lenient<String>,
}

impl http::Refusal for Refused {
    fn code(self) -> Option<String> {
        self.id.0
    }
}

#[cfg(test)]
fn error_code(body: &str) -> String {
    http::refusal_code::<Refused>(body)
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, RETRY_AFTER};

    use super::*;

    #[test]
    fn error_bodies_give_ids_and_nothing_else() {
        assert_eq!(
            error_code(
                r#"{"id":"api.context.permissions.app_error","message":"You do not have the appropriate permissions.","status_code":403}"#
            ),
            "api.context.permissions.app_error"
        );
        assert_eq!(
            error_code("see https://chat.example.com/hooks/x"),
            "(error body withheld)"
        );
    }

    #[test]
    fn retry_after_and_ids() {
        let client = MattermostClient::new(
            Client::default(),
            "https://chat.example.com".to_owned(),
            String::new(),
        );
        let mut headers = HeaderMap::new();
        let wait = |headers: &HeaderMap| client.api.policy().rate_limit_wait(headers, 0);
        assert_eq!(wait(&headers), DEFAULT_RETRY_AFTER);
        headers.insert(RETRY_AFTER, "4".parse().unwrap());
        assert_eq!(wait(&headers), Duration::from_secs(4));
        assert_eq!(path_segment("abc/../def?x"), "abcdefx");
    }
}
