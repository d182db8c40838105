//! `run-command-set`: a set of show commands run on a device through NSO's
//! live-status `exec`, in the stats module of the device's own NED (IOS's
//! for IOS, IOS XR's for IOS XR; the original app sent both to IOS's).

use chatops_crds::settings::CommandSet;
use serde_json::Value;

use super::{device_choices, file_name, or_no_device};
use crate::model::{Block, Choice, Level, Message, Reply};
use crate::workers::nso::{NsoError, Session};
use crate::workers::toolkit::errors::BackendError;
use crate::workers::toolkit::render::error;
use crate::workers::toolkit::render::text_or_file;

/// The live-status module whose `exec` runs CLI commands on a device of
/// `device_type` (its `device-type` container): Cisco IOS's or IOS XR's; none
/// for another NED, or a NETCONF one (NSO reads those as data, not CLI).
pub fn exec_module(device_type: Option<&Value>) -> Option<&'static str> {
    let ned = device_type?
        .get("cli")?
        .get("ned-id")?
        .as_str()?
        .to_ascii_lowercase();
    // `cisco-iosxr-cli-7.52:…` or the classic `cisco-ios-xr-id:cisco-ios-xr`
    // first: both also contain `ios`.
    if ned.contains("iosxr") || ned.contains("ios-xr") {
        Some("tailf-ned-cisco-ios-xr-stats")
    } else if ned.contains("ios") {
        Some("tailf-ned-cisco-ios-stats")
    } else {
        None
    }
}

/// The NED a `device-type` names, whatever its kind (`cli`, `netconf`, …).
fn ned_id(device_type: &Value) -> Option<&str> {
    device_type
        .as_object()?
        .values()
        .find_map(|kind| kind.get("ned-id")?.as_str())
}

/// `run-command-set [device] [set]`.
pub async fn run_command_set(session: &Session<'_>, sets: &[CommandSet]) -> Result<Reply, NsoError> {
    let Some(device) = session.arg(0) else {
        let devices = session.devices().await?;
        let runnable = device_choices(&devices, |d| exec_module(d.get("device-type")).is_some());
        return Ok(session.ask(
            "Which device?",
            runnable,
            "NSO manages no device it can run show commands on (Cisco IOS or IOS XR).",
        ));
    };
    let device_type = match session.device_type(device).await {
        Ok(device_type) => device_type,
        Err(failure) => return or_no_device(Err(failure), device),
    };
    let Some(module) = exec_module(Some(&device_type)) else {
        return Ok(render_no_exec(device, ned_id(&device_type)));
    };
    let Some(name) = session.arg(1) else {
        return Ok(session.ask(
            "Which command set?",
            set_choices(sets),
            "The Integration offers no command sets.",
        ));
    };
    let Some(set) = sets.iter().find(|set| set.name.eq_ignore_ascii_case(name)) else {
        return Ok(error(format!(
            "There is no command set `{name}`; the sets are {}.",
            names(sets)
        )));
    };
    let mut ran = Vec::new();
    for command in &set.commands {
        match session.exec(device, module, command).await {
            Ok(output) => ran.push((command.as_str(), cli_text(output.as_ref()))),
            Err(BackendError::Refused { status, detail }) => {
                let failed = Failed {
                    command,
                    status,
                    detail: detail.as_deref(),
                };
                return Ok(render_outputs(device, set, &ran, Some(failed)));
            }
            Err(BackendError::NotFound { .. }) => {
                return Ok(render_no_exec(device, ned_id(&device_type)));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(render_outputs(device, set, &ran, None))
}

/// The sets as menu choices: each name, with its commands to tell them apart.
pub fn set_choices(sets: &[CommandSet]) -> Vec<Choice> {
    sets.iter()
        .map(|set| Choice {
            label: format!("{}: {}", set.name, set.commands.join(", ")),
            value: set.name.clone(),
        })
        .collect()
}

fn names(sets: &[CommandSet]) -> String {
    let names: Vec<String> = sets.iter().map(|set| format!("`{}`", set.name)).collect();
    names.join(", ")
}

/// What the device printed, as `exec` relays it: CRLF line ends made LF,
/// the blank opening line and the closing prompt (`name# `) left out.
pub fn cli_text(output: Option<&Value>) -> String {
    let raw = output
        .and_then(|o| o.get("result"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    let mut lines: Vec<&str> = raw.trim_start_matches('\n').trim_end().lines().collect();
    if lines.last().is_some_and(|last| last.trim_end().ends_with('#')) {
        lines.pop();
    }
    lines.join("\n").trim_end().to_owned()
}

/// The device cannot run CLI commands through NSO: its NED (`ned`) has no
/// live-status `exec`.
pub fn render_no_exec(device: &str, ned: Option<&str>) -> Reply {
    let ned = ned.map(|ned| format!(" (`{ned}`)")).unwrap_or_default();
    error(format!(
        "NSO cannot run show commands on **{device}**: its NED{ned} has no live-status exec; \
         `run-command-set` runs on Cisco IOS and IOS XR devices."
    ))
}

/// A command NSO could not run, and why.
pub struct Failed<'a> {
    /// The command.
    pub command: &'a str,
    /// NSO's HTTP status.
    pub status: u16,
    /// NSO's `error-message`.
    pub detail: Option<&'a str>,
}

/// The outputs of the commands `ran` of `set` on `device`, in the original
/// app's layout, as code or a text file when long; then the command that
/// failed, if one did.
pub fn render_outputs(
    device: &str,
    set: &CommandSet,
    ran: &[(&str, String)],
    failed: Option<Failed<'_>>,
) -> Reply {
    let rule = format!("! {}", "-".repeat(30));
    let text: Vec<String> = ran
        .iter()
        .map(|(command, output)| format!("{rule}\n! Command '{command}' results:\n{rule}\n{output}"))
        .collect();
    let title = format!("{} on {device}", set.name);
    let mut blocks = Vec::new();
    if !ran.is_empty() {
        blocks.push(text_or_file(
            &text.join("\n"),
            &file_name(&[device, &set.name]),
            &title,
        ));
    }
    let level = match failed {
        None => Level::Info,
        Some(failed) => {
            let why = failed
                .detail
                .map_or_else(|| format!("NSO answered {}", failed.status), str::to_owned);
            blocks.push(Block::Text(format!(
                "NSO could not run `{}` on **{device}**: {why}",
                failed.command
            )));
            Level::Warning
        }
    };
    Reply::Message(Message {
        level,
        title: Some(title),
        blocks,
        private: false,
    })
}
