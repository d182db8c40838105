//! The `grafana` integration: the panels an Integration declares, each a
//! `get-<panel>` sub-command answering with the panel as a picture from
//! Grafana's image renderer (`/render/d-solo/…`). Grafana is called with the
//! chat user's own token when their AccountLink has one, else with the
//! Integration's token, as the platform's fallback user; so Grafana's folder
//! permissions apply to the person asking. A variable's choices may come
//! from a `nautobot` Integration, read as the same person. What is not
//! Grafana's own (credentials, error sentences, menus, images) is the
//! [`toolkit`]'s.

mod client;
mod commands;
mod error;
mod nautobot;
mod session;
mod spec;

#[cfg(test)]
mod tests;

use chatops_crds::config::{GatewayConfig, GatewaySecrets, IntegrationConfig};
use chatops_crds::settings::GrafanaSettings;

use crate::commands::{Call, Command, CommandFuture, CommandSpec};
use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::credentials::{Auth, Credentials};
use crate::workers::toolkit::{self, sentences};

pub use client::GrafanaClient;
pub use commands::options::OptionError;
pub use error::{Failure, GrafanaApi, GrafanaError, SetupError};
pub use nautobot::Unavailable;
pub use session::Session;

use self::commands::Served;
use self::nautobot::NautobotSources;

/// An Integration of type `grafana`, answering to its command.
pub struct Grafana {
    spec: CommandSpec,
    client: GrafanaClient,
    web_url: String,
    settings: GrafanaSettings,
    /// The linked users' tokens and the Integration's token.
    tokens: Credentials,
    /// The Nautobots the variables' choices come from.
    nautobot: NautobotSources,
}

impl Grafana {
    /// The integration answering to `command`, configured by `integration`,
    /// with the tokens of `config`'s account links that have one for
    /// `command`, and the `nautobot` Integrations of `config` its variables
    /// name.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        config: &GatewayConfig,
        secrets: &GatewaySecrets,
    ) -> Result<Self, SetupError> {
        let settings = integration
            .grafana
            .clone()
            .filter(|settings| settings.dashboards.iter().any(|d| !d.panels.is_empty()))
            .ok_or(SetupError::NoPanels)?;
        let client = GrafanaClient::new(&ClientSettings::of(integration, secrets))?;
        Ok(Grafana {
            spec: spec::spec(command, &settings),
            client,
            web_url: toolkit::web_url(integration),
            nautobot: NautobotSources::new(&settings, config, secrets),
            tokens: Credentials::new(command, Auth::Token, integration, &config.account_links, secrets),
            settings,
        })
    }
}

impl Command for Grafana {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.tokens.acting_as(&call) else {
                return Ok(sentences::no_credential::<GrafanaApi>(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            let served = Served {
                settings: &self.settings,
                nautobot: &self.nautobot,
            };
            let result = commands::run(&session, &served).await;
            error::answer(&call, result)
        })
    }
}
