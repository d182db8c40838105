//! A fake Cisco APIC REST API on loopback (`/api/…`), for the `aci`
//! integration: what its sub-commands read and write (`get-tenants`,
//! `get-aps`, `get-epgs`, `get-epg-details`, `get-vrfs`, `get-bds`,
//! `get-pending-nodes`, `get-nodes`, `get-controllers`, `get-interfaces`,
//! `register-node`), asked as the original `aci` commands ask.
//!
//! - `POST /api/aaaLogin.json` with `{"aaaUser": {"attributes": {"name",
//!   "pwd"}}}` answers `imdata[0].aaaLogin.attributes` (`token`,
//!   `refreshTimeoutSeconds`, …) and sets the `APIC-cookie` cookie to the
//!   token; every other request carries that cookie (no `APIC-challenge`
//!   header is needed: it guards browsers' sessions only). `GET
//!   /api/aaaRefresh.json` answers a fresh token the same way, and `POST
//!   /api/aaaLogout.json` ends the session.
//! - Class queries `GET /api/node/class/{class}.json` (and `/api/class/…`,
//!   and `/api/node/class/{dn}/{class}.json` for the objects of a class under
//!   a DN) and managed-object queries `GET /api/node/mo/{dn}.json` (and
//!   `/api/mo/…`), with the options of [`query::Options`].
//! - Registration: `POST /api/node/mo/uni/controller/nodeidentpol.json` with
//!   a `fabricNodeIdentP` (`serial`, `nodeId`, `name`), see [`Apic::register`].
//!
//! Answers are APIC's `{"totalCount": "N", "imdata": [{class: {"attributes":
//! {…}}}]}`, every attribute and the count as text. Errors are APIC's
//! `imdata[0].error.attributes.{code,text}` with the status in `code`: 401
//! for a wrong password, 403 without a valid token (the text APIC gives for
//! a missing cookie, and `Token was invalid (Error: Token timeout)` for an
//! expired or unknown one, so that a worker can log in again), 403 for a
//! read-only user's write, 400 for a bad query or registration. The texts of
//! the login and token errors are APIC's own; those of the query and
//! registration errors follow their form (Cisco publishes no list of them).
//!
//! Tokens live [`REFRESH_TIMEOUT_SECONDS`] unless a test changes that on a
//! running fake: [`FakeApic::set_refresh_timeout`] changes what the login
//! says and does, [`FakeApic::expire_tokens_after`] makes tokens die sooner
//! than the login says (for a worker's re-login on 403), and
//! [`FakeApic::expire_tokens`] ends every session now.
//!
//! Two more knobs, off unless a test turns them on: [`FakeApic::slow_down`]
//! holds answers back, [`FakeApic::garble`] answers what is not APIC's JSON
//! ([`Garbage`]); [`FakeApic::mend`] turns both off. Every request is
//! recorded ([`FakeApi::requests`]).

pub mod data;
pub mod filter;
pub mod query;
pub mod tree;

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use axum::{
    http::{Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::fake_api::{FakeApi, Faults, Faulty, Platform, json_response};
pub use crate::{
    fake_api::{Recorded, Scripted},
    fake_awx::Garbage,
};
pub use data::{DEV_TENANT, INACTIVE_NODE, PENDING_LEAF, PENDING_SPINE, PROD_TENANT};
use query::{Options, Target};
pub use tree::Mo;

/// The administrator, who may read and write everything.
pub const ADMIN_USER: &str = "admin";
/// The administrator's password.
pub const ADMIN_PASSWORD: &str = "Apic-Admin-7f3a9c";
/// A user with the `read-all` role: every write answers it 403.
pub const READER_USER: &str = "chatops-ro";
/// The read-only user's password.
pub const READER_PASSWORD: &str = "Apic-Reader-2b8e4d";
/// The cookie that carries the token, as APIC names it.
pub const COOKIE: &str = "APIC-cookie";
/// How long a token lives unless a test says otherwise: APIC's default.
pub const REFRESH_TIMEOUT_SECONDS: u64 = 600;
/// What APIC answers a request without a token.
pub const NO_TOKEN: &str =
    "Need a valid webtoken cookie (named APIC-Cookie) or a signed request with signature in the cookie.";
/// What APIC answers a request with an expired or unknown token.
pub const TOKEN_INVALID: &str = "Token was invalid (Error: Token timeout)";
/// What APIC answers a wrong user name or password.
pub const BAD_LOGIN: &str = "Username or password is incorrect - FAILED local authentication";
/// The node IDs a switch may be registered with.
pub const NODE_IDS: std::ops::RangeInclusive<u32> = 101..=4000;

struct User {
    name: &'static str,
    password: &'static str,
    writes: bool,
}

struct Session {
    token: String,
    user: usize,
    expires: Instant,
}

/// What the fake APIC holds: its users, sessions and managed objects.
pub struct Apic {
    users: Vec<User>,
    sessions: Vec<Session>,
    tree: Vec<Mo>,
    issued: u64,
    /// What the login says (`refreshTimeoutSeconds`).
    refresh_timeout: u64,
    /// How long a token really lives, when a test makes it die sooner.
    lifetime: Option<Duration>,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
}

impl Default for Apic {
    fn default() -> Self {
        Apic {
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
            sessions: Vec::new(),
            tree: data::seed(),
            issued: 0,
            refresh_timeout: REFRESH_TIMEOUT_SECONDS,
            lifetime: None,
            faults: Faults::default(),
        }
    }
}

/// APIC's error answer.
fn error(status: StatusCode, text: &str) -> Response {
    json_response(
        status,
        &json!({"totalCount": "1", "imdata": [{"error": {"attributes": {"code": status.as_u16().to_string(), "text": text}}}]}),
    )
}

/// `%XX` escapes decoded (a DN's brackets and slashes may come escaped);
/// `+` stays, as in a path.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `APIC-cookie` of the request, if it came.
fn cookie(request: &Recorded) -> Option<String> {
    request
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

impl Apic {
    fn route(&mut self, request: &Recorded) -> Response {
        let path = percent_decode(&request.path);
        let Some(rest) = path.strip_prefix("/api/") else {
            return error(StatusCode::NOT_FOUND, "Not found");
        };
        match (&request.method, rest) {
            (&Method::POST, "aaaLogin.json") => return self.login(request),
            (_, "aaaRefresh.json") => return self.refresh(request),
            (&Method::POST, "aaaLogout.json") => {
                if let Some(token) = cookie(request) {
                    self.sessions.retain(|s| s.token != token);
                }
                return json_response(StatusCode::OK, &json!({"totalCount": "0", "imdata": []}));
            }
            _ => {}
        }
        let user = match self.session(request) {
            Ok(user) => user,
            Err(response) => return *response,
        };
        let Some(rest) = rest.strip_suffix(".json") else {
            return error(StatusCode::BAD_REQUEST, "The fake APIC answers JSON only (.json)");
        };
        let options = match Options::parse(&request.query) {
            Ok(options) => options,
            Err(refused) => return error(StatusCode::BAD_REQUEST, &refused.0),
        };
        let class = rest
            .strip_prefix("node/class/")
            .or_else(|| rest.strip_prefix("class/"));
        let mo = rest.strip_prefix("node/mo/").or_else(|| rest.strip_prefix("mo/"));
        match (&request.method, class, mo) {
            (&Method::GET, Some(class), _) => self.class_query(class, &options),
            (&Method::GET, _, Some(dn)) => self.mo_query(dn, &options),
            (&Method::POST | &Method::DELETE, _, Some(dn)) => {
                if !self.users[user].writes {
                    return error(
                        StatusCode::FORBIDDEN,
                        &format!(
                            "Access denied: user {} may not modify {dn}",
                            self.users[user].name
                        ),
                    );
                }
                self.write(dn, request)
            }
            _ => error(
                StatusCode::BAD_REQUEST,
                &format!("Invalid request {} /api/{rest}.json", request.method),
            ),
        }
    }

    /// The user of the request's live session, or APIC's 403.
    fn session(&mut self, request: &Recorded) -> Result<usize, Box<Response>> {
        let now = Instant::now();
        self.sessions.retain(|s| s.expires > now);
        let Some(token) = cookie(request) else {
            return Err(Box::new(error(StatusCode::FORBIDDEN, NO_TOKEN)));
        };
        self.sessions
            .iter()
            .find(|s| s.token == token)
            .map(|s| s.user)
            .ok_or_else(|| Box::new(error(StatusCode::FORBIDDEN, TOKEN_INVALID)))
    }

    fn login(&mut self, request: &Recorded) -> Response {
        let body = request.json();
        let attributes = &body["aaaUser"]["attributes"];
        let (Some(name), Some(pwd)) = (attributes["name"].as_str(), attributes["pwd"].as_str()) else {
            return error(
                StatusCode::BAD_REQUEST,
                "Failed to parse login request: aaaUser with name and pwd expected",
            );
        };
        let Some(user) = self
            .users
            .iter()
            .position(|u| u.name == name && u.password == pwd)
        else {
            return error(StatusCode::UNAUTHORIZED, BAD_LOGIN);
        };
        self.issue(user)
    }

    fn refresh(&mut self, request: &Recorded) -> Response {
        match self.session(request) {
            Ok(user) => self.issue(user),
            Err(response) => *response,
        }
    }

    /// A new session for `user`: its token in the body and the cookie.
    fn issue(&mut self, user: usize) -> Response {
        self.issued += 1;
        let digest = Sha256::digest(format!("fake-apic-session-{}", self.issued));
        let token = format!("eyJhbGciOiJSUzI1NiIsImtpZCI6{}", hex::encode(digest));
        let lifetime = self.lifetime.unwrap_or(Duration::from_secs(self.refresh_timeout));
        self.sessions.push(Session {
            token: token.clone(),
            user,
            expires: Instant::now() + lifetime,
        });
        let name = self.users[user].name;
        let (read, write) = if self.users[user].writes {
            ("admin", "admin")
        } else {
            ("read-all", "")
        };
        let created = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
            .to_string();
        let body = json!({"totalCount": "1", "imdata": [{"aaaLogin": {
            "attributes": {
                "token": token,
                "siteFingerprint": "a7f3c1e0b2d94c58",
                "refreshTimeoutSeconds": self.refresh_timeout.to_string(),
                "maximumLifetimeSeconds": "86400",
                "guiIdleTimeoutSeconds": "1200",
                "restTimeoutSeconds": "90",
                "creationTime": created,
                "firstLoginTime": created,
                "userName": name,
                "remoteUser": "false",
                "unixUserId": "15374",
                "sessionId": format!("{:x}", 0x5eed_0000_u64 + self.issued),
                "lastName": "",
                "firstName": "",
                "version": "5.2(7f)",
                "buildTime": "Fri Apr 19 13:56:09 PDT 2024",
                "node": "topology/pod-1/node-1"
            },
            "children": [{"aaaUserDomain": {"attributes": {"name": "all", "rolesR": read, "rolesW": write}}}]
        }}]});
        let mut response = json_response(StatusCode::OK, &body);
        let set = format!("{COOKIE}={token}; path=/; HttpOnly");
        if let Ok(value) = set.parse() {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
        response
    }

    fn class_query(&self, path: &str, options: &Options) -> Response {
        let (scope, class) = match tree::parent_of(path) {
            Some(scope) => (Some(scope), &path[scope.len() + 1..]),
            None => (None, path),
        };
        if !self.tree.iter().any(|m| m.class == class) {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Request failed, unresolved class for {class}"),
            );
        }
        let found = self
            .tree
            .iter()
            .filter(|m| m.class == class)
            .filter(|m| scope.is_none_or(|s| m.dn.starts_with(&format!("{s}/"))))
            .filter(|m| options.filter.as_ref().is_none_or(|f| f.holds(m)))
            .collect();
        json_response(StatusCode::OK, &options.answer(found, &self.tree))
    }

    fn mo_query(&self, dn: &str, options: &Options) -> Response {
        let Some(mo) = self.tree.iter().find(|m| m.dn == dn) else {
            // APIC answers an object that is not there with nothing, not 404.
            return json_response(StatusCode::OK, &json!({"totalCount": "0", "imdata": []}));
        };
        let under = format!("{dn}/");
        let found: Vec<&Mo> = match options.target {
            Target::Itself => [mo].into_iter().filter(|m| options.selects(m)).collect(),
            Target::Children => self
                .tree
                .iter()
                .filter(|m| m.parent() == Some(dn))
                .filter(|m| options.selects(m))
                .collect(),
            Target::Subtree => self
                .tree
                .iter()
                .filter(|m| m.dn == dn || m.dn.starts_with(&under))
                .filter(|m| options.selects(m))
                .collect(),
        };
        json_response(StatusCode::OK, &options.answer(found, &self.tree))
    }

    fn write(&mut self, dn: &str, request: &Recorded) -> Response {
        let body = request.json();
        let registration = &body["fabricNodeIdentP"]["attributes"];
        if request.method != Method::POST || dn != "uni/controller/nodeidentpol" || !registration.is_object()
        {
            return error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "The fake APIC writes only a fabricNodeIdentP to uni/controller/nodeidentpol, not to {dn}"
                ),
            );
        }
        let text = |name: &str| registration[name].as_str().unwrap_or_default().trim().to_owned();
        match self.register(&text("serial"), &text("nodeId"), &text("name"), &text("dn")) {
            Ok(()) => json_response(StatusCode::OK, &json!({"totalCount": "0", "imdata": []})),
            Err(text) => error(StatusCode::BAD_REQUEST, &text),
        }
    }

    /// Registers the switch with `serial` as node `node_id` named `name`: a
    /// `fabricNodeIdentP` under `uni/controller/nodeidentpol`, and, when the
    /// switch is waiting (its `dhcpClient` asks for an address), it is
    /// given one and joins the fabric at once (a real one takes minutes):
    /// an active `fabricNode` with its `topSystem` and ports, so that it
    /// leaves the pending nodes and shows among the nodes. A serial no
    /// switch asked for is pre-provisioned, as APIC allows. Registering
    /// a serial again with its own ID only renames it. `dn`, when given,
    /// must be the registration's own. Refused: no serial, an ID outside
    /// [`NODE_IDS`], an ID or serial already registered to another.
    pub fn register(&mut self, serial: &str, node_id: &str, name: &str, dn: &str) -> Result<(), String> {
        if serial.is_empty() {
            return Err("Property serial of fabricNodeIdentP is mandatory".into());
        }
        let own = format!("uni/controller/nodeidentpol/nodep-{serial}");
        if !dn.is_empty() && dn != own {
            return Err(format!("The dn {dn} does not match the serial {serial}"));
        }
        if !node_id.parse::<u32>().is_ok_and(|id| NODE_IDS.contains(&id)) {
            return Err(format!(
                "Node ID {node_id} is out of range; it must be between {} and {}",
                NODE_IDS.start(),
                NODE_IDS.end()
            ));
        }
        let registrations = || self.tree.iter().filter(|m| m.class == "fabricNodeIdentP");
        if let Some(other) = registrations().find(|m| m.attribute("nodeId") == Some(node_id) && m.dn != own) {
            return Err(format!(
                "Node ID {node_id} is already assigned to serial {}",
                other.attribute("serial").unwrap_or_default()
            ));
        }
        if let Some(same) = self.tree.iter_mut().find(|m| m.dn == own) {
            if same.attribute("nodeId") != Some(node_id) {
                return Err(format!(
                    "Serial {serial} is already registered as node {}",
                    same.attribute("nodeId").unwrap_or_default()
                ));
            }
            same.set("name", name);
            return Ok(());
        }
        let pending = self.tree.iter().position(|m| {
            m.class == "dhcpClient"
                && m.attribute("id") == Some(serial)
                && m.attribute("ip") == Some("0.0.0.0")
        });
        match pending {
            Some(i) => {
                let client = self.tree.remove(i);
                let role = client.attribute("nodeRole").unwrap_or("leaf").to_owned();
                let model = client.attribute("model").unwrap_or_default().to_owned();
                let joined = self.tree.iter().filter(|m| m.class == "fabricNode").count();
                let tep = format!("10.0.72.{}", 100 + joined);
                let oob = format!("192.168.10.{}", 100 + joined);
                data::node(
                    &mut self.tree,
                    [node_id, name, &role, &model, serial, &tep, &oob, "active"],
                );
            }
            None => self.tree.push(Mo::new(
                "fabricNodeIdentP",
                &own,
                &[
                    ("serial", serial),
                    ("nodeId", node_id),
                    ("name", name),
                    ("podId", "1"),
                    ("role", "unspecified"),
                    ("nodeType", "unspecified"),
                ],
            )),
        }
        Ok(())
    }
}

impl Platform for Apic {
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

/// What a garbled answer is, in APIC's terms: a proxy's sign-in page, a
/// class query's answer cut off midway, or JSON without `imdata`.
fn garbled_response(garbage: Garbage) -> Response {
    match garbage {
        Garbage::Html => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html>\n<html><head><title>APIC</title></head>\
             <body><div id=\"login\">Session expired, please sign in</div></body></html>\n",
        )
            .into_response(),
        Garbage::TruncatedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"totalCount":"5","imdata":[{"fvTenant":{"attributes":{"dn":"uni/tn-com"#,
        )
            .into_response(),
        Garbage::WrongShape => {
            json_response(StatusCode::OK, &json!({"totalCount": 5, "data": {"tenants": 5}}))
        }
    }
}

/// The running fake.
pub type FakeApic = FakeApi<Apic>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakeApic`].
impl Faulty for Apic {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }
}

impl FakeApic {
    /// The APIC's base URL (without `/api`), as a worker's `url`.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// The objects of `class` now, in DN order.
    pub fn objects(&self, class: &str) -> Vec<Mo> {
        self.with(|apic, _| {
            let mut found: Vec<Mo> = apic.tree.iter().filter(|m| m.class == class).cloned().collect();
            found.sort_by(|a, b| tree::natural_cmp(&a.dn, &b.dn));
            found
        })
    }

    /// The serials of the switches waiting for registration.
    pub fn pending_serials(&self) -> Vec<String> {
        self.objects("dhcpClient")
            .into_iter()
            .filter(|m| m.attribute("ip") == Some("0.0.0.0"))
            .filter_map(|m| m.attribute("id").map(str::to_owned))
            .collect()
    }

    /// Tokens issued from now on live `seconds`, and the login says so
    /// (`refreshTimeoutSeconds`): for a worker's refresh before expiry.
    pub fn set_refresh_timeout(&self, seconds: u64) {
        self.with(|apic, _| apic.refresh_timeout = seconds);
    }

    /// Tokens issued from now on die after `lifetime`, whatever the login
    /// says: for a worker's new login on `403 Token was invalid`.
    pub fn expire_tokens_after(&self, lifetime: Duration) {
        self.with(|apic, _| apic.lifetime = Some(lifetime));
    }

    /// Ends every session now, as an APIC restart or failover does.
    pub fn expire_tokens(&self) {
        self.with(|apic, _| apic.sessions.clear());
    }
}

#[cfg(test)]
mod tests;
