//! Requests signed exactly as Slack signs them.

use std::time::{SystemTime, UNIX_EPOCH};

pub use crate::signed::post_slack as post_signed;

/// The quickstart's made-up signing secret.
pub const QUICKSTART_SIGNING_SECRET: &str = "quickstart-signing-secret-not-for-production";

/// Now, in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A form-encoded slash command body.
pub fn slash_command(
    team: &str,
    channel: &str,
    user: &str,
    command: &str,
    text: &str,
    response_url: &str,
) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in slash_command_fields(team, channel, user, command, text, response_url) {
        form.append_pair(name, value);
    }
    form.finish()
}

/// The payload of a Socket Mode `slash_commands` envelope: the fields of
/// [`slash_command`]'s form as a JSON object of strings, plus
/// `is_enterprise_install`, as Slack sends it over the WebSocket.
pub fn slash_command_payload(
    team: &str,
    channel: &str,
    user: &str,
    command: &str,
    text: &str,
    response_url: &str,
) -> serde_json::Value {
    let mut payload = serde_json::Map::new();
    for (name, value) in slash_command_fields(team, channel, user, command, text, response_url) {
        payload.insert(name.to_owned(), value.into());
    }
    payload.insert("is_enterprise_install".to_owned(), "false".into());
    payload.into()
}

/// The fields of a slash command, in Slack's order: one list for the form
/// body of the webhook and the JSON payload of Socket Mode.
fn slash_command_fields<'a>(
    team: &'a str,
    channel: &'a str,
    user: &'a str,
    command: &'a str,
    text: &'a str,
    response_url: &'a str,
) -> [(&'static str, &'a str); 12] {
    [
        ("token", "unused-verification-token"),
        ("team_id", team),
        ("team_domain", "example"),
        ("channel_id", channel),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", command),
        ("text", text),
        ("response_url", response_url),
        ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
        ("api_app_id", "A0EXAMPLE01"),
    ]
}

/// Alice's `/chatops {text}` in the quickstart's channel, answered at `response_url`.
pub fn alice_chatops(text: &str, response_url: &str) -> String {
    use crate::quickstart::{ALICE, CHANNEL, WORKSPACE};
    slash_command(WORKSPACE, CHANNEL, ALICE, "/chatops", text, response_url)
}

/// An Events API `app_mention` of the bot by `user`, asking `chatops whoami`
/// in the quickstart's channel, delivered as event `event_id`.
pub fn mention(event_id: &str, user: &str) -> String {
    mention_payload(event_id, user).to_string()
}

/// [`mention`] as JSON: the payload of a Socket Mode `events_api` envelope.
pub fn mention_payload(event_id: &str, user: &str) -> serde_json::Value {
    use crate::quickstart::{CHANNEL, WORKSPACE};
    serde_json::json!({
        "token": "x", "team_id": WORKSPACE, "api_app_id": "A0EXAMPLE01", "type": "event_callback",
        "event_id": event_id, "event_time": 1_700_000_000,
        "event": {"type": "app_mention", "user": user, "text": "<@U0BOT0001> chatops whoami",
                  "ts": "1700000000.000100", "channel": CHANNEL, "event_ts": "1700000000.000100"}
    })
}

/// What every interaction of `user` of `team` carries: its `kind`, who, the
/// app, the (unused) verification token and a trigger.
fn interaction(kind: &str, team: &str, user: &str) -> serde_json::Value {
    serde_json::json!({
        "type": kind,
        "team": {"id": team, "domain": "example"},
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": team},
        "api_app_id": "A0EXAMPLE01",
        "token": "unused-verification-token",
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    })
}

/// The form-encoded body of an interaction: its `payload` as JSON.
fn form_body(payload: &serde_json::Value) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish()
}

/// A `block_actions` interaction choosing `value` from the menu whose action_id is `action_id`.
pub fn menu_choice(
    team: &str,
    channel: &str,
    user: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> String {
    form_body(&menu_choice_payload(
        team,
        channel,
        user,
        action_id,
        value,
        response_url,
    ))
}

/// [`menu_choice`]'s payload in the quickstart's channel: the payload of a
/// Socket Mode `interactive` envelope, which carries it as JSON, not in a form.
pub fn block_actions_payload(
    team: &str,
    user: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> serde_json::Value {
    let channel = crate::quickstart::CHANNEL;
    menu_choice_payload(team, channel, user, action_id, value, response_url)
}

/// The `payload` of [`menu_choice`].
fn menu_choice_payload(
    team: &str,
    channel: &str,
    user: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> serde_json::Value {
    let action = serde_json::json!({
        "type": "static_select",
        "action_id": action_id,
        "block_id": "prompt",
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
        "action_ts": "1700000001.000200"
    });
    block_actions(team, channel, user, action, response_url)
}

/// A `block_actions` interaction pressing the button `value` (a menu's
/// Cancel, `__cancel__`) of the prompt whose continuation is `action_id`.
pub fn button_press(
    team: &str,
    channel: &str,
    user: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> String {
    let action = serde_json::json!({
        "type": "button",
        "action_id": action_id,
        "block_id": "prompt-cancel",
        "text": {"type": "plain_text", "text": "Cancel"},
        "value": value,
        "action_ts": "1700000001.000200"
    });
    form_body(&block_actions(team, channel, user, action, response_url))
}

/// The payload of a `block_actions` interaction of `action` on an ephemeral prompt in `channel`.
fn block_actions(
    team: &str,
    channel: &str,
    user: &str,
    action: serde_json::Value,
    response_url: &str,
) -> serde_json::Value {
    let mut payload = interaction("block_actions", team, user);
    payload["container"] = serde_json::json!({
        "type": "message", "message_ts": "1700000000.000100", "channel_id": channel, "is_ephemeral": true
    });
    payload["channel"] = serde_json::json!({"id": channel, "name": "general"});
    payload["response_url"] = response_url.into();
    payload["actions"] = serde_json::json!([action]);
    payload
}

/// A `view_submission` interaction of the modal `view` (as the gateway sent it to
/// `views.open`), answering its input blocks in order with `answers`: a select by the
/// option of that value, a text input with the text.
pub fn view_submission(team: &str, user: &str, view: &serde_json::Value, answers: &[&str]) -> String {
    let mut values = serde_json::Map::new();
    let blocks = view["blocks"].as_array().map(Vec::as_slice).unwrap_or_default();
    for (block, answer) in blocks.iter().zip(answers) {
        let element = &block["element"];
        let action_id = element["action_id"].as_str().unwrap_or("value");
        let state = match element["type"].as_str() {
            Some("static_select") => serde_json::json!({
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": answer}, "value": answer}
            }),
            _ => serde_json::json!({"type": "plain_text_input", "value": answer}),
        };
        let block_id = block["block_id"].as_str().unwrap_or_default().to_owned();
        values.insert(block_id, serde_json::json!({ action_id: state }));
    }
    let mut payload = interaction("view_submission", team, user);
    payload["view"] = serde_json::json!({
        "id": "V0EXAMPLE01",
        "team_id": team,
        "type": "modal",
        "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "state": {"values": values},
    });
    payload["response_urls"] = serde_json::json!([]);
    form_body(&payload)
}
