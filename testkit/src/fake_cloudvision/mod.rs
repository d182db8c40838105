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
//!   all), and the whole count in `total` ([`service`]).
//! - The resource APIs' REST gateway under `/api/resources/`:
//!   `inventory/v1/Device`, `event/v1/Event`, `tag/v2/Tag`,
//!   `tag/v2/TagAssignment` and `bugexposure/v1/BugExposure`, each `…/all`
//!   (GET, or POST with `partialEqFilter` and `time`) answered as a stream
//!   of `{"result": {"value": …, "time": …, "type": "INITIAL"}}`, one a
//!   line, and the one object by `key.…` query parameters ([`resources`]).
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
//! CloudVision's JSON, [`FakeCloudVision::mend`] turns both off. CVP is
//! HTTPS only and cvprac builds `https://` URLs, so the `fake-cloudvision`
//! binary serves with `--tls` for its conformance test; a worker's tests
//! use plain HTTP.

mod data;
mod resources;
mod service;
#[cfg(test)]
mod tests;

use std::{
    net::SocketAddr,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    http::{Method, StatusCode, header},
    response::Response,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use self::data::{
    CAMPUS_KEY, CVP_VERSION, DC1_KEY, DC1_LEAFS_KEY, DRIFTED_SERIAL, INACTIVE_SERIAL, LEAF1A_MAC,
    LEAF1A_SERIAL, ROOT_KEY, UNPROVISIONED_SERIAL,
};
use crate::fake_api::{FakeApi, Platform, json_response, rule_for};
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

/// Why a request is not let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Denial {
    /// No credential, or one the fake does not know.
    Unknown,
    /// A token past its expiry.
    Expired,
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
    slow: Vec<(String, Duration)>,
    garbled: Vec<(String, Garbage)>,
}

impl Default for CloudVision {
    fn default() -> Self {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        CloudVision {
            started,
            tasks: data::TASKS
                .iter()
                .map(|t| service::task_json(t, started))
                .collect(),
            sessions: Vec::new(),
            logins: 0,
            slow: Vec::new(),
            garbled: Vec::new(),
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

/// The value of the cookie `name` the request carries.
fn cookie<'a>(request: &'a Recorded, name: &str) -> Option<&'a str> {
    request
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl CloudVision {
    /// Who the request is: a bearer token (or the `access_token` cookie), a
    /// session id (cookie `session_id` or header `APP_SESSION_ID`, or as a
    /// bearer token, as CVP takes it).
    fn caller(&self, request: &Recorded) -> Result<Access, Denial> {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        let bearer = header(header::AUTHORIZATION.as_str())
            .and_then(|v| v.strip_prefix("Bearer "))
            .or_else(|| cookie(request, "access_token"));
        let session = header("app_session_id").or_else(|| cookie(request, "session_id"));
        for credential in [bearer, session].into_iter().flatten() {
            let credential = credential.trim();
            match credential {
                TOKEN => return Ok(Access::Admin),
                READ_ONLY_TOKEN => return Ok(Access::ReadOnly),
                EXPIRED_TOKEN => return Err(Denial::Expired),
                _ => {}
            }
            if let Some((_, access)) = self.sessions.iter().find(|(id, _)| id == credential) {
                return Ok(*access);
            }
        }
        Err(Denial::Unknown)
    }

    /// `POST …/login/authenticate.do`: a JSON `{"userId", "password"}` or
    /// Basic credentials; a new session, its id in the body and the cookie.
    fn login(&mut self, request: &Recorded) -> Response {
        let (user, password) = login_credentials(request).unwrap_or_default();
        let access = match (user.as_str(), password.as_str()) {
            (ADMIN_USER, ADMIN_PASSWORD) => Access::Admin,
            (READ_ONLY_USER, READ_ONLY_PASSWORD) => Access::ReadOnly,
            _ => return cvp_error(StatusCode::UNAUTHORIZED, "112498", "Unauthorized User"),
        };
        self.logins += 1;
        let digest = Sha256::digest(format!("{user}:{}:{}", self.logins, self.started));
        let session = hex::encode(&digest[..16]);
        self.sessions.push((session.clone(), access));
        let role = match access {
            Access::Admin => "network-admin",
            Access::ReadOnly => "network-operator",
        };
        let body = json!({
            "sessionId": session,
            "userName": user,
            "authenticationSource": "local",
            "roles": [role],
            "permissionList": []
        });
        let mut response = json_response(StatusCode::OK, &body);
        let cookie = format!("session_id={session}; Path=/; HttpOnly");
        response
            .headers_mut()
            .insert(header::SET_COOKIE, cookie.parse().expect("a cookie header"));
        response
    }

    /// `POST …/login/logout.do`: the session ends.
    fn logout(&mut self, request: &Recorded) -> Response {
        let session = request
            .headers
            .get("app_session_id")
            .and_then(|v| v.to_str().ok())
            .or_else(|| cookie(request, "session_id"))
            .map(str::to_owned);
        self.sessions.retain(|(id, _)| Some(id) != session.as_ref());
        json_response(StatusCode::OK, &json!({ "data": "success" }))
    }

    /// Every request but a login, credentials first, then the knobs'
    /// garbage, then the API it belongs to.
    fn serve(&mut self, request: &Recorded) -> Response {
        let path = request.path.as_str();
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
        if let Some(garbage) = rule_for(&self.garbled, path) {
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

/// The user and password of a login: its JSON body, else Basic credentials.
fn login_credentials(request: &Recorded) -> Option<(String, String)> {
    if let Ok(body) = serde_json::from_slice::<Value>(&request.body)
        && let (Some(user), Some(password)) = (body["userId"].as_str(), body["password"].as_str())
    {
        return Some((user.to_owned(), password.to_owned()));
    }
    let basic = request
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = decode_base64(basic.trim())?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Standard base64, for Basic credentials (no crate for one header).
fn decode_base64(text: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET.iter().position(|a| *a == byte)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Platform for CloudVision {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        self.serve(request)
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        rule_for(&self.slow, &request.path)
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

    /// Holds back every answer to a path starting with `prefix` (e.g.
    /// `/api/resources/event`, or `/` for all) by `by`: the request is still
    /// served, only its answer comes late.
    pub fn slow_down(&self, prefix: &str, by: Duration) {
        self.with(|cv, _| cv.slow.push((prefix.to_owned(), by)));
    }

    /// Answers every request (with a good credential) to a path starting
    /// with `prefix` with `garbage` instead of CloudVision's JSON.
    pub fn garble(&self, prefix: &str, garbage: Garbage) {
        self.with(|cv, _| cv.garbled.push((prefix.to_owned(), garbage)));
    }

    /// Turns [`FakeCloudVision::slow_down`] and [`FakeCloudVision::garble`]
    /// off: the fake answers as CloudVision again.
    pub fn mend(&self) {
        self.with(|cv, _| {
            cv.slow.clear();
            cv.garbled.clear();
        });
    }
}

/// Unix seconds as RFC 3339 in UTC (`2026-12-03T22:14:46Z`), as the
/// resource APIs write times.
pub(crate) fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// RFC 3339 (`Z` or a `±hh:mm` offset, fractions ignored) as Unix seconds.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let mut parts = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, d) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let at = time.rfind(['+', '-'])?;
        let (clock, zone) = time.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, min) = zone[1..].split_once(':')?;
        (
            clock,
            sign * (h.parse::<i64>().ok()? * 3600 + min.parse::<i64>().ok()? * 60),
        )
    };
    let clock = clock.split('.').next()?;
    let mut hms = clock.splitn(3, ':').map(str::parse::<i64>);
    let (h, min, s) = (hms.next()?.ok()?, hms.next()?.ok()?, hms.next()?.ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + s - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
