package routes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/localhttp"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

// The tile tests seed an emulator account of their own, so that other
// packages' tests, which share the emulator's default account, cannot
// change the counts; a relay of their own reaches it through ROLE_ARN.
var (
	tileOnce    sync.Once
	tileTruth   *seed.TileTruth
	tileRole    string
	tileURL     string
	tileSetUp   error
	tileClock   atomic.Pointer[time.Time]
	tileLogs    bytes.Buffer
	tileLogLock sync.Mutex
)

// setUpTiles seeds the tiles account and starts its relay once.
func setUpTiles(t *testing.T) {
	t.Helper()
	needEmulator(t)
	tileOnce.Do(func() { tileSetUp = seedTiles() })
	if tileSetUp != nil {
		t.Fatalf("set up the tiles account: %v", tileSetUp)
	}
	setClock(time.Time{})
}

// seedTiles builds a fresh account and serves it.
func seedTiles() error {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"))
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	id, err := seed.NewAccountID()
	if err != nil {
		return err
	}
	acct, role, err := seed.AssumeAccount(ctx, cfg, id, "vpc-flow-relay")
	if err != nil {
		return err
	}
	tileRole = role
	tileTruth, err = seed.Tiles(ctx, acct, seed.TileOptions{
		Prefix: fmt.Sprintf("t%d-", time.Now().UnixNano()%1e12)})
	if err != nil {
		return fmt.Errorf("seed tiles: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	tileURL = "http://" + ln.Addr().String()
	r, err := boot.New(boot.Env{RelayURL: tileURL, Secret: string(secret),
		LogLevel: "info"}, &lockedWriter{w: &tileLogs, mu: &tileLogLock})
	if err != nil {
		return fmt.Errorf("boot: %w", err)
	}
	r.Deps.Now = func() time.Time {
		if at := tileClock.Load(); at != nil && !at.IsZero() {
			return *at
		}
		return time.Now()
	}
	srv := localhttp.NewServer(r.Router(routes.All(r.Deps)...))
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// lockedWriter serialises writes to a shared buffer.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// setClock sets the tiles relay's clock; the zero time means the real one.
func setClock(at time.Time) { tileClock.Store(&at) }

// tileClaims is the module configuration for the tiles account.
func tileClaims() map[string]any {
	return map[string]any{
		"aud": tileURL, "exp": time.Now().Add(time.Minute).Unix(),
		"REGION": tileTruth.Region, "LOG_GROUP": tileTruth.LogGroup,
		"LOOKBACK": 1, "TIME_ZONE": "UTC", "ACCESS_KEY": "AKIAEMULATORTEST0001",
		"SECRET_KEY": "test", "ROLE_ARN": tileRole,
		// moto ignores the parse, filter and stats of Logs Insights
		// queries, so the flow tile reads and counts the records here.
		"FLOW_TOTALS": "records",
	}
}

// tileCall posts body to the tiles relay.
func tileCall(t *testing.T, path string, body any) reply {
	t.Helper()
	raw, _ := json.Marshal(body)
	if s, ok := body.(string); ok {
		raw = []byte(s)
	}
	req, _ := http.NewRequest("POST", tileURL+path, bytes.NewReader(raw))
	tok, err := auth.SignHS256(secret, tileClaims())
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, raw: got}
	if err := json.Unmarshal(got, &r); err != nil {
		t.Fatalf("%s: answer is not JSON: %s", path, got)
	}
	return r
}

// tileData is the part of tile data every tile shares.
type tileData struct {
	ValidTime    timeRange       `json:"valid_time"`
	ObservedTime timeRange       `json:"observed_time"`
	CacheScope   string          `json:"cache_scope"`
	Labels       [][]string      `json:"labels"`
	Data         json.RawMessage `json:"data"`
}

type timeRange struct {
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

// fetchTile asks for a tile's data and decodes it, failing on any error
// or warning.
func fetchTile(t *testing.T, id, period string, items any) tileData {
	t.Helper()
	r := tileCall(t, "/tiles/tile-data", map[string]string{"tile_id": id,
		"period": period})
	if len(r.Errors) > 0 || r.status != 200 {
		t.Fatalf("%s %s: got %d %s", id, period, r.status, r.raw)
	}
	var d tileData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatalf("%s: %v in %s", id, err, r.raw)
	}
	if err := json.Unmarshal(d.Data, items); err != nil {
		t.Fatalf("%s: items: %v in %s", id, err, d.Data)
	}
	return d
}

func TestTileDefinitions(t *testing.T) {
	setUpTiles(t)
	r := tileCall(t, "/tiles", nil)
	var defs []struct {
		ID, Type      string
		Periods       []string
		DefaultPeriod string `json:"default_period"`
	}
	if err := json.Unmarshal(r.Data, &defs); err != nil || len(defs) != 5 {
		t.Fatalf("got %s, want five tiles", r.raw)
	}
	want := map[string]string{"aws_summary": "metric_group",
		"aws_ec2_details": "markdown", "aws_vpc_flows": "donut_graph",
		"aws_iam_login": "vertical_bar_chart", "aws_iam_api": "horizontal_bar_chart"}
	for _, d := range defs {
		if want[d.ID] != d.Type {
			t.Errorf("tile %s has type %s, want %s", d.ID, d.Type, want[d.ID])
		}
		one := tileCall(t, "/tiles/tile/", map[string]string{"tile_id": d.ID})
		if !strings.Contains(string(one.Data), `"id":"`+d.ID+`"`) {
			t.Errorf("/tiles/tile %s: got %s", d.ID, one.raw)
		}
	}
}

func TestTileBadRequests(t *testing.T) {
	setUpTiles(t)
	tests := []struct {
		name, path string
		body       any
		want       string
	}{
		{"unknown tile", "/tiles/tile", map[string]string{"tile_id": "aws_nope"},
			"unknown tile_id"},
		{"no tile", "/tiles/tile-data", nil, "tile_id is required"},
		{"unknown period", "/tiles/tile-data", map[string]string{
			"tile_id": "aws_vpc_flows", "period": "last_year"}, "no period"},
		{"period of another tile", "/tiles/tile-data", map[string]string{
			"tile_id": "aws_summary", "period": "last_7_days"}, "no period"},
		{"not JSON", "/tiles/tile-data", `{"tile_id":`, "JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tileCall(t, tt.path, tt.body), "invalid argument", tt.want)
		})
	}
}

func TestSummaryTileMatchesSeed(t *testing.T) {
	setUpTiles(t)
	var items []struct {
		Label   string `json:"label"`
		Value   *int   `json:"value"`
		LinkURI string `json:"link_uri"`
	}
	fetchTile(t, "aws_summary", "", &items)
	c := tileTruth.Counts
	want := []struct {
		label string
		value int
	}{{"EC2 instances", c.Instances}, {"S3 buckets", c.Buckets},
		{"HTTP APIs", c.HTTPAPIs}, {"REST APIs", c.RESTAPIs}, {"VPCs", c.VPCs},
		{"Subnets", c.Subnets}, {"Security groups", c.SecurityGroups}}
	if len(items) != len(want) {
		t.Fatalf("got %d items, want %d", len(items), len(want))
	}
	for i, w := range want {
		got := items[i]
		if got.Label != w.label || got.Value == nil || *got.Value != w.value {
			t.Errorf("item %d: got %s = %v, want %s = %d", i, got.Label,
				deref(got.Value), w.label, w.value)
		}
		if !strings.Contains(got.LinkURI, "region="+tileTruth.Region) {
			t.Errorf("%s links to %s, want region %s", got.Label, got.LinkURI,
				tileTruth.Region)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestEC2DetailsTileMatchesSeed(t *testing.T) {
	setUpTiles(t)
	var lines []string
	fetchTile(t, "aws_ec2_details", "last_hour", &lines)
	if len(lines) < 2 || lines[0] != "| Name | Instance type | Private IP | State |" {
		t.Fatalf("got %q, want a table header first", lines)
	}
	rows := tableRows(lines)
	shown := min(50, len(tileTruth.Instances))
	if len(rows) != shown {
		t.Errorf("got %d rows, want %d", len(rows), shown)
	}
	more := len(tileTruth.Instances) - shown
	if last := lines[len(lines)-1]; !strings.Contains(last, fmt.Sprintf("and %d more", more)) {
		t.Errorf("last line %q, want one counting %d more instances", last, more)
	}
	matched := 0
	for _, in := range tileTruth.Instances {
		c, ok := rows[in.ID]
		if !ok {
			continue
		}
		matched++
		name := in.Name
		if name == "" {
			name = in.ID
		}
		got := []string{linkText(c[0]), c[1], c[2], c[3]}
		want := []string{name, in.Type, in.PrivateIP, in.State}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("row of %s: got %q, want %q", in.ID, got, want)
		}
		if !strings.Contains(c[0], "https://"+tileTruth.Region+".console.aws.amazon.com/") {
			t.Errorf("row of %s links to %s", in.ID, c[0])
		}
	}
	if matched != shown {
		t.Errorf("%d rows name seeded instances, want %d", matched, shown)
	}
	for _, id := range tileTruth.Terminated {
		if _, ok := rows[id]; ok {
			t.Errorf("terminated instance %s is listed", id)
		}
	}
}

// tableRows maps each instance id to its row's cells.
func tableRows(lines []string) map[string][]string {
	rows := map[string][]string{}
	for _, l := range lines[2:] {
		if strings.HasPrefix(l, "| ") {
			c := splitRow(l)
			rows[linkID(c[0])] = c
		}
	}
	return rows
}

// splitRow splits a markdown table row at unescaped pipes and removes the
// escapes.
func splitRow(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "| "), " |")
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// linkText and linkID read a "[text](url...instanceId=i-...)" cell.
func linkText(cell string) string {
	return cell[1:strings.LastIndex(cell, "](")]
}

func linkID(cell string) string {
	_, id, _ := strings.Cut(cell, "instanceId=")
	return strings.TrimSuffix(id, ")")
}

func TestVPCFlowsTileMatchesSeed(t *testing.T) {
	setUpTiles(t)
	lengths := map[string]time.Duration{"last_24_hours": 24 * time.Hour,
		"last_7_days": 7 * 24 * time.Hour, "last_30_days": 30 * 24 * time.Hour}
	for period, want := range tileTruth.Flows {
		t.Run(period, func(t *testing.T) {
			var items []struct {
				Key      int `json:"key"`
				Value    int `json:"value"`
				Segments []struct{ Key, Value int }
			}
			d := fetchTile(t, "aws_vpc_flows", period, &items)
			if len(items) != 2 || len(items[0].Segments) != 2 || len(items[1].Segments) != 2 {
				t.Fatalf("got %s, want two rings of two segments", d.Data)
			}
			got := seed.FlowTotals{IngressAllowed: items[0].Segments[0].Value,
				IngressBlocked: items[0].Segments[1].Value,
				EgressAllowed:  items[1].Segments[0].Value,
				EgressBlocked:  items[1].Segments[1].Value}
			if got != want || items[0].Value != want.IngressAllowed+want.IngressBlocked {
				t.Errorf("got %+v (ingress %d), want %+v", got, items[0].Value, want)
			}
			if d.Labels[0][0] != "Ingress" || d.Labels[1][1] != "Blocked" {
				t.Errorf("labels %v", d.Labels)
			}
			checkWindow(t, d, lengths[period])
		})
	}
}

// checkWindow checks that valid and observed times are the period up to
// about now, in UTC with milliseconds.
func checkWindow(t *testing.T, d tileData, length time.Duration) {
	t.Helper()
	if d.ValidTime != d.ObservedTime {
		t.Errorf("valid time %+v differs from observed time %+v", d.ValidTime, d.ObservedTime)
	}
	start, err1 := time.Parse("2006-01-02T15:04:05.000Z", d.ObservedTime.StartTime)
	end, err2 := time.Parse("2006-01-02T15:04:05.000Z", d.ObservedTime.EndTime)
	if err1 != nil || err2 != nil || end.Sub(start) != length ||
		time.Since(end).Abs() > 5*time.Minute {
		t.Errorf("observed time %+v, want %v ending now, in UTC", d.ObservedTime, length)
	}
}

// bars decodes a bar chart's values by bar key.
func bars(t *testing.T, id string) map[string]int {
	t.Helper()
	var items []struct {
		Key   string `json:"key"`
		Value int    `json:"value"`
	}
	fetchTile(t, id, "", &items)
	out := map[string]int{}
	for _, b := range items {
		out[b.Key] = b.Value
	}
	return out
}

// TestIAMTilesMatchSeed checks the IAM tiles at two clocks. The emulator
// cannot backdate passwords or keys, so the relay's clock moves instead:
// just after seeding nothing is old; 180 days and one second after the
// last creation everything is old, and only the keys the seed used since
// then count as used.
func TestIAMTilesMatchSeed(t *testing.T) {
	setUpTiles(t)
	iam := tileTruth.IAM
	later := iam.Created.Add(180*24*time.Hour + time.Second)
	tests := []struct {
		name      string
		at        time.Time
		wantLogin map[string]int
		wantAPI   map[string]int
	}{
		{"now", time.Time{},
			map[string]int{"console_users": iam.ConsoleUsers, "password_over_180_days": 0,
				"no_login_180_days": 0, "no_mfa": iam.ConsoleWithoutMFA},
			map[string]int{"api_users": iam.APIUsers, "key_over_180_days": 0,
				"key_unused_180_days": 0}},
		{"180 days on", later,
			map[string]int{"console_users": iam.ConsoleUsers,
				"password_over_180_days": iam.ConsoleUsers,
				"no_login_180_days":      iam.ConsoleUsers, "no_mfa": iam.ConsoleWithoutMFA},
			map[string]int{"api_users": iam.APIUsers, "key_over_180_days": iam.APIUsers,
				"key_unused_180_days": iam.APIUsers - iam.APIUsersAllKeysUsed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setClock(tt.at)
			defer setClock(time.Time{})
			if got := bars(t, "aws_iam_login"); fmt.Sprint(got) != fmt.Sprint(tt.wantLogin) {
				t.Errorf("login: got %v, want %v", got, tt.wantLogin)
			}
			if got := bars(t, "aws_iam_api"); fmt.Sprint(got) != fmt.Sprint(tt.wantAPI) {
				t.Errorf("api: got %v, want %v", got, tt.wantAPI)
			}
		})
	}
	if iam.ConsoleUsers == 0 || iam.APIUsersAllKeysUsed == 0 ||
		iam.APIUsersAllKeysUsed == iam.APIUsers || !iam.Used.After(iam.Created.Add(time.Second)) {
		t.Errorf("the seed's users cannot tell the rules apart: %+v", iam)
	}
}
