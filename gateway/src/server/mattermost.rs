//! Mattermost's webhooks: `/hooks/{name}/commands` (slash commands, POST or
//! GET) and `/hooks/{name}/actions` (buttons, menus and dialog submissions).
//!
//! A slash command is admitted by its token (constant-time, any of the
//! platform's slash tokens) before its body is parsed; an action by the
//! gateway's own MAC in its context (Mattermost signs nothing), then by the
//! signed continuation inside, and run once per prompt (on the nonce signed
//! into it). Both are answered 200 at once, well within Mattermost's 30 s,
//! and the command runs in the background.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::{
    Json,
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{
    admission::{Request, Stop, Webhook},
    pipeline,
    refusal::Refusal,
    replay,
};
use chatops_crds::PlatformType;

use crate::{
    commands::{ParsedCommand, parse_slash, strip_command_prefix},
    model::{Invocation, ReplyContext},
    platforms::asker::Asker,
    platforms::mattermost::{
        inbound::{self, ActionRequest, SlashCommand},
        verify,
    },
    runtime::{Platform, PlatformKind},
};

/// What the user is told when answering a prompt already answered.
const ALREADY_ANSWERED: &str = "This prompt was already answered; run the command again for a new one.";

/// `POST` (or `GET`) `/hooks/{name}/commands` on a Mattermost platform: a slash command.
pub(super) struct Commands;
/// `POST /hooks/{name}/actions`: a button, a menu choice, or a dialog submission.
pub(super) struct Actions;

/// The fields of a command: a GET command carries them in the query string.
fn command_fields<'a>(request: &'a Request<'_>) -> &'a [u8] {
    if request.raw.method == Method::GET {
        request.raw.query.as_deref().unwrap_or_default().as_bytes()
    } else {
        &request.raw.body
    }
}

impl Webhook for Commands {
    const TYPE: PlatformType = PlatformType::Mattermost;
    const ENDPOINT: &'static str = "commands";
    type Verified = ();
    type Admitted = SlashCommand;

    /// The command's token, any of the platform's, compared in constant time.
    async fn verify(request: &Request<'_>) -> Result<(), Stop> {
        let PlatformKind::Mattermost { slash_tokens, .. } = &request.platform.kind else {
            return Err(Refusal::unknown_platform(Self::KIND, request.name).into());
        };
        let authorization = request.raw.header("authorization");
        verify::verify_slash_command(slash_tokens, authorization, command_fields(request))
            .map(drop)
            .map_err(|err| Refusal::unverified(err).into())
    }

    fn parse(request: &Request<'_>, (): ()) -> Result<SlashCommand, Stop> {
        inbound::parse_slash_command(command_fields(request)).map_err(|err| Refusal::malformed(err).into())
    }

    async fn start(request: &Request<'_>, command: SlashCommand) -> Response {
        let prefix = &request.platform.settings.command_prefix;
        let parsed = parse_slash(strip_command_prefix(prefix, &command.command), &command.text);
        let reply = ReplyContext {
            conversation: Some(command.channel_id.clone()),
            thread: command.root_id,
            response_url: Some(command.response_url),
            trigger_id: command.trigger_id,
            service_url: actions_url(&request.raw.headers, request.name),
            user: Some(command.user_id.clone()),
            ..Default::default()
        };
        let asker = Asker {
            organization: command.team_id,
            channel: Some(command.channel_id),
            user: command.user_id,
            user_name: command.user_name,
        };
        let invocation = asker.invocation(request.name, PlatformType::Mattermost, parsed, reply);
        match request.spawn(pipeline::Step::Run(invocation)).await {
            // Nothing to show yet: the answer follows through the response URL.
            Ok(()) => Json(json!({})).into_response(),
            Err(busy) => {
                Json(json!({"response_type": "ephemeral", "text": busy.to_string()})).into_response()
            }
        }
    }
}

/// A verified answer to one of the gateway's prompts.
pub(super) struct PromptAnswer {
    /// The signed answer: continuation, values and the prompt's nonce.
    answer: verify::Answer,
    /// Who answered, where, and how to reply.
    origin: Invocation,
    /// A dialog's answers are acknowledged otherwise than a button's.
    is_dialog: bool,
}

/// What Mattermost shows the user: a dialog takes an `error`, a post an `ephemeral_text`.
fn told(is_dialog: bool, text: &str) -> Response {
    let field = if is_dialog { "error" } else { "ephemeral_text" };
    Json(json!({ field: text })).into_response()
}

impl Webhook for Actions {
    const TYPE: PlatformType = PlatformType::Mattermost;
    const ENDPOINT: &'static str = "actions";
    type Verified = ();
    type Admitted = PromptAnswer;

    /// Mattermost signs nothing: the gateway's own MAC in the payload is checked by `parse`.
    async fn verify(_: &Request<'_>) -> Result<(), Stop> {
        Ok(())
    }

    fn parse(request: &Request<'_>, (): ()) -> Result<PromptAnswer, Stop> {
        let name = request.name;
        let key = &request.platform.continuation_key;
        let service_url = actions_url(&request.raw.headers, name);
        let (verified, origin, is_dialog) =
            match inbound::parse_action(&request.raw.body).map_err(Refusal::malformed)? {
                ActionRequest::Action(action) => (
                    verify::verify_action(key, &action),
                    origin(
                        name,
                        Asker {
                            organization: action.team_id,
                            channel: Some(action.channel_id.clone()),
                            user: action.user_id.clone(),
                            user_name: action.user_name,
                        },
                        ReplyContext {
                            conversation: Some(action.channel_id),
                            prompt_message: Some(action.post_id),
                            trigger_id: action.trigger_id,
                            service_url,
                            user: Some(action.user_id),
                            ..Default::default()
                        },
                    ),
                    false,
                ),
                ActionRequest::Dialog(dialog) => (
                    verify::verify_dialog(key, &dialog),
                    origin(
                        name,
                        Asker {
                            organization: dialog.team_id,
                            channel: dialog.channel_id.clone(),
                            user: dialog.user_id.clone(),
                            user_name: None,
                        },
                        ReplyContext {
                            conversation: dialog.channel_id,
                            service_url,
                            user: Some(dialog.user_id),
                            ..Default::default()
                        },
                    ),
                    true,
                ),
                ActionRequest::Other(_) => return Err(request.ignored()),
            };
        Ok(PromptAnswer {
            answer: verified.map_err(Refusal::unverified)?,
            origin,
            is_dialog,
        })
    }

    /// Each prompt is answered once, on the nonce the gateway signed into it:
    /// Mattermost's `trigger_id` is neither signed nor required, so a replay
    /// could bring a new one, or none.
    async fn dedupe(request: &Request<'_>, answer: &PromptAnswer) -> Result<(), Stop> {
        let (app, name) = (request.app, request.name);
        let user = answer.origin.user.as_deref();
        let window = prompt_window(request.platform, name, &answer.answer.continuation, user);
        let key: [&[u8]; 2] = [name.as_bytes(), answer.answer.nonce.as_bytes()];
        request
            .first_time(&app.mattermost_prompts, &key, window, || {
                // 200 with a sentence, not a 4xx: Mattermost shows any other
                // status as a bare "action failed", and a second click on the
                // same prompt is a user's as often as a replayer's.
                Refusal {
                    status: StatusCode::OK,
                    ..Refusal::replayed()
                }
                .record(app, name, Self::ENDPOINT);
                Stop::answered(told(answer.is_dialog, ALREADY_ANSWERED))
            })
            .await
    }

    async fn start(request: &Request<'_>, answer: PromptAnswer) -> Response {
        let delete_input = request.platform.settings.delete_input_on_submission && !answer.is_dialog;
        let PromptAnswer {
            answer:
                verify::Answer {
                    continuation,
                    values,
                    nonce,
                },
            origin,
            is_dialog,
        } = answer;
        let step = pipeline::Step::Answer {
            origin,
            token: continuation,
            answers: values,
        };
        if let Err(busy) = request.spawn(step).await {
            // Not run: the user, told the gateway is busy, may answer again.
            let key: [&[u8]; 2] = [request.name.as_bytes(), nonce.as_bytes()];
            let app = request.app;
            app.shared.forget(&app.mattermost_prompts, &key).await;
            return told(is_dialog, &busy.to_string());
        }
        let ack: Value = if delete_input {
            // Replaces the prompt at once, ephemeral or not; the dispatcher then
            // deletes a stored post altogether.
            json!({"update": {"message": "_Answered._", "props": {}}})
        } else {
            json!({})
        };
        Json(ack).into_response()
    }
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
fn origin(name: &str, asker: Asker, reply: ReplyContext) -> Invocation {
    asker.invocation(name, PlatformType::Mattermost, ParsedCommand::default(), reply)
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
