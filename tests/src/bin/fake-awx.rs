//! Serves the fake AWX controller API (`chatops_testkit::fake_awx`) for the
//! awxkit conformance test (`tests/python/test_awx_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_awx::Awx;

#[tokio::main]
async fn main() {
    serve_until_killed(Awx::default(), "awx").await;
}
