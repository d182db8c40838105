//! A fake Slack Web API on loopback: records every request and answers each
//! the way the test scripted (by default `{"ok": true}`).

use std::net::SocketAddr;

use axum::{http::StatusCode, response::Response};
use serde_json::json;

use crate::fake_api::{FakeApi, Platform, json_response};
pub use crate::fake_api::{Recorded, Scripted};

/// What the fake Slack answers unscripted: `{"ok": true}` to everything.
pub struct Slack;

impl Platform for Slack {
    type Entry = Recorded;

    fn respond(&mut self, _entry: &mut Recorded, _addr: SocketAddr) -> Response {
        json_response(StatusCode::OK, &json!({"ok": true}))
    }
}

/// The running fake.
pub type FakeSlack = FakeApi<Slack>;

impl FakeSlack {
    /// Starts the fake on an ephemeral loopback port.
    pub async fn start() -> FakeSlack {
        FakeApi::serve(Slack).await
    }

    /// The Web API base URL to give the gateway.
    pub fn api_url(&self) -> String {
        self.url_of("/api")
    }

    /// A response URL on the fake, as Slack puts in every slash command.
    pub fn response_url(&self, id: &str) -> String {
        self.url_of(&format!("/response/{id}"))
    }
}
