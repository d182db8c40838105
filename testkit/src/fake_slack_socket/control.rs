//! What the fake Slack Web API answers for Socket Mode: `apps.connections.open`,
//! and the control endpoints through which a test in another process (the
//! `fake-slack-socket` binary driven from pytest) works the fake, JSON in and out.

use axum::{
    http::{Method, StatusCode},
    response::Response,
};
use serde_json::{Value, json};

use super::{ConnectionId, SocketMode};
use crate::fake_api::{Recorded, json_response};

/// The answer to `request` if it is Socket Mode's, else `None` (the fake Slack
/// answers it as usual).
pub(crate) fn answer(socket: &SocketMode, request: &Recorded) -> Option<Response> {
    let ok = |body: Value| Some(json_response(StatusCode::OK, &body));
    let get = request.method == Method::GET;
    let post = request.method == Method::POST;
    match request.path.as_str() {
        "/api/apps.connections.open" => {
            let authorization = request
                .headers
                .get("authorization")
                .and_then(|value| value.to_str().ok());
            ok(socket.open(authorization))
        }
        "/control/connections" if get => ok(json!(
            socket.connections().iter().map(|id| id.0).collect::<Vec<_>>()
        )),
        "/control/opened" if get => ok(json!({"opened": socket.opened()})),
        "/control/acks" if get => ok(Value::Array(socket.acks().iter().map(ack_json).collect())),
        "/control/unacked" if get => ok(json!(socket.unacked())),
        "/control/protocol_errors" if get => ok(json!(socket.protocol_errors())),
        "/control/send" if post => Some(send(socket, &request.json())),
        "/control/disconnect" if post => Some(disconnect(socket, &request.json())),
        path if path.starts_with("/control/") => Some(refusal(
            StatusCode::NOT_FOUND,
            &format!("no {} {path}", request.method),
        )),
        _ => None,
    }
}

/// `{"envelope_id","payload","connection","payload_not_allowed","after_ms"}`.
fn ack_json(ack: &super::Ack) -> Value {
    json!({
        "envelope_id": ack.envelope_id,
        "payload": ack.payload,
        "connection": ack.connection.0,
        "payload_not_allowed": ack.payload_not_allowed,
        "after_ms": ack.after.as_millis() as u64,
    })
}

/// `{"connection":1,"type":"slash_commands","payload":{…}}` -> `{"envelope_id":"…"}`;
/// `"accepts_response_payload": bool` overrides the kind's usual one.
fn send(socket: &SocketMode, body: &Value) -> Response {
    let Some(to) = connection(socket, body) else {
        return refusal(StatusCode::NOT_FOUND, "no such connection");
    };
    let Some(kind) = body["type"].as_str() else {
        return refusal(StatusCode::BAD_REQUEST, "type is missing");
    };
    let payload = body["payload"].clone();
    let envelope_id = match body["accepts_response_payload"].as_bool() {
        Some(accepts) => socket.send_envelope(to, kind, payload, accepts),
        None => socket.send(to, kind, payload),
    };
    json_response(StatusCode::OK, &json!({"envelope_id": envelope_id}))
}

/// `{"connection":1,"reason":"refresh_requested"}` -> `{"ok":true}`.
fn disconnect(socket: &SocketMode, body: &Value) -> Response {
    let Some(to) = connection(socket, body) else {
        return refusal(StatusCode::NOT_FOUND, "no such connection");
    };
    let Some(reason) = body["reason"].as_str() else {
        return refusal(StatusCode::BAD_REQUEST, "reason is missing");
    };
    socket.disconnect(to, reason);
    json_response(StatusCode::OK, &json!({"ok": true}))
}

/// The body's `connection`, if the fake ever had it (the handle panics on
/// others, a request must not).
fn connection(socket: &SocketMode, body: &Value) -> Option<ConnectionId> {
    let id = ConnectionId(u32::try_from(body["connection"].as_u64()?).ok()?);
    socket.state().connections.contains_key(&id).then_some(id)
}

fn refusal(status: StatusCode, error: &str) -> Response {
    json_response(status, &json!({"ok": false, "error": error}))
}
