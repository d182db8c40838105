//! ChatPlatform -> [`PlatformConfig`].

use std::collections::BTreeMap;

use crate::{
    ChatPlatform, ChatPlatformSpec, PlatformType, SecretKeyRef,
    chat_platform::{MattermostCredentials, SlackCredentials, SlackMode, TeamsCredentials, WebexCredentials},
    config::{PlatformConfig, PlatformCredentials, SecretKey, SlackSocket},
    diagnostic::{Kind, Reason},
};

use super::{Compiled, PlatformNames, claims::Claims, identify, oldest_first, secrets};

/// Compiles every ChatPlatform and returns the names they hold.
pub(super) fn compile(
    platforms: &[ChatPlatform],
    store: &secrets::SecretStore<'_>,
    out: &mut Compiled,
) -> PlatformNames {
    let mut names = Claims::new();
    let mut held = PlatformNames::new();
    for platform in oldest_first(platforms) {
        let (object, generation) = identify(Kind::ChatPlatform, platform);
        // The name is the URL path `/hooks/{name}/`, so it must be unique across namespaces.
        if let Err(holder) = names.claim(object.name.clone(), &object) {
            let message = format!(
                "the name {:?} is already served by the older {holder}; ChatPlatform names are \
                 the webhook path /hooks/{{name}}/ and must be unique across namespaces",
                object.name
            );
            out.reject(object, generation, Reason::PlatformNameConflict, message);
            continue;
        }
        held.insert(object.name.clone());

        let block = match Block::of(&platform.spec) {
            Ok(block) => block,
            Err(message) => {
                out.reject(object, generation, Reason::Invalid, message);
                continue;
            }
        };
        let Some(keys) = out.store_secrets(store, &object, generation, &block.references()) else {
            continue;
        };
        let config = platform_config(&platform.spec, object.namespaced_name(), block.credentials(&keys));
        let message = match &config.credentials {
            PlatformCredentials::Slack {
                socket: Some(socket), ..
            } => format!(
                "slack platform served over Socket Mode, {} connection(s) per gateway replica",
                socket.connections
            ),
            _ => format!(
                "{} platform served at /hooks/{}/",
                platform.spec.platform_type, object.name
            ),
        };
        out.config.platforms.insert(object.name.clone(), config);
        out.accept(object, generation, message);
    }
    held
}

/// The credentials block that `type` selects.
pub(super) enum Block<'a> {
    Slack(&'a SlackCredentials),
    Msteams(&'a TeamsCredentials),
    Webex(&'a WebexCredentials),
    Mattermost(&'a MattermostCredentials),
}

impl<'a> Block<'a> {
    /// The block `spec.type` names; the schema requires it, but files read in standalone mode
    /// may not have been checked by anyone.
    pub(super) fn of(spec: &'a ChatPlatformSpec) -> Result<Self, String> {
        let block = match spec.platform_type {
            PlatformType::Slack => spec.slack.as_ref().map(Block::Slack),
            PlatformType::Msteams => spec.msteams.as_ref().map(Block::Msteams),
            PlatformType::Webex => spec.webex.as_ref().map(Block::Webex),
            PlatformType::Mattermost => spec.mattermost.as_ref().map(Block::Mattermost),
        };
        let block =
            block.ok_or_else(|| format!("spec.{0} is required when type is {0}", spec.platform_type))?;
        if let Block::Slack(slack) = block
            && let Some(problem) = slack_mode_problem(slack)
        {
            return Err(problem);
        }
        Ok(block)
    }

    /// Its Secret references, by the field name their gateway keys end in.
    pub(super) fn references(&self) -> Vec<(String, &'a SecretKeyRef)> {
        match *self {
            Block::Slack(slack) => {
                let (field, reference) = match (slack.mode, &slack.app_token_ref, &slack.signing_secret_ref) {
                    (SlackMode::Socket, Some(app_token), _) => ("app-token", app_token),
                    (SlackMode::Webhooks, _, Some(signing_secret)) => ("signing-secret", signing_secret),
                    // `of` refused these already.
                    _ => return vec![("bot-token".to_owned(), &slack.bot_token_ref)],
                };
                vec![
                    (field.to_owned(), reference),
                    ("bot-token".to_owned(), &slack.bot_token_ref),
                ]
            }
            Block::Msteams(teams) => vec![("app-password".to_owned(), &teams.app_password_ref)],
            Block::Webex(webex) => vec![
                ("bot-token".to_owned(), &webex.bot_token_ref),
                ("webhook-secret".to_owned(), &webex.webhook_secret_ref),
            ],
            Block::Mattermost(mattermost) => {
                std::iter::once(("bot-token".to_owned(), &mattermost.bot_token_ref))
                    .chain(
                        mattermost
                            .slash_token_refs
                            .iter()
                            .enumerate()
                            .map(|(i, r)| (slash_token_field(i), r)),
                    )
                    .collect()
            }
        }
    }

    /// The credentials as the gateway sees them, once `references` resolved to `keys`.
    fn credentials(&self, keys: &BTreeMap<String, SecretKey>) -> PlatformCredentials {
        let key = |field: &str| keys[field].clone();
        match *self {
            Block::Slack(slack) => PlatformCredentials::Slack {
                signing_secret: keys.get("signing-secret").cloned(),
                bot_token: key("bot-token"),
                socket: keys.get("app-token").map(|app_token| SlackSocket {
                    app_token: app_token.clone(),
                    connections: slack.socket_connections.unwrap_or(1),
                }),
                response_url_hosts: lowercase(&slack.response_url_hosts),
            },
            Block::Msteams(teams) => PlatformCredentials::Msteams {
                app_id: teams.app_id.clone(),
                app_password: key("app-password"),
                tenant_id: teams.tenant_id.clone(),
                extra_issuers: teams.extra_issuers.clone(),
            },
            Block::Webex(_) => PlatformCredentials::Webex {
                bot_token: key("bot-token"),
                webhook_secret: key("webhook-secret"),
            },
            Block::Mattermost(mattermost) => PlatformCredentials::Mattermost {
                url: mattermost.url.trim_end_matches('/').to_owned(),
                bot_token: key("bot-token"),
                slash_tokens: (0..mattermost.slash_token_refs.len())
                    .map(|i| key(&slash_token_field(i)))
                    .collect(),
                response_url_hosts: lowercase(&mattermost.response_url_hosts),
            },
        }
    }
}

/// What the schema's rules on `spec.slack` refuse, said the same way: files
/// read in standalone mode were checked by no API server.
fn slack_mode_problem(slack: &SlackCredentials) -> Option<String> {
    let socket = slack.mode == SlackMode::Socket;
    let problem = if socket && slack.app_token_ref.is_none() {
        "appTokenRef (the app-level token, xapp-...) is required when mode is socket"
    } else if !socket && slack.signing_secret_ref.is_none() {
        "signingSecretRef is required when mode is webhooks"
    } else if !socket && slack.app_token_ref.is_some() {
        "appTokenRef applies only when mode is socket"
    } else if !socket && slack.socket_connections.is_some() {
        "socketConnections applies only when mode is socket"
    } else if slack.socket_connections.is_some_and(|n| !(1..=10).contains(&n)) {
        "socketConnections must be 1 to 10 (Slack allows 10 connections per app)"
    } else {
        return None;
    };
    Some(format!("spec.slack: {problem}"))
}

/// Host names compare without case; the gateway compares lowercase.
fn lowercase(hosts: &[String]) -> Vec<String> {
    hosts.iter().map(|host| host.to_ascii_lowercase()).collect()
}

fn slash_token_field(index: usize) -> String {
    format!("slash-token-{index}")
}

/// The settings every platform has, with its credentials.
fn platform_config(
    spec: &ChatPlatformSpec,
    source: String,
    credentials: PlatformCredentials,
) -> PlatformConfig {
    PlatformConfig {
        source,
        platform_type: spec.platform_type,
        credentials,
        command_prefix: spec.command_prefix.clone(),
        delete_input_on_submission: spec.delete_input_on_submission,
        restrict_help: spec.restrict_help,
        send_all_messages_private: spec.send_all_messages_private,
        fallback_user: spec.fallback_user.clone(),
        session_cache_timeout_seconds: spec.session_cache_timeout_seconds,
    }
}
