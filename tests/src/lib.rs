//! Shared helpers for the cross-component tests in `tests/tests/`.

pub mod fake_api;
pub mod fake_mattermost;
pub mod fake_slack;
pub mod fake_teams;
pub mod fake_webex;
pub mod gateway_process;
pub mod kubelet;
pub mod nautobot_live;
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

/// A copy of `examples/quickstart/` in a temporary directory, for tests that change it.
pub fn copy_quickstart() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for entry in std::fs::read_dir(workspace_root().join("examples/quickstart")).expect("examples/quickstart")
    {
        let path = entry.expect("a directory entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("a file name"))).expect("the copy");
    }
    dir
}
