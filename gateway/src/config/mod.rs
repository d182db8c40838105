//! Where the gateway's configuration comes from, and reloading it when it changes.
//!
//! Two sources, one result: a directory of resource manifests compiled by the
//! same `chatops_crds::compile` the operator uses (standalone mode), or the
//! operator's rendered ConfigMap and Secret mounted as files. Either way a
//! change is picked up without a restart, and a configuration that fails to
//! load is logged while the last good one keeps serving.

mod source;
mod watch;

pub use source::{ConfigSource, LoadError, Loaded};
pub use watch::{Reloader, watch};
