//! `chatops-operator run`: the operator in a cluster. The binary's edge:
//! flags, logging, the client, the lease, the admin server and shutdown,
//! around [`chatops_operator::controller::run`].

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use chatops_operator::{
    admin::admin_router,
    controller::{self, Health, Settings},
    cycle::{config_map_reference, deployment_reference},
    leader::{Election, Leadership, LeaseSettings},
    lookup::ApiBases,
    render::Target,
};
use chatops_process::LogFormat;
use clap::Args;
use tokio_util::sync::CancellationToken;

/// Flags of `run`. Every one can also be set through its environment variable,
/// which is how the Helm chart passes the pod's own name and namespace.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The operator's own namespace: where the Lease lives, and the default for
    /// --watch-namespace and --gateway-namespace.
    #[arg(long, env = "POD_NAMESPACE", default_value = "default")]
    namespace: String,
    /// This replica's name, its identity in the lease and in Events.
    #[arg(long, env = "POD_NAME")]
    pod_name: Option<String>,
    /// A namespace to watch for chatops.dev resources (repeat for several).
    /// Default: the operator's own namespace.
    #[arg(
        long = "watch-namespace",
        value_name = "NS",
        conflicts_with = "all_namespaces"
    )]
    watch_namespaces: Vec<String>,
    /// Watch every namespace (needs a ClusterRole; see docs/rbac.md).
    #[arg(long)]
    all_namespaces: bool,
    /// Namespace of the gateway's ConfigMap and Secret. Default: the operator's own.
    #[arg(long)]
    gateway_namespace: Option<String>,
    /// Name of the gateway's ConfigMap and Secret.
    #[arg(long, default_value = "chatops-gateway")]
    gateway_name: String,
    /// The operator's Deployment, where "Rendered" Events are recorded; the
    /// gateway's ConfigMap when not given.
    #[arg(long, env = "OPERATOR_DEPLOYMENT")]
    deployment_name: Option<String>,
    /// Serve /healthz, /readyz and /metrics here.
    #[arg(long, default_value = "0.0.0.0:8081")]
    admin_listen: SocketAddr,
    /// Compete for a Lease so that of several replicas only one writes.
    /// Switch off only for a single replica.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    leader_election: bool,
    /// The Lease's name.
    #[arg(long, default_value = "chatops-operator")]
    lease_name: String,
    /// How long the lease lasts without renewal.
    #[arg(long, default_value_t = 15)]
    lease_duration_seconds: u64,
    /// How long before expiry the holder renews it.
    #[arg(long, default_value_t = 5)]
    lease_grace_seconds: u64,
    /// Render once changes stopped for this long.
    #[arg(long, default_value_t = 500)]
    debounce_milliseconds: u64,
    /// Render at the latest this long after the first change not yet rendered.
    #[arg(long, default_value_t = 5)]
    max_delay_seconds: u64,
    /// Render this often without changes (retries what failed).
    #[arg(long, default_value_t = 300)]
    resync_seconds: u64,
    /// Slack's Web API, for email and channel look-ups.
    #[arg(long, default_value = "https://slack.com/api")]
    slack_api_url: String,
    /// Webex's REST API.
    #[arg(long, default_value = "https://webexapis.com")]
    webex_api_url: String,
    /// The Microsoft identity platform (Teams look-ups through Graph).
    #[arg(long, default_value = "https://login.microsoftonline.com")]
    microsoft_login_url: String,
    /// Microsoft Graph.
    #[arg(long, default_value = "https://graph.microsoft.com")]
    microsoft_graph_url: String,
    /// How long to wait for the current cycle to finish on SIGTERM.
    #[arg(long, default_value_t = 10)]
    shutdown_grace_seconds: u64,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Json)]
    log_format: LogFormat,
}

impl RunArgs {
    fn settings(&self) -> Settings {
        let target = Target {
            namespace: self
                .gateway_namespace
                .clone()
                .unwrap_or_else(|| self.namespace.clone()),
            name: self.gateway_name.clone(),
        };
        let namespaces = match (self.all_namespaces, self.watch_namespaces.is_empty()) {
            (true, _) => Vec::new(),
            (false, true) => vec![self.namespace.clone()],
            (false, false) => self.watch_namespaces.clone(),
        };
        Settings {
            namespaces,
            rendered_regarding: match &self.deployment_name {
                Some(deployment) => deployment_reference(&self.namespace, deployment),
                None => config_map_reference(&target),
            },
            target,
            quiet: Duration::from_millis(self.debounce_milliseconds),
            max_delay: Duration::from_secs(self.max_delay_seconds),
            resync: Duration::from_secs(self.resync_seconds.max(1)),
            instance: self.pod_name.clone(),
            lookup_bases: ApiBases {
                slack: self.slack_api_url.clone(),
                webex: self.webex_api_url.clone(),
                microsoft_login: self.microsoft_login_url.clone(),
                microsoft_graph: self.microsoft_graph_url.clone(),
            },
        }
    }
}

/// Runs the operator until SIGTERM or Ctrl-C.
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    chatops_process::init_tracing(args.log_format);
    tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")?
        .block_on(serve(args))
}

async fn serve(args: RunArgs) -> anyhow::Result<()> {
    let settings = args.settings();
    let client = kube::Client::try_default()
        .await
        .context("cannot configure a Kubernetes client (in cluster, or from KUBECONFIG)")?;
    let shutdown = CancellationToken::new();
    let health = Arc::new(Health::default());

    let listener = tokio::net::TcpListener::bind(args.admin_listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.admin_listen))?;
    let admin = axum::serve(listener, admin_router(health.clone()))
        .with_graceful_shutdown(shutdown.clone().cancelled_owned());
    let admin = tokio::spawn(async move { admin.await });

    let election = if args.leader_election {
        let identity = args
            .pod_name
            .clone()
            .unwrap_or_else(|| format!("chatops-operator-{}", std::process::id()));
        let lease = LeaseSettings {
            namespace: args.namespace.clone(),
            name: args.lease_name.clone(),
            identity,
            duration: Duration::from_secs(args.lease_duration_seconds),
            grace: Duration::from_secs(args.lease_grace_seconds),
        };
        Some(
            Election::start(client.clone(), &lease)
                .await
                .context("cannot start leader election")?,
        )
    } else {
        None
    };
    let leadership = election
        .as_ref()
        .map_or_else(Leadership::always, |e| e.leadership.clone());
    tracing::info!(
        namespaces = ?settings.namespaces,
        gateway = %format!("{}/{}", settings.target.namespace, settings.target.name),
        leader_election = args.leader_election,
        "chatops-operator starting"
    );

    // Polled on this task rather than spawned: nothing else runs here, and the
    // controller's future need not be `Send`.
    let controller = controller::run(client, settings, leadership, health, shutdown.clone());
    tokio::pin!(controller);
    let result = tokio::select! {
        _ = shutdown_signal() => {
            shutdown.cancel();
            // The current cycle finishes its writes; then the loop sees the cancel.
            match tokio::time::timeout(Duration::from_secs(args.shutdown_grace_seconds), &mut controller).await {
                Ok(stopped) => stopped.map_err(anyhow::Error::from),
                Err(_) => {
                    tracing::warn!("the current cycle did not finish within the grace period");
                    Ok(())
                }
            }
        }
        stopped = &mut controller => {
            shutdown.cancel();
            stopped.map_err(anyhow::Error::from)
        }
    };
    if let Some(election) = election {
        election.release().await;
    }
    let _ = admin.await;
    tracing::info!("chatops-operator stopped");
    result
}

async fn shutdown_signal() {
    chatops_process::shutdown_signal().await;
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        run: RunArgs,
    }

    fn settings(args: &[&str]) -> Settings {
        Cli::try_parse_from(["run"].iter().chain(args))
            .unwrap()
            .run
            .settings()
    }

    #[test]
    fn by_default_the_operator_watches_and_writes_in_its_own_namespace() {
        let settings = settings(&["--namespace", "chatops"]);
        assert_eq!(settings.namespaces, ["chatops"]);
        assert_eq!(settings.target.namespace, "chatops");
        assert_eq!(settings.rendered_regarding.kind.as_deref(), Some("ConfigMap"));
    }

    #[test]
    fn several_namespaces_or_all_can_be_watched() {
        let several = settings(&[
            "--namespace",
            "chatops",
            "--watch-namespace",
            "a",
            "--watch-namespace",
            "b",
        ]);
        assert_eq!(several.namespaces, ["a", "b"]);
        assert!(settings(&["--all-namespaces"]).namespaces.is_empty());
        assert!(Cli::try_parse_from(["run", "--all-namespaces", "--watch-namespace", "a"]).is_err());
    }

    #[test]
    fn render_events_go_to_the_deployment_when_named() {
        let settings = settings(&["--namespace", "chatops", "--deployment-name", "chatops-operator"]);
        assert_eq!(settings.rendered_regarding.kind.as_deref(), Some("Deployment"));
        assert_eq!(
            settings.rendered_regarding.name.as_deref(),
            Some("chatops-operator")
        );
    }
}
