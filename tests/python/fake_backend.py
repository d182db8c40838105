"""Serving a backend fake of testkit (`target/debug/fake-<name>`, built by
`cargo build -p chatops-tests`) for the tests that read it with the vendor's
own SDK: started on a free loopback port, killed when the test module ends."""

import contextlib
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def serve(name, *args):
    """Yields the base URL of the running `fake-<name>`, started with `args`
    besides its address (`--tls` for one served over HTTPS)."""
    binary = ROOT / "target" / "debug" / f"fake-{name}"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `cargo build -p chatops-tests` first")
    process = subprocess.Popen([str(binary), "--listen", "127.0.0.1:0", *args], stdout=subprocess.PIPE, text=True)
    try:
        # The fake prints this line once it accepts connections.
        line = process.stdout.readline().strip()
        assert line.startswith(("listening on http://", "listening on https://")), f"fake-{name} said {line!r}"
        yield line.removeprefix("listening on ")
    finally:
        process.kill()
        process.wait(timeout=5)
