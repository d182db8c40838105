//! Serves the fake Cisco APIC REST API (`chatops_testkit::fake_apic`) for the
//! conformance test (`tests/python/test_apic_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_apic::Apic;

#[tokio::main]
async fn main() {
    serve_until_killed(Apic::default(), "apic").await;
}
