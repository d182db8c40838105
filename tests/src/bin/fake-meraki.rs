//! Serves the fake Meraki Dashboard API (`chatops_testkit::fake_meraki`) for
//! the meraki SDK conformance test (`tests/python/test_meraki_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_meraki::Meraki;

#[tokio::main]
async fn main() {
    serve_until_killed(Meraki::default(), "meraki").await;
}
