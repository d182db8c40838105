//! What commands exist: their specs (for help, access checks and prompts) and their
//! implementations, by name.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::builtin::Chatops;
use super::call::Call;
use crate::model::Reply;

/// A command as help and access checks see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    /// The name typed after the prefix (`nautobot`); no hyphens or whitespace.
    pub name: String,
    /// One line for the command list.
    pub doc: String,
    /// The sub-commands, in the order help lists them.
    pub subcommands: Vec<SubcommandSpec>,
}

/// One sub-command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubcommandSpec {
    /// The name (`get-devices`); hyphens allowed, no whitespace.
    pub name: String,
    /// One line for the sub-command list and usage.
    pub doc: String,
    /// The positional parameters, in order.
    pub params: Vec<ParamSpec>,
}

/// One positional parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name shown in usage (`filter-type`).
    pub name: String,
    /// What it is, for forms.
    pub doc: String,
    /// Whether the command runs without it rather than prompting for it.
    pub optional: bool,
}

impl CommandSpec {
    /// A command without sub-commands yet.
    pub fn new(name: impl Into<String>, doc: impl Into<String>) -> Self {
        CommandSpec {
            name: name.into(),
            doc: doc.into(),
            subcommands: Vec::new(),
        }
    }

    /// The same command with one more sub-command.
    pub fn with(mut self, subcommand: SubcommandSpec) -> Self {
        self.subcommands.push(subcommand);
        self
    }

    /// The sub-command called `name`.
    pub fn subcommand(&self, name: &str) -> Option<&SubcommandSpec> {
        self.subcommands.iter().find(|sub| sub.name == name)
    }
}

impl SubcommandSpec {
    /// A sub-command without parameters yet.
    pub fn new(name: impl Into<String>, doc: impl Into<String>) -> Self {
        SubcommandSpec {
            name: name.into(),
            doc: doc.into(),
            params: Vec::new(),
        }
    }

    /// The same sub-command with one more required parameter.
    pub fn param(mut self, name: impl Into<String>, doc: impl Into<String>) -> Self {
        self.params.push(ParamSpec {
            name: name.into(),
            doc: doc.into(),
            optional: false,
        });
        self
    }

    /// The same sub-command with one more optional parameter.
    pub fn optional_param(mut self, name: impl Into<String>, doc: impl Into<String>) -> Self {
        self.params.push(ParamSpec {
            name: name.into(),
            doc: doc.into(),
            optional: true,
        });
        self
    }
}

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

/// Why a command could not be registered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// Another command has the name already.
    #[error("the command {0:?} is registered already")]
    Duplicate(String),
    /// A command name must be non-empty, without hyphens (the first hyphen separates the
    /// sub-command) or whitespace.
    #[error("{0:?} is not a valid command name")]
    InvalidName(String),
    /// A sub-command name must be non-empty, without whitespace, and unique in its command.
    #[error("the command {command:?} has an invalid or repeated sub-command {subcommand:?}")]
    InvalidSubcommand {
        /// The command.
        command: String,
        /// The offending sub-command.
        subcommand: String,
    },
}

/// The commands, by name. The built-in `chatops` is always there.
#[derive(Clone)]
pub struct Registry {
    commands: BTreeMap<String, Arc<dyn Command>>,
}

impl Registry {
    /// A registry with the built-in `chatops` command only.
    pub fn new() -> Self {
        let mut registry = Registry {
            commands: BTreeMap::new(),
        };
        registry
            .register(Arc::new(Chatops::new()))
            .expect("the built-in command is valid");
        registry
    }

    /// Adds `command` under its spec's name.
    pub fn register(&mut self, command: Arc<dyn Command>) -> Result<(), RegistryError> {
        let spec = command.spec();
        let name = &spec.name;
        if name.is_empty() || name.contains('-') || name.contains(char::is_whitespace) {
            return Err(RegistryError::InvalidName(name.clone()));
        }
        for (i, sub) in spec.subcommands.iter().enumerate() {
            let repeated = spec.subcommands[..i].iter().any(|other| other.name == sub.name);
            if sub.name.is_empty() || sub.name.contains(char::is_whitespace) || repeated {
                return Err(RegistryError::InvalidSubcommand {
                    command: name.clone(),
                    subcommand: sub.name.clone(),
                });
            }
        }
        if self.commands.contains_key(name) {
            return Err(RegistryError::Duplicate(name.clone()));
        }
        self.commands.insert(name.clone(), command);
        Ok(())
    }

    /// The command called `name`.
    pub fn get(&self, name: &str) -> Option<&dyn Command> {
        self.commands.get(name).map(|command| &**command)
    }

    /// The commands' specs, by name.
    pub fn specs(&self) -> impl Iterator<Item = &CommandSpec> {
        self.commands.values().map(|command| command.spec())
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.commands.keys()).finish()
    }
}
