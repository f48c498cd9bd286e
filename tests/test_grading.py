"""Grading a class with `verona grade`: the reference solution scores full
marks, each wrong solution loses exactly its items, and submissions that
hang, crash, flood stdout or fork without end are stopped and graded while
the class goes on."""
import base64
import shutil
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


RACY = ROOT / "tests" / "submissions" / "racy-echo"
RACY_ITEMS = ["the first answer is whole", "the second answer is whole", "the third answer is whole"]


def test_runs_flag_a_racy_submission_unstable(tmp_path):
    """--runs 5 on a submission that reads once while its client pauses at random between two
    writes: the runs differ, and every output a person or a script reads says "unstable"."""
    out = tmp_path / "racy"
    p = verona("grade", "--runs", "5", "--submission", RACY / "racy", "--out", out, RACY / "experiment.yaml",
               timeout=120)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    for k in range(1, 6):                                  # each run's folder is kept
        assert f"verona: run {k} of 5: {out}/run-{k}" in p.stdout
        assert json.loads((out / f"run-{k}" / "results.json").read_text())["grading"]["max_score"] == 10
    runs = json.loads((out / "runs.json").read_text())
    scores = [json.loads((out / f"run-{k}" / "results.json").read_text())["grading"]["score"] for k in range(1, 6)]
    assert runs["scores"] == scores and runs["runs"] == 5 and runs["graded"] == 5
    # three independent coin flips per run: five identical runs would take a 1-in-4096 chance
    assert runs["unstable"] is True, runs
    assert runs["varying"] and {v["name"] for v in runs["varying"]} <= set(RACY_ITEMS)
    assert runs["min"] == min(scores) and runs["max"] == max(scores)
    assert runs["median"] == sorted(scores)[2] == scores[runs["median_run"] - 1]
    assert "UNSTABLE: the runs differ" in p.stdout
    assert "spread %s..%s" % (fmt2(min(scores)), fmt2(max(scores))) in p.stdout
    gs = json.loads((out / "gradescope.json").read_text())
    assert gs["score"] == runs["median"]
    assert gs["output"].startswith("This submission was graded 5 times: median %s / 10" % fmt2(runs["median"]))
    assert "UNSTABLE" in gs["output"] and gs["extra_data"]["runs"]["unstable"] is True


def fmt2(x):
    """A score as verona shows it to a person: two decimals at most."""
    return ("%.2f" % x).rstrip("0").rstrip(".")


def test_runs_of_deterministic_submissions_are_stable_in_summary_csv(tmp_path):
    """--runs 3 over a class whose programs do the same every time: spread 0, not unstable, and
    summary.csv says so in its runs, score_min, score_max and unstable columns."""
    cls = tmp_path / "class"
    for student in ("steady", "third-cut"):
        shutil.copytree(RACY / student, cls / student)
    out = tmp_path / "grades"
    p = verona("grade", "--runs", "3", "--submissions", cls, "-j", "2", "--out", out, RACY / "experiment.yaml",
               timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr            # third-cut loses a point
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header[:9] == ["student", "score", "max_score", "status", "needs_review", "runs", "score_min",
                          "score_max", "unstable"]
    rows = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert rows["steady"]["score"] == rows["steady"]["score_min"] == rows["steady"]["score_max"] == "10"
    assert rows["third-cut"]["score"] == rows["third-cut"]["score_min"] == rows["third-cut"]["score_max"] == "6.6667"
    for student, row in rows.items():
        assert row["runs"] == "3" and row["unstable"] == "no", row
        runs = json.loads((out / student / "runs.json").read_text())
        assert runs["unstable"] is False and runs["min"] == runs["max"] and runs["varying"] == []
        assert all((out / student / f"run-{k}" / "results.json").exists() for k in (1, 2, 3))
    assert rows["third-cut"]["the third answer is whole"] == "0"
    assert "median of 3 runs, spread 6.67..6.67" in p.stdout and "UNSTABLE" not in p.stdout


def test_one_submission_ends_with_its_score_and_lost_items(tmp_path):
    """A single `verona grade` ends with the score (two decimals) and each lost item: its name,
    points and why, in one line."""
    p = verona("grade", "--submission", RACY / "third-cut", "--out", tmp_path / "g", RACY / "experiment.yaml",
               timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    tail = p.stdout.rstrip("\n").split("\n")[-3:]
    assert tail[0] == "Score: 6.67 / 10 (2 of 3 rubric points)", p.stdout
    assert tail[1] == "Lost:"
    assert tail[2].startswith("  the third answer is whole (1 point): 10.10.0.101:4002 sent 5 bytes"), tail[2]
    # two decimals wherever a person reads the score; gradescope.json's numbers stay exact
    g = tmp_path / "g"
    assert 'class="score">Score: 6.67 / 10' in (g / "report.html").read_text()
    assert "Grade: 6.67 / 10" in (g / "report.html").read_text()
    assert "# grade 6.67 / 10 (2 of 3 rubric points)" in (g / "transcript.txt").read_text()
    gs = json.loads((g / "gradescope.json").read_text())
    assert gs["output"].startswith("racy-echo: 6.67 of 10 points (2 of 3 rubric points")
    assert gs["score"] == json.loads((g / "results.json").read_text())["grading"]["score"] == 20 / 3
    # --quiet keeps the end: the score and what was lost
    q = verona("grade", "--quiet", "--submission", RACY / "third-cut", "--out", tmp_path / "q",
               RACY / "experiment.yaml", timeout=120)
    assert q.returncode == 1 and q.stdout.rstrip("\n").split("\n")[-3:] == tail, q.stdout


def test_runs_wants_a_whole_number(tmp_path):
    """--runs takes 1..99 runs; anything else is a command-line error (exit 2) that says what it wants."""
    for bad in ("0", "100", "2x", ""):
        p = verona("grade", "--runs", bad, "--submission", RACY / "steady", "--out", tmp_path / "g",
                   RACY / "experiment.yaml")
        assert p.returncode == 2 and "--runs wants a whole number of runs, 1..99, not '%s'" % bad in p.stderr, p.stderr
        assert not (tmp_path / "g").exists()
