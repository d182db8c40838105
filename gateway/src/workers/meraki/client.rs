//! Cisco Meraki's Dashboard API v1, as the chat user.
//!
//! Every call carries the Dashboard API key of the user it acts for, as
//! `Authorization: Bearer <key>`: a Meraki key carries its admin's own
//! organization permissions, so Meraki decides what the person may see and
//! change. Lists Meraki pages are read page after page (`perPage`, and the
//! `Link` header's `rel=next` on the Dashboard's own origin) up to a cap.
//!
//! Meraki answers `429 Too Many Requests` often (ten calls a second per
//! organization): a request is sent again after its `Retry-After`, a few
//! times at most and never past the run's budget (the Integration's
//! `timeoutSeconds` for the whole sub-command), then the person is told
//! Meraki is rate-limiting and when to try again. A 429 means Meraki did not
//! act on the request, so a write is sent again too.
//!
//! Meraki may send a request to the organization's shard (`n123.meraki.com`)
//! by a redirect, and may page onto one: what Meraki's own SDK follows. The
//! key goes only to the Dashboard's own site (`*.meraki.com`, `*.meraki.cn`
//! over HTTPS) or the endpoint's own origin; a redirect or page anywhere else
//! is refused unsent.

use std::time::Instant;

use chatops_outbound::Answer;
use reqwest::header::{HeaderMap, LINK, LOCATION};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::MerakiError;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::{Budget, Connection};
use crate::workers::toolkit::credentials::Credential;
use crate::workers::toolkit::paging::MAX_ROWS;

/// The page Meraki's lists are asked for: the most the device list takes
/// (organizations and networks take more), for the fewest round trips.
pub const PER_PAGE: usize = 1000;
/// How many times a rate-limited request is sent again at most.
pub const MAX_RETRIES: u32 = 3;
/// How many redirects (to the organization's shard) one request follows.
pub const MAX_REDIRECTS: usize = 2;

/// Who a run acts as, and until when it may ask Meraki.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The API key it acts with.
    pub credential: Credential,
    /// When the run's budget (the Integration's `timeoutSeconds`) is spent.
    pub deadline: Instant,
}

/// What a request asks for, in words, for the sentence of a refusal: the
/// user may not `action` `object` ("view", "the devices of Acme Corp").
#[derive(Clone, Copy, Debug)]
pub struct Subject<'s> {
    /// `view`, `change`, `cycle`.
    pub action: &'s str,
    /// What is asked for.
    pub object: &'s str,
}

/// The objects of a list, and whether it was cut at the client's cap.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listed {
    /// The objects, in Meraki's order.
    pub items: Vec<Value>,
    /// Whether Meraki had more than the cap.
    pub cut: bool,
}

/// A client of one Meraki Dashboard API (`…/api/v1`).
#[derive(Clone, Debug)]
pub struct MerakiClient {
    connection: Connection,
    per_page: usize,
    max_items: usize,
}

impl MerakiClient {
    /// A client for `settings`, reading [`PER_PAGE`] a page up to [`MAX_ROWS`].
    pub fn new(settings: &ClientSettings) -> Result<Self, MerakiError> {
        Ok(Self {
            connection: settings.connect()?,
            per_page: PER_PAGE,
            max_items: MAX_ROWS,
        })
    }

    /// The same client, reading lists `size` objects a page (Meraki takes 3 at least).
    #[must_use]
    pub fn paged_by(self, size: usize) -> Self {
        Self {
            per_page: size.max(3),
            ..self
        }
    }

    /// The same client, reading at most `max` objects of a list.
    #[must_use]
    pub fn capped_at(self, max: usize) -> Self {
        Self {
            max_items: max.max(1),
            ..self
        }
    }

    /// A caller acting with `credential`, its budget starting now.
    pub fn caller(&self, credential: Credential) -> Caller {
        Caller {
            credential,
            deadline: Instant::now() + self.connection.timeout,
        }
    }

    /// `GET {path}` with `query`, read as `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        who: &Caller,
        path: &str,
        query: &[(&str, &str)],
        subject: Subject<'_>,
    ) -> Result<T, MerakiError> {
        let url = self.url(path, query)?;
        let answer = self.send(who, Method::GET, url, None).await?;
        read(&answer, who, subject)
    }

    /// Every page of the list at `path` with `query`, `perPage` as set,
    /// following `rel=next` on the Dashboard's origin, up to the cap.
    pub async fn list(
        &self,
        who: &Caller,
        path: &str,
        query: &[(&str, &str)],
        subject: Subject<'_>,
    ) -> Result<Listed, MerakiError> {
        let per_page = self.per_page.to_string();
        let mut query = query.to_vec();
        query.push(("perPage", per_page.as_str()));
        let mut url = self.url(path, &query)?;
        let mut items = Vec::new();
        loop {
            let answer = self.send(who, Method::GET, url, None).await?;
            let page: Vec<Value> = read(&answer, who, subject)?;
            items.extend(page);
            let next = next_link(&answer.headers);
            if items.len() >= self.max_items {
                let cut = items.len() > self.max_items || next.is_some();
                items.truncate(self.max_items);
                return Ok(Listed { items, cut });
            }
            let Some(next) = next else {
                return Ok(Listed { items, cut: false });
            };
            let next = Url::parse(&next)
                .map_err(|err| MerakiError::Malformed(format!("the next page's link: {err}")))?;
            url = self.on_the_dashboard(next, "the next page")?;
        }
    }

    /// `method` (`PUT`, `POST`) of `body` to `path`: Meraki's answer.
    pub async fn write(
        &self,
        who: &Caller,
        method: Method,
        path: &str,
        body: &Value,
        subject: Subject<'_>,
    ) -> Result<Value, MerakiError> {
        let url = self.url(path, &[])?;
        let answer = self.send(who, method, url, Some(body)).await?;
        read(&answer, who, subject)
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, MerakiError> {
        let base = format!(
            "{}/{}",
            self.connection.endpoint_text(),
            path.trim_start_matches('/')
        );
        let mut url = Url::parse(&base).map_err(|err| MerakiError::Malformed(format!("not a URL: {err}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends the request within the caller's budget, 429s waited out and
    /// redirects to the Dashboard's shards followed.
    async fn send(
        &self,
        who: &Caller,
        method: Method,
        mut url: Url,
        body: Option<&Value>,
    ) -> Result<Answer, MerakiError> {
        let budget = Budget {
            deadline: who.deadline,
            max_retries: MAX_RETRIES,
        };
        for _ in 0..=MAX_REDIRECTS {
            let answer = self
                .connection
                .send_json_within(
                    "meraki",
                    &who.credential,
                    (method.clone(), url.clone(), body),
                    budget,
                )
                .await?;
            let location = answer
                .status
                .is_redirection()
                .then(|| answer.headers.get(LOCATION)?.to_str().ok())
                .flatten()
                .and_then(|location| url.join(location).ok());
            let Some(location) = location else {
                return Ok(answer);
            };
            url = self.on_the_dashboard(location, "a redirect")?;
        }
        Err(MerakiError::Malformed(format!(
            "Meraki redirected the request more than {MAX_REDIRECTS} times"
        )))
    }

    /// `target` (of `what`: a redirect, the next page), if the key may go
    /// there: see [`on_the_dashboard`].
    fn on_the_dashboard(&self, target: Url, what: &str) -> Result<Url, MerakiError> {
        if on_the_dashboard(&target, &self.connection.endpoint) {
            return Ok(target);
        }
        Err(MerakiError::Malformed(format!(
            "{what} is on another site ({}); not following it",
            target.origin().ascii_serialization()
        )))
    }
}

/// Whether `target` is where the key of `endpoint` may go: its own origin,
/// or, for the Dashboard (`api.meraki.com`, `api.meraki.cn`), any host of the
/// same Meraki site over HTTPS, as the organization's shard is.
pub fn on_the_dashboard(target: &Url, endpoint: &Url) -> bool {
    if target.origin() == endpoint.origin() {
        return true;
    }
    let site = |url: &Url| {
        let host = url.host_str()?;
        ["meraki.com", "meraki.cn"]
            .into_iter()
            .find(|site| host == *site || host.strip_suffix(site).is_some_and(|sub| sub.ends_with('.')))
    };
    target.scheme() == "https"
        && endpoint.scheme() == "https"
        && target.port().is_none()
        && site(endpoint).is_some()
        && site(target) == site(endpoint)
}

/// The body of `answer` as `T` when it is a success; else Meraki's refusal
/// in words, with its `errors` sentences.
fn read<T: DeserializeOwned>(answer: &Answer, who: &Caller, subject: Subject<'_>) -> Result<T, MerakiError> {
    let user = (who.credential.user.as_str(), who.credential.linked);
    let object = subject.object.to_owned();
    if answer.status.is_success() {
        return MerakiError::read_answer(answer, user, subject.action, object, |_| None);
    }
    let reason = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|body| reason(&body));
    if matches!(answer.status.as_u16(), 400 | 422)
        && let Some(reason) = reason
    {
        return Err(MerakiError::Rejected {
            action: subject.action.to_owned(),
            object,
            reason,
        });
    }
    let refusal = MerakiError::refusal(answer, user, subject.action, object, |_| None);
    Err(match (refusal, reason) {
        (
            refusal @ (MerakiError::Unauthorized { .. }
            | MerakiError::Forbidden { .. }
            | MerakiError::NotFound { .. }),
            Some(reason),
        ) => MerakiError::Explained {
            refusal: refusal.to_string(),
            reason,
        },
        (MerakiError::Refused { status, .. }, reason) => MerakiError::Refused {
            status,
            detail: reason,
        },
        (refusal, _) => refusal,
    })
}

/// Meraki's reasons: its `{"errors": ["…", …]}`, joined.
pub fn reason(body: &Value) -> Option<String> {
    let said: Vec<&str> = body
        .get("errors")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(|e| e.trim().trim_end_matches('.'))
        .filter(|e| !e.is_empty())
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// The `rel=next` target of a `Link` header (RFC 8288), as Meraki pages.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    let text = headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    let mut rest = text.as_str();
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let target = &after[..end];
        let params_end = after[end + 1..].find('<').map_or(after.len(), |at| end + 1 + at);
        // The parameters up to the next link, without the comma between links.
        let params = after[end + 1..params_end].trim().trim_end_matches(',');
        let is_next = params.split(';').any(|param| {
            param.trim().strip_prefix("rel=").is_some_and(|rels| {
                rels.trim_matches('"')
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(target.to_owned());
        }
        rest = &after[params_end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use serde_json::json;

    use super::*;

    #[test]
    fn the_next_link_is_read_among_the_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<https://api.meraki.com/api/v1/organizations/1/devices?perPage=3>; rel=first, \
                 <https://api.meraki.com/api/v1/organizations/1/devices?perPage=3&startingAfter=Q2HP>; rel=next, \
                 <https://api.meraki.com/api/v1/organizations/1/devices?perPage=3&endingBefore=zzz>; rel=last",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.meraki.com/api/v1/organizations/1/devices?perPage=3&startingAfter=Q2HP")
        );
        headers.insert(LINK, HeaderValue::from_static("<https://a/x>; rel=\"first\""));
        assert_eq!(next_link(&headers), None, "the last page");
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn the_key_goes_to_the_dashboards_shards_and_the_endpoint_only() {
        let url = |text: &str| Url::parse(text).unwrap();
        let cloud = url("https://api.meraki.com/api/v1");
        for shard in [
            "https://n149.meraki.com/api/v1/organizations",
            "https://api.meraki.com/api/v1/organizations?startingAfter=x",
        ] {
            assert!(on_the_dashboard(&url(shard), &cloud), "{shard}");
        }
        for elsewhere in [
            "http://n149.meraki.com/api/v1/organizations",
            "https://n149.meraki.com:8443/api/v1/organizations",
            "https://notmeraki.com/api/v1",
            "https://meraki.com.evil.example/api/v1",
            "https://n1.meraki.cn/api/v1",
            "https://example.com/api/v1",
        ] {
            assert!(!on_the_dashboard(&url(elsewhere), &cloud), "{elsewhere}");
        }
        let china = url("https://api.meraki.cn/api/v1");
        assert!(on_the_dashboard(&url("https://n3.meraki.cn/api/v1"), &china));
        let proxy = url("http://127.0.0.1:8080/api/v1");
        assert!(on_the_dashboard(
            &url("http://127.0.0.1:8080/shard/api/v1"),
            &proxy
        ));
        assert!(!on_the_dashboard(&url("https://n149.meraki.com/api/v1"), &proxy));
    }

    #[test]
    fn merakis_reasons_are_its_errors_joined() {
        assert_eq!(
            reason(&json!({"errors": ["'vlan' must be an integer between 1 and 4094."]})).as_deref(),
            Some("'vlan' must be an integer between 1 and 4094")
        );
        assert_eq!(
            reason(&json!({"errors": ["Invalid API key", "Try again"]})).as_deref(),
            Some("Invalid API key; Try again")
        );
        assert_eq!(reason(&json!({"errors": []})), None);
        assert_eq!(reason(&json!({"message": "x"})), None);
    }
}
