//! The gateway's configuration: what [`crate::compile()`] produces and the gateway loads.
//!
//! It comes in two parts. [`GatewayConfig`] holds no secret material and goes
//! into a ConfigMap; it names secret values by [`SecretKey`]. [`GatewaySecrets`]
//! maps those keys to the values and goes into a Secret. Keeping the two apart
//! in the types means no code path can put a token into the ConfigMap.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{GrantType, IntegrationType, PlatformType};

/// The name of a value in the gateway's Secret, e.g. `chatplatform.default.slack.signing-secret`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretKey(pub String);

impl SecretKey {
    /// The key for `field` of the resource `kind`/`namespace`/`name`.
    ///
    /// Kubernetes object names and namespaces hold only `[a-z0-9.-]`, so the
    /// result is a valid Secret data key and two resources never share one.
    pub fn for_field(kind: &str, namespace: &str, name: &str, field: &str) -> Self {
        SecretKey(format!(
            "{}.{namespace}.{name}.{field}",
            kind.to_ascii_lowercase()
        ))
    }

    /// The key as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Everything the gateway serves, without secret material.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayConfig {
    /// The chat platforms, by name (the `{name}` in `/hooks/{name}/`).
    pub platforms: BTreeMap<String, PlatformConfig>,
    /// The access grants, in a stable order.
    pub grants: Vec<GrantRule>,
    /// The account links.
    pub account_links: Vec<AccountLinkConfig>,
    /// The integrations, by the chat command they answer to.
    pub integrations: BTreeMap<String, IntegrationConfig>,
}

/// One chat platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformConfig {
    /// `namespace/name` of the ChatPlatform this came from.
    pub source: String,
    /// Which platform.
    #[serde(rename = "type")]
    pub platform_type: PlatformType,
    /// Its credentials (as keys into [`GatewaySecrets`]) and non-secret connection settings.
    pub credentials: PlatformCredentials,
    /// Prefix stripped from commands and shown in help, `/` by default.
    pub command_prefix: String,
    /// Delete a prompt once the user has answered it.
    pub delete_input_on_submission: bool,
    /// Show in help only what the caller's user grants allow.
    pub restrict_help: bool,
    /// Answer every command privately.
    pub send_all_messages_private: bool,
    /// The identity of chat users without an AccountLink.
    pub fallback_user: String,
    /// Lifetime of server-side prompt state, in seconds.
    pub session_cache_timeout_seconds: u32,
}

/// Credentials and connection settings of one chat platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum PlatformCredentials {
    /// Slack.
    #[serde(rename_all = "camelCase")]
    Slack {
        /// Request signing secret (webhooks; none in Socket Mode, where no
        /// request reaches the gateway's URLs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signing_secret: Option<SecretKey>,
        /// Bot token.
        bot_token: SecretKey,
        /// Socket Mode, when Slack is reached over WebSocket connections the
        /// gateway opens instead of webhooks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        socket: Option<SlackSocket>,
        /// Response URL hosts allowed besides `hooks.slack.com`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        response_url_hosts: Vec<String>,
    },
    /// Microsoft Teams.
    #[serde(rename_all = "camelCase")]
    Msteams {
        /// Microsoft App ID (the expected token audience).
        app_id: String,
        /// Microsoft App password.
        app_password: SecretKey,
        /// Tenant of a single-tenant bot.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tenant_id: Option<String>,
        /// Issuers trusted besides the Bot Framework's, with their key metadata.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        extra_issuers: Vec<crate::chat_platform::TeamsIssuer>,
    },
    /// Webex.
    #[serde(rename_all = "camelCase")]
    Webex {
        /// Bot token.
        bot_token: SecretKey,
        /// Webhook signing secret.
        webhook_secret: SecretKey,
    },
    /// Mattermost.
    #[serde(rename_all = "camelCase")]
    Mattermost {
        /// Server base URL.
        url: String,
        /// Bot token.
        bot_token: SecretKey,
        /// Accepted slash command tokens.
        slash_tokens: Vec<SecretKey>,
        /// Response URL hosts allowed besides the server's.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        response_url_hosts: Vec<String>,
    },
}

/// Slack Socket Mode settings of one platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlackSocket {
    /// The app-level token (`xapp-…`) that opens connections.
    pub app_token: SecretKey,
    /// Connections each gateway replica holds (1 to 10).
    pub connections: u8,
}

/// A value in a grant's command, sub-command or ID position: one name, or any.
pub const WILDCARD: &str = "*";

/// One access grant, as the gateway's grant engine consumes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantRule {
    /// The command, or `*`.
    pub command: String,
    /// The sub-command, or `*`.
    pub subcommand: String,
    /// Which ID of a request `value` is compared with.
    pub grant_type: GrantType,
    /// The raw platform ID, or `*`.
    pub value: String,
    /// The ChatPlatform the grant is limited to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The grant's label for people.
    pub name: String,
    /// `namespace/name` of the AccessGrant this came from.
    pub source: String,
}

/// One account link with its resolved chat user ID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountLinkConfig {
    /// The ChatPlatform name.
    pub platform: String,
    /// The platform's user ID.
    pub chat_user_id: String,
    /// The user the integrations see.
    pub user: String,
    /// This user's own tokens, by Integration command.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tokens: BTreeMap<String, SecretKey>,
    /// `namespace/name` of the AccountLink this came from.
    pub source: String,
}

/// One integration, under the command it answers to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationConfig {
    /// `namespace/name` of the Integration this came from.
    pub source: String,
    /// Which backend.
    #[serde(rename = "type")]
    pub integration_type: IntegrationType,
    /// The backend's base URL.
    pub endpoint: String,
    /// Service token, if the backend uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<SecretKey>,
    /// Service username, if the backend logs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<SecretKey>,
    /// Service password, with `username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretKey>,
    /// Extra CA bundle (PEM) to trust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<SecretKey>,
    /// Skip certificate verification.
    pub insecure_skip_verify: bool,
    /// Timeout of one backend call, in seconds.
    pub timeout_seconds: u32,
    /// Settings of an `awx` integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awx: Option<crate::settings::AwxSettings>,
    /// Settings of a `grafana` integration: its panels, each variable's
    /// `nautobot.integration` resolved to the command it answers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grafana: Option<crate::settings::GrafanaSettings>,
    /// Settings of an `nso` integration: its command sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nso: Option<crate::settings::NsoSettings>,
    /// Settings of an `ipfabric` integration: its default snapshot, and
    /// `nautobot` resolved to the command that Integration answers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipfabric: Option<crate::settings::IpfabricSettings>,
}

impl IntegrationConfig {
    /// The integration of `integration_type` at `endpoint`, from `source`, with
    /// no credentials, its certificate verified and the default timeout.
    pub fn new(
        source: impl Into<String>,
        integration_type: IntegrationType,
        endpoint: impl Into<String>,
    ) -> Self {
        Self {
            source: source.into(),
            integration_type,
            endpoint: endpoint.into(),
            token: None,
            username: None,
            password: None,
            ca_bundle: None,
            insecure_skip_verify: false,
            timeout_seconds: crate::integration::default_timeout_seconds(),
            awx: None,
            grafana: None,
            nso: None,
            ipfabric: None,
        }
    }
}

/// The secret material the configuration refers to, by [`SecretKey`].
///
/// `Debug` never prints the values, so a stray `{:?}` cannot leak them into a log.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GatewaySecrets(pub BTreeMap<SecretKey, String>);

impl GatewaySecrets {
    /// The value stored under `key`.
    pub fn get(&self, key: &SecretKey) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The keys held, without their values.
    pub fn keys(&self) -> impl Iterator<Item = &SecretKey> {
        self.0.keys()
    }

    /// How many values are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no value is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A hash of the content: `sha256:` and 64 hex digits.
    ///
    /// The ConfigMap carries the hash of the Secret it was rendered with, so
    /// the gateway can tell when the mounted Secret has not caught up yet.
    /// Each key and value is length-prefixed, so no two different contents
    /// hash alike by shifting bytes between a key and its value.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for (key, value) in &self.0 {
            for part in [key.as_str().as_bytes(), value.as_bytes()] {
                hasher.update((part.len() as u64).to_be_bytes());
                hasher.update(part);
            }
        }
        format!("sha256:{}", hex::encode(hasher.finalize()))
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for GatewaySecrets {
    /// Secrets from `(key, value)` pairs; a later pair for a key wins.
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(pairs: I) -> Self {
        GatewaySecrets(
            pairs
                .into_iter()
                .map(|(k, v)| (SecretKey(k.to_owned()), v.to_owned()))
                .collect(),
        )
    }
}

impl std::fmt::Debug for GatewaySecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys().map(|k| k.as_str())).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> GatewaySecrets {
        pairs.iter().copied().collect()
    }

    #[test]
    fn the_content_hash_changes_with_any_value_and_resists_shifting_bytes() {
        let base = secrets(&[("a", "bc")]).content_hash();
        assert_ne!(base, secrets(&[("ab", "c")]).content_hash());
        assert_ne!(base, secrets(&[("a", "bd")]).content_hash());
        assert_eq!(base, secrets(&[("a", "bc")]).content_hash());
        assert!(base.starts_with("sha256:") && base.len() == 7 + 64);
    }
}
