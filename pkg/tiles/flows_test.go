package tiles

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

func TestFlowTotalsCount(t *testing.T) {
	format, err := flowlog.ParseFormat("${version} ${srcaddr} ${dstaddr} " +
		"${pkt-srcaddr} ${pkt-dstaddr} ${action} ${log-status}")
	if err != nil {
		t.Fatal(err)
	}
	internal := Networks{netip.MustParsePrefix("10.0.0.0/16"),
		netip.MustParsePrefix("2600:1f18:1::/56")}
	lines := []string{
		"5 198.51.100.7 10.0.1.5 198.51.100.7 10.0.1.5 ACCEPT OK",       // ingress allowed
		"5 198.51.100.7 10.0.1.5 198.51.100.7 10.0.1.5 REJECT OK",       // ingress blocked
		"5 10.0.1.5 203.0.113.9 10.0.1.5 203.0.113.9 ACCEPT OK",         // egress allowed
		"5 2600:1f18:1::5 2001:db8::1 - - REJECT OK",                    // egress blocked
		"5 10.0.9.9 198.51.100.7 10.0.1.5 198.51.100.7 ACCEPT OK",       // egress via NAT
		"5 198.51.100.7 10.0.1.5 198.51.100.7 54.1.2.3 ACCEPT OK",       // to a public IP
		"5 10.0.1.5 10.0.2.6 10.0.1.5 10.0.2.6 ACCEPT OK",               // internal
		"5 198.51.100.7 203.0.113.9 198.51.100.7 203.0.113.9 ACCEPT OK", // external
		"5 - - - - - NODATA",
		"5 - - - - - SKIPDATA",
		"5 10.0.1.5 203.0.113.9 10.0.1.5 203.0.113.9 - OK",
	}
	var got FlowTotals
	var rec flowlog.Record
	for _, l := range lines {
		if err := format.Parse([]byte(l), &rec); err != nil {
			t.Fatalf("parse %q: %v", l, err)
		}
		got.Count(&rec, internal)
	}
	want := FlowTotals{IngressAllowed: 2, IngressBlocked: 1, EgressAllowed: 2,
		EgressBlocked: 1, Internal: 1, External: 1, NoData: 1, SkipData: 1,
		NoAction: 1}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	var sum FlowTotals
	sum.Add(got)
	sum.Add(got)
	if sum.IngressAllowed != 4 || sum.NoAction != 2 {
		t.Errorf("Add: got %+v, want doubled counts", sum)
	}
}

func TestDonut(t *testing.T) {
	d, _ := Find(IDVPCFlows)
	w, _ := d.Period(Last7Days, reportNow)
	data := FlowTotals{IngressAllowed: 5, IngressBlocked: 2, EgressAllowed: 9}.Donut(w)
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Labels [][]string  `json:"labels"`
		Data   []DonutItem `json:"data"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := []DonutItem{
		{Key: 0, Value: 7, Segments: []Segment{{0, 5}, {1, 2}}},
		{Key: 1, Value: 9, Segments: []Segment{{0, 9}, {1, 0}}},
	}
	if len(got.Labels) != 2 || got.Labels[0][0] != "Ingress" || got.Labels[1][1] != "Blocked" {
		t.Errorf("labels: got %v", got.Labels)
	}
	gotJSON, _ := json.Marshal(got.Data)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("data: got %s, want %s", gotJSON, wantJSON)
	}
}
