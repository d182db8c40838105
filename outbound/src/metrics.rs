//! The outbound calls' metrics, one set per process: each binary registers
//! them in its own registry with [`register`].

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// Labels of an outbound call.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    /// The host called (never the path or query).
    pub host: String,
    /// The final status (`200`, `429`) or what failed (`timeout`, `connect_error`, …).
    pub outcome: String,
}

/// Labels of an outbound call's duration.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HostLabels {
    /// The host called.
    pub host: String,
}

type DurationFamily = Family<HostLabels, Histogram, fn() -> Histogram>;

struct Metrics {
    requests: Family<CallLabels, Counter>,
    duration: DurationFamily,
}

fn duration_histogram() -> Histogram {
    // 10 ms to about 80 s: a fast API to a long wait for `Retry-After`.
    Histogram::new(exponential_buckets(0.01, 2.0, 14))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| Metrics {
    requests: Family::default(),
    duration: Family::new_with_constructor(duration_histogram as fn() -> Histogram),
});

/// Registers `outbound_requests_total{host, outcome}` and
/// `outbound_request_duration_seconds{host}` in `registry`.
pub fn register(registry: &mut Registry) {
    registry.register(
        "outbound_requests",
        "Outbound HTTP calls (retries included) by host and outcome",
        METRICS.requests.clone(),
    );
    registry.register_with_unit(
        "outbound_request_duration",
        "How long outbound HTTP calls took, retries and waits included",
        Unit::Seconds,
        METRICS.duration.clone(),
    );
}

/// The metrics of `registry` in the OpenMetrics text format.
pub fn encode(registry: &Registry) -> String {
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, registry);
    text
}

/// How many calls to `host` ended with `outcome` so far.
pub fn calls(host: &str, outcome: &str) -> u64 {
    METRICS
        .requests
        .get_or_create(&CallLabels {
            host: host.to_owned(),
            outcome: outcome.to_owned(),
        })
        .get()
}

pub(crate) fn record(host: &str, outcome: &str, took: Duration) {
    METRICS
        .requests
        .get_or_create(&CallLabels {
            host: host.to_owned(),
            outcome: outcome.to_owned(),
        })
        .inc();
    METRICS
        .duration
        .get_or_create(&HostLabels {
            host: host.to_owned(),
        })
        .observe(took.as_secs_f64());
}

/// A status as an outcome: its code.
pub(crate) fn status_outcome(status: reqwest::StatusCode) -> String {
    status.as_u16().to_string()
}
