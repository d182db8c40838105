//! What [`crate::compile()`] says about each resource: what the operator writes
//! into `status.conditions` and records as an Event.

use serde::{Deserialize, Serialize};

named_enum! {
    /// The four kinds of resource in the API, in the order diagnostics are listed.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    pub enum Kind {
        /// [`crate::ChatPlatform`]
        ChatPlatform,
        /// [`crate::AccessGrant`]
        AccessGrant,
        /// [`crate::AccountLink`]
        AccountLink,
        /// [`crate::Integration`]
        Integration,
    }
    /// The kind as Kubernetes spells it.
    fn as_str;
}

impl Kind {
    /// The kind named `kind`, if it is one of ours.
    pub fn from_name(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == kind)
    }
}

/// Identifies one resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectKey {
    /// Its kind.
    pub kind: Kind,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl ObjectKey {
    /// The key of `kind` `namespace/name`.
    pub fn new(kind: Kind, namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind,
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// `namespace/name`, the way the config's `source` fields name a resource.
    pub fn namespaced_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
    }
}

named_enum! {
    /// Why a resource is, or is not, ready. Used as the condition's `reason` and the Event's reason.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Reason {
        /// Accepted into the gateway's configuration.
        Accepted,
        /// The manifest breaks the CRD's schema (standalone mode, where no API server checked it).
        Invalid,
        /// A referenced Secret does not exist.
        SecretNotFound,
        /// A referenced Secret exists but lacks the key.
        SecretKeyNotFound,
        /// A referenced Secret value is empty or not UTF-8 text.
        SecretValueInvalid,
        /// The ChatPlatform named by the resource does not exist.
        PlatformNotFound,
        /// Another, older ChatPlatform already has this name (names are the URL path, so unique across namespaces).
        PlatformNameConflict,
        /// The Integration named by the resource does not exist or was not accepted.
        IntegrationNotFound,
        /// Another, older Integration already answers to this command.
        CommandConflict,
        /// Another, older AccountLink already links this chat account.
        LinkConflict,
        /// The AccountLink gives an email that has not been resolved to a chat user ID yet.
        EmailNotResolved,
        /// The AccessGrant names a channel that has not been resolved to a channel ID yet.
        NameNotResolved,
    }
    /// The reason as written into conditions and Events.
    fn as_str;
}

/// The verdict on one resource. It never contains secret material.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Which resource.
    pub object: ObjectKey,
    /// The `metadata.generation` the verdict is for (becomes `observedGeneration`).
    pub generation: Option<i64>,
    /// Whether the resource is part of the gateway's configuration.
    pub ready: bool,
    /// Why, in one word.
    pub reason: Reason,
    /// Why, for people: what is wrong and what to do.
    pub message: String,
}

impl Diagnostic {
    /// A resource accepted as it is.
    pub fn accepted(object: ObjectKey, generation: Option<i64>, message: impl Into<String>) -> Self {
        Self {
            object,
            generation,
            ready: true,
            reason: Reason::Accepted,
            message: message.into(),
        }
    }

    /// A resource left out of the configuration.
    pub fn rejected(
        object: ObjectKey,
        generation: Option<i64>,
        reason: Reason,
        message: impl Into<String>,
    ) -> Self {
        Self {
            object,
            generation,
            ready: false,
            reason,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.ready { "ready" } else { "not ready" };
        write!(f, "{}: {state} ({}): {}", self.object, self.reason, self.message)
    }
}
