package respond

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Isolate replaces the groups of every interface of in with the isolation
// group of its VPC, after recording them in tags. It holds the instance's
// lock throughout (see lock) and works on the instance as read under it.
// An instance already isolated is left as it is; an interface that holds
// the isolation group beside other groups is put back on the isolation
// group alone; a record left on an instance none of whose interfaces
// holds the isolation group is stale and replaced. On any failure the
// changes already made are undone; the error says what state the
// instance is left in. After its writes it reads the instance again (see
// verify), and answers failure when the instance is not isolated then.
func Isolate(ctx context.Context, ec2 EC2, in Instance) (Audit, error) {
	return locked(ctx, ec2, ActionIsolate, in, isolateLocked)
}

// isolateLocked isolates the instance of a, as read under the lock, and
// returns the outcome.
func isolateLocked(ctx context.Context, ec2 EC2, a *Audit) (string, error) {
	in := a.in
	if err := canIsolate(in); err != nil {
		return "", err
	}
	old, hasRecord, err := ReadRecord(in)
	if err != nil {
		return "", err
	}
	groups, err := isolationGroups(ctx, ec2, in, a)
	if err != nil {
		return "", err
	}
	if hasRecord && !slices.ContainsFunc(in.Interfaces, Interface.holdsIsolation) {
		a.note(failure.InvalidArgument, "instance %s carried a stale "+
			"isolation record (%s) while no interface held the isolation "+
			"group; it was replaced by a record of the current groups",
			in.Label(), recordText(in, old))
		old.Entries = nil
	}
	rec, changes := planIsolation(in, groups, old, a)
	if len(changes) == 0 {
		if hasRecord {
			a.note(failure.InvalidArgument, "instance %s is already "+
				"isolated; nothing was changed", in.Label())
		}
		return OutcomeUnchanged, nil
	}
	if err := record(ctx, ec2, in, old, rec); err != nil {
		return "", err
	}
	if failed, err := apply(ctx, ec2, changes, a); err != nil {
		return "", isolateFailed(ctx, ec2, in, rec, failed, err, a)
	}
	return verifyIsolated(ctx, ec2, in, rec, changes, a)
}

// verifyIsolated reads the instance again after isolating it and checks
// that every changed interface is isolated.
func verifyIsolated(ctx context.Context, ec2 EC2, in Instance, rec Record,
	changes []change, a *Audit) (string, error) {
	now, err := verify(ctx, ec2, in.ID, rec, a)
	if err != nil {
		return "", err
	}
	notIsolated := func(i Interface) bool { return !i.isolated() }
	if open := changed(now, changes, notIsolated); len(open) > 0 {
		return "", failure.New(failure.Upstream, "interfaces %s of %s hold "+
			"other groups than the isolation group after they were "+
			"isolated; something else changed them; isolate again",
			list(open), in.Label())
	}
	return OutcomeIsolated, nil
}

// recordText returns the record's tags as they read on the instance, for
// a note that keeps a replaced record.
func recordText(in Instance, rec Record) string {
	parts := make([]string, len(rec.Keys))
	for n, k := range rec.Keys {
		parts[n] = k + "=" + strconv.Quote(in.Tags[k])
	}
	return strings.Join(parts, ", ")
}

// changed returns the interfaces among changes that, in now, match the
// predicate. Interfaces no longer attached are left out.
func changed(now Instance, changes []change, match func(Interface) bool) []string {
	var out []string
	for _, ch := range changes {
		if i, ok := now.iface(ch.iface); ok && match(i) {
			out = append(out, i.ID)
		}
	}
	return out
}

// canIsolate refuses an instance whose interfaces cannot be changed.
func canIsolate(in Instance) error {
	if in.Gone() {
		return failure.New(failure.InvalidArgument,
			"instance %s is %s; it can no longer be isolated", in.Label(), in.State)
	}
	if len(in.Interfaces) == 0 {
		return failure.New(failure.InvalidArgument,
			"instance %s has no network interface to isolate", in.Label())
	}
	return nil
}

// isolationGroups returns the isolation group of each VPC that an
// interface of in belongs to, by VPC id, each emptied of any rule. Rules
// someone had added to a group are named in a note.
func isolationGroups(ctx context.Context, ec2 EC2, in Instance,
	a *Audit) (map[string]string, error) {
	out := map[string]string{}
	for _, i := range in.Interfaces {
		if _, ok := out[i.VPCID]; ok {
			continue
		}
		g, err := ec2.IsolationGroup(ctx, i.VPCID)
		if err != nil {
			return nil, failure.Wrap(err, failure.KindOf(err),
				"could not prepare the isolation group of %s: %s; nothing "+
					"was changed", i.VPCID, failure.MessageOf(err))
		}
		if g.Revoked > 0 {
			a.note(failure.InvalidArgument, "the isolation group %s of %s held "+
				"%d rules that let traffic through; they were revoked", g.ID,
				i.VPCID, g.Revoked)
		}
		out[i.VPCID] = g.ID
	}
	return out, nil
}

// planIsolation returns the record and the changes that isolate in,
// starting from the entries of the record it carries (none when there is
// none or it is stale). An interface that holds nothing but its
// isolation group is isolated: it keeps its entry and is left as it is.
// One that holds the isolation group beside other groups and has an
// entry keeps the entry, which names its groups from before, and is put
// back on the isolation group alone. Every other interface has its
// current groups recorded, replacing any entry.
func planIsolation(in Instance, groups map[string]string, old Record,
	a *Audit) (Record, []change) {
	var rec Record
	var changes []change
	for _, i := range in.Interfaces {
		isolation := groups[i.VPCID]
		entry, hasEntry := findEntry(old, i.ID)
		prior := priorGroups(i, isolation)
		switch {
		case len(prior) == 0:
			if hasEntry {
				rec.Entries = append(rec.Entries, entry)
				continue
			}
			a.note(failure.InvalidArgument, "interface %s of %s already "+
				"holds only an isolation group; it was left as it is",
				i.ID, in.Label())
			continue
		case hasEntry && i.holdsIsolation():
			rec.Entries = append(rec.Entries, entry)
			a.note(failure.InvalidArgument, "interface %s of %s held the "+
				"isolation group beside %s; it was put back on the isolation "+
				"group alone, and its recorded groups are kept", i.ID,
				in.Label(), list(prior))
		default:
			rec.Entries = append(rec.Entries, Entry{InterfaceID: i.ID,
				Groups: prior})
		}
		changes = append(changes, change{iface: i.ID, from: i.groupIDs(),
			to: []string{isolation}})
	}
	for _, e := range old.Entries {
		if _, attached := in.iface(e.InterfaceID); !attached {
			rec.Entries = append(rec.Entries, e)
		}
	}
	return rec, changes
}

// findEntry returns the record's entry for an interface, if it names
// groups.
func findEntry(rec Record, iface string) (Entry, bool) {
	for _, e := range rec.Entries {
		if e.InterfaceID == iface && len(e.Groups) > 0 {
			return e, true
		}
	}
	return Entry{}, false
}

// priorGroups returns the interface's groups other than the isolation
// group.
func priorGroups(i Interface, isolation string) []string {
	var prior []string
	for _, g := range i.Groups {
		if g.ID != isolation && !i.isIsolation(g) {
			prior = append(prior, g.ID)
		}
	}
	return prior
}

// record writes the record's tags on the instance in one call, unless
// the instance carries them already, then removes the tags of the old
// record that the new one does not overwrite.
func record(ctx context.Context, ec2 EC2, in Instance, old, rec Record) error {
	tags, err := rec.Tags()
	if err != nil {
		return fmt.Errorf("encode the record of %s: %w", in.ID, err)
	}
	stale := staleRecordKeys(in.Tags, old, tags)
	written := !slices.ContainsFunc(tags, func(t Tag) bool {
		v, ok := in.Tags[t.Key]
		return !ok || v != t.Value
	})
	if !written {
		if err := ec2.PutTags(ctx, in.ID, tags); err != nil {
			return failure.Wrap(err, failure.KindOf(err), "could not record "+
				"the groups of %s: %s; nothing was changed", in.Label(),
				failure.MessageOf(err))
		}
	}
	if len(stale) == 0 {
		return nil
	}
	if err := ec2.DeleteTags(ctx, in.ID, stale); err != nil {
		return failure.Wrap(err, failure.KindOf(err), "the groups of %s were "+
			"recorded, but the tags %s of its earlier record could not be "+
			"removed: %s; no group was changed; remove them by hand",
			in.Label(), list(stale), failure.MessageOf(err))
	}
	return nil
}

// isolateFailed undoes the record of a failed isolation when every
// interface was put back and none holds the isolation group, and returns
// the error that says where the instance stands.
func isolateFailed(ctx context.Context, ec2 EC2, in Instance, rec Record,
	failed []string, cause error, a *Audit) error {
	reason := failure.MessageOf(cause)
	if len(failed) > 0 {
		return failure.Wrap(cause, failure.KindOf(cause), "could not isolate "+
			"%s: %s; interfaces %s could not be put back and stay isolated; "+
			"their groups stay recorded in the instance's tags, so "+
			"un-isolating restores them", in.Label(), reason, list(failed))
	}
	if slices.ContainsFunc(in.Interfaces, Interface.holdsIsolation) {
		return failure.Wrap(cause, failure.KindOf(cause), "could not isolate "+
			"%s: %s; every interface was put back as it was, and the record "+
			"of the interfaces that hold the isolation group is kept",
			in.Label(), reason)
	}
	tags, _ := rec.Tags()
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = t.Key
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTime)
	defer cancel()
	if err := ec2.DeleteTags(ctx, in.ID, keys); err != nil {
		return failure.Wrap(cause, failure.KindOf(cause), "could not isolate "+
			"%s: %s; every interface was put back, but the record tags could "+
			"not be removed (%s); un-isolating removes them", in.Label(),
			reason, failure.MessageOf(err))
	}
	// Should the lock have been lost, another isolate may have set a
	// group since; verify writes its entry back.
	if _, err := verify(ctx, ec2, in.ID, rec, a); err != nil {
		a.note(failure.KindOf(err), "%s", failure.MessageOf(err))
	}
	return failure.Wrap(cause, failure.KindOf(cause), "could not isolate %s: "+
		"%s; every change was undone and the instance keeps its groups",
		in.Label(), reason)
}
