//! Every inbound case of `shared/vectors/slack.json` (made by Slack's official
//! SDK) gets the verdict recorded there, and the parsers read the same IDs.

use chatops_gateway::platforms::slack::{
    inbound::{Event, Interaction, parse_event, parse_interaction, parse_slash_command},
    verify::{sign, verify},
};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors/slack.json");
    let text = std::fs::read_to_string(path).expect("shared/vectors/slack.json sits beside the repository");
    let file: Value = serde_json::from_str(&text).unwrap();
    let cases = file["inbound"].as_array().unwrap().clone();
    assert!(cases.len() >= 10, "the vector file lost cases");
    cases
}

fn header<'a>(case: &'a Value, name: &str) -> Option<&'a str> {
    case["headers"]
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))?
        .1
        .as_str()
}

#[test]
fn every_case_gets_the_recorded_verdict() {
    for case in vectors() {
        let name = case["name"].as_str().unwrap();
        let secret = case["signing_secret"].as_str().unwrap().as_bytes();
        let body = case["body"].as_str().unwrap().as_bytes();
        let verdict = verify(
            secret,
            header(&case, "X-Slack-Request-Timestamp"),
            header(&case, "X-Slack-Signature"),
            body,
            case["now_unix"].as_i64().unwrap(),
        );
        assert_eq!(
            verdict.is_ok(),
            case["expected_valid"].as_bool().unwrap(),
            "{name}: {verdict:?}"
        );

        // `sign` is Slack's own computation: it reproduces the recorded signature of the
        // body Slack signed (the tampered case sends another body than it signed).
        let timestamp = header(&case, "X-Slack-Request-Timestamp").unwrap();
        let ours = sign(secret, timestamp, body);
        let expected = case["expected_signature"].as_str().unwrap();
        if name == "NEG_tampered_body" {
            assert_ne!(ours, expected, "{name}");
        } else {
            assert_eq!(ours, expected, "{name}");
        }
    }
}

#[test]
fn accepted_cases_parse_to_the_ids_bolt_extracts() {
    let mut parsed = 0;
    for case in vectors().into_iter().filter(|c| c["expected_valid"] == true) {
        let name = case["name"].as_str().unwrap();
        let body = case["body"].as_str().unwrap().as_bytes();
        let ids = &case["bolt_extracted"];
        let json = header(&case, "Content-Type").is_some_and(|t| t.contains("json"));
        let (team, user, channel) = if json {
            match parse_event(body).unwrap_or_else(|e| panic!("{name}: {e}")) {
                Event::UrlVerification { challenge } => {
                    assert_eq!(challenge, case["parsed_body"]["challenge"], "{name}");
                    (None, None, None)
                }
                Event::AppMention(m) => {
                    assert_eq!(m.event_id, case["parsed_body"]["event_id"], "{name}");
                    assert_eq!(m.text, "deploy api prod", "{name}: the mention is stripped");
                    (Some(m.team_id), Some(m.user), Some(m.channel))
                }
                Event::Other { .. } => panic!("{name}: an event the gateway handles"),
            }
        } else if body.starts_with(b"payload=") {
            match parse_interaction(body).unwrap_or_else(|e| panic!("{name}: {e}")) {
                Interaction::BlockActions(a) => (Some(a.team_id), Some(a.user_id), a.channel_id),
                Interaction::ViewSubmission(v) => (Some(v.team_id), Some(v.user_id), None),
                Interaction::Other(kind) => panic!("{name}: unexpected {kind}"),
            }
        } else {
            let command = parse_slash_command(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(command.text, case["parsed_body"]["text"], "{name}");
            assert_eq!(command.command, case["parsed_body"]["command"], "{name}");
            (
                Some(command.team_id),
                Some(command.user_id),
                Some(command.channel_id),
            )
        };
        assert_eq!(team.as_deref(), ids["team_id"].as_str(), "{name}: team");
        assert_eq!(user.as_deref(), ids["user_id"].as_str(), "{name}: user");
        assert_eq!(channel.as_deref(), ids["channel_id"].as_str(), "{name}: channel");
        parsed += 1;
    }
    assert!(parsed >= 6, "only {parsed} accepted cases parsed");
}
