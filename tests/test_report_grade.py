"""The grading outputs of a real run: gradescope.json against Gradescope's
published field list (https://gradescope-autograders.readthedocs.io/en/latest/specs/),
junit.xml parsed by xml.etree with the right counts, summary.csv by the csv
module.  The run is a graded copy of experiments/sockets-tcp.yaml: points
and a name on the handshake check and on the connect step's expectation,
a total, and a hidden item.

The writers (controller/report-grade.c, unit-tested in
tests/unit/test_report_grade.c) are wired into `verona run` and `verona
grade` separately: until a run writes gradescope.json these tests skip."""
import csv
import json
import math
import xml.etree.ElementTree as ET

import pytest

from conftest import EXPERIMENTS, needs_root, verona, write

pytestmark = needs_root

TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
            "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
            "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output",
             "output_format", "tags", "visibility", "extra_data"}
VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}

CONNECT = "expect: {packets: [SYN, SYN-ACK, ACK]}"
HANDSHAKE = "  - handshake: romeo.sock\n"
STREAM_JULIET = 'stream: {conn: romeo.sock, from: juliet, data: "${juliet_says}"}'
NOTCONN = "{recv: sock, size: 1024, expect: ENOTCONN}"


def graded(tmp_path, wrong=False):
    """The graded copy; wrong: one check and one ungraded step fail."""
    text = (EXPERIMENTS / "sockets-tcp.yaml").read_text()
    for needle in (CONNECT, HANDSHAKE, STREAM_JULIET, NOTCONN):
        assert text.count(needle) == 1, f"sockets-tcp.yaml changed: {needle!r}"
    text = text.replace(CONNECT, 'expect: {packets: [SYN, SYN-ACK, ACK], points: 3, name: "romeo connects"}')
    text = text.replace(HANDSHAKE, HANDSHAKE + "    points: 2\n    name: three-way handshake\n")
    if wrong:
        text = text.replace(STREAM_JULIET, 'stream: {conn: romeo.sock, from: juliet, data: "not what juliet said"}')
        text = text.replace(NOTCONN, "{recv: sock, size: 1024, expect: EBADF}")
    text += "grading: {total: 20, hidden: [three-way handshake]}\n"
    return write(tmp_path, "wrong.yaml" if wrong else "graded.yaml", text)


def outputs(run, tmp_path, wrong=False):
    r = run(graded(tmp_path, wrong))
    assert r.results is not None, r.proc.stdout + r.proc.stderr
    assert r.exit == (1 if wrong else 0), r.transcript
    assert (r.out / "gradescope.json").exists(), r.proc.stderr
    return r


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_gradescope(doc):
    """Gradescope's published field list and types."""
    assert isinstance(doc, dict)
    assert set(doc) <= TOP_KEYS, set(doc) - TOP_KEYS
    assert number(doc["score"])
    if "execution_time" in doc:
        assert number(doc["execution_time"]) and doc["execution_time"] >= 0
    for k in ("output", "output_format", "test_output_format", "test_name_format"):
        if k in doc:
            assert isinstance(doc[k], str), k
    for k in ("output_format", "test_output_format", "test_name_format"):
        if k in doc:
            assert doc[k] in FORMATS, (k, doc[k])
    for k in ("visibility", "stdout_visibility"):
        if k in doc:
            assert doc[k] in VISIBILITY, (k, doc[k])
    if "extra_data" in doc:
        assert isinstance(doc["extra_data"], dict)
    assert isinstance(doc["tests"], list)
    for t in doc["tests"]:
        assert isinstance(t, dict)
        assert set(t) <= TEST_KEYS, set(t) - TEST_KEYS
        assert isinstance(t["name"], str) and t["name"]
        for k in ("score", "max_score"):
            if k in t:
                assert number(t[k]), (k, t)
        if "status" in t:
            assert t["status"] in ("passed", "failed"), t
        if "visibility" in t:
            assert t["visibility"] in VISIBILITY, t
        if "output" in t:
            assert isinstance(t["output"], str)
        if "number" in t:
            assert isinstance(t["number"], str)
        if "tags" in t:
            assert isinstance(t["tags"], list) and all(isinstance(x, str) for x in t["tags"])


def test_gradescope_full_marks(run, tmp_path):
    r = outputs(run, tmp_path)
    doc = json.loads((r.out / "gradescope.json").read_text())
    check_gradescope(doc)
    g = r.results["grading"]
    assert g["score"] == g["max_score"] == 20
    assert doc["score"] == pytest.approx(20)
    tests = doc["tests"]
    assert [t["name"] for t in tests] == [i["name"] for i in g["items"]]
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in tests)
    by_name = {t["name"]: t for t in tests}
    assert by_name["three-way handshake"]["visibility"] == "hidden"
    assert by_name["three-way handshake"]["max_score"] == 2
    assert by_name["romeo connects"]["max_score"] == 3
    assert by_name["romeo connects"]["visibility"] == "visible"
    # the rubric's raw points: 3 for the step, 2 for the handshake, 1 for each other check
    assert sum(t["max_score"] for t in tests) == g["raw_max_score"] == 3 + 2 + (len(r.results["checks"]) - 1)
    assert "harness error" not in doc.get("output", "")


def test_gradescope_lost_points(run, tmp_path):
    r = outputs(run, tmp_path, wrong=True)
    doc = json.loads((r.out / "gradescope.json").read_text())
    check_gradescope(doc)
    g = r.results["grading"]
    assert doc["score"] == pytest.approx(g["score"])
    assert g["raw_score"] == g["raw_max_score"] - 1
    failed = [t for t in doc["tests"] if t.get("status") == "failed"]
    assert len(failed) == 1 and failed[0]["name"].startswith("stream romeo.sock"), failed
    assert failed[0]["score"] == 0 and failed[0]["max_score"] == 1
    assert "differ" in failed[0]["output"]
    # no harness errors: nothing is "Not graded"
    assert not any(t.get("output", "").startswith("Not graded") for t in doc["tests"])


def junit_counts(root):
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(len(c.findall("failure")) for c in cases),
        "errors": sum(len(c.findall("error")) for c in cases),
        "skipped": sum(len(c.findall("skipped")) for c in cases),
    }
    for k, v in counts.items():
        assert int(suite.get(k, "0")) == v, (k, suite.attrib)
        assert int(root.get(k, "0")) == v, (k, root.attrib)
    return suite, cases, counts


def test_junit_xml(run, tmp_path):
    r = outputs(run, tmp_path)
    suite, cases, counts = junit_counts(ET.parse(r.out / "junit.xml").getroot())
    assert suite.get("name") == "sockets-tcp"
    assert counts == {"tests": len(r.steps) + len(r.results["checks"]), "failures": 0, "errors": 0, "skipped": 0}
    assert {c.get("classname") for c in cases} == {"verona.sockets-tcp"}
    names = [c.get("name") for c in cases]
    assert names[0] == "step 1: " + r.step(1)["python"]
    assert "three-way handshake" in names
    for c in cases:
        assert float(c.get("time", "0")) >= 0


def test_junit_xml_failures(run, tmp_path):
    r = outputs(run, tmp_path, wrong=True)
    suite, cases, counts = junit_counts(ET.parse(r.out / "junit.xml").getroot())
    failed_steps = [s for s in r.steps if s.get("pass") is False]
    failed_checks = [c for c in r.results["checks"] if c["status"] == "fail"]
    assert len(failed_steps) == 1 and len(failed_checks) == 1
    assert counts["failures"] == 2 and counts["errors"] == 0
    by_name = {c.get("name"): c for c in cases}
    step = by_name["step %d: %s" % (failed_steps[0]["number"], failed_steps[0]["python"])]
    f = step.find("failure")
    assert f is not None and "EBADF" in f.get("message") + (f.text or "")


def test_summary_csv(run, tmp_path):
    """summary.csv of a class of two (the experiment needs no submitted files)."""
    r = outputs(run, tmp_path)
    subs = tmp_path / "class"
    for student in ("alice", "bob, jr"):
        (subs / student).mkdir(parents=True)
    out = tmp_path / "graded"
    p = verona("grade", "--quiet", "--submissions", subs, "--out", out, graded(tmp_path), timeout=300)
    assert (out / "summary.csv").exists(), p.stdout + p.stderr
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header[:9] == ["student", "score", "max_score", "status", "needs_review", "runs", "score_min",
                          "score_max", "unstable"]
    items = [i["name"] for i in r.results["grading"]["items"]]
    assert header[9:9 + len(items)] == items
    assert sorted(row[0] for row in body) == ["alice", "bob, jr"]
    for row in body:
        assert len(row) == len(header)
        assert float(row[1]) == pytest.approx(20) and float(row[2]) == pytest.approx(20)
        assert row[3] == "pass" and row[4] == "no"
        # graded once: one run, its score as the spread, not unstable
        assert row[5:9] == ["1", row[1], row[1], "no"]
