package respond

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestConcurrentActionsKeepTheRecord plays the interleavings of an isolate
// and an un-isolate of the same instance step by step: the fake runs the
// other action, or one step of it, just before the named call (its n-th
// when the name ends in #n). Whatever
// each answers, every isolated interface must keep its record entry, and
// a last un-isolate must restore the original groups.
func TestConcurrentActionsKeepTheRecord(t *testing.T) {
	tests := []struct {
		name     string
		isolated bool // the instance is isolated before first runs
		first    func(*fakeEC2) error
		at       string
		other    func(*fakeEC2)
		wantErr  bool
	}{
		{"un-isolate after the record, before any change", false, isolate,
			"set eni-1 sg-150a", restore, false},
		{"un-isolate between the two changes", false, isolate,
			"set eni-2 sg-150b", restore, true},
		// The first read is the one under the lock; the second verifies.
		{"un-isolate after the changes", false, isolate, "instance#2", restore, true},
		{"isolation lands after un-isolate removed the record", true, unisolate,
			"untag", isolateStep("eni-2", "sg-150b"), true},
		{"isolation lands before un-isolate removes the record", true, unisolate,
			"set eni-2 sg-0db1", isolateStep("eni-1", "sg-150a"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.isolated {
				if _, err := Isolate(context.Background(), f, f.instance()); err != nil {
					t.Fatal(err)
				}
			}
			// The other action runs as if the first one's lock had been
			// lost (taken over after it expired): verification is what
			// keeps the record then.
			at, nth, _ := strings.Cut(tt.at, "#")
			seen := 0
			f.hook = func(call string) {
				if call == at {
					seen++
				}
				if call == at && strconv.Itoa(seen) == cmp.Or(nth, "1") {
					f.hook = nil
					clear(f.locks)
					tt.other(f)
				}
			}
			err := tt.first(f)
			if f.hook != nil {
				t.Fatalf("no call %q was made: %v", tt.at, f.calls)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("got error %v, want one: %v", err, tt.wantErr)
			}
			wantInvariant(t, f)
			_, _ = Restore(context.Background(), f, f.instance())
			wantGroups(t, f, original)
			if f.instance().Recorded() {
				t.Errorf("got tags %v after the final un-isolate, want none", f.tags)
			}
		})
	}
}

// isolate and unisolate run an action on the fake's instance as it is.
func isolate(f *fakeEC2) error {
	_, err := Isolate(context.Background(), f, f.instance())
	return err
}

func unisolate(f *fakeEC2) error {
	_, err := Restore(context.Background(), f, f.instance())
	return err
}

// restore runs an un-isolate as the other action.
func restore(f *fakeEC2) { _ = unisolate(f) }

// isolateStep makes the one change of a concurrent isolate that the
// action under test can see: an interface given its isolation group.
func isolateStep(iface, group string) func(*fakeEC2) {
	return func(f *fakeEC2) { f.groups[iface] = []string{group} }
}

// wantInvariant checks that every interface holding an isolation group
// has an entry in a readable record.
func wantInvariant(t *testing.T, f *fakeEC2) {
	t.Helper()
	in := f.instance()
	rec, _, err := ReadRecord(in)
	if err != nil {
		t.Fatalf("read the record: %v", err)
	}
	for _, i := range in.Interfaces {
		if i.isolated() && !slices.ContainsFunc(rec.Entries, func(e Entry) bool {
			return e.InterfaceID == i.ID && len(e.Groups) > 0
		}) {
			t.Errorf("interface %s is isolated, but the record %v lacks it",
				i.ID, f.tags)
		}
	}
}
