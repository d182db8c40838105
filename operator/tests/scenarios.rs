//! The operator's failure paths, against a fake API server that behaves like
//! the real one for what the operator uses (see `chatops_testkit::fake_kube`): a crash between
//! any two writes, a refusal of each write, deletes of each kind, a restart of
//! the API server mid-watch (410 and a relist), paging, and leader election on
//! a real Lease. Each checks what a person would: the gateway's ConfigMap,
//! the statuses, every Event told exactly once, `/readyz` and the metrics.

#[allow(dead_code, reason = "each test binary uses some of the objects")]
mod objects;

use std::{collections::BTreeMap, future::Future, sync::Arc, time::Duration};

use axum::http::{Method, StatusCode};
use chatops_operator::{
    controller::{self, Health},
    leader::{Election, Leadership, LeaseSettings},
};
use chatops_testkit::{
    fake_kube::{FakeApi, Fault, chatops, core},
    wait,
};
use objects::{
    TARGET, gateway_config, nautobot_integration, operator_settings, secret, slack_platform, slack_secret,
    stored, user_grant, with_slack,
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const EVENTS: &str = "/apis/events.k8s.io/v1/namespaces/chatops/events";

/// Runs an operator (always the leader) against `fake` until `until` ends,
/// then drops it where it stands: mid-request, as a killed process stops.
async fn run_until<T>(fake: &FakeApi, health: Arc<Health>, until: impl Future<Output = T>) -> T {
    let run = controller::run(
        fake.client(),
        operator_settings("operator-0"),
        Leadership::always(),
        health,
        CancellationToken::new(),
    );
    let raced = async {
        tokio::select! {
            result = run => panic!("the operator's loop ended: {result:?}"),
            out = until => out,
        }
    };
    tokio::time::timeout(Duration::from_secs(30), raced)
        .await
        .expect("the scenario finishes in time")
}

/// A slack platform, two grants, a Nautobot integration, an account link and their Secrets.
fn seed(fake: &FakeApi) {
    fake.put(&core("secrets"), slack_secret());
    fake.put(&core("secrets"), secret("nautobot", &[("token", "0123abcd")]));
    fake.put(&chatops("chatplatforms"), slack_platform());
    fake.put(&chatops("accessgrants"), user_grant("alice", "U00001"));
    fake.put(&chatops("accessgrants"), user_grant("bob", "U00002"));
    fake.put(
        &chatops("integrations"),
        nautobot_integration("nautobot", "nautobot", "nautobot"),
    );
    fake.put(&chatops("accountlinks"), account_link());
}

fn account_link() -> Value {
    stored(
        "AccountLink",
        "alice",
        json!({"platform": "slack", "chatUserId": "U00001", "user": "alice",
            "tokens": [{"integration": "nautobot", "tokenRef": {"name": "nautobot", "key": "token"}}]}),
    )
}

/// Every seeded resource, as `(plural, name)`.
const SEEDED: [(&str, &str); 5] = [
    ("chatplatforms", "slack"),
    ("accessgrants", "alice"),
    ("accessgrants", "bob"),
    ("integrations", "nautobot"),
    ("accountlinks", "alice"),
];

/// The stored `Ready` condition's status and reason.
fn ready(fake: &FakeApi, plural: &str, name: &str) -> Option<(String, String)> {
    let object = fake.get(&chatops(plural), name)?;
    let condition = object["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready")?
        .clone();
    Some((
        condition["status"].as_str()?.to_owned(),
        condition["reason"].as_str()?.to_owned(),
    ))
}

/// Whether every seeded resource is Ready and the ConfigMap holds them.
fn converged(fake: &FakeApi) -> bool {
    SEEDED
        .iter()
        .all(|(plural, name)| ready(fake, plural, name).is_some_and(|(status, _)| status == "True"))
        && gateway_config(fake)
            .is_some_and(|c| c.grants.len() == 2 && c.integrations.contains_key("nautobot"))
}

/// `KIND/NAME REASON` of `event`.
fn event_line(event: &Value) -> String {
    format!(
        "{}/{} {}",
        event["regarding"]["kind"].as_str().unwrap_or("?"),
        event["regarding"]["name"].as_str().unwrap_or("?"),
        event["reason"].as_str().unwrap_or("?"),
    )
}

/// How often `event` was told: once, or as often as its series counts.
fn times_told(event: &Value) -> i64 {
    event["series"]["count"].as_i64().unwrap_or(1)
}

/// The Events as a story: `KIND/NAME REASON` with how often each was told
/// (created, or repeated in a series).
fn story(fake: &FakeApi) -> BTreeMap<String, i64> {
    let mut story = BTreeMap::new();
    for event in fake.list(EVENTS) {
        *story.entry(event_line(&event)).or_default() += times_told(&event);
    }
    story
}

/// The Events told more than once: the same object, reason and note twice,
/// or repeated in a series.
fn repeats(fake: &FakeApi) -> Vec<String> {
    let mut seen = BTreeMap::<String, i64>::new();
    for event in fake.list(EVENTS) {
        let line = format!(
            "{}: {}",
            event_line(&event),
            event["note"].as_str().unwrap_or("?")
        );
        *seen.entry(line).or_default() += times_told(&event);
    }
    seen.into_iter()
        .filter(|(_, told)| *told > 1)
        .map(|(line, told)| format!("{line} ×{told}"))
        .collect()
}

/// How often an Event of `reason` about `KIND/NAME` was told.
fn told(fake: &FakeApi, about: &str, reason: &str) -> i64 {
    story(fake)
        .get(&format!("{about} {reason}"))
        .copied()
        .unwrap_or(0)
}

/// Waits until `check` holds, for up to `patience`.
async fn within(patience: Duration, what: &str, check: impl Fn() -> bool) {
    wait::until(patience, what, || check().then_some(())).await;
}

async fn converge(fake: &FakeApi) -> usize {
    fake.eventually("every resource Ready and rendered", |fake| {
        converged(fake).then_some(())
    })
    .await;
    fake.settled(Duration::from_millis(500)).await
}

#[tokio::test]
async fn a_crash_between_any_two_writes_loses_no_event_and_tells_none_twice() {
    // Once without a crash: how many writes a first render makes, and the story it tells.
    let reference = FakeApi::start().await;
    seed(&reference);
    let writes = run_until(&reference, Arc::default(), converge(&reference)).await;
    let expected = story(&reference);
    assert_eq!(expected.get("ConfigMap/chatops-gateway Rendered"), Some(&1));
    assert_eq!(expected.len(), 6, "{expected:#?}");
    assert!(expected.values().all(|told| *told == 1), "{expected:#?}");
    assert!(writes >= 2 + 6 + 5, "{writes} writes");

    // Then killed after each write in turn, and started again.
    for crash_after in 0..writes {
        let fake = FakeApi::start().await;
        seed(&fake);
        let held = fake.hold_writes_after(crash_after);
        run_until(&fake, Arc::default(), held).await;
        fake.release();
        run_until(&fake, Arc::default(), converge(&fake)).await;
        assert_eq!(
            story(&fake),
            expected,
            "killed after write {crash_after} ({}), then restarted",
            fake.writes()
                .last()
                .map(|w| format!("{} {}", w.method, w.uri))
                .unwrap_or_default()
        );
    }
}

/// One refused write, its expectations, and what the operator makes of it.
struct Refusal {
    fault: Fault,
    /// The `write` label of `chatops_operator_write_failures_total`.
    label: &'static str,
    /// Whether the operator can tell it as an Event on its own object.
    told: bool,
}

#[tokio::test]
async fn each_refused_write_is_counted_told_once_retried_and_recovered() {
    let refusals = [
        Refusal {
            fault: Fault::forbidden(Method::PATCH, &format!("/secrets/{TARGET}")),
            label: "secret",
            told: true,
        },
        Refusal {
            fault: Fault::forbidden(Method::PATCH, &format!("/configmaps/{TARGET}")),
            label: "config_map",
            told: true,
        },
        // A stale write, as the API server answers one.
        Refusal {
            fault: Fault::new(
                Some(Method::PATCH),
                &format!("/configmaps/{TARGET}"),
                StatusCode::CONFLICT,
            ),
            label: "config_map",
            told: true,
        },
        Refusal {
            fault: Fault::forbidden(Method::PATCH, "/accessgrants/alice").on_status(),
            label: "status",
            told: true,
        },
        Refusal {
            fault: Fault::forbidden(Method::POST, "/events"),
            label: "event",
            told: false,
        },
    ];
    // Side by side: each has its own API server and operator.
    let scenarios = refusals.into_iter().map(|refusal| async move {
        let fake = FakeApi::start().await;
        seed(&fake);
        let fault = fake.fail(refusal.fault.clone());
        let health = Arc::new(Health::default());
        let what = format!("{:?}", refusal.fault);
        // One operator throughout: it fails, then recovers.
        run_until(&fake, health.clone(), async {
            // Retried after 1 s and 2 s: three attempts in 3.5 s. A window,
            // not a wait: the bounds below say the backoff was kept.
            tokio::time::sleep(Duration::from_millis(3500)).await;
            let (refused, metrics, failing_story) =
                (fake.refused_by(fault), health.metrics.encode(), story(&fake));
            // The first try, the one after the statuses came back through the
            // watch (the Events), then after 1 s and 2 s.
            assert!(
                (2..=5).contains(&refused),
                "{what}: retried with backoff, {refused} tries"
            );
            let counter = format!(
                "chatops_operator_write_failures_total{{write=\"{}\"}} ",
                refusal.label
            );
            let counted: usize = metrics
                .lines()
                .find_map(|line| line.strip_prefix(&counter))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{what}: no {counter} in {metrics}"));
            // A retry may be on its way back when the fake has counted it.
            assert!(
                counted == refused || counted + 1 == refused,
                "{what}: {counted} counted, {refused} refused"
            );
            assert!(
                metrics.contains("chatops_operator_failing_writes 1"),
                "{what}: {metrics}"
            );
            let failed_told = failing_story
                .get("ConfigMap/chatops-gateway WriteFailed")
                .copied()
                .unwrap_or(0);
            assert_eq!(failed_told, i64::from(refusal.told), "{what}: {failing_story:#?}");
            assert!(
                failing_story.values().all(|told| *told == 1),
                "{what}: nothing told twice while retrying: {failing_story:#?}"
            );

            // Healed: the next retry converges and the story ends well.
            fake.unfail(fault);
            converge(&fake).await;
            fake.eventually("every Event told", |fake| {
                (story(fake)
                    .keys()
                    .filter(|line| line.ends_with(" Accepted"))
                    .count()
                    == SEEDED.len()
                    && told(fake, "ConfigMap/chatops-gateway", "Rendered") == 1)
                    .then_some(())
            })
            .await;
            if refusal.told {
                fake.eventually("WriteRecovered", |fake| {
                    (told(fake, "ConfigMap/chatops-gateway", "WriteRecovered") == 1).then_some(())
                })
                .await;
            }
            within(Duration::from_secs(10), "no write failing", || {
                health
                    .metrics
                    .encode()
                    .contains("chatops_operator_failing_writes 0")
            })
            .await;
        })
        .await;
        let story = story(&fake);
        for (plural, name) in SEEDED {
            let kind = fake.get(&chatops(plural), name).unwrap()["kind"].clone();
            let about = format!("{}/{name}", kind.as_str().unwrap());
            assert_eq!(told(&fake, &about, "Accepted"), 1, "{what}: {story:#?}");
        }
        assert_eq!(
            told(&fake, "ConfigMap/chatops-gateway", "Rendered"),
            1,
            "{what}: {story:#?}"
        );
    });
    futures::future::join_all(scenarios).await;
}

#[tokio::test]
async fn deleting_each_kind_and_a_secret_reaches_the_gateway() {
    let fake = FakeApi::start().await;
    seed(&fake);
    run_until(&fake, Arc::default(), async {
        converge(&fake).await;
        let config = || gateway_config(&fake).unwrap();
        assert_eq!(config().account_links.len(), 1);

        // Each deletion, in turn, and what shows it reached the gateway.
        type Gone<'a> = Box<dyn Fn(&FakeApi) -> bool + 'a>;
        let deletions: [(String, &str, &str, Gone<'_>); 5] = [
            (
                chatops("accessgrants"),
                "bob",
                "bob's grant gone",
                Box::new(|_: &FakeApi| config().grants.len() == 1),
            ),
            (
                chatops("accountlinks"),
                "alice",
                "the link gone",
                Box::new(|_: &FakeApi| config().account_links.is_empty()),
            ),
            (
                core("secrets"),
                "nautobot",
                "the integration without its Secret",
                Box::new(|fake: &FakeApi| {
                    ready(fake, "integrations", "nautobot")
                        == Some(("False".to_owned(), "SecretNotFound".to_owned()))
                }),
            ),
            (
                chatops("integrations"),
                "nautobot",
                "the integration gone",
                Box::new(|_: &FakeApi| config().integrations.is_empty()),
            ),
            (
                chatops("chatplatforms"),
                "slack",
                "the platform gone",
                Box::new(|_: &FakeApi| config().platforms.is_empty()),
            ),
        ];
        for (collection, name, what, gone) in deletions {
            fake.delete(&collection, name)
                .unwrap_or_else(|| panic!("{name} existed"));
            fake.eventually(what, |fake| gone(fake).then_some(())).await;
        }
        fake.settled(Duration::from_millis(500)).await;
    })
    .await;
    let story = story(&fake);
    assert_eq!(
        told(&fake, "Integration/nautobot", "SecretNotFound"),
        1,
        "{story:#?}"
    );
    assert!(
        told(&fake, "ConfigMap/chatops-gateway", "Rendered") >= 4,
        "a render per change: {story:#?}"
    );
    assert_eq!(repeats(&fake), Vec::<String>::new());
    // Nothing was written to the deleted objects after they went.
    let config_maps = format!("{}/{TARGET}", core("configmaps"));
    let last = fake
        .writes()
        .into_iter()
        .rev()
        .find(|w| w.uri.starts_with(&config_maps));
    assert!(last.is_some_and(|w| w.status.is_success()));
}

#[tokio::test]
async fn an_api_server_restart_mid_watch_is_not_ready_meanwhile_and_relisted_after() {
    let fake = FakeApi::start().await;
    seed(&fake);
    let health = Arc::new(Health::default());
    run_until(&fake, health.clone(), async {
        converge(&fake).await;
        assert_eq!(health.not_ready(), None);
        assert!(fake.open_watches() >= 5);

        // Down for a second, and its history gone: a resuming watch gets 410.
        fake.restart_for(Duration::from_secs(1));
        // A change made meanwhile (by another client of etcd, as it were).
        fake.delete(&chatops("accessgrants"), "bob").unwrap();
        let why = fake
            .eventually("/readyz failing while the watches fail", |_| health.not_ready())
            .await;
        assert!(why.starts_with("watches failing: "), "{why}");
        assert!(why.contains("in chatops (failing for"), "{why}");

        // Back: the watches relist (410 Gone), see bob gone, and ready again.
        // kube's watcher backs off (0.8 s doubling, with jitter, the 410
        // counting as one more error), hence the patience.
        within(
            Duration::from_secs(25),
            "bob's grant gone after the relist",
            || gateway_config(&fake).is_some_and(|c| c.grants.len() == 1),
        )
        .await;
        within(Duration::from_secs(25), "ready again", || {
            health.not_ready().is_none()
        })
        .await;
        assert!(fake.refused() > 0, "requests were refused during the restart");
    })
    .await;
    let metrics = health.metrics.encode();
    assert!(
        !metrics.contains("chatops_operator_watch_errors_total 0"),
        "{metrics}"
    );
}

#[tokio::test]
async fn more_objects_than_a_page_are_all_listed() {
    let fake = with_slack().await;
    // kube's watcher lists 500 a page (`limit=500`, then `continue=`): the
    // fake pages as the API server does (fake_api_behaves.rs checks it), so
    // 620 rendered means the operator read past the first page.
    for n in 0..620 {
        fake.put(
            &chatops("accessgrants"),
            user_grant(&format!("user-{n:04}"), &format!("U{n:05}")),
        );
    }
    run_until(&fake, Arc::default(), async {
        fake.eventually("all 620 grants rendered", |fake| {
            gateway_config(fake)
                .is_some_and(|c| c.grants.len() == 620)
                .then_some(())
        })
        .await;
    })
    .await;
}

/// Two operators competing for one Lease through `kube-lease-manager`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_leader_dies_the_other_takes_the_lease_after_it_expires() {
    let fake = FakeApi::start().await;
    seed(&fake);
    let lease = |identity: &str| LeaseSettings {
        namespace: "chatops".to_owned(),
        name: "chatops-operator".to_owned(),
        identity: identity.to_owned(),
        duration: Duration::from_secs(2),
        grace: Duration::from_secs(1),
    };
    let election_a = Election::start(fake.client_named("a"), &lease("replica-a"))
        .await
        .expect("A competes");
    let mut leading_a = election_a.leadership.clone();
    while !leading_a.is_leader() {
        leading_a.changed().await.expect("A's lease manager runs");
    }
    let election_b = Election::start(fake.client_named("b"), &lease("replica-b"))
        .await
        .expect("B competes");
    let leadership_b = election_b.leadership.clone();

    let shutdown = CancellationToken::new();
    let run_b = controller::run(
        fake.client_named("b"),
        operator_settings("replica-b"),
        leadership_b.clone(),
        Arc::default(),
        shutdown.clone(),
    );
    let run_a = controller::run(
        fake.client_named("a"),
        operator_settings("replica-a"),
        election_a.leadership.clone(),
        Arc::default(),
        shutdown.clone(),
    );
    let test = async {
        // A leads and renders; B does not write.
        tokio::select! {
            result = run_a => panic!("A's loop ended: {result:?}"),
            _ = converge(&fake) => {}
        }
        let lease_object = fake
            .get(
                "/apis/coordination.k8s.io/v1/namespaces/chatops/leases",
                "chatops-operator",
            )
            .expect("the Lease");
        assert_eq!(lease_object["spec"]["holderIdentity"], "replica-a");
        assert!(!leadership_b.is_leader());
        let by_b = fake
            .writes()
            .iter()
            .filter(|w| w.client.as_deref() == Some("b") && !w.uri.contains("/leases/"))
            .count();
        assert_eq!(by_b, 0, "the follower writes nothing");

        // A dies without releasing the lease: its loop (dropped above) and
        // its lease manager stop; the lease stays A's until it expires.
        drop(leading_a);
        election_a.abandon();
        let died_at = tokio::time::Instant::now();
        let died = fake.writes().len();
        fake.put(&chatops("accessgrants"), user_grant("carol", "U00003"));
        fake.eventually("B renders carol once the lease expired", |fake| {
            gateway_config(fake)
                .is_some_and(|c| c.grants.len() == 3)
                .then_some(())
        })
        .await;
        assert!(
            died_at.elapsed() >= Duration::from_millis(1000),
            "B waited for A's lease to expire ({:?})",
            died_at.elapsed()
        );
        let lease_object = fake
            .get(
                "/apis/coordination.k8s.io/v1/namespaces/chatops/leases",
                "chatops-operator",
            )
            .unwrap();
        assert_eq!(lease_object["spec"]["holderIdentity"], "replica-b");
        let since: Vec<String> = fake.writes()[died..]
            .iter()
            .filter(|w| !w.uri.contains("/leases/"))
            .map(|w| format!("{:?} {} {}", w.client, w.method, w.uri))
            .collect();
        assert!(
            since.iter().all(|w| w.starts_with("Some(\"b\")")),
            "only B writes after A died: {since:#?}"
        );
        fake.eventually("carol's Event", |fake| {
            (told(fake, "AccessGrant/carol", "Accepted") > 0).then_some(())
        })
        .await;
        fake.settled(Duration::from_millis(500)).await;
        assert_eq!(told(&fake, "AccessGrant/carol", "Accepted"), 1);
        assert_eq!(repeats(&fake), Vec::<String>::new());
        shutdown.cancel();
    };
    let (b, ()) = tokio::time::timeout(Duration::from_secs(20), async { tokio::join!(run_b, test) })
        .await
        .expect("the scenario finishes in time");
    assert!(b.is_ok(), "{b:?}");
    // The manager stops once every copy of its leadership is gone.
    drop(leadership_b);
    election_b.release().await;
}
