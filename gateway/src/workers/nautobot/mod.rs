//! The `nautobot` integration: Nautobot's REST API (v2) and GraphQL, called
//! with the chat user's own token when their AccountLink has one, else the
//! platform fallback user's, so Nautobot's object permissions apply to the
//! person asking.

mod client;
mod error;

pub use client::{ClientSettings, NautobotClient, Page, UserToken};
pub use error::NautobotError;
