//! APIC's REST API (`/api/…`), as the chat user.
//!
//! A call acts as one APIC login: `POST /api/aaaLogin.json` with the user's
//! name and password gives a token, sent as the `APIC-cookie` cookie on every
//! call after. The token is kept per login ([`Tokens`]) and refreshed with
//! `aaaRefresh` before the `refreshTimeoutSeconds` the login gave run out;
//! should APIC still answer that the token is invalid (a restart, a
//! failover, a token APIC ended early) the call logs in again once and is
//! sent once more. A refusal's words are the `text` of APIC's `error`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chatops_outbound::{Answer, RetryPolicy};
use reqwest::header::{COOKIE, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

use super::error::AciError;
use super::mo::{self, Imdata};
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::Connection;
use crate::workers::toolkit::credentials::{Credential, Secret};
use crate::workers::toolkit::tokens::{LoginKey, Token, Tokens, Use};

/// The cookie that carries the token, as APIC names it.
pub const COOKIE_NAME: &str = "APIC-cookie";

/// How many objects of a large class (interfaces) one page asks for, and
/// the most read in all: a table of more says it was cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `page-size`.
    pub page_size: usize,
    /// The most objects read.
    pub max_objects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            page_size: 500,
            max_objects: 5_000,
        }
    }
}

/// A client of one APIC cluster.
#[derive(Debug)]
pub struct AciClient {
    connection: Connection,
    tokens: Mutex<Tokens>,
    /// How large classes are paged.
    pub limits: Limits,
}

/// A login: its key in the token map, its user and password.
struct Login<'a> {
    key: LoginKey,
    who: &'a Credential,
    password: &'a str,
}

impl AciClient {
    /// A client for `settings`.
    pub fn new(settings: &ClientSettings) -> Result<Self, AciError> {
        Ok(Self {
            connection: settings.connect()?,
            tokens: Mutex::new(Tokens::default()),
            limits: Limits::default(),
        })
    }

    /// `/api/{path}.json?{query}`, the query's values encoded.
    pub fn url(&self, path: &str, query: &[(&str, String)]) -> Result<Url, AciError> {
        let base = self.connection.endpoint_text();
        let mut url = Url::parse(&format!("{base}/api/{path}.json"))
            .map_err(|_| AciError::Malformed(format!("`{path}` makes no URL")))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    /// Reads `path` (`node/class/fvTenant`, `node/mo/uni/tn-x`) with
    /// `query`; `object` names it in a refusal.
    pub async fn get(
        &self,
        who: &Credential,
        path: &str,
        query: &[(&str, String)],
        object: &str,
    ) -> Result<Imdata, AciError> {
        let url = self.url(path, query)?;
        self.request(who, Method::GET, url, None, "view", object).await
    }

    /// Posts `body` to the managed object `dn`; `action` and `object` name
    /// it in a refusal.
    pub async fn post(
        &self,
        who: &Credential,
        dn: &str,
        body: &Value,
        action: &str,
        object: &str,
    ) -> Result<Imdata, AciError> {
        let url = self.url(&format!("node/mo/{dn}"), &[])?;
        self.request(who, Method::POST, url, Some(body), action, object)
            .await
    }

    /// How many logins have a token kept.
    pub fn logins_kept(&self) -> usize {
        self.tokens
            .lock()
            .map(|tokens| tokens.count())
            .unwrap_or_default()
    }

    async fn request(
        &self,
        who: &Credential,
        method: Method,
        url: Url,
        body: Option<&Value>,
        action: &str,
        object: &str,
    ) -> Result<Imdata, AciError> {
        let login = login_of(who)?;
        let token = self.token(&login).await?;
        let mut answer = self.send(method.clone(), url.clone(), body, Some(&token)).await?;
        if token_refused(&answer) {
            // APIC ended the session early: log in again, once.
            tracing::info!(user = %who.user, "APIC no longer takes the session's token; logging in again");
            self.forget(&login.key);
            let token = self.log_in(&login).await?;
            answer = self.send(method, url, body, Some(&token)).await?;
        }
        let read: Value = AciError::read_answer(
            &answer,
            (&who.user, who.linked),
            action,
            object.to_owned(),
            mo::reason,
        )?;
        mo::read(&read, object)
    }

    /// A token of `login` APIC takes: the kept one, refreshed when due, else a new login's.
    async fn token(&self, login: &Login<'_>) -> Result<String, AciError> {
        let planned = self
            .tokens
            .lock()
            .map(|tokens| tokens.use_at(&login.key, Instant::now()))
            .unwrap_or(Use::Login);
        match planned {
            Use::Send(token) => Ok(token),
            Use::Refresh(token) => match self.refresh(login, &token).await {
                Ok(token) => Ok(token),
                // APIC down or slow: a login would only wait as long again.
                Err(
                    down @ (AciError::Timeout { .. }
                    | AciError::Unreachable { .. }
                    | AciError::Untrusted { .. }),
                ) => Err(down),
                // A refresh APIC refused (the session ended): a login may still work.
                Err(_) => self.log_in(login).await,
            },
            Use::Login => self.log_in(login).await,
        }
    }

    /// `POST /api/aaaLogin.json`: a new session of `login`, kept.
    async fn log_in(&self, login: &Login<'_>) -> Result<String, AciError> {
        let url = self.url("aaaLogin", &[])?;
        let body = json!({"aaaUser": {"attributes": {"name": login.who.user, "pwd": login.password}}});
        let answer = self.send(Method::POST, url, Some(&body), None).await?;
        self.keep(login, &answer)
    }

    /// `GET /api/aaaRefresh.json`: the session of `token` made to last, kept.
    async fn refresh(&self, login: &Login<'_>, token: &str) -> Result<String, AciError> {
        let url = self.url("aaaRefresh", &[])?;
        let answer = self.send(Method::GET, url, None, Some(token)).await?;
        self.keep(login, &answer)
    }

    /// Keeps the token of a login's or refresh's `answer`.
    fn keep(&self, login: &Login<'_>, answer: &Answer) -> Result<String, AciError> {
        if answer.status == StatusCode::UNAUTHORIZED || answer.status == StatusCode::FORBIDDEN {
            let refusal = AciError::Unauthorized {
                user: login.who.user.clone(),
            };
            // APIC says why (a wrong password, a locked account, a failed
            // RADIUS login): worth telling the person, who can act on it.
            let reason = serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|body| mo::reason(&body));
            return Err(match reason {
                Some(reason) => AciError::Explained {
                    refusal: refusal.to_string(),
                    reason,
                },
                None => refusal,
            });
        }
        let read: Value = AciError::read_answer(
            answer,
            (&login.who.user, login.who.linked),
            "log in as",
            format!("the login of {}", login.who.user),
            mo::reason,
        )?;
        let (token, lifetime) = session_of(&read)?;
        let kept = Token::issued(token.clone(), Instant::now(), lifetime);
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.keep(login.key.clone(), kept);
        }
        Ok(token)
    }

    fn forget(&self, key: &LoginKey) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.forget(key);
        }
    }

    /// Sends one request, with the token as APIC's cookie when given.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<Answer, AciError> {
        let mut request = self
            .connection
            .http
            .request(method, url)
            .header("Accept", "application/json");
        let cookie = token.and_then(|token| HeaderValue::from_str(&format!("{COOKIE_NAME}={token}")).ok());
        if let Some(mut cookie) = cookie {
            // As reqwest marks a bearer token: no debug output shows it.
            cookie.set_sensitive(true);
            request = request.header(COOKIE, cookie);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        // Registration changes the fabric: nothing is sent twice by the transport.
        self.connection
            .send("aci", request, &RetryPolicy::single_attempt())
            .await
    }
}

/// The login `who` acts with: APIC takes a user name and password only.
fn login_of(who: &Credential) -> Result<Login<'_>, AciError> {
    match &who.secret {
        Secret::Login { username, password } => Ok(Login {
            key: LoginKey::new(username, password),
            who,
            password,
        }),
        // A token is no APIC login: APIC would refuse it as it refuses a wrong password.
        Secret::Token(_) | Secret::Header { .. } => Err(AciError::Unauthorized {
            user: who.user.clone(),
        }),
    }
}

/// Whether APIC refused the request's token (expired, ended, unknown), so
/// that a new login may succeed; not a refusal of the user's rights.
pub fn token_refused(answer: &Answer) -> bool {
    if answer.status == StatusCode::UNAUTHORIZED {
        return true;
    }
    if answer.status != StatusCode::FORBIDDEN {
        return false;
    }
    let text = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|body| mo::reason(&body))
        .unwrap_or_default();
    text.contains("Token was invalid") || text.contains("valid webtoken")
}

/// The token and its life (`refreshTimeoutSeconds`) of a login's answer.
pub fn session_of(answer: &Value) -> Result<(String, Duration), AciError> {
    let attributes = answer
        .get("imdata")
        .and_then(Value::as_array)
        .and_then(|imdata| imdata.iter().find_map(|entry| entry.get("aaaLogin")))
        .and_then(|login| login.get("attributes"))
        .ok_or_else(|| AciError::Malformed("the login answered no aaaLogin".to_owned()))?;
    let token = attributes
        .get("token")
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| AciError::Malformed("the login answered no token".to_owned()))?;
    let seconds = attributes
        .get("refreshTimeoutSeconds")
        .and_then(|seconds| match seconds {
            Value::String(text) => text.parse::<u64>().ok(),
            other => other.as_u64(),
        })
        // APIC's default, should the login not say.
        .unwrap_or(600);
    Ok((token.to_owned(), Duration::from_secs(seconds.max(1))))
}
