//! `get-interface-connections`: each cable once, peers outside the filter
//! marked with `*`, and what the user may not view said to be hidden.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::super::interfaces::{
    INTERFACE_DEVICE, INTERFACE_PATH, Interface, connection_nulls, render_connections,
};
use super::{assert_asks, assert_said, lines, read, rows, table, texts, titled_table};
use crate::model::{Level, Reply};
use crate::workers::nautobot::visibility::Empties;

/// An interface of the interfaces query (`has_cable: true`) cabled to `peer`
/// (device, interface).
fn cabled(device: &str, name: &str, peer: (&str, &str)) -> Value {
    json!({
        "id": format!("{device}:{name}"),
        "name": name,
        "device": {"name": device},
        "cable": {"status": {"name": "Connected"}},
        "path": {"destination_type": {"app_label": "dcim", "model": "interface"}},
        "connected_endpoint": {"__typename": "InterfaceType", "name": peer.1, "device": {"name": peer.0}}
    })
}

/// The seed's cables of ams01, as the interfaces query answers for `devices`
/// (only interfaces with a cable): spine-01 Ethernet1–leaf-01 Ethernet1,
/// spine-01 Ethernet2–leaf-02 Ethernet1, leaf-01 Ethernet3–leaf-02 Ethernet3,
/// and edge-01 Ethernet1 to a circuit.
fn interfaces_of(devices: &[&str]) -> Vec<Interface> {
    let all = [
        ("ams01-spine-01", "Ethernet1", ("ams01-leaf-01", "Ethernet1")),
        ("ams01-spine-01", "Ethernet2", ("ams01-leaf-02", "Ethernet1")),
        ("ams01-leaf-01", "Ethernet1", ("ams01-spine-01", "Ethernet1")),
        ("ams01-leaf-01", "Ethernet3", ("ams01-leaf-02", "Ethernet3")),
        ("ams01-leaf-02", "Ethernet1", ("ams01-spine-01", "Ethernet2")),
        ("ams01-leaf-02", "Ethernet3", ("ams01-leaf-01", "Ethernet3")),
    ];
    let mut listed: Vec<Value> = all
        .into_iter()
        .filter(|(device, _, _)| devices.contains(device))
        .map(|(device, name, peer)| cabled(device, name, peer))
        .collect();
    if devices.contains(&"ams01-edge-01") {
        listed.push(json!({
            "id": "ams01-edge-01:Ethernet1",
            "name": "Ethernet1",
            "device": {"name": "ams01-edge-01"},
            "cable": {"status": {"name": "Connected"}},
            "path": {"destination_type": {"app_label": "circuits", "model": "circuittermination"}},
            "connected_endpoint": {"__typename": "CircuitTerminationType"}
        }));
    }
    read(Value::Array(listed))
}

/// The table of every one of `interfaces`' connections (no filter),
/// Nautobot having said `empties` of their `null`s.
fn all_connections(interfaces: &[Interface], empties: &Empties) -> Reply {
    render_connections("All interface connections", interfaces, None, empties)
}

/// The table `title` of the connections of the seed's `devices` (the
/// filter), as an admin sees them.
fn connections_of(title: &str, devices: &[&str]) -> Reply {
    let selected: HashSet<&str> = devices.iter().copied().collect();
    render_connections(
        title,
        &interfaces_of(devices),
        Some(&selected),
        &Empties::default(),
    )
}

#[test]
fn one_device_s_connections_mark_every_peer_outside_the_filter() {
    let reply = connections_of("Interface connections of ams01-leaf-01", &["ams01-leaf-01"]);

    let table = titled_table(
        &reply,
        "Interface connections of ams01-leaf-01",
        "Device A | Interface A | Device B | Interface B | Status",
    );
    assert_eq!(
        rows(table),
        lines(&[
            "ams01-leaf-01 | Ethernet1 | *ams01-spine-01 | Ethernet1 | Connected",
            "ams01-leaf-01 | Ethernet3 | *ams01-leaf-02 | Ethernet3 | Connected",
        ])
    );
    assert_eq!(texts(&reply), ["`*` marks a device outside the filter."]);
}

#[test]
fn a_cable_between_two_devices_of_the_filter_is_shown_once_and_unmarked() {
    let reply = connections_of(
        "Interface connections of devices where role is leaf",
        &["ams01-leaf-01", "ams01-leaf-02"],
    );

    assert_eq!(
        rows(table(&reply)),
        lines(&[
            "ams01-leaf-01 | Ethernet1 | *ams01-spine-01 | Ethernet1 | Connected",
            "ams01-leaf-01 | Ethernet3 | ams01-leaf-02 | Ethernet3 | Connected",
            "ams01-leaf-02 | Ethernet1 | *ams01-spine-01 | Ethernet2 | Connected",
        ])
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

    let everything = interfaces_of(&everything);
    assert_eq!(
        connection_nulls(&everything).query(),
        None,
        "nothing to ask an admin about"
    );

    let reply = all_connections(&everything, &Empties::default());

    assert_eq!(
        rows(table(&reply)),
        lines(&[
            "ams01-leaf-01 | Ethernet1 | ams01-spine-01 | Ethernet1 | Connected",
            "ams01-leaf-01 | Ethernet3 | ams01-leaf-02 | Ethernet3 | Connected",
            "ams01-leaf-02 | Ethernet1 | ams01-spine-01 | Ethernet2 | Connected",
        ]),
        "the cable to a circuit is not an interface connection"
    );
    assert!(texts(&reply).is_empty(), "no `*` note: {reply:?}");
}

#[test]
fn a_cable_s_status_is_shown_and_said_hidden_when_the_user_may_not_view_it() {
    let mut planned = cabled("nyc01-leaf-01", "Ethernet4", ("nyc01-leaf-02", "Ethernet4"));
    planned["cable"]["status"]["name"] = json!("Planned");
    let mut status_hidden = cabled("nyc01-leaf-01", "Ethernet5", ("nyc01-leaf-02", "Ethernet5"));
    status_hidden["cable"]["status"] = Value::Null;
    let mut cable_hidden = cabled("nyc01-leaf-01", "Ethernet6", ("nyc01-leaf-02", "Ethernet6"));
    cable_hidden["cable"] = Value::Null;
    let interfaces: Vec<Interface> = read(json!([planned, status_hidden, cable_hidden]));

    let reply = all_connections(&interfaces, &Empties::default());

    assert_eq!(
        rows(table(&reply)),
        lines(&[
            "nyc01-leaf-01 | Ethernet4 | nyc01-leaf-02 | Ethernet4 | Planned",
            "nyc01-leaf-01 | Ethernet5 | nyc01-leaf-02 | Ethernet5 | hidden (you may not view extras.status)",
            "nyc01-leaf-01 | Ethernet6 | nyc01-leaf-02 | Ethernet6 | hidden (you may not view dcim.cable)",
        ]),
        "only cabled interfaces are asked for, and a cable's status is required: never a dash"
    );
}

#[test]
fn a_peer_the_user_may_not_view_is_said_hidden_and_an_unconnected_cable_is_left_out() {
    // The peer interface hidden: the path says it ends at an interface.
    let mut peer_hidden = cabled("ams01-leaf-01", "Ethernet1", ("ams01-spine-01", "Ethernet1"));
    peer_hidden["connected_endpoint"] = Value::Null;
    // The peer's device hidden.
    let mut device_hidden = cabled("ams01-leaf-01", "Ethernet2", ("ams01-spine-01", "Ethernet2"));
    device_hidden["connected_endpoint"]["device"] = Value::Null;
    // A hidden end of another kind: not an interface connection.
    let mut circuit_hidden = cabled("ams01-edge-01", "Ethernet1", ("", ""));
    circuit_hidden["connected_endpoint"] = Value::Null;
    circuit_hidden["path"] =
        json!({"destination_type": {"app_label": "circuits", "model": "circuittermination"}});
    // The path itself hidden (Nautobot says it is active), and a cable to nowhere.
    let mut path_hidden = cabled("ams01-leaf-02", "Ethernet1", ("", ""));
    path_hidden["connected_endpoint"] = Value::Null;
    path_hidden["path"] = Value::Null;
    let mut nowhere = path_hidden.clone();
    nowhere["id"] = json!("ams01-leaf-02:Ethernet2");
    nowhere["name"] = json!("Ethernet2");
    // Its own device hidden, and an interface of a module, which has none.
    let mut own_device_hidden = cabled("x", "Ethernet7", ("nyc01-leaf-02", "Ethernet7"));
    own_device_hidden["device"] = Value::Null;
    let mut of_a_module = cabled("y", "Ethernet8", ("nyc01-leaf-02", "Ethernet8"));
    of_a_module["device"] = Value::Null;
    let interfaces: Vec<Interface> = read(json!([
        peer_hidden,
        device_hidden,
        circuit_hidden,
        path_hidden,
        nowhere,
        own_device_hidden,
        of_a_module
    ]));

    assert_asks(
        &connection_nulls(&interfaces),
        "query ($q0: [String], $q1: [String]) { \
         q0: interfaces(id: $q0, connected: false) { id } \
         q1: interfaces(id: $q1, module__isnull: false) { id } }",
        &json!({
            "q0": ["ams01-leaf-02:Ethernet1", "ams01-leaf-02:Ethernet2"],
            "q1": ["x:Ethernet7", "y:Ethernet8"]
        }),
        "only the paths and devices that came back null, and nothing Nautobot requires",
    );
    let empties = Empties::default()
        .with(&INTERFACE_PATH, &["ams01-leaf-02:Ethernet2"])
        .with(&INTERFACE_DEVICE, &["y:Ethernet8"]);

    let reply = all_connections(&interfaces, &empties);

    let interface_hidden = "hidden (you may not view dcim.interface)";
    let path_hidden = "hidden (you may not view dcim.cablepath)";
    assert_eq!(
        rows(table(&reply)),
        [
            [
                "ams01-leaf-01",
                "Ethernet1",
                interface_hidden,
                interface_hidden,
                "Connected"
            ],
            [
                "ams01-leaf-01",
                "Ethernet2",
                "hidden (you may not view dcim.device)",
                "Ethernet2",
                "Connected"
            ],
            [
                "ams01-leaf-02",
                "Ethernet1",
                path_hidden,
                path_hidden,
                "Connected"
            ],
            [
                "hidden (you may not view dcim.device)",
                "Ethernet7",
                "nyc01-leaf-02",
                "Ethernet7",
                "Connected"
            ],
            ["—", "Ethernet8", "nyc01-leaf-02", "Ethernet8", "Connected"],
        ],
        "the cable to nowhere and the hidden circuit end are left out"
    );
}

#[test]
fn without_cabled_interfaces_it_says_so() {
    let reply = connections_of("Interface connections of ams01-edge-01", &["ams01-edge-01"]);

    assert_said(
        &reply,
        Level::Info,
        "Interface connections of ams01-edge-01: no cabled connections that you may see.",
    );
    assert_said(
        &all_connections(&[], &Empties::default()),
        Level::Info,
        "All interface connections: no cabled connections that you may see.",
    );
}
