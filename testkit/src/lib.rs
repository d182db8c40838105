//! The test kit of the workspace: what the gateway's, the operator's and the
//! cross-component tests share, written once.
//!
//! - the fake chat APIs, one [`fake_api::FakeApi`] per platform:
//!   [`fake_slack`], [`fake_mattermost`], [`fake_webex`], [`fake_teams`],
//!   and [`fake_slack_socket`], Slack's Socket Mode WebSocket server;
//! - the fake backends: [`fake_awx`], AWX's controller API for the `awx`
//!   integration, [`fake_grafana`], Grafana's HTTP API and panel renderer
//!   for the `grafana` integration, [`fake_ipfabric`], IP Fabric's REST API
//!   (snapshots, tables, path lookup) for the `ipfabric` integration,
//!   [`fake_nso`], Cisco NSO's RESTCONF API for the `nso` integration,
//!   [`fake_slurpit`], the Slurpit portal's devices, sites and planning data
//!   for the `slurpit` integration, [`fake_meraki`], Cisco Meraki's
//!   Dashboard API v1 for the `meraki` integration, and [`fake_apic`], Cisco
//!   APIC's REST API (login, class and managed-object queries, node
//!   registration) for the `aci` integration, [`fake_cloudvision`], Arista
//!   CloudVision (CVaaS and on-premises CVP: the CVP service API and the
//!   resource APIs) for the `cloudvision` integration; [`fake_nautobot_jobs`], Nautobot's jobs API,
//!   where the `ipfabric` integration runs nautobot-ssot's IP Fabric job;
//! - [`fault_proxy`]: a proxy in front of any fake that injects 500s, 429s,
//!   late answers, connection resets and a service dying mid-command;
//! - [`signed`]: requests signed as each of the four platforms signs them,
//!   and [`slack_requests`], Slack's slash commands and interactions;
//! - [`fake_kube`]: an in-memory Kubernetes API server for a real `kube::Client`;
//! - [`gateway_process`]: the real gateway binary, started and stopped;
//! - [`chat`]: that gateway driven through Slack and Mattermost as a person
//!   drives it, for an integration's tests end to end;
//! - [`platforms`]: Mattermost, Webex and Teams beside the quickstart, and their requests;
//! - [`kubelet`]: a ConfigMap or Secret volume laid out as kubelet mounts it;
//! - [`nautobot_live`]: the real Nautobot of `scripts/nautobot/up`, and a Slack that takes uploads;
//! - [`vectors`]: the chat-protocol test vectors of `testkit/vectors/`;
//! - [`wait`]: waits on a condition, in place of fixed sleeps;
//! - the quickstart manifests ([`load_quickstart`], [`copy_quickstart`]), who is
//!   who in them ([`quickstart`]), and a chat platform added to them ([`manifests`]).

pub mod chat;
pub mod endpoints;
pub mod fake_api;
pub mod fake_apic;
pub mod fake_awx;
pub mod fake_cloudvision;
pub mod fake_grafana;
pub mod fake_ipfabric;
pub mod fake_kube;
pub mod fake_mattermost;
pub mod fake_meraki;
pub mod fake_nautobot_jobs;
pub mod fake_nso;
mod fake_nso_cli;
pub mod fake_panorama;
pub mod fake_slack;
pub mod fake_slack_socket;
pub mod fake_slurpit;
pub mod fake_teams;
pub mod fake_webex;
pub mod fault_proxy;
pub mod gateway_process;
pub mod kubelet;
pub mod manifests;
pub mod nautobot_live;
pub mod platforms;
pub mod quickstart;
pub mod redis_server;
pub mod signed;
pub mod slack_requests;
mod tls_listener;
pub mod vectors;
pub mod wait;

use std::path::PathBuf;

use chatops_crds::{
    Compiled,
    manifests::{Loaded, load_dir},
};

/// The workspace root, whatever directory the tests run from.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit/ has a parent")
        .to_owned()
}

/// The manifests of `examples/quickstart/`, read as the gateway's standalone mode reads them.
pub fn load_quickstart() -> Loaded {
    let dir = quickstart_dir();
    load_dir(&dir, "default").expect("examples/quickstart loads")
}

/// Compiles `loaded`, and panics unless every document was a resource and
/// every resource compiled ready (`what` names the manifests in the panic).
pub fn compile_ready(loaded: Loaded, what: &str) -> Compiled {
    assert!(
        loaded.ignored.is_empty(),
        "unexpected documents in {what}: {:?}",
        loaded.ignored
    );
    let compiled = loaded.compile();
    let rejected: Vec<String> = compiled.rejected().map(ToString::to_string).collect();
    assert!(rejected.is_empty(), "{what}: {rejected:#?}");
    compiled
}

/// The text field `field` of every item of the JSON array `items` (a menu's
/// options, a card's actions, a status's conditions); panics on anything else.
pub fn texts_of<'a>(items: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    let items = items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"));
    items
        .iter()
        .map(|item| {
            item[field]
                .as_str()
                .unwrap_or_else(|| panic!("no text {field} in {item}"))
        })
        .collect()
}

/// Asserts that `answer` tells a user the organization (workspace, team,
/// tenant) is not granted, and names `org`, the ID to ask for.
pub fn assert_organization_denied(answer: &str, org: &str) {
    assert!(
        answer.contains("organization") && answer.contains(org),
        "{answer}"
    );
}

/// `examples/quickstart/`, the manifests a first-day user applies.
pub fn quickstart_dir() -> PathBuf {
    workspace_root().join("examples/quickstart")
}

/// A copy of `examples/quickstart/` in a temporary directory, for tests that change it.
pub fn copy_quickstart() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for entry in std::fs::read_dir(quickstart_dir()).expect("examples/quickstart") {
        let path = entry.expect("a directory entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("a file name"))).expect("the copy");
    }
    dir
}
