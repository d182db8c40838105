//! The `grafana` command's sub-commands, one `get-<panel>` per declared
//! panel, as help, usage and the access grants see them: the asked
//! variables as parameters (optional with a default), then the options.

use chatops_crds::settings::{GrafanaDashboard, GrafanaPanel, GrafanaSettings, PanelVariable};

use super::commands::{dashboard_title, options, panel_title, subcommand};
use crate::commands::{CommandSpec, SubcommandSpec};

/// The spec of a grafana Integration answering to `command` with `settings`.
pub fn spec(command: &str, settings: &GrafanaSettings) -> CommandSpec {
    let spec = CommandSpec::new(command, "Show Grafana panels as pictures");
    settings
        .dashboards
        .iter()
        .flat_map(|dashboard| dashboard.panels.iter().map(move |panel| (dashboard, panel)))
        .fold(spec, |spec, (dashboard, panel)| {
            spec.with(panel_spec(settings, dashboard, panel))
        })
}

fn panel_spec(
    settings: &GrafanaSettings,
    dashboard: &GrafanaDashboard,
    panel: &GrafanaPanel,
) -> SubcommandSpec {
    let doc = format!(
        "Show the panel {} of the dashboard {}",
        panel_title(panel),
        dashboard_title(dashboard)
    );
    let sub = panel.variables.iter().filter(|variable| variable.ask).fold(
        SubcommandSpec::new(subcommand(panel), doc),
        |sub, variable| {
            let doc = variable_doc(variable);
            if variable.default.is_some() {
                sub.optional_param(&variable.name, doc)
            } else {
                sub.param(&variable.name, doc)
            }
        },
    );
    options::docs(&settings.defaults)
        .into_iter()
        .fold(sub, |sub, (name, doc)| sub.option(name, doc))
}

/// "Device: one of nyc-rtr-01, nyc-rtr-02 (default nyc-rtr-01)".
fn variable_doc(variable: &PanelVariable) -> String {
    let title = variable.title.as_deref().unwrap_or(&variable.name);
    let mut doc = match &variable.nautobot {
        Some(source) => format!(
            "{title}: the name of one of Nautobot's {}",
            source.objects.as_str()
        ),
        None if !variable.choices.is_empty() => format!("{title}: one of {}", variable.choices.join(", ")),
        None => title.to_owned(),
    };
    if let Some(default) = &variable.default {
        doc.push_str(&format!(" (default {default})"));
    }
    doc
}
