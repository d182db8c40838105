//! IP Fabric's REST API (`/api/`), as the chat user.
//!
//! Every call carries the API token of the user it acts for in IP Fabric's
//! own header, `X-API-Token`, so that the token's role decides what the
//! person may read. Tables are read by `POST /api/tables/…` with IP Fabric's
//! body (`columns`, `filters`, `snapshot`, `pagination`, `sort`), page after
//! page by `pagination.start` until `_meta.count` rows are read.

use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::IpfabricError;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::Connection;
use crate::workers::toolkit::credentials::Credential;
use crate::workers::toolkit::errors::BackendError;
use crate::workers::toolkit::paging::{PageOf, follow};

/// Rows read per table page: IP Fabric's UI reads 1000 at most too.
pub const PAGE_SIZE: usize = 1000;

/// The header IP Fabric takes API tokens in.
pub const TOKEN_HEADER: &str = "X-API-Token";

/// One table query: which table, which columns, which rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Query<'a> {
    /// The table's path under `/api/` (`tables/inventory/devices`).
    pub table: &'a str,
    /// The columns read.
    pub columns: &'a [&'a str],
    /// IP Fabric's filter (`{"hostname": ["ieq", "x"]}`), or `{}` for every row.
    pub filters: Value,
    /// The column rows are sorted by, ascending.
    pub sort: Option<&'a str>,
}

/// A page of a table, as IP Fabric answers it.
#[derive(Deserialize)]
struct TablePage {
    data: Vec<Value>,
    #[serde(rename = "_meta")]
    meta: Meta,
}

#[derive(Deserialize)]
struct Meta {
    count: usize,
}

/// A client of one IP Fabric appliance.
#[derive(Clone, Debug)]
pub struct IpfabricClient {
    connection: Connection,
    page_size: usize,
}

impl IpfabricClient {
    /// A client for `settings`, reading tables [`PAGE_SIZE`] rows a page.
    pub fn new(settings: &ClientSettings) -> Result<Self, IpfabricError> {
        Ok(Self {
            connection: settings.connect()?,
            page_size: PAGE_SIZE,
        })
    }

    /// The same client, reading tables `size` rows a page (at least one).
    #[must_use]
    pub fn paged_by(self, size: usize) -> Self {
        Self {
            page_size: size.max(1),
            ..self
        }
    }

    /// Every snapshot (`GET /api/snapshots`), loaded or not.
    pub async fn snapshots(&self, who: &Credential) -> Result<Vec<Value>, IpfabricError> {
        let answer = self.send(who, Method::GET, "snapshots", None).await?;
        read(&answer, who, "snapshots")
    }

    /// The rows of `query` in `snapshot` (an id), page after page until
    /// `max_rows` or the last: the rows and how many there are in all.
    pub async fn table(
        &self,
        who: &Credential,
        query: &Query<'_>,
        snapshot: &str,
        max_rows: usize,
    ) -> Result<(Vec<Value>, usize), IpfabricError> {
        let size = self.page_size;
        follow(0, max_rows, |start: usize| {
            let mut body = json!({
                "columns": query.columns,
                "filters": query.filters,
                "snapshot": snapshot,
                "pagination": {"start": start, "limit": size},
            });
            if let Some(column) = query.sort {
                body["sort"] = json!({"column": column, "order": "asc"});
            }
            async move {
                let answer = self.send(who, Method::POST, query.table, Some(&body)).await?;
                let page: TablePage = read(&answer, who, query.table)?;
                let read_to = start + page.data.len();
                Ok::<_, IpfabricError>(PageOf {
                    next: (!page.data.is_empty() && read_to < page.meta.count).then_some(read_to),
                    count: page.meta.count,
                    results: page.data,
                })
            }
        })
        .await
    }

    /// The path lookup `parameters` in `snapshot`: its JSON result
    /// (`POST /api/graphs`).
    pub async fn path_lookup(
        &self,
        who: &Credential,
        parameters: &Value,
        snapshot: &str,
    ) -> Result<Value, IpfabricError> {
        let body = json!({"parameters": parameters, "snapshot": snapshot});
        let answer = self.send(who, Method::POST, "graphs", Some(&body)).await?;
        read(&answer, who, "graphs")
    }

    /// The path lookup `parameters` in `snapshot` drawn as a PNG
    /// (`POST /api/graphs/png`).
    pub async fn path_png(
        &self,
        who: &Credential,
        parameters: &Value,
        snapshot: &str,
    ) -> Result<Vec<u8>, IpfabricError> {
        let body = json!({"parameters": parameters, "snapshot": snapshot});
        let answer = self.send(who, Method::POST, "graphs/png", Some(&body)).await?;
        if !answer.status.is_success() {
            return Err(refusal(&answer, who, "graphs/png"));
        }
        // A proxy's login page answers 200 too: only a PNG is a picture.
        if !answer.body.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(BackendError::Malformed(
                "graphs/png: the path diagram is not a PNG".to_owned(),
            ));
        }
        Ok(answer.body.to_vec())
    }

    /// Sends `body` by `method` to `path` (under `/api/`) as `who`.
    async fn send(
        &self,
        who: &Credential,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<chatops_outbound::Answer, IpfabricError> {
        let url = format!(
            "{}/api/{}",
            self.connection.endpoint_text(),
            path.trim_start_matches('/')
        );
        let url = Url::parse(&url).map_err(|err| BackendError::Malformed(format!("not a URL: {err}")))?;
        self.connection
            .send_json("ipfabric", who, method, url, body)
            .await
    }
}

/// The JSON of a successful `answer`, else IP Fabric's refusal of `object`.
fn read<T: serde::de::DeserializeOwned>(
    answer: &chatops_outbound::Answer,
    who: &Credential,
    object: &str,
) -> Result<T, IpfabricError> {
    BackendError::read_answer(answer, (&who.user, who.linked), "view", object.to_owned(), reason)
}

fn refusal(answer: &chatops_outbound::Answer, who: &Credential, object: &str) -> IpfabricError {
    BackendError::refusal(answer, (&who.user, who.linked), "view", object.to_owned(), reason)
}

/// Why IP Fabric refused: its `message`, with the fields its validation
/// names (`snapshot: Snapshot … is not loaded`).
pub fn reason(answer: &Value) -> Option<String> {
    let message = answer.get("message").and_then(Value::as_str)?;
    let fields: Vec<String> = answer
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|error| {
            let said = error.get("message")?.as_str()?;
            Some(match error.get("field").and_then(Value::as_str) {
                Some(field) => format!("{field}: {said}"),
                None => said.to_owned(),
            })
        })
        .collect();
    Some(if fields.is_empty() {
        message.to_owned()
    } else {
        format!("{message} ({})", fields.join("; "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_the_message_and_the_fields_it_names() {
        assert_eq!(
            reason(&json!({"code": "API_SNAPSHOT_NOT_LOADED", "message": "Snapshot x is not loaded"}))
                .as_deref(),
            Some("Snapshot x is not loaded")
        );
        assert_eq!(
            reason(&json!({"message": "Request validation failed", "errors": [{"field": "columns", "message": "Unknown column"}]}))
                .as_deref(),
            Some("Request validation failed (columns: Unknown column)")
        );
        assert_eq!(reason(&json!({"status": 500})), None);
    }
}
