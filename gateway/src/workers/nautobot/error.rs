//! What can go wrong talking to Nautobot, and how to say it in a chat.

/// Why a Nautobot call failed. Names the object and the user, never a token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NautobotError {
    /// Nautobot refused the token (401): revoked, expired or mistyped.
    #[error("Nautobot did not accept the token of {user}")]
    Unauthorized {
        /// The Nautobot user the token was for.
        user: String,
    },
    /// The user may not do this (403): Nautobot's object permissions said no.
    #[error("you (linked as {user}) may not {action} {object} in Nautobot")]
    Forbidden {
        /// The Nautobot user.
        user: String,
        /// `view`, `change`, `run`.
        action: String,
        /// What was asked for (`dcim/devices`).
        object: String,
    },
    /// The object does not exist, or the user may not see that it does.
    #[error("{object} was not found in Nautobot")]
    NotFound {
        /// What was asked for.
        object: String,
    },
    /// Nautobot answered with an error of its own (5xx, or a 4xx with a reason).
    #[error("Nautobot answered {status}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Nautobot's `detail`, when it gave one.
        detail: Option<String>,
    },
    /// No answer within the integration's timeout.
    #[error("Nautobot did not answer within {seconds} s")]
    Timeout {
        /// The timeout.
        seconds: u64,
    },
    /// Nautobot could not be reached at all.
    #[error("Nautobot at {endpoint} cannot be reached")]
    Unreachable {
        /// The endpoint, without credentials.
        endpoint: String,
    },
    /// The answer was not what Nautobot's API returns.
    #[error("Nautobot's answer could not be read: {0}")]
    Malformed(String),
}
