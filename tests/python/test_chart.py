"""The Helm chart charts/chatops, linted and rendered by Helm itself.

helm-python-sdk is Helm v4 as a library (no helm binary): `lint`, and
`Chart.render`, which validates the values against values.schema.json and
renders the templates offline, as `helm template` does. Every rendered object
is then checked by kubernetes-validate against the Kubernetes OpenAPI schema,
unknown fields refused (strict), and by the assertions below on what the
chart promises: restricted pod security, least-privilege RBAC exactly as
docs/rbac.md, a gateway without API access, the CRDs as generated.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r tests/python/requirements.txt
    /tmp/venv/bin/pytest tests/python/test_chart.py -q
"""

import json
import pathlib
import re

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "chatops"
RELEASE = "chatops"
NAMESPACE = "chatops"

# The newest Kubernetes kubernetes-validate 1.37.0 ships schemas for, and the
# oldest the project supports (k8s-openapi feature v1_33).
KUBERNETES_VERSIONS = ["1.33", "1.37"]

# Kinds the Kubernetes OpenAPI schema does not know: custom resources of other
# projects. They are checked structurally in test_service_monitor_shape.
NOT_BUILT_IN = {("monitoring.coreos.com/v1", "ServiceMonitor")}

INGRESS = {"enabled": True, "host": "chatops.example.com", "className": "nginx",
           "tls": {"enabled": True, "secretName": "chatops-tls"},
           "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"}}

# The option matrix: every case is linted, rendered and validated.
CASES = {
    "default": {},
    "ingress-tls": {"gateway": {"ingress": INGRESS}},
    "hpa": {"gateway": {"autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 6}}},
    "network-policy": {"networkPolicy": {"enabled": True}},
    "network-policy-socket-mode": {"networkPolicy": {"enabled": True, "gatewayWebhooks": False}},
    "network-policy-apiserver": {"networkPolicy": {
        "enabled": True, "apiServer": {"cidrs": ["10.0.0.1/32"], "ports": [6443]},
        "gatewayExtraEgress": [{"ports": [{"port": 8080, "protocol": "TCP"}]}]}},
    "service-monitor": {"metrics": {"serviceMonitor": {"enabled": True,
                                                       "labels": {"release": "prometheus"}}}},
    "multi-namespace": {"operator": {"watch": {"namespaces": ["team-a", "team-b"]}}},
    "all-namespaces": {"operator": {"watch": {"allNamespaces": True}}},
    "public-url": {"gateway": {"publicUrl": "https://chat.example.com"}},
    "single-replicas": {"operator": {"replicas": 1}, "gateway": {"replicas": 1}},
    "redis-started": {"redis": {"enabled": True}, "networkPolicy": {"enabled": True},
                      "gateway": {"autoscaling": {"enabled": True}}},
    "redis-started-password": {"redis": {"enabled": True, "auth": {"existingSecret": "chatops-redis"}},
                               "gateway": {"extraEnv": [{"name": "RUST_BACKTRACE", "value": "1"}]}},
    "redis-existing": {"redis": {"existingSecret": "shared-redis", "existingSecretKey": "redis-url"},
                       "networkPolicy": {"enabled": True}},
    "everything": {
        "image": {"tag": "1.2.3", "pullPolicy": "Always"},
        "imagePullSecrets": [{"name": "regcred"}],
        "operator": {"watch": {"namespaces": ["team-a"]}, "extraArgs": ["--resync-seconds=600"],
                     "nodeSelector": {"kubernetes.io/os": "linux"},
                     "tolerations": [{"key": "dedicated", "operator": "Exists"}]},
        "gateway": {"ingress": INGRESS, "autoscaling": {"enabled": True},
                    "extraArgs": ["--max-concurrent-commands=32"],
                    "affinity": {"podAntiAffinity": {}}},
        "networkPolicy": {"enabled": True},
        "metrics": {"serviceMonitor": {"enabled": True}},
    },
}


@pytest.fixture(scope="session")
def chart():
    with helm.Chart.load(CHART) as loaded:
        yield loaded


def render(chart, values=None):
    """Renders the chart; returns (objects, NOTES.txt)."""
    manifests = chart.render(values or {}, name=RELEASE, namespace=NAMESPACE)
    objects, notes = [], None
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt"):
            notes = text
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects, notes


def of_kind(objects, kind):
    return [o for o in objects if o["kind"] == kind]


def one(objects, kind, name):
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def deployment(objects, component):
    return one(objects, "Deployment", f"{RELEASE}-{component}")


# --- lint, render, validate --------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_lint_is_clean(case):
    report = helm.lint(CHART, CASES[case], namespace=NAMESPACE, strict=True)
    assert report["errors"] == []
    findings = [m for m in report["messages"]
                if not (m["severity"] == 1 and "icon is recommended" in m["error"])]
    assert findings == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("case", CASES)
def test_every_manifest_is_valid_kubernetes(chart, case, version):
    objects, _ = render(chart, CASES[case])
    assert objects
    for obj in objects:
        if (obj["apiVersion"], obj["kind"]) in NOT_BUILT_IN:
            continue
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{obj['kind']}/{obj['metadata']['name']} ({case}): {error.message} "
                        f"at {list(error.path)}")


def test_strict_validation_refuses_an_unknown_field(chart):
    """The check above is not vacuous: a misspelt field fails it."""
    objects, _ = render(chart)
    gateway = deployment(objects, "gateway")
    gateway["spec"]["template"]["spec"]["containers"][0]["securityContxt"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(gateway, KUBERNETES_VERSIONS[-1], strict=True)


def test_every_object_carries_the_standard_labels(chart):
    objects, _ = render(chart, CASES["everything"])
    for obj in objects:
        labels = obj["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "chatops"
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/version"] == chart.metadata["appVersion"]
        assert labels["helm.sh/chart"] == f"chatops-{chart.metadata['version']}"
        assert labels["app.kubernetes.io/component"] in {"operator", "gateway"}


def test_the_default_render_has_exactly_these_objects(chart):
    objects, _ = render(chart)
    kinds = sorted((o["kind"], o["metadata"]["name"]) for o in objects)
    assert kinds == sorted([
        ("ClusterRole", "chatops-operator-resources"),
        ("Deployment", "chatops-gateway"),
        ("Deployment", "chatops-operator"),
        ("PodDisruptionBudget", "chatops-gateway"),
        ("PodDisruptionBudget", "chatops-operator"),
        ("Role", "chatops-operator-leader"),
        ("Role", "chatops-operator-render"),
        ("RoleBinding", "chatops-operator-leader"),
        ("RoleBinding", "chatops-operator-render"),
        ("RoleBinding", "chatops-operator-resources"),
        ("Service", "chatops-gateway"),
        ("Service", "chatops-gateway-metrics"),
        ("Service", "chatops-operator-metrics"),
        ("ServiceAccount", "chatops-gateway"),
        ("ServiceAccount", "chatops-operator"),
    ])


# --- the values schema ---------------------------------------------------------


@pytest.mark.parametrize("values, field, words", [
    ({"operator": {"replicas": "two"}}, "/operator/replicas", "want integer"),
    ({"gateway": {"replicas": 0}}, "/gateway/replicas", "minimum"),
    ({"replicaCount": 2}, "''", "replicaCount"),
    ({"gateway": {"replica": 2}}, "/gateway", "replica"),
    ({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy", "IfNotPresent"),
    ({"image": {"tag": "1.0:latest"}}, "/image/tag", "pattern"),
    ({"gateway": {"ingress": {"enabled": True}}}, "/gateway/ingress/host", "minLength"),
    ({"gateway": {"ingress": {"enabled": True, "host": "https://chat.example.com"}}},
     "/gateway/ingress/host", "pattern"),
    ({"gateway": {"publicUrl": "chat.example.com"}}, "/gateway/publicUrl", "pattern"),
    ({"operator": {"watch": {"namespaces": ["Team_A"]}}}, "/operator/watch/namespaces/0", "pattern"),
    ({"operator": {"logFormat": "xml"}}, "/operator/logFormat", "json"),
    ({"gateway": {"autoscaling": {"targetCPUUtilizationPercentage": 150}}},
     "/gateway/autoscaling/targetCPUUtilizationPercentage", "maximum"),
    ({"networkPolicy": {"enabled": "yes"}}, "/networkPolicy/enabled", "want boolean"),
    ({"redis": {"url": "redis://:pw@redis:6379"}}, "/redis", "url"),
    ({"redis": {"image": {"tag": "latest"}}}, "/redis/image/tag", "not"),
    ({"redis": {"timeoutMs": 5000}}, "/redis/timeoutMs", "maximum"),
])
def test_wrong_values_are_rejected_naming_the_field(chart, values, field, words):
    with pytest.raises(helm.HelmValuesError) as error:
        chart.render(values, name=RELEASE, namespace=NAMESPACE)
    message = str(error.value)
    assert f"at '{field}'" in message or f"at {field}" in message, message
    assert words in message, message


def test_the_default_values_pass_the_schema(chart):
    chart.validate_schema(chart.merge_values({}))


@pytest.mark.parametrize("values, words", [
    ({"operator": {"watch": {"allNamespaces": True, "namespaces": ["team-a"]}}},
     "exclude each other"),
    ({"operator": {"replicas": 2, "leaderElection": False}}, "leaderElection"),
    ({"redis": {"enabled": True, "existingSecret": "shared-redis"}}, "exclude each other"),
])
def test_contradictory_values_fail_the_render_with_a_reason(chart, values, words):
    with pytest.raises(helm.HelmRenderError, match=words):
        chart.render(values, name=RELEASE, namespace=NAMESPACE)


# --- pod security, resources, probes -----------------------------------------

ADMIN_PORTS = {"operator": 8081, "gateway": 9090}


@pytest.mark.parametrize("case", ["default", "everything"])
@pytest.mark.parametrize("component", ["operator", "gateway"])
def test_pods_are_restricted(chart, case, component):
    objects, _ = render(chart, CASES[case])
    pod = deployment(objects, component)["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 65532
    assert pod["securityContext"]["runAsGroup"] == 65532
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert not pod.get("hostNetwork") and not pod.get("hostPID") and not pod.get("hostIPC")
    for volume in pod["volumes"]:
        assert set(volume) - {"name"} <= {"configMap", "secret", "emptyDir", "projected"}
    containers = pod["containers"] + pod.get("initContainers", [])
    assert containers
    for container in containers:
        context = container["securityContext"]
        assert context["runAsNonRoot"] is True
        assert context["runAsUser"] == 65532
        assert context["runAsGroup"] == 65532
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}
        assert context.get("privileged", False) is False


@pytest.mark.parametrize("component", ["operator", "gateway"])
def test_resources_and_probes_on_the_admin_port(chart, component):
    objects, _ = render(chart)
    (container,) = deployment(objects, component)["spec"]["template"]["spec"]["containers"]
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) >= {"cpu", "memory"}
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        check = container[probe]["httpGet"]
        assert check["path"] == path
        port = check["port"]
        assert ports.get(port, port) == ADMIN_PORTS[component]


def test_one_image_for_both_binaries(chart):
    objects, _ = render(chart)
    images, commands = set(), {}
    for component in ("operator", "gateway"):
        (container,) = deployment(objects, component)["spec"]["template"]["spec"]["containers"]
        images.add(container["image"])
        commands[component] = container["command"]
    assert images == {f"ghcr.io/chatops-operator/chatops:{chart.metadata['appVersion']}"}
    assert commands == {"operator": ["/usr/local/bin/chatops-operator"],
                        "gateway": ["/usr/local/bin/chatops-gateway"]}
    objects, _ = render(chart, {"image": {"tag": "9.9.9", "pullPolicy": "Always"},
                                "imagePullSecrets": [{"name": "regcred"}]})
    for component in ("operator", "gateway"):
        pod = deployment(objects, component)["spec"]["template"]["spec"]
        assert pod["containers"][0]["image"] == "ghcr.io/chatops-operator/chatops:9.9.9"
        assert pod["containers"][0]["imagePullPolicy"] == "Always"
        assert pod["imagePullSecrets"] == [{"name": "regcred"}]


# --- RBAC -----------------------------------------------------------------------

RBAC_KINDS = ("Role", "ClusterRole")
BINDING_KINDS = ("RoleBinding", "ClusterRoleBinding")


@pytest.mark.parametrize("case", CASES)
def test_no_wildcard_in_any_rule(chart, case):
    objects, _ = render(chart, CASES[case])
    for role in (o for o in objects if o["kind"] in RBAC_KINDS):
        for rule in role["rules"]:
            for field in ("verbs", "resources", "apiGroups", "resourceNames"):
                assert "*" not in rule.get(field, []), (role["metadata"]["name"], rule)


def rules_of(objects, account):
    """Every (role, rule) bound to the ServiceAccount chatops/account."""
    roles = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o
             for o in objects if o["kind"] in RBAC_KINDS}
    bound = []
    for binding in (o for o in objects if o["kind"] in BINDING_KINDS):
        if not any(s["kind"] == "ServiceAccount" and s["name"] == account
                   and s["namespace"] == NAMESPACE for s in binding["subjects"]):
            continue
        ref = binding["roleRef"]
        namespace = None if ref["kind"] == "ClusterRole" else binding["metadata"]["namespace"]
        bound.append((binding, roles[(ref["kind"], namespace, ref["name"])]))
    return bound


@pytest.mark.parametrize("case", CASES)
def test_the_gateway_has_no_api_access(chart, case):
    objects, _ = render(chart, CASES[case])
    for _, role in rules_of(objects, f"{RELEASE}-gateway"):
        for rule in role["rules"]:
            if "secrets" in rule["resources"]:
                assert not {"list", "watch"} & set(rule["verbs"]), rule
                assert rule.get("resourceNames"), rule
    account = one(objects, "ServiceAccount", f"{RELEASE}-gateway")
    assert account["automountServiceAccountToken"] is False
    pod = deployment(objects, "gateway")["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["serviceAccountName"] == f"{RELEASE}-gateway"


def normalized(rules):
    return sorted(
        (tuple(sorted(r["apiGroups"])), tuple(sorted(r["resources"])),
         tuple(sorted(r.get("resourceNames", []))), tuple(sorted(r["verbs"])))
        for r in rules)


def rbac_md_roles():
    """The operator's roles in docs/rbac.md, by the suffix of their name."""
    text = (ROOT / "docs" / "rbac.md").read_text()
    roles = {}
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        for doc in yaml.safe_load_all(block):
            if doc and doc["kind"] in RBAC_KINDS and doc["metadata"]["name"].startswith("chatops-operator"):
                roles[doc["metadata"]["name"].removeprefix("chatops-operator")] = doc
    return roles


@pytest.mark.parametrize("case", ["default", "multi-namespace", "all-namespaces"])
def test_the_operator_has_exactly_the_rules_of_docs_rbac_md(chart, case):
    documented = rbac_md_roles()
    assert set(documented) == {"-resources", "-render", "-leader"}
    objects, _ = render(chart, CASES[case])
    bound = rules_of(objects, f"{RELEASE}-operator")
    roles = {role["metadata"]["name"].removeprefix(f"{RELEASE}-operator"): role
             for _, role in bound}
    assert set(roles) == set(documented)
    for suffix, doc in documented.items():
        assert roles[suffix]["kind"] == doc["kind"], suffix
        # The documented names are those of a release "chatops" in namespace "chatops".
        assert normalized(roles[suffix]["rules"]) == normalized(doc["rules"]), suffix
    # The namespaced roles live where docs/rbac.md puts them: the release namespace.
    for binding, role in bound:
        if role["kind"] == "Role":
            assert role["metadata"]["namespace"] == NAMESPACE
            assert binding["metadata"]["namespace"] == NAMESPACE


def test_the_render_role_names_the_gateways_configuration(chart):
    objects, _ = render(chart, {"gateway": {"configName": "team-gw"}})
    role = one(objects, "Role", f"{RELEASE}-operator-render")
    assert role["rules"][0]["resourceNames"] == ["team-gw"]
    args = deployment(objects, "operator")["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--gateway-name=team-gw" in args
    volumes = deployment(objects, "gateway")["spec"]["template"]["spec"]["volumes"]
    assert {"name": "config", "configMap": {"name": "team-gw", "optional": True}} in volumes


def operator_args(objects):
    return deployment(objects, "operator")["spec"]["template"]["spec"]["containers"][0]["args"]


def resource_bindings(objects):
    return [o for o in objects if o["kind"] in BINDING_KINDS
            and o["roleRef"]["name"] == f"{RELEASE}-operator-resources"]


def test_default_watch_is_the_release_namespace(chart):
    objects, _ = render(chart)
    bindings = resource_bindings(objects)
    assert [(b["kind"], b["metadata"]["namespace"]) for b in bindings] == [("RoleBinding", NAMESPACE)]
    watch = [a for a in operator_args(objects) if a.startswith("--watch-namespace")]
    assert watch == [f"--watch-namespace={NAMESPACE}"]
    assert "--all-namespaces" not in operator_args(objects)


def test_a_rolebinding_per_watched_namespace(chart):
    objects, _ = render(chart, CASES["multi-namespace"])
    bindings = resource_bindings(objects)
    assert sorted((b["kind"], b["metadata"]["namespace"]) for b in bindings) == [
        ("RoleBinding", "team-a"), ("RoleBinding", "team-b")]
    for binding in bindings:
        assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io",
                                      "kind": "ClusterRole", "name": f"{RELEASE}-operator-resources"}
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": f"{RELEASE}-operator",
                                        "namespace": NAMESPACE}]
    assert not of_kind(objects, "ClusterRoleBinding")
    watch = [a for a in operator_args(objects) if a.startswith("--watch-namespace")]
    assert watch == ["--watch-namespace=team-a", "--watch-namespace=team-b"]


def test_all_namespaces_is_a_clusterrolebinding(chart):
    objects, _ = render(chart, CASES["all-namespaces"])
    bindings = resource_bindings(objects)
    assert [b["kind"] for b in bindings] == ["ClusterRoleBinding"]
    args = operator_args(objects)
    assert "--all-namespaces" in args
    assert not [a for a in args if a.startswith("--watch-namespace")]


# --- the operator and the gateway as processes ---------------------------------


def test_operator_flags_and_downward_api(chart):
    objects, _ = render(chart)
    operator = deployment(objects, "operator")
    assert operator["spec"]["replicas"] == 2
    (container,) = operator["spec"]["template"]["spec"]["containers"]
    assert container["args"][0] == "run"
    assert {"--gateway-namespace=chatops", "--gateway-name=chatops-gateway",
            "--admin-listen=0.0.0.0:8081", "--leader-election=true",
            "--lease-name=chatops-operator"} <= set(container["args"])
    env = {e["name"]: e for e in container["env"]}
    assert env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert env["POD_NAMESPACE"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace"
    assert env["OPERATOR_DEPLOYMENT"]["value"] == "chatops-operator"
    # The Lease the operator uses is the one its Role names.
    leader = one(objects, "Role", "chatops-operator-leader")
    assert leader["rules"][0]["resourceNames"] == ["chatops-operator"]


def test_gateway_mounts_the_rendered_configuration(chart):
    objects, _ = render(chart)
    gateway = deployment(objects, "gateway")
    assert gateway["spec"]["replicas"] == 2
    pod = gateway["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert "--config=/etc/chatops" in container["args"]
    assert not [a for a in container["args"] if a.startswith("--public-url")]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes[mounts["/etc/chatops/config"]]["configMap"]["name"] == "chatops-gateway"
    assert volumes[mounts["/etc/chatops/secrets"]]["secret"]["secretName"] == "chatops-gateway"
    service = one(objects, "Service", "chatops-gateway")
    assert service["spec"]["ports"] == [{"name": "http", "port": 8080, "targetPort": "http",
                                         "protocol": "TCP"}]


@pytest.mark.parametrize("values, url", [
    ({"gateway": {"publicUrl": "https://chat.example.com/"}}, "https://chat.example.com"),
    ({"gateway": {"ingress": INGRESS}}, "https://chatops.example.com"),
])
def test_public_url(chart, values, url):
    objects, _ = render(chart, values)
    args = deployment(objects, "gateway")["spec"]["template"]["spec"]["containers"][0]["args"]
    assert f"--public-url={url}" in args


def test_extra_args(chart):
    objects, _ = render(chart, CASES["everything"])
    assert "--resync-seconds=600" in operator_args(objects)
    gateway = deployment(objects, "gateway")["spec"]["template"]["spec"]
    assert "--max-concurrent-commands=32" in gateway["containers"][0]["args"]
    assert gateway["affinity"] == {"podAntiAffinity": {}}
    assert deployment(objects, "operator")["spec"]["template"]["spec"]["nodeSelector"] == {
        "kubernetes.io/os": "linux"}


# --- optional objects -------------------------------------------------------------


def test_ingress_with_tls(chart):
    objects, _ = render(chart, CASES["ingress-tls"])
    (ingress,) = of_kind(objects, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"] == [{"hosts": ["chatops.example.com"], "secretName": "chatops-tls"}]
    assert ingress["metadata"]["annotations"] == INGRESS["annotations"]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "chatops.example.com"
    (path,) = rule["http"]["paths"]
    assert path["path"] == "/hooks"
    assert path["backend"]["service"] == {"name": "chatops-gateway", "port": {"name": "http"}}
    assert not of_kind(render(chart)[0], "Ingress")


def test_autoscaling(chart):
    objects, _ = render(chart, CASES["hpa"])
    (hpa,) = of_kind(objects, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "chatops-gateway"}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    assert "replicas" not in deployment(objects, "gateway")["spec"]
    assert not of_kind(render(chart)[0], "HorizontalPodAutoscaler")


def test_pod_disruption_budgets_follow_the_replicas(chart):
    names = lambda objects: sorted(o["metadata"]["name"] for o in of_kind(objects, "PodDisruptionBudget"))
    assert names(render(chart)[0]) == ["chatops-gateway", "chatops-operator"]
    assert names(render(chart, CASES["single-replicas"])[0]) == []
    assert names(render(chart, {"gateway": {"replicas": 1, "autoscaling": {"enabled": True}},
                                "operator": {"replicas": 1}})[0]) == ["chatops-gateway"]
    for pdb in of_kind(render(chart)[0], "PodDisruptionBudget"):
        assert pdb["apiVersion"] == "policy/v1"


@pytest.mark.parametrize("values, grace, sleep", [
    ({}, 30, 5),
    ({"gateway": {"shutdownGraceSeconds": 120, "preStopSleepSeconds": 0}}, 120, 0),
])
def test_the_pod_outlives_the_gateways_shutdown_grace(chart, values, grace, sleep):
    """A rolling update loses no answer only if Kubernetes waits for the gateway:
    terminationGracePeriodSeconds covers the preStop sleep, a request still
    being read (--request-timeout-seconds, 10), --shutdown-grace-seconds and
    the 5 s the gateway takes to tell users of abandoned commands."""
    pod = deployment(render(chart, values)[0], "gateway")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert f"--shutdown-grace-seconds={grace}" in container["args"]
    assert pod["terminationGracePeriodSeconds"] > sleep + 10 + grace + 5
    if sleep:
        assert container["lifecycle"] == {"preStop": {"sleep": {"seconds": sleep}}}
    else:
        assert "lifecycle" not in container


def test_service_monitor_shape(chart):
    """ServiceMonitor is not a built-in kind: checked here by structure, and that it
    finds a Service with its port."""
    assert not of_kind(render(chart)[0], "ServiceMonitor")
    objects, _ = render(chart, CASES["service-monitor"])
    monitors = of_kind(objects, "ServiceMonitor")
    assert len(monitors) == 2
    scraped = set()
    for monitor in monitors:
        assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
        assert monitor["metadata"]["labels"]["release"] == "prometheus"
        assert set(monitor["spec"]) <= {"selector", "endpoints", "namespaceSelector", "jobLabel"}
        selector = monitor["spec"]["selector"]["matchLabels"]
        assert monitor["spec"]["namespaceSelector"] == {"matchNames": [NAMESPACE]}
        services = [s for s in of_kind(objects, "Service")
                    if selector.items() <= s["metadata"]["labels"].items()]
        assert len(services) == 1, selector
        ports = {p["name"]: p["port"] for p in services[0]["spec"]["ports"]}
        for endpoint in monitor["spec"]["endpoints"]:
            assert set(endpoint) <= {"port", "path", "scheme", "interval", "scrapeTimeout"}
            assert endpoint["path"] == "/metrics"
            assert re.fullmatch(r"([0-9]+(ms|s|m|h))+", endpoint["interval"])
            scraped.add(ports[endpoint["port"]])
        # The metrics Service's selector reaches the component's pods on its admin port.
        component = services[0]["metadata"]["labels"]["app.kubernetes.io/component"]
        pod = deployment(objects, component)["spec"]["template"]
        assert services[0]["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert scraped == {8081, 9090}


def ports_of(rule):
    return {(p["port"], p.get("protocol", "TCP")) for p in rule.get("ports", [])}


def test_network_policies(chart):
    assert not of_kind(render(chart)[0], "NetworkPolicy")
    objects, _ = render(chart, CASES["network-policy"])
    policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(objects, "NetworkPolicy")}
    assert set(policies) == {"chatops-gateway", "chatops-operator"}
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                  "podSelector": {}}

    gateway = policies["chatops-gateway"]
    assert gateway["policyTypes"] == ["Ingress", "Egress"]
    assert gateway["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "gateway"
    webhooks, admin = gateway["ingress"]
    assert ports_of(webhooks) == {(8080, "TCP")} and "from" not in webhooks
    assert ports_of(admin) == {(9090, "TCP")} and admin["from"] == [monitoring]
    egress = set().union(*(ports_of(r) for r in gateway["egress"]))
    assert egress == {(53, "UDP"), (53, "TCP"), (443, "TCP")}
    assert all(ports_of(r) for r in gateway["egress"]), "an egress rule without ports opens everything"

    operator = policies["chatops-operator"]
    assert operator["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "operator"
    (admin,) = operator["ingress"]
    assert ports_of(admin) == {(8081, "TCP")} and admin["from"] == [monitoring]
    egress = set().union(*(ports_of(r) for r in operator["egress"]))
    assert egress == {(53, "UDP"), (53, "TCP"), (443, "TCP"), (6443, "TCP")}

    objects, _ = render(chart, CASES["network-policy-apiserver"])
    operator = one(objects, "NetworkPolicy", "chatops-operator")["spec"]
    assert {"ports": [{"port": 6443, "protocol": "TCP"}], "to": [{"ipBlock": {"cidr": "10.0.0.1/32"}}]} \
        in operator["egress"]
    gateway = one(objects, "NetworkPolicy", "chatops-gateway")["spec"]
    assert {"ports": [{"port": 8080, "protocol": "TCP"}]} in gateway["egress"]


# --- the CRDs ----------------------------------------------------------------------


def test_the_chart_crds_are_the_generated_ones(chart):
    generated = {p.name: p.read_bytes() for p in (ROOT / "crds" / "yaml").glob("*.yaml")}
    in_chart = {p.name: p.read_bytes() for p in (CHART / "crds").iterdir()}
    assert sorted(in_chart) == sorted(generated)
    for name, data in generated.items():
        assert in_chart[name] == data, f"charts/chatops/crds/{name} differs from crds/yaml/{name}"
    # Helm sees them as CRDs (installed from crds/, never deleted on uninstall).
    loaded = {pathlib.PurePath(c["filename"]).name for c in chart.crds}
    assert loaded == set(generated)
    # ... and they are not templates, which Helm would delete with the release.
    objects, _ = render(chart, CASES["everything"])
    assert not of_kind(objects, "CustomResourceDefinition")


# --- NOTES.txt ------------------------------------------------------------------------

WEBHOOKS = ["/hooks/NAME/commands", "/hooks/NAME/interactions", "/hooks/NAME/events",
            "/hooks/NAME/messages", "/hooks/NAME/actions"]


def test_notes_give_the_webhook_urls_with_the_ingress_host(chart):
    _, notes = render(chart, CASES["ingress-tls"])
    for path in WEBHOOKS:
        assert f"https://chatops.example.com{path}" in notes, notes
    assert "Teams        Messaging endpoint:     https://chatops.example.com/hooks/NAME/messages" in notes
    assert "Webex        Webhook target:         https://chatops.example.com/hooks/NAME/events" in notes
    assert "kubectl get chatplatforms -A" in notes
    assert "port-forward" not in notes


def test_socket_mode_needs_no_ingress_and_may_close_the_webhooks_port(chart):
    objects, notes = render(chart)
    assert not of_kind(objects, "Ingress"), "no ingress unless asked for"
    assert "Socket Mode" in notes and "needs no" in notes and "socket_mode_enabled: true" in notes, notes
    objects, _ = render(chart, CASES["network-policy-socket-mode"])
    policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(objects, "NetworkPolicy")}
    (admin,) = policies["chatops-gateway"]["ingress"]
    assert ports_of(admin) == {(9090, "TCP")} and admin["from"], "only monitoring may connect"
    egress = set().union(*(ports_of(r) for r in policies["chatops-gateway"]["egress"]))
    assert (443, "TCP") in egress, "Socket Mode connects out over HTTPS"


def test_notes_use_the_public_url_else_a_port_forward(chart):
    _, notes = render(chart, CASES["public-url"])
    for path in WEBHOOKS:
        assert f"https://chat.example.com{path}" in notes
    _, notes = render(chart)
    assert "kubectl port-forward -n chatops svc/chatops-gateway 8080:8080" in notes
    assert "https://HOST/hooks/NAME/commands" in notes
    assert "kubectl get chatplatforms -A" in notes


def test_notes_name_the_watched_namespaces(chart):
    _, notes = render(chart, CASES["multi-namespace"])
    assert "watches team-a, team-b for" in notes
    _, notes = render(chart, CASES["all-namespaces"])
    assert "watches every namespace for" in notes


def test_values_and_schema_agree():
    """Every default value is described by the schema (a key in values.yaml the
    schema does not know would make the defaults fail additionalProperties)."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert set(values) <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    for key in ("image", "operator", "gateway", "metrics", "networkPolicy"):
        assert schema["properties"][key]["additionalProperties"] is False, key


# --- Redis, shared between the gateway's replicas -------------------------------------


def gateway_env(objects):
    (container,) = deployment(objects, "gateway")["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e for e in container.get("env", [])}


def test_without_redis_the_gateway_has_no_redis_setting(chart):
    objects, _ = render(chart)
    assert not [e for e in gateway_env(objects) if "REDIS" in e]
    assert not [o for o in objects if "redis" in o["metadata"]["name"]]


def test_an_existing_redis_url_comes_from_its_secret_only(chart):
    objects, _ = render(chart, CASES["redis-existing"])
    env = gateway_env(objects)
    assert env["CHATOPS_REDIS_URL"] == {"name": "CHATOPS_REDIS_URL", "valueFrom": {
        "secretKeyRef": {"name": "shared-redis", "key": "redis-url"}}}
    assert env["CHATOPS_REDIS_KEY_PREFIX"]["value"] == RELEASE
    assert not [o for o in objects if o["kind"] in ("Deployment", "Service") and "redis" in o["metadata"]["name"]]
    # No URL in a ConfigMap or an argument.
    text = yaml.safe_dump_all(objects)
    assert "redis://" not in text
    gateway = one(objects, "NetworkPolicy", "chatops-gateway")["spec"]
    assert {"ports": [{"port": 6379, "protocol": "TCP"}]} in gateway["egress"]


def test_the_started_redis_is_small_restricted_pinned_and_reached_only_by_the_gateway(chart):
    objects, _ = render(chart, CASES["redis-started"])
    redis = deployment(objects, "redis")
    pod = redis["spec"]["template"]["spec"]
    assert redis["spec"]["replicas"] == 1
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    (container,) = pod["containers"]
    assert container["image"] == "redis:7.4.2-alpine"
    context = container["securityContext"]
    assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]} and context["runAsNonRoot"] is True
    assert set(container["resources"]["limits"]) >= {"cpu", "memory"}
    args = container["args"]
    # Nothing on disk; never evict a key early.
    assert args[args.index("--save") + 1] == "" and args[args.index("--appendonly") + 1] == "no"
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction"
    assert one(objects, "Service", "chatops-redis")["spec"]["ports"][0]["port"] == 6379

    env = gateway_env(objects)
    assert env["CHATOPS_REDIS_URL"]["value"] == "redis://chatops-redis:6379/0"
    policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(objects, "NetworkPolicy")}
    assert {"to": [{"podSelector": {"matchLabels": pod_labels(redis)}}],
            "ports": [{"port": 6379, "protocol": "TCP"}]} in policies["chatops-gateway"]["egress"]
    (ingress,) = policies["chatops-redis"]["ingress"]
    gateway_labels = pod_labels(deployment(objects, "gateway"))
    assert ingress["from"] == [{"podSelector": {"matchLabels": gateway_labels}}]
    assert policies["chatops-redis"]["egress"] == []


def pod_labels(deployment_object):
    return deployment_object["spec"]["selector"]["matchLabels"]


def test_the_started_redis_password_reaches_both_through_the_secret(chart):
    objects, _ = render(chart, CASES["redis-started-password"])
    env = gateway_env(objects)
    secret = {"secretKeyRef": {"name": "chatops-redis", "key": "password"}}
    assert env["CHATOPS_REDIS_PASSWORD"]["valueFrom"] == secret
    # Expanded by the kubelet from the variable above: no password in the spec.
    assert env["CHATOPS_REDIS_URL"]["value"] == "redis://:$(CHATOPS_REDIS_PASSWORD)@chatops-redis:6379/0"
    assert list(env).index("CHATOPS_REDIS_PASSWORD") < list(env).index("CHATOPS_REDIS_URL")
    assert "RUST_BACKTRACE" in env, "extraEnv is kept"
    (container,) = deployment(objects, "redis")["spec"]["template"]["spec"]["containers"]
    assert container["env"] == [{"name": "REDIS_PASSWORD", "valueFrom": secret}]
    assert container["args"][container["args"].index("--requirepass") + 1] == "$(REDIS_PASSWORD)"

