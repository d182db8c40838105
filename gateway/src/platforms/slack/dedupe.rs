//! Slack retries an Events API delivery it thinks was not acknowledged (with
//! `X-Slack-Retry-Num`); the same `event_id` must not run its command twice.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

/// A bounded set of recently seen event IDs, each forgotten after a while.
pub struct EventDeduper {
    capacity: usize,
    ttl: Duration,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    at: HashMap<String, Instant>,
    order: VecDeque<(Instant, String)>,
}

impl Seen {
    fn forget_oldest(&mut self) {
        if let Some((at, id)) = self.order.pop_front()
            && self.at.get(&id) == Some(&at)
        {
            self.at.remove(&id);
        }
    }
}

impl Default for EventDeduper {
    /// Slack retries within minutes; an hour and 10 000 events is ample.
    fn default() -> Self {
        EventDeduper::new(10_000, Duration::from_secs(3600))
    }
}

impl EventDeduper {
    /// A deduper remembering at most `capacity` IDs, each for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        EventDeduper {
            capacity: capacity.max(1),
            ttl,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Whether `event_id` is seen for the first time (and remembers it).
    pub fn first_time(&self, event_id: &str, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget what expired.
        while let Some((at, _)) = seen.order.front() {
            if now.duration_since(*at) < self.ttl {
                break;
            }
            seen.forget_oldest();
        }
        if seen.at.contains_key(event_id) {
            return false;
        }
        // Make room by forgetting the oldest.
        while seen.order.len() >= self.capacity {
            seen.forget_oldest();
        }
        seen.at.insert(event_id.to_owned(), now);
        seen.order.push_back((now, event_id.to_owned()));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redelivery_is_caught_until_it_expires() {
        let deduper = EventDeduper::new(10, Duration::from_secs(60));
        let start = Instant::now();
        assert!(deduper.first_time("Ev1", start));
        assert!(!deduper.first_time("Ev1", start + Duration::from_secs(5)));
        assert!(deduper.first_time("Ev2", start + Duration::from_secs(5)));
        assert!(deduper.first_time("Ev1", start + Duration::from_secs(61)));
    }

    #[test]
    fn the_oldest_is_forgotten_beyond_capacity() {
        let deduper = EventDeduper::new(2, Duration::from_secs(60));
        let now = Instant::now();
        assert!(deduper.first_time("a", now));
        assert!(deduper.first_time("b", now));
        assert!(deduper.first_time("c", now));
        assert!(deduper.first_time("a", now), "a was evicted to make room for c");
        assert!(!deduper.first_time("c", now));
    }
}
