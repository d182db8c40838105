//! `get-rack`: the units of a rack, top down, and what is mounted in them.

use serde_json::{Value, json};

use super::super::racks::{Rack, render_rack};
use super::{code, message, read, texts};

/// One of `data.racks` of the rack query.
fn rack(name: &str, u_height: u32, desc_units: bool, devices: Value) -> Rack {
    read(json!({
        "name": name,
        "u_height": u_height,
        "desc_units": desc_units,
        "location": {"name": "ams01"},
        "devices": devices,
    }))
}

/// The 42-unit rack `ams01-r1`, numbered bottom up, with `devices`.
fn ams01_r1(devices: Value) -> Rack {
    rack("ams01-r1", 42, false, devices)
}

/// A device of the rack query (GraphQL spells the face in capitals).
fn mounted(name: &str, position: Option<u32>, face: Option<&str>, u_height: u32) -> Value {
    json!({"name": name, "position": position, "face": face, "device_type": {"u_height": u_height}})
}

#[test]
fn a_rack_lists_its_units_top_down_with_the_devices_in_them() {
    let r1 = ams01_r1(json!([
        mounted("ams01-spine-01", Some(40), Some("FRONT"), 1),
        mounted("ams01-leaf-01", Some(30), Some("FRONT"), 1),
        mounted("ams01-leaf-02", Some(29), Some("FRONT"), 1),
        mounted("ams01-edge-01", Some(42), Some("FRONT"), 1),
    ]));

    let reply = render_rack("ams01", &r1, Some(4));

    assert_eq!(
        message(&reply).title.as_deref(),
        Some("Rack ams01-r1 at ams01 (42 U)")
    );
    let lines: Vec<&str> = code(&reply).lines().collect();
    assert_eq!(lines.len(), 42, "one line per unit");
    assert_eq!(lines[0], "42 | ams01-edge-01", "the top unit first");
    assert_eq!(lines[1], "41 |");
    assert_eq!(lines[2], "40 | ams01-spine-01");
    assert_eq!(lines[12], "30 | ams01-leaf-01");
    assert_eq!(lines[13], "29 | ams01-leaf-02");
    assert_eq!(lines[41], " 1 |", "unit numbers right-aligned");
    assert!(texts(&reply).is_empty(), "nothing else to say: {reply:?}");
}

#[test]
fn a_device_of_several_units_is_on_each_rear_ones_are_marked_and_unmounted_ones_listed_after() {
    let r2 = rack(
        "ams01-r2",
        10,
        false,
        json!([
            mounted("ams01-spine-02", Some(7), Some("FRONT"), 2),
            mounted("ams01-pdu-01", Some(7), Some("REAR"), 1),
            mounted("ams01-edge-02", Some(10), None, 1),
            {"name": null, "position": 3, "face": "FRONT", "device_type": {"u_height": 1}},
            // A device whose type the user may not view: its lowest unit, said so.
            {"name": "ams01-oob-01", "position": 1, "face": "FRONT", "device_type": null},
            mounted("ams01-patch-02", None, None, 1),
            mounted("ams01-patch-01", None, None, 1),
            // Out of the rack's top (Nautobot refuses it, but a renderer must not
            // panic on it): the units that exist are shown.
            mounted("ams01-fw-01", Some(10), Some("REAR"), 2),
        ]),
    );

    let reply = render_rack("ams01", &r2, Some(8));

    assert_eq!(
        code(&reply),
        "10 | ams01-edge-02, ams01-fw-01 (rear)\n 9 |\n 8 | ams01-spine-02\n 7 | ams01-spine-02, ams01-pdu-01 (rear)\n \
         6 |\n 5 |\n 4 |\n 3 | —\n 2 |\n 1 | ams01-oob-01"
    );
    assert_eq!(
        texts(&reply),
        [
            "In the rack but not in a unit: ams01-patch-01, ams01-patch-02",
            "The height of ams01-oob-01 is hidden (you may not view dcim.devicetype): shown in the lowest unit only."
        ]
    );
}

#[test]
fn a_rack_numbered_top_down_starts_at_unit_one() {
    let r3 = rack(
        "ams01-r3",
        4,
        true,
        json!([
            mounted("ams01-leaf-03", Some(1), Some("FRONT"), 1),
            mounted("ams01-srv-01", Some(3), Some("FRONT"), 2)
        ]),
    );

    let reply = render_rack("ams01", &r3, Some(2));

    assert_eq!(
        code(&reply),
        "1 | ams01-leaf-03\n2 |\n3 | ams01-srv-01\n4 | ams01-srv-01"
    );
}

#[test]
fn an_empty_rack_shows_its_units_and_says_there_is_nothing_in_it() {
    let empty = rack("nyc01-r2", 3, false, json!([]));

    let reply = render_rack("nyc01", &empty, Some(0));

    assert_eq!(
        message(&reply).title.as_deref(),
        Some("Rack nyc01-r2 at nyc01 (3 U)")
    );
    assert_eq!(code(&reply), "3 |\n2 |\n1 |");
    assert_eq!(texts(&reply), ["No devices in it."]);

    assert_eq!(
        texts(&render_rack("nyc01", &empty, None)),
        ["No devices in it that you may see."],
        "not counted: only what the user may see is known"
    );
}

#[test]
fn devices_the_user_may_not_view_are_said_to_be_hidden_so_their_units_are_not_taken_for_free() {
    let r1 = ams01_r1(json!([
        mounted("ams01-spine-01", Some(40), Some("FRONT"), 1),
        mounted("ams01-edge-01", Some(42), Some("FRONT"), 1),
    ]));

    assert_eq!(
        texts(&render_rack("ams01", &r1, Some(4))),
        ["2 devices in it are hidden (you may not view dcim.device); their units may look free."]
    );

    // A user who may view racks but no device: Nautobot still counts them.
    let none_seen = ams01_r1(json!([]));
    assert_eq!(
        texts(&render_rack("ams01", &none_seen, Some(1))),
        ["1 device in it is hidden (you may not view dcim.device); its units may look free."]
    );
}
