//! A parsed chat command: who typed what, where, and how to answer.

use chatops_crds::PlatformType;
use serde::{Deserialize, Serialize};

/// One command typed (or continued through a prompt) by a chat user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The ChatPlatform's name (the `{name}` of `/hooks/{name}/`).
    pub platform: String,
    /// Which kind of platform it is.
    pub platform_type: PlatformType,
    /// The workspace, team or tenant ID, when the platform has one.
    pub organization: Option<String>,
    /// The channel, room or conversation ID.
    pub channel: Option<String>,
    /// The chat user's ID.
    pub user: Option<String>,
    /// The chat user's display name, for messages and the audit log only.
    pub user_name: Option<String>,
    /// The command, without the platform's prefix (`nautobot`).
    pub command: String,
    /// The sub-command (`get-devices`), or empty for a bare command.
    pub subcommand: String,
    /// The arguments, already split and unquoted.
    pub arguments: Vec<String>,
    /// Where a menu prompt resumes when its choices span several pages.
    pub menu_offset: usize,
    /// How to answer.
    pub reply: ReplyContext,
}

/// Everything a platform's dispatcher needs to answer an invocation.
///
/// Each platform fills in what it has; none needs them all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplyContext {
    /// The conversation to post in: Slack channel, Teams conversation, Webex room, Mattermost channel.
    pub conversation: Option<String>,
    /// The thread to reply in (Slack `thread_ts`, Webex `parentId`, Mattermost `root_id`).
    pub thread: Option<String>,
    /// The message that carried the prompt the user answered, to replace or delete it.
    pub prompt_message: Option<String>,
    /// A URL that accepts replies for a while (Slack `response_url`).
    pub response_url: Option<String>,
    /// A short-lived handle to open a form (Slack `trigger_id`).
    pub trigger_id: Option<String>,
    /// The platform's API base for this conversation (Teams `serviceUrl`); for
    /// Mattermost, the gateway's own actions URL as the request reached it,
    /// which prompts name as their callback.
    pub service_url: Option<String>,
    /// The user private answers are shown to, where a platform needs it named.
    pub user: Option<String>,
    /// The tenant a private conversation is opened in (Teams).
    pub tenant: Option<String>,
}

/// Who the integrations see: the linked user, or the platform's fallback user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The user name (Nautobot username and the like).
    pub user: String,
    /// Whether it came from an AccountLink (false: the fallback user).
    pub linked: bool,
}

/// The state of a command being completed through prompts, carried by the
/// prompt itself (signed by the gateway) so that any replica can take the
/// next step and the user cannot forge one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continuation {
    /// The ChatPlatform the prompt was sent on.
    pub platform: String,
    /// The chat user the prompt was sent to; only they may answer it.
    pub user: String,
    /// The command.
    pub command: String,
    /// The sub-command.
    pub subcommand: String,
    /// For a form: the channel the command was typed in. An answer that comes
    /// from no channel (a Slack modal is submitted outside any) is checked
    /// against the grants as from this one: the gateway signed it, so it is
    /// where the user really was.
    pub channel: Option<String>,
    /// The arguments given so far; the answer is appended.
    pub arguments: Vec<String>,
    /// When the prompt was issued (Unix seconds); it expires after the
    /// platform's `sessionCacheTimeoutSeconds`.
    pub issued_at: u64,
}
