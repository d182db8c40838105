//! `compile`: resources and Secrets in, gateway configuration and one verdict per resource out.
//!
//! Pure: no I/O, no clock, no client. The same inputs always give the same
//! output, which is what lets the operator skip unchanged renders by hash and
//! lets the gateway's standalone mode share this code path exactly.
//!
//! Each resource is judged on its own: a bad one is left out with a
//! [`Diagnostic`] saying why, and never takes the rest down. Where two
//! resources claim the same thing (a command, a platform name, a chat
//! account), the older keeps it, so that applying a new manifest can never
//! silently take over something that already works.

mod account_links;
mod claims;
mod grafana;
mod grants;
mod integrations;
mod platforms;
mod references;
mod secrets;

use std::collections::{BTreeMap, HashMap};

pub use references::{SecretName, is_referenced, secret_users};

use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;

use crate::{
    AccessGrant, AccountLink, ChatPlatform, Integration, SecretKeyRef,
    config::{GatewayConfig, GatewaySecrets, SecretKey},
    diagnostic::{Diagnostic, Kind, ObjectKey, Reason},
};

/// Everything `compile` reads: the four kinds of resource and the Secrets they refer to.
#[derive(Clone, Debug, Default)]
pub struct Resources {
    /// ChatPlatforms.
    pub platforms: Vec<ChatPlatform>,
    /// AccessGrants.
    pub grants: Vec<AccessGrant>,
    /// AccountLinks.
    pub account_links: Vec<AccountLink>,
    /// Integrations.
    pub integrations: Vec<Integration>,
    /// The Secrets the resources may refer to (others are ignored).
    pub secrets: Vec<Secret>,
}

/// What `compile` produces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Compiled {
    /// The configuration, without secret material: the ConfigMap's content.
    pub config: GatewayConfig,
    /// The secret material the configuration refers to: the Secret's content.
    pub secrets: GatewaySecrets,
    /// One verdict per resource, ordered by kind, namespace and name.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// The verdicts on resources that were left out.
    pub fn rejected(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.ready)
    }

    fn accept(&mut self, object: ObjectKey, generation: Option<i64>, message: String) {
        self.diagnostics
            .push(Diagnostic::accepted(object, generation, message));
    }

    fn reject(&mut self, object: ObjectKey, generation: Option<i64>, reason: Reason, message: String) {
        self.diagnostics
            .push(Diagnostic::rejected(object, generation, reason, message));
    }

    /// Resolves a resource's Secret references and stores their values in the
    /// gateway's Secret; returns the key of each field. When any reference
    /// fails, nothing is stored, the resource is rejected, and `None` comes back.
    fn store_secrets(
        &mut self,
        store: &secrets::SecretStore<'_>,
        object: &ObjectKey,
        generation: Option<i64>,
        references: &[(String, &SecretKeyRef)],
    ) -> Option<BTreeMap<String, SecretKey>> {
        match store.resolve_all(object, references) {
            Ok(resolved) => Some(secrets::store(resolved, &mut self.secrets)),
            Err(problem) => {
                self.reject(object.clone(), generation, problem.reason, problem.message);
                None
            }
        }
    }
}

/// Compiles resources and Secrets into the gateway's configuration.
pub fn compile(resources: &Resources) -> Compiled {
    let store = secrets::SecretStore::new(&resources.secrets);
    let mut out = Compiled::default();

    // Platforms and integrations first: grants and links refer to them by name.
    let platform_names = platforms::compile(&resources.platforms, &store, &mut out);
    let integration_commands = integrations::compile(&resources.integrations, &store, &mut out);
    grants::compile(&resources.grants, &platform_names, &mut out);
    account_links::compile(
        &resources.account_links,
        &platform_names,
        &integration_commands,
        &store,
        &mut out,
    );

    out.diagnostics.sort_by(|a, b| a.object.cmp(&b.object));
    out
}

/// The identity and generation of a resource, for its diagnostic.
fn identify<K: ResourceExt>(kind: Kind, resource: &K) -> (ObjectKey, Option<i64>) {
    let key = ObjectKey::new(
        kind,
        resource.namespace().unwrap_or_default(),
        resource.name_any(),
    );
    (key, resource.meta().generation)
}

/// The resources, oldest first (by creation time, then namespace and name).
///
/// Manifests read from files have no creation time; they fall back to
/// namespace and name, which keeps the result deterministic.
fn oldest_first<K: ResourceExt>(resources: &[K]) -> Vec<&K> {
    let mut sorted: Vec<&K> = resources.iter().collect();
    sorted.sort_by(|a, b| {
        let created = |r: &K| r.meta().creation_timestamp.as_ref().map(|t| t.0);
        // `None` sorts first under Option's Ord; a resource without a creation
        // time has not been admitted by an API server, so it counts as newest.
        let age_key = |r: &K| (created(r).is_none(), created(r), r.namespace(), r.name_any());
        age_key(a).cmp(&age_key(b))
    });
    sorted
}

/// Accepted names of ChatPlatforms (claimed names, ready or not).
type PlatformNames = std::collections::HashSet<String>;

/// The command each Integration holds, by `(namespace, name)`.
type IntegrationCommands = HashMap<(String, String), String>;

#[cfg(test)]
mod tests;
