"""The fake Cisco APIC of testkit (`fake-apic`), checked against APIC's documented REST API.

The rule for the backend fakes is to drive each with the vendor's own Python
SDK. For ACI that is `acitoolkit`, whose last PyPI release (0.4, 2017) does
not run on Python 3.11: it installs, but importing it fails, first on `six`,
which it uses without declaring it, and then, with `six` installed, on
`from collections import Sequence` (in `acitoolkit/acitoolkit.py`), an alias
Python 3.10 removed. Cisco's other SDK, Cobra (`acicobra`), is not on PyPI:
each APIC serves its own wheels. So this test speaks to the fake as the original Nautobot ChatOps `aci` commands do,
with `requests` and the very URLs of their `aci.py` (and so as a worker will),
and holds every answer to APIC's documented JSON with `jsonschema`: the
`{"totalCount": "N", "imdata": [{<class>: {"attributes": {...}, "children":
[...]}}]}` envelope with every attribute a string, each class with the
attributes the commands read, APIC's `error` object, and the login flow
(`aaaLogin` sets the `APIC-cookie` cookie that a `requests.Session` then
sends; `aaaRefresh` renews it).

    cargo build -p chatops-tests --bin fake-apic
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_apic_fake.py -q
"""

import fake_backend
import jsonschema
import pytest
import requests

# The users and seeds of testkit/src/fake_apic/.
ADMIN = ("admin", "Apic-Admin-7f3a9c")
READER = ("chatops-ro", "Apic-Reader-2b8e4d")
PENDING_LEAF = "FDO24421PQR"
PENDING_SPINE = "FDO24430STU"

# The attributes the original commands read, per class: each must be there.
READ = {
    "fvTenant": ["name"],
    "fvAp": ["name"],
    "fvAEPg": ["name"],
    "fvRsBd": ["tnFvBDName"],
    "fvSubnet": ["ip", "scope"],
    "fvRsCons": ["tnVzBrCPName"],
    "fvRsProv": ["tnVzBrCPName"],
    "fvRsDomAtt": ["tDn"],
    "physDomP": ["name"],
    "fvRsPathAtt": ["tDn", "encap"],
    "fabricPathEpCont": ["nodeId"],
    "fabricPathEp": ["name", "pathT"],
    "fabricProtPathEpCont": ["nodeAId", "nodeBId"],
    "infraRtAccBaseGrp": ["tDn"],
    "infraPortBlk": ["toCard", "toPort"],
    "vzSubj": [],
    "vzRsSubjFiltAtt": ["tDn", "action"],
    "vzEntry": ["name", "dToPort", "etherT", "prot"],
    "fvCtx": ["name"],
    "fvBD": ["name", "descr", "unicastRoute", "mac", "unkMacUcastAct"],
    "fvRsCtx": ["tnFvCtxName"],
    "fabricNode": ["id", "name", "model", "role", "serial", "address", "fabricSt"],
    "topSystem": ["id", "podId", "oobMgmtAddr", "systemUpTime"],
    "dhcpClient": ["id", "fabricId", "nodeId", "model", "nodeRole", "supported"],
    "l1PhysIf": ["id", "descr", "speed", "bw", "usage", "layer", "mode", "switchingSt"],
    "ethpmPhysIf": ["operSt", "operStQual"],
}


def managed_object(cls, required):
    return {
        "type": "object",
        "required": [cls],
        "additionalProperties": False,
        "properties": {
            cls: {
                "type": "object",
                "required": ["attributes"],
                "additionalProperties": False,
                "properties": {
                    "attributes": {
                        "type": "object",
                        "required": ["dn", *required],
                        "additionalProperties": {"type": "string"},
                    },
                    "children": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/mo"}},
                },
            }
        },
    }


# APIC's answer to a query: the count as text, and objects of the known classes.
ANSWER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["totalCount", "imdata"],
    "additionalProperties": False,
    "properties": {
        "totalCount": {"type": "string", "pattern": "^[0-9]+$"},
        "imdata": {"type": "array", "items": {"$ref": "#/$defs/mo"}},
    },
    "$defs": {"mo": {"oneOf": [managed_object(cls, required) for cls, required in READ.items()]}},
}

# APIC's error answer.
ERROR = {
    "type": "object",
    "required": ["totalCount", "imdata"],
    "properties": {
        "totalCount": {"const": "1"},
        "imdata": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["attributes"],
                        "properties": {
                            "attributes": {
                                "type": "object",
                                "required": ["code", "text"],
                                "properties": {"code": {"type": "string"}, "text": {"type": "string"}},
                            }
                        },
                    }
                },
            },
        },
    },
}

# The answer to aaaLogin and aaaRefresh.
LOGIN = {
    "type": "object",
    "required": ["totalCount", "imdata"],
    "properties": {
        "imdata": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["aaaLogin"],
                "properties": {
                    "aaaLogin": {
                        "type": "object",
                        "required": ["attributes"],
                        "properties": {
                            "attributes": {
                                "type": "object",
                                "required": ["token", "refreshTimeoutSeconds", "userName", "version"],
                                "properties": {"refreshTimeoutSeconds": {"type": "string", "pattern": "^[0-9]+$"}},
                                "additionalProperties": {"type": "string"},
                            }
                        },
                    }
                },
            },
        }
    },
}


class Apic:
    """The original's `NautobotPluginChatopsAci`, in short: a `requests` session
    that logs in once and keeps the cookie, and `get` that checks the answer."""

    def __init__(self, base_url, user=ADMIN):
        self.base_url = base_url
        self.http = requests.Session()
        self.login = self.http.post(
            f"{base_url}/api/aaaLogin.json",
            json={"aaaUser": {"attributes": {"name": user[0], "pwd": user[1]}}},
            timeout=5,
        )

    def get(self, uri):
        resp = self.http.get(self.base_url + uri, timeout=5)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        jsonschema.validate(body, ANSWER)
        return body

    def imdata(self, uri):
        return self.get(uri)["imdata"]

    def post(self, uri, data):
        return self.http.post(self.base_url + uri, json=data, timeout=5)


def attrs(item):
    ((_, body),) = item.items()
    return body["attributes"]


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("apic") as url:
        yield url


@pytest.fixture(scope="module")
def apic(base_url):
    return Apic(base_url)


def test_login_sets_the_cookie_and_refresh_renews_it(base_url):
    apic = Apic(base_url)
    assert apic.login.status_code == 200
    body = apic.login.json()
    jsonschema.validate(body, LOGIN)
    token = body["imdata"][0]["aaaLogin"]["attributes"]["token"]
    assert apic.http.cookies.get("APIC-cookie") == token
    assert body["imdata"][0]["aaaLogin"]["attributes"]["refreshTimeoutSeconds"] == "600"
    refreshed = apic.http.get(f"{base_url}/api/aaaRefresh.json", timeout=5)
    jsonschema.validate(refreshed.json(), LOGIN)
    new = refreshed.json()["imdata"][0]["aaaLogin"]["attributes"]["token"]
    assert new != token and apic.http.cookies.get("APIC-cookie") == new
    assert len(apic.imdata("/api/node/class/fvTenant.json")) == 5


def test_refusals_are_apic_errors(base_url):
    wrong = Apic(base_url, user=("admin", "wrong"))
    assert wrong.login.status_code == 401
    jsonschema.validate(wrong.login.json(), ERROR)
    assert wrong.login.json()["imdata"][0]["error"]["attributes"]["code"] == "401"
    anonymous = requests.get(f"{base_url}/api/node/class/fvTenant.json", timeout=5)
    assert anonymous.status_code == 403
    jsonschema.validate(anonymous.json(), ERROR)
    assert "APIC-Cookie" in anonymous.json()["imdata"][0]["error"]["attributes"]["text"]
    forged = requests.get(
        f"{base_url}/api/node/class/fvTenant.json", cookies={"APIC-cookie": "forged"}, timeout=5
    )
    assert forged.status_code == 403
    assert forged.json()["imdata"][0]["error"]["attributes"]["text"].startswith("Token was invalid")
    unknown = Apic(base_url).http.get(f"{base_url}/api/node/class/fvNothing.json", timeout=5)
    assert unknown.status_code == 400
    jsonschema.validate(unknown.json(), ERROR)


def test_tenants_aps_epgs_vrfs_as_the_original_asks(apic):
    tenants = [attrs(d)["name"] for d in apic.imdata("/api/node/class/fvTenant.json")]
    assert tenants == ["acme-dev", "acme-prod", "common", "infra", "mgmt"]
    aps = apic.imdata("/api/node/mo/uni/tn-acme-prod.json?query-target=children&target-subtree-class=fvAp")
    assert [attrs(d)["name"] for d in aps] == ["ecommerce", "monitoring"]
    epgs = apic.imdata("/api/node/mo/uni/tn-acme-prod/ap-ecommerce.json?query-target=children&target-subtree-class=fvAEPg")
    assert [attrs(d)["name"] for d in epgs] == ["app", "db", "web"]
    every_epg = [attrs(d)["dn"] for d in apic.imdata("/api/node/class/fvAEPg.json")]
    assert "uni/tn-infra/ap-access/epg-default" in every_epg and len(every_epg) == 6
    vrfs = apic.imdata("/api/node/class/fvCtx.json")
    assert sorted(attrs(d)["name"] for d in vrfs) == ["default", "dev-vrf", "inb", "oob", "overlay-1", "prod-vrf"]


def test_bds_with_their_vrf_and_subnets(apic):
    bds = apic.imdata("/api/node/mo/uni/tn-acme-prod.json?query-target=children&target-subtree-class=fvBD")
    assert [attrs(d)["name"] for d in bds] == ["app-bd", "db-bd", "mon-bd", "web-bd"]
    assert attrs(bds[3])["descr"] == "Web tier" and attrs(bds[3])["unicastRoute"] == "yes"
    vrf = apic.imdata("/api/node/mo/uni/tn-acme-prod/BD-db-bd.json?query-target=children&target-subtree-class=fvRsCtx")
    assert [attrs(d)["tnFvCtxName"] for d in vrf] == ["prod-vrf"]
    subnets = apic.get("/api/node/mo/uni/tn-acme-prod/BD-db-bd.json?query-target=children&target-subtree-class=fvSubnet")
    assert subnets["totalCount"] == "2"
    assert [(attrs(d)["ip"], attrs(d)["scope"]) for d in subnets["imdata"]] == [
        ("10.10.30.1/24", "private"),
        ("10.10.31.1/24", "private"),
    ]


def contract_filters(apic, tenant, contract):
    """The original's `get_contract_filters`, query for query."""
    found = []
    subjects = apic.imdata(f"/api/node/mo/uni/tn-{tenant}/brc-{contract}.json?query-target=subtree&target-subtree-class=vzSubj")
    for subject in subjects:
        rels = apic.imdata(f"/api/node/mo/{attrs(subject)['dn']}.json?query-target=subtree&target-subtree-class=vzRsSubjFiltAtt")
        for rel in rels:
            entries = apic.imdata(f"/api/node/mo/{attrs(rel)['tDn']}.json?query-target=subtree&target-subtree-class=vzEntry")
            found += [(attrs(e)["name"], attrs(e)["prot"], attrs(e)["dToPort"], attrs(rel)["action"]) for e in entries]
    return found


def test_epg_details_as_the_original_gathers_them(apic):
    children = apic.imdata("/api/node/mo/uni/tn-acme-prod/ap-ecommerce/epg-web.json?query-target=children")
    kinds = {next(iter(c)): attrs(c) for c in children}
    assert kinds["fvRsBd"]["tnFvBDName"] == "web-bd"
    assert kinds["fvRsProv"]["tnVzBrCPName"] == "web"
    assert kinds["fvRsCons"]["tnVzBrCPName"] == "web-to-app"
    assert contract_filters(apic, "acme-prod", "web-to-app") == [
        ("tcp-8080", "tcp", "8080", "permit"),
        ("icmp", "icmp", "unspecified", "permit"),
    ]
    domain = apic.imdata(f"/api/node/mo/{kinds['fvRsDomAtt']['tDn']}.json")
    assert attrs(domain[0])["name"] == "acme-phys"
    # A static path on one port: its node, then its interface.
    path = apic.imdata(
        "/api/node/mo/uni/tn-acme-prod/ap-ecommerce/epg-web.json?query-target=subtree&target-subtree-class=fvRsPathAtt"
    )
    tdn = attrs(path[0])["tDn"]
    assert (tdn, attrs(path[0])["encap"]) == ("topology/pod-1/paths-101/pathep-[eth1/10]", "vlan-110")
    assert apic.imdata("/api/node/mo/topology/pod-1/paths-101.json")[0]["fabricPathEpCont"]["attributes"]["nodeId"] == "101"
    assert attrs(apic.imdata(f"/api/node/mo/{tdn}.json")[0])["name"] == "eth1/10"


def test_a_vpc_static_path_leads_to_both_leafs_interfaces(apic):
    path = apic.imdata("/api/node/mo/uni/tn-acme-prod/ap-ecommerce/epg-db.json?query-target=subtree&target-subtree-class=fvRsPathAtt")
    tdn = attrs(path[0])["tDn"]
    pair = attrs(apic.imdata("/api/node/mo/topology/pod-1/protpaths-101-102.json")[0])
    assert (pair["nodeAId"], pair["nodeBId"]) == ("101", "102")
    group = attrs(apic.imdata(f"/api/node/mo/{tdn}.json")[0])["name"]
    bases = apic.imdata(f"/api/node/mo/uni/infra/funcprof/accbundle-{group}.json?query-target=subtree&target-subtree-class=infraRtAccBaseGrp")
    ports = []
    for base in bases:
        blocks = apic.imdata(f"/api/node/mo/{attrs(base)['tDn']}.json?query-target=subtree&target-subtree-class=infraPortBlk")
        ports += [f"{attrs(b)['toCard']}/{attrs(b)['toPort']}" for b in blocks]
    assert ports == ["1/20", "1/20"]


def nodes(apic, op):
    """The original's `get_nodes` (op `ne`) and `get_controllers` (op `eq`)."""
    found = {}
    for node in apic.imdata(f'/api/class/fabricNode.json?query-target-filter={op}(fabricNode.role,"controller")'):
        a = attrs(node)
        if op == "eq" or a["fabricSt"] == "active":
            found[a["id"]] = {"name": a["name"], "role": a["role"], "serial": a["serial"]}
    for system in apic.imdata(f'/api/class/topSystem.json?query-target-filter={op}(topSystem.role,"controller")'):
        a = attrs(system)
        found[a["id"]].update(pod=a["podId"], oob_ip=a["oobMgmtAddr"], uptime=a["systemUpTime"])
    return found


PENDING = (
    "/api/node/class/dhcpClient.json?query-target-filter"
    '=and(not(wcard(dhcpClient.dn,"__ui_")),and(or(eq(dhcpClient.ip,"0.0.0.0")),'
    'or(eq(dhcpClient.nodeRole,"spine"),eq(dhcpClient.nodeRole,"leaf"),eq(dhcpClient.nodeRole,"unsupported"))))'
)


def test_nodes_controllers_and_pending_nodes(apic):
    fabric = nodes(apic, "ne")
    assert sorted(fabric) == ["101", "102", "103", "201", "202"], "the inactive leaf 104 is left out"
    assert fabric["201"]["role"] == "spine" and fabric["101"]["oob_ip"] == "192.168.10.101"
    controllers = nodes(apic, "eq")
    assert [c["name"] for c in controllers.values()] == ["apic1", "apic2", "apic3"]
    pending = {attrs(c)["id"]: attrs(c) for c in apic.imdata(PENDING)}
    assert sorted(pending) == [PENDING_LEAF, PENDING_SPINE]
    assert (pending[PENDING_SPINE]["nodeRole"], pending[PENDING_SPINE]["nodeId"]) == ("spine", "0")


def test_interfaces_all_and_by_state(apic):
    base = "/api/node/class/topology/pod-1/node-101/l1PhysIf.json?rsp-subtree=children&rsp-subtree-class=ethpmPhysIf"
    every = apic.imdata(f"{base}&order-by=l1PhysIf.id")
    assert [attrs(i)["id"] for i in every][:3] == ["eth1/1", "eth1/2", "eth1/3"]
    assert len(every) == 10 and all("children" in i["l1PhysIf"] for i in every)
    down = apic.imdata(f'{base}&rsp-subtree-filter=eq(ethpmPhysIf.operSt,"down")&order-by=l1PhysIf.id')
    shown = {
        attrs(i)["id"]: attrs(i["l1PhysIf"]["children"][0])["operStQual"] for i in down if "children" in i["l1PhysIf"]
    }
    assert shown == {"eth1/5": "sfp-missing", "eth1/6": "sfp-missing", "eth1/7": "admin-down"}


def test_pages_count_everything(apic):
    first = apic.get("/api/node/class/l1PhysIf.json?page=0&page-size=15")
    last = apic.get("/api/node/class/l1PhysIf.json?page=2&page-size=15")
    assert (first["totalCount"], len(first["imdata"]), len(last["imdata"])) == ("38", 15, 8)


def register(apic, serial, node_id, name):
    """The original's `register_node`."""
    payload = {
        "fabricNodeIdentP": {
            "attributes": {
                "dn": f"uni/controller/nodeidentpol/nodep-{serial}",
                "serial": serial,
                "nodeId": node_id,
                "name": name,
            }
        }
    }
    return apic.post("/api/node/mo/uni/controller/nodeidentpol.json", payload)


def test_registration_moves_a_switch_from_pending_into_the_fabric():
    # A fake of its own: registration changes what the other tests read.
    with fake_backend.serve("apic") as url:
        reader = Apic(url, user=READER)
        refused = register(reader, PENDING_LEAF, "105", "leaf-105")
        assert refused.status_code == 403
        jsonschema.validate(refused.json(), ERROR)
        admin = Apic(url)
        taken = register(admin, PENDING_LEAF, "101", "leaf-105")
        assert taken.status_code == 400 and "already assigned" in taken.json()["imdata"][0]["error"]["attributes"]["text"]
        assert register(admin, PENDING_LEAF, "7", "leaf-105").status_code == 400
        done = register(admin, PENDING_LEAF, "105", "leaf-105")
        assert done.status_code == 200 and done.json() == {"totalCount": "0", "imdata": []}
        assert [attrs(c)["id"] for c in admin.imdata(PENDING)] == [PENDING_SPINE]
        assert nodes(admin, "ne")["105"]["name"] == "leaf-105"
