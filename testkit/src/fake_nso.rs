//! A fake Cisco NSO RESTCONF server on loopback, for the `nso` integration
//! (`ping`, `connect`, `check-sync`, `compare-config`, `sync-to`/`sync-from`,
//! `run-command-set`): nine managed devices of three NEDs whose sync state the
//! actions change, answered in the shapes of these sources:
//!
//! - RFC 8040 (RESTCONF): §3.1 root discovery (`/.well-known/host-meta`, an
//!   XRD with the `restconf` link); §3.3 the API resource (`/restconf`) and
//!   §3.3.3 `yang-library-version`; §3.5.3 data resource URIs (`list=key`,
//!   keys percent-decoded); §3.6 and §4.4.2 operations and actions invoked by
//!   POST, input as `{"<module>:input": …}`, output as `{"<module>:output": …}`,
//!   `204 No Content` when there is no output; §4.8.2 `depth` and §4.8.3
//!   `fields`; §5.2 the `application/yang-data+json` media type (`415` on
//!   another); §7 and §7.1 errors as `ietf-restconf:errors` with `error-type`,
//!   `error-tag`, `error-path`, `error-message`, and the status of each tag.
//! - Cisco's NSO guides: "Northbound APIs — RESTCONF API" (Getting Started:
//!   the top-level resource, yang-library-version `2019-01-04`; Root Resource
//!   Discovery; Query Parameters: `depth`, `fields`, and "supplying query
//!   parameters when invoking RPCs and actions is not supported", a 400), and
//!   "Operations — NSO Device Manager" (the device list: name, address, port,
//!   authgroup, `device-type cli ned-id …`/`netconf ned-id …`, `state
//!   admin-state`; the `sync-result` and `check-sync-result` groupings:
//!   `result` in-sync/out-of-sync/unsupported/locked/error with `info`;
//!   `connect`'s `(admin) Connected to ce0 - 127.0.0.1:10022`; the
//!   `compare-config` diff; the admin states).
//! - What NSO answers as the nautobot ChatOps app's NSO integration records
//!   it (`nautobot_chatops/tests/nso/fixtures/`): `404` with error-tag
//!   `invalid-value` and `uri keypath not found` for an unknown device; ping's
//!   text; `{"result": false, "info": "Device … is southbound locked"}`;
//!   live-status `exec` as `{"input": {"args": …}}` to
//!   `live-status/tailf-ned-cisco-ios-stats:exec/show` answered by
//!   `{"tailf-ned-cisco-ios-stats:output": {"result": "\r\n…\r\nname# "}}`, a
//!   500 `operation-failed` when the device cannot be reached; NSO's 401 body
//!   (`protocol`/`access-denied`). The IOS XR NED's module is
//!   `tailf-ned-cisco-ios-xr-stats`; `exec/any` takes the whole command.
//!
//! Two users: [`ADMIN_USER`] may do everything; [`OPER_USER`] reads and runs
//! the read-only actions, but NACM denies it `sync-to` and `sync-from` (403,
//! `access-denied`). The fake only reads data: PUT, PATCH and DELETE are 405;
//! and it answers only JSON: an `Accept` without it is a 406.
//!
//! Knobs, off unless a test turns them on a running fake, as the fake AWX's:
//! [`FakeNso::slow_down`], [`FakeNso::garble`], and [`FakeNso::mend`].

use std::{net::SocketAddr, time::Duration};

use axum::{
    body::Body,
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

pub use crate::fake_api::{Recorded, Scripted};
pub use crate::fake_awx::Garbage;
use crate::{
    fake_api::{FakeApi, Faults, Faulty, Platform},
    fake_awx::decode_base64,
    fake_nso_cli::{self, Show},
};

/// The user NACM lets do everything.
pub const ADMIN_USER: &str = "admin";
/// [`ADMIN_USER`]'s password (HTTP Basic).
pub const ADMIN_PASSWORD: &str = "nso-admin-password";
/// The operator: reads, pings, connects, checks and compares, runs live-status
/// commands, but may not `sync-to` or `sync-from` (403 `access-denied`).
pub const OPER_USER: &str = "oper";
/// [`OPER_USER`]'s password.
pub const OPER_PASSWORD: &str = "nso-oper-password";
/// RESTCONF's JSON media type (RFC 8040 §11.3.2), of every answer with data.
pub const YANG_DATA_JSON: &str = "application/yang-data+json";
/// The revision of `ietf-yang-library` NSO reports.
pub const YANG_LIBRARY_VERSION: &str = "2019-01-04";
/// The device NSO cannot reach: connect, sync and live-status fail, ping loses every packet.
pub const UNREACHABLE_DEVICE: &str = "ams-edge-rtr01";
/// The device whose admin-state is `southbound-locked`: check-sync says `locked`.
pub const LOCKED_DEVICE: &str = "lab-sw01";
/// The devices out of sync at first (a `compare-config` shows their diff).
pub const OUT_OF_SYNC_DEVICES: [&str; 3] = ["ams-core-rtr01", "nyc-dist-sw02", "nyc-edge-rtr01"];
/// The device whose NED cannot check sync cheaply (`unsupported`).
pub const UNSUPPORTED_DEVICE: &str = "nyc-core-rtr02";

const DATA: &str = "/restconf/data";
/// How NSO words a failed southbound connection (its NED's `NEDCOM CONNECT`).
const CONNECT_FAILURE: &str =
    "connection refused: NEDCOM CONNECT: Connection refused (Connection refused) in new state";

/// A device's NED: how NSO talks to it, and what its live-status offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ned {
    Ios,
    IosXr,
    Junos,
}

impl Ned {
    fn ned_id(self) -> &'static str {
        match self {
            Ned::Ios => "cisco-ios-cli-6.91:cisco-ios-cli-6.91",
            Ned::IosXr => "cisco-iosxr-cli-7.52:cisco-iosxr-cli-7.52",
            Ned::Junos => "juniper-junos-nc-4.12:juniper-junos-nc-4.12",
        }
    }

    /// The live-status module whose `exec` runs CLI commands (none for NETCONF NEDs).
    fn stats_module(self) -> Option<&'static str> {
        match self {
            Ned::Ios => Some("tailf-ned-cisco-ios-stats"),
            Ned::IosXr => Some("tailf-ned-cisco-ios-xr-stats"),
            Ned::Junos => None,
        }
    }

    fn shows(self) -> &'static [Show] {
        match self {
            Ned::Ios => fake_nso_cli::IOS,
            Ned::IosXr => fake_nso_cli::IOS_XR,
            Ned::Junos => &[],
        }
    }
}

/// What `check-sync` finds, where NSO can reach the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sync {
    /// The device's configuration is NSO's.
    InSync,
    /// Changed out of band; `compare-config` shows the difference.
    OutOfSync,
    /// The NED has no cheap check (no transaction id).
    Unsupported,
}

/// One managed device, as `/devices/device` holds it plus what the fake
/// plays of the device itself.
#[derive(Clone, Debug)]
struct Device {
    name: &'static str,
    address: &'static str,
    ned: Ned,
    admin_state: &'static str,
    reachable: bool,
    sync: Sync,
    /// What NSO must do to match the device, as `compare-config` prints it.
    diff: &'static str,
    platform: (&'static str, &'static str, &'static str),
}

impl Device {
    fn port(&self) -> u16 {
        if self.ned == Ned::Junos { 830 } else { 22 }
    }

    /// The device as `GET …/device={name}` gives it (RFC 7951 JSON, members
    /// of other modules qualified by their module name).
    fn to_json(&self) -> Value {
        let device_type = match self.ned {
            Ned::Junos => json!({"netconf": {"ned-id": self.ned.ned_id()}}),
            _ => json!({"cli": {"ned-id": self.ned.ned_id(), "protocol": "ssh"}}),
        };
        let config = match self.ned {
            Ned::Ios => json!({
                "tailf-ned-cisco-ios:hostname": self.name,
                "tailf-ned-cisco-ios:interface": {"Loopback": [{"name": "0"}]}
            }),
            Ned::IosXr => json!({
                "tailf-ned-cisco-ios-xr:hostname": self.name,
                "tailf-ned-cisco-ios-xr:interface": {"Loopback": [{"id": "0"}]}
            }),
            Ned::Junos => json!({"junos:configuration": {"system": {"host-name": self.name}}}),
        };
        let (name, version, model) = self.platform;
        json!({
            "name": self.name,
            "address": self.address,
            "port": self.port(),
            "authgroup": "default",
            "device-type": device_type,
            "state": {"admin-state": self.admin_state},
            "platform": {"name": name, "version": version, "model": model},
            "config": config
        })
    }

    fn locked(&self) -> bool {
        self.admin_state != "unlocked"
    }

    /// Why NSO cannot talk to the device southbound, if it cannot.
    fn unreachable_reason(&self) -> Option<String> {
        if self.locked() {
            Some(format!("Device {} is southbound locked", self.name))
        } else if !self.reachable {
            Some(format!(
                "Failed to connect to device {}: {CONNECT_FAILURE}",
                self.name
            ))
        } else {
            None
        }
    }

    /// The prompt the device's CLI ends its output with, as NSO passes it on.
    fn prompt(&self) -> String {
        match self.ned {
            Ned::IosXr => format!("RP/0/RSP0/CPU0:{}#", self.name),
            _ => format!("{}#", self.name),
        }
    }

    fn ping(&self) -> String {
        let address = self.address;
        if self.reachable {
            format!(
                "PING {address} ({address}) 56(84) bytes of data.\n\
                 64 bytes from {address}: icmp_seq=1 ttl=254 time=1.21 ms\n\n\
                 --- {address} ping statistics ---\n\
                 1 packets transmitted, 1 received, 0% packet loss, time 0ms\n\
                 rtt min/avg/max/mdev = 1.214/1.214/1.214/0.000 ms\n"
            )
        } else {
            format!(
                "PING {address} ({address}) 56(84) bytes of data.\n\n\
                 --- {address} ping statistics ---\n\
                 1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n"
            )
        }
    }

    /// `check-sync`'s output: NSO's record of the device, or why it has none.
    fn check_sync(&self) -> Value {
        if self.locked() {
            return json!({"result": "locked"});
        }
        if let Some(reason) = self.unreachable_reason() {
            return json!({"result": "error", "info": reason});
        }
        match self.sync {
            Sync::InSync => json!({"result": "in-sync"}),
            Sync::Unsupported => json!({"result": "unsupported"}),
            Sync::OutOfSync => json!({
                "result": "out-of-sync",
                "info": format!("got: {} expected: {}", transaction_id(self.name, "device"), transaction_id(self.name, "nso"))
            }),
        }
    }

    /// What `exec show`/`exec any` prints for `command`, CRLF-ended and
    /// closed by the prompt, as NSO relays the device's CLI session.
    fn exec(&self, command: &str) -> String {
        let text = match fake_nso_cli::find(self.ned.shows(), command) {
            Ok(show) => show
                .output
                .replace("{name}", self.name)
                .replace("{address}", &format!("{:<13}", self.address)),
            Err(word) => fake_nso_cli::invalid_input(command, word),
        };
        format!("\r\n{}\r\n{} ", text.replace('\n', "\r\n"), self.prompt())
    }
}

/// A deterministic 32-digit hex transaction id for `device` as `side` last
/// saw it, for the `got: … expected: …` of an out-of-sync check.
fn transaction_id(device: &str, side: &str) -> String {
    // FNV-1a, twice with different seeds: stable, and no new dependency.
    let hash = |seed: u64| {
        format!("{device}/{side}")
            .bytes()
            .fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    };
    format!(
        "{:016x}{:016x}",
        hash(0xcbf2_9ce4_8422_2325),
        hash(0x6c62_272e_07bb_0142)
    )
}

fn seed() -> Vec<Device> {
    let ios = ("ios", "16.9.4", "WS-C3850-24T");
    let xr = ("ios-xr", "7.3.2", "ASR9K");
    let junos = ("junos", "21.4R3-S2.3", "MX204");
    let device = |name, address, ned, platform| Device {
        name,
        address,
        ned,
        admin_state: "unlocked",
        reachable: true,
        sync: Sync::InSync,
        diff: "",
        platform,
    };
    let mut devices = vec![
        device("ams-core-rtr01", "10.20.0.1", Ned::Junos, junos),
        device(UNREACHABLE_DEVICE, "10.20.0.21", Ned::Ios, ios),
        device(
            "ams-fw01",
            "10.20.0.5",
            Ned::Junos,
            ("junos", "21.4R3-S2.3", "SRX345"),
        ),
        device(LOCKED_DEVICE, "10.99.0.11", Ned::Ios, ios),
        device("nyc-core-rtr01", "10.10.20.1", Ned::IosXr, xr),
        device(UNSUPPORTED_DEVICE, "10.10.20.2", Ned::IosXr, xr),
        device("nyc-dist-sw01", "10.10.20.11", Ned::Ios, ios),
        device("nyc-dist-sw02", "10.10.20.12", Ned::Ios, ios),
        device(
            "nyc-edge-rtr01",
            "10.10.20.21",
            Ned::Ios,
            ("ios", "17.3.4a", "ISR4451-X/K9"),
        ),
    ];
    for d in &mut devices {
        match d.name {
            UNREACHABLE_DEVICE => d.reachable = false,
            LOCKED_DEVICE => d.admin_state = "southbound-locked",
            UNSUPPORTED_DEVICE => d.sync = Sync::Unsupported,
            "nyc-dist-sw02" => {
                d.sync = Sync::OutOfSync;
                d.diff = "
 devices {
     device nyc-dist-sw02 {
         config {
             ios:snmp-server {
+                community foobar {
+                    RW;
+                }
             }
         }
     }
 }
";
            }
            "nyc-edge-rtr01" => {
                d.sync = Sync::OutOfSync;
                d.diff = "
 devices {
     device nyc-edge-rtr01 {
         config {
             ios:interface {
                 GigabitEthernet 0/0/1 {
-                    description \"uplink to ISP-A\";
+                    description \"uplink to ISP-A (ticket CHG0042)\";
+                    shutdown;
                 }
             }
         }
     }
 }
";
            }
            "ams-core-rtr01" => {
                d.sync = Sync::OutOfSync;
                d.diff = "
 devices {
     device ams-core-rtr01 {
         config {
             junos:configuration {
                 protocols {
                     bgp {
                         group EBGP-TRANSIT {
-                            neighbor 192.0.2.17 {
-                                peer-as 64500;
-                            }
                         }
                     }
                 }
             }
         }
     }
 }
";
            }
            _ => {}
        }
    }
    devices
}

/// A user of NSO and what NACM lets it do.
struct User {
    name: &'static str,
    password: &'static str,
    /// May run `sync-to` and `sync-from` (NACM rules of the `ncsadmin` group).
    may_sync: bool,
}

/// What the fake NSO holds: its users and its managed devices, with the
/// knobs' rules.
pub struct Nso {
    users: Vec<User>,
    devices: Vec<Device>,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
}

impl Default for Nso {
    fn default() -> Self {
        Nso {
            users: vec![
                User {
                    name: ADMIN_USER,
                    password: ADMIN_PASSWORD,
                    may_sync: true,
                },
                User {
                    name: OPER_USER,
                    password: OPER_PASSWORD,
                    may_sync: false,
                },
            ],
            devices: seed(),
            faults: Faults::default(),
        }
    }
}

/// An `ietf-restconf:errors` answer (RFC 8040 §7.1) with one error.
fn error(status: StatusCode, kind: &str, tag: &str, message: Option<&str>, path: Option<&str>) -> Response {
    let mut error = Map::new();
    error.insert("error-type".into(), json!(kind));
    error.insert("error-tag".into(), json!(tag));
    if let Some(path) = path {
        error.insert("error-path".into(), json!(path));
    }
    if let Some(message) = message {
        error.insert("error-message".into(), json!(message));
    }
    yang(status, &json!({"ietf-restconf:errors": {"error": [error]}}))
}

/// NSO's answer to a URI naming no node or list entry it has.
fn keypath_not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "application",
        "invalid-value",
        Some("uri keypath not found"),
        None,
    )
}

fn bad_query(message: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "protocol",
        "invalid-value",
        Some(message),
        None,
    )
}

/// A data answer in RESTCONF's JSON media type.
fn yang(status: StatusCode, body: &Value) -> Response {
    (status, [("content-type", YANG_DATA_JSON)], format!("{body:#}")).into_response()
}

/// An action's answer: its output wrapped in `{module}:output`, or 204
/// when the output is empty (RFC 8040 §4.4.2).
fn output(module: &str, output: Value) -> Response {
    if output.as_object().is_some_and(Map::is_empty) {
        return StatusCode::NO_CONTENT.into_response();
    }
    yang(StatusCode::OK, &json!({ format!("{module}:output"): output }))
}

/// The XRD of RFC 8040 §3.1 that points at the RESTCONF root.
fn host_meta() -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/xrd+xml")],
        "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n    <Link rel='restconf' href='/restconf'/>\n</XRD>\n",
    )
        .into_response()
}

/// A path segment's percent-encoding undone (RFC 8040 §3.5.3: a key's
/// reserved characters come encoded); `None` on a broken escape or non-UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether an `Accept` header (none at all accepts anything) takes RESTCONF's JSON.
fn accepts_json(accept: Option<&str>) -> bool {
    accept.is_none_or(|accept| {
        accept.split(',').any(|range| {
            let media = range.split(';').next().unwrap_or_default().trim();
            matches!(
                media,
                "*/*" | "application/*" | YANG_DATA_JSON | "application/json"
            )
        })
    })
}

/// A node name without its module prefix (`tailf-ncs:devices` → `devices`).
fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// One `fields` selector of RFC 8040 §4.8.3: a path of node names, and the
/// selectors within it (`device-type/cli(ned-id;protocol)`).
#[derive(Clone, Debug, PartialEq)]
struct Field {
    path: Vec<String>,
    within: Vec<Field>,
}

/// Parses a `fields` value; `None` where it breaks the grammar.
fn parse_fields(text: &str) -> Option<Vec<Field>> {
    let (fields, rest) = parse_field_list(text)?;
    rest.is_empty().then_some(fields)
}

fn parse_field_list(mut text: &str) -> Option<(Vec<Field>, &str)> {
    let mut fields = Vec::new();
    loop {
        let end = text.find([';', '(', ')']).unwrap_or(text.len());
        let path: Vec<String> = text[..end].split('/').map(str::to_owned).collect();
        if path.iter().any(String::is_empty) {
            return None;
        }
        text = &text[end..];
        let mut within = Vec::new();
        if let Some(inner) = text.strip_prefix('(') {
            let (inner_fields, rest) = parse_field_list(inner)?;
            within = inner_fields;
            text = rest.strip_prefix(')')?;
        }
        fields.push(Field { path, within });
        match text.strip_prefix(';') {
            Some(rest) => text = rest,
            None => return Some((fields, text)),
        }
    }
}

/// `value` cut down to what `fields` selects; list entries each on their own.
fn select(value: &Value, fields: &[Field]) -> Value {
    match value {
        Value::Array(entries) => Value::Array(entries.iter().map(|e| select(e, fields)).collect()),
        Value::Object(object) => {
            let mut selected = Value::Object(Map::new());
            for field in fields {
                let Some((key, child)) = object.iter().find(|(k, _)| local(k) == local(&field.path[0]))
                else {
                    continue;
                };
                let picked = if field.path.len() > 1 {
                    let deeper = Field {
                        path: field.path[1..].to_vec(),
                        within: field.within.clone(),
                    };
                    select(child, &[deeper])
                } else if field.within.is_empty() {
                    child.clone()
                } else {
                    select(child, &field.within)
                };
                // A selector that found nothing below this node leaves the node out.
                let found_nothing = picked.as_object().is_some_and(Map::is_empty)
                    && !child.as_object().is_some_and(Map::is_empty);
                if !found_nothing {
                    merge(&mut selected, json!({ key.clone(): picked }));
                }
            }
            selected
        }
        leaf => leaf.clone(),
    }
}

/// Merges `other` into `into`: objects member by member, list entries
/// position by position (two selectors of the same list pick from the same entries).
fn merge(into: &mut Value, other: Value) {
    match (into, other) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in b {
                match a.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        a.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (existing, value) in a.iter_mut().zip(b) {
                merge(existing, value);
            }
        }
        (slot, value) => *slot = value,
    }
}

/// `value` with nothing deeper than `depth` (RFC 8040 §4.8.2: the target is
/// at depth 1, a list's entries at the list's depth).
fn prune(value: &Value, depth: u32) -> Value {
    match value {
        Value::Array(entries) => Value::Array(entries.iter().map(|e| prune(e, depth)).collect()),
        Value::Object(object) => Value::Object(if depth <= 1 {
            Map::new()
        } else {
            object
                .iter()
                .map(|(k, child)| (k.clone(), prune(child, depth - 1)))
                .collect()
        }),
        leaf => leaf.clone(),
    }
}

/// The error-path NSO gives for a device's node (`/tailf-ncs:devices/device[name='x']/…`).
fn device_path(device: &str, rest: &str) -> String {
    format!("/tailf-ncs:devices/device[name='{device}']/{rest}")
}

/// An action's input object from a POST body: nothing, or
/// `{"input": …}`/`{"<module>:input": …}` (RFC 8040 §3.6.1).
fn action_input(request: &Recorded) -> Result<Map<String, Value>, Box<Response>> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let media = request
        .header("content-type")
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media != YANG_DATA_JSON {
        return Err(Box::new(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "protocol",
            "malformed-message",
            Some(&format!("unsupported media type: {media}")),
            None,
        )));
    }
    let malformed = |message: &str| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "protocol",
            "malformed-message",
            Some(message),
            None,
        ))
    };
    let body: Value =
        serde_json::from_slice(&request.body).map_err(|e| malformed(&format!("parse error: {e}")))?;
    let Value::Object(top) = body else {
        return Err(malformed("the input must be a JSON object"));
    };
    let mut input = Map::new();
    for (key, value) in top {
        if local(&key) != "input" {
            return Err(malformed(&format!("unknown element: {key}")));
        }
        match value {
            Value::Object(members) => input.extend(members),
            _ => return Err(malformed("input must be a container")),
        }
    }
    Ok(input)
}

impl Nso {
    /// The user of the request's HTTP Basic credentials, else NSO's 401.
    fn authenticate(&self, request: &Recorded) -> Result<&User, Box<Response>> {
        let credentials = request
            .header("authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(decode_base64)
            .unwrap_or_default();
        let (name, password) = credentials.split_once(':').unwrap_or_default();
        self.users
            .iter()
            .find(|u| u.name == name && u.password == password)
            .ok_or_else(|| {
                let mut refused = error(StatusCode::UNAUTHORIZED, "protocol", "access-denied", None, None);
                refused.headers_mut().insert(
                    "www-authenticate",
                    "Basic realm=\"restconf\"".parse().expect("a header value"),
                );
                Box::new(refused)
            })
    }

    fn device(&self, name: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.name == name)
    }

    fn device_mut(&mut self, name: &str) -> Option<&mut Device> {
        self.devices.iter_mut().find(|d| d.name == name)
    }

    /// The datastore as JSON, for the GETs to walk.
    fn data(&self) -> Value {
        let devices: Vec<Value> = self.devices.iter().map(Device::to_json).collect();
        json!({"tailf-ncs:devices": {"device": devices}})
    }

    fn route(&mut self, request: &Recorded) -> Response {
        let path = request.path.trim_end_matches('/');
        if path == "/.well-known/host-meta" {
            return match request.method {
                Method::GET => host_meta(),
                _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
            };
        }
        let Some(rest) = path.strip_prefix("/restconf") else {
            // Outside RESTCONF, NSO's web server (the WebUI's) has no such page.
            return (
                StatusCode::NOT_FOUND,
                [("content-type", "text/html")],
                "<h1>Not Found</h1>",
            )
                .into_response();
        };
        let user = match self.authenticate(request) {
            Ok(user) => (user.name, user.may_sync),
            Err(refused) => return *refused,
        };
        if !accepts_json(request.header("accept")) {
            // NSO would answer XML too; the fake speaks only JSON, and says so
            // as RFC 8040 §7 has a server refuse what it cannot represent.
            return error(
                StatusCode::NOT_ACCEPTABLE,
                "protocol",
                "invalid-value",
                Some("the fake NSO answers only application/yang-data+json"),
                None,
            );
        }
        match rest {
            "" | "/yang-library-version" if request.method != Method::GET => method_not_allowed(),
            "" => yang(
                StatusCode::OK,
                &json!({"ietf-restconf:restconf": {"data": {}, "operations": {}, "yang-library-version": YANG_LIBRARY_VERSION}}),
            ),
            "/yang-library-version" => yang(
                StatusCode::OK,
                &json!({"ietf-restconf:yang-library-version": YANG_LIBRARY_VERSION}),
            ),
            _ if rest == "/data" || rest.starts_with("/data/") => {
                let segments: Option<Vec<String>> = rest["/data".len()..]
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(percent_decode)
                    .collect();
                let Some(segments) = segments else {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "protocol",
                        "malformed-message",
                        Some("malformed percent-encoding in the URI"),
                        None,
                    );
                };
                match request.method {
                    Method::GET => self.get(&segments, &request.query),
                    Method::POST => self.invoke(&segments, request, user),
                    _ => method_not_allowed(),
                }
            }
            _ => keypath_not_found(),
        }
    }

    /// `GET /restconf/data/…`: the target node named by its last segment,
    /// shaped by `depth` and `fields`.
    fn get(&self, segments: &[String], query: &str) -> Response {
        let mut depth = None;
        let mut fields = None;
        let mut seen = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if seen.contains(&name) {
                return bad_query(&format!("query parameter given more than once: {name}"));
            }
            seen.push(name.clone());
            match &*name {
                "depth" => match &*value {
                    "unbounded" => {}
                    n => match n.parse::<u32>() {
                        Ok(n @ 1..=65535) => depth = Some(n),
                        _ => return bad_query(&format!("invalid depth: {value}")),
                    },
                },
                "fields" => match parse_fields(&value) {
                    Some(parsed) => fields = Some(parsed),
                    None => return bad_query(&format!("invalid fields: {value}")),
                },
                // Accepted as NSO accepts them, not applied: the fake does not
                // tell configuration from state, nor keeps defaults apart.
                "content" if ["all", "config", "nonconfig"].contains(&&*value) => {}
                "with-defaults"
                    if ["report-all", "trim", "explicit", "report-all-tagged"].contains(&&*value) => {}
                _ => return bad_query(&format!("invalid query parameter: {name}")),
            }
        }
        if segments.is_empty() {
            let data = self.data();
            return yang(
                StatusCode::OK,
                &json!({ "ietf-restconf:data": shape(&data, fields.as_deref(), depth) }),
            );
        }
        let data = self.data();
        let mut node = &data;
        let mut name = String::new();
        for (i, segment) in segments.iter().enumerate() {
            let (node_name, key) = match segment.split_once('=') {
                Some((n, k)) => (n, Some(k)),
                None => (segment.as_str(), None),
            };
            // RFC 8040 §3.5.3: the first node is qualified by its module; so is
            // any node of another module than its parent's.
            let Some(object) = node.as_object() else {
                return keypath_not_found();
            };
            let Some((member, child)) = object
                .iter()
                .find(|(k, _)| *k == node_name || (i > 0 && local(k) == local(node_name)))
            else {
                return keypath_not_found();
            };
            name = if member.contains(':') {
                member.clone()
            } else {
                format!("tailf-ncs:{member}")
            };
            node = match key {
                None => child,
                Some(key) => {
                    let Some(entry) = child
                        .as_array()
                        .and_then(|entries| entries.iter().find(|e| e["name"] == key))
                    else {
                        return keypath_not_found();
                    };
                    if i == segments.len() - 1 {
                        // A list entry is answered as a list of one (RFC 8040 §4.3, RFC 7951 §5.4).
                        let entry = Value::Array(vec![entry.clone()]);
                        return yang(
                            StatusCode::OK,
                            &json!({ name: shape(&entry, fields.as_deref(), depth) }),
                        );
                    }
                    entry
                }
            };
        }
        yang(
            StatusCode::OK,
            &json!({ name: shape(node, fields.as_deref(), depth) }),
        )
    }

    /// `POST` on an action (RFC 8040 §3.6, §4.4.2).
    fn invoke(
        &mut self,
        segments: &[String],
        request: &Recorded,
        (user, may_sync): (&str, bool),
    ) -> Response {
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let (device, action): (Option<&str>, Vec<&str>) = match segments.as_slice() {
            ["tailf-ncs:devices", rest @ ..] => match rest {
                [one] => (None, vec![*one]),
                [entry, rest @ ..] => match entry.strip_prefix("device=") {
                    Some(name) => (Some(name), rest.to_vec()),
                    None => return keypath_not_found(),
                },
                [] => (None, Vec::new()),
            },
            _ => return keypath_not_found(),
        };
        if let Some(name) = device
            && self.device(name).is_none()
        {
            return keypath_not_found();
        }
        let known = match (device, action.as_slice()) {
            (None, ["check-sync" | "sync-to" | "sync-from"]) => true,
            (Some(_), ["ping" | "connect" | "check-sync" | "compare-config" | "sync-to" | "sync-from"]) => {
                true
            }
            (Some(name), ["live-status", exec, "show" | "any"]) => {
                let ned = self.device(name).map(|d| d.ned);
                ned.and_then(Ned::stats_module)
                    .is_some_and(|module| *exec == format!("{module}:exec"))
            }
            _ => false,
        };
        if !known {
            // A data node, or no node at all: POST creates data, which the fake never does.
            return keypath_not_found();
        }
        if request
            .query
            .split('&')
            .any(|p| !p.is_empty() && p.split('=').next() != Some("unhide"))
        {
            // NSO's guide: query parameters on an RPC or action are a 400.
            return bad_query("query parameters are not supported when invoking actions");
        }
        let input = match action_input(request) {
            Ok(input) => input,
            Err(refused) => return *refused,
        };
        let action_name = action.last().copied().unwrap_or_default();
        if matches!(action_name, "sync-to" | "sync-from") && !may_sync {
            let target = match device {
                Some(name) => device_path(name, action_name),
                None => format!("/tailf-ncs:devices/{action_name}"),
            };
            return error(
                StatusCode::FORBIDDEN,
                "application",
                "access-denied",
                Some("access denied"),
                Some(&target),
            );
        }
        match device {
            None => self.all_devices(action_name),
            Some(name) if action[0] == "live-status" => {
                self.live_status(name, action[1], action_name, &input)
            }
            Some(name) => self.device_action(name, action_name, user),
        }
    }

    /// `/devices/check-sync`, `/devices/sync-to`, `/devices/sync-from`: one
    /// `sync-result` per device, in key order.
    fn all_devices(&mut self, action: &str) -> Response {
        let names: Vec<&'static str> = self.devices.iter().map(|d| d.name).collect();
        let results: Vec<Value> = names
            .into_iter()
            .map(|name| {
                let result = match action {
                    "check-sync" => self.device(name).map(Device::check_sync),
                    _ => Some(self.sync(name)),
                };
                let mut result = result.unwrap_or_default();
                result["device"] = json!(name);
                result
            })
            .collect();
        output("tailf-ncs", json!({ "sync-result": results }))
    }

    /// `sync-to` or `sync-from` on one device: NSO and the device agree afterwards.
    fn sync(&mut self, name: &str) -> Value {
        let Some(device) = self.device_mut(name) else {
            return json!({"result": false});
        };
        if let Some(reason) = device.unreachable_reason() {
            return json!({"result": false, "info": reason});
        }
        if device.sync == Sync::OutOfSync {
            device.sync = Sync::InSync;
            device.diff = "";
        }
        json!({"result": true})
    }

    fn device_action(&mut self, name: &str, action: &str, user: &str) -> Response {
        let Some(device) = self.device(name).cloned() else {
            return keypath_not_found();
        };
        let result = match action {
            "ping" => json!({"result": device.ping()}),
            "connect" => match device.unreachable_reason() {
                Some(reason) => json!({"result": false, "info": reason}),
                None => json!({
                    "result": true,
                    "info": format!("({user}) Connected to {name} - {}:{}", device.address, device.port())
                }),
            },
            "check-sync" => device.check_sync(),
            "compare-config" => match device.unreachable_reason() {
                Some(reason) => json!({"info": reason}),
                None if device.diff.is_empty() => json!({}),
                None => json!({"diff": device.diff}),
            },
            _ => self.sync(name),
        };
        output("tailf-ncs", result)
    }

    /// `live-status/{module}:exec/{show|any}`: the device's CLI output.
    fn live_status(&self, name: &str, exec: &str, how: &str, input: &Map<String, Value>) -> Response {
        let Some(device) = self.device(name) else {
            return keypath_not_found();
        };
        let module = exec.trim_end_matches(":exec");
        let args = match input.get("args") {
            Some(Value::String(args)) => args.clone(),
            // `args` is a leaf-list in the NEDs' YANG: the words may come apart.
            Some(Value::Array(words)) => words
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "application",
                    "missing-element",
                    Some("missing element: args"),
                    Some(&device_path(name, &format!("live-status/{exec}/{how}"))),
                );
            }
        };
        if let Some(reason) = device.unreachable_reason() {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "application",
                "operation-failed",
                Some(&reason),
                Some(&device_path(name, &format!("live-status/{exec}/{how}"))),
            );
        }
        // `exec show` prepends `show` to its arguments; `exec any` runs them as given.
        let command = if how == "show" {
            format!("show {args}")
        } else {
            args
        };
        output(module, json!({"result": device.exec(command.trim())}))
    }
}

/// `value` cut by `fields`, then by `depth`.
fn shape(value: &Value, fields: Option<&[Field]>, depth: Option<u32>) -> Value {
    let selected = fields.map_or_else(|| value.clone(), |fields| select(value, fields));
    depth.map_or(selected.clone(), |depth| prune(&selected, depth))
}

fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "protocol",
        "operation-not-supported",
        Some("the fake NSO only reads data and invokes actions"),
        None,
    )
}

impl Platform for Nso {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        if let Some(garbage) = self.faults.garbage_for(&request.path) {
            return garbage.response();
        }
        if request.method == Method::HEAD {
            // RFC 8040 §4.2: HEAD is GET without the body.
            let mut as_get = request.clone();
            as_get.method = Method::GET;
            let (parts, _) = self.route(&as_get).into_parts();
            return Response::from_parts(parts, Body::empty());
        }
        self.route(request)
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        self.faults.delay_for(&request.path)
    }
}

/// The running fake.
pub type FakeNso = FakeApi<Nso>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakeNso`].
impl Faulty for Nso {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }
}

impl FakeNso {
    /// NSO's base URL (before `/restconf`).
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// The URL of `tailf-ncs:devices/{path}` under `/restconf/data`.
    pub fn devices_url(&self, path: &str) -> String {
        self.url_of(&format!("{DATA}/tailf-ncs:devices/{path}"))
    }

    /// What `check-sync` on `device` finds now (`in-sync`, `out-of-sync`,
    /// `unsupported`, `locked`, `error`).
    pub fn sync_state(&self, device: &str) -> String {
        self.with(|nso, _| {
            let device = nso.device(device).unwrap_or_else(|| panic!("no device {device}"));
            device.check_sync()["result"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
    }

    /// Puts `device` out of sync again, with `diff` as `compare-config` prints it.
    pub fn change_out_of_band(&self, device: &str, diff: &'static str) {
        self.with(|nso, _| {
            let device = nso
                .device_mut(device)
                .unwrap_or_else(|| panic!("no device {device}"));
            device.sync = Sync::OutOfSync;
            device.diff = diff;
        });
    }

    /// The names of the managed devices, in NSO's (key) order.
    pub fn device_names(&self) -> Vec<&'static str> {
        self.with(|nso, _| nso.devices.iter().map(|d| d.name).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request to `url` as `user`, with `body` as yang-data+json when given.
    async fn call(
        method: Method,
        url: String,
        user: (&str, &str),
        body: Option<Value>,
    ) -> (StatusCode, Option<String>, Value) {
        let mut request = reqwest::Client::new()
            .request(method, url)
            .basic_auth(user.0, Some(user.1))
            .header("accept", YANG_DATA_JSON);
        if let Some(body) = body {
            request = request
                .header("content-type", YANG_DATA_JSON)
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let media = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, media, body)
    }

    const ADMIN: (&str, &str) = (ADMIN_USER, ADMIN_PASSWORD);
    const OPER: (&str, &str) = (OPER_USER, OPER_PASSWORD);

    fn the_error(body: &Value) -> &Value {
        let errors = body["ietf-restconf:errors"]["error"]
            .as_array()
            .expect("an errors list");
        assert_eq!(errors.len(), 1, "{body}");
        &errors[0]
    }

    #[test]
    fn fields_parse_as_rfc_8040_writes_them() {
        let field = |path: &[&str], within: Vec<Field>| Field {
            path: path.iter().map(|s| s.to_string()).collect(),
            within,
        };
        assert_eq!(
            parse_fields("name;device-type/cli(ned-id;protocol)").unwrap(),
            vec![
                field(&["name"], vec![]),
                field(
                    &["device-type", "cli"],
                    vec![field(&["ned-id"], vec![]), field(&["protocol"], vec![])]
                ),
            ]
        );
        assert_eq!(parse_fields("a(b(c);d)").unwrap()[0].within.len(), 2);
        for broken in ["", "a;", "a(b", "a)b", "a//b", "a(b))"] {
            assert_eq!(parse_fields(broken), None, "{broken}");
        }
    }

    #[test]
    fn depth_counts_the_target_as_one() {
        let jukebox = json!({"library": {"artist": [{"name": "Foo", "album": [{"name": "Bar"}]}]}, "player": {"gap": "0.5"}});
        assert_eq!(prune(&jukebox, 1), json!({}));
        assert_eq!(prune(&jukebox, 2), json!({"library": {}, "player": {}}));
        assert_eq!(
            prune(&jukebox, 4),
            json!({"library": {"artist": [{"name": "Foo", "album": [{}]}]}, "player": {"gap": "0.5"}})
        );
    }

    #[test]
    fn json_is_acceptable_unless_refused() {
        assert!(accepts_json(None));
        assert!(accepts_json(Some("application/yang-data+json")));
        assert!(accepts_json(Some("application/yang-data+xml;q=1, */*;q=0.1")));
        assert!(!accepts_json(Some("application/yang-data+xml")));
    }

    #[test]
    fn keys_and_escapes_decode() {
        assert_eq!(
            percent_decode("device=a%2Fb%20c").as_deref(),
            Some("device=a/b c")
        );
        assert_eq!(percent_decode("bad%2"), None);
        assert_eq!(transaction_id("x", "nso").len(), 32);
        assert_ne!(transaction_id("x", "nso"), transaction_id("x", "device"));
    }

    #[tokio::test]
    async fn discovery_and_the_api_resource() {
        let fake = FakeNso::start().await;
        let meta = reqwest::get(fake.url_of("/.well-known/host-meta")).await.unwrap();
        assert_eq!(meta.headers()["content-type"], "application/xrd+xml");
        assert!(
            meta.text()
                .await
                .unwrap()
                .contains("<Link rel='restconf' href='/restconf'/>")
        );
        let (status, media, root) = call(Method::GET, fake.url_of("/restconf"), OPER, None).await;
        assert_eq!((status, media.as_deref()), (StatusCode::OK, Some(YANG_DATA_JSON)));
        assert_eq!(
            root["ietf-restconf:restconf"]["yang-library-version"],
            YANG_LIBRARY_VERSION
        );
        let (_, _, version) = call(
            Method::GET,
            fake.url_of("/restconf/yang-library-version"),
            OPER,
            None,
        )
        .await;
        assert_eq!(
            version,
            json!({"ietf-restconf:yang-library-version": YANG_LIBRARY_VERSION})
        );
    }

    #[tokio::test]
    async fn credentials_are_checked_as_nso_checks_them() {
        let fake = FakeNso::start().await;
        for user in [(ADMIN_USER, "wrong"), ("nobody", ADMIN_PASSWORD)] {
            let (status, media, body) = call(Method::GET, fake.devices_url("device"), user, None).await;
            assert_eq!(
                (status, media.as_deref()),
                (StatusCode::UNAUTHORIZED, Some(YANG_DATA_JSON))
            );
            assert_eq!(
                the_error(&body),
                &json!({"error-type": "protocol", "error-tag": "access-denied"})
            );
        }
        let anonymous = reqwest::get(fake.url_of("/restconf/data")).await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            anonymous.headers()["www-authenticate"],
            "Basic realm=\"restconf\""
        );
    }

    #[tokio::test]
    async fn the_device_list_single_devices_and_their_leaves() {
        let fake = FakeNso::start().await;
        let (_, _, list) = call(Method::GET, fake.devices_url("device"), OPER, None).await;
        let devices = list["tailf-ncs:device"].as_array().unwrap();
        assert_eq!(devices.len(), 9);
        assert_eq!(
            devices
                .iter()
                .map(|d| d["name"].as_str().unwrap())
                .collect::<Vec<_>>(),
            fake.device_names()
        );
        let locked = devices.iter().find(|d| d["name"] == LOCKED_DEVICE).unwrap();
        assert_eq!(locked["state"]["admin-state"], "southbound-locked");
        let (_, _, names) = call(Method::GET, fake.devices_url("device?fields=name"), OPER, None).await;
        assert!(
            names["tailf-ncs:device"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d.as_object().unwrap().len() == 1)
        );
        let (_, _, neds) = call(
            Method::GET,
            fake.devices_url("device?fields=name;device-type/netconf(ned-id)"),
            OPER,
            None,
        )
        .await;
        let junos: Vec<&Value> = neds["tailf-ncs:device"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d.get("device-type").is_some())
            .collect();
        assert_eq!(junos.len(), 2, "{neds}");
        assert_eq!(
            junos[0]["device-type"]["netconf"]["ned-id"],
            "juniper-junos-nc-4.12:juniper-junos-nc-4.12"
        );

        let (status, _, one) = call(Method::GET, fake.devices_url("device=nyc-core-rtr01"), OPER, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["tailf-ncs:device"][0]["address"], "10.10.20.1");
        let (_, _, device_type) = call(
            Method::GET,
            fake.devices_url("device=nyc-core-rtr01/device-type"),
            OPER,
            None,
        )
        .await;
        assert_eq!(
            device_type["tailf-ncs:device-type"]["cli"]["ned-id"],
            "cisco-iosxr-cli-7.52:cisco-iosxr-cli-7.52"
        );
        let (_, _, hostname) = call(
            Method::GET,
            fake.devices_url("device=nyc-core-rtr01/config/tailf-ned-cisco-ios-xr:hostname"),
            OPER,
            None,
        )
        .await;
        assert_eq!(
            hostname,
            json!({"tailf-ned-cisco-ios-xr:hostname": "nyc-core-rtr01"})
        );
        let (_, _, shallow) = call(
            Method::GET,
            fake.devices_url("device=nyc-core-rtr01?depth=2"),
            OPER,
            None,
        )
        .await;
        assert_eq!(shallow["tailf-ncs:device"][0]["state"], json!({}));
        assert_eq!(shallow["tailf-ncs:device"][0]["port"], 22);
    }

    #[tokio::test]
    async fn unknown_nodes_devices_and_parameters_are_refused() {
        let fake = FakeNso::start().await;
        for path in [
            "device=no-such-device",
            "device=nyc-dist-sw01/no-such-leaf",
            "no-such-list",
        ] {
            let (status, _, body) = call(Method::GET, fake.devices_url(path), OPER, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(the_error(&body)["error-tag"], "invalid-value");
            assert_eq!(the_error(&body)["error-message"], "uri keypath not found");
        }
        // The first node must name its module (RFC 8040 §3.5.3).
        let (status, _, _) = call(
            Method::GET,
            fake.url_of("/restconf/data/devices/device"),
            OPER,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for query in ["depth=0", "depth=x", "fields=a(", "depth=1&depth=2", "sort=name"] {
            let (status, _, body) = call(
                Method::GET,
                fake.devices_url(&format!("device?{query}")),
                OPER,
                None,
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(the_error(&body)["error-tag"], "invalid-value");
        }
        let (status, _, body) = call(
            Method::DELETE,
            fake.devices_url("device=nyc-dist-sw01"),
            ADMIN,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(the_error(&body)["error-tag"], "operation-not-supported");
        let (status, _, _) = call(
            Method::POST,
            fake.devices_url("device=nyc-dist-sw01/reboot"),
            ADMIN,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = call(
            Method::POST,
            fake.devices_url("device=no-such-device/ping"),
            ADMIN,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = call(
            Method::POST,
            fake.devices_url("device=nyc-dist-sw01/ping?depth=1"),
            ADMIN,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let wrong_media = reqwest::Client::new()
            .post(fake.devices_url("device=nyc-dist-sw01/ping"))
            .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong_media.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (status, _, body) = call(
            Method::POST,
            fake.devices_url("device=nyc-dist-sw01/ping"),
            ADMIN,
            Some(json!({"output": {}})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(the_error(&body)["error-tag"], "malformed-message");
    }

    #[tokio::test]
    async fn ping_connect_and_the_unreachable_device() {
        let fake = FakeNso::start().await;
        let post = |path: String| call(Method::POST, fake.devices_url(&path), OPER, None);
        let (_, _, ping) = post("device=nyc-dist-sw01/ping".into()).await;
        assert!(
            ping["tailf-ncs:output"]["result"]
                .as_str()
                .unwrap()
                .contains(" 0% packet loss")
        );
        let (_, _, lost) = post(format!("device={UNREACHABLE_DEVICE}/ping")).await;
        assert!(
            lost["tailf-ncs:output"]["result"]
                .as_str()
                .unwrap()
                .contains("100% packet loss")
        );
        let (_, _, connected) = post("device=ams-fw01/connect".into()).await;
        assert_eq!(
            connected["tailf-ncs:output"],
            json!({"result": true, "info": "(oper) Connected to ams-fw01 - 10.20.0.5:830"})
        );
        let (_, _, refused) = post(format!("device={UNREACHABLE_DEVICE}/connect")).await;
        assert_eq!(refused["tailf-ncs:output"]["result"], false);
        assert!(
            refused["tailf-ncs:output"]["info"]
                .as_str()
                .unwrap()
                .starts_with("Failed to connect to device ams-edge-rtr01")
        );
        let (_, _, locked) = post(format!("device={LOCKED_DEVICE}/connect")).await;
        assert_eq!(
            locked["tailf-ncs:output"]["info"],
            "Device lab-sw01 is southbound locked"
        );
        let (status, _, body) = post(format!(
            "device={UNREACHABLE_DEVICE}/live-status/tailf-ned-cisco-ios-stats:exec/any"
        ))
        .await;
        // No `args`: the input is checked before the device is tried.
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _, body) = call(
            Method::POST,
            fake.devices_url(&format!(
                "device={UNREACHABLE_DEVICE}/live-status/tailf-ned-cisco-ios-stats:exec/any"
            )),
            OPER,
            Some(json!({"input": {"args": "show version"}})),
        )
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(the_error(&body)["error-tag"], "operation-failed");
        assert_eq!(
            the_error(&body)["error-path"],
            "/tailf-ncs:devices/device[name='ams-edge-rtr01']/live-status/tailf-ned-cisco-ios-stats:exec/any"
        );
    }

    #[tokio::test]
    async fn sync_actions_change_what_check_sync_finds_and_nacm_guards_them() {
        let fake = FakeNso::start().await;
        let device = "nyc-edge-rtr01";
        let (_, _, check) = call(
            Method::POST,
            fake.devices_url(&format!("device={device}/check-sync")),
            OPER,
            None,
        )
        .await;
        assert_eq!(check["tailf-ncs:output"]["result"], "out-of-sync");
        assert!(
            check["tailf-ncs:output"]["info"]
                .as_str()
                .unwrap()
                .starts_with("got: ")
        );
        let (_, _, diff) = call(
            Method::POST,
            fake.devices_url(&format!("device={device}/compare-config")),
            OPER,
            None,
        )
        .await;
        assert!(
            diff["tailf-ncs:output"]["diff"]
                .as_str()
                .unwrap()
                .contains("+                    shutdown;")
        );

        // NACM gives the operator no sync, of one device or of all.
        for action in ["sync-to", "sync-from"] {
            let (status, _, body) = call(
                Method::POST,
                fake.devices_url(&format!("device={device}/{action}")),
                OPER,
                None,
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            assert_eq!(the_error(&body)["error-tag"], "access-denied");
            assert_eq!(the_error(&body)["error-type"], "application");
        }
        let (status, _, _) = call(Method::POST, fake.devices_url("sync-from"), OPER, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            fake.sync_state(device),
            "out-of-sync",
            "a denied sync changes nothing"
        );

        let (_, _, synced) = call(
            Method::POST,
            fake.devices_url(&format!("device={device}/sync-to")),
            ADMIN,
            None,
        )
        .await;
        assert_eq!(synced, json!({"tailf-ncs:output": {"result": true}}));
        assert_eq!(fake.sync_state(device), "in-sync");
        let (status, _, _) = call(
            Method::POST,
            fake.devices_url(&format!("device={device}/compare-config")),
            OPER,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "nothing to compare: no output");

        let (_, _, failed) = call(
            Method::POST,
            fake.devices_url(&format!("device={LOCKED_DEVICE}/sync-from")),
            ADMIN,
            None,
        )
        .await;
        assert_eq!(
            failed["tailf-ncs:output"],
            json!({"result": false, "info": "Device lab-sw01 is southbound locked"})
        );

        fake.change_out_of_band(device, "\n devices {\n }\n");
        let (_, _, all) = call(
            Method::POST,
            fake.devices_url("sync-from"),
            ADMIN,
            Some(json!({"tailf-ncs:input": {}})),
        )
        .await;
        let results = all["tailf-ncs:output"]["sync-result"].as_array().unwrap();
        assert_eq!(results.len(), 9);
        let (_, _, checked) = call(Method::POST, fake.devices_url("check-sync"), OPER, None).await;
        let results: Vec<(String, String)> = checked["tailf-ncs:output"]["sync-result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["device"].as_str().unwrap().to_owned(),
                    r["result"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let result_of = |name: &str| results.iter().find(|(d, _)| d == name).map(|(_, r)| r.as_str());
        assert_eq!(result_of(device), Some("in-sync"));
        assert_eq!(result_of("ams-core-rtr01"), Some("in-sync"));
        assert_eq!(result_of(UNSUPPORTED_DEVICE), Some("unsupported"));
        assert_eq!(result_of(UNREACHABLE_DEVICE), Some("error"));
        assert_eq!(result_of(LOCKED_DEVICE), Some("locked"));
    }

    #[tokio::test]
    async fn live_status_runs_the_command_sets_per_ned() {
        let fake = FakeNso::start().await;
        let exec = |device: &str, module: &str, how: &str, args: Value| {
            let url = fake.devices_url(&format!("device={device}/live-status/{module}:exec/{how}"));
            call(Method::POST, url, OPER, Some(json!({"input": {"args": args}})))
        };
        let (status, media, version) = exec(
            "nyc-dist-sw01",
            "tailf-ned-cisco-ios-stats",
            "show",
            json!("version"),
        )
        .await;
        assert_eq!((status, media.as_deref()), (StatusCode::OK, Some(YANG_DATA_JSON)));
        let text = version["tailf-ned-cisco-ios-stats:output"]["result"]
            .as_str()
            .unwrap();
        assert!(text.starts_with("\r\nCisco IOS Software"), "{text}");
        assert!(
            text.contains("nyc-dist-sw01 uptime is") && text.ends_with("\r\nnyc-dist-sw01# "),
            "{text}"
        );

        let (_, _, routes) = exec(
            "nyc-core-rtr01",
            "tailf-ned-cisco-ios-xr-stats",
            "any",
            json!("show ip route"),
        )
        .await;
        let text = routes["tailf-ned-cisco-ios-xr-stats:output"]["result"]
            .as_str()
            .unwrap();
        assert!(
            text.contains("Gateway of last resort") && text.ends_with("RP/0/RSP0/CPU0:nyc-core-rtr01# "),
            "{text}"
        );
        let (_, _, words) = exec(
            "nyc-core-rtr01",
            "tailf-ned-cisco-ios-xr-stats",
            "show",
            json!(["ip", "int", "br"]),
        )
        .await;
        assert!(
            words
                .to_string()
                .contains("MgmtEth0/RSP0/CPU0/0           10.10.20.1 "),
            "{words}"
        );

        let (_, _, invalid) = exec(
            "nyc-dist-sw01",
            "tailf-ned-cisco-ios-stats",
            "any",
            json!("show interface brief"),
        )
        .await;
        assert!(
            invalid
                .to_string()
                .contains("% Invalid input detected at '^' marker."),
            "{invalid}"
        );
        // Each NED has its own module; a NETCONF NED has no CLI exec at all.
        let (status, _, _) = exec(
            "nyc-core-rtr01",
            "tailf-ned-cisco-ios-stats",
            "show",
            json!("version"),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = exec("ams-fw01", "tailf-ned-cisco-ios-stats", "show", json!("version")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn knobs_garble_and_hold_back_until_mended() {
        let fake = FakeNso::start().await;
        fake.garble("/restconf/data", Garbage::Html);
        let html = reqwest::Client::new()
            .get(fake.devices_url("device"))
            .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
            .send()
            .await
            .unwrap();
        assert!(html.text().await.unwrap().starts_with("<!DOCTYPE html>"));
        let hold = Duration::from_millis(300);
        fake.mend();
        fake.slow_down("/restconf", hold);
        let started = std::time::Instant::now();
        let (status, _, _) = call(Method::GET, fake.devices_url("device"), OPER, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(started.elapsed() >= hold);
        fake.mend();
        // HEAD answers as GET, without the body (RFC 8040 §4.2).
        let head = reqwest::Client::new()
            .head(fake.url_of("/restconf"))
            .basic_auth(OPER_USER, Some(OPER_PASSWORD))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), StatusCode::OK);
        assert_eq!(head.headers()["content-type"], YANG_DATA_JSON);
    }
}
