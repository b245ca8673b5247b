package seed

import (
	"encoding/json"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// expectStats recomputes, from the text of the lines alone, what a
// correct relay reports for ip over lines whose end lies in [from, to).
func expectStats(names []string, events []event, ip string, from, to int64) IPStats {
	var s IPStats
	groups := map[peerKey]*PeerStats{}
	for _, e := range events {
		l := parseLine(names, e.message)
		if l.kind != "ok" || l.num("end") < from || l.num("end") >= to {
			continue
		}
		k, ok := sideOf(l.fields, ip)
		if !ok {
			continue
		}
		s.Records++
		if k.action == "ACCEPT" {
			s.Accepted++
		} else {
			s.Rejected++
		}
		p, ok := groups[k]
		if !ok {
			p = &PeerStats{Peer: k.peer, Direction: k.direction, Action: k.action,
				FirstStart: l.num("start"), LastEnd: l.num("end")}
			groups[k] = p
		}
		p.Records++
		p.FirstStart = min(p.FirstStart, l.num("start"))
		p.LastEnd = max(p.LastEnd, l.num("end"))
		p.Packets += l.num("packets")
		p.Bytes += l.num("bytes")
		p.DstPorts = unionSorted(p.DstPorts, []int{int(l.num("dstport"))})
		p.Protocols = unionSorted(p.Protocols, []int{int(l.num("protocol"))})
	}
	for _, p := range groups {
		s.Peers = append(s.Peers, *p)
	}
	sortPeers(s.Peers)
	return s
}

// sideOf returns the peer group of a record seen from ip, read from its
// fields, or false when ip is not in it.
func sideOf(f map[string]string, ip string) (peerKey, bool) {
	switch {
	case f["srcaddr"] == ip || f["pkt-srcaddr"] == ip:
		peer := cmpOr(f["pkt-dstaddr"], f["dstaddr"])
		return peerKey{peer, DirectionOut, f["action"]}, true
	case f["dstaddr"] == ip || f["pkt-dstaddr"] == ip:
		peer := cmpOr(f["pkt-srcaddr"], f["srcaddr"])
		return peerKey{peer, DirectionIn, f["action"]}, true
	}
	return peerKey{}, false
}

// cmpOr returns the first value that is neither empty nor "-".
func cmpOr(values ...string) string {
	for _, v := range values {
		if v != "" && v != "-" {
			return v
		}
	}
	return ""
}

func TestTruthMatchesRecordedLines(t *testing.T) {
	truth, data := seeded(t, 7, 4000, 400)
	for i, g := range truth.Groups {
		events := allLines(data[i])
		for _, q := range truth.Queries {
			for _, days := range []int{1, 3, truth.Days} {
				from, _ := dayBounds(truth.Now, days-1)
				want := expectStats(g.Fields, events, q.RecordIP, from, truth.Now.Unix())
				got := q.Lookback(g.Name, days)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %s (%s) over %d days:\ngot  %+v\nwant %+v",
						g.Name, q.IP, q.Role, days, brief(got), brief(want))
				}
			}
		}
	}
}

// brief shortens statistics for an error message.
func brief(s IPStats) string {
	b, _ := json.Marshal(s)
	if len(b) > 300 {
		b = append(b[:300], "..."...)
	}
	return string(b)
}

func TestGroupCountsMatchRecordedLines(t *testing.T) {
	truth, data := seeded(t, 7, 3000, 300)
	for i, g := range truth.Groups {
		want := make([]GroupDay, truth.Days)
		for d := range want {
			want[d].From, want[d].To = dayBounds(truth.Now, d)
		}
		for _, e := range allLines(data[i]) {
			d := int((truth.Now.UnixMilli() - e.timestamp) / 1000 / secondsPerDay)
			countLine(&want[d], parseLine(g.Fields, e.message))
		}
		got := slices.Clone(g.Days)
		if !g.has("flow-direction") {
			// The text cannot tell the direction; only the generator knows.
			for d := range got {
				got[d].IngressAccepted, got[d].IngressRejected = 0, 0
				got[d].EgressAccepted, got[d].EgressRejected = 0, 0
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s days:\ngot  %+v\nwant %+v", g.Name, got, want)
		}
		if got, want := g.Lines, []int{3000, 300}[i]; got != want {
			t.Errorf("%s lines: got %d, want %d", g.Name, got, want)
		}
	}
}

// countLine counts one parsed line into a day, as GroupDay documents.
func countLine(day *GroupDay, l line) {
	day.Lines++
	switch l.kind {
	case "malformed":
		day.Malformed++
	case "nodata":
		day.NoData++
	case "skipdata":
		day.SkipData++
	default:
		day.Records++
		key := l.fields["flow-direction"] + " " + l.fields["action"]
		switch key {
		case "ingress ACCEPT":
			day.IngressAccepted++
		case "ingress REJECT":
			day.IngressRejected++
		case "egress ACCEPT":
			day.EgressAccepted++
		case "egress REJECT":
			day.EgressRejected++
		}
	}
}

// has reports whether the group's format carries field.
func (g LogGroup) has(field string) bool { return slices.Contains(g.Fields, field) }

func TestLookbacksDiffer(t *testing.T) {
	truth, _ := seeded(t, 3, 5000, 250)
	custom := truth.CustomGroup().Name
	db, _ := truth.Instance(RoleDB)
	web, _ := truth.Instance(RoleWeb)
	tests := []struct {
		name             string
		ip               string
		day, week        int
		dayLess, noneDay bool
	}{
		{name: "stopped database", ip: db.PrivateIP, noneDay: true},
		{name: "busy web server", ip: web.PrivateIP, dayLess: true},
		{name: "Elastic IP", ip: web.ElasticIP, dayLess: true},
		{name: "busy peer", ip: truth.Demo.BusyPeer, dayLess: true},
		{name: "IPv6 address", ip: truth.Demo.IPv6, dayLess: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := truth.Query(tt.ip)
			if !ok {
				t.Fatalf("no query for %s", tt.ip)
			}
			day, week := q.Lookback(custom, 1), q.Lookback(custom, truth.Days)
			if week.Records == 0 {
				t.Fatalf("%s has no records over %d days", tt.ip, truth.Days)
			}
			if tt.noneDay && day.Records != 0 {
				t.Errorf("1-day records: got %d, want 0", day.Records)
			}
			if tt.dayLess && !(0 < day.Records && day.Records < week.Records) {
				t.Errorf("records: got 1 day %d, %d days %d; want 0 < day < week",
					day.Records, truth.Days, week.Records)
			}
		})
	}
}

func TestUnseenIPHasNoRecords(t *testing.T) {
	truth, data := seeded(t, 5, 2000, 200)
	q, ok := truth.Query(UnseenIP)
	if !ok {
		t.Fatal("no query for the unseen address")
	}
	for i, g := range truth.Groups {
		if got := q.Lookback(g.Name, truth.Days); got.Records != 0 {
			t.Errorf("%s: got %d records, want 0", g.Name, got.Records)
		}
		for _, e := range allLines(data[i]) {
			if strings.Contains(e.message, UnseenIP) {
				t.Errorf("%s carries %s: %s", g.Name, UnseenIP, e.message)
			}
		}
	}
}

func TestWebScannersComeAndGo(t *testing.T) {
	truth, _ := seeded(t, 11, 6000, 300)
	q, _ := truth.Query(truth.Demo.BusyPrivateIP)
	custom := truth.CustomGroup().Name
	day, week := q.Lookback(custom, 1), q.Lookback(custom, truth.Days)
	missing := 0
	for _, p := range week.Peers {
		if _, ok := day.Peer(p.Peer, p.Direction, p.Action); !ok && p.Action == "REJECT" {
			missing++
		}
	}
	if missing == 0 {
		t.Error("every rejected peer of the week is also seen in the last day")
	}
}

func TestNATRecordsNameTheInternetPeer(t *testing.T) {
	truth, _ := seeded(t, 13, 6000, 3000)
	app, _ := truth.Instance(RoleApp)
	q, _ := truth.Query(app.PrivateIP)
	nat := truth.NATGateway.PrivateIP
	update := netip.MustParsePrefix("203.0.113.96/28")

	custom := q.Lookback(truth.CustomGroup().Name, truth.Days)
	if p, ok := custom.Peer(nat, DirectionOut, "ACCEPT"); ok {
		t.Errorf("custom format: NAT gateway %s is a peer (%d records); "+
			"pkt-dstaddr should name the internet host", nat, p.Records)
	}
	if !hasPeerIn(custom, update) {
		t.Errorf("custom format: no peer in %s among %d peers", update, len(custom.Peers))
	}
	def := q.Lookback(truth.DefaultGroup().Name, truth.Days)
	if _, ok := def.Peer(nat, DirectionOut, "ACCEPT"); !ok {
		t.Errorf("default format: NAT gateway %s is not a peer; without pkt "+
			"fields dstaddr is the gateway", nat)
	}
}

// hasPeerIn reports whether some peer lies in prefix.
func hasPeerIn(s IPStats, prefix netip.Prefix) bool {
	for _, p := range s.Peers {
		if a, err := netip.ParseAddr(p.Peer); err == nil && prefix.Contains(a) {
			return true
		}
	}
	return false
}

func TestGenerationIsDeterministic(t *testing.T) {
	first, firstData := seeded(t, 42, 1000, 100)
	second, secondData := seeded(t, 42, 1000, 100)
	if !reflect.DeepEqual(firstData, secondData) {
		t.Error("same seed: datasets differ")
	}
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(second)
	if string(a) != string(b) {
		t.Error("same seed: truths differ")
	}

	_, otherData := seeded(t, 43, 1000, 100)
	if reflect.DeepEqual(firstData, otherData) {
		t.Error("different seeds: datasets are equal")
	}
}

func TestRecordsLookReal(t *testing.T) {
	truth, data := seeded(t, 9, 3000, 300)
	from, _ := dayBounds(truth.Now, truth.Days-1)
	for i, g := range truth.Groups {
		for stream, events := range data[i].streams {
			if !slices.IsSortedFunc(events, func(a, b event) int {
				return int(a.timestamp - b.timestamp)
			}) {
				t.Errorf("%s/%s: events not sorted by time", g.Name, stream)
			}
			for _, e := range events {
				l := parseLine(g.Fields, e.message)
				if l.kind == "malformed" {
					continue
				}
				if problem := checkLine(l, e, stream, g, from, truth.Now); problem != "" {
					t.Errorf("%s: %s: %s", g.Name, problem, e.message)
				}
			}
		}
	}
}

// checkLine returns what is wrong with one valid line, or "".
func checkLine(
	l line,
	e event,
	stream string,
	g LogGroup,
	from int64,
	now time.Time,
) string {
	start, end := l.num("start"), l.num("end")
	gap := int64(BoundaryGap / time.Second)
	switch {
	case l.fields["interface-id"]+"-all" != stream:
		return "in stream " + stream
	case e.timestamp != end*1000:
		return "event time is not the end"
	case start > end || end-start >= int64(g.AggregationSeconds):
		return "window longer than the aggregation interval"
	case end < from || end >= now.Unix():
		return "outside the seeded period"
	case (now.Unix()-start)%secondsPerDay < gap ||
		(now.Unix()-end)%secondsPerDay > secondsPerDay-gap:
		return "within the gap of a day boundary"
	case l.kind != "ok":
		return ""
	case !slices.Contains([]string{"1", "6", "17"}, l.fields["protocol"]):
		return "unexpected protocol"
	case !slices.Contains([]string{"ACCEPT", "REJECT"}, l.fields["action"]):
		return "unexpected action"
	case g.Kind == FormatCustom &&
		(l.fields["type"] == "IPv6") != strings.Contains(l.fields["srcaddr"], ":"):
		return "type does not match the address family"
	}
	return ""
}

func TestSpecialLinesArePresent(t *testing.T) {
	truth, data := seeded(t, 21, 2000, 200)
	for i, g := range truth.Groups {
		total := g.Total(truth.Days)
		if total.NoData == 0 || total.SkipData == 0 {
			t.Errorf("%s: %d NODATA, %d SKIPDATA lines; want some of each",
				g.Name, total.NoData, total.SkipData)
		}
		if total.Malformed != malformedKinds {
			t.Errorf("%s: %d malformed lines, want %d", g.Name, total.Malformed, malformedKinds)
		}
		withAddress := 0
		for _, e := range allLines(data[i]) {
			if parseLine(g.Fields, e.message).kind == "malformed" &&
				strings.Contains(e.message, "10.20.") {
				withAddress++
			}
		}
		if withAddress == 0 {
			t.Errorf("%s: no malformed line carries a VPC address", g.Name)
		}
	}
}

func TestQueryFindsAnySpelling(t *testing.T) {
	truth, _ := seeded(t, 1, 500, 50)
	tests := []struct {
		name, ip string
		found    bool
		role     string
	}{
		{name: "canonical IPv6", ip: "2600:1f18:abcd:ef00::30", found: true, role: QueryIPv6},
		{name: "expanded IPv6", ip: "2600:1f18:abcd:ef00:0:0:0:0030",
			found: true, role: QueryIPv6},
		{name: "Elastic IP", ip: "54.210.1.2", found: true, role: QueryElasticIP},
		{name: "second interface", ip: "10.20.1.20", found: true, role: QuerySecondInterface},
		{name: "not a query", ip: "10.20.9.9"},
		{name: "not an address", ip: "web-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := truth.Query(tt.ip)
			if ok != tt.found || q.Role != tt.role {
				t.Errorf("Query(%q): got %q, %v; want %q, %v", tt.ip, q.Role, ok, tt.role, tt.found)
			}
		})
	}
}

func TestElasticIPCarriesThePrivateAddressStats(t *testing.T) {
	truth, _ := seeded(t, 2, 1000, 100)
	eip, _ := truth.Query(truth.Demo.ElasticIP)
	web, _ := truth.Query(truth.Demo.BusyPrivateIP)
	if eip.RecordIP != web.IP {
		t.Errorf("Elastic IP record address: got %s, want %s", eip.RecordIP, web.IP)
	}
	if !reflect.DeepEqual(eip.Groups, web.Groups) {
		t.Error("Elastic IP statistics differ from its private address's")
	}
}

func TestTruthSurvivesJSON(t *testing.T) {
	truth, _ := seeded(t, 4, 600, 60)
	path := t.TempDir() + "/truth.json"
	if err := truth.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTruth(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, truth) {
		t.Error("truth read back differs from the one written")
	}
	if _, err := ReadTruth(t.TempDir() + "/missing.json"); err == nil {
		t.Error("ReadTruth of a missing file: got no error")
	}
}

func TestSummaryNamesTheQueries(t *testing.T) {
	truth, _ := seeded(t, 4, 600, 60)
	got := truth.Summary()
	wanted := slices.Collect(maps.Keys(map[string]bool{
		truth.CustomGroup().Name: true, truth.DefaultGroup().Name: true,
		truth.Demo.ElasticIP: true, truth.Demo.UnseenIP: true, truth.Demo.IPv6: true,
	}))
	for _, want := range wanted {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}
