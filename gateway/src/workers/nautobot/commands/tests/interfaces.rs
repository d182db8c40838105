//! `get-interface-connections`: each cable once, peers outside the filter
//! marked with `*`.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::super::interfaces::{Interface, render_connections};
use super::{assert_said, headings, message, read, rows, table, texts};
use crate::model::Level;

/// An interface of the interfaces query cabled to `peer` (device, interface).
fn cabled(device: &str, name: &str, peer: (&str, &str)) -> Value {
    json!({
        "name": name,
        "device": {"name": device},
        "cable": {"status": {"name": "Connected"}},
        "connected_endpoint": {"__typename": "InterfaceType", "name": peer.1, "device": {"name": peer.0}}
    })
}

/// An interface without a cable.
fn free(device: &str, name: &str) -> Value {
    json!({"name": name, "device": {"name": device}, "cable": null, "connected_endpoint": null})
}

/// The seed's cables of ams01, as the interfaces query answers for `devices`:
/// spine-01 Ethernet1–leaf-01 Ethernet1, spine-01 Ethernet2–leaf-02
/// Ethernet1, leaf-01 Ethernet3–leaf-02 Ethernet3, and edge-01 Ethernet1 to
/// a circuit.
fn interfaces_of(devices: &[&str]) -> Vec<Interface> {
    let all = [
        (
            "ams01-spine-01",
            "Ethernet1",
            Some(("ams01-leaf-01", "Ethernet1")),
        ),
        (
            "ams01-spine-01",
            "Ethernet2",
            Some(("ams01-leaf-02", "Ethernet1")),
        ),
        ("ams01-spine-01", "Management1", None),
        (
            "ams01-leaf-01",
            "Ethernet1",
            Some(("ams01-spine-01", "Ethernet1")),
        ),
        ("ams01-leaf-01", "Ethernet3", Some(("ams01-leaf-02", "Ethernet3"))),
        ("ams01-leaf-01", "Management1", None),
        (
            "ams01-leaf-02",
            "Ethernet1",
            Some(("ams01-spine-01", "Ethernet2")),
        ),
        ("ams01-leaf-02", "Ethernet3", Some(("ams01-leaf-01", "Ethernet3"))),
    ];
    let mut listed: Vec<Value> = all
        .into_iter()
        .filter(|(device, _, _)| devices.contains(device))
        .map(|(device, name, peer)| match peer {
            Some(peer) => cabled(device, name, peer),
            None => free(device, name),
        })
        .collect();
    if devices.contains(&"ams01-edge-01") {
        listed.push(json!({
            "name": "Ethernet1",
            "device": {"name": "ams01-edge-01"},
            "cable": {"status": {"name": "Connected"}},
            "connected_endpoint": {"__typename": "CircuitTerminationType"}
        }));
    }
    read(Value::Array(listed))
}

const COLUMNS: [&str; 5] = ["Device A", "Interface A", "Device B", "Interface B", "Status"];

#[test]
fn one_device_s_connections_mark_every_peer_outside_the_filter() {
    let selected = HashSet::from(["ams01-leaf-01"]);

    let reply = render_connections(
        "Interface connections of ams01-leaf-01",
        &interfaces_of(&["ams01-leaf-01"]),
        Some(&selected),
    );

    assert_eq!(
        message(&reply).title.as_deref(),
        Some("Interface connections of ams01-leaf-01")
    );
    let table = table(&reply);
    assert_eq!(headings(table), COLUMNS);
    assert_eq!(
        rows(table),
        [
            [
                "ams01-leaf-01",
                "Ethernet1",
                "*ams01-spine-01",
                "Ethernet1",
                "Connected"
            ],
            [
                "ams01-leaf-01",
                "Ethernet3",
                "*ams01-leaf-02",
                "Ethernet3",
                "Connected"
            ],
        ]
    );
    assert_eq!(texts(&reply), ["`*` marks a device outside the filter."]);
}

#[test]
fn a_cable_between_two_devices_of_the_filter_is_shown_once_and_unmarked() {
    let leaves = ["ams01-leaf-01", "ams01-leaf-02"];
    let selected: HashSet<&str> = leaves.into_iter().collect();

    let reply = render_connections(
        "Interface connections of devices where role is leaf",
        &interfaces_of(&leaves),
        Some(&selected),
    );

    assert_eq!(
        rows(table(&reply)),
        [
            [
                "ams01-leaf-01",
                "Ethernet1",
                "*ams01-spine-01",
                "Ethernet1",
                "Connected"
            ],
            [
                "ams01-leaf-01",
                "Ethernet3",
                "ams01-leaf-02",
                "Ethernet3",
                "Connected"
            ],
            [
                "ams01-leaf-02",
                "Ethernet1",
                "*ams01-spine-01",
                "Ethernet2",
                "Connected"
            ],
        ]
    );
    assert_eq!(texts(&reply), ["`*` marks a device outside the filter."]);
}

#[test]
fn all_connections_show_each_cable_once_without_marks() {
    let everything = [
        "ams01-spine-01",
        "ams01-leaf-01",
        "ams01-leaf-02",
        "ams01-edge-01",
    ];

    let reply = render_connections("All interface connections", &interfaces_of(&everything), None);

    assert_eq!(
        rows(table(&reply)),
        [
            [
                "ams01-leaf-01",
                "Ethernet1",
                "ams01-spine-01",
                "Ethernet1",
                "Connected"
            ],
            [
                "ams01-leaf-01",
                "Ethernet3",
                "ams01-leaf-02",
                "Ethernet3",
                "Connected"
            ],
            [
                "ams01-leaf-02",
                "Ethernet1",
                "ams01-spine-01",
                "Ethernet2",
                "Connected"
            ],
        ],
        "the cable to a circuit is not an interface connection"
    );
    assert!(texts(&reply).is_empty(), "no `*` note: {reply:?}");
}

#[test]
fn a_cable_s_status_is_shown_and_a_dash_when_hidden() {
    let interfaces: Vec<Interface> = read(json!([
        {
            "name": "Ethernet4",
            "device": {"name": "nyc01-leaf-01"},
            "cable": {"status": {"name": "Planned"}},
            "connected_endpoint": {"__typename": "InterfaceType", "name": "Ethernet4", "device": {"name": "nyc01-leaf-02"}}
        },
        {
            "name": "Ethernet5",
            "device": {"name": "nyc01-leaf-01"},
            "cable": {"status": null},
            "connected_endpoint": {"__typename": "InterfaceType", "name": "Ethernet5", "device": {"name": "nyc01-leaf-02"}}
        }
    ]));

    let reply = render_connections("All interface connections", &interfaces, None);

    assert_eq!(
        rows(table(&reply)),
        [
            [
                "nyc01-leaf-01",
                "Ethernet4",
                "nyc01-leaf-02",
                "Ethernet4",
                "Planned"
            ],
            ["nyc01-leaf-01", "Ethernet5", "nyc01-leaf-02", "Ethernet5", "—"],
        ]
    );
}

#[test]
fn without_cabled_interfaces_it_says_so() {
    let selected = HashSet::from(["ams01-edge-01"]);

    let reply = render_connections(
        "Interface connections of ams01-edge-01",
        &interfaces_of(&["ams01-edge-01"]),
        Some(&selected),
    );

    assert_said(
        &reply,
        Level::Info,
        "Interface connections of ams01-edge-01: no cabled connections that you may see.",
    );
    assert_said(
        &render_connections("All interface connections", &[], None),
        Level::Info,
        "All interface connections: no cabled connections that you may see.",
    );
}
