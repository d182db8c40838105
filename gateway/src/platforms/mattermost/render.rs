//! Rendering the neutral model as Mattermost posts and dialogs, within
//! Mattermost's limits.
//!
//! Pure: model in, JSON out. A message becomes Markdown (`message` of
//! `POST /api/v4/posts`); what does not fit one post (16 383 characters), a
//! large table or an image becomes a file to upload and attach
//! ([`RenderedMessage::files`]). A menu becomes an interactive `select` in a
//! message attachment, a form an interactive dialog; both carry the
//! continuation in a context signed by [`super::verify`].

use serde_json::{Value, json};

use super::verify::{PromptKind, dialog_state, field_name, prompt_context};
/// The menu answer that cancels the prompt (a signed button value).
pub use crate::commands::CANCEL_VALUE;
/// The prefix of the answer asking for a menu's next page: `__more__:{offset}`.
pub use crate::commands::MORE_PREFIX;
use crate::model::{Block, Choice, Field, FieldKind, Form, Menu, Message, Table};
use crate::platforms::PromptError;
pub use crate::platforms::files::Upload;
use crate::platforms::files::{longest_head, table_text, truncate};
use crate::platforms::markup;
pub use crate::platforms::rendering::REST_FILE_NAME;
use crate::platforms::rendering::{
    LevelStyle, Opening, data_attachment, file_attachment, image_attachment, markup_link, rest_attachment,
    table_attachment, unless_blank,
};

/// Characters (Unicode scalar values, Go's runes) of one post's `message`:
/// `PostMessageMaxRunesV2`.
pub const MAX_POST_CHARS: usize = 16_383;
/// Options shown in one menu. Mattermost sets no limit; this is a page
/// (the command core pages by 99).
pub const MAX_OPTIONS: usize = 100;
/// Bytes of a dialog's title (`DialogTitleMaxLength`).
pub const MAX_DIALOG_TITLE: usize = 24;
/// Bytes of a dialog element's `display_name`.
pub const MAX_DISPLAY_NAME: usize = 24;
/// Bytes of a dialog element's `help_text`.
pub const MAX_HELP_TEXT: usize = 150;
/// Bytes of a `text` element's default.
pub const MAX_TEXT_DEFAULT: usize = 150;
/// Bytes of a `textarea` or `select` element's default.
pub const MAX_LONG_DEFAULT: usize = 3000;
/// A table whose Markdown is longer than this is attached as a file.
pub const MAX_INLINE_TABLE_CHARS: usize = MAX_POST_CHARS / 2;
/// The `callback_id` of every dialog the gateway opens.
pub const FORM_CALLBACK_ID: &str = "chatopsform";
/// The action `id`s of a menu's elements (letters and digits only).
pub const MENU_ACTION_ID: &str = "chatopsmenu";
/// The action `id` of a menu's next-page button.
pub const MORE_ACTION_ID: &str = "chatopsmore";
/// The action `id` of a menu's Cancel button.
pub const CANCEL_ACTION_ID: &str = "chatopscancel";

/// Room kept for the line that says the post was cut.
const CUT_NOTE_CHARS: usize = 200;
/// Characters a code fence adds: "```\n" and "\n```".
const FENCE_CHARS: usize = 8;
/// Slack's emoji codes (Mattermost knows the same), and a bold note.
const LEVELS: LevelStyle = LevelStyle {
    warning_note: ":warning: **Warning**",
    error_note: ":x: **Error**",
    ..crate::platforms::slack::blocks::LEVELS
};

/// A message ready for `POST /api/v4/posts` (or the ephemeral variant).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedMessage {
    /// The post's Markdown, at most [`MAX_POST_CHARS`] characters (empty when
    /// everything is in files).
    pub message: String,
    /// Files to upload and attach (`file_ids`), in order. Mattermost takes at
    /// most 10 per post; the dispatcher posts any more separately.
    pub files: Vec<Upload>,
}

/// What a prompt's signed contexts need: the key, where Mattermost sends the
/// callback (`/hooks/{name}/actions`), the user the prompt is sent to, and
/// the prompt's nonce.
#[derive(Clone, Copy, Debug)]
pub struct PromptSigner<'a> {
    /// The context key (see [`super::verify`]).
    pub key: &'a [u8],
    /// The gateway's actions URL.
    pub url: &'a str,
    /// The Mattermost user ID the prompt is for; only they may answer.
    pub user: &'a str,
    /// This prompt's nonce ([`super::verify::new_nonce`]), signed into every
    /// element, so that the prompt is answered once.
    pub nonce: &'a str,
}

/// Writes `text` escaped for Mattermost Markdown: every character that could
/// start markup stands for itself, and `@` at the start of a word is followed
/// by a zero-width space so that command output never notifies anyone
/// (`@channel`, `@all`, `@someone`).
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        let previous = out.chars().next_back();
        let line_start = previous.is_none_or(|p| p == '\n');
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                if !previous.is_some_and(char::is_alphanumeric) {
                    out.push('\u{200B}');
                }
            }
            _ => out.push(c),
        }
    }
}

/// `text` escaped for Mattermost Markdown (see [`markdown`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// Converts the model's light markup to Mattermost Markdown: `**b**`,
/// `` `code` `` and `[label](url)` (http, https and mailto only) are kept;
/// everything else is escaped, and mentions are defused.
pub fn markdown(text: &str) -> String {
    markup::convert(text, push_escaped, |out, rest| {
        if let Some(span) = rest.strip_prefix('`') {
            // A code span on one line: kept as is (Mattermost shows it literally
            // and does not look for mentions in it).
            span.find(['`', '\n'])
                .filter(|end| *end > 0 && span[*end..].starts_with('`'))
                .map(|end| markup::enclose(out, "`", &span[..end], end + 2))
        } else if let Some(inner) = rest.strip_prefix("**") {
            inner
                .find("**")
                .filter(|end| *end > 0 && !inner[..*end].contains('\n'))
                .map(|end| markup::enclose(out, "**", &markdown(&inner[..end]), end + 4))
        } else if rest.starts_with('[') {
            markup_link(rest, "([<>`\\").map(|(label, url, len)| {
                out.push('[');
                push_escaped(out, label);
                out.push_str("](");
                out.push_str(url);
                out.push(')');
                len
            })
        } else {
            None
        }
    })
}

/// Code as it goes between fences: any run of three fence characters (`` ` ``
/// or `~`, in any mix) is broken by a zero-width space. Such a line would end
/// the block early, and Mattermost's mention scan treats it as the end too.
fn code_text(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut run = 0;
    for c in code.chars() {
        if c == '`' || c == '~' {
            if run == 2 {
                out.push('\u{200B}');
                run = 0;
            }
            run += 1;
        } else {
            run = 0;
        }
        out.push(c);
    }
    out
}

fn fence(code: &str) -> String {
    format!("```\n{}\n```", code_text(code.trim_end_matches('\n')))
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `text` cut to `max` UTF-8 bytes (Mattermost's dialog limits count bytes),
/// at a character boundary, with an ellipsis when something was cut.
fn truncate_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let room = max.saturating_sub('…'.len_utf8());
    let mut end = 0;
    for (index, c) in text.char_indices() {
        if index + c.len_utf8() > room {
            break;
        }
        end = index + c.len_utf8();
    }
    format!("{}…", &text[..end])
}

fn clean_cell(cell: &str) -> String {
    cell.replace(['\n', '\r', '\t'], " ")
}

/// A table as a Markdown table; cells escaped (`|` too), line breaks made spaces.
pub fn table_markdown(table: &Table) -> String {
    let cell = |text: &str| {
        let escaped = escape(clean_cell(text).trim());
        if escaped.is_empty() {
            " ".to_owned()
        } else {
            escaped
        }
    };
    let row = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    let width = table.columns.len();
    let mut lines = vec![
        row(table.columns.iter().map(|c| cell(c)).collect()),
        row(vec!["---".to_owned(); width]),
    ];
    for cells in &table.rows {
        lines.push(row((0..width)
            .map(|i| cells.get(i).map_or_else(|| " ".to_owned(), |c| cell(c)))
            .collect()));
    }
    lines.join("\n")
}

/// One part of a post on its way in.
enum Part {
    /// Rendered once and kept or moved to the rest file whole.
    Whole { rendered: String, written: String },
    /// Text that may be cut between (or, alone, inside) lines.
    Text { prefix: String, source: String },
    /// Code that may be cut between lines, each piece in its own fences.
    Code(String),
}

impl Part {
    fn render(&self) -> String {
        match self {
            Part::Whole { rendered, .. } => rendered.clone(),
            Part::Text { prefix, source } => format!("{prefix}{}", markdown(source).trim_end_matches('\n')),
            Part::Code(source) => fence(source),
        }
    }

    fn written(&self) -> String {
        let mut written = match self {
            Part::Whole { written, .. } => written.clone(),
            Part::Text { source, .. } | Part::Code(source) => source.clone(),
        };
        if !written.is_empty() && !written.ends_with('\n') {
            written.push('\n');
        }
        written
    }

    /// The head of this part that renders in at most `room` characters, and
    /// the rest as written.
    fn split(&self, room: usize) -> (Option<String>, String) {
        match self {
            Part::Whole { .. } => (None, self.written()),
            Part::Text { prefix, source } => {
                let Some(room) = room.checked_sub(chars(prefix) + 1) else {
                    return (None, self.written());
                };
                let (taken, consumed) = take_lines(source, room, &|line: &str| markdown(line));
                let head = (consumed > 0).then(|| format!("{prefix}{}", taken.trim_end_matches('\n')));
                (head, rest_of(source, consumed))
            }
            Part::Code(source) => {
                let Some(room) = room.checked_sub(FENCE_CHARS + 1) else {
                    return (None, self.written());
                };
                let (taken, consumed) = take_lines(source, room, &code_text);
                let head = (consumed > 0).then(|| format!("```\n{}\n```", taken.trim_end_matches('\n')));
                (head, rest_of(source, consumed))
            }
        }
    }
}

fn rest_of(source: &str, consumed: usize) -> String {
    let mut rest = source[consumed..].to_owned();
    if !rest.is_empty() && !rest.ends_with('\n') {
        rest.push('\n');
    }
    rest
}

/// Whole lines of `source` whose rendering fits `room` characters, rendered,
/// and the bytes of `source` they took. When not even the first line fits, its
/// longest head that does (cut at a space when that keeps at least half).
fn take_lines(source: &str, room: usize, render: &dyn Fn(&str) -> String) -> (String, usize) {
    let mut taken = String::new();
    let mut used = 0;
    let mut consumed = 0;
    for line in source.split_inclusive('\n') {
        let rendered = render(line);
        let size = chars(rendered.trim_end_matches('\n'));
        if used + size <= room {
            taken.push_str(&rendered);
            used += chars(&rendered);
            consumed += line.len();
            continue;
        }
        if consumed == 0 {
            let cut = cut_point(line, room, render);
            if cut > 0 {
                taken.push_str(&render(&line[..cut]));
                consumed = cut;
            }
        }
        break;
    }
    (taken, consumed)
}

/// The byte index where `line` is cut so its head renders in at most `room`
/// characters: the longest such head, shortened to its last space when that
/// keeps at least half. Zero when not one character fits.
fn cut_point(line: &str, room: usize, render: &dyn Fn(&str) -> String) -> usize {
    // Rendering never shortens Mattermost text: no head longer than the room fits.
    let Some(longest) = longest_head(line, room, room, render) else {
        return 0;
    };
    let fits = |end: usize| chars(&render(&line[..end])) <= room;
    let at_space = line[..longest]
        .rfind(' ')
        .map(|space| space + 1)
        .filter(|cut| *cut >= longest / 2 && fits(*cut));
    at_space.unwrap_or(longest)
}

/// Renders a message as a post's Markdown; what does not fit goes into `files`.
pub fn message(message: &Message) -> RenderedMessage {
    let opening = Opening::of(message, &LEVELS);
    let mut parts = Vec::new();
    let mut files = Vec::new();
    if let Some(title) = opening.title {
        parts.push(Part::Whole {
            rendered: format!("#### {}{}", opening.marker, escape(title.trim())),
            written: title.to_owned(),
        });
    } else if let Some(note) = opening.note {
        parts.push(Part::Whole {
            rendered: note.to_owned(),
            written: String::new(),
        });
    }
    for (index, block) in message.blocks.iter().enumerate() {
        match block {
            Block::Text(text) if !text.trim().is_empty() => {
                parts.push(Part::Text {
                    prefix: opening.prefix(index).to_owned(),
                    source: text.clone(),
                });
            }
            Block::Code(code) if !code.trim().is_empty() => parts.push(Part::Code(code.clone())),
            Block::Text(_) | Block::Code(_) => {}
            Block::Table(table) => {
                let titled = opening.shows_table_title(index, table);
                table_parts(table, titled, &mut parts, &mut files);
            }
            Block::Image(image) => files.push(image_attachment(image, str::to_owned)),
            Block::File(file) => files.push(file_attachment(file, str::to_owned)),
            Block::Data(file) => files.push(data_attachment(file, str::to_owned)),
        }
    }
    let rendered: Vec<String> = parts.iter().map(Part::render).collect();
    let total: usize =
        rendered.iter().map(|r| chars(r)).sum::<usize>() + 2 * rendered.len().saturating_sub(1);
    if total <= MAX_POST_CHARS {
        let message = rendered.join("\n\n");
        let message = if message.is_empty() && files.is_empty() {
            "_(no output)_".to_owned()
        } else {
            message
        };
        return RenderedMessage { message, files };
    }
    // Too long: keep what fits, with room for the note, and attach the rest as written.
    let budget = MAX_POST_CHARS - CUT_NOTE_CHARS;
    let mut kept: Vec<String> = Vec::new();
    let mut used = 0;
    let mut rest = String::new();
    let mut cut = false;
    for (part, rendered) in parts.iter().zip(rendered) {
        if cut {
            rest.push_str(&part.written());
            continue;
        }
        let separator = if kept.is_empty() { 0 } else { 2 };
        if used + separator + chars(&rendered) <= budget {
            used += separator + chars(&rendered);
            kept.push(rendered);
            continue;
        }
        cut = true;
        let (head, tail) = part.split(budget.saturating_sub(used + separator));
        if let Some(head) = head {
            kept.push(head);
        }
        rest.push_str(&tail);
    }
    kept.push(format!(
        "_This answer is longer than one Mattermost post: it was cut here, and the rest is attached as `{REST_FILE_NAME}`._"
    ));
    files.push(rest_attachment(rest));
    RenderedMessage {
        message: kept.join("\n\n"),
        files,
    }
}

/// A table inline when its Markdown is short enough, else a file and a line
/// saying so; under its title when `titled`.
fn table_parts(table: &Table, titled: bool, parts: &mut Vec<Part>, files: &mut Vec<Upload>) {
    let title = table.title.trim();
    if table.columns.is_empty() {
        return;
    }
    let inline = table_markdown(table);
    if chars(&inline) <= MAX_INLINE_TABLE_CHARS {
        let heading = if !titled {
            String::new()
        } else {
            format!("**{}**\n\n", escape(title))
        };
        parts.push(Part::Whole {
            rendered: format!("{heading}{inline}"),
            written: format!("{title}\n{}", table_text(table)),
        });
        return;
    }
    let heading = titled.then(|| format!("**{}**", escape(title)));
    let (note, upload) = table_attachment(table, title, heading, title.to_owned(), str::to_owned);
    parts.push(Part::Whole {
        rendered: note,
        written: String::new(),
    });
    files.push(upload);
}

fn option(choice: &Choice) -> Result<Value, PromptError> {
    if choice.value.is_empty() {
        return Err(PromptError::EmptyValue);
    }
    let text = if choice.label.trim().is_empty() {
        &choice.value
    } else {
        &choice.label
    };
    Ok(json!({"text": text, "value": choice.value}))
}

impl PromptSigner<'_> {
    /// The `integration` of an element of the prompt resuming `continuation`:
    /// this signer's URL, and the element's context signed for its `kind`
    /// (a button's with the `value` it answers).
    fn integration(&self, kind: PromptKind, continuation: &str, value: Option<&str>) -> Value {
        let context = prompt_context(self.key, kind, self.user, self.nonce, continuation, value, None);
        json!({"url": self.url, "context": context})
    }
}

/// A menu as a post's `props`: one message attachment with the question, a
/// `select` of at most [`MAX_OPTIONS`] choices, a "Next page" button when
/// there are more (answering `{MORE_PREFIX}{offset}`), and Cancel (answering
/// [`CANCEL_VALUE`]). Each element's context is signed for `signer.user`.
/// Post it with an empty `message`.
pub fn menu(menu: &Menu, signer: &PromptSigner<'_>) -> Result<Value, PromptError> {
    let options = menu
        .choices
        .iter()
        .take(MAX_OPTIONS)
        .map(option)
        .collect::<Result<Vec<_>, _>>()?;
    let question = if menu.text.trim().is_empty() {
        "Choose one:".to_owned()
    } else {
        markdown(&menu.text)
    };
    let integration =
        |kind: PromptKind, value: Option<&str>| signer.integration(kind, &menu.continuation, value);
    let button = |id: &str, name: &str, value: &str| {
        json!({"id": id, "name": name, "type": "button", "style": "default",
            "integration": integration(PromptKind::Button, Some(value))})
    };
    let mut actions = Vec::new();
    if !options.is_empty() {
        actions.push(
            json!({"id": MENU_ACTION_ID, "name": "Choose…", "type": "select", "options": options,
            "integration": integration(PromptKind::Select, None)}),
        );
    }
    if let Some(offset) = menu.next_offset {
        let more = format!("{MORE_PREFIX}{offset}");
        actions.push(button(MORE_ACTION_ID, "Next page", &more));
    }
    actions.push(button(CANCEL_ACTION_ID, "Cancel", CANCEL_VALUE));
    let text = if actions.len() == 1 {
        format!("{question}\n_(nothing to choose from)_")
    } else {
        question
    };
    Ok(json!({"attachments": [{"text": text, "fallback": truncate(&menu.text, 300), "actions": actions}]}))
}

/// A form as the `dialog` of `POST /api/v4/actions/dialogs/open`: one element
/// per field, named `field-{index}` so the answers come back in argument
/// order, and the continuation in `state`, signed for `signer.user`.
pub fn dialog(form: &Form, signer: &PromptSigner<'_>) -> Result<Value, PromptError> {
    let elements = form.render_fields(element)?;
    let title = unless_blank(form.title.trim(), "Run a command");
    Ok(json!({
        "callback_id": FORM_CALLBACK_ID,
        "title": truncate_bytes(title, MAX_DIALOG_TITLE),
        "elements": elements,
        "submit_label": "Run",
        "notify_on_cancel": true,
        "state": dialog_state(
            signer.key,
            signer.user,
            signer.nonce,
            &form.continuation,
            form.fields.len()
        ),
    }))
}

fn element(index: usize, field: &Field) -> Result<Value, PromptError> {
    let label = field.label.trim();
    let label = if label.is_empty() {
        format!("Value {}", index + 1)
    } else {
        label.to_owned()
    };
    let default = field.default.as_deref().filter(|d| !d.is_empty());
    let (kind, options, default) = match &field.kind {
        FieldKind::Select(choices) if !choices.is_empty() => {
            let shown = &choices[..choices.len().min(MAX_OPTIONS)];
            let options = shown.iter().map(option).collect::<Result<Vec<_>, _>>()?;
            // Mattermost refuses a default that is not one of the options.
            let default =
                default.filter(|d| shown.iter().any(|c| c.value == *d) && d.len() <= MAX_LONG_DEFAULT);
            ("select", Some(options), default)
        }
        // A select needs at least one option: free text instead.
        _ => match default {
            Some(long) if long.len() > MAX_TEXT_DEFAULT && long.len() <= MAX_LONG_DEFAULT => {
                ("textarea", None, Some(long))
            }
            short => ("text", None, short.filter(|d| d.len() <= MAX_TEXT_DEFAULT)),
        },
    };
    let mut element = json!({"display_name": truncate_bytes(&label, MAX_DISPLAY_NAME),
        "name": field_name(index), "type": kind, "optional": field.optional});
    if label.len() > MAX_DISPLAY_NAME {
        element["help_text"] = truncate_bytes(&label, MAX_HELP_TEXT).into();
    }
    if let Some(options) = options {
        element["options"] = options.into();
    }
    if let Some(default) = default {
        element["default"] = default.into();
    }
    Ok(element)
}

/// The body of `POST /api/v4/posts`.
pub fn create_post(
    channel_id: &str,
    root_id: Option<&str>,
    message: &str,
    props: Option<&Value>,
    file_ids: &[String],
) -> Value {
    let mut post = json!({"channel_id": channel_id, "message": message});
    if let Some(root_id) = root_id.filter(|r| !r.is_empty()) {
        post["root_id"] = root_id.into();
    }
    if !file_ids.is_empty() {
        post["file_ids"] = file_ids.into();
    }
    if let Some(props) = props {
        post["props"] = props.clone();
    }
    post
}

/// The body of `POST /api/v4/posts/ephemeral`: a post only `user_id` sees.
/// (The bot needs the `create_post_ephemeral` permission, by default only
/// system admins have it; a slash or action response is the other way.)
pub fn create_ephemeral_post(
    user_id: &str,
    channel_id: &str,
    root_id: Option<&str>,
    message: &str,
    props: Option<&Value>,
) -> Value {
    json!({"user_id": user_id, "post": create_post(channel_id, root_id, message, props, &[])})
}

/// The body of `POST /api/v4/actions/dialogs/open`.
pub fn open_dialog(trigger_id: &str, url: &str, dialog: Value) -> Value {
    json!({"trigger_id": trigger_id, "url": url, "dialog": dialog})
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::Level;
    use crate::platforms::markup_tests::{devices, message_of, sample_form, sample_menu};
    use crate::platforms::mattermost::inbound::{ActionKind, DialogSubmission, PostAction};
    use crate::platforms::mattermost::verify::{Answer, verify_action, verify_dialog};

    const KEY: &[u8] = b"context key";
    const SIGNER: PromptSigner<'static> = PromptSigner {
        key: KEY,
        url: "https://gw.example.com/hooks/mm/actions",
        user: "U1",
        nonce: "prompt-1",
    };

    #[test]
    fn mentions_never_notify() {
        assert_eq!(markdown("@channel hi @all"), "@\u{200B}channel hi @\u{200B}all");
        assert_eq!(markdown("(@here)"), "(@\u{200B}here)");
        assert_eq!(markdown("**@bob**"), "**@\u{200B}bob**");
        assert_eq!(markdown("bob@example.com"), "bob@example.com", "not a mention");
        let table = table_markdown(&Table {
            title: String::new(),
            columns: vec!["who".into()],
            rows: vec![vec!["@channel".into()]],
        });
        assert!(table.contains("@\u{200B}channel"), "{table}");
    }

    #[test]
    fn code_is_fenced_and_inner_fences_broken() {
        let rendered = message(&message_of(
            Level::Info,
            vec![Block::Code("a ```\n~~~\n`~`\n@channel\n".into())],
        ));
        assert_eq!(
            rendered.message,
            "```\na ``\u{200B}`\n~~\u{200B}~\n`~\u{200B}`\n@channel\n```"
        );
        assert_eq!(rendered.message.matches("```").count(), 2);
    }

    #[test]
    fn titles_and_levels_are_shown() {
        let titled = message(&Message::text(Level::Warning, "partial").titled("Devices_at *ams*"));
        assert_eq!(titled.message, "#### :warning: Devices\\_at \\*ams\\*\n\npartial");
        let untitled = message(&Message::text(Level::Error, "**failed**"));
        assert_eq!(untitled.message, ":x: **failed**");
        let code_first = message(&message_of(Level::Error, vec![Block::Code("trace".into())]));
        assert_eq!(code_first.message, ":x: **Error**\n\n```\ntrace\n```");
        assert_eq!(message(&Message::default()).message, "_(no output)_");
    }

    /// Devices numbered on `width` digits, all `active|up`.
    fn numbered(rows: usize, width: usize) -> Table {
        let rows = (0..rows).map(|i| vec![format!("{i:0width$}"), "active|up".into()]);
        Table {
            rows: rows.collect(),
            ..devices("Devices at ams01", &[])
        }
    }

    #[test]
    fn a_table_under_a_heading_of_its_own_title_is_not_titled_again() {
        let titled = Message {
            title: Some("Devices at ams01".into()),
            ..message_of(Level::Info, vec![Block::Table(numbered(2, 3))])
        };
        let rendered = message(&titled);
        assert_eq!(
            rendered.message.matches("Devices at ams01").count(),
            1,
            "{}",
            rendered.message
        );
        assert!(rendered.message.starts_with("#### Devices at ams01\n\n| "));
    }

    #[test]
    fn a_small_table_is_a_markdown_table() {
        let mut table = numbered(2, 3);
        table.rows[1].pop();
        let rendered = message(&message_of(Level::Info, vec![Block::Table(table)]));
        assert!(rendered.files.is_empty());
        assert_eq!(
            rendered.message,
            "**Devices at ams01**\n\n| Name | Status |\n| --- | --- |\n| 000 | active\\|up |\n| 001 |   |"
        );
    }

    #[test]
    fn a_post_of_exactly_the_limit_is_kept_whole_and_one_more_is_cut() {
        // Characters, not bytes: "é" is two bytes and counts once.
        let exact = "é".repeat(MAX_POST_CHARS);
        let rendered = message(&Message::text(Level::Info, exact.clone()));
        assert_eq!(rendered.message, exact);
        assert!(rendered.files.is_empty());

        let over = "é".repeat(MAX_POST_CHARS + 1);
        let rendered = message(&Message::text(Level::Info, over.clone()));
        assert!(chars(&rendered.message) <= MAX_POST_CHARS);
        assert_eq!(rendered.files.len(), 1);
        assert_eq!(rendered.files[0].file_name, REST_FILE_NAME);
        let head = rendered.message.split("\n\n").next().unwrap();
        let rest = String::from_utf8(rendered.files[0].bytes.clone()).unwrap();
        assert_eq!(format!("{head}{rest}"), format!("{over}\n"), "nothing lost");
    }

    #[test]
    fn long_text_is_cut_at_a_line_end_and_the_rest_attached_as_written() {
        let lines: Vec<String> = (0..3000).map(|i| format!("line **{i}** a_b\n")).collect();
        let rendered = message(&Message::text(Level::Info, lines.concat()).titled("Report"));
        assert!(chars(&rendered.message) <= MAX_POST_CHARS);
        assert!(rendered.message.starts_with("#### Report\n\n"));
        assert!(rendered.message.ends_with(&format!("`{REST_FILE_NAME}`._")));
        let shown = rendered.message.lines().filter(|l| l.starts_with("line")).count();
        assert!(shown > 100);
        let rest = String::from_utf8(rendered.files[0].bytes.clone()).unwrap();
        assert_eq!(
            rest,
            lines[shown..].concat(),
            "the rest continues where the post stops"
        );
    }

    #[test]
    fn long_code_is_cut_between_lines_inside_its_own_fences() {
        let code: String = (0..4000).map(|i| format!("{i:05} ```\n")).collect();
        let rendered = message(&message_of(
            Level::Info,
            vec![
                Block::Text("before".into()),
                Block::Code(code.clone()),
                Block::Text("after".into()),
            ],
        ));
        assert!(chars(&rendered.message) <= MAX_POST_CHARS);
        let body = rendered.message.split("```\n").nth(1).unwrap();
        let kept = body.lines().take_while(|l| *l != "```").count();
        assert!(kept > 100);
        assert_eq!(rendered.message.matches("```").count(), 2, "one pair of fences");
        let rest = String::from_utf8(rendered.files[0].bytes.clone()).unwrap();
        let expected: String = code.lines().skip(kept).map(|l| format!("{l}\n")).collect();
        assert_eq!(rest, format!("{expected}after\n"));
    }

    fn action_of(props: &Value, id: &str) -> Value {
        props["attachments"][0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn callback(action: &Value, kind: ActionKind, user: &str, choice: Option<&str>) -> PostAction {
        let context = action["integration"]["context"].as_object().unwrap().clone();
        PostAction::sample(kind, context, user, choice)
    }

    #[test]
    fn a_menu_is_a_signed_select_with_cancel() {
        let props = menu(&sample_menu(3, None), &SIGNER).unwrap();
        let attachment = &props["attachments"][0];
        assert_eq!(attachment["text"], "Which **site**?");
        let select = action_of(&props, MENU_ACTION_ID);
        assert_eq!(select["type"], "select");
        assert_eq!(select["options"][2], json!({"text": "site2", "value": "site2"}));
        assert_eq!(select["integration"]["url"], SIGNER.url);
        assert_eq!(action_of(&props, MORE_ACTION_ID), Value::Null);
        let answer = verify_action(KEY, &callback(&select, ActionKind::Select, "U1", Some("site1")));
        assert_eq!(
            answer,
            Ok(Answer {
                continuation: "tok".into(),
                values: vec!["site1".into()],
                nonce: "prompt-1".into()
            })
        );
        assert!(verify_action(KEY, &callback(&select, ActionKind::Select, "U2", Some("site1"))).is_err());
        let cancel = action_of(&props, CANCEL_ACTION_ID);
        assert_eq!(cancel["type"], "button");
        let cancelled = verify_action(KEY, &callback(&cancel, ActionKind::Button, "U1", None)).unwrap();
        assert_eq!(cancelled.values, [CANCEL_VALUE]);
        // Every element carries the prompt's one nonce: answering any answers the prompt.
        assert_eq!(cancelled.nonce, SIGNER.nonce);
        for action in props["attachments"][0]["actions"].as_array().unwrap() {
            let id = action["id"].as_str().unwrap();
            assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        }
    }

    #[test]
    fn a_menu_pages_with_a_signed_button() {
        let props = menu(&sample_menu(150, Some(99)), &SIGNER).unwrap();
        let select = action_of(&props, MENU_ACTION_ID);
        assert_eq!(select["options"].as_array().unwrap().len(), MAX_OPTIONS);
        let more = action_of(&props, MORE_ACTION_ID);
        assert_eq!(
            verify_action(KEY, &callback(&more, ActionKind::Button, "U1", Some("ignored")))
                .unwrap()
                .values,
            [format!("{MORE_PREFIX}99")]
        );
    }

    #[test]
    fn an_empty_menu_says_so_and_a_choice_without_value_is_refused() {
        let props = menu(&sample_menu(0, None), &SIGNER).unwrap();
        assert_eq!(action_of(&props, MENU_ACTION_ID), Value::Null);
        assert!(
            props["attachments"][0]["text"]
                .as_str()
                .unwrap()
                .contains("nothing to choose from")
        );
        let mut bad = sample_menu(1, None);
        bad.choices[0].value.clear();
        assert_eq!(menu(&bad, &SIGNER), Err(PromptError::EmptyValue));
        let mut unlabelled = sample_menu(1, None);
        unlabelled.choices[0].label = " ".into();
        let props = menu(&unlabelled, &SIGNER).unwrap();
        assert_eq!(action_of(&props, MENU_ACTION_ID)["options"][0]["text"], "site0");
    }

    #[test]
    fn a_form_is_a_dialog_with_numbered_elements_and_a_signed_state() {
        let form = sample_form();
        let dialog = dialog(&form, &SIGNER).unwrap();
        assert_eq!(dialog["callback_id"], FORM_CALLBACK_ID);
        assert!(dialog["title"].as_str().unwrap().len() <= MAX_DIALOG_TITLE);
        assert_eq!(dialog["notify_on_cancel"], true);
        let elements = dialog["elements"].as_array().unwrap();
        assert_eq!(
            elements[0],
            json!({"display_name": "Device", "name": "field-0", "type": "text", "default": "ams01", "optional": false})
        );
        assert_eq!(elements[1]["type"], "select");
        assert_eq!(elements[1]["default"], "active");
        assert!(elements[1]["display_name"].as_str().unwrap().len() <= MAX_DISPLAY_NAME);
        assert_eq!(elements[1]["help_text"], "Status of the device, long label");
        assert_eq!(elements[2]["type"], "textarea", "a default too long for text");
        assert_eq!(
            elements[3].get("default"),
            None,
            "a default that is no option is dropped"
        );

        let submission = DialogSubmission {
            callback_id: FORM_CALLBACK_ID.into(),
            state: dialog["state"].as_str().unwrap().to_owned(),
            user_id: "U1".into(),
            channel_id: None,
            team_id: None,
            submission: [("field-0", "ams02"), ("field-1", "planned"), ("field-3", "a")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            cancelled: false,
        };
        assert_eq!(
            verify_dialog(KEY, &submission),
            Ok(Answer {
                continuation: "tok".into(),
                values: vec!["ams02".into(), "planned".into(), String::new(), "a".into()],
                nonce: "prompt-1".into()
            })
        );
        let someone_else = DialogSubmission {
            user_id: "U2".into(),
            ..submission
        };
        assert!(verify_dialog(KEY, &someone_else).is_err());
    }

    #[test]
    fn dialog_limits_count_bytes() {
        assert_eq!(truncate_bytes("ééééééééééééé", 24), "éééééééééé…");
        assert!(truncate_bytes("ééééééééééééé", 24).len() <= 24);
        assert_eq!(truncate_bytes("short", 24), "short");
    }

    proptest! {
        #[test]
        fn any_message_fits_one_post(
            parts in prop::collection::vec(
                prop::sample::select(vec!["a", "word ", "\n", "&", "@", "**", "[l](https://e.x/)", "`", "é", "```"]),
                0..6000,
            ),
            code in any::<bool>(),
        ) {
            let text = parts.concat();
            let block = if code { Block::Code(text.clone()) } else { Block::Text(text.clone()) };
            let rendered = message(&message_of(Level::Info, vec![block.clone(), block]));
            prop_assert!(chars(&rendered.message) <= MAX_POST_CHARS);
            prop_assert!(!rendered.message.is_empty());
        }

        #[test]
        fn escaped_text_never_mentions(text in "[^`]*") {
            let out = markdown(&text);
            for (i, _) in out.match_indices('@') {
                let before = out[..i].chars().next_back();
                let after = out[i + 1..].chars().next();
                prop_assert!(before.is_some_and(char::is_alphanumeric) || after == Some('\u{200B}'), "{}", out);
            }
        }
    }
}
