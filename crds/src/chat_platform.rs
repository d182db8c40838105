//! `ChatPlatform`: one chat workspace or bot the gateway serves, with its credentials
//! and the behaviour settings of the Nautobot ChatOps app.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{ResourceStatus, SecretKeyRef};

named_enum! {
    /// The chat platforms the gateway speaks.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum PlatformType {
        /// Slack (slash commands, interactivity, Events API).
        Slack = "slack",
        /// Microsoft Teams through the Bot Framework.
        Msteams = "msteams",
        /// Webex (webhooks and Adaptive Cards).
        Webex = "webex",
        /// Mattermost (slash commands, interactive messages and dialogs).
        Mattermost = "mattermost",
    }
    /// The name used in manifests, URLs and logs.
    fn as_str;
}

chatops_resource! {
    /// A chat platform the gateway serves under `/hooks/{metadata.name}/`.
    ///
    /// Exactly one credentials block is set, the one named by `type`.
    kube(
        kind = "ChatPlatform",
        status = "ResourceStatus",
        shortname = "cplat",
        doc = "A chat platform (Slack, Microsoft Teams, Webex or Mattermost) served by the chatops gateway under /hooks/{name}/.",
        printcolumn(name = "Type", type_ = "string", json_path = ".spec.type"),
    )
    reason()
    #[x_kube(
        validation = Rule::new("self.type == 'slack' ? has(self.slack) : !has(self.slack)").message("spec.slack is required when type is slack and not allowed otherwise"),
        validation = Rule::new("self.type == 'msteams' ? has(self.msteams) : !has(self.msteams)").message("spec.msteams is required when type is msteams and not allowed otherwise"),
        validation = Rule::new("self.type == 'webex' ? has(self.webex) : !has(self.webex)").message("spec.webex is required when type is webex and not allowed otherwise"),
        validation = Rule::new("self.type == 'mattermost' ? has(self.mattermost) : !has(self.mattermost)").message("spec.mattermost is required when type is mattermost and not allowed otherwise"),
    )]
    #[serde(rename_all = "camelCase")]
    pub struct ChatPlatformSpec {
        /// Which platform this is: slack, msteams, webex or mattermost.
        #[serde(rename = "type")]
        pub platform_type: PlatformType,
        /// Slack credentials; required when `type` is slack.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub slack: Option<SlackCredentials>,
        /// Microsoft Teams (Bot Framework) credentials; required when `type` is msteams.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub msteams: Option<TeamsCredentials>,
        /// Webex credentials; required when `type` is webex.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub webex: Option<WebexCredentials>,
        /// Mattermost server and credentials; required when `type` is mattermost.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mattermost: Option<MattermostCredentials>,
        /// Prefix of the chat command, stripped before parsing and shown in help and
        /// shortcuts: with `/network-`, the slash command `/network-nautobot` runs `nautobot`.
        #[serde(default = "default_command_prefix")]
        #[schemars(length(max = 32), regex(pattern = r"^\S*$"))]
        pub command_prefix: String,
        /// Delete the prompt (menu or form) once the user has answered it.
        #[serde(default)]
        pub delete_input_on_submission: bool,
        /// Show in help only the sub-commands a user-type grant lets the caller run.
        #[serde(default)]
        pub restrict_help: bool,
        /// Answer every command privately (ephemeral) instead of in the channel.
        #[serde(default)]
        pub send_all_messages_private: bool,
        /// The identity used against integrations for chat users without an AccountLink.
        #[serde(default = "default_fallback_user")]
        #[schemars(length(min = 1, max = 150))]
        pub fallback_user: String,
        /// How long per-user prompt state lives where a platform needs server-side state.
        #[serde(default = "default_session_cache_timeout_seconds")]
        #[schemars(range(min = 1, max = 2592000))]
        pub session_cache_timeout_seconds: u32,
    }
}

fn default_command_prefix() -> String {
    "/".to_owned()
}

fn default_fallback_user() -> String {
    "chatbot".to_owned()
}

fn default_session_cache_timeout_seconds() -> u32 {
    86_400
}

named_enum! {
    /// How Slack reaches the gateway.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum SlackMode {
        /// Slack posts to the gateway's `/hooks/{name}/` URLs, signed with the signing secret.
        Webhooks = "webhooks",
        /// The gateway opens WebSocket connections to Slack (Socket Mode): no
        /// inbound URL, no ingress; needs an app-level token.
        Socket = "socket",
    }
    /// The name used in manifests and logs.
    fn as_str;
}

impl Default for SlackMode {
    /// Webhooks, as before Socket Mode was served.
    fn default() -> Self {
        SlackMode::Webhooks
    }
}

/// Slack app credentials, and how Slack reaches the gateway.
#[derive(Clone, Debug, PartialEq, KubeSchema, Serialize, Deserialize)]
#[x_kube(
    validation = Rule::new("(has(self.mode) && self.mode == 'socket') || has(self.signingSecretRef)").message("signingSecretRef is required when mode is webhooks"),
    validation = Rule::new("!(has(self.mode) && self.mode == 'socket') || has(self.appTokenRef)").message("appTokenRef (the app-level token, xapp-...) is required when mode is socket"),
    validation = Rule::new("(has(self.mode) && self.mode == 'socket') || !has(self.appTokenRef)").message("appTokenRef applies only when mode is socket"),
    validation = Rule::new("(has(self.mode) && self.mode == 'socket') || !has(self.socketConnections)").message("socketConnections applies only when mode is socket"),
)]
#[serde(rename_all = "camelCase")]
pub struct SlackCredentials {
    /// `webhooks` (the default): Slack posts to `/hooks/{name}/commands`,
    /// `interactions` and `events`. `socket`: Socket Mode, where each gateway
    /// replica connects out to Slack and nothing needs to reach the gateway.
    #[serde(default)]
    pub mode: SlackMode,
    /// The app's signing secret (Basic Information > App Credentials), used to
    /// verify requests; required with `mode: webhooks`, unused with `socket`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_secret_ref: Option<SecretKeyRef>,
    /// The bot user OAuth token (`xoxb-…`), used to answer.
    pub bot_token_ref: SecretKeyRef,
    /// The app-level token (`xapp-…`, Basic Information > App-Level Tokens,
    /// scope `connections:write`) that opens Socket Mode connections; required
    /// with `mode: socket`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_token_ref: Option<SecretKeyRef>,
    /// Socket Mode connections each gateway replica holds (default 1). Slack
    /// hands each envelope to one of the app's open connections, at most 10
    /// in all: replicas times this must stay within 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10))]
    pub socket_connections: Option<u8>,
    /// Hosts besides `hooks.slack.com` that response URLs may point to, over
    /// https (e.g. `hooks.slack-gov.com`); `*.example.com` allows every host
    /// below `example.com`. Any other response URL is not followed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 16),
        inner(regex(pattern = r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"))
    )]
    pub response_url_hosts: Vec<String>,
}

/// Microsoft Teams bot credentials (Azure Bot registration).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamsCredentials {
    /// The Microsoft App ID: the audience of inbound tokens. Not a secret.
    #[schemars(length(min = 1, max = 128), regex(pattern = r"^\S+$"))]
    pub app_id: String,
    /// The Microsoft App password (client secret).
    pub app_password_ref: SecretKeyRef,
    /// The Entra tenant of a single-tenant bot; leave out for a multi-tenant bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128), regex(pattern = r"^\S+$"))]
    pub tenant_id: Option<String>,
    /// Token issuers trusted besides the Bot Framework's own
    /// (`https://api.botframework.com`), each with the OpenID metadata that
    /// publishes its signing keys: for single-tenant bots whose inbound tokens
    /// Microsoft Entra issues (e.g. `https://login.microsoftonline.com/{tenant}/v2.0`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 8))]
    pub extra_issuers: Vec<TeamsIssuer>,
}

/// A token issuer a Teams bot trusts, and where its signing keys are published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamsIssuer {
    /// The `iss` claim, exactly, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`.
    #[schemars(length(min = 1, max = 512), regex(pattern = r"^https://\S+$"))]
    pub issuer: String,
    /// The issuer's OpenID metadata document, whose `jwks_uri` lists the keys,
    /// e.g. `https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration`.
    #[schemars(length(min = 1, max = 2048), regex(pattern = r"^https://\S+$"))]
    pub open_id_metadata_url: String,
}

/// Webex bot credentials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebexCredentials {
    /// The bot's access token.
    pub bot_token_ref: SecretKeyRef,
    /// The secret given when the webhooks were registered, used to verify `X-Spark-Signature`.
    pub webhook_secret_ref: SecretKeyRef,
}

/// Mattermost server and credentials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MattermostCredentials {
    /// Base URL of the Mattermost server, e.g. `https://chat.example.com`.
    #[schemars(length(max = 2048), regex(pattern = r"^https?://[^\s/]+(/\S*)?$"))]
    pub url: String,
    /// The bot account's access token, used to answer.
    pub bot_token_ref: SecretKeyRef,
    /// The tokens of the slash commands that point at this gateway (one per slash command).
    #[schemars(length(min = 1, max = 64))]
    pub slash_token_refs: Vec<SecretKeyRef>,
    /// Hosts besides `url`'s that response URLs may point to, over https: the
    /// server's public Site URL host when `url` is an internal address (e.g.
    /// `chat.example.com`); `*.example.com` allows every host below
    /// `example.com`. Any other response URL is not followed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 16),
        inner(regex(pattern = r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"))
    )]
    pub response_url_hosts: Vec<String>,
}
