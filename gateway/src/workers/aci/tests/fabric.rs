//! `get-nodes`, `get-controllers`, `get-pending-nodes` and
//! `get-interfaces` against the fake APIC: the menus of pods and nodes by
//! name, the state filter, and paging with its cap.

use chatops_testkit::fake_apic::{FakeApic, INACTIVE_NODE, PENDING_LEAF, PENDING_SPINE};

use super::{AS_ADMIN, apic, column, fixture_with, said, tables};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{USER, assert_private_error, choice_values, menu, message, prompted};
use crate::model::Level;
use crate::workers::aci::Limits;

#[tokio::test]
async fn get_nodes_lists_the_switches_and_get_controllers_the_apics() {
    let (_fake, fixture) = apic().await;

    let nodes = fixture.typed(USER, "aci get-nodes").await;
    assert_eq!(column(&nodes, 1), ["101", "102", "103", "104", "201", "202"]);
    let table = tables(&nodes)[0];
    assert_eq!(
        table.columns,
        [
            "Pod", "ID", "Name", "Model", "Role", "Serial", "TEP IP", "OOB IP", "Uptime", "State"
        ]
    );
    assert_eq!(
        table.rows[0],
        [
            "1",
            "101",
            "leaf-101",
            "N9K-C93180YC-FX",
            "leaf",
            "FDO22151A01",
            "10.0.72.64",
            "192.168.10.101",
            "32:07:13:52.000",
            "active"
        ]
    );
    let inactive = table.rows.iter().find(|r| r[1] == INACTIVE_NODE).unwrap();
    assert_eq!(
        (&inactive[0], &inactive[7], &inactive[8], &inactive[9]),
        (
            &"1".to_owned(),
            &"—".to_owned(),
            &"—".to_owned(),
            &"inactive".to_owned()
        ),
        "a lost node has no system: its pod comes from its DN"
    );

    let controllers = fixture.typed(USER, "aci get-controllers").await;
    assert_eq!(message(&controllers).title.as_deref(), Some("APIC controllers"));
    assert_eq!(column(&controllers, 2), ["apic1", "apic2", "apic3"]);
    assert_eq!(tables(&controllers)[0].rows[0][9], "in-service");
}

#[tokio::test]
async fn get_pending_nodes_lists_the_switches_waiting() {
    let (_fake, fixture) = apic().await;

    let routed = fixture.typed(USER, "aci get-pending-nodes").await;

    assert_eq!(
        tables(&routed)[0].rows,
        [
            [PENDING_LEAF, "0", "N9K-C93180YC-FX3", "leaf", "yes"],
            [PENDING_SPINE, "0", "N9K-C9364C", "spine", "yes"]
        ]
    );
}

#[tokio::test]
async fn get_interfaces_asks_pod_node_and_state_by_name_then_filters() {
    let (_fake, fixture) = apic().await;

    let pods = fixture.typed(USER, "aci get-interfaces").await;
    let pods_menu = prompted(&pods);
    assert_eq!(choice_values(pods_menu), ["1"]);
    assert_eq!(pods_menu.choices[0].label, "pod-1");
    let nodes = fixture.answer(USER, &pods_menu.continuation, &["1"]).await;
    let nodes_menu = prompted(&nodes);
    assert_eq!(
        choice_values(nodes_menu),
        ["101", "102", "103", "201", "202"],
        "active switches only"
    );
    assert_eq!(nodes_menu.choices[0].label, "leaf-101 (101)");
    let states = fixture.answer(USER, &nodes_menu.continuation, &["101"]).await;
    assert_eq!(choice_values(prompted(&states)), ["up", "down", "all"]);
    let down = fixture.answer(USER, &menu(&states).continuation, &["down"]).await;

    assert_eq!(
        message(&down).title.as_deref(),
        Some("Node 101 (pod-1): interfaces down")
    );
    assert_eq!(
        tables(&down)[0].rows,
        [
            [
                "eth1/5",
                "—",
                "10G",
                "Layer2",
                "trunk",
                "down",
                "sfp-missing",
                "discovery"
            ],
            [
                "eth1/6",
                "—",
                "10G",
                "Layer2",
                "trunk",
                "down",
                "sfp-missing",
                "discovery"
            ],
            [
                "eth1/7",
                "—",
                "10G",
                "Layer2",
                "trunk",
                "down",
                "admin-down",
                "discovery"
            ]
        ]
    );
    let up = fixture.typed(USER, "aci get-interfaces pod-1 101 up").await;
    assert_eq!(
        column(&up, 0),
        [
            "eth1/1", "eth1/2", "eth1/3", "eth1/4", "eth1/8", "eth1/49", "eth1/50"
        ]
    );
    assert_eq!(tables(&up)[0].rows[0][1], "server-101-1");
    let all = fixture.typed(USER, "aci get-interfaces 1 201 all").await;
    assert_eq!(column(&all, 0).len(), 4);
}

#[tokio::test]
async fn an_unknown_node_or_state_is_said() {
    let (_fake, fixture) = apic().await;

    let unknown = fixture.typed(USER, "aci get-interfaces 1 999 all").await;
    assert_eq!(
        said(&unknown),
        (
            Level::Info,
            "APIC has no interfaces of node 999 in pod 1.".to_owned()
        )
    );
    let state = fixture.typed(USER, "aci get-interfaces 1 101 flapping").await;
    assert_private_error(&state, "`flapping` is no interface state: use up, down or all.");
    let words = fixture.typed(USER, "aci get-interfaces one leaf-101 all").await;
    assert_private_error(
        &words,
        "The pod and node are numbers (`1 101`), not `one leaf-101`; leave them out to pick from menus.",
    );
}

#[tokio::test]
async fn interfaces_are_read_a_page_at_a_time_up_to_a_cap_that_is_said() {
    let fake = FakeApic::start().await;
    let limits = Limits {
        page_size: 3,
        max_objects: 5,
    };
    let fixture = fixture_with(&fake.url(), &AS_ADMIN, limits);

    let routed = fixture.typed(USER, "aci get-interfaces 1 101 all").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        column(&routed, 0),
        ["eth1/1", "eth1/2", "eth1/3", "eth1/4", "eth1/5"]
    );
    let (_, note) = said(&routed);
    assert_eq!(
        note,
        "Read the first 5 of the 10 interfaces of node 101; the rest are left out."
    );
    let pages: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/l1PhysIf.json"))
        .map(|r| r.query)
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(
        pages[0].contains("page-size=3") && pages[0].contains("page=0"),
        "{}",
        pages[0]
    );
    assert!(pages[1].contains("page=1"), "{}", pages[1]);

    let whole = fixture_with(
        &fake.url(),
        &AS_ADMIN,
        Limits {
            page_size: 4,
            max_objects: 100,
        },
    );
    let routed = whole.typed(USER, "aci get-interfaces 1 102 all").await;
    assert_eq!(column(&routed, 0).len(), 10, "every page read");
    assert_eq!(said(&routed).1, "", "nothing left out");
}
