//! The built-in `chatops` command: answers about the gateway itself, without any backend.

mod access;
mod whoami;

use super::call::Call;
use super::command::{Command, CommandFuture};
use super::help;
use super::spec::{CommandSpec, SubcommandSpec};
use crate::model::{Block, Level, Message, Reply, Table};

/// The built-in command's name.
pub const BUILTIN_COMMAND: &str = "chatops";

/// Where the project lives, for `chatops about`.
const PROJECT_URL: &str = "https://github.com/chatops-operator/chatops-operator";

/// The `chatops` command: `help`, `whoami`, `access [command]` and `about`.
#[derive(Debug)]
pub struct Chatops {
    spec: CommandSpec,
}

impl Chatops {
    /// The command with its spec.
    pub fn new() -> Self {
        let spec = CommandSpec::new(
            BUILTIN_COMMAND,
            "Ask the gateway for help, who you are and what you may run",
        )
        .with(SubcommandSpec::new("help", "List the commands I know"))
        .with(SubcommandSpec::new(
            "whoami",
            "Show your IDs here, the user you act as, and the AccountLink to commit",
        ))
        .with(
            SubcommandSpec::new(
                "access",
                "Show which commands the access grants let you run here, and why not",
            )
            .param("command", "A command, or `all` for an overview"),
        )
        .with(SubcommandSpec::new(
            "about",
            "Show the gateway's version and integrations",
        ));
        Chatops { spec }
    }
}

impl Default for Chatops {
    fn default() -> Self {
        Chatops::new()
    }
}

impl Command for Chatops {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        let reply = match call.invocation.subcommand.as_str() {
            "help" => Reply::Message(help::command_list(call.ctx, call.invocation)),
            "whoami" => whoami::whoami(&call),
            "access" => access::access(&call),
            "about" => about(&call),
            // The router runs only sub-commands of the spec; this is a spec without a handler.
            other => Reply::Message(Message::text(
                Level::Error,
                format!("`{other}` is not implemented"),
            )),
        };
        Box::pin(std::future::ready(Ok(reply)))
    }
}

/// The version, the platform, and the integrations configured.
fn about(call: &Call<'_>) -> Reply {
    let invocation = call.invocation;
    let mut blocks = vec![Block::Text(format!(
        "**chatops-gateway {}** serving `{}` ({}).",
        env!("CARGO_PKG_VERSION"),
        invocation.platform,
        invocation.platform_type
    ))];
    let integrations = &call.ctx.config.integrations;
    if integrations.is_empty() {
        blocks.push(Block::Text("No integration is configured.".to_owned()));
    } else {
        blocks.push(Block::Table(Table {
            title: "Integrations".to_owned(),
            columns: vec!["Command".to_owned(), "Type".to_owned()],
            rows: integrations
                .iter()
                .map(|(command, integration)| {
                    vec![
                        format!("{}{command}", call.prefix()),
                        integration.integration_type.as_str().to_owned(),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Text(format!("Project: [chatops-operator]({PROJECT_URL})")));
    Reply::Message(Message {
        title: Some("About this gateway".to_owned()),
        blocks,
        ..Default::default()
    })
}
