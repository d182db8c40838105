//! Whether the shared store answers, as a small state machine: the decision
//! (what a call's outcome changes, and what to say about it) is a plain
//! function, so the one-WARN-per-transition rule is tested without Redis.

use std::sync::atomic::{AtomicU8, Ordering};

use prometheus_client::metrics::{counter::Counter, gauge::Gauge};

/// How the shared store stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Not connected yet (the gateway just started).
    Connecting,
    /// Answering: keys and leases are shared between the replicas.
    Up,
    /// Not answering: each replica uses its own memory until it answers again.
    Down,
}

/// A change worth one log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The store answered for the first time, or again after being down.
    Joined,
    /// The store stopped answering (or never answered at start).
    Lost,
}

/// Where a call that succeeded (`ok`) or failed leaves a store that was
/// `from`, and the transition to log, if any. A failure while already down
/// and a success while already up change nothing: the log says each
/// transition once, never once per request.
pub fn next(from: Link, ok: bool) -> (Link, Option<Transition>) {
    match (from, ok) {
        (Link::Up, true) => (Link::Up, None),
        (Link::Down, false) => (Link::Down, None),
        (_, true) => (Link::Up, Some(Transition::Joined)),
        (_, false) => (Link::Down, Some(Transition::Lost)),
    }
}

/// The store's state, its metrics, and its log lines.
#[derive(Debug)]
pub struct Health {
    link: AtomicU8,
    up: Gauge,
    fallbacks: Counter,
}

impl Health {
    /// Starts `Connecting`, reporting to the gauge `up` (1 while shared) and
    /// the counter `fallbacks` (calls answered from memory instead).
    pub fn new(up: Gauge, fallbacks: Counter) -> Health {
        up.set(0);
        Health {
            link: AtomicU8::new(encode(Link::Connecting)),
            up,
            fallbacks,
        }
    }

    /// How the store stands now.
    pub fn link(&self) -> Link {
        decode(self.link.load(Ordering::Acquire))
    }

    /// Records a call's outcome; logs and updates the gauge on a transition.
    /// `why` says what failed (never the URL: it may carry a password).
    pub fn record(&self, ok: bool, why: &str) {
        let mut from = self.link();
        loop {
            let (to, transition) = next(from, ok);
            if to == from {
                return;
            }
            match self
                .link
                .compare_exchange(encode(from), encode(to), Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    self.up.set(i64::from(to == Link::Up));
                    match transition {
                        Some(Transition::Joined) => tracing::info!(
                            "shared state: Redis answers; deduplication and per-user limits are shared between replicas"
                        ),
                        Some(Transition::Lost) => tracing::warn!(
                            reason = why,
                            "shared state: Redis does not answer; each replica deduplicates and limits users on its own until it does"
                        ),
                        None => {}
                    }
                    return;
                }
                // Another call changed it first: decide again from there.
                Err(now) => from = decode(now),
            }
        }
    }

    /// Counts a call answered from the replica's memory because the store
    /// did not answer (or was known to be down).
    pub fn fell_back(&self) {
        self.fallbacks.inc();
    }
}

fn encode(link: Link) -> u8 {
    match link {
        Link::Connecting => 0,
        Link::Up => 1,
        Link::Down => 2,
    }
}

fn decode(value: u8) -> Link {
    match value {
        1 => Link::Up,
        2 => Link::Down,
        _ => Link::Connecting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_transition_is_said_once() {
        let cases = [
            (Link::Connecting, true, Link::Up, Some(Transition::Joined)),
            (Link::Connecting, false, Link::Down, Some(Transition::Lost)),
            (Link::Up, true, Link::Up, None),
            (Link::Up, false, Link::Down, Some(Transition::Lost)),
            (Link::Down, false, Link::Down, None),
            (Link::Down, true, Link::Up, Some(Transition::Joined)),
        ];
        for (from, ok, to, transition) in cases {
            assert_eq!(next(from, ok), (to, transition), "{from:?} {ok}");
        }
    }

    #[test]
    fn the_gauge_follows_the_link() {
        let (up, fallbacks) = (Gauge::default(), Counter::default());
        let health = Health::new(up.clone(), fallbacks.clone());
        assert_eq!((health.link(), up.get()), (Link::Connecting, 0));
        health.record(true, "");
        assert_eq!((health.link(), up.get()), (Link::Up, 1));
        health.record(false, "timed out");
        health.record(false, "timed out");
        assert_eq!((health.link(), up.get()), (Link::Down, 0));
        health.fell_back();
        assert_eq!(fallbacks.get(), 1);
    }
}
