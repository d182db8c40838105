//! What the platform clients share: one HTTP client with timeouts, the bot
//! token kept out of `Debug`, and the reading of a reply (429 and
//! `Retry-After`, server errors, JSON that does not parse) into
//! [`LookupError`]s that never quote a request header.

use std::time::Duration;

use reqwest::{
    RequestBuilder, StatusCode, Url,
    header::{HeaderMap, RETRY_AFTER},
};
use serde::de::DeserializeOwned;

use super::LookupError;

/// The longest a whole request may take, connection included.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A `Retry-After` beyond this is taken as this: a platform's bad day must
/// not park a look-up for days.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Replies larger than this are refused rather than buffered.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// The HTTP client of the look-ups.
///
/// Redirects are not followed: an API that redirects is misconfigured, and
/// following would carry the bot token to wherever it points.
pub(crate) fn client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("chatops-operator/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A bot token or app password. `Debug` prints no part of it.
#[derive(Clone)]
pub(crate) struct Token(String);

impl Token {
    /// Wraps a secret value.
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The request with `Authorization: Bearer …`, marked sensitive so that
    /// reqwest's own logging never shows it.
    pub(crate) fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth(&self.0)
    }

    /// The value itself, for a form field (the Microsoft token request).
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A reply whose status was neither 429 nor a server error.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers (Webex pages by `Link`).
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as `T`, or a [`LookupError::Malformed`] saying what did not parse.
    pub(crate) fn json<T: DeserializeOwned>(&self, platform: &'static str) -> Result<T, LookupError> {
        serde_json::from_slice(&self.body).map_err(|error| LookupError::Malformed {
            platform,
            detail: format!("HTTP {}: {error}", self.status.as_u16()),
        })
    }
}

/// Sends `request`. A 429 becomes [`LookupError::RateLimited`] with the
/// platform's `Retry-After`; a failed connection, a timeout or a 5xx becomes
/// [`LookupError::Unreachable`]; any other reply is returned to the caller,
/// which knows what its platform means by it.
pub(crate) async fn send(platform: &'static str, request: RequestBuilder) -> Result<Reply, LookupError> {
    let mut response = request
        .send()
        .await
        .map_err(|error| unreachable(platform, error))?;
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(LookupError::RateLimited {
            platform,
            retry_after: retry_after(response.headers()),
        });
    }
    if status.is_server_error() {
        return Err(LookupError::Unreachable {
            platform,
            detail: format!("HTTP {}", status.as_u16()),
        });
    }
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| unreachable(platform, error))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(LookupError::Malformed {
                platform,
                detail: format!("a reply larger than {MAX_BODY} bytes"),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// A transport error, described without the URL (which holds the email).
fn unreachable(platform: &'static str, error: reqwest::Error) -> LookupError {
    let error = error.without_url();
    let detail = if error.is_timeout() {
        format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())
    } else {
        // reqwest's own message is generic ("error sending request"); the
        // causes say what happened (refused, DNS, TLS).
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            detail.push_str(": ");
            detail.push_str(&cause.to_string());
            source = cause.source();
        }
        detail
    };
    LookupError::Unreachable { platform, detail }
}

/// The `Retry-After` delay in seconds; `0` counts as one second, as the Webex
/// SDK does, so a retry is never immediate. An HTTP date is not used by the
/// chat platforms and reads as none (the backoff applies instead).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds.max(1)).min(MAX_RETRY_AFTER))
}

/// A base URL from configuration, for joining paths onto.
pub(crate) fn base_url(platform: &'static str, base: &str) -> Result<Url, LookupError> {
    let url = Url::parse(base)
        .ok()
        .filter(|url| !url.cannot_be_a_base() && matches!(url.scheme(), "http" | "https"));
    url.ok_or_else(|| {
        LookupError::NotConfigured(format!("the {platform} API URL {base:?} is not an http(s) URL"))
    })
}

/// `base` with `segments` appended, each percent-encoded as one path segment
/// (an email or a channel name can never change the path's shape).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_and_bounded() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            retry_after(&headers)
        };
        assert_eq!(with("30"), Some(Duration::from_secs(30)));
        assert_eq!(with("0"), Some(Duration::from_secs(1)));
        assert_eq!(with("999999"), Some(MAX_RETRY_AFTER));
        assert_eq!(with("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn path_segments_are_encoded_whole() {
        let base = base_url("Mattermost", "https://mm.example.com/").unwrap();
        let url = endpoint(&base, &["api", "v4", "users", "email", "a/../b@example.com"]);
        assert_eq!(
            url.as_str(),
            "https://mm.example.com/api/v4/users/email/a%2F..%2Fb@example.com"
        );
        let slack = base_url("Slack", "https://slack.com/api").unwrap();
        assert_eq!(
            endpoint(&slack, &["users.lookupByEmail"]).as_str(),
            "https://slack.com/api/users.lookupByEmail"
        );
        assert!(base_url("Slack", "mailto:x@example.com").is_err());
        assert!(base_url("Slack", "not a url").is_err());
    }

    #[test]
    fn a_token_never_shows_in_debug() {
        let token = Token::new("xoxb-secret");
        assert!(!format!("{token:?}").contains("xoxb"));
    }
}
