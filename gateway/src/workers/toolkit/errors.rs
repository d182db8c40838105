//! What can go wrong talking to a backend, said the same way for every
//! integration: "You (linked as alice) may not view dcim/devices in
//! Nautobot", "Nautobot at … cannot be reached", "Nautobot's answer could
//! not be read". An integration names its backend once ([`Backend`]) and its
//! client returns [`BackendError`]s of it.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

use chatops_outbound::{Answer, OutboundError, retry_after};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A backend as its errors name it.
pub trait Backend: Clone + std::fmt::Debug + PartialEq + Eq + Send + Sync + 'static {
    /// Its name in sentences: `Nautobot`.
    const NAME: &'static str;
    /// What a user acts with there: `token`, or `password` for a backend
    /// that logs in.
    const CREDENTIAL: &'static str;
}

/// Why a backend call failed. Names the object and the user, never a secret
/// or a URL carrying one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackendError<B: Backend> {
    /// The backend refused the credential (401): revoked, expired or mistyped.
    #[error("{} did not accept the {} of {user}", B::NAME, B::CREDENTIAL)]
    Unauthorized {
        /// The backend user the credential was for.
        user: String,
    },
    /// The user may not do this (403): the backend's permissions said no.
    #[error("you ({}) may not {action} {object} in {}", as_whom(user, *linked), B::NAME)]
    Forbidden {
        /// The backend user.
        user: String,
        /// Whether the user came from the chat user's AccountLink (else: the
        /// platform's fallback user, with the Integration's credential).
        linked: bool,
        /// `view`, `change`, `run`.
        action: String,
        /// What was asked for (`dcim/devices`).
        object: String,
    },
    /// The object does not exist, or the user may not see that it does.
    #[error("{} found nothing at {object}", B::NAME)]
    NotFound {
        /// What was asked for.
        object: String,
    },
    /// The backend answered with an error of its own (5xx, or a 4xx with a reason).
    #[error("{} answered {status}{}", B::NAME, detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The backend's reason, when it gave one.
        detail: Option<String>,
    },
    /// The backend could not answer a query (a filter value it does not
    /// know, a field the user may not read).
    #[error("{backend} could not answer the query: {0}", backend = B::NAME)]
    Query(String),
    /// No answer within the integration's timeout.
    #[error("{} did not answer within {seconds} s", B::NAME)]
    Timeout {
        /// The timeout.
        seconds: u64,
    },
    /// The backend's certificate was not accepted: an unknown CA, an expired
    /// certificate or another name. The fix is in the Integration's `tls`.
    #[error(
        "{} at {endpoint} presented a certificate that is not trusted ({reason}); \
         give the Integration its CA with tls.caRef",
        B::NAME
    )]
    Untrusted {
        /// The endpoint, without credentials.
        endpoint: String,
        /// What TLS said, e.g. `invalid peer certificate: UnknownIssuer`.
        reason: String,
    },
    /// The backend could not be reached at all.
    #[error("{} at {endpoint} cannot be reached", B::NAME)]
    Unreachable {
        /// The endpoint, without credentials.
        endpoint: String,
    },
    /// The answer was not what the backend's API returns.
    #[error("{backend}'s answer could not be read: {0}", backend = B::NAME)]
    Malformed(String),
    /// A write reached the backend (or may have) but its answer was lost:
    /// it timed out or broke off. The backend may have done it, so the
    /// person is told to look before trying again, since trying again could
    /// do it twice (a second job, a second change).
    #[error(
        "{cause}, so whether it was done is not known: check in {backend} before trying again",
        backend = B::NAME
    )]
    Unconfirmed {
        /// What went wrong, as the toolkit says it ("AWX did not answer within 30 s").
        cause: String,
    },
    /// A refusal (401, 403, 404) with the backend's own reason for it, for
    /// backends that give one worth reading (Meraki's `errors`): "you (…)
    /// may not change port 5 in Meraki: You have read-only access …".
    #[error("{refusal}: {reason}")]
    Explained {
        /// The refusal (401, 403, 404), as the toolkit says it.
        refusal: String,
        /// The backend's sentence(s).
        reason: String,
    },
    /// The backend would not do what was asked with these values (400, 422):
    /// its validation said why.
    #[error("{} would not {action} {object}: {reason}", B::NAME)]
    Rejected {
        /// `change`, `cycle`, `read`.
        action: String,
        /// What it was asked of, in words (`port 5 of ams-sw-01`).
        object: String,
        /// The backend's sentence(s).
        reason: String,
    },
    /// The backend kept answering 429 beyond the retries and the time the
    /// Integration allows.
    #[error(
        "{} is rate-limiting these requests; try again in {} s",
        B::NAME,
        retry_after_seconds.max(&1)
    )]
    RateLimited {
        /// What the backend's last `Retry-After` asked for.
        retry_after_seconds: u64,
    },
    /// Never built: carries the backend type, so that the one enum serves
    /// every integration.
    #[doc(hidden)]
    #[error("{0}")]
    Of(Infallible, PhantomData<B>),
}

impl<B: Backend> BackendError<B> {
    /// Whether the person asking can fix it (a refusal, a missing object, a
    /// bad value), as opposed to the backend being down or broken.
    pub fn is_answer(&self) -> bool {
        match self {
            BackendError::Unauthorized { .. }
            | BackendError::Forbidden { .. }
            | BackendError::NotFound { .. }
            | BackendError::Query(_)
            | BackendError::Explained { .. }
            | BackendError::Rejected { .. }
            | BackendError::RateLimited { .. } => true,
            BackendError::Refused { status, .. } => *status < 500,
            BackendError::Timeout { .. }
            | BackendError::Untrusted { .. }
            | BackendError::Unreachable { .. }
            | BackendError::Malformed(_)
            | BackendError::Unconfirmed { .. } => false,
            BackendError::Of(never, _) => match *never {},
        }
    }
}

impl<B: Backend> BackendError<B> {
    /// Why a call to the backend at `endpoint` got no answer: it took longer
    /// than `timeout`, its answer could not be read, its certificate was not
    /// trusted, or it could not be reached.
    pub fn transport(err: &OutboundError, endpoint: &str, timeout: Duration) -> Self {
        let Some(err) = err.reqwest() else {
            return BackendError::Malformed(err.to_string());
        };
        if err.is_timeout() {
            BackendError::Timeout {
                seconds: timeout.as_secs(),
            }
        } else if err.is_decode() || err.is_body() {
            BackendError::Malformed(err.to_string())
        } else if let Some(reason) = certificate_problem(err) {
            BackendError::Untrusted {
                endpoint: endpoint.to_owned(),
                reason,
            }
        } else {
            BackendError::Unreachable {
                endpoint: endpoint.to_owned(),
            }
        }
    }
}

impl<B: Backend> BackendError<B> {
    /// The body of `answer` read as `T` when it is a success; else the
    /// backend's refusal, said as `user` (from an AccountLink when `linked`)
    /// may not `action` `object`, with `reason` reading why from a refusal's
    /// JSON body.
    pub fn read_answer<T: DeserializeOwned>(
        answer: &Answer,
        (user, linked): (&str, bool),
        action: &str,
        object: String,
        reason: impl FnOnce(&Value) -> Option<String>,
    ) -> Result<T, Self> {
        if answer.status.is_success() {
            return serde_json::from_slice(&answer.body)
                .map_err(|err| BackendError::Malformed(format!("{object}: {err}")));
        }
        Err(Self::refusal(answer, (user, linked), action, object, reason))
    }

    /// The refusal an answer that is not a success says, as
    /// [`BackendError::read_answer`] tells it; for a backend whose successes
    /// are not JSON (a picture).
    pub fn refusal(
        answer: &Answer,
        (user, linked): (&str, bool),
        action: &str,
        object: String,
        reason: impl FnOnce(&Value) -> Option<String>,
    ) -> Self {
        match answer.status {
            StatusCode::UNAUTHORIZED => BackendError::Unauthorized {
                user: user.to_owned(),
            },
            StatusCode::FORBIDDEN => BackendError::Forbidden {
                user: user.to_owned(),
                linked,
                action: action.to_owned(),
                object,
            },
            StatusCode::NOT_FOUND => BackendError::NotFound { object },
            // A backend that throttles says when to come back: the person is
            // told that, not a status code (a 429 means nothing was done).
            StatusCode::TOO_MANY_REQUESTS => BackendError::RateLimited {
                retry_after_seconds: retry_after(&answer.headers, SystemTime::now())
                    .map_or(1, |wait| wait.as_secs_f64().ceil() as u64),
            },
            other => BackendError::Refused {
                status: other.as_u16(),
                detail: serde_json::from_slice::<Value>(&answer.body)
                    .ok()
                    .and_then(|v| reason(&v)),
            },
        }
    }
}

/// What TLS said about the peer's certificate, if that is why `err` failed:
/// reqwest reports it only as a connect error, with rustls's reason deep in
/// the chain of sources.
fn certificate_problem(err: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = source {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        // An io::Error's `source()` skips the error it wraps (and rustls's
        // is wrapped twice): look inside instead.
        source = match error.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    None
}

/// "linked as alice", or for the fallback user "not linked, acting as chatbot".
fn as_whom(user: &str, linked: bool) -> String {
    if linked {
        format!("linked as {user}")
    } else {
        format!("not linked, acting as {user}")
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A backend that logs in, for the toolkit's tests.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Grafana;

    impl Backend for Grafana {
        const NAME: &'static str = "Grafana";
        const CREDENTIAL: &'static str = "password";
    }

    type GrafanaError = BackendError<Grafana>;

    #[test]
    fn every_error_names_its_backend() {
        let forbidden = GrafanaError::Forbidden {
            user: "alice".to_owned(),
            linked: true,
            action: "view".to_owned(),
            object: "dashboards".to_owned(),
        };
        assert_eq!(
            forbidden.to_string(),
            "you (linked as alice) may not view dashboards in Grafana"
        );
        assert_eq!(
            GrafanaError::Unauthorized {
                user: "bob".to_owned()
            }
            .to_string(),
            "Grafana did not accept the password of bob"
        );
        assert_eq!(
            GrafanaError::Malformed("panels: expected a list".to_owned()).to_string(),
            "Grafana's answer could not be read: panels: expected a list"
        );
        assert_eq!(
            GrafanaError::Refused {
                status: 502,
                detail: None
            }
            .to_string(),
            "Grafana answered 502"
        );
    }

    #[test]
    fn a_backends_reasons_and_rate_limits_are_said_and_are_answers() {
        let explained = GrafanaError::Explained {
            refusal: "Grafana did not accept the password of bob".to_owned(),
            reason: "Invalid API key".to_owned(),
        };
        assert_eq!(
            explained.to_string(),
            "Grafana did not accept the password of bob: Invalid API key"
        );
        let rejected = GrafanaError::Rejected {
            action: "change".to_owned(),
            object: "port 5 of sw-01".to_owned(),
            reason: "'vlan' must be an integer between 1 and 4094".to_owned(),
        };
        assert_eq!(
            rejected.to_string(),
            "Grafana would not change port 5 of sw-01: 'vlan' must be an integer between 1 and 4094"
        );
        let limited = GrafanaError::RateLimited {
            retry_after_seconds: 0,
        };
        assert_eq!(
            limited.to_string(),
            "Grafana is rate-limiting these requests; try again in 1 s"
        );
        assert!(explained.is_answer() && rejected.is_answer() && limited.is_answer());
    }

    #[test]
    fn a_429_says_when_to_try_again_and_a_lost_write_says_to_check_first() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        let answer = Answer {
            status: StatusCode::TOO_MANY_REQUESTS,
            headers,
            body: b"{}".to_vec(),
            attempts: 1,
        };
        let refusal = GrafanaError::refusal(&answer, ("alice", true), "view", "panels".to_owned(), |_| None);
        assert_eq!(
            refusal,
            GrafanaError::RateLimited {
                retry_after_seconds: 7
            }
        );
        let lost = GrafanaError::Unconfirmed {
            cause: GrafanaError::Timeout { seconds: 30 }.to_string(),
        };
        assert_eq!(
            lost.to_string(),
            "Grafana did not answer within 30 s, so whether it was done is not known: \
             check in Grafana before trying again"
        );
        assert!(!lost.is_answer(), "an outage, not the person's to fix");
    }

    #[test]
    fn refusals_are_answers_and_outages_are_failures() {
        assert!(
            GrafanaError::NotFound {
                object: "x".to_owned()
            }
            .is_answer()
        );
        assert!(
            GrafanaError::Refused {
                status: 400,
                detail: None
            }
            .is_answer()
        );
        assert!(
            !GrafanaError::Refused {
                status: 503,
                detail: None
            }
            .is_answer()
        );
        assert!(!GrafanaError::Timeout { seconds: 3 }.is_answer());
        assert!(
            !GrafanaError::Unreachable {
                endpoint: "https://g".to_owned()
            }
            .is_answer()
        );
    }
}
