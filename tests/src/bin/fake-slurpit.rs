//! Serves the fake Slurpit portal API (`chatops_testkit::fake_slurpit`) for the
//! slurpit-sdk conformance test (`tests/python/test_slurpit_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_slurpit::Slurpit;

#[tokio::main]
async fn main() {
    serve_until_killed(Slurpit::default(), "slurpit").await;
}
