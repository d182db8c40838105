//! `spec.ipfabric`: which snapshot the `ipfabric` worker reads when a
//! command names none, and the Nautobot that `ssot-sync-to-nautobot` runs
//! the nautobot-ssot IP Fabric job on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The snapshot IP Fabric itself calls the newest loaded one.
pub const LAST_SNAPSHOT: &str = "$last";

/// Settings of an `ipfabric` Integration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IpfabricSettings {
    /// The snapshot commands read when the chat user names none (with
    /// `snapshot=…`, or by `set-snapshot`): `$last` (the newest loaded one,
    /// the default), `$prev`, `$lastLocked`, or a snapshot's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^(\$last|\$prev|\$lastLocked|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    ))]
    pub snapshot: Option<String>,
    /// The name of a `nautobot` Integration in the same namespace: where
    /// `ssot-sync-to-nautobot` runs the nautobot-ssot IP Fabric job. Unset:
    /// that sub-command says it is not configured. In the gateway's
    /// configuration, the command that Integration answers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(min = 1, max = 253),
        regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    )]
    pub nautobot: Option<String>,
}

impl IpfabricSettings {
    /// The snapshot of commands that name none: [`IpfabricSettings::snapshot`], else `$last`.
    pub fn default_snapshot(&self) -> &str {
        self.snapshot.as_deref().unwrap_or(LAST_SNAPSHOT)
    }
}
