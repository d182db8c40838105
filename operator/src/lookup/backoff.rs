//! When each look-up may run next: exponential backoff per object, reset when
//! what is looked up changes, and a pause per platform while it rate limits.
//!
//! Pure: the clock is an argument, so tests step through time without sleeping.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use chatops_crds::ObjectKey;

use super::Lookup;

/// The delays between attempts: `initial`, doubling up to `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failure.
    pub initial: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    /// 5 s doubling to 5 min: quick to notice a fixed typo, gentle on a platform
    /// that keeps saying no.
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(5),
            max: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The delay after `failures` consecutive failures (at least one).
    pub fn delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.initial.saturating_mul(1 << doublings).min(self.max)
    }
}

/// What an object's attempts were about: a new email, name, platform or
/// incarnation of the object starts its backoff over.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// The ChatPlatform.
    pub platform: String,
    /// The email or name.
    pub query: super::Query,
    /// `metadata.uid`.
    pub uid: Option<String>,
}

impl Fingerprint {
    /// What `lookup` is about.
    pub fn of(lookup: &Lookup) -> Self {
        Self {
            platform: lookup.platform.clone(),
            query: lookup.query.clone(),
            uid: lookup.uid.clone(),
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    fingerprint: Fingerprint,
    failures: u32,
    next: Instant,
}

/// The attempts of every pending look-up.
#[derive(Clone, Debug, Default)]
pub struct Schedule {
    backoff: Backoff,
    entries: HashMap<ObjectKey, Entry>,
    paused: HashMap<String, Instant>,
}

impl Schedule {
    /// An empty schedule with `backoff`.
    pub fn new(backoff: Backoff) -> Self {
        Self {
            backoff,
            ..Default::default()
        }
    }

    /// When `lookup` may run: at once if it is new or changed, else after its
    /// backoff, and never while its platform is paused.
    pub fn due_at(&self, lookup: &Lookup, now: Instant) -> Instant {
        let own = match self.entries.get(&lookup.object) {
            Some(entry) if entry.fingerprint == Fingerprint::of(lookup) => entry.next,
            _ => now,
        };
        match self.paused.get(&lookup.platform) {
            Some(until) => own.max(*until),
            None => own,
        }
    }

    /// Whether `lookup` may run at `now`.
    pub fn is_due(&self, lookup: &Lookup, now: Instant) -> bool {
        self.due_at(lookup, now) <= now
    }

    /// Records a failed attempt; returns when to try again. `retry_after`
    /// (the platform's own word) replaces the backoff's delay, and pauses every
    /// look-up on that platform as long; `permanent` starts at the longest delay.
    pub fn failed(
        &mut self,
        lookup: &Lookup,
        now: Instant,
        retry_after: Option<Duration>,
        permanent: bool,
    ) -> Instant {
        let fingerprint = Fingerprint::of(lookup);
        let failures = match self.entries.get(&lookup.object) {
            Some(entry) if entry.fingerprint == fingerprint => entry.failures.saturating_add(1),
            _ => 1,
        };
        let delay = match (retry_after, permanent) {
            (Some(wait), _) => wait,
            (None, true) => self.backoff.max,
            (None, false) => self.backoff.delay(failures),
        };
        let next = now + delay;
        if retry_after.is_some() {
            let until = self.paused.entry(lookup.platform.clone()).or_insert(next);
            *until = (*until).max(next);
        }
        self.entries.insert(
            lookup.object.clone(),
            Entry {
                fingerprint,
                failures,
                next,
            },
        );
        next
    }

    /// Records a success. Until the watch shows the written status (and the
    /// look-up stops being pending), it is not repeated; should the status
    /// never show, it is tried again after the longest delay.
    pub fn succeeded(&mut self, lookup: &Lookup, now: Instant) {
        self.entries.insert(
            lookup.object.clone(),
            Entry {
                fingerprint: Fingerprint::of(lookup),
                failures: 0,
                next: now + self.backoff.max,
            },
        );
    }

    /// Forgets the objects that no longer need a look-up (resolved, deleted,
    /// or given an ID in spec) and pauses that are over.
    pub fn retain_pending(&mut self, pending: &[Lookup], now: Instant) {
        self.entries
            .retain(|key, _| pending.iter().any(|lookup| &lookup.object == key));
        self.paused.retain(|_, until| *until > now);
    }

    /// The earliest time one of `pending` may run (`now` when one is due already).
    pub fn next_due(&self, pending: &[Lookup], now: Instant) -> Option<Instant> {
        pending.iter().map(|lookup| self.due_at(lookup, now)).min()
    }

    /// How many consecutive failures `lookup` has had (0 when new or changed).
    pub fn failures(&self, lookup: &Lookup) -> u32 {
        match self.entries.get(&lookup.object) {
            Some(entry) if entry.fingerprint == Fingerprint::of(lookup) => entry.failures,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use chatops_crds::Kind;

    use super::*;
    use crate::lookup::Query;

    fn lookup(name: &str, email: &str) -> Lookup {
        Lookup {
            object: ObjectKey::new(Kind::AccountLink, "chatops", name),
            uid: Some(format!("uid-{name}")),
            generation: Some(1),
            platform: "slack".to_owned(),
            query: Query::Email(email.to_owned()),
            current: None,
        }
    }

    const S: Duration = Duration::from_secs(1);

    /// Now, an empty schedule, and bob's look-up of bob@example.com.
    fn bob_now() -> (Instant, Schedule, Lookup) {
        (
            Instant::now(),
            Schedule::default(),
            lookup("bob", "bob@example.com"),
        )
    }

    #[test]
    fn delays_double_from_five_seconds_to_five_minutes() {
        let backoff = Backoff::default();
        let delays: Vec<u64> = (1..=9).map(|n| backoff.delay(n).as_secs()).collect();
        assert_eq!(delays, [5, 10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(backoff.delay(u32::MAX), backoff.max, "no overflow");
    }

    #[test]
    fn failures_back_off_and_a_changed_spec_starts_over() {
        let (t0, mut schedule, bob) = bob_now();
        assert!(schedule.is_due(&bob, t0), "a new look-up runs at once");

        assert_eq!(schedule.failed(&bob, t0, None, false), t0 + 5 * S);
        assert!(!schedule.is_due(&bob, t0 + 4 * S));
        assert!(schedule.is_due(&bob, t0 + 5 * S));
        assert_eq!(schedule.failed(&bob, t0 + 5 * S, None, false), t0 + 15 * S);
        assert_eq!(schedule.failures(&bob), 2);
        assert_eq!(
            schedule.next_due(std::slice::from_ref(&bob), t0 + 6 * S),
            Some(t0 + 15 * S)
        );

        // The email was fixed in git: the new one is looked up now, from the start.
        let fixed = lookup("bob", "robert@example.com");
        assert!(schedule.is_due(&fixed, t0 + 6 * S));
        assert_eq!(schedule.failures(&fixed), 0);
        assert_eq!(schedule.failed(&fixed, t0 + 6 * S, None, false), t0 + 11 * S);
    }

    #[test]
    fn retry_after_wins_and_pauses_the_whole_platform() {
        let t0 = Instant::now();
        let mut schedule = Schedule::default();
        let (bob, carol) = (
            lookup("bob", "bob@example.com"),
            lookup("carol", "carol@example.com"),
        );
        assert_eq!(schedule.failed(&bob, t0, Some(30 * S), false), t0 + 30 * S);
        assert!(!schedule.is_due(&carol, t0 + S), "same platform waits too");
        assert_eq!(schedule.due_at(&carol, t0 + S), t0 + 30 * S);
        let mut webex = lookup("dave", "dave@example.com");
        webex.platform = "webex".to_owned();
        assert!(schedule.is_due(&webex, t0 + S), "other platforms do not");
        schedule.retain_pending(&[bob.clone(), carol.clone()], t0 + 31 * S);
        assert!(schedule.is_due(&carol, t0 + 31 * S));
    }

    #[test]
    fn permanent_failures_wait_the_longest_delay_and_successes_settle() {
        let (t0, mut schedule, bob) = bob_now();
        assert_eq!(schedule.failed(&bob, t0, None, true), t0 + 300 * S);
        schedule.succeeded(&bob, t0);
        assert!(
            !schedule.is_due(&bob, t0 + 299 * S),
            "not repeated while the watch catches up"
        );
        assert!(schedule.is_due(&bob, t0 + 300 * S));
    }

    #[test]
    fn objects_no_longer_pending_are_forgotten() {
        let (t0, mut schedule, bob) = bob_now();
        schedule.failed(&bob, t0, None, false);
        schedule.retain_pending(&[], t0);
        assert!(
            schedule.is_due(&bob, t0),
            "a link deleted and recreated starts afresh"
        );
        assert_eq!(schedule.next_due(&[], t0), None);
    }
}
