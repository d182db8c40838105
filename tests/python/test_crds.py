"""The checked-in CRDs (crds/yaml/*.yaml) are valid CustomResourceDefinitions.

An independent check of what `cargo test -p chatops-crds` cannot see: that the
generated YAML is a valid apiextensions.k8s.io/v1 CustomResourceDefinition by
the Kubernetes OpenAPI schema itself, unknown fields refused (--strict).

    python3 -m venv /tmp/venv-crds
    /tmp/venv-crds/bin/pip install -r tests/python/requirements.txt
    /tmp/venv-crds/bin/pytest tests/python -q
"""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CRD_DIR = ROOT / "crds" / "yaml"
CRD_FILES = sorted(CRD_DIR.glob("*.yaml"))

# The oldest Kubernetes the chart supports (k8s-openapi feature v1_33), and the
# newest kubernetes-validate knows. A CRD valid for both is valid in between.
KUBERNETES_VERSIONS = ["1.33", "1.37"]


def kubernetes_validate(*args):
    """Runs the kubernetes-validate CLI installed next to this interpreter."""
    cli = pathlib.Path(sys.executable).parent / "kubernetes-validate"
    if not cli.exists():
        pytest.fail(f"{cli} not found: pip install -r tests/python/requirements.txt")
    return subprocess.run([str(cli), *args], capture_output=True, text=True, check=False)


def test_there_is_one_file_per_kind():
    names = [path.name for path in CRD_FILES]
    assert names == [
        "accessgrants.chatops.dev.yaml",
        "accountlinks.chatops.dev.yaml",
        "chatplatforms.chatops.dev.yaml",
        "integrations.chatops.dev.yaml",
    ]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", CRD_FILES, ids=lambda path: path.name)
def test_crd_is_valid(path, version):
    result = kubernetes_validate("--strict", "-k", version, str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout


def test_strict_validation_refuses_an_unknown_field(tmp_path):
    """The check above is not vacuous: a CRD with a misspelt field fails it."""
    text = CRD_FILES[0].read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("\nspec:\n", "\nspec:\n  preserveUnknownFeilds: false\n", 1))
    result = kubernetes_validate("--strict", "-k", KUBERNETES_VERSIONS[-1], str(broken))
    assert result.returncode != 0, result.stdout + result.stderr
