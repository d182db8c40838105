//! When to try a failed write again: a backoff per operation, not per cycle.
//!
//! One shared backoff let unrelated failures slow each other down: after a
//! status that kept failing had pushed it to a minute, a ConfigMap apply that
//! failed once waited a minute too, and a grant removal reached the gateway a
//! minute late. Here each [`Operation`] has its own: 1 s doubling to 60 s,
//! reset by its own success. A cycle tries everything whatever triggered it;
//! the backoffs only decide when a cycle runs for nobody's change but a retry.
//!
//! Pure: the clock comes in as an argument.

use std::{collections::BTreeMap, time::Duration};

use tokio::time::Instant;

use crate::cycle::Operation;

/// The first retry's delay.
const FIRST: Duration = Duration::from_secs(1);
/// The longest delay.
const LONGEST: Duration = Duration::from_secs(60);

/// The failing operations, each with its own backoff.
#[derive(Debug, Default)]
pub struct Backoffs {
    failing: BTreeMap<Operation, Failing>,
}

#[derive(Debug)]
struct Failing {
    /// Failures in a row.
    failures: u32,
    /// When to retry; `None` while a cycle that tries it is under way.
    due: Option<Instant>,
}

/// What a result changed, for the log and the operator's Events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Streak {
    /// The operation started failing: worth telling.
    Started,
    /// It failed again: already told.
    Continues,
    /// It succeeded after failing: worth telling.
    Ended,
    /// It succeeded, as before.
    Fine,
}

impl Backoffs {
    /// `operation` failed at `now`.
    pub fn failed(&mut self, operation: &Operation, now: Instant) -> Streak {
        let entry = self.failing.entry(operation.clone()).or_insert(Failing {
            failures: 0,
            due: None,
        });
        entry.failures = entry.failures.saturating_add(1);
        entry.due = Some(now + delay(entry.failures));
        if entry.failures == 1 {
            Streak::Started
        } else {
            Streak::Continues
        }
    }

    /// `operation` succeeded.
    pub fn succeeded(&mut self, operation: &Operation) -> Streak {
        match self.failing.remove(operation) {
            Some(_) => Streak::Ended,
            None => Streak::Fine,
        }
    }

    /// A cycle ended without trying the failing operations it did not reach
    /// (an earlier write failed): they are due again after their own delay.
    pub fn rearm(&mut self, now: Instant) {
        for failing in self.failing.values_mut() {
            if failing.due.is_none() {
                failing.due = Some(now + delay(failing.failures));
            }
        }
    }

    /// The earliest retry.
    pub fn next_due(&self) -> Option<Instant> {
        self.failing.values().filter_map(|f| f.due).min()
    }

    /// Whether a retry is due at `now`; the due ones then wait for the cycle's results.
    pub fn take_due(&mut self, now: Instant) -> bool {
        let mut any = false;
        for failing in self.failing.values_mut() {
            if failing.due.is_some_and(|due| due <= now) {
                failing.due = None;
                any = true;
            }
        }
        any
    }

    /// How many operations are failing now.
    pub fn failing(&self) -> usize {
        self.failing.len()
    }
}

/// 1 s after the first failure, doubling, at most [`LONGEST`].
fn delay(failures: u32) -> Duration {
    let doubled = FIRST.saturating_mul(1 << failures.saturating_sub(1).min(6));
    doubled.min(LONGEST)
}

#[cfg(test)]
mod tests {
    use chatops_crds::{Kind, ObjectKey};

    use super::*;

    fn status(name: &str) -> Operation {
        Operation::Status(ObjectKey::new(Kind::Integration, "chatops", name))
    }

    #[test]
    fn each_operation_backs_off_on_its_own_and_resets_on_its_success() {
        let t0 = Instant::now();
        let mut backoffs = Backoffs::default();
        let mut delays = Vec::new();
        for _ in 0..9 {
            backoffs.failed(&status("a"), t0);
            delays.push((backoffs.next_due().unwrap() - t0).as_secs());
        }
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);

        // A ConfigMap apply failing now is retried after a second, not a minute.
        assert_eq!(backoffs.failed(&Operation::ApplyConfigMap, t0), Streak::Started);
        assert_eq!(backoffs.next_due(), Some(t0 + Duration::from_secs(1)));
        assert!(!backoffs.take_due(t0));
        assert!(backoffs.take_due(t0 + Duration::from_secs(1)));
        assert_eq!(backoffs.succeeded(&Operation::ApplyConfigMap), Streak::Ended);
        assert_eq!(backoffs.succeeded(&Operation::ApplyConfigMap), Streak::Fine);
        assert_eq!(backoffs.next_due(), Some(t0 + Duration::from_secs(60)));
        assert_eq!(backoffs.failed(&status("a"), t0), Streak::Continues);
        assert_eq!(backoffs.succeeded(&status("a")), Streak::Ended);
        assert_eq!(backoffs.failed(&status("a"), t0), Streak::Started, "a new streak");
        assert_eq!(
            backoffs.next_due(),
            Some(t0 + Duration::from_secs(1)),
            "from the start"
        );
    }

    #[test]
    fn an_operation_a_cycle_did_not_reach_is_due_again_after_its_delay() {
        let t0 = Instant::now();
        let mut backoffs = Backoffs::default();
        backoffs.failed(&status("a"), t0);
        assert!(backoffs.take_due(t0 + Duration::from_secs(1)));
        assert_eq!(backoffs.next_due(), None, "waiting for the cycle's result");
        backoffs.rearm(t0 + Duration::from_secs(2));
        assert_eq!(backoffs.next_due(), Some(t0 + Duration::from_secs(3)));
        assert_eq!(backoffs.failing(), 1);
    }
}
