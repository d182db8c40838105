//! `get-devices`, `get-device-status`, `change-device-status` (its status
//! menu) and `get-device-facts`.

use serde_json::{Value, json};

use super::super::devices::{
    DEVICE_PRIMARY_IP, DEVICE_RACK, DEVICE_TENANT, DeviceName, Facts, device_choices, device_nulls,
    render_devices, render_facts, render_status, status_choices,
};
use super::{
    WEB, assert_asks, assert_said, brief, code, lines, message, named, object, page, read, rest_list, rows,
    table, texts, titled_table, uuid,
};
use crate::model::{Block, Choice, Level};
use crate::workers::nautobot::Page;
use crate::workers::nautobot::objects::{Device, Named};
use crate::workers::nautobot::visibility::Empties;

/// An IP address as `?depth=1` nests it in a device.
fn ip(address: &str) -> Value {
    let (host, mask) = address.split_once('/').unwrap();
    object(
        "ipam.ipaddress",
        "ipam/ip-addresses",
        address,
        json!({
            "address": address,
            "host": host,
            "mask_length": mask.parse::<u8>().unwrap(),
            "type": {"value": "host", "label": "Host"},
            "ip_version": if host.contains(':') { 6 } else { 4 },
            "dns_name": "",
            "description": "",
            "status": brief("extras.status", "extras/statuses", "Active"),
            "role": null,
            "parent": brief("ipam.prefix", "ipam/prefixes", address),
            "tenant": null,
            "nat_inside": null,
        }),
    )
}

/// A device of the seed as `dcim/devices/?depth=1` gives it: at `ams01` or
/// `nyc01` (its name's start), in rack `<location>-r1`, tenant Acme.
fn device(name: &str, status: &str, role: &str, model: &str, primary_ip4: &str) -> Value {
    let location = &name[..5];
    let manufacturer = if model.starts_with("ASR") {
        "Cisco"
    } else {
        "Arista"
    };
    object(
        "dcim.device",
        "dcim/devices",
        name,
        json!({
            "name": name,
            "face": {"value": "front", "label": "Front"},
            "position": 30,
            "serial": "SN1234567890",
            "asset_tag": null,
            "comments": "",
            "local_config_context_data": null,
            "vc_position": null,
            "vc_priority": null,
            "device_type": object(
                "dcim.devicetype",
                "dcim/device-types",
                &format!("{manufacturer} {model}"),
                json!({
                    "model": model,
                    "part_number": "",
                    "u_height": 1,
                    "is_full_depth": true,
                    "manufacturer": brief("dcim.manufacturer", "dcim/manufacturers", manufacturer),
                }),
            ),
            "status": object(
                "extras.status",
                "extras/statuses",
                status,
                json!({"name": status, "color": "4caf50", "content_types": ["dcim.device", "dcim.rack"]}),
            ),
            "role": named("extras.role", "extras/roles", role),
            "tenant": named("tenancy.tenant", "tenancy/tenants", "Acme"),
            "platform": named("dcim.platform", "dcim/platforms", "Arista EOS"),
            "location": object(
                "dcim.location",
                "dcim/locations",
                location,
                json!({
                    "name": location,
                    "location_type": brief("dcim.locationtype", "dcim/location-types", "Site"),
                    "parent": brief("dcim.location", "dcim/locations", "Europe"),
                }),
            ),
            "rack": object(
                "dcim.rack",
                "dcim/racks",
                &format!("{location}-r1"),
                json!({
                    "name": format!("{location}-r1"),
                    "u_height": 42,
                    "desc_units": false,
                    "location": brief("dcim.location", "dcim/locations", location),
                }),
            ),
            "primary_ip4": ip(primary_ip4),
            "primary_ip6": null,
            "cluster": null,
            "virtual_chassis": null,
            "device_redundancy_group": null,
            "software_version": null,
            "secrets_group": null,
            "controller_managed_device_group": null,
            "parent_bay": null,
            "tags": [],
        }),
    )
}

fn edge() -> Value {
    device("ams01-edge-01", "Active", "edge", "ASR-1001-X", "10.1.0.254/24")
}

fn leaf() -> Value {
    device(
        "ams01-leaf-01",
        "Planned",
        "leaf",
        "DCS-7050TX3-48C8",
        "10.1.0.11/24",
    )
}

#[test]
fn get_devices_shows_a_row_of_names_per_device_and_the_primary_ip_without_its_mask() {
    let devices = page(rest_list("dcim/devices", 2, vec![edge(), leaf()]));

    let reply = render_devices("location", "ams01", &devices, &Empties::default());

    let message = message(&reply);
    assert_eq!(message.level, Level::Info);
    assert_eq!(message.blocks.len(), 1, "no note when nothing was cut: {reply:?}");
    let table = titled_table(
        &reply,
        "Devices where location is ams01",
        "Name | Status | Tenant | Location | Rack | Role | Type | Primary IP",
    );
    assert_eq!(
        rows(table),
        lines(&[
            "ams01-edge-01 | Active | Acme | ams01 | ams01-r1 | edge | ASR-1001-X | 10.1.0.254",
            "ams01-leaf-01 | Planned | Acme | ams01 | ams01-r1 | leaf | DCS-7050TX3-48C8 | 10.1.0.11",
        ]),
        "the model, not the display \"Cisco ASR-1001-X\", and no UUID anywhere"
    );
}

/// A device as the devices query answers it (GraphQL): `null` for what the
/// user may not view as for what there is none.
fn graphql_device(name: &str) -> Value {
    json!({
        "id": uuid(&format!("dcim.device:{name}")),
        "name": name,
        "status": {"name": "Active"},
        "tenant": {"name": "Nautobot Airports"},
        "location": {"name": &name[..5]},
        "rack": {"name": format!("{}-r1", &name[..5])},
        "role": {"name": "leaf"},
        "device_type": {"model": "DCS-7050TX3-48C8"},
        "primary_ip4": {"address": "10.1.0.11/24"},
        "primary_ip6": null
    })
}

#[test]
fn get_devices_shows_a_dash_for_what_is_empty_and_ipv6_without_an_ipv4() {
    let mut v6_only = graphql_device("nyc01-leaf-02");
    v6_only["primary_ip4"] = Value::Null;
    v6_only["primary_ip6"] = json!({"address": "2001:db8:2::12/64"});
    v6_only["tenant"] = Value::Null;
    v6_only["rack"] = Value::Null;
    let mut bare = graphql_device("nyc01-spare");
    bare["name"] = Value::Null;
    bare["primary_ip4"] = Value::Null;
    let devices: Vec<Device> = read(json!([v6_only, bare]));
    let (v6_only_id, bare_id) = (devices[0].id.as_str(), devices[1].id.as_str());

    assert_asks(
        &device_nulls(&devices),
        "query ($q0: [String], $q1: [String], $q2: [String]) { \
         q0: devices(id: $q0, has_primary_ip: false) { id } \
         q1: devices(id: $q1, rack__isnull: true) { id } \
         q2: devices(id: $q2, tenant__isnull: true) { id } }",
        &json!({"q0": [bare_id], "q1": [v6_only_id], "q2": [v6_only_id]}),
        "the primary IP of the IPv6-only device is not asked about",
    );
    // What Nautobot answers: all of them are really empty.
    let empties = Empties::default()
        .with(&DEVICE_PRIMARY_IP, &[bare_id])
        .with(&DEVICE_RACK, &[v6_only_id])
        .with(&DEVICE_TENANT, &[v6_only_id]);

    let reply = render_devices(
        "model",
        "DCS-7050TX3-48C8",
        &Page {
            results: devices.clone(),
            count: 2,
        },
        &empties,
    );

    assert_eq!(
        rows(table(&reply)),
        lines(&[
            "nyc01-leaf-02 | Active | — | nyc01 | — | leaf | DCS-7050TX3-48C8 | 2001:db8:2::12",
            "— | Active | Nautobot Airports | nyc01 | nyc01-r1 | leaf | DCS-7050TX3-48C8 | —",
        ])
    );
}

#[test]
fn get_devices_says_what_the_user_may_not_view_never_a_dash() {
    // What Nautobot 3.2.7 answered user `partial` (no view permission on
    // locations, roles and IP addresses) for ams01-edge-01, and a device
    // whose rack and tenant are hidden (nothing says they are empty).
    let partial = json!({
        "id": uuid("dcim.device:ams01-edge-01"),
        "name": "ams01-edge-01",
        "status": {"name": "Active"},
        "tenant": {"name": "Nautobot Airports"},
        "location": null,
        "rack": {"name": "ams01-r1"},
        "role": null,
        "device_type": {"model": "ASR-1001-X"},
        "primary_ip4": null,
        "primary_ip6": null
    });
    let mut less = graphql_device("nyc01-leaf-01");
    for field in ["status", "tenant", "rack", "device_type"] {
        less[field] = Value::Null;
    }
    let devices: Vec<Device> = read(json!([partial, less]));
    let empties = Empties::default();

    let reply = render_devices(
        "location",
        "ams01",
        &Page {
            results: devices,
            count: 2,
        },
        &empties,
    );

    assert_eq!(
        rows(table(&reply)),
        lines(&[
            "ams01-edge-01 | Active | Nautobot Airports | hidden (you may not view dcim.location) | ams01-r1 | hidden (you may not view extras.role) | ASR-1001-X | hidden (you may not view ipam.ipaddress)",
            "nyc01-leaf-01 | hidden (you may not view extras.status) | hidden (you may not view tenancy.tenant) | nyc01 | hidden (you may not view dcim.rack) | leaf | hidden (you may not view dcim.devicetype) | 10.1.0.11",
        ])
    );
}

#[test]
fn an_admin_s_devices_with_everything_set_ask_nothing_more() {
    let devices: Vec<Device> = read(json!([
        graphql_device("ams01-leaf-01"),
        graphql_device("ams01-leaf-02")
    ]));
    assert_eq!(device_nulls(&devices).query(), None);
}

#[test]
fn get_devices_says_when_the_list_was_cut() {
    let devices = page(rest_list("dcim/devices", 12_345, vec![edge(), leaf()]));

    let reply = render_devices("name", "ams", &devices, &Empties::default());

    assert_eq!(table(&reply).rows.len(), 2);
    assert_eq!(
        texts(&reply),
        ["Showing the first 2 of 12345; narrow the filter to see the rest."]
    );
    assert!(
        matches!(message(&reply).blocks.last(), Some(Block::Text(_))),
        "the note comes after the table"
    );
}

#[test]
fn get_devices_without_a_match_says_so_with_the_filter() {
    let reply = render_devices(
        "location",
        "mars01",
        &page(rest_list("dcim/devices", 0, vec![])),
        &Empties::default(),
    );

    assert_said(
        &reply,
        Level::Info,
        "No devices where location is `mars01` that you may see.",
    );
}

#[test]
fn get_device_status_names_the_device_and_its_status() {
    let device: Device = read(leaf());
    assert_said(
        &render_status(&device),
        Level::Info,
        "The status of **ams01-leaf-01** is **Planned**.",
    );

    // `?depth=1` to a user who may not view statuses, as Nautobot 3.2.7 gives it.
    let mut hidden = edge();
    hidden["status"] = json!({
        "id": uuid("extras.status:Active"),
        "object_type": "extras.status",
        "url": format!("{WEB}/api/extras/statuses/{}/", uuid("extras.status:Active")),
        "display": "Active"
    });
    assert_said(
        &render_status(&read(hidden.clone())),
        Level::Info,
        "The status of **ams01-edge-01** is **Active**.",
    );

    hidden["status"] = brief("extras.status", "extras/statuses", "Active");
    assert_said(
        &render_status(&read(hidden)),
        Level::Info,
        "The status of **ams01-edge-01** is **hidden (you may not view extras.status)**.",
    );
}

/// `extras/statuses/?content_types=dcim.device`, as Nautobot 3.2 seeds them.
fn device_statuses() -> Vec<Named> {
    let statuses = [
        "Active",
        "Decommissioning",
        "Failed",
        "Inventory",
        "Offline",
        "Planned",
        "Staged",
    ]
    .into_iter()
    .map(|name| {
        object(
            "extras.status",
            "extras/statuses",
            name,
            json!({"name": name, "color": "9e9e9e", "description": "", "content_types": ["dcim.device"]}),
        )
    })
    .collect();
    page(rest_list("extras/statuses", 7, statuses)).results
}

#[test]
fn the_status_menu_marks_the_current_status_and_is_valued_by_name() {
    let statuses = device_statuses();
    assert_eq!(
        statuses[0].id,
        uuid("extras.status:Active"),
        "the id is read, for the change"
    );

    let choices = status_choices(&statuses, "Active");

    let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Active (current)",
            "Decommissioning",
            "Failed",
            "Inventory",
            "Offline",
            "Planned",
            "Staged"
        ]
    );
    assert_eq!(
        choices[0],
        Choice {
            label: "Active (current)".to_owned(),
            value: "Active".to_owned()
        }
    );
    assert!(
        choices
            .iter()
            .all(|c| !c.value.contains("(current)") && !c.value.contains('-'))
    );

    let planned = status_choices(&statuses, "Planned");
    assert_eq!(planned[0].label, "Active");
    assert_eq!(planned[5].label, "Planned (current)");
    assert!(
        status_choices(&statuses, "—").iter().all(|c| c.label == c.value),
        "no status marked when the device shows none"
    );
}

/// ams01-edge-01 as `dcim/devices/?name=ams01-edge-01&depth=2` gives it to
/// someone who may view everything.
fn facts_of_edge() -> Value {
    let mut edge = edge();
    edge["device_type"]["manufacturer"] = named("dcim.manufacturer", "dcim/manufacturers", "Cisco");
    edge["platform"] = named("dcim.platform", "dcim/platforms", "Cisco IOS-XE");
    edge["created"] = json!("2026-11-30T09:06:16.123456Z");
    edge["last_updated"] = json!("2026-11-30T09:06:16.123456Z");
    edge
}

/// What `?depth≥1` gives for a related object the user may not view
/// (measured on Nautobot 3.2.7): its display, no name.
fn downgraded(object_type: &str, list: &str, display: &str) -> Value {
    let id = uuid(&format!("{object_type}:{display}"));
    json!({"id": id, "object_type": object_type, "url": format!("{WEB}/api/{list}/{id}/"), "display": display})
}

/// The facts of [`facts_of_edge`], as the code block shows them.
const EDGE_FACTS: &str = "name: ams01-edge-01\n\
         status: Active\n\
         location: ams01\n\
         rack: ams01-r1\n\
         tenant: Acme\n\
         manufacturer: Cisco\n\
         model: ASR-1001-X\n\
         role: edge\n\
         platform: Cisco IOS-XE\n\
         primary_ip: 10.1.0.254/24\n\
         serial: SN1234567890\n\
         created: 2026-11-30T09:06:16.123456Z\n\
         updated: 2026-11-30T09:06:16.123456Z";

#[test]
fn device_facts_are_a_block_of_key_values_and_a_link() {
    let facts: Facts = read(facts_of_edge());
    let link = format!("{WEB}/dcim/devices/{}/", facts.device.id);

    let reply = render_facts(&facts, &link);

    assert_eq!(message(&reply).title.as_deref(), Some("Device ams01-edge-01"));
    assert_eq!(code(&reply), EDGE_FACTS);
    assert_eq!(
        texts(&reply),
        [format!(
            "[Open in Nautobot]({WEB}/dcim/devices/{}/)",
            uuid("dcim.device:ams01-edge-01")
        )]
    );
}

#[test]
fn device_facts_show_a_dash_for_what_is_empty_and_ipv6_without_an_ipv4() {
    let mut sparse = facts_of_edge();
    sparse["serial"] = json!("");
    sparse["tenant"] = Value::Null;
    sparse["platform"] = Value::Null;
    sparse["rack"] = Value::Null;
    sparse["primary_ip4"] = Value::Null;
    sparse["primary_ip6"] = ip("2001:db8:1::fe/64");

    let reply = render_facts(&read(sparse), "https://nautobot.example.net/dcim/devices/x/");

    let lines: Vec<&str> = code(&reply).lines().collect();
    assert_eq!(lines[3], "rack: —");
    assert_eq!(lines[4], "tenant: —");
    assert_eq!(lines[5], "manufacturer: Cisco");
    assert_eq!(lines[6], "model: ASR-1001-X");
    assert_eq!(lines[8], "platform: —");
    assert_eq!(lines[9], "primary_ip: 2001:db8:1::fe/64");
    assert_eq!(lines[10], "serial: —");

    let mut unnamed = facts_of_edge();
    unnamed["name"] = Value::Null;
    let reply = render_facts(&read(unnamed), "https://nautobot.example.net/dcim/devices/x/");
    assert_eq!(message(&reply).title.as_deref(), Some("Device —"));
    assert!(code(&reply).starts_with("name: —\n"), "{}", code(&reply));
}

#[test]
fn device_facts_show_what_nautobot_names_of_objects_the_user_may_not_view() {
    // User `partial` (no view permission on locations, roles, IP addresses):
    // Nautobot gives those as `{id, object_type, url, display}`.
    let mut partial = facts_of_edge();
    partial["location"] = downgraded("dcim.location", "dcim/locations", "ams01");
    partial["role"] = downgraded("extras.role", "extras/roles", "edge");
    partial["primary_ip4"] = downgraded("ipam.ipaddress", "ipam/ip-addresses", "10.1.0.254/24");
    // A device type the user may not view: its display, and no manufacturer.
    partial["device_type"] = downgraded("dcim.devicetype", "dcim/device-types", "Cisco ASR-1001-X");
    // A reference at the depth limit names nothing: hidden, never a dash.
    partial["platform"] = brief("dcim.platform", "dcim/platforms", "Cisco IOS-XE");

    let reply = render_facts(&read(partial), "https://nautobot.example.net/dcim/devices/x/");

    assert_eq!(
        code(&reply),
        EDGE_FACTS
            .replace(
                "manufacturer: Cisco",
                "manufacturer: hidden (you may not view dcim.devicetype)"
            )
            .replace("model: ASR-1001-X", "model: Cisco ASR-1001-X")
            .replace(
                "platform: Cisco IOS-XE",
                "platform: hidden (you may not view dcim.platform)"
            ),
        "the same facts but for the device type's and the platform's"
    );
}

#[test]
fn the_device_menu_names_devices_alone_when_their_location_is_hidden() {
    let devices: Vec<DeviceName> = read(json!([
        {"name": "nyc01-leaf-01", "location": {"name": "nyc01"}},
        {"name": "ams01-leaf-01", "location": null},
        {"name": "ams01-edge-01", "location": {"name": "ams01"}},
        {"name": null, "location": {"name": "ams01"}}
    ]));

    let (choices, located) = device_choices(devices);

    let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        ["ams01: ams01-edge-01", "nyc01: nyc01-leaf-01", "ams01-leaf-01"],
        "located first, by location; an unnamed device cannot be chosen"
    );
    assert!(!located, "the menu says locations are hidden");
    assert!(choices.iter().all(|c| !c.value.contains(':')));

    let (_, located) = device_choices(read(json!([{"name": "a", "location": {"name": "ams01"}}])));
    assert!(located);
}
