//! The Bot Connector REST API (v3) as the bot: every request goes to the
//! `serviceUrl` an inbound activity carried (bound to it by the activity's
//! JWT), with `Authorization: Bearer` and the app's token from
//! [`super::token`]. A thin shell: what to send is decided by the dispatcher
//! and rendered by [`super::cards`].
//!
//! Following Microsoft's guidance for Teams bots, a 429 is waited out
//! (`Retry-After` if given, else exponential backoff with jitter) and 412,
//! 502 and 504 are retried with exponential backoff and jitter, a bounded
//! number of times. A 401 makes the token be fetched anew, once.
//!
//! The token is never logged and never part of an error. The Connector's
//! `X-Correlating-OperationId` and `MS-CV` (which Microsoft's support asks
//! for) are logged with every error.

use std::time::Duration;

use chatops_outbound::{Answer, Client, RetryPolicy};
use reqwest::{Method, StatusCode, header};
use serde_json::Value;

use super::token::TokenSource;
use super::wire;
use crate::platforms::DispatchError;
use crate::platforms::http;

/// How long one request may take, unless [`ConnectorClient::with_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// The longest wait before one retry, unless [`ConnectorClient::with_max_retry_wait`] says otherwise.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(30);
/// How often a request answered 429, 412, 502 or 504 is sent again before giving up.
pub const MAX_RETRIES: u32 = 3;
/// The statuses besides 429 that Microsoft asks Teams bots to retry.
pub const RETRY_STATUSES: &[u16] = &[412, 502, 504];
/// The first backoff (doubled per retry, with jitter).
const BACKOFF: Duration = Duration::from_secs(1);
/// An error body that cannot be shown.
const WITHHELD: &str = "(error body withheld)";
/// What the Connector takes and answers.
const JSON: &str = "application/json; charset=utf-8";

/// A client of the Bot Connector API, as one bot.
#[derive(Clone, Debug)]
pub struct ConnectorClient {
    http: Client,
    tokens: TokenSource,
    timeout: Duration,
    max_retry_wait: Duration,
}

impl ConnectorClient {
    /// A client sending through `http` (shared) with tokens from `tokens`.
    pub fn new(http: impl Into<Client>, tokens: TokenSource) -> Self {
        ConnectorClient {
            http: http.into(),
            tokens,
            timeout: DEFAULT_TIMEOUT,
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
        }
    }

    /// Caps each wait before a retry (tests use a short one).
    pub fn with_max_retry_wait(mut self, d: Duration) -> Self {
        self.max_retry_wait = d;
        self
    }

    /// Sets how long one request may take.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The token source (the dispatcher may share it).
    pub fn tokens(&self) -> &TokenSource {
        &self.tokens
    }

    /// `POST {serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}`:
    /// `activity` as a reply in `activity_id`'s thread; returns the new
    /// activity's id (`ResourceResponse.id`) if any.
    pub async fn reply_to_activity(
        &self,
        service_url: &str,
        conversation_id: &str,
        activity_id: &str,
        activity: &Value,
    ) -> Result<Option<String>, DispatchError> {
        let url = conversations_url(service_url, &[conversation_id, "activities", activity_id])?;
        self.post("conversations/replyToActivity", &url, activity).await
    }

    /// `POST {serviceUrl}/v3/conversations/{conversationId}/activities`:
    /// `activity` at the end of the conversation; returns the new activity's id if any.
    pub async fn send_to_conversation(
        &self,
        service_url: &str,
        conversation_id: &str,
        activity: &Value,
    ) -> Result<Option<String>, DispatchError> {
        let url = conversations_url(service_url, &[conversation_id, "activities"])?;
        self.post("conversations/sendToConversation", &url, activity)
            .await
    }

    /// `PUT {serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}`:
    /// replaces the activity (e.g. a card whose button was pressed).
    pub async fn update_activity(
        &self,
        service_url: &str,
        conversation_id: &str,
        activity_id: &str,
        activity: &Value,
    ) -> Result<(), DispatchError> {
        let url = conversations_url(service_url, &[conversation_id, "activities", activity_id])?;
        self.call("conversations/updateActivity", Method::PUT, &url, Some(activity))
            .await
            .map(drop)
    }

    /// `DELETE {serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}`.
    pub async fn delete_activity(
        &self,
        service_url: &str,
        conversation_id: &str,
        activity_id: &str,
    ) -> Result<(), DispatchError> {
        let url = conversations_url(service_url, &[conversation_id, "activities", activity_id])?;
        self.call("conversations/deleteActivity", Method::DELETE, &url, None)
            .await
            .map(drop)
    }

    /// `POST {serviceUrl}/v3/conversations` with `ConversationParameters`
    /// (a 1:1 chat with a user for private answers); returns the conversation id.
    pub async fn create_conversation(
        &self,
        service_url: &str,
        parameters: &Value,
    ) -> Result<String, DispatchError> {
        const API: &str = "conversations/createConversation";
        let url = conversations_url(service_url, &[])?;
        self.post(API, &url, parameters)
            .await?
            .ok_or_else(|| http::incomplete(API, "the answer carries no conversation id"))
    }

    /// POSTs `body`; returns the id of what the Connector created
    /// (`ResourceResponse.id`), if it says.
    async fn post(
        &self,
        api: &'static str,
        url: &str,
        body: &Value,
    ) -> Result<Option<String>, DispatchError> {
        let text = self.call(api, Method::POST, url, Some(body)).await?;
        Ok(id_of(&text))
    }

    /// Sends one request with the cached token, and once more with a new
    /// token if the Connector answers 401. Returns the answer's body.
    async fn call(
        &self,
        api: &'static str,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<String, DispatchError> {
        let body = body.map(Value::to_string);
        let mut token = self.tokens.token().await?;
        let mut answer = self.send(api, &method, url, body.as_deref(), &token).await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            tracing::info!(api, "the Bot Connector refused the token; fetching a new one");
            self.tokens.invalidate_if(&token);
            token = self.tokens.token().await?;
            answer = self.send(api, &method, url, body.as_deref(), &token).await?;
        }
        if !answer.status.is_success() {
            let correlation_id = http::header_text(&answer.headers, "x-correlating-operationid");
            let ms_cv = http::header_text(&answer.headers, "ms-cv");
            let mut error = error_code(&answer.text());
            if error.contains(token.as_str()) {
                error = WITHHELD.to_owned();
            }
            tracing::warn!(
                api,
                status = answer.status.as_u16(),
                error = %error,
                correlation_id,
                ms_cv,
                "Bot Connector error"
            );
            return Err(DispatchError::Rejected {
                api,
                status: answer.status.as_u16(),
                error,
            });
        }
        Ok(answer.text())
    }

    /// One request with `token`, with 429, 412, 502 and 504 retried.
    async fn send(
        &self,
        api: &'static str,
        method: &Method,
        url: &str,
        body: Option<&str>,
        token: &str,
    ) -> Result<Answer, DispatchError> {
        // A 429 without `Retry-After` backs off exponentially too.
        let policy = RetryPolicy::rate_limits_only(self.timeout, MAX_RETRIES, self.max_retry_wait, None)
            .with_retry_statuses(RETRY_STATUSES, BACKOFF);
        http::send(api, &policy, || {
            let request = self
                .http
                .request(method.clone(), url)
                .bearer_auth(token)
                .header(header::ACCEPT, "application/json");
            Some(http::with_body(request, JSON, body))
        })
        .await
    }
}

/// `{serviceUrl}/v3/conversations` and then each of `segments`,
/// percent-encoded as one path segment each. The serviceUrl must be https
/// (or http to a loopback host, for tests) without credentials, query or
/// fragment.
fn conversations_url(service_url: &str, segments: &[&str]) -> Result<String, DispatchError> {
    let refuse = |why: &str| {
        Err(DispatchError::Unsupported(format!(
            "the Teams serviceUrl (host {}) {why}",
            http::host_of(service_url)
        )))
    };
    let Ok(parsed) = reqwest::Url::parse(service_url) else {
        return Err(DispatchError::Unsupported(
            "the Teams serviceUrl is not a URL".to_owned(),
        ));
    };
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        _ => return refuse("is not https"),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return refuse("has no host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refuse("carries credentials");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return refuse("has a query or fragment");
    }
    let mut url = format!("{}/v3/conversations", service_url.trim_end_matches('/'));
    for segment in segments {
        url.push('/');
        url.push_str(&percent_encode(segment));
    }
    Ok(url)
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// One path segment as the official client sends it: every byte but the
/// unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX`, so `19:…@thread.skype;messageid=…`
/// becomes `19%3A…%40thread.skype%3Bmessageid%3D…`.
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The Connector's `ErrorResponse` code (`{"error":{"code","message"}}`, or
/// `{"error":"code"}`), else a code-like body; anything else is withheld.
fn error_code(text: &str) -> String {
    http::refusal_code::<wire::ApiError>(text)
}

/// `ResourceResponse.id`, if the answer has one.
fn id_of(text: &str) -> Option<String> {
    wire::object_or_empty::<wire::ResourceResponse>(text.as_bytes())
        .id
        .into_option()
}

#[cfg(test)]
mod tests;
