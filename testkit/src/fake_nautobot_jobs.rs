//! A fake Nautobot 2.x with only its jobs API, for what runs a Nautobot job
//! from another integration (the `ipfabric` integration's
//! `ssot-sync-to-nautobot` runs nautobot-ssot's IP Fabric job):
//!
//! - `GET /api/`, the API root, whose `API-Version` header (on every answer,
//!   as Nautobot sends it) pynautobot reads first;
//! - `GET /api/extras/jobs/` with Nautobot's filters `module_name`,
//!   `job_class_name` and `name`, paged as Nautobot pages (`count`, `next`,
//!   `previous`, `results`; `limit`, `offset`);
//! - `POST /api/extras/jobs/{id}/run/` with `{"data": {…}}`: `201 Created`
//!   with the job result Nautobot 2.x answers (`job_result.id`, `status`),
//!   recorded so that a test reads what the job was run with
//!   ([`FakeNautobotJobs::runs`]).
//!
//! Credentials: Nautobot's `Authorization: Token …`; a missing or unknown
//! token answers 403 with Nautobot's `detail`, as Nautobot answers it, and
//! [`VIEWER_TOKEN`], whose user may view jobs but not run them, is refused
//! the run with Nautobot's 403. Every other path answers 404.

use std::net::SocketAddr;

use axum::{
    http::{HeaderValue, Method, StatusCode},
    response::Response,
};
use serde_json::{Value, json};

use crate::fake_api::{FakeApi, Platform, Recorded, json_response};

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
/// The REST API version every answer names in `API-Version`.
pub const API_VERSION: &str = "2.4";
/// The id of the job result of every run.
pub const JOB_RESULT_ID: &str = "d41e7a90-3c5b-4e2f-9a8d-1b6c0f2e4a57";

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
        jobs.jobs.push(job(
            IPFABRIC_JOB_ID,
            "IP Fabric ⟹ Nautobot",
            IPFABRIC_MODULE,
            IPFABRIC_CLASS,
        ));
        jobs
    }

    /// A Nautobot without nautobot-ssot (one job of its own only).
    pub fn without_ipfabric_job() -> NautobotJobs {
        NautobotJobs {
            runs: Vec::new(),
            jobs: vec![job(
                "0f9c2b4e-7d1a-4c3e-b5f6-2a8d9e0c1b47",
                "Export Object List",
                "nautobot.core.jobs",
                "ExportObjectList",
            )],
        }
    }

    fn list(&self, query: &str) -> Value {
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
        let page: Vec<&Value> = results.iter().skip(offset).take(limit).copied().collect();
        json!({"count": results.len(), "next": null, "previous": null, "results": page})
    }
}

/// A job as Nautobot 2.x lists it (`GET /api/extras/jobs/`).
fn job(id: &str, name: &str, module: &str, class: &str) -> Value {
    json!({
        "id": id, "object_type": "extras.job", "display": name,
        "url": format!("/api/extras/jobs/{id}/"), "natural_slug": format!("{module}_{class}"),
        "name": name, "grouping": "SSoT", "module_name": module, "job_class_name": class,
        "description": "", "enabled": true, "installed": true, "is_job_hook_receiver": false,
        "has_sensitive_variables": false, "dryrun_default": false, "hidden": false,
        "read_only": false, "approval_required": false, "soft_time_limit": 0, "time_limit": 0
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
            _ => return json_response(StatusCode::FORBIDDEN, &json!({"detail": "Invalid token."})),
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
            return json_response(StatusCode::OK, &self.list(&request.query));
        }
        let run = path
            .strip_prefix("/api/extras/jobs/")
            .and_then(|rest| rest.strip_suffix("/run/"))
            .and_then(|id| self.jobs.iter().find(|job| job["id"] == id))
            .cloned();
        match (&request.method, run) {
            (&Method::POST, Some(_)) if !may_run => json_response(
                StatusCode::FORBIDDEN,
                &json!({"detail": "You do not have permission to perform this action."}),
            ),
            (&Method::POST, Some(job)) => {
                let id = job["id"].as_str().unwrap_or_default().to_owned();
                self.runs.push((id, request.json()["data"].clone()));
                json_response(
                    StatusCode::CREATED,
                    &json!({
                        "scheduled_job": null,
                        "job_result": {
                            "id": JOB_RESULT_ID, "object_type": "extras.jobresult",
                            "url": format!("/api/extras/job-results/{JOB_RESULT_ID}/"),
                            "name": job["name"], "status": {"value": "PENDING", "label": "PENDING"},
                            "job_model": {"id": job["id"], "object_type": "extras.job"}
                        }
                    }),
                )
            }
            _ => json_response(StatusCode::NOT_FOUND, &json!({"detail": "Not found."})),
        }
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
            .json(&json!({"data": {"dry_run": true}}))
            .send()
            .await
            .unwrap();
        assert_eq!(run.status(), StatusCode::CREATED);
        let body: Value = run.json().await.unwrap();
        assert_eq!(body["job_result"]["id"], JOB_RESULT_ID);
        assert_eq!(
            fake.runs(),
            [(IPFABRIC_JOB_ID.to_owned(), json!({"dry_run": true}))]
        );
        let refused = http.get(fake.url_of("/api/extras/jobs/")).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
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
