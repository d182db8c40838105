//! The look-up shell against a mock API server (the `ApiServerVerifier`
//! pattern) and a fake Slack Web API (wiremock).

use std::time::Duration;

use ::http::{Method, StatusCode};
use chatops_crds::{Compiled, Resources, compile};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use super::*;
use crate::{
    fixtures::{ApiServerVerifier, Seen, mock_client},
    lookup::{
        pending, status,
        tests::{by_email, grant, resources},
    },
};

const S: Duration = Duration::from_secs(1);

fn now(instant: Instant) -> Now {
    Now {
        instant,
        time: Time("2026-11-25T08:00:00Z".parse().unwrap()),
    }
}

/// The fake Slack, and look-ups pointed at it.
async fn fake_slack() -> (MockServer, Lookups) {
    let server = MockServer::start().await;
    let bases = ApiBases {
        slack: format!("{}/api", server.uri()),
        ..ApiBases::default()
    };
    (server, Lookups::new(bases).unwrap())
}

fn lookup_by_email(email: &str, reply: Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .and(query_param("email", email))
        .and(header("authorization", "Bearer xoxb-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply))
}

/// Slack's answer for bob@example.com: `U0BOB`.
fn bob_found() -> Mock {
    lookup_by_email("bob@example.com", json!({"ok": true, "user": {"id": "U0BOB"}}))
}

/// What the look-ups write with: a client of the mock API server, and an
/// Event recorder on it.
struct Shell {
    client: Client,
    recorder: EventRecorder,
}

impl Shell {
    /// One `run_due` with the compiled configuration's credentials, at `at`.
    async fn run(
        &self,
        lookups: &mut Lookups,
        pending: Vec<Lookup>,
        compiled: &Compiled,
        at: Instant,
    ) -> Run {
        let (config, secrets) = (&compiled.config, &compiled.secrets);
        lookups
            .run_due(&self.client, &self.recorder, pending, config, secrets, &now(at))
            .await
    }
}

/// The shell, and the mock API server it writes to.
fn mock_api() -> (Shell, ApiServerVerifier) {
    let (client, api) = mock_client();
    let recorder = EventRecorder::new(client.clone(), None);
    (Shell { client, recorder }, api)
}

fn with_bob(mut resources: Resources) -> (Resources, Compiled) {
    resources.account_links = vec![by_email("bob", "slack", json!({}))];
    let compiled = compile(&resources);
    (resources, compiled)
}

/// Answers a status apply as the API server does: with the stored object.
async fn answer_status(api: &mut ApiServerVerifier, kind: &str, name: &str) -> Seen {
    let stored = json!({
        "apiVersion": "chatops.dev/v1alpha1", "kind": kind,
        "metadata": {"name": name, "namespace": "chatops", "uid": format!("uid-{name}")},
    });
    api.answer(StatusCode::OK, Some(stored)).await
}

#[tokio::test]
async fn an_email_resolved_by_slack_is_applied_to_status_with_an_event() {
    let (slack, mut lookups) = fake_slack().await;
    bob_found().expect(1).mount(&slack).await;
    let (resources, compiled) = with_bob(resources());
    let (shell, mut api) = mock_api();
    let t0 = Instant::now();

    let server = tokio::spawn(async move {
        let patch = answer_status(&mut api, "AccountLink", "bob").await;
        assert_eq!(patch.method, Method::PATCH);
        assert_eq!(
            patch.uri,
            "/apis/chatops.dev/v1alpha1/namespaces/chatops/accountlinks/bob/status?&force=true&fieldManager=chatops-operator-lookup"
        );
        assert_eq!(
            patch.content_type.as_deref(),
            Some("application/apply-patch+yaml")
        );
        assert_eq!(
            patch.body,
            status::resolved_patch(
                "AccountLink",
                json!({"chatUserId": "U0BOB", "resolvedEmail": "bob@example.com", "resolvedPlatform": "slack"}),
                "bob@example.com is slack user U0BOB",
                4
            )
        );
        let event = api.ok().await;
        assert_eq!(event.method, Method::POST);
        assert_eq!(event.uri, "/apis/events.k8s.io/v1/namespaces/chatops/events?");
        assert_eq!(event.body["type"], "Normal");
        assert_eq!(event.body["reason"], "Resolved");
        assert_eq!(event.body["action"], "Lookup");
        assert_eq!(event.body["note"], "bob@example.com is slack user U0BOB");
        assert_eq!(event.body["regarding"]["kind"], "AccountLink");
        assert_eq!(event.body["regarding"]["name"], "bob");
        assert_eq!(event.body["regarding"]["uid"], "uid-bob");
        api
    });
    let pending = pending(&resources, &compiled);
    let run = shell.run(&mut lookups, pending.clone(), &compiled, t0).await;
    server.await.unwrap().no_more_requests().await;

    let [outcome] = &run.outcomes[..] else {
        panic!("{run:?}")
    };
    assert_eq!(outcome.result, Ok("U0BOB".to_owned()));
    assert!(outcome.written && outcome.write_error.is_none());
    assert_eq!(outcome.retry_at, None);
    // Not repeated while the watch catches up with the written status.
    assert_eq!(run.next_due, Some(t0 + 300 * S));

    // Once the watch shows the status, the link compiles Ready and needs nothing more.
    let (mut resources, _) = with_bob(resources);
    resources.account_links[0].status = Some(chatops_crds::AccountLinkStatus {
        chat_user_id: Some("U0BOB".to_owned()),
        resolved_email: Some("bob@example.com".to_owned()),
        resolved_platform: Some("slack".to_owned()),
        ..Default::default()
    });
    let compiled = compile(&resources);
    let bob = compiled
        .diagnostics
        .iter()
        .find(|d| d.object.name == "bob")
        .unwrap();
    assert!(bob.ready, "{bob}");
    assert_eq!(compiled.config.account_links[0].chat_user_id, "U0BOB");
    assert!(super::super::pending(&resources, &compiled).is_empty());
}

#[tokio::test]
async fn an_unknown_email_is_a_failed_condition_and_a_warning_retried_with_backoff() {
    let (slack, mut lookups) = fake_slack().await;
    lookup_by_email(
        "bob@example.com",
        json!({"ok": false, "error": "users_not_found"}),
    )
    .expect(2)
    .mount(&slack)
    .await;
    let (resources, compiled) = with_bob(resources());
    let (shell, mut api) = mock_api();
    let t0 = Instant::now();
    let message = "cannot resolve the email bob@example.com on slack: no Slack user has the email bob@example.com (users_not_found)";

    let server = tokio::spawn(async move {
        let patch = answer_status(&mut api, "AccountLink", "bob").await;
        assert_eq!(
            patch.uri,
            "/apis/chatops.dev/v1alpha1/namespaces/chatops/accountlinks/bob/status?&force=true&fieldManager=chatops-operator-lookup"
        );
        let status = patch.body["status"].as_object().unwrap();
        assert_eq!(
            status.keys().collect::<Vec<_>>(),
            ["conditions"],
            "no ID on failure"
        );
        let condition = &patch.body["status"]["conditions"][0];
        assert_eq!(condition["type"], "Resolved");
        assert_eq!(condition["status"], "False");
        assert_eq!(condition["reason"], "LookupFailed");
        assert_eq!(condition["message"], message);
        let event = api.ok().await;
        assert_eq!(event.body["type"], "Warning");
        assert_eq!(event.body["reason"], "LookupFailed");
        assert_eq!(event.body["note"], message);
        api
    });
    let mut pending = pending(&resources, &compiled);
    let run = shell.run(&mut lookups, pending.clone(), &compiled, t0).await;
    let api = server.await.unwrap();
    let [outcome] = &run.outcomes[..] else {
        panic!("{run:?}")
    };
    assert!(matches!(outcome.result, Err(LookupError::NotFound(_))));
    assert!(outcome.written);
    assert_eq!(outcome.retry_at, Some(t0 + 5 * S));
    assert_eq!(run.next_due, Some(t0 + 5 * S));

    // Before the retry is due nothing happens.
    let early = shell
        .run(&mut lookups, pending.clone(), &compiled, t0 + 4 * S)
        .await;
    assert!(early.outcomes.is_empty());
    assert_eq!(early.next_due, Some(t0 + 5 * S));

    // The retry fails alike: the stored condition already says so, so no write and no Event.
    pending[0].current = Some(status::resolved_condition(
        &pending[0],
        &outcome.result,
        now(t0).time,
    ));
    let retry = shell.run(&mut lookups, pending, &compiled, t0 + 5 * S).await;
    api.no_more_requests().await;
    let [outcome] = &retry.outcomes[..] else {
        panic!("{retry:?}")
    };
    assert!(!outcome.written);
    assert_eq!(outcome.retry_at, Some(t0 + 15 * S), "the delay doubled");
}

#[tokio::test]
async fn a_rate_limit_writes_nothing_and_waits_as_long_as_slack_asks() {
    let (slack, mut lookups) = fake_slack().await;
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "42"))
        // Both may be in flight before the first answer comes back.
        .expect(1..=2)
        .mount(&slack)
        .await;
    let (mut resources, _) = with_bob(resources());
    resources
        .account_links
        .push(by_email("carol", "slack", json!({})));
    let compiled = compile(&resources);
    let (shell, api) = mock_api();
    let t0 = Instant::now();
    let pending = pending(&resources, &compiled);
    assert_eq!(pending.len(), 2);
    let run = shell.run(&mut lookups, pending.clone(), &compiled, t0).await;
    assert!(!run.outcomes.is_empty());
    assert!(run.outcomes.iter().all(|o| !o.written), "a delay is not news");
    assert!(run.outcomes.iter().all(|o| o.retry_at == Some(t0 + 42 * S)));
    assert_eq!(run.next_due, Some(t0 + 42 * S));

    // The whole platform waits, whoever was asked.
    let waiting = shell.run(&mut lookups, pending, &compiled, t0 + 10 * S).await;
    assert!(waiting.outcomes.is_empty());
    assert_eq!(waiting.next_due, Some(t0 + 42 * S));
    api.no_more_requests().await;
}

#[tokio::test]
async fn a_channel_name_is_resolved_into_the_grants_status() {
    let (slack, mut lookups) = fake_slack().await;
    Mock::given(method("GET"))
        .and(path("/api/conversations.list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "channels": [{"id": "C0NETOPS", "name": "netops"}], "response_metadata": {"next_cursor": ""},
        })))
        .expect(1)
        .mount(&slack)
        .await;
    let mut resources = resources();
    let spec = json!({"command": "nautobot", "grantType": "channel", "name": "n", "channelName": "#netops", "platform": "slack"});
    resources.grants = vec![
        grant("netops", spec.clone(), json!({})),
        grant("netops-too", spec, json!({})),
    ];
    let compiled = compile(&resources);
    let (shell, mut api) = mock_api();

    let server = tokio::spawn(async move {
        for name in ["netops", "netops-too"] {
            let patch = answer_status(&mut api, "AccessGrant", name).await;
            assert_eq!(
                patch.uri,
                format!(
                    "/apis/chatops.dev/v1alpha1/namespaces/chatops/accessgrants/{name}/status?&force=true&fieldManager=chatops-operator-lookup"
                )
            );
            assert_eq!(patch.body["status"]["resolvedValue"], "C0NETOPS");
            assert_eq!(patch.body["status"]["resolvedChannelName"], "#netops");
            assert_eq!(patch.body["status"]["resolvedPlatform"], "slack");
            assert_eq!(
                patch.body["status"]["conditions"][0]["message"],
                "#netops is slack channel C0NETOPS"
            );
            let event = api.ok().await;
            assert_eq!(event.body["regarding"]["kind"], "AccessGrant");
        }
        api
    });
    let run = shell
        .run(
            &mut lookups,
            pending(&resources, &compiled),
            &compiled,
            Instant::now(),
        )
        .await;
    server.await.unwrap().no_more_requests().await;
    assert_eq!(run.outcomes.len(), 2);
    assert!(run.outcomes.iter().all(|o| o.result == Ok("C0NETOPS".to_owned())));
}

#[tokio::test]
async fn a_failed_status_write_is_retried_and_records_no_event() {
    let (slack, mut lookups) = fake_slack().await;
    bob_found().mount(&slack).await;
    let (resources, compiled) = with_bob(resources());
    let (shell, mut api) = mock_api();
    let t0 = Instant::now();
    let server = tokio::spawn(async move {
        api.not_found().await;
        api
    });
    let run = shell
        .run(&mut lookups, pending(&resources, &compiled), &compiled, t0)
        .await;
    server.await.unwrap().no_more_requests().await;
    let [outcome] = &run.outcomes[..] else {
        panic!("{run:?}")
    };
    assert!(!outcome.written);
    assert!(outcome.write_error.is_some());
    assert_eq!(outcome.retry_at, Some(t0 + 5 * S));
}

#[tokio::test]
async fn a_replica_without_the_lease_asks_no_platform_and_writes_nothing() {
    let (slack, lookups) = fake_slack().await;
    bob_found().expect(0).mount(&slack).await;
    let (_lease, follower) = tokio::sync::watch::channel(false);
    let mut lookups = lookups.with_leadership(Leadership::from_channel(follower));
    let (shell, api) = mock_api();
    let (resources, compiled) = with_bob(resources());
    let pending = pending(&resources, &compiled);
    assert_eq!(pending.len(), 1);

    let t0 = Instant::now();
    let run = shell.run(&mut lookups, pending, &compiled, t0).await;
    assert!(run.outcomes.is_empty());
    assert_eq!(run.next_due, Some(t0), "still due for when it leads");
    api.no_more_requests().await;
}
