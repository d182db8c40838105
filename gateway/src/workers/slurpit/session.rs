//! One sub-command run: the toolkit's session with the Slurpit client,
//! acting with one API key, and Slurpit's API calls on it.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::SlurpitClient;
use super::error::SlurpitError;
use crate::workers::toolkit::{self, credentials::Credential, paging::MAX_ROWS};

/// A sub-command being run against Slurpit as one user.
pub type Session<'a> = toolkit::session::Session<'a, SlurpitClient, Credential>;

impl Session<'_> {
    /// A list under `/api/`, read through its pages up to one more than
    /// [`MAX_ROWS`] (so that [`toolkit::paging::cut`] tells whether there were more).
    pub async fn list<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, SlurpitError> {
        self.client.list(&self.who, path, MAX_ROWS + 1).await
    }

    /// A search under `/api/` with `criteria`, read through its pages like [`Session::list`].
    pub async fn search<T: DeserializeOwned>(
        &self,
        path: &str,
        criteria: &Value,
    ) -> Result<Vec<T>, SlurpitError> {
        self.client.search(&self.who, path, criteria, MAX_ROWS + 1).await
    }
}
