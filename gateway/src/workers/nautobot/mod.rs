//! The `nautobot` integration: Nautobot's REST API (v2) and GraphQL, called
//! with the chat user's own token when their AccountLink has one, else with
//! the Integration's token as the platform's fallback user, so Nautobot's
//! object permissions apply to the person asking.
//!
//! [`Nautobot`] is the [`Command`]; each group of sub-commands is a module
//! under `commands/` with the same shape: an async `run_*` that asks
//! Nautobot through a [`Session`] and a pure `render_*` that turns the answer
//! into a [`Reply`], so rendering is tested without a Nautobot.

mod client;
mod commands;
mod error;
mod objects;
mod session;
mod spec;
mod visibility;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Duration;

use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig};

use crate::commands::{Call, Command, CommandError, CommandFuture, CommandSpec};
use crate::model::{Level, Message, Reply};

pub use client::{ClientSettings, NautobotClient, Page, UserToken};
pub use commands::devices_query;
pub use error::NautobotError;
pub use session::Session;

/// An Integration of type `nautobot`, answering to its command.
pub struct Nautobot {
    spec: CommandSpec,
    client: NautobotClient,
    web_url: String,
    /// The Integration's own token: what the platform's fallback user acts with.
    service_token: Option<String>,
    /// The linked users' own tokens, by (ChatPlatform, chat user ID).
    user_tokens: HashMap<(String, String), UserToken>,
}

impl Nautobot {
    /// The integration answering to `command`, configured by `integration`,
    /// with the tokens of the `account_links` that have one for `command`.
    ///
    /// Tokens are looked up in `secrets` now, once per configuration, so a
    /// request never touches secret material it does not use.
    pub fn new(
        command: &str,
        integration: &IntegrationConfig,
        account_links: &[AccountLinkConfig],
        secrets: &GatewaySecrets,
    ) -> Result<Self, NautobotError> {
        let reveal = |key: &Option<_>| key.as_ref().and_then(|key| secrets.get(key)).map(str::to_owned);
        let client = NautobotClient::new(&ClientSettings {
            endpoint: integration.endpoint.clone(),
            timeout: Duration::from_secs(u64::from(integration.timeout_seconds.max(1))),
            ca_bundle_pem: reveal(&integration.ca_bundle),
            insecure_skip_verify: integration.insecure_skip_verify,
        })?;
        let user_tokens = account_links
            .iter()
            .filter_map(|link| {
                let token = secrets.get(link.tokens.get(command)?)?;
                let chat_user = (link.platform.clone(), link.chat_user_id.clone());
                Some((chat_user, UserToken::new(&link.user, token)))
            })
            .collect();
        Ok(Nautobot {
            spec: spec::spec(command),
            client,
            web_url: integration.endpoint.trim_end_matches('/').to_owned(),
            service_token: reveal(&integration.token),
            user_tokens,
        })
    }

    /// Who this call acts as in Nautobot: the chat user's own token, else the
    /// Integration's token as the platform's fallback user.
    fn acting_as(&self, call: &Call<'_>) -> Option<UserToken> {
        let invocation = call.invocation;
        let own = invocation
            .user
            .as_ref()
            .and_then(|user| self.user_tokens.get(&(invocation.platform.clone(), user.clone())));
        match (own, &self.service_token) {
            (Some(token), _) => Some(token.clone()),
            (None, Some(service)) => Some(UserToken::fallback(&call.ctx.platform.fallback_user, service)),
            (None, None) => None,
        }
    }
}

impl Command for Nautobot {
    fn spec(&self) -> &CommandSpec {
        &self.spec
    }

    fn run<'a>(&'a self, call: Call<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            let Some(who) = self.acting_as(&call) else {
                return Ok(no_token(&call));
            };
            let session = Session::new(&self.client, who, call, &self.web_url);
            match commands::run(&session).await {
                Ok(reply) => Ok(reply),
                Err(error) if error.is_answer() => Ok(Reply::Message(
                    Message::text(Level::Error, sentence(&error.to_string())).privately(),
                )),
                Err(error) => Err(CommandError(error.to_string())),
            }
        })
    }
}

/// Neither the chat user nor the Integration has a token.
fn no_token(call: &Call<'_>) -> Reply {
    let text = format!(
        "There is no Nautobot token to act with: link your chat account to a Nautobot user with a token \
         (`{}chatops whoami` shows the AccountLink to commit), or give the Integration a token for the \
         fallback user.",
        call.prefix()
    );
    Reply::Message(Message::text(Level::Error, text).privately())
}

/// `you may not …` → `You may not …`.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!(
            "{}{}.",
            first.to_uppercase(),
            chars.as_str().trim_end_matches('.')
        ),
        None => String::new(),
    }
}
