//! A sub-command's arguments as integrations read them.

use crate::commands::Call;

/// What a sub-command reads of its call.
pub trait Args<'a> {
    /// The `index`th argument, if given and not blank.
    fn given(&self, index: usize) -> Option<&'a str>;
    /// The arguments from `index` on.
    fn args_from(&self, index: usize) -> &'a [String];
    /// The command as typed so far, for messages: `/nautobot get-devices`.
    fn typed(&self) -> String;
}

impl<'a> Args<'a> for Call<'a> {
    fn given(&self, index: usize) -> Option<&'a str> {
        self.arg(index).map(str::trim).filter(|arg| !arg.is_empty())
    }

    fn args_from(&self, index: usize) -> &'a [String] {
        self.invocation.arguments.get(index..).unwrap_or_default()
    }

    fn typed(&self) -> String {
        format!(
            "{}{} {}",
            self.prefix(),
            self.invocation.command,
            self.invocation.subcommand
        )
    }
}
