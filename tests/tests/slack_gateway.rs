//! The real gateway binary on `examples/quickstart`, a fake Slack API, and
//! requests signed exactly as Slack signs them.

use std::path::Path;

use axum::http::StatusCode;
use chatops_tests::{
    assert_organization_denied, copy_quickstart,
    fake_slack::{FakeSlack, Scripted},
    gateway_process::Gateway,
    load_quickstart,
    quickstart::{ALICE, BOB, CHANNEL, FORM, PATIENCE, WORKSPACE},
    quickstart_dir,
    slack_requests::{
        QUICKSTART_SIGNING_SECRET as SECRET, alice_chatops, mention, menu_choice, now, post_signed,
    },
    texts_of, wait,
};

async fn start(fake: &FakeSlack, manifests: &Path) -> Gateway {
    Gateway::start(manifests, &fake.api_url(), &[]).await
}

fn quickstart() -> std::path::PathBuf {
    quickstart_dir()
}

/// `/chatops {text}` from `user` of `team`, answered on the fake's response URL `id`.
async fn slash(
    gateway: &Gateway,
    fake: &FakeSlack,
    team: &str,
    user: &str,
    text: &str,
    id: &str,
) -> reqwest::Response {
    let url = gateway.url("/hooks/slack/commands");
    fake.slash(&url, team, user, "/chatops", text, id).await
}

/// The body posted to the response URL `id`, once it arrives.
async fn answer(fake: &FakeSlack, id: &str) -> String {
    fake.answer(id).await
}

#[tokio::test]
async fn a_slash_command_is_answered_through_the_response_url() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    let ack = slash(&gateway, &fake, WORKSPACE, BOB, "whoami", "whoami").await;
    assert_eq!(ack.status(), StatusCode::OK);
    let text = answer(&fake, "whoami").await;
    for expected in [WORKSPACE, CHANNEL, BOB, "kind: AccountLink"] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
}

#[tokio::test]
async fn a_missing_argument_is_asked_with_a_menu_and_the_choice_completes_the_command() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    let select = open_access_menu(&gateway, &fake).await;
    let action_id = select["action_id"].as_str().unwrap().to_owned();
    let options = texts_of(&select["options"], "value");
    assert!(options.contains(&"chatops"), "{options:?}");

    choose(&gateway, &fake, ALICE, &action_id, "chatops", "chosen").await;
    let text = answer(&fake, "chosen").await;
    assert!(
        text.contains("whoami"),
        "the access table of chatops lists its sub-commands: {text}"
    );
}

#[tokio::test]
async fn a_tampered_continuation_is_refused() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    let action_id = access_menu_token(&gateway, &fake).await;
    let mut tampered = action_id.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    choose(&gateway, &fake, ALICE, &tampered, "chatops", "forged").await;
    let text = answer(&fake, "forged").await;
    assert!(text.contains("Sorry"), "{text}");
    assert!(!text.contains("whoami"), "the forged step must not run: {text}");

    // Another user cannot answer alice's prompt, genuine as it is.
    choose(&gateway, &fake, BOB, &action_id, "chatops", "other-user").await;
    let text = answer(&fake, "other-user").await;
    assert!(text.contains("someone else"), "{text}");
    assert!(!text.contains("whoami"), "{text}");
}

#[tokio::test]
async fn a_denied_user_is_told_the_missing_scope_and_the_id_to_ask_for() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    slash(&gateway, &fake, "T0OTHERORG1", ALICE, "whoami", "other-org").await;
    assert_organization_denied(&answer(&fake, "other-org").await, "T0OTHERORG1");
}

#[tokio::test]
async fn forged_stale_and_unknown_requests_are_refused_before_parsing() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    let body = alice_chatops("whoami", &fake.response_url("x"));
    let url = gateway.url("/hooks/slack/commands");

    let forged = post_signed(&url, "not-the-signing-secret", now(), &body, FORM).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let stale = post_signed(&url, SECRET, now() - 301, &body, FORM).await;
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED);
    let unsigned = reqwest::Client::new()
        .post(&url)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let unknown = post_signed(&gateway.url("/hooks/nope/commands"), SECRET, now(), &body, FORM).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let garbage = post_signed(&url, SECRET, now(), "%%%", FORM).await;
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    let huge = post_signed(&url, SECRET, now(), &"a".repeat(1024 * 1024), FORM).await;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // The gateway has decided about the refused requests.
    let refused = [("commands", "unverified", 3), ("commands", "malformed", 1)];
    gateway.wait_for_outcomes("slack", &refused).await;
    assert!(
        fake.requests().is_empty(),
        "nothing refused may reach Slack: {:?}",
        fake.requests()
    );

    let metrics = gateway.metrics().await;
    assert!(metrics.contains(r#"outcome="unverified""#), "{metrics}");
}

#[tokio::test]
async fn a_changed_grant_takes_effect_without_a_restart() {
    let dir = copy_quickstart();
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, dir.path()).await;
    slash(&gateway, &fake, WORKSPACE, BOB, "whoami", "before").await;
    assert!(!answer(&fake, "before").await.contains("not permitted"));

    // Take `chatops` away from everyone by narrowing its grant to alice.
    let grants = std::fs::read_to_string(dir.path().join("grants.yaml")).unwrap();
    let narrowed = grants.replacen(
        "  command: chatops\n  subcommand: \"*\"\n  grantType: user\n  name: anyone\n  value: \"*\"",
        "  command: chatops\n  subcommand: \"*\"\n  grantType: user\n  name: alice\n  value: U0EXAMPLE01",
        1,
    );
    assert_ne!(grants, narrowed, "the test edits the chatops grant");
    std::fs::write(dir.path().join("grants.yaml"), narrowed).unwrap();

    let changed_at = tokio::time::Instant::now();
    let attempt = std::cell::Cell::new(0);
    wait::until_async(PATIENCE, "the grant change picked up", || async {
        attempt.set(attempt.get() + 1);
        let id = format!("after-{}", attempt.get());
        slash(&gateway, &fake, WORKSPACE, BOB, "whoami", &id).await;
        let text = answer(&fake, &id).await;
        (text.contains("not permitted") && text.contains(BOB)).then_some(())
    })
    .await;
    eprintln!("grant change took effect after {:?}", changed_at.elapsed());
}

#[tokio::test]
async fn a_429_from_slack_is_retried_after_retry_after() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    fake.script(Scripted::too_many_requests(1, "rate limited"));
    slash(&gateway, &fake, WORKSPACE, BOB, "whoami", "limited").await;
    fake.assert_resent("/response/limited").await;
}

#[tokio::test]
async fn sigterm_stops_the_gateway_cleanly() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    assert!(gateway.terminate(), "exit status 0 after SIGTERM");
}

#[test]
fn the_quickstart_the_gateway_serves_is_the_one_the_tests_load() {
    assert!(load_quickstart().compile().rejected().next().is_none());
}

/// Alice types `/chatops access` without its argument; returns the menu's
/// select, whose `action_id` is the signed continuation.
async fn open_access_menu(gateway: &Gateway, fake: &FakeSlack) -> serde_json::Value {
    slash(gateway, fake, WORKSPACE, ALICE, "access", "menu").await;
    let menu: serde_json::Value = serde_json::from_str(&answer(fake, "menu").await).unwrap();
    let select = find_select(&menu).unwrap_or_else(|| panic!("no menu in {menu}"));
    select.clone()
}

/// The signed continuation of the menu [`open_access_menu`] opens.
async fn access_menu_token(gateway: &Gateway, fake: &FakeSlack) -> String {
    let select = open_access_menu(gateway, fake).await;
    select["action_id"].as_str().unwrap().to_owned()
}

/// `user` picks `value` from the menu whose action_id is `token`; the answer goes to response URL `id`.
async fn choose(gateway: &Gateway, fake: &FakeSlack, user: &str, token: &str, value: &str, id: &str) {
    let body = menu_choice(WORKSPACE, CHANNEL, user, token, value, &fake.response_url(id));
    let ack = post_signed(
        &gateway.url("/hooks/slack/interactions"),
        SECRET,
        now(),
        &body,
        FORM,
    )
    .await;
    assert_eq!(ack.status(), StatusCode::OK);
}

/// The first `static_select` element in a Block Kit message.
fn find_select(value: &serde_json::Value) -> Option<&serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("type").and_then(|t| t.as_str()) == Some("static_select") {
                return Some(value);
            }
            map.values().find_map(find_select)
        }
        serde_json::Value::Array(items) => items.iter().find_map(find_select),
        _ => None,
    }
}

#[tokio::test]
async fn the_events_api_is_verified_answered_and_deduplicated() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    let url = gateway.url("/hooks/slack/events");
    const JSON: &str = "application/json";

    let challenge = r#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let answer = post_signed(&url, SECRET, now(), challenge, JSON).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(
        body["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );

    let mention = mention("Ev0MENTION1", BOB);
    // Slack delivers, then retries the same event: it runs once.
    for _ in 0..2 {
        let ack = post_signed(&url, SECRET, now(), &mention, JSON).await;
        assert_eq!(ack.status(), StatusCode::OK);
    }
    let posted = fake
        .wait_for(PATIENCE, |r| r.path.starts_with("/api/chat.post"))
        .await
        .expect("the mention is answered through the Web API");
    let body = posted.json();
    assert_eq!(body["channel"], CHANNEL);
    assert_eq!(
        body["thread_ts"], "1700000000.000100",
        "answered in the mention's thread"
    );
    assert!(posted.text().contains(BOB));
    assert_eq!(
        posted.headers["authorization"],
        "Bearer xoxb-0000000000-0000000000000-quickstartnotarealtoken"
    );
    // The retry was told apart, and the command has run to the end.
    gateway.wait_for_requests("slack", "events", "duplicate", 1).await;
    gateway.wait_for_commands("slack", 1).await;
    let answers = fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/chat.post"))
        .count();
    assert_eq!(answers, 1, "the retried delivery must not run the command again");
}

#[tokio::test]
async fn slacks_certificate_check_gets_an_empty_200_and_runs_nothing() {
    let fake = FakeSlack::start().await;
    let gateway = start(&fake, &quickstart()).await;
    let answer = reqwest::Client::new()
        .post(gateway.url("/hooks/slack/commands"))
        .header("Content-Type", FORM)
        .body("ssl_check=1&token=unused")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.text().await.unwrap().is_empty());
    gateway
        .wait_for_requests("slack", "commands", "ssl_check", 1)
        .await;
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn delete_input_on_submission_removes_the_answered_menu_and_private_mode_hides_answers() {
    let dir = copy_quickstart();
    let platform = std::fs::read_to_string(dir.path().join("slack.yaml")).unwrap();
    let changed = platform
        .replace("deleteInputOnSubmission: false", "deleteInputOnSubmission: true")
        .replace("sendAllMessagesPrivate: false", "sendAllMessagesPrivate: true");
    std::fs::write(dir.path().join("slack.yaml"), changed).unwrap();

    let fake = FakeSlack::start().await;
    let gateway = start(&fake, dir.path()).await;
    let action_id = access_menu_token(&gateway, &fake).await;
    choose(&gateway, &fake, ALICE, &action_id, "chatops", "chosen").await;

    let chosen = || -> Vec<serde_json::Value> {
        fake.requests()
            .iter()
            .filter(|r| r.path == "/response/chosen")
            .map(|r| r.json())
            .collect()
    };
    // Whatever came within the patience: the assertions below say what is missing.
    let posts = wait::within(PATIENCE, || Some(chosen()).filter(|posts| posts.len() >= 2))
        .await
        .unwrap_or_else(chosen);
    assert!(
        posts.iter().any(|p| p["delete_original"] == true),
        "the menu is deleted: {posts:?}"
    );
    let answer = posts
        .iter()
        .find(|p| p.get("delete_original").is_none())
        .expect("an answer follows");
    assert_eq!(
        answer["response_type"], "ephemeral",
        "sendAllMessagesPrivate: {answer}"
    );
}
