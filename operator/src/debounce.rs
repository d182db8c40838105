//! When to render: after the changes stop for a moment, or after a bounded wait.
//!
//! A GitOps sync applies hundreds of objects within a second or two. Rendering
//! on each would write the ConfigMap hundreds of times and make every gateway
//! reload as often; waiting for a quiet moment renders once. The upper bound
//! keeps a steady trickle of changes (a flapping Secret, a busy namespace)
//! from postponing the render forever.
//!
//! Pure: the caller passes the clock in.

use std::time::Duration;

use tokio::time::Instant;

/// Collects change notifications and says when the next render is due.
#[derive(Clone, Debug)]
pub struct Debounce {
    quiet: Duration,
    max_delay: Duration,
    pending: Option<Pending>,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    first: Instant,
    last: Instant,
}

impl Debounce {
    /// Renders once no change arrived for `quiet`, and at the latest `max_delay`
    /// after the first change not yet rendered.
    pub fn new(quiet: Duration, max_delay: Duration) -> Self {
        Self {
            quiet,
            max_delay: max_delay.max(quiet),
            pending: None,
        }
    }

    /// Notes a change seen at `now`.
    pub fn changed(&mut self, now: Instant) {
        self.pending = Some(match self.pending {
            Some(pending) => Pending { last: now, ..pending },
            None => Pending {
                first: now,
                last: now,
            },
        });
    }

    /// When the next render is due, if any change is waiting.
    pub fn deadline(&self) -> Option<Instant> {
        self.pending
            .map(|p| (p.last + self.quiet).min(p.first + self.max_delay))
    }

    /// Whether a render is due at `now`; if so the waiting changes count as rendered.
    pub fn take_due(&mut self, now: Instant) -> bool {
        match self.deadline() {
            Some(deadline) if deadline <= now => {
                self.pending = None;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIET: Duration = Duration::from_millis(300);
    const MAX: Duration = Duration::from_secs(3);

    /// Feeds changes at the given offsets (ms) and checks for due renders every
    /// millisecond, as a busy loop would; returns the render times (ms).
    fn simulate(changes_ms: &[u64], until_ms: u64) -> Vec<u64> {
        let start = Instant::now();
        let mut debounce = Debounce::new(QUIET, MAX);
        let mut renders = Vec::new();
        let mut changes = changes_ms.iter().peekable();
        for ms in 0..=until_ms {
            let now = start + Duration::from_millis(ms);
            while changes.next_if(|&&c| c == ms).is_some() {
                debounce.changed(now);
            }
            if debounce.take_due(now) {
                renders.push(ms);
            }
        }
        renders
    }

    #[test]
    fn nothing_is_due_without_a_change() {
        assert!(simulate(&[], 10_000).is_empty());
        assert_eq!(Debounce::new(QUIET, MAX).deadline(), None);
    }

    #[test]
    fn one_change_renders_once_after_the_quiet_period() {
        assert_eq!(simulate(&[100], 10_000), vec![400]);
    }

    #[test]
    fn a_sync_of_500_objects_renders_a_handful_of_times_not_500() {
        // 500 objects applied 4 ms apart: two seconds of changes.
        let changes: Vec<u64> = (0..500).map(|i| i * 4).collect();
        let renders = simulate(&changes, 20_000);
        assert_eq!(renders, vec![2_296], "one render, after the sync went quiet");

        // 500 objects 10 ms apart: five seconds, longer than the upper bound.
        let changes: Vec<u64> = (0..500).map(|i| i * 10).collect();
        let renders = simulate(&changes, 20_000);
        assert_eq!(
            renders,
            vec![3_000, 5_290],
            "capped at MAX while busy, then once at the end"
        );
    }

    #[test]
    fn a_steady_trickle_cannot_postpone_the_render_past_the_upper_bound() {
        let changes: Vec<u64> = (0..1_000).map(|i| i * 100).collect();
        let renders = simulate(&changes, 100_000);
        assert!(
            renders
                .windows(2)
                .all(|w| w[1] - w[0] <= MAX.as_millis() as u64 + QUIET.as_millis() as u64)
        );
        assert_eq!(renders[0], 3_000);
    }

    #[test]
    fn the_upper_bound_is_never_below_the_quiet_period() {
        let mut debounce = Debounce::new(Duration::from_secs(2), Duration::from_secs(1));
        let now = Instant::now();
        debounce.changed(now);
        assert_eq!(debounce.deadline(), Some(now + Duration::from_secs(2)));
    }
}
