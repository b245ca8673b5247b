package respond

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// isolated returns a fake whose instance was isolated, its calls cleared.
func isolated(t *testing.T) *fakeEC2 {
	t.Helper()
	f := newFake()
	if _, err := Isolate(context.Background(), f, f.instance()); err != nil {
		t.Fatal(err)
	}
	f.calls = nil
	return f
}

func TestRestoreRefusesAndChangesNothing(t *testing.T) {
	tests := []struct {
		name  string
		setUp func(*fakeEC2)
		want  string
	}{
		{"stale record",
			func(f *fakeEC2) { maps.Copy(f.groups, original) }, "stale"},
		{"empty record", func(f *fakeEC2) { setRecord(f, "") }, "stays isolated"},
		{"foreign record", func(f *fakeEC2) { setRecord(f, "eni-9=sg-0eb1") },
			"stays isolated"},
		{"one interface left out", func(f *fakeEC2) { setRecord(f, "eni-1=sg-0eb1") },
			"eni-2 holds the isolation group"},
		{"not a group id", func(f *fakeEC2) { setRecord(f, "eni-1=sg-web eni-2=sg-0db1") },
			"damaged"},
		{"upper case", func(f *fakeEC2) { setRecord(f, "eni-1=sg-0EB1 eni-2=sg-0db1") },
			"damaged"},
		{"repeated group", func(f *fakeEC2) {
			setRecord(f, "eni-1=sg-0eb1:sg-0eb1 eni-2=sg-0db1")
		}, "recorded twice"},
		{"group of another VPC", func(f *fakeEC2) {
			setRecord(f, "eni-1=sg-0eb1 eni-2=sg-0551")
		}, "not in the interface's vpc-b"},
		{"old relay's record of another VPC", func(f *fakeEC2) {
			delete(f.tags, recordPrefix+"1/1")
			f.tags[LegacyTagKey] = "sg-0db1::"
		}, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := isolated(t)
			tt.setUp(f)
			before := maps.Clone(f.tags)
			a, err := Restore(context.Background(), f, f.instance())
			if err == nil || !strings.Contains(failure.MessageOf(err), tt.want) ||
				a.Outcome != OutcomeFailed {
				t.Fatalf("got %s %v, want a failure mentioning %q", a.Outcome, err, tt.want)
			}
			if changedAnything(f) || !maps.Equal(before, f.tags) {
				t.Errorf("got calls %v and tags %v, want no change", f.calls, f.tags)
			}
		})
	}
}

// setRecord replaces the fake's record with one tag holding value.
func setRecord(f *fakeEC2, value string) {
	for k := range f.tags {
		if strings.HasPrefix(k, recordPrefix) {
			delete(f.tags, k)
		}
	}
	f.tags[recordPrefix+"1/1"] = value
}

func TestGroupsNamedLikeAnIsolationGroupAreUsers(t *testing.T) {
	f := newFake()
	f.names["sg-0c1"] = "SecureX-EC2_Isolation-custom"
	f.names["sg-0c2"] = IsolationGroupName("vpc-b")
	f.vpcs["sg-0c1"], f.vpcs["sg-0c2"] = "vpc-a", "vpc-a"
	f.groups["eni-1"] = []string{"sg-0eb1", "sg-0c1", "sg-0c2"}
	want := map[string][]string{"eni-1": {"sg-0eb1", "sg-0c1", "sg-0c2"},
		"eni-2": {"sg-0db1"}}
	if _, err := Isolate(context.Background(), f, f.instance()); err != nil {
		t.Fatal(err)
	}
	a, err := Restore(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeRestored, "", "")
	wantGroups(t, f, want)
}

func TestIsolateEmptiesTheIsolationGroup(t *testing.T) {
	f := newFake()
	f.revoked = 2
	a, err := Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeIsolated, "held 2 rules", "")

	f = newFake()
	f.failGroup = true
	a, err = Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeFailed, "", "nothing was changed")
	if changedAnything(f) {
		t.Errorf("got calls %v, want no change", f.calls)
	}
}

func TestIsolateFinishesAPartlyIsolatedRecord(t *testing.T) {
	f := isolated(t)
	f.groups["eni-2"] = []string{"sg-0db1", "sg-0551"}
	a, err := Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeIsolated, "", "")
	wantGroups(t, f, map[string][]string{"eni-1": {"sg-150a"},
		"eni-2": {"sg-150b"}})
	rec, _, _ := ReadRecord(f.instance())
	want := []Entry{{"eni-1", original["eni-1"]}, {"eni-2", []string{"sg-0db1", "sg-0551"}}}
	if !slices.EqualFunc(rec.Entries, want, equalEntry) {
		t.Errorf("got record %v, want %v", rec.Entries, want)
	}
}

// equalEntry compares two record entries.
func equalEntry(a, b Entry) bool {
	return a.InterfaceID == b.InterfaceID && slices.Equal(a.Groups, b.Groups)
}
