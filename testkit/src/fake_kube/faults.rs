//! Failure injection: what a cluster does to a client now and then, so a
//! test can check the client survives it.
//!
//! - [`Fault`]: refuse matching requests with a status code and the Status
//!   body kube-apiserver would send (403 from RBAC, 429 from priority and
//!   fairness, 500, 503, 504 from timeouts), until removed;
//! - downtime after a restart: every connection is cut, as a server that is
//!   down refuses them (not 503: kube's client retries 429, 503 and 504 by
//!   itself, so a 503 would only delay it, and its watcher would never fail);
//! - a crash point: writes beyond a count are held, never answered, never
//!   applied, so a test can stop its client between two writes, where a
//!   process killed mid-cycle would stop.

use std::{future::Future, time::Duration};

use axum::http::{Method, StatusCode};
use tokio::{sync::watch, time::Instant};

use super::{Failure, Request};

/// A rule refusing the requests it matches.
#[derive(Clone, Debug)]
pub struct Fault {
    /// The method refused; `None`: every method.
    pub method: Option<Method>,
    /// A substring of the path and query (`"/configmaps/"`, `"watch=true"`).
    pub path: String,
    /// Only requests to the `/status` subresource.
    pub status_only: bool,
    /// The answer's status code. (kube's client retries 429, 503 and 504 by
    /// itself, up to 15 times with a growing delay: those delay a request
    /// rather than fail it.)
    pub code: StatusCode,
}

impl Fault {
    /// Refuses `method` (`None`: any) requests whose path and query contain `path` with `code`.
    pub fn new(method: Option<Method>, path: &str, code: StatusCode) -> Fault {
        Fault {
            method,
            path: path.to_owned(),
            status_only: false,
            code,
        }
    }

    /// RBAC's refusal of `method` on `path`.
    pub fn forbidden(method: Method, path: &str) -> Fault {
        Fault::new(Some(method), path, StatusCode::FORBIDDEN)
    }

    /// Only on the `/status` subresource.
    pub fn on_status(mut self) -> Fault {
        self.status_only = true;
        self
    }

    fn matches(&self, request: &Request) -> bool {
        self.method.as_ref().is_none_or(|m| *m == request.method)
            && request.uri.contains(&self.path)
            && (!self.status_only || request.sub.as_deref() == Some("status"))
    }
}

/// A fault added with [`super::FakeApi::fail`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultId(usize);

#[derive(Default)]
pub(super) struct Faults {
    /// Each fault with the number of requests it refused.
    rules: Vec<(FaultId, Fault, usize)>,
    next: usize,
    /// Requests refused by faults and downtime.
    pub refused: usize,
    down_until: Option<Instant>,
    hold: Option<Hold>,
}

struct Hold {
    /// Writes still let through.
    pass: usize,
    reached: watch::Sender<bool>,
    /// Dropped on release: the held writes wake up and are refused.
    released: watch::Sender<()>,
}

/// What RBAC calls the request's verb.
fn verb(request: &Request) -> &'static str {
    match (&request.method, &request.name) {
        (&Method::GET, Some(_)) => "get",
        (&Method::GET, None) if request.param("watch") == Some("true") => "watch",
        (&Method::GET, None) => "list",
        (&Method::POST, _) => "create",
        (&Method::PUT, _) => "update",
        (&Method::PATCH, _) => "patch",
        (&Method::DELETE, _) => "delete",
        _ => "access",
    }
}

/// The answer kube-apiserver gives with `code`.
fn refusal(code: StatusCode, request: &Request) -> Failure {
    let name = request.name.as_deref().unwrap_or_default();
    match code.as_u16() {
        403 => {
            let subject = if name.is_empty() {
                request.resource()
            } else {
                format!("{} \"{name}\"", request.resource())
            };
            let sub = request.sub.as_ref().map(|s| format!("/{s}")).unwrap_or_default();
            let message = format!(
                "{subject} is forbidden: User \"system:serviceaccount:chatops:chatops-operator\" cannot {} \
                 resource \"{}{sub}\" in API group \"{}\" in the namespace \"{}\"",
                verb(request),
                request.plural,
                request.group,
                request.namespace
            );
            Failure::new(code, message).named(request, name)
        }
        404 => request.not_found(name),
        409 => Failure::modified(request, name),
        429 => Failure::new(code, "Too many requests, please try again later."),
        500 => Failure::new(code, "Internal error occurred: injected by the test"),
        503 => Failure::new(code, "the server is currently unable to handle the request"),
        504 => Failure::new(
            code,
            "Timeout: request did not complete within the allowed duration",
        ),
        _ => Failure::new(code, format!("injected by the test: {code}")),
    }
}

impl Faults {
    /// The refusal of `request`, if a fault or downtime refuses it.
    /// Whether the server is down (after a restart): counts the refusal.
    pub fn down(&mut self) -> bool {
        let down = self.down_until.is_some_and(|until| Instant::now() < until);
        self.refused += usize::from(down);
        down
    }

    pub fn refuse(&mut self, request: &Request) -> Option<Failure> {
        let (_, fault, count) = self
            .rules
            .iter_mut()
            .find(|(_, fault, _)| fault.matches(request))?;
        *count += 1;
        self.refused += 1;
        Some(refusal(fault.code, request))
    }

    pub fn add(&mut self, fault: Fault) -> FaultId {
        self.next += 1;
        let id = FaultId(self.next);
        self.rules.push((id, fault, 0));
        id
    }

    pub fn remove(&mut self, id: FaultId) {
        self.rules.retain(|(rule, _, _)| *rule != id);
    }

    pub fn refused_by(&self, id: FaultId) -> usize {
        self.rules
            .iter()
            .find(|(rule, _, _)| *rule == id)
            .map_or(0, |(_, _, count)| *count)
    }

    pub fn heal(&mut self) {
        self.rules.clear();
        self.down_until = None;
    }

    pub fn down_for(&mut self, down: Duration) {
        self.down_until = (!down.is_zero()).then(|| Instant::now() + down);
    }

    /// Lets `pass` more writes through, then holds the others; the future
    /// resolves once one is held (or when the hold ends without any).
    pub fn hold_after(&mut self, pass: usize) -> impl Future<Output = ()> + Send + use<> {
        let (reached, mut seen) = watch::channel(false);
        // A hold replacing another releases that one's writes.
        self.hold = Some(Hold {
            pass,
            reached,
            released: watch::channel(()).0,
        });
        async move {
            let _ = seen.wait_for(|reached| *reached).await;
        }
    }

    /// For a write: `None` to serve it, or a future to await before refusing it.
    pub fn hold(&mut self) -> Option<impl Future<Output = ()> + Send + use<>> {
        let hold = self.hold.as_mut()?;
        if hold.pass > 0 {
            hold.pass -= 1;
            return None;
        }
        hold.reached.send_replace(true);
        let mut released = hold.released.subscribe();
        Some(async move {
            // Never changes: returns when the sender drops.
            let _ = released.changed().await;
        })
    }

    pub fn release(&mut self) {
        self.hold = None;
    }
}
