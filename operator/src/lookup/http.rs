//! The look-ups' side of [`chatops_outbound`]: the operator's client, and
//! an answer read into [`LookupError`]s (429 and its `Retry-After`, server
//! errors, JSON that does not parse) that never quote a request header.

use std::time::Duration;

use chatops_outbound::{Answer, ClientSettings, OutboundError, RetryPolicy};
use reqwest::{RequestBuilder, Url};
use serde::de::DeserializeOwned;

use super::LookupError;

pub(crate) use chatops_outbound::{Client, Secret as Token};

/// A reply whose status was neither 429 nor a server error.
pub(crate) type Reply = Answer;

/// The longest a whole request may take, connection included.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A `Retry-After` beyond this is taken as this: a platform's bad day must
/// not park a look-up for days.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Replies larger than this are refused rather than buffered.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// The HTTP client of the look-ups (redirects not followed: an API that
/// redirects is misconfigured, and following would carry the bot token to
/// wherever it points).
pub(crate) fn client() -> Result<Client, OutboundError> {
    ClientSettings::new(chatops_outbound::user_agent(
        "chatops-operator",
        env!("CARGO_PKG_VERSION"),
    ))
    .with_timeout(REQUEST_TIMEOUT)
    .with_connect_timeout(CONNECT_TIMEOUT)
    .build()
}

/// A look-up's one attempt: the scheduler, not the call, waits out a 429
/// (its `Retry-After` at least 1 s, as the Webex SDK does, so a retry is
/// never immediate).
fn policy() -> RetryPolicy {
    RetryPolicy::rate_limits_only(REQUEST_TIMEOUT, 0, MAX_RETRY_AFTER, None)
        .with_min_retry_after(Duration::from_secs(1))
        .with_max_body(MAX_BODY)
}

/// The body of a reply as `T`, or a [`LookupError::Malformed`] saying what did not parse.
pub(crate) trait ReplyJson {
    /// The body as `T`.
    fn json<T: DeserializeOwned>(&self, platform: &'static str) -> Result<T, LookupError>;
}

impl ReplyJson for Reply {
    fn json<T: DeserializeOwned>(&self, platform: &'static str) -> Result<T, LookupError> {
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
    let mut request = Some(request);
    let reply = chatops_outbound::send(platform, &policy(), || request.take())
        .await
        .map_err(|error| lookup_error(platform, error))?;
    if reply.status.is_server_error() {
        return Err(LookupError::Unreachable {
            platform,
            detail: format!("HTTP {}", reply.status.as_u16()),
        });
    }
    Ok(reply)
}

/// An outbound error as a look-up's, described without the URL (which holds the email).
fn lookup_error(platform: &'static str, error: OutboundError) -> LookupError {
    match error {
        OutboundError::RateLimited { retry_after, .. } => LookupError::RateLimited {
            platform,
            retry_after,
        },
        OutboundError::TooLarge { limit, .. } => LookupError::Malformed {
            platform,
            detail: format!("a reply larger than {limit} bytes"),
        },
        error if error.is_timeout() => LookupError::Unreachable {
            platform,
            detail: format!("no answer within {} s", REQUEST_TIMEOUT.as_secs()),
        },
        OutboundError::Transport { reason, .. } => LookupError::Unreachable {
            platform,
            detail: reason,
        },
        other => LookupError::Unreachable {
            platform,
            detail: other.to_string(),
        },
    }
}

/// One platform's API: its base URL, and the bot token every request carries.
#[derive(Debug)]
pub(crate) struct Api {
    platform: &'static str,
    http: Client,
    base: Url,
    token: Token,
}

impl Api {
    /// The API of `platform` at `base`, asked with `token`.
    pub(crate) fn new(platform: &'static str, http: Client, base: Url, token: Token) -> Self {
        Self {
            platform,
            http,
            base,
            token,
        }
    }

    /// The base URL.
    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    /// A GET of `url`.
    pub(crate) fn get(&self, url: Url) -> RequestBuilder {
        self.http.get(url)
    }

    /// A GET of the base URL with the path `segments` appended (see [`endpoint`]).
    pub(crate) fn get_path(&self, segments: &[&str]) -> RequestBuilder {
        self.get(endpoint(&self.base, segments))
    }

    /// Sends `request` with the bot token, as [`send`] does.
    pub(crate) async fn send(&self, request: RequestBuilder) -> Result<Reply, LookupError> {
        send(self.platform, self.token.authorize(request)).await
    }
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
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_and_bounded() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
            policy().bounded_retry_after(&headers)
        };
        assert_eq!(with("30"), Some(Duration::from_secs(30)));
        assert_eq!(with("0"), Some(Duration::from_secs(1)));
        assert_eq!(with("999999"), Some(MAX_RETRY_AFTER));
        // An HTTP date passed is no wait, so the shortest one.
        assert_eq!(
            with("Wed, 21 Oct 2026 07:28:00 GMT"),
            Some(Duration::from_secs(1))
        );
        assert_eq!(policy().bounded_retry_after(&HeaderMap::new()), None);
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
}
