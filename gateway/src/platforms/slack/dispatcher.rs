//! Delivering replies on Slack.
//!
//! Response URLs where Slack gave one: they work even in channels the bot is
//! not a member of, and show private answers ephemerally. The Web API
//! otherwise, and for answers with files (which a response URL cannot carry).

use serde_json::{Value, json};

use super::{
    blocks::{self, RenderedMessage},
    client::SlackClient,
};
use crate::model::{Form, Menu, Message, Reply, ReplyContext};
use crate::platforms::asker::{Prompter, Warn, conversation, user};
use crate::platforms::{DispatchError, Dispatcher};

/// Errors of `chat.postMessage` in a channel the bot cannot post in.
const NOT_A_MEMBER: [&str; 2] = ["not_in_channel", "channel_not_found"];

/// The Slack dispatcher of one ChatPlatform.
#[derive(Clone, Debug)]
pub struct SlackDispatcher {
    client: SlackClient,
}

impl SlackDispatcher {
    /// A dispatcher answering through `client`.
    pub fn new(client: SlackClient) -> Self {
        SlackDispatcher { client }
    }

    /// Posts a message without files: to the response URL if there is one, else
    /// with the Web API (ephemerally when private, except in direct messages,
    /// which are private already).
    async fn post(
        &self,
        to: &ReplyContext,
        private: bool,
        text: &str,
        blocks: &[Value],
    ) -> Result<(), DispatchError> {
        if let Some(url) = &to.response_url {
            let mut body = json!({
                "text": text,
                "response_type": if private { "ephemeral" } else { "in_channel" },
                "replace_original": false,
            });
            if !blocks.is_empty() {
                body["blocks"] = Value::from(blocks.to_vec());
            }
            return self.client.respond(url, &body).await;
        }
        let channel = conversation(to, "conversation")?;
        let thread = to.thread.as_deref();
        if private && !is_user_id(channel) {
            let user = user(to)?;
            self.client
                .post_ephemeral(channel, user, thread, text, blocks)
                .await
        } else {
            self.client
                .post_message(channel, thread, text, blocks)
                .await
                .map(drop)
        }
    }

    /// Posts a message with the Web API, then its files in the same conversation and thread.
    async fn send_with_files(
        &self,
        to: &ReplyContext,
        rendered: &RenderedMessage,
    ) -> Result<(), DispatchError> {
        let channel = conversation(to, "conversation")?;
        let thread = to.thread.as_deref();
        let posted = match self
            .client
            .post_message(channel, thread, &rendered.text, &rendered.blocks)
            .await
        {
            Ok(posted) => posted,
            Err(DispatchError::Rejected { error, .. })
                if NOT_A_MEMBER.contains(&error.as_str()) && to.response_url.is_some() =>
            {
                // A slash command works in any channel, but files need the bot in it:
                // answer through the response URL and say why the files are missing.
                tracing::warn!(error, "not a member of the channel; answering without the files");
                let mut blocks = rendered.blocks.clone();
                blocks.truncate(blocks::MAX_BLOCKS - 1);
                blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text":
                    "The attached files could not be posted: this app is not a member of this channel. \
                     Invite it (`/invite @app`) and run the command again."}]}));
                return self.post(to, false, &rendered.text, &blocks).await;
            }
            Err(err) => return Err(err),
        };
        self.upload_all(&posted.channel, thread, rendered).await
    }

    /// A private answer with files: files cannot be ephemeral, so the whole answer
    /// goes to the user's direct messages with the app, and the conversation says so.
    async fn send_files_privately(
        &self,
        to: &ReplyContext,
        rendered: &RenderedMessage,
    ) -> Result<(), DispatchError> {
        let user = user(to)?;
        // Posting to a user ID opens the direct messages; Slack answers their `D…` ID.
        let posted = self
            .client
            .post_message(user, None, &rendered.text, &rendered.blocks)
            .await?;
        self.upload_all(&posted.channel, None, rendered).await?;
        if to.response_url.is_some() || to.conversation.is_some() {
            let note = "This answer has files, which Slack cannot show privately here: \
                        it is in your direct messages with this app.";
            if let Err(err) = self.post(to, true, note, &[]).await {
                tracing::warn!(error = %err, "could not say where the private answer went");
            }
        }
        Ok(())
    }

    async fn upload_all(
        &self,
        channel: &str,
        thread: Option<&str>,
        rendered: &RenderedMessage,
    ) -> Result<(), DispatchError> {
        for file in &rendered.attachments {
            self.client
                .upload_file(channel, thread, &file.file_name, &file.title, &file.bytes)
                .await?;
        }
        Ok(())
    }
}

impl Prompter for SlackDispatcher {
    async fn send_message(&self, to: &ReplyContext, message: &Message) -> Result<(), DispatchError> {
        let rendered = blocks::message(message);
        if rendered.attachments.is_empty() {
            return self
                .post(to, message.private, &rendered.text, &rendered.blocks)
                .await;
        }
        let in_direct_messages = to.conversation.as_deref().is_some_and(is_user_id);
        if message.private && !in_direct_messages {
            self.send_files_privately(to, &rendered).await
        } else {
            self.send_with_files(to, &rendered).await
        }
    }

    /// A menu, shown only to the asker.
    async fn send_menu(&self, to: &ReplyContext, menu: &Menu) -> Result<(), DispatchError> {
        let prompt = match blocks::menu(menu) {
            Ok(prompt) => prompt,
            Err(err) => return Err(self.refuse(to, err.to_string()).await),
        };
        self.post(to, true, &blocks::mrkdwn(&menu.text), &prompt).await
    }

    /// A form, as a modal: Slack opens one only in answer to a user's action,
    /// within 3 seconds, through its `trigger_id`.
    async fn send_form(&self, to: &ReplyContext, form: &Form) -> Result<(), DispatchError> {
        let view = match blocks::form(form) {
            Ok(view) => view,
            Err(err) => return Err(self.refuse(to, err.to_string()).await),
        };
        let Some(trigger_id) = to.trigger_id.as_deref() else {
            let why = "this command asks for its arguments in a form, which Slack opens only \
                       from a slash command or a button; type the arguments instead";
            return Err(self.refuse(to, why.to_owned()).await);
        };
        if let Err(err) = self.client.views_open(trigger_id, &view).await {
            let why = match &err {
                DispatchError::Rejected { error, .. } if error == "expired_trigger_id" => {
                    "the form could not be opened in the 3 seconds Slack allows".to_owned()
                }
                other => format!("the form could not be opened ({other})"),
            };
            self.tell(to, &format!("Sorry, {why}; type the arguments instead."))
                .await;
            return Err(err);
        }
        Ok(())
    }
}

/// Whether a conversation ID is a user's (`U…`, or `W…` on Enterprise Grid): posting
/// there means the user's direct messages with the app.
fn is_user_id(conversation: &str) -> bool {
    conversation.starts_with(['U', 'W'])
}

impl Dispatcher for SlackDispatcher {
    async fn send(&self, to: &ReplyContext, reply: &Reply) -> Result<(), DispatchError> {
        self.send_reply(to, reply).await
    }

    /// Deletes the answered prompt through its response URL (the only way for an
    /// ephemeral one), else with `chat.delete`; without either there is nothing to delete.
    async fn delete_prompt(&self, to: &ReplyContext) -> Result<(), DispatchError> {
        match (&to.response_url, &to.conversation, &to.prompt_message) {
            (Some(url), _, _) => self.client.respond(url, &json!({"delete_original": true})).await,
            (None, Some(channel), Some(ts)) => self.client.chat_delete(channel, ts).await,
            _ => Ok(()),
        }
    }
}
