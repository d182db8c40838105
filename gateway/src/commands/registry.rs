//! What commands exist, by name: the built-in `chatops` and the integrations.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::builtin::Chatops;
use super::command::Command;
use super::spec::{Catalog, CommandSpec};

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

impl Catalog for Registry {
    fn specs(&self) -> Vec<&CommandSpec> {
        Registry::specs(self).collect()
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
