//! The `ipfabric` integration: IP Fabric's REST API `/api/`, called with the
//! chat user's own API token when their AccountLink has one, else with the
//! Integration's, as the platform's fallback user; IP Fabric's role of that
//! token decides what the person may read. Tokens go in IP Fabric's own
//! `X-API-Token` header.
//!
//! [`Ipfabric`] is the [`Command`]; each group of sub-commands is a module
//! under `commands/`: an async function that asks IP Fabric through a
//! [`Session`] and pure `render_*` functions that turn answers into replies.
//!
//! **The chosen snapshot, without server-side state.** The original app kept
//! each user's snapshot in a cache of the server; a gateway runs as several
//! replicas, any of which takes any request, so a cache on one would be
//! unknown to the next. Instead every sub-command that reads a snapshot takes
//! the option `snapshot=<id|$last|$prev|$lastLocked>`; the menus it raises
//! keep it in their signed continuations (bound to the asking user), and
//! `set-snapshot` answers with a menu of those sub-commands carrying it, so a
//! choice made once travels with the conversation. Without it, a command
//! reads the Integration's `spec.ipfabric.snapshot`, else `$last`
//! (see [`snapshot`]).
//!
//! `ssot-sync-to-nautobot` runs the nautobot-ssot IP Fabric job through the
//! `nautobot` Integration `spec.ipfabric.nautobot` names; it changes Nautobot,
//! so it asks first unless it is a dry run or `yes` was typed.

mod client;
mod commands;
mod error;
mod nautobot;
mod session;
mod snapshot;
mod spec;

#[cfg(test)]
mod tests;

use chatops_crds::config::{GatewayConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::credentials::{Auth, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::{ClientSettings, IpfabricClient, PAGE_SIZE, TOKEN_HEADER};
pub use error::{IpfabricApi, IpfabricError};
pub use session::Session;

/// What an ipfabric Integration declares beyond its endpoint and token.
pub struct Settings {
    /// `spec.ipfabric.snapshot`: what commands naming none read (else `$last`).
    pub default_snapshot: Option<String>,
    /// The nautobot Integration `ssot-sync-to-nautobot` runs its job on.
    pub sync: Option<nautobot::SyncTarget>,
}

/// An Integration of type `ipfabric`, answering to its command.
pub struct Ipfabric {
    spec: CommandSpec,
    client: IpfabricClient,
    web_url: String,
    /// The linked users' API tokens and the Integration's.
    tokens: Credentials,
    settings: Settings,
}

impl Ipfabric {
    /// The integration answering to `command`, configured by `integration`
    /// of `config` (whose account links give the users' tokens, and whose
    /// nautobot Integration `ssot-sync-to-nautobot` uses).
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        config: &GatewayConfig,
        secrets: &GatewaySecrets,
    ) -> Result<Self, IpfabricError> {
        let declared = integration.ipfabric.clone().unwrap_or_default();
        Ok(Ipfabric {
            spec: spec::spec(command),
            client: IpfabricClient::new(&ClientSettings::of(integration, secrets))?,
            web_url: toolkit::web_url(integration),
            tokens: Credentials::new(
                command,
                Auth::Header(TOKEN_HEADER),
                integration,
                &config.account_links,
                secrets,
            ),
            settings: Settings {
                default_snapshot: declared.snapshot,
                sync: declared
                    .nautobot
                    .map(|nautobot| nautobot::SyncTarget::new(&nautobot, config, secrets)),
            },
        })
    }

    /// The same integration, reading tables `size` rows a page (default [`PAGE_SIZE`]).
    #[must_use]
    pub fn paged_by(self, size: usize) -> Self {
        Ipfabric {
            client: self.client.paged_by(size),
            ..self
        }
    }
}

impl Command for Ipfabric {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.tokens.acting_as(&call) else {
                return Ok(sentences::no_credential::<IpfabricApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            commands::run(&session, &self.settings).await
        })
    }
}
