//! `spec.nso`: the command sets `run-command-set` offers, declared in the
//! resource instead of the seven the original app has built in.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings of an `nso` Integration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NsoSettings {
    /// The named sets of read-only commands `run-command-set` may run on a
    /// device through NSO's live-status `exec`. Unset: the original app's
    /// sets (interfaces, version, routing, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "command_sets_schema")]
    pub command_sets: Vec<CommandSet>,
}

/// Schema of `commandSets`: at most 50, unique by `name` (a list map).
fn command_sets_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::list_map::<CommandSet>(generator, "name", None, 50)
}

/// A named set of commands, run one after the other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommandSet {
    /// What users pick, e.g. `interfaces`.
    #[schemars(length(min = 1, max = 48), regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub name: String,
    /// The commands, as typed on the device (`show ip interface brief`).
    /// Only `show` commands: the set runs as whoever asked, and a chat
    /// command is no place to change a device.
    #[schemars(
        length(min = 1, max = 20),
        inner(length(min = 1, max = 200), regex(pattern = r"^show\s+\S.*$"))
    )]
    pub commands: Vec<String>,
}
