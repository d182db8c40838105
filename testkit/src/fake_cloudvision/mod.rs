//! A fake Arista CloudVision on loopback, both as CloudVision as a Service
//! and as on-premises CVP, for the `cloudvision` integration: what its
//! eight sub-commands read, as cvprac 2.3.0 (`CvpClient`) asks for it.
//!
//! - The CVP service API, under `/cvpservice/` and, as on-premises CVP
//!   also serves it, `/web/` (where cvprac sends an on-premises client's
//!   calls): `login/authenticate.do`, `login/logout.do`,
//!   `cvpInfo/getCvpInfo.do`, `inventory/devices` (`provisioned`),
//!   `inventory/containers` (`name`), `inventory/device/config`,
//!   `provisioning/searchTopology.do`, `provisioning/getContainerInfoById.do`,
//!   `provisioning/getConfigletsByContainerId.do`,
//!   `provisioning/getConfigletsByNetElementId.do`,
//!   `configlet/getConfiglets.do`, `configlet/getConfigletByName.do`,
//!   `task/getTasks.do` (`queryparam` a status), `task/getTaskById.do`,
//!   `task/getLogsById.do`, `audit/getLogs.do` (a change control's log), and
//!   two writes, `task/executeTask.do` and `task/cancelTask.do`. The lists
//!   page as CVP pages them: `startIndex`, `endIndex` (exclusive; `0` for
//!   all), and the whole count in `total`.
//! - The resource APIs' REST gateway under `/api/resources/`:
//!   `inventory/v1/Device`, `event/v1/Event`, `tag/v2/Tag`,
//!   `tag/v2/TagAssignment` and `bugexposure/v1/BugExposure`, each `…/all`
//!   (GET, or POST with `partialEqFilter` and `time`) answered as a stream
//!   of `{"result": {"value": …, "time": …, "type": "INITIAL"}}`, one a
//!   line (an empty body when none matches), and the one object by `key.…`
//!   query parameters. A filter matches an object that has every field it
//!   gives, equal, its enums by name or number; several filters are
//!   alternatives; `time` bounds when an event began.
//!
//! Credentials, as each deployment takes them: on premises a login
//! (`{"userId", "password"}` or Basic) answers a `sessionId` and sets the
//! `session_id` cookie, which later calls carry as that cookie or the
//! `APP_SESSION_ID` header; service-account tokens come as `Authorization:
//! Bearer` (CVaaS, and CVP since 2020.3), checked by cvprac at
//! `GET /api/v1/rest/`. [`ADMIN_USER`] and [`TOKEN`] may do everything,
//! [`READ_ONLY_USER`] and [`READ_ONLY_TOKEN`] only read (a write answers
//! 403), [`EXPIRED_TOKEN`] is refused (401) as any unknown one is.
//! The CVP service API's errors are its `{"errorCode", "errorMessage"}`
//! (with `200` where CVP gives one, for an id it does not know), the
//! resource APIs' are the gateway's `{"code", "message", "details"}`; the
//! codes and messages are the fake's own wording.
//!
//! Knobs a test turns on a running fake: [`FakeCloudVision::slow_down`]
//! holds answers back, [`FakeCloudVision::garble`] answers what is not
//! CloudVision's JSON, [`FakeCloudVision::forbid`] answers 403 as to a role
//! without the permission, [`FakeCloudVision::mend`] turns them off, and
//! [`FakeCloudVision::expire_sessions`] ends every login's session (over
//! HTTP for the binary: `POST /_fake/expire-sessions`, not CloudVision's). CVP is
//! HTTPS only and cvprac builds `https://` URLs, so the `fake-cloudvision`
//! binary serves with `--tls` for its conformance test; a worker's tests
//! use plain HTTP.

mod auth;
mod clock;
mod data;
mod resources;
mod service;
mod tasks;
#[cfg(test)]
mod tests;

use std::{
    net::SocketAddr,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    http::{Method, StatusCode},
    response::Response,
};
use serde_json::{Value, json};

use self::auth::Denial;
pub use self::data::{
    CAMPUS_KEY, CVP_VERSION, DC1_KEY, DC1_LEAFS_KEY, DRIFTED_SERIAL, INACTIVE_SERIAL, LEAF1A_MAC,
    LEAF1A_SERIAL, ROOT_KEY, UNPROVISIONED_SERIAL,
};
use crate::fake_api::{FakeApi, Faults, Faulty, Platform, json_response, rule_for};
pub use crate::{
    fake_api::{Recorded, Scripted},
    fake_awx::Garbage,
};

/// The on-premises administrator: reads and writes.
pub const ADMIN_USER: &str = "cvpadmin";
/// [`ADMIN_USER`]'s password.
pub const ADMIN_PASSWORD: &str = "Cvp-Admin-4e7d1a";
/// An on-premises user with a read-only role: every write answers 403.
pub const READ_ONLY_USER: &str = "chatops-ro";
/// [`READ_ONLY_USER`]'s password.
pub const READ_ONLY_PASSWORD: &str = "Cvp-Reader-9b2c6f";
/// A service account's token with a read-write role (CVaaS, or CVP ≥ 2020.3).
pub const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.ZmFrZS1jdmFhcy1zZXJ2aWNlLWFjY291bnQ.c2lnbmVk-rw";
/// A service account's token with a read-only role.
pub const READ_ONLY_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.ZmFrZS1jdmFhcy1yZWFkLW9ubHk.c2lnbmVk-ro";
/// A service account's token past its expiry: refused with 401.
pub const EXPIRED_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.ZmFrZS1jdmFhcy1leHBpcmVk.c2lnbmVk-old";

/// What a caller may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read and write.
    Admin,
    /// Read only.
    ReadOnly,
}

/// What the fake CloudVision holds: its tasks (which the writes change),
/// its sessions, and its knobs; the rest is the seed of `data`.
pub struct CloudVision {
    /// Unix seconds when the fake started: events and tasks are dated
    /// before it, so that a relative window (`-2d`) finds them.
    started: i64,
    tasks: Vec<Value>,
    /// Each session id and what its user may do.
    sessions: Vec<(String, Access)>,
    logins: u64,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
    /// Path prefixes the callers' roles may not read (a 403); paired with
    /// nothing, so that `rule_for` finds them as it finds the other knobs.
    forbidden: Vec<(String, ())>,
}

impl Default for CloudVision {
    fn default() -> Self {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        CloudVision {
            started,
            tasks: data::TASKS.iter().map(|t| tasks::task_json(t, started)).collect(),
            sessions: Vec::new(),
            logins: 0,
            faults: Faults::default(),
            forbidden: Vec::new(),
        }
    }
}

/// The CVP service API's error body.
fn cvp_error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!({ "errorCode": code, "errorMessage": message }))
}

/// The resource APIs' (gRPC gateway's) error body.
fn gateway_error(status: StatusCode, code: u16, message: &str) -> Response {
    json_response(
        status,
        &json!({ "code": code, "message": message, "details": [] }),
    )
}

impl CloudVision {
    /// Every request but a login, credentials first, then the knobs'
    /// garbage, then the API it belongs to.
    fn serve(&mut self, request: &Recorded) -> Response {
        let path = request.path.as_str();
        if path == "/_fake/expire-sessions" {
            let expired = self.sessions.len();
            self.sessions.clear();
            return json_response(StatusCode::OK, &json!({ "expired": expired }));
        }
        let service = path
            .strip_prefix("/cvpservice/")
            .or_else(|| path.strip_prefix("/web/"));
        if let Some(rest) = service {
            match rest {
                "login/authenticate.do" => return self.login(request),
                "login/logout.do" => return self.logout(request),
                _ => {}
            }
        }
        let resource = path.starts_with("/api/");
        let access = match self.caller(request) {
            Ok(access) => access,
            Err(denial) if resource => {
                let message = match denial {
                    Denial::Expired => "token has expired",
                    Denial::Unknown => "invalid or missing credentials",
                };
                return gateway_error(StatusCode::UNAUTHORIZED, 16, message);
            }
            Err(_) => return cvp_error(StatusCode::UNAUTHORIZED, "112498", "Unauthorized User"),
        };
        if access == Access::ReadOnly && is_write(request) {
            return read_only(resource);
        }
        if rule_for(&self.forbidden, path).is_some() {
            return no_permission(resource);
        }
        if let Some(garbage) = self.faults.garbage_for(path) {
            return garbage.response();
        }
        if let Some(rest) = service {
            return self.service(request, rest);
        }
        if path.trim_end_matches('/') == "/api/v1/rest" {
            // cvprac's check of a token: any good answer will do.
            return json_response(StatusCode::OK, &json!({}));
        }
        if let Some(rest) = path.strip_prefix("/api/resources/") {
            return self.resource(request, rest);
        }
        cvp_error(StatusCode::NOT_FOUND, "404", "Not found")
    }
}

impl Platform for CloudVision {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        self.serve(request)
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        self.faults.delay_for(&request.path)
    }
}

/// Whether a request changes something: every write but the POSTs that
/// only read (a login, a log query, a resource API's `all` with a filter).
fn is_write(request: &Recorded) -> bool {
    let path = request.path.as_str();
    match request.method {
        Method::GET | Method::HEAD => false,
        Method::POST => {
            !(path.ends_with("/all")
                || path.ends_with("/audit/getLogs.do")
                || path.ends_with("/login/authenticate.do")
                || path.ends_with("/login/logout.do"))
        }
        _ => true,
    }
}

/// The running fake.
pub type FakeCloudVision = FakeApi<CloudVision>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakeCloudVision`].
impl Faulty for CloudVision {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }

    fn mend_own(&mut self) {
        self.forbidden.clear();
    }
}

impl FakeCloudVision {
    /// The base URL a worker is given (`http://{addr}`): the CVP service API
    /// and the resource APIs are both under it.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// A task now, as `getTaskById.do` gives it.
    pub fn task(&self, id: &str) -> Option<Value> {
        self.with(|cv, _| cv.tasks.iter().find(|t| t["workOrderId"] == id).cloned())
    }

    /// Every request to a path containing `part` so far, in order.
    pub fn calls(&self, part: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.contains(part))
            .collect()
    }

    /// Ends every on-premises session, as CVP ends them when they time out
    /// or it restarts: the next call with one answers 401, and a client
    /// logs in again. The binary does the same on `POST /_fake/expire-sessions`.
    pub fn expire_sessions(&self) {
        self.with(|cv, _| cv.sessions.clear());
    }

    /// Answers every request (with a good credential) to a path starting
    /// with `prefix` 403, as CloudVision answers a caller whose role lacks
    /// the permission (e.g. `/api/resources/event` for a role without events).
    pub fn forbid(&self, prefix: &str) {
        self.with(|cv, _| cv.forbidden.push((prefix.to_owned(), ())));
    }
}

/// An answer for what the caller's role may not reach at all.
fn no_permission(resource: bool) -> Response {
    if resource {
        gateway_error(
            StatusCode::FORBIDDEN,
            7,
            "permission denied: the role has no access to this resource",
        )
    } else {
        cvp_error(
            StatusCode::FORBIDDEN,
            "112499",
            "User does not have permission for this action",
        )
    }
}

/// An answer for a write the caller may not make.
fn read_only(resource: bool) -> Response {
    if resource {
        gateway_error(
            StatusCode::FORBIDDEN,
            7,
            "permission denied: the role is read-only",
        )
    } else {
        cvp_error(
            StatusCode::FORBIDDEN,
            "112499",
            "User does not have write permission for this action",
        )
    }
}
