//! What can go wrong with an outbound call, said without the URL (whose
//! path or query may be a credential) and without any token.

use std::time::Duration;

/// Why an outbound call gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The service could not be reached, timed out, or the answer broke off.
    #[error("{api}: request failed: {reason}")]
    Transport {
        /// The API called, e.g. `chat.postMessage`.
        api: &'static str,
        /// What went wrong, with its causes ([`describe`]).
        reason: String,
        /// reqwest's error, its URL removed, for callers that tell kinds apart.
        #[source]
        source: reqwest::Error,
    },
    /// The service kept answering 429 after the retries allowed.
    #[error("{api}: still rate limited after {attempts} attempts")]
    RateLimited {
        /// The API called.
        api: &'static str,
        /// How many times it was tried.
        attempts: u32,
        /// The last `Retry-After`, bounded by the policy, when one was sent.
        retry_after: Option<Duration>,
    },
    /// A retry was due but the request (a streamed body) cannot be sent twice.
    #[error("{api}: the request cannot be resent")]
    NotResendable {
        /// The API called.
        api: &'static str,
    },
    /// The answer was larger than the policy allows; it was not buffered.
    #[error("{api}: a reply larger than {limit} bytes")]
    TooLarge {
        /// The API called.
        api: &'static str,
        /// The policy's limit.
        limit: usize,
    },
    /// The extra CA bundle could not be read.
    #[error("the CA bundle is not PEM: {0}")]
    CaBundle(String),
    /// The client could not be built (e.g. no TLS backend).
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
}

impl OutboundError {
    /// A transport error of `api`, its URL removed.
    pub(crate) fn transport(api: &'static str, err: reqwest::Error) -> Self {
        let source = err.without_url();
        OutboundError::Transport {
            api,
            reason: describe(&source),
            source,
        }
    }

    /// reqwest's error, for a transport failure.
    pub fn reqwest(&self) -> Option<&reqwest::Error> {
        match self {
            OutboundError::Transport { source, .. } => Some(source),
            _ => None,
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        self.reqwest().is_some_and(reqwest::Error::is_timeout)
    }

    /// A short, bounded word for metrics and spans.
    pub(crate) fn outcome(&self) -> &'static str {
        match self {
            OutboundError::Transport { source, .. } if source.is_timeout() => "timeout",
            OutboundError::Transport { source, .. } if source.is_connect() => "connect_error",
            OutboundError::Transport { .. } => "transport_error",
            OutboundError::RateLimited { .. } => "rate_limited",
            OutboundError::NotResendable { .. } => "not_resendable",
            OutboundError::TooLarge { .. } => "too_large",
            OutboundError::CaBundle(_) | OutboundError::Build(_) => "client_error",
        }
    }
}

/// A transport error with its causes (reqwest's own message is only "error
/// sending request"); call it on `err.without_url()`.
pub fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut reason = kind.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        // Causes are hyper and OS errors; none names the URL, but make sure.
        if !text.contains("://") && !reason.ends_with(&text) {
            reason.push_str(": ");
            reason.push_str(&text);
        }
        source = cause.source();
    }
    reason
}

/// The body of an error answer if it looks like a code (`expired_url`);
/// anything else, which might echo a URL, is withheld.
pub fn code_or_withheld(body: &str) -> String {
    let body = body.trim();
    let code_like = !body.is_empty()
        && body.len() <= 100
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'));
    if code_like {
        body.to_owned()
    } else {
        "(error body withheld)".to_owned()
    }
}

/// The host of a URL, for logs (a response URL's path is its secret).
pub fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "(invalid URL)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slack's response URLs, whose hosts are all that is logged.
    mod slack {
        use super::host_of;

        #[test]
        fn only_the_host_of_a_url_is_logged() {
            assert_eq!(
                host_of("https://hooks.slack.com/commands/T1/2/secret"),
                "hooks.slack.com"
            );
            assert_eq!(host_of("not a url"), "(invalid URL)");
        }
    }
}
