//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks Slurpit through the [`Session`] and pure
//! `render_*` functions that turn answers into replies.

mod devices;
mod planning;
mod sites;

use serde_json::Value;

use super::error::SlurpitError;
use super::session::Session;
use crate::model::Reply;
use crate::workers::toolkit::paging::{MAX_ROWS, cut};
use crate::workers::toolkit::render::error;

/// Runs the session's sub-command.
pub async fn run(session: &Session<'_>) -> Result<Reply, SlurpitError> {
    match session.call.invocation.subcommand.as_str() {
        "get-devices" => devices::get_devices(session).await,
        "get-device" => devices::get_device(session).await,
        "get-sites" => sites::get_sites(session).await,
        "get-plannings" => planning::get_plannings(session).await,
        "search-data" => planning::search_data(session).await,
        "device-data" => planning::device_data(session).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the slurpit integration."
        ))),
    }
}

/// How a table shows one of Slurpit's values (the toolkit's way).
pub use crate::workers::toolkit::render::value_text as shown;

/// Slurpit's `0`/`1` flags (`disabled`) as `no`/`yes`.
pub fn flag(value: Option<&Value>) -> String {
    let on = match value {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(number)) => number.as_u64() == Some(1),
        Some(Value::String(text)) => text == "1",
        _ => false,
    };
    crate::workers::toolkit::render::yes_no(on)
}

/// The note under a table: where it is in Slurpit's own UI (`path` there,
/// e.g. `admin/devices`), and whether the rows were cut at [`MAX_ROWS`]
/// (cutting them), as the original app links each list.
pub fn note_of<T>(session: &Session<'_>, path: &str, rows: &mut Vec<T>) -> Option<String> {
    let link = format!("[Open in Slurpit]({})", session.web_link(path));
    Some(match cut_rows(rows) {
        Some(cut) => format!("{cut} {link}"),
        None => link,
    })
}

/// The note of a table cut at [`MAX_ROWS`] rows, cutting them.
pub fn cut_rows<T>(rows: &mut Vec<T>) -> Option<String> {
    cut(rows).then(|| format!("Showing the first {MAX_ROWS}; there are more in Slurpit."))
}

#[cfg(test)]
mod tests;
