"""The fake Slack Socket Mode server of testkit (`fake-slack-socket`), spoken to by slack_sdk's own client.

`slack_sdk.socket_mode.builtin.SocketModeClient` is the Socket Mode client
Slack publishes, and the reference the gateway's Socket Mode is written
against (issue 23). If it gets its WebSocket URL from the fake's
`apps.connections.open`, connects, has its listeners called with the
envelopes the fake sends, acks them as the fake records, reconnects on a
`refresh_requested` disconnect, and takes the fake's refusals of a wrong
token as Slack's errors, the fake speaks Slack's protocol and not only ours.

The test works the fake through its control endpoints (`/control/…`, see
testkit/src/fake_slack_socket/control.rs): connections are numbered from 1
in the order opened.

    cargo build -p chatops-tests --bin fake-slack-socket
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python/test_slack_socket_fake.py -q
"""

import json
import time
import urllib.request

import fake_backend
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.response import SocketModeResponse

# The one app-level token tests/src/bin/fake-slack-socket.rs accepts.
APP_TOKEN = "xapp-1-A0SOCKET01-0000000000000-fakesocketmodeapptoken"

# A slash command's payload as Socket Mode carries it (testkit's slash_command_payload).
SLASH = {
    "token": "unused-verification-token",
    "team_id": "T0QUICKSTART",
    "team_domain": "example",
    "channel_id": "C0QUICKSTART",
    "channel_name": "general",
    "user_id": "U0ALICE",
    "user_name": "someone",
    "command": "/chatops",
    "text": "whoami",
    "response_url": "http://127.0.0.1:9/response/1",
    "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    "api_app_id": "A0EXAMPLE01",
    "is_enterprise_install": "false",
}

# An app_mention event callback as the Events API carries it (testkit's mention_payload).
MENTION = {
    "token": "x",
    "team_id": "T0QUICKSTART",
    "api_app_id": "A0EXAMPLE01",
    "type": "event_callback",
    "event_id": "Ev0SOCKET01",
    "event_time": 1_700_000_000,
    "event": {"type": "app_mention", "user": "U0ALICE", "text": "<@U0BOT0001> chatops whoami"},
}


def wait_until(check, what, limit=10.0):
    """The first truthy value of `check()`, asked every 50 ms for at most `limit` seconds."""
    deadline = time.monotonic() + limit
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() >= deadline:
            pytest.fail(f"waited {limit} s for {what} in vain")
        time.sleep(0.05)


def control(url, name, body=None):
    """GET (or with `body`, POST as JSON) the fake's `/control/{name}`; its JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/control/{name}", data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def acks_of(url, envelope_id):
    return [ack for ack in control(url, "acks") if ack["envelope_id"] == envelope_id]


@pytest.fixture
def fake_url(monkeypatch):
    # slack_sdk takes a proxy from these and ignores NO_PROXY; the fake is on loopback.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with fake_backend.serve("slack-socket") as url:
        yield url


def web_client(fake_url):
    return WebClient(base_url=f"{fake_url}/api/")


class Recorder:
    """slack_sdk listeners that keep what the client received and ack each
    request, with a payload only where the envelope accepts one."""

    def __init__(self):
        self.messages = []
        self.frames = []
        self.requests = []

    def on_message(self, client, message, raw_message):
        self.messages.append(message)

    def on_frame(self, raw_message):
        # Every text frame, `disconnect` included (which the client acts on
        # itself and passes to no message listener).
        self.frames.append(json.loads(raw_message))

    def on_request(self, client, request):
        self.requests.append(request)
        payload = {"text": "ok"} if request.accepts_response_payload else None
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=payload))

    def request(self, envelope_id):
        return next((r for r in self.requests if r.envelope_id == envelope_id), None)


@pytest.fixture
def connected(fake_url):
    """A slack_sdk SocketModeClient connected to the fake, with a Recorder as its listeners."""
    recorder = Recorder()
    client = SocketModeClient(app_token=APP_TOKEN, web_client=web_client(fake_url))
    try:
        client.message_listeners.append(recorder.on_message)
        client.on_message_listeners.append(recorder.on_frame)
        client.socket_mode_request_listeners.append(recorder.on_request)
        client.connect()
        wait_until(lambda: control(fake_url, "connections") == [1], "the first connection")
        yield client, recorder
    finally:
        client.close()


def test_the_client_connects_and_is_greeted(fake_url, connected):
    client, recorder = connected
    hello = wait_until(lambda: next((m for m in recorder.messages if m.get("type") == "hello"), None), "hello")
    assert hello["connection_info"] == {"app_id": "A0SOCKET01"}
    assert hello["num_connections"] == 1
    assert client.is_connected()
    assert control(fake_url, "opened") == {"opened": 1}


def test_a_slash_command_reaches_the_listener_and_its_response_payload_is_acked(fake_url, connected):
    _, recorder = connected
    sent = control(fake_url, "send", {"connection": 1, "type": "slash_commands", "payload": SLASH})
    envelope_id = sent["envelope_id"]
    [ack] = wait_until(lambda: acks_of(fake_url, envelope_id), "the ack")
    request = recorder.request(envelope_id)
    assert request is not None, recorder.requests
    assert (request.type, request.envelope_id, request.payload) == ("slash_commands", envelope_id, SLASH)
    assert request.accepts_response_payload is True
    assert ack["payload"] == {"text": "ok"}
    assert ack["connection"] == 1
    assert ack["payload_not_allowed"] is False


def test_an_events_api_envelope_is_acked_without_payload(fake_url, connected):
    _, recorder = connected
    sent = control(fake_url, "send", {"connection": 1, "type": "events_api", "payload": MENTION})
    envelope_id = sent["envelope_id"]
    [ack] = wait_until(lambda: acks_of(fake_url, envelope_id), "the ack")
    request = recorder.request(envelope_id)
    assert (request.type, request.payload) == ("events_api", MENTION)
    assert request.accepts_response_payload is False
    assert (request.retry_attempt, request.retry_reason) == (0, "")
    assert ack["payload"] is None
    assert ack["payload_not_allowed"] is False


def test_a_refresh_request_makes_the_client_reconnect(fake_url, connected):
    client, recorder = connected
    control(fake_url, "disconnect", {"connection": 1, "reason": "refresh_requested"})
    wait_until(lambda: control(fake_url, "opened") == {"opened": 2}, "a second connection")
    # The old one ends: the client leaves it, or the fake closes it after its grace (1 s).
    wait_until(lambda: control(fake_url, "connections") == [2], "only the new connection open")
    sent = control(fake_url, "send", {"connection": 2, "type": "slash_commands", "payload": SLASH})
    [ack] = wait_until(lambda: acks_of(fake_url, sent["envelope_id"]), "the ack on the new connection")
    assert ack["connection"] == 2
    assert ack["payload"] == {"text": "ok"}
    assert client.is_connected()
    assert any(m.get("type") == "disconnect" and m.get("reason") == "refresh_requested" for m in recorder.frames)


@pytest.mark.parametrize(
    ("token", "error"),
    [("xapp-1-A0SOCKET01-0000000000000-wrongtoken", "invalid_auth"), ("xoxb-1-2-bottoken", "not_allowed_token_type")],
)
def test_a_wrong_token_is_refused_as_slack_refuses_it(fake_url, token, error):
    with pytest.raises(SlackApiError) as refused:
        web_client(fake_url).apps_connections_open(app_token=token)
    assert refused.value.response["ok"] is False
    assert refused.value.response["error"] == error
    client = SocketModeClient(app_token=token, web_client=web_client(fake_url))
    try:
        with pytest.raises(SlackApiError):
            client.connect()
    finally:
        client.close()
    assert control(fake_url, "opened") == {"opened": 0}
