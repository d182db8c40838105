//! `/ipfabric ssot-sync-to-nautobot` against the real Nautobot 3.2.7 of
//! `scripts/nautobot/up`: the real gateway binary, a fake Slack, the test
//! kit's fake IP Fabric (the snapshots the chat reads) and, in Nautobot, the
//! stand-in for nautobot-ssot's IP Fabric job (`scripts/nautobot/jobs/
//! nautobot_ssot/integrations/ipfabric/jobs.py`: the real job's module path,
//! class, variables and snapshot choices; its run returns its inputs).
//!
//! The run is confirmed in the chat, Nautobot's Celery worker runs the job,
//! and the JobResult read back from Nautobot's API holds what the user chose;
//! a dry run is not asked to confirm; the Integration's own token (Nautobot's
//! `viewer`, who may view jobs but not run them) is refused in words, and
//! nothing runs. First, the test kit's `FakeNautobotJobs` (which the other
//! `ipfabric` tests run against) is held to the real answers: the same fields
//! of the job and of a run's job result, the same refusals word for word.
//! Last, under an approval workflow for the job, Nautobot will
//! not run it at all (its variables are sensitive, as nautobot-ssot leaves
//! them), and says so in words.
//!
//! Needs `scripts/nautobot/up` first (`.ci/run` does it); without a Nautobot
//! answering `GET /api/status/` the test fails, it never skips.

use std::time::Duration;

use chatops_tests::{
    chat::{Chat, On, Who},
    fake_ipfabric::{self, FakeIpFabric, LAST_SNAPSHOT, PREV_SNAPSHOT, UNLOADED_SNAPSHOT},
    fake_nautobot_jobs::{self, FakeNautobotJobs, IPFABRIC_JOB_ID, NautobotJobs},
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    nautobot_live::Nautobot,
    quickstart::DEFAULT_SETTINGS,
    wait,
};
use serde_json::{Value, json};

/// The ipfabric Integration, syncing into [`NAUTOBOT`].
const IPF: &str = "ipfabric";
/// The nautobot Integration on the live Nautobot: its own token is the
/// viewer's; [`Who::Operator`] is linked as `admin`, with the admin's token.
const NAUTOBOT: &str = "livenautobot";
/// nautobot-ssot's IP Fabric job, as Nautobot registers it.
const MODULE: &str = "nautobot_ssot.integrations.ipfabric.jobs";
/// See [`MODULE`].
const CLASS: &str = "IpFabricDataSource";
/// A Job runs in Nautobot's Celery worker: queued, started, logged, finished.
const JOB_PATIENCE: Duration = Duration::from_secs(60);
/// Where a job result's link points, in Nautobot's web UI.
const RESULT_PATH: &str = "/extras/job-results/";
/// Where Nautobot's approval workflow definitions are.
const APPROVALS: &str = "/api/extras/approval-workflow-definitions/";
/// The approval workflow definition the test makes for the job, and removes.
const APPROVAL: &str = "chatops-tests-ipfabric-approval";

/// The Integrations, Secrets, the operator's AccountLinks and the grants.
fn manifests(ipf: &FakeIpFabric, nautobot: &Nautobot) -> String {
    let mut documents = vec![
        format!(
            "{}  ipfabric: {{nautobot: {NAUTOBOT}}}\n",
            integration("ipfabric", IPF, &ipf.url(), &token_ref("ipfabric", "admin"), 30)
        ),
        integration(
            "nautobot",
            NAUTOBOT,
            &nautobot.url,
            &token_ref(NAUTOBOT, "viewer"),
            30,
        ),
        secret("ipfabric", &[("admin", fake_ipfabric::ADMIN_TOKEN)]),
        secret(
            NAUTOBOT,
            &[
                ("viewer", &nautobot.viewer_token),
                ("admin", &nautobot.admin_token),
            ],
        ),
    ];
    documents.extend(Who::operator_links_as("admin", &[(NAUTOBOT, NAUTOBOT, "admin")]));
    documents.push(grant_to_everyone(IPF));
    stream(&documents)
}

/// The job's record in Nautobot, found as the worker finds it.
async fn the_job(nautobot: &Nautobot) -> Value {
    let listed = nautobot
        .get(&format!(
            "/api/extras/jobs/?module_name={MODULE}&job_class_name={CLASS}"
        ))
        .await;
    assert_eq!(
        listed["count"], 1,
        "the stand-in job is loaded (scripts/nautobot/up seeds it): {listed}"
    );
    let job = listed["results"][0].clone();
    assert_eq!(job["enabled"], true, "seed.py enables it: {job}");
    job
}

/// How many times the job has been run so far.
async fn runs(nautobot: &Nautobot, job: &Value) -> u64 {
    let id = job["id"].as_str().expect("a job id");
    let results = nautobot
        .get(&format!("/api/extras/job-results/?job_model={id}&limit=1"))
        .await;
    results["count"].as_u64().expect("a count")
}

/// The id of the job result `answer` links to.
fn linked_result(answer: &str, nautobot: &Nautobot) -> String {
    let link = format!("{}{RESULT_PATH}", nautobot.url);
    let at = answer
        .find(&link)
        .unwrap_or_else(|| panic!("no link to {link}… in {answer}"));
    answer[at + link.len()..].chars().take(36).collect()
}

/// The job result `id` once it is done, within [`JOB_PATIENCE`].
async fn finished(nautobot: &Nautobot, id: &str) -> Value {
    let path = format!("/api/extras/job-results/{id}/");
    let done = wait::within_async(JOB_PATIENCE, || async {
        let result = nautobot.get(&path).await;
        let status = result["status"]["value"].as_str().unwrap_or_default().to_owned();
        ["SUCCESS", "FAILURE", "REVOKED"]
            .contains(&status.as_str())
            .then_some(result)
    })
    .await;
    done.unwrap_or_else(|| panic!("job result {id} not done within {JOB_PATIENCE:?}"))
}

/// Asserts that job result `id` succeeded, run by Nautobot user `user`,
/// with `inputs` (among what the stand-in returns).
async fn assert_ran(nautobot: &Nautobot, id: &str, user: &str, inputs: &Value) {
    let result = finished(nautobot, id).await;
    assert_eq!(result["status"]["value"], "SUCCESS", "{result}");
    let returned = &result["result"];
    for (variable, value) in inputs.as_object().expect("inputs") {
        assert_eq!(&returned[variable], value, "{variable} in {returned}");
    }
    let user_url = result["user"]["url"].as_str().expect("the job result's user");
    let path = &user_url[user_url.find("/api/").expect("an API URL")..];
    assert_eq!(nautobot.get(path).await["username"], user, "who ran it");
}

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

/// Asserts that the fake Nautobot jobs API answers as the real one: the job
/// as listed, a run's job result (both by their fields), and the refusals of a
/// variable the job lacks and of a snapshot it does not offer (word for word).
async fn assert_the_fake_answers_as_nautobot(nautobot: &Nautobot, job: &Value) {
    let fake = FakeNautobotJobs::serve(NautobotJobs::with_ipfabric_job()).await;
    let http = reqwest::Client::new();
    let token = format!("Token {}", fake_nautobot_jobs::TOKEN);
    let listed: Value = http
        .get(fake.url_of("/api/extras/jobs/"))
        .query(&[("module_name", MODULE), ("job_class_name", CLASS)])
        .header("authorization", &token)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the fake lists the job")
        .json()
        .await
        .expect("JSON");
    let faked = &listed["results"][0];
    assert_eq!(keys(faked), keys(job), "the job's fields, fake and real");
    for field in [
        "module_name",
        "job_class_name",
        "name",
        "grouping",
        "has_sensitive_variables",
        "supports_dryrun",
    ] {
        assert_eq!(faked[field], job[field], "{field}, fake and real");
    }

    let run_of = |id: &str| format!("/api/extras/jobs/{id}/run/");
    let job_id = job["id"].as_str().expect("a job id");
    let fake_run = |data: Value| {
        http.post(fake.url_of(&run_of(IPFABRIC_JOB_ID)))
            .header("authorization", &token)
            .json(&json!({"data": data}))
            .send()
    };
    let inputs = json!({"dryrun": true, "safe_delete_mode": true, "sync_ipfabric_tagged_only": true,
                        "snapshot": LAST_SNAPSHOT});
    let real = nautobot.create(&run_of(job_id), &json!({"data": inputs})).await;
    let faked: Value = fake_run(inputs.clone())
        .await
        .expect("the fake runs the job")
        .json()
        .await
        .expect("JSON");
    assert_eq!(keys(&faked), keys(&real), "a run's answer, fake and real");
    assert_eq!(
        keys(&faked["job_result"]),
        keys(&real["job_result"]),
        "a run's job result, fake and real"
    );
    assert_eq!(faked["job_result"]["status"], real["job_result"]["status"]);
    let id = real["job_result"]["id"].as_str().expect("a job result id");
    assert_ran(nautobot, id, "admin", &inputs).await;

    for refused in [
        json!({"dry_run": true, "snapshot": LAST_SNAPSHOT}),
        json!({"dryrun": true, "snapshot": UNLOADED_SNAPSHOT}),
    ] {
        let real = nautobot.refused(&run_of(job_id), &json!({"data": refused})).await;
        let faked = fake_run(refused.clone()).await.expect("the fake answers");
        assert_eq!(faked.status().as_u16(), 400, "{refused}");
        let faked: Value = faked.json().await.expect("JSON");
        assert_eq!(faked, real, "the refusal of {refused}, fake and real");
    }
    assert_eq!(fake.runs().len(), 1, "the fake ran only what Nautobot ran");
}

/// Removes the test's approval workflow definition, if an earlier run left it.
async fn remove_approval(nautobot: &Nautobot) {
    let found = nautobot.get(&format!("{APPROVALS}?name={APPROVAL}")).await;
    for definition in found["results"].as_array().into_iter().flatten() {
        let id = definition["id"].as_str().expect("an id");
        nautobot.delete(&format!("{APPROVALS}{id}/")).await;
    }
}

#[tokio::test]
async fn a_sync_runs_nautobot_ssots_job_in_the_real_nautobot_with_the_users_choices() {
    let nautobot = Nautobot::require().await;
    remove_approval(&nautobot).await;
    let job = the_job(&nautobot).await;
    assert_the_fake_answers_as_nautobot(&nautobot, &job).await;
    let ipf = FakeIpFabric::start().await;
    let yaml = manifests(&ipf, &nautobot);
    let chat = Chat::start(DEFAULT_SETTINGS, &[("ipfabric.yaml", &yaml)]).await;
    let on = On::Slack;

    // The admin syncs $prev, not a dry run: asked to confirm, nothing runs before yes.
    let before = runs(&nautobot, &job).await;
    let step = chat
        .ask(
            on,
            Who::Operator,
            IPF,
            "ssot-sync-to-nautobot false true false snapshot=$prev",
            "sync",
        )
        .await;
    chat.answer(
        &step,
        &[
            "into Nautobot (safe delete mode: yes, IP Fabric-tagged only: no)? This changes Nautobot.",
            PREV_SNAPSHOT,
        ],
    )
    .await;
    let confirm = chat.menu(&step).await;
    assert_eq!(confirm.values(), ["yes"], "{:?}", confirm.message);
    assert_eq!(runs(&nautobot, &job).await, before, "nothing runs before yes");
    let step = chat.choose(&confirm, Who::Operator, "yes", "sync-yes").await;
    let answer = chat
        .answer(
            &step,
            &[
                "The nautobot-ssot IP Fabric sync of snapshot",
                PREV_SNAPSHOT,
                RESULT_PATH,
            ],
        )
        .await;
    let id = linked_result(&answer, &nautobot);
    assert_ran(
        &nautobot,
        &id,
        "admin",
        &json!({"snapshot": PREV_SNAPSHOT, "dryrun": false, "safe_delete_mode": true,
                "sync_ipfabric_tagged_only": false}),
    )
    .await;

    // A dry run chosen from the menus, of $last: started without asking.
    let step = chat
        .ask(on, Who::Operator, IPF, "ssot-sync-to-nautobot", "dry")
        .await;
    let mut menu = chat.menu(&step).await;
    for (value, name) in [("true", "dry-dry"), ("false", "dry-safe")] {
        let step = chat.choose(&menu, Who::Operator, value, name).await;
        menu = chat.menu(&step).await;
    }
    let step = chat.choose(&menu, Who::Operator, "true", "dry-tagged").await;
    let answer = chat
        .answer(
            &step,
            &[
                "A dry run of the nautobot-ssot IP Fabric sync of snapshot",
                LAST_SNAPSHOT,
                RESULT_PATH,
            ],
        )
        .await;
    assert!(!answer.contains("This changes Nautobot"), "{answer}");
    let id = linked_result(&answer, &nautobot);
    assert_ran(
        &nautobot,
        &id,
        "admin",
        &json!({"snapshot": LAST_SNAPSHOT, "dryrun": true, "safe_delete_mode": false,
                "sync_ipfabric_tagged_only": true}),
    )
    .await;

    // Not linked: the Integration's own token, Nautobot's viewer, may not run jobs.
    let before = runs(&nautobot, &job).await;
    chat.answered(
        on,
        Who::Unlinked,
        IPF,
        "ssot-sync-to-nautobot true true true",
        "viewer",
        &["may not run extras/jobs in Nautobot"],
    )
    .await;
    assert_eq!(runs(&nautobot, &job).await, before, "the viewer ran nothing");

    // An approval workflow for this job (only): Nautobot 3.2.7 will not run a job
    // with sensitive variables under one, not even a dry run.
    nautobot
        .create(
            APPROVALS,
            &json!({"name": APPROVAL, "model_content_type": "extras.scheduledjob",
                    "model_constraints": {"job_model__module_name": MODULE}, "weight": 4711}),
        )
        .await;
    chat.answered(
        on,
        Who::Operator,
        IPF,
        "ssot-sync-to-nautobot true true true",
        "approval",
        &[
            "Nautobot would not run nautobot-ssot's IP Fabric job: Unable to run or schedule job",
            "approval workflow definition",
        ],
    )
    .await;
    remove_approval(&nautobot).await;
    assert_eq!(
        runs(&nautobot, &job).await,
        before,
        "nothing ran under the approval workflow"
    );

    let log = chat.gateway.logs();
    for token in [&nautobot.admin_token, &nautobot.viewer_token] {
        assert!(
            !log.contains(token.as_str()),
            "a Nautobot token reached the gateway's log"
        );
        for request in chat.requests(on) {
            assert!(
                !request.text().contains(token.as_str()),
                "a Nautobot token reached Slack"
            );
        }
    }
}
