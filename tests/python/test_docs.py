"""The Markdown documentation, checked for what a new user trips over.

- Every relative link in README.md, docs/**/*.md, charts/chatops/README.md and
  examples/**/README*.md points at a file or directory that exists, and a
  `#anchor` into a Markdown file at one of its headings (GitHub's slugs).
- The README links the troubleshooting page and the audit log, and its
  "Try it" listens for the answer with scripts/answer-listener.
- What pages may say of releases, images and the chart repository is checked
  in test_release.py, against what the release workflow publishes.

Standard library only; links inside code blocks and code spans are not links.
"""

from __future__ import annotations

import pathlib
import re
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def doc_files() -> list[pathlib.Path]:
    files = [ROOT / "README.md", ROOT / "charts" / "chatops" / "README.md"]
    files += sorted((ROOT / "docs").rglob("*.md"))
    files += sorted((ROOT / "examples").rglob("README*.md"))
    return [f for f in files if f.is_file()]


FENCE = re.compile(r"^\s*(```|~~~)")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (fenced lines become empty, so
    line numbers still match)."""
    out, fence = [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append("")
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append("")
        else:
            out.append(line)
    return out


def code_blocks(text: str) -> list[str]:
    """The contents of the fenced code blocks."""
    blocks, current, fence = [], [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence, current = match.group(1), []
        elif fence is not None and line.strip().startswith(fence):
            blocks.append("\n".join(current))
            fence = None
        elif fence is not None:
            current.append(line)
    return blocks


CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); the text may hold code spans.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of every inline link outside code."""
    found = []
    for number, line in enumerate(prose_lines(text), start=1):
        line = CODE_SPAN.sub(lambda m: "x" * len(m.group(0)), line)
        for match in LINK.finditer(line):
            found.append((number, match.group(1)))
    return found


ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


def heading_texts(text: str) -> list[str]:
    lines = prose_lines(text)
    headings = []
    for i, line in enumerate(lines):
        atx = ATX.match(line)
        if atx:
            headings.append(atx.group(2))
        elif (
            SETEXT.match(line)
            and i > 0
            and lines[i - 1].strip()
            and not lines[i - 1].lstrip().startswith(("|", "-", "*", ">", "#"))
        ):
            headings.append(lines[i - 1].strip())
    return headings


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text, lowercased, spaces to
    '-', every character but letters, digits, '-' and '_' dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").replace("*", "")
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: pathlib.Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for heading in heading_texts(path.read_text(encoding="utf-8")):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def broken_links(path: pathlib.Path, root: pathlib.Path = ROOT) -> list[str]:
    """Every relative link of `path` that points nowhere, as 'file:line: target (why)'."""
    problems = []
    for number, target in links(path.read_text(encoding="utf-8")):
        if not target or SCHEME.match(target) or target.startswith("//"):
            continue
        where, _, fragment = target.partition("#")
        where = urllib.parse.unquote(where)
        if not where:
            resolved = path
        elif where.startswith("/"):
            resolved = root / where.lstrip("/")
        else:
            resolved = (path.parent / where).resolve()
        shown = f"{path.relative_to(root)}:{number}: {target}"
        if not resolved.exists():
            problems.append(f"{shown} (no such file)")
        elif fragment and resolved.suffix == ".md" and resolved.is_file():
            if urllib.parse.unquote(fragment) not in anchors(resolved):
                problems.append(f"{shown} (no such heading)")
    return problems


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_at_files_and_headings_that_exist(path):
    assert broken_links(path) == []


def test_the_link_check_catches_a_broken_link_and_a_broken_anchor(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## The `nautobot` command\n\n## Setup\n\n## Setup\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n## 1. Install it, now!\n\n"
        "[ok](other.md) [ok](other.md#the-nautobot-command) [ok](other.md#setup-1)\n"
        "[ok](#1-install-it-now) [ok](https://example.com/missing.md) `[code](missing.md)`\n"
        "```sh\n[in a block](missing.md)\n```\n"
        "[gone](missing.md)\n"
        "[no heading](other.md#nautobot)\n"
        "[no local heading](#install)\n"
    )
    problems = broken_links(page, root=tmp_path)
    assert problems == [
        "page.md:10: missing.md (no such file)",
        "page.md:11: other.md#nautobot (no such heading)",
        "page.md:12: #install (no such heading)",
    ]


def test_slugs_follow_github():
    assert slug("1. Install the gateway with a public host") == "1-install-the-gateway-with-a-public-host"
    assert slug("The `nautobot` command") == "the-nautobot-command"
    assert slug("`kubectl get` columns (`chatops.dev/v1alpha1`)") == "kubectl-get-columns-chatopsdevv1alpha1"
    assert slug("Look-ups: emails and channel names") == "look-ups-emails-and-channel-names"
    assert slug("Workers: one module per integration") == "workers-one-module-per-integration"


README = ROOT / "README.md"


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_the_readme_links_troubleshooting_and_the_audit_log():
    targets = {target.partition("#")[0] for _, target in links(README.read_text(encoding="utf-8"))}
    assert "docs/troubleshooting.md" in targets
    assert "docs/audit-log.md" in targets


def test_try_it_listens_for_the_answer_with_the_answer_listener():
    section = readme_section("Try it")
    assert "scripts/answer-listener" in section
    assert "http.server" not in section
