//! The two Grafana HTTP APIs the declaration is read from: `/api/search`
//! (which dashboards, page by page) and `/api/dashboards/uid/{uid}`.

use std::time::Duration;

use chatops_outbound::{Answer, Client, ClientSettings, OutboundError, RetryPolicy, Secret};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::GrafanaPanelsError;

/// The longest one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read: dashboards with many panels are large, but not this large.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A Grafana, as one service account token sees it.
pub struct Grafana {
    http: Client,
    base: Url,
    token: Secret,
    org_id: Option<u32>,
}

impl Grafana {
    /// The Grafana at `url` (its root, e.g. `https://grafana.example.com` or
    /// `https://example.com/grafana`), asked with `token`, in `org_id` when given.
    pub fn new(url: &str, token: Secret, org_id: Option<u32>) -> Result<Self, GrafanaPanelsError> {
        let base = Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && !u.cannot_be_a_base())
            .ok_or(GrafanaPanelsError::BadUrl("is not an http(s) URL"))?;
        // A user or password in the URL would go out with every request and
        // into any message that names the URL.
        if !base.username().is_empty() || base.password().is_some() {
            return Err(GrafanaPanelsError::BadUrl("must not carry a user or password"));
        }
        let http = ClientSettings::new(chatops_outbound::user_agent(
            "chatops-operator",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_timeout(REQUEST_TIMEOUT)
        .with_connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|err| GrafanaPanelsError::Client(err.to_string()))?;
        Ok(Grafana {
            http,
            base,
            token,
            org_id,
        })
    }

    /// `base` with the path `segments` appended, each encoded as one segment.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url.set_query(None);
        url
    }

    /// GETs `url` with the token; `what` names it in errors.
    async fn get(&self, url: Url, what: &str) -> Result<Value, GrafanaPanelsError> {
        let policy = RetryPolicy::rate_limits_only(REQUEST_TIMEOUT, 2, Duration::from_secs(30), None)
            .with_max_body(MAX_BODY);
        let mut request = self.token.authorize(self.http.get(url));
        if let Some(org) = self.org_id {
            request = request.header("X-Grafana-Org-Id", org.to_string());
        }
        let answer = chatops_outbound::send("grafana", &policy, || request.try_clone())
            .await
            .map_err(|err| self.unreachable(err))?;
        read(answer, what)
    }

    fn unreachable(&self, err: OutboundError) -> GrafanaPanelsError {
        let host = self.base.host_str().unwrap_or("(no host)");
        let port = self.base.port().map(|p| format!(":{p}")).unwrap_or_default();
        let why = match err {
            OutboundError::Transport { reason, .. } => reason,
            other => other.to_string(),
        };
        GrafanaPanelsError::Unreachable(format!("{host}{port}: {why}"))
    }

    /// The UIDs of every dashboard the token may read (in `folders` when
    /// given), in Grafana's order (by title), asked `page_size` at a time.
    pub async fn search(
        &self,
        folders: &[String],
        page_size: usize,
    ) -> Result<Vec<String>, GrafanaPanelsError> {
        let mut hits = Vec::new();
        for page in 1.. {
            let mut url = self.url(&["api", "search"]);
            {
                let mut query = url.query_pairs_mut();
                query.append_pair("type", "dash-db");
                if !folders.is_empty() {
                    query.append_pair("folderUIDs", &folders.join(","));
                }
                query.append_pair("limit", &page_size.to_string());
                query.append_pair("page", &page.to_string());
            }
            let answer = self.get(url, "the dashboard search").await?;
            let found = answer.as_array().ok_or_else(|| {
                GrafanaPanelsError::Malformed("the dashboard search".to_owned(), "not a list".to_owned())
            })?;
            hits.extend(
                found
                    .iter()
                    .filter(|hit| hit["type"] == "dash-db")
                    .filter_map(|hit| hit["uid"].as_str())
                    .map(str::to_owned),
            );
            if found.len() < page_size {
                break;
            }
        }
        Ok(hits)
    }

    /// The id of the organization the token reads (`/api/org`): a service
    /// account belongs to one, which need not be the first.
    pub async fn org_id(&self) -> Result<u32, GrafanaPanelsError> {
        let answer = self
            .get(self.url(&["api", "org"]), "the current organization")
            .await?;
        answer["id"]
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                GrafanaPanelsError::Malformed("the current organization".to_owned(), "no id".to_owned())
            })
    }

    /// The dashboard `uid`: its model (`dashboard`) and `meta`.
    pub async fn dashboard(&self, uid: &str) -> Result<Value, GrafanaPanelsError> {
        let url = self.url(&["api", "dashboards", "uid", uid]);
        self.get(url, &format!("dashboard {uid}")).await
    }
}

/// The JSON of a 2xx answer; any other status as the error it means.
fn read(answer: Answer, what: &str) -> Result<Value, GrafanaPanelsError> {
    let what = what.to_owned();
    match answer.status {
        status if status.is_success() => serde_json::from_slice(&answer.body)
            .map_err(|err| GrafanaPanelsError::Malformed(what, err.to_string())),
        StatusCode::UNAUTHORIZED => Err(GrafanaPanelsError::Unauthorized),
        StatusCode::FORBIDDEN => Err(GrafanaPanelsError::Forbidden(what)),
        StatusCode::NOT_FOUND => Err(GrafanaPanelsError::NotFound(what)),
        // A redirect is where a proxy in front of Grafana sends a caller
        // without a session (its login page): the token did not get through.
        status if status.is_redirection() => Err(GrafanaPanelsError::Redirected(what, status.as_u16())),
        status => Err(GrafanaPanelsError::Status(what, status.as_u16())),
    }
}
