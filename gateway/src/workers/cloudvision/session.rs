//! One sub-command run: the toolkit's session with the CloudVision client,
//! acting as one token or login, and the reads every sub-command is made of.

use serde_json::{Value, json};

use super::client::{CloudVisionClient, Streamed};
use super::error::CloudVisionError;
use crate::workers::toolkit::{self, credentials::Credential};

/// A sub-command being run against CloudVision as one user.
pub type Session<'a> = toolkit::session::Session<'a, CloudVisionClient, Credential>;

/// How many recent tasks a menu offers.
pub const RECENT_TASKS: usize = 50;

/// A container of the provisioning tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// CVP's key (internal: never shown).
    pub key: String,
    /// Its name, unique in CVP.
    pub name: String,
    /// Its parent's key; none for the root.
    pub parent: Option<String>,
}

/// A device as the resource inventory knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// Its serial number: the resource APIs' `deviceId`.
    pub serial: String,
    /// Its hostname.
    pub hostname: String,
    /// Its system MAC address: the service API's `netElementId`.
    pub mac: String,
    /// Whether it streams telemetry.
    pub streaming: bool,
}

impl Device {
    /// The device of an `arista.inventory.v1.Device` value.
    pub fn of(value: &Value) -> Option<Device> {
        let text = |field: &str| {
            value
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let serial = value.pointer("/key/deviceId").and_then(Value::as_str)?.to_owned();
        Some(Device {
            hostname: text("hostname"),
            mac: text("systemMacAddress"),
            streaming: text("streamingStatus") == "STREAMING_STATUS_ACTIVE",
            serial,
        })
    }
}

impl Session<'_> {
    /// The CVP service API's `path` with `query`.
    async fn service(
        &self,
        path: &str,
        query: &[(&str, &str)],
        object: &str,
    ) -> Result<Value, CloudVisionError> {
        self.client.service(&self.who, path, query, object).await
    }

    /// The containers, from the provisioning tree.
    pub async fn containers(&self) -> Result<Vec<Container>, CloudVisionError> {
        let tree = self
            .service(
                "provisioning/searchTopology.do",
                &[("queryParam", ""), ("startIndex", "0"), ("endIndex", "0")],
                "the containers",
            )
            .await?;
        let list = tree
            .get("containerList")
            .and_then(Value::as_array)
            .ok_or_else(|| CloudVisionError::Malformed("the containers: no containerList".to_owned()))?;
        Ok(list
            .iter()
            .filter_map(|c| {
                Some(Container {
                    key: c.get("key")?.as_str()?.to_owned(),
                    name: c.get("name")?.as_str()?.to_owned(),
                    parent: c
                        .get("parentContainerId")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                })
            })
            .collect())
    }

    /// The CVP service API's inventory: every device with its container.
    pub async fn inventory(&self) -> Result<Vec<Value>, CloudVisionError> {
        let devices = self.service("inventory/devices", &[], "the inventory").await?;
        match devices {
            Value::Array(devices) => Ok(devices),
            _ => Err(CloudVisionError::Malformed(
                "the inventory: not a list".to_owned(),
            )),
        }
    }

    /// The devices of the resource inventory, by hostname.
    pub async fn devices(&self) -> Result<(Vec<Device>, bool), CloudVisionError> {
        let Streamed { values, cut } = self
            .stream("inventory/v1/Device", &json!({}), "the devices")
            .await?;
        let mut devices: Vec<Device> = values.iter().filter_map(Device::of).collect();
        devices.sort_by(|a, b| a.hostname.cmp(&b.hostname));
        Ok((devices, cut))
    }

    /// A resource API's stream of `model` asked with `body`.
    pub async fn stream(
        &self,
        model: &str,
        body: &Value,
        object: &str,
    ) -> Result<Streamed, CloudVisionError> {
        self.client.stream(&self.who, model, body, object).await
    }

    /// Every configlet (the service API lists them whole with `endIndex=0`).
    pub async fn configlets(&self) -> Result<Vec<Value>, CloudVisionError> {
        let page = self
            .service(
                "configlet/getConfiglets.do",
                &[("startIndex", "0"), ("endIndex", "0")],
                "the configlets",
            )
            .await?;
        list_of(&page, "data", "the configlets")
    }

    /// The configlet `name`.
    pub async fn configlet(&self, name: &str) -> Result<Value, CloudVisionError> {
        self.service(
            "configlet/getConfigletByName.do",
            &[("name", name)],
            &format!("configlet {name}"),
        )
        .await
    }

    /// The configlets applied to the container `key` (named `name`).
    pub async fn applied_to_container(&self, key: &str, name: &str) -> Result<Vec<Value>, CloudVisionError> {
        let object = format!("the configlets of container {name}");
        let page = self
            .service(
                "provisioning/getConfigletsByContainerId.do",
                &[("containerId", key), ("startIndex", "0"), ("endIndex", "0")],
                &object,
            )
            .await?;
        list_of(&page, "configletList", &object)
    }

    /// The configlets applied to `device` itself.
    pub async fn applied_to_device(&self, device: &Device) -> Result<Vec<Value>, CloudVisionError> {
        let object = format!("the configlets of {}", device.hostname);
        let page = self
            .service(
                "provisioning/getConfigletsByNetElementId.do",
                &[
                    ("netElementId", &device.mac),
                    ("startIndex", "0"),
                    ("endIndex", "0"),
                ],
                &object,
            )
            .await?;
        list_of(&page, "configletList", &object)
    }

    /// `device`'s running configuration.
    pub async fn running_config(&self, device: &Device) -> Result<String, CloudVisionError> {
        let object = format!("the running configuration of {}", device.hostname);
        let config = self
            .service(
                "inventory/device/config",
                &[("netElementId", &device.mac)],
                &object,
            )
            .await?;
        config
            .get("output")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| CloudVisionError::Malformed(format!("{object}: no output")))
    }

    /// The most recent tasks, newest first.
    pub async fn tasks(&self) -> Result<Vec<Value>, CloudVisionError> {
        let end = RECENT_TASKS.to_string();
        let page = self
            .service(
                "task/getTasks.do",
                &[("startIndex", "0"), ("endIndex", &end)],
                "the tasks",
            )
            .await?;
        list_of(&page, "data", "the tasks")
    }

    /// The task `id`.
    pub async fn task(&self, id: &str) -> Result<Value, CloudVisionError> {
        self.service("task/getTaskById.do", &[("taskId", id)], &format!("task {id}"))
            .await
    }

    /// The log of `task`, oldest first, as (time in ms, user, activity):
    /// its change control's audit log once it ran in one, else the task's
    /// own log.
    pub async fn task_log(&self, task: &Value) -> Result<Vec<(i64, String, String)>, CloudVisionError> {
        let id = task
            .get("workOrderId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let object = format!("the log of task {id}");
        let text = |entry: &Value, field: &str| {
            entry
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let cc = task.get("ccIdV2").and_then(Value::as_str).unwrap_or_default();
        let mut lines: Vec<(i64, String, String)> = if cc.is_empty() {
            let page = self
                .service(
                    "task/getLogsById.do",
                    &[("id", id), ("startIndex", "0"), ("endIndex", "0")],
                    &object,
                )
                .await?;
            list_of(&page, "data", &object)?
                .iter()
                .map(|e| {
                    let at = e
                        .get("dateTimeInLongFormat")
                        .and_then(Value::as_i64)
                        .unwrap_or_default();
                    (at, text(e, "userName"), text(e, "activity"))
                })
                .collect()
        } else {
            let mut query = json!({"category": "ChangeControl", "objectKey": cc, "dataSize": 75});
            if let Some(stage) = task.get("stageId").and_then(Value::as_str) {
                query["tags"] = json!({"stageId": stage});
            }
            let answer = self
                .client
                .service_query(&self.who, "audit/getLogs.do", &query, &object)
                .await?;
            list_of(&answer, "data", &object)?
                .iter()
                .map(|e| {
                    let at = e.get("dateTime").and_then(Value::as_i64).unwrap_or_default();
                    (at, text(e, "user"), text(e, "activity"))
                })
                .collect()
        };
        lines.sort_by_key(|line| line.0);
        Ok(lines)
    }
}

/// The list `field` of a service API answer.
fn list_of(answer: &Value, field: &str, object: &str) -> Result<Vec<Value>, CloudVisionError> {
    answer
        .get(field)
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| CloudVisionError::Malformed(format!("{object}: no {field}")))
}
