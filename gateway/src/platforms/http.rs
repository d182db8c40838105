//! What every platform's API client does alike with an HTTP answer: read a
//! 429's `Retry-After`, retry other passing failures with exponential
//! backoff and jitter where the platform asks for it, say an error without
//! echoing a URL or a token, and log only the host of a URL whose path may
//! be a credential.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

/// How long a 429 asks to wait: `Retry-After` in seconds, else `default`
/// (the chat platforms never send an HTTP date there).
pub fn retry_after(headers: &HeaderMap, default: Duration) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(default, Duration::from_secs)
}

/// The error code of an error answer: the string at `key` of a JSON body
/// (`error` for Slack, `id` for Mattermost), else the body if it looks like a
/// code (`expired_url`). Anything else, which might echo a URL, is withheld.
pub fn error_code(body: &str, key: &str) -> String {
    if let Some(code) = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get(key).and_then(Value::as_str).map(str::to_owned))
    {
        return code;
    }
    let body = body.trim();
    let code_like = !body.is_empty()
        && body.len() <= 100
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'));
    if code_like {
        body.to_owned()
    } else {
        "(error body withheld)".to_owned()
    }
}

/// A transport error with its causes (reqwest's own message is only "error
/// sending request"); call it on `err.without_url()`.
pub fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut reason = kind.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        // Causes are hyper and OS errors; none names the URL, but make sure.
        if !text.contains("://") && !reason.ends_with(&text) {
            reason.push_str(": ");
            reason.push_str(&text);
        }
        source = cause.source();
    }
    reason
}

/// The host of a URL, for logs (a response URL's path is its secret).
pub fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "(invalid URL)".to_owned())
}

/// How a client sends one API request: its timeout, and how 429s are waited out.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// The platform, for log lines (`Slack`).
    pub platform: &'static str,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// How many times a 429 (or one of `retry_statuses`) is waited out before giving up.
    pub max_retries: u32,
    /// The longest wait a `Retry-After` (or a backoff) is allowed to ask for.
    pub max_wait: Duration,
    /// Statuses besides 429 that are sent again after an exponential
    /// [`backoff`] with jitter (Teams: 412, 502, 504); empty for none. They
    /// share `max_retries` with the 429s; when it is spent the last such
    /// answer is returned as it is.
    pub retry_statuses: &'static [u16],
    /// The first [`backoff`] for `retry_statuses` (doubled per retry).
    pub backoff: Duration,
}

impl RetryPolicy {
    /// A policy that waits out 429s only (Slack, Mattermost, Webex): every
    /// other status is the caller's to read.
    pub fn rate_limits_only(
        platform: &'static str,
        timeout: Duration,
        max_retries: u32,
        max_wait: Duration,
    ) -> Self {
        RetryPolicy {
            platform,
            timeout,
            max_retries,
            max_wait,
            retry_statuses: &[],
            backoff: Duration::ZERO,
        }
    }
}

/// The wait before retry number `retry` (0 for the first): `base × 2^retry`,
/// with "equal jitter" (a random point in its upper half, so clients that
/// failed together do not retry together), capped by `max`.
pub fn backoff(base: Duration, retry: u32, max: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let full = base.saturating_mul(1u32 << retry.min(16)).min(max);
    let half = full / 2;
    // Randomly keyed per call: enough randomness for jitter, no dependency.
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let nanos = half.as_nanos() as u64;
    let jitter = if nanos == 0 { 0 } else { random % (nanos + 1) };
    half + Duration::from_nanos(jitter)
}

/// An answer other than 429: its status, headers and body.
pub struct Answer {
    /// The HTTP status.
    pub status: reqwest::StatusCode,
    /// The headers (Webex's `trackingid`, for one).
    pub headers: HeaderMap,
    /// The body as text.
    pub text: String,
}

/// Sends the request `build` makes (again for each attempt; `None` when it
/// cannot be made twice, e.g. a streamed body); on 429 waits `wait_for` of
/// the answer's headers, capped by the policy, and on one of the policy's
/// `retry_statuses` a [`backoff`], and sends it again, up to `max_retries`
/// times. Errors never carry the URL, which may be a credential.
pub async fn send_retrying(
    api: &'static str,
    policy: RetryPolicy,
    wait_for: impl Fn(&HeaderMap) -> Duration,
    build: impl Fn() -> Option<reqwest::RequestBuilder>,
) -> Result<Answer, crate::platforms::DispatchError> {
    use crate::platforms::DispatchError;
    let transport = |err: reqwest::Error| DispatchError::Transport {
        api,
        reason: describe(&err.without_url()),
    };
    let mut attempts = 0;
    loop {
        let Some(request) = build() else {
            return Err(DispatchError::Unsupported(format!(
                "{api}: the request cannot be resent"
            )));
        };
        attempts += 1;
        let response = request.timeout(policy.timeout).send().await.map_err(transport)?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            if attempts > policy.max_retries {
                return Err(DispatchError::RateLimited { api, attempts });
            }
            let wait = wait_for(response.headers()).min(policy.max_wait);
            tracing::info!(
                api,
                platform = policy.platform,
                wait_ms = wait.as_millis() as u64,
                attempts,
                "rate limited; waiting"
            );
            tokio::time::sleep(wait).await;
            continue;
        }
        if policy.retry_statuses.contains(&status.as_u16()) && attempts <= policy.max_retries {
            let wait = backoff(policy.backoff, attempts - 1, policy.max_wait);
            tracing::info!(
                api,
                platform = policy.platform,
                status = status.as_u16(),
                wait_ms = wait.as_millis() as u64,
                attempts,
                "passing failure; backing off"
            );
            tokio::time::sleep(wait).await;
            continue;
        }
        let headers = response.headers().clone();
        let text = response.text().await.map_err(transport)?;
        return Ok(Answer {
            status,
            headers,
            text,
        });
    }
}

/// A request to a JSON API with the bot's bearer `token`, carrying `body`
/// (already serialised, so a retry resends the identical bytes) if any.
pub fn json_request(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<&str>,
) -> reqwest::RequestBuilder {
    let request = http.request(method, url).bearer_auth(token);
    match body {
        Some(body) => request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned()),
        None => request,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_in_its_upper_half_and_is_capped() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for retry in 0..4 {
            let full = base * (1 << retry);
            for _ in 0..20 {
                let wait = backoff(base, retry, max);
                assert!(wait >= full / 2 && wait <= full, "{retry}: {wait:?}");
            }
        }
        let waits: std::collections::HashSet<_> = (0..20).map(|_| backoff(base, 3, max)).collect();
        assert!(waits.len() > 1, "no jitter: {waits:?}");
        assert!(backoff(base, 30, max) <= max);
        assert_eq!(backoff(Duration::ZERO, 2, max), Duration::ZERO);
    }
}
