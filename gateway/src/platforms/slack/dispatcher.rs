//! Delivering replies on Slack: response URLs where Slack gave one (they work
//! even where the bot is not a channel member), the Web API otherwise.

use serde_json::{Value, json};

use super::{blocks, client::SlackClient};
use crate::model::{Message, Prompt, Reply, ReplyContext};
use crate::platforms::{DispatchError, Dispatcher};

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

    async fn send_message(&self, to: &ReplyContext, message: &Message) -> Result<(), DispatchError> {
        let rendered = blocks::message(message);
        let mut body = json!({"text": rendered.text, "blocks": rendered.blocks});
        match (&to.response_url, message.private) {
            (Some(url), private) => {
                body["response_type"] = Value::from(if private { "ephemeral" } else { "in_channel" });
                body["replace_original"] = Value::from(false);
                self.client.respond(url, &body).await?;
            }
            (None, true) => {
                let (channel, user) = channel_and_user(to)?;
                body["channel"] = Value::from(channel);
                body["user"] = Value::from(user);
                thread(&mut body, to);
                self.client.call("chat.postEphemeral", &body).await?;
            }
            (None, false) => {
                body["channel"] = Value::from(conversation(to)?);
                thread(&mut body, to);
                self.client.call("chat.postMessage", &body).await?;
            }
        }
        for upload in &rendered.uploads {
            self.client
                .upload(conversation(to)?, to.thread.as_deref(), upload)
                .await?;
        }
        Ok(())
    }

    async fn send_prompt(&self, to: &ReplyContext, prompt: &Prompt) -> Result<(), DispatchError> {
        let unsupported = |err: blocks::PromptTooLong| DispatchError::Unsupported(err.to_string());
        match prompt {
            Prompt::Menu(menu) => {
                let blocks = blocks::menu(menu).map_err(unsupported)?;
                let mut body = json!({"text": menu.text, "blocks": blocks});
                // Only the asker sees the menu.
                if let Some(url) = &to.response_url {
                    body["response_type"] = Value::from("ephemeral");
                    body["replace_original"] = Value::from(false);
                    self.client.respond(url, &body).await
                } else {
                    let (channel, user) = channel_and_user(to)?;
                    body["channel"] = Value::from(channel);
                    body["user"] = Value::from(user);
                    thread(&mut body, to);
                    self.client.call("chat.postEphemeral", &body).await.map(drop)
                }
            }
            Prompt::Form(form) => {
                let view = blocks::form(form).map_err(unsupported)?;
                let trigger_id = to
                    .trigger_id
                    .as_deref()
                    .ok_or_else(|| DispatchError::Unsupported("a form needs a trigger_id".to_owned()))?;
                self.client
                    .call("views.open", &json!({"trigger_id": trigger_id, "view": view}))
                    .await
                    .map(drop)
            }
        }
    }
}

fn conversation(to: &ReplyContext) -> Result<&str, DispatchError> {
    to.conversation
        .as_deref()
        .ok_or_else(|| DispatchError::Unsupported("no channel to answer in".to_owned()))
}

fn channel_and_user(to: &ReplyContext) -> Result<(&str, &str), DispatchError> {
    let user = to
        .user
        .as_deref()
        .ok_or_else(|| DispatchError::Unsupported("no user to answer privately".to_owned()))?;
    Ok((conversation(to)?, user))
}

fn thread(body: &mut Value, to: &ReplyContext) {
    if let Some(thread_ts) = &to.thread {
        body["thread_ts"] = Value::from(thread_ts.as_str());
    }
}

impl Dispatcher for SlackDispatcher {
    async fn send(&self, to: &ReplyContext, reply: &Reply) -> Result<(), DispatchError> {
        match reply {
            Reply::Message(message) => self.send_message(to, message).await,
            Reply::Prompt(prompt) => self.send_prompt(to, prompt).await,
        }
    }

    async fn delete_prompt(&self, to: &ReplyContext) -> Result<(), DispatchError> {
        match &to.response_url {
            Some(url) => self.client.respond(url, &json!({"delete_original": true})).await,
            None => Ok(()),
        }
    }
}
