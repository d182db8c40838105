//! `AccessGrant`: who may run which command where. The gateway denies by default.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{Condition, ConditionType, OBJECT_NAME_PATTERN};

named_enum! {
    /// The scope a grant applies to. A request must be allowed in all three,
    /// checked in the order declared (`ALL`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum GrantType {
        /// The workspace, team or tenant (Slack team, Teams tenant/team, Webex org, Mattermost team).
        Organization = "organization",
        /// The channel, room or conversation the command was typed in.
        Channel = "channel",
        /// The person who typed it.
        User = "user",
    }
    /// The name used in manifests and messages.
    fn as_str;
}

chatops_resource! {
    /// Allows one command (or `*`) and sub-command (or `*`) for one organization,
    /// channel or user ID (or `*`). A request runs only when grants allow its
    /// organization, its channel and its user.
    kube(
        kind = "AccessGrant",
        status = "AccessGrantStatus",
        shortname = "grant",
        doc = "Allows a chat command for an organization, a channel or a user. Requests are denied unless grants allow their organization, channel and user.",
        printcolumn(name = "Command", type_ = "string", json_path = ".spec.command"),
        printcolumn(name = "Subcommand", type_ = "string", json_path = ".spec.subcommand"),
        printcolumn(name = "Type", type_ = "string", json_path = ".spec.grantType"),
        printcolumn(name = "Name", type_ = "string", json_path = ".spec.name"),
        printcolumn(name = "Value", type_ = "string", json_path = ".spec.value"),
        printcolumn(
            name = "Channel",
            type_ = "string",
            json_path = ".spec.channelName",
            priority = 1
        ),
        printcolumn(
            name = "Resolved",
            type_ = "string",
            json_path = ".status.resolvedValue",
            priority = 1
        ),
        printcolumn(
            name = "Platform",
            type_ = "string",
            json_path = ".spec.platform",
            priority = 1
        ),
    )
    reason(, priority = 1)
    #[x_kube(
        validation = Rule::new("self.command != '*' || self.subcommand == '*'").message("subcommand must be '*' when command is '*'"),
        validation = Rule::new("has(self.value) != has(self.channelName)").message("exactly one of value or channelName is required"),
        validation = Rule::new("!has(self.channelName) || self.grantType == 'channel'").message("channelName is only for grantType channel"),
        validation = Rule::new("!has(self.channelName) || has(self.platform)").message("channelName needs platform: the name is looked up on that ChatPlatform"),
    )]
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
        /// A wildcard is the whole value: `T20*` is not a pattern. Exactly one of
        /// `value` and `channelName` is set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(length(min = 1, max = 255), regex(pattern = r"^(\*|[^*\s]+)$"))]
        pub value: Option<String>,
        /// A channel by name instead of by ID (`netops` or `#netops`), for
        /// `grantType: channel` with a `platform`. The operator looks the ID up
        /// through the platform's API and records it in `status.resolvedValue`:
        /// the Slack channel name, the Webex room title, the Mattermost channel
        /// name from its URL (`team/channel` to pick the team). Not for Teams.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(length(min = 1, max = 255), regex(pattern = r"^#?[^#\s](.*\S)?$"))]
        pub channel_name: Option<String>,
        /// Limit the grant to one ChatPlatform (by name); all platforms when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(length(min = 1, max = 253), regex(pattern = OBJECT_NAME_PATTERN))]
        pub platform: Option<String>,
    }
}

fn wildcard() -> String {
    "*".to_owned()
}

impl AccessGrantSpec {
    /// The channel name without its leading `#`, as the platforms' APIs know it.
    pub fn bare_channel_name(&self) -> Option<&str> {
        self.channel_name
            .as_deref()
            .map(|name| name.strip_prefix('#').unwrap_or(name))
    }
}

impl AccessGrant {
    /// The channel ID the operator resolved from `spec.channelName`, if it was
    /// resolved for the current name and platform. An ID recorded for another
    /// name or platform is stale: the spec changed since, and it must be looked
    /// up again rather than trusted.
    pub fn resolved_value(&self) -> Option<&str> {
        let status = self.status.as_ref()?;
        let fresh = self.spec.channel_name.is_some()
            && status.resolved_channel_name == self.spec.channel_name
            && status.resolved_platform.is_some()
            && status.resolved_platform == self.spec.platform;
        fresh.then_some(status.resolved_value.as_deref()).flatten()
    }

    /// The ID this grant allows: `spec.value`, else the resolved channel ID.
    pub fn effective_value(&self) -> Option<&str> {
        self.spec.value.as_deref().or_else(|| self.resolved_value())
    }

    /// Whether the channel ID must be looked up: a name is given, no value,
    /// and no ID resolved for the current name and platform.
    pub fn needs_lookup(&self) -> bool {
        self.spec.value.is_none()
            && self.spec.channel_name.is_some()
            && self.spec.platform.is_some()
            && self.resolved_value().is_none()
    }

    /// The stored `Resolved` condition: the outcome of the last look-up.
    pub fn resolved_condition(&self) -> Option<&Condition> {
        self.status.as_ref()?.condition(ConditionType::Resolved)
    }
}

chatops_status! {
    /// Status of an AccessGrant: readiness, and the channel ID found for `channelName`.
    pub struct AccessGrantStatus {
        /// `Ready` (written by the operator's render) and `Resolved` (the outcome
        /// of the channel look-up, written by its look-ups).
        conditions;
        /// The channel ID the operator resolved from `spec.channelName`.
        resolved_value,
        /// The `spec.channelName` that `resolvedValue` was resolved from.
        resolved_channel_name,
        /// The ChatPlatform `resolvedValue` was resolved on.
        resolved_platform,
    }
}
