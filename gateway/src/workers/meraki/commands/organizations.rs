//! `get-organizations`, `get-admins`, `get-devices` and `get-networks`:
//! what an organization holds.

use std::collections::HashMap;

use serde_json::Value;

use super::choose::{self, text};
use super::{cut_note, shown};
use crate::model::{Choice, Reply};
use crate::workers::meraki::client::Subject;
use crate::workers::meraki::{MerakiError, Session};
use crate::workers::toolkit::menus::ask_resuming;
use crate::workers::toolkit::render::{error, info, table_message};

/// The device types `get-devices` filters by: what is typed, Meraki's
/// product type (none for all), and what the menu says.
pub const TYPES: [(&str, Option<&str>, &str); 7] = [
    ("all", None, "all devices"),
    ("MS", Some("switch"), "MS switches"),
    ("MR", Some("wireless"), "MR access points"),
    ("MX", Some("appliance"), "MX appliances"),
    ("MV", Some("camera"), "MV cameras"),
    ("MG", Some("cellularGateway"), "MG cellular gateways"),
    ("MT", Some("sensor"), "MT sensors"),
];

/// The original app's type names, still understood.
const ALIASES: [(&str, &str); 4] = [
    ("switches", "MS"),
    ("aps", "MR"),
    ("firewalls", "MX"),
    ("cameras", "MV"),
];

/// `get-organizations`.
pub async fn get_organizations(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let orgs = choose::organizations(session).await?;
    Ok(render_organizations(
        &orgs.items,
        cut_note(orgs.cut, orgs.items.len()),
    ))
}

/// The organizations as a table: name, region, licensing.
pub fn render_organizations(orgs: &[Value], note: Option<String>) -> Reply {
    if orgs.is_empty() {
        return info("The API key sees no organization in Meraki.");
    }
    let rows = orgs
        .iter()
        .map(|org| {
            vec![
                shown(org.get("name")),
                shown(org.pointer("/cloud/region/name")),
                shown(org.pointer("/licensing/model")),
            ]
        })
        .collect();
    table_message(
        "Organizations".to_owned(),
        &["Name", "Region", "Licensing"],
        rows,
        note,
    )
}

/// `get-admins [org]`.
pub async fn get_admins(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let org = match choose::organization(session).await? {
        Ok(org) => org,
        Err(ask) => return Ok(ask),
    };
    let object = format!("the admins of {}", org.name);
    let subject = Subject {
        action: "view",
        object: &object,
    };
    let admins: Vec<Value> = session
        .get(&format!("organizations/{}/admins", org.id), &[], subject)
        .await?;
    Ok(render_admins(&org.name, &admins))
}

/// The admins as a table: name, email, access, two-factor, last active.
pub fn render_admins(org: &str, admins: &[Value]) -> Reply {
    if admins.is_empty() {
        return info(format!("{org} has no admins that you may see."));
    }
    let rows = admins
        .iter()
        .map(|admin| {
            ["name", "email", "orgAccess", "twoFactorAuthEnabled", "lastActive"]
                .iter()
                .map(|field| shown(admin.get(*field)))
                .collect()
        })
        .collect();
    table_message(
        format!("Admins of {org}"),
        &["Name", "Email", "Access", "Two-factor", "Last active"],
        rows,
        None,
    )
}

/// The device type typed (`MS`, `switches`, `all`, in any case).
pub fn device_type(typed: &str) -> Option<(&'static str, Option<&'static str>, &'static str)> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(typed))
        .map_or(typed, |(_, name)| name);
    TYPES
        .iter()
        .find(|(short, _, _)| short.eq_ignore_ascii_case(name))
        .copied()
}

/// `get-devices [org type]`.
pub async fn get_devices(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let org = match choose::organization(session).await? {
        Ok(org) => org,
        Err(ask) => return Ok(ask),
    };
    let Some(typed) = session.arg(1) else {
        let choices = TYPES
            .iter()
            .map(|(short, _, label)| Choice {
                label: (*label).to_owned(),
                value: (*short).to_owned(),
            })
            .collect();
        return Ok(ask_resuming(
            &session.call,
            vec![org.name.clone()],
            format!("Which devices of {}?", org.name),
            choices,
            "",
        ));
    };
    let Some((_, product, label)) = device_type(typed) else {
        let known: Vec<&str> = TYPES.iter().map(|(short, _, _)| *short).collect();
        return Ok(error(format!(
            "`{typed}` is not a device type; use one of: {}.",
            known.join(", ")
        )));
    };
    let object = format!("the devices of {}", org.name);
    let subject = Subject {
        action: "view",
        object: &object,
    };
    let query: Vec<(&str, &str)> = product.map(|p| ("productTypes[]", p)).into_iter().collect();
    let path = format!("organizations/{}/devices", org.id);
    let devices = session.list(&path, &query, subject).await?;
    let networks = network_names(&choose::networks(session, &org).await?.items);
    let title = format!("{} of {}", capitalized(label), org.name);
    Ok(render_devices(
        title,
        &devices.items,
        &networks,
        cut_note(devices.cut, devices.items.len()),
    ))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Network names by ID.
pub fn network_names(networks: &[Value]) -> HashMap<String, String> {
    networks
        .iter()
        .filter_map(|network| Some((text(network, "id")?, text(network, "name")?)))
        .collect()
}

/// The devices as a table: name, model, serial, network (by name), LAN IP, firmware.
pub fn render_devices(
    title: String,
    devices: &[Value],
    networks: &HashMap<String, String>,
    note: Option<String>,
) -> Reply {
    if devices.is_empty() {
        return info(format!("{title}: none that you may see."));
    }
    let mut rows: Vec<Vec<String>> = devices
        .iter()
        .map(|device| {
            let network = text(device, "networkId").map(|id| networks.get(&id).cloned().unwrap_or(id));
            vec![
                choose::device_name(device),
                shown(device.get("model")),
                shown(device.get("serial")),
                shown(network.map(Value::String).as_ref()),
                shown(device.get("lanIp")),
                shown(device.get("firmware")),
            ]
        })
        .collect();
    rows.sort();
    table_message(
        title,
        &["Name", "Model", "Serial", "Network", "LAN IP", "Firmware"],
        rows,
        note,
    )
}

/// `get-networks [org]`.
pub async fn get_networks(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let org = match choose::organization(session).await? {
        Ok(org) => org,
        Err(ask) => return Ok(ask),
    };
    let networks = choose::networks(session, &org).await?;
    Ok(render_networks(
        &org.name,
        &networks.items,
        cut_note(networks.cut, networks.items.len()),
    ))
}

/// The networks as a table: name, products, time zone, tags, notes.
pub fn render_networks(org: &str, networks: &[Value], note: Option<String>) -> Reply {
    if networks.is_empty() {
        return info(format!("{org} has no networks that you may see."));
    }
    let joined = |network: &Value, field: &str| {
        let items: Vec<&str> = network
            .get(field)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        shown(Some(&Value::String(items.join(", "))))
    };
    let rows = networks
        .iter()
        .map(|network| {
            vec![
                shown(network.get("name")),
                joined(network, "productTypes"),
                shown(network.get("timeZone")),
                joined(network, "tags"),
                shown(network.get("notes")),
            ]
        })
        .collect();
    table_message(
        format!("Networks of {org}"),
        &["Name", "Products", "Time zone", "Tags", "Notes"],
        rows,
        note,
    )
}
