//! Microsoft's side of a Teams bot on loopback, for the load benchmark
//! (`scripts/bench-gateway-teams`), all on one port:
//!
//! - the Bot Framework OpenID metadata (`/openid/.well-known/openidconfiguration`)
//!   and its JWKS (`/keys`): key A of the shared Teams vectors;
//! - the Entra token endpoint (`/login/{tenant}/oauth2/v2.0/token`);
//! - a Bot Connector (`/teams/…`), answering every POST and PUT `{"id": …}`.
//!
//! It counts what it receives, keeping only the ids of the activities
//! answered (so the figures measure the gateway rather than the receiving
//! end): `GET /stats` answers the counts as JSON, and they are printed when
//! the sink ends (SIGTERM or Ctrl-C).
//!
//! ```text
//! teams-sink serve [PORT]                  # default 18098
//! teams-sink mint SERVICE_URL [AUDIENCE]   # a Bot Connector token, RS256 with key A
//! ```

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::Instant,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use chatops_tests::fake_teams::{APP_ID, ISSUER, KEY_A_KID, KEY_A_PEM, claims, key_a, sign};
use serde_json::json;

/// The text of the gateway's "busy" answer, as far as the sink needs it.
const BUSY: &[u8] = b"busy with other commands";

#[derive(Default)]
struct Counts {
    metadata: AtomicU64,
    keys: AtomicU64,
    tokens: AtomicU64,
    /// Every request under `/teams/`.
    connector: AtomicU64,
    /// Connector messages answering a command (neither typing nor busy).
    answers: AtomicU64,
    /// Connector messages saying the gateway is busy.
    busy: AtomicU64,
    /// Typing indicators.
    typing: AtomicU64,
    /// Anything else: a path the sink does not serve.
    other: AtomicU64,
    /// The activities answered (the id the answers reply to), so a command
    /// answered in several messages counts once.
    answered: Mutex<HashSet<String>>,
}

impl Counts {
    fn json(&self, started: Instant) -> serde_json::Value {
        json!({
            "uptime_s": started.elapsed().as_secs_f64(),
            "metadata": self.metadata.load(Relaxed),
            "keys": self.keys.load(Relaxed),
            "tokens": self.tokens.load(Relaxed),
            "connector": self.connector.load(Relaxed),
            "answers": self.answers.load(Relaxed),
            "answered_activities": self.answered.lock().unwrap().len(),
            "busy": self.busy.load(Relaxed),
            "typing": self.typing.load(Relaxed),
            "other": self.other.load(Relaxed),
        })
    }
}

struct Sink {
    port: u16,
    started: Instant,
    counts: Counts,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("mint") => {
            let service_url = args
                .get(1)
                .expect("usage: teams-sink mint SERVICE_URL [AUDIENCE]");
            let mut claims = claims(service_url);
            if let Some(audience) = args.get(2) {
                claims["aud"] = json!(audience);
            }
            println!("{}", sign(KEY_A_PEM, KEY_A_KID, &claims));
        }
        Some("serve") | None => {
            let port = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(18098);
            serve(port).await;
        }
        Some(other) => {
            eprintln!("unknown mode {other:?}: teams-sink serve [PORT] | mint SERVICE_URL [AUDIENCE]");
            std::process::exit(2);
        }
    }
}

async fn serve(port: u16) {
    let sink = Arc::new(Sink {
        port,
        started: Instant::now(),
        counts: Counts::default(),
    });
    let app = Router::new().fallback(handle).with_state(sink.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the sink's port is free");
    axum::serve(listener, app)
        .with_graceful_shutdown(ended())
        .await
        .expect("the sink serves");
    println!("{}", sink.counts.json(sink.started));
}

/// SIGTERM or Ctrl-C.
async fn ended() {
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("a SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn handle(State(sink): State<Arc<Sink>>, method: Method, uri: Uri, body: Bytes) -> Response {
    let counts = &sink.counts;
    let path = uri.path();
    if path.starts_with("/teams/") {
        let n = counts.connector.fetch_add(1, Relaxed) + 1;
        if method == Method::POST || method == Method::PUT {
            if contains(&body, b"\"typing\"") {
                counts.typing.fetch_add(1, Relaxed);
            } else if contains(&body, BUSY) {
                counts.busy.fetch_add(1, Relaxed);
            } else {
                counts.answers.fetch_add(1, Relaxed);
                // A reply goes to `…/conversations/{id}/activities/{activity id}`.
                if let Some((_, replied)) = path.rsplit_once("/activities/") {
                    counts.answered.lock().unwrap().insert(replied.to_owned());
                }
            }
            return json_response(format!(r#"{{"id":"sink-activity-{n}"}}"#));
        }
        return StatusCode::OK.into_response();
    }
    match (method, path) {
        (Method::GET, "/stats") => json_response(counts.json(sink.started).to_string()),
        (Method::GET, "/openid/.well-known/openidconfiguration") => {
            counts.metadata.fetch_add(1, Relaxed);
            json_response(
                json!({
                    "issuer": ISSUER,
                    "authorization_endpoint": "https://invalid.botframework.com",
                    "jwks_uri": format!("http://127.0.0.1:{}/keys", sink.port),
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"]
                })
                .to_string(),
            )
        }
        (Method::GET, "/keys") => {
            counts.keys.fetch_add(1, Relaxed);
            json_response(json!({"keys": [key_a()]}).to_string())
        }
        (Method::POST, path) if path.starts_with("/login/") && path.ends_with("/oauth2/v2.0/token") => {
            let n = counts.tokens.fetch_add(1, Relaxed) + 1;
            json_response(
                json!({
                    "token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600,
                    "access_token": format!("sink-access-token-{n}")
                })
                .to_string(),
            )
        }
        _ => {
            counts.other.fetch_add(1, Relaxed);
            (
                StatusCode::NOT_FOUND,
                format!("not served by the sink (app id {APP_ID})"),
            )
                .into_response()
        }
    }
}
