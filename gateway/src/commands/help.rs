//! Help texts: the command list, a command's sub-command list, and a sub-command's usage.
//!
//! With `restrictHelp`, lists show only what the caller's *user* grants allow, as in the
//! Nautobot app; organization and channel grants are not considered, so the list is the same
//! wherever the user asks.

use super::context::RouteContext;
use super::spec::{CommandSpec, SubcommandSpec};
use crate::model::{Invocation, Level, Message};

/// The list of commands, as a private message.
///
/// With `restrictHelp`, a command is listed when a user grant allows the user some of it.
pub fn command_list(ctx: &RouteContext<'_>, invocation: &Invocation) -> Message {
    let prefix = ctx.prefix();
    let lines: Vec<String> = ctx
        .catalog
        .specs()
        .into_iter()
        .filter(|spec| !ctx.platform.restrict_help || user_may(ctx, invocation, &spec.name, ""))
        .map(|spec| format!("- `{prefix}{}`  {}", spec.name, spec.doc))
        .collect();
    let text = if lines.is_empty() {
        "No command is granted to you; ask an admin for an AccessGrant.".to_owned()
    } else {
        format!("I know these commands:\n{}", lines.join("\n"))
    };
    Message::text(Level::Info, text).privately()
}

/// The list of `spec`'s sub-commands, as text.
///
/// With `restrictHelp`, a sub-command is listed when a user grant allows it to the user.
pub fn subcommand_list(ctx: &RouteContext<'_>, invocation: &Invocation, spec: &CommandSpec) -> String {
    let prefix = ctx.prefix();
    let lines: Vec<String> = spec
        .subcommands
        .iter()
        .filter(|sub| !ctx.platform.restrict_help || user_may(ctx, invocation, &spec.name, &sub.name))
        .map(|sub| format!("- `{}`  {}", usage_line(prefix, &spec.name, sub), sub.doc))
        .collect();
    if lines.is_empty() {
        format!(
            "No `{prefix}{}` sub-command is granted to you; ask an admin for an AccessGrant.",
            spec.name
        )
    } else {
        format!(
            "I know these `{prefix}{}` sub-commands:\n{}",
            spec.name,
            lines.join("\n")
        )
    }
}

/// How to type a sub-command: `/nautobot get-devices [filter-type] [filter-value]`,
/// options last: `/grafana get-traffic [device] [width=…]`.
pub fn usage_line(prefix: &str, command: &str, sub: &SubcommandSpec) -> String {
    let mut line = format!("{prefix}{command} {}", sub.name);
    for param in &sub.params {
        line.push_str(&format!(" [{}]", param.name));
    }
    for option in &sub.options {
        line.push_str(&format!(" [{}=…]", option.name));
    }
    line
}

/// A sub-command's usage line and what it does, then its parameters and
/// options, if any, each with what it takes.
pub fn usage(prefix: &str, command: &str, sub: &SubcommandSpec) -> String {
    let mut usage = format!("Usage: `{}`\n{}", usage_line(prefix, command, sub), sub.doc);
    if !sub.params.is_empty() {
        usage.push_str("\nParameters:");
        for param in &sub.params {
            let optional = if param.optional { " (optional)" } else { "" };
            usage.push_str(&format!("\n- `{}`{optional}  {}", param.name, param.doc));
        }
    }
    if !sub.options.is_empty() {
        usage.push_str("\nOptions:");
        for option in &sub.options {
            usage.push_str(&format!("\n- `{}=`  {}", option.name, option.doc));
        }
    }
    usage
}

/// Whether the user's own grants allow `command subcommand` (`""`: any of `command`).
pub(crate) fn user_may(
    ctx: &RouteContext<'_>,
    invocation: &Invocation,
    command: &str,
    subcommand: &str,
) -> bool {
    ctx.grants.user_grant_allows(
        &invocation.platform,
        invocation.user.as_deref(),
        command,
        subcommand,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_follow_the_parameters_in_the_usage_and_are_listed_with_their_docs() {
        let sub = SubcommandSpec::new("get-traffic", "Traffic of an interface")
            .param("device", "The device")
            .option("width", "Pixels")
            .option("theme", "dark or light");
        assert_eq!(
            usage("/", "grafana", &sub),
            "Usage: `/grafana get-traffic [device] [width=…] [theme=…]`\nTraffic of an interface\n\
             Parameters:\n- `device`  The device\n\
             Options:\n- `width=`  Pixels\n- `theme=`  dark or light"
        );
    }
}
