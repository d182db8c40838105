//! From a resource's diagnostic to its `status`: the `Ready` condition and
//! `observedGeneration`, written only when something a reader cares about changed.
//!
//! Pure. The clock comes in as an argument, so the same inputs give the same
//! status, and a reconcile that finds nothing new writes nothing (GitOps tools
//! and `kubectl get -w` see no churn).

use chatops_crds::{Condition, ConditionStatus, ConditionType, Diagnostic, GROUP, VERSION};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};

/// The `Ready` condition for `diagnostic`.
///
/// `lastTransitionTime` moves only when the status flips; a new reason or
/// message on a condition that stays False keeps the time it first failed.
pub fn ready_condition(diagnostic: &Diagnostic, previous: Option<&Condition>, now: Time) -> Condition {
    let status = if diagnostic.ready {
        ConditionStatus::True
    } else {
        ConditionStatus::False
    };
    let last_transition_time = match previous {
        Some(previous) if previous.status == status => previous.last_transition_time.clone(),
        _ => now,
    };
    Condition {
        type_: ConditionType::Ready,
        status,
        reason: diagnostic.reason.as_str().to_owned(),
        message: diagnostic.message.clone(),
        last_transition_time,
        observed_generation: diagnostic.generation,
    }
}

/// Whether the current condition (`Ready`, or a look-up's `Resolved`) already
/// says what `desired` says. The transition time is not compared: it is
/// derived, not news.
pub fn is_current(current: Option<&Condition>, desired: &Condition) -> bool {
    current.is_some_and(|current| {
        current.status == desired.status
            && current.reason == desired.reason
            && current.message == desired.message
            && current.observed_generation == desired.observed_generation
    })
}

/// The server-side apply body of the status subresource: only the fields the
/// operator owns, with `apiVersion` and `kind` as SSA requires.
pub fn status_patch(diagnostic: &Diagnostic, condition: &Condition) -> Value {
    json!({
        "apiVersion": format!("{GROUP}/{VERSION}"),
        "kind": diagnostic.object.kind.as_str(),
        "status": {
            "conditions": [condition],
            "observedGeneration": diagnostic.generation,
        }
    })
}

#[cfg(test)]
mod tests {
    use chatops_crds::{Kind, ObjectKey, Reason};

    use super::*;

    fn time(rfc3339: &str) -> Time {
        Time(rfc3339.parse().unwrap())
    }

    fn diagnostic(ready: bool, reason: Reason, message: &str, generation: i64) -> Diagnostic {
        let object = ObjectKey::new(Kind::Integration, "chatops", "nautobot");
        if ready {
            Diagnostic::accepted(object, Some(generation), message)
        } else {
            Diagnostic::rejected(object, Some(generation), reason, message)
        }
    }

    #[test]
    fn the_transition_time_moves_only_when_the_status_flips() {
        let t0 = time("2026-11-25T08:00:00Z");
        let t1 = time("2026-11-25T09:00:00Z");
        let missing = diagnostic(
            false,
            Reason::SecretNotFound,
            "Secret chatops/nautobot not found",
            1,
        );
        let first = ready_condition(&missing, None, t0.clone());
        assert_eq!(first.last_transition_time, t0);
        assert_eq!(first.status, ConditionStatus::False);
        assert_eq!(first.reason, "SecretNotFound");

        let other_reason = diagnostic(false, Reason::SecretKeyNotFound, "no key", 1);
        assert_eq!(
            ready_condition(&other_reason, Some(&first), t1.clone()).last_transition_time,
            t0
        );

        let fixed = diagnostic(true, Reason::Accepted, "answers to nautobot", 1);
        let ready = ready_condition(&fixed, Some(&first), t1.clone());
        assert_eq!(
            (ready.status, ready.last_transition_time.clone()),
            (ConditionStatus::True, t1)
        );
        assert_eq!(ready.observed_generation, Some(1));
    }

    #[test]
    fn an_unchanged_verdict_needs_no_write_but_a_new_generation_does() {
        let now = time("2026-11-25T08:00:00Z");
        let accepted = diagnostic(true, Reason::Accepted, "answers to nautobot", 1);
        let written = ready_condition(&accepted, None, now.clone());
        let again = ready_condition(&accepted, Some(&written), time("2026-11-25T10:00:00Z"));
        assert!(is_current(Some(&written), &again));
        assert!(!is_current(None, &again));
        let next_generation = diagnostic(true, Reason::Accepted, "answers to nautobot", 2);
        assert!(!is_current(
            Some(&written),
            &ready_condition(&next_generation, Some(&written), now.clone())
        ));
        let rejected = diagnostic(false, Reason::CommandConflict, "taken", 1);
        assert!(!is_current(
            Some(&written),
            &ready_condition(&rejected, Some(&written), now)
        ));
    }

    #[test]
    fn the_patch_carries_only_the_operators_fields() {
        let accepted = diagnostic(true, Reason::Accepted, "answers to nautobot", 4);
        let condition = ready_condition(&accepted, None, time("2026-11-25T08:00:00Z"));
        let patch = status_patch(&accepted, &condition);
        assert_eq!(patch["apiVersion"], "chatops.dev/v1alpha1");
        assert_eq!(patch["kind"], "Integration");
        assert_eq!(patch["status"]["observedGeneration"], 4);
        assert_eq!(patch["status"]["conditions"][0]["type"], "Ready");
        assert_eq!(patch["status"]["conditions"][0]["status"], "True");
        assert_eq!(
            patch["status"]["conditions"][0]["lastTransitionTime"],
            "2026-11-25T08:00:00Z"
        );
        assert!(patch.get("spec").is_none() && patch.get("metadata").is_none());
    }
}
