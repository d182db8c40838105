//! Parsing Slack's requests, already verified by [`super::verify`], into plain
//! Slack-shaped structs: slash commands (a form), interactivity (a form whose
//! one field, `payload`, holds JSON) and the Events API (JSON).
//!
//! The server maps these onto the platform-neutral model. Each parser returns
//! a short [`ParseError`] for anything it cannot use and never panics. Where
//! Slack has several places for one ID, the places are tried in the order
//! slack_bolt's `extract_*` functions use, so both read the same IDs.

use std::collections::BTreeMap;

use crate::platforms::form::Fields;
use crate::platforms::json::{self, Text};

/// Why a verified body could not be read. Short reasons, safe to answer with
/// (as a 400): none echoes the body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not `application/x-www-form-urlencoded` text (it is not
    /// UTF-8, or it is JSON sent to a form endpoint).
    #[error("body is not form-encoded")]
    NotForm,
    /// A field the request must carry is absent, empty, or not of the expected type.
    #[error("missing field {0}")]
    Missing(&'static str),
    /// The interactivity `payload` field is not JSON.
    #[error("payload is not JSON")]
    PayloadNotJson,
    /// The Events API body is not JSON.
    #[error("body is not JSON")]
    BodyNotJson,
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
    /// The channel's name (`directmessage` or `privategroup` for those).
    pub channel_name: Option<String>,
    /// Who typed it.
    pub user_id: String,
    /// Their user name (deprecated by Slack: for display only).
    pub user_name: Option<String>,
    /// The slash command, e.g. `/nautobot`.
    pub command: String,
    /// Everything after the command, decoded (empty for a bare command).
    pub text: String,
    /// Where answers may be posted (5 times within 30 minutes).
    pub response_url: String,
    /// A handle to open a modal within 3 seconds (empty if Slack sent none).
    pub trigger_id: String,
    /// The Slack app.
    pub api_app_id: Option<String>,
    /// The thread, if Slack says the command was typed in one.
    pub thread_ts: Option<String>,
}

/// Whether a request to the slash-command URL is Slack's periodic SSL check
/// (`ssl_check=1`), to be answered with an empty 200 and nothing else.
/// slack_bolt answers these before verifying the signature.
pub fn is_ssl_check(body: &[u8]) -> bool {
    form_urlencoded::parse(body).any(|(key, value)| key == "ssl_check" && value == "1")
}

/// Parses a slash command body.
pub fn parse_slash_command(body: &[u8]) -> Result<SlashCommand, ParseError> {
    slash_command(&Fields::parse(body).ok_or(ParseError::NotForm)?)
}

/// Parses a slash command as Socket Mode carries it: the form's fields as a
/// JSON object of strings.
pub fn parse_slash_command_json(payload: &[u8]) -> Result<SlashCommand, ParseError> {
    slash_command(&Fields::from_json_object(payload).ok_or(ParseError::BodyNotJson)?)
}

fn slash_command(fields: &Fields) -> Result<SlashCommand, ParseError> {
    let optional = |name: &str| fields.optional(name);
    let required = |name: &'static str| optional(name).ok_or(ParseError::Missing(name));
    Ok(SlashCommand {
        team_id: required("team_id")?,
        enterprise_id: optional("enterprise_id"),
        channel_id: required("channel_id")?,
        channel_name: optional("channel_name"),
        user_id: required("user_id")?,
        user_name: optional("user_name"),
        command: required("command")?,
        text: optional("text").unwrap_or_default(),
        response_url: required("response_url")?,
        trigger_id: optional("trigger_id").unwrap_or_default(),
        api_app_id: optional("api_app_id"),
        thread_ts: optional("thread_ts"),
    })
}

/// An interaction with something the gateway posted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interaction {
    /// A menu choice or a button press (`block_actions`).
    BlockActions(BlockActions),
    /// A submitted modal form (`view_submission`).
    ViewSubmission(ViewSubmission),
    /// Any other `type` (`view_closed`, `shortcut`, `message_action`,
    /// `block_suggestion`, ...): to be acknowledged with a 200 and ignored.
    Other(String),
}

/// A `block_actions` interaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockActions {
    /// The workspace (`team.id`, else `user.team_id`).
    pub team_id: String,
    /// The Enterprise Grid organization, if any.
    pub enterprise_id: Option<String>,
    /// The channel of the message (`channel.id`, else `container.channel_id`);
    /// none for an action inside a modal.
    pub channel_id: Option<String>,
    /// Who acted.
    pub user_id: String,
    /// Their user name (for display only).
    pub user_name: Option<String>,
    /// Where the answer may be posted and the prompt replaced or deleted;
    /// none for an action inside a modal.
    pub response_url: Option<String>,
    /// A handle to open a modal within 3 seconds (empty if Slack sent none).
    pub trigger_id: String,
    /// The message holding the menu or button (`container.message_ts`, else `message.ts`).
    pub message_ts: Option<String>,
    /// That message's thread (`message.thread_ts`, else `container.thread_ts`).
    pub thread_ts: Option<String>,
    /// What was done; Slack sends one action per interaction, but the field is a list.
    pub actions: Vec<Action>,
}

/// One menu choice or button press.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The element's `action_id` (where the gateway's menus carry their signed continuation).
    pub action_id: String,
    /// The block's `block_id` (Slack makes one up when the message set none).
    pub block_id: String,
    /// A button's `value`.
    pub value: Option<String>,
    /// A `static_select` menu's `selected_option.value`.
    pub selected_option_value: Option<String>,
    /// When the action happened, as Slack's `"seconds.micros"` string.
    pub action_ts: String,
}

/// A `view_submission` interaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewSubmission {
    /// The workspace (`team.id`, else `user.team_id`, else `view.app_installed_team_id`
    /// for org-wide installs, where `team` is null).
    pub team_id: String,
    /// The Enterprise Grid organization, if any.
    pub enterprise_id: Option<String>,
    /// Who submitted.
    pub user_id: String,
    /// Their user name (for display only).
    pub user_name: Option<String>,
    /// The modal's ID.
    pub view_id: String,
    /// The modal's `callback_id`.
    pub callback_id: String,
    /// What the gateway stored in the modal (its signed continuation).
    pub private_metadata: String,
    /// The answers, keyed by **block_id** (each input block holds one element,
    /// and the gateway numbers its blocks, while every element's action_id may
    /// be the same). The value is a text input's `value` or a single choice:
    /// `selected_option.value`, `selected_date`, `selected_time`,
    /// `selected_user`, `selected_conversation` or `selected_channel`.
    /// A block left empty (an optional field) maps to an empty string, so
    /// every input block of the form is present.
    pub values: BTreeMap<String, String>,
    /// Response URLs, when the modal asked for them (`response_url_enabled`).
    pub response_urls: Vec<ResponseUrl>,
}

/// A response URL handed out with a view submission, for one conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseUrl {
    /// The block of the conversation picker it belongs to.
    pub block_id: String,
    /// That picker's action_id.
    pub action_id: String,
    /// The conversation picked.
    pub channel_id: String,
    /// Where to post in it.
    pub response_url: String,
}

/// Parses an interactivity body (`payload=` and JSON).
pub fn parse_interaction(body: &[u8]) -> Result<Interaction, ParseError> {
    let fields = Fields::parse(body).ok_or(ParseError::NotForm)?;
    let payload = fields.last("payload").ok_or(ParseError::Missing("payload"))?;
    parse_interaction_json(payload.as_bytes())
}

/// Parses an interaction's JSON: what the webhook's `payload` field holds,
/// and what a Socket Mode `interactive` envelope carries.
pub fn parse_interaction_json(payload: &[u8]) -> Result<Interaction, ParseError> {
    let mut payload: wire::Payload = json::parse(payload).map_err(|_| ParseError::PayloadNotJson)?;
    match required(std::mem::take(&mut payload.kind), "type")?.as_str() {
        "block_actions" => block_actions(payload).map(Interaction::BlockActions),
        "view_submission" => view_submission(payload).map(Interaction::ViewSubmission),
        other => Ok(Interaction::Other(other.to_owned())),
    }
}

fn block_actions(mut payload: wire::Payload) -> Result<BlockActions, ParseError> {
    let actions = std::mem::take(&mut payload.actions.0)
        .into_iter()
        .map(|action| {
            Ok(Action {
                action_id: required(action.action_id, "actions[].action_id")?,
                block_id: action.block_id.into_option().unwrap_or_default(),
                value: action.value.into_option(),
                selected_option_value: action.selected_option.or_empty().value.into_option(),
                action_ts: action.action_ts.into_option().unwrap_or_default(),
            })
        })
        .collect::<Result<_, ParseError>>()?;
    let team_id = required(payload.team_id(), "team.id")?;
    let (user_id, user_name) = payload.user()?;
    let enterprise_id = payload.enterprise_id();
    let container = payload.container.or_empty();
    let message = payload.message.or_empty();
    Ok(BlockActions {
        team_id,
        enterprise_id,
        channel_id: payload
            .channel
            .or_empty()
            .id
            .or(container.channel_id)
            .into_option(),
        user_id,
        user_name,
        response_url: payload.response_url.into_option(),
        trigger_id: payload.trigger_id.into_option().unwrap_or_default(),
        message_ts: container.message_ts.or(message.ts).into_option(),
        thread_ts: message.thread_ts.or(container.thread_ts).into_option(),
        actions,
    })
}

fn view_submission(mut payload: wire::Payload) -> Result<ViewSubmission, ParseError> {
    let view = payload.view.0.take().ok_or(ParseError::Missing("view"))?;
    let values = view
        .state
        .or_empty()
        .values
        .0
        .into_iter()
        // An optional field left empty is still a field: the server reads
        // the answers by position.
        .filter(|(_, elements)| !elements.0.is_empty())
        .map(|(block_id, elements)| {
            let answer = elements.0.into_values().find_map(wire::Element::answer);
            (block_id, answer.unwrap_or_default())
        })
        .collect();
    let response_urls = payload
        .response_urls
        .0
        .iter()
        .filter_map(|url| {
            Some(ResponseUrl {
                block_id: url.block_id.get().unwrap_or_default().to_owned(),
                action_id: url.action_id.get().unwrap_or_default().to_owned(),
                channel_id: url.channel_id.get()?.to_owned(),
                response_url: url.response_url.get()?.to_owned(),
            })
        })
        .collect();
    let team_id = required(payload.team_id().or(view.app_installed_team_id), "team.id")?;
    let (user_id, user_name) = payload.user()?;
    Ok(ViewSubmission {
        team_id,
        enterprise_id: payload.enterprise_id(),
        user_id,
        user_name,
        view_id: required(view.id, "view.id")?,
        callback_id: view.callback_id.into_option().unwrap_or_default(),
        private_metadata: view.private_metadata.into_option().unwrap_or_default(),
        values,
        response_urls,
    })
}

/// An Events API delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Slack checking the endpoint when its URL is configured: answer 200
    /// with the challenge.
    UrlVerification {
        /// To be echoed back.
        challenge: String,
    },
    /// `@bot command …` in a conversation the bot is in.
    AppMention(AppMention),
    /// Any other event, or envelope type (`app_rate_limited`): to be
    /// acknowledged with a 200 and ignored. Also an `app_mention` that has no
    /// `user` (posted by a bot or an integration), which no grant can allow.
    Other {
        /// The delivery's ID (empty for envelopes that have none).
        event_id: String,
        /// The inner event's `type` for `event_callback`, else the envelope's `type`.
        kind: String,
    },
}

/// An `app_mention` event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppMention {
    /// The delivery's ID: the same on every retry, the key for [`super::dedupe`].
    pub event_id: String,
    /// The workspace (the envelope's `team_id`, else `authorizations[0].team_id`, else `event.team`).
    pub team_id: String,
    /// The Enterprise Grid organization, if any.
    pub enterprise_id: Option<String>,
    /// The channel.
    pub channel: String,
    /// Who mentioned the bot.
    pub user: String,
    /// What follows the leading `<@U…>` mention, trimmed, with Slack's
    /// `&amp;`, `&lt;`, `&gt;` escapes undone, so it reads like a slash command's text.
    pub text: String,
    /// The message's `ts`.
    pub ts: String,
    /// Its thread, if it was posted in one.
    pub thread_ts: Option<String>,
}

/// Parses an Events API body.
pub fn parse_event(body: &[u8]) -> Result<Event, ParseError> {
    let envelope: wire::Envelope = json::parse(body).map_err(|_| ParseError::BodyNotJson)?;
    match required(envelope.kind, "type")?.as_str() {
        "url_verification" => Ok(Event::UrlVerification {
            challenge: required(envelope.challenge, "challenge")?,
        }),
        "event_callback" => {
            let event_id = required(envelope.event_id, "event_id")?;
            let event = envelope.event.0.ok_or(ParseError::Missing("event"))?;
            let kind = required(event.kind, "event.type")?;
            let Some(user) = (kind == "app_mention").then_some(event.user.0).flatten() else {
                return Ok(Event::Other { event_id, kind });
            };
            let authorization = envelope.authorizations.0.into_iter().next().unwrap_or_default();
            Ok(Event::AppMention(AppMention {
                event_id,
                team_id: required(
                    envelope.team_id.or(authorization.team_id).or(event.team),
                    "team_id",
                )?,
                enterprise_id: envelope
                    .enterprise_id
                    .or(authorization.enterprise_id)
                    .into_option(),
                channel: required(event.channel, "event.channel")?,
                user,
                text: mention_text(event.text.get().unwrap_or_default()),
                ts: required(event.ts, "event.ts")?,
                thread_ts: event.thread_ts.into_option(),
            }))
        }
        other => Ok(Event::Other {
            event_id: envelope.event_id.into_option().unwrap_or_default(),
            kind: other.to_owned(),
        }),
    }
}

/// `<@U0LAN0Z89> deploy a &amp; b` -> `deploy a & b`.
fn mention_text(text: &str) -> String {
    let text = text.trim_start();
    let rest = text
        .strip_prefix("<@")
        .and_then(|mention| mention.split_once('>'))
        .map_or(text, |(_, rest)| rest);
    // `&amp;` last, so that a typed `&amp;lt;` stays `&lt;`.
    rest.trim()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A required field: [`ParseError::Missing`] naming it when absent.
fn required(text: Text, name: &'static str) -> Result<String, ParseError> {
    text.into_option().ok_or(ParseError::Missing(name))
}

mod wire;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;

    fn interaction_body(payload: &Value) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish()
    }

    const SLASH: &str = "team_id=T1&channel_id=C1&user_id=U1&command=%2Fnautobot&text=get-devices+site+%22ams+01%22&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=13.37";

    #[test]
    fn a_slash_command_is_decoded() {
        let command = parse_slash_command(SLASH.as_bytes()).unwrap();
        assert_eq!(command.command, "/nautobot");
        assert_eq!(command.text, "get-devices site \"ams 01\"");
        assert_eq!(command.response_url, "https://hooks.slack.com/commands/1");
        assert_eq!(
            (command.enterprise_id, command.user_name, command.thread_ts),
            (None, None, None)
        );
    }

    #[test]
    fn a_slash_command_needs_its_ids() {
        let required = ["team_id", "channel_id", "user_id", "command", "response_url"];
        crate::platforms::form::assert_required(SLASH, &required, parse_slash_command, ParseError::Missing);
    }

    #[test]
    fn optional_slash_fields_are_none_when_empty_and_text_may_be() {
        let body = format!("{SLASH}&enterprise_id=&thread_ts=1.2")
            .replace("text=get-devices+site+%22ams+01%22", "text=");
        let command = parse_slash_command(body.as_bytes()).unwrap();
        assert_eq!(command.enterprise_id, None);
        assert_eq!(command.thread_ts.as_deref(), Some("1.2"));
        assert_eq!(command.text, "");
    }

    /// SLASH as Socket Mode carries it: the form's fields in a JSON object.
    fn slash_json() -> Value {
        let fields: serde_json::Map<String, Value> = form_urlencoded::parse(SLASH.as_bytes())
            .map(|(key, value)| (key.into_owned(), Value::from(value.into_owned())))
            .collect();
        Value::Object(fields)
    }

    #[test]
    fn a_socket_mode_slash_command_reads_as_the_webhooks_form() {
        let mut payload = slash_json();
        payload["is_enterprise_install"] = json!("false");
        payload["nested"] = json!({"ignored": true});
        let from_json = parse_slash_command_json(payload.to_string().as_bytes()).unwrap();
        assert_eq!(from_json, parse_slash_command(SLASH.as_bytes()).unwrap());
        for bad in ["", "team_id=T1", "[1]", "\"x\""] {
            assert_eq!(
                parse_slash_command_json(bad.as_bytes()),
                Err(ParseError::BodyNotJson),
                "{bad}"
            );
        }
        let mut no_user = slash_json();
        no_user.as_object_mut().unwrap().remove("user_id");
        assert_eq!(
            parse_slash_command_json(no_user.to_string().as_bytes()),
            Err(ParseError::Missing("user_id"))
        );
        // A number where Slack sends text is read as its text, not refused.
        let mut numeric = slash_json();
        numeric["trigger_id"] = json!(1337);
        let command = parse_slash_command_json(numeric.to_string().as_bytes()).unwrap();
        assert_eq!(command.trigger_id, "1337");
    }

    #[test]
    fn a_socket_mode_interaction_is_the_webhooks_payload_field() {
        let payload = json!({"type": "view_closed"});
        assert_eq!(
            parse_interaction_json(payload.to_string().as_bytes()),
            parse_interaction(interaction_body(&payload).as_bytes())
        );
        assert_eq!(
            parse_interaction_json(b"payload=x"),
            Err(ParseError::PayloadNotJson)
        );
    }

    #[test]
    fn the_ssl_check_is_recognised() {
        assert!(is_ssl_check(b"ssl_check=1&token=abc"));
        assert!(!is_ssl_check(SLASH.as_bytes()));
        assert!(!is_ssl_check(b"ssl_check=0"));
    }

    #[test]
    fn other_interactions_are_named_without_further_checks() {
        for kind in ["view_closed", "shortcut", "message_action", "block_suggestion"] {
            let body = interaction_body(&json!({ "type": kind }));
            assert_eq!(
                parse_interaction(body.as_bytes()),
                Ok(Interaction::Other(kind.to_owned()))
            );
        }
    }

    #[test]
    fn block_actions_read_a_menu_choice_in_a_thread() {
        let payload = json!({
            "type": "block_actions", "user": {"id": "U1", "name": "steve", "team_id": "T2"},
            "enterprise": {"id": "E1", "name": "Org"}, "trigger_id": "13.37",
            "container": {"type": "message", "message_ts": "100.1", "channel_id": "C1", "thread_ts": "99.9"},
            "message": {"ts": "100.1", "thread_ts": "99.9"},
            "actions": [{"action_id": "tok", "block_id": "prompt", "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "AMS"}, "value": "ams01"},
                "action_ts": "100.2"}]
        });
        let Interaction::BlockActions(actions) =
            parse_interaction(interaction_body(&payload).as_bytes()).unwrap()
        else {
            panic!("not block_actions")
        };
        assert_eq!(actions.team_id, "T2", "user.team_id when there is no team");
        assert_eq!(actions.enterprise_id.as_deref(), Some("E1"));
        assert_eq!(
            actions.channel_id.as_deref(),
            Some("C1"),
            "container.channel_id when there is no channel"
        );
        assert_eq!(actions.user_name.as_deref(), Some("steve"));
        assert_eq!(actions.response_url, None);
        assert_eq!(actions.message_ts.as_deref(), Some("100.1"));
        assert_eq!(actions.thread_ts.as_deref(), Some("99.9"));
        assert_eq!(
            actions.actions,
            [Action {
                action_id: "tok".into(),
                block_id: "prompt".into(),
                value: None,
                selected_option_value: Some("ams01".into()),
                action_ts: "100.2".into(),
            }]
        );
    }

    #[test]
    fn block_actions_need_a_user_a_team_and_action_ids() {
        let base = json!({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"},
            "actions": [{"action_id": "a"}]});
        let without = |pointer: &str| {
            let mut payload = base.clone();
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            payload
                .pointer_mut(parent)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(key);
            parse_interaction(interaction_body(&payload).as_bytes())
        };
        assert!(parse_interaction(interaction_body(&base).as_bytes()).is_ok());
        assert_eq!(without("/user/id"), Err(ParseError::Missing("user.id")));
        assert_eq!(without("/team/id"), Err(ParseError::Missing("team.id")));
        assert_eq!(
            without("/actions/0/action_id"),
            Err(ParseError::Missing("actions[].action_id"))
        );
    }

    #[test]
    fn view_submissions_flatten_their_answers_by_block() {
        let payload = json!({
            "type": "view_submission", "team": null, "user": {"id": "U1", "username": "steve"},
            "view": {"id": "V1", "callback_id": "chatops-form", "private_metadata": "tok",
                "app_installed_team_id": "T9",
                "state": {"values": {
                    "field-0": {"value": {"type": "plain_text_input", "value": "ams01"}},
                    "field-1": {"value": {"type": "static_select", "selected_option": {"value": "active"}}},
                    "field-2": {"value": {"type": "datepicker", "selected_date": "2026-11-25"}},
                    "field-3": {"value": {"type": "plain_text_input", "value": null}},
                    "field-4": {"value": {"type": "static_select", "selected_option": null}}}}},
            "response_urls": [{"block_id": "b", "action_id": "a", "channel_id": "C1",
                "response_url": "https://hooks.slack.com/app/1"}]
        });
        let Interaction::ViewSubmission(view) =
            parse_interaction(interaction_body(&payload).as_bytes()).unwrap()
        else {
            panic!("not view_submission")
        };
        assert_eq!(view.team_id, "T9", "org-wide installs name the team in the view");
        assert_eq!(
            (view.view_id.as_str(), view.callback_id.as_str()),
            ("V1", "chatops-form")
        );
        assert_eq!(view.private_metadata, "tok");
        let values: Vec<(&str, &str)> = view
            .values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("field-0", "ams01"),
                ("field-1", "active"),
                ("field-2", "2026-11-25"),
                ("field-3", ""),
                ("field-4", ""),
            ]
        );
        assert_eq!(view.response_urls[0].channel_id, "C1");
        assert_eq!(
            view.response_urls[0].response_url,
            "https://hooks.slack.com/app/1"
        );
    }

    #[test]
    fn a_view_submission_needs_its_view() {
        let body =
            interaction_body(&json!({"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"}}));
        assert_eq!(
            parse_interaction(body.as_bytes()),
            Err(ParseError::Missing("view"))
        );
        let body = interaction_body(
            &json!({"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"},
            "view": {"callback_id": "x"}}),
        );
        assert_eq!(
            parse_interaction(body.as_bytes()),
            Err(ParseError::Missing("view.id"))
        );
    }

    fn mention(text: Value, user: Option<&str>) -> Value {
        json!({"type": "event_callback", "event_id": "Ev1", "team_id": "T1",
            "authorizations": [{"enterprise_id": "E1", "team_id": "T1", "user_id": "UBOT", "is_bot": true}],
            "event": {"type": "app_mention", "user": user, "text": text, "ts": "1.2", "thread_ts": "1.0",
                "channel": "C1"}})
    }

    #[test]
    fn an_app_mention_reads_like_a_command() {
        let body = mention(json!("<@UBOT>  deploy a &amp; b &lt;x&gt; &amp;lt; "), Some("U1")).to_string();
        let Event::AppMention(event) = parse_event(body.as_bytes()).unwrap() else {
            panic!("not app_mention")
        };
        assert_eq!(event.text, "deploy a & b <x> &lt;");
        assert_eq!((event.event_id.as_str(), event.team_id.as_str()), ("Ev1", "T1"));
        assert_eq!(event.enterprise_id.as_deref(), Some("E1"));
        assert_eq!((event.channel.as_str(), event.user.as_str()), ("C1", "U1"));
        assert_eq!(
            (event.ts.as_str(), event.thread_ts.as_deref()),
            ("1.2", Some("1.0"))
        );
    }

    #[test]
    fn only_a_leading_mention_is_stripped() {
        assert_eq!(mention_text("<@U0LAN0Z89> deploy api"), "deploy api");
        assert_eq!(mention_text("  <@U1|bot>help "), "help");
        assert_eq!(mention_text("please <@U1> help"), "please <@U1> help");
        assert_eq!(mention_text("<@U1>"), "");
        assert_eq!(mention_text("<@U1 unterminated"), "<@U1 unterminated");
    }

    #[test]
    fn a_mention_without_a_user_is_ignored() {
        let body = mention(json!("<@UBOT> hi"), None).to_string();
        assert_eq!(
            parse_event(body.as_bytes()),
            Ok(Event::Other {
                event_id: "Ev1".into(),
                kind: "app_mention".into()
            })
        );
    }

    #[test]
    fn other_events_and_envelopes_are_named() {
        let message = json!({"type": "event_callback", "event_id": "Ev2", "event": {"type": "message"}});
        let limited = json!({"type": "app_rate_limited", "team_id": "T1", "minute_rate_limited": 1});
        for (body, event_id, kind) in [(message, "Ev2", "message"), (limited, "", "app_rate_limited")] {
            let (event_id, kind) = (event_id.to_owned(), kind.to_owned());
            assert_eq!(
                parse_event(body.to_string().as_bytes()),
                Ok(Event::Other { event_id, kind })
            );
        }
    }

    /// A parser, its answer dropped.
    type Parser = fn(&[u8]) -> Result<(), ParseError>;

    #[test]
    fn malformed_bodies_are_named() {
        use ParseError::*;
        let slash: Parser = |body| parse_slash_command(body).map(drop);
        let interaction: Parser = |body| parse_interaction(body).map(drop);
        let event: Parser = |body| parse_event(body).map(drop);
        let cases: [(Parser, &[u8], ParseError); 10] = [
            (slash, br#"{"type":"url_verification"}"#, NotForm),
            (interaction, b"\xff\xfe", NotForm),
            (interaction, b"a=b", Missing("payload")),
            (interaction, b"payload=%7Bnope", PayloadNotJson),
            (interaction, b"payload=%5B%5D", Missing("type")),
            (event, b"token=x", BodyNotJson),
            (event, b"{}", Missing("type")),
            (event, br#"{"type":"url_verification"}"#, Missing("challenge")),
            (event, br#"{"type":"event_callback"}"#, Missing("event_id")),
            (
                event,
                br#"{"type":"event_callback","event_id":"E","event":"x"}"#,
                Missing("event"),
            ),
        ];
        for (parse, body, error) in cases {
            assert_eq!(parse(body), Err(error), "{}", String::from_utf8_lossy(body));
        }
        let mut body = mention(json!("hi"), Some("U1"));
        body["event"].as_object_mut().unwrap().remove("channel");
        assert_eq!(
            parse_event(body.to_string().as_bytes()),
            Err(ParseError::Missing("event.channel"))
        );
    }

    #[test]
    fn errors_do_not_echo_the_body() {
        let err = parse_interaction(b"payload=%7B%22secret-looking%22").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        let err = parse_event(br#"{"type": 1, "x": "secret-looking"}"#).unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
    }

    /// JSON shaped like Slack's, with the names and values the parsers look
    /// for, so random trees reach deep into them.
    fn slackish_json() -> impl Strategy<Value = Value> {
        let names = prop::sample::select(vec![
            "type",
            "team",
            "id",
            "user",
            "username",
            "team_id",
            "enterprise",
            "enterprise_id",
            "channel",
            "container",
            "channel_id",
            "message",
            "ts",
            "thread_ts",
            "message_ts",
            "actions",
            "action_id",
            "block_id",
            "value",
            "selected_option",
            "view",
            "state",
            "values",
            "response_urls",
            "event",
            "event_id",
            "text",
            "challenge",
            "authorizations",
            "0",
            "",
        ]);
        let words = prop::sample::select(vec![
            "block_actions",
            "view_submission",
            "view_closed",
            "event_callback",
            "url_verification",
            "app_mention",
            "<@U1> hi &amp;",
            "<@",
            "T1",
            "",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            words.prop_map(Value::from),
            any::<String>().prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 96, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((names.clone(), inner), 0..6).prop_map(|pairs| Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    proptest! {
        #[test]
        fn no_bytes_make_a_parser_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = is_ssl_check(&body);
            let _ = parse_slash_command(&body);
            let _ = parse_interaction(&body);
            let _ = parse_event(&body);
        }

        #[test]
        fn no_text_makes_a_parser_panic(text in any::<String>()) {
            let _ = parse_slash_command(text.as_bytes());
            let _ = parse_interaction(text.as_bytes());
            let _ = parse_event(text.as_bytes());
            let body = form_urlencoded::Serializer::new(String::new()).append_pair("payload", &text).finish();
            let _ = parse_interaction(body.as_bytes());
        }

        #[test]
        fn no_form_makes_the_slash_parser_panic(
            pairs in prop::collection::vec(("[a-z_]{0,12}", any::<String>()), 0..16)
        ) {
            let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            let _ = parse_slash_command(body.as_bytes());
        }

        #[test]
        fn no_json_makes_a_parser_panic(value in slackish_json()) {
            let _ = parse_interaction(interaction_body(&value).as_bytes());
            let _ = parse_event(value.to_string().as_bytes());
        }

        #[test]
        fn mention_text_never_panics_and_is_trimmed(text in any::<String>()) {
            let out = mention_text(&text);
            prop_assert_eq!(out.trim(), out.as_str());
        }
    }
}
