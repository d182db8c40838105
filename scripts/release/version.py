#!/usr/bin/env python3
"""The one version of chatops-operator, and what a release tag must agree with.

The workspace's `[workspace.package] version` in Cargo.toml is the version:
every crate inherits it (and so `--version` prints it), the chart's `version`
and `appVersion` repeat it, the image tag defaults to `appVersion`, and
CHANGELOG.md has a section for it. The release workflow runs `check` on the
pushed tag before it builds anything, and `notes` for the release's text.

    scripts/release/version.py version          # prints 0.1.0
    scripts/release/version.py check v0.1.0     # prints 0.1.0, or exits 1 saying what disagrees
    scripts/release/version.py notes 0.1.0      # prints that version's CHANGELOG.md section

Standard library only (Python >= 3.11 for tomllib): it runs on a bare
GitHub runner as well as in tests/python/test_release.py.
"""

from __future__ import annotations

import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHART = pathlib.Path("charts/chatops/Chart.yaml")
CHANGELOG = pathlib.Path("CHANGELOG.md")

# Semantic Versioning 2.0 without build metadata: 1.2.3 or 1.2.3-rc.1.
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?")
# Keep a Changelog's heading of a released version: "## [1.2.3] - 2026-12-04".
RELEASED = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$")
ANY_SECTION = re.compile(r"^## \[")
# The link definitions at the end: "[1.2.3]: https://...".
LINK_DEFINITION = re.compile(r"^\[[^\]]+\]: ")


def workspace_version(root: pathlib.Path = ROOT) -> str:
    """`[workspace.package] version` of the root Cargo.toml."""
    manifest = tomllib.loads((root / "Cargo.toml").read_text())
    return manifest["workspace"]["package"]["version"]


def chart_versions(root: pathlib.Path = ROOT) -> dict[str, str]:
    """The chart's top-level `version` and `appVersion` (plain scalars, quoted or not)."""
    found = {}
    for line in (root / CHART).read_text().splitlines():
        match = re.match(r"^(version|appVersion):\s*['\"]?([^'\"#\s]+)['\"]?\s*(#.*)?$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def members_not_inheriting(root: pathlib.Path = ROOT) -> list[str]:
    """Workspace members whose Cargo.toml sets a version of its own."""
    manifest = tomllib.loads((root / "Cargo.toml").read_text())
    strays = []
    for member in manifest["workspace"]["members"]:
        package = tomllib.loads((root / member / "Cargo.toml").read_text())["package"]
        if package.get("version") != {"workspace": True}:
            strays.append(member)
    return strays


def changelog_sections(root: pathlib.Path = ROOT) -> list[tuple[str, str | None]]:
    """(version, date) of every `## [...]` heading, newest first; date None when undated."""
    sections = []
    for line in (root / CHANGELOG).read_text().splitlines():
        released = RELEASED.match(line)
        if released:
            sections.append((released["version"], released["date"]))
        elif ANY_SECTION.match(line):
            sections.append((line[4:].split("]", 1)[0], None))
    return sections


def notes(version: str, root: pathlib.Path = ROOT) -> str:
    """The body of `version`'s dated CHANGELOG.md section, without its heading."""
    body, inside, found = [], False, False
    for line in (root / CHANGELOG).read_text().splitlines():
        if ANY_SECTION.match(line) or LINK_DEFINITION.match(line):
            if inside:
                break
            heading = RELEASED.match(line)
            inside = found = bool(heading) and heading["version"] == version
            continue
        if inside:
            body.append(line)
    if not found:
        raise LookupError(f"CHANGELOG.md has no dated section for {version}")
    return "\n".join(body).strip() + "\n"


def problems(root: pathlib.Path = ROOT, tag: str | None = None) -> list[str]:
    """Everything that disagrees with the workspace version; with `tag`, with it too."""
    version = workspace_version(root)
    found = []
    if not SEMVER.fullmatch(version):
        found.append(f"Cargo.toml: version {version!r} is not MAJOR.MINOR.PATCH[-PRERELEASE]")
    for member in members_not_inheriting(root):
        found.append(f"{member}/Cargo.toml: set `version.workspace = true` (the one version is the workspace's)")
    for key, value in sorted(chart_versions(root).items()):
        if value != version:
            found.append(f"{CHART}: {key} is {value}, the workspace version is {version}")
    missing = {"version", "appVersion"} - chart_versions(root).keys()
    found.extend(f"{CHART}: no top-level {key}" for key in sorted(missing))
    sections = changelog_sections(root)
    if not sections or sections[0] != ("Unreleased", None):
        found.append(f"{CHANGELOG}: the first section must be ## [Unreleased]")
    released = [entry for entry in sections if entry[1] is not None]
    if not released or released[0][0] != version:
        newest = released[0][0] if released else "none"
        found.append(f"{CHANGELOG}: the newest dated section is {newest}, the workspace version is {version}")
    if tag is not None and tag != f"v{version}":
        found.append(f"the tag is {tag}, the workspace version is {version}: tag v{version}, or raise the version first")
    return found


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[1] == "version":
        print(workspace_version())
        return 0
    if len(argv) == 3 and argv[1] == "check":
        found = problems(tag=argv[2])
        for problem in found:
            print(f"version check: {problem}", file=sys.stderr)
        if found:
            return 1
        print(workspace_version())
        return 0
    if len(argv) == 3 and argv[1] == "notes":
        try:
            sys.stdout.write(notes(argv[2]))
        except LookupError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    print(__doc__.strip().split("\n\n")[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
