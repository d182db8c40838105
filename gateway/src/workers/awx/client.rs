//! AWX's REST API (`/api/v2/`), as the chat user.
//!
//! Every call carries the credential of the user it acts for (a bearer
//! token, or a username and password as HTTP Basic), so AWX's own roles
//! decide what the person may see and launch. Lists are followed through
//! their pages (`next`, a path on AWX itself), and only on AWX's own origin:
//! a `next` elsewhere would carry the credential to a stranger.

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::AwxError;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::{Connection, Effect};
use crate::workers::toolkit::credentials::Credential;
use crate::workers::toolkit::paging::{PageOf, follow, on_own_origin};

/// AWX's largest page (`MAX_PAGE_SIZE`): fewest round trips.
const PAGE_SIZE: usize = 200;

/// A client of one AWX.
#[derive(Clone, Debug)]
pub struct AwxClient {
    connection: Connection,
}

/// One page of an AWX list.
#[derive(serde::Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct ListPage<T> {
    count: usize,
    next: Option<String>,
    results: Vec<T>,
}

impl AwxClient {
    /// A client for `settings`.
    pub fn new(settings: &ClientSettings) -> Result<Self, AwxError> {
        Ok(Self {
            connection: settings.connect()?,
        })
    }

    /// Reads the list at `path` (under `/api/v2/`, e.g. `hosts/`) with
    /// `query`, following pages until `max_items` objects are read: the
    /// objects, and how many AWX counts in all.
    pub async fn list<T: DeserializeOwned>(
        &self,
        who: &Credential,
        path: &str,
        query: &[(&str, &str)],
        max_items: usize,
    ) -> Result<(Vec<T>, usize), AwxError> {
        let size = PAGE_SIZE.min(max_items.max(1)).to_string();
        let sized = query.iter().any(|(key, _)| *key == "page_size");
        let extra = (!sized).then_some(("page_size", size.as_str()));
        let first = self.url(path, query.iter().copied().chain(extra))?;
        follow(first, max_items, |url| async move {
            let page: ListPage<T> = self.request(who, Method::GET, url, None, path, "view").await?;
            let next = match page.next {
                Some(next) => Some(self.same_origin(&next)?),
                None => None,
            };
            Ok(PageOf {
                results: page.results,
                count: page.count,
                next,
            })
        })
        .await
    }

    /// Reads one object or document at `path` (under `/api/v2/`).
    pub async fn get<T: DeserializeOwned>(&self, who: &Credential, path: &str) -> Result<T, AwxError> {
        let url = self.url(path, std::iter::empty())?;
        self.request(who, Method::GET, url, None, path, "view").await
    }

    /// Asks AWX to act at `path` (under `/api/v2/`, e.g.
    /// `job_templates/7/launch/`); a refusal is said as `action` ("run") on
    /// what the path names (`job_templates`).
    pub async fn post<T: DeserializeOwned>(
        &self,
        who: &Credential,
        path: &str,
        body: &Value,
        action: &str,
    ) -> Result<T, AwxError> {
        let url = self.url(path, std::iter::empty())?;
        self.request(who, Method::POST, url, Some(body), path, action)
            .await
    }

    fn url<'a>(&self, path: &str, query: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Url, AwxError> {
        let base = format!(
            "{}/api/v2/{}",
            self.connection.endpoint_text(),
            path.trim_start_matches('/')
        );
        let mut url = Url::parse(&base).map_err(|err| AwxError::Malformed(format!("not a URL: {err}")))?;
        url.query_pairs_mut().extend_pairs(query);
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }

    /// `next` (AWX gives a path, `/api/v2/hosts/?page=2`) as a URL, only if
    /// it is on AWX's own origin.
    fn same_origin(&self, next: &str) -> Result<Url, AwxError> {
        let next = self
            .connection
            .endpoint
            .join(next)
            .map_err(|err| AwxError::Malformed(format!("next page: {err}")))?;
        on_own_origin(next, &self.connection.endpoint)
    }

    /// Sends `body` by `method` to `url` as `who`; a refusal is said as `who`
    /// may not `action` (`view`, `run`) what `path` names.
    async fn request<T: DeserializeOwned>(
        &self,
        who: &Credential,
        method: Method,
        url: Url,
        body: Option<&Value>,
        path: &str,
        action: &str,
    ) -> Result<T, AwxError> {
        // Every call but a view changes something (a launch): its answer lost
        // on the way leaves unknown whether AWX did it.
        let effect = Effect::of_action(action);
        let answer = self
            .connection
            .send_json_as("awx", who, (method, url, body), effect)
            .await?;
        AwxError::read_answer(
            &answer,
            (&who.user, who.linked),
            action,
            object_name(path),
            reason,
        )
    }
}

/// Why AWX refused: its `detail`, or its field errors
/// (`variables_needed_to_start: 'version' value missing`).
fn reason(answer: &Value) -> Option<String> {
    if let Some(detail) = answer.get("detail").and_then(Value::as_str) {
        return Some(detail.to_owned());
    }
    let said: Vec<String> = answer
        .as_object()?
        .iter()
        .map(|(field, errors)| {
            let errors = match errors {
                Value::Array(list) => list
                    .iter()
                    .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(" "),
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            format!("{field}: {errors}")
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// `job_templates/7/launch/` → `job_templates`: what people call the kind,
/// without IDs or the action.
pub fn object_name(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    path.trim_matches('/')
        .split('/')
        .filter(|part| !part.is_empty() && !part.chars().all(|c| c.is_ascii_digit()) && *part != "launch")
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_named_without_ids_or_actions() {
        assert_eq!(object_name("job_templates/7/launch/"), "job_templates");
        assert_eq!(object_name("inventories/3/groups/"), "inventories/groups");
        assert_eq!(object_name("dashboard/"), "dashboard");
    }

    #[test]
    fn a_refusal_reads_awx_field_errors() {
        let body = serde_json::json!({"variables_needed_to_start": ["'version' value missing"]});
        assert_eq!(
            reason(&body).as_deref(),
            Some("variables_needed_to_start: 'version' value missing")
        );
        assert_eq!(
            reason(&serde_json::json!({"detail": "Not found."})).as_deref(),
            Some("Not found.")
        );
    }
}
