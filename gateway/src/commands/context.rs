//! What routing a command needs to know besides the invocation, and the prompts it signs.

use chatops_crds::config::{GatewayConfig, PlatformConfig};

use super::continuation;
use super::spec::Catalog;
use crate::access::GrantIndex;
use crate::model::{Choice, Continuation, Field, Form, Invocation, Menu, Prompt, Reply};

/// How many choices one menu page shows: Slack allows 100 options, and the dispatcher adds the
/// "next page" option to a page that has [`Menu::next_offset`].
pub const MENU_PAGE_SIZE: usize = 99;

/// The configuration and state a command is routed against, all borrowed from the current
/// (hot-reloaded) configuration, so that routing itself does no I/O.
#[derive(Clone, Copy)]
pub struct RouteContext<'a> {
    /// The whole gateway configuration (account links, integrations).
    pub config: &'a GatewayConfig,
    /// The access grants of `config`, compiled.
    pub grants: &'a GrantIndex,
    /// The commands' specs (the commands themselves are the router's).
    pub catalog: &'a dyn Catalog,
    /// The settings of the platform the invocation came in on.
    pub platform: &'a PlatformConfig,
    /// The current time, Unix seconds: stamps new prompts and expires old ones.
    pub now: u64,
    /// The platform's continuation key (see [`continuation::derive_key`]).
    pub continuation_key: [u8; 32],
    /// Where the command registers messages it promises for later.
    pub follow_ups: &'a super::FollowUps,
}

impl RouteContext<'_> {
    /// The prefix shown before command names in help (`/` by default).
    pub fn prefix(&self) -> &str {
        &self.platform.command_prefix
    }

    /// A menu for the next argument of `invocation`: the page of `choices` starting at
    /// `offset`, with a signed continuation that resumes `invocation` with the chosen value.
    ///
    /// An offset past the end starts over at the first page.
    pub fn prompt_menu(
        &self,
        invocation: &Invocation,
        text: impl Into<String>,
        mut choices: Vec<Choice>,
        offset: usize,
    ) -> Reply {
        let offset = if offset < choices.len() { offset } else { 0 };
        let end = choices.len().min(offset + MENU_PAGE_SIZE);
        let next_offset = (end < choices.len()).then_some(end);
        choices.truncate(end);
        choices.drain(..offset);
        Reply::Prompt(Prompt::Menu(Menu {
            text: text.into(),
            choices,
            next_offset,
            continuation: self.continuation(invocation),
        }))
    }

    /// A form for the next arguments of `invocation`, one per field in order, with a signed
    /// continuation that resumes `invocation` with the values.
    pub fn prompt_form(
        &self,
        invocation: &Invocation,
        title: impl Into<String>,
        fields: Vec<Field>,
    ) -> Reply {
        Reply::Prompt(Prompt::Form(Form {
            title: title.into(),
            fields,
            continuation: self.sign(invocation, invocation.channel.clone()),
        }))
    }

    /// The signed state of `invocation`, issued now to its user.
    ///
    /// Without the channel: a menu is answered in the channel it was posted
    /// in, and its continuation must fit Slack's 255-character `action_id`.
    /// Forms carry it ([`RouteContext::prompt_form`]), as a Slack modal is
    /// submitted from no channel.
    pub fn continuation(&self, invocation: &Invocation) -> String {
        self.sign(invocation, None)
    }

    fn sign(&self, invocation: &Invocation, channel: Option<String>) -> String {
        let state = Continuation {
            platform: invocation.platform.clone(),
            user: invocation.user.clone().unwrap_or_default(),
            command: invocation.command.clone(),
            subcommand: invocation.subcommand.clone(),
            channel,
            arguments: invocation.arguments.clone(),
            issued_at: self.now,
        };
        continuation::sign(&state, &self.continuation_key)
    }
}
