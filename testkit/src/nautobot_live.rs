//! Helpers for `tests/tests/nautobot_live.rs`: the real Nautobot that
//! `scripts/nautobot/up` brings up, manifests pointing the gateway at it, and a
//! fake Slack Web API that also takes file uploads (long tables arrive as files).

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use crate::{
    copy_quickstart,
    fake_api::{FakeApi, Platform, Recorded, json_response},
    fake_slack::SlackApi,
    workspace_root,
};

/// The chat user linked as Nautobot user `admin` (a superuser), with the admin token.
pub const ADMIN_CHAT_USER: &str = "U0NBADMIN01";
/// The chat user linked as Nautobot user `viewer` (view-only), with the viewer token.
pub const VIEWER_CHAT_USER: &str = "U0NBVIEWER1";
/// The chat user linked as Nautobot user `partial`: may view what `viewer` may, except
/// locations, roles and IP addresses (issue 17: hidden must not read as empty).
pub const PARTIAL_CHAT_USER: &str = "U0NBPARTIAL";
/// A chat user without an AccountLink: acts as the platform's fallback user, with the
/// Integration's own token (the viewer's).
pub const UNLINKED_CHAT_USER: &str = "U0NBNOBODY1";

const HOW_TO_START: &str = "the live Nautobot tests need a running Nautobot: run `scripts/nautobot/up` \
                            (see scripts/nautobot/README.md), then run the tests again";

/// The Nautobot of `scripts/nautobot/up`, as its `.nautobot/env` describes it.
#[derive(Clone, Debug)]
pub struct Nautobot {
    /// `NAUTOBOT_URL`, e.g. `http://127.0.0.1:8480`.
    pub url: String,
    /// The token of `admin` (superuser).
    pub admin_token: String,
    /// The token of `viewer` (view-only object permissions).
    pub viewer_token: String,
    /// The token of `partial` (view-only, but not locations, roles or IP addresses).
    pub partial_token: String,
    http: reqwest::Client,
}

/// Where `scripts/nautobot/up` writes its env file: `$NAUTOBOT_ROOT/env`, by default
/// `.nautobot/env` in the workspace.
pub fn env_file() -> PathBuf {
    std::env::var_os("NAUTOBOT_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".nautobot"))
        .join("env")
}

impl Nautobot {
    /// Reads `.nautobot/env` and checks that Nautobot answers `GET /api/status/` with 200.
    /// Panics (never skips) when it does not, saying to run `scripts/nautobot/up`.
    pub async fn require() -> Nautobot {
        let path = env_file();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}; {HOW_TO_START}", path.display()));
        let vars: HashMap<&str, &str> = text
            .lines()
            .filter_map(|line| line.trim().split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        let var = |name: &str| -> String {
            match vars.get(name) {
                Some(value) if !value.is_empty() => (*value).to_owned(),
                _ => panic!("{} has no {name}; {HOW_TO_START}", path.display()),
            }
        };
        let nautobot = Nautobot {
            url: var("NAUTOBOT_URL").trim_end_matches('/').to_owned(),
            admin_token: var("NAUTOBOT_ADMIN_TOKEN"),
            viewer_token: var("NAUTOBOT_VIEWER_TOKEN"),
            partial_token: var("NAUTOBOT_PARTIAL_TOKEN"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("an HTTP client"),
        };
        let status = nautobot
            .as_admin(reqwest::Method::GET, "/api/status/")
            .send()
            .await;
        match status {
            Ok(answer) if answer.status() == reqwest::StatusCode::OK => nautobot,
            Ok(answer) => panic!(
                "Nautobot at {} answered GET /api/status/ with {}; {HOW_TO_START}",
                nautobot.url,
                answer.status()
            ),
            Err(err) => panic!(
                "Nautobot at {} does not answer GET /api/status/ ({err}); {HOW_TO_START}",
                nautobot.url
            ),
        }
    }

    /// A `method` request of `{url}{path}` with the admin token, asking for JSON.
    fn as_admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .header("Authorization", format!("Token {}", self.admin_token))
            .header("Accept", "application/json")
    }

    /// Sends `request` (`what` it is, for the panics) and returns the body of
    /// its answer; panics unless 200.
    async fn ok_body(request: reqwest::RequestBuilder, what: &str) -> String {
        let answer = request.send().await.unwrap_or_else(|err| panic!("{what}: {err}"));
        let status = answer.status();
        let body = answer.text().await.unwrap_or_default();
        assert_eq!(status, reqwest::StatusCode::OK, "{what}: {body}");
        body
    }

    /// `GET {url}{path}` with the admin token, as JSON; panics unless 200.
    pub async fn get(&self, path: &str) -> Value {
        let what = format!("GET {path}");
        let body = Nautobot::ok_body(self.as_admin(reqwest::Method::GET, path), &what).await;
        serde_json::from_str(&body).unwrap_or_else(|err| panic!("{what}: {err}: {body}"))
    }

    /// `POST {url}{path}` of `body` with the admin token; panics unless 201.
    /// The object created.
    pub async fn create(&self, path: &str, body: &Value) -> Value {
        let what = format!("POST {path}");
        let answer = self
            .as_admin(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|err| panic!("{what}: {err}"));
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        assert_eq!(status, reqwest::StatusCode::CREATED, "{what}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{what}: {err}: {text}"))
    }

    /// `POST {url}{path}` of `body` with the admin token, which Nautobot
    /// must refuse with 400; panics otherwise. Its reason (the body).
    pub async fn refused(&self, path: &str, body: &Value) -> Value {
        let what = format!("POST {path} {body}");
        let answer = self
            .as_admin(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|err| panic!("{what}: {err}"));
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{what}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{what}: {err}: {text}"))
    }

    /// `DELETE {url}{path}` with the admin token; panics unless 204.
    pub async fn delete(&self, path: &str) {
        let what = format!("DELETE {path}");
        let answer = self
            .as_admin(reqwest::Method::DELETE, path)
            .send()
            .await
            .unwrap_or_else(|err| panic!("{what}: {err}"));
        assert_eq!(answer.status(), reqwest::StatusCode::NO_CONTENT, "{what}");
    }

    /// The device `name` (`depth=1`), as Nautobot's REST API shows it to the admin.
    pub async fn device(&self, name: &str) -> Value {
        let found = self.get(&format!("/api/dcim/devices/?name={name}&depth=1")).await;
        assert_eq!(found["count"], 1, "one device {name} in Nautobot: {found}");
        found["results"][0].clone()
    }

    /// The status name of device `name`, e.g. `Active`.
    pub async fn device_status(&self, name: &str) -> String {
        let device = self.device(name).await;
        device["status"]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("no status name in {device}"))
            .to_owned()
    }

    /// Sets the status of device `name` to the status named `status`, with the admin token.
    pub async fn set_device_status(&self, name: &str, status: &str) {
        let device = self.device(name).await;
        let statuses = self.get(&format!("/api/extras/statuses/?name={status}")).await;
        let status_id = statuses["results"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no status {status} in Nautobot: {statuses}"))
            .to_owned();
        let id = device["id"].as_str().expect("a device id");
        let patch = self
            .as_admin(reqwest::Method::PATCH, &format!("/api/dcim/devices/{id}/"))
            .json(&json!({"status": status_id}));
        Nautobot::ok_body(patch, &format!("PATCH device {name}")).await;
    }

    /// A guard that, when dropped (also when a test panics), sets device `name` back to
    /// status `status` if it is not that already.
    pub fn restore_on_drop(&self, name: &str, status: &str) -> RestoreStatus {
        RestoreStatus {
            nautobot: self.clone(),
            device: name.to_owned(),
            status: status.to_owned(),
        }
    }
}

/// See [`Nautobot::restore_on_drop`].
pub struct RestoreStatus {
    nautobot: Nautobot,
    device: String,
    status: String,
}

impl Drop for RestoreStatus {
    fn drop(&mut self) {
        let RestoreStatus {
            nautobot,
            device,
            status,
        } = self;
        let (mut nautobot, device, status) = (nautobot.clone(), device.clone(), status.clone());
        // The test's client pools connections on the test's runtime, which is going away.
        nautobot.http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("an HTTP client");
        // Drop cannot await, and the test's runtime may be unwinding: use a runtime of our own,
        // on a thread of its own.
        let restored = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                if nautobot.device_status(&device).await != status {
                    nautobot.set_device_status(&device, &status).await;
                    eprintln!("restored {device} to {status} in Nautobot");
                }
            });
        })
        .join();
        if restored.is_err() {
            eprintln!("could not restore {} to {} in Nautobot", self.device, self.status);
        }
    }
}

/// A copy of the quickstart whose Integration `nautobot` points at `nautobot`, with the
/// viewer token as the Integration's own (fallback) token, [`ADMIN_CHAT_USER`] linked as
/// `admin`, [`VIEWER_CHAT_USER`] linked as `viewer`, [`PARTIAL_CHAT_USER`] linked as
/// `partial`, and grants letting those three and
/// [`UNLINKED_CHAT_USER`] run every `nautobot` sub-command. The Slack ChatPlatform and
/// its secrets are the quickstart's.
pub fn live_manifests(nautobot: &Nautobot) -> tempfile::TempDir {
    let dir = copy_quickstart();
    let write = |name: &str, text: String| {
        std::fs::write(dir.path().join(name), text).unwrap_or_else(|err| panic!("writing {name}: {err}"))
    };
    std::fs::remove_file(dir.path().join("alice.yaml")).expect("the quickstart has alice.yaml");
    write(
        "nautobot.yaml",
        format!(
            "\
apiVersion: chatops.dev/v1alpha1
kind: Integration
metadata:
  name: nautobot
  namespace: chatops
spec:
  type: nautobot
  command: nautobot
  endpoint: {url}
  credentials:
    tokenRef: {{name: nautobot, key: token}}
  timeoutSeconds: 30
",
            url = nautobot.url
        ),
    );
    write(
        "secrets.yaml",
        format!(
            "\
apiVersion: v1
kind: Secret
metadata:
  name: slack
  namespace: chatops
type: Opaque
stringData:
  signing-secret: {signing_secret}
  bot-token: xoxb-0000000000-0000000000000-quickstartnotarealtoken
---
# The Integration's own token: Nautobot user viewer, for chat users without a link.
apiVersion: v1
kind: Secret
metadata:
  name: nautobot
  namespace: chatops
type: Opaque
stringData:
  token: {viewer}
---
apiVersion: v1
kind: Secret
metadata:
  name: nautobot-admin-tokens
  namespace: chatops
type: Opaque
stringData:
  nautobot: {admin}
---
apiVersion: v1
kind: Secret
metadata:
  name: nautobot-viewer-tokens
  namespace: chatops
type: Opaque
stringData:
  nautobot: {viewer}
---
apiVersion: v1
kind: Secret
metadata:
  name: nautobot-partial-tokens
  namespace: chatops
type: Opaque
stringData:
  nautobot: {partial}
",
            signing_secret = crate::slack_requests::QUICKSTART_SIGNING_SECRET,
            admin = nautobot.admin_token,
            viewer = nautobot.viewer_token,
            partial = nautobot.partial_token,
        ),
    );
    write(
        "links.yaml",
        format!(
            "\
apiVersion: chatops.dev/v1alpha1
kind: AccountLink
metadata:
  name: nautobot-admin
  namespace: chatops
spec:
  platform: slack
  chatUserId: {ADMIN_CHAT_USER}
  user: admin
  tokens:
  - integration: nautobot
    tokenRef: {{name: nautobot-admin-tokens, key: nautobot}}
---
apiVersion: chatops.dev/v1alpha1
kind: AccountLink
metadata:
  name: nautobot-viewer
  namespace: chatops
spec:
  platform: slack
  chatUserId: {VIEWER_CHAT_USER}
  user: viewer
  tokens:
  - integration: nautobot
    tokenRef: {{name: nautobot-viewer-tokens, key: nautobot}}
---
apiVersion: chatops.dev/v1alpha1
kind: AccountLink
metadata:
  name: nautobot-partial
  namespace: chatops
spec:
  platform: slack
  chatUserId: {PARTIAL_CHAT_USER}
  user: partial
  tokens:
  - integration: nautobot
    tokenRef: {{name: nautobot-partial-tokens, key: nautobot}}
"
        ),
    );
    let mut grants = String::from(
        "\
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata:
  name: workspace
  namespace: chatops
spec:
  command: \"*\"
  subcommand: \"*\"
  grantType: organization
  name: example-workspace
  value: T0EXAMPLE01
---
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata:
  name: any-channel
  namespace: chatops
spec:
  command: \"*\"
  subcommand: \"*\"
  grantType: channel
  name: any
  value: \"*\"
",
    );
    for (name, user) in [
        ("admin", ADMIN_CHAT_USER),
        ("viewer", VIEWER_CHAT_USER),
        ("partial", PARTIAL_CHAT_USER),
        ("unlinked", UNLINKED_CHAT_USER),
    ] {
        grants.push_str(&format!(
            "\
---
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata:
  name: nautobot-for-{name}
  namespace: chatops
spec:
  command: nautobot
  subcommand: \"*\"
  grantType: user
  name: {name}
  value: {user}
"
        ));
    }
    write("grants.yaml", grants);
    check_manifests(dir.path());
    dir
}

/// Panics unless every resource in `dir` compiles ready, as the gateway's standalone mode
/// would load it.
pub fn check_manifests(dir: &Path) {
    let loaded = chatops_crds::manifests::load_dir(dir, "default").expect("the live manifests load");
    let compiled = crate::compile_ready(loaded, "the live manifests");
    assert!(
        compiled.config.integrations.contains_key("nautobot"),
        "the Integration nautobot is in the configuration"
    );
}

/// The conversation a request with response id `id` is sent from: one per id, so that
/// answers posted with the Web API (those with files) can be told apart.
pub fn channel_of(id: &str) -> String {
    let tail: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    format!("C0{tail}")
}

/// A fake Slack like [`crate::fake_slack::FakeSlack`] (records every request, answers
/// `{"ok": true}`), but answering the way the real one does where the gateway needs
/// more: `chat.postMessage` gives the channel and a `ts`, and
/// `files.getUploadURLExternal` gives an upload URL on this fake and a file ID, so a
/// table sent as a file reaches the fake whole.
pub type LiveSlack = FakeApi<Live>;

/// What [`LiveSlack`] holds besides the requests.
#[derive(Default)]
pub struct Live {
    /// Per response id, how many requests had been recorded when it was asked.
    marks: HashMap<String, usize>,
    /// How many requests it has answered: the `ts` of the next message.
    seen: usize,
    files: usize,
}

impl Platform for Live {
    type Entry = Recorded;

    fn respond(&mut self, recorded: &mut Recorded, addr: SocketAddr) -> Response {
        let n = self.seen;
        self.seen += 1;
        let answer = match recorded.path.as_str() {
            "/api/chat.postMessage" => {
                let channel = recorded.json()["channel"]
                    .as_str()
                    .unwrap_or("C0UNKNOWN")
                    .to_owned();
                // Posting to a user ID opens the direct messages: Slack answers their D… ID.
                let channel = match channel.strip_prefix('U') {
                    Some(rest) => format!("D{rest}"),
                    None => channel,
                };
                json!({"ok": true, "channel": channel, "ts": format!("1700000100.{n:06}")})
            }
            "/api/files.getUploadURLExternal" => {
                self.files += 1;
                let file_id = format!("F0LIVE{:04}", self.files);
                json!({"ok": true, "file_id": file_id, "upload_url": format!("http://{addr}/upload/{file_id}")})
            }
            "/api/files.completeUploadExternal" => json!({"ok": true, "files": []}),
            path if path.starts_with("/upload/") => {
                return (StatusCode::OK, format!("OK - {}", recorded.body.len())).into_response();
            }
            _ => json!({"ok": true}),
        };
        json_response(StatusCode::OK, &answer)
    }
}

impl SlackApi for Live {}

impl LiveSlack {
    /// Notes that a request answered on `id` is about to be sent: what the Web API gets
    /// from now on in direct messages may belong to it.
    pub fn mark(&self, id: &str) {
        self.with(|live, requests| live.marks.insert(id.to_owned(), requests.len()));
    }

    /// The requests recorded since `id` was marked (all of them if it was not).
    pub fn requests_since(&self, id: &str) -> Vec<Recorded> {
        self.with(|live, requests| {
            let since = live.marks.get(id).copied().unwrap_or(0);
            requests[since.min(requests.len())..].to_vec()
        })
    }
}

/// Form fields of a form-encoded body.
fn form_fields(request: &Recorded) -> HashMap<String, String> {
    form_urlencoded::parse(&request.body).into_owned().collect()
}

/// Whether `channel` is a direct-message conversation (or a user ID standing for one).
fn is_direct(channel: &str) -> bool {
    channel.starts_with(['D', 'U', 'W'])
}

/// Everything the gateway has sent so far in answer to response id `id`: the bodies
/// posted to its response URL, and, for answers with files, the message posted with the
/// Web API in its conversation ([`channel_of`]) or, for a private answer, in direct
/// messages since `id` was [marked](LiveSlack::mark), with the files uploaded with it
/// (`files.completeUploadExternal` and the bytes sent to the upload URL). Does not wait.
pub fn answer_text(fake: &LiveSlack, id: &str) -> String {
    let response = format!("/response/{id}");
    let channel = channel_of(id);
    let mut parts = Vec::new();
    for request in fake.requests() {
        if request.path == response {
            parts.push(request.text());
        }
    }
    let belongs = |conversation: &str| conversation == channel || is_direct(conversation);
    let since = fake.requests_since(id);
    let mut file_ids = Vec::new();
    for request in &since {
        match request.path.as_str() {
            "/api/chat.postMessage" if request.json()["channel"].as_str().is_some_and(belongs) => {
                parts.push(request.text());
            }
            "/api/files.completeUploadExternal" => {
                let fields = form_fields(request);
                if fields.get("channel_id").is_some_and(|c| belongs(c)) {
                    let files: Value = fields
                        .get("files")
                        .and_then(|f| serde_json::from_str(f).ok())
                        .unwrap_or(Value::Null);
                    for file in files.as_array().into_iter().flatten() {
                        if let Some(file_id) = file["id"].as_str() {
                            file_ids.push(file_id.to_owned());
                        }
                    }
                    parts.push(request.text());
                }
            }
            _ => {}
        }
    }
    for request in &since {
        if let Some(file_id) = request.path.strip_prefix("/upload/")
            && file_ids.iter().any(|f| f == file_id)
        {
            parts.push(request.text());
        }
    }
    parts.join("\n")
}

/// Waits (up to `limit`) until [`answer_text`] of `id` satisfies `done`, and returns it
/// as it then is (as it is at the deadline otherwise, for the caller's assertions to
/// show). A message posted with the Web API waits for its files, too.
pub async fn wait_for_answer(
    fake: &LiveSlack,
    id: &str,
    limit: Duration,
    done: impl Fn(&str) -> bool,
) -> String {
    let found = crate::wait::within(limit, || Some(answer_text(fake, id)).filter(|text| done(text))).await;
    found.unwrap_or_else(|| answer_text(fake, id))
}

/// A menu the gateway posted: its `static_select`'s action_id (the signed continuation)
/// and options as (label, value).
#[derive(Clone, Debug)]
pub struct Menu {
    /// The action_id: what a choice is posted back with.
    pub action_id: String,
    /// (label, value) of every option.
    pub options: Vec<(String, String)>,
    /// The whole message, for assertion messages.
    pub message: Value,
}

impl Menu {
    /// The option values.
    pub fn values(&self) -> Vec<&str> {
        self.options.iter().map(|(_, v)| v.as_str()).collect()
    }

    /// The option labels.
    pub fn labels(&self) -> Vec<&str> {
        self.options.iter().map(|(l, _)| l.as_str()).collect()
    }
}

/// Waits (up to `limit`) for a menu posted to the response URL of `id`.
pub async fn wait_for_menu(fake: &LiveSlack, id: &str, limit: Duration) -> Result<Menu, String> {
    let path = format!("/response/{id}");
    let menu = crate::wait::within(limit, || {
        let posted = fake.requests().into_iter().filter(|r| r.path == path);
        posted.map(|r| r.json()).find_map(|message| menu_of(&message))
    })
    .await;
    menu.ok_or_else(|| format!("no menu on {path}; got {}", answer_text(fake, id)))
}

/// The menu of a posted `message`, if it has one.
fn menu_of(message: &Value) -> Option<Menu> {
    let select = find_select(message)?;
    let options = select["options"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            let label = o["text"]["text"].as_str().unwrap_or_default().to_owned();
            let value = o["value"].as_str().unwrap_or_default().to_owned();
            (label, value)
        })
        .collect();
    Some(Menu {
        action_id: select["action_id"].as_str().unwrap_or_default().to_owned(),
        options,
        message: message.clone(),
    })
}

/// The first `static_select` element in a Block Kit message.
pub fn find_select(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("static_select") {
                return Some(value);
            }
            map.values().find_map(find_select)
        }
        Value::Array(items) => items.iter().find_map(find_select),
        _ => None,
    }
}

/// Whether `text` has something shaped like a UUID: `[0-9a-f]{8}-[0-9a-f]{4}-`.
pub fn looks_like_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    bytes
        .windows(14)
        .any(|w| w[..8].iter().all(hex) && w[8] == b'-' && w[9..13].iter().all(hex) && w[13] == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_recognised() {
        assert!(looks_like_uuid("ams01 (f9955121-d397-44e1-a1b2-1ab5a4523654)"));
        assert!(looks_like_uuid("f9955121-d397-"));
        assert!(!looks_like_uuid("ams01"));
        assert!(!looks_like_uuid("F9955121-D397-44E1"));
        assert!(!looks_like_uuid("ams01-leaf-01-edge"));
    }

    #[test]
    fn each_response_id_has_its_own_channel() {
        assert_eq!(channel_of("devices-ams01"), "C0DEVICESAMS01");
        assert_ne!(channel_of("a-1"), channel_of("a-2"));
    }
}
