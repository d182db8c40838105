"""The Teams app manifest the gateway builds is valid by Microsoft's own schema.

`gateway/src/platforms/teams/app_package.rs` builds the manifest; its Rust test
`example_manifest_matches_the_schema_checked_fixture` asserts that the builder's
output for its example input equals fixtures/teams-manifest-example.json. This
test checks that fixture against the Teams app manifest schema v1.22, vendored
unchanged from the npm package @microsoft/app-manifest 1.1.2 (see
fixtures/README.md), so together they show the gateway's manifest is what
Teams accepts at upload.
"""

import copy
import json
import pathlib

import jsonschema
import pytest

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
SCHEMA = json.loads((FIXTURES / "MicrosoftTeams.v1.22.schema.json").read_text())
EXAMPLE = json.loads((FIXTURES / "teams-manifest-example.json").read_text())


def errors(manifest):
    """The schema's complaints about `manifest`, as readable strings."""
    # The schema declares draft-04 but uses `const` (draft-06) for manifestVersion;
    # Draft4Validator ignores it, so it is checked separately below.
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]


def test_schema_is_a_valid_draft4_schema():
    jsonschema.Draft4Validator.check_schema(SCHEMA)


def test_example_manifest_is_valid():
    assert errors(EXAMPLE) == []


def test_example_manifest_declares_the_schema_version():
    assert EXAMPLE["manifestVersion"] == SCHEMA["properties"]["manifestVersion"]["const"]
    assert EXAMPLE["$schema"].endswith(f"/v{EXAMPLE['manifestVersion']}/MicrosoftTeams.schema.json")


def test_example_manifest_keeps_the_documented_limits():
    """Limits Teams documents beyond the schema (titles, descriptions, command count)."""
    assert EXAMPLE["id"] == EXAMPLE["bots"][0]["botId"]
    commands = EXAMPLE["bots"][0]["commandLists"][0]["commands"]
    assert 0 < len(commands) <= 10
    for command in commands:
        assert 0 < len(command["title"]) <= 32
        assert 0 < len(command["description"]) <= 128
    assert EXAMPLE["bots"][0]["scopes"] == ["personal", "team", "groupChat"]


@pytest.mark.parametrize(
    "path, value",
    [
        (("id",), "not-a-guid"),
        (("accentColor",), "blue"),
        (("developer", "privacyUrl"), "ftp://example.com/privacy"),
        (("name", "short"), "x" * 31),
        (("description", "short"), "x" * 81),
        (("bots", 0, "scopes"), ["personal", "groupchat"]),
        (("permissions",), ["identity", "everything"]),
    ],
)
def test_schema_refuses_what_the_builder_refuses(path, value):
    """The schema is really enforced: breaking one rule the builder keeps is an error."""
    manifest = copy.deepcopy(EXAMPLE)
    target = manifest
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors(manifest) != []
