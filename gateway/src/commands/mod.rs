//! The platform-neutral command core: parse what users type, route it through the access
//! grants to a command, and carry half-finished commands through signed prompts.
//!
//! Everything here is plain functions on plain data; only [`route`] and [`route_answer`] are
//! async, because commands call backends. The HTTP server around it:
//!
//! 1. builds a [`Registry`] ([`Registry::new`] holds the built-in `chatops`; integrations are
//!    added with [`Registry::register`]) and a [`RouteContext`] per request, with the
//!    platform's key from [`derive_key`] of its [`continuation_secret`];
//! 2. parses the platform's payload into an [`Invocation`](crate::model::Invocation) with
//!    [`parse_command_text`] or [`parse_slash`] and calls [`route`], or for an answered prompt
//!    calls [`route_answer`] with the prompt's token and the chosen values;
//! 3. sends [`Routed::reply`] and writes the audit line from [`Routed::outcome`].

mod builtin;
mod call;
mod command;
mod context;
mod continuation;
mod follow_up;
mod help;
mod identity;
mod outcome;
mod parse;
mod registry;
mod router;
mod shlex;
mod spec;

#[cfg(test)]
pub(crate) mod tests;

pub use builtin::{BUILTIN_COMMAND, Chatops};
pub use call::Call;
pub use command::{Command, CommandError, CommandFuture};
pub use context::{MENU_PAGE_SIZE, RouteContext};
#[cfg(fuzzing)]
pub use continuation::sign_raw_body;
pub use continuation::{
    CANCEL_VALUE, ContinuationError, MAX_CLOCK_SKEW_SECS, MORE_PREFIX, Resumed, continuation_secret,
    derive_key, resume, sign, verify,
};
pub use follow_up::{FollowUp, FollowUpWork, FollowUps};
pub use help::{usage, usage_line};
pub use identity::{account_link, resolve_identity};
pub use outcome::Outcome;
pub use parse::{ParsedCommand, convert_smart_quotes, parse_command_text, parse_slash, strip_command_prefix};
pub use registry::{Registry, RegistryError};
pub use router::{Routed, route, route_answer};
pub use spec::{Catalog, CommandSpec, ParamSpec, SubcommandSpec};
