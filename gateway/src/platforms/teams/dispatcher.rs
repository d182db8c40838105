//! Delivering replies on Microsoft Teams.
//!
//! Every activity goes through the Connector of the conversation it answers
//! (the `serviceUrl` the inbound token was bound to). A message is one or
//! more activities from [`cards::message`], posted in order as replies to
//! the command's activity (in a channel, that keeps them in the thread).
//! A private answer in a channel or group chat goes to a 1:1 chat with the
//! user, created for it (Teams has no ephemeral messages); if the user has
//! not installed the app for themselves Teams refuses, and the user is told
//! so in the channel, without the answer. Menus and forms are Adaptive Cards
//! posted where the command was typed; their signed continuation names the
//! user, so nobody else can answer them.

use serde_json::{Value, json};

use super::{cards, client::ConnectorClient};
use crate::model::{Prompt, Reply, ReplyContext};
use crate::platforms::{DispatchError, Dispatcher};

/// Told in the channel when a private answer cannot be delivered.
const NO_PRIVATE_CHAT: &str = "I could not send you the answer privately: Teams refused a 1:1 chat \
     with you. Add the app for yourself (Apps → the bot → Add), then ask again.";

/// The Teams dispatcher of one ChatPlatform.
#[derive(Clone, Debug)]
pub struct TeamsDispatcher {
    client: ConnectorClient,
    /// `from` of every activity: the bot, `28:{appId}`.
    bot_id: String,
}

/// Where one conversation's activities go.
struct Target<'a> {
    service_url: &'a str,
    conversation: String,
    /// The activity to answer (a reply keeps a channel thread together).
    reply_to: Option<&'a str>,
}

impl TeamsDispatcher {
    /// A dispatcher answering through `client` as the bot with Microsoft App ID `app_id`.
    pub fn new(client: ConnectorClient, app_id: &str) -> Self {
        TeamsDispatcher {
            client,
            bot_id: format!("28:{app_id}"),
        }
    }

    /// Shows the typing indicator in the conversation of `to` (it lasts a few
    /// seconds, or until the bot's next message).
    pub async fn typing(&self, to: &ReplyContext) -> Result<(), DispatchError> {
        let target = self.target(to)?;
        let body = self.addressed(cards::typing(), &target);
        self.client
            .send_to_conversation(target.service_url, &target.conversation, &body)
            .await
            .map(drop)
    }

    fn target<'a>(&self, to: &'a ReplyContext) -> Result<Target<'a>, DispatchError> {
        match (&to.service_url, &to.conversation) {
            (Some(service_url), Some(conversation)) => Ok(Target {
                service_url,
                conversation: conversation.clone(),
                reply_to: to.thread.as_deref(),
            }),
            _ => Err(DispatchError::Unsupported(
                "no Teams conversation to answer in".to_owned(),
            )),
        }
    }

    /// `body` with the fields the Connector expects of the bot's activities.
    fn addressed(&self, mut body: Value, target: &Target<'_>) -> Value {
        body["from"] = json!({"id": self.bot_id});
        body["conversation"] = json!({"id": target.conversation});
        if let Some(reply_to) = target.reply_to {
            body["replyToId"] = Value::from(reply_to);
        }
        body
    }

    async fn post(&self, target: &Target<'_>, body: Value) -> Result<(), DispatchError> {
        let body = self.addressed(body, target);
        match target.reply_to {
            Some(activity) => {
                self.client
                    .reply_to_activity(target.service_url, &target.conversation, activity, &body)
                    .await
            }
            None => {
                self.client
                    .send_to_conversation(target.service_url, &target.conversation, &body)
                    .await
            }
        }
        .map(drop)
    }

    /// The 1:1 chat with the user of `to`, created (or found: Teams answers
    /// with the existing one) for a private answer.
    async fn private_target<'a>(&self, to: &'a ReplyContext) -> Result<Target<'a>, DispatchError> {
        let (Some(service_url), Some(user)) = (&to.service_url, &to.user) else {
            return Err(DispatchError::Unsupported(
                "no Teams user to answer privately".to_owned(),
            ));
        };
        let mut parameters = json!({
            "bot": {"id": self.bot_id},
            "members": [{"id": user}],
            "isGroup": false,
        });
        if let Some(tenant) = &to.tenant {
            parameters["tenantId"] = Value::from(tenant.as_str());
            parameters["channelData"] = json!({"tenant": {"id": tenant}});
        }
        let conversation = self.client.create_conversation(service_url, &parameters).await?;
        Ok(Target {
            service_url,
            conversation,
            reply_to: None,
        })
    }

    async fn send_all(&self, target: &Target<'_>, bodies: Vec<Value>) -> Result<(), DispatchError> {
        for body in bodies {
            self.post(target, body).await?;
        }
        Ok(())
    }
}

impl Dispatcher for TeamsDispatcher {
    async fn send(&self, to: &ReplyContext, reply: &Reply) -> Result<(), DispatchError> {
        let target = self.target(to)?;
        match reply {
            // In a personal chat `to.user` is unset: the chat is already private.
            Reply::Message(message) if message.private && to.user.is_some() => {
                let private = match self.private_target(to).await {
                    Ok(private) => private,
                    Err(err) => {
                        tracing::warn!(error = %err, "cannot open a private Teams chat; the user is told");
                        let note = cards::message(&crate::model::Message::text(
                            crate::model::Level::Warning,
                            NO_PRIVATE_CHAT,
                        ));
                        if let Err(told) = self.send_all(&target, note).await {
                            tracing::warn!(error = %told, "could not tell the user either");
                        }
                        return Err(err);
                    }
                };
                self.send_all(&private, cards::message(message)).await
            }
            Reply::Message(message) => self.send_all(&target, cards::message(message)).await,
            Reply::Prompt(prompt) => {
                let card = match prompt {
                    Prompt::Menu(menu) => cards::menu(menu),
                    Prompt::Form(form) => cards::form(form),
                };
                match card {
                    Ok(card) => self.post(&target, card).await,
                    Err(err) => {
                        let why = err.to_string();
                        let sorry = crate::model::Message::text(
                            crate::model::Level::Warning,
                            format!("Sorry, {why}."),
                        );
                        if let Err(told) = self.send_all(&target, cards::message(&sorry)).await {
                            tracing::warn!(error = %told, "could not tell the user why the prompt failed");
                        }
                        Err(DispatchError::Unsupported(why))
                    }
                }
            }
        }
    }

    /// Deletes the answered card's message. Already gone (404) is fine.
    async fn delete_prompt(&self, to: &ReplyContext) -> Result<(), DispatchError> {
        let (Some(service_url), Some(conversation), Some(card)) =
            (&to.service_url, &to.conversation, &to.prompt_message)
        else {
            return Ok(());
        };
        match self.client.delete_activity(service_url, conversation, card).await {
            Err(DispatchError::Rejected { status: 404, .. }) => Ok(()),
            other => other,
        }
    }
}
