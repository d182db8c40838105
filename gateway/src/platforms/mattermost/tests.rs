//! Every inbound case of `testkit/vectors/mattermost.json` gets its recorded
//! verdict, and the outbound bodies have the shapes `mattermostdriver` sent.
//!
//! Mattermost signs nothing, so the verdicts are: a slash command's token
//! (`expected_token_ok`, and every `NEG_` case refused), and for the action
//! and dialog callbacks, that they parse but are refused until their context
//! carries the gateway's own MAC (the vectors hold `"<gateway-signed>"` or no
//! MAC at all).

use serde_json::{Map, Value, json};

use super::inbound::{ActionKind, ActionRequest, parse_action, parse_slash_command};
use super::render::{self, CANCEL_ACTION_ID, PromptSigner};
use super::verify::{
    ContextError, MAC_FIELD, TokenError, seal_context, verify_action, verify_context, verify_dialog,
    verify_slash_command,
};
use crate::model::{Choice, FieldKind, Form, Menu};
use crate::platforms::markup_tests::field;
use chatops_testkit::vectors::{self, name};

const KEY: &[u8] = b"gateway context key";

fn inbound() -> Vec<Value> {
    vectors::inbound("mattermost", 5)
}

/// The inbound case named `wanted`.
fn case(wanted: &str) -> Value {
    inbound().into_iter().find(|c| name(c) == wanted).unwrap()
}

/// The slash-command verdict of one case: whether its token is accepted.
fn slash_verdict(case: &Value) -> Result<usize, TokenError> {
    let token = case["command_token"].as_str().unwrap();
    let authorization = case["headers"]["Authorization"].as_str();
    verify_slash_command(&[token], authorization, case["body"].as_str().unwrap().as_bytes())
}

#[test]
fn every_inbound_case_gets_its_recorded_verdict() {
    let cases = inbound();
    assert!(cases.len() >= 5, "{} cases", cases.len());
    let mut judged = 0;
    for case in &cases {
        let name = name(case);
        if let Some(expected) = case.get("expected_token_ok").and_then(Value::as_bool) {
            let verdict = slash_verdict(case);
            assert_eq!(verdict.is_ok(), expected, "{name}: {verdict:?}");
            // It parses whatever the verdict (the verdict is the token's).
            parse_slash_command(case["body"].as_str().unwrap().as_bytes())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            judged += 1;
        } else if case["content_type"] == "application/json" {
            let body = case["body"].to_string();
            let request = parse_action(body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
            // None of the recorded contexts carries the gateway's MAC: all are refused.
            let verdict = match &request {
                ActionRequest::Action(action) => verify_action(KEY, action).map(|_| ()),
                ActionRequest::Dialog(dialog) => verify_dialog(KEY, dialog).map(|_| ()),
                ActionRequest::Other(kind) => panic!("{name}: unexpected type {kind}"),
            };
            assert!(
                matches!(verdict, Err(ContextError::Missing | ContextError::Malformed)),
                "{name}: {verdict:?}"
            );
            judged += 1;
        }
        assert!(
            !name.starts_with("NEG_") || slash_verdict(case).is_err(),
            "{name} must be refused"
        );
    }
    assert_eq!(judged, cases.len(), "a case of an unknown shape was not judged");
}

#[test]
fn the_recorded_slash_command_parses_as_mattermost_sent_it() {
    let case = case("slash_command_post");
    let command = parse_slash_command(case["body"].as_str().unwrap().as_bytes()).unwrap();
    let parsed = &case["parsed"];
    let one = |field: &str| parsed[field][0].as_str().unwrap().to_owned();
    assert_eq!(command.channel_id, one("channel_id"));
    assert_eq!(command.channel_name, Some(one("channel_name")));
    assert_eq!(command.team_id, Some(one("team_id")));
    assert_eq!(command.team_domain, Some(one("team_domain")));
    assert_eq!(command.user_id, one("user_id"));
    assert_eq!(command.user_name, Some(one("user_name")));
    assert_eq!(command.command, one("command"));
    assert_eq!(command.text, one("text"));
    assert_eq!(command.root_id, None, "sent empty");
    assert_eq!(command.trigger_id, Some(one("trigger_id")));
    assert_eq!(command.response_url, one("response_url"));
    assert_eq!(command.user_mentions, [one("user_mentions")]);
    assert_eq!(command.user_mentions_ids, [one("user_mentions_ids")]);
    assert_eq!(command.channel_mentions, [one("channel_mentions")]);
    assert_eq!(command.channel_mentions_ids, [one("channel_mentions_ids")]);
}

#[test]
fn the_recorded_token_is_accepted_from_either_place_and_they_must_agree() {
    let case = case("slash_command_post");
    let token = case["command_token"].as_str().unwrap();
    let body = case["body"].as_str().unwrap();
    let header = case["headers"]["Authorization"].as_str().unwrap();
    assert_eq!(
        verify_slash_command(&[token], Some(header), body.as_bytes()),
        Ok(0)
    );
    assert_eq!(verify_slash_command(&[token], None, body.as_bytes()), Ok(0));
    let without_field = body.replace(&format!("&token={token}"), "");
    assert_eq!(
        verify_slash_command(&[token], Some(header), without_field.as_bytes()),
        Ok(0)
    );
    assert_eq!(
        verify_slash_command(&["rotated", token], Some(header), body.as_bytes()),
        Ok(1)
    );
    let other_field = body.replace(&format!("token={token}"), "token=forged");
    assert_eq!(
        verify_slash_command(&[token], Some(header), other_field.as_bytes()),
        Err(TokenError::Mismatch)
    );
    assert_eq!(
        verify_slash_command(&[""], Some(header), body.as_bytes()),
        Err(TokenError::NoTokens)
    );
    let neg = self::case("NEG_slash_command_wrong_token");
    assert_eq!(slash_verdict(&neg), Err(TokenError::Unknown));
}

#[test]
fn the_recorded_button_verifies_once_the_gateway_has_signed_its_context() {
    let case = case("interactive_button_post");
    let mut context: Map<String, Value> = case["body"]["context"].as_object().unwrap().clone();
    assert_eq!(verify_context(KEY, &context), Err(ContextError::Malformed));
    context = seal_context(KEY, context);
    assert_eq!(verify_context(KEY, &context), Ok(()));
    // As Mattermost sends it back: the same map, keys in Go's order.
    let mut body = case["body"].clone();
    body["context"] = Value::Object(context.clone());
    let ActionRequest::Action(action) = parse_action(body.to_string().as_bytes()).unwrap() else {
        panic!("not an action")
    };
    assert_eq!(action.kind, ActionKind::Button);
    assert_eq!(verify_context(KEY, &action.context), Ok(()));
    let mut tampered = context.clone();
    tampered.insert("deploy_id".into(), "43".into());
    assert_eq!(verify_context(KEY, &tampered), Err(ContextError::BadMac));
    let mut unsigned = context;
    unsigned.remove(MAC_FIELD);
    assert_eq!(verify_context(KEY, &unsigned), Err(ContextError::Missing));
    // Signed, but not as a prompt of the gateway's: no kind, user or continuation.
    assert!(verify_action(KEY, &action).is_err());
}

#[test]
fn the_recorded_menu_and_dialog_parse_with_their_fields() {
    let menu = case("interactive_menu_post");
    let ActionRequest::Action(action) = parse_action(menu["body"].to_string().as_bytes()).unwrap() else {
        panic!("not an action")
    };
    assert_eq!(action.kind, ActionKind::Select);
    assert_eq!(action.selected_option.as_deref(), Some("prod"));
    assert_eq!(action.user_id, "rd49ehbqyjytddasoownkuqrxe");
    assert_eq!(action.post_id, "gqrnh3675jfxzftnjyjfe4udeh");
    assert_eq!(verify_action(KEY, &action), Err(ContextError::Missing));

    let dialog = case("dialog_submission_post");
    let ActionRequest::Dialog(submission) = parse_action(dialog["body"].to_string().as_bytes()).unwrap()
    else {
        panic!("not a dialog")
    };
    assert_eq!(submission.callback_id, "deploy_form");
    assert_eq!(submission.state, r#"{"cmd":"deploy"}"#);
    assert_eq!(submission.submission["env"], "prod");
    assert_eq!(submission.submission["reason"], "hotfix");
    assert!(!submission.cancelled);
    assert_eq!(verify_dialog(KEY, &submission), Err(ContextError::Missing));
}

fn captured(api: &str) -> Value {
    let outbound = &vectors::file("mattermost")["outbound"];
    let (_, requests) = outbound
        .as_object()
        .unwrap()
        .iter()
        .find(|(key, _)| key.starts_with(api))
        .unwrap_or_else(|| panic!("no capture for {api}"));
    serde_json::from_str(requests[0]["body"].as_str().unwrap()).unwrap()
}

fn signer(user: &str) -> PromptSigner<'_> {
    PromptSigner {
        key: KEY,
        url: "https://gateway.example.com/hooks/mm/actions",
        user,
        nonce: "prompt-1",
    }
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[test]
fn post_bodies_have_the_recorded_shapes() {
    let post = captured("create_post ");
    let ours = render::create_post(
        "j6j53p28k6urx15fpcgsr20psq",
        Some("gqrnh3675jfxzftnjyjfe4udeh"),
        "Deploy **started**",
        Some(&post["props"]),
        &[],
    );
    assert_eq!(ours, post);
    assert_eq!(
        render::create_post("C1", None, "m", None, &["F1".into()]),
        json!({"channel_id": "C1", "message": "m", "file_ids": ["F1"]})
    );

    let ephemeral = captured("create_ephemeral_post");
    let ours = render::create_ephemeral_post(
        "rd49ehbqyjytddasoownkuqrxe",
        "j6j53p28k6urx15fpcgsr20psq",
        None,
        "Only you can see this",
        None,
    );
    assert_eq!(ours, ephemeral);
}

#[test]
fn a_menu_post_has_the_recorded_action_shape() {
    let post = captured("create_post ");
    let recorded = &post["props"]["attachments"][0]["actions"][0];
    let signer = signer("rd49ehbqyjytddasoownkuqrxe");
    let props = render::menu(
        &Menu {
            text: "Approve?".into(),
            choices: vec![Choice::same("prod")],
            next_offset: None,
            continuation: "cont".into(),
        },
        &signer,
    )
    .unwrap();
    let body = render::create_post("C1", None, "", Some(&props), &[]);
    assert!(keys(&body["props"]["attachments"][0]).contains(&"actions"));
    let cancel = body["props"]["attachments"][0]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == CANCEL_ACTION_ID)
        .unwrap();
    assert_eq!(keys(cancel), keys(recorded));
    assert_eq!(keys(&cancel["integration"]), keys(&recorded["integration"]));
}

#[test]
fn a_dialog_has_the_recorded_shape() {
    let recorded = captured("open_dialog");
    let signer = signer("U1");
    let dialog = render::dialog(
        &Form {
            title: "Deploy".into(),
            fields: vec![field(
                "Env",
                FieldKind::Select(vec![Choice::same("prod")]),
                None,
                false,
            )],
            continuation: "cont".into(),
        },
        &signer,
    )
    .unwrap();
    let body = render::open_dialog(
        recorded["trigger_id"].as_str().unwrap(),
        recorded["url"].as_str().unwrap(),
        dialog,
    );
    assert_eq!(keys(&body), keys(&recorded));
    assert_eq!(keys(&body["dialog"]), keys(&recorded["dialog"]));
    let (ours, theirs) = (&body["dialog"]["elements"][0], &recorded["dialog"]["elements"][0]);
    for key in keys(theirs) {
        assert!(ours.get(key).is_some(), "element lacks {key}");
    }
    assert_eq!(ours["options"], theirs["options"]);
    assert_eq!(ours["type"], theirs["type"]);
    assert_eq!(body["dialog"]["title"], recorded["dialog"]["title"]);
    assert!(body["dialog"]["state"].is_string());
}
