//! A fake Slurpit portal API on loopback (`/api/…`), for the `slurpit`
//! integration: what its sub-commands read (`get-devices`, `get-device`,
//! `get-sites`, `get-plannings`, `search-data`, `device-data`) and what
//! Slurpit's Python SDK (`slurpit-sdk`) asks for them.
//!
//! - `GET /api/platform/ping`;
//! - `GET /api/devices` (`offset`, `limit`, `include_raw_json`), `GET
//!   /api/devices/{id}`, `POST /api/devices/search` (criteria, `offset` and
//!   `limit` in the JSON body, as the SDK's pager sends them), and the writes
//!   `POST /api/devices`, `PUT` and `DELETE /api/devices/{id}`;
//! - `GET /api/devices/snapshot/all/{hostname}` (the latest data of every
//!   planning for one device) and `GET
//!   /api/devices/snapshot/single/{hostname}/{planning_id}[/{batch_id}]`;
//! - `GET /api/sites` and `GET /api/sites/{id}`;
//! - `GET /api/planning` (the plannings and their `columns`) and `POST
//!   /api/planning/search` (`planning_id`, `batch_id`, `hostnames`,
//!   `device_os`, `search`, `unique_results`, `latest`, `start_date`,
//!   `end_date`, `offset`, `limit`), the data `search-data` and `device-data` show.
//!
//! The data comes from two collection runs (batches) of every enabled
//! planning over the enabled devices, a day apart, that differ where a
//! device changed in between ([`UPGRADED_DEVICE`], a core uplink that came
//! back up), so that `latest` and `unique_results` tell them apart. A device
//! deleted afterwards keeps its collected rows, as history does, but its
//! snapshots answer 404 with it.
//!
//! Lists are bare JSON arrays paged by `offset` and `limit` (1000 by
//! default), as the SDK's `_pager` reads them: it asks for the next page
//! while a page comes back full.
//!
//! Credentials are API keys, sent as `Authorization: Bearer {key}` (the SDK's
//! `BaseAPI`). Slurpit keys carry permissions per subject (`devices`,
//! `sites`, `planning`, `platform`, …) of type `read` or `read,write` (the
//! SDK's `create_apikey`): [`ADMIN_KEY`] may do everything, [`READER_KEY`]
//! may only read devices, sites and the platform, so that plannings and
//! every write answer it 403. Searches (`POST …/search`) are reads.
//!
//! Slurpit publishes its API reference only inside each portal (its Swagger
//! page), and neither the SDK nor any public client shows an error body, so
//! the bodies here are an assumption, not a copy: the `{"name", "message",
//! "code", "status"}` object of Yii's REST errors, a common PHP API's, and
//! validation errors (422) as its list of `{"field", "message"}`. The SDK
//! reads only the status (`raise_for_status`, and its pager's wrapping of
//! it), so the statuses are what the fake is held to; a worker should show
//! the `message` when there is one and the status otherwise.
//!
//! Two knobs, both off unless a test turns them on a running fake, make it
//! misbehave as a real portal (or what stands in front of one) can:
//! [`FakeSlurpit::slow_down`] holds answers back, [`FakeSlurpit::garble`]
//! answers what is not Slurpit's JSON ([`Garbage`], the same kinds as the
//! fake AWX's); [`FakeSlurpit::mend`] turns both off.

use std::{net::SocketAddr, time::Duration};

use axum::{
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use k8s_openapi::jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::fake_api::{FakeApi, Faults, Faulty, Platform, json_response};
pub use crate::{
    fake_api::{Recorded, Scripted},
    fake_awx::Garbage,
};

/// An API key with every permission, read and write, on every subject.
pub const ADMIN_KEY: &str = "slurpit-admin-5f0c2e8a9b7d4c1e3a6f8b0d2c4e6a81";
/// An API key that may only read devices, sites and the platform: the
/// plannings and every write answer it 403.
pub const READER_KEY: &str = "slurpit-reader-0a9b8c7d6e5f43210f1e2d3c4b5a6978";
/// How many devices the fake starts with.
pub const DEVICES: usize = 12;
/// The one disabled (decommissioned) device: it has no planning data.
pub const DISABLED_DEVICE: &str = "sin-acc-01";
/// The device upgraded between the two collection runs: its software
/// version differs between the older batch and the latest.
pub const UPGRADED_DEVICE: &str = "ams-acc-01";
/// The page size when a list is asked without `limit`: the SDK's default
/// `limit` and `page_size`, so that the SDK and the fake agree on a full page.
pub const DEFAULT_LIMIT: usize = 1000;
/// When the older of the two collection runs of every planning ran.
pub const OLDER_RUN: &str = "2026-12-02 02:00:00";
/// When the latest collection run of every planning ran.
pub const LATEST_RUN: &str = "2026-12-03 02:00:00";

/// What a key may do on one subject (the first path segment after `/api/`).
struct Permission {
    subject: &'static str,
    write: bool,
}

struct Key {
    key: &'static str,
    permissions: Vec<Permission>,
}

impl Key {
    fn may(&self, subject: &str, write: bool) -> bool {
        self.permissions
            .iter()
            .any(|p| p.subject == subject && (p.write || !write))
    }
}

/// One row a collection run stored for a planning.
#[derive(Clone)]
struct Row {
    planning_id: u64,
    batch_id: u64,
    timestamp: &'static str,
    hostname: String,
    device_os: String,
    /// The planning's columns, in its order.
    values: Vec<(String, Value)>,
}

impl Row {
    /// The row as the API gives it: the hostname and the columns, and the run
    /// it came from (`batch_id`, `timestamp`) unless the rows are the unique
    /// (deduplicated) data. Readers take the columns by name, in the order of
    /// the planning's `columns`, as the original commands head their tables.
    fn json(&self, unique: bool) -> Value {
        let mut object = Map::new();
        object.insert("hostname".into(), json!(self.hostname));
        for (column, value) in &self.values {
            object.insert(column.clone(), value.clone());
        }
        if !unique {
            object.insert("batch_id".into(), json!(self.batch_id));
            object.insert("timestamp".into(), json!(self.timestamp));
        }
        Value::Object(object)
    }

    /// Whether `text` is part of the hostname or of any column's value, in
    /// any case: the planning search's `search`.
    fn matches(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        self.hostname.to_lowercase().contains(&text)
            || self.values.iter().any(|(_, v)| {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                v.to_lowercase().contains(&text)
            })
    }
}

/// What the fake Slurpit holds: its keys, sites, devices, plannings and
/// the planning data of two collection runs.
pub struct Slurpit {
    keys: Vec<Key>,
    sites: Vec<Value>,
    devices: Vec<Value>,
    plannings: Vec<Value>,
    rows: Vec<Row>,
    next_device_id: u64,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
}

/// The seeded devices, one a line: hostname | site | device_os | brand |
/// device_type (the model) | os_version | management address. A table
/// rather than tuples, so that it reads as one.
const SEEDS: &str = "\
ams-core-01 | AMS-HQ  | cisco_nxos     | Cisco     | N9K-C93180YC-FX   | 10.2(5)    | 10.10.0.1
ams-core-02 | AMS-HQ  | cisco_nxos     | Cisco     | N9K-C93180YC-FX   | 10.2(5)    | 10.10.0.2
ams-edge-01 | AMS-HQ  | juniper_junos  | Juniper   | MX204             | 22.4R3-S2  | 10.10.0.10
ams-fw-01   | AMS-HQ  | fortinet       | Fortinet  | FortiGate-200F    | 7.2.8      | 10.10.0.20
ams-acc-01  | AMS-HQ  | cisco_ios      | Cisco     | C9300-48P         | 17.9.4a    | 10.10.1.11
nyc-core-01 | NYC-DC1 | arista_eos     | Arista    | DCS-7280SR3-48YC8 | 4.31.2F    | 10.20.0.1
nyc-core-02 | NYC-DC1 | arista_eos     | Arista    | DCS-7280SR3-48YC8 | 4.31.2F    | 10.20.0.2
nyc-edge-01 | NYC-DC1 | cisco_xr       | Cisco     | ASR-9901          | 7.9.2      | 10.20.0.10
nyc-fw-01   | NYC-DC1 | paloalto_panos | Palo Alto | PA-3220           | 10.2.9-h1  | 10.20.0.20
nyc-acc-01  | NYC-DC1 | aruba_aoscx    | Aruba     | 6300M-JL659A      | 10.13.1000 | 10.20.1.11
sin-edge-01 | SIN-POP | juniper_junos  | Juniper   | MX204             | 22.4R3-S2  | 10.30.0.10
sin-acc-01  | SIN-POP | cisco_ios      | Cisco     | C9200L-24P-4G     | 17.6.5     | 10.30.1.11";

/// One line of [`SEEDS`], its fields trimmed.
type Seed = [&'static str; 7];

fn seeds() -> Vec<Seed> {
    SEEDS
        .lines()
        .map(|line| {
            let fields: Vec<&'static str> = line.split('|').map(str::trim).collect();
            fields
                .try_into()
                .unwrap_or_else(|f| panic!("a seed has 7 fields: {f:?}"))
        })
        .collect()
}

fn site(id: u64, sitename: &str, description: &str, address: [&str; 8], coordinates: (&str, &str)) -> Value {
    let [street, number, zipcode, city, county, state, country, phonenumber] = address;
    json!({
        "id": id,
        "sitename": sitename,
        "description": description,
        "street": street,
        "number": number,
        "zipcode": zipcode,
        "city": city,
        "county": county,
        "state": state,
        "country": country,
        "phonenumber": phonenumber,
        "status": 0,
        "longitude": coordinates.0,
        "latitude": coordinates.1,
        "createddate": "2026-03-02 09:14:27",
        "changeddate": "2026-10-19 15:02:41",
        // The rule that puts a device on the site by its hostname's prefix.
        "siteRules": [{
            "id": id,
            "rule": format!("^{}-", sitename[..3].to_lowercase()),
            "applied_to": "hostname",
            "rule_order": id,
            "site_id": id,
            "create_site": 0,
            "disabled": 0,
            "case_format": "original",
            "createddate": "2026-03-02 09:20:03",
            "changeddate": "2026-03-02 09:20:03"
        }]
    })
}

fn device(id: u64, seed: &Seed) -> Value {
    let [hostname, site, device_os, brand, device_type, os_version, address] = *seed;
    let disabled = hostname == DISABLED_DEVICE;
    let city = match site {
        "AMS-HQ" => "Amsterdam",
        "NYC-DC1" => "New York",
        _ => "Singapore",
    };
    json!({
        "id": id,
        "hostname": hostname,
        "fqdn": format!("{hostname}.net.example.com"),
        "address": address,
        "family": "IPv4",
        "port": 22,
        "device_os": device_os,
        "os_version": os_version,
        "serial": serial(id, brand),
        "parent": null,
        "device_type": device_type,
        "brand": brand,
        "telnet": 0,
        "disabled": i32::from(disabled),
        "vault_group_id": 1,
        "group_name": "Network devices",
        "site": site,
        "description": "",
        "added": "finder",
        "snmp_contact": "noc@example.com",
        "snmp_description": format!("{brand} {device_type}, version {os_version}"),
        "snmp_location": city,
        "snmp_uptime": if disabled { "0".to_owned() } else { (86_400 * (30 + id * 7)).to_string() },
        "snmp_port": 161,
        // The disabled device was last seen before it was switched off.
        "last_seen": if disabled { "2026-09-30 17:42:10" } else { LATEST_RUN },
        "tags": if matches!(brand, "Fortinet" | "Palo Alto") { "firewall" } else { "" },
        "createddate": format!("2026-03-{:02} 10:{:02}:00", 2 + id, 10 + id),
        "changeddate": if disabled { "2026-09-30 17:45:00" } else { "2026-11-28 08:30:00" },
        "blacklisted": 0,
        "worker_id": "scanner-1",
        "batch_id": 40 + id
    })
}

/// A serial number in the brand's format, fixed per device.
fn serial(id: u64, brand: &str) -> String {
    match brand {
        "Cisco" => format!("FDO2{id:03}1A{}", 7 * id % 10),
        "Juniper" => format!("JN12{id:02}C4AAFA"),
        "Arista" => format!("JPE2{id:04}17"),
        "Fortinet" => format!("FG200FT92290{id:03}"),
        "Palo Alto" => format!("0130010{id:05}"),
        _ => format!("SG2{id:02}KN0{id:03}"),
    }
}

fn planning(id: u64, name: &str, slug: &str, comment: &str, columns: &[&str], disabled: bool) -> Value {
    let columns: Vec<Value> = columns.iter().map(|c| json!({"column": c})).collect();
    json!({
        "id": id,
        "name": name,
        "slug": slug,
        "comment": comment,
        "disabled": i32::from(disabled),
        "columns": columns,
        "scheduler_tags": "nightly",
        "keep_history": 30,
        "createddate": "2026-03-05 11:00:00",
        "changeddate": "2026-06-12 14:25:09"
    })
}

/// The planning data of both runs: a row (or several) per enabled device and
/// planning; the older run differs where a device changed since.
fn rows(devices: &[Value]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (batch, timestamp) in [(0, OLDER_RUN), (1, LATEST_RUN)] {
        let latest = batch == 1;
        for device in devices.iter().filter(|d| d["disabled"] == 0) {
            let text = |field: &str| device[field].as_str().unwrap_or_default().to_owned();
            let hostname = text("hostname");
            let id = device["id"].as_u64().unwrap_or_default();
            let mut push = |planning_id: u64, values: Vec<(&str, Value)>| {
                rows.push(Row {
                    planning_id,
                    // Each planning's runs are numbered on their own: 1001, 1002 for planning 1.
                    batch_id: planning_id * 1000 + 1 + batch,
                    timestamp,
                    hostname: hostname.clone(),
                    device_os: text("device_os"),
                    values: values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                });
            };
            push(
                1,
                vec![
                    ("hardware", json!(text("device_type"))),
                    ("serial", json!(text("serial"))),
                    ("memory", json!(format!("{} MB", 8192 << (id % 3)))),
                ],
            );
            let version = if hostname == UPGRADED_DEVICE && !latest {
                "17.6.5".to_owned()
            } else {
                text("os_version")
            };
            let days = 30 + id * 7 - if latest { 0 } else { 1 };
            push(
                2,
                vec![
                    ("version", json!(version)),
                    ("uptime", json!(format!("{days} days"))),
                ],
            );
            let (uplink, speed) = match text("brand").as_str() {
                "Juniper" => ("et-0/0/0", "100G"),
                "Arista" => ("Ethernet49/1", "100G"),
                "Cisco" if text("device_os") == "cisco_xr" => ("HundredGigE0/0/0/0", "100G"),
                "Cisco" if text("device_os") == "cisco_nxos" => ("Ethernet1/49", "40G"),
                "Fortinet" | "Palo Alto" => ("ethernet1/1", "10G"),
                _ => ("GigabitEthernet1/0/48", "1G"),
            };
            for (i, (interface, description)) in [
                (uplink, "uplink"),
                ("mgmt0", "management"),
                ("Loopback0", "router-id"),
            ]
            .into_iter()
            .enumerate()
            {
                // The second core of each pair had its uplink down in the older run.
                let down = !latest && i == 0 && hostname.ends_with("core-02");
                push(
                    3,
                    vec![
                        ("interface", json!(interface)),
                        ("status", json!(if down { "down" } else { "up" })),
                        ("description", json!(description)),
                        ("speed", json!(if i == 0 { speed } else { "1G" })),
                    ],
                );
            }
            if hostname.contains("-edge-") {
                for (neighbor, remote_as) in [("192.0.2.1", 64_500), ("198.51.100.1", 64_510)] {
                    push(
                        4,
                        vec![
                            ("neighbor", json!(neighbor)),
                            ("remote_as", json!(remote_as)),
                            ("state", json!("Established")),
                            (
                                "prefixes_received",
                                json!(if remote_as == 64_500 { 950_112 } else { 120 + id }),
                            ),
                        ],
                    );
                }
            }
        }
    }
    rows
}

impl Default for Slurpit {
    fn default() -> Self {
        let devices: Vec<Value> = seeds()
            .iter()
            .enumerate()
            .map(|(i, seed)| device(i as u64 + 1, seed))
            .collect();
        let all = |write| {
            [
                "devices", "sites", "planning", "platform", "scraper", "scanner", "users", "vault", "tags",
            ]
            .into_iter()
            .map(|subject| Permission { subject, write })
            .collect()
        };
        Slurpit {
            keys: vec![
                Key {
                    key: ADMIN_KEY,
                    permissions: all(true),
                },
                Key {
                    key: READER_KEY,
                    permissions: ["devices", "sites", "platform"]
                        .into_iter()
                        .map(|subject| Permission {
                            subject,
                            write: false,
                        })
                        .collect(),
                },
            ],
            sites: vec![
                site(
                    1,
                    "AMS-HQ",
                    "Amsterdam headquarters",
                    [
                        "Herengracht",
                        "182",
                        "1016 BR",
                        "Amsterdam",
                        "Noord-Holland",
                        "",
                        "Netherlands",
                        "+31 20 555 0100",
                    ],
                    ("4.8897", "52.3731"),
                ),
                site(
                    2,
                    "NYC-DC1",
                    "New York data centre",
                    [
                        "Hudson Street",
                        "60",
                        "10013",
                        "New York",
                        "New York County",
                        "NY",
                        "United States",
                        "+1 212 555 0142",
                    ],
                    ("-74.0079", "40.7177"),
                ),
                site(
                    3,
                    "SIN-POP",
                    "Singapore point of presence",
                    [
                        "Ayer Rajah Crescent",
                        "71",
                        "139951",
                        "Singapore",
                        "",
                        "",
                        "Singapore",
                        "+65 6555 0199",
                    ],
                    ("103.7880", "1.2966"),
                ),
            ],
            rows: rows(&devices),
            next_device_id: devices.len() as u64 + 1,
            devices,
            plannings: vec![
                planning(
                    1,
                    "Hardware info",
                    "hardware-info",
                    "Chassis model, serial and memory",
                    &["hardware", "serial", "memory"],
                    false,
                ),
                planning(
                    2,
                    "Software versions",
                    "software-versions",
                    "Running OS version and uptime",
                    &["version", "uptime"],
                    false,
                ),
                planning(
                    3,
                    "Interfaces",
                    "interfaces",
                    "Interface status and speed",
                    &["interface", "status", "description", "speed"],
                    false,
                ),
                planning(
                    4,
                    "BGP neighbors",
                    "bgp-neighbors",
                    "BGP sessions of the edge routers",
                    &["neighbor", "remote_as", "state", "prefixes_received"],
                    false,
                ),
                planning(
                    5,
                    "ARP table",
                    "arp-table",
                    "Paused: collected on demand only",
                    &["ip_address", "mac_address", "interface"],
                    true,
                ),
            ],
            faults: Faults::default(),
        }
    }
}

/// The error object Slurpit's REST framework answers with (see the module docs).
fn error(status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        &json!({
            "name": status.canonical_reason().unwrap_or_default(),
            "message": message,
            "code": 0,
            "status": status.as_u16()
        }),
    )
}

/// A validation error: 422 with the fields at fault.
fn invalid(field: &str, message: &str) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!([{"field": field, "message": message}]),
    )
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Page not found.")
}

/// `offset` and `limit` from the query (GET) or the JSON body (POST), as the SDK sends them.
/// A refusal is boxed: a `Response` is large beside what `Ok` carries.
fn paging(source: &Map<String, Value>) -> Result<(usize, usize), Box<Response>> {
    let number = |name: &str, default: usize| match source.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Number(n)) => n.as_u64().map(|n| n as usize).ok_or(()),
        Some(Value::String(s)) => s.parse().map_err(|_| ()),
        Some(_) => Err(()),
    };
    match (number("offset", 0), number("limit", DEFAULT_LIMIT)) {
        (Ok(offset), Ok(limit)) => Ok((offset, limit)),
        _ => Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "offset and limit must be non-negative integers.",
        ))),
    }
}

fn page(items: Vec<Value>, (offset, limit): (usize, usize)) -> Response {
    json_response(
        StatusCode::OK,
        &Value::Array(items.into_iter().skip(offset).take(limit).collect()),
    )
}

/// The query string as a JSON object of strings, for [`paging`].
fn query_object(query: &str) -> Map<String, Value> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

/// Whether `value` (a criterion of a search) matches the device's `field`:
/// text as a case-insensitive part, numbers exactly.
fn criterion_matches(device: &Value, field: &str, value: &Value) -> bool {
    let have = &device[field];
    match value {
        Value::Null => true,
        Value::String(want) if want.is_empty() => true,
        Value::String(want) => match have {
            Value::String(have) => have.to_lowercase().contains(&want.to_lowercase()),
            // A number asked as text ("0" for `disabled`) matches the number.
            other => serde_json::from_str::<Value>(want).is_ok_and(|want| want == *other),
        },
        Value::Number(_) => have == value || have.as_str() == Some(value.to_string().as_str()),
        _ => false,
    }
}

fn now() -> String {
    Timestamp::now().strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// The fields a device create or update may set.
const DEVICE_FIELDS: [&str; 13] = [
    "hostname",
    "fqdn",
    "port",
    "address",
    "device_os",
    "os_version",
    "serial",
    "device_type",
    "telnet",
    "disabled",
    "vault_group_id",
    "site",
    "description",
];

impl Slurpit {
    fn key(&self, headers: &HeaderMap) -> Option<&Key> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, key) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        self.keys.iter().find(|k| k.key == key.trim())
    }

    fn device_by_id(&self, id: &str) -> Option<usize> {
        let id: u64 = id.parse().ok()?;
        self.devices.iter().position(|d| d["id"] == id)
    }

    fn device_by_hostname(&self, hostname: &str) -> Option<&Value> {
        self.devices.iter().find(|d| {
            d["hostname"]
                .as_str()
                .is_some_and(|h| h.eq_ignore_ascii_case(hostname))
        })
    }

    fn planning(&self, id: u64) -> Option<&Value> {
        self.plannings.iter().find(|p| p["id"] == id)
    }

    fn route(&mut self, request: &Recorded) -> Response {
        let Some(key) = self.key(&request.headers) else {
            return error(
                StatusCode::UNAUTHORIZED,
                "Your request was made with invalid credentials.",
            );
        };
        let Some(rest) = request.path.strip_prefix("/api/") else {
            return not_found();
        };
        let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        let search = request.method == Method::POST && segments.last() == Some(&"search");
        let write = request.method != Method::GET && !search;
        if !key.may(segments[0], write) {
            return error(
                StatusCode::FORBIDDEN,
                "You are not allowed to perform this action.",
            );
        }
        let body = match request.method {
            Method::POST | Method::PUT => match request.json() {
                Value::Object(body) => body,
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "Invalid JSON data in request body: Syntax error.",
                    );
                }
            },
            _ => Map::new(),
        };
        let query = query_object(&request.query);
        match (&request.method, segments.as_slice()) {
            (&Method::GET, ["platform", "ping"]) => json_response(StatusCode::OK, &json!({"status": "up"})),
            (&Method::GET, ["devices"]) => match paging(&query) {
                Ok(paging) => {
                    let raw = query.get("include_raw_json").and_then(Value::as_str) == Some("1");
                    let devices = self.devices.iter().map(|d| with_raw_json(d, raw)).collect();
                    page(devices, paging)
                }
                Err(response) => *response,
            },
            (&Method::POST, ["devices", "search"]) => match paging(&body) {
                Ok(paging) => self.search_devices(&body, paging),
                Err(response) => *response,
            },
            (&Method::GET, ["devices", "snapshot", "all", hostname]) => self.snapshot_all(hostname),
            (&Method::GET, ["devices", "snapshot", "single", hostname, planning, batch @ ..])
                if batch.len() <= 1 =>
            {
                self.snapshot_single(hostname, planning, batch.first().copied())
            }
            (&Method::GET, ["devices", id]) => match self.device_by_id(id) {
                Some(i) => json_response(StatusCode::OK, &self.devices[i]),
                None => error(StatusCode::NOT_FOUND, "Device not found."),
            },
            (&Method::POST, ["devices"]) => self.create_device(&body),
            (&Method::PUT, ["devices", id]) => self.update_device(id, &body),
            (&Method::DELETE, ["devices", id]) => match self.device_by_id(id) {
                Some(i) => {
                    let device = self.devices.remove(i);
                    json_response(StatusCode::OK, &device)
                }
                None => error(StatusCode::NOT_FOUND, "Device not found."),
            },
            (&Method::GET, ["sites"]) => match paging(&query) {
                Ok(paging) => page(self.sites.clone(), paging),
                Err(response) => *response,
            },
            (&Method::GET, ["sites", id]) => match self
                .sites
                .iter()
                .find(|s| id.parse::<u64>().is_ok_and(|id| s["id"] == id))
            {
                Some(site) => json_response(StatusCode::OK, site),
                None => error(StatusCode::NOT_FOUND, "Site not found."),
            },
            (&Method::GET, ["planning"]) => match paging(&query) {
                Ok(paging) => page(self.plannings.clone(), paging),
                Err(response) => *response,
            },
            (&Method::POST, ["planning", "search"]) => match paging(&body) {
                Ok(paging) => self.search_planning(&body, paging),
                Err(response) => *response,
            },
            _ => not_found(),
        }
    }

    /// `POST /api/devices/search`: every criterion given must match.
    fn search_devices(&self, body: &Map<String, Value>, paging: (usize, usize)) -> Response {
        let fields = [
            ("device_id", "id"),
            ("hostname", "hostname"),
            ("device_os", "device_os"),
            ("sitename", "site"),
            ("tag", "tags"),
            ("disabled", "disabled"),
            ("fqdn", "fqdn"),
            ("device_type", "device_type"),
            ("os_version", "os_version"),
            ("serial", "serial"),
        ];
        let found = self
            .devices
            .iter()
            .filter(|device| {
                fields.iter().all(|(criterion, field)| {
                    body.get(*criterion)
                        .is_none_or(|value| criterion_matches(device, field, value))
                })
            })
            .cloned()
            .collect();
        page(found, paging)
    }

    /// `POST /api/planning/search`: the data of one planning, filtered.
    fn search_planning(&self, body: &Map<String, Value>, paging: (usize, usize)) -> Response {
        let Some(planning_id) = body
            .get("planning_id")
            .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
        else {
            return invalid("planning_id", "Planning ID cannot be blank.");
        };
        if self.planning(planning_id).is_none() {
            return error(StatusCode::NOT_FOUND, "Planning not found.");
        }
        let strings = |name: &str| -> Vec<String> {
            match body.get(name) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_lowercase)
                    .collect(),
                Some(Value::String(one)) if !one.is_empty() => vec![one.to_lowercase()],
                _ => Vec::new(),
            }
        };
        let flag = |name: &str| match body.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_u64() == Some(1),
            Some(Value::String(s)) => s == "1" || s.eq_ignore_ascii_case("true"),
            _ => false,
        };
        let text = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
        let (hostnames, systems) = (strings("hostnames"), strings("device_os"));
        let (search, start, end) = (text("search"), text("start_date"), text("end_date"));
        let batch = body.get("batch_id").and_then(Value::as_u64);
        let (unique, latest) = (flag("unique_results"), flag("latest"));
        let newest = self
            .rows
            .iter()
            .filter(|r| r.planning_id == planning_id)
            .map(|r| r.batch_id)
            .max();
        let mut found: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.planning_id == planning_id)
            .filter(|r| hostnames.is_empty() || hostnames.contains(&r.hostname.to_lowercase()))
            .filter(|r| systems.is_empty() || systems.contains(&r.device_os.to_lowercase()))
            .filter(|r| search.is_empty() || r.matches(search))
            .filter(|r| batch.is_none_or(|b| r.batch_id == b))
            .filter(|r| !latest || Some(r.batch_id) == newest)
            // The dates are "YYYY-MM-DD HH:MM": compared as text, to the minute.
            .filter(|r| start.is_empty() || r.timestamp[..16] >= *start)
            .filter(|r| end.is_empty() || r.timestamp[..16] <= *end)
            .collect();
        // Unique data is each distinct row once, newest run first kept.
        found.sort_by_key(|r| std::cmp::Reverse(r.batch_id));
        let mut rows: Vec<Value> = Vec::new();
        for row in found {
            let json = row.json(unique);
            if !unique || !rows.contains(&json) {
                rows.push(json);
            }
        }
        // Slurpit lists by hostname, then in collection order.
        rows.sort_by(|a, b| a["hostname"].as_str().cmp(&b["hostname"].as_str()));
        page(rows, paging)
    }

    /// The latest rows of `planning_id` for `hostname`, without their run.
    fn latest_rows(&self, hostname: &str, planning_id: u64) -> Vec<Value> {
        let newest = self
            .rows
            .iter()
            .filter(|r| r.planning_id == planning_id)
            .map(|r| r.batch_id)
            .max();
        self.rows
            .iter()
            .filter(|r| r.planning_id == planning_id && Some(r.batch_id) == newest)
            .filter(|r| r.hostname.eq_ignore_ascii_case(hostname))
            .map(|r| r.json(true))
            .collect()
    }

    /// `GET /api/devices/snapshot/all/{hostname}`: per planning name, its
    /// latest rows for the device (plannings without data left out).
    fn snapshot_all(&self, hostname: &str) -> Response {
        if self.device_by_hostname(hostname).is_none() {
            return error(StatusCode::NOT_FOUND, "Device not found.");
        }
        let mut snapshot = Map::new();
        for planning in &self.plannings {
            let id = planning["id"].as_u64().unwrap_or_default();
            let rows = self.latest_rows(hostname, id);
            if !rows.is_empty() {
                let name = planning["name"].as_str().unwrap_or_default().to_owned();
                snapshot.insert(name, json!({"planning_results": rows}));
            }
        }
        json_response(StatusCode::OK, &Value::Object(snapshot))
    }

    /// `GET /api/devices/snapshot/single/{hostname}/{planning_id}[/{batch_id}]`.
    fn snapshot_single(&self, hostname: &str, planning: &str, batch: Option<&str>) -> Response {
        if self.device_by_hostname(hostname).is_none() {
            return error(StatusCode::NOT_FOUND, "Device not found.");
        }
        let Some(planning_id) = planning.parse().ok().filter(|id| self.planning(*id).is_some()) else {
            return error(StatusCode::NOT_FOUND, "Planning not found.");
        };
        let rows = match batch {
            None => self.latest_rows(hostname, planning_id),
            Some(batch) => {
                let Ok(batch) = batch.parse::<u64>() else {
                    return error(StatusCode::NOT_FOUND, "Batch not found.");
                };
                self.rows
                    .iter()
                    .filter(|r| r.planning_id == planning_id && r.batch_id == batch)
                    .filter(|r| r.hostname.eq_ignore_ascii_case(hostname))
                    .map(|r| r.json(true))
                    .collect()
            }
        };
        json_response(StatusCode::OK, &json!({"planning_results": rows}))
    }

    /// Copies the writable fields of `body` onto `device`, checking them as Slurpit does.
    fn apply(
        &self,
        device: &mut Map<String, Value>,
        body: &Map<String, Value>,
        id: u64,
    ) -> Result<(), Box<Response>> {
        for field in DEVICE_FIELDS {
            if let Some(value) = body.get(field) {
                device.insert(field.to_owned(), value.clone());
            }
        }
        for field in ["hostname", "fqdn", "device_os"] {
            if device
                .get(field)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                let label = match field {
                    "fqdn" => "FQDN",
                    "device_os" => "Device OS",
                    _ => "Hostname",
                };
                return Err(Box::new(invalid(field, &format!("{label} cannot be blank."))));
            }
        }
        let hostname = device["hostname"].as_str().unwrap_or_default();
        if self.devices.iter().any(|d| {
            d["id"] != id
                && d["hostname"]
                    .as_str()
                    .is_some_and(|h| h.eq_ignore_ascii_case(hostname))
        }) {
            return Err(Box::new(invalid(
                "hostname",
                &format!("Hostname \"{hostname}\" has already been taken."),
            )));
        }
        if let Some(site) = device.get("site").and_then(Value::as_str)
            && !site.is_empty()
            && !self.sites.iter().any(|s| s["sitename"] == site)
        {
            return Err(Box::new(invalid(
                "site",
                &format!("Site \"{site}\" does not exist."),
            )));
        }
        Ok(())
    }

    /// `POST /api/devices`: a new device, as Slurpit stores one added by hand.
    fn create_device(&mut self, body: &Map<String, Value>) -> Response {
        let id = self.next_device_id;
        let stamp = now();
        let mut device = json!({
            "id": id, "hostname": "", "fqdn": "", "address": null, "family": "IPv4", "port": 22,
            "device_os": "", "os_version": null, "serial": null, "parent": null, "device_type": null,
            "brand": null, "telnet": 0, "disabled": 0, "vault_group_id": null, "group_name": null,
            "site": null, "description": "", "added": "manual", "snmp_contact": null,
            "snmp_description": null, "snmp_location": null, "snmp_uptime": null, "snmp_port": 161,
            "last_seen": null, "tags": "", "createddate": stamp, "changeddate": stamp,
            "blacklisted": 0, "worker_id": null, "batch_id": null
        });
        let object = device.as_object_mut().expect("a device object");
        if let Err(response) = self.apply(object, body, id) {
            return *response;
        }
        self.next_device_id += 1;
        self.devices.push(device.clone());
        json_response(StatusCode::CREATED, &device)
    }

    /// `PUT /api/devices/{id}`.
    fn update_device(&mut self, id: &str, body: &Map<String, Value>) -> Response {
        let Some(i) = self.device_by_id(id) else {
            return error(StatusCode::NOT_FOUND, "Device not found.");
        };
        let mut device = self.devices[i].as_object().cloned().unwrap_or_default();
        let device_id = device["id"].as_u64().unwrap_or_default();
        if let Err(response) = self.apply(&mut device, body, device_id) {
            return *response;
        }
        device.insert("changeddate".into(), json!(now()));
        self.devices[i] = Value::Object(device);
        json_response(StatusCode::OK, &self.devices[i])
    }
}

/// The device, with its raw SNMP data when asked (`include_raw_json=1`).
fn with_raw_json(device: &Value, raw: bool) -> Value {
    let mut device = device.clone();
    if raw {
        device["raw_json"] = json!({
            "sysName": device["hostname"],
            "sysDescr": device["snmp_description"],
            "sysContact": device["snmp_contact"],
            "sysLocation": device["snmp_location"],
            "sysUpTime": device["snmp_uptime"],
        });
    }
    device
}

impl Platform for Slurpit {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        if let Some(garbage) = self.faults.garbage_for(&request.path) {
            return garbled_response(garbage);
        }
        self.route(request)
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        self.faults.delay_for(&request.path)
    }
}

/// What a garbled answer is, in Slurpit's terms: a proxy's sign-in page, a
/// device list cut off midway, or an object where Slurpit gives a list.
fn garbled_response(garbage: Garbage) -> Response {
    match garbage {
        Garbage::Html => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\
             <body><form method=\"post\" action=\"/sso/login\"><input name=\"user\"></form></body></html>\n",
        )
            .into_response(),
        Garbage::TruncatedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"[{"id": 1, "hostname": "ams-core-01", "fqdn": "ams-core-01.net.exa"#,
        )
            .into_response(),
        Garbage::WrongShape => json_response(StatusCode::OK, &json!({"rows": {"count": 12}})),
    }
}

/// The running fake.
pub type FakeSlurpit = FakeApi<Slurpit>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakeSlurpit`].
impl Faulty for Slurpit {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }
}

impl FakeSlurpit {
    /// The portal's base URL (without `/api`), as the SDK's `url`.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// The devices now, as `GET /api/devices` gives them.
    pub fn devices(&self) -> Vec<Value> {
        self.with(|slurpit, _| slurpit.devices.clone())
    }

    /// The sites, as `GET /api/sites` gives them.
    pub fn sites(&self) -> Vec<Value> {
        self.with(|slurpit, _| slurpit.sites.clone())
    }

    /// The plannings, as `GET /api/planning` gives them.
    pub fn plannings(&self) -> Vec<Value> {
        self.with(|slurpit, _| slurpit.plannings.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> reqwest::Client {
        reqwest::Client::new()
    }

    async fn get(fake: &FakeSlurpit, path: &str, key: &str) -> (StatusCode, Value) {
        let response = client()
            .get(fake.url_of(path))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    async fn post(fake: &FakeSlurpit, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
        let response = client()
            .post(fake.url_of(path))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    #[tokio::test]
    async fn keys_are_checked_and_permissions_apply_per_subject() {
        let fake = FakeSlurpit::start().await;
        let (status, body) = get(&fake, "/api/devices", "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["status"], 401);
        let bare = client().get(fake.url_of("/api/devices")).send().await.unwrap();
        assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);

        let (status, devices) = get(&fake, "/api/devices", READER_KEY).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(devices.as_array().unwrap().len(), DEVICES);
        let (status, body) = get(&fake, "/api/planning", READER_KEY).await;
        assert_eq!(
            (status, body["name"].as_str()),
            (StatusCode::FORBIDDEN, Some("Forbidden"))
        );
        // A search is a read: the reader may search devices, not write them.
        let (status, _) = post(
            &fake,
            "/api/devices/search",
            READER_KEY,
            json!({"hostname": "ams"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let deleted = client()
            .delete(fake.url_of("/api/devices/1"))
            .bearer_auth(READER_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), StatusCode::FORBIDDEN);
        assert_eq!(fake.devices().len(), DEVICES);
    }

    #[tokio::test]
    async fn lists_page_by_offset_and_limit() {
        let fake = FakeSlurpit::start().await;
        let (_, second) = get(&fake, "/api/devices?offset=5&limit=5", ADMIN_KEY).await;
        let hostnames: Vec<&str> = second
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["hostname"].as_str().unwrap())
            .collect();
        assert_eq!(
            hostnames,
            [
                "nyc-core-01",
                "nyc-core-02",
                "nyc-edge-01",
                "nyc-fw-01",
                "nyc-acc-01"
            ]
        );
        let (_, last) = get(&fake, "/api/devices?offset=10&limit=5", ADMIN_KEY).await;
        assert_eq!(last.as_array().unwrap().len(), 2);
        let (status, _) = get(&fake, "/api/devices?limit=many", ADMIN_KEY).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = get(&fake, "/api/devices/99", ADMIN_KEY).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (StatusCode::NOT_FOUND, Some("Device not found."))
        );
    }

    #[tokio::test]
    async fn planning_search_tells_the_runs_apart() {
        let fake = FakeSlurpit::start().await;
        let search = |body: Value| post(&fake, "/api/planning/search", ADMIN_KEY, body);
        let (_, all) = search(json!({"planning_id": 2, "hostnames": [UPGRADED_DEVICE]})).await;
        let versions: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["version"].as_str().unwrap())
            .collect();
        assert_eq!(versions, ["17.9.4a", "17.6.5"], "both runs, newest first");
        let (_, latest) = search(
            json!({"planning_id": 2, "hostnames": [UPGRADED_DEVICE], "latest": true, "unique_results": true}),
        )
        .await;
        assert_eq!(
            latest,
            json!([{"hostname": UPGRADED_DEVICE, "version": "17.9.4a", "uptime": "65 days"}])
        );
        // Unique data collapses the rows that did not change between the runs.
        let (_, unique) = search(json!({"planning_id": 1, "unique_results": true})).await;
        assert_eq!(
            unique.as_array().unwrap().len(),
            DEVICES - 1,
            "one row per enabled device"
        );
        let (_, bgp) = search(json!({"planning_id": 4, "latest": true, "search": "64510"})).await;
        assert_eq!(bgp.as_array().unwrap().len(), 3, "one session per edge router");
        let (status, _) = search(json!({"planning_id": 9})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = search(json!({"latest": true})).await;
        assert_eq!(
            (status, body[0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("planning_id"))
        );
        let (_, snapshot) = get(
            &fake,
            &format!("/api/devices/snapshot/all/{DISABLED_DEVICE}"),
            ADMIN_KEY,
        )
        .await;
        assert_eq!(snapshot, json!({}), "a disabled device has no data");
        let (_, snapshot) = get(&fake, "/api/devices/snapshot/all/nyc-edge-01", ADMIN_KEY).await;
        assert_eq!(
            snapshot["BGP neighbors"]["planning_results"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[tokio::test]
    async fn the_admin_writes_devices_and_the_knobs_hold_back_or_garble_answers_until_mended() {
        let fake = FakeSlurpit::start().await;
        let new = json!({"hostname": "ams-acc-02", "fqdn": "ams-acc-02.net.example.com", "device_os": "cisco_ios", "site": "AMS-HQ"});
        let (status, created) = post(&fake, "/api/devices", ADMIN_KEY, new.clone()).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(created["id"], DEVICES + 1);
        let (status, taken) = post(&fake, "/api/devices", ADMIN_KEY, new).await;
        assert_eq!(
            (status, taken[0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("hostname"))
        );
        let updated: Value = client()
            .put(fake.url_of("/api/devices/13"))
            .bearer_auth(ADMIN_KEY)
            .json(&json!({"description": "spare"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(updated["description"], "spare");

        let hold = Duration::from_millis(300);
        fake.slow_down("/api/sites", hold);
        let started = std::time::Instant::now();
        let (_, sites) = get(&fake, "/api/sites", ADMIN_KEY).await;
        assert_eq!(sites.as_array().unwrap().len(), 3);
        assert!(started.elapsed() >= hold, "held back: {:?}", started.elapsed());
        fake.slow_down("/api/sites", Duration::from_secs(60));
        fake.garble("/api/devices", Garbage::TruncatedJson);
        fake.garble("/api/planning", Garbage::Html);
        let cut = client()
            .get(fake.url_of("/api/devices"))
            .bearer_auth(ADMIN_KEY)
            .send()
            .await
            .unwrap();
        assert!(serde_json::from_slice::<Value>(&cut.bytes().await.unwrap()).is_err());
        let page = client()
            .get(fake.url_of("/api/planning"))
            .bearer_auth(ADMIN_KEY)
            .send()
            .await
            .unwrap();
        assert!(page.text().await.unwrap().starts_with("<!DOCTYPE html>"));
        fake.mend();
        let (_, devices) = get(&fake, "/api/devices", ADMIN_KEY).await;
        assert_eq!(devices.as_array().unwrap().len(), DEVICES + 1);
        let started = std::time::Instant::now();
        get(&fake, "/api/sites/1", ADMIN_KEY).await;
        assert!(started.elapsed() < Duration::from_secs(30), "no longer held back");
    }
}
