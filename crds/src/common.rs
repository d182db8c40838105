//! Types shared by the four resources: secret references, conditions and status.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The API group of every resource in this crate.
pub const GROUP: &str = "chatops.dev";
/// The one API version served so far.
pub const VERSION: &str = "v1alpha1";

/// A Kubernetes object name (RFC 1123 subdomain), as Secrets and ChatPlatforms use.
pub(crate) const OBJECT_NAME_PATTERN: &str =
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// A reference to one key of a Secret in the same namespace as the resource.
///
/// Secret material is never written inline in a resource: the operator reads
/// the Secret, and the gateway only ever sees the copy in its own Secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct SecretKeyRef {
    /// Name of the Secret, in the namespace of the resource that refers to it.
    #[schemars(length(min = 1, max = 253), regex(pattern = OBJECT_NAME_PATTERN))]
    pub name: String,
    /// Key inside the Secret's `data` (or `stringData`).
    #[schemars(length(min = 1, max = 253), regex(pattern = r"^[-._a-zA-Z0-9]+$"))]
    pub key: String,
}

impl SecretKeyRef {
    /// A reference to `key` in the Secret `name`.
    pub fn new(name: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            key: key.into(),
        }
    }
}

named_enum! {
    /// The condition types the resources carry.
    ///
    /// Each type has one writer (its own field manager under server-side apply),
    /// and `status.conditions` merges per type, so the writers never clash.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    pub enum ConditionType {
        /// The resource was accepted and is part of the gateway's configuration.
        Ready,
        /// The outcome of the last look-up of an AccountLink's email or an
        /// AccessGrant's channel name through the platform's API. Only on those
        /// that need one; `Ready` alone decides whether the gateway serves them.
        Resolved,
    }
    /// The type as written into `status.conditions`.
    fn as_str;
}

named_enum! {
    /// The reasons of the `Resolved` condition (and of the look-up Events).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum LookupReason {
        /// The email or name was found; its ID is in status.
        Resolved,
        /// The look-up failed (not found, refused, unreachable); it is retried with backoff.
        LookupFailed,
    }
    /// The reason as written into the condition and the Event.
    fn as_str;
}

/// The status of a condition, as Kubernetes spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ConditionStatus {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// Not decided yet (for example, an email look-up is still pending).
    Unknown,
}

/// One entry of `status.conditions`, shaped like `metav1.Condition`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The condition's type: `Ready`, or `Resolved` for look-ups.
    #[serde(rename = "type")]
    pub type_: ConditionType,
    /// `True`, `False` or `Unknown`.
    pub status: ConditionStatus,
    /// A CamelCase word saying why, e.g. `Accepted`, `SecretNotFound`, `LookupFailed`.
    pub reason: String,
    /// A sentence for people: what is wrong and what to do about it.
    #[serde(default)]
    pub message: String,
    /// When `status` last changed.
    pub last_transition_time: Time,
    /// The `metadata.generation` this condition was computed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// Schema of `status.conditions`: a list merged per `type` under server-side apply.
pub(crate) fn conditions_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = generator.subschema_for::<Vec<Condition>>();
    schema.insert("x-kubernetes-list-type".into(), "map".into());
    schema.insert("x-kubernetes-list-map-keys".into(), vec!["type"].into());
    schema
}

chatops_status! {
    /// The status every resource kind carries.
    pub struct ResourceStatus {
        /// The `Ready` condition written by the operator.
        conditions;
    }
}
