//! The per-type sections of an Integration (`spec.awx`, `spec.grafana`):
//! what one backend type needs beyond an endpoint and credentials.
//!
//! The same types travel into the gateway's configuration, so that what the
//! resource declares and what the worker reads cannot drift apart.

pub mod awx;
pub mod grafana;
pub mod ipfabric;
pub mod nso;

pub use awx::AwxSettings;
pub use grafana::{
    GrafanaDashboard, GrafanaPanel, GrafanaSettings, GrafanaTheme, NautobotChoices, NautobotObjects,
    PanelVariable, RenderDefaults,
};
pub use ipfabric::IpfabricSettings;
pub use nso::{CommandSet, NsoSettings};

/// A list of `T` unique by `key`, with `min`/`max` items.
pub(crate) fn list_map<T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
    key: &str,
    min: Option<u32>,
    max: u32,
) -> schemars::Schema {
    let mut schema = generator.subschema_for::<Vec<T>>();
    if let Some(min) = min {
        schema.insert("minItems".into(), min.into());
    }
    schema.insert("maxItems".into(), max.into());
    schema.insert("x-kubernetes-list-type".into(), "map".into());
    schema.insert("x-kubernetes-list-map-keys".into(), vec![key].into());
    schema
}
