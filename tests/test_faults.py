"""Faults, each as it would happen to a user: the controller killed under a
running agent, students' programs that hang, fork without end, fill memory
or print without end, a link that loses every packet, a full disk under the
run folder, and Ctrl-C at each phase of a run.  (An agent killed mid-step is
in test_cli.py.)"""
import base64
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import AGENT, EXPERIMENTS, VERONA, needs_root, verona_namespaces, write

PY = "/usr/bin/python3"


# ---- the controller killed: the agent (unix transport) cleans up and serves the next session

CONTROLLER = r"""
import json, socket, struct, sys
def frame(o):
    b = json.dumps(o).encode(); return struct.pack(">I", len(b)) + b
def read(s):
    h = b""
    while len(h) < 4: h += s.recv(4 - len(h))
    n = struct.unpack(">I", h)[0]; b = b""
    while len(b) < n: b += s.recv(n - len(b))
    return json.loads(b)
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(frame({"type": "hello", "version": 1, "host": "lab", "addr": "127.0.0.1"})); read(s)
s.sendall(frame({"type": "capture_start", "snaplen": 262144})); assert read(s)["type"] == "capture_started"
s.sendall(frame({"type": "step", "seq": 1, "op": "socket", "args": {"name": "srv", "type": "tcp", "family": "inet"}})); read(s)
s.sendall(frame({"type": "step", "seq": 2, "op": "bind", "args": {"socket": "srv", "addr": {"ip": "127.0.0.1", "port": 0}}}))
port = read(s)["result"]["local"]["port"]
s.sendall(frame({"type": "step", "seq": 3, "op": "listen", "args": {"socket": "srv"}})); read(s)
s.sendall(frame({"type": "step", "seq": 4, "op": "exec", "background": True, "id": "prog", "timeout": 600,
                 "args": {"command": "sleep 600 & sleep 600; echo never"}}))
assert read(s)["type"] == "started"
print(port, flush=True)
sys.stdin.read()            # until the test kills this process
"""


def listening(port):
    with socket.socket() as c:
        c.settimeout(1)
        return c.connect_ex(("127.0.0.1", port)) == 0


def session_works(path):
    import test_agent
    s = socket.socket(socket.AF_UNIX)
    s.connect(str(path))
    s.sendall(test_agent.frame({"type": "hello", "version": 1, "host": "lab", "addr": "127.0.0.1"}))
    hello = test_agent.read_frame(s)
    s.sendall(test_agent.frame({"type": "step", "seq": 1, "op": "socket",
                                "args": {"name": "srv", "type": "tcp", "family": "inet"}}))
    r = test_agent.read_frame(s)
    s.close()
    return hello["type"] == "hello" and r["result"]["ok"] is True


@needs_root
def test_controller_killed_the_agent_cleans_up_and_serves_the_next(tmp_path):
    path, tmp = tmp_path / "agent.sock", tmp_path / "agent-tmp"
    tmp.mkdir()
    log = open(tmp_path / "agent.log", "w")
    agent = subprocess.Popen([AGENT, "--unix", str(path), "--name", "lab", "--allow-exec"], stderr=log,
                             env={**os.environ, "TMPDIR": str(tmp)})
    ctl = None
    try:
        deadline = time.time() + 5
        while not path.exists() and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        fds_idle = len(os.listdir(f"/proc/{agent.pid}/fd"))
        ctl = subprocess.Popen([PY, "-c", CONTROLLER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
        port = int(ctl.stdout.readline())
        # the session holds: a listening socket, a capture file, a work dir, a program and its child
        assert listening(port)
        assert [p.name for p in tmp.iterdir() if p.name.endswith(".pcap")]
        deadline = time.time() + 5      # the shell starts its two sleeps a moment later
        while True:
            kids = subprocess.run(["pgrep", "-f", "^sleep 600$"], capture_output=True, text=True).stdout.split()
            progs = [int(p) for p in kids if os.path.exists(f"/proc/{p}") and agent.pid in ancestors(int(p))]
            if len(progs) == 2 or time.time() > deadline:
                break
            time.sleep(0.02)
        assert len(progs) == 2, progs
        t0 = time.time()
        ctl.kill()          # SIGKILL: no bye, the channel just closes
        ctl.wait()
        while time.time() - t0 < 2:
            if (not any(os.path.exists(f"/proc/{p}") and not zombie(p) for p in progs)
                    and not any(tmp.iterdir()) and not listening(port)
                    and len(os.listdir(f"/proc/{agent.pid}/fd")) == fds_idle):
                break
            time.sleep(0.05)
        took = time.time() - t0
        assert not [p for p in progs if os.path.exists(f"/proc/{p}") and not zombie(p)], "programs survive"
        assert not list(tmp.iterdir()), f"files left: {list(tmp.iterdir())}"
        assert not listening(port), "the session's socket is still open"
        assert len(os.listdir(f"/proc/{agent.pid}/fd")) == fds_idle
        assert took < 2, took
        assert agent.poll() is None
        assert session_works(path)     # and it serves the next controller
    finally:
        if ctl is not None and ctl.poll() is None:
            ctl.kill()
            ctl.wait()
        agent.kill()
        agent.wait()
        log.close()


def ancestors(pid):
    out = []
    while pid > 1:
        try:
            pid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
        out.append(pid)
    return out


def zombie(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# ---- students' programs that misbehave: stopped by the limits, graded, and the run goes on

@needs_root
def test_programs_that_hang_fork_fill_memory_or_flood_are_stopped(run, tmp_path):
    """Each misbehaving program loses its points, is stopped (by its timeout,
    or the memory limit first), leaves nothing behind, and the run goes on."""
    tag = f"t{os.getpid()}x{time.time_ns() % 10**6}"
    programs = {
        "forkbomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        "memory": "x = []\nwhile True:\n    x.append(bytearray(16 << 20))\n",
        "flood": "import sys\nline = 'O Romeo! ' * 1000 + '\\n'\nwhile True:\n    sys.stdout.write(line)\n",
    }
    for name, text in programs.items():
        write(tmp_path, f"{name}-{tag}.py", text)
    f = write(tmp_path, "limits.yaml", f"""
hosts: {{lab: 127.0.0.1}}
steps:
  - lab: {{put: forkbomb-{tag}.py}}
  - lab: {{put: memory-{tag}.py}}
  - lab: {{put: flood-{tag}.py}}
  - lab: {{exec: "sleep 1000", timeout: 1, expect: {{exit: 0, points: 1, name: hangs}}}}
  - lab: {{exec: "{PY} forkbomb-{tag}.py", timeout: 2, expect: {{exit: 0, points: 1, name: forks}}}}
  - lab: {{exec: "{PY} memory-{tag}.py", timeout: 20, expect: {{exit: 0, points: 1, name: memory}}}}
  - lab: {{exec: "{PY} flood-{tag}.py", timeout: 2, expect: {{exit: 0, points: 1, name: floods}}}}
  - lab: {{exec: "echo still here", expect: {{stdout: "still here\\n", points: 1, name: after}}}}
""")
    t0 = time.time()
    r = run(f)
    assert r.exit == 1, repr((r.proc.args, r.proc.stdout, r.proc.stderr))   # steps failed; no harness error
    assert time.time() - t0 < 60
    hang, forks, mem, flood, after = (r.result(n) for n in range(4, 9))
    assert hang["error"] == "timeout" and hang["timeout_reason"] == "step timeout"
    assert hang["seconds"] < 1.5 and flood["seconds"] < 2.5         # stopped at the timeout, not later
    assert forks["error"] == "timeout"                          # stopped at its timeout, all of it
    # (right after the fork bomb: its processes are gone, so this program could start)
    assert mem.get("exit") == 1 and b"MemoryError" in base64.b64decode(mem["stderr_b64"]), base64.b64decode(mem["stderr_b64"])
    assert mem["seconds"] < 20                                  # the memory limit, not the timeout
    assert flood["error"] == "timeout" and flood["stdout_truncated"] is True
    assert flood["stdout_len"] > 20 << 20 and len(base64.b64decode(flood["stdout_b64"])) == 1 << 20
    assert after["ok"] is True and r.step(8)["pass"] is True   # the run went on
    assert [s["pass"] for s in r.steps[3:7]] == [False] * 4
    # nothing of theirs survives the run
    left = subprocess.run(["pgrep", "-f", tag], capture_output=True, text=True).stdout.split()
    assert not left, left


# ---- a link that loses everything

@needs_root
def test_full_loss_steps_time_out_with_the_reason(run, tmp_path):
    f = write(tmp_path, "lossy.yaml", """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
links: {loss: 100%}
steps:
  - juliet: {socket: s, type: tcp}
  - juliet: {bind: s, addr: "juliet:4000"}
  - juliet: {listen: s}
  - romeo: {socket: c, type: tcp}
  - romeo: {connect: c, addr: "juliet:4000", timeout: 1.5}
  - romeo: {socket: u, type: udp}
  - romeo: {sendto: u, data: "anyone?", to: "juliet:4001"}
  - juliet: {socket: v, type: udp}
  - juliet: {bind: v, addr: "juliet:4001"}
  - romeo: {sendto: u, data: "anyone?", to: "juliet:4001"}
  - juliet: {recvfrom: v, size: 100, timeout: 0.5}
checks:
  - handshake: {client: romeo, server: "juliet:4000"}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    conn, rcv = r.result(5), r.result(11)
    assert conn["error"] == "timeout" and conn["timeout_reason"] == "step timeout"
    assert rcv["error"] == "timeout" and rcv["timeout_reason"] == "step timeout"
    assert f"{f}:9:5: the step's timeout (1.5 s) passed while the call was still waiting" in r.proc.stdout
    assert f"{f}:15:5: the step's timeout (0.5 s) passed while the call was still waiting" in r.proc.stdout
    assert r.result(7)["ok"] is True                 # a sender is never told
    hs = r.results["checks"][0]
    assert hs["status"] == "fail", hs
    # the SYNs were sent (the capture sees them before the loss), no answer came
    assert [p for p in r.step(5)["packets"] if "[S]" in p["line"]]


# ---- the run folder's disk is full

@needs_root
def test_disk_full_under_the_run_folder(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "verona-test-full", str(mnt)], check=True)
    try:
        out = mnt / "run"
        p = subprocess.run([VERONA, "run", "--quiet", "--out", str(out), str(EXPERIMENTS / "sockets-tcp.yaml")],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 3, p.stdout + p.stderr
        assert "No space left on device" in p.stderr, p.stderr
        assert f"verona: cannot write {out}/" in p.stderr, p.stderr
        # every file there is whole: no temporary names, and results.json (if there) parses
        files = {x.name: x for x in out.iterdir()} if out.exists() else {}
        assert not [n for n in files if ".tmp." in n], files
        if "results.json" in files:
            json.loads(files["results.json"].read_text())
        if "experiment.yaml" in files:
            assert files["experiment.yaml"].read_bytes() == (EXPERIMENTS / "sockets-tcp.yaml").read_bytes()
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


# ---- Ctrl-C (SIGINT to the whole process group, as a terminal sends it) at each phase

LONG = """
hosts: {ro%(tag)s: 10.10.0.100, ju%(tag)s: 10.10.0.101}
steps:
  - ju%(tag)s: {socket: s, type: udp}
  - ju%(tag)s: {bind: s, addr: "ju%(tag)s:4000"}
  - ro%(tag)s: {exec: "sleep 3", timeout: 5}
  - ro%(tag)s: {socket: c, type: udp}
"""


def our_namespaces(tag):
    """The namespaces of this test's run: its hosts' names carry a tag of their own
    (other runs on the machine make and remove namespaces at the same time)."""
    names = os.listdir("/run/netns") if os.path.isdir("/run/netns") else []
    return {n for n in names if n.startswith("verona-") and n.endswith(tag)}


def ctrl_c(tmp_path, when, repeat=False, state=None):
    """Starts a run and presses Ctrl-C when `when(its namespaces now, all it had)`
    says so; returns the exit status, stdout, stderr, run folder, TMPDIR,
    the namespaces it had, and its tag."""
    tag = f"{os.getpid() % 10000}x{time.time_ns() % 10**6}"
    if state is not None:
        state["tag"] = tag
    f = write(tmp_path, "long.yaml", LONG % {"tag": tag})
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([VERONA, "run", "--out", str(out), str(f)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(tmp)})
    seen = set()
    try:
        deadline = time.time() + 20
        while time.time() < deadline and proc.poll() is None:
            now = our_namespaces(tag)
            fire = when(now, seen | now)
            seen |= now
            if fire:
                os.killpg(proc.pid, signal.SIGINT)   # as a terminal's Ctrl-C: the whole group
                # repeat: a user pressing it again and again, until verona is gone
                while repeat and proc.poll() is None:
                    time.sleep(0.002)
                    try:
                        os.killpg(proc.pid, signal.SIGINT)
                    except ProcessLookupError:
                        break
                break
            time.sleep(0.0005 if repeat else 0.005)
        else:
            raise AssertionError("the moment never came")
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, stdout, stderr, out, tmp, seen, tag


def assert_nothing_left(out, tmp, seen, tag):
    deadline = time.time() + 3
    while time.time() < deadline and our_namespaces(tag):
        time.sleep(0.05)
    assert not our_namespaces(tag), "namespaces left"
    assert seen, "the run never made its namespaces"
    assert not list(tmp.iterdir()), f"temporary files left: {list(tmp.iterdir())}"
    if out.exists():
        assert not [x for x in out.iterdir() if ".tmp." in x.name]
    left = subprocess.run(["pgrep", "-f", f"verona-agent --stdio --name (ro|ju){tag}"], capture_output=True,
                          text=True).stdout.split()
    assert not left, f"agents left: {left}"


@needs_root
def test_ctrl_c_during_setup(tmp_path):
    rc, stdout, stderr, out, tmp, seen, tag = ctrl_c(tmp_path, lambda now, seen: len(now) >= 1)
    assert rc == 3, stderr
    assert "interrupted by signal 2" in stderr
    assert_nothing_left(out, tmp, seen, tag)
    assert json.loads((out / "results.json").read_text())["summary"]["exit"] == 3


@needs_root
def test_ctrl_c_during_a_step(tmp_path):
    started = {}

    def when(now, seen):
        if len(now) == 2 and "t" not in started:
            started["t"] = time.time()
        return "t" in started and time.time() - started["t"] > 1.5      # inside the 3 s program
    rc, stdout, stderr, out, tmp, seen, tag = ctrl_c(tmp_path, when)
    assert rc == 3, stderr
    assert "interrupted by signal 2 during step 3" in stderr
    assert_nothing_left(out, tmp, seen, tag)
    res = json.loads((out / "results.json").read_text())
    assert res["summary"]["exit"] == 3 and res["steps"][0]["pass"] is True


@needs_root
def test_ctrl_c_during_teardown(tmp_path):
    # the steps are over when the agents are gone (they stop at the run's bye) or the
    # namespaces start to go; teardown takes milliseconds, so Ctrl-C is pressed
    # again and again from then until verona has exited
    state = {}

    def alive(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def when(now, seen):
        if not seen:
            return False
        if "pids" not in state:      # found once; then watched cheaply, every half millisecond
            pids = subprocess.run(["pgrep", "-f", f"verona-agent --stdio --name (ro|ju){state['tag']}"],
                                  capture_output=True, text=True).stdout.split()
            if len(pids) == 2:
                state["pids"] = [int(x) for x in pids]
            return len(now) < len(seen)
        return len(now) < len(seen) or not any(alive(x) for x in state["pids"])
    state["tag"] = None
    rc, stdout, stderr, out, tmp, seen, tag = ctrl_c(tmp_path, when, repeat=True, state=state)
    assert rc in (0, 3), stderr
    assert_nothing_left(out, tmp, seen, tag)
    res = json.loads((out / "results.json").read_text())
    assert [s.get("pass") for s in res["steps"]] == [True] * 4, res["steps"]


@needs_root
def test_controller_killed_on_the_local_testbed_agents_stop(tmp_path):
    """SIGKILL to `verona run` itself: its agents see the channel close and
    stop within 2 s with their programs; the namespaces stay (nobody is left
    to remove them) until `verona down ID`."""
    tag = f"{os.getpid() % 10000}k{time.time_ns() % 10**6}"
    f = write(tmp_path, "long.yaml", LONG % {"tag": tag})
    proc = subprocess.Popen([VERONA, "run", "--quiet", "--out", str(tmp_path / "out"), str(f)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    tid = None
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            agents = subprocess.run(["pgrep", "-f", f"verona-agent --stdio --name (ro|ju){tag}"],
                                    capture_output=True, text=True).stdout.split()
            if len(agents) == 2 and len(our_namespaces(tag)) == 2:
                break
            time.sleep(0.02)
        assert len(agents) == 2, "the run's agents never started"
        tid = next(iter(our_namespaces(tag))).split("-")[1]
        time.sleep(1)                         # inside step 3, the 3 s program
        t0 = time.time()
        proc.kill()
        proc.wait()
        while time.time() - t0 < 2:
            left = subprocess.run(["pgrep", "-f", f"verona-agent --stdio --name (ro|ju){tag}"],
                                  capture_output=True, text=True).stdout.split()
            if not left:
                break
            time.sleep(0.05)
        assert not left, f"agents still running 2 s after the controller died: {left}"
        for ns in our_namespaces(tag):
            assert not subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if tid is not None:
            d = subprocess.run([VERONA, "down", tid], capture_output=True, text=True)
            assert d.returncode == 0, d.stderr
    assert not our_namespaces(tag)
