//! Slack Socket Mode: instead of Slack posting to the gateway, the gateway
//! asks `apps.connections.open` (with the app-level token) for a WebSocket
//! URL, opens it, and reads the same requests, in envelopes, from there.
//! This module speaks the protocol; the server's `socket` module holds the
//! connections and admits what they bring.

pub mod protocol;
pub mod upgrade;

use std::time::Duration;

use chatops_outbound::Client;
use sha2::{Digest, Sha256};

use super::client::SlackClient;
use crate::platforms::DispatchError;

pub use upgrade::{Connection, UpgradeError};

/// How long opening a connection may take: `apps.connections.open`, then the upgrade.
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// One Slack app served over Socket Mode: its app-level token and how many
/// connections each replica holds.
///
/// The token is never logged and never part of an error or of `Debug`.
#[derive(Clone, Debug)]
pub struct SocketMode {
    /// The Web API with the app-level token (only `apps.connections.open` takes it).
    app: SlackClient,
    /// The client the WebSocket is opened through (HTTP/1.1 only).
    http: Client,
    connections: u8,
    /// Why the token cannot be an app-level token, if it cannot (checked
    /// before Slack is asked, which would only say `not_allowed_token_type`).
    not_app_token: Option<&'static str>,
    /// Tells two settings apart without keeping the token in clear twice.
    fingerprint: [u8; 32],
}

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The token cannot be an app-level token: it does not start with `xapp-`.
    #[error(
        "the token in appTokenRef is not an app-level token{0}: Socket Mode needs the app's \
         xapp-… token (Basic Information > App-Level Tokens, scope connections:write)"
    )]
    NotAppToken(&'static str),
    /// Slack refused the token: it will not take it until it changes.
    #[error(
        "Slack refused the app-level token ({0}): give appTokenRef a current app-level token \
         (xapp-…, scope connections:write) of this app"
    )]
    TokenRefused(String),
    /// Slack answered `apps.connections.open` with another error, or not at all.
    #[error("apps.connections.open failed: {0}")]
    Open(DispatchError),
    /// The WebSocket could not be opened.
    #[error(transparent)]
    Upgrade(#[from] UpgradeError),
}

impl OpenError {
    /// Whether trying again, unchanged, cannot help: the token must change first.
    pub fn is_permanent(&self) -> bool {
        matches!(self, OpenError::NotAppToken(_) | OpenError::TokenRefused(_))
    }
}

/// The error codes of `apps.connections.open` that say the token itself is
/// wrong (slack_sdk's `SlackApiError`s a Bolt app stops on).
const TOKEN_REFUSALS: [&str; 8] = [
    "invalid_auth",
    "not_authed",
    "not_allowed_token_type",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "missing_scope",
    "no_permission",
];

/// What a token that is not an app-level token looks like instead, without
/// saying more of it than its kind.
fn not_app_token(token: &str) -> Option<&'static str> {
    if token.starts_with("xapp-") {
        return None;
    }
    Some(match token.get(..5) {
        Some("xoxb-") => " (it is a bot token, xoxb-…)",
        Some("xoxp-") => " (it is a user token, xoxp-…)",
        _ => "",
    })
}

impl SocketMode {
    /// The app at the Web API `api_url` with `app_token`, holding
    /// `connections` connections, opened through `http` (HTTP/1.1 only).
    pub fn new(http: Client, api_url: &str, app_token: String, connections: u8) -> Self {
        let mut digest = Sha256::new();
        for part in [api_url.as_bytes(), app_token.as_bytes(), &[connections]] {
            digest.update((part.len() as u64).to_be_bytes());
            digest.update(part);
        }
        SocketMode {
            not_app_token: not_app_token(&app_token),
            app: SlackClient::new(http.clone(), api_url.to_owned(), app_token),
            http,
            connections: connections.clamp(1, 10),
            fingerprint: digest.finalize().into(),
        }
    }

    /// How many connections to hold.
    pub fn connections(&self) -> u8 {
        self.connections
    }

    /// Whether `other` opens the same connections (same API, token and count).
    pub fn same_as(&self, other: &SocketMode) -> bool {
        self.fingerprint == other.fingerprint
    }

    /// Asks Slack for a connection and opens it.
    pub async fn open(&self) -> Result<Connection, OpenError> {
        if let Some(kind) = self.not_app_token {
            return Err(OpenError::NotAppToken(kind));
        }
        let url = self.app.apps_connections_open().await.map_err(|err| match err {
            DispatchError::Rejected { error, .. } if TOKEN_REFUSALS.contains(&error.as_str()) => {
                OpenError::TokenRefused(error)
            }
            other => OpenError::Open(other),
        })?;
        Ok(upgrade::open(&self.http, &url, OPEN_TIMEOUT).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_that_is_not_an_app_token_is_named_by_its_kind_only() {
        assert_eq!(not_app_token("xapp-1-A1-2-abc"), None);
        assert_eq!(
            not_app_token("xoxb-1-2-secret"),
            Some(" (it is a bot token, xoxb-…)")
        );
        assert_eq!(
            not_app_token("xoxp-1-2-secret"),
            Some(" (it is a user token, xoxp-…)")
        );
        assert_eq!(not_app_token("hunter2"), Some(""));
        let said = OpenError::NotAppToken(" (it is a bot token, xoxb-…)").to_string();
        assert!(said.contains("xapp-") && !said.contains("secret"), "{said}");
    }

    #[test]
    fn only_a_refused_token_stops_the_retries() {
        assert!(OpenError::TokenRefused("invalid_auth".to_owned()).is_permanent());
        assert!(OpenError::NotAppToken("").is_permanent());
        let busy = DispatchError::Rejected {
            api: "apps.connections.open",
            status: 200,
            error: "too_many_websockets".to_owned(),
        };
        assert!(!OpenError::Open(busy).is_permanent());
        assert!(!OpenError::Upgrade(UpgradeError::Refused(503)).is_permanent());
    }

    #[test]
    fn settings_compare_by_api_token_and_count_and_debug_hides_the_token() {
        let settings = |token: &str, connections| {
            SocketMode::new(
                Client::default(),
                "https://slack.com/api",
                token.to_owned(),
                connections,
            )
        };
        let one = settings("xapp-secret-1", 1);
        assert!(one.same_as(&settings("xapp-secret-1", 1)));
        assert!(!one.same_as(&settings("xapp-secret-2", 1)));
        assert!(!one.same_as(&settings("xapp-secret-1", 2)));
        let debug = format!("{one:?}");
        assert!(!debug.contains("xapp-secret-1"), "{debug}");
        assert_eq!(settings("xapp-x", 0).connections(), 1);
        assert_eq!(settings("xapp-x", 12).connections(), 10);
    }
}
