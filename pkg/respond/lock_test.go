package respond

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// busyMessage is the answer to an action on a locked instance.
const busyMessage = "another isolation action on web-1 (i-1) is in progress; " +
	"try again in a minute"

// holdLock gives the fake's instance a lock group expiring at expires,
// with the tag value given, and returns its id.
func holdLock(f *fakeEC2, expires string) string {
	l := LockGroup{ID: "sg-10cold", Tags: map[string]string{}}
	if expires != "" {
		l.Tags[LockExpiresTag] = expires
	}
	f.locks[LockGroupName(f.id)] = l
	return l.ID
}

// expiresIn formats a time a duration from now as a lock's expiry.
func expiresIn(d time.Duration) string {
	return time.Now().Add(d).UTC().Format(time.RFC3339)
}

func TestLockBusy(t *testing.T) {
	tests := []struct {
		name    string
		expires string
		action  func(context.Context, EC2, Instance) (Audit, error)
		want    string
	}{
		{"isolate", expiresIn(time.Minute), Isolate, busyMessage},
		{"un-isolate", expiresIn(time.Minute), Restore, busyMessage},
		{"no expiry", "", Isolate, "no readable " + LockExpiresTag},
		{"unreadable expiry", "tomorrow", Isolate, "delete the security group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			setRecord(f, "eni-1=sg-0eb1:sg-0551")
			tags := maps.Clone(f.tags)
			id := holdLock(f, tt.expires)
			a, err := tt.action(context.Background(), f, f.instance())
			if err == nil || !strings.Contains(failure.MessageOf(err), tt.want) ||
				a.Outcome != OutcomeFailed {
				t.Fatalf("got %s %v, want a failure saying %q", a.Outcome, err, tt.want)
			}
			if changedAnything(f) || !maps.Equal(f.tags, tags) {
				t.Errorf("got calls %v, want no change", f.calls)
			}
			if f.locks[LockGroupName(f.id)].ID != id {
				t.Errorf("got locks %v, want the other action's kept", f.locks)
			}
		})
	}
}

func TestLockStaleTakeover(t *testing.T) {
	f := newFake()
	old := holdLock(f, expiresIn(-time.Second))
	a, err := Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeIsolated, "expired at", "")
	wantGroups(t, f, map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-150b"}})
	if !strings.Contains(strings.Join(f.calls, ","), "unlock "+old+",lock") {
		t.Errorf("got calls %v, want the expired lock deleted by id, "+
			"then a new one", f.calls)
	}
	if len(f.locks) != 0 {
		t.Errorf("got locks %v after the action, want none", f.locks)
	}
}

func TestLockTakenOverByAnotherFirst(t *testing.T) {
	f := newFake()
	old := holdLock(f, expiresIn(-time.Second))
	fresh := LockGroup{ID: "sg-10cfresh",
		Tags: map[string]string{LockExpiresTag: expiresIn(time.Minute)}}
	// Another action deletes the expired lock and takes its own just
	// before this one deletes by the id it read.
	f.hook = func(call string) {
		if call == "unlock "+old {
			f.locks[LockGroupName(f.id)] = fresh
		}
	}
	_, err := Isolate(context.Background(), f, f.instance())
	if err == nil || !strings.Contains(failure.MessageOf(err), busyMessage) {
		t.Fatalf("got %v, want busy", err)
	}
	if f.locks[LockGroupName(f.id)].ID != fresh.ID || changedAnything(f) {
		t.Errorf("got locks %v and calls %v, want the fresh lock kept and "+
			"no change", f.locks, f.calls)
	}
}

func TestLockReleased(t *testing.T) {
	tests := []struct {
		name    string
		setUp   func(f *fakeEC2, cancel func())
		outcome string
		groups  map[string][]string
	}{
		{"after success", func(*fakeEC2, func()) {}, OutcomeIsolated,
			map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-150b"}}},
		{"after a failure", func(f *fakeEC2, _ func()) { f.failPut = true },
			OutcomeFailed, original},
		{"at the deadline", func(f *fakeEC2, cancel func()) {
			f.hook = func(call string) {
				if call == "set eni-2 sg-150b" {
					cancel()
				}
			}
		}, OutcomeFailed, original},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.setUp(f, cancel)
			a, _ := Isolate(ctx, f, f.instance())
			if a.Outcome != tt.outcome {
				t.Errorf("got outcome %s (%v), want %s", a.Outcome, a.Err, tt.outcome)
			}
			wantGroups(t, f, tt.groups)
			if len(f.locks) != 0 || !strings.HasPrefix(f.calls[len(f.calls)-1], "unlock") {
				t.Errorf("got locks %v and calls %v, want the lock released last",
					f.locks, f.calls)
			}
		})
	}
}

func TestLockNotReleasedIsNoted(t *testing.T) {
	f := newFake()
	f.failRelease = true
	a, err := Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeIsolated, "could not be removed", "")
}

func TestActionReadsTheInstanceUnderTheLock(t *testing.T) {
	f := newFake()
	before := f.instance()
	if _, err := Isolate(context.Background(), f, f.instance()); err != nil {
		t.Fatal(err)
	}
	// The un-isolate was asked with what was read before the isolate.
	a, err := Restore(context.Background(), f, before)
	checkRestore(t, a, err, OutcomeRestored, "", "")
	wantGroups(t, f, original)
}

func TestLockFarInTheFutureIsTakenOver(t *testing.T) {
	f := newFake()
	old := holdLock(f, "2099-01-01T00:00:00Z")
	a, err := Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeIsolated, "later than any lock the relay sets", "")
	if !strings.Contains(strings.Join(f.calls, ","), "unlock "+old+",lock") {
		t.Errorf("got calls %v, want the bogus lock deleted by id, then a new one",
			f.calls)
	}
}

func TestLockCreatedByARetriedCallIsOurs(t *testing.T) {
	f := newFake()
	f.lostLockAnswer = true
	a, err := Isolate(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeIsolated, "", "")
	wantGroups(t, f, map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-150b"}})
	if len(f.locks) != 0 {
		t.Errorf("got locks %v after the action, want its own released", f.locks)
	}
}
