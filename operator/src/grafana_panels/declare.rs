//! A dashboard as Grafana's API gives it (`/api/dashboards/uid/{uid}`) made
//! into the `spec.grafana` declaration of its panels: pure, no I/O.
//!
//! Whatever the dashboard holds, the result stays within the Integration's
//! schema: a field too long is cut, and what cannot be declared (a variable
//! with an odd name, panels beyond the schema's count) is left out with a
//! warning, so that the output always applies.

use chatops_crds::settings::{GrafanaDashboard, GrafanaPanel, PanelVariable};
use serde_json::Value;

use super::commands::{Commands, slugify};

/// The most dashboards `spec.grafana.dashboards` takes.
pub const MAX_DASHBOARDS: usize = 50;
/// The most panels one dashboard takes.
pub const MAX_PANELS: usize = 50;
/// The most variables one panel takes.
const MAX_VARIABLES: usize = 20;
/// The most choices one variable takes.
const MAX_CHOICES: usize = 100;
/// The longest title of a dashboard or panel, choice or default.
const MAX_TEXT: usize = 200;
/// The longest title of a variable.
const MAX_VARIABLE_TITLE: usize = 100;
/// Grafana's value for "All" of a variable that includes it.
const ALL: &str = "$__all";

/// `text` cut to at most `max` bytes, at a character boundary.
fn cut(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// A non-empty string field of `value`.
fn text<'a>(value: &'a Value, field: &str) -> Option<&'a str> {
    value[field].as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// The declaration of one dashboard, or `None` (with a warning) when it has
/// nothing to serve. `answer` is the whole `/api/dashboards/uid/{uid}` body.
pub fn dashboard(
    uid: &str,
    answer: &Value,
    commands: &mut Commands,
    warnings: &mut Vec<String>,
) -> Option<GrafanaDashboard> {
    let model = &answer["dashboard"];
    let title = text(model, "title").map(|t| cut(t, MAX_TEXT));
    // Grafana's slug keeps non-Latin letters, which the schema's does not;
    // the renderer only reads the UID, so any slug serves.
    let slug = text(&answer["meta"], "slug")
        .filter(|s| valid_slug(s))
        .map(str::to_owned)
        .or_else(|| Some(slugify(title.as_deref().unwrap_or_default(), MAX_TEXT)))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "dashboard".to_owned());
    let variables = variables(uid, model, warnings);

    let mut panels: Vec<GrafanaPanel> = Vec::new();
    for found in all_panels(model) {
        let Some(id) = found["id"]
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .filter(|id| *id > 0)
        else {
            continue;
        };
        if panels.iter().any(|p| p.id == id) {
            warnings.push(format!(
                "dashboard {uid}: panel id {id} appears twice; the second is left out"
            ));
            continue;
        }
        if panels.len() == MAX_PANELS {
            warnings.push(format!(
                "dashboard {uid}: only its first {MAX_PANELS} panels are declared (the most one dashboard takes)"
            ));
            break;
        }
        let title = text(found, "title").map(|t| cut(t, MAX_TEXT));
        panels.push(GrafanaPanel {
            command: commands.assign(title.as_deref(), id),
            id,
            title,
            variables: variables.clone(),
        });
    }
    if panels.is_empty() {
        warnings.push(format!("dashboard {uid} has no panel to serve; left out"));
        return None;
    }
    Some(GrafanaDashboard {
        uid: uid.to_owned(),
        slug,
        title,
        panels,
    })
}

fn valid_slug(slug: &str) -> bool {
    slug.len() <= MAX_TEXT
        && slug.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The panels of a dashboard model, those inside collapsed rows included,
/// rows themselves left out.
fn all_panels(model: &Value) -> impl Iterator<Item = &Value> {
    model["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|panel| std::iter::once(panel).chain(panel["panels"].as_array().into_iter().flatten()))
        .filter(|panel| panel["type"] != "row")
}

/// The dashboard's template variables, as every panel of it takes them: a
/// panel's queries may use any of them, directly or through another
/// variable's query, so each panel is rendered with all.
fn variables(uid: &str, model: &Value, warnings: &mut Vec<String>) -> Vec<PanelVariable> {
    let mut declared: Vec<PanelVariable> = Vec::new();
    for found in model["templating"]["list"].as_array().into_iter().flatten() {
        let Some(name) = text(found, "name") else {
            continue;
        };
        // Ad hoc filters are key/operator/value sets, not one value to ask for.
        if found["type"] == "adhoc" {
            continue;
        }
        if !valid_variable_name(name) {
            warnings.push(format!(
                "dashboard {uid}: variable {name:?} is not a name the Integration takes; left out"
            ));
            continue;
        }
        if declared.iter().any(|v| v.name == name) {
            continue;
        }
        if declared.len() == MAX_VARIABLES {
            warnings.push(format!(
                "dashboard {uid}: only its first {MAX_VARIABLES} variables are declared (the most a panel takes)"
            ));
            break;
        }
        declared.push(variable(uid, name, found, warnings));
    }
    declared
}

fn valid_variable_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One variable: its label as the title, its current value as the default
/// (one value only: "All" and multi-value selections are no default), the
/// stored options as the choices of a variable whose options are fixed, and
/// not asked when the dashboard hides it and it has a default.
fn variable(uid: &str, name: &str, found: &Value, warnings: &mut Vec<String>) -> PanelVariable {
    let fixed = matches!(found["type"].as_str(), Some("custom" | "constant" | "interval"));
    let mut choices: Vec<String> = Vec::new();
    if fixed {
        for option in found["options"].as_array().into_iter().flatten() {
            let Some(value) = text(option, "value").filter(|v| *v != ALL && v.len() <= MAX_TEXT) else {
                continue;
            };
            if choices.len() == MAX_CHOICES {
                warnings.push(format!(
                    "dashboard {uid}: variable {name} has more than {MAX_CHOICES} options; its choices are left \
                     open (any value)"
                ));
                choices.clear();
                break;
            }
            if !choices.iter().any(|c| c == value) {
                choices.push(value.to_owned());
            }
        }
    }
    let default = text(&found["current"], "value")
        .filter(|v| *v != ALL && v.len() <= MAX_TEXT)
        .filter(|v| choices.is_empty() || choices.iter().any(|c| c == v))
        .map(str::to_owned);
    let hidden = found["hide"].as_u64() == Some(2);
    PanelVariable {
        name: name.to_owned(),
        title: text(found, "label").map(|l| cut(l, MAX_VARIABLE_TITLE)),
        ask: !(hidden && default.is_some()),
        default,
        choices,
        nautobot: None,
    }
}

#[cfg(test)]
mod tests;
