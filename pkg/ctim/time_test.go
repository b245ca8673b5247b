package ctim

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimeMarshalJSON(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	pst := time.FixedZone("PST", -8*3600)
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"UTC whole second",
			time.Date(2026, 12, 4, 14, 52, 11, 0, time.UTC),
			`"2026-12-04T14:52:11.000Z"`},
		{"positive offset becomes Z",
			time.Date(2026, 12, 4, 20, 22, 11, 0, ist),
			`"2026-12-04T14:52:11.000Z"`},
		{"negative offset crosses midnight",
			time.Date(2026, 12, 31, 20, 0, 0, 0, pst),
			`"2027-01-01T04:00:00.000Z"`},
		{"milliseconds kept",
			time.Date(2026, 12, 4, 14, 52, 11, 123e6, time.UTC),
			`"2026-12-04T14:52:11.123Z"`},
		{"milliseconds zero padded",
			time.Date(2026, 12, 4, 14, 52, 11, 5e6, time.UTC),
			`"2026-12-04T14:52:11.005Z"`},
		{"below a millisecond dropped",
			time.Date(2026, 12, 4, 14, 52, 11, 999999, time.UTC),
			`"2026-12-04T14:52:11.000Z"`},
		{"not rounded up",
			time.Date(2026, 12, 4, 14, 52, 11, 123999999, time.UTC),
			`"2026-12-04T14:52:11.123Z"`},
		{"short fields padded",
			time.Date(987, 1, 2, 3, 4, 5, 6e6, time.UTC),
			`"0987-01-02T03:04:05.006Z"`},
		{"local time zone", time.Unix(1764859931, 0).In(time.Local),
			`"2025-12-04T14:52:11.000Z"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(TimeOf(tc.in))
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("Marshal = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestTimeMarshalRejectsFiveDigitYear(t *testing.T) {
	_, err := json.Marshal(TimeOf(time.Date(10000, 1, 1, 0, 0, 0, 0,
		time.UTC)))

	if err == nil {
		t.Fatal("Marshal of year 10000: got no error")
	}
}

func TestTimeString(t *testing.T) {
	in := time.Date(2026, 12, 4, 9, 52, 11, 40e6,
		time.FixedZone("", -5*3600))

	got, want := TimeOf(in).String(), "2026-12-04T14:52:11.040Z"
	if got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestTimeUnmarshalJSON(t *testing.T) {
	want := time.Date(2026, 12, 4, 14, 52, 11, 500e6, time.UTC)
	tests := []struct {
		name string
		in   string
	}{
		{"CTIM form", `"2026-12-04T14:52:11.500Z"`},
		{"offset", `"2026-12-04T20:22:11.5+05:30"`},
		{"nanoseconds", `"2026-12-04T14:52:11.500000000Z"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got Time
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !got.Std().Equal(want) {
				t.Errorf("Unmarshal = %v, want %v", got.Std(), want)
			}
		})
	}
}

func TestTimeUnmarshalNullKeepsValue(t *testing.T) {
	before := TimeOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	got := before

	if err := json.Unmarshal([]byte("null"), &got); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if !got.Std().Equal(before.Std()) {
		t.Errorf("Unmarshal null changed %v to %v", before, got)
	}
}

func TestTimeUnmarshalRejects(t *testing.T) {
	for _, in := range []string{`"yesterday"`, `1764860400`,
		`"2026-12-04 14:52:11"`, `"2026-12-04"`} {
		t.Run(in, func(t *testing.T) {
			var got Time
			if err := json.Unmarshal([]byte(in), &got); err == nil {
				t.Errorf("Unmarshal(%s) = %v, want an error", in, got)
			}
		})
	}
}

func TestTimeRoundTripValidates(t *testing.T) {
	in := time.Date(2026, 12, 4, 14, 52, 11, 7e6, time.FixedZone("", 3600))
	raw, err := json.Marshal(TimeOf(in))
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}

	c := &checker{}
	timestamp(c, "t", text)
	if c.errs != nil {
		t.Errorf("marshalled time %s fails validation: %v", raw, c.errs)
	}
}
