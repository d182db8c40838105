//! The Dashboard API's routes on the fake's state: the reads, the paging of
//! the lists Meraki pages, and the two writes (a switch port's settings, a
//! port cycle) with Meraki's validation.

use axum::{
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{Meraki, data, errors};
use crate::fake_api::{Recorded, json_response};

/// The page size when a list is asked without `perPage`, as the Dashboard's.
pub const DEFAULT_PER_PAGE: usize = 1000;
/// The smallest `perPage` the Dashboard takes.
pub const MIN_PER_PAGE: usize = 3;

/// The query's pairs, decoded (`productTypes%5B%5D` reads `productTypes[]`).
fn query_pairs(request: &Recorded) -> Vec<(String, String)> {
    form_urlencoded::parse(request.query.as_bytes())
        .into_owned()
        .collect()
}

/// One page of `items` (each named by its `token` field) as the Dashboard
/// pages: `perPage` from `MIN_PER_PAGE` to `max`, the page after the item
/// named by `startingAfter`, and a `Link` header with `rel=first` and, while
/// items remain, `rel=next`, on the host the request named.
pub(super) fn page(request: &Recorded, items: &[Value], token: &str, max: usize) -> Response {
    let pairs = query_pairs(request);
    let per_page = match pairs.iter().find(|(k, _)| k == "perPage") {
        None => DEFAULT_PER_PAGE,
        Some((_, v)) => match v.parse::<usize>() {
            Ok(n) if (MIN_PER_PAGE..=max).contains(&n) => n,
            _ => {
                return errors(
                    StatusCode::BAD_REQUEST,
                    &format!("'perPage' must be an integer between {MIN_PER_PAGE} and {max}"),
                );
            }
        },
    };
    let start = match pairs.iter().find(|(k, _)| k == "startingAfter") {
        None => 0,
        Some((_, after)) => match items.iter().position(|i| i[token] == after.as_str()) {
            Some(i) => i + 1,
            None => return errors(StatusCode::BAD_REQUEST, "Invalid 'startingAfter'"),
        },
    };
    let end = (start + per_page).min(items.len());
    let shown = &items[start.min(end)..end];
    let host = request
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let link = |after: Option<&str>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(k, _)| k != "startingAfter") {
            query.append_pair(k, v);
        }
        if let Some(after) = after {
            query.append_pair("startingAfter", after);
        }
        let query = query.finish();
        let separator = if query.is_empty() { "" } else { "?" };
        format!("http://{host}{}{separator}{query}", request.path)
    };
    let mut links = vec![format!("<{}>; rel=first", link(None))];
    if end < items.len()
        && let Some(last) = shown.last().and_then(|i| i[token].as_str())
    {
        links.push(format!("<{}>; rel=next", link(Some(last))));
    }
    let mut response = json_response(StatusCode::OK, &Value::Array(shown.to_vec()));
    response
        .headers_mut()
        .insert("link", links.join(", ").parse().expect("a link header"));
    response
}

/// Whether `device` passes the device list's filters.
fn device_matches(device: &Value, pairs: &[(String, String)]) -> bool {
    let listed = |name: &str, field: &str| {
        let wanted: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        wanted.is_empty() || wanted.iter().any(|w| device[field] == *w)
    };
    let contains = |field: &str| {
        pairs.iter().filter(|(k, _)| k == field).all(|(_, v)| {
            device[field]
                .as_str()
                .is_some_and(|d| d.to_lowercase().contains(&v.to_lowercase()))
        })
    };
    listed("productTypes[]", "productType")
        && listed("networkIds[]", "networkId")
        && listed("serials[]", "serial")
        && listed("models[]", "model")
        && contains("serial")
        && contains("name")
        && contains("model")
}

impl Meraki {
    /// Routes one Dashboard request (key checked) by its path's segments after `/api/v1/`.
    pub(super) fn route(&mut self, request: &Recorded, segments: &[&str]) -> Response {
        let get = request.method == Method::GET;
        match (segments, get) {
            (["organizations"], true) => page(request, &self.organizations, "id", 9000),
            (["organizations", org, rest @ ..], true) => self.organization(request, org, rest),
            (["networks", id, "wireless", "ssids"], true) => self.ssids(id),
            (["devices", serial, rest @ ..], _) => self.device(request, serial, rest),
            _ => errors(StatusCode::NOT_FOUND, "Not found"),
        }
    }

    fn organization(&self, request: &Recorded, org: &str, rest: &[&str]) -> Response {
        if !self.organizations.iter().any(|o| o["id"] == org) {
            return errors(StatusCode::NOT_FOUND, "Organization not found");
        }
        match rest {
            ["admins"] => json_response(StatusCode::OK, &Value::Array(data::admins(org))),
            ["networks"] => {
                let networks: Vec<Value> = self
                    .networks
                    .iter()
                    .filter(|n| n["organizationId"] == org)
                    .cloned()
                    .collect();
                page(request, &networks, "id", 100_000)
            }
            ["devices"] => {
                let pairs = query_pairs(request);
                let devices: Vec<Value> = self
                    .devices
                    .iter()
                    .filter(|(o, d)| o == org && device_matches(d, &pairs))
                    .map(|(_, d)| d.clone())
                    .collect();
                page(request, &devices, "serial", 5000)
            }
            _ => errors(StatusCode::NOT_FOUND, "Not found"),
        }
    }

    fn ssids(&self, id: &str) -> Response {
        let Some(network) = self.networks.iter().find(|n| n["id"] == id) else {
            return errors(StatusCode::NOT_FOUND, "Network not found");
        };
        if !network["productTypes"]
            .as_array()
            .is_some_and(|p| p.contains(&json!("wireless")))
        {
            return errors(
                StatusCode::BAD_REQUEST,
                "This endpoint only supports wireless networks",
            );
        }
        json_response(StatusCode::OK, &Value::Array(data::ssids()))
    }

    fn device(&mut self, request: &Recorded, serial: &str, rest: &[&str]) -> Response {
        let Some((_, device)) = self.devices.iter().find(|(_, d)| d["serial"] == serial) else {
            return errors(StatusCode::NOT_FOUND, "Device not found");
        };
        let device = device.clone();
        let product = device["productType"].as_str().unwrap_or_default().to_owned();
        let only = |kind: &str, what: &str| {
            errors(
                StatusCode::BAD_REQUEST,
                &format!("This endpoint only supports {what}; {serial} is a {kind}"),
            )
        };
        let method = request.method.clone();
        match (rest, method) {
            (["switch", "ports", ..], _) if product != "switch" => only(&product, "switches"),
            (["switch", "ports"], Method::GET) => {
                json_response(StatusCode::OK, &Value::Array(self.switch_ports(serial)))
            }
            (["switch", "ports", "statuses"], Method::GET) => {
                let statuses = self
                    .switch_ports(serial)
                    .iter()
                    .map(|p| data::port_status(serial, p))
                    .collect();
                json_response(StatusCode::OK, &Value::Array(statuses))
            }
            (["switch", "ports", "cycle"], Method::POST) => self.cycle(request, serial),
            (["switch", "ports", port], Method::GET) => {
                match self.switch_ports(serial).iter().find(|p| p["portId"] == *port) {
                    Some(p) => json_response(StatusCode::OK, p),
                    None => errors(StatusCode::NOT_FOUND, "Port not found"),
                }
            }
            (["switch", "ports", port], Method::PUT) => self.update_port(request, serial, port),
            (["appliance", "performance"], Method::GET) if product == "appliance" => {
                json_response(StatusCode::OK, &json!({ "perfScore": data::PERF_SCORE }))
            }
            (["appliance", "performance"], Method::GET) => only(&product, "MX appliances"),
            (["camera", "analytics", "recent"], Method::GET) if product == "camera" => {
                let object = query_pairs(request)
                    .into_iter()
                    .find(|(k, _)| k == "objectType")
                    .map_or_else(|| "person".to_owned(), |(_, v)| v);
                if object != "person" && object != "vehicle" {
                    return errors(
                        StatusCode::BAD_REQUEST,
                        "'objectType' must be one of: 'person', 'vehicle'",
                    );
                }
                json_response(
                    StatusCode::OK,
                    &Value::Array(data::camera_recent(serial, &object)),
                )
            }
            (["camera", "analytics", "recent"], Method::GET) => only(&product, "cameras"),
            (["clients"], Method::GET) => {
                let timespan = query_pairs(request).into_iter().find(|(k, _)| k == "timespan");
                if let Some((_, t)) = timespan
                    && !t.parse::<f64>().is_ok_and(|t| (0.0..=2_678_400.0).contains(&t))
                {
                    return errors(
                        StatusCode::BAD_REQUEST,
                        "'timespan' must be a number of seconds up to 31 days",
                    );
                }
                json_response(StatusCode::OK, &Value::Array(data::clients(&device)))
            }
            (["lldpCdp"], Method::GET) => json_response(StatusCode::OK, &data::lldp_cdp(&device)),
            _ => errors(StatusCode::NOT_FOUND, "Not found"),
        }
    }

    fn switch_ports(&self, serial: &str) -> Vec<Value> {
        self.ports
            .iter()
            .find(|(s, _)| s == serial)
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }

    /// `PUT /devices/{serial}/switch/ports/{portId}`: validated as a whole
    /// before anything changes, so that a refused update changes nothing.
    fn update_port(&mut self, request: &Recorded, serial: &str, port: &str) -> Response {
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&request.body) else {
            return errors(StatusCode::BAD_REQUEST, "The request body must be a JSON object");
        };
        if let Err(message) = validate_port(&body) {
            return errors(StatusCode::BAD_REQUEST, &message);
        }
        let Some((_, ports)) = self.ports.iter_mut().find(|(s, _)| s == serial) else {
            return errors(StatusCode::NOT_FOUND, "Device not found");
        };
        let Some(current) = ports.iter_mut().find(|p| p["portId"] == port) else {
            return errors(StatusCode::NOT_FOUND, "Port not found");
        };
        for (field, value) in body {
            if PORT_FIELDS.contains(&field.as_str()) {
                current[field.as_str()] = vlan_number(&field, value);
            }
        }
        json_response(StatusCode::OK, current)
    }

    /// `POST /devices/{serial}/switch/ports/cycle`: every port named (`"3"`
    /// or a range `"1-4"`) must exist; the answer names them as asked.
    fn cycle(&mut self, request: &Recorded, serial: &str) -> Response {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let Some(asked) = body["ports"].as_array().filter(|p| !p.is_empty()) else {
            return errors(
                StatusCode::BAD_REQUEST,
                "'ports' must be a non-empty array of port ids",
            );
        };
        let existing = self.switch_ports(serial);
        let exists = |n: u32| {
            existing
                .iter()
                .any(|p| p["portId"].as_str().and_then(|s| s.parse::<u32>().ok()) == Some(n))
        };
        let mut ports = Vec::new();
        for port in asked {
            let Some(text) = port.as_str() else {
                return errors(
                    StatusCode::BAD_REQUEST,
                    "'ports' must be a non-empty array of port ids",
                );
            };
            let range = match text.split_once('-') {
                Some((a, b)) => a.trim().parse::<u32>().ok().zip(b.trim().parse::<u32>().ok()),
                None => text.trim().parse::<u32>().ok().map(|n| (n, n)),
            };
            match range {
                Some((a, b)) if a <= b && (a..=b).all(exists) => ports.push(text.to_owned()),
                _ => {
                    return errors(
                        StatusCode::BAD_REQUEST,
                        &format!("Invalid port '{text}' for {serial}"),
                    );
                }
            }
        }
        self.cycled.push((serial.to_owned(), ports.clone()));
        json_response(StatusCode::OK, &json!({ "ports": ports })).into_response()
    }
}

/// A VLAN given as a numeric string, stored (and answered) as the number the
/// Dashboard gives back; every other value as sent.
fn vlan_number(field: &str, value: Value) -> Value {
    match (field, value.as_str().and_then(|s| s.trim().parse::<u64>().ok())) {
        ("vlan" | "voiceVlan", Some(n)) => json!(n),
        _ => value,
    }
}

/// The port settings a PUT may change; others in the body are ignored.
const PORT_FIELDS: &[&str] = &[
    "name",
    "tags",
    "enabled",
    "poeEnabled",
    "type",
    "vlan",
    "voiceVlan",
    "allowedVlans",
    "isolationEnabled",
    "rstpEnabled",
    "stpGuard",
    "linkNegotiation",
    "udld",
    "accessPolicyType",
];

/// Meraki's checks on a port update: a VLAN is 1..=4094 (a number or a
/// numeric string), the flags are
/// booleans, the name a string, the type `access` or `trunk`.
fn validate_port(body: &Map<String, Value>) -> Result<(), String> {
    // A number or a numeric string: the original app sends the VLAN as typed
    // in chat (a string), and the Dashboard takes it.
    let vlan_ok = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .is_some_and(|v| (1..=4094).contains(&v))
    };
    if let Some(v) = body.get("vlan")
        && !vlan_ok(v)
    {
        return Err("'vlan' must be an integer between 1 and 4094".to_owned());
    }
    if let Some(v) = body.get("voiceVlan")
        && !v.is_null()
        && !vlan_ok(v)
    {
        return Err("'voiceVlan' must be an integer between 1 and 4094, or null".to_owned());
    }
    for flag in ["enabled", "poeEnabled", "isolationEnabled", "rstpEnabled"] {
        if body.get(flag).is_some_and(|v| !v.is_boolean()) {
            return Err(format!("'{flag}' must be a boolean"));
        }
    }
    if body.get("name").is_some_and(|v| !v.is_string() && !v.is_null()) {
        return Err("'name' must be a string".to_owned());
    }
    if let Some(kind) = body.get("type")
        && kind != "access"
        && kind != "trunk"
    {
        return Err("'type' must be one of: 'access', 'trunk'".to_owned());
    }
    Ok(())
}
