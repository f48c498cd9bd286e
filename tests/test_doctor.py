"""verona doctor: what this machine lets verona do, tried for real in three
settings a grader meets (root on a Linux machine, a plain user, a container
with Docker's default capabilities and seccomp rules, as Gradescope and
PrairieLearn run a submission), each with the kinds that work and the fix
for the rest.  Nothing the probes make outlives them (the leftover check)."""
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT, VERONA

BUILD = ROOT / os.environ.get("VERONA_BUILD", "build/rel")
DOCKERLIKE = BUILD / "tools" / "dockerlike"


def doctor(*prefix, args=("--json", "--quiet"), binary=VERONA):
    p = subprocess.run([*map(str, prefix), str(binary), "doctor", *args], capture_output=True, text=True, timeout=60)
    return p


def findings(p):
    d = json.loads(p.stdout)
    return {x["id"]: x for x in d["probes"]}, {k["name"]: k for k in d["kinds"]}


@pytest.fixture
def public_verona():
    """bin/verona copied where any user can run it (the tree may be closed to other users)."""
    d = tempfile.mkdtemp(prefix="verona-doctor-")
    try:
        os.chmod(d, 0o755)
        shutil.copy2(VERONA, d)
        yield os.path.join(d, "verona")
    finally:
        shutil.rmtree(d)


def test_as_root_the_netns_kind_works():
    p = doctor()
    assert p.returncode == 0, p.stdout + p.stderr
    probes, kinds = findings(p)
    for ok in ("root", "cap_net_admin", "cap_net_raw", "netns", "veth", "capture", "userns", "userns_veth",
               "userns_capture", "loopback", "nftables", "tbf"):
        assert probes[ok]["ok"], probes[ok]
    # this kernel has no sch_netem: said, with the fix, and no kind needs it
    assert not probes["netem"]["ok"] and "sch_netem" in probes["netem"]["fix"]
    assert kinds["netns"]["works"] and kinds["netns"]["missing"] == []
    assert kinds["userns"]["works"] and kinds["loopback"]["works"]
    text = doctor(args=("--quiet",))
    assert text.returncode == 0
    assert "works here (verona run uses it)" in text.stdout.split("netns ", 1)[1].split("\n  userns")[0]


def test_a_plain_user_gets_the_userns_kind(public_verona):
    p = doctor("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary=public_verona)
    assert p.returncode == 0, p.stdout + p.stderr       # the userns kind works for a plain user
    probes, kinds = findings(p)
    assert not probes["root"]["ok"] and "sudo" in probes["root"]["fix"]
    assert not probes["netns"]["ok"] and not probes["capture"]["ok"]
    # Debian lets a plain user make user namespaces, veth links and captures in them
    assert probes["userns"]["ok"] and probes["userns_veth"]["ok"] and probes["userns_capture"]["ok"]
    assert kinds["userns"]["works"] and not kinds["netns"]["works"]
    # nobody has no subordinate ids: socket steps only, and the fix
    assert not probes["subids"]["ok"] and "usermod --add-subuids" in probes["subids"]["fix"]
    assert set(kinds["netns"]["missing"]) >= {"root", "cap_net_admin", "netns", "capture"}
    text = doctor("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary=public_verona,
                  args=("--quiet",))
    assert "works here (verona run uses it)" in text.stdout.split("userns ", 1)[1].split("\n  loopback")[0]


def test_in_a_docker_like_container_the_fixes_name_dockers_flags():
    """Docker's defaults: root without CAP_NET_ADMIN and CAP_SYS_ADMIN, CAP_NET_RAW kept, a seccomp
    filter refusing namespaces; its own network namespace with only lo."""
    assert DOCKERLIKE.exists(), f"{DOCKERLIKE} was not built: run the tests with 'make test'"
    p = doctor(DOCKERLIKE, "--net")
    assert p.returncode == 0, p.stdout + p.stderr       # the loopback kind works there
    probes, kinds = findings(p)
    assert probes["root"]["ok"] and probes["cap_net_raw"]["ok"] and probes["capture"]["ok"]
    assert not probes["cap_net_admin"]["ok"] and "--cap-add NET_ADMIN" in probes["cap_net_admin"]["fix"]
    assert not probes["seccomp"]["ok"] and "seccomp filter" in probes["seccomp"]["detail"]
    assert not probes["userns"]["ok"] and "seccomp=unconfined" in probes["userns"]["fix"]
    assert not probes["netns"]["ok"] and "--cap-add SYS_ADMIN" in probes["netns"]["fix"]
    assert "loopback kind" in probes["netns"]["fix"]
    assert not kinds["netns"]["allowed"] and not kinds["userns"]["allowed"]
    # each host an address of its own on lo, captured there: the loopback kind works, and verona run uses it
    assert kinds["loopback"]["works"] and kinds["loopback"]["missing"] == []
    text = doctor(DOCKERLIKE, "--net", args=("--quiet",))
    assert "works here (verona run uses it)" in text.stdout.split("loopback ", 1)[1]


def test_where_nothing_works_doctor_says_so_and_exits_1(public_verona):
    """A plain user in a Docker-like container: no namespace, no capture (no CAP_NET_RAW)."""
    assert DOCKERLIKE.exists(), f"{DOCKERLIKE} was not built: run the tests with 'make test'"
    p = doctor(DOCKERLIKE, "--net", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
               binary=public_verona, args=("--quiet",))
    assert p.returncode == 1, p.stdout + p.stderr
    assert "no local testbed kind works here; a testbed file of remote agents" in p.stdout


def test_doctor_refuses_arguments():
    p = doctor(args=("extra",))
    assert p.returncode == 2 and "usage: verona doctor" in p.stderr
