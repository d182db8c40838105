//! One sub-command run: the toolkit's session with the NSO client, acting
//! as one NSO user, and NSO's RESTCONF calls on it.

use serde_json::{Value, json};

use super::client::NsoClient;
use super::error::NsoError;
use crate::workers::toolkit::{self, credentials::Credential};

/// A sub-command being run against NSO as one user.
pub type Session<'a> = toolkit::session::Session<'a, NsoClient, Credential>;

impl Session<'_> {
    /// The managed devices: `name` and `device-type` of each, in NSO's order.
    pub async fn devices(&self) -> Result<Vec<Value>, NsoError> {
        let answer = self
            .client
            .get(&self.who, &["device"], Some("fields=name;device-type"), "devices")
            .await?;
        if answer.is_null() {
            // No devices: NSO answers an empty list with no content.
            return Ok(Vec::new());
        }
        answer
            .get("tailf-ncs:device")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| NsoError::Malformed("devices: no tailf-ncs:device list".to_owned()))
    }

    /// The `device-type` container of `device` (`{"cli": {"ned-id": …}}`).
    pub async fn device_type(&self, device: &str) -> Result<Value, NsoError> {
        let entry = format!("device={device}");
        let answer = self
            .client
            .get(
                &self.who,
                &[&entry, "device-type"],
                None,
                &format!("device {device}"),
            )
            .await?;
        answer
            .get("tailf-ncs:device-type")
            .filter(|device_type| device_type.is_object())
            .cloned()
            .ok_or_else(|| NsoError::Malformed(format!("device {device}: no tailf-ncs:device-type")))
    }

    /// Runs `action` (`ping`, `check-sync`, …) of `device`, or of every
    /// device when `None`: its output, `None` when it has none (204).
    pub async fn action(&self, device: Option<&str>, action: &str) -> Result<Option<Value>, NsoError> {
        let entry = device.map(|name| format!("device={name}"));
        let mut path: Vec<&str> = entry.iter().map(String::as_str).collect();
        path.push(action);
        let object = match device {
            Some(name) => format!("{action} on {name}"),
            None => format!("{action} on every device"),
        };
        self.client.post(&self.who, &path, None, &object).await
    }

    /// Runs the CLI `command` on `device` through live-status `exec any` of
    /// the stats `module` of its NED: what the device printed.
    pub async fn exec(&self, device: &str, module: &str, command: &str) -> Result<Option<Value>, NsoError> {
        let entry = format!("device={device}");
        let exec = format!("{module}:exec");
        let input = json!({"input": {"args": command}});
        self.client
            .post(
                &self.who,
                &[&entry, "live-status", &exec, "any"],
                Some(&input),
                &format!("live-status exec on {device}"),
            )
            .await
    }
}
