//! What the four renderers share around their own markup: how a message's
//! level is flagged at its opening, the file a table too large to show goes
//! into, the file holding the rest of a cut answer, fenced code on its own
//! lines, and the check that a prompt's continuation fits where it is carried.
//!
//! Each platform keeps its own escaping and limits; these pieces only fix
//! the shape, so that a change of wording or rule is made once.

use crate::model::{Block, Image, Level, Message, Table};
use crate::platforms::files::{Upload, file_name, table_text};

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

/// The file holding what did not fit, as written.
pub fn rest_attachment(rest: String) -> Upload {
    Upload {
        file_name: REST_FILE_NAME.to_owned(),
        title: "The rest of the answer".to_owned(),
        bytes: rest.into_bytes(),
    }
}

/// A prompt error that can say the continuation is longer than a platform carries.
pub trait StateTooLong {
    /// The error for a continuation of `chars` characters where `limit` fit.
    fn state_too_long(chars: usize, limit: usize) -> Self;
}

/// Checks that `continuation` fits in `limit` characters.
pub fn check_state<E: StateTooLong>(continuation: &str, limit: usize) -> Result<(), E> {
    let chars = continuation.chars().count();
    if chars > limit {
        return Err(E::state_too_long(chars, limit));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct TooLong(usize, usize);

    impl StateTooLong for TooLong {
        fn state_too_long(chars: usize, limit: usize) -> Self {
            TooLong(chars, limit)
        }
    }

    #[test]
    fn a_continuation_is_counted_in_characters() {
        assert_eq!(check_state::<TooLong>("éé", 2), Ok(()));
        assert_eq!(check_state::<TooLong>("ééé", 2), Err(TooLong(3, 2)));
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
