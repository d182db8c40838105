"""After `chatops-operator import`, our gateway decides as the original did (issue 24).

For each example grant table of the app's guide: the real nautobot-chatops in
the test Nautobot is seeded with it (scripts/nautobot/seed_chatops.py, through
its REST API), our importer reads that Nautobot and
scripts/nautobot/chatops_config.py into manifests, `render` accepts them, and
our gateway serves them. Every case of tests/fixtures/original_decisions.json
is then sent, as the same signed request (same IDs, same text), to the original
and to our gateway; the two decisions (allow, or deny naming the same scope)
must be equal, and equal to the fixture's.

The guide's commands exist in neither product: the app answers them through
the test-only package scripts/nautobot/chatops_doc_commands; the gateway
through Integrations added here for them (type nautobot, so a granted
request answers "I don't know the sub-command", a refused one "This command
is not permitted ...": the gateway checks grants first).

Also: a Mattermost command carrying an imported command token is accepted by
our gateway, one with a token the app never had is refused.

Skipped when the test Nautobot is not up; a failure under CI=true.
"""

import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest
import requests
import yaml

from original_app import (
    CHATOPS_CONFIG,
    MATTERMOST_TOKENS,
    ROOT,
    SEED,
    fake,  # fixture
    gateway_decision,
    nautobot,  # fixture
    load_fixture,
    mattermost_request,
    original_decision,
    seed_module,
    send,
)

FIXTURE = load_fixture()
DOC_COMMANDS = ["support", "devops", "jokes", "network", "weather"]


def binary(package, name):
    """Builds `name` of `package` with cargo (a no-op when up to date) and returns its path."""
    subprocess.run(["cargo", "build", "--quiet", "-p", package, "--bin", name], cwd=ROOT, check=True)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return target / "debug" / name


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def binaries(nautobot):
    return binary("chatops-operator", "chatops-operator"), binary("chatops-gateway", "chatops-gateway")


def documents(directory):
    docs = []
    for path in sorted(pathlib.Path(directory).glob("*.yaml")):
        docs.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return docs


def import_from(nautobot, operator, output):
    result = subprocess.run(
        [str(operator), "import", "--nautobot", nautobot["NAUTOBOT_URL"], "--token", nautobot["NAUTOBOT_ADMIN_TOKEN"],
         "--config", str(CHATOPS_CONFIG), "--output-dir", str(output), "--reveal-secrets"],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, f"chatops-operator import failed ({result.returncode}):\n{result.stderr}"
    for name in ["chatplatforms.yaml", "accessgrants.yaml", "accountlinks.yaml", "integrations.yaml",
                 "secrets.yaml", "NOTES.md"]:
        assert (output / name).is_file(), f"import wrote no {name}; it wrote {sorted(p.name for p in output.iterdir())}"


def add_doc_command_integrations(nautobot, output, namespace):
    """One manifest: an Integration per guide command, all of type nautobot on the live Nautobot."""
    meta = {"namespace": namespace} if namespace else {}
    docs = [{
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "i24-doc-commands", **meta},
        "stringData": {"token": nautobot["NAUTOBOT_ADMIN_TOKEN"]},
    }]
    for command in DOC_COMMANDS:
        docs.append({
            "apiVersion": "chatops.dev/v1alpha1", "kind": "Integration",
            "metadata": {"name": f"i24-doc-{command}", **meta},
            "spec": {"type": "nautobot", "command": command, "endpoint": nautobot["NAUTOBOT_URL"],
                     "credentials": {"tokenRef": {"name": "i24-doc-commands", "key": "token"}}},
        })
    (output / "zz-doc-commands.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))


class GatewayProcess:
    def __init__(self, gateway, manifests, namespace, slack_api_url, log):
        self.port, self.admin = free_port(), free_port()
        command = [str(gateway), "--manifests", str(manifests), "--listen", f"127.0.0.1:{self.port}",
                   "--admin-listen", f"127.0.0.1:{self.admin}", "--slack-api-url", slack_api_url,
                   "--allow-loopback-urls"]
        if namespace:
            command += ["--namespace", namespace]
        self.log = log
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{self.admin}/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"our gateway did not become ready:\n{pathlib.Path(log).read_text()[-3000:]}")
            time.sleep(0.2)

    def hook(self, platform_name):
        return f"http://127.0.0.1:{self.port}/hooks/{platform_name}/commands"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def platform_names(docs):
    names = {}
    for doc in docs:
        if doc.get("kind") == "ChatPlatform":
            names.setdefault(doc["spec"]["type"], doc["metadata"]["name"])
    return names


@pytest.mark.parametrize("table", sorted(FIXTURE["tables"]))
def test_our_gateway_decides_as_the_original_after_import(nautobot, fake, binaries, table, tmp_path):
    operator, gateway = binaries
    seed = subprocess.run(
        [sys.executable, str(SEED), "--grants", table, "--url", nautobot["NAUTOBOT_URL"],
         "--token", nautobot["NAUTOBOT_ADMIN_TOKEN"]],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert seed.returncode == 0, seed.stderr

    output = tmp_path / "imported"
    output.mkdir()
    import_from(nautobot, operator, output)
    imported = documents(output)
    grants = [d for d in imported if d.get("kind") == "AccessGrant"]
    table_rows = {(c, s, t, v) for c, s, t, _name, v in seed_module().GRANT_TABLES[table]}
    imported_rows = {(g["spec"]["command"], g["spec"]["subcommand"], g["spec"]["grantType"], g["spec"]["value"])
                     for g in grants}
    assert imported_rows == table_rows, f"imported grants {sorted(imported_rows)} != the table {sorted(table_rows)}"
    # Every seeded account link, the viewer's too: the app lists only the caller's own, so the
    # import finds the others through Nautobot's change log and reads them by id.
    links = {(d["spec"]["platform"], d["spec"].get("chatUserId"), d["spec"]["user"])
             for d in imported if d.get("kind") == "AccountLink"}
    seeded = {(p, u, user) for p, u, user, _email in seed_module().ACCOUNT_LINKS}
    assert links == seeded, f"imported account links {sorted(links)} != the seeded ones {sorted(seeded)}"

    namespace = next((d["metadata"].get("namespace") for d in imported if d.get("kind") == "ChatPlatform"), None)
    add_doc_command_integrations(nautobot, output, namespace)
    rendered = subprocess.run([str(operator), "render", "--manifests", str(output)],
                              capture_output=True, text=True, check=False, timeout=60)
    assert rendered.returncode == 0, f"render refused the imported manifests:\n{rendered.stderr}"

    names = platform_names(imported)
    assert {"slack", "mattermost"} <= set(names), f"the import made ChatPlatforms {names}"
    ours = GatewayProcess(gateway, output, namespace, f"{fake.url}/api", tmp_path / "gateway.log")
    try:
        base = f"{nautobot['NAUTOBOT_URL']}/api/plugins/chatops"
        mismatches = []
        for index, case in enumerate(FIXTURE["tables"][table]):
            fake.clear()
            answer = send(case, f"{base}/slack/slash_command/", f"{base}/mattermost/slash_command/",
                          f"{fake.url}/response/original/{table}/{index}")
            theirs = original_decision(fake, case, answer)
            fake.clear()
            answer = send(case, ours.hook(names["slack"]), ours.hook(names["mattermost"]),
                          f"{fake.url}/response/ours/{table}/{index}")
            mine = gateway_decision(fake, case, answer)
            expected = (case["expected"], case.get("scope"))
            if not theirs == mine == expected:
                mismatches.append(f"{case['platform']} {case['team']} {case['channel']} {case['user']} "
                                  f"{case['text']!r}: fixture {expected}, original {theirs}, ours {mine}")
        assert not mismatches, "\n".join(mismatches)

        # The imported Mattermost command tokens admit a command; a token the app never had does not.
        case = next(c for c in FIXTURE["tables"][table] if c["platform"] == "mattermost")
        fake.clear()
        accepted = mattermost_request(ours.hook(names["mattermost"]), case, f"{fake.url}/response/token-ok",
                                      MATTERMOST_TOKENS[1])
        assert accepted.status_code == 200, accepted.text
        assert gateway_decision(fake, case, accepted) == (case["expected"], case.get("scope"))
        fake.clear()
        refused = mattermost_request(ours.hook(names["mattermost"]), case, f"{fake.url}/response/token-bad",
                                     "i24notaseededcommandtoken0")
        assert refused.status_code == 401, refused.text
        time.sleep(0.5)
        assert fake.texts() == [], "a command with a wrong token was answered"
    finally:
        ours.stop()



