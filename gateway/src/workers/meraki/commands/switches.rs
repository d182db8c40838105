//! `get-switchports` and `get-switchports-status`: an MS switch's ports,
//! as configured and as they are now.

use serde_json::Value;

use super::choose::{Kind, device_name, text};
use super::{org_and_device, shown};
use crate::model::Reply;
use crate::workers::meraki::client::Subject;
use crate::workers::meraki::{MerakiError, Session};
use crate::workers::toolkit::render::{info, table_message};

/// The columns of `get-switchports`, with the port fields they show.
const SETTINGS: [(&str, &str); 13] = [
    ("Port", "portId"),
    ("Name", "name"),
    ("Enabled", "enabled"),
    ("PoE", "poeEnabled"),
    ("Type", "type"),
    ("VLAN", "vlan"),
    ("Voice VLAN", "voiceVlan"),
    ("Allowed VLANs", "allowedVlans"),
    ("Isolation", "isolationEnabled"),
    ("RSTP", "rstpEnabled"),
    ("STP guard", "stpGuard"),
    ("Link negotiation", "linkNegotiation"),
    ("UDLD", "udld"),
];

/// The ports of the switch `device` (`GET /devices/{serial}/switch/ports`).
pub async fn ports_of(session: &Session<'_>, device: &Value) -> Result<Vec<Value>, MerakiError> {
    let object = format!("the ports of {}", device_name(device));
    let subject = Subject {
        action: "view",
        object: &object,
    };
    let serial = text(device, "serial").unwrap_or_default();
    session
        .get(&format!("devices/{serial}/switch/ports"), &[], subject)
        .await
}

/// `get-switchports [org device]`.
pub async fn get_switchports(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, _) = match org_and_device(session, Kind::Switch).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let ports = ports_of(session, &device).await?;
    Ok(render_switchports(&device_name(&device), &ports))
}

/// A switch's port settings as a table: [`SETTINGS`].
pub fn render_switchports(switch: &str, ports: &[Value]) -> Reply {
    if ports.is_empty() {
        return info(format!("{switch} has no ports that you may see."));
    }
    let rows = ports
        .iter()
        .map(|port| {
            SETTINGS
                .iter()
                .map(|(_, field)| shown(port.get(*field)))
                .collect()
        })
        .collect();
    let columns: Vec<&str> = SETTINGS.iter().map(|(column, _)| *column).collect();
    table_message(format!("Ports of {switch}"), &columns, rows, None)
}

/// `get-switchports-status [org device]`.
pub async fn get_switchports_status(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, _) = match org_and_device(session, Kind::Switch).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let name = device_name(&device);
    let object = format!("the port statuses of {name}");
    let subject = Subject {
        action: "view",
        object: &object,
    };
    let serial = text(&device, "serial").unwrap_or_default();
    let statuses: Vec<Value> = session
        .get(&format!("devices/{serial}/switch/ports/statuses"), &[], subject)
        .await?;
    Ok(render_statuses(&name, &statuses))
}

/// A list of Meraki's sentences (`errors`, `warnings`) on one line.
fn sentences(value: Option<&Value>) -> String {
    let said: Vec<&str> = value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    shown(Some(&Value::String(said.join("; "))))
}

/// `total / sent / recv` of a usage or traffic object.
fn flows(value: Option<&Value>) -> String {
    let Some(value) = value.filter(|v| v.is_object()) else {
        return shown(None);
    };
    ["total", "sent", "recv"]
        .iter()
        .map(|field| format!("{field} {}", shown(value.get(*field))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A switch's ports now, as a table: status, errors and warnings, speed,
/// duplex, usage, clients, traffic.
pub fn render_statuses(switch: &str, statuses: &[Value]) -> Reply {
    if statuses.is_empty() {
        return info(format!("{switch} has no ports that you may see."));
    }
    let rows = statuses
        .iter()
        .map(|port| {
            vec![
                shown(port.get("portId")),
                shown(port.get("enabled")),
                shown(port.get("status")),
                sentences(port.get("errors")),
                sentences(port.get("warnings")),
                shown(port.get("speed")),
                shown(port.get("duplex")),
                flows(port.get("usageInKb")),
                shown(port.get("clientCount")),
                flows(port.get("trafficInKbps")),
            ]
        })
        .collect();
    table_message(
        format!("Port status of {switch}"),
        &[
            "Port",
            "Enabled",
            "Status",
            "Errors",
            "Warnings",
            "Speed",
            "Duplex",
            "Usage (kB)",
            "Clients",
            "Traffic (kbps)",
        ],
        rows,
        None,
    )
}
