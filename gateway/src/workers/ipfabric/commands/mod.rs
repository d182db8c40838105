//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks IP Fabric through the [`Session`] and pure
//! `render_*` functions that turn answers into replies.

mod diff;
mod interfaces;
mod inventory;
mod pathlookup;
mod routing;
mod snapshots;
mod ssot;
mod wireless;

use serde_json::Value;

use super::Settings;
use super::error::IpfabricError;
use super::session::Session;
use super::snapshot::{self, Chosen, Found, Snapshot, find, unreadable};
use crate::commands::CommandError;
use crate::model::{Choice, Reply};
use crate::workers::toolkit::paging::{MAX_ROWS, cut};
use crate::workers::toolkit::render::{error, info, table_message, value_text};
use crate::workers::toolkit::sentences::answer;

/// Runs the session's sub-command.
pub async fn run(session: &Session<'_>, settings: &Settings) -> Result<Reply, CommandError> {
    let ipfabric = match session.call.invocation.subcommand.as_str() {
        "set-snapshot" => snapshots::set_snapshot(session).await,
        "get-snapshot" => snapshots::get_snapshot(session, settings).await,
        "get-loaded-snapshots" => snapshots::get_loaded_snapshots(session).await,
        "get-inventory" => inventory::get_inventory(session, settings).await,
        "find-host" => inventory::find_host(session, settings).await,
        "interfaces" => interfaces::interfaces(session, settings).await,
        "pathlookup" => pathlookup::pathlookup(session, settings).await,
        "pathlookup-icmp" => pathlookup::pathlookup_icmp(session, settings).await,
        "routing" => routing::routing(session, settings).await,
        "wireless" => wireless::wireless(session, settings).await,
        "table-diff" => diff::table_diff(session, settings).await,
        // It asks two backends: it says each one's failures itself.
        "ssot-sync-to-nautobot" => return ssot::sync(session, settings).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the ipfabric integration."
        ))),
    };
    answer(ipfabric)
}

/// The snapshot the call reads, looked up: the snapshot, or the sentence
/// saying why it cannot be read.
pub async fn reading(
    session: &Session<'_>,
    settings: &Settings,
) -> Result<Result<Snapshot, Reply>, IpfabricError> {
    let chosen = snapshot::chosen(&session.call, settings.default_snapshot.as_deref());
    let snapshots = session.snapshots().await?;
    Ok(readable(&snapshots, &chosen).cloned().map_err(error))
}

/// The snapshot `chosen` names among `snapshots`, or why it cannot be read.
pub fn readable<'s>(snapshots: &'s [Snapshot], chosen: &Chosen) -> Result<&'s Snapshot, String> {
    match find(snapshots, &chosen.reference) {
        Found::Loaded(snapshot) => Ok(snapshot),
        other => Err(unreadable(&other, &chosen.reference).unwrap_or_default()),
    }
}

/// The note under an answer: the snapshot it read, the page of IP Fabric's
/// UI it comes from (`ui_path`, e.g. `inventory/devices`), and whether the
/// rows were cut at [`MAX_ROWS`] (cutting them).
pub fn note_of<T>(session: &Session<'_>, snapshot: &Snapshot, ui_path: &str, rows: &mut Vec<T>) -> String {
    let mut note = snapshot_note(session, snapshot, ui_path);
    if cut(rows) {
        note.push_str(&format!(
            "\nShowing the first {MAX_ROWS}; there are more in IP Fabric."
        ));
    }
    note
}

/// The snapshot an answer read, and the page of IP Fabric's UI (`ui_path`)
/// it comes from.
pub fn snapshot_note(session: &Session<'_>, snapshot: &Snapshot, ui_path: &str) -> String {
    format!(
        "Snapshot: {} · [Open in IP Fabric]({})",
        snapshot.described(),
        session.web_link(ui_path)
    )
}

/// A table of `rows` titled `title`, a column per `(header, field)`, with
/// `note` under it; `empty` said instead when there are no rows.
pub fn render_table(
    title: String,
    columns: &[(&str, &str)],
    rows: &[Value],
    note: String,
    empty: &str,
) -> Reply {
    if rows.is_empty() {
        return info(format!("{empty}\n{note}"));
    }
    let cells = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|(_, field)| value_text(row.get(*field)))
                .collect()
        })
        .collect();
    let headers: Vec<&str> = columns.iter().map(|(header, _)| *header).collect();
    table_message(title, &headers, cells, Some(note))
}

/// `row` with its fractional numbers cut to four decimals (`0.0035`, not
/// `0.0034999999999999996`): what the rates read as.
pub fn rounded(row: &Value) -> Value {
    let Value::Object(fields) = row else {
        return row.clone();
    };
    let fields = fields
        .iter()
        .map(|(key, value)| {
            let value = match value.as_f64().filter(|_| value.is_f64()) {
                Some(number) => {
                    let text = format!("{number:.4}");
                    Value::String(text.trim_end_matches('0').trim_end_matches('.').to_owned())
                }
                None => value.clone(),
            };
            (key.clone(), value)
        })
        .collect();
    Value::Object(fields)
}

/// IP Fabric's filter of one column: `{"hostname": ["ieq", "x"]}`.
pub fn filter(column: &str, op: &str, value: &str) -> Value {
    let mut filter = serde_json::Map::new();
    filter.insert(column.to_owned(), serde_json::json!([op, value]));
    Value::Object(filter)
}

/// The distinct values of `field` in `rows`, sorted, as menu choices.
pub fn values_of(rows: &[Value], field: &str) -> Vec<Choice> {
    let mut values: Vec<&str> = rows
        .iter()
        .filter_map(|row| row.get(field)?.as_str())
        .filter(|value| !value.is_empty())
        .collect();
    values.sort_unstable();
    values.dedup();
    values.into_iter().map(Choice::same).collect()
}

/// The fields of a table a sub-command reads.
pub fn fields(columns: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    columns.iter().map(|(_, field)| *field).collect()
}

/// The one choice of `choices` (values, any case) that `typed` names.
pub fn one_of<'c>(choices: &[&'c str], typed: &str) -> Option<&'c str> {
    choices
        .iter()
        .find(|choice| choice.eq_ignore_ascii_case(typed))
        .copied()
}

/// "`x` is not one of …" for the parameter `what` of the call.
pub fn not_one_of(session: &Session<'_>, what: &str, typed: &str, choices: &[&str]) -> Reply {
    error(format!(
        "`{typed}` is not a {what} of `{}`; use one of: {}.",
        crate::workers::toolkit::args::Args::typed(&session.call),
        choices.join(", ")
    ))
}

#[cfg(test)]
pub(crate) mod tests;
