//! The prompt cards of Teams and Webex, one table for both: each is built
//! here, its buttons are pressed as the platform presses them, and the
//! submission is read back by the platform's own reader.

use serde_json::{Value, json};

use super::*;
use crate::platforms::{PromptError, teams, webex};

/// A platform's prompts: the card version, the message fields that repeat
/// the prompt's summary, and how a submission comes back.
struct Platform {
    version: &'static str,
    summary_keys: &'static [&'static str],
    max_continuation: usize,
    menu: fn(&Menu) -> Result<Value, PromptError>,
    form: fn(&Form) -> Result<Value, PromptError>,
    /// Reads the merged `data` and inputs as the platform hands them over.
    read: fn(serde_json::Map<String, Value>) -> Result<PromptAnswer, AnswerError>,
}

const PLATFORMS: [Platform; 2] = [
    Platform {
        version: teams::cards::CARD_VERSION,
        summary_keys: &["summary"],
        max_continuation: teams::cards::MAX_CONTINUATION_CHARS,
        menu: teams::cards::menu,
        form: teams::cards::form,
        // The message activity's `value`.
        read: |merged| teams::cards::prompt_answer(&Value::Object(merged)),
    },
    Platform {
        version: webex::cards::CARD_VERSION,
        summary_keys: &["markdown", "text"],
        max_continuation: webex::cards::MAX_CONTINUATION_CHARS,
        menu: webex::cards::menu,
        form: webex::cards::form,
        // The attachment action's `inputs`.
        read: |merged| {
            let action = webex::inbound::AttachmentAction {
                id: "A1".into(),
                kind: Some("submit".into()),
                message_id: "M1".into(),
                person_id: "P1".into(),
                room_id: "R1".into(),
                inputs: merged.into_iter().collect(),
            };
            webex::inbound::prompt_answer(&action).map_err(|err| match err {
                webex::inbound::ParseError::NotAPrompt(key) => AnswerError::NotAPrompt(key),
                webex::inbound::ParseError::Missing(key) => AnswerError::Missing(key),
                other => panic!("{other}"),
            })
        },
    },
];

impl Platform {
    /// What the platform reads when `button` of the card in `message` is
    /// pressed with `inputs`: the button's object `data` with the inputs
    /// merged in (none when it submits none).
    fn press(&self, message: &Value, button: &str, inputs: Value) -> Result<PromptAnswer, AnswerError> {
        let action = actions(message)
            .iter()
            .find(|a| a["title"] == button)
            .unwrap_or_else(|| panic!("no {button} button"));
        assert_eq!(action["type"], "Action.Submit");
        let mut merged = action["data"].as_object().expect("object data").clone();
        if action.get("associatedInputs") != Some(&Value::from("none")) {
            merged.extend(inputs.as_object().unwrap().clone());
        }
        (self.read)(merged)
    }

    /// Checks the card of `message` and the summary the message repeats.
    fn content<'m>(&self, message: &'m Value, summary: &str) -> &'m Value {
        for key in self.summary_keys {
            assert_eq!(message[key], summary, "{key}");
        }
        let attachment = &message["attachments"][0];
        assert_eq!(attachment["contentType"], CARD_CONTENT_TYPE);
        let content = &attachment["content"];
        assert_eq!(content["type"], "AdaptiveCard");
        assert_eq!(content["version"], self.version);
        content
    }
}

fn actions(message: &Value) -> &Vec<Value> {
    message["attachments"][0]["content"]["actions"]
        .as_array()
        .unwrap()
}

fn titles(message: &Value) -> Vec<&str> {
    actions(message)
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect()
}

/// A menu of `choices` asking "Which device?", continuation `tok.sig`.
pub(crate) fn menu_of(choices: usize, next_offset: Option<usize>) -> Menu {
    Menu {
        text: "Which device?".into(),
        choices: (0..choices).map(|i| Choice::same(format!("dev-{i}"))).collect(),
        next_offset,
        continuation: "tok.sig".into(),
    }
}

fn answer(answers: &[&str]) -> Result<PromptAnswer, AnswerError> {
    Ok(PromptAnswer {
        token: "tok.sig".into(),
        answers: answers.iter().map(|a| a.to_string()).collect(),
    })
}

#[test]
fn a_menu_is_a_card_with_a_dropdown_and_buttons_carrying_the_continuation() {
    for platform in &PLATFORMS {
        let message = (platform.menu)(&menu_of(3, Some(99))).unwrap();
        let content = platform.content(&message, "Which device?");
        assert_eq!(content["body"][0]["text"], "Which device?");
        let select = &content["body"][1];
        assert_eq!(select["type"], "Input.ChoiceSet");
        assert_eq!(select["id"], MENU_INPUT_ID);
        assert_eq!(select["style"], "compact");
        assert_eq!(select["choices"].as_array().unwrap().len(), 3);
        assert_eq!(select["choices"][2], json!({"title": "dev-2", "value": "dev-2"}));
        assert_eq!(titles(&message), ["Choose", "Next page", "Cancel"]);
        let actions = actions(&message);
        for action in actions {
            assert_eq!(action["data"][CONTINUATION_KEY], "tok.sig");
            assert_eq!(action["data"][PROMPT_KEY], "menu");
        }
        assert_eq!(actions[1]["data"][ANSWER_KEY], format!("{MORE_PREFIX}99"));
        assert_eq!(actions[1]["associatedInputs"], "none", "no choice needed to page");
        assert_eq!(actions[2]["data"][ANSWER_KEY], CANCEL_VALUE);

        // Without a next page there is no Next page button; a full page of choices still fits.
        let full = (platform.menu)(&menu_of(MAX_CHOICES + 5, None)).unwrap();
        assert_eq!(titles(&full), ["Choose", "Cancel"]);
        let choices = &full["attachments"][0]["content"]["body"][1]["choices"];
        assert_eq!(choices.as_array().unwrap().len(), MAX_CHOICES);
    }
}

#[test]
fn menu_answers_round_trip() {
    for platform in &PLATFORMS {
        let message = (platform.menu)(&menu_of(3, Some(99))).unwrap();
        let press = |button, inputs| platform.press(&message, button, inputs);
        assert_eq!(press("Choose", json!({"choice": "dev-1"})), answer(&["dev-1"]));
        let more = format!("{MORE_PREFIX}99");
        assert_eq!(press("Next page", json!({"choice": "dev-1"})), answer(&[&more]));
        assert_eq!(
            press("Cancel", json!({"choice": "dev-1"})),
            answer(&[CANCEL_VALUE])
        );
        assert_eq!(
            press("Choose", json!({})),
            Err(AnswerError::Missing(MENU_INPUT_ID))
        );
    }
}

#[test]
fn an_empty_menu_can_only_be_cancelled() {
    for platform in &PLATFORMS {
        let message = (platform.menu)(&menu_of(0, None)).unwrap();
        let content = &message["attachments"][0]["content"];
        assert_eq!(content["body"].as_array().unwrap().len(), 2);
        assert_eq!(content["body"][1]["type"], "TextBlock");
        assert_eq!(titles(&message), ["Cancel"]);
    }
}

#[test]
fn a_too_long_continuation_is_refused_with_a_sentence() {
    for platform in &PLATFORMS {
        let max = platform.max_continuation;
        let mut long = menu_of(1, None);
        long.continuation = "x".repeat(max + 1);
        let err = (platform.menu)(&long).unwrap_err();
        assert_eq!(
            err,
            PromptError::StateTooLong {
                chars: max + 1,
                limit: max
            }
        );
        assert!(err.to_string().contains("type the arguments"));
        let form = Form {
            title: "t".into(),
            fields: Vec::new(),
            continuation: long.continuation.clone(),
        };
        assert!((platform.form)(&form).is_err());
        long.continuation.pop();
        assert!((platform.menu)(&long).is_ok());
    }
}

fn sample_form() -> Form {
    Form {
        title: "New device".into(),
        fields: vec![
            Field {
                label: "Name".into(),
                kind: FieldKind::Text,
                default: Some("ams01-sw1".into()),
                optional: false,
            },
            Field {
                label: "Status".into(),
                kind: FieldKind::Select(vec![Choice::same("active"), Choice::same("planned")]),
                default: Some("planned".into()),
                optional: true,
            },
            Field {
                label: "Role".into(),
                kind: FieldKind::Select(vec![Choice::same("leaf")]),
                default: Some("spine".into()),
                optional: true,
            },
            Field {
                label: "".into(),
                kind: FieldKind::Select(vec![]),
                default: None,
                optional: true,
            },
        ],
        continuation: "tok.sig".into(),
    }
}

#[test]
fn a_form_is_a_card_with_one_labelled_input_per_field() {
    for platform in &PLATFORMS {
        let message = (platform.form)(&sample_form()).unwrap();
        let content = platform.content(&message, "New device");
        let body = content["body"].as_array().unwrap();
        assert_eq!(body[0]["text"], "New device");
        assert_eq!(
            body[1],
            json!({"type": "Input.Text", "id": "field-0", "label": "Name", "value": "ams01-sw1",
                "isRequired": true, "errorMessage": "Required"})
        );
        assert_eq!(
            body[2],
            json!({"type": "Input.ChoiceSet", "id": "field-1", "label": "Status", "style": "compact",
                "value": "planned", "isRequired": false,
                "choices": [{"title": "active", "value": "active"}, {"title": "planned", "value": "planned"}]})
        );
        assert!(
            body[3].get("value").is_none(),
            "a default that is no choice is dropped"
        );
        assert_eq!(
            body[4]["type"], "Input.Text",
            "a select without choices is free text"
        );
        assert_eq!(body[4]["label"], "Value 4");
        assert_eq!(titles(&message), ["Run", "Cancel"]);
        let run = &actions(&message)[0];
        assert_eq!(run["data"][FIELDS_KEY], "4");
        assert_eq!(run["data"][PROMPT_KEY], "form");
        assert!(
            actions(&message)
                .iter()
                .all(|a| a["data"][CONTINUATION_KEY] == "tok.sig")
        );

        // Answers come back in field order; a field left out is "".
        let press = |button, inputs| platform.press(&message, button, inputs);
        assert_eq!(
            press("Run", json!({"field-0": "ams01-sw2"})),
            answer(&["ams01-sw2", "", "", ""])
        );
        assert_eq!(
            press(
                "Run",
                json!({"field-3": "x", "field-1": "active", "field-2": "", "field-0": "ams01-sw2"})
            ),
            answer(&["ams01-sw2", "active", "", "x"])
        );
        assert_eq!(press("Cancel", json!({"field-0": "y"})), answer(&[CANCEL_VALUE]));
    }
}
