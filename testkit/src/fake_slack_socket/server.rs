//! The WebSocket side of the fake: the upgrade on a ticket URL, and one task
//! per connection that says hello, writes what the handle tells it and reads
//! the client's acks.

use std::time::Duration;

use axum::{
    Router,
    extract::{
        RawQuery, State,
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection},
    },
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::any,
};
use futures::{SinkExt, StreamExt, stream::SplitStream};
use tokio::{sync::mpsc, time::Instant};

use super::{Command, ConnectionId, SocketMode};

/// How long a closing connection waits for the client's close frame before
/// it drops the TCP connection anyway (a client that never answers).
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

/// The listener's routes: the ticket URL's path, nothing else.
pub(super) fn router(socket: SocketMode) -> Router {
    Router::new()
        .route("/link/", any(upgrade))
        .route("/link", any(upgrade))
        .with_state(socket)
}

/// Upgrades a request that brings an unused ticket; any other is refused
/// with 401 before the upgrade, as Slack refuses a used or made-up ticket.
async fn upgrade(
    State(socket): State<SocketMode>,
    RawQuery(query): RawQuery,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let ticket = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "ticket")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    // Not a WebSocket handshake: refused without using the ticket up.
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    if !socket.take_ticket(&ticket) {
        return (StatusCode::UNAUTHORIZED, "invalid or used ticket").into_response();
    }
    upgrade.on_upgrade(move |websocket| serve(socket, websocket))
}

/// One connection, from hello to its end.
async fn serve(socket: SocketMode, websocket: WebSocket) {
    let (commands, mut told) = mpsc::unbounded_channel();
    let (id, hello) = socket.accept(commands);
    let (mut sink, mut stream) = websocket.split();
    if sink.send(Message::Text(hello.into())).await.is_err() {
        socket.closed(id);
        return;
    }
    socket.said_hello(id);
    // When a `warning` or `refresh_requested` disconnect is due to take effect.
    let mut close_at: Option<Instant> = None;
    loop {
        tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(Message::Text(text))) => socket.received(id, text.as_str()),
                Some(Ok(Message::Binary(bytes))) => {
                    socket.unexpected(id, &format!("a binary frame of {} bytes", bytes.len()));
                }
                // tungstenite answers pings itself; a pong needs nothing.
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                // The client closed, or the connection broke.
                Some(Ok(Message::Close(_))) => {
                    socket.client_closed(id);
                    break;
                }
                Some(Err(_)) | None => break,
            },
            what = told.recv() => match what {
                Some(Command::Text(text)) => {
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Command::CloseAfter(grace)) => {
                    let due = Instant::now() + grace;
                    close_at = Some(close_at.map_or(due, |at| at.min(due)));
                }
                Some(Command::Close) => {
                    close(&socket, id, sink, stream).await;
                    return;
                }
                // Dropping both halves drops the TCP connection: no close frame.
                Some(Command::Drop) | None => break,
            },
            () = sleep_until(close_at), if close_at.is_some() => {
                close(&socket, id, sink, stream).await;
                return;
            }
        }
    }
    socket.closed(id);
}

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

/// Closes `id` as Slack does: the connection counts as closed (what it had
/// not acked is lost) from the close frame on; then waits a while for the
/// client's close frame, ignoring what else it sends.
async fn close(
    socket: &SocketMode,
    id: ConnectionId,
    mut sink: futures::stream::SplitSink<WebSocket, Message>,
    mut stream: SplitStream<WebSocket>,
) {
    socket.closed(id);
    let frame = CloseFrame {
        code: 1000,
        reason: "".into(),
    };
    if sink.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
        while let Some(Ok(_)) = stream.next().await {}
    })
    .await;
}
