//! A fake Slack Socket Mode server on loopback: `apps.connections.open` mints
//! a single-use ticket URL, the WebSocket on it says `hello`, and a test pushes
//! envelopes, disconnects and drops connections, and reads the acks the client
//! sent back, as Slack documents the protocol
//! (<https://docs.slack.dev/apis/events-api/using-socket-mode>) and as
//! `slack_sdk`'s Socket Mode client speaks it.
//!
//! The WebSocket listener is its own port; the Web API call that hands out its
//! URL is answered by the fake Slack Web API (`fake_slack::Slack::with_socket_mode`),
//! which also serves the control endpoints of the `fake-slack-socket` binary
//! (`control.rs`).

pub(crate) mod control;
mod server;
mod state;
#[cfg(test)]
mod tests;

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use serde_json::{Value, json};
use tokio::sync::mpsc;

use state::{Command, Connection, Envelope, State, command, deliver, fresh_id, lose, read_ack};

/// The app the fake serves, as its ticket URLs and `hello` name it.
pub const APP_ID: &str = "A0SOCKET01";

/// How long Slack keeps a connection open after its `warning` disconnect.
const SLACK_WARNING_GRACE: Duration = Duration::from_secs(10);

/// The host Slack's `debug_info` names (one of its `applink-…` servers).
const HOST: &str = "applink-fake-1";

/// The fake's handle: cheap to clone, shared state behind a mutex.
#[derive(Clone)]
pub struct SocketMode {
    inner: Arc<Inner>,
}

/// One WebSocket connection the fake accepted, numbered from 1 in the order opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub u32);

/// One acknowledgement the fake received.
#[derive(Clone, Debug)]
pub struct Ack {
    /// The envelope it acknowledges.
    pub envelope_id: String,
    /// The response payload it carried, if any.
    pub payload: Option<Value>,
    /// The connection it came on.
    pub connection: ConnectionId,
    /// Since the envelope was sent on that connection (its latest sending; on
    /// another connection than the ack's, its latest sending anywhere).
    pub after: Duration,
    /// A payload on an envelope whose `accepts_response_payload` was false:
    /// Slack ignores it, so a client that sends one expects an answer it never gets.
    pub payload_not_allowed: bool,
}

struct Inner {
    /// Where the WebSocket listener listens.
    addr: SocketAddr,
    /// The one app-level token `apps.connections.open` accepts.
    app_token: String,
    state: Mutex<State>,
}

impl SocketMode {
    /// Starts the WebSocket listener on an ephemeral loopback port; `app_token` is the one token accepted.
    pub async fn start(app_token: &str) -> SocketMode {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the fake Socket Mode server");
        let addr = listener.local_addr().expect("the listener's address");
        let socket = SocketMode {
            inner: Arc::new(Inner {
                addr,
                app_token: app_token.to_owned(),
                state: Mutex::new(State {
                    warning_grace: SLACK_WARNING_GRACE,
                    tickets: HashSet::new(),
                    opens_ok: 0,
                    opens_refused: 0,
                    connections: BTreeMap::new(),
                    envelopes: HashMap::new(),
                    sent: Vec::new(),
                    acks: Vec::new(),
                    protocol_errors: Vec::new(),
                    unacked: Vec::new(),
                    closed_by_client: Vec::new(),
                    minted: 0,
                }),
            }),
        };
        let app = server::router(socket.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        socket
    }

    /// Where the WebSocket listener listens.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    // A test that panicked while holding the lock must not turn every later
    // call (the server's tasks included) into a panic too.
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets how long after a `warning` disconnect the fake closes that connection (default 10 s, as Slack; tests use ~1 s).
    pub fn set_warning_grace(&self, grace: Duration) {
        self.state().warning_grace = grace;
    }

    /// The answer to `apps.connections.open` for this Authorization header value (JSON as Slack's), minting a single-use ticket URL `ws://127.0.0.1:PORT/link/?ticket=…&app_id=A0SOCKET01`.
    pub fn open(&self, authorization: Option<&str>) -> Value {
        let token = authorization
            .and_then(|value| value.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty());
        let refusal = match token {
            None => Some("not_authed"),
            Some(token) if token.starts_with("xoxb-") || token.starts_with("xoxp-") => {
                Some("not_allowed_token_type")
            }
            Some(token) if token != self.inner.app_token => Some("invalid_auth"),
            Some(_) => None,
        };
        let mut state = self.state();
        if let Some(error) = refusal {
            state.opens_refused += 1;
            return json!({"ok": false, "error": error});
        }
        state.opens_ok += 1;
        let ticket = fresh_id(&mut state);
        state.tickets.insert(ticket.clone());
        let url = format!("ws://{}/link/?ticket={ticket}&app_id={APP_ID}", self.inner.addr);
        json!({"ok": true, "url": url})
    }

    /// How many times apps.connections.open was answered ok / refused.
    pub fn opens(&self) -> (usize, usize) {
        let state = self.state();
        (state.opens_ok, state.opens_refused)
    }

    /// Connections open now (said hello, not closed), oldest first.
    pub fn connections(&self) -> Vec<ConnectionId> {
        let state = self.state();
        state
            .connections
            .iter()
            .filter(|(_, connection)| connection.open)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Waits (up to `limit`) until at least `n` connections are open; returns
    /// them (those open at the deadline when fewer came).
    pub async fn wait_for_connections(&self, n: usize, limit: Duration) -> Vec<ConnectionId> {
        let found = crate::wait::within(limit, || {
            let open = self.connections();
            (open.len() >= n).then_some(open)
        })
        .await;
        found.unwrap_or_else(|| self.connections())
    }

    /// Every connection ever opened.
    pub fn opened(&self) -> usize {
        let state = self.state();
        state.connections.values().filter(|c| c.said_hello).count()
    }

    /// Sends an envelope of `kind` ("slash_commands", "interactive", "events_api") with `payload` on `to`; returns its envelope_id (a fresh uuid-like string).
    ///
    /// `slash_commands` and `interactive` accept a response payload, `events_api`
    /// does not and carries `retry_attempt` 0, as Slack sends them. On a
    /// connection that is closed by now the envelope is lost ([`SocketMode::unacked`]).
    /// Panics on a connection that never was: a mistake of the test.
    pub fn send(&self, to: ConnectionId, kind: &str, payload: Value) -> String {
        self.send_envelope(to, kind, payload, kind != "events_api")
    }

    /// [`SocketMode::send`] with `accepts_response_payload` as given, for an
    /// envelope that does not take the usual one for its kind (an
    /// `interactive` one that takes no response payload).
    pub fn send_envelope(
        &self,
        to: ConnectionId,
        kind: &str,
        payload: Value,
        accepts_response_payload: bool,
    ) -> String {
        let mut state = self.state();
        let envelope_id = fresh_id(&mut state);
        state.envelopes.insert(
            envelope_id.clone(),
            Envelope {
                kind: kind.to_owned(),
                payload,
                accepts_response_payload,
            },
        );
        let retry = (kind == "events_api").then_some((0, ""));
        deliver(&mut state, to, &envelope_id, retry);
        envelope_id
    }

    /// Sends the envelope `envelope_id` again (same id, same payload) on `to`, with retry_attempt `attempt` and retry_reason "timeout", as Slack redelivers an unacknowledged one.
    ///
    /// Panics on an envelope never sent: a mistake of the test.
    pub fn resend(&self, to: ConnectionId, envelope_id: &str, attempt: u32) {
        let mut state = self.state();
        assert!(
            state.envelopes.contains_key(envelope_id),
            "envelope {envelope_id} was never sent"
        );
        deliver(&mut state, to, envelope_id, Some((attempt, "timeout")));
    }

    /// Every ack received, in order.
    pub fn acks(&self) -> Vec<Ack> {
        self.state().acks.clone()
    }

    /// How many acks the fake received (cheap, for load tools).
    pub fn ack_count(&self) -> usize {
        self.state().acks.len()
    }

    /// Waits up to `limit` for the (first) ack of `envelope_id`.
    pub async fn wait_for_ack(&self, envelope_id: &str, limit: Duration) -> Option<Ack> {
        crate::wait::within(limit, || {
            self.state()
                .acks
                .iter()
                .find(|ack| ack.envelope_id == envelope_id)
                .cloned()
        })
        .await
    }

    /// Sends `{"type":"disconnect","reason":reason}` on `to`. For "warning" the fake closes that connection after the warning grace, for "refresh_requested" after the same grace too, for "link_disabled" at once (close frame); apps.connections.open keeps answering as before.
    pub fn disconnect(&self, to: ConnectionId, reason: &str) {
        let state = self.state();
        let message = json!({"type": "disconnect", "reason": reason, "debug_info": {"host": HOST}});
        let close = match reason {
            "link_disabled" => Command::Close,
            _ => Command::CloseAfter(state.warning_grace),
        };
        command(&state, to, Command::Text(message.to_string()));
        command(&state, to, close);
    }

    /// Drops the TCP connection of `to` without a close frame (a network failure).
    pub fn drop_connection(&self, to: ConnectionId) {
        command(&self.state(), to, Command::Drop);
    }

    /// The connections the client closed itself, with a close frame (not by
    /// dropping them, and not after the fake closed them), in order.
    pub fn closed_by_client(&self) -> Vec<ConnectionId> {
        self.state().closed_by_client.clone()
    }

    /// Envelopes sent on a connection that closed before they were acked (what a client lost).
    pub fn unacked(&self) -> Vec<String> {
        self.state().unacked.clone()
    }

    /// Every text frame the fake could not read as an ack (not JSON, no
    /// `envelope_id`, an envelope it never sent) and every binary frame, each
    /// with its connection.
    pub fn protocol_errors(&self) -> Vec<String> {
        self.state().protocol_errors.clone()
    }

    /// Uses up `ticket` if it was minted and not used yet.
    fn take_ticket(&self, ticket: &str) -> bool {
        self.state().tickets.remove(ticket)
    }

    /// A new connection, not open until it said hello; its number and the
    /// `hello` to say (counting it among the connections).
    fn accept(&self, commands: mpsc::UnboundedSender<Command>) -> (ConnectionId, String) {
        let mut state = self.state();
        let id = ConnectionId(state.connections.len() as u32 + 1);
        state.connections.insert(
            id,
            Connection {
                commands,
                said_hello: false,
                open: false,
            },
        );
        let open = state.connections.values().filter(|c| c.open).count();
        let hello = json!({
            "type": "hello",
            "num_connections": open + 1,
            "debug_info": {"host": HOST, "build_number": 105, "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        });
        (id, hello.to_string())
    }

    /// `id` said hello: it is open.
    fn said_hello(&self, id: ConnectionId) {
        if let Some(connection) = self.state().connections.get_mut(&id) {
            connection.said_hello = true;
            connection.open = true;
        }
    }

    /// `id` is closed (or closing): what was sent on it and not acked is lost.
    fn client_closed(&self, id: ConnectionId) {
        self.state().closed_by_client.push(id);
    }

    fn closed(&self, id: ConnectionId) {
        let mut state = self.state();
        let state = &mut *state;
        match state.connections.get_mut(&id) {
            Some(connection) if connection.open => connection.open = false,
            _ => return,
        }
        let lost: Vec<String> = state
            .sent
            .iter()
            .filter(|sent| sent.connection == id)
            .map(|sent| sent.envelope_id.clone())
            .collect();
        for envelope_id in lost {
            lose(state, &envelope_id);
        }
    }

    /// A text frame from `from`: an ack, or a protocol error.
    fn received(&self, from: ConnectionId, text: &str) {
        let mut state = self.state();
        match read_ack(&state, from, text) {
            Ok(ack) => state.acks.push(ack),
            Err(error) => {
                let shown: String = text.chars().take(200).collect();
                state
                    .protocol_errors
                    .push(format!("connection {}: {error}: {shown}", from.0));
            }
        }
    }

    /// A frame from `from` that no Socket Mode client sends.
    fn unexpected(&self, from: ConnectionId, what: &str) {
        self.state()
            .protocol_errors
            .push(format!("connection {}: {what}", from.0));
    }
}
