//! From an invocation to a reply: access grants first, then help, usage and unknown names, then
//! the command itself. Typed commands and answers to prompts take the same path, so a prompt
//! never lets anyone past a grant that has since been removed.

use tracing::Instrument as _;

use super::call::Call;
use super::command::Command;
use super::context::RouteContext;
use super::continuation::{self, ContinuationError, Resumed};
use super::help;
use super::identity::resolve_identity;
use super::outcome::Outcome;
use super::registry::Registry;
use crate::access::{Denial, Request};
use crate::model::{Block, Identity, Invocation, Level, Message, Reply};

/// A routed command: what to answer, and what to log about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Routed {
    /// The invocation as run: for an answered prompt, the command it completed.
    pub invocation: Invocation,
    /// Who it acted as.
    pub identity: Identity,
    /// What to send back.
    pub reply: Reply,
    /// How it ended.
    pub outcome: Outcome,
}

/// Routes a typed command to its implementation in `registry`.
pub async fn route(registry: &Registry, ctx: &RouteContext<'_>, invocation: Invocation) -> Routed {
    let identity = identity_of(ctx, &invocation);
    dispatch_traced(registry, ctx, invocation, identity).await
}

/// Routes the answer to a prompt: `token` is the prompt's continuation, `answer` the chosen
/// value or the form's values in field order.
///
/// `origin` says who answered, where, and how to reply (platform, IDs, reply context); its
/// command, sub-command, arguments and menu offset are replaced by the continuation's. Only
/// the user the prompt was sent to, on the same platform, within the platform's
/// `sessionCacheTimeout`, can resume it, and the completed command is checked against the
/// grants again.
pub async fn route_answer(
    registry: &Registry,
    ctx: &RouteContext<'_>,
    mut origin: Invocation,
    token: &str,
    answer: Vec<String>,
) -> Routed {
    let identity = identity_of(ctx, &origin);
    // An answer without a user ID cannot be matched to the user the prompt was sent to.
    let verified = match origin.user.as_deref() {
        Some(user) => continuation::verify(
            token,
            &ctx.continuation_key,
            ctx.now,
            u64::from(ctx.platform.session_cache_timeout_seconds),
            &origin.platform,
            user,
        ),
        None => Err(ContinuationError::WrongUser),
    };
    let state = match verified {
        Ok(state) => state,
        Err(error) => {
            let text = format!("Sorry, {error}. Please run the command again.");
            let reply = Reply::Message(Message::text(Level::Error, text).privately());
            return finish(ctx, origin, identity, reply, Outcome::Rejected(error));
        }
    };
    if origin.channel.is_none() {
        origin.channel = state.channel.clone();
    }
    match continuation::resume(state, answer) {
        Resumed::Cancelled { command, subcommand } => {
            origin.command = command;
            origin.subcommand = subcommand;
            origin.arguments.clear();
            let reply = Reply::Message(Message::text(Level::Info, "Cancelled.").privately());
            finish(ctx, origin, identity, reply, Outcome::Cancelled)
        }
        Resumed::Run {
            command,
            subcommand,
            arguments,
            menu_offset,
        } => {
            origin.command = command;
            origin.subcommand = subcommand;
            origin.arguments = arguments;
            origin.menu_offset = menu_offset;
            dispatch_traced(registry, ctx, origin, identity).await
        }
    }
}

fn identity_of(ctx: &RouteContext<'_>, invocation: &Invocation) -> Identity {
    resolve_identity(
        ctx.config,
        &invocation.platform,
        ctx.platform,
        invocation.user.as_deref(),
    )
}

/// Applies the platform's settings to the reply and packs the result.
fn finish(
    ctx: &RouteContext<'_>,
    invocation: Invocation,
    identity: Identity,
    mut reply: Reply,
    outcome: Outcome,
) -> Routed {
    if ctx.platform.send_all_messages_private
        && let Reply::Message(message) = &mut reply
    {
        message.private = true;
    }
    Routed {
        invocation,
        identity,
        reply,
        outcome,
    }
}

/// Runs [`dispatch`] in a `command` span naming the command, the sub-command and the platform,
/// with the outcome recorded when it ends, and [finishes](finish) the result. The arguments stay
/// out of the span: they may hold secrets.
async fn dispatch_traced(
    registry: &Registry,
    ctx: &RouteContext<'_>,
    invocation: Invocation,
    identity: Identity,
) -> Routed {
    let span = tracing::debug_span!(
        "command",
        command = %invocation.command,
        subcommand = %invocation.subcommand,
        platform = %invocation.platform,
        outcome = tracing::field::Empty,
    );
    let (reply, outcome) = dispatch(registry, ctx, &invocation, &identity)
        .instrument(span.clone())
        .await;
    span.record("outcome", outcome.audit().as_str());
    finish(ctx, invocation, identity, reply, outcome)
}

/// The steps, in the app's order: known command, grants, help, known sub-command, usage, run.
async fn dispatch(
    registry: &Registry,
    ctx: &RouteContext<'_>,
    invocation: &Invocation,
    identity: &Identity,
) -> (Reply, Outcome) {
    let Some(command) = registry.get(&invocation.command) else {
        return unknown_command(ctx, invocation);
    };
    let spec = command.spec();
    // `cmd help` is the same question as a bare `cmd` and needs the same grant (the app asked
    // for a grant on a sub-command literally named "help"), unless the command has one.
    let asks_help = invocation.subcommand == "help" && spec.subcommand("help").is_none();
    let checked = if asks_help {
        ""
    } else {
        invocation.subcommand.as_str()
    };
    let request = Request {
        platform: &invocation.platform,
        organization: invocation.organization.as_deref(),
        channel: invocation.channel.as_deref(),
        user: invocation.user.as_deref(),
        command: &invocation.command,
        subcommand: checked,
    };
    if let Some(denial) = ctx.grants.check(&request).denial() {
        return denied(ctx, invocation, denial);
    }
    if invocation.subcommand.is_empty() || asks_help {
        let list = help::subcommand_list(ctx, invocation, spec);
        return (private(Level::Info, vec![Block::Text(list)]), Outcome::Help);
    }
    let Some(sub) = spec.subcommand(&invocation.subcommand) else {
        let error = format!(
            "I don't know the `{}{}` sub-command \"{}\".",
            ctx.prefix(),
            spec.name,
            invocation.subcommand
        );
        let list = help::subcommand_list(ctx, invocation, spec);
        let detail = format!("unknown sub-command {}", invocation.subcommand);
        return (
            private(Level::Error, vec![Block::Text(error), Block::Text(list)]),
            Outcome::Unknown(detail),
        );
    };
    if invocation.arguments.first().is_some_and(|arg| arg == "help") {
        let usage = help::usage(ctx.prefix(), &spec.name, sub);
        return (private(Level::Info, vec![Block::Text(usage)]), Outcome::Help);
    }
    run(
        command,
        Call {
            ctx,
            invocation,
            identity,
            spec: sub,
        },
    )
    .await
}

async fn run(command: &dyn Command, call: Call<'_>) -> (Reply, Outcome) {
    match command.run(call).await {
        Ok(reply) => {
            let outcome = match &reply {
                Reply::Prompt(_) => Outcome::Prompted,
                Reply::Message(message) if message.level == Level::Error => {
                    Outcome::Failed(first_text(message))
                }
                Reply::Message(_) => Outcome::Succeeded,
            };
            (reply, outcome)
        }
        Err(error) => {
            let text = format!("The command could not finish: {error}");
            (
                private(Level::Error, vec![Block::Text(text)]),
                Outcome::Errored(error.0),
            )
        }
    }
}

/// The command list, after saying what was not understood. No grant is checked: there is no
/// command to check against, and with `restrictHelp` the list shows only granted commands.
fn unknown_command(ctx: &RouteContext<'_>, invocation: &Invocation) -> (Reply, Outcome) {
    let mut message = help::command_list(ctx, invocation);
    let outcome = if invocation.command.is_empty() {
        Outcome::Help
    } else {
        let note = format!(
            "I don't know the command `{}{}`.",
            ctx.prefix(),
            invocation.command
        );
        message.blocks.insert(0, Block::Text(note));
        Outcome::Unknown(format!("unknown command {}", invocation.command))
    };
    (Reply::Message(message), outcome)
}

/// The refusal: which scope failed and the raw ID to put into an AccessGrant.
fn denied(ctx: &RouteContext<'_>, invocation: &Invocation, denial: Denial<'_>) -> (Reply, Outcome) {
    let typed = if invocation.subcommand.is_empty() {
        format!("{}{}", ctx.prefix(), invocation.command)
    } else {
        format!("{}{} {}", ctx.prefix(), invocation.command, invocation.subcommand)
    };
    let mut text = format!("You may not run `{typed}` here. {denial}");
    if let Some(id) = denial.id {
        text.push_str(&format!(
            "\nThe grant needs `command: {}`, `grantType: {}` and `value: {id}`.",
            invocation.command, denial.scope
        ));
    }
    let outcome = Outcome::Denied {
        scope: denial.scope,
        id: denial.id.map(str::to_owned),
    };
    (private(Level::Error, vec![Block::Text(text)]), outcome)
}

fn private(level: Level, blocks: Vec<Block>) -> Reply {
    Reply::Message(Message {
        level,
        blocks,
        private: true,
        ..Default::default()
    })
}

/// The first text of a message, for the audit line of a failure.
fn first_text(message: &Message) -> String {
    message
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Text(text) | Block::Code(text) => Some(text.clone()),
            _ => None,
        })
        .or_else(|| message.title.clone())
        .unwrap_or_default()
}
