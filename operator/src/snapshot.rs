//! The cluster as the operator last saw it, turned into `compile`'s input.
//!
//! The watches store objects untyped ([`DynamicObject`]) on purpose: an object
//! that no longer matches the Rust types (stored before the schema tightened,
//! or written by a newer version of the CRD) must not fail the whole list and
//! stall every other resource. It is converted here, one object at a time,
//! and a failure becomes that object's `Invalid` verdict.
//!
//! Pure.

use std::collections::HashMap;

use chatops_crds::{Condition, Diagnostic, Kind, ObjectKey, Reason, Resources};
use k8s_openapi::api::core::v1::Secret;
use kube::api::DynamicObject;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What the operator knows of one resource beyond its spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectState {
    /// `metadata.uid`, so Events point at this incarnation of the object.
    pub uid: Option<String>,
    /// The `Ready` condition as stored now.
    pub ready: Option<Condition>,
    /// `metadata.resourceVersion`: with the verdict, what names the Event
    /// told about a change of this object (see [`crate::events::event_name`]).
    pub resource_version: Option<String>,
}

/// The typed resources, the verdicts on objects that could not be typed, and
/// each object's current state.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// `compile`'s input.
    pub resources: Resources,
    /// Objects left out because they do not deserialise.
    pub invalid: Vec<Diagnostic>,
    /// Each object's uid and current `Ready` condition.
    pub objects: HashMap<ObjectKey, ObjectState>,
}

impl Snapshot {
    /// Builds a snapshot from the watched objects of each kind and the
    /// referenced Secrets.
    pub fn build<'a>(
        objects: impl IntoIterator<Item = (Kind, &'a DynamicObject)>,
        secrets: Vec<Secret>,
    ) -> Self {
        let mut snapshot = Snapshot {
            resources: Resources {
                secrets,
                ..Default::default()
            },
            ..Default::default()
        };
        for (kind, object) in objects {
            snapshot.add(kind, object);
        }
        snapshot
    }

    /// The current state of `object`.
    pub fn state(&self, object: &ObjectKey) -> Option<&ObjectState> {
        self.objects.get(object)
    }

    fn add(&mut self, kind: Kind, object: &DynamicObject) {
        let key = ObjectKey::new(
            kind,
            object.metadata.namespace.clone().unwrap_or_default(),
            object.metadata.name.clone().unwrap_or_default(),
        );
        self.objects.insert(
            key.clone(),
            ObjectState {
                uid: object.metadata.uid.clone(),
                ready: ready_condition_of(object),
                resource_version: object.metadata.resource_version.clone(),
            },
        );
        let resources = &mut self.resources;
        let typed = match kind {
            Kind::ChatPlatform => push(&mut resources.platforms, object),
            Kind::AccessGrant => push(&mut resources.grants, object),
            Kind::AccountLink => push(&mut resources.account_links, object),
            Kind::Integration => push(&mut resources.integrations, object),
        };
        if let Err(error) = typed {
            self.invalid.push(Diagnostic::rejected(
                key,
                object.metadata.generation,
                Reason::Invalid,
                format!(
                    "the stored object does not match the {} schema: {error}",
                    kind.as_str()
                ),
            ));
        }
    }
}

fn push<K: DeserializeOwned>(into: &mut Vec<K>, object: &DynamicObject) -> Result<(), serde_json::Error> {
    into.push(serde_json::from_value(serde_json::to_value(object)?)?);
    Ok(())
}

/// The stored `Ready` condition. Conditions of other types (written by other
/// field managers) and malformed entries are skipped, not errors.
fn ready_condition_of(object: &DynamicObject) -> Option<Condition> {
    object
        .data
        .pointer("/status/conditions")?
        .as_array()?
        .iter()
        .filter(|c| c.get("type").and_then(Value::as_str) == Some("Ready"))
        .find_map(|c| serde_json::from_value(c.clone()).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> DynamicObject {
        serde_json::from_value(value).unwrap()
    }

    fn grant(name: &str, spec: Value, status: Value) -> DynamicObject {
        object(json!({
            "apiVersion": "chatops.dev/v1alpha1", "kind": "AccessGrant",
            "metadata": {"name": name, "namespace": "chatops", "uid": format!("uid-{name}"), "generation": 3},
            "spec": spec, "status": status,
        }))
    }

    #[test]
    fn a_malformed_object_is_rejected_alone_and_the_rest_compile() {
        let good = grant(
            "netops",
            json!({"command": "nautobot", "subcommand": "*", "grantType": "channel", "name": "netops", "value": "C1"}),
            json!({}),
        );
        let bad = grant("broken", json!({"command": 42}), json!({}));
        let snapshot = Snapshot::build([(Kind::AccessGrant, &good), (Kind::AccessGrant, &bad)], vec![]);

        assert_eq!(snapshot.resources.grants.len(), 1);
        assert_eq!(snapshot.invalid.len(), 1);
        let verdict = &snapshot.invalid[0];
        assert_eq!(
            verdict.object,
            ObjectKey::new(Kind::AccessGrant, "chatops", "broken")
        );
        assert_eq!(verdict.reason, Reason::Invalid);
        assert_eq!(verdict.generation, Some(3));
        assert!(
            verdict.message.contains("AccessGrant schema"),
            "{}",
            verdict.message
        );
        // Both are known objects, so both get a status.
        assert_eq!(snapshot.objects.len(), 2);
    }

    #[test]
    fn the_stored_ready_condition_and_uid_are_kept_and_other_conditions_ignored() {
        let ready = json!({"type": "Ready", "status": "False", "reason": "PlatformNotFound",
            "message": "m", "lastTransitionTime": "2026-11-25T08:00:00Z", "observedGeneration": 2});
        let other = json!({"type": "SomethingElse", "status": "True"});
        let stored = grant(
            "netops",
            json!({"command": "nautobot", "grantType": "user", "name": "a", "value": "U1"}),
            json!({"conditions": [other, ready]}),
        );
        let snapshot = Snapshot::build([(Kind::AccessGrant, &stored)], vec![]);
        let state = snapshot
            .state(&ObjectKey::new(Kind::AccessGrant, "chatops", "netops"))
            .unwrap();
        assert_eq!(state.uid.as_deref(), Some("uid-netops"));
        let condition = state.ready.as_ref().unwrap();
        assert_eq!(condition.reason, "PlatformNotFound");
        assert_eq!(condition.observed_generation, Some(2));
    }
}
