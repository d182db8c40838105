//! What the four renderers share around their own markup: how a message's
//! level is flagged at its opening, the file a table too large to show goes
//! into, the file holding the rest of a cut answer, fenced code on its own
//! lines, and the check that a prompt's continuation fits where it is carried.
//!
//! Each platform keeps its own escaping and limits; these pieces only fix
//! the shape, so that a change of wording or rule is made once.

use crate::model::{Block, DataFile, Image, Level, Message, Table, TextFile};
use crate::platforms::PromptError;
use crate::platforms::files::truncate;
use crate::platforms::files::{Upload, file_name, media_type_of, table_text};

/// The name of the file holding what did not fit in the message.
pub const REST_FILE_NAME: &str = "rest.txt";

/// How a platform flags a warning or an error: the marker put before the
/// title (or the first text), and the note that stands alone when the
/// message opens with neither.
#[derive(Clone, Copy, Debug)]
pub struct LevelStyle {
    /// Put before a warning's title or first text.
    pub warning: &'static str,
    /// Put before an error's title or first text.
    pub error: &'static str,
    /// Opens a warning that starts with no title and no text.
    pub warning_note: &'static str,
    /// Opens an error that starts with no title and no text.
    pub error_note: &'static str,
}

/// Teams and Webex: emoji and bold markdown.
pub const EMOJI_LEVELS: LevelStyle = LevelStyle {
    warning: "⚠️ ",
    error: "❌ ",
    warning_note: "⚠️ **Warning**",
    error_note: "❌ **Error**",
};

/// How a message opens: its level's marker, its title (when not blank, as
/// written) and the note to put first when neither a title nor a first text
/// shows the level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening<'a> {
    /// The level's marker, empty for information.
    pub marker: &'static str,
    /// The title, unless absent or blank.
    pub title: Option<&'a str>,
    /// The note that flags the level on its own line, when nothing else would.
    pub note: Option<&'static str>,
}

impl<'a> Opening<'a> {
    /// The opening of `message` in a platform's `style`.
    pub fn of(message: &'a Message, style: &LevelStyle) -> Self {
        let (marker, note) = match message.level {
            Level::Info => ("", None),
            Level::Warning => (style.warning, Some(style.warning_note)),
            Level::Error => (style.error, Some(style.error_note)),
        };
        let title = message.title.as_deref().filter(|t| !t.trim().is_empty());
        let opens_with_text = matches!(message.blocks.first(), Some(Block::Text(t)) if !t.trim().is_empty());
        Opening {
            marker,
            title,
            note: note.filter(|_| title.is_none() && !opens_with_text),
        }
    }

    /// Block `index`'s text without trailing white space and with its
    /// [`prefix`](Self::prefix); `None` when it is blank.
    pub fn text(&self, index: usize, body: &str) -> Option<String> {
        let body = body.trim_end();
        (!body.is_empty()).then(|| format!("{}{body}", self.prefix(index)))
    }

    /// Whether the table at block `index` shows its own title above it: not
    /// when it opens the message under the same title, which would then be
    /// said twice in a row ("Devices" as the heading, and again as the
    /// table's).
    pub fn shows_table_title(&self, index: usize, table: &Table) -> bool {
        let title = table.title.trim();
        let repeats_heading = index == 0 && self.title.map(str::trim) == Some(title);
        !title.is_empty() && !repeats_heading
    }

    /// What goes before block `index`'s text: the marker for the first block
    /// of an untitled message, else nothing.
    pub fn prefix(&self, index: usize) -> &'static str {
        if index == 0 && self.title.is_none() {
            self.marker
        } else {
            ""
        }
    }
}

/// Code in a fenced block with the fences on their own lines. Code ending in
/// a backtick gets a zero-width space before the closing fence, which would
/// otherwise start one character early.
pub fn fence_lines(code: &str) -> String {
    let code = code.trim_end_matches('\n');
    let guard = if code.ends_with('`') { "\u{200B}" } else { "" };
    format!("```\n{code}{guard}\n```")
}

/// The longest head of `text` of at most `max` bytes that ends on a character boundary.
pub fn floor_boundary(text: &str, max: usize) -> usize {
    if max >= text.len() {
        return text.len();
    }
    (0..=max).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0)
}

/// Splits `text` into pieces of at most `limit` bytes that concatenate back to
/// it: at line ends where possible; a longer line is cut at its last space in
/// the second half of the piece, else at a character boundary.
pub fn split_lines(text: &str, limit: usize) -> Vec<&str> {
    assert!(limit >= 4, "a piece must hold any character");
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let mut line_start = end;
        let line_end = end + line.len();
        if line_end - start <= limit {
            end = line_end;
            continue;
        }
        if end > start {
            pieces.push(&text[start..end]);
            start = end;
        }
        // The line alone may still be too long: cut it.
        while line_end - line_start > limit {
            let head = &text[line_start..];
            let max = floor_boundary(head, limit);
            let cut = head[..max]
                .rfind(' ')
                .map(|space| space + 1)
                .filter(|cut| *cut >= max / 2)
                .unwrap_or(max);
            pieces.push(&text[line_start..line_start + cut]);
            line_start += cut;
            start = line_start;
        }
        end = line_end;
    }
    if end > start {
        pieces.push(&text[start..end]);
    }
    pieces
}

/// A platform's markdown: how text and code are escaped, and the bytes of
/// one piece of each.
#[derive(Clone, Copy, Debug)]
pub struct Markdown {
    /// Text with the model's light markup as the platform's markdown.
    pub text: fn(&str) -> String,
    /// Code as it goes between fences.
    pub code: fn(&str) -> String,
    /// Bytes of one piece of text.
    pub text_bytes: usize,
    /// Bytes of one piece of code, before its fences.
    pub code_bytes: usize,
}

/// One piece of a message's markdown, in order.
#[derive(Clone, Debug)]
pub struct Piece {
    /// The markdown: the heading, the level note, a piece of text or a
    /// piece of code in its fences.
    pub markdown: String,
    /// What goes before it when it follows another piece in the same message.
    pub glue: &'static str,
    /// Its text as written, for a file holding the rest.
    pub written: String,
}

impl Piece {
    /// A piece of `markdown` after `glue`.
    pub fn new(markdown: impl Into<String>, glue: &'static str, written: impl Into<String>) -> Self {
        Piece {
            markdown: markdown.into(),
            glue,
            written: written.into(),
        }
    }
}

/// What a message is made of, in order: [`Piece`]s of markdown, and the
/// tables and images each platform shows its own way.
pub enum Part<'a> {
    /// The heading, the level note, text or code.
    Markdown(Piece),
    /// A table, and whether it shows its own title ([`Opening::shows_table_title`]).
    Table(&'a Table, bool),
    /// An image.
    Image(&'a Image),
    /// A text file.
    File(&'a TextFile),
    /// A file of bytes.
    Data(&'a DataFile),
}

/// Hands `message` to `part` in order: its bold heading (the title with
/// the level's marker, on one line, cut at 300 characters) or level note,
/// its text and code blocks split at line ends into pieces of `markdown`'s
/// sizes (blank ones left out, code fenced), its tables and its images.
pub fn parts<'a>(
    message: &'a Message,
    style: &LevelStyle,
    markdown: &Markdown,
    mut part: impl FnMut(Part<'a>),
) {
    let opening = Opening::of(message, style);
    let piece = |markdown: String, glue, written: &str| Part::Markdown(Piece::new(markdown, glue, written));
    if let Some(title) = opening.title.map(str::trim) {
        let heading = truncate(&format!("{}{title}", opening.marker).replace('\n', " "), 300);
        part(piece(
            format!("**{}**", (markdown.text)(&heading)),
            "\n\n",
            &format!("{title}\n"),
        ));
    } else if let Some(note) = opening.note {
        part(piece(note.to_owned(), "\n\n", ""));
    }
    for (index, block) in message.blocks.iter().enumerate() {
        match block {
            Block::Text(body) => {
                let Some(body) = opening.text(index, body) else {
                    continue;
                };
                let rendered = (markdown.text)(&body);
                for (n, text) in split_lines(&rendered, markdown.text_bytes)
                    .into_iter()
                    .enumerate()
                {
                    part(piece(text.to_owned(), if n == 0 { "\n\n" } else { "" }, text));
                }
            }
            Block::Code(text) if !text.trim().is_empty() => {
                let code = (markdown.code)(text.trim_end_matches('\n'));
                for (n, code) in split_lines(&code, markdown.code_bytes).into_iter().enumerate() {
                    part(piece(fence_lines(code), if n == 0 { "\n\n" } else { "\n" }, code));
                }
            }
            Block::Code(_) => {}
            Block::Table(table) => part(Part::Table(table, opening.shows_table_title(index, table))),
            Block::Image(image) => part(Part::Image(image)),
            Block::File(file) => part(Part::File(file)),
            Block::Data(file) => part(Part::Data(file)),
        }
    }
}

/// A table too large to show, as a file named after `title`, with the
/// sentence saying so. `heading` is the title as the platform shows it
/// (`None`: "The table"), `shown_name` the file name as the platform shows it.
pub fn table_attachment(
    table: &Table,
    title: &str,
    heading: Option<String>,
    upload_title: String,
    shown_name: impl FnOnce(&str) -> String,
) -> (String, Upload) {
    let name = file_name(title, "table", "txt");
    let what = heading.unwrap_or_else(|| "The table".to_owned());
    let note = format!(
        "{what} ({} rows) is too large to show here; it is attached as `{}`.",
        table.rows.len(),
        shown_name(&name)
    );
    let upload = Upload {
        media_type: media_type_of(&name).to_owned(),
        file_name: name,
        title: upload_title,
        bytes: table_text(table).into_bytes(),
    };
    (note, upload)
}

/// An image as a file to upload, titled with its alt text (as the platform
/// shows it) or, when that is blank, its file name.
pub fn image_attachment(image: &Image, shown_alt: impl FnOnce(&str) -> String) -> Upload {
    Upload {
        file_name: image.file_name.clone(),
        title: if image.alt_text.trim().is_empty() {
            image.file_name.clone()
        } else {
            shown_alt(&image.alt_text)
        },
        bytes: image.bytes.clone(),
        media_type: media_type_of(&image.file_name).to_owned(),
    }
}

/// `[label](url)` at the start of `text`: the label, the URL and the bytes
/// consumed. Only a label that is not blank and an `http`, `https` or
/// `mailto` URL make a link (others could ping people or run code); the URL
/// ends at `)`, and white space or one of `stops` before it means no link.
///
/// Each scan stops at the first character that cannot belong to a link, so a
/// long line full of brackets costs linear time, not quadratic.
pub fn markup_link<'a>(text: &'a str, stops: &str) -> Option<(&'a str, &'a str, usize)> {
    let close = 1 + text.get(1..)?.find(['[', ']', '\n'])?;
    let tail = text[close..].strip_prefix("](")?;
    let end = tail.find(|c: char| c == ')' || c.is_whitespace() || stops.contains(c))?;
    if !tail[end..].starts_with(')') {
        return None;
    }
    let (label, url) = (&text[1..close], &tail[..end]);
    let allowed = ["http://", "https://", "mailto:"].iter().any(|scheme| {
        url.len() > scheme.len()
            && url.is_char_boundary(scheme.len())
            && url[..scheme.len()].eq_ignore_ascii_case(scheme)
    });
    (allowed && !label.trim().is_empty()).then_some((label, url, close + 2 + end + 1))
}

/// `text` with the HTML entities Webex and Teams write in a message's
/// plain text decoded (`&amp;` last, so `&amp;lt;` stays `&lt;`).
pub fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A text file as a file to upload, titled with its title (as the
/// platform shows it) or, when that is blank, its file name.
pub fn file_attachment(file: &TextFile, shown_title: impl FnOnce(&str) -> String) -> Upload {
    Upload {
        file_name: file.file_name.clone(),
        title: if file.title.trim().is_empty() {
            file.file_name.clone()
        } else {
            shown_title(&file.title)
        },
        bytes: file.text.clone().into_bytes(),
        media_type: media_type_of(&file.file_name).to_owned(),
    }
}

/// A file of bytes as a file to upload, titled with its title (as the
/// platform shows it) or, when that is blank, its file name.
pub fn data_attachment(file: &DataFile, shown_title: impl FnOnce(&str) -> String) -> Upload {
    Upload {
        file_name: file.file_name.clone(),
        title: if file.title.trim().is_empty() {
            file.file_name.clone()
        } else {
            shown_title(&file.title)
        },
        bytes: file.bytes.clone(),
        media_type: file.media_type.clone(),
    }
}

/// The file holding what did not fit, as written.
pub fn rest_attachment(rest: String) -> Upload {
    Upload {
        file_name: REST_FILE_NAME.to_owned(),
        title: "The rest of the answer".to_owned(),
        bytes: rest.into_bytes(),
        media_type: media_type_of(REST_FILE_NAME).to_owned(),
    }
}

/// `text`, or `fallback` when it is blank: the platforms refuse empty
/// titles, questions and labels.
pub fn unless_blank<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    if text.trim().is_empty() { fallback } else { text }
}

/// Checks that `continuation` fits in `limit` characters.
pub fn check_state(continuation: &str, limit: usize) -> Result<(), PromptError> {
    let chars = continuation.chars().count();
    if chars > limit {
        return Err(PromptError::StateTooLong { chars, limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_table_opening_a_message_under_its_own_title_does_not_repeat_it() {
        let table = |title: &str| Table {
            title: title.into(),
            ..Default::default()
        };
        let message = Message::text(Level::Info, "").titled("Devices");
        let opening = Opening::of(&message, &EMOJI_LEVELS);
        assert!(!opening.shows_table_title(0, &table(" Devices ")));
        assert!(
            opening.shows_table_title(1, &table("Devices")),
            "not when something comes between"
        );
        assert!(opening.shows_table_title(0, &table("Interfaces")));
        assert!(
            !opening.shows_table_title(0, &table("  ")),
            "a blank title is never shown"
        );
        let untitled = Message::default();
        assert!(Opening::of(&untitled, &EMOJI_LEVELS).shows_table_title(0, &table("Devices")));
    }

    #[test]
    fn split_lines_cuts_at_line_ends_within_the_limit() {
        let text = "aaaa\nbbbb\ncccc\n";
        assert_eq!(split_lines(text, 10), ["aaaa\nbbbb\n", "cccc\n"]);
        assert_eq!(split_lines(text, 15), [text]);
        // A long line is cut at a space in its second half, else anywhere.
        assert_eq!(split_lines("aaa bbbbbb", 8), ["aaa ", "bbbbbb"]);
        assert_eq!(split_lines("a bbbbbbbbbb", 8), ["a bbbbbb", "bbbb"]);
        assert_eq!(split_lines("", 8), Vec::<&str>::new());
    }

    #[test]
    fn multi_byte_characters_are_never_cut() {
        // "é" is 2 bytes, "€" 3, "😀" 4: no boundary falls on a multiple of the limit.
        let line = "é€😀".repeat(100);
        for limit in [4, 5, 7, 9, 10, 100] {
            let pieces = split_lines(&line, limit);
            assert_eq!(pieces.concat(), line);
            for piece in &pieces {
                assert!(piece.len() <= limit && !piece.is_empty(), "{limit}: {piece:?}");
            }
            // Every piece is as long as it can be (4 bytes of room at most are lost).
            for piece in &pieces[..pieces.len() - 1] {
                assert!(piece.len() + 4 > limit, "{limit}: {piece:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn split_lines_round_trips(text in any::<String>(), limit in 4usize..64) {
            let pieces = split_lines(&text, limit);
            prop_assert_eq!(pieces.concat(), text.clone());
            for piece in pieces {
                prop_assert!(!piece.is_empty() && piece.len() <= limit);
            }
        }
    }

    /// Teams' and Webex's bodies of `message` (activities, `POST
    /// /v1/messages` bodies), each holding exactly its markdown.
    fn teams_and_webex(message: &Message) -> [Vec<String>; 2] {
        use crate::platforms::{teams, webex};
        let teams = teams::cards::message(message).into_iter().map(|activity| {
            let text = activity["text"].as_str().unwrap().to_owned();
            let markdown = serde_json::json!({"type": "message", "textFormat": "markdown", "text": text});
            assert_eq!(activity, markdown);
            text
        });
        let webex = webex::cards::message(message);
        assert!(webex.attachments.is_empty());
        let webex = webex.bodies.into_iter().map(|body| {
            let markdown = body["markdown"].as_str().unwrap().to_owned();
            assert_eq!(body, serde_json::json!({ "markdown": markdown }));
            markdown
        });
        [teams.collect(), webex.collect()]
    }

    #[test]
    fn teams_and_webex_open_fence_and_flag_messages_alike() {
        let code = |level, code: &str| Message {
            level,
            blocks: vec![Block::Code(code.into())],
            ..Default::default()
        };
        let cases = [
            (
                Message::text(Level::Info, "**bold** and `code` [docs](https://x.io)").titled("Devices"),
                "**Devices**\n\n**bold** and `code` [docs](https://x.io)",
            ),
            (
                Message::text(Level::Warning, "partial answer"),
                "⚠️ partial answer",
            ),
            (
                Message::text(Level::Warning, "partial").titled("Devices"),
                "**⚠️ Devices**\n\npartial",
            ),
            (
                Message::text(Level::Error, "refused").titled("Denied"),
                "**❌ Denied**\n\nrefused",
            ),
            (Message::text(Level::Error, "failed"), "❌ failed"),
            (code(Level::Error, "trace"), "❌ **Error**\n\n```\ntrace\n```"),
            // Fences inside code are broken, with or without a last line end.
            (
                code(Level::Info, "a\n```\nb`\n"),
                "```\na\n`\u{200B}``\nb`\u{200B}\n```",
            ),
            (
                code(Level::Info, "a\n```\nb`"),
                "```\na\n`\u{200B}``\nb`\u{200B}\n```",
            ),
            (Message::default(), "_(no output)_"),
        ];
        for (message, markdown) in cases {
            for bodies in teams_and_webex(&message) {
                assert_eq!(bodies, [markdown], "{message:?}");
            }
        }
    }

    #[test]
    fn a_continuation_is_counted_in_characters() {
        assert_eq!(check_state("éé", 2), Ok(()));
        assert_eq!(
            check_state("ééé", 2),
            Err(PromptError::StateTooLong { chars: 3, limit: 2 })
        );
    }

    #[test]
    fn the_level_note_stands_first_only_when_nothing_else_flags_the_level() {
        let titled = Message::text(Level::Error, "x").titled("T");
        let opening = Opening::of(&titled, &EMOJI_LEVELS);
        assert_eq!(
            (opening.title, opening.note, opening.prefix(0)),
            (Some("T"), None, "")
        );
        let text_first = Message::text(Level::Warning, "x");
        let opening = Opening::of(&text_first, &EMOJI_LEVELS);
        assert_eq!(
            (opening.note, opening.prefix(0), opening.prefix(1)),
            (None, "⚠️ ", "")
        );
        let code_first = Message {
            level: Level::Error,
            title: Some(" ".into()),
            blocks: vec![Block::Code("trace".into())],
            ..Default::default()
        };
        assert_eq!(Opening::of(&code_first, &EMOJI_LEVELS).note, Some("❌ **Error**"));
        assert_eq!(Opening::of(&Message::default(), &EMOJI_LEVELS).note, None);
    }

    #[test]
    fn a_link_needs_a_safe_scheme_a_label_and_no_stop_before_its_end() {
        assert_eq!(
            markup_link("[a](HTTPS://e.x) b", ""),
            Some(("a", "HTTPS://e.x", 16))
        );
        assert_eq!(
            markup_link("[a](mailto:x@e.x)", ""),
            Some(("a", "mailto:x@e.x", 17))
        );
        assert_eq!(markup_link("[a](javascript:x)", ""), None);
        assert_eq!(markup_link("[ ](https://e.x)", ""), None);
        assert_eq!(markup_link("[a](https://e.x/<b>)", "<"), None);
        assert_eq!(
            markup_link("[a](https://e.x/<b>)", ""),
            Some(("a", "https://e.x/<b>", 20))
        );
    }

    #[test]
    fn a_blank_text_block_is_skipped_and_the_first_carries_the_marker() {
        let message = Message::text(Level::Error, "x");
        let opening = Opening::of(&message, &EMOJI_LEVELS);
        assert_eq!(opening.text(0, "failed \n"), Some("❌ failed".to_owned()));
        assert_eq!(opening.text(1, "more"), Some("more".to_owned()));
        assert_eq!(opening.text(0, " \n"), None);
    }

    #[test]
    fn a_large_table_is_named_after_its_title() {
        let table = Table {
            title: "Devices at ams01".into(),
            columns: vec!["Name".into()],
            rows: vec![vec!["a".into()]; 3],
        };
        let (note, upload) =
            table_attachment(&table, "Devices at ams01", None, "T".into(), |n| format!("<{n}>"));
        assert_eq!(
            note,
            "The table (3 rows) is too large to show here; it is attached as `<Devices_at_ams01.txt>`."
        );
        assert_eq!(
            (upload.file_name.as_str(), upload.title.as_str()),
            ("Devices_at_ams01.txt", "T")
        );
        assert_eq!(upload.bytes, table_text(&table).into_bytes());
    }
}
