//! Socket Mode envelopes through the same admission as webhooks: each kind
//! is admitted by the webhooks' own [`Webhook`] over the [`Socket`]
//! transport, its request the envelope's payload with the envelope's ID
//! and retry in headers as Bolt passes them on
//! (`slack_bolt/adapter/socket_mode/internals.py`), so that grants,
//! prompts, continuations, audit and metrics are the webhooks' own.
//!
//! What verifying means here: the envelope came down a connection this
//! gateway opened to Slack with the platform's app-level token, which is
//! the authentication Socket Mode has. Such requests are admitted only for
//! a platform in Socket Mode, and each envelope once.

use std::sync::Arc;

use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::Value;

use super::super::{
    App,
    admission::{self, Raw, Request, Stop, Webhook},
    refusal::Refusal,
    slack::{Commands, Events, Interactions, RETRY_WINDOW, Transport},
};
use crate::{
    platforms::slack::{
        inbound::{self, Interaction, ParseError, SlashCommand},
        socket::protocol::{Envelope, Kind},
    },
    runtime::PlatformKind,
};

/// Where the envelope's ID travels with its payload.
const ENVELOPE_ID: &str = "x-slack-envelope-id";
/// Where its retry count travels, as over webhooks.
const RETRY_NUM: &str = "x-slack-retry-num";
/// Where its retry reason travels, as over webhooks.
const RETRY_REASON: &str = "x-slack-retry-reason";
/// The largest answer read back to carry in an acknowledgement.
const MAX_ACK_PAYLOAD: usize = 64 * 1024;

/// Socket Mode connections: envelopes the gateway read from Slack.
pub(in crate::server) struct Socket;

/// Admits `envelope` of the Socket Mode platform `name` and returns what
/// its acknowledgement carries: the answer Slack shows at once (a busy
/// notice), where the envelope accepts one.
pub(super) async fn admit(app: &Arc<App>, name: &str, envelope: Envelope) -> Option<Value> {
    let accepts_payload = envelope.accepts_response_payload;
    let raw = raw(&envelope);
    let response = match envelope.kind {
        Kind::SlashCommands => handle::<Commands<Socket>>(app, name, raw).await,
        Kind::Interactive => handle::<Interactions<Socket>>(app, name, raw).await,
        Kind::EventsApi => handle::<Events<Socket>>(app, name, raw).await,
        Kind::Other => {
            tracing::debug!(platform = %name, kind = %envelope.type_name, "Socket Mode envelope of a kind not served; acknowledged");
            app.metrics.request(name, "socket", "ignored");
            return None;
        }
    };
    ack_payload(response, accepts_payload).await
}

/// The envelope as a request: its payload as the body, its ID and retry in headers.
fn raw(envelope: &Envelope) -> Raw {
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    put(ENVELOPE_ID, &envelope.envelope_id);
    if let Some(attempt) = envelope.retry_attempt {
        put(RETRY_NUM, &attempt.to_string());
    }
    if let Some(reason) = &envelope.retry_reason {
        put(RETRY_REASON, reason);
    }
    Raw {
        method: Method::POST,
        query: None,
        headers,
        body: Bytes::from(serde_json::to_vec(&envelope.payload).unwrap_or_default()),
    }
}

/// What the admission answered, as an acknowledgement's payload: a JSON
/// body of a success, where the envelope accepts a payload. A refusal's
/// body is for logs and metrics, which already have it: Slack shows
/// nothing of an acknowledgement without a payload.
async fn ack_payload(response: Response, accepts_payload: bool) -> Option<Value> {
    if !accepts_payload || !response.status().is_success() {
        return None;
    }
    let body = axum::body::to_bytes(response.into_body(), MAX_ACK_PAYLOAD)
        .await
        .ok()?;
    serde_json::from_slice::<Value>(&body)
        .ok()
        .filter(Value::is_object)
}

/// Admits envelopes only for a platform in Socket Mode (a platform served
/// over webhooks takes nothing from a connection), and each envelope once:
/// Slack sends an envelope it thinks was not acknowledged again, on any of
/// the app's connections.
async fn through_socket(request: &Request<'_>) -> Result<(), Stop> {
    let PlatformKind::Slack { socket: Some(_), .. } = &request.platform.kind else {
        return Err(Refusal::unknown_platform("Slack Socket Mode", request.name).into());
    };
    let Some(envelope_id) = request.raw.header(ENVELOPE_ID) else {
        return Err(Refusal::malformed("an envelope without envelope_id").into());
    };
    let key: [&[u8]; 3] = [request.name.as_bytes(), b"envelope", envelope_id.as_bytes()];
    // Through the shared state: Slack may redeliver to another replica's connection.
    request
        .first_time(&request.app.slack_requests, &key, RETRY_WINDOW, || {
            request.duplicate(StatusCode::OK.into_response())
        })
        .await
}

impl Transport for Socket {
    const ENDPOINTS: [&'static str; 3] = ["socket_commands", "socket_interactive", "socket_events"];

    async fn verify_request(request: &Request<'_>) -> Result<(), Stop> {
        through_socket(request).await
    }

    async fn verify_event(request: &Request<'_>) -> Result<(), Stop> {
        through_socket(request).await
    }

    /// A slash command's form, as a JSON object.
    fn slash_command(body: &[u8]) -> Result<SlashCommand, ParseError> {
        inbound::parse_slash_command_json(body)
    }

    /// What the webhook's `payload` field holds, as it is.
    fn interaction(body: &[u8]) -> Result<Interaction, ParseError> {
        inbound::parse_interaction_json(body)
    }
}

/// Admits `raw` through `W`.
async fn handle<W: Webhook>(app: &Arc<App>, name: &str, raw: Raw) -> Response {
    admission::handle::<W>(app.clone(), name.to_owned(), raw).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn envelope(retry: Option<u64>) -> Envelope {
        Envelope {
            envelope_id: "e-1".to_owned(),
            kind: Kind::EventsApi,
            type_name: "events_api".to_owned(),
            payload: json!({"event_id": "Ev1"}),
            accepts_response_payload: false,
            retry_attempt: retry,
            retry_reason: retry.map(|_| "timeout".to_owned()),
        }
    }

    #[test]
    fn an_envelope_becomes_a_request_with_its_id_and_retry_in_headers() {
        let retried = raw(&envelope(Some(2)));
        assert_eq!(retried.header(ENVELOPE_ID), Some("e-1"));
        assert_eq!(retried.header(RETRY_NUM), Some("2"));
        assert_eq!(retried.header(RETRY_REASON), Some("timeout"));
        assert_eq!(
            serde_json::from_slice::<Value>(&retried.body).unwrap()["event_id"],
            "Ev1"
        );
        assert_eq!(raw(&envelope(None)).header(RETRY_NUM), None);
    }

    #[tokio::test]
    async fn only_a_json_answer_to_an_envelope_that_accepts_one_is_carried_back() {
        let busy = || axum::Json(json!({"response_type": "ephemeral", "text": "busy"})).into_response();
        assert_eq!(
            ack_payload(busy(), true).await,
            Some(json!({"response_type": "ephemeral", "text": "busy"}))
        );
        assert_eq!(ack_payload(busy(), false).await, None);
        assert_eq!(ack_payload(StatusCode::OK.into_response(), true).await, None);
        let refused = (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "x"}))).into_response();
        assert_eq!(ack_payload(refused, true).await, None);
    }
}
