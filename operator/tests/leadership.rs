//! Two replicas of the operator's main loop against one fake API server:
//! only the leader writes, and when leadership moves, so do the writes.

#[allow(dead_code, reason = "each test binary uses some of the objects")]
mod objects;

use std::{sync::Arc, time::Duration};

use chatops_operator::{
    controller::{self, Health},
    leader::Leadership,
};
use chatops_testkit::fake_kube::{FakeApi, chatops, core};
use objects::{TARGET, gateway_config, operator_settings, user_grant, with_slack};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

const EVENTS: &str = "/apis/events.k8s.io/v1/namespaces/chatops/events";

fn has_grant(fake: &FakeApi, name: &str) -> bool {
    gateway_config(fake).is_some_and(|config| {
        serde_json::to_value(&config.grants)
            .unwrap()
            .to_string()
            .contains(&format!("\"{name}\""))
    })
}

fn is_ready(fake: &FakeApi, grant: &str) -> bool {
    fake.get(&chatops("accessgrants"), grant).is_some_and(|object| {
        object["status"]["conditions"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
    })
}

/// Waits until the grant `name` is in the ConfigMap, then Ready.
async fn rendered_and_ready(fake: &FakeApi, name: &str) {
    let rendered = format!("{name} in the ConfigMap");
    fake.eventually(&rendered, |fake| has_grant(fake, name).then_some(()))
        .await;
    let ready = format!("{name} Ready");
    fake.eventually(&ready, |fake| is_ready(fake, name).then_some(()))
        .await;
}

/// The Events recorded about an AccessGrant, by reporting instance.
fn events_about(fake: &FakeApi, grant: &str) -> Vec<String> {
    fake.list(EVENTS)
        .iter()
        .filter(|event| event["regarding"]["kind"] == "AccessGrant" && event["regarding"]["name"] == grant)
        .map(|event| event["reportingInstance"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The writes from index `from` on, as `CLIENT METHOD URI`.
fn writes_since(fake: &FakeApi, from: usize) -> Vec<String> {
    fake.writes()[from..]
        .iter()
        .map(|w| format!("{} {} {}", w.client.as_deref().unwrap_or("?"), w.method, w.uri))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_replicas_only_the_leader_writes_and_the_writes_follow_the_lease() {
    let fake = &with_slack().await;
    fake.put(&chatops("accessgrants"), user_grant("alice", "U00001"));

    let (lead_a, leadership_a) = watch::channel(true);
    let (lead_b, leadership_b) = watch::channel(false);
    let shutdown = CancellationToken::new();
    let run_a = controller::run(
        fake.client_named("a"),
        operator_settings("replica-a"),
        Leadership::from_channel(leadership_a),
        Arc::new(Health::default()),
        shutdown.clone(),
    );
    let health_b = Arc::new(Health::default());
    let run_b = controller::run(
        fake.client_named("b"),
        operator_settings("replica-b"),
        Leadership::from_channel(leadership_b),
        health_b.clone(),
        shutdown.clone(),
    );

    let test = async {
        // A leads: it renders the initial state; B, a warm standby, writes nothing.
        // A's first ConfigMap.
        rendered_and_ready(fake, "alice").await;
        fake.eventually("an Event about alice", |fake| {
            (!events_about(fake, "alice").is_empty()).then_some(())
        })
        .await;
        assert!(
            health_b.synced.load(std::sync::atomic::Ordering::Relaxed),
            "the follower's watches list too"
        );
        let before_flip = fake.settled(Duration::from_millis(600)).await;
        let by_b: Vec<String> = writes_since(fake, 0)
            .into_iter()
            .filter(|w| !w.starts_with("a "))
            .collect();
        assert!(by_b.is_empty(), "writes not from the leader A: {by_b:#?}");
        assert_eq!(events_about(fake, "alice"), ["replica-a"]);

        // Nobody leads (A lost the lease, B has not got it yet): a change is
        // seen by both and written by neither.
        lead_a.send(false).unwrap();
        fake.put(&chatops("accessgrants"), user_grant("bob", "U00002"));
        // A negative check: nothing signals that no replica will write, so
        // give them longer than the debounce to do what they must not.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let between = writes_since(fake, before_flip);
        assert!(between.is_empty(), "writes while nobody leads: {between:#?}");
        assert!(!has_grant(fake, "bob"));

        // B takes over: it re-renders what it sees, bob included.
        lead_b.send(true).unwrap();
        rendered_and_ready(fake, "bob").await;
        fake.put(&chatops("accessgrants"), user_grant("carol", "U00003"));
        rendered_and_ready(fake, "carol").await;
        fake.eventually("Events about bob and carol", |fake| {
            (!events_about(fake, "bob").is_empty() && !events_about(fake, "carol").is_empty()).then_some(())
        })
        .await;
        fake.settled(Duration::from_millis(600)).await;

        let after_flip = writes_since(fake, before_flip);
        assert!(!after_flip.is_empty());
        let by_a: Vec<&String> = after_flip.iter().filter(|w| !w.starts_with("b ")).collect();
        assert!(by_a.is_empty(), "writes not from the new leader B: {by_a:#?}");
        assert!(
            after_flip
                .iter()
                .any(|w| w.starts_with(&format!("b PATCH {}/{TARGET}?", core("configmaps")))),
            "B applied the ConfigMap: {after_flip:#?}"
        );
        assert_eq!(events_about(fake, "bob"), ["replica-b"]);
        assert_eq!(events_about(fake, "carol"), ["replica-b"]);
        let config = gateway_config(fake).unwrap();
        assert!(config.platforms.contains_key("slack"));
        assert!(has_grant(fake, "alice"), "the new leader keeps what was there");

        shutdown.cancel();
    };
    let (a, b, ()) = tokio::time::timeout(Duration::from_secs(14), async {
        tokio::join!(run_a, run_b, test)
    })
    .await
    .expect("the test and both loops finish");
    assert!(a.is_ok(), "replica A ended with {a:?}");
    assert!(b.is_ok(), "replica B ended with {b:?}");
}
