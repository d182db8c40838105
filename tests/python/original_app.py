"""Helpers for the tests that talk to the real nautobot-chatops (the original app).

`scripts/nautobot/up` runs a real Nautobot with nautobot-chatops installed
(scripts/nautobot/chatops_config.py) and sends the app's outbound chat calls
(Slack Web API, Mattermost API) to NAUTOBOT_CHATOPS_FAKE_URL: `FakeChat`
listens there and records them. The same fake takes the response-URL posts
of our gateway, so the answers of both products are read the same way.

- `slack_request` / `mattermost_request`: a slash command as the platform sends
  it (Slack: signed with v0 HMAC-SHA256 over `v0:{timestamp}:{body}`).
- `original_decision`: what the app decided, read from what it sent back: its
  access-grant error ("... is not permitted in organization|in channel|by user
  ...", sent at once by the web process) or the test command's answer
  ("ran {command} {sub-command} for {user} in {channel}", sent by the Celery
  worker that runs a permitted command).
- `gateway_decision`: the same for our gateway ("This command is not permitted
  in organization|in channel|for user ..." or, for a granted command, its answer).
"""

import datetime
import hashlib
import hmac
import http.server
import importlib.util
import json
import os
import pathlib
import re
import threading
import time
import urllib.parse

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "original_decisions.json"
CHATOPS_CONFIG = ROOT / "scripts" / "nautobot" / "chatops_config.py"
SEED = ROOT / "scripts" / "nautobot" / "seed_chatops.py"

# scripts/nautobot/chatops_config.py: the test-only Slack signing secret.
SLACK_SIGNING_SECRET = "chatops-i24-test-only-slack-signing-secret"
# scripts/nautobot/seed_chatops.py: the Mattermost command tokens it seeds.
MATTERMOST_TOKENS = ["i24testonlynetworkslash001", "i24testonlyweatherslash002"]

# How long a permitted command may take to answer: the app queues it for its
# Celery worker (one process, shared with Nautobot's jobs).
ANSWER_TIMEOUT = float(os.environ.get("CHATOPS_ANSWER_TIMEOUT", "60"))

HOW_TO_START = (
    "the tests of the original nautobot-chatops need the test Nautobot: run scripts/nautobot/up "
    "(scripts/nautobot/README.md), then the tests again"
)


def live_nautobot():
    """NAUTOBOT_URL, NAUTOBOT_ADMIN_TOKEN and NAUTOBOT_CHATOPS_FAKE_URL of $NAUTOBOT_ROOT/env.

    Skips when the test Nautobot was not brought up, except under CI=true,
    where that is a failure.
    """
    path = pathlib.Path(os.environ.get("NAUTOBOT_ROOT", ROOT / ".nautobot")) / "env"
    values = seed_module().env_file_vars()
    missing = [k for k in ("NAUTOBOT_URL", "NAUTOBOT_ADMIN_TOKEN", "NAUTOBOT_CHATOPS_FAKE_URL") if not values.get(k)]
    if missing:
        message = f"{path} has no {', '.join(missing)}; {HOW_TO_START}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        answer = requests.get(
            f"{values['NAUTOBOT_URL']}/api/plugins/chatops/accessgrant/?limit=1",
            headers={"Authorization": f"Token {values['NAUTOBOT_ADMIN_TOKEN']}", "Accept": "application/json"},
            timeout=20,
        )
    except requests.RequestException as err:
        pytest.fail(f"Nautobot at {values['NAUTOBOT_URL']} does not answer ({err}); {HOW_TO_START}")
    if answer.status_code != 200:
        pytest.fail(
            f"Nautobot at {values['NAUTOBOT_URL']} answered GET /api/plugins/chatops/accessgrant/ with "
            f"{answer.status_code} (is nautobot-chatops installed?); {HOW_TO_START}"
        )
    return values


def load_fixture():
    return json.loads(FIXTURE.read_text())


def seed_module():
    """scripts/nautobot/seed_chatops.py as a module (scripts/nautobot is no package: load the file)."""
    spec = importlib.util.spec_from_file_location("seed_chatops", SEED)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the fake chat services ---------------------------------------------------------


class FakeChat:
    """Slack Web API (`/api/{method}`), Mattermost API (`/api/v4/...`) and
    response URLs (`/response/{anything}`) on one loopback port; records every
    request as {"method", "path", "body"} (body: parsed JSON or form, else text)."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.url = url.rstrip("/")
        self.records = []
        self.lock = threading.Condition()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def record(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode(errors="replace") if length else ""
                kind = self.headers.get("Content-Type", "")
                if "json" in kind:
                    body = json.loads(raw or "null")
                elif "x-www-form-urlencoded" in kind:
                    body = dict(urllib.parse.parse_qsl(raw))
                else:
                    body = raw
                entry = {"method": self.command, "path": self.path, "body": body}
                with fake.lock:
                    fake.records.append(entry)
                    fake.lock.notify_all()
                return entry

            def do_GET(self):
                entry = self.record()
                path = entry["path"]
                match = re.match(r"^/api/v4/(users|channels)/([^/?]+)", path)
                if match:
                    kind, ident = match.groups()
                    name = f"{kind[:-1]}-{ident}"
                    self.answer(200, {"id": ident, "username": name, "name": name, "display_name": name})
                else:
                    self.answer(200, {})

            def do_POST(self):
                entry = self.record()
                path = entry["path"]
                if path.startswith("/api/v4/"):
                    self.answer(201 if path.startswith("/api/v4/posts") else 200, {"id": "fakepost", "status": "OK"})
                elif path.startswith("/api/"):
                    self.answer(200, {"ok": True, "channel": "C0FAKE", "ts": f"{time.time():.6f}"})
                else:
                    self.answer(200, {})

            do_PUT = do_POST
            do_DELETE = do_POST

        self.server = http.server.ThreadingHTTPServer((parsed.hostname, parsed.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def clear(self):
        with self.lock:
            self.records.clear()

    def texts(self):
        """Every message text recorded so far (Slack `text`, Mattermost `message`, response-URL bodies)."""
        with self.lock:
            return [message_text(entry) for entry in self.records]

    def wait_for(self, predicate, timeout):
        """The first recorded text `predicate` accepts, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for entry in self.records:
                    text = message_text(entry)
                    if predicate(text):
                        return text
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.lock.wait(left)


def message_text(entry):
    body = entry["body"]
    if isinstance(body, dict):
        post = body.get("post") if isinstance(body.get("post"), dict) else {}
        parts = [body.get("text"), body.get("message"), post.get("message")]
        found = [p for p in parts if isinstance(p, str) and p]
        if found:
            return "\n".join(found)
        return json.dumps(body)
    return body if isinstance(body, str) else json.dumps(body)


# --- requests as the platforms send them ---------------------------------------------


def slack_signature(secret, timestamp, body):
    """Slack's request signature: v0= + hex HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slash_fields(case, response_url):
    command, _, text = case["text"].partition(" ")
    return {
        "token": "",
        "team_id": case["team"],
        "team_domain": "i24-workspace",
        "channel_id": case["channel"],
        "channel_name": f"chan-{case['channel'].lower()}",
        "user_id": case["user"],
        "user_name": f"user-{case['user'].lower()}",
        "command": f"/{command}",
        "text": text,
        "response_url": response_url,
        "trigger_id": "1234.5678.i24",
    }


def slack_request(url, case, response_url, secret=SLACK_SIGNING_SECRET):
    """POSTs the case as a signed Slack slash command to `url`; returns the HTTP answer."""
    fields = slash_fields(case, response_url)
    del fields["token"]
    body = urllib.parse.urlencode(fields)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(secret, timestamp, body),
    }
    return requests.post(url, data=body.encode(), headers=headers, timeout=30)


def mattermost_request(url, case, response_url, token):
    """POSTs the case as a Mattermost slash command with `token` (header and form field)."""
    fields = slash_fields(case, response_url)
    fields["token"] = token
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Token {token}"}
    return requests.post(url, data=urllib.parse.urlencode(fields).encode(), headers=headers, timeout=30)


def send(case, slack_url, mattermost_url, response_url, token=None):
    if case["platform"] == "slack":
        return slack_request(slack_url, case, response_url)
    return mattermost_request(mattermost_url, case, response_url, token or MATTERMOST_TOKENS[0])


# --- decisions ----------------------------------------------------------------------

ORIGINAL_DENIAL = re.compile(
    r"Access to this bot and/or command is not permitted (in organization|in channel|by user) (\S+)"
)
ORIGINAL_SCOPES = {"in organization": "organization", "in channel": "channel", "by user": "user"}
GATEWAY_DENIAL = re.compile(r"This command is not permitted (in organization|in channel|for user) (\S+)")
GATEWAY_SCOPES = {"in organization": "organization", "in channel": "channel", "for user": "user"}


def ran_line(case):
    """What the test-only command (scripts/nautobot/chatops_doc_commands) answers when it runs."""
    command, subcommand = case["text"].split()[:2]
    return f"ran {command} {subcommand} for {case['user']} in {case['channel']}"


def original_decision(fake, case, answer):
    """("allow", None) or ("deny", scope), from what the original sent after `answer`."""
    assert answer.status_code == 200, f"the original answered {answer.status_code}: {answer.text[:300]}"
    ran = ran_line(case)
    text = fake.wait_for(lambda t: ORIGINAL_DENIAL.search(t) is not None or ran in t, ANSWER_TIMEOUT)
    if text is None:
        raise AssertionError(
            f"the original neither refused nor ran {case['text']!r} within {ANSWER_TIMEOUT} s "
            f"(is its Celery worker running?); it sent: {fake.texts()}"
        )
    denial = ORIGINAL_DENIAL.search(text)
    if denial:
        return "deny", ORIGINAL_SCOPES[denial.group(1)]
    return "allow", None


LOG_DENIAL = re.compile(r"^Not permitted (in organization|in channel|by user) ")


def utc_now():
    """Now, as Nautobot's REST filters take it."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def original_command_log(nautobot, case, since):
    """The decision the app's CommandLog (`/api/plugins/chatops/commandlog/`) recorded for the
    case sent at `since`: ("deny", scope) for `blocked`, ("allow", None) for `succeeded`.

    A refusal is logged before the app answers the request; a permitted command once the worker
    has run it, so this waits for it a little."""
    command, subcommand = case["text"].split()[:2]
    params = {"user_id": case["user"], "command": command, "subcommand": subcommand, "created__gte": since}
    headers = {"Authorization": f"Token {nautobot['NAUTOBOT_ADMIN_TOKEN']}", "Accept": "application/json"}
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while True:
        answer = requests.get(f"{nautobot['NAUTOBOT_URL']}/api/plugins/chatops/commandlog/", params=params,
                              headers=headers, timeout=20)
        assert answer.status_code == 200, f"GET commandlog answered {answer.status_code}: {answer.text[:300]}"
        logs = answer.json()["results"]
        if logs:
            assert len(logs) == 1, f"{len(logs)} command logs for one request: {logs}"
            log = logs[0]
            if log["status"] == "blocked":
                denial = LOG_DENIAL.search(log["details"])
                assert denial, f"a blocked command log without its scope: {log['details']!r}"
                return "deny", ORIGINAL_SCOPES[denial.group(1)]
            return ("allow", None) if log["status"] == "succeeded" else ("log status", log["status"])
        if time.monotonic() > deadline:
            raise AssertionError(f"the app logged no command for {case['text']!r} since {since}")
        time.sleep(0.2)


def gateway_decision(fake, case, answer):
    """("allow", None) or ("deny", scope), from what our gateway posted to the response URL.

    A granted command answers with anything but the grant refusal: the
    guide's commands are Integrations whose sub-commands do not exist, so the
    gateway, which checks grants before it looks up the sub-command, answers
    "I don't know the sub-command".
    """
    assert answer.status_code == 200, f"the gateway answered {answer.status_code}: {answer.text[:300]}"
    text = fake.wait_for(
        lambda t: GATEWAY_DENIAL.search(t) is not None or ("don't know the" in t and "sub-command" in t),
        ANSWER_TIMEOUT,
    )
    if text is None:
        raise AssertionError(
            f"our gateway neither refused {case['text']!r} nor answered it within {ANSWER_TIMEOUT} s; "
            f"it sent: {fake.texts()}"
        )
    denial = GATEWAY_DENIAL.search(text)
    if denial:
        return "deny", GATEWAY_SCOPES[denial.group(1)]
    if "don't know the" in text and "sub-command" in text:
        return "allow", None
    raise AssertionError(f"the gateway answered {case['text']!r} with neither a refusal nor the sub-command error: {text}")


# --- the fixtures both live suites share ----------------------------------------------


@pytest.fixture(scope="module")
def nautobot():
    """The test Nautobot with the original app (skips, or fails under CI=true, without it)."""
    return live_nautobot()


@pytest.fixture(scope="module")
def fake(nautobot):
    """The fake chat services the original answers through, for one module."""
    chat = FakeChat(nautobot["NAUTOBOT_CHATOPS_FAKE_URL"])
    yield chat
    chat.close()
