//! What the soak counts and how it judges it: requests and failures per
//! platform, answer times, and the gateway's resident memory and open
//! descriptors sampled every second; growth after the warm-up beyond the
//! limits, or any failure, fails the soak. Pure: the unit tests below check
//! the judging without a gateway.

use std::{collections::BTreeMap, fmt, time::Duration};

/// The platforms, in the order the report lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Platform {
    Slack,
    Teams,
    Webex,
    Mattermost,
}

/// Why one exchange failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The gateway answered the webhook with this non-2xx status.
    Status(u16),
    /// The webhook request itself failed (connection refused or reset).
    Transport(String),
    /// No answer reached the chat API within the limit.
    NoAnswer,
    /// The answer was "busy with other commands".
    Busy,
    /// The answer was not what the exchange needed (a menu without a menu).
    Unexpected(String),
}

impl Failure {
    /// The failure's kind, as the report counts it.
    pub fn kind(&self) -> String {
        match self {
            Failure::Status(status) => format!("HTTP {status}"),
            Failure::Transport(_) => "transport".to_owned(),
            Failure::NoAnswer => "no answer".to_owned(),
            Failure::Busy => "busy".to_owned(),
            Failure::Unexpected(_) => "unexpected answer".to_owned(),
        }
    }
}

/// The counts of one platform.
#[derive(Debug, Default)]
pub struct Counts {
    /// Webhook requests sent.
    pub requests: u64,
    /// Exchanges answered.
    pub answered: u64,
    /// Failures by kind.
    pub failures: BTreeMap<String, u64>,
    /// Microseconds from the first request of each answered exchange to its
    /// (last) answer.
    pub answer_us: Vec<u32>,
}

impl Counts {
    /// All failures.
    pub fn failed(&self) -> u64 {
        self.failures.values().sum()
    }
}

/// The `p`-th percentile (0–100) of `values`, nearest rank; 0 when empty.
pub fn percentile(values: &mut [u32], p: f64) -> u32 {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

/// One sample of the gateway's process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Since the load started.
    pub at: Duration,
    /// `VmRSS`, KiB.
    pub rss_kib: u64,
    /// Entries of `/proc/PID/fd`.
    pub fds: u64,
}

/// How much the gateway may grow after the warm-up before the soak fails.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Resident memory: percent of its value at the warm-up's end.
    pub rss_percent: u64,
    /// Open descriptors: this many more at the end than at the warm-up's
    /// end, each taken as the fewest over a minute ([`Growth::fd_floors`]).
    pub fds: u64,
}

/// Over how long the fewest descriptors are taken: the load's connections
/// to the gateway come and go with its pace (a slower minute on a shared
/// machine opens more), so a single sample says little, while a descriptor
/// leaked stays and raises the fewest.
pub const FLOOR_SPAN: Duration = Duration::from_secs(60);

/// The samples' summary: at the warm-up's end, at the end, the most, and the growth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Growth {
    pub warm: Sample,
    pub end: Sample,
    pub max_rss_kib: u64,
    pub max_fds: u64,
    /// The fewest descriptors over [`FLOOR_SPAN`] from the warm-up's end,
    /// and over the last [`FLOOR_SPAN`].
    pub fd_floors: (u64, u64),
}

impl Growth {
    /// The summary of `samples` (in time order) with the warm-up ending at
    /// `warm_up`: the first sample at or after it (the last one if none is).
    pub fn of(samples: &[Sample], warm_up: Duration) -> Option<Growth> {
        let end = *samples.last()?;
        let warm = samples.iter().find(|s| s.at >= warm_up).copied().unwrap_or(end);
        let fewest = |from: Duration, to: Duration| {
            let within = samples.iter().filter(|s| s.at >= from && s.at <= to);
            within.map(|s| s.fds).min().unwrap_or(end.fds)
        };
        Some(Growth {
            warm,
            end,
            max_rss_kib: samples.iter().map(|s| s.rss_kib).max()?,
            max_fds: samples.iter().map(|s| s.fds).max()?,
            fd_floors: (
                fewest(warm.at, warm.at + FLOOR_SPAN),
                fewest(end.at.saturating_sub(FLOOR_SPAN), end.at),
            ),
        })
    }

    /// Resident memory gained after the warm-up, KiB (negative: it shrank).
    pub fn rss_growth_kib(&self) -> i64 {
        self.end.rss_kib as i64 - self.warm.rss_kib as i64
    }

    /// Descriptors gained after the warm-up, sample to sample.
    pub fn fd_growth(&self) -> i64 {
        self.end.fds as i64 - self.warm.fds as i64
    }

    /// Descriptors gained after the warm-up, floor to floor: what [`Limits::fds`] bounds.
    pub fn fd_floor_growth(&self) -> i64 {
        self.fd_floors.1 as i64 - self.fd_floors.0 as i64
    }

    /// What grew beyond `limits`, in words; empty when nothing did.
    pub fn beyond(&self, limits: Limits) -> Vec<String> {
        let mut beyond = Vec::new();
        let allowed_kib = self.warm.rss_kib * limits.rss_percent / 100;
        if self.rss_growth_kib() > allowed_kib as i64 {
            beyond.push(format!(
                "RSS grew {} KiB after the warm-up, more than {}% ({allowed_kib} KiB)",
                self.rss_growth_kib(),
                limits.rss_percent
            ));
        }
        if self.fd_floor_growth() > limits.fds as i64 {
            beyond.push(format!(
                "the fewest open descriptors in a minute grew by {}, more than {}",
                self.fd_floor_growth(),
                limits.fds
            ));
        }
        beyond
    }
}

impl fmt::Display for Growth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mib = |kib: u64| kib as f64 / 1024.0;
        writeln!(f, "                   RSS (MiB)   open fds")?;
        let (warm, end) = (self.warm, self.end);
        writeln!(
            f,
            "warm-up end {:>4}s  {:>9.1}   {:>8}",
            warm.at.as_secs(),
            mib(warm.rss_kib),
            warm.fds
        )?;
        writeln!(
            f,
            "end         {:>4}s  {:>9.1}   {:>8}",
            end.at.as_secs(),
            mib(end.rss_kib),
            end.fds
        )?;
        writeln!(
            f,
            "max                {:>9.1}   {:>8}",
            mib(self.max_rss_kib),
            self.max_fds
        )?;
        writeln!(
            f,
            "growth after warm-up {:>+7.1}   {:>+8}",
            self.rss_growth_kib() as f64 / 1024.0,
            self.fd_growth()
        )?;
        write!(
            f,
            "fewest fds in a minute: {} after the warm-up, {} at the end ({:+})",
            self.fd_floors.0,
            self.fd_floors.1,
            self.fd_floor_growth()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(secs: u64, rss_kib: u64, fds: u64) -> Sample {
        Sample {
            at: Duration::from_secs(secs),
            rss_kib,
            fds,
        }
    }

    const LIMITS: Limits = Limits {
        rss_percent: 20,
        fds: 16,
    };

    #[test]
    fn growth_is_measured_from_the_first_sample_after_the_warm_up() {
        let samples = [
            sample(0, 10_000, 10),
            sample(30, 40_000, 60),
            sample(60, 30_000, 40),
            sample(90, 33_000, 45),
        ];
        let growth = Growth::of(&samples, Duration::from_secs(60)).unwrap();
        assert_eq!(growth.warm, samples[2]);
        assert_eq!(growth.end, samples[3]);
        assert_eq!((growth.max_rss_kib, growth.max_fds), (40_000, 60));
        assert_eq!((growth.rss_growth_kib(), growth.fd_growth()), (3_000, 5));
        assert!(
            growth.beyond(LIMITS).is_empty(),
            "10 % and 5 fds are within the limits"
        );
    }

    #[test]
    fn a_leak_after_the_warm_up_is_beyond_the_limits() {
        let samples = [sample(60, 30_000, 40), sample(600, 37_000, 80)];
        let beyond = Growth::of(&samples, Duration::from_secs(60))
            .unwrap()
            .beyond(LIMITS);
        assert_eq!(beyond.len(), 2, "{beyond:?}");
        assert!(beyond[0].contains("7000 KiB"), "{beyond:?}");
        assert!(beyond[1].contains("by 40"), "{beyond:?}");
    }

    #[test]
    fn descriptors_that_come_and_go_with_the_load_are_not_a_leak() {
        // Connections open and close with the load's pace: the last sample
        // is high, but the fewest in the last minute is where it was.
        let samples = [
            sample(60, 30_000, 40),
            sample(90, 30_000, 90),
            sample(550, 30_000, 41),
            sample(600, 30_000, 95),
        ];
        let growth = Growth::of(&samples, Duration::from_secs(60)).unwrap();
        assert_eq!(growth.fd_growth(), 55);
        assert_eq!((growth.fd_floors, growth.fd_floor_growth()), ((40, 41), 1));
        assert!(growth.beyond(LIMITS).is_empty());
    }

    #[test]
    fn a_run_shorter_than_the_warm_up_is_judged_on_its_last_sample() {
        let samples = [sample(0, 10_000, 10), sample(5, 12_000, 11)];
        let growth = Growth::of(&samples, Duration::from_secs(60)).unwrap();
        assert_eq!(growth.warm, growth.end);
        assert!(Growth::of(&[], Duration::ZERO).is_none());
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let mut values: Vec<u32> = (1..=100).rev().collect();
        assert_eq!(percentile(&mut values, 50.0), 50);
        assert_eq!(percentile(&mut values, 99.0), 99);
        assert_eq!(percentile(&mut values, 100.0), 100);
        assert_eq!(percentile(&mut [], 50.0), 0);
    }
}
