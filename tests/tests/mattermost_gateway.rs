//! The real gateway binary on `examples/quickstart` plus a Mattermost
//! ChatPlatform, a fake Mattermost server, and requests shaped as Mattermost
//! sends them: slash commands with their token, and action and dialog
//! callbacks that carry nothing but the gateway's own signed context.

use axum::http::StatusCode;
use chatops_gateway::{
    commands::derive_key,
    model::ReplyContext,
    platforms::mattermost::{client::MattermostClient, dispatcher::MattermostDispatcher},
};
use chatops_tests::{
    assert_organization_denied,
    fake_mattermost::{FakeMattermost, Recorded, Scripted},
    gateway_process::Gateway,
    platforms::mattermost::{
        ALICE, BOB, BOT_TOKEN, CHANNEL, OLD_SLASH_TOKEN, OTHER_TEAM, PLATFORM, SLASH_TOKEN, TEAM, command,
        post_action, start_with_fake,
    },
    quickstart::{DEFAULT_SETTINGS, PATIENCE},
    send_form::send_access_form,
    signed::FORM,
    texts_of,
};
use serde_json::{Value, json};

/// Its form-encoded body.
fn slash_body(token: &str, team: &str, user: &str, text: &str, response_url: &str) -> String {
    command(token, team, user, text, response_url).body()
}

async fn slash_as(
    gateway: &Gateway,
    token: &str,
    team: &str,
    user: &str,
    text: &str,
    response_url: &str,
) -> reqwest::Response {
    let url = gateway.url(&format!("/hooks/{PLATFORM}/commands"));
    command(token, team, user, text, response_url)
        .post(&url, &[])
        .await
}

async fn slash(
    gateway: &Gateway,
    fake: &FakeMattermost,
    user: &str,
    text: &str,
    id: &str,
) -> reqwest::Response {
    slash_as(gateway, SLASH_TOKEN, TEAM, user, text, &fake.response_url(id)).await
}

/// The body posted to the response URL `id`, once it arrives.
async fn answer(fake: &FakeMattermost, id: &str) -> Value {
    let path = format!("/hooks/commands/{id}");
    let found = fake
        .wait_for(PATIENCE, |r| r.path == path)
        .await
        .unwrap_or_else(|| panic!("no answer on {path}: {:?}", fake.method_paths()));
    assert!(
        !found.headers.contains_key("authorization"),
        "no token goes to a response URL"
    );
    found.json()
}

/// The select action of a menu's attachments.
fn find_select(answer: &Value) -> Value {
    answer["attachments"][0]["actions"]
        .as_array()
        .and_then(|actions| actions.iter().find(|a| a["type"] == "select"))
        .cloned()
        .unwrap_or_else(|| panic!("no menu in {answer}"))
}

/// What Mattermost POSTs when `user` picks `value` from `select`.
fn menu_choice(select: &Value, user: &str, value: &str) -> Value {
    let mut context = select["integration"]["context"].clone();
    context["selected_option"] = json!(value);
    json!({
        "user_id": user, "user_name": "someone", "channel_id": CHANNEL, "channel_name": "town-square",
        "team_id": TEAM, "team_domain": "example", "post_id": "mmpost0000000000000000001",
        "trigger_id": "dHJpZ2dlcjI", "type": "select", "data_source": "", "context": context
    })
}

/// Alice types `/chatops access` without its argument; returns the menu's select.
async fn open_access_menu(gateway: &Gateway, fake: &FakeMattermost) -> Value {
    let ack = slash(gateway, fake, ALICE, "access", "menu").await;
    assert_eq!(ack.status(), StatusCode::OK);
    let menu = answer(fake, "menu").await;
    assert_eq!(
        menu["response_type"], "ephemeral",
        "a menu is for the asker: {menu}"
    );
    find_select(&menu)
}

/// The first API post (public or ephemeral) after the start, once it arrives.
async fn api_post(fake: &FakeMattermost) -> Recorded {
    fake.wait_for(PATIENCE, |r| {
        r.path.starts_with("/api/v4/posts") && r.method == "POST"
    })
    .await
    .unwrap_or_else(|| panic!("nothing posted: {:?}", fake.method_paths()))
}

fn message_of(post: &Recorded) -> String {
    let body = post.json();
    body["message"]
        .as_str()
        .or_else(|| body["post"]["message"].as_str())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_command_is_answered_through_the_response_url() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    let ack = slash(&gateway, &fake, BOB, "whoami", "whoami").await;
    assert_eq!(ack.status(), StatusCode::OK);
    assert_eq!(
        ack.json::<Value>().await.unwrap(),
        json!({}),
        "an empty acknowledgement"
    );
    let whoami = answer(&fake, "whoami").await;
    let text = whoami["text"].as_str().unwrap();
    for expected in [TEAM, CHANNEL, BOB, "kind: AccountLink"] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }

    // The second configured slash token works too, from the form field alone, and as a GET.
    let query = slash_body(OLD_SLASH_TOKEN, TEAM, BOB, "help", &fake.response_url("get"));
    let ack = reqwest::get(gateway.url(&format!("/hooks/{PLATFORM}/commands?{query}")))
        .await
        .unwrap();
    assert_eq!(ack.status(), StatusCode::OK);
    let help = answer(&fake, "get").await;
    assert!(help["text"].as_str().unwrap().contains("/chatops"), "{help}");
}

#[tokio::test]
async fn a_missing_argument_is_asked_with_a_menu_and_the_choice_completes_the_command() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    let select = open_access_menu(&gateway, &fake).await;
    assert_eq!(
        select["integration"]["url"],
        gateway.url(&format!("/hooks/{PLATFORM}/actions")),
        "the menu calls back to the gateway"
    );
    assert!(select["integration"]["context"]["hmac"].is_string(), "{select}");
    let options = texts_of(&select["options"], "value");
    assert!(options.contains(&"chatops"), "{options:?}");

    let ack = post_action(&gateway, &menu_choice(&select, ALICE, "chatops")).await;
    assert_eq!(ack.status(), StatusCode::OK);
    assert_eq!(ack.json::<Value>().await.unwrap(), json!({}));
    let posted = api_post(&fake).await;
    assert_eq!(
        posted.headers["authorization"],
        format!("Bearer {BOT_TOKEN}"),
        "the API is called as the bot"
    );
    assert_eq!(
        posted.path, "/api/v4/posts/ephemeral",
        "the access table is private"
    );
    assert_eq!(posted.json()["user_id"], ALICE);
    let text = message_of(&posted);
    assert!(
        text.contains("whoami"),
        "the access table of chatops lists its sub-commands: {text}"
    );
    // The same callback again (a replay: Mattermost gives every click its own trigger) runs nothing.
    let replay = post_action(&gateway, &menu_choice(&select, ALICE, "chatops")).await;
    assert_eq!(replay.status(), StatusCode::OK);
    gateway
        .wait_for_requests(PLATFORM, "actions", "replayed", 1)
        .await;
    let answers = fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v4/posts"))
        .count();
    assert_eq!(answers, 1, "{:?}", fake.method_paths());
}

#[tokio::test]
async fn forged_tampered_and_unsigned_requests_are_refused() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    let response_url = fake.response_url("x");
    let forged = slash_as(
        &gateway,
        "not-a-slash-token",
        TEAM,
        ALICE,
        "whoami",
        &response_url,
    )
    .await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    let url = gateway.url(&format!("/hooks/{PLATFORM}/commands"));
    let token = format!("Token {SLASH_TOKEN}");
    let body = |token: &str| slash_body(token, TEAM, ALICE, "whoami", &response_url);
    // (what, where, Authorization, Content-Type, body, the refusal)
    let refused = [
        (
            "unsigned",
            url.clone(),
            None,
            Some(FORM),
            body("not-a-slash-token"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "header and field disagree",
            url.clone(),
            Some(&token),
            None,
            body(OLD_SLASH_TOKEN),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "not a form",
            url,
            Some(&token),
            None,
            "%%%".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "an unknown platform",
            gateway.url("/hooks/nope/actions"),
            None,
            None,
            "{}".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ];
    for (what, url, authorization, content_type, body, status) in refused {
        let mut request = reqwest::Client::new().post(&url).body(body);
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), status, "{what}");
    }

    // A genuine menu, then callbacks forged from it.
    let select = open_access_menu(&gateway, &fake).await;
    let before = fake.requests().len();
    let mut tampered = menu_choice(&select, ALICE, "chatops");
    tampered["context"]["continuation"] = json!("forged.continuation");
    assert_eq!(
        post_action(&gateway, &tampered).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let mut unsigned = menu_choice(&select, ALICE, "chatops");
    unsigned["context"].as_object_mut().unwrap().remove("hmac");
    assert_eq!(
        post_action(&gateway, &unsigned).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let mut invented = menu_choice(&select, ALICE, "chatops");
    invented["context"] = json!({"kind": "select", "user": ALICE, "continuation": "x", "hmac": "AAAA", "selected_option": "chatops"});
    assert_eq!(
        post_action(&gateway, &invented).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Bob cannot answer alice's prompt, genuine as it is.
    let bobs = menu_choice(&select, BOB, "chatops");
    assert_eq!(
        post_action(&gateway, &bobs).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let malformed = post_action(&gateway, &json!({"type": "select"})).await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

    // The gateway has decided about every refused request before it looks at what reached Mattermost.
    let refused = [("commands", "unverified", 3), ("actions", "unverified", 4)];
    gateway.wait_for_outcomes(PLATFORM, &refused).await;
    assert_eq!(
        fake.requests().len(),
        before,
        "nothing refused may reach Mattermost: {:?}",
        fake.method_paths()
    );
    let metrics = gateway.metrics().await;
    let refused = metrics
        .lines()
        .find(|line| line.contains(r#"endpoint="actions""#) && line.contains(r#"outcome="unverified""#))
        .unwrap_or_else(|| panic!("{metrics}"));
    assert!(refused.contains(r#"platform="mattermost""#), "{refused}");
}

#[tokio::test]
async fn a_denied_user_is_told_the_missing_scope_and_the_id_to_ask_for() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    slash_as(
        &gateway,
        SLASH_TOKEN,
        OTHER_TEAM,
        ALICE,
        "whoami",
        &fake.response_url("other"),
    )
    .await;
    let denied = answer(&fake, "other").await;
    assert_organization_denied(denied["text"].as_str().unwrap(), OTHER_TEAM);
}

#[tokio::test]
async fn a_long_answer_is_cut_and_the_rest_attached() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    // `chatops access <unknown command>` echoes its argument: 20 000 characters of it.
    let long = "x".repeat(20_000);
    let body = slash_body(
        SLASH_TOKEN,
        TEAM,
        ALICE,
        &format!("access {long}"),
        &fake.response_url("long"),
    );
    let ack = reqwest::Client::new()
        .post(gateway.url(&format!("/hooks/{PLATFORM}/commands")))
        .header("Authorization", format!("Token {SLASH_TOKEN}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(ack.status(), StatusCode::OK);
    // Private with a file: uploaded to alice's direct messages with the bot and posted there.
    let upload = fake
        .wait_for(PATIENCE, |r| r.path == "/api/v4/files")
        .await
        .unwrap_or_else(|| panic!("no upload: {:?}", fake.method_paths()));
    assert!(upload.text().contains("rest.txt"), "the rest is attached");
    let posted = fake
        .wait_for(PATIENCE, |r| r.path == "/api/v4/posts")
        .await
        .unwrap_or_else(|| panic!("no post: {:?}", fake.method_paths()));
    let post = posted.json();
    assert!(post["file_ids"][0].is_string(), "{post}");
    let message = post["message"].as_str().unwrap();
    assert!(
        message.chars().count() <= 16_383,
        "{} characters",
        message.chars().count()
    );
    assert!(message.contains("rest.txt"), "the post says where the rest is");
    // The channel is told where the answer went.
    let note = answer(&fake, "long").await;
    assert!(
        note["text"].as_str().unwrap().contains("direct messages"),
        "{note}"
    );
}

#[tokio::test]
async fn a_multi_field_form_opens_a_dialog_and_its_submission_completes_the_command() {
    // No built-in command asks with a form (Nautobot's job form does): the
    // form is the one a worker's `prompt_form` returns, for `chatops access`
    // with two fields, delivered by the Mattermost dispatcher to the fake and
    // submitted to the real gateway, which holds the same bot-token-derived key.
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    let key = derive_key(BOT_TOKEN);
    let actions_url = gateway.url(&format!("/hooks/{PLATFORM}/actions"));
    let dispatcher = MattermostDispatcher::new(
        MattermostClient::new(reqwest::Client::new(), fake.url(), BOT_TOKEN.to_owned()),
        key,
        Some(actions_url.clone()),
    );
    let to = ReplyContext {
        conversation: Some(CHANNEL.to_owned()),
        trigger_id: Some("dHJpZ2dlcg".to_owned()),
        response_url: Some(fake.response_url("form")),
        user: Some(ALICE.to_owned()),
        ..Default::default()
    };
    send_access_form(&dispatcher, PLATFORM, &key, &to).await;
    let opened = fake
        .wait_for(PATIENCE, |r| r.path == "/api/v4/actions/dialogs/open")
        .await
        .expect("a dialog is opened")
        .json();
    assert_eq!(opened["trigger_id"], "dHJpZ2dlcg");
    assert_eq!(opened["url"], actions_url);
    let elements = opened["dialog"]["elements"].as_array().unwrap();
    assert_eq!(elements.len(), 2, "{opened}");
    let state = opened["dialog"]["state"].as_str().unwrap().to_owned();

    let submission = |user: &str, state: &str| {
        json!({"type": "dialog_submission", "callback_id": opened["dialog"]["callback_id"], "state": state,
               "user_id": user, "channel_id": CHANNEL, "team_id": TEAM,
               "submission": {"field-0": "chatops", "field-1": "for the audit"}, "cancelled": false})
    };
    // A forged state, and someone else's submission, are refused.
    let mut tampered: Value = serde_json::from_str(&state).unwrap();
    tampered["fields"] = json!("3");
    let forged = post_action(&gateway, &submission(ALICE, &tampered.to_string())).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let bobs = post_action(&gateway, &submission(BOB, &state)).await;
    assert_eq!(bobs.status(), StatusCode::UNAUTHORIZED);

    let ack = post_action(&gateway, &submission(ALICE, &state)).await;
    assert_eq!(ack.status(), StatusCode::OK);
    assert_eq!(
        ack.json::<Value>().await.unwrap(),
        json!({}),
        "{{}} closes the dialog"
    );
    let posted = api_post(&fake).await;
    let text = message_of(&posted);
    assert!(text.contains("whoami"), "`chatops access chatops …` ran: {text}");
}

#[tokio::test]
async fn delete_input_on_submission_replaces_the_menu_and_private_mode_hides_answers() {
    let (fake, _dir, gateway) =
        start_with_fake("  deleteInputOnSubmission: true\n  sendAllMessagesPrivate: true\n").await;
    let ack = slash(&gateway, &fake, BOB, "whoami", "private").await;
    assert_eq!(ack.status(), StatusCode::OK);
    assert_eq!(answer(&fake, "private").await["response_type"], "ephemeral");

    let select = open_access_menu(&gateway, &fake).await;
    let ack = post_action(&gateway, &menu_choice(&select, ALICE, "chatops")).await;
    assert_eq!(ack.status(), StatusCode::OK);
    let ack: Value = ack.json().await.unwrap();
    assert_eq!(
        ack["update"]["props"],
        json!({}),
        "the menu is taken off the post: {ack}"
    );
    let deleted = fake.deleted().await;
    assert_eq!(deleted.path, "/api/v4/posts/mmpost0000000000000000001");
    let posted = api_post(&fake).await;
    assert_eq!(posted.path, "/api/v4/posts/ephemeral");
}

#[tokio::test]
async fn a_429_from_mattermost_is_retried_after_retry_after() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    fake.script(Scripted::too_many_requests(
        1,
        r#"{"id":"api.context.rate_limited"}"#,
    ));
    slash(&gateway, &fake, BOB, "whoami", "limited").await;
    fake.assert_resent("/hooks/commands/limited").await;
}
