//! The real gateway binary on `examples/quickstart` plus a Webex
//! ChatPlatform, a fake Webex API, and webhooks shaped and signed
//! (`X-Spark-Signature`) as Webex sends them. A webhook carries no text: the
//! gateway fetches the message or the card submission from the fake, which
//! the test stored there first, as Webex would have.

use axum::http::StatusCode;
use chatops_gateway::{
    commands::derive_key,
    model::ReplyContext,
    platforms::webex::{client::WebexClient, dispatcher::WebexDispatcher},
};
use chatops_tests::{
    assert_organization_denied,
    fake_webex::{BOT_NAME, BOT_PERSON_ID, FakeWebex, Recorded, Scripted},
    gateway_process::{Gateway, gateway_binary},
    platforms::webex::{
        ALICE, BOB, BOT_TOKEN, ORG, OTHER_ORG, PLATFORM, ROOM, WEBHOOK_SECRET, created, deliver, manifests,
        start_with_fake,
    },
    quickstart::{DEFAULT_SETTINGS, DELETE_INPUT, PATIENCE},
    send_form::send_access_form,
    signed::{post_webex, webex_signature as sign},
    wait,
};
use serde_json::{Value, json};

async fn start(settings: &str) -> (FakeWebex, tempfile::TempDir, Gateway) {
    start_with_fake(settings, &[]).await
}

/// A `messages` `created` webhook as Webex sends it, created now.
fn message_event(id: &str, org: &str, person: &str, room_type: &str) -> Value {
    chatops_tests::platforms::webex::message_event(id, org, person, room_type, &created(0))
}

/// Stores the message `id` in the fake and sends its signed webhook; returns the acknowledgement.
async fn say(
    gateway: &Gateway,
    fake: &FakeWebex,
    id: &str,
    org: &str,
    person: &str,
    text: &str,
) -> reqwest::Response {
    fake.add_message(json!({
        "id": id, "roomId": ROOM, "roomType": "direct", "text": text,
        "personId": person, "personEmail": "someone@example.com", "created": "2026-01-01T00:00:00.000Z"
    }));
    deliver(gateway, &message_event(id, org, person, "direct")).await
}

async fn deliver_raw(gateway: &Gateway, body: &[u8], signature: Option<&str>) -> reqwest::Response {
    post_webex(
        &gateway.url(&format!("/hooks/{PLATFORM}/events")),
        body,
        signature,
    )
    .await
}

fn posts(fake: &FakeWebex) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/messages")
        .collect()
}

/// The `n`-th message the gateway posted, once it arrives.
async fn posted(fake: &FakeWebex, n: usize) -> Recorded {
    let found = wait::within(PATIENCE, || posts(fake).into_iter().nth(n)).await;
    found.unwrap_or_else(|| panic!("nothing posted: {:?}", fake.method_paths()))
}

/// The card's `Action.Submit` titled `title`, its `data`.
fn submit_data(card_message: &Value, title: &str) -> Value {
    card_message["attachments"][0]["content"]["actions"]
        .as_array()
        .and_then(|actions| actions.iter().find(|a| a["title"] == title))
        .map(|a| a["data"].clone())
        .unwrap_or_else(|| panic!("no {title} button in {card_message}"))
}

/// Asserts that `answer` is not the access table: the submission was refused.
fn assert_refused(answer: &Value) {
    let text = answer["markdown"].as_str().unwrap_or_default();
    assert!(!text.contains("whoami"), "{answer}");
}

/// An `attachmentActions` `created` webhook.
fn action_event(id: &str, person: &str, message_id: &str) -> Value {
    json!({
        "id": "webhook-actions", "name": "chatops cards", "resource": "attachmentActions", "event": "created",
        "orgId": ORG, "createdBy": BOT_PERSON_ID, "actorId": person,
        "data": {"id": id, "type": "submit", "messageId": message_id, "personId": person, "roomId": ROOM,
                 "created": created(0)}
    })
}

/// Stores a card submission with `inputs` and sends its signed webhook.
async fn submit(
    gateway: &Gateway,
    fake: &FakeWebex,
    id: &str,
    person: &str,
    inputs: Value,
) -> reqwest::Response {
    fake.add_action(json!({
        "id": id, "type": "submit", "messageId": "card-message", "personId": person, "roomId": ROOM,
        "inputs": inputs, "created": "2026-01-01T00:00:00.000Z"
    }));
    deliver(gateway, &action_event(id, person, "card-message")).await
}

#[tokio::test]
async fn a_command_is_answered_and_mentions_are_stripped() {
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    let ack = say(&gateway, &fake, "msg-whoami", ORG, BOB, "chatops whoami").await;
    assert_eq!(ack.status(), StatusCode::OK);
    let answer = posted(&fake, 0).await;
    assert_eq!(answer.headers["authorization"], format!("Bearer {BOT_TOKEN}"));
    let body = answer.json();
    // whoami is private: Webex has no ephemeral messages, so it goes to the
    // user's 1:1 space with the bot.
    assert_eq!(body["toPersonId"], BOB, "{body}");
    assert!(body.get("roomId").is_none(), "{body}");
    let text = body["markdown"].as_str().unwrap();
    for expected in [ORG, BOB, "kind: AccountLink"] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    // The bot's identity was asked once, the message fetched once.
    let fetched: Vec<String> = fake
        .method_paths()
        .into_iter()
        .filter(|p| p.starts_with("GET"))
        .collect();
    assert_eq!(fetched, ["GET /v1/people/me", "GET /v1/messages/msg-whoami"]);

    // The same delivery again (Webex redelivers; anybody could replay it) runs nothing.
    let again = deliver(&gateway, &message_event("msg-whoami", ORG, BOB, "direct")).await;
    assert_eq!(again.status(), StatusCode::OK);

    // In a group space the mention of the bot is stripped.
    fake.add_message(json!({
        "id": "msg-group", "roomId": ROOM, "roomType": "group", "text": format!("{BOT_NAME} chatops whoami"),
        "html": format!("<p><spark-mention data-object-type=\"person\" data-object-id=\"{BOT_PERSON_ID}\">{BOT_NAME}</spark-mention> chatops whoami</p>"),
        "personId": BOB, "mentionedPeople": [BOT_PERSON_ID]
    }));
    deliver(&gateway, &message_event("msg-group", ORG, BOB, "group")).await;
    let group = posted(&fake, 1).await.json();
    let text = group["markdown"].as_str().unwrap();
    assert!(text.contains("kind: AccountLink"), "{group}");
    assert!(text.contains(BOB), "{group}");

    // help lists the commands.
    say(&gateway, &fake, "msg-help", ORG, BOB, "chatops help").await;
    let help = posted(&fake, 2).await.json();
    let text = help["markdown"].as_str().unwrap();
    assert!(text.contains("/chatops") && text.contains("/nautobot"), "{help}");
    // The replay was told apart, and the three commands have run to the end.
    gateway
        .wait_for_requests(PLATFORM, "events", "duplicate", 1)
        .await;
    gateway.wait_for_commands(PLATFORM, 3).await;
    assert_eq!(
        posts(&fake).len(),
        3,
        "the replay ran nothing: {:?}",
        fake.method_paths()
    );
    assert_eq!(
        fake.method_paths()
            .iter()
            .filter(|p| *p == "GET /v1/people/me")
            .count(),
        1,
        "the identity is kept"
    );
}

#[tokio::test]
async fn a_missing_argument_is_asked_with_a_card_and_the_choice_completes_the_command() {
    let (fake, _dir, gateway) = start(DELETE_INPUT).await;
    say(&gateway, &fake, "msg-access", ORG, ALICE, "chatops access").await;
    let card = posted(&fake, 0).await.json();
    assert_eq!(card["roomId"], ROOM);
    assert_eq!(
        card["attachments"][0]["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let choices = card["attachments"][0]["content"]["body"][1]["choices"].to_string();
    assert!(choices.contains("\"chatops\""), "{choices}");

    // Bob submits Alice's card: the continuation is hers, so he is refused.
    let mut inputs = submit_data(&card, "Choose");
    inputs["choice"] = json!("chatops");
    submit(&gateway, &fake, "act-bob", BOB, inputs.clone()).await;
    assert_refused(&posted(&fake, 1).await.json());

    let ack = submit(&gateway, &fake, "act-alice", ALICE, inputs).await;
    assert_eq!(ack.status(), StatusCode::OK);
    let answer = posted(&fake, 2).await.json();
    let text = answer["markdown"].as_str().unwrap();
    assert!(
        text.contains("whoami"),
        "the access table of chatops lists its sub-commands: {text}"
    );
    assert_eq!(
        answer["toPersonId"], ALICE,
        "the access table is private: {answer}"
    );
    // deleteInputOnSubmission: the card is deleted.
    let deleted = fake.deleted().await;
    assert_eq!(deleted.path, "/v1/messages/card-message");
    // The command and both submissions have run to the end.
    gateway.wait_for_commands(PLATFORM, 3).await;
    let deletes = fake.requests().iter().filter(|r| r.method == "DELETE").count();
    assert_eq!(
        deletes,
        1,
        "Bob's refused submission left the card: {:?}",
        fake.method_paths()
    );
}

#[tokio::test]
async fn a_multi_field_form_card_and_its_submission_complete_the_command() {
    // No built-in command asks with a form (Nautobot's job form does): the
    // form is the one a worker's `prompt_form` returns, for `chatops access`
    // with two fields, posted by the Webex dispatcher to the fake and
    // submitted to the real gateway, which holds the same secret-derived key.
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    let key = derive_key(WEBHOOK_SECRET);
    let dispatcher = WebexDispatcher::new(WebexClient::new(
        reqwest::Client::new(),
        fake.url(),
        BOT_TOKEN.to_owned(),
    ));
    let to = ReplyContext {
        conversation: Some(ROOM.to_owned()),
        user: Some(ALICE.to_owned()),
        ..Default::default()
    };
    send_access_form(&dispatcher, PLATFORM, &key, &to).await;
    let card = posted(&fake, 0).await.json();
    let body = card["attachments"][0]["content"]["body"].as_array().unwrap();
    assert_eq!(body.len(), 3, "a title and two inputs: {card}");
    let mut inputs = submit_data(&card, "Run");
    inputs["field-0"] = json!("chatops");
    inputs["field-1"] = json!("for the audit");

    // A tampered field count is still read as a form, but a forged continuation is refused.
    let mut forged = inputs.clone();
    forged["chatops_continuation"] = json!("forged");
    submit(&gateway, &fake, "act-forged", ALICE, forged).await;
    assert_refused(&posted(&fake, 1).await.json());

    submit(&gateway, &fake, "act-form", ALICE, inputs).await;
    let answer = posted(&fake, 2).await.json();
    let text = answer["markdown"].as_str().unwrap();
    assert!(text.contains("whoami"), "`chatops access chatops …` ran: {text}");
}

#[tokio::test]
async fn a_denied_user_is_told_the_missing_scope_and_the_id_to_ask_for() {
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    say(&gateway, &fake, "msg-denied", OTHER_ORG, ALICE, "chatops whoami").await;
    let denied = posted(&fake, 0).await.json();
    assert_organization_denied(denied["markdown"].as_str().unwrap(), OTHER_ORG);
}

#[tokio::test]
async fn unsigned_and_tampered_deliveries_are_refused_before_anything_is_fetched() {
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    fake.add_message(json!({"id": "msg-x", "roomId": ROOM, "roomType": "direct", "text": "chatops whoami", "personId": ALICE}));
    let event = message_event("msg-x", ORG, ALICE, "direct").to_string();
    let signature = sign(WEBHOOK_SECRET.as_bytes(), event.as_bytes());

    let unsigned = deliver_raw(&gateway, event.as_bytes(), None).await;
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let tampered = event.replace(ORG, OTHER_ORG);
    let tampered = deliver_raw(&gateway, tampered.as_bytes(), Some(&signature)).await;
    assert_eq!(tampered.status(), StatusCode::UNAUTHORIZED);
    let wrong_key = sign(b"not-the-secret", event.as_bytes());
    let forged = deliver_raw(&gateway, event.as_bytes(), Some(&wrong_key)).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let uppercase = deliver_raw(&gateway, event.as_bytes(), Some(&signature.to_uppercase())).await;
    assert_eq!(uppercase.status(), StatusCode::UNAUTHORIZED);
    // Signed but not a webhook: 400.
    let junk = b"[1,2,3]";
    let malformed = deliver_raw(&gateway, junk, Some(&sign(WEBHOOK_SECRET.as_bytes(), junk))).await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    // The gateway has decided about every refused delivery.
    let refused = [("events", "unverified", 4), ("events", "malformed", 1)];
    gateway.wait_for_outcomes(PLATFORM, &refused).await;
    assert!(
        fake.requests().is_empty(),
        "nothing reached Webex: {:?}",
        fake.method_paths()
    );
}

#[tokio::test]
async fn the_bots_own_messages_and_other_events_are_ignored() {
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    // First a real command, so the bot's identity is known.
    say(&gateway, &fake, "msg-first", ORG, BOB, "chatops whoami").await;
    posted(&fake, 0).await;

    // The bot's own answer comes back as a webhook: acknowledged, nothing fetched or posted.
    let own = deliver(&gateway, &message_event("msg-own", ORG, BOT_PERSON_ID, "direct")).await;
    assert_eq!(own.status(), StatusCode::OK);
    // An edit and a membership event: the same.
    let mut edit = message_event("msg-edit", ORG, BOB, "direct");
    edit["event"] = json!("updated");
    assert_eq!(deliver(&gateway, &edit).await.status(), StatusCode::OK);
    let mut membership = message_event("membership-1", ORG, BOB, "direct");
    membership["resource"] = json!("memberships");
    assert_eq!(deliver(&gateway, &membership).await.status(), StatusCode::OK);
    gateway.wait_for_requests(PLATFORM, "events", "ignored", 3).await;
    let gets: Vec<String> = fake
        .method_paths()
        .into_iter()
        .filter(|p| p.starts_with("GET /v1/messages"))
        .collect();
    assert_eq!(gets, ["GET /v1/messages/msg-first"]);
    assert_eq!(posts(&fake).len(), 1);
}

#[tokio::test]
async fn the_bots_own_message_is_ignored_even_as_the_first_event() {
    // Before the identity is known the handler cannot tell; the background
    // task learns it and drops the message before fetching it.
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    let own = deliver(&gateway, &message_event("msg-own", ORG, BOT_PERSON_ID, "direct")).await;
    assert_eq!(own.status(), StatusCode::OK);
    fake.wait_for(PATIENCE, |r| r.path == "/v1/people/me")
        .await
        .expect("the identity is fetched");
    gateway.wait_for_requests(PLATFORM, "events", "ignored", 1).await;
    assert_eq!(fake.method_paths(), ["GET /v1/people/me"]);
}

#[tokio::test]
async fn a_message_that_cannot_be_fetched_is_dropped_without_an_answer() {
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    // Nothing stored under this ID: the fake answers 404, as Webex does for a deleted message.
    let ack = deliver(&gateway, &message_event("msg-gone", ORG, BOB, "direct")).await;
    assert_eq!(ack.status(), StatusCode::OK, "acknowledged before the fetch");
    fake.wait_for(PATIENCE, |r| r.path == "/v1/messages/msg-gone")
        .await
        .unwrap_or_else(|| panic!("not fetched: {:?}", fake.method_paths()));
    gateway
        .wait_for_requests(PLATFORM, "events", "fetch_failed", 1)
        .await;
    assert!(
        posts(&fake).is_empty(),
        "nothing posted: {:?}",
        fake.method_paths()
    );
}

#[tokio::test]
async fn a_long_answer_is_split_under_the_limit_and_the_rest_attached() {
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    // `chatops access <unknown command>` echoes its argument: 30 000 characters of it.
    let long = "x".repeat(30_000);
    say(
        &gateway,
        &fake,
        "msg-long",
        ORG,
        ALICE,
        &format!("chatops access {long}"),
    )
    .await;
    let upload = fake
        .wait_for(PATIENCE, |r| {
            r.path == "/v1/messages"
                && r.headers
                    .get("content-type")
                    .is_some_and(|v| v.to_str().unwrap().starts_with("multipart/form-data"))
        })
        .await
        .unwrap_or_else(|| panic!("nothing attached: {:?}", fake.method_paths()));
    let form = upload.text();
    assert!(form.contains("rest.txt"), "the rest is attached");
    assert!(
        form.contains("name=\"files\""),
        "{}",
        &form[..form.len().min(500)]
    );
    let bodies: Vec<Value> = posts(&fake)
        .iter()
        .filter(|r| r.headers["content-type"] == "application/json")
        .map(Recorded::json)
        .collect();
    assert!(!bodies.is_empty());
    for body in &bodies {
        let markdown = body["markdown"].as_str().unwrap();
        assert!(markdown.len() <= 7439, "{} bytes", markdown.len());
    }
}

#[tokio::test]
async fn a_429_from_webex_is_retried_after_retry_after() {
    let (fake, _dir, gateway) = start(DEFAULT_SETTINGS).await;
    // people/me and the message fetch pass; the answer is rate limited once.
    say(&gateway, &fake, "msg-warm", ORG, BOB, "chatops whoami").await;
    posted(&fake, 0).await;
    fake.script(Scripted::new(
        StatusCode::OK,
        json!({"id": "msg-limited", "roomId": ROOM, "roomType": "direct", "text": "chatops whoami", "personId": BOB}).to_string(),
    ));
    fake.script(Scripted::too_many_requests(
        1,
        r#"{"message":"Too many requests","trackingId":"FAKE_429"}"#,
    ));
    deliver(&gateway, &message_event("msg-limited", ORG, BOB, "direct")).await;
    let answer = posted(&fake, 2).await;
    assert_eq!(
        answer.body,
        posted(&fake, 1).await.body,
        "the identical request is resent"
    );
}

/// `chatops-gateway --register-webex-webhooks` against the fake, as an
/// operator would run it; asserts that it succeeds.
async fn register(dir: &std::path::Path, fake: &FakeWebex) -> std::process::Output {
    let mut command = std::process::Command::new(gateway_binary());
    command
        .arg("--manifests")
        .arg(dir)
        .args(["--namespace", "chatops", "--log-format", "text"])
        .args(["--webex-api-url", &fake.url()])
        .args(["--public-url", "https://chatops.example.com/"])
        .arg("--register-webex-webhooks");
    let output = tokio::task::spawn_blocking(move || command.output().expect("the gateway runs"))
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test]
async fn the_webhooks_are_registered_with_the_secret_and_updated_when_run_again() {
    let fake = FakeWebex::start().await;
    let dir = manifests(DEFAULT_SETTINGS);
    register(dir.path(), &fake).await;
    let hooks = fake.webhooks();
    assert_eq!(hooks.len(), 2, "{hooks:?}");
    for (hook, resource) in hooks.iter().zip(["messages", "attachmentActions"]) {
        assert_eq!(hook["resource"], resource);
        assert_eq!(hook["event"], "created");
        assert_eq!(hook["secret"], WEBHOOK_SECRET);
        assert_eq!(
            hook["targetUrl"],
            "https://chatops.example.com/hooks/webex/events"
        );
        assert_eq!(hook["name"], format!("chatops webex {resource}"));
    }
    let created = fake
        .requests()
        .iter()
        .find(|r| r.method == "POST")
        .cloned()
        .unwrap();
    assert_eq!(created.headers["authorization"], format!("Bearer {BOT_TOKEN}"));

    // Again: the same two webhooks, updated in place.
    let second = register(dir.path(), &fake).await;
    assert_eq!(fake.webhooks().len(), 2);
    let puts = fake.requests().iter().filter(|r| r.method == "PUT").count();
    assert_eq!(puts, 2, "{:?}", fake.method_paths());
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(logs.contains("webhook updated"), "{logs}");
    assert!(
        !logs.contains(WEBHOOK_SECRET) && !logs.contains(BOT_TOKEN),
        "{logs}"
    );
}
