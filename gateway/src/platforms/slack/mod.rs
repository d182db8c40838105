//! Slack: slash commands, interactivity and the Events API in, over webhooks
//! or Socket Mode; the Web API out.

pub mod blocks;
pub mod client;
pub mod dispatcher;
pub mod inbound;
pub mod socket;
pub mod verify;
