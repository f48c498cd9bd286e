"""Every experiment of experiments/ on the real local testbed, with its step
results checked against what the seed texts say happens."""
import base64
import hashlib
import shutil
import subprocess

import pytest

from conftest import EXPERIMENTS, needs_root

pytestmark = needs_root

ROMEO_SAYS = b"But, soft! what light through yonder window breaks?"
JULIET_SAYS = b"What's in a name? that which we call a rose by any other name would smell as sweet"


def all_pass(r):
    failing = [(s["number"], s.get("failures")) for s in r.steps if not s.get("pass")]
    assert not failing, failing
    checks = r.results["checks"]
    assert checks, "every experiment checks its trace"
    bad = [(c["check"], c["line"], c["message"]) for c in checks if c["status"] != "pass"]
    assert not bad, bad


def test_sockets_tcp_replays_the_tutorial(run):
    r = run(EXPERIMENTS / "sockets-tcp.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert r.results["summary"] == {**r.results["summary"], "passed": 17, "failed": 0, "status": "pass"}
    assert r.step(2)["python"] == "sock.bind(('10.10.0.101', 4000))"
    assert r.error(4) == "EADDRINUSE"
    assert r.step(4)["shown"] == "OSError: [Errno 98] Address already in use"
    assert r.error(6) == "ECONNREFUSED"
    assert r.step(6)["shown"] == "ConnectionRefusedError: [Errno 111] Connection refused"
    # accept's peer is romeo's socket as connect reported it
    romeo_local = r.result(8)["local"]
    assert romeo_local["ip"] == "10.10.0.100"
    assert r.result(9)["peer"] == romeo_local
    assert r.result(9)["local"] == {"ip": "10.10.0.101", "port": 4000}
    assert r.result(10)["ret"] == len(ROMEO_SAYS)
    assert r.data(11) == ROMEO_SAYS
    assert r.error(12) == "ENOTCONN"
    assert r.step(12)["shown"] == "OSError: [Errno 107] Transport endpoint is not connected"
    assert r.data(14) == JULIET_SAYS
    assert "OSError: [Errno 98] Address already in use" in r.transcript
    # the manifest describes each host as its agent saw it
    m = r.results["manifest"]
    assert m["experiment"]["sha256"] == hashlib.sha256((EXPERIMENTS / "sockets-tcp.yaml").read_bytes()).hexdigest()
    for name, addr in (("romeo", "10.10.0.100"), ("juliet", "10.10.0.101")):
        h = m["hosts"][name]
        assert h["iface"] == "eth0" and addr in h["addrs"] and h["mtu"] == 1500
        assert h["offloads"]["tso"] is False and h["offloads"]["gso"] is False and h["offloads"]["gro"] is False
        assert "tcp_timestamps" in h["sysctls"] and h["kernel"].startswith("Linux")
    # steps carry real-time stamps in order
    starts = [s["result"]["start_ns"] for s in r.steps]
    assert starts == sorted(starts)


def patterns(r, number):
    return [p["pattern"] for p in r.step(number).get("packets", [])]


def test_sockets_tcp_packets_under_their_steps(run):
    r = run(EXPERIMENTS / "sockets-tcp.yaml")
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    for n in (1, 2, 3, 4, 5, 7):
        assert patterns(r, n) == [], n          # socket, bind, listen: nothing on the wire
    assert patterns(r, 6) == ["SYN", "RST-ACK"]
    assert patterns(r, 8) == ["SYN", "SYN-ACK", "ACK"]
    port = r.result(8)["local"]["port"]
    lines = [p["line"] for p in r.step(8)["packets"]]
    assert lines[0].startswith(f"10.10.0.100:{port} > 10.10.0.101:4000 [S] seq 0 win ")
    assert lines[1].startswith(f"10.10.0.101:4000 > 10.10.0.100:{port} [S.] seq 0 ack 1 win ")
    assert lines[2].startswith(f"10.10.0.100:{port} > 10.10.0.101:4000 [.] seq 1 ack 1 win ")
    assert [p["host"] for p in r.step(8)["packets"]] == ["romeo", "juliet", "romeo"]   # as each sender saw it
    assert f"10.10.0.100:{port} > 10.10.0.101:4000 [P.] seq 1 ack 1 win" in r.transcript
    for host in ("romeo", "juliet"):
        cap = r.results["manifest"]["hosts"][host]["capture"]
        assert cap["file"] == f"{host}.pcap" and (r.out / cap["file"]).exists()
        assert cap["packets"] >= 10 and cap["drops"] == 0 and cap["iface"] == "eth0"
    if shutil.which("tshark"):
        out = subprocess.run(["tshark", "-r", str(r.out / "trace.pcapng"), "-Y", "tcp.flags.syn == 1",
                              "-T", "fields", "-e", "frame.interface_name", "-e", "frame.comment"],
                             capture_output=True, text=True).stdout
        assert "romeo:eth0\tstep 8 romeo: sock.connect(('10.10.0.101', 4000))" in out
        assert "juliet:eth0\tstep 8 romeo: sock.connect(('10.10.0.101', 4000))" in out


def test_sockets_tcp_checks_from_the_trace(run):
    r = run(EXPERIMENTS / "sockets-tcp.yaml")
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    checks = {(c["check"], c["line"]): c for c in r.results["checks"]}
    assert [c["status"] for c in r.results["checks"]] == ["pass"] * 8
    by = {c["check"]: c["message"] for c in r.results["checks"]}
    refused_port = r.result(6)["local"]["port"]
    port = r.result(8)["local"]["port"]
    assert refused_port != port
    assert by["handshake"].startswith(f"10.10.0.100:{port} and 10.10.0.101:4000: SYN, SYN-ACK, ACK")
    assert by["refused"].startswith(f"10.10.0.101:4000 answered 10.10.0.100:{refused_port}'s SYN with RST-ACK")
    assert by["state"].startswith("the connection ended in state SF (history ShA")
    assert len(checks) == 8
    assert r.results["summary"]["checks"] == 8 and r.results["summary"]["checks_failed"] == 0
    assert "check experiments/sockets-tcp.yaml" not in r.proc.stdout or "FAIL" not in r.proc.stdout


def test_define_overrides_the_port(run):
    r = run(EXPERIMENTS / "sockets-tcp.yaml", "-D", "port=5000")
    assert r.exit == 0, r.proc.stderr
    assert r.step(2)["args"]["addr"] == {"ip": "10.10.0.101", "port": 5000}
    assert r.result(9)["local"]["port"] == 5000
    assert r.results["manifest"]["defines"] == {"port": "5000"}


def test_trace_pcapng_holds_what_the_checks_judged(run):
    """trace.pcapng keeps each packet once, as its sender captured it (both
    copies stay in romeo.pcap and juliet.pcap), so `verona check` on it
    decides as the run did: no SYN counted twice as a retransmission."""
    import json
    from conftest import VERONA
    r = run(EXPERIMENTS / "sockets-tcp.yaml")
    assert r.exit == 0, r.proc.stderr
    shown = sum(len(s.get("packets", [])) for s in r.results["steps"]) + len(r.results.get("trace_packets", []))
    p = subprocess.run([VERONA, "check", "--json", r.out / "trace.pcapng", EXPERIMENTS / "sockets-tcp.checks.yaml"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    doc = json.loads(p.stdout)
    assert all(c["status"] == "pass" for c in doc["checks"])
    assert not any("retransmit" in c["message"] for c in doc["checks"]), doc["checks"]
    both = sum(r.results["manifest"]["hosts"][h]["capture"]["packets"] for h in ("romeo", "juliet"))
    assert doc["summary"]["packets"] < both
    if shutil.which("tshark"):
        def count(path, flt):
            out = subprocess.run(["tshark", "-r", str(path), "-Y", flt], capture_output=True, text=True).stdout
            return len(out.splitlines())
        assert count(r.out / "trace.pcapng", "ip") == shown
        assert count(r.out / "trace.pcapng", "arp") == count(r.out / "romeo.pcap", "arp")


def test_sockets_udp(run):
    r = run(EXPERIMENTS / "sockets-udp.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert [c["check"] for c in r.results["checks"]] == ["quiet", "datagrams", "icmp_unreachable", "datagrams", "datagrams"]
    assert [p["pattern"] for p in r.step(6).get("packets", [])][:1] == ["UDP"]
    assert r.error(4) == "EADDRINUSE"
    assert r.result(5)["local"] == {"ip": "10.10.0.101", "port": 4001}
    assert r.result(6)["ret"] == 5                      # to romeo:5000, where nobody listens
    assert r.step(6)["args"]["to"] == {"ip": "10.10.0.100", "port": 5000}
    romeo_port = r.result(8)["local"]["port"]
    assert romeo_port > 1024
    assert r.data(9) == b"Hello"
    assert r.result(9)["from"] == {"ip": "10.10.0.100", "port": romeo_port}
    assert r.step(10)["args"]["to"] == {"ip": "10.10.0.100", "port": romeo_port}
    assert r.data(11) == b"O Romeo, Romeo, wherefore art thou Romeo?"
    assert r.step(9)["shown"] == f"(b'Hello', ('10.10.0.100', {romeo_port}))"


def test_recvall_one_mebibyte_byte_exact(run):
    r = run(EXPERIMENTS / "recvall.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    big = b"0123456789abcdef" * 65536
    got = r.data(9)
    assert len(got) == 1048576 and hashlib.sha256(got).digest() == hashlib.sha256(big).digest()
    assert r.step(8)["state"] == "collected" and r.result(8)["sent"] == 1048576
    assert r.data(15) == b"Hello World!"
    assert r.error(16) == "eof"
    assert r.step(16)["shown"] == "EOFError: socket closed"


def test_udp_timeout_ends_after_the_set_time(run):
    r = run(EXPERIMENTS / "udp-timeout.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert r.error(4) == "timeout" and r.step(4)["shown"] == "TimeoutError: timed out"
    assert 0.5 <= r.seconds(4) < 0.9
    # the repeat expanded to three sends with ${i}
    assert [base64.b64decode(r.step(n)["args"]["data"]) for n in (5, 6, 7)] == \
        [b"Send this message! (try %d)" % i for i in range(3)]
    for n, t in ((9, 0.1), (11, 0.2), (13, 0.4)):
        assert r.error(n) == "timeout"
        assert t <= r.seconds(n) < t + 0.3
    assert r.error(18) == "ECONNREFUSED"
    assert r.seconds(18) < 0.4


def test_udp_connect(run):
    r = run(EXPERIMENTS / "udp-connect.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert r.result(5)["ret"] == {"ip": "10.10.0.101", "port": 1060}
    assert r.step(6)["python"] == "sent = sock.send(b'no address needed')"
    assert r.data(7) == b"no address needed"
    assert r.data(9) == b"The msg was 17 bytes long"
    assert r.error(13) == "timeout"      # the stranger's datagram was filtered
    assert r.error(17) == "ECONNREFUSED"


def test_reuseaddr_time_wait(run):
    r = run(EXPERIMENTS / "reuseaddr.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert r.error(15) == "EADDRINUSE"
    assert r.result(18)["ok"] is True and r.result(18)["local"] == {"ip": "10.10.0.101", "port": 4000}


def test_echo_tcp_on_loopback(run):
    r = run(EXPERIMENTS / "echo-tcp.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert r.step(4)["state"] == "collected"
    client_port = r.result(6)["local"]["port"]
    assert r.result(4)["peer"] == {"ip": "127.0.0.1", "port": client_port}
    assert r.data(9) == b"Hello, world" and r.data(11) == b"Hello, world"
    assert r.data(13) == b""


def test_echo_udp_on_loopback_with_repeat(run):
    r = run(EXPERIMENTS / "echo-udp.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert len(r.steps) == 3 + 3 * 4 + 2
    assert [r.data(5 + 4 * i) for i in range(3)] == [b"message number %d" % i for i in range(3)]


def test_three_hosts_on_a_bridge(run):
    r = run(EXPERIMENTS / "three-hosts.yaml")
    assert r.exit == 0, r.proc.stderr
    all_pass(r)
    assert r.result(8)["peer"]["ip"] == "10.10.0.100"
    assert r.result(9)["peer"]["ip"] == "10.10.0.102"
    assert set(r.results["manifest"]["hosts"]) == {"romeo", "juliet", "nurse"}


def test_live_output_shows_packets_under_their_steps(tmp_path):
    from conftest import verona
    p = verona("run", "--no-color", "--out", tmp_path / "o", EXPERIMENTS / "sockets-tcp.yaml")
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    connect = next(i for i, l in enumerate(lines) if l.startswith("  8 romeo ") and "connect" in l)
    below = [l.split(None, 1)[1] for l in lines[connect + 1:connect + 4]]
    assert below[0].startswith("10.10.0.100:") and "[S] seq 0 win" in below[0]
    assert below[1].startswith("10.10.0.101:4000 > ") and "[S.] seq 0 ack 1 win" in below[1]
    assert "[.] seq 1 ack 1 win" in below[2]
    assert lines[connect + 4].startswith("  9 juliet ")
    # socket and bind showed nothing under them
    assert lines[2].startswith("  2 juliet ") and lines[3].startswith("  3 juliet ")
