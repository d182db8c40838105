//! `get-dashboard`, `get-inventory`, `get-jobs`, `get-job-templates` and
//! `get-projects` rendered.

use serde_json::json;

use super::{message, read, rows, texts};
use crate::model::Level;
use crate::workers::awx::commands::dashboard::{Dashboard, render_dashboard};
use crate::workers::awx::commands::inventory::{Host, group_choices, render_hosts};
use crate::workers::awx::commands::jobs::{Job, MAX_JOBS, job_count, render_jobs};
use crate::workers::awx::commands::projects::{Project, render_projects};
use crate::workers::awx::commands::templates::{JobTemplate, render_job_templates};

#[test]
fn the_dashboard_shows_totals_and_failures() {
    let dashboard: Dashboard = read(json!({
        "hosts": {"url": "/api/v2/hosts/", "total": 34, "failed": 2},
        "inventories": {"url": "/api/v2/inventories/", "total": 3, "total_with_inventory_source": 0,
                        "job_failed": 1, "inventory_failed": 0},
        "projects": {"url": "/api/v2/projects/", "total": 2, "failed": 0},
        "job_templates": {"url": "/api/v2/job_templates/", "total": 4},
        "users": {"url": "/api/v2/users/", "total": 2}
    }));
    let reply = render_dashboard(&dashboard, "https://awx.example.net");
    let rows = rows(&reply);
    assert_eq!(rows[0], ["Hosts", "34", "2"]);
    assert_eq!(rows[1], ["Inventories", "3", "1"]);
    assert_eq!(rows[2], ["Inventory syncs", "3", "0"]);
    assert_eq!(rows[4], ["Job templates", "4", "—"]);
    assert_eq!(rows[7], ["Teams", "—", "—"], "a count AWX left out is not zero");
    assert_eq!(texts(&reply), ["[Open AWX](https://awx.example.net/#/home)"]);
}

#[test]
fn hosts_are_a_table_and_none_is_said() {
    let hosts: Vec<Host> = read(json!([
        {"id": 1, "name": "web01", "description": "", "enabled": true, "has_active_failures": false},
        {"id": 2, "name": "web02", "description": "spare", "enabled": false, "has_active_failures": true}
    ]));
    let reply = render_hosts("Hosts of inventory Production".to_owned(), &hosts, 5);
    assert_eq!(
        rows(&reply),
        [["web01", "yes", "no", "—"], ["web02", "no", "yes", "spare"]]
    );
    assert_eq!(
        texts(&reply),
        ["Showing the first 2 of 5; narrow the filter to see the rest."]
    );
    let none = render_hosts("Hosts of inventory Empty".to_owned(), &[], 0);
    assert_eq!(texts(&none), ["Hosts of inventory Empty: none that you may see."]);
    assert_eq!(message(&none).level, Level::Info);
}

#[test]
fn the_group_menu_offers_every_host_first_then_groups_by_name() {
    let choices = group_choices(
        "Production",
        &[json!({"id": 2, "name": "web"}), json!({"id": 1, "name": "db"})],
    );
    let values: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["all", "db", "web"]);
}

#[test]
fn jobs_are_newest_first_with_status_times_and_who_launched_them() {
    let jobs: Vec<Job> = read(json!([
        {"id": 6, "name": "Deploy Web App", "status": "running", "started": "2024-10-01T09:20:00Z",
         "finished": null, "launched_by": {"id": 2, "name": "operator", "type": "user"}},
        {"id": 5, "name": "Patch Servers", "status": "failed", "started": "2024-10-01T09:10:00Z",
         "finished": "2024-10-01T09:11:00Z", "launched_by": {"id": 1, "name": "admin", "type": "user"}}
    ]));
    let reply = render_jobs(&jobs, 2);
    assert_eq!(
        rows(&reply)[0],
        [
            "6",
            "Deploy Web App",
            "running",
            "2024-10-01T09:20:00Z",
            "—",
            "operator"
        ]
    );
    assert_eq!(message(&reply).title.as_deref(), Some("The last 2 jobs"));
    assert_eq!(
        message(&render_jobs(&jobs, 10)).title.as_deref(),
        Some("The last 2 jobs (all you may see)")
    );
}

#[test]
fn the_job_count_defaults_to_ten_and_is_capped() {
    assert_eq!(job_count(None), Ok(10));
    assert_eq!(job_count(Some("3")), Ok(3));
    assert_eq!(job_count(Some("100000")), Ok(MAX_JOBS));
    assert!(job_count(Some("0")).is_err());
    assert!(job_count(Some("-1")).is_err());
}

#[test]
fn job_templates_show_their_inventory_project_and_survey() {
    let templates: Vec<JobTemplate> = read(json!([
        {"id": 1, "name": "Deploy Web App", "description": "", "playbook": "deploy.yml", "survey_enabled": true,
         "summary_fields": {"inventory": {"id": 1, "name": "Production"}, "project": {"id": 1, "name": "Web Playbooks"}}},
        {"id": 9, "name": "Orphan", "playbook": "", "survey_enabled": false, "summary_fields": {}}
    ]));
    assert_eq!(
        rows(&render_job_templates(&templates, 2)),
        [
            [
                "Deploy Web App",
                "Production",
                "Web Playbooks",
                "deploy.yml",
                "yes",
                "—"
            ],
            ["Orphan", "—", "—", "—", "no", "—"],
        ]
    );
}

#[test]
fn projects_show_their_source_and_a_manual_one_says_so() {
    let projects: Vec<Project> = read(json!([
        {"id": 1, "name": "Web Playbooks", "scm_type": "git", "scm_url": "https://git.example.com/web.git",
         "scm_branch": "main", "status": "successful"},
        {"id": 2, "name": "Local", "scm_type": "", "scm_url": "", "scm_branch": "", "status": "ok"}
    ]));
    assert_eq!(
        rows(&render_projects(&projects, 2)),
        [
            [
                "Web Playbooks",
                "git",
                "https://git.example.com/web.git",
                "main",
                "successful"
            ],
            ["Local", "manual", "—", "—", "ok"],
        ]
    );
    assert_eq!(
        texts(&render_projects(&[], 0)),
        ["Projects: none that you may see."]
    );
}
