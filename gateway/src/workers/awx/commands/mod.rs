//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks AWX through the [`Session`] and pure `render_*`
//! functions that turn answers into replies.

mod dashboard;
pub mod follow;
mod inventory;
pub mod jobs;
mod launch;
mod projects;
mod survey;
mod templates;

use super::error::AwxError;
use super::session::Session;
use crate::model::Reply;
use crate::workers::toolkit::render::error;

/// Runs the session's sub-command; jobs it launches are followed as
/// `following` says (not at all when `None`).
pub async fn run(session: &Session<'_>, following: Option<&follow::Following>) -> Result<Reply, AwxError> {
    match session.call.invocation.subcommand.as_str() {
        "get-dashboard" => dashboard::get_dashboard(session).await,
        "get-inventory" => inventory::get_inventory(session).await,
        "get-jobs" => jobs::get_jobs(session).await,
        "get-job-templates" => templates::get_job_templates(session).await,
        "get-projects" => projects::get_projects(session).await,
        "run-job-template" => launch::run_job_template(session, following).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the awx integration."
        ))),
    }
}

/// What AWX names an object by, or `—`.
fn name_of(summary: Option<&Named>) -> String {
    crate::workers::toolkit::render::or_none(summary.map(|s| s.name.as_str()))
}

/// An object AWX names in a `summary_fields` entry.
#[derive(Clone, Debug, Default, serde::Deserialize, PartialEq)]
pub struct Named {
    /// Its name.
    #[serde(default)]
    pub name: String,
}

#[cfg(test)]
mod tests;
