//! Microsoft Teams: `POST /hooks/{name}/messages`, the bot's messaging
//! endpoint, where the Bot Framework posts activities.
//!
//! In this order: the `Authorization: Bearer` JWT validated (signature by a
//! cached Bot Framework key, issuer, audience = the app id, expiry; 401, or
//! 503 while no keys can be had), the activity parsed (400), the token bound
//! to it (its `serviceurl` claim equal to the activity's `serviceUrl`, the key
//! endorsed for its `channelId`; 403), the activity triaged (anything but a
//! command or a card answer is acknowledged and dropped), deduplicated on its
//! id (one without an id is refused, 400), then acknowledged with 200 at
//! once and run in the background; the answer goes through the Connector. The body is read as JSON only after the
//! token passed, and the `serviceUrl` the gateway sends its token to is the
//! one the Bot Framework signed.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
    Json,
    body::Bytes,
    http::{HeaderMap, StatusCode, header::AUTHORIZATION},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::replay::{self, Replay};
use super::{App, notify_busy, pipeline, refusal::Refusal};
use crate::{
    commands::{parse_slash, strip_command_prefix},
    model::{Invocation, Level, Message, Reply},
    platforms::teams::{
        activity::{self, Activity, Triage},
        cards, verify,
    },
    runtime::{Platform, PlatformKind, Runtime},
};

const ENDPOINT: &str = "messages";

/// How long an activity's id is remembered at least, for the Bot
/// Framework's retries of a delivery it thinks failed (they come within
/// minutes, each with a token of its own).
const RETRY_WINDOW: Duration = Duration::from_secs(10 * 60);

/// `POST /hooks/{name}/messages` on a Teams platform.
pub(super) async fn messages(app: Arc<App>, name: String, headers: HeaderMap, body: Bytes) -> Response {
    let Some(runtime) = app.runtime() else {
        return Refusal::not_ready().answer(&app, &name, ENDPOINT);
    };
    let Some(Platform {
        settings,
        kind: PlatformKind::Teams { app_id, issuers, .. },
        ..
    }) = runtime.platforms.get(&name)
    else {
        return Refusal::unknown_platform("Microsoft Teams", &name).answer(&app, &name, ENDPOINT);
    };
    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let verified = match app
        .teams_keys
        .authenticate(authorization, app_id, issuers, now)
        .await
    {
        Ok(verified) => verified,
        Err(err) => return unverified(&app, &name, &err),
    };
    let activity = match activity::parse(&body) {
        Ok(activity) => activity,
        Err(err) => {
            return Refusal::malformed(err).answer(&app, &name, ENDPOINT);
        }
    };
    if let Err(err) = verify::check_activity(&verified, &activity.service_url, &activity.channel_id) {
        return unverified(&app, &name, &err);
    }
    let triaged = activity::triage(&activity);
    // An Action.Execute is an invoke: Teams waits for an invoke response.
    let invoke = matches!(triaged, Triage::Execute(_));
    if let Triage::Ignore(reason) = &triaged {
        tracing::debug!(platform = %name, activity_type = %activity.activity_type, reason, "Teams activity ignored");
        app.metrics.request(&name, ENDPOINT, "ignored");
        return StatusCode::OK.into_response();
    };
    // The Bot Framework gives every activity an id; one without could not be
    // told from its own replay, so it is refused rather than run unguarded.
    let Some(id) = activity.id.as_deref().filter(|id| !id.is_empty()) else {
        return Refusal::malformed("the activity has no id").answer(&app, &name, ENDPOINT);
    };
    // Remembered while the token that carried it is accepted (a replay of
    // this request needs that token), and at least through the retries.
    let token_ends = verified.claims.expires_at.saturating_add(verify::LEEWAY_SECONDS);
    let window = replay::until_unix(
        i64::try_from(token_ends).unwrap_or(i64::MAX),
        i64::try_from(now).unwrap_or(i64::MAX),
    )
    .max(RETRY_WINDOW);
    let key: [&[u8]; 3] = [
        name.as_bytes(),
        activity.conversation_id.as_bytes(),
        id.as_bytes(),
    ];
    match app.teams_activities.first_time(&key, Instant::now(), window) {
        Ok(()) => {}
        Err(Replay::Seen) => {
            app.metrics.request(&name, ENDPOINT, replay::DUPLICATE);
            return acknowledged(invoke);
        }
        // The Bot Framework retries a 503, when there may be room.
        Err(Replay::Full { retry_after }) => {
            return Refusal::replay_cache_full(retry_after).answer(&app, &name, ENDPOINT);
        }
    }
    let step = match triaged {
        Triage::Command(text) => {
            pipeline::Step::Run(invocation(&name, &settings.command_prefix, &activity, &text))
        }
        Triage::Submit(value) | Triage::Execute(value) => match cards::prompt_answer(&value) {
            Ok(answer) => pipeline::Step::Answer {
                origin: origin(&name, &activity),
                token: answer.token,
                answers: answer.answers,
            },
            Err(err) => {
                tracing::info!(platform = %name, error = %err, "a card submission that answers no chatops prompt; ignored");
                app.metrics.request(&name, ENDPOINT, "ignored");
                return acknowledged(invoke);
            }
        },
        // Answered above.
        Triage::Ignore(_) => return StatusCode::OK.into_response(),
    };
    if let Err(busy) = pipeline::spawn(&app, runtime.clone(), &name, ENDPOINT, step) {
        tell_busy(&app, &runtime, &name, &activity, busy.to_string());
    }
    acknowledged(invoke)
}

/// 200; for an invoke, with the invoke response Teams shows on the card.
fn acknowledged(invoke: bool) -> Response {
    if invoke {
        Json(json!({
            "statusCode": 200,
            "type": "application/vnd.microsoft.activity.message",
            "value": "Working on it…",
        }))
        .into_response()
    } else {
        StatusCode::OK.into_response()
    }
}

/// A request whose token did not pass: refused with the reason (never the
/// token), which names the issuer and key id when known.
fn unverified(app: &App, name: &str, err: &verify::VerifyError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let outcome = if status == StatusCode::SERVICE_UNAVAILABLE {
        "keys_unavailable"
    } else {
        "unverified"
    };
    Refusal::new(status, outcome, err.to_string()).answer(app, name, ENDPOINT)
}

/// Tells the conversation the gateway is busy (`text`: which limit), as a reply to the activity.
fn tell_busy(app: &App, runtime: &Arc<Runtime>, name: &str, activity: &Activity, text: String) {
    let runtime = runtime.clone();
    let name = name.to_owned();
    let to = activity.reply_context();
    notify_busy(app, async move {
        let Some(platform) = runtime.platforms.get(&name) else {
            return;
        };
        let busy = Reply::Message(Message::text(Level::Warning, text));
        if let Err(err) = platform.kind.send(&to, &busy).await {
            tracing::warn!(error = %err, "could not say the gateway is busy");
        }
    });
}

/// Who answered a card, where, and how to reply; the command comes from the continuation.
fn origin(name: &str, activity: &Activity) -> Invocation {
    Invocation {
        platform: name.to_owned(),
        platform_type: chatops_crds::PlatformType::Msteams,
        organization: activity.tenant.clone(),
        channel: Some(activity.grant_channel()),
        user: Some(activity.user()),
        user_name: activity.from_name.clone(),
        command: String::new(),
        subcommand: String::new(),
        arguments: Vec::new(),
        menu_offset: 0,
        reply: activity.reply_context(),
    }
}

/// The invocation of a message's text (the bot's mention already removed):
/// its first word the command (the platform's prefix, if typed, removed).
fn invocation(name: &str, prefix: &str, activity: &Activity, text: &str) -> Invocation {
    let (command, rest) = text.split_once(' ').unwrap_or((text, ""));
    let parsed = parse_slash(strip_command_prefix(prefix, command), rest.trim());
    Invocation {
        command: parsed.command,
        subcommand: parsed.subcommand,
        arguments: parsed.arguments,
        ..origin(name, activity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(text: &str) -> Activity {
        let body = json!({
            "type": "message", "id": "a1", "serviceUrl": "https://smba.trafficmanager.net/teams/",
            "channelId": "msteams", "from": {"id": "29:u", "name": "Megan", "aadObjectId": "aad-1"},
            "conversation": {"id": "19:c@thread.skype;messageid=1", "tenantId": "t1", "conversationType": "channel"},
            "channelData": {"tenant": {"id": "t1"}, "channel": {"id": "19:c@thread.skype"}},
            "recipient": {"id": "28:app"}, "text": text,
        });
        activity::parse(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn a_message_becomes_an_invocation_with_or_without_the_prefix() {
        for text in ["chatops access nautobot", "/chatops access   nautobot"] {
            let activity = activity(text);
            let invocation = invocation("teams", "/", &activity, &activity::command_text(&activity));
            assert_eq!(invocation.command, "chatops", "{text}");
            assert_eq!(invocation.subcommand, "access", "{text}");
            assert_eq!(invocation.arguments, ["nautobot"], "{text}");
            assert_eq!(invocation.organization.as_deref(), Some("t1"));
            assert_eq!(invocation.channel.as_deref(), Some("19:c@thread.skype"));
            assert_eq!(invocation.user.as_deref(), Some("aad-1"));
            assert_eq!(invocation.user_name.as_deref(), Some("Megan"));
            assert_eq!(invocation.reply.thread.as_deref(), Some("a1"));
        }
    }
}
