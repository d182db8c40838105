//! Serves the fake Arista CloudVision (`chatops_testkit::fake_cloudvision`)
//! for the cvprac conformance test (`tests/python/test_cloudvision_fake.py`),
//! which runs it with `--tls` (cvprac speaks only `https://`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_cloudvision::CloudVision;

#[tokio::main]
async fn main() {
    serve_until_killed(CloudVision::default(), "cloudvision").await;
}
