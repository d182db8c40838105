//! A fake IP Fabric REST API on loopback, for the `ipfabric` integration:
//! what IP Fabric's own Python SDK (`ipfabric` on PyPI) and the ChatOps
//! commands of the original Nautobot app call.
//!
//! - `GET /api/version` (no credentials, as IP Fabric: the SDK reads it first
//!   to choose the API prefix), `GET /api/os/hostname`;
//! - `GET /api/users/me` and `GET /api/users/me/scopes/api` (the SDK's login),
//!   `GET /api/reports` and `GET /api/reports/groups` (the intent checks it
//!   loads then: none here);
//! - `GET /api/snapshots`, `GET /api/snapshots/{id}` and the
//!   `tables/management/snapshots` table: four snapshots, three loaded (one of
//!   them locked) and one unloaded; `$last`, `$prev` and `$lastLocked` resolve
//!   as IP Fabric resolves them, among the loaded snapshots;
//! - the tables (`POST /api/tables/…` with IP Fabric's body: `columns`,
//!   `filters`, `pagination`, `snapshot`, `sort`, `reports`; also the `GET`
//!   with the same fields as query parameters, and the SDK's streaming
//!   `POST /api/prepared-requests` + `GET /api/prepared-requests/{id}/execute`)
//!   answering `{"data": […], "_meta": {"count", "size", "limit", "start"}}`:
//!   the device, site and interface inventories, interface load, errors,
//!   drops and counters, BGP neighbors, wireless radios, clients and SSIDs,
//!   and hosts, each with IP Fabric's columns, as JSON or (`format.dataType`
//!   `csv`) CSV; `reports` and `attributeFilters` are taken and ignored (no
//!   intent rules colour the rows, no attributes are defined). Filters take
//!   `eq`, `neq`, `ieq`, `nieq`, `like`, `nlike`, `reg`, `nreg`, `ireg`,
//!   `nireg`, `gt`, `gte`, `lt`, `lte` and `empty`, nested in `and` / `or`;
//!   an unknown column or operator, or a bad regular expression, answers 422,
//!   as does a snapshot that is unknown or not loaded;
//! - path lookup: `POST /api/graphs` (the JSON result) and `POST /api/graphs/png`
//!   (a real PNG of the path).
//!
//! Every path is also served under a versioned prefix (`/api/v7.0/…`), as
//! IP Fabric before 7.5 and the SDKs of those releases address it. Every
//! endpoint has the one API version 1: answers carry `X-API-Version-Used: 1`,
//! and a request's `X-API-Version` other than 1 answers 410
//! (`API_UNSUPPORTED_VERSION`, with `X-API-Versions-Supported`).
//!
//! Credentials: IP Fabric's API token in `X-API-Token`. A missing or unknown
//! token answers 401; [`READ_ONLY_TOKEN`] is refused the [`FORBIDDEN_TABLES`]
//! with IP Fabric's 403 (`API_INSUFFICIENT_RIGHTS`).
//!
//! Two knobs, off unless a test turns them on a running fake, make it
//! misbehave as a real appliance (or what stands in front of one) can:
//! [`FakeIpFabric::slow_down`] and [`FakeIpFabric::garble`]; [`FakeIpFabric::mend`]
//! turns both off.

use std::{cmp::Ordering, collections::HashMap, net::SocketAddr, time::Duration};

use axum::{
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use regex::RegexBuilder;
use serde_json::{Map, Value, json};

use crate::fake_api::{FakeApi, Faults, Faulty, Platform, json_response};
pub use crate::fake_api::{Recorded, Scripted};
use crate::fake_grafana::png;

/// The release `GET /api/version` reports.
pub const RELEASE_VERSION: &str = "8.0.2+3";
/// The API version `GET /api/version` reports: major 8, which the SDK 8.x
/// requires, and at least 7.5, so that the SDK uses the unversioned `/api/` prefix.
pub const API_VERSION: &str = "v8.0";
/// The appliance's hostname (`GET /api/os/hostname`).
pub const HOSTNAME: &str = "ipfabric-fake";
/// An API token of an admin: reads every table.
pub const ADMIN_TOKEN: &str = "ipf0fakeadmin7c1f0d9e2b4a6c8e0f1a3b5c7d9e";
/// An API token of a read-only role that may not read [`FORBIDDEN_TABLES`].
pub const READ_ONLY_TOKEN: &str = "ipf0fakereadonly3a8e55c2d4f6a8b0c1e3f5a7";
/// The tables [`READ_ONLY_TOKEN`] is refused (end hosts' and wireless
/// clients' addresses: personal data a network read-only role is often denied).
pub const FORBIDDEN_TABLES: [&str; 2] = ["tables/addressing/hosts", "tables/wireless/clients"];
/// The newest loaded snapshot: `$last`.
pub const LAST_SNAPSHOT: &str = "5e2b7c1a-9d3f-4e8a-b6c0-1f2a3b4c5d6e";
/// The second newest loaded snapshot: `$prev`.
pub const PREV_SNAPSHOT: &str = "3c9a1e7f-2b4d-4c6e-8a0b-7d8e9f0a1b2c";
/// The newest loaded and locked snapshot: `$lastLocked`.
pub const LOCKED_SNAPSHOT: &str = "8f4d2a6c-1e3b-4a5c-9d7e-2b3c4d5e6f70";
/// The oldest snapshot, not loaded: tables in it answer an error.
pub const UNLOADED_SNAPSHOT: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// The sites of the network.
pub const SITES: [&str; 3] = ["NYC-DC1", "LON-HQ", "SIN-BR1"];
/// How many devices `$last` holds (`$prev` one fewer: `lon-ap-02` is new).
pub const LAST_DEVICES: usize = 12;

/// `X-API-Token` with no token or an unknown one.
const UNAUTHORIZED: &str = "API_UNAUTHORIZED";
/// The one version (`X-API-Version`) of every endpoint served, as the SDK's
/// OpenAPI document lists them (`api_versions: [1]`).
const API_ENDPOINT_VERSION: &str = "1";

/// One API token and what its role may read.
struct Principal {
    id: &'static str,
    username: &'static str,
    token: &'static str,
    description: &'static str,
    role: &'static str,
    forbidden: &'static [&'static str],
}

const PRINCIPALS: [Principal; 2] = [
    Principal {
        id: "1",
        username: "chatops",
        token: ADMIN_TOKEN,
        description: "ChatOps gateway",
        role: "admin",
        forbidden: &[],
    },
    Principal {
        id: "2",
        username: "chatops-readonly",
        token: READ_ONLY_TOKEN,
        description: "ChatOps gateway (read-only)",
        role: "read-only-network",
        forbidden: &FORBIDDEN_TABLES,
    },
];

/// One snapshot; `ordinal` orders them by time (0 the oldest), and a device
/// is in every snapshot from its `first_seen` ordinal on.
struct Snapshot {
    id: &'static str,
    name: Option<&'static str>,
    note: &'static str,
    ordinal: usize,
    loaded: bool,
    locked: bool,
    /// When discovery ended, in milliseconds since the epoch (IP Fabric's timestamps).
    ts_end: i64,
}

const SNAPSHOTS: [Snapshot; 4] = [
    Snapshot {
        id: LAST_SNAPSHOT,
        name: Some("Nightly 2026-12-03"),
        note: "Scheduled discovery",
        ordinal: 3,
        loaded: true,
        locked: false,
        ts_end: 1_796_265_900_000,
    },
    Snapshot {
        id: PREV_SNAPSHOT,
        name: None,
        note: "",
        ordinal: 2,
        loaded: true,
        locked: false,
        ts_end: 1_796_179_500_000,
    },
    Snapshot {
        id: LOCKED_SNAPSHOT,
        name: Some("Baseline before CHG-4711"),
        note: "Kept for the change review",
        ordinal: 1,
        loaded: true,
        locked: true,
        ts_end: 1_795_661_400_000,
    },
    Snapshot {
        id: UNLOADED_SNAPSHOT,
        name: Some("Q3 audit"),
        note: "",
        ordinal: 0,
        loaded: false,
        locked: false,
        ts_end: 1_790_847_000_000,
    },
];

/// One discovered device.
struct Device {
    hostname: &'static str,
    site: &'static str,
    vendor: &'static str,
    family: &'static str,
    platform: &'static str,
    model: &'static str,
    dev_type: &'static str,
    version: &'static str,
    login_ip: &'static str,
    sn: &'static str,
    first_seen: usize,
}

macro_rules! device {
    ($h:expr, $s:expr, $v:expr, $f:expr, $p:expr, $m:expr, $t:expr, $ver:expr, $ip:expr, $sn:expr, $seen:expr) => {
        Device {
            hostname: $h,
            site: $s,
            vendor: $v,
            family: $f,
            platform: $p,
            model: $m,
            dev_type: $t,
            version: $ver,
            login_ip: $ip,
            sn: $sn,
            first_seen: $seen,
        }
    };
}

#[rustfmt::skip]
const DEVICES: [Device; 12] = [
    device!("nyc-core-01", "NYC-DC1", "cisco", "nx-os", "n9000", "N9K-C93180YC-FX", "l3switch", "10.3(4a)", "10.10.0.1", "FDO24321AB1", 0),
    device!("nyc-core-02", "NYC-DC1", "cisco", "nx-os", "n9000", "N9K-C93180YC-FX", "l3switch", "10.3(4a)", "10.10.0.2", "FDO24321AB2", 0),
    device!("nyc-edge-01", "NYC-DC1", "juniper", "junos", "mx", "MX204", "router", "22.4R3-S2", "10.10.0.10", "JN125A7BCAFB", 0),
    device!("nyc-fw-01", "NYC-DC1", "paloalto", "pan-os", "pa-3200", "PA-3220", "fw", "10.2.7-h3", "10.10.0.20", "016201012345", 0),
    device!("nyc-acc-01", "NYC-DC1", "arista", "eos", "7050", "DCS-7050SX3-48YC8", "switch", "4.31.2F", "10.10.0.30", "JPE21450123", 0),
    device!("lon-rtr-01", "LON-HQ", "cisco", "ios-xe", "isr4400", "ISR4451-X/K9", "router", "17.9.4a", "10.20.0.1", "FGL231091AB", 0),
    device!("lon-sw-01", "LON-HQ", "cisco", "ios-xe", "c9300", "C9300-48P", "switch", "17.9.4a", "10.20.0.2", "FOC2341X0AB", 0),
    device!("lon-wlc-01", "LON-HQ", "cisco", "wlc-air", "c5520", "AIR-CT5520-K9", "wlc", "8.10.185.0", "10.20.0.5", "FCH2219V0AB", 0),
    device!("lon-ap-01", "LON-HQ", "cisco", "wlc-air", "ap", "AIR-AP3802I-E-K9", "ap", "8.10.185.0", "10.20.30.11", "FJC2233M0AA", 0),
    device!("lon-ap-02", "LON-HQ", "cisco", "wlc-air", "ap", "AIR-AP3802I-E-K9", "ap", "8.10.185.0", "10.20.30.12", "FJC2233M0AB", 3),
    device!("sin-rtr-01", "SIN-BR1", "juniper", "junos", "mx", "MX104", "router", "21.2R3-S4", "10.30.0.1", "JN11F2B3EAFA", 0),
    device!("sin-sw-01", "SIN-BR1", "arista", "eos", "7010", "DCS-7010T-48", "switch", "4.30.4M", "10.30.0.2", "JPE19280456", 2),
];

/// The interfaces of a device family: name, description, speed in bit/s, up, address.
fn interfaces_of(device: &Device) -> Vec<(String, &'static str, u64, bool, Option<String>)> {
    let octets: Vec<&str> = device.login_ip.split('.').collect();
    let net = format!("{}.{}", octets[0], octets[1]);
    let g = 1_000_000_000;
    match (device.family, device.dev_type) {
        ("nx-os", _) => vec![
            (
                "Ethernet1/1".into(),
                "to nyc-edge-01 xe-0/0/0",
                10 * g,
                true,
                None,
            ),
            (
                "Ethernet1/2".into(),
                "to nyc-fw-01 ethernet1/1",
                10 * g,
                true,
                None,
            ),
            ("Ethernet1/49".into(), "vPC peer-link", 100 * g, true, None),
            (
                "Vlan10".into(),
                "SERVERS",
                10 * g,
                true,
                Some(format!("{net}.10.{}", octets[3])),
            ),
            ("mgmt0".into(), "OOB", g, true, Some(device.login_ip.to_owned())),
        ],
        ("junos", _) => vec![
            (
                "xe-0/0/0".into(),
                "core uplink",
                10 * g,
                true,
                Some(format!("{net}.255.1")),
            ),
            (
                "xe-0/0/1".into(),
                "transit ISP-A",
                10 * g,
                true,
                Some(format!("{net}.254.2")),
            ),
            ("ge-0/0/2".into(), "transit ISP-B (down)", g, false, None),
            ("fxp0".into(), "OOB", g, true, Some(device.login_ip.to_owned())),
        ],
        ("pan-os", _) => vec![
            (
                "ethernet1/1".into(),
                "trust",
                10 * g,
                true,
                Some(format!("{net}.1.1")),
            ),
            (
                "ethernet1/2".into(),
                "untrust",
                10 * g,
                true,
                Some(format!("{net}.2.1")),
            ),
            ("ethernet1/3".into(), "dmz", g, true, Some(format!("{net}.3.1"))),
        ],
        ("ios-xe", "router") => vec![
            (
                "GigabitEthernet0/0/0".into(),
                "WAN MPLS",
                g,
                true,
                Some(format!("{net}.254.1")),
            ),
            (
                "GigabitEthernet0/0/1".into(),
                "LAN trunk to lon-sw-01",
                g,
                true,
                Some(format!("{net}.10.1")),
            ),
            (
                "GigabitEthernet0/0/2".into(),
                "WAN internet backup",
                g,
                false,
                None,
            ),
        ],
        ("ios-xe", _) => vec![
            ("GigabitEthernet1/0/1".into(), "uplink lon-rtr-01", g, true, None),
            ("GigabitEthernet1/0/2".into(), "desk 2F-14", g, true, None),
            ("GigabitEthernet1/0/3".into(), "printer 2F", g / 10, true, None),
            ("GigabitEthernet1/0/11".into(), "AP lon-ap-01", g, true, None),
            (
                "TenGigabitEthernet1/1/1".into(),
                "to lon-wlc-01",
                10 * g,
                true,
                None,
            ),
        ],
        ("eos", _) => vec![
            ("Ethernet1".into(), "server nyc-web-01", 10 * g, true, None),
            ("Ethernet2".into(), "server nyc-db-01", 10 * g, true, None),
            ("Ethernet48".into(), "uplink", 10 * g, true, None),
            (
                "Management1".into(),
                "OOB",
                g,
                true,
                Some(device.login_ip.to_owned()),
            ),
        ],
        ("wlc-air", "wlc") => vec![
            (
                "TenGigabitEthernet0/0/1".into(),
                "to lon-sw-01",
                10 * g,
                true,
                Some(device.login_ip.to_owned()),
            ),
            (
                "TenGigabitEthernet0/0/2".into(),
                "redundancy port",
                10 * g,
                false,
                None,
            ),
        ],
        _ => vec![(
            "GigabitEthernet0".into(),
            "wired uplink",
            g,
            true,
            Some(device.login_ip.to_owned()),
        )],
    }
}

/// A BGP session as one side sees it.
struct Neighbor {
    hostname: &'static str,
    local_as: u32,
    src_int: &'static str,
    local_address: &'static str,
    nei_hostname: Option<&'static str>,
    nei_address: &'static str,
    nei_as: u32,
    state: &'static str,
    prefixes: u64,
    uptime: u64,
}

macro_rules! neighbor {
    ($h:expr, $las:expr, $int:expr, $la:expr, $nh:expr, $na:expr, $nas:expr, $st:expr, $p:expr, $up:expr) => {
        Neighbor {
            hostname: $h,
            local_as: $las,
            src_int: $int,
            local_address: $la,
            nei_hostname: $nh,
            nei_address: $na,
            nei_as: $nas,
            state: $st,
            prefixes: $p,
            uptime: $up,
        }
    };
}

#[rustfmt::skip]
const NEIGHBORS: [Neighbor; 10] = [
    neighbor!("nyc-edge-01", 65010, "xe-0/0/1", "10.10.254.2", None, "203.0.113.1", 3356, "established", 951_204, 3_888_000),
    neighbor!("nyc-edge-01", 65010, "ge-0/0/2", "198.51.100.2", None, "198.51.100.1", 174, "idle", 0, 0),
    neighbor!("nyc-edge-01", 65010, "xe-0/0/0", "10.10.255.1", Some("nyc-core-01"), "10.10.255.11", 65010, "established", 12, 1_209_600),
    neighbor!("nyc-edge-01", 65010, "xe-0/0/0", "10.10.255.1", Some("nyc-core-02"), "10.10.255.12", 65010, "established", 12, 1_209_600),
    neighbor!("nyc-edge-01", 65010, "xe-0/0/0", "10.10.255.1", Some("lon-rtr-01"), "10.20.254.1", 65020, "established", 4, 604_800),
    neighbor!("nyc-edge-01", 65010, "xe-0/0/0", "10.10.255.1", Some("sin-rtr-01"), "10.30.255.1", 65030, "opensent", 0, 12),
    neighbor!("nyc-core-01", 65010, "Ethernet1/1", "10.10.255.11", Some("nyc-edge-01"), "10.10.255.1", 65010, "established", 951_230, 1_209_600),
    neighbor!("nyc-core-02", 65010, "Ethernet1/1", "10.10.255.12", Some("nyc-edge-01"), "10.10.255.1", 65010, "established", 951_230, 1_209_600),
    neighbor!("lon-rtr-01", 65020, "GigabitEthernet0/0/0", "10.20.254.1", Some("nyc-edge-01"), "10.10.255.1", 65010, "established", 951_210, 604_800),
    neighbor!("sin-rtr-01", 65030, "xe-0/0/0", "10.30.255.1", Some("nyc-edge-01"), "10.10.255.1", 65010, "active", 0, 0),
];

/// An end host: IP, MAC, DNS name, site, VLAN, NIC vendor, its gateway and
/// the switch port or access point (with SSID) it hangs off.
struct Host {
    ip: &'static str,
    mac: &'static str,
    dns: &'static str,
    site: &'static str,
    vlan: u32,
    vendor: &'static str,
    gateway: (&'static str, &'static str),
    edge: Option<(&'static str, &'static str)>,
    ap: Option<(&'static str, &'static str)>,
}

macro_rules! host {
    ($ip:expr, $mac:expr, $dns:expr, $site:expr, $vlan:expr, $vendor:expr, $gw:expr, $edge:expr, $ap:expr) => {
        Host {
            ip: $ip,
            mac: $mac,
            dns: $dns,
            site: $site,
            vlan: $vlan,
            vendor: $vendor,
            gateway: $gw,
            edge: $edge,
            ap: $ap,
        }
    };
}

#[rustfmt::skip]
const HOSTS: [Host; 8] = [
    host!("10.10.10.21", "0050.5601.0a15", "nyc-web-01.corp.example.com", "NYC-DC1", 10, "VMware, Inc.", ("nyc-core-01", "Vlan10"), Some(("nyc-acc-01", "Ethernet1")), None),
    host!("10.10.10.22", "0050.5601.0a16", "nyc-db-01.corp.example.com", "NYC-DC1", 10, "VMware, Inc.", ("nyc-core-01", "Vlan10"), Some(("nyc-acc-01", "Ethernet2")), None),
    host!("10.20.10.15", "f8bc.1245.9a0e", "lon-pc-0415.corp.example.com", "LON-HQ", 10, "Dell Inc.", ("lon-rtr-01", "GigabitEthernet0/0/1"), Some(("lon-sw-01", "GigabitEthernet1/0/2")), None),
    host!("10.20.10.40", "9457.a5e1.33c0", "lon-printer-2f.corp.example.com", "LON-HQ", 10, "HP Inc.", ("lon-rtr-01", "GigabitEthernet0/0/1"), Some(("lon-sw-01", "GigabitEthernet1/0/3")), None),
    host!("10.20.30.101", "a4c3.f0e2.1b7d", "lon-laptop-17.corp.example.com", "LON-HQ", 30, "Apple, Inc.", ("lon-rtr-01", "GigabitEthernet0/0/1"), None, Some(("lon-ap-01", "Corp-WiFi"))),
    host!("10.20.30.102", "3c22.fb10.8e41", "lon-phone-22.corp.example.com", "LON-HQ", 30, "Samsung Electronics Co.,Ltd", ("lon-rtr-01", "GigabitEthernet0/0/1"), None, Some(("lon-ap-01", "Corp-WiFi"))),
    host!("10.20.50.23", "b827.eb6a.40d2", "", "LON-HQ", 50, "Raspberry Pi Foundation", ("lon-rtr-01", "GigabitEthernet0/0/1"), None, Some(("lon-ap-01", "IoT-Sensors"))),
    host!("10.30.10.8", "0017.a4f2.11c9", "sin-pos-03.corp.example.com", "SIN-BR1", 10, "Zebra Technologies Inc.", ("sin-rtr-01", "xe-0/0/0"), Some(("sin-sw-01", "Ethernet2")), None),
];

/// The SSIDs each access point radio broadcasts: name, on 2.4 GHz, on 5 GHz.
const SSIDS: [(&str, bool, bool); 3] = [
    ("Corp-WiFi", true, true),
    ("Guest", true, true),
    ("IoT-Sensors", true, false),
];

/// The tables served: path, IP Fabric's columns (as its API and the SDK's
/// OpenAPI document list them), and whether rows come from a snapshot.
#[rustfmt::skip]
const TABLES: [(&str, &[&str], bool); 17] = [
    ("tables/management/snapshots", &["id", "creatorUsername", "status", "finishStatus", "loadedSize", "unloadedSize", "name", "note", "sites", "fromArchive", "loading", "locked", "deviceAddedCount", "deviceRemovedCount", "interfaceActiveCount", "interfaceCount", "interfaceEdgeCount", "totalDevCount", "isLastSnapshot", "tsChange", "tsEnd", "tsStart", "userCount"], false),
    ("tables/inventory/devices", &["hostname", "siteName", "rd", "stpDomain", "sn", "snHw", "loginIp", "loginIpv4", "loginIpv6", "objectId", "loginType", "uptime", "reload", "memoryUtilization", "memoryTotalBytes", "memoryUsedBytes", "vendor", "family", "platform", "model", "configReg", "version", "image", "processor", "devType", "hostnameOriginal", "hostnameProcessed", "domain", "fqdn", "stack", "slug", "tsDiscoveryStart", "tsDiscoveryEnd", "secDiscoveryDuration", "credentialsNotes", "taskKey", "id", "icon", "loginPort"], true),
    ("tables/inventory/sites", &["siteName", "devicesCount", "usersCount", "stpDCount", "switchesCount", "vlanCount", "rDCount", "routersCount", "networksCount", "stpDomains", "id", "rDomains"], true),
    ("tables/inventory/interfaces", &["hostname", "intName", "intNameAlias", "nameOriginal", "siteName", "l1", "l2", "lastStatusChange", "reason", "dscr", "mac", "duplex", "speed", "bandwidth", "speedValue", "speedType", "media", "errDisabled", "mtu", "primaryIp", "hasTransceiver", "transceiverType", "transceiverSn", "transceiverPn", "slug", "sn", "snHw", "clearingValue", "clearingType", "lastInputValue", "lastInputType", "lastOutputValue", "lastOutputType", "loginType", "rel", "id", "loginIp"], true),
    ("tables/interfaces/load/bidirectional", &["hostname", "siteName", "intName", "interval", "bytes", "pkts", "sn", "id"], true),
    ("tables/interfaces/load/inbound", &["hostname", "siteName", "intName", "interval", "inBytes", "inPkts", "sn", "id"], true),
    ("tables/interfaces/load/outbound", &["hostname", "siteName", "intName", "interval", "outBytes", "outPkts", "sn", "id"], true),
    // The average-rate tables of IP Fabric before 7.0, which the original
    // ChatOps app's `interfaces errors` and `interfaces drops` read.
    ("tables/interfaces/errors/bidirectional", &["hostname", "siteName", "intName", "errPktsPct", "errRate", "bytesRate", "impactErr", "sn", "id"], true),
    ("tables/interfaces/drops/bidirectional", &["hostname", "siteName", "intName", "dropsPktsPct", "dropsRate", "bytesRate", "impactDrops", "sn", "id"], true),
    ("tables/interfaces/counters/inbound", &["hostname", "intName", "siteName", "inPkts", "inBytes", "inBcast", "inMcast", "inDrops", "inErr", "inRunts", "inGiants", "inCrc", "inStompedCrc", "inNoBuffer", "inOverrun", "sn", "id"], true),
    ("tables/interfaces/counters/outbound", &["hostname", "intName", "siteName", "outPkts", "outBytes", "outBcast", "outMcast", "outDrops", "outErr", "outCollisions", "outDeferred", "outLateCollisions", "outLostCarrier", "outNoCarrier", "outBabble", "outBufferDrop", "sn", "id"], true),
    ("tables/routing/protocols/bgp/neighbors", &["hostname", "siteName", "localAs", "srcInt", "vrf", "localAddress", "localAddressV6", "localId", "neiHostname", "neiId", "neiAddress", "neiAddressV6", "neiAs", "type", "state", "totalReceivedPrefixes", "dstInt", "currStateTime", "holdTime", "keepalive", "routingPoliciesIn", "routingPoliciesOut", "sn", "devType", "neiSn", "source", "target", "neiDevType", "neiSiteName", "id"], true),
    ("tables/wireless/radio", &["apName", "siteName", "apSn", "mac", "radioDscr", "radioStatus", "radioMac", "clientCount", "wlanBssid", "wlanSsid", "radioFreq", "id"], true),
    ("tables/wireless/clients", &["controller", "siteName", "apName", "client", "clientIp", "bssid", "ssid", "inBytesRate", "inPktsRate", "outBytesRate", "outPktsRate", "bytesRate", "pktsRate", "rssi", "signalToNoiseRatio", "state", "policyManagerState", "frequency", "apSn", "controllerSn", "uniqId", "id"], true),
    ("tables/wireless/ssid-summary", &["ssid", "radioCount", "apCount", "clientCount", "wlcCount", "id"], true),
    ("tables/addressing/hosts", &["ip", "vrf", "dnsName", "siteName", "edges", "gateways", "accessPoints", "mac", "vendor", "vlan", "type", "id", "uniqId"], true),
    ("tables/wireless/access-points", &["controller", "siteName", "apName", "apPort", "switchHostname", "switchPort", "bssidCount", "clientCount", "avgRssi", "avgSignalToNoiseRatio", "apMac", "impact", "ssid", "apSn", "controllerSn", "apClusterName", "id", "switchSn"], true),
];

/// The columns of table `path`, and whether it is read from a snapshot.
pub fn table_columns(path: &str) -> Option<(&'static [&'static str], bool)> {
    TABLES
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, columns, snapshot)| (*columns, *snapshot))
}

/// IP Fabric's error body: a `code`, a `message`, and per-field `errors`.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

/// A 422 on one field of the request, as IP Fabric's validation answers.
fn invalid(field: &str, message: &str) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({
            "code": "API_UNPROCESSABLE_ENTITY",
            "message": "Request validation failed",
            "errors": [{"field": field, "message": message}]
        }),
    )
}

/// A deterministic row id, as IP Fabric's numeric-string ids.
fn row_id(table: usize, index: usize) -> String {
    (1_100_000_000 + table as u64 * 1_000_003 + index as u64 * 7_919).to_string()
}

/// A MAC address in Cisco's dotted form (IP Fabric's), from a seed.
fn mac(seed: u64) -> String {
    let n = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16;
    format!(
        "{:04x}.{:04x}.{:04x}",
        0x5254 ^ (n >> 32 & 0xff),
        n >> 16 & 0xffff,
        n & 0xffff
    )
}

/// A cell as text, for the text operators: numbers and booleans as written.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn number(value: &Value) -> Option<f64> {
    value.as_f64().or_else(|| value.as_str()?.parse().ok())
}

/// Whether `cell` passes IP Fabric's column filter `[op, value]`. `like` is a
/// case-insensitive substring match, `reg` a case-sensitive regular
/// expression search (PostgreSQL's `~`), `ireg` its case-insensitive form;
/// the `n…` forms negate them.
fn passes(op: &str, cell: &Value, value: &Value) -> Result<bool, String> {
    let (negate, base) = match op.strip_prefix('n') {
        Some(rest) if ["eq", "ieq", "like", "reg", "ireg"].contains(&rest) => (true, rest),
        _ => (false, op),
    };
    let outcome = match base {
        "eq" => cell == value || text(cell) == text(value),
        "ieq" => text(cell).to_lowercase() == text(value).to_lowercase(),
        "like" => text(cell).to_lowercase().contains(&text(value).to_lowercase()),
        "reg" | "ireg" => {
            let pattern = value.as_str().ok_or("a regular expression is a string")?;
            RegexBuilder::new(pattern)
                .case_insensitive(base == "ireg")
                .build()
                .map_err(|e| format!("invalid regular expression {pattern:?}: {e}"))?
                .is_match(&text(cell))
        }
        "gt" | "gte" | "lt" | "lte" => {
            let limit = number(value).ok_or("a number is compared with a number")?;
            number(cell).is_some_and(|n| match base {
                "gt" => n > limit,
                "gte" => n >= limit,
                "lt" => n < limit,
                _ => n <= limit,
            })
        }
        "empty" => {
            let want = value.as_bool().ok_or("empty takes true or false")?;
            let empty = match cell {
                Value::Null => true,
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                _ => false,
            };
            empty == want
        }
        _ => return Err(format!("unsupported filter operator {op:?}")),
    };
    Ok(outcome != negate)
}

/// Whether `row` passes `filter`: IP Fabric's `{"column": [op, value]}`, with
/// `and` and `or` taking lists of filters; several keys in one object all
/// apply. Every part is evaluated, so that a bad part is reported even where
/// an earlier one already failed.
pub fn matches(filter: &Value, row: &Map<String, Value>, columns: &[&str]) -> Result<bool, String> {
    let Value::Object(parts) = filter else {
        return Err("a filter is an object".to_owned());
    };
    let mut all = true;
    for (key, condition) in parts {
        let ok = match key.as_str() {
            "and" | "or" => {
                let list = condition
                    .as_array()
                    .ok_or_else(|| format!("{key} takes a list of filters"))?;
                let results = list
                    .iter()
                    .map(|f| matches(f, row, columns))
                    .collect::<Result<Vec<bool>, String>>()?;
                if key == "and" {
                    results.iter().all(|b| *b)
                } else {
                    results.iter().any(|b| *b)
                }
            }
            column => {
                if !columns.contains(&column) {
                    return Err(format!("unknown column {column:?}"));
                }
                let Some([op, value]) = condition.as_array().map(Vec::as_slice) else {
                    return Err(format!("the filter of {column:?} is [operator, value]"));
                };
                let op = op.as_str().ok_or("an operator is a string")?;
                passes(op, row.get(column).unwrap_or(&Value::Null), value)?
            }
        };
        all &= ok;
    }
    Ok(all)
}

/// The rows as CSV (the `format: {"dataType": "csv"}` export): a header of
/// the columns, then one line per row; lists and objects as their JSON.
fn csv(columns: &[&str], rows: &[Value]) -> String {
    let field = |value: &Value| {
        let text = text(value);
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    };
    let mut out = columns.join(",") + "\n";
    for row in rows {
        let line: Vec<String> = columns.iter().map(|c| field(&row[*c])).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => text(a).cmp(&text(b)),
    }
}

/// What a garbled answer is instead of IP Fabric's JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Garbage {
    /// An HTML login page with `200 OK`, as a single sign-on proxy in front
    /// of the appliance answers.
    Html,
    /// A table's JSON cut off midway, as a dropped connection leaves it.
    TruncatedJson,
}

impl Garbage {
    fn response(self) -> Response {
        match self {
            Garbage::Html => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<!DOCTYPE html>\n<html><head><title>IP Fabric | Sign in</title></head>\
                 <body><form method=\"post\" action=\"/sso/login\"><input name=\"username\"></form></body></html>\n",
            )
                .into_response(),
            Garbage::TruncatedJson => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"data":[{"hostname":"nyc-core-01","siteName":"NYC-DC1","vendor":"cis"#,
            )
                .into_response(),
        }
    }
}

/// What the fake IP Fabric holds beyond its fixed network: the prepared
/// requests waiting to run, and the knobs.
#[derive(Default)]
pub struct IpFabric {
    /// Prepared requests by id: the table path and the body to run it with.
    prepared: HashMap<String, (String, Value)>,
    prepared_count: u64,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
}

/// The snapshot `reference` names: `$last`, `$prev` and `$lastLocked` among
/// the loaded snapshots, newest first (as IP Fabric), or an id.
pub fn resolve_snapshot(reference: &str) -> Option<&'static str> {
    let loaded = || SNAPSHOTS.iter().filter(|s| s.loaded);
    let found = match reference {
        "$last" => loaded().next(),
        "$prev" => loaded().nth(1),
        "$lastLocked" => loaded().find(|s| s.locked),
        id => SNAPSHOTS.iter().find(|s| s.id.eq_ignore_ascii_case(id)),
    };
    found.map(|s| s.id)
}

/// The rows of `table` (e.g. `tables/inventory/devices`) in the loaded
/// snapshot `reference` names (`$last`, `$prev`, `$lastLocked` or an id),
/// every column filled, unfiltered and unsorted: what a test checks the
/// gateway's answers against. Empty for a table the fake does not serve, or
/// a reference that names no loaded snapshot.
pub fn rows_in(table: &str, reference: &str) -> Vec<Value> {
    let Some(found) = resolve_snapshot(reference).map(snapshot).filter(|s| s.loaded) else {
        return Vec::new();
    };
    if table_columns(table).is_none() {
        return Vec::new();
    }
    rows(table, found.ordinal)
        .into_iter()
        .map(Value::Object)
        .collect()
}

/// Every snapshot as `GET /api/snapshots` answers it, newest first.
pub fn snapshots() -> Vec<Value> {
    SNAPSHOTS
        .iter()
        .map(|s| Value::Object(snapshot_json(s, true)))
        .collect()
}

fn snapshot(id: &str) -> &'static Snapshot {
    SNAPSHOTS
        .iter()
        .find(|s| s.id == id)
        .expect("a resolved snapshot")
}

fn devices_in(ordinal: usize) -> impl Iterator<Item = (usize, &'static Device)> {
    DEVICES
        .iter()
        .enumerate()
        .filter(move |(_, d)| d.first_seen <= ordinal)
}

fn device(hostname: &str) -> Option<&'static Device> {
    DEVICES.iter().find(|d| d.hostname == hostname)
}

fn row(pairs: Value) -> Map<String, Value> {
    match pairs {
        Value::Object(map) => map,
        _ => unreachable!("rows are objects"),
    }
}

/// The snapshot as `GET /snapshots` and the snapshots table give it.
fn snapshot_json(s: &Snapshot, full: bool) -> Map<String, Value> {
    let devices = devices_in(s.ordinal).count();
    let interfaces: usize = devices_in(s.ordinal).map(|(_, d)| interfaces_of(d).len()).sum();
    let previous = s.ordinal.checked_sub(1).map_or(0, |p| devices_in(p).count());
    let sites: Vec<&str> = SITES
        .iter()
        .copied()
        .filter(|site| devices_in(s.ordinal).any(|(_, d)| d.site == *site))
        .collect();
    let status = if s.loaded { "done" } else { "unloaded" };
    let mut json = row(json!({
        "id": s.id,
        "creatorUsername": if s.name.is_some() { json!("admin") } else { Value::Null },
        "status": status,
        "finishStatus": "done",
        "loadedSize": if s.loaded { json!(48_234_112 + 1_000_000 * s.ordinal as u64) } else { json!(0) },
        "unloadedSize": 6_122_880 + 150_000 * s.ordinal as u64,
        "name": s.name,
        "note": s.note,
        "sites": sites,
        "fromArchive": false,
        "loading": false,
        "locked": s.locked,
        "deviceAddedCount": devices.saturating_sub(previous),
        "deviceRemovedCount": 0,
        "interfaceActiveCount": interfaces - devices_in(s.ordinal).flat_map(|(_, d)| interfaces_of(d)).filter(|i| !i.3).count(),
        "interfaceCount": interfaces,
        "interfaceEdgeCount": HOSTS.len(),
        "totalDevCount": devices,
        "isLastSnapshot": s.id == LAST_SNAPSHOT,
        "tsChange": s.ts_end + 60_000,
        "tsEnd": s.ts_end,
        "tsStart": s.ts_end - 1_380_000,
        "userCount": HOSTS.len()
    }));
    if full {
        json.insert("licensedDevCount".into(), json!(devices));
        json.insert("version".into(), json!(RELEASE_VERSION));
        json.insert("initialVersion".into(), json!("7.2.8+1"));
        json.insert(
            "errors".into(),
            json!([{"errorType": "ABCommandTimeout", "count": 1}]),
        );
    }
    json
}

/// The rows of `table` in the snapshot of `ordinal`, every column filled.
fn rows(table: &str, ordinal: usize) -> Vec<Map<String, Value>> {
    let table_index = TABLES.iter().position(|(p, _, _)| *p == table).unwrap_or(0);
    let id = |i: usize| row_id(table_index, i);
    let interfaces = || {
        devices_in(ordinal).flat_map(|(d_index, d)| {
            interfaces_of(d)
                .into_iter()
                .enumerate()
                .map(move |(i_index, i)| (d_index, d, i_index, i))
        })
    };
    // A rate in bytes per second, steady per interface; zero where it is down.
    let rate = |d: usize, i: usize, up: bool, speed: u64| {
        if up {
            speed / 8 / 100 * ((d as u64 * 37 + i as u64 * 23) % 61 + 2) / 10
        } else {
            0
        }
    };
    let mut out: Vec<Map<String, Value>> = match table {
        "tables/management/snapshots" => SNAPSHOTS.iter().map(|s| snapshot_json(s, false)).collect(),
        "tables/inventory/devices" => devices_in(ordinal)
            .map(|(i, d)| {
                let total = if d.dev_type == "ap" { 1_073_741_824u64 } else { 17_179_869_184 };
                let used_pct = (i as u64 * 7 + 23) % 60 + 15;
                row(json!({
                    "hostname": d.hostname, "siteName": d.site, "rd": "1", "stpDomain": null,
                    "sn": d.sn, "snHw": d.sn, "loginIp": d.login_ip, "loginIpv4": d.login_ip, "loginIpv6": null,
                    "objectId": null, "loginType": if d.dev_type == "ap" { "capwap" } else { "ssh" },
                    "uptime": 3_888_000 + i as u64 * 86_400, "reload": "reload command",
                    "memoryUtilization": used_pct, "memoryTotalBytes": total, "memoryUsedBytes": total / 100 * used_pct,
                    "vendor": d.vendor, "family": d.family, "platform": d.platform, "model": d.model,
                    "configReg": if d.family == "ios-xe" { json!("0x2102") } else { Value::Null },
                    "version": d.version, "image": null, "processor": null, "devType": d.dev_type,
                    "hostnameOriginal": d.hostname, "hostnameProcessed": d.hostname, "domain": "corp.example.com",
                    "fqdn": format!("{}.corp.example.com", d.hostname), "stack": false, "slug": null,
                    "tsDiscoveryStart": 1_796_264_520_000i64 + i as i64 * 4_000, "tsDiscoveryEnd": 1_796_264_580_000i64 + i as i64 * 4_000,
                    "secDiscoveryDuration": 60, "credentialsNotes": "netops", "taskKey": format!("task-{:04}", i + 1),
                    "id": id(i), "icon": null, "loginPort": if d.dev_type == "ap" { Value::Null } else { json!(22) }
                }))
            })
            .collect(),
        "tables/inventory/sites" => SITES
            .iter()
            .enumerate()
            .map(|(i, site)| {
                let here: Vec<&Device> = devices_in(ordinal).map(|(_, d)| d).filter(|d| d.site == *site).collect();
                let count = |types: &[&str]| here.iter().filter(|d| types.contains(&d.dev_type)).count();
                let vlans = HOSTS.iter().filter(|h| h.site == *site).map(|h| h.vlan).collect::<std::collections::BTreeSet<_>>();
                row(json!({
                    "siteName": site, "devicesCount": here.len(), "usersCount": HOSTS.iter().filter(|h| h.site == *site).count(),
                    "stpDCount": 1, "switchesCount": count(&["switch", "l3switch"]), "vlanCount": vlans.len() + 1,
                    "rDCount": 1, "routersCount": count(&["router", "l3switch", "fw"]), "networksCount": vlans.len() + 2,
                    "stpDomains": [format!("{}-stp", site.to_lowercase())], "id": id(i), "rDomains": [format!("{}-rd", site.to_lowercase())]
                }))
            })
            .filter(|r| r["devicesCount"] != 0)
            .collect(),
        "tables/inventory/interfaces" => interfaces()
            .enumerate()
            .map(|(n, (d_index, d, i_index, (name, dscr, speed, up, ip)))| {
                let fiber = speed >= 10_000_000_000;
                row(json!({
                    "hostname": d.hostname, "intName": name, "intNameAlias": null, "nameOriginal": name, "siteName": d.site,
                    "l1": if up { "up" } else { "down" }, "l2": if up { "up" } else { "down" },
                    "lastStatusChange": 1_794_500_000 + d_index as i64 * 3_600 + i_index as i64 * 60,
                    "reason": if up { Value::Null } else { json!("admin-down") }, "dscr": dscr,
                    "mac": mac((d_index * 64 + i_index) as u64), "duplex": if up { json!("full") } else { Value::Null },
                    "speed": format!("{}Gbps", speed as f64 / 1e9), "bandwidth": speed / 1000, "speedValue": speed,
                    "speedType": "auto", "media": if fiber { json!("10GBase-SR") } else { json!("RJ45") },
                    "errDisabled": null, "mtu": if fiber { 9216 } else { 1500 }, "primaryIp": ip,
                    "hasTransceiver": fiber, "transceiverType": if fiber { json!("SFP-10G-SR") } else { Value::Null },
                    "transceiverSn": if fiber { json!(format!("FNS{:08}", n * 131 + 7)) } else { Value::Null },
                    "transceiverPn": if fiber { json!("SFP-10G-SR") } else { Value::Null }, "slug": null,
                    "sn": d.sn, "snHw": d.sn, "clearingValue": null, "clearingType": "never",
                    "lastInputValue": if up { json!(0) } else { Value::Null }, "lastInputType": "seconds",
                    "lastOutputValue": if up { json!(0) } else { Value::Null }, "lastOutputType": "seconds",
                    "loginType": "ssh", "rel": null, "id": id(n), "loginIp": d.login_ip
                }))
            })
            .collect(),
        "tables/interfaces/load/bidirectional" | "tables/interfaces/load/inbound" | "tables/interfaces/load/outbound" => interfaces()
            .enumerate()
            .map(|(n, (d_index, d, i_index, (name, _, speed, up, _)))| {
                let bytes = rate(d_index, i_index, up, speed);
                let (bytes_key, pkts_key) = match table.rsplit('/').next() {
                    Some("inbound") => ("inBytes", "inPkts"),
                    Some("outbound") => ("outBytes", "outPkts"),
                    _ => ("bytes", "pkts"),
                };
                let bytes = if bytes_key == "bytes" { bytes * 2 } else { bytes };
                let mut r = row(json!({"hostname": d.hostname, "siteName": d.site, "intName": name, "interval": 300, "sn": d.sn, "id": id(n)}));
                r.insert(bytes_key.into(), json!(bytes));
                r.insert(pkts_key.into(), json!(bytes / 740));
                r
            })
            .collect(),
        "tables/interfaces/errors/bidirectional" | "tables/interfaces/drops/bidirectional" => {
            let drops = table.contains("drops");
            interfaces()
                .enumerate()
                .filter(|(_, (_, _, _, i))| i.3)
                .map(|(n, (d_index, d, i_index, (name, _, speed, up, _)))| {
                    let bytes = rate(d_index, i_index, up, speed) * 2;
                    // A few interfaces have trouble; the rest are clean.
                    let seed = (d_index * 5 + i_index * 3 + usize::from(drops)) % 7;
                    let bad = if seed == 0 { 12.5 } else if seed == 3 { 0.35 } else { 0.0 };
                    let pct = if bad > 0.0 { bad / 100.0 } else { 0.0 };
                    let (pct_key, rate_key, impact_key) = if drops {
                        ("dropsPktsPct", "dropsRate", "impactDrops")
                    } else {
                        ("errPktsPct", "errRate", "impactErr")
                    };
                    let mut r = row(json!({"hostname": d.hostname, "siteName": d.site, "intName": name, "bytesRate": bytes, "sn": d.sn, "id": id(n)}));
                    r.insert(pct_key.into(), json!(pct));
                    r.insert(rate_key.into(), json!(bad));
                    r.insert(impact_key.into(), json!((bytes as f64 * pct).round()));
                    r
                })
                .collect()
        }
        "tables/interfaces/counters/inbound" | "tables/interfaces/counters/outbound" => {
            let prefix = if table.ends_with("inbound") { "in" } else { "out" };
            interfaces()
                .enumerate()
                .map(|(n, (d_index, d, i_index, (name, _, speed, up, _)))| {
                    let bytes = rate(d_index, i_index, up, speed) * 3_888_000;
                    let pkts = bytes / 740;
                    let seed = (d_index * 5 + i_index * 3) % 7;
                    let errors = if seed == 0 { pkts / 800 } else { 0 };
                    let drops = if seed == 3 { pkts / 2_000 } else { 0 };
                    let mut r = row(json!({"hostname": d.hostname, "intName": name, "siteName": d.site, "sn": d.sn, "id": id(n)}));
                    let counters: &[(&str, u64)] = if prefix == "in" {
                        &[("Pkts", pkts), ("Bytes", bytes), ("Bcast", pkts / 500), ("Mcast", pkts / 90), ("Drops", drops),
                          ("Err", errors), ("Runts", errors / 10), ("Giants", 0), ("Crc", errors / 2), ("StompedCrc", 0),
                          ("NoBuffer", drops / 3), ("Overrun", 0)]
                    } else {
                        &[("Pkts", pkts), ("Bytes", bytes), ("Bcast", pkts / 700), ("Mcast", pkts / 120), ("Drops", drops),
                          ("Err", errors / 4), ("Collisions", 0), ("Deferred", 0), ("LateCollisions", 0), ("LostCarrier", 0),
                          ("NoCarrier", 0), ("Babble", 0), ("BufferDrop", drops / 2)]
                    };
                    for (key, value) in counters {
                        r.insert(format!("{prefix}{key}"), json!(value));
                    }
                    r
                })
                .collect()
        }
        "tables/routing/protocols/bgp/neighbors" => NEIGHBORS
            .iter()
            .enumerate()
            .filter(|(_, n)| device(n.hostname).is_some_and(|d| d.first_seen <= ordinal))
            .map(|(i, n)| {
                let local = device(n.hostname).expect("a neighbor's device");
                let peer = n.nei_hostname.and_then(device);
                let peer_int = peer.and_then(|p| NEIGHBORS.iter().find(|m| m.hostname == p.hostname && m.nei_hostname == Some(n.hostname))).map(|m| m.src_int);
                let policy = |dir: &str| json!([{"name": format!("AS{}-{dir}", n.nei_as), "type": if local.vendor == "juniper" { "policy-statement" } else { "route-map" }}]);
                row(json!({
                    "hostname": n.hostname, "siteName": local.site, "localAs": n.local_as, "srcInt": n.src_int, "vrf": "default",
                    "localAddress": n.local_address, "localAddressV6": null, "localId": local.login_ip,
                    "neiHostname": n.nei_hostname, "neiId": peer.map_or(n.nei_address, |p| p.login_ip), "neiAddress": n.nei_address,
                    "neiAddressV6": null, "neiAs": n.nei_as, "type": if n.local_as == n.nei_as { "ibgp" } else { "ebgp" },
                    "state": n.state, "totalReceivedPrefixes": n.prefixes, "dstInt": peer_int, "currStateTime": n.uptime,
                    "holdTime": 90, "keepalive": 30, "routingPoliciesIn": policy("in"), "routingPoliciesOut": policy("out"),
                    "sn": local.sn, "devType": local.dev_type, "neiSn": peer.map(|p| p.sn), "source": local.sn,
                    "target": peer.map(|p| p.sn), "neiDevType": peer.map(|p| p.dev_type), "neiSiteName": peer.map(|p| p.site), "id": id(i)
                }))
            })
            .collect(),
        "tables/wireless/radio" => radios(ordinal)
            .enumerate()
            .map(|(i, (ap, ap_index, band, ssid, bssid))| {
                row(json!({
                    "apName": ap.hostname, "siteName": ap.site, "apSn": ap.sn, "mac": mac(900 + ap_index as u64),
                    "radioDscr": if band == 5 { "802.11ax - 5 GHz" } else { "802.11ax - 2.4 GHz" }, "radioStatus": "up",
                    "radioMac": mac(950 + ap_index as u64 * 2 + u64::from(band == 5)),
                    "clientCount": clients(ordinal).filter(|(_, c)| c.1 == bssid).count(),
                    "wlanBssid": bssid, "wlanSsid": ssid, "radioFreq": if band == 5 { "5" } else { "2.4" }, "id": id(i)
                }))
            })
            .collect(),
        "tables/wireless/clients" => clients(ordinal)
            .enumerate()
            .map(|(i, (h, (ap, bssid)))| {
                let wlc = device("lon-wlc-01").expect("the controller");
                let rate = 18_000 + i as u64 * 2_750;
                row(json!({
                    "controller": wlc.hostname, "siteName": h.site, "apName": ap.hostname, "client": h.mac, "clientIp": h.ip,
                    "bssid": bssid, "ssid": h.ap.map(|a| a.1), "inBytesRate": rate, "inPktsRate": rate / 600,
                    "outBytesRate": rate * 3, "outPktsRate": rate * 3 / 900, "bytesRate": rate * 4, "pktsRate": rate / 600 + rate * 3 / 900,
                    "rssi": -52 - i as i64 * 6, "signalToNoiseRatio": 41 - i as i64 * 5, "state": "RUN", "policyManagerState": "RUN",
                    "frequency": if h.ap.is_some_and(|a| a.1 == "IoT-Sensors") { "2.4" } else { "5" },
                    "apSn": ap.sn, "controllerSn": wlc.sn, "uniqId": format!("{}-{}", wlc.sn, h.mac), "id": id(i)
                }))
            })
            .collect(),
        "tables/wireless/ssid-summary" => SSIDS
            .iter()
            .enumerate()
            .map(|(i, (ssid, _, _))| {
                let radios: Vec<_> = radios(ordinal).filter(|r| r.3 == *ssid).collect();
                let aps = radios.iter().map(|r| r.0.hostname).collect::<std::collections::BTreeSet<_>>();
                row(json!({
                    "ssid": ssid, "radioCount": radios.len(), "apCount": aps.len(),
                    "clientCount": clients(ordinal).filter(|(h, _)| h.ap.is_some_and(|a| a.1 == *ssid)).count(),
                    "wlcCount": 1, "id": id(i)
                }))
            })
            .collect(),
        "tables/wireless/access-points" => devices_in(ordinal)
            .filter(|(_, d)| d.dev_type == "ap")
            .enumerate()
            .map(|(i, (d_index, ap))| {
                let wlc = device("lon-wlc-01").expect("the controller");
                let here = clients(ordinal).filter(|(_, (a, _))| a.hostname == ap.hostname).count();
                row(json!({
                    "controller": wlc.hostname, "siteName": ap.site, "apName": ap.hostname, "apPort": "GigabitEthernet0",
                    "switchHostname": "lon-sw-01", "switchPort": format!("GigabitEthernet1/0/{}", 11 + i), "bssidCount": radios(ordinal).filter(|r| r.0.hostname == ap.hostname).count(),
                    "clientCount": here, "avgRssi": if here > 0 { json!(-58) } else { Value::Null },
                    "avgSignalToNoiseRatio": if here > 0 { json!(35) } else { Value::Null }, "apMac": mac(900 + d_index as u64),
                    "impact": null, "ssid": SSIDS.iter().map(|s| s.0).collect::<Vec<_>>(), "apSn": ap.sn, "controllerSn": wlc.sn,
                    "apClusterName": null, "id": id(i), "switchSn": device("lon-sw-01").map(|s| s.sn)
                }))
            })
            .collect(),
        "tables/addressing/hosts" => HOSTS
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let sn = |name: &str| device(name).map(|d| d.sn);
                let edges = h.edge.map_or(json!([]), |(sw, port)| json!([{"hostname": sw, "intName": port, "intDscr": null, "poe": null, "sn": sn(sw)}]));
                let aps = h.ap.map_or(json!([]), |(ap, ssid)| json!([{"hostname": ap, "ssid": ssid}]));
                row(json!({
                    "ip": h.ip, "vrf": "", "dnsName": if h.dns.is_empty() { Value::Null } else { json!(h.dns) },
                    "siteName": h.site, "edges": edges,
                    "gateways": [{"hostname": h.gateway.0, "intName": h.gateway.1, "sn": sn(h.gateway.0)}],
                    "accessPoints": aps, "mac": h.mac, "vendor": h.vendor, "vlan": h.vlan, "type": null,
                    "id": id(i), "uniqId": format!("{}-{}", h.ip, h.mac)
                }))
            })
            .collect(),
        _ => Vec::new(),
    };
    for r in &mut out {
        for column in table_columns(table).map(|c| c.0).unwrap_or_default() {
            r.entry(*column).or_insert(Value::Null);
        }
    }
    out
}

/// Each access point radio and SSID: the AP, its index, the band (2 or 5),
/// the SSID and the BSSID.
fn radios(ordinal: usize) -> impl Iterator<Item = (&'static Device, usize, u8, &'static str, String)> {
    devices_in(ordinal)
        .filter(|(_, d)| d.dev_type == "ap")
        .flat_map(|(index, ap)| {
            SSIDS.iter().enumerate().flat_map(move |(s, (ssid, on24, on5))| {
                [(2u8, *on24), (5u8, *on5)]
                    .into_iter()
                    .filter(|(_, on)| *on)
                    .map(move |(band, _)| {
                        (
                            ap,
                            index,
                            band,
                            *ssid,
                            mac(1_000 + index as u64 * 16 + s as u64 * 2 + u64::from(band == 5)),
                        )
                    })
            })
        })
}

/// The wireless hosts with their access point and BSSID.
fn clients(ordinal: usize) -> impl Iterator<Item = (&'static Host, (&'static Device, String))> {
    HOSTS.iter().filter_map(move |h| {
        let (ap_name, ssid) = h.ap?;
        let ap = device(ap_name).filter(|d| d.first_seen <= ordinal)?;
        let band = if ssid == "IoT-Sensors" { 2 } else { 5 };
        let bssid = radios(ordinal)
            .find(|r| r.0.hostname == ap.hostname && r.3 == ssid && r.2 == band)?
            .4;
        Some((h, (ap, bssid)))
    })
}

/// Where a request starts and ends in the path lookup: the device that
/// routes for an address (a host's gateway, or the device itself).
fn gateway_of(address: &str) -> Option<&'static Device> {
    let ip = address.split('/').next().unwrap_or(address);
    HOSTS
        .iter()
        .find(|h| h.ip == ip)
        .and_then(|h| device(h.gateway.0))
        .or_else(|| DEVICES.iter().find(|d| d.login_ip == ip))
}

/// The first port of a comma list or range (`"80,443"`, `"22-23"`, 443).
fn first_port(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str()?.split([',', '-']).next()?.trim().parse().ok())
}

/// The devices a packet crosses from `source` to `destination`: the
/// gateways, and between sites the NYC firewall and edge router (the hub of
/// this network's WAN). The firewall drops telnet (TCP 23).
fn path(parameters: &Value) -> (Vec<&'static Device>, bool) {
    let source = parameters["startingPoint"].as_str().and_then(gateway_of);
    let destination = parameters["destinationPoint"].as_str().and_then(gateway_of);
    let (Some(source), Some(destination)) = (source, destination) else {
        return (Vec::new(), false);
    };
    let mut hops = vec![source];
    if source.site != destination.site {
        for hop in ["nyc-fw-01", "nyc-edge-01"].map(|h| device(h).expect("the hub")) {
            if !hops.iter().any(|d| d.hostname == hop.hostname) && hop.hostname != destination.hostname {
                hops.push(hop);
            }
        }
    }
    if !hops.iter().any(|d| d.hostname == destination.hostname) {
        hops.push(destination);
    }
    let telnet =
        parameters["protocol"] == "tcp" && first_port(&parameters["l4Options"]["dstPorts"]) == Some(23);
    let passes = !(telnet && hops.iter().any(|d| d.dev_type == "fw"));
    (hops, passes)
}

/// The id of the `ip` edge setting, which every edge of a path here uses.
const IP_EDGE_SETTING: &str = "6b2f3c1e-7a4d-4e5f-9b8c-0d1e2f3a4b5c";
/// The id of the `ethernet` edge setting.
const ETHERNET_EDGE_SETTING: &str = "1c8e4d2a-3f5b-4a6c-8d9e-0f1a2b3c4d5e";

/// A port list of the lookup (`"1024-65535"`, `"80,443"`, 443) as the
/// packet headers carry it: one string per comma-separated part.
fn ports(value: &Value) -> Value {
    let text = match value {
        Value::Number(n) => n.to_string(),
        other => other.as_str().unwrap_or_default().to_owned(),
    };
    json!(
        text.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
    )
}

/// The headers of the packet a device forwards on hop `hop`: Ethernet, IP
/// (TTL counting down) and the transport of the lookup (its `l4Options`:
/// ports and flags, or the ICMP type and code).
fn packet(parameters: &Value, hop: usize, from: &Device, to: &Device) -> Value {
    let protocol = parameters["protocol"].as_str().unwrap_or("tcp");
    let l4 = &parameters["l4Options"];
    let ip = |key: &str| json!([parameters[key].as_str().unwrap_or_default()]);
    let transport = match protocol {
        "icmp" => json!({
            "type": "icmp",
            "icmpType": l4["type"].as_i64().unwrap_or(0),
            "icmpCode": l4["code"].as_i64().unwrap_or(0)
        }),
        "udp" => json!({"type": "udp", "src": ports(&l4["srcPorts"]), "dst": ports(&l4["dstPorts"])}),
        _ => json!({
            "type": "tcp",
            "src": ports(&l4["srcPorts"]),
            "dst": ports(&l4["dstPorts"]),
            "flags": l4["flags"].as_array().cloned().unwrap_or_default()
        }),
    };
    let ttl = parameters["ttl"].as_i64().unwrap_or(128) - hop as i64;
    let seed = |d: &Device| {
        d.sn.bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
    };
    json!([
        {"type": "ethernet", "src": mac(seed(from)), "dst": mac(seed(to)), "etherType": "0x0800", "vlan": null},
        {"type": "ip", "src": ip("startingPoint"), "dst": ip("destinationPoint"), "protocol": protocol, "ttl": ttl},
        transport
    ])
}

/// The JSON of a path lookup, in the shape of the SDK's `PathLookupResult`:
/// the devices as nodes, the hops as edges with the packet each carries,
/// and per device the decision trace (route found, security check, and
/// where traffic is dropped, the drop).
fn path_result(parameters: &Value) -> Value {
    let (hops, passes) = path(parameters);
    let checks = |ok: usize, bad: usize| json!({"0": ok, "10": 0, "20": 0, "30": bad});
    let dropped_at = (!passes)
        .then(|| hops.iter().position(|d| d.dev_type == "fw"))
        .flatten();
    let nodes: Map<String, Value> = hops
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                d.sn.to_owned(),
                json!({
                    "path": format!("{}/{}", d.site, d.hostname), "boxId": d.site, "children": [],
                    "graphType": "pathLookup", "id": d.sn, "label": d.hostname, "parentPath": d.site,
                    "sn": d.sn, "type": d.dev_type, "stack": false,
                    "position": {"x": 200 * i, "y": 100},
                    "acceptedPackets": {}, "droppedPackets": {}, "generatedPackets": {}
                }),
            )
        })
        .collect();
    // Traffic dropped at the firewall leaves it on no edge.
    let edge_count = dropped_at.unwrap_or(hops.len().saturating_sub(1));
    let edges: Map<String, Value> = hops
        .windows(2)
        .take(edge_count)
        .enumerate()
        .map(|(i, pair)| {
            let id = format!("edge-{}", i + 1);
            let (out, into) = (interfaces_of(pair[0])[0].0.clone(), interfaces_of(pair[1])[0].0.clone());
            (
                id.clone(),
                json!({
                    "direction": "forward", "source": pair[0].sn, "target": pair[1].sn,
                    "edgeSettingsId": IP_EDGE_SETTING, "id": id,
                    "labels": {"source": [{"type": "intName", "visible": true, "text": out}],
                               "target": [{"type": "intName", "visible": true, "text": into}]},
                    "protocol": "ip",
                    "nextEdgeIds": if i + 1 < edge_count { json!([format!("edge-{}", i + 2)]) } else { json!([]) },
                    "prevEdgeIds": if i > 0 { json!([format!("edge-{i}")]) } else { json!([]) },
                    "packet": packet(parameters, i, pair[0], pair[1]), "severityInfo": checks(1, 0),
                    "sourceIfaceName": out, "targetIfaceName": into,
                    "trafficScore": {"accepted": 1, "dropped": 0, "forwarded": 1, "total": 1}
                }),
            )
        })
        .collect();
    let destination = parameters["destinationPoint"].as_str().unwrap_or_default();
    let decisions: Map<String, Value> = hops
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let dropped = dropped_at == Some(i);
            let mut events = vec![json!({
                "type": "table entry match", "table": "route",
                "filter": {"vrf": "default", "prefix": destination}
            })];
            if d.dev_type == "fw" {
                events.push(json!({
                    "type": "security check", "protocolId": "tcp", "securityType": "zoneFirewall",
                    "decidingPolicyName": if dropped { "deny-telnet" } else { "allow-corp-apps" },
                    "decidingRule": [if dropped { 3 } else { 1 }]
                }));
            }
            events.push(if dropped {
                json!({
                    "type": "drop packet", "reason": "security", "action": "deny",
                    "severityInfo": {"name": "zone firewall deny", "severity": 30, "topic": "ZONEFW", "details": []}
                })
            } else {
                json!({"type": "accept packet"})
            });
            (
                d.sn.to_owned(),
                json!({
                    "traces": [{"severityInfo": if dropped { checks(0, 1) } else { checks(1, 0) },
                                "sourcePacketId": format!("pkt-{i}-in"), "targetPacketId": format!("pkt-{i}-out"),
                                "trace": [{"chain": "forwarding", "phase": "ingress", "events": events}]}],
                    "trafficIn": {}, "trafficOut": {}
                }),
            )
        })
        .collect();
    let sites: Map<String, Value> = hops.iter().map(|d| (d.site.to_owned(), json!(d.site))).collect();
    let edge_setting = |id: &str, name: &str, colour: &str| {
        json!({
            "id": id, "name": name, "type": "pathLookupEdge", "grouped": false, "visible": true,
            "style": {"color": colour, "pattern": "solid", "thicknessThresholds": [2, 4, 8]},
            "labels": ["intName", "protocol"]
        })
    };
    let dropped = usize::from(dropped_at.is_some());
    json!({
        "graphResult": {
            "boxLabels": sites,
            "graphData": {"nodes": nodes, "edges": edges},
            "settings": {
                "edges": [edge_setting(IP_EDGE_SETTING, "ip", "#ff99ff"), edge_setting(ETHERNET_EDGE_SETTING, "ethernet", "#7aa3cc")],
                "pathLookup": {"ignoredTopics": [], "colorDetectedLoops": true}
            }
        },
        "pathlookup": {
            "eventsSummary": {
                "flags": [],
                "topics": {
                    "ACL": checks(hops.len(), 0),
                    "FORWARDING": checks(hops.len(), 0),
                    "ZONEFW": checks(hops.len() - dropped, dropped)
                },
                "global": []
            },
            "decisions": decisions,
            "passingTraffic": if !hops.is_empty() && passes { "all" } else { "none" },
            "check": {"exists": !hops.is_empty()}
        }
    })
}

/// The PNG of a path lookup: a box per device, coloured by its type, joined
/// by lines, green where traffic passes and red after the device that drops it.
pub fn path_png(parameters: &Value) -> Vec<u8> {
    let (hops, passes) = path(parameters);
    let count = hops.len().max(1) as u32;
    let (width, height) = (160 * count, 120);
    let colour = |d: &Device| match d.dev_type {
        "fw" => [214, 69, 65],
        "router" => [52, 120, 198],
        "l3switch" | "switch" => [46, 160, 112],
        _ => [128, 128, 128],
    };
    let dropped_at = (!passes)
        .then(|| hops.iter().position(|d| d.dev_type == "fw"))
        .flatten();
    png(width, height, |x, y| {
        let slot = (x / 160) as usize;
        let (cx, in_box) = (x % 160, (50..110).contains(&(x % 160)) && (40..80).contains(&y));
        if let Some(d) = hops.get(slot)
            && in_box
        {
            return colour(d);
        }
        let on_line =
            (58..62).contains(&y) && !(slot == 0 && cx < 110) && !(slot + 1 == count as usize && cx >= 50);
        if on_line && !hops.is_empty() {
            let after_drop = dropped_at.is_some_and(|at| slot > at || (slot == at && cx >= 110));
            return if after_drop { [200, 40, 40] } else { [90, 170, 90] };
        }
        [255, 255, 255]
    })
}

/// The request's path below `/api/`, without a version segment (`v8.0/`),
/// or `None` outside the API.
fn api_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/")?;
    let versioned = rest.strip_prefix('v').and_then(|r| {
        let (version, tail) = r.split_once('/')?;
        version
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then_some(tail)
    });
    Some(versioned.unwrap_or(rest).trim_end_matches('/'))
}

/// The fields of a table `GET` (the SDK's streaming fallback): each query
/// parameter's value is JSON (`columns=[…]`), except the plain `snapshot`.
fn payload_from_query(query: &str) -> Value {
    let fields: Map<String, Value> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| {
            let value = serde_json::from_str(&v).unwrap_or_else(|_| Value::String(v.into_owned()));
            (k.into_owned(), value)
        })
        .collect();
    Value::Object(fields)
}

impl IpFabric {
    /// Runs a table query as `principal`: IP Fabric's validation, then its
    /// filters, sort and paging.
    fn table(&self, principal: &Principal, table: &str, payload: &Value) -> Response {
        let Some((columns, from_snapshot)) = table_columns(table) else {
            return error(
                StatusCode::NOT_FOUND,
                "API_NOT_FOUND",
                &format!("Not Found: /api/{table}"),
            );
        };
        if principal.forbidden.contains(&table) {
            return error(
                StatusCode::FORBIDDEN,
                "API_INSUFFICIENT_RIGHTS",
                &format!("Insufficient rights: POST /{table}"),
            );
        }
        let Some(asked) = payload["columns"].as_array().filter(|c| !c.is_empty()) else {
            return invalid("columns", "columns must be a non-empty array of column names");
        };
        let mut wanted = Vec::new();
        for column in asked {
            match column.as_str() {
                Some(c) if columns.contains(&c) => wanted.push(c),
                _ => return invalid("columns", &format!("Unknown column {column} of table /{table}")),
            }
        }
        let ordinal = if from_snapshot {
            let Some(reference) = payload["snapshot"].as_str() else {
                return invalid("snapshot", "snapshot is required");
            };
            let Some(id) = resolve_snapshot(reference) else {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "API_SNAPSHOT_NOT_FOUND",
                    &format!("Snapshot {reference} not found"),
                );
            };
            let found = snapshot(id);
            if !found.loaded {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "API_SNAPSHOT_NOT_LOADED",
                    &format!("Snapshot {id} is not loaded"),
                );
            }
            found.ordinal
        } else {
            0
        };
        let filter = match &payload["filters"] {
            Value::Null => json!({}),
            other => other.clone(),
        };
        // Checked once on an empty row, so that a bad filter is refused even
        // where the table has no rows.
        if let Err(e) = matches(&filter, &Map::new(), columns) {
            return invalid("filters", &e);
        }
        let mut found: Vec<Map<String, Value>> = rows(table, ordinal)
            .into_iter()
            .filter(|r| matches(&filter, r, columns).unwrap_or(false))
            .collect();
        if let Some(column) = payload["sort"]["column"].as_str() {
            if !columns.contains(&column) {
                return invalid("sort", &format!("Unknown column {column} of table /{table}"));
            }
            let descending = payload["sort"]["order"] == "desc";
            found.sort_by(|a, b| {
                let order = compare(&a[column], &b[column]);
                if descending { order.reverse() } else { order }
            });
        }
        let count = found.len();
        let pagination = &payload["pagination"];
        let start = pagination["start"].as_u64().unwrap_or(0) as usize;
        let limit = pagination["limit"].as_u64().map(|l| l as usize);
        let data: Vec<Value> = found
            .into_iter()
            .skip(start)
            .take(limit.unwrap_or(usize::MAX))
            .map(|r| Value::Object(wanted.iter().map(|c| ((*c).to_owned(), r[*c].clone())).collect()))
            .collect();
        if payload["format"]["dataType"] == "csv" {
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                csv(&wanted, &data),
            )
                .into_response();
        }
        json_response(
            StatusCode::OK,
            &json!({"data": data, "_meta": {"count": count, "size": data.len(), "limit": limit, "start": start}}),
        )
    }

    fn user(principal: &Principal) -> Value {
        json!({
            "id": principal.id,
            "username": principal.username,
            "isLocal": true,
            "ssoProvider": null,
            "domainSuffixes": null,
            "roleNames": [principal.role],
            "roleIds": [principal.role],
            "ldapId": null,
            "timezone": "UTC",
            "token": {"id": format!("10{}", principal.id), "description": principal.description, "roleIds": [principal.role]}
        })
    }

    /// The API scopes of a role (`users/me/scopes/api`): every table but its forbidden ones.
    fn scopes(principal: &Principal) -> Value {
        let tables = TABLES
            .iter()
            .filter(|(t, _, _)| !principal.forbidden.contains(t))
            .map(|(t, _, _)| ("POST", format!("/{t}")));
        let others = [
            ("GET", "/snapshots".to_owned()),
            ("GET", "/snapshots/:key".to_owned()),
            ("POST", "/graphs".to_owned()),
            ("POST", "/graphs/png".to_owned()),
            ("POST", "/prepared-requests".to_owned()),
            ("GET", "/prepared-requests/:preparedRequestId/execute".to_owned()),
        ];
        let data: Vec<Value> = tables
            .chain(others)
            .enumerate()
            .map(|(i, (method, path))| json!({"method": method, "path": path, "id": format!("scope-{:03}", i + 1)}))
            .collect();
        json!({"data": data})
    }

    fn graph(request: &Recorded, png: bool) -> Response {
        let body = request.json();
        let parameters = &body["parameters"];
        let Some(reference) = body["snapshot"].as_str() else {
            return invalid("snapshot", "snapshot is required");
        };
        match resolve_snapshot(reference).map(snapshot) {
            None => {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "API_SNAPSHOT_NOT_FOUND",
                    &format!("Snapshot {reference} not found"),
                );
            }
            Some(s) if !s.loaded => {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "API_SNAPSHOT_NOT_LOADED",
                    &format!("Snapshot {} is not loaded", s.id),
                );
            }
            Some(_) => {}
        }
        match parameters["pathLookupType"].as_str() {
            Some("unicast") => {}
            Some(other) => {
                return invalid(
                    "parameters.pathLookupType",
                    &format!("this appliance's path lookup serves unicast only, not {other}"),
                );
            }
            None => return invalid("parameters.pathLookupType", "pathLookupType is required"),
        }
        if png {
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "image/png")],
                path_png(parameters),
            )
                .into_response()
        } else {
            json_response(StatusCode::OK, &path_result(parameters))
        }
    }
}

impl Platform for IpFabric {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        if let Some(garbage) = self.faults.garbage_for(&request.path) {
            return garbage.response();
        }
        // Every endpoint served here has one API version, 1: an `X-API-Version`
        // asking another is gone (410), as IP Fabric 7.5+ answers it.
        let asked = request.header("x-api-version").map(str::to_owned);
        if let Some(version) = asked.filter(|v| v != API_ENDPOINT_VERSION) {
            let mut gone = error(
                StatusCode::GONE,
                "API_UNSUPPORTED_VERSION",
                &format!("API version {version} is not supported by {}", request.path),
            );
            gone.headers_mut().insert(
                "x-api-versions-supported",
                HeaderValue::from_static(API_ENDPOINT_VERSION),
            );
            return gone;
        }
        let mut response = self.answer(request);
        response.headers_mut().insert(
            "x-api-version-used",
            HeaderValue::from_static(API_ENDPOINT_VERSION),
        );
        response
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        self.faults.delay_for(&request.path)
    }
}

impl IpFabric {
    /// The answer to one request, once its version is one served.
    fn answer(&mut self, request: &Recorded) -> Response {
        let Some(path) = api_path(&request.path).map(str::to_owned) else {
            return error(StatusCode::NOT_FOUND, "API_NOT_FOUND", "Not Found");
        };
        if request.method == Method::GET && path == "version" {
            return json_response(
                StatusCode::OK,
                &json!({"apiVersion": API_VERSION, "releaseVersion": RELEASE_VERSION}),
            );
        }
        let token = request.header("x-api-token").unwrap_or_default();
        let Some(principal) = PRINCIPALS.iter().find(|p| !token.is_empty() && p.token == token) else {
            let message = if token.is_empty() {
                "Authentication required: no API token or access token was sent"
            } else {
                "Invalid API token"
            };
            return error(StatusCode::UNAUTHORIZED, UNAUTHORIZED, message);
        };
        match (&request.method, path.as_str()) {
            (&Method::GET, "users/me") => json_response(StatusCode::OK, &IpFabric::user(principal)),
            (&Method::GET, "users/me/scopes/api") => {
                json_response(StatusCode::OK, &IpFabric::scopes(principal))
            }
            (&Method::GET, "os/hostname") => json_response(StatusCode::OK, &json!({"hostname": HOSTNAME})),
            (&Method::GET, "snapshots") => json_response(StatusCode::OK, &Value::Array(snapshots())),
            (&Method::GET, p) if p.starts_with("snapshots/") && !p["snapshots/".len()..].contains('/') => {
                match resolve_snapshot(&p["snapshots/".len()..]) {
                    Some(id) => {
                        json_response(StatusCode::OK, &Value::Object(snapshot_json(snapshot(id), true)))
                    }
                    None => error(
                        StatusCode::NOT_FOUND,
                        "API_SNAPSHOT_NOT_FOUND",
                        "Snapshot not found",
                    ),
                }
            }
            // The intent checks and their groups, which the SDK loads on login:
            // none are defined on this appliance (the ChatOps commands use none).
            (&Method::GET, "reports") => {
                let params = payload_from_query(&request.query);
                match params["snapshot"]
                    .as_str()
                    .and_then(resolve_snapshot)
                    .map(snapshot)
                {
                    Some(s) if s.loaded => json_response(StatusCode::OK, &json!([])),
                    Some(s) => error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "API_SNAPSHOT_NOT_LOADED",
                        &format!("Snapshot {} is not loaded", s.id),
                    ),
                    None => invalid("snapshot", "snapshot must name a snapshot"),
                }
            }
            (&Method::GET, "reports/groups") => json_response(StatusCode::OK, &json!([])),
            (&Method::POST, p) if p.starts_with("tables/") => self.table(principal, p, &request.json()),
            (&Method::GET, p) if p.starts_with("tables/") => {
                let payload = payload_from_query(&request.query);
                self.table(principal, p, &payload)
            }
            (&Method::POST, "prepared-requests") => {
                let params: HashMap<String, String> = form_urlencoded::parse(request.query.as_bytes())
                    .into_owned()
                    .collect();
                let target = params.get("path").map(|p| p.trim_start_matches('/').to_owned());
                match (params.get("method").map(String::as_str), target) {
                    (Some("POST"), Some(target)) if table_columns(&target).is_some() => {
                        self.prepared_count += 1;
                        let id = format!("7d3e9a10-4b2c-4f6d-8e1a-{:012x}", self.prepared_count);
                        self.prepared.insert(id.clone(), (target, request.json()));
                        json_response(StatusCode::OK, &json!({"preparedRequestId": id}))
                    }
                    _ => invalid("path", "method=POST and the path of a table are required"),
                }
            }
            (&Method::GET, p) if p.starts_with("prepared-requests/") && p.ends_with("/execute") => {
                let id = &p["prepared-requests/".len()..p.len() - "/execute".len()];
                // One run per prepared request, as the appliance keeps them only until used.
                match self.prepared.remove(id) {
                    Some((table, payload)) => self.table(principal, &table, &payload),
                    None => error(
                        StatusCode::NOT_FOUND,
                        "API_NOT_FOUND",
                        "Prepared request not found",
                    ),
                }
            }
            (&Method::POST, "graphs") => IpFabric::graph(request, false),
            (&Method::POST, "graphs/png") => IpFabric::graph(request, true),
            (method, p) => error(
                StatusCode::NOT_FOUND,
                "API_NOT_FOUND",
                &format!("Cannot {method} /api/{p}"),
            ),
        }
    }
}

/// The running fake.
pub type FakeIpFabric = FakeApi<IpFabric>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakeIpFabric`].
impl Faulty for IpFabric {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }
}

impl FakeIpFabric {
    /// The appliance's root URL (without `/api/`), as the SDK's `base_url`.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// The bodies of the table requests to `table` (e.g.
    /// `tables/inventory/devices`) so far, by `POST` or prepared request, in order.
    pub fn table_queries(&self, table: &str) -> Vec<Value> {
        self.requests()
            .iter()
            .filter(|r| r.method == Method::POST)
            .filter_map(|r| {
                let path = api_path(&r.path)?;
                if path == table {
                    return Some(r.json());
                }
                let prepared = form_urlencoded::parse(r.query.as_bytes())
                    .any(|(k, v)| k == "path" && v.trim_start_matches('/') == table);
                (path == "prepared-requests" && prepared).then(|| r.json())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(ipf: &IpFabric, token: &str, table: &str, payload: Value) -> (StatusCode, Value) {
        let principal = PRINCIPALS.iter().find(|p| p.token == token).unwrap();
        let response = ipf.table(principal, table, &payload);
        let status = response.status();
        let body =
            futures::executor::block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    fn hostnames(body: &Value) -> Vec<&str> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["hostname"].as_str().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn the_knobs_garble_and_hold_back_until_mended() {
        let fake = FakeIpFabric::start().await;
        let http = reqwest::Client::new();
        let devices = || {
            http.post(fake.url_of("/api/tables/inventory/devices"))
                .header("x-api-token", ADMIN_TOKEN)
                .json(&json!({"columns": ["hostname"], "snapshot": "$last"}))
                .send()
        };
        fake.garble("/api/tables/", Garbage::Html);
        let garbled = devices().await.unwrap();
        assert_eq!(garbled.headers()["content-type"], "text/html; charset=utf-8");
        fake.mend();
        fake.slow_down("/api/tables/", Duration::from_millis(300));
        let started = std::time::Instant::now();
        let answer: Value = devices().await.unwrap().json().await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(answer["_meta"]["count"], LAST_DEVICES);
        assert_eq!(fake.table_queries("tables/inventory/devices").len(), 2);
        fake.mend();
        let refused = http.get(fake.url_of("/api/users/me")).send().await.unwrap();
        assert_eq!(refused.status().as_u16(), 401);
    }

    #[test]
    fn a_table_get_takes_its_fields_as_json_query_parameters() {
        let payload = payload_from_query(
            "columns=%5B%22hostname%22%2C%22vendor%22%5D&filters=%7B%22vendor%22%3A%5B%22eq%22%2C%22juniper%22%5D%7D&snapshot=$prev",
        );
        assert_eq!(payload["snapshot"], "$prev");
        let (status, body) = query(
            &IpFabric::default(),
            ADMIN_TOKEN,
            "tables/inventory/devices",
            payload,
        );
        assert_eq!(status, StatusCode::OK);
        assert_eq!(hostnames(&body), ["nyc-edge-01", "sin-rtr-01"]);
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let rows = [
            json!({"hostname": "a,b", "vendor": "say \"hi\""}),
            json!({"hostname": "c", "vendor": null}),
        ];
        assert_eq!(
            csv(&["hostname", "vendor"], &rows),
            "hostname,vendor\n\"a,b\",\"say \"\"hi\"\"\"\nc,\n"
        );
    }

    #[test]
    fn references_resolve_among_the_loaded_snapshots() {
        assert_eq!(resolve_snapshot("$last"), Some(LAST_SNAPSHOT));
        assert_eq!(resolve_snapshot("$prev"), Some(PREV_SNAPSHOT));
        assert_eq!(resolve_snapshot("$lastLocked"), Some(LOCKED_SNAPSHOT));
        assert_eq!(
            resolve_snapshot(&UNLOADED_SNAPSHOT.to_uppercase()),
            Some(UNLOADED_SNAPSHOT)
        );
        assert_eq!(resolve_snapshot("$first"), None);
    }

    #[test]
    fn filters_combine_as_ip_fabric_defines_them() {
        let ipf = IpFabric::default();
        let columns = json!(["hostname", "vendor", "siteName"]);
        let ask = |filters: Value| {
            query(
                &ipf,
                ADMIN_TOKEN,
                "tables/inventory/devices",
                json!({"columns": columns, "filters": filters, "snapshot": "$last", "sort": {"order": "asc", "column": "hostname"}}),
            )
        };
        let (_, arista) = ask(json!({"vendor": ["eq", "arista"]}));
        assert_eq!(hostnames(&arista), ["nyc-acc-01", "sin-sw-01"]);
        let (_, edge) = ask(json!({"hostname": ["like", "EDGE"]}));
        assert_eq!(hostnames(&edge), ["nyc-edge-01"]);
        let (_, either) =
            ask(json!({"or": [{"hostname": ["reg", "^sin-"]}, {"vendor": ["ieq", "PALOALTO"]}]}));
        assert_eq!(hostnames(&either), ["nyc-fw-01", "sin-rtr-01", "sin-sw-01"]);
        let (_, both) = ask(json!({"and": [{"siteName": ["eq", "LON-HQ"]}, {"hostname": ["nreg", "ap"]}]}));
        assert_eq!(hostnames(&both), ["lon-rtr-01", "lon-sw-01", "lon-wlc-01"]);
        let (status, bad) = ask(json!({"hostname": ["reg", "("]}));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["errors"][0]["field"], "filters");
        let (status, _) = ask(json!({"serial": ["eq", "x"]}));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn pages_count_every_row_and_return_a_slice() {
        let ipf = IpFabric::default();
        let page = |start: u64| {
            query(
                &ipf,
                ADMIN_TOKEN,
                "tables/inventory/interfaces",
                json!({"columns": ["hostname", "intName"], "snapshot": "$last", "pagination": {"start": start, "limit": 10}}),
            )
            .1
        };
        let first = page(0);
        let total = first["_meta"]["count"].as_u64().unwrap();
        assert!(total > 30, "more rows than three pages: {total}");
        assert_eq!(first["_meta"]["size"], 10);
        assert_eq!(first["_meta"]["limit"], 10);
        let last = page(total / 10 * 10);
        assert_eq!(last["_meta"]["size"].as_u64().unwrap(), total % 10);
        assert_ne!(first["data"][0], page(10)["data"][0]);
    }

    #[test]
    fn snapshots_differ_and_an_unloaded_one_is_refused() {
        let ipf = IpFabric::default();
        let count = |snapshot: &str| {
            query(
                &ipf,
                ADMIN_TOKEN,
                "tables/inventory/devices",
                json!({"columns": ["hostname"], "snapshot": snapshot}),
            )
        };
        assert_eq!(count("$last").1["_meta"]["count"], LAST_DEVICES);
        assert_eq!(count("$prev").1["_meta"]["count"], LAST_DEVICES - 1);
        let (status, body) = count(UNLOADED_SNAPSHOT);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "API_SNAPSHOT_NOT_LOADED");
    }

    #[test]
    fn rows_in_a_snapshot_are_what_its_tables_answer() {
        let ipf = IpFabric::default();
        for reference in ["$last", "$prev", LOCKED_SNAPSHOT] {
            let (_, body) = query(
                &ipf,
                ADMIN_TOKEN,
                "tables/inventory/devices",
                json!({"columns": ["hostname"], "snapshot": reference}),
            );
            let rows = rows_in("tables/inventory/devices", reference);
            let names: Vec<&str> = rows.iter().map(|r| r["hostname"].as_str().unwrap()).collect();
            assert_eq!(names, hostnames(&body), "{reference}");
        }
        assert_eq!(rows_in("tables/inventory/devices", "$last").len(), LAST_DEVICES);
        assert!(rows_in("tables/inventory/devices", UNLOADED_SNAPSHOT).is_empty());
        assert!(rows_in("tables/nowhere", "$last").is_empty());
        let listed = snapshots();
        assert_eq!(listed.len(), 4);
        assert_eq!(listed[0]["id"], LAST_SNAPSHOT);
        assert_eq!(listed[3]["status"], "unloaded");
    }

    #[test]
    fn the_read_only_token_is_refused_its_forbidden_tables() {
        let ipf = IpFabric::default();
        let payload = json!({"columns": ["ip"], "snapshot": "$last"});
        let (status, body) = query(&ipf, READ_ONLY_TOKEN, "tables/addressing/hosts", payload.clone());
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["code"], "API_INSUFFICIENT_RIGHTS");
        assert_eq!(
            query(&ipf, ADMIN_TOKEN, "tables/addressing/hosts", payload).0,
            StatusCode::OK
        );
    }

    #[test]
    fn the_path_crosses_the_hub_and_telnet_is_dropped() {
        let web = json!({"pathLookupType": "unicast", "startingPoint": "10.20.10.15/32", "destinationPoint": "10.10.10.21/32", "protocol": "tcp", "l4Options": {"srcPorts": "1025", "dstPorts": "443", "flags": []}});
        let (hops, passes) = path(&web);
        let names: Vec<&str> = hops.iter().map(|d| d.hostname).collect();
        assert_eq!(names, ["lon-rtr-01", "nyc-fw-01", "nyc-edge-01", "nyc-core-01"]);
        assert!(passes);
        let telnet = json!({"pathLookupType": "unicast", "startingPoint": "10.20.10.15/32", "destinationPoint": "10.10.10.21/32", "protocol": "tcp", "l4Options": {"srcPorts": "1025", "dstPorts": "23", "flags": []}});
        assert!(!path(&telnet).1);
        assert_eq!(path_result(&telnet)["pathlookup"]["passingTraffic"], "none");
        assert_eq!(
            api_path("/api/v7.0/tables/inventory/devices"),
            Some("tables/inventory/devices")
        );
        assert_eq!(api_path("/api/version"), Some("version"));
        assert_eq!(api_path("/apiary"), None);
    }
}
