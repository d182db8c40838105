//! Socket Mode's messages, as Slack documents them and slack_sdk reads them
//! (`slack_sdk/socket_mode/request.py`, `client.py`): what comes down a
//! connection, and the acknowledgement that goes back up. Plain functions
//! on text; no connection here.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

/// One message from Slack.
#[derive(Clone, Debug, PartialEq)]
pub enum Inbound {
    /// The connection is ready; envelopes may follow.
    Hello(Hello),
    /// Slack will close (or has disabled) the connection.
    Disconnect(Disconnect),
    /// A request to acknowledge and, for the kinds served, to run.
    Envelope(Envelope),
    /// A `type` without an envelope that this gateway does not know.
    Other(String),
}

/// What `hello` says of the connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hello {
    /// The app's connections open now, this one included.
    pub connections: Option<u64>,
    /// About how long Slack keeps the connection before it asks for a new one.
    pub refresh_in: Option<Duration>,
    /// The app, as Slack names it (`A…`).
    pub app_id: Option<String>,
}

/// Why Slack sends `disconnect`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disconnect {
    /// The connection closes in about ten seconds: open the next one now.
    Warning,
    /// Slack asks for a new connection (its ticket's time is up).
    RefreshRequested,
    /// Socket Mode was turned off for the app: no connection will work.
    LinkDisabled,
    /// A reason this gateway does not know, taken as a request to reconnect.
    Other(String),
}

impl Disconnect {
    /// Whether the app can still connect: only `link_disabled` says it cannot.
    pub fn reconnects(&self) -> bool {
        *self != Disconnect::LinkDisabled
    }

    /// The reason as Slack wrote it.
    pub fn as_str(&self) -> &str {
        match self {
            Disconnect::Warning => "warning",
            Disconnect::RefreshRequested => "refresh_requested",
            Disconnect::LinkDisabled => "link_disabled",
            Disconnect::Other(reason) => reason,
        }
    }
}

/// What an envelope carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A slash command: the fields of the webhook's form, as JSON.
    SlashCommands,
    /// Interactivity: what the webhook's `payload` field holds.
    Interactive,
    /// The Events API: the webhook's body.
    EventsApi,
    /// Anything else: acknowledged, not run.
    Other,
}

impl Kind {
    fn of(kind: &str) -> Kind {
        match kind {
            "slash_commands" => Kind::SlashCommands,
            "interactive" => Kind::Interactive,
            "events_api" => Kind::EventsApi,
            _ => Kind::Other,
        }
    }
}

/// A request from Slack, to be acknowledged with its `envelope_id`.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// What to acknowledge.
    pub envelope_id: String,
    /// What it carries.
    pub kind: Kind,
    /// The `type` as Slack wrote it (for logs and metrics of unknown kinds).
    pub type_name: String,
    /// The request itself.
    pub payload: Value,
    /// Whether the acknowledgement may carry an answer.
    pub accepts_response_payload: bool,
    /// How many times Slack sent it before (events only).
    pub retry_attempt: Option<u64>,
    /// Why Slack sent it again (events only).
    pub retry_reason: Option<String>,
}

/// Why a message from Slack cannot be read. No variant holds the message,
/// which may carry a user's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// Not a JSON object.
    #[error("a message that is not a JSON object")]
    NotJson,
    /// Neither an envelope nor a `type`.
    #[error("a message with neither envelope_id nor type")]
    Untyped,
}

/// The fields every message may have; each read leniently (a wrong type is absent).
#[derive(Deserialize)]
struct Wire {
    #[serde(default, rename = "type")]
    kind: Option<Value>,
    #[serde(default)]
    envelope_id: Option<Value>,
    #[serde(default)]
    payload: Value,
    #[serde(default)]
    accepts_response_payload: Option<Value>,
    #[serde(default)]
    retry_attempt: Option<Value>,
    #[serde(default)]
    retry_reason: Option<Value>,
    #[serde(default)]
    reason: Option<Value>,
    #[serde(default)]
    num_connections: Option<Value>,
    #[serde(default)]
    debug_info: Option<Value>,
    #[serde(default)]
    connection_info: Option<Value>,
}

fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// Reads one text frame from Slack.
pub fn parse(frame: &str) -> Result<Inbound, ProtocolError> {
    let wire: Wire = match serde_json::from_str::<Value>(frame) {
        Ok(value @ Value::Object(_)) => serde_json::from_value(value).map_err(|_| ProtocolError::NotJson)?,
        _ => return Err(ProtocolError::NotJson),
    };
    let type_name = text(wire.kind.as_ref());
    // Anything with an envelope ID is acknowledged, whatever its type.
    if let Some(envelope_id) = text(wire.envelope_id.as_ref()) {
        let type_name = type_name.unwrap_or_default();
        return Ok(Inbound::Envelope(Envelope {
            envelope_id,
            kind: Kind::of(&type_name),
            type_name,
            payload: wire.payload,
            accepts_response_payload: wire.accepts_response_payload.and_then(|v| v.as_bool()) == Some(true),
            retry_attempt: wire.retry_attempt.and_then(|v| v.as_u64()),
            retry_reason: text(wire.retry_reason.as_ref()),
        }));
    }
    match type_name.as_deref() {
        Some("hello") => Ok(Inbound::Hello(Hello {
            connections: wire.num_connections.and_then(|v| v.as_u64()),
            refresh_in: wire
                .debug_info
                .as_ref()
                .and_then(|info| info.get("approximate_connection_time"))
                .and_then(Value::as_u64)
                .map(Duration::from_secs),
            app_id: text(wire.connection_info.as_ref().and_then(|info| info.get("app_id"))),
        })),
        Some("disconnect") => Ok(Inbound::Disconnect(match text(wire.reason.as_ref()).as_deref() {
            Some("warning") => Disconnect::Warning,
            Some("refresh_requested") => Disconnect::RefreshRequested,
            Some("link_disabled") => Disconnect::LinkDisabled,
            other => Disconnect::Other(other.unwrap_or_default().to_owned()),
        })),
        Some(other) => Ok(Inbound::Other(other.to_owned())),
        None => Err(ProtocolError::Untyped),
    }
}

/// The acknowledgement of `envelope_id`, with `payload` (an answer Slack
/// shows, where the envelope accepts one).
pub fn ack(envelope_id: &str, payload: Option<&Value>) -> String {
    match payload {
        Some(payload) => json!({"envelope_id": envelope_id, "payload": payload}),
        None => json!({"envelope_id": envelope_id}),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_says_how_many_connections_and_when_slack_refreshes() {
        let hello = r#"{"type":"hello","num_connections":2,"debug_info":{"host":"applink-1","build_number":10,"approximate_connection_time":18060},"connection_info":{"app_id":"A0SOCKET01"}}"#;
        assert_eq!(
            parse(hello).unwrap(),
            Inbound::Hello(Hello {
                connections: Some(2),
                refresh_in: Some(Duration::from_secs(18060)),
                app_id: Some("A0SOCKET01".to_owned()),
            })
        );
        assert_eq!(
            parse(r#"{"type":"hello"}"#).unwrap(),
            Inbound::Hello(Hello::default())
        );
    }

    #[test]
    fn disconnect_reasons_are_read_and_only_link_disabled_stops() {
        for (reason, expected, reconnects) in [
            ("warning", Disconnect::Warning, true),
            ("refresh_requested", Disconnect::RefreshRequested, true),
            ("link_disabled", Disconnect::LinkDisabled, false),
            (
                "too_many_websockets",
                Disconnect::Other("too_many_websockets".to_owned()),
                true,
            ),
        ] {
            let frame =
                json!({"type": "disconnect", "reason": reason, "debug_info": {"host": "h"}}).to_string();
            let Inbound::Disconnect(read) = parse(&frame).unwrap() else {
                panic!("{frame}")
            };
            assert_eq!(read, expected);
            assert_eq!(read.reconnects(), reconnects, "{reason}");
            assert_eq!(read.as_str(), reason);
        }
    }

    #[test]
    fn envelopes_keep_their_id_kind_payload_and_retry() {
        let frame = json!({
            "envelope_id": "e1", "type": "events_api", "accepts_response_payload": false,
            "retry_attempt": 2, "retry_reason": "timeout",
            "payload": {"event_id": "Ev1", "type": "event_callback"}
        })
        .to_string();
        let Inbound::Envelope(envelope) = parse(&frame).unwrap() else {
            panic!("an envelope")
        };
        assert_eq!(envelope.envelope_id, "e1");
        assert_eq!(envelope.kind, Kind::EventsApi);
        assert_eq!(envelope.payload["event_id"], "Ev1");
        assert!(!envelope.accepts_response_payload);
        assert_eq!(envelope.retry_attempt, Some(2));
        assert_eq!(envelope.retry_reason.as_deref(), Some("timeout"));

        for (kind, expected) in [
            ("slash_commands", Kind::SlashCommands),
            ("interactive", Kind::Interactive),
            ("shortcut_thing", Kind::Other),
        ] {
            let frame =
                json!({"envelope_id": "e2", "type": kind, "payload": {}, "accepts_response_payload": true});
            let Inbound::Envelope(envelope) = parse(&frame.to_string()).unwrap() else {
                panic!("{kind}")
            };
            assert_eq!((envelope.kind, envelope.type_name.as_str()), (expected, kind));
            assert!(envelope.accepts_response_payload);
        }
    }

    #[test]
    fn an_envelope_of_no_known_type_is_still_an_envelope_to_acknowledge() {
        let Inbound::Envelope(envelope) = parse(r#"{"envelope_id":"e3"}"#).unwrap() else {
            panic!("an envelope")
        };
        assert_eq!(
            (envelope.kind, envelope.payload.clone()),
            (Kind::Other, Value::Null)
        );
    }

    #[test]
    fn unreadable_frames_are_errors_that_do_not_echo_them() {
        for frame in ["", "not json", "[1]", "\"hello\"", "{\"type\": 7}", "{}"] {
            let reason = parse(frame).unwrap_err().to_string();
            assert!(
                [
                    "a message that is not a JSON object",
                    "a message with neither envelope_id nor type"
                ]
                .contains(&reason.as_str()),
                "{frame}: {reason}"
            );
        }
        assert_eq!(parse("{}").unwrap_err(), ProtocolError::Untyped);
        assert_eq!(parse("[1]").unwrap_err(), ProtocolError::NotJson);
        assert_eq!(
            parse(r#"{"type":"events_api_v9"}"#).unwrap(),
            Inbound::Other("events_api_v9".to_owned())
        );
    }

    #[test]
    fn acks_carry_the_envelope_id_and_a_payload_only_when_given() {
        let plain: Value = serde_json::from_str(&ack("e1", None)).unwrap();
        assert_eq!(plain, json!({"envelope_id": "e1"}));
        let answered: Value = serde_json::from_str(&ack("e2", Some(&json!({"text": "busy"})))).unwrap();
        assert_eq!(
            answered,
            json!({"envelope_id": "e2", "payload": {"text": "busy"}})
        );
    }
}
