"""The fake Slurpit portal of testkit (`fake-slurpit`), read by Slurpit's own Python SDK.

slurpit-sdk is the client Slurpit publishes, and the one the original
Nautobot ChatOps `slurpit` commands call; if it reads the fake's devices,
sites, plannings and planning data, pages through its lists and raises on its
refusals as it does on a real portal, the fake speaks Slurpit's protocol and
not only ours. Every client here runs with `debug=True`: the SDK then exits
on any field its models do not know, so the fake gives no field Slurpit
does not.

    cargo build -p chatops-tests --bin fake-slurpit
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_slurpit_fake.py -q
"""

import asyncio

import fake_backend
import httpx
import pytest
import slurpit

# The keys seeded in testkit/src/fake_slurpit.rs.
ADMIN_KEY = "slurpit-admin-5f0c2e8a9b7d4c1e3a6f8b0d2c4e6a81"
READER_KEY = "slurpit-reader-0a9b8c7d6e5f43210f1e2d3c4b5a6978"

HOSTNAMES = [
    "ams-core-01",
    "ams-core-02",
    "ams-edge-01",
    "ams-fw-01",
    "ams-acc-01",
    "nyc-core-01",
    "nyc-core-02",
    "nyc-edge-01",
    "nyc-fw-01",
    "nyc-acc-01",
    "sin-edge-01",
    "sin-acc-01",
]


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("slurpit") as url:
        yield url


def run(base_url, calls, key=ADMIN_KEY, auto_pagination=True):
    """Runs `calls(api)` on a fresh SDK client in its own event loop, as the
    original commands do (`run_async`): the SDK is async only, and its
    httpx client must not outlive the loop it ran in."""

    async def main():
        # The SDK opens one httpx client per API group (14); without
        # `verify`, none loads the CA bundle, which the fake's plain HTTP never uses.
        api = slurpit.api(url=base_url, api_key=key, verify=False, auto_pagination=auto_pagination, debug=True)
        return await calls(api)

    return asyncio.run(main())


def test_devices_read_as_the_sdk_models_them(base_url):
    devices = run(base_url, lambda api: api.device.get_devices())
    assert [d.hostname for d in devices] == HOSTNAMES
    assert {d.brand for d in devices} == {"Cisco", "Juniper", "Arista", "Fortinet", "Palo Alto", "Aruba"}
    edge = devices[7]
    assert (edge.id, edge.fqdn, edge.device_os, edge.device_type, edge.site) == (
        8,
        "nyc-edge-01.net.example.com",
        "cisco_xr",
        "ASR-9901",
        "NYC-DC1",
    )
    assert (edge.port, edge.disabled, edge.last_seen) == (22, 0, "2026-12-03 02:00:00")
    assert edge.createddate < edge.changeddate
    assert [d.hostname for d in devices if d.disabled] == ["sin-acc-01"]
    # Asked for, the raw SNMP data comes along.
    raw = run(base_url, lambda api: api.device.get_devices(include_raw_json=True))
    assert raw[0].raw_json["sysName"] == "ams-core-01"


def test_one_device_by_hostname_and_by_id(base_url):
    async def calls(api):
        found = await api.device.search_devices({"hostname": "AMS-FW-01"})
        by_id = await api.device.get_device(found[0].id)
        firewalls = await api.device.search_devices({"tag": "firewall"})
        at_site = await api.device.search_devices({"sitename": "SIN-POP", "disabled": 0})
        return found, by_id, firewalls, at_site

    found, by_id, firewalls, at_site = run(base_url, calls)
    assert [d.hostname for d in found] == ["ams-fw-01"]
    assert by_id.to_dict() == found[0].to_dict()
    assert (by_id.brand, by_id.device_os, by_id.os_version) == ("Fortinet", "fortinet", "7.2.8")
    assert [d.hostname for d in firewalls] == ["ams-fw-01", "nyc-fw-01"]
    assert [d.hostname for d in at_site] == ["sin-edge-01"]


def test_an_unknown_device_is_a_404(base_url, capsys):
    with pytest.raises(httpx.HTTPStatusError) as raised:
        run(base_url, lambda api: api.device.get_device(99))
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()["message"] == "Device not found."
    # The SDK prints the body of every refusal before it raises.
    assert "Device not found." in capsys.readouterr().out
    assert run(base_url, lambda api: api.device.search_devices({"hostname": "lon-"})) == []


def test_sites(base_url):
    async def calls(api):
        return await api.site.get_sites(), await api.site.get_site(2)

    sites, nyc = run(base_url, calls)
    assert [(s.id, s.sitename, s.city, s.country) for s in sites] == [
        (1, "AMS-HQ", "Amsterdam", "Netherlands"),
        (2, "NYC-DC1", "New York", "United States"),
        (3, "SIN-POP", "Singapore", "Singapore"),
    ]
    assert nyc.to_dict() == sites[1].to_dict()
    assert (nyc.street, nyc.number, nyc.zipcode, nyc.state) == ("Hudson Street", "60", "10013", "NY")
    assert nyc.siteRules[0]["rule"] == "^nyc-"


def test_plannings_and_their_columns(base_url):
    plannings = [p.to_dict() for p in run(base_url, lambda api: api.planning.get_plannings())]
    assert [(p["id"], p["slug"]) for p in plannings] == [
        (1, "hardware-info"),
        (2, "software-versions"),
        (3, "interfaces"),
        (4, "bgp-neighbors"),
        (5, "arp-table"),
    ]
    # The original commands head their tables with the columns' `column`.
    assert [c["column"] for c in plannings[2]["columns"]] == ["interface", "status", "description", "speed"]
    assert [p["name"] for p in plannings if p["disabled"]] == ["ARP table"]


def test_search_data_as_the_search_data_command_asks(base_url):
    # What `slurpit search-data interfaces true down` posts.
    query = {"planning_id": 3, "unique_results": True, "latest": True, "search": "down"}
    assert run(base_url, lambda api: api.planning.search_plannings(query, limit=30000)) == []
    # Over every run, the uplink that was down in the older one shows.
    query["latest"] = False
    down = run(base_url, lambda api: api.planning.search_plannings(query, limit=30000))
    assert [(r["hostname"], r["interface"], r["status"]) for r in down] == [
        ("ams-core-02", "Ethernet1/49", "down"),
        ("nyc-core-02", "Ethernet49/1", "down"),
    ]
    bgp = {"planning_id": 4, "unique_results": True, "latest": True}
    sessions = run(base_url, lambda api: api.planning.search_plannings(bgp, limit=30000))
    assert sorted({r["hostname"] for r in sessions}) == ["ams-edge-01", "nyc-edge-01", "sin-edge-01"]
    assert all(r["state"] == "Established" for r in sessions)
    # A paused planning has no data.
    arp = {"planning_id": 5, "unique_results": True, "latest": True}
    assert run(base_url, lambda api: api.planning.search_plannings(arp)) == []


def test_device_data_as_the_device_data_command_asks(base_url):
    # What `slurpit device-data software-versions {latest} ams-acc-01` posts.
    def versions(latest):
        query = {"planning_id": 2, "unique_results": True, "latest": latest, "hostnames": ["ams-acc-01"]}
        rows = run(base_url, lambda api: api.planning.search_plannings(query, limit=30000))
        return [(r["hostname"], r["version"]) for r in rows]

    assert versions(True) == [("ams-acc-01", "17.9.4a")]
    assert versions(False) == [("ams-acc-01", "17.9.4a"), ("ams-acc-01", "17.6.5")]

    async def calls(api):
        return await api.device.get_snapshots("nyc-edge-01"), await api.device.get_snapshots("sin-acc-01")

    edge, disabled = run(base_url, calls)
    assert sorted(edge) == ["BGP neighbors", "Hardware info", "Interfaces", "Software versions"]
    assert edge["Hardware info"]["planning_results"] == [
        {"hostname": "nyc-edge-01", "hardware": "ASR-9901", "serial": "FDO20081A6", "memory": "32768 MB"}
    ]
    assert disabled == []


def test_lists_page_by_offset_and_limit(base_url):
    # Without auto-pagination the SDK asks for just the page it is given.
    page = run(base_url, lambda api: api.device.get_devices(offset=5, limit=5), auto_pagination=False)
    assert [d.hostname for d in page] == HOSTNAMES[5:10]

    # The SDK's pager asks for the next page while a page comes back full:
    # with pages of 5, three requests (5, 5, 2) bring every device.
    async def calls(api):
        return await api.device._pager(f"{api.device.base_url}/devices", page_size=5)

    assert [d["hostname"] for d in run(base_url, calls)] == HOSTNAMES


def test_a_wrong_or_missing_key_is_refused(base_url, capsys):
    with pytest.raises(httpx.HTTPStatusError) as raised:
        run(base_url, lambda api: api.platform.ping(), key="not-a-slurpit-key")
    assert raised.value.response.status_code == 401
    assert raised.value.response.json()["message"] == "Your request was made with invalid credentials."
    # Lists go through the SDK's pager, which wraps the refusal in its own error.
    with pytest.raises(Exception, match="Error fetching page with offset 0: Client error '401 Unauthorized'"):
        run(base_url, lambda api: api.device.get_devices(), key=None)
    assert "invalid credentials" in capsys.readouterr().out
    assert run(base_url, lambda api: api.platform.ping()).status == "up"


def test_the_reader_key_reads_devices_but_not_plannings_nor_writes(base_url):
    assert len(run(base_url, lambda api: api.device.get_devices(), key=READER_KEY)) == len(HOSTNAMES)
    assert [s.sitename for s in run(base_url, lambda api: api.site.get_sites(), key=READER_KEY)][0] == "AMS-HQ"
    with pytest.raises(Exception, match="403 Forbidden"):
        run(base_url, lambda api: api.planning.get_plannings(), key=READER_KEY)
    with pytest.raises(httpx.HTTPStatusError) as raised:
        run(base_url, lambda api: api.device.delete_device(1), key=READER_KEY)
    assert raised.value.response.status_code == 403
    assert raised.value.response.json()["message"] == "You are not allowed to perform this action."
    assert len(run(base_url, lambda api: api.device.get_devices())) == len(HOSTNAMES), "nothing deleted"
