package tiles

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name, id, wantType, wantErr string
	}{
		{"summary", IDSummary, TypeMetricGroup, ""},
		{"details", IDEC2Details, TypeMarkdown, ""},
		{"flows", IDVPCFlows, TypeDonut, ""},
		{"login", IDIAMLogin, TypeVerticalBarChart, ""},
		{"api", IDIAMAPI, TypeHorizontalBarChart, ""},
		{"unknown", "aws_everything", "", `unknown tile_id "aws_everything"`},
		{"empty", "", "", "tile_id is required"},
		{"case matters", "AWS_SUMMARY", "", "unknown tile_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Find(tt.id)
			if tt.wantErr != "" {
				if failure.KindOf(err) != failure.InvalidArgument ||
					!strings.Contains(failure.MessageOf(err), tt.wantErr) {
					t.Fatalf("got %v, want invalid argument %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || d.ID != tt.id || d.Type != tt.wantType {
				t.Fatalf("got %+v, %v; want %s of type %s", d, err, tt.id, tt.wantType)
			}
		})
	}
}

func TestDefinitionsAreComplete(t *testing.T) {
	for _, d := range All() {
		if d.Title == "" || d.ShortDescription == "" || d.Description == "" ||
			len(d.Tags) == 0 || len(d.Periods) == 0 {
			t.Errorf("%s: incomplete definition %+v", d.ID, d)
		}
		if _, err := d.Period(d.DefaultPeriod, time.Now()); err != nil {
			t.Errorf("%s: default period %s is not offered", d.ID, d.DefaultPeriod)
		}
		for _, p := range d.Periods {
			if _, ok := periods[p]; !ok {
				t.Errorf("%s: period %s has no length", d.ID, p)
			}
		}
	}
	if got := len(All()); got != 5 {
		t.Errorf("got %d tiles, want 5", got)
	}
}

func TestPeriod(t *testing.T) {
	now := time.Date(2026, 12, 4, 14, 52, 11, 123456789,
		time.FixedZone("PST", -8*3600))
	flows, _ := Find(IDVPCFlows)
	summary, _ := Find(IDSummary)
	tests := []struct {
		name   string
		d      Definition
		period string
		want   time.Duration
		bad    bool
	}{
		{"default", flows, "", 24 * time.Hour, false},
		{"seven days", flows, Last7Days, 7 * 24 * time.Hour, false},
		{"thirty days", flows, Last30Days, 30 * 24 * time.Hour, false},
		{"last hour", summary, LastHour, time.Hour, false},
		{"known but not offered", summary, Last7Days, 0, true},
		{"unknown", flows, "last_century", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := tt.d.Period(tt.period, now)
			if tt.bad {
				if failure.KindOf(err) != failure.InvalidArgument {
					t.Fatalf("got %v, want an invalid argument", err)
				}
				return
			}
			wantEnd := now.UTC().Truncate(time.Millisecond)
			if err != nil || w.To != wantEnd || w.To.Sub(w.From) != tt.want ||
				w.To.Location() != time.UTC {
				t.Fatalf("got %+v, %v; want %v ending %v in UTC", w, err, tt.want, wantEnd)
			}
		})
	}
}

func TestNewDataTimes(t *testing.T) {
	d, _ := Find(IDVPCFlows)
	now := time.Date(2026, 12, 4, 6, 0, 0, 0, time.FixedZone("X", 3600))
	w, _ := d.Period(Last7Days, now)
	raw, err := json.Marshal(NewData(w, []int{}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"valid_time":{"start_time":"2026-11-27T05:00:00.000Z",` +
		`"end_time":"2026-12-04T05:00:00.000Z"},"observed_time":{"start_time":` +
		`"2026-11-27T05:00:00.000Z","end_time":"2026-12-04T05:00:00.000Z"},` +
		`"cache_scope":"org","data":[]}`
	if string(raw) != want {
		t.Errorf("got  %s\nwant %s", raw, want)
	}
}

func TestSummaryMarksUnavailableCounts(t *testing.T) {
	denied := failure.New(failure.Upstream,
		"AWS refused s3:ListBuckets: AccessDenied: Access Denied")
	items, problems := Summary("eu-west-1", []Count{
		{Resource: Instances, Value: 63},
		{Resource: Buckets, Err: denied},
		{Resource: VPCs, Value: 0},
	})
	if len(items) != 3 || items[0].Value == nil || *items[0].Value != 63 {
		t.Fatalf("got %+v, want 63 instances first", items)
	}
	if items[1].Value != nil || !strings.Contains(items[1].Label, "unavailable") {
		t.Errorf("buckets: got %+v, want no value and an unavailable label", items[1])
	}
	if items[2].Value == nil || *items[2].Value != 0 {
		t.Errorf("VPCs: got %+v, want a real zero", items[2])
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "AccessDenied") ||
		!strings.HasPrefix(problems[0], "S3 buckets") {
		t.Errorf("got problems %q, want one naming S3 buckets and AccessDenied", problems)
	}
	for _, m := range items {
		if !strings.HasPrefix(m.LinkURI, "https://eu-west-1.console.aws.amazon.com/") ||
			!strings.Contains(m.LinkURI, "region=eu-west-1") {
			t.Errorf("%s links to %s, want the eu-west-1 console", m.Label, m.LinkURI)
		}
	}
}

func TestResourceLinks(t *testing.T) {
	tests := []struct {
		r      Resource
		region string
		want   string
	}{
		{Instances, "us-east-1",
			"https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:"},
		{Buckets, "us-gov-west-1",
			"https://console.amazonaws-us-gov.com/s3/buckets?region=us-gov-west-1"},
		{SecurityGroups, "cn-north-1",
			"https://console.amazonaws.cn/vpcconsole/home?region=cn-north-1#SecurityGroups:"},
	}
	for _, tt := range tests {
		t.Run(tt.r.String(), func(t *testing.T) {
			if got := tt.r.Link(tt.region); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
