//! The checks of a `grafana` Integration's panels that its schema cannot
//! make: sub-command names unique across dashboards, and Nautobot choices
//! that point at a nautobot Integration the gateway serves.

use std::collections::{BTreeMap, HashMap};

use crate::{
    Integration, IntegrationType,
    diagnostic::Reason,
    settings::{GrafanaSettings, PanelVariable},
};

/// Why the panels cannot be served when two of them take one sub-command:
/// the gateway could route `get-<command>` to only one.
pub(super) fn duplicate_command(settings: &GrafanaSettings) -> Option<String> {
    let mut first: HashMap<&str, String> = HashMap::new();
    for (d, dashboard) in settings.dashboards.iter().enumerate() {
        for (p, panel) in dashboard.panels.iter().enumerate() {
            let here = format!("spec.grafana.dashboards[{d}].panels[{p}]");
            if let Some(earlier) = first.insert(&panel.command, here.clone()) {
                return Some(format!(
                    "{here}.command {:?} is also the command of {earlier}: each panel needs its own \
                     (it is served as get-{})",
                    panel.command, panel.command
                ));
            }
        }
    }
    None
}

/// Every variable of `settings`, with the path of its field in the resource.
fn variables_mut(settings: &mut GrafanaSettings) -> impl Iterator<Item = (String, &mut PanelVariable)> {
    settings
        .dashboards
        .iter_mut()
        .enumerate()
        .flat_map(|(d, dashboard)| {
            dashboard
                .panels
                .iter_mut()
                .enumerate()
                .flat_map(move |(p, panel)| {
                    panel.variables.iter_mut().enumerate().map(move |(v, variable)| {
                        let path = format!("spec.grafana.dashboards[{d}].panels[{p}].variables[{v}]");
                        (path, variable)
                    })
                })
        })
}

/// Why the nautobot Integration `name` of `namespace` has no command
/// compiled: it does not exist, is of another type, or was rejected.
/// Invalid (a wrong type) needs a change of the resource naming it.
pub(super) fn not_served(namespace: &str, name: &str, all: &[Integration]) -> (Reason, String) {
    let named = all.iter().find(|i| {
        i.metadata.namespace.as_deref().unwrap_or_default() == namespace
            && i.metadata.name.as_deref() == Some(name)
    });
    match named {
        None => (
            Reason::IntegrationNotFound,
            format!("there is no Integration {namespace}/{name}"),
        ),
        Some(other) if other.spec.integration_type != IntegrationType::Nautobot => (
            Reason::Invalid,
            format!(
                "Integration {namespace}/{name} is of type {}, not nautobot",
                other.spec.integration_type
            ),
        ),
        Some(_) => (
            Reason::IntegrationNotFound,
            format!("the nautobot Integration {namespace}/{name} is not ready (see its status)"),
        ),
    }
}

/// `settings` with each variable's `nautobot.integration` (a nautobot
/// Integration's name in `namespace`) replaced by the command that
/// Integration answers to, as the gateway's worker needs it. `served` holds
/// the command of every nautobot Integration compiled, by `(namespace,
/// name)`; `all` are every Integration, to say why a name is not served.
pub(super) fn resolve_nautobot(
    settings: &GrafanaSettings,
    namespace: &str,
    served: &HashMap<(String, String), String>,
    all: &[Integration],
) -> Result<GrafanaSettings, (Reason, String)> {
    let mut resolved = settings.clone();
    // The first field naming each Integration that cannot be used, and why.
    let mut problems: BTreeMap<String, (String, Reason, String)> = BTreeMap::new();
    for (path, variable) in variables_mut(&mut resolved) {
        let Some(choices) = variable.nautobot.as_mut() else {
            continue;
        };
        let name = choices.integration.clone();
        if let Some(command) = served.get(&(namespace.to_owned(), name.clone())) {
            choices.integration = command.clone();
            continue;
        }
        if problems.contains_key(&name) {
            continue;
        }
        let (reason, why) = not_served(namespace, &name, all);
        problems.insert(name, (path, reason, why));
    }
    if problems.is_empty() {
        return Ok(resolved);
    }
    // Invalid (a wrong type) outranks not found: it needs a change of this resource.
    let reason = if problems.values().any(|(_, r, _)| *r == Reason::Invalid) {
        Reason::Invalid
    } else {
        Reason::IntegrationNotFound
    };
    let message = problems
        .into_values()
        .map(|(path, _, why)| format!("{path}.nautobot.integration: {why}"))
        .collect::<Vec<_>>()
        .join("; ");
    Err((reason, message))
}
