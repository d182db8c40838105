//! `get-circuits`, `get-circuit-providers` and `get-circuit-connections`.

use serde_json::{Value, json};

use super::super::circuits::{
    Circuit, Provider, connected_to, render_circuits, render_connections, render_providers,
};
use super::{assert_said, headings, message, object, page, read, rest_list, rows, table, texts};
use crate::model::Level;
use crate::workers::nautobot::Page;

/// `data.circuits` of the circuits query, as the seed has them (and one
/// ending at a provider network).
fn circuits() -> Vec<Circuit> {
    read(json!([
        {
            "cid": "ZAYO-WAN-0001",
            "description": "ams01 <-> nyc01 WAN",
            "provider": {"name": "Zayo"},
            "circuit_type": {"name": "MPLS"},
            "status": {"name": "Active"},
            "tenant": {"name": "Acme"},
            "circuit_termination_a": {"location": {"name": "ams01"}, "provider_network": null},
            "circuit_termination_z": {"location": {"name": "nyc01"}, "provider_network": null}
        },
        {
            "cid": "NTT-AMS-0001",
            "description": "ams01 internet uplink",
            "provider": {"name": "NTT"},
            "circuit_type": {"name": "Internet Transit"},
            "status": {"name": "Active"},
            "tenant": {"name": "Acme"},
            "circuit_termination_a": {"location": {"name": "ams01"}, "provider_network": null},
            "circuit_termination_z": null
        },
        {
            "cid": "ZAYO-NYC-0002",
            "description": "",
            "provider": {"name": "Zayo"},
            "circuit_type": {"name": "Internet Transit"},
            "status": {"name": "Planned"},
            "tenant": null,
            "circuit_termination_a": {"location": null, "provider_network": {"name": "Zayo Metro NYC"}},
            "circuit_termination_z": null
        }
    ]))
}

#[test]
fn get_circuits_shows_each_circuit_with_its_a_and_z_sides_sorted_by_id() {
    let reply = render_circuits(Some(("type", "Internet Transit")), &circuits());

    assert_eq!(
        message(&reply).title.as_deref(),
        Some("Circuits where type is Internet Transit")
    );
    let table = table(&reply);
    assert_eq!(table.title, "Circuits where type is Internet Transit");
    assert_eq!(
        headings(table),
        [
            "Circuit ID",
            "Provider",
            "Type",
            "Status",
            "Tenant",
            "A side",
            "Z side",
            "Description"
        ]
    );
    assert_eq!(
        rows(table),
        [
            [
                "NTT-AMS-0001",
                "NTT",
                "Internet Transit",
                "Active",
                "Acme",
                "ams01",
                "—",
                "ams01 internet uplink"
            ],
            [
                "ZAYO-NYC-0002",
                "Zayo",
                "Internet Transit",
                "Planned",
                "—",
                "Zayo Metro NYC (provider network)",
                "—",
                "—",
            ],
            [
                "ZAYO-WAN-0001",
                "Zayo",
                "MPLS",
                "Active",
                "Acme",
                "ams01",
                "nyc01",
                "ams01 <-> nyc01 WAN"
            ],
        ]
    );
    assert!(texts(&reply).is_empty(), "no note: {reply:?}");
}

#[test]
fn get_circuits_all_is_titled_so_and_no_match_is_said() {
    assert_eq!(
        message(&render_circuits(None, &circuits())).title.as_deref(),
        Some("All circuits")
    );

    assert_said(
        &render_circuits(Some(("provider", "Lumen")), &[]),
        Level::Info,
        "Circuits where provider is Lumen: none that you may see.",
    );
    assert_said(
        &render_circuits(None, &[]),
        Level::Info,
        "All circuits: none that you may see.",
    );
}

/// A provider as `circuits/providers/` lists it.
fn provider(name: &str, asn: Option<u64>, account: &str, circuit_count: u64) -> Value {
    object(
        "circuits.provider",
        "circuits/providers",
        name,
        json!({
            "name": name,
            "asn": asn,
            "account": account,
            "portal_url": "",
            "noc_contact": "",
            "admin_contact": "",
            "comments": "",
            "circuit_count": circuit_count,
            "tags": [],
        }),
    )
}

#[test]
fn get_circuit_providers_shows_asn_account_and_circuit_count() {
    let providers: Page<Provider> = page(rest_list(
        "circuits/providers",
        3,
        vec![
            provider("NTT", Some(2914), "NTT-ACC-001", 1),
            provider("Zayo", Some(6461), "ZAYO-0042", 2),
            provider("Lumen", None, "", 0),
        ],
    ));

    let reply = render_providers(&providers);

    assert_eq!(message(&reply).title.as_deref(), Some("Circuit providers"));
    let table = table(&reply);
    assert_eq!(headings(table), ["Name", "ASN", "Account", "Circuits"]);
    assert_eq!(
        rows(table),
        [
            ["NTT", "2914", "NTT-ACC-001", "1"],
            ["Zayo", "6461", "ZAYO-0042", "2"],
            ["Lumen", "—", "—", "0"],
        ]
    );
    assert!(texts(&reply).is_empty(), "no note: {reply:?}");
}

#[test]
fn get_circuit_providers_notes_a_cut_list_and_says_when_there_are_none() {
    let cut: Page<Provider> = page(rest_list(
        "circuits/providers",
        1500,
        vec![provider("NTT", Some(2914), "NTT-ACC-001", 1)],
    ));
    assert_eq!(
        texts(&render_providers(&cut)),
        ["Showing the first 1 of 1500; narrow the filter to see the rest."]
    );

    let none: Page<Provider> = page(rest_list("circuits/providers", 0, vec![]));
    assert_said(
        &render_providers(&none),
        Level::Info,
        "There are no circuit providers that you may see.",
    );
}

#[test]
fn get_circuit_connections_shows_what_each_side_is_cabled_to() {
    let circuit: Circuit = read(json!({
        "cid": "ZAYO-WAN-0001",
        "circuit_termination_a": {
            "location": {"name": "ams01"},
            "provider_network": null,
            "connected_endpoint": {
                "__typename": "InterfaceType",
                "name": "Ethernet2",
                "device": {"name": "ams01-edge-01"}
            }
        },
        "circuit_termination_z": {
            "location": {"name": "nyc01"},
            "provider_network": null,
            "connected_endpoint": {
                "__typename": "InterfaceType",
                "name": "Ethernet3",
                "device": {"name": "nyc01-spine-01"}
            }
        }
    }));

    let reply = render_connections("Zayo", &circuit);

    assert_eq!(
        message(&reply).title.as_deref(),
        Some("Circuit ZAYO-WAN-0001 of Zayo")
    );
    let table = table(&reply);
    assert_eq!(headings(table), ["Side", "Location", "Connected to"]);
    assert_eq!(
        rows(table),
        [
            ["A", "ams01", "device ams01-edge-01, interface Ethernet2"],
            ["Z", "nyc01", "device nyc01-spine-01, interface Ethernet3"],
        ]
    );
}

#[test]
fn get_circuit_connections_says_which_side_is_not_connected_or_not_terminated() {
    let circuit: Circuit = read(json!({
        "cid": "ZAYO-NYC-0002",
        "circuit_termination_a": {
            "location": null,
            "provider_network": {"name": "Zayo Metro NYC"},
            "connected_endpoint": null
        },
        "circuit_termination_z": null
    }));

    let reply = render_connections("Zayo", &circuit);

    assert_eq!(
        rows(table(&reply)),
        [
            ["A", "Zayo Metro NYC (provider network)", "not connected"],
            ["Z", "—", "no termination"],
        ]
    );
}

#[test]
fn connected_to_names_each_kind_of_endpoint() {
    let said = |endpoint: Value| connected_to(Some(&endpoint));

    assert_eq!(connected_to(None), "not connected");
    assert_eq!(said(Value::Null), "not connected");
    assert_eq!(
        said(
            json!({"__typename": "InterfaceType", "name": "Ethernet1", "device": {"name": "ams01-edge-01"}})
        ),
        "device ams01-edge-01, interface Ethernet1"
    );
    assert_eq!(
        said(
            json!({"__typename": "CircuitTerminationType", "term_side": "Z", "circuit": {"cid": "ZAYO-WAN-0001"}})
        ),
        "circuit ZAYO-WAN-0001 (side Z)"
    );
    assert_eq!(
        said(json!({"__typename": "FrontPortType", "name": "FP-12", "device": {"name": "ams01-patch-01"}})),
        "device ams01-patch-01, port FP-12"
    );
    assert_eq!(
        said(json!({"__typename": "RearPortType", "name": "RP-1", "device": {"name": "ams01-patch-01"}})),
        "device ams01-patch-01, port RP-1"
    );
    assert_eq!(
        said(json!({"__typename": "PowerFeedType", "name": "ams01-feed-A"})),
        "power feed ams01-feed-A"
    );
    assert_eq!(
        said(json!({"__typename": "InterfaceType", "name": "Ethernet1", "device": null})),
        "device —, interface Ethernet1",
        "a device the user may not see"
    );
}
