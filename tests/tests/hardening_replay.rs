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

use axum::http::StatusCode;
use chatops_tests::{
    fake_mattermost::FakeMattermost,
    fake_slack::FakeSlack,
    fake_teams::FakeTeams,
    fake_webex::FakeWebex,
    gateway_process::Gateway,
    platforms,
    quickstart::{FORM, PATIENCE},
    quickstart_dir,
    signed::slack_signature as slack_sign,
    slack_requests::{QUICKSTART_SIGNING_SECRET, alice_chatops, menu_choice, now},
    wait,
};
use serde_json::{Value, json};

/// The settings of the platforms added to the quickstart: none beyond those every platform test has.
const SETTINGS: &str = "";

// ---------------------------------------------------------------- Slack

mod slack {
    use super::*;

    pub use chatops_tests::quickstart::{ALICE, CHANNEL, WORKSPACE};

    pub async fn start(fake: &FakeSlack) -> Gateway {
        Gateway::start(&quickstart_dir(), &fake.api_url(), &[]).await
    }

    /// Alice's signed `/chatops {text}`, answered at the fake's response URL `id`.
    pub fn command(fake: &FakeSlack, text: &str, id: &str) -> String {
        alice_chatops(text, &fake.response_url(id))
    }

    /// Alice's signed `/chatops {text}`, answered at `id`, sent once and
    /// acknowledged; returns it and when it was signed.
    pub async fn sent_once(gateway: &Gateway, fake: &FakeSlack, text: &str, id: &str) -> (String, i64) {
        let body = command(fake, text, id);
        let sent_at = now();
        let first = post(gateway, "/hooks/slack/commands", sent_at, &body, None).await;
        assert_eq!(first.status(), StatusCode::OK);
        (body, sent_at)
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
    let (body, sent_at) = slack::sent_once(&gateway, &fake, "whoami", "thrice").await;
    for _ in 0..2 {
        let replay = slack::post(&gateway, "/hooks/slack/commands", sent_at, &body, None).await;
        assert_eq!(replay.status(), StatusCode::CONFLICT);
        assert_eq!(replay.text().await.unwrap(), "this request was already received");
    }
    let text = slack::answer(&fake, "thrice").await.to_string();
    assert!(text.contains("Who you are"), "{text}");
    gateway.wait_for_commands("slack", 1).await;
    assert_eq!(slack::answers(&fake, "thrice"), 1, "{:?}", fake.requests());
    assert_eq!(gateway.requests_counted("slack", "commands", "replayed").await, 2);
    assert_eq!(gateway.requests_counted("slack", "commands", "accepted").await, 1);

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
    // `access` and the choice have run to the end.
    gateway.wait_for_commands("slack", 2).await;
    assert_eq!(slack::answers(&fake, "chosen"), 1, "{:?}", fake.requests());
    assert_eq!(
        gateway
            .requests_counted("slack", "interactions", "replayed")
            .await,
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
    let (body, sent_at) = slack::sent_once(&gateway, &fake, "whoami", "retried").await;
    // At once, as Slack retries after an `http_timeout` while the first still
    // runs: the same signed request, and the same body signed anew.
    let same = slack::post(&gateway, "/hooks/slack/commands", sent_at, &body, Some(1)).await;
    assert_eq!(same.status(), StatusCode::OK);
    let resigned = slack::post(&gateway, "/hooks/slack/commands", sent_at + 1, &body, Some(2)).await;
    assert_eq!(resigned.status(), StatusCode::OK);

    slack::answer(&fake, "retried").await;
    gateway.wait_for_commands("slack", 1).await;
    assert_eq!(slack::answers(&fake, "retried"), 1, "{:?}", fake.requests());
    assert_eq!(
        gateway.requests_counted("slack", "commands", "duplicate").await,
        2
    );
    assert_eq!(gateway.requests_counted("slack", "commands", "replayed").await, 0);

    // A retry of a request the gateway never received is the only copy: it runs.
    let lost = slack::command(&fake, "whoami", "lost");
    let retry = slack::post(&gateway, "/hooks/slack/commands", now(), &lost, Some(1)).await;
    assert_eq!(retry.status(), StatusCode::OK);
    slack::answer(&fake, "lost").await;
}

// ---------------------------------------------------------------- Webex

mod webex {
    use super::*;

    use platforms::webex::{BOB, ORG, ROOM, message_event};
    pub use platforms::webex::{PLATFORM, created, deliver};

    pub async fn start(fake: &FakeWebex, extra: &[&str]) -> (tempfile::TempDir, Gateway) {
        platforms::webex::start(fake, SETTINGS, extra).await
    }

    /// Stores the message `id` (`chatops whoami` by Bob) in the fake and
    /// returns its webhook, as Webex sends it, created at `created`.
    pub fn message(fake: &FakeWebex, id: &str, created: &str) -> Value {
        fake.add_message(json!({
            "id": id, "roomId": ROOM, "roomType": "direct", "text": "chatops whoami",
            "personId": BOB, "personEmail": "bob@example.com", "created": created
        }));
        message_event(id, ORG, BOB, "direct", created)
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
    let mut undated = webex::message(&fake, "msg-undated", "x");
    undated["data"].as_object_mut().unwrap().remove("created");
    let undated = webex::deliver(&gateway, &undated).await;
    assert_eq!(undated.status(), StatusCode::BAD_REQUEST);

    // A fresh one runs, once, however often the same signed body comes.
    let fresh = webex::message(&fake, "msg-fresh", &webex::created(-2));
    for _ in 0..3 {
        assert_eq!(webex::deliver(&gateway, &fresh).await.status(), StatusCode::OK);
    }
    webex::posted(&fake, 1).await;
    gateway.wait_for_commands(webex::PLATFORM, 1).await;
    assert_eq!(webex::fetches(&fake, "msg-fresh"), 1);
    assert_eq!(webex::posts(&fake), 1, "{:?}", fake.requests());
    for never in ["msg-stale", "msg-ahead", "msg-undated"] {
        assert_eq!(webex::fetches(&fake, never), 0, "{never} was fetched");
    }
    assert_eq!(
        gateway.requests_counted(webex::PLATFORM, "events", "stale").await,
        2
    );
    assert_eq!(
        gateway
            .requests_counted(webex::PLATFORM, "events", "duplicate")
            .await,
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

    gateway.wait_for_commands(webex::PLATFORM, 2).await;
    assert_eq!(webex::fetches(&fake, "msg-1"), 1, "msg-1 ran again");
    assert_eq!(webex::fetches(&fake, "msg-3"), 0);
    assert_eq!(webex::posts(&fake), 2);
    assert_eq!(
        gateway
            .requests_counted(webex::PLATFORM, "events", "replay_cache_full")
            .await,
        1
    );
}

// ---------------------------------------------------------------- Mattermost

mod mattermost {
    use super::*;

    use platforms::mattermost::{ALICE, CHANNEL, SLASH_TOKEN, TEAM, command};
    pub use platforms::mattermost::{PLATFORM, post_action};

    pub async fn start(fake: &FakeMattermost) -> (tempfile::TempDir, Gateway) {
        platforms::mattermost::start(fake, SETTINGS).await
    }

    /// Alice types `/chatops access`; returns the menu's actions (select, Cancel).
    pub async fn open_access_menu(gateway: &Gateway, fake: &FakeMattermost) -> Vec<Value> {
        let url = gateway.url(&format!("/hooks/{PLATFORM}/commands"));
        let response_url = fake.response_url("menu");
        let ack = command(SLASH_TOKEN, TEAM, ALICE, "access", &response_url)
            .post(&url, &[])
            .await;
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
    // `access` and the first answer have run to the end.
    gateway.wait_for_commands(mattermost::PLATFORM, 2).await;
    assert_eq!(mattermost::api_posts(&fake), 1, "{:?}", fake.requests());
    assert_eq!(
        gateway
            .requests_counted(mattermost::PLATFORM, "actions", "replayed")
            .await,
        4
    );
}

// ---------------------------------------------------------------- Teams

mod teams {
    use super::*;

    use platforms::teams::{ALICE, ALICE_ID, TENANT, personal_activity};
    pub use platforms::teams::{PLATFORM, post_valid as deliver};

    pub async fn start(fake: &FakeTeams) -> (tempfile::TempDir, Gateway) {
        platforms::teams::start(fake, SETTINGS, None, &[]).await
    }

    /// `chatops whoami` in Alice's personal chat with the bot, as activity `id`.
    pub fn activity(fake: &FakeTeams, id: &str) -> Value {
        personal_activity(fake, id, TENANT, (ALICE, ALICE_ID), "chatops whoami")
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
    gateway
        .wait_for_requests(teams::PLATFORM, "messages", "malformed", 2)
        .await;
    assert_eq!(teams::answers(&fake), 0, "{:?}", fake.summaries());

    let activity = teams::activity(&fake, "1485983408511");
    for _ in 0..3 {
        assert_eq!(teams::deliver(&gateway, &activity).await.status(), StatusCode::OK);
    }
    let answered = wait::within(PATIENCE, || (teams::answers(&fake) > 0).then_some(())).await;
    assert!(answered.is_some(), "{:?}", fake.summaries());
    gateway.wait_for_commands(teams::PLATFORM, 1).await;
    assert_eq!(
        teams::answers(&fake),
        1,
        "the repeats ran nothing: {:?}",
        fake.summaries()
    );
    assert_eq!(
        gateway
            .requests_counted(teams::PLATFORM, "messages", "duplicate")
            .await,
        2
    );
}
