//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks NSO through the [`Session`] and pure `render_*`
//! functions that turn answers into replies.

mod live;
mod reach;
mod sync;

use chatops_crds::settings::CommandSet;
use serde_json::Value;

use super::error::NsoError;
use super::session::Session;
use crate::model::{Block, Choice, Level, Message, Reply};
use crate::workers::toolkit::errors::BackendError;
use crate::workers::toolkit::render::error;

/// Runs the session's sub-command; `sets` are what `run-command-set` offers.
pub async fn run(session: &Session<'_>, sets: &[CommandSet]) -> Result<Reply, NsoError> {
    match session.call.invocation.subcommand.as_str() {
        "ping" => reach::ping(session).await,
        "connect" => reach::connect(session).await,
        "check-sync" => sync::check_sync(session).await,
        "sync-to" => sync::sync(session, sync::Direction::To).await,
        "sync-from" => sync::sync(session, sync::Direction::From).await,
        "run-command-set" => live::run_command_set(session, sets).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the nso integration."
        ))),
    }
}

/// The device named in the first argument, or the menu of NSO's devices
/// that asks for it.
pub async fn device_or_menu<'a>(session: &Session<'a>) -> Result<Result<&'a str, Reply>, NsoError> {
    if let Some(device) = session.arg(0) {
        return Ok(Ok(device));
    }
    let devices = session.devices().await?;
    Ok(Err(session.ask(
        "Which device?",
        device_choices(&devices, |_| true),
        "NSO manages no devices.",
    )))
}

/// A menu's choices: the names of the `devices` that `keep` keeps, in NSO's order.
pub fn device_choices(devices: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<Choice> {
    devices
        .iter()
        .filter(|device| keep(device))
        .filter_map(|device| device.get("name")?.as_str())
        .filter(|name| !name.is_empty())
        .map(Choice::same)
        .collect()
}

/// `result`, or the sentence that NSO has no device `device` when NSO
/// answered that the path naming it does not exist.
pub fn or_no_device(result: Result<Reply, NsoError>, device: &str) -> Result<Reply, NsoError> {
    match result {
        Err(BackendError::NotFound { .. }) => Ok(render_no_device(device)),
        other => other,
    }
}

/// NSO has no device `device`.
pub fn render_no_device(device: &str) -> Reply {
    error(format!(
        "NSO has no device named `{device}`; leave the name out to pick one from NSO's devices."
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

/// A file name of letters, digits, `-`, `_` and `.` made of `parts`, as
/// device and set names may hold anything NSO's keys allow.
pub fn file_name(parts: &[&str]) -> String {
    let stem: String = parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}.txt")
}

#[cfg(test)]
mod tests;
