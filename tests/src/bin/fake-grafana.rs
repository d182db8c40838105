//! Serves the fake Grafana HTTP API and panel renderer (`chatops_testkit::fake_grafana`) for the
//! grafana-client conformance test (`tests/python/test_grafana_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_grafana::Grafana;

#[tokio::main]
async fn main() {
    serve_until_killed(Grafana::default(), "grafana").await;
}
