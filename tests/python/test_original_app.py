"""The real nautobot-chatops decides as its guide says (issue 24).

`scripts/nautobot/up` runs the original app (nautobot-chatops 4.1.0) in the
test Nautobot. For each example grant table of its guide, the app is seeded
through its own REST API (scripts/nautobot/seed_chatops.py), then sent signed
Slack and token-carrying Mattermost slash commands; what it sends back to the
fake chat services is its decision. Every case of
tests/fixtures/original_decisions.json (written from the tables, by hand)
must get the decision the fixture expects, refusals naming the expected scope;
the app's CommandLog (its REST API) must record the same decision.

Skipped when the test Nautobot is not up; a failure under CI=true.
"""

import subprocess
import sys

import pytest

from original_app import (
    SEED,
    fake,  # fixture
    nautobot,  # fixture
    load_fixture,
    mattermost_request,
    original_command_log,
    original_decision,
    seed_module,
    send,
    slack_request,
    utc_now,
)

FIXTURE = load_fixture()


def urls(nautobot):
    base = f"{nautobot['NAUTOBOT_URL']}/api/plugins/chatops"
    return f"{base}/slack/slash_command/", f"{base}/mattermost/slash_command/"


def seed(nautobot, table):
    result = subprocess.run(
        [sys.executable, str(SEED), "--grants", table, "--url", nautobot["NAUTOBOT_URL"],
         "--token", nautobot["NAUTOBOT_ADMIN_TOKEN"]],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, f"seed_chatops.py --grants {table} failed: {result.stderr}{result.stdout}"
    return result.stdout


def test_the_fixture_covers_every_grant_row_inside_and_outside():
    """At least 25 cases; each table has allowed and refused cases, refusals in every scope it can refuse."""
    cases = [case for table in FIXTURE["tables"].values() for case in table]
    assert len(cases) >= 25
    for name, table in FIXTURE["tables"].items():
        assert {case["expected"] for case in table} == {"allow", "deny"}, name
        assert any(case["platform"] == "mattermost" for case in table), name
    scopes = {case.get("scope") for case in FIXTURE["tables"]["restricted-subcommand"]}
    assert scopes >= {"organization", "channel", "user"}


def test_every_grant_row_has_a_case_inside_and_one_outside():
    """Each row of each seeded table: an allowed case its value matches, and, unless the value is
    `*`, a case of the same command refused in that row's scope for another value."""
    field = {"organization": "team", "channel": "channel", "user": "user"}
    gaps = []
    for table, rows in seed_module().GRANT_TABLES.items():
        cases = FIXTURE["tables"][table]
        for command, subcommand, grant_type, name, value in rows:
            relevant = [
                case for case in cases
                if command in ("*", case["text"].split()[0]) and subcommand in ("*", case["text"].split()[1])
            ]
            inside = [c for c in relevant if value in ("*", c[field[grant_type]]) and c["expected"] == "allow"]
            if not inside:
                gaps.append(f"{table}: no allowed case inside {command} {subcommand} {grant_type} {value}")
            if value != "*" and not any(
                c[field[grant_type]] != value and c.get("scope") == grant_type for c in relevant
            ):
                gaps.append(f"{table}: no case refused outside {command} {subcommand} {grant_type} {value}")
    assert not gaps, "\n".join(gaps)


@pytest.mark.parametrize("table", sorted(FIXTURE["tables"]))
def test_the_original_decides_as_the_guide_says(nautobot, fake, table):
    seed(nautobot, table)
    # A second run changes nothing: the seed is idempotent.
    again = seed(nautobot, table)
    assert "created 0, deleted 0" in again and "account links created 0, changed 0" in again, again
    slack_url, mattermost_url = urls(nautobot)
    mismatches = []
    for index, case in enumerate(FIXTURE["tables"][table]):
        fake.clear()
        since = utc_now()
        answer = send(case, slack_url, mattermost_url, f"{fake.url}/response/original/{table}/{index}")
        decision = original_decision(fake, case, answer)
        # The app's own record of it agrees with what it answered.
        logged = original_command_log(nautobot, case, since)
        expected = (case["expected"], case.get("scope"))
        if not decision == logged == expected:
            mismatches.append(f"{case['platform']} {case['team']} {case['channel']} {case['user']} "
                              f"{case['text']!r}: expected {expected}, the original answered {decision}, "
                              f"its command log says {logged}")
    assert not mismatches, "\n".join(mismatches)


def test_the_original_refuses_unsigned_and_wrongly_tokened_commands(nautobot, fake):
    seed(nautobot, "single-org")
    slack_url, mattermost_url = urls(nautobot)
    case = FIXTURE["tables"]["single-org"][0]
    fake.clear()
    wrong = slack_request(slack_url, case, f"{fake.url}/response/x", secret="not-the-signing-secret")
    assert wrong.status_code == 401
    wrong = mattermost_request(mattermost_url, {**case, "platform": "mattermost"}, f"{fake.url}/response/x",
                               token="i24notaseededcommandtoken0")
    assert wrong.status_code == 401
    # Refused before anything runs: nothing was sent to the chat services.
    assert fake.texts() == []
