//! What the accept loop does when `accept` fails.
//!
//! An error about one connection (reset or aborted before it was accepted)
//! is skipped. Anything else, above all running out of file descriptors
//! (`EMFILE`, `ENFILE`) or memory for sockets (`ENOBUFS`, `ENOMEM`), fails
//! again at once if retried at once: the loop would spin on a core and write
//! a log line per turn. So it sleeps, 100 ms doubling to 1 s, while the
//! descriptors held are closed by timeouts, and logs once when the burst
//! starts, at most once a minute while it lasts, and once when it ends.

use std::{io, time::Duration};

use tokio::time::Instant;

/// The first pause after a failed accept.
pub const MIN_DELAY: Duration = Duration::from_millis(100);
/// The longest pause.
pub const MAX_DELAY: Duration = Duration::from_secs(1);
/// How often a burst that goes on is logged again.
pub const REMIND_EVERY: Duration = Duration::from_secs(60);

/// Whether `err` concerns one connection only, so that the next accept may
/// well succeed at once.
pub fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

/// Whether to log a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Log {
    /// The first failure of a burst.
    Started,
    /// The burst goes on (a reminder, with the count so far).
    Continues,
    /// Nothing: counted only.
    Quiet,
}

/// A burst of failed accepts that has ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Burst {
    /// How many accepts failed.
    pub failures: u64,
    /// From the first failure to the accept that succeeded.
    pub lasted: Duration,
}

/// The state of the accept loop's backoff.
#[derive(Debug, Default)]
pub struct AcceptBackoff {
    failures: u64,
    started: Option<Instant>,
    logged: Option<Instant>,
    delay: Duration,
}

impl AcceptBackoff {
    /// Failures in the current burst.
    pub fn failures(&self) -> u64 {
        self.failures
    }

    /// An accept failed at `now` (with an error not about one connection):
    /// how long to pause, and whether to log it.
    pub fn failed(&mut self, now: Instant) -> (Duration, Log) {
        self.failures += 1;
        self.delay = if self.started.is_none() {
            MIN_DELAY
        } else {
            (self.delay * 2).clamp(MIN_DELAY, MAX_DELAY)
        };
        let log = match (self.started, self.logged) {
            (None, _) => {
                self.started = Some(now);
                Log::Started
            }
            (Some(_), Some(logged)) if now.duration_since(logged) < REMIND_EVERY => Log::Quiet,
            (Some(_), _) => Log::Continues,
        };
        if log != Log::Quiet {
            self.logged = Some(now);
        }
        (self.delay, log)
    }

    /// An accept succeeded at `now`: the burst that ended, if one was going on.
    pub fn succeeded(&mut self, now: Instant) -> Option<Burst> {
        let started = self.started.take()?;
        let burst = Burst {
            failures: self.failures,
            lasted: now.duration_since(started),
        };
        *self = AcceptBackoff::default();
        Some(burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_errors_are_skipped_and_the_rest_backs_off() {
        use io::ErrorKind::{ConnectionAborted, ConnectionReset, OutOfMemory};
        for kind in [ConnectionAborted, ConnectionReset] {
            assert!(is_connection_error(&io::Error::from(kind)), "{kind:?}");
        }
        // EMFILE, as accept(2) reports it.
        assert!(!is_connection_error(&io::Error::from_raw_os_error(24)));
        assert!(!is_connection_error(&io::Error::from(OutOfMemory)));
    }

    #[test]
    fn a_burst_doubles_the_pause_to_a_second_and_is_logged_once() {
        let start = Instant::now();
        let mut backoff = AcceptBackoff::default();
        assert_eq!(backoff.succeeded(start), None, "no burst yet");
        let mut delays = Vec::new();
        let mut logs = Vec::new();
        let mut now = start;
        for _ in 0..8 {
            let (delay, log) = backoff.failed(now);
            delays.push(delay.as_millis());
            logs.push(log);
            now += delay;
        }
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000, 1000, 1000]);
        assert_eq!(logs[0], Log::Started);
        assert!(logs[1..].iter().all(|log| *log == Log::Quiet), "{logs:?}");
        assert_eq!(backoff.failures(), 8);

        // A minute on, the burst is logged again, once.
        now += REMIND_EVERY;
        assert_eq!(backoff.failed(now).1, Log::Continues);
        assert_eq!(backoff.failed(now).1, Log::Quiet);

        let burst = backoff.succeeded(now).unwrap();
        assert_eq!(burst.failures, 10);
        assert_eq!(burst.lasted, now - start);
        // The next burst starts over.
        assert_eq!(backoff.failed(now), (MIN_DELAY, Log::Started));
    }
}
