"""The deployment on real systemd nodes, as CloudLab and FABRIC run it.

tests/nodes.py boots Debian 12 nodes with systemd as PID 1 (systemd-nspawn)
in network namespaces: romeo and juliet (the pair, with an experiment link
of their own) and bastion (FABRIC's jump host), their control interfaces on
one bridge with a leg in this machine's namespace (IPv4 only: the nodes'
IPv6 management addresses are reached through the bastion).  Each node has
its own SSH host key (checked) and the test's user key.

ansible-playbook deploy.yml then builds and installs verona on romeo and
juliet over real SSH and starts verona-agent as the hardened systemd unit;
the tests check what systemd reports of it, a second deploy, verona ping,
run.yml (a replay and a graded class with a hostile submission), a reboot,
the inventories tools/make-inventory writes from a CloudLab manifest and a
FABRIC slice, and teardown.yml.  Release pass only (see pytestmark).
"""
import base64
import csv
import json
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from conftest import EXPERIMENTS, ROOT, VERONA, agent_pids, needs_root, verona_namespaces

ANSIBLE = ROOT / "ansible"
DEPLOY = ROOT / "tests" / "deploy"
PAIR = ("romeo", "juliet")

# The nodes build their own release binaries from the tree, so `make test
# SANITIZE=1` leaves this file out (Makefile: PYTEST_ONLY_RELEASE).
pytestmark = [needs_root]

# what docs/security.md promises of the unit, as `systemctl show` reports it
HARDENING = {
    "User": "root",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "no",
    "Delegate": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "UMask": "0077",
    "TasksMax": "512",
}
CAPS = {"cap_net_raw", "cap_net_admin", "cap_sys_admin", "cap_setuid", "cap_setgid", "cap_kill", "cap_chown",
        "cap_fowner", "cap_dac_override"}
CAP_BITS = {"cap_chown": 0, "cap_dac_override": 1, "cap_fowner": 3, "cap_kill": 5, "cap_setgid": 6,
            "cap_setuid": 7, "cap_net_admin": 12, "cap_net_raw": 13, "cap_sys_admin": 21}


def host_agent_pids():
    """verona-agent processes of this machine's PID namespace (not the nodes': their systemd runs those)."""
    mine = os.readlink("/proc/self/ns/pid")
    out = set()
    for pid in agent_pids():
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") == mine:
                out.add(pid)
        except OSError:
            pass
    return out


@pytest.fixture(autouse=True)
def no_leftovers():
    """conftest's check, less the nodes' own agents (a reboot or a deploy restarts them; Nodes.close() ends them)."""
    if os.environ.get("VERONA_TEST_SHARED"):
        yield
        return
    before_ns, before_agents = verona_namespaces(), host_agent_pids()
    yield
    time.sleep(0.2)
    left_ns, left_agents = verona_namespaces() - before_ns, host_agent_pids() - before_agents
    assert not left_ns and not left_agents, f"left behind: namespaces {left_ns}, agents {left_agents}"


def sh(*cmd, check=True, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=check, **kw)


def recap(output):
    """{host: {ok, changed, unreachable, failed, ...}} from ansible's PLAY RECAP."""
    out = {}
    for m in re.finditer(r"^(\S+)\s+:\s+(.*)$", output.split("PLAY RECAP")[-1], re.M):
        out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
    return out


class Lab:
    def __init__(self, nodes, tmp):
        self.nodes, self.tmp = nodes, tmp
        self.times = {}

    def write_inventory(self):
        lines = ["[verona_agents]"]
        for h in PAIR:
            n = self.nodes[h]
            lines.append(f"{h} ansible_host={n.ctl4} verona_addr={n.addr} verona_control_addr={n.ctl4}")
        lines += ["", "[verona_controllers]", "romeo", "", "[all:vars]",
                  "ansible_user=root",
                  "ansible_python_interpreter=/usr/bin/python3",
                  f"ansible_ssh_common_args=-F {self.nodes.ssh_config}",
                  "verona_offloads_off=true", ""]
        self.inventory = self.tmp / "hosts.ini"
        self.inventory.write_text("\n".join(lines))

    def env(self):
        env = dict(os.environ)
        env.update(ANSIBLE_CONFIG=str(ANSIBLE / "ansible.cfg"),
                   # in the nodes' folder: Nodes.close() ends the connection masters found there
                   ANSIBLE_SSH_CONTROL_PATH_DIR=str(self.nodes.dir / "cp"),
                   ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-local"),
                   ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_RETRY_FILES_ENABLED="0")
        return env

    def common(self):
        # nodes have no route out: the image holds every package, lists are not refreshed
        return ["-e", f"verona_key_local={self.tmp}/verona.key", "-e", f"verona_src_archive={self.tmp}/verona-src.tar",
                "-e", "verona_apt_update_cache=false"]

    def playbook(self, name, *extra, inventory=None, timeout=900):
        started = time.time()
        p = subprocess.run(["ansible-playbook", "-i", str(inventory or self.inventory), name, *self.common(),
                            *map(str, extra)], cwd=ANSIBLE, env=self.env(), capture_output=True, text=True,
                           timeout=timeout)
        self.times.setdefault(name, []).append(round(time.time() - started, 1))
        with (self.tmp / f"{name}.log").open("a") as f:
            f.write(p.stdout + p.stderr)
        return p

    def testbed(self):
        lines = ["hosts:"]
        for h in PAIR:
            n = self.nodes[h]
            lines += [f"  {h}:", f"    control: tcp:{n.ctl4}:7700", f"    key: {self.tmp}/verona.key",
                      f"    addr: {n.addr}"]
        path = self.tmp / "testbed.yaml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def show(self, h, *props):
        out = self.nodes[h].ssh("systemctl show verona-agent.service " + " ".join(f"-p {p}" for p in props)).stdout
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    from nodes import Nodes
    for tool in ("mmdebstrap", "systemd-nspawn", "ansible-playbook", "ssh"):
        # a missing tool is a broken machine, not a reason to skip (make deps installs them)
        assert shutil.which(tool), f"{tool} is missing: run make deps"
    tmp = tmp_path_factory.mktemp("systemd-nodes")
    nodes = Nodes(PAIR, bastion=True)
    lab = Lab(nodes, tmp)
    try:
        started = time.time()
        nodes.up()
        lab.times["image build"] = round(nodes.image_seconds, 1)
        lab.times["nodes up"] = round(time.time() - started, 1)
        lab.write_inventory()
        p = lab.playbook("deploy.yml")
        assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-3000:]
        lab.deploy_output = p.stdout
        yield lab
    finally:
        nodes.close()
        print(f"\nsystemd nodes, seconds: {lab.times}")
        shutil.rmtree(tmp, ignore_errors=True)


def test_nodes_run_systemd_as_pid1_with_their_own_host_keys(lab):
    keys = set()
    for h in lab.nodes.names:
        n = lab.nodes[h]
        assert n.ssh("cat /proc/1/comm").stdout.strip() == "systemd"
        assert n.ssh("systemctl is-system-running").stdout.strip() == "running"
        keys.add(n.host_key)
    assert len(keys) == len(lab.nodes.names)
    # host keys are checked: a node answering with another key is refused
    bad = lab.tmp / "known_hosts_wrong"
    r, j = lab.nodes["romeo"], lab.nodes["juliet"]
    bad.write_text(f"{r.ctl4} {j.host_key}\n")
    p = sh("ssh", "-F", lab.nodes.ssh_config, "-o", f"UserKnownHostsFile={bad}", f"root@{r.ctl4}", "true",
           check=False, timeout=30)
    assert p.returncode != 0 and "host key" in p.stderr.lower(), p.stderr


def test_deploy_starts_the_hardened_unit(lab):
    r = recap(lab.deploy_output)
    for h in PAIR:
        assert r[h]["failed"] == 0 and r[h]["unreachable"] == 0, lab.deploy_output[-3000:]
        n = lab.nodes[h]
        assert n.ssh("systemctl is-active verona-agent").stdout.strip() == "active"
        assert n.ssh("systemctl is-enabled verona-agent").stdout.strip() == "enabled"
        show = lab.show(h, *HARDENING, "CapabilityBoundingSet", "RestrictNamespaces", "MainPID", "ExecStart",
                        "ControlGroup")
        for k, v in HARDENING.items():
            assert show[k] == v, f"{h}: {k}={show[k]}, docs/security.md promises {v}"
        assert set(show["CapabilityBoundingSet"].split()) == CAPS
        assert set(show["RestrictNamespaces"].split()) == {"mnt", "pid", "ipc"}
        assert "--allow-exec" in show["ExecStart"] and f"{n.ctl4}:7700" in show["ExecStart"]
        # the process itself: root, only the unit's bounding set, no_new_privs, its own cgroup in every
        # controller (Delegate=yes), the private /tmp
        pid = show["MainPID"]
        status = n.ssh(f"cat /proc/{pid}/status").stdout
        fields = dict(re.findall(r"^(\w+):\s+(.*)$", status, re.M))
        assert fields["Uid"].split()[0] == "0" and fields["NoNewPrivs"] == "1"
        assert int(fields["CapBnd"], 16) == sum(1 << b for b in CAP_BITS.values())
        cg = n.ssh(f"cat /proc/{pid}/cgroup").stdout
        for ctrl in ("memory", "pids", "cpu"):
            assert re.search(rf"^\d+:[^:]*\b{ctrl}\b[^:]*:/system.slice/verona-agent.service", cg, re.M), cg
        assert n.ssh(f"test /proc/{pid}/root/tmp -ef /tmp && echo shared || echo private").stdout.strip() \
            == "private"
        key = n.ssh("stat -c '%U %a' /var/lib/verona/verona.key").stdout.split()
        assert key == ["root", "600"]
        assert n.ssh("test -x /opt/verona/bin/verona-agent && test -x /opt/verona/bin/verona && echo ok").stdout \
            .strip() == "ok"


def test_second_deploy_changes_nothing(lab):
    pids = {h: lab.show(h, "MainPID")["MainPID"] for h in PAIR}
    p = lab.playbook("deploy.yml")
    assert p.returncode == 0, p.stdout[-4000:]
    r = recap(p.stdout)
    for h in PAIR:
        assert r[h]["changed"] == 0, f"{h} changed on a second deploy:\n" + p.stdout[-6000:]
        assert lab.show(h, "MainPID")["MainPID"] == pids[h], f"{h}'s agent was restarted"


def test_ping_sees_every_agent(lab):
    p = sh(VERONA, "ping", "--testbed", lab.testbed(), check=False, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    for h in PAIR:
        assert re.search(rf"^\s*{h}\b.*", p.stdout, re.M), p.stdout


def processes(node):
    """The command lines of the node's processes (but the ps that lists them and its shell)."""
    out = node.ssh("ps -eo pid=,ppid=,args=").stdout.splitlines()
    me = [line.split(None, 2) for line in out if line.split(None, 2)[2].startswith("ps -eo")]
    skip = {me[0][0], me[0][1]} if me else set()
    return [line.split(None, 2)[2] for line in out if line.split(None, 2)[0] not in skip]


def decoded_outputs(doc):
    """Every *_b64 field of a results.json (the programs' stdout and stderr), decoded."""
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k.endswith("_b64") and isinstance(v, str):
                out.append(base64.b64decode(v))
            else:
                out.append(decoded_outputs(v))
    elif isinstance(doc, list):
        out += [decoded_outputs(v) for v in doc]
    return b"".join(out)


def run_folder(results, pair, prefix):
    runs = list((results / pair).glob(f"{prefix}-*"))
    assert len(runs) == 1, list(results.rglob("*"))
    return runs[0]


def test_run_yml_replays_sockets_tcp_with_the_sandbox_and_limits(lab):
    results = lab.tmp / "results"
    p = lab.playbook("run.yml", "-e", f"verona_results={results}")
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
    out = run_folder(results, "pair1", "sockets-tcp")
    res = json.loads((out / "results.json").read_text())
    s = res["summary"]
    assert s["status"] == "pass" and s["failed"] == 0 and s["passed"] == s["steps"] == 17, s
    assert s["checks_failed"] == 0 and s["checks_errors"] == 0
    lab.manifest = res["manifest"]
    (lab.tmp / "manifest.json").write_text(json.dumps(res["manifest"], indent=1))
    for h in PAIR:
        host = res["manifest"]["hosts"][h]
        assert host["capture"]["iface"] == "eth1", host
        # the nodes share this machine's kernel clock and say so (its boot id): no offset is estimated,
        # so packets closer than an estimate's uncertainty keep their order
        assert host["clock"]["offset_ns"] == 0 and host["clock"]["uncertainty_ns"] == 0, host["clock"]
        sb = host["sandbox"]
        assert sb["level"] == "full" and sb["agent_uid"] == 0 and sb["uid"] >= 800000 and sb["nft"] is True, sb
        # the run's limits: a cgroup of its own below the unit's delegated one, in every controller
        lim = host["limits"]
        assert lim["cgroup"] == "v1" and lim["memory"] > 0 and lim["processes"] > 0, lim
        for ctrl in ("memory", "pids", "cpu"):
            assert re.match(rf"/sys/fs/cgroup/[a-z,]*{ctrl}[a-z,]*/system.slice/verona-agent.service/verona-run-",
                            lim["paths"][ctrl]), lim


def test_run_yml_grades_a_class_and_refuses_the_hostile_one(lab):
    subs = ROOT / "tests" / "submissions" / "balcony-tcp"
    klass = lab.tmp / "class"
    shutil.copytree(subs / "reference", klass / "reference")
    shutil.copytree(subs / "missing-line", klass / "missing-line")
    shutil.copytree(ROOT / "tests" / "hostile" / "key-and-daemon", klass / "hostile-key-and-daemon")
    key = (lab.tmp / "verona.key").read_bytes()
    results = lab.tmp / "grades"
    p = lab.playbook("run.yml", "-e", f"verona_results={results}",
                     "-e", f"verona_experiment={EXPERIMENTS / 'balcony-tcp.yaml'}",
                     "-e", f"verona_submissions={klass}")
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
    out = run_folder(results, "pair1", "balcony-tcp-grade")
    rows = {r["student"]: r for r in csv.DictReader(open(out / "summary.csv"))}
    assert set(rows) == {"reference", "missing-line", "hostile-key-and-daemon"}
    assert float(rows["reference"]["score"]) == float(rows["reference"]["max_score"]) > 0
    assert float(rows["missing-line"]["score"]) < float(rows["missing-line"]["max_score"])
    # the hostile program ran (it says so) but read no key: on neither node, and nowhere in the results
    everything = b"".join(f.read_bytes() for f in out.rglob("*") if f.is_file())
    everything += b"".join(decoded_outputs(json.loads(f.read_text())) for f in out.rglob("results.json"))
    # both hosts' programs tried, were refused, and started their daemon
    steps = json.loads((out / "hostile-key-and-daemon" / "results.json").read_text())["steps"]
    for h in PAIR:
        said = b"".join(decoded_outputs(st["result"]) for st in steps if st["host"] == h and st["op"] == "exec")
        assert b"key refused: PermissionError" in said and b"daemon started" in said, (h, said)
    assert b"KEY-LEAKED" not in everything
    for form in (key, key.hex().encode(), key.strip()):
        assert form not in everything
    # and its daemon (meant to live 120 s) did not outlive its session on either node
    for h in PAIR:
        n = lab.nodes[h]
        assert not [a for a in processes(n) if "verona-hostile-daemon" in a], f"a daemon is left on {h}"
        assert n.ssh("ls /var/tmp/verona-hostile-marker /tmp/verona-hostile-marker /dev/shm/verona-hostile-marker "
                     "2>/dev/null || true").stdout.strip() == ""
        # nothing runs under a session's uid any more
        uids = n.ssh("ps -eo uid=").stdout.split()
        assert not [u for u in uids if int(u) >= 800000], uids


def test_the_agent_comes_back_after_the_node_reboots(lab):
    for h in PAIR:
        n = lab.nodes[h]
        started = "cut -d' ' -f22 /proc/1/stat"       # PID 1's start, in ticks of this machine's clock
        before = n.ssh(started).stdout.strip()
        n.reboot()
        assert int(n.ssh(started).stdout.strip()) > int(before)
        deadline = time.time() + 30
        while n.ssh("systemctl is-active verona-agent", check=False).stdout.strip() != "active":
            assert time.time() < deadline, n.ssh("journalctl -b -u verona-agent --no-pager", check=False).stdout
            time.sleep(0.5)
    p = sh(VERONA, "ping", "--testbed", lab.testbed(), check=False, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


# ---- inventories from the testbeds' own formats -------------------------------------------------

def cloudlab_ssh_config(lab, manifest):
    """What a CloudLab user's ~/.ssh/config and known_hosts amount to: the manifest's host names are the nodes."""
    names = dict(re.findall(r'<node client_id="(\w+)".*?<login [^>]*hostname="([^"]+)"', manifest, re.S))
    cfg, known = [], []
    for h, hostname in names.items():
        n = lab.nodes[h]
        cfg += [f"Host {hostname}", f"  HostName {n.ctl4}"]
        known.append(f"{n.ctl4} {n.host_key}")
    (lab.tmp / "cloudlab_known_hosts").write_text("\n".join(known) + "\n")
    cfg += ["Host *", f"  IdentityFile {lab.nodes.dir}/id_ed25519", "  IdentitiesOnly yes",
            f"  UserKnownHostsFile {lab.tmp}/cloudlab_known_hosts", "  StrictHostKeyChecking yes", "  BatchMode yes"]
    path = lab.tmp / "cloudlab_ssh_config"
    path.write_text("\n".join(cfg) + "\n")
    return path, names


def test_an_inventory_from_a_cloudlab_manifest_deploys(lab):
    manifest = (DEPLOY / "cloudlab-manifest.xml").read_text()
    inv = lab.tmp / "cloudlab.ini"
    p = sh("/usr/bin/python3", ANSIBLE / "tools" / "make-inventory", "cloudlab", DEPLOY / "cloudlab-manifest.xml",
           "-o", inv, check=False)
    assert p.returncode == 0, p.stderr
    text = inv.read_text()
    cfg, names = cloudlab_ssh_config(lab, manifest)
    assert set(names) == set(PAIR)
    for h in PAIR:
        assert re.search(rf"^{h} ansible_host={re.escape(names[h])} ansible_user=alice .*verona_addr="
                         rf"{re.escape(lab.nodes[h].addr)}", text, re.M), text
    # alice logs in and becomes root with sudo, as on CloudLab; the control address comes from the default route
    p = lab.playbook("deploy.yml", "-e", json.dumps({"ansible_ssh_common_args": f"-F {cfg}"}), inventory=inv)
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
    r = recap(p.stdout)
    for h in PAIR:
        assert r[h]["failed"] == 0 and r[h]["unreachable"] == 0
        assert lab.nodes[h].ssh("systemctl is-active verona-agent").stdout.strip() == "active"
    p = sh(VERONA, "ping", "--testbed", lab.testbed(), check=False, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


def test_an_inventory_from_a_fabric_slice_deploys_through_the_bastion(lab):
    b = lab.nodes["bastion"]
    # the slice as fablib 2.x prints it, with the test nodes' management addresses
    slice_json = json.loads((DEPLOY / "fabric-list-nodes-2.x.json").read_text())
    for node in slice_json:
        node["management_ip"] = lab.nodes[node["name"]].ctl6
    sj = lab.tmp / "slice.json"
    sj.write_text(json.dumps(slice_json, indent=4))
    # fablib's ssh_config: the bastion's address and user, our key
    cfg = (DEPLOY / "fabric-ssh_config").read_text()
    cfg = cfg.replace("Hostname %h", f"Hostname {b.ctl4}")
    cfg = cfg.replace("/home/fabric/work/fabric_config/fabric_bastion_key", f"{lab.nodes.dir}/id_ed25519")
    cfg = re.sub(r"alice_0000123456", "alice", cfg)
    cfgp = lab.tmp / "fabric_ssh_config"
    cfgp.write_text(cfg)
    inv = lab.tmp / "fabric.ini"
    p = sh("/usr/bin/python3", ANSIBLE / "tools" / "make-inventory", "fabric", sj, "--ssh-config", cfgp,
           "--key", f"{lab.nodes.dir}/id_ed25519", "-o", inv, check=False)
    assert p.returncode == 0, p.stderr
    text = inv.read_text()
    for h in PAIR:
        n = lab.nodes[h]
        assert re.search(rf"^{h} ansible_host={re.escape(n.ctl6)} ansible_user=ubuntu .*verona_control_addr="
                         rf"{re.escape(n.addr)}", text, re.M), text
    assert f"ansible_ssh_common_args=-F {cfgp}" in text
    # this machine has no route to the management addresses: only the bastion's ProxyJump reaches them
    assert sh("ssh", "-F", lab.nodes.ssh_config, "-o", "ConnectTimeout=3", f"root@{lab.nodes['romeo'].ctl6}",
              "true", check=False, timeout=30).returncode != 0
    p = lab.playbook("deploy.yml", inventory=inv)
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
    r = recap(p.stdout)
    for h in PAIR:
        n = lab.nodes[h]
        assert r[h]["failed"] == 0 and r[h]["unreachable"] == 0
        # the agent now listens on the experiment address, as on FABRIC
        assert f"{n.addr}:7700" in lab.show(h, "ExecStart")["ExecStart"]
        assert n.ssh("systemctl is-active verona-agent").stdout.strip() == "active"
    # the ssh sessions went through the bastion
    jumps = b.ssh("journalctl -u ssh --no-pager | grep -c 'Accepted publickey for alice' || true").stdout.strip()
    assert int(jumps or 0) > 0


def test_teardown_leaves_nothing_of_verona(lab):
    p = lab.playbook("teardown.yml", "-e", "verona_purge=true")
    assert p.returncode == 0, p.stdout[-4000:]
    for h in PAIR:
        n = lab.nodes[h]
        assert n.ssh("systemctl list-unit-files verona-agent.service --no-legend | wc -l").stdout.strip() == "0"
        assert n.ssh("systemctl is-active verona-agent", check=False).stdout.strip() in ("inactive", "unknown")
        left = n.ssh("ls -d /etc/systemd/system/verona-agent.service /etc/systemd/system/*/verona-agent.service "
                     "/opt/verona/bin/verona /opt/verona/bin/verona-agent /opt/verona/share/verona /var/lib/verona "
                     "2>/dev/null || true").stdout.split()
        assert left == [], f"{h}: {left}"
        assert not [a for a in processes(n) if "verona" in a], f"{h}: {processes(n)}"
        assert n.ssh("getent passwd verona || true").stdout.strip() == ""
        assert n.ssh("ls /sys/fs/cgroup/memory/system.slice/ | grep verona || true").stdout.strip() == ""
        assert n.ssh("nft list tables | grep -i verona || true").stdout.strip() == ""


# ---- the nodes themselves are always removed ----------------------------------------------------

HOLDER = """
import sys, time
sys.path.insert(0, %r)
import nodes
n = nodes.Nodes(["romeo"])
try:
    n.up()
    print("UP", n.dir, n["romeo"].proc.pid, n["romeo"].ns, n["romeo"].root, n.root_if, flush=True)
    time.sleep(300)
finally:
    n.close()
""" % str(ROOT / "tests")


def node_leftovers(d, nspawn, ns, root, link):
    """What of one run's node is still there."""
    left = []
    if os.path.exists(f"/proc/{nspawn}") and b"systemd-nspawn" in pathlib.Path(f"/proc/{nspawn}/cmdline").read_bytes():
        left.append(f"nspawn {nspawn}")
    if ns in sh("ip", "netns", "list").stdout:
        left.append(f"netns {ns}")
    if root in pathlib.Path("/proc/self/mountinfo").read_text():
        left.append(f"mount {root}")
    if sh("ip", "link", "show", link, check=False).returncode == 0:
        left.append(f"link {link}")
    if os.path.exists(d):
        left.append(f"folder {d}")
    tag = f"verona-node-{os.path.basename(d)[4:]}-"
    for mnt in pathlib.Path("/sys/fs/cgroup").iterdir():
        left += [f"cgroup {p}" for p in mnt.rglob(tag + "*")] if mnt.is_dir() else []
    return left


def start_holder():
    p = subprocess.Popen(["/usr/bin/python3", "-c", HOLDER], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, start_new_session=True)
    line = p.stdout.readline().split()
    assert line and line[0] == "UP", p.stderr.read() if p.poll() is not None else line
    d, nspawn, ns, root, link = line[1:]
    assert node_leftovers(d, int(nspawn), ns, root, link) == [f"nspawn {nspawn}", f"netns {ns}", f"mount {root}",
                                                              f"link {link}", f"folder {d}"] + \
        node_leftovers(d, int(nspawn), ns, root, link)[5:]
    return p, (d, int(nspawn), ns, root, link)


def test_ctrl_c_removes_the_nodes():
    p, what = start_holder()
    try:
        os.killpg(p.pid, 2)     # Ctrl-C: SIGINT to the whole foreground group
        p.wait(60)
        assert node_leftovers(*what) == []
    finally:
        if p.poll() is None:
            p.kill()
        from nodes import sweep_stale
        sweep_stale()


def test_a_killed_run_is_removed_by_the_next():
    from nodes import sweep_stale
    p, what = start_holder()
    try:
        p.kill()                # the run dies without cleaning up: its node keeps running
        p.wait(10)
        time.sleep(0.5)
        assert f"nspawn {what[1]}" in node_leftovers(*what)
        assert what[0] in sweep_stale()
        assert node_leftovers(*what) == []
    finally:
        if p.poll() is None:
            p.kill()
        sweep_stale()
