//! `get-circuits`, `get-circuit-providers` and `get-circuit-connections`.

use serde_json::{Value, json};

use super::super::circuits::{
    CIRCUIT_TENANT, Circuit, Provider, TERMINATION_CLOUD, TERMINATION_LOCATION, TERMINATION_NETWORK,
    TERMINATION_PATH, TERMINATION_Z, circuit_nulls, connected_to, connection_nulls, render_circuits,
    render_connections, render_providers,
};
use super::{
    assert_asks, assert_said, lines, message, object, page, read, rest_list, rows, table, texts, titled_table,
};
use crate::model::Level;
use crate::workers::nautobot::Page;
use crate::workers::nautobot::visibility::Empties;

/// `data.circuits` of the circuits query, as the seed has them (and one
/// ending at a provider network).
fn circuits() -> Vec<Circuit> {
    read(json!([
        {
            "id": "c-wan",
            "cid": "ZAYO-WAN-0001",
            "description": "ams01 <-> nyc01 WAN",
            "provider": {"name": "Zayo"},
            "circuit_type": {"name": "MPLS"},
            "status": {"name": "Active"},
            "tenant": {"name": "Acme"},
            "circuit_termination_a": {"id": "t-wan-a", "location": {"name": "ams01"}, "provider_network": null, "cloud_network": null},
            "circuit_termination_z": {"id": "t-wan-z", "location": {"name": "nyc01"}, "provider_network": null, "cloud_network": null}
        },
        {
            "id": "c-ntt",
            "cid": "NTT-AMS-0001",
            "description": "ams01 internet uplink",
            "provider": {"name": "NTT"},
            "circuit_type": {"name": "Internet Transit"},
            "status": {"name": "Active"},
            "tenant": {"name": "Acme"},
            "circuit_termination_a": {"id": "t-ntt-a", "location": {"name": "ams01"}, "provider_network": null, "cloud_network": null},
            "circuit_termination_z": null
        },
        {
            "id": "c-nyc",
            "cid": "ZAYO-NYC-0002",
            "description": "",
            "provider": {"name": "Zayo"},
            "circuit_type": {"name": "Internet Transit"},
            "status": {"name": "Planned"},
            "tenant": null,
            "circuit_termination_a": {"id": "t-nyc-a", "location": null, "provider_network": {"name": "Zayo Metro NYC"}, "cloud_network": null},
            "circuit_termination_z": null
        }
    ]))
}

/// What Nautobot answers about the `null`s of [`circuits`]: all really empty.
fn empties_of_circuits() -> Empties {
    Empties::default()
        .with(&CIRCUIT_TENANT, &["c-nyc"])
        .with(&TERMINATION_Z, &["c-ntt", "c-nyc"])
        .with(&TERMINATION_LOCATION, &["t-nyc-a"])
}

#[test]
fn get_circuits_shows_each_circuit_with_its_a_and_z_sides_sorted_by_id() {
    let circuits = circuits();
    assert_asks(
        &circuit_nulls(&circuits),
        "query ($q0: [String], $q1: [String], $q2: [String]) { \
         q0: circuit_terminations(id: $q0, location__isnull: true) { id } \
         q1: circuits(id: $q1, circuit_termination_z__isnull: true) { id } \
         q2: circuits(id: $q2, tenant__isnull: true) { id } }",
        &json!({"q0": ["t-nyc-a"], "q1": ["c-ntt", "c-nyc"], "q2": ["c-nyc"]}),
        "the provider network of t-nyc-a is there: nothing more about it is asked",
    );

    let reply = render_circuits(
        Some(("type", "Internet Transit")),
        &circuits,
        &empties_of_circuits(),
    );

    let table = titled_table(
        &reply,
        "Circuits where type is Internet Transit",
        "Circuit ID | Provider | Type | Status | Tenant | A side | Z side | Description",
    );
    assert_eq!(
        rows(table),
        lines(&[
            "NTT-AMS-0001 | NTT | Internet Transit | Active | Acme | ams01 | — | ams01 internet uplink",
            "ZAYO-NYC-0002 | Zayo | Internet Transit | Planned | — | Zayo Metro NYC (provider network) | — | —",
            "ZAYO-WAN-0001 | Zayo | MPLS | Active | Acme | ams01 | nyc01 | ams01 <-> nyc01 WAN",
        ])
    );
    assert!(texts(&reply).is_empty(), "no note: {reply:?}");
}

#[test]
fn get_circuits_says_what_the_user_may_not_view_never_a_dash() {
    // What Nautobot 3.2.7 answered user `partial` (no view permission on
    // locations): every end's location `null`, which Nautobot does not count
    // as empty; and a circuit whose Z end the user may not view, and one
    // ending at a provider network they may not view.
    let circuits: Vec<Circuit> = read(json!([
        {
            "id": "c-wan", "cid": "ZAYO-WAN-0001", "description": "ams01 <-> nyc01 WAN",
            "provider": {"name": "Zayo"}, "circuit_type": {"name": "MPLS"}, "status": {"name": "Active"},
            "tenant": {"name": "Nautobot Airports"},
            "circuit_termination_a": {"id": "t-wan-a", "location": null, "provider_network": null, "cloud_network": null},
            "circuit_termination_z": null
        },
        {
            "id": "c-metro", "cid": "ZAYO-METRO-1", "description": null,
            "provider": null, "circuit_type": null, "status": null, "tenant": null,
            "circuit_termination_a": {"id": "t-metro-a", "location": null, "provider_network": null, "cloud_network": null},
            "circuit_termination_z": null
        }
    ]));
    let (_, variables) = circuit_nulls(&circuits)
        .query()
        .expect("the nulls are asked about");
    assert_eq!(
        variables,
        json!({
            "q0": ["t-metro-a", "t-wan-a"],
            "q1": ["t-metro-a", "t-wan-a"],
            "q2": ["t-metro-a", "t-wan-a"],
            "q3": ["c-metro", "c-wan"],
            "q4": ["c-metro"]
        }),
        "cloud network, location and provider network of each end; the Z ends; the tenant"
    );
    // t-metro-a is at a provider network (no location, no cloud network); c-metro
    // has no Z end but a tenant.
    let empties = Empties::default()
        .with(&TERMINATION_LOCATION, &["t-metro-a"])
        .with(&TERMINATION_CLOUD, &["t-metro-a", "t-wan-a"])
        .with(&TERMINATION_NETWORK, &["t-wan-a"])
        .with(&TERMINATION_Z, &["c-metro"]);

    let reply = render_circuits(None, &circuits, &empties);

    assert_eq!(
        rows(table(&reply)),
        lines(&[
            "ZAYO-METRO-1 | hidden (you may not view circuits.provider) | hidden (you may not view circuits.circuittype) | hidden (you may not view extras.status) | hidden (you may not view tenancy.tenant) | hidden (you may not view circuits.providernetwork) | — | —",
            "ZAYO-WAN-0001 | Zayo | MPLS | Active | Nautobot Airports | hidden (you may not view dcim.location) | hidden (you may not view circuits.circuittermination) | ams01 <-> nyc01 WAN",
        ])
    );
}

#[test]
fn get_circuits_all_is_titled_so_and_no_match_is_said() {
    assert_eq!(
        message(&render_circuits(None, &circuits(), &empties_of_circuits()))
            .title
            .as_deref(),
        Some("All circuits")
    );

    assert_said(
        &render_circuits(Some(("provider", "Lumen")), &[], &Empties::default()),
        Level::Info,
        "Circuits where provider is Lumen: none that you may see.",
    );
    assert_said(
        &render_circuits(None, &[], &Empties::default()),
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

    let table = titled_table(&reply, "Circuit providers", "Name | ASN | Account | Circuits");
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
        "id": "c-wan",
        "cid": "ZAYO-WAN-0001",
        "circuit_termination_a": {
            "id": "t-wan-a",
            "location": {"name": "ams01"},
            "provider_network": null,
            "connected_endpoint": {
                "__typename": "InterfaceType",
                "name": "Ethernet2",
                "device": {"name": "ams01-edge-01"}
            }
        },
        "circuit_termination_z": {
            "id": "t-wan-z",
            "location": {"name": "nyc01"},
            "provider_network": null,
            "connected_endpoint": {
                "__typename": "InterfaceType",
                "name": "Ethernet3",
                "device": {"name": "nyc01-spine-01"}
            }
        }
    }));

    assert_eq!(connection_nulls(&circuit).query(), None, "nothing to ask");
    let reply = render_connections("Zayo", &circuit, &Empties::default());

    let table = titled_table(
        &reply,
        "Circuit ZAYO-WAN-0001 of Zayo",
        "Side | Location | Connected to",
    );
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
        "id": "c-nyc",
        "cid": "ZAYO-NYC-0002",
        "circuit_termination_a": {
            "id": "t-nyc-a",
            "location": null,
            "provider_network": {"name": "Zayo Metro NYC"},
            "path": null,
            "connected_endpoint": null
        },
        "circuit_termination_z": null
    }));
    // Nautobot says: no location, no active path, no Z end.
    let empties = Empties::default()
        .with(&TERMINATION_LOCATION, &["t-nyc-a"])
        .with(&TERMINATION_PATH, &["t-nyc-a"])
        .with(&TERMINATION_Z, &["c-nyc"]);

    let reply = render_connections("Zayo", &circuit, &empties);

    assert_eq!(
        rows(table(&reply)),
        lines(&[
            "A | Zayo Metro NYC (provider network) | not connected",
            "Z | — | no termination",
        ])
    );
}

#[test]
fn get_circuit_connections_says_what_the_user_may_not_view() {
    // User `partial` (no view permission on locations): the ends' locations
    // `null`, their far ends visible. And the same circuit for a user who may
    // not view the far interface (the path names its kind), nor the Z end.
    let circuit: Circuit = read(json!({
        "id": "c-wan",
        "cid": "ZAYO-WAN-0001",
        "circuit_termination_a": {
            "id": "t-wan-a", "location": null, "provider_network": null, "cloud_network": null,
            "path": {"destination_type": {"app_label": "dcim", "model": "interface"}},
            "connected_endpoint": {"__typename": "InterfaceType", "name": "Ethernet2", "device": {"name": "ams01-edge-01"}}
        },
        "circuit_termination_z": {
            "id": "t-wan-z", "location": null, "provider_network": null, "cloud_network": null,
            "path": {"destination_type": {"app_label": "dcim", "model": "interface"}},
            "connected_endpoint": {"__typename": "InterfaceType", "name": "Ethernet3", "device": {"name": "nyc01-spine-01"}}
        }
    }));
    let empties = Empties::default()
        .with(&TERMINATION_NETWORK, &["t-wan-a", "t-wan-z"])
        .with(&TERMINATION_CLOUD, &["t-wan-a", "t-wan-z"]);

    let reply = render_connections("Zayo", &circuit, &empties);

    let location = "hidden (you may not view dcim.location)";
    assert_eq!(
        rows(table(&reply)),
        [
            ["A", location, "device ams01-edge-01, interface Ethernet2"],
            ["Z", location, "device nyc01-spine-01, interface Ethernet3"],
        ]
    );

    let mut less = circuit.clone();
    if let Some(a) = less.circuit_termination_a.as_mut() {
        a.connected_endpoint = None;
    }
    less.circuit_termination_z = None;
    let reply = render_connections("Zayo", &less, &empties);
    assert_eq!(
        rows(table(&reply)),
        [
            ["A", location, "hidden (you may not view dcim.interface)"],
            [
                "Z",
                "hidden (you may not view circuits.circuittermination)",
                "hidden (you may not view circuits.circuittermination)"
            ],
        ]
    );

    // The path hidden too: Nautobot says the end is connected.
    if let Some(a) = less.circuit_termination_a.as_mut() {
        a.path = None;
    }
    let (query, variables) = connection_nulls(&less).query().expect("asked");
    assert!(
        query.contains("q1: circuit_terminations(id: $q1, connected: false) { id }"),
        "{query}"
    );
    assert_eq!(variables["q1"], json!(["t-wan-a"]), "{variables}");
    assert_eq!(
        rows(table(&render_connections("Zayo", &less, &empties)))[0],
        ["A", location, "hidden (you may not view dcim.cablepath)"]
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
        "device hidden (you may not view dcim.device), interface Ethernet1",
        "a device the user may not see"
    );
    assert_eq!(
        said(json!({"__typename": "CircuitTerminationType", "term_side": "A", "circuit": null})),
        "circuit hidden (you may not view circuits.circuit) (side A)"
    );
}
