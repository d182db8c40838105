//! One render cycle against the API server: read what is needed, plan, write.
//!
//! `observe -> compile -> plan -> apply -> record`: the middle is
//! [`crate::plan`], pure; this is the shell around it. Writes go in an order
//! that keeps the gateway consistent and the story whole if the operator dies
//! between any two of them: the Secret, then the ConfigMap naming its hash
//! (and carrying the words of its Event), then the Events, then the statuses
//! that tell people their resources are live. Every Event has a name derived
//! from the change it tells, so telling it again after a restart finds it
//! told. Leadership is checked before every write, so a replica that lost the
//! lease stops at the next request.

use std::collections::BTreeSet;

use chatops_crds::{
    Compiled, Kind, ObjectKey, Resources,
    compile::{SecretName, secret_users},
    config::{GatewaySecrets, SecretKey},
};
use k8s_openapi::{
    api::core::v1::{ConfigMap, ObjectReference, Secret},
    apimachinery::pkg::apis::meta::v1::Time,
};
use kube::{Api, Client, api::DynamicObject};

use crate::{
    apply::{apply_object, write_status},
    changes::{SecretDigests, secret_digests},
    events::EventSpec,
    leader::Leadership,
    plan::{Applied, Plan, announced_by, compile, plan},
    recorder::{Announced, EventRecorder, resource_reference},
    render::{RenderError, SECRET_HASH_ANNOTATION, Target},
    secret_cache::SecretCache,
    snapshot::Snapshot,
};

/// A write (or read) the operator makes, told apart so that each failing
/// one is counted, announced and retried on its own: a status that keeps
/// failing must not slow down the next ConfigMap apply.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// Reading the gateway's ConfigMap or a referenced Secret.
    Read,
    /// Applying the gateway's Secret.
    ApplySecret,
    /// Applying the gateway's ConfigMap.
    ApplyConfigMap,
    /// Writing the status of one resource.
    Status(ObjectKey),
    /// Recording the Events that tell changes.
    Event,
}

impl Operation {
    /// The `write` label of `chatops_operator_write_failures_total`.
    pub fn label(&self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::ApplySecret => "secret",
            Operation::ApplyConfigMap => "config_map",
            Operation::Status(_) => "status",
            Operation::Event => "event",
        }
    }
}

impl std::fmt::Display for Operation {
    /// What a person reads in a log line or an Event: `write the status of Integration chatops/x`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Operation::Read => f.write_str("read the gateway's ConfigMap or a referenced Secret"),
            Operation::ApplySecret => f.write_str("apply the gateway's Secret"),
            Operation::ApplyConfigMap => f.write_str("apply the gateway's ConfigMap"),
            Operation::Status(object) => write!(f, "write the status of {object}"),
            Operation::Event => f.write_str("record an Event"),
        }
    }
}

/// Why a cycle stopped before writing everything. The next cycle starts over.
#[derive(Debug, thiserror::Error)]
pub enum CycleError {
    /// The lease was lost; another replica writes now.
    #[error("leadership lost; not writing")]
    NotLeader,
    /// Reading the current ConfigMap or a Secret failed.
    #[error("cannot read {what}: {source}")]
    Read {
        /// What was being read.
        what: String,
        /// The API error.
        source: kube::Error,
    },
    /// Applying the ConfigMap or Secret failed.
    #[error("cannot {operation}: {source}")]
    Apply {
        /// Which of the two.
        operation: Operation,
        /// The API error.
        source: kube::Error,
    },
    /// The configuration could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
}

impl CycleError {
    /// The operation that failed; `None` for a lost lease.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            CycleError::NotLeader => None,
            CycleError::Read { .. } | CycleError::Render(_) => Some(Operation::Read),
            CycleError::Apply { operation, .. } => Some(operation.clone()),
        }
    }
}

/// A write that failed in a cycle that went on.
#[derive(Clone, Debug)]
pub struct Failure {
    /// What failed.
    pub operation: Operation,
    /// The API's answer (names objects and reasons, never a secret value).
    pub message: String,
}

/// What a cycle did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// What compile said, for metrics and look-ups.
    pub compiled: Compiled,
    /// What it compiled, for look-ups.
    pub resources: Resources,
    /// The Secrets the resources name: only their changes matter.
    pub referenced: BTreeSet<SecretName>,
    /// Whether a new ConfigMap and Secret were applied.
    pub applied: bool,
    /// Status conditions written.
    pub statuses_written: usize,
    /// Events created now (not those found told).
    pub events: usize,
    /// The operations that succeeded.
    pub succeeded: Vec<Operation>,
    /// The writes that failed; the next cycle tries them again.
    pub failures: Vec<Failure>,
}

/// An Event to tell, kept until it is told.
#[derive(Clone, Debug)]
struct Announcement {
    regarding: ObjectReference,
    spec: EventSpec,
    name: String,
}

/// How many untold Events are kept for retrying; beyond, the oldest is
/// dropped (the status conditions carry the same news).
const UNTOLD_LIMIT: usize = 1024;

/// Runs cycles, remembering what it applied and the Secrets it read.
pub struct Reconciler {
    client: Client,
    recorder: EventRecorder,
    target: Target,
    rendered_regarding: ObjectReference,
    /// What the ConfigMap holds; `None` until read after gaining leadership.
    applied: Option<Option<Applied>>,
    secrets: SecretCache,
    /// Events whose recording failed, retried each cycle until told.
    untold: Vec<Announcement>,
}

impl Reconciler {
    /// A reconciler writing the gateway's ConfigMap and Secret `target`, and
    /// recording its render Events on `rendered_regarding` (the operator's
    /// Deployment, or the ConfigMap itself).
    pub fn new(
        client: Client,
        recorder: EventRecorder,
        target: Target,
        rendered_regarding: ObjectReference,
    ) -> Self {
        Self {
            client,
            recorder,
            target,
            rendered_regarding,
            applied: None,
            secrets: SecretCache::default(),
            untold: Vec::new(),
        }
    }

    /// The API client it writes with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The recorder of its Events.
    pub fn recorder(&self) -> &EventRecorder {
        &self.recorder
    }

    /// Where its render Events, and the news of its own failures, are recorded.
    pub fn rendered_regarding(&self) -> &ObjectReference {
        &self.rendered_regarding
    }

    /// Forgets what was applied, so the next cycle reads the ConfigMap again:
    /// after gaining leadership, another replica may have written it since.
    pub fn forget_applied(&mut self) {
        self.applied = None;
    }

    /// Runs one cycle over the watched `objects`; `secret_version` gives the
    /// resource version the metadata watch last saw of a Secret (`None`: absent).
    pub async fn reconcile<'a>(
        &mut self,
        objects: impl IntoIterator<Item = (Kind, &'a DynamicObject)>,
        secret_version: impl Fn(&SecretName) -> Option<String>,
        leadership: &Leadership,
        now: Time,
    ) -> Result<Outcome, CycleError> {
        if !leadership.is_leader() {
            return Err(CycleError::NotLeader);
        }
        let applied = match &self.applied {
            Some(applied) => applied.clone(),
            None => self.read_applied().await?,
        };
        self.applied = Some(applied.clone());
        let mut snapshot = Snapshot::build(objects, Vec::new());
        let referenced: BTreeSet<SecretName> = secret_users(&snapshot.resources).into_keys().collect();
        let wanted: Vec<_> = referenced
            .iter()
            .map(|name| (name.clone(), secret_version(name)))
            .collect();
        snapshot.resources.secrets = self
            .secrets
            .refresh(&self.client, &wanted)
            .await
            .map_err(|source| CycleError::Read {
                what: "a referenced Secret".to_owned(),
                source,
            })?;

        let compiled = compile(&snapshot);
        let plan = plan(&snapshot, &compiled, applied.as_ref(), &self.target, &now)?;
        let mut outcome = self.write(plan, leadership).await?;
        outcome.compiled = compiled;
        outcome.resources = snapshot.resources;
        outcome.referenced = referenced;
        Ok(outcome)
    }

    /// Reads what the gateway's ConfigMap holds, and the digests of its
    /// Secret's values (to say which a later render changes); queues the
    /// ConfigMap's `Rendered` Event, in case the operator that applied it
    /// died before telling it.
    async fn read_applied(&mut self) -> Result<Option<Applied>, CycleError> {
        let config_maps: Api<ConfigMap> = Api::namespaced(self.client.clone(), &self.target.namespace);
        let current = config_maps
            .get_opt(&self.target.name)
            .await
            .map_err(|source| CycleError::Read {
                what: format!("ConfigMap {}/{}", self.target.namespace, self.target.name),
                source,
            })?;
        let Some(config_map) = current else {
            return Ok(None);
        };
        if let Some((name, spec)) = announced_by(&config_map, &self.target) {
            self.queue(self.rendered_regarding.clone(), spec, name);
        }
        let Some(mut applied) = Applied::from_config_map(&config_map) else {
            return Ok(None);
        };
        // Without the Secret, a later change says values changed, not which.
        let secrets: Api<Secret> = Api::namespaced(self.client.clone(), &self.target.namespace);
        match secrets.get_opt(&self.target.name).await {
            Ok(Some(secret)) if annotation(&secret, SECRET_HASH_ANNOTATION) == Some(&applied.secret_hash) => {
                applied.secret_digests = Some(digests_of(&secret));
            }
            Ok(_) => {}
            Err(error) => {
                tracing::debug!(%error, "cannot read the gateway's Secret; a rotation will not say which values changed")
            }
        }
        Ok(Some(applied))
    }

    fn queue(&mut self, regarding: ObjectReference, spec: EventSpec, name: String) {
        if self.untold.iter().any(|untold| untold.name == name) {
            return;
        }
        if self.untold.len() >= UNTOLD_LIMIT {
            let dropped = self.untold.remove(0);
            tracing::warn!(reason = %dropped.spec.reason, object = ?dropped.regarding.name, "too many Events could not be recorded; dropping the oldest");
        }
        self.untold.push(Announcement {
            regarding,
            spec,
            name,
        });
    }

    /// Tells the queued Events in order; at the first that fails, it and the
    /// rest stay queued (what refused one refuses the next: RBAC, an API
    /// server down), so a failing Events API costs one request a cycle.
    async fn announce_queued(
        &mut self,
        leadership: &Leadership,
        outcome: &mut Outcome,
    ) -> Result<(), CycleError> {
        let mut failed = None;
        let mut queued = std::mem::take(&mut self.untold).into_iter();
        for announcement in queued.by_ref() {
            ensure_leader(leadership)?;
            match self
                .recorder
                .announce(&announcement.regarding, &announcement.spec, &announcement.name)
                .await
            {
                Ok(Announced::Told) => outcome.events += 1,
                Ok(Announced::AlreadyTold) => {}
                Err(error) => {
                    failed = Some(error.to_string());
                    self.untold.push(announcement);
                    break;
                }
            }
        }
        self.untold.extend(queued);
        match failed {
            Some(message) => outcome.failures.push(Failure {
                operation: Operation::Event,
                message,
            }),
            None => outcome.succeeded.push(Operation::Event),
        }
        Ok(())
    }

    /// Writes in the order that keeps the story whole whatever happens
    /// between two writes: the Secret, then the ConfigMap that names it (and
    /// carries its own announcement), then its Event; each resource's Event
    /// before its status.
    async fn write(&mut self, plan: Plan, leadership: &Leadership) -> Result<Outcome, CycleError> {
        let mut outcome = Outcome::default();
        if let Some(apply) = plan.apply {
            ensure_leader(leadership)?;
            apply_object(&self.client, &apply.rendered.secret)
                .await
                .map_err(apply_failed(Operation::ApplySecret))?;
            outcome.succeeded.push(Operation::ApplySecret);
            ensure_leader(leadership)?;
            apply_object(&self.client, &apply.rendered.config_map)
                .await
                .map_err(apply_failed(Operation::ApplyConfigMap))?;
            outcome.succeeded.push(Operation::ApplyConfigMap);
            tracing::info!(change = %apply.change, config_hash = %apply.applied.config_hash, "applied a new gateway configuration");
            self.applied = Some(Some(apply.applied));
            outcome.applied = true;
            let (name, spec) = apply.event;
            self.queue(self.rendered_regarding.clone(), spec, name);
        }
        for event in plan.events {
            let regarding = resource_reference(&event.object, event.uid.clone());
            self.queue(regarding, event.event, event.name);
        }
        self.announce_queued(leadership, &mut outcome).await?;
        for write in &plan.statuses {
            ensure_leader(leadership)?;
            let operation = Operation::Status(write.diagnostic.object.clone());
            match write_status(&self.client, &write.diagnostic, &write.condition).await {
                Ok(()) => {
                    outcome.statuses_written += 1;
                    outcome.succeeded.push(operation);
                }
                // One failed status (the object was deleted meanwhile, say)
                // must not hold up the others; it is retried on its own.
                Err(error) => outcome.failures.push(Failure {
                    operation,
                    message: error.to_string(),
                }),
            }
        }
        Ok(outcome)
    }
}

/// What a failed apply of `operation` becomes.
fn apply_failed(operation: Operation) -> impl FnOnce(kube::Error) -> CycleError {
    move |source| CycleError::Apply { operation, source }
}

fn ensure_leader(leadership: &Leadership) -> Result<(), CycleError> {
    if leadership.is_leader() {
        Ok(())
    } else {
        Err(CycleError::NotLeader)
    }
}

fn annotation<'a>(secret: &'a Secret, key: &str) -> Option<&'a String> {
    secret.metadata.annotations.as_ref()?.get(key)
}

/// The digests of a Secret's values as the gateway's Secret holds them.
fn digests_of(secret: &Secret) -> SecretDigests {
    let values = secret.data.iter().flatten().map(|(key, value)| {
        (
            SecretKey(key.clone()),
            String::from_utf8_lossy(&value.0).into_owned(),
        )
    });
    secret_digests(&GatewaySecrets(values.collect()))
}

/// The reference render Events are recorded on when no Deployment is named:
/// the gateway's ConfigMap.
pub fn config_map_reference(target: &Target) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".to_owned()),
        kind: Some("ConfigMap".to_owned()),
        namespace: Some(target.namespace.clone()),
        name: Some(target.name.clone()),
        ..Default::default()
    }
}

/// The reference of the operator's own Deployment, where render Events are
/// recorded when it is known.
pub fn deployment_reference(namespace: &str, name: &str) -> ObjectReference {
    ObjectReference {
        api_version: Some("apps/v1".to_owned()),
        kind: Some("Deployment".to_owned()),
        namespace: Some(namespace.to_owned()),
        name: Some(name.to_owned()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests;
