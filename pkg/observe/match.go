package observe

import (
	"net/netip"

	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// Direction says which way a flow went, seen from the subject.
type Direction uint8

const (
	// Outbound flows have the subject as their source.
	Outbound Direction = iota + 1
	// Inbound flows have the subject as their destination.
	Inbound
)

// String returns "outbound" or "inbound".
func (d Direction) String() string {
	if d == Outbound {
		return "outbound"
	}
	return "inbound"
}

// hit is one subject's part in one record.
type hit struct {
	subject int32
	dir     Direction
	peer    netip.Addr
}

// matcher finds the subjects a record involves. owner maps every address
// a subject appears as in flow logs to the subject's index.
type matcher struct {
	owner    map[netip.Addr]int32
	list     []netip.Addr
	subjects int
}

// newMatcher indexes the addresses of each subject.
func newMatcher(subjects []Subject) matcher {
	m := matcher{owner: map[netip.Addr]int32{}, subjects: len(subjects)}
	for i, s := range subjects {
		for _, a := range s.SearchAs {
			if _, taken := m.owner[a]; !taken {
				m.owner[a] = int32(i)
				m.list = append(m.list, a)
			}
		}
	}
	return m
}

// match returns the hits of r in out and how many there are: at most one
// per side. A record between two subjects is a hit for each of them.
func (m matcher) match(r *flowlog.Record, out *[2]hit) int {
	n := 0
	src, srcOK := m.side(r.SrcAddr, r.PktSrcAddr)
	dst, dstOK := m.side(r.DstAddr, r.PktDstAddr)
	if srcOK {
		if peer := peerOf(r.DstAddr, r.PktDstAddr, m, src); peer.IsValid() {
			out[n] = hit{subject: src, dir: Outbound, peer: peer}
			n++
		}
	}
	if dstOK && (!srcOK || dst != src) {
		if peer := peerOf(r.SrcAddr, r.PktSrcAddr, m, dst); peer.IsValid() {
			out[n] = hit{subject: dst, dir: Inbound, peer: peer}
			n++
		}
	}
	return n
}

// side returns the subject that the interface address or the packet
// address of one side of a record belongs to.
func (m matcher) side(addr, pkt netip.Addr) (int32, bool) {
	if addr.IsValid() {
		if s, ok := m.owner[addr]; ok {
			return s, true
		}
	}
	if pkt.IsValid() && pkt != addr {
		if s, ok := m.owner[pkt]; ok {
			return s, true
		}
	}
	return 0, false
}

// peerOf returns the address of the other side of a record: the original
// packet address when the record has one that is not the subject's own
// (traffic through a NAT gateway or a transit gateway), else the interface
// address.
func peerOf(addr, pkt netip.Addr, m matcher, subject int32) netip.Addr {
	if pkt.IsValid() && pkt != addr {
		if s, ok := m.owner[pkt]; !ok || s != subject {
			return pkt
		}
	}
	return addr
}
