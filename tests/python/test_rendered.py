"""What `chatops-operator render` prints are valid Kubernetes objects.

`render --reveal-secrets` is meant to be applied (or sealed) as printed, and the
redacted preview is meant to be read; both must be a ConfigMap and a Secret the
API server of the oldest supported Kubernetes (1.33) accepts, checked with
kubernetes-validate against the Kubernetes OpenAPI schema, unknown fields
refused (strict). kubernetes-validate does not check the rules the API server
adds beyond the schema (base64 of Secret data, the syntax of keys and names),
so those are checked here too.

The binary is built with cargo (a no-op when up to date), as the Rust tests do.
"""

import base64
import binascii
import os
import pathlib
import re
import subprocess

import kubernetes_validate
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "examples" / "quickstart"

# The oldest Kubernetes the operator supports (k8s-openapi feature v1_33).
KUBERNETES_VERSION = "1.33.0"

# What the API server requires of ConfigMap and Secret keys
# (IsConfigMapKey), and of object names (a DNS-1123 subdomain).
KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

# The quickstart's made-up secret values (examples/quickstart/secrets.yaml),
# by the key the rendered Secret stores them under.
QUICKSTART_SECRETS = {
    "chatplatform.chatops.slack.signing-secret": "quickstart-signing-secret-not-for-production",
    "chatplatform.chatops.slack.bot-token": "xoxb-0000000000-0000000000000-quickstartnotarealtoken",
    "integration.chatops.nautobot.token": "0123456789abcdef0123456789abcdef01234567",
    "accountlink.chatops.alice.token.nautobot": "fedcba9876543210fedcba9876543210fedcba98",
}


def operator_binary():
    """Builds the operator binary with cargo and returns its path."""
    subprocess.run(
        ["cargo", "build", "--quiet", "-p", "chatops-operator", "--bin", "chatops-operator"],
        cwd=ROOT,
        check=True,
    )
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return target / "debug" / "chatops-operator"


@pytest.fixture(scope="module")
def binary():
    return operator_binary()


def render(binary, *extra):
    """Runs render on the quickstart; returns the parsed documents and stderr."""
    result = subprocess.run(
        [
            str(binary),
            "render",
            "--manifests",
            str(QUICKSTART),
            "--namespace",
            "chatops",
            "--name",
            "chatops-gateway",
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    documents = list(yaml.safe_load_all(result.stdout))
    assert [doc["kind"] for doc in documents] == ["ConfigMap", "Secret"], result.stdout
    return documents, result.stderr


def assert_valid(obj):
    """The object passes kubernetes-validate and the API server's own rules."""
    # Raises kubernetes_validate.ValidationError naming the offending field.
    kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    metadata = obj["metadata"]
    assert DNS_SUBDOMAIN.match(metadata["name"]), metadata["name"]
    assert len(metadata["name"]) <= 253
    for field in ("data", "stringData", "binaryData"):
        for key in obj.get(field) or {}:
            assert KEY.match(key) and len(key) <= 253, f"{field} key {key!r}"


def test_the_revealed_pair_is_valid_and_holds_the_real_values(binary):
    (config_map, secret), stderr = render(binary, "--reveal-secrets")
    assert_valid(config_map)
    assert_valid(secret)

    assert "config.yaml" in config_map["data"]
    assert "stringData" not in secret
    decoded = {}
    for key, value in secret["data"].items():
        # The API server refuses data that is not standard, padded base64.
        try:
            decoded[key] = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as err:
            pytest.fail(f"data[{key!r}] is not base64: {err}")
    assert decoded == QUICKSTART_SECRETS
    assert (
        secret["metadata"]["annotations"]["chatops.dev/secret-hash"]
        == config_map["data"]["secret-hash"]
    )
    for value in QUICKSTART_SECRETS.values():
        assert value not in stderr, "a secret value reached stderr"


def test_the_redacted_preview_is_valid_and_holds_no_value(binary):
    (config_map, secret), _ = render(binary)
    assert_valid(config_map)
    assert_valid(secret)

    assert "data" not in secret
    assert sorted(secret["stringData"]) == sorted(QUICKSTART_SECRETS)
    text = yaml.safe_dump(secret)
    for value in QUICKSTART_SECRETS.values():
        assert value not in text
        assert base64.b64encode(value.encode()).decode() not in text


def test_the_validation_is_not_vacuous(binary):
    """A misspelt field or a non-string value in the rendered objects fails it."""
    (config_map, secret), _ = render(binary, "--reveal-secrets")
    secret["strngData"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)
    config_map["data"]["secret-hash"] = 1
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(config_map, KUBERNETES_VERSION, strict=True)
