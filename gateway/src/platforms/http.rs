//! The platform clients' side of [`chatops_outbound`]: its errors as
//! [`DispatchError`]s, and [`BearerApi`], the REST API of a chat platform
//! called with the bot's bearer token (Slack, Mattermost, Webex).

use std::time::Duration;

use chatops_outbound::{Answer, Client, OutboundError, RetryPolicy};
use reqwest::{Method, RequestBuilder, header};
use serde_json::Value;

use crate::platforms::DispatchError;

pub use chatops_outbound::{error_code, host_of};

impl From<OutboundError> for DispatchError {
    fn from(err: OutboundError) -> Self {
        match err {
            OutboundError::Transport { api, reason, .. } => DispatchError::Transport { api, reason },
            OutboundError::RateLimited { api, attempts, .. } => DispatchError::RateLimited { api, attempts },
            OutboundError::TooLarge { api, limit } => DispatchError::Transport {
                api,
                reason: format!("a reply larger than {limit} bytes"),
            },
            other @ (OutboundError::NotResendable { .. }
            | OutboundError::CaBundle(_)
            | OutboundError::Build(_)) => DispatchError::Unsupported(other.to_string()),
        }
    }
}

/// Sends the request `build` makes under `policy` ([`chatops_outbound::send`]).
pub async fn send(
    api: &'static str,
    policy: &RetryPolicy,
    build: impl FnMut() -> Option<RequestBuilder>,
) -> Result<Answer, DispatchError> {
    Ok(chatops_outbound::send(api, policy, build).await?)
}

/// The answer if it is a success, else the platform's refusal with the
/// error code at `key` of its body ([`error_code`]).
pub fn success(api: &'static str, answer: Answer, key: &str) -> Result<Answer, DispatchError> {
    if answer.status.is_success() {
        return Ok(answer);
    }
    Err(DispatchError::Rejected {
        api,
        status: answer.status.as_u16(),
        error: error_code(&answer.text(), key),
    })
}

/// The body of a successful answer as JSON (`null` when it is not: response
/// and upload URLs answer plain text); a failure as in [`success`].
pub fn success_json(api: &'static str, answer: Answer, key: &str) -> Result<Value, DispatchError> {
    let answer = success(api, answer, key)?;
    Ok(serde_json::from_slice(&answer.body).unwrap_or(Value::Null))
}

/// How long one request may take, unless a client's `with_timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait for one `Retry-After`, unless a client's `with_max_retry_wait` says otherwise.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(30);
/// How often a request answered 429 is sent again before giving up.
pub const MAX_RETRIES: u32 = 3;

/// A platform's REST API at `base_url` with the bot's token as
/// `Authorization: Bearer`, and its 429s waited out.
///
/// The token is never logged and never part of an error or of `Debug`.
#[derive(Clone)]
pub struct BearerApi {
    http: Client,
    base_url: String,
    token: String,
    /// How long one request may take.
    pub timeout: Duration,
    /// The longest wait for one `Retry-After`.
    pub max_retry_wait: Duration,
    /// The wait of a 429 without a usable `Retry-After`.
    default_retry_after: Duration,
    /// The shortest wait a `Retry-After` gives.
    min_retry_after: Duration,
}

impl std::fmt::Debug for BearerApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerApi")
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("max_retry_wait", &self.max_retry_wait)
            .finish_non_exhaustive()
    }
}

impl BearerApi {
    /// The API at `base_url` (a trailing `/` dropped) with `token`, sending
    /// through `http`; a 429 without `Retry-After` waits `default_retry_after`.
    pub fn new(http: Client, base_url: &str, token: String, default_retry_after: Duration) -> Self {
        BearerApi {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            token,
            timeout: DEFAULT_TIMEOUT,
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
            default_retry_after,
            min_retry_after: Duration::ZERO,
        }
    }

    /// Makes a shorter `Retry-After` (Webex's `0`) count as `min`.
    pub fn with_min_retry_after(mut self, min: Duration) -> Self {
        self.min_retry_after = min;
        self
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The shared HTTP client, for requests without the token (response URLs).
    pub fn http(&self) -> &Client {
        &self.http
    }

    /// `request` with the bot's token.
    pub fn authorized(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth(&self.token)
    }

    /// 429s waited out up to [`MAX_RETRIES`] times, each attempt within the timeout.
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy::rate_limits_only(
            self.timeout,
            MAX_RETRIES,
            self.max_retry_wait,
            Some(self.default_retry_after),
        )
        .with_min_retry_after(self.min_retry_after)
    }

    /// Sends the request `build` makes under [`Self::policy`].
    pub async fn send(
        &self,
        api: &'static str,
        build: impl FnMut() -> Option<RequestBuilder>,
    ) -> Result<Answer, DispatchError> {
        send(api, &self.policy(), build).await
    }

    /// `method` at `url` with the token and `body` (serialised once, so a
    /// retry resends the identical bytes) as `content_type`, if any.
    pub async fn json(
        &self,
        api: &'static str,
        method: Method,
        url: &str,
        content_type: &'static str,
        body: Option<&Value>,
    ) -> Result<Answer, DispatchError> {
        let body = body.map(Value::to_string);
        self.send(api, || {
            let request = self.authorized(self.http.request(method.clone(), url));
            Some(match &body {
                Some(body) => request
                    .header(header::CONTENT_TYPE, content_type)
                    .body(body.clone()),
                None => request,
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbound_errors_keep_their_dispatch_shape() {
        let limited = DispatchError::from(OutboundError::RateLimited {
            api: "chat.postMessage",
            attempts: 4,
            retry_after: None,
        });
        assert!(matches!(limited, DispatchError::RateLimited { attempts: 4, .. }));
        let resent = DispatchError::from(OutboundError::NotResendable { api: "files" });
        assert_eq!(
            resent.to_string(),
            "cannot deliver this reply: files: the request cannot be resent"
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let api = BearerApi::new(
            Client::default(),
            "https://chat.example.com/",
            "bot-secret".to_owned(),
            Duration::from_secs(1),
        );
        let debug = format!("{api:?}");
        assert!(!debug.contains("bot-secret"), "{debug}");
        assert!(debug.contains("\"https://chat.example.com\""), "{debug}");
    }
}
