//! `spec.awx`: how the `awx` worker follows the jobs it launches.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings of an `awx` Integration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AwxSettings {
    /// After `run-job-template` launches a job, watch it and post its final
    /// status (successful, failed, error or canceled, with its link) in the
    /// same conversation when it ends.
    #[serde(default = "default_follow_jobs")]
    pub follow_jobs: bool,
    /// How long a launched job is watched. A job still running after this
    /// is left alone, with a message that says where to follow it.
    #[serde(default = "default_follow_minutes")]
    #[schemars(range(min = 1, max = 1440))]
    pub follow_minutes: u32,
}

impl Default for AwxSettings {
    fn default() -> Self {
        AwxSettings {
            follow_jobs: default_follow_jobs(),
            follow_minutes: default_follow_minutes(),
        }
    }
}

fn default_follow_jobs() -> bool {
    true
}

fn default_follow_minutes() -> u32 {
    60
}
