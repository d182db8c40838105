//! One sub-command run: the toolkit's session with the AWX client, acting
//! as an AWX user, and AWX's API calls on it.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::AwxClient;
use super::error::AwxError;
use crate::workers::toolkit::{self, credentials::Credential, paging::MAX_ROWS};

/// A sub-command being run against AWX as one user.
pub type Session<'a> = toolkit::session::Session<'a, AwxClient, Credential>;

impl Session<'_> {
    /// A list under `/api/v2/`, followed through its pages up to
    /// [`MAX_ROWS`]: the objects, and how many AWX counts.
    pub async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(Vec<T>, usize), AwxError> {
        self.client.list(&self.who, path, query, MAX_ROWS).await
    }

    /// The first `count` objects of a list (one page), and how many AWX counts.
    pub async fn first<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        count: usize,
    ) -> Result<(Vec<T>, usize), AwxError> {
        self.client.list(&self.who, path, query, count).await
    }

    /// The object of the list at `path` named `name`, if the user sees one.
    pub async fn named<T: DeserializeOwned>(&self, path: &str, name: &str) -> Result<Option<T>, AwxError> {
        let (found, _) = self.first(path, &[("name", name)], 1).await?;
        Ok(found.into_iter().next())
    }

    /// One object or document under `/api/v2/`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, AwxError> {
        self.client.get(&self.who, path).await
    }

    /// An action (`run`) at `path`, as this user.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
        action: &str,
    ) -> Result<T, AwxError> {
        self.client.post(&self.who, path, body, action).await
    }
}
