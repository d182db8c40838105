//! What can go wrong rendering a panel: Grafana's errors (the toolkit's,
//! naming Grafana), or Nautobot's, when a variable's choices come from it.

use super::nautobot::Unavailable;
use crate::commands::{Call, CommandError};
use crate::model::Reply;
use crate::workers::nautobot::{NautobotApi, NautobotError};
use crate::workers::toolkit::errors::{Backend, BackendError};
use crate::workers::toolkit::render::error;
use crate::workers::toolkit::sentences;

/// Grafana, as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrafanaApi;

impl Backend for GrafanaApi {
    const NAME: &'static str = "Grafana";
    const CREDENTIAL: &'static str = "token";
}

/// Why a Grafana call failed. Names the dashboard and the user, never a secret.
pub type GrafanaError = BackendError<GrafanaApi>;

/// Why a `get-<panel>` run failed: in Grafana, or in the Nautobot that
/// gives a variable's choices.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Grafana failed or refused.
    #[error(transparent)]
    Grafana(#[from] GrafanaError),
    /// The Nautobot of a variable's choices failed or refused.
    #[error(transparent)]
    Nautobot(#[from] NautobotError),
    /// The Nautobot of a variable's choices cannot be asked.
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

/// `call`'s result as the router takes it: each backend's failure told the
/// toolkit's way, naming the backend that failed.
pub fn answer(call: &Call<'_>, result: Result<Reply, Failure>) -> Result<Reply, CommandError> {
    match result {
        Ok(reply) => Ok(reply),
        Err(Failure::Grafana(failure)) => sentences::told(failure),
        Err(Failure::Nautobot(failure)) => sentences::told(failure),
        Err(Failure::Unavailable(Unavailable::NoCredential)) => {
            Ok(sentences::no_credential::<NautobotApi>(call))
        }
        Err(Failure::Unavailable(unavailable)) => Ok(error(sentences::sentence(&unavailable.to_string()))),
    }
}

/// Why a Grafana Integration is not served.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Its endpoint or TLS settings make no client.
    #[error(transparent)]
    Client(#[from] GrafanaError),
    /// It declares no panel (`spec.grafana`), so it would answer nothing.
    #[error("the Integration declares no panels (spec.grafana.dashboards)")]
    NoPanels,
}
