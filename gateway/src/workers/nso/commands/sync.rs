//! `check-sync`, with `compare-config`, and the changes `sync-to` and
//! `sync-from`: whether a device's configuration is NSO's, and making it so.

use serde_json::Value;

use super::{device_choices, device_or_menu, file_name, message, or_no_device};
use crate::model::{Block, Choice, Level, Reply, Table};
use crate::workers::nso::{NsoError, Session};
use crate::workers::toolkit::confirm::{Change, confirm};
use crate::workers::toolkit::render::error;
use crate::workers::toolkit::render::text_or_file;

/// The argument of `check-sync` that checks every device.
pub const ALL: &str = "all";
/// The argument of `check-sync` that shows the difference.
pub const COMPARE: &str = "compare-config";

/// `check-sync [device|all] [compare-config]`.
pub async fn check_sync(session: &Session<'_>) -> Result<Reply, NsoError> {
    let Some(target) = session.arg(0) else {
        let devices = session.devices().await?;
        let mut choices = vec![Choice {
            label: "All devices".to_owned(),
            value: ALL.to_owned(),
        }];
        choices.extend(device_choices(&devices, |_| true));
        return Ok(session.menu("Which device?", choices));
    };
    let compare = match session.arg(1) {
        None => false,
        Some(word) if word.eq_ignore_ascii_case(COMPARE) => true,
        Some(other) => {
            return Ok(error(format!(
                "`{other}` is not an option of `check-sync`: give `{COMPARE}` to see the difference, or nothing."
            )));
        }
    };
    if target.eq_ignore_ascii_case(ALL) {
        return check_all(session, compare).await;
    }
    let checked = async {
        let output = session.action(Some(target), "check-sync").await?;
        let status = Status::of(output.as_ref());
        if !compare || !status.comparable() {
            if status.result == "out-of-sync" {
                // As the original app, offer the difference.
                return Ok(session.menu(
                    render_status(target, &status, false),
                    vec![Choice {
                        label: "Compare the configuration".to_owned(),
                        value: COMPARE.to_owned(),
                    }],
                ));
            }
            return Ok(render_check(target, &status, None, compare));
        }
        let compared = session.action(Some(target), COMPARE).await?;
        Ok(render_check(target, &status, Some(compared.as_ref()), compare))
    }
    .await;
    or_no_device(checked, target)
}

/// `check-sync all [compare-config]`: every device's status, and the
/// differences of those out of sync when asked.
async fn check_all(session: &Session<'_>, compare: bool) -> Result<Reply, NsoError> {
    let output = session.action(None, "check-sync").await?;
    let results: Vec<Value> = output
        .as_ref()
        .and_then(|o| o.get("sync-result"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut diffs = Vec::new();
    if compare {
        for result in &results {
            let status = Status::of(Some(result));
            let Some(device) = result.get("device").and_then(Value::as_str) else {
                continue;
            };
            if status.result == "out-of-sync" {
                let compared = session.action(Some(device), COMPARE).await?;
                diffs.push((device.to_owned(), diff_of(compared.as_ref())));
            }
        }
    }
    Ok(render_all(&results, &diffs))
}

/// What `check-sync` found of one device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// `in-sync`, `out-of-sync`, `unsupported`, `locked`, `error`, …
    pub result: String,
    /// NSO's `info`, when it gave one.
    pub info: Option<String>,
}

impl Status {
    /// The status in a `check-sync` output (or a `sync-result` entry).
    pub fn of(output: Option<&Value>) -> Self {
        let text = |field| {
            output
                .and_then(|o| o.get(field))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        Status {
            result: text("result").unwrap_or_else(|| "unknown".to_owned()),
            info: text("info"),
        }
    }

    /// Whether NSO can compare the configurations: it reaches the device.
    fn comparable(&self) -> bool {
        matches!(self.result.as_str(), "out-of-sync" | "unsupported")
    }
}

/// A `compare-config` output: the diff, NSO's reason for having none, or
/// `None` when there is no difference.
fn diff_of(compared: Option<&Value>) -> Result<Option<String>, String> {
    let text = |field| {
        compared
            .and_then(|c| c.get(field))
            .and_then(Value::as_str)
            .map(|text| text.trim_matches('\n').to_owned())
            .filter(|text| !text.trim().is_empty())
    };
    match (text("diff"), text("info")) {
        (Some(diff), _) => Ok(Some(diff)),
        (None, Some(info)) => Err(info),
        (None, None) => Ok(None),
    }
}

/// The sentence of one device's `status` (out of sync: the question whether
/// to compare); `asked_to_compare` says `compare-config` was typed.
pub fn render_status(device: &str, status: &Status, asked_to_compare: bool) -> String {
    let info = status.info.as_deref();
    let with_info = |said: String| match info {
        Some(info) => format!("{said} ({info})."),
        None => format!("{said}."),
    };
    match status.result.as_str() {
        "in-sync" if asked_to_compare => {
            format!("**{device}** is in sync with NSO: there is nothing to compare.")
        }
        "in-sync" => format!("**{device}** is in sync with NSO."),
        "out-of-sync" => format!(
            "**{device}** is out of sync with NSO{}. Compare its configuration with NSO's?",
            info.map(|info| format!(" ({info})")).unwrap_or_default()
        ),
        "unsupported" => format!(
            "NSO cannot check **{device}** cheaply (its NED keeps no transaction id); \
             `check-sync {device} {COMPARE}` compares the whole configuration."
        ),
        "locked" => format!(
            "**{device}** is locked in NSO (its admin-state): NSO does not talk to it until it is unlocked."
        ),
        "error" => match info {
            Some(info) => format!("NSO could not check **{device}**: {info}"),
            None => format!("NSO could not check **{device}**."),
        },
        other => with_info(format!("NSO says **{device}** is {other}")),
    }
}

/// One device's check, with what `compare-config` answered when it was run.
pub fn render_check(
    device: &str,
    status: &Status,
    compared: Option<Option<&Value>>,
    asked_to_compare: bool,
) -> Reply {
    let Some(compared) = compared else {
        let level = match status.result.as_str() {
            "in-sync" | "unsupported" => Level::Info,
            _ => Level::Warning,
        };
        return message(
            level,
            vec![Block::Text(render_status(device, status, asked_to_compare))],
        );
    };
    match diff_of(compared) {
        Ok(Some(diff)) => message(
            Level::Warning,
            vec![
                Block::Text(format!(
                    "**{device}** differs from NSO; NSO would change this to match the device:"
                )),
                text_or_file(
                    &diff,
                    &file_name(&[device, "diff"]),
                    &format!("How {device} differs from NSO"),
                ),
            ],
        ),
        Ok(None) => message(
            Level::Info,
            vec![Block::Text(format!(
                "**{device}**'s configuration does not differ from NSO's."
            ))],
        ),
        Err(info) => message(
            Level::Warning,
            vec![Block::Text(format!("NSO could not compare **{device}**: {info}"))],
        ),
    }
}

/// Every device's status as a table, then the differences asked for.
pub fn render_all(results: &[Value], diffs: &[(String, Result<Option<String>, String>)]) -> Reply {
    if results.is_empty() {
        return message(
            Level::Info,
            vec![Block::Text("NSO manages no devices.".to_owned())],
        );
    }
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|result| {
            let status = Status::of(Some(result));
            vec![
                result
                    .get("device")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                status.result,
                status.info.unwrap_or_default(),
            ]
        })
        .collect();
    let in_sync = rows.iter().filter(|row| row[1] == "in-sync").count();
    let title = "Sync status".to_owned();
    let mut blocks = vec![
        Block::Text(format!(
            "{in_sync} of {} devices are in sync with NSO.",
            rows.len()
        )),
        Block::Table(Table {
            title: title.clone(),
            columns: vec!["Device".to_owned(), "Status".to_owned(), "Info".to_owned()],
            rows,
        }),
    ];
    if !diffs.is_empty() {
        let text: Vec<String> = diffs
            .iter()
            .map(|(device, diff)| {
                let body = match diff {
                    Ok(Some(diff)) => diff.clone(),
                    Ok(None) => "no difference".to_owned(),
                    Err(info) => format!("not compared: {info}"),
                };
                format!("! {device}\n{body}")
            })
            .collect();
        blocks.push(text_or_file(
            &text.join("\n\n"),
            "out-of-sync-diffs.txt",
            "How the out-of-sync devices differ from NSO",
        ));
    }
    let level = if in_sync == results.len() {
        Level::Info
    } else {
        Level::Warning
    };
    Reply::Message(crate::model::Message {
        level,
        title: Some(title),
        blocks,
        private: false,
    })
}

/// Which way a sync goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// NSO's configuration onto the device.
    To,
    /// The device's configuration into NSO.
    From,
}

impl Direction {
    /// The action's name.
    pub fn action(self) -> &'static str {
        match self {
            Direction::To => "sync-to",
            Direction::From => "sync-from",
        }
    }

    /// What is asked before.
    fn change(self, device: &str) -> Change {
        let question = match self {
            Direction::To => format!(
                "Push NSO's configuration to **{device}** (sync-to), overwriting what was changed on the device?"
            ),
            Direction::From => format!(
                "Take **{device}**'s configuration into NSO (sync-from), overwriting what NSO holds for it?"
            ),
        };
        Change {
            question,
            yes: format!("Yes, {} {device}", self.action()),
            declined: format!("Not synced: **{device}**."),
        }
    }
}

/// `sync-to [device] [yes]` and `sync-from [device] [yes]`: asks first,
/// unless `yes` was typed.
pub async fn sync(session: &Session<'_>, direction: Direction) -> Result<Reply, NsoError> {
    let device = match device_or_menu(session).await? {
        Ok(device) => device,
        Err(menu) => return Ok(menu),
    };
    let synced = async {
        // Asking to confirm a change of a device NSO does not have would
        // only waste the answer: look it up first.
        session.device_type(device).await?;
        if let Some(reply) = confirm(&session.call, 1, direction.change(device)) {
            return Ok(reply);
        }
        let output = session.action(Some(device), direction.action()).await?;
        Ok(render_sync(direction, device, output.as_ref()))
    }
    .await;
    or_no_device(synced, device)
}

/// A sync's output: `result` true or false, and NSO's `info`.
pub fn render_sync(direction: Direction, device: &str, output: Option<&Value>) -> Reply {
    let status = Status::of(output);
    let done = output
        .and_then(|o| o.get("result"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let action = direction.action();
    if done {
        let said = match direction {
            Direction::To => format!("NSO pushed its configuration to **{device}** ({action})."),
            Direction::From => format!("NSO took **{device}**'s configuration ({action})."),
        };
        return message(Level::Info, vec![Block::Text(said)]);
    }
    let said = match status.info {
        Some(info) => format!("NSO could not {action} **{device}**: {info}"),
        None => format!("NSO could not {action} **{device}**."),
    };
    message(Level::Warning, vec![Block::Text(said)])
}
