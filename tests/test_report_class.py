"""summary.html, the class's page `verona grade --submissions` writes beside
summary.csv, in a real headless browser (Debian's chromium), after a real
grade of a few balcony-tcp students and one whose folder name is an attack
on the page: it loads with no console message, holds one row per student
(with summary.csv's score), the histogram and links whose targets exist,
sorts by a column, shows the hostile name as text, gives each item the pass
rate summary.csv gives it, and its screenshot is not blank."""
import csv
import json
import html
import os
import re
import shutil
import subprocess
import urllib.parse

from conftest import EXPERIMENTS, ROOT, needs_root, needs_tools, verona
from test_report import CHROMIUM_FLAGS, Dom, assert_not_blank, chromium_bin, console_lines

pytestmark = needs_root

CLASS = ROOT / "tests" / "submissions" / "balcony-tcp"
STUDENTS = ["reference", "missing-line", "wrong-order", "crashes"]
# a folder name made to break out of the page: markup, a script, quotes, and what a URL treats specially
HOSTILE = "<script>alert(1)<img src=x onerror=alert(2)> \"q\" 'a' &amp; #1 ?%41"


def grade_class(tmp_path):
    cls = tmp_path / "class"
    for s in STUDENTS:
        shutil.copytree(CLASS / s, cls / s)
    shutil.copytree(CLASS / "missing-line", cls / HOSTILE)
    out = tmp_path / "grades"
    p = verona("grade", "-D", "timeout=3", "--submissions", cls, "-j", "2", "--out", out,
               EXPERIMENTS / "balcony-tcp.yaml", timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr           # points lost, no harness error
    assert f"verona: {out}/summary.html" in p.stdout
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["student"] for r in rows} == set(STUDENTS) | {HOSTILE}
    return out, rows


def browse(url, tmp_path, *args, timeout=90):
    """Runs chromium on url with a fresh profile (as test_report.browse, with an address of our own)."""
    home = tmp_path / f"chromium-{len(list(tmp_path.glob('chromium-*')))}"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"))
    cmd = [chromium_bin(), *CHROMIUM_FLAGS, f"--user-data-dir={home / 'profile'}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def assert_only_its_own(text):
    """Nothing outside the page but links to the class folder's files; one inline script, allowed by hash."""
    dom = Dom(text)
    scripts = [a for t, a, _ in dom.elements if t == "script"]
    assert scripts == [{}], scripts                          # one, inline
    for tag, attrs, _ in dom.elements:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "image", "use", "form"), tag
        for name, value in attrs.items():
            assert name not in ("src", "srcset", "action", "data", "xlink:href") and not name.startswith("on"), \
                f"<{tag} {name}={value!r}>"
            if name == "href":
                assert not re.match(r"^[a-z][a-z0-9+.-]*:|^/|\.\./", value), f"<a href={value!r}> leaves the class"
    csp = [a["content"] for t, a, _ in dom.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src 'sha256-" in csp[0], csp
    assert "unsafe-inline" not in csp[0].split("script-src")[1]


def cells(dom, cls):
    return [e[1] for e in dom.with_class(cls, "td")]


@needs_tools("chromium")
def test_summary_html_of_a_graded_class(tmp_path):
    out, rows = grade_class(tmp_path)
    page = out / "summary.html"
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert_only_its_own(text)

    # as chromium builds it, sorted by score, highest first, with #sort=-score
    got = browse(page.as_uri() + "#sort=-score", tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert got.returncode == 0, got.stderr[-2000:]
    assert not console_lines(got.stderr), console_lines(got.stderr)
    dom = Dom(got.stdout)
    assert len(dom.with_class("student", "tr")) == len(rows)
    scores = [c["data-v"] for c in cells(dom, "score")]
    assert scores == sorted((r["score"] for r in rows), key=float, reverse=True), scores
    assert [e for e in dom.elements if e[0] == "th" and e[1].get("aria-sort") == "descending"][0][1]["data-col"] \
        == "score"

    # unsorted, the rows are summary.csv's, in its order, with its scores
    plain = Dom(text)
    assert [c["data-v"] for c in cells(plain, "name")] == [r["student"] for r in rows]
    assert [c["data-v"] for c in cells(plain, "score")] == [r["score"] for r in rows]

    # the plot: a bar per tenth of the range, counting every graded student once
    bars = dom.with_class("bar", "rect")
    assert len(bars) == 10 and sum(int(b[1]["data-count"]) for b in bars) == len(rows)
    assert any(e[0] == "svg" and e[1].get("id") == "histogram" for e in dom.elements)

    # every student's link goes to a file the class folder has: their report.html
    links = [e[1]["href"] for e in dom.elements if e[0] == "a"]
    assert len(links) >= len(rows)
    for href in links:
        assert (out / urllib.parse.unquote(href)).is_file(), href
    assert {urllib.parse.unquote(h) for h in links} >= {f"{r['student']}/report.html" for r in rows}

    # the hostile name is text: no element of its making, and shown as it is
    assert not any(e[0] in ("img", "script") and e[1] for e in dom.elements)
    assert len([e for e in dom.elements if e[0] == "script"]) == 1
    assert HOSTILE in "".join(dom.text)
    assert HOSTILE not in text                              # never raw in the source

    # each item's pass rate is summary.csv's, the most lost first
    items = re.findall(r'<tr class="item" id="item-(\d+)" data-passed="(\d+)" data-graded="(\d+)">'
                       r'<td class="num">\d+</td><td>(.*?)</td>', text)
    assert len(items) == 7, items
    rates = []
    for _, passed, graded, name in items:
        name = html.unescape(name)
        col = [r[name] for r in rows if r[name] != ""]
        assert int(graded) == len(col), name
        assert int(passed) == sum(1 for v in col if v not in ("0", "error")), name
        rates.append(int(passed) / int(graded))
    assert rates == sorted(rates), rates

    # a screenshot that shows something
    png = tmp_path / "summary.png"
    shot = browse(page.as_uri(), tmp_path, f"--screenshot={png}", "--window-size=1200,2000")
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert_not_blank(png)


RACY = ROOT / "tests" / "submissions" / "racy-echo"


def test_summary_html_of_a_class_graded_several_times(tmp_path):
    """--runs 5: each row links to the median run's report.html, and the submission whose runs
    differ is flagged unstable in its row and in the list to look at, as summary.csv says."""
    cls = tmp_path / "class"
    for s in ("racy", "steady"):
        shutil.copytree(RACY / s, cls / s)
    out = tmp_path / "grades"
    p = verona("grade", "--runs", "5", "--submissions", cls, "-j", "2", "--out", out, RACY / "experiment.yaml",
               timeout=60)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    with open(out / "summary.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    # three coin flips a run: five identical runs would take a 1-in-4096 chance
    assert rows["racy"]["unstable"] == "yes" and rows["steady"]["unstable"] == "no"
    text = (out / "summary.html").read_text()
    dom = Dom(text)
    for student in rows:
        median = json.loads((out / student / "runs.json").read_text())["median_run"]
        assert f'href="{student}/run-{median}/report.html"' in text
        assert (out / student / f"run-{median}" / "report.html").is_file()
    flagged = [e for e in dom.elements if "unstable" in e[1].get("class", "").split()]
    assert len(flagged) == 2, flagged                       # racy's row and its line in the list to look at
    assert '<b id="n-unstable">1</b>' in text
    # the spread of the runs, as summary.csv's score_min and score_max
    spread = dict(re.findall(r'<tr class="student"><td class="name" data-v="(\w+)">.*?'
                             r'<td class="num" data-v="5">5: ([^<]*)</td>', text))
    assert spread == {s: f"{fmt2(r['score_min'])}–{fmt2(r['score_max'])}" for s, r in rows.items()}, spread


def fmt2(x):
    """A score as verona shows it to a person: two decimals at most."""
    return ("%.2f" % float(x)).rstrip("0").rstrip(".")
