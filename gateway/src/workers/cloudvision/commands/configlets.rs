//! `get-configlet` and `get-applied-configlets`: a configlet's text, and
//! which configlets a container or a device has.

use serde_json::Value;

use super::{container_at, device_at};
use crate::model::{Choice, Reply};
use crate::workers::cloudvision::{CloudVisionError, Session};
use crate::workers::toolkit::menus::ask_resuming;
use crate::workers::toolkit::render::{
    error, fact_lines, info, or_none, table_message, text_or_file, titled,
};

/// `get-configlet [configlet]`.
pub async fn get_configlet(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let Some(name) = session.arg(0) else {
        let configlets = session.configlets().await?;
        let mut names: Vec<&str> = configlets
            .iter()
            .filter_map(|c| c.get("name").and_then(Value::as_str))
            .collect();
        names.sort_unstable();
        let choices = names.into_iter().map(Choice::same).collect();
        return Ok(session.ask(
            "Which configlet?",
            choices,
            "CloudVision has no configlets that you may see.",
        ));
    };
    let configlet = session.configlet(name).await?;
    Ok(render_configlet(name, &configlet))
}

/// A configlet: its type and who last changed it, then its text (a file
/// when long); a builder has no text of its own, which is said.
pub fn render_configlet(name: &str, configlet: &Value) -> Reply {
    let text = |field: &str| configlet.get(field).and_then(Value::as_str).unwrap_or_default();
    let kind = text("type");
    let facts = fact_lines(&[
        ("type", or_none(Some(kind))),
        ("last changed by", or_none(Some(text("user")))),
    ]);
    let config = text("config");
    let body = if kind == "Builder" {
        crate::model::Block::Text(format!(
            "**{name}** is a configlet builder: the configlets it generates hold the configuration."
        ))
    } else if config.trim().is_empty() {
        crate::model::Block::Text(format!("**{name}** is empty."))
    } else {
        text_or_file(config, &format!("{name}.txt"), &format!("Configlet {name}"))
    };
    titled(format!("Configlet {name}"), vec![facts, body])
}

/// `get-applied-configlets [container|device name]`.
pub async fn get_applied_configlets(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let Some(kind) = session.arg(0) else {
        let choices = vec![
            Choice {
                label: "A container".to_owned(),
                value: "container".to_owned(),
            },
            Choice {
                label: "A device".to_owned(),
                value: "device".to_owned(),
            },
        ];
        return Ok(session.menu("Configlets applied to…", choices));
    };
    match kind.to_ascii_lowercase().as_str() {
        "container" => {
            let resume = (session.arg(1).is_none()).then(|| vec!["container".to_owned()]);
            let (container, _) = match container_at(session, 1, resume).await? {
                Ok(found) => found,
                Err(reply) => return Ok(reply),
            };
            let configlets = session
                .applied_to_container(&container.key, &container.name)
                .await?;
            Ok(render_applied("container", &container.name, &configlets))
        }
        "device" => {
            if session.arg(1).is_none() {
                let (devices, _) = session.devices().await?;
                let choices = devices.iter().map(|d| Choice::same(&d.hostname)).collect();
                return Ok(ask_resuming(
                    &session.call,
                    vec!["device".to_owned()],
                    "Which device?",
                    choices,
                    "CloudVision has no devices that you may see.",
                ));
            }
            let device = match device_at(session, 1).await? {
                Ok(device) => device,
                Err(reply) => return Ok(reply),
            };
            let configlets = session.applied_to_device(&device).await?;
            Ok(render_applied("device", &device.hostname, &configlets))
        }
        other => Ok(error(format!(
            "`{other}` is neither `container` nor `device`: say which the configlets are applied to."
        ))),
    }
}

/// The configlets applied to the `what` named `name`: name, type, last changed by.
pub fn render_applied(what: &str, name: &str, configlets: &[Value]) -> Reply {
    let text = |c: &Value, field: &str| or_none(c.get(field).and_then(Value::as_str));
    let rows: Vec<Vec<String>> = configlets
        .iter()
        .map(|c| vec![text(c, "name"), text(c, "type"), text(c, "user")])
        .collect();
    if rows.is_empty() {
        return info(format!("No configlets are applied to {what} **{name}**."));
    }
    table_message(
        format!("Configlets applied to {what} {name}"),
        &["Configlet", "Type", "Last changed by"],
        rows,
        None,
    )
}
