package respond

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// fakeEC2 keeps an instance's interfaces and tags in memory and fails the
// calls it is told to.
type fakeEC2 struct {
	id, state  string
	ifaces     []Interface
	groups     map[string][]string // interface id -> group ids
	tags       map[string]string
	names      map[string]string // existing group id -> name
	vpcs       map[string]string // existing group id -> VPC id
	revoked    int               // rules IsolationGroup reports revoked
	failGroup  bool
	failSet    map[string]int // interface id -> SetGroups call that fails (1-based)
	setCalls   map[string]int
	failPut    bool
	failDelete bool
	calls      []string
	// locks holds the lock groups by name; failRelease fails DeleteLock.
	locks   map[string]LockGroup
	lockSeq int
	// lostLockAnswer makes CreateLock create the group yet answer that it
	// exists, as a create the SDK retried after a lost answer does.
	lostLockAnswer bool
	failRelease    bool
	// hook, when set, runs before each call that reads or changes the
	// instance, with the call's name as calls lists it.
	hook func(call string)
}

// newFake returns a fake holding two interfaces in two VPCs.
func newFake() *fakeEC2 {
	return &fakeEC2{id: "i-1", state: "running",
		ifaces: []Interface{{ID: "eni-1", VPCID: "vpc-a", DeviceIndex: 0},
			{ID: "eni-2", VPCID: "vpc-b", DeviceIndex: 1}},
		groups: map[string][]string{"eni-1": {"sg-0eb1", "sg-0551"}, "eni-2": {"sg-0db1"}},
		tags:   map[string]string{"Name": "web-1"},
		names: map[string]string{"sg-0eb1": "web", "sg-0551": "ssh", "sg-0db1": "db",
			"sg-150a": IsolationGroupName("vpc-a"), "sg-150b": IsolationGroupName("vpc-b")},
		vpcs: map[string]string{"sg-0eb1": "vpc-a", "sg-0551": "vpc-a",
			"sg-0db1": "vpc-b", "sg-150a": "vpc-a", "sg-150b": "vpc-b"},
		failSet: map[string]int{}, setCalls: map[string]int{},
		locks: map[string]LockGroup{},
	}
}

// instance describes the fake's instance as EC2 would.
func (f *fakeEC2) instance() Instance {
	in := Instance{ID: f.id, Name: f.tags["Name"], State: f.state,
		Tags: maps.Clone(f.tags)}
	for _, i := range f.ifaces {
		i.Groups = nil
		for _, g := range f.groups[i.ID] {
			i.Groups = append(i.Groups, Group{ID: g, Name: f.names[g]})
		}
		in.Interfaces = append(in.Interfaces, i)
	}
	return in
}

// step records a call and runs the hook before it.
func (f *fakeEC2) step(call string) {
	f.calls = append(f.calls, call)
	if f.hook != nil {
		f.hook(call)
	}
}

var errRefused = failure.New(failure.Upstream, "AWS refused the call")

func (f *fakeEC2) Instance(_ context.Context, _ string) (Instance, error) {
	f.step("instance")
	return f.instance(), nil
}

func (f *fakeEC2) IsolationGroup(_ context.Context, vpc string) (IsolationGroup, error) {
	f.calls = append(f.calls, "group "+vpc)
	if f.failGroup {
		return IsolationGroup{}, errRefused
	}
	return IsolationGroup{ID: "sg-150" + strings.TrimPrefix(vpc, "vpc-"),
		Revoked: f.revoked}, nil
}

func (f *fakeEC2) Groups(_ context.Context, ids []string) (map[string]Group, error) {
	out := map[string]Group{}
	for _, id := range ids {
		if n, ok := f.names[id]; ok {
			out[id] = Group{ID: id, Name: n, VPCID: f.vpcs[id]}
		}
	}
	return out, nil
}

// SetGroups fails, as AWS's client would, when its context is done.
func (f *fakeEC2) SetGroups(ctx context.Context, iface string, groups []string) error {
	f.setCalls[iface]++
	f.step("set " + iface + " " + strings.Join(groups, ","))
	if f.failSet[iface] == f.setCalls[iface] {
		return errRefused
	}
	if err := ctx.Err(); err != nil {
		return failure.Wrap(err, failure.Upstream, "the request's time is up")
	}
	f.groups[iface] = slices.Clone(groups)
	return nil
}

func (f *fakeEC2) PutTags(_ context.Context, _ string, tags []Tag) error {
	f.step("tag")
	if f.failPut {
		return errRefused
	}
	for _, t := range tags {
		f.tags[t.Key] = t.Value
	}
	return nil
}

func (f *fakeEC2) DeleteTags(_ context.Context, _ string, keys []string) error {
	f.step("untag")
	if f.failDelete {
		return errRefused
	}
	for _, k := range keys {
		delete(f.tags, k)
	}
	return nil
}

func (f *fakeEC2) CreateLock(_ context.Context, _, name string,
	tags []Tag) (string, bool, error) {
	f.step("lock")
	if _, ok := f.locks[name]; ok {
		return "", false, nil
	}
	f.lockSeq++
	l := LockGroup{ID: "sg-10c" + strconv.Itoa(f.lockSeq), Tags: map[string]string{}}
	for _, t := range tags {
		l.Tags[t.Key] = t.Value
	}
	f.locks[name] = l
	if f.lostLockAnswer {
		return "", false, nil
	}
	return l.ID, true, nil
}

func (f *fakeEC2) FindLock(_ context.Context, _, name string) (LockGroup, bool, error) {
	f.step("find lock")
	l, ok := f.locks[name]
	return l, ok, nil
}

// DeleteLock fails, as AWS's client would, when its context is done.
func (f *fakeEC2) DeleteLock(ctx context.Context, id string) error {
	f.step("unlock " + id)
	if err := ctx.Err(); err != nil {
		return failure.Wrap(err, failure.Upstream, "the request's time is up")
	}
	if f.failRelease {
		return errRefused
	}
	for name, l := range f.locks {
		if l.ID == id {
			delete(f.locks, name)
		}
	}
	return nil
}

// changedAnything reports whether the fake was asked to change groups or
// tags.
func changedAnything(f *fakeEC2) bool {
	return slices.ContainsFunc(f.calls, func(c string) bool {
		return strings.HasPrefix(c, "set") || c == "tag" || c == "untag"
	})
}

// wantGroups checks the groups of every interface.
func wantGroups(t *testing.T, f *fakeEC2, want map[string][]string) {
	t.Helper()
	for id, groups := range want {
		if !slices.Equal(f.groups[id], groups) {
			t.Errorf("interface %s holds %v, want %v", id, f.groups[id], groups)
		}
	}
}

// original is the fake's groups before any action.
var original = map[string][]string{"eni-1": {"sg-0eb1", "sg-0551"}, "eni-2": {"sg-0db1"}}

func TestIsolateAndRestoreEveryInterface(t *testing.T) {
	f := newFake()
	a, err := Isolate(context.Background(), f, f.instance())
	if err != nil || a.Outcome != OutcomeIsolated {
		t.Fatalf("isolate: %v %v", a.Outcome, err)
	}
	wantGroups(t, f, map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-150b"}})
	if !f.instance().Recorded() || len(a.Interfaces) != 2 ||
		!slices.Equal(a.Interfaces[0].After, []string{"sg-150a"}) ||
		!slices.Equal(a.Interfaces[0].Before, original["eni-1"]) {
		t.Errorf("got audit %+v and tags %v, want both interfaces recorded",
			a.Interfaces, f.tags)
	}
	a, err = Restore(context.Background(), f, f.instance())
	if err != nil || a.Outcome != OutcomeRestored || len(a.Notes) != 0 {
		t.Fatalf("restore: %v %v %v", a.Outcome, a.Notes, err)
	}
	wantGroups(t, f, original)
	if f.instance().Recorded() || len(f.tags) != 1 {
		t.Errorf("tags after restore: %v, want only Name", f.tags)
	}
}

func TestIsolateRollsBack(t *testing.T) {
	tests := []struct {
		name       string
		breakFake  func(*fakeEC2)
		wantGroups map[string][]string
		recordKept bool
		message    string
	}{
		{"recording fails", func(f *fakeEC2) { f.failPut = true },
			original, false, "nothing was changed"},
		{"second interface fails", func(f *fakeEC2) { f.failSet["eni-2"] = 1 },
			original, false, "every change was undone"},
		{"second interface and the undo fail",
			func(f *fakeEC2) { f.failSet["eni-2"] = 1; f.failSet["eni-1"] = 2 },
			map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-0db1"}},
			true, "eni-1 could not be put back"},
		{"removing the record fails",
			func(f *fakeEC2) { f.failSet["eni-2"] = 1; f.failDelete = true },
			original, true, "record tags could not be removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			tt.breakFake(f)
			a, err := Isolate(context.Background(), f, f.instance())
			if err == nil || !strings.Contains(failure.MessageOf(err), tt.message) {
				t.Fatalf("got error %v, want one saying %q", err, tt.message)
			}
			if failure.KindOf(err) != failure.Upstream || a.Outcome != OutcomeFailed {
				t.Errorf("got kind %v outcome %s, want upstream, failed",
					failure.KindOf(err), a.Outcome)
			}
			wantGroups(t, f, tt.wantGroups)
			if f.instance().Recorded() != tt.recordKept {
				t.Errorf("got tags %v, want record kept %v", f.tags, tt.recordKept)
			}
			if !errors.Is(err, errRefused) {
				t.Errorf("error %v does not keep its cause", err)
			}
		})
	}
}

func TestIsolateTwiceKeepsTheRecord(t *testing.T) {
	f := newFake()
	if _, err := Isolate(context.Background(), f, f.instance()); err != nil {
		t.Fatal(err)
	}
	before := maps.Clone(f.tags)
	f.calls = nil
	a, err := Isolate(context.Background(), f, f.instance())
	if err != nil || a.Outcome != OutcomeUnchanged || changedAnything(f) {
		t.Fatalf("got %s %v with calls %v, want unchanged and no change",
			a.Outcome, err, f.calls)
	}
	if !maps.Equal(before, f.tags) || len(a.Notes) != 1 ||
		!strings.Contains(a.Notes[0].Message, "already isolated") {
		t.Errorf("got tags %v notes %v, want the record kept and a note", f.tags, a.Notes)
	}
}

func TestIsolateRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setUp func(*fakeEC2)
		want  string
	}{
		{"terminated", func(f *fakeEC2) { f.state = "terminated" }, "terminated"},
		{"shutting down", func(f *fakeEC2) { f.state = "shutting-down" }, "shutting-down"},
		{"no interfaces", func(f *fakeEC2) { f.ifaces = nil }, "no network interface"},
		{"damaged record", func(f *fakeEC2) { f.tags[recordPrefix+"1/3"] = "eni-1=sg-a" },
			"damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			tt.setUp(f)
			_, err := Isolate(context.Background(), f, f.instance())
			if err == nil || !strings.Contains(failure.MessageOf(err), tt.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tt.want)
			}
			if changedAnything(f) {
				t.Errorf("got calls %v, want no change", f.calls)
			}
		})
	}
}

func TestIsolateSkipsAnInterfaceAlreadyIsolated(t *testing.T) {
	f := newFake()
	f.groups["eni-2"] = []string{"sg-150b"}
	a, err := Isolate(context.Background(), f, f.instance())
	if err != nil || a.Outcome != OutcomeIsolated {
		t.Fatal(a.Outcome, err)
	}
	rec, _, _ := ReadRecord(f.instance())
	if len(rec.Entries) != 1 || rec.Entries[0].InterfaceID != "eni-1" {
		t.Errorf("got record %v, want only eni-1", rec.Entries)
	}
	if len(a.Notes) != 1 || !strings.Contains(a.Notes[0].Message, "eni-2") {
		t.Errorf("got notes %v, want one naming eni-2", a.Notes)
	}
}

func TestRestore(t *testing.T) {
	tests := []struct {
		name       string
		setUp      func(*fakeEC2)
		wantGroups map[string][]string
		outcome    string
		note       string
		err        string
	}{
		{"a deleted group is left out and named",
			func(f *fakeEC2) { delete(f.names, "sg-0551") },
			map[string][]string{"eni-1": {"sg-0eb1"}, "eni-2": {"sg-0db1"}},
			OutcomeRestored, "sg-0551", ""},
		{"no recorded group left keeps the instance isolated",
			func(f *fakeEC2) { delete(f.names, "sg-0db1") },
			map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-150b"}},
			OutcomeFailed, "", "stays isolated"},
		{"a failed change puts every interface back in isolation",
			func(f *fakeEC2) { f.failSet["eni-2"] = 2 },
			map[string][]string{"eni-1": {"sg-150a"}, "eni-2": {"sg-150b"}},
			OutcomeFailed, "", "put back in isolation"},
		{"a record that cannot be removed is named",
			func(f *fakeEC2) { f.failDelete = true },
			original, OutcomeRestored, "could not be removed", ""},
		{"a detached interface is skipped",
			func(f *fakeEC2) { f.ifaces = f.ifaces[:1] },
			map[string][]string{"eni-1": original["eni-1"]},
			OutcomeRestored, "no longer attached", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if _, err := Isolate(context.Background(), f, f.instance()); err != nil {
				t.Fatal(err)
			}
			tt.setUp(f)
			a, err := Restore(context.Background(), f, f.instance())
			checkRestore(t, a, err, tt.outcome, tt.note, tt.err)
			wantGroups(t, f, tt.wantGroups)
			wantRecord := tt.outcome == OutcomeFailed || f.failDelete
			if f.instance().Recorded() != wantRecord {
				t.Errorf("got tags %v, want record kept %v", f.tags, wantRecord)
			}
		})
	}
}

// checkRestore checks an action's outcome, note and error.
func checkRestore(t *testing.T, a Audit, err error, outcome, note, message string) {
	t.Helper()
	if a.Outcome != outcome {
		t.Errorf("got outcome %s (%v), want %s", a.Outcome, err, outcome)
	}
	if message != "" && (err == nil || !strings.Contains(failure.MessageOf(err), message)) {
		t.Errorf("got error %v, want one saying %q", err, message)
	}
	if message == "" && err != nil {
		t.Errorf("got error %v, want none", err)
	}
	if note != "" && !slices.ContainsFunc(a.Notes, func(n Note) bool {
		return strings.Contains(n.Message, note)
	}) {
		t.Errorf("got notes %v, want one mentioning %q", a.Notes, note)
	}
}

func TestRestoreWithoutRecord(t *testing.T) {
	f := newFake()
	a, err := Restore(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeUnchanged, "not isolated", "")
	f.groups["eni-2"] = []string{"sg-150b"}
	a, err = Restore(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeFailed, "", "no record")
	if changedAnything(f) {
		t.Errorf("got calls %v, want none", f.calls)
	}
}

func TestRestoreOldRelayRecord(t *testing.T) {
	tests := []struct {
		name, value string
		want        []string
		err         string
	}{
		{"two groups", "sg-0eb1::sg-0551::", []string{"sg-0eb1", "sg-0551"}, ""},
		{"isolated twice by the old relay", "sg-150a::", []string{"sg-150a"},
			"stays isolated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.groups["eni-1"] = []string{"sg-150a"}
			f.tags[LegacyTagKey] = tt.value
			a, err := Restore(context.Background(), f, f.instance())
			if tt.err != "" {
				checkRestore(t, a, err, OutcomeFailed, "", tt.err)
				return
			}
			checkRestore(t, a, err, OutcomeRestored, "", "")
			wantGroups(t, f, map[string][]string{"eni-1": tt.want, "eni-2": {"sg-0db1"}})
			if _, ok := f.tags[LegacyTagKey]; ok {
				t.Errorf("the %s tag is still there", LegacyTagKey)
			}
		})
	}
}
