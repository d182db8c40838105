//! `get-manufacturer-summary`.

use serde_json::{Value, json};

use super::super::manufacturers::{DeviceTypeCount, render_summary};
use super::{WEB, assert_said, object, page, rest_list, rows, table, texts, titled_table, uuid};
use crate::model::Level;
use crate::workers::nautobot::Page;
use crate::workers::nautobot::objects::Named;

/// A manufacturer as `dcim/manufacturers/` lists it.
fn manufacturer(name: &str) -> Value {
    object(
        "dcim.manufacturer",
        "dcim/manufacturers",
        name,
        json!({"name": name, "description": "", "device_type_count": 1, "inventory_item_count": 0}),
    )
}

/// A device type as `dcim/device-types/?depth=1` lists it, with its count.
fn device_type(manufacturer_name: &str, model: &str, device_count: u64) -> Value {
    object(
        "dcim.devicetype",
        "dcim/device-types",
        &format!("{manufacturer_name} {model}"),
        json!({
            "model": model,
            "part_number": "",
            "u_height": 1,
            "is_full_depth": true,
            "subdevice_role": null,
            "manufacturer": object(
                "dcim.manufacturer",
                "dcim/manufacturers",
                manufacturer_name,
                json!({"name": manufacturer_name, "description": ""}),
            ),
            "device_family": null,
            "front_image": null,
            "rear_image": null,
            "device_count": device_count,
            "tags": [],
        }),
    )
}

#[test]
fn the_summary_counts_devices_per_manufacturer_most_first_with_the_empty_ones() {
    let manufacturers: Page<Named> = page(rest_list(
        "dcim/manufacturers",
        4,
        ["Arista", "Cisco", "Nokia", "Juniper"].map(manufacturer).to_vec(),
    ));
    let types: Page<DeviceTypeCount> = page(rest_list(
        "dcim/device-types",
        4,
        vec![
            device_type("Arista", "DCS-7280CR2-60", 2),
            device_type("Arista", "DCS-7050TX3-48C8", 4),
            device_type("Cisco", "ASR-1001-X", 1),
            device_type("Juniper", "MX204", 0),
        ],
    ));

    let reply = render_summary(Some(&manufacturers.results), &types.results);

    let table = titled_table(&reply, "Devices by manufacturer", "Manufacturer | Devices");
    assert_eq!(
        rows(table),
        [["Arista", "6"], ["Cisco", "1"], ["Juniper", "0"], ["Nokia", "0"]],
        "most devices first, then by name"
    );
}

#[test]
fn a_manufacturer_known_only_from_its_device_types_is_counted() {
    // A user who may see device types but not manufacturers: Nautobot answers
    // the list of manufacturers 403 and names a type's manufacturer by its
    // display alone (measured on Nautobot 3.2.7).
    let mut cisco = device_type("Cisco", "ASR-1001-X", 4);
    cisco["manufacturer"] = json!({
        "id": uuid("dcim.manufacturer:Cisco"),
        "object_type": "dcim.manufacturer",
        "url": format!("{WEB}/api/dcim/manufacturers/{}/", uuid("dcim.manufacturer:Cisco")),
        "display": "Cisco"
    });
    let types: Page<DeviceTypeCount> = page(rest_list(
        "dcim/device-types",
        2,
        vec![device_type("Arista", "DCS-7280CR2-60", 3), cisco],
    ));

    let reply = render_summary(None, &types.results);

    assert_eq!(rows(table(&reply)), [["Cisco", "4"], ["Arista", "3"]]);
    assert_eq!(
        texts(&reply),
        ["Manufacturers without device types are hidden (you may not view dcim.manufacturer)."]
    );
}

#[test]
fn without_manufacturers_it_says_so() {
    assert_said(
        &render_summary(Some(&[]), &[]),
        Level::Info,
        "There are no manufacturers that you may see.",
    );
}
