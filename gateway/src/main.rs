//! `chatops-gateway`: serves the chat platforms' webhooks.
//!
//! `--manifests DIR` compiles a directory of resource manifests in process
//! (standalone, no cluster); `--config DIR` reads the operator's rendered
//! ConfigMap and Secret mounted under `DIR/config` and `DIR/secrets`;
//! `--config-from-cluster NAME` watches that ConfigMap and Secret through the
//! Kubernetes API. All three reload on change.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use chatops_gateway::server::{
    follow_ups::FollowUpRunner,
    forwarded::TrustedProxies,
    listener,
    slots::{CommandSlots, SlotLimits},
};
use chatops_gateway::{
    config::{ConfigSource, FailureLog, Reloader, report, watch, watch_cluster},
    metrics::Metrics,
    platforms::teams::{
        self, app_package,
        keys::{KeySettings, KeyStore},
        package_input::{Publisher, commands_left_out, package_input},
    },
    platforms::webex::register,
    runtime::{Outbound, PlatformKind, Runtime},
    server::{
        self, App, DEFAULT_REPLAY_CAPACITY, RefusalLog, ReplayGuard, shutdown::Shutdown, socket::SocketStates,
    },
    shared::{Health, RedisStore, Shared, SharedState},
};
use chatops_outbound::{ClientSettings, user_agent};
use chatops_process::LogFormat;
use clap::{ArgGroup, Parser};
use tokio::{net::TcpListener, sync::Semaphore};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

#[derive(Parser)]
#[command(
    version,
    about = "Kubernetes-native ChatOps gateway: chat webhooks in, integrations out",
    group(ArgGroup::new("source").required(true).args(["manifests", "config", "config_from_cluster"]))
)]
struct Args {
    /// Serve a directory of ChatPlatform, AccessGrant, AccountLink, Integration and Secret manifests.
    #[arg(long, value_name = "DIR")]
    manifests: Option<PathBuf>,
    /// Serve the operator's rendered configuration, mounted as DIR/config and DIR/secrets.
    #[arg(long, value_name = "DIR")]
    config: Option<PathBuf>,
    /// Serve the operator's rendered ConfigMap and Secret named NAME, watched through the
    /// Kubernetes API (needs get, list and watch on exactly those two objects).
    #[arg(long, value_name = "NAME")]
    config_from_cluster: Option<String>,
    /// With --manifests, the namespace for manifests that name none (default `default`);
    /// with --config-from-cluster, the namespace of the ConfigMap and Secret (default the
    /// pod's own, or the kubeconfig context's).
    #[arg(long)]
    namespace: Option<String>,
    /// Address of the webhook server.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// Address of /healthz, /readyz and /metrics.
    #[arg(long, default_value = "0.0.0.0:9090")]
    admin_listen: SocketAddr,
    /// Base URL of the Slack Web API.
    #[arg(long, env = "CHATOPS_SLACK_API_URL", default_value = "https://slack.com/api")]
    slack_api_url: String,
    /// Base URL of the Webex REST API.
    #[arg(
        long,
        env = "CHATOPS_WEBEX_API_URL",
        default_value = "https://webexapis.com/v1"
    )]
    webex_api_url: String,
    /// Base URL of the Microsoft identity platform, where Teams bots get their
    /// Bot Connector tokens (`{URL}/{tenant}/oauth2/v2.0/token`).
    #[arg(
        long,
        env = "CHATOPS_TEAMS_LOGIN_URL",
        default_value = teams::token::DEFAULT_LOGIN_URL
    )]
    teams_login_url: String,
    /// The Bot Framework's OpenID metadata, whose `jwks_uri` lists the keys
    /// that sign inbound Teams activities.
    #[arg(
        long,
        env = "CHATOPS_TEAMS_OPENID_METADATA_URL",
        default_value = teams::verify::BOT_FRAMEWORK_OPENID_METADATA_URL
    )]
    teams_openid_metadata_url: String,
    /// Teams signing keys are fetched again when a token names an unknown key,
    /// at most this often per issuer (and anyway once a day).
    #[arg(long, default_value_t = 60)]
    teams_key_refetch_seconds: u64,
    /// The gateway's base URL as the chat servers reach it (e.g.
    /// `https://chatops.example.com`), for prompts that name the URL they call
    /// back (Mattermost's buttons, menus and dialogs). Unset: the scheme
    /// (`X-Forwarded-Proto`, else http) and host (`X-Forwarded-Host`, else
    /// `Host`) of the request being answered, the forwarded headers only from
    /// --trusted-proxies.
    #[arg(long, env = "CHATOPS_PUBLIC_URL")]
    public_url: Option<String>,
    /// Let Slack's and Mattermost's response URLs point to loopback
    /// (127.0.0.0/8, ::1, localhost), over http too: for trying the gateway
    /// on one machine (`scripts/answer-listener`) and for tests. Never in a
    /// cluster, where it would let a request make the gateway call itself.
    #[arg(long)]
    allow_loopback_urls: bool,
    /// Register (create, or update by name) every Webex platform's `messages` and
    /// `attachmentActions` webhooks, pointing at `--public-url` + `/hooks/{name}/events`
    /// and signed with the platform's webhook secret, then exit. With --manifests or --config.
    #[arg(long, requires = "public_url")]
    register_webex_webhooks: bool,
    /// Write the Teams app package (`{name}.zip`: manifest and icons) of every
    /// Teams platform into DIR, for an admin to upload, then exit. With
    /// --manifests or --config; the app's valid domain is --public-url's host.
    #[arg(long, value_name = "DIR", requires = "public_url")]
    write_teams_app_packages: Option<PathBuf>,
    /// The publisher named in Teams app packages.
    #[arg(long, default_value = "chatops-operator")]
    teams_app_developer: String,
    /// The version written in Teams app packages; raise it for each re-upload.
    #[arg(long, default_value = env!("CARGO_PKG_VERSION"))]
    teams_app_version: String,
    /// The support, privacy and terms pages of Teams app packages (https);
    /// default --public-url.
    #[arg(long)]
    teams_app_website_url: Option<String>,
    /// The accent colour of Teams app packages (#RRGGBB).
    #[arg(long, default_value = "#1F6FEB")]
    teams_app_accent_color: String,
    /// Commands running at once; beyond that users are told the gateway is busy.
    /// A sixteenth of them (1 to 8) only the built-in `chatops` command may
    /// use, so that `chatops whoami` and `help` answer when integrations are slow.
    #[arg(long, default_value_t = 64)]
    max_concurrent_commands: usize,
    /// Messages promised for later that may be pending at once (a launched
    /// AWX job's final status); past that, the user is told at once where
    /// to follow it instead.
    #[arg(long, default_value_t = 1000)]
    max_follow_ups: usize,
    /// Commands one chat user may have running at once (prompt answers
    /// included); beyond that they are told they already have that many running.
    #[arg(long, default_value_t = 4)]
    max_commands_per_user: usize,
    /// Commands of one integration (say, every `/nautobot` command) running at
    /// once, so that one slow backend cannot take every slot. Default: half
    /// of --max-concurrent-commands. The built-in `chatops` command has no limit of its own.
    #[arg(long)]
    max_commands_per_integration: Option<usize>,
    /// How long a command may run.
    #[arg(long, default_value_t = 60)]
    command_timeout_seconds: u64,
    /// How many recent deliveries each replay guard remembers at most (Slack
    /// requests, Slack events, Webex events, Mattermost prompts, Teams
    /// activities), each for as long as a replay of it could be accepted.
    /// When one is full, new deliveries get 503 until the oldest leave their
    /// window: none is forgotten early.
    #[arg(long, env = "CHATOPS_REPLAY_CACHE_ENTRIES", default_value_t = DEFAULT_REPLAY_CAPACITY)]
    replay_cache_entries: usize,
    /// A Redis the replicas share (redis://[user:password@]host:port[/db]):
    /// deduplication and per-user limits then hold across replicas. Without
    /// it, each replica keeps them in memory. Read from the environment (the
    /// chart fills it from a Secret): it may carry a password, and is never
    /// logged.
    #[arg(long, env = "CHATOPS_REDIS_URL", hide_env_values = true)]
    redis_url: Option<String>,
    /// The prefix of the gateway's keys in Redis: different for two
    /// installations sharing one Redis.
    #[arg(long, env = "CHATOPS_REDIS_KEY_PREFIX", default_value = "chatops")]
    redis_key_prefix: String,
    /// How long one Redis call may take before the replica answers from its
    /// own memory (and tries to reconnect in the background). Slack wants
    /// an answer within 3 s; a request makes at most a few calls.
    #[arg(long, default_value_t = 250)]
    redis_timeout_ms: u64,
    /// How long to read a webhook request before answering 408.
    #[arg(long, default_value_t = 10)]
    request_timeout_seconds: u64,
    /// How long a connection may take to send a request's headers, from its
    /// accept or, on a kept-alive connection, from the request's first byte;
    /// then it is closed (slow or silent clients cannot hold connections).
    #[arg(long, default_value_t = 10)]
    header_read_timeout_seconds: u64,
    /// How long a kept-alive connection may stay idle between requests. Keep it
    /// above the idle timeout of the proxy in front (nginx, load balancers: often
    /// 60 s), or the proxy may send a webhook on a connection the gateway is closing.
    #[arg(long, default_value_t = 75)]
    idle_timeout_seconds: u64,
    /// Connections the webhook listener keeps open at once. At the limit, a new
    /// connection takes the place of the one idle (or sending its headers) the
    /// longest. Lowered at start to fit the open-file limit (ulimit -n).
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// Connections the admin listener (/healthz, /readyz, /metrics) keeps open
    /// at once, apart from the webhook listener's.
    #[arg(long, default_value_t = 64)]
    admin_max_connections: usize,
    /// Proxies (IP addresses or CIDR blocks, comma-separated) whose
    /// X-Forwarded-Host, X-Forwarded-Proto and Forwarded headers are believed.
    /// From any other peer these headers are removed: without --public-url,
    /// Mattermost prompts then call back the Host the request came to, over http.
    #[arg(long, env = "CHATOPS_TRUSTED_PROXIES", value_name = "CIDR,...")]
    trusted_proxies: Option<TrustedProxies>,
    /// On SIGTERM, how long commands in flight may take to finish. Those still
    /// running then stop, and their users are told the gateway stopped (up to
    /// 5 s more): give the pod a terminationGracePeriodSeconds above this,
    /// plus --request-timeout-seconds, plus those 5 s.
    #[arg(long, default_value_t = 30)]
    shutdown_grace_seconds: u64,
    /// Reload the configuration this often even without a change notification (files only).
    #[arg(long, default_value_t = 30)]
    reload_interval_seconds: u64,
    /// How long a Secret may lag behind its configuration (kubelet updates the
    /// two volumes separately) before the wait is logged as a warning.
    #[arg(long, default_value_t = 60)]
    secret_wait_grace_seconds: u64,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Json)]
    log_format: LogFormat,
}

/// `--register-webex-webhooks`: registers the webhooks of every Webex platform, then returns.
async fn register_webex_webhooks(source: &ConfigSource, outbound: &Outbound) -> anyhow::Result<()> {
    let loaded = source
        .load()
        .context("cannot load the configuration (webhooks are registered from --manifests or --config)")?;
    let public_url = outbound
        .public_url
        .as_deref()
        .context("--public-url is required")?
        .trim_end_matches('/')
        .to_owned();
    let runtime = Runtime::build(loaded, outbound);
    let mut registered = 0;
    for (name, platform) in &runtime.platforms {
        let PlatformKind::Webex {
            webhook_secret,
            dispatcher,
            ..
        } = &platform.kind
        else {
            continue;
        };
        let target = format!("{public_url}/hooks/{name}/events");
        let done = register::register_webhooks(dispatcher.client(), name, &target, webhook_secret)
            .await
            .with_context(|| format!("cannot register the webhooks of {name}"))?;
        for hook in done {
            let action = if hook.created { "created" } else { "updated" };
            tracing::info!(platform = %name, resource = hook.resource, id = %hook.id, target = %target, "webhook {action}");
        }
        registered += 1;
    }
    if registered == 0 {
        anyhow::bail!("no Webex platform is configured (or its credentials are missing)");
    }
    Ok(())
}

/// `--write-teams-app-packages`: writes the app package of every Teams platform, then returns.
fn write_teams_app_packages(
    source: &ConfigSource,
    outbound: &Outbound,
    args: &Args,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let loaded = source
        .load()
        .context("cannot load the configuration (packages are written from --manifests or --config)")?;
    let public_url = args.public_url.clone().context("--public-url is required")?;
    let website = args
        .teams_app_website_url
        .clone()
        .unwrap_or_else(|| public_url.clone());
    let publisher = Publisher {
        developer_name: args.teams_app_developer.clone(),
        website_url: website.clone(),
        privacy_url: website.clone(),
        terms_url: website,
        version: args.teams_app_version.clone(),
        accent_color: args.teams_app_accent_color.clone(),
        public_url: Some(public_url),
    };
    let rejected = loaded.rejected.clone();
    let runtime = Runtime::build(loaded, outbound);
    for sentence in commands_left_out(&runtime.config, &rejected, &runtime.registry) {
        tracing::warn!("{sentence}");
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = 0;
    for (name, platform) in &runtime.platforms {
        let Some(input) = package_input(name, &platform.settings, &runtime.registry, &publisher) else {
            continue;
        };
        let bytes = app_package::package(&input).with_context(|| format!("cannot package {name}"))?;
        let path = dir.join(format!("{name}.zip"));
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        tracing::info!(platform = %name, path = %path.display(), "Teams app package written");
        written += 1;
    }
    if written == 0 {
        anyhow::bail!("no Teams platform is configured (or its credentials are missing)");
    }
    Ok(())
}

/// "Busy" notices (Teams, Webex) sent at once; more are dropped.
const MAX_BUSY_NOTICES: usize = 8;

/// After the shutdown grace period, how long the commands still running get
/// to tell their users that the gateway stopped (one chat API call each).
const ABANDON_NOTICE_TIME: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    chatops_process::init_tracing(args.log_format);
    check_directories(&args)?;

    // The cluster mode needs a client before anything else: the namespace
    // defaults to the pod's own, which the in-cluster configuration knows.
    let (source, client) = match (&args.manifests, &args.config, &args.config_from_cluster) {
        (Some(dir), _, _) => (
            ConfigSource::Manifests {
                dir: dir.clone(),
                namespace: args.namespace.clone().unwrap_or_else(|| "default".to_owned()),
            },
            None,
        ),
        (None, Some(dir), _) => (ConfigSource::Rendered { dir: dir.clone() }, None),
        (None, None, Some(name)) => {
            let client = kube::Client::try_default()
                .await
                .context("cannot configure the Kubernetes client (in-cluster or kubeconfig)")?;
            let namespace = args
                .namespace
                .clone()
                .unwrap_or_else(|| client.default_namespace().to_owned());
            let source = ConfigSource::Cluster {
                namespace,
                name: name.clone(),
            };
            (source, Some(client))
        }
        // clap's argument group requires one of the three; say so rather than panic.
        (None, None, None) => {
            anyhow::bail!("one of --manifests, --config and --config-from-cluster is required")
        }
    };
    // No platform API redirects (the settings' default); a redirect
    // followed from an allowed response URL host could lead anywhere.
    let client_settings = ClientSettings::new(user_agent("chatops-gateway", env!("CARGO_PKG_VERSION")))
        .with_timeout(Duration::from_secs(15));
    let outbound = Outbound {
        http: client_settings.build().context("cannot build the HTTP client")?,
        // Socket Mode's WebSockets: HTTP/1.1, the only version that upgrades.
        socket_http: client_settings
            .clone()
            .with_http1_only()
            .build()
            .context("cannot build the HTTP client")?,
        slack_api_url: args.slack_api_url.trim_end_matches('/').to_owned(),
        webex_api_url: args.webex_api_url.trim_end_matches('/').to_owned(),
        public_url: args.public_url.clone(),
        teams_login_url: args.teams_login_url.trim_end_matches('/').to_owned(),
        teams_openid_metadata_url: args.teams_openid_metadata_url.clone(),
        allow_loopback_urls: args.allow_loopback_urls,
    };
    let teams_keys = KeyStore::new(
        outbound.http.clone(),
        KeySettings {
            min_refetch: Duration::from_secs(args.teams_key_refetch_seconds),
            ..KeySettings::default()
        }
        .within_request(request_timeout(&args)),
    );
    if args.register_webex_webhooks {
        return register_webex_webhooks(&source, &outbound).await;
    }
    if let Some(dir) = &args.write_teams_app_packages {
        return write_teams_app_packages(&source, &outbound, &args, dir);
    }
    let reloader = Arc::new(Reloader::new(source, move |loaded| {
        Runtime::build(loaded, &outbound)
    }));
    let metrics = Arc::new(Metrics::default());
    let failure_log =
        FailureLog::default().with_secret_grace(Duration::from_secs(args.secret_wait_grace_seconds));
    match client {
        Some(client) => {
            if let ConfigSource::Cluster { namespace, name } = reloader.source() {
                tracing::info!(%namespace, %name, "watching the ConfigMap and Secret; not ready until both are seen and match");
            }
            tokio::spawn(watch_cluster(
                client,
                reloader.clone(),
                metrics.clone(),
                failure_log,
            ));
        }
        None => {
            // A failure is not fatal: /readyz says so, and the watch picks up a fixed configuration.
            let mut log = failure_log;
            metrics.reloads.inc();
            report(reloader.reload().map(|_| ()), false, &metrics, &mut log);
            tokio::spawn(watch(
                reloader.clone(),
                Duration::from_secs(args.reload_interval_seconds.max(1)),
                metrics.clone(),
                log,
            ));
        }
    }

    let shared = shared_state(&args, &metrics)?;
    let app = Arc::new(App {
        reloader,
        metrics,
        command_slots: CommandSlots::new(SlotLimits::new(
            args.max_concurrent_commands,
            args.max_commands_per_user,
            args.max_commands_per_integration,
        )),
        command_timeout: Duration::from_secs(args.command_timeout_seconds.max(1)),
        tasks: TaskTracker::new(),
        follow_ups: FollowUpRunner::new(args.max_follow_ups),
        busy_notices: Arc::new(Semaphore::new(MAX_BUSY_NOTICES)),
        slack_events: ReplayGuard::new(args.replay_cache_entries),
        slack_requests: ReplayGuard::new(args.replay_cache_entries),
        mattermost_prompts: ReplayGuard::new(args.replay_cache_entries),
        webex_events: ReplayGuard::new(args.replay_cache_entries),
        teams_activities: ReplayGuard::new(args.replay_cache_entries),
        teams_keys,
        refusals: RefusalLog::default(),
        sockets: SocketStates::default(),
        shared,
        shutdown: Shutdown::default(),
    });

    let webhooks = bind("--listen", args.listen).await?;
    let admin = bind("--admin-listen", args.admin_listen).await?;
    tracing::info!(webhooks = %webhooks.local_addr()?, admin = %admin.local_addr()?, "listening");

    let (webhook_settings, admin_settings) = listener::settings(listener::Limits {
        timeouts: listener::timeouts(args.header_read_timeout_seconds, args.idle_timeout_seconds),
        max_connections: args.max_connections,
        admin_max_connections: args.admin_max_connections,
        trusted_proxies: args.trusted_proxies.clone().unwrap_or_default(),
        command_slots: args.max_concurrent_commands,
    });
    // The admin listener serves until the process exits: /healthz answers
    // while commands in flight finish.
    tokio::spawn(listener::serve(
        admin,
        server::admin_router(app.clone()),
        admin_settings,
        app.metrics.clone(),
        CancellationToken::new(),
    ));
    // The signal starts the drain: the listener and the Socket Mode
    // connections stop on the same token that turns /readyz not ready.
    tokio::spawn({
        let app = app.clone();
        async move {
            shutdown_signal().await;
            app.shutdown.drain();
        }
    });
    let shutdown = app.shutdown.draining();
    // Slack platforms in Socket Mode: connections out, held until shutdown.
    tokio::spawn(server::socket::serve(app.clone(), shutdown.clone()));
    let request_timeout = request_timeout(&args);
    listener::serve(
        webhooks,
        server::webhook_router(app.clone(), request_timeout),
        webhook_settings,
        app.metrics.clone(),
        shutdown,
    )
    .await;

    // No new requests now; let the commands in flight answer, for a bounded
    // time, and the follow-ups say that they stop following.
    app.follow_ups.stop();
    app.tasks.close();
    let grace = Duration::from_secs(args.shutdown_grace_seconds);
    if tokio::time::timeout(grace, app.tasks.wait()).await.is_err() {
        tracing::warn!(
            remaining = app.tasks.len(),
            "shutdown grace period over; abandoning commands in flight"
        );
        // Each command still running tells its user the gateway stopped;
        // those notices get a few seconds of their own (the chart's
        // terminationGracePeriodSeconds leaves room for them).
        app.shutdown.abandon();
        if tokio::time::timeout(ABANDON_NOTICE_TIME, app.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                remaining = app.tasks.len(),
                "could not tell every abandoned command's user in time"
            );
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Binds the listener of `flag`, naming the flag when the address cannot be had
/// (in use, not local, not allowed), since that is what the user changes.
async fn bind(flag: &str, addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|err| {
        let hint = if err.kind() == std::io::ErrorKind::AddrInUse {
            format!("; another process listens there: stop it, or give {flag} another address")
        } else {
            String::new()
        };
        anyhow::anyhow!("cannot listen on {addr} ({flag}): {err}{hint}")
    })
}

/// Refuses a configuration directory that is not there: serving nothing,
/// not ready, while the user waits for a typo to answer helps no one. (A
/// directory that goes away later is a reload failure, not this.)
fn check_directories(args: &Args) -> anyhow::Result<()> {
    for (flag, dir) in [("--manifests", &args.manifests), ("--config", &args.config)] {
        let Some(dir) = dir else { continue };
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => anyhow::bail!("{flag} {}: not a directory", dir.display()),
            Err(err) => anyhow::bail!("{flag} {}: {err}", dir.display()),
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    chatops_process::shutdown_signal().await;
    tracing::info!("shutting down: no new requests, finishing commands in flight");
}

/// The shared state: memory without `--redis-url`; with it, a Redis kept
/// connected in the background (the process starts and serves even while
/// Redis does not answer). An invalid URL stops the start, without
/// repeating the URL: it may carry a password.
fn shared_state(args: &Args, metrics: &Metrics) -> anyhow::Result<SharedState> {
    let Some(url) = args.redis_url.as_deref().filter(|url| !url.trim().is_empty()) else {
        return Ok(SharedState::Memory);
    };
    let health = Health::new(
        metrics.shared_state_up.clone(),
        metrics.shared_state_fallbacks.clone(),
    );
    let timeout = Duration::from_millis(args.redis_timeout_ms.max(1));
    let store = Arc::new(RedisStore::new(url.trim(), timeout, health).context("--redis-url")?);
    tokio::spawn(store.clone().keep_connected());
    tracing::info!(prefix = %args.redis_key_prefix, "shared state: Redis configured");
    let shared = Shared::new(store, &args.redis_key_prefix, replica_name());
    Ok(SharedState::Redis(Arc::new(shared)))
}

/// This process's name in Redis: the pod's host name and a number unique to
/// this start, so that a restarted pod gives back nothing of its predecessor's.
fn replica_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "gateway".to_owned());
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_nanos())
        .unwrap_or_default();
    format!("{host}-{}-{started:x}", std::process::id())
}

/// How long a webhook request may take (`--request-timeout-seconds`, at least 1 s).
fn request_timeout(args: &Args) -> Duration {
    Duration::from_secs(args.request_timeout_seconds.max(1))
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::Args;

    #[test]
    fn the_arguments_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn exactly_one_configuration_source_is_required() {
        let parse = |args: &[&str]| Args::try_parse_from(["chatops-gateway"].iter().chain(args));
        let cluster = parse(&["--config-from-cluster", "chatops-gateway"]).unwrap();
        assert_eq!(cluster.config_from_cluster.as_deref(), Some("chatops-gateway"));
        assert_eq!(cluster.namespace, None, "defaulted from the client, not by clap");
        assert!(parse(&["--manifests", "m"]).is_ok());
        assert!(parse(&["--config", "c"]).is_ok());
        assert!(parse(&[]).is_err());
        assert!(parse(&["--config", "c", "--config-from-cluster", "n"]).is_err());
        assert!(parse(&["--manifests", "m", "--config-from-cluster", "n"]).is_err());
        assert!(parse(&["--manifests", "m", "--config", "c"]).is_err());
    }
}
