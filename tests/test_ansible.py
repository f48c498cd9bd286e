"""The Ansible side without a testbed: every playbook passes
ansible-playbook --syntax-check and ansible-lint, the systemd unit carries
its hardening, and the tools that write inventories (from a CloudLab
manifest or node list, from a FABRIC slice), share a class and summarize the
pairs do what docs/deploy.md says on small sample inputs.
The deployment itself over real ssh is tests/test_deploy.py."""
import csv
import json
import os
import shutil
import subprocess
import tarfile

import pytest

from conftest import ROOT, needs_tools

ANSIBLE = ROOT / "ansible"
SAMPLES = ROOT / "tests" / "deploy"
PY = "/usr/bin/python3"
PLAYBOOKS = ["deploy.yml", "run.yml", "teardown.yml"]

needs_ansible = needs_tools("ansible-playbook")


def env():
    e = dict(os.environ, ANSIBLE_CONFIG=str(ANSIBLE / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return e


def tool(name, *args, **kw):
    return subprocess.run([PY, str(ANSIBLE / "tools" / name), *map(str, args)],
                          capture_output=True, text=True, **kw)


def inventory_hosts(text):
    """{host: {var: value}} of [verona_agents], and the [verona_controllers] list."""
    hosts, controllers, section = {}, [], None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section == "verona_agents":
            name, *kv = line.split()
            hosts[name] = dict(x.split("=", 1) for x in kv)
        elif section == "verona_controllers":
            controllers.append(line)
    return hosts, controllers


@needs_ansible
@pytest.mark.parametrize("playbook", PLAYBOOKS)
@pytest.mark.parametrize("inventory", ["cloudlab.example.ini", "fabric.example.ini"])
def test_syntax_check(playbook, inventory):
    p = subprocess.run(["ansible-playbook", "-i", f"inventory/{inventory}", "--syntax-check", playbook],
                       cwd=ANSIBLE, env=env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


@needs_tools("ansible-lint")
def test_ansible_lint_is_clean():
    p = subprocess.run(["ansible-lint", "--nocolor", *PLAYBOOKS, "roles"], cwd=ANSIBLE, env=env(),
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-5000:] + p.stderr[-3000:]


@needs_ansible
def test_systemd_unit_is_hardened(tmp_path):
    """The unit as the role writes it on a systemd node (the deployment test
    runs the plain daemon: PID 1 is not systemd on the test machine)."""
    out = tmp_path / "verona-agent.service"
    args = json.dumps({"src": str(ANSIBLE / "roles/verona_agent/templates/verona-agent.service.j2"),
                       "dest": str(out)})
    extra = json.dumps({"verona_host": "romeo", "verona_user": "verona", "verona_prefix": "/opt/verona",
                        "verona_agent_cmdline": "/opt/verona/bin/verona-agent --listen 192.0.2.10:7700 "
                                                "--key /var/lib/verona/verona.key --name romeo --allow-exec"})
    p = subprocess.run(["ansible", "localhost", "-c", "local", "-m", "template", "-a", args, "-e", extra],
                       cwd=ANSIBLE, env=env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    unit = {}
    for line in out.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            unit[k] = v
    # root, so that programs run under a uid of each session's own (issue 11), with only the
    # capabilities the agent needs; no ambient ones (nothing handed to what it starts)
    assert unit["User"] == "root"
    assert unit["ExecStart"].startswith("/opt/verona/bin/verona-agent --listen 192.0.2.10:7700 --key ")
    assert "AmbientCapabilities" not in unit
    assert set(unit["CapabilityBoundingSet"].split()) == {
        "CAP_NET_RAW", "CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_KILL",
        "CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_OVERRIDE"}
    assert unit["RestrictNamespaces"] == "mnt pid ipc"
    assert unit["ProtectControlGroups"] == "no" and unit["Delegate"] == "yes"
    for k, v in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"),
                 ("ProtectHome", "yes"), ("Restart", "on-failure")]:
        assert unit[k] == v, k
    if shutil.which("systemd-analyze"):
        v = subprocess.run(["systemd-analyze", "verify", str(out)], capture_output=True, text=True)
        assert "Unknown key" not in v.stderr and "Unknown section" not in v.stderr, v.stderr


def test_inventory_from_a_cloudlab_manifest():
    p = tool("make-inventory", "cloudlab", SAMPLES / "cloudlab-manifest.xml")
    assert p.returncode == 0, p.stderr
    hosts, controllers = inventory_hosts(p.stdout)
    assert controllers == ["romeo"]
    assert hosts["romeo"] == {"ansible_host": "pc401.utah.cloudlab.us", "ansible_user": "alice",
                              "verona_host": "romeo", "verona_pair": "pair1", "verona_addr": "10.10.0.100"}
    assert hosts["juliet"]["ansible_host"] == "pc417.utah.cloudlab.us"
    assert hosts["juliet"]["verona_addr"] == "10.10.0.101"
    # another of the experiment's users
    p = tool("make-inventory", "cloudlab", SAMPLES / "cloudlab-manifest.xml", "--user", "bob")
    assert "ansible_user=bob" in p.stdout and "ansible_user=alice" not in p.stdout


def test_inventory_from_a_cloudlab_node_list_with_two_pairs(tmp_path):
    out = tmp_path / "cloudlab.ini"
    p = tool("make-inventory", "cloudlab", SAMPLES / "cloudlab-list.txt", "-o", out)
    assert p.returncode == 0, p.stderr
    hosts, controllers = inventory_hosts(out.read_text())
    assert controllers == ["pair1-romeo", "pair2-romeo"]
    assert hosts["pair2-juliet"] == {"ansible_host": "pc418.utah.cloudlab.us", "ansible_user": "alice",
                                     "verona_host": "juliet", "verona_pair": "pair2",
                                     "verona_addr": "10.10.0.101"}
    # plain user@host lines are romeo, juliet, romeo2, juliet2 in order
    bare = tmp_path / "bare.txt"
    bare.write_text("ssh alice@pc1.example.net\nalice@pc2.example.net\n")
    hosts, _ = inventory_hosts(tool("make-inventory", "cloudlab", bare).stdout)
    assert hosts["romeo"]["ansible_host"] == "pc1.example.net"
    assert hosts["juliet"]["verona_addr"] == "10.10.0.101"


def test_inventory_from_a_fabric_slice():
    p = tool("make-inventory", "fabric", SAMPLES / "fabric-slice.json",
             "--ssh-config", "/home/fabric/work/fabric_config/ssh_config",
             "--key", "/home/fabric/work/fabric_config/slice_key")
    assert p.returncode == 0, p.stderr
    hosts, controllers = inventory_hosts(p.stdout)
    assert controllers == ["romeo"]
    r = hosts["romeo"]
    assert r["ansible_host"] == "2001:1948:417:7:f816:3eff:fe2a:1" and r["ansible_user"] == "ubuntu"
    # the control channel runs on the experiment network (FABRIC lets only ssh in on management)
    assert r["verona_addr"] == r["verona_control_addr"] == "10.10.0.100"
    assert r["verona_iface"] == "enp7s0"
    assert "ansible_ssh_common_args=-F /home/fabric/work/fabric_config/ssh_config" in p.stdout
    assert "verona_configure_addr=true" in p.stdout
    # fablib's own list_nodes(output="json")
    p = tool("make-inventory", "fabric", SAMPLES / "fabric-list-nodes.json")
    hosts, _ = inventory_hosts(p.stdout)
    assert hosts["juliet"]["ansible_host"] == "192.0.2.22"
    assert hosts["juliet"]["verona_control_addr"] == "10.10.0.101"


def test_inventory_refuses_a_node_without_an_experiment_address(tmp_path):
    f = tmp_path / "nodes.txt"
    f.write_text("server alice@pc1.example.net\n")
    p = tool("make-inventory", "cloudlab", f)
    assert p.returncode != 0 and "no experiment address" in p.stderr


@needs_ansible
def test_made_inventories_pass_syntax_check(tmp_path):
    for kind, sample in [("cloudlab", "cloudlab-list.txt"), ("fabric", "fabric-slice.json")]:
        inv = tmp_path / f"{kind}.ini"
        assert tool("make-inventory", kind, SAMPLES / sample, "-o", inv).returncode == 0
        p = subprocess.run(["ansible-inventory", "-i", str(inv), "--list"], cwd=ANSIBLE, env=env(),
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        data = json.loads(p.stdout)
        assert data["verona_controllers"]["hosts"]
        assert len(data["verona_agents"]["hosts"]) in (2, 4)


def test_split_class_deals_students_to_pairs(tmp_path):
    subs = tmp_path / "class"
    for s in ["ann", "bob", "cat", "dan", "eve"]:
        (subs / s).mkdir(parents=True)
        (subs / s / "balcony_tcp.py").write_text(f"# {s}\n")
    p = tool("split-class", subs, tmp_path / "out", "pair1", "pair2")
    assert p.returncode == 0, p.stderr
    share = json.loads(p.stdout)
    assert share["pair1"]["students"] == ["ann", "cat", "eve"]
    assert share["pair2"]["students"] == ["bob", "dan"]
    with tarfile.open(share["pair2"]["tar"]) as t:
        assert sorted(t.getnames()) == ["bob", "bob/balcony_tcp.py", "dan", "dan/balcony_tcp.py"]


def test_summarize_over_pairs(tmp_path):
    run = "sockets-tcp-20261121T000000Z"
    for pair, exit_ in [("pair1", 0), ("pair2", 1)]:
        d = tmp_path / pair / run
        d.mkdir(parents=True)
        (d / "results.json").write_text(json.dumps({"summary": {
            "steps": 17, "passed": 17 - exit_, "failed": exit_, "checks": 8, "checks_failed": exit_,
            "checks_errors": 0, "status": "pass" if exit_ == 0 else "fail", "exit": exit_, "error": None}}))
    p = tool("summarize", tmp_path, run)
    assert p.returncode == 0, p.stdout + p.stderr
    text = (tmp_path / f"summary-{run}.txt").read_text()
    assert "pair1        pass   exit 0  steps 17/17 passed  checks 8/8 passed" in text
    assert "pair2        fail   exit 1  steps 16/17 passed  checks 7/8 passed" in text
    # a pair with no result makes the summary fail
    (tmp_path / "pair3" / run).mkdir(parents=True)
    p = tool("summarize", tmp_path, run)
    assert p.returncode == 1 and "pair3        no result" in p.stdout


def test_summarize_merges_a_graded_class(tmp_path):
    run = "balcony-tcp-grade-20261121T000000Z"
    for pair, student in [("pair1", "ann"), ("pair2", "bob")]:
        d = tmp_path / pair / run
        d.mkdir(parents=True)
        with open(d / "summary.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student", "score", "max_score", "status"])
            w.writerow([student, "10", "10", "pass"])
    p = tool("summarize", tmp_path, run)
    assert p.returncode == 0, p.stdout + p.stderr
    rows = list(csv.DictReader(open(tmp_path / f"summary-{run}.csv")))
    assert [(r["pair"], r["student"]) for r in rows] == [("pair1", "ann"), ("pair2", "bob")]


def test_pack_source_is_reproducible(tmp_path):
    a, b = tmp_path / "a.tar", tmp_path / "b.tar"
    assert tool("pack-source", ROOT, a).returncode == 0
    assert tool("pack-source", ROOT, b).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    with tarfile.open(a) as t:
        names = set(t.getnames())
    assert "Makefile" in names and "agent/agent.c" in names
    assert not any(n.startswith(("bin/", "build/", "runs/")) for n in names)


@needs_ansible
@pytest.mark.parametrize("service_mgr,service,mode", [
    ("systemd", "auto", "systemd"),       # systemd is PID 1: the hardened service
    ("sysvinit", "auto", "daemon"),       # no systemd: the plain daemon
    ("process_api", "auto", "daemon"),    # a container (the deployment test's case)
    ("systemd", "daemon", "daemon"),      # chosen by hand
    ("sysvinit", "systemd", "systemd"),
])
def test_agent_mode_follows_pid_1(tmp_path, service_mgr, service, mode):
    play = tmp_path / "mode.yml"
    play.write_text("""- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.include_role: {name: verona_agent, tasks_from: mode}
    - ansible.builtin.debug: {msg: "mode={{ verona_agent_mode }}"}
""")
    p = subprocess.run(["ansible-playbook", "-i", "localhost,", "-c", "local", str(play),
                        "-e", f"ansible_service_mgr={service_mgr}", "-e", f"verona_service={service}"],
                       env=dict(env(), ANSIBLE_ROLES_PATH=str(ANSIBLE / "roles")),
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f'"msg": "mode={mode}"' in p.stdout, p.stdout
