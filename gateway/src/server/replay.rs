//! Run each delivery once: the requests recently seen, each remembered for
//! exactly as long as a copy of it could still be accepted, for every
//! platform (Slack signatures and event IDs, Webex events, Mattermost prompt
//! nonces, Teams activities).
//!
//! Every platform bounds how long a captured request stays acceptable: Slack
//! refuses a timestamp more than 5 minutes off, Webex deliveries are refused
//! 5 minutes after the message was created, a Mattermost prompt expires with
//! its continuation, a Teams token with its `exp`. So each key is kept for a
//! time given by the caller (the rest of that window), never for a count:
//! a burst of other deliveries cannot push a key out while a replay of it
//! would still be accepted.
//!
//! Memory is then bounded by the window times the rate of genuine
//! deliveries: only a request that passed its platform's signature (or, for
//! Mattermost, carries a nonce the gateway signed) gets a key, and a replay
//! reuses the key of its original, so an attacker without the secrets cannot
//! add keys. Each key costs about 50–100 bytes (a 16-byte digest, its expiry,
//! and the bookkeeping of a hash map and a heap). As a last guard against a
//! platform sending more than anyone planned for, the number of keys is
//! capped; when the cap is reached, a new delivery is refused (503, with
//! `Retry-After`) rather than an old key forgotten early. Forgetting early
//! would fail open, silently: the forgotten request could be replayed and run
//! again inside its window, which is the one thing this module is for.
//! Refusing fails closed and loudly: the platform retries (Slack's Events API,
//! Webex and the Bot Framework redeliver on a 5xx) or the user tries again,
//! the refusals are counted, and nothing ever runs twice.
//!
//! The keys live in the process. With a Redis configured (`--redis-url`),
//! every key this guard lets through is then claimed in Redis too
//! (`crate::shared`), so that a replay or a retry reaching another replica
//! is caught there; this guard still decides alone when Redis does not
//! answer, and still keeps every key its whole window. Without Redis, a
//! restarted gateway or another replica does not know the keys: run one
//! replica, or accept that a replay sent to another replica inside the
//! window runs there.

use std::{
    cmp::Reverse,
    collections::{BinaryHeap, HashMap},
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use sha2::{Digest, Sha256};

/// How many keys a guard holds at most, by default: at about 100 bytes a
/// key, some 20 MB. With Slack's 5-minute window that is over 600 new
/// requests a second sustained, far more than a chat platform sends.
pub const DEFAULT_CAPACITY: usize = 200_000;

/// Why a delivery is not run. The `Display` is a short sentence, safe to
/// answer with and to log: it names no key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Replay {
    /// The same key was seen within its window: a retry or a replay.
    #[error("this request was already received")]
    Seen,
    /// Every slot is taken by a key still inside its window; the oldest
    /// leaves after `retry_after`.
    #[error("too many recent requests to tell replays apart; try again later")]
    Full {
        /// When the next slot frees up.
        retry_after: Duration,
    },
}

/// The digest a key is kept as: fixed size whatever the key, so the memory
/// per key is known. 128 bits: keys are not chosen by an attacker (they pass
/// a signature first), and a collision would only refuse a request.
type Digest16 = [u8; 16];

/// A set of recently seen keys, each forgotten when its own window closes.
///
/// Shared between request handlers: every method takes `&self`. The clock
/// is a parameter (`now`), so that tests can drive it.
#[derive(Debug)]
pub struct ReplayGuard {
    capacity: usize,
    /// Expiries are kept as milliseconds since this instant (8 bytes, not 16).
    origin: Instant,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// When each remembered key expires.
    expires: HashMap<Digest16, u64>,
    /// The same keys by expiry, soonest first. An entry whose key has since
    /// been forgotten and recorded again (with another expiry) is stale and
    /// skipped when it comes up.
    queue: BinaryHeap<Reverse<(u64, Digest16)>>,
}

impl Default for ReplayGuard {
    /// A guard holding at most [`DEFAULT_CAPACITY`] keys.
    fn default() -> Self {
        ReplayGuard::new(DEFAULT_CAPACITY)
    }
}

impl ReplayGuard {
    /// A guard holding at most `capacity` keys (at least one).
    pub fn new(capacity: usize) -> Self {
        ReplayGuard::with_origin(capacity, Instant::now())
    }

    /// A guard whose clock starts at `origin`: every `now` given later
    /// should be at or after it (an earlier one counts as `origin`, which
    /// only keeps a key longer).
    pub fn with_origin(capacity: usize, origin: Instant) -> Self {
        ReplayGuard {
            capacity: capacity.max(1),
            origin,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Records `key` (its parts, e.g. the platform's name and an event ID)
    /// as seen at `now`, to be remembered for `ttl`: `Ok` the
    /// first time, [`Replay::Seen`] while it is remembered (a repeat does not
    /// extend its life), [`Replay::Full`] when it is new but no slot is free.
    ///
    /// Keys whose time is up are forgotten first, so a full guard is one
    /// whose every key is still inside its window.
    pub fn first_time(&self, key: &[&[u8]], now: Instant, ttl: Duration) -> Result<(), Replay> {
        let digest = digest(key);
        let now_ms = self.millis(now);
        // Rounded up, so a key is never forgotten before its window closes.
        let expires = now_ms.saturating_add(ceil_millis(ttl));
        let mut seen = self.seen();
        seen.forget_until(now_ms);
        // Handlers take `now` before the lock, so a key may have expired at
        // this `now` and still be held because a later `now` came first.
        match seen.expires.get(&digest) {
            Some(&until) if until > now_ms => return Err(Replay::Seen),
            Some(_) => {
                seen.expires.remove(&digest);
            }
            None => {}
        }
        if seen.expires.len() >= self.capacity {
            let retry_after = seen
                .queue
                .peek()
                .map(|Reverse((until, _))| Duration::from_millis(until.saturating_sub(now_ms)))
                .unwrap_or_default();
            return Err(Replay::Full { retry_after });
        }
        seen.expires.insert(digest, expires);
        seen.queue.push(Reverse((expires, digest)));
        Ok(())
    }

    /// Whether `key` is remembered at `now`, without recording it.
    pub fn contains(&self, key: &[&[u8]], now: Instant) -> bool {
        let now_ms = self.millis(now);
        self.seen()
            .expires
            .get(&digest(key))
            .is_some_and(|&until| until > now_ms)
    }

    /// Forgets `key`: for a caller that recorded it and then could not
    /// record another key the same request needs, so that the request is
    /// refused whole and its retry is not mistaken for a repeat.
    pub fn forget(&self, key: &[&[u8]]) {
        // Its queue entry is now stale, and is skipped when it comes up.
        self.seen().expires.remove(&digest(key));
    }

    /// How many keys are remembered now (expired ones included until the next call).
    pub fn len(&self) -> usize {
        self.seen().expires.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity: the most keys held at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The keys. A panic elsewhere while holding the lock leaves them
    /// consistent enough: every step keeps `expires` and `queue` in agreement.
    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn millis(&self, now: Instant) -> u64 {
        u64::try_from(now.saturating_duration_since(self.origin).as_millis()).unwrap_or(u64::MAX)
    }
}

impl Seen {
    /// Forgets every key whose window closed at or before `now_ms`.
    fn forget_until(&mut self, now_ms: u64) {
        while let Some(&Reverse((until, digest))) = self.queue.peek()
            && until <= now_ms
        {
            self.queue.pop();
            // A key forgotten and recorded again has a newer expiry: keep it.
            if self.expires.get(&digest) == Some(&until) {
                self.expires.remove(&digest);
            }
        }
    }
}

/// The digest of a key's parts, each length-prefixed so that no two lists
/// of parts hash alike (`["ab", "c"]` and `["a", "bc"]`). The shared state
/// stores it, in hex, as the key's name in Redis.
pub fn digest(key: &[&[u8]]) -> Digest16 {
    let mut hasher = Sha256::new();
    for part in key {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let full = hasher.finalize();
    let mut short = [0; 16];
    short.copy_from_slice(&full[..16]);
    short
}

fn ceil_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

/// The metric outcome of a replay refused.
pub const REPLAYED: &str = "replayed";
/// The metric outcome of a repeat acknowledged and not run (a platform's
/// own redelivery or retry).
pub const DUPLICATE: &str = "duplicate";
/// The metric outcome of a delivery refused because the guard is full.
pub const FULL: &str = "replay_cache_full";

/// The time left until `until_unix` (Unix seconds) from `now_unix`, at
/// least one second: a key's life when its window closes at a wall-clock
/// time (the end of a Slack timestamp's window, a Teams token's expiry).
/// Inclusive of the second `until_unix` itself, as the checks accept it.
pub fn until_unix(until_unix: i64, now_unix: i64) -> Duration {
    let left = until_unix.saturating_sub(now_unix).saturating_add(1).max(1);
    Duration::from_secs(u64::try_from(left).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, thread};

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);
    const SECOND: Duration = Duration::from_secs(1);

    fn k(text: &str) -> [&[u8]; 1] {
        [text.as_bytes()]
    }

    /// `key` offered at `at`, for a minute.
    fn offer(guard: &ReplayGuard, key: &str, at: Instant) -> Result<(), Replay> {
        guard.first_time(&k(key), at, MINUTE)
    }

    fn guard(capacity: usize) -> (ReplayGuard, Instant) {
        let start = Instant::now();
        (ReplayGuard::with_origin(capacity, start), start)
    }

    #[test]
    fn a_repeat_is_caught_until_its_window_closes_and_does_not_extend_it() {
        let (guard, start) = guard(10);
        assert_eq!(offer(&guard, "a", start), Ok(()));
        assert_eq!(offer(&guard, "a", start + 5 * SECOND), Err(Replay::Seen));
        assert_eq!(offer(&guard, "b", start + 5 * SECOND), Ok(()));
        assert_eq!(offer(&guard, "a", start + 50 * SECOND), Err(Replay::Seen));
        assert_eq!(
            offer(&guard, "a", start + MINUTE - Duration::from_millis(1)),
            Err(Replay::Seen)
        );
        assert_eq!(
            offer(&guard, "a", start + MINUTE),
            Ok(()),
            "forgotten exactly when its first window closes, whatever the repeats"
        );
        assert_eq!(offer(&guard, "a", start + MINUTE + SECOND), Err(Replay::Seen));
    }

    #[test]
    fn each_key_keeps_its_own_window() {
        let (guard, start) = guard(10);
        assert_eq!(guard.first_time(&k("short"), start, 10 * SECOND), Ok(()));
        assert_eq!(guard.first_time(&k("long"), start, 10 * MINUTE), Ok(()));
        let later = start + MINUTE;
        assert_eq!(guard.first_time(&k("short"), later, 10 * SECOND), Ok(()));
        assert_eq!(
            guard.first_time(&k("long"), later, 10 * SECOND),
            Err(Replay::Seen)
        );
        assert!(guard.contains(&k("long"), start + 10 * MINUTE - SECOND));
        assert!(!guard.contains(&k("long"), start + 10 * MINUTE));
    }

    #[test]
    fn expired_keys_leave_memory() {
        let (guard, start) = guard(10);
        for key in ["a", "b", "c"] {
            offer(&guard, key, start).unwrap();
        }
        assert_eq!(guard.len(), 3);
        offer(&guard, "d", start + 2 * MINUTE).unwrap();
        assert_eq!(guard.len(), 1);
    }

    #[test]
    fn a_full_guard_refuses_new_keys_and_forgets_none_early() {
        let (guard, start) = guard(2);
        offer(&guard, "a", start).unwrap();
        offer(&guard, "b", start + 10 * SECOND).unwrap();
        // However many new keys come, "a" and "b" stay until their windows close.
        for n in 0..100 {
            assert_eq!(
                offer(&guard, &format!("new{n}"), start + 20 * SECOND),
                Err(Replay::Full {
                    retry_after: 40 * SECOND
                })
            );
        }
        assert_eq!(offer(&guard, "a", start + 59 * SECOND), Err(Replay::Seen));
        assert_eq!(offer(&guard, "b", start + 59 * SECOND), Err(Replay::Seen));
        assert_eq!(guard.len(), 2);
        // Once "a" is out of its window there is room again.
        assert_eq!(offer(&guard, "c", start + MINUTE), Ok(()));
        assert_eq!(offer(&guard, "b", start + MINUTE), Err(Replay::Seen));
    }

    #[test]
    fn a_forgotten_key_is_new_again() {
        let (guard, start) = guard(1);
        offer(&guard, "a", start).unwrap();
        guard.forget(&k("a"));
        assert_eq!(guard.len(), 0);
        assert_eq!(offer(&guard, "b", start), Ok(()), "its slot is free");
        guard.forget(&k("b"));
        assert_eq!(offer(&guard, "a", start + SECOND), Ok(()));
        // The stale queue entry of the first "a" does not forget the second.
        assert_eq!(offer(&guard, "a", start + MINUTE), Err(Replay::Seen));
    }

    #[test]
    fn parts_are_kept_apart() {
        let (guard, start) = guard(10);
        guard.first_time(&[b"ab", b"c"], start, MINUTE).unwrap();
        assert_eq!(guard.first_time(&[b"a", b"bc"], start, MINUTE), Ok(()));
        assert_eq!(guard.first_time(&[b"abc"], start, MINUTE), Ok(()));
        assert_eq!(guard.first_time(&[b"ab", b"c"], start, MINUTE), Err(Replay::Seen));
    }

    #[test]
    fn a_key_expired_behind_a_later_now_is_new_again() {
        let (guard, start) = guard(10);
        // Recorded out of time order, as two handlers racing for the lock would.
        offer(&guard, "young", start + 30 * SECOND).unwrap();
        offer(&guard, "old", start).unwrap();
        assert_eq!(offer(&guard, "old", start + MINUTE + SECOND), Ok(()));
        assert_eq!(offer(&guard, "young", start + MINUTE + SECOND), Err(Replay::Seen));
        // The first "old" left the queue with its window; the second stays.
        assert_eq!(offer(&guard, "old", start + 2 * MINUTE), Err(Replay::Seen));
    }

    #[test]
    fn a_now_before_the_origin_only_keeps_keys_longer() {
        let start = Instant::now();
        let guard = ReplayGuard::with_origin(10, start + MINUTE);
        offer(&guard, "a", start).unwrap();
        assert!(guard.contains(&k("a"), start + MINUTE + MINUTE - SECOND));
    }

    #[test]
    fn sub_millisecond_windows_are_rounded_up() {
        let (guard, start) = guard(10);
        guard
            .first_time(&k("a"), start, Duration::from_micros(1500))
            .unwrap();
        assert!(guard.contains(&k("a"), start + Duration::from_millis(1)));
        assert!(!guard.contains(&k("a"), start + Duration::from_millis(2)));
    }

    #[test]
    fn capacity_zero_still_remembers_one() {
        let (guard, start) = guard(0);
        assert_eq!(guard.capacity(), 1);
        assert_eq!(offer(&guard, "a", start), Ok(()));
        assert_eq!(offer(&guard, "a", start), Err(Replay::Seen));
    }

    #[test]
    fn concurrent_deliveries_of_one_key_run_once() {
        let guard = Arc::new(ReplayGuard::default());
        let now = Instant::now();
        let firsts: usize = (0..8)
            .map(|_| {
                let guard = Arc::clone(&guard);
                thread::spawn(move || offer(&guard, "Ev08MFMKH6", now).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|handle| usize::from(handle.join().unwrap()))
            .sum();
        assert_eq!(firsts, 1);
    }

    #[test]
    fn the_time_left_to_a_wall_clock_deadline_counts_its_last_second() {
        assert_eq!(until_unix(1_000_300, 1_000_000), 301 * SECOND);
        assert_eq!(until_unix(1_000_000, 1_000_000), SECOND);
        assert_eq!(until_unix(999_000, 1_000_000), SECOND, "at least a second");
        assert_eq!(
            until_unix(i64::MAX, i64::MIN),
            Duration::from_secs(i64::MAX as u64)
        );
    }
}
