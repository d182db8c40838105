//! The operator's main loop (`controller::run`) against a fake API server:
//! watches, debounced renders and the writes they make.

#[allow(dead_code, reason = "each test binary uses some of the objects")]
mod objects;

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use chatops_operator::{
    controller::{self, Health, Settings},
    leader::Leadership,
};
use chatops_testkit::fake_kube::{FakeApi, chatops, core};
use objects::{
    TARGET, gateway_config, nautobot_integration, operator_settings, secret, user_grant, with_slack,
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// Runs the operator's loop against `fake` while `test` runs, then shuts it
/// down and checks it stopped cleanly. `run`'s future is not provably `Send`
/// (rustc's higher-ranked lifetime limitation), so it is not spawned: it is
/// polled alongside the test, as `serve::run` does.
async fn with_loop<F, Fut>(fake: &FakeApi, test: F)
where
    F: FnOnce(Arc<Health>) -> Fut,
    Fut: Future<Output = ()>,
{
    // One replica, without an instance name, and a slower debounce.
    let settings = Settings {
        quiet: Duration::from_millis(200),
        max_delay: Duration::from_secs(2),
        instance: None,
        ..operator_settings("")
    };
    let health = Arc::new(Health::default());
    let shutdown = CancellationToken::new();
    let run = controller::run(
        fake.client(),
        settings,
        Leadership::always(),
        health.clone(),
        shutdown.clone(),
    );
    let test = async {
        test(health).await;
        shutdown.cancel();
    };
    let (result, ()) = tokio::time::timeout(Duration::from_secs(20), async { tokio::join!(run, test) })
        .await
        .expect("the test and the loop finish");
    assert!(result.is_ok(), "the loop ended with {result:?}");
}

/// The stored `Ready` condition of an object.
/// Waits for the Ready condition of `plural`/`name`, and asserts it is False for `reason`.
async fn assert_rejected(fake: &FakeApi, plural: &str, name: &str, reason: &str) {
    let what = format!("{plural}/{name} rejected");
    let condition = fake.eventually(&what, |fake| ready(fake, plural, name)).await;
    assert_eq!(condition["status"], "False", "{condition}");
    assert_eq!(condition["reason"], reason, "{condition}");
}

fn ready(fake: &FakeApi, plural: &str, name: &str) -> Option<Value> {
    let object = fake.get(&chatops(plural), name)?;
    object["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready")
        .cloned()
}

fn config_map_applies(fake: &FakeApi) -> usize {
    let path = format!("{}/{TARGET}?", core("configmaps"));
    fake.writes()
        .iter()
        .filter(|w| w.method == "PATCH" && w.uri.starts_with(&path) && w.body["kind"] == "ConfigMap")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_grants_synced_at_once_are_rendered_in_few_applies() {
    let fake = &with_slack().await;
    with_loop(fake, |health| async move {
        fake.eventually("the first ConfigMap", |fake| {
            gateway_config(fake).filter(|config| config.platforms.contains_key("slack"))
        })
        .await;
        assert!(health.synced.load(Ordering::Relaxed));
        let before = config_map_applies(fake);
        assert_eq!(before, 1, "one apply for the initial state");

        for i in 0..500 {
            fake.put(
                &chatops("accessgrants"),
                user_grant(&format!("grant-{i:03}"), &format!("U{i:05}")),
            );
        }
        fake.eventually("500 grants in the ConfigMap", |fake| {
            gateway_config(fake).filter(|config| config.grants.len() >= 500)
        })
        .await;
        fake.eventually("every grant Ready", |fake| {
            let grants = fake.list(&chatops("accessgrants"));
            let all_ready = grants.len() == 500
                && grants.iter().all(|grant| {
                    grant["status"]["conditions"]
                        .as_array()
                        .is_some_and(|c| c.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
                });
            all_ready.then_some(())
        })
        .await;
        let config = gateway_config(fake).unwrap();
        assert_eq!(config.grants.len(), 500);
        let applies = config_map_applies(fake) - before;
        println!("ConfigMap applies for the 500-grant sync: {applies}");
        assert!(applies <= 4, "{applies} ConfigMap applies for one sync");

        // Each grant's first verdict is recorded as an Event, after the statuses.
        fake.eventually("an Event for every grant", |fake| {
            let events = fake.list("/apis/events.k8s.io/v1/namespaces/chatops/events");
            let on_grants = events
                .iter()
                .filter(|event| event["regarding"]["kind"] == "AccessGrant")
                .count();
            (on_grants >= 500).then_some(())
        })
        .await;

        // Nothing changed any more: the loop writes nothing. A negative check
        // with no signal of idleness to wait on, so it gives the loop a second
        // (its longest debounce) to write what it should not.
        let settled = fake.writes().len();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let late: Vec<String> = fake.writes()[settled..]
            .iter()
            .map(|w| format!("{} {}", w.method, w.uri))
            .collect();
        assert!(late.is_empty(), "writes after settling: {late:#?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_created_after_its_integration_is_picked_up() {
    let fake = &FakeApi::start().await;
    fake.put(
        &chatops("integrations"),
        nautobot_integration("nautobot", "nautobot", "nautobot"),
    );
    with_loop(fake, |_| async move {
        assert_rejected(fake, "integrations", "nautobot", "SecretNotFound").await;
        let config = gateway_config(fake).expect("a ConfigMap");
        assert!(config.integrations.is_empty());

        fake.put(&core("secrets"), secret("nautobot", &[("token", "t0ken")]));
        fake.eventually("the Integration Ready", |fake| {
            ready(fake, "integrations", "nautobot").filter(|c| c["status"] == "True")
        })
        .await;
        let config = fake
            .eventually("the integration in the ConfigMap", |fake| {
                gateway_config(fake).filter(|config| config.integrations.contains_key("nautobot"))
            })
            .await;
        assert_eq!(config.integrations.len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_object_does_not_stall_the_others() {
    let fake = &with_slack().await;
    with_loop(fake, |_| async move {
        fake.eventually("the first ConfigMap", gateway_config).await;

        let mut bad = user_grant("bad", "U1");
        bad["spec"]["command"] = json!(42);
        fake.put(&chatops("accessgrants"), bad);
        fake.put(&chatops("accessgrants"), user_grant("good", "U2"));

        fake.eventually("the good grant rendered", |fake| {
            gateway_config(fake).filter(|config| config.grants.len() == 1)
        })
        .await;
        let good = fake
            .eventually("the good grant Ready", |fake| ready(fake, "accessgrants", "good"))
            .await;
        assert_eq!(good["status"], "True", "{good}");
        assert_rejected(fake, "accessgrants", "bad", "Invalid").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_only_once_the_watches_listed() {
    let fake = &FakeApi::start().await;
    let health = Arc::new(Health::default());
    let readyz = |health: Arc<Health>| async move {
        use tower::ServiceExt;
        let request = http::Request::get("/readyz")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = chatops_operator::admin::admin_router(health)
            .oneshot(request)
            .await
            .unwrap();
        response.status()
    };
    assert_eq!(
        readyz(health.clone()).await,
        http::StatusCode::SERVICE_UNAVAILABLE
    );

    with_loop(fake, |health| async move {
        fake.eventually("the watches synced", |_| {
            health.synced.load(Ordering::Relaxed).then_some(())
        })
        .await;
        assert_eq!(readyz(health.clone()).await, http::StatusCode::OK);
    })
    .await;
}
