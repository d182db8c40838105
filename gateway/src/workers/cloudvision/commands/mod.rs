//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks CloudVision through the [`Session`] and pure
//! `render_*` functions that turn answers into replies.

mod configlets;
mod events;
mod inventory;
mod tags;
mod tasks;
pub mod when;

use super::error::CloudVisionError;
use super::session::{Container, Device, Session};
use crate::model::{Choice, Reply};
use crate::workers::toolkit::render::error;

/// Runs the session's sub-command.
pub async fn run(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    match session.call.invocation.subcommand.as_str() {
        "get-devices-in-container" => inventory::get_devices_in_container(session).await,
        "get-device-configuration" => inventory::get_device_configuration(session).await,
        "get-configlet" => configlets::get_configlet(session).await,
        "get-applied-configlets" => configlets::get_applied_configlets(session).await,
        "get-task-logs" => tasks::get_task_logs(session).await,
        "get-active-events" => events::get_active_events(session).await,
        "get-tags" => tags::get_tags(session).await,
        "get-device-cve" => tags::get_device_cve(session).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the cloudvision integration."
        ))),
    }
}

/// The device argument `index` names (by hostname, FQDN or serial, any
/// case), or the reply to give instead: a menu of hostnames when it is
/// missing, a sentence when no device has that name.
pub async fn device_at(
    session: &Session<'_>,
    index: usize,
) -> Result<Result<Device, Reply>, CloudVisionError> {
    let (devices, _) = session.devices().await?;
    let Some(typed) = session.arg(index) else {
        let choices = devices.iter().map(|d| Choice::same(&d.hostname)).collect();
        return Ok(Err(session.ask(
            "Which device?",
            choices,
            "CloudVision has no devices that you may see.",
        )));
    };
    Ok(find_device(devices, typed).ok_or_else(|| {
        error(format!(
            "CloudVision has no device `{typed}` that you may see; leave it out to pick one from a menu."
        ))
    }))
}

/// The device named `typed`: its hostname, FQDN or serial, in any case.
pub fn find_device(devices: Vec<Device>, typed: &str) -> Option<Device> {
    devices.into_iter().find(|d| {
        d.hostname.eq_ignore_ascii_case(typed)
            || d.serial.eq_ignore_ascii_case(typed)
            || typed
                .to_ascii_lowercase()
                .strip_prefix(&format!("{}.", d.hostname.to_ascii_lowercase()))
                .is_some()
    })
}

/// Each container's place in the tree: `Tenant / dc1 / dc1-leafs`.
pub fn path_of(containers: &[Container], key: &str) -> String {
    let mut names = Vec::new();
    let mut at = containers.iter().find(|c| c.key == key);
    // Bounded by the number of containers, so that a loop in a broken
    // answer cannot hang the run.
    while let Some(container) = at {
        if names.len() > containers.len() {
            break;
        }
        names.insert(0, container.name.as_str());
        at = container
            .parent
            .as_deref()
            .and_then(|parent| containers.iter().find(|c| c.key == parent));
    }
    names.join(" / ")
}

/// A menu of the containers by their path in the tree, valued by name.
pub fn container_choices(containers: &[Container]) -> Vec<Choice> {
    let mut choices: Vec<Choice> = containers
        .iter()
        .map(|c| Choice {
            label: path_of(containers, &c.key),
            value: c.name.clone(),
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    choices
}

/// The container argument `index` names, or the reply to give instead.
pub async fn container_at(
    session: &Session<'_>,
    index: usize,
    resume: Option<Vec<String>>,
) -> Result<Result<(Container, Vec<Container>), Reply>, CloudVisionError> {
    let containers = session.containers().await?;
    let Some(typed) = session.arg(index) else {
        let choices = container_choices(&containers);
        let none = "CloudVision has no containers that you may see.";
        return Ok(Err(match resume {
            Some(arguments) => crate::workers::toolkit::menus::ask_resuming(
                &session.call,
                arguments,
                "Which container?",
                choices,
                none,
            ),
            None => session.ask("Which container?", choices, none),
        }));
    };
    match containers.iter().find(|c| c.name.eq_ignore_ascii_case(typed)) {
        Some(found) => Ok(Ok((found.clone(), containers))),
        None => Ok(Err(error(format!(
            "CloudVision has no container `{typed}` that you may see; leave it out to pick one from a menu."
        )))),
    }
}

#[cfg(test)]
mod tests;
