package routes_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
)

func TestBadBodies(t *testing.T) {
	needEmulator(t)
	many := bytes.Repeat([]byte(`{"type":"ip","value":"10.0.0.1"},`), 10_000)
	many = append(append([]byte("["), many[:len(many)-1]...), ']')
	huge := append([]byte(`[{"type":"ip","value":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	huge = append(huge, []byte(`"}]`)...)
	tests := []struct {
		name, body, want string
	}{
		{"not JSON", `[{"type":`, "not valid JSON"},
		{"not a list", `{"type":"ip","value":"10.0.0.1"}`, "JSON list"},
		{"empty body", ``, "JSON list"},
		{"missing type", `[{"value":"10.0.0.1"}]`, "non-empty type"},
		{"empty value", `[{"type":"ip","value":""}]`, "non-empty type"},
		{"value not a string", `[{"type":"ip","value":5}]`, "string type and value"},
		{"entry not an object", `["10.0.0.1"]`, "string type and value"},
		{"over 1 MB", string(huge), "larger than"},
		{"10,000 observables", string(many), "at most 1000 observables"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, "POST", "/observe/observables", []byte(tt.body), claims(nil))
			wantError(t, r, "invalid argument", tt.want)
		})
	}
}

func TestTooManyAddresses(t *testing.T) {
	needEmulator(t)
	var values []string
	for i := range 60 {
		values = append(values, "10.9.0."+strconv.Itoa(i+1))
	}
	r := call(t, "POST", "/observe/observables", observables("ip", values...), claims(nil))
	wantError(t, r, "invalid argument", "at most 50 distinct")
}

func TestInvalidAddressIsAWarning(t *testing.T) {
	needEmulator(t)
	body := []byte(`[{"type":"ip","value":"not-an-ip"},{"type":"ip","value":"` +
		truth.Demo.UnseenIP + `"}]`)
	r := call(t, "POST", "/observe/observables", body, claims(nil))
	if len(r.Errors) != 1 || r.Errors[0].Type != "warning" || len(r.Data) == 0 {
		t.Errorf("got %s, want data and one warning", r.raw)
	}
}

func TestOtherTypesAndDuplicates(t *testing.T) {
	needEmulator(t)
	ip := truth.Demo.ElasticIP
	body := []byte(`[{"type":"domain","value":"example.com"},` +
		`{"type":"ip","value":"` + ip + `"},{"type":"ip","value":"` + ip + `"}]`)
	r := call(t, "POST", "/observe/observables", body, claims(nil))
	once, _ := observe(t, "ip", ip, claims(nil))
	var data struct {
		Sightings struct{ Count int } `json:"sightings"`
	}
	_ = json.Unmarshal(r.Data, &data)
	if data.Sightings.Count != len(once) || len(r.Errors) != 0 {
		t.Errorf("got %d sightings and errors %v, want %d and none",
			data.Sightings.Count, r.Errors, len(once))
	}
}

func TestConfigurationErrorsNameEachKey(t *testing.T) {
	needEmulator(t)
	r := call(t, "POST", "/observe/observables", observables("ip", "10.0.0.1"),
		claims(map[string]any{"REGION": nil, "LOOKBACK": "many"}))
	wantError(t, r, "invalid argument", "REGION")
	if !strings.Contains(r.Errors[0].Message, "LOOKBACK") {
		t.Errorf("message %q does not name LOOKBACK", r.Errors[0].Message)
	}
}

func TestMissingLogGroupIsNamed(t *testing.T) {
	needEmulator(t)
	r := call(t, "POST", "/observe/observables", observables("ip", "10.0.0.1"),
		claims(map[string]any{"LOG_GROUP": "no-such-group"}))
	wantError(t, r, "invalid argument", "log group no-such-group does not exist")
}

func TestAuthentication(t *testing.T) {
	needEmulator(t)
	tests := []struct {
		name   string
		claims map[string]any
		header string
		want   string
	}{
		{"no header", nil, "", "authorization"},
		{"wrong audience", claims(map[string]any{"aud": "https://elsewhere.example"}),
			"", "audience"},
		{"expired", claims(map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}),
			"", "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, "POST", "/health", nil, tt.claims)
			wantError(t, r, "authorization error", tt.want)
		})
	}
}

func TestHealth(t *testing.T) {
	needEmulator(t)
	r := call(t, "POST", "/health", nil, claims(nil))
	if string(r.Data) != `{"status":"ok"}` {
		t.Errorf("got %s, want status ok", r.raw)
	}
	r = call(t, "POST", "/health/", nil, claims(map[string]any{"LOG_GROUP": "missing"}))
	wantError(t, r, "health check failed", "log group missing does not exist")
}

func TestRefer(t *testing.T) {
	needEmulator(t)
	r := call(t, "POST", "/refer/observables",
		observables("ipv6", truth.Demo.IPv6), claims(nil))
	var refs []struct{ ID, Title, URL string }
	if err := json.Unmarshal(r.Data, &refs); err != nil || len(refs) != 3 {
		t.Fatalf("got %s, want three references", r.raw)
	}
	for _, ref := range refs {
		if !strings.HasPrefix(ref.URL, "https://us-east-1.console.aws.amazon.com/") {
			t.Errorf("reference %q links to %s, want the us-east-1 console", ref.Title, ref.URL)
		}
	}
}

func TestReferSearchesPublicAddressesAsRecorded(t *testing.T) {
	needEmulator(t)
	web, _ := truth.Instance(seed.RoleWeb)
	r := call(t, "POST", "/refer/observables",
		observables("ip", truth.Demo.ElasticIP, truth.Demo.UnseenIP), claims(nil))
	var refs []struct{ ID, Description, URL string }
	if err := json.Unmarshal(r.Data, &refs); err != nil || len(refs) != 6 {
		t.Fatalf("got %s, want six references", r.raw)
	}
	tests := []struct {
		name, id, want string
	}{
		{"elastic IP searched as its private IP",
			"ref-aws-flow-logs-insights-" + truth.Demo.ElasticIP, web.PrivateIP},
		{"elastic IP searched as itself",
			"ref-aws-flow-logs-insights-" + truth.Demo.ElasticIP, truth.Demo.ElasticIP},
		{"private IP searched as itself",
			"ref-aws-flow-logs-insights-" + truth.Demo.UnseenIP, truth.Demo.UnseenIP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := slices.IndexFunc(refs, func(r struct{ ID, Description, URL string }) bool {
				return r.ID == tt.id
			})
			if i < 0 {
				t.Fatalf("no reference %s in %s", tt.id, r.raw)
			}
			term := "/(^| )" + regexp.QuoteMeta(tt.want) + "( |$)/"
			if q := insightsQueryOf(t, refs[i].URL); !strings.Contains(q, term) ||
				!strings.Contains(refs[i].Description, tt.want) {
				t.Errorf("reference %s = %+v, want %s in its query %q", tt.id, refs[i],
					term, q)
			}
		})
	}
}

// insightsQueryOf returns the query text of a Logs Insights console link.
func insightsQueryOf(t *testing.T, link string) string {
	t.Helper()
	_, rest, ok := strings.Cut(link, "editorString~'")
	query, _, ok2 := strings.Cut(rest, "~source~")
	text, err := url.QueryUnescape(strings.ReplaceAll(query, "*", "%"))
	if !ok || !ok2 || err != nil {
		t.Fatalf("no query in Logs Insights link %s (%v)", link, err)
	}
	return text
}

func TestSimpleRoutes(t *testing.T) {
	needEmulator(t)
	if r := call(t, "POST", "/version", nil, nil); !strings.Contains(string(r.raw), `"version"`) {
		t.Errorf("version: %s", r.raw)
	}
	if r := call(t, "POST", "/deliberate/observables", observables("ip", "10.0.0.1"),
		claims(nil)); string(r.Data) != "{}" {
		t.Errorf("deliberate: %s", r.raw)
	}
	r := call(t, "GET", "/watchdog", nil, nil)
	wantError(t, r, "health check failed", "Health-Check")
	if r := call(t, "POST", "/nope", nil, nil); r.status != 404 || len(r.Errors) != 1 {
		t.Errorf("unknown route: %d %s, want a JSON 404", r.status, r.raw)
	}
	if r := call(t, "GET", "/health", nil, nil); r.status != 405 {
		t.Errorf("GET /health: %d %s, want 405", r.status, r.raw)
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	needEmulator(t)
	call(t, "POST", "/health", nil, claims(map[string]any{"SECRET_KEY": "s3cr3t-value"}))
	logs := relayLogs.String()
	for _, s := range []string{"s3cr3t-value", string(secret), "Bearer "} {
		if strings.Contains(logs, s) {
			t.Errorf("relay logs contain %q", s)
		}
	}
}

// wantError checks that r is an error answer with code and a message
// containing part.
func wantError(t *testing.T, r reply, code, part string) {
	t.Helper()
	if len(r.Errors) != 1 || r.Errors[0].Code != code ||
		!strings.Contains(strings.ToLower(r.Errors[0].Message), strings.ToLower(part)) {
		t.Errorf("got %d %s, want error %q mentioning %q", r.status, r.raw, code, part)
	}
	if r.status == 500 || strings.Contains(string(r.raw), "goroutine") {
		t.Errorf("answer looks like a crash: %d %s", r.status, r.raw)
	}
}
