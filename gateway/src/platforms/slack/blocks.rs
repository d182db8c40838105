//! Rendering the neutral model as Slack Block Kit, within Slack's limits.
//!
//! Pure: messages in, JSON out. What does not fit a message (a large table,
//! an answer past 50 blocks, an image) becomes a file to upload.

use serde_json::{Value, json};

use super::client::Upload;
use crate::commands::{CANCEL_VALUE, MORE_PREFIX};
use crate::model::{Block, Field, FieldKind, Form, Level, Menu, Message, Table};

/// Blocks in one message.
pub const MAX_BLOCKS: usize = 50;
/// Characters in one section's text.
pub const MAX_SECTION_CHARS: usize = 3000;
/// Options in one menu.
pub const MAX_OPTIONS: usize = 100;
/// Characters in an `action_id`, where a menu carries its signed continuation.
pub const MAX_ACTION_ID: usize = 255;
/// Characters in an option's value.
pub const MAX_OPTION_VALUE: usize = 150;
/// Characters in a modal's `private_metadata`.
pub const MAX_PRIVATE_METADATA: usize = 3000;

/// A message ready for `chat.postMessage` or a response URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The Block Kit blocks.
    pub blocks: Vec<Value>,
    /// The notification text (required alongside blocks).
    pub text: String,
    /// Files to upload after the message.
    pub uploads: Vec<Upload>,
}

/// A prompt whose state does not fit where Slack lets the gateway keep it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("this prompt's state is too long for Slack ({0}); please type the arguments instead")]
pub struct PromptTooLong(pub &'static str);

/// The light markup of the model in Slack's mrkdwn: `**b**` -> `*b*`,
/// `[label](url)` -> `<url|label>`, and `&`, `<`, `>` escaped.
pub fn mrkdwn(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('[') {
        let link = rest[start..].split_once("](").and_then(|(label, tail)| {
            let (url, after) = tail.split_once(')')?;
            let plain_url = !url.is_empty() && !url.contains(char::is_whitespace);
            plain_url.then(|| (&label[1..], url, after))
        });
        match link {
            Some((label, url, after)) if !label.contains('[') => {
                out.push_str(&escape(&rest[..start]));
                out.push_str(&format!("<{}|{}>", escape(url), escape(label)));
                rest = after;
            }
            _ => {
                out.push_str(&escape(&rest[..=start]));
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(&escape(rest));
    out.replace("**", "*")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Splits `text` into pieces of at most `limit` characters, at line ends where possible.
fn split(text: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        let mut line = line;
        while line.chars().count() > limit {
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            let cut = line.char_indices().nth(limit).map_or(line.len(), |(i, _)| i);
            pieces.push(line[..cut].to_owned());
            line = &line[cut..];
        }
        if current.chars().count() + line.chars().count() > limit {
            pieces.push(std::mem::take(&mut current));
        }
        current.push_str(line);
    }
    if !current.is_empty() || pieces.is_empty() {
        pieces.push(current);
    }
    pieces
}

fn section(text: String) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

/// A table as aligned monospace text.
pub fn table_text(table: &Table) -> String {
    let columns = table.columns.len();
    let mut widths: Vec<usize> = table.columns.iter().map(|c| c.chars().count()).collect();
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = (0..columns)
            .map(|i| format!("{:<w$}", cells.get(i).map_or("", String::as_str), w = widths[i]))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut lines = vec![line(&table.columns)];
    lines.push(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    lines.extend(table.rows.iter().map(|row| line(row)));
    lines.join("\n")
}

fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "output".to_owned()
    } else {
        stem
    }
}

/// Renders a message; what does not fit goes into `uploads`.
pub fn message(message: &Message) -> Rendered {
    let mut blocks = Vec::new();
    let mut uploads = Vec::new();
    let marker = match message.level {
        Level::Info => "",
        Level::Warning => ":warning: ",
        Level::Error => ":x: ",
    };
    let mut text = String::new();
    if let Some(title) = &message.title {
        let title: String = format!("{marker}{title}").chars().take(150).collect();
        blocks.push(json!({"type": "header", "text": {"type": "plain_text", "text": title, "emoji": true}}));
        text = title;
    }
    let mut marked = message.title.is_some();
    for block in &message.blocks {
        let prefix = if marked { "" } else { marker };
        marked = true;
        match block {
            Block::Text(body) => {
                let body = format!("{prefix}{}", mrkdwn(body));
                if text.is_empty() {
                    text = body.chars().take(300).collect();
                }
                blocks.extend(split(&body, MAX_SECTION_CHARS).into_iter().map(section));
            }
            Block::Code(code) => {
                let code = escape(code);
                blocks.extend(
                    split(&code, MAX_SECTION_CHARS - 8)
                        .into_iter()
                        .map(|c| section(format!("```{c}```"))),
                );
            }
            Block::Table(table) => {
                let rendered = table_text(table);
                if rendered.chars().count() + 6 <= MAX_SECTION_CHARS {
                    if !table.title.is_empty() {
                        blocks.push(section(format!("*{}*", escape(&table.title))));
                    }
                    blocks.push(section(format!("```{}```", escape(&rendered))));
                } else {
                    let name = format!("{}.txt", file_stem(&table.title));
                    blocks.push(section(format!(
                        "{} ({} rows) is too large to show here; it is attached as `{name}`.",
                        escape(&table.title),
                        table.rows.len()
                    )));
                    uploads.push(Upload {
                        file_name: name,
                        title: table.title.clone(),
                        bytes: rendered.into_bytes(),
                    });
                }
            }
            Block::Image(image) => uploads.push(Upload {
                file_name: image.file_name.clone(),
                title: image.alt_text.clone(),
                bytes: image.bytes.clone(),
            }),
        }
    }
    if blocks.len() > MAX_BLOCKS {
        let rest: Vec<Value> = blocks.split_off(MAX_BLOCKS - 1);
        let full: Vec<String> = rest
            .iter()
            .filter_map(|b| b.pointer("/text/text").and_then(Value::as_str).map(str::to_owned))
            .collect();
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn",
            "text": "The answer was longer than one message; the rest is attached as `rest.txt`."}]}));
        uploads.push(Upload {
            file_name: "rest.txt".to_owned(),
            title: "The rest of the answer".to_owned(),
            bytes: full.join("\n").into_bytes(),
        });
    }
    if text.is_empty() {
        text = if uploads.is_empty() {
            "(empty answer)".to_owned()
        } else {
            "Attached.".to_owned()
        };
    }
    Rendered {
        blocks,
        text,
        uploads,
    }
}

fn plain(text: &str, max: usize) -> Value {
    let text: String = text.chars().take(max).collect();
    json!({"type": "plain_text", "text": if text.is_empty() { " ".to_owned() } else { text }})
}

fn option(label: &str, value: &str) -> Result<Value, PromptTooLong> {
    if value.chars().count() > MAX_OPTION_VALUE {
        return Err(PromptTooLong("a choice's value is over 150 characters"));
    }
    Ok(json!({"text": plain(label, 75), "value": value}))
}

/// A menu as blocks: the question, a `static_select` carrying the continuation
/// in its `action_id`, a "next page" option when there are more, and Cancel.
pub fn menu(menu: &Menu) -> Result<Vec<Value>, PromptTooLong> {
    if menu.continuation.chars().count() > MAX_ACTION_ID {
        return Err(PromptTooLong("the continuation is over 255 characters"));
    }
    let room = if menu.next_offset.is_some() {
        MAX_OPTIONS - 1
    } else {
        MAX_OPTIONS
    };
    let mut options = menu
        .choices
        .iter()
        .take(room)
        .map(|choice| option(&choice.label, &choice.value))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(offset) = menu.next_offset {
        options.push(option("Next page…", &format!("{MORE_PREFIX}{offset}"))?);
    }
    if options.is_empty() {
        return Ok(vec![section(format!(
            "{} (nothing to choose from)",
            mrkdwn(&menu.text)
        ))]);
    }
    Ok(vec![
        json!({"type": "section", "block_id": "prompt", "text": {"type": "mrkdwn", "text": mrkdwn(&menu.text)},
            "accessory": {"type": "static_select", "action_id": menu.continuation,
                "placeholder": plain("Choose…", 150), "options": options}}),
        json!({"type": "actions", "block_id": "prompt-cancel", "elements": [{"type": "button",
            "action_id": menu.continuation, "text": plain("Cancel", 75), "value": CANCEL_VALUE}]}),
    ])
}

/// A form as a modal view; the continuation rides in `private_metadata`.
pub fn form(form: &Form) -> Result<Value, PromptTooLong> {
    if form.continuation.chars().count() > MAX_PRIVATE_METADATA {
        return Err(PromptTooLong("the continuation is over 3000 characters"));
    }
    let inputs = form
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| input(index, field))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "type": "modal",
        "callback_id": "chatops-form",
        "title": plain(&form.title, 24),
        "submit": plain("Run", 24),
        "close": plain("Cancel", 24),
        "private_metadata": form.continuation,
        "blocks": inputs,
    }))
}

fn input(index: usize, field: &Field) -> Result<Value, PromptTooLong> {
    let mut element = match &field.kind {
        FieldKind::Text => json!({"type": "plain_text_input", "action_id": "value"}),
        FieldKind::Select(choices) => {
            let options = choices
                .iter()
                .take(MAX_OPTIONS)
                .map(|c| option(&c.label, &c.value))
                .collect::<Result<Vec<_>, _>>()?;
            json!({"type": "static_select", "action_id": "value", "options": options})
        }
    };
    if let Some(default) = &field.default {
        match &field.kind {
            FieldKind::Text => element["initial_value"] = Value::from(default.as_str()),
            FieldKind::Select(choices) => {
                if let Some(choice) = choices.iter().find(|c| &c.value == default) {
                    element["initial_option"] = option(&choice.label, &choice.value)?;
                }
            }
        }
    }
    Ok(
        json!({"type": "input", "block_id": format!("field-{index}"), "optional": field.optional,
        "label": plain(&field.label, 2000), "element": element}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Choice;

    #[test]
    fn markup_becomes_mrkdwn_with_escapes() {
        assert_eq!(
            mrkdwn("**bold** & [docs](https://x.io/a?b=1) <tag>"),
            "*bold* &amp; <https://x.io/a?b=1|docs> &lt;tag&gt;"
        );
        assert_eq!(mrkdwn("[not a link] (x)"), "[not a link] (x)");
    }

    #[test]
    fn long_text_is_split_and_an_overlong_message_attaches_the_rest() {
        let long = "line\n".repeat(2000);
        let rendered = message(&Message::text(Level::Info, long));
        assert!(rendered.blocks.len() > 1);
        for block in &rendered.blocks {
            assert!(block["text"]["text"].as_str().unwrap().chars().count() <= MAX_SECTION_CHARS);
        }
        let huge = Message {
            blocks: (0..80).map(|i| Block::Text(format!("part {i}"))).collect(),
            ..Default::default()
        };
        let rendered = message(&huge);
        assert_eq!(rendered.blocks.len(), MAX_BLOCKS);
        assert_eq!(rendered.uploads[0].file_name, "rest.txt");
        assert!(String::from_utf8_lossy(&rendered.uploads[0].bytes).contains("part 79"));
    }

    #[test]
    fn a_small_table_is_inline_and_a_large_one_is_attached() {
        let small = Table {
            title: "Devices".into(),
            columns: vec!["Name".into(), "Status".into()],
            rows: vec![vec!["ams01-sw1".into(), "active".into()]],
        };
        let rendered = message(&Message {
            blocks: vec![Block::Table(small.clone())],
            ..Default::default()
        });
        assert!(rendered.uploads.is_empty());
        assert!(
            rendered.blocks[1]["text"]["text"]
                .as_str()
                .unwrap()
                .contains("ams01-sw1  active")
        );
        let large = Table {
            rows: vec![vec!["x".repeat(40), "active".into()]; 200],
            ..small
        };
        let rendered = message(&Message {
            blocks: vec![Block::Table(large)],
            ..Default::default()
        });
        assert_eq!(rendered.uploads[0].file_name, "Devices.txt");
    }

    #[test]
    fn menus_page_beyond_one_hundred_options_and_refuse_overlong_state() {
        let choices: Vec<Choice> = (0..99).map(|i| Choice::same(format!("site{i}"))).collect();
        let paged = Menu {
            text: "Which site?".into(),
            choices,
            next_offset: Some(99),
            continuation: "tok".into(),
        };
        let blocks = menu(&paged).unwrap();
        let options = blocks[0]["accessory"]["options"].as_array().unwrap();
        assert_eq!(options.len(), MAX_OPTIONS);
        assert_eq!(options[99]["value"], format!("{MORE_PREFIX}99"));
        assert_eq!(blocks[1]["elements"][0]["value"], CANCEL_VALUE);
        let too_long = Menu {
            continuation: "x".repeat(256),
            ..paged
        };
        assert!(menu(&too_long).is_err());
    }

    #[test]
    fn forms_number_their_fields_in_argument_order() {
        let view = form(&Form {
            title: "Run a job with a long title".into(),
            fields: vec![
                Field {
                    label: "Device".into(),
                    kind: FieldKind::Text,
                    default: Some("ams01".into()),
                    optional: false,
                },
                Field {
                    label: "Status".into(),
                    kind: FieldKind::Select(vec![Choice::same("active")]),
                    default: Some("active".into()),
                    optional: true,
                },
            ],
            continuation: "tok".into(),
        })
        .unwrap();
        assert_eq!(view["title"]["text"].as_str().unwrap().chars().count(), 24);
        assert_eq!(view["blocks"][0]["block_id"], "field-0");
        assert_eq!(view["blocks"][1]["element"]["initial_option"]["value"], "active");
        assert_eq!(view["private_metadata"], "tok");
    }
}
