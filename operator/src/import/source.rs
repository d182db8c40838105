//! Reads the original app's REST API (`/api/plugins/chatops/`): access
//! grants, command tokens and account links, page by page, through the
//! workspace's outbound layer. Rows are read one by one, so a malformed row
//! is reported, not fatal.

use std::collections::BTreeMap;
use std::time::Duration;

use chatops_outbound::{ClientSettings, OutboundError, RetryPolicy};
use reqwest::{StatusCode, Url, header};
use serde::Deserialize;
use serde_json::Value;

/// Where the app's API lives below Nautobot's root.
pub const API_BASE: &str = "/api/plugins/chatops/";
/// Nautobot's change log, which names every account link ever made.
const OBJECT_CHANGES: &str = "/api/extras/object-changes/";
/// The longest one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest page read.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// More pages than any real installation has: a `next` that loops stops here.
const MAX_PAGES: usize = 10_000;

/// Why the API could not be read. Never carries the token.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// `--nautobot` is not an http(s) URL.
    #[error("--nautobot {0}")]
    BadUrl(&'static str),
    /// The client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// Nautobot could not be reached.
    #[error("GET {path}: Nautobot at {host} cannot be reached: {why}")]
    Unreachable {
        /// The URL path asked.
        path: String,
        /// Host and port.
        host: String,
        /// What went wrong.
        why: String,
    },
    /// Nautobot answered with an error status.
    #[error("GET {path}: HTTP {status}{hint}")]
    Status {
        /// The URL path asked.
        path: String,
        /// The status.
        status: u16,
        /// What it usually means.
        hint: &'static str,
    },
    /// The answer was not a Nautobot page.
    #[error("GET {path}: not a Nautobot API page: {why}")]
    Malformed {
        /// The URL path asked.
        path: String,
        /// What was wrong.
        why: String,
    },
}

/// One `AccessGrant` row.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RawGrant {
    /// Its UUID.
    #[serde(default)]
    pub id: String,
    /// The command, or `*`.
    pub command: String,
    /// The sub-command, or `*`.
    pub subcommand: String,
    /// `organization`, `channel` or `user`.
    pub grant_type: String,
    /// A name for people.
    pub name: String,
    /// The platform ID, or `*`.
    pub value: String,
}

/// One `CommandToken` row. `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct RawToken {
    /// Its UUID.
    #[serde(default)]
    pub id: String,
    /// The platform slug (`mattermost`...).
    pub platform: String,
    /// The token.
    pub token: String,
    /// What it is for.
    #[serde(default)]
    pub comment: String,
}

impl std::fmt::Debug for RawToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawToken")
            .field("id", &self.id)
            .field("platform", &self.platform)
            .field("comment", &self.comment)
            .finish_non_exhaustive()
    }
}

/// The user of an account link, as Nautobot returns a foreign key: a nested
/// object (full with `?depth=1`, brief otherwise), a URL or a bare id.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum UserRef {
    /// `{"id": ..., "url": ..., "username": ...}`; brief objects lack the username.
    Nested {
        /// The user's UUID.
        #[serde(default)]
        id: Option<String>,
        /// The user's API URL.
        #[serde(default)]
        url: Option<String>,
        /// The username.
        #[serde(default)]
        username: Option<String>,
    },
    /// A URL or an id.
    Text(String),
}

/// One `ChatOpsAccountLink` row.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RawLink {
    /// Its UUID.
    #[serde(default)]
    pub id: String,
    /// The Nautobot user.
    pub nautobot_user: UserRef,
    /// The platform slug.
    pub platform: String,
    /// The chat user ID.
    pub user_id: String,
    /// The chat account's email, if recorded.
    #[serde(default)]
    pub email: String,
    /// The username, once resolved.
    #[serde(skip)]
    pub username: Option<String>,
}

/// Everything read from the API.
#[derive(Clone, Debug, Default)]
pub struct ApiData {
    /// Access grants.
    pub grants: Vec<RawGrant>,
    /// Command tokens.
    pub tokens: Vec<RawToken>,
    /// Account links, usernames resolved where possible.
    pub links: Vec<RawLink>,
    /// Rows that could not be read: (what, why).
    pub malformed: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    next: Option<String>,
    results: Vec<Value>,
}

/// A Nautobot, as one API token sees it.
pub struct Nautobot {
    http: chatops_outbound::Client,
    base: Url,
    token: header::HeaderValue,
}

impl Nautobot {
    /// The Nautobot at `url` (its root), asked with `token`.
    pub fn new(url: &str, token: &str) -> Result<Self, SourceError> {
        let base = Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && !u.cannot_be_a_base() && u.host().is_some())
            .ok_or(SourceError::BadUrl("is not an http(s) URL"))?;
        if !base.username().is_empty() || base.password().is_some() {
            return Err(SourceError::BadUrl("must not carry a user or password"));
        }
        let mut value = header::HeaderValue::from_str(&format!("Token {}", token.trim())).map_err(|_| {
            SourceError::Client("the token holds characters a header cannot carry".to_owned())
        })?;
        // Keeps it out of reqwest's and hyper's own logging.
        value.set_sensitive(true);
        let http = ClientSettings::new(chatops_outbound::user_agent(
            "chatops-operator",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_timeout(REQUEST_TIMEOUT)
        .with_connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|err| SourceError::Client(err.to_string()))?;
        Ok(Nautobot {
            http,
            base,
            token: value,
        })
    }

    /// `path` (absolute, with query) on Nautobot's origin and root path.
    fn url(&self, path_and_query: &str) -> Url {
        let root = self.base.path().trim_end_matches('/');
        let mut url = self.base.clone();
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let path = if path.starts_with(root) && !root.is_empty() {
            path.to_owned()
        } else {
            format!("{root}{path}")
        };
        url.set_path(&path);
        url.set_query((!query.is_empty()).then_some(query));
        url.set_fragment(None);
        url
    }

    /// The path and query of a `next` link, so it is asked of the origin
    /// given on the command line whatever host Nautobot put in it (a proxy
    /// may rewrite it; the token must not go anywhere else).
    fn same_origin(next: &str) -> Option<String> {
        let parsed = Url::parse(next).ok()?;
        Some(match parsed.query() {
            Some(query) => format!("{}?{query}", parsed.path()),
            None => parsed.path().to_owned(),
        })
    }

    async fn get(&self, url: Url) -> Result<Value, SourceError> {
        let path = url.path().to_owned();
        let policy = RetryPolicy::rate_limits_only(REQUEST_TIMEOUT, 2, Duration::from_secs(30), None)
            .with_max_body(MAX_BODY);
        let request = self
            .http
            .get(url)
            .header(header::AUTHORIZATION, self.token.clone())
            .header(header::ACCEPT, "application/json");
        let answer = chatops_outbound::send("nautobot", &policy, || request.try_clone())
            .await
            .map_err(|err| self.unreachable(&path, err))?;
        match answer.status {
            status if status.is_success() => {
                serde_json::from_slice(&answer.body).map_err(|err| SourceError::Malformed {
                    path,
                    why: format!("not JSON ({err})"),
                })
            }
            status => Err(SourceError::Status {
                path,
                status: status.as_u16(),
                hint: match status {
                    StatusCode::UNAUTHORIZED => " (the token was refused: check --token or NAUTOBOT_TOKEN)",
                    StatusCode::FORBIDDEN => {
                        " (the token's user may not view this: give it the view permission)"
                    }
                    StatusCode::NOT_FOUND => {
                        " (is nautobot-chatops installed, and --nautobot Nautobot's root URL?)"
                    }
                    s if s.is_redirection() => {
                        " (a redirect: is --nautobot the API's root, over the right scheme?)"
                    }
                    _ => "",
                },
            }),
        }
    }

    fn unreachable(&self, path: &str, err: OutboundError) -> SourceError {
        let host = self.base.host_str().unwrap_or("(no host)");
        let port = self.base.port().map(|p| format!(":{p}")).unwrap_or_default();
        let why = match err {
            OutboundError::Transport { reason, .. } => reason,
            other => other.to_string(),
        };
        SourceError::Unreachable {
            path: path.to_owned(),
            host: format!("{host}{port}"),
            why,
        }
    }

    /// Every row of the app's list `endpoint` (e.g. `accessgrant/`), following `next`.
    pub async fn list(&self, endpoint: &str, query: &str) -> Result<Vec<Value>, SourceError> {
        self.list_at(&format!("{API_BASE}{endpoint}"), query).await
    }

    /// Every row of the list at `path` (absolute, e.g. `/api/extras/object-changes/`).
    async fn list_at(&self, path: &str, query: &str) -> Result<Vec<Value>, SourceError> {
        let mut rows = Vec::new();
        let first = format!(
            "{path}{}",
            if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            }
        );
        let mut next = Some(self.url(&first));
        let mut seen = std::collections::BTreeSet::new();
        while let Some(url) = next.take() {
            if !seen.insert(url.to_string()) || seen.len() > MAX_PAGES {
                break;
            }
            let path = url.path().to_owned();
            let page: Page =
                serde_json::from_value(self.get(url).await?).map_err(|err| SourceError::Malformed {
                    path: path.clone(),
                    why: err.to_string(),
                })?;
            rows.extend(page.results);
            next = match page.next.as_deref() {
                Some(link) => {
                    Some(
                        self.url(&Self::same_origin(link).ok_or_else(|| SourceError::Malformed {
                            path,
                            why: "its next link is not a URL".to_owned(),
                        })?),
                    )
                }
                None => None,
            };
        }
        Ok(rows)
    }

    /// The username of the user at `reference` (an API URL on this
    /// Nautobot, or an id), asked of `/api/users/users/{id}/`.
    async fn username(&self, reference: &str) -> Result<String, SourceError> {
        let path = match Url::parse(reference) {
            Ok(url) => url.path().to_owned(),
            Err(_) => format!("/api/users/users/{reference}/"),
        };
        let url = self.url(&path);
        let shown = url.path().to_owned();
        let user = self.get(url).await?;
        user["username"]
            .as_str()
            .map(str::to_owned)
            .ok_or(SourceError::Malformed {
                path: shown,
                why: "no username".to_owned(),
            })
    }

    /// Every account link, not only the token user's own.
    ///
    /// The app's list shows each user only their own links, but a link asked
    /// for by its id is shown to anyone who may view it. The change log names
    /// every link ever made, so the others are asked for one by one; one gone
    /// since (deleted, 404) is skipped. Without the change log (the token may
    /// not view it) the import goes on with the token user's own links, and
    /// says so in the notes.
    async fn account_link_rows(
        &self,
        malformed: &mut Vec<(String, String)>,
    ) -> Result<Vec<Value>, SourceError> {
        let mut rows = self.list("accountlink/", "depth=1").await?;
        let changes = match self
            .list_at(
                OBJECT_CHANGES,
                "changed_object_type=nautobot_chatops.chatopsaccountlink",
            )
            .await
        {
            Ok(changes) => changes,
            Err(err) => {
                malformed.push((
                    "account links of other Nautobot users".to_owned(),
                    format!(
                        "only the token user's own links were read: the app lists no others, and \
                         the change log that names them could not be read ({err})"
                    ),
                ));
                return Ok(rows);
            }
        };
        let mut known: std::collections::BTreeSet<String> = rows
            .iter()
            .filter_map(|row| row["id"].as_str().map(str::to_owned))
            .collect();
        for change in changes {
            let Some(id) = change["changed_object_id"].as_str() else {
                continue;
            };
            // Nautobot gives a choice as {"value", "label"}; older ones as the bare value.
            let action = change["action"]["value"].as_str().or(change["action"].as_str());
            if !known.insert(id.to_owned()) || action == Some("delete") {
                continue;
            }
            let url = self.url(&format!("{API_BASE}accountlink/{id}/?depth=1"));
            match self.get(url).await {
                Ok(row) => rows.push(row),
                Err(SourceError::Status { status: 404, .. }) => {}
                Err(err) => malformed.push((format!("account link {id}"), err.to_string())),
            }
        }
        Ok(rows)
    }

    /// Reads the grants, tokens and links. An error on the grants or tokens
    /// fails the read; the user look-ups of links fail only those links.
    pub async fn read_all(&self) -> Result<ApiData, SourceError> {
        let mut data = ApiData::default();
        for row in self.list("accessgrant/", "").await? {
            match serde_json::from_value::<RawGrant>(row.clone()) {
                Ok(grant) => data.grants.push(grant),
                Err(err) => data
                    .malformed
                    .push((describe_row("access grant", &row), err.to_string())),
            }
        }
        for row in self.list("commandtoken/", "").await? {
            match serde_json::from_value::<RawToken>(row.clone()) {
                Ok(token) => data.tokens.push(token),
                // serde's message may quote the token; only the field's
                // absence or type is said.
                Err(_) => data.malformed.push((
                    describe_row("command token", &row),
                    "a row without platform and token strings".to_owned(),
                )),
            }
        }
        let mut cache: BTreeMap<String, Result<String, String>> = BTreeMap::new();
        for row in self.account_link_rows(&mut data.malformed).await? {
            let mut link = match serde_json::from_value::<RawLink>(row.clone()) {
                Ok(link) => link,
                Err(err) => {
                    data.malformed
                        .push((describe_row("account link", &row), err.to_string()));
                    continue;
                }
            };
            let reference = match &link.nautobot_user {
                UserRef::Nested {
                    username: Some(name), ..
                } => {
                    link.username = Some(name.clone());
                    None
                }
                UserRef::Nested { url: Some(url), .. } => Some(url.clone()),
                UserRef::Nested { id: Some(id), .. } => Some(id.clone()),
                UserRef::Text(text) => Some(text.clone()),
                UserRef::Nested { .. } => None,
            };
            if let Some(reference) = reference {
                if !cache.contains_key(&reference) {
                    let found = self.username(&reference).await.map_err(|err| err.to_string());
                    cache.insert(reference.clone(), found);
                }
                match &cache[&reference] {
                    Ok(name) => link.username = Some(name.clone()),
                    Err(why) => data.malformed.push((
                        format!("account link {} ({} {})", link.id, link.platform, link.user_id),
                        format!("its Nautobot user cannot be resolved: {why}"),
                    )),
                }
                if link.username.is_none() {
                    continue;
                }
            }
            if link.username.is_none() {
                data.malformed.push((
                    format!("account link {} ({} {})", link.id, link.platform, link.user_id),
                    "it names no Nautobot user".to_owned(),
                ));
                continue;
            }
            data.links.push(link);
        }
        Ok(data)
    }
}

/// A row named by its id, for notes.
fn describe_row(kind: &str, row: &Value) -> String {
    match row["id"].as_str() {
        Some(id) => format!("{kind} {id}"),
        None => format!("{kind} (no id)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_shapes_of_a_user_are_read() {
        let nested: RawLink = serde_json::from_value(serde_json::json!({
            "id": "1", "platform": "slack", "user_id": "U1", "email": "",
            "nautobot_user": {"id": "u", "object_type": "users.user", "url": "http://n/api/users/users/u/", "username": "alice"},
            "created": "2024-01-01T00:00:00Z", "tags": [], "custom_fields": {}
        }))
        .unwrap();
        assert!(
            matches!(nested.nautobot_user, UserRef::Nested { username: Some(ref n), .. } if n == "alice")
        );
        let brief: RawLink = serde_json::from_value(serde_json::json!({
            "platform": "slack", "user_id": "U1", "nautobot_user": {"id": "u", "url": "http://n/api/users/users/u/"}
        }))
        .unwrap();
        assert!(matches!(
            brief.nautobot_user,
            UserRef::Nested {
                username: None,
                url: Some(_),
                ..
            }
        ));
        let url: RawLink = serde_json::from_value(serde_json::json!({
            "platform": "slack", "user_id": "U1", "nautobot_user": "http://n/api/users/users/u/"
        }))
        .unwrap();
        assert_eq!(
            url.nautobot_user,
            UserRef::Text("http://n/api/users/users/u/".into())
        );
    }

    #[test]
    fn a_token_row_never_shows_its_token() {
        let token: RawToken = serde_json::from_value(
            serde_json::json!({"platform": "mattermost", "token": "sekrit", "comment": "c"}),
        )
        .unwrap();
        assert!(!format!("{token:?}").contains("sekrit"));
    }

    #[test]
    fn next_links_keep_the_given_origin() {
        let nautobot = Nautobot::new("https://nautobot.example.com/sub/", "t").unwrap();
        let next = Nautobot::same_origin(
            "http://internal:8080/sub/api/plugins/chatops/accessgrant/?limit=50&offset=50",
        )
        .unwrap();
        assert_eq!(
            nautobot.url(&next).as_str(),
            "https://nautobot.example.com/sub/api/plugins/chatops/accessgrant/?limit=50&offset=50"
        );
        assert_eq!(
            nautobot.url("/api/plugins/chatops/accessgrant/").as_str(),
            "https://nautobot.example.com/sub/api/plugins/chatops/accessgrant/"
        );
        assert!(matches!(
            Nautobot::new("ftp://x", "t"),
            Err(SourceError::BadUrl(_))
        ));
        assert!(matches!(
            Nautobot::new("https://u:p@x", "t"),
            Err(SourceError::BadUrl(_))
        ));
    }
}
