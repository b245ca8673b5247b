package routes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
)

// Stress bounds: rounds of concurrent triggers, stopped early once the
// time is spent, so the test stays within a few seconds.
const (
	raceRounds   = 40
	raceTime     = 5 * time.Second
	racePerSide  = 3
	raceJitterMS = 60
	// raceGroups is how many groups each of the three interfaces holds:
	// enough that the record needs several tags.
	raceGroups = 16
)

// busyPart is in the answer to an action on an instance another action
// holds.
const busyPart = "is in progress; try again in a minute"

// TestIsolateRacingUnisolate sends isolate and un-isolate triggers for one
// three-interface instance at once, round after round, through the relay.
// Each interface holds 16 groups, so the record spans several tags. After
// each round every interface that holds the isolation group must have
// its complete groups in the one record, and a failure may only be the
// busy answer. A final un-isolate must give every interface its groups
// back exactly.
func TestIsolateRacingUnisolate(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(raceGroups + 2)
	in := f.launch("race", groups[:raceGroups])
	want := map[string][]string{in.eni: groups[:raceGroups]}
	for n := range 2 {
		eni, _ := f.attachAt(in, int32(n+1), groups[n+1:n+1+raceGroups])
		want[eni] = groups[n+1 : n+1+raceGroups]
	}
	iso := f.isolationGroup()
	all := append(slices.Clone(groups), iso)

	var tally raceTally
	start := time.Now()
	round := 0
	for ; round < raceRounds && time.Since(start) < raceTime; round++ {
		raceRound(&tally, in.ip)
		f.wantRecorded(in.id, iso, want)
		if t.Failed() {
			t.Fatalf("round %d broke the invariant; answers so far: %s", round, &tally)
		}
	}
	t.Logf("%d rounds in %v: %s", round, time.Since(start).Round(time.Millisecond),
		&tally)
	for _, m := range tally.unexpected {
		t.Errorf("unexpected failure: %s", m)
	}

	// Whatever the rounds left, isolating isolates the instance (or finds
	// it isolated), and un-isolating then restores the original groups.
	if got, r := trigger(t, respond.ActionIsolate, in.ip); got != "success" {
		t.Fatalf("the final isolate: got %s", r.raw)
	}
	wantStatus(t, respond.ActionUnisolate, in.ip, "success", "")
	for eni, groups := range want {
		f.wantGroups(eni, all, groups)
	}
	if got := f.recordTags(in.id); len(got) != 0 {
		t.Errorf("got record %v after the final un-isolate, want none", got)
	}
	if f.lockHeld(in.id) {
		t.Errorf("the lock group of %s is left after every action ended", in.id)
	}
}

// raceTally counts the answers of the stress test's triggers.
type raceTally struct {
	mu                    sync.Mutex
	success, busy, errors int
	unexpected            []string
}

// add counts one answer.
func (r *raceTally) add(status string, messages []string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err != nil:
		r.errors++
		r.unexpected = append(r.unexpected, err.Error())
	case status == "success":
		r.success++
	case len(messages) > 0 && strings.Contains(messages[0], busyPart):
		r.busy++
	default:
		r.unexpected = append(r.unexpected, strings.Join(messages, "; "))
	}
}

// String sums the answers up.
func (r *raceTally) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("%d success, %d busy, %d other failures, %d errors",
		r.success, r.busy, len(r.unexpected)-r.errors, r.errors)
}

// raceRound sends racePerSide isolates and as many un-isolates at once,
// each after a random delay, and waits for all of them.
func raceRound(tally *raceTally, ip string) {
	var wg sync.WaitGroup
	for i := range 2 * racePerSide {
		action := respond.ActionIsolate
		if i%2 == 1 {
			action = respond.ActionUnisolate
		}
		delay := time.Duration(rand.IntN(raceJitterMS)) * time.Millisecond
		wg.Go(func() {
			time.Sleep(delay)
			tally.add(sendTrigger(action, ip))
		})
	}
	wg.Wait()
}

// sendTrigger runs an action through the relay from any goroutine and
// returns the status and the messages of the answer.
func sendTrigger(action, ip string) (string, []string, error) {
	body, _ := json.Marshal(map[string]string{"action-id": action,
		"observable_type": "ip", "observable_value": ip})
	tok, err := auth.SignHS256(secret, claims(map[string]any{"sub": "stress"}))
	if err != nil {
		return "", nil, fmt.Errorf("sign: %w", err)
	}
	req, err := http.NewRequest("POST", relayURL+"/respond/trigger",
		bytes.NewReader(body))
	if err != nil {
		return "", nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", action, err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   struct{ Status string }
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return "", nil, fmt.Errorf("%s: decode the answer: %w", action, err)
	}
	var messages []string
	for _, e := range r.Errors {
		messages = append(messages, e.Message)
	}
	return r.Data.Status, messages, nil
}

// wantRecorded checks the invariant of isolation: the instance carries at
// most one readable record, and every interface among want that holds
// the isolation group has an entry in it naming exactly its groups.
func (f *fixture) wantRecorded(id, iso string, want map[string][]string) {
	f.t.Helper()
	rec, _, err := respond.ReadRecord(respond.Instance{ID: id, Tags: f.tags(id)})
	if err != nil {
		f.t.Errorf("record of %s: %v", id, err)
		return
	}
	for eni, groups := range want {
		if !f.holds(eni, iso) {
			continue
		}
		i := slices.IndexFunc(rec.Entries, func(e respond.Entry) bool {
			return e.InterfaceID == eni
		})
		if i < 0 || !sameSet(rec.Entries[i].Groups, groups) {
			f.t.Errorf("interface %s is isolated but the record %v does not "+
				"name its %d groups", eni, f.recordTags(id), len(groups))
		}
	}
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
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

// lockHeld reports whether the lock group of an instance exists.
func (f *fixture) lockHeld(id string) bool {
	f.t.Helper()
	out, err := f.ec2.DescribeSecurityGroups(f.t.Context(),
		&ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{
			Name:   aws.String("group-name"),
			Values: []string{"SecureX-EC2_Isolation-Lock-" + id}}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(out.SecurityGroups) > 0
}
