use proptest::prelude::*;
use serde_json::json;

use super::IgnoreReason::{NoPerson, NotCreated, OtherResource, OwnMessage};
use super::ParseError::{BodyNotJson, Missing, NotAPrompt};
use super::*;

const BOT: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3QtMDAwMA";
const USER: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS91c2VyLTAwMDE";

fn envelope(resource: &str, event: &str, data: Value) -> Vec<u8> {
    json!({"id": "WH1", "name": "chatops", "resource": resource, "event": event,
        "orgId": "ORG", "actorId": USER, "data": data})
    .to_string()
    .into_bytes()
}

fn webhook(resource: &str, event: &str, data: Value) -> WebhookEvent {
    parse_webhook(&envelope(resource, event, data)).unwrap()
}

/// `body` without its `field`, as bytes.
fn without(body: &Value, field: &str) -> Vec<u8> {
    let mut without = body.clone();
    without.as_object_mut().unwrap().remove(field);
    without.to_string().into_bytes()
}

fn bot_named(names: &[&str]) -> BotIdentity {
    BotIdentity {
        person_id: BOT.into(),
        names: names.iter().map(|name| name.to_string()).collect(),
    }
}

fn message(room_type: &str, text: &str, html: Option<&str>) -> ChatMessage {
    let mut body = json!({"id": "M1", "roomId": "R1", "roomType": room_type, "personId": USER,
        "text": text, "mentionedPeople": [BOT]});
    if let Some(html) = html {
        body["html"] = Value::from(html);
    }
    parse_message(body.to_string().as_bytes()).unwrap()
}

#[test]
fn a_message_webhook_is_read() {
    let event = webhook(
        "messages",
        "created",
        json!({"id": "M1", "roomId": "R1", "roomType": "group", "personId": USER,
            "personEmail": "alice@example.com", "mentionedPeople": [BOT, "", 3]}),
    );
    assert_eq!(event.resource, Resource::Messages);
    assert_eq!(event.webhook_id, "WH1");
    assert_eq!(event.event, "created");
    assert_eq!(event.data_id, "M1");
    assert_eq!(event.room_type.as_deref(), Some("group"));
    assert_eq!(event.person_email.as_deref(), Some("alice@example.com"));
    assert_eq!(event.mentioned_people, [BOT]);
    assert_eq!(event.message_id, None);
    assert_eq!(triage(&event, BOT), Triage::FetchMessage { id: "M1".into() });
}

#[test]
fn a_card_submission_webhook_asks_for_the_action() {
    let event = webhook(
        "attachmentActions",
        "created",
        json!({"id": "A1", "type": "submit", "messageId": "M3", "personId": USER, "roomId": "R1"}),
    );
    assert_eq!(event.resource, Resource::AttachmentActions);
    assert_eq!(event.message_id.as_deref(), Some("M3"));
    assert_eq!(
        triage(&event, BOT),
        Triage::FetchAttachmentAction { id: "A1".into() }
    );
}

#[test]
fn the_bots_own_messages_and_other_events_are_ignored() {
    let own = webhook("messages", "created", json!({"id": "M2", "personId": BOT}));
    assert!(is_from_bot(&own, BOT));
    assert_eq!(triage(&own, BOT), Triage::Ignore(OwnMessage));
    // An unknown bot ID matches nobody, and nobody is not the bot.
    assert!(!is_from_bot(&own, ""));
    let anonymous = webhook("messages", "created", json!({"id": "M2"}));
    assert!(!is_from_bot(&anonymous, ""));
    assert_eq!(triage(&anonymous, ""), Triage::Ignore(NoPerson));

    let deleted = webhook("messages", "deleted", json!({"id": "M2", "personId": USER}));
    assert_eq!(triage(&deleted, BOT), Triage::Ignore(NotCreated));
    let membership = webhook("memberships", "created", json!({"id": "X", "personId": USER}));
    assert_eq!(membership.resource, Resource::Other("memberships".into()));
    assert_eq!(triage(&membership, BOT), Triage::Ignore(OtherResource));
}

#[test]
fn malformed_webhooks_are_named() {
    assert_eq!(parse_webhook(b"nope"), Err(BodyNotJson));
    assert_eq!(parse_webhook(b"[1]"), Err(BodyNotJson));
    assert_eq!(parse_webhook(b"{}"), Err(Missing("data")));
    let mut body: Value =
        serde_json::from_slice(&envelope("messages", "created", json!({"id": "M"}))).unwrap();
    for (field, name) in [("resource", "resource"), ("id", "id"), ("event", "event")] {
        assert_eq!(parse_webhook(&without(&body, field)), Err(Missing(name)));
    }
    body["data"]["id"] = Value::from("");
    assert_eq!(
        parse_webhook(body.to_string().as_bytes()),
        Err(Missing("data.id"))
    );
}

#[test]
fn a_fetched_message_is_read_and_answered_in_its_thread() {
    let body = json!({"id": "M2", "roomId": "R1", "roomType": "group", "personId": USER,
        "text": "ChatOps deploy", "markdown": "**x**", "parentId": "M1", "mentionedPeople": [BOT]});
    let message = parse_message(body.to_string().as_bytes()).unwrap();
    assert_eq!(message.parent_id.as_deref(), Some("M1"));
    assert_eq!(message.markdown.as_deref(), Some("**x**"));
    assert!(!message.is_direct());
    let to = message.reply_context();
    assert_eq!(to.conversation.as_deref(), Some("R1"));
    assert_eq!(to.thread.as_deref(), Some("M1"), "threads are one level deep");
    assert_eq!(to.user.as_deref(), Some(USER));
    let top = self::message("group", "x", None);
    assert_eq!(top.reply_context().thread.as_deref(), Some("M1"));
}

#[test]
fn a_fetched_message_needs_its_ids() {
    let full = json!({"id": "M1", "roomId": "R1", "personId": USER, "text": "x"});
    for (field, name) in [("id", "id"), ("roomId", "roomId"), ("personId", "personId")] {
        assert_eq!(parse_message(&without(&full, field)), Err(Missing(name)));
    }
    assert_eq!(parse_message(&without(&full, "text")).unwrap().text, "");
    assert_eq!(parse_message(b"\"x\""), Err(BodyNotJson));
}

#[test]
fn the_bots_name_is_stripped_in_a_group_space() {
    let strip = |text: &str| command_text(&message("group", text, None), &bot_named(&["ChatOps Bot"]));
    for (text, command, why) in [
        ("ChatOps Bot deploy api prod", "deploy api prod", "the whole name"),
        (
            "ChatOps deploy api prod",
            "deploy api prod",
            "shortened to the first name",
        ),
        ("  chatops: deploy  ", "deploy", "case and a colon"),
        ("ChatOps, help", "help", "a comma"),
        ("ChatOps", "", "the name alone"),
        ("hey ChatOps deploy", "hey deploy", "a mention later in the text"),
        ("ChatOpsX deploy", "ChatOpsX deploy", "only whole words"),
        ("deploy now", "deploy now", "no mention"),
    ] {
        assert_eq!(strip(text), command, "{why}");
    }
}

#[test]
fn the_mention_in_the_html_is_the_name_to_strip() {
    // The user renamed the mention; only the HTML knows what it shows.
    let html = format!(
        "<p><spark-mention data-object-type=\"person\" data-object-id=\"{BOT}\">Ops &amp; Co</spark-mention> deploy</p>"
    );
    // Older messages name the person by UUID.
    let uuid = person_uuid(BOT).unwrap();
    assert_eq!(uuid, "bot-0000");
    let by_uuid = format!("<spark-mention data-object-id='{uuid}'>Robo</spark-mention> help");
    // A mention of someone else is not the bot's.
    let other = format!("<spark-mention data-object-id=\"{USER}\">Alice</spark-mention> help");

    for (text, html, command) in [
        ("Ops & Co deploy", html, "deploy"),
        ("Robo help", by_uuid, "help"),
        ("Alice help", other, "Alice help"),
    ] {
        let message = message("group", text, Some(&html));
        assert_eq!(command_text(&message, &bot_named(&[])), command, "{html}");
    }
}

#[test]
fn nothing_is_stripped_in_a_direct_space() {
    let bot = bot_named(&["nautobot"]);
    assert_eq!(
        command_text(&message("direct", " nautobot get-devices ", None), &bot),
        "nautobot get-devices"
    );
    assert_eq!(
        command_text(&message("group", "nautobot nautobot get-devices", None), &bot),
        "nautobot get-devices",
        "only the mention goes"
    );
}

#[test]
fn the_bot_is_read_with_its_names() {
    let me = json!({"id": BOT, "displayName": " ChatOps Bot ", "nickName": " ", "firstName": "ChatOps"});
    assert_eq!(
        parse_person(me.to_string().as_bytes()),
        Ok(bot_named(&["ChatOps Bot", "ChatOps"]))
    );
    assert_eq!(parse_person(br#"{"displayName": "x"}"#), Err(Missing("id")));
}

#[test]
fn a_person_id_decodes_to_its_uuid() {
    assert_eq!(person_uuid(USER).as_deref(), Some("user-0001"));
    assert_eq!(person_uuid("not base64!"), None);
    assert_eq!(person_uuid("aGVsbG8"), None, "not a Webex ID");
}

fn action(inputs: Value) -> AttachmentAction {
    let body = json!({"id": "A1", "type": "submit", "messageId": "M3", "personId": USER,
        "roomId": "R1", "inputs": inputs});
    parse_attachment_action(body.to_string().as_bytes()).unwrap()
}

#[test]
fn a_card_submission_is_read() {
    let action = action(json!({"action": "approve", "deployId": "42"}));
    assert_eq!(action.kind.as_deref(), Some("submit"));
    assert_eq!(action.inputs["deployId"], "42");
    let to = action.reply_context();
    assert_eq!(to.conversation.as_deref(), Some("R1"));
    assert_eq!(to.prompt_message.as_deref(), Some("M3"));
    assert_eq!(to.user.as_deref(), Some(USER));
    let full = json!({"id": "A1", "messageId": "M3", "personId": USER, "roomId": "R1"});
    assert!(
        parse_attachment_action(full.to_string().as_bytes())
            .unwrap()
            .inputs
            .is_empty()
    );
    for field in ["id", "messageId", "personId", "roomId"] {
        assert!(matches!(
            parse_attachment_action(&without(&full, field)),
            Err(Missing(_))
        ));
    }
    let mut bad = full.clone();
    bad["inputs"] = json!("x");
    assert_eq!(
        parse_attachment_action(bad.to_string().as_bytes()),
        Err(Missing("inputs"))
    );
}

/// The inputs of a card made here, answered with `answers`: its prompt
/// `kind` and continuation token set over them.
fn prompt(kind: &str, mut answers: Value) -> Value {
    answers["chatops_prompt"] = json!(kind);
    answers["chatops_continuation"] = json!("tok");
    answers
}

/// The answer read from a card of `kind` made here, answered with `answers`.
fn answer(kind: &str, answers: Value) -> Result<PromptAnswer, ParseError> {
    prompt_answer(&action(prompt(kind, answers)))
}

#[test]
fn a_menu_answer_is_its_choice_and_a_button_answer_wins() {
    assert_eq!(
        answer("menu", json!({"choice": "ams01"})),
        Ok(PromptAnswer {
            token: "tok".into(),
            answers: vec!["ams01".into()]
        })
    );
    let cancel = answer("menu", json!({"chatops_answer": "__cancel__", "choice": "ams01"}));
    assert_eq!(cancel.unwrap().answers, ["__cancel__"]);
    assert_eq!(answer("menu", json!({})), Err(Missing("choice")));
}

#[test]
fn a_form_answer_lists_every_field_in_order() {
    let form =
        json!({"chatops_fields": "4", "field-0": "ams01", "field-2": "", "field-3": 7, "field-10": "x"});
    assert_eq!(answer("form", form).unwrap().answers, ["ams01", "", "", "7"]);
    let numeric = answer("form", json!({"chatops_fields": 1, "field-0": true}));
    assert_eq!(numeric.unwrap().answers, ["true"]);
    let huge = answer("form", json!({"chatops_fields": "1000000000"}));
    assert_eq!(huge, Err(NotAPrompt("chatops_fields")));
}

#[test]
fn a_card_not_made_here_is_not_a_prompt() {
    let foreign = action(json!({"action": "approve"}));
    assert_eq!(prompt_answer(&foreign), Err(NotAPrompt("chatops_continuation")));
    let kindless = action(json!({"chatops_continuation": "tok", "choice": "x"}));
    assert_eq!(prompt_answer(&kindless), Err(NotAPrompt("chatops_prompt")));
}

#[test]
fn errors_do_not_echo_the_body() {
    let err = parse_webhook(br#"{"secret-looking": 1}"#).unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
    let err = parse_message(br#"{"id": "secret-looking"}"#).unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}

proptest! {
    #[test]
    fn no_bytes_make_a_parser_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_webhook(&body);
        let _ = parse_message(&body);
        let _ = parse_attachment_action(&body);
    }

    #[test]
    fn command_text_never_panics_and_is_trimmed(
        text in any::<String>(),
        html in any::<String>(),
        name in "[A-Za-zé ]{0,12}",
        group in any::<bool>(),
    ) {
        let room_type = if group { "group" } else { "direct" };
        let message = message(room_type, &text, Some(&format!("<spark-mention data-object-id=\"{BOT}\">{html}")));
        let out = command_text(&message, &bot_named(&[&name]));
        prop_assert_eq!(out.trim(), out.as_str());
        let _ = person_uuid(&text);
    }

    #[test]
    fn no_inputs_make_prompt_answer_panic(
        inputs in prop::collection::btree_map("[a-z_0-9-]{0,22}", any::<String>(), 0..8),
        kind in prop::sample::select(vec!["menu", "form", "other"]),
        fields in any::<i64>(),
    ) {
        let mut inputs = json!(inputs);
        inputs["chatops_fields"] = json!(fields);
        let _ = prompt_answer(&action(prompt(kind, inputs)));
    }
}
