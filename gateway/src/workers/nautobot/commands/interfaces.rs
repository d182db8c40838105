//! `get-interface-connections`.

use std::collections::{BTreeSet, HashSet};

use serde::Deserialize;
use serde_json::{Value, json};

use super::circuits::table_message;
use super::error;
use super::filter::{self, DEVICE_LOCATIONS, DEVICE_MODELS, DEVICE_ROLES, FilterKind, Step};
use crate::model::{Level, Message, Reply};
use crate::workers::nautobot::objects::{Related, label};
use crate::workers::nautobot::{NautobotError, Session};

/// The filters of `get-interface-connections`, each becoming a GraphQL
/// argument of `devices`; `device` takes a location, then a device.
const INTERFACE_FILTERS: &[FilterKind] = &[
    FilterKind::menu("device", "location", DEVICE_LOCATIONS),
    FilterKind::menu("model", "device_type", DEVICE_MODELS),
    FilterKind::menu("role", "role", DEVICE_ROLES),
    FilterKind::menu("location", "location", DEVICE_LOCATIONS),
    FilterKind::ALL,
];

const INTERFACE_FIELDS: &str = "name device { name } cable { status { name } } \
     connected_endpoint { __typename ... on InterfaceType { name device { name } } }";

#[derive(Deserialize)]
struct DevicesAnswer {
    devices: Vec<Related>,
}

#[derive(Deserialize)]
struct InterfacesAnswer {
    interfaces: Vec<Interface>,
}

/// An interface and what its cable connects it to.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Interface {
    pub name: String,
    pub device: Option<Related>,
    pub cable: Option<Cable>,
    pub connected_endpoint: Option<Value>,
}

/// A cable's status.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Cable {
    pub status: Option<Related>,
}

/// `get-interface-connections [filter-type] [value] [device]`.
pub async fn get_interface_connections(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (kind, value) = match filter::step(session, INTERFACE_FILTERS, "interface connections").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value),
    };
    let argument = kind.param;
    let (devices, described) = match (kind.name, value) {
        ("all", _) | (_, None) => (None, "All interface connections".to_owned()),
        ("device", Some(location)) => {
            let Some(device) = session.arg(2) else {
                let choices = session
                    .choices("dcim/devices/", &[("location", location.as_str())], "name")
                    .await?;
                if choices.is_empty() {
                    return Ok(error(format!(
                        "There are no devices at `{location}` that you may see."
                    )));
                }
                return Ok(session.menu(format!("Which device at {location}?"), choices));
            };
            (
                Some(vec![device.to_owned()]),
                format!("Interface connections of {device}"),
            )
        }
        (name, Some(value)) => {
            let query = format!("query ($value: [String]) {{ devices({argument}: $value) {{ name }} }}");
            let answer: DevicesAnswer = session.graphql(&query, json!({"value": [value]})).await?;
            let names: Vec<String> = answer.devices.iter().map(|d| d.label().to_owned()).collect();
            (
                Some(names),
                format!("Interface connections of devices where {name} is {value}"),
            )
        }
    };
    let answer: InterfacesAnswer = match &devices {
        Some(names) if names.is_empty() => InterfacesAnswer {
            interfaces: Vec::new(),
        },
        Some(names) => {
            let query = format!(
                "query ($device: [String]) {{ interfaces(device: $device) {{ {INTERFACE_FIELDS} }} }}"
            );
            session.graphql(&query, json!({"device": names})).await?
        }
        None => {
            session
                .graphql(&format!("{{ interfaces {{ {INTERFACE_FIELDS} }} }}"), json!({}))
                .await?
        }
    };
    let selected: Option<HashSet<&str>> = devices
        .as_ref()
        .map(|names| names.iter().map(String::as_str).collect());
    Ok(render_connections(
        &described,
        &answer.interfaces,
        selected.as_ref(),
    ))
}

/// One row per cable between two interfaces (each cable once, whichever end
/// was listed), sorted; a peer device outside `selected` is marked with `*`.
pub fn render_connections(title: &str, interfaces: &[Interface], selected: Option<&HashSet<&str>>) -> Reply {
    let mut rows = BTreeSet::new();
    let mut outside = false;
    for interface in interfaces {
        let Some(peer) = interface.connected_endpoint.as_ref() else {
            continue;
        };
        if peer.get("__typename").and_then(Value::as_str) != Some("InterfaceType") {
            continue;
        }
        let text = |pointer: &str| {
            peer.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (device_a, interface_a) = (label(&interface.device), interface.name.clone());
        let (device_b, interface_b) = (text("/device/name"), text("/name"));
        let status = interface
            .cable
            .as_ref()
            .map_or_else(|| label(&None), |cable| label(&cable.status));
        let peer_in = selected.is_none_or(|names| names.contains(device_b.as_str()));
        // A cable between two listed interfaces shows up twice: keep the ordered one.
        if peer_in && (device_b.as_str(), interface_b.as_str()) < (device_a.as_str(), interface_a.as_str()) {
            continue;
        }
        let shown_b = if peer_in {
            device_b
        } else {
            outside = true;
            format!("*{device_b}")
        };
        rows.insert(vec![device_a, interface_a, shown_b, interface_b, status]);
    }
    if rows.is_empty() {
        return Reply::Message(Message::text(
            Level::Info,
            format!("{title}: no cabled connections that you may see."),
        ));
    }
    let note = outside.then(|| "`*` marks a device outside the filter.".to_owned());
    table_message(
        title.to_owned(),
        &["Device A", "Interface A", "Device B", "Interface B", "Status"],
        rows.into_iter().collect(),
        note,
    )
}
