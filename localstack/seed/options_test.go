package seed

import (
	"strings"
	"testing"
	"time"
)

func TestOptionsDefaultsAndLimits(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))
	tests := []struct {
		name    string
		in      Options
		want    Options
		wantErr string
	}{
		{
			name: "zero values take defaults",
			in:   Options{Now: now},
			want: Options{Records: DefaultRecords, Days: DefaultDays,
				Now: now.UTC().Truncate(time.Second)},
		},
		{
			name: "explicit values stay",
			in:   Options{Records: 500, Days: 3, Now: now, Seed: 9, Prefix: "a-1."},
			want: Options{Records: 500, Days: 3,
				Now: now.UTC().Truncate(time.Second), Seed: 9, Prefix: "a-1."},
		},
		{name: "too few records", in: Options{Records: 10}, wantErr: "records 10"},
		{name: "too many days", in: Options{Days: 15}, wantErr: "days 15"},
		{name: "negative days", in: Options{Days: -1}, wantErr: "days -1"},
		{name: "prefix with a slash", in: Options{Prefix: "a/b"}, wantErr: "prefix"},
		{name: "prefix too long", in: Options{Prefix: strings.Repeat("a", 25)},
			wantErr: "prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.withDefaults()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error: got %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBatchesStayWithinLimits(t *testing.T) {
	const hour = int64(60 * 60 * 1000)
	small := func(n int, step int64) []event {
		out := make([]event, n)
		for i := range out {
			out[i] = event{timestamp: int64(i) * step, message: "x"}
		}
		return out
	}
	big := strings.Repeat("b", 600_000)
	tests := []struct {
		name   string
		events []event
		want   []int
	}{
		{name: "empty", events: nil, want: nil},
		{name: "one batch", events: small(3, 1), want: []int{3}},
		{name: "count limit", events: small(25_000, 0), want: []int{10_000, 10_000, 5_000}},
		{name: "size limit", events: []event{{0, big}, {1, big}, {2, "x"}},
			want: []int{1, 2}},
		{name: "time span limit", events: []event{{0, "a"}, {23 * hour, "b"},
			{24 * hour, "c"}, {25 * hour, "d"}}, want: []int{2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := batches(tt.events)
			var sizes []int
			var joined []event
			for _, b := range got {
				sizes = append(sizes, len(b))
				joined = append(joined, b...)
			}
			if !equalInts(sizes, tt.want) {
				t.Errorf("batch sizes: got %v, want %v", sizes, tt.want)
			}
			if len(joined) != len(tt.events) {
				t.Errorf("events: got %d back, want %d", len(joined), len(tt.events))
			}
		})
	}
}

// equalInts reports whether two int slices hold the same values.
func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func BenchmarkFillRecords(b *testing.B) {
	for b.Loop() {
		truth := testAccount(1)
		counts := []int{DefaultRecords, defaultGroupLines(DefaultRecords)}
		if _, err := fillRecords(truth, counts); err != nil {
			b.Fatal(err)
		}
	}
}
