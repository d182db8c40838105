//! Refused webhooks, said in the log: a platform that does not answer is
//! most often one whose requests the gateway refuses (a wrong signing secret,
//! a URL with another platform's name), and a counter alone does not say which.
//!
//! One line per platform, endpoint and outcome at most every [`INTERVAL`],
//! so that a scan or a flood cannot fill the log; the next line says how many
//! were not written.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

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
    use std::time::{Duration, Instant};

    use super::{INTERVAL, RefusalLog};

    #[test]
    fn one_line_per_kind_and_interval_then_the_count_of_those_left_out() {
        let log = RefusalLog::default();
        let t0 = Instant::now();
        assert_eq!(log.admit("slack", "commands", "unverified", t0), Some(0));
        assert_eq!(
            log.admit("slack", "commands", "unverified", t0 + Duration::from_secs(1)),
            None
        );
        assert_eq!(
            log.admit("slack", "commands", "unverified", t0 + Duration::from_secs(2)),
            None
        );
        assert_eq!(
            log.admit("slack", "commands", "malformed", t0 + Duration::from_secs(2)),
            Some(0),
            "another outcome is another kind"
        );
        assert_eq!(
            log.admit("unknown", "commands", "unverified", t0 + Duration::from_secs(2)),
            Some(0),
            "another platform too"
        );
        assert_eq!(
            log.admit(
                "slack",
                "commands",
                "unverified",
                t0 + INTERVAL + Duration::from_secs(1)
            ),
            Some(2),
            "after the interval, with the two left out"
        );
        assert_eq!(
            log.admit("slack", "commands", "unverified", t0 + INTERVAL * 3),
            Some(0)
        );
    }
}
