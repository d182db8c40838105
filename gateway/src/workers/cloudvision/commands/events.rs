//! `get-active-events [device|severity|type|all value start end]`: the
//! events that began in a window, filtered by the resource API itself.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::when::{self, rfc3339};
use super::{device_at, find_device};
use crate::model::{Choice, Reply};
use crate::workers::cloudvision::session::Device;
use crate::workers::cloudvision::{CloudVisionError, Session};
use crate::workers::toolkit::menus::ask_resuming;
use crate::workers::toolkit::render::{error, info, or_none, table_message, utc_minute};

/// The severities, as typed and as CloudVision names them.
pub const SEVERITIES: &[(&str, &str)] = &[
    ("critical", "EVENT_SEVERITY_CRITICAL"),
    ("error", "EVENT_SEVERITY_ERROR"),
    ("warning", "EVENT_SEVERITY_WARNING"),
    ("info", "EVENT_SEVERITY_INFO"),
    ("debug", "EVENT_SEVERITY_DEBUG"),
];

/// The windows a menu offers for the start.
const WINDOWS: &[(&str, &str)] = &[
    ("The last hour", "1h"),
    ("The last day", "1d"),
    ("The last week", "7d"),
    ("The last 30 days", "30d"),
];

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `get-active-events`.
pub async fn get_active_events(session: &Session<'_>) -> Result<Reply, CloudVisionError> {
    let Some(kind) = session.arg(0).map(str::to_ascii_lowercase) else {
        let choices = ["device", "severity", "type", "all"]
            .into_iter()
            .map(Choice::same)
            .collect();
        return Ok(session.menu("Which events? Filter by…", choices));
    };
    // After `all` there is no value: the start comes next (a `-` or `all` in its place is skipped).
    let (filter, start_at) = match kind.as_str() {
        "all" => {
            let skip = session
                .arg(1)
                .is_some_and(|v| v == "-" || v.eq_ignore_ascii_case("all"));
            (Value::Null, if skip { 2 } else { 1 })
        }
        "device" | "severity" | "type" => match value_filter(session, &kind).await? {
            Ok(filter) => (filter, 2),
            Err(reply) => return Ok(reply),
        },
        other => {
            return Ok(error(format!(
                "`{other}` is not a filter of events; use one of: device, severity, type, all."
            )));
        }
    };
    let Some(start) = session.arg(start_at) else {
        let mut arguments: Vec<String> = (0..start_at)
            .filter_map(|i| session.arg(i))
            .map(str::to_owned)
            .collect();
        arguments.truncate(start_at);
        let choices = WINDOWS
            .iter()
            .map(|(label, value)| Choice {
                label: (*label).to_owned(),
                value: (*value).to_owned(),
            })
            .collect();
        return Ok(ask_resuming(&session.call, arguments, "Since when?", choices, ""));
    };
    let (from, to) = match when::window(start, session.arg(start_at + 1), now()) {
        Ok(window) => window,
        Err(bad) => {
            return Ok(error(crate::workers::toolkit::sentences::sentence(
                &bad.to_string(),
            )));
        }
    };
    let mut body = json!({"time": {"start": rfc3339(from), "end": rfc3339(to)}});
    if !filter.is_null() {
        body["partialEqFilter"] = json!([filter]);
    }
    let events = session.stream("event/v1/Event", &body, "the events").await?;
    let (devices, _) = session.devices().await?;
    Ok(render_events(&events.values, &devices, (from, to), events.cut))
}

/// The resource API's filter for a `device`, `severity` or `type` value
/// (argument 1), or the reply asking for it or saying it is not one.
async fn value_filter(session: &Session<'_>, kind: &str) -> Result<Result<Value, Reply>, CloudVisionError> {
    let typed = session.arg(1);
    match (kind, typed) {
        ("device", Some(_)) => Ok(device_at(session, 1)
            .await?
            .map(|d| json!({"data": {"data": {"deviceId": d.serial}}}))),
        ("device", None) => {
            let (devices, _) = session.devices().await?;
            let choices = devices.iter().map(|d| Choice::same(&d.hostname)).collect();
            Ok(Err(ask_resuming(
                &session.call,
                vec!["device".to_owned()],
                "Which device?",
                choices,
                "CloudVision has no devices that you may see.",
            )))
        }
        ("severity", Some(typed)) => Ok(severity(typed).map(|s| json!({"severity": s})).ok_or_else(|| {
            error(format!(
                "`{typed}` is not a severity; use one of: {}.",
                SEVERITIES
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })),
        ("severity", None) => {
            let choices = SEVERITIES.iter().map(|(name, _)| Choice::same(*name)).collect();
            Ok(Err(ask_resuming(
                &session.call,
                vec!["severity".to_owned()],
                "Which severity?",
                choices,
                "",
            )))
        }
        (_, Some(typed)) => {
            let event_type = typed.to_ascii_uppercase().replace('-', "_");
            if event_type.is_empty() || !event_type.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Ok(Err(error(format!(
                    "`{typed}` is not an event type (such as `DEVICE_NOT_STREAMING`)."
                ))));
            }
            Ok(Ok(json!({"eventType": event_type})))
        }
        (_, None) => {
            // The types of the last 30 days' events.
            let body = json!({"time": {"start": rfc3339(now() - 30 * 86_400), "end": rfc3339(now())}});
            let events = session.stream("event/v1/Event", &body, "the events").await?;
            let mut types: Vec<&str> = events
                .values
                .iter()
                .filter_map(|e| e.get("eventType").and_then(Value::as_str))
                .collect();
            types.sort_unstable();
            types.dedup();
            let choices = types.into_iter().map(Choice::same).collect();
            Ok(Err(ask_resuming(
                &session.call,
                vec!["type".to_owned()],
                "Which event type?",
                choices,
                "CloudVision had no events in the last 30 days.",
            )))
        }
    }
}

/// CloudVision's name of a typed severity (`error`, `EVENT_SEVERITY_ERROR`).
pub fn severity(typed: &str) -> Option<&'static str> {
    SEVERITIES
        .iter()
        .find(|(name, full)| typed.eq_ignore_ascii_case(name) || typed.eq_ignore_ascii_case(full))
        .map(|(_, full)| *full)
}

/// The events, newest first: began, severity, type, title, device,
/// interface, description.
pub fn render_events(events: &[Value], devices: &[Device], (from, to): (i64, i64), cut: bool) -> Reply {
    let mut rows: Vec<(String, Vec<String>)> = events
        .iter()
        .map(|e| {
            let text = |pointer: &str| e.pointer(pointer).and_then(Value::as_str).unwrap_or_default();
            let began = text("/key/timestamp");
            let at = when::parse(began, 0).map_or_else(|_| or_none(Some(began)), |s| utc_minute(s * 1000));
            let serial = text("/data/data/deviceId");
            let device =
                find_device(devices.to_vec(), serial).map_or_else(|| or_none(Some(serial)), |d| d.hostname);
            let severity = text("/severity")
                .strip_prefix("EVENT_SEVERITY_")
                .unwrap_or("—")
                .to_lowercase();
            (
                began.to_owned(),
                vec![
                    at,
                    severity,
                    or_none(Some(text("/eventType"))),
                    or_none(Some(text("/title"))),
                    device,
                    or_none(Some(text("/data/data/interfaceId"))),
                    or_none(Some(text("/description"))),
                ],
            )
        })
        .collect();
    let span = format!("from {} to {}", utc_minute(from * 1000), utc_minute(to * 1000));
    if rows.is_empty() {
        return info(format!("CloudVision has no events that began {span}."));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0));
    let mut note = format!("Events that began {span}.");
    if cut {
        note.push_str(" CloudVision has more than are read here: narrow the window or filter.");
    }
    table_message(
        "Events".to_owned(),
        &[
            "Began",
            "Severity",
            "Type",
            "Title",
            "Device",
            "Interface",
            "Description",
        ],
        rows.into_iter().map(|(_, row)| row).collect(),
        Some(note),
    )
}
