//! What a person sees of the meraki sub-commands: the pure `render_*`
//! functions, fed with answers shaped as Meraki gives them. The worker
//! behind the router, against the fake Meraki, is tested in `meraki/tests`.
use serde_json::json;

use super::devices::{render_neighbors, render_ssids};
use super::organizations::{device_type, render_devices, render_organizations};
use crate::model::{Block, Reply};
use crate::workers::meraki::spec::spec;

/// The text blocks and table rows of a reply.
fn said(reply: &Reply) -> Vec<String> {
    let Reply::Message(message) = reply else {
        panic!("a message, not {reply:?}");
    };
    message
        .blocks
        .iter()
        .flat_map(|block| match block {
            Block::Text(text) => vec![text.clone()],
            Block::Table(table) => table.rows.iter().map(|row| row.join(" | ")).collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[test]
fn help_marks_the_two_changes_and_offers_yes() {
    let spec = spec("meraki");
    for name in ["configure-basic-access-port", "cycle-port"] {
        let sub = spec.subcommand(name).expect(name);
        assert!(sub.doc.contains("asks first"), "{}", sub.doc);
        let last = sub.params.last().unwrap();
        assert_eq!((last.name.as_str(), last.optional), ("confirm", true));
    }
    let reads = spec
        .subcommands
        .iter()
        .filter(|sub| sub.name.starts_with("get-"))
        .count();
    assert_eq!(reads, 11, "every read of the original");
    assert!(
        spec.subcommands
            .iter()
            .filter(|sub| sub.name.starts_with("get-"))
            .all(|sub| !sub.doc.contains("asks first"))
    );
}

#[test]
fn device_types_are_meraki_letters_or_the_original_names() {
    assert_eq!(device_type("ms").map(|t| t.1), Some(Some("switch")));
    assert_eq!(device_type("aps").map(|t| t.1), Some(Some("wireless")));
    assert_eq!(device_type("ALL").map(|t| t.1), Some(None));
    assert_eq!(device_type("toaster"), None);
}

#[test]
fn empty_answers_are_said_in_words() {
    assert_eq!(
        said(&render_organizations(&[], None)),
        ["The API key sees no organization in Meraki."]
    );
    assert_eq!(
        said(&render_devices(
            "MS switches of Acme".to_owned(),
            &[],
            &Default::default(),
            None
        )),
        ["MS switches of Acme: none that you may see."]
    );
    assert_eq!(
        said(&render_neighbors("sw", &[])),
        ["sw has no LLDP or CDP neighbours."]
    );
}

#[test]
fn a_device_without_a_name_is_shown_by_serial_and_a_missing_value_as_a_dash() {
    let reply = render_devices(
        "Devices".to_owned(),
        &[json!({"serial": "Q2XX-0000-0001", "model": "MR46", "networkId": "L_1"})],
        &Default::default(),
        Some("Showing the first 1; Meraki has more.".to_owned()),
    );
    assert_eq!(
        said(&reply),
        [
            "Q2XX-0000-0001 | MR46 | Q2XX-0000-0001 | L_1 | — | —",
            "Showing the first 1; Meraki has more."
        ]
    );
}

#[test]
fn unconfigured_ssids_are_left_out() {
    let reply = render_ssids(
        "Wifi",
        &[
            json!({"number": 0, "name": "Corp", "enabled": true, "visible": true, "authMode": "psk", "bandSelection": "5 GHz band only"}),
            json!({"number": 4, "name": "Unconfigured SSID 5", "enabled": false}),
        ],
    );
    assert_eq!(said(&reply), ["0 | Corp | yes | yes | psk | 5 GHz band only"]);
    let none = render_ssids(
        "Wifi",
        &[json!({"number": 4, "name": "Unconfigured SSID 5", "enabled": false})],
    );
    assert_eq!(said(&none), ["Wifi has no configured SSIDs."]);
}

#[test]
fn neighbours_are_ordered_by_local_port_numerically() {
    let row = |port: &str, protocol: &str| {
        vec![
            port.to_owned(),
            protocol.to_owned(),
            "x".to_owned(),
            "1".to_owned(),
            "—".to_owned(),
        ]
    };
    let reply = render_neighbors("sw", &[row("10", "LLDP"), row("wired0", "CDP"), row("9", "LLDP")]);
    let ports: Vec<String> = said(&reply)
        .iter()
        .map(|r| r.split(" | ").next().unwrap().to_owned())
        .collect();
    assert_eq!(ports, ["9", "10", "wired0"]);
}
