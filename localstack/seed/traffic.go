package seed

import (
	"slices"
	"strings"
)

// window emits the records of one aggregation window of c: on the
// client's interface, on the NAT gateway's, and on the server's, each
// holding the request and, unless the server rejected it, the response.
func (g *generator) window(c conn, start, end int64, reqFlags, respFlags int) {
	req := record{
		srcAddr: c.client.addr, dstAddr: c.server.addr,
		pktSrc: c.client.addr, pktDst: c.server.addr,
		srcPort: c.client.port, dstPort: c.server.port,
		protocol: c.protocol, start: start, end: end, status: statusOK,
		ipv6: strings.Contains(c.client.addr, ":"),
	}
	req.packets, req.bytes = g.volume(c.reqPackets, c.reqSize)
	resp := req.reversed()
	resp.packets, resp.bytes = g.volume(c.respPackets, c.respSize)
	if c.protocol == protoTCP {
		req.tcpFlags, resp.tcpFlags = reqFlags, respFlags
	}

	if c.client.iface != nil {
		g.capture(req, c.client.iface, "egress", actionAccept)
		if !c.rejected {
			g.capture(resp, c.client.iface, "ingress", actionAccept)
		}
	}
	if c.nat != nil {
		g.throughNAT(req, resp, c.nat)
	}
	if c.server.iface != nil {
		action := map[bool]string{false: actionAccept, true: actionReject}
		g.capture(req, c.server.iface, "ingress", action[c.rejected])
		if !c.rejected {
			g.capture(resp, c.server.iface, "egress", actionAccept)
		}
	}
}

// throughNAT emits the four records a NAT gateway's interface holds for
// one request and response: srcaddr and dstaddr name the gateway on its
// side of the translation, and pkt-srcaddr and pkt-dstaddr keep the
// original packet's addresses where they differ.
func (g *generator) throughNAT(req, resp record, nat *endpointInterface) {
	natPort := g.between(1024, 65535)

	in := req
	in.dstAddr = g.net.natIP
	g.capture(in, nat, "ingress", actionAccept)

	out := req
	out.srcAddr, out.pktSrc, out.srcPort = g.net.natIP, g.net.natIP, natPort
	g.capture(out, nat, "egress", actionAccept)

	back := resp
	back.dstAddr, back.pktDst, back.dstPort = g.net.natIP, g.net.natIP, natPort
	g.capture(back, nat, "ingress", actionAccept)

	home := resp
	home.srcAddr = g.net.natIP
	g.capture(home, nat, "egress", actionAccept)
}

// reversed returns the record of the answering direction.
func (r record) reversed() record {
	r.srcAddr, r.dstAddr = r.dstAddr, r.srcAddr
	r.pktSrc, r.pktDst = r.pktDst, r.pktSrc
	r.srcPort, r.dstPort = r.dstPort, r.srcPort
	return r
}

// volume draws a packet count and a byte count.
func (g *generator) volume(packets, size [2]int) (int64, int64) {
	p := g.between(packets[0], packets[1])
	return int64(p), int64(p * g.between(size[0], size[1]))
}

// capture emits r as seen on iface, unless the budget is spent.
func (g *generator) capture(
	r record,
	iface *endpointInterface,
	dir, action string,
) {
	if g.budget <= 0 {
		return
	}
	r.iface, r.direction, r.action = iface, dir, action
	g.out = append(g.out, r)
	g.budget--
}

// status emits one NODATA or SKIPDATA line for an interface that is
// never stopped.
func (g *generator) status(status string) {
	n := g.net
	ifaces := []*endpointInterface{n.web, n.app, n.appSecond, n.ipv6, n.nat}
	iface := ifaces[g.rng.IntN(len(ifaces))]
	t, ok := g.startIn(g.day(), 1, 0)
	for !ok {
		t, ok = g.startIn(g.day(), 1, 0)
	}
	g.out = append(g.out, record{
		iface: iface, start: t, end: t + g.interval - 1, status: status,
	})
}

// malformedKinds is the number of ways spoil damages a line.
const malformedKinds = 6

// spoilers turn a record's field values into a malformed line. Each keeps
// the addresses in the text, so a substring search still finds the line and
// only a parser can tell it is not a record.
var spoilers = [malformedKinds]func(l layout, fields []string) string{
	func(_ layout, f []string) string { return strings.Join(f[:len(f)/2], " ") },
	func(l layout, f []string) string { return replaceField(l, f, "packets", "many") },
	func(l layout, f []string) string { return replaceField(l, f, "start", "yesterday") },
	func(l layout, f []string) string { return replaceField(l, f, "srcport", "https") },
	func(_ layout, f []string) string { return strings.Join(f, ",") },
	func(l layout, f []string) string {
		return "record lost in delivery: " + f[slices.Index(l.fields, "srcaddr")]
	},
}

// replaceField returns the fields joined, with one field's value replaced.
func replaceField(l layout, fields []string, name, value string) string {
	out := slices.Clone(fields)
	out[slices.Index(l.fields, name)] = value
	return strings.Join(out, " ")
}

// spoil adds count malformed lines, each made from a copy of an accepted
// record already generated.
func (g *generator) spoil(count int) {
	var accepted []int
	for i, r := range g.out {
		if r.status == statusOK && r.action == actionAccept {
			accepted = append(accepted, i)
		}
	}
	for kind := range min(count, len(accepted)) {
		base := g.out[accepted[g.rng.IntN(len(accepted))]]
		g.out = append(g.out, record{
			iface: base.iface, start: base.start, end: base.end,
			malformed: spoilers[kind], base: &base,
		})
	}
}
