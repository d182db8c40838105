//! One connection's phase, and the deadline that phase sets.
//!
//! hyper 1's `http1::Builder::header_read_timeout` starts whenever hyper
//! waits for a request head: on a new connection and again as soon as a
//! response is written. So it is also the keep-alive idle timeout, with the
//! same length. A header timeout short enough to shed slowloris connections
//! (10 s) would then close idle keep-alive connections long before the
//! proxies in front of the gateway do (nginx and cloud load balancers keep
//! idle upstream connections for 60 s), and a proxy that reuses one just as
//! the gateway closes it answers 502 for a webhook it never delivered. So
//! the gateway keeps its own clock, with one deadline per phase:
//!
//! | phase | until | closed after |
//! | --- | --- | --- |
//! | new: accepted, head not complete | the first request's head is read | `header_read` from the accept |
//! | idle: between requests | the next request's first byte | `idle` |
//! | head: the next request's head arriving | its head is read | `header_read` from its first byte |
//! | busy: requests being answered | the last answer is written | none here: the request timeout applies |
//!
//! The bytes read come through [`TrackedStream`]; requests starting and
//! ending through [`Tracker::request_started`]. Only idle, new and head
//! connections may be evicted to make room (nothing is lost by closing them).

use std::{
    io,
    pin::Pin,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    sync::Notify,
    time::Instant,
};

/// How long a connection may take over a request head, and stay idle between requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// From the accept (or a request's first byte after an idle time) to its complete head.
    pub header_read: Duration,
    /// Between requests on a kept-alive connection.
    pub idle: Duration,
}

/// Where a connection is, and since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Accepted; the first request's head is not complete yet.
    New { since: Instant },
    /// Between requests.
    Idle { since: Instant },
    /// A request's head arriving after an idle time.
    Head { since: Instant },
    /// This many requests being answered.
    Busy(usize),
}

/// Why the gateway closed a connection (the `reason` label of
/// `chatops_gateway_connections_closed_total`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// A request head did not arrive in time.
    HeaderTimeout,
    /// Idle between requests for too long.
    IdleTimeout,
    /// Closed to make room for a new connection at the listener's limit.
    Evicted,
}

impl Closed {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Closed::HeaderTimeout => "header_timeout",
            Closed::IdleTimeout => "idle_timeout",
            Closed::Evicted => "evicted",
        }
    }
}

impl Phase {
    /// When this phase ends the connection, and why; `None` while requests are answered.
    fn deadline(self, timeouts: Timeouts) -> Option<(Instant, Closed)> {
        match self {
            Phase::New { since } | Phase::Head { since } => {
                Some((since + timeouts.header_read, Closed::HeaderTimeout))
            }
            Phase::Idle { since } => Some((since + timeouts.idle, Closed::IdleTimeout)),
            Phase::Busy(_) => None,
        }
    }

    /// Since when no request has been answered on it; `None` while one is.
    fn waiting_since(self) -> Option<Instant> {
        match self {
            Phase::New { since } | Phase::Idle { since } | Phase::Head { since } => Some(since),
            Phase::Busy(_) => None,
        }
    }
}

/// The shared state of one connection: its phase, and whether it was evicted.
#[derive(Debug)]
pub struct Tracker {
    phase: Mutex<Phase>,
    /// Wakes [`Tracker::closing`] on a change of phase or an eviction. It has
    /// one waiter, and `notify_one` keeps a permit when it is not waiting yet,
    /// so no change is missed.
    changed: Notify,
    evicted: AtomicBool,
    /// Told when the connection starts waiting for a request, since it may
    /// then be evicted (its listener's [`super::registry::Connections`]).
    waiting: Option<Arc<Notify>>,
}

impl Tracker {
    /// A connection accepted at `now`.
    pub fn new(now: Instant) -> Arc<Tracker> {
        Tracker::telling(now, None)
    }

    /// A connection accepted at `now`, telling `waiting` when it waits for a request again.
    pub(crate) fn telling(now: Instant, waiting: Option<Arc<Notify>>) -> Arc<Tracker> {
        Arc::new(Tracker {
            phase: Mutex::new(Phase::New { since: now }),
            changed: Notify::new(),
            evicted: AtomicBool::new(false),
            waiting,
        })
    }

    // The phase is a plain value: a panic elsewhere cannot leave it half
    // written, so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn set(&self, phase: &mut Phase, to: Phase) {
        *phase = to;
        self.changed.notify_one();
    }

    /// Bytes arrived at `now`: after an idle time, a request's head starts.
    pub(crate) fn on_read(&self, now: Instant) {
        let mut phase = self.lock();
        if let Phase::Idle { .. } = *phase {
            self.set(&mut phase, Phase::Head { since: now });
        }
    }

    /// A request's head was read and it is being answered, until the
    /// returned guard drops.
    pub fn request_started(self: &Arc<Self>) -> InFlight {
        let mut phase = self.lock();
        let busy = match *phase {
            Phase::Busy(n) => n + 1,
            _ => 1,
        };
        self.set(&mut phase, Phase::Busy(busy));
        InFlight(self.clone())
    }

    /// Since when the connection has been waiting for a request (so it may
    /// be evicted); `None` while one is answered, or once evicted.
    pub fn waiting_since(&self) -> Option<Instant> {
        if self.evicted.load(Ordering::Acquire) {
            return None;
        }
        self.lock().waiting_since()
    }

    /// Asks the connection to close to make room: [`Tracker::closing`] ends
    /// with [`Closed::Evicted`] as soon as no request is in flight (at once,
    /// unless one started since it was chosen). False if it was asked already.
    pub fn evict(&self) -> bool {
        let first = !self.evicted.swap(true, Ordering::AcqRel);
        self.changed.notify_one();
        first
    }

    /// Completes when the connection should be closed: a deadline of its
    /// phase passed, or it was evicted. Never completes while a request is
    /// answered.
    pub async fn closing(&self, timeouts: Timeouts) -> Closed {
        loop {
            let phase = *self.lock();
            if self.evicted.load(Ordering::Acquire) && phase.waiting_since().is_some() {
                return Closed::Evicted;
            }
            match phase.deadline(timeouts) {
                None => self.changed.notified().await,
                Some((at, why)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {
                            if *self.lock() == phase {
                                return why;
                            }
                        }
                        () = self.changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// A request being answered; the connection waits again when the last one drops.
#[derive(Debug)]
pub struct InFlight(Arc<Tracker>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let tracker = &self.0;
        let mut phase = tracker.lock();
        let next = match *phase {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle {
                since: Instant::now(),
            },
        };
        tracker.set(&mut phase, next);
        if let (Phase::Idle { .. }, Some(waiting)) = (next, &tracker.waiting) {
            waiting.notify_one();
        }
    }
}

/// A stream that tells its [`Tracker`] when bytes arrive.
#[derive(Debug)]
pub struct TrackedStream<S> {
    inner: S,
    tracker: Arc<Tracker>,
}

impl<S> TrackedStream<S> {
    /// `inner`, reporting its reads to `tracker`.
    pub fn new(inner: S, tracker: Arc<Tracker>) -> Self {
        TrackedStream { inner, tracker }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for TrackedStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled
            && buf.filled().len() > before
        {
            self.tracker.on_read(Instant::now());
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TrackedStream<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        header_read: Duration::from_secs(10),
        idle: Duration::from_secs(60),
    };

    /// A connection accepted now, and when.
    fn accepted() -> (Arc<Tracker>, Instant) {
        let t0 = Instant::now();
        (Tracker::new(t0), t0)
    }

    /// Why `closing` completes, and when, in whole seconds of paused time since `t0`.
    async fn closes_at(tracker: &Tracker, t0: Instant) -> (Closed, u64) {
        let why = tracker.closing(TIMEOUTS).await;
        (why, (Instant::now() - t0).as_secs())
    }

    /// `closes_at` in a task of its own, started before the test goes on.
    async fn spawn_closing(tracker: &Arc<Tracker>, t0: Instant) -> tokio::task::JoinHandle<(Closed, u64)> {
        let tracker = tracker.clone();
        let task = tokio::spawn(async move { closes_at(&tracker, t0).await });
        tokio::task::yield_now().await;
        task
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_connection_has_the_header_timeout_from_its_accept() {
        let (tracker, t0) = accepted();
        tokio::time::advance(Duration::from_secs(4)).await;
        // Bytes of the first head do not move the deadline: trickling does not help.
        tracker.on_read(Instant::now());
        assert_eq!(closes_at(&tracker, t0).await, (Closed::HeaderTimeout, 10));
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_has_the_idle_timeout_then_the_header_timeout_from_its_first_byte() {
        let (tracker, t0) = accepted();
        drop(tracker.request_started());
        assert_eq!(closes_at(&tracker, t0).await, (Closed::IdleTimeout, 60));

        let (tracker, t0) = accepted();
        drop(tracker.request_started());
        let closing = spawn_closing(&tracker, t0).await;
        tokio::time::advance(Duration::from_secs(30)).await;
        tracker.on_read(Instant::now());
        tokio::time::advance(Duration::from_secs(5)).await;
        tracker.on_read(Instant::now());
        assert_eq!(closing.await.unwrap(), (Closed::HeaderTimeout, 40));
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_connection_has_no_deadline_until_its_last_request_ends() {
        let (tracker, t0) = accepted();
        let first = tracker.request_started();
        let second = tracker.request_started();
        assert_eq!(tracker.waiting_since(), None);
        let closing = spawn_closing(&tracker, t0).await;
        tokio::time::advance(Duration::from_secs(500)).await;
        drop(first);
        tokio::time::advance(Duration::from_secs(500)).await;
        assert!(!closing.is_finished());
        drop(second);
        assert_eq!(tracker.waiting_since(), Some(Instant::now()));
        assert_eq!(closing.await.unwrap(), (Closed::IdleTimeout, 1060));
    }

    #[tokio::test(start_paused = true)]
    async fn an_evicted_connection_closes_at_once_or_when_its_request_is_answered() {
        let (tracker, t0) = accepted();
        assert!(tracker.evict());
        assert!(!tracker.evict(), "asked once");
        assert_eq!(tracker.waiting_since(), None, "not a candidate twice");
        assert_eq!(closes_at(&tracker, t0).await, (Closed::Evicted, 0));

        // A request that started just after the connection was chosen is answered first.
        let tracker = Tracker::new(t0);
        let request = tracker.request_started();
        assert!(tracker.evict());
        let closing = spawn_closing(&tracker, t0).await;
        tokio::time::advance(Duration::from_secs(3)).await;
        assert!(!closing.is_finished());
        drop(request);
        assert_eq!(closing.await.unwrap(), (Closed::Evicted, 3));
    }

    #[tokio::test]
    async fn reads_are_reported() {
        let (client, server) = tokio::io::duplex(64);
        let tracker = Tracker::new(Instant::now());
        drop(tracker.request_started());
        let mut stream = TrackedStream::new(server, tracker.clone());
        let idle = tracker.waiting_since();
        let mut client = client;
        tokio::io::AsyncWriteExt::write_all(&mut client, b"G")
            .await
            .unwrap();
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.unwrap();
        assert!(matches!(*tracker.lock(), Phase::Head { .. }));
        assert!(tracker.waiting_since() >= idle);
    }
}
