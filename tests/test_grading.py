"""Grading a class with `verona grade`: the reference solution scores full
marks, each wrong solution loses exactly its items, and submissions that
hang, crash, flood stdout or fork without end are stopped and graded while
the class goes on."""
import base64
import csv
import json
import subprocess
import time
import xml.etree.ElementTree as ET

from conftest import EXPERIMENTS, ROOT, needs_root, verona

pytestmark = needs_root

CLASS = ROOT / "tests" / "submissions" / "balcony-tcp"
ITEMS = [
    "juliet prints every line and exits 0",
    "romeo prints every line and exits 0",
    "romeo connects to juliet (three-way handshake)",
    "ROMEO's speech arrives whole and in order",
    "JULIET's answer arrives whole and in order",
    "juliet acknowledges every byte",
    "an orderly close (FIN, not RST)",
]
# what each submission must lose, item by item
LOSES = {
    "reference": set(),
    "missing-line": {"ROMEO's speech arrives whole and in order"},
    "silent-romeo": {"romeo prints every line and exits 0"},
    "wrong-order": {"JULIET's answer arrives whole and in order", "juliet prints every line and exits 0",
                    "romeo prints every line and exits 0"},
    # neither side closes: the FIN of juliet's kernel when verona killed her at her timeout is not a close
    "hangs": {"JULIET's answer arrives whole and in order", "juliet prints every line and exits 0",
              "romeo prints every line and exits 0", "an orderly close (FIN, not RST)"},
    "crashes": set(ITEMS),
    "floods": set(ITEMS),
    "forkbomb": set(ITEMS),
    "nothing": set(ITEMS),
    "wrong-port": set(ITEMS),
}
RAW = {"romeo connects to juliet (three-way handshake)": 1, "ROMEO's speech arrives whole and in order": 2,
       "JULIET's answer arrives whole and in order": 2, "juliet acknowledges every byte": 1,
       "an orderly close (FIN, not RST)": 1, "juliet prints every line and exits 0": 1,
       "romeo prints every line and exits 0": 1}

GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                  "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
                   "tags", "visibility", "extra_data"}


def test_grade_a_class(tmp_path):
    out = tmp_path / "grades"
    p = verona("grade", "-D", "timeout=3", "--submissions", CLASS, "-j", "2", "--out", out,
               EXPERIMENTS / "balcony-tcp.yaml", timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr           # some lost points; no harness error
    rows = {r["student"]: r for r in csv.DictReader(open(out / "summary.csv", newline=""))}
    assert set(rows) == set(LOSES)
    for student, lost in LOSES.items():
        row = rows[student]
        got_lost = {i for i in ITEMS if row[i] == "0"}
        assert got_lost == lost, (student, got_lost)
        raw = sum(RAW[i] for i in ITEMS if i not in lost)
        assert abs(float(row["score"]) - raw * 10 / 9) < 0.01, (student, row["score"])
        assert row["max_score"] == "10"
        res = json.loads((out / student / "results.json").read_text())
        assert res["summary"]["exit"] in (0, 1), student      # a student's fault is never a harness error
        # Gradescope's published fields only
        gs = json.loads((out / student / "gradescope.json").read_text())
        assert set(gs) <= GRADESCOPE_TOP and abs(gs["score"] - raw * 10 / 9) < 0.01
        for t in gs["tests"]:
            assert set(t) <= GRADESCOPE_TEST
            assert t["status"] in ("passed", "failed") and t["visibility"] == "visible"
        names = {t["name"]: t for t in gs["tests"]}
        for i in ITEMS:
            assert names[i]["status"] == ("failed" if i in lost else "passed"), (student, i)
        # JUnit parses and counts the failures
        suite = ET.parse(out / student / "junit.xml").getroot().find("testsuite")
        assert int(suite.get("failures")) >= (1 if lost else 0)
        html = (out / student / "report.html").read_text()
        assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")

    # the reference scored full marks, with its programs' output kept
    ref = json.loads((out / "reference" / "results.json").read_text())
    romeo = next(s for s in ref["steps"] if s["op"] == "exec" and s["host"] == "romeo")
    assert b"received: And I'll no longer be a Capulet." in base64.b64decode(romeo["result"]["stdout_b64"])

    # the flood was cut at 1 MiB and stopped at the timeout
    fl = json.loads((out / "floods" / "results.json").read_text())
    fr = next(s for s in fl["steps"] if s["op"] == "exec" and s["host"] == "romeo")["result"]
    assert fr["stdout_truncated"] is True and fr["stdout_len"] > 1 << 20
    assert len(base64.b64decode(fr["stdout_b64"])) == 1 << 20
    assert fr["timed_out"] is True and fr["seconds"] < 4

    # nothing of the programs outlives the class: not the hang, not the fork bomb
    deadline = time.time() + 5
    while True:
        left = [l for l in subprocess.run(["ps", "-eo", "uid=,stat=,args="], capture_output=True,
                                          text=True).stdout.splitlines()
                if int(l.split()[0]) >= 800000 and not l.split()[1].startswith("Z")]
        if not left or time.time() > deadline:
            break
        time.sleep(0.2)
    assert left == [], left[:5]

    # the crash says why
    cr = json.loads((out / "crashes" / "results.json").read_text())
    fails = " ".join(f for s in cr["steps"] for f in s.get("failures", []))
    assert "SyntaxError" in fails and "exited with status 1" in fails


def test_grade_one_submission_and_usage(tmp_path):
    out = tmp_path / "one"
    p = verona("grade", "--submission", CLASS / "reference", "--out", out, EXPERIMENTS / "balcony-tcp.yaml")
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads((out / "gradescope.json").read_text())["score"] == 10
    assert verona("grade", EXPERIMENTS / "balcony-tcp.yaml").returncode == 2
    assert verona("grade", "--submissions", tmp_path / "none", EXPERIMENTS / "balcony-tcp.yaml").returncode == 2
    assert verona("grade", "--help").returncode == 0
