package respond

import (
	"context"
	"fmt"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Isolate replaces the groups of every interface of in with the isolation
// group of its VPC, after recording them in tags. An instance already
// isolated is left as it is. On any failure the changes already made are
// undone; the error says what state the instance is left in.
func Isolate(ctx context.Context, ec2 EC2, in Instance) (Audit, error) {
	a := newAudit(ActionIsolate, in)
	if err := canIsolate(in); err != nil {
		return a.fail(err)
	}
	if in.Isolated() {
		if _, _, err := ReadRecord(in); err != nil {
			return a.fail(err)
		}
		a.note(failure.InvalidArgument,
			"instance %s is already isolated; nothing was changed", in.Label())
		a.finish(OutcomeUnchanged, nil)
		return a, nil
	}
	groups, err := isolationGroups(ctx, ec2, in)
	if err != nil {
		return a.fail(err)
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
		return a.fail(isolateFailed(ctx, ec2, in, rec, failed, err))
	}
	a.finish(OutcomeIsolated, nil)
	return a, nil
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
// interface of in belongs to, by VPC id.
func isolationGroups(ctx context.Context, ec2 EC2,
	in Instance) (map[string]string, error) {
	out := map[string]string{}
	for _, i := range in.Interfaces {
		if _, ok := out[i.VPCID]; ok {
			continue
		}
		id, err := ec2.IsolationGroup(ctx, i.VPCID)
		if err != nil {
			return nil, failure.Wrap(err, failure.KindOf(err),
				"could not prepare the isolation group of %s: %s; nothing "+
					"was changed", i.VPCID, failure.MessageOf(err))
		}
		out[i.VPCID] = id
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
			if g.ID != isolation && !IsIsolationGroupName(g.Name) {
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
	failed []string, cause error) error {
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
	return failure.Wrap(cause, failure.KindOf(cause), "could not isolate %s: "+
		"%s; every change was undone and the instance keeps its groups",
		in.Label(), reason)
}
