#!/usr/bin/env python3
"""Seed the test Nautobot's nautobot-chatops through its own REST API.

    scripts/nautobot/seed_chatops.py --grants single-org|split-channels|restricted-subcommand

With the admin token of `scripts/nautobot/up` ($NAUTOBOT_ROOT/env, or the
environment's NAUTOBOT_URL and NAUTOBOT_ADMIN_TOKEN):

- replaces every AccessGrant with one of the three example tables of the app's
  guide (docs/models/accessgrant.md; `/api/plugins/chatops/accessgrant/`);
- ensures the Mattermost CommandTokens below (`commandtoken/`);
- ensures the ChatOps account links below (`accountlink/`), each to its
  Nautobot user (admin or viewer).

Idempotent: what is already there is kept, what differs is changed, grants not
in the table are deleted. Standard library only. Test-only values throughout.
"""

import argparse
import json
import os
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The guide's example tables, row for row: (command, subcommand, grant_type, name, value).
GRANT_TABLES = {
    # "Unrestricted Access Within a Single Organization"
    "single-org": [
        ("*", "*", "organization", "my-org", "T202B88NN"),
        ("*", "*", "channel", "any", "*"),
        ("*", "*", "user", "any", "*"),
    ],
    # "Split Command Access to Different Channels"
    "split-channels": [
        ("*", "*", "organization", "my-org", "T202B88NN"),
        ("support", "*", "channel", "support", "C2020H455"),
        ("devops", "*", "channel", "devops", "C3030I566"),
        ("*", "*", "user", "any", "*"),
    ],
    # "Restrict Specific Command and Sub-command to Specific Users in a Specific Channel"
    "restricted-subcommand": [
        ("*", "*", "organization", "my-org", "T202B88NN"),
        ("jokes", "*", "channel", "any", "*"),
        ("jokes", "*", "user", "any", "*"),
        ("network", "*", "channel", "devops", "C3030I566"),
        ("network", "history", "user", "any", "*"),
        ("network", "redeploy", "user", "admin1", "U2049K991"),
        ("network", "redeploy", "user", "admin2", "U2039K725"),
        ("network", "redeploy", "user", "admin3", "U7924K784"),
        ("network", "status", "user", "any", "*"),
        ("weather", "*", "channel", "any", "*"),
        ("weather", "*", "user", "any", "*"),
    ],
}

# Mattermost slash-command tokens (26 characters, as Mattermost makes them): (comment, token).
COMMAND_TOKENS = [
    ("network slash command (test-only)", "i24testonlynetworkslash001"),
    ("weather slash command (test-only)", "i24testonlyweatherslash002"),
]

# Chat identities linked to Nautobot users: (platform, chat user id, Nautobot username, email).
ACCOUNT_LINKS = [
    ("slack", "U2049K991", "admin", "admin1@example.com"),
    ("slack", "U2039K725", "admin", "admin2@example.com"),
    ("slack", "U1234N001", "viewer", "viewer@example.com"),
    ("mattermost", "i24mmadmin000000000000001", "admin", ""),
    ("mattermost", "i24mmviewer00000000000002", "viewer", ""),
]

API = "/api/plugins/chatops"


def env_file_vars():
    """NAUTOBOT_URL and NAUTOBOT_ADMIN_TOKEN from $NAUTOBOT_ROOT/env (scripts/nautobot/up)."""
    path = pathlib.Path(os.environ.get("NAUTOBOT_ROOT", ROOT / ".nautobot")) / "env"
    values = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
    return values


class Api:
    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def call(self, method, path, body=None, ok=(200, 201, 204)):
        url = path if path.startswith("http") else f"{self.url}{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Token {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, text = answer.status, answer.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode(errors="replace")
        except urllib.error.URLError as err:
            sys.exit(f"seed_chatops: {method} {url}: {err.reason} (is scripts/nautobot/up running?)")
        if status not in ok:
            sys.exit(f"seed_chatops: {method} {url} answered {status}: {text[:500]}")
        return status, (json.loads(text) if text.strip() else None)

    def all(self, path):
        """Every object of a list endpoint, following `next`."""
        results, page = [], f"{path}{'&' if '?' in path else '?'}limit=200"
        while page:
            _, body = self.call("GET", page)
            results.extend(body["results"])
            page = body.get("next")
        return results


def seed_grants(api, table):
    wanted = {row[:3] + (row[4],): row[3] for row in table}
    kept = set()
    deleted = created = 0
    for grant in api.all(f"{API}/accessgrant/"):
        key = (grant["command"], grant["subcommand"], grant["grant_type"], grant["value"])
        if key in wanted and grant["name"] == wanted[key] and key not in kept:
            kept.add(key)
        else:
            api.call("DELETE", f"{API}/accessgrant/{grant['id']}/")
            deleted += 1
    for key, name in wanted.items():
        if key in kept:
            continue
        command, subcommand, grant_type, value = key
        api.call(
            "POST",
            f"{API}/accessgrant/",
            {"command": command, "subcommand": subcommand, "grant_type": grant_type, "name": name, "value": value},
        )
        created += 1
    return len(kept), created, deleted


def seed_command_tokens(api):
    existing = {(t["platform"], t["token"]): t for t in api.all(f"{API}/commandtoken/")}
    created = 0
    for comment, token in COMMAND_TOKENS:
        current = existing.get(("mattermost", token))
        if current is None:
            api.call("POST", f"{API}/commandtoken/", {"platform": "mattermost", "token": token, "comment": comment})
            created += 1
        elif current["comment"] != comment:
            api.call("PATCH", f"{API}/commandtoken/{current['id']}/", {"comment": comment})
    return created


def user_ids(api):
    return {user["username"]: user["id"] for user in api.all("/api/users/users/")}


def find_account_link(api, platform, chat_user_id):
    """The id of the link for (platform, chat_user_id), whoever it belongs to.

    The app's list endpoint shows only the caller's own links; the change log
    (readable by the admin) names every link ever created, and a link's own
    URL answers whoever owns it.
    """
    query = urllib.parse.urlencode({"changed_object_type": "nautobot_chatops.chatopsaccountlink"})
    seen = set()
    for change in api.all(f"/api/extras/object-changes/?{query}"):
        link_id = change["changed_object_id"]
        if link_id in seen:
            continue
        seen.add(link_id)
        status, link = api.call("GET", f"{API}/accountlink/{link_id}/", ok=(200, 404))
        if status == 200 and link["platform"] == platform and link["user_id"] == chat_user_id:
            return link
    return None


def seed_account_links(api):
    users = user_ids(api)
    mine = {(link["platform"], link["user_id"]): link for link in api.all(f"{API}/accountlink/")}
    created = changed = 0
    for platform, chat_user_id, username, email in ACCOUNT_LINKS:
        if username not in users:
            sys.exit(f"seed_chatops: no Nautobot user {username!r} (scripts/nautobot/seed.py makes it)")
        body = {"platform": platform, "user_id": chat_user_id, "nautobot_user": users[username], "email": email}
        link = mine.get((platform, chat_user_id)) or find_account_link(api, platform, chat_user_id)
        if link is None:
            api.call("POST", f"{API}/accountlink/", body)
            created += 1
            continue
        owner = link["nautobot_user"]["id"] if isinstance(link["nautobot_user"], dict) else link["nautobot_user"]
        if owner != users[username] or link["email"] != email:
            api.call("PATCH", f"{API}/accountlink/{link['id']}/", body)
            changed += 1
    return created, changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grants", required=True, choices=sorted(GRANT_TABLES))
    parser.add_argument("--url", help="Nautobot URL (default: NAUTOBOT_URL, or $NAUTOBOT_ROOT/env)")
    parser.add_argument("--token", help="admin token (default: NAUTOBOT_ADMIN_TOKEN, or $NAUTOBOT_ROOT/env)")
    args = parser.parse_args()
    file_vars = env_file_vars()
    url = args.url or os.environ.get("NAUTOBOT_URL") or file_vars.get("NAUTOBOT_URL")
    token = args.token or os.environ.get("NAUTOBOT_ADMIN_TOKEN") or file_vars.get("NAUTOBOT_ADMIN_TOKEN")
    if not url or not token:
        sys.exit("seed_chatops: no Nautobot URL or admin token: run scripts/nautobot/up, or pass --url and --token")
    api = Api(url, token)
    kept, created, deleted = seed_grants(api, GRANT_TABLES[args.grants])
    tokens = seed_command_tokens(api)
    links, relinked = seed_account_links(api)
    print(
        f"seed_chatops {args.grants}: grants kept {kept}, created {created}, deleted {deleted}; "
        f"command tokens created {tokens}; account links created {links}, changed {relinked}"
    )


if __name__ == "__main__":
    main()
