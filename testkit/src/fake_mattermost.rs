//! A fake Mattermost server on loopback: the API v4 routes the gateway uses
//! and slash command response URLs (`/hooks/commands/{id}`). It records every
//! request and answers each the way the test scripted, else as Mattermost
//! would (a post with an ID, a file info, a channel).

use std::net::SocketAddr;

use axum::{
    http::{Method, StatusCode},
    response::Response,
};
use serde_json::json;

use crate::fake_api::{FakeApi, Platform, json_response};
pub use crate::fake_api::{Recorded, Scripted};

/// The bot's user ID (`GET /api/v4/users/me`).
pub const BOT_USER_ID: &str = "botuserid000000000000000000";
/// The direct-message channel `POST /api/v4/channels/direct` answers.
pub const DIRECT_CHANNEL_ID: &str = "directchannel00000000000000";

/// What the fake Mattermost answers unscripted; it numbers the posts and files it creates.
#[derive(Default)]
pub struct Mattermost {
    ids: u64,
}

impl Platform for Mattermost {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, _addr: SocketAddr) -> Response {
        self.ids += 1;
        let id = format!("{:0>26}", self.ids);
        let (status, body) = match (&request.method, request.path.as_str()) {
            (&Method::POST, "/api/v4/posts") => (StatusCode::CREATED, json!({"id": id})),
            (&Method::POST, "/api/v4/posts/ephemeral") => (StatusCode::CREATED, json!({"id": id})),
            (&Method::POST, "/api/v4/files") => (
                StatusCode::CREATED,
                json!({"file_infos": [{"id": format!("file{id}")}], "client_ids": []}),
            ),
            (&Method::GET, "/api/v4/users/me") => (StatusCode::OK, json!({"id": BOT_USER_ID})),
            (&Method::POST, "/api/v4/channels/direct") => {
                (StatusCode::CREATED, json!({"id": DIRECT_CHANNEL_ID}))
            }
            (&Method::DELETE, p) if p.starts_with("/api/v4/posts/") => {
                (StatusCode::OK, json!({"status": "OK"}))
            }
            (&Method::POST, "/api/v4/actions/dialogs/open") => (StatusCode::OK, json!({"status": "OK"})),
            (&Method::POST, p) if p.starts_with("/hooks/commands/") => (StatusCode::OK, json!({})),
            _ => (
                StatusCode::NOT_FOUND,
                json!({"id": "api.context.404.app_error", "status_code": 404}),
            ),
        };
        json_response(status, &body)
    }
}

/// The running fake.
pub type FakeMattermost = FakeApi<Mattermost>;

impl FakeMattermost {
    /// The server URL, as the ChatPlatform's `spec.mattermost.url`.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// A response URL on the fake, as Mattermost puts in every slash command.
    pub fn response_url(&self, id: &str) -> String {
        self.url_of(&format!("/hooks/commands/{id}"))
    }
}
