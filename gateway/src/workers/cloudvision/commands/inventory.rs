//! `get-devices-in-container` and `get-device-configuration`: where the
//! devices sit in the provisioning tree, and what they run.

use serde_json::Value;

use super::{container_at, device_at, path_of};
use crate::model::{Block, Reply, TextFile};
use crate::workers::cloudvision::session::{Container, Device};
use crate::workers::cloudvision::{CloudVisionError, Session};
use crate::workers::toolkit::render::{info, or_none, table_message, titled};

/// `get-devices-in-container [container]`.
pub async fn get_devices_in_container(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let (container, containers) = match container_at(session, 0, None).await? {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    let inventory = session.inventory().await?;
    Ok(render_devices_in_container(&container, &containers, &inventory))
}

/// The devices in `container` and the containers under it: hostname,
/// container (its path), model, EOS, IP, serial, streaming, compliance.
pub fn render_devices_in_container(
    container: &Container,
    containers: &[Container],
    inventory: &[Value],
) -> Reply {
    let text = |d: &Value, field: &str| or_none(d.get(field).and_then(Value::as_str));
    let rows: Vec<Vec<String>> = inventory
        .iter()
        .filter_map(|d| {
            let key = d.get("parentContainerKey").and_then(Value::as_str)?;
            let path = path_of(containers, key);
            let here = path_of(containers, &container.key);
            (path == here || path.starts_with(&format!("{here} / "))).then(|| {
                let compliance = match d.get("complianceIndication").and_then(Value::as_str) {
                    Some("") | None => "in sync".to_owned(),
                    Some(other) => format!("out of sync ({})", other.to_lowercase()),
                };
                vec![
                    text(d, "hostname"),
                    path,
                    text(d, "modelName"),
                    text(d, "version"),
                    text(d, "ipAddress"),
                    text(d, "serialNumber"),
                    text(d, "streamingStatus"),
                    compliance,
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return info(format!(
            "CloudVision has no devices in container **{}** or under it.",
            container.name
        ));
    }
    table_message(
        format!("Devices in container {}", container.name),
        &[
            "Hostname",
            "Container",
            "Model",
            "EOS",
            "IP address",
            "Serial",
            "Streaming",
            "Configuration",
        ],
        rows,
        None,
    )
}

/// `get-device-configuration [device]`: the running configuration, as a file.
pub async fn get_device_configuration(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let device = match device_at(session, 0).await? {
        Ok(device) => device,
        Err(reply) => return Ok(reply),
    };
    let config = session.running_config(&device).await?;
    Ok(render_configuration(&device, config))
}

/// The running configuration of `device` as a text file.
pub fn render_configuration(device: &Device, config: String) -> Reply {
    let title = format!("Running configuration of {}", device.hostname);
    titled(
        title.clone(),
        vec![Block::File(TextFile {
            file_name: format!("{}-running-config.txt", device.hostname),
            title,
            text: config,
        })],
    )
}
