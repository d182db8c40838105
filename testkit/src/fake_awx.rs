//! A fake AWX (Ansible Automation Platform controller) REST API on loopback
//! (`/api/v2/…`), for the `awx` integration: the API roots, ping, config, me,
//! the dashboard, inventories with their groups and hosts, projects, job
//! templates with their launch and survey endpoints, and jobs that go from
//! `pending` through `running` to `successful` or `failed` over successive
//! reads. It authenticates as AWX does (OAuth2 bearer token or HTTP Basic),
//! filters lists by the user's access, pages with `count`/`next`/`previous`/
//! `results` and answers errors with AWX's own bodies, so that `awxkit` reads
//! it as it reads a real controller.
//!
//! Two knobs, both off unless a test turns them on a running fake, make it
//! misbehave as a real controller (or what stands in front of one) can:
//! [`FakeAwx::slow_down`] holds answers back, [`FakeAwx::garble`] answers
//! what is not AWX's JSON ([`Garbage`]); [`FakeAwx::mend`] turns both off.

use std::{collections::HashMap, net::SocketAddr, time::Duration};

use axum::{
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use crate::fake_api::{FakeApi, Faults, Faulty, Platform, json_response};
pub use crate::fake_api::{Recorded, Scripted};

/// The superuser's name.
pub const ADMIN_USER: &str = "admin";
/// The superuser's password (HTTP Basic).
pub const ADMIN_PASSWORD: &str = "awx-admin-password";
/// The superuser's personal OAuth2 token (`Authorization: Bearer …`).
pub const ADMIN_TOKEN: &str = "awx-admin-token-0123456789abcdef";
/// The limited user's name: may read every job template, launch all but
/// [`FORBIDDEN_TEMPLATE`], and does not see [`HIDDEN_INVENTORY`].
pub const LIMITED_USER: &str = "operator";
/// The limited user's password.
pub const LIMITED_PASSWORD: &str = "awx-operator-password";
/// The limited user's personal OAuth2 token.
pub const LIMITED_TOKEN: &str = "awx-operator-token-fedcba9876543210";
/// The inventory the limited user cannot see.
pub const HIDDEN_INVENTORY: &str = "Lab";
/// The job template the limited user may read but not launch (403).
pub const FORBIDDEN_TEMPLATE: &str = "Reboot Routers";
/// The job template with a survey (a required `version`, an optional `environment`).
pub const SURVEY_TEMPLATE: &str = "Deploy Web App";
/// The job template whose jobs end `failed`.
pub const FAILING_TEMPLATE: &str = "Patch Servers";
/// The number of hosts of the `Production` inventory: more than one page of 25.
pub const PRODUCTION_HOSTS: usize = 30;
/// The AWX version the fake reports.
pub const VERSION: &str = "24.6.1";

const API: &str = "/api/v2";
/// AWX's default and largest page sizes (`PAGE_SIZE`, `MAX_PAGE_SIZE`).
const PAGE_SIZE: usize = 25;
const MAX_PAGE_SIZE: usize = 200;
/// Query parameters that page or order a list rather than filter it.
const NOT_FILTERS: [&str; 5] = ["page", "page_size", "order_by", "format", "count_disabled"];

/// One AWX user, with what it may not see or launch.
#[derive(Clone)]
struct User {
    id: u64,
    username: &'static str,
    password: &'static str,
    token: &'static str,
    superuser: bool,
    /// IDs of the inventories hidden from the user (and everything in them).
    hidden_inventories: Vec<u64>,
    /// IDs of the job templates the user may read but not launch.
    no_launch: Vec<u64>,
}

/// What the fake AWX holds: users, and the objects of each collection
/// (`inventories`, `groups`, `hosts`, `projects`, `job_templates`, `jobs`,
/// `organizations`) as AWX serializes them, plus what the serialized form
/// does not carry (group membership, surveys, jobs' progress).
pub struct Awx {
    users: Vec<User>,
    objects: HashMap<&'static str, Vec<Value>>,
    /// `(group id, host id)`: AWX groups and hosts are many-to-many.
    group_hosts: Vec<(u64, u64)>,
    /// Survey specs by job template id.
    surveys: HashMap<u64, Value>,
    /// The final status of a job template's jobs, where not `successful`.
    outcomes: HashMap<u64, &'static str>,
    /// How many times each launched job was read: its progress.
    reads: HashMap<u64, u32>,
    /// Answers held back or garbled, by path prefix: the tests\' knobs.
    faults: Faults<Garbage>,
}

/// What a garbled answer is instead of AWX's JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Garbage {
    /// An HTML page with `200 OK`, as a single sign-on proxy in front of AWX
    /// answers a request it wants to log in first.
    Html,
    /// AWX's JSON cut off midway, as a connection dropped by a proxy leaves it.
    TruncatedJson,
    /// Well-formed JSON of the wrong shape: a list where AWX gives an object.
    WrongShape,
}

impl Garbage {
    pub(crate) fn response(self) -> Response {
        match self {
            Garbage::Html => (
                StatusCode::OK,
                [("content-type", "text/html; charset=utf-8")],
                "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\
                 <body><form method=\"post\" action=\"/sso/login\"><input name=\"user\"></form></body></html>\n",
            )
                .into_response(),
            Garbage::TruncatedJson => (
                StatusCode::OK,
                [("content-type", "application/json")],
                r#"{"count": 3, "next": null, "previous": null, "results": [{"id": 1, "type": "inventory", "name": "Produc"#,
            )
                .into_response(),
            Garbage::WrongShape => json_response(StatusCode::OK, &json!([["count", 3], ["results", []]])),
        }
    }
}

fn url(collection: &str, id: u64) -> String {
    format!("{API}/{collection}/{id}/")
}

/// An object's `related` links: its own sub-resources `subs`
/// (`{API}/{collection}/{id}/{sub}/`), then `links` to other objects.
fn related(collection: &str, id: u64, subs: &[&str], links: Vec<(&str, Value)>) -> Value {
    let own = subs
        .iter()
        .map(|sub| (sub.to_string(), json!(format!("{API}/{collection}/{id}/{sub}/"))));
    let others = links.into_iter().map(|(name, link)| (name.to_owned(), link));
    Value::Object(own.chain(others).collect())
}

/// A fixed creation time for seeded objects, so answers are stable.
fn seeded_time(minute: u64) -> String {
    format!("2024-10-01T09:{:02}:00.000000Z", minute % 60)
}

fn now() -> String {
    format!("{:.6}", Timestamp::now())
}

fn detail(message: &str) -> Value {
    json!({ "detail": message })
}

impl Default for Awx {
    fn default() -> Self {
        let mut awx = Awx {
            users: vec![
                User {
                    id: 1,
                    username: ADMIN_USER,
                    password: ADMIN_PASSWORD,
                    token: ADMIN_TOKEN,
                    superuser: true,
                    hidden_inventories: Vec::new(),
                    no_launch: Vec::new(),
                },
                User {
                    id: 2,
                    username: LIMITED_USER,
                    password: LIMITED_PASSWORD,
                    token: LIMITED_TOKEN,
                    superuser: false,
                    hidden_inventories: vec![3],
                    no_launch: vec![3],
                },
            ],
            objects: HashMap::new(),
            group_hosts: Vec::new(),
            surveys: HashMap::new(),
            outcomes: HashMap::new(),
            reads: HashMap::new(),
            faults: Faults::default(),
        };
        awx.seed();
        awx
    }
}

impl Awx {
    fn seed(&mut self) {
        self.push(
            "organizations",
            json!({"id": 1, "type": "organization", "url": url("organizations", 1), "name": "Default",
                   "description": "", "max_hosts": 0, "custom_virtualenv": null, "default_environment": null,
                   "related": {}, "summary_fields": {}, "created": seeded_time(0), "modified": seeded_time(0)}),
        );
        for (id, name, description) in [
            (1, "Production", "Production servers"),
            (2, "Staging", "Staging servers"),
            (3, HIDDEN_INVENTORY, "Network lab"),
        ] {
            self.push("inventories", inventory(id, name, description));
        }
        for (id, inventory, name) in [(1, 1, "web"), (2, 1, "db"), (3, 2, "web"), (4, 3, "routers")] {
            self.push("groups", group(id, inventory, name));
        }
        let mut host_id = 0;
        for n in 1..=PRODUCTION_HOSTS {
            host_id += 1;
            // Two thirds web servers, one third databases: both groups page on their own too.
            let (name, group) = if n <= 20 {
                (format!("web{n:02}.prod.example.com"), 1)
            } else {
                (format!("db{:02}.prod.example.com", n - 20), 2)
            };
            self.push("hosts", host(host_id, 1, &name));
            self.group_hosts.push((group, host_id));
        }
        for name in ["web01.staging.example.com", "web02.staging.example.com"] {
            host_id += 1;
            self.push("hosts", host(host_id, 2, name));
            self.group_hosts.push((3, host_id));
        }
        for name in ["rtr01.lab.example.com", "rtr02.lab.example.com"] {
            host_id += 1;
            self.push("hosts", host(host_id, 3, name));
            self.group_hosts.push((4, host_id));
        }
        for (id, name, scm_url) in [
            (
                1,
                "Web Playbooks",
                "https://git.example.com/ops/web-playbooks.git",
            ),
            (
                2,
                "Network Playbooks",
                "https://git.example.com/ops/network-playbooks.git",
            ),
        ] {
            self.push("projects", project(id, name, scm_url));
        }
        for (id, name, inventory, project, playbook) in [
            (1, SURVEY_TEMPLATE, 1, 1, "deploy.yml"),
            (2, "Restart Services", 1, 1, "restart.yml"),
            (3, FORBIDDEN_TEMPLATE, 3, 2, "reboot.yml"),
            (4, FAILING_TEMPLATE, 2, 1, "patch.yml"),
        ] {
            let names = (
                self.name_of("inventories", inventory),
                self.name_of("projects", project),
            );
            self.push(
                "job_templates",
                job_template(id, name, (inventory, &names.0), (project, &names.1), playbook),
            );
        }
        self.surveys.insert(
            1,
            json!({"name": "", "description": "", "spec": [
                {"question_name": "Version to deploy", "question_description": "A release tag", "required": true,
                 "type": "text", "variable": "version", "min": 1, "max": 40, "default": "", "choices": "", "new_question": true},
                {"question_name": "Environment", "question_description": "", "required": false,
                 "type": "multiplechoice", "variable": "environment", "min": null, "max": null,
                 "default": "production", "choices": ["production", "staging"], "new_question": true}
            ]}),
        );
        self.set_field("job_templates", 1, "survey_enabled", json!(true));
        self.count_inventories();
        self.outcomes.insert(4, "failed");
        // A short history, so that get-jobs has something to list.
        for (template, status) in [
            (2, "successful"),
            (1, "successful"),
            (4, "failed"),
            (2, "successful"),
        ] {
            let id = self.next_id("jobs");
            let mut job = self.new_job(id, template, 1, "{}");
            finish(&mut job, status, &seeded_time(10 + id), &seeded_time(11 + id));
            self.push("jobs", job);
        }
    }

    /// Sets each inventory's `total_hosts` and `total_groups` (and the copies
    /// in the job templates' summaries) from the hosts and groups it holds.
    fn count_inventories(&mut self) {
        let totals: Vec<(Value, usize, usize)> = self
            .list("inventories")
            .iter()
            .map(|inventory| {
                let id = &inventory["id"];
                let count = |collection| self.children(collection, "inventory", id).len();
                (id.clone(), count("hosts"), count("groups"))
            })
            .collect();
        for (id, hosts, groups) in totals {
            for inventory in self.matching_mut("inventories", "id", &id) {
                inventory["total_hosts"] = json!(hosts);
                inventory["total_groups"] = json!(groups);
            }
            for template in self.matching_mut("job_templates", "inventory", &id) {
                template["summary_fields"]["inventory"]["total_hosts"] = json!(hosts);
                template["summary_fields"]["inventory"]["total_groups"] = json!(groups);
            }
        }
    }

    /// The objects of `collection` whose `field` is `value`, to change in place.
    fn matching_mut<'a>(
        &'a mut self,
        collection: &'static str,
        field: &'a str,
        value: &'a Value,
    ) -> impl Iterator<Item = &'a mut Value> {
        self.objects
            .entry(collection)
            .or_default()
            .iter_mut()
            .filter(move |o| o[field] == *value)
    }

    fn push(&mut self, collection: &'static str, object: Value) {
        self.objects.entry(collection).or_default().push(object);
    }

    fn list(&self, collection: &str) -> &[Value] {
        self.objects
            .get(collection)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The objects of `collection` whose `field` is `parent` (an inventory's
    /// hosts, a template's jobs), as AWX's sub-lists give them.
    fn children(&self, collection: &str, field: &str, parent: &Value) -> Vec<Value> {
        self.list(collection)
            .iter()
            .filter(|o| o[field] == *parent)
            .cloned()
            .collect()
    }

    fn find(&self, collection: &str, id: u64) -> Option<&Value> {
        self.list(collection).iter().find(|o| o["id"] == id)
    }

    fn find_mut(&mut self, collection: &str, id: u64) -> Option<&mut Value> {
        self.objects
            .get_mut(collection)?
            .iter_mut()
            .find(|o| o["id"] == id)
    }

    fn name_of(&self, collection: &str, id: u64) -> String {
        self.find(collection, id)
            .map(|o| o["name"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }

    fn set_field(&mut self, collection: &str, id: u64, field: &str, value: Value) {
        if let Some(object) = self.find_mut(collection, id) {
            object[field] = value;
        }
    }

    fn next_id(&self, collection: &str) -> u64 {
        self.list(collection)
            .iter()
            .filter_map(|o| o["id"].as_u64())
            .max()
            .unwrap_or(0)
            + 1
    }

    /// A job of template `template` as AWX serializes it when it is created
    /// (`pending`), launched by user `user`.
    fn new_job(&self, id: u64, template: u64, user: u64, extra_vars: &str) -> Value {
        let jt = self
            .find("job_templates", template)
            .cloned()
            .unwrap_or(Value::Null);
        let username = self
            .users
            .iter()
            .find(|u| u.id == user)
            .map(|u| u.username)
            .unwrap_or_default();
        let created = now();
        let job = json!({
            "id": id, "type": "job", "url": url("jobs", id),
            "related": related(
                "jobs",
                id,
                &["stdout", "job_events", "job_host_summaries", "activity_stream", "notifications", "labels", "cancel", "relaunch"],
                vec![
                    ("created_by", json!(url("users", user))),
                    ("launched_by", json!(url("users", user))),
                    ("inventory", jt["related"]["inventory"].clone()),
                    ("project", jt["related"]["project"].clone()),
                    ("organization", json!(url("organizations", 1))),
                    ("unified_job_template", json!(url("job_templates", template))),
                    ("job_template", json!(url("job_templates", template))),
                ],
            ),
            "summary_fields": {
                "organization": {"id": 1, "name": "Default", "description": ""},
                "inventory": jt["summary_fields"]["inventory"], "project": jt["summary_fields"]["project"],
                "job_template": {"id": template, "name": jt["name"], "description": jt["description"]},
                "unified_job_template": {"id": template, "name": jt["name"], "description": jt["description"], "unified_job_type": "job"},
                "created_by": {"id": user, "username": username, "first_name": "", "last_name": ""},
                "user_capabilities": {"delete": true, "start": true},
                "labels": {"count": 0, "results": []}, "credentials": []
            },
            "created": created, "modified": created, "name": jt["name"], "description": jt["description"]
        });
        let options = json!({
            "job_type": "run", "inventory": jt["inventory"], "project": jt["project"], "playbook": jt["playbook"],
            "scm_branch": "", "forks": 0, "limit": "", "verbosity": 0, "extra_vars": extra_vars, "job_tags": "",
            "force_handlers": false, "skip_tags": "", "start_at_task": "", "timeout": 0, "use_fact_cache": false,
            "organization": 1
        });
        let progress = json!({
            "unified_job_template": template, "launch_type": "manual", "status": "pending",
            "execution_environment": 1, "failed": false, "started": null, "finished": null, "canceled_on": null,
            "elapsed": 0.0, "job_args": "", "job_cwd": "", "job_env": {}, "job_explanation": "",
            "execution_node": "", "controller_node": "", "result_traceback": "", "event_processing_finished": false,
            "launched_by": {"id": user, "name": username, "type": "user", "url": url("users", user)},
            "work_unit_id": null, "job_template": template, "passwords_needed_to_start": [],
            "allow_simultaneous": false, "artifacts": {}, "scm_revision": "", "instance_group": 1,
            "diff_mode": false, "job_slice_number": 0, "job_slice_count": 1, "webhook_service": "",
            "webhook_credential": null, "webhook_guid": ""
        });
        merged([job, options, progress])
    }

    /// The user the request authenticates as (bearer token or HTTP Basic),
    /// else AWX's 401 answer.
    fn authenticate(&self, request: &Recorded) -> Result<&User, Refusal> {
        let header = request.header("authorization").unwrap_or_default();
        if let Some(token) = header.strip_prefix("Bearer ") {
            // An unknown token is no credential at all to AWX's OAuth2 backend.
            return self.users.iter().find(|u| u.token == token).ok_or_else(|| {
                refuse(unauthorized(
                    "Authentication credentials were not provided.",
                    true,
                ))
            });
        }
        if let Some(encoded) = header.strip_prefix("Basic ") {
            let decoded = decode_base64(encoded).unwrap_or_default();
            let (name, password) = decoded.split_once(':').unwrap_or_default();
            return self
                .users
                .iter()
                .find(|u| u.username == name && u.password == password)
                .ok_or_else(|| refuse(unauthorized("Invalid username/password.", false)));
        }
        Err(refuse(unauthorized(
            "Authentication credentials were not provided.",
            false,
        )))
    }

    /// Whether `user` sees `object` of `collection`: AWX filters every list by
    /// the user's roles, so a hidden object is simply absent.
    ///
    /// Job templates and jobs stay readable through a template role even
    /// when their inventory is not (the limited user's [`FORBIDDEN_TEMPLATE`]).
    fn visible(user: &User, collection: &str, object: &Value) -> bool {
        let inventory = match collection {
            "inventories" => &object["id"],
            "groups" | "hosts" => &object["inventory"],
            _ => return true,
        };
        user.superuser
            || inventory
                .as_u64()
                .is_none_or(|id| !user.hidden_inventories.contains(&id))
    }

    fn visible_list(&self, user: &User, collection: &str) -> Vec<Value> {
        self.list(collection)
            .iter()
            .filter(|o| Self::visible(user, collection, o))
            .cloned()
            .collect()
    }

    /// The object `collection/id` for `user`: 404 when there is none, 403
    /// when the user may not read it (AWX's detail views).
    fn readable(&self, user: &User, collection: &str, id: &str) -> Result<Value, Refusal> {
        let object = id
            .parse()
            .ok()
            .and_then(|id| self.find(collection, id))
            .ok_or_else(|| refuse(json_response(StatusCode::NOT_FOUND, &detail("Not found."))))?;
        if Self::visible(user, collection, object) {
            Ok(object.clone())
        } else {
            Err(refuse(forbidden()))
        }
    }

    fn dashboard(&self, user: &User) -> Value {
        let inventories = self.visible_list(user, "inventories");
        let hosts = self.visible_list(user, "hosts");
        let projects = self.visible_list(user, "projects");
        let failed = |items: &[Value], field: &str| items.iter().filter(|o| o[field] == true).count();
        let scm = |kind: &str, label: &str| {
            let of_kind: Vec<Value> = projects
                .iter()
                .filter(|p| p["scm_type"] == kind)
                .cloned()
                .collect();
            json!({"url": format!("{API}/projects/?scm_type={kind}"), "label": label,
                   "failures_url": format!("{API}/projects/?scm_type={kind}&last_job_failed=True"),
                   "total": of_kind.len(), "failed": failed(&of_kind, "last_job_failed")})
        };
        json!({
            "related": {"jobs_graph": format!("{API}/dashboard/graphs/jobs/")},
            "inventories": {"url": format!("{API}/inventories/"), "total": inventories.len(),
                            "total_with_inventory_source": 0, "job_failed": failed(&inventories, "has_active_failures"),
                            "inventory_failed": 0},
            "inventory_sources": {"ec2": {"url": format!("{API}/inventory_sources/?source=ec2"),
                                          "failures_url": format!("{API}/inventory_sources/?source=ec2&status=failed"),
                                          "label": "Amazon EC2", "total": 0, "failed": 0}},
            "groups": {"url": format!("{API}/groups/"), "total": self.visible_list(user, "groups").len(), "inventory_failed": 0},
            "hosts": {"url": format!("{API}/hosts/"), "failures_url": format!("{API}/hosts/?last_job_host_summary__failed=True"),
                      "total": hosts.len(), "failed": failed(&hosts, "has_active_failures")},
            "projects": {"url": format!("{API}/projects/"), "failures_url": format!("{API}/projects/?last_job_failed=True"),
                         "total": projects.len(), "failed": failed(&projects, "last_job_failed")},
            "scm_types": {"git": scm("git", "Git"), "svn": scm("svn", "Subversion"), "archive": scm("archive", "Remote Archive")},
            "users": {"url": format!("{API}/users/"), "total": if user.superuser { self.users.len() } else { 1 }},
            "organizations": {"url": format!("{API}/organizations/"), "total": self.list("organizations").len()},
            "teams": {"url": format!("{API}/teams/"), "total": 0},
            "credentials": {"url": format!("{API}/credentials/"), "total": 1},
            "job_templates": {"url": format!("{API}/job_templates/"), "total": self.visible_list(user, "job_templates").len()}
        })
    }

    fn me(user: &User) -> Value {
        json!({
            "id": user.id, "type": "user", "url": url("users", user.id),
            "related": {"teams": format!("{API}/users/{}/teams/", user.id), "organizations": format!("{API}/users/{}/organizations/", user.id)},
            "summary_fields": {"user_capabilities": {"edit": user.superuser, "delete": false}},
            "created": seeded_time(0), "modified": seeded_time(0), "username": user.username,
            "first_name": "", "last_name": "", "email": format!("{}@example.com", user.username),
            "is_superuser": user.superuser, "is_system_auditor": false, "password": "$encrypted$",
            "ldap_dn": "", "last_login": null, "external_account": null, "auth": []
        })
    }

    fn config() -> Value {
        json!({
            "time_zone": "UTC", "license_info": {"license_type": "open", "valid_key": true, "subscription_name": "OPEN",
                                                 "product_name": "AWX"},
            "version": VERSION, "eula": "", "analytics_status": "off", "analytics_collectors": {},
            "become_methods": [["sudo", "Sudo"], ["su", "Su"], ["pbrun", "Pbrun"], ["pfexec", "Pfexec"],
                               ["dzdo", "DZDO"], ["pmrun", "Pmrun"], ["runas", "Runas"], ["enable", "Enable"],
                               ["doas", "Doas"], ["ksu", "Ksu"], ["machinectl", "Machinectl"], ["sesu", "Sesu"]],
            "ui_next": false, "project_base_dir": "/var/lib/awx/projects", "project_local_paths": [],
            "custom_virtualenvs": []
        })
    }

    /// `GET …/launch/`: what launching the template asks for.
    fn launch_info(&self, template: &Value) -> Value {
        let id = template["id"].as_u64().unwrap_or_default();
        let needed = self.variables_needed_to_start(id);
        let survey_enabled = self.surveys.contains_key(&id) && template["survey_enabled"] == true;
        json!({
            "can_start_without_user_input": needed.is_empty() && !survey_enabled,
            "passwords_needed_to_start": [],
            "ask_scm_branch_on_launch": false, "ask_variables_on_launch": template["ask_variables_on_launch"],
            "ask_tags_on_launch": false, "ask_diff_mode_on_launch": false, "ask_skip_tags_on_launch": false,
            "ask_job_type_on_launch": false, "ask_limit_on_launch": false, "ask_verbosity_on_launch": false,
            "ask_inventory_on_launch": false, "ask_credential_on_launch": false,
            "ask_execution_environment_on_launch": false, "ask_labels_on_launch": false, "ask_forks_on_launch": false,
            "ask_job_slice_count_on_launch": false, "ask_timeout_on_launch": false,
            "ask_instance_groups_on_launch": false, "survey_enabled": survey_enabled,
            "variables_needed_to_start": needed, "credential_needed_to_start": false,
            "inventory_needed_to_start": template["inventory"].is_null(),
            "job_template_data": {"name": template["name"], "id": id, "description": template["description"]},
            "defaults": {"extra_vars": template["extra_vars"], "diff_mode": false, "limit": "", "job_tags": "",
                         "skip_tags": "", "job_type": "run", "verbosity": 0, "scm_branch": "",
                         "inventory": {"name": template["summary_fields"]["inventory"]["name"], "id": template["inventory"]},
                         "credentials": [], "execution_environment": {}, "labels": [], "forks": 0,
                         "job_slice_count": 1, "timeout": 0, "instance_groups": []}
        })
    }

    fn survey_spec(&self, template: &Value) -> Vec<Value> {
        let id = template["id"].as_u64().unwrap_or_default();
        match self.surveys.get(&id) {
            Some(survey) if template["survey_enabled"] == true => {
                survey["spec"].as_array().cloned().unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    fn variables_needed_to_start(&self, id: u64) -> Vec<Value> {
        let Some(template) = self.find("job_templates", id) else {
            return Vec::new();
        };
        self.survey_spec(template)
            .iter()
            .filter(|q| q["required"] == true)
            .map(|q| q["variable"].clone())
            .collect()
    }

    /// `POST …/launch/`: checks the survey answers as AWX does, creates the
    /// job (pending) and answers 201 with it.
    fn launch(&mut self, user: &User, template: &Value, body: &Value) -> Response {
        let id = template["id"].as_u64().unwrap_or_default();
        if user.no_launch.contains(&id) {
            return forbidden();
        }
        let given = match &body["extra_vars"] {
            Value::Null => serde_json::Map::new(),
            Value::Object(vars) => vars.clone(),
            // AWX takes extra_vars as a JSON (or YAML) string too.
            Value::String(text) if text.trim().is_empty() => serde_json::Map::new(),
            Value::String(text) => match serde_json::from_str(text) {
                Ok(Value::Object(vars)) => vars,
                _ => {
                    return json_response(
                        StatusCode::BAD_REQUEST,
                        &json!({"extra_vars": ["Cannot parse as JSON (error: Expecting value) or YAML (error: not a mapping)."]}),
                    );
                }
            },
            _ => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &json!({"extra_vars": ["Input type `list` is not a dictionary"]}),
                );
            }
        };
        let mut errors = Vec::new();
        let mut accepted = serde_json::Map::new();
        let mut rest = given.clone();
        let mut extra_vars: serde_json::Map<String, Value> =
            serde_json::from_str(template["extra_vars"].as_str().unwrap_or("{}")).unwrap_or_default();
        for question in self.survey_spec(template) {
            let variable = question["variable"].as_str().unwrap_or_default();
            let problems = survey_errors(&question, given.get(variable));
            if problems.is_empty() {
                if let Some(value) = rest.remove(variable) {
                    accepted.insert(variable.to_owned(), value);
                }
            } else {
                rest.remove(variable);
                errors.extend(problems);
            }
            // Survey defaults apply under the answers given (an empty default is none).
            if !matches!(&question["default"], Value::Null) && question["default"] != "" {
                extra_vars.insert(variable.to_owned(), question["default"].clone());
            }
        }
        if !errors.is_empty() {
            return json_response(
                StatusCode::BAD_REQUEST,
                &json!({"variables_needed_to_start": errors}),
            );
        }
        let mut ignored = json!({});
        if template["ask_variables_on_launch"] == true {
            accepted.extend(rest);
        } else if !rest.is_empty() {
            // Variables the template does not prompt for do not block a launch: AWX ignores them and says so.
            ignored["extra_vars"] = Value::Object(rest);
        }
        extra_vars.extend(accepted);
        let job_id = self.next_id("jobs");
        let job = self.new_job(job_id, id, user.id, &python_json(&Value::Object(extra_vars)));
        self.push("jobs", job.clone());
        self.reads.insert(job_id, 0);
        let mut answer = json!({"job": job_id, "ignored_fields": ignored});
        for (key, value) in job.as_object().cloned().unwrap_or_default() {
            answer[key] = value;
        }
        let mut response = json_response(StatusCode::CREATED, &answer);
        response
            .headers_mut()
            .insert("location", url("jobs", job_id).parse().expect("a header value"));
        response
    }

    /// A launched job read once more: it answers with its status, then moves
    /// on (pending, running, then its template's outcome), as a real job
    /// progresses between polls.
    fn progress(&mut self, id: u64) {
        let Some(reads) = self.reads.get_mut(&id) else {
            return;
        };
        *reads += 1;
        let reads = *reads;
        let template = self
            .find("jobs", id)
            .and_then(|j| j["job_template"].as_u64())
            .unwrap_or_default();
        let outcome = self.outcomes.get(&template).copied().unwrap_or("successful");
        let Some(job) = self.find_mut("jobs", id) else {
            return;
        };
        match reads {
            1 => {
                job["status"] = json!("running");
                job["started"] = json!(now());
                job["execution_node"] = json!("awx-task-0");
            }
            _ => {
                let started = job["started"].as_str().unwrap_or_default().to_owned();
                finish(job, outcome, &started, &now());
                self.reads.remove(&id);
            }
        }
    }

    fn route(&mut self, request: &Recorded) -> Response {
        let path = request.path.as_str();
        let Some(rest) = path.strip_prefix("/api/") else {
            return not_found_url();
        };
        // The API roots and ping are open to all (AWX's AllowAny views).
        match (&request.method, rest) {
            (&Method::GET, "") => {
                return ok(&json!({
                    "description": "AWX REST API", "current_version": format!("{API}/"),
                    "available_versions": {"v2": format!("{API}/")}, "oauth2": "/api/o/",
                    "custom_logo": "", "custom_login_info": "", "login_redirect_override": ""
                }));
            }
            (&Method::GET, "v2/") => return ok(&version_root()),
            (&Method::GET, "v2/ping/") => {
                return ok(&json!({
                    "ha": false, "version": VERSION, "active_node": "awx-task-0",
                    "install_uuid": "00000000-0000-4000-8000-000000000019",
                    "instances": [{"node": "awx-task-0", "node_type": "control", "uuid": "00000000-0000-4000-8000-000000000001",
                                   "heartbeat": seeded_time(0), "capacity": 100, "version": VERSION}],
                    "instance_groups": [{"name": "controlplane", "capacity": 100, "instances": ["awx-task-0"]},
                                        {"name": "default", "capacity": 100, "instances": ["awx-task-0"]}]
                }));
            }
            _ => {}
        }
        let Some(rest) = rest.strip_prefix("v2/") else {
            return not_found_url();
        };
        match self.authenticate(request) {
            // A copy, so that the state can change while the user is read.
            Ok(user) => {
                let user = user.clone();
                self.route_v2(&user, request, rest)
            }
            Err(response) => *response,
        }
    }

    fn route_v2(&mut self, user: &User, request: &Recorded, rest: &str) -> Response {
        let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        let query: Vec<(String, String)> = form_urlencoded::parse(request.query.as_bytes())
            .into_owned()
            .collect();
        let list_path = format!("{API}/{rest}");
        let get = request.method == Method::GET;
        let result: Result<Response, Refusal> = (|| match segments.as_slice() {
            ["config"] if get => Ok(ok(&Self::config())),
            ["me"] if get => page(&list_path, vec![Self::me(user)], &query),
            ["dashboard"] if get => Ok(ok(&self.dashboard(user))),
            [collection] if get && self.objects.contains_key(collection) => {
                page(&list_path, self.visible_list(user, collection), &query)
            }
            [collection, id] if get && self.objects.contains_key(collection) => {
                let object = self.readable(user, collection, id)?;
                if *collection == "jobs" {
                    let id = object["id"].as_u64().unwrap_or_default();
                    self.progress(id);
                }
                Ok(ok(&object))
            }
            ["inventories", id, sub @ ("hosts" | "groups")] if get => {
                let inventory = self.readable(user, "inventories", id)?;
                page(
                    &list_path,
                    self.children(sub, "inventory", &inventory["id"]),
                    &query,
                )
            }
            ["groups", id, "hosts"] if get => {
                let group = self.readable(user, "groups", id)?;
                let members: Vec<u64> = self
                    .group_hosts
                    .iter()
                    .filter(|(g, _)| group["id"] == *g)
                    .map(|(_, h)| *h)
                    .collect();
                let items = self
                    .list("hosts")
                    .iter()
                    .filter(|h| members.iter().any(|m| h["id"] == *m))
                    .cloned()
                    .collect();
                page(&list_path, items, &query)
            }
            ["job_templates", id, "jobs"] if get => {
                let template = self.readable(user, "job_templates", id)?;
                page(
                    &list_path,
                    self.children("jobs", "job_template", &template["id"]),
                    &query,
                )
            }
            ["job_templates", id, "survey_spec"] if get => {
                let template = self.readable(user, "job_templates", id)?;
                let template_id = template["id"].as_u64().unwrap_or_default();
                Ok(ok(self.surveys.get(&template_id).unwrap_or(&json!({}))))
            }
            ["job_templates", id, "launch"] => {
                let template = self.readable(user, "job_templates", id)?;
                match request.method {
                    Method::GET => Ok(ok(&self.launch_info(&template))),
                    Method::POST => {
                        let body = if request.body.is_empty() {
                            json!({})
                        } else {
                            request.json()
                        };
                        if !body.is_object() {
                            return Err(refuse(json_response(
                                StatusCode::BAD_REQUEST,
                                &detail("JSON parse error - Expecting value: line 1 column 1 (char 0)"),
                            )));
                        }
                        Ok(self.launch(user, &template, &body))
                    }
                    ref other => Err(refuse(method_not_allowed(other))),
                }
            }
            _ if !get && self.known(&segments) => Err(refuse(method_not_allowed(&request.method))),
            _ => Err(refuse(not_found_url())),
        })();
        result.unwrap_or_else(|refusal| *refusal)
    }

    /// Whether the path names an endpoint the fake serves (for 405 rather than 404).
    fn known(&self, segments: &[&str]) -> bool {
        matches!(segments, ["config" | "me" | "dashboard"])
            || segments.first().is_some_and(|c| self.objects.contains_key(c))
    }
}

/// One object with the fields of all of `parts` (AWX's serializers add
/// fields layer by layer; so do the builders here).
fn merged<const N: usize>(parts: [Value; N]) -> Value {
    let mut object = serde_json::Map::new();
    for part in parts {
        if let Value::Object(fields) = part {
            object.extend(fields);
        }
    }
    Value::Object(object)
}

/// A job finished with `status`, started at `started` and finished at `finished`.
fn finish(job: &mut Value, status: &str, started: &str, finished: &str) {
    job["status"] = json!(status);
    job["failed"] = json!(status != "successful");
    job["started"] = json!(started);
    job["finished"] = json!(finished);
    job["modified"] = json!(finished);
    job["elapsed"] = json!(elapsed(started, finished));
    job["event_processing_finished"] = json!(true);
    job["execution_node"] = json!("awx-task-0");
    if status == "failed" {
        job["job_explanation"] = json!("");
        job["result_traceback"] = json!("");
    }
}

fn elapsed(started: &str, finished: &str) -> f64 {
    match (started.parse::<Timestamp>(), finished.parse::<Timestamp>()) {
        (Ok(start), Ok(end)) => {
            let seconds = end.as_millisecond() - start.as_millisecond();
            // AWX rounds to milliseconds, in seconds.
            seconds as f64 / 1000.0
        }
        _ => 0.0,
    }
}

/// The problems AWX reports for one survey question given `answer`
/// (`variables_needed_to_start` of a 400 launch), worded as AWX words them.
fn survey_errors(question: &Value, answer: Option<&Value>) -> Vec<String> {
    let variable = question["variable"].as_str().unwrap_or_default();
    let Some(answer) = answer else {
        return if question["required"] == true {
            vec![format!("'{variable}' value missing")]
        } else {
            Vec::new()
        };
    };
    match question["type"].as_str().unwrap_or_default() {
        "text" | "textarea" | "password" => {
            let Some(text) = answer.as_str() else {
                return vec![format!(
                    "Value {answer} for '{variable}' expected to be a string."
                )];
            };
            let length = text.chars().count() as u64;
            let mut errors = Vec::new();
            if let Some(min) = question["min"].as_u64().filter(|min| length < *min) {
                errors.push(format!(
                    "'{variable}' value {text} is too small (length is {length} must be at least {min})."
                ));
            }
            if let Some(max) = question["max"].as_u64().filter(|max| length > *max) {
                errors.push(format!(
                    "'{variable}' value {text} is too large (must be no more than {max})."
                ));
            }
            errors
        }
        "integer" if !answer.is_i64() => vec![format!(
            "Value {answer} for '{variable}' expected to be an integer."
        )],
        "multiplechoice" => {
            let choices = choices_of(question);
            if choices.iter().any(|c| c == answer) {
                Vec::new()
            } else {
                vec![format!(
                    "Value {} for '{variable}' expected to be one of {}.",
                    answer
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| answer.to_string()),
                    python_list(&choices)
                )]
            }
        }
        _ => Vec::new(),
    }
}

/// A question's choices: a list, or (older surveys) one choice a line.
fn choices_of(question: &Value) -> Vec<Value> {
    match &question["choices"] {
        Value::Array(choices) => choices.clone(),
        Value::String(lines) => lines
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| json!(l))
            .collect(),
        _ => Vec::new(),
    }
}

/// JSON as Python's `json.dumps` writes it (`", "` and `": "` between
/// items), as AWX stores a job's `extra_vars`.
fn python_json(value: &Value) -> String {
    match value {
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), python_json(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(python_json).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

/// A list as Python prints it, as in AWX's messages: `['a', 'b']`.
fn python_list(items: &[Value]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|i| {
            i.as_str()
                .map(|s| format!("'{s}'"))
                .unwrap_or_else(|| i.to_string())
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn inventory(id: u64, name: &str, description: &str) -> Value {
    json!({
        "id": id, "type": "inventory", "url": url("inventories", id),
        "related": related(
            "inventories",
            id,
            &["hosts", "groups", "root_groups", "variable_data", "script", "tree", "inventory_sources", "job_templates"],
            vec![("created_by", json!(url("users", 1))), ("organization", json!(url("organizations", 1)))],
        ),
        "summary_fields": {
            "organization": {"id": 1, "name": "Default", "description": ""},
            "created_by": {"id": 1, "username": ADMIN_USER, "first_name": "", "last_name": ""},
            "user_capabilities": {"edit": true, "delete": true, "copy": true, "adhoc": true}
        },
        "created": seeded_time(id), "modified": seeded_time(id), "name": name, "description": description,
        "organization": 1, "kind": "", "host_filter": null, "variables": "", "has_active_failures": false,
        "total_hosts": 0, "hosts_with_active_failures": 0, "total_groups": 0, "has_inventory_sources": false,
        "total_inventory_sources": 0, "inventory_sources_with_failures": 0, "pending_deletion": false,
        "prevent_instance_group_fallback": false
    })
}

fn group(id: u64, inventory: u64, name: &str) -> Value {
    json!({
        "id": id, "type": "group", "url": url("groups", id),
        "related": related(
            "groups",
            id,
            &["hosts", "all_hosts", "children", "variable_data"],
            vec![("inventory", json!(url("inventories", inventory)))],
        ),
        "summary_fields": {"inventory": {"id": inventory}, "user_capabilities": {"edit": true, "delete": true, "copy": true}},
        "created": seeded_time(id), "modified": seeded_time(id), "name": name, "description": "",
        "inventory": inventory, "variables": ""
    })
}

fn host(id: u64, inventory: u64, name: &str) -> Value {
    json!({
        "id": id, "type": "host", "url": url("hosts", id),
        "related": related(
            "hosts",
            id,
            &["variable_data", "groups", "all_groups", "job_events", "job_host_summaries", "ansible_facts"],
            vec![("inventory", json!(url("inventories", inventory)))],
        ),
        "summary_fields": {"inventory": {"id": inventory}, "user_capabilities": {"edit": true, "delete": true},
                           "groups": {"count": 1, "results": []}, "recent_jobs": []},
        "created": seeded_time(id), "modified": seeded_time(id), "name": name, "description": "",
        "inventory": inventory, "enabled": true, "instance_id": "", "variables": "", "has_active_failures": false,
        "has_inventory_sources": false, "last_job": null, "last_job_host_summary": null, "ansible_facts_modified": null
    })
}

fn project(id: u64, name: &str, scm_url: &str) -> Value {
    json!({
        "id": id, "type": "project", "url": url("projects", id),
        "related": related(
            "projects",
            id,
            &["update", "project_updates", "playbooks", "scm_inventory_sources"],
            vec![
                ("organization", json!(url("organizations", 1))),
                // AWX names this link apart from its path.
                ("inventory_files", json!(format!("{API}/projects/{id}/inventories/"))),
            ],
        ),
        "summary_fields": {
            "organization": {"id": 1, "name": "Default", "description": ""},
            "user_capabilities": {"edit": true, "delete": true, "start": true, "schedule": true, "copy": true}
        },
        "created": seeded_time(id), "modified": seeded_time(id), "name": name, "description": "",
        "local_path": format!("_{id}__{}", name.to_lowercase().replace(' ', "_")), "scm_type": "git", "scm_url": scm_url,
        "scm_branch": "main", "scm_refspec": "", "scm_clean": false, "scm_track_submodules": false,
        "scm_delete_on_update": false, "credential": null, "timeout": 0, "scm_revision": "3f0c1d2e4b5a69788796a5b4c3d2e1f0a9b8c7d6",
        "last_job_run": seeded_time(id), "last_job_failed": false, "next_job_run": null, "status": "successful",
        "organization": 1, "scm_update_on_launch": false, "scm_update_cache_timeout": 0, "allow_override": false,
        "custom_virtualenv": null, "default_environment": null, "signature_validation_credential": null,
        "last_update_failed": false, "last_updated": seeded_time(id)
    })
}

fn job_template(id: u64, name: &str, inventory: (u64, &str), project: (u64, &str), playbook: &str) -> Value {
    let base = json!({
        "id": id, "type": "job_template", "url": url("job_templates", id),
        "related": related(
            "job_templates",
            id,
            &[
                "labels", "credentials", "jobs", "launch", "survey_spec", "schedules", "activity_stream", "access_list",
                "object_roles", "instance_groups", "copy",
            ],
            vec![
                ("created_by", json!(url("users", 1))),
                ("inventory", json!(url("inventories", inventory.0))),
                ("project", json!(url("projects", project.0))),
                ("organization", json!(url("organizations", 1))),
            ],
        ),
        "summary_fields": {
            "organization": {"id": 1, "name": "Default", "description": ""},
            "inventory": {"id": inventory.0, "name": inventory.1, "description": "", "has_active_failures": false,
                          "total_hosts": 0, "hosts_with_active_failures": 0, "total_groups": 0,
                          "has_inventory_sources": false, "total_inventory_sources": 0,
                          "inventory_sources_with_failures": 0, "organization_id": 1, "kind": ""},
            "project": {"id": project.0, "name": project.1, "description": "", "status": "successful", "scm_type": "git",
                        "allow_override": false},
            "created_by": {"id": 1, "username": ADMIN_USER, "first_name": "", "last_name": ""},
            "user_capabilities": {"edit": true, "delete": true, "start": true, "schedule": true, "copy": true},
            "labels": {"count": 0, "results": []}, "recent_jobs": [], "credentials": []
        },
        "created": seeded_time(id), "modified": seeded_time(id), "name": name, "description": ""
    });
    let options = json!({
        "job_type": "run", "inventory": inventory.0, "project": project.0, "playbook": playbook, "scm_branch": "",
        "forks": 0, "limit": "", "verbosity": 0, "extra_vars": "---", "job_tags": "", "force_handlers": false,
        "skip_tags": "", "start_at_task": "", "timeout": 0, "use_fact_cache": false, "organization": 1,
        "last_job_run": null, "last_job_failed": false, "next_job_run": null, "status": "never updated",
        "execution_environment": null, "host_config_key": ""
    });
    let prompts = json!({
        "ask_scm_branch_on_launch": false,
        "ask_diff_mode_on_launch": false, "ask_variables_on_launch": true, "ask_limit_on_launch": false,
        "ask_tags_on_launch": false, "ask_skip_tags_on_launch": false, "ask_job_type_on_launch": false,
        "ask_verbosity_on_launch": false, "ask_inventory_on_launch": false, "ask_credential_on_launch": false,
        "ask_execution_environment_on_launch": false, "ask_labels_on_launch": false, "ask_forks_on_launch": false,
        "ask_job_slice_count_on_launch": false, "ask_timeout_on_launch": false, "ask_instance_groups_on_launch": false,
        "survey_enabled": false, "become_enabled": false, "diff_mode": false, "allow_simultaneous": false,
        "custom_virtualenv": null, "job_slice_count": 1, "webhook_service": "", "webhook_credential": null,
        "prevent_instance_group_fallback": false
    });
    merged([base, options, prompts])
}

/// `/api/v2/`: the top-level resources (relative URLs, as AWX gives them).
fn version_root() -> Value {
    let mut root = serde_json::Map::new();
    for (key, path) in [
        ("ping", "ping"),
        ("instances", "instances"),
        ("instance_groups", "instance_groups"),
        ("config", "config"),
        ("settings", "settings"),
        ("me", "me"),
        ("dashboard", "dashboard"),
        ("organizations", "organizations"),
        ("users", "users"),
        ("execution_environments", "execution_environments"),
        ("projects", "projects"),
        ("project_updates", "project_updates"),
        ("teams", "teams"),
        ("credentials", "credentials"),
        ("credential_types", "credential_types"),
        ("applications", "applications"),
        ("tokens", "tokens"),
        ("metrics", "metrics"),
        ("inventory", "inventories"),
        ("constructed_inventory", "constructed_inventories"),
        ("inventory_sources", "inventory_sources"),
        ("inventory_updates", "inventory_updates"),
        ("groups", "groups"),
        ("hosts", "hosts"),
        ("job_templates", "job_templates"),
        ("jobs", "jobs"),
        ("ad_hoc_commands", "ad_hoc_commands"),
        ("system_job_templates", "system_job_templates"),
        ("system_jobs", "system_jobs"),
        ("schedules", "schedules"),
        ("roles", "roles"),
        ("notification_templates", "notification_templates"),
        ("notifications", "notifications"),
        ("labels", "labels"),
        ("unified_job_templates", "unified_job_templates"),
        ("unified_jobs", "unified_jobs"),
        ("activity_stream", "activity_stream"),
        ("workflow_job_templates", "workflow_job_templates"),
        ("workflow_jobs", "workflow_jobs"),
        ("workflow_approvals", "workflow_approvals"),
    ] {
        root.insert(key.to_owned(), json!(format!("{API}/{path}/")));
    }
    Value::Object(root)
}

/// An error answer, boxed: a `Response` is too large an `Err` to pass by value.
type Refusal = Box<Response>;

fn refuse(response: Response) -> Refusal {
    Box::new(response)
}

fn ok(body: &Value) -> Response {
    json_response(StatusCode::OK, body)
}

/// AWX's 401: DRF's wording, and the challenge of its first authenticator (OAuth2).
fn unauthorized(message: &str, invalid_token: bool) -> Response {
    let challenge = if invalid_token {
        r#"Bearer realm="api",error="invalid_token",error_description="The access token is invalid.""#
    } else {
        r#"Bearer realm="api""#
    };
    let mut response = json_response(StatusCode::UNAUTHORIZED, &detail(message));
    response
        .headers_mut()
        .insert("www-authenticate", challenge.parse().expect("a header value"));
    response
}

fn forbidden() -> Response {
    json_response(
        StatusCode::FORBIDDEN,
        &detail("You do not have permission to perform this action."),
    )
}

/// A URL no view serves: AWX's own 404 handler.
fn not_found_url() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &detail("The requested resource could not be found."),
    )
}

fn method_not_allowed(method: &Method) -> Response {
    json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &detail(&format!("Method \"{method}\" not allowed.")),
    )
}

/// One page of `items` as AWX's `Pagination` gives it: filtered by exact
/// field values, ordered by `order_by` (else by id), `page_size` capped at
/// 200, and `next`/`previous` as the request's path and query with `page`
/// replaced (sorted, as DRF's `replace_query_param` writes them).
fn page(path: &str, mut items: Vec<Value>, query: &[(String, String)]) -> Result<Response, Refusal> {
    let param = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    for (field, wanted) in query.iter().filter(|(k, _)| !NOT_FILTERS.contains(&k.as_str())) {
        let (field, lookup) = field.split_once("__").unwrap_or((field, "exact"));
        if items.first().is_some_and(|item| item.get(field).is_none()) {
            return Err(refuse(json_response(
                StatusCode::BAD_REQUEST,
                &detail(&format!("Invalid field name: {field}")),
            )));
        }
        items.retain(|item| {
            let value = match &item[field] {
                Value::String(text) => text.clone(),
                Value::Null => "None".to_owned(),
                other => other.to_string(),
            };
            match lookup {
                "icontains" => value.to_lowercase().contains(&wanted.to_lowercase()),
                "iexact" => value.eq_ignore_ascii_case(wanted),
                "startswith" => value.starts_with(wanted.as_str()),
                // Booleans come as True/False (Python) or true/false.
                _ => {
                    value == *wanted
                        || value.eq_ignore_ascii_case(wanted) && (wanted == "True" || wanted == "False")
                }
            }
        });
    }
    let order = param("order_by").unwrap_or("id");
    for key in order.split(',').rev() {
        let (descending, field) = key.strip_prefix('-').map_or((false, key), |f| (true, f));
        items.sort_by(|a, b| {
            let ordering = compare(&a[field], &b[field]);
            if descending { ordering.reverse() } else { ordering }
        });
    }
    let size = param("page_size")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|s| *s > 0)
        .map_or(PAGE_SIZE, |s| s.min(MAX_PAGE_SIZE));
    let pages = items.len().div_ceil(size).max(1);
    let number = match param("page").unwrap_or("1") {
        "last" => pages,
        text => text.parse::<usize>().unwrap_or(0),
    };
    if number == 0 || number > pages {
        return Err(refuse(json_response(
            StatusCode::NOT_FOUND,
            &detail("Invalid page."),
        )));
    }
    let link = |number: usize| {
        let mut params: Vec<(String, String)> = query.iter().filter(|(k, _)| k != "page").cloned().collect();
        if let Some(size) = param("page_size")
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|s| *s > MAX_PAGE_SIZE)
        {
            params.retain(|(k, _)| k != "page_size");
            params.push(("page_size".to_owned(), MAX_PAGE_SIZE.min(size).to_string()));
        }
        params.push(("page".to_owned(), number.to_string()));
        params.sort();
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        format!("{path}?{encoded}")
    };
    let count = items.len();
    let results: Vec<Value> = items.into_iter().skip((number - 1) * size).take(size).collect();
    Ok(ok(&json!({
        "count": count,
        "next": (number < pages).then(|| link(number + 1)),
        "previous": (number > 1).then(|| link(number - 1)),
        "results": results,
    })))
}

fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// Standard base64 (HTTP Basic credentials); `None` on anything else.
pub(crate) fn decode_base64(text: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in text.trim().trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

impl Platform for Awx {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        if let Some(garbage) = self.faults.garbage_for(&request.path) {
            return garbage.response();
        }
        if request.method == Method::HEAD {
            // Django answers HEAD as GET, without the body.
            let mut as_get = request.clone();
            as_get.method = Method::GET;
            return self.route(&as_get).status().into_response();
        }
        self.route(request)
    }

    fn delays(&self, request: &Recorded) -> Option<Duration> {
        self.faults.delay_for(&request.path)
    }
}

/// The running fake.
pub type FakeAwx = FakeApi<Awx>;

/// The tests' knobs: `slow_down`, `garble` and `mend` on [`FakeAwx`].
impl Faulty for Awx {
    type Garbage = Garbage;

    fn faults(&mut self) -> &mut Faults<Garbage> {
        &mut self.faults
    }
}

impl FakeAwx {
    /// The controller's base URL (without `/api/`), as awxkit's `base_url`.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// The jobs so far, newest last, as `GET /api/v2/jobs/{id}/` gives them
    /// (without moving them on).
    pub fn jobs(&self) -> Vec<Value> {
        self.with(|awx, _| awx.list("jobs").to_vec())
    }

    /// The id of the job template named `name`.
    pub fn template_id(&self, name: &str) -> u64 {
        self.with(|awx, _| {
            awx.list("job_templates")
                .iter()
                .find(|t| t["name"] == name)
                .and_then(|t| t["id"].as_u64())
                .unwrap_or_else(|| panic!("no job template {name}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_decode() {
        // `admin:awx-admin-password`, as requests encodes it.
        assert_eq!(
            decode_base64("YWRtaW46YXd4LWFkbWluLXBhc3N3b3Jk").as_deref(),
            Some("admin:awx-admin-password")
        );
        assert_eq!(decode_base64("not base64!"), None);
    }

    #[test]
    fn extra_vars_are_written_as_python_writes_them() {
        let vars = json!({"b": [1, "x"], "a": {"c": true}});
        assert_eq!(python_json(&vars), r#"{"a": {"c": true}, "b": [1, "x"]}"#);
    }

    async fn body_of(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn the_knobs_garble_and_hold_back_answers_until_mended() {
        let fake = FakeAwx::start().await;
        let client = reqwest::Client::new();
        let get = |path: &'static str| client.get(fake.url_of(path)).bearer_auth(ADMIN_TOKEN).send();
        let dashboard = get("/api/v2/dashboard/").await.unwrap();
        assert_eq!(dashboard.json::<Value>().await.unwrap()["hosts"]["total"], 34);

        fake.garble("/api/v2/dashboard/", Garbage::Html);
        fake.garble("/api/v2/inventories/", Garbage::TruncatedJson);
        fake.garble("/api/v2/projects/", Garbage::WrongShape);
        let html = get("/api/v2/dashboard/").await.unwrap();
        assert_eq!(html.status(), StatusCode::OK);
        assert!(html.text().await.unwrap().starts_with("<!DOCTYPE html>"));
        let truncated = get("/api/v2/inventories/").await.unwrap().bytes().await.unwrap();
        assert!(serde_json::from_slice::<Value>(&truncated).is_err());
        let shape: Value = get("/api/v2/projects/").await.unwrap().json().await.unwrap();
        assert!(shape.is_array(), "{shape}");
        // Other paths answer as AWX.
        let templates: Value = get("/api/v2/job_templates/").await.unwrap().json().await.unwrap();
        assert_eq!(templates["count"], 4);

        let hold = Duration::from_millis(300);
        fake.slow_down("/api/v2/ping/", hold);
        let started = std::time::Instant::now();
        let ping: Value = get("/api/v2/ping/").await.unwrap().json().await.unwrap();
        assert_eq!(ping["version"], VERSION);
        assert!(started.elapsed() >= hold, "held back: {:?}", started.elapsed());

        // Mended, a path held back for a minute answers at once.
        fake.slow_down("/api/v2/config/", Duration::from_secs(60));
        fake.mend();
        let dashboard: Value = get("/api/v2/dashboard/").await.unwrap().json().await.unwrap();
        assert_eq!(dashboard["projects"]["total"], 2);
        let started = std::time::Instant::now();
        let config: Value = get("/api/v2/config/").await.unwrap().json().await.unwrap();
        assert_eq!(config["version"], VERSION);
        assert!(started.elapsed() < Duration::from_secs(30), "no longer held back");
    }

    #[tokio::test]
    async fn pages_link_as_awx_links() {
        let items: Vec<Value> = (1..=30).map(|id| json!({"id": id, "status": "ok"})).collect();
        let query = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let first = body_of(page("/api/v2/hosts/", items.clone(), &[]).unwrap()).await;
        assert_eq!(first["count"], 30);
        assert_eq!(first["results"].as_array().unwrap().len(), PAGE_SIZE);
        assert_eq!(first["next"], "/api/v2/hosts/?page=2");
        assert_eq!(first["previous"], Value::Null);
        // Other parameters stay, sorted; an oversized page_size is capped in the links.
        let asked = query(&[("status", "ok"), ("page_size", "500"), ("page", "1")]);
        let capped = body_of(page("/api/v2/hosts/", items.clone(), &asked).unwrap()).await;
        assert_eq!(capped["results"].as_array().unwrap().len(), 30);
        let small = query(&[("order_by", "-id"), ("page_size", "4"), ("page", "2")]);
        let second = body_of(page("/api/v2/hosts/", items.clone(), &small).unwrap()).await;
        assert_eq!(second["results"][0]["id"], 26);
        assert_eq!(second["next"], "/api/v2/hosts/?order_by=-id&page=3&page_size=4");
        assert_eq!(
            second["previous"],
            "/api/v2/hosts/?order_by=-id&page=1&page_size=4"
        );
        let beyond = query(&[("page", "3")]);
        assert_eq!(
            page("/api/v2/hosts/", items, &beyond).unwrap_err().status(),
            StatusCode::NOT_FOUND
        );
    }
}
