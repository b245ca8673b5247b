package routes_test

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/awsacct"
	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Stress bounds: rounds of concurrent actions, stopped early once the
// time is spent, so the test stays within a few seconds.
const (
	raceRounds   = 30
	raceTime     = 5 * time.Second
	racePerSide  = 4
	raceJitterMS = 80
)

// TestIsolateRacingUnisolate runs isolate and un-isolate on one
// two-interface instance at once, round after round, and checks after
// each round that every isolated interface has its groups recorded. A
// final un-isolate must give both interfaces their groups back exactly.
//
// The actions run through the relay's own adapter and domain code rather
// than HTTP: the test relay's log buffer is not safe for concurrent
// requests.
func TestIsolateRacingUnisolate(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(3)
	// The second interface holds the launch group too: the emulator lists
	// an attached interface with the instance's launch groups added.
	in := f.launch("race", groups[:1])
	second, _ := f.attach(in, groups)
	iso := f.isolationGroup()
	all := append(slices.Clone(groups), iso)
	addr := netip.MustParseAddr(in.ip)
	iface := map[string]bool{in.eni: true, second: true}
	acct, err := (&awsacct.Opener{}).Open(t.Context(), settings.Settings{
		Region: "us-east-1", AccessKey: "AKIAEMULATORTEST0001", SecretKey: "test"})
	if err != nil {
		t.Fatal(err)
	}
	run := func(action string) { _, _ = runAction(t, acct.Isolation(), action, addr) }

	start := time.Now()
	round := 0
	for ; round < raceRounds && time.Since(start) < raceTime; round++ {
		raceRound(run)
		f.wantRecorded(in.id, iso, iface)
		if t.Failed() {
			t.Fatalf("round %d broke the invariant", round)
		}
	}
	t.Logf("%d rounds in %v", round, time.Since(start))

	// Whatever the rounds left, un-isolating restores the original groups.
	for range 3 {
		if len(f.recordTags(in.id)) == 0 {
			break
		}
		run(respond.ActionUnisolate)
	}
	f.wantGroups(in.eni, all, groups[:1])
	f.wantGroups(second, all, groups)
	if got := f.recordTags(in.id); len(got) != 0 {
		t.Errorf("got record %v after the final un-isolate, want none", got)
	}
}

// raceRound runs racePerSide isolates and as many un-isolates at once,
// each after a random delay, and waits for all of them.
func raceRound(run func(action string)) {
	var wg sync.WaitGroup
	for i := range 2 * racePerSide {
		action := respond.ActionIsolate
		if i%2 == 1 {
			action = respond.ActionUnisolate
		}
		delay := time.Duration(rand.IntN(raceJitterMS)) * time.Millisecond
		wg.Go(func() {
			time.Sleep(delay)
			run(action)
		})
	}
	wg.Wait()
}

// runAction runs an action on the instance holding addr, as the trigger
// route does.
func runAction(t *testing.T, iso *awsacct.Isolation, action string,
	addr netip.Addr) (respond.Audit, error) {
	found, err := iso.Instances(t.Context(), []netip.Addr{addr})
	if err != nil {
		return respond.Audit{}, err
	}
	in, ok := found[addr]
	if !ok {
		t.Errorf("no instance holds %s", addr)
		return respond.Audit{}, nil
	}
	return respond.Run(t.Context(), iso, action, in)
}

// wantRecorded checks the invariant of isolation: every interface among
// ifaces that holds the isolation group has an entry in a readable
// record.
func (f *fixture) wantRecorded(id, iso string, ifaces map[string]bool) {
	f.t.Helper()
	rec, _, err := respond.ReadRecord(respond.Instance{ID: id, Tags: f.tags(id)})
	if err != nil {
		f.t.Errorf("record of %s: %v", id, err)
		return
	}
	for eni := range ifaces {
		if !f.holds(eni, iso) {
			continue
		}
		if !slices.ContainsFunc(rec.Entries, func(e respond.Entry) bool {
			return e.InterfaceID == eni && len(e.Groups) > 0
		}) {
			f.t.Errorf("interface %s is isolated but the record %v lacks it",
				eni, f.recordTags(id))
		}
	}
}

// holds reports whether an interface holds a group.
func (f *fixture) holds(eni, group string) bool {
	f.t.Helper()
	out, err := f.ec2.DescribeNetworkInterfaces(f.t.Context(),
		&ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni},
			Filters: []types.Filter{{Name: aws.String("group-id"),
				Values: []string{group}}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(out.NetworkInterfaces) == 1
}
