//! Webex's webhooks: `POST /hooks/{name}/events` for the `messages` and
//! `attachmentActions` resources.
//!
//! In this order: `X-Spark-Signature` verified on the raw bytes (401), the
//! envelope parsed (400), the event triaged (the bot's own messages, edits,
//! deletions and other resources answered 200 and dropped), its age checked
//! (`data.created`, inside the signed body, at most 5 minutes old and 1 in
//! the future: Webex signs no timestamp, so this bounds how long a captured
//! delivery can be replayed), deduplicated on `data.id` for that window
//! (Webex redelivers what it thinks failed, so a repeat is answered 200 and
//! not run), then acknowledged with 200 at once. The message or the card
//! submission is fetched in the background, since a webhook carries no text,
//! and run like any other command.
//!
//! The bot's identity (`GET /v1/people/me`: its person ID for the triage,
//! its names for stripping mentions) is fetched on the first event and kept
//! for as long as the configuration is served. Until it is known the
//! handler triages with an unknown ID and the background task triages again
//! once it is, before fetching anything. If it cannot be fetched, the event
//! is logged, counted (`identity_failed`) and dropped: it was already
//! acknowledged, as a retry from Webex would meet the same failure and
//! Webex disables webhooks that keep failing; the next event tries again.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{
    App,
    admission::{Request, Stop, Webhook, unix_now},
    pipeline,
    refusal::Refusal,
    replay, slots,
};
use chatops_crds::PlatformType;

use crate::{
    commands::{ParsedCommand, parse_slash, strip_command_prefix},
    model::ReplyContext,
    platforms::asker::Asker,
    platforms::webex::{
        client::FetchError,
        inbound::{self, BotIdentity, Triage, WebhookEvent},
        verify,
    },
    runtime::{Platform, PlatformKind, Runtime},
};

const ENDPOINT: &str = "events";

/// `POST /hooks/{name}/events` on a Webex platform.
pub(super) struct Events;

/// An event to run, fresh enough to.
pub(super) struct FreshEvent {
    event: WebhookEvent,
    /// Until when (Unix seconds) a replay of it would still be fresh.
    open_until: i64,
    /// When it was checked (Unix seconds).
    now: i64,
}

impl Webhook for Events {
    const TYPE: PlatformType = PlatformType::Webex;
    const ENDPOINT: &'static str = ENDPOINT;
    type Verified = ();
    type Admitted = FreshEvent;

    async fn verify(request: &Request<'_>) -> Result<(), Stop> {
        let PlatformKind::Webex { webhook_secret, .. } = &request.platform.kind else {
            return Err(Refusal::unknown_platform(Self::KIND, request.name).into());
        };
        let signature = request.raw.header(verify::SIGNATURE_HEADER);
        verify::verify(webhook_secret.as_bytes(), signature, &request.raw.body)
            .map_err(|err| Refusal::unverified(err).into())
    }

    fn parse(request: &Request<'_>, (): ()) -> Result<FreshEvent, Stop> {
        let event = inbound::parse_webhook(&request.raw.body).map_err(Refusal::malformed)?;
        let bot_id = match &request.platform.kind {
            PlatformKind::Webex { identity, .. } => identity.get().map(|bot| bot.person_id.as_str()),
            _ => None,
        };
        if let Triage::Ignore(reason) = inbound::triage(&event, bot_id.unwrap_or_default()) {
            tracing::debug!(platform = %request.name, ?reason, "Webex event ignored");
            return Err(request.ignored());
        }
        let now = unix_now();
        let open_until = match verify::check_created(event.created.as_deref(), now) {
            Ok(open_until) => open_until,
            Err(err @ (verify::CreatedError::Missing | verify::CreatedError::Malformed)) => {
                return Err(Refusal::malformed(err).into());
            }
            Err(err) => {
                // Not run, but acknowledged: a stale delivery is a replay, or
                // Webex's redelivery too late to act on, and Webex would meet
                // the same refusal on every retry and disable a webhook that
                // keeps failing. The status tells a replayer nothing either way.
                Refusal::new(StatusCode::OK, "stale", err.to_string()).record(
                    request.app,
                    request.name,
                    ENDPOINT,
                );
                return Err(Stop::answered(StatusCode::OK.into_response()));
            }
        };
        Ok(FreshEvent {
            event,
            open_until,
            now,
        })
    }

    /// Remembered until `data.created` leaves the window: a replay after that
    /// is stale. Webex redelivers what it thinks failed: acknowledged, not run.
    async fn dedupe(request: &Request<'_>, fresh: &FreshEvent) -> Result<(), Stop> {
        let key: [&[u8]; 2] = [request.name.as_bytes(), fresh.event.data_id.as_bytes()];
        let window = replay::until_unix(fresh.open_until, fresh.now);
        request
            .first_time(&request.app.webex_events, &key, window, || {
                request.duplicate(StatusCode::OK.into_response())
            })
            .await
    }

    async fn start(request: &Request<'_>, FreshEvent { event, .. }: FreshEvent) -> Response {
        let (app, name) = (request.app, request.name);
        // The command is known only once the message is fetched: the slot is
        // settled then (pipeline::run_in_slot).
        let user = slots::user_key(
            name,
            event.org_id.as_deref(),
            event.person_id.as_deref().or(event.actor_id.as_deref()),
        );
        let slot = match pipeline::take_slot(app, &user, slots::Kind::Undecided).await {
            Ok(slot) => slot,
            Err(busy) => {
                tracing::warn!(platform = %name, reason = busy.outcome(), "gateway busy; Webex event dropped");
                request.count(busy.outcome());
                tell_busy(request, &event, busy.to_string());
                return StatusCode::OK.into_response();
            }
        };
        request.count("accepted");
        let (task_app, runtime, name) = (app.clone(), request.runtime.clone(), name.to_owned());
        app.tasks.spawn(async move {
            if let Some(step) = fetch(&task_app, &runtime, &name, event).await {
                pipeline::run_in_slot(&task_app, &runtime, &name, ENDPOINT, step, slot).await;
            }
        });
        StatusCode::OK.into_response()
    }
}

/// Tells the space the gateway is busy (`text`: which limit), in the
/// message's thread. Only once the bot's identity is known: before, the
/// event might be the bot's own busy notice, and answering it would loop for
/// as long as the gateway is busy.
fn tell_busy(request: &Request<'_>, event: &WebhookEvent, text: String) {
    let known =
        matches!(&request.platform.kind, PlatformKind::Webex { identity, .. } if identity.get().is_some());
    if !known || event.room_id.is_none() {
        return;
    }
    let to = ReplyContext {
        conversation: event.room_id.clone(),
        thread: (event.resource == inbound::Resource::Messages).then(|| event.data_id.clone()),
        ..Default::default()
    };
    super::tell_busy(request.app, request.runtime, request.name, to, text);
}

/// Fetches what `event` names and turns it into a step; `None` (logged and
/// counted) when there is nothing to run.
async fn fetch(app: &App, runtime: &Runtime, name: &str, event: WebhookEvent) -> Option<pipeline::Step> {
    let Some(Platform {
        settings,
        kind: PlatformKind::Webex {
            dispatcher, identity, ..
        },
        ..
    }) = runtime.platforms.get(name)
    else {
        return None;
    };
    let client = dispatcher.client();
    let bot = match identity.get_or_try_init(|| client.me()).await {
        Ok(bot) => bot,
        Err(err) => {
            tracing::error!(platform = name, error = %err, "cannot learn the bot's identity (GET /people/me); event dropped");
            app.metrics.request(name, ENDPOINT, "identity_failed");
            return None;
        }
    };
    let ignored = || app.metrics.request(name, ENDPOINT, "ignored");
    match inbound::triage(&event, &bot.person_id) {
        Triage::Ignore(reason) => {
            tracing::debug!(platform = name, ?reason, "Webex event ignored");
            ignored();
            None
        }
        Triage::FetchMessage { id } => {
            let message = fetched(app, name, "message", client.message(&id).await)?;
            if message.person_id == bot.person_id {
                ignored();
                return None;
            }
            let asker = asker(
                &event,
                &message.room_id,
                &message.person_id,
                message.person_email.clone(),
            );
            let parsed = parse(&settings.command_prefix, bot, &message);
            let invocation = asker.invocation(name, PlatformType::Webex, parsed, message.reply_context());
            Some(pipeline::Step::Run(invocation))
        }
        Triage::FetchAttachmentAction { id } => {
            let action = fetched(app, name, "card submission", client.attachment_action(&id).await)?;
            let answer = inbound::prompt_answer(&action)
                .inspect_err(|err| {
                    tracing::info!(platform = name, error = %err, "a card submission that answers no chatops prompt; ignored");
                    ignored();
                })
                .ok()?;
            let origin = asker(&event, &action.room_id, &action.person_id, None).invocation(
                name,
                PlatformType::Webex,
                ParsedCommand::default(),
                action.reply_context(),
            );
            Some(pipeline::Step::Answer {
                origin,
                token: answer.token,
                answers: answer.answers,
            })
        }
    }
}

/// What was fetched, or `None` (logged and counted) when it could not be.
fn fetched<T>(app: &App, name: &str, what: &str, fetched: Result<T, FetchError>) -> Option<T> {
    fetched
        .inspect_err(|err| {
            tracing::error!(platform = name, error = %err, "cannot fetch the Webex {what}; event dropped");
            app.metrics.request(name, ENDPOINT, "fetch_failed");
        })
        .ok()
}

/// Who acted in `event`'s organization, and where.
fn asker(event: &WebhookEvent, room: &str, person: &str, user_name: Option<String>) -> Asker {
    Asker {
        organization: event.org_id.clone(),
        channel: Some(room.to_owned()),
        user: person.to_owned(),
        user_name,
    }
}

/// A message's text without the mention of the bot as a command: its first
/// word the command (the platform's prefix, if typed, removed).
fn parse(prefix: &str, bot: &BotIdentity, message: &inbound::ChatMessage) -> ParsedCommand {
    let text = inbound::command_text(message, bot);
    let (command, rest) = text
        .split_once(char::is_whitespace)
        .unwrap_or((text.as_str(), ""));
    parse_slash(strip_command_prefix(prefix, command), rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str, room_type: &str) -> inbound::ChatMessage {
        let body = serde_json::json!({"id": "m1", "roomId": "r1", "roomType": room_type, "personId": "p1",
            "personEmail": "someone@example.com", "text": text, "parentId": "t1"});
        inbound::parse_message(body.to_string().as_bytes()).unwrap()
    }

    fn event() -> WebhookEvent {
        inbound::parse_webhook(
            br#"{"id":"w","resource":"messages","event":"created","orgId":"o1","data":{"id":"m1","personId":"p1"}}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_message_becomes_an_invocation_with_or_without_the_prefix_and_mention() {
        let bot = BotIdentity {
            person_id: "bot".to_owned(),
            names: vec!["ChatOps Bot".to_owned()],
        };
        for (text, room_type) in [
            ("chatops access nautobot", "direct"),
            ("/chatops access nautobot", "direct"),
            ("ChatOps Bot /chatops access nautobot", "group"),
            ("ChatOps: chatops access   nautobot", "group"),
        ] {
            let message = message(text, room_type);
            let asker = asker(
                &event(),
                &message.room_id,
                &message.person_id,
                message.person_email.clone(),
            );
            let parsed = parse("/", &bot, &message);
            let invocation = asker.invocation("webex", PlatformType::Webex, parsed, message.reply_context());
            assert_eq!(invocation.command, "chatops", "{text}");
            assert_eq!(invocation.subcommand, "access", "{text}");
            assert_eq!(invocation.arguments, ["nautobot"], "{text}");
            assert_eq!(invocation.organization.as_deref(), Some("o1"));
            assert_eq!(invocation.channel.as_deref(), Some("r1"));
            assert_eq!(invocation.user.as_deref(), Some("p1"));
            assert_eq!(
                invocation.reply.thread.as_deref(),
                Some("t1"),
                "answered in the thread"
            );
        }
    }
}
