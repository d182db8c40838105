//! A fake Webex REST API on loopback (`/v1/…`): the bot's identity, the
//! messages and card submissions the test stored (for the gateway to fetch),
//! message creation (JSON or multipart), deletion, and webhooks. It records
//! every request and answers each the way the test scripted, else as Webex
//! would.

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

pub use crate::fake_slack::{Recorded, Scripted};

/// The bot's person ID (`GET /v1/people/me`).
pub const BOT_PERSON_ID: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3Q";
/// The bot's display name.
pub const BOT_NAME: &str = "ChatOps Bot";

#[derive(Default)]
struct Shared {
    requests: Vec<Recorded>,
    script: VecDeque<Scripted>,
    messages: HashMap<String, Value>,
    actions: HashMap<String, Value>,
    webhooks: Vec<Value>,
    ids: u64,
}

/// The running fake.
#[derive(Clone)]
pub struct FakeWebex {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl FakeWebex {
    /// Starts the fake on an ephemeral loopback port.
    pub async fn start() -> FakeWebex {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new().fallback(record).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeWebex { addr, shared }
    }

    /// The API base URL, as `--webex-api-url`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Stores a message for `GET /v1/messages/{id}` (its `id` field).
    pub fn add_message(&self, message: Value) {
        let id = message["id"].as_str().expect("a message id").to_owned();
        self.shared.lock().unwrap().messages.insert(id, message);
    }

    /// Stores a card submission for `GET /v1/attachment/actions/{id}` (its `id` field).
    pub fn add_action(&self, action: Value) {
        let id = action["id"].as_str().expect("an action id").to_owned();
        self.shared.lock().unwrap().actions.insert(id, action);
    }

    /// The webhooks registered so far.
    pub fn webhooks(&self) -> Vec<Value> {
        self.shared.lock().unwrap().webhooks.clone()
    }

    /// Answers the next request with `scripted` instead of the default.
    pub fn script(&self, scripted: Scripted) {
        self.shared.lock().unwrap().script.push_back(scripted);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().unwrap().requests.clone()
    }

    /// Waits (up to `limit`) until some request satisfies `matches`, and returns it.
    pub async fn wait_for(&self, limit: Duration, matches: impl Fn(&Recorded) -> bool) -> Option<Recorded> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(found) = self.requests().into_iter().find(|r| matches(r)) {
                return Some(found);
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn not_found() -> (StatusCode, Value) {
    (
        StatusCode::NOT_FOUND,
        json!({"message": "The requested resource could not be found.", "trackingId": "FAKE_404"}),
    )
}

async fn record(
    State(shared): State<Arc<Mutex<Shared>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut shared = shared.lock().unwrap();
    let path = uri.path().to_owned();
    shared.requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        headers,
        body: body.clone(),
    });
    if let Some(scripted) = shared.script.pop_front() {
        let mut response = (scripted.status, scripted.body).into_response();
        for (name, value) in scripted.headers {
            response.headers_mut().insert(name, value.parse().unwrap());
        }
        return response;
    }
    shared.ids += 1;
    let id = format!("fake-{}", shared.ids);
    let (status, body) = match (method, path.as_str()) {
        (Method::GET, "/v1/people/me") => (
            StatusCode::OK,
            json!({"id": BOT_PERSON_ID, "displayName": BOT_NAME, "nickName": "ChatOps", "firstName": "ChatOps", "type": "bot"}),
        ),
        (Method::GET, p) if p.starts_with("/v1/messages/") => {
            match shared.messages.get(&p["/v1/messages/".len()..]) {
                Some(message) => (StatusCode::OK, message.clone()),
                None => not_found(),
            }
        }
        (Method::GET, p) if p.starts_with("/v1/attachment/actions/") => {
            match shared.actions.get(&p["/v1/attachment/actions/".len()..]) {
                Some(action) => (StatusCode::OK, action.clone()),
                None => not_found(),
            }
        }
        (Method::POST, "/v1/messages") => (StatusCode::OK, json!({"id": id})),
        (Method::DELETE, p) if p.starts_with("/v1/messages/") => {
            return StatusCode::NO_CONTENT.into_response();
        }
        (Method::GET, "/v1/webhooks") => (StatusCode::OK, json!({"items": shared.webhooks})),
        (Method::POST, "/v1/webhooks") => {
            let mut hook: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            hook["id"] = json!(id);
            shared.webhooks.push(hook.clone());
            (StatusCode::OK, hook)
        }
        (Method::PUT, p) if p.starts_with("/v1/webhooks/") => {
            let hook_id = &p["/v1/webhooks/".len()..];
            let update: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            match shared.webhooks.iter_mut().find(|h| h["id"] == hook_id) {
                Some(hook) => {
                    for (key, value) in update.as_object().cloned().unwrap_or_default() {
                        hook[key] = value;
                    }
                    (StatusCode::OK, hook.clone())
                }
                None => not_found(),
            }
        }
        _ => not_found(),
    };
    (status, [("content-type", "application/json")], body.to_string()).into_response()
}
