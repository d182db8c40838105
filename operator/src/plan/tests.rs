use chatops_crds::{ConditionStatus, Kind, Reason};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::*;
use crate::fixtures::{nautobot_integration, secret, slack_platform, user_grant, with_ready};

fn now() -> Time {
    Time("2026-11-25T08:00:00Z".parse().unwrap())
}

fn target() -> Target {
    Target {
        namespace: "chatops".into(),
        name: "chatops-gateway".into(),
    }
}

fn slack_secret() -> k8s_openapi::api::core::v1::Secret {
    secret("slack", &[("signing-secret", "s3cret"), ("bot-token", "xoxb-1")])
}

fn snapshot(
    objects: &[(Kind, kube::api::DynamicObject)],
    secrets: Vec<k8s_openapi::api::core::v1::Secret>,
) -> Snapshot {
    Snapshot::build(objects.iter().map(|(k, o)| (*k, o)), secrets)
}

fn plan_for(snapshot: &Snapshot, applied: Option<&Applied>) -> Plan {
    plan(snapshot, &compile(snapshot), applied, &target(), &now()).unwrap()
}

/// The objects as they are stored once `plan`'s conditions were written.
fn after(objects: &[(Kind, kube::api::DynamicObject)], plan: &Plan) -> Vec<(Kind, kube::api::DynamicObject)> {
    objects
        .iter()
        .cloned()
        .map(|(kind, object)| {
            let written = plan.statuses.iter().find(|w| {
                w.diagnostic.object.kind == kind
                    && Some(&w.diagnostic.object.name) == object.metadata.name.as_ref()
            });
            match written {
                Some(w) => with_ready((kind, object), &w.condition),
                None => (kind, object),
            }
        })
        .collect()
}

#[test]
fn the_first_cycle_applies_the_config_and_marks_every_resource() {
    let objects = [slack_platform(), user_grant("alice", "U1")];
    let plan = plan_for(&snapshot(&objects, vec![slack_secret()]), None);

    let apply = plan.apply.as_ref().expect("a first render is applied");
    assert_eq!(apply.applied.config.grants.len(), 1);
    assert_eq!(plan.statuses.len(), 2);
    assert!(
        plan.statuses
            .iter()
            .all(|w| w.condition.status == ConditionStatus::True)
    );
    let reasons: Vec<&str> = plan.events.iter().map(|e| e.event.reason.as_str()).collect();
    assert_eq!(reasons, ["Accepted", "Accepted"]);
    let alice = plan.events.iter().find(|e| e.object.name == "alice").unwrap();
    assert_eq!(alice.uid.as_deref(), Some("uid-alice"));
    assert_eq!(
        apply.event.1.note,
        "configuration chatops/chatops-gateway rendered: 1 grant added; platform slack added; \
         secret chatplatform.chatops.slack.bot-token added; secret chatplatform.chatops.slack.signing-secret added"
    );
    // The ConfigMap carries its own announcement, for an operator restarted
    // before it told it: the same Event, by the same name.
    assert_eq!(
        announced_by(&apply.rendered.config_map, &target()),
        Some(apply.event.clone())
    );
}

#[test]
fn an_event_is_named_by_the_change_it_tells() {
    let objects = [slack_platform(), user_grant("alice", "U1")];
    let plan = plan_for(&snapshot(&objects, vec![slack_secret()]), None);
    let again = plan_for(&snapshot(&objects, vec![slack_secret()]), None);
    let names = |plan: &Plan| -> Vec<String> { plan.events.iter().map(|e| e.name.clone()).collect() };
    assert_eq!(names(&plan), names(&again), "the same change, the same names");
    assert_eq!(
        plan.apply.as_ref().unwrap().event.0,
        again.apply.as_ref().unwrap().event.0
    );
    let alice = |plan: &Plan| {
        plan.events
            .iter()
            .find(|e| e.object.name == "alice")
            .unwrap()
            .name
            .clone()
    };
    assert!(alice(&plan).starts_with("alice."), "{:?}", names(&plan));

    // The object stored at another version (its status was written, then a
    // change came back to Accepted): another Event.
    let mut moved = objects.clone();
    moved[1].1.metadata.resource_version = Some("99".into());
    let later = plan_for(&snapshot(&moved, vec![slack_secret()]), None);
    assert_ne!(alice(&later), alice(&plan));
}

#[test]
fn a_cycle_that_finds_nothing_new_writes_nothing() {
    let objects = [slack_platform(), user_grant("alice", "U1")];
    let first = plan_for(&snapshot(&objects, vec![slack_secret()]), None);
    let applied = first.apply.as_ref().unwrap().applied.clone();

    let second = plan_for(
        &snapshot(&after(&objects, &first), vec![slack_secret()]),
        Some(&applied),
    );
    assert!(second.is_empty(), "{second:?}");
}

#[test]
fn a_changed_secret_value_is_applied_without_touching_statuses() {
    let objects = [slack_platform()];
    let first = plan_for(&snapshot(&objects, vec![slack_secret()]), None);
    let applied = first.apply.as_ref().unwrap().applied.clone();

    let rotated = secret("slack", &[("signing-secret", "new"), ("bot-token", "xoxb-1")]);
    let second = plan_for(&snapshot(&after(&objects, &first), vec![rotated]), Some(&applied));
    let apply = second.apply.expect("a new Secret");
    assert_eq!(
        apply.change.to_string(),
        "secret chatplatform.chatops.slack.signing-secret rotated",
        "says which value, never the value"
    );
    assert_eq!(
        apply.applied.config_hash, applied.config_hash,
        "the config itself is unchanged"
    );
    assert!(second.statuses.is_empty() && second.events.is_empty());
}

#[test]
fn a_missing_secret_marks_only_its_resource_not_ready_with_a_warning() {
    let objects = [
        slack_platform(),
        nautobot_integration("nautobot", "nautobot", "nautobot", "2026-11-02T00:00:00Z"),
    ];
    let plan = plan_for(&snapshot(&objects, vec![slack_secret()]), None);
    let integration = plan
        .statuses
        .iter()
        .find(|w| w.diagnostic.object.kind == Kind::Integration)
        .unwrap();
    assert_eq!(integration.condition.status, ConditionStatus::False);
    assert_eq!(integration.condition.reason, "SecretNotFound");
    let warning = plan
        .events
        .iter()
        .find(|e| e.object.kind == Kind::Integration)
        .unwrap();
    assert_eq!(warning.event.type_, EventType::Warning);
    assert_eq!(warning.event.reason, "SecretNotFound");
    assert!(plan.apply.unwrap().applied.config.integrations.is_empty());
}

#[test]
fn of_two_integrations_claiming_one_command_the_older_keeps_it() {
    let objects = [
        slack_platform(),
        nautobot_integration("nautobot-new", "nautobot", "nautobot", "2026-11-20T00:00:00Z"),
        nautobot_integration("nautobot", "nautobot", "nautobot", "2026-11-02T00:00:00Z"),
    ];
    let secrets = vec![slack_secret(), secret("nautobot", &[("token", "t")])];
    let plan = plan_for(&snapshot(&objects, secrets), None);

    let verdict = |name: &str| {
        plan.statuses
            .iter()
            .find(|w| w.diagnostic.object.name == name)
            .map(|w| (w.condition.status, w.diagnostic.reason))
            .unwrap()
    };
    assert_eq!(verdict("nautobot"), (ConditionStatus::True, Reason::Accepted));
    assert_eq!(
        verdict("nautobot-new"),
        (ConditionStatus::False, Reason::CommandConflict)
    );
    let conflict = plan
        .events
        .iter()
        .find(|e| e.object.name == "nautobot-new")
        .unwrap();
    assert!(
        conflict.event.note.contains("chatops/nautobot"),
        "{}",
        conflict.event.note
    );
}

#[test]
fn what_an_existing_config_map_holds_is_read_back_exactly() {
    let objects = [slack_platform(), user_grant("alice", "U1")];
    let snapshot = snapshot(&objects, vec![slack_secret()]);
    let first = plan_for(&snapshot, None);
    let apply = first.apply.unwrap();
    // All but the values' digests, which only the Secret can give back.
    assert_eq!(
        Applied::from_config_map(&apply.rendered.config_map),
        Some(Applied {
            secret_digests: None,
            ..apply.applied.clone()
        })
    );
    // So an operator that restarts finds nothing to apply.
    assert!(plan_for(&snapshot, Some(&apply.applied)).apply.is_none());
    // A ConfigMap someone else wrote is simply overwritten.
    assert_eq!(Applied::from_config_map(&Default::default()), None);
}
