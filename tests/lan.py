"""A small real LAN for the TCP control channel's tests: namespaces for a
controller (ctl), romeo and juliet on one bridge, 10.10.0.0/24, so control
and experiment traffic share each host's interface as on a testbed whose
nodes have one NIC.  Agents are real verona-agent processes listening with
a key; everything is removed again, also when a test fails.
"""
import ctypes
import os
import pathlib
import signal
import socket
import subprocess
import threading
import time

from conftest import AGENT, ROOT, VERONA

CLONE_NEWNET = 0x40000000
ADDRS = {"ctl": "10.10.0.1", "romeo": "10.10.0.100", "juliet": "10.10.0.101"}
PORT = 7700


def sh(*args, check=True, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=check, **kw)


class Lan:
    def __init__(self, tmp):
        self.tmp = pathlib.Path(tmp)
        self.prefix = f"vt{os.getpid() % 100000}{int(time.time() * 1000) % 10000}"
        self.br = f"{self.prefix}-br"
        self.ns = {h: f"{self.prefix}-{h}" for h in ADDRS}
        self.agents = {}
        self.reports = []      # sanitizer reports found in agents' logs (make test SANITIZE=1)
        self.key = self.tmp / "verona.key"

    def up(self):
        sh("ip", "netns", "add", self.br)
        sh("ip", "-n", self.br, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.br, "link", "set", "br0", "up")
        for i, (host, addr) in enumerate(ADDRS.items()):
            ns = self.ns[host]
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            peer = f"p{i}"
            sh("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", peer, "netns", self.br)
            sh("ip", "-n", self.br, "link", "set", peer, "master", "br0", "up")
            sh("ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", "eth0")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh(VERONA, "keygen", self.key)

    def down(self):
        for h in list(self.agents):
            self.stop_agent(h)
        for ns in list(self.ns.values()) + [self.br]:
            sh("ip", "netns", "del", ns, check=False)

    def exec(self, host, *args, **kw):
        return sh("ip", "netns", "exec", self.ns[host], *args, **kw)

    def start_agent(self, host, *extra, key=True, listen=None):
        log = self.tmp / f"agent-{host}-{len(list(self.tmp.glob(f'agent-{host}-*.log')))}.log"
        args = ["ip", "netns", "exec", self.ns[host], AGENT, "--name", host,
                "--listen", listen or f"{ADDRS[host]}:{PORT}"]
        if key:
            args += ["--key", str(self.key if key is True else key)]
        args += [str(a) for a in extra]
        f = open(log, "w")
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=f)
        f.close()
        self.agents[host] = (p, log)
        # ready when it listens (or gone, when it refused to start)
        deadline = time.time() + 5
        while time.time() < deadline and p.poll() is None:
            if "listening on" in log.read_text():
                break
            time.sleep(0.02)
        return p, log

    def stop_agent(self, host):
        p, log = self.agents.pop(host)
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        text = log.read_text()
        if "Sanitizer" in text or "runtime error:" in text:
            self.reports.append(f"{log}:\n{text}")

    def log(self, host):
        return self.agents[host][1].read_text()

    def wait_log(self, host, text, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log(host):
                return True
            time.sleep(0.02)
        return False

    def testbed(self, name="hosts.yaml", hosts=("romeo", "juliet"), key=None, extra=""):
        lines = ["hosts:"]
        for h in hosts:
            lines += [f"  {h}:", f"    control: tcp:{ADDRS[h]}:{PORT}",
                      f"    key: {key or self.key}", f"    addr: {ADDRS[h]}"]
        path = self.tmp / name
        path.write_text("\n".join(lines) + "\n" + extra)
        return path

    def verona(self, *args, timeout=120):
        """bin/verona in the controller's namespace."""
        return sh("ip", "netns", "exec", self.ns["ctl"], VERONA, *args, check=False, timeout=timeout)

    def connect(self, host, port=PORT):
        """A TCP socket from the controller's namespace to a host's agent."""
        result = {}

        def inside():
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(f"/run/netns/{self.ns['ctl']}", os.O_RDONLY)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns")
            finally:
                os.close(fd)
            s = socket.create_connection((ADDRS[host], port), timeout=5)
            result["sock"] = s

        t = threading.Thread(target=inside)
        t.start()
        t.join()
        return result["sock"]
