//! How a routed command ended, for the audit log and the metrics.

use super::continuation::ContinuationError;
use crate::access::GrantType;
use crate::audit;

/// How a command ended, with what the audit line needs to explain it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It ran and answered.
    Succeeded,
    /// It asked for missing arguments with a menu or a form.
    Prompted,
    /// Help or usage was shown.
    Help,
    /// An unknown command or sub-command; help was shown.
    Unknown(String),
    /// The user cancelled a prompt.
    Cancelled,
    /// The access grants refused it: no grant allows `scope` for the ID the request carried.
    Denied {
        /// The first scope that failed.
        scope: GrantType,
        /// The request's ID for it, `None` when the platform sent none.
        id: Option<String>,
    },
    /// A prompt's answer carried a continuation that did not verify.
    Rejected(ContinuationError),
    /// It ran and reported a failure (its answer was an error message).
    Failed(String),
    /// It could not answer: its backend is unreachable or broke.
    Errored(String),
}

impl Outcome {
    /// The outcome as the audit log and the metrics label it.
    pub fn audit(&self) -> audit::Outcome {
        match self {
            Outcome::Succeeded => audit::Outcome::Succeeded,
            Outcome::Prompted => audit::Outcome::Prompted,
            Outcome::Help | Outcome::Unknown(_) => audit::Outcome::Help,
            Outcome::Cancelled => audit::Outcome::Cancelled,
            Outcome::Denied { .. } | Outcome::Rejected(_) => audit::Outcome::Denied,
            Outcome::Failed(_) => audit::Outcome::Failed,
            Outcome::Errored(_) => audit::Outcome::Errored,
        }
    }

    /// The audit line's detail: why, in a few words.
    pub fn detail(&self) -> String {
        match self {
            Outcome::Succeeded | Outcome::Prompted | Outcome::Help | Outcome::Cancelled => String::new(),
            Outcome::Unknown(what) => what.clone(),
            Outcome::Denied { scope, id: Some(id) } => format!("not permitted in {scope} {id}"),
            Outcome::Denied { scope, id: None } => format!("not permitted without a {scope} ID"),
            Outcome::Rejected(error) => format!("continuation rejected: {error:?}"),
            Outcome::Failed(reason) | Outcome::Errored(reason) => reason.clone(),
        }
    }
}
