package seed

// Sizes in bytes per packet, and packet counts per window, by kind of
// traffic.
var (
	smallPackets = [2]int{1, 4}
	somePackets  = [2]int{3, 20}
	manyPackets  = [2]int{10, 120}
	requestSize  = [2]int{60, 600}
	responseSize = [2]int{200, 1460}
	probeSize    = [2]int{40, 60}
)

// scannedPorts are the ports scanners try, SSH most often.
var scannedPorts = []int{22, 22, 22, 22, 22, 22, 23, 3389, 445, 5900, 8080,
	1433, 3306, 6379}

// webClient is an internet client of the web server's Elastic IP. Flow
// logs show the server's private address for it.
func (g *generator) webClient() {
	port := 443
	if g.rng.IntN(10) == 0 {
		port = 80
	}
	g.connect(conn{
		client:   side{addr: g.net.client(g.rng), port: g.ephemeral()},
		server:   side{addr: g.net.web.IPv4, port: port, iface: g.net.web},
		protocol: protoTCP, windows: g.windows(4),
		reqPackets: somePackets, reqSize: requestSize,
		respPackets: manyPackets, respSize: responseSize,
	}, g.day())
}

// scan is a scanner probing the web server; its security groups reject
// everything but the web ports, and SSH from administrators.
func (g *generator) scan() {
	d := g.day()
	scanners := g.net.scannersOn(d)
	if len(scanners) == 0 {
		return
	}
	c := conn{
		client:   side{addr: scanners[g.rng.IntN(len(scanners))]},
		server:   side{addr: g.net.web.IPv4, iface: g.net.web},
		protocol: protoTCP, windows: 1, rejected: true,
		reqPackets: [2]int{1, 3}, reqSize: probeSize,
	}
	c.client.port = g.ephemeral()
	c.server.port = scannedPorts[g.rng.IntN(len(scannedPorts))]
	if g.rng.IntN(10) == 0 {
		c.protocol, c.server.port = protoUDP, []int{53, 123, 161}[g.rng.IntN(3)]
	}
	g.connect(c, d)
}

// adminSSH is an administrator's SSH session to the web server, allowed by
// the ssh security group.
func (g *generator) adminSSH() {
	g.connect(conn{
		client:   side{addr: g.pickOf(g.net.admins), port: g.ephemeral()},
		server:   side{addr: g.net.web.IPv4, port: 22, iface: g.net.web},
		protocol: protoTCP, windows: g.between(5, 30),
		reqPackets: manyPackets, reqSize: [2]int{52, 300},
		respPackets: manyPackets, respSize: [2]int{52, 1400},
	}, g.day())
}

// ping is an ICMP echo to the web server: allowed from administrators,
// rejected from anyone else.
func (g *generator) ping() {
	c := conn{
		client:   side{addr: g.net.client(g.rng)},
		server:   side{addr: g.net.web.IPv4, iface: g.net.web},
		protocol: protoICMP, windows: 1, rejected: true,
		reqPackets: smallPackets, reqSize: [2]int{84, 84},
		respPackets: smallPackets, respSize: [2]int{84, 84},
	}
	if g.rng.IntN(2) == 0 {
		c.client.addr, c.rejected = g.pickOf(g.net.admins), false
	}
	g.connect(c, g.day())
}

// eastWest is the web tier calling the application tier.
func (g *generator) eastWest() {
	g.internal(g.net.web, g.net.app, 8080, g.windows(3), 0)
}

// monitoring is the web server scraping metrics from the application
// server's second interface.
func (g *generator) monitoring() {
	g.internal(g.net.web, g.net.appSecond, 9100, 1, 0)
}

// database is the application querying the database until it stopped.
func (g *generator) database() {
	g.internal(g.net.app, g.net.db, 5432, g.windows(5), g.net.dbStoppedAt)
}

// databaseRejected is the web server reaching for the database, which
// only admits the private subnet.
func (g *generator) databaseRejected() {
	g.connect(conn{
		client:   side{addr: g.net.web.IPv4, port: g.ephemeral(), iface: g.net.web},
		server:   side{addr: g.net.db.IPv4, port: 5432, iface: g.net.db},
		protocol: protoTCP, rejected: true, until: g.net.dbStoppedAt,
		reqPackets: [2]int{1, 3}, reqSize: probeSize,
	}, g.day())
}

// internal emits a connection between two interfaces of the VPC.
func (g *generator) internal(
	from, to *endpointInterface,
	port, windows int,
	until int64,
) {
	g.connect(conn{
		client:   side{addr: from.IPv4, port: g.ephemeral(), iface: from},
		server:   side{addr: to.IPv4, port: port, iface: to},
		protocol: protoTCP, windows: windows, until: until,
		reqPackets: somePackets, reqSize: requestSize,
		respPackets: manyPackets, respSize: responseSize,
	}, g.day())
}
