//! The Slack Web API and response URLs: the requests slack_sdk makes, with
//! Slack's rate limits honoured. A thin shell: what to send is decided by the
//! dispatcher and rendered by [`super::blocks`].

use std::time::Duration;

use chatops_outbound::Client;
use reqwest::{Method, header};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::platforms::DispatchError;
use crate::platforms::http::{self, BearerApi, host_of};
use crate::platforms::response_url::ResponseUrls;

pub use crate::platforms::http::{DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT, MAX_RETRIES};
/// Where the Web API lives.
pub const DEFAULT_API_URL: &str = "https://slack.com/api";
/// What slack_sdk sends JSON as (`Content-Type`), and so does the gateway.
const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
/// The content type slack_sdk's upload step happens to send the raw bytes with
/// (Python's urllib default); Slack takes the body as the file whatever it says.
const UPLOAD_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// The wait when a 429 comes without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// A client of one Slack app's bot.
///
/// The bot token is never logged and never part of an error; nor are response
/// URLs or upload URLs, which are credentials in themselves.
#[derive(Clone, Debug)]
pub struct SlackClient {
    api: BearerApi,
    response_urls: ResponseUrls,
}

/// A message `chat.postMessage` posted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posted {
    /// The conversation it landed in: the channel asked for, or the direct
    /// message Slack opened when a user ID was given.
    pub channel: String,
    /// Its timestamp (its ID within the conversation), when Slack said.
    pub ts: Option<String>,
}

impl SlackClient {
    /// A client of the Web API at `api_url` ([`DEFAULT_API_URL`], or a fake in tests)
    /// with the bot `token`, sending through `http` (shared, for its connection pool).
    pub fn new(http: impl Into<Client>, api_url: String, token: String) -> Self {
        SlackClient {
            api: BearerApi::new(http.into(), &api_url, token, DEFAULT_RETRY_AFTER),
            response_urls: ResponseUrls::slack(&[], false),
        }
    }

    /// Sets where response URLs may point (by default `hooks.slack.com` only).
    pub fn with_response_urls(mut self, response_urls: ResponseUrls) -> Self {
        self.response_urls = response_urls;
        self
    }

    /// Caps each wait for `Retry-After` (tests use a short one).
    pub fn with_max_retry_wait(self, wait: Duration) -> Self {
        SlackClient {
            api: self.api.with_max_retry_wait(wait),
            ..self
        }
    }

    /// Sets how long one request may take.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        SlackClient {
            api: self.api.with_timeout(timeout),
            ..self
        }
    }

    /// `chat.postMessage`: posts `text` (the notification text) and `blocks` in
    /// `channel`, in the thread `thread_ts` if given. A user ID as `channel`
    /// posts in the user's direct messages with the app.
    pub async fn post_message(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        text: &str,
        blocks: &[Value],
    ) -> Result<Posted, DispatchError> {
        let body = message_body(json!({"channel": channel}), thread_ts, text, blocks);
        let answer: wire::Posted = self.call("chat.postMessage", &body).await?;
        Ok(Posted {
            channel: answer.channel.into_option().unwrap_or_else(|| channel.to_owned()),
            ts: answer.ts.into_option(),
        })
    }

    /// `chat.postEphemeral`: shows `text` and `blocks` to `user` only, in `channel`
    /// (and thread). The user must be in the channel, and so must the bot.
    pub async fn post_ephemeral(
        &self,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        text: &str,
        blocks: &[Value],
    ) -> Result<(), DispatchError> {
        let body = message_body(json!({"channel": channel, "user": user}), thread_ts, text, blocks);
        self.call::<wire::Nothing>("chat.postEphemeral", &body)
            .await
            .map(drop)
    }

    /// `views.open`: opens the modal `view` for the user whose interaction
    /// gave `trigger_id` (valid for 3 seconds).
    pub async fn views_open(&self, trigger_id: &str, view: &Value) -> Result<(), DispatchError> {
        let body = json!({"trigger_id": trigger_id, "view": view});
        self.call::<wire::Nothing>("views.open", &body).await.map(drop)
    }

    /// `chat.delete`: deletes the bot's message `ts` in `channel` (not an ephemeral one:
    /// those go through their response URL).
    pub async fn chat_delete(&self, channel: &str, ts: &str) -> Result<(), DispatchError> {
        let body = json!({"channel": channel, "ts": ts});
        self.call::<wire::Nothing>("chat.delete", &body).await.map(drop)
    }

    /// Posts `body` to a response URL: a message with `response_type`
    /// (`in_channel` or `ephemeral`) and `replace_original`, or `{"delete_original": true}`.
    ///
    /// The URL is a credential in itself: no token goes with it, and only its
    /// host is ever logged.
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), DispatchError> {
        // A response URL answers `ok` as plain text, or an error code with a 4xx.
        self.api
            .respond::<wire::Refused>(&self.response_urls, response_url, JSON_CONTENT_TYPE, body)
            .await
    }

    /// Uploads a file into `channel` (a `C`, `G` or `D` conversation ID: Slack
    /// refuses user IDs here), in the thread `thread_ts` if given, with the v2
    /// flow slack_sdk's `files_upload_v2` uses: reserve an upload URL, send the
    /// bytes there, complete the upload. Returns the file's ID.
    pub async fn upload_file(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        file_name: &str,
        title: &str,
        bytes: &[u8],
    ) -> Result<String, DispatchError> {
        let reserve = [
            ("filename", file_name.to_owned()),
            ("length", bytes.len().to_string()),
        ];
        let reserved: wire::UploadUrl = self.call_form("files.getUploadURLExternal", &reserve).await?;
        let (Some(upload_url), Some(file_id)) = (reserved.upload_url.0, reserved.file_id.0) else {
            return Err(http::incomplete(
                "files.getUploadURLExternal",
                "no upload_url or file_id in the answer",
            ));
        };

        // The upload URL is signed by Slack: it takes no token (and must not get one).
        tracing::debug!(
            host = host_of(&upload_url),
            bytes = bytes.len(),
            "uploading a file"
        );
        let request = self
            .api
            .http()
            .post(&upload_url)
            .header(header::CONTENT_TYPE, UPLOAD_CONTENT_TYPE)
            .body(bytes.to_vec());
        let answer = self.api.send("upload_url", || request.try_clone()).await?;
        http::accepted::<wire::Refused>("upload_url", answer)?;

        let files = json!([{"id": file_id, "title": title}]).to_string();
        let mut complete = vec![("files", files), ("channel_id", channel.to_owned())];
        if let Some(thread_ts) = thread_ts {
            complete.push(("thread_ts", thread_ts.to_owned()));
        }
        self.call_form::<wire::Nothing>("files.completeUploadExternal", &complete)
            .await?;
        Ok(file_id)
    }

    /// `apps.connections.open`: the URL of a new Socket Mode connection, with
    /// the app-level token this client was made with. The URL carries a
    /// single-use ticket: it is a credential, never logged.
    pub async fn apps_connections_open(&self) -> Result<String, DispatchError> {
        let opened: wire::Opened = self.call_form("apps.connections.open", &[]).await?;
        opened
            .url
            .0
            .ok_or_else(|| http::incomplete("apps.connections.open", "no url in the answer"))
    }

    /// Calls a Web API method with a JSON body; `ok: false` becomes [`DispatchError::Rejected`].
    async fn call<T: DeserializeOwned + Default>(
        &self,
        api: &'static str,
        body: &Value,
    ) -> Result<T, DispatchError> {
        let url = format!("{}/{api}", self.api.base_url());
        let answer = self
            .api
            .json(api, Method::POST, &url, JSON_CONTENT_TYPE, Some(body))
            .await?;
        ok_or_rejected(api, http::success_as::<_, wire::Refused>(api, answer)?)
    }

    /// Calls a Web API method with a form body, as slack_sdk sends the file methods.
    async fn call_form<T: DeserializeOwned + Default>(
        &self,
        api: &'static str,
        form: &[(&str, String)],
    ) -> Result<T, DispatchError> {
        let url = format!("{}/{api}", self.api.base_url());
        let request = self.api.authorized(self.api.http().post(url)).form(form);
        let answer = self.api.send(api, || request.try_clone()).await?;
        ok_or_rejected(api, http::success_as::<_, wire::Refused>(api, answer)?)
    }
}

/// A message body: `base` (channel, user) with the text, blocks and thread.
fn message_body(mut base: Value, thread_ts: Option<&str>, text: &str, blocks: &[Value]) -> Value {
    base["text"] = Value::from(text);
    // An empty `blocks` is refused by Slack; without blocks, the text is the message.
    if !blocks.is_empty() {
        base["blocks"] = Value::from(blocks.to_vec());
    }
    if let Some(thread_ts) = thread_ts {
        base["thread_ts"] = Value::from(thread_ts);
    }
    base
}

/// `ok: true` passes; anything else is the platform's refusal, with its error code.
fn ok_or_rejected<T>(api: &'static str, answer: wire::WebApi<T>) -> Result<T, DispatchError> {
    match answer.ok.0 {
        Some(true) => Ok(answer.method),
        _ => Err(http::incomplete(
            api,
            answer.error.get().unwrap_or("unexpected answer"),
        )),
    }
}

/// The Web API's answers, as far as the client reads them.
mod wire {
    use serde::Deserialize;

    use crate::platforms::http::Refusal;
    use crate::platforms::json::{Lenient, Text};

    /// What every method answers: `ok`, the `error` code when not, and the method's own fields.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct WebApi<T> {
        pub ok: Lenient<bool>,
        pub error: Text,
        #[serde(flatten)]
        pub method: T,
    }

    /// An error answer: its `error` code (a Web API method's, or a response URL's).
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct Refused {
        pub error: Lenient<String>,
    }

    impl Refusal for Refused {
        fn code(self) -> Option<String> {
            self.error.0
        }
    }

    /// A method whose own fields the client does not read.
    #[derive(Debug, Default, Deserialize)]
    pub struct Nothing {}

    /// `chat.postMessage`'s.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct Posted {
        pub channel: Text,
        pub ts: Text,
    }

    /// `apps.connections.open`'s.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct Opened {
        pub url: Text,
    }

    /// `files.getUploadURLExternal`'s.
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct UploadUrl {
        pub upload_url: Text,
        pub file_id: Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_give_codes_and_nothing_else() {
        let cases = [
            (r#"{"ok":false,"error":"invalid_blocks"}"#, "invalid_blocks"),
            ("expired_url", "expired_url"),
            ("see https://hooks.slack.com/x", "(error body withheld)"),
            ("", "(error body withheld)"),
        ];
        for (body, code) in cases {
            assert_eq!(http::refusal_code::<wire::Refused>(body), code, "{body:?}");
        }
    }

    #[test]
    fn a_429_waits_its_retry_after_in_seconds_or_one() {
        let client = SlackClient::new(Client::default(), DEFAULT_API_URL.to_owned(), String::new());
        let mut headers = header::HeaderMap::new();
        let wait = |headers: &header::HeaderMap| client.api.policy().rate_limit_wait(headers, 0);
        assert_eq!(wait(&headers), DEFAULT_RETRY_AFTER);
        headers.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(wait(&headers), Duration::from_secs(7));
    }
}
