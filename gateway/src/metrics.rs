//! Prometheus metrics of the gateway, served on the admin port at `/metrics`.

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Labels of inbound webhook requests.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The ChatPlatform name (bounded: one per configured platform, or `unknown`).
    pub platform: String,
    /// The endpoint: commands, interactions, events, …
    pub endpoint: String,
    /// accepted, or the reason a request was refused (unsigned, stale, malformed, busy, …).
    pub outcome: String,
}

/// Labels of commands run.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CommandLabels {
    /// The ChatPlatform name.
    pub platform: String,
    /// The command (a configured one, or `unknown`).
    pub command: String,
    /// succeeded, denied, failed, errored, help, cancelled.
    pub outcome: String,
}

/// Labels of calls to the chat platforms' APIs.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutboundLabels {
    /// The ChatPlatform name.
    pub platform: String,
    /// ok, or the error kind.
    pub outcome: String,
}

/// Labels of a listener's connections.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ListenerLabels {
    /// `webhooks` or `admin`.
    pub listener: String,
}

/// Labels of connections the gateway closed.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ClosedLabels {
    /// `webhooks` or `admin`.
    pub listener: String,
    /// header_timeout, idle_timeout, or evicted (to make room at the listener's limit).
    pub reason: String,
}

/// Labels of Slack Socket Mode connections.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SocketLabels {
    /// The ChatPlatform name.
    pub platform: String,
}

/// Labels of Slack Socket Mode connections that ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SocketEndLabels {
    /// The ChatPlatform name.
    pub platform: String,
    /// Slack's `disconnect` reason (warning, refresh_requested,
    /// link_disabled), dropped (the connection failed), open_failed, or
    /// token_refused.
    pub reason: String,
}

/// Every metric the gateway exports.
pub struct Metrics {
    registry: Registry,
    /// Inbound webhook requests by platform, endpoint and outcome.
    pub requests: Family<RequestLabels, Counter>,
    /// Slack Socket Mode connections open now, by platform.
    pub socket_connections: Family<SocketLabels, Gauge>,
    /// Slack Socket Mode connections that ended or could not open, by platform and reason.
    pub socket_ends: Family<SocketEndLabels, Counter>,
    /// Commands by platform, command and outcome.
    pub commands: Family<CommandLabels, Counter>,
    /// How long commands take, from the request to the answer delivered.
    pub command_duration: Family<CommandLabels, Histogram>,
    /// Answers delivered through the platforms' APIs.
    pub outbound: Family<OutboundLabels, Counter>,
    /// Configurations read again because their content changed (or, from
    /// the cluster, because an object changed).
    pub reloads: Counter,
    /// Configuration reloads that failed (the last good configuration kept serving).
    pub reload_failures: Counter,
    /// Connections open now, by listener.
    pub connections: Family<ListenerLabels, Gauge>,
    /// Connections the gateway closed (timeouts, evictions), by listener and reason.
    pub connections_closed: Family<ClosedLabels, Counter>,
    /// Failed accepts (other than a connection reset before it was accepted), by listener.
    pub accept_errors: Family<ListenerLabels, Counter>,
    /// 1 while the shared state (Redis) answers and deduplication and
    /// per-user limits hold across replicas; 0 otherwise, and always 0
    /// without Redis configured (each replica on its own).
    pub shared_state_up: Gauge,
    /// Calls to the shared state answered from the replica's memory
    /// instead: Redis down, slow past its timeout, or not connected yet.
    pub shared_state_fallbacks: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("chatops_gateway");
        let requests = Family::<RequestLabels, Counter>::default();
        let commands = Family::<CommandLabels, Counter>::default();
        let command_duration = Family::<CommandLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0])
        });
        let outbound = Family::<OutboundLabels, Counter>::default();
        let reloads = Counter::default();
        let reload_failures = Counter::default();
        registry.register("webhook_requests", "Inbound webhook requests", requests.clone());
        registry.register("commands", "Commands run", commands.clone());
        registry.register_with_unit(
            "command_duration",
            "Time from request to answer",
            prometheus_client::registry::Unit::Seconds,
            command_duration.clone(),
        );
        registry.register(
            "outbound_calls",
            "Calls to the chat platforms' APIs",
            outbound.clone(),
        );
        registry.register(
            "config_reloads",
            "Configurations read again after their content changed",
            reloads.clone(),
        );
        registry.register(
            "config_reload_failures",
            "Configuration reloads that failed",
            reload_failures.clone(),
        );
        let connections = Family::<ListenerLabels, Gauge>::default();
        let connections_closed = Family::<ClosedLabels, Counter>::default();
        let accept_errors = Family::<ListenerLabels, Counter>::default();
        registry.register("open_connections", "Connections open now", connections.clone());
        registry.register(
            "connections_closed",
            "Connections the gateway closed: timeouts and evictions",
            connections_closed.clone(),
        );
        registry.register("accept_errors", "Failed accepts", accept_errors.clone());
        let socket_connections = Family::<SocketLabels, Gauge>::default();
        let socket_ends = Family::<SocketEndLabels, Counter>::default();
        registry.register(
            "slack_socket_connections",
            "Slack Socket Mode connections open now",
            socket_connections.clone(),
        );
        registry.register(
            "slack_socket_ends",
            "Slack Socket Mode connections that ended or could not open",
            socket_ends.clone(),
        );
        let shared_state_up = Gauge::default();
        let shared_state_fallbacks = Counter::default();
        registry.register(
            "shared_state_up",
            "1 while deduplication and per-user limits are shared between replicas through Redis",
            shared_state_up.clone(),
        );
        registry.register(
            "shared_state_fallbacks",
            "Calls to the shared state answered from the replica's memory instead",
            shared_state_fallbacks.clone(),
        );
        chatops_outbound::metrics::register(&mut registry);
        Metrics {
            shared_state_up,
            shared_state_fallbacks,
            registry,
            requests,
            socket_connections,
            socket_ends,
            commands,
            command_duration,
            outbound,
            reloads,
            reload_failures,
            connections,
            connections_closed,
            accept_errors,
        }
    }
}

impl Metrics {
    /// Counts one inbound request.
    pub fn request(&self, platform: &str, endpoint: &str, outcome: &str) {
        let labels = RequestLabels {
            platform: platform.to_owned(),
            endpoint: endpoint.to_owned(),
            outcome: outcome.to_owned(),
        };
        self.requests.get_or_create(&labels).inc();
    }

    /// Counts a Socket Mode connection of `platform` that ended (or did not open) for `reason`.
    pub fn socket_ended(&self, platform: &str, reason: &str) {
        let labels = SocketEndLabels {
            platform: platform.to_owned(),
            reason: reason.to_owned(),
        };
        self.socket_ends.get_or_create(&labels).inc();
    }

    /// Sets how many Socket Mode connections `platform` has open.
    pub fn socket_open(&self, platform: &str, open: usize) {
        let labels = SocketLabels {
            platform: platform.to_owned(),
        };
        self.socket_connections.get_or_create(&labels).set(open as i64);
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        chatops_outbound::metrics::encode(&self.registry)
    }
}
