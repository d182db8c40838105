//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks Meraki through the [`Session`] and pure
//! `render_*` functions that turn answers into replies.

mod choose;
mod devices;
mod organizations;
mod ports;
mod switches;

use serde_json::Value;

use self::choose::{Chosen, Kind, Org};
use super::error::MerakiError;
use super::session::Session;
use crate::model::Reply;
use crate::workers::toolkit::render::error;

/// Runs the session's sub-command.
pub async fn run(session: &Session<'_>) -> Result<Reply, MerakiError> {
    match session.call.invocation.subcommand.as_str() {
        "get-organizations" => organizations::get_organizations(session).await,
        "get-admins" => organizations::get_admins(session).await,
        "get-devices" => organizations::get_devices(session).await,
        "get-networks" => organizations::get_networks(session).await,
        "get-switchports" => switches::get_switchports(session).await,
        "get-switchports-status" => switches::get_switchports_status(session).await,
        "get-firewall-performance" => devices::get_firewall_performance(session).await,
        "get-wlan-ssids" => devices::get_wlan_ssids(session).await,
        "get-camera-recent" => devices::get_camera_recent(session).await,
        "get-clients" => devices::get_clients(session).await,
        "get-neighbors" => devices::get_neighbors(session).await,
        "configure-basic-access-port" => ports::configure_basic_access_port(session).await,
        "cycle-port" => ports::cycle_port(session).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the meraki integration."
        ))),
    }
}

/// How a table shows one of Meraki's values (the toolkit's way).
pub use crate::workers::toolkit::render::value_text as shown;

/// The organization (argument 0) then a device of `kind` (argument 1),
/// asking for what is missing: both, and the arguments that name them (to
/// resume later menus with).
pub async fn org_and_device(
    session: &Session<'_>,
    kind: Kind,
) -> Result<Chosen<(Org, Value, Vec<String>)>, MerakiError> {
    let org = match choose::organization(session).await? {
        Ok(org) => org,
        Err(ask) => return Ok(Err(ask)),
    };
    let mut so_far = vec![org.name.clone()];
    let device = match choose::device(session, &org, kind, 1, &so_far).await? {
        Ok(device) => device,
        Err(ask) => return Ok(Err(ask)),
    };
    so_far.push(choose::device_name(&device));
    Ok(Ok((org, device, so_far)))
}

/// The note of a list Meraki had more of than the cap.
pub fn cut_note(cut: bool, shown: usize) -> Option<String> {
    cut.then(|| format!("Showing the first {shown}; Meraki has more."))
}

#[cfg(test)]
mod tests;
