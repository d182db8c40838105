//! What a command implementation receives.

use super::context::RouteContext;
use super::spec::{ParamSpec, SubcommandSpec};
use crate::model::{Choice, Field, Identity, Invocation, Reply};

/// One run of a command: the invocation, already allowed by the grants, and who it acts as.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    /// The configuration routed against.
    pub ctx: &'a RouteContext<'a>,
    /// What was typed (or completed through prompts); `invocation.menu_offset` says which page
    /// of a menu to show.
    pub invocation: &'a Invocation,
    /// The user the integrations should act as.
    pub identity: &'a Identity,
    /// The spec of the sub-command being run.
    pub spec: &'a SubcommandSpec,
}

impl<'a> Call<'a> {
    /// The `index`th positional argument, if given: options (`width=800`,
    /// see [`SubcommandSpec::option`]) do not count, wherever they are typed.
    pub fn arg(&self, index: usize) -> Option<&'a str> {
        self.positional().nth(index)
    }

    /// The positional arguments, in order, without the options.
    pub fn positional(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let spec = self.spec;
        self.invocation
            .arguments
            .iter()
            .map(String::as_str)
            .filter(move |arg| spec.option_of(arg).is_none())
    }

    /// The options typed, by the name the spec gives them, in the order
    /// typed (a later one of the same name wins where it is read).
    pub fn options(&self) -> Vec<(&'a str, &'a str)> {
        let spec = self.spec;
        self.invocation
            .arguments
            .iter()
            .filter_map(|arg| spec.option_of(arg))
            .map(|(option, value)| (option.name.as_str(), value))
            .collect()
    }

    /// The required parameters not given: one means a menu, several a form.
    pub fn missing_params(&self) -> Vec<&'a ParamSpec> {
        let given = self.positional().count();
        self.spec
            .params
            .iter()
            .skip(given)
            .filter(|param| !param.optional)
            .collect()
    }

    /// A menu for the next argument, showing the page of `choices` this call is at.
    pub fn menu(&self, text: impl Into<String>, choices: Vec<Choice>) -> Reply {
        self.ctx
            .prompt_menu(self.invocation, text, choices, self.invocation.menu_offset)
    }

    /// A form for the next arguments, one per field.
    pub fn form(&self, title: impl Into<String>, fields: Vec<Field>) -> Reply {
        self.ctx.prompt_form(self.invocation, title, fields)
    }

    /// Promises a message for later in this conversation: `work` waits for
    /// what it reports (a job's end) and writes it once the command's answer
    /// is delivered; `if_abandoned` is said instead when the gateway cannot
    /// keep the promise (too busy, or stopping).
    pub fn follow_up(
        &self,
        work: impl std::future::Future<Output = Option<crate::model::Message>> + Send + 'static,
        if_abandoned: crate::model::Message,
    ) {
        self.ctx.follow_ups.push(super::FollowUp {
            work: Box::pin(work),
            if_abandoned,
        });
    }

    /// The platform's command prefix, for messages that show commands.
    pub fn prefix(&self) -> &'a str {
        self.ctx.prefix()
    }
}
