//! The `grafana-panels` command line: arguments in, [`grafana_panels`] run,
//! the YAML on stdout and what was left out on stderr.

use std::path::PathBuf;

use anyhow::Context;
use chatops_operator::grafana_panels::{self, DEFAULT_PAGE_SIZE, Source, Target};

/// `chatops-operator grafana-panels`.
#[derive(clap::Args)]
pub struct GrafanaPanelsArgs {
    /// Grafana's root URL, e.g. https://grafana.example.com.
    #[arg(long)]
    url: String,
    /// A file holding a service account token that reads the dashboards (Viewer is
    /// enough). Without it, the token is read from the GRAFANA_TOKEN variable; it is
    /// never taken as an argument, which would leave it in shell history.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// Declare this dashboard (by UID); repeat for more. Default: every dashboard the
    /// token may read.
    #[arg(long = "dashboard", value_name = "UID")]
    dashboards: Vec<String>,
    /// Only dashboards in this folder (by UID); repeat for more.
    #[arg(long = "folder", value_name = "UID", conflicts_with = "dashboards")]
    folders: Vec<String>,
    /// The Grafana organization to read (and to declare as spec.grafana.orgId).
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(u32).range(1..))]
    org_id: Option<u32>,
    /// Print a whole Integration of this name instead of spec.grafana alone.
    #[arg(long, value_name = "NAME", requires = "token_secret")]
    integration: Option<String>,
    /// The Integration's namespace.
    #[arg(long, value_name = "NS", requires = "integration")]
    namespace: Option<String>,
    /// The URL the gateway reaches Grafana at; --url when not given.
    #[arg(long, value_name = "URL", requires = "integration")]
    endpoint: Option<String>,
    /// The chat command the Integration answers to; `grafana` when not given.
    #[arg(long, value_name = "COMMAND", requires = "integration")]
    command: Option<String>,
    /// The Secret and key (NAME/KEY) holding the gateway's Grafana token.
    #[arg(long, value_name = "NAME/KEY", requires = "integration")]
    token_secret: Option<String>,
}

/// Runs the command: the declaration on stdout, warnings on stderr.
pub fn run(args: GrafanaPanelsArgs) -> anyhow::Result<()> {
    let token = grafana_panels::token(args.token_file.as_deref(), std::env::var("GRAFANA_TOKEN").ok())?;
    let target = match (&args.integration, &args.token_secret) {
        (Some(name), Some(secret)) => Some(Target {
            name: name.clone(),
            namespace: args.namespace.clone(),
            command: args.command.clone(),
            endpoint: args.endpoint.clone().unwrap_or_else(|| args.url.clone()),
            token_secret: grafana_panels::secret_ref(secret)?,
        }),
        _ => None,
    };
    let source = Source {
        url: args.url,
        token,
        org_id: args.org_id,
        dashboards: args.dashboards,
        folders: args.folders,
        page_size: DEFAULT_PAGE_SIZE,
    };
    let declaration = tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")?
        .block_on(grafana_panels::declare(&source))?;
    for warning in &declaration.warnings {
        eprintln!("warning: {warning}");
    }
    let yaml = match &target {
        Some(target) => grafana_panels::integration_yaml(&declaration.settings, target)?,
        None => grafana_panels::settings_yaml(&declaration.settings)?,
    };
    print!("{yaml}");
    let panels: usize = declaration
        .settings
        .dashboards
        .iter()
        .map(|d| d.panels.len())
        .sum();
    eprintln!(
        "declared {panels} panels of {} dashboards",
        declaration.settings.dashboards.len()
    );
    Ok(())
}
