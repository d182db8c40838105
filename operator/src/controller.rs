//! The operator's main loop: watches feed in-memory stores, any change
//! schedules one debounced render of everything, and the leader writes.
//!
//! Why one render of everything rather than a reconcile per object: the
//! gateway's configuration is one document compiled from all resources
//! together (a grant names a platform, a link names integrations, an older
//! resource keeps a contested command). Compiling it whole is cheap (see
//! docs/benchmarks.md) and makes every verdict consistent with the others.

use std::{
    collections::BTreeSet,
    sync::{Arc, RwLock},
    time::Duration,
};

use chatops_crds::{Kind, compile::SecretName};
use futures::{StreamExt, future::join_all};
use k8s_openapi::{
    api::core::v1::{ObjectReference, Secret},
    apimachinery::pkg::apis::meta::v1::Time,
    jiff::Timestamp,
};
use kube::{
    Api, Client,
    api::{DynamicObject, PartialObjectMeta},
    runtime::{
        WatchStreamExt,
        reflector::{self, ObjectRef, Store, reflector},
        watcher::{self, Event, watcher},
    },
};
use tokio::{sync::mpsc, time::Instant};
use tokio_util::sync::CancellationToken;

use crate::{
    apply::api_resource,
    cycle::{CycleError, Operation, Outcome, Reconciler},
    debounce::Debounce,
    events::{EventSpec, EventType},
    leader::Leadership,
    lookup::{self, ApiBases, Lookups},
    metrics::Metrics,
    recorder::EventRecorder,
    render::Target,
    retry::{Backoffs, Streak},
    watch_health::WatchHealth,
};

/// How the operator runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Namespaces to watch; empty watches all.
    pub namespaces: Vec<String>,
    /// The gateway's ConfigMap and Secret.
    pub target: Target,
    /// Render once changes stopped for this long…
    pub quiet: Duration,
    /// …or at the latest this long after the first change.
    pub max_delay: Duration,
    /// Render this often even without changes, to retry what failed.
    pub resync: Duration,
    /// Where render Events are recorded.
    pub rendered_regarding: ObjectReference,
    /// This replica's name (its pod), for Events.
    pub instance: Option<String>,
    /// The chat platforms' APIs, for email and channel-name look-ups.
    pub lookup_bases: ApiBases,
}

/// What the admin server reports.
#[derive(Default)]
pub struct Health {
    /// Set once every watch has listed its objects.
    pub synced: std::sync::atomic::AtomicBool,
    /// Whether each watch works now.
    pub watches: WatchHealth,
    /// The metrics.
    pub metrics: Metrics,
}

impl Health {
    /// Why the operator is not ready now, if it is not: the watches have not
    /// listed everything yet, or some fail now. `None`: ready.
    pub fn not_ready(&self) -> Option<String> {
        if !self.synced.load(std::sync::atomic::Ordering::Relaxed) {
            return Some("watches not synced yet".to_owned());
        }
        let failing = self.watches.failing(std::time::Instant::now());
        self.metrics.watches_failing.set(failing.len() as i64);
        (!failing.is_empty()).then(|| format!("watches failing: {}", failing.join(", ")))
    }
}

/// The watched stores.
struct Stores {
    resources: Vec<(Kind, Store<DynamicObject>)>,
    secrets: Vec<Store<PartialObjectMeta<Secret>>>,
}

impl Stores {
    fn objects(&self) -> Vec<(Kind, Arc<DynamicObject>)> {
        self.resources
            .iter()
            .flat_map(|(kind, store)| store.state().into_iter().map(move |object| (*kind, object)))
            .collect()
    }

    fn secret_version(&self, name: &SecretName) -> Option<String> {
        let key = ObjectRef::new(&name.name).within(&name.namespace);
        self.secrets
            .iter()
            .find_map(|store| store.get(&key))
            .and_then(|meta| meta.metadata.resource_version.clone())
    }

    async fn wait_until_ready(&self) -> bool {
        let resources = join_all(self.resources.iter().map(|(_, s)| s.wait_until_ready())).await;
        let secrets = join_all(self.secrets.iter().map(Store::wait_until_ready)).await;
        resources.iter().chain(secrets.iter()).all(Result::is_ok)
    }
}

/// Runs until `shutdown`: watches, renders when due, writes while leader.
/// Returns an error only when the lease manager stops, which leaves this
/// replica unable to lead again (a restart is the cure).
pub async fn run(
    client: Client,
    settings: Settings,
    mut leadership: Leadership,
    health: Arc<Health>,
    shutdown: CancellationToken,
) -> Result<(), ControllerError> {
    let (changes, mut changed) = mpsc::channel::<()>(1024);
    let referenced: Arc<RwLock<BTreeSet<SecretName>>> = Arc::default();
    let stores = start_watches(&client, &settings, &changes, &referenced, &health, &shutdown);

    tokio::select! {
        _ = shutdown.cancelled() => return Ok(()),
        ready = stores.wait_until_ready() => if !ready { return Ok(()) },
    }
    health.synced.store(true, std::sync::atomic::Ordering::Relaxed);
    tracing::info!("watches synced");

    let recorder = EventRecorder::new(client.clone(), settings.instance.clone());
    let mut reconciler = Reconciler::new(
        client,
        recorder,
        settings.target.clone(),
        settings.rendered_regarding.clone(),
    );
    let mut lookups = Lookups::new(settings.lookup_bases.clone())
        .map_err(ControllerError::HttpClient)?
        .with_leadership(leadership.clone());
    let mut lookups_due: Option<Instant> = None;
    let mut debounce = Debounce::new(settings.quiet, settings.max_delay);
    let mut backoffs = Backoffs::default();
    let mut resync = tokio::time::interval_at(Instant::now() + settings.resync, settings.resync);
    health.metrics.leader.set(i64::from(leadership.is_leader()));
    debounce.changed(Instant::now());

    loop {
        let deadline = [debounce.deadline(), backoffs.next_due(), lookups_due]
            .into_iter()
            .flatten()
            .min();
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            Some(()) = changed.recv() => debounce.changed(Instant::now()),
            _ = resync.tick() => debounce.changed(Instant::now()),
            leading = leadership.changed() => match leading {
                Some(true) => {
                    tracing::info!("became the leader");
                    health.metrics.leader.set(1);
                    // Another replica may have written since this one last did.
                    reconciler.forget_applied();
                    debounce.changed(Instant::now());
                }
                Some(false) => {
                    tracing::info!("lost the lease; no longer writing");
                    health.metrics.leader.set(0);
                }
                None => {
                    health.metrics.leader.set(0);
                    return Err(ControllerError::LeaseManagerStopped);
                }
            },
            _ = sleep_until(deadline) => {
                let now = Instant::now();
                let lookups_are_due = lookups_due.is_some_and(|at| at <= now);
                let due = debounce.take_due(now) | backoffs.take_due(now) | lookups_are_due;
                if due && leadership.is_leader() {
                    let outcome = cycle(&mut reconciler, &stores, &leadership, &referenced, &health, &mut backoffs).await;
                    // Look-ups write status, which the watch brings back as a
                    // change: the next render then uses the resolved IDs.
                    lookups_due = match outcome {
                        Some(outcome) => run_lookups(&mut lookups, &reconciler, outcome).await,
                        None => lookups_due.filter(|at| *at > now),
                    };
                } else if !leadership.is_leader() {
                    lookups_due = None;
                }
            }
        }
    }
}

/// Why the controller stopped.
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    /// The lease manager ended; this replica can no longer lead.
    #[error("the lease manager stopped")]
    LeaseManagerStopped,
    /// The HTTP client for look-ups could not be built (no TLS roots, say).
    #[error("cannot build the HTTP client for look-ups: {0}")]
    HttpClient(chatops_outbound::OutboundError),
}

/// Runs the look-ups a cycle found pending; when to run them again.
async fn run_lookups(lookups: &mut Lookups, reconciler: &Reconciler, outcome: Outcome) -> Option<Instant> {
    let pending = lookup::pending(&outcome.resources, &outcome.compiled);
    if pending.is_empty() {
        return None;
    }
    let compiled = &outcome.compiled;
    let run = lookups
        .run_due(
            reconciler.client(),
            reconciler.recorder(),
            pending,
            &compiled.config,
            &compiled.secrets,
            &lookup::Now::system(),
        )
        .await;
    // Never spin: a look-up due "now" waits for at least a second.
    run.next_due
        .map(|at| Instant::from_std(at).max(Instant::now() + Duration::from_secs(1)))
}

/// One render cycle with its metrics; what it did, or `None` when it failed.
/// Each failed write is counted, backed off on its own, and told once per
/// run of failures (a WARN line and a Warning Event on the operator's own
/// object), its end once too.
async fn cycle(
    reconciler: &mut Reconciler,
    stores: &Stores,
    leadership: &Leadership,
    referenced: &RwLock<BTreeSet<SecretName>>,
    health: &Health,
    backoffs: &mut Backoffs,
) -> Option<Outcome> {
    let started = Instant::now();
    let objects = stores.objects();
    let result = reconciler
        .reconcile(
            objects.iter().map(|(kind, object)| (*kind, object.as_ref())),
            |name| stores.secret_version(name),
            leadership,
            Time(Timestamp::now()),
        )
        .await;
    let metrics = &health.metrics;
    metrics.reconciles.inc();
    metrics.render_duration.observe(started.elapsed().as_secs_f64());
    let now = Instant::now();
    let outcome = match result {
        Ok(outcome) => {
            metrics.count_objects(&outcome.compiled.diagnostics);
            if outcome.applied {
                metrics.applies.inc();
            }
            *referenced.write().unwrap_or_else(|p| p.into_inner()) = outcome.referenced.clone();
            tracing::debug!(
                applied = outcome.applied,
                statuses = outcome.statuses_written,
                events = outcome.events,
                failures = outcome.failures.len(),
                "render cycle done"
            );
            for operation in &outcome.succeeded {
                if backoffs.succeeded(operation) == Streak::Ended {
                    tell_recovery(reconciler, operation).await;
                }
            }
            for failure in &outcome.failures {
                failed(
                    reconciler,
                    health,
                    backoffs,
                    &failure.operation,
                    &failure.message,
                    now,
                )
                .await;
            }
            Some(outcome)
        }
        // Not an error: the new leader renders.
        Err(CycleError::NotLeader) => None,
        Err(error) => {
            let stage = match error {
                CycleError::Read { .. } => "read",
                CycleError::Apply { .. } => "apply",
                CycleError::Render(_) | CycleError::NotLeader => "render",
            };
            metrics.failed(stage);
            if let Some(operation) = error.operation() {
                failed(reconciler, health, backoffs, &operation, &error.to_string(), now).await;
            }
            None
        }
    };
    backoffs.rearm(now);
    metrics.failing_writes.set(backoffs.failing() as i64);
    outcome
}

/// Counts a failed operation and tells it when a run of failures starts.
async fn failed(
    reconciler: &Reconciler,
    health: &Health,
    backoffs: &mut Backoffs,
    operation: &Operation,
    message: &str,
    now: Instant,
) {
    health.metrics.write_failed(operation.label());
    if backoffs.failed(operation, now) != Streak::Started {
        tracing::debug!(%operation, error = %message, "still failing; retrying with backoff");
        return;
    }
    tracing::warn!(%operation, error = %message, "a write failed; retrying with backoff");
    // An Event about failing Events would fail as well.
    if *operation != Operation::Event {
        let note = format!("cannot {operation}: {message}; retrying with backoff");
        record_write(reconciler, EventType::Warning, "WriteFailed", note).await;
    }
}

/// Tells that an operation that was failing succeeded.
async fn tell_recovery(reconciler: &Reconciler, operation: &Operation) {
    tracing::info!(%operation, "a failing write succeeded again");
    let note = format!("could {operation} again");
    record_write(reconciler, EventType::Normal, "WriteRecovered", note).await;
}

/// Records a `Write` Event about the rendered configuration.
async fn record_write(reconciler: &Reconciler, type_: EventType, reason: &str, note: String) {
    let spec = EventSpec {
        type_,
        reason: reason.to_owned(),
        action: "Write",
        note,
    };
    reconciler
        .recorder()
        .record(reconciler.rendered_regarding(), &spec)
        .await;
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Starts one watch per kind and namespace, plus one on Secret metadata per
/// namespace; each feeds a store and signals changes.
fn start_watches(
    client: &Client,
    settings: &Settings,
    changes: &mpsc::Sender<()>,
    referenced: &Arc<RwLock<BTreeSet<SecretName>>>,
    health: &Arc<Health>,
    shutdown: &CancellationToken,
) -> Stores {
    // `None`: all namespaces.
    let scopes: Vec<Option<&str>> = if settings.namespaces.is_empty() {
        vec![None]
    } else {
        settings.namespaces.iter().map(|n| Some(n.as_str())).collect()
    };
    let mut stores = Stores {
        resources: Vec::new(),
        secrets: Vec::new(),
    };
    for scope in &scopes {
        for kind in [
            Kind::ChatPlatform,
            Kind::AccessGrant,
            Kind::AccountLink,
            Kind::Integration,
        ] {
            let resource = api_resource(kind);
            let api: Api<DynamicObject> = match scope {
                Some(namespace) => Api::namespaced_with(client.clone(), namespace, &resource),
                None => Api::all_with(client.clone(), &resource),
            };
            let writer = reflector::store::Writer::new(resource.clone());
            stores.resources.push((kind, writer.as_reader()));
            let stream = reflector(writer, watcher(api, watcher::Config::default()).default_backoff());
            let name = format!("{} in {}", resource.plural, scope.unwrap_or("all namespaces"));
            let watch = Watch {
                index: health.watches.register(name),
                changes: changes.clone(),
                health: health.clone(),
                shutdown: shutdown.clone(),
            };
            spawn_watch(stream, watch, |_| true);
        }
        // `PartialObjectMeta` makes these metadata-only requests: no Secret value is ever listed.
        let api: Api<PartialObjectMeta<Secret>> = match scope {
            Some(namespace) => Api::namespaced(client.clone(), namespace),
            None => Api::all(client.clone()),
        };
        let writer = reflector::store::Writer::default();
        stores.secrets.push(writer.as_reader());
        let stream = reflector(writer, watcher(api, watcher::Config::default()).default_backoff());
        let referenced = referenced.clone();
        // Only Secrets a resource names matter; the rest change all the time.
        let matters = move |secret: &PartialObjectMeta<Secret>| {
            let name = SecretName {
                namespace: secret.metadata.namespace.clone().unwrap_or_default(),
                name: secret.metadata.name.clone().unwrap_or_default(),
            };
            referenced
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .contains(&name)
        };
        let name = format!("secrets in {}", scope.unwrap_or("all namespaces"));
        let watch = Watch {
            index: health.watches.register(name),
            changes: changes.clone(),
            health: health.clone(),
            shutdown: shutdown.clone(),
        };
        spawn_watch(stream, watch, matters);
    }
    stores
}

/// What a watch task reports to.
struct Watch {
    /// Its index in [`Health::watches`].
    index: usize,
    changes: mpsc::Sender<()>,
    health: Arc<Health>,
    shutdown: CancellationToken,
}

/// Drives one watch stream until shutdown: every change that `matters`
/// signals a render; errors are counted, logged and make `/readyz` fail until
/// the watch recovers (the stream backs off and resumes by itself).
fn spawn_watch<K, S>(stream: S, watch: Watch, matters: impl Fn(&K) -> bool + Send + 'static)
where
    K: Send + 'static,
    S: futures::Stream<Item = Result<Event<K>, watcher::Error>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        loop {
            let next = tokio::select! {
                _ = watch.shutdown.cancelled() => return,
                next = stream.next() => next,
            };
            match next {
                None => return,
                Some(Err(error)) => {
                    watch.health.metrics.watch_errors.inc();
                    watch
                        .health
                        .watches
                        .failed(watch.index, std::time::Instant::now());
                    tracing::warn!(%error, "watch error; retrying with backoff");
                }
                Some(Ok(event)) => {
                    watch.health.watches.ok(watch.index);
                    match event {
                        Event::Apply(object) | Event::Delete(object) if !matters(&object) => {}
                        // The initial list: one signal when it is complete, not one per object.
                        Event::Init | Event::InitApply(_) => {}
                        _ => {
                            // A full channel already holds a pending change.
                            let _ = watch.changes.try_send(());
                        }
                    }
                }
            }
        }
    });
}
