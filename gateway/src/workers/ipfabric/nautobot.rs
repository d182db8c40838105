//! The Nautobot that `ssot-sync-to-nautobot` runs the nautobot-ssot IP
//! Fabric job on: the `nautobot` Integration `spec.ipfabric.nautobot` names,
//! called with the asker's own token for that Integration (their
//! AccountLink), else that Integration's, so that Nautobot's permission to
//! run the job applies to the person asking.

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewayConfig, GatewaySecrets};

use crate::commands::Call;
use crate::workers::nautobot::{ClientSettings, NautobotClient, NautobotError, UserToken, user_token};
use crate::workers::toolkit::credentials::{Auth, Credentials};
use crate::workers::toolkit::{self};

/// The nautobot Integration an ipfabric Integration syncs into.
pub struct SyncTarget {
    /// The command that Integration answers to (`nautobot`).
    pub command: String,
    /// Where it is, if this gateway serves it.
    pub served: Option<Served>,
}

/// A nautobot Integration this gateway serves.
pub struct Served {
    /// Its client.
    pub client: NautobotClient,
    /// Its credentials and its linked users'.
    credentials: Credentials,
    /// Nautobot's own address, for the job result's link.
    pub web_url: String,
}

impl SyncTarget {
    /// The nautobot Integration answering to `command` in `config`, as
    /// served; not served when it is missing, of another type, or its
    /// client cannot be built (logged).
    pub fn new(command: &str, config: &GatewayConfig, secrets: &GatewaySecrets) -> Self {
        let served = config
            .integrations
            .get(command)
            .filter(|integration| integration.integration_type == IntegrationType::Nautobot)
            .and_then(|integration| {
                match NautobotClient::new(&ClientSettings::of(integration, secrets)) {
                    Ok(client) => Some(Served {
                        client,
                        credentials: Credentials::new(
                            command,
                            Auth::Token,
                            integration,
                            &config.account_links,
                            secrets,
                        ),
                        web_url: toolkit::web_url(integration),
                    }),
                    Err(error) => {
                        let error: NautobotError = error;
                        tracing::warn!(%command, %error, "the Nautobot of ssot-sync-to-nautobot is not reachable");
                        None
                    }
                }
            });
        SyncTarget {
            command: command.to_owned(),
            served,
        }
    }
}

impl Served {
    /// Who `call` acts as in Nautobot: see [`Credentials::acting_as`].
    pub fn acting_as(&self, call: &Call<'_>) -> Option<UserToken> {
        self.credentials.acting_as(call).and_then(user_token)
    }
}
