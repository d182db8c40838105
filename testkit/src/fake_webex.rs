//! A fake Webex REST API on loopback (`/v1/…`): the bot's identity, the
//! messages and card submissions the test stored (for the gateway to fetch),
//! message creation (JSON or multipart), deletion, and webhooks. It records
//! every request and answers each the way the test scripted, else as Webex
//! would.

use std::{collections::HashMap, net::SocketAddr};

use axum::{
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use crate::fake_api::{FakeApi, Platform, json_response};
pub use crate::fake_api::{Recorded, Scripted};

/// The bot's person ID (`GET /v1/people/me`).
pub const BOT_PERSON_ID: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3Q";
/// The bot's display name.
pub const BOT_NAME: &str = "ChatOps Bot";

/// What the fake Webex holds: the messages and card submissions the test
/// stored, the webhooks the gateway registered, and a counter for new IDs.
#[derive(Default)]
pub struct Webex {
    messages: HashMap<String, Value>,
    actions: HashMap<String, Value>,
    webhooks: Vec<Value>,
    ids: u64,
}

fn not_found() -> (StatusCode, Value) {
    (
        StatusCode::NOT_FOUND,
        json!({"message": "The requested resource could not be found.", "trackingId": "FAKE_404"}),
    )
}

impl Platform for Webex {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        self.ids += 1;
        let id = format!("fake-{}", self.ids);
        let (status, body) = match (&request.method, request.path.as_str()) {
            (&Method::GET, "/v1/people/me") => (
                StatusCode::OK,
                json!({"id": BOT_PERSON_ID, "displayName": BOT_NAME, "nickName": "ChatOps", "firstName": "ChatOps", "type": "bot"}),
            ),
            (&Method::GET, p) if p.starts_with("/v1/messages/") => {
                match self.messages.get(&p["/v1/messages/".len()..]) {
                    Some(message) => (StatusCode::OK, message.clone()),
                    None => not_found(),
                }
            }
            (&Method::GET, p) if p.starts_with("/v1/attachment/actions/") => {
                match self.actions.get(&p["/v1/attachment/actions/".len()..]) {
                    Some(action) => (StatusCode::OK, action.clone()),
                    None => not_found(),
                }
            }
            (&Method::POST, "/v1/messages") => (StatusCode::OK, json!({"id": id})),
            (&Method::DELETE, p) if p.starts_with("/v1/messages/") => {
                return StatusCode::NO_CONTENT.into_response();
            }
            (&Method::GET, "/v1/webhooks") => (StatusCode::OK, json!({"items": self.webhooks})),
            (&Method::POST, "/v1/webhooks") => {
                let mut hook = request.json();
                hook["id"] = json!(id);
                self.webhooks.push(hook.clone());
                (StatusCode::OK, hook)
            }
            (&Method::PUT, p) if p.starts_with("/v1/webhooks/") => {
                let hook_id = &p["/v1/webhooks/".len()..];
                let update = request.json();
                match self.webhooks.iter_mut().find(|h| h["id"] == hook_id) {
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
        json_response(status, &body)
    }
}

/// The running fake.
pub type FakeWebex = FakeApi<Webex>;

impl FakeWebex {
    /// The API base URL, as `--webex-api-url`.
    pub fn url(&self) -> String {
        self.url_of("/v1")
    }

    /// Stores a message for `GET /v1/messages/{id}` (its `id` field).
    pub fn add_message(&self, message: Value) {
        let id = message["id"].as_str().expect("a message id").to_owned();
        self.with(|webex, _| webex.messages.insert(id, message));
    }

    /// Stores a card submission for `GET /v1/attachment/actions/{id}` (its `id` field).
    pub fn add_action(&self, action: Value) {
        let id = action["id"].as_str().expect("an action id").to_owned();
        self.with(|webex, _| webex.actions.insert(id, action));
    }

    /// The webhooks registered so far.
    pub fn webhooks(&self) -> Vec<Value> {
        self.with(|webex, _| webex.webhooks.clone())
    }
}
