//! Serves the fake Cisco NSO RESTCONF API (`chatops_testkit::fake_nso`) for the
//! RFC 8040 protocol test (`tests/python/test_nso_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_nso::Nso;

#[tokio::main]
async fn main() {
    serve_until_killed(Nso::default(), "nso").await;
}
