//! Serves the fake Panorama PAN-OS XML API (`chatops_testkit::fake_panorama`)
//! for the pan-os-python conformance test (`tests/python/test_panorama_fake.py`):
//! see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_panorama::Panorama;

#[tokio::main]
async fn main() {
    serve_until_killed(Panorama::default(), "panorama").await;
}
