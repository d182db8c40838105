//! Following a job launched from chat to its end, and the message that
//! says how it ended: successful, failed, error or canceled, with its link.
//! The original app answers with the job's id and leaves the rest to the
//! user; here the answer comes back to the conversation that asked.

use std::time::Duration;

use chatops_crds::settings::AwxSettings;
use serde::Deserialize;

use crate::model::{Block, Level, Message};
use crate::workers::awx::{AwxClient, AwxError};
use crate::workers::toolkit::credentials::Credential;

/// How launched jobs are followed: polled after `first_poll`, then each
/// time half as long again up to `longest_poll` (a short job is told
/// quickly, a long one costs AWX little), for at most `for_at_most`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Following {
    /// The wait before the first read of the job.
    pub first_poll: Duration,
    /// The longest wait between two reads.
    pub longest_poll: Duration,
    /// How long a job is followed before it is left to the user.
    pub for_at_most: Duration,
}

impl Following {
    /// How an Integration's `spec.awx` asks for jobs to be followed; `None`
    /// when it asks for them not to be.
    pub fn of(settings: &AwxSettings) -> Option<Following> {
        settings.follow_jobs.then(|| Following {
            first_poll: Duration::from_secs(1),
            longest_poll: Duration::from_secs(30),
            for_at_most: Duration::from_secs(u64::from(settings.follow_minutes) * 60),
        })
    }

    /// The wait after one of `previous`.
    pub fn next_poll(&self, previous: Duration) -> Duration {
        (previous + previous / 2).min(self.longest_poll)
    }
}

/// A job launched from chat, as following it needs it.
#[derive(Clone, Debug)]
pub struct Launch {
    /// The AWX client.
    pub client: AwxClient,
    /// Who launched it (the job is read as them).
    pub who: Credential,
    /// The job's id.
    pub job: u64,
    /// Its template's name.
    pub template: String,
    /// The job's page in AWX.
    pub link: String,
}

/// A job as its end is told (`GET jobs/{id}/`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct JobState {
    /// `pending`, `waiting`, `running`, `successful`, `failed`, `error`, `canceled`.
    pub status: String,
    /// Seconds it ran.
    #[serde(default)]
    pub elapsed: f64,
    /// Why AWX ended it, when it says (e.g. a failed dependency).
    #[serde(default)]
    pub job_explanation: String,
}

impl JobState {
    /// Whether the job has ended.
    pub fn has_ended(&self) -> bool {
        matches!(
            self.status.as_str(),
            "successful" | "failed" | "error" | "canceled"
        )
    }
}

/// Reads the job until it ends, or until `following.for_at_most` has
/// passed, and says how it ended; or why it can no longer be followed.
pub async fn follow(launch: Launch, following: Following) -> Option<Message> {
    let started = tokio::time::Instant::now();
    let path = format!("jobs/{}/", launch.job);
    let mut wait = following.first_poll;
    let mut last_problem: Option<AwxError> = None;
    loop {
        let left = following.for_at_most.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Some(render_still_running(&launch, &following, last_problem.as_ref()));
        }
        tokio::time::sleep(wait.min(left)).await;
        wait = following.next_poll(wait);
        match launch.client.get::<JobState>(&launch.who, &path).await {
            Ok(state) if state.has_ended() => return Some(render_ended(&launch, &state)),
            Ok(_) => last_problem = None,
            // A refusal or a job gone will not mend itself: say so now.
            Err(error) if error.is_answer() && !matches!(error, AwxError::RateLimited { .. }) => {
                return Some(render_lost(&launch, &error));
            }
            // AWX down, slow or throttling for a while: keep trying until the end.
            Err(error) => last_problem = Some(error),
        }
    }
}

/// How the job ended, as a message of its own.
pub fn render_ended(launch: &Launch, state: &JobState) -> Message {
    let level = match state.status.as_str() {
        "successful" => Level::Info,
        "canceled" => Level::Warning,
        _ => Level::Error,
    };
    let mut blocks = vec![Block::Text(format!(
        "Job **{}** (**{}**) ended **{}** after {}.",
        launch.job,
        launch.template,
        state.status,
        duration(state.elapsed)
    ))];
    let explanation = state.job_explanation.trim();
    if !explanation.is_empty() {
        blocks.push(Block::Text(format!("AWX says: {explanation}")));
    }
    blocks.push(job_link(launch));
    Message {
        level,
        title: Some(format!("Job {} {}", launch.job, state.status)),
        blocks,
        ..Default::default()
    }
}

/// The job outlived the time it is followed for.
pub fn render_still_running(launch: &Launch, following: &Following, problem: Option<&AwxError>) -> Message {
    let mut text = format!(
        "Job **{}** (**{}**) had not ended after {}; it is no longer followed here.",
        launch.job,
        launch.template,
        duration(following.for_at_most.as_secs_f64())
    );
    if let Some(problem) = problem {
        text.push_str(&format!(" Its last reading failed: {problem}."));
    }
    Message {
        level: Level::Warning,
        title: Some(format!("Job {} still running", launch.job)),
        blocks: vec![Block::Text(text), job_link(launch)],
        ..Default::default()
    }
}

/// AWX refuses to tell how the job goes on (a revoked token, a job deleted).
pub fn render_lost(launch: &Launch, error: &AwxError) -> Message {
    Message {
        level: Level::Warning,
        title: Some(format!("Job {} no longer followed", launch.job)),
        blocks: vec![
            Block::Text(format!(
                "Job **{}** (**{}**) can no longer be followed: {error}.",
                launch.job, launch.template
            )),
            job_link(launch),
        ],
        ..Default::default()
    }
}

/// What is said when the gateway cannot follow the job (too many followed
/// at once, or it is stopping): where to follow it instead.
pub fn render_not_followed(launch: &Launch) -> Message {
    Message {
        level: Level::Warning,
        title: Some(format!("Job {} not followed", launch.job)),
        blocks: vec![
            Block::Text(format!(
                "Job **{}** (**{}**) is no longer followed here (the gateway is stopping or busy); \
                 its final status will not be posted.",
                launch.job, launch.template
            )),
            job_link(launch),
        ],
        ..Default::default()
    }
}

fn job_link(launch: &Launch) -> Block {
    Block::Text(format!("[Job {} in AWX]({})", launch.job, launch.link))
}

/// `12 s`, `3 min 5 s`, `2 h 1 min`.
pub fn duration(seconds: f64) -> String {
    let seconds = if seconds.is_finite() && seconds > 0.0 {
        seconds.round() as u64
    } else {
        0
    };
    match (seconds / 3600, seconds % 3600 / 60, seconds % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}
