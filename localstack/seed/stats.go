package seed

import (
	"cmp"
	"slices"
	"time"
)

// Kinds of log group, as LogGroup.Kind holds them.
const (
	FormatCustom  = "custom"
	FormatDefault = "default"
)

// Directions of a peer group, seen from the query address.
const (
	// DirectionOut means the query address is the source.
	DirectionOut = "out"
	// DirectionIn means the query address is the destination.
	DirectionIn = "in"
)

// LogGroup describes one log group and counts what was written to it.
type LogGroup struct {
	Name string `json:"name"`
	// Kind is FormatCustom or FormatDefault.
	Kind string `json:"kind"`
	// Format is the flow log's LogFormat as DescribeFlowLogs reports it.
	Format string `json:"format"`
	// Fields are the format's field names in order, without ${}.
	Fields    []string `json:"fields"`
	FlowLogID string   `json:"flow_log_id"`
	// AggregationSeconds is the flow log's MaxAggregationInterval.
	AggregationSeconds int `json:"aggregation_seconds"`
	// Streams names one log stream per network interface.
	Streams []string `json:"streams"`
	// Lines counts every event written, valid or not.
	Lines int `json:"lines"`
	// Days holds the counts of each day; Days[0] is the newest.
	Days []GroupDay `json:"days"`
}

// GroupDay counts the lines of one log group whose event time lies in one
// day of the seeded period.
type GroupDay struct {
	// From and To bound the day: [From, To), Unix seconds.
	From int64 `json:"from"`
	To   int64 `json:"to"`
	// Lines counts every event, valid or not.
	Lines int `json:"lines"`
	// Records counts valid flow records (log-status OK).
	Records int `json:"records"`
	// The four flow counts split Records by the flow's direction at the
	// interface and by action. The default format does not carry the
	// direction; the generator knows it.
	IngressAccepted int `json:"ingress_accepted"`
	IngressRejected int `json:"ingress_rejected"`
	EgressAccepted  int `json:"egress_accepted"`
	EgressRejected  int `json:"egress_rejected"`
	NoData          int `json:"nodata"`
	SkipData        int `json:"skipdata"`
	Malformed       int `json:"malformed"`
}

// Total returns the sum of the group's counts over its first days days.
func (g LogGroup) Total(days int) GroupDay {
	var sum GroupDay
	for i, d := range g.Days {
		if i >= days {
			break
		}
		if i == 0 {
			sum.To = d.To
		}
		sum.From = d.From
		sum.Lines += d.Lines
		sum.Records += d.Records
		sum.IngressAccepted += d.IngressAccepted
		sum.IngressRejected += d.IngressRejected
		sum.EgressAccepted += d.EgressAccepted
		sum.EgressRejected += d.EgressRejected
		sum.NoData += d.NoData
		sum.SkipData += d.SkipData
		sum.Malformed += d.Malformed
	}
	return sum
}

// Query roles of addresses that are no instance's primary private address.
const (
	QueryElasticIP       = "elastic-ip"
	QueryIPv6            = "ipv6-address"
	QuerySecondInterface = "second-interface"
	QueryBusyPeer        = "busy-peer"
	QueryUnseen          = "unseen"
)

// Query holds what the records say about one query address.
type Query struct {
	IP string `json:"ip"`
	// Role says why the address is a query: the role of the instance whose
	// primary private address it is, or one of the Query roles.
	Role string `json:"role"`
	// RecordIP is the address the records carry for IP. It differs from IP
	// only for the Elastic IP: flow logs show the instance's private
	// address for traffic to its public one.
	RecordIP string `json:"record_ip"`
	// InstanceID names the instance holding the address, if any.
	InstanceID string `json:"instance_id,omitempty"`
	// Groups maps a log group name to that group's statistics per day;
	// element 0 is the newest day.
	Groups map[string][]IPStats `json:"groups"`
}

// Lookback returns the statistics of group over the newest days days,
// which is what a relay with that lookback reproduces. An unknown group
// gives zero statistics.
func (q Query) Lookback(group string, days int) IPStats {
	var sum IPStats
	for i, day := range q.Groups[group] {
		if i >= days {
			break
		}
		sum = sum.merge(day)
	}
	return sum
}

// IPStats counts the valid records of one log group in which an address
// appears as srcaddr, dstaddr, pkt-srcaddr or pkt-dstaddr. NODATA,
// SKIPDATA and malformed lines never count.
type IPStats struct {
	Records  int `json:"records"`
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	// Peers groups the records by peer, direction and action, sorted by
	// those three.
	Peers []PeerStats `json:"peers,omitempty"`
}

// Peer returns the group of records with the given peer, direction and
// action.
func (s IPStats) Peer(peer, direction, action string) (PeerStats, bool) {
	for _, p := range s.Peers {
		if p.Peer == peer && p.Direction == direction && p.Action == action {
			return p, true
		}
	}
	return PeerStats{}, false
}

// PeerStats summarises the records between a query address and one peer
// in one direction with one action.
//
// The query address is on the source side of a record when it equals
// srcaddr or pkt-srcaddr (direction out), else on the destination side
// (direction in). The peer is the other side's packet-level address:
// pkt-dstaddr or pkt-srcaddr when the format has it and it is not "-",
// else dstaddr or srcaddr. Through a NAT gateway that is the internet host,
// not the gateway.
type PeerStats struct {
	Peer      string `json:"peer"`
	Direction string `json:"direction"`
	Action    string `json:"action"`
	Records   int    `json:"records"`
	// FirstStart is the earliest start and LastEnd the latest end, in Unix
	// seconds.
	FirstStart int64 `json:"first_start"`
	LastEnd    int64 `json:"last_end"`
	Packets    int64 `json:"packets"`
	Bytes      int64 `json:"bytes"`
	// DstPorts and Protocols are sorted sets.
	DstPorts  []int `json:"dst_ports"`
	Protocols []int `json:"protocols"`
}

// First returns FirstStart as a time.
func (p PeerStats) First() time.Time { return time.Unix(p.FirstStart, 0).UTC() }

// Last returns LastEnd as a time.
func (p PeerStats) Last() time.Time { return time.Unix(p.LastEnd, 0).UTC() }

// key identifies a peer group.
type peerKey struct {
	peer, direction, action string
}

// key returns the group p belongs to.
func (p PeerStats) key() peerKey {
	return peerKey{p.Peer, p.Direction, p.Action}
}

// merge returns s with o's records added.
func (s IPStats) merge(o IPStats) IPStats {
	out := IPStats{
		Records:  s.Records + o.Records,
		Accepted: s.Accepted + o.Accepted,
		Rejected: s.Rejected + o.Rejected,
	}
	byKey := map[peerKey]PeerStats{}
	for _, p := range slices.Concat(s.Peers, o.Peers) {
		if have, ok := byKey[p.key()]; ok {
			p = have.merge(p)
		}
		byKey[p.key()] = p
	}
	for _, p := range byKey {
		out.Peers = append(out.Peers, p)
	}
	sortPeers(out.Peers)
	return out
}

// merge returns p with o's records added; both belong to one group.
func (p PeerStats) merge(o PeerStats) PeerStats {
	p.Records += o.Records
	p.FirstStart = min(p.FirstStart, o.FirstStart)
	p.LastEnd = max(p.LastEnd, o.LastEnd)
	p.Packets += o.Packets
	p.Bytes += o.Bytes
	p.DstPorts = unionSorted(p.DstPorts, o.DstPorts)
	p.Protocols = unionSorted(p.Protocols, o.Protocols)
	return p
}

// unionSorted returns the sorted union of two sorted sets.
func unionSorted(a, b []int) []int {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// sortPeers orders peer groups by peer, direction and action.
func sortPeers(peers []PeerStats) {
	slices.SortFunc(peers, func(a, b PeerStats) int {
		return cmp.Or(
			cmp.Compare(a.Peer, b.Peer),
			cmp.Compare(a.Direction, b.Direction),
			cmp.Compare(a.Action, b.Action),
		)
	})
}
