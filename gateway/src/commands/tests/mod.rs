//! Tests that cross the modules: routing with grants, prompts and the built-in command.

mod builtin;
mod continuation;
pub(crate) mod fixtures;
mod props;
mod router;
mod spans;
