"""Resource limits per run (issue 11, item 4): every program a student's
submission starts on a host runs in one cgroup of that host's session
(agent/cgroup.c), with a memory limit (swap may not extend it), a process
count, a CPU quota and an equal CPU share; the whole run is limited, not each
process.  Graded with the real `verona grade` on the local testbed, the
hostile submissions of tests/hostile/ next to an honest classmate graded at
the same time (-j): the attack is contained, the classmate keeps full marks,
results.json names the limits that applied, and the run's cgroups are gone
afterwards (also after Ctrl-C)."""
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import AGENT, EXPERIMENTS, ROOT, VERONA, needs_root

pytestmark = needs_root

HOSTILE = ROOT / "tests" / "hostile"
SOLUTIONS = EXPERIMENTS / "solutions"
GiB = 1 << 30
CONTROLLERS = ("memory", "pids", "cpu")


# ---- the host's cgroups, found as the agent finds them ----

def _mounts():
    """{"": cgroup2 mount, controller: v1 mount} from /proc/self/mountinfo."""
    found = {}
    for line in open("/proc/self/mountinfo"):
        head, _, tail = line.partition(" - ")
        fstype, _src, opts = tail.split()[:3]
        mnt = head.split()[4]
        if fstype == "cgroup2":
            found.setdefault("", mnt)
        elif fstype == "cgroup":
            for c in opts.split(","):
                found.setdefault(c, mnt)
    return found


def _own(ctrl):
    for line in open("/proc/self/cgroup"):
        hid, ctrls, path = line.rstrip("\n").split(":", 2)
        if (ctrl == "" and hid == "0" and ctrls == "") or ctrl in ctrls.split(","):
            return path
    return None


def cgroup_bases():
    """The directories below which our agents (our descendants) make their runs' cgroups."""
    mounts, bases = _mounts(), set()
    for c in CONTROLLERS:
        v2 = os.path.join(mounts[""], _own("").lstrip("/")) if "" in mounts and _own("") is not None else None
        if v2 and c in open(os.path.join(v2, "cgroup.controllers")).read().split():
            bases.add(v2)
        elif c in mounts and _own(c) is not None:
            bases.add(os.path.join(mounts[c], _own(c).lstrip("/")))
    return bases


def _descends(pid, ancestor):
    for _ in range(64):
        if pid == ancestor:
            return True
        try:
            stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        if pid <= 1:
            return False
    return False


def _read_int(path):
    try:
        return int(pathlib.Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Watch(threading.Thread):
    """Samples, every 10 ms, the runs' cgroups whose agent descends from pid:
    which exist, their most processes (pids.current) and memory at once."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.bases = pid, cgroup_bases()
        self.seen, self.most_pids, self.most_memory = set(), 0, 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            for base in self.bases:
                try:
                    names = os.listdir(base)
                except OSError:
                    continue
                for name in names:
                    m = re.fullmatch(r"verona-run-(\d+)-\d+", name)
                    path = os.path.join(base, name)
                    if not m or (path not in self.seen and not _descends(int(m.group(1)), self.pid)):
                        continue
                    self.seen.add(path)
                    n = _read_int(os.path.join(path, "pids.current"))
                    if n is not None:
                        self.most_pids = max(self.most_pids, n)
                    for f in ("memory.usage_in_bytes", "memory.current"):
                        n = _read_int(os.path.join(path, f))
                        if n is not None:
                            self.most_memory = max(self.most_memory, n)
            time.sleep(0.01)

    def finish(self):
        self.stop.set()
        self.join(5)


def kill_cgroup(path):
    """Removes a cgroup a failed test left (what is in it killed first)."""
    for _ in range(500):
        try:
            pids = pathlib.Path(path, "cgroup.procs").read_text().split()
        except OSError:
            return
        for p in pids:
            try:
                os.kill(int(p), signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.rmdir(path)
            return
        except OSError:
            time.sleep(0.01)


@pytest.fixture
def watched():
    """Runs verona under a Watch; whatever cgroup of ours is left at the end is removed (and the test fails)."""
    watches = []

    def _run(args, timeout=90, interrupt_when=None):
        # its own process group, which Ctrl-C signals as a terminal does
        p = subprocess.Popen([VERONA, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
        w = Watch(p.pid)
        watches.append(w)
        w.start()
        if interrupt_when is not None:
            deadline = time.time() + 30
            while not interrupt_when(w) and time.time() < deadline and p.poll() is None:
                time.sleep(0.02)
            assert p.poll() is None, "the run ended before it could be interrupted"
            os.killpg(p.pid, signal.SIGINT)
        out, _ = p.communicate(timeout=timeout)
        w.finish()
        return p.returncode, out, w

    yield _run
    left = [path for w in watches for path in w.seen if os.path.exists(path)]
    for path in left:
        kill_cgroup(path)
    assert not left, f"cgroups left behind: {left}"


def make_class(tmp_path, students):
    """A --submissions folder: {student: folder to copy}."""
    cls = tmp_path / "class"
    for name, src in students.items():
        shutil.copytree(src, cls / name)
    return cls


def results(out, student):
    return json.loads((out / student / "results.json").read_text())


def score(out, student):
    g = results(out, student)["grading"]
    return g["score"], g["max_score"]


def agent_log(out, student):
    text = "".join(p.read_text() for p in sorted((out / student).glob("agent-*.log")))
    assert "Sanitizer" not in text and "runtime error" not in text, text
    return text


def cgroup_stats(log, pattern):
    return [int(n) for n in re.findall(pattern, log)]


def program_output(res, needle):
    """The stdout of every exec step whose output has needle."""
    import base64
    outs = []
    for s in res["steps"]:
        b64 = (s.get("result") or {}).get("stdout_b64")
        if b64:
            text = base64.b64decode(b64).decode(errors="replace")
            if needle in text:
                outs.append(text)
    return outs


def assert_limits(res, memory, processes, cpus, disk):
    for host, h in res["manifest"]["hosts"].items():
        lim = h["limits"]
        assert lim["cgroup"] in ("v1", "v2", "v1+v2"), (host, lim)
        assert (lim["memory"], lim["processes"], lim["cpus"], lim["disk"]) == (memory, processes, cpus, disk), lim
        assert lim["swap"] == 0 or "swap accounting" in lim["swap"], lim
        assert lim["cpu_share"] in ("cpu.shares 1024", "cpu.weight 100"), lim
        assert set(lim["paths"]) == set(CONTROLLERS), lim
        for path in lim["paths"].values():
            assert not os.path.exists(path), f"{host}: the run's cgroup {path} outlived the run"


# ---- the attacks ----

def test_memory_beyond_the_run_limit_is_contained_and_a_classmate_keeps_full_marks(tmp_path, watched):
    """20 processes x 100 MiB (each under the per-process RLIMIT_AS) against
    the default 1 GiB per run: the run never holds more than 1 GiB, the
    kernel kills inside the run's cgroup only, and the honest classmate
    graded at the same time scores 10/10."""
    cls = make_class(tmp_path, {"hog": HOSTILE / "memory-hog", "honest": SOLUTIONS / "balcony"})
    out = tmp_path / "grades"
    rc, log, w = watched(["grade", "--submissions", cls, "-j", "2", "--out", out,
                          EXPERIMENTS / "balcony-tcp.yaml"])
    assert rc in (0, 1), log                             # no harness error: the host is unharmed
    assert score(out, "honest") == (10, 10), log
    hog = results(out, "hog")
    assert_limits(hog, GiB, 256, 1.0, 256 << 20)
    alog = agent_log(out, "hog")
    peaks = cgroup_stats(alog, r"peak memory (\d+) bytes")
    ooms = cgroup_stats(alog, r"(\d+) OOM kills")
    print(f"hog: peak memory per host {peaks}, OOM kills {ooms}; most sampled at once {w.most_memory}")
    assert len(peaks) == 2 and all(0 < p <= GiB for p in peaks), alog
    assert sum(ooms) >= 1, alog
    assert w.most_memory <= GiB
    said = program_output(hog, "holders:")
    assert said, "the hog's programs printed nothing"
    for text in said:                                   # not all 20 x 100 MiB were ever held
        m = re.search(r"holders: (\d+) of 20.*killed: (\d+)", text, re.S)
        assert m and (int(m.group(1)) < 20 or int(m.group(2)) > 0), text


def test_a_fork_bomb_is_capped_by_the_runs_process_count(tmp_path, watched):
    """A fork bomb under --limits processes=48 (below the per-user
    RLIMIT_NPROC of 128, so the cgroup is what stops it): the run never has
    more than 48 processes, forks are refused at pids.max, and the honest
    classmate keeps 10/10."""
    cls = make_class(tmp_path, {"bomb": HOSTILE / "fork-bomb", "honest": SOLUTIONS / "balcony"})
    out = tmp_path / "grades"
    rc, log, w = watched(["grade", "--limits", "processes=48", "-D", "timeout=6", "--submissions", cls,
                          "-j", "2", "--out", out, EXPERIMENTS / "balcony-tcp.yaml"])
    assert rc in (0, 1), log
    assert score(out, "honest") == (10, 10), log
    bomb = results(out, "bomb")
    assert_limits(bomb, GiB, 48, 1.0, 256 << 20)
    refused = cgroup_stats(agent_log(out, "bomb"), r"(\d+) forks refused at pids.max")
    print(f"bomb: forks refused at pids.max per host {refused}; most processes sampled at once {w.most_pids}")
    assert sum(refused) > 0, agent_log(out, "bomb")
    assert 0 < w.most_pids <= 48


def test_a_cpu_burner_leaves_a_timing_graded_classmate_at_full_marks(tmp_path, watched):
    """48 spinning processes (tests/hostile/cpu-burner) graded with -j 3 next
    to two reference sensors, whose UDP readings must keep a 0.2 s period
    (+-0.05 s) on the wire: three rounds, every classmate 10/10 each time;
    the burner's run is held to its 1-CPU quota (throttled).  Without the
    cgroups (the build before them), the same class lost 2 points in 4 of
    6 classmate runs."""
    cls = make_class(tmp_path, {"burner": HOSTILE / "cpu-burner", "honest1": SOLUTIONS / "sensor",
                                "honest2": SOLUTIONS / "sensor"})
    scores, throttled = [], []
    for round_ in range(3):
        out = tmp_path / f"grades{round_}"
        rc, log, _ = watched(["grade", "-D", "timeout=8", "--submissions", cls, "-j", "3", "--out", out,
                              EXPERIMENTS / "sensor.yaml"])
        assert rc in (0, 1), log
        scores.append([score(out, s)[0] for s in ("honest1", "honest2")])
        throttled += cgroup_stats(agent_log(out, "burner"), r"throttled (\d+) times")
        assert_limits(results(out, "burner"), GiB, 256, 1.0, 256 << 20)
    print(f"classmates' scores per round: {scores}; burner's cgroups throttled {throttled} times")
    assert scores == [[10, 10]] * 3, scores
    assert max(throttled) > 0, throttled


def test_results_name_the_limits_and_the_cgroups_are_gone_after_the_run(tmp_path, watched):
    """--limits reaches every host: results.json's manifest names the limits
    that applied, their cgroup version and paths, and the paths are gone
    after the run."""
    out = tmp_path / "one"
    rc, log, w = watched(["grade", "--limits", "memory=512M,processes=100,cpus=0.5,disk=64M",
                          "--submission", SOLUTIONS / "balcony", "--out", out, "-q",
                          EXPERIMENTS / "balcony-tcp.yaml"])
    assert rc == 0, log
    res = json.loads((out / "results.json").read_text())
    assert_limits(res, 512 << 20, 100, 0.5, 64 << 20)
    agent_log(tmp_path, "one")
    assert w.seen and not any(os.path.exists(p) for p in w.seen)


def test_ctrl_c_removes_the_runs_cgroups_and_what_runs_in_them(tmp_path, watched):
    """Ctrl-C (SIGINT to verona's process group) while a burner's spinners run: the
    agents end their sessions, kill what is in their cgroups and remove
    them."""
    cls = make_class(tmp_path, {"burner": HOSTILE / "cpu-burner"})
    most = [0]

    def busy(w):
        for p in list(w.seen):
            most[0] = max(most[0], _read_int(os.path.join(p, "pids.current")) or 0)
        return most[0] >= 5
    rc, log, w = watched(["grade", "-D", "timeout=8", "--submissions", cls, "--out", tmp_path / "g",
                          EXPERIMENTS / "sensor.yaml"], interrupt_when=busy)
    print(f"interrupted: exit {rc}, with {most[0]} processes in a cgroup, cgroups {sorted(w.seen)}")
    assert rc != 0, log
    assert w.seen and most[0] >= 5, "the burner's cgroup was not seen busy"
    deadline = time.time() + 3
    while any(os.path.exists(p) for p in w.seen) and time.time() < deadline:
        time.sleep(0.05)
    assert not [p for p in w.seen if os.path.exists(p)], log


def test_a_crashed_runs_cgroup_is_removed_by_the_next_run(tmp_path, watched):
    """A cgroup named after an agent that is gone (a crashed run), with a
    process still in it, is emptied and removed when the next agent on the
    host starts its first session."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = []
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        for base in cgroup_bases():
            path = os.path.join(base, f"verona-run-{gone.pid}-1")
            os.mkdir(path)
            stale.append(path)
            pathlib.Path(path, "cgroup.procs").write_text(str(sleeper.pid))
        rc, log, _ = watched(["grade", "--submission", SOLUTIONS / "balcony", "--out", tmp_path / "o", "-q",
                              EXPERIMENTS / "balcony-tcp.yaml"])
        assert rc == 0, log
        assert sleeper.wait(timeout=5) == -signal.SIGKILL
        assert not [p for p in stale if os.path.exists(p)]
    finally:
        sleeper.kill()
        sleeper.wait()
        for p in stale:
            kill_cgroup(p)


def test_down_all_removes_a_crashed_runs_cgroups(tmp_path):
    """verona down --all also removes the verona-run-* cgroups whose agent
    is gone, killing what is still in them.  (Run in a mount namespace of
    its own whose /run/netns is empty, so that it removes no other run's
    namespaces on this shared machine; the cgroups are the host's.)"""
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = []
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        for base in cgroup_bases():
            path = os.path.join(base, f"verona-run-{gone.pid}-7")
            os.mkdir(path)
            stale.append(path)
            pathlib.Path(path, "cgroup.procs").write_text(str(sleeper.pid))
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            f"mount -t tmpfs verona-test /run/netns && exec {VERONA} down --all"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "0 namespaces removed" in p.stdout, p.stdout
        assert re.search(r"\d+ cgroups? of crashed runs removed", p.stdout), p.stdout
        assert sleeper.wait(timeout=5) == -signal.SIGKILL
        assert not [x for x in stale if os.path.exists(x)]
    finally:
        sleeper.kill()
        sleeper.wait()
        for x in stale:
            kill_cgroup(x)


def test_a_program_cannot_leave_its_runs_cgroup(tmp_path, watched):
    """A program is in its run's cgroup in every limited hierarchy (read on
    the host side, /proc/PID/cgroup while it runs), and cannot move itself
    out: writing its pid to any other cgroup.procs (the agent's own, the
    hierarchy's root) is refused."""
    marker = f"verona-escape-{os.getpid()}-{time.monotonic_ns()}"
    # the program writes its pid to every cgroup.procs outside its run's cgroup
    script = f"""# {marker}
moved=0
for f in $(find /sys/fs/cgroup -maxdepth 3 -name cgroup.procs 2>/dev/null); do
  case "$f" in */verona-run-*) continue;; esac
  if echo $$ > "$f" 2>/dev/null; then moved=$((moved+1)); echo "moved into $f"; fi
done
echo "moves: $moved"
sleep 1.5
"""
    exp = tmp_path / "escape.yaml"
    exp.write_text("name: escape\nhosts:\n  romeo: 10.10.0.100\n  juliet: 10.10.0.101\nsteps:\n"
                   "  - romeo: {exec: %s, timeout: 10, expect: {exit: 0}}\n" % json.dumps(script))
    out = tmp_path / "run"
    seen_in = {}
    stop = threading.Event()

    def look():
        # the host's view: the program's /proc/PID/cgroup, after its escape attempts
        while not stop.is_set():
            for pid in os.listdir("/proc"):
                if pid.isdigit() and pid not in seen_in:
                    try:
                        if marker.encode() in pathlib.Path(f"/proc/{pid}/cmdline").read_bytes():
                            time.sleep(0.7)
                            seen_in[pid] = pathlib.Path(f"/proc/{pid}/cgroup").read_text()
                    except OSError:
                        pass
            time.sleep(0.05)

    looker = threading.Thread(target=look, daemon=True)
    looker.start()
    try:
        rc, log, w = watched(["run", "--quiet", "--out", out, exp])
    finally:
        stop.set()
        looker.join(5)
    res = json.loads((out / "results.json").read_text())
    import base64
    text = base64.b64decode(res["steps"][-1]["result"]["stdout_b64"]).decode()
    assert rc == 0, log + text
    assert "moves: 0" in text, text
    assert seen_in, "the program was not seen from the host"
    for cg in seen_in.values():
        for ctrl in CONTROLLERS:
            line = [l for l in cg.splitlines() if ctrl in l.split(":")[1].split(",")] or \
                [l for l in cg.splitlines() if l.startswith("0::")]     # v2
            assert line and "/verona-run-" in line[0], (ctrl, cg)
    assert res["manifest"]["hosts"]["romeo"]["limits"]["cgroup"] is not None


def test_an_agent_that_cannot_make_a_cgroup_says_so_and_programs_still_run(tmp_path):
    """An agent whose cgroup hierarchies are read-only (a container that delegates none):
    hello's limits say cgroup null with why, and a program still runs under
    the per-process rlimits."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="verona-limits-"))
    try:
        os.chmod(d, 0o777)
        agent = d / "verona-agent"
        shutil.copy(AGENT, agent)
        path = d / "agent.sock"
        log = open(d / "agent.log", "w")
        # root (programs need a uid of their own), but in a mount namespace of its own whose
        # cgroup file systems are read-only, as in a container that does not delegate them
        ro = ("for m in $(findmnt -rn -t cgroup,cgroup2 -o TARGET); do "
              "mount -o remount,bind,ro \"$m\" || exit 99; done; exec \"$@\"")
        p = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", ro, "sh",
                              str(agent), "--unix", str(path), "--allow-exec"], stderr=log,
                             env={"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "TMPDIR": str(d)})
        try:
            import struct
            deadline = time.time() + 5
            while True:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(path))
                    break
                except (FileNotFoundError, ConnectionRefusedError):
                    s.close()
                    assert time.time() < deadline, (d / "agent.log").read_text()
                    time.sleep(0.02)

            def send(obj):
                b = json.dumps(obj).encode()
                s.sendall(struct.pack(">I", len(b)) + b)

            def recv():
                s.settimeout(10)
                head = b""
                while len(head) < 4:
                    head += s.recv(4 - len(head))
                (n,) = struct.unpack(">I", head)
                body = b""
                while len(body) < n:
                    body += s.recv(n - len(body))
                return json.loads(body)

            send({"type": "hello", "version": 1, "host": "h", "addr": "127.0.0.1",
                  "limits": {"memory": 256 << 20, "processes": 64, "cpus": 1, "disk": 8 << 20}})
            lim = recv()["limits"]
            print("hello limits of an agent without writable cgroups:", json.dumps(lim))
            assert lim["cgroup"] is None, lim
            assert lim["memory"] is None and lim["processes"] is None and lim["cpus"] is None, lim
            assert "Read-only file system" in lim["why"] and "memory" in lim["why"], lim
            assert lim["disk"] == 8 << 20
            send({"type": "step", "seq": 1, "op": "exec", "args": {"command": "echo ran"}, "timeout": 5})
            res = recv()
            assert res["type"] == "result" and res["result"]["exit"] == 0, res
            s.close()
        finally:
            p.kill()
            p.wait()
            log.close()
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---- the option ----

@pytest.mark.parametrize("spec,message", [
    ("memory=1X", "memory=1X: unknown unit 'X'"),
    ("memroy=1G", "unknown limit 'memroy' (known: memory, processes, cpus, disk)"),
    ("memory=1G,memory=2G", "memory is given twice"),
    ("processes=1.5", "processes=1.5: give a whole number"),
    ("processes=2", "processes=2 is out of range"),
    ("cpus=0", "cpus=0 is out of range"),
    ("cpus=two", "cpus=two: give a number of CPUs"),
    ("memory=1K", "memory=1K is out of range"),
    ("disk", "'disk' is not name=value"),
    ("memory=1G,,cpus=1", "an empty item"),
])
@pytest.mark.parametrize("command", ["run", "grade"])
def test_limits_errors_name_the_bad_part(command, spec, message):
    args = ["run", "--limits", spec, EXPERIMENTS / "balcony-tcp.yaml"] if command == "run" else \
        ["grade", "--limits", spec, "--submission", SOLUTIONS / "balcony", EXPERIMENTS / "balcony-tcp.yaml"]
    p = subprocess.run([VERONA, *map(str, args)], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "verona: --limits: " + message in p.stderr, p.stderr
