//! The `nautobot` integration: Nautobot's REST API (v2) and GraphQL, called
//! with the chat user's own token when their AccountLink has one, else with
//! the Integration's token as the platform's fallback user, so Nautobot's
//! object permissions apply to the person asking. What is not Nautobot's
//! own (credentials, error sentences, menus, confirmation, paging, tables)
//! is the [`toolkit`]'s.
//!
//! [`Nautobot`] is the [`Command`]; each group of sub-commands is a module
//! under `commands/` with the same shape: an async `run_*` that asks
//! Nautobot through a [`Session`] and a pure `render_*` that turns the answer
//! into a [`Reply`](crate::model::Reply), so rendering is tested without a Nautobot.

mod client;
mod commands;
mod error;
mod objects;
mod session;
mod spec;
mod visibility;

#[cfg(test)]
mod tests;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::credentials::{Auth, Credential, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::{ClientSettings, NautobotClient, Page, UserToken};
pub use commands::devices_query;
pub use error::{NautobotApi, NautobotError};
pub use session::Session;

/// An Integration of type `nautobot`, answering to its command.
pub struct Nautobot {
    spec: CommandSpec,
    client: NautobotClient,
    web_url: String,
    /// The Integration's token and the linked users' own.
    credentials: Credentials,
}

impl Nautobot {
    /// The integration answering to `command`, configured by `integration`,
    /// with the tokens of the `account_links` that have one for `command`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, NautobotError> {
        let client = NautobotClient::new(&ClientSettings::of(integration, secrets))?;
        Ok(Nautobot {
            spec: spec::spec(command),
            client,
            web_url: toolkit::web_url(integration),
            credentials: Credentials::new(command, Auth::Token, integration, account_links, secrets),
        })
    }

    /// Who this call acts as in Nautobot: the chat user's own token, else the
    /// Integration's token as the platform's fallback user.
    fn acting_as(&self, call: &Call<'_>) -> Option<UserToken> {
        self.credentials.acting_as(call).and_then(user_token)
    }
}

/// The token of `credential`, as the client takes it (also for the Grafana
/// variables whose choices come from Nautobot).
pub fn user_token(credential: Credential) -> Option<UserToken> {
    let token = credential.token()?;
    Some(if credential.linked {
        UserToken::new(&credential.user, token)
    } else {
        UserToken::fallback(&credential.user, token)
    })
}

impl Command for Nautobot {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.acting_as(&call) else {
                return Ok(sentences::no_credential::<NautobotApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            sentences::answer(commands::run(&session).await)
        })
    }
}
