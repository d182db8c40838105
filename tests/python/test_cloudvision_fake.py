"""The fake Arista CloudVision of testkit (`fake-cloudvision`), read by Arista's own Python SDKs.

`cvprac` is the REST client Arista publishes for CloudVision, and the one the
original Nautobot ChatOps `cloudvision` commands call (`CvpClient`, on
premises with a login, as CloudVision as a Service with a service account's
token). If it logs in, tells the version, and reads the inventory, the
containers, the configlets applied to each, running configs, tasks and their
logs through its own `api` methods, and the resource APIs (inventory,
events, tags, bug exposure) through `get`/`post` as it streams them, and
raises its own errors on refusals, the fake speaks CloudVision's protocol and
not only ours.

The `cloudvision` package (`cloudvision.Connector.grpc_client.GRPCClient`,
`cloudvision.api.client.AsyncCVClient`) speaks only gRPC, which the
`cloudvision` integration does not use: it has no REST client to point at
the fake. What it does ship is Arista's resource API protobufs (`arista.*`),
so every resource API answer here is parsed into its model's
`…StreamResponse` with protobuf's strict JSON parser (an unknown field, a
wrong type or an enum name Arista does not define fails), and every filter
sent into its `…StreamRequest`: the JSON is the REST gateway's form of
Arista's own models.

cvprac builds every URL as `https://`, so the fake is served with `--tls`
(a self-signed certificate, which cvprac does not verify unless told to).

    cargo build -p chatops-tests --bin fake-cloudvision
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_cloudvision_fake.py -q
"""

import datetime
import urllib.parse

import fake_backend
import pytest
import requests
from arista.bugexposure.v1 import services as bugexposure
from arista.event.v1 import services as event
from arista.inventory.v1 import services as inventory
from arista.tag.v2 import services as tag
from cvprac.cvp_client import CvpClient
from cvprac.cvp_client_errors import CvpApiError, CvpLoginError, CvpRequestError
from google.protobuf import json_format

# The credentials and seed of testkit/src/fake_cloudvision/.
ADMIN = ("cvpadmin", "Cvp-Admin-4e7d1a")
READER = ("chatops-ro", "Cvp-Reader-9b2c6f")
TOKEN = "eyJhbGciOiJSUzI1NiJ9.ZmFrZS1jdmFhcy1zZXJ2aWNlLWFjY291bnQ.c2lnbmVk-rw"
READ_ONLY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.ZmFrZS1jdmFhcy1yZWFkLW9ubHk.c2lnbmVk-ro"
EXPIRED_TOKEN = "eyJhbGciOiJSUzI1NiJ9.ZmFrZS1jdmFhcy1leHBpcmVk.c2lnbmVk-old"
LEAF1A = ("SSJ18341001", "50:08:00:a7:ca:01")
INACTIVE = "SSJ18341003"
PROVISIONED = ["dc1-spine1", "dc1-spine2", "dc1-leaf1a", "dc1-leaf1b", "dc1-leaf2a", "campus-sw1"]

# The certificate is self-signed, and cvprac is told not to verify it (its default).
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture(scope="module")
def fake_url():
    with fake_backend.serve("cloudvision", "--tls") as url:
        yield url


def on_prem(fake_url, user=ADMIN):
    """A CvpClient logged in to the fake as an on-premises CVP."""
    address = urllib.parse.urlsplit(fake_url)
    client = CvpClient()
    client.connect([address.hostname], user[0], user[1], port=address.port, connect_timeout=5)
    return client


def cvaas(fake_url, token=TOKEN):
    """A CvpClient on the fake as CloudVision as a Service, as the original connects one."""
    address = urllib.parse.urlsplit(fake_url)
    client = CvpClient()
    client.connect(
        [address.hostname], username="", password="", port=address.port, is_cvaas=True, api_token=token, connect_timeout=5
    )
    return client


@pytest.fixture(params=["on-prem", "cvaas"])
def cvp(request, fake_url):
    """One client of each kind: every read is the same for both."""
    return on_prem(fake_url) if request.param == "on-prem" else cvaas(fake_url)


def results(answer, response_type):
    """The values of a resource API stream as cvprac hands it back (`{"data": [{"result": …}]}`),
    each parsed strictly into Arista's `…StreamResponse` model first."""
    values = []
    for item in answer["data"]:
        json_format.ParseDict(item["result"], response_type())
        values.append(item["result"]["value"])
    return values


def stream_request(body, request_type):
    """`body`, after checking that it is a valid `…StreamRequest` of Arista's."""
    json_format.ParseDict(body, request_type())
    return body


def test_an_on_premises_login_and_the_version(fake_url):
    client = on_prem(fake_url)
    assert client.api.get_cvp_info()["version"] == "2024.3.0"
    assert client.apiversion == 14.0
    # The session rides along as cvprac sends it: the cookie and the APP_SESSION_ID header.
    assert client.cookies.get("session_id") == client.headers["APP_SESSION_ID"]


def test_an_expired_session_is_renewed_by_logging_in_again(fake_url):
    client = on_prem(fake_url)
    first = client.headers["APP_SESSION_ID"]
    # CVP ends sessions that time out; cvprac takes the 401 as a cue to log in and ask again.
    requests.post(f"{fake_url}/_fake/expire-sessions", verify=False, timeout=5).raise_for_status()
    assert [d["hostname"] for d in client.api.get_inventory()] == PROVISIONED
    assert client.headers["APP_SESSION_ID"] != first


def test_a_wrong_password_or_a_bad_or_expired_token_is_refused(fake_url):
    with pytest.raises(CvpLoginError, match="Unauthorized"):
        on_prem(fake_url, (ADMIN[0], "wrong"))
    with pytest.raises(CvpLoginError, match="Unauthorized"):
        cvaas(fake_url, "not-a-token")
    with pytest.raises(CvpLoginError, match="Unauthorized"):
        cvaas(fake_url, EXPIRED_TOKEN)


def test_the_inventory_and_the_container_tree(cvp):
    devices = cvp.api.get_inventory()
    assert [d["hostname"] for d in devices] == PROVISIONED
    leaf = devices[2]
    assert (leaf["serialNumber"], leaf["systemMacAddress"], leaf["modelName"], leaf["version"]) == (
        LEAF1A[0],
        LEAF1A[1],
        "DCS-7050SX3-48YC8",
        "4.30.5M",
    )
    assert leaf["containerName"] == "dc1-leafs"
    assert devices[4]["streamingStatus"] == "inactive"
    assert [d["hostname"] for d in cvp.api.get_inventory(provisioned=False)][-1] == "campus-sw2"
    containers = {c["name"]: c for c in cvp.api.get_containers()["data"]}
    assert list(containers) == ["Tenant", "Undefined", "dc1", "dc1-leafs", "dc1-spines", "campus"]
    assert containers["dc1-leafs"]["parentName"] == "dc1"
    assert containers["campus"]["parentName"] == "Tenant"
    assert containers["dc1-leafs"]["parentId"] == containers["dc1"]["key"]


def test_devices_in_a_container(cvp):
    assert [d["hostname"] for d in cvp.api.get_devices_in_container("dc1-leafs")] == [
        "dc1-leaf1a",
        "dc1-leaf1b",
        "dc1-leaf2a",
    ]
    assert [d["hostname"] for d in cvp.api.get_devices_in_container("campus")] == ["campus-sw1"]
    assert cvp.api.get_devices_in_container("no-such-container") == []
    # The original finds a container's key by name through the inventory API.
    assert cvp.get("/inventory/containers?name=dc1")[0]["Name"] == "dc1"


def test_configlets_static_builder_and_generated_and_their_paging(cvp):
    configlets = cvp.api.get_configlets()
    assert configlets["total"] == 10
    kinds = {c["name"]: c["type"] for c in configlets["data"]}
    assert kinds["dc1-base"] == "Static"
    assert kinds["leaf-bgp-builder"] == "Builder"
    assert kinds["leaf-bgp-builder_dc1-leaf1a_1"] == "Generated"
    page = cvp.api.get_configlets(start=3, end=6)
    assert [c["name"] for c in page["data"]] == [c["name"] for c in configlets["data"][3:6]]
    assert page["total"] == 10
    assert cvp.api.get_configlet_by_name("dc1-leafs-mlag")["config"].startswith("vlan 4094\n")
    with pytest.raises(CvpApiError, match="Entity does not exist"):
        cvp.api.get_configlet_by_name("no-such-configlet")


def test_configlets_applied_to_a_container_and_to_a_device(cvp):
    key = cvp.get("/inventory/containers?name=dc1-leafs")[0]["Key"]
    applied = cvp.api.get_configlets_by_container_id(key)
    assert [c["name"] for c in applied["configletList"]] == ["dc1-leafs-mlag", "leaf-bgp-builder"]
    assert [c["name"] for c in cvp.api.get_configlets_by_device_id(LEAF1A[1])] == [
        "dc1-leaf1a-interfaces",
        "leaf-bgp-builder_dc1-leaf1a_1",
    ]
    assert cvp.api.get_configlets_by_device_id("74:83:ef:0c:42:01") == []


def test_a_device_s_running_configuration(cvp):
    config = cvp.api.get_device_configuration(LEAF1A[1])
    assert config.startswith("! Command: show running-config\n")
    assert "hostname dc1-leaf1a\n" in config and "mlag configuration" in config
    assert config.index("mlag configuration") < config.index("description srv-db-01")
    with pytest.raises(CvpApiError, match="Device not found"):
        cvp.api.get_device_configuration("00:00:00:00:00:00")


def test_tasks_and_their_logs(cvp):
    tasks = cvp.api.get_tasks()["data"]
    assert [(t["workOrderId"], t["workOrderUserDefinedStatus"]) for t in tasks] == [
        ("1024", "Cancelled"),
        ("1023", "Pending"),
        ("1022", "Failed"),
        ("1021", "Completed"),
    ]
    assert [t["workOrderId"] for t in cvp.api.get_tasks_by_status("Failed")] == ["1022"]
    assert cvp.api.get_task_by_id("9999") is None
    failed = cvp.api.get_task_by_id("1022")
    assert failed["workOrderDetails"]["netElementHostName"] == "dc1-leaf2a"
    # A task that ran: its change control's audit log, newest first.
    logs = cvp.api.get_logs_by_id("1022")["data"]
    assert logs[0]["activity"] == "Task 1022 failed"
    assert "unreachable" in logs[1]["activity"]
    # The original's own call, reversed to read oldest first.
    lines = [entry["activity"] for entry in cvp.api.get_audit_logs_by_id(failed["ccIdV2"], failed["stageId"])["data"]]
    assert list(reversed(lines))[0] == "Task 1022 started on dc1-leaf2a"
    # A task that never ran has no change control: cvprac falls back to the task log.
    pending = cvp.api.get_task_by_id("1023")
    assert pending["ccIdV2"] == "" and "stageId" not in pending
    assert [e["activity"] for e in cvp.api.get_logs_by_id("1023")["data"]] == ["Task 1023 created for campus-sw1"]


def test_the_resource_inventory_streams_every_device_in_arista_s_model(cvp):
    devices = results(cvp.get("/api/resources/inventory/v1/Device/all"), inventory.DeviceStreamResponse)
    assert len(devices) == 7
    active = [d["hostname"] for d in devices if d["streamingStatus"] == "STREAMING_STATUS_ACTIVE"]
    assert active == PROVISIONED[:4] + ["campus-sw1", "campus-sw2"]
    # Arista's examples filter an enum by its number as well as by its name.
    for status in (2, "STREAMING_STATUS_ACTIVE"):
        ask = stream_request(
            {"partialEqFilter": [{"streamingStatus": status, "softwareVersion": "4.30.5M"}]}, inventory.DeviceStreamRequest
        )
        streaming = results(cvp.post("/api/resources/inventory/v1/Device/all", data=ask), inventory.DeviceStreamResponse)
        assert [d["hostname"] for d in streaming] == ["dc1-leaf1a", "dc1-leaf1b"]
    one = cvp.get(f"/api/resources/inventory/v1/Device?key.deviceId={LEAF1A[0]}")
    json_format.ParseDict(one, inventory.DeviceResponse())
    assert one["value"]["hostname"] == "dc1-leaf1a"


def test_active_events_by_severity_device_type_and_time(cvp):
    url = "/api/resources/event/v1/Event/all"
    events = results(cvp.get(url), event.EventStreamResponse)
    assert len(events) == 6
    assert {e["eventType"] for e in events} >= {"HIGH_INTF_IN_ERRORS", "DEVICE_NOT_STREAMING"}
    by_severity = stream_request({"partialEqFilter": [{"severity": "EVENT_SEVERITY_ERROR"}]}, event.EventStreamRequest)
    assert [e["title"] for e in results(cvp.post(url, data=by_severity), event.EventStreamResponse)] == [
        "High input error rate",
        "Device stopped streaming",
    ]
    by_type = stream_request({"partialEqFilter": [{"eventType": "LOW_DEVICE_DISK_SPACE"}]}, event.EventStreamRequest)
    (disk,) = results(cvp.post(url, data=by_type), event.EventStreamResponse)
    assert disk["data"]["data"]["deviceId"] == "JPE20481234"
    by_device = stream_request(
        {"partialEqFilter": [{"data": {"data": {"deviceId": INACTIVE}}}]}, event.EventStreamRequest
    )
    assert [e["eventType"] for e in results(cvp.post(url, data=by_device), event.EventStreamResponse)] == [
        "DEVICE_NOT_STREAMING"
    ]
    # The last two days, as `-2d` to `now` asks; the events are dated before the fake started.
    now = datetime.datetime.now(datetime.timezone.utc)
    window = {
        "time": {
            "start": (now - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    }
    recent = results(cvp.post(url, data=stream_request(window, event.EventStreamRequest)), event.EventStreamResponse)
    assert [e["eventType"] for e in recent] == [
        "DEVICE_CONFIG_CHANGED",
        "HIGH_INTF_IN_ERRORS",
        "DEVICE_INTF_ERR_DISABLED",
        "LOW_DEVICE_DISK_SPACE",
    ]


def test_device_and_interface_tags(cvp):
    every = results(cvp.api.get_all_tags(), tag.TagStreamResponse)
    assert {"role", "dc", "rack", "hostname", "eos"} <= {t["key"]["label"] for t in every}
    interface = results(cvp.api.get_all_tags("ELEMENT_TYPE_INTERFACE"), tag.TagStreamResponse)
    assert {(t["key"]["label"], t["key"]["value"]) for t in interface} >= {("peer", "dc1-spine1"), ("circuit", "CKT-AMS-0042")}
    assert {t["key"]["elementType"] for t in interface} == {"ELEMENT_TYPE_INTERFACE"}
    ask = stream_request(
        {"partialEqFilter": [{"key": {"workspaceId": "", "elementType": "ELEMENT_TYPE_DEVICE", "deviceId": LEAF1A[0]}}]},
        tag.TagAssignmentStreamRequest,
    )
    assigned = results(cvp.post("/api/resources/tag/v2/TagAssignment/all", data=ask), tag.TagAssignmentStreamResponse)
    labels = [(t["key"]["label"], t["key"]["value"], t["tagCreatorType"]) for t in assigned]
    assert ("role", "leaf", "CREATOR_TYPE_USER") in labels
    assert ("hostname", "dc1-leaf1a", "CREATOR_TYPE_SYSTEM") in labels
    assert all(t["key"]["deviceId"] == LEAF1A[0] for t in assigned)


def test_bug_exposure_per_device(cvp):
    url = "/api/resources/bugexposure/v1/BugExposure/all"
    every = results(cvp.get(url), bugexposure.BugExposureStreamResponse)
    assert len(every) == 7
    ask = stream_request({"partialEqFilter": [{"key": {"deviceId": "JAS21170042"}}]}, bugexposure.BugExposureStreamRequest)
    (campus,) = results(cvp.post(url, data=ask), bugexposure.BugExposureStreamResponse)
    assert campus["cveIds"]["values"] == [998, 1002, 1017]
    assert (campus["cveCount"], campus["bugCount"], campus["highestCveExposure"]) == (3, 3, "HIGHEST_EXPOSURE_HIGH")
    clean = next(b for b in every if b["key"]["deviceId"] == "JAS21170043")
    assert (clean["cveCount"], clean["highestCveExposure"]) == (0, "HIGHEST_EXPOSURE_NONE")
    assert cvp.post(url, data={"partialEqFilter": [{"key": {"deviceId": "NO-SUCH"}}]}) == {"data": []}


def test_a_read_only_user_or_token_reads_but_may_not_run_a_task(fake_url):
    for client in (on_prem(fake_url, READER), cvaas(fake_url, READ_ONLY_TOKEN)):
        assert [d["hostname"] for d in client.api.get_inventory()] == PROVISIONED
        with pytest.raises(CvpRequestError, match="Forbidden.*write permission"):
            client.api.execute_task("1023")
        assert client.api.get_task_by_id("1023")["workOrderUserDefinedStatus"] == "Pending"


def test_an_admin_runs_a_pending_task():
    # A fake of its own: the run changes the task for whoever reads next.
    with fake_backend.serve("cloudvision", "--tls") as url:
        client = cvaas(url)
        client.api.execute_task("1023")
        assert client.api.get_task_by_id("1023")["workOrderUserDefinedStatus"] == "Completed"
        with pytest.raises(CvpApiError, match="not pending"):
            client.api.cancel_task("1023")
