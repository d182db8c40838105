//! Reloading on change: watch the directory, debounce, compare, load, swap.
//!
//! The directory is watched, not the files: kubelet updates a mounted
//! ConfigMap by swapping a `..data` symlink, and editors save by renaming, so
//! a watch on a file would go stale after the first change. A periodic check
//! backs the watch up on filesystems without change notifications.
//!
//! Only events that can change content start a check (opening or reading a
//! file cannot: the gateway's own reads raise those, and reacting to them
//! would reload forever), and a check reloads only when the digest of the
//! directory's content changed. An error that persists is logged once, not
//! at every check.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use arc_swap::ArcSwapOption;
use notify::{
    EventKind, RecursiveMode, Watcher,
    event::{AccessKind, AccessMode, ModifyKind},
};
use tokio::sync::mpsc;

use super::{ConfigSource, LoadError, Loaded, content};
use crate::metrics::Metrics;

/// How long the directory must be quiet before a reload: a GitOps sync or a
/// kubelet swap touches many files at once.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// The longest a burst may hold a reload back: a directory that changes
/// more often than [`DEBOUNCE`] (a tool rewriting a file in a loop, grants
/// flapping) is still read at least this often, rather than never.
const MAX_SETTLE: Duration = Duration::from_secs(1);

/// Waits until `rx` has been quiet for `quiet`, or `at_most` has passed,
/// whichever comes first (the notifications in between are taken and dropped).
async fn settle(rx: &mut mpsc::UnboundedReceiver<()>, quiet: Duration, at_most: Duration) {
    let deadline = tokio::time::Instant::now() + at_most;
    loop {
        let wait = quiet.min(deadline.saturating_duration_since(tokio::time::Instant::now()));
        if wait.is_zero()
            || !tokio::time::timeout(wait, rx.recv())
                .await
                .is_ok_and(|e| e.is_some())
        {
            return;
        }
    }
}

/// How often an error that does not change is logged again.
pub const REPEAT_ERROR_AFTER: Duration = Duration::from_secs(600);

/// What a [`Reloader::reload`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reload {
    /// The content is the one read last time: nothing was loaded.
    Unchanged,
    /// The content changed and loaded; `swapped` is false when it compiled to
    /// the configuration already serving.
    Loaded {
        /// Whether a new configuration now serves.
        swapped: bool,
    },
}

/// Builds what the gateway serves from a loaded configuration, and holds the current one.
pub struct Reloader<T> {
    source: ConfigSource,
    build: Box<dyn Fn(Loaded) -> T + Send + Sync>,
    current: ArcSwapOption<T>,
    last_fingerprint: std::sync::Mutex<Option<String>>,
    last_content: std::sync::Mutex<Option<[u8; 32]>>,
    rejected: std::sync::Mutex<Vec<chatops_crds::Diagnostic>>,
    /// Told each time a new configuration is swapped in.
    swaps: tokio::sync::watch::Sender<u64>,
}

impl<T> Reloader<T> {
    /// A reloader of `source`; nothing is loaded until [`Reloader::reload`].
    pub fn new(source: ConfigSource, build: impl Fn(Loaded) -> T + Send + Sync + 'static) -> Self {
        Self {
            source,
            build: Box::new(build),
            current: ArcSwapOption::empty(),
            last_fingerprint: std::sync::Mutex::new(None),
            last_content: std::sync::Mutex::new(None),
            rejected: std::sync::Mutex::new(Vec::new()),
            swaps: tokio::sync::watch::Sender::new(0),
        }
    }

    /// A receiver told of every configuration swapped in from now on (what
    /// holds connections of its own, Slack Socket Mode's, follows it).
    pub fn swaps(&self) -> tokio::sync::watch::Receiver<u64> {
        self.swaps.subscribe()
    }

    /// What is served now; `None` until a configuration has loaded once.
    pub fn current(&self) -> Option<Arc<T>> {
        self.current.load_full()
    }

    /// The resources the serving configuration left out, and why (standalone mode).
    pub fn rejected(&self) -> Vec<chatops_crds::Diagnostic> {
        lock(&self.rejected).clone()
    }

    /// Loads the source again if its content changed since the last call,
    /// and swaps it in if it loaded and compiled to something new.
    ///
    /// On failure the last good configuration keeps serving; requests in
    /// flight hold their own `Arc` to the configuration they started with.
    /// A failed content is not read again until it changes.
    pub fn reload(&self) -> Result<Reload, LoadError> {
        if let Some(dir) = self.source.watched_dir() {
            let digest = content::digest(dir);
            let mut last = lock(&self.last_content);
            if *last == Some(digest) {
                return Ok(Reload::Unchanged);
            }
            *last = Some(digest);
        }
        let loaded = self.source.load()?;
        Ok(Reload::Loaded {
            swapped: self.install(loaded),
        })
    }

    /// Swaps in a configuration loaded by a source that pushes changes (the
    /// cluster watch), unless it is the one serving already. Returns whether it swapped.
    pub fn install(&self, loaded: Loaded) -> bool {
        let fingerprint = fingerprint(&loaded);
        let mut last = lock(&self.last_fingerprint);
        if last.as_deref() == Some(fingerprint.as_str()) {
            return false;
        }
        for rejected in &loaded.rejected {
            tracing::warn!(object = %rejected.object, reason = %rejected.reason, detail = %rejected.message, "resource left out");
        }
        *lock(&self.rejected) = loaded.rejected.clone();
        let platforms = loaded.config.platforms.len();
        let grants = loaded.config.grants.len();
        let integrations = loaded.config.integrations.len();
        self.current.store(Some(Arc::new((self.build)(loaded))));
        *last = Some(fingerprint);
        self.swaps.send_modify(|swaps| *swaps += 1);
        tracing::info!(platforms, grants, integrations, "configuration loaded");
        true
    }

    /// The source this reloader reads.
    pub fn source(&self) -> &ConfigSource {
        &self.source
    }
}

fn lock<V>(mutex: &std::sync::Mutex<V>) -> std::sync::MutexGuard<'_, V> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A digest of a loaded configuration, to skip rebuilding an unchanged one.
fn fingerprint(loaded: &Loaded) -> String {
    let config = serde_json::to_string(&loaded.config).unwrap_or_default();
    format!("{}|{}", loaded.secrets.content_hash(), config)
}

/// Whether a file system event can have changed what a load reads.
///
/// Opening, reading and closing a file read-only cannot, nor can a change of
/// permissions or timestamps; everything else (a write, a new, removed or
/// renamed entry, kubelet's `..data` swap, an overflow that lost events) can.
pub fn is_content_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        EventKind::Any | EventKind::Other => true,
    }
}

/// Checks `reloader`'s directory whenever its content may have changed, and
/// every `interval`; reloads when the content did change.
///
/// Runs until the process ends. Failures are logged (once while they last);
/// the last good configuration keeps serving.
pub async fn watch<T: Send + Sync + 'static>(
    reloader: Arc<Reloader<T>>,
    interval: Duration,
    metrics: Arc<Metrics>,
    mut log: FailureLog,
) {
    let Some(dir) = reloader.source().watched_dir().map(ToOwned::to_owned) else {
        tracing::error!("the configuration source has no directory to watch");
        return;
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| is_content_change(&event.kind)) {
            let _ = tx.send(());
        }
    })
    .and_then(|mut watcher| watcher.watch(&dir, RecursiveMode::Recursive).map(|()| watcher));
    let _watcher = match watcher {
        Ok(watcher) => Some(watcher),
        Err(err) => {
            tracing::warn!(error = %err, dir = %dir.display(), "cannot watch the configuration directory; checking every {interval:?} only");
            None
        }
    };

    let mut ticker = tokio::time::interval(interval);
    ticker.tick().await;
    let mut notified = true;
    loop {
        tokio::select! {
            changed = rx.recv(), if notified => {
                if changed.is_none() {
                    // The watcher is gone; the periodic check goes on alone.
                    notified = false;
                    continue;
                }
                settle(&mut rx, DEBOUNCE, MAX_SETTLE).await;
            }
            _ = ticker.tick() => {}
            _ = sleep_until(log.wait_deadline()) => {
                report_overdue(reloader.current().is_some(), &mut log);
                continue;
            }
        }
        let reloading = reloader.clone();
        match tokio::task::spawn_blocking(move || reloading.reload()).await {
            Ok(Ok(Reload::Unchanged)) => {}
            Ok(outcome) => {
                metrics.reloads.inc();
                let serving = reloader.current().is_some();
                report(outcome.map(|_| ()), serving, &metrics, &mut log);
            }
            Err(err) => tracing::error!(error = %err, "configuration reload panicked"),
        }
    }
}

/// How long a Secret may lag behind its configuration before the wait is
/// worth a warning. kubelet updates the ConfigMap and Secret volumes
/// separately, so an ordinary rotation shows a mismatch for a moment (the
/// two files land milliseconds to a sync period apart): that is logged at
/// debug level, and only a wait longer than this at warn.
pub const SECRET_WAIT_GRACE: Duration = Duration::from_secs(60);

/// Remembers the last reload error, so that one that persists is logged once
/// (and again every [`REPEAT_ERROR_AFTER`]), a new one at once, and the
/// recovery once; and how long the gateway has been waiting for a Secret to
/// catch up, so that an ordinary wait stays quiet.
#[derive(Debug)]
pub struct FailureLog {
    last: Option<(String, Instant)>,
    repeat_after: Duration,
    grace: Duration,
    waiting: Option<Wait>,
}

/// A wait for the Secret to match the configuration.
#[derive(Debug)]
struct Wait {
    message: String,
    since: Instant,
    /// Whether the wait outlasted the grace and was logged as a warning.
    warned: bool,
}

impl Default for FailureLog {
    fn default() -> Self {
        Self::new(REPEAT_ERROR_AFTER)
    }
}

/// What to log about a reload, as [`FailureLog`] decides.
#[derive(Debug, PartialEq, Eq)]
pub enum LogDecision {
    /// Log the error.
    Log,
    /// The same error was logged recently: stay quiet.
    Quiet,
    /// The last reload failed and this one did not: say it recovered.
    Recovered,
    /// Nothing to say beyond the reload's own line.
    Nothing,
}

impl FailureLog {
    /// A log that repeats an unchanged error after `repeat_after`, and waits
    /// quietly for a Secret for [`SECRET_WAIT_GRACE`].
    pub fn new(repeat_after: Duration) -> Self {
        Self {
            last: None,
            repeat_after,
            grace: SECRET_WAIT_GRACE,
            waiting: None,
        }
    }

    /// The same log with another grace for Secret waits.
    pub fn with_secret_grace(self, grace: Duration) -> Self {
        Self { grace, ..self }
    }

    /// Decides whether the error `message`, met at `now`, is logged.
    pub fn failed(&mut self, message: &str, now: Instant) -> LogDecision {
        self.waiting = None;
        self.decide(message, now)
    }

    fn decide(&mut self, message: &str, now: Instant) -> LogDecision {
        match &self.last {
            Some((last, at)) if last == message && now.duration_since(*at) < self.repeat_after => {
                LogDecision::Quiet
            }
            _ => {
                self.last = Some((message.to_owned(), now));
                LogDecision::Log
            }
        }
    }

    /// The Secret does not match the configuration yet (`message` names the
    /// hashes): quiet while the wait is within the grace, then logged as any
    /// error that persists.
    pub fn waiting(&mut self, message: &str, now: Instant) -> LogDecision {
        let wait = self.waiting.get_or_insert_with(|| Wait {
            message: message.to_owned(),
            since: now,
            warned: false,
        });
        wait.message = message.to_owned();
        if !wait.warned && now.duration_since(wait.since) < self.grace {
            return LogDecision::Quiet;
        }
        wait.warned = true;
        self.decide(message, now)
    }

    /// When a quiet wait outlasts its grace, if one is under way: a watch
    /// with nothing else to do then calls [`FailureLog::overdue`].
    pub fn wait_deadline(&self) -> Option<Instant> {
        self.waiting
            .as_ref()
            .filter(|wait| !wait.warned)
            .map(|wait| wait.since + self.grace)
    }

    /// The message of a wait that outlasted its grace at `now` without
    /// being logged yet; it is then counted as logged.
    pub fn overdue(&mut self, now: Instant) -> Option<String> {
        let wait = self.waiting.as_ref()?;
        if wait.warned || now.duration_since(wait.since) < self.grace {
            return None;
        }
        let message = wait.message.clone();
        (self.waiting(&message, now) == LogDecision::Log).then_some(message)
    }

    /// A reload succeeded: says whether that ends a failure worth telling (a
    /// wait that stayed within its grace is not).
    pub fn succeeded(&mut self) -> LogDecision {
        let quiet_wait = self.waiting.take().is_some_and(|wait| !wait.warned);
        match self.last.take() {
            Some(_) if !quiet_wait => LogDecision::Recovered,
            _ if quiet_wait => {
                tracing::debug!("the Secret caught up with the configuration");
                LogDecision::Nothing
            }
            _ => LogDecision::Nothing,
        }
    }
}

/// Logs a reload's failure (through `log`, so a persisting one only once)
/// or the recovery from one, and counts the failures. `serving` says whether
/// a configuration serves meanwhile (the last good one), or none has loaded yet.
///
/// A Secret that has not caught up with its configuration is the normal state
/// while an update propagates, so it is not a failure (it names hashes only),
/// and it is a warning only once the wait outlasts the log's grace. A deleted
/// object is a warning, but counted: nothing will bring it back by itself.
pub fn report(outcome: Result<(), LoadError>, serving: bool, metrics: &Metrics, log: &mut FailureLog) {
    let err = match outcome {
        Ok(()) => {
            if log.succeeded() == LogDecision::Recovered {
                tracing::info!("configuration recovered");
            }
            return;
        }
        Err(err) => err,
    };
    let message = err.to_string();
    if let LoadError::SecretOutOfDate { .. } = err {
        match log.waiting(&message, Instant::now()) {
            LogDecision::Quiet => {
                tracing::debug!(error = %message, "waiting for the Secret to match the configuration")
            }
            _ => warn_secret_wait(&message, serving),
        }
        return;
    }
    metrics.reload_failures.inc();
    if log.failed(&message, Instant::now()) == LogDecision::Quiet {
        return;
    }
    let meanwhile = meanwhile(serving);
    match err {
        LoadError::NotFound { .. } => {
            tracing::warn!(error = %message, "configuration not reloaded; {meanwhile}")
        }
        _ => tracing::error!(error = %message, "configuration not reloaded; {meanwhile}"),
    }
}

/// Logs a Secret wait that outlasted its grace with no reload since, if there is one.
pub fn report_overdue(serving: bool, log: &mut FailureLog) {
    if let Some(message) = log.overdue(Instant::now()) {
        warn_secret_wait(&message, serving);
    }
}

fn warn_secret_wait(message: &str, serving: bool) {
    tracing::warn!(error = %message, "waiting for the Secret to match the configuration; {}", meanwhile(serving));
}

fn meanwhile(serving: bool) -> &'static str {
    if serving {
        "the last good one keeps serving"
    } else {
        "not ready until one loads"
    }
}

/// Sleeps until `deadline`, or forever without one.
pub async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use notify::{
        EventKind,
        event::{
            AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind, RemoveKind, RenameMode,
        },
    };

    use super::{FailureLog, LogDecision, is_content_change, settle};

    /// Changes every 100 ms for ever, against a 150 ms quiet: without a cap
    /// the wait never ends, and the gateway never reloads (nor checks on
    /// its timer, which waits behind it).
    #[tokio::test(start_paused = true)]
    async fn a_burst_that_never_ends_still_settles_within_the_cap() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let flapping = tokio::spawn(async move {
            loop {
                if tx.send(()).is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let started = tokio::time::Instant::now();
        settle(&mut rx, Duration::from_millis(150), Duration::from_secs(1)).await;
        let took = started.elapsed();
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_millis(1100),
            "{took:?}"
        );
        flapping.abort();

        // A burst that stops settles once quiet.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        tx.send(()).unwrap();
        let started = tokio::time::Instant::now();
        settle(&mut rx, Duration::from_millis(150), Duration::from_secs(1)).await;
        assert_eq!(started.elapsed(), Duration::from_millis(150));
    }

    #[test]
    fn reads_are_not_changes_and_writes_are() {
        let reads = [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Any),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
        ];
        for kind in reads {
            assert!(!is_content_change(&kind), "{kind:?}");
        }
        let changes = [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Remove(RemoveKind::File),
            EventKind::Other,
        ];
        for kind in changes {
            assert!(is_content_change(&kind), "{kind:?}");
        }
    }

    #[test]
    fn a_persisting_error_is_logged_once_then_after_the_interval() {
        let mut log = FailureLog::new(Duration::from_secs(600));
        let t0 = Instant::now();
        assert_eq!(log.failed("bad yaml", t0), LogDecision::Log);
        assert_eq!(
            log.failed("bad yaml", t0 + Duration::from_secs(1)),
            LogDecision::Quiet
        );
        assert_eq!(
            log.failed("bad yaml", t0 + Duration::from_secs(599)),
            LogDecision::Quiet
        );
        assert_eq!(
            log.failed("bad yaml", t0 + Duration::from_secs(601)),
            LogDecision::Log
        );
        assert_eq!(
            log.failed("another error", t0 + Duration::from_secs(602)),
            LogDecision::Log,
            "a new error at once"
        );
        assert_eq!(log.succeeded(), LogDecision::Recovered);
        assert_eq!(log.succeeded(), LogDecision::Nothing, "a recovery is said once");
        assert_eq!(
            log.failed("another error", t0 + Duration::from_secs(603)),
            LogDecision::Log,
            "an error after a recovery is new"
        );
    }

    #[test]
    fn a_secret_wait_is_quiet_within_the_grace_then_warned_once() {
        let t0 = Instant::now();
        let mut log = FailureLog::new(Duration::from_secs(600)).with_secret_grace(Duration::from_secs(60));
        assert_eq!(log.waiting("hash a != b", t0), LogDecision::Quiet);
        assert_eq!(log.wait_deadline(), Some(t0 + Duration::from_secs(60)));
        assert_eq!(log.overdue(t0 + Duration::from_secs(59)), None);
        assert_eq!(
            log.waiting("hash a != c", t0 + Duration::from_secs(30)),
            LogDecision::Quiet,
            "a newer wait keeps the start of the first"
        );
        assert_eq!(log.succeeded(), LogDecision::Nothing, "a quiet wait ends quietly");

        assert_eq!(log.waiting("hash a != b", t0), LogDecision::Quiet);
        assert_eq!(
            log.overdue(t0 + Duration::from_secs(61)).as_deref(),
            Some("hash a != b")
        );
        assert_eq!(log.wait_deadline(), None, "warned: no more deadline");
        assert_eq!(log.overdue(t0 + Duration::from_secs(62)), None, "warned once");
        assert_eq!(
            log.waiting("hash a != b", t0 + Duration::from_secs(63)),
            LogDecision::Quiet
        );
        assert_eq!(
            log.succeeded(),
            LogDecision::Recovered,
            "a warned wait's end is told"
        );

        assert_eq!(log.waiting("hash a != b", t0), LogDecision::Quiet);
        assert_eq!(log.failed("bad yaml", t0), LogDecision::Log);
        assert_eq!(log.wait_deadline(), None, "another error ends the wait");
    }
}
