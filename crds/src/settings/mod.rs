//! The per-type sections of an Integration (`spec.awx`, `spec.grafana`):
//! what one backend type needs beyond an endpoint and credentials.
//!
//! The same types travel into the gateway's configuration, so that what the
//! resource declares and what the worker reads cannot drift apart.

pub mod awx;
pub mod grafana;

pub use awx::AwxSettings;
pub use grafana::{
    GrafanaDashboard, GrafanaPanel, GrafanaSettings, GrafanaTheme, NautobotChoices, NautobotObjects,
    PanelVariable, RenderDefaults,
};
