//! Serves the fake IP Fabric API (`chatops_testkit::fake_ipfabric`) for the
//! ipfabric SDK conformance test (`tests/python/test_ipfabric_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_ipfabric::IpFabric;

#[tokio::main]
async fn main() {
    serve_until_killed(IpFabric::default(), "ipfabric").await;
}
