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
    #[error("you ({}) may not {action} {object} in Nautobot", as_whom(user, *linked))]
    Forbidden {
        /// The Nautobot user.
        user: String,
        /// Whether the user came from the chat user's AccountLink (else: the
        /// platform's fallback user, with the Integration's token).
        linked: bool,
        /// `view`, `change`, `run`.
        action: String,
        /// What was asked for (`dcim/devices`).
        object: String,
    },
    /// The object does not exist, or the user may not see that it does.
    #[error("Nautobot found nothing at {object}")]
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
    /// Nautobot answered a GraphQL query with errors (a filter value it does
    /// not know, a field the user may not read).
    #[error("Nautobot could not answer the query: {0}")]
    Query(String),
    /// No answer within the integration's timeout.
    #[error("Nautobot did not answer within {seconds} s")]
    Timeout {
        /// The timeout.
        seconds: u64,
    },
    /// Nautobot's certificate was not accepted: an unknown CA, an expired
    /// certificate or another name. The fix is in the Integration's `tls`.
    #[error(
        "Nautobot at {endpoint} presented a certificate that is not trusted ({reason}); \
         give the Integration its CA with tls.caRef"
    )]
    Untrusted {
        /// The endpoint, without credentials.
        endpoint: String,
        /// What TLS said, e.g. `invalid peer certificate: UnknownIssuer`.
        reason: String,
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

impl NautobotError {
    /// Whether the person asking can fix it (a refusal, a missing object, a
    /// bad value), as opposed to Nautobot being down or broken.
    pub fn is_answer(&self) -> bool {
        match self {
            NautobotError::Unauthorized { .. }
            | NautobotError::Forbidden { .. }
            | NautobotError::NotFound { .. }
            | NautobotError::Query(_) => true,
            NautobotError::Refused { status, .. } => *status < 500,
            NautobotError::Timeout { .. }
            | NautobotError::Untrusted { .. }
            | NautobotError::Unreachable { .. }
            | NautobotError::Malformed(_) => false,
        }
    }
}

/// "linked as alice", or for the fallback user "not linked, acting as chatbot".
fn as_whom(user: &str, linked: bool) -> String {
    if linked {
        format!("linked as {user}")
    } else {
        format!("not linked, acting as {user}")
    }
}
