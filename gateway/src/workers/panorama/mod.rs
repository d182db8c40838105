//! The `panorama` integration: Palo Alto Networks Panorama's XML API
//! (`/api/`), called with the chat user's own PAN-OS login when their
//! AccountLink has one (its `user`, and the password it holds for this
//! command, turned into an API key), else with the Integration's API key or
//! login; so PAN-OS's admin roles apply to the person asking. Firewalls are
//! reached through Panorama (`target=<serial>`), never directly, and never
//! over SSH: the packet capture runs as op commands and its file is exported.
//!
//! [`Panorama`] is the [`Command`]; each group of sub-commands is a module
//! under `commands/`: an async function that asks Panorama through a
//! [`Session`] and pure `render_*` functions that turn answers into replies.
//! `upload-software` and `install-software` change a firewall, and ask first.

mod client;
pub(crate) mod commands;
mod error;
mod pcap;
mod session;
mod spec;
mod xml;

#[cfg(test)]
mod tests;

use std::time::Duration;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::credentials::{Auth, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::{ClientSettings, PanoramaClient};
pub use error::{PanoramaApi, PanoramaError};
pub use session::Session;

/// How often a software job is asked about, and for how long at most.
#[derive(Clone, Copy, Debug)]
pub struct Polling {
    /// The wait before the first look at a job; each next wait doubles, up to `every`.
    pub first: Duration,
    /// The longest wait between two looks at a job.
    pub every: Duration,
    /// How long a job is followed before the follow-up says it still runs.
    pub for_at_most: Duration,
}

impl Default for Polling {
    fn default() -> Self {
        // PAN-OS downloads and installs take minutes; an hour covers them.
        Polling {
            first: Duration::from_secs(2),
            every: Duration::from_secs(10),
            for_at_most: Duration::from_secs(3600),
        }
    }
}

/// An Integration of type `panorama`, answering to its command.
pub struct Panorama {
    spec: CommandSpec,
    client: PanoramaClient,
    web_url: String,
    /// The linked users' PAN-OS logins and the Integration's key or login.
    logins: Credentials,
    polling: Polling,
}

impl Panorama {
    /// The integration answering to `command`, configured by `integration`,
    /// with the PAN-OS logins of the `account_links` that have a password
    /// for `command`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, PanoramaError> {
        Ok(Panorama {
            spec: spec::spec(command),
            client: PanoramaClient::new(&ClientSettings::of(integration, secrets))?,
            web_url: toolkit::web_url(integration),
            logins: Credentials::new(command, Auth::Password, integration, account_links, secrets),
            polling: Polling::default(),
        })
    }

    /// The same, following jobs as `polling` says (tests follow them fast).
    pub fn with_polling(mut self, polling: Polling) -> Self {
        self.polling = polling;
        self
    }
}

impl Command for Panorama {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.logins.acting_as(&call) else {
                return Ok(sentences::no_credential::<PanoramaApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            sentences::answer(commands::run(&session, self.polling).await)
        })
    }
}
