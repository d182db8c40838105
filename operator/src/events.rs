//! Which Kubernetes Event a resource gets when its verdict changes, so that
//! `kubectl describe` tells the story: accepted, rejected and why, recovered.
//!
//! Pure: the shell turns an [`EventSpec`] into an `events.k8s.io/v1` Event.
//!
//! Each Event that tells a change gets a name derived from the change itself
//! ([`event_name`]), not from the clock. Recording it twice then fails with
//! 409 AlreadyExists instead of telling the story twice, which is what lets
//! the operator record an Event before the write it announces and simply try
//! again after a crash or a failed write: the retry finds the Event there.

use chatops_crds::{Condition, ConditionStatus, Diagnostic, Reason};
use sha2::{Digest, Sha256};

/// Normal or Warning, as Kubernetes Events are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// Something went as intended.
    Normal,
    /// Something needs a person's attention.
    Warning,
}

/// An Event to record on a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSpec {
    /// Normal or Warning.
    pub type_: EventType,
    /// `Accepted`, or the reason it was not (`SecretNotFound`, `CommandConflict`, …).
    pub reason: String,
    /// What the operator did: `Compile`.
    pub action: &'static str,
    /// The diagnostic's message.
    pub note: String,
}

/// The Event for a resource whose status says `current` and whose new verdict
/// is `diagnostic`; `None` when nothing a reader would want to know changed.
///
/// An Event is recorded for each accepted change (a new generation accepted),
/// each rejection (a new reason, or a new generation still rejected) and each
/// transition between ready and not ready.
pub fn event_for(current: Option<&Condition>, diagnostic: &Diagnostic) -> Option<EventSpec> {
    let unchanged = current.is_some_and(|c| {
        (c.status == ConditionStatus::True) == diagnostic.ready
            && c.reason == diagnostic.reason.as_str()
            && c.observed_generation == diagnostic.generation
            && c.message == diagnostic.message
    });
    if unchanged {
        return None;
    }
    let type_ = if diagnostic.ready {
        EventType::Normal
    } else {
        EventType::Warning
    };
    let reason = match diagnostic.reason {
        // A schema violation only reaches the operator from objects stored
        // before the schema tightened; call it what it is for the reader.
        Reason::Invalid => "Rejected".to_owned(),
        other => other.as_str().to_owned(),
    };
    Some(EventSpec {
        type_,
        reason,
        action: "Compile",
        note: diagnostic.message.clone(),
    })
}

/// The name of the Event about `object_name` that `identity` tells apart from
/// every other: the same identity always gives the same name, a different one
/// (another resource version, verdict or note) another name.
///
/// `object_name.<16 hex digits>`: a valid Event name, recognisable in `kubectl
/// get events`, and short enough for any object name (cut at 200 bytes).
pub fn event_name(object_name: &str, identity: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in identity {
        // Length-prefixed, so that parts cannot shift into one another.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    // Object names are lowercase ASCII, so any byte is a character boundary.
    let prefix = object_name
        .get(..object_name.len().min(200))
        .unwrap_or(object_name);
    format!("{prefix}.{}", hex::encode(&digest[..8]))
}

/// The identity parts of an [`EventSpec`] for [`event_name`].
pub fn spec_identity(spec: &EventSpec) -> [&str; 4] {
    let type_ = match spec.type_ {
        EventType::Normal => "Normal",
        EventType::Warning => "Warning",
    };
    [type_, &spec.reason, spec.action, &spec.note]
}

#[cfg(test)]
mod tests {
    use chatops_crds::{ConditionType, Kind, ObjectKey};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    use super::*;

    fn object() -> ObjectKey {
        ObjectKey::new(Kind::Integration, "chatops", "nautobot")
    }

    fn condition(diagnostic: &Diagnostic) -> Condition {
        crate::status::ready_condition(diagnostic, None, Time("2026-11-25T08:00:00Z".parse().unwrap()))
    }

    #[test]
    fn the_story_of_a_resource_is_told_once_per_change() {
        let missing = Diagnostic::rejected(
            object(),
            Some(1),
            Reason::SecretNotFound,
            "Secret chatops/nautobot not found",
        );
        let first = event_for(None, &missing).expect("a new rejection is told");
        assert_eq!(
            (first.type_, first.reason.as_str()),
            (EventType::Warning, "SecretNotFound")
        );
        assert_eq!(first.note, "Secret chatops/nautobot not found");
        assert_eq!(event_for(Some(&condition(&missing)), &missing), None, "no repeat");

        let accepted = Diagnostic::accepted(
            object(),
            Some(1),
            "nautobot integration answers to the command nautobot",
        );
        let recovered = event_for(Some(&condition(&missing)), &accepted).expect("the recovery is told");
        assert_eq!(
            (recovered.type_, recovered.reason.as_str()),
            (EventType::Normal, "Accepted")
        );
        assert_eq!(event_for(Some(&condition(&accepted)), &accepted), None);

        let next = Diagnostic::accepted(
            object(),
            Some(2),
            "nautobot integration answers to the command nautobot",
        );
        assert!(
            event_for(Some(&condition(&accepted)), &next).is_some(),
            "an accepted change is told"
        );

        let conflict = Diagnostic::rejected(
            object(),
            Some(2),
            Reason::CommandConflict,
            "taken by Integration chatops/old",
        );
        assert_eq!(
            event_for(Some(&condition(&next)), &conflict).unwrap().reason,
            "CommandConflict"
        );
        let invalid = Diagnostic::rejected(object(), Some(3), Reason::Invalid, "spec.endpoint is required");
        assert_eq!(
            event_for(Some(&condition(&conflict)), &invalid).unwrap().reason,
            "Rejected"
        );
        assert_eq!(condition(&invalid).type_, ConditionType::Ready);
    }

    #[test]
    fn an_event_name_follows_its_identity_and_nothing_else() {
        let name = event_name(
            "nautobot",
            &["Integration", "chatops", "nautobot", "uid-1", "41", "Accepted"],
        );
        assert!(
            name.starts_with("nautobot.") && name.len() == "nautobot.".len() + 16,
            "{name}"
        );
        assert_eq!(
            name,
            event_name(
                "nautobot",
                &["Integration", "chatops", "nautobot", "uid-1", "41", "Accepted"]
            )
        );
        assert_ne!(
            name,
            event_name(
                "nautobot",
                &["Integration", "chatops", "nautobot", "uid-1", "42", "Accepted"]
            ),
            "another resource version is another change"
        );
        assert_ne!(event_name("a", &["bc"]), event_name("a", &["b", "c"]));
        let long = "x".repeat(253);
        assert_eq!(event_name(&long, &[]).len(), 200 + 17);
    }
}
