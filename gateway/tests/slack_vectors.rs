//! Every inbound case of `testkit/vectors/slack.json`, recorded with Slack's own
//! SDKs (slack_sdk's `SignatureVerifier` for the verdicts and signatures,
//! slack_bolt's `parse_body` and `extract_*` for the fields), gets the same
//! verdict, signature and fields from the gateway.

use chatops_gateway::platforms::slack::{
    inbound::{Event, Interaction, parse_event, parse_interaction, parse_slash_command},
    verify::{sign, verify},
};
use chatops_testkit::vectors::{header, inbound, str_at};
use serde_json::Value;

/// Fewer cases than this means the file was truncated or replaced.
const MIN_CASES: usize = 10;

fn cases() -> Vec<Value> {
    inbound("slack", MIN_CASES)
}

fn timestamp(case: &Value) -> &str {
    header(case, "X-Slack-Request-Timestamp").expect("every case has a timestamp")
}

#[test]
fn every_case_gets_the_recorded_verdict() {
    for case in cases() {
        let name = str_at(&case, "/name");
        let verdict = verify(
            str_at(&case, "/signing_secret").as_bytes(),
            header(&case, "X-Slack-Request-Timestamp"),
            header(&case, "X-Slack-Signature"),
            str_at(&case, "/body").as_bytes(),
            case["now_unix"]
                .as_i64()
                .unwrap_or_else(|| panic!("{name}: now_unix")),
        );
        let expected = case["expected_valid"]
            .as_bool()
            .unwrap_or_else(|| panic!("{name}: expected_valid"));
        assert_eq!(verdict.is_ok(), expected, "{name}: {verdict:?}");
        // The name says what the oracle's verdict hinges on.
        if name.starts_with("NEG_") {
            assert!(!expected, "{name}: a NEG_ case must be rejected");
        }
    }
}

#[test]
fn sign_reproduces_every_recorded_signature() {
    let cases = cases();
    for case in &cases {
        let name = str_at(case, "/name");
        let secret = str_at(case, "/signing_secret").as_bytes();
        let body = str_at(case, "/body");
        let expected = str_at(case, "/expected_signature");
        assert_eq!(
            str_at(case, "/base_string"),
            format!("v0:{}:{body}", timestamp(case)),
            "{name}"
        );
        for independent in ["/recomputed_with_python_hmac", "/recomputed_with_openssl"] {
            assert_eq!(str_at(case, independent), expected, "{name}: {independent}");
        }
        assert_eq!(
            header(case, "X-Slack-Signature"),
            Some(expected),
            "{name}: the header sent"
        );

        let ours = sign(secret, timestamp(case), body.as_bytes());
        if name == "NEG_tampered_body" {
            // The signature was made over the original body, which the file
            // holds as another case signed with the same secret and timestamp.
            assert_ne!(ours, expected, "{name}: the altered body must not match");
            let original = cases
                .iter()
                .filter(|other| {
                    other["signing_secret"] == case["signing_secret"]
                        && timestamp(other) == timestamp(case)
                        && other["expected_signature"] == case["expected_signature"]
                        && other["body"] != case["body"]
                })
                .map(|other| str_at(other, "/body"))
                .next()
                .unwrap_or_else(|| panic!("{name}: no case holds the original body"));
            assert_eq!(
                sign(secret, timestamp(case), original.as_bytes()),
                expected,
                "{name}: original body"
            );
        } else {
            assert_eq!(ours, expected, "{name}");
        }
    }
}

/// team, user, channel, enterprise: what `slack_bolt.request.internals.extract_*` found.
type Ids = [Option<String>; 4];

fn bolt_ids(case: &Value) -> Ids {
    let ids = &case["bolt_extracted"];
    ["team_id", "user_id", "channel_id", "enterprise_id"].map(|key| ids[key].as_str().map(str::to_owned))
}

#[test]
fn accepted_cases_parse_to_what_bolt_read() {
    let mut kinds = Vec::new();
    for case in cases().into_iter().filter(|case| case["expected_valid"] == true) {
        let name = str_at(&case, "/name").to_owned();
        let body = str_at(&case, "/body").as_bytes();
        let parsed = &case["parsed_body"];
        // The string bolt read at `pointer`, if any.
        let bolt = |pointer: &str| parsed.pointer(pointer).and_then(Value::as_str);
        let json = header(&case, "Content-Type").is_some_and(|t| t.starts_with("application/json"));
        let (kind, ids): (&str, Ids) = if json {
            match parse_event(body).unwrap_or_else(|e| panic!("{name}: {e}")) {
                Event::UrlVerification { challenge } => {
                    assert_eq!(challenge, parsed["challenge"], "{name}");
                    ("url_verification", [None, None, None, None])
                }
                Event::AppMention(event) => {
                    assert_eq!(event.event_id, parsed["event_id"], "{name}");
                    assert_eq!(event.ts, parsed["event"]["ts"], "{name}");
                    assert_eq!(event.thread_ts.as_deref(), bolt("/event/thread_ts"), "{name}");
                    let typed = parsed["event"]["text"].as_str().unwrap();
                    let (mention, rest) = typed.split_once(' ').unwrap();
                    assert!(
                        mention.starts_with("<@"),
                        "{name}: the vector starts with a mention"
                    );
                    assert_eq!(event.text, rest.trim(), "{name}: the mention is stripped");
                    let ids = [
                        Some(event.team_id),
                        Some(event.user),
                        Some(event.channel),
                        event.enterprise_id,
                    ];
                    ("app_mention", ids)
                }
                Event::Other { kind, .. } => panic!("{name}: {kind} is an event the gateway handles"),
            }
        } else if parsed.get("payload").is_none() && parsed.get("type").is_some() {
            // Bolt decoded the `payload=` JSON: an interaction.
            match parse_interaction(body).unwrap_or_else(|e| panic!("{name}: {e}")) {
                Interaction::BlockActions(actions) => {
                    assert_eq!(parsed["type"], "block_actions", "{name}");
                    assert_eq!(actions.trigger_id, parsed["trigger_id"], "{name}");
                    assert_eq!(actions.response_url.as_deref(), bolt("/response_url"), "{name}");
                    assert_eq!(
                        actions.message_ts.as_deref(),
                        bolt("/container/message_ts"),
                        "{name}"
                    );
                    assert_eq!(actions.user_name.as_deref(), bolt("/user/username"), "{name}");
                    let recorded = parsed["actions"].as_array().unwrap();
                    assert_eq!(actions.actions.len(), recorded.len(), "{name}");
                    for (ours, theirs) in actions.actions.iter().zip(recorded) {
                        assert_eq!(ours.action_id, theirs["action_id"], "{name}");
                        assert_eq!(ours.block_id, theirs["block_id"], "{name}");
                        assert_eq!(ours.value.as_deref(), theirs["value"].as_str(), "{name}");
                        assert_eq!(
                            ours.selected_option_value.as_deref(),
                            theirs["selected_option"]["value"].as_str(),
                            "{name}"
                        );
                        assert_eq!(ours.action_ts, theirs["action_ts"], "{name}");
                    }
                    let ids = [
                        Some(actions.team_id),
                        Some(actions.user_id),
                        actions.channel_id,
                        actions.enterprise_id,
                    ];
                    ("block_actions", ids)
                }
                Interaction::ViewSubmission(view) => {
                    assert_eq!(parsed["type"], "view_submission", "{name}");
                    let recorded = &parsed["view"];
                    assert_eq!(view.view_id, recorded["id"], "{name}");
                    assert_eq!(view.callback_id, recorded["callback_id"], "{name}");
                    assert_eq!(view.private_metadata, recorded["private_metadata"], "{name}");
                    let state = recorded["state"]["values"].as_object().unwrap();
                    assert_eq!(view.values.len(), state.len(), "{name}");
                    for (block_id, elements) in state {
                        let element = elements.as_object().unwrap().values().next().unwrap();
                        let answer = element["value"]
                            .as_str()
                            .or(element["selected_option"]["value"].as_str());
                        assert_eq!(
                            view.values.get(block_id).map(String::as_str),
                            answer,
                            "{name}: {block_id}"
                        );
                    }
                    assert_eq!(
                        view.response_urls.len(),
                        parsed["response_urls"].as_array().unwrap().len(),
                        "{name}"
                    );
                    (
                        "view_submission",
                        [Some(view.team_id), Some(view.user_id), None, view.enterprise_id],
                    )
                }
                Interaction::Other(kind) => panic!("{name}: {kind} is an interaction the gateway handles"),
            }
        } else {
            let command = parse_slash_command(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            let field = |key: &str| parsed[key].as_str().filter(|v| !v.is_empty());
            assert_eq!(Some(command.command.as_str()), field("command"), "{name}");
            assert_eq!(command.text, parsed["text"], "{name}");
            assert_eq!(
                Some(command.response_url.as_str()),
                field("response_url"),
                "{name}"
            );
            assert_eq!(command.trigger_id, parsed["trigger_id"], "{name}");
            assert_eq!(command.channel_name.as_deref(), field("channel_name"), "{name}");
            assert_eq!(command.user_name.as_deref(), field("user_name"), "{name}");
            assert_eq!(command.api_app_id.as_deref(), field("api_app_id"), "{name}");
            let ids = [
                Some(command.team_id),
                Some(command.user_id),
                Some(command.channel_id),
                command.enterprise_id,
            ];
            ("slash_command", ids)
        };
        assert_eq!(ids, bolt_ids(&case), "{name}: team, user, channel, enterprise");
        kinds.push(kind);
    }
    // Each parser met at least one real request.
    for kind in [
        "slash_command",
        "block_actions",
        "view_submission",
        "app_mention",
        "url_verification",
    ] {
        assert!(kinds.contains(&kind), "no accepted {kind} case in the vectors");
    }
}
