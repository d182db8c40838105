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
    changes::{ConfigChange, diff},
    events::{EventSpec, EventType, event_for},
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
}

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
        })
    }

    fn of(compiled: &Compiled, rendered: &Rendered) -> Self {
        let (config_hash, secret_hash) = content_hashes(rendered);
        Applied {
            config: compiled.config.clone(),
            config_hash,
            secret_hash,
        }
    }
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
}

impl Apply {
    /// The Event recorded once the new configuration is written.
    pub fn event(&self, target: &Target) -> EventSpec {
        EventSpec {
            type_: EventType::Normal,
            reason: "Rendered".to_owned(),
            action: "Render",
            note: format!(
                "configuration {}/{} rendered: {}",
                target.namespace, target.name, self.change
            ),
        }
    }
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
}

/// Everything one cycle writes, in the order it writes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// The new ConfigMap and Secret, unless the content is what is applied already.
    pub apply: Option<Apply>,
    /// Conditions that changed.
    pub statuses: Vec<StatusWrite>,
    /// Events on resources whose verdict changed.
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
            let empty = Applied::default();
            let old = old.unwrap_or(&empty);
            let change = diff(&old.config, &new.config, &old.secret_hash, &new.secret_hash);
            Some(Apply {
                rendered,
                applied: new,
                change,
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
            plan.events.push(ResourceEvent {
                object: diagnostic.object.clone(),
                uid: state.and_then(|s| s.uid.clone()),
                event,
            });
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
