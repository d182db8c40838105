"""The Tiltfile, evaluated without Tilt, Docker or a cluster.

The Tiltfile is run by starlark-go (the Starlark interpreter Tilt itself embeds)
with a stub for each Tilt built-in it may use. The stubs know the real
parameter names of Tilt's API (https://docs.tilt.dev/api.html), so a misspelt
keyword, a positional argument too many or a built-in that is not listed fails
here instead of in `tilt up`. They record their calls; the tests then check
what the calls refer to: paths exist, the image built is the one the chart
runs, the port forwards reach the ports the chart's containers listen on.

helm() renders charts/chatops for real (helm-python-sdk, Helm's Go SDK as a
library, offline) with the values files the Tiltfile passes, so the dev values
are validated by the chart's values.schema.json and the workload names and
images are the chart's own.

starlark-go has no load() and no modules: the one extension the Tiltfile may
load, `load('ext://restart_process', 'docker_build_with_restart')`, is taken out
of the source and replaced by a stub with the extension's parameters (which
records the container command the extension makes); any other load() fails.
`config.define_bool`, `config.parse` and `os.name` are rewritten to stub names
(`config__parse`, ...), so another module attribute is an undefined name. The
Tiltfile is evaluated as on a Linux host with Debian 12's glibc (the live path:
host build, live_update) and with `--in-image-build` (the fallback), and as on
macOS and on a host with a newer glibc.

Not checked here: Tilt's own evaluation, the extension's real code (fetched by
Tilt), that the images build, that live_update syncs and restarts in a running
pod, that the cluster accepts the objects, and Tilt's grouping of the chart's
other objects.
"""

from __future__ import annotations

import copy
import pathlib
import re
import shlex

import helm_python
import pytest
import yaml
from starlark_go import EvalError, ResolveError, Starlark, SyntaxError as StarlarkSyntaxError
from starlark_go import configure_starlark

from test_dockerfile import (  # noqa: F401
    bins_by_package, built_binaries, image_tag, metadata, option_values, parse, run_commands, shipped_binaries,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
TILTFILE = ROOT / "Tiltfile"

# The Tilt built-ins the Tiltfile may call, each with its parameters in order,
# as in Tilt's API reference. A name missing here is undefined when the Tiltfile
# is evaluated; a keyword missing here is an error.
TILT_API: dict[str, tuple[str, ...]] = {
    "allow_k8s_contexts": ("contexts",),
    "k8s_context": (),
    "docker_build": (
        "ref", "context", "build_args", "dockerfile", "dockerfile_contents", "live_update",
        "match_in_env_vars", "ignore", "only", "entrypoint", "target", "ssh", "network",
        "secret", "extra_tag", "container_args", "cache_from", "pull", "platform", "extra_hosts",
    ),
    "custom_build": (
        "ref", "command", "deps", "tag", "disable_push", "skips_local_docker", "live_update",
        "match_in_env_vars", "ignore", "entrypoint", "command_bat_val", "outputs_image_ref_to",
        "command_bat", "image_deps", "env", "dir",
    ),
    "local_resource": (
        "name", "cmd", "deps", "trigger_mode", "resource_deps", "ignore", "auto_init",
        "serve_cmd", "cmd_bat", "serve_cmd_bat", "labels", "allow_parallel", "links", "tags",
        "env", "serve_env", "readiness_probe", "dir", "serve_dir",
    ),
    "k8s_yaml": ("yaml", "allow_duplicates"),
    "k8s_resource": (
        "workload", "new_name", "port_forwards", "extra_pod_selectors", "trigger_mode",
        "resource_deps", "objects", "auto_init", "pod_readiness", "links", "labels",
        "discovery_strategy",
    ),
    "helm": ("pathToChartDir", "name", "namespace", "values", "set", "kube_version", "skip_crds"),
    "local": ("command", "quiet", "command_bat", "echo_off", "env", "dir", "stdin"),
    "read_file": ("file_path", "default"),
    "read_yaml": ("path", "default"),
    "read_yaml_stream": ("path", "default"),
    "listdir": ("directory", "recursive"),
    "watch_file": ("file_path",),
    "sync": ("local_path", "remote_path"),
    "run": ("cmd", "trigger"),
    "restart_container": (),
    "fall_back_on": ("files",),
    "port_forward": ("local_port", "container_port", "name", "link_path", "host"),
    "link": ("url", "name"),
    "decode_yaml_stream": ("yaml",),
    "encode_yaml_stream": ("objs",),
    # Module functions (config.define_bool -> config__define_bool, see evaluate()).
    "config__define_bool": ("name", "args", "usage"),
    "config__parse": (),
}
REQUIRED: dict[str, int] = {  # how many leading parameters must be given
    "allow_k8s_contexts": 1, "docker_build": 2, "custom_build": 3, "local_resource": 1,
    "k8s_yaml": 1, "k8s_resource": 0, "helm": 1, "local": 1, "read_file": 1, "read_yaml": 1,
    "read_yaml_stream": 1, "listdir": 1, "watch_file": 1, "sync": 2, "run": 1,
    "fall_back_on": 1, "port_forward": 1, "link": 1, "decode_yaml_stream": 1, "encode_yaml_stream": 1,
    "config__define_bool": 1, "docker_build_with_restart": 4,
}
# Module attributes that are values (os.name -> os__name).
MODULE_ATTRIBUTES = ("os__name",)

# The restart_process extension (tilt-extensions, restart_process/Tiltfile):
# the one load() the Tiltfile may make, exactly as written here, and its function.
RESTART_PROCESS_LOAD = "load('ext://restart_process', 'docker_build_with_restart')"
DOCKER_BUILD_WITH_RESTART = (
    "ref", "context", "entrypoint", "live_update", "base_suffix", "restart_file", "trigger", "exit_policy",
)
RESTART_DEFAULTS = {
    "base_suffix": "-tilt_docker_build_with_restart_base", "restart_file": "/tmp/.restart-proc",
    "trigger": None, "exit_policy": "restart",
}
# What the extension's child build passes to docker_build itself.
RESTART_KWARGS_BLACKLIST = ("dockerfile", "dockerfile_contents", "target")
# Global constants of Tilt's API.
TILT_CONSTANTS = {"TRIGGER_MODE_AUTO": "TRIGGER_MODE_AUTO", "TRIGGER_MODE_MANUAL": "TRIGGER_MODE_MANUAL"}

# The dialect Tilt enables (its starkit sets resolve.AllowSet, AllowGlobalReassign,
# which also permits top-level if/for, and AllowRecursion).
configure_starlark(allow_set=True, allow_global_reassign=True, allow_recursion=True)

LOCAL_CONTEXT = re.compile(r"^(kind|k3d)-")

# The binaries of the image (test_dockerfile's shipped_binaries; checked below).
BINARIES = ("chatops-gateway", "chatops-operator")
LIVE_DOCKERFILE = ROOT / "tilt/Dockerfile.live"


class Tilt:
    """Stubs of the Tilt API that check their arguments and record the calls."""

    def __init__(self, context: str = "kind-chatops", settings: dict | None = None,
                 os_name: str = "posix", uname: str = "Linux", glibc: str = "2.36"):
        self.context = context
        self.settings = dict(settings or {})
        self.os_name = os_name
        self.uname = uname
        self.glibc = glibc
        self.calls: list[tuple[str, dict]] = []
        self.blobs: dict[str, dict] = {}
        self.defined: dict[str, dict] = {}

    def globals(self, extensions: bool = False) -> dict:
        stubs = {name: self._stub(name) for name in TILT_API}
        if extensions:
            stubs["docker_build_with_restart"] = self._docker_build_with_restart
        return {**stubs, **TILT_CONSTANTS, "os__name": self.os_name}

    def _docker_build_with_restart(self, *args, **kwargs):
        """restart_process's docker_build_with_restart: its checks, and the command it makes.

        The base image is docker_build(ref + base_suffix, context, **kwargs); the
        child docker_build(ref, <ext dir>, entrypoint=<restarter + entrypoint>,
        live_update=live_update + [run('date > ' + restart_file)], **kwargs without
        dockerfile/dockerfile_contents/target). Tilt makes that entrypoint the
        command of every container running ref, keeping the YAML's args.
        """
        name, params = "docker_build_with_restart", DOCKER_BUILD_WITH_RESTART
        if len(args) > len(params):
            raise TypeError(f"{name}: {len(args)} positional arguments, at most {len(params)}")
        bound = dict(zip(params, args))
        extra: dict = {}
        for key, value in kwargs.items():
            if key in bound:
                raise TypeError(f"{name}: {key!r} given twice")
            if key in params:
                bound[key] = value
            elif key in TILT_API["docker_build"] and key not in ("ref", "context"):
                extra[key] = value  # **kwargs, passed to docker_build
            else:
                raise TypeError(f"{name}: unexpected keyword argument {key!r} (not a docker_build parameter)")
        missing = [p for p in params[:4] if p not in bound]
        if missing:
            raise TypeError(f"{name}: missing {missing}")
        bound = {**RESTART_DEFAULTS, **bound}
        if not bound["live_update"]:
            raise ValueError("`docker_build_with_restart` requires at least one live_update step")
        entrypoint = bound["entrypoint"]
        command = ["/tilt-restart-wrapper", f"--watch_file={bound['restart_file']}"]
        if bound["exit_policy"] == "continue":
            command.append("--entr_flags=-r")
        if isinstance(entrypoint, str):
            command += ["sh", "-c", entrypoint]
        elif isinstance(entrypoint, (list, tuple)):
            command += list(entrypoint)
        else:
            raise TypeError("`entrypoint` must be a string or list of strings")
        self.calls.append((name, {**bound, "kwargs": extra, "command": command}))
        return None

    def called(self, name: str) -> list[dict]:
        return [args for n, args in self.calls if n == name]

    def _stub(self, name: str):
        params = TILT_API[name]

        def stub(*args, **kwargs):
            if len(args) > len(params):
                raise TypeError(f"{name}: {len(args)} positional arguments, at most {len(params)}")
            bound = dict(zip(params, args))
            for key, value in kwargs.items():
                if key not in params:
                    raise TypeError(f"{name}: unexpected keyword argument {key!r}")
                if key in bound:
                    raise TypeError(f"{name}: {key!r} given twice")
                bound[key] = value
            missing = [p for p in params[: REQUIRED.get(name, 0)] if p not in bound]
            if missing:
                raise TypeError(f"{name}: missing {missing}")
            self.calls.append((name, bound))
            return getattr(self, "_" + name, lambda _: None)(bound)

        stub.__name__ = name
        return stub

    # Return values of the built-ins that have one.

    def _k8s_context(self, _):
        return self.context

    def _config__define_bool(self, args):
        if args["name"] in self.defined:
            raise ValueError(f"config.define_bool: {args['name']!r} defined twice")
        self.defined[args["name"]] = args

    def _config__parse(self, _):
        unknown = set(self.settings) - set(self.defined)
        if unknown:
            raise ValueError(f"config.parse: undefined settings {sorted(unknown)}")
        return dict(self.settings)

    def _local(self, args):
        command = args["command"]
        if command == "uname":
            return self.uname + "\n"
        if command == "getconf GNU_LIBC_VERSION":
            assert self.uname == "Linux", "getconf GNU_LIBC_VERSION on a host that is not Linux"
            return f"glibc {self.glibc}\n"
        if command == "mkdir -p target/debug":
            return ""
        raise AssertionError(f"local({command!r}): not a command this test knows")

    def _decode_yaml_stream(self, args):
        blob = args["yaml"]
        assert blob in self.blobs, "decode_yaml_stream: not a blob of helm() or encode_yaml_stream()"
        return copy.deepcopy(self.blobs[blob]["objects"])

    def _encode_yaml_stream(self, args):
        key = f"<encoded blob {len(self.blobs)}>"
        self.blobs[key] = {"chart": None, "objects": copy.deepcopy(list(args["objs"]))}
        return key

    def _listdir(self, args):
        directory = ROOT / args["directory"]
        pattern = "**/*" if args.get("recursive") else "*"
        return sorted(str(p) for p in directory.glob(pattern) if p.is_file())

    def _read_file(self, args):
        path = ROOT / (args.get("file_path") or args["path"])
        if not path.exists() and "default" in args:
            return args["default"]
        return path.read_text()

    def _read_yaml(self, args):
        return yaml.safe_load(self._read_file(args))

    def _read_yaml_stream(self, args):
        return [d for d in yaml.safe_load_all(self._read_file(args)) if d is not None]

    def _port_forward(self, args):
        return {"port_forward": args}

    def _link(self, args):
        return {"link": args}

    def _sync(self, args):
        return {"sync": args}

    def _run(self, args):
        return {"run": args}

    def _helm(self, args):
        """Renders the chart like `helm template` (CRDs left out, as with skip_crds)."""
        chart = helm_python.Chart.load(str(ROOT / args["pathToChartDir"]))
        values: dict = {}
        for path in list_of(args.get("values", [])):
            deep_merge(values, yaml.safe_load((ROOT / path).read_text()) or {})
        for assignment in list_of(args.get("set", [])):
            deep_merge(values, helm_python.parse_set_string(assignment))
        rendered = chart.render(
            values, name=args.get("name") or "chart", namespace=args.get("namespace") or "default",
            is_install=True,
        )
        objects = [
            doc
            for path, text in sorted(rendered.items())
            if path.endswith((".yaml", ".yml"))
            for doc in yaml.safe_load_all(text)
            if doc
        ]
        key = f"<helm blob {len(self.blobs)}>"
        self.blobs[key] = {"chart": args["pathToChartDir"], "objects": objects}
        return key


def list_of(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def deep_merge(into: dict, new: dict) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value


MODULE_ATTRIBUTE = re.compile(r"\b(config|os)\.([A-Za-z_]\w*)")


def prepare(source: str) -> tuple[str, bool]:
    """The source starlark-go can run: restart_process's load() out, module attributes renamed.

    Only that exact load statement, on a line of its own, is taken out (the
    line stays, empty, so that line numbers hold); any other load() is left in
    and fails, as starlark-go has no loader.
    """
    lines = source.split("\n")
    loads = [i for i, line in enumerate(lines) if line.strip() == RESTART_PROCESS_LOAD]
    assert len(loads) <= 1, "restart_process loaded twice"
    for i in loads:
        lines[i] = ""
    return MODULE_ATTRIBUTE.sub(r"\1__\2", "\n".join(lines)), bool(loads)


def evaluate(source: str, context: str = "kind-chatops", **host) -> Tilt:
    tilt = Tilt(context, **host)
    source, extensions = prepare(source)
    # starlark-go 1.0.1 does not keep the Python callables it is given alive:
    # hold them (in tilt.builtins) for as long as the interpreter may call them.
    tilt.builtins = tilt.globals(extensions)
    Starlark(globals=tilt.builtins).exec(source, filename="Tiltfile")
    return tilt


# The hosts the Tiltfile is evaluated on: the live path and its fallbacks.
LIVE = {}
IN_IMAGE = {"settings": {"in-image-build": True}}
FALLBACKS = {
    "in-image-build": IN_IMAGE,
    "macos": {"uname": "Darwin"},
    "windows": {"os_name": "nt", "uname": "unused"},
    "newer-glibc": {"glibc": "2.39"},
}


@pytest.fixture(scope="module", params=["live", "in-image-build"])
def tilt(request) -> Tilt:
    """The Tiltfile as evaluated on a Linux host (live_update), and with --in-image-build."""
    return evaluate(TILTFILE.read_text(), **(LIVE if request.param == "live" else IN_IMAGE))


@pytest.fixture(scope="module")
def live() -> Tilt:
    return evaluate(TILTFILE.read_text(), **LIVE)


@pytest.fixture(scope="module")
def in_image() -> Tilt:
    return evaluate(TILTFILE.read_text(), **IN_IMAGE)


def existing(path: str) -> pathlib.Path:
    resolved = ROOT / path  # absolute paths (from listdir) stay absolute
    assert resolved.exists(), f"{path}: no such file or directory"
    return resolved


def rendered_objects(tilt: Tilt) -> list[dict]:
    """The objects of the blobs (helm(), encode_yaml_stream()) that are applied with k8s_yaml."""
    applied = [item for call in tilt.called("k8s_yaml") for item in list_of(call["yaml"]) if item in tilt.blobs]
    return [obj for key in applied for obj in tilt.blobs[key]["objects"]]


def workloads(tilt: Tilt) -> dict[str, dict]:
    kinds = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
    return {o["metadata"]["name"]: o for o in rendered_objects(tilt) if o["kind"] in kinds}


def containers(workload: dict) -> list[dict]:
    return workload["spec"]["template"]["spec"]["containers"]


def resource_names(tilt: Tilt) -> set[str]:
    names = {c.get("new_name") or c.get("workload") for c in tilt.called("k8s_resource")}
    names |= {c["name"] for c in tilt.called("local_resource")}
    return names


# --- The harness itself ----------------------------------------------------------


def test_unknown_builtin_or_keyword_fails():
    with pytest.raises(ResolveError):
        evaluate("docker_build_with_restart('x', '.')")  # not loaded
    with pytest.raises(EvalError, match="unexpected keyword argument 'live_updates'"):
        evaluate("docker_build('x', '.', live_updates=[])")
    with pytest.raises(EvalError, match="missing"):
        evaluate("docker_build('x')")
    with pytest.raises(ResolveError):
        evaluate("x = os.getcwd()")
    with pytest.raises(ResolveError):
        evaluate("config.define_string('x')")
    with pytest.raises(EvalError, match="unexpected keyword argument 'default'"):
        evaluate("config.define_bool('x', default=True)")


@pytest.mark.parametrize("statement", [
    "load('ext://restart_process', 'custom_build_with_restart')",
    "load('ext://restart_process', 'docker_build_with_restart', 'custom_build_with_restart')",
    "load('ext://helm_resource', 'helm_resource')",
    "load('./other.star', 'x')",
])
def test_other_loads_fail(statement):
    with pytest.raises((EvalError, ResolveError)):
        evaluate(statement)


def test_the_restart_process_stub_checks_like_the_extension():
    load = RESTART_PROCESS_LOAD + "\n"
    tilt = evaluate(load + "docker_build_with_restart('x', '.', entrypoint=['/x'], live_update=[sync('a', '/a')], only=['a'])")
    (call,) = tilt.called("docker_build_with_restart")
    assert call["command"] == ["/tilt-restart-wrapper", "--watch_file=/tmp/.restart-proc", "/x"]
    assert call["kwargs"] == {"only": ["a"]}
    with pytest.raises(EvalError, match="at least one live_update step"):
        evaluate(load + "docker_build_with_restart('x', '.', entrypoint=['/x'], live_update=[])")
    with pytest.raises(EvalError, match="missing"):
        evaluate(load + "docker_build_with_restart('x', '.', live_update=[sync('a', '/a')])")
    with pytest.raises(EvalError, match="unexpected keyword argument 'live_updates'"):
        evaluate(load + "docker_build_with_restart('x', '.', entrypoint='x', live_update=[sync('a', '/a')], live_updates=[])")


def test_a_broken_tiltfile_does_not_evaluate():
    broken = TILTFILE.read_text().replace("CHART = helm(", "CHART = helm((", 1)
    assert broken != TILTFILE.read_text()
    with pytest.raises(StarlarkSyntaxError):
        evaluate(broken)


# --- The Tiltfile ------------------------------------------------------------------


def image_builds(tilt: Tilt) -> list[dict]:
    return tilt.called("docker_build") + tilt.called("custom_build") + tilt.called("docker_build_with_restart")


def test_evaluates_with_only_the_listed_builtins(tilt):
    assert image_builds(tilt)
    assert tilt.called("helm") and tilt.called("k8s_resource")


def test_allows_only_local_contexts(tilt):
    allowed = [c for call in tilt.called("allow_k8s_contexts") for c in list_of(call["contexts"])]
    assert allowed, "allow_k8s_contexts names the local cluster"
    assert all(LOCAL_CONTEXT.match(c) for c in allowed), allowed
    assert evaluate(TILTFILE.read_text(), "k3d-dev").called("allow_k8s_contexts")


@pytest.mark.parametrize("context", ["gke_prod_europe-west1_main", "arn:aws:eks:eu-west-1:1:cluster/prod", "docker-desktop", "kindergarten"])
def test_refuses_other_contexts(context):
    with pytest.raises(EvalError, match="not a kind or k3d cluster"):
        evaluate(TILTFILE.read_text(), context)


def test_the_image_built_is_the_image_the_chart_runs(tilt):
    refs = {c["ref"] for c in image_builds(tilt)}
    assert len(refs) == 1, refs
    (ref,) = refs
    for call in tilt.called("helm"):
        for path in list_of(call.get("values", [])):
            values = yaml.safe_load(existing(path).read_text())
            assert values["image"]["repository"] == ref, f"{path}: image.repository is not {ref}"
    images = {c["image"] for w in workloads(tilt).values() for c in containers(w)}
    assert images, "the chart renders workloads"
    for image in images:
        assert image_tag(image)[0] == ref, f"the chart runs {image}, Tilt builds {ref}"


def test_docker_build_paths_exist_and_dev_image_matches_production(tilt):
    production = parse((ROOT / "Dockerfile").read_text())
    for call in tilt.called("docker_build"):
        existing(call["context"])
        for path in list_of(call.get("only", [])):
            existing(path)
        dockerfile = existing(call.get("dockerfile", "Dockerfile"))
        dev = parse(dockerfile.read_text())
        # Same bases, user, ports and entrypoint as the image that ships.
        assert [s.image for s in dev] == [s.image for s in production]
        for keyword in ("USER", "EXPOSE", "ENTRYPOINT"):
            assert [i.args for i in dev[-1].all(keyword)] == [i.args for i in production[-1].all(keyword)], keyword
        # Both binaries, built from the lock file.
        builds = [c for s in dev[:-1] for r in s.all("RUN") for c in run_commands(r) if c[:2] == ["cargo", "build"]]
        assert builds and all("--locked" in c for c in builds)
        copied = {pathlib.PurePosixPath(src).name for i in dev[-1].all("COPY") for src in i.args.split()[1:-1]}
        assert copied == {"chatops-gateway", "chatops-operator"}


def test_live_update_syncs_existing_paths(tilt):
    """Sources of syncs exist, or are what the compile step builds (checked below)."""
    compiled = {f"target/debug/{b}" for b in BINARIES}
    steps = [s for c in image_builds(tilt) for s in c.get("live_update") or []]
    for step in steps:
        if "sync" in step and step["sync"]["local_path"] not in compiled:
            existing(step["sync"]["local_path"])
        for path in list_of(step.get("fall_back_on", {}).get("files", [])):
            existing(path)
    for call in tilt.called("sync"):
        if call["local_path"] not in compiled:
            existing(call["local_path"])


def test_chart_and_values_exist(tilt):
    (call,) = tilt.called("helm")
    chart = existing(call["pathToChartDir"])
    assert (chart / "Chart.yaml").is_file()
    for path in list_of(call.get("values", [])):
        existing(path)
    assert call.get("skip_crds") is True, "the CRDs come from crds/yaml, once"


def test_every_k8s_yaml_path_exists(tilt):
    for call in tilt.called("k8s_yaml"):
        for item in list_of(call["yaml"]):
            if item in tilt.blobs:
                continue
            existing(item)
    applied = {pathlib.Path(p).resolve() for c in tilt.called("k8s_yaml") for p in list_of(c["yaml"]) if p not in tilt.blobs}
    for directory in ("crds/yaml", "examples/quickstart"):
        expected = {p.resolve() for p in (ROOT / directory).glob("*.yaml")}
        assert expected and expected <= applied, f"{directory}: not all applied"


def test_quickstart_goes_to_the_release_namespace(tilt):
    (call,) = tilt.called("helm")
    for path in (ROOT / "examples/quickstart").glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                assert doc["metadata"].get("namespace") == call["namespace"], path
    namespaces = [
        d["metadata"]["name"]
        for c in tilt.called("k8s_yaml") for p in list_of(c["yaml"]) if p not in tilt.blobs
        for d in yaml.safe_load_all(existing(p).read_text()) if d and d["kind"] == "Namespace"
    ]
    assert namespaces == [call["namespace"]]


def test_dev_values_one_replica_each_and_debug_logs(tilt):
    for name, workload in workloads(tilt).items():
        assert workload["spec"].get("replicas") == 1, name
        env = {e["name"]: e.get("value", "") for c in containers(workload) for e in c.get("env", [])}
        assert "debug" in env.get("RUST_LOG", ""), f"{name}: RUST_LOG with debug"


def test_resources_name_chart_workloads_and_known_dependencies(tilt):
    names = resource_names(tilt)
    rendered = workloads(tilt)
    for call in tilt.called("k8s_resource"):
        if call.get("workload"):
            assert call["workload"] in rendered, f"k8s_resource({call['workload']!r}): the chart has {sorted(rendered)}"
        for dep in list_of(call.get("resource_deps", [])):
            assert dep in names, f"resource_deps: {dep} is not a resource"
        assert call.get("labels"), f"{call.get('workload') or call.get('new_name')}: labels"


def test_port_forwards_reach_the_containers(tilt):
    rendered = workloads(tilt)
    forwards: dict[int, str] = {}
    for call in tilt.called("k8s_resource"):
        for forward in list_of(call.get("port_forwards", [])):
            spec = forward["port_forward"] if isinstance(forward, dict) else {"local_port": int(str(forward).split(":")[0])}
            local = int(spec["local_port"])
            remote = int(spec.get("container_port") or local)
            workload = call.get("workload")
            assert workload in rendered, "port forwards belong to a chart workload"
            ports = {p["containerPort"] for c in containers(rendered[workload]) for p in c.get("ports", [])}
            assert remote in ports, f"{workload} forwards {remote}, its containers expose {sorted(ports)}"
            forwards[local] = workload
    assert {8080, 9090, 8081} <= set(forwards), forwards
    assert forwards[8080].endswith("gateway") and forwards[9090].endswith("gateway")
    assert forwards[8081].endswith("operator")


def test_object_selectors_name_exactly_one_applied_object(tilt):
    """k8s_resource(objects=...) fails in Tilt when a selector matches no object or several."""
    applied = list(rendered_objects(tilt))
    for call in tilt.called("k8s_yaml"):
        for item in list_of(call["yaml"]):
            if item not in tilt.blobs:
                applied += [d for d in yaml.safe_load_all(existing(item).read_text()) if d]
    claimed: set[int] = set()
    for call in tilt.called("k8s_resource"):
        for selector in list_of(call.get("objects", [])):
            parts = selector.split(":")
            matches = [
                i for i, o in enumerate(applied)
                if all(
                    want.lower() == have.lower()
                    for want, have in zip(parts, (o["metadata"]["name"], o["kind"], o["metadata"].get("namespace", "")))
                )
            ]
            assert len(matches) == 1, f"{selector}: matches {len(matches)} objects"
            assert matches[0] not in claimed, f"{selector}: already in a resource"
            claimed.add(matches[0])


# --- The live path: host build, live_update, restart_process ----------------------


def test_binaries_are_the_shipped_ones(metadata):
    assert set(BINARIES) == shipped_binaries(metadata)


@pytest.mark.parametrize("host", sorted(FALLBACKS))
def test_fallback_builds_in_the_image_without_live_update(host):
    tilt = evaluate(TILTFILE.read_text(), **FALLBACKS[host])
    (build,) = tilt.called("docker_build")
    assert build["dockerfile"] == "tilt/Dockerfile.dev" and not build.get("live_update")
    assert not tilt.called("docker_build_with_restart")
    assert "compile" not in resource_names(tilt)
    # The chart's objects as rendered: the image runs exactly as it ships.
    (helm,) = tilt.called("helm")
    (chart,) = [k for k, b in tilt.blobs.items() if b["chart"]]
    assert rendered_objects(tilt) == tilt.blobs[chart]["objects"]


def test_live_on_a_linux_host_with_debian_12s_glibc(live):
    assert "in-image-build" in live.defined and not live.defined["in-image-build"].get("args")
    assert live.called("docker_build_with_restart") and not live.called("docker_build")
    assert evaluate(TILTFILE.read_text(), glibc="2.35").called("docker_build_with_restart")


def compile_step(tilt: Tilt) -> dict:
    (step,) = [c for c in tilt.called("local_resource") if c["name"] == "compile"]
    return step


def compile_command(tilt: Tilt) -> list[str]:
    command = shlex.split(compile_step(tilt)["cmd"])
    assert command[:2] == ["cargo", "build"] and not {"&&", "||", ";", "|"} & set(command), command
    return command


def test_compile_builds_the_binaries_locked_like_the_dev_image(live, metadata):
    command = compile_command(live)
    assert "--locked" in command
    assert not {"--release", "--target", "--profile"} & set(command), "target/debug, for the host"
    assert built_binaries(command, metadata) == set(BINARIES)
    # The debug info of tilt/Dockerfile.dev's build.
    dev = parse((ROOT / "tilt/Dockerfile.dev").read_text())
    env = {i.args.split("=", 1)[0]: i.args.split("=", 1)[1] for s in dev for i in s.all("ENV")}
    for key, value in (compile_step(live).get("env") or {}).items():
        assert env.get(key) == value, key


def covered(path: pathlib.Path, deps: list[pathlib.Path]) -> bool:
    return any(path == d or d in path.parents for d in deps)


def test_compile_deps_cover_the_crates_sources(live, metadata):
    """Every source file of the built packages and their path dependencies triggers the compile step."""
    step = compile_step(live)
    deps = [existing(d).resolve() for d in list_of(step["deps"])]
    by_name = {p["name"]: p for p in metadata["packages"]}
    todo = option_values(compile_command(live), "-p", "--package")
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        package = by_name[name]
        manifest = pathlib.Path(package["manifest_path"]).resolve()
        assert covered(manifest, deps), f"{manifest}: not in the compile step's deps"
        for target in package["targets"]:
            if target["kind"] != ["custom-build"] and not {"bin", "lib", "proc-macro"} & set(target["kind"]):
                continue
            source_dir = pathlib.Path(target["src_path"]).resolve().parent
            for source in source_dir.rglob("*"):
                if source.is_file():
                    assert covered(source, deps), f"{source}: not in the compile step's deps"
        todo += [d["name"] for d in package["dependencies"] if d.get("path") and d["kind"] in (None, "build")]
    assert seen >= {"chatops-gateway", "chatops-operator", "chatops-crds"}, seen
    # The workspace's manifests and lock file: cargo reads them all.
    for member in metadata["workspace_members"]:
        (package,) = [p for p in metadata["packages"] if p["id"] == member]
        assert covered(pathlib.Path(package["manifest_path"]).resolve(), deps), package["name"]
    for path in ("Cargo.toml", "Cargo.lock"):
        assert covered((ROOT / path).resolve(), deps), path
    # Its own output would trigger it again: nothing under target/.
    assert not [d for d in deps if (ROOT / "target").resolve() in [d, *d.parents]]


def live_build(tilt: Tilt) -> dict:
    (call,) = tilt.called("docker_build_with_restart")
    return call


def live_stage():
    stages = parse(LIVE_DOCKERFILE.read_text())
    assert len(stages) == 1, "one stage: the binaries come from the host"
    return stages[0]


def copied_binaries(stage) -> dict[str, str]:
    """name -> path in the image, of the files the stage COPYs from the context."""
    found = {}
    for instruction in stage.all("COPY"):
        words = [w for w in instruction.args.split() if not w.startswith("--")]
        assert not [w for w in instruction.args.split() if w.startswith("--from")]
        sources, destination = words[:-1], words[-1]
        for source in sources:
            name = pathlib.PurePosixPath(source).name
            target = destination + name if destination.endswith("/") else destination
            found[name] = target
    return found


def test_live_image_is_the_debug_variant_of_the_production_base(live):
    call = live_build(live)
    assert call["kwargs"]["dockerfile"] == "tilt/Dockerfile.live"
    production = parse((ROOT / "Dockerfile").read_text())[-1]
    stage = live_stage()
    repository, tag, _ = image_tag(production.image)
    assert stage.image == f"{repository}:debug-{tag}", "the debug variant (busybox) of the runtime base"
    for keyword in ("USER", "EXPOSE", "ENTRYPOINT"):
        # The last USER counts: the stage may switch to root to prepare directories.
        assert [i.args for i in stage.all(keyword)][-1:] == [i.args for i in production.all(keyword)][-1:], keyword
    # Busybox for the commands live_update and the extension run in the image.
    (path,) = [i.args.split("=", 1)[1] for i in stage.all("ENV") if i.args.startswith("PATH=")]
    assert "/busybox" in path.split(":")
    assert [i.args for i in stage.all("SHELL")] == ['["/busybox/sh", "-c"]']


def test_live_image_is_built_from_the_compiled_binaries(live):
    call = live_build(live)
    context = call["context"]
    assert context == "target/debug", "the compile step's output"
    assert not (ROOT / context / ".dockerignore").exists()
    only = list_of(call["kwargs"].get("only", []))
    copied = copied_binaries(live_stage())
    assert set(copied) == set(BINARIES)
    assert set(only) == set(copied), "only the binaries are sent and watched"
    for destination in copied.values():
        assert destination.startswith("/usr/local/bin/")


def test_live_update_syncs_the_compiled_binaries_to_where_the_image_has_them(live):
    call = live_build(live)
    copied = copied_binaries(live_stage())
    steps = list_of(call["live_update"])
    syncs = {s["sync"]["local_path"]: s["sync"]["remote_path"] for s in steps if "sync" in s}
    assert len(syncs) == len(steps), "only syncs; the extension adds the restart"
    assert syncs == {f"target/debug/{name}": copied[name] for name in BINARIES}
    # What the compile step writes is what is synced.
    assert {pathlib.PurePosixPath(p).name for p in syncs} == set(BINARIES)
    assert all(pathlib.PurePosixPath(p).parent == pathlib.PurePosixPath("target/debug") for p in syncs)


def test_image_waits_for_the_compile_step(live):
    for workload in ("chatops-operator", "chatops-gateway"):
        (call,) = [c for c in live.called("k8s_resource") if c.get("workload") == workload]
        assert "compile" in list_of(call.get("resource_deps", [])), workload


def chart_objects(tilt: Tilt) -> dict[str, dict]:
    """The chart's workloads as helm() rendered them, before the Tiltfile changed anything."""
    (key,) = [k for k, b in tilt.blobs.items() if b["chart"]]
    return {o["metadata"]["name"]: o for o in tilt.blobs[key]["objects"] if o["kind"] == "Deployment"}


def test_pods_run_the_charts_command_under_the_restarter(live):
    """restart_process's command replaces the YAML's; the chart's command line follows as args."""
    call = live_build(live)
    command = call["command"]
    restart_file = call["restart_file"]
    assert command[:2] == ["/tilt-restart-wrapper", f"--watch_file={restart_file}"]
    entrypoint = command[2:]
    # A tiny sh that runs its arguments: the binary and its flags.
    assert entrypoint[:3] == ["/busybox/sh", "-c", 'exec "$@"'] and len(entrypoint) == 4, entrypoint
    original = chart_objects(live)
    applied = workloads(live)
    assert set(original) == set(applied) == {"chatops-operator", "chatops-gateway"}
    for name, workload in applied.items():
        (before,) = containers(original[name])
        (after,) = containers(workload)
        assert image_tag(after["image"])[0] == call["ref"]
        assert "command" not in after
        # What runs: /busybox/sh -c 'exec "$@"' <$0> <args...> executes args.
        runs = after["args"]
        assert runs == before["command"] + before.get("args", []), name
        binary = pathlib.PurePosixPath(runs[0]).name
        assert binary in BINARIES and name.endswith(binary.removeprefix("chatops-")), (name, runs[0])
        assert runs[0] == copied_binaries(live_stage())[binary], "the path the image and live_update put it at"


def test_live_update_can_write_where_it_syncs_and_signals(live):
    call = live_build(live)
    restart_file = pathlib.PurePosixPath(call["restart_file"])
    targets = [pathlib.PurePosixPath(s["sync"]["remote_path"]) for s in call["live_update"]]
    original = chart_objects(live)
    for name, workload in workloads(live).items():
        (container,) = containers(workload)
        assert container["securityContext"]["readOnlyRootFilesystem"] is False, name
        mounts = [pathlib.PurePosixPath(m["mountPath"]) for m in container.get("volumeMounts", [])]
        for path in [restart_file, *targets]:
            # A volume there would hide what the image has (the restart file must
            # exist when the restarter starts) or take the synced binary away.
            assert not [m for m in mounts if m == path or m in path.parents], (name, path)
        # Nothing else differs from the chart.
        (before,) = containers(original[name])
        expected = copy.deepcopy(before)
        expected["args"] = expected.pop("command") + expected.get("args", [])
        expected["securityContext"]["readOnlyRootFilesystem"] = False
        assert container == expected, name
        rest = {k: v for k, v in workload.items() if k != "spec"}
        assert rest == {k: v for k, v in original[name].items() if k != "spec"}
    # The extension creates the restart file in the image as the image's user.
    assert str(restart_file).startswith("/home/nonroot/")


def test_in_image_build_runs_the_chart_unchanged(in_image):
    assert rendered_objects(in_image) == [
        o for k, b in in_image.blobs.items() if b["chart"] for o in b["objects"]
    ]
