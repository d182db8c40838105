//! The Teams app package of one served ChatPlatform: its bot id and command
//! list from the configuration, the rest from who deploys it ([`Publisher`]).

use chatops_crds::{
    Diagnostic, Kind,
    config::{GatewayConfig, PlatformConfig, PlatformCredentials},
};

pub use super::app_package::Publisher;
use super::app_package::{BotCommand, PackageInput, bot_commands};
use crate::commands::Registry;

/// The package input of the Teams platform `name`; `None` for other platform types.
pub fn package_input(
    name: &str,
    settings: &PlatformConfig,
    registry: &Registry,
    publisher: &Publisher,
) -> Option<PackageInput> {
    let PlatformCredentials::Msteams { app_id, .. } = &settings.credentials else {
        return None;
    };
    let specs: Vec<(String, String)> = registry
        .specs()
        .map(|spec| (spec.name.clone(), spec.doc.clone()))
        .collect();
    // In Teams a command is typed after the bot's mention; the gateway takes
    // it with or without the prefix, and a bare word reads better there.
    let commands = bot_commands(settings.command_prefix.trim_start_matches('/'), &specs);
    let valid_domains = publisher
        .public_url
        .as_deref()
        .and_then(|url| reqwest::Url::parse(url).ok())
        .and_then(|url| url.host_str().map(str::to_owned))
        .into_iter()
        .collect();
    Some(PackageInput {
        app_id: app_id.clone(),
        short_name: format!("ChatOps {name}"),
        full_name: format!("ChatOps for network teams ({name})"),
        description: format!(
            "Run network commands from Teams.\nAsk the bot: {}. Who may run what is \
             declared as AccessGrants in Kubernetes (ChatPlatform {}).",
            command_names(&commands),
            settings.source
        ),
        publisher: publisher.clone(),
        valid_domains,
        commands,
    })
}

/// The Integrations whose command a package cannot list, each said in a
/// sentence: those left out of the configuration (not ready), and those in
/// it whose command is not served (a type without a worker yet, a client
/// that could not be built). A package written without them would hide the
/// command from Teams users until it is written again.
pub fn commands_left_out(
    config: &GatewayConfig,
    rejected: &[Diagnostic],
    registry: &Registry,
) -> Vec<String> {
    let not_ready = rejected
        .iter()
        .filter(|diagnostic| diagnostic.object.kind == Kind::Integration)
        .map(|diagnostic| {
            format!(
                "{} is not ready ({}: {}); its command is not in the package",
                diagnostic.object,
                diagnostic.reason.as_str(),
                diagnostic.message
            )
        });
    let not_served = config
        .integrations
        .iter()
        .filter(|(command, _)| registry.get(command).is_none())
        .map(|(command, integration)| {
            format!(
                "command {command} (Integration {}, type {}) is not served; it is not in the package",
                integration.source,
                integration.integration_type.as_str()
            )
        });
    let mut sentences: Vec<String> = not_ready.chain(not_served).collect();
    sentences.sort();
    sentences
}

fn command_names(commands: &[BotCommand]) -> String {
    commands
        .iter()
        .map(|c| c.title.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use chatops_crds::{PlatformType, config::SecretKey};

    use super::*;
    use crate::platforms::teams::app_package::manifest;

    fn settings(credentials: PlatformCredentials) -> PlatformConfig {
        PlatformConfig {
            source: "chatops/teams".to_owned(),
            platform_type: PlatformType::Msteams,
            credentials,
            command_prefix: "/".to_owned(),
            delete_input_on_submission: false,
            restrict_help: false,
            send_all_messages_private: false,
            fallback_user: "chatbot".to_owned(),
            session_cache_timeout_seconds: 86_400,
        }
    }

    fn publisher() -> Publisher {
        Publisher {
            developer_name: "Example NetOps".to_owned(),
            website_url: "https://chatops.example.com".to_owned(),
            privacy_url: "https://chatops.example.com/privacy".to_owned(),
            terms_url: "https://chatops.example.com/terms".to_owned(),
            version: "1.0.0".to_owned(),
            accent_color: "#1F6FEB".to_owned(),
            public_url: Some("https://chatops.example.com:8443/base".to_owned()),
        }
    }

    #[test]
    fn a_teams_platform_gives_a_package_with_its_bot_id_commands_and_domain() {
        let teams = settings(PlatformCredentials::Msteams {
            app_id: "00000000-1111-2222-3333-444444444444".to_owned(),
            app_password: SecretKey("teams-app-password".to_owned()),
            tenant_id: None,
            extra_issuers: Vec::new(),
        });
        let input = package_input("teams", &teams, &Registry::new(), &publisher()).unwrap();
        assert_eq!(input.valid_domains, ["chatops.example.com"]);
        assert_eq!(
            input.commands[0].title, "chatops help",
            "no slash typed after a mention"
        );
        let manifest = manifest(&input).unwrap();
        assert_eq!(
            manifest["bots"][0]["botId"],
            "00000000-1111-2222-3333-444444444444"
        );
        assert!(!manifest.to_string().contains("teams-app-password"));
    }

    #[test]
    fn commands_that_cannot_be_listed_are_named() {
        let config: GatewayConfig = serde_json::from_value(serde_json::json!({
            "platforms": {}, "grants": [], "accountLinks": [],
            "integrations": {"awx": {
                "source": "chatops/awx", "type": "awx", "endpoint": "https://awx.example.com",
                "insecureSkipVerify": false, "timeoutSeconds": 30,
            }},
        }))
        .unwrap();
        let rejected = vec![Diagnostic::rejected(
            chatops_crds::ObjectKey::new(Kind::Integration, "chatops", "nautobot"),
            Some(1),
            chatops_crds::Reason::SecretNotFound,
            "Secret chatops/nautobot not found",
        )];
        let sentences = commands_left_out(&config, &rejected, &Registry::new());
        assert_eq!(
            sentences,
            [
                "Integration chatops/nautobot is not ready (SecretNotFound: Secret chatops/nautobot not found); its command is not in the package",
                "command awx (Integration chatops/awx, type awx) is not served; it is not in the package",
            ]
        );
        assert!(commands_left_out(&GatewayConfig::default(), &[], &Registry::new()).is_empty());
    }

    #[test]
    fn other_platforms_have_no_teams_package() {
        let slack = settings(PlatformCredentials::Slack {
            signing_secret: Some(SecretKey("s".to_owned())),
            bot_token: SecretKey("t".to_owned()),
            socket: None,
            response_url_hosts: Vec::new(),
        });
        assert!(package_input("slack", &slack, &Registry::new(), &publisher()).is_none());
    }
}
