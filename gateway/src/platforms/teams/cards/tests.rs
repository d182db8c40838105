use proptest::prelude::*;

use super::*;
use crate::model::{Field, FieldKind};
use crate::platforms::adaptive_card::tests::menu_of;

fn texts(activities: &[Value]) -> Vec<&str> {
    activities.iter().filter_map(|a| a["text"].as_str()).collect()
}

fn assert_within_limits(activities: &[Value]) {
    for activity in activities {
        assert_eq!(activity["type"], "message");
        if let Some(text) = activity["text"].as_str() {
            assert!(message_size(text) <= MAX_MESSAGE_BYTES, "{} bytes", text.len());
            assert!(!text.trim().is_empty());
            assert_eq!(activity["textFormat"], "markdown");
        }
        if let Some(attachments) = activity["attachments"].as_array() {
            assert_eq!(attachments.len(), 1);
            if attachments[0]["contentType"] == CARD_CONTENT_TYPE {
                assert!(serde_json::to_string(&attachments[0]).unwrap().len() <= MAX_CARD_BYTES);
                assert!(activity.get("text").is_none(), "a card goes without text");
            }
        }
    }
}

/// The activities of an info message of `blocks`.
fn of_blocks(blocks: Vec<Block>) -> Vec<Value> {
    message(&Message {
        blocks,
        ..Default::default()
    })
}

fn table(rows: usize, width: usize) -> Table {
    Table {
        title: "Devices".to_owned(),
        columns: vec!["Name".to_owned(), "Status".to_owned()],
        rows: (0..rows)
            .map(|i| {
                vec![
                    format!("device-{i:06}-{}", "x".repeat(width)),
                    "Active".to_owned(),
                ]
            })
            .collect(),
    }
}

#[test]
fn angle_brackets_are_escaped_so_no_mention_or_tag_is_injected() {
    let activities = of_blocks(vec![
        Block::Text("hi <at>Megan Bowen</at> <b>x</b>".to_owned()),
        Block::Code("<at>all</at>".to_owned()),
    ]);
    let text = texts(&activities).join("\n");
    assert!(!text.contains('<'), "{text}");
    assert!(
        text.contains("hi &lt;at>Megan Bowen&lt;/at> &lt;b>x&lt;/b>"),
        "{text}"
    );
    assert!(text.contains("```\n&lt;at>all&lt;/at>\n```"), "{text}");
}

#[test]
fn typing_is_an_activity_of_its_own() {
    // Messages' openings, fences and "(no output)": rendering::tests.
    assert_eq!(typing(), json!({"type": "typing"}));
}

#[test]
fn a_small_table_is_a_table_card_of_its_own() {
    let activities = of_blocks(vec![
        Block::Text("before".to_owned()),
        Block::Table(table(2, 0)),
        Block::Text("after".to_owned()),
    ]);
    assert_within_limits(&activities);
    assert_eq!(activities.len(), 3);
    assert_eq!(texts(&activities), ["before", "after"]);
    let card = &activities[1];
    assert_eq!(card["summary"], "Devices");
    let content = &card["attachments"][0]["content"];
    assert_eq!(content["version"], "1.5");
    assert_eq!(content["body"][0]["text"], "Devices");
    let table = &content["body"][1];
    assert_eq!(table["type"], "Table");
    assert_eq!(table["firstRowAsHeader"], true);
    assert_eq!(table["columns"].as_array().unwrap().len(), 2);
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["cells"][0]["items"][0]["text"], "Name");
    assert_eq!(rows[0]["cells"][0]["items"][0]["weight"], "Bolder");
    assert_eq!(rows[2]["cells"][0]["items"][0]["text"], "device-000001-");
    assert_eq!(rows[2]["cells"][1]["items"][0]["text"], "Active");
}

#[test]
fn a_big_table_is_fenced_text_over_several_activities() {
    // About 100 KB of text: too big for a card, a few activities.
    let activities = of_blocks(vec![Block::Table(table(1000, 80))]);
    assert_within_limits(&activities);
    assert!(
        activities.len() > 1 && activities.len() <= MAX_ACTIVITIES,
        "{}",
        activities.len()
    );
    let texts = texts(&activities);
    assert!(
        texts[0].starts_with("**Devices**\n```\nName"),
        "{}",
        &texts[0][..40]
    );
    assert!(texts.iter().all(|t| t.contains("```\n") && t.ends_with("```")));
    let rows: usize = texts.iter().map(|t| t.matches("device-").count()).sum();
    assert_eq!(rows, 1000);
    assert!(!texts.concat().contains("Showing"));
}

#[test]
fn a_huge_table_is_cut_after_four_activities_saying_how_many_rows_were_shown() {
    let activities = of_blocks(vec![Block::Table(table(10_000, 80))]);
    assert_within_limits(&activities);
    assert_eq!(activities.len(), MAX_ACTIVITIES);
    let texts = texts(&activities);
    let shown: usize = texts.iter().map(|t| t.matches("device-").count()).sum();
    let last = texts.last().unwrap();
    assert!(
        last.ends_with(&format!(
            "_Showing {shown} of 10000 rows: narrow the query to see the rest._"
        )),
        "{}",
        &last[last.len() - 100..]
    );
    assert!(shown > 1000 && shown < 10_000, "{shown}");
}

#[test]
fn an_image_is_an_inline_data_uri_attachment() {
    let activities = of_blocks(vec![Block::Image(Image {
        file_name: "panel.png".to_owned(),
        alt_text: "CPU".to_owned(),
        bytes: vec![0x89, b'P', b'N', b'G'],
    })]);
    assert_eq!(
        activities,
        [
            json!({"type": "message", "attachments": [{"contentType": "image/png",
            "contentUrl": "data:image/png;base64,iVBORw==", "name": "panel.png"}]})
        ]
    );
}

#[test]
fn a_text_file_is_fenced_text_under_its_title() {
    let activities = of_blocks(vec![Block::File(TextFile {
        file_name: "diff.txt".into(),
        title: "Diff of rtr01".into(),
        text: "+ shutdown;\n".into(),
    })]);
    assert_eq!(activities.len(), 1);
    let text = activities[0]["text"].as_str().unwrap();
    assert!(text.starts_with("**Diff of rtr01**\n```"), "{text}");
    assert!(text.contains("+ shutdown;"), "{text}");
}

#[test]
fn a_file_of_bytes_is_a_line_saying_teams_cannot_take_it() {
    let activities = of_blocks(vec![
        Block::Text("3 packets".into()),
        Block::Data(crate::model::DataFile {
            file_name: "fw-ams-01-receive.pcap".into(),
            title: "Capture".into(),
            media_type: "application/vnd.tcpdump.pcap".into(),
            bytes: vec![0; 2000],
        }),
    ]);
    let text: Vec<&str> = activities.iter().filter_map(|a| a["text"].as_str()).collect();
    let text = text.join("\n");
    assert!(text.contains("3 packets"), "the summary stays: {text}");
    assert!(
        text.contains("The file `fw-ams-01-receive.pcap` (2 KiB) cannot be sent in Teams"),
        "{text}"
    );
    assert!(activities.iter().all(|a| a.get("attachments").is_none()));
}

#[test]
fn a_too_large_image_is_a_line_saying_so() {
    let activities = of_blocks(vec![Block::Image(Image {
        file_name: "huge.png".to_owned(),
        alt_text: String::new(),
        bytes: vec![0; MAX_IMAGE_BYTES + 1],
    })]);
    assert_eq!(activities.len(), 1);
    assert!(activities[0].get("attachments").is_none());
    let text = activities[0]["text"].as_str().unwrap();
    assert!(text.contains("huge.png") && text.contains("too large"), "{text}");
}

#[test]
fn a_megabyte_of_text_stays_within_the_limits_and_is_cut() {
    let line = "interface GigabitEthernet0/1 is up, line protocol is up <ok>\n";
    let text = line.repeat(1_000_000 / line.len());
    let activities = of_blocks(vec![Block::Text(text.clone()), Block::Code(text)]);
    assert_within_limits(&activities);
    assert_eq!(activities.len(), MAX_ACTIVITIES);
    assert!(
        texts(&activities)
            .last()
            .unwrap()
            .ends_with("_This answer is longer than 4 Teams messages: it was cut here._")
    );
    // One line of many megabytes is cut too.
    let long = message(&Message::text(Level::Info, "é".repeat(500_000)));
    assert_within_limits(&long);
}

#[test]
fn the_card_envelope_matches_the_captured_activity() {
    // The body of vectors/teams.json `outbound.reply_to_activity`, as captured from the Python
    // `ConnectorClient` (addressing left out).
    let body = json!({"type": "message", "textFormat": "markdown", "text": "Deploy started for **api/prod**",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {
            "type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock", "text": "Approve?"}],
            "actions": [{"type": "Action.Submit", "title": "Approve",
                "data": {"action": "approve", "deployId": "42"}}]}}],
        "replyToId": "1485983408511"});
    let captured = &body["attachments"][0];
    let ours = &menu(&menu_of(1, None)).unwrap()["attachments"][0];
    assert_eq!(ours["contentType"], captured["contentType"]);
    assert_eq!(ours["content"]["type"], captured["content"]["type"]);
    assert!(captured["content"]["version"].is_string());
    assert_eq!(ours["content"]["version"], CARD_VERSION);
    assert!(captured["content"]["actions"][0]["data"].is_object());
    assert_eq!(body["type"], "message");
}

#[test]
fn a_too_large_card_is_refused_with_a_sentence() {
    // A too long continuation: adaptive_card::tests.
    let form_long = Form {
        title: "t".into(),
        fields: (0..100)
            .map(|i| Field {
                label: format!("{i}{}", "l".repeat(400)),
                kind: FieldKind::Text,
                default: None,
                optional: true,
            })
            .collect(),
        continuation: "tok".into(),
    };
    let err = form(&form_long).unwrap_err();
    assert!(err.to_string().contains("type the arguments"));
    assert!(
        matches!(
            err,
            PromptError::CardTooLarge {
                limit: MAX_CARD_BYTES,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_value_without_the_continuation_is_not_an_answer() {
    for value in [
        json!({"chatops_prompt": "menu", "choice": "x"}),
        json!({"chatops_prompt": "menu", "chatops_continuation": "", "choice": "x"}),
        json!("chatops_continuation"),
        Value::Null,
    ] {
        assert_eq!(
            prompt_answer(&value),
            Err(AnswerError::NotAPrompt(CONTINUATION_KEY))
        );
    }
}

proptest! {
    #[test]
    fn any_message_renders_within_the_limits(
        text in any::<String>(),
        code in any::<String>(),
        title in proptest::option::of(any::<String>()),
        cells in prop::collection::vec(prop::collection::vec(any::<String>(), 0..4), 0..6),
        level in prop::sample::select(vec![Level::Info, Level::Warning, Level::Error]),
    ) {
        let table = Table { title: text.clone(), columns: vec!["a".into(), code.clone()], rows: cells };
        let activities = message(&Message {
            level,
            title,
            blocks: vec![Block::Text(text), Block::Code(code), Block::Table(table)],
            private: false,
        });
        prop_assert!(!activities.is_empty());
        assert_within_limits(&activities);
    }

    #[test]
    fn no_value_makes_prompt_answer_panic(
        inputs in prop::collection::btree_map("[a-z_0-9-]{0,22}", any::<String>(), 0..8),
        kind in prop::sample::select(vec!["menu", "form", "other"]),
        fields in any::<i64>(),
    ) {
        let mut value: serde_json::Map<String, Value> =
            inputs.into_iter().map(|(k, v)| (k, Value::from(v))).collect();
        value.insert(PROMPT_KEY.into(), Value::from(kind));
        value.insert(CONTINUATION_KEY.into(), Value::from("tok"));
        value.insert(FIELDS_KEY.into(), Value::from(fields));
        let _ = prompt_answer(&Value::Object(value));
    }
}
