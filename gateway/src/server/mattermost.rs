//! Mattermost's webhooks: `/hooks/{name}/commands` (slash commands, POST or
//! GET) and `/hooks/{name}/actions` (buttons, menus and dialog submissions).
//!
//! A slash command is admitted by its token (constant-time, any of the
//! platform's slash tokens) before its body is parsed; an action by the
//! gateway's own MAC in its context (Mattermost signs nothing), then by the
//! signed continuation inside, and run once per prompt (on the nonce signed
//! into it). Both are answered 200 at once, well within Mattermost's 30 s,
//! and the command runs in the background.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::replay::{self, Replay};
use super::{App, pipeline, refusal::Refusal};
use crate::{
    commands::{parse_slash, strip_command_prefix},
    model::{Invocation, ReplyContext},
    platforms::mattermost::{
        inbound::{self, ActionRequest},
        verify,
    },
    runtime::{Platform, PlatformKind, Runtime},
};

/// What the user is told when answering a prompt already answered.
const ALREADY_ANSWERED: &str = "This prompt was already answered; run the command again for a new one.";

/// The current runtime, if `name` is a Mattermost platform in it.
fn find(app: &App, name: &str) -> Result<Arc<Runtime>, Refusal> {
    let Some(runtime) = app.runtime() else {
        return Err(Refusal::not_ready());
    };
    if !matches!(
        runtime.platforms.get(name),
        Some(Platform {
            kind: PlatformKind::Mattermost { .. },
            ..
        })
    ) {
        return Err(Refusal::unknown_platform("Mattermost", name));
    }
    Ok(runtime)
}

/// The actions URL as this request reached the gateway: `X-Forwarded-Proto`
/// (else http), `X-Forwarded-Host` (else `Host`), and the platform's path.
/// Used for prompts' callbacks unless `--public-url` is set. The forwarded
/// headers are here only when the peer is one of `--trusted-proxies`: the
/// listener removes them from anyone else's requests (`server::forwarded`).
fn actions_url(headers: &HeaderMap, name: &str) -> Option<String> {
    let header = |key: &str| headers.get(key).and_then(|v| v.to_str().ok()).map(str::trim);
    let host = header("x-forwarded-host")
        .or_else(|| header("host"))
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })?;
    let scheme = match header("x-forwarded-proto") {
        Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}/hooks/{name}/actions"))
}

/// `POST` (or `GET`) `/hooks/{name}/commands` on a Mattermost platform: a slash command.
pub(super) async fn commands(
    app: Arc<App>,
    name: String,
    method: Method,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const ENDPOINT: &str = "commands";
    let runtime = match find(&app, &name) {
        Ok(runtime) => runtime,
        Err(refusal) => return refusal.answer(&app, &name, ENDPOINT),
    };
    let Some(Platform {
        settings,
        kind: PlatformKind::Mattermost { slash_tokens, .. },
        ..
    }) = runtime.platforms.get(&name)
    else {
        // `find` checked the kind in this very runtime.
        return StatusCode::NOT_FOUND.into_response();
    };
    // A GET command carries its fields in the query string.
    let raw: &[u8] = if method == Method::GET {
        query.as_deref().unwrap_or_default().as_bytes()
    } else {
        &body
    };
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok());
    if let Err(err) = verify::verify_slash_command(slash_tokens, authorization, raw) {
        return Refusal::unverified(err).answer(&app, &name, ENDPOINT);
    }
    let command = match inbound::parse_slash_command(raw) {
        Ok(command) => command,
        Err(err) => {
            return Refusal::malformed(err).answer(&app, &name, ENDPOINT);
        }
    };
    let parsed = parse_slash(
        strip_command_prefix(&settings.command_prefix, &command.command),
        &command.text,
    );
    let invocation = Invocation {
        platform: name.clone(),
        platform_type: chatops_crds::PlatformType::Mattermost,
        organization: command.team_id,
        channel: Some(command.channel_id.clone()),
        user: Some(command.user_id.clone()),
        user_name: command.user_name,
        command: parsed.command,
        subcommand: parsed.subcommand,
        arguments: parsed.arguments,
        menu_offset: 0,
        reply: ReplyContext {
            conversation: Some(command.channel_id),
            thread: command.root_id,
            prompt_message: None,
            response_url: Some(command.response_url),
            trigger_id: command.trigger_id,
            service_url: actions_url(&headers, &name),
            user: Some(command.user_id),
            tenant: None,
        },
    };
    match pipeline::spawn(&app, runtime, &name, ENDPOINT, pipeline::Step::Run(invocation)) {
        // Nothing to show yet: the answer follows through the response URL.
        Ok(()) => Json(json!({})).into_response(),
        Err(busy) => Json(json!({"response_type": "ephemeral", "text": busy.to_string()})).into_response(),
    }
}

/// `POST /hooks/{name}/actions`: a button, a menu choice, or a dialog submission.
pub(super) async fn actions(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const ENDPOINT: &str = "actions";
    let runtime = match find(&app, &name) {
        Ok(runtime) => runtime,
        Err(refusal) => return refusal.answer(&app, &name, ENDPOINT),
    };
    let Some(platform) = runtime.platforms.get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let request = match inbound::parse_action(&body) {
        Ok(request) => request,
        Err(err) => {
            return Refusal::malformed(err).answer(&app, &name, ENDPOINT);
        }
    };
    let key = platform.continuation_key;
    let service_url = actions_url(&headers, &name);
    let (verified, origin, is_dialog) = match &request {
        ActionRequest::Action(action) => (
            verify::verify_action(&key, action),
            answer_origin(
                &name,
                action.team_id.clone(),
                Some(action.channel_id.clone()),
                action.user_id.clone(),
                action.user_name.clone(),
                ReplyContext {
                    conversation: Some(action.channel_id.clone()),
                    prompt_message: Some(action.post_id.clone()),
                    trigger_id: action.trigger_id.clone(),
                    service_url,
                    user: Some(action.user_id.clone()),
                    ..Default::default()
                },
            ),
            false,
        ),
        ActionRequest::Dialog(dialog) => (
            verify::verify_dialog(&key, dialog),
            answer_origin(
                &name,
                dialog.team_id.clone(),
                dialog.channel_id.clone(),
                dialog.user_id.clone(),
                None,
                ReplyContext {
                    conversation: dialog.channel_id.clone(),
                    service_url,
                    user: Some(dialog.user_id.clone()),
                    ..Default::default()
                },
            ),
            true,
        ),
        ActionRequest::Other(_) => {
            app.metrics.request(&name, ENDPOINT, "ignored");
            return StatusCode::OK.into_response();
        }
    };
    let answer = match verified {
        Ok(answer) => answer,
        Err(err) => {
            return Refusal::unverified(err).answer(&app, &name, ENDPOINT);
        }
    };
    // Each prompt is answered once, on the nonce the gateway signed into it:
    // Mattermost's `trigger_id` is neither signed nor required, so a replay
    // could bring a new one, or none.
    let key: [&[u8]; 2] = [name.as_bytes(), answer.nonce.as_bytes()];
    let window = prompt_window(platform, &name, &answer.continuation, origin.user.as_deref());
    match app.mattermost_prompts.first_time(&key, Instant::now(), window) {
        Ok(()) => {}
        Err(Replay::Seen) => {
            // 200 with a sentence, not a 4xx: Mattermost shows any other
            // status as a bare "action failed", and a second click on the
            // same prompt is a user's as often as a replayer's.
            Refusal {
                status: StatusCode::OK,
                ..Refusal::replayed()
            }
            .record(&app, &name, ENDPOINT);
            let already = if is_dialog {
                json!({"error": ALREADY_ANSWERED})
            } else {
                json!({"ephemeral_text": ALREADY_ANSWERED})
            };
            return Json(already).into_response();
        }
        Err(Replay::Full { retry_after }) => {
            return Refusal::replay_cache_full(retry_after).answer(&app, &name, ENDPOINT);
        }
    }
    let delete_input = platform.settings.delete_input_on_submission;
    let step = pipeline::Step::Answer {
        origin,
        token: answer.continuation,
        answers: answer.values,
    };
    if let Err(busy) = pipeline::spawn(&app, runtime, &name, ENDPOINT, step) {
        // Not run: the user, told the gateway is busy, may answer again.
        app.mattermost_prompts.forget(&key);
        let busy = if is_dialog {
            json!({"error": busy.to_string()})
        } else {
            json!({"ephemeral_text": busy.to_string()})
        };
        return Json(busy).into_response();
    }
    let ack: Value = if delete_input && !is_dialog {
        // Replaces the prompt at once, ephemeral or not; the dispatcher then
        // deletes a stored post altogether.
        json!({"update": {"message": "_Answered._", "props": {}}})
    } else {
        json!({})
    };
    Json(ack).into_response()
}

/// How long a prompt's nonce must be remembered: until its continuation
/// expires (issued + `sessionCacheTimeout`), after which resuming it is
/// refused anyway. A continuation that does not verify now is refused by
/// the pipeline; its nonce is kept for as long as any continuation issued
/// up to now could live (the clock skew allowed included), should the
/// pipeline's later clock see it otherwise.
///
/// Measured with the timeout served now: raising `sessionCacheTimeout`
/// later revives prompts that had expired, and one answered before and
/// forgotten since could then be answered again.
fn prompt_window(platform: &Platform, name: &str, continuation: &str, user: Option<&str>) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let max_age = u64::from(platform.settings.session_cache_timeout_seconds);
    let verified = user.map(|user| {
        crate::commands::verify(continuation, &platform.continuation_key, now, max_age, name, user)
    });
    let ends = match verified {
        Some(Ok(continuation)) => continuation.issued_at.saturating_add(max_age),
        _ => now
            .saturating_add(crate::commands::MAX_CLOCK_SKEW_SECS)
            .saturating_add(max_age),
    };
    replay::until_unix(
        i64::try_from(ends).unwrap_or(i64::MAX),
        i64::try_from(now).unwrap_or(i64::MAX),
    )
}

/// Who answered a prompt, where, and how to reply; the command comes from the continuation.
fn answer_origin(
    name: &str,
    organization: Option<String>,
    channel: Option<String>,
    user: String,
    user_name: Option<String>,
    reply: ReplyContext,
) -> Invocation {
    Invocation {
        platform: name.to_owned(),
        platform_type: chatops_crds::PlatformType::Mattermost,
        organization,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_actions_url_follows_the_request() {
        let mut headers = HeaderMap::new();
        assert_eq!(actions_url(&headers, "mm"), None);
        headers.insert("host", "gw.example.com:8080".parse().unwrap());
        assert_eq!(
            actions_url(&headers, "mm").as_deref(),
            Some("http://gw.example.com:8080/hooks/mm/actions")
        );
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        headers.insert("x-forwarded-host", "chatops.example.com".parse().unwrap());
        assert_eq!(
            actions_url(&headers, "mm").as_deref(),
            Some("https://chatops.example.com/hooks/mm/actions")
        );
        headers.insert("x-forwarded-host", "evil.example.com/x?".parse().unwrap());
        assert_eq!(actions_url(&headers, "mm"), None);
    }
}
