//! Rendering alone, without Panorama: PAN-OS's answers as they read in chat.

use std::net::Ipv4Addr;

use super::capture::{interface_choices, render_summary};
use super::rules::{Flow, csv, protocol_number, render_match};
use super::software::{Change, Version, version_choices};
use super::{device_choices, file_name};
use crate::model::{Block, Choice, Level, Reply};
use crate::workers::panorama::pcap::{self, Summary};
use crate::workers::panorama::session::Device;
use crate::workers::panorama::xml::El;

fn device(hostname: &str, connected: bool) -> Device {
    Device {
        serial: format!("serial-of-{hostname}"),
        hostname: hostname.to_owned(),
        connected,
        ..Device::default()
    }
}

#[test]
fn csv_quotes_what_must_be_quoted() {
    let rows = vec![vec![
        "pre (shared)".to_owned(),
        "say \"hi\"".to_owned(),
        "a, b".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "allow".to_owned(),
    ]];
    let text = csv(&rows);
    assert_eq!(
        text.lines().nth(1),
        Some("pre (shared),\"say \"\"hi\"\"\",\"a, b\",,,,,,allow")
    );
}

#[test]
fn the_device_menu_shows_names_and_says_which_are_disconnected() {
    let choices = device_choices(&[device("fw-a", true), device("fw-b", false)]);
    assert_eq!(
        choices,
        [
            Choice::same("fw-a"),
            Choice {
                label: "fw-b (disconnected)".to_owned(),
                value: "fw-b".to_owned()
            }
        ]
    );
}

#[test]
fn versions_to_download_skip_the_running_one_and_to_install_only_downloaded_ones() {
    let versions = [
        Version {
            version: "11.2.4".to_owned(),
            downloaded: false,
            current: false,
        },
        Version {
            version: "11.1.6".to_owned(),
            downloaded: true,
            current: false,
        },
        Version {
            version: "11.1.4".to_owned(),
            downloaded: true,
            current: true,
        },
    ];
    let download: Vec<String> = version_choices(&versions, Change::Download)
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert_eq!(download, ["11.2.4", "11.1.6 (already downloaded)"]);
    assert_eq!(
        version_choices(&versions, Change::Install),
        [Choice::same("11.1.6")]
    );
}

#[test]
fn interfaces_are_named_with_their_zone_and_address() {
    let result = El::parse(
        "<result><ifnet><entry><name>ethernet1/1</name><zone>untrust</zone><ip>198.51.100.2/29</ip></entry>\
         <entry><name>ethernet1/8</name><zone></zone><ip>N/A</ip></entry></ifnet></result>",
    )
    .unwrap();
    assert_eq!(
        interface_choices(&result),
        [
            Choice {
                label: "ethernet1/1 (untrust, 198.51.100.2/29)".to_owned(),
                value: "ethernet1/1".to_owned()
            },
            Choice::same("ethernet1/8")
        ]
    );
}

#[test]
fn a_summary_counts_packets_and_lists_the_first_flows() {
    assert_eq!(
        render_summary(&Summary::default()),
        "No packets matched the filter."
    );
    let flows = (1..=7)
        .map(|n| pcap::Flow {
            src: Ipv4Addr::new(10, 0, 0, n),
            dst: Ipv4Addr::new(10, 0, 1, 1),
            protocol: if n == 1 { 1 } else { 6 },
            ports: (n != 1).then_some((40_000, 443)),
        })
        .collect();
    let text = render_summary(&Summary {
        packets: 9,
        bytes: 900,
        flows,
    });
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "9 packets, 900 bytes.");
    assert_eq!(lines[1], "`10.0.0.1 → 10.0.1.1` icmp");
    assert_eq!(lines[2], "`10.0.0.2:40000 → 10.0.1.1:443` tcp");
    assert_eq!(lines.last(), Some(&"… and 2 more flows."));
}

#[test]
fn a_match_says_the_rule_and_its_action_and_a_deny_warns() {
    let flow = Flow::parse("10.0.0.1", "10.0.1.1", "udp", "53").unwrap();
    let result = El::parse(
        "<result><rules><entry name=\"dns-out\"><index>2</index><action>deny</action></entry></rules></result>",
    )
    .unwrap();
    let Reply::Message(message) = render_match(&device("fw-a", true), &flow, &result) else {
        panic!("a message");
    };
    assert_eq!(message.level, Level::Warning);
    assert_eq!(
        message.blocks,
        [Block::Text(
            "On **fw-a**, 10.0.0.1 → 10.0.1.1 udp/53 matches rule **dns-out**: **deny**.".to_owned()
        )]
    );
    assert_eq!(protocol_number("TCP"), Some(6));
    assert_eq!(protocol_number("0"), None);
    assert!(Flow::parse("10.0.0.1", "10.0.1.1", "udp", "0").is_err());
}

#[test]
fn file_names_keep_only_safe_characters() {
    assert_eq!(file_name("fw/ams 01-rules", "csv"), "fw_ams_01-rules.csv");
}
