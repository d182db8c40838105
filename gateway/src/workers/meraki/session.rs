//! One sub-command run: the toolkit's session with the Meraki client,
//! acting with one API key within one time budget, and the Dashboard calls
//! on it.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::{Caller, Listed, MerakiClient, Subject};
use super::error::MerakiError;
use crate::workers::toolkit;

/// A sub-command being run against Meraki as one user.
pub type Session<'a> = toolkit::session::Session<'a, MerakiClient, Caller>;

impl Session<'_> {
    /// `GET {path}` (under `/api/v1/`) with `query`, read as `T`; a refusal
    /// is said as the user may not `action` `object`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        subject: Subject<'_>,
    ) -> Result<T, MerakiError> {
        self.client.get(&self.who, path, query, subject).await
    }

    /// Every page of the list at `path` (under `/api/v1/`), up to the client's cap.
    pub async fn list(
        &self,
        path: &str,
        query: &[(&str, &str)],
        subject: Subject<'_>,
    ) -> Result<Listed, MerakiError> {
        self.client.list(&self.who, path, query, subject).await
    }

    /// `PUT {path}` with `body`: Meraki's answer.
    pub async fn put(&self, path: &str, body: &Value, subject: Subject<'_>) -> Result<Value, MerakiError> {
        self.client
            .write(&self.who, reqwest::Method::PUT, path, body, subject)
            .await
    }

    /// `POST {path}` with `body`: Meraki's answer.
    pub async fn post(&self, path: &str, body: &Value, subject: Subject<'_>) -> Result<Value, MerakiError> {
        self.client
            .write(&self.who, reqwest::Method::POST, path, body, subject)
            .await
    }
}
