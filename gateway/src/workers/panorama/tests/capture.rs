//! `capture-traffic`: the dialogue, the op commands, the pcap follow-up.

use super::{followed, form, panorama, said};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{USER, assert_private_error, choice_values, prompted, text_blocks};
use crate::model::{Block, Level};
use crate::workers::panorama::commands::capture_parse_error;

#[tokio::test]
async fn capture_traffic_asks_step_by_step_then_sends_the_pcap_with_a_summary() {
    let (fake, fixture) = panorama().await;
    let asked = fixture.typed(USER, "panorama capture-traffic fw-ams-01").await;
    let what = form(&asked);
    assert_eq!(what.fields.len(), 3);
    let interfaces = fixture
        .answer(USER, &what.continuation, &["10.20.10.25", "8.8.8.8", "53"])
        .await;
    let menu = prompted(&interfaces);
    assert_eq!(choice_values(menu), ["ethernet1/1", "ethernet1/2", "ethernet1/3"]);
    assert_eq!(menu.choices[1].label, "ethernet1/2 (trust, 10.20.10.1/24)");
    let proto = fixture.answer(USER, &menu.continuation, &["ethernet1/2"]).await;
    assert_eq!(choice_values(prompted(&proto)), ["tcp", "udp", "icmp", "any"]);
    let stage = fixture
        .answer(USER, &prompted(&proto).continuation, &["udp"])
        .await;
    assert_eq!(
        choice_values(prompted(&stage)),
        ["receive", "transmit", "drop", "firewall"]
    );
    let seconds = fixture
        .answer(USER, &prompted(&stage).continuation, &["receive"])
        .await;
    assert_eq!(choice_values(prompted(&seconds)), ["10", "30", "60", "120"]);

    let confirm = fixture
        .typed(
            USER,
            "panorama capture-traffic fw-ams-01 10.20.10.25 8.8.8.8 53 ethernet1/2 udp receive 1",
        )
        .await;
    let question = prompted(&confirm);
    assert_eq!(choice_values(question), ["yes"]);
    assert!(
        !fake.ops().iter().any(|op| op.contains("packet-diag")),
        "nothing is set on the firewall before the answer"
    );
    let started = fixture.answer(USER, &question.continuation, &["yes"]).await;
    assert_eq!(started.outcome, Outcome::Succeeded);
    assert_eq!(
        said(&started),
        (
            Level::Info,
            "Capturing udp 10.20.10.25 → 8.8.8.8 port 53 on ethernet1/2 at stage receive on **fw-ams-01** for 1 s; the capture follows here.".to_owned()
        )
    );
    let ops = fake.ops();
    assert!(
        ops.iter().any(|op| op.contains(
            "<match><ingress-interface>ethernet1/2</ingress-interface><source>10.20.10.25</source>"
        )),
        "{ops:?}"
    );
    let capture = followed(&fixture).await;
    let summary = text_blocks(&capture).join("\n");
    assert!(summary.contains("2 packets"), "{summary}");
    assert!(
        summary.contains("`10.20.10.25:51000 → 8.8.8.8:53` udp"),
        "{summary}"
    );
    let Some(Block::Data(file)) = capture.blocks.last() else {
        panic!("a pcap file: {:?}", capture.blocks);
    };
    assert_eq!(file.file_name, "fw-ams-01-receive.pcap");
    assert_eq!(file.media_type, "application/vnd.tcpdump.pcap");
    assert_eq!(file.bytes[..4], 0xa1b2_c3d4_u32.to_le_bytes());
    assert!(
        fake.ops().last().unwrap().contains("<clear><all/></clear>"),
        "the firewall's capture settings are cleared afterwards"
    );
}

#[tokio::test]
async fn a_bad_capture_is_said_before_anything_is_set() {
    let (fake, fixture) = panorama().await;
    let routed = fixture
        .typed(
            USER,
            "panorama capture-traffic fw-ams-01 any any any ethernet1/2 tcp receive 900",
        )
        .await;
    assert_private_error(&routed, "`900` is not a capture time: use 1 to 300 seconds.");
    assert!(!fake.ops().iter().any(|op| op.contains("packet-diag")));
    assert_eq!(
        capture_parse_error(&["10.0.0.0/33", "any", "any", "e1", "tcp", "receive", "5"]).as_deref(),
        Some("`10.0.0.0/33` is not an IPv4 address or network for the source, nor `any`.")
    );
    assert_eq!(
        capture_parse_error(&["any", "any", "any", "e1", "tcp", "ingress", "5"]).as_deref(),
        Some("`ingress` is not a stage: use receive, transmit, drop, firewall.")
    );
}

#[tokio::test]
async fn a_capture_file_that_is_not_one_is_said_in_the_follow_up() {
    let (fake, fixture) = panorama().await;
    fake.garble("/api/export", chatops_testkit::fake_panorama::Garbage::Html);
    let started = fixture
        .typed(
            USER,
            "panorama capture-traffic fw-ams-01 any any any ethernet1/2 tcp receive 1 yes",
        )
        .await;
    assert_eq!(started.outcome, Outcome::Succeeded);
    let message = followed(&fixture).await;
    assert_eq!(message.level, Level::Error);
    let said = text_blocks(&message).join("\n");
    assert!(
        said.starts_with(
            "The packet capture on **fw-ams-01** could not be collected: Panorama's answer could not be read"
        ),
        "{said}"
    );
    assert!(!message.blocks.iter().any(|b| matches!(b, Block::Data(_))));
}

#[tokio::test]
async fn a_capture_asks_first_and_a_no_changes_nothing() {
    let (fake, fixture) = panorama().await;
    let asked = fixture
        .typed(
            USER,
            "panorama capture-traffic fw-ams-01 any any 443 ethernet1/2 tcp firewall 10",
        )
        .await;
    let question = prompted(&asked);
    assert!(
        question.text.starts_with(
            "Capture tcp any → any port 443 on ethernet1/2 at stage firewall on **fw-ams-01** for 10 s"
        ),
        "{}",
        question.text
    );
    assert!(
        question
            .text
            .ends_with("clears the firewall's packet-diag settings first and after.")
    );
    let declined = fixture.answer(USER, &question.continuation, &["no"]).await;
    assert_eq!(
        said(&declined),
        (
            Level::Info,
            "Not captured: nothing was changed on **fw-ams-01**.".to_owned()
        )
    );
    assert!(!fake.ops().iter().any(|op| op.contains("packet-diag")));
    assert!(fixture.follow_ups.is_empty());
}
