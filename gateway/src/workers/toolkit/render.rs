//! The pieces every integration's renderers are made of: a private error,
//! a plain answer, a titled table (which a platform attaches as a file when
//! it does not fit), a code block, an image, and how a missing value reads.

use serde_json::Value;

use crate::model::{Block, Image, Level, Message, Reply, Table, TextFile};

/// Text of at least this many characters is sent as a file by
/// [`text_or_file`], as the original app sends long output as a snippet.
pub const LONG_TEXT: usize = 1000;

/// What a table shows for a missing value.
pub const NONE: &str = "—";

/// `value`, or "—" when empty or absent.
pub fn or_none(value: Option<&str>) -> String {
    match value {
        Some(text) if !text.is_empty() => text.to_owned(),
        _ => NONE.to_owned(),
    }
}

/// A time in milliseconds since the epoch (as IP Fabric stamps them) as
/// `2026-12-03 08:45 UTC`: the same for every reader, whatever their zone.
pub fn utc_minute(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60
    )
}

/// How a table shows one of a backend's JSON values: text as it is,
/// numbers and flags written out, a missing or empty value as `—`.
pub fn value_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => NONE.to_owned(),
        Some(Value::String(text)) if text.is_empty() => NONE.to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(flag)) => yes_no(*flag),
        Some(other) => other.to_string(),
    }
}

/// `yes` or `no`.
pub fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

/// A private error message: something the person asking can fix.
pub fn error(text: impl Into<String>) -> Reply {
    Reply::Message(Message::text(Level::Error, text).privately())
}

/// A plain answer everyone in the conversation may see.
pub fn info(text: impl Into<String>) -> Reply {
    Reply::Message(Message::text(Level::Info, text))
}

/// A titled message of `blocks`.
pub fn titled(title: impl Into<String>, blocks: Vec<Block>) -> Reply {
    Reply::Message(Message {
        title: Some(title.into()),
        blocks,
        ..Default::default()
    })
}

/// A message of one table, titled, with an optional note under it.
pub fn table_message(title: String, columns: &[&str], rows: Vec<Vec<String>>, note: Option<String>) -> Reply {
    let mut blocks = vec![Block::Table(Table {
        title: title.clone(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
    })];
    blocks.extend(note.map(Block::Text));
    titled(title, blocks)
}

/// `key: value` lines in a code block, as a YAML-like list of facts.
pub fn fact_lines(lines: &[(&str, String)]) -> Block {
    let code = lines
        .iter()
        .map(|(key, value)| format!("{key}: {value}"))
        .collect::<Vec<_>>()
        .join("\n");
    Block::Code(code)
}

/// Preformatted `text` (a device's output, a diff) as a code block, or as
/// the text file `file_name` titled `title` when it is [`LONG_TEXT`]
/// characters or more: uploaded by the platforms that take files.
pub fn text_or_file(text: &str, file_name: &str, title: &str) -> Block {
    if text.chars().count() < LONG_TEXT {
        Block::Code(text.to_owned())
    } else {
        Block::File(TextFile {
            file_name: file_name.to_owned(),
            title: title.to_owned(),
            text: text.to_owned(),
        })
    }
}

/// A PNG picture (a Grafana panel, a topology), uploaded by the dispatcher
/// as `file_name`; `alt_text` for those who cannot see it.
pub fn image(file_name: impl Into<String>, alt_text: impl Into<String>, png: Vec<u8>) -> Block {
    Block::Image(Image {
        file_name: file_name.into(),
        alt_text: alt_text.into(),
        bytes: png,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_message_is_titled_like_its_table_with_the_note_after() {
        let reply = table_message(
            "Jobs".to_owned(),
            &["Name"],
            vec![vec!["backup".to_owned()]],
            Some("1 more".to_owned()),
        );
        let Reply::Message(message) = reply else {
            panic!("a message");
        };
        assert_eq!(message.title.as_deref(), Some("Jobs"));
        assert_eq!(
            message.blocks,
            [
                Block::Table(Table {
                    title: "Jobs".to_owned(),
                    columns: vec!["Name".to_owned()],
                    rows: vec![vec!["backup".to_owned()]],
                }),
                Block::Text("1 more".to_owned()),
            ]
        );
    }

    #[test]
    fn facts_are_key_value_lines_and_missing_values_a_dash() {
        assert_eq!(
            fact_lines(&[("name", or_none(Some("leaf"))), ("serial", or_none(Some("")))]),
            Block::Code("name: leaf\nserial: —".to_owned())
        );
        assert_eq!((yes_no(true), yes_no(false)), ("yes".to_owned(), "no".to_owned()));
    }

    #[test]
    fn times_read_as_utc_minutes() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(1_796_265_900_000), "2026-12-03 02:45 UTC");
        assert_eq!(utc_minute(951_782_400_000), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn an_info_answer_is_public_and_an_error_private() {
        let (Reply::Message(info), Reply::Message(error)) = (info("done"), error("no")) else {
            panic!("messages");
        };
        assert!(!info.private && info.level == Level::Info);
        assert!(error.private && error.level == Level::Error);
    }

    #[test]
    fn long_text_is_a_file_and_short_text_code() {
        let short = "x".repeat(LONG_TEXT - 1);
        assert_eq!(text_or_file(&short, "a.txt", "A"), Block::Code(short.clone()));
        let long = "é".repeat(LONG_TEXT);
        assert_eq!(
            text_or_file(&long, "a.txt", "A"),
            Block::File(TextFile {
                file_name: "a.txt".to_owned(),
                title: "A".to_owned(),
                text: long,
            })
        );
    }
}
