//! State the gateway's replicas share: which deliveries were already
//! received (replay and retry deduplication, for every platform and Slack
//! Socket Mode envelopes) and how many commands each user runs.
//!
//! Without a Redis URL, [`SharedState::Memory`]: each replica keeps its own
//! keys and counts in memory, exactly as a single gateway always did. With
//! one, [`SharedState::Redis`]: every key is claimed in the replica's memory
//! first (which still refuses a repeat it saw itself, and still fails closed
//! when full), then atomically in Redis, where the first replica to claim a
//! key wins and every other one sees a repeat. Keys in Redis are the
//! memory guard's digests, in hex, under a prefix: never request content.
//!
//! When Redis does not answer (down, slow past the short timeout, not yet
//! connected), a replica goes on with its own memory: the request is served,
//! the fallback is counted, one WARN says so, and `/readyz` tells it; the
//! connection is retried in the background and sharing resumes when Redis
//! answers again. Nothing is ever forgotten early: the memory guard keeps
//! every key for its whole window whether Redis answered or not, and a key
//! is given back in Redis only by the replica that claimed it.
//!
//! Only the per-user limit is shared; the per-integration and total command
//! slots stay per replica (they protect the replica's own resources).

pub mod health;
pub mod leases;
pub mod redis;

use std::{
    sync::Arc,
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use crate::server::{Replay, ReplayGuard};

pub use health::{Health, Link};
pub use leases::{Taken, UserLease};
pub use redis::{RedisStore, SetupError};

/// Where deduplication keys and per-user counts live.
#[derive(Debug)]
pub enum SharedState {
    /// Only in this replica's memory.
    Memory,
    /// In this replica's memory and in a Redis shared by the replicas.
    Redis(Arc<Shared>),
}

/// The Redis-backed state, as this replica sees it.
#[derive(Debug)]
pub struct Shared {
    store: Arc<RedisStore>,
    prefix: String,
    /// This replica's name in Redis: the value of the keys it claims and
    /// the prefix of its leases, so it gives back only what it took.
    replica: String,
    leases: AtomicU64,
}

impl Shared {
    /// The shared state in `store`, its keys under `prefix`, claimed as `replica`.
    pub fn new(store: Arc<RedisStore>, prefix: &str, replica: String) -> Shared {
        Shared {
            store,
            prefix: prefix.to_owned(),
            replica,
            leases: AtomicU64::new(0),
        }
    }

    /// The store, to keep connected.
    pub fn store(&self) -> &Arc<RedisStore> {
        &self.store
    }

    fn replay_key(&self, key: &[&[u8]]) -> String {
        replay_key(&self.prefix, key)
    }
}

/// The Redis key of a replay key: its 128-bit digest in hex, under `prefix`.
pub fn replay_key(prefix: &str, key: &[&[u8]]) -> String {
    format!(
        "{prefix}:replay:{}",
        hex::encode(crate::server::replay_digest(key))
    )
}

/// What Redis' answer to a claim means once this replica's memory let the
/// key through: claimed here, or no answer (the memory's verdict stands),
/// runs; claimed by another replica first is a repeat.
pub fn shared_verdict(answer: Option<bool>) -> Result<(), Replay> {
    match answer {
        Some(false) => Err(Replay::Seen),
        Some(true) | None => Ok(()),
    }
}

impl SharedState {
    /// Records `key` as received, to be remembered for `window`: `Ok` the
    /// first time on any replica, [`Replay::Seen`] for a repeat seen here or
    /// claimed by another replica, [`Replay::Full`] when this replica's
    /// guard is full (see [`ReplayGuard::first_time`]).
    pub async fn first_time(
        &self,
        guard: &ReplayGuard,
        key: &[&[u8]],
        window: Duration,
    ) -> Result<(), Replay> {
        guard.first_time(key, Instant::now(), window)?;
        let SharedState::Redis(shared) = self else {
            return Ok(());
        };
        let answer = shared
            .store
            .claim(&shared.replay_key(key), &shared.replica, window)
            .await;
        shared_verdict(answer)
    }

    /// Forgets `key`, recorded by [`SharedState::first_time`] for a request
    /// then refused whole, so that its retry is not taken for a repeat. In
    /// Redis only if this replica claimed it.
    pub async fn forget(&self, guard: &ReplayGuard, key: &[&[u8]]) {
        guard.forget(key);
        if let SharedState::Redis(shared) = self {
            shared
                .store
                .give_back(&shared.replay_key(key), &shared.replica)
                .await;
        }
    }

    /// A lease on one of `user`'s `limit` commands across replicas, for at
    /// most `lease` (see [`leases`]).
    pub async fn user_lease(&self, user: &str, limit: usize, lease: Duration) -> Taken {
        let SharedState::Redis(shared) = self else {
            return Taken::NotShared;
        };
        let number = shared.leases.fetch_add(1, Ordering::Relaxed);
        leases::take(shared.clone(), user, limit, lease, number).await
    }

    /// The line `/readyz` adds about the shared state; none in memory,
    /// where nothing changed from a single gateway.
    pub fn readiness(&self) -> Option<&'static str> {
        let SharedState::Redis(shared) = self else {
            return None;
        };
        Some(match shared.store.link() {
            Link::Up => "shared state: Redis (deduplication and per-user limits shared between replicas)\n",
            Link::Connecting | Link::Down => {
                "shared state: Redis unreachable; deduplication and per-user limits are per replica until it answers\n"
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_another_replica_s_claim_is_a_repeat() {
        assert_eq!(shared_verdict(Some(true)), Ok(()));
        assert_eq!(shared_verdict(Some(false)), Err(Replay::Seen));
        assert_eq!(
            shared_verdict(None),
            Ok(()),
            "no answer: the replica's memory decides"
        );
    }

    #[test]
    fn keys_are_digests_under_the_prefix_never_the_content() {
        let key = replay_key("gw", &[b"slack", b"signature", b"v0=secret-ish"]);
        assert!(key.starts_with("gw:replay:"), "{key}");
        let digest = key.trim_start_matches("gw:replay:");
        assert_eq!(digest.len(), 32);
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!key.contains("secret"));
        assert_ne!(key, replay_key("gw", &[b"slack", b"signature", b"v0=other"]));
    }
}
