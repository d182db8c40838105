//! `get-devices` and `get-device`: the devices Slurpit knows.

use serde_json::Value;

use super::{flag, note_of, shown};
use crate::model::{Choice, Reply};
use crate::workers::slurpit::{Session, SlurpitError};
use crate::workers::toolkit::render::{error, info, table_message};

/// The columns of `get-devices`, with the device fields they show.
const LISTED: [(&str, &str); 8] = [
    ("Hostname", "hostname"),
    ("FQDN", "fqdn"),
    ("OS", "device_os"),
    ("Type", "device_type"),
    ("Brand", "brand"),
    ("Site", "site"),
    ("Disabled", "disabled"),
    ("Last seen", "last_seen"),
];

/// The facts `get-device` shows, with the device fields they are.
const FACTS: [(&str, &str); 15] = [
    ("Hostname", "hostname"),
    ("FQDN", "fqdn"),
    ("Address", "address"),
    ("Port", "port"),
    ("OS", "device_os"),
    ("OS version", "os_version"),
    ("Serial", "serial"),
    ("Type", "device_type"),
    ("Brand", "brand"),
    ("Site", "site"),
    ("Disabled", "disabled"),
    ("Tags", "tags"),
    ("Description", "description"),
    ("Last seen", "last_seen"),
    ("Changed", "changeddate"),
];

/// `get-devices`.
pub async fn get_devices(session: &Session<'_>) -> Result<Reply, SlurpitError> {
    let mut devices: Vec<Value> = session.list("devices").await?;
    let note = note_of(session, "admin/devices", &mut devices);
    Ok(render_devices(&devices, note))
}

/// `get-device [hostname]`: a menu of hostnames when none is given.
pub async fn get_device(session: &Session<'_>) -> Result<Reply, SlurpitError> {
    let devices: Vec<Value> = session.list("devices").await?;
    let Some(hostname) = session.arg(0) else {
        return Ok(session.ask(
            "Which device?",
            hostname_choices(&devices),
            "Slurpit has no devices.",
        ));
    };
    Ok(match find(&devices, hostname) {
        Some(device) => {
            let link = format!(
                "[Open in Slurpit]({})",
                session.web_link(&format!("admin/devices/{}", shown(device.get("id"))))
            );
            render_device(device, Some(link))
        }
        None => error(format!(
            "Slurpit has no device named `{hostname}`; `get-devices` lists them."
        )),
    })
}

/// A menu's choices: every device's hostname, sorted.
pub fn hostname_choices(devices: &[Value]) -> Vec<Choice> {
    let mut names: Vec<&str> = devices
        .iter()
        .filter_map(|device| device.get("hostname")?.as_str())
        .filter(|name| !name.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().map(Choice::same).collect()
}

/// The device named `hostname`, in any case.
pub fn find<'d>(devices: &'d [Value], hostname: &str) -> Option<&'d Value> {
    devices.iter().find(|device| {
        device
            .get("hostname")
            .and_then(Value::as_str)
            .is_some_and(|name| name.eq_ignore_ascii_case(hostname))
    })
}

fn cell(device: &Value, field: &str) -> String {
    if field == "disabled" {
        flag(device.get(field))
    } else {
        shown(device.get(field))
    }
}

/// The devices as a table: [`LISTED`].
pub fn render_devices(devices: &[Value], note: Option<String>) -> Reply {
    if devices.is_empty() {
        return info("Devices: Slurpit has none.");
    }
    let rows = devices
        .iter()
        .map(|device| LISTED.iter().map(|(_, field)| cell(device, field)).collect())
        .collect();
    let columns: Vec<&str> = LISTED.iter().map(|(column, _)| *column).collect();
    table_message("Devices".to_owned(), &columns, rows, note)
}

/// One device as a table of its [`FACTS`], with `note` (its link) under it.
pub fn render_device(device: &Value, note: Option<String>) -> Reply {
    let rows = FACTS
        .iter()
        .map(|(name, field)| vec![(*name).to_owned(), cell(device, field)])
        .collect();
    table_message(
        format!("Device {}", shown(device.get("hostname"))),
        &["Field", "Value"],
        rows,
        note,
    )
}
