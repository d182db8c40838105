//! What changed between two rendered configurations, in words, for the Event
//! the operator records when it renders a new one ("2 grants added, 1 removed").

use std::collections::{BTreeMap, BTreeSet};

use chatops_crds::config::GatewayConfig;

/// How one part of the configuration changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    /// Entries only in the new configuration.
    pub added: Vec<String>,
    /// Entries only in the old one.
    pub removed: Vec<String>,
    /// Entries in both, with different content.
    pub changed: Vec<String>,
}

impl Delta {
    fn of_maps<V: PartialEq>(old: &BTreeMap<String, V>, new: &BTreeMap<String, V>) -> Self {
        Delta {
            added: new.keys().filter(|k| !old.contains_key(*k)).cloned().collect(),
            removed: old.keys().filter(|k| !new.contains_key(*k)).cloned().collect(),
            changed: new
                .iter()
                .filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v))
                .map(|(k, _)| k.clone())
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The differences between two configurations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigChange {
    /// Grants added and removed (a changed grant is one removed and one added).
    pub grants: Delta,
    /// Account links, by `platform/chat user ID`.
    pub account_links: Delta,
    /// Platforms, by name.
    pub platforms: Delta,
    /// Integrations, by command.
    pub integrations: Delta,
    /// Whether any secret value changed (never which, nor to what).
    pub secrets_rotated: bool,
}

/// Compares `old` with `new`; `old_secrets_hash` and `new_secrets_hash` are
/// [`chatops_crds::config::GatewaySecrets::content_hash`] of each.
pub fn diff(
    old: &GatewayConfig,
    new: &GatewayConfig,
    old_secrets_hash: &str,
    new_secrets_hash: &str,
) -> ConfigChange {
    let grants = |config: &GatewayConfig| -> BTreeSet<String> {
        config
            .grants
            .iter()
            .map(|g| {
                format!(
                    "{} {} {} {} {}",
                    g.command,
                    g.subcommand,
                    g.grant_type,
                    g.value,
                    g.platform.as_deref().unwrap_or("*")
                )
            })
            .collect()
    };
    let (old_grants, new_grants) = (grants(old), grants(new));
    let links = |config: &GatewayConfig| -> BTreeMap<String, (String, Vec<String>)> {
        config
            .account_links
            .iter()
            .map(|l| {
                (
                    format!("{}/{}", l.platform, l.chat_user_id),
                    (l.user.clone(), l.tokens.keys().cloned().collect()),
                )
            })
            .collect()
    };
    ConfigChange {
        grants: Delta {
            added: new_grants.difference(&old_grants).cloned().collect(),
            removed: old_grants.difference(&new_grants).cloned().collect(),
            changed: Vec::new(),
        },
        account_links: Delta::of_maps(&links(old), &links(new)),
        platforms: Delta::of_maps(&old.platforms, &new.platforms),
        integrations: Delta::of_maps(&old.integrations, &new.integrations),
        secrets_rotated: old_secrets_hash != new_secrets_hash,
    }
}

impl ConfigChange {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        [
            &self.grants,
            &self.account_links,
            &self.platforms,
            &self.integrations,
        ]
        .iter()
        .all(|d| d.is_empty())
            && !self.secrets_rotated
    }
}

impl std::fmt::Display for ConfigChange {
    /// `2 grants added, 1 removed; platform slack changed; integration awx added; secrets rotated`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn counted(delta: &Delta, noun: &str, plural: &str) -> Option<String> {
            let parts: Vec<String> = [
                ("added", &delta.added),
                ("removed", &delta.removed),
                ("changed", &delta.changed),
            ]
            .iter()
            .filter(|(_, items)| !items.is_empty())
            .enumerate()
            .map(|(i, (verb, items))| {
                let n = items.len();
                if i == 0 {
                    format!("{n} {} {verb}", if n == 1 { noun } else { plural })
                } else {
                    format!("{n} {verb}")
                }
            })
            .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        fn named(delta: &Delta, noun: &str) -> Option<String> {
            let parts: Vec<String> = [
                ("added", &delta.added),
                ("removed", &delta.removed),
                ("changed", &delta.changed),
            ]
            .iter()
            .flat_map(|(verb, items)| items.iter().map(move |name| format!("{noun} {name} {verb}")))
            .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        let parts: Vec<String> = [
            counted(&self.grants, "grant", "grants"),
            counted(&self.account_links, "account link", "account links"),
            named(&self.platforms, "platform"),
            named(&self.integrations, "integration"),
            self.secrets_rotated.then(|| "secrets rotated".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            f.write_str("no change")
        } else {
            f.write_str(&parts.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use chatops_crds::{
        GrantType,
        config::{GrantRule, IntegrationConfig},
    };

    use super::*;

    fn grant(command: &str, value: &str) -> GrantRule {
        GrantRule {
            command: command.into(),
            subcommand: "*".into(),
            grant_type: GrantType::User,
            value: value.into(),
            platform: None,
            name: "x".into(),
            source: "chatops/x".into(),
        }
    }

    fn integration(endpoint: &str) -> IntegrationConfig {
        IntegrationConfig {
            source: "chatops/nautobot".into(),
            integration_type: chatops_crds::IntegrationType::Nautobot,
            endpoint: endpoint.into(),
            token: None,
            username: None,
            password: None,
            ca_bundle: None,
            insecure_skip_verify: false,
            timeout_seconds: 30,
        }
    }

    #[test]
    fn grants_are_counted_and_named_parts_are_named() {
        let old = GatewayConfig {
            grants: vec![grant("nautobot", "U1"), grant("nautobot", "U2")],
            integrations: [("nautobot".to_owned(), integration("https://a"))].into(),
            ..Default::default()
        };
        let new = GatewayConfig {
            grants: vec![
                grant("nautobot", "U2"),
                grant("nautobot", "U3"),
                grant("awx", "U3"),
                grant("awx", "U4"),
            ],
            integrations: [
                ("nautobot".to_owned(), integration("https://b")),
                ("awx".to_owned(), integration("https://c")),
            ]
            .into(),
            ..Default::default()
        };
        let change = diff(&old, &new, "h1", "h2");
        assert_eq!(
            change.to_string(),
            "3 grants added, 1 removed; integration awx added; integration nautobot changed; secrets rotated"
        );
        assert!(!change.is_empty());
    }

    #[test]
    fn the_same_configuration_is_no_change() {
        let config = GatewayConfig {
            grants: vec![grant("nautobot", "U1")],
            ..Default::default()
        };
        let change = diff(&config, &config.clone(), "h", "h");
        assert!(change.is_empty());
        assert_eq!(change.to_string(), "no change");
        let one = diff(&GatewayConfig::default(), &config, "h", "h");
        assert_eq!(one.to_string(), "1 grant added");
    }
}
