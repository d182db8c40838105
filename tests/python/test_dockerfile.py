"""The container image's Dockerfile, checked without a container engine.

A small Dockerfile parser (continuation lines, comments, stages, RUN flags) reads
./Dockerfile; the facts it is checked against come from the workspace itself
(`cargo metadata`, Cargo.toml, the binaries' `--listen` / `--admin-listen`
defaults), so a new binary, a raised rust-version or a moved port shows up here
rather than in a broken image.

Which binaries ship: every `bin` target of a workspace member that may be
published. `chatops-tests` is `publish = false`; its binaries (fake chat APIs,
sinks and latency probes the end-to-end tests spawn) are test helpers and stay
out of the image.

Not checked here (needs an engine or a registry): that the image builds, that
the pinned tags exist and what digests they resolve to, that the binaries start
on the runtime base.
"""

from __future__ import annotations

import fnmatch
import json
import pathlib
import re
import shlex
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

# Where the binaries' listening defaults are declared: (file, clap field names).
LISTEN_DEFAULTS = {
    "gateway/src/main.rs": ("listen", "admin_listen"),
    "operator/src/serve.rs": ("admin_listen",),
}

# Debian release of the builder (rust:*-<codename>) -> of the runtime (distroless *-debian<N>).
DEBIAN_CODENAMES = {"bullseye": "11", "bookworm": "12", "trixie": "13"}


# --- The parser --------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    args: str
    line: int


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Joins continuation lines; drops comments (also inside a continuation) and blanks."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        out.append((start, " ".join(p for p in pending if p)))
        pending = []
    assert not pending, "the Dockerfile ends in a line continuation"
    return out


def parse(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for number, line in logical_lines(text):
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        if keyword == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].lower() == "as" else None
            assert len(words) in (1, 3), f"line {number}: FROM {args}"
            stages.append(Stage(image=words[0], name=name))
            continue
        assert stages or keyword == "ARG", f"line {number}: {keyword} before the first FROM"
        if stages:
            stages[-1].instructions.append(Instruction(keyword, args, number))
    assert stages, "no FROM"
    return stages


def run_commands(instruction: Instruction) -> list[list[str]]:
    """The simple commands of a shell-form RUN, its --mount/--network flags dropped."""
    assert not instruction.args.startswith("["), "exec-form RUN: use the shell form"
    words = shlex.split(instruction.args, comments=False)
    while words and words[0].startswith("--"):
        words.pop(0)
    commands, current = [], []
    for word in words:
        if word in ("&&", "||", ";", "|"):
            commands.append(current)
            current = []
        else:
            current.append(word)
    commands.append(current)
    return [c for c in commands if c]


def cargo_builds(stages: list[Stage]) -> list[list[str]]:
    found = []
    for stage in stages:
        for run in stage.all("RUN"):
            for command in run_commands(run):
                if command[:2] == ["cargo", "build"]:
                    found.append(command)
    return found


def option_values(command: list[str], *names: str) -> list[str]:
    """Values of options such as `-p X`, `-pX`, `--package X`, `--package=X`."""
    values = []
    i = 0
    while i < len(command):
        word = command[i]
        for name in names:
            if word == name:
                values.append(command[i + 1])
                i += 1
                break
            if name.startswith("--") and word.startswith(name + "="):
                values.append(word.split("=", 1)[1])
                break
            if not name.startswith("--") and word.startswith(name) and len(word) > len(name):
                values.append(word[len(name):])
                break
        i += 1
    return values


def copy_sources(instruction: Instruction) -> tuple[str | None, list[str], str]:
    """(--from stage, sources, destination) of a COPY."""
    args = instruction.args
    if args.startswith("["):
        words = json.loads(args)
        flags = []
    else:
        words = shlex.split(args)
        flags = [w for w in words if w.startswith("--")]
        words = [w for w in words if not w.startswith("--")]
    source_stage = None
    for flag in flags:
        if flag.startswith("--from="):
            source_stage = flag.split("=", 1)[1]
    return source_stage, words[:-1], words[-1]


def image_tag(image: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest)."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        repository, tag = image.rsplit(":", 1)
        return repository, tag, digest
    return image, None, digest


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


# --- Facts from the workspace ------------------------------------------------


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def metadata() -> dict:
    out = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def bins_by_package(metadata: dict) -> dict[str, set[str]]:
    return {
        package["name"]: {t["name"] for t in package["targets"] if "bin" in t["kind"]}
        for package in metadata["packages"]
    }


def shipped_binaries(metadata: dict) -> set[str]:
    """bin targets of the publishable members (publish = false gives publish == [])."""
    return {
        target["name"]
        for package in metadata["packages"]
        if package["publish"] != []
        for target in package["targets"]
        if "bin" in target["kind"]
    }


def built_binaries(command: list[str], metadata: dict) -> set[str]:
    assert not {"--workspace", "--all", "--bins"} & set(command), (
        f"{' '.join(command)}: name the packages or binaries, so that test helpers are not built"
    )
    by_package = bins_by_package(metadata)
    built: set[str] = set()
    for package in option_values(command, "-p", "--package"):
        assert package in by_package, f"-p {package}: not a workspace member"
        built |= by_package[package]
    built |= set(option_values(command, "--bin"))
    return built


def listen_ports() -> set[int]:
    ports = set()
    for path, fields in LISTEN_DEFAULTS.items():
        source = (ROOT / path).read_text()
        for name in fields:
            match = re.search(
                r'#\[arg\([^\]]*default_value\s*=\s*"([^"]+)"[^\]]*\)\]\s*(?:///[^\n]*\s*)*'
                + name + r"\s*:\s*SocketAddr",
                source,
            )
            assert match, f"{path}: no default_value for `{name}: SocketAddr`"
            ports.add(int(match.group(1).rsplit(":", 1)[1]))
    return ports


# --- The checks ----------------------------------------------------------------


def test_parses_into_builder_and_runtime(stages):
    assert len(stages) >= 2, "a multi-stage build: a builder and a runtime image"
    assert DOCKERFILE.read_text().startswith("# syntax=docker/dockerfile:1"), (
        "the BuildKit syntax line comes first (RUN --mount needs it)"
    )


def test_final_stage_runs_as_numeric_non_root_user(stages):
    users = stages[-1].all("USER")
    assert users, "the final stage sets USER"
    user, _, group = users[-1].args.partition(":")
    assert user.isdigit(), f"USER {users[-1].args}: numeric, so runAsNonRoot can verify it"
    assert int(user) != 0, "USER 0 is root"
    if group:
        assert group.isdigit() and int(group) != 0, f"USER {users[-1].args}: numeric non-root group"


def test_builder_runs_cargo_build_locked_and_release(stages):
    builds = cargo_builds(stages[:-1])
    assert builds, "a builder stage runs cargo build"
    for command in builds:
        assert "--locked" in command, f"{' '.join(command)}: --locked builds exactly Cargo.lock"
        assert "--release" in command, f"{' '.join(command)}: --release"
    assert not cargo_builds(stages[-1:]), "the runtime stage compiles nothing"


def test_builds_exactly_the_shipped_binaries(stages, metadata):
    shipped = shipped_binaries(metadata)
    assert shipped == {"chatops-gateway", "chatops-operator"}, shipped
    for command in cargo_builds(stages[:-1]):
        assert built_binaries(command, metadata) == shipped, " ".join(command)


def test_final_stage_copies_only_built_binaries(stages, metadata):
    built = set().union(*(built_binaries(c, metadata) for c in cargo_builds(stages[:-1])))
    builder_names = {s.name for s in stages[:-1]}
    copied = set()
    for copy in stages[-1].all("COPY"):
        source_stage, sources, destination = copy_sources(copy)
        assert source_stage in builder_names, f"line {copy.line}: the runtime copies only from the builder"
        assert destination.rstrip("/") == "/usr/local/bin", f"line {copy.line}: binaries go to /usr/local/bin/"
        copied |= {pathlib.PurePosixPath(s).name for s in sources}
    assert copied <= built, f"copied but not built: {copied - built}"
    assert copied == shipped_binaries(metadata)
    # The builder copies them out of the release profile's directory.
    for stage in stages[:-1]:
        for run in stage.all("RUN"):
            for command in run_commands(run):
                if command[0] == "cp":
                    for source in command[1:-1]:
                        path = pathlib.PurePosixPath(source)
                        assert path.parent.name == "release" and path.name in built, source


def test_entrypoint_is_the_gateway(stages):
    entrypoints = stages[-1].all("ENTRYPOINT")
    assert entrypoints and json.loads(entrypoints[-1].args) == ["/usr/local/bin/chatops-gateway"]


def test_builder_rust_is_at_least_the_workspace_rust_version(stages, metadata):
    required = {p["rust_version"] for p in metadata["packages"]}
    workspace = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]["rust-version"]
    rust_stages = [s for s in stages[:-1] if image_tag(s.image)[0] in ("rust", "docker.io/library/rust")]
    assert rust_stages, "the builder is the official Rust image"
    for stage in rust_stages:
        tag = image_tag(stage.image)[1]
        match = re.match(r"(\d+\.\d+(?:\.\d+)?)", tag or "")
        assert match, f"{stage.image}: the tag names the toolchain version"
        for needed in required | {workspace}:
            assert version_tuple(match.group(1)) >= version_tuple(needed), (
                f"{stage.image} is older than rust-version {needed}"
            )


def test_base_images_are_pinned(stages):
    names = {s.name for s in stages if s.name}
    for stage in stages:
        if stage.image in names:
            continue
        _, tag, digest = image_tag(stage.image)
        assert tag or digest, f"FROM {stage.image}: pin a tag (and a digest in CI)"
        assert tag != "latest", f"FROM {stage.image}: latest is not a pin"
        assert "$" not in stage.image, f"FROM {stage.image}: no build-arg images"


def test_runtime_base_has_no_shell_or_package_manager(stages):
    final = stages[-1]
    repository, tag, _ = image_tag(final.image)
    distroless = repository.startswith("gcr.io/distroless/") or repository.startswith("cgr.dev/chainguard/static")
    assert distroless, f"{final.image}: a distroless runtime (no shell, no package manager)"
    assert "debug" not in (tag or ""), f"{final.image}: the :debug variants have a busybox shell"
    assert not final.all("RUN"), "nothing runs in the runtime stage (it has no shell)"


def test_builder_and_runtime_share_the_debian_release(stages):
    """The binaries link against the builder's glibc; the runtime must have the same."""
    runtime = image_tag(stages[-1].image)
    release = re.search(r"debian(\d+)", runtime[0] + ":" + (runtime[1] or ""))
    assert release, f"{stages[-1].image}: names its Debian release"
    for stage in stages[:-1]:
        tag = image_tag(stage.image)[1] or ""
        codenames = [c for c in DEBIAN_CODENAMES if c in tag]
        assert codenames, f"{stage.image}: pin the builder's Debian release (e.g. -bookworm)"
        assert DEBIAN_CODENAMES[codenames[0]] == release.group(1), (
            f"{stage.image} builds against Debian {DEBIAN_CODENAMES[codenames[0]]}, "
            f"{stages[-1].image} runs Debian {release.group(1)}"
        )


def dockerignore_patterns() -> list[str]:
    patterns = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            assert not line.startswith("!"), "exceptions are not supported by this test's matcher"
            patterns.append(line.strip("/"))
    return patterns


def ignored(relative: str, patterns: list[str]) -> bool:
    """Docker's matching, for the patterns used here: a match excludes the subtree."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            if pattern.startswith("**/") and fnmatch.fnmatchcase(prefix.split("/")[-1], pattern[3:]):
                return True
    return False


def test_dockerignore_keeps_build_output_and_git_out():
    patterns = dockerignore_patterns()
    for path in ("target", ".git", ".venv", "target/release/chatops-gateway", "gateway/target/x"):
        assert ignored(path, patterns), f"{path} must not be sent to the builder"
    for path in ("Cargo.toml", "Cargo.lock", "gateway/src/main.rs", "operator/src/serve.rs", "tests/Cargo.toml"):
        assert not ignored(path, patterns), f"{path} is needed by the build"


def test_expose_lists_the_default_ports(stages):
    exposed = set()
    for expose in stages[-1].all("EXPOSE"):
        exposed |= {int(p.split("/")[0]) for p in expose.args.split()}
    assert listen_ports() == {8080, 9090, 8081}
    assert exposed == listen_ports()


def test_build_context_is_a_complete_locked_workspace(stages, tmp_path):
    """What the builder COPYs (after .dockerignore) loads as a workspace whose Cargo.lock is current."""
    patterns = dockerignore_patterns()
    context = tmp_path / "context"
    context.mkdir()
    builder = stages[0]
    for copy in builder.all("COPY"):
        source_stage, sources, destination = copy_sources(copy)
        assert source_stage is None
        for source in sources:
            assert (ROOT / source).exists(), f"line {copy.line}: COPY {source}: no such path"
            assert not ignored(source, patterns), f"line {copy.line}: {source} is in .dockerignore"
            base = ROOT / source
            files = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
            for path in files:
                relative = path.relative_to(ROOT).as_posix()
                if ignored(relative, patterns):
                    continue
                target = context / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    result = subprocess.run(
        ["cargo", "metadata", "--locked", "--offline", "--format-version", "1"],
        cwd=context, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
