//! After the webhook is acknowledged: route the command, deliver the answer,
//! and leave the audit line and metrics behind.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use super::{
    App, follow_ups,
    slots::{Busy, Kind, SlotGuard, user_key},
};
use crate::{
    audit,
    commands::{BUILTIN_COMMAND, FollowUps, Outcome, RouteContext, Routed, route, route_answer},
    metrics::CommandLabels,
    model::{Invocation, Level, Message, Reply, ReplyContext},
    runtime::Runtime,
    shared::{Taken, UserLease},
};

/// What a webhook asks the gateway to do.
pub enum Step {
    /// Run a typed command.
    Run(Invocation),
    /// Resume a command from a prompt's answer. `origin` says who answered,
    /// where, and how to reply; the command itself comes from `token`.
    Answer {
        /// Who answered, where, and how to reply.
        origin: Invocation,
        /// The prompt's signed continuation.
        token: String,
        /// The chosen value, or the form's values in field order.
        answers: Vec<String>,
    },
}

impl Step {
    /// Who asked, where, and how to reply.
    fn origin(&self) -> &Invocation {
        match self {
            Step::Run(invocation) => invocation,
            Step::Answer { origin, .. } => origin,
        }
    }
}

/// How long a user's lease outlives the command timeout: the answer (or
/// the timeout notice) is still being delivered in the slot. A replica that
/// dies mid-command leaves its leases to end after this, at the latest.
const LEASE_MARGIN: Duration = Duration::from_secs(60);

/// A command slot: this replica's, and with a shared state the user's lease
/// across replicas. Both are given back when it drops.
#[derive(Debug)]
pub struct Slot {
    guard: SlotGuard,
    _lease: Option<UserLease>,
}

/// Takes a slot for a command of `kind` by `user` (a [`user_key`]): first
/// under this replica's limits, then, with a shared state, under the
/// per-user limit counted across replicas (when Redis does not answer, the
/// replica's own count is the limit).
pub async fn take_slot(app: &App, user: &str, kind: Kind) -> Result<Slot, Busy> {
    let guard = app.command_slots.try_take(user, kind)?;
    let limit = app.command_slots.limits().per_user;
    let lease = app.command_timeout.saturating_add(LEASE_MARGIN);
    match app.shared.user_lease(user, limit, lease).await {
        Taken::Lease(lease) => Ok(Slot {
            guard,
            _lease: Some(lease),
        }),
        Taken::NotShared => Ok(Slot { guard, _lease: None }),
        Taken::AtLimit => Err(Busy::User { limit }),
    }
}

/// Starts `step` in the background if a command slot is free for it, and
/// counts the request as `accepted`; otherwise counts it under the limit
/// that refused it (`busy_user`, `busy_integration`, `busy`) and returns
/// that limit, whose `Display` the caller tells the user in its platform's way.
pub async fn spawn(
    app: &Arc<App>,
    runtime: Arc<Runtime>,
    name: &str,
    endpoint: &str,
    step: Step,
) -> Result<(), Busy> {
    let kind = slot_kind(&runtime, name, &step);
    let slot = match take_slot(app, &step_user(&step), kind).await {
        Ok(slot) => slot,
        Err(busy) => {
            app.metrics.request(name, endpoint, busy.outcome());
            return Err(busy);
        }
    };
    app.metrics.request(name, endpoint, "accepted");
    let app_for_task = app.clone();
    let name = name.to_owned();
    app.tasks.spawn(async move {
        run(&app_for_task, &runtime, &name, step).await;
        drop(slot);
    });
    Ok(())
}

/// Runs `step` in `slot`, a slot taken before the command was known (Webex:
/// the message is fetched after the webhook is acknowledged). The slot is
/// settled first; if the command's own limit refuses it, the user is told
/// which, and the request is counted under that limit.
pub async fn run_in_slot(
    app: &Arc<App>,
    runtime: &Runtime,
    name: &str,
    endpoint: &str,
    step: Step,
    mut slot: Slot,
) {
    if let Err(busy) = slot.guard.settle(slot_kind(runtime, name, &step)) {
        drop(slot);
        app.metrics.request(name, endpoint, busy.outcome());
        tracing::warn!(
            platform = name,
            reason = busy.outcome(),
            "command refused: {busy}"
        );
        say_busy(runtime, name, &step.origin().reply, busy.to_string()).await;
        return;
    }
    run(app, runtime, name, step).await;
    drop(slot);
}

/// Tells the user at `to` that the gateway is busy (`text`: which limit), as
/// a warning of its own; a failure is logged, as there is no one left to tell.
pub async fn say_busy(runtime: &Runtime, name: &str, to: &ReplyContext, text: String) {
    let Some(platform) = runtime.platforms.get(name) else {
        return;
    };
    let notice = Reply::Message(Message::text(Level::Warning, text));
    if let Err(err) = platform.kind.send(to, &notice).await {
        tracing::warn!(platform = name, error = %err, "could not say the gateway is busy");
    }
}

/// The user whose slots `step` counts against.
fn step_user(step: &Step) -> String {
    let invocation = step.origin();
    user_key(
        &invocation.platform,
        invocation.organization.as_deref(),
        invocation.user.as_deref(),
    )
}

/// What `step` runs, as far as its slot is concerned. A prompt answer names
/// its command only inside its signed continuation, so the continuation is
/// checked here as [`route_answer`] will check it; one that does not verify
/// will only be refused, and counts as [`Kind::Other`] (never the
/// integration it claims, nor the built-in command's reserve).
pub fn slot_kind(runtime: &Runtime, name: &str, step: &Step) -> Kind {
    let command = match step {
        Step::Run(invocation) => invocation.command.clone(),
        Step::Answer { origin, token, .. } => {
            let (Some(platform), Some(user)) = (runtime.platforms.get(name), origin.user.as_deref()) else {
                return Kind::Other;
            };
            match crate::commands::verify(
                token,
                &platform.continuation_key,
                unix_secs(),
                u64::from(platform.settings.session_cache_timeout_seconds),
                &origin.platform,
                user,
            ) {
                Ok(continuation) => continuation.command,
                Err(_) => return Kind::Other,
            }
        }
    };
    if command == BUILTIN_COMMAND {
        Kind::Builtin
    } else if runtime.registry.get(&command).is_some() {
        Kind::Integration(command)
    } else {
        Kind::Other
    }
}

/// Runs one step to the end. Never panics on user input, never returns an error:
/// whatever happens is told to the user (when possible), logged and counted.
pub async fn run(app: &Arc<App>, runtime: &Runtime, name: &str, step: Step) {
    let started = Instant::now();
    let Some(platform) = runtime.platforms.get(name) else {
        return;
    };
    let follow_ups = FollowUps::default();
    let ctx = RouteContext {
        config: &runtime.config,
        grants: &runtime.grants,
        catalog: &runtime.registry,
        platform: &platform.settings,
        now: unix_secs(),
        continuation_key: platform.continuation_key,
        follow_ups: &follow_ups,
    };
    let (origin, answered) = (step.origin().clone(), matches!(step, Step::Answer { .. }));
    let routing = async {
        match step {
            Step::Run(invocation) => route(&runtime.registry, &ctx, invocation).await,
            Step::Answer {
                origin,
                token,
                answers,
            } => route_answer(&runtime.registry, &ctx, origin, &token, answers).await,
        }
    };
    let dispatcher = &platform.kind;
    let working = tokio::time::timeout(app.command_timeout, routing);
    let finished = tokio::select! {
        finished = working => Some(finished),
        never = dispatcher.keep_typing(&origin.reply) => match never {},
        // The shutdown grace period is over: say so rather than go silent.
        () = app.shutdown.abandoned() => None,
    };
    let mut routed = match finished {
        Some(Ok(routed)) => routed,
        Some(Err(_)) => timed_out(&ctx, origin, app.command_timeout),
        None => abandoned(&ctx, origin),
    };

    // A refused answer (someone else's prompt, a forged or expired
    // continuation) leaves the prompt for the user it was sent to.
    if answered
        && platform.settings.delete_input_on_submission
        && !matches!(routed.outcome, Outcome::Rejected(_))
        && let Err(err) = dispatcher.delete_prompt(&routed.invocation.reply).await
    {
        tracing::warn!(platform = name, error = %err, "could not delete the answered prompt");
    }
    let delivery = dispatcher.send(&routed.invocation.reply, &routed.reply).await;
    let delivered = if delivery.is_ok() { "ok" } else { "error" };
    app.metrics
        .outbound
        .get_or_create(&crate::metrics::OutboundLabels {
            platform: name.to_owned(),
            outcome: delivered.to_owned(),
        })
        .inc();
    match delivery {
        // What a command promised for later starts once its answer is out;
        // an answer that did not arrive takes its promises with it.
        Ok(()) => follow_ups::start(app, name, &routed.invocation.reply, follow_ups.take()),
        Err(err) => {
            tracing::error!(platform = name, error = %err, "could not deliver the answer");
            if !matches!(routed.outcome, Outcome::Errored(_)) {
                routed.outcome = Outcome::Errored(format!("answer not delivered: {err}"));
            }
        }
    }

    let took = started.elapsed();
    let outcome = routed.outcome.audit();
    audit::record(
        &routed.invocation,
        Some(&routed.identity),
        &outcome,
        &routed.outcome.detail(),
        took,
    );
    // Only configured commands become label values, so typos cannot grow the metric.
    let command = if runtime.registry.get(&routed.invocation.command).is_some() {
        routed.invocation.command.clone()
    } else {
        "unknown".to_owned()
    };
    let labels = CommandLabels {
        platform: name.to_owned(),
        command,
        outcome: outcome.as_str().to_owned(),
    };
    app.metrics.commands.get_or_create(&labels).inc();
    app.metrics
        .command_duration
        .get_or_create(&labels)
        .observe(took.as_secs_f64());
}

/// Now, in Unix seconds (as continuations count time).
fn unix_secs() -> u64 {
    u64::try_from(super::admission::unix_now()).unwrap_or_default()
}

/// The answer when a command outlives its timeout.
fn timed_out(ctx: &RouteContext<'_>, invocation: Invocation, limit: std::time::Duration) -> Routed {
    let text = format!(
        "`{}` did not finish within {} s and was stopped. Try again, or narrow it down.",
        typed(ctx, &invocation),
        limit.as_secs()
    );
    stopped(
        ctx,
        invocation,
        text,
        format!("timed out after {} s", limit.as_secs()),
    )
}

/// The answer when the gateway stops (a rolling update, a node drained)
/// while the command still runs, after the shutdown grace period. The
/// backend may have done some of it (a job launched), so the user is told
/// to check before running it again.
fn abandoned(ctx: &RouteContext<'_>, invocation: Invocation) -> Routed {
    let text = format!(
        "The gateway stopped (restarted or upgraded) before `{}` finished, so there is no answer to it. \
         It may have done part of its work: check, then run it again.",
        typed(ctx, &invocation)
    );
    stopped(ctx, invocation, text, "abandoned: the gateway stopped".to_owned())
}

/// The command as the user typed it: prefix, command, sub-command.
fn typed(ctx: &RouteContext<'_>, invocation: &Invocation) -> String {
    format!("{}{} {}", ctx.prefix(), invocation.command, invocation.subcommand)
}

/// A command stopped before its end: `text` told to its user, privately,
/// and `why` in the audit line.
fn stopped(ctx: &RouteContext<'_>, invocation: Invocation, text: String, why: String) -> Routed {
    let identity = crate::commands::resolve_identity(
        ctx.config,
        &invocation.platform,
        ctx.platform,
        invocation.user.as_deref(),
    );
    Routed {
        reply: Reply::Message(Message::text(Level::Error, text).privately()),
        outcome: Outcome::Errored(why),
        identity,
        invocation,
    }
}
