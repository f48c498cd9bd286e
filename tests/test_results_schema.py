"""results.json has a written schema (docs/results.schema.json, described
field by field in docs/results.md), and what verona run writes keeps to it:
passing runs, a graded run with programs and background steps, and a run
whose steps fail in every way the runner records (a wrong errno, a socket
with no address yet, expect: packets that differ, a background step
collected, one left to the end, a top-level sleep), plus verona run --json.
The schema is closed where verona decides the shape, so a key the writer
adds without documenting it fails here."""
import copy
import json
import subprocess

import jsonschema
import pytest

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root, write

pytestmark = needs_root

SCHEMA = json.loads((ROOT / "docs" / "results.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

FAILING = """
name: schema-failing
hosts:
  romeo: 10.10.0.100
  juliet: 10.10.0.101
steps:
  - juliet: {socket: srv, type: tcp}
  - juliet: {bind: srv, addr: "juliet:4100"}
  - juliet: {listen: srv}
  - romeo: {socket: c, type: tcp}
  - romeo: {connect: c, addr: "juliet:4100", expect: {packets: [SYN, RST]}}
  - juliet: {accept: srv, as: conn, expect: {peer: romeo.c}}
  - juliet: {recv: conn, size: 10, background: true, id: r1}
  - sleep: 0.1
  - romeo: {send: c, data: "hi"}
  - juliet: {wait: r1, expect: {data: "ho"}}
  - juliet: {recv: conn, size: 10, background: true, id: r2, timeout: 1, expect: timeout}
  - romeo: {socket: u, type: udp}
  - juliet: {socket: u2, type: udp}
  - juliet: {sendto: u2, data: "x", to: romeo.u}
  - juliet: {bind: srv, addr: "juliet:4100", expect: EADDRINUSE}
checks:
  - handshake: romeo.c
  - closed: {conn: romeo.c, first: romeo}
"""


def errors(doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(doc)]


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", ["sockets-tcp", "sockets-udp", "udp-backoff", "three-hosts"])
def test_passing_runs_keep_to_the_schema(run, name):
    r = run(EXPERIMENTS / f"{name}.yaml")
    assert r.exit == 0, r.proc.stderr
    assert errors(r.results) == []


def test_a_graded_run_with_programs_keeps_to_the_schema(run):
    r = run(EXPERIMENTS / "balcony-tcp.yaml")
    assert r.exit == 0, r.proc.stderr
    assert "grading" in r.results and any(s["op"] == "exec" for s in r.steps)
    assert any(s.get("state") == "collected" for s in r.steps)
    assert errors(r.results) == []


def test_a_failing_run_keeps_to_the_schema(run, tmp_path):
    r = run(write(tmp_path, "failing.yaml", FAILING))
    assert r.exit == 1, r.proc.stderr
    doc = r.results
    # what this run is for: each kind of failure the runner records is in it
    assert doc["summary"]["status"] == "fail"
    assert any("on the wire" in f for s in doc["steps"] for f in s.get("failures", []))
    assert any("has no address yet" in f for s in doc["steps"] for f in s.get("failures", []))
    assert any(s.get("state") == "collected at the end" for s in doc["steps"])
    assert any(s["op"] == "sleep" and s.get("host") is None for s in doc["steps"])
    assert errors(doc) == []


def test_json_on_stdout_keeps_to_the_schema(tmp_path):
    p = subprocess.run([VERONA, "run", "--json", "--out", tmp_path / "out", EXPERIMENTS / "sockets-udp.yaml"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert errors(json.loads(p.stdout)) == []


def test_the_schema_refuses_what_it_does_not_describe(run):
    r = run(EXPERIMENTS / "sockets-udp.yaml")
    bad = copy.deepcopy(r.results)
    bad["summary"]["verdict"] = "pass"		# an undocumented key
    assert any("verdict" in e for e in errors(bad))
    bad = copy.deepcopy(r.results)
    bad["steps"][0]["pass"] = "yes"		# a wrong type
    assert errors(bad)
    bad = copy.deepcopy(r.results)
    del bad["summary"]["exit"]			# a missing field
    assert errors(bad)


def test_every_run_folder_of_the_suite_is_validated(run, tmp_path):
    """conftest.py validates every results.json a test's verona writes in a
    folder marked as verona's (.verona-run): the marker must be where the
    results are, and a results.json off the schema must be caught."""
    from conftest import schema_problems
    r = run(EXPERIMENTS / "sockets-udp.yaml")
    assert r.exit == 0, r.proc.stderr
    found = [p for p in tmp_path.glob("**/results.json") if (p.parent / ".verona-run").exists()]
    assert found, "no run folder with verona's marker next to results.json: the suite-wide check would see nothing"
    bad = tmp_path / "bad.json"
    doc = json.loads(found[0].read_text())
    doc["steps"][0]["undocumented"] = 1
    bad.write_text(json.dumps(doc))
    assert schema_problems(bad), "a key the schema does not describe passed"
