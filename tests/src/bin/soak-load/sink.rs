//! The four chat platforms' APIs on one loopback port, as the soak's gateway
//! answers through them: Slack response URLs and Web API (`/slack/…`),
//! Mattermost's server (`/mm/…`), Webex's REST API (`/webex/v1/…`), and
//! Microsoft's side of a Teams bot (`/teams/…`: OpenID metadata, JWKS, token
//! endpoint, Bot Connector).
//!
//! Unlike the tests' fakes (`testkit::fake_api`), it records nothing: a
//! soak sends hundreds of thousands of requests, and a fake that keeps them
//! all would be the process that grows. Instead the load side registers the
//! answer it waits for under a key ([`Sink::expect`]) before sending the
//! request, and the sink hands the answer's body to that waiter when it
//! comes. Answers nobody waits for are only counted.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use chatops_tests::{
    fake_mattermost::BOT_USER_ID,
    fake_teams::{ISSUER, key_a},
    fake_webex::{BOT_NAME, BOT_PERSON_ID},
    platforms::webex::created,
};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// What a Webex message's `roomId` and `personId` start with: the rest is
/// the request's number, which the answer's `roomId` or `toPersonId` carries back.
pub const WEBEX_ROOM: &str = "soak-room-";
/// See [`WEBEX_ROOM`].
pub const WEBEX_PERSON: &str = "soak-person-";
/// What a Webex message's ID starts with (the rest is the request's number).
pub const WEBEX_MESSAGE: &str = "soak-message-";

/// The sink: who waits for which answer, and what came unasked.
pub struct Sink {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    waiters: Mutex<HashMap<String, oneshot::Sender<Bytes>>>,
    /// Answers whose key nobody waited for: the further messages of an
    /// answer in several (Teams' `whoami` is three activities: the waiter
    /// takes the first), or one that came after its waiter gave up.
    pub unmatched: AtomicU64,
    /// Requests to a path the sink does not serve (the gateway called an API
    /// the soak did not expect): counted, answered 404.
    pub unserved: AtomicU64,
    /// Everything the gateway sent the sink.
    pub received: AtomicU64,
    ids: AtomicU64,
}

impl Sink {
    /// Starts the sink on a loopback port; returns it and its base URL.
    pub async fn start() -> Arc<Sink> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("a loopback port");
        let addr: SocketAddr = listener.local_addr().expect("a bound address");
        let sink = Arc::new(Sink {
            url: format!("http://{addr}"),
            waiters: Mutex::default(),
            unmatched: AtomicU64::default(),
            unserved: AtomicU64::default(),
            received: AtomicU64::default(),
            ids: AtomicU64::default(),
        });
        let app = Router::new().fallback(handle).with_state(sink.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("the sink serves") });
        sink
    }

    /// Registers a wait for the answer `key`, before the request that causes it is sent.
    pub fn expect(&self, key: String) -> oneshot::Receiver<Bytes> {
        let (tx, rx) = oneshot::channel();
        self.waiters.lock().expect("not poisoned").insert(key, tx);
        rx
    }

    /// Stops waiting for `key` (its waiter gave up).
    pub fn forget(&self, key: &str) {
        self.waiters.lock().expect("not poisoned").remove(key);
    }

    /// Hands `body` to whoever waits for `key`.
    fn deliver(&self, key: &str, body: Bytes) {
        let waiter = self.waiters.lock().expect("not poisoned").remove(key);
        if waiter.is_none_or(|tx| tx.send(body).is_err()) {
            self.unmatched.fetch_add(1, Relaxed);
        }
    }

    /// A new ID for something the sink creates (a post, a message).
    fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Relaxed) + 1
    }
}

fn ok_json(body: Value) -> Response {
    ([("content-type", "application/json")], body.to_string()).into_response()
}

fn created_json(body: Value) -> Response {
    (
        StatusCode::CREATED,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn handle(State(sink): State<Arc<Sink>>, method: Method, uri: Uri, body: Bytes) -> Response {
    sink.received.fetch_add(1, Relaxed);
    let path = uri.path();
    let answer = if let Some(rest) = path.strip_prefix("/slack") {
        slack(&sink, rest, body)
    } else if let Some(rest) = path.strip_prefix("/mm") {
        mattermost(&sink, &method, rest, body)
    } else if let Some(rest) = path.strip_prefix("/webex") {
        webex(&sink, &method, rest, body)
    } else if let Some(rest) = path.strip_prefix("/teams") {
        teams(&sink, &method, rest, body)
    } else {
        None
    };
    answer.unwrap_or_else(|| {
        sink.unserved.fetch_add(1, Relaxed);
        eprintln!("sink: not served: {method} {path}");
        (StatusCode::NOT_FOUND, "not served by the soak's sink").into_response()
    })
}

/// Response URLs (`/response/{id}`: the answer `slack:{id}`) and the Web API (`ok`).
fn slack(sink: &Sink, path: &str, body: Bytes) -> Option<Response> {
    if let Some(id) = path.strip_prefix("/response/") {
        sink.deliver(&format!("slack:{id}"), body);
    } else if !path.starts_with("/api/") {
        return None;
    }
    Some(ok_json(json!({"ok": true})))
}

/// Response URLs (`/hooks/commands/{id}`: the answer `mm:{id}`), ephemeral
/// posts (the answer `mm:user:{user_id}`: an action's answer has no response
/// URL), and the bot's identity.
fn mattermost(sink: &Sink, method: &Method, path: &str, body: Bytes) -> Option<Response> {
    let id = format!("{:0>26}", sink.next_id());
    match (method, path) {
        (&Method::POST, p) if p.starts_with("/hooks/commands/") => {
            sink.deliver(&format!("mm:{}", &p["/hooks/commands/".len()..]), body);
            Some(ok_json(json!({})))
        }
        (&Method::POST, "/api/v4/posts/ephemeral") => {
            let user = serde_json::from_slice::<Value>(&body).unwrap_or_default()["user_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            sink.deliver(&format!("mm:user:{user}"), body);
            Some(created_json(json!({"id": id})))
        }
        (&Method::POST, "/api/v4/posts") => {
            sink.unmatched.fetch_add(1, Relaxed);
            Some(created_json(json!({"id": id})))
        }
        (&Method::DELETE, p) if p.starts_with("/api/v4/posts/") => Some(ok_json(json!({"status": "OK"}))),
        (&Method::GET, "/api/v4/users/me") => Some(ok_json(json!({"id": BOT_USER_ID}))),
        _ => None,
    }
}

/// The bot's identity, the messages the webhooks announce (made up from
/// their ID: `chatops whoami` in a direct space of their own), and message
/// creation (the answer `webex:{n}`, found by its `roomId` or `toPersonId`).
fn webex(sink: &Sink, method: &Method, path: &str, body: Bytes) -> Option<Response> {
    match (method, path) {
        (&Method::GET, "/v1/people/me") => Some(ok_json(json!({
            "id": BOT_PERSON_ID, "displayName": BOT_NAME, "nickName": "ChatOps", "type": "bot"
        }))),
        (&Method::GET, p) if p.starts_with("/v1/messages/") => {
            let id = &p["/v1/messages/".len()..];
            let n = id.strip_prefix(WEBEX_MESSAGE)?;
            Some(ok_json(json!({
                "id": id, "roomId": format!("{WEBEX_ROOM}{n}"), "roomType": "direct",
                "text": "chatops whoami", "personId": format!("{WEBEX_PERSON}{n}"),
                "personEmail": "someone@example.com", "created": created(0)
            })))
        }
        (&Method::POST, "/v1/messages") => {
            let message: Value = serde_json::from_slice(&body).unwrap_or_default();
            let n = message["roomId"]
                .as_str()
                .and_then(|room| room.strip_prefix(WEBEX_ROOM))
                .or_else(|| {
                    message["toPersonId"]
                        .as_str()
                        .and_then(|person| person.strip_prefix(WEBEX_PERSON))
                });
            match n {
                Some(n) => sink.deliver(&format!("webex:{n}"), body),
                None => {
                    sink.unmatched.fetch_add(1, Relaxed);
                }
            }
            Some(ok_json(json!({"id": format!("sink-message-{}", sink.next_id())})))
        }
        (&Method::DELETE, p) if p.starts_with("/v1/messages/") => {
            Some(StatusCode::NO_CONTENT.into_response())
        }
        _ => None,
    }
}

/// Microsoft's side: OpenID metadata and JWKS (key A of the Teams vectors),
/// the token endpoint, and the Bot Connector, where a reply to activity
/// `{id}` is the answer `teams:{id}` (typing indicators are not answers).
fn teams(sink: &Sink, method: &Method, path: &str, body: Bytes) -> Option<Response> {
    match (method, path) {
        (&Method::GET, "/openid/.well-known/openidconfiguration") => Some(ok_json(json!({
            "issuer": ISSUER,
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": format!("{}/teams/keys", sink.url),
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"]
        }))),
        (&Method::GET, "/keys") => Some(ok_json(json!({"keys": [key_a()]}))),
        (&Method::POST, p) if p.starts_with("/login/") && p.ends_with("/oauth2/v2.0/token") => {
            Some(ok_json(json!({
                "token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600,
                "access_token": format!("sink-access-token-{}", sink.next_id())
            })))
        }
        (_, p) if p.starts_with("/connector/") => {
            let typing = body.windows(8).any(|w| w == b"\"typing\"");
            if let Some((_, replied)) = p.rsplit_once("/activities/")
                && !typing
                && (method == Method::POST || method == Method::PUT)
            {
                sink.deliver(&format!("teams:{replied}"), body);
            }
            Some(ok_json(
                json!({"id": format!("sink-activity-{}", sink.next_id())}),
            ))
        }
        _ => None,
    }
}
