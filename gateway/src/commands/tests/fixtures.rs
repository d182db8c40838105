//! A small gateway configuration built in code, and a fake `network` command.

use std::collections::BTreeMap;
use std::sync::Arc;

use chatops_crds::config::{
    AccountLinkConfig, GatewayConfig, GrantRule, IntegrationConfig, PlatformConfig, PlatformCredentials,
    SecretKey,
};
use chatops_crds::{GrantType, IntegrationType, PlatformType};

use crate::access::GrantIndex;
use crate::commands::{
    Call, Command, CommandError, CommandFuture, CommandSpec, FollowUps, Outcome, Registry, RouteContext,
    Routed, SubcommandSpec, derive_key, parse_command_text, route, route_answer,
};
use crate::model::{Block, Choice, Invocation, Level, Message, Prompt, Reply, ReplyContext};

/// The platform every request comes from unless a test says otherwise.
pub const PLATFORM: &str = "slack";
/// When the tests run, in Unix seconds.
pub const NOW: u64 = 1_750_000_000;
/// The sites `network redeploy` offers.
pub const SITES: [&str; 3] = ["ams01", "lax01", "nyc01"];

/// IDs in the org, in the devops channel: admin1 (linked to alice), and an ordinary user.
pub const ADMIN1: &str = "T202B88NN C3030I566 U2049K991";
pub const USER: &str = "T202B88NN C3030I566 U5555";
/// The ordinary user in another channel.
pub const ELSEWHERE: &str = "T202B88NN C1111 U5555";

/// Parses a grant written `command subcommand grant_type name value`.
pub fn grant(line: &str) -> GrantRule {
    let [command, subcommand, grant_type, name, value] = line.split_whitespace().collect::<Vec<_>>()[..]
    else {
        panic!("bad grant {line:?}");
    };
    GrantRule {
        command: command.to_owned(),
        subcommand: subcommand.to_owned(),
        grant_type: match grant_type {
            "organization" => GrantType::Organization,
            "channel" => GrantType::Channel,
            "user" => GrantType::User,
            other => panic!("bad grant type {other}"),
        },
        value: value.to_owned(),
        platform: None,
        name: name.to_owned(),
        source: format!("default/{name}"),
    }
}

/// Table C of the Nautobot docs, plus the built-in command for everyone.
pub const TABLE_C: &[&str] = &[
    "* * organization my-org T202B88NN",
    "chatops * channel any *",
    "chatops * user any *",
    "network * channel devops C3030I566",
    "network history user any *",
    "network redeploy user admin1 U2049K991",
    "network redeploy user admin2 U2039K725",
    "network pick user any *",
    "network status user any *",
    "network broken user any *",
    "network fail user any *",
];

/// The configuration, grants and commands a test routes against.
pub struct Fixture {
    pub config: GatewayConfig,
    pub grants: GrantIndex,
    pub registry: Registry,
    /// What the commands run through this fixture promised for later.
    pub follow_ups: FollowUps,
}

impl Fixture {
    /// Table C's grants, admin1 linked to alice, the `network` command.
    pub fn new() -> Self {
        Fixture::with_grants(TABLE_C)
    }

    pub fn with_grants(lines: &[&str]) -> Self {
        let grants: Vec<GrantRule> = lines.iter().map(|line| grant(line)).collect();
        let platform = PlatformConfig {
            source: "default/slack".to_owned(),
            platform_type: PlatformType::Slack,
            credentials: PlatformCredentials::Slack {
                signing_secret: Some(SecretKey("chatplatform.default.slack.signing-secret".to_owned())),
                bot_token: SecretKey("chatplatform.default.slack.bot-token".to_owned()),
                socket: None,
                response_url_hosts: Vec::new(),
            },
            command_prefix: "/".to_owned(),
            delete_input_on_submission: false,
            restrict_help: false,
            send_all_messages_private: false,
            fallback_user: "chatbot".to_owned(),
            session_cache_timeout_seconds: 3600,
        };
        let config = GatewayConfig {
            platforms: BTreeMap::from([(PLATFORM.to_owned(), platform)]),
            grants: grants.clone(),
            account_links: vec![AccountLinkConfig {
                platform: PLATFORM.to_owned(),
                chat_user_id: "U2049K991".to_owned(),
                user: "alice".to_owned(),
                tokens: BTreeMap::new(),
                source: "default/alice".to_owned(),
            }],
            integrations: BTreeMap::from([(
                "network".to_owned(),
                IntegrationConfig::new("default/network", IntegrationType::Awx, "https://awx.example"),
            )]),
        };
        let mut registry = Registry::new();
        registry.register(Arc::new(Network::new())).unwrap();
        Fixture {
            grants: GrantIndex::new(&grants),
            config,
            registry,
            follow_ups: FollowUps::default(),
        }
    }

    /// Changes the platform's settings.
    pub fn platform(mut self, change: impl FnOnce(&mut PlatformConfig)) -> Self {
        change(self.config.platforms.get_mut(PLATFORM).unwrap());
        self
    }

    /// The context at `now`, with the key derived from a fixed secret.
    pub fn ctx_at(&self, now: u64) -> RouteContext<'_> {
        RouteContext {
            config: &self.config,
            grants: &self.grants,
            catalog: &self.registry,
            platform: &self.config.platforms[PLATFORM],
            now,
            continuation_key: derive_key("8f742231b10e8888abcd99yyyzzz85a5"),
            follow_ups: &self.follow_ups,
        }
    }

    pub fn ctx(&self) -> RouteContext<'_> {
        self.ctx_at(NOW)
    }

    /// Routes `text` typed by `ids` (`organization channel user`).
    pub async fn typed(&self, ids: &str, text: &str) -> Routed {
        route(&self.registry, &self.ctx(), invocation(ids, text)).await
    }

    /// Routes the answer `values` to the prompt `token`, given by `ids`.
    pub async fn answer(&self, ids: &str, token: &str, values: &[&str]) -> Routed {
        self.answer_at(NOW, ids, token, values).await
    }

    pub async fn answer_at(&self, now: u64, ids: &str, token: &str, values: &[&str]) -> Routed {
        let values = values.iter().map(|v| v.to_string()).collect();
        route_answer(
            &self.registry,
            &self.ctx_at(now),
            invocation(ids, ""),
            token,
            values,
        )
        .await
    }
}

/// An invocation of `text` on [`PLATFORM`] by `ids` (`organization channel user`, `-` for none).
pub fn invocation(ids: &str, text: &str) -> Invocation {
    let id = |s: &str| (s != "-").then(|| s.to_owned());
    let [organization, channel, user] = ids.split_whitespace().collect::<Vec<_>>()[..] else {
        panic!("bad ids {ids:?}");
    };
    let parsed = parse_command_text(text);
    Invocation {
        platform: PLATFORM.to_owned(),
        platform_type: PlatformType::Slack,
        organization: id(organization),
        channel: id(channel),
        user: id(user),
        user_name: None,
        command: parsed.command,
        subcommand: parsed.subcommand,
        arguments: parsed.arguments,
        menu_offset: 0,
        reply: ReplyContext::default(),
    }
}

/// The message of a reply; panics on a prompt.
pub fn message(routed: &Routed) -> &Message {
    match &routed.reply {
        Reply::Message(message) => message,
        other => panic!("expected a message, got {other:?}"),
    }
}

/// What the chat is told is the error `said`, shown only to the person asking.
#[track_caller]
pub fn assert_private_error(routed: &Routed, said: &str) {
    assert_eq!(message(routed).level, Level::Error, "{:?}", routed.reply);
    assert!(
        message(routed).private,
        "an error is told to the person asking only"
    );
    assert_eq!(text(routed), said);
}

/// None of `secrets` appears anywhere in what the chat is told.
#[track_caller]
pub fn assert_none_told(routed: &Routed, secrets: &[&str]) {
    let said = format!("{:?} {:?}", routed.reply, routed.outcome);
    for secret in secrets {
        assert!(!said.contains(secret), "a secret reached the chat: {said}");
    }
}

/// The tables of a reply.
#[track_caller]
pub fn tables(routed: &Routed) -> Vec<&crate::model::Table> {
    message(routed)
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Table(table) => Some(table),
            _ => None,
        })
        .collect()
}

/// Column `column` of the reply's first table.
#[track_caller]
pub fn column(routed: &Routed, column: usize) -> Vec<String> {
    tables(routed)[0]
        .rows
        .iter()
        .map(|row| row[column].clone())
        .collect()
}

/// The text blocks of a message, in order.
pub fn text_blocks(message: &Message) -> Vec<&str> {
    message
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Text(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// All the text of a message's text and code blocks and table cells, joined by newlines.
pub fn text(routed: &Routed) -> String {
    let mut out = Vec::new();
    for block in &message(routed).blocks {
        match block {
            Block::Text(text) | Block::Code(text) => out.push(text.clone()),
            Block::Table(table) => {
                out.push(table.title.clone());
                out.extend(table.rows.iter().map(|row| row.join(" | ")));
            }
            Block::File(file) => out.push(file.text.clone()),
            Block::Data(file) => out.push(format!("{} ({} bytes)", file.file_name, file.bytes.len())),
            Block::Image(_) => {}
        }
    }
    out.join("\n")
}

/// The text of `routed`'s message, having asserted that it ended as `outcome` and is private.
pub fn private_text(routed: &Routed, outcome: Outcome) -> String {
    assert_eq!(routed.outcome, outcome);
    assert!(message(routed).private, "{:?}", routed.reply);
    text(routed)
}

/// Asserts that `text` starts with `start`.
pub fn assert_starts(text: &str, start: &str) {
    assert!(text.starts_with(start), "{start:?} does not start:\n{text}");
}

/// Asserts that `text` contains every one of `present` and none of `absent`.
pub fn assert_text(text: &str, present: &[&str], absent: &[&str]) {
    for part in present {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    for part in absent {
        assert!(!text.contains(part), "{part:?} in:\n{text}");
    }
}

/// The outcome of a request refused at `scope`, for the ID `id` (none: the request had no such ID).
pub fn denied(scope: GrantType, id: Option<&str>) -> Outcome {
    Outcome::Denied {
        scope,
        id: id.map(str::to_owned),
    }
}

/// The scope a request was refused at, if it was.
pub fn denied_scope(routed: &Routed) -> Option<GrantType> {
    match routed.outcome {
        Outcome::Denied { scope, .. } => Some(scope),
        _ => None,
    }
}

/// The values of a menu's choices, in order.
pub fn choice_values(menu: &crate::model::Menu) -> Vec<&str> {
    menu.choices.iter().map(|c| c.value.as_str()).collect()
}

/// The menu of a reply, having asserted that the command ended prompting.
pub fn prompted(routed: &Routed) -> &crate::model::Menu {
    assert_eq!(routed.outcome, Outcome::Prompted);
    menu(routed)
}

/// The menu of a reply; panics otherwise.
pub fn menu(routed: &Routed) -> &crate::model::Menu {
    match &routed.reply {
        Reply::Prompt(Prompt::Menu(menu)) => menu,
        other => panic!("expected a menu, got {other:?}"),
    }
}

/// The fake `network` command.
pub struct Network {
    spec: CommandSpec,
}

impl Network {
    pub fn new() -> Self {
        Network {
            spec: CommandSpec::new("network", "Operate the network")
                .with(SubcommandSpec::new("status", "Show the network status"))
                .with(SubcommandSpec::new("redeploy", "Redeploy a site").param("site", "The site"))
                .with(SubcommandSpec::new("history", "Show recent changes"))
                .with(SubcommandSpec::new("pick", "Pick one of many").param("item", "The item"))
                .with(SubcommandSpec::new("broken", "Reach a backend that is down"))
                .with(SubcommandSpec::new("fail", "Be refused by the backend")),
        }
    }
}

impl Command for Network {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            // Really async, as an integration would be.
            tokio::task::yield_now().await;
            let reply = match call.invocation.subcommand.as_str() {
                "status" => Reply::Message(Message::text(Level::Info, "All green")),
                "redeploy" => match call.arg(0) {
                    Some(site) => Reply::Message(Message::text(
                        Level::Info,
                        format!("Redeploying {site} as {}", call.identity.user),
                    )),
                    None => call.menu("Which site?", SITES.iter().map(|s| Choice::same(*s)).collect()),
                },
                "pick" => match call.arg(0) {
                    Some(item) => Reply::Message(Message::text(Level::Info, format!("Picked {item}"))),
                    None => call.menu(
                        "Which item?",
                        (0..150).map(|i| Choice::same(format!("item{i:03}"))).collect(),
                    ),
                },
                "history" => Reply::Message(Message::text(Level::Info, "Nothing happened")),
                "broken" => return Err(CommandError("AWX did not answer within 30 s".to_owned())),
                "fail" => Reply::Message(Message::text(Level::Error, "AWX refused: job template not found")),
                other => panic!("the router ran an unknown sub-command {other}"),
            };
            Ok(reply)
        })
    }
}
