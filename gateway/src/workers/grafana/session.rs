//! One `get-<panel>` run: the toolkit's session with the Grafana client,
//! acting as a Grafana user, and Grafana's calls on it.

use super::client::{Dashboard, GrafanaClient};
use super::error::GrafanaError;
use crate::workers::toolkit::{self, credentials::Credential};

/// A sub-command being run against Grafana as one user.
pub type Session<'a> = toolkit::session::Session<'a, GrafanaClient, Credential>;

impl Session<'_> {
    /// The model of the dashboard `uid`, which refusals call `name`.
    pub async fn dashboard(&self, uid: &str, name: &str) -> Result<Dashboard, GrafanaError> {
        self.client.dashboard(&self.who, uid, name).await
    }

    /// The PNG of the panel `query` names, of the dashboard `uid`/`slug`.
    pub async fn render(
        &self,
        dashboard: (&str, &str),
        query: &[(String, String)],
        name: &str,
    ) -> Result<Vec<u8>, GrafanaError> {
        self.client.render(&self.who, dashboard, query, name).await
    }
}
