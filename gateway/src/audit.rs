//! One structured audit line per command: who, where, what, outcome, how long.
//!
//! Emitted as a tracing event with target `audit`, which the JSON log format
//! writes as one line. It names IDs and the linked user, never a token.

use std::time::Duration;

use crate::model::{Identity, Invocation};

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It ran and answered.
    Succeeded,
    /// Access grants refused it.
    Denied,
    /// It ran and reported a failure to the user (a backend said no).
    Failed,
    /// Something broke: a timeout, an unreachable backend, an undeliverable answer.
    Errored,
    /// Help or usage was shown.
    Help,
    /// The user cancelled a prompt.
    Cancelled,
    /// A prompt was shown for missing arguments.
    Prompted,
}

impl Outcome {
    /// The outcome as logged and used as a metric label.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::Help => "help",
            Outcome::Cancelled => "cancelled",
            Outcome::Prompted => "prompted",
        }
    }
}

/// Writes the audit line of one command.
pub fn record(
    invocation: &Invocation,
    identity: Option<&Identity>,
    outcome: &Outcome,
    detail: &str,
    took: Duration,
) {
    tracing::info!(
        target: "audit",
        platform = %invocation.platform,
        platform_type = %invocation.platform_type,
        organization = invocation.organization.as_deref().unwrap_or(""),
        channel = invocation.channel.as_deref().unwrap_or(""),
        user = invocation.user.as_deref().unwrap_or(""),
        user_name = invocation.user_name.as_deref().unwrap_or(""),
        linked_user = identity.map(|i| i.user.as_str()).unwrap_or(""),
        linked = identity.is_some_and(|i| i.linked),
        command = %invocation.command,
        subcommand = %invocation.subcommand,
        outcome = outcome.as_str(),
        detail,
        duration_ms = took.as_millis() as u64,
        "command"
    );
}
