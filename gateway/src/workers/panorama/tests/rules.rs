//! `validate-rule-exists`, `get-device-rules`, `export-device-rules`.

use super::{form, panorama, said};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{USER, assert_private_error, message, prompted, text};
use crate::model::{Block, Level};

#[tokio::test]
async fn validate_rule_exists_asks_the_firewall_which_rule_matches() {
    let (fake, fixture) = panorama().await;

    let asked = fixture.typed(USER, "panorama validate-rule-exists").await;
    let menu = prompted(&asked);
    let device = fixture.answer(USER, &menu.continuation, &["fw-ams-01"]).await;
    let flow = form(&device);
    assert_eq!(flow.title, "Which flow through fw-ams-01?");
    assert_eq!(flow.fields.len(), 4);
    let matched = fixture
        .answer(
            USER,
            &flow.continuation,
            &["10.20.10.25", "203.0.113.20", "tcp", "443"],
        )
        .await;
    assert_eq!(
        said(&matched),
        (
            Level::Warning,
            "On **fw-ams-01**, 10.20.10.25 → 203.0.113.20 tcp/443 matches rule **deny-to-blocklist**: **deny**."
                .to_owned()
        )
    );
    assert!(
        fake.ops()
            .last()
            .unwrap()
            .contains("<test><security-policy-match><source>10.20.10.25</source>"),
        "asked on the firewall: {:?}",
        fake.ops()
    );
    let allowed = fixture
        .typed(
            USER,
            "panorama validate-rule-exists fw-dc-01a 10.40.99.5 1.2.3.4 udp 123",
        )
        .await;
    assert_eq!(allowed.outcome, Outcome::Succeeded);
    let (level, text) = said(&allowed);
    assert!(
        text.contains("matches rule **local-mgmt-ntp**: **allow**"),
        "{text}"
    );
    assert_eq!(level, Level::Info);
}

#[tokio::test]
async fn no_matching_rule_a_bad_flow_and_a_disconnected_firewall_are_said() {
    let (_fake, fixture) = panorama().await;
    let none = fixture
        .typed(
            USER,
            "panorama validate-rule-exists fw-ams-01 10.20.10.25 192.0.2.1 tcp 9999",
        )
        .await;
    assert_eq!(
        said(&none),
        (
            Level::Warning,
            "No security rule on **fw-ams-01** matches 10.20.10.25 → 192.0.2.1 tcp/9999: the default rules decide (intrazone allowed, interzone denied).".to_owned()
        )
    );
    let bad = fixture
        .typed(
            USER,
            "panorama validate-rule-exists fw-ams-01 10.20.10.x 8.8.8.8 tcp 53",
        )
        .await;
    assert_private_error(&bad, "`10.20.10.x` is not an IPv4 address for the source.");
    let away = fixture
        .typed(
            USER,
            "panorama validate-rule-exists fw-lon-01 10.21.10.5 8.8.8.8 udp 53",
        )
        .await;
    assert_private_error(
        &away,
        "**fw-lon-01** is not connected to Panorama, so Panorama cannot ask it anything; check its management connection.",
    );
    let unknown = fixture.typed(USER, "panorama get-version fw-nowhere").await;
    assert_private_error(
        &unknown,
        "Panorama manages no firewall named `fw-nowhere`; leave the name out to pick one from Panorama's firewalls.",
    );
}

#[tokio::test]
async fn get_device_rules_lists_the_groups_rules_in_order_with_object_values() {
    let (_fake, fixture) = panorama().await;
    let routed = fixture.typed(USER, "panorama get-device-rules fw-ams-01").await;
    let Block::Table(table) = &message(&routed).blocks[0] else {
        panic!("a table");
    };
    assert_eq!(
        table.title,
        "Security rules of fw-ams-01 (device group branch-ams)"
    );
    let names: Vec<(&str, &str)> = table
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(names.first(), Some(&("pre (shared)", "block-blocklist")));
    assert_eq!(names.last(), Some(&("post (shared)", "deny-to-blocklist")));
    assert!(
        names.contains(&("pre (branches)", "branches-dns-out")),
        "{names:?}"
    );
    let said = text(&routed);
    assert!(
        said.contains("blocklist-range (203.0.113.10-203.0.113.50)"),
        "{said}"
    );
    assert!(
        said.contains("rfc1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"),
        "groups shown with their members' values: {said}"
    );
    assert!(said.contains("public-dns (8.8.8.8/32, 1.1.1.1/32)"), "{said}");
}

#[tokio::test]
async fn export_device_rules_is_always_a_csv_file() {
    let (_fake, fixture) = panorama().await;
    let routed = fixture
        .typed(USER, "panorama export-device-rules fw-dc-01b")
        .await;
    let blocks = &message(&routed).blocks;
    let Some(Block::File(file)) = blocks.last() else {
        panic!("a file: {blocks:?}");
    };
    assert_eq!(file.file_name, "fw-dc-01b-rules.csv");
    let mut lines = file.text.lines();
    assert_eq!(
        lines.next(),
        Some("Rulebase,Name,From,Source,To,Destination,Application,Service,Action")
    );
    assert_eq!(
        lines.next(),
        Some(
            "pre (shared),block-blocklist,any,blocklist-range (203.0.113.10-203.0.113.50),any,any,any,any,deny"
        )
    );
    assert!(file.text.ends_with("\r\n"));
    assert!(
        file.text
            .lines()
            .all(|l| l.starts_with("pre (") || l.starts_with("post (") || l.starts_with("Rulebase")),
        "{}",
        file.text
    );
}
