"""What the fuzzers (fuzz/, `make fuzz`) once found stays fixed.

Each input in fuzz/regress/NAME/ once crashed the harness build/fuzz/NAME
(built by `make test` with clang's ASan+UBSan and libFuzzer); each runs
through its harness again here and must pass.  The inputs that are
captures or experiments also go through the verona command itself, as a
user would hand them over."""
import os
import pathlib
import subprocess

import pytest

from conftest import ROOT, VERONA

REGRESS = ROOT / "fuzz" / "regress"
FUZZ_BUILD = ROOT / "build" / "fuzz"
CASES = sorted((d.name, f) for d in REGRESS.iterdir() if d.is_dir() for f in sorted(d.iterdir()))
SAN = ("Sanitizer", "runtime error")


@pytest.mark.parametrize("name,path", CASES, ids=[f"{n}/{p.name}" for n, p in CASES])
def test_fuzz_regression_through_its_harness(name, path, tmp_path):
    harness = FUZZ_BUILD / name
    assert harness.exists(), f"{harness} was not built: run the tests with 'make test' (it builds the fuzzers)"
    p = subprocess.run([str(harness), "-runs=1", str(path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1", "TMPDIR": str(tmp_path)})
    assert p.returncode == 0, p.stderr[-4000:]
    assert not any(s in p.stderr for s in SAN), p.stderr[-4000:]


TRACE_CASES = [p for n, p in CASES if n == "fuzz_trace"]


@pytest.mark.parametrize("path", TRACE_CASES, ids=[p.name for p in TRACE_CASES])
def test_fuzz_found_captures_through_stats_and_check(path, tmp_path):
    """Each capture the trace fuzzer found, through `verona stats` and a
    `verona check` of every check on its first connection."""
    st = subprocess.run([VERONA, "stats", "--json", str(path)], capture_output=True, text=True, timeout=30)
    assert st.returncode in (0, 2) and not any(s in st.stderr for s in SAN), st.stderr
    checks = tmp_path / "checks.yaml"
    checks.write_text(corpus_checks(st.stdout if st.returncode == 0 else None))
    for mode in ([], ["--json"]):
        p = subprocess.run([VERONA, "check", *mode, str(path), str(checks)], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode in (0, 1, 2, 3), p.stderr
        assert not any(s in p.stderr for s in SAN), p.stderr


def corpus_checks(stats_json):
    """A checks file with every check on the capture's first TCP and UDP flows."""
    from test_corpus import checks_for
    return checks_for(stats_json)
