//! A fake Slack Web API on loopback: records every request and answers each
//! the way the test scripted (by default `{"ok": true}`).

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

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The HTTP method.
    pub method: Method,
    /// The path, e.g. `/api/chat.postMessage` or `/response/1`.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl Recorded {
    /// The body as JSON (response_url and most Web API calls), or `Null`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A scripted answer: status, headers, body.
#[derive(Clone, Debug)]
pub struct Scripted {
    /// HTTP status.
    pub status: StatusCode,
    /// Extra headers, e.g. `Retry-After`.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: String,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Recorded>,
    script: VecDeque<Scripted>,
}

/// The running fake.
#[derive(Clone)]
pub struct FakeSlack {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl FakeSlack {
    /// Starts the fake on an ephemeral loopback port.
    pub async fn start() -> FakeSlack {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new().fallback(record).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeSlack { addr, shared }
    }

    /// The Web API base URL to give the gateway.
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// A response URL on the fake, as Slack puts in every slash command.
    pub fn response_url(&self, id: &str) -> String {
        format!("http://{}/response/{id}", self.addr)
    }

    /// Answers the next request with `scripted` instead of `{"ok": true}`.
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
    shared.requests.push(Recorded {
        method,
        path: uri.path().to_owned(),
        headers,
        body,
    });
    match shared.script.pop_front() {
        Some(scripted) => {
            let mut response = (scripted.status, scripted.body).into_response();
            for (name, value) in scripted.headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            response
        }
        None => (
            StatusCode::OK,
            [("content-type", "application/json")],
            r#"{"ok":true}"#,
        )
            .into_response(),
    }
}
