//! `chatops-operator grafana-panels`: reads a live Grafana and writes the
//! `spec.grafana` declaration of its panels (or a whole Integration), so that
//! the panels a chat command serves are declared in git rather than synced
//! into a database as the original app does.
//!
//! [`declare`] reads the dashboards (`/api/search`, `/api/dashboards/uid/…`);
//! [`settings_yaml`] and [`integration_yaml`] write the result, checked
//! against the Integration CRD's schema and CEL rules first, so that what is
//! printed applies.

mod api;
pub mod commands;
mod declare;
mod error;
mod output;

use std::path::Path;

use chatops_crds::settings::{GrafanaSettings, RenderDefaults};
use chatops_outbound::Secret;

pub use error::GrafanaPanelsError;
pub use output::{Target, integration_yaml, secret_ref, settings_yaml};

/// How many dashboards one search page asks for (Grafana's own default).
pub const DEFAULT_PAGE_SIZE: usize = 1000;

/// Where the dashboards are read, and which.
pub struct Source {
    /// Grafana's root URL.
    pub url: String,
    /// A service account token that reads the dashboards.
    pub token: Secret,
    /// The organization (`X-Grafana-Org-Id`); when `None`, the token's own,
    /// as `/api/org` says.
    pub org_id: Option<u32>,
    /// These dashboards, by UID, in this order; every dashboard the token
    /// may read when empty.
    pub dashboards: Vec<String>,
    /// Only dashboards in these folders (by UID), when reading every dashboard.
    pub folders: Vec<String>,
    /// Dashboards per search page.
    pub page_size: usize,
}

/// The declaration, and what was left out of it and why.
#[derive(Debug)]
pub struct Declaration {
    /// `spec.grafana`.
    pub settings: GrafanaSettings,
    /// One line per thing left out or changed to fit the schema.
    pub warnings: Vec<String>,
}

/// The service account token: the file's content when `file` is given,
/// else `env` (`GRAFANA_TOKEN`), trimmed. Never a command-line value, which
/// would end up in shell history and in the process list.
pub fn token(file: Option<&Path>, env: Option<String>) -> Result<Secret, GrafanaPanelsError> {
    let raw = match (file, env) {
        (Some(path), _) => std::fs::read_to_string(path)
            .map_err(|err| GrafanaPanelsError::TokenFile(path.to_owned(), err))?,
        (None, Some(value)) => value,
        (None, None) => return Err(GrafanaPanelsError::NoToken),
    };
    let token = raw.trim();
    if token.is_empty() {
        return Err(GrafanaPanelsError::EmptyToken);
    }
    Ok(Secret::new(token))
}

/// Reads the dashboards of `source` and declares their panels.
pub async fn declare(source: &Source) -> Result<Declaration, GrafanaPanelsError> {
    let grafana = api::Grafana::new(&source.url, source.token.clone(), source.org_id)?;
    let org_id = match source.org_id {
        Some(id) => id,
        None => grafana.org_id().await?,
    };
    let uids: Vec<String> = if source.dashboards.is_empty() {
        grafana.search(&source.folders, source.page_size.max(1)).await?
    } else {
        let mut uids = source.dashboards.clone();
        let mut seen = std::collections::HashSet::new();
        uids.retain(|uid| seen.insert(uid.clone()));
        uids
    };

    let mut commands = commands::Commands::default();
    let mut warnings = Vec::new();
    let mut dashboards = Vec::new();
    for uid in &uids {
        if dashboards.len() == declare::MAX_DASHBOARDS {
            warnings.push(format!(
                "only the first {} dashboards with panels are declared (the most an Integration takes); \
                 name others with --dashboard in a second Integration",
                declare::MAX_DASHBOARDS
            ));
            break;
        }
        if !valid_uid(uid) {
            warnings.push(format!(
                "dashboard UID {uid:?} is not one the Integration takes; left out"
            ));
            continue;
        }
        let answer = grafana.dashboard(uid).await?;
        if let Some(dashboard) = declare::dashboard(uid, &answer, &mut commands, &mut warnings) {
            dashboards.push(dashboard);
        }
    }
    if dashboards.is_empty() {
        let hint = if source.dashboards.is_empty() {
            " (the token may read none in the folders asked, or they have no panels)"
        } else {
            ""
        };
        return Err(GrafanaPanelsError::Nothing(hint));
    }
    Ok(Declaration {
        settings: GrafanaSettings {
            org_id,
            defaults: RenderDefaults::default(),
            dashboards,
        },
        warnings,
    })
}

/// Whether the schema takes `uid` as a dashboard UID.
fn valid_uid(uid: &str) -> bool {
    (1..=40).contains(&uid.len())
        && uid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
