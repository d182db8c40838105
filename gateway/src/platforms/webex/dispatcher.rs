//! Delivering replies on Webex.
//!
//! A message is one or more markdown bodies posted in order (each under
//! 7 439 bytes), then its files, one per message (multipart). Answers go to
//! the space and thread of the command; a private answer goes to the user's
//! 1:1 space with the bot (`toPersonId`: Webex has no ephemeral messages).
//! Menus and forms are Adaptive Cards posted where the command was typed;
//! their signed continuation names the user, so nobody else can answer them.

use serde_json::{Value, json};

use super::{cards, client::WebexClient};
use crate::model::{Level, Message, Prompt, Reply, ReplyContext};
use crate::platforms::asker::Warn;
use crate::platforms::{DispatchError, Dispatcher};

/// The Webex dispatcher of one ChatPlatform.
#[derive(Clone, Debug)]
pub struct WebexDispatcher {
    client: WebexClient,
}

impl WebexDispatcher {
    /// A dispatcher answering through `client`.
    pub fn new(client: WebexClient) -> Self {
        WebexDispatcher { client }
    }

    /// The API client (the server fetches messages and card actions with it).
    pub fn client(&self) -> &WebexClient {
        &self.client
    }

    async fn send_message(&self, to: &ReplyContext, message: &Message) -> Result<(), DispatchError> {
        let rendered = cards::message(message);
        for body in &rendered.bodies {
            let body = address(body, to, message.private)?;
            self.client.create_message(&body).await?;
        }
        for file in &rendered.attachments {
            let mut head = json!({});
            if !file.title.trim().is_empty() {
                head["markdown"] = Value::from(cards::markdown(&file.title));
            }
            let address = address(&head, to, message.private)?;
            self.client.create_message_with_file(&address, file).await?;
        }
        Ok(())
    }

    async fn send_card(
        &self,
        to: &ReplyContext,
        card: Result<Value, crate::platforms::PromptError>,
    ) -> Result<(), DispatchError> {
        let card = match card {
            Ok(card) => card,
            Err(err) => return Err(self.refuse(to, err.to_string()).await),
        };
        let body = address(&card, to, false)?;
        self.client.create_message(&body).await.map(drop)
    }
}

impl Warn for WebexDispatcher {
    async fn warn(&self, to: &ReplyContext, text: &str) -> Result<(), DispatchError> {
        self.send_message(to, &Message::text(Level::Warning, text).privately())
            .await
    }
}

fn address(body: &Value, to: &ReplyContext, private: bool) -> Result<Value, DispatchError> {
    cards::addressed(body, to, private)
        .ok_or_else(|| DispatchError::Unsupported("no space or person to answer".to_owned()))
}

impl Dispatcher for WebexDispatcher {
    async fn send(&self, to: &ReplyContext, reply: &Reply) -> Result<(), DispatchError> {
        match reply {
            Reply::Message(message) => self.send_message(to, message).await,
            Reply::Prompt(Prompt::Menu(menu)) => self.send_card(to, cards::menu(menu)).await,
            Reply::Prompt(Prompt::Form(form)) => self.send_card(to, cards::form(form)).await,
        }
    }

    /// Deletes the answered card's message. Already gone (404) is fine.
    async fn delete_prompt(&self, to: &ReplyContext) -> Result<(), DispatchError> {
        let Some(id) = to.prompt_message.as_deref() else {
            return Ok(());
        };
        crate::platforms::deleted_or_gone(self.client.delete_message(id).await)
    }
}
