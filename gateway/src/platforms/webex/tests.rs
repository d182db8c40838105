//! Every inbound case of `testkit/vectors/webex.json` (signatures recorded with
//! Python's `hmac` and `openssl`, fields with webexpythonsdk's `WebhookEvent`)
//! gets the recorded verdict; the outbound captures fix the shapes of the
//! bodies the gateway posts and of the card answers it reads.

use chatops_testkit::vectors::{self, header, str_at};
use serde_json::{Value, json};

use super::cards::{CARD_CONTENT_TYPE, addressed};
use super::inbound::{
    BotIdentity, IgnoreReason, Resource, Triage, WebhookEvent, command_text, is_from_bot,
    parse_attachment_action, parse_message, parse_webhook, triage,
};
use super::verify::{
    CreatedError, MAX_AGE_SECS, MAX_FUTURE_SECS, SIGNATURE_HEADER, check_created, sign, verify,
};
use crate::model::ReplyContext;

/// Fewer cases than this means the file was truncated or replaced.
const MIN_CASES: usize = 4;

fn file() -> Value {
    vectors::file("webex")
}

fn cases() -> Vec<Value> {
    vectors::inbound("webex", MIN_CASES)
}

fn raw_body(case: &Value) -> &[u8] {
    str_at(case, "/raw_body").as_bytes()
}

/// The case's webhook, parsed.
fn event(case: &Value) -> WebhookEvent {
    parse_webhook(raw_body(case)).unwrap_or_else(|e| panic!("{}: {e}", vectors::name(case)))
}

/// The recorded verdict: `expected_valid` where given, else valid (the
/// positive cases record the signature the oracle computed instead).
fn expected_valid(case: &Value) -> bool {
    case["expected_valid"].as_bool().unwrap_or(true)
}

#[test]
fn every_case_gets_the_recorded_signature_verdict() {
    let (mut valid, mut invalid) = (0, 0);
    for case in cases() {
        let name = str_at(&case, "/name");
        let secret = str_at(&case, "/webhook_secret").as_bytes();
        let body = raw_body(&case);
        let verdict = verify(secret, header(&case, SIGNATURE_HEADER), body);
        assert_eq!(verdict.is_ok(), expected_valid(&case), "{name}: {verdict:?}");
        assert_eq!(
            name.starts_with("NEG_"),
            !expected_valid(&case),
            "{name}: NEG_ names the rejected cases"
        );
        if expected_valid(&case) {
            valid += 1;
        } else {
            invalid += 1;
        }
        if let Some(expected) = case["expected_signature"].as_str() {
            assert_eq!(sign(secret, body), expected, "{name}");
            assert_eq!(case["recomputed_with_openssl"].as_str(), Some(expected), "{name}");
            assert_eq!(header(&case, SIGNATURE_HEADER), Some(expected), "{name}");
        }
    }
    assert!(valid >= 3 && invalid >= 1, "{valid} valid, {invalid} invalid");
}

#[test]
fn the_reserialized_body_fails_although_its_json_is_the_same() {
    let cases = cases();
    let neg = cases
        .iter()
        .find(|c| c["name"] == "NEG_reserialized_body")
        .expect("the NEG_reserialized_body case");
    let original = cases
        .iter()
        .find(|c| c["headers"]["X-Spark-Signature"] == neg["headers"]["X-Spark-Signature"] && c != &neg)
        .expect("the case it re-serialises");
    let parsed = |c: &Value| serde_json::from_str::<Value>(str_at(c, "/raw_body")).unwrap();
    assert_eq!(parsed(neg), parsed(original));
    let secret = str_at(neg, "/webhook_secret").as_bytes();
    let signature = header(neg, SIGNATURE_HEADER);
    assert!(verify(secret, signature, raw_body(original)).is_ok());
    assert!(verify(secret, signature, raw_body(neg)).is_err());
}

#[test]
fn every_case_is_parsed_as_webexpythonsdk_parsed_it() {
    for case in cases() {
        let name = str_at(&case, "/name");
        let event = event(&case);
        let Some(sdk) = case.get("webexpythonsdk_WebhookEvent_parse") else {
            continue;
        };
        let resource = match &event.resource {
            Resource::Messages => "messages",
            Resource::AttachmentActions => "attachmentActions",
            Resource::Other(other) => other.as_str(),
        };
        assert_eq!(resource, sdk["resource"], "{name}");
        assert_eq!(event.event, sdk["event"], "{name}");
        assert_eq!(event.actor_id.as_deref(), sdk["actorId"].as_str(), "{name}");
        assert_eq!(event.org_id.as_deref(), sdk["orgId"].as_str(), "{name}");
        assert_eq!(event.data_id, sdk["data.id"], "{name}");
        assert_eq!(event.room_id.as_deref(), sdk["data.roomId"].as_str(), "{name}");
    }
}

/// The vectors were recorded months ago: their `data.created` is checked at
/// clocks set relative to it, never skipped for being old.
#[test]
fn every_case_is_accepted_within_its_window_and_refused_outside_it() {
    let mut checked = 0;
    for case in cases() {
        let name = str_at(&case, "/name");
        let event = event(&case);
        let body: Value = serde_json::from_str(str_at(&case, "/raw_body")).unwrap();
        let recorded = body["data"]["created"].as_str();
        assert_eq!(event.created.as_deref(), recorded, "{name}");
        let created = recorded
            .unwrap_or_else(|| panic!("{name}: no data.created"))
            .parse::<k8s_openapi::jiff::Timestamp>()
            .unwrap()
            .as_second();
        let open_until = created + MAX_AGE_SECS;
        for (now, want) in [
            (created, Ok(open_until)),
            (created + MAX_AGE_SECS, Ok(open_until)),
            (created - MAX_FUTURE_SECS, Ok(open_until)),
            (created + MAX_AGE_SECS + 1, Err(CreatedError::Stale)),
            (created - MAX_FUTURE_SECS - 1, Err(CreatedError::FromTheFuture)),
        ] {
            let got = check_created(event.created.as_deref(), now);
            assert_eq!(got, want, "{name}: {} s after data.created", now - created);
        }
        checked += 1;
    }
    assert!(checked >= MIN_CASES, "{checked} cases");
}

#[test]
fn every_case_gets_the_recorded_ignore_as_self_verdict() {
    let (mut own, mut others) = (0, 0);
    for case in cases() {
        let name = str_at(&case, "/name");
        let Some(expected) = case["expected_ignore_as_self"].as_bool() else {
            continue;
        };
        let bot = str_at(&case, "/bot_person_id");
        let event = event(&case);
        assert_eq!(is_from_bot(&event, bot), expected, "{name}");
        let decided = triage(&event, bot);
        if expected {
            own += 1;
            assert_eq!(decided, Triage::Ignore(IgnoreReason::OwnMessage), "{name}");
        } else {
            others += 1;
            let id = event.data_id.clone();
            let fetch = match event.resource {
                Resource::Messages => Triage::FetchMessage { id },
                _ => Triage::FetchAttachmentAction { id },
            };
            assert_eq!(decided, fetch, "{name}");
        }
    }
    assert!(own >= 1 && others >= 2, "{own} own, {others} others");
}

#[test]
fn the_fetched_text_of_the_captured_message_is_the_command() {
    let file = file();
    let text = file["outbound"]["GET message"]["sdk_parsed_text"]
        .as_str()
        .unwrap();
    let case = &cases()[0];
    let event = event(case);
    let path = file["outbound"]["GET message"]["requests"][0]["path"]
        .as_str()
        .unwrap();
    assert_eq!(path, format!("/v1/messages/{}", event.data_id));
    // The answer to that GET, with the fields of the webhook and the text the SDK read.
    let answer = json!({"id": event.data_id, "roomId": event.room_id, "roomType": event.room_type,
        "personId": event.person_id, "text": text, "mentionedPeople": event.mentioned_people});
    let message = parse_message(answer.to_string().as_bytes()).unwrap();
    let bot = BotIdentity {
        person_id: str_at(case, "/bot_person_id").into(),
        names: vec!["ChatOps".into()],
    };
    assert_eq!(command_text(&message, &bot), "deploy api prod");
}

#[test]
fn a_threaded_reply_is_addressed_as_the_sdk_posts_it() {
    let file = file();
    let capture = &file["outbound"]["POST message (threaded reply + adaptive card)"][0];
    assert_eq!(capture["method"], "POST");
    assert_eq!(capture["path"], "/v1/messages");
    let posted: Value = serde_json::from_str(capture["body"].as_str().unwrap()).unwrap();
    let body =
        json!({"text": posted["text"], "markdown": posted["markdown"], "attachments": posted["attachments"]});
    let to = ReplyContext {
        conversation: posted["roomId"].as_str().map(str::to_owned),
        thread: posted["parentId"].as_str().map(str::to_owned),
        ..Default::default()
    };
    assert_eq!(addressed(&body, &to, false), Some(posted.clone()));
    assert_eq!(posted["attachments"][0]["contentType"], CARD_CONTENT_TYPE);
}

#[test]
fn the_captured_card_answer_is_read_with_its_data_merged() {
    let file = file();
    let capture = &file["outbound"]["GET attachment action"];
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "attachmentActions_created")
        .expect("the attachmentActions case");
    let event = event(&case);
    assert_eq!(
        capture["requests"][0]["path"],
        format!("/v1/attachment/actions/{}", event.data_id)
    );
    let answer = json!({"id": event.data_id, "type": "submit", "messageId": event.message_id,
        "personId": event.person_id, "roomId": event.room_id, "inputs": capture["sdk_parsed_inputs"],
        "created": "2026-01-10T12:00:05.000Z"});
    let action = parse_attachment_action(answer.to_string().as_bytes()).unwrap();
    assert_eq!(
        Value::Object(action.inputs.into_iter().collect()),
        capture["sdk_parsed_inputs"]
    );
    assert_eq!(Some(action.message_id), event.message_id);
}
