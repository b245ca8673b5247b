package awsacct

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
	"github.com/aws-vpc-flow-relay/relay/pkg/tiles"

	"github.com/aws-vpc-flow-relay/relay/localstack/emutest"
)

// fakeAWS answers the tiles' calls over real HTTP from a table of canned
// answers keyed by operation; it counts the calls of each.
type fakeAWS struct {
	mu      sync.Mutex
	answers map[string][]scripted
	calls   map[string]int
	delay   time.Duration
}

// operation names a request: the Action of query protocols, else the
// method and path.
func operation(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
		return form.Get("Action")
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndex(t, ".")+1:]
	}
	return r.Method + " " + r.URL.Path
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := operation(r)
	f.mu.Lock()
	f.calls[op]++
	list := f.answers[op]
	a := scripted{404, "<Error><Code>UnknownOperation</Code><Message>" + op +
		"</Message></Error>"}
	if len(list) > 0 {
		a = list[0]
		if len(list) > 1 {
			f.answers[op] = list[1:]
		}
	}
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-r.Context().Done():
			return
		}
	}
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

// fakeAccount returns an Account whose every client talks to f.
func fakeAccount(t *testing.T, f *fakeAWS) *Account {
	t.Helper()
	f.calls = map[string]int{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		BaseEndpoint: aws.String(srv.URL),
		Retryer:      func() aws.Retryer { return newRetryer() },
		HTTPClient:   srv.Client()}
	return &Account{Region: "us-east-1", EC2: ec2.NewFromConfig(cfg),
		Logs: cloudwatchlogs.NewFromConfig(cfg), IAM: iam.NewFromConfig(cfg),
		S3:           s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		APIGateway:   apigateway.NewFromConfig(cfg),
		APIGatewayV2: apigatewayv2.NewFromConfig(cfg)}
}

func ec2Answer(op, inner string) []scripted {
	return []scripted{{200, "<" + op + "Response>" + inner + "</" + op + "Response>"}}
}

func TestSummaryKeepsCountsWhenS3IsDenied(t *testing.T) {
	f := &fakeAWS{answers: map[string][]scripted{
		"DescribeInstances": ec2Answer("DescribeInstances", "<reservationSet><item>"+
			"<instancesSet><item><instanceId>i-1</instanceId></item><item>"+
			"<instanceId>i-2</instanceId></item></instancesSet></item></reservationSet>"),
		"DescribeVpcs": ec2Answer("DescribeVpcs",
			"<vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet>"),
		"DescribeSubnets":        ec2Answer("DescribeSubnets", "<subnetSet/>"),
		"DescribeSecurityGroups": ec2Answer("DescribeSecurityGroups", "<securityGroupInfo/>"),
		"GET /": {{403, "<Error><Code>AccessDenied</Code>" +
			"<Message>Access Denied</Message></Error>"}},
		"GET /restapis": {{200, `{"item":[{"id":"a"},{"id":"b"},{"id":"c"}]}`}},
		"GET /v2/apis": {{200, `{"items":[{"apiId":"h","protocolType":"HTTP"},` +
			`{"apiId":"w","protocolType":"WEBSOCKET"}]}`}},
	}}
	counts := fakeAccount(t, f).Summary(context.Background())
	got := map[tiles.Resource]string{}
	for _, c := range counts {
		got[c.Resource] = fmt.Sprint(c.Value)
		if c.Err != nil {
			got[c.Resource] = failure.KindOf(c.Err).String() + ": " + failure.MessageOf(c.Err)
		}
	}
	want := map[tiles.Resource]string{tiles.Instances: "2", tiles.VPCs: "1",
		tiles.Subnets: "0", tiles.SecurityGroups: "0", tiles.RESTAPIs: "3",
		tiles.HTTPAPIs: "1",
		tiles.Buckets:  "upstream: AWS refused s3:ListBuckets: AccessDenied: Access Denied"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestCountBucketsFollowsPages(t *testing.T) {
	page := func(names, token string) scripted {
		body := "<ListAllMyBucketsResult><Buckets>"
		for _, n := range strings.Fields(names) {
			body += "<Bucket><Name>" + n + "</Name></Bucket>"
		}
		if token != "" {
			body += "</Buckets><ContinuationToken>" + token + "</ContinuationToken>"
		} else {
			body += "</Buckets>"
		}
		return scripted{200, body + "</ListAllMyBucketsResult>"}
	}
	f := &fakeAWS{answers: map[string][]scripted{
		"GET /": {page("a b", "t1"), page("", "t2"), page("c", "")}}}
	n, err := countBuckets(context.Background(), fakeAccount(t, f))
	if err != nil || n != 3 || f.calls["GET /"] != 3 {
		t.Errorf("got %d buckets (%v) in %d calls, want 3 in 3", n, err, f.calls["GET /"])
	}
}

// TestCountsFollowPages checks the paging of each count against pages
// as AWS sends them: moto 5.2.1 ignores the page size of most of these
// calls, so the emulator tests alone would not show it.
func TestCountsFollowPages(t *testing.T) {
	tests := []struct {
		name  string
		op    string
		pages []scripted
		count func(context.Context, *Account) (int, error)
		want  int
	}{
		{"REST APIs", "GET /restapis", []scripted{
			{200, `{"item":[{"id":"a"},{"id":"b"}],"position":"p1"}`},
			{200, `{"item":[],"position":"p2"}`}, {200, `{"item":[{"id":"c"}]}`}},
			countRESTAPIs, 3},
		{"HTTP APIs", "GET /v2/apis", []scripted{
			{200, `{"items":[{"protocolType":"HTTP"}],"nextToken":"n1"}`},
			{200, `{"items":[{"protocolType":"HTTP"},{"protocolType":"WEBSOCKET"}]}`}},
			countHTTPAPIs, 2},
		{"subnets", "DescribeSubnets", []scripted{
			ec2Answer("DescribeSubnets", "<subnetSet><item/><item/></subnetSet>"+
				"<nextToken>n1</nextToken>")[0],
			ec2Answer("DescribeSubnets", "<subnetSet><item/></subnetSet>")[0]},
			countSubnets, 3},
		{"instances", "DescribeInstances", []scripted{
			ec2Answer("DescribeInstances", "<reservationSet><item><instancesSet>"+
				"<item/></instancesSet></item></reservationSet><nextToken>n</nextToken>")[0],
			ec2Answer("DescribeInstances", "<reservationSet><item><instancesSet>"+
				"<item/><item/></instancesSet></item></reservationSet>")[0]},
			countInstances, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeAWS{answers: map[string][]scripted{tt.op: tt.pages}}
			n, err := tt.count(context.Background(), fakeAccount(t, f))
			if err != nil || n != tt.want || f.calls[tt.op] != len(tt.pages) {
				t.Errorf("got %d (%v) in %d calls, want %d in %d", n, err,
					f.calls[tt.op], tt.want, len(tt.pages))
			}
		})
	}
}

// reportCSV is a small credential report as IAM encodes it.
var reportCSV = base64.StdEncoding.EncodeToString([]byte(
	"user,arn,user_creation_time,password_enabled,password_last_used," +
		"password_last_changed,mfa_active,access_key_1_active," +
		"access_key_1_last_rotated,access_key_1_last_used_date," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n" +
		"<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported," +
		"no_information,not_supported,true,false,N/A,N/A,false,N/A,N/A\n" +
		"ann,arn:aws:iam::1:user/ann,2020-01-01T00:00:00+00:00,true," +
		"no_information,2020-01-01T00:00:00+00:00,false,false,N/A,N/A,false,N/A,N/A\n"))

func generate(state string) scripted {
	return scripted{200, "<GenerateCredentialReportResponse><GenerateCredentialReportResult>" +
		"<State>" + state + "</State></GenerateCredentialReportResult>" +
		"</GenerateCredentialReportResponse>"}
}

func TestCredentialReportWaitsForCompletion(t *testing.T) {
	f := &fakeAWS{answers: map[string][]scripted{
		"GenerateCredentialReport": {generate("STARTED"), generate("INPROGRESS"),
			generate("COMPLETE")},
		"GetCredentialReport": {{200, "<GetCredentialReportResponse>" +
			"<GetCredentialReportResult><Content>" + reportCSV + "</Content>" +
			"<ReportFormat>text/csv</ReportFormat></GetCredentialReportResult>" +
			"</GetCredentialReportResponse>"}},
	}}
	report, err := fakeAccount(t, f).CredentialReport(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(report) != 2 || !report[0].Root || report[1].User != "ann" ||
		f.calls["GenerateCredentialReport"] != 3 {
		t.Errorf("got %+v after %v calls, want root and ann after three", report, f.calls)
	}
}

func TestCredentialReportStillGenerating(t *testing.T) {
	f := &fakeAWS{answers: map[string][]scripted{
		"GenerateCredentialReport": {generate("INPROGRESS")}}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	report, err := fakeAccount(t, f).CredentialReport(ctx)
	if report != nil || !errors.Is(err, ErrReportNotReady) ||
		failure.KindOf(err) != failure.Upstream ||
		!strings.Contains(failure.MessageOf(err), "still generating") {
		t.Errorf("got %v, %v; want an upstream error saying it is still generating",
			report, err)
	}
	if ctx.Err() != nil {
		t.Error("waited past the deadline")
	}
}

func TestCountFlowsIsPartialAtTheDeadline(t *testing.T) {
	f := &fakeAWS{delay: 2 * time.Second, answers: map[string][]scripted{
		"DescribeFlowLogs": ec2Answer("DescribeFlowLogs", "<flowLogSet/>"),
		"FilterLogEvents":  {{200, `{"events":[]}`}},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	a := fakeAccount(t, f)
	a.formats.groups = map[string][]flowlogFormat{"flows": {defaultFormat}}
	now := time.Now()
	got, err := a.CountFlows(ctx, "flows", tiles.Window{From: now.Add(-time.Hour), To: now},
		nil)
	if err != nil || !got.Partial() || got.Windows != flowWindows {
		t.Errorf("got %+v, %v; want a partial count of %d windows", got, err, flowWindows)
	}
}

func TestSplitWindow(t *testing.T) {
	to := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	w := observeWindow(to.Add(-10*time.Hour), to).Split(4)
	if len(w) != 4 || w[0].To != to || w[3].From != to.Add(-10*time.Hour) {
		t.Fatalf("got %v", w)
	}
	for i := 1; i < len(w); i++ {
		if w[i].To != w[i-1].From {
			t.Errorf("window %d ends at %v, want %v", i, w[i].To, w[i-1].From)
		}
	}
}

// TestSummaryFollowsPages counts a fresh emulator account's resources
// with pages far smaller than its lists.
func TestSummaryFollowsPages(t *testing.T) {
	ctx := context.Background()
	truth, s := seedSmallAccount(t, ctx)
	saved := pageLimits
	// moto 5.2.1 cuts ListBuckets at MaxBuckets without a continuation
	// token, so bucket pages are tested with TestCountBucketsFollowsPages.
	pageLimits.ec2, pageLimits.restAPIs, pageLimits.httpAPIs = 5, 2, 2
	defer func() { pageLimits = saved }()

	a, err := (&Opener{}).Open(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	got := map[tiles.Resource]int{}
	for _, c := range a.Summary(ctx) {
		if c.Err != nil {
			t.Fatalf("%s: %v", c.Resource, c.Err)
		}
		got[c.Resource] = c.Value
	}
	n := truth.Counts
	want := map[tiles.Resource]int{tiles.Instances: n.Instances, tiles.Buckets: n.Buckets,
		tiles.HTTPAPIs: n.HTTPAPIs, tiles.RESTAPIs: n.RESTAPIs, tiles.VPCs: n.VPCs,
		tiles.Subnets: n.Subnets, tiles.SecurityGroups: n.SecurityGroups}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	list, err := a.Instances(ctx)
	if err != nil || len(list) != len(truth.Instances) {
		t.Errorf("listed %d instances (%v), want %d", len(list), err, len(truth.Instances))
	}
}

// seedSmallAccount seeds a fresh emulator account, or skips without one.
func seedSmallAccount(t *testing.T, ctx context.Context) (*seed.TileTruth, settings.Settings) {
	t.Helper()
	cfg := emutest.Config(t)
	id, err := seed.NewAccountID()
	if err != nil {
		t.Fatal(err)
	}
	acct, role, err := seed.AssumeAccount(ctx, cfg, id, "relay")
	if err != nil {
		t.Fatalf("assume a fresh emulator account: %v", err)
	}
	truth, err := seed.Tiles(ctx, acct, seed.TileOptions{Prefix: "acct-",
		Instances: 13, RESTAPIs: 7, HTTPAPIs: 5, Buckets: 3})
	if err != nil {
		t.Fatal(err)
	}
	return truth, settings.Settings{Region: "us-east-1", RoleARN: role,
		AccessKey: "AKIAEMULATORTEST0001", SecretKey: "test"}
}

// flowlogFormat, defaultFormat and observeWindow keep the tests short.
type flowlogFormat = flowlog.Format

var defaultFormat = flowlog.DefaultFormat

func observeWindow(from, to time.Time) observe.Window {
	return observe.Window{From: from, To: to}
}
