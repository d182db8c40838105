//! What the gateway serves for one configuration: built once per (re)load,
//! shared read-only by every request that starts while it is current.

use std::collections::HashMap;

use std::sync::Arc;

use chatops_crds::config::{GatewayConfig, GatewaySecrets, PlatformConfig, PlatformCredentials, SecretKey};
use chatops_crds::integration::IntegrationType;

use crate::{
    access::GrantIndex,
    commands::{Command, Registry, continuation_secret, derive_key},
    config::Loaded,
    model::{Reply, ReplyContext},
    platforms::{
        DispatchError, Dispatcher,
        mattermost::{client::MattermostClient, dispatcher::MattermostDispatcher},
        response_url::ResponseUrls,
        slack::{client::SlackClient, dispatcher::SlackDispatcher, socket::SocketMode},
        teams::{
            client::ConnectorClient, dispatcher::TeamsDispatcher, token::TokenSource, verify::TrustedIssuer,
        },
        webex::{client::WebexClient, dispatcher::WebexDispatcher, inbound::BotIdentity},
    },
    workers::aci::Aci,
    workers::awx::Awx,
    workers::cloudvision::CloudVision,
    workers::grafana::Grafana,
    workers::ipfabric::Ipfabric,
    workers::meraki::Meraki,
    workers::nautobot::Nautobot,
    workers::nso::Nso,
    workers::panorama::Panorama,
    workers::slurpit::Slurpit,
};

/// Settings that come from the command line, not from the configuration.
#[derive(Clone, Debug)]
pub struct Outbound {
    /// The HTTP client every platform client shares (one connection pool).
    pub http: chatops_outbound::Client,
    /// The same client speaking HTTP/1.1 only, which Slack Socket Mode's
    /// WebSockets are opened through (HTTP/2 carries no upgrade).
    pub socket_http: chatops_outbound::Client,
    /// Base URL of the Slack Web API (a fake in tests).
    pub slack_api_url: String,
    /// Base URL of the Webex REST API (`https://webexapis.com/v1`; a fake in tests).
    pub webex_api_url: String,
    /// Where Teams bots get their Connector tokens
    /// (`https://login.microsoftonline.com`; a fake in tests).
    pub teams_login_url: String,
    /// The Bot Framework's OpenID metadata, which publishes the keys that
    /// sign inbound Teams activities (a local server in tests).
    pub teams_openid_metadata_url: String,
    /// The gateway's own base URL as chat servers reach it (`--public-url`),
    /// for platforms whose prompts name the URL they call back (Mattermost).
    /// Unset: taken from the request that led to the prompt.
    pub public_url: Option<String>,
    /// Whether response URLs may point to loopback (`--allow-loopback-urls`:
    /// the demo and the tests, whose fake platforms listen there).
    pub allow_loopback_urls: bool,
}

/// One configuration, ready to serve.
pub struct Runtime {
    /// The configuration.
    pub config: GatewayConfig,
    /// The access grants, indexed.
    pub grants: GrantIndex,
    /// The commands the gateway answers.
    pub registry: Registry,
    /// The chat platforms, by name.
    pub platforms: HashMap<String, Platform>,
    /// The platforms of the configuration that are not served (their
    /// credentials are missing from the secrets), by name.
    pub unserved: Vec<String>,
}

/// One chat platform with its credentials resolved.
pub struct Platform {
    /// Its settings.
    pub settings: PlatformConfig,
    /// The key that signs this platform's prompt continuations.
    pub continuation_key: [u8; 32],
    /// Its inbound credentials and outbound client.
    pub kind: PlatformKind,
}

/// The platform-specific half of a [`Platform`].
pub enum PlatformKind {
    /// Slack.
    Slack {
        /// The request signing secret; none in Socket Mode, where every
        /// request to the platform's URLs is refused.
        signing_secret: Option<String>,
        /// Socket Mode: the app-level token and how many connections to hold.
        socket: Option<SocketMode>,
        /// The Web API dispatcher.
        dispatcher: SlackDispatcher,
    },
    /// Mattermost.
    Mattermost {
        /// The accepted slash command tokens.
        slash_tokens: Vec<String>,
        /// The API v4 dispatcher.
        dispatcher: MattermostDispatcher,
    },
    /// Webex.
    Webex {
        /// The webhook secret that signs `X-Spark-Signature`.
        webhook_secret: String,
        /// The REST API dispatcher (its client also fetches what webhooks name).
        dispatcher: WebexDispatcher,
        /// The bot's identity (`GET /v1/people/me`), fetched on the first
        /// event and kept for as long as this configuration is served.
        identity: tokio::sync::OnceCell<BotIdentity>,
    },
    /// Microsoft Teams.
    Teams {
        /// The Microsoft App ID: the audience inbound tokens must name.
        app_id: String,
        /// The issuers whose tokens are accepted, the Bot Framework's first.
        issuers: Vec<TrustedIssuer>,
        /// The Bot Connector dispatcher.
        dispatcher: TeamsDispatcher,
    },
}

impl PlatformKind {
    /// Delivers `reply` through this platform's dispatcher.
    pub async fn send(&self, to: &ReplyContext, reply: &Reply) -> Result<(), DispatchError> {
        match self {
            PlatformKind::Slack { dispatcher, .. } => dispatcher.send(to, reply).await,
            PlatformKind::Mattermost { dispatcher, .. } => dispatcher.send(to, reply).await,
            PlatformKind::Webex { dispatcher, .. } => dispatcher.send(to, reply).await,
            PlatformKind::Teams { dispatcher, .. } => dispatcher.send(to, reply).await,
        }
    }

    /// Removes the answered prompt through this platform's dispatcher.
    pub async fn delete_prompt(&self, to: &ReplyContext) -> Result<(), DispatchError> {
        match self {
            PlatformKind::Slack { dispatcher, .. } => dispatcher.delete_prompt(to).await,
            PlatformKind::Mattermost { dispatcher, .. } => dispatcher.delete_prompt(to).await,
            PlatformKind::Webex { dispatcher, .. } => dispatcher.delete_prompt(to).await,
            PlatformKind::Teams { dispatcher, .. } => dispatcher.delete_prompt(to).await,
        }
    }

    /// Shows that a command is being worked on, for as long as this future
    /// runs, on the platforms that show it (Teams' typing indicator); never
    /// completes. The first indicator waits a moment, so that quick answers
    /// cost no extra request.
    pub async fn keep_typing(&self, to: &ReplyContext) -> std::convert::Infallible {
        const FIRST: std::time::Duration = std::time::Duration::from_millis(500);
        // Teams shows the indicator for about three seconds.
        const AGAIN: std::time::Duration = std::time::Duration::from_millis(2500);
        let PlatformKind::Teams { dispatcher, .. } = self else {
            return std::future::pending().await;
        };
        tokio::time::sleep(FIRST).await;
        loop {
            if let Err(err) = dispatcher.typing(to).await {
                tracing::debug!(error = %err, "could not show the typing indicator");
            }
            tokio::time::sleep(AGAIN).await;
        }
    }
}

impl Runtime {
    /// Builds the runtime of a loaded configuration.
    ///
    /// Platforms whose credentials are missing from the secrets are left out
    /// with a log line (compile never produces such a configuration; a
    /// hand-edited one might).
    pub fn build(loaded: Loaded, outbound: &Outbound) -> Runtime {
        let Loaded { config, secrets, .. } = loaded;
        let mut platforms = HashMap::new();
        let mut unserved = Vec::new();
        for (name, settings) in &config.platforms {
            match platform(name, settings, &secrets, outbound) {
                Some(platform) => {
                    platforms.insert(name.clone(), platform);
                }
                None => {
                    tracing::error!(platform = %name, "credentials missing from the secrets; platform not served");
                    unserved.push(name.clone());
                }
            }
        }
        unserved.sort();
        Runtime {
            grants: GrantIndex::new(&config.grants),
            registry: registry(&config, &secrets),
            platforms,
            unserved,
            config,
        }
    }
}

/// A built worker as a registry entry, or why it could not be built.
fn served<W: Command + 'static>(
    built: Result<W, impl std::fmt::Display>,
) -> Result<Arc<dyn Command>, String> {
    built
        .map(|worker| Arc::new(worker) as Arc<dyn Command>)
        .map_err(|error| error.to_string())
}

/// The built-in command and one command per Integration whose worker is
/// built. An Integration that cannot be served (a client that cannot be
/// built, such as an unreadable CA bundle) is left out with a log line: the
/// rest of the configuration still serves. Every type has a worker: a new
/// type in the CRD fails to compile here until it has one.
fn registry(config: &GatewayConfig, secrets: &GatewaySecrets) -> Registry {
    let mut registry = Registry::new();
    let links = &config.account_links;
    for (command, integration) in &config.integrations {
        let worker = match integration.integration_type {
            IntegrationType::Nautobot => served(Nautobot::new(command, integration, links, secrets)),
            IntegrationType::Awx => served(Awx::new(command, integration, links, secrets)),
            IntegrationType::Grafana => served(Grafana::new(command, integration, config, secrets)),
            IntegrationType::Ipfabric => served(Ipfabric::new(command, integration, config, secrets)),
            IntegrationType::Panorama => served(Panorama::new(command, integration, links, secrets)),
            IntegrationType::Aci => served(Aci::new(command, integration, links, secrets)),
            IntegrationType::Meraki => served(Meraki::new(command, integration, links, secrets)),
            IntegrationType::Cloudvision => served(CloudVision::new(command, integration, links, secrets)),
            IntegrationType::Nso => served(Nso::new(command, integration, links, secrets)),
            IntegrationType::Slurpit => served(Slurpit::new(command, integration, links, secrets)),
        };
        let registered = match worker {
            Ok(worker) => registry.register(worker).map_err(|error| error.to_string()),
            Err(error) => Err(error),
        };
        if let Err(error) = registered {
            tracing::error!(%command, integration = %integration.source, %error, "integration not served");
        }
    }
    registry
}

fn platform(
    name: &str,
    settings: &PlatformConfig,
    secrets: &GatewaySecrets,
    outbound: &Outbound,
) -> Option<Platform> {
    let continuation_key = derive_key(secrets.get(continuation_secret(&settings.credentials))?);
    let secret = |key: &SecretKey| secrets.get(key).map(str::to_owned);
    let http = outbound.http.clone();
    let kind = match &settings.credentials {
        PlatformCredentials::Slack {
            signing_secret,
            bot_token,
            socket,
            response_url_hosts,
        } => {
            let client = SlackClient::new(http, outbound.slack_api_url.clone(), secret(bot_token)?)
                .with_response_urls(ResponseUrls::slack(
                    response_url_hosts,
                    outbound.allow_loopback_urls,
                ));
            let socket = match socket {
                Some(socket) => Some(SocketMode::new(
                    outbound.socket_http.clone(),
                    &outbound.slack_api_url,
                    secret(&socket.app_token)?,
                    socket.connections,
                )),
                None => None,
            };
            PlatformKind::Slack {
                // Socket Mode: no request reaches the URLs, so none may be let in there.
                signing_secret: match (&socket, signing_secret) {
                    (None, Some(signing_secret)) => Some(secret(signing_secret)?),
                    _ => None,
                },
                socket,
                dispatcher: SlackDispatcher::new(client),
            }
        }
        PlatformCredentials::Mattermost {
            url,
            bot_token,
            slash_tokens,
            response_url_hosts,
        } => {
            let client = MattermostClient::new(http, url.clone(), secret(bot_token)?).with_response_urls(
                ResponseUrls::mattermost(url, response_url_hosts, outbound.allow_loopback_urls),
            );
            let actions_url = outbound
                .public_url
                .as_ref()
                .map(|base| format!("{}/hooks/{name}/actions", base.trim_end_matches('/')));
            PlatformKind::Mattermost {
                slash_tokens: slash_tokens.iter().map(secret).collect::<Option<_>>()?,
                // The context MACs reuse the continuation key: their own domain label keeps the uses apart.
                dispatcher: MattermostDispatcher::new(client, continuation_key, actions_url),
            }
        }
        PlatformCredentials::Webex {
            bot_token,
            webhook_secret,
        } => {
            let client = WebexClient::new(http, outbound.webex_api_url.clone(), secret(bot_token)?);
            PlatformKind::Webex {
                webhook_secret: secret(webhook_secret)?,
                dispatcher: WebexDispatcher::new(client),
                identity: tokio::sync::OnceCell::new(),
            }
        }
        PlatformCredentials::Msteams {
            app_id,
            app_password,
            tenant_id,
            extra_issuers,
        } => {
            let tokens = TokenSource::new(
                http.clone(),
                outbound.teams_login_url.clone(),
                app_id.clone(),
                secret(app_password)?,
                tenant_id.clone(),
            );
            let client = ConnectorClient::new(http, tokens);
            let bot_framework = TrustedIssuer {
                metadata_url: outbound.teams_openid_metadata_url.clone(),
                ..TrustedIssuer::bot_framework()
            };
            let extra = extra_issuers.iter().map(|extra| TrustedIssuer {
                issuer: extra.issuer.clone(),
                metadata_url: extra.open_id_metadata_url.clone(),
                // Entra-issued tokens need not carry the claim; when they do, it must match.
                requires_service_url: false,
            });
            PlatformKind::Teams {
                app_id: app_id.clone(),
                issuers: std::iter::once(bot_framework).chain(extra).collect(),
                dispatcher: TeamsDispatcher::new(client, app_id),
            }
        }
    };
    Some(Platform {
        settings: settings.clone(),
        continuation_key,
        kind,
    })
}
