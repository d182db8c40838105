//! How each Socket Mode platform's connections stand, for `/readyz` and
//! the metrics; and how long to wait before opening one again.

use std::{collections::BTreeMap, sync::Mutex, time::Duration};

/// One platform's connections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlatformState {
    /// Connections open now.
    pub open: usize,
    /// Whether one has ever said `hello` (the platform can be served).
    pub connected_once: bool,
    /// Why the gateway gave up connecting (Socket Mode turned off, the
    /// token refused), until the configuration changes.
    pub stopped: Option<String>,
}

/// Every Socket Mode platform's state, by name.
#[derive(Debug, Default)]
pub struct SocketStates(Mutex<BTreeMap<String, PlatformState>>);

impl SocketStates {
    fn update<T>(&self, name: &str, change: impl FnOnce(&mut PlatformState) -> T) -> T {
        let mut states = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        change(states.entry(name.to_owned()).or_default())
    }

    /// A connection of `name` said hello; returns how many are open.
    pub fn opened(&self, name: &str) -> usize {
        self.update(name, |state| {
            state.open += 1;
            state.connected_once = true;
            state.open
        })
    }

    /// A connection of `name` closed; returns how many are open.
    pub fn closed(&self, name: &str) -> usize {
        self.update(name, |state| {
            state.open = state.open.saturating_sub(1);
            state.open
        })
    }

    /// `name` stopped connecting, for `why`.
    pub fn stopped(&self, name: &str, why: String) {
        self.update(name, |state| state.stopped = Some(why));
    }

    /// Forgets `name` (its settings changed, or it is no longer served).
    pub fn forget(&self, name: &str) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(name);
    }

    /// The state of `name`: never connected if unknown.
    pub fn get(&self, name: &str) -> PlatformState {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(name)
            .cloned()
            .unwrap_or_default()
    }
}

/// Waits between failed attempts to connect: 1 s, doubling up to a minute,
/// each spread by up to a fifth either way so that replicas that lost Slack
/// together do not all come back in the same second.
#[derive(Debug, Default)]
pub struct Backoff {
    failures: u32,
}

/// The first wait.
const FIRST: Duration = Duration::from_secs(1);
/// The longest wait.
const LONGEST: Duration = Duration::from_secs(60);

impl Backoff {
    /// The wait before the next attempt, after one more failure. `spread`
    /// (from 0 to 1) places it in its band: 0.5 is the middle.
    pub fn next(&mut self, spread: f64) -> Duration {
        let base = FIRST.saturating_mul(1 << self.failures.min(6)).min(LONGEST);
        self.failures = self.failures.saturating_add(1);
        base.mul_f64(0.8 + 0.4 * spread.clamp(0.0, 1.0))
    }

    /// A connection worked: the next failure waits the shortest again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// A number from 0 to 1 that differs between calls and processes, for
/// [`Backoff::next`] (no cryptography needs it: std's random hasher keys will do).
pub fn spread() -> f64 {
    use std::hash::BuildHasher;
    let bits = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_a_minute_and_start_over_after_a_success() {
        let mut backoff = Backoff::default();
        let waits: Vec<u64> = (0..9).map(|_| backoff.next(0.5).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        backoff.reset();
        assert_eq!(backoff.next(0.5), Duration::from_secs(1));
    }

    #[test]
    fn the_spread_keeps_each_wait_within_a_fifth_of_its_base() {
        let mut low = Backoff::default();
        let mut high = Backoff::default();
        assert_eq!(low.next(0.0), Duration::from_millis(800));
        assert_eq!(high.next(1.0), Duration::from_millis(1200));
        for _ in 0..100 {
            let s = spread();
            assert!((0.0..1.0).contains(&s), "{s}");
        }
    }

    #[test]
    fn a_platform_is_connected_once_a_connection_said_hello_and_stopped_when_told() {
        let states = SocketStates::default();
        assert_eq!(states.get("slack"), PlatformState::default());
        assert_eq!(states.opened("slack"), 1);
        assert_eq!(states.opened("slack"), 2);
        assert_eq!(states.closed("slack"), 1);
        states.stopped("slack", "link_disabled".to_owned());
        let state = states.get("slack");
        assert!(state.connected_once);
        assert_eq!((state.open, state.stopped.as_deref()), (1, Some("link_disabled")));
        states.forget("slack");
        assert_eq!(states.get("slack"), PlatformState::default());
        assert_eq!(states.closed("other"), 0, "never below zero");
    }
}
