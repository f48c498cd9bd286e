"""report.html's ladder and the checks count retransmissions from one source
(pcap/conn.c): over a lossy link, the arrows drawn as retransmissions are as
many as the `retransmissions` check counts on the same capture."""
import re

from conftest import needs_root, write

pytestmark = needs_root


def test_ladder_draws_the_retransmissions_the_check_counts(run, tmp_path):
    f = write(tmp_path, "lossy-tcp.yaml", """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
links: {loss: 20%}
steps:
  - juliet: {socket: s, type: tcp}
  - juliet: {bind: s, addr: "juliet:4000"}
  - juliet: {listen: s}
  - romeo: {socket: c, type: tcp}
  - romeo: {connect: c, addr: "juliet:4000"}
  - juliet: {accept: s, as: k}
  - repeat:
      count: 25
      steps:
        - romeo: {send: c, data: "message ${i} .................................................."}
        - romeo: {sleep: 0.01}
  - romeo: {sleep: 1.5}
  - romeo: {shutdown: c, how: wr}
  - romeo: {sleep: 1}
checks:
  - retransmissions: {conn: romeo.c, max: 1000000}
""")
    r = run(f, timeout=180)
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    (check,) = [c for c in r.results["checks"] if c["check"] == "retransmissions"]
    m = re.fullmatch(r"(\d+) retransmitted segments", check["message"])
    assert m, check
    counted = int(m.group(1))
    # 20% loss over some fifty packets: TCP had to send something again
    assert counted >= 1, check
    page = (r.out / "report.html").read_text()
    drawn = page.count('data-kind="retrans"')
    assert drawn == counted, f"{drawn} arrows drawn as retransmissions, the check counted {counted}"
