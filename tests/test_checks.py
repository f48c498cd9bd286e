"""Trace checks on the real testbed, negative cases first: each tiny
experiment makes romeo (10.10.0.100) and juliet (10.10.0.101) do something a
student gets wrong, and the test asserts which check fails and what its
message says (the variable parts, ports and times, by pattern).  The cases
a live run cannot produce on demand (a missing ACK, a lost segment) are in
the C unit test tests/unit/test_conn.c."""
import re

from conftest import needs_root, write

pytestmark = needs_root

HOSTS = """
hosts:
  romeo:  10.10.0.100
  juliet: 10.10.0.101
"""

# juliet listens on 4000, romeo connects and juliet accepts conn
CONNECTED = HOSTS + """
steps:
  - juliet: {socket: sock, type: tcp}
  - juliet: {bind: sock, addr: "juliet:4000"}
  - juliet: {listen: sock}
  - romeo:  {socket: sock, type: tcp}
  - romeo:  {connect: sock, addr: "juliet:4000"}
  - juliet: {accept: sock, as: conn}
"""

ROMEO = r"10\.10\.0\.100:\d+"
JULIET = r"10\.10\.0\.101:4000"
SECS = r"\d+\.\d{3} s"


def checks(r):
    """The checks of a run, as (check, status, message) in the file's order."""
    assert r.results is not None, r.proc.stdout + r.proc.stderr
    return [(c["check"], c["status"], c["message"]) for c in r.results["checks"]]


def verdict(r, i, check, status, pattern):
    """Check i is that check with that status, its whole message matching pattern."""
    got = checks(r)[i]
    assert got[:2] == (check, status), (got, r.transcript)
    assert re.fullmatch(pattern, got[2]), (pattern, got[2])


def steps_passed(r):
    return all(s.get("pass") for s in r.steps)


def test_rst_instead_of_fin(run, tmp_path):
    # juliet closes the accepted socket while romeo's bytes are still unread:
    # Linux answers with RST instead of FIN, and romeo's reset socket sends nothing more
    f = write(tmp_path, "rst.yaml", CONNECTED + """
  - romeo:  {send: sock, data: "unread"}
  - sleep: 0.1
  - juliet: {close: conn, expect: {packets: [RST-ACK]}}
  - sleep: 0.1
  - romeo:  {close: sock, expect: {packets: none}}
checks:
  - closed: romeo.sock
  - reset: {conn: romeo.sock, by: juliet}
  - acked: {conn: romeo.sock, from: romeo}
  - state: {conn: romeo.sock, state: RSTR}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    verdict(r, 0, "closed", "fail",
            rf"{JULIET} sent RST instead of FIN at {SECS}: the socket was closed with unread data, or aborted")
    verdict(r, 1, "reset", "pass", rf"{JULIET} sent RST at {SECS}")
    verdict(r, 2, "acked", "pass", rf"{JULIET} acknowledged all 6 bytes {ROMEO} sent \(by {SECS}\)")
    verdict(r, 3, "state", "pass", r"the connection ended in state RSTR \(history ShADar\)")
    assert r.results["summary"]["checks_failed"] == 1 and r.results["summary"]["checks_errors"] == 0
    # a failed check is named on stdout even with --quiet, with its file:line:col
    assert re.search(r"check \S*rst\.yaml:\d+:5 closed .*FAIL.* sent RST instead of FIN", r.proc.stdout), r.proc.stdout


def test_refused_handshake_and_one_byte_different(run, tmp_path):
    # connect before listen (refused), then the real connection; the stream
    # check expects one byte changed.  acked passes: a missing ACK cannot be
    # made on demand live, test_conn.c covers it.
    f = write(tmp_path, "tcp.yaml", HOSTS + """
steps:
  - juliet: {socket: sock, type: tcp}
  - juliet: {bind: sock, addr: "juliet:4000"}
  - romeo:  {socket: sock, type: tcp}
  - romeo:  {connect: sock, addr: "juliet:4000", expect: {errno: ECONNREFUSED, packets: [SYN, RST-ACK]}}
  - juliet: {listen: sock}
  - romeo:  {connect: sock, addr: "juliet:4000"}
  - juliet: {accept: sock, as: conn}
  - romeo:  {sendall: sock, data: "But, soft! what light"}
  - juliet: {recvall: conn, size: 21}
  - romeo:  {shutdown: sock, how: wr}
  - juliet: {close: conn}
checks:
  - stream: {conn: romeo.sock, from: romeo, data: "But, soft! what lig#t"}
  - handshake: {conn: romeo.sock, attempt: 1}
  - handshake: {conn: romeo.sock, attempt: 2}
  - refused: {conn: romeo.sock, attempt: 1}
  - acked: {conn: romeo.sock, from: romeo}
  - stream: {conn: romeo.sock, from: romeo, data: "But, soft! what light"}
  - closed: {conn: romeo.sock, first: romeo}
  - state: {conn: romeo.sock, state: SF}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    verdict(r, 0, "stream", "fail",
            rf"{ROMEO}'s bytes differ from the expected at byte 19: "
            r"expected b'! what lig#t', sent b'! what light'")
    verdict(r, 1, "handshake", "fail",
            rf"{JULIET} answered {ROMEO}'s SYN with a reset at {SECS}: "
            r"nothing was listening on that port \(connect came before listen\?\)")
    verdict(r, 2, "handshake", "pass", rf"{ROMEO} and {JULIET}: SYN, SYN-ACK, ACK by {SECS}")
    verdict(r, 3, "refused", "pass", rf"{JULIET} answered {ROMEO}'s SYN with RST-ACK at {SECS}")
    verdict(r, 4, "acked", "pass", rf"{JULIET} acknowledged all 21 bytes {ROMEO} sent \(by {SECS}\)")
    verdict(r, 5, "stream", "pass", rf"{ROMEO} sent the 21 expected bytes")
    verdict(r, 6, "closed", "pass",
            rf"both sides sent FIN and had it acknowledged \({ROMEO} at {SECS}, {JULIET} at {SECS}\)")
    verdict(r, 7, "state", "pass", r"the connection ended in state SF \(history ShADaFf\)")
    assert r.results["summary"]["checks_failed"] == 2


def test_snaplen_too_small_is_a_harness_error(run, tmp_path):
    # 64 bytes hold Ethernet, IP and TCP's fixed header but not its options,
    # and only 22 bytes of a UDP payload: nothing can be decided
    f = write(tmp_path, "snap.yaml", HOSTS + """
capture: {snaplen: 64}
steps:
  - juliet: {socket: sock, type: tcp}
  - juliet: {bind: sock, addr: "juliet:4000"}
  - juliet: {listen: sock}
  - romeo:  {socket: sock, type: tcp}
  - romeo:  {connect: sock, addr: "juliet:4000"}
  - juliet: {accept: sock, as: conn}
  - romeo:  {sendall: sock, data: {repeat: "x", count: 200}}
  - juliet: {recvall: conn, size: 200}
  - juliet: {socket: u, type: udp}
  - juliet: {bind: u, addr: "juliet:5000"}
  - romeo:  {socket: u, type: udp}
  - romeo:  {sendto: u, data: {repeat: "y", count: 200}, to: "juliet:5000"}
  - juliet: {recvfrom: u, size: 1000}
checks:
  - stream: {conn: romeo.sock, from: romeo, data: {repeat: "x", count: 200}}
  - datagrams: {from: romeo.u, to: "juliet:5000", data: [{repeat: "y", count: 200}]}
""")
    r = run(f)
    assert r.exit == 3, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    verdict(r, 0, "stream", "error",
            r"no TCP connection of romeo\.sock could be read: the capture cut \d+ packets short "
            r"inside their headers \(snaplen too small\)")
    verdict(r, 1, "datagrams", "error",
            r"the capture cut datagram 1 \(snaplen too small\): its bytes are unknown")
    assert r.results["summary"]["checks_errors"] == 2
    assert re.search(r"stream .*ERROR.*snaplen too small", r.proc.stdout), r.proc.stdout


def test_udp_datagrams_icmp_and_quiet(run, tmp_path):
    f = write(tmp_path, "udp.yaml", HOSTS + """
steps:
  - juliet: {socket: sock, type: udp, id: jsocket}
  - juliet: {bind: sock, addr: "juliet:5000", id: jbind}
  - romeo:  {socket: sock, type: udp}
  - romeo:  {sendto: sock, data: "one", to: "juliet:5000", id: send1}
  - romeo:  {sendto: sock, data: "two", to: "juliet:5000"}
  - juliet: {recvfrom: sock, size: 100, expect: {data: "one"}}
  - juliet: {recvfrom: sock, size: 100, expect: {data: "two"}}
  # nothing is bound to 5001: juliet's kernel answers with ICMP port unreachable
  - romeo:  {sendto: sock, data: "anyone?", to: "juliet:5001"}
  - sleep: 0.1
checks:
  - datagrams: {from: romeo.sock, to: "juliet:5000", data: ["one", "two"]}
  - datagrams: {from: romeo.sock, to: "juliet:5000", data: ["one", "tw0"]}
  - datagrams: {from: romeo, to: juliet, count: 3, allow_unreachable: true}
  - icmp_unreachable: {from: romeo.sock, to: "juliet:5001"}
  - icmp_unreachable: {from: romeo.sock, to: "juliet:5000"}
  - quiet: [jsocket, jbind]
  - quiet: [jbind, send1]
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    assert [p["pattern"] for p in r.step(8).get("packets", [])] == ["UDP", "ICMP-UNREACH"], r.transcript
    verdict(r, 0, "datagrams", "pass", r"the 2 expected datagrams went from romeo\.sock to juliet:5000 in order")
    verdict(r, 1, "datagrams", "fail",
            r"datagram 2 from romeo\.sock to juliet:5000 carried b'two', expected b'tw0'")
    verdict(r, 2, "datagrams", "pass", r"3 datagrams from romeo to juliet")
    verdict(r, 3, "icmp_unreachable", "pass",
            rf"port unreachable at {SECS} for the datagram from romeo\.sock to juliet:5001")
    verdict(r, 4, "icmp_unreachable", "fail",
            r"no ICMP port unreachable quoted a datagram from romeo\.sock to juliet:5000")
    verdict(r, 5, "quiet", "pass", r"no packets during 2 steps")
    verdict(r, 6, "quiet", "fail", r"step send1 caused 1 packet on the wire")
    assert r.results["summary"]["checks_failed"] == 3


def test_udp_delivery_reply_to_sender_and_no_icmp(run, tmp_path):
    """datagrams fails when an ICMP error says its datagrams reached no socket (unless
    allow_unreachable), and with reply_to: sender when a reply goes elsewhere than where the
    request came from; icmp_unreachable none: true (count: 0) fails when one was refused."""
    f = write(tmp_path, "udp2.yaml", HOSTS + """
steps:
  - juliet: {socket: sock, type: udp}
  - juliet: {bind: sock, addr: "juliet:5000"}
  - romeo:  {socket: sock, type: udp}
  - romeo:  {sendto: sock, data: "ping", to: "juliet:5000"}
  - juliet: {recvfrom: sock, size: 100, expect: {data: "ping", from: romeo.sock}}
  - juliet: {sendto: sock, data: "pong", to: romeo.sock}
  # a reply to a port romeo never spoke from: his kernel answers ICMP port unreachable
  - juliet: {sendto: sock, data: "pong", to: "romeo:5002"}
  - romeo:  {recvfrom: sock, size: 100, expect: {data: "pong", from: "juliet:5000"}}
  - romeo:  {sendto: sock, data: "lost", to: "juliet:5001"}
  - sleep: 0.1
checks:
  - datagrams: {from: "juliet:5000", to: romeo.sock, data: ["pong"], reply_to: sender}
  - datagrams: {from: "juliet:5000", to: romeo, data: ["pong", "pong"], reply_to: sender}
  - datagrams: {from: "juliet:5000", to: "romeo:5002", count: 1}
  - datagrams: {from: "juliet:5000", to: "romeo:5002", count: 1, allow_unreachable: true}
  - datagrams: {from: romeo.sock, to: "juliet:5001", data: ["lost"]}
  - icmp_unreachable: {from: romeo.sock, to: "juliet:5000", none: true}
  - icmp_unreachable: {from: romeo.sock, to: "juliet:5001", none: true}
  - icmp_unreachable: {from: romeo.sock, to: "juliet:5001", count: 0}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    verdict(r, 0, "datagrams", "pass", r"the 1 expected datagrams went from juliet:5000 to romeo\.sock in order")
    verdict(r, 1, "datagrams", "fail",
            r"datagram 2 from juliet:5000 went to 10\.10\.0\.100:5002, from where no datagram had come to "
            r"10\.10\.0\.101:5000: a reply goes to the address and port the request came from "
            r"\(the address recvfrom returned\)")
    verdict(r, 2, "datagrams", "fail",
            rf"1 of the 1 datagrams from juliet:5000 to romeo:5002 drew ICMP port unreachable \(the first, "
            rf"datagram 1, at {SECS}\): no socket took them at 10\.10\.0\.100:5002 \(nothing bound to that "
            r"address and port: a socket bound to 127\.0\.0\.1, or a wrong port\?\)")
    verdict(r, 3, "datagrams", "pass", r"1 datagrams from juliet:5000 to romeo:5002")
    verdict(r, 4, "datagrams", "fail",
            rf"1 of the 1 datagrams from romeo\.sock to juliet:5001 drew ICMP port unreachable .*")
    verdict(r, 5, "icmp_unreachable", "pass", r"0 port unreachable errors for datagrams from romeo\.sock to juliet:5000")
    for i in (6, 7):
        verdict(r, i, "icmp_unreachable", "fail",
                rf"1 port unreachable error \(the first at {SECS}\) for datagrams from romeo\.sock to juliet:5001, "
                r"expected 0: nothing listened there")


def test_closed_within_and_before(run, tmp_path):
    """closed within: S fails a FIN sent more than S seconds after the connection's last data;
    closed before: ID fails a FIN sent after that step started."""
    f = write(tmp_path, "closed.yaml", CONNECTED + """
  - romeo:  {send: sock, data: "hi"}
  - juliet: {recv: conn, size: 10, expect: {data: "hi"}}
  - romeo:  {close: sock}
  - juliet: {sleep: 0.6, id: nap}
  - juliet: {close: conn}
  - juliet: {socket: other, type: tcp, id: after}
checks:
  - closed: {conn: romeo.sock, within: 0.3}
  - closed: {conn: romeo.sock, within: 5}
  - closed: {conn: romeo.sock, before: nap}
  - closed: {conn: romeo.sock, first: romeo, before: after}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    verdict(r, 0, "closed", "fail",
            rf"{JULIET} sent FIN at {SECS}, 0\.[6-9]\d\d s after the connection's last data \(at {SECS}\): "
            r"not within 0\.3 s")
    verdict(r, 1, "closed", "pass", r"both sides sent FIN and had it acknowledged .*")
    verdict(r, 2, "closed", "fail", rf"{JULIET} sent FIN at {SECS}, not before step nap started \(at {SECS}\)")
    verdict(r, 3, "closed", "pass", r"both sides sent FIN and had it acknowledged .*")


def test_a_program_killed_at_its_timeout_never_closed(run, tmp_path):
    """A server that answers and never closes is killed at its step's timeout: the FIN its kernel
    then sends is marked as verona's kill in results.json, the transcript and the report, and it
    is not the orderly close; the bytes the server sent before still count."""
    server = ("import socket, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
              "s.bind(('', 4000)); s.listen(); c, a = s.accept(); c.sendall(b'hello'); time.sleep(100)")
    f = write(tmp_path, "killed.yaml", HOSTS + f"""
steps:
  - juliet: {{exec: "python3 -c \\"{server}\\"", background: true, id: srv, timeout: 2,
             ready: {{port: 4000, timeout: 5}}}}
  - romeo:  {{socket: sock, type: tcp}}
  - romeo:  {{connect: sock, addr: "juliet:4000"}}
  - romeo:  {{recv: sock, size: 10, expect: {{data: "hello"}}}}
  - juliet: {{wait: srv}}
  - romeo:  {{close: sock}}
checks:
  - closed: {{conn: romeo.sock}}
  - stream: {{conn: romeo.sock, from: "juliet:4000", data: "hello"}}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    srv = r.step(1)
    assert srv["result"]["timed_out"] is True and srv["result"]["killed_ns"] > srv["result"]["start_ns"]
    verdict(r, 0, "closed", "fail",
            rf"{JULIET} never closed the connection itself: its FIN at {SECS} came from the kernel when "
            rf"verona killed the program of step 1, at its timeout \({SECS}\)")
    verdict(r, 1, "stream", "pass", rf"{JULIET} sent the 5 expected bytes")
    packets = [p for s in r.steps for p in s.get("packets", [])]
    killed = [p for p in packets if "verona_kill" in p]
    assert killed and all(p["from"] == "juliet" and p["time_ns"] >= srv["result"]["killed_ns"] for p in killed)
    assert all(p["verona_kill"] == "the program of step 1, at its timeout" for p in killed)
    assert any("F" in p["flags"] for p in killed), killed
    # romeo's FIN afterwards is his own close (a step of verona's): never marked
    assert not any("verona_kill" in p for p in packets if p["from"] == "romeo")
    assert "[caused by verona's kill: the program of step 1, at its timeout]" in r.transcript
    assert "VERONA'S KILL" in (r.out / "report.html").read_text()


def test_concurrent_clients_and_a_connection_left_open(run, tmp_path):
    # two clients connected before juliet accepts either; nobody closes
    f = write(tmp_path, "conc.yaml", HOSTS + """
steps:
  - juliet: {socket: sock, type: tcp}
  - juliet: {bind: sock, addr: "juliet:4000"}
  - juliet: {listen: sock}
  - romeo:  {socket: c1, type: tcp}
  - romeo:  {connect: c1, addr: "juliet:4000"}
  - romeo:  {socket: c2, type: tcp}
  - romeo:  {connect: c2, addr: "juliet:4000"}
  - juliet: {accept: sock, as: a1}
  - juliet: {accept: sock, as: a2}
checks:
  - concurrent: {server: "juliet:4000", count: 2}
  - concurrent: {server: "juliet:4000", count: 3}
  - state: {conn: romeo.c1, state: S1}
  - state: {conn: romeo.c2, state: SF}
  - closed: romeo.c2
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    # accepted, but never answered: only the server's own bytes show it serving
    for i in (0, 1):
        verdict(r, i, "concurrent", "fail", r"juliet:4000 answered none of its 2 connections \(a connection "
                r"counts from the server's first byte on it\)")
    verdict(r, 2, "state", "pass", r"the connection ended in state S1 \(history ShA\)")
    verdict(r, 3, "state", "fail", r"the connection ended in state S1, not SF \(history ShA\)")
    verdict(r, 4, "closed", "fail",
            rf"{ROMEO} never sent FIN: its side was never closed \(shutdown or close missing\)")


def test_one_client_after_the_other_is_not_concurrent(run, tmp_path):
    f = write(tmp_path, "serial.yaml", CONNECTED + """
  - romeo:  {close: sock}
  - juliet: {close: conn}
  - romeo:  {socket: sock2, type: tcp}
  - romeo:  {connect: sock2, addr: "juliet:4000"}
  - juliet: {accept: sock, as: conn2}
  - romeo:  {close: sock2}
  - juliet: {close: conn2}
checks:
  - concurrent: {server: "juliet:4000", count: 2}
  - closed: {conn: romeo.sock, first: romeo}
  - closed: {conn: romeo.sock2, first: juliet}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert steps_passed(r), r.transcript
    verdict(r, 0, "concurrent", "fail", r"juliet:4000 answered none of its 2 connections \(a connection "
            r"counts from the server's first byte on it\)")
    verdict(r, 1, "closed", "pass",
            rf"both sides sent FIN and had it acknowledged \({ROMEO} at {SECS}, {JULIET} at {SECS}\)")
    verdict(r, 2, "closed", "fail", rf"{ROMEO} closed first \(FIN at {SECS}\), not {JULIET} \(FIN at {SECS}\)")


def test_kernel_drops_make_checks_undecidable(run, tmp_path):
    # a 4 KiB capture buffer cannot keep up with an 8 MB transfer: the kernel
    # drops packets, and the stream check is a harness error, not a failure
    f = write(tmp_path, "drops.yaml", """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
capture: {buffer: 4096}
steps:
  - juliet: {socket: s}
  - juliet: {bind: s, addr: "juliet:4000"}
  - juliet: {listen: s}
  - romeo: {socket: c}
  - romeo: {connect: c, addr: "juliet:4000"}
  - juliet: {accept: s, as: conn}
  - romeo: {sendall: c, data: {repeat: "x", count: 8000000}, background: true, id: big, timeout: 20}
  - juliet: {recvall: conn, size: 8000000, timeout: 20}
  - romeo: {wait: big}
checks:
  - stream: {conn: romeo.c, from: romeo, data: {repeat: "x", count: 8000000}}
""")
    r = run(f)
    assert r.exit == 3, r.proc.stdout + r.proc.stderr
    drops = sum(h["capture"]["drops"] for h in r.results["manifest"]["hosts"].values())
    assert drops > 0
    (c,) = r.results["checks"]
    assert c["status"] == "error"
    assert c["message"] == f"the capture dropped {drops} packets: this check cannot be decided"
    assert all(s["pass"] for s in r.steps)      # the program did nothing wrong
