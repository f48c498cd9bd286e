"""Test nodes with systemd: Debian 12 roots booted with systemd-nspawn.

The node image is built once with mmdebstrap from this machine's own Debian
mirror (read from /etc/apt/sources.list*), with every package the
verona_agent role would install from the network (nodes have no route out),
and cached outside the clone, in VERONA_NODE_CACHE (default
/var/cache/verona-test/node-<hash>/), keyed by a hash of what goes into it
(packages, sources, the recipe below); a missing image is rebuilt.

Each node is an overlayfs over the cached image (its own upper layer, so
nodes start in a second and never change the image), booted with
`systemd-nspawn --boot` (systemd is PID 1 inside) in a network namespace of
its own, with its own SSH host key and the test's user key in root's
authorized_keys.  The nodes' control interfaces share a bridge with a leg in
this machine's namespace (where Ansible and the tests run), over IPv4 and
IPv6; romeo and juliet also share an experiment link of their own.

Everything a run makes is written down in RUN_ROOT/<run>/state.json before it
is made, so Nodes.close() removes it (also after a failure or Ctrl-C) and a
later run removes what a killed run left (sweep_stale()): the nspawn
processes and everything in the nodes' namespaces, the overlay mounts, the
namespaces and links, the folders.
"""
import contextlib
import fcntl
import hashlib
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHE = pathlib.Path(os.environ.get("VERONA_NODE_CACHE", "/var/cache/verona-test"))
# not under /tmp: a later run must find what a killed one left
RUN_ROOT = pathlib.Path(os.environ.get("VERONA_NODE_RUNS", "/var/tmp/verona-nodes"))

# What a node needs besides the role's packages: systemd as PID 1, sshd for
# Ansible, python3-apt for Ansible's apt module, nftables for the sandbox's
# per-session rule, procps for the tests' looks inside.
BASE_PACKAGES = ["systemd", "systemd-sysv", "dbus", "libpam-systemd", "openssh-server", "python3", "python3-apt",
                 "iproute2", "procps", "ethtool", "nftables", "ca-certificates", "sudo"]

# Run inside the image after the packages (mmdebstrap --customize-hook, $1 is the root).
RECIPE = r"""
set -e
R="$1"
# each node gets its own host keys and machine id
rm -f "$R"/etc/ssh/ssh_host_*
: > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
# no console: nspawn runs without a terminal
chroot "$R" systemctl mask console-getty.service getty@.service serial-getty@.service
# nothing that wants the network out (nodes have none)
chroot "$R" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer
chroot "$R" systemctl enable ssh.service
mkdir -p "$R/root/.ssh"
chmod 700 "$R/root/.ssh"
# the node's PID 1 before systemd (see NSPAWN_INIT in tests/nodes.py)
cat > "$R/usr/local/sbin/verona-node-init" <<'INIT'
#!/bin/sh
# nspawn mounts the cgroup v1 controllers read-only; a host's systemd has
# them writable.  The node sees only its own subtree of each (a cgroup
# namespace), so make them writable, as on a real host, and start systemd.
for d in /sys/fs/cgroup/*/; do
	mount -o remount,bind,rw "$d" || echo "verona-node-init: cannot make $d writable" >&2
done
# nspawn covers the kernel's boot id with one of its own, but the node runs
# on this machine's kernel and clock: show the kernel's (verona then knows
# the clocks are one and estimates no offset between them)
while grep -q ' /proc/sys/kernel/random/boot_id ' /proc/self/mountinfo; do
	umount /proc/sys/kernel/random/boot_id || break
done
exec /lib/systemd/systemd "$@"
INIT
chmod 755 "$R/usr/local/sbin/verona-node-init"
# the login users of the testbeds' images (CloudLab: your user; FABRIC's
# Ubuntu images: ubuntu), with sudo without a password as there
for u in alice ubuntu; do
  chroot "$R" useradd -m -s /bin/bash -G sudo "$u"
  install -d -m 700 -o "$(chroot "$R" id -u "$u")" -g "$(chroot "$R" id -g "$u")" "$R/home/$u/.ssh"
done
echo '%sudo ALL=(ALL:ALL) NOPASSWD: ALL' > "$R/etc/sudoers.d/testbed-users"
chmod 440 "$R/etc/sudoers.d/testbed-users"
# no package lists in the image, as on a fresh cloud image (the role's apt
# module then only checks that the packages are there)
"""


def sh(*cmd, check=True, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=check, **kw)


# ---------------------------------------------------------------- the image

def role_packages():
    """The Debian packages ansible/roles/verona_agent installs (its defaults)."""
    import yaml
    d = yaml.safe_load((ROOT / "ansible/roles/verona_agent/defaults/main.yml").read_text())
    return list(d["verona_deb_packages"])


def debian_sources():
    """This machine's Debian apt sources, as one-line `deb URI SUITE COMPONENTS` entries."""
    out = []
    files = [pathlib.Path("/etc/apt/sources.list")] + sorted(pathlib.Path("/etc/apt/sources.list.d").glob("*"))
    for f in files:
        if not f.is_file():
            continue
        text = f.read_text()
        if f.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = {}
                for line in stanza.splitlines():
                    if line.startswith("#") or ":" not in line:
                        continue
                    k, v = line.split(":", 1)
                    fields[k.strip().lower()] = v.split()
                if "deb" not in fields.get("types", []):
                    continue
                for uri in fields.get("uris", []):
                    for suite in fields.get("suites", []):
                        out.append(("deb", uri, suite, fields.get("components", ["main"])))
        elif f.suffix == ".list":
            for line in text.splitlines():
                line = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
                if len(line) >= 4 and line[0] == "deb":
                    out.append(("deb", line[1], line[2], line[3:]))
    deb = [f"deb {u} {s} {' '.join(c)}" for _, u, s, c in out if "debian" in u and s.startswith("bookworm")]
    if not any(" bookworm " in d for d in deb):
        raise RuntimeError("no Debian bookworm source in /etc/apt/sources.list*: the node image needs this "
                           "machine's Debian mirror (nodes have no route out)")
    return deb


def image_packages():
    return sorted(set(BASE_PACKAGES + role_packages()))


def image_key():
    spec = {"packages": image_packages(), "sources": debian_sources(), "recipe": RECIPE, "variant": "minbase"}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def image(log=None):
    """The cached node image (a folder), built if missing.  Returns (path, seconds spent building, 0 if cached)."""
    key = image_key()
    path = CACHE / f"node-{key}"
    if (path / ".verona-image").is_file():
        return path, 0.0
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)         # one build at a time; a second run waits and reuses it
        if (path / ".verona-image").is_file():
            return path, 0.0
        started = time.time()
        tmp = CACHE / f".build-{key}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        for old in CACHE.glob(f".build-{key}-*"):
            shutil.rmtree(old, ignore_errors=True)  # a killed build's leftovers (we hold the lock)
        hook = CACHE / f".recipe-{os.getpid()}.sh"
        hook.write_text(RECIPE)
        try:
            cmd = ["mmdebstrap", "--variant=minbase", "--mode=root", "--format=directory",
                   "--include=" + ",".join(image_packages()),
                   f"--customize-hook=sh {hook} \"$1\"",
                   "bookworm", str(tmp)] + debian_sources()
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
            if log is not None:
                pathlib.Path(log).write_text(p.stdout + p.stderr)
            if p.returncode != 0:
                raise RuntimeError(f"mmdebstrap could not build the node image (exit {p.returncode}):\n"
                                   + (p.stdout + p.stderr)[-4000:])
            (tmp / ".verona-image").write_text(json.dumps({"key": key, "packages": image_packages(),
                                                           "sources": debian_sources()}, indent=1) + "\n")
            os.rename(tmp, path)
            # older images (another package list or recipe) no node is booted from
            mounts = pathlib.Path("/proc/self/mountinfo").read_text()
            for old in CACHE.glob("node-*"):
                if old != path and str(old) not in mounts:
                    shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            hook.unlink(missing_ok=True)
        return path, time.time() - started


if __name__ == "__main__":
    p, secs = image(log="/tmp/verona-node-image.log")
    print(p, f"{secs:.1f} s")


# ---------------------------------------------------------------- the nodes

EXPERIMENT_ADDR = {"romeo": "10.10.0.100", "juliet": "10.10.0.101"}
# How nodes are booted.  The node must look like a real CloudLab or FABRIC
# host to the agent's unit, see Nodes.boot().
NSPAWN_INIT = "/usr/local/sbin/verona-node-init"
NSPAWN_ENV = {}


def wait_port(addr, port, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection((addr, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def proc_start(pid):
    """A process's start time (clock ticks since boot), to tell it from a later one with the same pid."""
    try:
        return int(pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def cgroup_hierarchies():
    """[(mount point, our own path in it)] for every cgroup hierarchy mounted here."""
    mounts = {}
    for line in pathlib.Path("/proc/self/mountinfo").read_text().splitlines():
        left, right = line.split(" - ", 1)
        fstype, _src, opts = right.split()[:3]
        mnt = left.split()[4]
        if fstype == "cgroup2":
            mounts.setdefault("", mnt)
        elif fstype == "cgroup":
            keys = [o for o in opts.split(",") if o not in ("rw", "ro", "relatime", "nosuid", "nodev", "noexec")]
            mounts.setdefault(",".join(sorted(keys)), mnt)
    out = []
    for line in pathlib.Path("/proc/self/cgroup").read_text().splitlines():
        _hid, ctrls, path = line.split(":", 2)
        key = ",".join(sorted(ctrls.split(","))) if ctrls else ""
        mnt = mounts.get(key)
        if mnt is None:
            continue
        out.append((mnt, path))
    return out


def node_cgroups(tag):
    """The cgroups (one per hierarchy) a node's nspawn runs in, below our own."""
    return [os.path.normpath(f"{mnt}/{path}/{tag}") for mnt, path in cgroup_hierarchies()]


def cgroup_kill_and_remove(paths):
    """Kill every process in these cgroups and below, then remove them, deepest first."""
    for _ in range(50):
        pids = set()
        for p in paths:
            for d, _dirs, files in os.walk(p):
                if "cgroup.procs" in files:
                    with contextlib.suppress(OSError):
                        pids |= {int(x) for x in (pathlib.Path(d) / "cgroup.procs").read_text().split()}
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    for p in paths:
        for d, _dirs, _files in sorted(os.walk(p), key=lambda w: -w[0].count("/")):
            with contextlib.suppress(OSError):
                os.rmdir(d)


def teardown(state):
    """Remove everything a run wrote down in its state (see Nodes): also a killed run's."""
    for node in state.get("nodes", {}).values():
        pid = node.get("nspawn_pid")
        if pid and proc_start(pid) == node.get("nspawn_start"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        cgroup_kill_and_remove(node.get("cgroups", []))
    for ns in state.get("netns", []):
        for _ in range(20):
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            if not pids:
                break
            for p in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(p), signal.SIGKILL)
            time.sleep(0.05)
    for node in state.get("nodes", {}).values():
        root = node.get("root")
        if root and os.path.ismount(root):
            if sh("umount", root, check=False).returncode != 0:
                sh("umount", "-l", root, check=False)
        machine = node.get("machine")
        if machine:
            shutil.rmtree(f"/run/systemd/nspawn/propagate/{machine}", ignore_errors=True)
            with contextlib.suppress(OSError):
                os.unlink(f"/run/systemd/nspawn/unix-export/{machine}")
    for link in state.get("links", []):
        sh("ip", "link", "del", link, check=False)
    for ns in state.get("netns", []):
        sh("ip", "netns", "del", ns, check=False)
    shutil.rmtree(state["dir"], ignore_errors=True)


def sweep_stale():
    """Remove what runs that were killed (their pytest is gone) left behind.  Returns their folders."""
    swept = []
    for f in sorted(RUN_ROOT.glob("run-*/state.json")):
        try:
            state = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        if proc_start(state.get("owner_pid", 0)) == state.get("owner_start"):
            continue            # its run is alive
        teardown(state)
        swept.append(state["dir"])
    return swept


class Node:
    def __init__(self, nodes, name, n):
        self.nodes, self.name = nodes, name
        self.machine = f"vn-{nodes.id}-{name}"
        self.ns = self.machine
        self.ctl4 = f"{nodes.net4}.{n}"
        self.ctl6 = f"{nodes.net6}::{n}"
        self.addr = EXPERIMENT_ADDR.get(name)
        self.dir = nodes.dir / name
        self.root = self.dir / "root"
        self.proc = None
        self.boots = 0

    def state(self):
        return self.nodes.state["nodes"].setdefault(self.name, {})

    def prepare(self):
        """The node's own root: an overlay over the image, its host key, the test's user key."""
        for d in ("upper", "work", "root"):
            (self.dir / d).mkdir(parents=True)
        self.state().update(root=str(self.root), machine=self.machine,
                            cgroups=node_cgroups(f"verona-node-{self.nodes.id}-{self.name}"))
        self.nodes.save()
        sh("mount", "-t", "overlay", "overlay", "-o",
           f"lowerdir={self.nodes.image},upperdir={self.dir / 'upper'},workdir={self.dir / 'work'}", self.root)
        r = self.root
        (r / "etc/hostname").write_text(self.name + "\n")
        hosts = (r / "etc/hosts").read_text() if (r / "etc/hosts").exists() else ""
        (r / "etc/hosts").write_text(f"127.0.1.1 {self.name}\n" + hosts)
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{self.name}-host",
           "-f", r / "etc/ssh/ssh_host_ed25519_key")
        self.host_key = " ".join((r / "etc/ssh/ssh_host_ed25519_key.pub").read_text().split()[:2])
        pub = (self.nodes.dir / "id_ed25519.pub").read_text()
        for home in ("root", "home/alice", "home/ubuntu"):
            d = r / home / ".ssh"
            if not d.is_dir():
                continue
            (d / "authorized_keys").write_text(pub)
            st = d.stat()
            os.chown(d / "authorized_keys", st.st_uid, st.st_gid)
            (d / "authorized_keys").chmod(0o600)

    def boot(self, timeout=90):
        for cg in self.state()["cgroups"]:
            os.makedirs(cg, exist_ok=True)
            for f in ("cpuset.cpus", "cpuset.mems"):   # a new v1 cpuset takes no task until it has both
                p = pathlib.Path(cg, f)
                if p.exists() and not p.read_text().strip():
                    p.write_text((p.parent.parent / f).read_text())
        log = open(self.dir / f"boot{self.boots}.log", "w")
        self.boots += 1
        env = dict(os.environ, **NSPAWN_ENV)
        cgroups = self.state()["cgroups"]

        def enter():
            for cg in cgroups:
                with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                    f.write(str(os.getpid()))

        self.proc = subprocess.Popen(
            ["systemd-nspawn", "--quiet", "-D", str(self.root), "--register=no", "--keep-unit",
             f"--machine={self.machine}", f"--hostname={self.name}",
             f"--network-namespace-path=/run/netns/{self.ns}", "--console=pipe", "--link-journal=no",
             # nspawn keeps CAP_NET_ADMIN only with a network it makes itself; a host's
             # root has it (the node's network namespace is its own anyway)
             "--capability=CAP_NET_ADMIN",
             # what --boot does, with the node's init first (it execs systemd as PID 1)
             "--kill-signal=SIGRTMIN+3", "--setenv=container=systemd-nspawn", NSPAWN_INIT],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, preexec_fn=enter,
            start_new_session=True)
        log.close()
        self.state().update(nspawn_pid=self.proc.pid, nspawn_start=proc_start(self.proc.pid))
        self.nodes.save()
        deadline = time.time() + timeout
        while not wait_port(self.ctl4, 22, timeout=1):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"node {self.name} did not boot (nspawn exit {self.proc.poll()}):\n"
                                   + (self.dir / f"boot{self.boots - 1}.log").read_text()[-3000:])
        p = self.ssh("systemctl is-system-running --wait", check=False, timeout=max(5, deadline - time.time()))
        self.boot_state = p.stdout.strip()
        if self.boot_state != "running":
            failed = self.ssh("systemctl --failed --no-legend --plain", check=False).stdout
            raise RuntimeError(f"node {self.name} booted {self.boot_state!r}; failed units:\n{failed}")

    def ssh(self, cmd, user="root", check=True, timeout=60):
        return sh("ssh", "-F", self.nodes.ssh_config, f"{user}@{self.ctl4}", cmd, check=check, timeout=timeout)

    def pid1(self):
        """PID 1 of the node, as this machine sees it."""
        return int(sh("ip", "netns", "pids", self.ns).stdout.split()[0]) if self.proc else None

    def reboot(self, timeout=90):
        """`systemctl reboot` inside: nspawn ends with 133 and the node is booted again (as systemd-nspawn@.service does)."""
        self.ssh("systemctl reboot", check=False, timeout=20)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"node {self.name} did not go down on systemctl reboot")
        if rc != 133:
            raise RuntimeError(f"node {self.name}: nspawn ended with {rc} on a reboot (133 expected)")
        self.boot(timeout)

    def stop(self, timeout=30):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)     # nspawn asks the node's systemd to power off
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Nodes:
    """Systemd nodes booted with nspawn, e.g. Nodes(["romeo", "juliet"]).up(); always .close()."""

    def __init__(self, names, bastion=False):
        sweep_stale()
        self.id = f"{os.getpid() % 100000:05d}{int(time.time()) % 100:02d}"
        self.dir = RUN_ROOT / f"run-{self.id}"
        self.dir.mkdir(parents=True)
        self.state = {"owner_pid": os.getpid(), "owner_start": proc_start(os.getpid()), "dir": str(self.dir),
                      "netns": [], "links": [], "nodes": {}}
        self.save()
        self.names = list(names) + (["bastion"] if bastion else [])
        n = self.free_subnet()
        self.net4, self.net6 = f"10.213.{n}", f"fd00:7665:7276:{n:x}"
        self.root_if = f"vn{self.id}c"
        self.br = f"vn-{self.id}-br"
        self.node = {h: Node(self, h, 2 + i) for i, h in enumerate(self.names)}
        self.image = None
        self.image_seconds = 0.0

    def save(self):
        tmp = self.dir / "state.json.tmp"
        tmp.write_text(json.dumps(self.state, indent=1))
        os.rename(tmp, self.dir / "state.json")

    @staticmethod
    def free_subnet():
        used = sh("ip", "-4", "addr").stdout + sh("ip", "-4", "route", "show", "table", "all").stdout
        start = os.getpid() % 200
        for i in range(200):
            n = 20 + (start + i) % 200
            if f"10.213.{n}." not in used:
                return n
        raise RuntimeError("no free 10.213.N.0/24 for the nodes' control network")

    def netns(self, name):
        self.state["netns"].append(name)
        self.save()
        sh("ip", "netns", "add", name)
        sh("ip", "-n", name, "link", "set", "lo", "up")

    def network(self):
        self.netns(self.br)
        sh("ip", "-n", self.br, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.br, "link", "set", "br0", "up")
        # this machine's leg: IPv4 only, so the nodes' IPv6 management
        # addresses are reached through the bastion, as on FABRIC
        self.state["links"].append(self.root_if)
        self.save()
        sh("ip", "link", "add", self.root_if, "type", "veth", "peer", "name", "up0", "netns", self.br)
        sh("ip", "addr", "add", f"{self.net4}.1/24", "dev", self.root_if)
        sh("ip", "link", "set", self.root_if, "up")
        sh("ip", "-n", self.br, "link", "set", "up0", "master", "br0", "up")
        for i, (h, node) in enumerate(self.node.items()):
            self.netns(node.ns)
            sh("ip", "-n", self.br, "link", "add", f"n{i}", "type", "veth", "peer", "name", "ctl0", "netns", node.ns)
            sh("ip", "-n", self.br, "link", "set", f"n{i}", "master", "br0", "up")
            sh("ip", "-n", node.ns, "addr", "add", f"{node.ctl4}/24", "dev", "ctl0")
            sh("ip", "-n", node.ns, "addr", "add", f"{node.ctl6}/64", "dev", "ctl0", "nodad")
            sh("ip", "-n", node.ns, "link", "set", "ctl0", "up")
            # a default route as a testbed node has (Ansible finds the control
            # address from it), to a gateway that is not there: nothing leaves
            sh("ip", "-n", node.ns, "route", "add", "default", "via", f"{self.net4}.254")
        if "romeo" in self.node and "juliet" in self.node:
            r, j = self.node["romeo"].ns, self.node["juliet"].ns
            sh("ip", "-n", r, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1", "netns", j)
            for h in ("romeo", "juliet"):
                sh("ip", "-n", self.node[h].ns, "addr", "add", f"{EXPERIMENT_ADDR[h]}/24", "dev", "eth1")
                sh("ip", "-n", self.node[h].ns, "link", "set", "eth1", "up")

    def keys(self):
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "verona-test", "-f", self.dir / "id_ed25519")
        self.ssh_config = self.dir / "ssh_config"
        self.known_hosts = self.dir / "known_hosts"
        self.ssh_config.write_text(f"""Host *
  IdentityFile {self.dir}/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile {self.known_hosts}
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 10
""")

    def up(self):
        started = time.time()
        self.image, self.image_seconds = image(log=self.dir / "image.log")
        self.network()
        self.keys()
        for node in self.node.values():
            node.prepare()
        self.known_hosts.write_text("".join(f"{n.ctl4},{n.ctl6} {n.host_key}\n" for n in self.node.values()))
        for node in self.node.values():
            node.boot()
        self.up_seconds = time.time() - started
        return self

    def close(self):
        for node in self.node.values():
            with contextlib.suppress(Exception):
                node.stop()
        # ssh connection masters Ansible left (ControlPersist), found by our folder in their command line
        for d in pathlib.Path("/proc").iterdir():
            if d.name.isdigit():
                with contextlib.suppress(OSError):
                    if str(self.dir).encode() in (d / "cmdline").read_bytes():
                        os.kill(int(d.name), signal.SIGKILL)
        teardown(self.state)

    def __getitem__(self, name):
        return self.node[name]
