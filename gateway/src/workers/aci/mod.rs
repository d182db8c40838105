//! The `aci` integration: Cisco APIC's REST API (`/api/…`), called with the
//! chat user's own APIC login when their AccountLink has one (its `user`,
//! and the password it holds for this command), else with the
//! Integration's username and password, as the platform's fallback user;
//! so APIC's own roles and security domains apply to the person asking.
//! What is not APIC's own (credentials, error sentences, menus,
//! confirmation) is the [`toolkit`]'s.
//!
//! Each APIC cluster is its own Integration with its own command
//! (`/aci-dc1`, `/aci-dc2`): the original app's first parameter, which
//! picked a cluster, is the command's name here.
//!
//! [`Aci`] is the [`Command`]; each group of sub-commands is a module under
//! `commands/`: an async function that asks APIC through a [`Session`] and
//! pure `render_*` functions that turn answers into replies.
//! `register-node` changes the fabric, and asks first.

mod client;
mod commands;
mod error;
mod mo;
mod session;
mod spec;

#[cfg(test)]
mod tests;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::credentials::{Auth, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::{AciClient, ClientSettings, Limits};
pub use error::{AciApi, AciError};
pub use session::Session;

/// An Integration of type `aci`, answering to its command.
pub struct Aci {
    spec: CommandSpec,
    client: AciClient,
    web_url: String,
    /// The linked users' APIC logins and the Integration's.
    logins: Credentials,
}

impl Aci {
    /// The integration answering to `command`, configured by `integration`,
    /// with the APIC logins of the `account_links` that have a password for
    /// `command`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, AciError> {
        Ok(Aci {
            spec: spec::spec(command),
            client: AciClient::new(&ClientSettings::of(integration, secrets))?,
            web_url: toolkit::web_url(integration),
            logins: Credentials::new(command, Auth::Password, integration, account_links, secrets),
        })
    }
}

#[cfg(test)]
impl Aci {
    /// The same integration paging large classes by `limits`.
    pub(crate) fn with_limits(mut self, limits: Limits) -> Self {
        self.client.limits = limits;
        self
    }
}

impl Command for Aci {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.logins.acting_as(&call) else {
                return Ok(sentences::no_credential::<AciApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            sentences::answer(commands::run(&session).await)
        })
    }
}
