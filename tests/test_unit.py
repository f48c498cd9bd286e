"""Runs the C unit tests (tests/unit/test_*.c), built by `make test` into
$VERONA_BUILD/tests (build/rel, or build/san with SANITIZE=1)."""
import os
import pathlib
import subprocess

import pytest

from conftest import ROOT

BUILD = ROOT / os.environ.get("VERONA_BUILD", "build/rel")
SOURCES = sorted((ROOT / "tests" / "unit").glob("test_*.c"))


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_c_unit(source):
    binary = BUILD / "tests" / source.stem
    assert binary.exists(), f"{binary} was not built: run the tests with 'make test'"
    p = subprocess.run([str(binary)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert " 0 failed" in p.stdout
