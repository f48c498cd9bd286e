"""
test_invalid.py -- every file in tests/invalid is an experiment with a
mistake in it; verona must report exactly the expected errors, and nothing
else, exit 2, and refuse to run it.

Where the expectations live:

* A case NAME.yaml starts with comment lines.  Each leading line
  ``# error: LINE:COL: message`` is one expected error, in the order verona
  prints them; other leading comment lines describe the case.  The comment
  block ends at the first line that is not a comment.

* Cases that cannot hold a comment (an empty file, a file that is not UTF-8,
  a directory) have their expectations in ``tests/invalid/expected-special.txt``,
  one line per error::

      NAME: LINE:COL: message

  NAME is the case's path relative to tests/invalid (a file or a directory);
  lines starting with ``#`` and blank lines are ignored.  An entry there
  overrides the file's own comments.

verona prints each error as ``PATH:LINE:COL: message`` where PATH is the path
exactly as given on the command line; the tests run from the repository root
and pass ``tests/invalid/NAME``.

The binary is $VERONA, or bin/verona of this repository.
Run:  pytest-3 -q tests/test_invalid.py
"""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVALID = os.path.join(ROOT, "tests", "invalid")
SPECIAL = os.path.join(INVALID, "expected-special.txt")
VERONA = os.environ.get("VERONA", os.path.join(ROOT, "bin", "verona"))
ERROR_TAG = "# error: "
TIMEOUT = 120


def load_special():
    special = {}
    with open(SPECIAL, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            name, sep, error = line.partition(": ")
            assert sep, "%s:%d: want 'NAME: LINE:COL: message'" % (SPECIAL, lineno)
            special.setdefault(name, []).append(error)
    return special


def comment_expectations(path):
    """The '# error: ' lines of the file's leading comment block."""
    errors = []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8").rstrip("\n")
            if not line.startswith("#"):
                break
            if line.startswith(ERROR_TAG):
                errors.append(line[len(ERROR_TAG):])
    return errors


def collect():
    special = load_special()
    cases = {name: None for name in os.listdir(INVALID) if name.endswith(".yaml")}
    cases.update(special)
    return sorted(cases), special


CASES, SPECIAL_CASES = collect()


def expected_errors(name):
    if name in SPECIAL_CASES:
        return SPECIAL_CASES[name]
    return comment_expectations(os.path.join(INVALID, name))


def verona(*args):
    return subprocess.run([VERONA, *args], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=TIMEOUT)


def rel(name):
    return os.path.join("tests", "invalid", name)


def test_enough_cases():
    assert os.access(VERONA, os.X_OK), "no verona binary at %s (run make, or set VERONA)" % VERONA
    assert len(CASES) >= 24


@pytest.mark.parametrize("name", sorted(SPECIAL_CASES))
def test_special_case_exists(name):
    assert os.path.lexists(os.path.join(INVALID, name)), "expected-special.txt names a missing case"


@pytest.mark.parametrize("name", CASES)
def test_validate(name):
    path = rel(name)
    errors = expected_errors(name)
    assert errors, "%s has no expected errors ('# error: ' lines or expected-special.txt)" % path
    r = verona("validate", path)
    want = "".join("%s:%s\n" % (path, e) for e in errors)
    assert r.stderr.decode("utf-8", "replace") == want
    assert r.stdout == b""
    assert r.returncode == 2


@pytest.mark.parametrize("name", CASES)
def test_run_refuses(name, tmp_path):
    path = rel(name)
    errors = expected_errors(name)
    assert errors
    # never hand run a file that loads: it would start a testbed
    if verona("validate", path).returncode != 2:
        pytest.fail("%s is not refused by validate" % path)
    r = verona("run", "--out", str(tmp_path / "run"), path)
    lines = r.stderr.decode("utf-8", "replace").splitlines()
    assert lines[:1] == ["%s:%s" % (path, errors[0])]
    assert r.returncode == 2
    assert not (tmp_path / "run").exists()


# Every kind of mistake the reliability issue names has a case here (docs/reliability.md).
KINDS = {
    "wrong types": ["string-for-port.yaml", "string-for-size.yaml", "map-for-scalar.yaml", "list-for-hosts.yaml"],
    "unknown hosts": ["unknown-host-step.yaml", "unknown-host-addr.yaml"],
    "unknown sockets": ["socket-before-create.yaml", "socket-other-host.yaml", "check-unknown-socket.yaml"],
    "undefined variables": ["undefined-var.yaml", "i-outside-repeat.yaml"],
    "a wait on an unknown id": ["wait-unknown-id.yaml"],
    "duplicate ids": ["duplicate-id.yaml"],
    "duplicate keys": ["duplicate-key-addr.yaml", "duplicate-key-data-to.yaml"],
    "bad addresses": ["addr-no-port.yaml", "addr-port-range.yaml", "addr-unbalanced-bracket.yaml",
                      "host-bad-address.yaml", "ipv6-addr-bad.yaml"],
    "bad pack formats": ["pack-bad-format.yaml", "pack-wrong-count.yaml", "pack-out-of-range.yaml"],
    "enormous counts": ["repeat-count-too-big.yaml", "repeat-data-too-big.yaml", "repeat-steps-too-many.yaml"],
    "deep nesting": ["nesting-too-deep.yaml", "repeat-nested-too-deep.yaml"],
    "non-UTF-8": ["not-utf8.yaml"],
    "an empty file": ["empty.yaml"],
    "a directory": ["directory"],
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_mistake_has_cases(kind):
    for name in KINDS[kind]:
        assert name in CASES, "%s: no case %s" % (kind, name)


def test_at_least_40_cases():
    assert len(CASES) >= 40
