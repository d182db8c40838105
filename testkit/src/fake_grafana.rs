//! A fake Grafana HTTP API on loopback: what the `grafana` integration calls.
//!
//! - `GET /api/health` (no credentials, as in Grafana), `GET /api/frontend/settings`
//!   (its `buildInfo`: grafana-client's `health.check()`), `GET /api/org`, `GET /api/user`;
//! - `GET /api/search` (`query`, `type`, `tag`, `dashboardUIDs`, `folderUIDs`,
//!   `limit`, `page`): folders then dashboards, by title, only those the caller
//!   may read (folder permissions);
//! - `GET /api/dashboards/uid/{uid}`: the dashboard JSON and its `meta`;
//! - `GET /render/d-solo/{uid}/{slug}?panelId&width&height&theme&var-…`: a
//!   real PNG of the asked size, as the image renderer answers.
//!
//! Credentials: a service account token (`Authorization: Bearer glsa_…`) or
//! Basic. Missing or wrong credentials answer 401 with Grafana's `errutil`
//! bodies on `/api/…`, and a redirect to `/login` elsewhere (the renderer), as
//! Grafana's `reqSignedIn` does. A dashboard in a folder the caller may not
//! read is left out of its search and answers 403 with Grafana's RBAC body.

use std::{collections::VecDeque, f64::consts::PI, net::SocketAddr};

use axum::{
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use crate::fake_api::{FakeApi, Platform, json_response};
pub use crate::fake_api::{Recorded, Scripted};

/// The Grafana version `/api/health` reports.
pub const VERSION: &str = "11.3.0";
/// A service account token that reads every folder (an Admin's).
pub const ADMIN_TOKEN: &str = "glsa_FakeAdminChatOps00000000000000_5e1f9c2a";
/// A service account token of a Viewer without access to the Security folder.
pub const VIEWER_TOKEN: &str = "glsa_FakeViewerChatOps0000000000000_0b7d3e41";
/// The Basic login of the admin user (its password is [`ADMIN_PASSWORD`]).
pub const ADMIN_LOGIN: &str = "admin";
/// The password of [`ADMIN_LOGIN`].
pub const ADMIN_PASSWORD: &str = "admin-secret";
/// The UID of the "Interface traffic" dashboard (variables `device`, `interface`).
pub const INTERFACE_TRAFFIC_UID: &str = "net-if-traffic";
/// The UID of the "BGP sessions" dashboard (variables `device`, `afi`).
pub const BGP_SESSIONS_UID: &str = "net-bgp-sessions";
/// The UID of the "Firewall drops" dashboard, in the Security folder that
/// [`VIEWER_TOKEN`] may not read.
pub const FIREWALL_DROPS_UID: &str = "sec-fw-drops";
/// The largest width or height the renderer draws; larger asks are cut to it,
/// so that a typo does not make the fake build a huge image.
pub const MAX_SIDE: u32 = 2048;

/// Who may call the fake: a service account (token) or a user (Basic).
struct Principal {
    id: u64,
    login: &'static str,
    name: &'static str,
    token: Option<&'static str>,
    password: Option<&'static str>,
    /// The folders it may read; `None` for every folder.
    folders: Option<Vec<&'static str>>,
}

impl Principal {
    fn reads(&self, folder_uid: &str) -> bool {
        self.folders
            .as_ref()
            .is_none_or(|folders| folders.contains(&folder_uid))
    }
}

struct Folder {
    id: u64,
    uid: &'static str,
    title: &'static str,
}

/// One stored dashboard: its JSON model (`dashboard`) and where it lives.
struct Dashboard {
    folder_uid: &'static str,
    model: Value,
}

impl Dashboard {
    fn uid(&self) -> &str {
        self.model["uid"].as_str().expect("a dashboard uid")
    }

    fn title(&self) -> &str {
        self.model["title"].as_str().expect("a dashboard title")
    }

    /// Every panel, including those inside collapsed rows (`panels[].panels`).
    fn panel(&self, id: i64) -> Option<&Value> {
        let top = self.model["panels"].as_array()?;
        top.iter()
            .chain(top.iter().filter_map(|p| p["panels"].as_array()).flatten())
            .find(|p| p["id"].as_i64() == Some(id) && p["type"] != "row")
    }
}

/// What the fake Grafana holds: its principals, folders and dashboards.
pub struct Grafana {
    principals: Vec<Principal>,
    folders: Vec<Folder>,
    dashboards: Vec<Dashboard>,
    /// Answers the next renders give instead of a picture (see
    /// [`FakeApi::script_render`]).
    render_script: VecDeque<Scripted>,
}

impl Default for Grafana {
    fn default() -> Self {
        Grafana {
            principals: vec![
                Principal {
                    id: 1,
                    login: ADMIN_LOGIN,
                    name: "Admin",
                    token: None,
                    password: Some(ADMIN_PASSWORD),
                    folders: None,
                },
                Principal {
                    id: 2,
                    login: "sa-1-chatops-admin",
                    name: "chatops-admin",
                    token: Some(ADMIN_TOKEN),
                    password: None,
                    folders: None,
                },
                Principal {
                    id: 3,
                    login: "sa-1-chatops",
                    name: "chatops",
                    token: Some(VIEWER_TOKEN),
                    password: None,
                    folders: Some(vec!["network"]),
                },
            ],
            folders: vec![
                Folder {
                    id: 10,
                    uid: "network",
                    title: "Network",
                },
                Folder {
                    id: 11,
                    uid: "security",
                    title: "Security",
                },
            ],
            dashboards: vec![
                Dashboard {
                    folder_uid: "network",
                    model: interface_traffic(),
                },
                Dashboard {
                    folder_uid: "network",
                    model: bgp_sessions(),
                },
                Dashboard {
                    folder_uid: "security",
                    model: firewall_drops(),
                },
            ],
            render_script: VecDeque::new(),
        }
    }
}

/// Grafana's `slugify` for the titles used here: lower case, words joined by `-`.
fn slug(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn prometheus() -> Value {
    json!({"type": "prometheus", "uid": "prometheus"})
}

/// A `custom` variable: its choices are stored in the dashboard.
fn custom_variable(name: &str, label: &str, choices: &[&str]) -> Value {
    let options: Vec<Value> = choices
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"selected": i == 0, "text": c, "value": c}))
        .collect();
    json!({
        "name": name,
        "label": label,
        "type": "custom",
        "query": choices.join(","),
        "current": {"selected": true, "text": choices[0], "value": choices[0]},
        "options": options,
        "multi": false,
        "includeAll": false,
        "hide": 0,
        "skipUrlSync": false
    })
}

fn timeseries(id: i64, title: &str, expr: &str, unit: &str, x: i64, y: i64) -> Value {
    json!({
        "id": id,
        "type": "timeseries",
        "title": title,
        "datasource": prometheus(),
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "targets": [{"refId": "A", "datasource": prometheus(), "expr": expr}],
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": true}}
    })
}

fn dashboard_model(id: u64, uid: &str, title: &str, tags: &[&str], panels: Value, variables: Value) -> Value {
    json!({
        "id": id,
        "uid": uid,
        "title": title,
        "tags": tags,
        "timezone": "browser",
        "editable": true,
        "graphTooltip": 0,
        "schemaVersion": 39,
        "version": 3,
        "refresh": "1m",
        "time": {"from": "now-6h", "to": "now"},
        "timepicker": {},
        "annotations": {"list": []},
        "links": [],
        "panels": panels,
        "templating": {"list": variables}
    })
}

fn interface_traffic() -> Value {
    let interface = json!({
        "name": "interface",
        "label": "Interface",
        "type": "query",
        "datasource": prometheus(),
        "definition": "label_values(ifHCInOctets{device=\"$device\"}, ifName)",
        "query": {
            "qryType": 1,
            "query": "label_values(ifHCInOctets{device=\"$device\"}, ifName)",
            "refId": "PrometheusVariableQueryEditor-VariableQuery"
        },
        "current": {"selected": true, "text": "Ethernet1", "value": "Ethernet1"},
        "options": [],
        "refresh": 1,
        "regex": "",
        "sort": 1,
        "multi": false,
        "includeAll": false,
        "hide": 0,
        "skipUrlSync": false
    });
    let selector = "{device=\"$device\", ifName=\"$interface\"}";
    dashboard_model(
        101,
        INTERFACE_TRAFFIC_UID,
        "Interface traffic",
        &["network", "interfaces"],
        json!([
            timeseries(1, "Traffic in / out", &format!("rate(ifHCInOctets{selector}[5m]) * 8"), "bps", 0, 0),
            timeseries(2, "Errors and discards", &format!("rate(ifInErrors{selector}[5m])"), "pps", 12, 0),
            {
                "id": 3,
                "type": "gauge",
                "title": "Utilisation",
                "datasource": prometheus(),
                "gridPos": {"h": 8, "w": 6, "x": 0, "y": 8},
                "targets": [{"refId": "A", "datasource": prometheus(), "expr": format!("ifUtilisation{selector}")}],
                "fieldConfig": {"defaults": {"unit": "percent", "min": 0, "max": 100}, "overrides": []},
                "options": {}
            }
        ]),
        json!([
            custom_variable("device", "Device", &["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"]),
            interface
        ]),
    )
}

fn bgp_sessions() -> Value {
    dashboard_model(
        102,
        BGP_SESSIONS_UID,
        "BGP sessions",
        &["network", "bgp"],
        json!([
            {
                "id": 1,
                "type": "stat",
                "title": "Established sessions",
                "datasource": prometheus(),
                "gridPos": {"h": 6, "w": 8, "x": 0, "y": 0},
                "targets": [{"refId": "A", "datasource": prometheus(), "expr": "count(bgpPeerState{device=\"$device\", afi=\"$afi\"} == 6)"}],
                "fieldConfig": {"defaults": {"unit": "none"}, "overrides": []},
                "options": {}
            },
            timeseries(2, "Prefixes received", "bgpPeerPrefixesReceived{device=\"$device\", afi=\"$afi\"}", "short", 8, 0),
            {
                "id": 3,
                "type": "row",
                "title": "Details",
                "collapsed": true,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": 6},
                "panels": [{
                    "id": 4,
                    "type": "table",
                    "title": "Session state",
                    "datasource": prometheus(),
                    "gridPos": {"h": 8, "w": 24, "x": 0, "y": 7},
                    "targets": [{"refId": "A", "datasource": prometheus(), "expr": "bgpPeerState{device=\"$device\", afi=\"$afi\"}", "format": "table"}],
                    "fieldConfig": {"defaults": {}, "overrides": []},
                    "options": {}
                }]
            }
        ]),
        json!([
            custom_variable("device", "Device", &["nyc-rtr-01", "nyc-rtr-02"]),
            custom_variable("afi", "Address family", &["ipv4", "ipv6"])
        ]),
    )
}

fn firewall_drops() -> Value {
    dashboard_model(
        103,
        FIREWALL_DROPS_UID,
        "Firewall drops",
        &["security"],
        json!([timeseries(
            1,
            "Dropped packets",
            "rate(fwDroppedPackets{firewall=\"$firewall\"}[5m])",
            "pps",
            0,
            0
        )]),
        json!([custom_variable(
            "firewall",
            "Firewall",
            &["nyc-fw-01", "ams-fw-01"]
        )]),
    )
}

/// An `errutil` error body, as Grafana 10+ writes its authentication errors
/// (`{"extra":null,"message":"Unauthorized","messageId":"auth.unauthorized",…}`).
fn errutil(status: StatusCode, message_id: &str, message: &str) -> Response {
    json_response(
        status,
        &json!({"extra": null, "message": message, "messageId": message_id, "statusCode": status.as_u16(), "traceID": ""}),
    )
}

fn message(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({"message": message}))
}

/// Why a request carries no principal.
enum AuthError {
    /// No credentials at all.
    Missing,
    /// A token no service account has.
    BadToken,
    /// A login and password that do not match.
    BadPassword,
}

impl AuthError {
    /// Grafana's answer: the JSON 401 on `/api/…`, a redirect to the login
    /// page elsewhere (its `notAuthorized` middleware).
    fn respond(&self, path: &str) -> Response {
        if !path.starts_with("/api/") {
            let to = format!(
                "redirect_to={}; Path=/; HttpOnly; SameSite=Lax",
                path.replace('/', "%2F")
            );
            return (
                StatusCode::FOUND,
                [(header::LOCATION, "/login".to_owned()), (header::SET_COOKIE, to)],
            )
                .into_response();
        }
        match self {
            AuthError::Missing => errutil(StatusCode::UNAUTHORIZED, "auth.unauthorized", "Unauthorized"),
            AuthError::BadToken => errutil(StatusCode::UNAUTHORIZED, "api-key.invalid", "Invalid API key"),
            AuthError::BadPassword => errutil(
                StatusCode::UNAUTHORIZED,
                "password-auth.failed",
                "Invalid username or password",
            ),
        }
    }
}

/// The query parameters of `request`, decoded, in order (a render's
/// `panelId`, `width`, `var-…`, for the tests' assertions).
pub fn params(request: &Recorded) -> Vec<(String, String)> {
    form_urlencoded::parse(request.query.as_bytes())
        .into_owned()
        .collect()
}

/// Standard base64 with padding, for comparing Basic credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Grafana {
    fn authenticate(&self, headers: &HeaderMap) -> Result<&Principal, AuthError> {
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(AuthError::Missing)?;
        let (scheme, credential) = value.split_once(' ').ok_or(AuthError::Missing)?;
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" => self
                .principals
                .iter()
                .find(|p| p.token == Some(credential.trim()))
                .ok_or(AuthError::BadToken),
            "basic" => self
                .principals
                .iter()
                .find(|p| {
                    p.password
                        .is_some_and(|pw| base64(format!("{}:{pw}", p.login).as_bytes()) == credential.trim())
                })
                .ok_or(AuthError::BadPassword),
            _ => Err(AuthError::Missing),
        }
    }

    fn folder(&self, uid: &str) -> &Folder {
        self.folders
            .iter()
            .find(|f| f.uid == uid)
            .expect("a seeded folder")
    }

    fn dashboard(&self, uid: &str) -> Option<&Dashboard> {
        self.dashboards.iter().find(|d| d.uid() == uid)
    }

    fn search_hit(&self, dashboard: &Dashboard) -> Value {
        let (uid, title) = (dashboard.uid(), dashboard.title());
        let folder = self.folder(dashboard.folder_uid);
        json!({
            "id": dashboard.model["id"],
            "uid": uid,
            "orgId": 1,
            "title": title,
            "uri": format!("db/{}", slug(title)),
            "url": format!("/d/{uid}/{}", slug(title)),
            "slug": "",
            "type": "dash-db",
            "tags": dashboard.model["tags"],
            "isStarred": false,
            "folderId": folder.id,
            "folderUid": folder.uid,
            "folderTitle": folder.title,
            "folderUrl": format!("/dashboards/f/{}/{}", folder.uid, slug(folder.title)),
            "sortMeta": 0
        })
    }

    fn folder_hit(folder: &Folder) -> Value {
        json!({
            "id": folder.id,
            "uid": folder.uid,
            "orgId": 1,
            "title": folder.title,
            "uri": format!("db/{}", slug(folder.title)),
            "url": format!("/dashboards/f/{}/{}", folder.uid, slug(folder.title)),
            "slug": "",
            "type": "dash-folder",
            "tags": [],
            "isStarred": false,
            "sortMeta": 0
        })
    }

    /// `GET /api/search`: Grafana's filters, then its paging (`limit`, 1000 by
    /// default, and the 1-based `page`).
    fn search(&self, principal: &Principal, params: &[(String, String)]) -> Response {
        let all = |name: &str| -> Vec<String> {
            params
                .iter()
                .filter(|(k, _)| k == name)
                .flat_map(|(_, v)| v.split(',').map(str::to_owned))
                .filter(|v| !v.is_empty())
                .collect()
        };
        let one = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let query = one("query").unwrap_or_default().to_lowercase();
        let kind = one("type");
        let (tags, uids, folder_uids) = (all("tag"), all("dashboardUIDs"), all("folderUIDs"));
        let (Ok(limit), Ok(page)) = (
            one("limit").unwrap_or("1000").parse::<usize>(),
            one("page").unwrap_or("1").parse::<usize>(),
        ) else {
            return message(StatusCode::BAD_REQUEST, "bad request data");
        };
        let limit = if limit == 0 { 1000 } else { limit.min(5000) };
        let matches = |title: &str| title.to_lowercase().contains(&query);
        // Filters on dashboards (tags, UIDs, a folder to look in) leave the folders out.
        let with_folders = kind.is_none_or(|k| k == "dash-folder")
            && tags.is_empty()
            && uids.is_empty()
            && folder_uids.is_empty();
        let mut folders: Vec<&Folder> = self
            .folders
            .iter()
            .filter(|f| with_folders && principal.reads(f.uid) && matches(f.title))
            .collect();
        folders.sort_by_key(|f| f.title.to_lowercase());
        let mut dashboards: Vec<&Dashboard> = self
            .dashboards
            .iter()
            .filter(|d| kind.is_none_or(|k| k == "dash-db") && principal.reads(d.folder_uid))
            .filter(|d| matches(d.title()))
            .filter(|d| uids.is_empty() || uids.iter().any(|u| u == d.uid()))
            .filter(|d| folder_uids.is_empty() || folder_uids.iter().any(|u| u == d.folder_uid))
            .filter(|d| {
                tags.iter().all(|t| {
                    d.model["tags"]
                        .as_array()
                        .is_some_and(|ts| ts.iter().any(|x| x == t))
                })
            })
            .collect();
        dashboards.sort_by_key(|d| d.title().to_lowercase());
        let hits: Vec<Value> = folders
            .into_iter()
            .map(Grafana::folder_hit)
            .chain(dashboards.into_iter().map(|d| self.search_hit(d)))
            .skip(limit * page.saturating_sub(1))
            .take(limit)
            .collect();
        json_response(StatusCode::OK, &Value::Array(hits))
    }

    /// `GET /api/dashboards/uid/{uid}`.
    fn get_dashboard(&self, principal: &Principal, uid: &str) -> Response {
        let Some(dashboard) = self.dashboard(uid) else {
            return message(StatusCode::NOT_FOUND, "Dashboard not found");
        };
        if !principal.reads(dashboard.folder_uid) {
            return forbidden("dashboards:read");
        }
        let admin = principal.folders.is_none();
        let folder = self.folder(dashboard.folder_uid);
        let dashboard_slug = slug(dashboard.title());
        let body = json!({
            "dashboard": dashboard.model,
            "meta": {
                "type": "db",
                "canSave": admin,
                "canEdit": admin,
                "canAdmin": admin,
                "canStar": true,
                "canDelete": admin,
                "slug": dashboard_slug,
                "url": format!("/d/{uid}/{dashboard_slug}"),
                "expires": "0001-01-01T00:00:00Z",
                "created": "2026-09-14T08:12:45Z",
                "updated": "2026-11-20T16:40:02Z",
                "updatedBy": "admin",
                "createdBy": "admin",
                "version": dashboard.model["version"],
                "hasAcl": false,
                "isFolder": false,
                "folderId": folder.id,
                "folderUid": folder.uid,
                "folderTitle": folder.title,
                "folderUrl": format!("/dashboards/f/{}/{}", folder.uid, slug(folder.title)),
                "provisioned": false,
                "provisionedExternalId": "",
                "annotationsPermissions": {
                    "dashboard": {"canAdd": admin, "canEdit": admin, "canDelete": admin},
                    "organization": {"canAdd": admin, "canEdit": admin, "canDelete": admin}
                }
            }
        });
        json_response(StatusCode::OK, &body)
    }

    /// `GET /render/d-solo/{uid}/{slug}`: a PNG of `width`×`height` (800×400
    /// by default, as Grafana), in the `theme`'s background. The renderer
    /// answers 200 even for a panel or dashboard it cannot show (its image
    /// says "Panel with id … not found"): here that image is the bare
    /// background, while a found panel gets a curve that the `var-…` values shape.
    fn render(&self, principal: &Principal, uid: &str, params: &[(String, String)]) -> Response {
        let one = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let side = |name: &str, default: &str| one(name).unwrap_or(default).parse::<u32>();
        let (Ok(width), Ok(height)) = (side("width", "800"), side("height", "400")) else {
            return message(StatusCode::BAD_REQUEST, "Render parameters error");
        };
        let (width, height) = (width.clamp(1, MAX_SIDE), height.clamp(1, MAX_SIDE));
        let panel = one("panelId")
            .and_then(|id| id.parse::<i64>().ok())
            .and_then(|id| {
                self.dashboard(uid)
                    .filter(|d| principal.reads(d.folder_uid))
                    .and_then(|d| d.panel(id))
            });
        let light = one("theme") == Some("light");
        let background = if light { [255, 255, 255] } else { [24, 27, 31] };
        // The variables shift the curve, so that two renders with different
        // values differ, as two real graphs would.
        let phase = params
            .iter()
            .filter(|(k, _)| k.starts_with("var-"))
            .flat_map(|(k, v)| k.bytes().chain(v.bytes()))
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        let curve = panel.map(|_| f64::from(phase % 628) / 100.0);
        let png = png(width, height, |x, y| match curve {
            Some(phase) => {
                let t = f64::from(x) / f64::from(width) * 4.0 * PI + phase;
                let level = f64::from(height) * (0.5 - 0.3 * t.sin());
                if (f64::from(y) - level).abs() < 1.5 {
                    [115, 191, 105]
                } else {
                    background
                }
            }
            None => background,
        });
        (StatusCode::OK, [(header::CONTENT_TYPE, "image/png")], png).into_response()
    }
}

/// Grafana's RBAC refusal (`accesscontrol` middleware): 403 with the actions missing.
fn forbidden(action: &str) -> Response {
    json_response(
        StatusCode::FORBIDDEN,
        &json!({
            "accessErrorId": "ACE0123456789",
            "message": format!("You'll need additional permissions to perform this action. Permissions needed: {action}"),
            "title": "Access denied"
        }),
    )
}

impl Platform for Grafana {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, addr: SocketAddr) -> Response {
        let path = request.path.clone();
        if request.method == Method::GET && path == "/api/health" {
            return json_response(
                StatusCode::OK,
                &json!({"commit": "fake0chatops", "database": "ok", "version": VERSION}),
            );
        }
        if path.starts_with("/render/")
            && let Some(scripted) = self.render_script.pop_front()
        {
            return scripted.into_response();
        }
        let principal = match self.authenticate(&request.headers) {
            Ok(principal) => principal,
            Err(error) => return error.respond(&path),
        };
        let params = params(request);
        match (&request.method, path.as_str()) {
            // What grafana-client's `health.check()` reads (`buildInfo`).
            (&Method::GET, "/api/frontend/settings" | "/api/frontend/settings/") => json_response(
                StatusCode::OK,
                &json!({
                    "appUrl": format!("http://{addr}/"),
                    "appSubUrl": "",
                    "defaultDatasource": "Prometheus",
                    "anonymousEnabled": false,
                    "rendererAvailable": true,
                    "rendererVersion": "3.12.0",
                    "featureToggles": {},
                    "buildInfo": {
                        "hideVersion": false,
                        "version": VERSION,
                        "versionString": format!("Grafana v{VERSION} (fake0chatops)"),
                        "commit": "fake0chatops",
                        "buildstamp": 1_730_000_000,
                        "edition": "Open Source",
                        "latestVersion": "",
                        "hasUpdate": false,
                        "env": "production"
                    }
                }),
            ),
            (&Method::GET, "/api/org") => json_response(
                StatusCode::OK,
                &json!({"id": 1, "name": "Main Org.", "address": {"address1": "", "address2": "", "city": "", "zipCode": "", "state": "", "country": ""}}),
            ),
            (&Method::GET, "/api/user") => json_response(
                StatusCode::OK,
                &json!({
                    "id": principal.id,
                    "uid": format!("fake-user-{}", principal.id),
                    "email": if principal.token.is_some() { principal.login.to_owned() } else { "admin@localhost".to_owned() },
                    "name": principal.name,
                    "login": principal.login,
                    "theme": "",
                    "orgId": 1,
                    "isGrafanaAdmin": principal.folders.is_none() && principal.token.is_none(),
                    "isDisabled": false,
                    "isExternal": false,
                    "isExternallySynced": false,
                    "isGrafanaAdminExternallySynced": false,
                    "authLabels": [],
                    "updatedAt": "2026-11-20T16:40:02Z",
                    "createdAt": "2026-09-14T08:12:45Z",
                    "avatarUrl": format!("/avatar/fake{}", principal.id)
                }),
            ),
            (&Method::GET, "/api/search") => self.search(principal, &params),
            (&Method::GET, p) if p.starts_with("/api/dashboards/uid/") => {
                self.get_dashboard(principal, &p["/api/dashboards/uid/".len()..])
            }
            (&Method::GET, p) if p.starts_with("/render/d-solo/") => {
                let uid = p["/render/d-solo/".len()..].split('/').next().unwrap_or_default();
                self.render(principal, uid, &params)
            }
            _ => message(StatusCode::NOT_FOUND, "Not found"),
        }
    }
}

/// The running fake.
pub type FakeGrafana = FakeApi<Grafana>;

impl FakeGrafana {
    /// The base URL, as the integration's `url` (Grafana's root, not `/api`).
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// Answers the next render (`/render/…`) with `scripted` instead of a
    /// picture (an HTML page, a proxy's redirect, a renderer that failed),
    /// whatever calls come before it; scripts queue.
    pub fn script_render(&self, scripted: Scripted) {
        self.with(|grafana, _| grafana.render_script.push_back(scripted));
    }

    /// The render requests so far (`/render/…`), in order.
    pub fn renders(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/render/"))
            .collect()
    }
}

/// A PNG (8-bit RGB) of `width`×`height`, `pixel` giving each colour. Written
/// here rather than with a crate: the zlib stream holds stored (uncompressed)
/// blocks, which every PNG reader takes.
pub fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::with_capacity((height * (1 + 3 * width)) as usize);
    for y in 0..height {
        raw.push(0); // filter type None
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(0xFFFF).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // depth 8, RGB, deflate, no filter set, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr.as_slice()), (b"IDAT", &zlib), (b"IEND", &[])] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    b << 16 | a
}

/// CRC-32 (IEEE, reflected), as PNG chunks carry it.
fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, byte| {
        (0..8).fold(crc ^ u32::from(*byte), |c, _| {
            if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_known_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(base64(b"admin:admin-secret"), "YWRtaW46YWRtaW4tc2VjcmV0");
        assert_eq!(base64(b"ab"), "YWI=");
    }

    #[test]
    fn the_png_carries_its_size() {
        let png = png(70_000 / 3, 2, |_, _| [1, 2, 3]);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 23_333);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 2);
    }
}
