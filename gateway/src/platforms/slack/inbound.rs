//! Parsing Slack's (already verified) requests into plain Slack-shaped structs.
//!
//! The server maps these onto the platform-neutral model. Every parser
//! returns a short error for anything malformed and never panics.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;

/// Why a verified body could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A field the request must carry is absent.
    #[error("missing field {0}")]
    Missing(&'static str),
    /// The interactivity `payload` or the Events API body is not the JSON Slack sends.
    #[error("malformed JSON: {0}")]
    Json(String),
}

/// A slash command, from its form-encoded body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlashCommand {
    /// The workspace.
    pub team_id: String,
    /// The Enterprise Grid organization, if any.
    pub enterprise_id: Option<String>,
    /// The channel it was typed in.
    pub channel_id: String,
    /// The channel's name.
    pub channel_name: Option<String>,
    /// Who typed it.
    pub user_id: String,
    /// Their user name.
    pub user_name: Option<String>,
    /// The slash command, e.g. `/nautobot`.
    pub command: String,
    /// Everything after the command.
    pub text: String,
    /// Where answers may be posted for 30 minutes.
    pub response_url: String,
    /// A handle to open a modal within 3 seconds.
    pub trigger_id: String,
    /// The Slack app.
    pub api_app_id: Option<String>,
    /// The thread, when the command was typed in one.
    pub thread_ts: Option<String>,
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// Parses a slash command body.
pub fn parse_slash_command(body: &[u8]) -> Result<SlashCommand, ParseError> {
    let mut fields = form(body);
    let mut take = |name: &'static str| fields.remove(name).filter(|v| !v.is_empty());
    Ok(SlashCommand {
        team_id: take("team_id").ok_or(ParseError::Missing("team_id"))?,
        enterprise_id: take("enterprise_id"),
        channel_id: take("channel_id").ok_or(ParseError::Missing("channel_id"))?,
        channel_name: take("channel_name"),
        user_id: take("user_id").ok_or(ParseError::Missing("user_id"))?,
        user_name: take("user_name"),
        command: take("command").ok_or(ParseError::Missing("command"))?,
        text: take("text").unwrap_or_default(),
        response_url: take("response_url").ok_or(ParseError::Missing("response_url"))?,
        trigger_id: take("trigger_id").unwrap_or_default(),
        api_app_id: take("api_app_id"),
        thread_ts: take("thread_ts"),
    })
}

/// An interaction with something the gateway posted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interaction {
    /// A menu choice or a button.
    BlockActions(BlockActions),
    /// A submitted modal form.
    ViewSubmission(ViewSubmission),
    /// Anything else (a closed modal, a shortcut): acknowledged and ignored.
    Other(String),
}

/// A `block_actions` interaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockActions {
    /// The workspace.
    pub team_id: String,
    /// The channel of the message, if it was in one.
    pub channel_id: Option<String>,
    /// Who acted.
    pub user_id: String,
    /// Their user name.
    pub user_name: Option<String>,
    /// Where the answer may be posted (and the prompt replaced or deleted).
    pub response_url: Option<String>,
    /// A handle to open a modal.
    pub trigger_id: String,
    /// The message holding the menu or button.
    pub message_ts: Option<String>,
    /// Its thread, if any.
    pub thread_ts: Option<String>,
    /// What was done; Slack sends one action per interaction.
    pub actions: Vec<Action>,
}

/// One menu choice or button press.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The element's `action_id` (the gateway puts the signed continuation there).
    pub action_id: String,
    /// The block's `block_id`.
    pub block_id: Option<String>,
    /// A button's value.
    pub value: Option<String>,
    /// A menu's chosen option value.
    pub selected_option_value: Option<String>,
}

/// A `view_submission` interaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewSubmission {
    /// The workspace.
    pub team_id: String,
    /// Who submitted.
    pub user_id: String,
    /// Their user name.
    pub user_name: Option<String>,
    /// The modal's ID.
    pub view_id: String,
    /// The modal's `callback_id`.
    pub callback_id: String,
    /// What the gateway stored in the modal (the signed continuation).
    pub private_metadata: String,
    /// The answers, by block_id (a text input's value or a menu's chosen option value).
    pub values: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
struct User {
    id: String,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    team_id: Option<String>,
}

#[derive(Deserialize)]
struct RawInteraction {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    team: Option<Id>,
    user: Option<User>,
    #[serde(default)]
    channel: Option<Id>,
    #[serde(default)]
    container: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    response_url: Option<String>,
    #[serde(default)]
    trigger_id: Option<String>,
    #[serde(default)]
    actions: Vec<RawAction>,
    #[serde(default)]
    view: Option<RawView>,
}

#[derive(Deserialize)]
struct RawAction {
    action_id: String,
    #[serde(default)]
    block_id: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    selected_option: Option<RawOption>,
}

#[derive(Deserialize)]
struct RawOption {
    value: String,
}

#[derive(Deserialize)]
struct RawView {
    id: String,
    #[serde(default)]
    callback_id: String,
    #[serde(default)]
    private_metadata: String,
    #[serde(default)]
    state: Option<RawState>,
}

#[derive(Deserialize)]
struct RawState {
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, RawInput>>,
}

#[derive(Deserialize)]
struct RawInput {
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    selected_option: Option<RawOption>,
}

/// Parses an interactivity body (`payload=` and JSON).
pub fn parse_interaction(body: &[u8]) -> Result<Interaction, ParseError> {
    let payload = form(body)
        .remove("payload")
        .ok_or(ParseError::Missing("payload"))?;
    let raw: RawInteraction = serde_json::from_str(&payload).map_err(|e| ParseError::Json(e.to_string()))?;
    let user = raw.user.ok_or(ParseError::Missing("user"))?;
    let team_id = raw
        .team
        .map(|t| t.id)
        .or(user.team_id)
        .ok_or(ParseError::Missing("team"))?;
    match raw.kind.as_str() {
        "block_actions" => {
            let text = |value: &Option<Value>, key: &str| {
                value
                    .as_ref()
                    .and_then(|v| v.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let channel_id = raw
                .channel
                .map(|c| c.id)
                .or_else(|| text(&raw.container, "channel_id"));
            Ok(Interaction::BlockActions(BlockActions {
                team_id,
                channel_id,
                user_id: user.id,
                user_name: user.username,
                response_url: raw.response_url,
                trigger_id: raw.trigger_id.unwrap_or_default(),
                message_ts: text(&raw.container, "message_ts").or_else(|| text(&raw.message, "ts")),
                thread_ts: text(&raw.container, "thread_ts").or_else(|| text(&raw.message, "thread_ts")),
                actions: raw
                    .actions
                    .into_iter()
                    .map(|a| Action {
                        action_id: a.action_id,
                        block_id: a.block_id,
                        value: a.value,
                        selected_option_value: a.selected_option.map(|o| o.value),
                    })
                    .collect(),
            }))
        }
        "view_submission" => {
            let view = raw.view.ok_or(ParseError::Missing("view"))?;
            let values = view
                .state
                .map(|state| state.values)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(block_id, inputs)| {
                    let input = inputs.into_values().next()?;
                    let value = input
                        .value
                        .or(input.selected_option.map(|o| o.value))
                        .unwrap_or_default();
                    Some((block_id, value))
                })
                .collect();
            Ok(Interaction::ViewSubmission(ViewSubmission {
                team_id,
                user_id: user.id,
                user_name: user.username,
                view_id: view.id,
                callback_id: view.callback_id,
                private_metadata: view.private_metadata,
                values,
            }))
        }
        other => Ok(Interaction::Other(other.to_owned())),
    }
}

/// An Events API delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Slack checking the endpoint when the URL is configured.
    UrlVerification {
        /// To be echoed back.
        challenge: String,
    },
    /// `@bot command …` in a channel.
    AppMention(AppMention),
    /// Any other event: acknowledged and ignored.
    Other {
        /// Its ID.
        event_id: String,
        /// Its type.
        kind: String,
    },
}

/// An `app_mention` event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppMention {
    /// The delivery's ID, the same on every retry.
    pub event_id: String,
    /// The workspace.
    pub team_id: String,
    /// The channel.
    pub channel: String,
    /// Who mentioned the bot.
    pub user: String,
    /// The text after the leading mention.
    pub text: String,
    /// The message.
    pub ts: String,
    /// Its thread, if any.
    pub thread_ts: Option<String>,
}

/// Parses an Events API body.
pub fn parse_event(body: &[u8]) -> Result<Event, ParseError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ParseError::Json(e.to_string()))?;
    let text = |v: &Value, key: &'static str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    match value.get("type").and_then(Value::as_str) {
        Some("url_verification") => Ok(Event::UrlVerification {
            challenge: text(&value, "challenge").ok_or(ParseError::Missing("challenge"))?,
        }),
        Some("event_callback") => {
            let event_id = text(&value, "event_id").ok_or(ParseError::Missing("event_id"))?;
            let event = value.get("event").ok_or(ParseError::Missing("event"))?;
            let kind = text(event, "type").ok_or(ParseError::Missing("event.type"))?;
            if kind != "app_mention" {
                return Ok(Event::Other { event_id, kind });
            }
            Ok(Event::AppMention(AppMention {
                event_id,
                team_id: text(&value, "team_id").ok_or(ParseError::Missing("team_id"))?,
                channel: text(event, "channel").ok_or(ParseError::Missing("event.channel"))?,
                user: text(event, "user").ok_or(ParseError::Missing("event.user"))?,
                text: strip_leading_mention(&text(event, "text").unwrap_or_default()),
                ts: text(event, "ts").ok_or(ParseError::Missing("event.ts"))?,
                thread_ts: text(event, "thread_ts"),
            }))
        }
        Some(other) => Ok(Event::Other {
            event_id: text(&value, "event_id").unwrap_or_default(),
            kind: other.to_owned(),
        }),
        None => Err(ParseError::Missing("type")),
    }
}

/// `<@U0LAN0Z89> deploy api prod` -> `deploy api prod`.
fn strip_leading_mention(text: &str) -> String {
    let trimmed = text.trim_start();
    match trimmed.strip_prefix("<@").and_then(|rest| rest.split_once('>')) {
        Some((_, rest)) => rest.trim().to_owned(),
        None => trimmed.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_slash_command_needs_its_ids() {
        let err = parse_slash_command(b"command=%2Fx&text=y").unwrap_err();
        assert_eq!(err, ParseError::Missing("team_id"));
    }

    #[test]
    fn the_leading_mention_is_stripped() {
        assert_eq!(strip_leading_mention("<@U0LAN0Z89> deploy api"), "deploy api");
        assert_eq!(strip_leading_mention("  <@U1|bot>   help "), "help");
        assert_eq!(strip_leading_mention("no mention"), "no mention");
    }

    #[test]
    fn view_submissions_flatten_their_answers_by_block() {
        let payload = serde_json::json!({
            "type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"},
            "view": {"id": "V1", "callback_id": "chatops-form", "private_metadata": "tok",
                "state": {"values": {
                    "field-0": {"input": {"type": "plain_text_input", "value": "ams01"}},
                    "field-1": {"select": {"type": "static_select", "selected_option": {"value": "active"}}}}}}
        });
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish();
        let Interaction::ViewSubmission(view) = parse_interaction(body.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(view.private_metadata, "tok");
        assert_eq!(view.values["field-0"], "ams01");
        assert_eq!(view.values["field-1"], "active");
    }

    proptest! {
        #[test]
        fn no_body_makes_a_parser_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_slash_command(&body);
            let _ = parse_interaction(&body);
            let _ = parse_event(&body);
        }

        #[test]
        fn no_json_payload_makes_a_parser_panic(json in "[\\[\\]{}\":,a-z0-9 ]{0,200}") {
            let body = form_urlencoded::Serializer::new(String::new()).append_pair("payload", &json).finish();
            let _ = parse_interaction(body.as_bytes());
            let _ = parse_event(json.as_bytes());
        }
    }
}
