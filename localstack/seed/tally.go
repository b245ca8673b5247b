package seed

import (
	"maps"
	"slices"
	"time"
)

// tally counts one log group's records into its LogGroup and into the
// statistics of the query addresses.
type tally struct {
	layout layout
	now    time.Time
	group  *LogGroup
	// byIP holds, for each address the queries look for in records, one
	// accumulator per day.
	byIP map[string][]*dayTally
}

// dayTally accumulates one address's statistics over one day.
type dayTally struct {
	records, accepted, rejected int
	peers                       map[peerKey]*peerTally
}

// peerTally accumulates one peer group.
type peerTally struct {
	stats     PeerStats
	ports     map[int]bool
	protocols map[int]bool
}

// newTally prepares the counting of one group for the given addresses.
func newTally(l layout, now time.Time, days int, g *LogGroup, ips []string) *tally {
	t := &tally{layout: l, now: now, group: g, byIP: map[string][]*dayTally{}}
	for _, ip := range ips {
		t.byIP[ip] = make([]*dayTally, days)
		for d := range days {
			t.byIP[ip][d] = &dayTally{peers: map[peerKey]*peerTally{}}
		}
	}
	g.Days = make([]GroupDay, days)
	for d := range days {
		g.Days[d].From, g.Days[d].To = dayBounds(now, d)
	}
	return t
}

// dayOf returns the index of the day holding end, or false when end lies
// outside the seeded period.
func (t *tally) dayOf(end int64) (int, bool) {
	age := t.now.Unix() - end
	d := int(age / secondsPerDay)
	return d, age > 0 && d < len(t.group.Days)
}

// add counts one line.
func (t *tally) add(r record) {
	d, ok := t.dayOf(r.end)
	if !ok {
		return
	}
	day := &t.group.Days[d]
	t.group.Lines++
	day.Lines++
	switch {
	case r.malformed != nil:
		day.Malformed++
	case r.status == statusNoData:
		day.NoData++
	case r.status == statusSkipData:
		day.SkipData++
	default:
		day.Records++
		countFlow(day, r)
		t.addFlow(d, r)
	}
}

// countFlow adds a flow record to the direction and action counts.
func countFlow(day *GroupDay, r record) {
	switch {
	case r.direction == "ingress" && r.action == actionAccept:
		day.IngressAccepted++
	case r.direction == "ingress":
		day.IngressRejected++
	case r.action == actionAccept:
		day.EgressAccepted++
	default:
		day.EgressRejected++
	}
}

// addFlow adds a flow record to every query address it carries.
func (t *tally) addFlow(d int, r record) {
	addrs := []string{r.srcAddr, r.dstAddr}
	if t.layout.has("pkt-srcaddr") {
		addrs = append(addrs, r.pktSrc)
	}
	if t.layout.has("pkt-dstaddr") {
		addrs = append(addrs, r.pktDst)
	}
	slices.Sort(addrs)
	for _, ip := range slices.Compact(addrs) {
		if days, ok := t.byIP[ip]; ok {
			days[d].add(t.orient(r, ip), r)
		}
	}
}

// orient returns the peer group of r seen from ip, as PeerStats describes.
func (t *tally) orient(r record, ip string) peerKey {
	hasPktSrc := t.layout.has("pkt-srcaddr")
	hasPktDst := t.layout.has("pkt-dstaddr")
	if r.srcAddr == ip || hasPktSrc && r.pktSrc == ip {
		peer := r.dstAddr
		if hasPktDst && r.pktDst != "-" {
			peer = r.pktDst
		}
		return peerKey{peer, DirectionOut, r.action}
	}
	peer := r.srcAddr
	if hasPktSrc && r.pktSrc != "-" {
		peer = r.pktSrc
	}
	return peerKey{peer, DirectionIn, r.action}
}

// add counts r into the peer group k.
func (d *dayTally) add(k peerKey, r record) {
	d.records++
	if r.action == actionAccept {
		d.accepted++
	} else {
		d.rejected++
	}
	p, ok := d.peers[k]
	if !ok {
		p = &peerTally{
			stats: PeerStats{Peer: k.peer, Direction: k.direction,
				Action: k.action, FirstStart: r.start, LastEnd: r.end},
			ports: map[int]bool{}, protocols: map[int]bool{},
		}
		d.peers[k] = p
	}
	p.stats.Records++
	p.stats.FirstStart = min(p.stats.FirstStart, r.start)
	p.stats.LastEnd = max(p.stats.LastEnd, r.end)
	p.stats.Packets += r.packets
	p.stats.Bytes += r.bytes
	p.ports[r.dstPort] = true
	p.protocols[r.protocol] = true
}

// stats returns the day's statistics with sorted peer groups.
func (d *dayTally) stats() IPStats {
	s := IPStats{Records: d.records, Accepted: d.accepted, Rejected: d.rejected}
	for _, p := range d.peers {
		ps := p.stats
		ps.DstPorts = slices.Sorted(maps.Keys(p.ports))
		ps.Protocols = slices.Sorted(maps.Keys(p.protocols))
		s.Peers = append(s.Peers, ps)
	}
	sortPeers(s.Peers)
	return s
}

// results returns the per-day statistics of one address.
func (t *tally) results(ip string) []IPStats {
	var out []IPStats
	for _, d := range t.byIP[ip] {
		out = append(out, d.stats())
	}
	return out
}
