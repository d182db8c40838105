//! After the webhook is acknowledged: route the command, deliver the answer,
//! and leave the audit line and metrics behind.

use std::{
    sync::Arc,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use super::App;
use crate::{
    audit,
    commands::{Outcome, RouteContext, Routed, route, route_answer},
    metrics::CommandLabels,
    model::{Invocation, Level, Message, Reply},
    runtime::Runtime,
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

/// Starts `step` in the background if a command slot is free, and counts the
/// request as `accepted`; returns false, counted as `busy`, when none is (the
/// caller then tells the user in its platform's way).
pub fn spawn(app: &Arc<App>, runtime: Arc<Runtime>, name: &str, endpoint: &str, step: Step) -> bool {
    let Ok(slot) = app.command_slots.clone().try_acquire_owned() else {
        app.metrics.request(name, endpoint, "busy");
        return false;
    };
    app.metrics.request(name, endpoint, "accepted");
    let app_for_task = app.clone();
    let name = name.to_owned();
    app.tasks.spawn(async move {
        run(&app_for_task, &runtime, &name, step).await;
        drop(slot);
    });
    true
}

/// Runs one step to the end. Never panics on user input, never returns an error:
/// whatever happens is told to the user (when possible), logged and counted.
pub async fn run(app: &App, runtime: &Runtime, name: &str, step: Step) {
    let started = Instant::now();
    let Some(platform) = runtime.platforms.get(name) else {
        return;
    };
    let ctx = RouteContext {
        config: &runtime.config,
        grants: &runtime.grants,
        registry: &runtime.registry,
        platform: &platform.settings,
        now: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default(),
        continuation_key: platform.continuation_key,
    };
    let (origin, answered) = match &step {
        Step::Run(invocation) => (invocation.clone(), false),
        Step::Answer { origin, .. } => (origin.clone(), true),
    };
    let routing = async {
        match step {
            Step::Run(invocation) => route(&ctx, invocation).await,
            Step::Answer {
                origin,
                token,
                answers,
            } => route_answer(&ctx, origin, &token, answers).await,
        }
    };
    let dispatcher = &platform.kind;
    let working = tokio::time::timeout(app.command_timeout, routing);
    let finished = tokio::select! {
        finished = working => finished,
        never = dispatcher.keep_typing(&origin.reply) => match never {},
    };
    let mut routed = match finished {
        Ok(routed) => routed,
        Err(_) => timed_out(&ctx, origin, app.command_timeout),
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
    if let Err(err) = delivery {
        tracing::error!(platform = name, error = %err, "could not deliver the answer");
        if !matches!(routed.outcome, Outcome::Errored(_)) {
            routed.outcome = Outcome::Errored(format!("answer not delivered: {err}"));
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

/// The answer when a command outlives its timeout.
fn timed_out(ctx: &RouteContext<'_>, invocation: Invocation, limit: std::time::Duration) -> Routed {
    let identity = crate::commands::resolve_identity(
        ctx.config,
        &invocation.platform,
        ctx.platform,
        invocation.user.as_deref(),
    );
    let text = format!(
        "`{}{} {}` did not finish within {} s and was stopped. Try again, or narrow it down.",
        ctx.prefix(),
        invocation.command,
        invocation.subcommand,
        limit.as_secs()
    );
    Routed {
        reply: Reply::Message(Message::text(Level::Error, text).privately()),
        outcome: Outcome::Errored(format!("timed out after {} s", limit.as_secs())),
        identity,
        invocation,
    }
}
