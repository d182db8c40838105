//! The per-user command limit across replicas.
//!
//! Each user has a sorted set in Redis whose members are the leases of
//! their running commands (this replica's name and a number) scored by the
//! time each lease ends, on Redis' clock. A lease is taken atomically (a
//! Lua script drops the ended leases, counts the rest, adds one if under
//! the limit) and removed when the command finishes.
//!
//! Why leases and not a counter: a counter incremented by a replica that
//! then dies mid-command is never decremented, and the user stays "busy"
//! for good (or until a TTL that every new command would push back). A
//! lease ends by itself: a dead replica's leases stop counting once their
//! time is up, which is the command timeout plus a margin, the longest a
//! command may hold its slot anyway. No renewal is needed for that reason.

use std::{sync::Arc, time::Duration};

use sha2::{Digest, Sha256};

use super::Shared;

/// A lease on one of a user's commands, shared between replicas; ended
/// (in the background) when dropped.
#[derive(Debug)]
pub struct UserLease {
    shared: Arc<Shared>,
    key: String,
    holder: String,
}

/// What taking a lease gave.
#[derive(Debug)]
pub enum Taken {
    /// A lease, held until dropped.
    Lease(UserLease),
    /// Nothing shared to count in (memory, or Redis did not answer): the
    /// replica's own count is the limit.
    NotShared,
    /// The user already runs their limit of commands on the replicas together.
    AtLimit,
}

/// The Redis key of `user`'s leases: a digest, so no user ID is stored.
pub fn user_key(prefix: &str, user: &str) -> String {
    let digest = Sha256::digest(user.as_bytes());
    format!("{prefix}:user:{}", hex::encode(&digest[..16]))
}

/// Takes lease number `number` of this replica for `user`, under `limit`, for `lease`.
pub(super) async fn take(
    shared: Arc<Shared>,
    user: &str,
    limit: usize,
    lease: Duration,
    number: u64,
) -> Taken {
    let key = user_key(&shared.prefix, user);
    let holder = format!("{}:{number}", shared.replica);
    // No answer: the replica's own count is the limit.
    match shared.store.take_lease(&key, &holder, limit, lease).await {
        Some(true) => Taken::Lease(UserLease { shared, key, holder }),
        Some(false) => Taken::AtLimit,
        None => Taken::NotShared,
    }
}

impl Drop for UserLease {
    fn drop(&mut self) {
        // Ending it is a network call; without a runtime (the process is
        // ending) the lease ends by itself.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (shared, key, holder) = (
            self.shared.clone(),
            std::mem::take(&mut self.key),
            std::mem::take(&mut self.holder),
        );
        runtime.spawn(async move { shared.store.end_lease(&key, &holder).await });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_is_stored_as_a_digest() {
        let key = user_key("gw", "slack\nT1\nU1");
        assert!(key.starts_with("gw:user:"));
        assert!(!key.contains("U1"));
        assert_ne!(key, user_key("gw", "slack\nT1\nU2"));
    }
}
