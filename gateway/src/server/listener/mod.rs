//! Serving a listener: the accept loop and each connection, with the limits
//! `axum::serve` does not have.
//!
//! `axum::serve` applies no timeout before a request's head is read (the
//! request timeout, a tower layer, starts only then) and accepts without
//! limit. So connections that send nothing, or trickle their head, stayed
//! open for minutes; a few hundred of them used up the process's file
//! descriptors, and then every accept failed, on the admin listener too:
//! `/healthz` stopped answering and the pod was restarted, for an attack
//! anyone who can reach the webhook port can make. Here, per listener:
//!
//! - a **header-read timeout** and an **idle timeout** between requests
//!   ([`connection`]: why hyper's own `header_read_timeout` is not used);
//! - a **connection limit**, at which a new connection takes the place of the
//!   one that has waited longest without a request ([`registry`]), so a
//!   client that sends its request promptly gets in during the attack;
//! - limits that **fit the open-file limit** ([`budget`]), the admin listener
//!   with its own, so liveness probes answer whatever the webhook listener
//!   suffers;
//! - failed accepts **back off** and are logged once per burst ([`backoff`]);
//! - forwarded headers from peers that are not trusted proxies are removed
//!   ([`super::forwarded`]), and the peer is in each request's extensions as
//!   axum's [`ConnectInfo`].
//!
//! HTTP/1.1 only, as `axum::serve` served with the features this crate enables.
//! On shutdown the listener stops accepting, idle connections close, and
//! requests in flight are answered.

pub mod backoff;
pub mod budget;
pub mod connection;
pub mod registry;

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{Request, body::Incoming};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, time::Instant};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower::ServiceExt as _;

use self::{
    backoff::{AcceptBackoff, Log, is_connection_error},
    connection::{Closed, Timeouts, TrackedStream, Tracker},
    registry::{Admitted, Connections},
};
use super::forwarded::TrustedProxies;
use crate::metrics::{ClosedLabels, ListenerLabels, Metrics};

/// The most a connection buffers while reading (hyper's default is 400 KiB):
/// a request head must fit, and chat platforms' heads are a few KiB (a Teams
/// token is the largest). At 64 KiB, a thousand connections that fill their
/// buffer hold 64 MiB, not 400. A larger head is answered 431.
pub const MAX_BUFFER_BYTES: usize = 64 * 1024;

/// How one listener serves.
#[derive(Clone, Debug)]
pub struct ListenerSettings {
    /// `webhooks` or `admin`: the metrics' `listener` label and the logs'.
    pub name: &'static str,
    /// Connections open at once.
    pub max_connections: usize,
    /// Header-read and idle timeouts.
    pub timeouts: Timeouts,
    /// Peers whose forwarded headers are kept.
    pub trusted_proxies: Arc<TrustedProxies>,
}

/// Serves `router` on `listener` under `settings` until `shutdown` is
/// cancelled, then stops accepting and returns once every connection has
/// closed (idle ones at once, the others when their requests are answered).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: ListenerSettings,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) {
    let connections = Connections::new(settings.max_connections);
    let open = TaskTracker::new();
    let labels = ListenerLabels {
        listener: settings.name.to_owned(),
    };
    let mut backoff = AcceptBackoff::default();
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) if is_connection_error(&err) => continue,
            Err(err) => {
                metrics.accept_errors.get_or_create(&labels).inc();
                let (pause, log) = backoff.failed(Instant::now());
                match log {
                    Log::Started => tracing::error!(
                        listener = settings.name,
                        error = %err,
                        open = connections.len(),
                        "cannot accept connections; pausing accepts (100 ms doubling to 1 s) until it recovers"
                    ),
                    Log::Continues => tracing::error!(
                        listener = settings.name,
                        error = %err,
                        failures = backoff.failures(),
                        open = connections.len(),
                        "still cannot accept connections"
                    ),
                    Log::Quiet => {}
                }
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(pause) => continue,
                }
            }
        };
        if let Some(burst) = backoff.succeeded(Instant::now()) {
            tracing::warn!(
                listener = settings.name,
                failures = burst.failures,
                seconds = burst.lasted.as_secs_f64(),
                "accepting connections again"
            );
        }
        let tracker = connections.tracker(Instant::now());
        let admitted = tokio::select! {
            () = shutdown.cancelled() => break,
            (admitted, _evicted) = connections.admit(tracker.clone()) => admitted,
        };
        metrics.connections.get_or_create(&labels).inc();
        open.spawn(serve_connection(
            Connection {
                stream: TrackedStream::new(stream, tracker.clone()),
                peer,
                tracker,
                admitted,
            },
            router.clone(),
            settings.clone(),
            metrics.clone(),
            labels.clone(),
            shutdown.clone(),
        ));
    }
    // Stop accepting: new connections are refused rather than left queued.
    drop(listener);
    open.close();
    open.wait().await;
}

/// An accepted, admitted connection.
struct Connection {
    stream: TrackedStream<tokio::net::TcpStream>,
    peer: SocketAddr,
    tracker: Arc<Tracker>,
    admitted: Admitted,
}

/// Serves one connection until the client closes it, a timeout or an
/// eviction closes it, or (on shutdown) its last request is answered.
async fn serve_connection(
    connection: Connection,
    router: Router,
    settings: ListenerSettings,
    metrics: Arc<Metrics>,
    labels: ListenerLabels,
    shutdown: CancellationToken,
) {
    let Connection {
        stream,
        peer,
        tracker,
        admitted,
    } = connection;
    let service = {
        let tracker = tracker.clone();
        let trusted = settings.trusted_proxies.clone();
        hyper::service::service_fn(move |mut request: Request<Incoming>| {
            let in_flight = tracker.request_started();
            trusted.sanitize(peer.ip(), request.headers_mut());
            request.extensions_mut().insert(ConnectInfo(peer));
            let response = router.clone().oneshot(request);
            async move {
                let response = response.await;
                drop(in_flight);
                Ok::<_, Infallible>(response.unwrap_or_else(|never| match never {}))
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.max_buf_size(MAX_BUFFER_BYTES);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let closing = tracker.closing(settings.timeouts);
    tokio::pin!(closing);
    let mut draining = false;
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(err) = served {
                    tracing::debug!(listener = settings.name, %peer, error = %err, "connection ended with an error");
                }
                break;
            }
            why = &mut closing => {
                // Nothing in flight (or evicted): dropping the connection closes it.
                closed(&metrics, settings.name, why);
                tracing::debug!(listener = settings.name, %peer, reason = why.as_str(), "connection closed");
                break;
            }
            () = shutdown.cancelled(), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
    metrics.connections.get_or_create(&labels).dec();
    drop(admitted);
}

fn closed(metrics: &Metrics, listener: &str, why: Closed) {
    metrics
        .connections_closed
        .get_or_create(&ClosedLabels {
            listener: listener.to_owned(),
            reason: why.as_str().to_owned(),
        })
        .inc();
}

/// The header-read and idle timeouts from seconds (zero counts as one).
pub fn timeouts(header_read_seconds: u64, idle_seconds: u64) -> Timeouts {
    Timeouts {
        header_read: Duration::from_secs(header_read_seconds.max(1)),
        idle: Duration::from_secs(idle_seconds.max(1)),
    }
}

/// What the command line asks of the two listeners.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Header-read and idle timeouts, for both listeners.
    pub timeouts: Timeouts,
    /// The webhook listener's connection limit.
    pub max_connections: usize,
    /// The admin listener's connection limit.
    pub admin_max_connections: usize,
    /// Proxies whose forwarded headers the webhook listener keeps.
    pub trusted_proxies: TrustedProxies,
    /// Command slots: each may hold an outbound connection, which the
    /// connection limits must leave room for.
    pub command_slots: usize,
}

/// The settings of the webhook and admin listeners: `limits`, with the
/// connection limits lowered (and a warning logged) where they do not fit
/// the open-file limit, which is first raised to the hard limit.
pub fn settings(limits: Limits) -> (ListenerSettings, ListenerSettings) {
    let open_files = budget::open_file_limit();
    let other_files = budget::BASE_OTHER_FILES + limits.command_slots as u64;
    let fits = budget::plan(
        open_files,
        other_files,
        limits.max_connections,
        limits.admin_max_connections,
    );
    for (flag, asked, fits) in [
        ("--max-connections", limits.max_connections, fits.webhooks),
        (
            "--admin-max-connections",
            limits.admin_max_connections,
            fits.admin,
        ),
    ] {
        if fits < asked {
            tracing::warn!(
                open_file_limit = open_files,
                kept_for_other_files = other_files,
                "{flag} {asked} lowered to {fits} to fit the open-file limit (ulimit -n); raise that limit to allow more"
            );
        }
    }
    tracing::info!(
        webhooks = fits.webhooks,
        admin = fits.admin,
        header_read_timeout_seconds = limits.timeouts.header_read.as_secs(),
        idle_timeout_seconds = limits.timeouts.idle.as_secs(),
        trusted_proxies = %limits.trusted_proxies,
        "connection limits"
    );
    let webhooks = ListenerSettings {
        name: "webhooks",
        max_connections: fits.webhooks,
        timeouts: limits.timeouts,
        trusted_proxies: Arc::new(limits.trusted_proxies),
    };
    let admin = ListenerSettings {
        name: "admin",
        max_connections: fits.admin,
        timeouts: limits.timeouts,
        // The admin routes use no forwarded header.
        trusted_proxies: Arc::new(TrustedProxies::default()),
    };
    (webhooks, admin)
}
