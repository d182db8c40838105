//! Nautobot's REST API and GraphQL, as the chat user.
//!
//! Every call carries the token of the user it acts for ([`UserToken`]), so
//! Nautobot's own object permissions decide what the person may see and
//! change. Lists are followed through their pages (`next`), but only on
//! Nautobot's own origin: a `next` pointing elsewhere would carry the token
//! to a stranger. Redirects are not followed for the same reason.

use chatops_outbound::RetryPolicy;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::error::NautobotError;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::{Connection, Effect};
use crate::workers::toolkit::paging::on_own_origin;

/// Nautobot's largest page (`MAX_PAGE_SIZE`'s default): fewest round trips. Measured with
/// `scripts/bench-nautobot` (docs/benchmarks.md, 1 000 devices at depth 1 on Nautobot 3.2.7):
/// one page of 1 000 took Nautobot 15.9 s (median), ten pages of 100 took 17.5 s. A page is
/// decoded straight into its objects, so the gateway holds one page's objects, not its JSON.
const PAGE_SIZE: usize = 1000;

/// A Nautobot user and their API token. `Debug` never shows the token.
#[derive(Clone)]
pub struct UserToken {
    /// The Nautobot username, for messages ("linked as alice").
    pub user: String,
    /// Whether the token is the chat user's own (from their AccountLink), not
    /// the Integration's, used for the platform's fallback user.
    pub linked: bool,
    token: String,
}

impl UserToken {
    /// The token `token` of `user`, linked to the chat user by an AccountLink.
    pub fn new(user: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            user: user.into(),
            linked: true,
            token: token.into(),
        }
    }

    /// The Integration's own token `token`, used as the platform's fallback
    /// user `user` for chat users without a token of their own.
    pub fn fallback(user: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            linked: false,
            ..Self::new(user, token)
        }
    }
}

impl std::fmt::Debug for UserToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserToken")
            .field("user", &self.user)
            .field("linked", &self.linked)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// Some results of a list, and how many there are in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The results read, at most the number asked for.
    pub results: Vec<T>,
    /// How many objects match, as Nautobot counts them.
    pub count: usize,
}

impl<T> Page<T> {
    /// Whether more objects match than were read.
    pub fn truncated(&self) -> bool {
        self.results.len() < self.count
    }
}

/// A client of one Nautobot.
#[derive(Clone, Debug)]
pub struct NautobotClient {
    connection: Connection,
}

impl NautobotClient {
    /// A client for `settings`.
    pub fn new(settings: &ClientSettings) -> Result<Self, NautobotError> {
        Ok(Self {
            connection: settings.connect()?,
        })
    }

    /// Reads `path` (under `/api/`, e.g. `dcim/devices/`) with `query`,
    /// following pages until `max_items` results are read or none are left.
    pub async fn list<T: DeserializeOwned>(
        &self,
        who: &UserToken,
        path: &str,
        query: &[(&str, &str)],
        max_items: usize,
    ) -> Result<Page<T>, NautobotError> {
        let limit = PAGE_SIZE.min(max_items.max(1)).to_string();
        let mut url = self.url(path, query.iter().copied().chain([("limit", limit.as_str())]))?;
        let mut results = Vec::new();
        loop {
            let page: ListPage<T> = self.request(who, Method::GET, url, None, path, "view").await?;
            let count = page.count;
            results.extend(page.results);
            if results.len() >= max_items {
                results.truncate(max_items);
                return Ok(Page { results, count });
            }
            match page.next {
                Some(next) if results.len() < max_items => url = self.same_origin(&next)?,
                _ => return Ok(Page { results, count }),
            }
        }
    }

    /// Reads one object or document at `path` (under `/api/`).
    pub async fn get<T: DeserializeOwned>(
        &self,
        who: &UserToken,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, NautobotError> {
        let url = self.url(path, query.iter().copied())?;
        self.request(who, Method::GET, url, None, path, "view").await
    }

    /// Changes the object at `path` (under `/api/`) with a JSON merge of `body`.
    pub async fn patch<T: DeserializeOwned>(
        &self,
        who: &UserToken,
        path: &str,
        body: &Value,
    ) -> Result<T, NautobotError> {
        let url = self.url(path, std::iter::empty())?;
        self.request(who, Method::PATCH, url, Some(body), path, "change")
            .await
    }

    /// Asks Nautobot to act at `path` (under `/api/`), e.g. run a job; `action`
    /// names it for a refusal ("run").
    pub async fn post<T: DeserializeOwned>(
        &self,
        who: &UserToken,
        path: &str,
        body: &Value,
        action: &str,
    ) -> Result<T, NautobotError> {
        let url = self.url(path, std::iter::empty())?;
        // `extras/jobs/{id}/run/` refused is "may not run extras/jobs".
        let object = path.trim_end_matches('/').strip_suffix(action).unwrap_or(path);
        self.request(who, Method::POST, url, Some(body), object, action)
            .await
    }

    /// Runs a GraphQL query; GraphQL errors are a [`NautobotError::Query`].
    pub async fn graphql(
        &self,
        who: &UserToken,
        query: &str,
        variables: Value,
    ) -> Result<Value, NautobotError> {
        let url = self.url("graphql/", std::iter::empty())?;
        let body = json!({"query": query, "variables": variables});
        let answer: Value = self
            .request(who, Method::POST, url, Some(&body), "graphql", "query")
            .await?;
        if let Some(errors) = answer
            .get("errors")
            .and_then(Value::as_array)
            .filter(|e| !e.is_empty())
        {
            let detail = errors
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .map(|message| field_errors(message).unwrap_or_else(|| message.to_owned()))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(NautobotError::Query(detail));
        }
        answer
            .get("data")
            .cloned()
            .ok_or_else(|| NautobotError::Malformed("a GraphQL answer without data".to_owned()))
    }

    fn url<'a>(
        &self,
        path: &str,
        query: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Result<reqwest::Url, NautobotError> {
        let mut url = reqwest::Url::parse(&format!(
            "{}/api/{}",
            self.connection.endpoint_text(),
            path.trim_start_matches('/')
        ))
        .map_err(|err| NautobotError::Malformed(format!("not a URL: {err}")))?;
        url.query_pairs_mut().extend_pairs(query);
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }

    /// `next` as a URL, only if it is on Nautobot's own origin.
    fn same_origin(&self, next: &str) -> Result<reqwest::Url, NautobotError> {
        let next =
            reqwest::Url::parse(next).map_err(|err| NautobotError::Malformed(format!("next page: {err}")))?;
        on_own_origin(next, &self.connection.endpoint)
    }

    /// Sends `body` by `method` to `url` as `who`; a refusal is said as `who`
    /// may not `action` (`view`, `change`, `run`) `object`.
    async fn request<T: DeserializeOwned>(
        &self,
        who: &UserToken,
        method: Method,
        url: reqwest::Url,
        body: Option<&Value>,
        object: &str,
        action: &str,
    ) -> Result<T, NautobotError> {
        let mut request = self
            .connection
            .http
            .request(method, url)
            .header("Authorization", format!("Token {}", who.token))
            .header("Accept", "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let policy = RetryPolicy::single_attempt();
        // A change or a job run, unlike a view, may have been done even when
        // its answer was lost on the way.
        let effect = Effect::of_action(action);
        let answer = self
            .connection
            .send_as("nautobot", request, &policy, effect)
            .await?;
        NautobotError::read_answer(
            &answer,
            (&who.user, who.linked),
            action,
            object_name(object),
            reason,
        )
    }
}

/// A filter's errors as Nautobot's GraphQL says them, a Python dict
/// (`{'location': ['Select a valid choice. x is not one of the available choices.']}`),
/// said as REST says them: `location: Select a valid choice. …`.
fn field_errors(message: &str) -> Option<String> {
    let inner = message.strip_prefix("{'")?.strip_suffix("']}")?;
    let fields: Option<Vec<String>> = inner
        .split("'], '")
        .map(|field| {
            let (name, errors) = field.split_once("': ['")?;
            Some(format!("{name}: {}", errors.replace("', '", " ")))
        })
        .collect();
    Some(fields?.join("; "))
}

/// One page of a Nautobot list.
#[derive(serde::Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct ListPage<T> {
    count: usize,
    next: Option<String>,
    results: Vec<T>,
}

/// Why Nautobot refused: its `detail`, or for a 400 the field errors
/// (`location: Select a valid choice. nope is not one of the available choices.`).
fn reason(answer: &Value) -> Option<String> {
    if let Some(detail) = answer.get("detail").and_then(Value::as_str) {
        return Some(detail.to_owned());
    }
    match answer.get("errors") {
        // GraphQL's own refusals: `{"errors": [{"message": …}]}`.
        Some(Value::Array(errors)) => {
            let messages: Vec<&str> = errors.iter().filter_map(|e| e.get("message")?.as_str()).collect();
            return (!messages.is_empty()).then(|| messages.join("; "));
        }
        // A job's inputs refused (`POST extras/jobs/{id}/run/`, Nautobot 3.2):
        // `{"errors": {"snapshot": ["Select a valid choice. …"]}}`.
        Some(fields @ Value::Object(_)) => return fields_said(fields),
        _ => {}
    }
    // A refusal that is not about one field, as Nautobot 3.2.7 refuses to run a job with
    // sensitive variables under an approval workflow: `["Unable to run or schedule job: …"]`.
    if let Some(said) = answer.as_array() {
        let said: Vec<&str> = said.iter().filter_map(Value::as_str).collect();
        return (!said.is_empty()).then(|| said.join(" "));
    }
    fields_said(answer)
}

/// A 400's field errors, `{"location": ["…", "…"]}`, as `location: … …`.
fn fields_said(answer: &Value) -> Option<String> {
    let fields = answer.as_object()?;
    let said: Vec<String> = fields
        .iter()
        .map(|(field, errors)| {
            let errors = match errors {
                Value::Array(list) => list
                    .iter()
                    .filter_map(Value::as_str)
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

/// `dcim/devices/1234-…/` → `dcim/devices`: what people call the object kind.
fn object_name(path: &str) -> String {
    path.trim_matches('/')
        .split('/')
        .filter(|part| !part.is_empty() && !looks_like_id(part))
        .collect::<Vec<_>>()
        .join("/")
}

fn looks_like_id(part: &str) -> bool {
    part.len() >= 32 && part.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tls_tests;
