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

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::commands::{CANCEL_VALUE, MORE_PREFIX};
use crate::model::{Choice, Field, FieldKind, Form, Menu};
use crate::platforms::files::truncate;
use crate::platforms::rendering::unless_blank;

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

/// An element as JSON. The elements here have string keys only, which is
/// all that can make serializing fail.
fn to_json(element: impl Serialize) -> Value {
    serde_json::to_value(element).expect("card elements have string keys")
}

/// A `TextBlock`: text that wraps, optionally bold, larger or subtle.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(tag = "type", rename = "TextBlock", rename_all = "camelCase")]
pub struct TextBlock<'a> {
    /// The text (markdown as the platform reads it).
    pub text: &'a str,
    /// Whether long text wraps instead of being cut.
    pub wrap: bool,
    /// `Bolder` for a title or a header cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<&'static str>,
    /// `Medium` for a form's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<&'static str>,
    /// Shown dimmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_subtle: Option<bool>,
}

impl<'a> TextBlock<'a> {
    /// Wrapping text.
    pub fn wrapped(text: &'a str) -> Self {
        TextBlock {
            text,
            wrap: true,
            ..TextBlock::default()
        }
    }

    /// The same text in bold.
    pub fn bolder(self) -> Self {
        TextBlock {
            weight: Some("Bolder"),
            ..self
        }
    }

    /// The block as JSON.
    pub fn json(&self) -> Value {
        to_json(self)
    }
}

/// A card as a message attachment.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Attachment<'a> {
    content_type: &'static str,
    content: Card<'a>,
}

/// The card itself.
#[derive(Serialize)]
#[serde(tag = "type", rename = "AdaptiveCard")]
struct Card<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'a str,
    body: Vec<Value>,
    actions: Vec<Value>,
}

/// A card of `version` as a message attachment.
pub fn card(version: &str, body: Vec<Value>, actions: Vec<Value>) -> Value {
    to_json(Attachment {
        content_type: CARD_CONTENT_TYPE,
        content: Card {
            schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            version,
            body,
            actions,
        },
    })
}

/// An `Action.Submit` button.
#[derive(Serialize)]
#[serde(tag = "type", rename = "Action.Submit", rename_all = "camelCase")]
struct Submit<'a> {
    title: &'a str,
    data: BTreeMap<&'a str, &'a str>,
    /// `none`: the button submits none of the card's inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_inputs: Option<&'static str>,
}

/// A button of a `prompt` (`menu` or `form`): its `data` names the prompt,
/// carries the continuation `token`, and `extra` when given. A button with a
/// fixed answer (under [`ANSWER_KEY`]) submits none of the card's inputs.
fn prompt_button(title: &str, prompt: &str, token: &str, extra: Option<(&str, &str)>) -> Value {
    let mut fields = vec![(PROMPT_KEY, prompt), (CONTINUATION_KEY, token)];
    fields.extend(extra);
    let fixed = extra.is_some_and(|(key, _)| key == ANSWER_KEY);
    to_json(Submit {
        title,
        data: fields.into_iter().collect(),
        associated_inputs: fixed.then_some("none"),
    })
}

/// One choice of an `Input.ChoiceSet`.
#[derive(Serialize)]
pub struct CardChoice<'a> {
    /// What is shown.
    pub title: String,
    /// What is answered.
    pub value: &'a str,
}

/// The first `max` choices as `Input.ChoiceSet` choices (a blank label shows the value).
pub fn choices(choices: &[Choice], max: usize) -> Vec<CardChoice<'_>> {
    choices
        .iter()
        .take(max)
        .map(|c| CardChoice {
            title: truncate(unless_blank(&c.label, &c.value), MAX_CHOICE_TITLE),
            value: &c.value,
        })
        .collect()
}

/// An input: `Input.Text`, or `Input.ChoiceSet` with choices.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Input<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style: Option<&'static str>,
    is_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    placeholder: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<Vec<CardChoice<'a>>>,
    /// The initial value.
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

/// A form's input for field `index`: a compact `Input.ChoiceSet` for a
/// select with choices, else an `Input.Text`; labelled, required unless optional.
pub fn input(index: usize, field: &Field) -> Value {
    let label = if field.label.trim().is_empty() {
        format!("Value {}", index + 1)
    } else {
        truncate(field.label.trim(), MAX_CARD_TEXT)
    };
    let (kind, style, choices, value) = match &field.kind {
        FieldKind::Select(options) if !options.is_empty() => {
            // The initial value must be one of the choices, word for word.
            let value = field
                .default
                .as_deref()
                .filter(|d| options.iter().any(|c| c.value == *d));
            let choices = choices(options, usize::MAX);
            ("Input.ChoiceSet", Some("compact"), Some(choices), value)
        }
        // A choice set needs choices: free text instead.
        _ => ("Input.Text", None, None, field.default.as_deref()),
    };
    to_json(Input {
        kind,
        id: field_id(index),
        label: Some(label),
        style,
        is_required: !field.optional,
        error_message: (!field.optional).then_some("Required"),
        placeholder: None,
        choices,
        value,
    })
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
    let question = unless_blank(menu.text.trim(), "Choose one:");
    let token = menu.continuation.as_str();
    let mut body = vec![TextBlock::wrapped(&truncate(question, MAX_CARD_TEXT)).json()];
    let mut actions = Vec::new();
    if menu.choices.is_empty() {
        body.push(
            TextBlock {
                is_subtle: Some(true),
                ..TextBlock::wrapped("_(nothing to choose from)_")
            }
            .json(),
        );
    } else {
        body.push(to_json(Input {
            kind: "Input.ChoiceSet",
            id: MENU_INPUT_ID.to_owned(),
            label: None,
            style: Some("compact"),
            is_required: true,
            error_message: Some("Choose one"),
            placeholder: Some("Choose…"),
            choices: Some(choices(&menu.choices, MAX_CHOICES)),
            value: None,
        }));
        actions.push(prompt_button("Choose", "menu", token, None));
    }
    if let Some(offset) = menu.next_offset {
        let more = format!("{MORE_PREFIX}{offset}");
        actions.push(prompt_button(
            MORE_LABEL,
            "menu",
            token,
            Some((ANSWER_KEY, &more)),
        ));
    }
    actions.push(prompt_button(
        "Cancel",
        "menu",
        token,
        Some((ANSWER_KEY, CANCEL_VALUE)),
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
    let title = unless_blank(form.title.trim(), "Run a command");
    let token = form.continuation.as_str();
    let count = form.fields.len().to_string();
    let mut body = vec![
        TextBlock {
            size: Some("Medium"),
            ..TextBlock::wrapped(&truncate(title, MAX_CARD_TEXT)).bolder()
        }
        .json(),
    ];
    body.extend(
        form.fields
            .iter()
            .enumerate()
            .map(|(index, field)| input(index, field)),
    );
    let actions = vec![
        prompt_button("Run", "form", token, Some((FIELDS_KEY, &count))),
        prompt_button("Cancel", "form", token, Some((ANSWER_KEY, CANCEL_VALUE))),
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

#[cfg(test)]
pub(crate) mod tests;
