//! `get-tags` and `get-device-cve`: a device's tags, and its exposure to
//! known bugs, from the resource APIs.

use serde_json::{Value, json};

use super::device_at;
use crate::model::Block;
use crate::model::Reply;
use crate::workers::cloudvision::session::Device;
use crate::workers::cloudvision::{CloudVisionError, Session};
use crate::workers::toolkit::render::{fact_lines, info, table_message, titled};

/// `get-tags [device]`.
pub async fn get_tags(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let device = match device_at(session, 0).await? {
        Ok(device) => device,
        Err(reply) => return Ok(reply),
    };
    let filter = json!({"partialEqFilter": [{"key": {"deviceId": device.serial}}]});
    let tags = session
        .stream(
            "tag/v2/TagAssignment",
            &filter,
            &format!("the tags of {}", device.hostname),
        )
        .await?;
    Ok(render_tags(&device, &tags.values, tags.cut))
}

/// The tags of a device and its interfaces: element, label, value, and
/// whether CloudVision or a user put it there; the device's first.
pub fn render_tags(device: &Device, assignments: &[Value], cut: bool) -> Reply {
    let mut rows: Vec<(bool, Vec<String>)> = assignments
        .iter()
        .filter_map(|a| {
            let key = a.get("key")?;
            let text = |field: &str| {
                key.get(field)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let interface = text("interfaceId");
            let element = if interface.is_empty() {
                "device".to_owned()
            } else {
                interface.clone()
            };
            let made_by = match a.get("tagCreatorType").and_then(Value::as_str) {
                Some("CREATOR_TYPE_SYSTEM") => "CloudVision",
                Some("CREATOR_TYPE_USER") => "a user",
                Some("CREATOR_TYPE_EXTERNAL") => "an external system",
                _ => "—",
            };
            Some((
                !interface.is_empty(),
                vec![element, text("label"), text("value"), made_by.to_owned()],
            ))
        })
        .collect();
    rows.sort();
    if rows.is_empty() {
        return info(format!("**{}** has no tags.", device.hostname));
    }
    let note = cut.then(|| "CloudVision has more tag assignments than are read here.".to_owned());
    table_message(
        format!("Tags of {}", device.hostname),
        &["Element", "Label", "Value", "Made by"],
        rows.into_iter().map(|(_, row)| row).collect(),
        note,
    )
}

/// `get-device-cve [device]`.
pub async fn get_device_cve(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let device = match device_at(session, 0).await? {
        Ok(device) => device,
        Err(reply) => return Ok(reply),
    };
    let filter = json!({"partialEqFilter": [{"key": {"deviceId": device.serial}}]});
    let exposure = session
        .stream(
            "bugexposure/v1/BugExposure",
            &filter,
            &format!("the bug exposure of {}", device.hostname),
        )
        .await?;
    Ok(render_cve(&device, exposure.values.first()))
}

/// What REST's bug exposure has of a device: CVE and bug IDs, their
/// counts and the highest exposure; said to be IDs only, as it is.
pub fn render_cve(device: &Device, exposure: Option<&Value>) -> Reply {
    let Some(exposure) = exposure else {
        return info(format!(
            "CloudVision has no bug exposure for **{}** (it may not have been assessed yet).",
            device.hostname
        ));
    };
    let ids = |field: &str| {
        let ids: Vec<String> = exposure
            .pointer(&format!("/{field}/values"))
            .and_then(Value::as_array)
            .map(|ids| ids.iter().map(Value::to_string).collect())
            .unwrap_or_default();
        if ids.is_empty() {
            "none".to_owned()
        } else {
            ids.join(", ")
        }
    };
    let count = |field: &str| {
        exposure
            .get(field)
            .and_then(Value::as_u64)
            .unwrap_or_default()
            .to_string()
    };
    let level = |field: &str| {
        let level = exposure.get(field).and_then(Value::as_str).unwrap_or_default();
        level
            .strip_prefix("HIGHEST_EXPOSURE_")
            .unwrap_or("unknown")
            .to_lowercase()
    };
    titled(
        format!("Bug exposure of {}", device.hostname),
        vec![
            fact_lines(&[
                ("CVEs", count("cveCount")),
                ("CVE IDs", ids("cveIds")),
                ("highest CVE exposure", level("highestCveExposure")),
                ("bugs", count("bugCount")),
                ("bug IDs", ids("bugIds")),
                ("highest bug exposure", level("highestBugExposure")),
            ]),
            Block::Text(
                "CloudVision's REST API gives the bug and CVE IDs (Arista's own numbering) and counts only; \
                 their descriptions are in CloudVision under Devices → Bugs."
                    .to_owned(),
            ),
        ],
    )
}
