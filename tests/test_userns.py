"""The local testbed for any user (`--local userns`, the default without
root): a throwaway user with no privilege runs `verona run` and `verona grade`
with the real agent, and gets the same step results, checks and scores as
root gets on the netns testbed; nothing outlives the run (no namespace, no
process, no mount on the machine)."""
import csv
import json
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import tempfile

import pytest

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root, require_tools, verona, verona_namespaces

pytestmark = needs_root

BALCONY = ROOT / "tests" / "submissions" / "balcony-tcp"


@pytest.fixture
def user():
    """A user made for this test (with the subordinate ids useradd gives), and a folder it can use."""
    require_tools("useradd", "userdel", "setpriv", "newuidmap")
    name = "vt" + secrets.token_hex(4)
    subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", name], check=True)
    home = pathlib.Path(tempfile.mkdtemp(prefix="verona-userns-"))
    try:
        for f in ("verona", "verona-agent"):
            shutil.copy2(ROOT / "bin" / f, home / f)
        shutil.copytree(EXPERIMENTS, home / "experiments")
        shutil.copytree(BALCONY, home / "class", ignore=shutil.ignore_patterns("floods", "forkbomb", "hangs",
                                                                                "crashes", "nothing", "wrong-port"))
        subprocess.run(["chown", "-R", name, str(home)], check=True)
        yield name, home
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        subprocess.run(["userdel", name], check=True)
        shutil.rmtree(home)
        assert name not in pathlib.Path("/etc/subuid").read_text()


def as_user(user, *args, timeout=120):
    name, home = user
    gid = subprocess.run(["id", "-g", name], capture_output=True, text=True, check=True).stdout.strip()
    return subprocess.run(["setpriv", f"--reuid={name}", f"--regid={gid}", "--init-groups",
                           "env", f"HOME={home}", str(home / "verona"), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=home)


def comparable(results):
    """Each step's host, Python line and result text, and each check's verdict, ports and fds aside."""
    norm = lambda s: re.sub(r"\b(10\.10\.0\.\d+', )\d+|:\d{5}\b|fd=\d+", "#", s or "")
    steps = [(s["host"], norm(s.get("python")), norm(s.get("shown")), s.get("pass")) for s in results["steps"]]
    checks = [(c["check"], c["status"]) for c in results["checks"]]
    return steps, checks


@pytest.mark.parametrize("experiment", ["sockets-tcp.yaml", "sockets-udp.yaml"])
def test_a_plain_user_runs_an_experiment(user, tmp_path, experiment):
    p = as_user(user, "run", "--quiet", "--out", "run", f"experiments/{experiment}")
    assert p.returncode == 0, p.stdout + p.stderr
    mine = json.loads((user[1] / "run" / "results.json").read_text())
    assert mine["manifest"]["testbed"]["place"] == "userns"
    # the run folder is the user's
    assert (user[1] / "run" / "results.json").stat().st_uid == int(
        subprocess.run(["id", "-u", user[0]], capture_output=True, text=True).stdout)
    # root's netns run of the same experiment: the same steps, results and verdicts
    q = verona("run", "--quiet", "--out", tmp_path / "root", EXPERIMENTS / experiment)
    assert q.returncode == 0, q.stdout + q.stderr
    root = json.loads((tmp_path / "root" / "results.json").read_text())
    assert root["manifest"]["testbed"]["place"] == "netns"
    assert comparable(mine) == comparable(root)
    # nothing on the machine: no namespace, no process of the user
    tid = mine["manifest"]["testbed"]["id"]
    assert not [n for n in verona_namespaces() if n.startswith(f"verona-{tid}-")]
    assert not list(pathlib.Path("/etc/netns").glob(f"verona-{tid}-*"))
    assert subprocess.run(["pgrep", "-u", user[0]], capture_output=True).returncode == 1


def test_a_plain_user_grades_a_class(user):
    p = as_user(user, "grade", "-D", "timeout=3", "--submissions", "class", "-j", "2", "--out", "grades",
                "experiments/balcony-tcp.yaml", timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr         # missing-line etc. lose points; no harness error
    rows = {r["student"]: r for r in csv.DictReader(open(user[1] / "grades" / "summary.csv", newline=""))}
    assert float(rows["reference"]["score"]) == 10, rows["reference"]
    assert rows["missing-line"]["ROMEO's speech arrives whole and in order"] == "0"
    assert float(rows["missing-line"]["score"]) < 10
    assert rows["wrong-order"]["JULIET's answer arrives whole and in order"] == "0"
    for s in rows:
        res = json.loads((user[1] / "grades" / s / "results.json").read_text())
        assert res["manifest"]["testbed"]["place"] == "userns"
        # programs ran in the full sandbox under an id of their own, not verona's (root there: the user)
        for h in ("romeo", "juliet"):
            sb = res["manifest"]["hosts"][h]["sandbox"]
            assert sb["level"] == "full" and sb["uid"] != 0 and sb["exec"], sb
    assert subprocess.run(["pgrep", "-u", user[0]], capture_output=True).returncode == 1


def test_where_user_namespaces_are_refused_a_user_with_subordinate_ids_is_not_left_hanging(user):
    """A user with subordinate ids in a Docker-like container (its seccomp rules refuse unshare): verona
    forks the id mapper before it tries the user namespace; when that fails, the mapper must end too, and
    verona goes on to the loopback testbed instead of waiting for it forever."""
    name, home = user
    dockerlike = ROOT / os.environ.get("VERONA_BUILD", "build/rel") / "tools" / "dockerlike"
    assert dockerlike.exists(), f"{dockerlike} was not built: run the tests with 'make test'"
    gid = subprocess.run(["id", "-g", name], capture_output=True, text=True, check=True).stdout.strip()
    p = subprocess.run([str(dockerlike), "--net", "setpriv", f"--reuid={name}", f"--regid={gid}", "--init-groups",
                        "env", f"HOME={home}", str(home / "verona"), "run", "--quiet", "--out", "in-container",
                        "experiments/sockets-tcp.yaml"], capture_output=True, text=True, timeout=60, cwd=home)
    assert "cannot make a user namespace" in p.stderr and "--local loopback" in p.stderr, p.stderr
    # a plain user there cannot capture (no CAP_NET_RAW): the run ends and says so, it does not hang
    assert p.returncode in (0, 3), p.stdout + p.stderr


def test_without_subordinate_ids_programs_are_refused_with_the_fix(tmp_path):
    """nobody has no subordinate ids: socket steps run; a program could only run as the user itself, so an
    experiment with exec steps is refused before anything starts, naming the step and the fix."""
    require_tools("setpriv")
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", VERONA, "run",
                        "--out", "/dev/null/none", str(EXPERIMENTS / "balcony-tcp.yaml")],
                       capture_output=True, text=True, timeout=60, cwd="/")
    assert p.returncode == 2, p.stdout + p.stderr
    assert re.search(r"balcony-tcp.yaml:\d+:\d+: this step runs a program, and in a user namespace programs need "
                     r"user ids of their own", p.stderr), p.stderr
    assert "usermod --add-subuids" in p.stderr and "apt-get install uidmap" in p.stderr


@pytest.fixture(scope="module")
def class_user():
    """One throwaway user for the sweep below (made once: each experiment is a run of its own)."""
    require_tools("useradd", "userdel", "setpriv", "newuidmap")
    name = "vt" + secrets.token_hex(4)
    subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", name], check=True)
    home = pathlib.Path(tempfile.mkdtemp(prefix="verona-userns-"))
    try:
        for f in ("verona", "verona-agent", "verona-bind.so"):
            shutil.copy2(ROOT / "bin" / f, home / f)
        shutil.copytree(EXPERIMENTS, home / "experiments")
        subprocess.run(["chown", "-R", name, str(home)], check=True)
        yield name, home
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        subprocess.run(["userdel", name], check=True)
        shutil.rmtree(home)


@pytest.mark.parametrize("experiment", sorted(p.name for p in EXPERIMENTS.glob("*.yaml")))
def test_every_experiment_gives_netns_verdicts(class_user, tmp_path, experiment):
    """Every experiment in experiments/, as a plain user: each step and each check has the verdict it has on
    root's netns testbed, and the run exits as root's does."""
    out = f"sweep-{experiment}"
    p = as_user(class_user, "run", "--quiet", "--out", out, f"experiments/{experiment}", timeout=300)
    q = verona("run", "--quiet", "--out", tmp_path / "root", EXPERIMENTS / experiment, timeout=300)
    assert p.returncode == q.returncode, p.stdout + p.stderr
    if not (tmp_path / "root" / "results.json").exists():
        return                                      # refused alike before any run (no steps)
    mine = json.loads((class_user[1] / out / "results.json").read_text())
    root = json.loads((tmp_path / "root" / "results.json").read_text())
    assert mine["manifest"]["testbed"]["place"] == "userns"
    assert [s.get("pass") for s in mine["steps"]] == [s.get("pass") for s in root["steps"]], p.stdout
    assert [c["status"] for c in mine["checks"]] == [c["status"] for c in root["checks"]], p.stdout
