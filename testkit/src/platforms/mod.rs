//! The Mattermost, Webex and Teams ChatPlatforms beside the quickstart, as the
//! platform tests start the gateway on them, and the requests each platform
//! sends, shaped as it sends them. Who is who on each platform is named here
//! once, for every test that talks to it.

pub mod mattermost;
pub mod teams;
pub mod webex;

/// `extra` (lines of `spec`, as [`crate::quickstart::DEFAULT_SETTINGS`]) and
/// the settings every platform test shares: help for all, a fallback user,
/// and a day of session cache.
fn settings(extra: &str) -> String {
    format!("{extra}  restrictHelp: false\n  fallbackUser: chatbot\n  sessionCacheTimeoutSeconds: 86400\n")
}
