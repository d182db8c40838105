"""The fake Grafana of testkit (`fake-grafana`), read by Grafana's own Python SDK.

grafana-client is the client the Grafana community maintains (grafana-toolbox,
formerly panodata); if it reads the fake's search, dashboards, health and
errors as it reads a real Grafana's, the fake speaks Grafana's protocol and not
only ours. The renderer is fetched through the SDK's own session with the
same token, and the PNG is checked by its IHDR, CRCs and zlib stream.

    cargo build -p chatops-tests --bin fake-grafana
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r tests/python/requirements.txt
    /tmp/venv/bin/pytest tests/python/test_grafana_fake.py -q
"""

import struct
import zlib

import fake_backend
import pytest
from grafana_client import GrafanaApi, TokenAuth
from grafana_client.client import (
    GrafanaClientError,
    GrafanaUnauthorizedError,
)


# The credentials seeded in testkit/src/fake_grafana.rs.
ADMIN_TOKEN = "glsa_FakeAdminChatOps00000000000000_5e1f9c2a"
VIEWER_TOKEN = "glsa_FakeViewerChatOps0000000000000_0b7d3e41"
ADMIN = ("admin", "admin-secret")

INTERFACE_TRAFFIC = "net-if-traffic"
BGP_SESSIONS = "net-bgp-sessions"
FIREWALL_DROPS = "sec-fw-drops"


@pytest.fixture(scope="module")
def base_url():
    with fake_backend.serve("grafana") as url:
        yield url


def api(base_url, token=VIEWER_TOKEN):
    """The SDK on the fake with a service account token (none when `token` is None)."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    auth = TokenAuth(token) if token else None
    return GrafanaApi(auth=auth, host=host, port=int(port), protocol="http", timeout=5)


def test_health_and_the_build_info(base_url):
    # /api/health answers without credentials, as Grafana's does.
    assert api(base_url, None).client.GET("/health") == {
        "commit": "fake0chatops",
        "database": "ok",
        "version": "11.3.0",
    }
    # The SDK's health check reads the build info, which needs credentials.
    grafana = api(base_url)
    assert grafana.connect()["version"] == "11.3.0"
    assert grafana.version == "11.3.0"
    assert grafana.health.check()["edition"] == "Open Source"
    with pytest.raises(GrafanaUnauthorizedError):
        GrafanaApi.from_url(base_url).health.check()


def test_search_lists_the_dashboards_the_token_may_read(base_url):
    viewer = api(base_url).search.search_dashboards(type_="dash-db")
    assert [d["title"] for d in viewer] == ["BGP sessions", "Interface traffic"]
    assert {d["uid"] for d in viewer} == {BGP_SESSIONS, INTERFACE_TRAFFIC}
    assert all(d["type"] == "dash-db" and d["folderTitle"] == "Network" for d in viewer)
    assert viewer[1]["url"] == "/d/net-if-traffic/interface-traffic"

    admin = api(base_url, ADMIN_TOKEN).search.search_dashboards(type_="dash-db")
    assert [d["title"] for d in admin] == ["BGP sessions", "Firewall drops", "Interface traffic"]
    # Without a type, folders come first, then the dashboards.
    everything = api(base_url, ADMIN_TOKEN).search.search_dashboards()
    assert [d["type"] for d in everything] == ["dash-folder"] * 2 + ["dash-db"] * 3


def test_search_filters_and_pages_as_grafana(base_url):
    grafana = api(base_url)
    assert [d["uid"] for d in grafana.search.search_dashboards(query="traffic", type_="dash-db")] == [
        INTERFACE_TRAFFIC
    ]
    assert [d["uid"] for d in grafana.search.search_dashboards(tag="bgp")] == [BGP_SESSIONS]
    assert [d["uid"] for d in grafana.search.search_dashboards(dashboard_uids=[BGP_SESSIONS, FIREWALL_DROPS])] == [
        BGP_SESSIONS
    ]
    assert grafana.search.search_dashboards(query="nothing like it") == []
    # limit and the 1-based page, through the SDK's client (search_dashboards has no page).
    pages = [
        grafana.client.GET("/search", params={"type": "dash-db", "limit": 1, "page": page}) for page in (1, 2, 3)
    ]
    assert [[d["uid"] for d in p] for p in pages] == [[BGP_SESSIONS], [INTERFACE_TRAFFIC], []]


def test_the_dashboard_gives_its_panels_and_variables(base_url):
    found = api(base_url).dashboard.get_dashboard(INTERFACE_TRAFFIC)
    dashboard, meta = found["dashboard"], found["meta"]
    assert dashboard["uid"] == INTERFACE_TRAFFIC and dashboard["title"] == "Interface traffic"
    assert meta["slug"] == "interface-traffic"
    assert meta["url"] == "/d/net-if-traffic/interface-traffic"
    assert meta["folderUid"] == "network" and meta["canEdit"] is False
    assert [(p["id"], p["title"], p["type"]) for p in dashboard["panels"]] == [
        (1, "Traffic in / out", "timeseries"),
        (2, "Errors and discards", "timeseries"),
        (3, "Utilisation", "gauge"),
    ]
    device, interface = dashboard["templating"]["list"]
    assert device["name"] == "device" and device["type"] == "custom"
    assert device["current"]["value"] == "nyc-rtr-01"
    assert [o["value"] for o in device["options"]] == ["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"]
    assert device["query"] == "nyc-rtr-01,nyc-rtr-02,ams-sw-01"
    assert interface["name"] == "interface" and interface["type"] == "query"
    assert interface["current"]["value"] == "Ethernet1" and interface["options"] == []
    assert "label_values" in interface["query"]["query"]

    bgp = api(base_url).dashboard.get_dashboard(BGP_SESSIONS)["dashboard"]
    row = bgp["panels"][2]
    assert row["type"] == "row" and row["collapsed"] is True
    assert [(p["id"], p["title"]) for p in row["panels"]] == [(4, "Session state")]
    assert [v["name"] for v in bgp["templating"]["list"]] == ["device", "afi"]


def test_missing_and_wrong_credentials_raise_unauthorized(base_url):
    host_port = base_url.removeprefix("http://")
    anonymous = GrafanaApi.from_url(base_url)
    with pytest.raises(GrafanaUnauthorizedError) as missing:
        anonymous.search.search_dashboards()
    assert missing.value.status_code == 401
    assert missing.value.response["message"] == "Unauthorized"
    assert missing.value.response["messageId"] == "auth.unauthorized"

    with pytest.raises(GrafanaUnauthorizedError) as wrong:
        api(base_url, "glsa_NotAToken_00000000").dashboard.get_dashboard(INTERFACE_TRAFFIC)
    assert wrong.value.response == {
        "extra": None,
        "message": "Invalid API key",
        "messageId": "api-key.invalid",
        "statusCode": 401,
        "traceID": "",
    }

    with pytest.raises(GrafanaUnauthorizedError) as password:
        GrafanaApi.from_url(f"http://admin:wrong@{host_port}").user.get_actual_user()
    assert password.value.response["messageId"] == "password-auth.failed"


def test_basic_credentials_read_everything(base_url):
    grafana = GrafanaApi.from_url(base_url, credential=ADMIN)
    assert grafana.user.get_actual_user()["login"] == "admin"
    assert grafana.organization.get_current_organization()["name"] == "Main Org."
    assert grafana.dashboard.get_dashboard(FIREWALL_DROPS)["meta"]["folderTitle"] == "Security"


def test_a_folder_the_token_may_not_read_is_forbidden_and_a_missing_uid_not_found(base_url):
    with pytest.raises(GrafanaClientError) as forbidden:
        api(base_url).dashboard.get_dashboard(FIREWALL_DROPS)
    assert forbidden.value.status_code == 403
    assert not isinstance(forbidden.value, GrafanaUnauthorizedError)
    assert forbidden.value.response["title"] == "Access denied"
    assert "dashboards:read" in forbidden.value.response["message"]
    # The admin token reads it.
    assert api(base_url, ADMIN_TOKEN).dashboard.get_dashboard(FIREWALL_DROPS)["dashboard"]["title"] == "Firewall drops"

    with pytest.raises(GrafanaClientError) as missing:
        api(base_url).dashboard.get_dashboard("no-such-uid")
    assert missing.value.status_code == 404
    assert missing.value.response == {"message": "Dashboard not found"}


def png_chunks(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind}"
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def render(base_url, token, path, **params):
    """A GET on the renderer through the SDK's own session and auth."""
    grafana = api(base_url, token)
    return grafana.client.s.get(
        f"{base_url}{path}", params=params, auth=grafana.client.auth, allow_redirects=False, timeout=5
    )


def decoded(response):
    chunks = png_chunks(response.content)
    assert [k for k, _ in chunks][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert (depth, colour) == (8, 2)
    assert len(pixels) == height * (1 + 3 * width)
    return width, height, pixels


def test_the_renderer_answers_a_png_of_the_asked_size(base_url):
    path = f"/render/d-solo/{INTERFACE_TRAFFIC}/interface-traffic"
    common = {"orgId": 1, "from": "now-6h", "to": "now", "tz": "Europe/Paris", "theme": "dark"}

    def traffic_of(device):
        variables = {"var-device": device, "var-interface": "Ethernet1"}
        return render(base_url, VIEWER_TOKEN, path, panelId=1, width=320, height=180, **variables, **common)

    response = traffic_of("nyc-rtr-01")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    width, height, first = decoded(response)
    assert (width, height) == (320, 180)

    other = traffic_of("ams-sw-01")
    assert decoded(other)[2] != first, "other variable values draw another graph"

    # Grafana's defaults, 800×400.
    assert decoded(render(base_url, VIEWER_TOKEN, path, panelId=2))[:2] == (800, 400)

    # A panel the dashboard lacks: the renderer still answers 200 with an
    # image (its "Panel with id … not found"), here the bare background.
    width, height, blank = decoded(render(base_url, VIEWER_TOKEN, path, panelId=99, width=64, height=32))
    assert (width, height) == (64, 32)
    assert len(set(blank[1:193])) == 3 and len(set(blank)) <= 4, "only the background (and filter bytes)"


def test_the_renderer_sends_the_unauthenticated_to_the_login_page(base_url):
    path = f"/render/d-solo/{INTERFACE_TRAFFIC}/interface-traffic"
    for token in (None, "glsa_NotAToken_00000000"):
        grafana = api(base_url, token)
        response = grafana.client.s.get(
            f"{base_url}{path}", params={"panelId": 1}, auth=grafana.client.auth, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302
        assert response.headers["location"] == "/login"


def test_the_renderer_draws_only_what_the_token_may_read(base_url):
    path = f"/render/d-solo/{FIREWALL_DROPS}/firewall-drops"
    small = {"panelId": 1, "width": 64, "height": 32}
    # Dark background (24, 27, 31) and the filter bytes only: no graph.
    refused = decoded(render(base_url, VIEWER_TOKEN, path, **small))[2]
    assert set(refused) == {0, 24, 27, 31}
    drawn = decoded(render(base_url, ADMIN_TOKEN, path, theme="light", **small))[2]
    assert {0, 255, 115, 191, 105} <= set(drawn)
