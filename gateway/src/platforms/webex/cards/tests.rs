use proptest::prelude::*;

use super::*;
use crate::model::Image;
use crate::platforms::adaptive_card::tests::menu_of;

fn markdowns(rendered: &RenderedMessage) -> Vec<&str> {
    rendered
        .bodies
        .iter()
        .map(|b| b["markdown"].as_str().expect("every body has markdown"))
        .collect()
}

/// A message of `blocks` alone, rendered.
fn render(blocks: Vec<Block>) -> RenderedMessage {
    message(&Message {
        blocks,
        ..Default::default()
    })
}

fn assert_within_limit(rendered: &RenderedMessage) {
    for body in markdowns(rendered) {
        assert!(body.len() <= MAX_MESSAGE_BYTES, "{} bytes", body.len());
        assert!(!body.trim().is_empty());
    }
    assert!(rendered.bodies.len() <= MAX_MESSAGES);
}

#[test]
fn mentions_in_output_cannot_ping() {
    let rendered = message(&Message::text(
        Level::Info,
        "hi <@all> and <@personEmail:a@b.c|A>",
    ));
    let body = markdowns(&rendered)[0];
    assert!(!body.contains("<@"), "{body}");
    assert!(body.contains("<\u{200B}@all>"), "{body}");
}

#[test]
fn a_long_answer_is_chunked_under_the_byte_limit_at_line_ends() {
    // 100 lines of 60 bytes (30 of them 2-byte characters): 6 000 bytes twice over.
    let line = format!("{}{}\n", "é".repeat(30), "x".repeat(29));
    assert_eq!(line.len(), 90);
    let text = line.repeat(150);
    let rendered = message(&Message::text(Level::Info, text.clone()));
    assert_within_limit(&rendered);
    assert_eq!(rendered.bodies.len(), 2);
    let bodies = markdowns(&rendered);
    assert!(
        bodies[0].len() > MAX_MESSAGE_BYTES - line.len(),
        "the first body is full"
    );
    for body in &bodies {
        assert!(
            body.split('\n').all(|l| l.len() == line.len() - 1),
            "cut at a line end"
        );
    }
    assert_eq!(bodies.join("\n") + "\n", text, "nothing lost");
    assert!(rendered.attachments.is_empty());
}

#[test]
fn short_lines_fill_each_body_up_to_the_limit_and_no_further() {
    let text = "abcdefg\n".repeat(2000); // 16 000 bytes in 8-byte lines
    let rendered = message(&Message::text(Level::Info, text.clone()));
    assert_within_limit(&rendered);
    let bodies = markdowns(&rendered);
    assert_eq!(bodies.len(), 3);
    for body in &bodies[..2] {
        assert!(body.len() >= MAX_MESSAGE_BYTES - 8, "{} bytes", body.len());
    }
    assert_eq!(bodies.join("\n") + "\n", text);
}

#[test]
fn many_blocks_fill_each_body_up_to_the_limit_and_no_further() {
    // 30-byte blocks joined by a blank line: 32 bytes each after the first.
    let block = format!("{}.", "ü".repeat(14) + "x");
    assert_eq!(block.len(), 30);
    let rendered = render(vec![Block::Text(block.clone()); 400]);
    assert_within_limit(&rendered);
    let bodies = markdowns(&rendered);
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0].len(), 30 + 32 * ((MAX_MESSAGE_BYTES - 30) / 32));
    assert_eq!(bodies.join("\n\n"), vec![block; 400].join("\n\n"));
}

#[test]
fn a_card_summary_stays_within_the_limit() {
    let mut long = menu_of(1, None);
    // 2 000 characters, 7 994 bytes; breaking the mention adds 3 more.
    long.text = format!("<@{}", "😀".repeat(1998));
    let card = menu(&long).unwrap();
    let markdown = card["markdown"].as_str().unwrap();
    assert!(markdown.len() <= MAX_MESSAGE_BYTES, "{}", markdown.len());
    assert!(!markdown.contains("<@"));
}

#[test]
fn a_single_line_longer_than_a_message_is_cut_on_character_boundaries() {
    let text = "😀".repeat(3000); // 12 000 bytes, no line end, no space
    let rendered = message(&Message::text(Level::Info, text.clone()));
    assert_within_limit(&rendered);
    assert_eq!(markdowns(&rendered).concat(), text);
    assert_eq!(markdowns(&rendered)[0].len(), MAX_MESSAGE_BYTES / 4 * 4);
}

#[test]
fn long_code_is_chunked_into_fenced_blocks() {
    let code = "interface Ethernet1 — up\n".repeat(700);
    let rendered = render(vec![Block::Code(code.clone())]);
    assert_within_limit(&rendered);
    assert!(rendered.bodies.len() >= 2);
    let mut back = String::new();
    for body in markdowns(&rendered) {
        assert!(body.starts_with("```\n") && body.ends_with("\n```"), "{body:.20}");
        for block in body.split("\n```\n```\n") {
            back.push_str(block.trim_start_matches("```\n").trim_end_matches("\n```"));
            back.push('\n');
        }
    }
    assert_eq!(back, code);
}

#[test]
fn far_too_long_an_answer_is_cut_and_the_rest_attached() {
    let text: String = (0..2000)
        .map(|i| format!("line {i:04} {}\n", "ü".repeat(20)))
        .collect();
    let rendered = message(&Message::text(Level::Info, text.clone()));
    assert_within_limit(&rendered);
    assert_eq!(rendered.bodies.len(), MAX_MESSAGES);
    let last = *markdowns(&rendered).last().unwrap();
    assert!(
        last.ends_with(&format!("attached as `{REST_FILE_NAME}`._")),
        "{last}"
    );
    let [rest] = rendered.attachments.as_slice() else {
        panic!("one attachment")
    };
    assert_eq!(rest.file_name, REST_FILE_NAME);
    let rest = String::from_utf8(rest.bytes.clone()).unwrap();
    // What was shown and what was attached make up the answer, in order.
    let joined = markdowns(&rendered).join("\n");
    let shown: Vec<&str> = joined
        .lines()
        .filter(|l| l.starts_with("line "))
        .map(|l| &l[..9])
        .collect();
    let attached: Vec<&str> = rest.lines().map(|l| &l[..9]).collect();
    let all: Vec<String> = (0..2000).map(|i| format!("line {i:04}")).collect();
    assert_eq!([shown, attached].concat(), all);
}

fn table(rows: usize) -> Table {
    Table {
        title: "Devices at ams01".into(),
        columns: vec!["Name".into(), "Status".into()],
        rows: (0..rows)
            .map(|i| vec![format!("dev-{i}"), "active".into()])
            .collect(),
    }
}

#[test]
fn a_small_table_is_a_code_block() {
    let rendered = render(vec![Block::Table(table(2))]);
    assert_eq!(
        markdowns(&rendered),
        ["**Devices at ams01**\n```\nName   Status\n-----  ------\ndev-0  active\ndev-1  active\n```"]
    );
}

#[test]
fn a_table_under_a_heading_of_its_own_title_is_not_titled_again() {
    let rendered = message(&Message {
        title: Some("Devices at ams01".into()),
        blocks: vec![Block::Table(table(1))],
        ..Default::default()
    });
    assert_eq!(
        markdowns(&rendered),
        ["**Devices at ams01**\n\n```\nName   Status\n-----  ------\ndev-0  active\n```"]
    );
}

#[test]
fn a_large_table_is_attached_as_a_file() {
    let rendered = render(vec![Block::Text("Found:".into()), Block::Table(table(1000))]);
    assert_within_limit(&rendered);
    let [file] = rendered.attachments.as_slice() else {
        panic!("one attachment")
    };
    assert_eq!(file.file_name, "Devices_at_ams01.txt");
    let content = String::from_utf8(file.bytes.clone()).unwrap();
    assert_eq!(content.lines().count(), 1002);
    assert_eq!(
        markdowns(&rendered),
        [
            "Found:\n\n**Devices at ams01** (1000 rows) is too large to show here; it is attached as `Devices_at_ams01.txt`."
        ]
    );
}

#[test]
fn an_image_is_a_file() {
    let rendered = render(vec![Block::Image(Image {
        file_name: "cpu.png".into(),
        alt_text: "CPU load".into(),
        bytes: vec![0x89, b'P'],
    })]);
    assert!(rendered.bodies.is_empty());
    assert_eq!(
        rendered.attachments,
        [Upload {
            file_name: "cpu.png".into(),
            title: "CPU load".into(),
            bytes: vec![0x89, b'P'],
            media_type: "image/png".into(),
        }]
    );
}

#[test]
fn a_file_of_bytes_is_a_file() {
    let rendered = render(vec![Block::Data(crate::model::DataFile {
        file_name: "fw.pcap".into(),
        title: "Capture".into(),
        media_type: "application/vnd.tcpdump.pcap".into(),
        bytes: vec![0xd4, 0xc3, 0xff],
    })]);
    assert!(rendered.bodies.is_empty());
    assert_eq!(
        rendered.attachments,
        [Upload {
            file_name: "fw.pcap".into(),
            title: "Capture".into(),
            bytes: vec![0xd4, 0xc3, 0xff],
            media_type: "application/vnd.tcpdump.pcap".into(),
        }]
    );
}

#[test]
fn a_text_file_is_a_file() {
    let rendered = render(vec![Block::File(crate::model::TextFile {
        file_name: "diff.txt".into(),
        title: "Diff".into(),
        text: "+ shutdown;\n".into(),
    })]);
    assert!(rendered.bodies.is_empty());
    assert_eq!(
        rendered.attachments,
        [Upload {
            file_name: "diff.txt".into(),
            title: "Diff".into(),
            bytes: b"+ shutdown;\n".to_vec(),
            media_type: "text/plain".into(),
        }]
    );
}

#[test]
fn a_body_is_addressed_to_the_room_thread_or_person() {
    let body = json!({"markdown": "hi"});
    let to = ReplyContext {
        conversation: Some("R1".into()),
        thread: Some("M1".into()),
        user: Some("P1".into()),
        ..Default::default()
    };
    assert_eq!(
        addressed(&body, &to, false),
        Some(json!({"markdown": "hi", "roomId": "R1", "parentId": "M1"}))
    );
    assert_eq!(
        addressed(&body, &to, true),
        Some(json!({"markdown": "hi", "toPersonId": "P1"}))
    );
    assert_eq!(addressed(&body, &ReplyContext::default(), false), None);
}

proptest! {
    #[test]
    fn every_body_fits_and_nothing_is_lost_below_the_cut(
        lines in prop::collection::vec("[a-zé€😀 `*<@]{0,300}", 0..80),
    ) {
        let text = lines.join("\n");
        let rendered = message(&Message::text(Level::Info, text.clone()));
        for body in markdowns(&rendered) {
            prop_assert!(body.len() <= MAX_MESSAGE_BYTES);
        }
        prop_assert!(rendered.bodies.len() <= MAX_MESSAGES);
    }

}
