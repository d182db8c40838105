//! Variable choices from Nautobot, as the original app's ORM queries gave
//! them: the objects a variable's `nautobot` section names, read from the
//! `nautobot` Integration it names with the asker's own token for that
//! Integration (their AccountLink), else that Integration's token, so that
//! Nautobot's permissions decide which names the person is offered.

use std::collections::HashMap;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewayConfig, GatewaySecrets};
use chatops_crds::settings::{GrafanaSettings, NautobotChoices};
use serde_json::Value;

use super::error::Failure;
use crate::commands::Call;
use crate::workers::nautobot::{ClientSettings, NautobotClient, Page, user_token};
use crate::workers::toolkit::credentials::{Auth, Credentials};

/// The most objects read for one menu: a menu of more is no help, and
/// typing part of a name narrows it.
const MAX_CHOICES: usize = 1000;

/// One object offered: its name, and the value the variable takes from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// What people call it (`name`, or a circuit's `cid`).
    pub name: String,
    /// The variable's value (the `attribute`, by default the name).
    pub value: String,
}

/// The Nautobots the variables of one Grafana Integration read, by the
/// command their Integration answers to.
#[derive(Default)]
pub struct NautobotSources {
    by_command: HashMap<String, Source>,
}

struct Source {
    client: NautobotClient,
    credentials: Credentials,
}

/// Why the choices of a variable cannot be read, besides Nautobot failing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// The variable names no `nautobot` Integration this gateway serves.
    #[error(
        "the variable `{variable}` takes its choices from the nautobot integration `{integration}`, \
         which this gateway does not serve; ask an admin to fix the Grafana Integration"
    )]
    NotServed {
        /// The variable.
        variable: String,
        /// The command it names.
        integration: String,
    },
    /// Neither the asker nor the Integration has a Nautobot token.
    #[error("no Nautobot token to read the choices with")]
    NoCredential,
}

impl NautobotSources {
    /// The Nautobots the variables of `settings` name, from `config`; one
    /// that is not a `nautobot` Integration of `config` is left out (and
    /// said when its choices are asked for).
    pub fn new(settings: &GrafanaSettings, config: &GatewayConfig, secrets: &GatewaySecrets) -> Self {
        let named = settings
            .dashboards
            .iter()
            .flat_map(|dashboard| &dashboard.panels)
            .flat_map(|panel| &panel.variables)
            .filter_map(|variable| variable.nautobot.as_ref())
            .map(|choices| choices.integration.as_str());
        let mut by_command = HashMap::new();
        for command in named {
            let Some(integration) = config.integrations.get(command) else {
                continue;
            };
            if integration.integration_type != IntegrationType::Nautobot || by_command.contains_key(command) {
                continue;
            }
            match NautobotClient::new(&ClientSettings::of(integration, secrets)) {
                Ok(client) => {
                    let credentials =
                        Credentials::new(command, Auth::Token, integration, &config.account_links, secrets);
                    by_command.insert(command.to_owned(), Source { client, credentials });
                }
                Err(error) => {
                    tracing::warn!(%command, %error, "a Grafana variable's Nautobot is not reachable")
                }
            }
        }
        NautobotSources { by_command }
    }

    /// The objects `choices` names that the asker of `call` may see, whose
    /// name contains `typed` (any case) when given, sorted by name; for the
    /// variable `variable`.
    pub async fn names(
        &self,
        call: &Call<'_>,
        variable: &str,
        choices: &NautobotChoices,
        typed: Option<&str>,
    ) -> Result<Vec<Named>, Failure> {
        let Some(source) = self.by_command.get(&choices.integration) else {
            return Err(Failure::Unavailable(Unavailable::NotServed {
                variable: variable.to_owned(),
                integration: choices.integration.clone(),
            }));
        };
        let who = source
            .credentials
            .acting_as(call)
            .and_then(user_token)
            .ok_or(Failure::Unavailable(Unavailable::NoCredential))?;
        let name_field = choices.objects.name_field();
        let contains = format!("{name_field}__ic");
        let mut query: Vec<(&str, &str)> = choices
            .filter
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        if let Some(typed) = typed {
            query.push((contains.as_str(), typed));
        }
        let page: Page<Value> = source
            .client
            .list(&who, choices.objects.api_path(), &query, MAX_CHOICES)
            .await?;
        let attribute = choices.attribute.as_deref().unwrap_or(name_field);
        Ok(named(&page.results, name_field, attribute))
    }
}

/// The objects' names and values, sorted by name, one per name.
pub fn named(objects: &[Value], name_field: &str, attribute: &str) -> Vec<Named> {
    let mut named: Vec<Named> = objects
        .iter()
        .filter_map(|object| {
            let name = text_of(object.get(name_field)?)?;
            let value = text_of(object.get(attribute)?)?;
            Some(Named { name, value })
        })
        .collect();
    named.sort_by(|a, b| a.name.cmp(&b.name));
    named.dedup_by(|a, b| a.name == b.name);
    named
}

/// A field as text: a string or number, or a related object's name (a
/// device's `location`), never its ID.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(object) => ["name", "display"]
            .iter()
            .find_map(|key| object.get(*key).and_then(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn objects_are_named_and_valued_by_their_fields_never_by_ids() {
        let objects = [
            json!({"id": "9a1e…", "name": "nyc-leaf-01", "location": {"id": "1f…", "name": "nyc01"}}),
            json!({"id": "3b2c…", "name": "ams-leaf-01", "location": {"id": "2e…", "name": "ams01"}}),
            json!({"id": "77aa…", "name": "ams-leaf-01", "location": {"id": "2e…", "name": "ams01"}}),
            json!({"id": "5c5c…", "name": ""}),
        ];
        assert_eq!(
            named(&objects, "name", "location"),
            [
                Named {
                    name: "ams-leaf-01".to_owned(),
                    value: "ams01".to_owned()
                },
                Named {
                    name: "nyc-leaf-01".to_owned(),
                    value: "nyc01".to_owned()
                },
            ]
        );
        assert_eq!(named(&objects, "name", "name")[0].value, "ams-leaf-01");
    }
}
