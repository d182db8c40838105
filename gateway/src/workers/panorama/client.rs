//! Panorama's XML API (`/api/`), as the chat user.
//!
//! Every request is a POST form to `/api/` with its `type=` (`op`, `config`,
//! `export`) and the user's API key in the `X-PAN-KEY` header, so that
//! PAN-OS's own admin roles decide what the person may read and run; with
//! `target=<serial>` Panorama passes it on to that firewall. A login (an
//! AccountLink's user and password, or the Integration's) is first turned
//! into a key by `type=keygen`; the key is kept in memory per login (a
//! bounded number of them) so that each command does not log in again.
//! PAN-OS answers `<response status="success|error" code=…>`, its errors
//! with HTTP 200 and their words in `<msg><line>…`, a wrong key or password
//! with HTTP 403 `Invalid Credential`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chatops_outbound::{Answer, RetryPolicy};
use reqwest::header::HeaderValue;
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};

use super::error::PanoramaError;
use super::xml::El;
pub use crate::workers::toolkit::connection::ClientSettings;
use crate::workers::toolkit::connection::Connection;
use crate::workers::toolkit::credentials::{Credential, Secret};
use crate::workers::toolkit::errors::BackendError;

/// How many logins' keys are kept; past it the oldest are forgotten.
pub const MAX_KEYS: usize = 256;

/// An API key. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
struct ApiKey(String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// The keys PAN-OS gave, by login: the user and a digest of the password,
/// so that a changed password logs in again and no password is kept here.
#[derive(Debug, Default)]
struct Keys {
    by_login: HashMap<(String, [u8; 32]), (u64, ApiKey)>,
    next: u64,
}

impl Keys {
    fn login(username: &str, password: &str) -> (String, [u8; 32]) {
        (username.to_owned(), Sha256::digest(password.as_bytes()).into())
    }

    fn get(&self, login: &(String, [u8; 32])) -> Option<ApiKey> {
        self.by_login.get(login).map(|(_, key)| key.clone())
    }

    fn put(&mut self, login: (String, [u8; 32]), key: ApiKey) {
        if self.by_login.len() >= MAX_KEYS && !self.by_login.contains_key(&login) {
            let oldest = self
                .by_login
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(l, _)| l.clone());
            if let Some(oldest) = oldest {
                self.by_login.remove(&oldest);
            }
        }
        self.next += 1;
        self.by_login.insert(login, (self.next, key));
    }

    fn forget(&mut self, login: &(String, [u8; 32])) {
        self.by_login.remove(login);
    }
}

/// A client of one Panorama.
#[derive(Clone, Debug)]
pub struct PanoramaClient {
    connection: Connection,
    keys: Arc<Mutex<Keys>>,
}

/// One request: its parameters (without the key) and, when it goes on to a
/// firewall, the firewall's serial; `action` and `object` say it in a refusal.
pub struct Request<'a> {
    /// `type`, `cmd`, `action`, `xpath`, … as PAN-OS names them.
    pub params: Vec<(&'a str, String)>,
    /// The firewall's serial, for `target=`.
    pub target: Option<&'a str>,
    /// `view`, `run`, `change`.
    pub action: &'a str,
    /// What it asks about, in words (`the devices`, `software on fw-ams-01`).
    pub object: String,
}

impl PanoramaClient {
    /// A client for `settings`.
    pub fn new(settings: &ClientSettings) -> Result<Self, PanoramaError> {
        Ok(Self {
            connection: settings.connect()?,
            keys: Arc::default(),
        })
    }

    fn url(&self) -> Result<Url, PanoramaError> {
        self.connection
            .endpoint
            .join("api/")
            .map_err(|_| BackendError::Malformed("the endpoint cannot carry a path".to_owned()))
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, Keys> {
        // A panic while holding it leaves whole entries behind: they are fine.
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The API key `who` acts with: the Integration's, or their login's
    /// (kept, else asked for by `type=keygen`).
    async fn key(&self, who: &Credential) -> Result<ApiKey, PanoramaError> {
        let (username, password) = match &who.secret {
            Secret::Token(key) | Secret::Header { token: key, .. } => return Ok(ApiKey(key.clone())),
            Secret::Login { username, password } => (username, password),
        };
        let login = Keys::login(username, password);
        if let Some(key) = self.keys().get(&login) {
            return Ok(key);
        }
        let form = [
            ("type", "keygen"),
            ("user", username.as_str()),
            ("password", password.as_str()),
        ];
        let request = self.connection.http.post(self.url()?).form(&form);
        // A login changes nothing: it may be asked again.
        let answer = self
            .connection
            .send("panorama", request, &RetryPolicy::single_attempt())
            .await?;
        let response = read(&answer, who, "log in as", username.clone())?;
        let key = response.text_at("result/key");
        if key.is_empty() {
            return Err(BackendError::Malformed("keygen: no key in the answer".to_owned()));
        }
        let key = ApiKey(key.to_owned());
        self.keys().put(login, key.clone());
        Ok(key)
    }

    /// Sends `request` as `who`: the `<response>` of a success, else
    /// PAN-OS's refusal in words. Never sent twice (installs change state).
    pub async fn send(&self, who: &Credential, request: Request<'_>) -> Result<El, PanoramaError> {
        let answer = self.answer(who, &request).await?;
        read(&answer, who, request.action, request.object)
    }

    /// Runs op command `cmd` as `who` on Panorama or the firewall `target`: its `<result>`.
    pub async fn op(
        &self,
        who: &Credential,
        cmd: String,
        target: Option<&str>,
        (action, object): (&str, String),
    ) -> Result<El, PanoramaError> {
        let request = Request {
            params: vec![("type", "op".to_owned()), ("cmd", cmd)],
            target,
            action,
            object,
        };
        let response = self.send(who, request).await?;
        Ok(response.find("result").cloned().unwrap_or_default())
    }

    /// Sends `request` as `who`: the answer's bytes when it is a file
    /// (`type=export`), else PAN-OS's refusal in words.
    pub async fn download(&self, who: &Credential, request: Request<'_>) -> Result<Vec<u8>, PanoramaError> {
        let answer = self.answer(who, &request).await?;
        if answer.status.is_success() && is_file(&answer.headers) {
            return Ok(answer.body);
        }
        read(&answer, who, request.action, request.object.clone())?;
        Err(BackendError::Malformed(format!(
            "{}: no file in the answer",
            request.object
        )))
    }

    async fn answer(&self, who: &Credential, request: &Request<'_>) -> Result<Answer, PanoramaError> {
        let key = self.key(who).await?;
        let mut form: Vec<(&str, &str)> = request.params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        if let Some(target) = request.target {
            form.push(("target", target));
        }
        let mut value = HeaderValue::from_str(&key.0).map_err(|_| not_accepted(who))?;
        value.set_sensitive(true);
        let sent = self
            .connection
            .http
            .post(self.url()?)
            .header("X-PAN-KEY", value)
            .form(&form);
        let answer = self
            .connection
            .send("panorama", sent, &RetryPolicy::single_attempt())
            .await?;
        if answer.status == StatusCode::FORBIDDEN
            && let Secret::Login { username, password } = &who.secret
        {
            // The key was revoked (or the password changed): log in afresh next time.
            self.keys().forget(&Keys::login(username, password));
        }
        Ok(answer)
    }
}

/// Whether an answer is an exported file: PAN-OS sends one as an
/// attachment of bytes, and its errors as XML; anything else (a proxy's HTML
/// page) is no file.
pub fn is_file(headers: &reqwest::header::HeaderMap) -> bool {
    let header = |name| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let kind = header(reqwest::header::CONTENT_TYPE);
    header(reqwest::header::CONTENT_DISPOSITION).starts_with("attachment")
        || kind.starts_with("application/octet-stream")
        || kind.contains("pcap")
}

/// The `<response>` of `answer` when PAN-OS says success; else its refusal,
/// said as `who` may not `action` `object`, with PAN-OS's own words.
pub fn read(answer: &Answer, who: &Credential, action: &str, object: String) -> Result<El, PanoramaError> {
    if answer.status == StatusCode::FORBIDDEN {
        return Err(not_accepted(who));
    }
    if !answer.status.is_success() {
        return Err(BackendError::refusal(
            answer,
            (&who.user, who.linked),
            action,
            object,
            |_| None,
        ));
    }
    let text = String::from_utf8_lossy(&answer.body);
    let response = El::parse(&text)
        .ok()
        .filter(|root| root.name == "response")
        .ok_or_else(|| BackendError::Malformed(format!("{object}: not PAN-OS's XML")))?;
    match response.attr("status") {
        Some("success") => Ok(response),
        Some("error") => Err(refusal(&response, who, action, object)),
        _ => Err(BackendError::Malformed(format!(
            "{object}: a response without a status"
        ))),
    }
}

/// PAN-OS's refusal of `who`'s key or password (HTTP 403 `Invalid
/// Credential`), naming what was refused: a login's password, or the
/// Integration's API key.
fn not_accepted(who: &Credential) -> PanoramaError {
    match who.secret {
        Secret::Login { .. } => BackendError::Unauthorized {
            user: who.user.clone(),
        },
        _ => BackendError::Explained {
            refusal: format!("Panorama did not accept the API key used for {}", who.user),
            reason: "Invalid Credential; make a new key with type=keygen".to_owned(),
        },
    }
}

/// PAN-OS's words of an error `<response>`: its `<msg>` lines (or
/// `<result><msg>`'s), else its code.
pub fn reason(response: &El) -> String {
    let msg = response.find("msg").or_else(|| response.at("result/msg"));
    let lines: Vec<&str> = msg.map(El::lines).unwrap_or_default();
    if lines.is_empty() {
        format!("error code {}", response.attr("code").unwrap_or("unknown"))
    } else {
        lines.iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ")
    }
}

fn refusal(response: &El, who: &Credential, action: &str, object: String) -> PanoramaError {
    let reason = reason(response);
    match response.attr("code") {
        Some("403") => BackendError::Explained {
            refusal: BackendError::<super::error::PanoramaApi>::Forbidden {
                user: who.user.clone(),
                linked: who.linked,
                action: action.to_owned(),
                object,
            }
            .to_string(),
            reason,
        },
        _ => BackendError::Rejected {
            action: action.to_owned(),
            object,
            reason,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential() -> Credential {
        Credential {
            user: "chatops-ro".to_owned(),
            linked: true,
            secret: Secret::Token("k".to_owned()),
        }
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn pan_os_errors_are_said_in_words_never_as_xml() {
        let refused = answer(
            200,
            "<response status = 'error' code = '403'><result><msg>Insufficient admin access rights for request system software install</msg></result></response>",
        );
        let said = read(
            &refused,
            &credential(),
            "change",
            "software on fw-ams-01".to_owned(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            said,
            "you (linked as chatops-ro) may not change software on fw-ams-01 in Panorama: \
             Insufficient admin access rights for request system software install"
        );
        let rejected = answer(
            200,
            "<response status=\"error\" code=\"17\"><msg><line>Image PanOS_400-11.2.4 is not downloaded.</line></msg></response>",
        );
        assert_eq!(
            read(
                &rejected,
                &credential(),
                "install",
                "11.2.4 on fw-ams-01".to_owned()
            )
            .unwrap_err()
            .to_string(),
            "Panorama would not install 11.2.4 on fw-ams-01: Image PanOS_400-11.2.4 is not downloaded."
        );
        let wrong = answer(
            403,
            "<response status='error' code='403'><result><msg>Invalid Credential</msg></result></response>",
        );
        assert_eq!(
            read(&wrong, &credential(), "view", "x".to_owned())
                .unwrap_err()
                .to_string(),
            "Panorama did not accept the API key used for chatops-ro: Invalid Credential; make a new key with type=keygen"
        );
        let login = Credential {
            secret: Secret::Login {
                username: "chatops-ro".to_owned(),
                password: "pw".to_owned(),
            },
            ..credential()
        };
        assert_eq!(
            read(&wrong, &login, "view", "x".to_owned())
                .unwrap_err()
                .to_string(),
            "Panorama did not accept the password of chatops-ro"
        );
        let garbled = answer(200, "{\"not\": \"xml\"}");
        assert!(matches!(
            read(&garbled, &credential(), "view", "the devices".to_owned()),
            Err(BackendError::Malformed(_))
        ));
    }

    #[test]
    fn keys_are_kept_per_login_bounded_and_never_shown() {
        let mut keys = Keys::default();
        for n in 0..=MAX_KEYS {
            keys.put(Keys::login(&format!("user{n}"), "pw"), ApiKey(format!("key{n}")));
        }
        assert_eq!(keys.by_login.len(), MAX_KEYS);
        assert_eq!(
            keys.get(&Keys::login("user0", "pw")),
            None,
            "the oldest forgotten"
        );
        assert_eq!(
            keys.get(&Keys::login(&format!("user{MAX_KEYS}"), "pw")),
            Some(ApiKey(format!("key{MAX_KEYS}")))
        );
        assert_eq!(
            keys.get(&Keys::login("user1", "other")),
            None,
            "another password logs in again"
        );
        assert!(!format!("{keys:?}").contains("key1"));
    }
}
