"""The fake Meraki Dashboard API of testkit (`fake-meraki`), read by Meraki's own Python SDK.

`meraki` is the client Cisco publishes, and the one the original Nautobot
ChatOps `meraki` commands call; if it reads the fake's organizations, admins,
devices, networks, switch ports, SSIDs, clients and neighbours, pages
through its lists by the `Link` header, rides out its 429s and raises
`APIError` on its refusals as it does against the Dashboard, the fake speaks
Meraki's protocol and not only ours.

The SDK follows an absolute `Link` only on Meraki's own domains (any other
host it glues to its base URL), so every client here names
`http://api.meraki.com/api/v1` and reaches the fake through the SDK's proxy
setting: the fake answers links on the host asked for, which lead back to it.

    cargo build -p chatops-tests --bin fake-meraki
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_meraki_fake.py -q
"""

import time

import fake_backend
import httpx
import meraki
import pytest

# The keys and ids seeded in testkit/src/fake_meraki/.
ADMIN_KEY = "6bec40cf957de430a6f1f2baa056b99a4fac9ea0"
READ_ONLY_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
ORG_ID = "549236"
LAB_ORG_ID = "573083052582915028"
SWITCH = "Q2HP-3KL7-8UD2"
APPLIANCE = "Q2PN-4YHQ-EFG7"
CAMERA = "Q2FV-8NXS-L3ZA"
AP = "Q2KD-7VCX-2B3N"
WIRELESS_NETWORK = "L_647392446434512031"

DEVICE_NAMES = [
    "ams-sw-01",
    "ams-sw-02",
    "ams-ap-lobby",
    "ams-ap-floor2",
    "ams-fw-01",
    "ams-cam-entrance",
    "ams-cam-dock",
]


@pytest.fixture(scope="module")
def fake_url():
    with fake_backend.serve("meraki") as url:
        yield url


def dashboard(fake_url, key=ADMIN_KEY, **settings):
    """A DashboardAPI client on the fake, as the original app makes one."""
    settings = {"maximum_retries": 4, "wait_on_rate_limit": True, **settings}
    return meraki.DashboardAPI(
        key,
        base_url="http://api.meraki.com/api/v1",
        requests_proxy=fake_url,
        suppress_logging=True,
        output_log=False,
        print_console=False,
        **settings,
    )


def test_organizations_and_their_admins(fake_url):
    api = dashboard(fake_url)
    organizations = api.organizations.getOrganizations(total_pages="all")
    assert [(o["id"], o["name"]) for o in organizations] == [(ORG_ID, "Acme Corp"), (LAB_ORG_ID, "Acme Labs")]
    assert organizations[0]["api"] == {"enabled": True}
    admins = api.organizations.getOrganizationAdmins(ORG_ID)
    assert [(a["name"], a["email"], a["orgAccess"]) for a in admins] == [
        ("Alice Janssen", "alice@example.com", "full"),
        ("Bob de Vries", "bob@example.com", "read-only"),
        ("NOC Robot", "noc-automation@example.com", "read-only"),
    ]
    assert [a["name"] for a in api.organizations.getOrganizationAdmins(LAB_ORG_ID)] == ["Carol Lab"]


def test_devices_of_every_product_type_and_their_filters(fake_url):
    api = dashboard(fake_url)
    devices = api.organizations.getOrganizationDevices(ORG_ID, total_pages="all")
    assert [d["name"] for d in devices] == DEVICE_NAMES
    assert {d["productType"] for d in devices} == {"switch", "wireless", "appliance", "camera"}
    firewall = next(d for d in devices if d["serial"] == APPLIANCE)
    assert (firewall["model"], firewall["lanIp"], firewall["networkId"]) == ("MX85", "10.10.0.1", "L_647392446434512034")
    # The SDK sends the array filters as `productTypes[]=…`.
    cameras = api.organizations.getOrganizationDevices(ORG_ID, productTypes=["camera"])
    assert [d["model"] for d in cameras] == ["MV12WE", "MV22"]
    assert [d["name"] for d in api.organizations.getOrganizationDevices(LAB_ORG_ID)] == ["lab-sw-01"]


def test_networks(fake_url):
    networks = dashboard(fake_url).organizations.getOrganizationNetworks(ORG_ID, total_pages="all")
    assert [(n["name"], n["productTypes"]) for n in networks] == [
        ("AMS Switching", ["switch"]),
        ("AMS Wireless", ["wireless"]),
        ("AMS Branch Firewall", ["appliance"]),
        ("AMS Cameras", ["camera"]),
    ]
    assert {n["organizationId"] for n in networks} == {ORG_ID}


def test_lists_page_by_the_link_header(fake_url):
    api = dashboard(fake_url)
    # Pages of 3: the SDK follows `rel=next` until none comes (3 + 3 + 1).
    paged = api.organizations.getOrganizationDevices(ORG_ID, total_pages="all", perPage=3)
    assert [d["name"] for d in paged] == DEVICE_NAMES
    assert [d["name"] for d in api.organizations.getOrganizationDevices(ORG_ID, perPage=3)] == DEVICE_NAMES[:3]
    two = api.organizations.getOrganizationDevices(ORG_ID, total_pages=2, perPage=3)
    assert [d["name"] for d in two] == DEVICE_NAMES[:6]
    networks = api.organizations.getOrganizationNetworks(ORG_ID, total_pages="all", perPage=3)
    assert len(networks) == 4
    # The filters ride along in the next link.
    wireless_and_cameras = api.organizations.getOrganizationDevices(
        ORG_ID, total_pages="all", perPage=3, productTypes=["wireless", "camera"]
    )
    assert [d["name"] for d in wireless_and_cameras] == DEVICE_NAMES[2:4] + DEVICE_NAMES[5:]
    pages = [a for a in arrivals(fake_url) if a["path"] == f"/api/v1/organizations/{ORG_ID}/devices"]
    assert len(pages) >= 3 + 1 + 2 + 2
    # Outside its range, perPage is refused as the Dashboard refuses it.
    with pytest.raises(meraki.APIError) as raised:
        api.organizations.getOrganizationDevices(ORG_ID, perPage=2)
    assert raised.value.status == 400
    assert "perPage" in raised.value.message["errors"][0]


def test_switch_ports_and_their_statuses(fake_url):
    api = dashboard(fake_url)
    ports = api.switch.getDeviceSwitchPorts(SWITCH)
    assert len(ports) == 52
    assert (ports[0]["portId"], ports[0]["name"], ports[0]["type"], ports[0]["vlan"]) == ("1", "Desk 1", "access", 10)
    assert (ports[51]["name"], ports[51]["type"]) == ("Uplink 2", "trunk")
    statuses = {s["portId"]: s for s in api.switch.getDeviceSwitchPortsStatuses(SWITCH)}
    assert (statuses["7"]["enabled"], statuses["7"]["status"]) == (False, "Disabled")
    assert statuses["5"]["errors"] == ["CRC align errors"]
    assert (statuses["1"]["status"], statuses["1"]["speed"], statuses["1"]["duplex"]) == ("Connected", "1 Gbps", "full")
    assert statuses["3"]["status"] == "Disconnected"
    assert statuses["52"]["isUplink"] is True


def test_appliance_performance_ssids_camera_clients_and_neighbours(fake_url):
    api = dashboard(fake_url)
    assert api.appliance.getDeviceAppliancePerformance(APPLIANCE) == {"perfScore": 21.4}
    ssids = api.wireless.getNetworkWirelessSsids(WIRELESS_NETWORK)
    assert len(ssids) == 15
    assert [(s["number"], s["name"]) for s in ssids if s["enabled"]] == [
        (0, "Acme-Corp"),
        (1, "Acme-Guest"),
        (2, "Acme-IoT"),
    ]
    assert ssids[3]["name"] == "Acme-Legacy" and ssids[3]["enabled"] is False
    recent = api.camera.getDeviceCameraAnalyticsRecent(CAMERA)
    # The columns of the original's table: zone, start, end, entrances, average.
    assert recent[0] == {
        "startTs": "2026-12-03T09:14:00.000Z",
        "endTs": "2026-12-03T09:15:00.000Z",
        "zoneId": 0,
        "entrances": 14,
        "averageCount": 2.35,
    }
    assert api.camera.getDeviceCameraAnalyticsRecent(CAMERA, objectType="vehicle")[0]["entrances"] == 0
    clients = api.devices.getDeviceClients(AP, timespan=86400)
    assert [c["description"] for c in clients] == ["iPhone-Bob", "Galaxy-S24", "thermostat-lobby"]
    assert clients[0]["user"] == "alice@example.com" and clients[0]["vlan"] == "20"
    assert [c["switchport"] for c in api.devices.getDeviceClients(SWITCH)] == ["1", "2"]
    neighbours = api.devices.getDeviceLldpCdp(SWITCH)
    assert neighbours["ports"]["51"]["lldp"]["systemName"] == "ams-fw-01"
    assert neighbours["ports"]["51"]["cdp"]["address"] == "10.10.0.1"
    assert neighbours["ports"]["2"]["lldp"]["systemName"] == "ams-ap-lobby"


def test_a_read_for_the_wrong_product_or_an_unknown_serial_raises(fake_url):
    api = dashboard(fake_url)
    with pytest.raises(meraki.APIError) as raised:
        api.appliance.getDeviceAppliancePerformance(SWITCH)
    assert raised.value.status == 400
    with pytest.raises(meraki.APIError) as raised:
        api.switch.getDeviceSwitchPorts("Q2XX-0000-0000")
    assert (raised.value.status, raised.value.message) == (404, {"errors": ["Device not found"]})


def test_updates_a_switch_port_and_the_next_read_shows_it(fake_url):
    api = dashboard(fake_url)
    updated = api.switch.updateDeviceSwitchPort(SWITCH, "12", name="Desk 12 (Carol)", type="access", vlan=30, enabled=True)
    assert (updated["portId"], updated["name"], updated["vlan"], updated["type"]) == ("12", "Desk 12 (Carol)", 30, "access")
    port = next(p for p in api.switch.getDeviceSwitchPorts(SWITCH) if p["portId"] == "12")
    assert (port["name"], port["vlan"]) == ("Desk 12 (Carol)", 30)
    # Shutting a port shows in its status.
    api.switch.updateDeviceSwitchPort(SWITCH, "14", enabled=False)
    status = next(s for s in api.switch.getDeviceSwitchPortsStatuses(SWITCH) if s["portId"] == "14")
    assert status["status"] == "Disabled"
    # The original sends the VLAN as typed in chat, a string; it comes back a number.
    assert api.switch.updateDeviceSwitchPort(SWITCH, "13", vlan="40")["vlan"] == 40
    with pytest.raises(meraki.APIError) as raised:
        api.switch.updateDeviceSwitchPort(SWITCH, "12", vlan=4095)
    assert raised.value.status == 400
    assert raised.value.message == {"errors": ["'vlan' must be an integer between 1 and 4094"]}
    assert next(p for p in api.switch.getDeviceSwitchPorts(SWITCH) if p["portId"] == "12")["vlan"] == 30


def test_cycles_ports(fake_url):
    api = dashboard(fake_url)
    assert api.switch.cycleDeviceSwitchPorts(SWITCH, ["3", "5-6"]) == {"ports": ["3", "5-6"]}
    assert httpx.get(f"{fake_url}/_fake/cycled").json()[-1] == {"serial": SWITCH, "ports": ["3", "5-6"]}
    with pytest.raises(meraki.APIError) as raised:
        api.switch.cycleDeviceSwitchPorts(SWITCH, ["99"])
    assert raised.value.status == 400


def arrivals(fake_url):
    return httpx.get(f"{fake_url}/_fake/arrivals").json()


def test_rides_out_429s_waiting_as_retry_after_says(fake_url):
    api = dashboard(fake_url)
    httpx.post(f"{fake_url}/_fake/rate-limit?requests=2").raise_for_status()
    started = time.monotonic()
    admins = api.organizations.getOrganizationAdmins(LAB_ORG_ID)
    assert [a["name"] for a in admins] == ["Carol Lab"]
    assert time.monotonic() - started >= 2, "waited Retry-After (1 s) twice"
    tries = [a for a in arrivals(fake_url) if a["path"] == f"/api/v1/organizations/{LAB_ORG_ID}/admins"][-3:]
    assert [t["status"] for t in tries] == [429, 429, 200]
    assert tries[1]["atMs"] - tries[0]["atMs"] >= 1000 and tries[2]["atMs"] - tries[1]["atMs"] >= 1000


def test_without_waiting_on_rate_limits_a_429_raises(fake_url):
    api = dashboard(fake_url, wait_on_rate_limit=False)
    httpx.post(f"{fake_url}/_fake/rate-limit?requests=1").raise_for_status()
    with pytest.raises(meraki.APIError) as raised:
        api.organizations.getOrganizations()
    assert raised.value.status == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert len(api.organizations.getOrganizations()) == 2, "the next one is served"


def test_a_wrong_key_is_401_and_the_read_only_key_may_not_write(fake_url):
    with pytest.raises(meraki.APIError) as raised:
        dashboard(fake_url, key="not-a-meraki-key").organizations.getOrganizations()
    assert (raised.value.status, raised.value.message) == (401, {"errors": ["Invalid API key"]})
    reader = dashboard(fake_url, key=READ_ONLY_KEY)
    assert len(reader.organizations.getOrganizationDevices(ORG_ID, total_pages="all")) == len(DEVICE_NAMES)
    before = next(p for p in reader.switch.getDeviceSwitchPorts(SWITCH) if p["portId"] == "20")
    with pytest.raises(meraki.APIError) as raised:
        reader.switch.updateDeviceSwitchPort(SWITCH, "20", vlan=99)
    assert raised.value.status == 403
    assert "read-only" in raised.value.message["errors"][0]
    with pytest.raises(meraki.APIError) as raised:
        reader.switch.cycleDeviceSwitchPorts(SWITCH, ["20"])
    assert raised.value.status == 403
    assert next(p for p in reader.switch.getDeviceSwitchPorts(SWITCH) if p["portId"] == "20") == before


def test_the_older_key_header_is_accepted(fake_url):
    answer = httpx.get(f"{fake_url}/api/v1/organizations", headers={"X-Cisco-Meraki-API-Key": ADMIN_KEY})
    assert answer.status_code == 200
    assert answer.headers["link"].startswith(f"<{fake_url}/api/v1/organizations>; rel=first")
