//! `get-firewall-performance`, `get-camera-recent`, `get-clients`,
//! `get-neighbors` and `get-wlan-ssids`: what one device (or one wireless
//! network) reports.

use serde_json::Value;

use super::choose::{self, Kind, device_name, text};
use super::{org_and_device, shown};
use crate::model::Reply;
use crate::workers::meraki::client::Subject;
use crate::workers::meraki::{MerakiError, Session};
use crate::workers::toolkit::render::{info, table_message};

/// `GET /devices/{serial}/{what}` of `device`, a refusal said as the user
/// may not view `object`.
async fn of_device<T: serde::de::DeserializeOwned>(
    session: &Session<'_>,
    device: &Value,
    what: &str,
    query: &[(&str, &str)],
    object: &str,
) -> Result<T, MerakiError> {
    let serial = text(device, "serial").unwrap_or_default();
    let subject = Subject {
        action: "view",
        object,
    };
    session
        .get(&format!("devices/{serial}/{what}"), query, subject)
        .await
}

/// `get-firewall-performance [org device]`.
pub async fn get_firewall_performance(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, _) = match org_and_device(session, Kind::Appliance).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let name = device_name(&device);
    let object = format!("the performance of {name}");
    let performance: Value = of_device(session, &device, "appliance/performance", &[], &object).await?;
    let Some(score) = performance.get("perfScore").and_then(Value::as_f64) else {
        return Err(MerakiError::Malformed(format!("{object}: no perfScore")));
    };
    Ok(render_performance(&name, score))
}

/// The performance score in a sentence, as the original app says it.
pub fn render_performance(appliance: &str, score: f64) -> Reply {
    info(format!(
        "{appliance} has a performance score of {score} (of 100; higher means busier)."
    ))
}

/// `get-camera-recent [org device]`.
pub async fn get_camera_recent(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, _) = match org_and_device(session, Kind::Camera).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let name = device_name(&device);
    let object = format!("the analytics of {name}");
    let zones: Vec<Value> = of_device(session, &device, "camera/analytics/recent", &[], &object).await?;
    Ok(render_camera(&name, &zones))
}

/// A camera's recent analytics as a table, one row per zone.
pub fn render_camera(camera: &str, zones: &[Value]) -> Reply {
    if zones.is_empty() {
        return info(format!("{camera} has no recent analytics."));
    }
    let rows = zones
        .iter()
        .map(|zone| {
            ["zoneId", "startTs", "endTs", "entrances", "averageCount"]
                .iter()
                .map(|field| shown(zone.get(*field)))
                .collect()
        })
        .collect();
    table_message(
        format!("Recent people analytics of {camera}"),
        &["Zone", "From", "To", "Entrances", "Average count"],
        rows,
        None,
    )
}

/// `get-clients [org device]`.
pub async fn get_clients(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, _) = match org_and_device(session, Kind::Any).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let name = device_name(&device);
    let object = format!("the clients of {name}");
    let clients: Vec<Value> = of_device(session, &device, "clients", &[], &object).await?;
    Ok(render_clients(&name, &clients))
}

/// A device's clients as a table: who, where, and how much they sent and received.
pub fn render_clients(device: &str, clients: &[Value]) -> Reply {
    if clients.is_empty() {
        return info(format!("{device} saw no clients in the last day."));
    }
    let rows = clients
        .iter()
        .map(|client| {
            let usage = match client.get("usage") {
                Some(usage) if usage.is_object() => format!(
                    "sent {}, recv {}",
                    shown(usage.get("sent")),
                    shown(usage.get("recv"))
                ),
                _ => shown(None),
            };
            let mut row: Vec<String> = [
                "description",
                "mac",
                "ip",
                "user",
                "vlan",
                "switchport",
                "dhcpHostname",
            ]
            .iter()
            .map(|field| shown(client.get(*field)))
            .collect();
            row.push(usage);
            row
        })
        .collect();
    table_message(
        format!("Clients of {device}"),
        &[
            "Description",
            "MAC",
            "IP",
            "User",
            "VLAN",
            "Switchport",
            "DHCP hostname",
            "Usage (kB)",
        ],
        rows,
        None,
    )
}

/// `get-neighbors [org device]`.
pub async fn get_neighbors(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, _) = match org_and_device(session, Kind::Any).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let name = device_name(&device);
    let object = format!("the neighbours of {name}");
    let seen: Value = of_device(session, &device, "lldpCdp", &[], &object).await?;
    let Some(ports) = seen.get("ports").and_then(Value::as_object) else {
        if seen.is_object() && seen.get("ports").is_none_or(Value::is_null) {
            return Ok(render_neighbors(&name, &[]));
        }
        return Err(MerakiError::Malformed(format!("{object}: no ports")));
    };
    let mut rows = Vec::new();
    for (port, protocols) in ports {
        for (protocol, remote, remote_port, address) in [
            ("cdp", "deviceId", "portId", "address"),
            ("lldp", "systemName", "portId", "managementAddress"),
        ] {
            if let Some(heard) = protocols.get(protocol) {
                rows.push(vec![
                    port.clone(),
                    protocol.to_uppercase(),
                    shown(heard.get(remote)),
                    shown(heard.get(remote_port)),
                    shown(heard.get(address)),
                ]);
            }
        }
    }
    Ok(render_neighbors(&name, &rows))
}

/// A device's neighbours as a table, ordered by local port (numbers as numbers).
pub fn render_neighbors(device: &str, rows: &[Vec<String>]) -> Reply {
    if rows.is_empty() {
        return info(format!("{device} has no LLDP or CDP neighbours."));
    }
    let mut rows = rows.to_vec();
    rows.sort_by_key(|row| {
        let port = &row[0];
        (
            port.parse::<u64>().map_or(1, |_| 0),
            port.parse::<u64>().unwrap_or(0),
            port.clone(),
            row[1].clone(),
        )
    });
    table_message(
        format!("LLDP and CDP neighbours of {device}"),
        &[
            "Local port",
            "Protocol",
            "Remote device",
            "Remote port",
            "Remote address",
        ],
        rows,
        None,
    )
}

/// `get-wlan-ssids [org network]`.
pub async fn get_wlan_ssids(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let org = match choose::organization(session).await? {
        Ok(org) => org,
        Err(ask) => return Ok(ask),
    };
    let network = match choose::wireless_network(session, &org, 1, std::slice::from_ref(&org.name)).await? {
        Ok(network) => network,
        Err(ask) => return Ok(ask),
    };
    let name = shown(network.get("name"));
    let object = format!("the SSIDs of {name}");
    let subject = Subject {
        action: "view",
        object: &object,
    };
    let id = text(&network, "id").unwrap_or_default();
    let ssids: Vec<Value> = session
        .get(&format!("networks/{id}/wireless/ssids"), &[], subject)
        .await?;
    Ok(render_ssids(&name, &ssids))
}

/// A network's SSIDs as a table: number, name, enabled, visible,
/// authentication, band. Meraki always lists fifteen; the unconfigured ones
/// (disabled, named `Unconfigured SSID n`) are left out.
pub fn render_ssids(network: &str, ssids: &[Value]) -> Reply {
    let configured: Vec<&Value> = ssids
        .iter()
        .filter(|ssid| {
            ssid.get("enabled") == Some(&Value::Bool(true))
                || !ssid
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|name| name.starts_with("Unconfigured SSID"))
        })
        .collect();
    if configured.is_empty() {
        return info(format!("{network} has no configured SSIDs."));
    }
    let rows = configured
        .iter()
        .map(|ssid| {
            [
                "number",
                "name",
                "enabled",
                "visible",
                "authMode",
                "bandSelection",
            ]
            .iter()
            .map(|field| shown(ssid.get(*field)))
            .collect()
        })
        .collect();
    table_message(
        format!("SSIDs of {network}"),
        &["Number", "Name", "Enabled", "Visible", "Authentication", "Band"],
        rows,
        None,
    )
}
