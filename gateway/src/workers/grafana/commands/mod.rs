//! `get-<panel>`: one sub-command per declared panel. The options are
//! checked first (no backend needed), then the variables (menus for what is
//! missing), then Grafana is asked whether the user may read the dashboard
//! and whether the panel is in it, and finally for the picture.

pub mod options;
pub mod reply;
mod timespan;
pub mod variables;

use chatops_crds::settings::{GrafanaDashboard, GrafanaPanel, GrafanaSettings};

use self::options::RenderOptions;
use self::reply::Picture;
use self::variables::Resolved;
use super::error::{Failure, GrafanaError};
use super::nautobot::NautobotSources;
use super::session::Session;
use crate::model::Reply;
use crate::workers::toolkit::render::error;

/// What a Grafana Integration serves: its panels and the Nautobots of
/// their variables' choices.
pub struct Served<'a> {
    /// The Integration's settings.
    pub settings: &'a GrafanaSettings,
    /// The Nautobots the variables read.
    pub nautobot: &'a NautobotSources,
}

/// The sub-command of `panel`.
pub fn subcommand(panel: &GrafanaPanel) -> String {
    format!("get-{}", panel.command)
}

/// What people call `panel`: its title, else its command.
pub fn panel_title(panel: &GrafanaPanel) -> &str {
    panel.title.as_deref().unwrap_or(&panel.command)
}

/// What people call `dashboard`: its title, else its UID.
pub fn dashboard_title(dashboard: &GrafanaDashboard) -> &str {
    dashboard.title.as_deref().unwrap_or(&dashboard.uid)
}

/// Runs the session's `get-<panel>`.
pub async fn run(session: &Session<'_>, served: &Served<'_>) -> Result<Reply, Failure> {
    let name = &session.call.invocation.subcommand;
    let found = served.settings.dashboards.iter().find_map(|dashboard| {
        let panel = dashboard.panels.iter().find(|panel| subcommand(panel) == *name)?;
        Some((dashboard, panel))
    });
    // The router runs only sub-commands of the spec, which are the panels.
    let Some((dashboard, panel)) = found else {
        return Ok(error(format!(
            "`{name}` is not a panel of this Grafana integration."
        )));
    };
    let options = match options_of(session, served.settings) {
        Ok(options) => options,
        Err(said) => return Ok(error(said)),
    };
    let variables = match variables::resolve(session, panel, served.nautobot).await? {
        Resolved::Values(values) => values,
        Resolved::Ask(prompt) => return Ok(prompt),
    };
    render(session, served.settings, (dashboard, panel), &variables, &options).await
}

/// The Integration's defaults with the options typed; what is wrong with
/// the first bad one.
fn options_of(session: &Session<'_>, settings: &GrafanaSettings) -> Result<RenderOptions, String> {
    RenderOptions::with(&settings.defaults, &session.call.options()).map_err(|bad| bad.to_string())
}

/// Checks that the user may read the dashboard and that the panel is in it,
/// then renders the panel.
async fn render(
    session: &Session<'_>,
    settings: &GrafanaSettings,
    (dashboard, panel): (&GrafanaDashboard, &GrafanaPanel),
    variables: &[(String, String)],
    options: &RenderOptions,
) -> Result<Reply, Failure> {
    let named = format!("the dashboard {}", dashboard_title(dashboard));
    let model = session.dashboard(&dashboard.uid, &named).await?;
    let Some(found) = model.panel(u64::from(panel.id)) else {
        return Err(GrafanaError::NotFound {
            object: format!("panel {} of {named}", panel.id),
        }
        .into());
    };
    let mut query = vec![
        ("orgId".to_owned(), settings.org_id.to_string()),
        ("panelId".to_owned(), panel.id.to_string()),
    ];
    query.extend(
        variables
            .iter()
            .map(|(name, value)| (format!("var-{name}"), value.clone())),
    );
    query.extend(options.query());
    let uid_slug = (dashboard.uid.as_str(), dashboard.slug.as_str());
    let png = session.render(uid_slug, &query, &named).await?;
    let panel_title = panel.title.as_deref().unwrap_or(if found.title.is_empty() {
        &panel.command
    } else {
        &found.title
    });
    let dashboard_title = dashboard.title.as_deref().unwrap_or(if model.title.is_empty() {
        &dashboard.uid
    } else {
        &model.title
    });
    Ok(reply::picture(Picture {
        command: &panel.command,
        panel: panel_title,
        dashboard: dashboard_title,
        variables,
        options,
        link: reply::link(session.web_url(), uid_slug, &query),
        png,
    }))
}
