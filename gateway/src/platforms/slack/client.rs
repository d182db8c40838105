//! The Slack Web API and response URLs, with Slack's rate limits honoured.

use std::time::Duration;

use reqwest::{StatusCode, header};
use serde_json::Value;

use crate::platforms::DispatchError;

/// How often a request answered 429 is sent again before giving up.
const MAX_RETRIES: u32 = 3;

/// A client of one Slack app's bot.
#[derive(Clone)]
pub struct SlackClient {
    http: reqwest::Client,
    api_url: String,
    token: String,
    max_retry_wait: Duration,
}

impl std::fmt::Debug for SlackClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackClient")
            .field("api_url", &self.api_url)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// A file to upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// File name, e.g. `devices.txt`.
    pub file_name: String,
    /// Title shown in Slack.
    pub title: String,
    /// The content.
    pub bytes: Vec<u8>,
}

impl SlackClient {
    /// A client of the Web API at `api_url` (`https://slack.com/api`) with the bot `token`.
    pub fn new(http: reqwest::Client, api_url: String, token: String) -> Self {
        SlackClient {
            http,
            api_url: api_url.trim_end_matches('/').to_owned(),
            token,
            max_retry_wait: Duration::from_secs(30),
        }
    }

    /// Caps each wait for `Retry-After` (tests use a short one).
    pub fn with_max_retry_wait(mut self, wait: Duration) -> Self {
        self.max_retry_wait = wait;
        self
    }

    /// Calls a Web API method with a JSON body; `ok: false` becomes an error.
    pub async fn call(&self, api: &'static str, body: &Value) -> Result<Value, DispatchError> {
        let url = format!("{}/{api}", self.api_url);
        let request = self.http.post(&url).bearer_auth(&self.token).json(body);
        let answer = self.send(api, request).await?;
        ok_or_rejected(api, answer)
    }

    /// Calls a Web API method with a form body (as `files.getUploadURLExternal` wants it).
    async fn call_form(&self, api: &'static str, form: &[(&str, String)]) -> Result<Value, DispatchError> {
        let url = format!("{}/{api}", self.api_url);
        let request = self.http.post(&url).bearer_auth(&self.token).form(form);
        let answer = self.send(api, request).await?;
        ok_or_rejected(api, answer)
    }

    /// Posts to a response URL. It is a credential in itself: no token goes with it,
    /// and errors never repeat it.
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), DispatchError> {
        let request = self.http.post(response_url).json(body);
        self.send("response_url", request).await.map(drop)
    }

    /// Uploads a file into a channel (and thread) with the v2 flow:
    /// reserve an upload URL, send the bytes, complete the upload.
    pub async fn upload(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        upload: &Upload,
    ) -> Result<(), DispatchError> {
        let reserved = self
            .call_form(
                "files.getUploadURLExternal",
                &[
                    ("filename", upload.file_name.clone()),
                    ("length", upload.bytes.len().to_string()),
                ],
            )
            .await?;
        let field = |name: &str| reserved.get(name).and_then(Value::as_str).map(str::to_owned);
        let (Some(upload_url), Some(file_id)) = (field("upload_url"), field("file_id")) else {
            return Err(DispatchError::Rejected {
                api: "files.getUploadURLExternal",
                status: 200,
                error: "no upload_url or file_id in the answer".to_owned(),
            });
        };
        let request = self.http.post(&upload_url).body(upload.bytes.clone());
        self.send("upload_url", request).await?;
        let mut complete = serde_json::json!({
            "files": [{"id": file_id, "title": upload.title}],
            "channel_id": channel,
        });
        if let Some(thread_ts) = thread_ts {
            complete["thread_ts"] = Value::from(thread_ts);
        }
        self.call("files.completeUploadExternal", &complete)
            .await
            .map(drop)
    }

    /// Sends a request, waiting out 429s as `Retry-After` asks (up to [`MAX_RETRIES`] times).
    async fn send(
        &self,
        api: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, DispatchError> {
        let transport = |err: reqwest::Error| DispatchError::Transport {
            api,
            // Without the URL: a response URL or an upload URL is a credential.
            reason: err.without_url().to_string(),
        };
        let mut attempt = 0;
        loop {
            let Some(this_try) = request.try_clone() else {
                return Err(DispatchError::Unsupported(format!(
                    "{api}: the request cannot be resent"
                )));
            };
            let response = this_try.send().await.map_err(transport)?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                attempt += 1;
                if attempt > MAX_RETRIES {
                    return Err(DispatchError::RateLimited {
                        api,
                        attempts: attempt,
                    });
                }
                let wait = response
                    .headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs)
                    .unwrap_or(Duration::from_secs(1))
                    .min(self.max_retry_wait);
                tracing::info!(
                    api,
                    wait_secs = wait.as_secs(),
                    attempt,
                    "Slack rate limit; retrying"
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            let text = response.text().await.map_err(transport)?;
            if !status.is_success() {
                return Err(DispatchError::Rejected {
                    api,
                    status: status.as_u16(),
                    error: text.chars().take(200).collect(),
                });
            }
            // Response URLs answer `ok` as plain text; the Web API answers JSON.
            return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
        }
    }
}

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
        status: 200,
        error,
    })
}
