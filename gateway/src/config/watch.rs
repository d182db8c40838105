//! Reloading on change: watch the directory, debounce, load, swap.
//!
//! The directory is watched, not the files: kubelet updates a mounted
//! ConfigMap by swapping a `..data` symlink, and editors save by renaming, so
//! a watch on a file would go stale after the first change. A periodic reload
//! backs the watch up on filesystems without change notifications.

use std::{sync::Arc, time::Duration};

use arc_swap::ArcSwapOption;
use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::{ConfigSource, LoadError, Loaded};
use crate::metrics::Metrics;

/// How long the directory must be quiet before a reload: a GitOps sync or a
/// kubelet swap touches many files at once.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Builds what the gateway serves from a loaded configuration, and holds the current one.
pub struct Reloader<T> {
    source: ConfigSource,
    build: Box<dyn Fn(Loaded) -> T + Send + Sync>,
    current: ArcSwapOption<T>,
    last_fingerprint: std::sync::Mutex<Option<String>>,
}

impl<T> Reloader<T> {
    /// A reloader of `source`; nothing is loaded until [`Reloader::reload`].
    pub fn new(source: ConfigSource, build: impl Fn(Loaded) -> T + Send + Sync + 'static) -> Self {
        Self {
            source,
            build: Box::new(build),
            current: ArcSwapOption::empty(),
            last_fingerprint: std::sync::Mutex::new(None),
        }
    }

    /// What is served now; `None` until a configuration has loaded once.
    pub fn current(&self) -> Option<Arc<T>> {
        self.current.load_full()
    }

    /// Loads the source again and swaps it in if it loaded and changed.
    ///
    /// On failure the last good configuration keeps serving; requests in
    /// flight hold their own `Arc` to the configuration they started with.
    pub fn reload(&self) -> Result<bool, LoadError> {
        let loaded = self.source.load()?;
        Ok(self.install(loaded))
    }

    /// Swaps in a configuration loaded by a source that pushes changes (the
    /// cluster watch), unless it is the one serving already. Returns whether it swapped.
    pub fn install(&self, loaded: Loaded) -> bool {
        for rejected in &loaded.rejected {
            tracing::warn!(object = %rejected.object, reason = %rejected.reason, message = %rejected.message, "resource left out");
        }
        let fingerprint = fingerprint(&loaded);
        let mut last = self.last_fingerprint.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_deref() == Some(fingerprint.as_str()) {
            return false;
        }
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

/// A digest of a loaded configuration, to skip rebuilding an unchanged one.
fn fingerprint(loaded: &Loaded) -> String {
    let config = serde_json::to_string(&loaded.config).unwrap_or_default();
    format!("{}|{}", loaded.secrets.content_hash(), config)
}

/// Reloads `reloader` whenever its directory changes, and every `interval`.
///
/// Runs until the process ends. Failures are logged; the last good
/// configuration keeps serving.
pub async fn watch<T: Send + Sync + 'static>(
    reloader: Arc<Reloader<T>>,
    interval: Duration,
    metrics: Arc<Metrics>,
) {
    let Some(dir) = reloader.source().watched_dir().map(ToOwned::to_owned) else {
        tracing::error!("the configuration source has no directory to watch");
        return;
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            let _ = tx.send(());
        }
    })
    .and_then(|mut watcher| watcher.watch(&dir, RecursiveMode::Recursive).map(|()| watcher));
    let _watcher = match watcher {
        Ok(watcher) => Some(watcher),
        Err(err) => {
            tracing::warn!(error = %err, dir = %dir.display(), "cannot watch the configuration directory; reloading every {interval:?} only");
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
                    // The watcher is gone; the periodic reload goes on alone.
                    notified = false;
                    continue;
                }
                // Let a burst of changes settle before reading.
                while tokio::time::timeout(DEBOUNCE, rx.recv()).await.is_ok_and(|e| e.is_some()) {}
            }
            _ = ticker.tick() => {}
        }
        let reloader = reloader.clone();
        match tokio::task::spawn_blocking(move || reloader.reload()).await {
            Ok(outcome) => report(outcome, &metrics),
            Err(err) => tracing::error!(error = %err, "configuration reload panicked"),
        }
    }
}

/// Logs a reload that did not swap a configuration in, and counts the failures.
///
/// A Secret that has not caught up with its configuration is the normal state
/// while an update propagates, so it is a warning and not a failure (it names
/// hashes only). A deleted object is a warning too, but counted: nothing will
/// bring it back by itself.
pub(crate) fn report(outcome: Result<bool, LoadError>, metrics: &Metrics) {
    let Err(err) = outcome else { return };
    match err {
        LoadError::SecretOutOfDate { .. } => {
            tracing::warn!(error = %err, "waiting for the Secret to match the configuration; the last good one keeps serving")
        }
        LoadError::NotFound { .. } => {
            metrics.reload_failures.inc();
            tracing::warn!(error = %err, "configuration not reloaded; the last good one keeps serving")
        }
        _ => {
            metrics.reload_failures.inc();
            tracing::error!(error = %err, "configuration not reloaded; the last good one keeps serving")
        }
    }
}
