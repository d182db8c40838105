//! Where the gateway's configuration comes from, and reloading it when it changes.
//!
//! Three sources, one result: a directory of resource manifests compiled by
//! the same `chatops_crds::compile` the operator uses (standalone mode), the
//! operator's rendered ConfigMap and Secret mounted as files, or the same two
//! objects watched through the Kubernetes API. Either way a change is picked
//! up without a restart, and a configuration that fails to load is logged
//! while the last good one keeps serving.

mod cluster;
mod content;
mod rendered;
mod source;
mod watch;

pub use cluster::watch_cluster;
pub use rendered::{CONFIG_KEY, SECRET_HASH_KEY, from_objects, from_rendered, load_mounted};
pub use source::{ConfigSource, LoadError, Loaded};
pub use watch::{FailureLog, Reload, Reloader, is_content_change, report, watch};
