//! The `meraki` integration: Cisco Meraki's Dashboard API v1, called with
//! the chat user's own Dashboard API key when their AccountLink has one,
//! else with the Integration's key, as the platform's fallback user. A
//! Meraki key carries its admin's own organization permissions, so Meraki
//! decides what the person may see and change. What is not Meraki's own
//! (credentials, error sentences, menus, confirmation, tables) is the
//! [`toolkit`]'s.
//!
//! [`Meraki`] is the [`Command`]; each group of sub-commands is a module
//! under `commands/`: an async function that asks Meraki through a
//! [`Session`] and pure `render_*` functions that turn answers into
//! replies. `configure-basic-access-port` and `cycle-port` change a switch
//! and ask first.

mod client;
mod commands;
mod error;
mod session;
mod spec;

#[cfg(test)]
mod tests;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::credentials::{Auth, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::{Caller, ClientSettings, MAX_RETRIES, MerakiClient, PER_PAGE};
pub use error::{MerakiApi, MerakiError};
pub use session::Session;

/// An Integration of type `meraki`, answering to its command.
pub struct Meraki {
    spec: CommandSpec,
    client: MerakiClient,
    web_url: String,
    /// The linked users' API keys and the Integration's.
    keys: Credentials,
}

impl Meraki {
    /// The integration answering to `command`, configured by `integration`,
    /// with the API keys of the `account_links` that have one for `command`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, MerakiError> {
        Ok(Meraki {
            spec: spec::spec(command),
            client: MerakiClient::new(&ClientSettings::of(integration, secrets))?,
            web_url: toolkit::web_url(integration),
            keys: Credentials::new(command, Auth::Token, integration, account_links, secrets),
        })
    }

    /// The same integration, reading Meraki's lists `size` objects a page
    /// (default [`PER_PAGE`]) and at most `max` of a list.
    #[must_use]
    pub fn paged_by(self, size: usize, max: usize) -> Self {
        Meraki {
            client: self.client.paged_by(size).capped_at(max),
            ..self
        }
    }
}

impl Command for Meraki {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(key) = self.keys.acting_as(&call) else {
                return Ok(sentences::no_credential::<MerakiApi>(&call));
            };
            let session = Session::new(&self.client, self.client.caller(key), call, &self.web_url);
            sentences::answer(commands::run(&session).await)
        })
    }
}
