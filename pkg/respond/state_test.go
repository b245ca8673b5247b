package respond

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestIsolateTakesBackAnotherGroup(t *testing.T) {
	f := isolated(t)
	recorded := f.tags[recordPrefix+"1/1"]
	f.groups["eni-2"] = []string{"sg-150b", "sg-0551"}
	if f.instance().Isolated() {
		t.Errorf("an instance whose interface holds another group beside the " +
			"isolation group reads as isolated")
	}
	a, err := Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeIsolated, "beside sg-0551", "")
	wantGroups(t, f, map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-150b"}})
	if got := f.tags[recordPrefix+"1/1"]; got != recorded {
		t.Errorf("got record %q, want %q kept", got, recorded)
	}
	if _, err := Restore(context.Background(), f, f.instance()); err != nil {
		t.Fatal(err)
	}
	wantGroups(t, f, original)
}

func TestIsolateReplacesAStaleRecord(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		value string
	}{
		{"old relay's tag", LegacyTagKey, "sg-0aa1::"},
		{"left by a stopped action", recordPrefix + "1/1", "eni-1=sg-0aa1 eni-2=sg-0aa2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.tags[tt.key] = tt.value
			a, err := Isolate(context.Background(), f, f.instance())
			checkRestore(t, a, err, OutcomeIsolated, "stale", "")
			if !slices.ContainsFunc(a.Notes, func(n Note) bool {
				return strings.Contains(n.Message, tt.value)
			}) {
				t.Errorf("got notes %v, want the stale value %q kept", a.Notes, tt.value)
			}
			rec, _, err := ReadRecord(f.instance())
			want := []Entry{{"eni-1", original["eni-1"]}, {"eni-2", original["eni-2"]}}
			if err != nil || !slices.EqualFunc(rec.Entries, want, equalEntry) {
				t.Errorf("got record %v (%v), want %v", rec.Entries, err, want)
			}
			if _, ok := f.tags[LegacyTagKey]; ok {
				t.Errorf("got tags %v, want the old relay's tag gone", f.tags)
			}
			if _, err := Restore(context.Background(), f, f.instance()); err != nil {
				t.Fatal(err)
			}
			wantGroups(t, f, original)
		})
	}
}

func TestPick(t *testing.T) {
	a := Instance{ID: "i-a", Name: "web", State: "running"}
	b := Instance{ID: "i-b", State: "stopped"}
	gone := Instance{ID: "i-c", State: "terminated"}
	tests := []struct {
		name  string
		found []Instance
		want  string
		err   string
	}{
		{"none", nil, "", ""},
		{"one", []Instance{a}, "i-a", ""},
		{"a terminated one gives way", []Instance{gone, a}, "i-a", ""},
		{"only terminated ones", []Instance{gone}, "i-c", ""},
		{"two live ones", []Instance{b, a, gone}, "",
			"held by several instances, i-b and web (i-a)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := Pick("10.0.0.5", tt.found)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || ok {
					t.Fatalf("got %v %v, want an error saying %q", ok, err, tt.err)
				}
				return
			}
			if err != nil || ok != (tt.want != "") || got.ID != tt.want {
				t.Errorf("got %q %v %v, want %q", got.ID, ok, err, tt.want)
			}
		})
	}
}
