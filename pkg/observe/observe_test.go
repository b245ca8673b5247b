package observe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/ctim"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// memorySource is a FlowSource over lines held in memory, with the event
// timestamp taken from each line's end field. It passes every event of a
// window, as an emulator that ignores filter patterns does.
type memorySource struct {
	format flowlog.Format
	events []memoryEvent
	// block, when set, makes Scan wait for the context to end.
	block bool
}

type memoryEvent struct {
	ts   int64
	line []byte
}

func (m *memorySource) Formats(context.Context) ([]flowlog.Format, error) {
	return []flowlog.Format{m.format}, nil
}

func (m *memorySource) Scan(ctx context.Context, q Query, visit Visitor) (ScanStats, error) {
	var st ScanStats
	if m.block {
		<-ctx.Done()
		return st, ctx.Err()
	}
	st.Requests = 1
	for _, e := range m.events {
		if e.ts < q.Window.From.UnixMilli() || e.ts >= q.Window.To.UnixMilli() {
			continue
		}
		st.Events++
		if err := visit(e.ts, e.line); err != nil {
			return st, err
		}
	}
	return st, nil
}

// add appends a default-format record ending end seconds after t0.
func (m *memorySource) add(t0 time.Time, src, dst string, sport, dport, proto int,
	action string, end int) {
	e := t0.Add(time.Duration(end) * time.Second).Unix()
	m.events = append(m.events, memoryEvent{ts: e * 1000, line: fmt.Appendf(nil,
		"2 123456789012 eni-0a1 %s %s %d %d %d 10 840 %d %d %s OK",
		src, dst, sport, dport, proto, e-60, e, action)})
}

// staticInventory is an Inventory over a fixed list of instances.
type staticInventory struct {
	instances []Instance
	networks  []netip.Prefix
}

func (s staticInventory) Holders(_ context.Context,
	addrs []netip.Addr) (map[netip.Addr]Instance, error) {
	out := map[netip.Addr]Instance{}
	for _, in := range s.instances {
		for _, a := range addrs {
			for _, p := range in.PrivateIPs {
				if p == a {
					out[a] = in
				}
			}
			for _, p := range in.PublicIPs {
				if p.Public == a {
					out[a] = in
				}
			}
		}
	}
	return out, nil
}

func (s staticInventory) Networks(context.Context) ([]netip.Prefix, error) {
	return s.networks, nil
}

var (
	now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	t0  = now.Add(-2 * time.Hour)
	web = Instance{ID: "i-0web", Name: "web-1", State: "running",
		PrivateDNSName: "ip-10-0-1-5.ec2.internal",
		PrivateIPs:     []netip.Addr{netip.MustParseAddr("10.0.1.5")},
		PublicIPs: []PublicIP{{Public: netip.MustParseAddr("54.1.2.3"),
			Private: netip.MustParseAddr("10.0.1.5"), Elastic: true}}}
	inventory = staticInventory{instances: []Instance{web},
		networks: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}}
)

func request(subjects ...string) Request {
	r := Request{Now: now, Lookback: 24 * time.Hour, Region: "us-east-1",
		LogGroup: "flows"}
	for _, s := range subjects {
		r.Subjects = append(r.Subjects, ctim.Observable{Type: "ip", Value: s})
	}
	return r
}

// traffic is a small mixed data set around web-1.
func traffic() *memorySource {
	m := &memorySource{format: flowlog.DefaultFormat}
	m.add(t0, "203.0.113.9", "10.0.1.5", 50000, 443, 6, "ACCEPT", 0)
	m.add(t0, "203.0.113.9", "10.0.1.5", 50001, 443, 6, "ACCEPT", 600)
	m.add(t0, "10.0.1.5", "203.0.113.9", 443, 50000, 6, "ACCEPT", 600)
	m.add(t0, "198.51.100.7", "10.0.1.5", 40000, 22, 6, "REJECT", 1200)
	m.add(t0, "10.0.1.5", "10.0.2.9", 41000, 5432, 6, "ACCEPT", 1800)
	m.add(t0, "10.0.1.50", "10.0.2.9", 41000, 5432, 6, "ACCEPT", 1800)
	m.events = append(m.events,
		memoryEvent{ts: t0.UnixMilli() + 1, line: []byte("2 123 eni-0a1 - - - - - - - 1 2 - NODATA")},
		memoryEvent{ts: t0.UnixMilli() + 2, line: []byte("2 123 eni-0a1 10.0.1.5 garbage")})
	return m
}

func TestRunGroupsByPeerDirectionAndAction(t *testing.T) {
	res, err := Run(context.Background(), inventory, traffic(), request("10.0.1.5"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range res.Sightings {
		rel := s.Relations[0]
		got[rel.Relation+" "+rel.Related.Value+" "+s.Resolution] = s.Count
	}
	want := map[string]int{
		"Connected_From 203.0.113.9 allowed":  2,
		"Connected_To 203.0.113.9 allowed":    1,
		"Connected_From 198.51.100.7 blocked": 1,
		"Connected_To 10.0.2.9 allowed":       1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sightings\n got %v\nwant %v", got, want)
	}
	if res.Counts.NoData != 1 || res.Counts.Malformed != 1 {
		t.Errorf("counts: nodata %d malformed %d, want 1 and 1",
			res.Counts.NoData, res.Counts.Malformed)
	}
	validate(t, res.Sightings)
}

func TestRunSightingDetails(t *testing.T) {
	res, err := Run(context.Background(), inventory, traffic(), request("10.0.1.5"))
	if err != nil {
		t.Fatal(err)
	}
	s := find(t, res.Sightings, "Connected_From", "203.0.113.9")
	start, end := t0.Add(-60*time.Second), t0.Add(600*time.Second)
	if !s.ObservedTime.StartTime.Std().Equal(start) || !s.ObservedTime.EndTime.Std().Equal(end) {
		t.Errorf("observed %v..%v, want %v..%v", s.ObservedTime.StartTime,
			*s.ObservedTime.EndTime, start, end)
	}
	info := s.Relations[0].RelationInfo
	if fmt.Sprint(info["interfaces"]) != "[eni-0a1]" {
		t.Errorf("interfaces %v, want [eni-0a1]", info["interfaces"])
	}
	if info["packets"] != int64(20) || info["bytes"] != int64(1680) {
		t.Errorf("relation info %v, want 20 packets and 1680 bytes", info)
	}
	if s.Internal {
		t.Error("traffic from the internet is marked internal")
	}
	if len(s.Targets) != 1 || !hasObservable(s.Targets[0].Observables, "device", "i-0web") {
		t.Errorf("targets %+v, want web-1 with its instance id", s.Targets)
	}
	if s.Data.RowCount != 1 || s.Data.Rows[0][1] != int32(443) {
		t.Errorf("data rows %v, want one row for port 443", s.Data.Rows)
	}
	internal := find(t, res.Sightings, "Connected_To", "10.0.2.9")
	if !internal.Internal {
		t.Error("traffic inside the VPC is not marked internal")
	}
}

func TestRunSearchesElasticIPAsPrivate(t *testing.T) {
	res, err := Run(context.Background(), inventory, traffic(), request("54.1.2.3"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sightings) != 4 {
		t.Fatalf("got %d sightings for the Elastic IP, want the 4 of its private IP",
			len(res.Sightings))
	}
	rels := res.Sightings[0].Relations
	if len(rels) != 2 || rels[1].Related.Value != "10.0.1.5" {
		t.Errorf("relations %+v, want a relation to the private IP", rels)
	}
	if res.Sightings[0].Observables[0].Value != "54.1.2.3" {
		t.Errorf("observable %v, want the asked Elastic IP", res.Sightings[0].Observables)
	}
}

func TestRunLimits(t *testing.T) {
	tests := []struct {
		name   string
		limits Limits
		hide   bool
		want   int
	}{
		{"no limits", Limits{}, false, 4},
		{"total", Limits{Total: 2}, false, 2},
		{"ingress", Limits{Ingress: 1}, false, 3},
		{"egress", Limits{Egress: 1}, false, 3},
		{"hide blocked", Limits{}, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request("10.0.1.5")
			req.Limits, req.HideBlocked = tt.limits, tt.hide
			res, err := Run(context.Background(), inventory, traffic(), req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Sightings) != tt.want {
				t.Errorf("got %d sightings, want %d", len(res.Sightings), tt.want)
			}
		})
	}
}

func TestRunLimitKeepsNewest(t *testing.T) {
	req := request("10.0.1.5")
	req.Limits = Limits{Total: 1}
	res, err := Run(context.Background(), inventory, traffic(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Sightings[0].Relations[0].Related.Value; got != "10.0.2.9" {
		t.Errorf("kept the sighting with %s, want the newest, with 10.0.2.9", got)
	}
}

func TestRunPacketAddresses(t *testing.T) {
	f, err := flowlog.ParseFormat("${srcaddr} ${dstaddr} ${pkt-srcaddr} " +
		"${pkt-dstaddr} ${dstport} ${protocol} ${start} ${end} ${action}")
	if err != nil {
		t.Fatal(err)
	}
	e := t0.Unix()
	m := &memorySource{format: f, events: []memoryEvent{
		{e * 1000, fmt.Appendf(nil, "10.0.0.9 52.9.9.9 10.0.1.5 52.9.9.9 443 6 %d %d ACCEPT", e-60, e)},
	}}
	res, err := Run(context.Background(), inventory, m, request("10.0.1.5"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sightings) != 1 || res.Sightings[0].Relations[0].Related.Value != "52.9.9.9" {
		t.Errorf("got %+v, want one sighting to 52.9.9.9 through the NAT", res.Sightings)
	}
}

func TestRunOutOfTimeIsPartial(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), reserve+50*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, inventory, &memorySource{format: flowlog.DefaultFormat,
		block: true}, request("10.0.1.5"))
	if err != nil {
		t.Fatalf("got error %v, want partial results", err)
	}
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "partial") {
		t.Errorf("warnings %q, want one saying the results are partial", res.Warnings)
	}
}

func TestRunEvictsOldestGroups(t *testing.T) {
	m := &memorySource{format: flowlog.DefaultFormat}
	for i := range 50 {
		m.add(t0, "10.0.1.5", fmt.Sprintf("192.0.2.%d", i+1), 40000, 80, 6, "ACCEPT", i*60)
	}
	req := request("10.0.1.5")
	req.MaxGroups, req.Parallel = 10, 1
	res, err := Run(context.Background(), inventory, m, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sightings) != 10 || res.Evicted != 40 || len(res.Truncations) != 1 {
		t.Fatalf("got %d sightings and %d evicted, want 10 and 40",
			len(res.Sightings), res.Evicted)
	}
	if got := res.Sightings[0].Relations[0].Related.Value; got != "192.0.2.50" {
		t.Errorf("newest kept peer %s, want 192.0.2.50", got)
	}
}

func TestSplitCoversWindow(t *testing.T) {
	w := Window{From: now.Add(-7 * 24 * time.Hour), To: now}
	parts := w.Split(4)
	if len(parts) != 4 || parts[0].To != w.To || parts[3].From != w.From {
		t.Fatalf("split %v, want 4 windows from %v to %v", parts, w.From, w.To)
	}
	for i := 1; i < len(parts); i++ {
		if parts[i].To != parts[i-1].From {
			t.Errorf("gap between window %d and %d", i-1, i)
		}
	}
}

// validate checks every sighting against the CTIM rules.
func validate(t *testing.T, docs []ctim.Sighting) {
	t.Helper()
	for i, d := range docs {
		raw, _ := json.Marshal(d)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		for _, v := range ctim.Validate(m) {
			t.Errorf("sighting %d: %v", i, v)
		}
	}
}

func find(t *testing.T, docs []ctim.Sighting, relation, peer string) ctim.Sighting {
	t.Helper()
	for _, d := range docs {
		if d.Relations[0].Relation == relation && d.Relations[0].Related.Value == peer {
			return d
		}
	}
	t.Fatalf("no %s %s sighting", relation, peer)
	return ctim.Sighting{}
}

func hasObservable(list []ctim.Observable, typ, value string) bool {
	for _, o := range list {
		if o.Type == typ && o.Value == value {
			return true
		}
	}
	return false
}

func TestBusySubjectDoesNotCrowdOutQuietOne(t *testing.T) {
	m := &memorySource{format: flowlog.DefaultFormat}
	for i := range 50 {
		m.add(t0, "10.0.1.5", fmt.Sprintf("192.0.2.%d", i+1), 40000, 80, 6, "ACCEPT", 3000+i)
	}
	for i := range 3 {
		m.add(t0, "10.0.2.9", fmt.Sprintf("198.51.100.%d", i+1), 40000, 80, 6, "ACCEPT", i)
	}
	req := request("10.0.1.5", "10.0.2.9")
	req.MaxGroups, req.Parallel = 20, 1
	res, err := Run(context.Background(), inventory, m, req)
	if err != nil {
		t.Fatal(err)
	}
	quiet := 0
	for _, s := range res.Sightings {
		if s.Observables[0].Value == "10.0.2.9" {
			quiet++
		}
	}
	if quiet != 3 {
		t.Errorf("the quiet subject kept %d of its 3 sightings", quiet)
	}
	if len(res.Truncations) != 1 || !strings.HasPrefix(res.Truncations[0], "10.0.1.5:") {
		t.Errorf("truncations %q, want one naming the busy subject", res.Truncations)
	}
}

func TestSplitKeepsAWindowTooShortToCut(t *testing.T) {
	w := Window{From: now.Add(-2 * time.Nanosecond), To: now}
	if parts := w.Split(4); len(parts) != 1 || parts[0] != w {
		t.Errorf("Split(4) of a 2 ns window = %v, want the window whole", parts)
	}
}
