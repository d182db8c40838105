//! Slack: slash commands, interactivity and the Events API in; the Web API out.

pub mod blocks;
pub mod client;
pub mod dispatcher;
pub mod inbound;
pub mod verify;
