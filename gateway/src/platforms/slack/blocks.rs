//! Rendering the neutral model as Slack Block Kit, within Slack's limits.
//!
//! Pure: model in, JSON out. What does not fit a message (a large table, an
//! answer longer than one message, an image) becomes a file to upload.

use serde_json::{Value, json};

use crate::model::{Block, Choice, Field, FieldKind, Form, Menu, Message, Table};
use crate::platforms::PromptError;
pub use crate::platforms::files::{Upload, table_text};
use crate::platforms::files::{longest_head, truncate};
use crate::platforms::markup;
pub use crate::platforms::rendering::REST_FILE_NAME;
use crate::platforms::rendering::{
    LevelStyle, Opening, check_state, data_attachment, file_attachment, image_attachment, markup_link,
    rest_attachment, table_attachment, unless_blank,
};

/// The menu value asking for the next page: `__more__:{offset}`, where
/// `offset` is [`Menu::next_offset`]. The command core resumes the same step
/// from that offset.
pub use crate::commands::MORE_PREFIX;

/// The value of a menu's Cancel button; answering it drops the prompt.
pub use crate::commands::CANCEL_VALUE;

/// Blocks in one message.
pub const MAX_BLOCKS: usize = 50;
/// Characters of one section's text.
pub const MAX_SECTION_CHARS: usize = 3000;
/// Characters of text over all of a message's blocks. Slack documents no such
/// limit but answers `msg_blocks_too_long` from about 12 000 (bolt-js #2509,
/// #2867), well before 50 full sections; this keeps a margin.
pub const MAX_MESSAGE_CHARS: usize = 10_000;
/// Characters of a `header` block.
pub const MAX_HEADER_CHARS: usize = 150;
/// Options in one `static_select`.
pub const MAX_OPTIONS: usize = 100;
/// Characters of an `action_id`, where a menu carries its signed continuation.
pub const MAX_ACTION_ID: usize = 255;
/// Characters of an option's text.
pub const MAX_OPTION_TEXT: usize = 75;
/// Characters of an option's value.
pub const MAX_OPTION_VALUE: usize = 150;
/// Characters of a modal's title, submit and close labels.
pub const MAX_MODAL_TITLE: usize = 24;
/// Characters of a modal's `private_metadata`, where a form carries its continuation.
pub const MAX_PRIVATE_METADATA: usize = 3000;
/// Blocks in one modal.
pub const MAX_MODAL_BLOCKS: usize = 100;
/// The `callback_id` of every form the gateway opens.
pub const FORM_CALLBACK_ID: &str = "chatops-form";
/// The `block_id` of a menu's select.
pub const MENU_BLOCK_ID: &str = "prompt";

/// The label of the option that asks for the next page.
const MORE_LABEL: &str = "Next page…";
/// Room kept for the context block that says the message was cut.
const CUT_NOTE_CHARS: usize = 200;
/// Characters of the notification text taken from the content.
const FALLBACK_CHARS: usize = 300;
/// Slack's emoji codes, and a plain-text note (it goes in a context block).
pub(crate) const LEVELS: LevelStyle = LevelStyle {
    warning: ":warning: ",
    error: ":x: ",
    warning_note: ":warning: Warning",
    error_note: ":x: Error",
};

/// A message ready for `chat.postMessage`, `chat.postEphemeral` or a response URL.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedMessage {
    /// The Block Kit blocks (may be empty when everything is attached).
    pub blocks: Vec<Value>,
    /// The notification text, required beside blocks (mrkdwn, already escaped).
    pub text: String,
    /// Files to upload after the message, in order.
    pub attachments: Vec<Upload>,
}

/// Escapes `&`, `<` and `>`, the three characters Slack's text parses as control characters.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Converts the model's light markup to Slack mrkdwn: `**b**` -> `*b*`,
/// `[label](url)` -> `<url|label>`, `` `code` `` kept; everything else escaped.
///
/// Only `http`, `https` and `mailto` links are converted: `<!channel|x>` or
/// `<@U123|x>` would ping people, and command output is not trusted markup.
pub fn mrkdwn(text: &str) -> String {
    let escaped = |out: &mut String, text: &str| out.push_str(&escape(text));
    markup::convert(text, escaped, |out, rest| {
        if let Some(span) = rest.strip_prefix('`') {
            // A code span: its content is escaped, not converted.
            span.find('`')
                .map(|end| markup::enclose(out, "`", &escape(&span[..end]), end + 2))
        } else if let Some(inner) = rest.strip_prefix("**") {
            inner
                .find("**")
                .filter(|end| *end > 0)
                .map(|end| markup::enclose(out, "*", &mrkdwn(&inner[..end]), end + 4))
        } else if rest.starts_with('[') {
            markup_link(rest, "([").map(|(label, url, len)| {
                out.push_str(&format!("<{}|{}>", link_url(url), escape(label)));
                len
            })
        } else {
            None
        }
    })
}

/// A URL inside `<…|…>`: escaped like text, and `|` (the label separator) percent-encoded.
fn link_url(url: &str) -> String {
    escape(url).replace('|', "%7C")
}

/// A `plain_text` object of at most `max` characters; `fallback` when `text` is blank
/// (Slack refuses empty text objects).
fn plain(text: &str, max: usize, fallback: &str) -> Value {
    json!({"type": "plain_text", "text": truncate(unless_blank(text, fallback), max), "emoji": true})
}

/// Splits `source` into pieces whose rendering is at most `limit` characters,
/// at line ends where possible, and returns each piece rendered and as written.
fn pack(source: &str, limit: usize, render: &dyn Fn(&str) -> String) -> Vec<(String, String)> {
    let mut pieces = Vec::new();
    let (mut rendered, mut written) = (String::new(), String::new());
    let mut rendered_chars = 0;
    for line in source.split_inclusive('\n') {
        let mut line = line;
        loop {
            // Rendering shrinks text by less than half (`**a**` -> `*a*` at most), so a
            // line of more than twice the limit cannot fit and is not rendered whole.
            let whole = (line.chars().count() <= 2 * limit).then(|| render(line));
            if let Some(whole) = whole.filter(|w| w.chars().count() <= limit) {
                let whole_chars = whole.chars().count();
                if rendered_chars + whole_chars > limit {
                    pieces.push((std::mem::take(&mut rendered), std::mem::take(&mut written)));
                    rendered_chars = 0;
                }
                rendered.push_str(&whole);
                written.push_str(line);
                rendered_chars += whole_chars;
                break;
            }
            // One line longer than a section: cut it, at a space if there is one late enough.
            if !written.is_empty() {
                pieces.push((std::mem::take(&mut rendered), std::mem::take(&mut written)));
                rendered_chars = 0;
            }
            let cut = cut_point(line, limit, render);
            pieces.push((render(&line[..cut]), line[..cut].to_owned()));
            line = &line[cut..];
        }
    }
    if !written.is_empty() {
        pieces.push((rendered, written));
    }
    pieces
}

/// The byte index where `line` is cut so that its head renders to at most `limit`
/// characters: the longest such head, shortened to its last space when that keeps
/// at least half of it. Always at least one character, so splitting ends.
fn cut_point(line: &str, limit: usize, render: &dyn Fn(&str) -> String) -> usize {
    // No head longer than twice the limit fits (see `pack`), so only those are tried.
    let longest = longest_head(line, 2 * limit, limit, render)
        .unwrap_or_else(|| line.chars().next().map_or(line.len(), char::len_utf8));
    let at_space = line[..longest]
        .rfind(char::is_whitespace)
        .filter(|space| *space >= longest / 2)
        .map(|space| space + line[space..].chars().next().map_or(1, char::len_utf8));
    // A shorter head may render longer (a link cut in half is no longer shortened), so check.
    match at_space {
        Some(cut) if render(&line[..cut]).chars().count() <= limit => cut,
        _ => longest,
    }
}

/// Code as it goes between fences: escaped, and with any fence inside it broken
/// by a zero-width space (it would end the block early).
fn code(text: &str) -> String {
    escape(text).replace("```", "`\u{200B}``")
}

/// Code in a fenced block. Code ending in a backtick gets a zero-width space
/// before the closing fence, which would otherwise start one character early.
fn fence(code: &str) -> String {
    let code = code.trim_end_matches('\n');
    let guard = if code.ends_with('`') { "\u{200B}" } else { "" };
    format!("```{code}{guard}```")
}

/// Characters the fences (and a guard) add around code.
const FENCES: usize = 7;

fn section(text: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

fn context(text: &str) -> Value {
    json!({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
}

/// One block on its way into a message: the JSON, the characters it counts
/// against [`MAX_MESSAGE_CHARS`], and its text as written (for the rest file).
struct Piece {
    block: Value,
    chars: usize,
    written: String,
}

impl Piece {
    fn new(block: Value, rendered: &str, written: impl Into<String>) -> Self {
        Piece {
            block,
            chars: rendered.chars().count(),
            written: written.into(),
        }
    }
}

/// Renders a message; what does not fit goes into `attachments`.
pub fn message(message: &Message) -> RenderedMessage {
    let opening = Opening::of(message, &LEVELS);
    let marker = opening.marker;
    let mut pieces = Vec::new();
    let mut attachments = Vec::new();
    let mut fallback = None;

    if let Some(title) = opening.title {
        let heading = truncate(&format!("{marker}{title}"), MAX_HEADER_CHARS);
        let block = json!({"type": "header", "text": {"type": "plain_text", "text": heading, "emoji": true}});
        pieces.push(Piece::new(block, &heading, format!("{title}\n")));
        // The header is plain text; the notification text is mrkdwn, so it is escaped.
        fallback = Some(escape(&heading));
    } else if let Some(note) = opening.note {
        pieces.push(Piece::new(context(note), note, ""));
    }

    for (index, block) in message.blocks.iter().enumerate() {
        let first_piece = pieces.len();
        match block {
            Block::Text(body) => {
                if body.trim().is_empty() {
                    continue;
                }
                let body = format!("{}{body}", opening.prefix(index));
                fallback.get_or_insert_with(|| mrkdwn(&truncate(&body, FALLBACK_CHARS)));
                for (rendered, written) in pack(&body, MAX_SECTION_CHARS, &mrkdwn) {
                    let rendered = rendered.trim_end_matches('\n');
                    if !rendered.trim().is_empty() {
                        pieces.push(Piece::new(section(rendered), rendered, written));
                    }
                }
            }
            Block::Code(code_text) => {
                if code_text.trim().is_empty() {
                    continue;
                }
                fallback.get_or_insert_with(|| {
                    escape(&truncate(&format!("{marker}{code_text}"), FALLBACK_CHARS))
                });
                for (rendered, written) in pack(code_text, MAX_SECTION_CHARS - FENCES, &code) {
                    let fenced = fence(&rendered);
                    pieces.push(Piece::new(section(&fenced), &fenced, written));
                }
            }
            Block::Table(table) => {
                let titled = opening.shows_table_title(index, table);
                table_pieces(table, titled, &mut pieces, &mut attachments);
            }
            Block::Image(image) => attachments.push(image_attachment(image, str::to_owned)),
            Block::File(file) => attachments.push(file_attachment(file, str::to_owned)),
            Block::Data(file) => attachments.push(data_attachment(file, str::to_owned)),
        }
        // In the rest file, each block starts on a line of its own.
        if let Some(last) = pieces[first_piece..].last_mut()
            && !last.written.is_empty()
            && !last.written.ends_with('\n')
        {
            last.written.push('\n');
        }
    }

    let (mut blocks, rest) = fit(pieces);
    if let Some(rest) = rest {
        blocks.push(context(&format!(
            "This answer is longer than one Slack message: it was cut here, and the rest is attached as `{REST_FILE_NAME}`."
        )));
        attachments.push(rest_attachment(rest));
    }
    let text = fallback.unwrap_or_else(|| match attachments.as_slice() {
        [] if blocks.is_empty() => "(no output)".to_owned(),
        [] => format!("{marker}Answer"),
        files => {
            let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
            escape(&truncate(
                &format!("{marker}Attached: {}", names.join(", ")),
                FALLBACK_CHARS,
            ))
        }
    });
    RenderedMessage {
        blocks,
        text,
        attachments,
    }
}

/// A table inline when it fits one section, else as an attached file and a
/// line saying so; under its title when `titled`.
fn table_pieces(table: &Table, titled: bool, pieces: &mut Vec<Piece>, attachments: &mut Vec<Upload>) {
    let text = table_text(table);
    let fenced = fence(&code(&text));
    let title = table.title.trim();
    if fenced.chars().count() <= MAX_SECTION_CHARS {
        if titled {
            let heading = format!("*{}*", escape(title));
            pieces.push(Piece::new(section(&heading), &heading, title));
        }
        pieces.push(Piece::new(section(&fenced), &fenced, text));
        return;
    }
    let heading = titled.then(|| format!("*{}*", escape(title)));
    let upload_title = if title.is_empty() { "Table" } else { title }.to_owned();
    let (note, upload) = table_attachment(table, title, heading, upload_title, escape);
    pieces.push(Piece::new(section(&note), &note, ""));
    attachments.push(upload);
}

/// Keeps the pieces that fit one message; the rest, as written, when some did not.
fn fit(pieces: Vec<Piece>) -> (Vec<Value>, Option<String>) {
    let total: usize = pieces.iter().map(|p| p.chars).sum();
    if pieces.len() <= MAX_BLOCKS && total <= MAX_MESSAGE_CHARS {
        return (pieces.into_iter().map(|p| p.block).collect(), None);
    }
    // Room for the note that says the message was cut.
    let (max_blocks, max_chars) = (MAX_BLOCKS - 1, MAX_MESSAGE_CHARS - CUT_NOTE_CHARS);
    let mut blocks = Vec::new();
    let mut used = 0;
    let mut rest = Vec::new();
    for piece in pieces {
        if rest.is_empty() && blocks.len() < max_blocks && used + piece.chars <= max_chars {
            used += piece.chars;
            blocks.push(piece.block);
        } else if !piece.written.is_empty() {
            rest.push(piece.written);
        }
    }
    (blocks, Some(rest.concat()))
}

fn option(choice: &Choice) -> Result<Value, PromptError> {
    let chars = choice.value.chars().count();
    if chars > MAX_OPTION_VALUE {
        return Err(PromptError::ValueTooLong { chars });
    }
    Ok(json!({"text": plain(&choice.label, MAX_OPTION_TEXT, &choice.value), "value": choice.value}))
}

/// A menu as message blocks: the question, with a `static_select` whose `action_id`
/// is the continuation; then a Cancel button answering [`CANCEL_VALUE`].
///
/// At most [`MAX_OPTIONS`] options: when there is a next page, the last one is
/// "Next page…" answering `{MORE_PREFIX}{offset}`, so a page shows at most 99 choices.
pub fn menu(menu: &Menu) -> Result<Vec<Value>, PromptError> {
    check_state(&menu.continuation, MAX_ACTION_ID)?;
    let room = MAX_OPTIONS - usize::from(menu.next_offset.is_some());
    let mut options = menu
        .choices
        .iter()
        .take(room)
        .map(option)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(offset) = menu.next_offset {
        options.push(option(&Choice {
            label: MORE_LABEL.to_owned(),
            value: format!("{MORE_PREFIX}{offset}"),
        })?);
    }
    let question = &pack(
        unless_blank(&menu.text, "Choose one:"),
        MAX_SECTION_CHARS,
        &mrkdwn,
    )[0]
    .0;
    let cancel = json!({"type": "actions", "block_id": "prompt-cancel", "elements": [{"type": "button",
        "action_id": menu.continuation, "text": plain("Cancel", MAX_OPTION_TEXT, "Cancel"),
        "value": CANCEL_VALUE}]});
    if options.is_empty() {
        // A select needs at least one option.
        return Ok(vec![
            section(&format!("{question}\n_(nothing to choose from)_")),
            cancel,
        ]);
    }
    Ok(vec![
        json!({"type": "section", "block_id": MENU_BLOCK_ID, "text": {"type": "mrkdwn", "text": question},
            "accessory": {"type": "static_select", "action_id": menu.continuation,
                "placeholder": plain("Choose…", 150, "Choose…"), "options": options}}),
        cancel,
    ])
}

/// A form as a modal view for `views.open`: one `input` block per field, with
/// `block_id` `field-{index}` so the answers come back in argument order, and
/// the continuation in `private_metadata`.
pub fn form(form: &Form) -> Result<Value, PromptError> {
    check_state(&form.continuation, MAX_PRIVATE_METADATA)?;
    if form.fields.len() > MAX_MODAL_BLOCKS {
        return Err(PromptError::TooManyFields {
            fields: form.fields.len(),
        });
    }
    let inputs = form.render_fields(input)?;
    Ok(json!({
        "type": "modal",
        "callback_id": FORM_CALLBACK_ID,
        "title": plain(&form.title, MAX_MODAL_TITLE, "Run a command"),
        "submit": plain("Run", MAX_MODAL_TITLE, "Run"),
        "close": plain("Cancel", MAX_MODAL_TITLE, "Cancel"),
        "private_metadata": form.continuation,
        "blocks": inputs,
    }))
}

fn input(index: usize, field: &Field) -> Result<Value, PromptError> {
    let choices = match &field.kind {
        FieldKind::Select(choices) if !choices.is_empty() => Some(choices),
        // A select needs at least one option: free text instead.
        _ => None,
    };
    let element = match choices {
        None => {
            let mut element = json!({"type": "plain_text_input", "action_id": "value"});
            if let Some(default) = &field.default {
                element["initial_value"] = Value::from(default.as_str());
            }
            element
        }
        Some(choices) => {
            let options = choices
                .iter()
                .take(MAX_OPTIONS)
                .map(option)
                .collect::<Result<Vec<_>, _>>()?;
            let mut element = json!({"type": "static_select", "action_id": "value", "options": options});
            // `initial_option` must be one of the options, word for word.
            let initial = field.default.as_ref().and_then(|default| {
                let index = choices
                    .iter()
                    .take(MAX_OPTIONS)
                    .position(|c| &c.value == default)?;
                Some(element["options"][index].clone())
            });
            if let Some(initial) = initial {
                element["initial_option"] = initial;
            }
            element
        }
    };
    Ok(json!({
        "type": "input",
        "block_id": format!("field-{index}"),
        "optional": field.optional,
        "label": plain(&field.label, 2000, &format!("Value {}", index + 1)),
        "element": element,
    }))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::Level;
    use crate::platforms::markup_tests::{devices, field, message_of, sample_form, sample_menu};

    fn texts(rendered: &RenderedMessage) -> Vec<&str> {
        rendered
            .blocks
            .iter()
            .filter_map(|b| b.pointer("/text/text").and_then(Value::as_str))
            .collect()
    }

    fn chars_of_blocks(rendered: &RenderedMessage) -> usize {
        texts(rendered).iter().map(|t| t.chars().count()).sum()
    }

    #[test]
    fn warnings_and_errors_are_flagged_in_the_title_or_first_block() {
        let titled = message(&Message::text(Level::Warning, "partial").titled("Devices"));
        assert_eq!(titled.blocks[0]["type"], "header");
        assert_eq!(titled.blocks[0]["text"]["text"], ":warning: Devices");
        assert_eq!(titled.text, ":warning: Devices");
        assert_eq!(texts(&titled)[1], "partial");

        let untitled = message(&Message::text(Level::Error, "**failed**"));
        assert_eq!(untitled.blocks[0]["text"]["text"], ":x: *failed*");

        let code_first = message(&message_of(Level::Error, vec![Block::Code("trace".into())]));
        assert_eq!(code_first.blocks[0]["type"], "context");
        assert_eq!(code_first.blocks[0]["elements"][0]["text"], ":x: Error");
        assert_eq!(code_first.blocks[1]["text"]["text"], "```trace```");
        assert_eq!(code_first.text, ":x: trace");

        let blank_first = message(&message_of(
            Level::Warning,
            vec![Block::Text(" ".into()), Block::Text("late".into())],
        ));
        assert_eq!(blank_first.blocks[0]["elements"][0]["text"], ":warning: Warning");
        assert_eq!(blank_first.blocks[1]["text"]["text"], "late");
    }

    #[test]
    fn the_header_is_cut_to_150_characters_and_the_fallback_text_is_escaped() {
        let rendered =
            message(&Message::text(Level::Info, "x").titled(format!("<!channel> {}", "t".repeat(200))));
        let header = rendered.blocks[0]["text"]["text"].as_str().unwrap();
        assert_eq!(header.chars().count(), MAX_HEADER_CHARS);
        assert!(header.ends_with('…'));
        assert!(rendered.text.starts_with("&lt;!channel&gt;"), "{}", rendered.text);
    }

    #[test]
    fn long_text_is_split_at_line_ends_and_an_overlong_line_at_spaces() {
        let lines = format!("{}\n", "word ".repeat(19)).repeat(100);
        let overlong = "a & b ".repeat(700);
        // (text, how each section ends: at a line end; at a space, not inside an escape)
        for (long, end) in [(&lines, "word "), (&overlong, "b ")] {
            let rendered = message(&Message::text(Level::Info, long.clone()));
            assert!(rendered.blocks.len() > 1);
            for text in texts(&rendered) {
                assert!(text.chars().count() <= MAX_SECTION_CHARS);
                assert!(text.ends_with(end), "cut at …{}", &text[text.len() - 10..]);
            }
        }
        let rendered = message(&Message::text(Level::Info, lines.clone()));
        assert!(rendered.attachments.is_empty());
        assert_eq!(texts(&rendered).join("\n") + "\n", lines);
    }

    #[test]
    fn code_is_fenced_and_split_likewise() {
        let code = "x <y> ```\n".repeat(1000);
        let rendered = message(&message_of(Level::Info, vec![Block::Code(code)]));
        assert!(rendered.blocks.len() > 1);
        for text in texts(&rendered) {
            assert!(text.chars().count() <= MAX_SECTION_CHARS);
            assert!(text.starts_with("```x &lt;y&gt; `\u{200B}``"), "{text}");
            assert!(text.ends_with("``\u{200B}```"), "{text}");
            assert_eq!(text.matches("```").count(), 2, "only the two fences");
        }
    }

    #[test]
    fn past_fifty_blocks_the_message_is_cut_and_the_rest_attached() {
        let huge = Message {
            blocks: (0..80).map(|i| Block::Text(format!("part {i}"))).collect(),
            ..Default::default()
        };
        let rendered = message(&huge);
        assert_eq!(rendered.blocks.len(), MAX_BLOCKS);
        assert_eq!(texts(&rendered)[48], "part 48");
        let last = &rendered.blocks[49];
        assert_eq!(last["type"], "context");
        assert!(
            last["elements"][0]["text"]
                .as_str()
                .unwrap()
                .contains(REST_FILE_NAME)
        );
        assert_eq!(rendered.attachments.len(), 1);
        assert_eq!(rendered.attachments[0].file_name, REST_FILE_NAME);
        let rest = String::from_utf8(rendered.attachments[0].bytes.clone()).unwrap();
        assert!(
            rest.starts_with("part 49\npart 50\n") && rest.ends_with("part 79\n"),
            "{rest}"
        );
    }

    #[test]
    fn a_message_longer_than_slack_takes_is_cut_and_the_rest_attached_as_written() {
        let lines: Vec<String> = (0..2000).map(|i| format!("line **{i}**\n")).collect();
        let rendered = message(&Message::text(Level::Info, lines.concat()));
        assert!(chars_of_blocks(&rendered) <= MAX_MESSAGE_CHARS);
        assert!(rendered.blocks.len() <= MAX_BLOCKS);
        let rest = String::from_utf8(rendered.attachments[0].bytes.clone()).unwrap();
        let shown = texts(&rendered).iter().filter(|t| t.starts_with("line")).count();
        assert!(shown > 0);
        let kept: usize = texts(&rendered)
            .iter()
            .filter(|t| t.starts_with("line"))
            .map(|t| t.lines().count())
            .sum();
        assert_eq!(
            rest,
            lines[kept..].concat(),
            "the rest continues where the message stops"
        );
    }

    #[test]
    fn a_table_under_a_heading_of_its_own_title_is_not_titled_again() {
        let table = devices("Devices", &[&["ams01-sw1", "active"]]);
        let titled = Message {
            title: Some("Devices".into()),
            ..message_of(Level::Info, vec![Block::Table(table)])
        };
        let rendered = message(&titled);
        assert_eq!(texts(&rendered)[0], "Devices");
        assert!(
            texts(&rendered)[1].starts_with("```Name"),
            "{:?}",
            texts(&rendered)
        );
    }

    #[test]
    fn a_small_table_is_inline_and_padded() {
        let table = devices("Devices", &[&["ams01-sw1", "active"], &["x", "a<b"]]);
        let rendered = message(&message_of(Level::Info, vec![Block::Table(table)]));
        assert!(rendered.attachments.is_empty());
        assert_eq!(texts(&rendered)[0], "*Devices*");
        assert_eq!(
            texts(&rendered)[1],
            "```Name       Status\n---------  ------\nams01-sw1  active\nx          a&lt;b```"
        );
    }

    fn options(blocks: &[Value]) -> &Vec<Value> {
        blocks[0]["accessory"]["options"].as_array().unwrap()
    }

    #[test]
    fn a_menu_carries_its_continuation_and_a_cancel_button() {
        let blocks = menu(&sample_menu(3, None)).unwrap();
        assert_eq!(blocks[0]["block_id"], MENU_BLOCK_ID);
        assert_eq!(blocks[0]["text"]["text"], "Which *site*?");
        let select = &blocks[0]["accessory"];
        assert_eq!(select["type"], "static_select");
        assert_eq!(select["action_id"], "tok");
        assert_eq!(
            select["options"][2],
            json!({"text": {"type": "plain_text", "text": "site2", "emoji": true}, "value": "site2"})
        );
        let cancel = &blocks[1]["elements"][0];
        assert_eq!(
            (cancel["type"].as_str(), cancel["action_id"].as_str()),
            (Some("button"), Some("tok"))
        );
        assert_eq!(cancel["value"], CANCEL_VALUE);
    }

    #[test]
    fn a_menu_shows_at_most_100_options_and_pages_with_the_last() {
        let full = menu(&sample_menu(150, None)).unwrap();
        assert_eq!(options(&full).len(), MAX_OPTIONS);
        let paged = menu(&sample_menu(99, Some(99))).unwrap();
        let options = options(&paged);
        assert_eq!(options.len(), MAX_OPTIONS);
        assert_eq!(options[98]["value"], "site98");
        assert_eq!(options[99]["value"], format!("{MORE_PREFIX}99"));
        assert_eq!(options[99]["text"]["text"], "Next page…");
        let crowded = menu(&sample_menu(120, Some(120))).unwrap();
        assert_eq!(
            self::options(&crowded).len(),
            MAX_OPTIONS,
            "99 choices and the next page"
        );
    }

    #[test]
    fn menu_limits_are_checked() {
        let mut long_label = sample_menu(1, None);
        long_label.choices[0].label = "l".repeat(100);
        let blocks = menu(&long_label).unwrap();
        let label = options(&blocks)[0]["text"]["text"].as_str().unwrap();
        assert_eq!(label.chars().count(), MAX_OPTION_TEXT);

        let mut long_value = sample_menu(1, None);
        long_value.choices[0].value = "v".repeat(151);
        assert_eq!(menu(&long_value), Err(PromptError::ValueTooLong { chars: 151 }));

        let mut state = sample_menu(1, None);
        state.continuation = "x".repeat(MAX_ACTION_ID);
        assert!(menu(&state).is_ok());
        state.continuation.push('x');
        let err = menu(&state).unwrap_err();
        assert_eq!(
            err,
            PromptError::StateTooLong {
                chars: 256,
                limit: 255
            }
        );
        assert_eq!(
            err.to_string(),
            "this prompt's state is too long; type the arguments instead"
        );
    }

    #[test]
    fn an_empty_menu_says_so_instead_of_an_invalid_select() {
        let blocks = menu(&sample_menu(0, None)).unwrap();
        assert!(blocks[0].get("accessory").is_none());
        assert!(
            blocks[0]["text"]["text"]
                .as_str()
                .unwrap()
                .contains("nothing to choose from")
        );
    }

    #[test]
    fn a_form_is_a_modal_with_numbered_fields() {
        let view = form(&sample_form()).unwrap();
        assert_eq!(view["type"], "modal");
        assert_eq!(view["callback_id"], FORM_CALLBACK_ID);
        assert_eq!(
            view["title"]["text"].as_str().unwrap().chars().count(),
            MAX_MODAL_TITLE
        );
        assert_eq!(view["submit"]["text"], "Run");
        assert_eq!(view["close"]["text"], "Cancel");
        assert_eq!(view["private_metadata"], "tok");
        let blocks = view["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "input");
        assert_eq!(blocks[0]["block_id"], "field-0");
        assert_eq!(blocks[0]["optional"], false);
        assert_eq!(blocks[0]["element"]["type"], "plain_text_input");
        assert_eq!(blocks[0]["element"]["initial_value"], "ams01");
        assert_eq!(blocks[1]["block_id"], "field-1");
        assert_eq!(blocks[1]["optional"], true);
        assert_eq!(
            blocks[1]["element"]["initial_option"],
            blocks[1]["element"]["options"][1]
        );
        assert_eq!(blocks[2]["element"]["type"], "plain_text_input");
    }

    #[test]
    fn form_limits_are_checked() {
        let mut big = Form {
            title: "x".into(),
            fields: vec![],
            continuation: "c".repeat(MAX_PRIVATE_METADATA),
        };
        assert!(form(&big).is_ok());
        big.continuation.push('c');
        assert!(matches!(
            form(&big),
            Err(PromptError::StateTooLong { limit: 3000, .. })
        ));
        big.continuation = "c".into();
        big.fields = vec![field("f", FieldKind::Text, None, true); MAX_MODAL_BLOCKS + 1];
        assert_eq!(form(&big), Err(PromptError::TooManyFields { fields: 101 }));
    }

    proptest! {
        #[test]
        fn any_message_keeps_slack_limits(
            parts in prop::collection::vec(
                prop::sample::select(vec!["a", "word ", "\n", "&", "<", "**", "[l](https://e.x/)", "`", "é"]),
                0..4000,
            ),
            code in any::<bool>(),
        ) {
            let text = parts.concat();
            let block = if code { Block::Code(text.clone()) } else { Block::Text(text.clone()) };
            let rendered = message(&message_of(Level::Info, vec![block.clone(), block]));
            prop_assert!(rendered.blocks.len() <= MAX_BLOCKS);
            prop_assert!(chars_of_blocks(&rendered) <= MAX_MESSAGE_CHARS);
            for text in texts(&rendered) {
                prop_assert!(!text.trim().is_empty());
                prop_assert!(text.chars().count() <= MAX_SECTION_CHARS);
            }
            prop_assert!(!rendered.text.is_empty());
        }
    }
}
