//! Slack redelivers an Events API event it thinks was not acknowledged (with
//! `X-Slack-Retry-Num`), up to three times within minutes, and with
//! `http_timeout` the retry can arrive while the first delivery still runs.
//! The same `event_id` must not run its command twice, so the ID is recorded
//! on receipt, before dispatch. Retries are not dropped blindly: when the first
//! delivery never arrived, the retry is the only copy.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

/// How many event IDs [`EventDeduper::default`] remembers.
pub const DEFAULT_CAPACITY: usize = 10_000;
/// How long [`EventDeduper::default`] remembers an event ID. Slack's last
/// retry comes about 6 minutes after the first delivery.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// A bounded set of recently seen event IDs, each forgotten after a while.
///
/// Shared between request handlers: every method takes `&self`.
#[derive(Debug)]
pub struct EventDeduper {
    capacity: usize,
    ttl: Duration,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// When each remembered ID was first seen.
    at: HashMap<String, Instant>,
    /// The same IDs in the order they were recorded, oldest first.
    order: VecDeque<(Instant, String)>,
}

impl Seen {
    fn forget_oldest(&mut self) {
        if let Some((at, id)) = self.order.pop_front()
            // An ID that expired and came back has a newer entry further on.
            && self.at.get(&id) == Some(&at)
        {
            self.at.remove(&id);
        }
    }
}

impl Default for EventDeduper {
    /// [`DEFAULT_CAPACITY`] IDs for [`DEFAULT_TTL`]: far more than Slack's
    /// 30 000 events an hour per workspace would need within a retry window.
    fn default() -> Self {
        EventDeduper::new(DEFAULT_CAPACITY, DEFAULT_TTL)
    }
}

impl EventDeduper {
    /// A deduper remembering at most `capacity` IDs (at least one), each for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        EventDeduper {
            capacity: capacity.max(1),
            ttl,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Whether `event_id` is seen for the first time at `now`; either way it
    /// is remembered from then on (a repeat does not extend its life).
    ///
    /// Expired IDs are forgotten first; when the set is full the oldest ID
    /// makes room, so a flood of events can only shorten the memory, never
    /// grow it.
    pub fn first_time(&self, event_id: &str, now: Instant) -> bool {
        // A panic elsewhere while holding the lock leaves the set consistent
        // enough: every step below keeps `at` and `order` in agreement.
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let expired = |at: &Instant| now.saturating_duration_since(*at) >= self.ttl;
        while seen.order.front().is_some_and(|(at, _)| expired(at)) {
            seen.forget_oldest();
        }
        // Handlers take `now` before the lock, so the queue is only nearly in
        // time order: an expired ID may still sit behind a younger one.
        if let Some(at) = seen.at.get(event_id) {
            if !expired(at) {
                return false;
            }
            seen.at.remove(event_id);
        }
        while seen.at.len() >= self.capacity && !seen.order.is_empty() {
            seen.forget_oldest();
        }
        seen.at.insert(event_id.to_owned(), now);
        seen.order.push_back((now, event_id.to_owned()));
        true
    }

    /// How many IDs are remembered now (expired ones included until the next call).
    pub fn len(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .at
            .len()
    }

    /// Whether no ID is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, thread};

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_redelivery_is_caught_until_it_expires() {
        let deduper = EventDeduper::new(10, MINUTE);
        let start = Instant::now();
        assert!(deduper.first_time("Ev1", start));
        assert!(!deduper.first_time("Ev1", start + Duration::from_secs(5)));
        assert!(deduper.first_time("Ev2", start + Duration::from_secs(5)));
        assert!(!deduper.first_time("Ev1", start + Duration::from_secs(59)));
        assert!(
            deduper.first_time("Ev1", start + MINUTE),
            "forgotten exactly at the TTL"
        );
        assert!(!deduper.first_time("Ev1", start + MINUTE + Duration::from_secs(1)));
    }

    #[test]
    fn a_repeat_does_not_extend_the_memory() {
        let deduper = EventDeduper::new(10, MINUTE);
        let start = Instant::now();
        assert!(deduper.first_time("Ev1", start));
        assert!(!deduper.first_time("Ev1", start + Duration::from_secs(50)));
        assert!(deduper.first_time("Ev1", start + Duration::from_secs(61)));
    }

    #[test]
    fn expired_ids_are_dropped_from_memory() {
        let deduper = EventDeduper::new(10, MINUTE);
        let start = Instant::now();
        for id in ["a", "b", "c"] {
            deduper.first_time(id, start);
        }
        assert_eq!(deduper.len(), 3);
        assert!(deduper.first_time("d", start + 2 * MINUTE));
        assert_eq!(deduper.len(), 1);
    }

    #[test]
    fn the_oldest_is_forgotten_beyond_capacity() {
        let deduper = EventDeduper::new(2, MINUTE);
        let now = Instant::now();
        assert!(deduper.first_time("a", now));
        assert!(deduper.first_time("b", now));
        assert!(deduper.first_time("c", now));
        assert_eq!(deduper.len(), 2);
        assert!(!deduper.first_time("b", now), "b is still remembered");
        assert!(deduper.first_time("a", now), "a was evicted to make room for c");
        assert!(!deduper.first_time("c", now));
        assert!(deduper.len() <= 2);
    }

    #[test]
    fn an_expired_id_behind_a_younger_one_is_new_again() {
        let deduper = EventDeduper::new(10, MINUTE);
        let start = Instant::now();
        // Recorded out of time order, as two handlers racing for the lock would.
        assert!(deduper.first_time("young", start + 30 * Duration::from_secs(1)));
        assert!(deduper.first_time("old", start));
        assert!(deduper.first_time("old", start + MINUTE + Duration::from_secs(1)));
        assert!(!deduper.first_time("young", start + MINUTE + Duration::from_secs(1)));
        // The stale queue entry of the first "old" must not evict the new one.
        assert!(!deduper.first_time("old", start + 2 * MINUTE));
    }

    #[test]
    fn capacity_zero_still_remembers_one() {
        let deduper = EventDeduper::new(0, MINUTE);
        let now = Instant::now();
        assert!(deduper.first_time("a", now));
        assert!(!deduper.first_time("a", now));
    }

    #[test]
    fn concurrent_deliveries_of_one_event_run_once() {
        let deduper = Arc::new(EventDeduper::default());
        let now = Instant::now();
        let firsts: usize = (0..8)
            .map(|_| {
                let deduper = Arc::clone(&deduper);
                thread::spawn(move || deduper.first_time("Ev08MFMKH6", now))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|handle| usize::from(handle.join().unwrap()))
            .sum();
        assert_eq!(firsts, 1);
    }
}
