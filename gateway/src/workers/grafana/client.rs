//! Grafana's HTTP API, as the chat user: the dashboard model
//! (`/api/dashboards/uid/{uid}`) and the image renderer's panel picture
//! (`/render/d-solo/{uid}/{slug}`).
//!
//! Every call carries the bearer token of the user it acts for (a service
//! account's, or a user's own), so Grafana's folder and dashboard
//! permissions decide what the person may see. Redirects are not followed:
//! the renderer redirects to `/login` when it does not take the token, and a
//! redirect elsewhere would carry the token to a stranger.

use chatops_outbound::{Answer, RetryPolicy};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::GrafanaError;
use crate::workers::toolkit::connection::{ClientSettings, Connection};
use crate::workers::toolkit::credentials::Credential;

/// The largest dashboard model read: the biggest dashboards are a few MB of JSON.
const MAX_DASHBOARD_BYTES: usize = 16 << 20;
/// The largest picture read: a 4000×4000 panel is well under this.
const MAX_PICTURE_BYTES: usize = 32 << 20;
/// What every PNG starts with.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A client of one Grafana.
#[derive(Clone, Debug)]
pub struct GrafanaClient {
    connection: Connection,
}

/// A dashboard's model, as much of it as a render needs.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Dashboard {
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Its panels; a collapsed row holds its own.
    #[serde(default)]
    pub panels: Vec<Panel>,
}

/// One panel of a dashboard's model.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Panel {
    /// Its id (`panelId`).
    #[serde(default)]
    pub id: Option<u64>,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Its kind (`timeseries`, `row`, …).
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The panels of a collapsed row.
    #[serde(default)]
    pub panels: Vec<Panel>,
}

impl Dashboard {
    /// The panel `id`, also inside collapsed rows; a row is no panel to render.
    pub fn panel(&self, id: u64) -> Option<&Panel> {
        self.panels
            .iter()
            .chain(self.panels.iter().flat_map(|panel| &panel.panels))
            .find(|panel| panel.id == Some(id) && panel.kind != "row")
    }
}

#[derive(Deserialize)]
struct DashboardAnswer {
    dashboard: Dashboard,
}

impl GrafanaClient {
    /// A client for `settings`.
    pub fn new(settings: &ClientSettings) -> Result<Self, GrafanaError> {
        Ok(Self {
            connection: settings.connect()?,
        })
    }

    /// The dashboard `uid`, which refusals call `name` ("the dashboard
    /// Interface traffic"): Grafana says here, in words, that it does not
    /// exist or that the user may not read it, where the renderer would
    /// draw a picture of the error.
    pub async fn dashboard(
        &self,
        who: &Credential,
        uid: &str,
        name: &str,
    ) -> Result<Dashboard, GrafanaError> {
        let url = self.url(&["api", "dashboards", "uid", uid], &[])?;
        let answer = self
            .get(who, url, "application/json", MAX_DASHBOARD_BYTES)
            .await?;
        let read: DashboardAnswer = read_json(&answer, who, name)?;
        Ok(read.dashboard)
    }

    /// The PNG picture of the panel the `query` names (`panelId`, `var-…`,
    /// `width`, …) of the dashboard `uid`/`slug`, which refusals call `name`.
    pub async fn render(
        &self,
        who: &Credential,
        (uid, slug): (&str, &str),
        query: &[(String, String)],
        name: &str,
    ) -> Result<Vec<u8>, GrafanaError> {
        let url = self.url(&["render", "d-solo", uid, slug], query)?;
        let answer = self.get(who, url, "image/png", MAX_PICTURE_BYTES).await?;
        picture(answer, who, name)
    }

    /// `segments` under the endpoint (Grafana may be served under a path),
    /// each encoded, with `query`.
    fn url(&self, segments: &[&str], query: &[(String, String)]) -> Result<Url, GrafanaError> {
        let mut url = self.connection.endpoint.clone();
        url.path_segments_mut()
            .map_err(|()| GrafanaError::Malformed("the endpoint cannot have a path".to_owned()))?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    async fn get(
        &self,
        who: &Credential,
        url: Url,
        accept: &str,
        limit: usize,
    ) -> Result<Answer, GrafanaError> {
        // Grafana's credentials are tokens only (`Auth::Token`): a login is
        // never built for it, so this is always a bearer token.
        let request = who.authorize(self.connection.http.get(url).header("Accept", accept));
        let policy = RetryPolicy::single_attempt().with_max_body(limit);
        self.connection.send("grafana", request, &policy).await
    }
}

/// A JSON answer read as `T`, or Grafana's refusal to let `who` view `name`.
fn read_json<T: DeserializeOwned>(answer: &Answer, who: &Credential, name: &str) -> Result<T, GrafanaError> {
    if let Some(login) = login_redirect(answer, who) {
        return Err(login);
    }
    GrafanaError::read_answer(answer, (&who.user, who.linked), "view", name.to_owned(), reason)
}

/// The picture in `answer`, which must be a PNG: a proxy's login page or an
/// error page with a 200 is no picture.
fn picture(answer: Answer, who: &Credential, name: &str) -> Result<Vec<u8>, GrafanaError> {
    if let Some(login) = login_redirect(&answer, who) {
        return Err(login);
    }
    if !answer.status.is_success() {
        return Err(GrafanaError::refusal(
            &answer,
            (&who.user, who.linked),
            "view",
            name.to_owned(),
            reason,
        ));
    }
    let kind = answer
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("no content type")
        .to_owned();
    if !kind.starts_with("image/png") || !answer.body.starts_with(PNG_SIGNATURE) {
        return Err(GrafanaError::Malformed(format!(
            "the picture of {name} is not a PNG ({kind}); is Grafana's image renderer installed?"
        )));
    }
    Ok(answer.body)
}

/// A redirect: to `/login` is Grafana not taking the token (its
/// `reqSignedIn` outside `/api/`); elsewhere it is not followed.
fn login_redirect(answer: &Answer, who: &Credential) -> Option<GrafanaError> {
    if !answer.status.is_redirection() || answer.status == StatusCode::NOT_MODIFIED {
        return None;
    }
    let to = answer
        .headers
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let path = to.split(['?', '#']).next().unwrap_or_default();
    Some(if path.ends_with("/login") || path == "login" {
        GrafanaError::Unauthorized {
            user: who.user.clone(),
        }
    } else {
        GrafanaError::Malformed(format!(
            "a redirect ({}) that is not followed, as it would carry the token",
            answer.status.as_u16()
        ))
    })
}

/// Why Grafana refused: its `message` (`Dashboard not found`, `You'll need
/// additional permissions…`).
fn reason(answer: &Value) -> Option<String> {
    answer
        .get("message")
        .and_then(Value::as_str)
        .filter(|message| !message.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;
    use crate::workers::toolkit::credentials::Secret;

    fn who() -> Credential {
        Credential {
            user: "alice".to_owned(),
            linked: true,
            secret: Secret::Token("glsa_x".to_owned()),
        }
    }

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &[u8]) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: body.to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn a_panel_is_found_in_a_collapsed_row_and_a_row_is_no_panel() {
        let dashboard: Dashboard = serde_json::from_value(serde_json::json!({
            "title": "BGP",
            "panels": [
                {"id": 1, "type": "stat", "title": "Up"},
                {"id": 3, "type": "row", "title": "Details", "panels": [{"id": 4, "type": "table", "title": "State"}]}
            ]
        }))
        .unwrap();
        assert_eq!(dashboard.panel(4).map(|p| p.title.as_str()), Some("State"));
        assert!(dashboard.panel(3).is_none());
        assert!(dashboard.panel(9).is_none());
    }

    #[test]
    fn a_redirect_to_the_login_page_is_a_token_not_taken() {
        let login = answer(302, &[("location", "/grafana/login?redirect=%2F")], b"");
        assert_eq!(
            picture(login, &who(), "the dashboard X"),
            Err(GrafanaError::Unauthorized {
                user: "alice".to_owned()
            })
        );
        let elsewhere = answer(302, &[("location", "https://elsewhere.example/")], b"");
        assert!(matches!(
            picture(elsewhere, &who(), "the dashboard X"),
            Err(GrafanaError::Malformed(_))
        ));
    }

    #[test]
    fn only_a_png_is_a_picture() {
        let png = [PNG_SIGNATURE, b"rest"].concat();
        let good = answer(200, &[("content-type", "image/png")], &png);
        assert_eq!(picture(good, &who(), "X"), Ok(png.clone()));
        let html = answer(200, &[("content-type", "text/html")], b"<html>");
        assert_eq!(
            picture(html, &who(), "the panel"),
            Err(GrafanaError::Malformed(
                "the picture of the panel is not a PNG (text/html); is Grafana's image renderer installed?"
                    .to_owned()
            ))
        );
        let labelled = answer(200, &[("content-type", "image/png")], b"<html>");
        assert!(
            picture(labelled, &who(), "X").is_err(),
            "the bytes are checked too"
        );
    }

    #[test]
    fn a_refusal_says_grafana_s_message() {
        let failed = answer(500, &[], br#"{"message": "Rendering failed: plugin missing"}"#);
        assert_eq!(
            picture(failed, &who(), "X"),
            Err(GrafanaError::Refused {
                status: 500,
                detail: Some("Rendering failed: plugin missing".to_owned())
            })
        );
    }
}
