"""The program sandbox (issue 11, items 1-3; DESIGN section 8): a student's
program starts with exactly fds 0-2, sees only an allow-list of the file
system, leaves nothing behind in /tmp, /dev/shm, /var/tmp or System V
shared memory, cannot keep a daemon alive past its step, runs under a uid
of its own that no account uses (distinct per host and per run), cannot
read the agent's key or take over its socket; and an agent that cannot
make the sandbox says so.  Real `verona run` / `verona grade` on the local
testbed, or the agent directly, on this machine's kernel."""
import base64
import csv
import grp
import json
import os
import pathlib
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import zlib

import pytest

import test_agent
from conftest import AGENT, EXPERIMENTS, ROOT, VERONA, needs_root, verona, write

pytestmark = needs_root

PY = "/usr/bin/python3"
HOSTILE = ROOT / "tests" / "hostile"
SOLUTION = EXPERIMENTS / "solutions" / "balcony" / "balcony_tcp.py"
ALLOW_LIST = {"usr", "etc", "bin", "sbin", "lib", "lib64", "lib32", "libx32", "dev", "proc", "tmp", "var"}
# the agent's capability bounding set in ansible's systemd unit
UNIT_CAPS = "-all,+net_raw,+net_admin,+sys_admin,+setuid,+setgid,+kill,+chown,+fowner,+dac_override"


def tag():
    return f"sbx{os.getpid()}x{time.time_ns() % 10**9}"


def out(result, key="stdout"):
    return base64.b64decode(result.get(f"{key}_b64", "")).decode(errors="replace")


# ---- 1. nothing inherited

@pytest.mark.parametrize("level", ["full", "uid", "none"])
def test_a_program_starts_with_only_fds_0_1_2(run, tmp_path, level):
    """While both hosts capture, a program finds no descriptor above 2 (no
    capture socket or file, no control channel), whatever the sandbox level."""
    shutil.copy(HOSTILE / "inherited-fds" / "fds.py", tmp_path / "fds.py")
    f = write(tmp_path, "fds.yaml", f"""
hosts: {{romeo: 10.10.0.100, juliet: 10.10.0.101}}
steps:
  - romeo: {{put: fds.py}}
  - romeo: {{exec: "{PY} fds.py", expect: {{exit: 0}}}}
  - juliet: {{put: fds.py}}
  - juliet: {{exec: "{PY} fds.py", expect: {{exit: 0}}}}
""")
    r = run(f, "--sandbox", level)
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    assert json.loads(out(r.result(2))) == {}
    assert json.loads(out(r.result(4))) == {}
    assert r.results["manifest"]["hosts"]["romeo"]["sandbox"]["level"] == level


# ---- 2. the file system is an allow-list

READ_ALL = """
import json, os, sys
got = {}
for p in sys.argv[1:]:
    try:
        with open(p) as f:
            got[p] = f.read()
    except OSError as e:
        got[p] = e.__class__.__name__
print(json.dumps({"read": got, "root": sorted(os.listdir("/"))}))
"""


def plant_markers(t):
    paths = [pathlib.Path(d) / f"verona-marker-{t}" for d in ("/opt", "/srv", "/var/lib", "/home", "/tmp")]
    paths.append(ROOT / f"verona-marker-{t}")          # the clone: source, experiments, solutions
    for p in paths:
        p.write_text(t)
        os.chmod(p, 0o644)
    return paths


def test_markers_outside_the_allow_list_are_not_readable(run, tmp_path):
    """World-readable markers in /opt, /srv, /var/lib, /home, /tmp and the
    clone: none is readable from a program, and / lists only the allow-list.
    The same program without the sandbox reads them all (the attack works)."""
    t = tag()
    markers = plant_markers(t)
    try:
        write(tmp_path, "readall.py", READ_ALL)
        args = " ".join(str(p) for p in markers)
        f = write(tmp_path, "markers.yaml", f"""
hosts: {{lab: 127.0.0.1}}
steps:
  - lab: {{put: readall.py}}
  - lab: {{exec: "{PY} readall.py {args}", expect: {{exit: 0}}}}
""")
        r = run(f)
        assert r.exit == 0, r.proc.stdout + r.proc.stderr
        seen = json.loads(out(r.result(2)))
        assert all(v in ("FileNotFoundError", "PermissionError") for v in seen["read"].values()), seen
        assert set(seen["root"]) <= ALLOW_LIST, seen["root"]
        for gone in ("home", "root", "opt", "srv", "work", "run", "mnt"):
            assert gone not in seen["root"]
        # the control: unsandboxed, the same program reads every marker
        r = run(f, "--unsandboxed")
        assert r.exit == 0, r.proc.stdout + r.proc.stderr
        seen = json.loads(out(r.result(2)))
        assert all(v == t for v in seen["read"].values()), seen
    finally:
        for p in markers:
            p.unlink(missing_ok=True)


def test_python_sh_cc_make_and_java_run_inside(run, tmp_path):
    """What a student's program needs still works in the full sandbox: sh,
    Debian's python3, a C program built with make and cc, and java."""
    write(tmp_path, "hello.c", '#include <stdio.h>\nint main(void) { puts("hello from C"); return 0; }\n')
    write(tmp_path, "Makefile", "hello: hello.c\n\tcc -O2 -o hello hello.c\n")
    write(tmp_path, "Hello.java", 'class Hello { public static void main(String[] a) '
                                  '{ System.out.println("hello from Java"); } }\n')
    java = shutil.which("java")
    # (java's default reservations exceed the 1 GiB RLIMIT_AS every program has, sandboxed or not)
    steps = [
        '{exec: "echo $((6 * 7))", expect: {stdout: "42\\n"}}',
        f'{{exec: "{PY} -c \\"import ssl, json; print(json.dumps(1))\\"", expect: {{stdout: "1\\n"}}}}',
        '{exec: "make -s hello && ./hello", expect: {stdout: "hello from C\\n"}}',
    ]
    if java:
        steps.append('{exec: "java -Xmx64m -XX:CompressedClassSpaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:+UseSerialGC Hello.java", timeout: 30, expect: {stdout: "hello from Java\\n"}}')
    f = write(tmp_path, "tools.yaml", "hosts: {lab: 127.0.0.1}\nsteps:\n"
              "  - lab: {put: hello.c}\n  - lab: {put: Makefile}\n  - lab: {put: Hello.java}\n"
              + "".join(f"  - lab: {s}\n" for s in steps))
    r = run(f, timeout=180)
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    assert r.results["manifest"]["hosts"]["lab"]["sandbox"]["level"] == "full"


# ---- 3. a class graded at once: no classmate, solution, result or run folder

def test_grading_a_class_nothing_of_another_is_readable(tmp_path):
    """During `grade --submissions -j 2`, a hostile student tries to read the
    honest classmate's source, the reference solution, an earlier grade's
    results and the run folder's experiment.yaml: every try fails, and the
    honest classmate keeps full marks.  Unsandboxed, the same submission
    reads the reference solution."""
    cls, grades = tmp_path / "class", tmp_path / "grades"
    earlier = tmp_path / "earlier" / "alice"
    earlier.mkdir(parents=True)
    (earlier / "results.json").write_text('{"secret": 1}')
    for p in (tmp_path, tmp_path / "earlier", earlier):
        os.chmod(p, 0o755)
    os.chmod(earlier / "results.json", 0o644)
    (cls / "honest").mkdir(parents=True)
    shutil.copy(SOLUTION, cls / "honest" / "balcony_tcp.py")
    (cls / "snoop").mkdir()
    targets = [str(cls / "honest" / "balcony_tcp.py"), str(SOLUTION), str(earlier / "results.json"),
               str(grades / "snoop" / "experiment.yaml"), str(grades / "honest" / "experiment.yaml"),
               str(EXPERIMENTS / "balcony-tcp.yaml")]
    src = (HOSTILE / "read-classmates" / "balcony_tcp.py").read_text()
    assert "TARGETS = []" in src
    (cls / "snoop" / "balcony_tcp.py").write_text(src.replace("TARGETS = []", f"TARGETS = {targets!r}", 1))
    p = verona("grade", "-D", "timeout=6", "--submissions", cls, "-j", "2", "--out", grades,
               EXPERIMENTS / "balcony-tcp.yaml", timeout=300)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    rows = {r["student"]: r for r in csv.DictReader(open(grades / "summary.csv", newline=""))}
    assert float(rows["honest"]["score"]) == 10, rows["honest"]
    res = json.loads((grades / "snoop" / "results.json").read_text())
    err = "".join(out(s["result"], "stderr") for s in res["steps"] if "stderr_b64" in s.get("result", {}))
    assert "LEAK" not in err, err
    for path in targets:                                     # both hosts tried every target
        assert err.count(f"DENIED {path} ") >= 2, (path, err)
    # the control: the same submission without the sandbox reads the reference solution
    p = verona("grade", "-D", "timeout=6", "--submission", cls / "snoop", "--out", tmp_path / "control",
               "--unsandboxed", EXPERIMENTS / "balcony-tcp.yaml", timeout=300)
    res = json.loads((tmp_path / "control" / "results.json").read_text())
    err = "".join(out(s["result"], "stderr") for s in res["steps"] if "stderr_b64" in s.get("result", {}))
    assert f"LEAK {SOLUTION}" in err, err


# ---- 4. nothing left behind

def sysv_keys():
    lines = pathlib.Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {int(line.split()[0]) for line in lines}


def test_files_in_tmp_shm_var_tmp_and_sysv_shm_are_gone_after_the_step(run, tmp_path):
    """A program leaves files in /tmp, /var/tmp and /dev/shm and a System V
    segment: the next program of the run finds none of them, and neither
    does the host afterwards."""
    t = tag()
    shutil.copy(HOSTILE / "leave-files" / "leave.py", tmp_path / "leave.py")
    key = zlib.crc32(t.encode()) & 0x7fffffff
    f = write(tmp_path, "leave.yaml", f"""
hosts: {{lab: 127.0.0.1}}
steps:
  - lab: {{put: leave.py}}
  - lab: {{exec: "{PY} leave.py make {t}", expect: {{exit: 0}}}}
  - lab: {{exec: "{PY} leave.py look {t}", expect: {{exit: 0}}}}
""")
    host_files = [pathlib.Path(d) / f"verona-left-{t}" for d in ("/tmp", "/var/tmp", "/dev/shm")]
    try:
        r = run(f)
        assert r.exit == 0, r.proc.stdout + r.proc.stderr
        made, look = out(r.result(2)), out(r.result(3))
        assert made.count("made /") == 3 and "made shm" in made, made
        assert look.count("gone /") == 3 and "shm gone" in look, look
        assert not [p for p in host_files if p.exists()]
        assert key not in sysv_keys()
        # the control: unsandboxed they outlive the step
        r = run(f, "--unsandboxed")
        assert "still there /tmp/" in out(r.result(3)) and "shm still there" in out(r.result(3))
    finally:
        for p in host_files:
            p.unlink(missing_ok=True)
        subprocess.run(["ipcrm", "-M", str(key)], capture_output=True)


def test_grading_a_class_leftovers_and_daemons_are_gone(tmp_path):
    """`grade --submissions -j 2` of an honest student next to one who
    leaves files in /tmp, /var/tmp, /dev/shm and a System V segment, and one
    whose daemon tries to overwrite the other students' programs: the
    honest one keeps full marks, and afterwards the host has none of the
    files, no segment, and no daemon."""
    cls, grades = tmp_path / "class", tmp_path / "grades"
    for name, src in (("honest", SOLUTION), ("leaver", HOSTILE / "leave-files" / "balcony_tcp.py"),
                      ("daemon", HOSTILE / "daemon" / "balcony_tcp.py")):
        (cls / name).mkdir(parents=True)
        shutil.copy(src, cls / name / "balcony_tcp.py")
    left = [pathlib.Path(p) for p in ("/tmp/verona-left-balcony", "/var/tmp/verona-left-balcony",
                                      "/dev/shm/verona-left-balcony")]
    try:
        p = verona("grade", "-D", "timeout=6", "--submissions", cls, "-j", "2", "--out", grades,
                   EXPERIMENTS / "balcony-tcp.yaml", timeout=300)
        assert p.returncode in (0, 1), p.stdout + p.stderr
        rows = {r["student"]: r for r in csv.DictReader(open(grades / "summary.csv", newline=""))}
        assert float(rows["honest"]["score"]) == 10, rows["honest"]
        errs = {}
        for name in ("leaver", "daemon"):
            res = json.loads((grades / name / "results.json").read_text())
            errs[name] = "".join(out(s["result"], "stderr") for s in res["steps"] if "stderr_b64" in s.get("result", {}))
        assert errs["leaver"].count("made /") >= 6 and "made shm" in errs["leaver"], errs["leaver"]  # the attack ran
        assert "daemon started" in errs["daemon"], errs["daemon"]
        # each student's each host had a uid of its own, as the manifest says
        uids = [h["sandbox"]["uid"] for name in ("honest", "leaver", "daemon")
                for h in json.loads((grades / name / "results.json").read_text())["manifest"]["hosts"].values()]
        assert len(uids) == 6 and len(set(uids)) == 6 and all(h["sandbox"]["level"] == "full" for name in
            ("honest",) for h in json.loads((grades / name / "results.json").read_text())["manifest"]["hosts"].values()), uids
        assert not [x for x in left if x.exists()]
        assert 0x7665726f not in sysv_keys()
        daemons = subprocess.run(["pgrep", "-f", "verona-daemon-marker$"], capture_output=True, text=True).stdout
        assert not daemons.split(), daemons
    finally:
        for x in left:
            x.unlink(missing_ok=True)
        subprocess.run(["ipcrm", "-M", str(0x7665726f)], capture_output=True)
        for pid in subprocess.run(["pgrep", "-f", "verona-daemon-marker$"], capture_output=True,
                                  text=True).stdout.split():
            subprocess.run(["kill", "-9", pid], capture_output=True)


# ---- 5. no daemon survives its step

def test_a_daemon_dies_with_its_step_and_cannot_touch_the_next_program(run, tmp_path):
    """A program double-forks a setsid daemon that writes a beacon and
    rewrites the next program: the beacon stops when the step ends, the next
    program runs as written, and no process of it is left afterwards."""
    t = tag()
    shutil.copy(HOSTILE / "daemon" / "daemon.py", tmp_path / "daemon.py")
    write(tmp_path, "victim.py", "print('honest')\n")
    f = write(tmp_path, "daemon.yaml", f"""
hosts: {{lab: 127.0.0.1}}
steps:
  - lab: {{put: daemon.py}}
  - lab: {{exec: "{PY} daemon.py start {t}", expect: {{exit: 0}}}}
  - lab: {{sleep: 0.3}}
  - lab: {{exec: "{PY} daemon.py look", expect: {{exit: 0}}}}
  - lab: {{put: victim.py}}
  - lab: {{exec: "sleep 0.3; {PY} victim.py", expect: {{stdout: "honest\\n"}}}}
""")
    r = run(f)
    try:
        assert r.exit == 0, r.proc.stdout + r.proc.stderr
        _, a, b = out(r.result(4)).split()
        assert a == b, (a, b)              # nothing writes the beacon any more
        assert out(r.result(6)) == "honest\n"
    finally:
        left = subprocess.run(["pgrep", "-f", t], capture_output=True, text=True).stdout.split()
        for pid in left:
            subprocess.run(["kill", "-9", pid], capture_output=True)
    assert not left, left


# ---- 6. the uid of its own, read from the host side

def test_programs_run_under_unused_uids_distinct_per_host_and_per_run(tmp_path):
    """Two runs at once, two hosts each: the uid of each program, read from
    /proc/PID/status on the host, is not root's (the agent's), belongs to no
    account or group, and the four differ."""
    t = tag()
    f = write(tmp_path, "uids.yaml", f"""
hosts: {{romeo: 10.10.0.100, juliet: 10.10.0.101}}
vars: {{run: 0}}
steps:
  - romeo: {{exec: "{PY} -c 'import time; time.sleep(2.5)' {t}-${{run}}-romeo", background: true, id: r}}
  - juliet: {{exec: "{PY} -c 'import time; time.sleep(2.5)' {t}-${{run}}-juliet", background: true, id: j}}
  - romeo: {{wait: r, timeout: 10}}
  - juliet: {{wait: j, timeout: 10}}
""")
    procs = [subprocess.Popen([VERONA, "run", "--quiet", "--out", tmp_path / f"run{i}", "-D", f"run={i}", f],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    uids = {}
    deadline = time.time() + 20
    while len(uids) < 4 and time.time() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
                status = open(f"/proc/{pid}/status").read()
            except OSError:
                continue
            names = [a.decode() for a in cmd if a.startswith(t.encode())]
            if names and cmd[0].endswith(b"python3"):
                uids[names[0]] = [int(x) for x in status.split("\nUid:")[1].split("\n")[0].split()]
        time.sleep(0.05)
    for p in procs:
        p.communicate(timeout=60)
        assert p.returncode == 0, p.stdout + p.stderr
    assert len(uids) == 4, uids
    for name, (real, eff, saved, fs) in uids.items():
        assert real == eff == saved == fs and real not in (0, os.getuid()), (name, uids[name])
        with pytest.raises(KeyError):
            pwd.getpwuid(real)
        with pytest.raises(KeyError):
            grp.getgrgid(real)
    assert len({u[0] for u in uids.values()}) == 4, uids
    for i in (1, 2):
        hosts = json.loads((tmp_path / f"run{i}" / "results.json").read_text())["manifest"]["hosts"]
        assert {hosts[h]["sandbox"]["uid"] for h in hosts} == {uids[f"{t}-{i}-{h}"][0] for h in hosts}


# ---- 7. the agent: its key, its sockets, what it refuses

def agent_session(path, level, argv, timeout=10):
    """One session with a --unix agent: hello asking for level, one exec step; (hello, result)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(str(path))
    try:
        s.sendall(test_agent.frame({"type": "hello", "version": 1, "host": "lab", "addr": "127.0.0.1",
                                    "sandbox": level}))
        h = test_agent.read_frame(s)
        s.sendall(test_agent.frame({"type": "step", "seq": 1, "op": "exec", "timeout": timeout,
                                    "args": {"argv": argv}}))
        r = test_agent.read_frame(s, timeout=timeout + 5)
        s.sendall(test_agent.frame({"type": "bye"}))
        return h, r["result"]
    finally:
        s.close()


def start_unix_agent(tmp, *wrap, extra=()):
    path = tmp / "agent.sock"
    log = open(tmp / "agent.log", "w")
    p = subprocess.Popen([*wrap, AGENT, "--unix", str(path), "--name", "lab", "--allow-exec", *extra],
                         stderr=log, env={"TMPDIR": "/tmp", "PATH": "/usr/bin:/bin"})
    log.close()
    deadline = time.time() + 5
    while not path.exists() and time.time() < deadline and p.poll() is None:
        time.sleep(0.01)
    return p, path


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def connect_as(uid, family, addr, hello):
    """From a child running as uid: connect, send hello; 'answered' or 'closed'."""
    code = (f"import os, socket\nos.setgroups([]); os.setgid({uid}); os.setuid({uid})\n"
            f"s = socket.socket({int(family)}); s.connect({addr!r})\n"
            f"try:\n    s.sendall({hello!r}); s.settimeout(3); print('answered' if s.recv(100) else 'closed')\n"
            "except (BrokenPipeError, ConnectionResetError):\n    print('closed')\n")
    r = subprocess.run([PY, "-c", code], capture_output=True, text=True, timeout=10)
    return r.stdout.strip() or r.stderr


def test_the_agents_key_is_unreadable_and_its_unix_socket_refuses_a_program(tmp_path):
    """The agent as ansible's unit runs it (root, the unit's capability
    bounding set) with its key 0600 next to its socket in a folder anyone may
    enter: a program reads no key (uid level: permission; full level: not
    there) and cannot reach the socket (full level); a connection from
    another uid, even with the socket opened to everyone, is refused
    (SO_PEERCRED) while root's is served."""
    home = pathlib.Path(tempfile.mkdtemp(prefix="verona-sbx-", dir="/tmp"))
    os.chmod(home, 0o755)
    key = home / "agent.key"
    key.write_bytes(os.urandom(32))
    os.chmod(key, 0o600)
    p, path = start_unix_agent(home, "setpriv", f"--bounding-set={UNIT_CAPS}", "--inh-caps=-all")
    try:
        assert path.exists(), (home / "agent.log").read_text()
        probe = ("import os, socket, sys\n"
                 "try:\n    open(sys.argv[1]).read(); print('key read')\n"
                 "except OSError as e: print('key', e.__class__.__name__)\n"
                 "print('socket', 'visible' if os.path.exists(sys.argv[2]) else 'FileNotFoundError')\n")
        h, r = agent_session(path, "uid", [PY, "-c", probe, str(key), str(path)])
        assert h["sandbox"]["level"] == "uid" and "error" not in h["sandbox"], h
        assert out(r).startswith("key PermissionError\n"), out(r) + out(r, "stderr")
        h, r = agent_session(path, "full", [PY, "-c", probe, str(key), str(path)])
        assert h["sandbox"]["level"] == "full" and "error" not in h["sandbox"], h
        assert out(r).split("\n")[:2] == ["key FileNotFoundError", "socket FileNotFoundError"], out(r)
        # the program has no capability at all, as read from inside
        h, r = agent_session(path, "full", ["/bin/grep", "^Cap", "/proc/self/status"])
        caps = dict(line.split(":\t") for line in out(r).splitlines())
        assert all(int(v, 16) == 0 for k, v in caps.items() if k != "CapBnd"), caps
        # another uid at the socket (a careless mode lets it connect): closed unserved
        os.chmod(path, 0o666)
        hello = test_agent.frame({"type": "hello", "version": 1, "host": "lab", "addr": "127.0.0.1"})
        other = h["sandbox"]["uid"]
        assert connect_as(other, socket.AF_UNIX, str(path), hello) == "closed"
        assert f"refused a connection on unix:{path} from uid {other}" in (home / "agent.log").read_text()
        h, r = agent_session(path, "full", ["/bin/true"])       # and root's next session is served
        assert r["ok"] is True
    finally:
        stop(p)
        shutil.rmtree(home)


def test_a_loopback_agent_without_a_key_refuses_another_uids_connection(tmp_path):
    """--listen 127.0.0.1 without a key: a connection whose socket belongs to
    another uid (a program's) is closed unserved; root's is served."""
    port = 20000 + os.getpid() % 20000
    log = tmp_path / "agent.log"
    with open(log, "w") as f:
        p = subprocess.Popen([AGENT, "--listen", f"127.0.0.1:{port}", "--name", "lab"], stderr=f)
    try:
        deadline = time.time() + 5
        while "listening on" not in log.read_text() and time.time() < deadline:
            time.sleep(0.01)
        hello = test_agent.frame({"type": "hello", "version": 1, "host": "lab", "addr": "127.0.0.1"})
        # as another uid (a program's): a child that switches before it connects
        other = 800000 + os.getpid() % 100000
        assert connect_as(other, socket.AF_INET, ("127.0.0.1", port), hello) == "closed"
        assert f"belongs to uid {other}" in log.read_text()
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(hello)
        assert test_agent.read_frame(s)["type"] == "hello"
        s.sendall(test_agent.frame({"type": "bye"}))
        s.close()
    finally:
        stop(p)


def test_a_non_root_agent_without_cap_setuid_refuses_allow_exec(tmp_path):
    nobody = pwd.getpwnam("nobody")
    r = subprocess.run(["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
                        "--inh-caps=+net_raw,+net_admin", "--ambient-caps=+net_raw,+net_admin",
                        AGENT, "--stdio", "--allow-exec"], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 2
    assert "refusing --allow-exec" in r.stderr and "lacks CAP_SETUID" in r.stderr, r.stderr


def test_an_agent_that_cannot_make_the_full_sandbox_refuses_exec_and_says_why(tmp_path):
    """Without CAP_SYS_ADMIN (bounding set) the agent cannot make namespaces:
    hello says so, and an exec step is refused naming what is missing; the
    uid level, which needs none, still runs."""
    caps = UNIT_CAPS.replace(",+sys_admin", "")
    p, path = start_unix_agent(tmp_path, "setpriv", f"--bounding-set={caps}", "--inh-caps=-all")
    try:
        h, r = agent_session(path, "full", ["/bin/true"])
        assert "unshare(CLONE_NEWNS): Operation not permitted (needs CAP_SYS_ADMIN)" in h["sandbox"]["error"], h
        assert r["ok"] is False
        assert "cannot make the full sandbox: unshare(CLONE_NEWNS): Operation not permitted" in r["agent_error"], r
        h, r = agent_session(path, "uid", ["/bin/true"])
        assert r["ok"] is True, r
    finally:
        stop(p)


# ---- the cost

def test_the_sandbox_costs_little_per_exec_step(run, tmp_path):
    """50 `exec: true` steps with the full sandbox and unsandboxed: the
    sandbox's cost per step (printed; target under 20 ms) stays small."""
    f = write(tmp_path, "cost.yaml", "hosts: {lab: 127.0.0.1}\nsteps:\n" + "  - lab: {exec: /bin/true}\n" * 50)
    per = {}
    for level in ("full", "none"):
        r = run(f, "--sandbox", level)
        assert r.exit == 0, r.proc.stdout + r.proc.stderr
        per[level] = sorted((s["result"]["end_ns"] - s["result"]["start_ns"]) / 1e6 for s in r.steps)
    med = {k: v[len(v) // 2] for k, v in per.items()}
    mean = {k: sum(v) / len(v) for k, v in per.items()}
    print(f"\nexec step, median ms: full {med['full']:.2f}, none {med['none']:.2f}; "
          f"mean ms: full {mean['full']:.2f}, none {mean['none']:.2f}; "
          f"sandbox cost {med['full'] - med['none']:.2f} ms (median)")
    assert med["full"] - med["none"] < 20, med


# ---- nftables: programs' packets leave only through lo and the experiment interface

def test_programs_packets_leave_only_through_lo_and_the_experiment_interface(tmp_path):
    """A host with a second interface (other0, 192.0.2.1/24): the
    agent's session puts an nftables rule on the session's uid, so a
    program's datagram to 192.0.2.50 is refused while one through the
    experiment interface goes; root's (the agent's) is not affected; hello
    says the rule is in place, and it is gone when the session ends."""
    ns = f"vsbx-{tag()}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    p = None
    try:
        for cmd in (["link", "set", "lo", "up"], ["link", "add", "exp0", "type", "veth", "peer", "name", "other0"],
                    ["addr", "add", "10.99.0.1/24", "dev", "exp0"], ["link", "set", "exp0", "up"],
                    ["addr", "add", "192.0.2.1/24", "dev", "other0"], ["link", "set", "other0", "up"]):
            subprocess.run(["ip", "-n", ns, *cmd], check=True)
        p, path = start_unix_agent(tmp_path, "ip", "netns", "exec", ns)
        send = ("import socket, sys\n"
                "for dst in sys.argv[1:]:\n"
                "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                "    try:\n        s.sendto(b'x', (dst, 9)); print(dst, 'sent')\n"
                "    except OSError as e: print(dst, e.__class__.__name__)\n")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(str(path))
        s.sendall(test_agent.frame({"type": "hello", "version": 1, "host": "lab", "addr": "10.99.0.1"}))
        h = test_agent.read_frame(s)
        assert h["iface"] == "exp0" and h["sandbox"]["nft"] is True, h
        uid = h["sandbox"]["uid"]
        tables = subprocess.run(["ip", "netns", "exec", ns, "nft", "list", "tables"], capture_output=True,
                                text=True).stdout
        assert f"verona_{uid}" in tables, tables
        s.sendall(test_agent.frame({"type": "step", "seq": 1, "op": "exec", "timeout": 10,
                                    "args": {"argv": [PY, "-c", send, "192.0.2.50", "10.99.0.50", "127.0.0.1"]}}))
        r = test_agent.read_frame(s, timeout=15)["result"]
        assert out(r).splitlines() == ["192.0.2.50 PermissionError", "10.99.0.50 sent", "127.0.0.1 sent"], \
            out(r) + out(r, "stderr")
        s.sendall(test_agent.frame({"type": "step", "seq": 2, "op": "socket", "args": {"name": "u", "type": "udp", "family": "inet"}}))
        test_agent.read_frame(s)
        s.sendall(test_agent.frame({"type": "step", "seq": 3, "op": "sendto",
                                    "args": {"socket": "u", "data": "eA==", "to": {"ip": "192.0.2.50", "port": 9}}}))
        res = test_agent.read_frame(s)["result"]
        assert res["ok"] is True, res                                 # the agent's own packets go
        s.sendall(test_agent.frame({"type": "bye"}))
        test_agent.read_frame(s)
        s.close()
        deadline = time.time() + 3
        while time.time() < deadline:
            tables = subprocess.run(["ip", "netns", "exec", ns, "nft", "list", "tables"], capture_output=True,
                                    text=True).stdout
            if f"verona_{uid}" not in tables:
                break
            time.sleep(0.05)
        assert f"verona_{uid}" not in tables, tables
    finally:
        if p is not None:
            stop(p)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def test_an_unknown_sandbox_level_is_refused(tmp_path):
    f = write(tmp_path, "t.yaml", "hosts: {lab: 127.0.0.1}\nsteps:\n  - lab: {exec: /bin/true}\n")
    p = verona("run", "--sandbox", "partial", "--out", tmp_path / "r", f)
    assert p.returncode == 2 and "--sandbox partial: the levels are full" in p.stderr, p.stderr
    assert not (tmp_path / "r").exists()
