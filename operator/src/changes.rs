//! What changed between two rendered configurations, in words, for the Event
//! the operator records when it renders a new one ("2 grants added, 1 removed").

use std::collections::{BTreeMap, BTreeSet};

use chatops_crds::config::{GatewayConfig, GatewaySecrets};
use sha2::{Digest, Sha256};

/// A digest of each secret value, by its key in the gateway's Secret: enough
/// to say which values changed without keeping or showing any of them. Held
/// in the operator's memory only, never written anywhere.
pub type SecretDigests = BTreeMap<String, [u8; 32]>;

/// The [`SecretDigests`] of `secrets`.
pub fn secret_digests(secrets: &GatewaySecrets) -> SecretDigests {
    secrets
        .0
        .iter()
        .map(|(key, value)| (key.as_str().to_owned(), Sha256::digest(value.as_bytes()).into()))
        .collect()
}

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
    /// Secret values by their key in the gateway's Secret: added, removed, and
    /// `changed` for a new value under the same key (a rotation). Never a value.
    pub secrets: Delta,
    /// The values changed but the old ones are unknown (the gateway's Secret
    /// could not be read after a restart), so not which.
    pub secrets_changed_unknown: bool,
}

/// The secret side of a configuration, for [`diff`]: its content hash, and
/// the digest of each value when known.
#[derive(Clone, Copy, Debug)]
pub struct SecretsSide<'a> {
    /// [`GatewaySecrets::content_hash`].
    pub hash: &'a str,
    /// Each value's digest; `None` when unknown.
    pub digests: Option<&'a SecretDigests>,
}

/// Compares `old` with `new`.
pub fn diff(
    old: &GatewayConfig,
    new: &GatewayConfig,
    old_secrets: SecretsSide,
    new_secrets: SecretsSide,
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
        secrets: match (old_secrets.digests, new_secrets.digests) {
            (Some(old), Some(new)) => Delta::of_maps(old, new),
            _ => Delta::default(),
        },
        secrets_changed_unknown: old_secrets.hash != new_secrets.hash
            && (old_secrets.digests.is_none() || new_secrets.digests.is_none()),
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
            &self.secrets,
        ]
        .iter()
        .all(|d| d.is_empty())
            && !self.secrets_changed_unknown
    }
}

impl std::fmt::Display for ConfigChange {
    /// `2 grants added, 1 removed; platform slack changed; integration awx
    /// added; secret chatplatform.chatops.slack.bot-token rotated`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn counted(delta: &Delta, noun: &str, plural: &str, changed: &str) -> Option<String> {
            let parts: Vec<String> = [
                ("added", &delta.added),
                ("removed", &delta.removed),
                (changed, &delta.changed),
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
        fn named(delta: &Delta, noun: &str, changed: &str) -> Option<String> {
            let parts: Vec<String> = [
                ("added", &delta.added),
                ("removed", &delta.removed),
                (changed, &delta.changed),
            ]
            .iter()
            .flat_map(|(verb, items)| items.iter().map(move |name| format!("{noun} {name} {verb}")))
            .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        // Names while they are few (which value was rotated is the news),
        // counts beyond, so a first render's note stays short.
        fn secrets(delta: &Delta) -> Option<String> {
            let many = [&delta.added, &delta.removed, &delta.changed]
                .iter()
                .any(|items| items.len() > 3);
            if many {
                counted(delta, "secret value", "secret values", "rotated")
            } else {
                named(delta, "secret", "rotated")
            }
        }
        let parts: Vec<String> = [
            counted(&self.grants, "grant", "grants", "changed"),
            counted(&self.account_links, "account link", "account links", "changed"),
            named(&self.platforms, "platform", "changed"),
            named(&self.integrations, "integration", "changed"),
            secrets(&self.secrets),
            self.secrets_changed_unknown
                .then(|| "secret values changed (which ones is unknown after a restart)".to_owned()),
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
        IntegrationConfig::new(
            "chatops/nautobot",
            chatops_crds::IntegrationType::Nautobot,
            endpoint,
        )
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
        let change = diff(&old, &new, unknown("h1"), unknown("h2"));
        assert_eq!(
            change.to_string(),
            "3 grants added, 1 removed; integration awx added; integration nautobot changed; \
             secret values changed (which ones is unknown after a restart)"
        );
        assert!(!change.is_empty());
    }

    fn unknown(hash: &str) -> SecretsSide<'_> {
        SecretsSide { hash, digests: None }
    }

    fn digests(pairs: &[(&str, &str)]) -> SecretDigests {
        secret_digests(&GatewaySecrets(
            pairs
                .iter()
                .map(|(k, v)| (chatops_crds::config::SecretKey((*k).into()), (*v).into()))
                .collect(),
        ))
    }

    #[test]
    fn secret_changes_name_the_keys_and_never_a_value() {
        let config = GatewayConfig::default();
        let old = digests(&[("slack.bot-token", "xoxb-1"), ("slack.signing-secret", "s1")]);
        let new = digests(&[
            ("slack.bot-token", "xoxb-2"),
            ("slack.signing-secret", "s1"),
            ("awx.token", "t"),
        ]);
        let side = |digests| SecretsSide {
            hash: "h",
            digests: Some(digests),
        };
        let change = diff(&config, &config, side(&old), side(&new));
        assert_eq!(
            change.to_string(),
            "secret awx.token added; secret slack.bot-token rotated"
        );
        assert!(!change.to_string().contains("xoxb"));

        let none = SecretDigests::new();
        let first = diff(&config, &config, side(&none), side(&new));
        assert_eq!(
            first.to_string(),
            "secret awx.token added; secret slack.bot-token added; secret slack.signing-secret added",
            "a first render adds values; it rotates none"
        );
        let many = digests(&[("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")]);
        assert_eq!(
            diff(&config, &config, side(&none), side(&many)).to_string(),
            "4 secret values added"
        );
        assert!(diff(&config, &config, side(&new), side(&new)).is_empty());
    }

    #[test]
    fn the_same_configuration_is_no_change() {
        let config = GatewayConfig {
            grants: vec![grant("nautobot", "U1")],
            ..Default::default()
        };
        let change = diff(&config, &config.clone(), unknown("h"), unknown("h"));
        assert!(change.is_empty());
        assert_eq!(change.to_string(), "no change");
        let one = diff(&GatewayConfig::default(), &config, unknown("h"), unknown("h"));
        assert_eq!(one.to_string(), "1 grant added");
    }
}
