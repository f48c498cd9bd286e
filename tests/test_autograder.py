"""`verona autograder gradescope|prairielearn`: the bundle an instructor
uploads grades the balcony submissions right inside an emulated Gradescope
(or PrairieLearn) container: a mount namespace with a fresh /autograder (or
/grade) tree and /tmp, a network namespace with only lo, Docker's default
capabilities and seccomp rules (tests/tools/dockerlike), 768 MB of memory and
half a CPU (a cgroup).  setup.sh builds verona from the source in the bundle
(apt-get finds every package already here), run_autograder grades: the
reference solution gets full marks, a wrong one loses exactly its items, and
results.json has only the platform's published fields.  The image of
PrairieLearn's Dockerfile is not built (no Docker, no internet): its
entrypoint runs in the same emulated container."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
import zipfile

import pytest

from conftest import EXPERIMENTS, ROOT, SCHEMA, needs_root, schema_problems, verona
from test_grading import GRADESCOPE_TEST, GRADESCOPE_TOP, ITEMS, LOSES, RAW

pytestmark = needs_root

BUILD = ROOT / os.environ.get("VERONA_BUILD", "build/rel")
DOCKERLIKE = BUILD / "tools" / "dockerlike"
CLASS = ROOT / "tests" / "submissions" / "balcony-tcp"
BALCONY = EXPERIMENTS / "balcony-tcp.yaml"
STUDENTS = ("reference", "missing-line")
# PrairieLearn's results.json (its external grading docs): these keys, tests[] with these
PL_TOP = {"gradable", "score", "message", "output", "images", "tests"}
PL_TEST = {"name", "description", "points", "max_points", "message", "output", "images"}
# what the source in the bundle may hold: what building needs, nothing of the tests or of a build
SOURCE_TOP = {"common", "pcap", "agent", "controller", "Makefile", "README.md", "LICENSE"}


class Cgroup:
    """Gradescope's default limits: 768 MB of memory and half a CPU, v1 (a
    memory and a cpu hierarchy) or v2; removed by close(), after ending
    whatever the test started in it."""

    def __init__(self):
        name = f"verona-autog-{uuid.uuid4().hex[:8]}"
        base = pathlib.Path("/sys/fs/cgroup")
        if (base / "cgroup.controllers").exists():            # v2
            self.dirs = [base / name]
            self.dirs[0].mkdir()
            (self.dirs[0] / "memory.max").write_text(str(768 << 20))
            (self.dirs[0] / "cpu.max").write_text("50000 100000")
        else:
            self.dirs = [base / "memory" / name, base / "cpu" / name]
            for d in self.dirs:
                d.mkdir()
            (self.dirs[0] / "memory.limit_in_bytes").write_text(str(768 << 20))
            (self.dirs[1] / "cpu.cfs_period_us").write_text("100000")
            (self.dirs[1] / "cpu.cfs_quota_us").write_text("50000")

    def procs(self):
        return " ".join(str(d / "cgroup.procs") for d in self.dirs)

    def close(self):
        for d in self.dirs:
            if not d.exists():
                continue
            for _ in range(50):
                pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
                for pid in pids:                  # what our container left: processes this test started
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                for sub in sorted(d.glob("**/"), key=lambda p: -len(p.parts)):
                    if sub != d:
                        sub.rmdir()
                try:
                    d.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
            assert not d.exists(), f"cannot remove the cgroup {d}"


class MountPoint:
    """An empty folder at path (/autograder, /grade) for the container's bind
    mounts, which are in the test's own mount namespace only; removed if the
    test made it."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.made = not self.path.exists()
        if self.made:
            self.path.mkdir()

    def close(self):
        if self.made:
            self.path.rmdir()


def container(cg, binds, script, timeout=300):
    """Runs script (sh) as in a Docker container: its own mount namespace with
    binds {host folder: mount point}, the cgroup's limits, then dockerlike:
    its own network namespace with only lo, Docker's capabilities and seccomp."""
    assert DOCKERLIKE.exists(), f"{DOCKERLIKE} was not built: run the tests with 'make test'"
    # the container's own /tmp hides a tree cloned under /tmp: dockerlike goes in with the binds
    dockerlike = cg.dockerlike
    mounts = "".join(f"mount --bind '{src}' '{dst}'\n" for src, dst in binds.items())
    outer = (f"set -e\n{mounts}"
             f"for f in {cg.procs()}; do echo $$ > $f; done\n"
             f"exec '{dockerlike}' --net sh -c \"$VERONA_TEST_SCRIPT\"\n")
    env = dict(os.environ, VERONA_TEST_SCRIPT=script)
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", outer], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd="/")


@pytest.fixture(scope="module")
def place():
    """A test folder outside /tmp (the containers get a /tmp of their own), a cgroup, the mount points."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="verona-autog-", dir="/var/tmp"))
    root.chmod(0o755)       # as an image's folders are: the students' uids read verona-bind.so below it
    made = []
    try:
        made.append(Cgroup())
        assert DOCKERLIKE.exists(), f"{DOCKERLIKE} was not built: run the tests with 'make test'"
        made[0].dockerlike = root / "dockerlike"
        shutil.copy2(DOCKERLIKE, made[0].dockerlike)
        made.append(MountPoint("/autograder"))
        made.append(MountPoint("/grade"))
        yield root, made[0]
    finally:
        for m in reversed(made):
            m.close()
        shutil.rmtree(root)


def grade_results(tmp):
    """The results.json verona grade wrote in the container's /tmp (run_autograder's $out/grade)."""
    found = list(tmp.glob("verona-grade.*/grade/results.json"))
    assert len(found) == 1, found
    return json.loads(found[0].read_text()), found[0]


def check_grade(student, tests, score, max_score):
    lost = {t["name"] for t in tests if t["score" if "score" in t else "points"] == 0}
    assert lost == LOSES[student], (student, lost)
    raw = sum(RAW[i] for i in ITEMS if i not in LOSES[student])
    assert abs(score - raw * max_score / 9) < 0.01, (student, score)


def check_verona_ran_it(tmp):
    r, path = grade_results(tmp)
    assert not schema_problems(path)
    assert r["manifest"]["testbed"]["place"] == "loopback"            # no namespace in there
    assert r["manifest"]["defines"]["timeout"] == "8"                   # the -D value frozen in the bundle
    for h in ("romeo", "juliet"):                                       # students' programs not as root
        sb = r["manifest"]["hosts"][h]["sandbox"]
        assert sb["level"] == "uid" and sb["uid"] >= 800000, sb


@pytest.fixture(scope="module")
def gradescope(place):
    """The zip, unzipped where Gradescope puts it, and setup.sh run in the container."""
    root, cg = place
    z = root / "autograder.zip"
    p = verona("autograder", "gradescope", BALCONY, "-D", "timeout=8", "-o", z)
    assert p.returncode == 0, p.stderr
    tree = root / "autograder"
    (tree / "source").mkdir(parents=True)
    subprocess.run(["unzip", "-q", str(z), "-d", str(tree / "source")], check=True)
    # closed to others, as an image's folder may be: setup.sh opens what the students' programs load
    (tree / "source").chmod(0o700)
    (root / "tmp").mkdir()
    p = container(cg, {tree: "/autograder", root / "tmp": "/tmp"},
                  "cd /autograder/source && sh ./setup.sh && cp run_autograder /autograder/run_autograder")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "installing" not in p.stdout                  # every package is here: no apt-get, no internet
    # the build in the container made verona from the zip's source, without -Werror
    assert (tree / "source" / "verona" / "bin" / "verona-bind.so").exists()
    assert "-Werror" not in p.stdout and "-Wall -Wextra" in p.stdout
    return root, cg, z


@pytest.mark.parametrize("student", STUDENTS)
def test_gradescope_grades_the_balcony_submissions(gradescope, student):
    root, cg, _ = gradescope
    tree, tmp = root / "autograder", root / "tmp"
    for d in ("submission", "results"):                  # a fresh container per submission
        shutil.rmtree(tree / d, ignore_errors=True)
    shutil.rmtree(tmp)
    tmp.mkdir()
    shutil.copytree(CLASS / student, tree / "submission")
    (tree / "results").mkdir()
    p = container(cg, {tree: "/autograder", tmp: "/tmp"}, "/autograder/run_autograder")
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads((tree / "results" / "results.json").read_text())
    assert set(res) <= GRADESCOPE_TOP, set(res) - GRADESCOPE_TOP
    for t in res["tests"]:
        assert set(t) <= GRADESCOPE_TEST, set(t) - GRADESCOPE_TEST
        assert t["status"] in ("passed", "failed")
    assert {t["name"] for t in res["tests"]} == set(ITEMS)
    check_grade(student, res["tests"], res["score"], 10)
    check_verona_ran_it(tmp)


@pytest.fixture(scope="module")
def prairielearn(place):
    """The image folder, and its setup.sh run as its Dockerfile would (in the container)."""
    root, cg = place
    image = root / "pl"
    p = verona("autograder", "prairielearn", BALCONY, "-D", "timeout=8", "-o", image)
    assert p.returncode == 0, p.stderr
    docker = (image / "Dockerfile").read_text()
    assert "FROM ubuntu:22.04" in docker and "setup.sh" in docker
    image.chmod(0o700)
    (root / "pltmp").mkdir()
    p = container(cg, {root / "pltmp": "/tmp"}, f"sh '{image}/setup.sh'")
    assert p.returncode == 0, p.stdout + p.stderr
    return root, cg, image


@pytest.mark.parametrize("student", STUDENTS)
def test_prairielearn_grades_the_balcony_submissions(prairielearn, student):
    root, cg, image = prairielearn
    grade, tmp = root / "grade", root / "pltmp"
    shutil.rmtree(grade, ignore_errors=True)
    shutil.rmtree(tmp)
    tmp.mkdir()
    shutil.copytree(CLASS / student, grade / "student")
    (grade / "results").mkdir()
    p = container(cg, {grade: "/grade", tmp: "/tmp"}, f"'{image}/run_autograder'")
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads((grade / "results" / "results.json").read_text())
    assert set(res) <= PL_TOP, set(res) - PL_TOP
    assert res["gradable"] is True and 0 <= res["score"] <= 1
    for t in res["tests"]:
        assert set(t) <= PL_TEST, set(t) - PL_TEST
        assert 0 <= t["points"] <= t["max_points"]
    assert {t["name"] for t in res["tests"]} == set(ITEMS)
    check_grade(student, res["tests"], res["score"], 1)
    check_verona_ran_it(tmp)


def test_prairielearn_says_ungradable_when_verona_cannot_grade(prairielearn):
    """A harness error is not the student's: gradable false, no score held against them."""
    root, cg, image = prairielearn
    grade, tmp = root / "grade", root / "pltmp"
    shutil.rmtree(grade, ignore_errors=True)
    shutil.rmtree(tmp)
    tmp.mkdir()
    shutil.copytree(CLASS / "reference", grade / "student")
    (grade / "results").mkdir()
    # the testbed cannot start: verona-agent is not where verona looks for it
    agent = image / "verona" / "bin" / "verona-agent"
    agent.rename(agent.with_suffix(".away"))
    try:
        p = container(cg, {grade: "/grade", tmp: "/tmp"}, f"'{image}/run_autograder'")
    finally:
        agent.with_suffix(".away").rename(agent)
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads((grade / "results" / "results.json").read_text())
    assert res["gradable"] is False and res["score"] == 0, res
    assert "could not grade" in res["message"]


def test_the_zip_holds_what_gradescope_runs_and_only_the_source_verona_needs(tmp_path):
    # an instructor's file the experiment puts (not the student's) goes in too, at its path
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "words.txt").write_text("O Romeo\n")
    text = BALCONY.read_text().replace(
        '  - juliet: {put: "${submission}/${program}"}\n',
        '  - juliet: {put: "${submission}/${program}"}\n  - juliet: {put: files}\n', 1)
    (tmp_path / "b.yaml").write_text(text)
    z = tmp_path / "a.zip"
    p = verona("autograder", "gradescope", tmp_path / "b.yaml", "-D", "timeout=8", "-D", "l1=it's", "-o", z)
    assert p.returncode == 0, p.stderr
    with zipfile.ZipFile(z) as f:
        names = f.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in f.infolist()}
        run = f.read("run_autograder").decode()
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert {"experiment/b.yaml", "experiment/files/words.txt"} <= set(names)
    # the -D values frozen, quoted for sh
    assert "-D 'timeout=8'" in run and "-D 'l1=it'\\''s'" in run, run
    # the student's files are not in it (the experiment puts ${submission}/balcony_tcp.py)
    assert not [n for n in names if n.endswith("balcony_tcp.py")]
    src = {n.split("/")[1] for n in names if n.startswith("verona/")}
    assert src <= SOURCE_TOP and {"Makefile", "controller", "agent", "common", "pcap"} <= src, src
    assert "verona/agent/preload/verona-bind.c" in names
    assert not [n for n in names if n.endswith((".o", ".d", ".pcap")) or "/bin/" in n or "/tests/" in n]


def test_what_cannot_go_in_a_bundle_is_refused(tmp_path):
    # a put outside the experiment's folder: the bundle could not carry it
    shutil.copy(BALCONY, tmp_path / "b.yaml")
    text = (tmp_path / "b.yaml").read_text().replace(
        '  - juliet: {put: "${submission}/${program}"}\n',
        '  - juliet: {put: "${submission}/${program}"}\n  - juliet: {put: "/etc/hostname"}\n', 1)
    (tmp_path / "b.yaml").write_text(text)
    p = verona("autograder", "gradescope", tmp_path / "b.yaml", "-o", tmp_path / "a.zip")
    assert p.returncode == 2 and "put /etc/hostname: the autograder carries only files below" in p.stderr, p.stderr
    assert not (tmp_path / "a.zip").exists()
    # what cannot run where no namespace can be made (Gradescope's container) is refused, with the reason
    p = verona("autograder", "gradescope", EXPERIMENTS / "reliable-udp.yaml", "-o", tmp_path / "r.zip")
    assert p.returncode == 2 and "links: loss and delay need a testbed of namespaces" in p.stderr, p.stderr
    assert "cannot run in the platform's container, which allows no namespace" in p.stderr
    assert not (tmp_path / "r.zip").exists()
    p = verona("autograder", "moodle", BALCONY, "-o", tmp_path / "m")
    assert p.returncode == 2 and "no platform 'moodle': gradescope or prairielearn" in p.stderr
    p = verona("autograder", "gradescope", BALCONY, "-D", "submission=x", "-o", tmp_path / "s.zip")
    assert p.returncode == 2 and "verona grade sets it" in p.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    p = verona("autograder", "prairielearn", BALCONY, "-o", tmp_path / "full")
    assert p.returncode == 2 and "is not empty" in p.stderr
