//! Prometheus metrics of the operator, served on the admin port at `/metrics`.

use chatops_crds::{Diagnostic, Kind};
use chatops_outbound::metrics::encode;
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::{Registry, Unit},
};

/// Labels of the objects gauge.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ObjectLabels {
    /// ChatPlatform, AccessGrant, AccountLink or Integration.
    pub kind: String,
    /// `true` or `false`: the `Ready` condition.
    pub ready: String,
}

/// Labels of failed cycles.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FailureLabels {
    /// read, apply, render.
    pub stage: String,
}

/// Labels of failed writes.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WriteLabels {
    /// read, secret, config_map, status, event.
    pub write: String,
}

/// Every metric the operator exports.
pub struct Metrics {
    registry: Registry,
    /// Render cycles run (each compiles everything).
    pub reconciles: Counter,
    /// Cycles that failed, by stage.
    pub failures: Family<FailureLabels, Counter>,
    /// How long a cycle takes, from snapshot to the last write.
    pub render_duration: Histogram,
    /// New configurations applied (cycles with nothing new apply nothing).
    pub applies: Counter,
    /// Objects by kind and readiness after the last cycle.
    pub objects: Family<ObjectLabels, Gauge>,
    /// 1 while this replica holds the lease.
    pub leader: Gauge,
    /// Errors of the watches (each retried with backoff).
    pub watch_errors: Counter,
    /// Watches failing now (as `/readyz` last saw them).
    pub watches_failing: Gauge,
    /// Failed writes (and reads), by what was written; each retried with its own backoff.
    pub write_failures: Family<WriteLabels, Counter>,
    /// Operations failing now, waiting for their retry.
    pub failing_writes: Gauge,
}

/// Registers each named field of `metrics` in `registry`: the field, the
/// metric's name (the registry adds its prefix, and `_total` to counters),
/// its help.
macro_rules! register {
    ($registry:ident, $metrics:ident, $($field:ident: $name:literal, $help:literal;)+) => {
        $( $registry.register($name, $help, $metrics.$field.clone()); )+
    };
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("chatops_operator");
        chatops_outbound::metrics::register(&mut registry);
        let metrics = Metrics {
            reconciles: Counter::default(),
            failures: Family::default(),
            render_duration: Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            applies: Counter::default(),
            objects: Family::default(),
            leader: Gauge::default(),
            watch_errors: Counter::default(),
            watches_failing: Gauge::default(),
            write_failures: Family::default(),
            failing_writes: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register_with_unit(
            "render_duration",
            "Time of one render cycle",
            Unit::Seconds,
            metrics.render_duration.clone(),
        );
        register!(registry, metrics,
            reconciles: "reconciles", "Render cycles run";
            failures: "reconcile_failures", "Render cycles that failed";
            applies: "applies", "New gateway configurations applied";
            objects: "objects", "Resources by kind and readiness";
            leader: "leader", "1 while this replica holds the lease";
            watch_errors: "watch_errors", "Watch errors (retried with backoff)";
            watches_failing: "watches_failing", "Watches failing now";
            write_failures: "write_failures", "Failed writes by what was written (retried with backoff)";
            failing_writes: "failing_writes", "Writes failing now, waiting for a retry";
        );
        Metrics { registry, ..metrics }
    }
}

impl Metrics {
    /// Sets the objects gauge from a cycle's verdicts; kinds with none read 0.
    pub fn count_objects(&self, diagnostics: &[Diagnostic]) {
        for kind in Kind::ALL {
            for ready in [true, false] {
                let count = diagnostics
                    .iter()
                    .filter(|d| d.object.kind == kind && d.ready == ready)
                    .count();
                let labels = ObjectLabels {
                    kind: kind.as_str().to_owned(),
                    ready: ready.to_string(),
                };
                self.objects.get_or_create(&labels).set(count as i64);
            }
        }
    }

    /// Counts a failed cycle at `stage`.
    pub fn failed(&self, stage: &str) {
        let labels = FailureLabels {
            stage: stage.to_owned(),
        };
        self.failures.get_or_create(&labels).inc();
    }

    /// Counts a failed write of `write` (a [`crate::cycle::Operation::label`]).
    pub fn write_failed(&self, write: &str) {
        let labels = WriteLabels {
            write: write.to_owned(),
        };
        self.write_failures.get_or_create(&labels).inc();
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        encode(&self.registry)
    }
}

#[cfg(test)]
mod tests {
    use chatops_crds::{ObjectKey, Reason};

    use super::*;

    #[test]
    fn objects_are_counted_by_kind_and_readiness() {
        let metrics = Metrics::default();
        let grant = |name: &str| ObjectKey::new(Kind::AccessGrant, "chatops", name);
        metrics.count_objects(&[
            Diagnostic::accepted(grant("a"), Some(1), "ok"),
            Diagnostic::accepted(grant("b"), Some(1), "ok"),
            Diagnostic::rejected(grant("c"), Some(1), Reason::PlatformNotFound, "no"),
        ]);
        metrics.reconciles.inc();
        metrics.failed("apply");
        metrics.write_failed("status");
        let text = metrics.encode();
        assert!(
            text.contains(r#"chatops_operator_objects{kind="AccessGrant",ready="true"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"chatops_operator_objects{kind="AccessGrant",ready="false"} 1"#));
        assert!(text.contains(r#"chatops_operator_objects{kind="Integration",ready="true"} 0"#));
        assert!(text.contains("chatops_operator_reconciles_total 1"));
        assert!(text.contains(r#"chatops_operator_reconcile_failures_total{stage="apply"} 1"#));
        assert!(text.contains("chatops_operator_render_duration_seconds_bucket"));
        assert!(
            text.contains(r#"chatops_operator_write_failures_total{write="status"} 1"#),
            "{text}"
        );
    }
}
