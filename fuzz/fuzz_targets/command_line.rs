//! What a user typed, after the platform's payload was parsed: the
//! tokenizer (POSIX quoting, with the non-POSIX fallback on unbalanced
//! quotes), smart-quote conversion and the command prefix, as every
//! platform's server module calls them.
#![no_main]

use chatops_gateway::commands::{
    convert_smart_quotes, parse_command_text, parse_slash, strip_command_prefix,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A typed message (Teams, Webex, a Slack mention): the first word is the command.
    let parsed = parse_command_text(text);
    // Words are split on whitespace: none may be left inside the command or sub-command.
    assert!(!parsed.command.contains(char::is_whitespace));
    assert!(!parsed.subcommand.contains(char::is_whitespace));
    convert_smart_quotes(text);
    // A slash command: the command arrives apart (`/nautobot`), the text after it.
    let (command, rest) = text.split_once(' ').unwrap_or((text, ""));
    parse_slash(strip_command_prefix("nautobot", command), rest);
    parse_slash(strip_command_prefix("", command), rest);
});
