//! The fake's state behind its mutex, and what is done under it: envelopes
//! delivered, acks read, envelopes lost, ids minted.

use std::{
    collections::{BTreeMap, HashMap, HashSet, hash_map::RandomState},
    hash::BuildHasher,
    time::Duration,
};

use serde_json::{Value, json};
use tokio::{sync::mpsc, time::Instant};

use super::{Ack, ConnectionId};

/// What a connection's task is told to do; it alone writes to its socket.
pub(super) enum Command {
    /// Send this text frame.
    Text(String),
    /// Close with a close frame once this long has passed.
    CloseAfter(Duration),
    /// Close with a close frame now.
    Close,
    /// Drop the TCP connection, no close frame.
    Drop,
}

/// One connection the fake accepted: how to tell its task, and where it stands.
pub(super) struct Connection {
    pub(super) commands: mpsc::UnboundedSender<Command>,
    pub(super) said_hello: bool,
    pub(super) open: bool,
}

/// An envelope as first sent, for resending it and for judging its acks.
pub(super) struct Envelope {
    pub(super) kind: String,
    pub(super) payload: Value,
    pub(super) accepts_response_payload: bool,
}

/// One sending of an envelope on a connection.
pub(super) struct Sent {
    pub(super) envelope_id: String,
    pub(super) connection: ConnectionId,
    pub(super) at: Instant,
}

/// Everything the fake knows, behind the handle's mutex.
pub(super) struct State {
    pub(super) warning_grace: Duration,
    /// Tickets minted and not yet used.
    pub(super) tickets: HashSet<String>,
    pub(super) opens_ok: usize,
    pub(super) opens_refused: usize,
    /// Every connection ever accepted, by id.
    pub(super) connections: BTreeMap<ConnectionId, Connection>,
    pub(super) envelopes: HashMap<String, Envelope>,
    pub(super) sent: Vec<Sent>,
    pub(super) acks: Vec<Ack>,
    pub(super) protocol_errors: Vec<String>,
    pub(super) unacked: Vec<String>,
    /// The connections the client closed with a close frame, in order.
    pub(super) closed_by_client: Vec<ConnectionId>,
    /// How many ids were minted, so that no two are hashed from the same input.
    pub(super) minted: u64,
}

/// Reads `text` from `from` as an ack of an envelope the fake sent.
pub(super) fn read_ack(state: &State, from: ConnectionId, text: &str) -> Result<Ack, &'static str> {
    let value: Value = serde_json::from_str(text).map_err(|_| "not JSON")?;
    let envelope_id = value
        .get("envelope_id")
        .and_then(Value::as_str)
        .ok_or("no envelope_id")?;
    let envelope = state.envelopes.get(envelope_id).ok_or("an unknown envelope_id")?;
    let payload = value.get("payload").filter(|payload| !payload.is_null()).cloned();
    let sendings = || {
        state
            .sent
            .iter()
            .rev()
            .filter(|sent| sent.envelope_id == envelope_id)
    };
    let sent = sendings()
        .find(|sent| sent.connection == from)
        .or_else(|| sendings().next());
    Ok(Ack {
        envelope_id: envelope_id.to_owned(),
        payload_not_allowed: payload.is_some() && !envelope.accepts_response_payload,
        payload,
        connection: from,
        after: sent.map(|sent| sent.at.elapsed()).unwrap_or_default(),
    })
}

/// Sends the envelope `envelope_id` on `to`, with `retry` (attempt, reason)
/// when it is a redelivery; on a closed connection it is lost.
pub(super) fn deliver(state: &mut State, to: ConnectionId, envelope_id: &str, retry: Option<(u32, &str)>) {
    let Some(envelope) = state.envelopes.get(envelope_id) else {
        return;
    };
    let mut message = json!({
        "envelope_id": envelope_id,
        "type": envelope.kind,
        "payload": envelope.payload,
        "accepts_response_payload": envelope.accepts_response_payload,
    });
    if let Some((attempt, reason)) = retry {
        message["retry_attempt"] = attempt.into();
        message["retry_reason"] = reason.into();
    }
    let connection = state
        .connections
        .get(&to)
        .unwrap_or_else(|| panic!("the fake never had connection {}", to.0));
    let delivered = connection.open
        && connection
            .commands
            .send(Command::Text(message.to_string()))
            .is_ok();
    if delivered {
        state.sent.push(Sent {
            envelope_id: envelope_id.to_owned(),
            connection: to,
            at: Instant::now(),
        });
    } else {
        lose(state, envelope_id);
    }
}

/// Notes `envelope_id` as lost, unless it was acked or is noted already.
pub(super) fn lose(state: &mut State, envelope_id: &str) {
    let acked = state.acks.iter().any(|ack| ack.envelope_id == envelope_id);
    if !acked && !state.unacked.iter().any(|lost| lost == envelope_id) {
        state.unacked.push(envelope_id.to_owned());
    }
}

/// Tells the task of `to` to do `what` (nothing when it has ended).
/// Panics on a connection that never was: a mistake of the test.
pub(super) fn command(state: &State, to: ConnectionId, what: Command) {
    let connection = state
        .connections
        .get(&to)
        .unwrap_or_else(|| panic!("the fake never had connection {}", to.0));
    let _ = connection.commands.send(what);
}

/// A fresh uuid-like id (`8-4-4-4-12` hex digits, version 4), for tickets and envelopes.
pub(super) fn fresh_id(state: &mut State) -> String {
    state.minted += 1;
    // Each RandomState has its own random keys: two hashes make 128 random bits.
    let high = RandomState::new().hash_one(state.minted);
    let low = RandomState::new().hash_one(state.minted);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xfff,
        ((low >> 48) & 0x3fff) | 0x8000,
        low & 0xffff_ffff_ffff
    )
}
