//! The platform-neutral command model: what every chat platform's inbound side
//! produces ([`Invocation`]) and what every outbound side renders ([`Reply`]).
//!
//! It was shaped against all four platforms, not Slack alone: each platform
//! module maps its own payloads onto these types and back, so commands and
//! integrations never see a platform's wire format.

mod invocation;
mod reply;

pub use invocation::{Continuation, Identity, Invocation, ReplyContext};
pub use reply::{
    Block, Choice, DataFile, Field, FieldKind, Form, Image, Level, Menu, Message, Prompt, Reply, Table,
    TextFile,
};
