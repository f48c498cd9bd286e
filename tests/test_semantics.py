"""Python socket semantics that are easy to get wrong, each on the real
testbed: a name rebound while a step still waits on the old socket, close
twice, recv(0), settimeout longer than the step's timeout, and a step
timeout that must not pass for a socket timeout."""
from conftest import needs_root, write

pytestmark = needs_root


def test_rebinding_a_name_keeps_the_waiting_socket(run, tmp_path):
    # the threaded-server pattern: a thread serves conn while the main loop
    # accepts the next client into the same variable
    f = write(tmp_path, "rebind.yaml", """
hosts: {lab: 127.0.0.1}
steps:
  - lab: {socket: srv}
  - lab: {bind: srv, addr: "localhost:7100"}
  - lab: {listen: srv}
  - lab: {socket: c1}
  - lab: {connect: c1, addr: "localhost:7100"}
  - lab: {socket: c2}
  - lab: {connect: c2, addr: "localhost:7100"}
  - lab: {accept: srv, as: conn}
  - lab: {recv: conn, size: 100, background: true, id: first, expect: {data: "from-c1"}}
  - lab: {accept: srv, as: conn}
  - lab: {sendall: c2, data: "from-c2"}
  - lab: {recv: conn, size: 100, expect: {data: "from-c2"}}
  - lab: {sendall: c1, data: "from-c1"}
  - lab: {wait: first}
""")
    r = run(f)
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    assert r.data(9) == b"from-c1" and r.data(12) == b"from-c2"


def test_close_twice_recv_zero_and_close_under_a_waiting_recv(run, tmp_path):
    # as CPython on Linux (issue 12 causes 6 and 7): a blocking recv that
    # waits while another thread closes the socket keeps the socket and gets
    # the next datagram; the socket goes when that call ends (the port is
    # free again); recv(0) on the closed socket is b''; a recv with a
    # timeout waiting under a close ends at its timeout with EBADF
    f = write(tmp_path, "close.yaml", """
hosts: {lab: 127.0.0.1}
steps:
  - lab: {socket: u, type: udp}
  - lab: {bind: u, addr: "localhost:7101"}
  - lab: {recv: u, size: 0, expect: {data: "", within: 0.1}}
  - lab: {recv: u, size: 10, background: true, id: waiting, expect: {data: "late"}}
  - lab: {close: u}
  - lab: {close: u}
  - lab: {recv: u, size: 10, expect: EBADF}
  - lab: {recv: u, size: 0, expect: {data: ""}}
  - lab: {socket: c, type: udp}
  - lab: {sendto: c, data: "late", to: "localhost:7101"}
  - lab: {wait: waiting}
  - lab: {socket: again, type: udp}
  - lab: {bind: again, addr: "localhost:7101"}
  - lab: {settimeout: again, seconds: 0.3}
  - lab: {recv: again, size: 10, background: true, id: timed, expect: EBADF}
  - lab: {close: again}
  - lab: {wait: timed}
""")
    r = run(f)
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    assert r.step(6)["shown"] == "None"
    assert r.data(4) == b"late" and r.data(8) == b""
    assert r.error(7) == "EBADF" and r.error(15) == "EBADF"
    assert 0.25 <= r.seconds(15) < 1.0, "the closed socket's recv ends at its timeout, not at once"


def test_a_longer_settimeout_wins_over_the_step_timeout(run, tmp_path):
    f = write(tmp_path, "longer.yaml", """
hosts: {lab: 127.0.0.1}
steps:
  - lab: {socket: u, type: udp}
  - lab: {bind: u, addr: "localhost:7102"}
  - lab: {settimeout: u, seconds: 1.2}
  - lab: {recvfrom: u, size: 10, timeout: 1, expect: timeout}
  - lab: {settimeout: u, seconds: null}
  - lab: {recvfrom: u, size: 10, timeout: 0.3, expect: timeout}
""")
    r = run(f)
    assert r.exit == 1
    assert r.step(4)["pass"] is True and r.result(4)["timeout_reason"] == "socket timeout"
    assert 1.2 <= r.seconds(4) < 1.6
    assert r.step(6)["pass"] is False
    assert r.step(6)["failures"] == ["the step's timeout (0.3 s) passed while the call was still waiting: "
                                     "a socket timeout (settimeout) was expected"]
