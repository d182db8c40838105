//! The real gateway binary on `examples/quickstart` plus a Microsoft Teams
//! ChatPlatform, with the Microsoft side faked on loopback ([`FakeTeams`]):
//! the Bot Framework OpenID metadata and JWKS, the Entra token endpoint, and
//! the Bot Connector every activity's `serviceUrl` points at. Activities are
//! shaped as Teams sends them and carry a Bot Connector JWT signed with the
//! made-up keys of the shared vectors.

use axum::http::StatusCode;
use chatops_tests::{
    fake_teams::{
        APP_ID, APP_PASSWORD, FakeTeams, KEY_A_KID, KEY_A_PEM, KEY_A_PUBLIC_PEM, KEY_B_KID, KEY_B_N,
        KEY_B_PEM, Recorded, Scripted, claims, encode_segment, jwk, key_a, now, sign, sign_hs256,
    },
    gateway_process::Gateway,
    platforms::teams::{
        ALICE, ALICE_ID, BOB, BOB_ID, BOT_NAME, CHANNEL, CHANNEL_CONVERSATION, OTHER_TENANT, PERSONAL,
        PLATFORM, TEAM, TENANT, personal_activity, post_activity, post_valid, start as start_with,
        start_with_fake, valid_token,
    },
    quickstart::{DEFAULT_SETTINGS, DELETE_INPUT, PATIENCE},
    texts_of, wait,
};
use serde_json::{Value, json};

/// A message activity in a team channel, @mentioning the bot as Teams requires there.
fn channel_activity(fake: &FakeTeams, id: &str, tenant: &str, user: (&str, &str), command: &str) -> Value {
    let mention = format!("<at>{BOT_NAME}</at>");
    json!({
        "type": "message", "id": id, "timestamp": "2026-01-01T00:00:00.000Z",
        "serviceUrl": fake.service_url(), "channelId": "msteams",
        "from": {"id": user.1, "name": "Megan Bowen", "aadObjectId": user.0},
        "conversation": {"conversationType": "channel", "isGroup": true, "tenantId": tenant, "id": CHANNEL_CONVERSATION},
        "recipient": {"id": format!("28:{APP_ID}"), "name": BOT_NAME},
        "textFormat": "plain",
        "text": format!("{mention} {command}"),
        "entities": [{"type": "mention", "text": mention, "mentioned": {"id": format!("28:{APP_ID}"), "name": BOT_NAME}}],
        "channelData": {"tenant": {"id": tenant}, "team": {"id": TEAM}, "channel": {"id": CHANNEL}},
        "locale": "en-US"
    })
}

/// POSTs `activity` as the Bot Connector does, with a valid token; asserts the 200.
async fn deliver(gateway: &Gateway, activity: &Value) {
    let response = post_valid(gateway, activity).await;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(
        status,
        StatusCode::OK,
        "POST /hooks/{PLATFORM}/messages (valid key-A token) answered {status}: {body}\nactivity: {activity}"
    );
}

/// `text` by `user` in their personal chat with the bot, delivered as activity `id`.
async fn ask(gateway: &Gateway, fake: &FakeTeams, id: &str, tenant: &str, user: (&str, &str), text: &str) {
    deliver(gateway, &personal_activity(fake, id, tenant, user, text)).await;
}

/// `text` by Alice of [`TENANT`] in her personal chat with the bot, as activity `id`.
async fn ask_alice(gateway: &Gateway, fake: &FakeTeams, id: &str, text: &str) {
    ask(gateway, fake, id, TENANT, (ALICE, ALICE_ID), text).await;
}

/// The message activities (not typing indicators) the gateway posted or put, in order.
fn messages(fake: &FakeTeams) -> Vec<Recorded> {
    fake.connector_requests()
        .into_iter()
        .filter(|r| (r.method == "POST" || r.method == "PUT") && r.json()["type"] == "message")
        .collect()
}

/// What a user sees of `messages`: their texts and their cards (as JSON), one per line.
fn content(messages: &[Recorded]) -> String {
    messages
        .iter()
        .map(|m| {
            let body = m.json();
            format!(
                "{} {}",
                body["text"].as_str().unwrap_or_default(),
                body["attachments"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message activities posted as replies to activity `id`.
fn replies(fake: &FakeTeams, id: &str) -> Vec<Recorded> {
    let suffix = format!("/activities/{}", encode_segment(id));
    messages(fake)
        .into_iter()
        .filter(|m| m.path.ends_with(&suffix))
        .collect()
}

/// Waits until the replies to activity `id` (an answer may take several
/// activities: text, then each table or card alone) hold every `expected`
/// text, and returns them.
async fn answer(fake: &FakeTeams, id: &str, expected: &[&str]) -> Vec<Recorded> {
    let answered = wait::within(PATIENCE, || {
        let found = replies(fake, id);
        let seen = content(&found);
        (!found.is_empty() && expected.iter().all(|e| seen.contains(e))).then_some(found)
    })
    .await;
    answered.unwrap_or_else(|| {
        panic!(
            "no answer to {id} with {expected:?}; the replies said:\n{}\nthe fake saw: {:#?}",
            content(&replies(fake, id)),
            fake.summaries()
        )
    })
}

/// The two paths an answer in `conversation` may take: a reply to `activity`, or a send.
fn answer_paths(conversation: &str, activity: &str) -> [String; 2] {
    let base = format!(
        "/teams/v3/conversations/{}/activities",
        encode_segment(conversation)
    );
    [format!("{base}/{}", encode_segment(activity)), base]
}

/// Every JSON object under `value` (itself included) that satisfies `matches`.
fn find_all(value: &Value, matches: &dyn Fn(&Value) -> bool, found: &mut Vec<Value>) {
    if matches(value) {
        found.push(value.clone());
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| find_all(v, matches, found)),
        Value::Object(fields) => fields.values().for_each(|v| find_all(v, matches, found)),
        _ => {}
    }
}

fn find_typed(value: &Value, kind: &str) -> Vec<Value> {
    let mut found = vec![];
    find_all(value, &|v| v["type"] == kind, &mut found);
    found
}

fn assert_token_request(request: &Recorded, tenant: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/login/{tenant}/oauth2/v2.0/token"));
    let content_type = request
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded")),
        "{content_type:?}"
    );
    let form: Vec<(String, String)> = form_urlencoded::parse(&request.body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in the token request: {}", request.text()))
    };
    assert_eq!(field("grant_type"), "client_credentials");
    assert_eq!(field("client_id"), APP_ID);
    assert_eq!(field("client_secret"), APP_PASSWORD);
    assert_eq!(field("scope"), "https://api.botframework.com/.default");
}

#[tokio::test]
async fn a_command_is_answered_through_the_connector_with_the_apps_token() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;

    // In a channel, with the bot @mentioned (the mention is stripped before parsing).
    let activity = channel_activity(
        &fake,
        "1485983408511",
        TENANT,
        (ALICE, ALICE_ID),
        "chatops whoami",
    );
    deliver(&gateway, &activity).await;
    // whoami is private: in a channel it goes to a 1:1 chat the gateway opens with the user.
    let expected = "a whoami answer naming the tenant, the user and the AccountLink";
    let whoami = wait::until(PATIENCE, expected, || {
        let sent = messages(&fake);
        let seen = content(&sent);
        [TENANT, ALICE, "kind: AccountLink"]
            .iter()
            .all(|e| seen.contains(e))
            .then_some(sent)
    })
    .await;
    let creations: Vec<Recorded> = fake
        .connector_requests()
        .into_iter()
        .filter(|r| {
            r.method == axum::http::Method::POST && r.path.trim_end_matches('/') == "/teams/v3/conversations"
        })
        .collect();
    assert_eq!(creations.len(), 1, "{:#?}", fake.summaries());
    let parameters = creations[0].json();
    assert_eq!(parameters["members"], json!([{"id": ALICE_ID}]), "{parameters}");
    assert_eq!(parameters["bot"]["id"], format!("28:{APP_ID}"), "{parameters}");
    assert_eq!(parameters["channelData"]["tenant"]["id"], TENANT, "{parameters}");
    let private = format!(
        "/teams/v3/conversations/{}/activities",
        encode_segment(
            creations[0]
                .answered_id
                .as_deref()
                .expect("the fake answered an id")
        )
    );
    for message in &whoami {
        assert_eq!(message.path, private, "not in the channel: {}", message.summary());
        assert_eq!(
            message.authorization(),
            "Bearer fake-access-token-1",
            "{}",
            message.summary()
        );
    }
    let first = whoami[0].json();
    assert_eq!(first["textFormat"], "markdown", "{first}");

    // The app's token was asked for as a multi-tenant bot.
    let tokens = fake.token_requests();
    assert_eq!(tokens.len(), 1, "{:#?}", fake.summaries());
    assert_token_request(&tokens[0], "botframework.com");

    // In the personal chat: no mention needed, the answer is a reply there.
    let activity = personal_activity(
        &fake,
        "act-personal-1",
        TENANT,
        (ALICE, ALICE_ID),
        "chatops whoami",
    );
    deliver(&gateway, &activity).await;
    let replies = answer(&fake, "act-personal-1", &[TENANT, ALICE, "kind: AccountLink"]).await;
    let path = &answer_paths(PERSONAL, "act-personal-1")[0];
    for message in &replies {
        assert_eq!(&message.path, path);
        assert_eq!(
            message.json()["replyToId"],
            "act-personal-1",
            "{}",
            message.text()
        );
        let content_type = message.headers["content-type"].to_str().unwrap();
        assert_eq!(content_type.split(';').next(), Some("application/json"));
    }

    // help lists the commands.
    let activity = personal_activity(&fake, "act-personal-2", TENANT, (ALICE, ALICE_ID), "chatops help");
    deliver(&gateway, &activity).await;
    answer(&fake, "act-personal-2", &["chatops", "nautobot"]).await;
}

#[tokio::test]
async fn a_private_answer_teams_will_not_deliver_is_not_shown_in_the_channel() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    // The user has not added the app for themselves: no 1:1 chat.
    fake.script(Scripted::new(
        StatusCode::FORBIDDEN,
        r#"{"error":{"code":"BotNotInConversationRoster","message":"The bot is not part of the conversation roster."}}"#,
    ));
    let activity = channel_activity(
        &fake,
        "act-private-1",
        TENANT,
        (ALICE, ALICE_ID),
        "chatops whoami",
    );
    deliver(&gateway, &activity).await;
    let told = answer(&fake, "act-private-1", &["privately", "Add the app"]).await;
    let shown = content(&told);
    assert!(
        !shown.contains("kind: AccountLink"),
        "the private answer leaked: {shown}"
    );
    assert!(
        !content(&messages(&fake)).contains("kind: AccountLink"),
        "the private answer went somewhere: {:#?}",
        fake.summaries()
    );
}

#[tokio::test]
async fn a_missing_argument_is_asked_with_a_card_and_its_submit_completes_the_command() {
    let (fake, _dir, gateway) = start_with_fake(DELETE_INPUT).await;
    ask_alice(&gateway, &fake, "act-access", "chatops access").await;
    let card_message = answer(&fake, "act-access", &["Input.ChoiceSet"])
        .await
        .into_iter()
        .find(|m| m.text().contains("Input.ChoiceSet"))
        .unwrap();
    let paths = answer_paths(PERSONAL, "act-access");
    assert!(
        paths.contains(&card_message.path),
        "the card went to {}",
        card_message.path
    );
    let body = card_message.json();
    let attachment = &body["attachments"][0];
    assert_eq!(
        attachment["contentType"], "application/vnd.microsoft.card.adaptive",
        "{body}"
    );
    let card = &attachment["content"];
    let menus = find_typed(card, "Input.ChoiceSet");
    let menu = menus
        .first()
        .unwrap_or_else(|| panic!("no Input.ChoiceSet in {card}"));
    let values = texts_of(&menu["choices"], "value");
    assert!(values.contains(&"chatops"), "{values:?}");
    let submits = find_typed(card, "Action.Submit");
    let submit = submits
        .iter()
        .find(|a| a["title"] == "Choose")
        .or(submits.first())
        .unwrap_or_else(|| panic!("no Action.Submit in {card}"));
    assert!(
        submit["data"].is_object(),
        "object data, so Teams merges the inputs in: {submit}"
    );
    let mut value = submit["data"].clone();
    value[menu["id"].as_str().expect("the menu's input id")] = json!("chatops");
    let card_id = card_message
        .answered_id
        .clone()
        .expect("the fake gave the card an id");

    let submitted = |id: &str, user: (&str, &str)| {
        let mut activity = personal_activity(&fake, id, TENANT, user, "");
        activity["text"] = Value::Null;
        activity["replyToId"] = json!(card_id);
        activity["value"] = value.clone();
        activity
    };

    // Bob submits Alice's card: the continuation is hers, so he is refused.
    deliver(&gateway, &submitted("act-submit-bob", (BOB, BOB_ID))).await;
    answer(&fake, "act-submit-bob", &[]).await;
    // The command and Bob's submission have run to the end.
    gateway.wait_for_commands(PLATFORM, 2).await;
    let refused = content(&replies(&fake, "act-submit-bob"));
    assert!(!refused.contains("whoami"), "Bob got Alice's answer: {refused}");

    deliver(&gateway, &submitted("act-submit-alice", (ALICE, ALICE_ID))).await;
    // The access table of chatops lists its sub-commands.
    answer(&fake, "act-submit-alice", &["whoami"]).await;

    // deleteInputOnSubmission: the card is deleted, once (Bob's refused submit left it).
    let card_path = format!(
        "/teams/v3/conversations/{}/activities/{card_id}",
        encode_segment(PERSONAL)
    );
    let deleted = fake
        .wait_for(PATIENCE, |r| r.method == "DELETE")
        .await
        .unwrap_or_else(|| panic!("the card is not deleted: {:#?}", fake.summaries()));
    assert_eq!(deleted.path, card_path);
    gateway.wait_for_commands(PLATFORM, 3).await;
    let deletes = fake.requests().iter().filter(|r| r.method == "DELETE").count();
    assert_eq!(deletes, 1, "{:#?}", fake.summaries());
}

#[tokio::test]
async fn a_denied_user_is_told_the_missing_scope_and_the_id_to_ask_for() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    // (activity, tenant, user, text, what the answer says). Alice's tenant
    // is not granted; the quickstart grants nautobot's other sub-commands to
    // alice only, so Bob (of the granted tenant) is told the user scope and
    // his own ID.
    let denials = [
        (
            "act-denied",
            OTHER_TENANT,
            (ALICE, ALICE_ID),
            "chatops whoami",
            ["organization", OTHER_TENANT],
        ),
        (
            "act-denied-user",
            TENANT,
            (BOB, BOB_ID),
            "nautobot change-device-status",
            ["for user", BOB],
        ),
    ];
    for (id, tenant, user, text, expected) in denials {
        ask(&gateway, &fake, id, tenant, user, text).await;
        answer(&fake, id, &expected).await;
    }
}

#[tokio::test]
async fn the_apps_token_is_fetched_once_and_reused() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    for (n, command) in ["chatops whoami", "chatops help", "chatops whoami"]
        .iter()
        .enumerate()
    {
        let id = format!("act-cached-{n}");
        ask_alice(&gateway, &fake, &id, command).await;
        answer(&fake, &id, &[]).await;
    }
    let tokens = fake.token_requests();
    assert_eq!(tokens.len(), 1, "one token for all: {:#?}", fake.summaries());
    assert_token_request(&tokens[0], "botframework.com");
    let connector = fake.connector_requests();
    assert!(connector.len() >= 3, "{:#?}", fake.summaries());
    for request in &connector {
        assert_eq!(
            request.authorization(),
            "Bearer fake-access-token-1",
            "{}",
            request.summary()
        );
    }
}

#[tokio::test]
async fn a_single_tenant_bot_asks_its_own_tenant_for_tokens() {
    let fake = FakeTeams::start().await;
    let (_dir, gateway) = start_with(&fake, DEFAULT_SETTINGS, Some(TENANT), &[]).await;
    ask_alice(&gateway, &fake, "act-single", "chatops whoami").await;
    answer(&fake, "act-single", &[ALICE]).await;
    let tokens = fake.token_requests();
    assert_eq!(tokens.len(), 1, "{:#?}", fake.summaries());
    assert_token_request(&tokens[0], TENANT);
}

#[tokio::test]
async fn a_429_from_the_connector_is_retried_after_retry_after() {
    let (fake, _dir, gateway) = start_with_fake(DEFAULT_SETTINGS).await;
    ask_alice(&gateway, &fake, "act-warm", "chatops whoami").await;
    answer(&fake, "act-warm", &["kind: AccountLink"]).await;
    // Run to the end: nothing more of it reaches the connector.
    gateway.wait_for_commands(PLATFORM, 1).await;
    let before = fake.connector_requests().len();
    fake.script(Scripted::too_many_requests(
        1,
        r#"{"error":{"code":"TooManyRequests","message":"throttled"}}"#,
    ));
    ask_alice(&gateway, &fake, "act-limited", "chatops whoami").await;
    let (limited, retry) = wait::until(PATIENCE, "the throttled request resent", || {
        let connector = fake.connector_requests();
        let limited = connector.get(before)?;
        let retry = connector[before + 1..]
            .iter()
            .find(|r| r.path == limited.path && r.body == limited.body)?;
        Some((limited.clone(), retry.clone()))
    })
    .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(
        fake.token_requests().len(),
        1,
        "a 429 is no reason for a new token"
    );
}

#[tokio::test]
async fn a_rotated_signing_key_is_picked_up_on_its_first_use() {
    const ROTATED_KID: &str = "test-kid-rotated";
    let fake = FakeTeams::start().await;
    let (_dir, gateway) = start_with(
        &fake,
        DEFAULT_SETTINGS,
        None,
        &["--teams-key-refetch-seconds", "0"],
    )
    .await;
    // The keys are known (and cached) before the rotation.
    ask_alice(&gateway, &fake, "act-before", "chatops whoami").await;
    answer(&fake, "act-before", &["kind: AccountLink"]).await;

    let activity = personal_activity(&fake, "act-rotated", TENANT, (ALICE, ALICE_ID), "chatops whoami");
    let auth = format!(
        "Bearer {}",
        sign(
            KEY_B_PEM,
            ROTATED_KID,
            &claims(activity["serviceUrl"].as_str().unwrap())
        )
    );
    let refused = post_activity(&gateway, &activity, Some(&auth)).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "a token of a key not (yet) published: {}",
        refused.text().await.unwrap_or_default()
    );
    gateway
        .wait_for_requests(PLATFORM, "messages", "unverified", 1)
        .await;
    assert!(
        replies(&fake, "act-rotated").is_empty(),
        "{:#?}",
        fake.summaries()
    );

    // Microsoft publishes the new key.
    fake.set_keys(vec![key_a(), jwk(ROTATED_KID, KEY_B_N, &["msteams", "webchat"])]);
    let keys_before = fake.requests().iter().filter(|r| r.path == "/keys").count();
    let accepted = post_activity(&gateway, &activity, Some(&auth)).await;
    let status = accepted.status();
    assert_eq!(
        status,
        StatusCode::OK,
        "the same request after the rotation: {} (the fake served /keys {keys_before} times before, {} after)",
        accepted.text().await.unwrap_or_default(),
        fake.requests().iter().filter(|r| r.path == "/keys").count()
    );
    answer(&fake, "act-rotated", &[ALICE]).await;
}

#[tokio::test]
async fn forged_foreign_and_misdirected_tokens_are_refused_before_anything_is_sent() {
    let fake = FakeTeams::start().await;
    // Key B is published too, but endorsed for webchat only (as in the vectors).
    fake.set_keys(vec![key_a(), jwk(KEY_B_KID, KEY_B_N, &["webchat"])]);
    let (_dir, gateway) = start_with(&fake, DEFAULT_SETTINGS, None, &[]).await;
    let activity = personal_activity(&fake, "act-refused", TENANT, (ALICE, ALICE_ID), "chatops whoami");
    let service_url = fake.service_url();
    let valid = valid_token(&activity);
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = claims(&service_url);
        change(&mut claims);
        claims
    };
    let now = now();
    let cases: Vec<(&str, Option<String>, &[u16])> = vec![
        ("no Authorization header", None, &[401]),
        ("the Token scheme", Some(format!("Token {valid}")), &[401]),
        ("not a JWT", Some("Bearer not.a.jwt".to_owned()), &[401]),
        (
            "another app's audience",
            Some(format!(
                "Bearer {}",
                sign(
                    KEY_A_PEM,
                    KEY_A_KID,
                    &with(&|c| c["aud"] = json!("99999999-8888-7777-6666-555555555555"))
                )
            )),
            &[401],
        ),
        (
            "an expired token",
            Some(format!(
                "Bearer {}",
                sign(
                    KEY_A_PEM,
                    KEY_A_KID,
                    &with(&|c| {
                        c["nbf"] = json!(now - 7200);
                        c["iat"] = json!(now - 7200);
                        c["exp"] = json!(now - 3600);
                    })
                )
            )),
            &[401],
        ),
        (
            "another issuer",
            Some(format!(
                "Bearer {}",
                sign(
                    KEY_A_PEM,
                    KEY_A_KID,
                    &with(&|c| c["iss"] =
                        json!("https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"))
                )
            )),
            &[401],
        ),
        (
            "key A's kid on a signature by key B",
            Some(format!(
                "Bearer {}",
                sign(KEY_B_PEM, KEY_A_KID, &claims(&service_url))
            )),
            &[401],
        ),
        (
            "HS256 keyed with key A's public PEM",
            Some(format!(
                "Bearer {}",
                sign_hs256(KEY_A_PUBLIC_PEM.as_bytes(), KEY_A_KID, &claims(&service_url))
            )),
            &[401],
        ),
        (
            "a key not endorsed for msteams",
            Some(format!(
                "Bearer {}",
                sign(KEY_B_PEM, KEY_B_KID, &claims(&service_url))
            )),
            &[401, 403],
        ),
        (
            "a serviceurl claim for another connector",
            Some(format!(
                "Bearer {}",
                sign(
                    KEY_A_PEM,
                    KEY_A_KID,
                    &with(&|c| c["serviceurl"] = json!("https://evil.example.com/"))
                )
            )),
            &[403],
        ),
    ];
    let mut failures = vec![];
    for (case, authorization, expected) in &cases {
        let response = post_activity(&gateway, &activity, authorization.as_deref()).await;
        let status = response.status().as_u16();
        if !expected.contains(&status) {
            let body = response.text().await.unwrap_or_default();
            failures.push(format!("{case}: expected {expected:?}, got {status} {body}"));
        }
    }
    assert!(
        failures.is_empty(),
        "refusals answered wrongly:\n{}",
        failures.join("\n")
    );
    // The gateway has decided about every refused request (those answered 401 at least).
    gateway
        .wait_for_requests(PLATFORM, "messages", "unverified", 8)
        .await;
    assert!(
        fake.connector_requests().is_empty(),
        "nothing reached the connector: {:#?}",
        fake.summaries()
    );

    // The control: the same activity with a valid token is answered, so the
    // refusals above were the tokens', not the setup's.
    deliver(&gateway, &activity).await;
    answer(&fake, "act-refused", &[ALICE]).await;
}
