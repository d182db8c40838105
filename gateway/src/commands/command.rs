//! A command implementation: the built-in `chatops`, or an integration.

use std::future::Future;
use std::pin::Pin;

use super::call::Call;
use super::spec::CommandSpec;
use crate::model::Reply;

/// Why a command could not answer: its backend is unreachable, timed out, or answered
/// nonsense. The router tells the user and logs it as errored. The message is shown to the
/// user, so it must never carry a token or a URL with credentials.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CommandError(pub String);

/// What a command's `run` returns: boxed so that [`Command`] stays object-safe, `Send` so that
/// the server can run it on any worker thread.
pub type CommandFuture<'a> = Pin<Box<dyn Future<Output = Result<Reply, CommandError>> + Send + 'a>>;

/// A command implementation: the built-in `chatops`, or an integration.
///
/// The router has already checked the access grants, resolved the identity and handled help,
/// usage and unknown sub-commands before `run` is called, so `run` only ever sees a
/// sub-command of its spec. A reply at [`Level::Error`](crate::model::Level::Error) is logged as
/// failed; for missing arguments, return a prompt built with [`Call::menu`] or [`Call::form`].
pub trait Command: Send + Sync {
    /// The command's name, sub-commands and parameters.
    fn spec(&self) -> &CommandSpec;

    /// Runs `call.invocation.subcommand`.
    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a>;
}
