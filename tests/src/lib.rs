//! Shared helpers for the cross-component tests in `tests/tests/`.

pub mod fake_slack;
pub mod gateway_process;
pub mod slack_requests;

use std::path::PathBuf;

use chatops_crds::manifests::{self, Loaded};

/// The workspace root, whatever directory the tests run from.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// The manifests of `examples/quickstart/`, read as the gateway's standalone mode reads them.
pub fn load_quickstart() -> Loaded {
    let dir = workspace_root().join("examples/quickstart");
    manifests::load_dir(&dir, "default").expect("examples/quickstart loads")
}
