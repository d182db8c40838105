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

Not checked here: Tilt's own evaluation (its extra built-ins, load() of
extensions, which are not available), that the image builds, that the cluster
accepts the objects, and Tilt's grouping of the chart's other objects.
"""

from __future__ import annotations

import pathlib
import re

import helm_python
import pytest
import yaml
from starlark_go import EvalError, ResolveError, Starlark, SyntaxError as StarlarkSyntaxError
from starlark_go import configure_starlark

from test_dockerfile import image_tag, parse, run_commands, shipped_binaries  # noqa: F401

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
}
REQUIRED: dict[str, int] = {  # how many leading parameters must be given
    "allow_k8s_contexts": 1, "docker_build": 2, "custom_build": 3, "local_resource": 1,
    "k8s_yaml": 1, "k8s_resource": 0, "helm": 1, "local": 1, "read_file": 1, "read_yaml": 1,
    "read_yaml_stream": 1, "listdir": 1, "watch_file": 1, "sync": 2, "run": 1,
    "fall_back_on": 1, "port_forward": 1, "link": 1,
}
# Global constants of Tilt's API.
TILT_CONSTANTS = {"TRIGGER_MODE_AUTO": "TRIGGER_MODE_AUTO", "TRIGGER_MODE_MANUAL": "TRIGGER_MODE_MANUAL"}

# The dialect Tilt enables (its starkit sets resolve.AllowSet, AllowGlobalReassign,
# which also permits top-level if/for, and AllowRecursion).
configure_starlark(allow_set=True, allow_global_reassign=True, allow_recursion=True)

LOCAL_CONTEXT = re.compile(r"^(kind|k3d)-")


class Tilt:
    """Stubs of the Tilt API that check their arguments and record the calls."""

    def __init__(self, context: str = "kind-chatops"):
        self.context = context
        self.calls: list[tuple[str, dict]] = []
        self.blobs: dict[str, dict] = {}

    def globals(self) -> dict:
        stubs = {name: self._stub(name) for name in TILT_API}
        return {**stubs, **TILT_CONSTANTS}

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


def evaluate(source: str, context: str = "kind-chatops") -> Tilt:
    tilt = Tilt(context)
    # starlark-go 1.0.1 does not keep the Python callables it is given alive:
    # hold them (in tilt.builtins) for as long as the interpreter may call them.
    tilt.builtins = tilt.globals()
    Starlark(globals=tilt.builtins).exec(source, filename="Tiltfile")
    return tilt


@pytest.fixture(scope="module")
def tilt() -> Tilt:
    return evaluate(TILTFILE.read_text())


def existing(path: str) -> pathlib.Path:
    resolved = ROOT / path  # absolute paths (from listdir) stay absolute
    assert resolved.exists(), f"{path}: no such file or directory"
    return resolved


def rendered_objects(tilt: Tilt) -> list[dict]:
    return [obj for blob in tilt.blobs.values() for obj in blob["objects"]]


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
        evaluate("docker_build_with_restart('x', '.')")
    with pytest.raises(EvalError, match="unexpected keyword argument 'live_updates'"):
        evaluate("docker_build('x', '.', live_updates=[])")
    with pytest.raises(EvalError, match="missing"):
        evaluate("docker_build('x')")
    with pytest.raises(EvalError):
        evaluate("load('ext://restart_process', 'docker_build_with_restart')")


def test_a_broken_tiltfile_does_not_evaluate():
    broken = TILTFILE.read_text().replace("k8s_yaml(helm(", "k8s_yaml(helm((", 1)
    assert broken != TILTFILE.read_text()
    with pytest.raises(StarlarkSyntaxError):
        evaluate(broken)


# --- The Tiltfile ------------------------------------------------------------------


def test_evaluates_with_only_the_listed_builtins(tilt):
    assert tilt.called("docker_build") or tilt.called("custom_build")
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
    refs = {c["ref"] for c in tilt.called("docker_build") + tilt.called("custom_build")}
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
    steps = [s for c in tilt.called("docker_build") + tilt.called("custom_build") for s in c.get("live_update") or []]
    for step in steps:
        if "sync" in step:
            existing(step["sync"]["local_path"])
        for path in list_of(step.get("fall_back_on", {}).get("files", [])):
            existing(path)
    for call in tilt.called("sync"):
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
