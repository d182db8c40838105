//! One way to refuse a webhook: a [`Refusal`] says the status, the metric
//! label and the reason, and [`Refusal::answer`] counts it, logs it and
//! answers it, for every platform.
//!
//! The log says which requests are refused: a platform that does not answer is
//! most often one whose requests the gateway refuses (a wrong signing secret,
//! a URL with another platform's name), and a counter alone does not say which.
//! [`RefusalLog`] writes one line per platform, endpoint and outcome at most
//! every [`INTERVAL`], so that a scan or a flood cannot fill the log; the next
//! line says how many were not written.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::{
    http::{StatusCode, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};

use super::{App, replay};

/// A refused request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Refusal {
    /// The answer's status.
    pub status: StatusCode,
    /// The `outcome` label of `chatops_gateway_webhook_requests_total`.
    pub outcome: &'static str,
    /// A short reason, for the client and the log: never a secret.
    pub reason: String,
    /// When to try again, for a refusal that will pass later.
    pub retry_after: Option<Duration>,
}

impl Refusal {
    /// Any refusal.
    pub fn new(status: StatusCode, outcome: &'static str, reason: impl Into<String>) -> Self {
        Refusal {
            status,
            outcome,
            reason: reason.into(),
            retry_after: None,
        }
    }

    /// No configuration is loaded yet (503).
    pub fn not_ready() -> Self {
        Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "no configuration loaded yet",
        )
    }

    /// No platform of `kind` (`Slack`, `Teams`, …) is served as `name` (404).
    pub fn unknown_platform(kind: &str, name: &str) -> Self {
        Refusal::new(
            StatusCode::NOT_FOUND,
            "unknown_platform",
            format!("no {kind} platform named {name:?}"),
        )
    }

    /// A request at the URLs of a Slack platform served over Socket Mode,
    /// which takes requests only from the connections it opens (404, as a
    /// platform not served there).
    pub fn socket_mode_only(name: &str) -> Self {
        Refusal::new(
            StatusCode::NOT_FOUND,
            "socket_mode",
            format!("the Slack platform {name:?} is served over Socket Mode: its URLs take nothing"),
        )
    }

    /// The signature or token does not verify (401).
    pub fn unverified(reason: impl ToString) -> Self {
        Refusal::new(StatusCode::UNAUTHORIZED, "unverified", reason.to_string())
    }

    /// The payload cannot be read (400).
    pub fn malformed(reason: impl ToString) -> Self {
        Refusal::new(StatusCode::BAD_REQUEST, "malformed", reason.to_string())
    }

    /// The same signed request again, not as the platform's retry (409).
    pub fn replayed() -> Self {
        Refusal::new(
            StatusCode::CONFLICT,
            replay::REPLAYED,
            replay::Replay::Seen.to_string(),
        )
    }

    /// Too many recent requests to tell replays apart (503, `Retry-After`).
    pub fn replay_cache_full(retry_after: Duration) -> Self {
        Refusal {
            retry_after: Some(retry_after),
            ..Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                replay::FULL,
                replay::Replay::Full { retry_after }.to_string(),
            )
        }
    }

    /// Counts and logs the refusal of a request to `endpoint` of the platform
    /// `name`, without answering it (for refusals answered otherwise).
    pub fn record(&self, app: &App, name: &str, endpoint: &str) {
        let label = super::metric_platform(app, name);
        tracing::Span::current().record("outcome", self.outcome);
        app.metrics.request(label, endpoint, self.outcome);
        app.refusals.record(
            label,
            name,
            endpoint,
            self.status.as_u16(),
            self.outcome,
            &self.reason,
        );
    }

    /// Counts, logs and answers the refusal.
    pub fn answer(self, app: &App, name: &str, endpoint: &str) -> Response {
        self.record(app, name, endpoint);
        self.into_response()
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self.retry_after {
            Some(retry_after) => {
                // Whole seconds, rounded up, at least one.
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                (
                    self.status,
                    [(RETRY_AFTER, seconds.max(1).to_string())],
                    self.reason,
                )
                    .into_response()
            }
            None => (self.status, self.reason).into_response(),
        }
    }
}

/// How often one kind of refusal is logged at most.
pub const INTERVAL: Duration = Duration::from_secs(10);

/// The longest platform name written as it came (names come from the URL).
const MAX_NAME: usize = 64;

/// The refusals logged lately, by platform label, endpoint and outcome.
#[derive(Debug, Default)]
pub struct RefusalLog {
    seen: Mutex<HashMap<(String, String, String), Window>>,
}

#[derive(Debug)]
struct Window {
    logged_at: Instant,
    suppressed: u64,
}

impl RefusalLog {
    /// Decides whether the refusal of kind (`platform`, `endpoint`,
    /// `outcome`) met at `now` is logged: `Some(n)` to log it, saying that
    /// `n` of its kind were left out since the last line; `None` to stay quiet.
    ///
    /// `platform` must be bounded (a configured name or `unknown`): it keys
    /// the memory kept here.
    pub fn admit(&self, platform: &str, endpoint: &str, outcome: &str, now: Instant) -> Option<u64> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let key = (platform.to_owned(), endpoint.to_owned(), outcome.to_owned());
        match seen.get_mut(&key) {
            Some(window) if now.duration_since(window.logged_at) < INTERVAL => {
                window.suppressed += 1;
                None
            }
            Some(window) => {
                let suppressed = std::mem::take(&mut window.suppressed);
                window.logged_at = now;
                Some(suppressed)
            }
            None => {
                seen.insert(
                    key,
                    Window {
                        logged_at: now,
                        suppressed: 0,
                    },
                );
                Some(0)
            }
        }
    }

    /// Logs a refusal unless one of its kind was logged within [`INTERVAL`].
    /// `label` is the bounded platform label; `name` the name as requested.
    /// `reason` is what the client is told: never a secret.
    pub fn record(&self, label: &str, name: &str, endpoint: &str, status: u16, outcome: &str, reason: &str) {
        let Some(suppressed) = self.admit(label, endpoint, outcome, Instant::now()) else {
            return;
        };
        let platform: String = name.chars().take(MAX_NAME).collect();
        tracing::warn!(%platform, endpoint, outcome, status, reason, suppressed, "webhook refused");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_says_its_status_label_and_reason() {
        // Each as `status outcome: reason`.
        let cases = [
            (Refusal::not_ready(), "503 not_ready: no configuration loaded yet"),
            (
                Refusal::unknown_platform("Slack", "nope"),
                "404 unknown_platform: no Slack platform named \"nope\"",
            ),
            (
                Refusal::unverified("signature mismatch"),
                "401 unverified: signature mismatch",
            ),
            (Refusal::malformed("no text"), "400 malformed: no text"),
            (
                Refusal::replayed(),
                "409 replayed: this request was already received",
            ),
        ];
        for (refusal, expected) in cases {
            let said = format!(
                "{} {}: {}",
                refusal.status.as_u16(),
                refusal.outcome,
                refusal.reason
            );
            assert_eq!(said, expected);
            assert!(refusal.into_response().headers().get(RETRY_AFTER).is_none());
        }
    }

    #[test]
    fn a_full_replay_cache_says_when_to_come_back_in_whole_seconds() {
        for (wait, seconds) in [(1_500, "2"), (0, "1"), (3_000, "3")] {
            let refusal = Refusal::replay_cache_full(Duration::from_millis(wait));
            assert_eq!(
                (refusal.status.as_u16(), refusal.outcome),
                (503, "replay_cache_full")
            );
            let response = refusal.into_response();
            assert_eq!(response.headers()[RETRY_AFTER], seconds);
        }
    }

    #[test]
    fn one_line_per_kind_and_interval_then_the_count_of_those_left_out() {
        let log = RefusalLog::default();
        let t0 = Instant::now();
        let at = |seconds: u64, platform: &str, outcome: &str| {
            log.admit(platform, "commands", outcome, t0 + Duration::from_secs(seconds))
        };
        let interval = INTERVAL.as_secs();
        assert_eq!(at(0, "slack", "unverified"), Some(0));
        assert_eq!(at(1, "slack", "unverified"), None);
        assert_eq!(at(2, "slack", "unverified"), None);
        assert_eq!(
            at(2, "slack", "malformed"),
            Some(0),
            "another outcome is another kind"
        );
        assert_eq!(at(2, "unknown", "unverified"), Some(0), "another platform too");
        assert_eq!(
            at(interval + 1, "slack", "unverified"),
            Some(2),
            "after the interval, with the two left out"
        );
        assert_eq!(at(interval * 3, "slack", "unverified"), Some(0));
    }
}
