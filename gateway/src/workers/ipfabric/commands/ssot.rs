//! `ssot-sync-to-nautobot [dry-run safe-delete-mode sync-ipfabric-tagged-only]`:
//! runs the nautobot-ssot IP Fabric job (`IpFabricDataSource`) on the
//! Nautobot of `spec.ipfabric.nautobot`, from the snapshot read. It changes
//! Nautobot, so it asks first unless it is a dry run or `yes` was typed.

use serde_json::{Value, json};

use super::reading;
use crate::commands::CommandError;
use crate::model::{Choice, Reply};
use crate::workers::ipfabric::nautobot::Served;
use crate::workers::ipfabric::snapshot::Snapshot;
use crate::workers::ipfabric::{Session, Settings};
use crate::workers::nautobot::{NautobotApi, NautobotError, Page};
use crate::workers::toolkit::confirm::{Change, confirm};
use crate::workers::toolkit::render::{error, info};
use crate::workers::toolkit::sentences::{no_credential, told};

/// The module of nautobot-ssot's IP Fabric job.
pub const JOB_MODULE: &str = "nautobot_ssot.integrations.ipfabric.jobs";
/// The class of nautobot-ssot's IP Fabric job.
pub const JOB_CLASS: &str = "IpFabricDataSource";

/// The job variable of the dry run: nautobot-ssot's `DataSyncBaseJob` names
/// it `dryrun` (a `DryRunVar`); Nautobot refuses a variable the job does not
/// have (`400 {"errors": {"dry_run": ["Job data contained an unknown property"]}}`).
const DRY_RUN: &str = "dryrun";

/// The job's three switches, as typed, with the job variable each one sets
/// and the question that asks for it.
const SWITCHES: [(&str, &str, &str); 3] = [
    ("dry-run", DRY_RUN, "Dry run (only report what would change)?"),
    (
        "safe-delete-mode",
        "safe_delete_mode",
        "Safe delete mode (mark what is gone instead of deleting it)?",
    ),
    (
        "sync-ipfabric-tagged-only",
        "sync_ipfabric_tagged_only",
        "Sync only the objects tagged by IP Fabric?",
    ),
];

/// What the admin does when the sub-command is not set up.
const NOT_SET_UP: &str = "`ssot-sync-to-nautobot` is not set up for this IP Fabric: an admin names a \
     nautobot Integration in this Integration's `spec.ipfabric.nautobot`, whose Nautobot has the \
     nautobot-ssot app with its IP Fabric integration installed.";

/// The sub-command, asking IP Fabric for the snapshot and Nautobot for the job.
pub async fn sync(session: &Session<'_>, settings: &Settings) -> Result<Reply, CommandError> {
    let Some(target) = &settings.sync else {
        return Ok(error(NOT_SET_UP));
    };
    let Some(served) = &target.served else {
        return Ok(error(format!(
            "`ssot-sync-to-nautobot` runs through the nautobot integration `{}`, which this gateway does not \
             serve; an admin fixes `spec.ipfabric.nautobot` or that Integration.",
            target.command
        )));
    };
    let snapshot = match reading(session, settings).await {
        Ok(Ok(snapshot)) => snapshot,
        Ok(Err(said)) => return Ok(said),
        Err(failure) => return told(failure),
    };
    let mut switches = Vec::new();
    for (index, (name, variable, question)) in SWITCHES.iter().enumerate() {
        let Some(typed) = session.arg(index) else {
            let choices = [("yes", "true"), ("no", "false")]
                .map(|(label, value)| Choice {
                    label: label.to_owned(),
                    value: value.to_owned(),
                })
                .to_vec();
            return Ok(session.menu(*question, choices));
        };
        let Some(on) = switch(typed) else {
            return Ok(error(format!("`{typed}` is not true or false (for {name}).")));
        };
        switches.push((*variable, on));
    }
    let Some(who) = served.acting_as(&session.call) else {
        return Ok(no_credential::<NautobotApi>(&session.call));
    };
    match run_job(session, served, &who, &snapshot, &switches).await {
        Ok(reply) => Ok(reply),
        Err(failure) => told(failure),
    }
}

/// `true`/`false`, `yes`/`no`, in any case.
fn switch(typed: &str) -> Option<bool> {
    match typed.to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

/// Finds the job, asks to confirm when it changes Nautobot, and runs it.
async fn run_job(
    session: &Session<'_>,
    served: &Served,
    who: &crate::workers::nautobot::UserToken,
    snapshot: &Snapshot,
    switches: &[(&str, bool)],
) -> Result<Reply, NautobotError> {
    let query = [("module_name", JOB_MODULE), ("job_class_name", JOB_CLASS)];
    let page: Page<Value> = served.client.list(who, "extras/jobs/", &query, 10).await?;
    let Some(job) = find_job(&page.results) else {
        return Ok(error(job_missing()));
    };
    if job.get("enabled").and_then(Value::as_bool) == Some(false) {
        return Ok(error(format!(
            "Nautobot's nautobot-ssot IP Fabric job `{}` is not enabled; an admin enables it in Nautobot (Jobs).",
            job_name(job)
        )));
    }
    let dry_run = switches.iter().any(|(variable, on)| *variable == DRY_RUN && *on);
    let said = |on: bool| if on { "yes" } else { "no" };
    if !dry_run {
        let change = Change {
            question: format!(
                "Sync snapshot {} into Nautobot (safe delete mode: {}, IP Fabric-tagged only: {})? \
                 This changes Nautobot.",
                snapshot.described(),
                said(switches[1].1),
                said(switches[2].1)
            ),
            yes: "Yes, sync it".to_owned(),
            declined: "Not synced: Nautobot is unchanged.".to_owned(),
        };
        if let Some(reply) = confirm(&session.call, SWITCHES.len(), change) {
            return Ok(reply);
        }
    }
    let Some(id) = job.get("id").and_then(Value::as_str) else {
        return Err(NautobotError::Malformed(
            "extras/jobs: a job without an id".to_owned(),
        ));
    };
    let mut data = serde_json::Map::new();
    for (variable, on) in switches {
        data.insert((*variable).to_owned(), json!(on));
    }
    data.insert("snapshot".to_owned(), json!(snapshot.id));
    let ran: Value = match served
        .client
        .post(
            who,
            &format!("extras/jobs/{id}/run/"),
            &json!({"data": data}),
            "run",
        )
        .await
    {
        Ok(ran) => ran,
        Err(NautobotError::Refused { status: 400, detail }) => {
            return Ok(error(render_refused(detail.as_deref())));
        }
        Err(other) => return Err(other),
    };
    if ran["job_result"].is_null()
        && let Some(scheduled) = ran["scheduled_job"]["id"].as_str()
    {
        return Ok(info(render_held(
            snapshot,
            &format!("{}/extras/scheduled-jobs/{scheduled}/", served.web_url),
        )));
    }
    let result = ran["job_result"]["id"].as_str().ok_or_else(|| {
        NautobotError::Malformed("extras/jobs/run: an answer without job_result.id".to_owned())
    })?;
    Ok(info(render_started(
        snapshot,
        dry_run,
        &format!("{}/extras/job-results/{result}/", served.web_url),
    )))
}

/// nautobot-ssot's IP Fabric job among `jobs`, however Nautobot filtered them.
pub fn find_job(jobs: &[Value]) -> Option<&Value> {
    jobs.iter().find(|job| {
        job.get("module_name").and_then(Value::as_str) == Some(JOB_MODULE)
            && job.get("job_class_name").and_then(Value::as_str) == Some(JOB_CLASS)
    })
}

fn job_name(job: &Value) -> &str {
    job.get("name").and_then(Value::as_str).unwrap_or(JOB_CLASS)
}

/// What the admin installs when Nautobot has no such job.
pub fn job_missing() -> String {
    format!(
        "Nautobot has no nautobot-ssot IP Fabric job (`{JOB_CLASS}` of `{JOB_MODULE}`), or you may not see it: \
         an admin installs nautobot-ssot with its IP Fabric integration (`pip install nautobot-ssot[ipfabric]`, \
         `enable_ipfabric: True`), enables the job, and gives you permission to run it."
    )
}

/// Nautobot refused the run (400). Most often a snapshot that is not among
/// the job's choices, which nautobot-ssot takes from the IP Fabric of its own
/// settings, not from this Integration's: then the admin's fix is said too.
/// Else Nautobot's reason as it is (e.g. an approval workflow applying to a
/// job with sensitive variables, which Nautobot 3.2 will not run at all).
pub fn render_refused(detail: Option<&str>) -> String {
    let Some(detail) = detail else {
        return "Nautobot would not run nautobot-ssot's IP Fabric job, and did not say why (400).".to_owned();
    };
    if detail.contains("snapshot") {
        format!(
            "Nautobot would not run nautobot-ssot's IP Fabric job with these inputs ({detail}). nautobot-ssot \
             offers the snapshots loaded in the IP Fabric of its own settings: an admin makes sure it reads the \
             same IP Fabric as this Integration, and that the snapshot is loaded there."
        )
    } else {
        format!("Nautobot would not run nautobot-ssot's IP Fabric job: {detail}")
    }
}

/// The answer when Nautobot holds the run for an approval workflow (it
/// answers the scheduled job, and no job result yet).
pub fn render_held(snapshot: &Snapshot, link: &str) -> String {
    format!(
        "Nautobot holds the nautobot-ssot IP Fabric sync of snapshot {} until it is approved (an approval \
         workflow applies to the job): [scheduled job]({link})",
        snapshot.described()
    )
}

/// The answer once the job was started.
pub fn render_started(snapshot: &Snapshot, dry_run: bool, link: &str) -> String {
    let kind = if dry_run { "A dry run of the" } else { "The" };
    format!(
        "{kind} nautobot-ssot IP Fabric sync of snapshot {} has started: [job result]({link})",
        snapshot.described()
    )
}
