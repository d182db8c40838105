//! A job launched from chat is followed to its end by the real gateway
//! binary, and its final status posted in the conversation that launched
//! it; past `--max-follow-ups`, or when the gateway stops first, the
//! conversation is told the job is no longer followed, with its link.

use std::time::Duration;

use chatops_testkit::fake_awx::{self, FakeAwx};
use chatops_tests::{
    copy_quickstart,
    fake_slack::{FakeSlack, Scripted},
    gateway_process::Gateway,
    quickstart::{ALICE, CHANNEL, WORKSPACE},
};
use reqwest::StatusCode;

/// The quickstart plus an `awx` Integration at `awx` acting with the
/// admin's token, and a grant of every awx sub-command to alice.
fn with_awx(awx: &FakeAwx) -> tempfile::TempDir {
    let dir = copy_quickstart();
    write_awx(dir.path(), awx);
    dir
}

/// Writes [`with_awx`]'s manifests into `dir`.
fn write_awx(dir: &std::path::Path, awx: &FakeAwx) {
    let manifests = format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: Integration\nmetadata: {{name: awx, namespace: chatops}}\n\
         spec:\n  type: awx\n  endpoint: {url}\n  credentials: {{tokenRef: {{name: awx, key: token}}}}\n---\n\
         apiVersion: v1\nkind: Secret\nmetadata: {{name: awx, namespace: chatops}}\n\
         stringData: {{token: {token}}}\n---\n\
         apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {{name: awx-for-alice, namespace: chatops}}\n\
         spec: {{command: awx, subcommand: '*', grantType: user, name: alice, value: {ALICE}}}\n",
        url = awx.url(),
        token = fake_awx::ADMIN_TOKEN,
    );
    std::fs::write(dir.join("awx.yaml"), manifests).unwrap();
}

/// The bodies posted to the response URL `id` once there are `count`.
async fn posted(slack: &FakeSlack, id: &str, count: usize) -> Vec<String> {
    let path = format!("/response/{id}");
    let all = slack
        .wait_for_all(
            Duration::from_secs(30),
            count,
            "the posts to the response URL",
            |r| r.path == path,
        )
        .await;
    all.iter().map(|r| r.text()).collect()
}

/// A gateway started with `extra` on the quickstart plus a fake AWX, in
/// which alice has launched "Restart Services" (typed `yes`), answered on the
/// response URL `launch`.
struct Launched {
    awx: FakeAwx,
    slack: FakeSlack,
    gateway: Gateway,
    /// The launch's answer.
    answer: String,
    /// The job's id.
    job: u64,
}

async fn launched(extra: &[&str]) -> Launched {
    let (awx, slack) = (FakeAwx::start().await, FakeSlack::start().await);
    let dir = with_awx(&awx);
    let gateway = Gateway::start(dir.path(), &slack.api_url(), extra).await;
    let url = gateway.url("/hooks/slack/commands");
    let text = r#"run-job-template "Restart Services" yes"#;
    let ack = slack.slash(&url, WORKSPACE, ALICE, "/awx", text, "launch").await;
    assert_eq!(ack.status(), 200);
    let answer = posted(&slack, "launch", 1).await.remove(0);
    let job = awx.jobs().last().unwrap()["id"].as_u64().unwrap();
    Launched {
        awx,
        slack,
        gateway,
        answer,
        job,
    }
}

/// The second post on the response URL says job `job` is no longer followed.
async fn assert_not_followed(slack: &FakeSlack, job: u64) {
    let bodies = posted(slack, "launch", 2).await;
    let said = format!("Job *{job}* (*Restart Services*) is no longer followed here");
    assert!(bodies[1].contains(&said), "{}", bodies[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_end_of_a_launched_job_is_posted_where_it_was_launched() {
    let Launched {
        awx,
        slack,
        gateway,
        answer,
        job,
    } = launched(&[]).await;
    assert!(answer.contains(&format!("job *{job}* is pending")), "{answer}");
    assert!(
        answer.contains("Its final status will be posted here when it ends."),
        "{answer}"
    );

    let bodies = posted(&slack, "launch", 2).await;
    let end = &bodies[1];
    assert!(
        end.contains(&format!(
            "Job *{job}* (*Restart Services*) ended *successful* after"
        )),
        "{end}"
    );
    assert!(end.contains(&format!("/#/jobs/playbook/{job}/output")), "{end}");
    assert_eq!(awx.jobs().last().unwrap()["status"], "successful");
    assert!(!gateway.logs().contains(fake_awx::ADMIN_TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_follow_up_limit_the_conversation_is_told_at_once() {
    let launch = launched(&["--max-follow-ups", "0"]).await;
    let (awx, slack, job) = (&launch.awx, &launch.slack, launch.job);

    assert_not_followed(slack, job).await;
    let reads = awx
        .requests()
        .iter()
        .filter(|r| r.path == format!("/api/v2/jobs/{job}/"))
        .count();
    assert_eq!(reads, 0, "the job is not read at all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_stopping_says_which_jobs_it_no_longer_follows() {
    let Launched {
        awx,
        slack,
        gateway,
        job,
        ..
    } = launched(&[]).await;
    // The fake's job ends on its third reading, seconds from now: the
    // gateway stops first.
    let stopped = tokio::task::spawn_blocking(move || gateway.terminate())
        .await
        .unwrap();

    assert!(stopped, "the gateway exits cleanly");
    assert_not_followed(&slack, job).await;
    assert_ne!(awx.jobs().last().unwrap()["status"], "successful");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_the_response_url_has_expired_the_end_is_posted_in_the_channel() {
    // Every field is kept: the gateway and the fakes live until the end.
    let launch = launched(&[]).await;
    let (slack, job) = (&launch.slack, launch.job);
    // What Slack answers on a response URL past its 30 minutes.
    slack.script(Scripted::new(StatusCode::NOT_FOUND, "expired_url"));

    let posted = slack
        .wait_for(Duration::from_secs(30), |r| r.path == "/api/chat.postMessage")
        .await
        .expect("the end is posted with the Web API");
    let body = posted.json();
    assert_eq!(body["channel"], CHANNEL, "{body}");
    let text = body.to_string();
    assert!(
        text.contains(&format!("Job *{job}* (*Restart Services*) ended *successful*")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_webex_the_end_is_a_message_of_its_own_in_the_space() {
    use chatops_tests::{fake_webex::FakeWebex, platforms::webex};
    let (awx, fake) = (FakeAwx::start().await, FakeWebex::start().await);
    let dir = webex::manifests("");
    write_awx(dir.path(), &awx);
    let grant = "apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {name: awx-on-webex, namespace: chatops}\n\
                 spec: {command: awx, subcommand: '*', grantType: user, name: alice-webex, value: '*'}\n";
    std::fs::write(dir.path().join("awx-webex.yaml"), grant).unwrap();
    let api = fake.url();
    let gateway = Gateway::start(
        dir.path(),
        &format!("http://{}/slack", fake.addr),
        &["--webex-api-url", api.as_str()],
    )
    .await;

    fake.add_message(serde_json::json!({
        "id": "msg-launch", "roomId": webex::ROOM, "roomType": "direct",
        "text": r#"awx run-job-template "Restart Services" yes"#,
        "personId": webex::ALICE, "personEmail": "alice@example.com", "created": "2026-01-01T00:00:00.000Z"
    }));
    let event = webex::message_event(
        "msg-launch",
        webex::ORG,
        webex::ALICE,
        "direct",
        &webex::created(0),
    );
    assert_eq!(webex::deliver(&gateway, &event).await.status(), 200);

    let messages = fake
        .wait_for_all(Duration::from_secs(30), 2, "the answer and the job's end", |r| {
            r.method == "POST" && r.path == "/v1/messages"
        })
        .await;
    let job = awx.jobs().last().unwrap()["id"].as_u64().unwrap();
    let (answer, end) = (messages[0].json(), messages[1].json());
    assert_eq!(end["roomId"], webex::ROOM, "{end}");
    assert!(
        answer.to_string().contains(&format!("job **{job}** is pending")),
        "{answer}"
    );
    assert!(
        end.to_string().contains(&format!(
            "Job **{job}** (**Restart Services**) ended **successful**"
        )),
        "{end}"
    );
}
