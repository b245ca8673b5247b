package awsacct

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
	"github.com/aws-vpc-flow-relay/relay/pkg/tiles"
)

// networks parses CIDR blocks.
func networks(cidrs ...string) tiles.Networks {
	var out tiles.Networks
	for _, c := range cidrs {
		out = append(out, netip.MustParsePrefix(c))
	}
	return out
}

// mustFormat parses a LogFormat known to be valid.
func mustFormat(t *testing.T, s string) flowlog.Format {
	t.Helper()
	f, err := flowlog.ParseFormat(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// v5Order is a custom format in an order of its own, with the
// packet-level addresses.
const v5Order = "${flow-direction} ${action} ${pkt-srcaddr} ${srcaddr} " +
	"${pkt-dstaddr} ${dstaddr} ${traffic-path} ${log-status} ${vpc-id}"

func TestFlowQueriesDefaultFormat(t *testing.T) {
	got, err := flowQueries("flows", []flowlog.Format{flowlog.DefaultFormat},
		networks("10.0.0.0/16", "172.31.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	head := `parse @message "* * * * * * * * * * * * * *" as skip1, skip2, ` +
		`skip3, flowSrc, flowDst, skip6, skip7, skip8, skip9, skip10, ` +
		`skip11, skip12, flowAction, flowStatus` + "\n" +
		`| filter flowStatus = "OK" and flowAction in ["ACCEPT", "REJECT"]` + "\n"
	src := `isIpInSubnet(flowSrc, "10.0.0.0/16") or ` +
		`isIpInSubnet(flowSrc, "172.31.0.0/16")`
	dst := `isIpInSubnet(flowDst, "10.0.0.0/16") or ` +
		`isIpInSubnet(flowDst, "172.31.0.0/16")`
	tail := "\n| stats count(*) as flows by flowAction"
	want := []string{
		head + "| filter not (" + src + ") and (" + dst + ")" + tail,
		head + "| filter (" + src + ") and not (" + dst + ")" + tail,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n\n"),
			strings.Join(want, "\n\n"))
	}
}

func TestFlowQueries(t *testing.T) {
	tests := []struct {
		name     string
		formats  []string
		internal tiles.Networks
		has      []string // in the ingress query
		lacks    []string
	}{
		{name: "custom v5 order with packet addresses", formats: []string{v5Order},
			internal: networks("10.0.0.0/16"),
			has: []string{
				`parse @message "* * * * * * * * *" as skip1, flowAction, ` +
					`flowPktSrc, flowSrc, flowPktDst, flowDst, skip7, flowStatus, skip9`,
				`| filter not (isIpInSubnet(flowSrc, "10.0.0.0/16") or ` +
					`isIpInSubnet(flowPktSrc, "10.0.0.0/16")) and ` +
					`(isIpInSubnet(flowDst, "10.0.0.0/16") or ` +
					`isIpInSubnet(flowPktDst, "10.0.0.0/16"))`,
			}},
		{name: "packet addresses only",
			formats:  []string{"${pkt-srcaddr} ${pkt-dstaddr} ${action}"},
			internal: networks("10.0.0.0/16"),
			has: []string{`as flowPktSrc, flowPktDst, flowAction`,
				`| filter flowAction in ["ACCEPT", "REJECT"]` + "\n"},
			lacks: []string{"flowSrc", "flowStatus"}},
		{name: "IPv6 ranges after IPv4", formats: []string{defaultLogFormat()},
			internal: networks("2600:1f18:ab::/56", "10.0.0.0/8"),
			has: []string{`not (isIpInSubnet(flowSrc, "10.0.0.0/8") or ` +
				`isIpInSubnet(flowSrc, "2600:1f18:ab::/56"))`},
			lacks: []string{"flowPkt"}},
		{name: "ranges merged", formats: []string{defaultLogFormat()},
			internal: networks("10.0.0.0/17", "10.0.128.0/17", "10.0.5.0/24",
				"10.0.0.0/16"),
			has: []string{`not (isIpInSubnet(flowSrc, "10.0.0.0/16")) and ` +
				`(isIpInSubnet(flowDst, "10.0.0.0/16"))`},
			lacks: []string{"/17", "/24"}},
		{name: "formats of one layout", formats: []string{defaultLogFormat(),
			strings.Replace(defaultLogFormat(), "${bytes}", "${tcp-flags}", 1)},
			internal: networks("10.0.0.0/16"),
			has:      []string{"skip10, skip11, skip12, flowAction, flowStatus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var formats []flowlog.Format
			for _, f := range tt.formats {
				formats = append(formats, mustFormat(t, f))
			}
			got, err := flowQueries("flows", formats, tt.internal)
			if err != nil || len(got) != 2 {
				t.Fatalf("got %q, %v; want two queries", got, err)
			}
			for _, s := range tt.has {
				if !strings.Contains(got[0], s) {
					t.Errorf("ingress query\n%s\nlacks\n%s", got[0], s)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(got[0]+got[1], s) {
					t.Errorf("queries hold %q:\n%s", s, got[0])
				}
			}
		})
	}
}

// defaultLogFormat is the default format as a LogFormat.
func defaultLogFormat() string { return flowlog.DefaultFormat.String() }

func TestFlowQueriesRefusals(t *testing.T) {
	many := func(n int) tiles.Networks {
		var out tiles.Networks
		for i := range n {
			// Every other /32, so that no two ranges merge.
			a := netip.AddrFrom4([4]byte{10, 0, byte(i / 128), byte(2 * (i % 128))})
			out = append(out, netip.PrefixFrom(a, 32))
		}
		return out
	}
	tests := []struct {
		name     string
		formats  []string
		internal tiles.Networks
		problem  string // empty when the queries are built
	}{
		{name: "under the length limit", formats: []string{defaultLogFormat()},
			internal: many(60)},
		{name: "over the length limit", formats: []string{defaultLogFormat()},
			internal: many(300),
			problem:  "the 300 internal ranges make a Logs Insights query of"},
		{name: "layouts differ", formats: []string{defaultLogFormat(), v5Order},
			internal: networks("10.0.0.0/16"),
			problem:  "use formats that place addresses or actions differently"},
		{name: "no action", formats: []string{"${srcaddr} ${dstaddr} ${bytes}"},
			internal: networks("10.0.0.0/16"),
			problem:  "records no addresses or no action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var formats []flowlog.Format
			for _, f := range tt.formats {
				formats = append(formats, mustFormat(t, f))
			}
			got, err := flowQueries("flows", formats, tt.internal)
			if tt.problem == "" {
				if err != nil || len(got[0]) > maxQueryLength {
					t.Fatalf("got a query of %d characters, %v", len(got[0]), err)
				}
				return
			}
			if failure.KindOf(err) != failure.InvalidArgument ||
				!strings.Contains(failure.MessageOf(err), tt.problem) {
				t.Errorf("got %v (kind %v), want an invalid argument saying %q",
					err, failure.KindOf(err), tt.problem)
			}
		})
	}
}

func TestFlowQueriesWithoutRanges(t *testing.T) {
	got, err := flowQueries("flows", []flowlog.Format{flowlog.DefaultFormat}, nil)
	if got != nil || err != nil {
		t.Errorf("got %q, %v; want no query", got, err)
	}
}

func TestMergeRanges(t *testing.T) {
	tests := []struct {
		name string
		in   tiles.Networks
		want tiles.Networks
	}{
		{"distinct", networks("172.31.0.0/16", "10.0.0.0/16"),
			networks("10.0.0.0/16", "172.31.0.0/16")},
		{"duplicates", networks("10.0.0.0/16", "10.0.0.0/16"), networks("10.0.0.0/16")},
		{"inside a wider one", networks("10.0.1.0/24", "10.0.0.0/8", "10.200.0.0/16"),
			networks("10.0.0.0/8")},
		{"halves", networks("10.0.128.0/17", "10.0.0.0/17"), networks("10.0.0.0/16")},
		{"halves of halves", networks("10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/17"),
			networks("10.0.0.0/16")},
		{"neighbours of different parents", networks("10.0.1.0/24", "10.0.2.0/24"),
			networks("10.0.1.0/24", "10.0.2.0/24")},
		{"IPv6 halves", networks("2600:1f18::/57", "2600:1f18:0:80::/57"),
			networks("2600:1f18::/56")},
		{"families apart", networks("::/1", "0.0.0.0/1"),
			networks("0.0.0.0/1", "::/1")},
		{"host bits", networks("10.0.0.9/16"), networks("10.0.0.0/16")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tiles.Networks(mergeRanges(tt.in))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// insightsServer plays the CloudWatch Logs JSON protocol for StartQuery,
// GetQueryResults and StopQuery. Started queries are named q1, q2...;
// each answers GetQueryResults from its script in turn, repeating the
// last answer. It records every request.
type insightsServer struct {
	mu      sync.Mutex
	scripts map[string][]string
	// refuse answers the nth StartQuery (from 1) with this error body.
	refuse  map[int]string
	started int
	calls   []insightsCall
}

// insightsCall is one request: its operation and its JSON body.
type insightsCall struct {
	op   string
	body map[string]any
}

func (s *insightsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	target := r.Header.Get("X-Amz-Target")
	op := target[strings.LastIndex(target, ".")+1:]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, insightsCall{op, body})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "StartQuery":
		s.started++
		if refusal, ok := s.refuse[s.started]; ok {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, refusal)
			return
		}
		fmt.Fprintf(w, `{"queryId":"q%d"}`, s.started)
	case "GetQueryResults":
		id, _ := body["queryId"].(string)
		script := s.scripts[id]
		answer := `{"status":"Unknown"}`
		if len(script) > 0 {
			answer = script[0]
		}
		if len(script) > 1 {
			s.scripts[id] = script[1:]
		}
		_, _ = io.WriteString(w, answer)
	case "StopQuery":
		_, _ = io.WriteString(w, `{"success":true}`)
	default:
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException"}`)
	}
}

// ops lists the calls of one operation, in order.
func (s *insightsServer) ops(op string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, c := range s.calls {
		if c.op == op {
			out = append(out, c.body)
		}
	}
	return out
}

// stopped lists the ids of the stopped queries.
func (s *insightsServer) stopped() []string {
	var out []string
	for _, b := range s.ops("StopQuery") {
		out = append(out, fmt.Sprint(b["queryId"]))
	}
	return out
}

// status is a GetQueryResults answer without results.
func status(s string) string { return `{"status":"` + s + `","results":[]}` }

// complete is a finished GetQueryResults answer counting accepted and
// rejected flows, with its statistics.
func complete(accepted, rejected int, scanned float64) string {
	return fmt.Sprintf(`{"status":"Complete","results":[`+
		`[{"field":"flowAction","value":"ACCEPT"},{"field":"flows","value":"%d"}],`+
		`[{"field":"flowAction","value":"REJECT"},{"field":"flows","value":"%d"}]],`+
		`"statistics":{"recordsMatched":%d,"recordsScanned":1000,`+
		`"bytesScanned":%g}}`, accepted, rejected, accepted+rejected, scanned)
}

// insightsAccount returns an Account whose Logs client talks to s and
// that reads the group "flows" in the default format.
func insightsAccount(t *testing.T, s *insightsServer) *Account {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	a := accountFor(srv)
	a.formats.groups = map[string][]flowlog.Format{"flows": {flowlog.DefaultFormat}}
	return a
}

// hourAgo is a tile window of the last hour, cut to whole seconds.
func hourAgo() tiles.Window {
	now := time.Now().Truncate(time.Second)
	return tiles.Window{From: now.Add(-time.Hour), To: now}
}

func TestCountFlowsInsightsPollsUntilComplete(t *testing.T) {
	s := &insightsServer{scripts: map[string][]string{
		"q1": {status("Scheduled"), status("Running"), complete(7, 2, 4096)},
		"q2": {status("Running"), complete(11, 0, 1024)},
	}}
	w := hourAgo()
	got, err := insightsAccount(t, s).CountFlowsInsights(context.Background(), "flows",
		w, networks("10.0.0.0/16", "172.31.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}

	want := InsightsCount{Totals: tiles.FlowTotals{IngressAllowed: 7,
		IngressBlocked: 2, EgressAllowed: 11}, Queries: 2,
		RecordsScanned: 2000, RecordsMatched: 20, BytesScanned: 5120}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	starts := s.ops("StartQuery")
	if len(starts) != 2 {
		t.Fatalf("%d StartQuery calls, want 2", len(starts))
	}
	for i, marker := range []string{"| filter not (", ") and not ("} {
		b := starts[i]
		q, _ := b["queryString"].(string)
		if b["logGroupName"] != "flows" || b["startTime"] != float64(w.From.Unix()) ||
			b["endTime"] != float64(w.To.Unix()) {
			t.Errorf("StartQuery %d body %v, want the group and the window in "+
				"epoch seconds", i, b)
		}
		if !strings.HasPrefix(q, `parse @message "* * *`) ||
			!strings.Contains(q, `flowStatus = "OK"`) || !strings.Contains(q, marker) {
			t.Errorf("query %d\n%s\nwant the parse, the status filter and %q", i, q, marker)
		}
	}
	if polls := len(s.ops("GetQueryResults")); polls != 5 {
		t.Errorf("%d GetQueryResults calls, want 5 (3 and 2)", polls)
	}
	if len(s.stopped()) != 0 {
		t.Errorf("stopped %v, want no StopQuery", s.stopped())
	}
}

func TestCountFlowsInsightsNoFlows(t *testing.T) {
	s := &insightsServer{scripts: map[string][]string{
		"q1": {status("Complete")}, "q2": {status("Complete")}}}
	got, err := insightsAccount(t, s).CountFlowsInsights(context.Background(), "flows",
		hourAgo(), networks("10.0.0.0/16"))
	if err != nil || got.Totals != (tiles.FlowTotals{}) || got.Queries != 2 {
		t.Errorf("got %+v, %v; want zero totals from two queries", got, err)
	}
}

func TestCountFlowsInsightsQueryEnds(t *testing.T) {
	tests := []struct {
		status, says string
	}{
		{"Failed", "failed"},
		{"Cancelled", "was cancelled"},
		{"Timeout", "timed out in CloudWatch"},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			s := &insightsServer{scripts: map[string][]string{
				"q1": {status("Running"), status(tt.status)},
				"q2": {status("Running")}}}
			_, err := insightsAccount(t, s).CountFlowsInsights(context.Background(),
				"flows", hourAgo(), networks("10.0.0.0/16"))

			msg := failure.MessageOf(err)
			if failure.KindOf(err) != failure.Upstream || !strings.Contains(msg,
				"the Logs Insights query counting the flows of flows "+tt.says) {
				t.Errorf("got %v (kind %v), want an upstream error saying %q",
					err, failure.KindOf(err), tt.says)
			}
			if !slices.Contains(s.stopped(), "q2") {
				t.Errorf("stopped %v, want q2 stopped", s.stopped())
			}
		})
	}
}

func TestCountFlowsInsightsStopsAtTheDeadline(t *testing.T) {
	s := &insightsServer{scripts: map[string][]string{
		"q1": {status("Running")}, "q2": {status("Running")}}}
	ctx, cancel := context.WithTimeout(context.Background(),
		flowReserve+400*time.Millisecond)
	defer cancel()

	got, err := insightsAccount(t, s).CountFlowsInsights(ctx, "flows", hourAgo(),
		networks("10.0.0.0/16"))

	if failure.KindOf(err) != failure.Upstream ||
		!strings.Contains(failure.MessageOf(err), "did not finish") {
		t.Errorf("got %v (kind %v), want an upstream error saying the count "+
			"did not finish", err, failure.KindOf(err))
	}
	if got != (InsightsCount{}) {
		t.Errorf("got %+v, want no count", got)
	}
	if stopped := s.stopped(); !slices.Equal(stopped, []string{"q1", "q2"}) {
		t.Errorf("stopped %v, want q1 and q2", stopped)
	}
}

func TestCountFlowsInsightsRefusals(t *testing.T) {
	tests := []struct {
		name    string
		refuse  map[int]string
		kind    failure.Kind
		says    string
		stopped []string
	}{
		{name: "missing group", refuse: map[int]string{1: `{"__type":` +
			`"ResourceNotFoundException","message":"Log group does not exist"}`},
			kind: failure.InvalidArgument, says: "log group flows does not exist"},
		{name: "second query denied", refuse: map[int]string{2: `{"__type":` +
			`"AccessDeniedException","message":"not authorized"}`},
			kind: failure.Upstream, says: "AccessDeniedException",
			stopped: []string{"q1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &insightsServer{refuse: tt.refuse}
			_, err := insightsAccount(t, s).CountFlowsInsights(context.Background(),
				"flows", hourAgo(), networks("10.0.0.0/16"))
			if failure.KindOf(err) != tt.kind ||
				!strings.Contains(failure.MessageOf(err), tt.says) {
				t.Errorf("got %v (kind %v), want kind %v saying %q", err,
					failure.KindOf(err), tt.kind, tt.says)
			}
			if !slices.Equal(s.stopped(), tt.stopped) {
				t.Errorf("stopped %v, want %v", s.stopped(), tt.stopped)
			}
		})
	}
}

func TestCountFlowsInsightsUnexpectedRows(t *testing.T) {
	odd := `{"status":"Complete","results":[[{"field":"flowAction",` +
		`"value":"-"},{"field":"flows","value":"3"}]]}`
	s := &insightsServer{scripts: map[string][]string{
		"q1": {odd}, "q2": {status("Complete")}}}
	_, err := insightsAccount(t, s).CountFlowsInsights(context.Background(), "flows",
		hourAgo(), networks("10.0.0.0/16"))
	if failure.KindOf(err) != failure.Upstream ||
		!strings.Contains(failure.MessageOf(err), "unexpected shape") {
		t.Errorf("got %v, want an upstream error about the answer's shape", err)
	}
}
