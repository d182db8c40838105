//! Slack Socket Mode: a WebSocket text frame from Slack (`hello`,
//! `disconnect`, an envelope), then an envelope's payload handed on as
//! `server::socket::envelopes` hands it: serialised back to bytes and read
//! by the JSON form of the slash command, interaction or event parser. The
//! payload parsers also get the raw bytes, as a fuzzed JSON document reaches
//! more shapes than a re-serialised one.
#![no_main]

use chatops_gateway::platforms::slack::{
    inbound,
    socket::protocol::{self, Inbound, Kind},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(Inbound::Envelope(envelope)) = protocol::parse(frame) {
        // The acknowledgement echoes the envelope's ID back to Slack.
        protocol::ack(&envelope.envelope_id, Some(&envelope.payload));
        let body = serde_json::to_vec(&envelope.payload).unwrap_or_default();
        payload(envelope.kind, &body);
    }
    for kind in [Kind::SlashCommands, Kind::Interactive, Kind::EventsApi] {
        payload(kind, data);
    }
});

/// What each kind of envelope's payload goes through.
fn payload(kind: Kind, body: &[u8]) {
    match kind {
        Kind::SlashCommands => drop(inbound::parse_slash_command_json(body)),
        Kind::Interactive => drop(inbound::parse_interaction_json(body)),
        Kind::EventsApi => drop(inbound::parse_event(body)),
        Kind::Other => {}
    }
}
