package tiles

import (
	"net/netip"

	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// FlowTotals counts flow log records by direction and action.
type FlowTotals struct {
	IngressAllowed, IngressBlocked int64
	EgressAllowed, EgressBlocked   int64
	// Internal counts records between two internal addresses, and
	// External records between two external ones; neither is in a ring.
	Internal, External int64
	// NoData and SkipData count records without traffic or with lost
	// records; NoAction counts traffic records without an action.
	// Malformed counts lines that fit no format.
	NoData, SkipData, NoAction, Malformed int64
}

// Add sums o into t.
func (t *FlowTotals) Add(o FlowTotals) {
	t.IngressAllowed += o.IngressAllowed
	t.IngressBlocked += o.IngressBlocked
	t.EgressAllowed += o.EgressAllowed
	t.EgressBlocked += o.EgressBlocked
	t.Internal += o.Internal
	t.External += o.External
	t.NoData += o.NoData
	t.SkipData += o.SkipData
	t.NoAction += o.NoAction
	t.Malformed += o.Malformed
}

// Networks tells internal addresses from external ones.
type Networks []netip.Prefix

// Contains reports whether a is valid and inside one of the ranges.
func (n Networks) Contains(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap()
	for _, p := range n {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Count adds one parsed record to t. A side of the flow is internal when
// its interface address or its packet-level address is: traffic to an
// instance's public IP or through a NAT gateway still has an internal
// address on the VPC's side. Ingress is external to internal, egress
// internal to external.
func (t *FlowTotals) Count(r *flowlog.Record, internal Networks) {
	switch {
	case r.LogStatus == flowlog.StatusNoData:
		t.NoData++
		return
	case r.LogStatus == flowlog.StatusSkipData:
		t.SkipData++
		return
	case r.Action == flowlog.ActionUnknown:
		t.NoAction++
		return
	}
	src := internal.Contains(r.SrcAddr) || internal.Contains(r.PktSrcAddr)
	dst := internal.Contains(r.DstAddr) || internal.Contains(r.PktDstAddr)
	allowed := r.Action == flowlog.ActionAccept
	switch {
	case src && dst:
		t.Internal++
	case !src && !dst:
		t.External++
	case dst && allowed:
		t.IngressAllowed++
	case dst:
		t.IngressBlocked++
	case allowed:
		t.EgressAllowed++
	default:
		t.EgressBlocked++
	}
}

// Donut labels: rings, then segments.
var donutLabels = [][]string{{"Ingress", "Egress"}, {"Allowed", "Blocked"}}

// Donut returns the flow tile's data over w.
func (t FlowTotals) Donut(w Window) Data {
	ring := func(key int, allowed, blocked int64) DonutItem {
		return DonutItem{Key: key, Value: allowed + blocked,
			Segments: []Segment{{Key: 0, Value: allowed}, {Key: 1, Value: blocked}}}
	}
	d := NewData(w, []DonutItem{
		ring(0, t.IngressAllowed, t.IngressBlocked),
		ring(1, t.EgressAllowed, t.EgressBlocked),
	})
	d.Labels = donutLabels
	return d
}
