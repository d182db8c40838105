//! The chatops operator: turns chatops.dev resources into the gateway's
//! ConfigMap and Secret.
//!
//! So far this holds the pure half: [`render`] (from a
//! [`chatops_crds::Compiled`] to the two objects), [`status`] (a diagnostic as
//! the `Ready` condition, written only when it changed), [`events`] (which
//! Event a change of verdict records), [`changes`] (what a
//! new render changed, for its Event), the `crdgen` and `render` commands
//! of the `chatops-operator` binary, and [`grafana_panels`] (its
//! `grafana-panels` command: a live Grafana's panels as `spec.grafana`);
//! [`apply`] writes statuses with server-side apply (tested against a mock
//! API server). The rest of the cluster half (watches, the render apply,
//! Events, leader election) builds on these.

pub mod admin;
pub mod apply;
pub mod changes;
pub mod controller;
pub mod cycle;
pub mod debounce;
pub mod events;
#[cfg(test)]
pub mod fixtures;
pub mod grafana_panels;
pub mod import;
pub mod leader;
pub mod lookup;
pub mod metrics;
pub mod plan;
pub mod recorder;
pub mod render;
pub mod retry;
pub mod secret_cache;
pub mod snapshot;
pub mod status;
pub mod watch_health;
