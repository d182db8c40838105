//! What one render cycle writes: the pure middle of
//! `observe -> compile -> plan -> apply -> record`.
//!
//! Given what the operator saw (a [`Snapshot`]), what `compile` made of it and
//! what it applied last ([`Applied`]), decide the ConfigMap and Secret to apply
//! (none when the content hashes are unchanged), the status conditions to
//! write (only those that changed) and the Events to record. No I/O and no
//! clock: the same inputs give the same plan, so a cycle that finds nothing
//! new writes nothing.

use chatops_crds::{Compiled, Condition, Diagnostic, ObjectKey, config::GatewayConfig};
use k8s_openapi::{api::core::v1::ConfigMap, apimachinery::pkg::apis::meta::v1::Time};

use crate::{
    apply::content_hashes,
    changes::{ConfigChange, SecretDigests, SecretsSide, diff, secret_digests},
    events::{EventSpec, EventType, event_for, event_name, spec_identity},
    render::{CONFIG_HASH_ANNOTATION, CONFIG_KEY, RenderError, Rendered, SECRET_HASH_KEY, Target, render},
    snapshot::Snapshot,
    status::{is_current, ready_condition},
};

/// What the gateway's ConfigMap and Secret hold now, as far as the operator knows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// The configuration in the ConfigMap.
    pub config: GatewayConfig,
    /// The ConfigMap's `chatops.dev/config-hash`.
    pub config_hash: String,
    /// The hash of the Secret the ConfigMap names.
    pub secret_hash: String,
    /// A digest of each of the Secret's values, to say which changed; `None`
    /// when unknown (read back after a restart without the Secret).
    pub secret_digests: Option<SecretDigests>,
}

/// Annotation on the ConfigMap: the hashes of the configuration it replaced
/// (`CONFIG_HASH SECRET_HASH`, or `none`), which name its `Rendered` Event.
pub const RENDERED_FROM_ANNOTATION: &str = "chatops.dev/rendered-from";
/// Annotation on the ConfigMap: what it changed, in words (the `Rendered`
/// Event's note). Written with the ConfigMap, so that an operator restarted
/// before it recorded the Event can still tell it.
pub const CHANGE_ANNOTATION: &str = "chatops.dev/change";

impl Applied {
    /// Reads what an existing ConfigMap holds. `None` when it was not written by
    /// the operator or cannot be read: it is then simply overwritten.
    pub fn from_config_map(config_map: &ConfigMap) -> Option<Self> {
        let data = config_map.data.as_ref()?;
        let config_hash = config_map
            .metadata
            .annotations
            .as_ref()?
            .get(CONFIG_HASH_ANNOTATION)?
            .clone();
        Some(Applied {
            config: serde_saphyr::from_str(data.get(CONFIG_KEY)?).ok()?,
            config_hash,
            secret_hash: data.get(SECRET_HASH_KEY)?.clone(),
            secret_digests: None,
        })
    }

    fn of(compiled: &Compiled, rendered: &Rendered) -> Self {
        let (config_hash, secret_hash) = content_hashes(rendered);
        Applied {
            config: compiled.config.clone(),
            config_hash,
            secret_hash,
            secret_digests: Some(secret_digests(&compiled.secrets)),
        }
    }

    fn secrets(&self) -> SecretsSide<'_> {
        SecretsSide {
            hash: &self.secret_hash,
            digests: self.secret_digests.as_ref(),
        }
    }
}

/// The `Rendered` Event of a configuration: its name follows from what it
/// replaced and what it is, so telling it again finds it told.
fn rendered_event(
    target: &Target,
    from: &str,
    config_hash: &str,
    secret_hash: &str,
    change: &str,
) -> (String, EventSpec) {
    let spec = EventSpec {
        type_: EventType::Normal,
        reason: "Rendered".to_owned(),
        action: "Render",
        note: format!(
            "configuration {}/{} rendered: {change}",
            target.namespace, target.name
        ),
    };
    let name = event_name(&target.name, &["Rendered", from, config_hash, secret_hash]);
    (name, spec)
}

/// The `Rendered` Event a ConfigMap the operator applied announces, from
/// its annotations: after a restart, the operator tells it (again: it is
/// found told if it was) in case the last one died between the apply and
/// the Event. `None` for a ConfigMap without them.
pub fn announced_by(config_map: &ConfigMap, target: &Target) -> Option<(String, EventSpec)> {
    let annotations = config_map.metadata.annotations.as_ref()?;
    let from = annotations.get(RENDERED_FROM_ANNOTATION)?;
    let change = annotations.get(CHANGE_ANNOTATION)?;
    let config_hash = annotations.get(CONFIG_HASH_ANNOTATION)?;
    let secret_hash = config_map.data.as_ref()?.get(SECRET_HASH_KEY)?;
    Some(rendered_event(target, from, config_hash, secret_hash, change))
}

/// A new ConfigMap and Secret to apply, and what they change.
#[derive(Clone, Debug, PartialEq)]
pub struct Apply {
    /// The objects.
    pub rendered: Rendered,
    /// What the operator will know as applied once they are written.
    pub applied: Applied,
    /// What changed since the last applied configuration.
    pub change: ConfigChange,
    /// The Event told once it is written, and its name.
    pub event: (String, EventSpec),
}

/// A status condition to write.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusWrite {
    /// The verdict it is for.
    pub diagnostic: Diagnostic,
    /// The condition.
    pub condition: Condition,
}

/// An Event to record on a resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceEvent {
    /// The resource.
    pub object: ObjectKey,
    /// Its uid, when known.
    pub uid: Option<String>,
    /// The Event.
    pub event: EventSpec,
    /// Its name, from the object's incarnation and resource version and the
    /// Event itself: the same change told again is found told.
    pub name: String,
}

/// Everything one cycle writes, in the order it writes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// The new ConfigMap and Secret, unless the content is what is applied already.
    pub apply: Option<Apply>,
    /// Conditions that changed.
    pub statuses: Vec<StatusWrite>,
    /// Events on resources whose verdict changed. Each is recorded before the
    /// status of its resource: an operator that dies between the two finds
    /// the status not yet current when it restarts, and tells the Event
    /// again, which finds it told.
    pub events: Vec<ResourceEvent>,
}

impl Plan {
    /// Whether the cycle writes nothing.
    pub fn is_empty(&self) -> bool {
        self.apply.is_none() && self.statuses.is_empty() && self.events.is_empty()
    }
}

/// Compiles the snapshot, with the objects that did not deserialise among the verdicts.
pub fn compile(snapshot: &Snapshot) -> Compiled {
    let mut compiled = chatops_crds::compile(&snapshot.resources);
    compiled.diagnostics.extend(snapshot.invalid.iter().cloned());
    compiled.diagnostics.sort_by(|a, b| a.object.cmp(&b.object));
    compiled
}

/// Plans one cycle. `now` stamps conditions that change status.
pub fn plan(
    snapshot: &Snapshot,
    compiled: &Compiled,
    applied: Option<&Applied>,
    target: &Target,
    now: &Time,
) -> Result<Plan, RenderError> {
    let rendered = render(compiled, target)?;
    let new = Applied::of(compiled, &rendered);
    let apply = match applied {
        Some(old) if old.config_hash == new.config_hash && old.secret_hash == new.secret_hash => None,
        old => {
            let first = Applied {
                secret_digests: Some(SecretDigests::new()),
                ..Applied::default()
            };
            let from = match old {
                Some(old) => format!("{} {}", old.config_hash, old.secret_hash),
                None => "none".to_owned(),
            };
            let old = old.unwrap_or(&first);
            let change = diff(&old.config, &new.config, old.secrets(), new.secrets());
            let note = change.to_string();
            let event = rendered_event(target, &from, &new.config_hash, &new.secret_hash, &note);
            let mut rendered = rendered;
            let annotations = rendered.config_map.metadata.annotations.get_or_insert_default();
            annotations.insert(RENDERED_FROM_ANNOTATION.to_owned(), from);
            annotations.insert(CHANGE_ANNOTATION.to_owned(), note);
            Some(Apply {
                rendered,
                applied: new,
                change,
                event,
            })
        }
    };

    let mut plan = Plan {
        apply,
        ..Plan::default()
    };
    for diagnostic in &compiled.diagnostics {
        let state = snapshot.state(&diagnostic.object);
        let current = state.and_then(|s| s.ready.as_ref());
        let condition = ready_condition(diagnostic, current, now.clone());
        if !is_current(current, &condition) {
            plan.statuses.push(StatusWrite {
                diagnostic: diagnostic.clone(),
                condition,
            });
        }
        if let Some(event) = event_for(current, diagnostic) {
            let object = &diagnostic.object;
            let uid = state.and_then(|s| s.uid.clone());
            let version = state
                .and_then(|s| s.resource_version.as_deref())
                .unwrap_or_default();
            let mut identity = vec![
                object.kind.as_str(),
                &object.namespace,
                &object.name,
                uid.as_deref().unwrap_or_default(),
                version,
            ];
            identity.extend(spec_identity(&event));
            plan.events.push(ResourceEvent {
                name: event_name(&object.name, &identity),
                object: object.clone(),
                uid,
                event,
            });
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
