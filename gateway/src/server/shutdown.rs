//! The two moments of a graceful stop (a rolling update's SIGTERM), which
//! the rest of the server reads:
//!
//! 1. **Draining**, from the signal: the webhook listener stops accepting
//!    (new connections are refused, which load balancers retry on another
//!    replica), `/readyz` says not ready at once (so nothing routes here
//!    again, whatever the endpoints controller's delay), and the commands in
//!    flight keep running to their answers.
//! 2. **Abandoning**, when the grace period (`--shutdown-grace-seconds`) is
//!    over with commands still running: each stops waiting for its backend
//!    and tells its user that the gateway stopped before it finished, so
//!    that no one waits for an answer that will never come.

use tokio_util::sync::CancellationToken;

/// Where the gateway is in stopping.
#[derive(Debug, Default)]
pub struct Shutdown {
    draining: CancellationToken,
    abandoning: CancellationToken,
}

impl Shutdown {
    /// SIGTERM came: no new requests; those in flight finish.
    pub fn drain(&self) {
        self.draining.cancel();
    }

    /// A token cancelled by [`Shutdown::drain`], for what stops taking new
    /// work then (the webhook listener, the Socket Mode connections).
    pub fn draining(&self) -> CancellationToken {
        self.draining.clone()
    }

    /// Whether [`Shutdown::drain`] was called.
    pub fn is_draining(&self) -> bool {
        self.draining.is_cancelled()
    }

    /// The grace period is over: commands still running give up and say so.
    pub fn abandon(&self) {
        self.abandoning.cancel();
    }

    /// Resolves once [`Shutdown::abandon`] is called (at once if it was).
    pub async fn abandoned(&self) {
        self.abandoning.cancelled().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn draining_comes_before_abandoning_and_each_is_told_once_set() {
        let shutdown = Shutdown::default();
        assert!(!shutdown.is_draining());
        shutdown.drain();
        assert!(shutdown.is_draining());
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(10), shutdown.abandoned()).await;
        assert!(waiting.is_err(), "draining does not abandon anything");
        shutdown.abandon();
        shutdown.abandoned().await;
    }
}
