//! `get-task-logs`: a provisioning task's log, from its change control's
//! audit log once it ran in one.

use serde_json::Value;

use crate::model::{Choice, Reply};
use crate::workers::cloudvision::{CloudVisionError, Session};
use crate::workers::toolkit::render::{error, info, or_none, table_message, utc_minute};

/// `get-task-logs [task]`.
pub async fn get_task_logs(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let Some(id) = session.arg(0) else {
        let tasks = session.tasks().await?;
        return Ok(session.ask(
            "Which task?",
            task_choices(&tasks),
            "CloudVision has no tasks that you may see.",
        ));
    };
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(error(format!(
            "`{id}` is no task ID (a number); leave it out to pick a task from a menu."
        )));
    }
    let task = session.task(id).await?;
    let log = session.task_log(&task).await?;
    Ok(render_task_log(&task, &log))
}

/// The tasks as a menu: `1023: Configlet Assign: to Device campus-sw1 (Pending)`, valued by ID.
pub fn task_choices(tasks: &[Value]) -> Vec<Choice> {
    tasks
        .iter()
        .filter_map(|t| {
            let id = t.get("workOrderId").and_then(Value::as_str)?;
            let text = |field: &str| t.get(field).and_then(Value::as_str).unwrap_or_default();
            Some(Choice {
                label: format!(
                    "{id}: {} ({})",
                    text("description"),
                    text("workOrderUserDefinedStatus")
                ),
                value: id.to_owned(),
            })
        })
        .collect()
}

/// A task's log, oldest first: time, user, activity, under the task's
/// description and state.
pub fn render_task_log(task: &Value, log: &[(i64, String, String)]) -> Reply {
    let text = |field: &str| task.get(field).and_then(Value::as_str).unwrap_or_default();
    let id = text("workOrderId");
    let state = text("workOrderUserDefinedStatus");
    if log.is_empty() {
        return info(format!(
            "Task {id} ({}, {state}) has no log yet.",
            text("description")
        ));
    }
    let rows = log
        .iter()
        .map(|(at, user, activity)| vec![utc_minute(*at), or_none(Some(user)), activity.clone()])
        .collect();
    table_message(
        format!("Log of task {id}"),
        &["Time", "User", "Activity"],
        rows,
        Some(format!("{}: {state}.", text("description"))),
    )
}
