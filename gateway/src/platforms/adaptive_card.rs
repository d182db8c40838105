//! The Adaptive Card pieces Webex and Teams share: the attachment envelope,
//! `Action.Submit` buttons, choices, form inputs, the menu and form cards
//! themselves, and the reading of a submission back into the prompt's answer.
//!
//! Both platforms merge a submit button's `data` object with the card's
//! inputs and hand the bot that flat object (Webex as the attachment action's
//! `inputs`, Teams as the message activity's `value`), so every button
//! carries the prompt's signed continuation under [`CONTINUATION_KEY`], and
//! [`read_answer`] reads it back. What differs (the card version, the size
//! limits, how the card is wrapped in a message) stays with each platform.

use serde_json::{Map, Value, json};

use crate::commands::{CANCEL_VALUE, MORE_PREFIX};
use crate::model::{Choice, Field, FieldKind, Form, Menu};
use crate::platforms::files::truncate;

/// The content type of an Adaptive Card attachment.
pub const CARD_CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";

/// The `data` key of every button: the signed continuation.
pub const CONTINUATION_KEY: &str = "chatops_continuation";
/// The `data` key of a button with a fixed answer (Cancel, Next page).
pub const ANSWER_KEY: &str = "chatops_answer";
/// The `data` key saying which prompt it is: `menu` or `form`.
pub const PROMPT_KEY: &str = "chatops_prompt";
/// The `data` key of a form's Run button: how many fields the form has.
pub const FIELDS_KEY: &str = "chatops_fields";
/// The `id` of a menu's choice input.
pub const MENU_INPUT_ID: &str = "choice";

/// Choices in one menu page (the command core pages at 99).
pub const MAX_CHOICES: usize = 100;
/// The most fields a submitted form is read with; a card claiming more was not made here.
pub const MAX_FORM_FIELDS: usize = 100;
/// Characters of a choice's title.
pub const MAX_CHOICE_TITLE: usize = 150;
/// Characters of a card's question or title text.
pub const MAX_CARD_TEXT: usize = 2000;
/// The label of the button asking for the next page.
pub const MORE_LABEL: &str = "Next page";

/// The `id` of a form's input for field `index`: `field-{index}`.
pub fn field_id(index: usize) -> String {
    format!("field-{index}")
}

/// A card of `version` as a message attachment.
pub fn card(version: &str, body: Vec<Value>, actions: Vec<Value>) -> Value {
    json!({
        "contentType": CARD_CONTENT_TYPE,
        "content": {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": version,
            "body": body,
            "actions": actions,
        }
    })
}

/// An `Action.Submit` whose `data` is an object of `fields`; with `inputs:
/// false` it submits none of the card's inputs (and skips their validation).
pub fn submit(title: &str, fields: &[(&str, &str)], inputs: bool) -> Value {
    let data: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
        .collect();
    let mut action = json!({"type": "Action.Submit", "title": title, "data": data});
    if !inputs {
        action["associatedInputs"] = Value::from("none");
    }
    action
}

/// The first `max` choices as `Input.ChoiceSet` choices (a blank label shows the value).
pub fn choices(choices: &[Choice], max: usize) -> Vec<Value> {
    choices
        .iter()
        .take(max)
        .map(|c| {
            let title = if c.label.trim().is_empty() {
                &c.value
            } else {
                &c.label
            };
            json!({"title": truncate(title, MAX_CHOICE_TITLE), "value": c.value})
        })
        .collect()
}

/// A form's input for field `index`: a compact `Input.ChoiceSet` for a
/// select with choices, else an `Input.Text`; labelled, required unless optional.
pub fn input(index: usize, field: &Field) -> Value {
    let label = if field.label.trim().is_empty() {
        format!("Value {}", index + 1)
    } else {
        truncate(field.label.trim(), MAX_CARD_TEXT)
    };
    let mut element = match &field.kind {
        FieldKind::Select(options) if !options.is_empty() => {
            let mut element = json!({"type": "Input.ChoiceSet", "style": "compact",
                "choices": choices(options, usize::MAX)});
            // The initial value must be one of the choices, word for word.
            if let Some(default) = field
                .default
                .as_ref()
                .filter(|d| options.iter().any(|c| &c.value == *d))
            {
                element["value"] = Value::from(default.as_str());
            }
            element
        }
        // A choice set needs choices: free text instead.
        _ => {
            let mut element = json!({"type": "Input.Text"});
            if let Some(default) = &field.default {
                element["value"] = Value::from(default.as_str());
            }
            element
        }
    };
    element["id"] = Value::from(field_id(index));
    element["label"] = Value::from(label);
    element["isRequired"] = Value::from(!field.optional);
    if !field.optional {
        element["errorMessage"] = Value::from("Required");
    }
    element
}

/// A prompt's card and the sentence that says the same where cards are not
/// shown (notifications, clients without cards).
#[derive(Clone, Debug, PartialEq)]
pub struct PromptCard {
    /// The question or the form's title, trimmed (not yet cut to a platform's limit).
    pub summary: String,
    /// The card, as a message attachment.
    pub card: Value,
}

/// A menu as a card of `version`: the question, a dropdown (`Input.ChoiceSet`
/// with id [`MENU_INPUT_ID`], at most [`MAX_CHOICES`]) and a Choose button; a
/// Next page button answering `{MORE_PREFIX}{offset}` when there is a next
/// page; a Cancel button answering [`CANCEL_VALUE`]. Every button carries the
/// continuation. The continuation's length is the caller's to check.
pub fn menu_card(menu: &Menu, version: &str) -> PromptCard {
    let question = if menu.text.trim().is_empty() {
        "Choose one:"
    } else {
        menu.text.trim()
    };
    let token = menu.continuation.as_str();
    let mut body =
        vec![json!({"type": "TextBlock", "text": truncate(question, MAX_CARD_TEXT), "wrap": true})];
    let mut actions = Vec::new();
    if menu.choices.is_empty() {
        body.push(json!({"type": "TextBlock", "text": "_(nothing to choose from)_", "wrap": true, "isSubtle": true}));
    } else {
        body.push(json!({
            "type": "Input.ChoiceSet",
            "id": MENU_INPUT_ID,
            "style": "compact",
            "isRequired": true,
            "errorMessage": "Choose one",
            "placeholder": "Choose…",
            "choices": choices(&menu.choices, MAX_CHOICES),
        }));
        actions.push(submit(
            "Choose",
            &[(PROMPT_KEY, "menu"), (CONTINUATION_KEY, token)],
            true,
        ));
    }
    if let Some(offset) = menu.next_offset {
        let more = format!("{MORE_PREFIX}{offset}");
        actions.push(submit(
            MORE_LABEL,
            &[
                (PROMPT_KEY, "menu"),
                (CONTINUATION_KEY, token),
                (ANSWER_KEY, &more),
            ],
            false,
        ));
    }
    actions.push(submit(
        "Cancel",
        &[
            (PROMPT_KEY, "menu"),
            (CONTINUATION_KEY, token),
            (ANSWER_KEY, CANCEL_VALUE),
        ],
        false,
    ));
    PromptCard {
        summary: question.to_owned(),
        card: card(version, body, actions),
    }
}

/// A form as a card of `version`: the title, one input per field (id
/// `field-{index}`, so the answers come back in argument order), a Run button
/// carrying the continuation and the number of fields, and a Cancel button
/// answering [`CANCEL_VALUE`]. The continuation's length is the caller's to check.
pub fn form_card(form: &Form, version: &str) -> PromptCard {
    let title = if form.title.trim().is_empty() {
        "Run a command"
    } else {
        form.title.trim()
    };
    let token = form.continuation.as_str();
    let count = form.fields.len().to_string();
    let mut body = vec![
        json!({"type": "TextBlock", "text": truncate(title, MAX_CARD_TEXT), "wrap": true,
        "weight": "Bolder", "size": "Medium"}),
    ];
    body.extend(
        form.fields
            .iter()
            .enumerate()
            .map(|(index, field)| input(index, field)),
    );
    let actions = vec![
        submit(
            "Run",
            &[
                (PROMPT_KEY, "form"),
                (CONTINUATION_KEY, token),
                (FIELDS_KEY, &count),
            ],
            true,
        ),
        submit(
            "Cancel",
            &[
                (PROMPT_KEY, "form"),
                (CONTINUATION_KEY, token),
                (ANSWER_KEY, CANCEL_VALUE),
            ],
            false,
        ),
    ];
    PromptCard {
        summary: title.to_owned(),
        card: card(version, body, actions),
    }
}

/// The answer to a prompt: the signed continuation it resumes, and the values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromptAnswer {
    /// The signed continuation the card carried.
    pub token: String,
    /// The chosen value (a menu, or a button's fixed answer: cancel, next
    /// page), or the form's values in field order (empty for a field left empty).
    pub answers: Vec<String>,
}

/// Why a submission is not the answer to a prompt made here. Short, and
/// never echoes the submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// A key every prompt's buttons carry is absent or malformed: the card was not made here.
    #[error("not an answer to a chatops prompt: {0}")]
    NotAPrompt(&'static str),
    /// An input the prompt needs was left empty.
    #[error("missing field {0}")]
    Missing(&'static str),
}

/// Reads a submission (the button's `data` merged with the inputs, looked up
/// by key through `get`) as the answer to a prompt made by [`menu_card`] or
/// [`form_card`].
///
/// A button with a fixed answer (Cancel, Next page) wins over the inputs; a
/// menu answers its choice; a form answers each field, in order.
pub fn read_answer<'a>(get: impl Fn(&str) -> Option<&'a Value>) -> Result<PromptAnswer, AnswerError> {
    let text = |key: &str| -> Option<String> {
        match get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    let token = text(CONTINUATION_KEY)
        .filter(|t| !t.is_empty())
        .ok_or(AnswerError::NotAPrompt(CONTINUATION_KEY))?;
    if let Some(fixed) = text(ANSWER_KEY).filter(|a| !a.is_empty()) {
        return Ok(PromptAnswer {
            token,
            answers: vec![fixed],
        });
    }
    let answers = match text(PROMPT_KEY).as_deref() {
        Some("menu") => {
            let choice = text(MENU_INPUT_ID)
                .filter(|c| !c.is_empty())
                .ok_or(AnswerError::Missing(MENU_INPUT_ID))?;
            vec![choice]
        }
        Some("form") => {
            let count = text(FIELDS_KEY)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n <= MAX_FORM_FIELDS)
                .ok_or(AnswerError::NotAPrompt(FIELDS_KEY))?;
            (0..count)
                .map(|index| text(&field_id(index)).unwrap_or_default())
                .collect()
        }
        _ => return Err(AnswerError::NotAPrompt(PROMPT_KEY)),
    };
    Ok(PromptAnswer { token, answers })
}
