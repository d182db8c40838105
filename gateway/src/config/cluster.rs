//! The rendered ConfigMap and Secret, watched through the Kubernetes API.
//!
//! kubelet refreshes mounted ConfigMaps and Secrets on its own sync period (a
//! minute or more, each replica at its own moment); a watch brings a grant
//! change to every replica in about a second. Both watches select their one
//! object with the field selector `metadata.name=NAME`: a list or watch that
//! names its object that way is what a Role's `resourceNames` can allow, so
//! the gateway needs no right to read any other ConfigMap or Secret.

use std::sync::Arc;

use futures::{StreamExt, stream};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::{
    Api, Client,
    runtime::{
        WatchStreamExt,
        watcher::{self, Event, watcher},
    },
};

use super::{
    ConfigSource, LoadError, Loaded, Reloader,
    rendered::from_objects,
    watch::{FailureLog, report, report_overdue, sleep_until},
};
use crate::metrics::Metrics;

/// Watches the ConfigMap and Secret of a [`ConfigSource::Cluster`] reloader,
/// and swaps in a new configuration each time the pair changes and matches.
///
/// Runs until the process ends. Until both objects have been seen and match,
/// nothing is served (and `/readyz` says so); afterwards a Secret that has not
/// caught up, a deleted object or a bad configuration is logged and the last
/// good configuration keeps serving. A failed watch restarts with kube's
/// default backoff.
pub async fn watch_cluster<T: Send + Sync + 'static>(
    client: Client,
    reloader: Arc<Reloader<T>>,
    metrics: Arc<Metrics>,
    mut log: FailureLog,
) {
    let ConfigSource::Cluster { namespace, name } = reloader.source().clone() else {
        tracing::error!("the configuration source is not the cluster; nothing to watch");
        return;
    };
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let config_maps = watcher(
        Api::<ConfigMap>::namespaced(client.clone(), &namespace),
        config.clone(),
    )
    .default_backoff()
    .map(Change::ConfigMap);
    let secrets = watcher(Api::<Secret>::namespaced(client, &namespace), config)
        .default_backoff()
        .map(Change::Secret);
    let mut changes = std::pin::pin!(stream::select(config_maps, secrets));

    let mut seen = Seen::new(&namespace, &name);
    loop {
        let change = tokio::select! {
            change = changes.next() => change,
            _ = sleep_until(log.wait_deadline()) => {
                report_overdue(reloader.current().is_some(), &mut log);
                continue;
            }
        };
        let Some(change) = change else { break };
        if let Some(outcome) = seen.take(change) {
            metrics.reloads.inc();
            let installed = outcome.map(|loaded| {
                reloader.install(loaded);
            });
            report(installed, reloader.current().is_some(), &metrics, &mut log);
        }
    }
    tracing::error!("the configuration watches ended; the last good configuration keeps serving");
}

/// One item of either watch.
enum Change {
    ConfigMap(watcher::Result<Event<ConfigMap>>),
    Secret(watcher::Result<Event<Secret>>),
}

/// The two objects as the watches last reported them.
struct Seen {
    config_map: Tracked<ConfigMap>,
    secret: Tracked<Secret>,
}

impl Seen {
    fn new(namespace: &str, name: &str) -> Self {
        Self {
            config_map: Tracked::new(format!("ConfigMap {namespace}/{name}")),
            secret: Tracked::new(format!("Secret {namespace}/{name}")),
        }
    }

    /// Takes one change in; returns the configuration to swap in when the pair
    /// may have changed, once both watches have listed their object.
    fn take(&mut self, change: Change) -> Option<Result<Loaded, LoadError>> {
        let changed = match change {
            Change::ConfigMap(event) => self.config_map.take(event),
            Change::Secret(event) => self.secret.take(event),
        };
        // Before both lists are complete an absent object means "not known
        // yet", not "not found": building then would only log noise.
        if !changed || !self.config_map.listed || !self.secret.listed {
            return None;
        }
        Some(self.load())
    }

    fn load(&self) -> Result<Loaded, LoadError> {
        from_objects(self.config_map.current()?, self.secret.current()?)
    }
}

/// One watched object.
struct Tracked<K> {
    /// `Kind namespace/name`, for messages.
    object: String,
    /// The object as last seen; `None` while it does not exist.
    current: Option<K>,
    /// The object met during a (re)list, made current when the list is complete.
    listing: Option<K>,
    /// Whether a list has completed once.
    listed: bool,
}

impl<K: kube::ResourceExt> Tracked<K> {
    fn new(object: String) -> Self {
        Self {
            object,
            current: None,
            listing: None,
            listed: false,
        }
    }

    fn current(&self) -> Result<&K, LoadError> {
        self.current.as_ref().ok_or_else(|| LoadError::NotFound {
            object: self.object.clone(),
        })
    }

    /// Takes one watch item in; returns whether the object may have changed.
    fn take(&mut self, event: watcher::Result<Event<K>>) -> bool {
        match event {
            Ok(Event::Apply(object)) => {
                self.current = Some(object);
                true
            }
            Ok(Event::Delete(_)) => {
                tracing::warn!(object = %self.object, "watched object deleted");
                self.current = None;
                true
            }
            // A relist replaces the object only once complete: an object it
            // does not list was deleted while the watch was down.
            Ok(Event::Init) => {
                self.listing = None;
                false
            }
            Ok(Event::InitApply(object)) => {
                self.listing = Some(object);
                false
            }
            Ok(Event::InitDone) => {
                self.current = self.listing.take();
                self.listed = true;
                true
            }
            Err(err) => {
                tracing::warn!(object = %self.object, error = %loggable(&err), "watch failed; retrying with backoff");
                false
            }
        }
    }
}

/// A watch error as it may be logged. A decoding error is reduced to where it
/// happened, because serde's messages quote the value they could not decode,
/// and a Secret's values are secret.
fn loggable(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = Some(err);
    while let Some(error) = cause {
        if let Some(json) = error.downcast_ref::<serde_json::Error>() {
            return format!(
                "cannot decode the object ({:?} error at line {} column {})",
                json.classify(),
                json.line(),
                json.column()
            );
        }
        cause = error.source();
    }
    err.to_string()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;

    fn config_map() -> ConfigMap {
        ConfigMap {
            metadata: ObjectMeta {
                name: Some("gw".into()),
                namespace: Some("chatops".into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_decoding_error_is_logged_without_the_value_it_quotes() {
        let json = serde_json::from_str::<u32>("\"xoxb-secret-value\"").unwrap_err();
        assert!(
            json.to_string().contains("xoxb"),
            "serde quotes the value: {json}"
        );
        let err = watcher::Error::WatchFailed(kube::Error::SerdeError(json));
        let logged = loggable(&err);
        assert!(!logged.contains("xoxb"), "{logged}");
        assert!(logged.contains("line 1"), "{logged}");
    }

    #[test]
    fn nothing_is_built_until_both_objects_are_listed() {
        let mut seen = Seen::new("chatops", "gw");
        assert!(seen.take(Change::ConfigMap(Ok(Event::Init))).is_none());
        assert!(
            seen.take(Change::ConfigMap(Ok(Event::InitApply(config_map()))))
                .is_none()
        );
        assert!(
            seen.take(Change::ConfigMap(Ok(Event::InitDone))).is_none(),
            "the Secret is not listed yet"
        );
        let outcome = seen
            .take(Change::Secret(Ok(Event::InitDone)))
            .expect("both listed");
        assert_eq!(outcome.unwrap_err().to_string(), "Secret chatops/gw not found");
    }

    #[test]
    fn a_relist_that_misses_the_object_forgets_it() {
        let mut seen = Seen::new("chatops", "gw");
        seen.take(Change::Secret(Ok(Event::InitDone)));
        seen.take(Change::ConfigMap(Ok(Event::Apply(config_map()))));
        assert!(seen.config_map.current.is_some());
        seen.take(Change::ConfigMap(Ok(Event::Init)));
        assert!(
            seen.config_map.current.is_some(),
            "kept until the relist completes"
        );
        let outcome = seen
            .take(Change::ConfigMap(Ok(Event::InitDone)))
            .expect("both listed");
        assert_eq!(outcome.unwrap_err().to_string(), "ConfigMap chatops/gw not found");
    }
}
