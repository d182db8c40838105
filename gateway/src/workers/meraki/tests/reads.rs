//! The sub-commands that read: menus, tables, paging, who acts.

use axum::http::StatusCode;
use chatops_testkit::fake_meraki::{self, FakeMeraki, Scripted};
use serde_json::json;

use super::{Setup, assert_no_key, fixture_with, labels, lines, meraki};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, USER, assert_private_error, choice_values, prompted, text};

#[tokio::test]
async fn get_organizations_lists_them_with_the_linked_users_key() {
    let (fake, fixture) = meraki().await;

    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        lines(&routed),
        [
            "Organizations",
            "Acme Corp | Europe | co-term",
            "Acme Labs | Europe | co-term"
        ]
    );
    let asked = fake.requests();
    assert_eq!(asked[0].query, "perPage=1000", "the most a page holds");
    assert!(
        asked
            .iter()
            .all(|r| r.header("authorization") == Some(format!("Bearer {}", fake_meraki::ADMIN_KEY).as_str())),
        "alice acts with her own key"
    );
    assert_no_key(&routed);
}

#[tokio::test]
async fn an_unlinked_user_acts_with_the_integration_key() {
    let (fake, fixture) = meraki().await;

    let routed = fixture.typed(USER, "meraki get-organizations").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("Bearer {}", fake_meraki::READ_ONLY_KEY).as_str())
    );
}

#[tokio::test]
async fn get_admins_asks_for_the_organization_by_name_then_lists_its_admins() {
    let (_fake, fixture) = meraki().await;

    let menu = fixture.typed(ADMIN1, "meraki get-admins").await;
    let asked = prompted(&menu);
    assert_eq!(asked.text, "Which organization?");
    assert_eq!(
        choice_values(asked),
        ["Acme Corp", "Acme Labs"],
        "names, never IDs"
    );

    let answered = fixture.answer(ADMIN1, &asked.continuation, &["Acme Corp"]).await;
    assert_eq!(answered.outcome, Outcome::Succeeded);
    let rows = lines(&answered);
    assert_eq!(rows[0], "Admins of Acme Corp");
    assert_eq!(
        rows[1],
        "Alice Janssen | alice@example.com | full | yes | 2026-12-02 16:41:09 UTC"
    );
    assert_eq!(rows.len(), 1 + 3);

    let typed = fixture.typed(ADMIN1, "meraki get-admins 'acme labs'").await;
    assert_eq!(lines(&typed)[0], "Admins of Acme Labs", "a name in any case");
    let by_id = fixture
        .typed(ADMIN1, &format!("meraki get-admins {}", fake_meraki::LAB_ORG_ID))
        .await;
    assert_eq!(lines(&by_id)[0], "Admins of Acme Labs", "or Meraki's ID");

    let unknown = fixture.typed(ADMIN1, "meraki get-admins Globex").await;
    assert_private_error(
        &unknown,
        "Meraki has no organization named `Globex` that you may see; `get-organizations` lists them.",
    );
}

/// The fake answering the next `GET /organizations` with Acme Labs only:
/// what a key of one organization's admin sees.
fn one_organization(fake: &FakeMeraki) {
    let lab = json!([{"id": fake_meraki::LAB_ORG_ID, "name": "Acme Labs", "url": "https://n149.meraki.com/o/5730/manage/organization/overview"}]);
    fake.script(
        Scripted::new(StatusCode::OK, lab.to_string()).with_header("content-type", "application/json"),
    );
}

#[tokio::test]
async fn a_key_of_one_organization_is_not_asked_which() {
    let (fake, fixture) = meraki().await;

    one_organization(&fake);
    let admins = fixture.typed(ADMIN1, "meraki get-admins").await;
    assert_eq!(lines(&admins)[0], "Admins of Acme Labs");

    one_organization(&fake);
    let menu = fixture.typed(ADMIN1, "meraki get-switchports").await;
    let asked = prompted(&menu);
    assert_eq!(asked.text, "Which switch of Acme Labs?", "straight to the device");
    assert_eq!(labels(asked), ["lab-sw-01 (MS120-8)"]);
    let answered = fixture.answer(ADMIN1, &asked.continuation, &["lab-sw-01"]).await;
    assert_eq!(
        lines(&answered)[0],
        "Ports of lab-sw-01",
        "the answer resumes with the organization filled in"
    );
}

#[tokio::test]
async fn get_devices_asks_for_a_type_and_reads_every_page() {
    let fake = FakeMeraki::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Setup {
            page: 3,
            ..Setup::default()
        },
    );

    let menu = fixture.typed(ADMIN1, "meraki get-devices 'Acme Corp'").await;
    let asked = prompted(&menu);
    assert_eq!(choice_values(asked), ["all", "MS", "MR", "MX", "MV", "MG", "MT"]);
    assert_eq!(labels(asked)[1], "MS switches");

    let all = fixture.answer(ADMIN1, &asked.continuation, &["all"]).await;
    let rows = lines(&all);
    assert_eq!(rows[0], "All devices of Acme Corp");
    assert_eq!(rows.len(), 1 + 7, "seven devices over three pages: {rows:?}");
    assert!(
        rows.contains(
            &"ams-sw-01 | MS225-48FP | Q2HP-3KL7-8UD2 | AMS Switching | 10.10.10.11 | switch-16-8".to_owned()
        ),
        "the network by name: {rows:?}"
    );
    let pages: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == format!("/api/v1/organizations/{}/devices", fake_meraki::ORG_ID))
        .map(|r| r.query)
        .collect();
    assert_eq!(
        pages,
        [
            "perPage=3",
            "perPage=3&startingAfter=Q2KD-7VCX-2B3N",
            "perPage=3&startingAfter=Q2FV-8NXS-L3ZA"
        ],
        "Link rel=next followed to the end"
    );

    let switches = fixture.typed(ADMIN1, "meraki get-devices 'Acme Corp' MS").await;
    let rows = lines(&switches);
    assert_eq!(rows[0], "MS switches of Acme Corp");
    assert_eq!(rows.len(), 1 + 2);
    let aliased = fixture
        .typed(ADMIN1, "meraki get-devices 'Acme Corp' firewalls")
        .await;
    assert_eq!(
        lines(&aliased)[1..],
        ["ams-fw-01 | MX85 | Q2PN-4YHQ-EFG7 | AMS Branch Firewall | 10.10.0.1 | wired-18-211-2"]
    );
    let none = fixture.typed(ADMIN1, "meraki get-devices 'Acme Corp' MT").await;
    assert_eq!(text(&none), "MT sensors of Acme Corp: none that you may see.");
    let wrong = fixture
        .typed(ADMIN1, "meraki get-devices 'Acme Corp' toaster")
        .await;
    assert_private_error(
        &wrong,
        "`toaster` is not a device type; use one of: all, MS, MR, MX, MV, MG, MT.",
    );
}

#[tokio::test]
async fn a_list_longer_than_the_cap_says_it_was_cut() {
    let fake = FakeMeraki::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Setup {
            page: 3,
            cap: 5,
            ..Setup::default()
        },
    );

    let routed = fixture.typed(ADMIN1, "meraki get-devices 'Acme Corp' all").await;

    let rows = lines(&routed);
    assert_eq!(rows.len(), 1 + 5 + 1, "{rows:?}");
    assert_eq!(rows.last().unwrap(), "Showing the first 5; Meraki has more.");
}

#[tokio::test]
async fn get_networks_lists_them_by_name() {
    let (_fake, fixture) = meraki().await;

    let routed = fixture.typed(ADMIN1, "meraki get-networks 'Acme Corp'").await;

    let rows = lines(&routed);
    assert_eq!(rows[0], "Networks of Acme Corp");
    assert_eq!(
        rows[2],
        "AMS Wireless | wireless | Europe/Amsterdam | amsterdam | —"
    );
    assert_eq!(rows.len(), 1 + 4);
}

#[tokio::test]
async fn switch_ports_are_asked_of_a_switch_by_name_and_model() {
    let (_fake, fixture) = meraki().await;

    let menu = fixture.typed(ADMIN1, "meraki get-switchports 'Acme Corp'").await;
    let asked = prompted(&menu);
    assert_eq!(
        labels(asked),
        ["ams-sw-01 (MS225-48FP)", "ams-sw-02 (MS120-8LP)"],
        "switches only, by name"
    );
    assert_eq!(choice_values(asked), ["ams-sw-01", "ams-sw-02"]);

    let ports = fixture.answer(ADMIN1, &asked.continuation, &["ams-sw-01"]).await;
    let rows = lines(&ports);
    assert_eq!(rows[0], "Ports of ams-sw-01");
    assert_eq!(rows.len(), 1 + 52);
    assert_eq!(
        rows[7],
        "7 | Spare (shut) | no | yes | access | 10 | 20 | all | no | yes | disabled | Auto negotiate | Alert only"
    );

    let status = fixture
        .typed(ADMIN1, "meraki get-switchports-status 'Acme Corp' AMS-SW-01")
        .await;
    let rows = lines(&status);
    assert_eq!(rows[0], "Port status of ams-sw-01");
    assert_eq!(
        rows[5],
        "5 | yes | Connected | CRC align errors | Port has large amounts of errors | 1 Gbps | full | total 5120, sent 2000, recv 3120 | 1 | total 7.5, sent 2.5, recv 5.0"
    );
    assert!(rows[7].starts_with("7 | no | Disabled |"), "{}", rows[7]);

    let camera = fixture
        .typed(ADMIN1, "meraki get-switchports 'Acme Corp' ams-cam-dock")
        .await;
    assert_private_error(
        &camera,
        "Acme Corp has no switch named `ams-cam-dock` that you may see.",
    );
}

#[tokio::test]
async fn get_firewall_performance_offers_the_mx_appliances_and_says_the_score() {
    let (_fake, fixture) = meraki().await;

    let menu = fixture
        .typed(ADMIN1, "meraki get-firewall-performance 'Acme Corp'")
        .await;
    assert_eq!(labels(prompted(&menu)), ["ams-fw-01 (MX85)"]);

    let routed = fixture
        .typed(ADMIN1, "meraki get-firewall-performance 'Acme Corp' ams-fw-01")
        .await;
    assert_eq!(
        text(&routed),
        "ams-fw-01 has a performance score of 21.4 (of 100; higher means busier)."
    );

    let none = fixture
        .typed(ADMIN1, "meraki get-firewall-performance 'Acme Labs'")
        .await;
    assert_private_error(&none, "Acme Labs has no MX appliances that you may see.");
}

#[tokio::test]
async fn get_wlan_ssids_offers_the_wireless_networks_and_lists_the_configured_ssids() {
    let (_fake, fixture) = meraki().await;

    let menu = fixture.typed(ADMIN1, "meraki get-wlan-ssids 'Acme Corp'").await;
    assert_eq!(choice_values(prompted(&menu)), ["AMS Wireless"]);

    let routed = fixture
        .typed(ADMIN1, "meraki get-wlan-ssids 'Acme Corp' 'AMS Wireless'")
        .await;
    assert_eq!(
        lines(&routed),
        [
            "SSIDs of AMS Wireless",
            "0 | Acme-Corp | yes | yes | 8021x-radius | Dual band operation",
            "1 | Acme-Guest | yes | yes | psk | Dual band operation",
            "2 | Acme-IoT | yes | no | psk | Dual band operation",
            "3 | Acme-Legacy | no | yes | psk | Dual band operation",
        ]
    );
}

#[tokio::test]
async fn get_camera_recent_offers_the_cameras_and_shows_each_zone() {
    let (_fake, fixture) = meraki().await;

    let menu = fixture
        .typed(ADMIN1, "meraki get-camera-recent 'Acme Corp'")
        .await;
    assert_eq!(
        labels(prompted(&menu)),
        ["ams-cam-dock (MV22)", "ams-cam-entrance (MV12WE)"]
    );

    let routed = fixture
        .typed(ADMIN1, "meraki get-camera-recent 'Acme Corp' ams-cam-entrance")
        .await;
    assert_eq!(
        lines(&routed),
        [
            "Recent people analytics of ams-cam-entrance",
            "0 | 2026-12-03T09:14:00.000Z | 2026-12-03T09:15:00.000Z | 14 | 2.35",
            "1 | 2026-12-03T09:14:00.000Z | 2026-12-03T09:15:00.000Z | 7 | 1.175",
        ]
    );
}

#[tokio::test]
async fn get_clients_offers_every_device_and_lists_its_clients() {
    let (_fake, fixture) = meraki().await;

    let menu = fixture.typed(ADMIN1, "meraki get-clients 'Acme Corp'").await;
    assert_eq!(
        prompted(&menu).choices.len(),
        7,
        "every device of the organization"
    );

    let routed = fixture
        .typed(ADMIN1, "meraki get-clients 'Acme Corp' ams-sw-01")
        .await;
    let rows = lines(&routed);
    assert_eq!(rows[0], "Clients of ams-sw-01");
    assert_eq!(
        rows[1],
        "DESK-ALICE | 3kl78ud2:00 | 10.10.10.101 | alice@example.com | 10 | 1 | DESK-ALICE | sent 138.0, recv 61.0"
    );
    assert_eq!(rows.len(), 1 + 2);

    let none = fixture
        .typed(ADMIN1, "meraki get-clients 'Acme Corp' ams-cam-dock")
        .await;
    assert_eq!(text(&none), "ams-cam-dock saw no clients in the last day.");
}

#[tokio::test]
async fn get_neighbors_lists_lldp_and_cdp_by_local_port() {
    let (_fake, fixture) = meraki().await;

    let routed = fixture
        .typed(ADMIN1, "meraki get-neighbors 'Acme Corp' ams-sw-01")
        .await;
    assert_eq!(
        lines(&routed),
        [
            "LLDP and CDP neighbours of ams-sw-01",
            "2 | LLDP | ams-ap-lobby | eth0 | 10.10.20.21",
            "51 | CDP | e0553d1a4a1e | Port 1 | 10.10.0.1",
            "51 | LLDP | ams-fw-01 | 1 | 10.10.0.1",
        ]
    );

    let none = fixture
        .typed(ADMIN1, "meraki get-neighbors 'Acme Corp' ams-fw-01")
        .await;
    assert_eq!(text(&none), "ams-fw-01 has no LLDP or CDP neighbours.");
}
