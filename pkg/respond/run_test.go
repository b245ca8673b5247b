package respond

import (
	"context"
	"errors"
	"maps"
	"slices"
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
	failSet    map[string]int    // interface id -> SetGroups call that fails (1-based)
	setCalls   map[string]int
	failPut    bool
	failDelete bool
	calls      []string
}

// newFake returns a fake holding two interfaces in two VPCs.
func newFake() *fakeEC2 {
	return &fakeEC2{id: "i-1", state: "running",
		ifaces: []Interface{{ID: "eni-1", VPCID: "vpc-a", DeviceIndex: 0},
			{ID: "eni-2", VPCID: "vpc-b", DeviceIndex: 1}},
		groups: map[string][]string{"eni-1": {"sg-web", "sg-ssh"}, "eni-2": {"sg-db"}},
		tags:   map[string]string{"Name": "web-1"},
		names: map[string]string{"sg-web": "web", "sg-ssh": "ssh", "sg-db": "db",
			"sg-iso-a": IsolationGroupName("vpc-a"), "sg-iso-b": IsolationGroupName("vpc-b")},
		failSet: map[string]int{}, setCalls: map[string]int{},
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

var errRefused = failure.New(failure.Upstream, "AWS refused the call")

func (f *fakeEC2) IsolationGroup(_ context.Context, vpc string) (string, error) {
	f.calls = append(f.calls, "group "+vpc)
	return "sg-iso-" + strings.TrimPrefix(vpc, "vpc-"), nil
}

func (f *fakeEC2) GroupNames(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if n, ok := f.names[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

func (f *fakeEC2) SetGroups(_ context.Context, iface string, groups []string) error {
	f.setCalls[iface]++
	f.calls = append(f.calls, "set "+iface+" "+strings.Join(groups, ","))
	if f.failSet[iface] == f.setCalls[iface] {
		return errRefused
	}
	f.groups[iface] = slices.Clone(groups)
	return nil
}

func (f *fakeEC2) PutTags(_ context.Context, _ string, tags []Tag) error {
	f.calls = append(f.calls, "tag")
	if f.failPut {
		return errRefused
	}
	for _, t := range tags {
		f.tags[t.Key] = t.Value
	}
	return nil
}

func (f *fakeEC2) DeleteTags(_ context.Context, _ string, keys []string) error {
	f.calls = append(f.calls, "untag")
	if f.failDelete {
		return errRefused
	}
	for _, k := range keys {
		delete(f.tags, k)
	}
	return nil
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
var original = map[string][]string{"eni-1": {"sg-web", "sg-ssh"}, "eni-2": {"sg-db"}}

func TestIsolateAndRestoreEveryInterface(t *testing.T) {
	f := newFake()
	a, err := Isolate(context.Background(), f, f.instance())
	if err != nil || a.Outcome != OutcomeIsolated {
		t.Fatalf("isolate: %v %v", a.Outcome, err)
	}
	wantGroups(t, f, map[string][]string{"eni-1": {"sg-iso-a"}, "eni-2": {"sg-iso-b"}})
	if !f.instance().Isolated() || len(a.Interfaces) != 2 ||
		!slices.Equal(a.Interfaces[0].After, []string{"sg-iso-a"}) ||
		!slices.Equal(a.Interfaces[0].Before, original["eni-1"]) {
		t.Errorf("got audit %+v and tags %v, want both interfaces recorded",
			a.Interfaces, f.tags)
	}
	a, err = Restore(context.Background(), f, f.instance())
	if err != nil || a.Outcome != OutcomeRestored || len(a.Notes) != 0 {
		t.Fatalf("restore: %v %v %v", a.Outcome, a.Notes, err)
	}
	wantGroups(t, f, original)
	if f.instance().Isolated() || len(f.tags) != 1 {
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
			map[string][]string{"eni-1": {"sg-iso-a"}, "eni-2": {"sg-db"}},
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
			if f.instance().Isolated() != tt.recordKept {
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
	if err != nil || a.Outcome != OutcomeUnchanged || len(f.calls) != 0 {
		t.Fatalf("got %s %v with calls %v, want unchanged and no call",
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
			if slices.ContainsFunc(f.calls, func(c string) bool {
				return strings.HasPrefix(c, "set") || c == "tag"
			}) {
				t.Errorf("got calls %v, want no change", f.calls)
			}
		})
	}
}

func TestIsolateSkipsAnInterfaceAlreadyIsolated(t *testing.T) {
	f := newFake()
	f.groups["eni-2"] = []string{"sg-iso-b"}
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
			func(f *fakeEC2) { delete(f.names, "sg-ssh") },
			map[string][]string{"eni-1": {"sg-web"}, "eni-2": {"sg-db"}},
			OutcomeRestored, "sg-ssh", ""},
		{"no recorded group left keeps the instance isolated",
			func(f *fakeEC2) { delete(f.names, "sg-db") },
			map[string][]string{"eni-1": {"sg-iso-a"}, "eni-2": {"sg-iso-b"}},
			OutcomeFailed, "", "stays isolated"},
		{"a failed change puts every interface back in isolation",
			func(f *fakeEC2) { f.failSet["eni-2"] = 2 },
			map[string][]string{"eni-1": {"sg-iso-a"}, "eni-2": {"sg-iso-b"}},
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
			if f.instance().Isolated() != wantRecord {
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
	f.groups["eni-2"] = []string{"sg-iso-b"}
	a, err = Restore(context.Background(), f, f.instance())
	checkRestore(t, a, err, OutcomeFailed, "", "no record")
	if len(f.calls) != 0 {
		t.Errorf("got calls %v, want none", f.calls)
	}
}

func TestRestoreOldRelayRecord(t *testing.T) {
	tests := []struct {
		name, value string
		want        []string
		err         string
	}{
		{"two groups", "sg-web::sg-ssh::", []string{"sg-web", "sg-ssh"}, ""},
		{"isolated twice by the old relay", "sg-iso-a::", []string{"sg-iso-a"},
			"stays isolated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.groups["eni-1"] = []string{"sg-iso-a"}
			f.tags[LegacyTagKey] = tt.value
			a, err := Restore(context.Background(), f, f.instance())
			if tt.err != "" {
				checkRestore(t, a, err, OutcomeFailed, "", tt.err)
				return
			}
			checkRestore(t, a, err, OutcomeRestored, "", "")
			wantGroups(t, f, map[string][]string{"eni-1": tt.want, "eni-2": {"sg-db"}})
			if _, ok := f.tags[LegacyTagKey]; ok {
				t.Errorf("the %s tag is still there", LegacyTagKey)
			}
		})
	}
}
