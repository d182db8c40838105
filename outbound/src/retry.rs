//! When a call is sent again: on 429 after the service's `Retry-After`, on
//! the policy's other statuses after an exponential backoff with jitter.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How one call is sent: its timeout, which answers are sent again and how
/// long to wait before each retry, and how much of an answer is read.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// How long one attempt may take; `None` leaves the client's timeout.
    pub timeout: Option<Duration>,
    /// How many retries (after the first attempt) 429s and `retry_statuses`
    /// share; when spent, a 429 is [`crate::OutboundError::RateLimited`] and
    /// another status is returned as it is.
    pub max_retries: u32,
    /// The longest wait a `Retry-After` (or a backoff) may ask for.
    pub max_wait: Duration,
    /// Whether a 429 is waited out; when not, it is an answer like any other.
    pub rate_limited: bool,
    /// The wait of a 429 without a usable `Retry-After`; `None`: the backoff.
    pub default_retry_after: Option<Duration>,
    /// The shortest wait a `Retry-After` gives (Webex: `0` means 1 s).
    pub min_retry_after: Duration,
    /// Statuses besides 429 that are sent again after a [`backoff`] (Teams:
    /// 412, 502, 504); empty for none.
    pub retry_statuses: &'static [u16],
    /// The first [`backoff`] (doubled per retry).
    pub backoff: Duration,
    /// Answers larger than this are refused rather than buffered.
    pub max_body: Option<usize>,
}

impl RetryPolicy {
    /// One attempt, every answer (429 included) the caller's to read.
    pub fn single_attempt() -> Self {
        RetryPolicy {
            timeout: None,
            max_retries: 0,
            max_wait: Duration::ZERO,
            rate_limited: false,
            default_retry_after: None,
            min_retry_after: Duration::ZERO,
            retry_statuses: &[],
            backoff: Duration::ZERO,
            max_body: None,
        }
    }

    /// Waits out 429s only (`Retry-After`, else `default_retry_after`), up to
    /// `max_retries` times, each wait at most `max_wait`; one attempt takes at
    /// most `timeout`.
    pub fn rate_limits_only(
        timeout: Duration,
        max_retries: u32,
        max_wait: Duration,
        default_retry_after: Option<Duration>,
    ) -> Self {
        RetryPolicy {
            timeout: Some(timeout),
            max_retries,
            max_wait,
            rate_limited: true,
            default_retry_after,
            ..RetryPolicy::single_attempt()
        }
    }

    /// Gives each attempt at most `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Also retries `statuses` after a backoff starting at `backoff`.
    pub fn with_retry_statuses(mut self, statuses: &'static [u16], backoff: Duration) -> Self {
        self.retry_statuses = statuses;
        self.backoff = backoff;
        self
    }

    /// Makes a `Retry-After` shorter than `min` count as `min`.
    pub fn with_min_retry_after(mut self, min: Duration) -> Self {
        self.min_retry_after = min;
        self
    }

    /// Refuses answers larger than `limit` bytes.
    pub fn with_max_body(mut self, limit: usize) -> Self {
        self.max_body = Some(limit);
        self
    }

    /// The service's `Retry-After` in `headers`, bounded by the policy.
    pub fn bounded_retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        retry_after(headers, SystemTime::now()).map(|wait| wait.max(self.min_retry_after).min(self.max_wait))
    }

    /// The wait before the retry of a 429, the `throttled`-th in a row (0 for
    /// the first), bounded by `max_wait`.
    pub fn rate_limit_wait(&self, headers: &HeaderMap, throttled: u32) -> Duration {
        self.bounded_retry_after(headers)
            .or(self.default_retry_after)
            .unwrap_or_else(|| backoff(self.backoff, throttled, self.max_wait))
            .min(self.max_wait)
    }
}

/// How long `Retry-After` asks to wait at `now`: seconds, or an HTTP date
/// (a date passed is no wait). `None` when absent or unreadable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
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

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        assert_eq!(retry_after(&headers("30"), now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(&headers(" 7 "), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2026 07:29:30 GMT"), now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2026 07:00:00 GMT"), now),
            Some(Duration::ZERO),
            "a date passed is no wait"
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn the_policy_bounds_retry_after_and_falls_back() {
        let policy = RetryPolicy::rate_limits_only(
            Duration::from_secs(10),
            3,
            Duration::from_secs(3600),
            Some(Duration::from_secs(15)),
        )
        .with_min_retry_after(Duration::from_secs(1));
        assert_eq!(
            policy.bounded_retry_after(&headers("0")),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            policy.bounded_retry_after(&headers("999999")),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            policy.rate_limit_wait(&HeaderMap::new(), 0),
            Duration::from_secs(15)
        );
        assert_eq!(policy.rate_limit_wait(&headers("7"), 0), Duration::from_secs(7));

        let backing_off = RetryPolicy {
            default_retry_after: None,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(30),
            ..policy
        };
        let wait = backing_off.rate_limit_wait(&HeaderMap::new(), 2);
        assert!(
            wait >= Duration::from_secs(2) && wait <= Duration::from_secs(4),
            "{wait:?}"
        );
    }

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
