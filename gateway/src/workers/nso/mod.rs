//! The `nso` integration: Cisco NSO's RESTCONF API under
//! `/restconf/data/tailf-ncs:devices`, called with the chat user's own NSO
//! login when their AccountLink has one (its `user`, and the password it
//! holds for this command), else with the Integration's username and
//! password, as the platform's fallback user; so NSO's NACM rules apply to
//! the person asking. What is not NSO's own (credentials, error sentences,
//! menus, confirmation) is the [`toolkit`]'s.
//!
//! [`Nso`] is the [`Command`]; each group of sub-commands is a module under
//! `commands/`: an async function that asks NSO through a [`Session`] and
//! pure `render_*` functions that turn answers into replies. `sync-to` and
//! `sync-from` change a device or NSO, and ask first.

mod client;
mod commands;
mod error;
mod session;
mod spec;

#[cfg(test)]
mod tests;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};
use chatops_crds::settings::CommandSet;

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::credentials::{Auth, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::{ClientSettings, NsoClient};
pub use error::{NsoApi, NsoError};
pub use session::Session;

/// An Integration of type `nso`, answering to its command.
pub struct Nso {
    spec: CommandSpec,
    client: NsoClient,
    web_url: String,
    /// The linked users' NSO logins and the Integration's.
    logins: Credentials,
    /// What `run-command-set` offers.
    command_sets: Vec<CommandSet>,
}

impl Nso {
    /// The integration answering to `command`, configured by `integration`,
    /// with the NSO logins of the `account_links` that have a password for
    /// `command`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, NsoError> {
        let declared = integration
            .nso
            .as_ref()
            .map(|settings| settings.command_sets.as_slice())
            .unwrap_or_default();
        let command_sets = spec::command_sets(declared);
        Ok(Nso {
            spec: spec::spec(command, &command_sets),
            client: NsoClient::new(&ClientSettings::of(integration, secrets))?,
            web_url: toolkit::web_url(integration),
            logins: Credentials::new(command, Auth::Password, integration, account_links, secrets),
            command_sets,
        })
    }
}

impl Command for Nso {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.logins.acting_as(&call) else {
                return Ok(sentences::no_credential::<NsoApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            sentences::answer(commands::run(&session, &self.command_sets).await)
        })
    }
}
