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
        }
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
                // Let a burst of changes settle before reading.
                while tokio::time::timeout(DEBOUNCE, rx.recv()).await.is_ok_and(|e| e.is_some()) {}
            }
            _ = ticker.tick() => {}
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

/// Remembers the last reload error, so that one that persists is logged once
/// (and again every [`REPEAT_ERROR_AFTER`]), a new one at once, and the
/// recovery once.
#[derive(Debug)]
pub struct FailureLog {
    last: Option<(String, Instant)>,
    repeat_after: Duration,
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
    /// A log that repeats an unchanged error after `repeat_after`.
    pub fn new(repeat_after: Duration) -> Self {
        Self {
            last: None,
            repeat_after,
        }
    }

    /// Decides whether the error `message`, met at `now`, is logged.
    pub fn failed(&mut self, message: &str, now: Instant) -> LogDecision {
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

    /// A reload succeeded: says whether that ends a failure.
    pub fn succeeded(&mut self) -> LogDecision {
        match self.last.take() {
            Some(_) => LogDecision::Recovered,
            None => LogDecision::Nothing,
        }
    }
}

/// Logs a reload's failure (through `log`, so a persisting one only once)
/// or the recovery from one, and counts the failures. `serving` says whether
/// a configuration serves meanwhile (the last good one), or none has loaded yet.
///
/// A Secret that has not caught up with its configuration is the normal state
/// while an update propagates, so it is a warning and not a failure (it names
/// hashes only). A deleted object is a warning too, but counted: nothing will
/// bring it back by itself.
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
    if !matches!(err, LoadError::SecretOutOfDate { .. }) {
        metrics.reload_failures.inc();
    }
    if log.failed(&err.to_string(), Instant::now()) == LogDecision::Quiet {
        return;
    }
    let meanwhile = if serving {
        "the last good one keeps serving"
    } else {
        "not ready until one loads"
    };
    match err {
        LoadError::SecretOutOfDate { .. } => {
            tracing::warn!(error = %err, "waiting for the Secret to match the configuration; {meanwhile}")
        }
        LoadError::NotFound { .. } => tracing::warn!(error = %err, "configuration not reloaded; {meanwhile}"),
        _ => tracing::error!(error = %err, "configuration not reloaded; {meanwhile}"),
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

    use super::{FailureLog, LogDecision, is_content_change};

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
}
