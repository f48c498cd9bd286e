"""Safe output folders (issue 11, item 8).

verona runs as root; a student's program or another local user may share
the machine.  Whatever they plant where verona writes (a symlink, a folder
of their own, files in a folder verona wrote before), verona refuses it or
replaces it, and never writes through it: every run folder, class folder and
student folder is 0700 and every file in it 0600, owned by the user who runs
verona.  The victims below are files and folders such a planting would
aim at; each test checks they are exactly as they were.
"""
import json
import os
import pathlib
import pwd
import shutil
import stat
import subprocess
import time
import uuid

import pytest

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root, verona

pytestmark = needs_root

EXP = EXPERIMENTS / "echo-udp.yaml"          # one host, well under a second
RUN_FILES = ["results.json", "gradescope.json", "junit.xml", "report.html", "transcript.txt",
             "experiment.yaml", "lab.pcap", "trace.pcapng", "agent-lab.log"]
BALCONY = EXPERIMENTS / "balcony-tcp.yaml"
SUBMISSIONS = ROOT / "tests" / "submissions" / "balcony-tcp"
NOBODY = pwd.getpwnam("nobody")


def as_nobody(path):
    """What user nobody would have made: owned by nobody, not by root."""
    os.lchown(path, NOBODY.pw_uid, NOBODY.pw_gid)
    return path


def shared_folder(tmp_path):
    """A folder every local user may write to, as /tmp is (mode 1777)."""
    d = tmp_path / "shared"
    d.mkdir()
    d.chmod(0o1777)
    return d


class Victims:
    """Files and a folder of root's that a planted link points at; snapshot() proves them untouched."""

    def __init__(self, tmp_path, n=1):
        self.dir = tmp_path / "victim-dir"
        self.dir.mkdir()
        (self.dir / "keep.txt").write_text("a file of root's that must survive\n")
        self.files = []
        for i in range(n):
            f = tmp_path / f"victim-{i}"
            f.write_text(f"victim {i}, untouched\n")
            f.chmod(0o644)
            self.files.append(f)
        self.before = self.snapshot()

    def snapshot(self):
        state = {}
        for p in [*self.files, *sorted(self.dir.rglob("*")), self.dir]:
            st = os.lstat(p)
            state[str(p)] = (stat.S_IMODE(st.st_mode), st.st_uid, st.st_size, st.st_mtime_ns,
                             p.read_bytes() if p.is_file() else sorted(x.name for x in p.iterdir()))
        return state

    def untouched(self):
        return self.snapshot() == self.before


def assert_private(folder, files_expected=()):
    """folder and everything below it: 0700 folders, 0600 regular files, owned by the user who runs verona."""
    st = os.lstat(folder)
    assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700, f"{folder}: {oct(st.st_mode)}"
    assert st.st_uid == os.geteuid()
    names = set()
    for p in folder.rglob("*"):
        st = os.lstat(p)
        names.add(p.relative_to(folder).as_posix())
        assert st.st_uid == os.geteuid(), p
        if stat.S_ISDIR(st.st_mode):
            assert stat.S_IMODE(st.st_mode) == 0o700, f"{p}: {oct(st.st_mode)}"
        else:
            assert stat.S_ISREG(st.st_mode), f"{p} is not a regular file"
            assert stat.S_IMODE(st.st_mode) == 0o600, f"{p}: {oct(st.st_mode)}"
    assert set(files_expected) <= names, set(files_expected) - names
    assert not [n for n in names if ".tmp." in n]


def run(out, *extra, cwd=None):
    args = ["run", "--quiet", *extra]
    if out is not None:
        args += ["--out", out]
    return verona(*args, EXP, cwd=cwd)


def test_run_folder_and_files_are_private(tmp_path):
    out = tmp_path / "out"
    p = run(out)
    assert p.returncode == 0, p.stderr
    assert_private(out, RUN_FILES + [".verona-run"])


def test_default_run_folder_is_private(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    p = run(None, cwd=work)
    assert p.returncode == 0, p.stderr
    (folder,) = (work / "runs").iterdir()
    assert not (work / "runs").is_symlink()
    assert_private(folder, RUN_FILES)


def test_out_that_is_a_symlink_is_refused(tmp_path):
    victims = Victims(tmp_path)
    shared = shared_folder(tmp_path)
    # nobody plants the name the instructor will give to --out: once pointing at
    # root's folder, once at a folder that does not exist yet
    link = shared / "out"
    link.symlink_to(victims.dir)
    as_nobody(link)
    dangling = shared / "out2"
    dangling.symlink_to(tmp_path / "nowhere")
    as_nobody(dangling)
    for out in (link, dangling):
        p = run(out)
        assert p.returncode == 2, p.stdout + p.stderr
        assert "is a symbolic link" in p.stderr and "does not exist yet" in p.stderr, p.stderr
    assert victims.untouched()
    assert not (tmp_path / "nowhere").exists()


def test_out_owned_by_another_user_is_refused(tmp_path):
    victims = Victims(tmp_path, n=len(RUN_FILES))
    shared = shared_folder(tmp_path)
    empty = shared / "empty"
    empty.mkdir()
    as_nobody(empty)
    planted = shared / "planted"
    planted.mkdir()
    for name, victim in zip(RUN_FILES, victims.files):
        (planted / name).symlink_to(victim)
        as_nobody(planted / name)
    as_nobody(planted)
    for out in (empty, planted):
        for force in ([], ["--force"]):
            p = run(out, *force)
            assert p.returncode == 2, p.stdout + p.stderr
            assert f"belongs to uid {NOBODY.pw_uid} (nobody)" in p.stderr, p.stderr
    assert victims.untouched()
    assert list(empty.iterdir()) == []
    assert os.lstat(empty).st_uid == NOBODY.pw_uid


def test_non_empty_out_is_refused_and_force_needs_verona_marker(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("the instructor's own notes\n")
    p = run(out)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "is not empty" in p.stderr and "--force" in p.stderr, p.stderr
    p = run(out, "--force")
    assert p.returncode == 2, p.stdout + p.stderr
    assert "was not made by verona" in p.stderr, p.stderr
    assert sorted(x.name for x in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "the instructor's own notes\n"


def test_planted_run_files_are_never_written_through(tmp_path):
    """A folder of root's left world-writable (mkdir -m 777): nobody plants every run file as a link
    to a victim, and a marker of its own; verona refuses it, with or without --force."""
    victims = Victims(tmp_path, n=len(RUN_FILES))
    out = tmp_path / "open"
    out.mkdir()
    out.chmod(0o777)
    for name, victim in zip(RUN_FILES, victims.files):
        (out / name).symlink_to(victim)
        as_nobody(out / name)
    (out / ".verona-run").write_text("not verona's\n")
    as_nobody(out / ".verona-run")
    p = run(out)
    assert p.returncode == 2 and "is not empty" in p.stderr, p.stdout + p.stderr
    p = run(out, "--force")
    assert p.returncode == 2 and "was not made by verona" in p.stderr, p.stdout + p.stderr
    assert victims.untouched()
    assert all((out / name).is_symlink() for name in RUN_FILES)


def test_force_reuses_a_verona_folder_without_following_links(tmp_path):
    victims = Victims(tmp_path, n=len(RUN_FILES))
    out = tmp_path / "again"
    p = run(out)
    assert p.returncode == 0, p.stderr
    before = (out / "results.json").read_bytes()
    p = run(out)
    assert p.returncode == 2 and "is not empty" in p.stderr, p.stdout + p.stderr
    assert (out / "results.json").read_bytes() == before
    # someone got write access to the old run folder and planted links in it,
    # to files, to a folder of root's, and inside a sub-folder
    out.chmod(0o777)
    for name, victim in zip(RUN_FILES, victims.files):
        (out / name).unlink()
        (out / name).symlink_to(victim)
        as_nobody(out / name)
    (out / "sub").symlink_to(victims.dir, target_is_directory=True)
    (out / "deep" / "er").mkdir(parents=True)
    (out / "deep" / "er" / "link").symlink_to(victims.dir / "keep.txt")
    as_nobody(out / "deep")
    p = run(out, "--force")
    assert p.returncode == 0, p.stdout + p.stderr
    assert victims.untouched()
    assert_private(out, RUN_FILES + [".verona-run"])
    assert not (out / "sub").exists() and not (out / "deep").exists()
    assert json.loads((out / "results.json").read_text())["summary"]["status"] == "pass"


def test_default_runs_folder_must_be_ours_and_real(tmp_path):
    victims = Victims(tmp_path)
    linked, foreign = tmp_path / "w1", tmp_path / "w2"
    linked.mkdir()
    (linked / "runs").symlink_to(victims.dir, target_is_directory=True)
    foreign.mkdir()
    (foreign / "runs").mkdir()
    as_nobody(foreign / "runs")
    p = run(None, cwd=linked)
    assert p.returncode == 2 and "runs is a symbolic link" in p.stderr, p.stdout + p.stderr
    p = run(None, cwd=foreign)
    assert p.returncode == 2 and "runs belongs to uid" in p.stderr, p.stdout + p.stderr
    assert list((foreign / "runs").iterdir()) == []
    assert victims.untouched()


def make_class(tmp_path):
    cls = tmp_path / "class"
    cls.mkdir()
    shutil.copytree(SUBMISSIONS / "reference", cls / "alice")
    shutil.copytree(SUBMISSIONS / "nothing", cls / "bob")
    return cls


def grade_class(cls, out, *extra):
    return verona("grade", "-D", "timeout=3", "--submissions", cls, "-j", "2", "--out", out, *extra, BALCONY,
                  timeout=120)


def test_grade_class_folder_is_private_and_planted_students_are_not_written_through(tmp_path):
    victims = Victims(tmp_path, n=3)
    cls = make_class(tmp_path)
    out = tmp_path / "grades"
    p = grade_class(cls, out)
    assert p.returncode == 1, p.stdout + p.stderr     # bob loses points; no harness error
    assert_private(out, ["summary.csv", "alice.log", "bob.log", ".verona-run", "alice/results.json",
                         "alice/gradescope.json", "alice/report.html", "bob/results.json"])
    # someone plants a student's folder, a student's log and the summary in the old class folder
    out.chmod(0o777)
    shutil.rmtree(out / "alice")
    (out / "alice").symlink_to(victims.dir, target_is_directory=True)
    for name, victim in zip(["bob.log", "summary.csv", "alice.log"], victims.files):
        (out / name).unlink()
        (out / name).symlink_to(victim)
        as_nobody(out / name)
    as_nobody(out / "alice")
    p = grade_class(cls, out)
    assert p.returncode == 2 and "is not empty" in p.stderr, p.stdout + p.stderr
    p = grade_class(cls, out, "--force")
    assert p.returncode == 1, p.stdout + p.stderr
    assert victims.untouched()
    assert_private(out, ["summary.csv", "alice.log", "bob.log", "alice/results.json", "bob/results.json"])
    assert json.loads((out / "alice" / "results.json").read_text())["grading"]["score"] == 10


def test_grade_class_into_a_planted_shared_path_is_refused(tmp_path):
    victims = Victims(tmp_path)
    cls = make_class(tmp_path)
    shared = shared_folder(tmp_path)
    (shared / "grades").symlink_to(victims.dir, target_is_directory=True)
    as_nobody(shared / "grades")
    (shared / "grades2").mkdir()
    as_nobody(shared / "grades2")
    p = grade_class(cls, shared / "grades")
    assert p.returncode == 2 and "is a symbolic link" in p.stderr, p.stdout + p.stderr
    p = grade_class(cls, shared / "grades2", "--force")
    assert p.returncode == 2 and "belongs to uid" in p.stderr, p.stdout + p.stderr
    assert victims.untouched()
    assert list((shared / "grades2").iterdir()) == []



@pytest.fixture
def world_writable_tmp():
    """A folder in /tmp that every local user (a student's program too) may write to, as /tmp itself."""
    d = pathlib.Path("/tmp") / f"verona-test-outdir-{uuid.uuid4().hex[:12]}"
    d.mkdir(mode=0o755)
    d.chmod(0o1777)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_hostile_program_planting_the_next_out_is_refused(world_writable_tmp):
    """tests/hostile/planted-out: while `verona grade --submission class/alice --out SHARED/grade-alice`
    runs, alice's program reads that command line in /proc and plants SHARED/grade-bob, a folder of its
    own full of links to a victim of root's.  Grading bob into it is refused and writes nothing
    through; bob graded into a new folder keeps full marks."""
    shared = world_writable_tmp
    victim = shared / "victim"
    victim.write_text("a file of root's, untouched\n")
    before = (victim.read_bytes(), os.stat(victim).st_mtime_ns)
    cls = shared / "class"
    cls.mkdir(mode=0o755)
    shutil.copytree(ROOT / "tests" / "hostile" / "planted-out", cls / "alice")
    shutil.copytree(SUBMISSIONS / "reference", cls / "bob")
    p = verona("grade", "-D", "timeout=3", "--submission", cls / "alice", "--out", shared / "grade-alice",
               BALCONY, timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr       # alice loses points; no harness error
    planted = shared / "grade-bob"
    p = verona("grade", "-D", "timeout=3", "--submission", cls / "bob", "--out", planted, BALCONY, timeout=60)
    if planted.exists() and os.lstat(planted).st_uid != os.geteuid():
        # the attack got as far as planting (programs see the host's /proc and /tmp): refused
        assert p.returncode == 2 and "belongs to uid" in p.stderr, p.stdout + p.stderr
        p = verona("grade", "-D", "timeout=3", "--force", "--submission", cls / "bob", "--out", planted,
                   BALCONY, timeout=60)
        assert p.returncode == 2 and "belongs to uid" in p.stderr, p.stdout + p.stderr
        assert all((planted / name).is_symlink() for name in ["results.json", "agent-romeo.log"])
        fresh = shared / "grade-bob-new"
        p = verona("grade", "-D", "timeout=3", "--submission", cls / "bob", "--out", fresh, BALCONY, timeout=60)
    else:
        fresh = planted                                 # contained: nothing was planted
    assert (victim.read_bytes(), os.stat(victim).st_mtime_ns) == before
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads((fresh / "results.json").read_text())["grading"]["score"] == 10
    assert_private(fresh, ["results.json", "agent-romeo.log"])


def test_names_planted_in_the_class_folder_during_grading_are_replaced_not_followed(tmp_path):
    """While the first student (a program that hangs until the timeout) is graded, someone who can write
    in the class folder (root here) plants the next student's folder and log as links to victims.
    verona removes the links themselves and makes its own: the victims are untouched, bob has full marks."""
    victims = Victims(tmp_path, n=1)
    cls = tmp_path / "class"
    cls.mkdir()
    shutil.copytree(SUBMISSIONS / "hangs", cls / "alice")
    shutil.copytree(SUBMISSIONS / "reference", cls / "bob")
    out = tmp_path / "grades"
    proc = subprocess.Popen([VERONA, "grade", "-D", "timeout=3", "--submissions", str(cls), "-j", "1",
                             "--out", str(out), str(BALCONY)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.time() + 20
        while not (out / "alice.log").exists() and time.time() < deadline:
            time.sleep(0.01)
        assert not (out / "bob").exists(), "alice was graded too fast to plant anything before bob"
        (out / "bob").symlink_to(victims.dir, target_is_directory=True)
        (out / "bob.log").symlink_to(victims.files[0])
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 1, stdout + stderr
    assert victims.untouched()
    assert_private(out, ["bob/results.json", "bob.log", "summary.csv"])
    assert json.loads((out / "bob" / "results.json").read_text())["grading"]["score"] == 10
