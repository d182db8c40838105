//! `get-jobs [count]`: the most recent jobs, newest first.

use serde::Deserialize;

use crate::model::Reply;
use crate::workers::awx::{AwxError, Session};
use crate::workers::toolkit::render::{error, info, or_none, table_message};

/// How many jobs `get-jobs` shows when not told.
pub const DEFAULT_JOBS: usize = 10;
/// The most `get-jobs` shows: one of AWX's pages, and a table that fits.
pub const MAX_JOBS: usize = 100;

/// Who launched a job.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct LaunchedBy {
    pub name: Option<String>,
}

/// A job, as AWX lists it (and as `GET jobs/{id}/` gives it).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Job {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    pub status: Option<String>,
    pub started: Option<String>,
    pub finished: Option<String>,
    pub launched_by: Option<LaunchedBy>,
}

/// The `count` argument: a whole number from 1, at most [`MAX_JOBS`].
pub fn job_count(typed: Option<&str>) -> Result<usize, String> {
    let Some(typed) = typed else {
        return Ok(DEFAULT_JOBS);
    };
    match typed.parse::<usize>() {
        Ok(count) if count >= 1 => Ok(count.min(MAX_JOBS)),
        _ => Err(format!(
            "`{typed}` is not a number of jobs; give one from 1 to {MAX_JOBS}."
        )),
    }
}

/// `get-jobs [count]`.
pub async fn get_jobs(session: &Session<'_>) -> Result<Reply, AwxError> {
    let count = match job_count(session.arg(0)) {
        Ok(count) => count,
        Err(problem) => return Ok(error(problem)),
    };
    let size = count.to_string();
    let (jobs, _) = session
        .first("jobs/", &[("order_by", "-created"), ("page_size", &size)], count)
        .await?;
    Ok(render_jobs(&jobs, count))
}

/// The jobs as a table, newest first, each with its status and times.
pub fn render_jobs(jobs: &[Job], asked: usize) -> Reply {
    if jobs.is_empty() {
        return info("Jobs: none that you may see.");
    }
    let rows = jobs
        .iter()
        .map(|job| {
            vec![
                job.id.to_string(),
                job.name.clone(),
                or_none(job.status.as_deref()),
                or_none(job.started.as_deref()),
                or_none(job.finished.as_deref()),
                or_none(job.launched_by.as_ref().and_then(|l| l.name.as_deref())),
            ]
        })
        .collect();
    let title = if jobs.len() < asked {
        format!("The last {} jobs (all you may see)", jobs.len())
    } else {
        format!("The last {} jobs", jobs.len())
    };
    table_message(
        title,
        &["ID", "Name", "Status", "Started", "Finished", "Launched by"],
        rows,
        None,
    )
}
