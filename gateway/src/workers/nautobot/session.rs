//! One sub-command run: the toolkit's session with the Nautobot client,
//! acting as a Nautobot user, and Nautobot's API calls on it.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::client::{NautobotClient, Page, UserToken};
use super::commands::filter::ObjectList;
use super::error::{NautobotApi, NautobotError};
use crate::commands::Call;
use crate::model::Choice;
pub use crate::workers::toolkit::paging::MAX_ROWS;
use crate::workers::toolkit::{
    self,
    menus::{self, Feed},
};

/// A sub-command being run against Nautobot as one user; Nautobot's API
/// calls are added below.
pub type Session<'a> = toolkit::session::Session<'a, NautobotClient, UserToken>;

impl Session<'_> {
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

    /// The rows of the GraphQL list `list` (`circuits`) that `query` answers
    /// with `variables`.
    pub async fn rows<T: DeserializeOwned>(
        &self,
        list: &str,
        query: &str,
        variables: Value,
    ) -> Result<Vec<T>, NautobotError> {
        let mut data: HashMap<String, Vec<T>> = self.graphql(query, variables).await?;
        data.remove(list)
            .ok_or_else(|| NautobotError::Malformed(format!("graphql: no {list} in the answer")))
    }

    /// The rows of the GraphQL list `list` with `fields`: those whose
    /// `argument` is `value` (an `Int` when a number, else a `String`) when
    /// there is a filter, else all of them.
    pub async fn filtered<T: DeserializeOwned>(
        &self,
        list: &str,
        fields: &str,
        filter: Option<(&str, Value)>,
    ) -> Result<Vec<T>, NautobotError> {
        let Some((argument, value)) = filter else {
            return self
                .rows(list, &format!("{{ {list} {{ {fields} }} }}"), json!({}))
                .await;
        };
        let kind = if value.is_number() { "[Int]" } else { "[String]" };
        let query = format!("query ($value: {kind}) {{ {list}({argument}: $value) {{ {fields} }} }}");
        self.rows(list, &query, json!({"value": [value]})).await
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
}

impl Feed<ObjectList> for Session<'_> {
    type Backend = NautobotApi;

    fn call(&self) -> &Call<'_> {
        &self.call
    }

    async fn choices(&self, source: &ObjectList) -> Result<Vec<Choice>, NautobotError> {
        Session::choices(self, source.path, source.query, source.value_field).await
    }
}

/// Choices from REST objects: `value_field` (a string or a number) as the
/// value, `display` (else the value) as the label; sorted, without repeats.
pub fn choices_of(objects: &[Value], value_field: &str) -> Vec<Choice> {
    menus::choices_of(objects, value_field, "display")
}
