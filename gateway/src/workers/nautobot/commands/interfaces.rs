//! `get-interface-connections`.

use std::collections::{BTreeSet, HashSet};

use serde::Deserialize;
use serde_json::{Value, json};

use super::circuits::CablePath;
use super::filter::{self, DEVICE_LOCATIONS, DEVICE_MODELS, DEVICE_ROLES, FilterKind, Step};
use crate::model::Reply;
use crate::workers::nautobot::objects::Related;
use crate::workers::nautobot::visibility::{Empties, Link, Nulls, Seen, Shown, hidden};
use crate::workers::nautobot::{NautobotError, Session};
use crate::workers::toolkit::render::{info, table_message};

/// The filters of `get-interface-connections`, each becoming a GraphQL
/// argument of `devices`; `device` takes a location, then a device.
pub const INTERFACE_FILTERS: &[FilterKind] = &[
    FilterKind::menu("device", "location", DEVICE_LOCATIONS),
    FilterKind::menu("model", "device_type", DEVICE_MODELS),
    FilterKind::menu("role", "role", DEVICE_ROLES),
    FilterKind::menu("location", "location", DEVICE_LOCATIONS),
    FilterKind::ALL,
];

/// Only interfaces with a cable are asked for (`has_cable: true`, a filter on
/// the interface's own column), so a `null` cable is one the user may not view.
const INTERFACE_FIELDS: &str = "id name device { name } cable { status { name } } \
     path { destination_type { app_label model } } \
     connected_endpoint { __typename ... on InterfaceType { name device { name } } }";

/// The device of an interface: `null` either hidden or, for an interface of
/// a module, none (`module__isnull: false` picks those).
pub const INTERFACE_DEVICE: Link = Link::optional("interfaces", "dcim.device", "module__isnull: false");
/// Every interface listed has a cable: a `null` one is hidden.
pub const INTERFACE_CABLE: Link = Link::required("interfaces", "dcim.cable");
/// A cable's status is required.
pub const CABLE_STATUS: Link = Link::required("cables", "extras.status");
/// The cable path from an interface: `connected: false` picks the interfaces
/// without an active one.
pub const INTERFACE_PATH: Link = Link::optional("interfaces", "dcim.cablepath", "connected: false");

/// An interface and what its cable connects it to.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Interface {
    #[serde(default)]
    pub id: String,
    pub name: String,
    pub device: Option<Related>,
    pub cable: Option<Cable>,
    /// The cable path from it, whose far end's kind GraphQL gives even when
    /// the user may not view that end.
    pub path: Option<CablePath>,
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
                return Ok(session.ask(
                    format!("Which device at {location}?"),
                    choices,
                    format!("There are no devices at `{location}` that you may see."),
                ));
            };
            (
                Some(vec![device.to_owned()]),
                format!("Interface connections of {device}"),
            )
        }
        (name, Some(value)) => {
            let devices: Vec<Related> = session
                .filtered("devices", "name", Some((argument, json!(value))))
                .await?;
            let names: Vec<String> = devices.iter().map(|d| d.label().to_owned()).collect();
            (
                Some(names),
                format!("Interface connections of devices where {name} is {value}"),
            )
        }
    };
    let interfaces: Vec<Interface> = match &devices {
        Some(names) if names.is_empty() => Vec::new(),
        Some(names) => {
            let query = format!(
                "query ($device: [String]) {{ interfaces(device: $device, has_cable: true) {{ {INTERFACE_FIELDS} }} }}"
            );
            session
                .rows("interfaces", &query, json!({"device": names}))
                .await?
        }
        None => {
            let query = format!("{{ interfaces(has_cable: true) {{ {INTERFACE_FIELDS} }} }}");
            session.rows("interfaces", &query, json!({})).await?
        }
    };
    let selected: Option<HashSet<&str>> = devices
        .as_ref()
        .map(|names| names.iter().map(String::as_str).collect());
    let empties = connection_nulls(&interfaces).resolve(session).await?;
    Ok(render_connections(
        &described,
        &interfaces,
        selected.as_ref(),
        &empties,
    ))
}

/// The far end of an interface's cable path, when it is an interface.
enum Peer {
    /// Its device and name.
    Interface(Shown, String),
    /// There is one, that the user may not view (of this model).
    Hidden(String),
}

/// An interface's device, cable status and peer interface; none when it is
/// not connected to an interface.
fn connection(interface: &Interface, seen: &mut impl Seen) -> (String, String, Option<Peer>) {
    let id = interface.id.as_str();
    let device = seen
        .seen(
            &INTERFACE_DEVICE,
            id,
            interface.device.as_ref().and_then(Related::known_as),
        )
        .text();
    let status = match &interface.cable {
        Some(cable) => seen.seen(
            &CABLE_STATUS,
            id,
            cable.status.as_ref().and_then(Related::known_as),
        ),
        None => seen.seen(&INTERFACE_CABLE, id, None),
    }
    .text();
    let peer = match interface.connected_endpoint.as_ref().filter(|e| !e.is_null()) {
        Some(endpoint) if endpoint.get("__typename").and_then(Value::as_str) == Some("InterfaceType") => {
            // The peer's device is `null` when the user may not view it (or,
            // rarely, when the peer is an interface of a module: not told apart).
            let device = endpoint
                .pointer("/device/name")
                .and_then(Value::as_str)
                .map_or_else(
                    || Shown::Hidden("dcim.device".to_owned()),
                    |name| Shown::of(Some(name)),
                );
            let name = endpoint
                .pointer("/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Some(Peer::Interface(device, name.to_owned()))
        }
        Some(_) => None,
        None => match &interface.path {
            Some(path) => path
                .destination_type
                .as_ref()
                .map(|kind| kind.name())
                .filter(|kind| kind == "dcim.interface")
                .map(Peer::Hidden),
            None => match seen.seen(&INTERFACE_PATH, id, None) {
                Shown::Hidden(model) => Some(Peer::Hidden(model)),
                _ => None,
            },
        },
    };
    (device, status, peer)
}

/// The `null`s of the interfaces to ask Nautobot about.
pub fn connection_nulls(interfaces: &[Interface]) -> Nulls {
    Nulls::of(interfaces, connection)
}

/// One row per cable between two interfaces (each cable once, whichever end
/// was listed), sorted; a peer device outside `selected` is marked with `*`;
/// a value hidden from the user says so.
pub fn render_connections(
    title: &str,
    interfaces: &[Interface],
    selected: Option<&HashSet<&str>>,
    empties: &Empties,
) -> Reply {
    let mut rows = BTreeSet::new();
    let mut outside = false;
    let listed: HashSet<(&str, &str)> = interfaces
        .iter()
        .filter_map(|interface| {
            let device = interface.device.as_ref().and_then(Related::known_as)?;
            Some((device, interface.name.as_str()))
        })
        .collect();
    for interface in interfaces {
        let (device_a, status, peer) = connection(interface, &mut &*empties);
        let interface_a = interface.name.clone();
        let (device_b, interface_b) = match peer {
            None => continue,
            Some(Peer::Hidden(model)) => {
                rows.insert(vec![
                    device_a,
                    interface_a,
                    hidden(&model),
                    hidden(&model),
                    status,
                ]);
                continue;
            }
            Some(Peer::Interface(Shown::Value(device), name)) => (device, name),
            Some(Peer::Interface(device, name)) => {
                rows.insert(vec![device_a, interface_a, device.text(), name, status]);
                continue;
            }
        };
        let peer_in = selected.is_none_or(|names| names.contains(device_b.as_str()));
        // A cable between two listed interfaces shows up twice: keep the ordered one.
        let peer = (device_b.as_str(), interface_b.as_str());
        if listed.contains(&peer) && peer < (device_a.as_str(), interface_a.as_str()) {
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
        return info(format!("{title}: no cabled connections that you may see."));
    }
    let note = outside.then(|| "`*` marks a device outside the filter.".to_owned());
    table_message(
        title.to_owned(),
        &["Device A", "Interface A", "Device B", "Interface B", "Status"],
        rows.into_iter().collect(),
        note,
    )
}
