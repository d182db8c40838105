//! Replays refused by the real gateway binary (issue 15, items 2–4): each
//! request signed (or carrying a context signed) as its platform does, sent
//! again as someone who captured it would, and the command must run once.
//!
//! - Slack: the same signed slash command or interaction sent three times
//!   runs once (409 for the repeats); a retry (`X-Slack-Retry-Num`), the same
//!   signed request or one signed anew, is acknowledged and not run.
//! - Webex: a delivery whose message was created too long ago, or too far
//!   ahead, is not run; a fresh one runs once however often it is sent; a
//!   full replay guard refuses new deliveries rather than forget old ones.
//! - Mattermost: a prompt's answer replayed with another `trigger_id`, none,
//!   another choice, or through another element of the prompt, runs once.
//! - Teams: an activity without an `id` is refused; one with an id runs once.

use std::time::Duration;

use axum::http::StatusCode;
use chatops_tests::{
    copy_quickstart,
    fake_mattermost::FakeMattermost,
    fake_slack::FakeSlack,
    fake_teams::{APP_ID, APP_PASSWORD, FakeTeams, KEY_A_KID, KEY_A_PEM, claims, sign as sign_token},
    fake_webex::FakeWebex,
    gateway_process::{Gateway, metric},
    quickstart_dir,
    signed::{slack_signature as slack_sign, webex_signature as webex_sign},
    slack_requests::{QUICKSTART_SIGNING_SECRET, menu_choice, now, slash_command},
    wait,
};
use serde_json::{Value, json};

const FORM: &str = "application/x-www-form-urlencoded";
/// Generous: the gateway answers in milliseconds, but CI machines can be slow.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long to wait for something that must not happen.
const QUIET: Duration = Duration::from_millis(500);

/// The value of the `chatops_gateway_webhook_requests` counter for
/// (`platform`, `endpoint`, `outcome`), 0 when absent.
async fn requests_counted(gateway: &Gateway, platform: &str, endpoint: &str, outcome: &str) -> u64 {
    let labels = [
        ("platform", platform),
        ("endpoint", endpoint),
        ("outcome", outcome),
    ];
    metric(gateway.admin, "chatops_gateway_webhook_requests_total", &labels).await as u64
}

// ---------------------------------------------------------------- Slack

mod slack {
    use super::*;

    pub use chatops_tests::quickstart::{ALICE, CHANNEL, WORKSPACE};

    pub async fn start(fake: &FakeSlack) -> Gateway {
        Gateway::start(&quickstart_dir(), &fake.api_url(), &[]).await
    }

    /// Alice's signed `/chatops {text}`, answered at the fake's response URL `id`.
    pub fn command(fake: &FakeSlack, text: &str, id: &str) -> String {
        slash_command(
            WORKSPACE,
            CHANNEL,
            ALICE,
            "/chatops",
            text,
            &fake.response_url(id),
        )
    }

    /// POSTs `body` to `path` with Slack's headers, signed at `timestamp`,
    /// with `X-Slack-Retry-Num` when `retry` is given.
    pub async fn post(
        gateway: &Gateway,
        path: &str,
        timestamp: i64,
        body: &str,
        retry: Option<u32>,
    ) -> reqwest::Response {
        let timestamp = timestamp.to_string();
        let signature = slack_sign(QUICKSTART_SIGNING_SECRET.as_bytes(), &timestamp, body.as_bytes());
        let mut request = reqwest::Client::new()
            .post(gateway.url(path))
            .header("Content-Type", FORM)
            .header("X-Slack-Request-Timestamp", timestamp)
            .header("X-Slack-Signature", signature)
            .body(body.to_owned());
        if let Some(retry) = retry {
            request = request
                .header("X-Slack-Retry-Num", retry.to_string())
                .header("X-Slack-Retry-Reason", "http_timeout");
        }
        request.send().await.unwrap()
    }

    /// The requests the fake got at the response URL `id`.
    pub fn answers(fake: &FakeSlack, id: &str) -> usize {
        let path = format!("/response/{id}");
        fake.requests().iter().filter(|r| r.path == path).count()
    }

    /// Waits for the first answer at the response URL `id`, and returns its body.
    pub async fn answer(fake: &FakeSlack, id: &str) -> Value {
        let path = format!("/response/{id}");
        fake.wait_for(PATIENCE, |r| r.path == path)
            .await
            .unwrap_or_else(|| panic!("no answer on {path}"))
            .json()
    }
}

#[tokio::test]
async fn a_signed_slash_command_sent_three_times_runs_once() {
    let fake = FakeSlack::start().await;
    let gateway = slack::start(&fake).await;
    let body = slack::command(&fake, "whoami", "thrice");
    let sent_at = now();
    let first = slack::post(&gateway, "/hooks/slack/commands", sent_at, &body, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    for _ in 0..2 {
        let replay = slack::post(&gateway, "/hooks/slack/commands", sent_at, &body, None).await;
        assert_eq!(replay.status(), StatusCode::CONFLICT);
        assert_eq!(replay.text().await.unwrap(), "this request was already received");
    }
    let text = slack::answer(&fake, "thrice").await.to_string();
    assert!(text.contains("Who you are"), "{text}");
    tokio::time::sleep(QUIET).await;
    assert_eq!(slack::answers(&fake, "thrice"), 1, "{:?}", fake.requests());
    assert_eq!(
        requests_counted(&gateway, "slack", "commands", "replayed").await,
        2
    );
    assert_eq!(
        requests_counted(&gateway, "slack", "commands", "accepted").await,
        1
    );

    // The same command signed at another second is another request: it runs.
    let again = slack::post(&gateway, "/hooks/slack/commands", sent_at - 1, &body, None).await;
    assert_eq!(again.status(), StatusCode::OK);
    wait::until(PATIENCE, "the new request to run", || {
        (slack::answers(&fake, "thrice") >= 2).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_signed_interaction_sent_three_times_runs_once() {
    let fake = FakeSlack::start().await;
    let gateway = slack::start(&fake).await;
    let open = slack::command(&fake, "access", "menu");
    let ack = slack::post(&gateway, "/hooks/slack/commands", now(), &open, None).await;
    assert_eq!(ack.status(), StatusCode::OK);
    let menu = slack::answer(&fake, "menu").await;
    let action_id = find_select_action_id(&menu).unwrap_or_else(|| panic!("no menu in {menu}"));

    let choice = menu_choice(
        slack::WORKSPACE,
        slack::CHANNEL,
        slack::ALICE,
        &action_id,
        "chatops",
        &fake.response_url("chosen"),
    );
    let sent_at = now();
    let first = slack::post(&gateway, "/hooks/slack/interactions", sent_at, &choice, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    for _ in 0..2 {
        let replay = slack::post(&gateway, "/hooks/slack/interactions", sent_at, &choice, None).await;
        assert_eq!(replay.status(), StatusCode::CONFLICT);
    }
    let text = slack::answer(&fake, "chosen").await.to_string();
    assert!(text.contains("whoami"), "the access table of chatops: {text}");
    tokio::time::sleep(QUIET).await;
    assert_eq!(slack::answers(&fake, "chosen"), 1, "{:?}", fake.requests());
    assert_eq!(
        requests_counted(&gateway, "slack", "interactions", "replayed").await,
        2
    );
}

/// The `action_id` of the first `static_select` in a Block Kit answer.
fn find_select_action_id(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) if map.get("type").and_then(Value::as_str) == Some("static_select") => {
            map.get("action_id").and_then(Value::as_str).map(str::to_owned)
        }
        Value::Object(map) => map.values().find_map(find_select_action_id),
        Value::Array(items) => items.iter().find_map(find_select_action_id),
        _ => None,
    }
}

#[tokio::test]
async fn a_slack_retry_of_a_running_command_is_acknowledged_and_not_rerun() {
    let fake = FakeSlack::start().await;
    let gateway = slack::start(&fake).await;
    let body = slack::command(&fake, "whoami", "retried");
    let sent_at = now();
    let first = slack::post(&gateway, "/hooks/slack/commands", sent_at, &body, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    // At once, as Slack retries after an `http_timeout` while the first still
    // runs: the same signed request, and the same body signed anew.
    let same = slack::post(&gateway, "/hooks/slack/commands", sent_at, &body, Some(1)).await;
    assert_eq!(same.status(), StatusCode::OK);
    let resigned = slack::post(&gateway, "/hooks/slack/commands", sent_at + 1, &body, Some(2)).await;
    assert_eq!(resigned.status(), StatusCode::OK);

    slack::answer(&fake, "retried").await;
    tokio::time::sleep(QUIET).await;
    assert_eq!(slack::answers(&fake, "retried"), 1, "{:?}", fake.requests());
    assert_eq!(
        requests_counted(&gateway, "slack", "commands", "duplicate").await,
        2
    );
    assert_eq!(
        requests_counted(&gateway, "slack", "commands", "replayed").await,
        0
    );

    // A retry of a request the gateway never received is the only copy: it runs.
    let lost = slack::command(&fake, "whoami", "lost");
    let retry = slack::post(&gateway, "/hooks/slack/commands", now(), &lost, Some(1)).await;
    assert_eq!(retry.status(), StatusCode::OK);
    slack::answer(&fake, "lost").await;
}

// ---------------------------------------------------------------- Webex

mod webex {
    use super::*;

    pub const PLATFORM: &str = "webex";
    pub const BOT_TOKEN: &str = "webex-bot-token-quickstart-not-for-production";
    pub const WEBHOOK_SECRET: &str = "webex-webhook-secret-quickstart";
    pub const ORG: &str = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9vcmcx";
    pub const ROOM: &str = "Y2lzY29zcGFyazovL3VzL1JPT00vcm9vbTE";
    pub const BOB: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib2I";

    /// The quickstart plus a Webex ChatPlatform, its Secret, and a grant for its organization.
    fn manifests() -> tempfile::TempDir {
        let dir = copy_quickstart();
        let platform = format!(
            r#"apiVersion: chatops.dev/v1alpha1
kind: ChatPlatform
metadata: {{name: {PLATFORM}, namespace: chatops}}
spec:
  type: webex
  webex:
    botTokenRef: {{name: webex, key: bot-token}}
    webhookSecretRef: {{name: webex, key: webhook-secret}}
  commandPrefix: /
  restrictHelp: false
  fallbackUser: chatbot
---
apiVersion: v1
kind: Secret
metadata: {{name: webex, namespace: chatops}}
type: Opaque
stringData: {{bot-token: {BOT_TOKEN}, webhook-secret: {WEBHOOK_SECRET}}}
---
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata: {{name: webex-org, namespace: chatops}}
spec: {{command: "*", subcommand: "*", grantType: organization, name: webex-org, value: {ORG}}}
"#
        );
        std::fs::write(dir.path().join("webex.yaml"), platform).unwrap();
        dir
    }

    pub async fn start(fake: &FakeWebex, extra: &[&str]) -> (tempfile::TempDir, Gateway) {
        let dir = manifests();
        let mut args = vec!["--webex-api-url".to_owned(), fake.url()];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let gateway = Gateway::start(dir.path(), &format!("http://{}/slack", fake.addr), &args).await;
        (dir, gateway)
    }

    /// `seconds` from now, as Webex writes `data.created`.
    pub fn created(seconds: i64) -> String {
        let at = k8s_openapi::jiff::Timestamp::now()
            .checked_add(k8s_openapi::jiff::SignedDuration::from_secs(seconds))
            .unwrap();
        at.to_string()
    }

    /// Stores the message `id` (`chatops whoami` by Bob) in the fake and
    /// returns its signed webhook body, as Webex sends it, created at `created`.
    pub fn message(fake: &FakeWebex, id: &str, created: &str) -> String {
        fake.add_message(json!({
            "id": id, "roomId": ROOM, "roomType": "direct", "text": "chatops whoami",
            "personId": BOB, "personEmail": "bob@example.com", "created": created
        }));
        json!({
            "id": "webhook-messages", "name": "chatops messages", "targetUrl": "https://gw.example.com/hooks/webex/events",
            "resource": "messages", "event": "created", "orgId": ORG, "createdBy": "bot",
            "appId": "app", "ownedBy": "creator", "status": "active",
            // The webhook's own creation: long ago, and the same on every delivery.
            "created": "2025-01-01T00:00:00.000Z", "actorId": BOB,
            "data": {"id": id, "roomId": ROOM, "roomType": "direct", "personId": BOB,
                     "personEmail": "bob@example.com", "created": created}
        })
        .to_string()
    }

    /// POSTs `body` signed with the webhook secret.
    pub async fn deliver(gateway: &Gateway, body: &str) -> reqwest::Response {
        reqwest::Client::new()
            .post(gateway.url(&format!("/hooks/{PLATFORM}/events")))
            .header("Content-Type", "application/json")
            .header(
                "X-Spark-Signature",
                webex_sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes()),
            )
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    /// How often the gateway fetched the message `id`.
    pub fn fetches(fake: &FakeWebex, id: &str) -> usize {
        let path = format!("/v1/messages/{id}");
        fake.requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path == path)
            .count()
    }

    /// The messages the gateway posted.
    pub fn posts(fake: &FakeWebex) -> usize {
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/v1/messages")
            .count()
    }

    /// Waits until the gateway has posted `n` messages.
    pub async fn posted(fake: &FakeWebex, n: usize) {
        let reached = wait::within(PATIENCE, || (posts(fake) >= n).then_some(())).await;
        assert!(
            reached.is_some(),
            "{} posts, not {n}: {:?}",
            posts(fake),
            fake.requests()
        );
    }
}

#[tokio::test]
async fn a_webex_delivery_created_long_ago_is_not_run_and_a_fresh_one_runs_once() {
    let fake = FakeWebex::start().await;
    let (_dir, gateway) = webex::start(&fake, &[]).await;

    // Captured ten minutes ago, or dated ten minutes ahead: acknowledged, never run.
    let stale = webex::message(&fake, "msg-stale", &webex::created(-600));
    assert_eq!(webex::deliver(&gateway, &stale).await.status(), StatusCode::OK);
    let ahead = webex::message(&fake, "msg-ahead", &webex::created(600));
    assert_eq!(webex::deliver(&gateway, &ahead).await.status(), StatusCode::OK);
    // A delivery that does not say when its message was created cannot be bounded: 400.
    let mut undated: Value = serde_json::from_str(&webex::message(&fake, "msg-undated", "x")).unwrap();
    undated["data"].as_object_mut().unwrap().remove("created");
    let undated = webex::deliver(&gateway, &undated.to_string()).await;
    assert_eq!(undated.status(), StatusCode::BAD_REQUEST);

    // A fresh one runs, once, however often the same signed body comes.
    let fresh = webex::message(&fake, "msg-fresh", &webex::created(-2));
    for _ in 0..3 {
        assert_eq!(webex::deliver(&gateway, &fresh).await.status(), StatusCode::OK);
    }
    webex::posted(&fake, 1).await;
    tokio::time::sleep(QUIET).await;
    assert_eq!(webex::fetches(&fake, "msg-fresh"), 1);
    assert_eq!(webex::posts(&fake), 1, "{:?}", fake.requests());
    for never in ["msg-stale", "msg-ahead", "msg-undated"] {
        assert_eq!(webex::fetches(&fake, never), 0, "{never} was fetched");
    }
    assert_eq!(
        requests_counted(&gateway, webex::PLATFORM, "events", "stale").await,
        2
    );
    assert_eq!(
        requests_counted(&gateway, webex::PLATFORM, "events", "duplicate").await,
        2
    );
}

#[tokio::test]
async fn a_full_replay_guard_refuses_new_deliveries_and_forgets_none() {
    let fake = FakeWebex::start().await;
    let (_dir, gateway) = webex::start(&fake, &["--replay-cache-entries", "2"]).await;
    let first = webex::message(&fake, "msg-1", &webex::created(0));
    let second = webex::message(&fake, "msg-2", &webex::created(0));
    let third = webex::message(&fake, "msg-3", &webex::created(0));
    assert_eq!(webex::deliver(&gateway, &first).await.status(), StatusCode::OK);
    assert_eq!(webex::deliver(&gateway, &second).await.status(), StatusCode::OK);
    webex::posted(&fake, 2).await;

    // Full: a count-bounded dedupe would forget msg-1 to make room, and its
    // replay would run again. The guard refuses the newcomer instead.
    let refused = webex::deliver(&gateway, &third).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=302).contains(&retry_after), "{retry_after}");
    assert_eq!(webex::deliver(&gateway, &first).await.status(), StatusCode::OK);

    tokio::time::sleep(QUIET).await;
    assert_eq!(webex::fetches(&fake, "msg-1"), 1, "msg-1 ran again");
    assert_eq!(webex::fetches(&fake, "msg-3"), 0);
    assert_eq!(webex::posts(&fake), 2);
    assert_eq!(
        requests_counted(&gateway, webex::PLATFORM, "events", "replay_cache_full").await,
        1
    );
}

// ---------------------------------------------------------------- Mattermost

mod mattermost {
    use super::*;

    pub const PLATFORM: &str = "mattermost";
    const BOT_TOKEN: &str = "mm-bot-token-quickstart-not-for-production";
    const SLASH_TOKEN: &str = "mmslashtokenchatops0000000";
    pub const TEAM: &str = "mmteam00000000000000000001";
    pub const CHANNEL: &str = "mmchannel00000000000000001";
    pub const ALICE: &str = "mmalice0000000000000000001";

    fn manifests(fake: &FakeMattermost) -> tempfile::TempDir {
        let dir = copy_quickstart();
        let platform = format!(
            r#"apiVersion: chatops.dev/v1alpha1
kind: ChatPlatform
metadata: {{name: {PLATFORM}, namespace: chatops}}
spec:
  type: mattermost
  mattermost:
    url: {url}
    botTokenRef: {{name: mattermost, key: bot-token}}
    slashTokenRefs: [{{name: mattermost, key: slash-chatops}}]
  commandPrefix: /
  restrictHelp: false
  fallbackUser: chatbot
  sessionCacheTimeoutSeconds: 600
---
apiVersion: v1
kind: Secret
metadata: {{name: mattermost, namespace: chatops}}
type: Opaque
stringData: {{bot-token: {BOT_TOKEN}, slash-chatops: {SLASH_TOKEN}}}
---
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata: {{name: mattermost-team, namespace: chatops}}
spec: {{command: "*", subcommand: "*", grantType: organization, name: mattermost-team, value: {TEAM}}}
"#,
            url = fake.url()
        );
        std::fs::write(dir.path().join("mattermost.yaml"), platform).unwrap();
        dir
    }

    pub async fn start(fake: &FakeMattermost) -> (tempfile::TempDir, Gateway) {
        let dir = manifests(fake);
        let gateway = Gateway::start(dir.path(), &format!("{}/slack", fake.url()), &[]).await;
        (dir, gateway)
    }

    /// Alice types `/chatops access`; returns the menu's actions (select, Cancel).
    pub async fn open_access_menu(gateway: &Gateway, fake: &FakeMattermost) -> Vec<Value> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("channel_id", CHANNEL)
            .append_pair("command", "/chatops")
            .append_pair("response_url", &fake.response_url("menu"))
            .append_pair("team_id", TEAM)
            .append_pair("text", "access")
            .append_pair("token", SLASH_TOKEN)
            .append_pair("trigger_id", "dHJpZ2dlcg")
            .append_pair("user_id", ALICE)
            .append_pair("user_name", "alice")
            .finish();
        let ack = reqwest::Client::new()
            .post(gateway.url(&format!("/hooks/{PLATFORM}/commands")))
            .header("Content-Type", FORM)
            .header("Authorization", format!("Token {SLASH_TOKEN}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(ack.status(), StatusCode::OK);
        let menu = fake
            .wait_for(PATIENCE, |r| r.path == "/hooks/commands/menu")
            .await
            .expect("the menu")
            .json();
        menu["attachments"][0]["actions"]
            .as_array()
            .unwrap_or_else(|| panic!("no menu in {menu}"))
            .clone()
    }

    /// What Mattermost POSTs when Alice uses `element` (choosing `choice` in
    /// a select), with `trigger` as its `trigger_id` (none when `None`).
    pub fn callback(element: &Value, choice: Option<&str>, trigger: Option<&str>) -> Value {
        let mut context = element["integration"]["context"].clone();
        if let Some(choice) = choice {
            context["selected_option"] = json!(choice);
        }
        let mut body = json!({
            "user_id": ALICE, "user_name": "alice", "channel_id": CHANNEL, "team_id": TEAM,
            "post_id": "mmpost0000000000000000001", "type": element["type"], "context": context
        });
        if let Some(trigger) = trigger {
            body["trigger_id"] = json!(trigger);
        }
        body
    }

    pub async fn post_action(gateway: &Gateway, body: &Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(gateway.url(&format!("/hooks/{PLATFORM}/actions")))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// The answers posted through the API (menus go to the response URL).
    pub fn api_posts(fake: &FakeMattermost) -> usize {
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.starts_with("/api/v4/posts"))
            .count()
    }
}

#[tokio::test]
async fn a_mattermost_prompt_answer_replayed_with_another_or_no_trigger_runs_once() {
    let fake = FakeMattermost::start().await;
    let (_dir, gateway) = mattermost::start(&fake).await;
    let actions = mattermost::open_access_menu(&gateway, &fake).await;
    let element = |kind: &str| {
        actions
            .iter()
            .find(|a| a["type"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} in {actions:?}"))
    };
    let (select, cancel) = (element("select"), element("button"));

    let first = mattermost::callback(&select, Some("chatops"), Some("dHJpZ2dlcjE"));
    let ack = mattermost::post_action(&gateway, &first).await;
    assert_eq!(ack.status(), StatusCode::OK);
    assert_eq!(ack.json::<Value>().await.unwrap(), json!({}));
    fake.wait_for(PATIENCE, |r| r.path.starts_with("/api/v4/posts"))
        .await
        .expect("the answer");

    // The same signed context again: with a new trigger_id, with none, with
    // another choice (not signed), and through the prompt's Cancel button.
    for replay in [
        mattermost::callback(&select, Some("chatops"), Some("dHJpZ2dlcjI")),
        mattermost::callback(&select, Some("chatops"), None),
        mattermost::callback(&select, Some("nautobot"), Some("dHJpZ2dlcjM")),
        mattermost::callback(&cancel, None, Some("dHJpZ2dlcjQ")),
    ] {
        let answer = mattermost::post_action(&gateway, &replay).await;
        assert_eq!(answer.status(), StatusCode::OK, "{replay}");
        let answer: Value = answer.json().await.unwrap();
        assert!(
            answer["ephemeral_text"]
                .as_str()
                .unwrap_or_default()
                .contains("already answered"),
            "{answer}"
        );
    }
    tokio::time::sleep(QUIET).await;
    assert_eq!(mattermost::api_posts(&fake), 1, "{:?}", fake.requests());
    assert_eq!(
        requests_counted(&gateway, mattermost::PLATFORM, "actions", "replayed").await,
        4
    );
}

// ---------------------------------------------------------------- Teams

mod teams {
    use super::*;

    pub const PLATFORM: &str = "teams";
    const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const ALICE: &str = "7faf8ab2-3d56-4244-b585-20c8a42ed2b8";
    const ALICE_ID: &str = "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ";
    const PERSONAL: &str = "a:1Xpersonal-chat-with-the-bot_0123456789";

    fn manifests() -> tempfile::TempDir {
        let dir = copy_quickstart();
        let platform = format!(
            r#"apiVersion: chatops.dev/v1alpha1
kind: ChatPlatform
metadata: {{name: {PLATFORM}, namespace: chatops}}
spec:
  type: msteams
  msteams: {{appId: {APP_ID}, appPasswordRef: {{name: teams, key: app-password}}}}
  commandPrefix: /
  restrictHelp: false
  fallbackUser: chatbot
---
apiVersion: v1
kind: Secret
metadata: {{name: teams, namespace: chatops}}
type: Opaque
stringData: {{app-password: {APP_PASSWORD}}}
---
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata: {{name: teams-tenant, namespace: chatops}}
spec: {{command: "*", subcommand: "*", grantType: organization, name: teams-tenant, value: {TENANT}}}
"#
        );
        std::fs::write(dir.path().join("teams.yaml"), platform).unwrap();
        dir
    }

    pub async fn start(fake: &FakeTeams) -> (tempfile::TempDir, Gateway) {
        let dir = manifests();
        let args = [
            "--teams-openid-metadata-url".to_owned(),
            fake.openid_url(),
            "--teams-login-url".to_owned(),
            fake.login_url(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let gateway = Gateway::start(dir.path(), &format!("http://{}/slack", fake.addr), &args).await;
        (dir, gateway)
    }

    /// `chatops whoami` in Alice's personal chat with the bot, as activity `id`.
    pub fn activity(fake: &FakeTeams, id: &str) -> Value {
        json!({
            "type": "message", "id": id, "timestamp": "2026-01-01T00:00:00.000Z",
            "serviceUrl": fake.service_url(), "channelId": "msteams",
            "from": {"id": ALICE_ID, "name": "Alice", "aadObjectId": ALICE},
            "conversation": {"conversationType": "personal", "tenantId": TENANT, "id": PERSONAL},
            "recipient": {"id": format!("28:{APP_ID}"), "name": "ChatOps Bot"},
            "textFormat": "plain", "text": "chatops whoami",
            "channelData": {"tenant": {"id": TENANT}}, "locale": "en-US"
        })
    }

    /// POSTs `activity` with a valid Bot Connector token.
    pub async fn deliver(gateway: &Gateway, activity: &Value) -> reqwest::Response {
        let token = sign_token(
            KEY_A_PEM,
            KEY_A_KID,
            &claims(activity["serviceUrl"].as_str().unwrap()),
        );
        reqwest::Client::new()
            .post(gateway.url(&format!("/hooks/{PLATFORM}/messages")))
            .header("Content-Type", "application/json")
            .header("Authorization", format!("Bearer {token}"))
            .body(activity.to_string())
            .send()
            .await
            .unwrap()
    }

    /// The answers of `chatops whoami` the gateway sent through the
    /// Connector (the activity holding the AccountLink snippet: one per run).
    pub fn answers(fake: &FakeTeams) -> usize {
        fake.connector_requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.json()["type"] == "message")
            .filter(|r| r.text().contains("kind: AccountLink"))
            .count()
    }
}

#[tokio::test]
async fn a_teams_activity_without_an_id_is_refused_and_one_with_an_id_runs_once() {
    let fake = FakeTeams::start().await;
    let (_dir, gateway) = teams::start(&fake).await;
    let mut anonymous = teams::activity(&fake, "unused");
    anonymous.as_object_mut().unwrap().remove("id");
    let refused = teams::deliver(&gateway, &anonymous).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("no id"));
    let mut empty = teams::activity(&fake, "");
    empty["id"] = json!("");
    assert_eq!(
        teams::deliver(&gateway, &empty).await.status(),
        StatusCode::BAD_REQUEST
    );
    tokio::time::sleep(QUIET).await;
    assert_eq!(teams::answers(&fake), 0, "{:?}", fake.summaries());

    let activity = teams::activity(&fake, "1485983408511");
    for _ in 0..3 {
        assert_eq!(teams::deliver(&gateway, &activity).await.status(), StatusCode::OK);
    }
    let answered = wait::within(PATIENCE, || (teams::answers(&fake) > 0).then_some(())).await;
    assert!(answered.is_some(), "{:?}", fake.summaries());
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        teams::answers(&fake),
        1,
        "the repeats ran nothing: {:?}",
        fake.summaries()
    );
    assert_eq!(
        requests_counted(&gateway, teams::PLATFORM, "messages", "duplicate").await,
        2
    );
}
