"""The fake AWX controller (testkit/src/fake_awx.rs) read by AWX's own SDK, awxkit.

The `awx` integration's tests run against the fake; this checks that the fake
speaks AWX's protocol and not only ours: awxkit connects the way the `awx` CLI
does (`/api/` then `available_versions.v2`), reads inventories, groups, hosts,
job templates, projects, jobs and the dashboard through its page objects,
follows `next` across pages, launches a job template with extra_vars and polls
the job to its end, and raises its own Unauthorized, Forbidden, NotFound and
BadRequest on the fake's 401, 403, 404 and 400.

Build the fake first: `cargo build -p chatops-tests` (or `--bin fake-awx`).
"""

import json

import fake_backend
import pytest
from awxkit import api, config, exceptions


# The seeded credentials and names (testkit/src/fake_awx.rs).
ADMIN = ("admin", "awx-admin-password")
ADMIN_TOKEN = "awx-admin-token-0123456789abcdef"
LIMITED = ("operator", "awx-operator-password")
LIMITED_TOKEN = "awx-operator-token-fedcba9876543210"
TEMPLATES = ["Deploy Web App", "Restart Services", "Reboot Routers", "Patch Servers"]


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("awx") as url:
        yield url


def connect(base_url, token=None, basic=None):
    """awxkit's v2 root, as the `awx` CLI gets it (`CLI.connect`, `fetch_version_root`)."""
    config.base_url = base_url
    config.client_connection_attempts = 1
    config.assume_untrusted = True
    root = api.Api()
    if token:
        root.connection.login(None, None, token=token)
    elif basic:
        root.connection.login(*basic)
    return root.get().available_versions.v2.get()


@pytest.fixture(scope="module")
def admin(base_url):
    return connect(base_url, token=ADMIN_TOKEN)


@pytest.fixture(scope="module")
def limited(base_url):
    return connect(base_url, basic=LIMITED)


def names(page):
    return [item.name for item in page.results]


def test_the_roots_and_ping_are_open(base_url):
    config.base_url = base_url
    root = api.Api()
    assert root.get().current_version == "/api/v2/"
    v2 = connect(base_url)
    ping = v2.ping.get()
    assert ping.version == "24.6.1"
    assert ping.instances[0]["node"] == "awx-task-0"


def test_me_and_config_with_token_and_basic(base_url, admin):
    me = admin.me.get()
    assert me.count == 1
    assert me.results[0].username == "admin"
    assert me.results[0].is_superuser is True
    assert admin.config.get().version == "24.6.1"
    by_basic = connect(base_url, basic=ADMIN)
    assert by_basic.me.get().results[0].username == "admin"


def test_inventories_groups_and_hosts(admin):
    inventories = admin.inventory.get()
    assert inventories.count == 3
    assert names(inventories) == ["Production", "Staging", "Lab"]
    production = admin.inventory.get(name="Production").results[0]
    assert production.type == "inventory"
    assert production.total_hosts == 30 and production.total_groups == 2
    assert production.summary_fields.organization["name"] == "Default"
    groups = production.related.groups.get()
    assert names(groups) == ["web", "db"]
    web = groups.results[0]
    web_hosts = web.related.hosts.get()
    assert web_hosts.count == 20
    assert web_hosts.results[0].name == "web01.prod.example.com"
    assert web_hosts.results[0].inventory == production.id


def test_hosts_page_as_awx_pages(admin):
    production = admin.inventory.get(name="Production").results[0]
    first = production.related.hosts.get()
    assert first.count == 30
    assert len(first.results) == 25
    assert first.previous is None
    assert first.next == f"/api/v2/inventories/{production.id}/hosts/?page=2"
    second = first.go_to_next()
    assert len(second.results) == 5
    assert second.next is None
    assert second.previous == f"/api/v2/inventories/{production.id}/hosts/?page=1"
    every = production.related.hosts.get(all_pages=True)
    hosts = [item.name for item in every.results]
    assert len(hosts) == 30 and len(set(hosts)) == 30
    assert hosts[-1] == "db10.prod.example.com"
    small = production.related.hosts.get(page_size=7, page=2)
    assert [h.id for h in small.results] == list(range(8, 15))
    assert small.next.endswith("?page=3&page_size=7")
    with pytest.raises(exceptions.NotFound):
        production.related.hosts.get(page=9)


def test_job_templates_projects_and_survey(admin):
    templates = admin.job_templates.get()
    assert names(templates) == TEMPLATES
    deploy = templates.results[0]
    assert deploy.survey_enabled is True
    assert deploy.summary_fields.inventory["name"] == "Production"
    launch = deploy.related.launch.get()
    assert launch.survey_enabled is True
    assert launch.variables_needed_to_start == ["version"]
    assert launch.can_start_without_user_input is False
    spec = deploy.related.survey_spec.get()
    assert spec.get_required_vars() == ["version"]
    assert spec.get_default_vars() == {"environment": "production"}
    restart = templates.results[1].related.launch.get()
    assert restart.survey_enabled is False and restart.can_start_without_user_input is True
    projects = admin.projects.get()
    assert names(projects) == ["Web Playbooks", "Network Playbooks"]
    assert projects.results[0].scm_type == "git"


def test_dashboard(admin, limited):
    dashboard = admin.dashboard.get()
    assert dashboard.inventories["total"] == 3
    assert dashboard.hosts["total"] == 34
    assert dashboard.projects["total"] == 2
    assert dashboard.job_templates["total"] == 4
    assert dashboard.scm_types["git"]["total"] == 2
    assert limited.dashboard.get().inventories["total"] == 2


def test_launch_follows_the_job_to_its_end(admin):
    restart = admin.job_templates.get(name="Restart Services").results[0]
    job = restart.launch({"extra_vars": {"chatops_platform": "slack", "chatops_user": "alice"}})
    assert job.type == "job"
    assert job.status == "pending"
    assert job.get().status == "pending"
    job.wait_until_completed(interval=0.05, timeout=5)
    assert job.status == "successful" and job.is_successful
    assert job.failed is False and job.finished
    assert json.loads(job.extra_vars) == {"chatops_platform": "slack", "chatops_user": "alice"}
    jobs = admin.jobs.get(order_by="-id", page_size=2)
    assert jobs.results[0].id == job.id
    assert jobs.count == 5
    assert jobs.next == "/api/v2/jobs/?order_by=-id&page=2&page_size=2"


def test_statuses_go_pending_running_then_the_outcome(admin):
    patch = admin.job_templates.get(name="Patch Servers").results[0]
    job = patch.launch({"extra_vars": {"chatops_channel": "C1"}})
    statuses = [job.get().status for _ in range(4)]
    assert statuses == ["pending", "running", "failed", "failed"]
    assert job.failed is True


def test_survey_answers(admin):
    deploy = admin.job_templates.get(name="Deploy Web App").results[0]
    with pytest.raises(exceptions.BadRequest) as missing:
        deploy.launch({"extra_vars": {"environment": "staging"}})
    assert missing.value.msg == {"variables_needed_to_start": ["'version' value missing"]}
    with pytest.raises(exceptions.BadRequest) as wrong:
        deploy.launch({"extra_vars": {"version": "v1.2", "environment": "moon"}})
    assert "expected to be one of ['production', 'staging']" in wrong.value.msg["variables_needed_to_start"][0]
    job = deploy.launch({"extra_vars": {"version": "v1.2"}})
    assert job.extra_vars == '{"environment": "production", "version": "v1.2"}'


def test_refusals_raise_awxkits_own_errors(base_url, limited):
    with pytest.raises(exceptions.Unauthorized) as no_token:
        connect(base_url, token="not-a-token").job_templates.get()
    assert no_token.value.msg == {"detail": "Authentication credentials were not provided."}
    with pytest.raises(exceptions.Unauthorized) as bad_password:
        connect(base_url, basic=("admin", "wrong")).job_templates.get()
    assert bad_password.value.msg == {"detail": "Invalid username/password."}
    assert names(limited.inventory.get()) == ["Production", "Staging"]
    hosts = limited.hosts.get(all_pages=True)
    assert hosts.count == 32
    assert {h["inventory"] for h in hosts.json["results"]} == {1, 2}
    reboot = limited.job_templates.get(name="Reboot Routers").results[0]
    with pytest.raises(exceptions.Forbidden) as forbidden:
        reboot.launch({"extra_vars": {}})
    assert forbidden.value.msg == {"detail": "You do not have permission to perform this action."}
    with pytest.raises(exceptions.Forbidden):
        limited.walk("/api/v2/inventories/3/")
    with pytest.raises(exceptions.NotFound) as missing:
        limited.walk("/api/v2/job_templates/999/")
    assert missing.value.msg == {"detail": "Not found."}
    restart = limited.job_templates.get(name="Restart Services").results[0]
    assert restart.launch({"extra_vars": {"chatops_user": "bob"}}).launched_by["name"] == "operator"
