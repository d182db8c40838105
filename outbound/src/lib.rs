//! The one way the gateway, its workers and the operator call other
//! services over HTTP.
//!
//! - [`Client`]: one `reqwest` client built from [`ClientSettings`] (timeouts,
//!   system roots plus an optional extra CA, the insecure switch, a user
//!   agent, the environment's proxy, no redirects).
//! - [`send`]: one call under a [`RetryPolicy`] (429 and chosen statuses
//!   waited out, `Retry-After` in seconds or as an HTTP date, else
//!   exponential backoff with equal jitter), traced in a span and counted in
//!   [`metrics`].
//! - [`OutboundError`]: what went wrong, never with a URL or a token in it.

mod client;
mod error;
pub mod metrics;
mod retry;
mod secret;
mod send;

pub use client::{Client, ClientSettings, user_agent};
pub use error::{OutboundError, code_or_withheld, describe, host_of};
pub use retry::{RetryPolicy, backoff, retry_after};
pub use secret::Secret;
pub use send::{Answer, send};
