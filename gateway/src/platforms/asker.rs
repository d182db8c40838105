//! What the platforms share about the person who asked: who and where they
//! are, as a webhook reads it ([`Asker`]), where an answer goes, and telling
//! them why a prompt cannot be shown. Slack's and Mattermost's dispatchers
//! implement [`Prompter`] (a method for each kind of reply) to get the one way
//! a reply is told apart; every dispatcher refuses a prompt through [`Warn`].

use chatops_crds::PlatformType;

use crate::commands::ParsedCommand;
use crate::model::{Form, Invocation, Level, Menu, Message, Prompt, Reply, ReplyContext};
use crate::platforms::DispatchError;

/// Who asked (or answered a prompt), and where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Asker {
    /// The workspace or team, when the platform names one.
    pub organization: Option<String>,
    /// The channel, when there is one (a modal is submitted outside any).
    pub channel: Option<String>,
    /// The chat user's ID.
    pub user: String,
    /// Their display name, for messages and the audit log only.
    pub user_name: Option<String>,
}

impl Asker {
    /// The invocation of `parsed` on the platform `name`, answered through
    /// `reply`. For an answer to a prompt `parsed` is empty: the command comes
    /// from the continuation.
    pub fn invocation(
        self,
        name: &str,
        platform_type: PlatformType,
        parsed: ParsedCommand,
        reply: ReplyContext,
    ) -> Invocation {
        Invocation {
            platform: name.to_owned(),
            platform_type,
            organization: self.organization,
            channel: self.channel,
            user: Some(self.user),
            user_name: self.user_name,
            command: parsed.command,
            subcommand: parsed.subcommand,
            arguments: parsed.arguments,
            menu_offset: 0,
            reply,
        }
    }
}

/// The conversation to answer in, or why there is none (`noun` is what the
/// platform calls it: "conversation", "channel").
pub fn conversation<'a>(to: &'a ReplyContext, noun: &str) -> Result<&'a str, DispatchError> {
    to.conversation
        .as_deref()
        .ok_or_else(|| DispatchError::Unsupported(format!("no {noun} to answer in")))
}

/// The asker, to show a private answer to.
pub fn user(to: &ReplyContext) -> Result<&str, DispatchError> {
    to.user
        .as_deref()
        .ok_or_else(|| DispatchError::Unsupported("no user to show a private answer to".to_owned()))
}

/// A dispatcher that sends each kind of reply its own way; its
/// [`crate::platforms::Dispatcher::send`] is [`Self::send_reply`].
pub(crate) trait Prompter: Sync {
    /// Sends a message.
    fn send_message(
        &self,
        to: &ReplyContext,
        message: &Message,
    ) -> impl Future<Output = Result<(), DispatchError>> + Send;

    /// Shows a menu to the asker.
    fn send_menu(
        &self,
        to: &ReplyContext,
        menu: &Menu,
    ) -> impl Future<Output = Result<(), DispatchError>> + Send;

    /// Asks for a form's fields.
    fn send_form(
        &self,
        to: &ReplyContext,
        form: &Form,
    ) -> impl Future<Output = Result<(), DispatchError>> + Send;

    /// Sends `reply` by its kind.
    fn send_reply(
        &self,
        to: &ReplyContext,
        reply: &Reply,
    ) -> impl Future<Output = Result<(), DispatchError>> + Send {
        async move {
            match reply {
                Reply::Message(message) => self.send_message(to, message).await,
                Reply::Prompt(Prompt::Menu(menu)) => self.send_menu(to, menu).await,
                Reply::Prompt(Prompt::Form(form)) => self.send_form(to, form).await,
            }
        }
    }
}

/// A dispatcher that can warn the asker privately, to say why a prompt
/// cannot be shown.
pub(crate) trait Warn {
    /// Posts `text` as a warning only the asker sees.
    async fn warn(&self, to: &ReplyContext, text: &str) -> Result<(), DispatchError>;

    /// [`Self::warn`]; a failure is logged, as there is no one left to tell.
    async fn tell(&self, to: &ReplyContext, text: &str) {
        if let Err(err) = self.warn(to, text).await {
            tracing::warn!(error = %err, "could not tell the user why the prompt failed");
        }
    }

    /// Tells the asker why their prompt cannot be shown, and returns the error to report.
    async fn refuse(&self, to: &ReplyContext, why: String) -> DispatchError {
        self.tell(to, &format!("Sorry, {why}.")).await;
        DispatchError::Unsupported(why)
    }
}

/// A [`Prompter`] warns with a private warning message.
impl<T: Prompter> Warn for T {
    async fn warn(&self, to: &ReplyContext, text: &str) -> Result<(), DispatchError> {
        let warning = Message::text(Level::Warning, text).privately();
        self.send_message(to, &warning).await
    }
}
