//! A fake Cisco Meraki Dashboard API v1 on loopback (`/api/v1/…`), for the
//! `meraki` integration: what its sub-commands read and change, as the
//! original app's calls through Meraki's Python SDK (`meraki`) ask for them.
//!
//! - `GET /organizations`, `GET /organizations/{id}/admins`,
//!   `GET /organizations/{id}/devices` (filters `productTypes[]`,
//!   `networkIds[]`, `serials[]`, `serial`, `name`, `model`) and
//!   `GET /organizations/{id}/networks`;
//! - `GET /devices/{serial}/switch/ports`, `…/switch/ports/statuses`,
//!   `…/switch/ports/{portId}`, `PUT …/switch/ports/{portId}` and
//!   `POST …/switch/ports/cycle` (`{"ports": [...]}`, answered with the same);
//! - `GET /devices/{serial}/appliance/performance`,
//!   `GET /devices/{serial}/camera/analytics/recent` (`objectType`),
//!   `GET /devices/{serial}/clients` (`timespan`),
//!   `GET /devices/{serial}/lldpCdp`, `GET /networks/{id}/wireless/ssids`.
//!
//! The three lists Meraki pages (organizations, an organization's devices and
//! networks) page as the Dashboard does: `perPage` (3 up to the endpoint's
//! maximum, 1000 by default) and an opaque `startingAfter` token (here the
//! last item's id or serial) in a `Link` header, `rel=first` and, while more
//! remain, `rel=next`. The links are absolute URLs on the host the request
//! named (its `Host` header): the SDK follows an absolute link only when its
//! host is one of Meraki's domains and otherwise glues it to its base URL,
//! so its conformance test reaches the fake as `api.meraki.com` through the
//! SDK's proxy setting, and the links lead back to the fake.
//!
//! Credentials: `Authorization: Bearer {key}` (SDK v1) or
//! `X-Cisco-Meraki-API-Key: {key}` (older clients). [`ADMIN_KEY`] is a
//! full organization admin's, [`READ_ONLY_KEY`] a read-only admin's: every
//! write answers it 403. No key or an unknown one answers 401. Errors are
//! Meraki's `{"errors": ["…"]}`; the messages are the fake's own wording
//! (Meraki's reference documents the shape, not every message).
//!
//! Knobs a test turns on a running fake make it misbehave as the Dashboard
//! does: [`FakeMeraki::rate_limit`] answers the next requests `429` with
//! `Retry-After: 1` (Meraki's rate limit, which it hits often),
//! [`FakeMeraki::slow_down`] holds answers back, [`FakeMeraki::garble`]
//! answers what is not Meraki's JSON; [`FakeMeraki::mend`] turns them off.
//! The `fake-meraki` binary has no handle on the fake, so the same are
//! reachable over HTTP under `/_fake/` (not Meraki's; no key):
//! `POST /_fake/rate-limit?requests=N`, `GET /_fake/arrivals` (what came when,
//! and how it was answered) and `GET /_fake/cycled`.

mod data;
mod routes;
#[cfg(test)]
mod tests;

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

pub use self::data::{
    APPLIANCE_SERIAL, CAMERA_SERIAL, DISABLED_PORT, ERROR_PORT, LAB_ORG_ID, ORG_ID, PERF_SCORE,
    SWITCH_SERIAL, WIRELESS_NETWORK_ID,
};
use crate::fake_api::{FakeApi, Faults, Faulty, Platform, json_response};
pub use crate::{
    fake_api::{Recorded, Scripted},
    fake_awx::Garbage,
};

/// A full organization admin's API key: reads and writes.
pub const ADMIN_KEY: &str = "6bec40cf957de430a6f1f2baa056b99a4fac9ea0";
/// A read-only admin's API key: reads, and every write answers it 403.
pub const READ_ONLY_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c";
/// How long a rate-limited answer tells the caller to wait, in seconds.
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// One request as it arrived: when (since the fake started) and how it was
/// answered, so that a test can tell a retry came after `Retry-After`.
#[derive(Clone, Debug)]
pub struct Arrival {
    /// The HTTP method.
    pub method: String,
    /// The path, e.g. `/api/v1/organizations`.
    pub path: String,
    /// The status it was answered with.
    pub status: u16,
    /// Milliseconds since the fake started.
    pub at_ms: u128,
}

/// What the fake Meraki holds: its organizations, networks, devices and
/// switch ports (which writes change), and its knobs.
pub struct Meraki {
    organizations: Vec<Value>,
    networks: Vec<Value>,
    /// Each device with its organization's id.
    devices: Vec<(String, Value)>,
    /// Each switch's ports, by serial.
    ports: Vec<(String, Vec<Value>)>,
    /// Every cycle asked: the serial and the ports.
    cycled: Vec<(String, Vec<String>)>,
    /// How many of the next Dashboard requests answer 429.
    rate_limited: u32,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
    started: Instant,
    arrivals: Vec<Arrival>,
}

impl Default for Meraki {
    fn default() -> Self {
        let devices = data::devices();
        let ports = devices
            .iter()
            .filter(|(_, d)| d["productType"] == "switch")
            .map(|(_, d)| {
                let serial = d["serial"].as_str().unwrap_or_default().to_owned();
                let count = data::port_count(d["model"].as_str().unwrap_or_default());
                let ports = (1..=count)
                    .map(|n| data::switch_port(&serial, n, count))
                    .collect();
                (serial, ports)
            })
            .collect();
        Meraki {
            organizations: data::organizations(),
            networks: data::networks(),
            devices,
            ports,
            cycled: Vec::new(),
            rate_limited: 0,
            faults: Faults::default(),
            started: Instant::now(),
            arrivals: Vec::new(),
        }
    }
}

/// Meraki's error body with one message.
fn errors(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "errors": [message] }))
}

impl Meraki {
    /// The fake's own controls for the binary (`/_fake/…`), outside the Dashboard API.
    fn control(&mut self, request: &Recorded) -> Response {
        match request.path.as_str() {
            "/_fake/rate-limit" => {
                let requests = form_urlencoded::parse(request.query.as_bytes())
                    .find(|(k, _)| k == "requests")
                    .and_then(|(_, v)| v.parse::<u32>().ok());
                match requests {
                    Some(n) => {
                        self.rate_limited = n;
                        json_response(StatusCode::OK, &json!({ "requests": n }))
                    }
                    None => errors(StatusCode::BAD_REQUEST, "requests=N is required"),
                }
            }
            "/_fake/arrivals" => {
                let arrivals: Vec<Value> = self
                    .arrivals
                    .iter()
                    .map(|a| json!({"method": a.method, "path": a.path, "status": a.status, "atMs": a.at_ms as u64}))
                    .collect();
                json_response(StatusCode::OK, &Value::Array(arrivals))
            }
            "/_fake/cycled" => {
                let cycled: Vec<Value> = self
                    .cycled
                    .iter()
                    .map(|(serial, ports)| json!({"serial": serial, "ports": ports}))
                    .collect();
                json_response(StatusCode::OK, &Value::Array(cycled))
            }
            _ => errors(StatusCode::NOT_FOUND, "No such control"),
        }
    }

    /// The answer to a Dashboard request, knobs first.
    fn dashboard(&mut self, request: &Recorded) -> Response {
        if let Some(garbage) = self.faults.garbage_for(&request.path) {
            return garbled_response(garbage);
        }
        let Some(rest) = request.path.strip_prefix("/api/v1/") else {
            return errors(StatusCode::NOT_FOUND, "Not found");
        };
        let key = api_key(request);
        let Some(key) = key.filter(|k| *k == ADMIN_KEY || *k == READ_ONLY_KEY) else {
            return errors(StatusCode::UNAUTHORIZED, "Invalid API key");
        };
        if self.rate_limited > 0 {
            self.rate_limited -= 1;
            return Scripted::too_many_requests(
                RETRY_AFTER_SECONDS,
                json!({"errors": ["API rate limit exceeded for organization"]}).to_string(),
            )
            .with_header("content-type", "application/json")
            .into_response();
        }
        if request.method != axum::http::Method::GET && key == READ_ONLY_KEY {
            return errors(
                StatusCode::FORBIDDEN,
                "You have read-only access to this organization and cannot make changes",
            );
        }
        let segments: Vec<&str> = rest.split('/').collect();
        self.route(request, &segments)
    }
}

/// The key a request carries: the bearer token, else the older header.
fn api_key(request: &Recorded) -> Option<String> {
    let text = |name| request.headers.get(name).and_then(|v| v.to_str().ok());
    text(header::AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| text("x-cisco-meraki-api-key"))
        .map(|k| k.trim().to_owned())
}

impl Platform for Meraki {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        if request.path.starts_with("/_fake/") {
            return self.control(request);
        }
        let response = self.dashboard(request);
        self.arrivals.push(Arrival {
            method: request.method.to_string(),
            path: request.path.clone(),
            status: response.status().as_u16(),
            at_ms: self.started.elapsed().as_millis(),
        });
        response
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        self.faults.delay_for(&request.path)
    }
}

/// What a garbled answer is, in Meraki's terms: a captive portal's page, a
/// device list cut off midway, or an object where Meraki gives a list.
fn garbled_response(garbage: Garbage) -> Response {
    match garbage {
        Garbage::Html => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\
             <body><form method=\"post\" action=\"/login\"><input name=\"email\"></form></body></html>\n",
        )
            .into_response(),
        Garbage::TruncatedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"[{"name": "ams-sw-01", "serial": "Q2HP-3KL7-8UD2", "model": "MS2"#,
        )
            .into_response(),
        Garbage::WrongShape => json_response(StatusCode::OK, &json!({"items": {"count": 8}})),
    }
}

/// The running fake.
pub type FakeMeraki = FakeApi<Meraki>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakeMeraki`].
impl Faulty for Meraki {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }

    fn mend_own(&mut self) {
        self.rate_limited = 0;
    }
}

impl FakeMeraki {
    /// The Dashboard API's base URL on the fake (`http://{addr}/api/v1`),
    /// as a worker's `baseUrl`.
    pub fn url(&self) -> String {
        self.url_of("/api/v1")
    }

    /// A switch's ports now, as `GET /devices/{serial}/switch/ports` gives them.
    pub fn ports(&self, serial: &str) -> Vec<Value> {
        self.with(|meraki, _| {
            meraki
                .ports
                .iter()
                .find(|(s, _)| s == serial)
                .map(|(_, p)| p.clone())
                .unwrap_or_default()
        })
    }

    /// Every cycle asked so far: the serial and the ports, as sent.
    pub fn cycled(&self) -> Vec<(String, Vec<String>)> {
        self.with(|meraki, _| meraki.cycled.clone())
    }

    /// Every Dashboard request so far, when it came and how it was answered.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.with(|meraki, _| meraki.arrivals.clone())
    }

    /// Answers the next `requests` Dashboard requests (with a valid key) `429
    /// Too Many Requests` with `Retry-After: 1`, as Meraki does past its rate limit.
    pub fn rate_limit(&self, requests: u32) {
        self.with(|meraki, _| meraki.rate_limited = requests);
    }
}
