//! One sub-command run: the toolkit's session with the IP Fabric client,
//! acting with one API token, and IP Fabric's API calls on it.

use serde_json::Value;

use super::client::{IpfabricClient, Query};
use super::error::IpfabricError;
use super::snapshot::{Snapshot, snapshots_of};
use crate::workers::toolkit::{self, credentials::Credential, paging::MAX_ROWS};

/// A sub-command being run against IP Fabric as one user.
pub type Session<'a> = toolkit::session::Session<'a, IpfabricClient, Credential>;

impl Session<'_> {
    /// Every snapshot, newest first.
    pub async fn snapshots(&self) -> Result<Vec<Snapshot>, IpfabricError> {
        Ok(snapshots_of(&self.client.snapshots(&self.who).await?))
    }

    /// The rows of `query` in `snapshot`, up to one more than [`MAX_ROWS`]
    /// (so that [`toolkit::paging::cut`] tells whether there were more).
    pub async fn rows(&self, query: &Query<'_>, snapshot: &Snapshot) -> Result<Vec<Value>, IpfabricError> {
        let (rows, _) = self
            .client
            .table(&self.who, query, &snapshot.id, MAX_ROWS + 1)
            .await?;
        Ok(rows)
    }
}
