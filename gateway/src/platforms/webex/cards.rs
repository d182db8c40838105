//! Rendering the neutral model as Webex message bodies and Adaptive Cards,
//! within Webex's limits.
//!
//! Pure: model in, JSON out. A message becomes one or more `POST /v1/messages`
//! bodies whose `markdown` each stays within [`MAX_MESSAGE_BYTES`], split at
//! line ends; what does not fit a few messages (a large table, a very long
//! answer, an image) becomes a file to upload, one per message (Webex takes
//! one file per message).
//!
//! Prompts are Adaptive Cards (version 1.3). Every `Action.Submit` carries the
//! prompt's signed continuation in its `data`, which Webex merges into the
//! submitted inputs; [`super::inbound::prompt_answer`] reads them back.

use serde_json::{Value, json};

use crate::model::{Form, Menu, Message, ReplyContext, Table};
// The tests build messages of these through `use super::*`.
#[cfg(test)]
use crate::model::{Block, Level};
use crate::platforms::PromptError;
pub use crate::platforms::adaptive_card::{
    ANSWER_KEY, CARD_CONTENT_TYPE, CONTINUATION_KEY, FIELDS_KEY, MAX_CHOICES, MENU_INPUT_ID, PROMPT_KEY,
    field_id,
};
use crate::platforms::adaptive_card::{MAX_CARD_TEXT, form_card, menu_card};
pub use crate::platforms::files::Upload;
use crate::platforms::files::{table_text, truncate};
pub use crate::platforms::rendering::REST_FILE_NAME;
use crate::platforms::rendering::{
    EMOJI_LEVELS, Markdown, Part, Piece, check_state, data_attachment, fence_lines as fence, file_attachment,
    floor_boundary, image_attachment, parts, rest_attachment, table_attachment,
};

/// The menu value asking for the next page: `__more__:{offset}`.
pub use crate::commands::MORE_PREFIX;

/// The value of a prompt's Cancel button; answering it drops the prompt.
pub use crate::commands::CANCEL_VALUE;

/// Bytes of a message's `markdown` (and `text`): Webex refuses longer ones.
pub const MAX_MESSAGE_BYTES: usize = 7439;
/// Messages one answer is spread over before the rest goes into a file.
pub const MAX_MESSAGES: usize = 3;
/// Characters of a continuation a card carries (it is repeated in each button).
pub const MAX_CONTINUATION_CHARS: usize = 3500;
/// The Adaptive Card version used (Webex supports 1.3, with input labels and validation).
pub const CARD_VERSION: &str = "1.3";

/// Bytes kept for the line saying the answer was cut.
const CUT_NOTE_BYTES: usize = 200;
/// Bytes the fences add around a code piece: "```\n", "\n```" and a zero-width guard.
const FENCE_BYTES: usize = 4 + 4 + 3;

/// A message ready for `POST /v1/messages`, once [`addressed`].
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedMessage {
    /// The bodies to post in order, each `{"markdown": …}` within
    /// [`MAX_MESSAGE_BYTES`] (may be empty when everything is attached).
    pub bodies: Vec<Value>,
    /// Files to upload after the bodies, in order.
    pub attachments: Vec<Upload>,
}

/// Where a body goes: `roomId` and `parentId` (a threaded reply), or
/// `toPersonId` for a private answer (Webex has no ephemeral messages, so it
/// goes to the 1:1 space with the user). `None` when `to` names neither.
pub fn addressed(body: &Value, to: &ReplyContext, private: bool) -> Option<Value> {
    let mut body = body.as_object().cloned().unwrap_or_default();
    match (&to.user, &to.conversation) {
        (Some(user), _) if private => {
            body.insert("toPersonId".into(), Value::from(user.as_str()));
        }
        (_, Some(room)) => {
            body.insert("roomId".into(), Value::from(room.as_str()));
            if let Some(parent) = &to.thread {
                body.insert("parentId".into(), Value::from(parent.as_str()));
            }
        }
        _ => return None,
    }
    Some(Value::Object(body))
}

/// Text with the model's light markup as Webex markdown. The markup is
/// Webex's own (`**b**`, `` `c` ``, `[l](u)`); only mentions are broken, so
/// that command output cannot ping a person or the whole space (`<@all>`).
pub fn markdown(text: &str) -> String {
    text.replace("<@", "<\u{200B}@")
}

/// Code as it goes between fences, with any fence inside it broken by a
/// zero-width space (it would end the block early).
fn code(text: &str) -> String {
    text.replace("```", "`\u{200B}``")
}

/// Webex markdown: text pieces of at most [`MAX_MESSAGE_BYTES`], and code
/// pieces that fit one in their fences.
const MARKDOWN: Markdown = Markdown {
    text: markdown,
    code,
    text_bytes: MAX_MESSAGE_BYTES,
    code_bytes: MAX_MESSAGE_BYTES - FENCE_BYTES,
};

/// Renders a message into bodies and files.
pub fn message(message: &Message) -> RenderedMessage {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut attachments = Vec::new();
    parts(message, &EMOJI_LEVELS, &MARKDOWN, |part| match part {
        Part::Markdown(piece) => pieces.push(piece),
        Part::Table(table, titled) => table_pieces(table, titled, &mut pieces, &mut attachments),
        Part::Image(image) => attachments.push(image_attachment(image, markdown)),
        Part::File(file) => attachments.push(file_attachment(file, markdown)),
        Part::Data(file) => attachments.push(data_attachment(file, markdown)),
    });

    let (mut bodies, rest) = pack(pieces);
    if let Some(rest) = rest {
        attachments.push(rest_attachment(rest));
    }
    if bodies.is_empty() && attachments.is_empty() {
        bodies.push("_(no output)_".to_owned());
    }
    RenderedMessage {
        bodies: bodies
            .into_iter()
            .map(|markdown| json!({ "markdown": markdown }))
            .collect(),
        attachments,
    }
}

/// A table inline (in a code block) when it fits one message, else as an
/// attached file and a line saying so; under its title when `titled`.
fn table_pieces(table: &Table, titled: bool, pieces: &mut Vec<Piece>, attachments: &mut Vec<Upload>) {
    let text = table_text(table);
    let fenced = fence(&code(&text));
    let title = table.title.trim().replace('\n', " ");
    let heading = titled.then(|| format!("**{}**", markdown(&title)));
    let heading_bytes = heading.as_ref().map_or(0, |h| h.len() + 1);
    if heading_bytes + fenced.len() <= MAX_MESSAGE_BYTES - CUT_NOTE_BYTES {
        let markdown = match heading {
            Some(heading) => format!("{heading}\n{fenced}"),
            None => fenced,
        };
        pieces.push(Piece::new(markdown, "\n\n", format!("{title}\n{text}")));
        return;
    }
    let upload_title = if title.is_empty() {
        "Table".to_owned()
    } else {
        markdown(&title)
    };
    let (note, upload) = table_attachment(table, &title, heading, upload_title, str::to_owned);
    pieces.push(Piece::new(note, "\n\n", String::new()));
    attachments.push(upload);
}

/// Packs pieces into at most [`MAX_MESSAGES`] bodies of at most
/// [`MAX_MESSAGE_BYTES`]; when they do not fit, the last body ends with a note
/// and the pieces left over are returned as written, for the rest file.
fn pack(pieces: Vec<Piece>) -> (Vec<String>, Option<String>) {
    // Fills bodies in order, the last one with `last_room` bytes at most;
    // returns them and how many pieces they hold.
    let fill = |last_room: usize| -> (Vec<String>, usize) {
        let mut bodies = vec![String::new()];
        for (used, piece) in pieces.iter().enumerate() {
            loop {
                let room = if bodies.len() == MAX_MESSAGES {
                    last_room
                } else {
                    MAX_MESSAGE_BYTES
                };
                let current = bodies.last_mut().expect("there is always a body");
                let glue = if current.is_empty() { "" } else { piece.glue };
                if current.len() + glue.len() + piece.markdown.len() <= room {
                    current.push_str(glue);
                    current.push_str(&piece.markdown);
                    break;
                }
                // No more bodies, or a piece that fits no body (none is made so).
                let stuck = current.is_empty();
                if bodies.len() == MAX_MESSAGES || stuck {
                    return (bodies, used);
                }
                bodies.push(String::new());
            }
        }
        (bodies, pieces.len())
    };
    let (bodies, used) = fill(MAX_MESSAGE_BYTES);
    if used == pieces.len() {
        return (clean(bodies), None);
    }
    // Too long: fill again leaving room for the note in the last body.
    let (mut bodies, used) = fill(MAX_MESSAGE_BYTES - CUT_NOTE_BYTES);
    let note = format!(
        "_This answer is longer than {MAX_MESSAGES} Webex messages: it was cut here, and the rest is attached as `{REST_FILE_NAME}`._"
    );
    match bodies.last_mut() {
        Some(last) if !last.is_empty() => {
            last.push_str("\n\n");
            last.push_str(&note);
        }
        Some(last) => last.push_str(&note),
        None => bodies.push(note),
    }
    let mut rest = String::new();
    for piece in pieces[used..].iter().filter(|p| !p.written.is_empty()) {
        if !rest.is_empty() {
            rest.push_str(piece.glue);
        }
        rest.push_str(&piece.written);
    }
    (clean(bodies), Some(rest))
}

/// Bodies without trailing blank lines, and without empty ones.
fn clean(bodies: Vec<String>) -> Vec<String> {
    bodies
        .into_iter()
        .map(|b| b.trim_end().to_owned())
        .filter(|b| !b.is_empty())
        .collect()
}

/// A body with a card: `markdown` and `text` say the same for clients that
/// show no cards (and in notifications).
fn card_message(summary: &str, card: Value) -> Value {
    let summary = truncate(summary, MAX_CARD_TEXT);
    let text = &summary[..floor_boundary(&summary, MAX_MESSAGE_BYTES)];
    let markdown = markdown(&summary);
    let markdown = &markdown[..floor_boundary(&markdown, MAX_MESSAGE_BYTES)];
    json!({"text": text, "markdown": markdown, "attachments": [card]})
}

/// A menu as a message body with a card: the question, a dropdown
/// (`Input.ChoiceSet` with id [`MENU_INPUT_ID`]) and a Choose button; a Next
/// page button answering `{MORE_PREFIX}{offset}` when there is a next page;
/// a Cancel button answering [`CANCEL_VALUE`]. Every button carries the
/// continuation.
pub fn menu(menu: &Menu) -> Result<Value, PromptError> {
    check_state(&menu.continuation, MAX_CONTINUATION_CHARS)?;
    let prompt = menu_card(menu, CARD_VERSION);
    Ok(card_message(&prompt.summary, prompt.card))
}

/// A form as a message body with a card: the title, one input per field
/// (id `field-{index}`, so the answers come back in argument order), a Run
/// button carrying the continuation and the number of fields, and a Cancel
/// button answering [`CANCEL_VALUE`].
pub fn form(form: &Form) -> Result<Value, PromptError> {
    check_state(&form.continuation, MAX_CONTINUATION_CHARS)?;
    let prompt = form_card(form, CARD_VERSION);
    Ok(card_message(&prompt.summary, prompt.card))
}

#[cfg(test)]
mod tests;
