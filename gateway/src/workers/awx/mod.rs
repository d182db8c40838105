//! The `awx` integration: AWX's (Ansible Automation Platform controller's)
//! REST API `/api/v2/`, called with the chat user's own token when their
//! AccountLink has one, else with the Integration's token, or its username
//! and password, as the platform's fallback user; so AWX's roles apply to
//! the person asking. What is not AWX's own (credentials, error sentences,
//! menus, confirmation, paging, tables) is the [`toolkit`]'s.
//!
//! [`Awx`] is the [`Command`]; each group of sub-commands is a module under
//! `commands/`: an async `run_*`-style function that asks AWX through a
//! [`Session`] and pure `render_*` functions that turn answers into replies.

mod client;
mod commands;
mod error;
mod session;
mod spec;

#[cfg(test)]
mod tests;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::credentials::{Auth, Credential, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::{AwxClient, ClientSettings};
pub use commands::follow::Following;
pub use error::{AwxApi, AwxError};
pub use session::Session;

/// An Integration of type `awx`, answering to its command.
pub struct Awx {
    spec: CommandSpec,
    client: AwxClient,
    web_url: String,
    /// The linked users' tokens and the Integration's token.
    tokens: Credentials,
    /// The Integration's username and password, for an Integration without
    /// a token: AWX takes either, as a bearer token or HTTP Basic.
    login: Credentials,
    /// How launched jobs are followed to their end; not at all when `None`.
    following: Option<commands::follow::Following>,
}

impl Awx {
    /// The integration answering to `command`, configured by `integration`,
    /// with the tokens of the `account_links` that have one for `command`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, AwxError> {
        let client = AwxClient::new(&ClientSettings::of(integration, secrets))?;
        Ok(Awx {
            spec: spec::spec(command),
            client,
            web_url: toolkit::web_url(integration),
            // An AccountLink's secret is the person's AWX token: a password
            // of theirs does not belong in the cluster.
            tokens: Credentials::new(command, Auth::Token, integration, account_links, secrets),
            login: Credentials::new(command, Auth::Password, integration, &[], secrets),
            following: commands::follow::Following::of(&integration.awx.clone().unwrap_or_default()),
        })
    }

    /// The same integration, following launched jobs as `following` says.
    #[must_use]
    pub fn following(self, following: Option<commands::follow::Following>) -> Self {
        Awx { following, ..self }
    }

    /// Who `call` acts as in AWX: the chat user's own token, else the
    /// Integration's token, else its login, as the fallback user.
    fn acting_as(&self, call: &Call<'_>) -> Option<Credential> {
        self.tokens.acting_as(call).or_else(|| self.login.acting_as(call))
    }
}

impl Command for Awx {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.acting_as(&call) else {
                return Ok(sentences::no_credential::<AwxApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            sentences::answer(commands::run(&session, self.following.as_ref()).await)
        })
    }
}
