"""The command line: help, usage errors, failing expectations, unsupported
parts of the language, a lost agent, Ctrl-C, root, up/down."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

from conftest import EXPERIMENTS, VERONA, needs_root, verona, verona_namespaces, require_tools, write

COMMANDS = ["run", "validate", "up", "down", "grade", "check", "stats", "ping", "keygen", "doctor", "autograder"]


def test_help_on_every_command():
    p = verona("--help")
    assert p.returncode == 0
    for c in COMMANDS:
        assert c in p.stdout
        h = verona(c, "--help")
        assert h.returncode == 0, c
        assert h.stdout.startswith(f"usage: verona {c} ")
        assert "-h, --help" in h.stdout


def test_usage_errors_exit_2():
    assert verona().returncode == 2
    p = verona("frobnicate")
    assert p.returncode == 2 and "unknown command 'frobnicate'" in p.stderr
    for args in (["run"], ["run", "--bogus", "x.yaml"], ["validate"], ["down"],
                 ["down", "--all", "abc"], ["run", "-D", "noequals", "x.yaml"],
                 ["down", "not-hex!"]):
        p = verona(*args)
        assert p.returncode == 2, args
        assert p.stderr, args


MISUSE = [
    ([], "usage: verona COMMAND"),
    (["frobnicate"], "usage: verona COMMAND"),
    (["run"], "usage: verona run "),
    (["run", "--bogus", "x.yaml"], "usage: verona run "),
    (["run", "a.yaml", "b.yaml"], "usage: verona run "),
    (["run", "-D", "noequals", "x.yaml"], "verona: -D wants name=value, not 'noequals'"),
    (["validate"], "usage: verona validate "),
    (["up"], "usage: verona up "),
    (["down"], "usage: verona down "),
    (["down", "--all", "abc"], "usage: verona down "),
    (["down", "not-hex!"], "verona: 'not-hex!' is not a testbed id"),
    (["stats"], "usage: verona stats "),
    (["stats", "--bogus", "x.pcap"], "usage: verona stats "),
    (["check"], "usage: verona check "),
    (["check", "only-one.pcap"], "usage: verona check "),
    (["grade"], "usage: verona grade "),
    (["grade", "x.yaml"], "usage: verona grade "),
]


@pytest.mark.parametrize("args,message", MISUSE, ids=[" ".join(a) or "(none)" for a, _ in MISUSE])
def test_misuse_gets_usage_and_exit_2(args, message):
    p = verona(*args)
    assert p.returncode == 2
    assert message in p.stderr
    assert p.stdout == ""


@pytest.mark.parametrize("args", [[], ["--bogus"], ["--unix"], ["--stdio", "--unix", "/tmp/x"], ["extra"]])
def test_agent_misuse_gets_usage_and_exit_2(args):
    from conftest import AGENT
    p = subprocess.run([AGENT, *args], capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    assert p.returncode == 2
    assert "usage: verona-agent --stdio | --unix PATH" in p.stderr
    assert p.stdout == ""


def test_version():
    p = verona("--version")
    assert p.returncode == 0 and p.stdout.startswith("verona ")


def test_validate_ok_for_every_experiment():
    files = sorted(EXPERIMENTS.glob("*.yaml"))
    assert len(files) >= 9
    p = verona("validate", *files)
    assert p.returncode == 0, p.stderr
    for f in files:
        assert f"{f}: ok" in p.stdout


def test_missing_file():
    p = verona("validate", "/nonexistent/x.yaml")
    assert p.returncode == 2
    assert p.stderr == "/nonexistent/x.yaml:1:1: cannot read the experiment: No such file or directory\n"


@needs_root
def test_wrong_expectation_exits_1_naming_file_and_line(run, tmp_path):
    text = (EXPERIMENTS / "sockets-tcp.yaml").read_text().replace(
        'expect: {data: "${romeo_says}"}', 'expect: {data: "Good night, good night!"}')
    f = write(tmp_path, "wrong.yaml", text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "Good night" in l)
    r = run(f)
    assert r.exit == 1
    assert f"{f}:{line}:5: data: expected b'Good night, good night!', got b'But, soft!" in r.proc.stdout
    s = r.step(11)
    assert s["pass"] is False and s["line"] == line
    assert r.results["summary"]["failed"] == 1 and r.results["summary"]["passed"] == 16
    assert f"{f}:{line}:5" in r.transcript


@needs_root
def test_wrong_packets_expectation(run, tmp_path):
    f = write(tmp_path, "pk.yaml", """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
steps:
  - juliet: {socket: s}
  - juliet: {bind: s, addr: "juliet:4000"}
  - juliet: {listen: s}
  - romeo: {socket: c, expect: {packets: none}}
  - romeo: {connect: c, addr: "juliet:4000", expect: {packets: [SYN, RST-ACK]}}
""")
    r = run(f)
    assert r.exit == 1
    assert f"{f}:8:5: expected SYN, RST-ACK on the wire, saw SYN, SYN-ACK, ACK" in r.proc.stdout
    assert r.step(5)["pass"] is False and r.step(4)["pass"] is True
    assert r.results["summary"]["failed"] == 1


@needs_root
def test_expected_error_that_does_not_happen(run, tmp_path):
    f = write(tmp_path, "noerr.yaml", """
hosts: {lab: 127.0.0.1}
steps:
  - lab: {socket: s, type: udp}
  - lab: {bind: s, addr: "localhost:7000", expect: EADDRINUSE}
  - lab: {recv: s, size: 10, timeout: 0.2}
""")
    r = run(f)
    assert r.exit == 1
    assert f"{f}:5:5: expected EADDRINUSE, but the call succeeded" in r.proc.stdout
    assert r.error(3) == "timeout" and r.result(3)["timeout_reason"] == "step timeout"
    assert f"{f}:6:5: the step's timeout (0.2 s) passed while the call was still waiting" in r.proc.stdout


def test_netns_without_root_says_so_and_names_userns(tmp_path):
    require_tools("setpriv")
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        VERONA, "run", "--local", "netns", str(EXPERIMENTS / "sockets-tcp.yaml")],
                       capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    assert "the netns testbed needs root" in p.stderr and "--local userns" in p.stderr
    p = verona("run", "--local", "elsewhere", EXPERIMENTS / "sockets-tcp.yaml")
    assert p.returncode == 2 and "--local elsewhere: give netns, userns, loopback or auto" in p.stderr


def start_run(tmp_path, text):
    f = write(tmp_path, "long.yaml", text)
    out = tmp_path / "out"
    before = verona_namespaces()
    proc = subprocess.Popen([VERONA, "run", "--out", str(out), str(f)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    # wait until the hosts' agents run inside their namespaces
    deadline = time.time() + 10
    while time.time() < deadline:
        new = verona_namespaces() - before
        pids = {}
        for ns in new:
            o = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            if o:
                pids[ns] = [int(x) for x in o]
        if len(pids) == 2:
            return f, out, proc, pids
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("the run's agents never started")


LONG = """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
steps:
  - juliet: {socket: s, type: udp}
  - juliet: {sleep: 4}
  - romeo: {socket: s, type: udp}
"""


@needs_root
def test_agent_killed_mid_run_exits_3_naming_host_and_step(tmp_path):
    f, out, proc, pids = start_run(tmp_path, LONG)
    time.sleep(0.5)
    juliet = next(ns for ns in pids if ns.endswith("-juliet"))
    t0 = time.time()
    for pid in pids[juliet]:
        os.kill(pid, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=10)
    # a killed agent cannot remove its capture's temporary file: the test that killed it does
    for pid in pids[juliet]:
        for left in pathlib.Path(os.environ.get("TMPDIR") or "/tmp").glob(f"verona-agent-{pid}-*.pcap"):
            left.unlink()
    assert proc.returncode == 3, stderr
    assert time.time() - t0 < 2
    assert "the agent on juliet was lost during step 2" in stderr
    assert f"{f}:5:5" in stderr and "killed by signal 9" in stderr
    results = json.loads((out / "results.json").read_text())
    assert results["summary"]["status"] == "error" and results["summary"]["exit"] == 3
    assert results["steps"][0]["pass"] is True
    assert "juliet" in results["summary"]["error"]
    assert (out / "transcript.txt").exists()
    # the other host's trace is kept, whole
    assert (out / "romeo.pcap").stat().st_size >= 24
    p = verona("stats", out / "romeo.pcap")
    assert p.returncode == 0, p.stderr
    assert not [x for x in out.iterdir() if ".tmp." in x.name]


@needs_root
def test_ctrl_c_tears_everything_down(tmp_path):
    f, out, proc, pids = start_run(tmp_path, LONG)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 3
    assert "interrupted by signal 2" in stderr
    assert json.loads((out / "results.json").read_text())["summary"]["exit"] == 3
    for ns, ps in pids.items():
        for pid in ps:
            assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    # no_leftovers checks the namespaces


@needs_root
def test_up_and_down(tmp_path):
    p = verona("up", EXPERIMENTS / "sockets-tcp.yaml")
    assert p.returncode == 0, p.stderr
    tid = p.stdout.split()[1]
    names = {f"verona-{tid}-romeo", f"verona-{tid}-juliet"}
    assert names <= verona_namespaces()
    # each host resolves the experiment's hosts from its own hosts file, and nothing else
    hosts = pathlib.Path(f"/etc/netns/verona-{tid}-romeo/hosts").read_text()
    assert "10.10.0.101\tjuliet" in hosts and "10.10.0.100\tromeo" in hosts
    # the link works: juliet answers a connection to a closed port with a reset
    probe = ("import socket\ntry:\n socket.create_connection(('10.10.0.101', 9), timeout=2)\n"
             "except ConnectionRefusedError:\n print('refused')\n")
    reach = subprocess.run(["ip", "netns", "exec", f"verona-{tid}-romeo", "/usr/bin/python3", "-c", probe],
                           capture_output=True, text=True)
    d = verona("down", tid)
    assert d.returncode == 0 and "2 namespaces removed" in d.stdout
    assert not names & verona_namespaces()
    assert not [n for n in names if os.path.exists(f"/etc/netns/{n}")], "hosts files left in /etc/netns"
    assert reach.stdout == "refused\n", reach.stderr


@needs_root
def test_down_removes_hosts_files_whose_namespace_is_gone():
    """A namespace deleted some other way (ip netns del, a crash between the
    two) leaves its /etc/netns/NS folder: `verona down ID` sweeps it."""
    tid = f"{os.getpid() % 100000:05x}{int(time.time() * 1000) % 4096:03x}"[:6]
    stale = pathlib.Path(f"/etc/netns/verona-{tid}-romeo")
    other = pathlib.Path(f"/etc/netns/notverona-{tid}")
    try:
        for d in (stale, other):
            d.mkdir(parents=True)
            (d / "hosts").write_text("10.10.0.100\tromeo\n")
        (stale / "nsswitch.conf").write_text("hosts: files\n")
        p = verona("down", tid)
        assert p.returncode == 0, p.stderr
        assert not stale.exists(), list(stale.iterdir())
        assert other.exists(), "a folder that is not verona's was removed"
    finally:
        for d in (stale, other):
            shutil.rmtree(d, ignore_errors=True)


@needs_root
def test_down_all_removes_leftovers():
    if verona_namespaces():
        # only where runs share the machine on purpose; elsewhere a namespace here is a leak, not a reason
        assert os.environ.get("VERONA_TEST_SHARED"), f"verona namespaces left on the machine: {verona_namespaces()}"
        pytest.skip("another verona run is using this machine; --all would remove its namespaces")
    subprocess.run(["ip", "netns", "add", "verona-abcdef-romeo"], check=True)
    p = verona("down", "--all")
    assert p.returncode == 0
    assert "removed namespace verona-abcdef-romeo" in p.stdout
    assert "verona-abcdef-romeo" not in verona_namespaces()


@needs_root
def test_json_output(tmp_path):
    out = tmp_path / "o"
    p = verona("run", "--json", "--out", out, EXPERIMENTS / "echo-udp.yaml")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["summary"]["status"] == "pass"
    assert doc == json.loads((out / "results.json").read_text())


@needs_root
def test_default_run_folder_and_copy_of_experiment(tmp_path):
    p = verona("run", "--quiet", EXPERIMENTS / "echo-udp.yaml", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    runs = list((tmp_path / "runs").iterdir())
    assert len(runs) == 1 and runs[0].name.startswith("echo-udp-") and runs[0].name.endswith("Z")
    assert (runs[0] / "experiment.yaml").read_bytes() == (EXPERIMENTS / "echo-udp.yaml").read_bytes()
    assert {x.name for x in runs[0].iterdir()} >= {"results.json", "transcript.txt", "experiment.yaml",
                                                    "agent-lab.log"}
    assert not [x for x in runs[0].iterdir() if ".tmp." in x.name]
