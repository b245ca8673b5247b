package observe

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// maxPorts is the most distinct (protocol, port) pairs a group keeps;
// records on further ports are still counted, as OtherPortRecords.
const maxPorts = 16

// maxInterfaces is the most network interface ids a group lists.
const maxInterfaces = 8

// groupKey identifies one sighting: a subject, a peer, a direction and an
// action.
type groupKey struct {
	subject int32
	peer    netip.Addr
	dir     Direction
	action  flowlog.Action
}

// Group sums the records of one subject, peer, direction and action.
type Group struct {
	Subject   int
	Peer      netip.Addr
	Direction Direction
	Action    flowlog.Action
	// Records counts the flow records; Packets and Bytes sum theirs.
	Records, Packets, Bytes int64
	// First is the earliest start and Last the latest end, Unix seconds.
	First, Last int64
	// Ports holds up to maxPorts (protocol, port) pairs, by first sight.
	Ports []PortStat
	// OtherPortRecords counts records on ports past the first maxPorts.
	OtherPortRecords int64
	// Interfaces lists up to maxInterfaces ids of the network interfaces
	// that captured the records. Traffic between two logged interfaces is
	// captured by both, so this tells an analyst where each record came
	// from.
	Interfaces []string
}

// PortStat sums a group's records on one protocol and service port. The
// service port is the destination port: the port the subject connected to,
// or the subject's own port that a peer connected to.
type PortStat struct {
	Protocol, Port          int32
	Records, Packets, Bytes int64
	First, Last             int64
}

// aggregator folds hits into groups, keeping at most maxGroups groups
// after each compaction, shared evenly between the subjects so that a busy
// subject cannot crowd out a quiet one.
type aggregator struct {
	groups    map[groupKey]*Group
	maxGroups int
	quota     int
	evicted   map[int32]int64
}

// newAggregator returns an empty aggregator that keeps at most maxGroups
// groups for subjects subjects.
func newAggregator(maxGroups, subjects int) *aggregator {
	return &aggregator{groups: map[groupKey]*Group{}, maxGroups: maxGroups,
		quota: max(1, maxGroups/max(1, subjects)), evicted: map[int32]int64{}}
}

// add folds one record into the group of h. first and last are the
// record's time span in Unix seconds.
func (a *aggregator) add(h hit, r *flowlog.Record, first, last int64) {
	k := groupKey{subject: h.subject, peer: h.peer, dir: h.dir, action: r.Action}
	g := a.groups[k]
	if g == nil {
		g = &Group{Subject: int(h.subject), Peer: h.peer, Direction: h.dir,
			Action: r.Action, First: first, Last: last}
		a.groups[k] = g
		if len(a.groups) >= 2*a.maxGroups {
			a.compact()
		}
	}
	packets, bytes := volume(r)
	g.Records++
	g.Packets += packets
	g.Bytes += bytes
	g.First, g.Last = min(g.First, first), max(g.Last, last)
	if r.Has(flowlog.FieldInterfaceID) {
		g.addInterface(r.InterfaceID)
	}
	g.addPort(PortStat{Protocol: field32(r, flowlog.FieldProtocol, r.Protocol),
		Port: field32(r, flowlog.FieldDstPort, r.DstPort), Records: 1,
		Packets: packets, Bytes: bytes, First: first, Last: last})
}

// addPort folds p into the group's port list.
func (g *Group) addPort(p PortStat) {
	for i := range g.Ports {
		q := &g.Ports[i]
		if q.Protocol == p.Protocol && q.Port == p.Port {
			q.Records += p.Records
			q.Packets += p.Packets
			q.Bytes += p.Bytes
			q.First, q.Last = min(q.First, p.First), max(q.Last, p.Last)
			return
		}
	}
	if len(g.Ports) < maxPorts {
		g.Ports = append(g.Ports, p)
		return
	}
	g.OtherPortRecords += p.Records
}

// addInterface lists an interface id once. Comparing a string with the
// bytes of the record does not allocate; only a new id is copied.
func (g *Group) addInterface(id []byte) {
	for _, known := range g.Interfaces {
		if known == string(id) {
			return
		}
	}
	if len(g.Interfaces) < maxInterfaces {
		g.Interfaces = append(g.Interfaces, string(id))
	}
}

// merge folds the groups of b into a.
func (a *aggregator) merge(b *aggregator) {
	for s, n := range b.evicted {
		a.evicted[s] += n
	}
	for k, g := range b.groups {
		mine := a.groups[k]
		if mine == nil {
			a.groups[k] = g
			continue
		}
		mine.Records += g.Records
		mine.Packets += g.Packets
		mine.Bytes += g.Bytes
		mine.First, mine.Last = min(mine.First, g.First), max(mine.Last, g.Last)
		mine.OtherPortRecords += g.OtherPortRecords
		for _, p := range g.Ports {
			mine.addPort(p)
		}
		for _, id := range g.Interfaces {
			mine.addInterface([]byte(id))
		}
	}
	if len(a.groups) > a.maxGroups {
		a.compact()
	}
}

// compact keeps each subject's quota of groups seen most recently and
// counts the rest as evicted. The answer keeps the newest sightings, so
// the oldest are the ones that can go.
func (a *aggregator) compact() {
	kept := map[int]int{}
	for _, g := range a.sorted() {
		if kept[g.Subject] < a.quota {
			kept[g.Subject]++
			continue
		}
		delete(a.groups, groupKey{subject: int32(g.Subject), peer: g.Peer,
			dir: g.Direction, action: g.Action})
		a.evicted[int32(g.Subject)]++
	}
}

// sorted returns the groups newest first, ties broken by more records.
func (a *aggregator) sorted() []*Group {
	all := make([]*Group, 0, len(a.groups))
	for _, g := range a.groups {
		all = append(all, g)
	}
	slices.SortFunc(all, newestFirst)
	return all
}

// newestFirst orders groups by latest end, then by record count, then by
// peer, direction, action and subject, so that equal groups always come
// in the same order.
func newestFirst(x, y *Group) int {
	return cmp.Or(
		cmp.Compare(y.Last, x.Last),
		cmp.Compare(y.Records, x.Records),
		x.Peer.Compare(y.Peer),
		cmp.Compare(x.Direction, y.Direction),
		cmp.Compare(x.Action, y.Action),
		cmp.Compare(x.Subject, y.Subject),
	)
}

// volume returns the record's packets and bytes, zero when absent.
func volume(r *flowlog.Record) (packets, bytes int64) {
	if r.Has(flowlog.FieldPackets) {
		packets = r.Packets
	}
	if r.Has(flowlog.FieldBytes) {
		bytes = r.Bytes
	}
	return packets, bytes
}

// field32 returns v when r has field f, else -1.
func field32(r *flowlog.Record, f flowlog.Field, v int32) int32 {
	if r.Has(f) {
		return v
	}
	return -1
}
