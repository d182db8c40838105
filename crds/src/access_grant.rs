//! `AccessGrant`: who may run which command where. The gateway denies by default.

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{OBJECT_NAME_PATTERN, ResourceStatus};

/// The scope a grant applies to. A request must be allowed in all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GrantType {
    /// The workspace, team or tenant (Slack team, Teams tenant/team, Webex org, Mattermost team).
    Organization,
    /// The channel, room or conversation the command was typed in.
    Channel,
    /// The person who typed it.
    User,
}

impl GrantType {
    /// All scopes, in the order a request is checked.
    pub const ALL: [GrantType; 3] = [GrantType::Organization, GrantType::Channel, GrantType::User];

    /// The name used in manifests and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::Organization => "organization",
            GrantType::Channel => "channel",
            GrantType::User => "user",
        }
    }
}

impl std::fmt::Display for GrantType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Allows one command (or `*`) and sub-command (or `*`) for one organization,
/// channel or user ID (or `*`). A request runs only when grants allow its
/// organization, its channel and its user.
#[derive(CustomResource, KubeSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "chatops.dev",
    version = "v1alpha1",
    kind = "AccessGrant",
    namespaced,
    status = "ResourceStatus",
    shortname = "grant",
    category = "chatops",
    doc = "Allows a chat command for an organization, a channel or a user. Requests are denied unless grants allow their organization, channel and user.",
    printcolumn(name = "Command", type_ = "string", json_path = ".spec.command"),
    printcolumn(name = "Subcommand", type_ = "string", json_path = ".spec.subcommand"),
    printcolumn(name = "Type", type_ = "string", json_path = ".spec.grantType"),
    printcolumn(name = "Name", type_ = "string", json_path = ".spec.name"),
    printcolumn(name = "Value", type_ = "string", json_path = ".spec.value"),
    printcolumn(
        name = "Platform",
        type_ = "string",
        json_path = ".spec.platform",
        priority = 1
    ),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].reason",
        priority = 1
    ),
    printcolumn(name = "Age", type_ = "date", json_path = ".metadata.creationTimestamp"),
    derive = "PartialEq"
)]
#[x_kube(validation = Rule::new("self.command != '*' || self.subcommand == '*'").message("subcommand must be '*' when command is '*'"))]
#[serde(rename_all = "camelCase")]
pub struct AccessGrantSpec {
    /// The command this grant allows (`nautobot`), or `*` for every command.
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^(\*|[a-z0-9][a-z0-9_]*)$"))]
    pub command: String,
    /// The sub-command this grant allows (`get-devices`), or `*` for every sub-command.
    #[serde(default = "wildcard")]
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^(\*|[a-z0-9][a-z0-9_-]*)$"))]
    pub subcommand: String,
    /// Whether `value` names an organization, a channel or a user.
    pub grant_type: GrantType,
    /// A name for people reading the grant (`devops`, `admin1`); not used to decide.
    #[schemars(length(min = 1, max = 255))]
    pub name: String,
    /// The platform's raw ID (`T202B88NN`, `C3030I566`, `U2049K991`), or `*` for any.
    /// A wildcard is the whole value: `T20*` is not a pattern.
    #[schemars(length(min = 1, max = 255), regex(pattern = r"^(\*|[^*\s]+)$"))]
    pub value: String,
    /// Limit the grant to one ChatPlatform (by name); all platforms when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253), regex(pattern = OBJECT_NAME_PATTERN))]
    pub platform: Option<String>,
}

fn wildcard() -> String {
    "*".to_owned()
}
