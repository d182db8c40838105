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
use crate::model::{Level, Message, Prompt, Reply, ReplyContext};
use crate::platforms::asker::Warn;
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

impl Warn for TeamsDispatcher {
    /// In the conversation of `to`, where the prompt would have been.
    async fn warn(&self, to: &ReplyContext, text: &str) -> Result<(), DispatchError> {
        let warning = cards::message(&Message::text(Level::Warning, text));
        self.send_all(&self.target(to)?, warning).await
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
                        let note = cards::message(&Message::text(Level::Warning, NO_PRIVATE_CHAT));
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
                    Err(err) => Err(self.refuse(to, err.to_string()).await),
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
        crate::platforms::deleted_or_gone(self.client.delete_activity(service_url, conversation, card).await)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};
    use wiremock::matchers::{method, path, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::model::{Choice, Menu};
    use crate::platforms::teams::token::TokenSource;
    use crate::runtime::PlatformKind;

    const APP_ID: &str = "00000000-1111-2222-3333-444444444444";

    async fn fake() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/botframework.com/oauth2/v2.0/token"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"expires_in": 3600, "access_token": "t1"})),
            )
            .mount(&server)
            .await;
        server
    }

    fn dispatcher(server: &MockServer) -> TeamsDispatcher {
        let tokens = TokenSource::new(
            reqwest::Client::new(),
            server.uri(),
            APP_ID.to_owned(),
            "password".to_owned(),
            None,
        );
        let client = ConnectorClient::new(reqwest::Client::new(), tokens)
            .with_max_retry_wait(Duration::from_millis(10));
        TeamsDispatcher::new(client, APP_ID)
    }

    fn channel(server: &MockServer) -> ReplyContext {
        ReplyContext {
            conversation: Some("19:c@thread.skype;messageid=7".to_owned()),
            thread: Some("7".to_owned()),
            service_url: Some(format!("{}/teams/", server.uri())),
            user: Some("29:alice".to_owned()),
            tenant: Some("t1".to_owned()),
            ..Default::default()
        }
    }

    async fn posted(server: &MockServer, path_prefix: &str) -> Vec<Value> {
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.method.as_str() == "POST" && r.url.path().starts_with(path_prefix))
            .map(|r| serde_json::from_slice(&r.body).unwrap())
            .collect()
    }

    fn accept_everything() -> Mock {
        Mock::given(path_regex("^/teams/v3/conversations"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "new-1"})))
    }

    #[tokio::test]
    async fn an_answer_is_a_reply_from_the_bot_in_the_thread() {
        let server = fake().await;
        accept_everything().mount(&server).await;
        let to = channel(&server);
        dispatcher(&server)
            .send(&to, &Reply::Message(Message::text(Level::Info, "hello")))
            .await
            .unwrap();
        let sent = posted(
            &server,
            "/teams/v3/conversations/19%3Ac%40thread.skype%3Bmessageid%3D7/activities/7",
        )
        .await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0]["from"]["id"], format!("28:{APP_ID}"));
        assert_eq!(sent[0]["replyToId"], "7");
        assert_eq!(sent[0]["conversation"]["id"], "19:c@thread.skype;messageid=7");
        assert!(sent[0]["text"].as_str().unwrap().contains("hello"));
    }

    #[tokio::test]
    async fn a_private_answer_opens_a_chat_with_the_user_and_goes_there() {
        let server = fake().await;
        accept_everything().mount(&server).await;
        let to = channel(&server);
        let secret = Message::text(Level::Info, "only for alice").privately();
        dispatcher(&server)
            .send(&to, &Reply::Message(secret))
            .await
            .unwrap();
        let created = server.received_requests().await.unwrap();
        let create = created
            .iter()
            .find(|r| r.url.path() == "/teams/v3/conversations")
            .expect("a conversation was created");
        let parameters: Value = serde_json::from_slice(&create.body).unwrap();
        assert_eq!(parameters["members"], json!([{"id": "29:alice"}]));
        assert_eq!(parameters["channelData"]["tenant"]["id"], "t1");
        let private = posted(&server, "/teams/v3/conversations/new-1/activities").await;
        assert_eq!(private.len(), 1);
        assert!(
            private[0].get("replyToId").is_none(),
            "a new chat has nothing to reply to"
        );
        assert!(
            posted(&server, "/teams/v3/conversations/19").await.is_empty(),
            "nothing in the channel"
        );
    }

    #[tokio::test]
    async fn a_prompt_that_cannot_be_shown_is_explained_to_the_user() {
        let server = fake().await;
        accept_everything().mount(&server).await;
        let menu = Menu {
            text: "Which?".to_owned(),
            choices: vec![Choice::same("a")],
            next_offset: None,
            continuation: "x".repeat(10_000),
        };
        let err = dispatcher(&server)
            .send(&channel(&server), &Reply::Prompt(Prompt::Menu(menu)))
            .await
            .unwrap_err();
        assert!(matches!(err, DispatchError::Unsupported(_)));
        let told = posted(&server, "/teams/v3/conversations/19").await;
        assert!(told[0]["text"].as_str().unwrap().contains("Sorry"), "{told:?}");
    }

    #[tokio::test]
    async fn an_answered_card_is_deleted_and_one_already_gone_is_fine() {
        let server = fake().await;
        Mock::given(method("DELETE"))
            .and(path(
                "/teams/v3/conversations/19%3Ac%40thread.skype%3Bmessageid%3D7/activities/card-1",
            ))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {"code": "NotFound"}})))
            .expect(1)
            .mount(&server)
            .await;
        let mut to = channel(&server);
        to.prompt_message = Some("card-1".to_owned());
        dispatcher(&server).delete_prompt(&to).await.unwrap();
    }

    #[tokio::test]
    async fn a_command_that_takes_a_while_shows_the_typing_indicator_and_a_quick_one_does_not() {
        let server = fake().await;
        accept_everything().mount(&server).await;
        let kind = PlatformKind::Teams {
            app_id: APP_ID.to_owned(),
            issuers: Vec::new(),
            dispatcher: dispatcher(&server),
        };
        let to = channel(&server);
        // Quick: done before the first indicator is due.
        let quick = tokio::time::timeout(Duration::from_millis(100), kind.keep_typing(&to)).await;
        assert!(quick.is_err(), "keep_typing never completes");
        assert!(posted(&server, "/teams/v3/conversations").await.is_empty());
        // Slow: the indicator shows after half a second (and again only after 3 s).
        let _ = tokio::time::timeout(Duration::from_millis(2400), kind.keep_typing(&to)).await;
        let typing = posted(
            &server,
            "/teams/v3/conversations/19%3Ac%40thread.skype%3Bmessageid%3D7/activities",
        )
        .await;
        assert_eq!(typing.len(), 1, "{typing:?}");
        assert_eq!(typing[0]["type"], "typing");
        assert_eq!(typing[0]["from"]["id"], format!("28:{APP_ID}"));
    }
}
