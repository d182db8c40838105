//! Leader election: of all replicas, only the holder of a Lease writes.
//!
//! The Lease is held through `kube-lease-manager` (server-side apply on a
//! `coordination.k8s.io/v1` Lease, renewed before it expires). Every write the
//! operator makes first asks [`Leadership::is_leader`], so once the manager
//! reports the lease lost, the very next request is not sent, even in the
//! middle of a cycle.

use std::time::Duration;

use kube::Client;
use kube_lease_manager::{LeaseManager, LeaseManagerBuilder};
use tokio::{sync::watch, task::JoinHandle};

/// Whether this replica may write now. Cheap to clone.
///
/// The second field keeps the sender of [`Leadership::always`] alive: were it
/// dropped, `changed` would report a stopped lease manager at once.
#[derive(Clone, Debug)]
pub struct Leadership(
    watch::Receiver<bool>,
    #[expect(dead_code, reason = "only kept alive")] Option<std::sync::Arc<watch::Sender<bool>>>,
);

impl Leadership {
    /// Always the leader: leader election switched off (a single replica).
    pub fn always() -> Self {
        let (sender, receiver) = watch::channel(true);
        Self(receiver, Some(std::sync::Arc::new(sender)))
    }

    /// Leadership as a channel reports it (for tests, and the lease manager).
    pub fn from_channel(receiver: watch::Receiver<bool>) -> Self {
        Self(receiver, None)
    }

    /// Whether this replica holds the lease right now.
    pub fn is_leader(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until leadership changes; returns the new state, or `None` once
    /// the lease manager stopped (then this replica is no longer leader).
    pub async fn changed(&mut self) -> Option<bool> {
        self.0.changed().await.ok()?;
        Some(*self.0.borrow_and_update())
    }
}

/// How long a lease lasts and how early the holder renews it.
#[derive(Clone, Debug)]
pub struct LeaseSettings {
    /// The Lease's namespace (the operator's own).
    pub namespace: String,
    /// The Lease's name.
    pub name: String,
    /// This replica's identity (its pod name).
    pub identity: String,
    /// How long a lease is valid after its last renewal.
    pub duration: Duration,
    /// How long before expiry the holder renews.
    pub grace: Duration,
}

/// A running election: its leadership channel and the task keeping the lease.
pub struct Election {
    /// Whether this replica leads.
    pub leadership: Leadership,
    task: JoinHandle<kube_lease_manager::Result<LeaseManager>>,
}

impl Election {
    /// Starts competing for the lease.
    pub async fn start(client: Client, settings: &LeaseSettings) -> kube_lease_manager::Result<Self> {
        let manager = LeaseManagerBuilder::new(client, &settings.name)
            .with_namespace(&settings.namespace)
            .with_identity(&settings.identity)
            .with_duration(settings.duration.as_secs())
            .with_grace(settings.grace.as_secs())
            .build()
            .await?;
        let (receiver, task) = manager.watch().await;
        Ok(Self {
            leadership: Leadership(receiver, None),
            task,
        })
    }

    /// Stops competing without releasing the lease, as a killed process
    /// does: the lease stays held until it expires, and only then can another
    /// replica take it. For tests of exactly that.
    pub fn abandon(self) {
        self.task.abort();
    }

    /// Releases the lease at shutdown, so another replica takes over at once
    /// instead of after the lease expires.
    pub async fn release(self) {
        let Election { leadership, task } = self;
        // The manager's task ends when its channel closes, and hands the manager back.
        drop(leadership);
        match task.await {
            Ok(Ok(manager)) => {
                if let Err(error) = manager.release().await {
                    tracing::warn!(%error, "could not release the lease; it expires on its own");
                }
            }
            Ok(Err(error)) => tracing::warn!(%error, "the lease manager stopped with an error"),
            Err(error) => tracing::warn!(%error, "the lease manager task failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn leadership_follows_the_channel_and_ends_when_it_closes() {
        let (sender, receiver) = watch::channel(false);
        let mut leadership = Leadership::from_channel(receiver);
        assert!(!leadership.is_leader());
        sender.send(true).unwrap();
        assert_eq!(leadership.changed().await, Some(true));
        assert!(leadership.is_leader());
        drop(sender);
        assert_eq!(leadership.changed().await, None);
        assert!(Leadership::always().is_leader());
    }

    #[tokio::test]
    async fn without_election_leadership_never_ends() {
        let mut always = Leadership::always();
        let changed = tokio::time::timeout(Duration::from_millis(50), always.changed()).await;
        assert!(
            changed.is_err(),
            "changed() must pend, not report a stopped lease manager"
        );
        assert!(always.clone().is_leader());
    }
}
