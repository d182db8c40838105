//! Rendering the neutral model as Microsoft Teams (Bot Framework) activity
//! bodies: markdown messages and Adaptive Cards, within Teams' limits.
//!
//! Pure: model in, JSON out. The bodies carry no addressing; the dispatcher
//! adds `conversation`, `from`, `recipient` and `replyToId`.
//!
//! - Text goes as `{"type":"message","textFormat":"markdown","text":…}`,
//!   split at line ends so that each activity stays within
//!   [`MAX_MESSAGE_BYTES`] as [`message_size`] measures it, over at most
//!   [`MAX_ACTIVITIES`] activities; the rest is cut with a note.
//! - A table goes as an Adaptive Card `Table` when the card fits
//!   [`MAX_CARD_BYTES`], else as fenced text over at most [`MAX_ACTIVITIES`]
//!   activities, cut with a note saying how many rows were shown. A bot cannot
//!   upload a file to a Teams channel or group chat without Microsoft Graph
//!   and SharePoint permissions (the Bot Framework file consent flow works in
//!   personal chats only), so, unlike Webex and Slack, nothing becomes a file.
//! - An image goes as an inline `data:` URI attachment in its own activity.
//! - A card goes alone in its activity, with a `summary` for notifications and
//!   no `text`: Teams splits an activity with both text and attachments into
//!   two messages and then returns no usable id for the card, which the
//!   dispatcher needs to remove an answered prompt.
//!
//! Prompts are Adaptive Cards built by [`crate::platforms::adaptive_card`]:
//! every `Action.Submit` carries an object `data` with the signed
//! continuation, which Teams merges with the inputs into the activity's
//! `value`; [`prompt_answer`] reads it back.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};

pub use crate::commands::{CANCEL_VALUE, MORE_PREFIX};
use crate::model::{DataFile, Form, Image, Menu, Message, Table, TextFile};
// The tests build messages of these through `use super::*`.
#[cfg(test)]
use crate::model::{Block, Level};
use crate::platforms::PromptError;
pub use crate::platforms::adaptive_card::{
    ANSWER_KEY, AnswerError, CARD_CONTENT_TYPE, CONTINUATION_KEY, FIELDS_KEY, MAX_CHOICES, MENU_INPUT_ID,
    PROMPT_KEY, PromptAnswer, field_id,
};
use crate::platforms::adaptive_card::{PromptCard, TextBlock, card, form_card, menu_card, read_answer};
use crate::platforms::files::{table_text, truncate};
use crate::platforms::rendering::{
    EMOJI_LEVELS, Markdown, Part, check_state, fence_lines as fence, parts, split_lines, unless_blank,
};

/// The size of an activity's text, as [`message_size`] measures it. Teams
/// takes about 100 KB (measured as UTF-16); this keeps well within it.
pub const MAX_MESSAGE_BYTES: usize = 80 * 1024;
/// Bytes of an Adaptive Card attachment (its JSON): Teams' card payload limit.
pub const MAX_CARD_BYTES: usize = 28 * 1024;
/// The Adaptive Card version used: Teams supports 1.5, which has the `Table` element.
pub const CARD_VERSION: &str = "1.5";
/// Text activities one message is spread over (and one large table), before the rest is cut.
pub const MAX_ACTIVITIES: usize = 4;
/// Bytes of an image sent inline; a larger one is replaced by a line saying so.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// Characters of a continuation a card carries (it is repeated in each button).
pub const MAX_CONTINUATION_CHARS: usize = 3500;

/// Bytes kept in every text activity for a heading and the note saying it was cut.
const RESERVE_BYTES: usize = 2048;
/// UTF-8 bytes of one piece of text or code: half the limit (see [`message_size`]), less the reserve.
const PIECE_BYTES: usize = MAX_MESSAGE_BYTES / 2 - RESERVE_BYTES;
/// Characters of a title or a summary.
const MAX_TITLE_CHARS: usize = 300;

/// The size of a text as counted against [`MAX_MESSAGE_BYTES`]: twice its
/// UTF-8 bytes, which bounds both its UTF-8 bytes and its UTF-16 bytes (what
/// Teams counts) whatever the characters.
pub fn message_size(text: &str) -> usize {
    2 * text.len()
}

/// Text with the model's light markup as Teams markdown. The markup
/// (`**b**`, `` `c` ``, `[l](u)`) passes; `<` is escaped, since Teams renders
/// HTML in markdown text, so command output cannot inject tags or `<at>`
/// mentions.
pub fn markdown(text: &str) -> String {
    text.replace('<', "&lt;")
}

/// Code as it goes between fences: escaped like text (Teams' renderer mixes
/// markdown and HTML), with any fence inside it broken by a zero-width space.
fn code(text: &str) -> String {
    markdown(text).replace("```", "`\u{200B}``")
}

/// A text activity body.
fn text_activity(text: &str) -> Value {
    json!({"type": "message", "textFormat": "markdown", "text": text})
}

/// An activity body with one card and a summary for notifications (no text: see the module docs).
fn card_activity(summary: &str, card: Value) -> Value {
    json!({"type": "message", "summary": truncate(summary, MAX_TITLE_CHARS), "attachments": [card]})
}

/// A typing indicator.
pub fn typing() -> Value {
    json!({"type": "typing"})
}

/// Activities being assembled: text pieces are packed into text activities,
/// at most [`MAX_ACTIVITIES`] of them; cards and images go alone.
#[derive(Default)]
struct Activities {
    done: Vec<Value>,
    current: String,
    text_activities: usize,
    cut: bool,
}

impl Activities {
    /// Adds markdown (at most [`PIECE_BYTES`]) after `glue`, in the current
    /// text activity when it fits, else in a new one, else cuts the answer.
    fn text(&mut self, piece: &str, glue: &str) {
        if self.cut || piece.is_empty() {
            return;
        }
        let glue = if self.current.is_empty() { "" } else { glue };
        let room = MAX_MESSAGE_BYTES - 2 * RESERVE_BYTES;
        if message_size(&self.current) + message_size(glue) + message_size(piece) <= room {
            self.current.push_str(glue);
            self.current.push_str(piece);
            return;
        }
        if self.text_activities + 1 >= MAX_ACTIVITIES {
            self.current.push_str(&format!(
                "\n\n_This answer is longer than {MAX_ACTIVITIES} Teams messages: it was cut here._"
            ));
            self.flush();
            self.cut = true;
            return;
        }
        self.flush();
        self.current.push_str(piece);
    }

    /// Ends the current text activity.
    fn flush(&mut self) {
        let text = self.current.trim_end();
        if !text.is_empty() {
            self.done.push(text_activity(text));
            self.text_activities += 1;
        }
        self.current.clear();
    }

    /// Adds an activity of its own, after the text so far.
    fn alone(&mut self, activity: Value) {
        self.flush();
        self.done.push(activity);
    }

    fn finish(mut self) -> Vec<Value> {
        self.flush();
        if self.done.is_empty() {
            self.done.push(text_activity("_(no output)_"));
        }
        self.done
    }
}

/// Teams markdown: text and code pieces of at most [`PIECE_BYTES`].
const MARKDOWN: Markdown = Markdown {
    text: markdown,
    code,
    text_bytes: PIECE_BYTES,
    code_bytes: PIECE_BYTES,
};

/// Renders a message as activity bodies to post in order.
pub fn message(message: &Message) -> Vec<Value> {
    let mut out = Activities::default();
    parts(message, &EMOJI_LEVELS, &MARKDOWN, |part| match part {
        Part::Markdown(piece) => out.text(&piece.markdown, piece.glue),
        // A table is a card of its own, which keeps its title even under the
        // same heading: the card is read alone (and forwarded alone).
        Part::Table(table, _) => table_activities(table, &mut out),
        Part::Image(image) => image_activity(image, &mut out),
        Part::File(file) => file_activities(file, &mut out),
        Part::Data(file) => data_line(file, &mut out),
    });
    out.finish()
}

/// An image as an inline `data:` URI attachment in its own activity, or a
/// line saying it was too large.
fn image_activity(image: &Image, out: &mut Activities) {
    let name = if image.file_name.trim().is_empty() {
        "image.png"
    } else {
        image.file_name.trim()
    };
    if image.bytes.len() > MAX_IMAGE_BYTES {
        let line = format!(
            "_The image `{}` ({} KB) is too large to show in Teams (at most {} KB)._",
            markdown(&truncate(name, MAX_TITLE_CHARS)).replace('`', "'"),
            image.bytes.len().div_ceil(1024),
            MAX_IMAGE_BYTES / 1024
        );
        out.text(&line, "\n\n");
        return;
    }
    let data = STANDARD.encode(&image.bytes);
    out.alone(json!({
        "type": "message",
        "attachments": [{
            "contentType": "image/png",
            "contentUrl": format!("data:image/png;base64,{data}"),
            "name": name,
        }]
    }));
}

/// A text file as fenced text under its title, over at most
/// [`MAX_ACTIVITIES`] activities of its own: a bot's message cannot carry a
/// file in Teams without Graph, so the text is shown instead.
fn file_activities(file: &TextFile, out: &mut Activities) {
    out.flush();
    let title = truncate(
        &unless_blank(&file.title, &file.file_name)
            .trim()
            .replace('\n', " "),
        MAX_TITLE_CHARS,
    );
    let text = code(&file.text);
    let pieces = split_lines(&text, PIECE_BYTES);
    let total = pieces.len();
    for (n, piece) in pieces.into_iter().take(MAX_ACTIVITIES).enumerate() {
        let mut body = String::new();
        if n == 0 && !title.is_empty() {
            body.push_str(&format!("**{}**\n", markdown(&title)));
        }
        body.push_str(&fence(piece));
        if n + 1 == MAX_ACTIVITIES && total > MAX_ACTIVITIES {
            body.push_str("\n_The rest of the text does not fit in Teams._");
        }
        out.alone(text_activity(&body));
    }
}

/// A file of bytes as a line saying it could not be sent: a bot's message
/// cannot carry a file in Teams without Graph, and bytes are no text to show.
fn data_line(file: &DataFile, out: &mut Activities) {
    let name = truncate(
        &unless_blank(&file.file_name, "the file")
            .trim()
            .replace('\n', " "),
        MAX_TITLE_CHARS,
    );
    let line = format!(
        "_The file `{}` ({} KiB) cannot be sent in Teams; ask for it in another chat platform._",
        markdown(&name).replace('`', "'"),
        file.bytes.len().div_ceil(1024)
    );
    out.text(&line, "\n\n");
}

/// A table as a card when it fits, else as fenced text over at most
/// [`MAX_ACTIVITIES`] activities of its own.
fn table_activities(table: &Table, out: &mut Activities) {
    let title = truncate(&table.title.trim().replace('\n', " "), MAX_TITLE_CHARS);
    let heading = (!title.is_empty()).then(|| format!("**{}**", markdown(&title)));
    if table.columns.is_empty() {
        let line = match &heading {
            Some(heading) => format!("{heading} _(empty table)_"),
            None => "_(empty table)_".to_owned(),
        };
        out.text(&line, "\n\n");
        return;
    }
    if let Some(card) = table_card(table, &title) {
        let summary = if title.is_empty() { "Table" } else { &title };
        out.alone(card_activity(summary, card));
        return;
    }
    out.flush();
    let text = code(&table_text(table));
    let pieces = split_lines(&text, PIECE_BYTES);
    let total = pieces.len();
    // The rows shown when cut: the whole lines sent, less the heading and the rule.
    let sent: usize = pieces
        .iter()
        .take(MAX_ACTIVITIES)
        .map(|p| p.matches('\n').count())
        .sum();
    let shown = sent.saturating_sub(2).min(table.rows.len());
    for (n, piece) in pieces.into_iter().take(MAX_ACTIVITIES).enumerate() {
        let mut body = String::new();
        if n == 0
            && let Some(heading) = &heading
        {
            body.push_str(heading);
            body.push('\n');
        }
        body.push_str(&fence(piece));
        if n + 1 == MAX_ACTIVITIES && total > MAX_ACTIVITIES {
            body.push_str(&format!(
                "\n_Showing {shown} of {rows} rows: narrow the query to see the rest._",
                rows = table.rows.len()
            ));
        }
        out.alone(text_activity(&body));
    }
}

/// A table as an Adaptive Card `Table` (header row first), or `None` when the
/// card is larger than [`MAX_CARD_BYTES`].
fn table_card(table: &Table, title: &str) -> Option<Value> {
    // A card cell per row and column at least; a bigger table cannot fit, so skip building it.
    if table.rows.len().saturating_mul(table.columns.len()) > MAX_CARD_BYTES / 16 {
        return None;
    }
    let cell = |text| TableCell {
        items: [TextBlock::wrapped(text)],
    };
    let header = TableRow {
        cells: (table.columns.iter())
            .map(|c| TableCell {
                items: [TextBlock::wrapped(c).bolder()],
            })
            .collect(),
    };
    let width = table.columns.len();
    let mut rows = vec![header];
    rows.extend(table.rows.iter().map(|r| {
        TableRow {
            cells: (0..width)
                .map(|i| cell(r.get(i).map_or("", String::as_str)))
                .collect(),
        }
    }));
    let mut body = Vec::new();
    if !title.is_empty() {
        body.push(TextBlock::wrapped(title).bolder().json());
    }
    let grid = CardTable {
        first_row_as_header: true,
        show_grid_lines: true,
        columns: vec![TableColumn { width: 1 }; width],
        rows,
    };
    body.push(serde_json::to_value(grid).expect("a table has string keys only"));
    let card = card(CARD_VERSION, body, Vec::new());
    (card_bytes(&card) <= MAX_CARD_BYTES).then_some(card)
}

/// An Adaptive Card `Table`, its first row the header.
#[derive(Serialize)]
#[serde(tag = "type", rename = "Table", rename_all = "camelCase")]
struct CardTable<'a> {
    first_row_as_header: bool,
    show_grid_lines: bool,
    columns: Vec<TableColumn>,
    rows: Vec<TableRow<'a>>,
}

/// A column of a [`CardTable`], all of the same relative width.
#[derive(Clone, Serialize)]
struct TableColumn {
    width: u32,
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "TableRow")]
struct TableRow<'a> {
    cells: Vec<TableCell<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "TableCell")]
struct TableCell<'a> {
    items: [TextBlock<'a>; 1],
}

/// The size of a card's JSON.
fn card_bytes(card: &Value) -> usize {
    serde_json::to_string(card).map_or(usize::MAX, |s| s.len())
}

/// A prompt's card alone in an activity, when it fits [`MAX_CARD_BYTES`].
fn prompt_activity(prompt: PromptCard) -> Result<Value, PromptError> {
    let bytes = card_bytes(&prompt.card);
    if bytes > MAX_CARD_BYTES {
        return Err(PromptError::CardTooLarge {
            bytes,
            limit: MAX_CARD_BYTES,
        });
    }
    Ok(card_activity(&prompt.summary, prompt.card))
}

/// A menu as an activity with a card: the question, a compact dropdown (id
/// [`MENU_INPUT_ID`], at most [`MAX_CHOICES`]) and a Choose button; a Next
/// page button answering `{MORE_PREFIX}{offset}` when there is a next page; a
/// Cancel button answering [`CANCEL_VALUE`]. Every button's `data` is an
/// object carrying the continuation.
pub fn menu(menu: &Menu) -> Result<Value, PromptError> {
    check_state(&menu.continuation, MAX_CONTINUATION_CHARS)?;
    prompt_activity(menu_card(menu, CARD_VERSION))
}

/// A form as an activity with a card: the title, one labelled input per
/// field (id `field-{index}`), a Run button carrying the continuation and the
/// number of fields, and a Cancel button answering [`CANCEL_VALUE`].
pub fn form(form: &Form) -> Result<Value, PromptError> {
    check_state(&form.continuation, MAX_CONTINUATION_CHARS)?;
    prompt_activity(form_card(form, CARD_VERSION))
}

/// Reads a card submission (the message activity's `value`: the button's
/// `data` merged with the inputs) as the answer to a prompt made by [`menu`]
/// or [`form`]. A button with a fixed answer (Cancel, Next page) wins over the
/// inputs; a menu answers its choice; a form answers each field in order
/// (`""` for one left empty).
pub fn prompt_answer(value: &Value) -> Result<PromptAnswer, AnswerError> {
    let inputs = value
        .as_object()
        .ok_or(AnswerError::NotAPrompt(CONTINUATION_KEY))?;
    read_answer(|key| inputs.get(key))
}

#[cfg(test)]
mod tests;
