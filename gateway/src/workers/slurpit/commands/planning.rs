//! `get-plannings`, `search-data` and `device-data`: Slurpit's plannings and
//! the data they collected, searched with `POST /api/planning/search`. A
//! planning is asked for by its name (a menu), never its ID.

use serde_json::{Value, json};

use super::devices::{find, hostname_choices};
use super::{cut_rows, note_of, shown};
use crate::model::{Choice, Field, FieldKind, Reply};
use crate::workers::slurpit::{Session, SlurpitError};
use crate::workers::toolkit::args::Args;
use crate::workers::toolkit::render::{error, info, table_message};

/// `get-plannings`.
pub async fn get_plannings(session: &Session<'_>) -> Result<Reply, SlurpitError> {
    let mut plannings: Vec<Value> = session.list("planning").await?;
    let note = note_of(session, "admin/planning", &mut plannings);
    Ok(render_plannings(&plannings, note))
}

/// A planning's columns, in its order.
pub fn columns(planning: &Value) -> Vec<String> {
    planning
        .get("columns")
        .and_then(Value::as_array)
        .map(|columns| {
            columns
                .iter()
                .filter_map(|c| c.get("column").and_then(Value::as_str).or_else(|| c.as_str()))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The plannings as a table: name, comment, columns.
pub fn render_plannings(plannings: &[Value], note: Option<String>) -> Reply {
    if plannings.is_empty() {
        return info("Plannings: Slurpit has none that you may see.");
    }
    let rows = plannings
        .iter()
        .map(|p| {
            vec![
                shown(p.get("name")),
                shown(p.get("comment")),
                shown(Some(&Value::String(columns(p).join(", ")))),
            ]
        })
        .collect();
    table_message(
        "Plannings".to_owned(),
        &["Name", "Comment", "Columns"],
        rows,
        note,
    )
}

/// What a data search is of: text, or one device.
enum Of<'a> {
    /// Rows whose hostname or data contain this.
    Text(String),
    /// Rows of this device.
    Device(&'a str),
}

/// `search-data [planning latest search]`.
pub async fn search_data(session: &Session<'_>) -> Result<Reply, SlurpitError> {
    let (planning, latest) = match planning_and_latest(session).await? {
        Ok(chosen) => chosen,
        Err(reply) => return Ok(reply),
    };
    let text = session.call.args_from(2).join(" ");
    let text = text.trim();
    if text.is_empty() {
        return Ok(session.call.form(
            format!("Search the data of {}", shown(planning.get("name"))),
            vec![Field::new("Search text", FieldKind::Text)],
        ));
    }
    search(session, &planning, latest, Of::Text(text.to_owned())).await
}

/// `device-data [planning latest hostname]`.
pub async fn device_data(session: &Session<'_>) -> Result<Reply, SlurpitError> {
    let (planning, latest) = match planning_and_latest(session).await? {
        Ok(chosen) => chosen,
        Err(reply) => return Ok(reply),
    };
    let devices: Vec<Value> = session.list("devices").await?;
    let Some(hostname) = session.arg(2) else {
        return Ok(session.ask(
            "Which device?",
            hostname_choices(&devices),
            "Slurpit has no devices.",
        ));
    };
    if find(&devices, hostname).is_none() {
        return Ok(error(format!(
            "Slurpit has no device named `{hostname}`; `get-devices` lists them."
        )));
    }
    search(session, &planning, latest, Of::Device(hostname)).await
}

/// The planning (argument 0, by name) and whether only the latest run is
/// wanted (argument 1), or the menu or error that asks for them.
async fn planning_and_latest(session: &Session<'_>) -> Result<Result<(Value, bool), Reply>, SlurpitError> {
    let plannings: Vec<Value> = session.list("planning").await?;
    let Some(name) = session.arg(0) else {
        let choices = plannings
            .iter()
            .filter_map(|p| p.get("name")?.as_str())
            .map(Choice::same)
            .collect();
        return Ok(Err(session.ask(
            "Which planning?",
            choices,
            "Slurpit has no plannings that you may see.",
        )));
    };
    let found = plannings.into_iter().find(|p| {
        p.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    });
    let Some(planning) = found else {
        return Ok(Err(error(format!(
            "Slurpit has no planning named `{name}`; `get-plannings` lists them."
        ))));
    };
    let Some(latest) = session.arg(1) else {
        let choices = vec![
            Choice {
                label: "yes: the latest run only".to_owned(),
                value: "true".to_owned(),
            },
            Choice {
                label: "no: every run Slurpit kept".to_owned(),
                value: "false".to_owned(),
            },
        ];
        return Ok(Err(session.menu("The latest data only?", choices)));
    };
    match latest_of(latest) {
        Some(latest) => Ok(Ok((planning, latest))),
        None => Ok(Err(error(format!(
            "`{latest}` is not `true` or `false` (the latest data only, or not)."
        )))),
    }
}

/// `true`/`yes` or `false`/`no`, in any case.
pub fn latest_of(typed: &str) -> Option<bool> {
    match typed.to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

/// The planning's data `of` a text or a device, unique rows, the latest run
/// only when `latest`.
async fn search(
    session: &Session<'_>,
    planning: &Value,
    latest: bool,
    of: Of<'_>,
) -> Result<Reply, SlurpitError> {
    let mut criteria = json!({
        "planning_id": planning.get("id").cloned().unwrap_or(Value::Null),
        "unique_results": true,
        "latest": latest,
    });
    let (title, empty) = match &of {
        Of::Text(text) => {
            criteria["search"] = json!(text);
            (
                format!("{} matching `{text}`", shown(planning.get("name"))),
                format!("No data of {} matches `{text}`.", shown(planning.get("name"))),
            )
        }
        Of::Device(hostname) => {
            criteria["hostnames"] = json!([hostname]);
            (
                format!("{} of {hostname}", shown(planning.get("name"))),
                format!("{} has no data of {hostname}.", shown(planning.get("name"))),
            )
        }
    };
    let mut rows: Vec<Value> = session.search("planning/search", &criteria).await?;
    let note = cut_rows(&mut rows);
    Ok(render_data(&columns(planning), &rows, title, &empty, note))
}

/// Planning data as a table: the hostname, then the planning's columns.
pub fn render_data(
    columns: &[String],
    rows: &[Value],
    title: String,
    empty: &str,
    note: Option<String>,
) -> Reply {
    if rows.is_empty() {
        return info(empty);
    }
    let mut heads = vec!["hostname"];
    heads.extend(columns.iter().map(String::as_str).filter(|c| *c != "hostname"));
    let table = rows
        .iter()
        .map(|row| heads.iter().map(|column| shown(row.get(*column))).collect())
        .collect();
    table_message(title, &heads, table, note)
}
