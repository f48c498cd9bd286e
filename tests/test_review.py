"""No point without evidence (issue 11, item 5), graded by the real `verona
grade` on the local testbed.

An item is only ever scored from a check or an expectation observed to
pass.  An item the trace cannot decide (the capture dropped packets, cannot
be read, or cut the packets short) scores 0, keeps its points in the
maximum, says why, and marks the submission "needs review": exit 3,
grading.needs_review in results.json, the needs_review column of
summary.csv, a note in gradescope.json, an <error> in junit.xml, a banner in
report.html, the class line and the transcript.  So a student who damages
or floods the trace can never score more than one who only prints the
expected lines (tests/hostile/prints-only).

The hostile submissions in tests/hostile/ are programs for
experiments/balcony-tcp.yaml; each attack is bounded in time.  The tests
hold whether or not the programs inherit the agent's capture descriptors:
when they do, the capture is damaged and every check is undecided; when
they do not, the checks see a dialogue that never happened and fail.
"""
import csv
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET

import pytest

from conftest import EXPERIMENTS, ROOT, needs_root, verona

pytestmark = needs_root

HOSTILE = ROOT / "tests" / "hostile"
REFERENCE = EXPERIMENTS / "solutions" / "balcony"
BALCONY = EXPERIMENTS / "balcony-tcp.yaml"
CHECK_ITEMS = ["romeo connects to juliet (three-way handshake)", "ROMEO's speech arrives whole and in order",
               "JULIET's answer arrives whole and in order", "juliet acknowledges every byte",
               "an orderly close (FIN, not RST)"]
STEP_ITEMS = ["juliet prints every line and exits 0", "romeo prints every line and exits 0"]
# what printing alone is worth: the two step items, 2 of the 9 rubric points, scaled to 10
PRINTS_ONLY = 2 * 10 / 9


@pytest.fixture
def work():
    """A folder for classes and grades, removed afterwards (the flood's captures are large)."""
    d = tempfile.mkdtemp(prefix="verona-review-")
    import pathlib
    try:
        yield pathlib.Path(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def experiment_with(work, name, capture):
    """balcony-tcp.yaml with a capture: setting (the rubric and the programs unchanged)."""
    text = BALCONY.read_text()
    assert "\ncapture:" not in text, "balcony-tcp.yaml has its own capture: setting now"
    p = work / name
    p.write_text(text + "capture: " + capture + "\n")
    return p


def a_class(work, **students):
    """A class folder: each student a copy of a submission folder."""
    d = work / "class"
    for student, src in students.items():
        shutil.copytree(src, d / student)
    return d


def outputs(folder):
    """What a graded submission's folder holds, parsed."""
    return {
        "results": json.loads((folder / "results.json").read_text()),
        "gradescope": json.loads((folder / "gradescope.json").read_text()),
        "junit": ET.parse(folder / "junit.xml").getroot(),
        "html": (folder / "report.html").read_text(),
        "transcript": (folder / "transcript.txt").read_text(),
    }


def summary(out):
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    return header, {r[0]: dict(zip(header, r)) for r in rows[1:]}


def undecided(results):
    return [i for i in results["grading"]["items"] if i["status"] == "error"]


def assert_review_everywhere(o, student_line=None):
    """A submission with undecided items says so in every output, and never scores them."""
    g = o["results"]["grading"]
    und = undecided(o["results"])
    assert und, "no undecided item"
    assert g["needs_review"] is True
    assert o["results"]["summary"]["exit"] == 3
    assert {r["item"] for r in g["review"]} == {i["name"] for i in und}
    for i in und:
        assert i["score"] == 0 and i["max_score"] > 0, i
        assert i["output"], i                   # says why
    # the maximum keeps every item: scaled to the total over the full rubric
    assert g["max_score"] == 10 and g["raw_max_score"] == 9
    assert g["raw_score"] == sum(i["score"] for i in g["items"] if i["status"] == "pass")
    assert g["score"] == pytest.approx(g["raw_score"] * 10 / 9)
    # gradescope.json: valid, the note on top and on each undecided item, never the maximum
    gs = o["gradescope"]
    assert gs["score"] == pytest.approx(g["score"]) and gs["score"] < 10
    assert gs["output"].startswith("NEEDS REVIEW: %d item" % len(und))
    assert "instructor will review" in gs["output"]
    assert gs["extra_data"]["needs_review"] is True
    tests = {t["name"]: t for t in gs["tests"]}
    assert sum(t["max_score"] for t in gs["tests"]) == 9
    for t in gs["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(t)
        assert t["status"] in ("passed", "failed")
    for i in und:
        t = tests[i["name"]]
        assert t["status"] == "failed" and t["score"] == 0 and t["max_score"] == i["max_score"]
        assert t["output"].startswith("Needs review: ") and "your instructor will review it" in t["output"]
    # junit.xml: an <error> per undecided check, and the property
    suite = o["junit"].find("testsuite")
    errors = [c for c in suite.findall("testcase") if c.find("error") is not None]
    und_checks = {i["name"] for i in und if i["kind"] == "check"}
    assert und_checks <= {c.get("name") for c in errors}
    assert all(c.find("error").get("type") in ("undecidable", "harness") for c in errors)
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["needs_review"] == "true"
    # report.html: the banner, each undecided item in it and marked in the grade table
    html = o["html"]
    assert 'id="needs-review"' in html and "Needs review:" in html
    assert html.count("review-item") == len(und)
    # the transcript
    assert ", NEEDS REVIEW" in o["transcript"] and "# needs review: %d item" % len(und) in o["transcript"]
    assert o["transcript"].count("#   REVIEW ") == len(und)
    if student_line is not None:
        assert "needs review" in student_line, student_line


def class_line(stdout, student):
    return next(l for l in stdout.splitlines() if l.strip().startswith(student + " "))


def test_damaging_or_flooding_the_trace_scores_no_higher_than_printing(work):
    """A class graded -j 2: the honest classmate, the printing baseline, garbage in every
    inherited capture descriptor, and a UDP flood; neither attack beats printing."""
    cls = a_class(work, honest=REFERENCE, printsonly=HOSTILE / "prints-only",
                  garbage=HOSTILE / "garbage-fds", flood=HOSTILE / "udp-flood")
    out = work / "grades"
    p = verona("grade", "-D", "timeout=8", "--submissions", cls, "-j", "2", "--out", out, BALCONY, timeout=300)
    log = p.stdout + p.stderr
    header, rows = summary(out)
    assert header[:5] == ["student", "score", "max_score", "status", "needs_review"], header

    # the honest classmate keeps full marks, nothing to review
    assert rows["honest"]["score"] == "10" and rows["honest"]["needs_review"] == "no", rows["honest"]
    honest = outputs(out / "honest")
    assert honest["results"]["summary"]["exit"] == 0 and honest["results"]["grading"]["needs_review"] is False
    assert "Needs review" not in honest["html"] and not honest["gradescope"]["output"].startswith("NEEDS")

    # the baseline: decided, the two printing items only
    base = outputs(out / "printsonly")["results"]
    assert undecided(base) == [] and rows["printsonly"]["needs_review"] == "no"
    assert {i["name"] for i in base["grading"]["items"] if i["status"] == "pass"} == set(STEP_ITEMS)
    assert base["grading"]["score"] == pytest.approx(PRINTS_ONLY)

    reviewed = 0
    for student in ("garbage", "flood"):
        o = outputs(out / student)
        g = o["results"]["grading"]
        # never more than printing alone, in every place a score is written
        assert g["score"] <= base["grading"]["score"] + 1e-9, (student, g)
        assert float(rows[student]["score"]) <= float(rows["printsonly"]["score"]), rows[student]
        assert o["gradescope"]["score"] <= base["grading"]["score"] + 1e-9 and o["gradescope"]["score"] < 10
        assert rows[student]["max_score"] == "10"
        for name in CHECK_ITEMS:
            assert rows[student][name] in ("0", "error"), (student, name, rows[student][name])
        if undecided(o["results"]):
            reviewed += 1
            assert rows[student]["needs_review"] == "yes"
            assert_review_everywhere(o, class_line(p.stdout, student))
        else:
            assert rows[student]["needs_review"] == "no" and o["results"]["summary"]["exit"] == 1
    assert p.returncode == (3 if reviewed else 1), log
    if reviewed:
        assert "submissions need review" in p.stdout, p.stdout


def test_flood_until_the_capture_drops_scores_zero_and_needs_review(work):
    """With a small capture buffer the flood makes the captures drop packets: every check
    is undecidable, scores 0 out of its points, and the submission needs review."""
    x = experiment_with(work, "balcony-smallbuf.yaml", "{buffer: 4096}")
    out = work / "flood"
    p = verona("grade", "-D", "timeout=8", "--submission", HOSTILE / "udp-flood", "--out", out, x, timeout=300)
    assert p.returncode == 3, p.stdout + p.stderr
    o = outputs(out)
    hosts = o["results"]["manifest"]["hosts"]
    drops = sum(h.get("capture", {}).get("drops", 0) for h in hosts.values())
    assert drops > 0, "the flood did not make the capture drop: this test shows nothing"
    g = o["results"]["grading"]
    und = undecided(o["results"])
    assert {i["name"] for i in und} == set(CHECK_ITEMS)
    # why: the drops (or, where the agent has one, the capture's size budget the flood reached)
    assert all("cannot be decided" in i["output"] for i in und), [i["output"] for i in und]
    assert g["score"] == pytest.approx(PRINTS_ONLY)       # the printing items only, over the full 10
    assert_review_everywhere(o)
    assert "needs review" in p.stdout


def test_a_cut_capture_scores_zero_on_what_it_cannot_decide(work):
    """The rule itself, on an honest run: the reference solution with a 64-byte snaplen.  The
    checks cannot read the cut packets: each scores 0 of its points and says why; the
    printing items keep theirs; the class line, summary.csv and every output say needs review."""
    x = experiment_with(work, "balcony-snap64.yaml", "{snaplen: 64}")
    cls = a_class(work, alice=REFERENCE)
    out = work / "grades"
    p = verona("grade", "--submissions", cls, "--out", out, x, timeout=180)
    assert p.returncode == 3, p.stdout + p.stderr
    header, rows = summary(out)
    assert rows["alice"]["needs_review"] == "yes" and rows["alice"]["max_score"] == "10"
    assert float(rows["alice"]["score"]) == pytest.approx(PRINTS_ONLY, abs=1e-3)
    assert all(rows["alice"][name] == "error" for name in CHECK_ITEMS)
    o = outputs(out / "alice")
    und = undecided(o["results"])
    assert {i["name"] for i in und} == set(CHECK_ITEMS)
    assert all("snaplen" in i["output"] for i in und), [i["output"] for i in und]
    assert_review_everywhere(o, class_line(p.stdout, "alice"))
    assert "1 of 1 submissions need review" in p.stdout


def test_nothing_is_passed_on_what_a_cut_capture_left(tmp_path):
    """experiments/sockets-tcp.yaml graded, with a 64-byte snaplen: the capture keeps only
    the packets without TCP options, on which some checks would pass ("acked: sent no data")
    and a graded `expect: {packets: [SYN, SYN-ACK, ACK]}` would be compared.  Neither scores:
    every item is undecided, 0 of the full maximum, and the run needs review."""
    text = (EXPERIMENTS / "sockets-tcp.yaml").read_text()
    needle = "expect: {packets: [SYN, SYN-ACK, ACK]}"
    assert text.count(needle) == 1 and "\ncapture:" not in text
    text = text.replace(needle, 'expect: {packets: [SYN, SYN-ACK, ACK], points: 3, name: "romeo connects"}')
    x = tmp_path / "sockets-cut.yaml"
    x.write_text(text + "grading: {total: 10}\ncapture: {snaplen: 64}\n")
    out = tmp_path / "run"
    p = verona("run", "--quiet", "--out", out, x, timeout=120)
    assert p.returncode == 3, p.stdout + p.stderr
    res = json.loads((out / "results.json").read_text())
    g = res["grading"]
    assert [i for i in g["items"] if i["status"] != "error"] == []
    assert g["score"] == 0 and g["max_score"] == 10 and g["raw_max_score"] == 3 + len(res["checks"])
    assert all("snaplen" in i["output"] for i in g["items"]), [i["output"] for i in g["items"]]
    item = next(i for i in g["items"] if i["name"] == "romeo connects")
    assert item["max_score"] == 3 and "the packets of this step cannot be decided" in item["output"]
    assert g["needs_review"] is True and len(g["review"]) == len(g["items"])
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    step = next(c for c in suite.findall("testcase") if "connect(" in c.get("name") and c.find("error") is not None)
    assert step.find("error").get("type") == "undecidable"
    shutil.rmtree(out, ignore_errors=True)


def test_each_hosts_sandbox_and_limits_are_shown(tmp_path):
    """report.html's hosts table and the transcript header name each host's sandbox level
    and limits as its agent reported them ("unknown" when an older agent said nothing)."""
    out = tmp_path / "one"
    p = verona("grade", "--submission", REFERENCE, "--out", out, BALCONY, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    o = outputs(out)
    for name, h in o["results"]["manifest"]["hosts"].items():
        level = (h.get("sandbox") or {}).get("level") or "unknown"
        line = next(l for l in o["transcript"].splitlines() if l.startswith("# host %s " % name))
        assert ", sandbox %s" % level in line, line
        assert ", limits " in line and (h.get("limits") or "limits unknown" in line), line
        assert o["gradescope"]["extra_data"]["sandbox"][name] == level
    assert o["html"].count('<td class="sandbox">') == len(o["results"]["manifest"]["hosts"])
    assert "<th>sandbox</th><th>limits</th>" in o["html"]
    shutil.rmtree(out, ignore_errors=True)


def test_an_unsandboxed_run_is_shown_in_red(tmp_path):
    """`grade --unsandboxed`: level none, in red with "not sandboxed" in report.html, in the
    transcript, as a warning in gradescope.json's output and on the class line."""
    cls = tmp_path / "class"
    shutil.copytree(REFERENCE, cls / "bob")
    out = tmp_path / "grades"
    p = verona("grade", "--unsandboxed", "--submissions", cls, "--out", out, BALCONY, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    o = outputs(out / "bob")
    hosts = o["results"]["manifest"]["hosts"]
    assert {h["sandbox"]["level"] for h in hosts.values()} == {"none"}
    assert o["html"].count('<span class="unsandboxed">none — not sandboxed</span>') == len(hosts)
    assert "not sandboxed" in o["html"].split("<table class=\"hosts\">")[0]      # also above the table
    assert o["transcript"].count("sandbox none (NOT SANDBOXED)") == len(hosts)
    assert "WARNING: not sandboxed" in o["gradescope"]["output"]
    assert "WARNING: not sandboxed on " in class_line(p.stdout, "bob")
    shutil.rmtree(out, ignore_errors=True)
