package routes_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
	"github.com/aws-vpc-flow-relay/relay/pkg/ctim"
)

// sighting is what the tests read of a sighting.
type sighting struct {
	Count        int `json:"count"`
	Resolution   string
	Internal     bool
	Observables  []ctim.Observable
	ObservedTime struct {
		StartTime ctim.Time `json:"start_time"`
		EndTime   ctim.Time `json:"end_time"`
	} `json:"observed_time"`
	Relations []struct {
		Relation     string
		Related      ctim.Observable
		RelationInfo struct {
			Packets int64 `json:"packets"`
			Bytes   int64 `json:"bytes"`
			Ports   []int `json:"ports"`
			Flows   int64 `json:"flows"`
		} `json:"relation_info"`
	}
	Targets []struct {
		Observables []ctim.Observable
	}
}

// observe asks about one address and returns the sightings, checking
// that the whole answer is valid CTIM.
func observe(t *testing.T, typ, value string, c map[string]any) ([]sighting, reply) {
	t.Helper()
	r := call(t, "POST", "/observe/observables", observables(typ, value), c)
	for _, v := range ctim.ValidateResponse(r.raw) {
		t.Errorf("invalid CTIM: %v", v)
	}
	var data struct {
		Sightings struct {
			Count int        `json:"count"`
			Docs  []sighting `json:"docs"`
		} `json:"sightings"`
	}
	if len(r.Data) > 0 {
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatalf("decode %s: %v", r.raw, err)
		}
	}
	return data.Sightings.Docs, r
}

// key names a sighting the way the truth names a peer group.
func key(s sighting) string {
	dir := seed.DirectionOut
	if s.Relations[0].Relation == "Connected_From" {
		dir = seed.DirectionIn
	}
	action := map[string]string{"allowed": "ACCEPT", "blocked": "REJECT"}[s.Resolution]
	return s.Relations[0].Related.Value + " " + dir + " " + action
}

// matchTruth checks that the sightings hold exactly the truth's groups.
func matchTruth(t *testing.T, docs []sighting, recordIP string, want seed.IPStats) {
	t.Helper()
	got := map[string]sighting{}
	for _, d := range docs {
		got[key(d)] = d
	}
	if len(docs) != len(want.Peers) {
		t.Errorf("got %d sightings, want %d peer groups", len(docs), len(want.Peers))
	}
	for _, p := range want.Peers {
		k := p.Peer + " " + p.Direction + " " + p.Action
		s, ok := got[k]
		if !ok {
			t.Errorf("no sighting for %s", k)
			continue
		}
		info := s.Relations[0].RelationInfo
		gotLine := fmt.Sprintf("count %d first %s last %s packets %d bytes %d",
			s.Count, s.ObservedTime.StartTime, s.ObservedTime.EndTime,
			info.Packets, info.Bytes)
		wantLine := fmt.Sprintf("count %d first %s last %s packets %d bytes %d",
			p.Records, ctim.TimeOf(p.First()), ctim.TimeOf(p.Last()), p.Packets, p.Bytes)
		if gotLine != wantLine {
			t.Errorf("%s:\n got %s\nwant %s", k, gotLine, wantLine)
		}
		if want := inVPC(recordIP) && inVPC(p.Peer); s.Internal != want {
			t.Errorf("%s: internal %v, want %v", k, s.Internal, want)
		}
		if len(p.DstPorts) <= 16 && !sameInts(info.Ports, p.DstPorts) {
			t.Errorf("%s: ports %v, want %v", k, info.Ports, p.DstPorts)
		}
	}
}

// inVPC reports whether ip lies in the seeded VPC's IPv4 or IPv6 range.
func inVPC(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, c := range []string{truth.VPC.CIDR, truth.VPC.IPv6CIDR} {
		if p, err := netip.ParsePrefix(c); err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}

func sameInts(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestObserveMatchesTruthForEveryQueryAddress(t *testing.T) {
	needEmulator(t)
	for _, group := range truth.Groups {
		for _, q := range truth.Queries {
			t.Run(group.Kind+"/"+q.Role+"/"+q.IP, func(t *testing.T) {
				typ := "ip"
				if strings.Contains(q.IP, ":") {
					typ = "ipv6"
				}
				docs, r := observe(t, typ, q.IP, claims(map[string]any{
					"LOG_GROUP": group.Name}))
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %+v", r.Errors)
				}
				matchTruth(t, docs, q.RecordIP, q.Lookback(group.Name, 7))
			})
		}
	}
}

func TestObserveLookbackOneDay(t *testing.T) {
	needEmulator(t)
	ip := truth.Demo.BusyPrivateIP
	q, _ := truth.Query(ip)
	group := truth.CustomGroup().Name
	one, _ := observe(t, "ip", ip, claims(map[string]any{"LOOKBACK": "1"}))
	matchTruth(t, one, q.RecordIP, q.Lookback(group, 1))
	week, _ := observe(t, "ip", ip, claims(nil))
	if total(one) >= total(week) {
		t.Errorf("one day has %d records and seven days %d; want fewer in one day",
			total(one), total(week))
	}
}

func TestObserveElasticIPMapsToInstance(t *testing.T) {
	needEmulator(t)
	web, _ := truth.Instance(seed.RoleWeb)
	docs, _ := observe(t, "ip", truth.Demo.ElasticIP, claims(nil))
	if len(docs) == 0 {
		t.Fatal("no sightings for the Elastic IP")
	}
	d := docs[0]
	if d.Observables[0].Value != truth.Demo.ElasticIP {
		t.Errorf("observable %v, want the Elastic IP asked", d.Observables)
	}
	rel := d.Relations[len(d.Relations)-1]
	if rel.Related.Value != web.PrivateIP {
		t.Errorf("last relation %+v, want one to the private IP %s", rel, web.PrivateIP)
	}
	if !slices.Contains(d.Targets[0].Observables, ctim.Observable{Type: "device",
		Value: web.ID}) {
		t.Errorf("target %+v, want instance %s", d.Targets, web.ID)
	}
}

func TestObserveUnseenIPIsEmpty(t *testing.T) {
	needEmulator(t)
	docs, r := observe(t, "ip", truth.Demo.UnseenIP, claims(nil))
	if len(docs) != 0 || len(r.Errors) != 0 || !strings.Contains(string(r.raw), `"count":0`) {
		t.Errorf("got %s, want an empty sightings list and no errors", r.raw)
	}
}

func TestObserveLimits(t *testing.T) {
	needEmulator(t)
	ip := truth.Demo.BusyPrivateIP
	all, _ := observe(t, "ip", ip, claims(nil))
	tests := []struct {
		name string
		conf map[string]any
		keep func(sighting) bool
		most int
	}{
		{"LIMIT", map[string]any{"LIMIT": 3}, nil, 3},
		{"INGRESS-FLOWS", map[string]any{"INGRESS-FLOWS": "2"},
			func(s sighting) bool { return s.Relations[0].Relation == "Connected_From" }, 2},
		{"EGRESS-FLOWS", map[string]any{"EGRESS-FLOWS": 1},
			func(s sighting) bool { return s.Relations[0].Relation == "Connected_To" }, 1},
		{"HIDE_BLOCKED", map[string]any{"HIDE_BLOCKED": true},
			func(s sighting) bool { return s.Resolution == "blocked" }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, _ := observe(t, "ip", ip, claims(tt.conf))
			n := len(docs)
			if tt.keep != nil {
				n = count(docs, tt.keep)
			}
			if n > tt.most || len(docs) == 0 {
				t.Fatalf("got %d matching of %d sightings, want at most %d",
					n, len(docs), tt.most)
			}
			if tt.name == "LIMIT" && len(all) > 0 && key(docs[0]) != key(all[0]) {
				t.Errorf("kept %s first, want the newest, %s", key(docs[0]), key(all[0]))
			}
		})
	}
}

func total(docs []sighting) int {
	n := 0
	for _, d := range docs {
		n += d.Count
	}
	return n
}

func count(docs []sighting, keep func(sighting) bool) int {
	n := 0
	for _, d := range docs {
		if keep(d) {
			n++
		}
	}
	return n
}
