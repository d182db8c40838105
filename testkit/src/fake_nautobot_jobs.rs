//! A fake Nautobot 3.2 with only its jobs API, for what runs a Nautobot job
//! from another integration (the `ipfabric` integration's
//! `ssot-sync-to-nautobot` runs nautobot-ssot's IP Fabric job). Its answers
//! are shaped as the real Nautobot 3.2.7 of `scripts/nautobot/up` gave them
//! (with the stand-in of nautobot-ssot's job in `scripts/nautobot/jobs/`):
//!
//! - `GET /api/`, the API root, whose `API-Version: 3.2` header (on every
//!   answer, as Nautobot sends it) pynautobot reads first;
//! - `GET /api/extras/jobs/` with Nautobot's filters `module_name`,
//!   `job_class_name` and `name`, paged as Nautobot pages (`count`, `next`,
//!   `previous`, `results`; `limit`, `offset`), each job with the fields
//!   Nautobot 3.2 lists (no `approval_required` any more; `supports_dryrun`,
//!   `has_sensitive_variables`, `default_job_queue`, …);
//! - `POST /api/extras/jobs/{id}/run/` with `{"data": {…}}`, checked as
//!   Nautobot checks it against the job's variables: a variable the job does
//!   not have is `400 {"errors": {"<name>": ["Job data contained an unknown
//!   property"]}}` (the first one, as Nautobot stops there), a `snapshot`
//!   that is not among the job's choices (the fake IP Fabric's loaded
//!   snapshots) is `400 {"errors": {"snapshot": ["Select a valid choice. …"]}}`;
//!   else `201 Created` with the PENDING job result Nautobot 3.2 answers,
//!   recorded so that a test reads what the job was run with
//!   ([`FakeNautobotJobs::runs`]).
//!
//! Credentials: Nautobot's `Authorization: Token …`; an unknown token answers
//! 403 `Invalid token`, none 403 `Authentication credentials were not
//! provided.`, as Nautobot 3.2 answers them, and [`VIEWER_TOKEN`], whose user
//! may view jobs but not run them, is refused the run with Nautobot's 403.
//! A run of a job it does not have is Nautobot's 404; every other path
//! answers 404.

use std::net::SocketAddr;

use axum::{
    http::{HeaderValue, Method, StatusCode},
    response::Response,
};
use serde_json::{Value, json};

use crate::fake_api::{FakeApi, Platform, Recorded, json_response};
use crate::fake_ipfabric::{LAST_SNAPSHOT, LOCKED_SNAPSHOT, PREV_SNAPSHOT};

/// The token of a user who may view and run jobs.
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";
/// The token of a user who may view jobs but not run them.
pub const VIEWER_TOKEN: &str = "76543210fedcba9876543210fedcba9876543210";
/// The module of nautobot-ssot's IP Fabric job.
pub const IPFABRIC_MODULE: &str = "nautobot_ssot.integrations.ipfabric.jobs";
/// The class of nautobot-ssot's IP Fabric job.
pub const IPFABRIC_CLASS: &str = "IpFabricDataSource";
/// The id of nautobot-ssot's IP Fabric job, when the fake has it.
pub const IPFABRIC_JOB_ID: &str = "6b0d3c52-94a1-4f7e-8c2d-5e1f0a9b7c31";
/// The REST API version every answer names in `API-Version` (Nautobot 3.2.7's).
pub const API_VERSION: &str = "3.2";
/// The id of the job result of every run.
pub const JOB_RESULT_ID: &str = "d41e7a90-3c5b-4e2f-9a8d-1b6c0f2e4a57";
/// The variables of nautobot-ssot's IP Fabric job (`dryrun`, `memory_profiling`
/// and `parallel_loading` from its `DataSyncBaseJob`), as Nautobot 3.2.7 lists
/// them (`GET /api/extras/jobs/{id}/variables/`).
pub const IPFABRIC_VARIABLES: [&str; 8] = [
    "dryrun",
    "memory_profiling",
    "parallel_loading",
    "debug",
    "snapshot",
    "safe_delete_mode",
    "sync_ipfabric_tagged_only",
    "location_filter",
];
/// The job's `snapshot` choices: the snapshots loaded in the IP Fabric of
/// nautobot-ssot's settings, here the fake IP Fabric's, by id.
pub const IPFABRIC_SNAPSHOT_CHOICES: [&str; 3] = [LAST_SNAPSHOT, PREV_SNAPSHOT, LOCKED_SNAPSHOT];
/// The id of the job queue every job runs on (`default`).
const JOB_QUEUE_ID: &str = "1418e0bd-c0d2-4418-a8cb-e25aadd7ab5c";
/// The id of the user of [`TOKEN`].
const USER_ID: &str = "d301dc08-6ff5-443f-b9e5-5e0988a9ab62";

/// What the fake Nautobot holds: its jobs, and the runs it accepted.
pub struct NautobotJobs {
    jobs: Vec<Value>,
    /// The id of the job and the `data` of each run accepted, in order.
    runs: Vec<(String, Value)>,
}

impl NautobotJobs {
    /// A Nautobot with nautobot-ssot's IP Fabric job and one other.
    pub fn with_ipfabric_job() -> NautobotJobs {
        let mut jobs = NautobotJobs::without_ipfabric_job();
        jobs.jobs.push(job(Job {
            id: IPFABRIC_JOB_ID,
            name: "IPFabric ⟹ Nautobot",
            grouping: "SSoT - IPFabric",
            description: "Sync data from IP Fabric into Nautobot.",
            module: IPFABRIC_MODULE,
            class: IPFABRIC_CLASS,
            sensitive: true,
            dryrun: true,
        }));
        jobs
    }

    /// A Nautobot without nautobot-ssot (one job of its own only).
    pub fn without_ipfabric_job() -> NautobotJobs {
        NautobotJobs {
            runs: Vec::new(),
            jobs: vec![job(Job {
                id: "0f9c2b4e-7d1a-4c3e-b5f6-2a8d9e0c1b47",
                name: "Export Object List",
                grouping: "System Jobs",
                description: "Export a list of objects to CSV or YAML, or render a specified Export Template.",
                module: "nautobot.core.jobs",
                class: "ExportObjectList",
                sensitive: false,
                dryrun: false,
            })],
        }
    }

    fn list(&self, query: &str, addr: SocketAddr) -> Value {
        let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let results: Vec<&Value> = self
            .jobs
            .iter()
            .filter(|job| {
                ["module_name", "job_class_name", "name"]
                    .iter()
                    .all(|field| param(field).is_none_or(|wanted| job[*field] == wanted))
            })
            .collect();
        let offset: usize = param("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
        // `limit=0` is Nautobot's "as many as it allows" (pynautobot asks so).
        let limit = match param("limit").and_then(|l| l.parse().ok()) {
            None | Some(0) => 1_000,
            Some(limit) => limit,
        };
        let page: Vec<Value> = results
            .iter()
            .skip(offset)
            .take(limit)
            .map(|job| with_urls(job, addr))
            .collect();
        json!({"count": results.len(), "next": null, "previous": null, "results": page})
    }
}

/// What sets one job apart from another.
struct Job {
    id: &'static str,
    name: &'static str,
    grouping: &'static str,
    description: &'static str,
    module: &'static str,
    class: &'static str,
    /// `has_sensitive_variables`: Nautobot's default, left so by nautobot-ssot.
    sensitive: bool,
    /// `supports_dryrun`: the job has a `DryRunVar` named `dryrun`.
    dryrun: bool,
}

/// A job as Nautobot 3.2.7 lists it (`GET /api/extras/jobs/`), but for its
/// URLs ([`with_urls`]).
fn job(job: Job) -> Value {
    let Job {
        id,
        name,
        grouping,
        description,
        module,
        class,
        sensitive,
        dryrun,
    } = job;
    let slug = module.replace(['.', '_'], "-");
    json!({
        "id": id, "object_type": "extras.job", "display": name,
        "natural_slug": format!("{slug}_{}_{}", class.to_lowercase(), &id[..4]),
        "task_queues": ["default"], "task_queues_override": false,
        "module_name": module, "job_class_name": class, "grouping": grouping, "name": name,
        "description": description, "installed": true, "enabled": true,
        "is_job_hook_receiver": false, "is_job_button_receiver": false,
        "has_sensitive_variables": sensitive, "is_singleton": false, "console_log_default": false,
        "hidden": false, "dryrun_default": false, "read_only": false,
        "soft_time_limit": 0.0, "time_limit": 0.0, "supports_dryrun": dryrun,
        "grouping_override": false, "name_override": false, "console_log_default_override": false,
        "description_override": false, "dryrun_default_override": false, "hidden_override": false,
        "soft_time_limit_override": false, "time_limit_override": false,
        "has_sensitive_variables_override": false, "job_queues_override": false,
        "default_job_queue_override": false, "is_singleton_override": false,
        "default_job_queue": {"id": JOB_QUEUE_ID, "object_type": "extras.jobqueue"},
        "created": "2026-12-03T18:52:46.186740Z", "last_updated": "2026-12-03T18:52:46.195413Z",
        "tags": [], "custom_fields": {}
    })
}

/// `job` with the absolute URLs Nautobot gives it, on the fake at `addr`.
fn with_urls(job: &Value, addr: SocketAddr) -> Value {
    let mut job = job.clone();
    let id = job["id"].as_str().unwrap_or_default().to_owned();
    job["url"] = json!(format!("http://{addr}/api/extras/jobs/{id}/"));
    job["notes_url"] = json!(format!("http://{addr}/api/extras/jobs/{id}/notes/"));
    job["default_job_queue"]["url"] = json!(format!("http://{addr}/api/extras/job-queues/{JOB_QUEUE_ID}/"));
    job
}

/// Why Nautobot 3.2.7 refuses `data` for `job`, as its `errors`: the first
/// variable the job does not have, else a snapshot not among its choices.
fn refused_inputs(job: &Value, data: &Value) -> Option<Value> {
    if job["job_class_name"] != IPFABRIC_CLASS {
        return None;
    }
    let data = data.as_object()?;
    if let Some(unknown) = data.keys().find(|k| !IPFABRIC_VARIABLES.contains(&k.as_str())) {
        return Some(json!({unknown.as_str(): ["Job data contained an unknown property"]}));
    }
    let snapshot = data.get("snapshot").and_then(Value::as_str)?;
    (!IPFABRIC_SNAPSHOT_CHOICES.contains(&snapshot)).then(|| {
        json!({"snapshot": [format!("Select a valid choice. {snapshot} is not one of the available choices.")]})
    })
}

/// The PENDING job result Nautobot 3.2.7 answers a run of `job` with.
fn pending(job: &Value, addr: SocketAddr) -> Value {
    let name = &job["name"];
    let job_id = job["id"].as_str().unwrap_or_default();
    json!({
        "id": JOB_RESULT_ID, "object_type": "extras.jobresult",
        "display": format!("{} created at 2026-12-03 18:53:05.368965+00:00 (PENDING)", name.as_str().unwrap_or_default()),
        "url": format!("http://{addr}/api/extras/job-results/{JOB_RESULT_ID}/"),
        "natural_slug": format!("{JOB_RESULT_ID}_{}", &JOB_RESULT_ID[..4]),
        "status": {"value": "PENDING", "label": "PENDING"}, "name": name, "task_name": null,
        "date_created": "2026-12-03T18:53:05.368965Z", "date_started": null, "date_done": null,
        "result": null, "worker": null, "task_args": [], "task_kwargs": {},
        "celery_kwargs": {"queue": "default", "nautobot_job_profile": false, "nautobot_job_user_id": USER_ID,
                          "nautobot_job_queue_type": "celery", "nautobot_job_console_log": false,
                          "nautobot_job_job_model_id": job_id, "nautobot_job_ignore_singleton_lock": false},
        "traceback": null, "meta": null, "debug_log_count": null, "success_log_count": null,
        "info_log_count": null, "warning_log_count": null, "error_log_count": null,
        "canceled_by_user_name": "", "cancel_type": "", "date_canceled": null,
        "job_model": {"id": job_id, "object_type": "extras.job", "url": format!("http://{addr}/api/extras/jobs/{job_id}/")},
        "user": {"id": USER_ID, "object_type": "users.user", "url": format!("http://{addr}/api/users/users/{USER_ID}/")},
        "scheduled_job": null, "canceled_by": null, "custom_fields": {}, "computed_fields": {}
    })
}

impl Platform for NautobotJobs {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, addr: SocketAddr) -> Response {
        let mut response = self.answer(request, addr);
        response
            .headers_mut()
            .insert("api-version", HeaderValue::from_static(API_VERSION));
        response
    }
}

impl NautobotJobs {
    /// The answer to `request`, before its `API-Version` header.
    fn answer(&mut self, request: &Recorded, addr: SocketAddr) -> Response {
        let token = request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Token "));
        let may_run = match token {
            Some(TOKEN) => true,
            Some(VIEWER_TOKEN) => false,
            Some(_) => return json_response(StatusCode::FORBIDDEN, &json!({"detail": "Invalid token"})),
            None => {
                return json_response(
                    StatusCode::FORBIDDEN,
                    &json!({"detail": "Authentication credentials were not provided."}),
                );
            }
        };
        let path = request.path.as_str();
        if request.method == Method::GET && path == "/api/" {
            let root: serde_json::Map<String, Value> = ["circuits", "dcim", "extras", "ipam", "users"]
                .iter()
                .map(|app| ((*app).to_owned(), json!(format!("http://{addr}/api/{app}/"))))
                .collect();
            return json_response(StatusCode::OK, &Value::Object(root));
        }
        if request.method == Method::GET && path == "/api/extras/jobs/" {
            return json_response(StatusCode::OK, &self.list(&request.query, addr));
        }
        let Some(id) = path
            .strip_prefix("/api/extras/jobs/")
            .and_then(|rest| rest.strip_suffix("/run/"))
            .filter(|_| request.method == Method::POST)
        else {
            return json_response(StatusCode::NOT_FOUND, &json!({"detail": "Not found."}));
        };
        let Some(job) = self.jobs.iter().find(|job| job["id"] == id).cloned() else {
            return json_response(
                StatusCode::NOT_FOUND,
                &json!({"detail": "No Job matches the given query."}),
            );
        };
        if !may_run {
            return json_response(
                StatusCode::FORBIDDEN,
                &json!({"detail": "You do not have permission to perform this action."}),
            );
        }
        let data = request.json()["data"].clone();
        if let Some(errors) = refused_inputs(&job, &data) {
            return json_response(StatusCode::BAD_REQUEST, &json!({"errors": errors}));
        }
        self.runs.push((id.to_owned(), data));
        json_response(
            StatusCode::CREATED,
            &json!({"scheduled_job": null, "job_result": pending(&job, addr)}),
        )
    }
}

/// The running fake.
pub type FakeNautobotJobs = FakeApi<NautobotJobs>;

impl FakeNautobotJobs {
    /// Nautobot's root URL (without `/api/`).
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// Every run Nautobot accepted so far, in order: the id of the job run,
    /// and the `data` it was run with.
    pub fn runs(&self) -> Vec<(String, Value)> {
        self.with(|nautobot, _| nautobot.runs.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_job_is_found_by_module_and_class_and_its_run_recorded() {
        let fake = FakeNautobotJobs::serve(NautobotJobs::with_ipfabric_job()).await;
        let http = reqwest::Client::new();
        let listed: Value = http
            .get(fake.url_of("/api/extras/jobs/"))
            .query(&[
                ("module_name", IPFABRIC_MODULE),
                ("job_class_name", IPFABRIC_CLASS),
            ])
            .header("authorization", format!("Token {TOKEN}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(listed["count"], 1);
        assert_eq!(listed["results"][0]["id"], IPFABRIC_JOB_ID);
        let run = http
            .post(fake.url_of(&format!("/api/extras/jobs/{IPFABRIC_JOB_ID}/run/")))
            .header("authorization", format!("Token {TOKEN}"))
            .json(&json!({"data": {"dryrun": true, "snapshot": PREV_SNAPSHOT}}))
            .send()
            .await
            .unwrap();
        assert_eq!(run.status(), StatusCode::CREATED);
        let body: Value = run.json().await.unwrap();
        assert_eq!(body["job_result"]["id"], JOB_RESULT_ID);
        assert_eq!(body["job_result"]["status"]["value"], "PENDING");
        assert_eq!(
            fake.runs(),
            [(
                IPFABRIC_JOB_ID.to_owned(),
                json!({"dryrun": true, "snapshot": PREV_SNAPSHOT})
            )]
        );
        let refused = http.get(fake.url_of("/api/extras/jobs/")).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let refused: Value = refused.json().await.unwrap();
        assert_eq!(refused["detail"], "Authentication credentials were not provided.");
        let viewer = format!("Token {VIEWER_TOKEN}");
        let listed = http
            .get(fake.url_of("/api/extras/jobs/"))
            .header("authorization", &viewer)
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), StatusCode::OK);
        let run = http
            .post(fake.url_of(&format!("/api/extras/jobs/{IPFABRIC_JOB_ID}/run/")))
            .header("authorization", &viewer)
            .json(&json!({"data": {}}))
            .send()
            .await
            .unwrap();
        assert_eq!(run.status(), StatusCode::FORBIDDEN);
        assert_eq!(fake.runs().len(), 1, "the refused run is not one");
    }

    /// As Nautobot 3.2.7 refused them: a variable the job does not have (the
    /// `dry_run` the worker once sent), a snapshot the job does not offer.
    #[tokio::test]
    async fn inputs_the_job_does_not_take_are_refused_as_nautobot_refuses_them() {
        let fake = FakeNautobotJobs::serve(NautobotJobs::with_ipfabric_job()).await;
        let run = |data: Value| {
            reqwest::Client::new()
                .post(fake.url_of(&format!("/api/extras/jobs/{IPFABRIC_JOB_ID}/run/")))
                .header("authorization", format!("Token {TOKEN}"))
                .json(&json!({"data": data}))
                .send()
        };
        let unknown = run(json!({"dry_run": true, "snapshot": LAST_SNAPSHOT}))
            .await
            .unwrap();
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            unknown.json::<Value>().await.unwrap(),
            json!({"errors": {"dry_run": ["Job data contained an unknown property"]}})
        );
        let unloaded = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        let not_offered = run(json!({"dryrun": true, "snapshot": unloaded})).await.unwrap();
        assert_eq!(not_offered.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            not_offered.json::<Value>().await.unwrap(),
            json!({"errors": {"snapshot": [format!("Select a valid choice. {unloaded} is not one of the available choices.")]}})
        );
        assert!(fake.runs().is_empty(), "a refused run is not one");
    }

    #[tokio::test]
    async fn without_nautobot_ssot_the_job_is_not_listed() {
        let fake = FakeNautobotJobs::serve(NautobotJobs::without_ipfabric_job()).await;
        let listed: Value = reqwest::Client::new()
            .get(fake.url_of("/api/extras/jobs/"))
            .query(&[("module_name", IPFABRIC_MODULE)])
            .header("authorization", format!("Token {TOKEN}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(listed["count"], 0);
        assert_eq!(listed["results"], json!([]));
    }
}
