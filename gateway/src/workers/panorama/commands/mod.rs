//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks Panorama through the [`Session`] and pure
//! `render_*` functions that turn answers into replies.

mod capture;
mod inventory;
mod objects;
mod rules;
mod software;

use super::Polling;
use super::error::PanoramaError;
use super::session::{Device, Session};
use crate::model::{Block, Choice, Level, Message, Reply};
use crate::workers::toolkit::render::error;

/// Runs the session's sub-command, following jobs as `polling` says.
pub async fn run(session: &Session<'_>, polling: Polling) -> Result<Reply, PanoramaError> {
    match session.call.invocation.subcommand.as_str() {
        "get-devices" => inventory::get_devices(session).await,
        "get-devicegroups" => inventory::get_devicegroups(session).await,
        "get-version" => inventory::get_version(session).await,
        "validate-rule-exists" => rules::validate_rule_exists(session).await,
        "get-device-rules" => rules::get_device_rules(session, rules::Output::Table).await,
        "export-device-rules" => rules::get_device_rules(session, rules::Output::Csv).await,
        "upload-software" => software::change(session, software::Change::Download, polling).await,
        "install-software" => software::change(session, software::Change::Install, polling).await,
        "capture-traffic" => capture::capture_traffic(session).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the panorama integration."
        ))),
    }
}

/// The firewall named by argument `index` (host name or serial), or the
/// reply to give instead: the menu of Panorama's firewalls, or that there is
/// no such firewall. A disconnected one is refused here unless `any` is
/// set: Panorama cannot pass a request on to it.
pub async fn device_or_menu(
    session: &Session<'_>,
    index: usize,
) -> Result<Result<Device, Reply>, PanoramaError> {
    let devices = session.devices().await?;
    let Some(named) = session.arg(index) else {
        return Ok(Err(session.ask(
            "Which firewall?",
            device_choices(&devices),
            "Panorama manages no firewalls.",
        )));
    };
    let Some(device) = find_device(&devices, named) else {
        return Ok(Err(render_no_device(named)));
    };
    if !device.connected {
        return Ok(Err(render_disconnected(device)));
    }
    Ok(Ok(device.clone()))
}

/// The firewall `named` by its host name (any case) or serial.
pub fn find_device<'d>(devices: &'d [Device], named: &str) -> Option<&'d Device> {
    devices
        .iter()
        .find(|d| d.hostname.eq_ignore_ascii_case(named) || d.serial == named)
}

/// A menu's choices: the firewalls by host name, connected ones first, a
/// disconnected one said so.
pub fn device_choices(devices: &[Device]) -> Vec<Choice> {
    devices
        .iter()
        .filter(|d| !d.hostname.is_empty())
        .map(|d| Choice {
            label: if d.connected {
                d.hostname.clone()
            } else {
                format!("{} (disconnected)", d.hostname)
            },
            value: d.hostname.clone(),
        })
        .collect()
}

/// Panorama manages no firewall `named`.
pub fn render_no_device(named: &str) -> Reply {
    error(format!(
        "Panorama manages no firewall named `{named}`; leave the name out to pick one from Panorama's firewalls."
    ))
}

/// `device` is not connected to Panorama, which cannot reach it.
pub fn render_disconnected(device: &Device) -> Reply {
    error(format!(
        "**{}** is not connected to Panorama, so Panorama cannot ask it anything; check its management connection.",
        device.hostname
    ))
}

/// A message at `level` of `blocks`, everyone in the conversation may see.
pub fn message(level: Level, blocks: Vec<Block>) -> Reply {
    Reply::Message(Message {
        level,
        blocks,
        ..Default::default()
    })
}

/// A file name of letters, digits, `-`, `_` and `.`, from `stem` and `extension`.
pub fn file_name(stem: &str, extension: &str) -> String {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}.{extension}")
}

#[cfg(test)]
pub use capture::parse_error as capture_parse_error;

#[cfg(test)]
mod tests;
