//! The resource APIs' REST gateway (`/api/resources/{api}/{version}/{Model}`)
//! on the fake's seed: `…/all` answers a stream of JSON objects, one a line,
//! each `{"result": {"value": …, "time": …, "type": "INITIAL"}}` (nothing at
//! all when nothing matches), filtered by the request's `partialEqFilter`
//! (an object matches when it has every field a filter gives, equal; a
//! filter's `*_UNSPECIFIED` enums and empty objects match anything; several
//! filters are alternatives) and, for events, by `time` bounds on when the
//! event began. The model itself (`…/Device?key.deviceId=…`) answers
//! `{"value": …, "time": …}`. Values are in the protobuf JSON form of
//! Arista's models: camelCase names, enums by their full names, wrapped
//! scalars as plain values, times as RFC 3339.

use axum::{
    http::{Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{
    CloudVision,
    clock::{parse_rfc3339, rfc3339},
    data::{self, DEVICES, EVENTS},
    gateway_error,
};
use crate::fake_api::{Recorded, json_response};

/// The models the fake serves: `{api}/{version}/{Model}`.
const MODELS: &[&str] = &[
    "inventory/v1/Device",
    "event/v1/Event",
    "tag/v2/Tag",
    "tag/v2/TagAssignment",
    "bugexposure/v1/BugExposure",
];

/// The fields a stream request may have; any other is refused, as the
/// gateway refuses a field its protobuf does not have.
const STREAM_FIELDS: &[&str] = &["partialEqFilter", "time"];

/// The enums of the served models, each value's name and number: a filter
/// may give an enum either way (`{"streamingStatus": 2}`), as protobuf's
/// JSON takes both.
const ENUMS: &[(&str, i64)] = &[
    ("STREAMING_STATUS_INACTIVE", 1),
    ("STREAMING_STATUS_ACTIVE", 2),
    ("EVENT_SEVERITY_INFO", 1),
    ("EVENT_SEVERITY_WARNING", 2),
    ("EVENT_SEVERITY_ERROR", 3),
    ("EVENT_SEVERITY_CRITICAL", 4),
    ("EVENT_SEVERITY_DEBUG", 5),
    ("COMPONENT_TYPE_DEVICE", 1),
    ("COMPONENT_TYPE_INTERFACE", 2),
    ("ELEMENT_TYPE_DEVICE", 1),
    ("ELEMENT_TYPE_INTERFACE", 2),
    ("ELEMENT_TYPE_VIRTUAL", 3),
    ("CREATOR_TYPE_SYSTEM", 1),
    ("CREATOR_TYPE_USER", 2),
    ("CREATOR_TYPE_EXTERNAL", 3),
    ("HIGHEST_EXPOSURE_NONE", 1),
    ("HIGHEST_EXPOSURE_LOW", 2),
    ("HIGHEST_EXPOSURE_HIGH", 3),
];

/// Whether `item` has every field `filter` gives, equal (a filter's
/// `*_UNSPECIFIED` enum, or `0` where the item has an enum, and an empty
/// object stand for "any").
pub(super) fn partial_eq(filter: &Value, item: &Value) -> bool {
    match (filter, item) {
        (Value::Object(fields), _) => fields.iter().all(|(name, wanted)| match item.get(name) {
            Some(have) => partial_eq(wanted, have),
            None => unset(wanted),
        }),
        (Value::String(s), _) if s.ends_with("_UNSPECIFIED") => true,
        (Value::Number(n), Value::String(name)) => {
            n.as_i64() == Some(0)
                || ENUMS
                    .iter()
                    .any(|(known, number)| known == name && n.as_i64() == Some(*number))
        }
        _ => filter == item,
    }
}

/// Whether a filter's value is its type's default, which protobuf cannot
/// tell from "not given".
fn unset(value: &Value) -> bool {
    match value {
        Value::Object(fields) => fields.values().all(unset),
        Value::String(s) => s.ends_with("_UNSPECIFIED"),
        Value::Null => true,
        _ => false,
    }
}

/// What a stream request asks: its filters and time bounds.
struct Stream {
    filters: Vec<Value>,
    start: Option<i64>,
    end: Option<i64>,
}

/// A stream request's body (empty for a GET), or why the gateway refuses it (a 400).
fn stream_request(request: &Recorded) -> Result<Stream, String> {
    let bad = |message: String| message;
    let body = if request.body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(Value::Object(body)) => body,
            Ok(_) => return Err(bad("the request body must be a JSON object".to_owned())),
            Err(e) => return Err(bad(format!("the request body is not JSON: {e}"))),
        }
    };
    if let Some(field) = body.keys().find(|k| !STREAM_FIELDS.contains(&k.as_str())) {
        return Err(bad(format!("unknown field \"{field}\" in the stream request")));
    }
    let filters = match body.get("partialEqFilter") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(filters)) if filters.iter().all(Value::is_object) => filters.clone(),
        Some(_) => return Err(bad("partialEqFilter must be a list of objects".to_owned())),
    };
    let bound = |name: &str| -> Result<Option<i64>, String> {
        match body.get("time").and_then(|t| t.get(name)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => parse_rfc3339(text)
                .map(Some)
                .ok_or_else(|| bad(format!("time.{name} is not an RFC 3339 time: {text}"))),
            Some(other) => Err(bad(format!("time.{name} is not an RFC 3339 time: {other}"))),
        }
    };
    let (start, end) = (bound("start")?, bound("end")?);
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(bad("time.end is before time.start".to_owned()));
    }
    Ok(Stream { filters, start, end })
}

/// The stream of `items` (each with its time), one JSON object a line.
fn stream(items: Vec<(Value, String)>) -> Response {
    let mut body = String::new();
    for (value, time) in items {
        let line = json!({ "result": { "value": value, "time": time, "type": "INITIAL" } });
        body.push_str(&line.to_string());
        body.push('\n');
    }
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

impl CloudVision {
    /// Routes one resource API request (credentials checked) by its path
    /// after `/api/resources/`.
    pub(super) fn resource(&self, request: &Recorded, rest: &str) -> Response {
        let (model, all) = match rest.strip_suffix("/all") {
            Some(model) => (model, true),
            None => (rest, false),
        };
        if !MODELS.contains(&model) {
            return gateway_error(StatusCode::NOT_FOUND, 5, "Not Found");
        }
        let items = self.objects(model);
        match (all, &request.method) {
            (true, &Method::GET | &Method::POST) => {
                let asked = match stream_request(request) {
                    Ok(asked) => asked,
                    Err(message) => return gateway_error(StatusCode::BAD_REQUEST, 3, &message),
                };
                let events = model == "event/v1/Event";
                let found = items
                    .into_iter()
                    .filter(|(item, _)| {
                        asked.filters.is_empty() || asked.filters.iter().any(|f| partial_eq(f, item))
                    })
                    .filter(|(item, _)| {
                        if !events {
                            return true;
                        }
                        let began = item["key"]["timestamp"].as_str().and_then(parse_rfc3339);
                        began.is_some_and(|t| {
                            asked.start.is_none_or(|s| t >= s) && asked.end.is_none_or(|e| t <= e)
                        })
                    })
                    .collect();
                stream(found)
            }
            (false, &Method::GET) => {
                let keys: Vec<(String, String)> = form_urlencoded::parse(request.query.as_bytes())
                    .into_owned()
                    .filter(|(k, _)| k.starts_with("key."))
                    .collect();
                if keys.is_empty() {
                    return gateway_error(StatusCode::BAD_REQUEST, 3, "the key is required");
                }
                let matches = |item: &Value| {
                    keys.iter().all(|(k, v)| {
                        let field = k["key.".len()..]
                            .split('.')
                            .fold(&item["key"], |at, name| &at[name]);
                        field.as_str() == Some(v.as_str())
                            || v.parse::<Value>().is_ok_and(|given| given == *field)
                    })
                };
                match items.into_iter().find(|(item, _)| matches(item)) {
                    Some((value, time)) => {
                        json_response(StatusCode::OK, &json!({ "value": value, "time": time }))
                    }
                    None => gateway_error(StatusCode::NOT_FOUND, 5, "resource not found"),
                }
            }
            _ => gateway_error(StatusCode::METHOD_NOT_ALLOWED, 12, "Method Not Allowed"),
        }
    }

    /// Every object of `model`, each with the time of its state.
    fn objects(&self, model: &str) -> Vec<(Value, String)> {
        let now = rfc3339(self.started);
        match model {
            "inventory/v1/Device" => DEVICES
                .iter()
                .map(|d| (device(d, self.started), now.clone()))
                .collect(),
            "event/v1/Event" => EVENTS
                .iter()
                .map(|e| {
                    let value = event(e, self.started);
                    let time = value["lastUpdatedTime"].as_str().unwrap_or_default().to_owned();
                    (value, time)
                })
                .collect(),
            "tag/v2/Tag" => tags().into_iter().map(|t| (t, now.clone())).collect(),
            "tag/v2/TagAssignment" => tag_assignments().into_iter().map(|t| (t, now.clone())).collect(),
            "bugexposure/v1/BugExposure" => DEVICES.iter().map(|d| (bug_exposure(d), now.clone())).collect(),
            _ => Vec::new(),
        }
    }
}

/// `arista.inventory.v1.Device`.
fn device(d: &data::Device, started: i64) -> Value {
    json!({
        "key": { "deviceId": d.serial },
        "softwareVersion": d.eos,
        "modelName": d.model,
        "hardwareRevision": "11.02",
        "fqdn": format!("{}.example.net", d.hostname),
        "hostname": d.hostname,
        "domainName": "example.net",
        "systemMacAddress": d.mac,
        "bootTime": rfc3339(started - 1_209_600),
        "streamingStatus": if d.streaming { "STREAMING_STATUS_ACTIVE" } else { "STREAMING_STATUS_INACTIVE" },
        "extendedAttributes": { "featureEnabled": { "Danz": false, "Mlag": d.container == data::DC1_LEAFS_KEY } }
    })
}

/// `arista.event.v1.Event`: its device (and interface) in `data` and
/// `components`, not yet acknowledged.
fn event(e: &data::Event, started: i64) -> Value {
    let began = rfc3339(started - e.age);
    let (kind, components) = match e.interface {
        Some(interface) => (
            "COMPONENT_TYPE_INTERFACE",
            json!({ "deviceId": e.serial, "interfaceId": interface }),
        ),
        None => ("COMPONENT_TYPE_DEVICE", json!({ "deviceId": e.serial })),
    };
    json!({
        "key": { "key": e.key, "timestamp": began },
        "severity": e.severity,
        "title": e.title,
        "description": e.description,
        "eventType": e.event_type,
        "data": { "data": components.clone() },
        "components": { "components": [ { "type": kind, "components": components } ] },
        "ack": { "ack": false },
        "lastUpdatedTime": rfc3339(started - e.age + 60),
        "read": { "read": false }
    })
}

/// Every tag in use, `arista.tag.v2.Tag`, in the mainline workspace (`""`).
fn tags() -> Vec<Value> {
    let mut seen: Vec<(&str, String, String, &str)> = Vec::new();
    for d in DEVICES {
        for (label, value) in data::system_tags(d) {
            seen.push((
                "ELEMENT_TYPE_DEVICE",
                label.to_owned(),
                value.to_owned(),
                "CREATOR_TYPE_SYSTEM",
            ));
        }
    }
    for (_, label, value) in data::DEVICE_TAGS {
        seen.push((
            "ELEMENT_TYPE_DEVICE",
            (*label).to_owned(),
            (*value).to_owned(),
            "CREATOR_TYPE_USER",
        ));
    }
    for (_, _, label, value) in data::INTERFACE_TAGS {
        seen.push((
            "ELEMENT_TYPE_INTERFACE",
            (*label).to_owned(),
            (*value).to_owned(),
            "CREATOR_TYPE_USER",
        ));
    }
    let mut unique: Vec<(&str, String, String, &str)> = Vec::new();
    for tag in seen {
        if !unique
            .iter()
            .any(|u| u.0 == tag.0 && u.1 == tag.1 && u.2 == tag.2)
        {
            unique.push(tag);
        }
    }
    unique
        .into_iter()
        .map(|(element, label, value, creator)| {
            json!({
                "key": { "workspaceId": "", "elementType": element, "label": label, "value": value },
                "creatorType": creator,
                "assigned": true
            })
        })
        .collect()
}

/// Every tag assignment, `arista.tag.v2.TagAssignment`, mainline.
fn tag_assignments() -> Vec<Value> {
    let mut out = Vec::new();
    for d in DEVICES {
        for (label, value) in data::system_tags(d) {
            out.push(json!({
                "key": { "workspaceId": "", "elementType": "ELEMENT_TYPE_DEVICE", "label": label, "value": value, "deviceId": d.serial },
                "tagCreatorType": "CREATOR_TYPE_SYSTEM"
            }));
        }
        for (_, label, value) in data::DEVICE_TAGS.iter().filter(|(s, _, _)| *s == d.serial) {
            out.push(json!({
                "key": { "workspaceId": "", "elementType": "ELEMENT_TYPE_DEVICE", "label": label, "value": value, "deviceId": d.serial },
                "tagCreatorType": "CREATOR_TYPE_USER"
            }));
        }
        for (_, interface, label, value) in data::INTERFACE_TAGS.iter().filter(|(s, ..)| *s == d.serial) {
            out.push(json!({
                "key": {
                    "workspaceId": "", "elementType": "ELEMENT_TYPE_INTERFACE", "label": label, "value": value,
                    "deviceId": d.serial, "interfaceId": interface
                },
                "tagCreatorType": "CREATOR_TYPE_USER"
            }));
        }
    }
    out
}

/// `arista.bugexposure.v1.BugExposure` of a device (empty lists are left
/// out, as protobuf's JSON leaves them).
fn bug_exposure(d: &data::Device) -> Value {
    let (bugs, cves, highest_bug, highest_cve) = data::bug_exposure(d);
    let list = |ids: &[i32]| {
        if ids.is_empty() {
            json!({})
        } else {
            json!({ "values": ids })
        }
    };
    json!({
        "key": { "deviceId": d.serial },
        "bugIds": list(&bugs),
        "cveIds": list(&cves),
        "bugCount": bugs.len(),
        "cveCount": cves.len(),
        "highestBugExposure": highest_bug,
        "highestCveExposure": highest_cve
    })
}
