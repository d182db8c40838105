"""The fake Nautobot jobs API of testkit (`fake-nautobot-jobs`), read by
Nautobot's own Python SDK.

pynautobot is the client Nautobot publishes, and the one nautobot-ssot's
users script job runs with; if it finds nautobot-ssot's IP Fabric job by
module and class, runs it with the job's variables and reads the job result,
and raises on the fake's refusals as on a real Nautobot, the fake the
`ipfabric` integration's `ssot-sync-to-nautobot` is tested against speaks
Nautobot's protocol and not only ours. The answers themselves were taken
from the real Nautobot 3.2.7 of scripts/nautobot/up (tests/tests/
ipfabric_nautobot_live.rs runs the sub-command against it).

    cargo build -p chatops-tests --bin fake-nautobot-jobs
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_nautobot_jobs_fake.py -q
"""

import fake_backend
import pynautobot
import pytest

# The tokens and ids seeded in testkit/src/fake_nautobot_jobs.rs.
TOKEN = "0123456789abcdef0123456789abcdef01234567"
VIEWER_TOKEN = "76543210fedcba9876543210fedcba9876543210"
JOB_ID = "6b0d3c52-94a1-4f7e-8c2d-5e1f0a9b7c31"
JOB_RESULT_ID = "d41e7a90-3c5b-4e2f-9a8d-1b6c0f2e4a57"
# The fake IP Fabric's $prev, among the job's snapshot choices; its unloaded one, not.
PREV_SNAPSHOT = "3c9a1e7f-2b4d-4c6e-8a0b-7d8e9f0a1b2c"
UNLOADED_SNAPSHOT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
MODULE = "nautobot_ssot.integrations.ipfabric.jobs"
CLASS = "IpFabricDataSource"


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("nautobot-jobs") as url:
        yield url


def test_the_sdk_reads_the_api_version(base_url):
    assert pynautobot.api(base_url, token=TOKEN).version == "3.2"


def test_the_ipfabric_job_is_found_by_module_and_class(base_url):
    nb = pynautobot.api(base_url, token=TOKEN)
    jobs = list(nb.extras.jobs.filter(module_name=MODULE, job_class_name=CLASS))
    assert [job.id for job in jobs] == [JOB_ID]
    assert jobs[0].job_class_name == CLASS
    assert jobs[0].enabled is True
    every = [job.job_class_name for job in nb.extras.jobs.all()]
    assert sorted(every) == ["ExportObjectList", CLASS]
    assert nb.extras.jobs.count() == 2
    assert list(nb.extras.jobs.filter(module_name="nautobot_ssot.integrations.aci.jobs")) == []


def test_a_run_answers_its_job_result(base_url):
    nb = pynautobot.api(base_url, token=TOKEN)
    data = {"dryrun": True, "safe_delete_mode": True, "sync_ipfabric_tagged_only": False, "snapshot": PREV_SNAPSHOT}
    ran = nb.extras.jobs.run(job_id=JOB_ID, data=data)
    assert ran.job_result.id == JOB_RESULT_ID
    assert ran.job_result.status.value == "PENDING"
    assert ran.job_result.job_model.id == JOB_ID


def test_inputs_the_job_does_not_take_raise_as_nautobots_do(base_url):
    nb = pynautobot.api(base_url, token=TOKEN)
    with pytest.raises(pynautobot.RequestError) as refused:
        nb.extras.jobs.run(job_id=JOB_ID, data={"dry_run": True})
    assert refused.value.req.status_code == 400
    assert refused.value.req.json() == {"errors": {"dry_run": ["Job data contained an unknown property"]}}
    with pytest.raises(pynautobot.RequestError) as refused:
        nb.extras.jobs.run(job_id=JOB_ID, data={"dryrun": True, "snapshot": UNLOADED_SNAPSHOT})
    assert refused.value.req.status_code == 400
    assert "is not one of the available choices" in refused.value.req.json()["errors"]["snapshot"][0]


def test_refusals_raise_as_nautobots_do(base_url):
    with pytest.raises(pynautobot.RequestError) as refused:
        list(pynautobot.api(base_url, token="not-a-token").extras.jobs.all())
    assert refused.value.req.status_code == 403
    viewer = pynautobot.api(base_url, token=VIEWER_TOKEN)
    assert [job.id for job in viewer.extras.jobs.filter(job_class_name=CLASS)] == [JOB_ID]
    with pytest.raises(pynautobot.RequestError) as refused:
        viewer.extras.jobs.run(job_id=JOB_ID, data={"dryrun": True})
    assert refused.value.req.status_code == 403
    assert "permission" in refused.value.error
