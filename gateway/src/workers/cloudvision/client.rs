//! CloudVision's two HTTP APIs, as the chat user: the CVP service API
//! (`/cvpservice/…`, JSON) and the resource APIs (`/api/resources/…`,
//! whose `…/all` answers a stream of JSON objects, one a line).
//!
//! A service-account token (CVaaS, or CVP since 2020.3) is sent as a bearer
//! token. An on-premises login (`POST /cvpservice/login/authenticate.do`)
//! gives a session id, kept per login in the toolkit's bounded [`Tokens`]
//! and sent as CVP's `APP_SESSION_ID` header and `session_id` cookie, both
//! marked sensitive; when CVP ends the session early (a timeout, a
//! restart) the call logs in again once and is sent once more. A refusal's
//! words are CVP's `errorMessage`, or the resource gateway's `message`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chatops_outbound::{Answer, RetryPolicy};
use reqwest::header::{COOKIE, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

use super::error::CloudVisionError;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::Connection;
use crate::workers::toolkit::credentials::{Credential, Secret};
use crate::workers::toolkit::tokens::{LoginKey, Token, Tokens, Use};

/// How long a CVP session is taken to last unless CVP ends it first:
/// kept no longer, so that an idle session is replaced before CVP's own
/// idle timeout refuses it.
pub const SESSION_LIFE: Duration = Duration::from_secs(20 * 60);

/// How much of CloudVision's answers is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most objects read of one stream; more are said to be cut.
    pub max_objects: usize,
    /// The largest answer taken, in bytes: a larger one is refused
    /// unbuffered, so that a huge stream cannot exhaust the gateway's memory.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_objects: 5_000,
            max_bytes: 32 * 1024 * 1024,
        }
    }
}

/// What a resource API's stream gave: its objects' values, and whether
/// there were more than [`Limits::max_objects`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Streamed {
    /// Each object's `result.value`, in order.
    pub values: Vec<Value>,
    /// Whether the stream held more.
    pub cut: bool,
}

/// A client of one CloudVision.
#[derive(Debug)]
pub struct CloudVisionClient {
    connection: Connection,
    sessions: Mutex<Tokens>,
    /// How streams are read.
    pub limits: Limits,
}

/// How a call authenticates.
enum Auth<'a> {
    Bearer(&'a str),
    Login {
        key: LoginKey,
        username: &'a str,
        password: &'a str,
    },
}

impl CloudVisionClient {
    /// A client for `settings`.
    pub fn new(settings: &ClientSettings) -> Result<Self, CloudVisionError> {
        Ok(Self {
            connection: settings.connect()?,
            sessions: Mutex::new(Tokens::default()),
            limits: Limits::default(),
        })
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, CloudVisionError> {
        let base = self.connection.endpoint_text();
        let mut url = Url::parse(&format!("{base}/{path}"))
            .map_err(|_| CloudVisionError::Malformed(format!("`{path}` makes no URL")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().copied());
        }
        Ok(url)
    }

    /// `GET /cvpservice/{path}?{query}`: the CVP service API's JSON;
    /// `object` names it in a refusal.
    pub async fn service(
        &self,
        who: &Credential,
        path: &str,
        query: &[(&str, &str)],
        object: &str,
    ) -> Result<Value, CloudVisionError> {
        let url = self.url(&format!("cvpservice/{path}"), query)?;
        let answer = self.request(who, Method::GET, url, None).await?;
        read_service(&answer, who, object)
    }

    /// `POST /cvpservice/{path}` with `body`, for the service API's
    /// queries that are posted (`audit/getLogs.do`); nothing changes.
    pub async fn service_query(
        &self,
        who: &Credential,
        path: &str,
        body: &Value,
        object: &str,
    ) -> Result<Value, CloudVisionError> {
        let url = self.url(&format!("cvpservice/{path}"), &[])?;
        let answer = self.request(who, Method::POST, url, Some(body)).await?;
        read_service(&answer, who, object)
    }

    /// `POST /api/resources/{model}/all` with `body` (`partialEqFilter`,
    /// `time`): the stream's values, read line by line up to the limit.
    pub async fn stream(
        &self,
        who: &Credential,
        model: &str,
        body: &Value,
        object: &str,
    ) -> Result<Streamed, CloudVisionError> {
        let url = self.url(&format!("api/resources/{model}/all"), &[])?;
        let answer = self.request(who, Method::POST, url, Some(body)).await?;
        if !answer.status.is_success() {
            return Err(refusal(&answer, who, object));
        }
        read_stream(&answer.body, self.limits.max_objects, object)
    }

    /// How many logins have a session kept.
    pub fn sessions_kept(&self) -> usize {
        self.sessions.lock().map(|s| s.count()).unwrap_or_default()
    }

    /// Sends one request as `who`; a login's session refused (401) is
    /// replaced by a new login, once.
    async fn request(
        &self,
        who: &Credential,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<Answer, CloudVisionError> {
        let auth = match &who.secret {
            Secret::Token(token) | Secret::Header { token, .. } => Auth::Bearer(token),
            Secret::Login { username, password } => Auth::Login {
                key: LoginKey::new(username, password),
                username,
                password,
            },
        };
        match auth {
            Auth::Bearer(token) => {
                let request = self.build(method, url, body).bearer_auth(token);
                self.send(request).await
            }
            Auth::Login {
                key,
                username,
                password,
            } => {
                let planned = self
                    .sessions
                    .lock()
                    .map(|s| s.use_at(&key, Instant::now()))
                    .unwrap_or(Use::Login);
                let session = match planned {
                    Use::Send(session) => session,
                    // CVP has no refresh: a session near its end is replaced.
                    Use::Refresh(_) | Use::Login => self.log_in(&key, who, username, password).await?,
                };
                let answer = self
                    .send(with_session(
                        self.build(method.clone(), url.clone(), body),
                        &session,
                    ))
                    .await?;
                if !session_refused(&answer) {
                    return Ok(answer);
                }
                tracing::info!(user = %who.user, "CloudVision no longer takes the session; logging in again");
                self.forget(&key);
                let session = self.log_in(&key, who, username, password).await?;
                self.send(with_session(self.build(method, url, body), &session))
                    .await
            }
        }
    }

    /// `POST /cvpservice/login/authenticate.do`: a new session, kept.
    async fn log_in(
        &self,
        key: &LoginKey,
        who: &Credential,
        username: &str,
        password: &str,
    ) -> Result<String, CloudVisionError> {
        let url = self.url("cvpservice/login/authenticate.do", &[])?;
        let login = json!({"userId": username, "password": password});
        let answer = self.send(self.build(Method::POST, url, Some(&login))).await?;
        if !answer.status.is_success() {
            return Err(refusal(&answer, who, "the login"));
        }
        let read: Value = serde_json::from_slice(&answer.body)
            .map_err(|err| CloudVisionError::Malformed(format!("the login: {err}")))?;
        if let Some(refused) = service_error(&read, who, "the login") {
            return Err(refused);
        }
        let session = read
            .get("sessionId")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| CloudVisionError::Malformed("the login answered no sessionId".to_owned()))?
            .to_owned();
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.keep(
                key.clone(),
                Token::issued(session.clone(), Instant::now(), SESSION_LIFE),
            );
        }
        Ok(session)
    }

    fn forget(&self, key: &LoginKey) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.forget(key);
        }
    }

    fn build(&self, method: Method, url: Url, body: Option<&Value>) -> reqwest::RequestBuilder {
        let request = self
            .connection
            .http
            .request(method, url)
            .header("Accept", "application/json");
        match body {
            Some(body) => request.json(body),
            None => request,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, CloudVisionError> {
        let policy = RetryPolicy::single_attempt().with_max_body(self.limits.max_bytes);
        self.connection.send("cloudvision", request, &policy).await
    }
}

/// Whether CVP refused a request's session (ended, unknown), so that a new
/// login may succeed: a 401, or CVP's `Unauthorized User` error code, which
/// some CVP versions answer with `200`.
pub fn session_refused(answer: &Answer) -> bool {
    if answer.status == StatusCode::UNAUTHORIZED {
        return true;
    }
    answer.status == StatusCode::OK
        && serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .is_some_and(|body| body.get("errorCode").and_then(Value::as_str) == Some(UNAUTHORIZED_CODE))
}

/// CVP's error code for a session or login it does not accept.
pub const UNAUTHORIZED_CODE: &str = "112498";

/// `request` carrying the CVP `session` as CVP takes it, marked sensitive
/// so that no debug output shows it.
fn with_session(request: reqwest::RequestBuilder, session: &str) -> reqwest::RequestBuilder {
    let sensitive = |text: String| {
        HeaderValue::from_str(&text).ok().map(|mut value| {
            value.set_sensitive(true);
            value
        })
    };
    let mut request = request;
    if let Some(header) = sensitive(session.to_owned()) {
        request = request.header("APP_SESSION_ID", header);
    }
    if let Some(cookie) = sensitive(format!("session_id={session}")) {
        request = request.header(COOKIE, cookie);
    }
    request
}

/// CloudVision's own words in an error body: the service API's
/// `errorMessage`, or the resource gateway's `message`.
pub fn reason(body: &Value) -> Option<String> {
    ["errorMessage", "message"]
        .iter()
        .find_map(|field| body.get(*field).and_then(Value::as_str))
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// The refusal `answer` (not a success) says, with CloudVision's reason
/// after the toolkit's sentence for a 401 or 403.
pub fn refusal(answer: &Answer, who: &Credential, object: &str) -> CloudVisionError {
    let refused =
        CloudVisionError::refusal(answer, (&who.user, who.linked), "view", object.to_owned(), reason);
    let explained = matches!(
        refused,
        CloudVisionError::Unauthorized { .. } | CloudVisionError::Forbidden { .. }
    );
    let why = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|b| reason(&b));
    match why {
        Some(reason) if explained => CloudVisionError::Explained {
            refusal: refused.to_string(),
            reason,
        },
        _ => refused,
    }
}

/// The CVP service API's error in a body it answered (often with `200`):
/// `{"errorCode", "errorMessage"}`.
pub fn service_error(body: &Value, who: &Credential, object: &str) -> Option<CloudVisionError> {
    let code = body.get("errorCode")?;
    let message = reason(body).unwrap_or_else(|| format!("error {code}"));
    if code.as_str() == Some(UNAUTHORIZED_CODE) {
        return Some(CloudVisionError::Explained {
            refusal: CloudVisionError::Unauthorized {
                user: who.user.clone(),
            }
            .to_string(),
            reason: message,
        });
    }
    Some(CloudVisionError::Rejected {
        action: "read".to_owned(),
        object: object.to_owned(),
        reason: message,
    })
}

/// A service API answer read: its JSON, or the refusal or error it says.
fn read_service(answer: &Answer, who: &Credential, object: &str) -> Result<Value, CloudVisionError> {
    if !answer.status.is_success() {
        return Err(refusal(answer, who, object));
    }
    let body: Value = serde_json::from_slice(&answer.body)
        .map_err(|err| CloudVisionError::Malformed(format!("{object}: {err}")))?;
    match service_error(&body, who, object) {
        Some(error) => Err(error),
        None => Ok(body),
    }
}

/// A resource API's stream: one `{"result": {"value": …}}` a line (an
/// empty body when nothing matched), read line by line, at most `max`
/// values; an `{"error": …}` line is the gateway's error mid-stream.
pub fn read_stream(body: &[u8], max: usize, object: &str) -> Result<Streamed, CloudVisionError> {
    let mut streamed = Streamed::default();
    let lines = body
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace));
    for line in lines {
        if streamed.values.len() == max {
            streamed.cut = true;
            break;
        }
        let item: Value = serde_json::from_slice(line)
            .map_err(|err| CloudVisionError::Malformed(format!("{object}: {err}")))?;
        if let Some(error) = item.get("error") {
            return Err(CloudVisionError::Refused {
                status: 200,
                detail: Some(reason(error).unwrap_or_else(|| error.to_string())),
            });
        }
        let value = item
            .get("result")
            .and_then(|result| result.get("value"))
            .filter(|value| value.is_object())
            .ok_or_else(|| CloudVisionError::Malformed(format!("{object}: a line without result.value")))?;
        streamed.values.push(value.clone());
    }
    Ok(streamed)
}
