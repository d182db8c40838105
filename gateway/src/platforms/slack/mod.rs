//! Slack: slash commands, interactivity and the Events API in; the Web API out.

pub mod dedupe;
pub mod inbound;
pub mod verify;
