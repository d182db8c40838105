//! `chatops-gateway`: serves the chat platforms' webhooks.
//!
//! `--manifests DIR` compiles a directory of resource manifests in process
//! (standalone, no cluster); `--config DIR` reads the operator's rendered
//! ConfigMap and Secret mounted under `DIR/config` and `DIR/secrets`. Both
//! reload on change.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use chatops_gateway::{
    config::{ConfigSource, Reloader, watch},
    metrics::Metrics,
    platforms::slack::dedupe::EventDeduper,
    runtime::{Outbound, Runtime},
    server::{self, App},
};
use clap::{Parser, ValueEnum};
use tokio::{net::TcpListener, sync::Semaphore};
use tokio_util::task::TaskTracker;

#[derive(Parser)]
#[command(
    version,
    about = "Kubernetes-native ChatOps gateway: chat webhooks in, integrations out"
)]
struct Args {
    /// Serve a directory of ChatPlatform, AccessGrant, AccountLink, Integration and Secret manifests.
    #[arg(long, required_unless_present = "config", conflicts_with = "config")]
    manifests: Option<PathBuf>,
    /// Serve the operator's rendered configuration, mounted as DIR/config and DIR/secrets.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Namespace for manifests that name none (with --manifests).
    #[arg(long, default_value = "default")]
    namespace: String,
    /// Address of the webhook server.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// Address of /healthz, /readyz and /metrics.
    #[arg(long, default_value = "0.0.0.0:9090")]
    admin_listen: SocketAddr,
    /// Base URL of the Slack Web API.
    #[arg(long, env = "CHATOPS_SLACK_API_URL", default_value = "https://slack.com/api")]
    slack_api_url: String,
    /// Commands running at once; beyond that users are told the gateway is busy.
    #[arg(long, default_value_t = 64)]
    max_concurrent_commands: usize,
    /// How long a command may run.
    #[arg(long, default_value_t = 60)]
    command_timeout_seconds: u64,
    /// How long to read a webhook request before answering 408.
    #[arg(long, default_value_t = 10)]
    request_timeout_seconds: u64,
    /// On SIGTERM, how long commands in flight may take to finish.
    #[arg(long, default_value_t = 30)]
    shutdown_grace_seconds: u64,
    /// Reload the configuration this often even without a change notification.
    #[arg(long, default_value_t = 30)]
    reload_interval_seconds: u64,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Json)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    init_tracing(args.log_format);

    let source = match (&args.manifests, &args.config) {
        (Some(dir), _) => ConfigSource::Manifests {
            dir: dir.clone(),
            namespace: args.namespace.clone(),
        },
        (None, Some(dir)) => ConfigSource::Rendered { dir: dir.clone() },
        (None, None) => unreachable!("clap requires one of --manifests and --config"),
    };
    let outbound = Outbound {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("chatops-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot build the HTTP client")?,
        slack_api_url: args.slack_api_url.trim_end_matches('/').to_owned(),
    };
    let reloader = Arc::new(Reloader::new(source, move |loaded| {
        Runtime::build(loaded, &outbound)
    }));
    if let Err(err) = reloader.reload() {
        // Not fatal: /readyz says so, and the watch picks up a fixed configuration.
        tracing::error!(error = %err, "no configuration loaded; not ready until one loads");
    }
    let metrics = Arc::new(Metrics::default());
    tokio::spawn(watch(
        reloader.clone(),
        Duration::from_secs(args.reload_interval_seconds.max(1)),
        metrics.clone(),
    ));

    let app = Arc::new(App {
        reloader,
        metrics,
        command_slots: Arc::new(Semaphore::new(args.max_concurrent_commands.max(1))),
        command_timeout: Duration::from_secs(args.command_timeout_seconds.max(1)),
        tasks: TaskTracker::new(),
        slack_events: EventDeduper::default(),
    });

    let webhooks = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let admin = TcpListener::bind(args.admin_listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.admin_listen))?;
    tracing::info!(webhooks = %webhooks.local_addr()?, admin = %admin.local_addr()?, "listening");

    let admin_server = axum::serve(admin, server::admin_router(app.clone()));
    tokio::spawn(async move { admin_server.await });
    let request_timeout = Duration::from_secs(args.request_timeout_seconds.max(1));
    axum::serve(webhooks, server::webhook_router(app.clone(), request_timeout))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the webhook server failed")?;

    // No new requests now; let the commands in flight answer, for a bounded time.
    app.tasks.close();
    let grace = Duration::from_secs(args.shutdown_grace_seconds);
    if tokio::time::timeout(grace, app.tasks.wait()).await.is_err() {
        tracing::warn!(
            remaining = app.tasks.len(),
            "shutdown grace period over; abandoning commands in flight"
        );
    }
    tracing::info!("stopped");
    Ok(())
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).init(),
        LogFormat::Text => builder.init(),
    }
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: no new requests, finishing commands in flight");
}
