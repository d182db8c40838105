//! `chatops access [command]`: what the grants let the caller run here, and for what they do
//! not, the scope and the ID an AccessGrant must name.

use super::super::call::Call;
use super::super::help::user_may;
use super::super::spec::CommandSpec;
use crate::access::{Decision, Request};
use crate::model::{Block, Choice, Level, Message, Reply, Table};

/// The argument that asks for the overview of every command.
const ALL: &str = "all";

/// Without an argument, a menu of the commands (the gateway's own example of a prompt); with
/// `all`, one row per command; with a command, one row per sub-command.
///
/// With `restrictHelp`, commands and sub-commands the caller's user grants do not allow are
/// left out, as help leaves them out.
pub(super) fn access(call: &Call<'_>) -> Reply {
    let Some(target) = call.arg(0) else {
        let mut choices: Vec<Choice> = visible_commands(call)
            .map(|spec| Choice::same(&spec.name))
            .collect();
        choices.push(Choice {
            label: "all commands".to_owned(),
            value: ALL.to_owned(),
        });
        return call.menu("Which command do you want to check?", choices);
    };
    if target == ALL {
        return answer(overview(call));
    }
    match visible_commands(call).find(|spec| spec.name == target) {
        Some(spec) => answer(per_subcommand(call, spec)),
        None => Reply::Message(
            Message::text(
                Level::Error,
                format!("I don't know the command `{}{target}`.", call.prefix()),
            )
            .privately(),
        ),
    }
}

fn answer(table: Table) -> Reply {
    Reply::Message(Message {
        title: Some("Your access here".to_owned()),
        blocks: vec![Block::Table(table)],
        private: true,
        ..Default::default()
    })
}

/// One row per command: how many of its sub-commands are allowed, and the first missing grant.
fn overview(call: &Call<'_>) -> Table {
    let rows = visible_commands(call)
        .map(|spec| {
            let checks = checks(call, spec);
            let allowed = checks.iter().filter(|(_, missing)| missing.is_none()).count();
            let first_missing = checks.iter().find_map(|(_, missing)| missing.clone());
            vec![
                format!("{}{}", call.prefix(), spec.name),
                format!("{allowed} of {}", checks.len()),
                first_missing.unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        title: "Commands".to_owned(),
        columns: vec![
            "Command".to_owned(),
            "Sub-commands allowed".to_owned(),
            "Missing grant".to_owned(),
        ],
        rows,
    }
}

/// One row per sub-command of `spec`: allowed, or the grant that is missing.
fn per_subcommand(call: &Call<'_>, spec: &CommandSpec) -> Table {
    let rows = checks(call, spec)
        .into_iter()
        .map(|(sub, missing)| {
            let allowed = if missing.is_none() { "yes" } else { "no" };
            vec![sub, allowed.to_owned(), missing.unwrap_or_default()]
        })
        .collect();
    Table {
        title: format!("{}{}", call.prefix(), spec.name),
        columns: vec![
            "Sub-command".to_owned(),
            "Allowed".to_owned(),
            "Missing grant".to_owned(),
        ],
        rows,
    }
}

/// Each visible sub-command of `spec` (the bare command if it has none) with the missing grant
/// as `scope ID`, `None` when allowed.
fn checks(call: &Call<'_>, spec: &CommandSpec) -> Vec<(String, Option<String>)> {
    let subs: Vec<&str> = if spec.subcommands.is_empty() {
        vec![""]
    } else {
        spec.subcommands
            .iter()
            .map(|sub| sub.name.as_str())
            .filter(|sub| {
                !call.ctx.platform.restrict_help || user_may(call.ctx, call.invocation, &spec.name, sub)
            })
            .collect()
    };
    subs.into_iter()
        .map(|sub| (sub.to_owned(), missing_grant(call, &spec.name, sub)))
        .collect()
}

fn missing_grant(call: &Call<'_>, command: &str, subcommand: &str) -> Option<String> {
    let invocation = call.invocation;
    let request = Request {
        platform: &invocation.platform,
        organization: invocation.organization.as_deref(),
        channel: invocation.channel.as_deref(),
        user: invocation.user.as_deref(),
        command,
        subcommand,
    };
    match call.ctx.grants.check(&request) {
        Decision::Allowed => None,
        Decision::Denied(denial) => Some(match denial.id {
            Some(id) => format!("{} {id}", denial.scope),
            None => format!("{} (no ID sent)", denial.scope),
        }),
    }
}

/// The commands help would list to the caller.
fn visible_commands<'a>(call: &'a Call<'a>) -> impl Iterator<Item = &'a CommandSpec> + 'a {
    call.ctx.catalog.specs().into_iter().filter(|spec| {
        !call.ctx.platform.restrict_help || user_may(call.ctx, call.invocation, &spec.name, "")
    })
}
