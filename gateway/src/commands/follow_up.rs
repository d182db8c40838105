//! Messages a command promises for later: the final status of an AWX job it
//! launched, posted in the same conversation when the job ends.
//!
//! A command registers them through [`Call::follow_up`](super::Call::follow_up)
//! while it runs; the server starts them once the command's own answer is
//! delivered, outside the command's slot and timeout (a job may run for an
//! hour), bounded in number, and stops them when the gateway shuts down.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use crate::model::Message;

/// What produces the later message: `None` when there is nothing to say.
pub type FollowUpWork = Pin<Box<dyn Future<Output = Option<Message>> + Send>>;

/// A message promised for later.
pub struct FollowUp {
    /// Waits for what the message reports, then writes it.
    pub work: FollowUpWork,
    /// What to say instead when the promise cannot be kept: too many
    /// follow-ups are running, or the gateway stops first. It tells the
    /// user where to look for themselves.
    pub if_abandoned: Message,
}

/// The follow-ups one command registered, for the server to start.
#[derive(Default)]
pub struct FollowUps(Mutex<Vec<FollowUp>>);

impl FollowUps {
    /// Registers `follow_up`.
    pub fn push(&self, follow_up: FollowUp) {
        self.lock().push(follow_up);
    }

    /// The follow-ups registered so far, leaving none.
    pub fn take(&self) -> Vec<FollowUp> {
        std::mem::take(&mut *self.lock())
    }

    /// How many are registered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FollowUp>> {
        // A panic while pushing leaves a whole Vec behind: the data is fine.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for FollowUps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FollowUps")
            .field("registered", &self.len())
            .finish()
    }
}
