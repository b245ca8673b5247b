package awsacct

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
)

// logsServer plays the CloudWatch Logs JSON protocol over real HTTP: each
// FilterLogEvents call gets the next scripted answer.
type logsServer struct {
	mu      sync.Mutex
	answers []scripted
	bodies  []map[string]any
}

type scripted struct {
	status int
	body   string
}

func (s *logsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	s.mu.Lock()
	s.bodies = append(s.bodies, body)
	a := scripted{status: 500, body: `{"__type":"ServiceUnavailableException"}`}
	if len(s.answers) > 0 {
		a, s.answers = s.answers[0], s.answers[1:]
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

// accountFor returns an Account whose Logs client talks to srv.
func accountFor(srv *httptest.Server) *Account {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		BaseEndpoint: aws.String(srv.URL),
		Retryer:      func() aws.Retryer { return newRetryer() },
		HTTPClient:   srv.Client(),
	}
	return &Account{Region: "us-east-1", Logs: cloudwatchlogs.NewFromConfig(cfg)}
}

func window() observe.Query {
	now := time.Now()
	return observe.Query{Addrs: []netip.Addr{netip.MustParseAddr("10.0.1.5")},
		Window: observe.Window{From: now.Add(-time.Hour), To: now}}
}

func TestScanFollowsEmptyPagesWithToken(t *testing.T) {
	s := &logsServer{answers: []scripted{
		{200, `{"events":[],"nextToken":"t1"}`},
		{200, `{"events":[{"timestamp":1,"message":"a 10.0.1.5"}],"nextToken":"t2"}`},
		{200, `{"events":[],"nextToken":"t3"}`},
		{200, `{"events":[{"timestamp":2,"message":"b 10.0.1.5"}]}`},
	}}
	srv := httptest.NewServer(s)
	defer srv.Close()

	var got []string
	stats, err := accountFor(srv).Flows("flows").Scan(context.Background(), window(),
		func(_ int64, msg []byte) error {
			got = append(got, string(msg))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "a 10.0.1.5,b 10.0.1.5" || stats.Requests != 4 {
		t.Errorf("got %q in %d requests, want both events in 4", got, stats.Requests)
	}
	if s.bodies[0]["filterPattern"] != `"10.0.1.5"` || s.bodies[3]["nextToken"] != "t3" {
		t.Errorf("requests %v, want the quoted address as filter and the tokens followed",
			s.bodies)
	}
}

func TestScanRetriesThrottling(t *testing.T) {
	throttled := scripted{400, `{"__type":"ThrottlingException","message":"Rate exceeded"}`}
	s := &logsServer{answers: []scripted{throttled, throttled,
		{200, `{"events":[{"timestamp":1,"message":"10.0.1.5"}]}`}}}
	srv := httptest.NewServer(s)
	defer srv.Close()

	n := 0
	_, err := accountFor(srv).Flows("flows").Scan(context.Background(), window(),
		func(int64, []byte) error { n++; return nil })
	if err != nil || n != 1 || len(s.bodies) != 3 {
		t.Errorf("got err %v, %d events after %d calls; want the event after 3 calls",
			err, n, len(s.bodies))
	}
}

func TestScanReportsRefusal(t *testing.T) {
	s := &logsServer{answers: []scripted{{400, `{"__type":"AccessDeniedException",` +
		`"message":"not authorized to perform logs:FilterLogEvents"}`}}}
	srv := httptest.NewServer(s)
	defer srv.Close()

	_, err := accountFor(srv).Flows("flows").Scan(context.Background(), window(),
		func(int64, []byte) error { return nil })
	if failure.KindOf(err) != failure.Upstream ||
		!strings.Contains(failure.MessageOf(err), "AccessDeniedException") {
		t.Errorf("got %v (kind %v), want an upstream error naming AccessDenied",
			err, failure.KindOf(err))
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Error("the error shows the secret key")
	}
}

func TestPatternsSplitLongLists(t *testing.T) {
	var addrs []netip.Addr
	for i := range 120 {
		addrs = append(addrs, netip.AddrFrom4([4]byte{10, 0, byte(i), 200}))
	}
	passes := patterns(addrs)
	total := 0
	for _, p := range passes {
		if n := len(pattern(p)); n > maxPattern {
			t.Errorf("pattern of %d characters, the limit is %d", n, maxPattern)
		}
		total += len(p)
	}
	if len(passes) < 2 || total != len(addrs) {
		t.Errorf("got %d passes with %d terms, want several with all %d",
			len(passes), total, len(addrs))
	}
}

func TestContainsAnyMatchesWholeFields(t *testing.T) {
	needles := [][]byte{[]byte("10.0.1.5")}
	tests := []struct {
		msg  string
		want bool
	}{
		{"2 1 eni 10.0.1.5 10.0.2.9 1 2", true},
		{"2 1 eni 10.0.2.9 10.0.1.5", true},
		{"2 1 eni 10.0.1.50 10.0.2.9", false},
		{"2 1 eni 110.0.1.5 10.0.2.9", false},
	}
	for _, tt := range tests {
		if got := containsAny([]byte(tt.msg), needles); got != tt.want {
			t.Errorf("containsAny(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}
