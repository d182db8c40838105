"""The fake Panorama of testkit (`fake-panorama`), read by pan-os-python.

`pan-os-python` (module `panos`, on `pan-python`'s `pan.xapi`) is the SDK
Palo Alto Networks publishes, and the one the original Nautobot ChatOps
`panorama` commands call: if it generates a key, reads Panorama's system
info, its device groups and their hierarchy, the managed firewalls and
their system info through `target=`, the security rules, addresses and
services of each scope, runs `test security-policy-match`, checks,
downloads and installs software through jobs, runs the packet capture's op
commands and exports the capture, and raises `PanDeviceXapiError` on
PAN-OS's refusals, then the fake speaks the PAN-OS XML API and not only ours.

pan-python always builds `https://` URLs unless it is given `use_http=True`,
which pan-os-python never passes; the `http` fixture below makes that the
default for the test's duration (the fake serves plain HTTP on loopback, as
the others do).

    cargo build -p chatops-tests --bin fake-panorama
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_panorama_fake.py -q
"""

import struct
import xml.etree.ElementTree as ET

import fake_backend
import pan.xapi
import pytest
import requests
from panos.errors import PanDeviceXapiError, PanURLError
from panos.firewall import Firewall
from panos.objects import AddressGroup, AddressObject, ServiceGroup, ServiceObject
from panos.panorama import DeviceGroup, Panorama, PanoramaDeviceGroupHierarchy
from panos.policies import PostRulebase, PreRulebase, Rulebase, SecurityRule

# The users and seeds of testkit/src/fake_panorama/.
ADMIN = ("admin", "Pano-Admin-4c1e9b")
READER = ("chatops-ro", "Pano-Reader-8d2f6a")
AMS = "007051000123401"
LON = "007051000123402"
DC_A = "013201001234"
DC_B = "013201001235"
HIERARCHY = {"branches": None, "branch-ams": "branches", "branch-lon": "branches", "dc": None}


@pytest.fixture(autouse=True)
def http(monkeypatch):
    """pan-python's connections use http:// (pan-os-python never asks it to)."""
    original = pan.xapi.PanXapi.__init__

    def init(self, *args, **kwargs):
        kwargs.setdefault("use_http", True)
        original(self, *args, **kwargs)

    monkeypatch.setattr(pan.xapi.PanXapi, "__init__", init)


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("panorama") as url:
        yield url


def connect(base_url, credentials=ADMIN):
    host, port = base_url.removeprefix("http://").split(":")
    return Panorama(host, credentials[0], credentials[1], port=int(port))


@pytest.fixture
def pano(base_url):
    return connect(base_url)


def firewall(pano, serial):
    """A firewall reached through Panorama (`target=<serial>`), as the original's commands reach it."""
    fw = Firewall(serial=serial)
    pano.add(fw)
    return fw


def test_keygen_gives_each_user_a_stable_key_and_refuses_a_wrong_password(base_url):
    admin, again, reader = connect(base_url), connect(base_url), connect(base_url, READER)
    assert admin.api_key.startswith("LUFRPT") and admin.api_key == again.api_key
    assert reader.api_key != admin.api_key
    # pan-python reports the reason phrase, as PAN-OS words it.
    with pytest.raises(PanURLError, match="code: 403 reason: Invalid Credential"):
        connect(base_url, (ADMIN[0], "wrong")).api_key
    # PAN-OS's own answer to a wrong password: HTTP 403 and its XML.
    answer = requests.get(f"{base_url}/api/", params={"type": "keygen", "user": "admin", "password": "x"})
    assert answer.status_code == 403
    root = ET.fromstring(answer.text)
    assert (root.get("status"), root.get("code"), root.findtext("result/msg")) == ("error", "403", "Invalid Credential")


def test_the_key_is_taken_as_a_parameter_or_the_x_pan_key_header_and_a_bad_one_is_refused(base_url, pano):
    cmd = {"type": "op", "cmd": "<show><system><info/></system></show>"}
    by_header = requests.get(f"{base_url}/api/", params=cmd, headers={"X-PAN-KEY": pano.api_key})
    by_param = requests.post(f"{base_url}/api/", data={**cmd, "key": pano.api_key})
    for answer in (by_header, by_param):
        assert answer.status_code == 200
        assert ET.fromstring(answer.text).findtext("result/system/hostname") == "panorama-lab"
    refused = requests.get(f"{base_url}/api/", params={**cmd, "key": "LUFRPT1bad="})
    assert refused.status_code == 403
    assert ET.fromstring(refused.text).findtext("result/msg") == "Invalid Credential"


def test_panorama_system_info_gives_its_version(pano):
    info = pano.refresh_system_info()
    assert (info.version, info.platform, info.serial) == ("11.1.4-h7", "Panorama", "000710012345")


def test_device_groups_and_their_hierarchy(pano):
    assert [dg.name for dg in DeviceGroup.refreshall(pano)] == list(HIERARCHY)
    assert PanoramaDeviceGroupHierarchy(pano).fetch() == HIERARCHY


def test_refresh_devices_puts_each_firewall_in_its_device_group(pano):
    found = pano.refresh_devices()
    groups = {dg.name: dg for dg in found if isinstance(dg, DeviceGroup)}
    assert set(groups) == set(HIERARCHY)
    members = {name: sorted(fw.serial for fw in dg.children) for name, dg in groups.items()}
    assert members == {"branches": [], "branch-ams": [AMS], "branch-lon": [LON], "dc": [DC_A, DC_B]}
    by_serial = {fw.serial: fw for dg in groups.values() for fw in dg.children}
    assert by_serial[LON].state.connected is False
    assert all(by_serial[s].state.connected for s in (AMS, DC_A, DC_B))
    assert by_serial[AMS].version == "11.1.4-h7" and by_serial[LON].version == "10.2.10-h2"
    assert by_serial[AMS].state.shared_policy_synced is True


def test_show_devices_tells_the_ha_pair(pano):
    # pan-os-python 1.13.1 looks for the peer at ha/state/peer/serial, where
    # PAN-OS does not put it (its PR #562); the worker reads the XML itself.
    devices = pano.op("show devices all").find("result/devices")
    ha = {e.get("name"): (e.findtext("ha/state"), e.findtext("ha/peer/serial")) for e in devices}
    assert ha[DC_A] == ("active", DC_B) and ha[DC_B] == ("passive", DC_A)
    assert ha[AMS] == (None, None)
    hostnames = {e.get("name"): e.findtext("hostname") for e in devices}
    assert hostnames == {AMS: "fw-ams-01", LON: "fw-lon-01", DC_A: "fw-dc-01a", DC_B: "fw-dc-01b"}


def test_firewall_system_info_through_panorama(pano):
    info = firewall(pano, AMS).show_system_info()["system"]
    assert {k: info[k] for k in ("hostname", "serial", "ip-address", "model", "sw-version")} == {
        "hostname": "fw-ams-01",
        "serial": AMS,
        "ip-address": "10.20.0.11",
        "model": "PA-440",
        "sw-version": "11.1.4-h7",
    }
    with pytest.raises(PanDeviceXapiError, match="not connected"):
        firewall(pano, LON).show_system_info()


def rules(rulebase):
    return {r.name: (r.source, r.destination, r.service, r.application, r.action) for r in SecurityRule.refreshall(rulebase)}


def test_security_rules_of_shared_a_device_group_and_a_firewall(pano):
    assert list(rules(pano.add(PreRulebase()))) == ["block-blocklist"]
    assert list(rules(pano.add(PostRulebase()))) == ["deny-to-blocklist"]
    dg = pano.add(DeviceGroup("branch-ams"))
    assert rules(dg.add(PreRulebase())) == {
        "ams-users-to-web": (
            ["ams-users"],
            ["ams-web-servers"],
            ["service-http", "service-https"],
            ["web-browsing", "ssl"],
            "allow",
        ),
        "ams-admin-ssh": (["ams-users"], ["ams-web-servers"], ["tcp-ssh"], ["ssh"], "allow"),
    }
    assert rules(dg.add(PostRulebase())) == {
        "ams-deny-web-8443": (["any"], ["ams-web-servers"], ["tcp-8443"], ["any"], "deny")
    }
    assert rules(pano.add(DeviceGroup("branches")).add(PostRulebase())) == {}
    assert list(rules(firewall(pano, DC_A).add(Rulebase()))) == ["local-mgmt-ntp"]
    assert rules(firewall(pano, AMS).add(Rulebase())) == {}


def test_addresses_and_services_of_shared_and_a_device_group(pano):
    shared = {a.name: (a.type, a.value) for a in AddressObject.refreshall(pano)}
    assert shared["dns-google"] == ("ip-netmask", "8.8.8.8/32")
    assert shared["blocklist-range"] == ("ip-range", "203.0.113.10-203.0.113.50")
    dg = pano.add(DeviceGroup("branch-ams"))
    assert {a.name: a.value for a in AddressObject.refreshall(dg)} == {
        "ams-users": "10.20.10.0/24",
        "ams-web-01": "10.20.50.10/32",
        "ams-web-02": "10.20.50.11/32",
    }
    assert {g.name: g.static_value for g in AddressGroup.refreshall(dg)} == {
        "ams-web-servers": ["ams-web-01", "ams-web-02"]
    }
    services = {s.name: (s.protocol, s.destination_port) for s in ServiceObject.refreshall(pano)}
    assert services["tcp-8443"] == ("tcp", "8443") and services["udp-dns"] == ("udp", "53")
    assert {g.name: g.value for g in ServiceGroup.refreshall(pano)} == {"dns": ["udp-dns", "tcp-dns"]}
    names = pano.xapi.get(
        "/config/devices/entry[@name='localhost.localdomain']/device-group/entry/@name"
    ).findall("result/entry")
    assert [e.get("name") for e in names] == list(HIERARCHY)


@pytest.mark.parametrize(
    "serial, source, destination, protocol, port, expected",
    [
        (AMS, "10.20.10.25", "10.20.50.10", 6, 443, [("ams-users-to-web", "allow")]),
        (AMS, "10.20.10.25", "10.20.50.11", 6, 22, [("ams-admin-ssh", "allow")]),
        (AMS, "10.20.10.25", "10.20.50.11", 6, 8443, [("ams-deny-web-8443", "deny")]),
        (AMS, "203.0.113.20", "10.20.50.10", 6, 443, [("block-blocklist", "deny")]),
        (AMS, "10.20.10.25", "8.8.8.8", 17, 53, [("branches-dns-out", "allow")]),
        (AMS, "10.20.10.25", "203.0.113.11", 6, 80, [("deny-to-blocklist", "deny")]),
        (AMS, "10.20.10.25", "198.51.100.7", 6, 443, []),
        (DC_A, "10.40.0.100", "10.40.20.5", 6, 5432, [("dc-app-to-db", "allow")]),
        (DC_A, "10.20.10.25", "10.40.20.5", 6, 5432, [("dc-deny-branches-to-db", "deny")]),
    ],
)
def test_security_policy_match_on_a_firewall(pano, serial, source, destination, protocol, port, expected):
    found = firewall(pano, serial).test_security_policy_match(source, destination, protocol, port=port)
    assert [(r["name"], r["action"]) for r in found] == expected
    assert all(r["index"] >= 1 for r in found)


def test_software_check_download_and_install_run_as_jobs(pano):
    pano.software.check()
    assert pano.version == "11.1.4-h7"
    assert list(pano.software.versions)[0] == "11.2.4"
    fw = firewall(pano, DC_B)
    fw.software.check()
    assert fw.software.versions["11.1.6"]["downloaded"] is False
    assert fw.software.versions["11.1.4-h7"]["current"] is True
    with pytest.raises(PanDeviceXapiError, match="not downloaded"):
        fw.software.install("11.1.6")
    download = fw.software.download("11.1.6", sync=True)
    assert download["success"] and download["result"] == "OK"
    fw.software.check()
    assert fw.software.versions["11.1.6"]["downloaded"] is True
    install = fw.software.install("11.1.6", sync=True)
    assert install["success"], install
    assert "Please reboot" in install["messages"][0]


def test_the_reader_reads_but_is_refused_changes(base_url):
    reader = connect(base_url, READER)
    assert [dg.name for dg in DeviceGroup.refreshall(reader)] == list(HIERARCHY)
    fw = firewall(reader, AMS)
    assert fw.show_system_info()["system"]["hostname"] == "fw-ams-01"
    with pytest.raises(PanDeviceXapiError, match="Insufficient admin access rights"):
        reader.add(AddressObject("reader-was-here", "192.0.2.1")).create()
    with pytest.raises(PanDeviceXapiError, match="Insufficient admin access rights"):
        reader.commit()
    with pytest.raises(PanDeviceXapiError, match="Insufficient admin access rights"):
        fw.software.download("11.2.4")
    with pytest.raises(PanDeviceXapiError, match="Insufficient admin access rights"):
        fw.software.install("11.1.6")


def test_the_admin_changes_and_commits(pano):
    pano.add(AddressObject("chatops-test", "192.0.2.55/32", description="set by the test")).create()
    found = {a.name: a.value for a in AddressObject.refreshall(pano)}
    assert found["chatops-test"] == "192.0.2.55/32"
    job = pano.commit(sync=True)
    assert job["success"], job
    assert pano.commit() is None  # nothing left to commit


def test_an_unknown_command_is_refused(pano):
    with pytest.raises(PanDeviceXapiError, match="is unexpected"):
        pano.op("show no-such-thing")


def test_a_firewall_lists_its_interfaces(pano):
    found = firewall(pano, AMS).op('show interface "all"').findall("result/ifnet/entry")
    assert [(e.findtext("name"), e.findtext("zone")) for e in found] == [
        ("ethernet1/1", "untrust"),
        ("ethernet1/2", "trust"),
        ("ethernet1/3", "dmz"),
    ]


def test_a_packet_capture_is_exported_as_a_pcap(pano):
    fw = firewall(pano, AMS)
    diag = "<debug><dataplane><packet-diag>{}</packet-diag></dataplane></debug>"
    for step in (
        "<clear><all/></clear>",
        "<set><filter><index><entry name='1'><match><ingress-interface>ethernet1/1</ingress-interface>"
        "<source>10.20.10.25</source><destination>10.20.50.10</destination><protocol>6</protocol>"
        "<destination-port>443</destination-port></match></entry></index></filter></set>",
        "<set><filter>on</filter></set>",
        "<set><capture><stage><entry name='receive'><file>chatops.pcap</file><byte-count>1024</byte-count>"
        "</entry></stage></capture></set>",
        "<set><capture>on</capture></set>",
        "<set><capture>off</capture></set>",
        "<set><filter>off</filter></set>",
    ):
        fw.op(diag.format(step), cmd_xml=False)
    setting = fw.op(diag.format("<show><setting/></show>"), cmd_xml=False).findtext("result")
    assert "Index 1: ingress-interface ethernet1/1" in setting
    # pan-python's export() leaves `target` out; through Panorama it is asked for.
    fw.xapi.export(category="filters-pcap", from_name="chatops.pcap", extra_qs={"target": AMS})
    exported = fw.xapi.export_result
    assert exported["file"] == "chatops.pcap"
    pcap = exported["content"]
    magic, major, minor, _, _, snaplen, linktype = struct.unpack("<IHHiIII", pcap[:24])
    assert (magic, major, minor, snaplen, linktype) == (0xA1B2C3D4, 2, 4, 1024, 1)
    packets, at = [], 24
    while at < len(pcap):
        _, _, kept, length = struct.unpack("<IIII", pcap[at : at + 16])
        packets.append(pcap[at + 16 : at + 16 + kept])
        at += 16 + kept
    assert at == len(pcap) and len(packets) == 3
    first = packets[0]
    assert first[12:14] == b"\x08\x00" and first[23] == 6  # IPv4, TCP
    assert (bytes(first[26:30]), bytes(first[30:34])) == (bytes([10, 20, 10, 25]), bytes([10, 20, 50, 10]))
    assert struct.unpack(">H", first[36:38])[0] == 443
    with pytest.raises(PanDeviceXapiError, match="not found"):
        fw.xapi.export(category="filters-pcap", from_name="never.pcap", extra_qs={"target": AMS})
