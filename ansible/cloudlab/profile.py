"""verona: romeo and juliet for socket experiments (a CloudLab profile).

Each pair is two nodes on a link of their own: romeo 10.10.0.100 and juliet
10.10.0.101 (the addresses verona's experiments use).  One pair for an
instructor's demonstration, several to grade a class in parallel: nodes are
romeo, juliet (one pair) or romeo1, juliet1, romeo2, ... .  Then follow
docs/deploy.md: tools/make-inventory, deploy.yml, run.yml.

Instructions:
Wait until every node is ready, save the Manifest tab as manifest.xml (or run
`geni-get manifest > manifest.xml` on a node) and follow verona's docs/deploy.md.
"""
import geni.portal as portal
import geni.rspec.pg as pg

pc = portal.Context()
pc.defineParameter("pairs", "Pairs of romeo and juliet", portal.ParameterType.INTEGER, 1)
pc.defineParameter("image", "Disk image", portal.ParameterType.IMAGE,
                   "urn:publicid:IDN+emulab.net+image+emulab-ops//UBUNTU22-64-STD")
pc.defineParameter("hwtype", "Node type (empty: any physical node; or e.g. m510, xl170)",
                   portal.ParameterType.STRING, "")
pc.defineParameter("vm", "Virtual machines instead of physical nodes",
                   portal.ParameterType.BOOLEAN, False)
params = pc.bindParameters()
if params.pairs < 1 or params.pairs > 32:
    pc.reportError(portal.ParameterError("between 1 and 32 pairs", ["pairs"]))
pc.verifyParameters()

request = pc.makeRequestRSpec()
for p in range(1, params.pairs + 1):
    suffix = "" if params.pairs == 1 else str(p)
    link = request.Link("link" + suffix)
    if params.vm:
        link.link_multiplexing = True
        link.best_effort = True
    for name, addr in (("romeo", "10.10.0.100"), ("juliet", "10.10.0.101")):
        node = request.XenVM(name + suffix) if params.vm else request.RawPC(name + suffix)
        node.disk_image = params.image
        if params.hwtype and not params.vm:
            node.hardware_type = params.hwtype
        iface = node.addInterface("if1")
        iface.addAddress(pg.IPv4Address(addr, "255.255.255.0"))
        link.addInterface(iface)

pc.printRequestRSpec(request)
