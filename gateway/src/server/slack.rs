//! Slack's webhooks: `/hooks/{name}/commands`, `/interactions` and `/events`.
//!
//! Every request's signature is verified over the raw body before anything
//! is parsed; Slack is answered at once (its deadline is 3 s), and the
//! command runs in the background.

use std::{future::Future, marker::PhantomData, time::Duration};

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    App,
    admission::{Raw, Request, Stop, Webhook, unix_now},
    metric_platform, pipeline,
    refusal::Refusal,
    replay::{self, Replay},
};
use chatops_crds::PlatformType;

use crate::{
    commands::{ParsedCommand, parse_command_text, parse_slash, strip_command_prefix},
    model::ReplyContext,
    platforms::asker::Asker,
    platforms::slack::{
        inbound::{self, AppMention, BlockActions, Event, Interaction, SlashCommand, ViewSubmission},
        verify,
    },
    runtime::PlatformKind,
};

/// A slash command.
pub(super) struct Commands<T = Webhooks>(PhantomData<T>);
/// A menu choice, a button, a form submission.
pub(super) struct Interactions<T = Webhooks>(PhantomData<T>);
/// The Events API (URL verification, app mentions).
pub(super) struct Events<T = Webhooks>(PhantomData<T>);

/// How Slack's requests reach the gateway: over webhooks, or down Socket
/// Mode connections (`socket::envelopes`). Each kind of request is admitted
/// by one [`Webhook`] for both; a transport says only what verifying means,
/// how its bodies are read, and how its endpoints are counted.
pub(super) trait Transport: Send + Sync + 'static {
    /// The `endpoint` labels of commands, interactions and events.
    const ENDPOINTS: [&'static str; 3];

    /// Verifies a slash command or an interaction, and lets each through once.
    fn verify_request(request: &Request<'_>) -> impl Future<Output = Result<(), Stop>> + Send;

    /// Verifies an event (each event runs once anyway, by its ID).
    fn verify_event(request: &Request<'_>) -> impl Future<Output = Result<(), Stop>> + Send;

    /// Reads a slash command.
    fn slash_command(body: &[u8]) -> Result<SlashCommand, inbound::ParseError>;

    /// Reads an interaction.
    fn interaction(body: &[u8]) -> Result<Interaction, inbound::ParseError>;

    /// What a slash command is answered before anything else (Slack's SSL check).
    fn early_command(_app: &App, _name: &str, _raw: &Raw) -> Option<Response> {
        None
    }
}

/// `/hooks/{name}/commands`, `/interactions` and `/events`: signed requests.
pub(super) struct Webhooks;

impl Transport for Webhooks {
    const ENDPOINTS: [&'static str; 3] = ["commands", "interactions", "events"];

    async fn verify_request(request: &Request<'_>) -> Result<(), Stop> {
        verify_signature(request)?;
        once(request).await
    }

    async fn verify_event(request: &Request<'_>) -> Result<(), Stop> {
        verify_signature(request)
    }

    fn slash_command(body: &[u8]) -> Result<SlashCommand, inbound::ParseError> {
        inbound::parse_slash_command(body)
    }

    fn interaction(body: &[u8]) -> Result<Interaction, inbound::ParseError> {
        inbound::parse_interaction(body)
    }

    /// Slack's periodic certificate check (`ssl_check=1`) may come unsigned
    /// and asks for nothing but a 200; it never reaches a command.
    fn early_command(app: &App, name: &str, raw: &Raw) -> Option<Response> {
        if !inbound::is_ssl_check(&raw.body) {
            return None;
        }
        app.metrics
            .request(metric_platform(app, name), Self::ENDPOINTS[0], "ssl_check");
        Some(StatusCode::OK.into_response())
    }
}

/// Checks the request's signature with the platform's signing secret.
fn verify_signature(request: &Request<'_>) -> Result<(), Stop> {
    let signing_secret = match &request.platform.kind {
        PlatformKind::Slack {
            signing_secret: Some(signing_secret),
            ..
        } => signing_secret,
        // Socket Mode has no signing secret: nothing may come in over HTTP.
        PlatformKind::Slack { socket: Some(_), .. } => {
            return Err(Refusal::socket_mode_only(request.name).into());
        }
        _ => return Err(Refusal::unknown_platform(Commands::<Webhooks>::KIND, request.name).into()),
    };
    let raw = request.raw;
    verify::verify(
        signing_secret.as_bytes(),
        raw.header("x-slack-request-timestamp"),
        raw.header("x-slack-signature"),
        &raw.body,
        unix_now(),
    )
    .map_err(|err| Refusal::unverified(err).into())
}

impl<T: Transport> Webhook for Commands<T> {
    const TYPE: PlatformType = PlatformType::Slack;
    const ENDPOINT: &'static str = T::ENDPOINTS[0];
    type Verified = ();
    type Admitted = SlashCommand;

    fn early(app: &App, name: &str, raw: &Raw) -> Option<Response> {
        T::early_command(app, name, raw)
    }

    async fn verify(request: &Request<'_>) -> Result<(), Stop> {
        T::verify_request(request).await
    }

    fn parse(request: &Request<'_>, (): ()) -> Result<SlashCommand, Stop> {
        T::slash_command(&request.raw.body).map_err(|err| Refusal::malformed(err).into())
    }

    async fn start(request: &Request<'_>, command: SlashCommand) -> Response {
        let prefix = &request.platform.settings.command_prefix;
        start(request, slash_command_step(prefix, request.name, command)).await
    }
}

impl<T: Transport> Webhook for Interactions<T> {
    const TYPE: PlatformType = PlatformType::Slack;
    const ENDPOINT: &'static str = T::ENDPOINTS[1];
    type Verified = ();
    type Admitted = pipeline::Step;

    async fn verify(request: &Request<'_>) -> Result<(), Stop> {
        T::verify_request(request).await
    }

    fn parse(request: &Request<'_>, (): ()) -> Result<pipeline::Step, Stop> {
        let interaction = T::interaction(&request.raw.body).map_err(Refusal::malformed)?;
        interaction_step(request, interaction)
    }

    async fn start(request: &Request<'_>, step: pipeline::Step) -> Response {
        start(request, step).await
    }
}

/// How long an event's ID is remembered. Slack's last retry comes about 6
/// minutes after the first delivery, each signed at its sending and
/// acceptable for 5 minutes after: an hour covers them with room to spare.
const EVENT_WINDOW: Duration = Duration::from_secs(3600);

impl<T: Transport> Webhook for Events<T> {
    const TYPE: PlatformType = PlatformType::Slack;
    const ENDPOINT: &'static str = T::ENDPOINTS[2];
    type Verified = ();
    type Admitted = AppMention;

    async fn verify(request: &Request<'_>) -> Result<(), Stop> {
        T::verify_event(request).await
    }

    fn parse(request: &Request<'_>, (): ()) -> Result<AppMention, Stop> {
        let event = inbound::parse_event(&request.raw.body).map_err(Refusal::malformed)?;
        mention_of(request, event)
    }

    /// Slack redelivers events it thinks were not acknowledged, over
    /// webhooks or over any Socket Mode connection: each event runs once.
    async fn dedupe(request: &Request<'_>, mention: &AppMention) -> Result<(), Stop> {
        let key: [&[u8]; 2] = [request.name.as_bytes(), mention.event_id.as_bytes()];
        request
            .first_time(&request.app.slack_events, &key, EVENT_WINDOW, || {
                request.duplicate(StatusCode::OK.into_response())
            })
            .await
    }

    async fn start(request: &Request<'_>, mention: AppMention) -> Response {
        start(request, mention_step(request.name, mention)).await
    }
}

/// The step of an interaction: a menu choice, a button, a form; any other
/// kind of interaction is acknowledged and ignored.
fn interaction_step(request: &Request<'_>, interaction: Interaction) -> Result<pipeline::Step, Stop> {
    match interaction {
        Interaction::BlockActions(actions) => {
            block_actions_step(request.name, actions).ok_or_else(|| request.ignored())
        }
        Interaction::ViewSubmission(view) => Ok(view_submission_step(request.name, view)),
        Interaction::Other(_) => Err(request.ignored()),
    }
}

/// The mention an event carries; a URL check is answered with its
/// challenge, any other event acknowledged and ignored.
fn mention_of(request: &Request<'_>, event: Event) -> Result<AppMention, Stop> {
    match event {
        Event::UrlVerification { challenge } => {
            request.count("accepted");
            Err(Stop::answered(
                Json(json!({ "challenge": challenge })).into_response(),
            ))
        }
        Event::AppMention(mention) => Ok(mention),
        Event::Other { .. } => Err(request.ignored()),
    }
}

/// The step of a mention of the bot: `@bot nautobot get-devices`.
fn mention_step(name: &str, mention: AppMention) -> pipeline::Step {
    let reply = ReplyContext {
        conversation: Some(mention.channel.clone()),
        // Answer a mention in its thread, or start one under it.
        thread: Some(mention.thread_ts.unwrap_or(mention.ts)),
        user: Some(mention.user.clone()),
        ..Default::default()
    };
    let asker = asker(mention.team_id, Some(mention.channel), mention.user, None);
    run(name, asker, parse_command_text(&mention.text), reply)
}

/// How long a request's body is remembered for Slack's retries, which come
/// within about 5 minutes of the first delivery (at once, after a minute,
/// after five).
pub(super) const RETRY_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Runs each signed request once (slash commands and interactions; events
/// are deduplicated on their `event_id`). Call it once the signature passed.
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
async fn once(request: &Request<'_>) -> Result<(), Stop> {
    let (app, name, raw) = (request.app, request.name, request.raw);
    let sent_at = raw
        .header("x-slack-request-timestamp")
        .and_then(|t| t.trim().parse::<i64>().ok());
    let (Some(signature), Some(sent_at)) = (raw.header("x-slack-signature"), sent_at) else {
        // The signature check needed both; refuse rather than run unguarded.
        return Err(Refusal::unverified("missing X-Slack-Signature or X-Slack-Request-Timestamp").into());
    };
    let retry = raw.headers.contains_key("x-slack-retry-num");
    let repeated = || match retry {
        true => request.duplicate(StatusCode::OK.into_response()),
        false => Refusal::replayed().into(),
    };
    let window_ends = sent_at.saturating_add(verify::MAX_SKEW_SECS as i64);
    let window = replay::until_unix(window_ends, unix_now());
    let by_signature: [&[u8]; 3] = [name.as_bytes(), b"signature", signature.as_bytes()];
    request
        .first_time(&app.slack_requests, &by_signature, window, repeated)
        .await?;
    let by_body: [&[u8]; 3] = [name.as_bytes(), b"body", &raw.body];
    match app
        .shared
        .first_time(&app.slack_requests, &by_body, RETRY_WINDOW)
        .await
    {
        Ok(()) => Ok(()),
        Err(Replay::Seen) if retry => Err(repeated()),
        Err(Replay::Seen) => Ok(()),
        Err(Replay::Full { retry_after }) => {
            // Refused whole: a retry must not find the signature and be taken for a repeat.
            app.shared.forget(&app.slack_requests, &by_signature).await;
            Err(Refusal::replay_cache_full(retry_after).into())
        }
    }
}

/// The step of a menu choice or button press; none when the interaction holds no action.
fn block_actions_step(name: &str, actions: BlockActions) -> Option<pipeline::Step> {
    let action = actions.actions.into_iter().next()?;
    let answer = action.selected_option_value.or(action.value).unwrap_or_default();
    let reply = ReplyContext {
        conversation: actions.channel_id.clone(),
        thread: actions.thread_ts,
        prompt_message: actions.message_ts,
        response_url: actions.response_url,
        trigger_id: Some(actions.trigger_id),
        user: Some(actions.user_id.clone()),
        ..Default::default()
    };
    let asker = asker(
        actions.team_id,
        actions.channel_id,
        actions.user_id,
        actions.user_name,
    );
    Some(pipeline::Step::Answer {
        origin: asker.invocation(name, PlatformType::Slack, ParsedCommand::default(), reply),
        token: action.action_id,
        answers: vec![answer],
    })
}

/// The step of a submitted form.
fn view_submission_step(name: &str, view: ViewSubmission) -> pipeline::Step {
    // A modal belongs to no channel: the answer goes to the user's DM with the bot.
    let reply = ReplyContext {
        conversation: Some(view.user_id.clone()),
        user: Some(view.user_id.clone()),
        ..Default::default()
    };
    let asker = asker(view.team_id, None, view.user_id, view.user_name);
    pipeline::Step::Answer {
        answers: form_answers(&view.values),
        origin: asker.invocation(name, PlatformType::Slack, ParsedCommand::default(), reply),
        token: view.private_metadata,
    }
}

/// Who asked or answered, in which workspace and channel.
fn asker(team: String, channel: Option<String>, user: String, user_name: Option<String>) -> Asker {
    Asker {
        organization: Some(team),
        channel,
        user,
        user_name,
    }
}

/// The step running `parsed` for `asker`.
fn run(name: &str, asker: Asker, parsed: ParsedCommand, reply: ReplyContext) -> pipeline::Step {
    pipeline::Step::Run(asker.invocation(name, PlatformType::Slack, parsed, reply))
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

/// The step of a slash command: `/nautobot get-devices location ams01`.
fn slash_command_step(prefix: &str, name: &str, command: SlashCommand) -> pipeline::Step {
    let parsed = parse_slash(strip_command_prefix(prefix, &command.command), &command.text);
    let reply = ReplyContext {
        conversation: Some(command.channel_id.clone()),
        thread: command.thread_ts,
        response_url: Some(command.response_url),
        trigger_id: Some(command.trigger_id),
        user: Some(command.user_id.clone()),
        ..Default::default()
    };
    let asker = asker(
        command.team_id,
        Some(command.channel_id),
        command.user_id,
        command.user_name,
    );
    run(name, asker, parsed, reply)
}

/// Acknowledges the request and runs the step in the background, if a slot is free.
async fn start(request: &Request<'_>, step: pipeline::Step) -> Response {
    match request.spawn(step).await {
        Ok(()) => StatusCode::OK.into_response(),
        // Slack shows a 200 body to the user; a 5xx would only say "dispatch_failed".
        Err(busy) => Json(json!({
            "response_type": "ephemeral",
            "text": busy.to_string()
        }))
        .into_response(),
    }
}
