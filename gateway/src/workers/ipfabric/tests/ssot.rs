//! `ssot-sync-to-nautobot` against a mock of Nautobot's jobs API
//! (`/api/extras/jobs/`, `/api/extras/jobs/{id}/run/`), its answers as
//! Nautobot 3.2.7 gives them: the job found and run with the options and the
//! snapshot read, after a confirmation unless it is a dry run; the job's
//! inputs refused; the job missing; the sub-command not set up. The real
//! Nautobot is driven in `tests/tests/ipfabric_nautobot_live.rs`.

use std::collections::BTreeMap;

use chatops_crds::IntegrationType;
use chatops_crds::config::{IntegrationConfig, SecretKey};
use chatops_crds::settings::IpfabricSettings;
use chatops_testkit::fake_ipfabric::{LAST_SNAPSHOT, PREV_SNAPSHOT};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{Fixture, USER, assert_private_error, choice_values, prompted};

/// The nautobot Integration's token.
const NAUTOBOT_TOKEN: &str = "5e4v1ce00000000000000000000000000005e4v1";
/// The job's id in Nautobot.
const JOB_ID: &str = "6c1f3a2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b";
/// The job result's id a run answers.
const RESULT_ID: &str = "f0e1d2c3-b4a5-4968-8776-655443322110";

/// Nautobot's jobs list with `jobs` in it.
fn jobs(jobs: Vec<Value>) -> Value {
    json!({"count": jobs.len(), "next": null, "previous": null, "results": jobs})
}

/// nautobot-ssot's IP Fabric job as Nautobot 3.2.7 lists it (the fields the worker reads).
fn ssot_job() -> Value {
    json!({
        "id": JOB_ID, "name": "IPFabric ⟹ Nautobot", "grouping": "SSoT - IPFabric",
        "module_name": "nautobot_ssot.integrations.ipfabric.jobs", "job_class_name": "IpFabricDataSource",
        "enabled": true, "installed": true
    })
}

/// A Nautobot mock whose jobs list answers `listed`.
async fn nautobot(listed: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/extras/jobs/"))
        .and(query_param(
            "module_name",
            "nautobot_ssot.integrations.ipfabric.jobs",
        ))
        .and(query_param("job_class_name", "IpFabricDataSource"))
        .and(header(
            "authorization",
            format!("Token {NAUTOBOT_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(listed))
        .mount(&server)
        .await;
    server
}

/// A fixture whose ipfabric Integration syncs into the nautobot
/// Integration at `nautobot_url` (named `nautobot` when `named`).
async fn fixture_syncing(nautobot_url: &str, named: bool) -> (FakeIpFabric, Fixture) {
    let fake = FakeIpFabric::start().await;
    let mut fixture = fixture_for(&["ipfabric"]);
    let key = SecretKey("integration.default.nautobot.token".to_owned());
    let integration = IntegrationConfig {
        token: Some(key.clone()),
        timeout_seconds: 2,
        ..IntegrationConfig::new("default/nautobot", IntegrationType::Nautobot, nautobot_url)
    };
    fixture
        .config
        .integrations
        .insert("nautobot".to_owned(), integration);
    let setup = Setup {
        settings: Some(IpfabricSettings {
            snapshot: None,
            nautobot: named.then(|| "nautobot".to_owned()),
        }),
        secrets: BTreeMap::from([(key, NAUTOBOT_TOKEN.to_owned())]),
        ..Setup::default()
    };
    serve(&mut fixture, &fake.url(), setup);
    (fake, fixture)
}

#[tokio::test]
async fn the_job_runs_after_confirmation_with_the_options_and_the_snapshot() {
    let server = nautobot(jobs(vec![ssot_job()])).await;
    let run = json!({"data": {"dryrun": false, "safe_delete_mode": true, "sync_ipfabric_tagged_only": false, "snapshot": PREV_SNAPSHOT}});
    Mock::given(method("POST"))
        .and(path(format!("/api/extras/jobs/{JOB_ID}/run/")))
        .and(body_json(&run))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "scheduled_job": null,
            "job_result": {"id": RESULT_ID, "url": format!("{}/api/extras/job-results/{RESULT_ID}/", server.uri()), "status": {"value": "PENDING"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (_fake, fixture) = fixture_syncing(&server.uri(), true).await;

    let dry = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot snapshot=$prev")
        .await;
    assert_eq!(prompted(&dry).text, "Dry run (only report what would change)?");
    assert_eq!(choice_values(prompted(&dry)), ["true", "false"]);
    let safe = fixture
        .answer(USER, &prompted(&dry).continuation, &["false"])
        .await;
    let tagged = fixture
        .answer(USER, &prompted(&safe).continuation, &["true"])
        .await;
    let asked = fixture
        .answer(USER, &prompted(&tagged).continuation, &["false"])
        .await;

    let question = prompted(&asked);
    assert_eq!(
        question.text,
        format!(
            "Sync snapshot **unnamed snapshot** ({PREV_SNAPSHOT}, loaded, 2026-12-02 02:45 UTC) into Nautobot \
             (safe delete mode: yes, IP Fabric-tagged only: no)? This changes Nautobot."
        )
    );
    assert_eq!(choice_values(question), ["yes"]);
    let routed = fixture.answer(USER, &question.continuation, &["yes"]).await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        text(&routed),
        format!(
            "The nautobot-ssot IP Fabric sync of snapshot **unnamed snapshot** ({PREV_SNAPSHOT}, loaded, \
             2026-12-02 02:45 UTC) has started: [job result]({}/extras/job-results/{RESULT_ID}/)",
            server.uri()
        )
    );
    assert_none_told(&routed, &[NAUTOBOT_TOKEN, fake_ipfabric::ADMIN_TOKEN]);
}

#[tokio::test]
async fn a_dry_run_starts_without_asking_and_a_declined_sync_changes_nothing() {
    let server = nautobot(jobs(vec![ssot_job()])).await;
    let run = json!({"data": {"dryrun": true, "safe_delete_mode": true, "sync_ipfabric_tagged_only": true, "snapshot": LAST_SNAPSHOT}});
    Mock::given(method("POST"))
        .and(path(format!("/api/extras/jobs/{JOB_ID}/run/")))
        .and(body_json(&run))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"job_result": {"id": RESULT_ID}})))
        .expect(1)
        .mount(&server)
        .await;
    let (_fake, fixture) = fixture_syncing(&server.uri(), true).await;

    let dry = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot yes true TRUE")
        .await;
    assert!(
        text(&dry)
            .starts_with("A dry run of the nautobot-ssot IP Fabric sync of snapshot **Nightly 2026-12-03**")
    );

    let declined = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot false true true no")
        .await;
    assert_eq!(text(&declined), "Not synced: Nautobot is unchanged.");
    let typed_yes = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot false true true maybe")
        .await;
    assert_eq!(text(&typed_yes), "Not synced: Nautobot is unchanged.");
    let bad = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot perhaps")
        .await;
    assert_private_error(&bad, "`perhaps` is not true or false (for dry-run).");
}

#[tokio::test]
async fn a_missing_job_tells_the_admin_what_to_install() {
    let server = nautobot(jobs(vec![])).await;
    let (_fake, fixture) = fixture_syncing(&server.uri(), true).await;

    let routed = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot false false false yes")
        .await;

    assert_private_error(
        &routed,
        "Nautobot has no nautobot-ssot IP Fabric job (`IpFabricDataSource` of \
         `nautobot_ssot.integrations.ipfabric.jobs`), or you may not see it: an admin installs nautobot-ssot with \
         its IP Fabric integration (`pip install nautobot-ssot[ipfabric]`, `enable_ipfabric: True`), enables the \
         job, and gives you permission to run it.",
    );
}

#[tokio::test]
async fn without_a_nautobot_integration_it_says_it_is_not_set_up() {
    let server = nautobot(jobs(vec![ssot_job()])).await;
    let (fake, fixture) = fixture_syncing(&server.uri(), false).await;

    let routed = fixture.typed(USER, "ipfabric ssot-sync-to-nautobot").await;

    assert_private_error(
        &routed,
        "`ssot-sync-to-nautobot` is not set up for this IP Fabric: an admin names a nautobot Integration in this \
         Integration's `spec.ipfabric.nautobot`, whose Nautobot has the nautobot-ssot app with its IP Fabric \
         integration installed.",
    );
    assert!(fake.requests().is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn nautobots_refusal_to_run_the_job_is_said_as_nautobots() {
    let server = nautobot(jobs(vec![ssot_job()])).await;
    Mock::given(method("POST"))
        .and(path(format!("/api/extras/jobs/{JOB_ID}/run/")))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"detail": "You do not have permission to perform this action."})),
        )
        .mount(&server)
        .await;
    let (_fake, fixture) = fixture_syncing(&server.uri(), true).await;

    let routed = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot true false false")
        .await;

    assert_private_error(
        &routed,
        "You (not linked, acting as chatbot) may not run extras/jobs in Nautobot.",
    );
}

/// Nautobot 3.2.7's answer to a snapshot the job does not offer (its choices
/// are the snapshots loaded in nautobot-ssot's own IP Fabric).
#[tokio::test]
async fn a_snapshot_the_job_does_not_offer_is_said_with_the_admins_fix() {
    let server = nautobot(jobs(vec![ssot_job()])).await;
    let refused = format!("Select a valid choice. {LAST_SNAPSHOT} is not one of the available choices.");
    Mock::given(method("POST"))
        .and(path(format!("/api/extras/jobs/{JOB_ID}/run/")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"errors": {"snapshot": [refused]}})))
        .mount(&server)
        .await;
    let (_fake, fixture) = fixture_syncing(&server.uri(), true).await;

    let routed = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot true false false")
        .await;

    assert_private_error(
        &routed,
        &format!(
            "Nautobot would not run nautobot-ssot's IP Fabric job with these inputs (snapshot: {refused}). \
             nautobot-ssot offers the snapshots loaded in the IP Fabric of its own settings: an admin makes sure it \
             reads the same IP Fabric as this Integration, and that the snapshot is loaded there."
        ),
    );
}

/// A job under an approval workflow: Nautobot 3.2 answers the scheduled job
/// it holds, and no job result.
#[tokio::test]
async fn a_run_held_for_approval_links_the_scheduled_job() {
    let server = nautobot(jobs(vec![ssot_job()])).await;
    let scheduled = "7a1c3e5b-2d4f-4a6c-8e0a-1b3d5f7a9c2e";
    Mock::given(method("POST"))
        .and(path(format!("/api/extras/jobs/{JOB_ID}/run/")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "scheduled_job": {"id": scheduled, "object_type": "extras.scheduledjob", "name": "IPFabric ⟹ Nautobot"},
            "job_result": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (_fake, fixture) = fixture_syncing(&server.uri(), true).await;

    let routed = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot false true true yes")
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        text(&routed),
        format!(
            "Nautobot holds the nautobot-ssot IP Fabric sync of snapshot **Nightly 2026-12-03** ({LAST_SNAPSHOT}, \
             loaded, 2026-12-03 02:45 UTC) until it is approved (an approval workflow applies to the job): \
             [scheduled job]({}/extras/scheduled-jobs/{scheduled}/)",
            server.uri()
        )
    );
}

/// Nautobot 3.2.7 will not run a job with sensitive variables (as
/// nautobot-ssot's is) under an approval workflow: its reason, as it is.
#[tokio::test]
async fn a_refusal_about_no_input_is_said_as_nautobots() {
    let server = nautobot(jobs(vec![ssot_job()])).await;
    let said = "Unable to run or schedule job: This job is flagged as possibly having sensitive variables but \
                also has an applicable approval workflow definition.";
    Mock::given(method("POST"))
        .and(path(format!("/api/extras/jobs/{JOB_ID}/run/")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([said])))
        .mount(&server)
        .await;
    let (_fake, fixture) = fixture_syncing(&server.uri(), true).await;

    let routed = fixture
        .typed(USER, "ipfabric ssot-sync-to-nautobot true true true")
        .await;

    assert_private_error(
        &routed,
        &format!("Nautobot would not run nautobot-ssot's IP Fabric job: {said}"),
    );
}
