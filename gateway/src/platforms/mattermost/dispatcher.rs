//! Delivering replies on Mattermost.
//!
//! A slash command's response URL where there is one: it answers in any
//! channel and shows private answers ephemerally without special permissions.
//! The API v4 otherwise (after a button, menu or dialog), and for answers with
//! files, which a response URL cannot carry: upload (`POST /api/v4/files`),
//! then post with the `file_ids`, at most 10 per post. A private answer without
//! a response URL is an ephemeral post (the bot needs `create_post_ephemeral`);
//! a private answer with files goes to the user's direct messages with the bot.

use serde_json::{Map, Value};

use super::{
    client::MattermostClient,
    render::{self, PromptSigner, RenderedMessage},
    verify,
};
use crate::model::{Form, Menu, Message, Reply, ReplyContext};
use crate::platforms::asker::{Prompter, Warn, conversation, user};
use crate::platforms::{DispatchError, Dispatcher};

/// Files Mattermost attaches to one post.
pub const MAX_FILES_PER_POST: usize = 10;

/// The Mattermost dispatcher of one ChatPlatform.
#[derive(Clone, Debug)]
pub struct MattermostDispatcher {
    client: MattermostClient,
    key: [u8; 32],
    actions_url: Option<String>,
}

impl MattermostDispatcher {
    /// A dispatcher answering through `client`, signing prompt contexts with
    /// `key`; prompts call back to `actions_url` (`…/hooks/{name}/actions`),
    /// or when it is unset to the one the inbound request gave
    /// ([`ReplyContext::service_url`]).
    pub fn new(client: MattermostClient, key: [u8; 32], actions_url: Option<String>) -> Self {
        MattermostDispatcher {
            client,
            key,
            actions_url,
        }
    }

    /// Posts a message without files: to the response URL if there is one,
    /// else with the API (ephemerally when private).
    async fn post(
        &self,
        to: &ReplyContext,
        private: bool,
        message: &str,
        props: Option<&Value>,
    ) -> Result<(), DispatchError> {
        if let Some(url) = &to.response_url {
            let mut body = Map::new();
            body.insert(
                "response_type".into(),
                if private { "ephemeral" } else { "in_channel" }.into(),
            );
            body.insert("text".into(), message.into());
            // A command response takes `attachments` at its top level, as a post's props hold them.
            if let Some(Value::Object(props)) = props {
                body.extend(props.clone());
            }
            return self.client.respond(url, &Value::Object(body)).await;
        }
        let channel = conversation(to, "channel")?;
        let thread = to.thread.as_deref();
        if private {
            let body = render::create_ephemeral_post(user(to)?, channel, thread, message, props);
            self.client.create_ephemeral_post(&body).await
        } else {
            let body = render::create_post(channel, thread, message, props, &[]);
            self.client.create_post(&body).await.map(drop)
        }
    }

    /// Uploads the files into `channel`, then posts the message with the first
    /// ten and further posts with the rest.
    async fn post_with_files(
        &self,
        channel: &str,
        thread: Option<&str>,
        rendered: &RenderedMessage,
    ) -> Result<(), DispatchError> {
        let mut ids = Vec::with_capacity(rendered.files.len());
        for file in &rendered.files {
            ids.push(self.client.upload_file(channel, file).await?);
        }
        for (index, chunk) in ids.chunks(MAX_FILES_PER_POST).enumerate() {
            let message = if index == 0 { rendered.message.as_str() } else { "" };
            let body = render::create_post(channel, thread, message, None, chunk);
            self.client.create_post(&body).await?;
        }
        Ok(())
    }

    /// Files cannot be ephemeral: the whole answer goes to the user's direct
    /// messages with the bot, and the conversation says so.
    async fn send_files_privately(
        &self,
        to: &ReplyContext,
        rendered: &RenderedMessage,
    ) -> Result<(), DispatchError> {
        let user = user(to)?;
        let me = self.client.me().await?;
        let direct = self.client.direct_channel(&me, user).await?;
        self.post_with_files(&direct, None, rendered).await?;
        if to.conversation.as_deref() != Some(direct.as_str()) {
            let note = "This answer has files, which Mattermost cannot show privately here: \
                        it is in your direct messages with this bot.";
            if let Err(err) = self.post(to, true, note, None).await {
                tracing::warn!(error = %err, "could not say where the private answer went");
            }
        }
        Ok(())
    }

    /// What signs a new prompt for `user`, calling back to `url`, with its `nonce`.
    fn signer<'a>(&'a self, url: &'a str, user: &'a str, nonce: &'a str) -> PromptSigner<'a> {
        PromptSigner {
            key: &self.key,
            url,
            user,
            nonce,
        }
    }

    /// Where prompts call back, or why there is nowhere.
    fn actions_url<'a>(&'a self, to: &'a ReplyContext) -> Option<&'a str> {
        self.actions_url.as_deref().or(to.service_url.as_deref())
    }
}

impl Prompter for MattermostDispatcher {
    async fn send_message(&self, to: &ReplyContext, message: &Message) -> Result<(), DispatchError> {
        let rendered = render::message(message);
        if rendered.files.is_empty() {
            return self.post(to, message.private, &rendered.message, None).await;
        }
        if message.private {
            self.send_files_privately(to, &rendered).await
        } else {
            let channel = conversation(to, "channel")?;
            self.post_with_files(channel, to.thread.as_deref(), &rendered)
                .await
        }
    }

    /// A menu, shown only to the asker: an empty post whose props hold the signed select.
    async fn send_menu(&self, to: &ReplyContext, menu: &Menu) -> Result<(), DispatchError> {
        let (Some(url), Some(user)) = (self.actions_url(to), to.user.as_deref()) else {
            let why = "this command asks for its arguments in a menu, which needs the gateway's \
                       public URL; type the arguments instead";
            return Err(self.refuse(to, why.to_owned()).await);
        };
        let props = match render::menu(menu, &self.signer(url, user, &verify::new_nonce())) {
            Ok(props) => props,
            Err(err) => return Err(self.refuse(to, err.to_string()).await),
        };
        self.post(to, true, "", Some(&props)).await
    }

    /// A form, as an interactive dialog: Mattermost opens one only in answer to
    /// a user's command or action, through its `trigger_id`, within 30 s.
    async fn send_form(&self, to: &ReplyContext, form: &Form) -> Result<(), DispatchError> {
        let (Some(url), Some(user), Some(trigger_id)) =
            (self.actions_url(to), to.user.as_deref(), to.trigger_id.as_deref())
        else {
            let why = "this command asks for its arguments in a form, which Mattermost opens only \
                       from a slash command or a button; type the arguments instead";
            return Err(self.refuse(to, why.to_owned()).await);
        };
        let dialog = match render::dialog(form, &self.signer(url, user, &verify::new_nonce())) {
            Ok(dialog) => dialog,
            Err(err) => return Err(self.refuse(to, err.to_string()).await),
        };
        let body = render::open_dialog(trigger_id, url, dialog);
        if let Err(err) = self.client.open_dialog(&body).await {
            self.tell(
                to,
                &format!("Sorry, the form could not be opened ({err}); type the arguments instead."),
            )
            .await;
            return Err(err);
        }
        Ok(())
    }
}

impl Dispatcher for MattermostDispatcher {
    async fn send(&self, to: &ReplyContext, reply: &Reply) -> Result<(), DispatchError> {
        self.send_reply(to, reply).await
    }

    /// Deletes the answered prompt's post. An ephemeral prompt is not stored
    /// (404): the actions endpoint already replaced it in its answer.
    async fn delete_prompt(&self, to: &ReplyContext) -> Result<(), DispatchError> {
        let Some(post_id) = to.prompt_message.as_deref() else {
            return Ok(());
        };
        crate::platforms::deleted_or_gone(self.client.delete_post(post_id).await)
    }
}
