//! Webex: the webhook body (its `X-Spark-Signature` checked first, here with
//! a fixed secret and the body's first line as the header), its triage and
//! `data.created`, then what the gateway reads back from the Webex API on
//! the same bytes: the message and its mention of the bot, the attachment
//! action and its prompt answer, the bot's own person.
#![no_main]

use chatops_gateway::{
    commands::{parse_slash, strip_command_prefix},
    platforms::webex::{
        inbound::{self, BotIdentity},
        verify,
    },
};
use libfuzzer_sys::fuzz_target;

const BOT_ID: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3QtMDAwMA";

fuzz_target!(|data: &[u8]| {
    // The `X-Spark-Signature` on a first line, when there is one; the rest is the body.
    let (head, body) = chatops_fuzz::header_line(data);
    let _ = verify::verify(
        b"made-up-webhook-secret-123",
        Some(head).filter(|h| !h.is_empty()),
        body,
    );

    if let Ok(event) = inbound::parse_webhook(body) {
        inbound::triage(&event, BOT_ID);
        let _ = verify::check_created(event.created.as_deref(), 1_700_000_000);
        if let Some(person) = &event.person_id {
            inbound::person_uuid(person);
        }
    }
    let bot = inbound::parse_person(body).unwrap_or_else(|_| BotIdentity {
        person_id: BOT_ID.to_owned(),
        names: vec!["ChatOps".to_owned(), "chatops bot".to_owned()],
    });
    if let Ok(message) = inbound::parse_message(body) {
        message.reply_context();
        // As `server::webex` reads it: the first word is the command.
        let text = inbound::command_text(&message, &bot);
        let (command, rest) = text.split_once(char::is_whitespace).unwrap_or((&text, ""));
        parse_slash(strip_command_prefix("", command), rest.trim());
    }
    if let Ok(action) = inbound::parse_attachment_action(body) {
        action.reply_context();
        let _ = inbound::prompt_answer(&action);
    }
});
