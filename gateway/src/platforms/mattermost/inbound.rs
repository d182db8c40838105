//! Parsing Mattermost's requests into plain Mattermost-shaped structs: slash
//! commands (a form, `server/channels/app/command.go`), button and menu
//! callbacks and dialog submissions (JSON, `PostActionIntegrationRequest` and
//! `SubmitDialogRequest` in `server/public/model/integration_action.go`).
//!
//! Parsing checks nothing about who sent the request: a slash command is
//! checked with [`super::verify::verify_slash_command`] before it is parsed,
//! and a callback's `context` or `state` with [`super::verify::verify_action`]
//! or [`super::verify::verify_dialog`] after. Each parser returns a short
//! [`ParseError`] for anything it cannot use and never panics.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::platforms::form::Fields;

/// Why a body could not be read. Short reasons, safe to answer with (as a
/// 400): none echoes the body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not `application/x-www-form-urlencoded` text (it is not
    /// UTF-8, or it is JSON sent to the slash-command endpoint).
    #[error("body is not form-encoded")]
    NotForm,
    /// The body is not a JSON object.
    #[error("body is not a JSON object")]
    NotJson,
    /// A field the request must carry is absent or empty.
    #[error("missing field {0}")]
    Missing(&'static str),
    /// A field Mattermost sends once came more than once: the token check and
    /// the parser could otherwise read different copies.
    #[error("field {0} is repeated")]
    Repeated(&'static str),
    /// A field is present but of the wrong JSON type.
    #[error("field {0} has the wrong type")]
    WrongType(&'static str),
}

/// A slash command, from its form-encoded body (or, for a command set to GET,
/// its query string). Its token is not kept: [`super::verify::verify_slash_command`]
/// checks it before the body is parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlashCommand {
    /// The channel it was typed in.
    pub channel_id: String,
    /// The channel's name (for display only).
    pub channel_name: Option<String>,
    /// The team it was typed in.
    pub team_id: Option<String>,
    /// The team's name (for display only).
    pub team_domain: Option<String>,
    /// Who typed it.
    pub user_id: String,
    /// Their user name (for display only).
    pub user_name: Option<String>,
    /// The slash command with its `/`, e.g. `/nautobot`.
    pub command: String,
    /// Everything after the command, decoded (empty for a bare command).
    pub text: String,
    /// The thread it was typed in, if any.
    pub root_id: Option<String>,
    /// A handle to open a dialog (valid for `OutgoingIntegrationRequestsTimeout`, 30 s by default).
    pub trigger_id: Option<String>,
    /// Where answers may be posted (5 more times within 30 minutes).
    pub response_url: String,
    /// The `@names` mentioned in the text, in order.
    pub user_mentions: Vec<String>,
    /// Their user IDs, in the same order.
    pub user_mentions_ids: Vec<String>,
    /// The `~channels` mentioned in the text, in order.
    pub channel_mentions: Vec<String>,
    /// Their channel IDs, in the same order.
    pub channel_mentions_ids: Vec<String>,
}

/// The fields of a slash command Mattermost sends exactly once.
const SINGLE_FIELDS: [&str; 12] = [
    "channel_id",
    "channel_name",
    "team_id",
    "team_domain",
    "user_id",
    "user_name",
    "command",
    "text",
    "root_id",
    "trigger_id",
    "response_url",
    "token",
];

/// Parses a slash command body.
pub fn parse_slash_command(body: &[u8]) -> Result<SlashCommand, ParseError> {
    let fields = Fields::parse(body).ok_or(ParseError::NotForm)?;
    if let Some(name) = fields.repeated(&SINGLE_FIELDS) {
        return Err(ParseError::Repeated(name));
    }
    let optional = |name: &str| fields.optional(name);
    let required = |name: &'static str| optional(name).ok_or(ParseError::Missing(name));
    Ok(SlashCommand {
        channel_id: required("channel_id")?,
        channel_name: optional("channel_name"),
        team_id: optional("team_id"),
        team_domain: optional("team_domain"),
        user_id: required("user_id")?,
        user_name: optional("user_name"),
        command: required("command")?,
        text: optional("text").unwrap_or_default(),
        root_id: optional("root_id"),
        trigger_id: optional("trigger_id"),
        response_url: required("response_url")?,
        user_mentions: fields.all("user_mentions"),
        user_mentions_ids: fields.all("user_mentions_ids"),
        channel_mentions: fields.all("channel_mentions"),
        channel_mentions_ids: fields.all("channel_mentions_ids"),
    })
}

/// What a JSON request to the actions endpoint is.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionRequest {
    /// A button press or a menu choice on a post.
    Action(PostAction),
    /// A submitted (or, with `notify_on_cancel`, cancelled) dialog.
    Dialog(DialogSubmission),
    /// Any other `type` (a dialog field refresh, a lookup, a newer kind):
    /// to be answered with an empty 200 and ignored.
    Other(String),
}

/// Which element of a post was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// A button (`type: "button"`).
    Button,
    /// A menu (`type: "select"`); the choice is in `context.selected_option`.
    Select,
}

impl ActionKind {
    /// The `type` Mattermost gives this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Button => "button",
            ActionKind::Select => "select",
        }
    }
}

/// A button or menu callback (`PostActionIntegrationRequest`).
#[derive(Clone, Debug, PartialEq)]
pub struct PostAction {
    /// Button or menu.
    pub kind: ActionKind,
    /// Who clicked. Mattermost fills it in, but the request itself carries no
    /// credential: only the `context` MAC makes it trustworthy.
    pub user_id: String,
    /// Their user name (for display only).
    pub user_name: Option<String>,
    /// The channel of the post.
    pub channel_id: String,
    /// The channel's name (for display only).
    pub channel_name: Option<String>,
    /// The team (empty for direct and group messages).
    pub team_id: Option<String>,
    /// The team's name (for display only).
    pub team_domain: Option<String>,
    /// The post holding the button or menu, to update or delete it.
    pub post_id: String,
    /// A handle to open a dialog, if Mattermost sent one.
    pub trigger_id: Option<String>,
    /// `users` or `channels` for a menu filled by Mattermost; none for static options.
    pub data_source: Option<String>,
    /// The action's `integration.context` as posted by the gateway, plus
    /// `selected_option` for a menu.
    pub context: Map<String, Value>,
    /// `context.selected_option`: the value of the menu choice.
    pub selected_option: Option<String>,
}

/// A dialog submission (`SubmitDialogRequest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogSubmission {
    /// The dialog's `callback_id`.
    pub callback_id: String,
    /// The dialog's `state`, as the gateway opened it (its signed continuation).
    pub state: String,
    /// Who submitted. As for [`PostAction::user_id`], trusted only through the MAC.
    pub user_id: String,
    /// The channel the dialog was opened in, if Mattermost names one.
    pub channel_id: Option<String>,
    /// The team (empty for direct and group messages since Mattermost 11.10).
    pub team_id: Option<String>,
    /// The answers by element name. A text or choice is kept as sent, a
    /// number or a boolean as its JSON text, a null as an empty string.
    pub submission: BTreeMap<String, String>,
    /// True when the user closed the dialog (sent only with `notify_on_cancel`).
    pub cancelled: bool,
}

/// Parses a request to the actions endpoint: a button or menu callback, or a
/// dialog submission, told apart by `type`.
pub fn parse_action(body: &[u8]) -> Result<ActionRequest, ParseError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ParseError::NotJson)?;
    if !value.is_object() {
        return Err(ParseError::NotJson);
    }
    let mut request = wire::Request::deserialize(value).map_err(|_| ParseError::NotJson)?;
    match std::mem::take(&mut request.kind).required("type")?.as_str() {
        "button" => post_action(request, ActionKind::Button).map(ActionRequest::Action),
        "select" => post_action(request, ActionKind::Select).map(ActionRequest::Action),
        "dialog_submission" => dialog_submission(request).map(ActionRequest::Dialog),
        other => Ok(ActionRequest::Other(other.to_owned())),
    }
}

fn post_action(request: wire::Request, kind: ActionKind) -> Result<PostAction, ParseError> {
    let context = request
        .context
        .checked("context")?
        .ok_or(ParseError::Missing("context"))?;
    let fields = wire::ContextFields::deserialize(Value::Object(context.clone())).unwrap_or_default();
    let selected_option = fields.selected_option.checked("context.selected_option")?;
    Ok(PostAction {
        kind,
        user_id: request.user_id.required("user_id")?,
        user_name: request.user_name.text("user_name")?,
        channel_id: request.channel_id.required("channel_id")?,
        channel_name: request.channel_name.text("channel_name")?,
        team_id: request.team_id.text("team_id")?,
        team_domain: request.team_domain.text("team_domain")?,
        post_id: request.post_id.required("post_id")?,
        trigger_id: request.trigger_id.text("trigger_id")?,
        data_source: request.data_source.text("data_source")?,
        context,
        selected_option,
    })
}

#[cfg(test)]
impl PostAction {
    /// A callback from `user` on post `P1` in channel `C1`, with `context`
    /// and, for a menu, the `choice` Mattermost adds to it.
    pub(crate) fn sample(
        kind: ActionKind,
        mut context: Map<String, Value>,
        user: &str,
        choice: Option<&str>,
    ) -> Self {
        if let Some(choice) = choice {
            context.insert("selected_option".into(), choice.into());
        }
        PostAction {
            kind,
            user_id: user.into(),
            user_name: None,
            channel_id: "C1".into(),
            channel_name: None,
            team_id: None,
            team_domain: None,
            post_id: "P1".into(),
            trigger_id: None,
            data_source: None,
            context,
            selected_option: choice.map(str::to_owned),
        }
    }
}

fn dialog_submission(request: wire::Request) -> Result<DialogSubmission, ParseError> {
    let submission = request
        .submission
        .checked("submission")?
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => text,
                Value::Null => String::new(),
                Value::Bool(_) | Value::Number(_) => value.to_string(),
                Value::Array(_) | Value::Object(_) => return Err(ParseError::WrongType("submission")),
            };
            Ok((name, value))
        })
        .collect::<Result<_, _>>()?;
    let cancelled = request.cancelled.checked("cancelled")?.unwrap_or(false);
    Ok(DialogSubmission {
        callback_id: request.callback_id.text("callback_id")?.unwrap_or_default(),
        state: request.state.required("state")?,
        user_id: request.user_id.required("user_id")?,
        channel_id: request.channel_id.text("channel_id")?,
        team_id: request.team_id.text("team_id")?,
        submission,
        cancelled,
    })
}

mod wire;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    const SLASH: &str = "channel_id=C1&channel_name=town-square&command=%2Fnautobot&response_url=https%3A%2F%2Fmm.example.com%2Fhooks%2Fcommands%2Fx&root_id=R1&team_domain=ops&team_id=T1&text=get-devices+site+%22ams+01%22&token=tok&trigger_id=TR1&user_id=U1&user_name=alan";

    #[test]
    fn a_slash_command_reads_every_field() {
        let command = parse_slash_command(SLASH.as_bytes()).unwrap();
        assert_eq!(command.channel_id, "C1");
        assert_eq!(command.channel_name.as_deref(), Some("town-square"));
        assert_eq!(command.team_id.as_deref(), Some("T1"));
        assert_eq!(command.team_domain.as_deref(), Some("ops"));
        assert_eq!(command.user_id, "U1");
        assert_eq!(command.user_name.as_deref(), Some("alan"));
        assert_eq!(command.command, "/nautobot");
        assert_eq!(command.text, "get-devices site \"ams 01\"");
        assert_eq!(command.root_id.as_deref(), Some("R1"));
        assert_eq!(command.trigger_id.as_deref(), Some("TR1"));
        assert_eq!(command.response_url, "https://mm.example.com/hooks/commands/x");
        assert!(command.user_mentions.is_empty());
    }

    #[test]
    fn the_token_is_not_kept() {
        let command = parse_slash_command(SLASH.as_bytes()).unwrap();
        let shown = format!("{command:?}");
        assert!(!shown.contains("tok\""), "{shown}");
    }

    #[test]
    fn required_slash_fields_are_named_when_absent_or_empty() {
        let required = ["channel_id", "user_id", "command", "response_url"];
        crate::platforms::form::assert_required(SLASH, &required, parse_slash_command, ParseError::Missing);
    }

    #[test]
    fn optional_slash_fields_are_none_when_empty() {
        let body = SLASH
            .replace("root_id=R1", "root_id=")
            .replace("team_id=T1", "team_id=")
            .replace("trigger_id=TR1", "trigger_id=")
            .replace("text=get-devices+site+%22ams+01%22", "text=");
        let command = parse_slash_command(body.as_bytes()).unwrap();
        assert_eq!(
            (command.root_id, command.team_id, command.trigger_id),
            (None, None, None)
        );
        assert_eq!(command.text, "");
    }

    #[test]
    fn single_fields_may_not_repeat_but_mentions_do() {
        for field in ["token", "user_id", "text"] {
            let body = format!("{SLASH}&{field}=other");
            assert_eq!(
                parse_slash_command(body.as_bytes()),
                Err(ParseError::Repeated(field)),
                "{field}"
            );
        }
        let body =
            format!("{SLASH}&user_mentions=bob&user_mentions_ids=B1&user_mentions=eve&user_mentions_ids=E1");
        let command = parse_slash_command(body.as_bytes()).unwrap();
        assert_eq!(command.user_mentions, ["bob", "eve"]);
        assert_eq!(command.user_mentions_ids, ["B1", "E1"]);
    }

    fn action(kind: &str, context: Value) -> Value {
        json!({"user_id": "U1", "user_name": "alan", "channel_id": "C1", "channel_name": "town-square",
            "team_id": "", "team_domain": "", "post_id": "P1", "trigger_id": "TR", "type": kind,
            "data_source": "", "context": context})
    }

    #[test]
    fn a_menu_choice_is_read_with_its_context() {
        let body = action("select", json!({"continuation": "c", "selected_option": "ams01"}));
        let ActionRequest::Action(action) = parse_action(body.to_string().as_bytes()).unwrap() else {
            panic!("not an action")
        };
        assert_eq!(action.kind, ActionKind::Select);
        assert_eq!(
            (
                action.user_id.as_str(),
                action.channel_id.as_str(),
                action.post_id.as_str()
            ),
            ("U1", "C1", "P1")
        );
        assert_eq!(action.team_id, None, "empty for direct messages");
        assert_eq!(action.data_source, None);
        assert_eq!(action.trigger_id.as_deref(), Some("TR"));
        assert_eq!(action.selected_option.as_deref(), Some("ams01"));
        assert_eq!(action.context["continuation"], "c");
    }

    #[test]
    fn a_callback_needs_a_user_a_channel_a_post_and_a_context() {
        use ParseError::*;
        let menu_choice = json!({"selected_option": 3});
        // (kind, field, its value or None when removed, error)
        let cases = [
            ("button", "user_id", None, Missing("user_id")),
            ("button", "channel_id", None, Missing("channel_id")),
            ("button", "post_id", None, Missing("post_id")),
            ("button", "context", None, Missing("context")),
            ("button", "context", Some(json!("flat")), WrongType("context")),
            (
                "select",
                "context",
                Some(menu_choice),
                WrongType("context.selected_option"),
            ),
            ("button", "user_id", Some(json!(7)), WrongType("user_id")),
        ];
        for (kind, field, value, error) in cases {
            let mut body = action(kind, json!({}));
            match value {
                Some(value) => body[field] = value,
                None => drop(body.as_object_mut().unwrap().remove(field)),
            }
            assert_eq!(parse_action(body.to_string().as_bytes()), Err(error), "{field}");
        }
    }

    #[test]
    fn a_dialog_submission_flattens_its_answers() {
        let body = json!({"type": "dialog_submission", "callback_id": "cb", "state": "s", "user_id": "U1",
            "channel_id": "C1", "team_id": "", "cancelled": false,
            "submission": {"a": "x", "b": true, "c": 3, "d": null}});
        let ActionRequest::Dialog(dialog) = parse_action(body.to_string().as_bytes()).unwrap() else {
            panic!("not a dialog")
        };
        assert_eq!(
            (
                dialog.callback_id.as_str(),
                dialog.state.as_str(),
                dialog.user_id.as_str()
            ),
            ("cb", "s", "U1")
        );
        assert_eq!(dialog.channel_id.as_deref(), Some("C1"));
        assert_eq!(dialog.team_id, None);
        let answers: Vec<(&str, &str)> = dialog
            .submission
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(answers, [("a", "x"), ("b", "true"), ("c", "3"), ("d", "")]);
        assert!(!dialog.cancelled);
    }

    #[test]
    fn a_cancelled_dialog_has_no_answers() {
        let body = json!({"type": "dialog_submission", "callback_id": "cb", "state": "s", "user_id": "U1",
            "submission": null, "cancelled": true});
        let ActionRequest::Dialog(dialog) = parse_action(body.to_string().as_bytes()).unwrap() else {
            panic!("not a dialog")
        };
        assert!(dialog.cancelled && dialog.submission.is_empty());
    }

    #[test]
    fn malformed_dialogs_are_named() {
        let base = json!({"type": "dialog_submission", "state": "s", "user_id": "U1"});
        assert!(parse_action(base.to_string().as_bytes()).is_ok());
        for (field, value, error) in [
            ("state", Value::Null, ParseError::Missing("state")),
            ("user_id", json!(""), ParseError::Missing("user_id")),
            ("submission", json!([1]), ParseError::WrongType("submission")),
            (
                "submission",
                json!({"a": [1]}),
                ParseError::WrongType("submission"),
            ),
            ("cancelled", json!("yes"), ParseError::WrongType("cancelled")),
        ] {
            let mut body = base.clone();
            body[field] = value;
            assert_eq!(parse_action(body.to_string().as_bytes()), Err(error), "{field}");
        }
    }

    #[test]
    fn what_is_not_a_form_or_json_and_unknown_types_are_named() {
        assert_eq!(
            parse_slash_command(br#"{"channel_id":"C1"}"#),
            Err(ParseError::NotForm)
        );
        assert_eq!(parse_slash_command(b"\xff\xfe"), Err(ParseError::NotForm));
        assert_eq!(parse_action(b"token=x"), Err(ParseError::NotJson));
        assert_eq!(parse_action(b"[]"), Err(ParseError::NotJson));
        assert_eq!(parse_action(b"{}"), Err(ParseError::Missing("type")));
        assert_eq!(parse_action(br#"{"type":1}"#), Err(ParseError::WrongType("type")));
        assert_eq!(
            parse_action(br#"{"type":"refresh"}"#),
            Ok(ActionRequest::Other("refresh".into()))
        );
    }

    #[test]
    fn errors_do_not_echo_the_body() {
        let err = parse_action(br#"{"type":"button","secret-looking":1}"#).unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
    }

    proptest! {
        #[test]
        fn no_bytes_make_a_parser_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_slash_command(&body);
            let _ = parse_action(&body);
        }

        #[test]
        fn no_form_makes_the_slash_parser_panic(
            pairs in prop::collection::vec(
                (prop::sample::select(SINGLE_FIELDS.to_vec()).prop_map(str::to_owned), any::<String>()),
                0..24,
            )
        ) {
            let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            let _ = parse_slash_command(body.as_bytes());
        }

        #[test]
        fn no_json_makes_the_action_parser_panic(
            kind in prop::sample::select(vec!["button", "select", "dialog_submission", "x"]),
            fields in prop::collection::vec(
                (prop::sample::select(vec!["user_id", "channel_id", "post_id", "context", "state",
                    "submission", "cancelled", "team_id"]),
                 prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from),
                    any::<String>().prop_map(Value::from), Just(json!({"selected_option": 1})),
                    Just(json!({"a": {"b": []}})), Just(json!([1, "x"]))]),
                0..10,
            )
        ) {
            let mut body = json!({"type": kind});
            for (name, value) in fields {
                body[name] = value;
            }
            let _ = parse_action(body.to_string().as_bytes());
        }
    }
}
