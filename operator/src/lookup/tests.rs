//! Tests of `pending`: which resources need a look-up.

use chatops_crds::{Resources, compile};
use serde_json::{Value, json};

use super::*;

pub(crate) fn typed<K: serde::de::DeserializeOwned>(kind: &str, name: &str, spec: Value, status: Value) -> K {
    serde_json::from_value(json!({
        "apiVersion": "chatops.dev/v1alpha1", "kind": kind,
        "metadata": {"name": name, "namespace": "chatops", "uid": format!("uid-{name}"), "generation": 4},
        "spec": spec, "status": status,
    }))
    .expect("a valid object")
}

fn slack_platform(name: &str, secret: &str) -> chatops_crds::ChatPlatform {
    typed(
        "ChatPlatform",
        name,
        json!({"type": "slack", "slack": {
            "signingSecretRef": {"name": secret, "key": "signing-secret"},
            "botTokenRef": {"name": secret, "key": "bot-token"},
        }}),
        json!({}),
    )
}

pub(crate) fn link(name: &str, spec: Value, status: Value) -> AccountLink {
    typed("AccountLink", name, spec, status)
}

/// An AccountLink `name` on `platform` that gives only the email `name@example.com`.
pub(crate) fn by_email(name: &str, platform: &str, status: Value) -> AccountLink {
    let spec = json!({"platform": platform, "email": format!("{name}@example.com"), "user": name});
    link(name, spec, status)
}

pub(crate) fn grant(name: &str, spec: Value, status: Value) -> AccessGrant {
    typed("AccessGrant", name, spec, status)
}

pub(crate) fn resources() -> Resources {
    let secret = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "slack", "namespace": "chatops"},
        "stringData": {"signing-secret": "s", "bot-token": "xoxb-1"},
    }))
    .unwrap();
    Resources {
        // `broken` names a Secret that does not exist: not in the compiled configuration.
        platforms: vec![
            slack_platform("slack", "slack"),
            slack_platform("broken", "missing"),
        ],
        secrets: vec![secret],
        ..Default::default()
    }
}

fn names(lookups: &[Lookup]) -> Vec<(&str, &str)> {
    lookups
        .iter()
        .map(|l| (l.object.kind.as_str(), l.object.name.as_str()))
        .collect()
}

#[test]
fn an_email_without_an_id_needs_a_look_up_and_an_id_in_spec_or_status_does_not() {
    let mut resources = resources();
    let resolved =
        json!({"chatUserId": "U1", "resolvedEmail": "carol@example.com", "resolvedPlatform": "slack"});
    // Alice gives her ID in the spec too.
    let mut alice = by_email("alice", "slack", json!({}));
    alice.spec.chat_user_id = Some("U0".to_owned());
    resources.account_links = vec![
        alice,
        by_email("bob", "slack", json!({})),
        by_email("carol", "slack", resolved),
        by_email("dave", "broken", json!({})),
        by_email("erin", "gone", json!({})),
    ];
    let compiled = compile(&resources);
    let lookups = pending(&resources, &compiled);
    assert_eq!(names(&lookups), [("AccountLink", "bob")]);
    let bob = &lookups[0];
    assert_eq!(bob.query, Query::Email("bob@example.com".to_owned()));
    assert_eq!(bob.platform, "slack");
    assert_eq!(bob.uid.as_deref(), Some("uid-bob"));
    assert_eq!(bob.generation, Some(4));
    assert_eq!(bob.current, None);
}

#[test]
fn a_stale_id_needs_a_new_look_up_and_the_stored_condition_comes_along() {
    let mut resources = resources();
    let condition = json!({"type": "Resolved", "status": "True", "reason": "Resolved",
        "message": "bob@example.com is slack user U1", "lastTransitionTime": "2026-11-25T08:00:00Z"});
    let ready = json!({"type": "Ready", "status": "True", "reason": "Accepted", "message": "",
        "lastTransitionTime": "2026-11-25T08:00:00Z"});
    let stale = json!({"chatUserId": "U1", "resolvedEmail": "bob@example.com", "resolvedPlatform": "slack",
        "conditions": [ready, condition]});
    resources.account_links = vec![link(
        "bob",
        json!({"platform": "slack", "email": "robert@example.com", "user": "bob"}),
        stale,
    )];
    let lookups = pending(&resources, &compile(&resources));
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].query, Query::Email("robert@example.com".to_owned()));
    let current = lookups[0].current.as_ref().expect("the Resolved condition");
    assert_eq!(current.type_, chatops_crds::ConditionType::Resolved);
}

#[test]
fn a_channel_name_needs_a_look_up_until_resolved_for_that_name() {
    let mut resources = resources();
    let spec = |name: &str| json!({"command": "nautobot", "grantType": "channel", "name": "n", "channelName": name, "platform": "slack"});
    let resolved =
        json!({"resolvedValue": "C1", "resolvedChannelName": "#netops", "resolvedPlatform": "slack"});
    resources.grants = vec![
        grant(
            "by-id",
            json!({"command": "nautobot", "grantType": "channel", "name": "n", "value": "C9"}),
            json!({}),
        ),
        grant("netops", spec("#netops"), json!({})),
        grant("resolved", spec("#netops"), resolved.clone()),
        grant("renamed", spec("#neteng"), resolved),
    ];
    let lookups = pending(&resources, &compile(&resources));
    assert_eq!(
        names(&lookups),
        [("AccessGrant", "netops"), ("AccessGrant", "renamed")]
    );
    assert_eq!(lookups[0].query, Query::ChannelName("#netops".to_owned()));
    assert_eq!(lookups[1].query, Query::ChannelName("#neteng".to_owned()));
}
