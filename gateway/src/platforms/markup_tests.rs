//! The model's light markup (`**bold**`, `` `code` ``, `[label](url)`) as
//! each platform writes it, one table for all: Slack's mrkdwn escapes `&`,
//! `<` and `>` only; Mattermost's Markdown escapes whatever could start
//! markup. Links other than http, https and mailto stay text on both.
//!
//! Also what both render alike (files), and the messages and prompts both
//! platforms' renderers are tested with.

use super::files::table_text;
use super::mattermost::render::{self, markdown};
use super::slack::blocks::{self, mrkdwn};
use crate::model::{
    Block, Choice, DataFile, Field, FieldKind, Form, Image, Level, Menu, Message, Table, TextFile,
};

#[test]
fn markup_is_converted_and_the_rest_escaped() {
    // (model markup, Slack mrkdwn, Mattermost Markdown)
    let cases = [
        (
            "**bold** & [docs](https://x.io/a?b=1&c=2) <tag> a_b",
            "*bold* &amp; <https://x.io/a?b=1&amp;c=2|docs> &lt;tag&gt; a_b",
            "**bold** \\& [docs](https://x.io/a?b=1&c=2) \\<tag\\> a\\_b",
        ),
        (
            "`a**b** <c>` **x**",
            "`a**b** &lt;c&gt;` *x*",
            "`a**b** <c>` **x**",
        ),
        (
            "[not a link] (x) ** alone",
            "[not a link] (x) ** alone",
            "\\[not a link\\] (x) \\*\\* alone",
        ),
        ("a * b ****", "a * b ****", "a \\* b \\*\\*\\*\\*"),
        (
            "**[x](http://e.com)**",
            "*<http://e.com|x>*",
            "**[x](http://e.com)**",
        ),
        (
            "[a|b](https://e.com/x|y)",
            "<https://e.com/x%7Cy|a|b>",
            "[a\\|b](https://e.com/x|y)",
        ),
        (
            "# head\n- item\n| a |",
            "# head\n- item\n| a |",
            "\\# head\n\\- item\n\\| a \\|",
        ),
        ("a\\b ~~s~~", "a\\b ~~s~~", "a\\\\b \\~\\~s\\~\\~"),
        (
            "<!channel> <@U1>",
            "&lt;!channel&gt; &lt;@U1&gt;",
            "\\<!channel\\> \\<@\u{200B}U1\\>",
        ),
    ];
    for (model, slack, mattermost) in cases {
        assert_eq!(mrkdwn(model), slack, "Slack: {model}");
        assert_eq!(markdown(model), mattermost, "Mattermost: {model}");
    }
}

#[test]
fn links_that_would_ping_or_run_are_left_as_text() {
    for text in [
        "[x](!channel)",
        "[x](@U123)",
        "[x](#C1)",
        "[x](javascript:alert(1))",
        "[x](data:text/html,hi)",
        "[x](/relative)",
        "[ ](https://e.com)",
    ] {
        let slack = mrkdwn(text);
        assert!(!slack.contains('<'), "Slack: {text} -> {slack}");
        let mattermost = markdown(text);
        assert!(
            mattermost.starts_with("\\["),
            "Mattermost: {text} -> {mattermost}"
        );
    }
}

#[test]
fn a_large_table_is_attached_and_the_message_says_so() {
    let row = "x".repeat(40);
    let large = devices("Devices at ams01", &[&[row.as_str(), "active"][..]; 200]);
    let message = message_of(Level::Info, vec![Block::Table(large.clone())]);
    let slack = blocks::message(&message);
    let mattermost = render::message(&message);
    let slack_note = slack.blocks[0]["text"]["text"].as_str().unwrap();
    for (files, note) in [
        (&slack.attachments, slack_note),
        (&mattermost.files, mattermost.message.as_str()),
    ] {
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].file_name, "Devices_at_ams01.txt");
        assert_eq!(files[0].title, "Devices at ams01");
        assert_eq!(files[0].bytes, table_text(&large).into_bytes());
        assert!(
            note.contains("200 rows") && note.contains("`Devices_at_ams01.txt`"),
            "{note}"
        );
    }
}

#[test]
fn images_are_always_uploaded() {
    let slack = blocks::message(&image_message());
    assert!(slack.blocks.is_empty());
    assert_eq!(slack.text, "Attached: panel.png");
    let mattermost = render::message(&image_message());
    assert_eq!(mattermost.message, "");
    for file in [&slack.attachments[0], &mattermost.files[0]] {
        assert_eq!(
            (file.file_name.as_str(), file.title.as_str()),
            ("panel.png", "Interface errors")
        );
    }
}

#[test]
fn files_of_bytes_are_uploaded_as_they_are() {
    let pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 0x00, 0xff];
    let message = message_of(
        Level::Info,
        vec![
            Block::Text("2 packets".into()),
            Block::Data(DataFile {
                file_name: "fw-ams-01-receive.pcap".into(),
                title: "Packet capture on fw-ams-01".into(),
                media_type: "application/vnd.tcpdump.pcap".into(),
                bytes: pcap.clone(),
            }),
        ],
    );
    let slack = blocks::message(&message);
    let mattermost = render::message(&message);
    assert!(mattermost.message.contains("2 packets"), "{}", mattermost.message);
    for file in [&slack.attachments[0], &mattermost.files[0]] {
        assert_eq!(
            (
                file.file_name.as_str(),
                file.title.as_str(),
                file.bytes.as_slice(),
                file.media_type.as_str()
            ),
            (
                "fw-ams-01-receive.pcap",
                "Packet capture on fw-ams-01",
                pcap.as_slice(),
                "application/vnd.tcpdump.pcap"
            )
        );
    }
}

#[test]
fn text_files_are_uploaded_with_their_text() {
    let message = message_of(
        Level::Info,
        vec![
            Block::Text("Output of `version`:".into()),
            Block::File(TextFile {
                file_name: "version.txt".into(),
                title: "version on rtr01".into(),
                text: "Cisco IOS Software\n".into(),
            }),
        ],
    );
    let slack = blocks::message(&message);
    let mattermost = render::message(&message);
    assert!(mattermost.message.contains("Output of"), "{}", mattermost.message);
    for file in [&slack.attachments[0], &mattermost.files[0]] {
        assert_eq!(
            (
                file.file_name.as_str(),
                file.title.as_str(),
                file.bytes.as_slice()
            ),
            (
                "version.txt",
                "version on rtr01",
                b"Cisco IOS Software\n".as_slice()
            )
        );
    }
}

/// A message of `blocks` at `level`.
pub(super) fn message_of(level: Level, blocks: Vec<Block>) -> Message {
    Message {
        level,
        blocks,
        ..Default::default()
    }
}

/// A table `title` of devices: `Name` and `Status`, and `rows`.
pub(super) fn devices(title: &str, rows: &[&[&str]]) -> Table {
    let cells = |row: &[&str]| row.iter().map(|cell| (*cell).to_owned()).collect();
    Table {
        title: title.into(),
        columns: cells(&["Name", "Status"]),
        rows: rows.iter().map(|row| cells(row)).collect(),
    }
}

/// A message of one image, `panel.png`, "Interface errors".
pub(super) fn image_message() -> Message {
    let image = Image {
        file_name: "panel.png".into(),
        alt_text: "Interface errors".into(),
        bytes: vec![0x89, b'P', b'N', b'G'],
    };
    message_of(Level::Info, vec![Block::Image(image)])
}

/// "Which **site**?" with `count` choices `site0`, `site1`, …, continuation `tok`.
pub(super) fn sample_menu(count: usize, next_offset: Option<usize>) -> Menu {
    Menu {
        text: "Which **site**?".into(),
        choices: (0..count).map(|i| Choice::same(format!("site{i}"))).collect(),
        next_offset,
        continuation: "tok".into(),
    }
}

pub(super) fn field(label: &str, kind: FieldKind, default: Option<&str>, optional: bool) -> Field {
    Field {
        label: label.into(),
        kind,
        default: default.map(str::to_owned),
        optional,
    }
}

/// A form with a long title, continuation `tok`, and four fields: a text with
/// a default, an optional select with a default and a long label, an empty
/// select with a default too long for a short text, and a select whose
/// default is not one of its choices.
pub(super) fn sample_form() -> Form {
    Form {
        title: "Run a job with a long title".into(),
        fields: vec![
            field("Device", FieldKind::Text, Some("ams01"), false),
            field(
                "Status of the device, long label",
                FieldKind::Select(vec![Choice::same("planned"), Choice::same("active")]),
                Some("active"),
                true,
            ),
            field("Empty", FieldKind::Select(vec![]), Some(&"x".repeat(200)), true),
            field(
                "Bad default",
                FieldKind::Select(vec![Choice::same("a")]),
                Some("zz"),
                true,
            ),
        ],
        continuation: "tok".into(),
    }
}
