//! A fake Palo Alto Networks Panorama (PAN-OS XML API) on loopback, for the
//! `panorama` integration: what its sub-commands read and do (`get-devices`,
//! `get-devicegroups`, `validate-rule-exists`, `get-version`,
//! `get-device-rules`, `export-device-rules`, `upload-software`,
//! `install-software`, `capture-traffic`), asked as pan-os-python asks.
//!
//! Every request goes to `/api/`, as a GET query or a POST form (pan-python
//! sends POST forms; both may carry parameters), with `type=`:
//! - `keygen` with `user` and `password`: `<result><key>…</key></result>`,
//!   the same key for the same user every time, as PAN-OS derives it. A
//!   wrong user or password is PAN-OS's HTTP 403 `Invalid Credential`.
//! - every other type needs a key, in `key=` or the `X-PAN-KEY` header; a
//!   missing or unknown one is the same HTTP 403 `Invalid Credential`.
//! - `target=<serial>` sends the request on to that managed firewall (an
//!   unknown or disconnected one is refused); without it Panorama answers.
//! - `op` with `cmd=<xml>`: the commands of the private `op` module (system
//!   info, devices, device groups and their hierarchy, jobs, software,
//!   a firewall's interfaces, `test security-policy-match`,
//!   `debug dataplane packet-diag`).
//! - `config` with `action=get|show|set|edit|delete` and `xpath=` (see
//!   [`xpath`]) over Panorama's configuration ([`data::panorama_config`]) or,
//!   with a target, the firewall's own. `get` answers `<result
//!   total-count="N" count="N">` (code 19, or an empty `<result/>` with code
//!   7 when nothing is there), `show` the nodes (or error 7 `No such node`);
//!   `set`/`edit`/`delete` change it (code 20); Panorama's changes make a
//!   commit due.
//! - `commit`: a `Commit` job, or `There are no changes to commit.`
//! - `export` with `category=filters-pcap&from=FILE` and a target: the
//!   firewall's capture file as an `application/octet-stream` attachment.
//!
//! Answers are PAN-OS's `<response status="success|error" code="…">`, with
//! HTTP 200 for the API's own errors (code 400 for a bad request, 6 bad
//! xpath, 7 no such node, 17 an unknown command), as PAN-OS sends them. The
//! read-only [`READER_USER`] may read everything but is refused (code 403
//! in the body, HTTP 200, `Insufficient admin access rights …`) on config
//! writes, commits, software downloads and installs, and packet-diag changes.
//!
//! Knobs, off unless a test turns them on: [`FakePanorama::slow_down`]
//! holds answers back, [`FakePanorama::garble`] answers what is not PAN-OS's
//! XML ([`Garbage`]); [`FakePanorama::mend`] turns both off. Their prefixes
//! match a request's route, `/api/<type>` followed by the op command's
//! element names or the config action (e.g. `/api/op/show/devices/all`,
//! `/api/config/get`, `/api/export/filters-pcap`, `/api/keygen`), so that a
//! test may slow one command down: `/api/` is every request. Every request
//! is recorded ([`FakeApi::requests`]; [`params`] reads its parameters).

pub mod capture;
mod config;
pub mod data;
mod op;
pub mod policy;
pub mod software;
pub mod xml;
pub mod xpath;

use std::{net::SocketAddr, time::Duration};

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use crate::fake_api::{FakeApi, Faults, Faulty, Platform};
pub use crate::{
    fake_api::{Recorded, Scripted},
    fake_awx::Garbage,
};
pub use data::{
    AMS_SERIAL, DC_A_SERIAL, DC_B_SERIAL, Firewall, LON_SERIAL, PANORAMA_HOSTNAME, PANORAMA_VERSION,
};
use software::Software;
use xml::El;

/// The administrator (role `superuser`), who may do everything.
pub const ADMIN_USER: &str = "admin";
/// The administrator's password.
pub const ADMIN_PASSWORD: &str = "Pano-Admin-4c1e9b";
/// An administrator with the `superreader` role: reads, never writes.
pub const READER_USER: &str = "chatops-ro";
/// The reader's password.
pub const READER_PASSWORD: &str = "Pano-Reader-8d2f6a";
/// PAN-OS's message for a wrong password or key (HTTP 403).
pub const INVALID_CREDENTIAL: &str = "Invalid Credential";
/// The start of the fake's refusal of a reader's change (code 403 in the body).
pub const NOT_AUTHORIZED: &str = "Insufficient admin access rights";

struct User {
    name: &'static str,
    password: &'static str,
    writes: bool,
}

/// What the fake Panorama holds: its users, configuration, software and
/// jobs, and the firewalls it manages.
pub struct Panorama {
    users: Vec<User>,
    /// Panorama's configuration (`/config`).
    pub config: El,
    /// Whether a change waits for a commit.
    pub dirty: bool,
    /// Panorama's own software and jobs.
    pub software: Software,
    /// The managed firewalls.
    pub firewalls: Vec<Firewall>,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
}

impl Default for Panorama {
    fn default() -> Self {
        Panorama {
            users: vec![
                User {
                    name: ADMIN_USER,
                    password: ADMIN_PASSWORD,
                    writes: true,
                },
                User {
                    name: READER_USER,
                    password: READER_PASSWORD,
                    writes: false,
                },
            ],
            config: data::panorama_config(),
            dirty: false,
            software: Software::new("Panorama_m-", PANORAMA_VERSION, &[PANORAMA_VERSION]),
            firewalls: data::firewalls(),
            faults: Faults::default(),
        }
    }
}

/// The API key PAN-OS gives `user` with `password`: the same every time.
pub fn key_for(user: &str, password: &str) -> String {
    let digest = Sha256::digest(format!("fake-panorama-key:{user}:{password}"));
    format!("LUFRPT1{}=", hex::encode(&digest[..24]))
}

/// The request's parameters: the query's, then the form body's.
pub fn params(request: &Recorded) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = form_urlencoded::parse(request.query.as_bytes())
        .into_owned()
        .collect();
    all.extend(request.form());
    all
}

/// The first parameter `name` of `params`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// An XML answer with `status`.
fn xml_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/xml; charset=UTF-8")],
        body,
    )
        .into_response()
}

/// `<response status="success" [code=…]><result>…</result></response>`.
fn success(code: Option<u16>, result: El) -> Response {
    let code = code.map(|c| format!(" code=\"{c}\"")).unwrap_or_default();
    xml_response(
        StatusCode::OK,
        format!(
            "<response status=\"success\"{code}>{}</response>",
            result.to_xml()
        ),
    )
}

/// `<response status="success" code=…><msg>…</msg></response>`, the answer to a change.
fn done(code: u16, msg: &str) -> Response {
    xml_response(
        StatusCode::OK,
        format!(
            "<response status=\"success\" code=\"{code}\"><msg>{}</msg></response>",
            xml::escape(msg)
        ),
    )
}

/// An API error with HTTP 200: `<response status="error" code=…><msg><line>…</line></msg></response>`.
fn error(code: u16, msg: &str) -> Response {
    xml_response(
        StatusCode::OK,
        format!(
            "<response status=\"error\" code=\"{code}\"><msg><line>{}</line></msg></response>",
            xml::escape(msg)
        ),
    )
}

/// An error in `<result><msg>` form, as PAN-OS gives authentication's and
/// authorization's (and `Missing`/`Illegal` parameter) errors.
fn result_error(status: StatusCode, code: u16, msg: &str) -> Response {
    xml_response(
        status,
        format!(
            "<response status = 'error' code = '{code}'><result><msg>{}</msg></result></response>",
            xml::escape(msg)
        ),
    )
}

/// PAN-OS's refusal of a wrong password or key: HTTP `403 Invalid Credential`
/// (its own reason phrase, which clients such as pan-python report) and the
/// same words in the body.
fn invalid_credential() -> Response {
    let mut response = result_error(StatusCode::FORBIDDEN, 403, INVALID_CREDENTIAL);
    response
        .extensions_mut()
        .insert(hyper::ext::ReasonPhrase::from_static(
            INVALID_CREDENTIAL.as_bytes(),
        ));
    response
}

fn refused(what: &str) -> Response {
    result_error(StatusCode::OK, 403, &format!("{NOT_AUTHORIZED} for {what}"))
}

/// The element names down a single-child chain from `el` (`<show><system><info/>` → show/system/info).
fn chain(el: &El) -> Vec<&str> {
    let mut names = vec![el.name.as_str()];
    let mut at = el;
    while at.text.trim().is_empty() && at.children.len() == 1 {
        at = &at.children[0];
        names.push(at.name.as_str());
    }
    names
}

/// The route the knobs match: `/api/<type>` and the op command's names or the action or category.
fn route(params: &[(String, String)]) -> String {
    let kind = param(params, "type").unwrap_or_default();
    let rest = match kind {
        "op" => param(params, "cmd")
            .and_then(|cmd| xml::parse(cmd).ok())
            .map(|cmd| chain(&cmd).join("/"))
            .unwrap_or_default(),
        "config" => param(params, "action").unwrap_or_default().to_owned(),
        "export" => param(params, "category").unwrap_or_default().to_owned(),
        _ => String::new(),
    };
    if rest.is_empty() {
        format!("/api/{kind}")
    } else {
        format!("/api/{kind}/{rest}")
    }
}

impl Panorama {
    fn key(&self, request: &Recorded, params: &[(String, String)]) -> Option<usize> {
        let key = request.header("x-pan-key").or_else(|| param(params, "key"))?;
        self.users.iter().position(|u| key_for(u.name, u.password) == key)
    }

    fn route(&mut self, request: &Recorded) -> Response {
        if request.path.trim_end_matches('/') != "/api" {
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body>Not Found</body></html>",
            )
                .into_response();
        }
        let params = params(request);
        let Some(kind) = param(&params, "type") else {
            return result_error(StatusCode::OK, 400, "Missing 'type' parameter");
        };
        if kind == "keygen" {
            return self.keygen(&params);
        }
        let Some(user) = self.key(request, &params) else {
            return invalid_credential();
        };
        let target = match param(&params, "target") {
            None => None,
            Some(serial) => match self.firewalls.iter().position(|f| f.serial == serial) {
                None => {
                    return error(400, &format!("Device {serial} is not managed by this Panorama"));
                }
                Some(i) if !self.firewalls[i].connected => {
                    return error(400, &format!("Device {serial} is not connected"));
                }
                Some(i) => Some(i),
            },
        };
        match kind {
            "op" => {
                let Some(cmd) = param(&params, "cmd") else {
                    return result_error(StatusCode::OK, 400, "Missing 'cmd' parameter");
                };
                match xml::parse(cmd) {
                    Ok(cmd) => self.op(user, target, &cmd),
                    Err(bad) => error(17, &format!("Malformed command: {}", bad.0)),
                }
            }
            "config" => self.config(user, target, &params),
            "commit" => self.commit(user, target),
            "export" => self.export(target, &params),
            other => result_error(
                StatusCode::OK,
                400,
                &format!("Illegal value for parameter \"type\" [{other}]."),
            ),
        }
    }

    fn keygen(&self, params: &[(String, String)]) -> Response {
        let (user, password) = (param(params, "user"), param(params, "password"));
        match self
            .users
            .iter()
            .find(|u| Some(u.name) == user && Some(u.password) == password)
        {
            Some(u) => success(
                None,
                El::new("result").child(El::text("key", &key_for(u.name, u.password))),
            ),
            None => invalid_credential(),
        }
    }

    fn export(&self, target: Option<usize>, params: &[(String, String)]) -> Response {
        let category = param(params, "category").unwrap_or_default();
        if category != "filters-pcap" {
            return result_error(
                StatusCode::OK,
                400,
                &format!("Illegal value for parameter \"category\" [{category}]."),
            );
        }
        let Some(i) = target else {
            return error(400, "filters-pcap is exported from a firewall: give its target");
        };
        let Some(from) = param(params, "from") else {
            return result_error(StatusCode::OK, 400, "Missing 'from' parameter");
        };
        match self.firewalls[i].capture.file(from) {
            Some(bytes) => (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename={from}"),
                    ),
                ],
                bytes.to_vec(),
            )
                .into_response(),
            None => error(400, &format!("File {from} not found")),
        }
    }
}

impl Platform for Panorama {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        let route = route(&params(request));
        if let Some(garbage) = self.faults.garbage_for(&route) {
            return garbled_response(garbage);
        }
        self.route(request)
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        self.faults.delay_for(&route(&params(request)))
    }
}

/// What a garbled answer is, in PAN-OS's terms: a captive portal's HTML page,
/// a `<response>` cut off midway, or well-formed XML that is not a `<response>`.
fn garbled_response(garbage: Garbage) -> Response {
    let xml = |body: &str| xml_response(StatusCode::OK, body.to_owned());
    match garbage {
        Garbage::Html => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html>\n<html><head><title>Login</title></head>\
             <body><form id=\"login_form\" action=\"/php/login.php\"></form></body></html>\n",
        )
            .into_response(),
        Garbage::TruncatedJson => xml("<response status=\"success\"><result><devices><entry name=\"0070510"),
        Garbage::WrongShape => {
            xml("<?xml version=\"1.0\"?><status><state>ok</state><devices>4</devices></status>")
        }
    }
}

/// The running fake.
pub type FakePanorama = FakeApi<Panorama>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakePanorama`].
impl Faulty for Panorama {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }
}

impl FakePanorama {
    /// Panorama's base URL (without `/api/`), as a worker's `url`.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// The `cmd=` of every `type=op` request so far, in order.
    pub fn ops(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(params)
            .filter(|p| param(p, "type") == Some("op"))
            .filter_map(|p| param(&p, "cmd").map(str::to_owned))
            .collect()
    }

    /// The managed firewall with `serial`, as it is now.
    pub fn firewall(&self, serial: &str) -> Option<Firewall> {
        self.with(|pano, _| pano.firewalls.iter().find(|f| f.serial == serial).cloned())
    }

    /// Connects or disconnects the firewall with `serial`.
    pub fn set_connected(&self, serial: &str, connected: bool) {
        self.with(|pano, _| {
            if let Some(fw) = pano.firewalls.iter_mut().find(|f| f.serial == serial) {
                fw.connected = connected;
            }
        });
    }
}

#[cfg(test)]
mod tests;
