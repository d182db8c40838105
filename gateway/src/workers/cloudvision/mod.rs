//! The `cloudvision` integration: Arista CloudVision, as a Service (CVaaS)
//! or on premises (CVP), through its resource APIs
//! (`/api/resources/…`: devices, events, tags, bug exposure) and the CVP
//! service API (`/cvpservice/…`) where they do not reach (containers,
//! configlets, running configs, tasks). Calls act as the chat user's own
//! CloudVision token or login when their AccountLink has one for this
//! Integration, else as the Integration's: a service-account token, or an
//! on-premises user and password; so CloudVision's own roles apply to the
//! person asking. Every sub-command only reads.
//!
//! [`CloudVision`] is the [`Command`]; each group of sub-commands is a
//! module under `commands/`: an async function that asks CloudVision
//! through a [`Session`] and pure `render_*` functions that turn answers
//! into replies.

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

pub use client::{ClientSettings, CloudVisionClient, Limits};
pub use error::{CloudVisionApi, CloudVisionError};
pub use session::Session;

/// An Integration of type `cloudvision`, answering to its command.
pub struct CloudVision {
    spec: CommandSpec,
    client: CloudVisionClient,
    web_url: String,
    /// The linked users' tokens or logins, and the Integration's.
    credentials: Credentials,
}

impl CloudVision {
    /// The integration answering to `command`, configured by `integration`,
    /// with the credentials of the `account_links` that have one for
    /// `command`: a token when the Integration has a token, else the
    /// password of the link's `user`.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, CloudVisionError> {
        Ok(CloudVision {
            spec: spec::spec(command),
            client: CloudVisionClient::new(&ClientSettings::of(integration, secrets))?,
            web_url: toolkit::web_url(integration),
            credentials: Credentials::new(command, Auth::Either, integration, account_links, secrets),
        })
    }
}

#[cfg(test)]
impl CloudVision {
    /// The same integration reading streams up to `limits`.
    pub(crate) fn with_limits(mut self, limits: Limits) -> Self {
        self.client.limits = limits;
        self
    }

    /// How many logins have a session kept.
    pub(crate) fn sessions_kept(&self) -> usize {
        self.client.sessions_kept()
    }
}

impl Command for CloudVision {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.credentials.acting_as(&call) else {
                return Ok(sentences::no_credential::<CloudVisionApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            sentences::answer(commands::run(&session).await)
        })
    }
}
