//! Why a look-up failed, in words fit for a status condition and an Event.
//!
//! No variant carries a token: the messages are built from what the platform
//! answered (error codes, HTTP statuses) and never from request headers.

use std::time::Duration;

/// Why an email or channel name could not be resolved to an ID.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The platform knows no such user or channel.
    #[error("{0}")]
    NotFound(String),
    /// More than one channel has the name; the message says how to pick one.
    #[error("{0}")]
    Ambiguous(String),
    /// The platform cannot look this up with the credentials the operator has.
    #[error("{0}")]
    Unsupported(String),
    /// The ChatPlatform has no usable credentials in the compiled configuration.
    #[error("{0}")]
    NotConfigured(String),
    /// The platform asked to slow down; try again after `retry_after` when given.
    #[error("{platform} is rate limiting the operator's look-ups")]
    RateLimited {
        /// Which platform.
        platform: &'static str,
        /// Its `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The platform refused the request: bad token, missing scope or permission.
    #[error("{platform} refused the look-up: {detail}")]
    Refused {
        /// Which platform.
        platform: &'static str,
        /// The platform's error code and what to do about it.
        detail: String,
    },
    /// The platform could not be reached, timed out, or failed on its side.
    #[error("{platform} could not be reached: {detail}")]
    Unreachable {
        /// Which platform.
        platform: &'static str,
        /// What went wrong, without the request's URL or headers.
        detail: String,
    },
    /// The platform answered with something that is not what its API documents.
    #[error("{platform} answered with an unexpected response: {detail}")]
    Malformed {
        /// Which platform.
        platform: &'static str,
        /// What did not parse.
        detail: String,
    },
}

impl LookupError {
    /// How long the platform asked to wait before the next request, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LookupError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether trying again cannot help until the configuration changes: the
    /// first retry then waits as long as the backoff's longest delay.
    pub fn is_permanent(&self) -> bool {
        matches!(self, LookupError::Unsupported(_) | LookupError::NotConfigured(_))
    }
}
