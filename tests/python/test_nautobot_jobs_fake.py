"""The fake Nautobot jobs API of testkit (`fake-nautobot-jobs`), read by
Nautobot's own Python SDK.

pynautobot is the client Nautobot publishes, and the one nautobot-ssot's
users script job runs with; if it finds nautobot-ssot's IP Fabric job by
module and class, runs it with the job's variables and reads the job result,
and raises on the fake's refusals as on a real Nautobot, the fake the
`ipfabric` integration's `ssot-sync-to-nautobot` is tested against speaks
Nautobot's protocol and not only ours.

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
MODULE = "nautobot_ssot.integrations.ipfabric.jobs"
CLASS = "IpFabricDataSource"


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("nautobot-jobs") as url:
        yield url


def test_the_sdk_reads_the_api_version(base_url):
    assert pynautobot.api(base_url, token=TOKEN).version == "2.4"


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
    data = {"dry_run": True, "safe_delete_mode": True, "sync_ipfabric_tagged_only": False, "snapshot": "$last"}
    ran = nb.extras.jobs.run(job_id=JOB_ID, data=data)
    assert ran.job_result.id == JOB_RESULT_ID
    assert ran.job_result.status.value == "PENDING"


def test_refusals_raise_as_nautobots_do(base_url):
    with pytest.raises(pynautobot.RequestError) as refused:
        list(pynautobot.api(base_url, token="not-a-token").extras.jobs.all())
    assert refused.value.req.status_code == 403
    viewer = pynautobot.api(base_url, token=VIEWER_TOKEN)
    assert [job.id for job in viewer.extras.jobs.filter(job_class_name=CLASS)] == [JOB_ID]
    with pytest.raises(pynautobot.RequestError) as refused:
        viewer.extras.jobs.run(job_id=JOB_ID, data={"dry_run": True})
    assert refused.value.req.status_code == 403
    assert "permission" in refused.value.error
