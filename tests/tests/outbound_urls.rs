//! Response URLs are followed only to the platform's own hosts: a signed
//! request whose `response_url` points elsewhere (the gateway's own admin
//! port, another service) gets no POST from the gateway, and the audit line
//! says why, naming the host and never the URL.

use std::time::Duration;

use chatops_tests::{
    copy_quickstart,
    fake_mattermost::FakeMattermost,
    fake_slack::FakeSlack,
    gateway_process::{Gateway, Source},
    slack_requests::{QUICKSTART_SIGNING_SECRET as SECRET, alice_chatops, now, post_signed},
    workspace_root,
};

const FORM: &str = "application/x-www-form-urlencoded";
const PATIENCE: Duration = Duration::from_secs(10);

/// The audit line of the one command run, once it is written.
async fn audit(gateway: &Gateway) -> serde_json::Value {
    let mut lines = gateway.wait_for_log_lines("command", 1).await;
    lines.pop().expect("one line at least")
}

#[tokio::test]
async fn slack_response_urls_off_slack_are_not_followed() {
    let fake = FakeSlack::start().await;
    let gateway = Gateway::start_strict(
        Source::Manifests(&workspace_root().join("examples/quickstart")),
        &fake.api_url(),
        &[],
    )
    .await;
    // The fake listens on loopback, as the gateway's own admin port does.
    let body = alice_chatops("whoami", &fake.response_url("secret-path-part"));
    let ack = post_signed(&gateway.url("/hooks/slack/commands"), SECRET, now(), &body, FORM).await;
    assert_eq!(ack.status(), 200, "the request itself is genuine");

    let line = audit(&gateway).await;
    assert_eq!(line["outcome"], "errored", "{line}");
    let detail = line["detail"].as_str().unwrap();
    assert!(detail.contains("not followed"), "{detail}");
    assert!(detail.contains("127.0.0.1"), "the host is named: {detail}");
    assert!(
        detail.contains("hooks.slack.com"),
        "the allowed host is named: {detail}"
    );
    assert!(
        !gateway.logs().contains("secret-path-part"),
        "the URL is never logged"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        fake.requests().is_empty(),
        "nothing was posted: {:?}",
        fake.requests()
    );
}

/// The quickstart plus a Mattermost ChatPlatform whose server is `fake`.
fn with_mattermost(fake: &FakeMattermost) -> tempfile::TempDir {
    let dir = copy_quickstart();
    let manifests = format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: ChatPlatform\nmetadata: {{name: mattermost, namespace: chatops}}\n\
         spec:\n  type: mattermost\n  mattermost:\n    url: {url}\n    botTokenRef: {{name: mattermost, key: bot-token}}\n    \
         slashTokenRefs: [{{name: mattermost, key: slash}}]\n---\n\
         apiVersion: v1\nkind: Secret\nmetadata: {{name: mattermost, namespace: chatops}}\n\
         stringData: {{bot-token: mm-bot-token-test-only, slash: mmslashtokentestonly00000}}\n---\n\
         apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {{name: mm-team, namespace: chatops}}\n\
         spec: {{command: '*', subcommand: '*', grantType: organization, name: mm-team, value: mmteam1}}\n",
        url = fake.url()
    );
    std::fs::write(dir.path().join("mattermost.yaml"), manifests).unwrap();
    dir
}

async fn mattermost_slash(gateway: &Gateway, response_url: &str) -> reqwest::Response {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("channel_id", "C0GENERAL01")
        .append_pair("command", "/chatops")
        .append_pair("response_url", response_url)
        .append_pair("team_id", "mmteam1")
        .append_pair("text", "whoami")
        .append_pair("token", "mmslashtokentestonly00000")
        .append_pair("user_id", "mmuser1")
        .append_pair("user_name", "someone")
        .finish();
    reqwest::Client::new()
        .post(gateway.url("/hooks/mattermost/commands"))
        .header("Content-Type", FORM)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn mattermost_answers_at_its_server_and_nowhere_else() {
    let server = FakeMattermost::start().await;
    let elsewhere = FakeMattermost::start().await;
    let dir = with_mattermost(&server);
    let gateway = Gateway::start_strict(Source::Manifests(dir.path()), "http://127.0.0.1:9/api", &[]).await;

    // The configured server, over its own (plain http) origin: answered.
    assert_eq!(
        mattermost_slash(&gateway, &server.response_url("ok"))
            .await
            .status(),
        200
    );
    let answered = server
        .wait_for(PATIENCE, |r| r.path == "/hooks/commands/ok")
        .await;
    assert!(answered.is_some(), "{}", gateway.logs());

    // The same host on another port, over plain http: not followed.
    assert_eq!(
        mattermost_slash(&gateway, &elsewhere.response_url("no"))
            .await
            .status(),
        200
    );
    let lines = gateway.wait_for_log_lines("command", 2).await;
    let refused = lines
        .iter()
        .find(|line| line["outcome"] != "succeeded")
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert_eq!(refused["outcome"], "errored", "{refused}");
    assert!(
        refused["detail"].as_str().unwrap().contains("is not https"),
        "{refused}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(elsewhere.requests().is_empty(), "{:?}", elsewhere.requests());
}
