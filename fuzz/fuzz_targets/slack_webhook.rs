//! Slack's webhooks after the signature check: the form body of a slash
//! command, an interaction's form (its `payload` JSON field), an Events API
//! body and the `ssl_check` probe, then the command text as
//! `server::slack` reads it. The signature check itself runs first, on the
//! same bytes, with a fixed secret and clock.
#![no_main]

use chatops_gateway::{
    commands::{parse_command_text, parse_slash, strip_command_prefix},
    platforms::slack::{
        inbound::{self, Event},
        verify,
    },
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `timestamp signature` on a first line, when there is one, so the corpus varies the
    // headers too; the rest is the body.
    let (head, body) = chatops_fuzz::header_line(data);
    let (timestamp, signature) = head.split_once(' ').unwrap_or((head, ""));
    let _ = verify::verify(
        b"fuzz-signing-secret",
        Some(timestamp),
        Some(signature),
        body,
        1_531_420_618,
    );

    inbound::is_ssl_check(body);
    if let Ok(command) = inbound::parse_slash_command(body) {
        parse_slash(strip_command_prefix("/", &command.command), &command.text);
    }
    let _ = inbound::parse_interaction(body);
    if let Ok(Event::AppMention(mention)) = inbound::parse_event(body) {
        parse_command_text(&mention.text);
    }
});
