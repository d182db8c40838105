//! Whether the watches are synced now, for `/readyz`.
//!
//! A watch that listed its objects once is not synced for good: while it
//! fails (the API server is down, RBAC was taken away, the connection keeps
//! dropping) the operator works from a stale copy of the cluster. kube's
//! watcher reports each failure but not its recovery: a watch that
//! reconnects says nothing until an object changes. So a watch counts as
//! failing from an error until its next event, or until a whole retry period
//! passed without another error (kube retries a failing watch at least every
//! 30 s, plus up to as much jitter), whichever comes first.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

/// How long after its last error a watch that reported nothing since counts
/// as recovered: longer than kube's longest retry delay with jitter (60 s).
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(65);

/// The health of every watch.
#[derive(Debug)]
pub struct WatchHealth {
    settle: Duration,
    watches: Mutex<Vec<WatchState>>,
}

#[derive(Debug)]
struct WatchState {
    name: String,
    /// The first error of the current run of errors.
    failing_since: Option<Instant>,
    /// The latest error.
    last_error: Option<Instant>,
}

impl Default for WatchHealth {
    fn default() -> Self {
        Self::new(DEFAULT_SETTLE)
    }
}

impl WatchHealth {
    /// Watches that count as recovered `settle` after their last error.
    pub fn new(settle: Duration) -> Self {
        Self {
            settle,
            watches: Mutex::default(),
        }
    }

    /// Adds a watch, named for the reader of `/readyz`; returns its index.
    pub fn register(&self, name: String) -> usize {
        let mut watches = self.lock();
        watches.push(WatchState {
            name,
            failing_since: None,
            last_error: None,
        });
        watches.len() - 1
    }

    /// The watch `index` delivered an event: it is synced.
    pub fn ok(&self, index: usize) {
        if let Some(watch) = self.lock().get_mut(index) {
            watch.failing_since = None;
            watch.last_error = None;
        }
    }

    /// The watch `index` failed at `now`.
    pub fn failed(&self, index: usize, now: Instant) {
        if let Some(watch) = self.lock().get_mut(index) {
            watch.failing_since.get_or_insert(now);
            watch.last_error = Some(now);
        }
    }

    /// The watches failing at `now`, each as `NAME (failing for Ns)`.
    pub fn failing(&self, now: Instant) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|w| {
                w.last_error
                    .is_some_and(|at| now.duration_since(at) < self.settle)
            })
            .map(|w| {
                let since = w.failing_since.map_or(0, |at| now.duration_since(at).as_secs());
                format!("{} (failing for {since} s)", w.name)
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<WatchState>> {
        self.watches
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_fails_from_an_error_until_an_event_or_a_quiet_retry_period() {
        let health = WatchHealth::new(Duration::from_secs(65));
        let grants = health.register("accessgrants in chatops".into());
        let secrets = health.register("secrets in chatops".into());
        let t0 = Instant::now();
        assert!(health.failing(t0).is_empty());

        health.failed(grants, t0);
        health.failed(grants, t0 + Duration::from_secs(30));
        assert_eq!(
            health.failing(t0 + Duration::from_secs(40)),
            ["accessgrants in chatops (failing for 40 s)"]
        );
        assert_eq!(
            health.failing(t0 + Duration::from_secs(94)).len(),
            1,
            "65 s after the last error, not the first"
        );
        assert!(
            health.failing(t0 + Duration::from_secs(96)).is_empty(),
            "quiet for a retry period"
        );

        health.failed(secrets, t0);
        health.ok(secrets);
        health.ok(grants);
        assert!(health.failing(t0).is_empty(), "an event ends it at once");
    }
}
