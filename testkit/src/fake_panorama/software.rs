//! PAN-OS software on one device (Panorama or a firewall) and its jobs:
//! `request system software check|info` lists the versions, `download` and
//! `install` enqueue jobs that `show jobs id` reports, `ACT` on the first
//! look and `FIN` with their effect from the next (as a real job, which
//! takes minutes, is seen running first).

use super::{data::AVAILABLE, xml::El};

/// What a finished job changes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Effect {
    Downloaded(String),
    Installed(String),
    Committed,
}

/// One job, as `show jobs id` tells it.
#[derive(Clone, Debug)]
pub struct Job {
    /// Its id.
    pub id: u32,
    /// PAN-OS's job type: `Downld`, `SWInstall`, `Commit`.
    pub kind: &'static str,
    /// Who started it.
    pub user: String,
    /// What it says when done.
    pub details: String,
    /// Looks left before it finishes.
    looks_left: u32,
    effect: Effect,
}

impl Job {
    /// Whether it is done (`FIN`).
    pub fn finished(&self) -> bool {
        self.looks_left == 0
    }
}

/// One device's software and jobs.
#[derive(Clone, Debug)]
pub struct Software {
    /// The file name prefix of its images, e.g. `PanOS_400-`.
    prefix: String,
    /// The version it runs.
    pub current: String,
    /// The versions downloaded onto it.
    pub downloaded: Vec<String>,
    /// The version installed to run after the next reboot, if any.
    pub installed: Option<String>,
    /// Its jobs.
    pub jobs: Vec<Job>,
    next_job: u32,
}

/// When a timestamp is needed: PAN-OS's `YYYY/MM/DD hh:mm:ss`, fixed so answers compare.
const NOW: &str = "2026/12/03 21:40:11";

fn released_on(version: &str) -> &'static str {
    match version {
        "11.2.4" => "2024/12/10 11:15:03",
        "11.2.3" => "2024/09/26 09:48:05",
        "11.1.6" => "2024/12/17 14:02:44",
        "11.1.4-h7" => "2024/11/20 18:30:12",
        "11.0.6" => "2024/10/03 10:21:57",
        "10.2.12" => "2024/11/28 08:12:40",
        _ => "2024/06/18 16:45:09",
    }
}

impl Software {
    /// A device with image prefix `prefix` running `current`, with `downloaded` on disk.
    pub fn new(prefix: &str, current: &str, downloaded: &[&str]) -> Software {
        Software {
            prefix: prefix.to_owned(),
            current: current.to_owned(),
            downloaded: downloaded.iter().map(|v| (*v).to_owned()).collect(),
            installed: None,
            jobs: Vec::new(),
            next_job: 1,
        }
    }

    /// `<sw-updates>` of `request system software check|info`.
    pub fn versions(&self) -> El {
        let versions = AVAILABLE.iter().enumerate().map(|(i, version)| {
            let yes_no = |b: bool| if b { "yes" } else { "no" };
            El::new("entry")
                .child(El::text("version", version))
                .child(El::text("filename", &format!("{}{version}", self.prefix)))
                .child(El::text("size", &(480 + 7 * i).to_string()))
                .child(El::text("size-kb", &((480 + 7 * i) * 1024).to_string()))
                .child(El::text("released-on", released_on(version)))
                .child(El::text(
                    "release-notes",
                    "https://www.paloaltonetworks.com/documentation/pan-os/release-notes",
                ))
                .child(El::text(
                    "downloaded",
                    yes_no(self.downloaded.iter().any(|d| d == version)),
                ))
                .child(El::text("current", yes_no(self.current == *version)))
                .child(El::text("latest", yes_no(i == 0)))
                .child(El::text("uploaded", "no"))
        });
        El::new("sw-updates")
            .attr("last-updated-at", NOW)
            .child(El::new("msg"))
            .child(versions.fold(El::new("versions"), El::child))
    }

    fn enqueue(&mut self, kind: &'static str, user: &str, details: String, effect: Effect) -> u32 {
        let id = self.next_job;
        self.next_job += 1;
        self.jobs.push(Job {
            id,
            kind,
            user: user.to_owned(),
            details,
            looks_left: 1,
            effect,
        });
        id
    }

    /// Starts downloading `version`: its job id, or PAN-OS's refusal.
    pub fn download(&mut self, version: &str, user: &str) -> Result<u32, String> {
        if !AVAILABLE.contains(&version) {
            return Err(format!(
                "Failed to download {version}: not in the list of available versions. Run 'request system software check' first."
            ));
        }
        let details = format!("Successfully downloaded {}{version}", self.prefix);
        Ok(self.enqueue("Downld", user, details, Effect::Downloaded(version.to_owned())))
    }

    /// Starts installing `version`: its job id, or PAN-OS's refusal of one not downloaded.
    pub fn install(&mut self, version: &str, user: &str) -> Result<u32, String> {
        if !self.downloaded.iter().any(|d| d == version) {
            return Err(format!("Image {}{version} is not downloaded.", self.prefix));
        }
        let details = format!(
            "Software installation of version {version} successfully completed. Please reboot to switch to the new version."
        );
        Ok(self.enqueue("SWInstall", user, details, Effect::Installed(version.to_owned())))
    }

    /// Enqueues a commit: its job id.
    pub fn commit(&mut self, user: &str) -> u32 {
        self.enqueue(
            "Commit",
            user,
            "Configuration committed successfully".into(),
            Effect::Committed,
        )
    }

    /// `show jobs id <id>`'s `<job>`, advancing the job one look; `None` for an unknown id.
    pub fn look(&mut self, id: u32) -> Option<El> {
        let at = self.jobs.iter().position(|j| j.id == id)?;
        let job = &mut self.jobs[at];
        let running = !job.finished();
        job.looks_left = job.looks_left.saturating_sub(1);
        let job = job.clone();
        if running {
            return Some(job_xml(&job, "ACT", "50", ""));
        }
        match &job.effect {
            Effect::Downloaded(v) if !self.downloaded.contains(v) => self.downloaded.push(v.clone()),
            Effect::Installed(v) => self.installed = Some(v.clone()),
            _ => {}
        }
        Some(job_xml(&job, "FIN", "100", "OK"))
    }
}

fn job_xml(job: &Job, status: &str, progress: &str, result: &str) -> El {
    let details = if status == "FIN" {
        El::new("details").child(El::text("line", &job.details))
    } else {
        El::new("details")
    };
    El::new("job")
        .child(El::text("tenq", NOW))
        .child(El::text("tdeq", "21:40:11"))
        .child(El::text("id", &job.id.to_string()))
        .child(El::text("user", &job.user))
        .child(El::text("type", job.kind))
        .child(El::text("status", status))
        .child(El::text("queued", "NO"))
        .child(El::text("stoppable", "no"))
        .child(El::text(
            "result",
            if result.is_empty() { "PEND" } else { result },
        ))
        .child(El::text(
            "tfin",
            if status == "FIN" {
                "2026/12/03 21:41:02"
            } else {
                "Still Active"
            },
        ))
        .child(El::text("description", ""))
        .child(El::text("positionInQ", "0"))
        .child(El::text("progress", progress))
        .child(details)
        .child(El::new("warnings"))
}
