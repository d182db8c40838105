//! The sub-commands, one module per group, each with the same shape: an
//! async `run_*` that asks Nautobot through the [`Session`] and pure
//! `render_*` functions that turn answers into replies.

mod about;
mod circuits;
mod devices;
pub mod filter;
mod interfaces;
mod jobs;
mod manufacturers;
mod racks;
mod vlans;

pub use circuits::CIRCUIT_FILTERS;
pub use devices::{DEVICE_FILTERS, devices_query};
pub use interfaces::INTERFACE_FILTERS;
pub use vlans::VLAN_FILTERS;

use super::error::NautobotError;
use super::session::Session;
use crate::model::Reply;
pub use crate::workers::toolkit::paging::cut_note;
pub use crate::workers::toolkit::render::error;

/// Runs the session's sub-command.
pub async fn run(session: &Session<'_>) -> Result<Reply, NautobotError> {
    match session.call.invocation.subcommand.as_str() {
        "get-devices" => devices::get_devices(session).await,
        "get-device-status" => devices::get_device_status(session).await,
        "change-device-status" => devices::change_device_status(session).await,
        "get-device-facts" => devices::get_device_facts(session).await,
        "get-rack" => racks::get_rack(session).await,
        "get-circuits" => circuits::get_circuits(session).await,
        "get-circuit-providers" => circuits::get_circuit_providers(session).await,
        "get-circuit-connections" => circuits::get_circuit_connections(session).await,
        "get-vlans" => vlans::get_vlans(session).await,
        "get-interface-connections" => interfaces::get_interface_connections(session).await,
        "get-manufacturer-summary" => manufacturers::get_manufacturer_summary(session).await,
        "get-jobs" => jobs::get_jobs(session).await,
        "filter-jobs" => jobs::filter_jobs(session).await,
        "run-job" => jobs::run_job(session).await,
        "run-job-form" => jobs::run_job_form(session).await,
        "about" => about::about(session).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the nautobot integration."
        ))),
    }
}

#[cfg(test)]
mod tests;
