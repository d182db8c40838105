//! The chatops gateway: receives chat commands from the chat platforms, decides whether the
//! access grants allow them, and runs them against the integrations.

pub mod access;
pub mod audit;
pub mod commands;
pub mod config;
pub mod metrics;
pub mod model;
pub mod platforms;
pub mod runtime;
pub mod server;
pub mod shared;
pub mod workers;
