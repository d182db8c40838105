//! The Slack Web API and response URLs: the requests slack_sdk makes, with
//! Slack's rate limits honoured. A thin shell: what to send is decided by the
//! dispatcher and rendered by [`super::blocks`].

use std::time::Duration;

use chatops_outbound::Client;
use reqwest::{Method, StatusCode, header};
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
    pub fn with_max_retry_wait(mut self, wait: Duration) -> Self {
        self.api.max_retry_wait = wait;
        self
    }

    /// Sets how long one request may take.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.api.timeout = timeout;
        self
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
        let answer = self.call("chat.postMessage", &body).await?;
        let field = |name: &str| answer.get(name).and_then(Value::as_str).map(str::to_owned);
        Ok(Posted {
            channel: field("channel").unwrap_or_else(|| channel.to_owned()),
            ts: field("ts"),
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
        self.call("chat.postEphemeral", &body).await.map(drop)
    }

    /// `views.open`: opens the modal `view` for the user whose interaction
    /// gave `trigger_id` (valid for 3 seconds).
    pub async fn views_open(&self, trigger_id: &str, view: &Value) -> Result<(), DispatchError> {
        let body = json!({"trigger_id": trigger_id, "view": view});
        self.call("views.open", &body).await.map(drop)
    }

    /// `chat.delete`: deletes the bot's message `ts` in `channel` (not an ephemeral one:
    /// those go through their response URL).
    pub async fn chat_delete(&self, channel: &str, ts: &str) -> Result<(), DispatchError> {
        let body = json!({"channel": channel, "ts": ts});
        self.call("chat.delete", &body).await.map(drop)
    }

    /// Posts `body` to a response URL: a message with `response_type`
    /// (`in_channel` or `ephemeral`) and `replace_original`, or `{"delete_original": true}`.
    ///
    /// The URL is a credential in itself: no token goes with it, and only its
    /// host is ever logged.
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), DispatchError> {
        tracing::debug!(host = host_of(response_url), "posting to a response URL");
        let url = self.response_urls.follow(response_url)?;
        let request = self
            .api
            .http()
            .post(url)
            .header(header::CONTENT_TYPE, JSON_CONTENT_TYPE)
            .body(body.to_string());
        // A response URL answers `ok` as plain text, or an error code with a 4xx.
        self.send("response_url", request).await.map(drop)
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
        let reserved = self.call_form("files.getUploadURLExternal", &reserve).await?;
        let field = |name: &str| reserved.get(name).and_then(Value::as_str).map(str::to_owned);
        let (Some(upload_url), Some(file_id)) = (field("upload_url"), field("file_id")) else {
            return Err(DispatchError::Rejected {
                api: "files.getUploadURLExternal",
                status: StatusCode::OK.as_u16(),
                error: "no upload_url or file_id in the answer".to_owned(),
            });
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
        self.send("upload_url", request).await?;

        let files = json!([{"id": file_id, "title": title}]).to_string();
        let mut complete = vec![("files", files), ("channel_id", channel.to_owned())];
        if let Some(thread_ts) = thread_ts {
            complete.push(("thread_ts", thread_ts.to_owned()));
        }
        self.call_form("files.completeUploadExternal", &complete).await?;
        Ok(file_id)
    }

    /// Calls a Web API method with a JSON body; `ok: false` becomes [`DispatchError::Rejected`].
    async fn call(&self, api: &'static str, body: &Value) -> Result<Value, DispatchError> {
        let url = format!("{}/{api}", self.api.base_url());
        let answer = self
            .api
            .json(api, Method::POST, &url, JSON_CONTENT_TYPE, Some(body))
            .await?;
        ok_or_rejected(api, http::success_json(api, answer, "error")?)
    }

    /// Calls a Web API method with a form body, as slack_sdk sends the file methods.
    async fn call_form(&self, api: &'static str, form: &[(&str, String)]) -> Result<Value, DispatchError> {
        let url = format!("{}/{api}", self.api.base_url());
        let request = self.api.authorized(self.api.http().post(url)).form(form);
        ok_or_rejected(api, self.send(api, request).await?)
    }

    /// Sends a request under the API's policy (429s waited out); resends the
    /// identical request.
    async fn send(
        &self,
        api: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, DispatchError> {
        let answer = self.api.send(api, || request.try_clone()).await?;
        http::success_json(api, answer, "error")
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
fn ok_or_rejected(api: &'static str, answer: Value) -> Result<Value, DispatchError> {
    if answer.get("ok").and_then(Value::as_bool) == Some(true) {
        return Ok(answer);
    }
    let error = answer
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("unexpected answer")
        .to_owned();
    Err(DispatchError::Rejected {
        api,
        status: StatusCode::OK.as_u16(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wait of the first 429 with `headers`, as the client's policy has it.
    fn retry_after(headers: &header::HeaderMap) -> Duration {
        let client = SlackClient::new(Client::default(), DEFAULT_API_URL.to_owned(), String::new());
        client.api.policy().rate_limit_wait(headers, 0)
    }

    #[test]
    fn debug_hides_the_token() {
        let client = SlackClient::new(
            Client::default(),
            DEFAULT_API_URL.to_owned(),
            "xoxb-secret".to_owned(),
        );
        let debug = format!("{client:?}");
        assert!(!debug.contains("xoxb-secret"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut headers = header::HeaderMap::new();
        assert_eq!(retry_after(&headers), DEFAULT_RETRY_AFTER);
        headers.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Duration::from_secs(7));
    }
}
