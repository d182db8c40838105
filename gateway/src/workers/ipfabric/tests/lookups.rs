//! The path lookups (their PNG and summary, and their forms) and the table
//! diffs (each menu step, and both directions).

use chatops_testkit::fake_ipfabric::{LAST_SNAPSHOT, LOCKED_SNAPSHOT, PREV_SNAPSHOT};
use serde_json::json;

use super::*;
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{USER, assert_private_error, choice_values, prompted};
use crate::model::{FieldKind, Prompt};

#[tokio::test]
async fn pathlookup_answers_the_diagram_as_a_png_file_and_a_summary() {
    let (fake, fixture) = ipfabric().await;

    let routed = fixture
        .typed(USER, "ipfabric pathlookup 10.20.10.15 10.10.10.21 1025 23 tcp")
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        lines(&routed)[..3],
        [
            "Path lookup tcp 10.20.10.15 port 1025 → 10.10.10.21 port 23",
            "Verdict: the traffic is dropped at nyc-fw-01 (zone firewall deny, policy deny-telnet).",
            "Hops (4): lon-rtr-01 → nyc-fw-01 → nyc-edge-01 → nyc-core-01",
        ]
    );
    let image = picture(&routed);
    assert_eq!(image.file_name, "pathlookup-10.20.10.15-10.10.10.21.png");
    assert!(image.bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    let graphs: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/graphs"))
        .collect();
    assert_eq!(graphs.len(), 2, "the JSON and the picture");
    let asked = graphs[1].json();
    assert_eq!(asked["snapshot"], LAST_SNAPSHOT);
    assert_eq!(
        asked["parameters"]["l4Options"],
        json!({"srcPorts": "1025", "dstPorts": "23", "flags": []})
    );

    let web = fixture
        .typed(USER, "ipfabric pathlookup 10.20.10.15 10.10.10.21 1025 443 TCP")
        .await;
    assert_eq!(lines(&web)[1], "Verdict: the traffic passes.");
}

#[tokio::test]
async fn pathlookup_asks_what_is_missing_in_a_form_and_checks_what_is_typed() {
    let (_fake, fixture) = ipfabric().await;

    let form = fixture.typed(USER, "ipfabric pathlookup 10.20.10.15").await;
    let Reply::Prompt(Prompt::Form(form)) = &form.reply else {
        panic!("a form: {:?}", form.reply);
    };
    let labels: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Destination IP", "Source ports", "Destination ports", "Protocol"]
    );
    assert_eq!(form.fields[3].default.as_deref(), Some("tcp"));
    let answered = fixture
        .answer(USER, &form.continuation, &["10.10.10.21", "1000", "22", "udp"])
        .await;
    assert_eq!(
        lines(&answered)[0],
        "Path lookup udp 10.20.10.15 port 1000 → 10.10.10.21 port 22"
    );

    let bad_ip = fixture
        .typed(USER, "ipfabric pathlookup 10.20.10 10.10.10.21 1 2 tcp")
        .await;
    assert_private_error(&bad_ip, "`10.20.10` is not an IP address.");
    let bad_ports = fixture
        .typed(USER, "ipfabric pathlookup 10.20.10.15 10.10.10.21 1 http tcp")
        .await;
    assert_private_error(
        &bad_ports,
        "`http` are not ports: give a port, a range (`1024-65535`) or a list (`80,443`).",
    );
    let sctp = fixture
        .typed(USER, "ipfabric pathlookup 10.20.10.15 10.10.10.21 1 2 sctp")
        .await;
    assert_private_error(
        &sctp,
        "`sctp` is not a protocol of `/ipfabric pathlookup`; use one of: tcp, udp.",
    );
}

#[tokio::test]
async fn pathlookup_icmp_takes_a_type_by_name_and_offers_them_in_its_form() {
    let (fake, fixture) = ipfabric().await;

    let form = fixture.typed(USER, "ipfabric pathlookup-icmp").await;
    let Reply::Prompt(Prompt::Form(form)) = &form.reply else {
        panic!("a form: {:?}", form.reply);
    };
    let FieldKind::Select(types) = &form.fields[2].kind else {
        panic!("a select");
    };
    assert_eq!(types[0].value, "echo-request");

    let routed = fixture
        .typed(
            USER,
            "ipfabric pathlookup-icmp 10.20.10.15 10.10.10.21 ECHO_REQUEST",
        )
        .await;
    assert_eq!(
        lines(&routed)[0],
        "Path lookup icmp echo-request 10.20.10.15 → 10.10.10.21"
    );
    assert_eq!(
        picture(&routed).file_name,
        "pathlookup-10.20.10.15-10.10.10.21.png"
    );
    let asked = fake.requests().last().unwrap().json();
    assert_eq!(asked["parameters"]["protocol"], "icmp");
    assert_eq!(asked["parameters"]["l4Options"], json!({"type": 8, "code": 0}));
    let unknown = fixture
        .typed(USER, "ipfabric pathlookup-icmp 10.20.10.15 10.10.10.21 ping")
        .await;
    assert!(
        text(&unknown).starts_with("`ping` is not a ICMP type"),
        "{}",
        text(&unknown)
    );
}

#[tokio::test]
async fn table_diff_asks_each_step_and_compares_with_the_chosen_snapshot() {
    let (_fake, fixture) = ipfabric().await;

    let categories = fixture.typed(USER, "ipfabric table-diff").await;
    assert_eq!(
        choice_values(prompted(&categories)),
        ["inventory", "routing", "wireless"]
    );
    let tables = fixture.typed(USER, "ipfabric table-diff inventory").await;
    assert_eq!(
        choice_values(prompted(&tables)),
        ["devices", "interfaces", "sites", "hosts"]
    );
    let views = fixture.typed(USER, "ipfabric table-diff inventory devices").await;
    assert_eq!(choice_values(prompted(&views)), ["summary", "detailed"]);
    let snapshots = fixture
        .typed(USER, "ipfabric table-diff inventory devices summary")
        .await;
    let menu = prompted(&snapshots);
    assert_eq!(
        choice_values(menu),
        [PREV_SNAPSHOT, LOCKED_SNAPSHOT],
        "the others that are loaded"
    );
    assert_eq!(
        menu.choices[1].label, "Baseline before CHG-4711 · 2026-11-26 02:50 UTC · loaded, locked",
        "named, dated, never an id alone"
    );

    let summary = fixture.answer(USER, &menu.continuation, &[LOCKED_SNAPSHOT]).await;
    assert_eq!(summary.outcome, Outcome::Succeeded);
    assert_eq!(lines(&summary)[1..4], ["Added: 2", "Removed: 0", "Changed: 0"]);

    let detailed = fixture
        .typed(USER, "ipfabric table-diff inventory devices detailed $prev")
        .await;
    assert_eq!(
        lines(&detailed)[1..5],
        [
            "Added (1)",
            "lon-ap-02 | LON-HQ | cisco | AIR-AP3802I-E-K9 | 8.10.185.0 | FJC2233M0AB | 10.20.30.12",
            "Removed: none",
            "Changed: none",
        ]
    );
    let backwards = fixture
        .typed(
            USER,
            "ipfabric table-diff inventory devices summary $last snapshot=$prev",
        )
        .await;
    assert_eq!(lines(&backwards)[1..4], ["Added: 0", "Removed: 1", "Changed: 0"]);
}
