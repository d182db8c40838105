//! The chat platform settings of `PLUGINS_CONFIG` (`slack_*`,
//! `microsoft_app_*`, `webex_*`, `mattermost_*` and the common behaviour
//! settings) to ChatPlatforms and their Secrets.

use std::collections::BTreeSet;

use chatops_crds::chat_platform::{
    MattermostCredentials, SlackCredentials, SlackMode, TeamsCredentials, WebexCredentials,
};
use chatops_crds::{ChatPlatform, ChatPlatformSpec, PlatformType};
use kube::api::ObjectMeta;

use super::{Config, Known, PlatformNames, SecretDoc, placeholder, tokens};
use crate::import::notes::Notes;
use crate::import::python_literals::{PyValue, is_truthy};
use crate::import::source::RawToken;

/// Every platform type, in the order they are written.
pub const ALL: [PlatformType; 4] = [
    PlatformType::Slack,
    PlatformType::Msteams,
    PlatformType::Webex,
    PlatformType::Mattermost,
];

/// The original's enable flag and the setting that shows the platform is
/// configured, per type.
fn keys(platform: PlatformType) -> (&'static str, &'static str) {
    match platform {
        PlatformType::Slack => ("enable_slack", "slack_api_token"),
        PlatformType::Msteams => ("enable_ms_teams", "microsoft_app_id"),
        PlatformType::Webex => ("enable_webex", "webex_token"),
        PlatformType::Mattermost => ("enable_mattermost", "mattermost_url"),
    }
}

/// Which ChatPlatforms to write, and their names: those given with
/// `--platform`; else those the config enables; else those the API shows
/// (`inferred`: a Mattermost command token, the links' platforms).
pub fn choose(
    cfg: &Config<'_>,
    explicit: &[(PlatformType, String)],
    inferred: &BTreeSet<PlatformType>,
    notes: &mut Notes,
) -> PlatformNames {
    if !explicit.is_empty() {
        return explicit.iter().cloned().collect();
    }
    if !cfg.given() {
        return inferred.iter().map(|t| (*t, t.as_str().to_owned())).collect();
    }
    let mut chosen = PlatformNames::new();
    for platform in ALL {
        let (flag, configured) = keys(platform);
        let has_settings = cfg.get(configured) != Known::Unset;
        let enabled = match cfg.get(flag) {
            Known::Literal(value) => value.literal_bool().unwrap_or(false),
            Known::Env { var, default } => {
                notes.env(
                    flag,
                    var,
                    if has_settings {
                        "the platform was imported because its settings are present"
                    } else {
                        "the platform was not imported: its settings are absent (use --platform)"
                    },
                );
                let _ = default;
                has_settings
            }
            Known::NotLiteral(_) => has_settings,
            // Unset in the file: it may still be enabled in the admin UI (Constance).
            Known::Unset => {
                if has_settings {
                    notes.warn(format!(
                        "`{flag}` is not in nautobot_config.py but `{configured}` is: {platform} was imported \
                         (the original may have enabled it in its admin UI)"
                    ));
                }
                has_settings
            }
        };
        if enabled {
            chosen.insert(platform, platform.as_str().to_owned());
        }
    }
    if chosen.is_empty() {
        for platform in inferred {
            chosen.insert(*platform, platform.as_str().to_owned());
        }
    }
    chosen
}

/// A boolean behaviour setting: a literal, or the default of the variable
/// the original read (noted), or `false`.
fn flag(cfg: &Config<'_>, key: &str, notes: &mut Notes) -> bool {
    match cfg.get(key) {
        Known::Literal(value) => value.literal_bool().unwrap_or(false),
        Known::Env { var, default } => {
            let value = match default {
                Some(PyValue::Str(text)) => is_truthy(text),
                Some(other) => other.literal_bool().unwrap_or(false),
                None => false,
            };
            notes.env(
                key,
                var,
                &format!("imported as {value} (its default); set it by hand if it differs"),
            );
            value
        }
        Known::NotLiteral(what) => {
            notes.skip(
                format!("setting `{key}`"),
                format!("it is {what}, not a literal; false was used"),
            );
            false
        }
        Known::Unset => false,
    }
}

/// The ChatPlatforms named in `names`, their Secrets (one per platform,
/// `chatplatform-<name>`), and the Mattermost tokens from `tokens`.
pub fn map(
    cfg: &Config<'_>,
    names: &PlatformNames,
    api_tokens: &[RawToken],
    reveal: bool,
    namespace: &str,
    notes: &mut Notes,
) -> (Vec<ChatPlatform>, Vec<SecretDoc>) {
    let delete_input_on_submission = flag(cfg, "delete_input_on_submission", notes);
    let restrict_help = flag(cfg, "restrict_help", notes);
    let send_all_messages_private = flag(cfg, "send_all_messages_private", notes);
    let session_cache_timeout_seconds = match cfg.number("session_cache_timeout", notes) {
        Some(n) if (1..=2_592_000).contains(&n) => n as u32,
        Some(n) => {
            notes.skip(
                "setting `session_cache_timeout`",
                format!("{n} is outside 1..2592000 seconds; the default was used"),
            );
            86_400
        }
        None => 86_400,
    };
    let fallback_user = cfg
        .text("fallback_chatops_user", notes)
        .filter(|u| !u.trim().is_empty() && u.len() <= 150)
        .unwrap_or_else(|| "chatbot".to_owned());

    let mut platforms = Vec::new();
    let mut secrets = Vec::new();
    for platform in ALL {
        let Some(name) = names.get(&platform) else {
            // A platform not imported: its settings are not "without equivalent".
            cfg.consume(settings_of(platform));
            continue;
        };
        let mut secret = SecretDoc::new(
            format!("chatplatform-{name}"),
            format!("the {platform} ChatPlatform {name}"),
        );
        let mut spec = ChatPlatformSpec {
            platform_type: platform,
            slack: None,
            msteams: None,
            webex: None,
            mattermost: None,
            command_prefix: "/".to_owned(),
            delete_input_on_submission,
            restrict_help,
            send_all_messages_private,
            fallback_user: fallback_user.clone(),
            session_cache_timeout_seconds,
        };
        match platform {
            PlatformType::Slack => {
                let signing = cfg.required_credential(
                    "slack_signing_secret",
                    "the Slack signing secret",
                    reveal,
                    notes,
                );
                let bot = cfg.required_credential(
                    "slack_api_token",
                    "the Slack bot token (xoxb-...)",
                    reveal,
                    notes,
                );
                let signing_ref = secret.add("signing-secret", signing);
                let bot_ref = secret.add("bot-token", bot);
                if let Some(app) = cfg.credential(
                    "slack_app_token",
                    "the Slack app-level token (xapp-...)",
                    reveal,
                    notes,
                ) {
                    secret.add("app-token", app);
                    notes.warn(format!(
                        "`slack_app_token` is set: if the original ran in Socket Mode, set \
                         `spec.slack.mode: socket` and `appTokenRef: {{name: {}, key: app-token}}` on ChatPlatform {name} \
                         (it was imported with webhooks)",
                        secret.name
                    ));
                }
                if let Some(prefix) = cfg.text("slack_slash_command_prefix", notes) {
                    if prefix.is_empty() || prefix.len() > 32 || prefix.contains(char::is_whitespace) {
                        notes.skip(
                            "setting `slack_slash_command_prefix`",
                            "not a prefix without spaces of at most 32 characters",
                        );
                    } else {
                        spec.command_prefix = prefix;
                    }
                }
                spec.slack = Some(SlackCredentials {
                    mode: SlackMode::Webhooks,
                    signing_secret_ref: Some(signing_ref),
                    bot_token_ref: bot_ref,
                    app_token_ref: None,
                    socket_connections: None,
                    response_url_hosts: Vec::new(),
                });
            }
            PlatformType::Msteams => {
                let app_id = match cfg.text("microsoft_app_id", notes) {
                    Some(id) if !id.contains(char::is_whitespace) => id,
                    _ => {
                        notes.warn(format!(
                            "ChatPlatform {name}: `microsoft_app_id` is not a literal; spec.msteams.appId is a \
                             placeholder to replace"
                        ));
                        "REPLACE-ME-microsoft-app-id".to_owned()
                    }
                };
                let password = cfg.required_credential(
                    "microsoft_app_password",
                    "the Microsoft App password (client secret)",
                    reveal,
                    notes,
                );
                let tenant_id = cfg
                    .text("microsoft_tenant_id", notes)
                    .filter(|t| !t.contains(char::is_whitespace));
                spec.msteams = Some(TeamsCredentials {
                    app_id,
                    app_password_ref: secret.add("app-password", password),
                    tenant_id,
                    extra_issuers: Vec::new(),
                });
            }
            PlatformType::Webex => {
                let bot = cfg.required_credential("webex_token", "the Webex bot access token", reveal, notes);
                let hook = cfg.required_credential(
                    "webex_signing_secret",
                    "the Webex webhook secret",
                    reveal,
                    notes,
                );
                spec.webex = Some(WebexCredentials {
                    bot_token_ref: secret.add("bot-token", bot),
                    webhook_secret_ref: secret.add("webhook-secret", hook),
                });
            }
            PlatformType::Mattermost => {
                let url = match cfg.text("mattermost_url", notes) {
                    Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                        url.trim_end_matches('/').to_owned()
                    }
                    _ => {
                        notes.warn(format!(
                            "ChatPlatform {name}: the Mattermost URL is not known (`mattermost_url`); \
                             spec.mattermost.url is a placeholder to replace"
                        ));
                        "https://mattermost-url.replace-me.invalid".to_owned()
                    }
                };
                let bot = cfg.required_credential(
                    "mattermost_api_token",
                    "the Mattermost bot access token",
                    reveal,
                    notes,
                );
                let bot_token_ref = secret.add("bot-token", bot);
                let mut slash = tokens::map(api_tokens, true, Some(&mut secret), reveal, notes);
                if slash.is_empty() {
                    notes.warn(format!(
                        "ChatPlatform {name}: the original has no Mattermost command token; the Secret holds a \
                         placeholder for the slash command's token"
                    ));
                    slash.push(secret.add(
                        "slash-token-1",
                        placeholder(
                            "the Mattermost slash command token",
                            "Integrations > Slash Commands in Mattermost",
                        ),
                    ));
                }
                spec.mattermost = Some(MattermostCredentials {
                    url,
                    bot_token_ref,
                    slash_token_refs: slash,
                    response_url_hosts: Vec::new(),
                });
            }
        }
        let mut resource = ChatPlatform::new(name, spec);
        resource.metadata = ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace.to_owned()),
            ..ObjectMeta::default()
        };
        platforms.push(resource);
        secrets.push(secret);
    }
    if !names.contains_key(&PlatformType::Mattermost) {
        tokens::map(api_tokens, false, None, reveal, notes);
    }
    (platforms, secrets)
}

/// The settings of one platform, for [`Config::consume`].
fn settings_of(platform: PlatformType) -> &'static [&'static str] {
    match platform {
        PlatformType::Slack => &[
            "enable_slack",
            "slack_api_token",
            "slack_signing_secret",
            "slack_app_token",
            "slack_slash_command_prefix",
            "slack_ephemeral_message_size_limit",
            "slack_socket_static_host",
            "slack_enable_token_rotation",
            "slack_client_id",
            "slack_client_secret",
        ],
        PlatformType::Msteams => &[
            "enable_ms_teams",
            "microsoft_app_id",
            "microsoft_app_password",
            "microsoft_tenant_id",
        ],
        PlatformType::Webex => &[
            "enable_webex",
            "webex_token",
            "webex_signing_secret",
            "webex_msg_char_limit",
        ],
        PlatformType::Mattermost => &["enable_mattermost", "mattermost_url", "mattermost_api_token"],
    }
}

/// Settings with no equivalent here, and why.
pub const NO_EQUIVALENT: &[(&str, &str)] = &[
    (
        "slack_ephemeral_message_size_limit",
        "the gateway splits answers at Slack's own limits",
    ),
    (
        "webex_msg_char_limit",
        "the gateway splits answers at Webex's own limits",
    ),
    (
        "slack_socket_static_host",
        "answers carry no static images to host",
    ),
    (
        "slack_enable_token_rotation",
        "Slack token rotation is not supported: give the ChatPlatform a bot token that does not expire",
    ),
    (
        "slack_client_id",
        "only used for Slack token rotation, which is not supported",
    ),
    (
        "slack_client_secret",
        "only used for Slack token rotation, which is not supported",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::mapping::SecretValue;
    use crate::import::python_literals::chatops_settings;

    const CONFIG: &str = r#"
PLUGINS_CONFIG = {"nautobot_chatops": {
    "enable_slack": True,
    "enable_webex": False,
    "slack_api_token": "xoxb-literal",
    "slack_signing_secret": os.getenv("SLACK_SIGNING_SECRET"),
    "slack_slash_command_prefix": "/net-",
    "restrict_help": is_truthy(os.getenv("RESTRICT", "yes")),
    "session_cache_timeout": 600,
    "mattermost_url": "https://chat.example.com/",
    "mattermost_api_token": "mm-bot",
}}
"#;

    #[test]
    fn enabled_platforms_and_configured_ones_are_chosen() {
        let settings = chatops_settings(CONFIG).unwrap();
        let cfg = Config::new(Some(&settings));
        let mut notes = Notes::default();
        let names = choose(&cfg, &[], &BTreeSet::new(), &mut notes);
        assert_eq!(
            names.keys().copied().collect::<Vec<_>>(),
            [PlatformType::Slack, PlatformType::Mattermost]
        );
        assert!(notes.warnings[0].contains("enable_mattermost"));
        let explicit = choose(
            &cfg,
            &[(PlatformType::Webex, "wx".into())],
            &BTreeSet::new(),
            &mut notes,
        );
        assert_eq!(explicit[&PlatformType::Webex], "wx");
    }

    #[test]
    fn settings_become_the_spec_and_credentials_secrets() {
        let settings = chatops_settings(CONFIG).unwrap();
        let cfg = Config::new(Some(&settings));
        let mut notes = Notes::default();
        let names = PlatformNames::from([
            (PlatformType::Slack, "slack".to_owned()),
            (PlatformType::Mattermost, "mm".to_owned()),
        ]);
        let (platforms, secrets) = map(&cfg, &names, &[], false, "default", &mut notes);
        let slack = &platforms[0].spec;
        assert_eq!(slack.command_prefix, "/net-");
        assert!(slack.restrict_help);
        assert_eq!(slack.session_cache_timeout_seconds, 600);
        let values = format!("{:?}", secrets);
        assert!(!values.contains("xoxb-literal") && !values.contains("mm-bot"));
        assert!(values.contains("the original read it from env SLACK_SIGNING_SECRET"));
        assert!(notes.from_env.iter().any(|e| e.var == "SLACK_SIGNING_SECRET"));
        let mm = platforms[1].spec.mattermost.as_ref().unwrap();
        assert_eq!(mm.url, "https://chat.example.com");
        assert_eq!(mm.slash_token_refs.len(), 1);

        let (_, revealed) = map(&cfg, &names, &[], true, "default", &mut Notes::default());
        assert_eq!(
            revealed[0].entries[1],
            ("bot-token".to_owned(), SecretValue::Real("xoxb-literal".into()))
        );
        assert!(matches!(revealed[0].entries[0].1, SecretValue::Placeholder(_)));
    }
}
