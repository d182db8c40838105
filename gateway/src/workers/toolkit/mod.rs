//! The integration toolkit: what every integration shares, so that one is
//! its API calls and its renderers and nothing else
//! (`docs/contributing/integrations.md` walks through adding one).
//!
//! - [`credentials`]: who a call acts as (the AccountLink's token or
//!   password, else the Integration's own as the fallback user);
//! - [`errors`] and [`sentences`]: one error type for every backend, and
//!   what the person asking is told of each failure;
//! - [`args`], [`menus`] and [`confirm`]: arguments, parameters that become
//!   menus fed from the backend, and confirmation of destructive sub-commands;
//! - [`paging`] and [`render`]: long lists, tables, code, images;
//! - [`session`]: one run (client, who, call) that an integration adds its
//!   API calls to;
//! - [`shown`]: a value the user may not view, told from an empty one.

pub mod args;
pub mod confirm;
pub mod connection;
pub mod credentials;
pub mod errors;
pub mod menus;
pub mod paging;
pub mod render;
pub mod sentences;
pub mod session;
pub mod shown;
pub mod tokens;

use std::time::Duration;

use chatops_crds::config::IntegrationConfig;

/// How long one call to the Integration's backend may take: its
/// `timeoutSeconds`, at least one.
pub fn timeout(integration: &IntegrationConfig) -> Duration {
    Duration::from_secs(u64::from(integration.timeout_seconds.max(1)))
}

/// The backend's own address for links, without a trailing `/`.
pub fn web_url(integration: &IntegrationConfig) -> String {
    integration.endpoint.trim_end_matches('/').to_owned()
}
