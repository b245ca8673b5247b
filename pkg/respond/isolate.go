package respond

import (
	"context"
	"fmt"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Isolate replaces the groups of every interface of in with the isolation
// group of its VPC, after recording them in tags. An instance already
// isolated is left as it is. On any failure the changes already made are
// undone; the error says what state the instance is left in. After its
// writes it reads the instance again (see verify), and answers failure
// when another action undid part of its work meanwhile.
func Isolate(ctx context.Context, ec2 EC2, in Instance) (Audit, error) {
	a := newAudit(ActionIsolate, in)
	if err := canIsolate(in); err != nil {
		return a.fail(err)
	}
	if _, _, err := ReadRecord(in); err != nil {
		return a.fail(err)
	}
	groups, err := isolationGroups(ctx, ec2, in, &a)
	if err != nil {
		return a.fail(err)
	}
	if in.Isolated() {
		return alreadyIsolated(in, a)
	}
	rec, changes := planIsolation(in, groups, &a)
	if len(changes) == 0 {
		a.finish(OutcomeUnchanged, nil)
		return a, nil
	}
	if err := record(ctx, ec2, in, rec); err != nil {
		return a.fail(err)
	}
	if failed, err := apply(ctx, ec2, changes, &a); err != nil {
		return a.fail(isolateFailed(ctx, ec2, in, rec, failed, err, &a))
	}
	now, err := verify(ctx, ec2, in.ID, rec, &a)
	if err != nil {
		return a.fail(err)
	}
	if open := changed(now, changes, false); len(open) > 0 {
		return a.fail(failure.New(failure.Upstream, "another action restored "+
			"interfaces %s of %s while it was being isolated; they are not "+
			"isolated; try again", list(open), in.Label()))
	}
	a.finish(OutcomeIsolated, nil)
	return a, nil
}

// alreadyIsolated answers for an instance that carries a record. When
// every interface holds its isolation group there is nothing to do;
// otherwise another action is under way or stopped part way, and
// isolating now could record the isolation group as the interface's own.
func alreadyIsolated(in Instance, a Audit) (Audit, error) {
	var open []string
	for _, i := range in.Interfaces {
		if !i.isolated() {
			open = append(open, i.ID)
		}
	}
	if len(open) > 0 {
		return a.fail(failure.New(failure.InvalidArgument, "instance %s carries "+
			"an isolation record, but interfaces %s do not hold the isolation "+
			"group: an isolation or un-isolation is in progress or stopped "+
			"part way; nothing was changed; try again, or un-isolate it first",
			in.Label(), list(open)))
	}
	a.note(failure.InvalidArgument,
		"instance %s is already isolated; nothing was changed", in.Label())
	a.finish(OutcomeUnchanged, nil)
	return a, nil
}

// changed returns the interfaces among changes that, in now, hold their
// isolation group when isolated is true, or do not when it is false.
// Interfaces no longer attached are left out.
func changed(now Instance, changes []change, isolated bool) []string {
	var out []string
	for _, ch := range changes {
		if i, ok := now.iface(ch.iface); ok && i.isolated() == isolated {
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

// planIsolation returns the record and the changes that isolate in. An
// interface that holds nothing but isolation groups is already isolated:
// it has nothing to record and is left as it is.
func planIsolation(in Instance, groups map[string]string, a *Audit) (Record, []change) {
	var rec Record
	var changes []change
	for _, i := range in.Interfaces {
		isolation := groups[i.VPCID]
		var prior []string
		for _, g := range i.Groups {
			if g.ID != isolation && !i.isIsolation(g) {
				prior = append(prior, g.ID)
			}
		}
		if len(prior) == 0 {
			a.note(failure.InvalidArgument, "interface %s of %s already holds "+
				"only an isolation group; it was left as it is", i.ID, in.Label())
			continue
		}
		rec.Entries = append(rec.Entries, Entry{InterfaceID: i.ID, Groups: prior})
		changes = append(changes, change{iface: i.ID, from: i.groupIDs(),
			to: []string{isolation}})
	}
	return rec, changes
}

// record writes the record's tags on the instance in one call.
func record(ctx context.Context, ec2 EC2, in Instance, rec Record) error {
	tags, err := rec.Tags()
	if err != nil {
		return fmt.Errorf("encode the record of %s: %w", in.ID, err)
	}
	if err := ec2.PutTags(ctx, in.ID, tags); err != nil {
		return failure.Wrap(err, failure.KindOf(err), "could not record the "+
			"groups of %s: %s; nothing was changed", in.Label(),
			failure.MessageOf(err))
	}
	return nil
}

// isolateFailed undoes the record of a failed isolation when every
// interface was put back, and returns the error that says where the
// instance stands.
func isolateFailed(ctx context.Context, ec2 EC2, in Instance, rec Record,
	failed []string, cause error, a *Audit) error {
	reason := failure.MessageOf(cause)
	if len(failed) > 0 {
		return failure.Wrap(cause, failure.KindOf(cause), "could not isolate "+
			"%s: %s; interfaces %s could not be put back and stay isolated; "+
			"their groups stay recorded in the instance's tags, so "+
			"un-isolating restores them", in.Label(), reason, list(failed))
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
	// Another isolate may have set a group since; verify writes its entry
	// back.
	if _, err := verify(ctx, ec2, in.ID, rec, a); err != nil {
		a.note(failure.KindOf(err), "%s", failure.MessageOf(err))
	}
	return failure.Wrap(cause, failure.KindOf(cause), "could not isolate %s: "+
		"%s; every change was undone and the instance keeps its groups",
		in.Label(), reason)
}
