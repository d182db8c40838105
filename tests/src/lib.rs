//! The cross-component tests' helpers: the workspace's test kit
//! (`chatops-testkit`), re-exported here under the names these tests and
//! tools (`src/bin/`) have always used.

pub use chatops_testkit::{
    assert_organization_denied, chat, compile_ready, copy_quickstart, endpoints, fake_api, fake_apic,
    fake_awx, fake_cloudvision, fake_grafana, fake_ipfabric, fake_mattermost, fake_meraki,
    fake_nautobot_jobs, fake_nso, fake_panorama, fake_slack, fake_slack_socket, fake_slurpit, fake_teams,
    fake_webex, fault_proxy, gateway_process, kubelet, load_quickstart, manifests, nautobot_live, platforms,
    quickstart, quickstart_dir, redis_server, signed, slack_requests, texts_of, wait, workspace_root,
};

pub mod prompts;
pub mod send_form;
