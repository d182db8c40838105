//! Slack's webhooks: `/hooks/{name}/commands`, `/interactions` and `/events`.
//!
//! Every handler verifies the signature over the raw body before it parses
//! anything, answers Slack at once (its deadline is 3 s), and leaves the
//! command to run in the background.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    App, pipeline,
    refusal::Refusal,
    replay::{self, Replay},
};
use crate::{
    commands::{parse_command_text, parse_slash, strip_command_prefix},
    model::{Invocation, ReplyContext},
    platforms::slack::{
        inbound::{self, Event, Interaction, SlashCommand},
        verify,
    },
    runtime::{Platform, PlatformKind, Runtime},
};

/// Finds the Slack platform `name` and checks the request's signature.
fn admit(app: &App, name: &str, headers: &HeaderMap, body: &[u8]) -> Result<Arc<Runtime>, Refusal> {
    let Some(runtime) = app.runtime() else {
        return Err(Refusal::not_ready());
    };
    let Some(Platform {
        kind: PlatformKind::Slack { signing_secret, .. },
        ..
    }) = runtime.platforms.get(name)
    else {
        return Err(Refusal::unknown_platform("Slack", name));
    };
    let header = |key: &str| headers.get(key).and_then(|v| v.to_str().ok());
    if let Err(err) = verify::verify(
        signing_secret.as_bytes(),
        header("x-slack-request-timestamp"),
        header("x-slack-signature"),
        body,
        unix_now(),
    ) {
        return Err(Refusal::unverified(err));
    }
    Ok(runtime)
}

/// How long a request's body is remembered for Slack's retries, which come
/// within about 5 minutes of the first delivery (at once, after a minute,
/// after five).
const RETRY_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Runs each signed request once (slash commands and interactions; events
/// are deduplicated on their `event_id`). Call it once `admit` passed.
///
/// Keyed on `X-Slack-Signature`, which covers the timestamp and the body,
/// and remembered until the timestamp leaves the 5-minute window, after
/// which `verify` refuses the request anyway: a captured request sent again
/// inside the window is refused, and memory is bounded by the window.
///
/// A repeat answers 409 Conflict, "this request was already received": 401
/// would say the signature is wrong, which it is not (and send an operator
/// looking for a bad secret); 409 says the request clashes with one already
/// taken. Slack never sends one signed request twice except as a retry, so
/// only a replay gets it. A retry (`X-Slack-Retry-Num`: Slack thought the
/// first failed, and with `http_timeout` sends it while the first still
/// runs) is acknowledged with 200 and not run again. The header is not
/// signed, so a replayer can add it, and gets a 200 that runs nothing.
///
/// Slack may sign a retry anew (a new timestamp over the same body), so
/// each body is remembered too, for [`RETRY_WINDOW`]: a retry whose body
/// was already received is acknowledged and not run. Without the retry
/// header, a body signed anew is Slack's own new request (only Slack can
/// sign), and runs; bodies are unique anyway (a `trigger_id` each).
///
/// Returns the answer to a request that must not run, `None` for one to run.
fn once(app: &App, name: &str, endpoint: &str, headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    let header = |key: &str| headers.get(key).and_then(|v| v.to_str().ok());
    let sent_at = header("x-slack-request-timestamp").and_then(|t| t.trim().parse::<i64>().ok());
    let (Some(signature), Some(sent_at)) = (header("x-slack-signature"), sent_at) else {
        // `admit` verified both; refuse rather than run unguarded.
        return Some(
            Refusal::unverified("missing X-Slack-Signature or X-Slack-Request-Timestamp")
                .answer(app, name, endpoint),
        );
    };
    let retry = headers.contains_key("x-slack-retry-num");
    let now = Instant::now();
    let window_ends = sent_at.saturating_add(verify::MAX_SKEW_SECS as i64);
    let window = replay::until_unix(window_ends, unix_now());
    let by_signature: [&[u8]; 3] = [name.as_bytes(), b"signature", signature.as_bytes()];
    match app.slack_requests.first_time(&by_signature, now, window) {
        Ok(()) => {}
        Err(Replay::Seen) => return Some(repeated(app, name, endpoint, retry)),
        Err(Replay::Full { retry_after }) => {
            return Some(Refusal::replay_cache_full(retry_after).answer(app, name, endpoint));
        }
    }
    let by_body: [&[u8]; 3] = [name.as_bytes(), b"body", body];
    match app.slack_requests.first_time(&by_body, now, RETRY_WINDOW) {
        Ok(()) => None,
        Err(Replay::Seen) if retry => Some(repeated(app, name, endpoint, true)),
        Err(Replay::Seen) => None,
        Err(Replay::Full { retry_after }) => {
            // Refused whole: a retry must not find the signature and be taken for a repeat.
            app.slack_requests.forget(&by_signature);
            Some(Refusal::replay_cache_full(retry_after).answer(app, name, endpoint))
        }
    }
}

/// The answer to a request already received: 200 for Slack's retry, 409 for a replay.
fn repeated(app: &App, name: &str, endpoint: &str, retry: bool) -> Response {
    if retry {
        app.metrics.request(name, endpoint, replay::DUPLICATE);
        return StatusCode::OK.into_response();
    }
    Refusal::replayed().answer(app, name, endpoint)
}

/// Now, in Unix seconds.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// The platform label of a metric: only configured names, so a scan of random
/// paths cannot blow up the metric's cardinality.
pub(super) fn metric_platform<'a>(app: &App, name: &'a str) -> &'a str {
    match app.runtime() {
        Some(runtime) if runtime.platforms.contains_key(name) => name,
        _ => "unknown",
    }
}

fn bad_request(app: &App, name: &str, endpoint: &str, reason: String) -> Response {
    Refusal::malformed(reason).answer(app, name, endpoint)
}

/// `POST /hooks/{name}/commands`: a slash command.
pub(super) async fn commands(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Slack's periodic certificate check (`ssl_check=1`) may come unsigned and
    // asks for nothing but a 200; it never reaches a command.
    if inbound::is_ssl_check(&body) {
        app.metrics
            .request(metric_platform(&app, &name), "commands", "ssl_check");
        return StatusCode::OK.into_response();
    }
    let runtime = match admit(&app, &name, &headers, &body) {
        Ok(runtime) => runtime,
        Err(refusal) => return refusal.answer(&app, &name, "commands"),
    };
    if let Some(refused) = once(&app, &name, "commands", &headers, &body) {
        return refused;
    }
    let command = match inbound::parse_slash_command(&body) {
        Ok(command) => command,
        Err(err) => return bad_request(&app, &name, "commands", err.to_string()),
    };
    let invocation = slash_invocation(&runtime, &name, command);
    start(&app, runtime, &name, "commands", pipeline::Step::Run(invocation))
}

/// `POST /hooks/{name}/interactions`: a menu choice, a button, a form submission.
pub(super) async fn interactions(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let runtime = match admit(&app, &name, &headers, &body) {
        Ok(runtime) => runtime,
        Err(refusal) => return refusal.answer(&app, &name, "interactions"),
    };
    if let Some(refused) = once(&app, &name, "interactions", &headers, &body) {
        return refused;
    }
    let interaction = match inbound::parse_interaction(&body) {
        Ok(interaction) => interaction,
        Err(err) => return bad_request(&app, &name, "interactions", err.to_string()),
    };
    let step = match interaction {
        Interaction::BlockActions(actions) => {
            let Some(action) = actions.actions.first() else {
                app.metrics.request(&name, "interactions", "ignored");
                return StatusCode::OK.into_response();
            };
            let answer = action
                .selected_option_value
                .clone()
                .or_else(|| action.value.clone())
                .unwrap_or_default();
            let origin = answer_origin(
                &name,
                actions.team_id.clone(),
                actions.channel_id.clone(),
                actions.user_id.clone(),
                actions.user_name.clone(),
                ReplyContext {
                    conversation: actions.channel_id.clone(),
                    thread: actions.thread_ts.clone(),
                    prompt_message: actions.message_ts.clone(),
                    response_url: actions.response_url.clone(),
                    trigger_id: Some(actions.trigger_id.clone()),
                    service_url: None,
                    user: Some(actions.user_id.clone()),
                    tenant: None,
                },
            );
            pipeline::Step::Answer {
                origin,
                token: action.action_id.clone(),
                answers: vec![answer],
            }
        }
        Interaction::ViewSubmission(view) => pipeline::Step::Answer {
            origin: answer_origin(
                &name,
                view.team_id.clone(),
                None,
                view.user_id.clone(),
                view.user_name.clone(),
                // A modal belongs to no channel: the answer goes to the user's DM with the bot.
                ReplyContext {
                    conversation: Some(view.user_id.clone()),
                    user: Some(view.user_id.clone()),
                    ..Default::default()
                },
            ),
            token: view.private_metadata.clone(),
            answers: form_answers(&view.values),
        },
        Interaction::Other(_) => {
            app.metrics.request(&name, "interactions", "ignored");
            return StatusCode::OK.into_response();
        }
    };
    start(&app, runtime, &name, "interactions", step)
}

/// Who answered a prompt, where, and how to reply; the command comes from the continuation.
fn answer_origin(
    name: &str,
    organization: String,
    channel: Option<String>,
    user: String,
    user_name: Option<String>,
    reply: ReplyContext,
) -> Invocation {
    Invocation {
        platform: name.to_owned(),
        platform_type: chatops_crds::PlatformType::Slack,
        organization: Some(organization),
        channel,
        user: Some(user),
        user_name,
        command: String::new(),
        subcommand: String::new(),
        arguments: Vec::new(),
        menu_offset: 0,
        reply,
    }
}

/// The answers of a form, in field order (`field-0`, `field-1`, …).
fn form_answers(values: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let mut fields: Vec<(usize, &String)> = values
        .iter()
        .filter_map(|(block, value)| Some((block.strip_prefix("field-")?.parse().ok()?, value)))
        .collect();
    fields.sort_by_key(|(index, _)| *index);
    fields.into_iter().map(|(_, value)| value.clone()).collect()
}

/// How long an event's ID is remembered. Slack's last retry comes about 6
/// minutes after the first delivery, each signed at its sending and
/// acceptable for 5 minutes after: an hour covers them with room to spare.
const EVENT_WINDOW: Duration = Duration::from_secs(3600);

/// `POST /hooks/{name}/events`: the Events API (URL verification, app mentions).
pub(super) async fn events(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let runtime = match admit(&app, &name, &headers, &body) {
        Ok(runtime) => runtime,
        Err(refusal) => return refusal.answer(&app, &name, "events"),
    };
    let event = match inbound::parse_event(&body) {
        Ok(event) => event,
        Err(err) => return bad_request(&app, &name, "events", err.to_string()),
    };
    match event {
        Event::UrlVerification { challenge } => {
            app.metrics.request(&name, "events", "accepted");
            Json(json!({ "challenge": challenge })).into_response()
        }
        Event::AppMention(mention) => {
            // Slack redelivers events it thinks were not acknowledged: run each once.
            let key: [&[u8]; 2] = [name.as_bytes(), mention.event_id.as_bytes()];
            match app.slack_events.first_time(&key, Instant::now(), EVENT_WINDOW) {
                Ok(()) => {}
                Err(Replay::Seen) => {
                    app.metrics.request(&name, "events", replay::DUPLICATE);
                    return StatusCode::OK.into_response();
                }
                // Slack retries a 503 later, when there is room.
                Err(Replay::Full { retry_after }) => {
                    return Refusal::replay_cache_full(retry_after).answer(&app, &name, "events");
                }
            }
            let parsed = parse_command_text(&mention.text);
            let invocation = Invocation {
                platform: name.clone(),
                platform_type: chatops_crds::PlatformType::Slack,
                organization: Some(mention.team_id.clone()),
                channel: Some(mention.channel.clone()),
                user: Some(mention.user.clone()),
                user_name: None,
                command: parsed.command,
                subcommand: parsed.subcommand,
                arguments: parsed.arguments,
                menu_offset: 0,
                reply: ReplyContext {
                    conversation: Some(mention.channel.clone()),
                    // Answer a mention in its thread, or start one under it.
                    thread: Some(mention.thread_ts.clone().unwrap_or_else(|| mention.ts.clone())),
                    user: Some(mention.user.clone()),
                    ..Default::default()
                },
            };
            start(&app, runtime, &name, "events", pipeline::Step::Run(invocation))
        }
        Event::Other { .. } => {
            app.metrics.request(&name, "events", "ignored");
            StatusCode::OK.into_response()
        }
    }
}

/// The invocation of a slash command: `/nautobot get-devices location ams01`.
fn slash_invocation(runtime: &Runtime, name: &str, command: SlashCommand) -> Invocation {
    let prefix = runtime
        .platforms
        .get(name)
        .map(|p| p.settings.command_prefix.as_str())
        .unwrap_or("/");
    let command_name = strip_command_prefix(prefix, &command.command);
    let parsed = parse_slash(command_name, &command.text);
    Invocation {
        platform: name.to_owned(),
        platform_type: chatops_crds::PlatformType::Slack,
        organization: Some(command.team_id),
        channel: Some(command.channel_id.clone()),
        user: Some(command.user_id.clone()),
        user_name: command.user_name,
        command: parsed.command,
        subcommand: parsed.subcommand,
        arguments: parsed.arguments,
        menu_offset: 0,
        reply: ReplyContext {
            conversation: Some(command.channel_id),
            thread: command.thread_ts,
            prompt_message: None,
            response_url: Some(command.response_url),
            trigger_id: Some(command.trigger_id),
            service_url: None,
            user: Some(command.user_id.clone()),
            tenant: None,
        },
    }
}

/// Acknowledges the request and runs the step in the background, if a slot is free.
fn start(
    app: &Arc<App>,
    runtime: Arc<Runtime>,
    name: &str,
    endpoint: &str,
    step: pipeline::Step,
) -> Response {
    let Err(busy) = pipeline::spawn(app, runtime, name, endpoint, step) else {
        return StatusCode::OK.into_response();
    };
    // Slack shows a 200 body to the user; a 5xx would only say "dispatch_failed".
    Json(json!({
        "response_type": "ephemeral",
        "text": busy.to_string()
    }))
    .into_response()
}
