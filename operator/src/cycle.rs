//! One render cycle against the API server: read what is needed, plan, write.
//!
//! `observe -> compile -> plan -> apply -> record`: the middle is
//! [`crate::plan`], pure; this is the shell around it. Writes go in an order
//! that keeps the gateway consistent: the Secret, then the ConfigMap naming
//! its hash, then the statuses that tell people their resources are live.
//! Leadership is checked before every write, so a replica that lost the lease
//! stops at the next request.

use std::collections::BTreeSet;

use chatops_crds::{
    Compiled, Kind, Resources,
    compile::{SecretName, secret_users},
};
use k8s_openapi::{
    api::core::v1::{ConfigMap, ObjectReference},
    apimachinery::pkg::apis::meta::v1::Time,
};
use kube::{Api, Client, api::DynamicObject};

use crate::{
    apply::{apply_object, write_status},
    leader::Leadership,
    plan::{Applied, Plan, compile, plan},
    recorder::{EventRecorder, resource_reference},
    render::{RenderError, Target},
    secret_cache::SecretCache,
    snapshot::Snapshot,
};

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
    #[error("cannot apply the gateway configuration: {0}")]
    Apply(kube::Error),
    /// The configuration could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
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
    /// Status writes that failed (the next cycle retries them).
    pub status_failures: usize,
    /// Events recorded on resources.
    pub events: usize,
}

/// Runs cycles, remembering what it applied and the Secrets it read.
pub struct Reconciler {
    client: Client,
    recorder: EventRecorder,
    target: Target,
    rendered_regarding: ObjectReference,
    /// What the ConfigMap holds; `None` until read after gaining leadership.
    applied: Option<Option<Applied>>,
    secrets: SecretCache,
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

    async fn read_applied(&self) -> Result<Option<Applied>, CycleError> {
        let config_maps: Api<ConfigMap> = Api::namespaced(self.client.clone(), &self.target.namespace);
        let current = config_maps
            .get_opt(&self.target.name)
            .await
            .map_err(|source| CycleError::Read {
                what: format!("ConfigMap {}/{}", self.target.namespace, self.target.name),
                source,
            })?;
        Ok(current.as_ref().and_then(Applied::from_config_map))
    }

    async fn write(&mut self, plan: Plan, leadership: &Leadership) -> Result<Outcome, CycleError> {
        let ensure_leader = || {
            if leadership.is_leader() {
                Ok(())
            } else {
                Err(CycleError::NotLeader)
            }
        };
        let mut outcome = Outcome::default();
        if let Some(apply) = plan.apply {
            ensure_leader()?;
            apply_object(&self.client, &apply.rendered.secret)
                .await
                .map_err(CycleError::Apply)?;
            ensure_leader()?;
            apply_object(&self.client, &apply.rendered.config_map)
                .await
                .map_err(CycleError::Apply)?;
            tracing::info!(change = %apply.change, config_hash = %apply.applied.config_hash, "applied a new gateway configuration");
            let event = apply.event(&self.target);
            self.applied = Some(Some(apply.applied));
            outcome.applied = true;
            ensure_leader()?;
            self.recorder.record(&self.rendered_regarding, &event).await;
        }
        for write in &plan.statuses {
            ensure_leader()?;
            match write_status(&self.client, &write.diagnostic, &write.condition).await {
                Ok(()) => outcome.statuses_written += 1,
                Err(error) => {
                    // One failed status (the object was deleted meanwhile, say)
                    // must not hold up the others; the next cycle retries it.
                    tracing::warn!(%error, object = %write.diagnostic.object, "could not write a status");
                    outcome.status_failures += 1;
                }
            }
        }
        for event in &plan.events {
            ensure_leader()?;
            let regarding = resource_reference(&event.object, event.uid.clone());
            self.recorder.record(&regarding, &event.event).await;
            outcome.events += 1;
        }
        Ok(outcome)
    }
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
