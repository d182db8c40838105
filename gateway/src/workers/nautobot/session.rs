//! One sub-command run: the Nautobot client, who it acts as, and the call.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::{NautobotClient, Page, UserToken};
use super::error::NautobotError;
use crate::commands::Call;
use crate::model::{Choice, Reply};

/// The most objects a list or a table reads; a table of more says how many
/// it leaves out, and a menu of more is paged by the platform.
pub const MAX_ROWS: usize = 10_000;

/// A sub-command being run against Nautobot as one user.
pub struct Session<'a> {
    client: &'a NautobotClient,
    /// Who Nautobot sees.
    pub who: UserToken,
    /// The chat call.
    pub call: Call<'a>,
    web_url: &'a str,
}

impl<'a> Session<'a> {
    /// A session of `call` on `client`, acting as `who`; `web_url` is
    /// Nautobot's own address, for links.
    pub fn new(client: &'a NautobotClient, who: UserToken, call: Call<'a>, web_url: &'a str) -> Self {
        Session {
            client,
            who,
            call,
            web_url,
        }
    }

    /// The `index`th argument, if given and not blank.
    pub fn arg(&self, index: usize) -> Option<&'a str> {
        self.call.arg(index).map(str::trim).filter(|arg| !arg.is_empty())
    }

    /// The arguments from `index` on.
    pub fn args_from(&self, index: usize) -> &'a [String] {
        self.call.invocation.arguments.get(index..).unwrap_or_default()
    }

    /// A list under `/api/`, followed through its pages up to [`MAX_ROWS`].
    pub async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Page<T>, NautobotError> {
        self.client.list(&self.who, path, query, MAX_ROWS).await
    }

    /// How many objects a REST list at `path` with `query` has, read from
    /// its first page of one.
    pub async fn count(&self, path: &str, query: &[(&str, &str)]) -> Result<usize, NautobotError> {
        let page: Page<serde::de::IgnoredAny> = self.client.list(&self.who, path, query, 1).await?;
        Ok(page.count)
    }

    /// One object or document under `/api/`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, NautobotError> {
        self.client.get(&self.who, path, query).await
    }

    /// A change, as this user.
    pub async fn patch<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, NautobotError> {
        self.client.patch(&self.who, path, body).await
    }

    /// An action (`run`), as this user.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
        action: &str,
    ) -> Result<T, NautobotError> {
        self.client.post(&self.who, path, body, action).await
    }

    /// A GraphQL query whose `data` is read as `T`.
    pub async fn graphql<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
    ) -> Result<T, NautobotError> {
        let data = self.client.graphql(&self.who, query, variables).await?;
        serde_json::from_value(data).map_err(|err| NautobotError::Malformed(format!("graphql: {err}")))
    }

    /// Menu choices from a REST list: each object's `value_field` as the
    /// value (a name, never a UUID) and its `display` as the label, sorted
    /// by label, one choice per value.
    pub async fn choices(
        &self,
        path: &str,
        query: &[(&str, &str)],
        value_field: &str,
    ) -> Result<Vec<Choice>, NautobotError> {
        let page: Page<Value> = self.list(path, query).await?;
        Ok(choices_of(&page.results, value_field))
    }

    /// A menu for the next argument (paged by [`Call::menu`]).
    pub fn menu(&self, text: impl Into<String>, choices: Vec<Choice>) -> Reply {
        self.call.menu(text, choices)
    }

    /// The link to `path` in Nautobot's web UI (e.g. `dcim/devices/{id}/`).
    pub fn web_link(&self, path: &str) -> String {
        format!("{}/{}", self.web_url, path.trim_start_matches('/'))
    }

    /// Nautobot's own address.
    pub fn web_url(&self) -> &str {
        self.web_url
    }

    /// The command as typed so far, for messages: `/nautobot get-devices`.
    pub fn typed(&self) -> String {
        let invocation = self.call.invocation;
        format!(
            "{}{} {}",
            self.call.prefix(),
            invocation.command,
            invocation.subcommand
        )
    }
}

/// Choices from REST objects: `value_field` (a string or a number) as the
/// value, `display` (else the value) as the label; sorted, without repeats.
pub fn choices_of(objects: &[Value], value_field: &str) -> Vec<Choice> {
    let mut choices: Vec<Choice> = objects
        .iter()
        .filter_map(|object| {
            let value = match object.get(value_field)? {
                Value::String(text) if !text.is_empty() => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return None,
            };
            let label = object
                .get("display")
                .and_then(Value::as_str)
                .filter(|display| !display.is_empty())
                .map_or_else(|| value.clone(), str::to_owned);
            Some(Choice { label, value })
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.value.cmp(&b.value)));
    let mut seen = std::collections::HashSet::new();
    choices.retain(|choice| seen.insert(choice.value.clone()));
    choices
}
