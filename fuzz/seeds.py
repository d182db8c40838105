#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into fuzz/corpus/<target>/.

Every seed is derived from the chat-protocol vectors (testkit/vectors/*.json:
the requests the platforms' own SDKs produced) or from the example manifests
(examples/**/*.yaml), so the fuzzers start from what the gateway really
receives and the seeds follow the vectors when they change. Nothing here is
committed output: scripts/fuzz runs it before each run, and libFuzzer adds
what it finds next to these files.
"""

import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "testkit" / "vectors"


def vectors(platform):
    return json.loads((VECTORS / f"{platform}.json").read_text())


def header_line(first_line, body):
    """A seed for the targets that read a signature header from the input's first line."""
    return first_line.encode() + b"\n" + body


def slack():
    seeds = {"slack_webhook": [], "slack_socket": [], "command_line": []}
    for case in vectors("slack")["inbound"]:
        body = case["body"].encode()
        headers = case["headers"]
        first = f'{headers["X-Slack-Request-Timestamp"]} {headers["X-Slack-Signature"]}'
        seeds["slack_webhook"] += [body, header_line(first, body)]
        parsed = case["parsed_body"]
        # Socket Mode carries the same requests as JSON envelopes: a slash
        # command's form as an object, an interaction's payload, an event's body.
        if "command" in parsed:
            kind = "slash_commands"
            seeds["command_line"].append(f'{parsed["command"]} {parsed["text"]}'.encode())
        elif parsed.get("type") in ("event_callback", "url_verification"):
            kind = "events_api"
            text = parsed.get("event", {}).get("text")
            if text:
                seeds["command_line"].append(text.encode())
        else:
            kind = "interactive"
        envelope = {
            "envelope_id": hashlib.sha1(body).hexdigest()[:12],
            "type": kind,
            "payload": parsed,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        seeds["slack_socket"] += [json.dumps(envelope).encode(), json.dumps(parsed).encode()]
    seeds["slack_socket"] += [
        json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "applink-1"},
                    "connection_info": {"app_id": "A123456"}}).encode(),
        json.dumps({"type": "disconnect", "reason": "refresh_requested",
                    "debug_info": {"host": "applink-1"}}).encode(),
    ]
    return seeds


def mattermost():
    seeds = {"mattermost": [], "command_line": []}
    for case in vectors("mattermost")["inbound"]:
        body = case["body"]
        seeds["mattermost"].append(body.encode() if isinstance(body, str) else json.dumps(body).encode())
        parsed = case.get("parsed") or {}
        if "text" in parsed:
            seeds["command_line"].append(f'{parsed["command"][0]} {parsed["text"][0]}'.encode())
    return seeds


def webex():
    data = vectors("webex")
    seeds = {"webex": [], "command_line": []}
    for case in data["inbound"]:
        body = case["raw_body"].encode()
        seeds["webex"] += [body, header_line(case["headers"]["X-Spark-Signature"], body)]
        event = json.loads(body)
        # What the gateway then GETs from Webex, shaped from the webhook's `data`:
        # the message with the text the SDK read, the card's submitted inputs.
        outbound = data["outbound"]
        if event.get("resource") == "messages":
            text = outbound["GET message"]["sdk_parsed_text"]
            seeds["webex"].append(json.dumps(dict(event["data"], text=text,
                                                  html=f"<p>{text}</p>")).encode())
            seeds["command_line"].append(text.encode())
        elif event.get("resource") == "attachmentActions":
            inputs = outbound["GET attachment action"]["sdk_parsed_inputs"]
            seeds["webex"].append(json.dumps(dict(event["data"], type="submit", inputs=inputs)).encode())
    return seeds


def teams():
    data = vectors("teams")
    seeds = {"teams_activity": [], "teams_token": [], "command_line": []}
    for case in data["inbound"]:
        seeds["teams_activity"].append(json.dumps(case["activity"]).encode())
        if case.get("authorization_header"):
            seeds["teams_token"].append(case["authorization_header"].encode())
        if case["activity"].get("text"):
            seeds["command_line"].append(case["activity"]["text"].encode())
    seeds["teams_token"] += [json.dumps(data["jwks"]).encode(), json.dumps(data["openid_metadata"]).encode()]
    return seeds


def continuation():
    # The token format (version 2, varints, strings) is left for libFuzzer to
    # find from its comparisons: no vector carries a continuation, and writing
    # the encoder again here would test the copy, not the gateway.
    # The one seed beyond the empty input is the current version byte.
    return {"continuation": [b"", b"\x02"]}


def manifests():
    files = sorted((ROOT / "examples").rglob("*.yaml"))
    return {"manifests": [path.read_bytes() for path in files]}


def main():
    out = ROOT / "fuzz" / "corpus"
    total = 0
    for source in (slack, mattermost, webex, teams, continuation, manifests):
        for target, items in source().items():
            directory = out / target
            directory.mkdir(parents=True, exist_ok=True)
            for item in items:
                # Named by content, as libFuzzer names its own: reruns add nothing twice.
                (directory / f"seed-{hashlib.sha1(item).hexdigest()}").write_bytes(item)
                total += 1
    print(f"seeds: {total} written under {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
