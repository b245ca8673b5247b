package respond

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// verifyRounds bounds how often an action writes the record back before
// it gives up verifying.
const verifyRounds = 3

// verify re-reads the instance after an action's writes and makes sure
// that every interface holding its isolation group has an entry in the
// record, writing back the missing entries from known: the groups the
// action read before it changed anything. It never removes a record. It
// returns the instance as last read.
//
// The per-instance lock (see lock) keeps two actions off one instance,
// so verify finds nothing to do unless the lock was lost: an action that
// ran past the lock's expiry, or an EC2 read that lags behind a write.
// What follows is the argument for two actions that do overlap; it
// dates from before the lock and still holds for what it covers.
//
// An isolate writes the record (R), then sets the isolation group (S),
// then verifies (V). An un-isolate proceeds only when a recorded
// interface holds the isolation group, so it never "restores" an
// instance whose isolation has only been recorded yet; it sets the
// recorded groups, removes the record (D), then verifies (W).
//
// Take an interface that ends isolated, its last S and the last D.
// When D comes before the isolate's V, V sees the interface isolated and
// the record gone and writes the entry back from what the isolate read.
// When D comes after V, it also comes after S, so the un-isolate's W
// sees the interface isolated and writes the entry back from the record
// it read. With one isolate and one un-isolate, that record is the one
// the isolate wrote (the isolate read no record, so one read earlier by
// the un-isolate must have been removed by a third action), and it names
// every interface the isolate changes. Either way the entry is there at
// the end.
//
// What remains: two repairs that read the record at once and both write
// it, each without the other's entry, are caught by the next round but
// not after the last one; the window of a round is one read and one
// write. An interface isolated by a third action whose record an
// un-isolate removes is repaired by that third action's own
// verification, unless its V ran before the removal too. Between an
// action's writes and its verification the invariant does not hold, and
// a relay that stops there (a Lambda timeout) leaves it so; un-isolating
// then says what is missing.
func verify(ctx context.Context, ec2 EC2, id string, known Record,
	a *Audit) (Instance, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTime)
	defer cancel()
	for round := 0; ; round++ {
		now, err := ec2.Instance(ctx, id)
		if err != nil {
			return now, failure.Wrap(err, failure.KindOf(err), "could not read "+
				"%s again to verify its isolation record: %s", a.in.Label(),
				failure.MessageOf(err))
		}
		current, _, err := ReadRecord(now)
		var missing []Entry
		if err == nil {
			missing = missingEntries(now, current, known)
		}
		if err == nil && len(missing) == 0 {
			return now, nil
		}
		if round == verifyRounds {
			return now, unverified(a.in, err)
		}
		if err == nil {
			if err := writeBack(ctx, ec2, now, current, missing, a); err != nil {
				return now, err
			}
		}
	}
}

// unverified returns the error of a record that kept changing, or read
// as damaged, through every round of verification.
func unverified(in Instance, damage error) error {
	if damage != nil {
		return failure.Wrap(damage, failure.Upstream, "the isolation record of "+
			"%s reads as damaged after another action wrote it at the same "+
			"time: %s", in.Label(), failure.MessageOf(damage))
	}
	return failure.New(failure.Upstream, "the isolation record of %s kept "+
		"changing while it was written back; other actions run on it at "+
		"the same time; check it before acting again", in.Label())
}

// missingEntries returns the entries of known for the interfaces of now
// that hold their isolation group while the current record has no
// groups for them.
func missingEntries(now Instance, current, known Record) []Entry {
	var out []Entry
	for _, i := range now.Interfaces {
		if !i.holdsIsolation() || hasEntry(current, i.ID) {
			continue
		}
		for _, e := range known.Entries {
			if e.InterfaceID == i.ID && len(e.Groups) > 0 {
				out = append(out, e)
			}
		}
	}
	return out
}

// hasEntry reports whether rec names groups for the interface.
func hasEntry(rec Record, iface string) bool {
	return slices.ContainsFunc(rec.Entries, func(e Entry) bool {
		return e.InterfaceID == iface && len(e.Groups) > 0
	})
}

// writeBack writes the current record with the missing entries added.
// When the larger record needs other tag keys, the parts it supersedes
// are removed after it is written: their entries are all in it, so no
// recorded group is lost.
func writeBack(ctx context.Context, ec2 EC2, now Instance, current Record,
	missing []Entry, a *Audit) error {
	merged := Record{Entries: append(slices.Clone(current.Entries), missing...)}
	tags, err := merged.Tags()
	if err != nil {
		return fmt.Errorf("encode the record of %s: %w", now.ID, err)
	}
	if err := ec2.PutTags(ctx, now.ID, tags); err != nil {
		return failure.Wrap(err, failure.KindOf(err), "interfaces of %s hold "+
			"the isolation group without a record of their groups, and "+
			"writing it back failed: %s; un-isolating cannot restore them",
			now.Label(), failure.MessageOf(err))
	}
	if stale := staleRecordKeys(now.Tags, current, tags); len(stale) > 0 {
		if err := ec2.DeleteTags(ctx, now.ID, stale); err != nil {
			return failure.Wrap(err, failure.KindOf(err), "the isolation record "+
				"of %s was written back, but its superseded tags %s could not be "+
				"removed: %s; remove them by hand", now.Label(), list(stale),
				failure.MessageOf(err))
		}
	}
	ids := make([]string, len(missing))
	for n, e := range missing {
		ids[n] = e.InterfaceID
	}
	a.note(failure.Upstream, "another action changed %s at the same time; "+
		"the recorded groups of interfaces %s were written back", now.Label(),
		list(ids))
	return nil
}
