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

/// The connections of one platform's settings: those of earlier settings,
/// still closing, must not count for the new ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation(u64);

/// Every Socket Mode platform's state, by name.
#[derive(Debug, Default)]
pub struct SocketStates(Mutex<States>);

#[derive(Debug, Default)]
struct States {
    by_name: BTreeMap<String, (Generation, PlatformState)>,
    generations: u64,
}

impl SocketStates {
    fn states(&self) -> std::sync::MutexGuard<'_, States> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts `name` afresh (first served, or its settings changed): never
    /// connected, not stopped. What the connections of earlier settings
    /// report from now on is ignored.
    pub fn begin(&self, name: &str) -> Generation {
        let mut states = self.states();
        states.generations += 1;
        let generation = Generation(states.generations);
        states
            .by_name
            .insert(name.to_owned(), (generation, PlatformState::default()));
        generation
    }

    /// Applies `change` to `name`'s state if `generation` is its current one.
    fn update(
        &self,
        name: &str,
        generation: Generation,
        change: impl FnOnce(&mut PlatformState),
    ) -> Option<usize> {
        let mut states = self.states();
        let (current, state) = states.by_name.get_mut(name)?;
        (*current == generation).then(|| {
            change(state);
            state.open
        })
    }

    /// A connection of `name` said hello; returns how many are open now
    /// (none for a connection of earlier settings).
    pub fn opened(&self, name: &str, generation: Generation) -> Option<usize> {
        self.update(name, generation, |state| {
            state.open += 1;
            state.connected_once = true;
        })
    }

    /// A connection of `name` closed; returns how many are open now.
    pub fn closed(&self, name: &str, generation: Generation) -> Option<usize> {
        self.update(name, generation, |state| {
            state.open = state.open.saturating_sub(1)
        })
    }

    /// `name` stopped connecting, for `why`.
    pub fn stopped(&self, name: &str, generation: Generation, why: String) {
        self.update(name, generation, |state| state.stopped = Some(why));
    }

    /// Forgets `name` (no longer served).
    pub fn forget(&self, name: &str) {
        self.states().by_name.remove(name);
    }

    /// The state of `name`: never connected if unknown.
    pub fn get(&self, name: &str) -> PlatformState {
        self.states()
            .by_name
            .get(name)
            .map(|(_, state)| state.clone())
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
        let first = states.begin("slack");
        assert_eq!(states.opened("slack", first), Some(1));
        assert_eq!(states.opened("slack", first), Some(2));
        assert_eq!(states.closed("slack", first), Some(1));
        states.stopped("slack", first, "link_disabled".to_owned());
        let state = states.get("slack");
        assert!(state.connected_once);
        assert_eq!((state.open, state.stopped.as_deref()), (1, Some("link_disabled")));
        states.forget("slack");
        assert_eq!(states.get("slack"), PlatformState::default());
        assert_eq!(
            states.closed("other", first),
            None,
            "unknown platforms are not made up"
        );
    }

    #[test]
    fn connections_of_earlier_settings_no_longer_count() {
        let states = SocketStates::default();
        let old = states.begin("slack");
        states.opened("slack", old);
        let new = states.begin("slack");
        assert_eq!(
            states.get("slack"),
            PlatformState::default(),
            "new settings start afresh"
        );
        assert_eq!(states.opened("slack", new), Some(1));
        // The old connection closes after the new one opened, and its slot gives up.
        assert_eq!(states.closed("slack", old), None);
        states.stopped("slack", old, "token refused".to_owned());
        let state = states.get("slack");
        assert_eq!((state.open, state.stopped), (1, None));
    }
}
