//! `get-inventory` and `find-host`: the devices of a site, model, platform
//! or vendor, and the end hosts of an IP or MAC address.

use serde_json::{Value, json};

use super::{fields, filter, not_one_of, note_of, one_of, reading, render_table, values_of};
use crate::model::{Choice, Field, FieldKind, Reply};
use crate::workers::ipfabric::client::Query;
use crate::workers::ipfabric::{IpfabricError, Session, Settings};
use crate::workers::toolkit::render::error;

/// IP Fabric's device inventory.
pub const DEVICES: &str = "tables/inventory/devices";
/// IP Fabric's end hosts.
const HOSTS: &str = "tables/addressing/hosts";

/// What `get-inventory` filters by, with the column each one is.
const FILTERS: [(&str, &str); 4] = [
    ("site", "siteName"),
    ("model", "model"),
    ("platform", "platform"),
    ("vendor", "vendor"),
];

/// The columns of `get-inventory`, with the fields they show.
const DEVICE_COLUMNS: [(&str, &str); 9] = [
    ("Hostname", "hostname"),
    ("Site", "siteName"),
    ("Vendor", "vendor"),
    ("Platform", "platform"),
    ("Model", "model"),
    ("Memory %", "memoryUtilization"),
    ("Version", "version"),
    ("Serial", "sn"),
    ("Mgmt IP", "loginIp"),
];

/// The columns of `find-host`, with the fields they show.
const HOST_COLUMNS: [(&str, &str); 10] = [
    ("IP", "ip"),
    ("VRF", "vrf"),
    ("DNS", "dnsName"),
    ("Site", "siteName"),
    ("Edges", "edges"),
    ("Gateways", "gateways"),
    ("Access points", "accessPoints"),
    ("MAC", "mac"),
    ("Vendor", "vendor"),
    ("VLAN", "vlan"),
];

/// `get-inventory [filter-key filter-value]`: menus of the filters, then of
/// the values the snapshot's devices have.
pub async fn get_inventory(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshot = match reading(session, settings).await? {
        Ok(snapshot) => snapshot,
        Err(said) => return Ok(said),
    };
    let names: Vec<&str> = FILTERS.iter().map(|(name, _)| *name).collect();
    let Some(typed) = session.arg(0) else {
        let choices = names.iter().map(|name| Choice::same(*name)).collect();
        return Ok(session.menu("Filter the inventory by…", choices));
    };
    let Some((name, column)) = one_of(&names, typed).and_then(|n| FILTERS.iter().find(|(f, _)| *f == n))
    else {
        return Ok(not_one_of(session, "a filter", typed, &names));
    };
    let Some(value) = session.arg(1) else {
        let query = Query {
            table: DEVICES,
            columns: &[column],
            filters: json!({}),
            sort: None,
        };
        let rows = session.rows(&query, &snapshot).await?;
        return Ok(session.ask(
            format!("Which {name}?"),
            values_of(&rows, column),
            format!("No device of snapshot {} has a {name}.", snapshot.described()),
        ));
    };
    let query = Query {
        table: DEVICES,
        columns: &fields(&DEVICE_COLUMNS),
        filters: filter(column, "ieq", value),
        sort: Some("hostname"),
    };
    let mut rows = session.rows(&query, &snapshot).await?;
    let note = note_of(session, &snapshot, "inventory/devices", &mut rows);
    Ok(render_table(
        format!("Devices with {name} {value}"),
        &DEVICE_COLUMNS,
        &rows,
        note,
        &format!("No device has the {name} `{value}`."),
    ))
}

/// `find-host [ip|mac value]`: a menu of the two, then a field for the address.
pub async fn find_host(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshot = match reading(session, settings).await? {
        Ok(snapshot) => snapshot,
        Err(said) => return Ok(said),
    };
    let keys = ["ip", "mac"];
    let Some(typed) = session.arg(0) else {
        let choices = vec![
            Choice {
                label: "Host IP address".to_owned(),
                value: "ip".to_owned(),
            },
            Choice {
                label: "Host MAC address".to_owned(),
                value: "mac".to_owned(),
            },
        ];
        return Ok(session.menu("Find a host by…", choices));
    };
    let Some(key) = one_of(&keys, typed) else {
        return Ok(not_one_of(session, "a filter", typed, &keys));
    };
    let Some(value) = session.arg(1) else {
        let label = if key == "ip" { "IP address" } else { "MAC address" };
        return Ok(session.call.form(
            format!("Find a host by {label}"),
            vec![Field::new(label, FieldKind::Text)],
        ));
    };
    let wanted = match key {
        "ip" => value.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string()),
        _ => dotted_mac(value),
    };
    let Some(wanted) = wanted else {
        return Ok(error(format!(
            "`{value}` is not a valid {} address.",
            key.to_uppercase()
        )));
    };
    let query = Query {
        table: HOSTS,
        columns: &fields(&HOST_COLUMNS),
        filters: filter(key, "eq", &wanted),
        sort: Some("ip"),
    };
    let mut rows: Vec<Value> = session
        .rows(&query, &snapshot)
        .await?
        .iter()
        .map(flat_host)
        .collect();
    let note = note_of(session, &snapshot, "inventory/hosts", &mut rows);
    Ok(render_table(
        format!("Hosts with {} {wanted}", key.to_uppercase()),
        &HOST_COLUMNS,
        &rows,
        note,
        &format!(
            "IP Fabric knows no host with the {} `{wanted}`.",
            key.to_uppercase()
        ),
    ))
}

/// A MAC address in any usual form (`aa:bb:cc:dd:ee:ff`, `aa-bb-…`,
/// `aabb.ccdd.eeff`) in IP Fabric's: `aabb.ccdd.eeff`.
pub fn dotted_mac(typed: &str) -> Option<String> {
    let hex: String = typed
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect::<String>()
        .to_lowercase();
    if hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!("{}.{}.{}", &hex[0..4], &hex[4..8], &hex[8..12]))
}

/// A host with its edges, gateways and access points as text
/// (`lon-sw-01 GigabitEthernet1/0/2`) instead of IP Fabric's objects.
pub fn flat_host(host: &Value) -> Value {
    let mut flat = host.clone();
    for (field, second) in [
        ("edges", "intName"),
        ("gateways", "intName"),
        ("accessPoints", "ssid"),
    ] {
        let said: Vec<String> = host
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let name = item.get("hostname")?.as_str()?;
                Some(match item.get(second).and_then(Value::as_str) {
                    Some(detail) => format!("{name} {detail}"),
                    None => name.to_owned(),
                })
            })
            .collect();
        flat[field] = Value::String(said.join(", "));
    }
    flat
}
