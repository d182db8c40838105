//! A look-up's outcome as status and Event: the `Resolved` condition, the
//! server-side apply body of the look-up's own fields, and the Event.
//!
//! Pure. Only the look-up's fields are in the body: applied under their own
//! field manager, they never touch the `Ready` condition or
//! `observedGeneration` that the render applies, and a failure (which leaves
//! the ID out) removes a stale ID this manager wrote before.

use chatops_crds::{Condition, ConditionStatus, ConditionType, GROUP, Kind, VERSION, common::LookupReason};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};

use super::{Lookup, LookupError, Query};
use crate::events::{EventSpec, EventType};

/// The field manager of the look-ups' status fields, apart from the render's
/// `chatops-operator`, so that each owns its own fields.
pub const FIELD_MANAGER: &str = "chatops-operator-lookup";

/// The Event action of look-ups.
pub const ACTION: &str = "Lookup";

/// The `Resolved` condition for `result`. The transition time moves only
/// when the status flips.
pub fn resolved_condition(lookup: &Lookup, result: &Result<String, LookupError>, now: Time) -> Condition {
    let (status, reason) = match result {
        Ok(_) => (ConditionStatus::True, LookupReason::Resolved),
        Err(_) => (ConditionStatus::False, LookupReason::LookupFailed),
    };
    let last_transition_time = match &lookup.current {
        Some(current) if current.status == status => current.last_transition_time.clone(),
        _ => now,
    };
    Condition {
        type_: ConditionType::Resolved,
        status,
        reason: reason.as_str().to_owned(),
        message: message(lookup, result),
        last_transition_time,
        observed_generation: lookup.generation,
    }
}

/// What the outcome says, for people: the ID found, or why not.
pub fn message(lookup: &Lookup, result: &Result<String, LookupError>) -> String {
    let platform = &lookup.platform;
    match (result, &lookup.query) {
        (Ok(id), Query::Email(email)) => format!("{email} is {platform} user {id}"),
        (Ok(id), Query::ChannelName(name)) => format!("{name} is {platform} channel {id}"),
        (Err(error), query) => format!("cannot resolve {query} on {platform}: {error}"),
    }
}

/// Whether the stored condition already says what `desired` says: a failure
/// repeated on retry is not news. The same test as the `Ready` condition's.
pub use crate::status::is_current;

/// The server-side apply body of the status subresource: the ID with what it
/// was resolved from on success, and the condition.
pub fn status_patch(lookup: &Lookup, result: &Result<String, LookupError>, condition: &Condition) -> Value {
    let mut status = json!({ "conditions": [condition] });
    if let Ok(id) = result {
        let fields = match (&lookup.object.kind, &lookup.query) {
            (Kind::AccessGrant, Query::ChannelName(name)) => json!({
                "resolvedValue": id, "resolvedChannelName": name, "resolvedPlatform": lookup.platform,
            }),
            (_, Query::Email(email)) => json!({
                "chatUserId": id, "resolvedEmail": email, "resolvedPlatform": lookup.platform,
            }),
            // `pending` pairs emails with AccountLinks and names with AccessGrants only.
            _ => json!({}),
        };
        if let (Some(status), Value::Object(fields)) = (status.as_object_mut(), fields) {
            status.extend(fields);
        }
    }
    json!({
        "apiVersion": format!("{GROUP}/{VERSION}"),
        "kind": lookup.object.kind.as_str(),
        "status": status,
    })
}

/// The Event telling the outcome: `Resolved` (Normal) or `LookupFailed` (Warning).
pub fn event(condition: &Condition) -> EventSpec {
    let type_ = if condition.status == ConditionStatus::True {
        EventType::Normal
    } else {
        EventType::Warning
    };
    EventSpec {
        type_,
        reason: condition.reason.clone(),
        action: ACTION,
        note: condition.message.clone(),
    }
}

/// What [`status_patch`] applies for a look-up of a `kind` of generation
/// `generation` that resolved `resolved` (the status fields), with its
/// `Resolved` condition saying `message`, as of 2026-11-25T08:00:00Z: what
/// the tests expect.
#[cfg(test)]
pub(super) fn resolved_patch(kind: &str, resolved: Value, message: &str, generation: i64) -> Value {
    let mut status = resolved;
    status["conditions"] = json!([{
        "type": "Resolved", "status": "True", "reason": "Resolved", "message": message,
        "lastTransitionTime": "2026-11-25T08:00:00Z", "observedGeneration": generation,
    }]);
    json!({"apiVersion": "chatops.dev/v1alpha1", "kind": kind, "status": status})
}

#[cfg(test)]
mod tests {
    use chatops_crds::ObjectKey;

    use super::*;

    fn time(rfc3339: &str) -> Time {
        Time(rfc3339.parse().unwrap())
    }

    fn grant_lookup() -> Lookup {
        Lookup {
            object: ObjectKey::new(Kind::AccessGrant, "chatops", "netops"),
            uid: None,
            generation: Some(2),
            platform: "slack".to_owned(),
            query: Query::ChannelName("#netops".to_owned()),
            current: None,
        }
    }

    #[test]
    fn a_resolved_channel_is_applied_with_the_name_it_was_resolved_from() {
        let lookup = grant_lookup();
        let result = Ok("C0NETOPS".to_owned());
        let condition = resolved_condition(&lookup, &result, time("2026-11-25T08:00:00Z"));
        let patch = status_patch(&lookup, &result, &condition);
        assert_eq!(
            patch,
            resolved_patch(
                "AccessGrant",
                json!({"resolvedValue": "C0NETOPS", "resolvedChannelName": "#netops", "resolvedPlatform": "slack"}),
                "#netops is slack channel C0NETOPS",
                2
            )
        );
        let event = event(&condition);
        assert_eq!(
            (event.type_, event.reason.as_str(), event.action),
            (EventType::Normal, "Resolved", "Lookup")
        );
    }

    #[test]
    fn a_failure_carries_only_the_condition_and_is_news_once() {
        let mut lookup = grant_lookup();
        let result = Err(LookupError::NotFound(
            "no Slack channel is named netops".to_owned(),
        ));
        let first = resolved_condition(&lookup, &result, time("2026-11-25T08:00:00Z"));
        assert_eq!(first.reason, "LookupFailed");
        assert_eq!(
            first.message,
            "cannot resolve the channel #netops on slack: no Slack channel is named netops"
        );
        let patch = status_patch(&lookup, &result, &first);
        assert_eq!(patch["status"].as_object().unwrap().len(), 1, "{patch}");
        assert_eq!(event(&first).type_, EventType::Warning);

        lookup.current = Some(first.clone());
        let again = resolved_condition(&lookup, &result, time("2026-11-25T09:00:00Z"));
        assert_eq!(again.last_transition_time, first.last_transition_time);
        assert!(is_current(lookup.current.as_ref(), &again));
        let resolved = resolved_condition(&lookup, &Ok("C1".to_owned()), time("2026-11-25T09:00:00Z"));
        assert!(!is_current(lookup.current.as_ref(), &resolved));
        assert_eq!(resolved.last_transition_time, time("2026-11-25T09:00:00Z"));
    }
}
