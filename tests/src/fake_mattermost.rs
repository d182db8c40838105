//! A fake Mattermost server on loopback: the API v4 routes the gateway uses
//! and slash command response URLs (`/hooks/commands/{id}`). It records every
//! request and answers each the way the test scripted, else as Mattermost
//! would (a post with an ID, a file info, a channel).

use std::{
    collections::VecDeque,
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
use serde_json::json;

pub use crate::fake_slack::{Recorded, Scripted};

/// The bot's user ID (`GET /api/v4/users/me`).
pub const BOT_USER_ID: &str = "botuserid000000000000000000";
/// The direct-message channel `POST /api/v4/channels/direct` answers.
pub const DIRECT_CHANNEL_ID: &str = "directchannel00000000000000";

#[derive(Default)]
struct Shared {
    requests: Vec<Recorded>,
    script: VecDeque<Scripted>,
    ids: u64,
}

/// The running fake.
#[derive(Clone)]
pub struct FakeMattermost {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl FakeMattermost {
    /// Starts the fake on an ephemeral loopback port.
    pub async fn start() -> FakeMattermost {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new().fallback(record).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeMattermost { addr, shared }
    }

    /// The server URL, as the ChatPlatform's `spec.mattermost.url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A response URL on the fake, as Mattermost puts in every slash command.
    pub fn response_url(&self, id: &str) -> String {
        format!("http://{}/hooks/commands/{id}", self.addr)
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
        body,
    });
    if let Some(scripted) = shared.script.pop_front() {
        let mut response = (scripted.status, scripted.body).into_response();
        for (name, value) in scripted.headers {
            response.headers_mut().insert(name, value.parse().unwrap());
        }
        return response;
    }
    shared.ids += 1;
    let id = format!("{:0>26}", shared.ids);
    let (status, body) = match (method, path.as_str()) {
        (Method::POST, "/api/v4/posts") => (StatusCode::CREATED, json!({"id": id})),
        (Method::POST, "/api/v4/posts/ephemeral") => (StatusCode::CREATED, json!({"id": id})),
        (Method::POST, "/api/v4/files") => (
            StatusCode::CREATED,
            json!({"file_infos": [{"id": format!("file{id}")}], "client_ids": []}),
        ),
        (Method::GET, "/api/v4/users/me") => (StatusCode::OK, json!({"id": BOT_USER_ID})),
        (Method::POST, "/api/v4/channels/direct") => (StatusCode::CREATED, json!({"id": DIRECT_CHANNEL_ID})),
        (Method::DELETE, p) if p.starts_with("/api/v4/posts/") => (StatusCode::OK, json!({"status": "OK"})),
        (Method::POST, "/api/v4/actions/dialogs/open") => (StatusCode::OK, json!({"status": "OK"})),
        (Method::POST, p) if p.starts_with("/hooks/commands/") => (StatusCode::OK, json!({})),
        _ => (
            StatusCode::NOT_FOUND,
            json!({"id": "api.context.404.app_error", "status_code": 404}),
        ),
    };
    (status, [("content-type", "application/json")], body.to_string()).into_response()
}
