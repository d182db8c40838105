//! The sub-commands that read tables, their menus, who they act as, and two
//! Integrations side by side (path lookups and table diffs are in `lookups`).

use chatops_testkit::fake_ipfabric::{LAST_SNAPSHOT, PREV_SNAPSHOT, UNLOADED_SNAPSHOT};
use serde_json::{Value, json};

use super::*;
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, USER, assert_private_error, choice_values, prompted};
use crate::model::Prompt;

/// What the answers say of the newest snapshot, which they read by default.
const ON_LAST: &str =
    "Snapshot: **Nightly 2026-12-03** (5e2b7c1a-9d3f-4e8a-b6c0-1f2a3b4c5d6e, loaded, 2026-12-03 02:45 UTC)";

#[tokio::test]
async fn get_loaded_snapshots_lists_the_loaded_ones_newest_first() {
    let (fake, fixture) = ipfabric().await;

    let routed = fixture.typed(USER, "ipfabric get-loaded-snapshots").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    let rows = lines(&routed);
    assert_eq!(rows[0], "Loaded snapshots");
    assert_eq!(
        rows[1],
        format!(
            "Nightly 2026-12-03 | {LAST_SNAPSHOT} | 2026-12-03 02:22 UTC | 2026-12-03 02:45 UTC | 12 | 12 | no | 8.0.2+3 | Scheduled discovery"
        )
    );
    assert!(
        rows[2].starts_with(&format!("unnamed snapshot | {PREV_SNAPSHOT} |")),
        "{rows:?}"
    );
    assert!(rows[3].contains("| yes |"), "the locked one: {rows:?}");
    assert!(!text(&routed).contains(UNLOADED_SNAPSHOT), "only loaded ones");
    assert_eq!(
        rows.last().unwrap(),
        &format!("[Open in IP Fabric]({}/snapshot-management)", fake.url())
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn get_inventory_asks_the_filter_then_its_values_then_lists_the_devices() {
    let (fake, fixture) = ipfabric().await;

    let keys = fixture.typed(USER, "ipfabric get-inventory").await;
    assert_eq!(
        choice_values(prompted(&keys)),
        ["site", "model", "platform", "vendor"]
    );
    let sites = fixture
        .answer(USER, &prompted(&keys).continuation, &["site"])
        .await;
    assert_eq!(choice_values(prompted(&sites)), ["LON-HQ", "NYC-DC1", "SIN-BR1"]);
    let routed = fixture
        .answer(USER, &prompted(&sites).continuation, &["LON-HQ"])
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    let rows = lines(&routed);
    assert_eq!(rows[0], "Devices with site LON-HQ");
    assert_eq!(
        rows[3],
        "lon-rtr-01 | LON-HQ | cisco | isr4400 | ISR4451-X/K9 | 73 | 17.9.4a | FGL231091AB | 10.20.0.1"
    );
    assert_eq!(rows.len(), 1 + 5 + 1);
    assert_eq!(
        rows[6],
        format!(
            "{ON_LAST} · [Open in IP Fabric]({}/inventory/devices)",
            fake.url()
        )
    );
    let asked = fake.table_queries("tables/inventory/devices");
    assert_eq!(
        asked.last().unwrap()["filters"],
        json!({"siteName": ["ieq", "LON-HQ"]})
    );
    assert_eq!(asked.last().unwrap()["snapshot"], LAST_SNAPSHOT);

    let vendor = fixture.typed(USER, "ipfabric get-inventory VENDOR juniper").await;
    assert_eq!(
        lines(&vendor)[1..3].iter().map(|r| &r[..11]).collect::<Vec<_>>(),
        ["nyc-edge-01", "sin-rtr-01 "]
    );
    let unknown = fixture.typed(USER, "ipfabric get-inventory colour red").await;
    assert_private_error(
        &unknown,
        "`colour` is not a filter of `/ipfabric get-inventory`; use one of: site, model, platform, vendor.",
    );
}

#[tokio::test]
async fn interfaces_asks_the_device_and_metric_and_reads_each_metric() {
    let (_fake, fixture) = ipfabric().await;

    let devices = fixture.typed(USER, "ipfabric interfaces").await;
    let hostnames = choice_values(prompted(&devices));
    assert_eq!(hostnames.len(), 12);
    assert_eq!(hostnames[0], "lon-ap-01", "sorted hostnames, no ids");
    let metrics = fixture.typed(USER, "ipfabric interfaces nyc-edge-01").await;
    assert_eq!(choice_values(prompted(&metrics)), ["load", "errors", "drops"]);

    let load = fixture.typed(USER, "ipfabric interfaces nyc-edge-01 load").await;
    assert_eq!(
        lines(&load)[..5],
        [
            "Interface load of nyc-edge-01",
            "fxp0 | 5750000 | 7770",
            "ge-0/0/2 | 0 | 0",
            "xe-0/0/0 | 37500000 | 50675",
            "xe-0/0/1 | 95000000 | 128378",
        ]
    );
    let errors = fixture
        .typed(USER, "ipfabric interfaces nyc-edge-01 errors")
        .await;
    assert_eq!(
        lines(&errors)[2],
        "xe-0/0/0 | 0.0035 | 0.35",
        "rates cut to four decimals"
    );
    let drops = fixture.typed(USER, "ipfabric interfaces NYC-EDGE-01 drops").await;
    assert_eq!(lines(&drops)[0], "Interface drops of NYC-EDGE-01");
    assert_eq!(lines(&drops).len(), 1 + 3 + 1, "the interfaces that are up");
    let none = fixture.typed(USER, "ipfabric interfaces nowhere-01 load").await;
    assert!(text(&none).starts_with("IP Fabric has no interface load of `nowhere-01`."));
}

#[tokio::test]
async fn routing_asks_protocol_and_state_and_filters_by_state() {
    let (_fake, fixture) = ipfabric().await;

    let protocols = fixture.typed(USER, "ipfabric routing nyc-edge-01").await;
    assert_eq!(choice_values(prompted(&protocols)), ["bgp-neighbors"]);
    assert_eq!(prompted(&protocols).choices[0].label, "BGP neighbors");
    let states = fixture
        .typed(USER, "ipfabric routing nyc-edge-01 bgp-neighbors")
        .await;
    assert_eq!(
        choice_values(prompted(&states))[..3],
        ["any", "established", "idle"]
    );

    let any = fixture
        .typed(USER, "ipfabric routing nyc-edge-01 bgp-neighbors any")
        .await;
    assert_eq!(lines(&any).len(), 1 + 6 + 1);
    let idle = fixture
        .typed(USER, "ipfabric routing nyc-edge-01 bgp-neighbors idle")
        .await;
    assert_eq!(
        lines(&idle)[..2],
        [
            "BGP neighbors of nyc-edge-01 in state idle",
            "nyc-edge-01 | 65010 | ge-0/0/2 | 198.51.100.2 | default | — | 198.51.100.1 | 174 | idle | 0",
        ]
    );
    let connect = fixture
        .typed(USER, "ipfabric routing nyc-edge-01 bgp-neighbors connect")
        .await;
    assert!(text(&connect).starts_with("`nyc-edge-01` has no BGP neighbor in state connect."));
}

#[tokio::test]
async fn wireless_lists_ssids_or_the_clients_of_one_chosen_from_a_menu() {
    let (_fake, fixture) = ipfabric().await;

    let options = fixture.typed(USER, "ipfabric wireless").await;
    assert_eq!(choice_values(prompted(&options)), ["ssids", "clients"]);
    let ssids = fixture.typed(USER, "ipfabric wireless ssids").await;
    assert_eq!(
        lines(&ssids)[2],
        "Corp-WiFi | LON-HQ | lon-ap-01 | 802.11ax - 5 GHz | up | 2"
    );
    assert_eq!(lines(&ssids).len(), 1 + 10 + 1);

    let menu = fixture.typed(USER, "ipfabric wireless clients").await;
    assert_eq!(
        choice_values(prompted(&menu)),
        ["Corp-WiFi", "Guest", "IoT-Sensors"]
    );
    let clients = fixture
        .answer(USER, &prompted(&menu).continuation, &["Corp-WiFi"])
        .await;
    assert_eq!(
        lines(&clients)[..3],
        [
            "Wireless clients of Corp-WiFi",
            "lon-wlc-01 | LON-HQ | lon-ap-01 | a4c3.f0e2.1b7d | 10.20.30.101 | Corp-WiFi | -52 | 41 | RUN",
            "lon-wlc-01 | LON-HQ | lon-ap-01 | 3c22.fb10.8e41 | 10.20.30.102 | Corp-WiFi | -58 | 36 | RUN",
        ]
    );
    let guest = fixture.typed(USER, "ipfabric wireless clients Guest").await;
    assert!(text(&guest).starts_with("No client is on the SSID `Guest`."));
}

#[tokio::test]
async fn find_host_by_ip_or_by_a_mac_in_any_form() {
    let (_fake, fixture) = ipfabric().await;

    let keys = fixture.typed(USER, "ipfabric find-host").await;
    assert_eq!(choice_values(prompted(&keys)), ["ip", "mac"]);
    assert_eq!(prompted(&keys).choices[0].label, "Host IP address");
    let form = fixture.typed(USER, "ipfabric find-host mac").await;
    let Reply::Prompt(Prompt::Form(form)) = &form.reply else {
        panic!("a form: {:?}", form.reply);
    };
    assert_eq!(form.fields[0].label, "MAC address");

    let host = "10.20.10.15 | — | lon-pc-0415.corp.example.com | LON-HQ | lon-sw-01 GigabitEthernet1/0/2 | lon-rtr-01 GigabitEthernet0/0/1 | — | f8bc.1245.9a0e | Dell Inc. | 10";
    let by_ip = fixture.typed(USER, "ipfabric find-host ip 10.20.10.15").await;
    assert_eq!(lines(&by_ip)[..2], ["Hosts with IP 10.20.10.15", host]);
    for mac in ["f8:bc:12:45:9a:0e", "F8-BC-12-45-9A-0E", "f8bc.1245.9a0e"] {
        let by_mac = fixture
            .typed(USER, &format!("ipfabric find-host mac {mac}"))
            .await;
        assert_eq!(
            lines(&by_mac)[..2],
            ["Hosts with MAC f8bc.1245.9a0e", host],
            "{mac}"
        );
    }
    let wireless = fixture.typed(USER, "ipfabric find-host ip 10.20.30.101").await;
    assert!(
        lines(&wireless)[1].contains("| lon-ap-01 Corp-WiFi |"),
        "{:?}",
        lines(&wireless)
    );
    let bad = fixture.typed(USER, "ipfabric find-host ip 10.20.300.1").await;
    assert_private_error(&bad, "`10.20.300.1` is not a valid IP address.");
    let unknown = fixture.typed(USER, "ipfabric find-host ip 192.0.2.1").await;
    assert!(text(&unknown).starts_with("IP Fabric knows no host with the IP `192.0.2.1`."));
}

#[tokio::test]
async fn a_linked_user_reads_with_their_own_token_in_ip_fabrics_header() {
    let fake = FakeIpFabric::start().await;
    let mut fixture = fixture_for(&["ipfabric"]);
    let setup = Setup {
        alice: Some(fake_ipfabric::READ_ONLY_TOKEN),
        ..Setup::default()
    };
    serve(&mut fixture, &fake.url(), setup);

    fixture.typed(ADMIN1, "ipfabric get-loaded-snapshots").await;
    fixture.typed(USER, "ipfabric get-loaded-snapshots").await;

    let tokens: Vec<Option<String>> = fake
        .requests()
        .iter()
        .map(|r| r.header("x-api-token").map(str::to_owned))
        .collect();
    assert_eq!(
        tokens,
        [
            Some(fake_ipfabric::READ_ONLY_TOKEN.to_owned()),
            Some(fake_ipfabric::ADMIN_TOKEN.to_owned())
        ],
        "alice's own, then the Integration's for the unlinked user"
    );
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
}

#[tokio::test]
async fn two_integrations_serve_their_own_commands_and_appliances() {
    let (main, lab) = (FakeIpFabric::start().await, FakeIpFabric::start().await);
    let mut fixture = fixture_for(&["ipfabric", "ipfabric_lab"]);
    serve(&mut fixture, &main.url(), Setup::default());
    let lab_setup = Setup {
        command: "ipfabric_lab",
        settings: Some(chatops_crds::settings::IpfabricSettings {
            snapshot: Some("$prev".to_owned()),
            nautobot: None,
        }),
        ..Setup::default()
    };
    serve(&mut fixture, &lab.url(), lab_setup);

    let here = fixture.typed(USER, "ipfabric get-inventory site LON-HQ").await;
    let there = fixture
        .typed(USER, "ipfabric_lab get-inventory site LON-HQ")
        .await;

    assert_eq!(lines(&here).len(), 1 + 5 + 1);
    assert_eq!(
        lines(&there).len(),
        1 + 4 + 1,
        "the lab reads its own default, $prev"
    );
    assert!(text(&there).contains(&lab.url()), "links to its own appliance");
    assert_eq!(main.table_queries("tables/inventory/devices").len(), 1);
    assert_eq!(lab.table_queries("tables/inventory/devices").len(), 1);
}

#[tokio::test]
async fn tables_are_read_page_after_page() {
    let fake = FakeIpFabric::start().await;
    let mut fixture = fixture_for(&["ipfabric"]);
    serve(
        &mut fixture,
        &fake.url(),
        Setup {
            page: 2,
            ..Setup::default()
        },
    );

    let routed = fixture.typed(USER, "ipfabric get-inventory site NYC-DC1").await;

    assert_eq!(lines(&routed).len(), 1 + 5 + 1);
    let starts: Vec<Value> = fake
        .table_queries("tables/inventory/devices")
        .iter()
        .map(|q| q["pagination"].clone())
        .collect();
    assert_eq!(
        starts,
        [
            json!({"start": 0, "limit": 2}),
            json!({"start": 2, "limit": 2}),
            json!({"start": 4, "limit": 2})
        ]
    );
}
