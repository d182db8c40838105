"""The fake IP Fabric (testkit/src/fake_ipfabric.rs) read by IP Fabric's own SDK, `ipfabric`.

The `ipfabric` integration's tests will run against the fake; this checks that
the fake speaks IP Fabric's protocol and not only ours: the SDK logs in the way
it does against an appliance (`/api/version` to pick the API prefix, `users/me`,
the snapshots table and `GET /snapshots`, the intent reports), resolves `$last`,
`$prev` and `$lastLocked`, reads the tables the ChatOps commands read (devices,
sites, interfaces and their load, errors and drops, BGP neighbors, wireless,
hosts) through its streaming prepared requests and through its pager, with
IP Fabric's filters, and parses a path lookup into its own `PathLookupResult`
model and a PNG. Its own HTTPError carries the fake's 401, 403 and 422.

    cargo build -p chatops-tests --bin fake-ipfabric
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_ipfabric_fake.py -q
"""

import json
import struct
import urllib.request
import zlib

import fake_backend
import pytest
from ipfabric import IPFClient
from ipfabric.diagrams import Unicast, icmp
from niquests.exceptions import HTTPError


# The tokens and snapshots seeded in testkit/src/fake_ipfabric.rs.
ADMIN_TOKEN = "ipf0fakeadmin7c1f0d9e2b4a6c8e0f1a3b5c7d9e"
READ_ONLY_TOKEN = "ipf0fakereadonly3a8e55c2d4f6a8b0c1e3f5a7"
LAST = "5e2b7c1a-9d3f-4e8a-b6c0-1f2a3b4c5d6e"
PREV = "3c9a1e7f-2b4d-4c6e-8a0b-7d8e9f0a1b2c"
LOCKED = "8f4d2a6c-1e3b-4a5c-9d7e-2b3c4d5e6f70"
UNLOADED = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("ipfabric") as url:
        yield url


def client(base_url, token=ADMIN_TOKEN, **options):
    """The SDK's client as the original ChatOps app builds it (a token, no TLS check)."""
    return IPFClient(base_url=base_url, auth=token, verify=False, timeout=5, **options)


@pytest.fixture(scope="module")
def ipf(base_url):
    return client(base_url)


def hostnames(rows):
    return sorted(r["hostname"] for r in rows)


def test_the_sdk_logs_in_and_picks_the_unversioned_api(ipf):
    assert ipf.os_version == "8.0.2+3"
    assert ipf.os_api_version == "v8.0"
    # From 7.5 on, the SDK addresses /api/ and sends the version as a header.
    assert str(ipf.base_url).endswith("/api/")
    assert ipf.user.username == "chatops" and ipf.user.is_admin
    assert ipf.user.token.description == "ChatOps gateway"
    assert ipf.hostname == "ipfabric-fake"
    assert ipf.snapshot_id == LAST


def test_snapshots_and_their_references(base_url, ipf):
    loaded = ipf.loaded_snapshots
    assert [k for k in loaded if not k.startswith("$")] == [LAST, PREV, LOCKED]
    assert {ref: loaded[ref].snapshot_id for ref in ("$last", "$prev", "$lastLocked")} == {
        "$last": LAST,
        "$prev": PREV,
        "$lastLocked": LOCKED,
    }
    locked = ipf.snapshots[LOCKED]
    assert locked.locked and locked.name == "Baseline before CHG-4711"
    assert ipf.snapshots[PREV].name is None
    last = ipf.snapshots[LAST]
    assert last.total_dev_count == 12 and last.licensed_dev_count == 12
    assert last.end.strftime("%d-%b-%y %H:%M") == "03-Dec-26 02:45"
    assert last.sites == ["NYC-DC1", "LON-HQ", "SIN-BR1"]
    # The unloaded one comes only when asked for, and is not loaded.
    assert UNLOADED not in ipf.snapshots
    every = client(base_url, unloaded=True).snapshots
    assert UNLOADED in every and not every[UNLOADED].loaded
    # set-snapshot: the SDK takes a reference or an id.
    other = client(base_url)
    other.snapshot_id = "$prev"
    assert other.snapshot_id == PREV
    assert len(other.inventory.devices.all()) == 11


def test_inventory_with_and_without_filters(ipf):
    devices = ipf.inventory.devices.all()
    assert len(devices) == 12
    assert {d["vendor"] for d in devices} == {"cisco", "juniper", "arista", "paloalto"}
    # The original's get-inventory: one column compared case-insensitively.
    columns = ["hostname", "siteName", "vendor", "platform", "model", "memoryUtilization", "version", "sn", "loginIp"]
    arista = ipf.inventory.devices.all(columns=columns, filters={"vendor": ["ieq", "ARISTA"]}, export="json")
    assert hostnames(arista) == ["nyc-acc-01", "sin-sw-01"]
    assert set(arista[0]) == set(columns)
    junos = ipf.fetch_all("tables/inventory/devices", columns=["hostname"], filters={"platform": ["eq", "mx"]})
    assert hostnames(junos) == ["nyc-edge-01", "sin-rtr-01"]
    either = ipf.fetch_all(
        "tables/inventory/devices",
        columns=["hostname"],
        filters={"or": [{"hostname": ["like", "fw"]}, {"model": ["reg", "^C9300"]}]},
    )
    assert hostnames(either) == ["lon-sw-01", "nyc-fw-01"]
    sites = ipf.inventory.sites.all()
    assert sorted(s["siteName"] for s in sites) == ["LON-HQ", "NYC-DC1", "SIN-BR1"]
    lon = next(s for s in sites if s["siteName"] == "LON-HQ")
    assert lon["devicesCount"] == 5 and lon["usersCount"] == 5
    # The CSV export, as the SDK streams it.
    exported = ipf.fetch_all("tables/inventory/sites", columns=["siteName", "devicesCount"], export="csv")
    assert exported.decode().splitlines() == ["siteName,devicesCount", "NYC-DC1,5", "LON-HQ,5", "SIN-BR1,2"]


def test_a_table_diff_between_snapshots_and_an_unloaded_snapshot(ipf):
    last = {d["hostname"] for d in ipf.fetch_all("tables/inventory/devices", columns=["hostname"])}
    prev = {d["hostname"] for d in ipf.fetch_all("tables/inventory/devices", columns=["hostname"], snapshot_id="$prev")}
    assert last - prev == {"lon-ap-02"} and prev <= last
    with pytest.raises(HTTPError) as refused:
        ipf.fetch("tables/inventory/devices", columns=["hostname"], snapshot_id=UNLOADED)
    assert refused.value.response.status_code == 422
    assert "API_SNAPSHOT_NOT_LOADED" in str(refused.value)


def test_interfaces_load_errors_and_drops(ipf):
    device = {"hostname": ["ieq", "NYC-CORE-01"]}
    interfaces = ipf.inventory.interfaces.all(filters=device)
    assert [i["intName"] for i in interfaces] == ["Ethernet1/1", "Ethernet1/2", "Ethernet1/49", "Vlan10", "mgmt0"]
    assert interfaces[0]["l1"] == "up" and interfaces[0]["speedValue"] == 10_000_000_000
    sort = {"order": "desc", "column": "intName"}
    load = ipf.technology.interfaces.current_rates_data_bidirectional.all(
        columns=["intName", "bytes", "pkts"], filters=device, sort=sort
    )
    assert [r["intName"] for r in load] == ["mgmt0", "Vlan10", "Ethernet1/49", "Ethernet1/2", "Ethernet1/1"]
    assert all(r["bytes"] > 0 and r["pkts"] > 0 for r in load)
    # The average-rate tables the original app's `interfaces errors` / `drops` read.
    errors = ipf.fetch_all("tables/interfaces/errors/bidirectional", columns=["intName", "errPktsPct", "errRate"])
    drops = ipf.fetch_all("tables/interfaces/drops/bidirectional", columns=["intName", "dropsPktsPct", "dropsRate"])
    assert any(r["errRate"] > 0 for r in errors) and any(r["errRate"] == 0 for r in errors)
    assert any(r["dropsRate"] > 0 for r in drops)
    counters = ipf.technology.interfaces.counters_inbound.all(filters={"inErr": ["gt", 0]})
    assert counters and all(r["inErr"] > 0 and r["inCrc"] <= r["inErr"] for r in counters)


def test_paging_across_more_rows_than_a_page(base_url, ipf):
    everything = ipf.fetch_all("tables/inventory/interfaces", columns=["id", "hostname", "intName"])
    count = ipf.get_count("tables/inventory/interfaces")
    assert count == len(everything) > 30
    pages = [
        ipf.fetch("tables/inventory/interfaces", columns=["id", "hostname", "intName"], limit=10, start=start)
        for start in range(0, count, 10)
    ]
    assert [len(p) for p in pages[:-1]] == [10] * (len(pages) - 1) and 0 < len(pages[-1]) <= 10
    assert [r for p in pages for r in p] == everything
    # Without streaming, the SDK's own pager follows the pages to the end.
    paged = client(base_url, streaming=False)
    payload = {"columns": ["id"], "snapshot": LAST, "filters": {}}
    assert [r["id"] for r in paged._ipf_pager("tables/inventory/interfaces", payload, limit=7)] == [
        r["id"] for r in everything
    ]


def test_an_api_version_header_other_than_1_is_gone(ipf):
    # With an api_version the SDK pages by POST and sends X-API-Version.
    pinned = ipf.fetch_all("tables/inventory/devices", columns=["hostname"], api_version=1)
    assert len(pinned) == 12
    with pytest.raises(HTTPError) as gone:
        ipf.fetch("tables/inventory/devices", columns=["hostname"], api_version=2)
    assert gone.value.response.status_code == 410
    assert "API version '2' is not supported" in str(gone.value)
    assert "Supported versions are: 1" in str(gone.value)


def test_bgp_neighbors_by_device_and_state(ipf):
    bgp = ipf.technology.routing.bgp_neighbors
    established = bgp.all(
        filters={"and": [{"hostname": ["ieq", "nyc-edge-01"]}, {"state": ["ieq", "established"]}]},
        columns=["hostname", "neiHostname", "neiAddress", "neiAs", "state", "totalReceivedPrefixes"],
    )
    assert sorted(n["neiAddress"] for n in established) == ["10.10.255.11", "10.10.255.12", "10.20.254.1", "203.0.113.1"]
    everything = bgp.all(filters={"hostname": ["reg", "nyc-edge-01"]})
    assert {n["state"] for n in everything} == {"established", "idle", "opensent"}
    assert {n["type"] for n in everything} == {"ebgp", "ibgp"}


def test_wireless_ssids_and_clients(ipf):
    wireless = ipf.technology.wireless
    radios = wireless.radios_detail.all(columns=["wlanSsid", "siteName", "apName", "radioDscr", "radioStatus", "clientCount"])
    assert {r["wlanSsid"] for r in radios} == {"Corp-WiFi", "Guest", "IoT-Sensors"}
    assert {r["apName"] for r in radios} == {"lon-ap-01", "lon-ap-02"}
    corp = wireless.clients.all(filters={"ssid": ["ieq", "corp-wifi"]})
    assert sorted(c["clientIp"] for c in corp) == ["10.20.30.101", "10.20.30.102"]
    assert all(c["apName"] == "lon-ap-01" and c["controller"] == "lon-wlc-01" for c in corp)
    summary = {s["ssid"]: s["clientCount"] for s in wireless.radios_ssid_summary.all()}
    assert summary == {"Corp-WiFi": 2, "Guest": 0, "IoT-Sensors": 1}


def test_find_host_by_ip_and_by_mac(ipf):
    by_ip = ipf.inventory.hosts.all(filters={"ip": ["eq", "10.20.10.15"]})
    assert len(by_ip) == 1
    host = by_ip[0]
    assert host["mac"] == "f8bc.1245.9a0e" and host["dnsName"] == "lon-pc-0415.corp.example.com"
    assert host["gateways"][0]["hostname"] == "lon-rtr-01"
    assert host["edges"][0]["intName"] == "GigabitEthernet1/0/2"
    by_mac = ipf.inventory.hosts.all(filters={"mac": ["eq", "a4c3.f0e2.1b7d"]})
    assert [h["ip"] for h in by_mac] == ["10.20.30.101"]
    assert by_mac[0]["accessPoints"] == [{"hostname": "lon-ap-01", "ssid": "Corp-WiFi"}]


def read_png(data):
    """The width and height of a PNG, after checking every chunk's CRC and the zlib stream."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks[kind] = chunks.get(kind, b"") + body
        offset += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    return width, height


def test_path_lookup_as_the_sdk_models_it(ipf):
    web = Unicast(startingPoint="10.20.10.15", destinationPoint="10.10.10.21", protocol="tcp", srcPorts="1025", dstPorts="443")
    result = ipf.diagram.model(web)
    assert result.pathlookup.passingTraffic == "all"
    hops = [(e.source.label, e.target.label) for e in result.edges.values()]
    assert hops == [("lon-rtr-01", "nyc-fw-01"), ("nyc-fw-01", "nyc-edge-01"), ("nyc-edge-01", "nyc-core-01")]
    assert [p.type for p in next(iter(result.edges.values())).packet] == ["ethernet", "ip", "tcp"]
    # pathlookup-icmp, and telnet, which the firewall drops.
    ping = ipf.diagram.json(
        Unicast(startingPoint="10.20.10.15", destinationPoint="10.10.10.21", protocol="icmp", icmp=icmp.ECHO_REQUEST)
    )
    assert ping["pathlookup"]["passingTraffic"] == "all"
    telnet = Unicast(startingPoint="10.20.10.15", destinationPoint="10.10.10.21", protocol="tcp", dstPorts="23")
    dropped = ipf.diagram.model(telnet)
    assert dropped.pathlookup.passingTraffic == "none"
    assert dropped.pathlookup.eventsSummary.topics.zonefw.red == 1
    assert read_png(ipf.diagram.png(web)) == (640, 120)


def test_a_wrong_token_is_refused_with_401(base_url):
    with pytest.raises(HTTPError) as refused:
        client(base_url, token="not-a-token-of-this-appliance")
    assert refused.value.response.status_code == 401
    assert refused.value.response.json()["code"] == "API_UNAUTHORIZED"
    # /api/version needs no token, as on an appliance; the rest does, under any prefix.
    with urllib.request.urlopen(f"{base_url}/api/version") as answer:
        assert json.load(answer) == {"apiVersion": "v8.0", "releaseVersion": "8.0.2+3"}
    with pytest.raises(urllib.error.HTTPError) as bare:
        urllib.request.urlopen(f"{base_url}/api/v7.0/snapshots")
    assert bare.value.code == 401


def test_the_read_only_token_is_refused_some_tables_with_403(base_url):
    limited = client(base_url, token=READ_ONLY_TOKEN)
    assert limited.user.username == "chatops-readonly" and not limited.user.is_admin
    # Not an admin token: the SDK read its API scopes (paths without their leading `/`).
    scopes = {s.path for s in limited.user.scopes}
    assert "tables/inventory/devices" in scopes and "tables/addressing/hosts" not in scopes
    assert len(limited.inventory.devices.all()) == 12
    for table in (limited.inventory.hosts, limited.technology.wireless.clients):
        with pytest.raises(HTTPError) as refused:
            table.all()
        assert refused.value.response.status_code == 403
        assert "API_INSUFFICIENT_RIGHTS" in str(refused.value)
