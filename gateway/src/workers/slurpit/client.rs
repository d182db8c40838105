//! Slurpit's portal API (`/api/`), as the chat user.
//!
//! Every call carries the API key of the user it acts for, as
//! `Authorization: Bearer <key>`, so Slurpit's own key permissions decide
//! what the person may see. Lists are bare JSON arrays paged by `offset` and
//! `limit` (in the query of a `GET`, in the body of a search): pages are read
//! until one comes back short, as Slurpit's SDK reads them.

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::SlurpitError;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::Connection;
use crate::workers::toolkit::credentials::Credential;
use crate::workers::toolkit::paging::{PageOf, follow};

/// Slurpit's default page (the SDK's `limit`): fewest round trips.
pub const PAGE_SIZE: usize = 1000;

/// A client of one Slurpit portal.
#[derive(Clone, Debug)]
pub struct SlurpitClient {
    connection: Connection,
    page_size: usize,
}

impl SlurpitClient {
    /// A client for `settings`, reading lists [`PAGE_SIZE`] at a time.
    pub fn new(settings: &ClientSettings) -> Result<Self, SlurpitError> {
        Ok(Self {
            connection: settings.connect()?,
            page_size: PAGE_SIZE,
        })
    }

    /// The same client, reading lists `size` objects a page (at least one).
    #[must_use]
    pub fn paged_by(self, size: usize) -> Self {
        Self {
            page_size: size.max(1),
            ..self
        }
    }

    /// Reads the list at `path` (under `/api/`, e.g. `devices`), page after
    /// page until a short one or `max_items` objects: the objects.
    pub async fn list<T: DeserializeOwned>(
        &self,
        who: &Credential,
        path: &str,
        max_items: usize,
    ) -> Result<Vec<T>, SlurpitError> {
        let limit = self.page_size.to_string();
        self.pages(max_items, |offset| {
            let offset = offset.to_string();
            let url = self.url(path, &[("offset", offset.as_str()), ("limit", limit.as_str())]);
            async move { self.request(who, Method::GET, url?, None, path).await }
        })
        .await
    }

    /// Posts the search `criteria` to `path` (under `/api/`, e.g.
    /// `planning/search`), page after page until a short one or `max_items`
    /// rows: the rows.
    pub async fn search<T: DeserializeOwned>(
        &self,
        who: &Credential,
        path: &str,
        criteria: &Value,
        max_items: usize,
    ) -> Result<Vec<T>, SlurpitError> {
        self.pages(max_items, |offset| {
            let mut body = criteria.clone();
            if let Value::Object(fields) = &mut body {
                fields.insert("offset".to_owned(), offset.into());
                fields.insert("limit".to_owned(), self.page_size.into());
            }
            let url = self.url(path, &[]);
            async move { self.request(who, Method::POST, url?, Some(&body), path).await }
        })
        .await
    }

    /// Follows the pages `fetch` reads from offset 0 on, a page full of
    /// [`Self::page_size`] objects meaning there may be another.
    async fn pages<T, F, Fut>(&self, max_items: usize, mut fetch: F) -> Result<Vec<T>, SlurpitError>
    where
        F: FnMut(usize) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<T>, SlurpitError>>,
    {
        let size = self.page_size;
        let (read, _) = follow(0, max_items, |offset| {
            let page = fetch(offset);
            async move {
                let results = page.await?;
                let full = results.len() >= size;
                Ok::<_, SlurpitError>(PageOf {
                    count: offset + results.len(),
                    next: full.then_some(offset + size),
                    results,
                })
            }
        })
        .await?;
        Ok(read)
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, SlurpitError> {
        let base = format!(
            "{}/api/{}",
            self.connection.endpoint_text(),
            path.trim_start_matches('/')
        );
        let mut url =
            Url::parse(&base).map_err(|err| SlurpitError::Malformed(format!("not a URL: {err}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends `body` by `method` to `url` as `who`; a refusal is said as `who`
    /// may not view what `path` names.
    async fn request<T: DeserializeOwned>(
        &self,
        who: &Credential,
        method: Method,
        url: Url,
        body: Option<&Value>,
        path: &str,
    ) -> Result<T, SlurpitError> {
        // Slurpit takes API keys only: the credentials are read as tokens,
        // sent as bearer tokens.
        let answer = self
            .connection
            .send_json("slurpit", who, method, url, body)
            .await?;
        SlurpitError::read_answer(
            &answer,
            (&who.user, who.linked),
            "view",
            object_name(path),
            reason,
        )
    }
}

/// Why Slurpit refused: its `message`, or its validation errors
/// (`planning_id: Planning ID cannot be blank.`).
fn reason(answer: &Value) -> Option<String> {
    if let Some(message) = answer.get("message").and_then(Value::as_str) {
        return Some(message.to_owned());
    }
    let said: Vec<String> = answer
        .as_array()?
        .iter()
        .filter_map(|error| {
            let message = error.get("message")?.as_str()?;
            Some(match error.get("field").and_then(Value::as_str) {
                Some(field) => format!("{field}: {message}"),
                None => message.to_owned(),
            })
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// `planning/search` → `planning`: the subject Slurpit's keys are given
/// permissions on, as people call it.
pub fn object_name(path: &str) -> String {
    path.trim_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn objects_are_named_by_their_subject() {
        assert_eq!(object_name("planning/search"), "planning");
        assert_eq!(object_name("/devices"), "devices");
    }

    #[test]
    fn a_refusal_reads_slurpit_message_or_its_field_errors() {
        assert_eq!(
            reason(&json!({"name": "Not Found", "message": "Planning not found.", "status": 404})).as_deref(),
            Some("Planning not found.")
        );
        assert_eq!(
            reason(&json!([{"field": "planning_id", "message": "Planning ID cannot be blank."}])).as_deref(),
            Some("planning_id: Planning ID cannot be blank.")
        );
        assert_eq!(reason(&json!({"status": 500})), None);
    }
}
