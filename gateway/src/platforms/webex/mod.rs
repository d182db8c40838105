//! Webex: webhooks for `messages` and `attachmentActions` in (under
//! `/hooks/{name}/events`), verified by `X-Spark-Signature`; the REST API
//! (`https://webexapis.com/v1/`) out.
//!
//! A webhook carries no text: after [`verify`] and [`inbound::triage`] (which
//! drops the bot's own messages), the server fetches the message or the card
//! submission and reads it with [`inbound`]. Answers are markdown messages
//! and Adaptive Cards rendered by [`cards`].

pub mod cards;
pub mod client;
pub mod dispatcher;
pub mod inbound;
pub mod register;
pub mod verify;

#[cfg(test)]
mod tests;
