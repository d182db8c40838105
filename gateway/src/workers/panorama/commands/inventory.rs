//! `get-devices`, `get-devicegroups` and `get-version`: what Panorama
//! manages and what it and its firewalls run.

use super::{device_or_menu, message};
use crate::model::{Block, Level, Reply};
use crate::workers::panorama::error::PanoramaError;
use crate::workers::panorama::session::{Device, Session};
use crate::workers::panorama::xml::El;
use crate::workers::toolkit::render::{or_none, table_message, yes_no};

/// `get-devices`: the managed firewalls.
pub async fn get_devices(session: &Session<'_>) -> Result<Reply, PanoramaError> {
    Ok(render_devices(&session.devices().await?))
}

/// The firewalls as a table, connected ones first.
pub fn render_devices(devices: &[Device]) -> Reply {
    let rows = devices
        .iter()
        .map(|d| {
            vec![
                or_none(Some(&d.hostname)),
                or_none(Some(&d.serial)),
                or_none(Some(&d.model)),
                or_none(Some(&d.ip)),
                or_none(Some(&d.version)),
                yes_no(d.connected),
                or_none(Some(&d.ha)),
            ]
        })
        .collect();
    table_message(
        "Firewalls managed by Panorama".to_owned(),
        &[
            "Host name",
            "Serial",
            "Model",
            "Address",
            "PAN-OS",
            "Connected",
            "HA",
        ],
        rows,
        devices
            .is_empty()
            .then(|| "Panorama manages no firewalls.".to_owned()),
    )
}

/// `get-devicegroups`: the device groups, their parents and firewalls.
pub async fn get_devicegroups(session: &Session<'_>) -> Result<Reply, PanoramaError> {
    let groups = session.device_groups().await?;
    let hierarchy = session.hierarchy().await?;
    Ok(render_devicegroups(&groups, &hierarchy))
}

/// The device groups as a table.
pub fn render_devicegroups(
    groups: &[(String, Vec<Device>)],
    hierarchy: &[(String, Option<String>)],
) -> Reply {
    let rows = groups
        .iter()
        .map(|(name, devices)| {
            let parent = hierarchy
                .iter()
                .find(|(group, _)| group == name)
                .and_then(|(_, parent)| parent.clone())
                .unwrap_or_else(|| "shared".to_owned());
            let firewalls: Vec<String> = devices
                .iter()
                .map(|d| {
                    if d.connected {
                        d.hostname.clone()
                    } else {
                        format!("{} (disconnected)", d.hostname)
                    }
                })
                .collect();
            vec![name.clone(), parent, or_none(Some(&firewalls.join(", ")))]
        })
        .collect();
    table_message(
        "Device groups in Panorama".to_owned(),
        &["Device group", "Parent", "Firewalls"],
        rows,
        groups
            .is_empty()
            .then(|| "Panorama has no device groups.".to_owned()),
    )
}

/// `get-version [device]`: Panorama's version and, with a device, the firewall's.
pub async fn get_version(session: &Session<'_>) -> Result<Reply, PanoramaError> {
    let panorama = session
        .system_info(None, "Panorama's system info".to_owned())
        .await?;
    if session.arg(0).is_none() {
        return Ok(render_version(&panorama, None));
    }
    let device = match device_or_menu(session, 0).await? {
        Ok(device) => device,
        Err(reply) => return Ok(reply),
    };
    let info = session
        .system_info(
            Some(&device.serial),
            format!("the system info of {}", device.hostname),
        )
        .await?;
    Ok(render_version(&panorama, Some(&info)))
}

/// Panorama's version (and the firewall's) in words.
pub fn render_version(panorama: &El, firewall: Option<&El>) -> Reply {
    let mut blocks = vec![Block::Text(format!(
        "Panorama **{}** runs PAN-OS **{}**.",
        or_none(Some(panorama.text_at("hostname"))),
        or_none(Some(panorama.text_at("sw-version")))
    ))];
    if let Some(fw) = firewall {
        blocks.push(Block::Text(format!(
            "Firewall **{}** ({}) runs PAN-OS **{}** (content {}).",
            or_none(Some(fw.text_at("hostname"))),
            or_none(Some(fw.text_at("model"))),
            or_none(Some(fw.text_at("sw-version"))),
            or_none(Some(fw.text_at("app-version")))
        )));
    }
    message(Level::Info, blocks)
}
