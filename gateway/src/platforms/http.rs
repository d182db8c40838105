//! The platform clients' side of [`chatops_outbound`]: its errors as
//! [`DispatchError`]s, and [`BearerApi`], the REST API of a chat platform
//! called with the bot's bearer token (Slack, Mattermost, Webex).
//!
//! A client holds one [`BearerApi`] (its timeout and `Retry-After` cap are
//! set there, once), calls a method with [`BearerApi::call`] and reads the
//! answer as a serde type of its own ([`success_as`], lenient as the
//! platforms' payloads are: [`crate::platforms::json`]), never by field name.
//! Answers to a response URL go through [`BearerApi::respond`].

use std::time::Duration;

use chatops_outbound::{Answer, Client, OutboundError, RetryPolicy, Secret};
use reqwest::{Method, RequestBuilder, header};
use serde_json::Value;

use serde::de::DeserializeOwned;

use crate::platforms::response_url::ResponseUrls;
use crate::platforms::{DispatchError, json};

pub use chatops_outbound::{code_or_withheld, host_of};

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

/// A platform's error answer as a serde type of its client: the error code it names.
pub trait Refusal: DeserializeOwned {
    /// The code, if the answer names one.
    fn code(self) -> Option<String>;
}

/// The error code of an error answer: what its [`Refusal`] `R` names when
/// the body is a JSON object, else the body if it looks like a code
/// ([`code_or_withheld`]).
pub fn refusal_code<R: Refusal>(body: &str) -> String {
    json::object::<R>(body.as_bytes())
        .and_then(R::code)
        .unwrap_or_else(|| code_or_withheld(body))
}

/// The answer if it is a success, else the platform's refusal with the
/// error code its [`Refusal`] `R` names ([`refusal_code`]).
pub fn accepted<R: Refusal>(api: &'static str, answer: Answer) -> Result<Answer, DispatchError> {
    refused_unless_success(api, answer, refusal_code::<R>)
}

/// The answer if it is a success, else a refusal with the error `code` reads from the body.
fn refused_unless_success(
    api: &'static str,
    answer: Answer,
    code: impl FnOnce(&str) -> String,
) -> Result<Answer, DispatchError> {
    if answer.status.is_success() {
        return Ok(answer);
    }
    Err(DispatchError::Rejected {
        api,
        status: answer.status.as_u16(),
        error: code(&answer.text()),
    })
}

/// The body of a successful answer read leniently as `T` ([`json::parse`]:
/// a missing or mistyped field is absent); a body that is not JSON is
/// refused ([`incomplete`], with serde's reason, never the body), a failure
/// as in [`accepted`].
pub fn success_as<T: DeserializeOwned + Default, R: Refusal>(
    api: &'static str,
    answer: Answer,
) -> Result<T, DispatchError> {
    let answer = accepted::<R>(api, answer)?;
    json::parse(&answer.body).map_err(|err| incomplete(api, &format!("an answer that is not JSON: {err}")))
}

/// The refusal of an answer that succeeded but lacks what the caller needs
/// (`what`, e.g. "no id in the answer").
pub fn incomplete(api: &'static str, what: &str) -> DispatchError {
    DispatchError::Rejected {
        api,
        status: reqwest::StatusCode::OK.as_u16(),
        error: what.to_owned(),
    }
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
#[derive(Clone, Debug)]
pub struct BearerApi {
    http: Client,
    base_url: String,
    token: Secret,
    /// How long one request may take.
    timeout: Duration,
    /// The longest wait for one `Retry-After`.
    max_retry_wait: Duration,
    /// The wait of a 429 without a usable `Retry-After`.
    default_retry_after: Duration,
    /// The shortest wait a `Retry-After` gives.
    min_retry_after: Duration,
}

impl BearerApi {
    /// The API at `base_url` (a trailing `/` dropped) with `token`, sending
    /// through `http`; a 429 without `Retry-After` waits `default_retry_after`.
    pub fn new(http: Client, base_url: &str, token: String, default_retry_after: Duration) -> Self {
        BearerApi {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: Secret::new(token),
            timeout: DEFAULT_TIMEOUT,
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
            default_retry_after,
            min_retry_after: Duration::ZERO,
        }
    }

    /// Sets how long one request may take.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        BearerApi { timeout, ..self }
    }

    /// Caps each wait for `Retry-After` (tests use a short one).
    pub fn with_max_retry_wait(self, max_retry_wait: Duration) -> Self {
        BearerApi {
            max_retry_wait,
            ..self
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
        self.token.authorize(request)
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
            Some(with_body(request, content_type, body.as_deref()))
        })
        .await
    }

    /// Posts `body` as `content_type` to a response URL that `allowed`
    /// follows (Slack's and Mattermost's slash commands and actions). The URL
    /// is a credential in itself: no token goes with it, and only its host is
    /// ever logged. A refusal's error code is what `R` names.
    pub async fn respond<R: Refusal>(
        &self,
        allowed: &ResponseUrls,
        response_url: &str,
        content_type: &'static str,
        body: &Value,
    ) -> Result<(), DispatchError> {
        tracing::debug!(host = host_of(response_url), "posting to a response URL");
        let url = allowed.follow(response_url)?;
        let body = body.to_string();
        let answer = self
            .send("response_url", || {
                Some(with_body(self.http.post(url.clone()), content_type, Some(&body)))
            })
            .await?;
        accepted::<R>("response_url", answer).map(drop)
    }
}

/// The value of header `name`, if it is text (for the IDs support asks for).
pub fn header_text(headers: &header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `request` with `body` as `content_type`, if there is a body.
pub fn with_body(request: RequestBuilder, content_type: &'static str, body: Option<&str>) -> RequestBuilder {
    match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, content_type)
            .body(body.to_owned()),
        None => request,
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

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            headers: header::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            attempts: 1,
        }
    }

    /// A refusal whose code is its `message`, as Webex's.
    #[derive(serde::Deserialize)]
    struct Message {
        message: String,
    }

    impl Refusal for Message {
        fn code(self) -> Option<String> {
            Some(self.message)
        }
    }

    #[test]
    fn a_success_that_is_not_json_is_refused_and_other_json_is_empty() {
        #[derive(Debug, Default, serde::Deserialize, PartialEq)]
        struct Id {
            id: json::Text,
        }
        let err = success_as::<Id, Message>("posts", answer(200, "<html>")).unwrap_err();
        assert!(
            matches!(&err, DispatchError::Rejected { status: 200, error, .. } if error.starts_with("an answer that is not JSON")),
            "{err:?}"
        );
        assert_eq!(
            success_as::<Id, Message>("posts", answer(200, "[1]")).unwrap(),
            Id::default()
        );
    }

    #[test]
    fn a_refusal_names_the_code_its_type_reads_else_a_code_like_body() {
        for (body, code) in [
            (r#"{"message": "Not Found"}"#, "Not Found"),
            (r#"["Not Found"]"#, "(error body withheld)"),
            ("expired_url", "expired_url"),
            ("see https://x.example/secret", "(error body withheld)"),
        ] {
            let err = accepted::<Message>("messages", answer(404, body)).unwrap_err();
            assert!(
                matches!(&err, DispatchError::Rejected { status: 404, error, .. } if error == code),
                "{body}: {err:?}"
            );
        }
    }

    #[test]
    fn debug_hides_the_token() {
        use crate::platforms::{mattermost::client::MattermostClient, slack::client::SlackClient};
        let url = "https://chat.example.com/";
        let api = BearerApi::new(
            Client::default(),
            url,
            "bot-secret".to_owned(),
            Duration::from_secs(1),
        );
        let slack = SlackClient::new(Client::default(), url.to_owned(), "xoxb-secret".to_owned());
        let mattermost = MattermostClient::new(Client::default(), url.to_owned(), "mm-secret".to_owned());
        for (debug, token) in [
            (format!("{api:?}"), "bot-secret"),
            (format!("{slack:?}"), "xoxb-secret"),
            (format!("{mattermost:?}"), "mm-secret"),
        ] {
            assert!(!debug.contains(token), "{debug}");
            assert!(debug.contains("<redacted>"), "{debug}");
            assert!(debug.contains("\"https://chat.example.com\""), "{debug}");
        }
    }
}
