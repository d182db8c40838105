//! The `slurpit` integration: Slurpit's portal API `/api/`, called with the
//! chat user's own API key when their AccountLink has one, else with the
//! Integration's key, as the platform's fallback user; so the key's
//! permissions apply to the person asking. What is not Slurpit's own
//! (credentials, error sentences, menus, paging, tables) is the [`toolkit`]'s.
//!
//! [`Slurpit`] is the [`Command`]; each group of sub-commands is a module
//! under `commands/`: an async function that asks Slurpit through a
//! [`Session`] and pure `render_*` functions that turn answers into replies.
//! Every sub-command only reads.

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

pub use client::{ClientSettings, PAGE_SIZE, SlurpitClient};
pub use error::{SlurpitApi, SlurpitError};
pub use session::Session;

/// An Integration of type `slurpit`, answering to its command.
pub struct Slurpit {
    spec: CommandSpec,
    client: SlurpitClient,
    web_url: String,
    /// The linked users' API keys and the Integration's.
    tokens: Credentials,
}

impl Slurpit {
    /// The integration answering to `command`, configured by `integration`,
    /// with the API keys of the `account_links` that have one for `command`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, SlurpitError> {
        Ok(Slurpit {
            spec: spec::spec(command),
            client: SlurpitClient::new(&ClientSettings::of(integration, secrets))?,
            web_url: toolkit::web_url(integration),
            tokens: Credentials::new(command, Auth::Token, integration, account_links, secrets),
        })
    }

    /// The same integration, reading Slurpit's lists `size` objects a page
    /// (default [`PAGE_SIZE`]).
    #[must_use]
    pub fn paged_by(self, size: usize) -> Self {
        Slurpit {
            client: self.client.paged_by(size),
            ..self
        }
    }
}

impl Command for Slurpit {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.tokens.acting_as(&call) else {
                return Ok(sentences::no_credential::<SlurpitApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            sentences::answer(commands::run(&session).await)
        })
    }
}
