//! `get-devices`, `get-device-status`, `change-device-status` (its status
//! menu) and `get-device-facts`.

use serde_json::{Value, json};

use super::super::devices::{Facts, render_devices, render_facts, render_status, status_choices};
use super::{
    WEB, assert_said, brief, code, headings, message, named, object, page, read, rest_list, rows, table,
    texts, uuid,
};
use crate::model::{Block, Choice, Level};
use crate::workers::nautobot::objects::{Device, Named};

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

    let reply = render_devices("location", "ams01", &devices);

    let message = message(&reply);
    assert_eq!(message.level, Level::Info);
    assert_eq!(message.title.as_deref(), Some("Devices where location is ams01"));
    assert_eq!(message.blocks.len(), 1, "no note when nothing was cut: {reply:?}");
    let table = table(&reply);
    assert_eq!(table.title, "Devices where location is ams01");
    assert_eq!(
        headings(table),
        [
            "Name",
            "Status",
            "Tenant",
            "Location",
            "Rack",
            "Role",
            "Type",
            "Primary IP"
        ]
    );
    assert_eq!(
        rows(table),
        [
            [
                "ams01-edge-01",
                "Active",
                "Acme",
                "ams01",
                "ams01-r1",
                "edge",
                "ASR-1001-X",
                "10.1.0.254"
            ],
            [
                "ams01-leaf-01",
                "Planned",
                "Acme",
                "ams01",
                "ams01-r1",
                "leaf",
                "DCS-7050TX3-48C8",
                "10.1.0.11"
            ],
        ],
        "the model, not the display \"Cisco ASR-1001-X\", and no UUID anywhere"
    );
}

#[test]
fn get_devices_shows_a_dash_for_what_is_missing_and_ipv6_without_an_ipv4() {
    let mut v6_only = device(
        "nyc01-leaf-02",
        "Active",
        "leaf",
        "DCS-7050TX3-48C8",
        "10.2.0.12/24",
    );
    v6_only["primary_ip4"] = Value::Null;
    v6_only["primary_ip6"] = ip("2001:db8:2::12/64");
    v6_only["tenant"] = Value::Null;
    v6_only["rack"] = Value::Null;
    // An unnamed device the user may see, whose role and status they may not.
    let mut bare = device(
        "nyc01-spare",
        "Active",
        "leaf",
        "DCS-7050TX3-48C8",
        "10.2.0.99/24",
    );
    bare["name"] = Value::Null;
    bare["primary_ip4"] = Value::Null;
    bare["role"] = Value::Null;
    bare.as_object_mut().unwrap().remove("status");

    let reply = render_devices(
        "model",
        "DCS-7050TX3-48C8",
        &page(rest_list("dcim/devices", 2, vec![v6_only, bare])),
    );

    assert_eq!(
        rows(table(&reply)),
        [
            [
                "nyc01-leaf-02",
                "Active",
                "—",
                "nyc01",
                "—",
                "leaf",
                "DCS-7050TX3-48C8",
                "2001:db8:2::12"
            ],
            [
                "—",
                "—",
                "Acme",
                "nyc01",
                "nyc01-r1",
                "—",
                "DCS-7050TX3-48C8",
                "—"
            ],
        ]
    );
}

#[test]
fn get_devices_says_when_the_list_was_cut() {
    let devices = page(rest_list("dcim/devices", 12_345, vec![edge(), leaf()]));

    let reply = render_devices("name", "ams", &devices);

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
    let reply = render_devices("location", "mars01", &page(rest_list("dcim/devices", 0, vec![])));

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

    let mut hidden = edge();
    hidden["status"] = Value::Null;
    assert_said(
        &render_status(&read(hidden)),
        Level::Info,
        "The status of **ams01-edge-01** is **—**.",
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

/// What the facts query answers for a device (one of `data.devices`).
fn facts_of_edge() -> Value {
    json!({
        "id": uuid("dcim.device:ams01-edge-01"),
        "name": "ams01-edge-01",
        "serial": "SN1234567890",
        "status": {"name": "Active"},
        "location": {"name": "ams01"},
        "rack": {"name": "ams01-r1"},
        "tenant": {"name": "Acme"},
        "role": {"name": "edge"},
        "platform": {"name": "Cisco IOS-XE"},
        "device_type": {"model": "ASR-1001-X", "manufacturer": {"name": "Cisco"}},
        "primary_ip4": {"address": "10.1.0.254/24"},
        "primary_ip6": null,
        "created": "2026-11-30",
        "last_updated": "2026-11-30T09:06:16.123456+00:00"
    })
}

#[test]
fn device_facts_are_a_block_of_key_values_and_a_link() {
    let facts: Facts = read(facts_of_edge());
    let link = format!("{WEB}/dcim/devices/{}/", facts.id);

    let reply = render_facts(&facts, &link);

    assert_eq!(message(&reply).title.as_deref(), Some("Device ams01-edge-01"));
    assert_eq!(
        code(&reply),
        "name: ams01-edge-01\n\
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
         created: 2026-11-30\n\
         updated: 2026-11-30T09:06:16.123456+00:00"
    );
    assert_eq!(
        texts(&reply),
        [format!(
            "[Open in Nautobot]({WEB}/dcim/devices/{}/)",
            uuid("dcim.device:ams01-edge-01")
        )]
    );
}

#[test]
fn device_facts_show_a_dash_for_what_is_missing_and_ipv6_without_an_ipv4() {
    let mut sparse = facts_of_edge();
    sparse["serial"] = json!("");
    sparse["tenant"] = Value::Null;
    sparse["platform"] = Value::Null;
    sparse["rack"] = Value::Null;
    sparse["device_type"] = json!({"model": "ASR-1001-X", "manufacturer": null});
    sparse["primary_ip4"] = Value::Null;
    sparse["primary_ip6"] = json!({"address": "2001:db8:1::fe/64"});

    let reply = render_facts(&read(sparse), "https://nautobot.example.net/dcim/devices/x/");

    let lines: Vec<&str> = code(&reply).lines().collect();
    assert_eq!(lines[3], "rack: —");
    assert_eq!(lines[4], "tenant: —");
    assert_eq!(lines[5], "manufacturer: —");
    assert_eq!(lines[6], "model: ASR-1001-X");
    assert_eq!(lines[8], "platform: —");
    assert_eq!(lines[9], "primary_ip: 2001:db8:1::fe/64");
    assert_eq!(lines[10], "serial: —");

    let mut unnamed = facts_of_edge();
    unnamed["name"] = Value::Null;
    unnamed["device_type"] = Value::Null;
    let reply = render_facts(&read(unnamed), "https://nautobot.example.net/dcim/devices/x/");
    assert_eq!(message(&reply).title.as_deref(), Some("Device —"));
    assert!(code(&reply).starts_with("name: —\n"), "{}", code(&reply));
    assert!(
        code(&reply).contains("\nmanufacturer: —\nmodel: —\n"),
        "{}",
        code(&reply)
    );
}
