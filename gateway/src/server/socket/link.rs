//! One Socket Mode connection slot of one platform: open a connection, read
//! and acknowledge envelopes, open the next one before Slack closes this
//! one, and wait longer after each failure to connect.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use futures::{SinkExt, StreamExt};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_util::sync::CancellationToken;

use super::{
    super::App,
    envelopes,
    states::{Backoff, Generation, spread},
};
use crate::platforms::slack::socket::{
    Connection, OpenError, SocketMode,
    protocol::{self, Disconnect, Envelope, Hello, Inbound},
};

/// How long a new connection may take to say `hello`.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the gateway pings Slack, so that a connection that died
/// without a word is noticed.
const PING_EVERY: Duration = Duration::from_secs(10);
/// How long without any frame from Slack (its pings, our pongs included)
/// before the connection counts as dead.
const SILENCE_LIMIT: Duration = Duration::from_secs(35);
/// How long a replaced connection is still read after the gateway asked to
/// close it: Slack may have sent envelopes on it that are still on their way.
const DRAIN_FOR: Duration = Duration::from_secs(10);

/// What a slot needs: the gateway, the platform, its settings, and when to stop.
pub(super) struct Slot {
    pub app: Arc<App>,
    pub name: String,
    /// The settings' generation: what this slot reports counts only while they are current.
    pub generation: Generation,
    /// Which of the platform's connections this is, from 1 (for logs).
    pub index: u8,
    pub settings: SocketMode,
    pub stop: CancellationToken,
}

/// A connection that said `hello`, and envelopes that came before it did.
struct Opened {
    connection: Connection,
    hello: Hello,
    early: Vec<Envelope>,
}

/// Why serving a connection ended.
enum Ended {
    /// The gateway stops (shutdown, or the platform's settings changed).
    Cancelled,
    /// Slack will take no connection until something changes.
    Stopped(String),
    /// The connection failed or was closed.
    Dropped(String),
    /// The next connection is open; the old one drains in the background.
    /// (Boxed: a connection is large beside the other variants.)
    Replaced(Box<Opened>),
}

/// Why opening failed, for the log, the metric and whether to go on.
struct Failed {
    reason: &'static str,
    sentence: String,
    permanent: bool,
}

impl From<OpenError> for Failed {
    fn from(err: OpenError) -> Self {
        Failed {
            reason: if err.is_permanent() {
                "token_refused"
            } else {
                "open_failed"
            },
            permanent: err.is_permanent(),
            sentence: err.to_string(),
        }
    }
}

/// Holds the slot's connection until told to stop, or until Slack will take none.
pub(super) async fn hold(slot: Arc<Slot>) {
    let mut backoff = Backoff::default();
    let mut next: Option<Opened> = None;
    loop {
        let opened = match next.take() {
            Some(opened) => opened,
            None => {
                let attempt = tokio::select! {
                    () = slot.stop.cancelled() => return,
                    attempt = connect(&slot) => attempt,
                };
                match attempt {
                    Ok(opened) => opened,
                    Err(failed) => {
                        slot.app.metrics.socket_ended(&slot.name, failed.reason);
                        if failed.permanent {
                            slot.stopped(failed.sentence);
                            return;
                        }
                        let wait = backoff.next(spread());
                        tracing::warn!(platform = %slot.name, connection = slot.index, error = %failed.sentence, retry_in_ms = wait.as_millis() as u64, "could not open a Slack Socket Mode connection; trying again");
                        if !slot.pause(wait).await {
                            return;
                        }
                        continue;
                    }
                }
            }
        };
        backoff.reset();
        let open = slot.app.sockets.opened(&slot.name, slot.generation);
        slot.count_open(open);
        tracing::info!(platform = %slot.name, connection = slot.index, open, app_connections = opened.hello.connections, "Slack Socket Mode connection open");
        let ended = serve(&slot, opened).await;
        slot.count_open(slot.app.sockets.closed(&slot.name, slot.generation));
        match ended {
            Ended::Cancelled => return,
            Ended::Stopped(why) => {
                slot.stopped(why);
                return;
            }
            Ended::Replaced(opened) => next = Some(*opened),
            Ended::Dropped(why) => {
                slot.app.metrics.socket_ended(&slot.name, "dropped");
                // The first attempt after a connection that worked is soon; more failures wait longer.
                let wait = backoff.next(spread());
                tracing::warn!(platform = %slot.name, connection = slot.index, reason = %why, retry_in_ms = wait.as_millis() as u64, "Slack Socket Mode connection lost; opening another");
                if !slot.pause(wait).await {
                    return;
                }
            }
        }
    }
}

impl Slot {
    /// Shows how many connections are open, if this slot's settings are current.
    fn count_open(&self, open: Option<usize>) {
        if let Some(open) = open {
            self.app.metrics.socket_open(&self.name, open);
        }
    }

    /// Waits `wait` unless told to stop first; returns whether to go on.
    async fn pause(&self, wait: Duration) -> bool {
        tokio::select! {
            () = self.stop.cancelled() => false,
            () = tokio::time::sleep(wait) => true,
        }
    }

    /// Gives up on the platform until its configuration changes: logged as
    /// an error, and `/readyz` says it.
    fn stopped(&self, why: String) {
        tracing::error!(platform = %self.name, connection = self.index, reason = %why, "Slack Socket Mode stopped: no connection is opened until the platform's configuration changes");
        self.app.sockets.stopped(&self.name, self.generation, why);
    }
}

/// Opens a connection and waits for its `hello`.
async fn connect(slot: &Slot) -> Result<Opened, Failed> {
    let mut connection = slot.settings.open().await?;
    let mut early = Vec::new();
    let deadline = Instant::now() + HELLO_TIMEOUT;
    loop {
        let frame = tokio::time::timeout_at(deadline, connection.next()).await;
        let text = match frame {
            Err(_) => return Err(transient("Slack did not say hello within 10 s")),
            Ok(None) => return Err(transient("Slack closed the connection before saying hello")),
            Ok(Some(Err(err))) => {
                return Err(transient(&format!("the connection failed before hello: {err}")));
            }
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(_))) => continue,
        };
        match protocol::parse(&text) {
            Ok(Inbound::Hello(hello)) => {
                return Ok(Opened {
                    connection,
                    hello,
                    early,
                });
            }
            Ok(Inbound::Envelope(envelope)) => early.push(envelope),
            Ok(Inbound::Disconnect(Disconnect::LinkDisabled)) => return Err(link_disabled()),
            Ok(Inbound::Disconnect(reason)) => {
                return Err(transient(&format!(
                    "Slack said disconnect ({}) before hello",
                    reason.as_str()
                )));
            }
            Ok(Inbound::Other(_)) | Err(_) => continue,
        }
    }
}

fn transient(sentence: &str) -> Failed {
    Failed {
        reason: "open_failed",
        sentence: sentence.to_owned(),
        permanent: false,
    }
}

fn link_disabled() -> Failed {
    Failed {
        reason: "link_disabled",
        sentence: LINK_DISABLED.to_owned(),
        permanent: true,
    }
}

/// What `link_disabled` means, and what to do.
const LINK_DISABLED: &str = "Slack disabled Socket Mode for this app (link_disabled): turn it on again \
     under Settings > Socket Mode of the app, or set the ChatPlatform's mode to webhooks";

type Opening = Pin<Box<dyn Future<Output = Result<Opened, Failed>> + Send>>;

/// Serves `opened` until it ends: every envelope acknowledged as soon as it
/// is admitted, a new connection opened when Slack says it will close this one.
async fn serve(slot: &Arc<Slot>, opened: Opened) -> Ended {
    let Opened {
        mut connection,
        early,
        ..
    } = opened;
    for envelope in early {
        if let Err(why) = answer(slot, &mut connection, envelope).await {
            return Ended::Dropped(why);
        }
    }
    let mut replacement: Option<Opening> = None;
    let mut heartbeat = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    let mut last_heard = Instant::now();
    loop {
        let next_connection = async {
            match replacement.as_mut() {
                Some(opening) => opening.await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = slot.stop.cancelled() => {
                close(slot.clone(), connection);
                return Ended::Cancelled;
            }
            opened = next_connection => {
                replacement = None;
                match opened {
                    Ok(next) => {
                        close(slot.clone(), connection);
                        return Ended::Replaced(Box::new(next));
                    }
                    Err(failed) if failed.permanent => {
                        close(slot.clone(), connection);
                        return Ended::Stopped(failed.sentence);
                    }
                    Err(failed) => {
                        slot.app.metrics.socket_ended(&slot.name, failed.reason);
                        tracing::warn!(platform = %slot.name, connection = slot.index, error = %failed.sentence, "could not open the next Socket Mode connection; this one serves until Slack closes it");
                    }
                }
            }
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > SILENCE_LIMIT {
                    return Ended::Dropped(format!("nothing heard from Slack for {} s", SILENCE_LIMIT.as_secs()));
                }
                if let Err(err) = connection.send(Message::Ping(Bytes::new())).await {
                    return Ended::Dropped(format!("cannot ping Slack: {err}"));
                }
            }
            frame = connection.next() => {
                last_heard = Instant::now();
                let text = match frame {
                    None => return Ended::Dropped("Slack closed the connection".to_owned()),
                    Some(Err(err)) => return Ended::Dropped(format!("the connection failed: {err}")),
                    Some(Ok(Message::Text(text))) => text,
                    // Pings are answered by the protocol itself; a close is followed by the end.
                    Some(Ok(_)) => continue,
                };
                match protocol::parse(&text) {
                    Ok(Inbound::Envelope(envelope)) => {
                        if let Err(why) = answer(slot, &mut connection, envelope).await {
                            return Ended::Dropped(why);
                        }
                    }
                    Ok(Inbound::Disconnect(reason)) => {
                        slot.app.metrics.socket_ended(&slot.name, reason.as_str());
                        if !reason.reconnects() {
                            close(slot.clone(), connection);
                            return Ended::Stopped(LINK_DISABLED.to_owned());
                        }
                        tracing::info!(platform = %slot.name, connection = slot.index, reason = reason.as_str(), "Slack will close a Socket Mode connection; opening the next one first");
                        if replacement.is_none() {
                            let next = slot.clone();
                            replacement = Some(Box::pin(async move { connect(&next).await }));
                        }
                    }
                    Ok(Inbound::Hello(_)) => {}
                    Ok(Inbound::Other(kind)) => {
                        tracing::debug!(platform = %slot.name, %kind, "Socket Mode message of an unknown type ignored");
                    }
                    Err(err) => {
                        tracing::warn!(platform = %slot.name, error = %err, "unreadable Socket Mode message ignored");
                    }
                }
            }
        }
    }
}

/// Admits `envelope` and acknowledges it on `connection`; the error says
/// why the acknowledgement could not be sent (the connection is gone).
async fn answer(slot: &Slot, connection: &mut Connection, envelope: Envelope) -> Result<(), String> {
    let envelope_id = envelope.envelope_id.clone();
    let payload = envelopes::admit(&slot.app, &slot.name, envelope).await;
    let ack = protocol::ack(&envelope_id, payload.as_ref());
    connection
        .send(Message::text(ack))
        .await
        .map_err(|err| format!("cannot acknowledge an envelope: {err}"))
}

/// Asks Slack to close `connection`, and keeps reading it meanwhile in the
/// background: an envelope Slack sent on it before it saw the close is
/// still admitted and acknowledged, not lost.
fn close(slot: Arc<Slot>, mut connection: Connection) {
    slot.app.tasks.clone().spawn(async move {
        let _ = connection.send(Message::Close(None)).await;
        let deadline = Instant::now() + DRAIN_FOR;
        while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(deadline, connection.next()).await {
            let Message::Text(text) = frame else { continue };
            if let Ok(Inbound::Envelope(envelope)) = protocol::parse(&text)
                && answer(&slot, &mut connection, envelope).await.is_err()
            {
                break;
            }
        }
    });
}
