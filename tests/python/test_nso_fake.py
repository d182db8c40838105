"""The fake Cisco NSO (testkit/src/fake_nso.rs), checked against RESTCONF itself.

No SDK on PyPI speaks NSO's RESTCONF, so this reads the fake with plain
`requests` and checks the shapes RFC 8040 and Cisco's NSO guide ("Northbound
APIs - RESTCONF API", "NSO Device Manager") give, independently of the Rust
code: root discovery through /.well-known/host-meta (an XRD, RFC 8040 3.1),
the API resource and yang-library-version (3.3), `application/yang-data+json`
on every answer with data (5.2), `ietf-restconf:errors` with error-type,
error-tag and error-message and the status of each tag (7, 7.1), HTTP Basic
with a `WWW-Authenticate: Basic` challenge, NACM's access-denied, the `fields`
and `depth` query parameters (4.8.2, 4.8.3), and actions invoked by POST with
their input and output wrapped by module (3.6, 4.4.2).

Build the fake first: `cargo build -p chatops-tests --bin fake-nso`.
"""

import json
import xml.etree.ElementTree as ET

import fake_backend
import pytest
import requests

# The seeded credentials and devices (testkit/src/fake_nso.rs).
ADMIN = ("admin", "nso-admin-password")
OPER = ("oper", "nso-oper-password")
YANG_JSON = "application/yang-data+json"
DEVICES = [
    "ams-core-rtr01",
    "ams-edge-rtr01",
    "ams-fw01",
    "lab-sw01",
    "nyc-core-rtr01",
    "nyc-core-rtr02",
    "nyc-dist-sw01",
    "nyc-dist-sw02",
    "nyc-edge-rtr01",
]
# RFC 8040 section 7: the error-type values, and the statuses each error-tag may come with.
ERROR_TYPES = {"transport", "rpc", "protocol", "application"}
TAG_STATUS = {
    "access-denied": {401, 403},
    "invalid-value": {400, 404, 406},
    "malformed-message": {400},
    "missing-element": {400},
    "operation-failed": {412, 500},
    "operation-not-supported": {405, 501},
}


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("nso") as url:
        yield url


@pytest.fixture
def fresh_url():
    """A fake of its own, for the tests that change the devices' sync state."""
    with fake_backend.serve("nso") as url:
        yield url


def get(base_url, path, auth=OPER, **params):
    return requests.get(
        f"{base_url}/restconf/data/{path}", auth=auth, headers={"Accept": YANG_JSON}, params=params, timeout=5
    )


def action(base_url, path, auth=OPER, body=None, content_type=YANG_JSON):
    headers = {"Accept": YANG_JSON}
    data = None
    if body is not None:
        headers["Content-Type"] = content_type
        data = body if isinstance(body, str) else json.dumps(body)
    return requests.post(
        f"{base_url}/restconf/data/tailf-ncs:devices/{path}", auth=auth, headers=headers, data=data, timeout=5
    )


def media_type(response):
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def data(response, status=200):
    """The JSON of a data answer, after checking its status and media type."""
    assert response.status_code == status, response.text
    assert media_type(response) == YANG_JSON
    return response.json()


def the_error(response, status, tag):
    """The one error of an `ietf-restconf:errors` answer, checked against RFC 8040 section 7."""
    assert response.status_code == status, response.text
    assert media_type(response) == YANG_JSON
    body = response.json()
    assert list(body) == ["ietf-restconf:errors"]
    errors = body["ietf-restconf:errors"]["error"]
    assert isinstance(errors, list) and len(errors) == 1
    error = errors[0]
    assert error["error-type"] in ERROR_TYPES
    assert error["error-tag"] == tag
    assert status in TAG_STATUS[tag]
    assert set(error) <= {"error-type", "error-tag", "error-app-tag", "error-path", "error-message", "error-info"}
    return error


def test_the_root_is_discovered_through_host_meta(base_url):
    response = requests.get(f"{base_url}/.well-known/host-meta", headers={"Accept": "application/xrd+xml"}, timeout=5)
    assert response.status_code == 200
    assert media_type(response) == "application/xrd+xml"
    xrd = ET.fromstring(response.text)
    assert xrd.tag == "{http://docs.oasis-open.org/ns/xri/xrd-1.0}XRD"
    links = xrd.findall("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")
    root = [link.get("href") for link in links if link.get("rel") == "restconf"]
    assert root == ["/restconf"]

    api = data(requests.get(f"{base_url}{root[0]}", auth=OPER, headers={"Accept": YANG_JSON}, timeout=5))
    assert api == {"ietf-restconf:restconf": {"data": {}, "operations": {}, "yang-library-version": "2019-01-04"}}
    version = data(requests.get(f"{base_url}/restconf/yang-library-version", auth=OPER, timeout=5))
    assert version == {"ietf-restconf:yang-library-version": "2019-01-04"}


@pytest.mark.parametrize(
    "auth",
    [None, ("admin", "not-the-password"), ("mallory", "nso-admin-password")],
    ids=["no credentials", "wrong password", "unknown user"],
)
def test_credentials_are_http_basic(base_url, auth):
    response = get(base_url, "tailf-ncs:devices/device", auth=auth)
    error = the_error(response, 401, "access-denied")
    assert error["error-type"] == "protocol"
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_the_device_list_comes_from_nso(base_url):
    devices = data(get(base_url, "tailf-ncs:devices/device"))["tailf-ncs:device"]
    assert [d["name"] for d in devices] == DEVICES
    for device in devices:
        assert {"name", "address", "port", "authgroup", "device-type", "state"} <= set(device)
        (protocol,) = device["device-type"]
        assert protocol in {"cli", "netconf"}
        assert ":" in device["device-type"][protocol]["ned-id"]
        assert device["state"]["admin-state"] in {"locked", "unlocked", "southbound-locked", "config-locked"}
    neds = {d["device-type"].get("cli", d["device-type"].get("netconf"))["ned-id"].split("-")[1] for d in devices}
    assert neds == {"ios", "iosxr", "junos"}
    lab = next(d for d in devices if d["name"] == "lab-sw01")
    assert lab["state"]["admin-state"] == "southbound-locked"


def test_fields_selects_nodes(base_url):
    names = data(get(base_url, "tailf-ncs:devices/device", fields="name"))["tailf-ncs:device"]
    assert names == [{"name": name} for name in DEVICES]
    neds = data(get(base_url, "tailf-ncs:devices/device", fields="name;device-type/cli(ned-id)"))["tailf-ncs:device"]
    cli = {d["name"]: d["device-type"]["cli"] for d in neds if "device-type" in d}
    assert cli["nyc-core-rtr01"] == {"ned-id": "cisco-iosxr-cli-7.52:cisco-iosxr-cli-7.52"}
    assert "ams-fw01" not in cli, "a NETCONF device has no cli to select"
    the_error(get(base_url, "tailf-ncs:devices/device", fields="name;("), 400, "invalid-value")


def test_depth_limits_the_subtree(base_url):
    top = data(get(base_url, "tailf-ncs:devices/device=nyc-dist-sw01", depth="1"))
    assert top == {"tailf-ncs:device": [{}]}
    two = data(get(base_url, "tailf-ncs:devices/device=nyc-dist-sw01", depth="2"))["tailf-ncs:device"][0]
    assert two["name"] == "nyc-dist-sw01" and two["port"] == 22
    assert two["state"] == {} and two["device-type"] == {}
    full = data(get(base_url, "tailf-ncs:devices/device=nyc-dist-sw01", depth="unbounded"))["tailf-ncs:device"][0]
    assert full["state"] == {"admin-state": "unlocked"}
    the_error(get(base_url, "tailf-ncs:devices/device", depth="0"), 400, "invalid-value")


def test_one_device_and_its_leaves(base_url):
    (device,) = data(get(base_url, "tailf-ncs:devices/device=nyc-core-rtr01"))["tailf-ncs:device"]
    assert device["address"] == "10.10.20.1"
    device_type = data(get(base_url, "tailf-ncs:devices/device=nyc-core-rtr01/device-type"))
    xr = "cisco-iosxr-cli-7.52:cisco-iosxr-cli-7.52"
    assert device_type == {"tailf-ncs:device-type": {"cli": {"ned-id": xr, "protocol": "ssh"}}}
    assert data(get(base_url, "tailf-ncs:devices/device=ams-fw01/port")) == {"tailf-ncs:port": 830}


@pytest.mark.parametrize(
    "path",
    ["tailf-ncs:devices/device=no-such-device", "tailf-ncs:devices/device=nyc-dist-sw01/no-such-leaf"],
)
def test_an_unknown_device_or_node_is_404_invalid_value(base_url, path):
    error = the_error(get(base_url, path), 404, "invalid-value")
    assert error["error-message"] == "uri keypath not found"


def test_actions_wrap_their_output_by_module(base_url):
    ping = data(action(base_url, "device=nyc-dist-sw01/ping"))
    assert list(ping) == ["tailf-ncs:output"]
    assert "1 packets transmitted, 1 received, 0% packet loss" in ping["tailf-ncs:output"]["result"]
    # Input wrapped as RFC 8040 3.6.1 has it, with or without the module name.
    for wrapped in ({"input": {}}, {"tailf-ncs:input": {}}):
        assert data(action(base_url, "device=nyc-dist-sw01/ping", body=wrapped)) == ping
    connect = data(action(base_url, "device=nyc-core-rtr01/connect"))["tailf-ncs:output"]
    assert connect == {"result": True, "info": "(oper) Connected to nyc-core-rtr01 - 10.10.20.1:22"}


def test_the_unreachable_device_fails_with_nsos_words(base_url):
    ping = data(action(base_url, "device=ams-edge-rtr01/ping"))["tailf-ncs:output"]["result"]
    assert "100% packet loss" in ping
    connect = data(action(base_url, "device=ams-edge-rtr01/connect"))["tailf-ncs:output"]
    assert connect["result"] is False
    assert connect["info"].startswith("Failed to connect to device ams-edge-rtr01: connection refused")
    check = data(action(base_url, "device=ams-edge-rtr01/check-sync"))["tailf-ncs:output"]
    assert check["result"] == "error" and check["info"] == connect["info"]
    exec_any = action(
        base_url,
        "device=ams-edge-rtr01/live-status/tailf-ned-cisco-ios-stats:exec/any",
        body={"input": {"args": "show version"}},
    )
    error = the_error(exec_any, 500, "operation-failed")
    assert error["error-path"].startswith("/tailf-ncs:devices/device[name='ams-edge-rtr01']/live-status")


def test_check_sync_and_compare_config(base_url):
    results = data(action(base_url, "check-sync"))["tailf-ncs:output"]["sync-result"]
    by_device = {r["device"]: r["result"] for r in results}
    assert list(by_device) == DEVICES
    assert set(by_device.values()) == {"in-sync", "out-of-sync", "unsupported", "locked", "error"}
    assert by_device["nyc-dist-sw02"] == "out-of-sync"

    diff = data(action(base_url, "device=nyc-dist-sw02/compare-config"))["tailf-ncs:output"]["diff"]
    assert "device nyc-dist-sw02" in diff and "+                community foobar {" in diff
    # No difference, no output: 204 and no body (RFC 8040 4.4.2).
    in_sync = action(base_url, "device=nyc-dist-sw01/compare-config")
    assert in_sync.status_code == 204 and in_sync.content == b""


def test_nacm_denies_the_operator_sync(base_url):
    for path in ("device=nyc-dist-sw02/sync-to", "device=nyc-dist-sw02/sync-from", "sync-from"):
        error = the_error(action(base_url, path, auth=OPER), 403, "access-denied")
        assert error["error-type"] == "application"
        assert error["error-path"].endswith(path.split("/")[-1])
    check = data(action(base_url, "device=nyc-dist-sw02/check-sync"))["tailf-ncs:output"]["result"]
    assert check == "out-of-sync", "a denied sync changes nothing"


def test_sync_puts_devices_in_sync(fresh_url):
    synced = data(action(fresh_url, "device=nyc-dist-sw02/sync-to", auth=ADMIN))
    assert synced == {"tailf-ncs:output": {"result": True}}
    assert data(action(fresh_url, "device=nyc-dist-sw02/check-sync"))["tailf-ncs:output"] == {"result": "in-sync"}
    assert data(action(fresh_url, "device=nyc-edge-rtr01/sync-from", auth=ADMIN))["tailf-ncs:output"]["result"] is True
    locked = data(action(fresh_url, "device=lab-sw01/sync-from", auth=ADMIN))["tailf-ncs:output"]
    assert locked == {"result": False, "info": "Device lab-sw01 is southbound locked"}
    everything = data(action(fresh_url, "sync-from", auth=ADMIN))["tailf-ncs:output"]["sync-result"]
    assert [r["device"] for r in everything] == DEVICES
    results = data(action(fresh_url, "check-sync"))["tailf-ncs:output"]["sync-result"]
    assert "out-of-sync" not in {r["result"] for r in results}


@pytest.mark.parametrize(
    ("device", "module", "how", "args", "expected"),
    [
        ("nyc-dist-sw01", "tailf-ned-cisco-ios-stats", "show", "version", "Cisco IOS Software"),
        ("nyc-dist-sw01", "tailf-ned-cisco-ios-stats", "any", "show ip bgp sum", "BGP router identifier"),
        ("nyc-core-rtr01", "tailf-ned-cisco-ios-xr-stats", "any", "show ip route", "Gateway of last resort"),
        ("nyc-core-rtr01", "tailf-ned-cisco-ios-xr-stats", "show", ["interface", "brief"], "Intf"),
        ("nyc-dist-sw01", "tailf-ned-cisco-ios-stats", "any", "show bogus", "% Invalid input detected"),
    ],
)
def test_live_status_exec(base_url, device, module, how, args, expected):
    response = action(
        base_url, f"device={device}/live-status/{module}:exec/{how}", body={"input": {"args": args}}
    )
    body = data(response)
    assert list(body) == [f"{module}:output"]
    result = body[f"{module}:output"]["result"]
    assert expected in result
    assert result.startswith("\r\n") and result.rstrip().endswith("#")


def test_a_wrong_media_type_is_415(base_url):
    response = action(base_url, "device=nyc-dist-sw01/ping", body="<input/>", content_type="text/plain")
    assert response.status_code == 415
    # RFC 8040 gives 415 no error-tag of its own: the body is still an errors list.
    assert media_type(response) == YANG_JSON
    (error,) = response.json()["ietf-restconf:errors"]["error"]
    assert error["error-type"] in ERROR_TYPES and error["error-message"]


@pytest.mark.parametrize(
    "path",
    [
        "device=nyc-dist-sw01/reboot",
        "device=no-such-device/ping",
        "device=ams-fw01/live-status/tailf-ned-cisco-ios-stats:exec/any",
    ],
    ids=["unknown action", "unknown device", "exec of another NED"],
)
def test_an_unknown_action_is_404(base_url, path):
    the_error(action(base_url, path, body={"input": {"args": "show version"}}), 404, "invalid-value")


def test_actions_take_no_query_parameters_and_writes_are_refused(base_url):
    response = requests.post(
        f"{base_url}/restconf/data/tailf-ncs:devices/device=nyc-dist-sw01/ping?depth=1", auth=OPER, timeout=5
    )
    the_error(response, 400, "invalid-value")
    device = f"{base_url}/restconf/data/tailf-ncs:devices/device=nyc-dist-sw01"
    response = requests.delete(device, auth=ADMIN, timeout=5)
    the_error(response, 405, "operation-not-supported")
    malformed = action(base_url, "device=nyc-dist-sw01/ping", body="{not json")
    the_error(malformed, 400, "malformed-message")


def test_an_answer_the_client_cannot_take_is_406(base_url):
    response = requests.get(
        f"{base_url}/restconf/data/tailf-ncs:devices/device",
        auth=OPER,
        headers={"Accept": "application/yang-data+xml"},
        timeout=5,
    )
    the_error(response, 406, "invalid-value")
