"""links: loss and delay on the local testbed's links, and a host alone on its link."""
from conftest import needs_root, write

pytestmark = needs_root


def test_loss_drops_about_that_share_silently(run, tmp_path):
    f = write(tmp_path, "loss.yaml", """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
links: {loss: 50%}
steps:
  - juliet: {socket: s, type: udp}
  - juliet: {bind: s, addr: "juliet:4000"}
  - juliet: {settimeout: s, seconds: 0.05}
  - romeo: {socket: c, type: udp}
  - repeat:
      count: 60
      steps:
        - romeo: {sendto: c, data: "x${i}", to: "juliet:4000"}
        - juliet: {recvfrom: s, size: 100, expect: {data: "x${i}"}}
""")
    r = run(f)
    sends = [s for s in r.steps if s["op"] == "sendto"]
    recvs = [s for s in r.steps if s["op"] == "recvfrom"]
    assert all(s["pass"] for s in sends)               # the sender is never told
    lost = sum(1 for s in recvs if s["result"].get("error") == "timeout")
    assert 8 <= lost <= 52, lost                        # 50% of 60, with room for chance
    assert all(s["pass"] or s["result"].get("error") == "timeout" for s in recvs)


def test_delay_needs_netem(run, tmp_path):
    f = write(tmp_path, "delay.yaml", """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
links: {delay: 20ms}
steps:
  - romeo: {socket: c, type: udp}
""")
    r = run(f)
    if r.exit == 3:     # this kernel has no sch_netem
        assert "links: delay needs the kernel's netem" in r.proc.stderr
    else:
        assert r.exit == 0


def test_a_host_alone_on_its_link(run, tmp_path):
    f = write(tmp_path, "lone.yaml", """
hosts: {romeo: 10.10.0.100}
steps:
  - romeo: {socket: c, type: udp}
  - romeo: {bind: c, addr: "romeo:5000"}
  - romeo: {getsockname: c}
""")
    r = run(f)
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    assert r.result(3)["ret"] == {"ip": "10.10.0.100", "port": 5000}
    assert r.results["manifest"]["hosts"]["romeo"]["iface"] == "eth0"
