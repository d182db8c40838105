//! Serves the fake Nautobot jobs API (`chatops_testkit::fake_nautobot_jobs`),
//! with nautobot-ssot's IP Fabric job, for the pynautobot conformance test
//! (`tests/python/test_nautobot_jobs_fake.py`): see [`serve_until_killed`].

use chatops_testkit::fake_api::serve_until_killed;
use chatops_testkit::fake_nautobot_jobs::NautobotJobs;

#[tokio::main]
async fn main() {
    serve_until_killed(NautobotJobs::with_ipfabric_job(), "nautobot-jobs").await;
}
