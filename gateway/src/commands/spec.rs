//! What a command looks like to help, access checks and prompts: its name,
//! sub-commands and parameters, and the [`Catalog`] of every command's spec.
//!
//! Apart from the implementations (`command`, `registry`), so that what a
//! command is handed when it runs (`context`, `call`) can list the commands
//! without depending on the commands themselves.

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
    /// The options, typed anywhere among the arguments as `name=value`
    /// (`width=800`); never asked for, as each has a default.
    pub options: Vec<ParamSpec>,
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
            options: Vec::new(),
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

    /// The same sub-command with one more option `name=value`.
    pub fn option(mut self, name: impl Into<String>, doc: impl Into<String>) -> Self {
        self.options.push(ParamSpec {
            name: name.into(),
            doc: doc.into(),
            optional: true,
        });
        self
    }

    /// The option `arg` gives, if it is one of this sub-command's
    /// (`width=800`: the option `width` and `800`); names match in any case.
    pub fn option_of<'s>(&self, arg: &'s str) -> Option<(&ParamSpec, &'s str)> {
        let (name, value) = arg.split_once('=')?;
        let option = self
            .options
            .iter()
            .find(|option| option.name.eq_ignore_ascii_case(name.trim()))?;
        Some((option, value.trim()))
    }
}

/// The specs of the commands served: what help and `chatops access` list.
pub trait Catalog: Send + Sync {
    /// Every command's spec, by name.
    fn specs(&self) -> Vec<&CommandSpec>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_is_a_declared_name_then_equals_in_any_case() {
        let sub = SubcommandSpec::new("get-traffic", "Traffic").option("width", "Pixels");
        let (option, value) = sub.option_of("WIDTH= 800").expect("an option");
        assert_eq!((option.name.as_str(), value), ("width", "800"));
        assert!(sub.option_of("height=800").is_none(), "not declared");
        assert!(sub.option_of("width").is_none(), "no value given");
    }
}
