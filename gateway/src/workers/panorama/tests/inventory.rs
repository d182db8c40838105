//! `get-devices`, `get-devicegroups`, `get-version`, and who they act as.

use chatops_testkit::fake_panorama::{ADMIN_PASSWORD, ADMIN_USER, FakePanorama, key_for, params};

use super::{Logins, assert_no_secret, fixture_with, panorama, said, types};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{USER, choice_values, message, prompted, text};
use crate::model::{Block, Level};

#[tokio::test]
async fn get_devices_lists_the_firewalls_connected_first_logging_in_once() {
    let (fake, fixture) = panorama().await;

    let routed = fixture.typed(USER, "panorama get-devices").await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    let Block::Table(table) = &message(&routed).blocks[0] else {
        panic!("a table: {:?}", routed.reply);
    };
    let hosts: Vec<&str> = table.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(hosts, ["fw-ams-01", "fw-dc-01a", "fw-dc-01b", "fw-lon-01"]);
    assert_eq!(
        table.rows[0],
        [
            "fw-ams-01",
            "007051000123401",
            "PA-440",
            "10.20.0.11",
            "11.1.4-h7",
            "yes",
            "—"
        ]
    );
    assert_eq!(table.rows[1][6], "active");
    assert_eq!(table.rows[3][5], "no");

    fixture.typed(USER, "panorama get-devices").await;
    assert_eq!(
        types(&fake),
        ["keygen", "op", "op"],
        "the key is kept: one login for both commands"
    );
    let admin_key = key_for(ADMIN_USER, ADMIN_PASSWORD);
    for request in &fake.requests()[1..] {
        assert_eq!(request.header("x-pan-key"), Some(admin_key.as_str()));
        assert!(
            params(request).iter().all(|(n, _)| n != "key"),
            "the key travels in the header, not in a URL or form"
        );
    }
    assert_no_secret(&routed);
}

#[tokio::test]
async fn get_devicegroups_lists_groups_with_parents_and_firewalls() {
    let (_fake, fixture) = panorama().await;
    let routed = fixture.typed(USER, "panorama get-devicegroups").await;
    let said = text(&routed);
    for line in [
        "branches | shared | —",
        "branch-ams | branches | fw-ams-01",
        "branch-lon | branches | fw-lon-01 (disconnected)",
        "dc | shared | fw-dc-01a, fw-dc-01b",
    ] {
        assert!(said.contains(line), "{line} in {said}");
    }
}

#[tokio::test]
async fn get_version_says_panoramas_and_with_a_device_the_firewalls() {
    let (_fake, fixture) = panorama().await;
    let alone = fixture.typed(USER, "panorama get-version").await;
    assert_eq!(
        said(&alone),
        (
            Level::Info,
            "Panorama **panorama-lab** runs PAN-OS **11.1.4-h7**.".to_owned()
        )
    );
    let both = fixture.typed(USER, "panorama get-version fw-dc-01a").await;
    assert_eq!(
        said(&both).1,
        "Panorama **panorama-lab** runs PAN-OS **11.1.4-h7**.\n\
         Firewall **fw-dc-01a** (PA-3420) runs PAN-OS **11.1.4-h7** (content 8912-9163)."
    );
}

#[tokio::test]
async fn an_api_key_serves_without_a_login() {
    let fake = FakePanorama::start().await;
    let key = key_for(ADMIN_USER, ADMIN_PASSWORD);
    let fixture = fixture_with(
        &fake.url(),
        &Logins {
            service: None,
            key: Some(key.clone()),
            alice: None,
        },
    );
    let routed = fixture.typed(USER, "panorama get-version").await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(types(&fake), ["op"], "no keygen with a key");
    assert_no_secret(&routed);
}

#[tokio::test]
async fn the_device_menu_names_firewalls_connected_first_and_marks_a_disconnected_one() {
    let (_fake, fixture) = panorama().await;
    let asked = fixture.typed(USER, "panorama get-device-rules").await;
    let menu = prompted(&asked);
    assert_eq!(
        choice_values(menu),
        ["fw-ams-01", "fw-dc-01a", "fw-dc-01b", "fw-lon-01"],
        "host names, never serials"
    );
    assert_eq!(menu.choices[3].label, "fw-lon-01 (disconnected)");
    let routed = fixture.answer(USER, &menu.continuation, &["fw-ams-01"]).await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert!(text(&routed).contains("Security rules of fw-ams-01"));
}
