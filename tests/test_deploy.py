"""Deployment over real SSH: ansible/deploy.yml, run.yml and teardown.yml.

Two network namespaces play the CloudLab nodes romeo and juliet.  Each runs
Debian's real sshd (its own host key; the test's user key authorized) on a
control network that is separate from the experiment link:

    root namespace (ansible, the controller)  10.211.N.1
        |  veth
    vd-PID-ctl: a bridge  ---- veth ---- vd-PID-romeo   ctl0 10.211.N.2   eth1 10.10.0.100
                          ---- veth ---- vd-PID-juliet  ctl0 10.211.N.3   eth1 10.10.0.101
                                                         (eth1 <-> eth1: the experiment link)

ansible-playbook deploy.yml logs in over ssh (host keys checked against a
known_hosts file made from the nodes' keys), builds verona from this tree
on each node, installs it to a prefix of the node's own (the namespaces
share this machine's file system), installs the key and starts the agents
as plain daemons (PID 1 is not systemd here) listening on TCP with the key.
Then `verona run --testbed` replays sockets-tcp.yaml over TCP, and again
over ssh://; run.yml runs the experiment from romeo and grades a small
class, fetching the run folders back; teardown.yml stops the agents.
Everything is removed at the end, also when a step fails.
"""
import csv
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root, needs_tools

ANSIBLE = ROOT / "ansible"
SSHD = "/usr/sbin/sshd"

pytestmark = [
    needs_root,
    needs_tools("ansible-playbook", SSHD),
]

NODES = {"romeo": ("10.10.0.100", 2), "juliet": ("10.10.0.101", 3)}


def sh(*cmd, check=True, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=check, **kw)


def free_subnet():
    """A 10.211.N.0/24 that no interface or route of this machine uses."""
    used = sh("ip", "-4", "addr").stdout + sh("ip", "-4", "route", "show", "table", "all").stdout
    start = os.getpid() % 200
    for i in range(200):
        n = 20 + (start + i) % 200
        if f"10.211.{n}." not in used:
            return f"10.211.{n}"
    raise RuntimeError("no free 10.211.N.0/24")


def wait_port(addr, port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection((addr, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Lab:
    def __init__(self, tmp):
        self.tmp = tmp
        self.pid = os.getpid()
        self.ns = {h: f"vd-{self.pid}-{h}" for h in NODES}
        self.ctl_ns = f"vd-{self.pid}-ctl"
        self.root_if = f"vd{self.pid}c"
        self.net = free_subnet()
        self.ctl_addr = {h: f"{self.net}.{NODES[h][1]}" for h in NODES}
        self.sshd = {}
        self.made_ns = []
        self.made_link = False

    # --- the network ---------------------------------------------------
    def netns(self, name):
        sh("ip", "netns", "add", name)
        self.made_ns.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")

    def build_network(self):
        self.netns(self.ctl_ns)
        for h in NODES:
            self.netns(self.ns[h])
        c = self.ctl_ns
        sh("ip", "-n", c, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", c, "link", "set", "br0", "up")
        # the root namespace's leg (the Ansible machine and the controller)
        sh("ip", "link", "add", self.root_if, "type", "veth", "peer", "name", "up0", "netns", c)
        self.made_link = True
        sh("ip", "addr", "add", f"{self.net}.1/24", "dev", self.root_if)
        sh("ip", "link", "set", self.root_if, "up")
        sh("ip", "-n", c, "link", "set", "up0", "master", "br0", "up")
        for h, (addr, n) in NODES.items():
            ns = self.ns[h]
            sh("ip", "-n", c, "link", "add", f"{h}0", "type", "veth", "peer", "name", "ctl0", "netns", ns)
            sh("ip", "-n", c, "link", "set", f"{h}0", "master", "br0", "up")
            sh("ip", "-n", ns, "addr", "add", f"{self.ctl_addr[h]}/24", "dev", "ctl0")
            sh("ip", "-n", ns, "link", "set", "ctl0", "up")
        # the experiment link, romeo <-> juliet, nothing else on it
        r, j = self.ns["romeo"], self.ns["juliet"]
        sh("ip", "-n", r, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1", "netns", j)
        for h in NODES:
            sh("ip", "-n", self.ns[h], "addr", "add", f"{NODES[h][0]}/24", "dev", "eth1")
            sh("ip", "-n", self.ns[h], "link", "set", "eth1", "up")

    # --- ssh -------------------------------------------------------------
    def start_sshd(self):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)   # sshd's privilege separation folder
        key = self.tmp / "id_ed25519"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "verona-test", "-f", key)
        auth = self.tmp / "authorized_keys"
        auth.write_text((self.tmp / "id_ed25519.pub").read_text())
        auth.chmod(0o600)
        known = []
        for h in NODES:
            d = self.tmp / h / "sshd"
            d.mkdir(parents=True)
            hostkey = d / "ssh_host_ed25519_key"
            sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostkey)
            pub = (d / "ssh_host_ed25519_key.pub").read_text().split()
            known.append(f"{self.ctl_addr[h]} {pub[0]} {pub[1]}")
            conf = d / "sshd_config"
            conf.write_text(f"""ListenAddress {self.ctl_addr[h]}
Port 22
HostKey {hostkey}
PidFile {d}/sshd.pid
AuthorizedKeysFile {auth}
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 50
MaxSessions 50
Subsystem sftp /usr/lib/openssh/sftp-server
""")
            log = open(d / "sshd.log", "w")
            self.sshd[h] = subprocess.Popen(["ip", "netns", "exec", self.ns[h], SSHD, "-D", "-e", "-f", str(conf)],
                                            stdout=log, stderr=log)
        (self.tmp / "known_hosts").write_text("\n".join(known) + "\n")
        self.ssh_config = self.tmp / "ssh_config"
        self.ssh_config.write_text(f"""Host *
  User root
  IdentityFile {key}
  IdentitiesOnly yes
  UserKnownHostsFile {self.tmp}/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 10
""")
        for h in NODES:
            assert wait_port(self.ctl_addr[h], 22), f"sshd of {h} does not listen: " + \
                (self.tmp / h / "sshd" / "sshd.log").read_text()

    # --- ansible ---------------------------------------------------------
    def write_inventory(self):
        lines = ["[verona_agents]"]
        for h, (addr, _) in NODES.items():
            lines.append(f"{h} ansible_host={self.ctl_addr[h]} verona_addr={addr} "
                         f"verona_control_addr={self.ctl_addr[h]} "
                         f"verona_prefix={self.tmp}/{h}/opt verona_state_dir={self.tmp}/{h}/state")
        lines += ["", "[verona_controllers]", "romeo", "", "[all:vars]",
                  "ansible_user=root",
                  # root logs in; become (su root to root) works without sudo, which this machine lacks
                  "ansible_become_method=su",
                  "ansible_python_interpreter=/usr/bin/python3",
                  f"ansible_ssh_common_args=-F {self.ssh_config}",
                  f"verona_key_local={self.tmp}/verona.key",
                  f"verona_src_archive={self.tmp}/verona-src.tar",
                  "verona_offloads_off=true", ""]
        self.inventory = self.tmp / "hosts.ini"
        self.inventory.write_text("\n".join(lines))

    def env(self):
        env = dict(os.environ)
        env.update(ANSIBLE_CONFIG=str(ANSIBLE / "ansible.cfg"),
                   ANSIBLE_SSH_CONTROL_PATH_DIR=str(self.tmp / "cp"),
                   ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-local"),
                   ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_RETRY_FILES_ENABLED="0")
        return env

    def playbook(self, name, *extra, timeout=900):
        p = subprocess.run(["ansible-playbook", "-i", str(self.inventory), name, *map(str, extra)],
                           cwd=ANSIBLE, env=self.env(), capture_output=True, text=True, timeout=timeout)
        (self.tmp / f"{name}.log").open("a").write(p.stdout + p.stderr)
        return p

    def testbed(self, kind):
        lines = ["hosts:"]
        for h, (addr, _) in NODES.items():
            lines.append(f"  {h}:")
            if kind == "tcp":
                lines += [f"    control: tcp:{self.ctl_addr[h]}:7700", f"    key: {self.tmp}/verona.key"]
            else:
                lines += [f"    control: ssh://root@{self.ctl_addr[h]}",
                          f"    agent: {self.tmp}/{h}/opt/bin/verona-agent",
                          f"    ssh_args: [-F, {self.ssh_config}]"]
            lines.append(f"    addr: {addr}")
        path = self.tmp / f"testbed-{kind}.yaml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def agent_pid(self, h):
        f = self.tmp / h / "state" / "agent.pid"
        try:
            pid = int(f.read_text())
            exe = os.readlink(f"/proc/{pid}/exe")
        except (OSError, ValueError):
            return None
        return pid if exe == f"{self.tmp}/{h}/opt/bin/verona-agent" else None

    # --- the end ---------------------------------------------------------
    def close(self):
        # everything running in our namespaces: sshd, its sessions, the agents, their programs
        for ns in self.made_ns:
            for _ in range(20):
                pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
                if not pids:
                    break
                for p in pids:
                    try:
                        os.kill(int(p), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                time.sleep(0.05)
        for p in self.sshd.values():
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        # ssh connection masters ansible left (ControlPersist), found by our private control folder
        cp = str(self.tmp / "cp")
        for d in pathlib.Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    if cp in (d / "cmdline").read_bytes().decode(errors="replace"):
                        os.kill(int(d.name), signal.SIGKILL)
                except (OSError, ProcessLookupError):
                    pass
        if self.made_link:
            sh("ip", "link", "del", self.root_if, check=False)
        for ns in self.made_ns:
            sh("ip", "netns", "del", ns, check=False)


def recap(output):
    """{host: {ok, changed, unreachable, failed, ...}} from ansible's PLAY RECAP."""
    out = {}
    for m in re.finditer(r"^(\S+)\s+:\s+(.*)$", output.split("PLAY RECAP")[-1], re.M):
        out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
    return out


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deploy")
    lab = Lab(tmp)
    try:
        lab.build_network()
        lab.start_sshd()
        lab.write_inventory()
        started = time.time()
        p = lab.playbook("deploy.yml")
        lab.deploy_seconds = time.time() - started
        assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-3000:]
        lab.deploy_output = p.stdout
        yield lab
    finally:
        lab.close()
        shutil.rmtree(tmp, ignore_errors=True)


def test_deploy_builds_installs_and_starts_the_agents(lab):
    r = recap(lab.deploy_output)
    assert set(r) >= {"romeo", "juliet"}
    for h in NODES:
        assert r[h]["failed"] == 0 and r[h]["unreachable"] == 0
        opt = lab.tmp / h / "opt"
        assert (opt / "bin" / "verona").is_file() and (opt / "bin" / "verona-agent").is_file()
        assert (opt / "share" / "verona" / "experiments" / "sockets-tcp.yaml").is_file()
        key = lab.tmp / h / "state" / "verona.key"
        assert key.read_bytes() == (lab.tmp / "verona.key").read_bytes()
        assert key.stat().st_mode & 0o777 == 0o600
        pid = lab.agent_pid(h)
        assert pid is not None, f"no agent running on {h}"
        # a plain daemon (PID 1 is not systemd), in the node's namespace, listening with the key
        assert sh("ip", "netns", "identify", pid).stdout.strip() == lab.ns[h]
        cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"--listen" in cmdline and f"{lab.ctl_addr[h]}:7700".encode() in cmdline
        assert b"--key" in cmdline and b"--allow-exec" in cmdline
    # the key was made on the first node with verona keygen and brought back, mode 0600
    assert (lab.tmp / "verona.key").stat().st_mode & 0o777 == 0o600
    # the health check pinged each agent with the key
    assert lab.deploy_output.count("Ping the agent with the key") >= 1
    # offloads are off on the experiment interface (verona_offloads_off=true)
    k = sh("ip", "netns", "exec", lab.ns["romeo"], "ethtool", "-k", "eth1").stdout
    assert re.search(r"^tcp-segmentation-offload: off", k, re.M)
    assert re.search(r"^generic-receive-offload: off", k, re.M)


def test_second_deploy_changes_nothing(lab):
    p = lab.playbook("deploy.yml")
    assert p.returncode == 0, p.stdout[-4000:]
    r = recap(p.stdout)
    for h in NODES:
        assert r[h]["changed"] == 0, f"{h} changed on a second deploy:\n" + p.stdout[-6000:]


def test_ping_over_tcp_with_the_key(lab):
    p = sh(VERONA, "ping", "--testbed", lab.testbed("tcp"), check=False, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    for h in NODES:
        assert h in p.stdout


def check_run(out, proc):
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    s = results["summary"]
    assert s["status"] == "pass" and s["failed"] == 0 and s["passed"] == s["steps"] == 17
    assert s["checks"] >= 5 and s["checks_failed"] == 0 and s["checks_errors"] == 0
    assert all(c["status"] == "pass" for c in results["checks"])
    for h in NODES:
        assert (out / f"{h}.pcap").stat().st_size > 24
    return results


def test_run_over_tcp_with_the_key(lab):
    out = lab.tmp / "run-tcp"
    p = sh(VERONA, "run", "--quiet", "--testbed", lab.testbed("tcp"), "--out", out,
           EXPERIMENTS / "sockets-tcp.yaml", check=False, timeout=180)
    results = check_run(out, p)
    hosts = results["manifest"]["hosts"]
    assert hosts["romeo"]["addr"] == "10.10.0.100" and hosts["juliet"]["addr"] == "10.10.0.101"
    # the agents captured the experiment link, not the control network
    assert hosts["romeo"]["capture"]["iface"] == "eth1"


def test_run_over_ssh(lab):
    out = lab.tmp / "run-ssh"
    p = sh(VERONA, "run", "--quiet", "--testbed", lab.testbed("ssh"), "--out", out,
           EXPERIMENTS / "sockets-tcp.yaml", check=False, timeout=180)
    check_run(out, p)


def test_run_yml_runs_on_the_pair_and_fetches_the_results(lab):
    results = lab.tmp / "results"
    p = lab.playbook("run.yml", "-e", f"verona_results={results}")
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
    runs = list((results / "pair1").glob("sockets-tcp-*"))
    assert len(runs) == 1, list(results.rglob("*"))
    out = runs[0]
    check_run(out, subprocess.CompletedProcess([], 0, "", ""))
    assert (out / "transcript.txt").is_file() and (out / "report.html").is_file()
    summary = (results / f"summary-{out.name}.txt").read_text()
    assert re.search(r"^pair1\s+pass\s+exit 0\s+steps 17/17 passed", summary, re.M), summary
    # nothing of the run's packing is left behind
    assert not list(results.glob(".*")) and not list((results / "pair1").glob("*.tgz"))


def test_run_yml_grades_a_class_on_the_pair(lab):
    subs = ROOT / "tests" / "submissions" / "balcony-tcp"
    students = ["missing-line", "reference"]
    klass = lab.tmp / "class"
    for s in students:
        shutil.copytree(subs / s, klass / s)
    results = lab.tmp / "grades"
    p = lab.playbook("run.yml", "-e", f"verona_results={results}",
                     "-e", f"verona_experiment={EXPERIMENTS / 'balcony-tcp.yaml'}",
                     "-e", f"verona_submissions={klass}")
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
    runs = list((results / "pair1").glob("balcony-tcp-grade-*"))
    assert len(runs) == 1, list(results.rglob("*"))
    rows = {r["student"]: r for r in csv.DictReader(open(runs[0] / "summary.csv"))}
    assert set(rows) == set(students)
    # the reference solution gets full marks, the one that drops a line loses points
    assert float(rows["reference"]["score"]) == float(rows["reference"]["max_score"]) > 0
    assert float(rows["missing-line"]["score"]) < float(rows["missing-line"]["max_score"])
    for s in students:
        assert (runs[0] / s / "gradescope.json").is_file()
    merged = (results / f"summary-{runs[0].name}.csv").read_text().splitlines()
    assert merged[0].startswith("pair,") and len(merged) == 1 + len(students)


def test_teardown_stops_the_agents(lab):
    pids = {h: lab.agent_pid(h) for h in NODES}
    p = lab.playbook("teardown.yml")
    assert p.returncode == 0, p.stdout[-4000:]
    for h in NODES:
        assert lab.agent_pid(h) is None
        assert not os.path.exists(f"/proc/{pids[h]}")
        assert not wait_port(lab.ctl_addr[h], 7700, timeout=0.5)
