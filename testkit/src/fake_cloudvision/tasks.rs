//! The CVP service API's tasks: the list (`getTasks.do`, by status), one
//! task (`getTaskById.do`), its log before change controls
//! (`getLogsById.do`), its change control's audit log (`audit/getLogs.do`),
//! and the two writes, `executeTask.do` and `cancelTask.do`.

use axum::{http::StatusCode, response::Response};
use serde_json::{Value, json};

use super::{
    CloudVision, cvp_error,
    data::{self, Task},
    service::{ms, paged, param},
};
use crate::fake_api::{Recorded, json_response};

/// A task as `getTasks.do` and `getTaskById.do` give it; `stageId` only
/// once it ran, `ccIdV2` empty until then.
pub(super) fn task_json(t: &Task, started: i64) -> Value {
    let device = data::device(t.serial).expect("a seeded task's device is seeded");
    let mut value = json!({
        "workOrderId": t.id,
        "name": "",
        "description": t.description,
        "workOrderUserDefinedStatus": t.status,
        "workOrderState": t.state,
        "currentTaskName": if t.state == "ACTIVE" { "Submit" } else { "Execution" },
        "currentTaskType": "User Task",
        "taskStatus": t.state,
        "createdBy": "cvpadmin",
        "createdOnInLongFormat": ms(started, t.age),
        "completedOnInLongFormat": if t.state == "ACTIVE" { 0 } else { ms(started, t.age - 300) },
        "executedBy": if t.state == "ACTIVE" { "" } else { "cvpadmin" },
        "executedOnInLongFormat": if t.state == "ACTIVE" { 0 } else { ms(started, t.age - 60) },
        "ccId": "",
        "ccIdV2": t.cc_id,
        "note": "",
        "templateId": "ztp",
        "workOrderDetails": {
            "workOrderDetailsId": format!("{}_0", t.id),
            "workOrderId": t.id,
            "netElementId": device.mac,
            "netElementHostName": device.hostname,
            "serialNumber": device.serial,
            "ipAddress": device.ip
        },
        "data": {
            "NETELEMENT_ID": device.mac,
            "IS_CONFIG_PUSH_NEEDED": "yes",
            "VIEW": "CONFIG",
            "WORKFLOW_ACTION": "Configlet Push"
        }
    });
    if !t.stage_id.is_empty() {
        value["stageId"] = json!(t.stage_id);
    }
    value
}

impl CloudVision {
    /// `GET task/getTasks.do?queryparam=STATUS`: every task, or those of a
    /// status (`Pending`, `Failed`, … as CVP shows it), newest first, paged.
    pub(super) fn list_tasks(&self, request: &Recorded) -> Response {
        let status = param(request, "queryparam").unwrap_or_default();
        let tasks = self
            .tasks
            .iter()
            .filter(|t| {
                status.is_empty()
                    || t["workOrderUserDefinedStatus"]
                        .as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case(&status))
            })
            .cloned()
            .collect();
        paged(request, tasks)
    }

    /// `GET task/getTaskById.do?taskId=ID`: the task, or CVP's error with `200`.
    pub(super) fn task_by_id(&self, request: &Recorded) -> Response {
        let id = param(request, "taskId").unwrap_or_default();
        match self.tasks.iter().find(|t| t["workOrderId"] == id.as_str()) {
            Some(task) => json_response(StatusCode::OK, task),
            None => cvp_error(StatusCode::OK, "122401", "Invalid WorkOrderId"),
        }
    }

    /// The seeded task behind a task of the state (ids do not change).
    fn seed(&self, id: &str) -> Option<&'static Task> {
        data::TASKS.iter().find(|t| t.id == id)
    }

    /// `GET task/getLogsById.do?id=…`: the task's log, newest first, in the
    /// shape CVP gave before change controls (cvprac reads it for a task
    /// that never ran).
    pub(super) fn task_logs(&self, request: &Recorded) -> Response {
        let id = param(request, "id").unwrap_or_default();
        let Some(task) = self.seed(&id) else {
            return cvp_error(StatusCode::OK, "122401", "Invalid WorkOrderId");
        };
        let lines = data::audit_lines(task);
        let entries = lines
            .iter()
            .enumerate()
            .rev()
            .map(|(i, line)| {
                json!({
                    "id": 5000 + i,
                    "objectId": task.id,
                    "objectName": task.description,
                    "userName": "cvpadmin",
                    "activity": line,
                    "dateTimeInLongFormat": ms(self.started, task.age - i as i64 * 20),
                    "sessionId": ""
                })
            })
            .collect();
        paged(request, entries)
    }

    /// `POST audit/getLogs.do` with `{"category": "ChangeControl",
    /// "objectKey": ccIdV2, "dataSize": N, "tags": {"stageId": …}}`: the
    /// change control's log, newest first, at most `dataSize` entries.
    pub(super) fn audit_logs(&self, request: &Recorded) -> Response {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return cvp_error(StatusCode::BAD_REQUEST, "121002", "The request body must be JSON");
        };
        let Some(cc_id) = body["objectKey"].as_str() else {
            return cvp_error(StatusCode::BAD_REQUEST, "121002", "objectKey is required");
        };
        let size = body["dataSize"].as_u64().unwrap_or(75) as usize;
        let stage = body["tags"]["stageId"].as_str();
        let entries: Vec<Value> = data::TASKS
            .iter()
            .filter(|t| !t.cc_id.is_empty() && t.cc_id == cc_id)
            .filter(|t| stage.is_none_or(|s| s == t.stage_id))
            .flat_map(|t| {
                let lines = data::audit_lines(t);
                lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, line)| {
                        json!({
                            "activity": line,
                            "category": "ChangeControl",
                            "dateTime": ms(self.started, t.age - i as i64 * 20),
                            "objectKey": t.cc_id,
                            "user": "cvpadmin",
                            "tags": { "stageId": t.stage_id, "deviceId": t.serial }
                        })
                    })
                    .rev()
                    .collect::<Vec<_>>()
            })
            .take(size)
            .collect();
        json_response(StatusCode::OK, &json!({ "data": entries }))
    }

    /// `POST task/executeTask.do` or `cancelTask.do` with `{"data": [ids]}`:
    /// each pending task becomes `status`; any other is refused whole.
    pub(super) fn change_tasks(&mut self, request: &Recorded, status: &str, state: &str) -> Response {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let Some(ids) = body["data"].as_array().filter(|ids| !ids.is_empty()) else {
            return cvp_error(
                StatusCode::BAD_REQUEST,
                "121002",
                "data must be a list of task ids",
            );
        };
        let ids: Vec<String> = ids
            .iter()
            .map(|id| id.as_str().map_or_else(|| id.to_string(), str::to_owned))
            .collect();
        for id in &ids {
            match self.tasks.iter().find(|t| t["workOrderId"] == id.as_str()) {
                None => return cvp_error(StatusCode::OK, "122401", "Invalid WorkOrderId"),
                Some(t) if t["workOrderState"] != "ACTIVE" => {
                    return cvp_error(StatusCode::OK, "122405", &format!("Task {id} is not pending"));
                }
                Some(_) => {}
            }
        }
        for task in self
            .tasks
            .iter_mut()
            .filter(|t| ids.iter().any(|id| t["workOrderId"] == id.as_str()))
        {
            task["workOrderUserDefinedStatus"] = json!(status);
            task["workOrderState"] = json!(state);
            task["taskStatus"] = json!(state);
        }
        json_response(StatusCode::OK, &json!({ "data": "success" }))
    }
}
