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

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::{
    Json,
    http::{StatusCode, header::AUTHORIZATION},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    admission::{Request, Stop, Webhook},
    pipeline,
    refusal::Refusal,
    replay,
};
use chatops_crds::PlatformType;

use crate::{
    commands::{ParsedCommand, parse_slash, strip_command_prefix},
    model::Invocation,
    platforms::asker::Asker,
    platforms::teams::{
        activity::{self, Activity, Triage},
        cards, verify,
    },
    runtime::PlatformKind,
};

const ENDPOINT: &str = "messages";

/// How long an activity's id is remembered at least, for the Bot
/// Framework's retries of a delivery it thinks failed (they come within
/// minutes, each with a token of its own).
const RETRY_WINDOW: Duration = Duration::from_secs(10 * 60);

/// `POST /hooks/{name}/messages` on a Teams platform.
pub(super) struct Messages;

/// The token's verified claims, and when they were checked.
pub(super) struct Authenticated {
    verified: verify::Verified,
    now: u64,
}

/// An activity to run once.
pub(super) struct Admitted {
    activity: Activity,
    triaged: Triage,
    /// How long its id is remembered.
    window: Duration,
}

impl Admitted {
    /// An Action.Execute is an invoke: Teams waits for an invoke response.
    fn invoke(&self) -> bool {
        matches!(self.triaged, Triage::Execute(_))
    }
}

impl Webhook for Messages {
    const TYPE: PlatformType = PlatformType::Msteams;
    const ENDPOINT: &'static str = ENDPOINT;
    type Verified = Authenticated;
    type Admitted = Admitted;

    async fn verify(request: &Request<'_>) -> Result<Authenticated, Stop> {
        let PlatformKind::Teams { app_id, issuers, .. } = &request.platform.kind else {
            return Err(Refusal::unknown_platform(Self::KIND, request.name).into());
        };
        let authorization = request.raw.header(AUTHORIZATION.as_str());
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let keys = &request.app.teams_keys;
        match keys.authenticate(authorization, app_id, issuers, now).await {
            Ok(verified) => Ok(Authenticated { verified, now }),
            Err(err) => Err(unverified(&err).into()),
        }
    }

    fn parse(request: &Request<'_>, token: Authenticated) -> Result<Admitted, Stop> {
        let activity = activity::parse(&request.raw.body).map_err(Refusal::malformed)?;
        verify::check_activity(&token.verified, &activity.service_url, &activity.channel_id)
            .map_err(|err| unverified(&err))?;
        let triaged = activity::triage(&activity);
        if let Triage::Ignore(reason) = &triaged {
            tracing::debug!(platform = %request.name, activity_type = %activity.activity_type, reason, "Teams activity ignored");
            return Err(request.ignored());
        };
        // The Bot Framework gives every activity an id; one without could not be
        // told from its own replay, so it is refused rather than run unguarded.
        if activity.id.as_deref().is_none_or(str::is_empty) {
            return Err(Refusal::malformed("the activity has no id").into());
        }
        // Remembered while the token that carried it is accepted (a replay of
        // this request needs that token), and at least through the retries.
        let token_ends = token
            .verified
            .claims
            .expires_at
            .saturating_add(verify::LEEWAY_SECONDS);
        let window = replay::until_unix(
            i64::try_from(token_ends).unwrap_or(i64::MAX),
            i64::try_from(token.now).unwrap_or(i64::MAX),
        )
        .max(RETRY_WINDOW);
        Ok(Admitted {
            activity,
            triaged,
            window,
        })
    }

    async fn dedupe(request: &Request<'_>, admitted: &Admitted) -> Result<(), Stop> {
        let activity = &admitted.activity;
        let key: [&[u8]; 3] = [
            request.name.as_bytes(),
            activity.conversation_id.as_bytes(),
            activity.id.as_deref().unwrap_or_default().as_bytes(),
        ];
        request
            .first_time(&request.app.teams_activities, &key, admitted.window, || {
                request.duplicate(acknowledged(admitted.invoke()))
            })
            .await
    }

    async fn start(request: &Request<'_>, admitted: Admitted) -> Response {
        let (name, invoke) = (request.name, admitted.invoke());
        let activity = &admitted.activity;
        let step = match admitted.triaged {
            Triage::Command(text) => {
                let prefix = &request.platform.settings.command_prefix;
                pipeline::Step::Run(invocation(name, activity, parse(prefix, &text)))
            }
            Triage::Submit(value) | Triage::Execute(value) => match cards::prompt_answer(&value) {
                Ok(answer) => pipeline::Step::Answer {
                    origin: invocation(name, activity, ParsedCommand::default()),
                    token: answer.token,
                    answers: answer.answers,
                },
                Err(err) => {
                    tracing::info!(platform = %name, error = %err, "a card submission that answers no chatops prompt; ignored");
                    request.count("ignored");
                    return acknowledged(invoke);
                }
            },
            // Answered by `parse`.
            Triage::Ignore(_) => return StatusCode::OK.into_response(),
        };
        if let Err(busy) = request.spawn(step).await {
            tell_busy(request, activity, busy.to_string());
        }
        acknowledged(invoke)
    }
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
fn unverified(err: &verify::VerifyError) -> Refusal {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let outcome = if status == StatusCode::SERVICE_UNAVAILABLE {
        "keys_unavailable"
    } else {
        "unverified"
    };
    Refusal::new(status, outcome, err.to_string())
}

/// Tells the conversation the gateway is busy (`text`: which limit), as a reply to the activity.
fn tell_busy(request: &Request<'_>, activity: &Activity, text: String) {
    super::tell_busy(
        request.app,
        request.runtime,
        request.name,
        activity.reply_context(),
        text,
    );
}

/// Who acted, where, and how to reply; `parsed` is empty for a card's answer
/// (its command comes from the continuation).
fn invocation(name: &str, activity: &Activity, parsed: ParsedCommand) -> Invocation {
    let asker = Asker {
        organization: activity.tenant.clone(),
        channel: Some(activity.grant_channel()),
        user: activity.user(),
        user_name: activity.from_name.clone(),
    };
    asker.invocation(name, PlatformType::Msteams, parsed, activity.reply_context())
}

/// A message's text (the bot's mention already removed) as a command: its
/// first word the command (the platform's prefix, if typed, removed).
fn parse(prefix: &str, text: &str) -> ParsedCommand {
    let (command, rest) = text.split_once(' ').unwrap_or((text, ""));
    parse_slash(strip_command_prefix(prefix, command), rest.trim())
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
            let parsed = parse("/", &activity::command_text(&activity));
            let expected = Invocation {
                platform: "teams".into(),
                platform_type: PlatformType::Msteams,
                organization: Some("t1".into()),
                channel: Some("19:c@thread.skype".into()),
                user: Some("aad-1".into()),
                user_name: Some("Megan".into()),
                command: "chatops".into(),
                subcommand: "access".into(),
                arguments: vec!["nautobot".into()],
                menu_offset: 0,
                reply: activity.reply_context(),
            };
            assert_eq!(invocation("teams", &activity, parsed), expected, "{text}");
            assert_eq!(expected.reply.thread.as_deref(), Some("a1"));
        }
    }
}
