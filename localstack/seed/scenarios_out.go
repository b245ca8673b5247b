package seed

// dns is an instance asking the VPC resolver; the resolver has no
// interface of its own in the flow logs.
func (g *generator) dns() {
	n := g.net
	from := []*endpointInterface{n.web, n.app, n.ipv6, n.db}[g.rng.IntN(4)]
	var until int64
	if from == n.db {
		until = n.dbStoppedAt
	}
	g.connect(conn{
		client:   side{addr: from.IPv4, port: g.ephemeral(), iface: from},
		server:   side{addr: n.resolver, port: 53},
		protocol: protoUDP, windows: 1, until: until,
		reqPackets: smallPackets, reqSize: [2]int{60, 90},
		respPackets: smallPackets, respSize: [2]int{90, 300},
	}, g.day())
}

// ipv6Client is an internet client of the IPv6 server.
func (g *generator) ipv6Client() {
	g.connect(conn{
		client:   side{addr: g.pickOf(g.net.ipv6Peers), port: g.ephemeral()},
		server:   side{addr: g.net.ipv6.IPv6, port: 443, iface: g.net.ipv6},
		protocol: protoTCP, windows: g.windows(3),
		reqPackets: somePackets, reqSize: requestSize,
		respPackets: manyPackets, respSize: responseSize,
	}, g.day())
}

// ipv6Update is the IPv6 server fetching packages over IPv6.
func (g *generator) ipv6Update() {
	g.connect(conn{
		client:   side{addr: g.net.ipv6.IPv6, port: g.ephemeral(), iface: g.net.ipv6},
		server:   side{addr: ipv6Mirror, port: 443},
		protocol: protoTCP, windows: g.windows(2),
		reqPackets: somePackets, reqSize: requestSize,
		respPackets: manyPackets, respSize: responseSize,
	}, g.day())
}

// natUpdate is a private instance fetching packages through the NAT
// gateway.
func (g *generator) natUpdate() {
	n := g.net
	from, until := n.app, int64(0)
	if g.rng.IntN(3) == 0 {
		from, until = n.db, n.dbStoppedAt
	}
	g.connect(conn{
		client:   side{addr: from.IPv4, port: g.ephemeral(), iface: from},
		server:   side{addr: g.pickOf(n.updateHosts), port: 443},
		nat:      n.nat,
		protocol: protoTCP, windows: g.windows(3), until: until,
		reqPackets: somePackets, reqSize: requestSize,
		respPackets: manyPackets, respSize: responseSize,
	}, g.day())
}

// webUpdate is the web server fetching packages through the internet
// gateway.
func (g *generator) webUpdate() {
	g.connect(conn{
		client:   side{addr: g.net.web.IPv4, port: g.ephemeral(), iface: g.net.web},
		server:   side{addr: g.pickOf(g.net.updateHosts), port: 443},
		protocol: protoTCP, windows: g.windows(2),
		reqPackets: somePackets, reqSize: requestSize,
		respPackets: manyPackets, respSize: responseSize,
	}, g.day())
}

// windows draws how many aggregation windows a connection spans: mostly
// one, up to most.
func (g *generator) windows(most int) int {
	if most <= 1 || g.rng.IntN(4) > 0 {
		return 1
	}
	return g.between(2, most)
}

// pickOf returns a random element of list.
func (g *generator) pickOf(list []string) string {
	return list[g.rng.IntN(len(list))]
}
