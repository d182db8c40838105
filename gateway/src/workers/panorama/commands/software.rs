//! `upload-software` and `install-software`: a PAN-OS version downloaded
//! onto, or installed on, a firewall through Panorama. Both change the
//! firewall, so they ask first; each starts a PAN-OS job, answered at once
//! and followed to its end, whose result is posted as a follow-up.

use super::{device_or_menu, message};
use crate::model::{Block, Choice, Level, Message, Reply};
use crate::workers::panorama::Polling;
use crate::workers::panorama::client::PanoramaClient;
use crate::workers::panorama::error::PanoramaError;
use crate::workers::panorama::session::{Session, element, op_cmd};
use crate::workers::panorama::xml::El;
use crate::workers::toolkit::confirm::{self, Change as Asked};
use crate::workers::toolkit::credentials::Credential;
use crate::workers::toolkit::sentences::sentence;

/// What is done to the firewall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// `request system software download`.
    Download,
    /// `request system software install`.
    Install,
}

impl Change {
    fn verb(self) -> &'static str {
        match self {
            Change::Download => "download",
            Change::Install => "install",
        }
    }

    fn doing(self) -> &'static str {
        match self {
            Change::Download => "Downloading",
            Change::Install => "Installing",
        }
    }
}

/// One version the firewall offers (`request system software check`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// `11.1.6`.
    pub version: String,
    /// Whether it is on the firewall already.
    pub downloaded: bool,
    /// Whether the firewall runs it.
    pub current: bool,
}

/// The versions of a `<sw-updates>` answer.
pub fn versions(result: &El) -> Vec<Version> {
    result
        .at("sw-updates/versions")
        .map(|list| {
            list.entries()
                .map(|entry| Version {
                    version: entry.text_at("version").to_owned(),
                    downloaded: entry.text_at("downloaded") == "yes",
                    current: entry.text_at("current") == "yes",
                })
                .filter(|v| !v.version.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The menu's choices for `change`: every version not running (to download),
/// or those downloaded and not running (to install), said as they stand.
pub fn version_choices(versions: &[Version], change: Change) -> Vec<Choice> {
    versions
        .iter()
        .filter(|v| !v.current && (change == Change::Download || v.downloaded))
        .map(|v| Choice {
            label: if v.downloaded && change == Change::Download {
                format!("{} (already downloaded)", v.version)
            } else {
                v.version.clone()
            },
            value: v.version.clone(),
        })
        .collect()
}

/// `upload-software device version [yes]` or `install-software …`.
pub async fn change(session: &Session<'_>, change: Change, polling: Polling) -> Result<Reply, PanoramaError> {
    let device = match device_or_menu(session, 0).await? {
        Ok(device) => device,
        Err(reply) => return Ok(reply),
    };
    let Some(version) = session.arg(1) else {
        let check = session
            .op(
                op_cmd(&["request", "system", "software", "check"], ""),
                Some(&device.serial),
                "view",
                format!("the software of {}", device.hostname),
            )
            .await?;
        let none = match change {
            Change::Download => format!("{} offers no PAN-OS version to download.", device.hostname),
            Change::Install => format!(
                "{} has no downloaded PAN-OS version to install; `upload-software` one first.",
                device.hostname
            ),
        };
        return Ok(session.ask(
            format!(
                "Which PAN-OS version to {} on {}?",
                change.verb(),
                device.hostname
            ),
            version_choices(&versions(&check), change),
            none,
        ));
    };
    let asked = Asked {
        question: format!(
            "{} PAN-OS **{version}** on **{}** ({}), as {}?",
            match change {
                Change::Download => "Download",
                Change::Install => "Install",
            },
            device.hostname,
            device.model,
            session.who.user
        ),
        yes: format!("Yes, {} {version}", change.verb()),
        declined: format!(
            "Not changed: PAN-OS {version} was not {}ed on **{}**.",
            change.verb(),
            device.hostname
        ),
    };
    if let Some(reply) = confirm::confirm(&session.call, 2, asked) {
        return Ok(reply);
    }
    let cmd = op_cmd(
        &["request", "system", "software", change.verb()],
        &element("version", version),
    );
    let result = session
        .op(
            cmd,
            Some(&device.serial),
            "change",
            format!("the software of {}", device.hostname),
        )
        .await?;
    let job = result.text_at("job").trim().to_owned();
    if job.is_empty() {
        return Err(PanoramaError::Malformed(format!(
            "{} of {version}: no job in the answer",
            change.verb()
        )));
    }
    let followed = Followed {
        client: session.client.clone(),
        who: session.who.clone(),
        serial: device.serial.clone(),
        hostname: device.hostname.clone(),
        job: job.clone(),
        what: format!("{} of PAN-OS {version}", change.verb()),
    };
    let abandoned = render_not_followed(&followed);
    session.call.follow_up(follow(followed, polling), abandoned);
    Ok(message(
        Level::Info,
        vec![Block::Text(format!(
            "{} PAN-OS **{version}** on **{}**: job {job} started; its result follows here.",
            change.doing(),
            device.hostname
        ))],
    ))
}

/// A job being followed.
pub struct Followed {
    client: PanoramaClient,
    who: Credential,
    serial: String,
    hostname: String,
    job: String,
    what: String,
}

/// Looks at the job (soon, then less often) until it ends: its result, or,
/// after `polling.for_at_most`, that it still runs.
pub async fn follow(followed: Followed, polling: Polling) -> Option<Message> {
    let started = tokio::time::Instant::now();
    let mut last_problem: Option<PanoramaError> = None;
    let mut wait = polling.first;
    loop {
        let left = polling.for_at_most.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Some(render_still_running(&followed, last_problem.as_ref()));
        }
        tokio::time::sleep(wait.min(left)).await;
        wait = (wait * 2).min(polling.every);
        let cmd = op_cmd(&["show", "jobs"], &element("id", &followed.job));
        let object = format!("job {} on {}", followed.job, followed.hostname);
        match followed
            .client
            .op(&followed.who, cmd, Some(&followed.serial), ("view", object))
            .await
        {
            Ok(result) if result.text_at("job/status") == "FIN" => {
                return Some(render_ended(&followed, result.find("job").unwrap_or(&result)));
            }
            Ok(_) => last_problem = None,
            // A refusal will not mend itself: say so now.
            Err(problem) if problem.is_answer() => {
                return Some(render_lost(&followed, &problem));
            }
            // Panorama down or slow for a while: keep trying until the end.
            Err(problem) => last_problem = Some(problem),
        }
    }
}

fn titled(level: Level, text: String) -> Message {
    Message {
        level,
        blocks: vec![Block::Text(text)],
        ..Default::default()
    }
}

/// How the job ended: PAN-OS's result and its details.
pub fn render_ended(followed: &Followed, job: &El) -> Message {
    let result = job.text_at("result");
    let details = job.find("details").map(El::lines).unwrap_or_default().join(" ");
    let level = if result == "OK" { Level::Info } else { Level::Error };
    let mut text = format!(
        "The {} on **{}** (job {}) ended: **{}**.",
        followed.what, followed.hostname, followed.job, result
    );
    if !details.is_empty() {
        text.push_str(&format!(" PAN-OS says: {details}"));
    }
    titled(level, text)
}

/// The job could no longer be asked about.
pub fn render_lost(followed: &Followed, problem: &PanoramaError) -> Message {
    titled(
        Level::Warning,
        format!(
            "The {} on **{}** (job {}) can no longer be followed: {}",
            followed.what,
            followed.hostname,
            followed.job,
            sentence(&problem.to_string())
        ),
    )
}

/// The job ran longer than it is followed.
pub fn render_still_running(followed: &Followed, problem: Option<&PanoramaError>) -> Message {
    let mut text = format!(
        "The {} on **{}** (job {}) is still running; `show jobs id {}` on the firewall tells how it ends.",
        followed.what, followed.hostname, followed.job, followed.job
    );
    if let Some(problem) = problem {
        text.push_str(&format!(
            " Last time Panorama was asked: {}",
            sentence(&problem.to_string())
        ));
    }
    titled(Level::Warning, text)
}

/// What is said when the job cannot be followed at all.
pub fn render_not_followed(followed: &Followed) -> Message {
    titled(
        Level::Warning,
        format!(
            "The {} on **{}** (job {}) is not followed here; `show jobs id {}` on the firewall tells how it ends.",
            followed.what, followed.hostname, followed.job, followed.job
        ),
    )
}
