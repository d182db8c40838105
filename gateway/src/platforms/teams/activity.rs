//! Reading a Bot Framework activity, already admitted by its token
//! ([`super::verify`]), into plain Teams-shaped data.
//!
//! Only what the gateway uses is read: who wrote (the AAD object id, which
//! AccountLinks match), where (tenant, team, channel, conversation), the text
//! without the bot's mention, and a card submission's `value`. [`triage`]
//! says what to do with an activity; everything that is not a command or an
//! answer to one of our prompts (members added, reactions, typing, installs)
//! is acknowledged and dropped.

use serde::Deserialize;
use serde_json::Value;

use crate::platforms::json::{self, Text};
use crate::platforms::rendering::unescape_html;

use crate::model::ReplyContext;

/// The `channelId` of activities from Microsoft Teams.
pub const TEAMS_CHANNEL_ID: &str = "msteams";
/// The invoke of an Adaptive Card `Action.Execute` (Universal Actions).
pub const CARD_ACTION_INVOKE: &str = "adaptiveCard/action";

/// Why an admitted body could not be read. Short reasons, safe to answer with
/// (as a 400) or to log: none echoes the body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not a JSON object.
    #[error("the body is not a JSON activity")]
    NotJson,
    /// A field the gateway needs is missing or empty.
    #[error("the activity has no {0}")]
    Missing(&'static str),
}

/// An activity's fields that the gateway uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    /// `type`: `message`, `invoke`, `conversationUpdate`, …
    pub activity_type: String,
    /// `name` of an invoke.
    pub name: Option<String>,
    /// `id`: the activity to reply to.
    pub id: Option<String>,
    /// `serviceUrl`: the Connector to answer through (bound to the token).
    pub service_url: String,
    /// `channelId`: `msteams` for Teams.
    pub channel_id: String,
    /// `from.id`: the user's Teams id (`29:…`), which the Connector addresses.
    pub from_id: String,
    /// `from.name`.
    pub from_name: Option<String>,
    /// `from.aadObjectId`: the user's Entra object id, stable across chats.
    pub aad_object_id: Option<String>,
    /// `conversation.id`.
    pub conversation_id: String,
    /// `conversation.conversationType`: `personal`, `groupChat` or `channel`.
    pub conversation_type: Option<String>,
    /// The tenant: `conversation.tenantId`, else `channelData.tenant.id`.
    pub tenant: Option<String>,
    /// `channelData.team.id`, in a team's channel.
    pub team: Option<String>,
    /// `channelData.channel.id`, in a team's channel.
    pub channel: Option<String>,
    /// `recipient.id`: the bot (`28:{appId}`).
    pub recipient_id: Option<String>,
    /// `text`, as sent.
    pub text: String,
    /// The `text` of each mention of the bot (`<at>Bot</at>`), from `entities`.
    pub bot_mentions: Vec<String>,
    /// `value`: a card submission's data and inputs, or an invoke's payload.
    pub value: Option<Value>,
    /// `replyToId`: for a card submission, the message that carried the card.
    pub reply_to_id: Option<String>,
}

/// Reads an activity.
pub fn parse(body: &[u8]) -> Result<Activity, ParseError> {
    let wire: wire::Activity = json::object(body).ok_or(ParseError::NotJson)?;
    let (from, conversation) = (wire.from.or_empty(), wire.conversation.or_empty());
    let channel_data = wire.channel_data.or_empty();
    let recipient_id = wire.recipient.or_empty().id.into_option();
    let bot_mentions = wire
        .entities
        .0
        .into_iter()
        // A mention of the bot, not of a person named in the command.
        .filter(|e| e.kind.get() == Some("mention"))
        .filter(|e| {
            recipient_id.is_some()
                && e.mentioned.0.as_ref().and_then(|m| m.id.get()) == recipient_id.as_deref()
        })
        .filter_map(|e| e.text.into_option())
        .collect();
    Ok(Activity {
        activity_type: required(wire.kind, "type")?,
        name: wire.name.into_option(),
        id: wire.id.into_option(),
        service_url: required(wire.service_url, "serviceUrl")?,
        channel_id: required(wire.channel_id, "channelId")?,
        from_id: required(from.id, "from.id")?,
        from_name: from.name.into_option(),
        aad_object_id: from.aad_object_id.into_option(),
        conversation_id: required(conversation.id, "conversation.id")?,
        conversation_type: conversation.conversation_type.into_option(),
        tenant: conversation
            .tenant_id
            .or(channel_data.tenant.or_empty().id)
            .into_option(),
        team: channel_data.team.or_empty().id.into_option(),
        channel: channel_data.channel.or_empty().id.into_option(),
        recipient_id,
        text: wire.text.into_option().unwrap_or_default(),
        bot_mentions,
        value: wire.value,
        reply_to_id: wire.reply_to_id.into_option(),
    })
}

/// What to do with an activity.
#[derive(Clone, Debug, PartialEq)]
pub enum Triage {
    /// A typed command: the text without the bot's mention.
    Command(String),
    /// An `Action.Submit` of a card: the submitted data and inputs.
    Submit(Value),
    /// An `Action.Execute` (`adaptiveCard/action` invoke): its data and
    /// inputs; the HTTP answer must be an invoke response.
    Execute(Value),
    /// Nothing to run; acknowledged and dropped.
    Ignore(&'static str),
}

/// Says what `activity` asks for.
pub fn triage(activity: &Activity) -> Triage {
    match activity.activity_type.as_str() {
        "message" => {
            // Object `data` of an Action.Submit arrives as `value`, with no text.
            if let Some(value @ Value::Object(_)) = &activity.value {
                return Triage::Submit(value.clone());
            }
            let text = command_text(activity);
            if text.is_empty() {
                Triage::Ignore("an empty message")
            } else {
                Triage::Command(text)
            }
        }
        "invoke" if activity.name.as_deref() == Some(CARD_ACTION_INVOKE) => {
            let invoke = activity.value.clone().map(wire::CardActionInvoke::deserialize);
            let data = invoke
                .and_then(Result::ok)
                .and_then(|invoke| invoke.action.0?.data);
            match data {
                Some(data @ Value::Object(_)) => Triage::Execute(data),
                _ => Triage::Ignore("a card action without data"),
            }
        }
        "invoke" => Triage::Ignore("an invoke the gateway does not handle"),
        _ => Triage::Ignore("not a message"),
    }
}

/// The message's text with the bot's mentions removed, entities decoded and
/// whitespace (including Teams' non-breaking spaces) collapsed to single spaces.
pub fn command_text(activity: &Activity) -> String {
    let mut text = activity.text.clone();
    for mention in &activity.bot_mentions {
        text = text.replace(mention.as_str(), " ");
    }
    let text = unescape_html(&text.replace("&nbsp;", " "));
    text.split(|c: char| c.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Activity {
    /// The user grants and AccountLinks name: the AAD object id, else the Teams id.
    pub fn user(&self) -> String {
        self.aad_object_id.clone().unwrap_or_else(|| self.from_id.clone())
    }

    /// The channel grants name: the team channel's id, which stays the same
    /// for every thread in it (the conversation id of a channel message names
    /// the thread, `…;messageid=…`); in chats, the conversation id.
    pub fn grant_channel(&self) -> String {
        self.channel
            .clone()
            .unwrap_or_else(|| self.conversation_id.clone())
    }

    /// A personal (1:1) chat with the bot.
    pub fn is_personal(&self) -> bool {
        self.conversation_type.as_deref() == Some("personal")
    }

    /// Where and how to answer: a reply to this activity in its conversation,
    /// through its `serviceUrl`; a private answer goes to `from.id` in `tenant`.
    pub fn reply_context(&self) -> ReplyContext {
        ReplyContext {
            conversation: Some(self.conversation_id.clone()),
            thread: self.id.clone(),
            prompt_message: self.reply_to_id.clone(),
            service_url: Some(self.service_url.clone()),
            // A personal chat is already private: no second conversation needed.
            user: (!self.is_personal()).then(|| self.from_id.clone()),
            tenant: self.tenant.clone(),
            ..Default::default()
        }
    }
}

/// A required field: [`ParseError::Missing`] naming it when absent.
fn required(text: Text, name: &'static str) -> Result<String, ParseError> {
    text.into_option().ok_or(ParseError::Missing(name))
}

mod wire;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn vector(name: &str) -> Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testkit/vectors/teams.json");
        let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        vectors["inbound"]
            .as_array()
            .unwrap()
            .iter()
            .find(|case| case["name"] == name)
            .unwrap()["activity"]
            .clone()
    }

    fn parsed(activity: &Value) -> Activity {
        parse(activity.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn the_vector_message_is_a_command_without_the_mention_mapped_for_grants() {
        let activity = parsed(&vector("valid_message_with_mention"));
        assert_eq!(triage(&activity), Triage::Command("deploy api prod".to_owned()));
        assert_eq!(activity.user(), "7faf8ab2-3d56-4244-b585-20c8a42ed2b8");
        assert_eq!(
            activity.tenant.as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(
            activity.grant_channel(),
            "19:693ecdb923ac4458a5c23661b505fc84@thread.skype"
        );
        let reply = activity.reply_context();
        assert_eq!(
            reply.conversation.as_deref(),
            Some("19:693ecdb923ac4458a5c23661b505fc84@thread.skype;messageid=1485983408511")
        );
        assert_eq!(reply.thread.as_deref(), Some("1485983408511"));
        assert_eq!(
            reply.service_url.as_deref(),
            Some("https://smba.trafficmanager.net/teams/")
        );
        assert!(
            reply.user.as_deref().unwrap().starts_with("29:"),
            "a channel answer can go private"
        );
    }

    #[test]
    fn the_vector_card_submit_is_a_submission_of_its_value() {
        let activity = parsed(&vector("valid_adaptive_card_submit"));
        assert_eq!(
            triage(&activity),
            Triage::Submit(json!({"action": "approve", "deployId": "42", "comment": "lgtm"}))
        );
        assert_eq!(
            activity.reply_context().prompt_message.as_deref(),
            Some("1575667808184")
        );
    }

    #[test]
    fn only_the_bots_mention_is_removed_and_whitespace_is_collapsed() {
        let mut value = vector("valid_message_with_mention");
        value["text"] = json!("<at>ChatOps Bot</at>&nbsp;nautobot  get-devices <at>Megan</at>\n");
        value["entities"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "mention", "text": "<at>Megan</at>", "mentioned": {"id": "29:megan"}}));
        assert_eq!(
            command_text(&parsed(&value)),
            "nautobot get-devices <at>Megan</at>"
        );
    }

    #[test]
    fn a_personal_chat_uses_the_conversation_and_needs_no_second_one_for_private_answers() {
        let mut value = vector("valid_message_with_mention");
        value["conversation"] = json!({"conversationType": "personal", "tenantId": "t1", "id": "a:1xyz"});
        value["channelData"] = json!({"tenant": {"id": "t1"}});
        value["text"] = json!("chatops whoami");
        let activity = parsed(&value);
        assert_eq!(activity.grant_channel(), "a:1xyz");
        assert_eq!(activity.reply_context().user, None);
        assert_eq!(triage(&activity), Triage::Command("chatops whoami".to_owned()));
    }

    #[test]
    fn other_activities_are_ignored_and_card_executes_read_their_data() {
        let mut value = vector("valid_message_with_mention");
        value["type"] = json!("conversationUpdate");
        assert!(matches!(triage(&parsed(&value)), Triage::Ignore(_)));
        value["type"] = json!("invoke");
        value["name"] = json!("adaptiveCard/action");
        value["value"] = json!({"action": {"type": "Action.Execute", "data": {"k": "v"}}});
        assert_eq!(triage(&parsed(&value)), Triage::Execute(json!({"k": "v"})));
        value["name"] = json!("task/fetch");
        assert!(matches!(triage(&parsed(&value)), Triage::Ignore(_)));
        value["type"] = json!("message");
        value["value"] = Value::Null;
        value["text"] = json!("<at>ChatOps Bot</at> ");
        assert!(matches!(triage(&parsed(&value)), Triage::Ignore(_)));
    }

    #[test]
    fn unusable_bodies_are_short_errors() {
        assert_eq!(parse(b"not json"), Err(ParseError::NotJson));
        assert_eq!(parse(b"[1]"), Err(ParseError::NotJson));
        let mut value = vector("valid_message_with_mention");
        value.as_object_mut().unwrap().remove("serviceUrl");
        assert_eq!(
            parse(value.to_string().as_bytes()),
            Err(ParseError::Missing("serviceUrl"))
        );
    }
}
