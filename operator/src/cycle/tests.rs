//! Cycles against the mock API server: the exact requests, in order.

use chatops_crds::Kind;
use http::{Method, StatusCode};
use kube::api::DynamicObject;
use serde_json::{Value, json};
use tokio::sync::watch;

use super::*;
use crate::fixtures::{
    ApiServerVerifier, mock_client, nautobot_integration, secret, slack_platform, user_grant,
};

const APPLY: &str = "application/apply-patch+yaml";

fn target() -> Target {
    Target {
        namespace: "chatops".into(),
        name: "chatops-gateway".into(),
    }
}

fn now() -> Time {
    Time("2026-11-25T08:00:00Z".parse().unwrap())
}

fn reconciler(client: &kube::Client) -> Reconciler {
    let recorder = EventRecorder::new(client.clone(), Some("operator-0".into()));
    Reconciler::new(
        client.clone(),
        recorder,
        target(),
        config_map_reference(&target()),
    )
}

/// A reconciler writing to a mock API server, and that server.
fn mock_reconciler() -> (Reconciler, ApiServerVerifier) {
    let (client, api) = mock_client();
    (reconciler(&client), api)
}

/// A reconciler on a mock API server, and the Slack platform alone as its objects.
fn slack_alone() -> (Reconciler, ApiServerVerifier, Vec<(Kind, DynamicObject)>) {
    let (reconciler, api) = mock_reconciler();
    (reconciler, api, vec![slack_platform()])
}

/// The Slack platform's Secret, as a typed object.
fn slack_secret_object() -> Secret {
    secret("slack", &[("signing-secret", "s3cret"), ("bot-token", "xoxb-1")])
}

fn slack_secret() -> Value {
    serde_json::to_value(slack_secret_object()).unwrap()
}

/// What an earlier run saw: `objects` and the Slack platform's Secret.
fn slack_snapshot(objects: &[(Kind, DynamicObject)]) -> Snapshot {
    Snapshot::build(objects.iter().map(|(k, o)| (*k, o)), vec![slack_secret_object()])
}

fn nautobot_secret() -> Value {
    serde_json::to_value(secret("nautobot", &[("token", "0123abcd")])).unwrap()
}

/// Secret versions as the metadata watch reports them: every Secret in `present` exists at "7".
fn versions(present: &'static [&'static str]) -> impl Fn(&SecretName) -> Option<String> {
    move |name| present.contains(&name.name.as_str()).then(|| "7".to_owned())
}

/// The objects with the statuses the API server received applied to them.
fn stored_after(objects: &[(Kind, DynamicObject)], status_patches: &[Seen]) -> Vec<(Kind, DynamicObject)> {
    objects
        .iter()
        .cloned()
        .map(|(kind, mut object)| {
            let path = format!("/{}/status", object.metadata.name.as_ref().unwrap());
            if let Some(patch) = status_patches
                .iter()
                .rev()
                .find(|p| p.uri.contains(&format!("{path}?")))
            {
                object.data["status"] = patch.body["status"].clone();
            }
            (kind, object)
        })
        .collect()
}

use crate::fixtures::Seen;

/// One cycle over `objects` at the fixed `now()`.
async fn cycle(
    reconciler: &mut Reconciler,
    objects: &[(Kind, DynamicObject)],
    versions: impl Fn(&SecretName) -> Option<String>,
    leadership: &Leadership,
) -> Result<Outcome, CycleError> {
    reconciler
        .reconcile(objects.iter().map(|(k, o)| (*k, o)), versions, leadership, now())
        .await
}

/// Expects a server-side apply of `path` under the operator's field manager.
async fn expect_apply_at(api: &mut ApiServerVerifier, path: &str) -> Seen {
    let seen = api.ok().await;
    assert_eq!(seen.method, Method::PATCH);
    assert_eq!(
        seen.uri,
        format!("{path}?&force=true&fieldManager=chatops-operator")
    );
    assert_eq!(seen.content_type.as_deref(), Some(APPLY));
    seen
}

async fn expect_apply(api: &mut ApiServerVerifier, resource: &str) -> Seen {
    expect_apply_at(
        api,
        &format!("/api/v1/namespaces/chatops/{resource}/chatops-gateway"),
    )
    .await
}

async fn expect_event(api: &mut ApiServerVerifier, kind: &str, name: &str, reason: &str) -> Seen {
    let seen = api.ok().await;
    assert_eq!(
        (seen.method.clone(), seen.uri.as_str()),
        (Method::POST, "/apis/events.k8s.io/v1/namespaces/chatops/events?")
    );
    assert_eq!(seen.body["regarding"]["kind"], kind, "{:#}", seen.body);
    assert_eq!(seen.body["regarding"]["name"], name);
    assert_eq!(seen.body["reason"], reason, "{:#}", seen.body);
    seen
}

/// The Events of Slack's first render: the ConfigMap Rendered, the
/// ChatPlatform Accepted.
async fn expect_slack_events(api: &mut ApiServerVerifier) {
    expect_event(api, "ConfigMap", "chatops-gateway", "Rendered").await;
    expect_event(api, "ChatPlatform", "slack", "Accepted").await;
}

async fn expect_status(
    api: &mut ApiServerVerifier,
    plural: &str,
    name: &str,
    ready: &str,
    reason: &str,
) -> Seen {
    let path = format!("/apis/chatops.dev/v1alpha1/namespaces/chatops/{plural}/{name}/status");
    let seen = expect_apply_at(api, &path).await;
    let condition = &seen.body["status"]["conditions"][0];
    assert_eq!(
        (condition["type"].as_str(), condition["status"].as_str()),
        (Some("Ready"), Some(ready))
    );
    assert_eq!(condition["reason"], reason);
    assert_eq!(seen.body["status"]["observedGeneration"], 1);
    seen
}

/// The reads and applies of a first render over a slack platform alone: no
/// ConfigMap yet, the platform's Secret read, the gateway's Secret and
/// ConfigMap applied.
async fn expect_first_render_of_slack(api: &mut ApiServerVerifier) {
    api.not_found().await;
    api.answer(StatusCode::OK, Some(slack_secret())).await;
    expect_apply(api, "secrets").await;
    expect_apply(api, "configmaps").await;
}

/// One cycle over `objects`, whose only Secret is `slack`, as the leader.
async fn slack_cycle(reconciler: &mut Reconciler, objects: &[(Kind, DynamicObject)]) -> Outcome {
    cycle(reconciler, objects, versions(&["slack"]), &Leadership::always())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_first_cycle_applies_secret_then_config_map_then_statuses_and_the_next_writes_nothing() {
    let (mut reconciler, mut api) = mock_reconciler();
    let objects = vec![slack_platform(), user_grant("alice", "U1")];

    let server = tokio::spawn(async move {
        // What the ConfigMap holds: nothing yet.
        let read = api.not_found().await;
        assert_eq!(
            (read.method, read.uri.as_str()),
            (
                Method::GET,
                "/api/v1/namespaces/chatops/configmaps/chatops-gateway"
            )
        );
        api.answer(StatusCode::OK, Some(slack_secret())).await;

        let secret = expect_apply(&mut api, "secrets").await;
        let config_map = expect_apply(&mut api, "configmaps").await;
        assert_eq!(
            secret.body["data"]["chatplatform.chatops.slack.bot-token"],
            "eG94Yi0x"
        );
        let hash = &config_map.body["data"]["secret-hash"];
        assert_eq!(
            &secret.body["metadata"]["annotations"]["chatops.dev/secret-hash"],
            hash
        );
        assert!(
            !config_map.body.to_string().contains("xoxb-1"),
            "no secret in the ConfigMap"
        );
        let rendered = expect_event(&mut api, "ConfigMap", "chatops-gateway", "Rendered").await;
        assert_eq!(rendered.body["type"], "Normal");
        assert!(rendered.body["note"].as_str().unwrap().contains("1 grant added"));

        // Each resource's Event before its status: an operator that dies in
        // between tells it again after a restart and finds it told.
        let slack = expect_event(&mut api, "ChatPlatform", "slack", "Accepted").await;
        assert!(
            slack.body["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("slack."),
            "named by the change it tells: {:#}",
            slack.body
        );
        expect_event(&mut api, "AccessGrant", "alice", "Accepted").await;
        let statuses = vec![
            expect_status(&mut api, "chatplatforms", "slack", "True", "Accepted").await,
            expect_status(&mut api, "accessgrants", "alice", "True", "Accepted").await,
        ];
        (api, statuses)
    });
    let outcome = slack_cycle(&mut reconciler, &objects).await;
    assert!(outcome.applied);
    assert_eq!((outcome.statuses_written, outcome.events), (2, 3));
    let (api, statuses) = server.await.unwrap();

    // The watch brings the statuses back; the Secret is unchanged; nothing to write.
    let stored = stored_after(&objects, &statuses);
    let outcome = slack_cycle(&mut reconciler, &stored).await;
    assert!(!outcome.applied);
    assert_eq!((outcome.statuses_written, outcome.events), (0, 0));
    api.no_more_requests().await;
}

#[tokio::test]
async fn a_secret_created_after_the_integration_that_needs_it_turns_it_ready() {
    let (mut reconciler, mut api) = mock_reconciler();
    let objects = vec![
        slack_platform(),
        nautobot_integration("nautobot", "nautobot", "nautobot", "2026-11-02T00:00:00Z"),
    ];

    // First the Secret `nautobot` does not exist.
    let server = tokio::spawn(async move {
        api.not_found().await; // the ConfigMap
        api.answer(StatusCode::OK, Some(slack_secret())).await;
        expect_apply(&mut api, "secrets").await;
        expect_apply(&mut api, "configmaps").await;
        expect_slack_events(&mut api).await;
        let warning = expect_event(&mut api, "Integration", "nautobot", "SecretNotFound").await;
        assert_eq!(warning.body["type"], "Warning");
        assert_eq!(warning.body["note"], "Secret chatops/nautobot not found");
        let statuses = vec![
            expect_status(&mut api, "chatplatforms", "slack", "True", "Accepted").await,
            expect_status(&mut api, "integrations", "nautobot", "False", "SecretNotFound").await,
        ];
        (api, statuses)
    });
    slack_cycle(&mut reconciler, &objects).await;
    let (mut api, statuses) = server.await.unwrap();
    let stored = stored_after(&objects, &statuses);

    // Then it is created: read, applied, and the Integration becomes Ready.
    let server = tokio::spawn(async move {
        let read = api.answer(StatusCode::OK, Some(nautobot_secret())).await;
        assert_eq!(read.uri, "/api/v1/namespaces/chatops/secrets/nautobot");
        let secret = expect_apply(&mut api, "secrets").await;
        assert!(secret.body["data"]["integration.chatops.nautobot.token"].is_string());
        let config_map = expect_apply(&mut api, "configmaps").await;
        assert!(
            config_map.body["data"]["config.yaml"]
                .as_str()
                .unwrap()
                .contains("nautobot")
        );
        let rendered = expect_event(&mut api, "ConfigMap", "chatops-gateway", "Rendered").await;
        assert!(
            rendered.body["note"]
                .as_str()
                .unwrap()
                .contains("integration nautobot added")
        );
        let accepted = expect_event(&mut api, "Integration", "nautobot", "Accepted").await;
        assert_eq!(accepted.body["type"], "Normal");
        expect_status(&mut api, "integrations", "nautobot", "True", "Accepted").await;
        api
    });
    let outcome = cycle(
        &mut reconciler,
        &stored,
        versions(&["slack", "nautobot"]),
        &Leadership::always(),
    )
    .await
    .unwrap();
    assert!(outcome.applied);
    server.await.unwrap().no_more_requests().await;
}

#[tokio::test]
async fn a_conflict_between_two_integrations_is_written_to_the_newer_one() {
    let (mut reconciler, mut api) = mock_reconciler();
    let objects = [
        slack_platform(),
        nautobot_integration("nautobot-copy", "nautobot", "nautobot", "2026-11-20T00:00:00Z"),
        nautobot_integration("nautobot", "nautobot", "nautobot", "2026-11-02T00:00:00Z"),
    ];
    let server = tokio::spawn(async move {
        api.not_found().await;
        // Both name the same Secret: it is read once.
        api.answer(StatusCode::OK, Some(nautobot_secret())).await;
        api.answer(StatusCode::OK, Some(slack_secret())).await;
        expect_apply(&mut api, "secrets").await;
        expect_apply(&mut api, "configmaps").await;
        expect_slack_events(&mut api).await;
        expect_event(&mut api, "Integration", "nautobot", "Accepted").await;
        let warning = expect_event(&mut api, "Integration", "nautobot-copy", "CommandConflict").await;
        assert_eq!(warning.body["type"], "Warning");
        expect_status(&mut api, "chatplatforms", "slack", "True", "Accepted").await;
        expect_status(&mut api, "integrations", "nautobot", "True", "Accepted").await;
        let conflict = expect_status(
            &mut api,
            "integrations",
            "nautobot-copy",
            "False",
            "CommandConflict",
        )
        .await;
        let message = conflict.body["status"]["conditions"][0]["message"]
            .as_str()
            .unwrap();
        assert!(
            message.contains("chatops/nautobot"),
            "names the holder: {message}"
        );
        api
    });
    cycle(
        &mut reconciler,
        &objects,
        versions(&["slack", "nautobot"]),
        &Leadership::always(),
    )
    .await
    .unwrap();
    server.await.unwrap().no_more_requests().await;
}

#[tokio::test]
async fn a_replica_that_loses_the_lease_mid_cycle_sends_nothing_more() {
    let (mut reconciler, mut api, objects) = slack_alone();
    let (lease, receiver) = watch::channel(true);
    let leadership = Leadership::from_channel(receiver);

    let server = tokio::spawn(async move {
        api.not_found().await;
        api.answer(StatusCode::OK, Some(slack_secret())).await;
        // The lease is lost while the Secret is being applied.
        let secret = api
            .answer_after(StatusCode::OK, None, || lease.send(false).unwrap())
            .await;
        assert!(
            secret
                .uri
                .starts_with("/api/v1/namespaces/chatops/secrets/chatops-gateway")
        );
        api
    });
    let result = cycle(&mut reconciler, &objects, versions(&["slack"]), &leadership).await;
    assert!(matches!(result, Err(CycleError::NotLeader)), "{result:?}");
    server.await.unwrap().no_more_requests().await;
}

#[tokio::test]
async fn a_follower_reads_and_writes_nothing() {
    let (mut reconciler, api) = mock_reconciler();
    let (_lease, receiver) = watch::channel(false);
    let leadership = Leadership::from_channel(receiver);
    let result = cycle(
        &mut reconciler,
        &[slack_platform()],
        versions(&["slack"]),
        &leadership,
    )
    .await;
    assert!(matches!(result, Err(CycleError::NotLeader)));
    api.no_more_requests().await;
}

#[tokio::test]
async fn an_operator_restarting_over_an_up_to_date_config_map_applies_nothing() {
    let (mut reconciler, mut api, objects) = slack_alone();
    // What an earlier run applied, as the API server returns it.
    let snapshot = slack_snapshot(&objects);
    let rendered = crate::render::render(&compile(&snapshot), &target()).unwrap();
    let existing = json!(rendered.config_map);

    let server = tokio::spawn(async move {
        api.answer(StatusCode::OK, Some(existing)).await;
        let gateway_secret = api.not_found().await;
        assert_eq!(
            gateway_secret.uri,
            "/api/v1/namespaces/chatops/secrets/chatops-gateway"
        );
        api.answer(StatusCode::OK, Some(slack_secret())).await;
        // Statuses are still new to this run's objects.
        expect_event(&mut api, "ChatPlatform", "slack", "Accepted").await;
        expect_status(&mut api, "chatplatforms", "slack", "True", "Accepted").await;
        api
    });
    let outcome = cycle(
        &mut reconciler,
        &objects,
        versions(&["slack"]),
        &Leadership::always(),
    )
    .await
    .unwrap();
    assert!(!outcome.applied);
    server.await.unwrap().no_more_requests().await;
}

#[tokio::test]
async fn a_restart_tells_the_rendered_event_its_predecessor_may_not_have_told_and_finds_it_told() {
    let (client, mut api) = mock_client();
    let mut reconciler = reconciler(&client);
    let objects = [slack_platform()];
    // What an earlier run applied, annotated as it applies it.
    let snapshot = slack_snapshot(&objects);
    let plan = plan(&snapshot, &compile(&snapshot), None, &target(), &now()).unwrap();
    let apply = plan.apply.unwrap();
    let (event_name, _) = apply.event.clone();
    let existing = json!(apply.rendered.config_map);
    let gateway_secret = json!(apply.rendered.secret);

    let server = tokio::spawn(async move {
        api.answer(StatusCode::OK, Some(existing)).await;
        api.answer(StatusCode::OK, Some(gateway_secret)).await;
        api.answer(StatusCode::OK, Some(slack_secret())).await;
        // The earlier run died before its Event: the restart tells it, by the same name.
        let rendered = expect_event(&mut api, "ConfigMap", "chatops-gateway", "Rendered").await;
        assert_eq!(rendered.body["metadata"]["name"], event_name.as_str());
        assert!(
            rendered.body["note"]
                .as_str()
                .unwrap()
                .contains("platform slack added")
        );
        expect_event(&mut api, "ChatPlatform", "slack", "Accepted").await;
        expect_status(&mut api, "chatplatforms", "slack", "True", "Accepted").await;
        api
    });
    let outcome = slack_cycle(&mut reconciler, &objects).await;
    assert!(!outcome.applied);
    assert_eq!(outcome.events, 2);
    let mut api = server.await.unwrap();

    // Another restart over the same ConfigMap: the Event is there (409).
    let mut restarted = super::Reconciler::new(
        client.clone(),
        EventRecorder::new(client.clone(), None),
        target(),
        config_map_reference(&target()),
    );
    let existing = json!(apply.rendered.config_map);
    let server = tokio::spawn(async move {
        api.answer(StatusCode::OK, Some(existing)).await;
        api.not_found().await; // the gateway's Secret
        api.answer(StatusCode::OK, Some(slack_secret())).await;
        let again = api.refuse(StatusCode::CONFLICT, "AlreadyExists").await;
        assert_eq!(again.method, Method::POST);
        expect_event(&mut api, "ChatPlatform", "slack", "Accepted").await;
        expect_status(&mut api, "chatplatforms", "slack", "True", "Accepted").await;
        api
    });
    let outcome = slack_cycle(&mut restarted, &objects).await;
    assert_eq!(outcome.events, 1, "found told, not told twice");
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    server.await.unwrap().no_more_requests().await;
}

#[tokio::test]
async fn a_status_that_keeps_failing_is_reported_and_its_event_told_once() {
    let (mut reconciler, mut api, objects) = slack_alone();
    let server = tokio::spawn(async move {
        expect_first_render_of_slack(&mut api).await;
        expect_slack_events(&mut api).await;
        api.refuse(StatusCode::FORBIDDEN, "Forbidden").await;
        // The retry: the status again, and no Event (told already).
        let retried = api.refuse(StatusCode::FORBIDDEN, "Forbidden").await;
        assert!(
            retried.uri.contains("/chatplatforms/slack/status"),
            "{}",
            retried.uri
        );
        api
    });
    for _ in 0..2 {
        let outcome = slack_cycle(&mut reconciler, &objects).await;
        assert_eq!(outcome.failures.len(), 1);
        let failure = &outcome.failures[0];
        assert_eq!(
            failure.operation,
            Operation::Status(chatops_crds::ObjectKey::new(
                Kind::ChatPlatform,
                "chatops",
                "slack"
            ))
        );
        assert_eq!(failure.operation.label(), "status");
        assert!(failure.message.contains("Forbidden"), "{}", failure.message);
    }
    server.await.unwrap().no_more_requests().await;
}

#[tokio::test]
async fn an_event_that_fails_is_retried_and_does_not_hold_the_status_back() {
    let (mut reconciler, mut api, objects) = slack_alone();
    let server = tokio::spawn(async move {
        expect_first_render_of_slack(&mut api).await;
        // The Rendered Event is refused; the Accepted one is not even tried.
        api.refuse(StatusCode::FORBIDDEN, "Forbidden").await;
        let status = expect_status(&mut api, "chatplatforms", "slack", "True", "Accepted").await;
        (api, status)
    });
    let outcome = slack_cycle(&mut reconciler, &objects).await;
    assert_eq!(outcome.failures.len(), 1);
    assert_eq!(outcome.failures[0].operation, Operation::Event);
    let (mut api, status) = server.await.unwrap();

    // The next cycle (the watch brought the status back) tells both.
    let stored = stored_after(&objects, &[status]);
    let server = tokio::spawn(async move {
        expect_slack_events(&mut api).await;
        api
    });
    let outcome = slack_cycle(&mut reconciler, &stored).await;
    assert!(outcome.failures.is_empty());
    assert_eq!(outcome.events, 2);
    server.await.unwrap().no_more_requests().await;
}
